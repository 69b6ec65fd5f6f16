/*
 * fuzz_device.c - libFuzzer target: the input is the reply to the device
 * authorization request and, after a line "--poll--", the token
 * endpoint's reply to one poll (lib/device.c, RFC 8628), read through the
 * real client (netfuzz.h).  Without the separator the poll gets the
 * fixed token endpoint's answer.  One poll, at once
 * (kinde_client_device_poll_once: no wait for the interval), far from
 * the deadline, so a pending answer is KINDE_OK without a token.
 *
 * Properties:
 *  - a started login shows only printable ASCII, a non-empty user code
 *    and an https verification URL;
 *  - an approved poll hands out a token; a pending or refused one none;
 *  - the result codes are the documented ones.
 */
#include "kinde-build.h"

#include "netfuzz.h"

const char fuzz_target_name[] = "device";

static void
check_shown(const char *s, bool may_be_empty)
{
	FUZZ_ASSERT(may_be_empty || s[0] != '\0');
	for (; *s != '\0'; s++)
		FUZZ_ASSERT(*s > 0x20 && *s < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n--poll--\n";
	const kinde_config_t *cfg = nf_setup(NULL);
	struct kinde_device_auth d;
	const uint8_t *poll = NULL;
	size_t first = size, i;
	char *tok = NULL;
	kinde_client_t *c;
	kinde_err_t rc;

	for (i = 0; i + sizeof(sep) - 1 <= size; i++)
		if (memcmp(data + i, sep, sizeof(sep) - 1) == 0) {
			first = i;
			poll = data + i + sizeof(sep) - 1;
			break;
		}
	nf.fuzz_path = NF_DEVICE;
	nf_reply(data, first);
	c = nf_client(cfg);
	rc = kinde_client_device_start(c, &d);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_UNAVAILABLE ||
		    rc == KINDE_E_CONFIG || rc == KINDE_E_RATELIMITED ||
		    rc == KINDE_E_NOMEM);
	if (rc == KINDE_OK) {
		check_shown(d.user_code, false);
		check_shown(d.verification_uri, false);
		check_shown(d.verification_uri_complete, true);
		FUZZ_ASSERT(strncmp(d.verification_uri, "https://", 8) == 0);
		FUZZ_ASSERT(d.interval >= 1 && d.interval <= 60);
	} else {
		snprintf(d.device_code, sizeof(d.device_code), "dc-fuzz");
		d.interval = 5;
	}
	d.deadline = INT64_MAX / 4;
	nf.fuzz_path = poll != NULL ? NF_TOKEN : NULL;
	if (poll != NULL)
		nf_reply(poll, size - (size_t)(poll - data));
	rc = kinde_client_device_poll_once(c, &d, &tok, NULL);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED ||
		    rc == KINDE_E_UNAVAILABLE || rc == KINDE_E_CONFIG ||
		    rc == KINDE_E_RATELIMITED || rc == KINDE_E_NOMEM);
	FUZZ_ASSERT(rc == KINDE_OK || tok == NULL);
	/* a token is handed out only for a 200 of the token endpoint */
	FUZZ_ASSERT(tok == NULL || poll == NULL || nf.status == 200);
	kinde_free_secret(tok);
	kinde_client_free(c);
	return 0;
}
