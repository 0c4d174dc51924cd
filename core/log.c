/* core/log.c — diagnostic output to stderr with a level threshold. Callers
 * never pass secrets here (CONVENTIONS.md "Secrets"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static int level = -1;

void et_log_set_level(enum et_log_level lvl)
{
	level = (int)lvl;
}

static int current_level(void)
{
	const char *e;

	if (level >= 0)
		return level;
	e = getenv("ET_LOG");
	if (!e)
		level = ET_LOG_WARN;
	else if (!strcmp(e, "debug"))
		level = ET_LOG_DEBUG;
	else if (!strcmp(e, "info"))
		level = ET_LOG_INFO;
	else if (!strcmp(e, "error"))
		level = ET_LOG_ERROR;
	else
		level = ET_LOG_WARN;
	return level;
}

void et_log(enum et_log_level lvl, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char ts[32];
	va_list ap;

	if ((int)lvl < current_level())
		return;
	et_clock_format_utc(et_clock_now_us(), ts);
	fprintf(stderr, "%s %s: ", ts, names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
