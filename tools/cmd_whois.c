/*
 * cmd_whois.c - `kinde-auth whois LOCALUSER`: who this local user is in
 * Kinde, and whether the account check (account_check = kinde) would let
 * them in now, with every value it measured.
 */
#include "kinde-build.h"

#include "cli.h"

#include <string.h>

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " whois [--config F] [--json] [-o KEY=VALUE]... LOCALUSER\n\n"
		"Maps LOCALUSER to a Kinde user id (user_map_file, read backwards)\n"
		"and that id back to its local users, then asks the Management API\n"
		"live, without the cache, what the account check asks: does the\n"
		"user exist, is it suspended, which organizations, roles and\n"
		"permissions does it have; and judges them by the policy\n"
		"(allowed_orgs, require_roles, allowed_roles, require_permissions).\n"
		"Needs client_id and client_secret_file of an M2M application with\n"
		"read:users, read:organization_users, read:organization_user_roles\n"
		"and read:organization_user_permissions.\n\n"
		"Exit status: 0 allowed, 1 not allowed or not mapped, 2 usage or\n"
		"configuration error, 3 Kinde unavailable.\n");
}

static void
print_list(const json_t *arr)
{
	const json_t *s;
	size_t i;

	if (json_array_size(arr) == 0)
		printf(" -");
	json_array_foreach(arr, i, s)
		printf("%s%s", i ? ", " : " ", json_string_value(s) ?: "?");
}

static void
print_measured(const json_t *m)
{
	const json_t *orgs = json_object_get(m, "orgs"), *o, *susp;
	const char *code;

	if (m == NULL)
		return;
	printf("Measured:\n");
	if (json_is_boolean(json_object_get(m, "exists")))
		printf("  exists         %s\n",
		       json_is_true(json_object_get(m, "exists")) ? "yes" : "no");
	susp = json_object_get(m, "is_suspended");
	if (json_is_boolean(susp))
		printf("  is_suspended   %s\n", json_is_true(susp) ? "true" : "false");
	if (json_object_get(m, "organizations") != NULL) {
		printf("  organizations ");
		print_list(json_object_get(m, "organizations"));
		printf("\n");
	}
	json_object_foreach((json_t *)orgs, code, o) {
		const json_t *mem = json_object_get(o, "member");

		printf("  %s: member %s", code, json_is_true(mem) ? "yes" :
		       json_is_false(mem) ? "no" : "?");
		if (json_object_get(o, "roles") != NULL) {
			printf("; roles");
			print_list(json_object_get(o, "roles"));
		}
		if (json_object_get(o, "permissions") != NULL) {
			printf("; permissions");
			print_list(json_object_get(o, "permissions"));
		}
		printf("\n");
	}
}

static void
report(const char *user, const char *id, const char *locals,
       const kinde_verdict_t *v, kinde_err_t err,
       const struct kinde_account_info *info, const struct cli_opts *o)
{
	const json_t *measured = v ? kinde_verdict_claims(v) : NULL;
	bool allowed = err == KINDE_OK;
	json_t *out;

	if (o->json) {
		out = v ? cli_verdict_json(v, allowed, true, "measured",
					   measured) :
		      json_pack("{s:b}", "valid", 0);
		if (out == NULL)
			return;
		json_object_set_new(out, "user", json_string(user));
		json_object_set_new(out, "kinde_user_id",
				    id[0] ? json_string(id) : json_null());
		json_object_set_new(out, "maps_back_to",
				    json_string(locals ? locals : ""));
		if (info != NULL && info->unavailable[0] != '\0')
			json_object_set_new(out, "unavailable",
					    json_string(info->unavailable));
		cli_print_json(out);
		json_decref(out);
		return;
	}
	printf("local user     %s\n", user);
	printf("Kinde user id  %s\n", id[0] ? id : "-");
	if (locals != NULL)
		printf("maps back to   %s\n", locals[0] ? locals : "-");
	if (v == NULL)
		return;
	printf("Checks (live):\n");
	cli_print_checks(v, stdout);
	print_measured(measured);
	if (allowed)
		printf("ALLOWED now%s%s\n", info->org[0] ? " in " : "",
		       info->org);
	else if (err == KINDE_E_REJECTED)
		cli_print_rejected(v, id);
}

int
cmd_whois(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { 0 };
	struct kinde_account_info info;
	kinde_config_t *cfg = NULL;
	kinde_client_t *client = NULL;
	kinde_verdict_t *v = NULL;
	char id[160], why[600], locals[600] = "";
	const char *user;
	kinde_err_t err;
	int rc;

	rc = cli_parse(argc, argv, longopts, 1, &o, NULL, NULL, usage);
	if (rc >= 0)
		return rc;
	user = argv[optind];
	rc = cli_build_config(&o, &cfg, true);
	if (rc != EXIT_OK)
		return rc;
	switch (kinde_account_lookup(cfg, user, id, sizeof(id), why,
				     sizeof(why))) {
	case 0:
		break;
	case -3:
		rc = cli_usage_error("whois", "%s", why);
		goto out;
	default:
		/* Not mapped (or ambiguously): nothing to ask Kinde. */
		report(user, id, NULL, NULL, KINDE_E_REJECTED, NULL, &o);
		fprintf(stderr, PROG ": whois: %s\n", why);
		rc = EXIT_REJECTED;
		goto out;
	}
	if (kinde_account_local_users(cfg, id, locals, sizeof(locals)) != 0) {
		rc = cli_usage_error("whois", "user_map_file cannot be read");
		goto out;
	}
	rc = cli_client(cfg, 0, &client);
	if (rc != EXIT_OK)
		goto out;
	v = kinde_verdict_new(true);
	if (v == NULL) {
		rc = cli_usage_error("whois", "out of memory");
		goto out;
	}
	err = kinde_client_account_check(client, id, NULL, KINDE_ACCOUNT_LIVE,
					 v, &info);
	report(user, id, locals, v, err, &info, &o);
	if (err != KINDE_OK && err != KINDE_E_REJECTED)
		rc = cli_client_failure("whois", err, client);
	else
		rc = cli_exit_for(err);
out:
	kinde_verdict_free(v);
	kinde_client_free(client);
	kinde_config_free(cfg);
	return rc;
}
