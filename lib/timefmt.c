/*
 * timefmt.c - human-readable times.
 */
#include "kinde-build.h"

#include "timefmt.h"
#include "util.h"

#include <time.h>

void
kinde_fmt_utc(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || t > 253402300799LL || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		kinde_fmt(buf, len, "(out of range)");
}

void
kinde_fmt_duration(int64_t secs, char *buf, size_t len)
{
	uint64_t s = secs < 0 ? (uint64_t)0 - (uint64_t)secs : (uint64_t)secs;
	uint64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d > 0)
		kinde_fmt(buf, len, "%llud%lluh", (unsigned long long)d,
			  (unsigned long long)h);
	else if (h > 0)
		kinde_fmt(buf, len, "%lluh%llum", (unsigned long long)h,
			  (unsigned long long)m);
	else if (m > 0)
		kinde_fmt(buf, len, "%llum%llus", (unsigned long long)m,
			  (unsigned long long)(s % 60));
	else
		kinde_fmt(buf, len, "%llus", (unsigned long long)s);
}

void
kinde_fmt_relative(int64_t t, int64_t now, char *buf, size_t len)
{
	char d[32];

	kinde_fmt_duration(t - now, d, sizeof(d));
	if (t > now)
		kinde_fmt(buf, len, "in %s", d);
	else
		kinde_fmt(buf, len, "%s ago", d);
}
