/* core/clock.c — the platform's one source of "now" (UTC microseconds),
 * replaceable in test builds so a whole tender lifecycle runs in seconds. */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "core/core.h"

#ifdef ET_TEST_HOOKS
static _Atomic int64_t fixed_us;
#endif

int64_t et_clock_now_us(void)
{
	struct timespec ts;

#ifdef ET_TEST_HOOKS
	int64_t f = atomic_load(&fixed_us);
	if (f)
		return f;
#endif
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t et_clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void et_clock_format_utc(int64_t us, char out[32])
{
	time_t s = (time_t)(us / 1000000);
	int64_t frac = us % 1000000;
	struct tm tm;

	if (frac < 0) {
		frac += 1000000;
		s -= 1;
	}
	gmtime_r(&s, &tm);
	if (snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac) >= 32)
		out[31] = 0;
}

#ifdef ET_TEST_HOOKS
void et_clock_set_test(int64_t us)
{
	atomic_store(&fixed_us, us);
}

void et_clock_advance_test(int64_t delta_us)
{
	atomic_fetch_add(&fixed_us, delta_us);
}
#endif
