/* tender/tender_int.h — internals shared by the tender module's own files
 * (diagnostic helpers, the libxml2 node cast). Other modules include only
 * tender/tender.h. */
#ifndef ET_TENDER_INT_H
#define ET_TENDER_INT_H

#include "tender/tender.h"

/* Set d (if not NULL) to rc, rule (may be NULL) and a message built from a
 * bilingual summary "zh / en" and printf-style details; returns rc so that
 * callers write `rc = tender_diag_set(...); goto out;`. The message is
 * truncated at ET_TENDER_DIAG_MAX with "...". */
int tender_diag_set(struct tender_diag *d, int rc, const char *rule, const char *zh,
		    const char *en, const char *fmt, ...) ET_PRINTF(6, 7);
/* Append "; " and printf-style text to d->msg (bounded, truncating). */
void tender_diag_append(struct tender_diag *d, const char *fmt, ...) ET_PRINTF(2, 3);

/* Bounded append to a fixed char buffer: appends as much of the formatted
 * text as fits, marks truncation with "...". Never fails. */
void tender_strlcatf(char *dst, size_t cap, const char *fmt, ...) ET_PRINTF(3, 4);

#endif
