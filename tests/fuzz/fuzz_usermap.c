/*
 * fuzz_usermap.c - libFuzzer target: the input is a line "VALUE USER"
 * (the identity and the local user asked about) followed by a
 * user_map_file (lib/usermap.c), written to a file of a temp dir and
 * read as the module reads it.
 *
 * Properties:
 *  - the answer is 0 (mapped), -1 (not) or -2 (file problem), with a
 *    bounded reason when not 0;
 *  - it agrees with an independent reading of the format here: blank
 *    and # lines skipped; a line is VALUE, blanks, then a comma-separated
 *    user list ending at a blank, CR or #; the text ends at a NUL.
 */
#include "kinde-build.h"

#include "netfuzz.h"
#include "usermap.h"

const char fuzz_target_name[] = "usermap";

static bool
in_list(const char *list, size_t n, const char *user)
{
	size_t ul = strlen(user), w;

	while (n > 0) {
		w = 0;
		while (w < n && list[w] != ',')
			w++;
		if (w == ul && memcmp(list, user, w) == 0)
			return true;
		list += w < n ? w + 1 : w;
		n -= w < n ? w + 1 : w;
	}
	return false;
}

/* The reference reading: true when value maps to user. */
static bool
ref_mapped(const char *text, const char *value, const char *user)
{
	const char *line = text, *end, *p, *q;
	size_t vl = strlen(value);

	while (*line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		p = line;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		if (p < end && *p != '#' && q < end &&
		    (size_t)(q - p) == vl && memcmp(p, value, vl) == 0) {
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			p = q;
			while (q < end && *q != ' ' && *q != '\t' &&
			       *q != '\r' && *q != '#')
				q++;
			if (in_list(p, (size_t)(q - p), user))
				return true;
		}
		line = *end == '\n' ? end + 1 : end;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kinde_config_t *cfg;
	static char path[256];
	char value[256], user[64], why[1024], *text;
	const uint8_t *nl = memchr(data, '\n', size), *sp;
	size_t head, ul;
	int r;

	if (cfg == NULL) {
		nf_setup(NULL);		/* the temp dir */
		nf_write("user_map", "", 0, path, sizeof(path));
		cfg = kinde_config_new();
		if (cfg == NULL ||
		    kinde_config_set(cfg, "domain", NF_DOMAIN) != KINDE_OK ||
		    kinde_config_set(cfg, "audience", "a") != KINDE_OK ||
		    kinde_config_set(cfg, "user_map_file", path) != KINDE_OK ||
		    kinde_config_finish(cfg) != KINDE_OK)
			setup_fail("usermap config");
	}
	head = nl ? (size_t)(nl - data) : size;
	sp = memchr(data, ' ', head);
	if (sp == NULL || memchr(data, '\0', head) != NULL)
		return 0;
	ul = head - (size_t)(sp + 1 - data);
	if ((size_t)(sp - data) >= sizeof(value) || ul >= sizeof(user) ||
	    sp == data || ul == 0)
		return 0;
	memcpy(value, data, (size_t)(sp - data));
	value[sp - data] = '\0';
	memcpy(user, sp + 1, ul);
	user[ul] = '\0';
	size -= nl ? head + 1 : head;
	data += nl ? head + 1 : head;
	nf_write("user_map", data, size, NULL, 0);
	why[0] = '\0';
	r = kinde_usermap_check_identity(cfg, value, false, user, why,
					 sizeof(why));
	FUZZ_ASSERT(r == 0 || r == -1 || r == -2);
	FUZZ_ASSERT(strlen(why) < sizeof(why) - 1);
	if (r != -2) {
		text = malloc(size + 1);
		if (text == NULL)
			abort();
		memcpy(text, data, size);
		text[size] = '\0';
		FUZZ_ASSERT((r == 0) == ref_mapped(text, value, user));
		free(text);
	}
	return 0;
}
