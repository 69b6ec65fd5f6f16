/*
 * timefmt.h - times as people read them: "2026-11-26 09:14:03 UTC" and
 * "3h12m".
 */
#ifndef KINDE_TIMEFMT_H
#define KINDE_TIMEFMT_H

#include "kinde.h"

/* kinde_fmt_utc, kinde_fmt_duration, kinde_fmt_relative: public, in
 * kinde.h. */

#endif
