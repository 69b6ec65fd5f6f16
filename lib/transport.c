/*
 * transport.c - chooses how to reach the issuer.
 *
 * Why a plugin: sshd starts a fresh process for every connection, so all a
 * module links is loaded on every login.  libcurl and its ~30 dependencies
 * cost about 5 ms a process; a login with warm caches needs no network at
 * all.  So pam_kinde.so links only libcrypto and jansson, and loads the
 * libcurl transport (kinde-net.so) with dlopen() the first time a request
 * is actually needed: a cold cache, an API key, an M2M token.  systemd
 * treats its optional libraries the same way; SSSD goes further and runs
 * its network work in a child program.
 */
#include "kinde-build.h"

#include "transport.h"
#include "config.h"
#include "log.h"
#include "safefile.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct kinde_net *registered;
static const struct kinde_net *loaded;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

void
kinde_transport_register(const struct kinde_net *net)
{
	registered = net;
}

bool
transport_plugin_loaded(void)
{
	return loaded != NULL;
}

/*
 * Loads the plugin once per process and keeps it (RTLD_NODELETE): libcurl
 * and OpenSSL do not support being unloaded.  The file must be trusted like
 * the config: root-owned, not writable by others; the descriptor that was
 * checked is what is loaded (/proc/self/fd/N, so /proc must be mounted).
 */
static const struct kinde_net *
load_plugin(const kinde_config_t *cfg, struct errrec *err)
{
	const char *path = cfg->net_module ? cfg->net_module :
			   KINDE_NET_MODULE;
	const struct kinde_net *net = NULL;
	char fdpath[64];
	void *h;
	int fd;

	pthread_mutex_lock(&load_lock);
	if (loaded != NULL) {
		net = loaded;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		errrec_write(err, "cannot open the HTTPS transport %s: %m",
			     path);
		goto out;
	}
	if (safefile_check_fd(fd, path, FILE_TRUSTED, err) !=
	    KINDE_OK) {
		close(fd);
		goto out;
	}
	/*
	 * Load the file that was checked: by now the path may name another
	 * one (a rename in a directory someone else can write).  The dynamic
	 * loader knows objects by the name they were opened with, and this
	 * name is reused for other files: a library that turns out not to be
	 * the transport is unloaded again, and only the transport is kept
	 * for good (RTLD_NODELETE, added with RTLD_NOLOAD once it is known).
	 */
	kinde_fmt(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	h = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		errrec_write(err, "cannot load the HTTPS transport: %s",
			     dlerror());
		close(fd);
		goto out;
	}
	net = dlsym(h, KINDE_NET_SYMBOL);
	if (net == NULL || net->abi != KINDE_NET_ABI ||
	    strcmp(net->version, PACKAGE_VERSION) != 0) {
		errrec_write(err,
			     "%s is not the HTTPS transport of pam_kinde %s",
			     path, PACKAGE_VERSION);
		net = NULL;
		dlclose(h);
		close(fd);
		goto out;
	}
	if (dlopen(fdpath, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD |
		   RTLD_NODELETE) == NULL) {
		errrec_write(err, "cannot keep the HTTPS transport: %s",
			     dlerror());
		net = NULL;
		dlclose(h);
		close(fd);
		goto out;
	}
	close(fd);
	loaded = net;
	kinde_log(cfg, LOG_DEBUG, "loaded the HTTPS transport %s", path);
out:
	pthread_mutex_unlock(&load_lock);
	return net;
}

kinde_err_t
transport_request(const kinde_config_t *cfg, struct transport_conn *conn,
		  struct http_request *req, struct http_response *resp)
{
	const struct kinde_net *net = registered;
	struct errrec err = { "" };

	memset(resp, 0, sizeof(*resp));
	if (net == NULL) {
		net = load_plugin(cfg, &err);
		/* The plugin's ABI carries a plain buffer. */
		errrec_copy(&err, resp->errmsg, sizeof(resp->errmsg));
	}
	if (net == NULL) {
		/* An installation problem: PAM_SERVICE_ERR, not "issuer
		 * unavailable". */
		resp->err = HTTP_E_INTERNAL;
		return KINDE_E_CONFIG;
	}
	if (conn != NULL && conn->net != net) {
		transport_conn_close(conn);
		conn->net = net;
		/* Out of memory: each request on its own connection. */
		conn->session = net->session_new();
	}
	req->ca_file = cfg->ca_file;
	req->proxy = cfg->proxy;
	req->connect_timeout_ms = cfg->connect_timeout * 1000;
	if (req->timeout_ms <= 0)
		req->timeout_ms = cfg->timeout * 1000;
	if (req->max_response == 0)
		req->max_response = HTTP_MAX_RESPONSE;
	kinde_log(cfg, LOG_DEBUG, "%s %s", req->method, req->url);
	if (conn != NULL && conn->session != NULL)
		net->session_perform(conn->session, req, resp);
	else
		net->perform(req, resp);
	if (resp->err != HTTP_OK) {
		free(resp->body);
		resp->body = NULL;
		return KINDE_E_UNAVAILABLE;
	}
	kinde_log(cfg, LOG_DEBUG, "%s %s: HTTP %ld, %zu bytes, %s connection",
		  req->method, req->url, resp->status, resp->body_len,
		  resp->connects ? "new" : "reused");
	return KINDE_OK;
}

kinde_err_t
transport_perform(const kinde_config_t *cfg, struct http_request *req,
		  struct http_response *resp)
{
	return transport_request(cfg, NULL, req, resp);
}

void
transport_conn_close(struct transport_conn *conn)
{
	if (conn->net != NULL && conn->session != NULL)
		conn->net->session_free(conn->session);
	conn->net = NULL;
	conn->session = NULL;
}
