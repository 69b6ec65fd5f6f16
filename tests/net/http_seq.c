/*
 * http_seq.c - a sequence of requests through the libcurl transport
 * (lib/http.c), on one session as a kinde_client_t makes them, or each on
 * a connection of its own (--oneshot: what every request did before
 * sessions).  For test_connections.sh, which reads the fake server's
 * counters to see which connections were opened and what each request
 * carried.
 *
 * usage: http_seq [--oneshot] CA_FILE STEP...
 *   STEP: GET URL | POST URL, each followed by any of
 *         -b BEARER   Authorization: Bearer BEARER
 *         -d JSON     a body (application/json)
 *         -t MS       this request's timeout (default 10000)
 * Prints one line per request: "STATUS ERR CONNECTS" (ERR the http_err
 * number, CONNECTS the connections it opened: 0 when it reused one).
 * Exit 0 when every request was made (whatever its outcome), 2 on usage.
 */
#include "kinde-build.h"

#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
usage(void)
{
	fprintf(stderr, "usage: http_seq [--oneshot] CA_FILE "
		"{GET|POST} URL [-b BEARER] [-d JSON] [-t MS]...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const struct kinde_net *net = &kinde_net_v1;
	struct http_session *s = NULL;
	struct http_response resp;
	struct http_request req;
	const char *ca;
	int i = 1, oneshot = 0;

	if (i < argc && strcmp(argv[i], "--oneshot") == 0) {
		oneshot = 1;
		i++;
	}
	if (argc - i < 3)
		return usage();
	ca = argv[i++];
	if (!oneshot && (s = net->session_new()) == NULL)
		return 1;
	while (i < argc) {
		memset(&req, 0, sizeof(req));
		if (strcmp(argv[i], "GET") != 0 && strcmp(argv[i], "POST") != 0)
			return usage();
		if (i + 1 >= argc)
			return usage();
		req.method = argv[i];
		req.url = argv[i + 1];
		req.ca_file = ca;
		req.connect_timeout_ms = 5000;
		req.timeout_ms = 10000;
		req.max_response = HTTP_MAX_RESPONSE;
		for (i += 2; i + 1 < argc && argv[i][0] == '-'; i += 2) {
			if (strcmp(argv[i], "-b") == 0) {
				req.bearer = argv[i + 1];
			} else if (strcmp(argv[i], "-d") == 0) {
				req.body = argv[i + 1];
				req.body_len = strlen(argv[i + 1]);
				req.content_type = "application/json";
			} else if (strcmp(argv[i], "-t") == 0) {
				req.timeout_ms = atol(argv[i + 1]);
			} else {
				return usage();
			}
		}
		if (oneshot)
			net->perform(&req, &resp);
		else
			net->session_perform(s, &req, &resp);
		printf("%ld %d %u\n", resp.status, (int)resp.err,
		       resp.connects);
		if (resp.err != HTTP_OK)
			fprintf(stderr, "http_seq: %s\n", resp.errmsg);
		fflush(stdout);
		free(resp.body);
	}
	net->session_free(s);
	return 0;
}
