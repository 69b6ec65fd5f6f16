/*
 * test_netload.c - how the core loads the HTTPS transport plugin
 * (lib/transport.c, net_module): only a file that passes the trusted-file
 * checks, and the very file that was checked.
 *
 * The window between the check and the load is made certain: this
 * program's dlopen() (the core is linked in, so its call lands here)
 * renames another library over the checked path before loading.  Loading
 * by path would then load that one; loading the checked descriptor
 * (/proc/self/fd/N) still loads the transport.
 *
 * Paths: $top_builddir/.libs/kinde-net.so and
 * $top_builddir/pam/.libs/pam_kinde.so (a library that is not a
 * transport).
 */
#include "kinde-build.h"

#include "../unit/tap.h"
#include "kinde.h"
#include "transport.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *swap_from, *swap_to;
static char last_dlopen[512];

void *dlopen(const char *file, int mode);

void *
dlopen(const char *file, int mode)
{
	static void *(*real)(const char *, int);
	void *sym;

	if (real == NULL) {
		sym = dlsym(RTLD_NEXT, "dlopen");
		memcpy(&real, &sym, sizeof(real));
	}
	snprintf(last_dlopen, sizeof(last_dlopen), "%s", file ? file : "");
	if (swap_from != NULL) {
		if (rename(swap_from, swap_to) != 0)
			diag("rename %s %s failed", swap_from, swap_to);
		swap_from = NULL;
	}
	return real(file, mode);
}

static char *
build_path(const char *rel)
{
	const char *top = getenv("top_builddir");
	char *p;

	if (asprintf(&p, "%s/%s", top ? top : ".", rel) < 0)
		abort();
	return p;
}

static int
copy(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	close(in);
	close(out);
	return chmod(to, mode);
}

/* Asks for one (failing, no network) request through net_module=path. */
static kinde_err_t
try_load(const char *path, struct http_response *resp)
{
	kinde_config_t *cfg = kinde_config_new();
	struct http_request req = { 0 };
	kinde_err_t rc;

	if (cfg == NULL || kinde_config_set(cfg, "net_module", path))
		abort();
	req.method = "GET";
	req.url = "http://127.0.0.1:9/";	/* refused before any I/O */
	rc = transport_perform(cfg, &req, resp);
	free(resp->body);
	resp->body = NULL;
	kinde_config_free(cfg);
	return rc;
}

int
main(void)
{
	char dir[] = "/tmp/test_netload_XXXXXX", net[300], evil[300], cmd[400];
	char *plugin = build_path(".libs/kinde-net.so");
	char *other = build_path("pam/.libs/pam_kinde.so");
	struct http_response resp;

	if (mkdtemp(dir) == NULL || access(plugin, R_OK) != 0 ||
	    access(other, R_OK) != 0) {
		printf("Bail out! %s or %s not built\n", plugin, other);
		return 99;
	}
	snprintf(net, sizeof(net), "%s/net.so", dir);
	snprintf(evil, sizeof(evil), "%s/evil.so", dir);

	/* The checks refuse a module others may write (before any load:
	 * a loaded transport is kept for the life of the process). */
	copy(plugin, net, 0664);
	is_int(try_load(net, &resp), KINDE_E_CONFIG,
	       "a group-writable net_module: refused (a configuration error)");
	ok(strstr(resp.errmsg, "too open") != NULL,
	   "  the message says too open (%s)", resp.errmsg);
	chmod(net, 0646);
	is_int(try_load(net, &resp), KINDE_E_CONFIG,
	       "a world-writable net_module: refused");
	ok(!transport_plugin_loaded(), "  nothing was loaded");
	snprintf(cmd, sizeof(cmd), "%s/none.so", dir);
	is_int(try_load(cmd, &resp), KINDE_E_CONFIG,
	       "a missing net_module: refused");
	copy(other, evil, 0644);
	is_int(try_load(evil, &resp), KINDE_E_CONFIG,
	       "a library that is not the transport: refused");
	ok(strstr(resp.errmsg, "is not the HTTPS transport") != NULL,
	   "  says it is not the HTTPS transport (%s)", resp.errmsg);
	ok(!transport_plugin_loaded(), "  no transport loaded");

	/* The checked file is loaded, whatever the path names by then.
	 * (The loader knows objects by name: the library refused above was
	 * loaded as /proc/self/fd/N too, and had it been kept, this load
	 * would have been handed that one again.) */
	chmod(net, 0644);
	swap_from = evil;
	swap_to = net;
	is_int(try_load(net, &resp), KINDE_E_UNAVAILABLE,
	       "net_module replaced between the check and the load: the checked transport is loaded (the request then fails as it should)");
	ok(transport_plugin_loaded(), "  the transport is loaded");
	ok(strncmp(last_dlopen, "/proc/self/fd/", 14) == 0,
	   "  loaded through the checked descriptor (%s)", last_dlopen);
	ok(strstr(resp.errmsg, "only https URLs") != NULL,
	   "  and it is the transport that answered (%s)", resp.errmsg);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	free(plugin);
	free(other);
	return done_testing();
}
