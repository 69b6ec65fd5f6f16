/*
 * pam_device.c - the device login (RFC 8628) through the PAM
 * conversation: where to approve (a link, a code and a QR code), then an
 * echo-on prompt, then the polls for the access token.
 *
 * Why a prompt: sshd (keyboard-interactive) does not send informational
 * messages on their own; it holds them until the next prompt and sends
 * them as that prompt's text.  So the instructions end with "Press Enter
 * once you have approved the login", and the polls run after it.
 *
 * Why a thread: the conversation blocks until the user answers, but the
 * issuer can be polled meanwhile.  While the prompt waits, a thread polls
 * (at the interval, signals blocked, nothing of PAM's touched), so an
 * Enter after the approval logs in at once and an early Enter simply
 * waits for it.  Where no thread can be had, the polls start at the Enter.
 */
#include "kinde-build.h"

#include "pam_kinde.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>

/* The widest QR code drawn: an 80-column terminal, quiet zone included. */
#define QR_MAX_COLS 80

struct poller {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;		/* the conversation failed: give up */
	kinde_client_t *client;
	struct kinde_device_auth *da;
	kinde_verdict_t *v;
	char *token;
	kinde_err_t rc;
};

static void *
poll_thread(void *arg)
{
	struct poller *p = arg;
	struct timespec until;
	int64_t ms;
	bool stop;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->stop && (ms = kinde_device_wait_ms(p->da)) > 0) {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += (time_t)(ms / 1000);
			until.tv_nsec += (long)(ms % 1000) * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&p->wake, &p->lock, &until);
		}
		stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop) {
			p->rc = KINDE_E_REJECTED;
			break;
		}
		p->rc = kinde_client_device_poll_once(p->client, p->da,
						      &p->token, p->v);
		if (p->rc != KINDE_OK || p->token != NULL)
			break;
	}
	return NULL;
}

/* Starts the poller with every signal blocked (they are the main
 * thread's: sshd's, the application's).  false: no thread. */
static bool
poller_start(struct poller *p, pthread_t *tid)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	if (pthread_condattr_init(&ca) != 0)
		return false;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&p->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		return false;
	pthread_mutex_init(&p->lock, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(tid, NULL, poll_thread, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		return false;
	}
	return true;
}

static void
poller_end(struct poller *p, pthread_t tid, bool stop)
{
	if (stop) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_join(tid, NULL);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
}

/* The QR code of the link, one message a line (each well under
 * PAM_MAX_MSG_SIZE, whatever the application's limit).  No colours:
 * sshd's client would show their ESC as the text "\033". */
static void
show_qr(pam_handle_t *pamh, const struct kinde_device_auth *da)
{
	char *qr, *line, *nl;

	qr = kinde_qr_text(da->verification_uri_complete[0] ?
			   da->verification_uri_complete :
			   da->verification_uri, QR_MAX_COLS, 0);
	if (qr == NULL && da->verification_uri_complete[0] != '\0')
		qr = kinde_qr_text(da->verification_uri, QR_MAX_COLS, 0);
	if (qr == NULL)
		return;
	pam_info(pamh, "Or scan this code with a phone:");
	for (line = qr; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		pam_info(pamh, "%s", line);
	}
	free(qr);
}

kinde_err_t
pk_device_login(pam_handle_t *pamh, const kinde_config_t *cfg,
		kinde_client_t *client, kinde_verdict_t *v, char **token)
{
	struct kinde_device_auth da;
	struct poller p = { .client = client, .da = &da, .v = v };
	char *resp = NULL;
	pthread_t tid;
	bool threaded, answered;
	kinde_err_t rc;

	*token = NULL;
	rc = kinde_client_device_start(client, &da);
	if (rc != KINDE_OK)
		goto out;
	if (da.verification_uri_complete[0] != '\0')
		pam_info(pamh, "To log in, open %s\n(or open %s and enter the code %s).",
			 da.verification_uri_complete, da.verification_uri,
			 da.user_code);
	else
		pam_info(pamh, "To log in, open %s and enter the code %s.",
			 da.verification_uri, da.user_code);
	if (kinde_config_device_qr(cfg))
		show_qr(pamh, &da);
	threaded = poller_start(&p, &tid);
	if (!threaded)
		pam_syslog(pamh, LOG_WARNING,
			   "device login: no thread to poll while the prompt waits; polling after the answer");
	answered = pam_prompt(pamh, PAM_PROMPT_ECHO_ON, &resp,
			      "Press Enter once you have approved the login: ") ==
		   PAM_SUCCESS;
	kinde_free_secret(resp);
	if (threaded) {
		/* After the Enter the poller goes on to the approval, the
		 * refusal or the deadline; without an answer it stops. */
		poller_end(&p, tid, !answered);
		rc = p.rc;
		*token = p.token;
		p.token = NULL;
	} else if (answered) {
		rc = kinde_client_device_poll(client, &da, token, v);
	}
	if (!answered) {
		kinde_free_secret(*token);
		*token = NULL;
		rc = KINDE_E_REJECTED;
	}
	if (rc == KINDE_E_REJECTED && answered)
		/* Shown by sshd too: with a failure it sends what it holds. */
		pam_error(pamh, "Login refused: %s.", kinde_client_error(client));
out:
	kinde_device_clear(&da);
	return rc;
}
