/*
 * transport.h - reaching the issuer: the in-process libcurl transport when
 * the program links it (kinde-auth), else the plugin loaded on first use
 * (pam_kinde.so).
 */
#ifndef KINDE_TRANSPORT_H
#define KINDE_TRANSPORT_H

#include "kinde.h"
#include "http.h"

/* (kinde_transport_register, which makes net the transport of this
 * process, is public: kinde.h.) */

/*
 * Sends req with cfg's CA file, proxy and timeouts filled in.  Returns
 * KINDE_OK when a response arrived (resp->status says which), else
 * KINDE_E_UNAVAILABLE (DNS, TLS, ...) or KINDE_E_CONFIG (the transport
 * plugin cannot be loaded) with resp->errmsg set.
 * The caller frees resp->body.
 */
kinde_err_t transport_perform(const kinde_config_t *cfg,
			      struct http_request *req,
			      struct http_response *resp);

/*
 * The connection a client keeps for all its requests (http.h's session),
 * with the transport that made it; zeroed: none yet.
 */
struct transport_conn {
	const struct kinde_net *net;
	struct http_session *session;
};

/*
 * transport_perform on conn's connection, opened on first use; NULL
 * conn: a connection of its own, closed after the request.
 */
kinde_err_t transport_request(const kinde_config_t *cfg,
			      struct transport_conn *conn,
			      struct http_request *req,
			      struct http_response *resp);

/* Closes conn's connection, if any; conn may be used again. */
void transport_conn_close(struct transport_conn *conn);

/* Whether the plugin has been loaded in this process (tests, bench). */
bool transport_plugin_loaded(void);

#endif
