/*
 * pam_rc_name.h - a PAM return code by its name ("PAM_AUTH_ERR"), as an
 * administrator finds it in pam(3) and in the module's documentation.
 */
#ifndef KINDE_PAM_RC_NAME_H
#define KINDE_PAM_RC_NAME_H

/* The name, or "PAM_(unknown)". */
const char *pam_rc_name(int rc);

#endif
