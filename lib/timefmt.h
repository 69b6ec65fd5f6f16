/*
 * timefmt.h - times as people read them: "2026-11-26 09:14:03 UTC" and
 * "3h12m".
 */
#ifndef KINDE_TIMEFMT_H
#define KINDE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* "2026-11-26 09:14:03 UTC"; "(out of range)" for unrepresentable times. */
void kinde_fmt_utc(int64_t t, char *buf, size_t len);
/* "0s", "45s", "12m5s", "3h12m", "2d4h" of |secs|. */
void kinde_fmt_duration(int64_t secs, char *buf, size_t len);
/* "in 3h12m" or "3h12m ago" relative to now. */
void kinde_fmt_relative(int64_t t, int64_t now, char *buf, size_t len);

#endif
