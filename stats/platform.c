/* stats/platform.c — the platform's own tenders as open data shows them:
 * read-only from tender's and bidding's projections (td_tender,
 * td_registration, bd_close, bd_opening). The counts of registrations and
 * bids are read only for a tender whose close is in the log (招标投标法
 * Art. 22): before it, the query does not even count them. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audit/audit.h"
#include "stats/stats_int.h"
#include "tender/tender.h"

struct tenders_ctx {
	struct stats_tender *v;
	size_t n, cap;
};

static int table_exists(sqlite3 *db, const char *name, bool *yes)
{
	sqlite3_stmt *st = NULL;
	int s;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return et_fail(ET_EDB);
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return et_fail(ET_EDB);
	*yes = s == SQLITE_ROW;
	return ET_OK;
}

static void copy_col(char *dst, size_t cap, const unsigned char *s)
{
	size_t k = s ? strlen((const char *)s) : 0;

	if (k >= cap)
		k = cap - 1;
	if (k)
		memcpy(dst, s, k);
	dst[k] = '\0';
}

/* Σ of the lots' control prices of a tender.xml. */
static int control_total(const void *xml, size_t len, int64_t *out)
{
	struct tender_record *r = NULL;
	int64_t sum = 0;
	int rc;

	if ((rc = tender_record_parse(xml, len, &r, NULL)))
		return rc;
	for (size_t i = 0; i < tender_record_lot_count(r); i++) {
		int64_t c = tender_record_lot(r, i)->control_price_fen;

		if (c < 0 || sum > INT64_MAX - c) {
			tender_record_free(r);
			return et_fail(ET_ELIMIT);
		}
		sum += c;
	}
	tender_record_free(r);
	*out = sum;
	return ET_OK;
}

static int tenders_fn(sqlite3 *db, void *arg)
{
	static const char with_bids[] =
		"SELECT t.id, t.title, t.type, t.stage, t.xml, t.published_us, t.deadline,"
		" c.time_us, c.failed, c.received,"
		" CASE WHEN c.tender IS NULL THEN NULL"
		"  ELSE (SELECT count(*) FROM td_registration r WHERE r.tender = t.id) END,"
		" o.tender IS NOT NULL"
		" FROM td_tender t LEFT JOIN bd_close c ON c.tender = t.id"
		" LEFT JOIN bd_opening o ON o.tender = t.id"
		" WHERE t.stage <> 'draft' ORDER BY t.published_us, t.id";
	static const char without[] =
		"SELECT t.id, t.title, t.type, t.stage, t.xml, t.published_us, t.deadline,"
		" NULL, NULL, NULL, NULL, 0"
		" FROM td_tender t WHERE t.stage <> 'draft' ORDER BY t.published_us, t.id";
	struct tenders_ctx *c = arg;
	sqlite3_stmt *st = NULL;
	bool bids = false, opening = false;
	int s, rc;

	if ((rc = table_exists(db, "bd_close", &bids)) ||
	    (rc = table_exists(db, "bd_opening", &opening)))
		return rc;
	if (sqlite3_prepare_v2(db, bids && opening ? with_bids : without, -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_tender *t;
		const char *stage = (const char *)sqlite3_column_text(st, 3);

		if (c->n == c->cap) {
			struct stats_tender *tmp;

			c->cap = c->cap ? c->cap * 2 : 16;
			if (!(tmp = realloc(c->v, c->cap * sizeof *tmp))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			c->v = tmp;
		}
		t = &c->v[c->n];
		memset(t, 0, sizeof *t);
		copy_col(t->id, sizeof t->id, sqlite3_column_text(st, 0));
		copy_col(t->title, sizeof t->title, sqlite3_column_text(st, 1));
		t->type = stats_type_parse((const char *)sqlite3_column_text(st, 2));
		if (t->type < 0) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		if ((rc = control_total(sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4),
					&t->control_fen)))
			goto out;
		t->published_us = sqlite3_column_int64(st, 5);
		t->deadline_us = sqlite3_column_int64(st, 6);
		t->closed = sqlite3_column_type(st, 7) != SQLITE_NULL;
		copy_col(t->stage, sizeof t->stage, (const unsigned char *)(stage ? stage : ""));
		if (t->closed) {
			t->closed_us = sqlite3_column_int64(st, 7);
			t->bids = sqlite3_column_int64(st, 9);
			t->registrations = sqlite3_column_int64(st, 10);
			copy_col(t->stage, sizeof t->stage,
				 (const unsigned char *)(sqlite3_column_int(st, 8) ? "failed" :
							 sqlite3_column_int(st, 11) ? "opened" :
										      "closed"));
		}
		c->n++;
	}
	rc = s == SQLITE_DONE ? ET_OK : et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

int stats_tenders_load(struct audit_ledger *l, struct stats_tender **out, size_t *n)
{
	struct tenders_ctx c = { NULL, 0, 0 };
	int rc;

	if (!l || !out || !n)
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, tenders_fn, &c))) {
		free(c.v);
		c.v = NULL;
		c.n = 0;
	}
	*out = c.v;
	*n = c.n;
	return rc;
}

struct center_ctx {
	char *out;
	size_t cap;
};

static int center_fn(sqlite3 *db, void *arg)
{
	struct center_ctx *c = arg;
	sqlite3_stmt *st = NULL;
	int s;

	if (sqlite3_prepare_v2(db, "SELECT name FROM td_org WHERE kind = 'center' AND name IS NOT NULL"
				   " ORDER BY idx LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return et_fail(ET_EDB);
	}
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		copy_col(c->out, c->cap, sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (s == SQLITE_DONE)
		return ET_ENOTFOUND;
	return s == SQLITE_ROW ? ET_OK : et_fail(ET_EDB);
}

int stats_center_name(struct audit_ledger *l, char *out, size_t cap)
{
	struct center_ctx c = { out, cap };

	if (!l || !out || !cap)
		return et_fail(ET_EINVAL);
	out[0] = '\0';
	return audit_ledger_query(l, center_fn, &c);
}
