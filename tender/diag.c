/* tender/diag.c — bounded, bilingual diagnostics for refusals of tender input:
 * a fixed-size message that names the rule applied and never grows past
 * ET_TENDER_DIAG_MAX. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tender/tender_int.h"

static void vcatf(char *dst, size_t cap, const char *fmt, va_list ap)
{
	size_t used;
	int n;

	if (!dst || cap == 0)
		return;
	used = strnlen(dst, cap);
	if (used >= cap - 1)
		return;
	n = vsnprintf(dst + used, cap - used, fmt, ap);
	if (n < 0) {
		dst[used] = 0;
		return;
	}
	if ((size_t)n >= cap - used && cap >= 4) {
		/* truncated: end with "..." on a character boundary */
		size_t e = cap - 4;
		while (e > 0 && ((unsigned char)dst[e] & 0xC0) == 0x80)
			e--;
		memcpy(dst + e, "...", 4);
	}
}

void tender_strlcatf(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcatf(dst, cap, fmt, ap);
	va_end(ap);
}

void tender_diag_clear(struct tender_diag *d)
{
	if (!d)
		return;
	d->rc = ET_OK;
	d->line = 0;
	d->rule[0] = 0;
	d->msg[0] = 0;
}

int tender_diag_set(struct tender_diag *d, int rc, const char *rule, const char *zh,
		    const char *en, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return rc;
	tender_diag_clear(d);
	d->rc = rc;
	if (rule)
		tender_strlcatf(d->rule, sizeof d->rule, "%s", rule);
	tender_strlcatf(d->msg, sizeof d->msg, "%s / %s", zh, en);
	if (rule && *rule)
		tender_strlcatf(d->msg, sizeof d->msg, " [%s]", rule);
	if (fmt && *fmt) {
		tender_strlcatf(d->msg, sizeof d->msg, ": ");
		va_start(ap, fmt);
		vcatf(d->msg, sizeof d->msg, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void tender_diag_append(struct tender_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	tender_strlcatf(d->msg, sizeof d->msg, "; ");
	va_start(ap, fmt);
	vcatf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
}
