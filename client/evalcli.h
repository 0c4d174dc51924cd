/* client/evalcli.h — shared by evalcmd.c and printcmd.c: the public log
 * fetched whole and checked against its checkpoint, and the evaluation's
 * events found in it (public leaves, or confidential ones opened by a
 * confidential.revealed whose opening matches the commitment). */
#ifndef ET_CLIENT_EVALCLI_H
#define ET_CLIENT_EVALCLI_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"

struct evcli_log {
	uint64_t size;                         /* the checkpoint's */
	unsigned char root[AUDIT_HASH_LEN];    /* the checkpoint's, = the leaves' */
	unsigned char **leaves;
	size_t *lens;
	unsigned char (*hashes)[AUDIT_HASH_LEN];
	char *note;                            /* the checkpoint note as served */
	bool signed_ok;                        /* signed by the pinned log key */
};
/* GET /log/checkpoint (its signature checked with the log key pinned for
 * url, if any) and every leaf up to its size; the leaves must give its
 * root. want: the checkpoint must cover at least that many leaves. Errors
 * printed. */
int evcli_log_fetch(const char *url, uint64_t want, struct evcli_log *lg);
void evcli_log_free(struct evcli_log *lg);
int evcli_log_root(const struct evcli_log *lg, uint64_t size, unsigned char root[AUDIT_HASH_LEN]);

struct evcli_found {
	uint64_t index;
	bool confidential;      /* opened by a later confidential.revealed */
	int64_t time_us;
	json_t *payload;        /* caller decrefs */
};
/* Every event of kind for tender, in log order (at most cap kept; *n all). */
int evcli_find_events(const struct evcli_log *lg, const char *tender, const char *kind,
		      struct evcli_found *out, size_t cap, size_t *n);

#endif
