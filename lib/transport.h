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

/* Whether the plugin has been loaded in this process (tests, bench). */
bool transport_plugin_loaded(void);

#endif
