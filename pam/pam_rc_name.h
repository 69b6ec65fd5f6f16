/*
 * pam_rc_name.h - a PAM return code by its name ("PAM_AUTH_ERR"), as an
 * administrator finds it in pam(3) and in the module's documentation.
 * One table, compiled into the module (its decision log's pam= field),
 * kinde-auth pam-test and the tests' PAM harness, so all three name a
 * code alike.
 */
#ifndef KINDE_PAM_RC_NAME_H
#define KINDE_PAM_RC_NAME_H

/* The name of every Linux-PAM return code; "PAM_(unknown)" for a number
 * that is none of them (never another code's name: a log must not say
 * PAM_SYSTEM_ERR for what was not). */
const char *pam_rc_name(int rc);

#endif
