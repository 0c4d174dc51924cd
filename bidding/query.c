/* bidding/query.c — read-only queries of the bidding domain, each in one
 * read snapshot (audit_ledger_query). G4: before the close nothing here
 * tells anyone but the firm itself whether it bid, who bid or how many:
 * bid_tender_status shows only the phase and the deadline, bid_list and
 * bid_opening_record answer ET_ESTATE, and a failed tender never names its
 * bidders. */
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding_int.h"

struct status_q {
	const char *tender;
	struct bid_tender_status *out;
};

static int status_fn(sqlite3 *db, void *ctx)
{
	struct status_q *q = ctx;
	struct tender_info t;
	struct bd_state s;
	int rc;

	if ((rc = tender_db_tender(db, q->tender, &t, NULL)))
		return rc;
	if (!t.published_us)
		return ET_ENOTFOUND;
	if ((rc = bd_state_load(db, q->tender, &s)))
		return rc;
	memset(q->out, 0, sizeof *q->out);
	q->out->deadline_us = t.schedule.bid_deadline_us;
	q->out->k = t.k;
	if (!s.closed)
		return ET_OK;
	q->out->phase = s.opened ? BID_PHASE_OPENED : s.failed ? BID_PHASE_FAILED : BID_PHASE_CLOSED;
	q->out->released = s.released;
	q->out->received = s.received;
	q->out->counted = s.counted;
	return ET_OK;
}

int bid_tender_status(struct audit_ledger *l, const char *tender, struct bid_tender_status *out)
{
	struct status_q q = { tender, out };

	memset(out, 0, sizeof *out);
	if (!bd_id_ok(tender))
		return ET_ENOTFOUND;
	return audit_ledger_query(l, status_fn, &q);
}

struct list_q {
	const char *tender, *org;       /* org NULL: every bid (after the close) */
	struct bid_info *v;
	size_t n, cap;
};

static int list_fn(sqlite3 *db, void *ctx)
{
	struct list_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc, step;

	if (!q->org) {
		struct bd_state s;
		if ((rc = bd_state_load(db, q->tender, &s)))
			return rc;
		if (!s.closed || s.failed)
			return ET_ESTATE;
	}
	if ((rc = bd_prepare(db, &st, "SELECT bid, org, status, cause, rule, idx, arrival_us,"
			     " manifest_sha256 FROM bd_bid WHERE tender = ?1 AND (?2 IS NULL OR"
			     " org = ?2) ORDER BY idx", "tt", q->tender, q->org)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct bid_info *b;
		if (q->n == q->cap) {
			size_t nc = q->cap ? 2 * q->cap : 8;
			struct bid_info *nv;
			if (nc > ET_TENDER_LIST_MAX || !(nv = realloc(q->v, nc * sizeof *nv))) {
				rc = nc > ET_TENDER_LIST_MAX ? ET_ELIMIT : et_fail(ET_ENOMEM);
				goto out;
			}
			q->v = nv;
			q->cap = nc;
		}
		b = &q->v[q->n++];
		memset(b, 0, sizeof *b);
		bd_col_text(st, 0, b->bid, sizeof b->bid);
		bd_col_text(st, 1, b->org, sizeof b->org);
		bd_col_text(st, 2, b->status, sizeof b->status);
		bd_col_text(st, 3, b->cause, sizeof b->cause);
		bd_col_text(st, 4, b->rule, sizeof b->rule);
		b->index = (uint64_t)sqlite3_column_int64(st, 5);
		b->arrival_us = sqlite3_column_int64(st, 6);
		bd_col_text(st, 7, b->manifest_sha256, sizeof b->manifest_sha256);
	}
	if (step != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

static int run_list(struct audit_ledger *l, struct list_q *q, struct bid_info **out, size_t *n)
{
	int rc;

	*out = NULL;
	*n = 0;
	if (!bd_id_ok(q->tender))
		return ET_ENOTFOUND;
	if ((rc = audit_ledger_query(l, list_fn, q))) {
		free(q->v);
		return rc;
	}
	*out = q->v;
	*n = q->n;
	return ET_OK;
}

int bid_my_bids(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		struct bid_info **out, size_t *n)
{
	struct list_q q = { tender, NULL, NULL, 0, 0 };

	*out = NULL;
	*n = 0;
	if (!who || !(who->roles & TENDER_ROLE_BIDDER) || who->org_kind != TENDER_ORG_BIDDER)
		return ET_EDENIED;
	q.org = who->org;
	return run_list(l, &q, out, n);
}

int bid_list(struct audit_ledger *l, const char *tender, struct bid_info **out, size_t *n)
{
	struct list_q q = { tender, NULL, NULL, 0, 0 };

	return run_list(l, &q, out, n);
}

void bid_info_free(struct bid_info *v)
{
	free(v);
}

struct record_q {
	const char *tender;
	char *json;
};

static int record_fn(sqlite3 *db, void *ctx)
{
	struct record_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = bd_prepare(db, &st, "SELECT record FROM bd_opening WHERE tender = ?1", "t",
			     q->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *p = sqlite3_column_blob(st, 0);
		if (!(q->json = malloc(n + 1))) {
			rc = et_fail(ET_ENOMEM);
		} else {
			if (n)
				memcpy(q->json, p, n);
			q->json[n] = 0;
		}
	} else {
		rc = ET_ESTATE;
	}
	sqlite3_finalize(st);
	return rc;
}

int bid_opening_record(struct audit_ledger *l, const char *tender, char **json)
{
	struct record_q q = { tender, NULL };
	int rc;

	*json = NULL;
	if (!bd_id_ok(tender))
		return ET_ENOTFOUND;
	if ((rc = audit_ledger_query(l, record_fn, &q))) {
		free(q.json);
		return rc;
	}
	*json = q.json;
	return ET_OK;
}
