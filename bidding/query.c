/* bidding/query.c — read-only queries of the bidding domain, each in one
 * read snapshot (audit_ledger_query). G4: before the close nothing here
 * tells anyone but the firm itself whether it bid, who bid or how many:
 * bid_tender_status shows only the phase and the deadline, bid_list and
 * bid_opening_record answer ET_ESTATE, and a failed tender never names its
 * bidders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bidding/bidding_int.h"
#include "crypto/crypto.h"

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
	q->out->phase = s.opened ? BID_PHASE_OPENED : s.failed ? BID_PHASE_FAILED :
			s.unopened ? BID_PHASE_UNOPENED : BID_PHASE_CLOSED;
	q->out->released = s.released;
	q->out->received = s.received;
	q->out->counted = s.counted;
	q->out->close_index = s.close_index;
	q->out->closed_us = s.closed_us;
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
	if ((rc = audit_sql_prepare(db, &st, "SELECT bid, org, status, cause, rule, idx, arrival_us,"
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
		audit_sql_col_text(st, 0, b->bid, sizeof b->bid);
		audit_sql_col_text(st, 1, b->org, sizeof b->org);
		audit_sql_col_text(st, 2, b->status, sizeof b->status);
		audit_sql_col_text(st, 3, b->cause, sizeof b->cause);
		audit_sql_col_text(st, 4, b->rule, sizeof b->rule);
		b->index = (uint64_t)sqlite3_column_int64(st, 5);
		b->arrival_us = sqlite3_column_int64(st, 6);
		audit_sql_col_text(st, 7, b->manifest_sha256, sizeof b->manifest_sha256);
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

	if ((rc = audit_sql_prepare(db, &st, "SELECT record FROM bd_opening WHERE tender = ?1", "t",
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

/* ---- decrypted attachments (after the opening) ------------------------------ */

struct att_q {
	const struct tender_principal *who;   /* NULL: a panel member (the caller checked) */
	const char *tender, *bid;
	unsigned part;
	struct bid_attachment_info *out;
	struct tender_diag *d;
};

static int att_fn(sqlite3 *db, void *ctx)
{
	struct att_q *q = ctx;
	struct tender_info t;
	struct bd_state st8;
	sqlite3_stmt *st = NULL;
	bool reader;
	int rc;

	if ((rc = tender_db_tender(db, q->tender, &t, q->d)) || (rc = bd_state_load(db, q->tender, &st8)))
		return rc;
	reader = !q->who || (q->who->roles & TENDER_ROLE_SUPERVISOR) ||
		 ((q->who->roles & TENDER_ROLE_AGENT) &&
		  (!strcmp(q->who->org, t.agent_org) || !strcmp(q->who->org, t.tenderer_org)));
	if (!reader)
		return tender_diag_set(q->d, ET_EDENIED, "et.att.reader",
				       "仅本项目代理机构、招标人、监督人员及评标委员会成员可取得解密后的投标附件",
				       "only the tender's agent or tenderer, supervisors and the panel's members get decrypted attachments",
				       "%s", q->tender);
	if (!st8.opened)
		return tender_diag_set(q->d, ET_ESTATE, "et.open.stage", "尚未开标",
				       "the bids are not opened yet", "%s", q->tender);
	if ((rc = audit_sql_prepare(db, &st, "SELECT name, size, sha256 FROM bd_attachment WHERE"
			     " tender = ?1 AND bid = ?2 AND part = ?3", "tti", q->tender, q->bid,
			     (int64_t)q->part)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		q->out->part = q->part;
		audit_sql_col_text(st, 0, q->out->name, sizeof q->out->name);
		q->out->size = (uint64_t)sqlite3_column_int64(st, 1);
		audit_sql_col_text(st, 2, q->out->sha256, sizeof q->out->sha256);
		rc = ET_OK;
	} else {
		rc = tender_diag_set(q->d, ET_ENOTFOUND, "et.att.none", "无此解密附件",
				     "no such decrypted attachment of an opened bid", "%s part %u",
				     q->bid, q->part);
	}
	sqlite3_finalize(st);
	return rc;
}

static int attachment(struct audit_ledger *l, const struct tender_principal *who,
		      const char *tender, const char *bid, unsigned part,
		      struct bid_attachment_info *out, struct tender_diag *d)
{
	struct att_q q = { who, tender, bid, part, out, d };

	tender_diag_clear(d);
	memset(out, 0, sizeof *out);
	if (!l || !bd_id_ok(tender) || !bd_id_ok(bid) || part < 2 || part > BID_MAX_PARTS)
		return tender_diag_set(d, ET_ENOTFOUND, "et.att.none", "无此解密附件",
				       "no such decrypted attachment of an opened bid", NULL);
	return audit_ledger_query(l, att_fn, &q);
}

int bid_attachment(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		   const char *bid, unsigned part, struct bid_attachment_info *out,
		   struct tender_diag *d)
{
	if (!who) {
		tender_diag_clear(d);
		return tender_diag_set(d, ET_EDENIED, "et.att.reader", "需要登录", "a login is needed",
				       NULL);
	}
	return attachment(l, who, tender, bid, part, out, d);
}

int bid_attachment_for_panel(struct audit_ledger *l, const char *tender, const char *bid,
			     unsigned part, struct bid_attachment_info *out, struct tender_diag *d)
{
	return attachment(l, NULL, tender, bid, part, out, d);
}

/* ---- verification of the stored parts (G5) --------------------------------- */

struct vpart {
	char tender[TENDER_ID_LEN], bid[TENDER_ID_LEN];
	unsigned part;
	unsigned char sha[32];
	uint64_t size;
	unsigned k, n;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][32];
};

struct verify_q {
	struct vpart *v;
	size_t n, cap;
};

static int verify_fn(sqlite3 *db, void *ctx)
{
	struct verify_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc = ET_OK, step;

	if ((rc = audit_sql_prepare(db, &st, "SELECT b.tender, b.bid, p.part, p.sha256, p.size FROM bd_part p"
			     " JOIN bd_bid b ON b.bid = p.bid ORDER BY b.idx, p.part", "")))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct tender_holder_info *hv = NULL;
		struct vpart *p;
		char hex[TENDER_SHA256_HEX];
		size_t nh = 0;
		if (q->n == q->cap) {
			size_t nc = q->cap ? 2 * q->cap : 16;
			struct vpart *nv;
			if (nc > ET_TENDER_LIST_MAX || !(nv = realloc(q->v, nc * sizeof *nv))) {
				rc = nc > ET_TENDER_LIST_MAX ? ET_ELIMIT : et_fail(ET_ENOMEM);
				goto out;
			}
			q->v = nv;
			q->cap = nc;
		}
		p = &q->v[q->n++];
		memset(p, 0, sizeof *p);
		audit_sql_col_text(st, 0, p->tender, sizeof p->tender);
		audit_sql_col_text(st, 1, p->bid, sizeof p->bid);
		p->part = (unsigned)sqlite3_column_int64(st, 2);
		audit_sql_col_text(st, 3, hex, sizeof hex);
		p->size = (uint64_t)sqlite3_column_int64(st, 4);
		if (et_hex_decode(hex, p->sha, 32) ||
		    bd_holders(db, p->tender, &p->k, &hv, &nh, p->pubs)) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		p->n = (unsigned)nh;
		tender_holders_free(hv);
	}
	if (step != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

/* SHA-256 and size of the whole stored part. */
static int hash_blob(const struct bid_blobs *blobs, const unsigned char sha[32],
		     unsigned char out[32], uint64_t *size)
{
	struct crypto_sha256 *h = NULL;
	unsigned char buf[65536];
	ssize_t got;
	int fd = -1, rc;

	*size = 0;
	if ((rc = blobs->open(blobs->ctx, sha, &fd)))
		return rc;
	if (!(h = crypto_sha256_new())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while ((got = read(fd, buf, sizeof buf)) != 0) {
		if (got < 0) {
			rc = et_fail(ET_EIO);
			goto out;
		}
		crypto_sha256_update(h, buf, (size_t)got);
		*size += (uint64_t)got;
	}
	crypto_sha256_final(h, out);
	h = NULL;
out:
	if (h)
		crypto_sha256_free(h);
	close(fd);
	return rc;
}

int bid_verify_parts(struct audit_ledger *l, const struct bid_blobs *blobs, char *diff,
		     size_t cap)
{
	struct verify_q q = { NULL, 0, 0 };
	unsigned char *head = NULL, h[32];
	size_t hl = 0;
	uint64_t size = 0;
	int rc;

	if (cap)
		diff[0] = 0;
	if (!l || !blobs || !blobs->open || !diff || cap < 2)
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, verify_fn, &q)))
		goto out;
	for (size_t i = 0; i < q.n; i++) {
		const struct vpart *p = &q.v[i];
		const char *what = NULL;
		free(head);
		head = NULL;
		rc = hash_blob(blobs, p->sha, h, &size);
		if (rc == ET_ENOTFOUND)
			what = "missing from the store";
		else if (rc)
			goto out;
		else if (size != p->size || memcmp(h, p->sha, 32))
			what = "stored bytes differ from their hash";
		else if ((rc = bd_read_head(blobs, p->sha, &head, &hl)))
			goto out;
		else if (bid_part_check(head, hl, p->k, p->n, (const unsigned char (*)[32])p->pubs))
			what = "stanzas are not exactly the tender's threshold stanzas";
		if (what) {
			int w = snprintf(diff, cap, "tender %s, bid %s, part %u: %s", p->tender, p->bid,
					 p->part, what);
			if (w < 0 || (size_t)w >= cap)
				diff[cap - 1] = 0;   /* truncated: still names the bid first */
			rc = ET_EVERIFY;
			goto out;
		}
	}
	rc = ET_OK;
out:
	free(head);
	free(q.v);
	return rc;
}

/* ---- readers for sibling modules (evaluation/) ----------------------------- */

int bid_db_status(sqlite3 *db, const char *tender, struct bid_tender_status *out)
{
	struct tender_info t;
	struct bd_state s;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = tender_db_tender(db, tender, &t, NULL)))
		return rc;
	if ((rc = bd_state_load(db, tender, &s)))
		return rc;
	out->deadline_us = t.schedule.bid_deadline_us;
	out->k = t.k;
	if (!s.closed)
		return ET_OK;
	out->phase = s.opened ? BID_PHASE_OPENED : s.failed ? BID_PHASE_FAILED : BID_PHASE_CLOSED;
	out->released = s.released;
	out->received = s.received;
	out->counted = s.counted;
	return ET_OK;
}

int bid_db_opening_record(sqlite3 *db, const char *tender, char **json)
{
	struct record_q q = { tender, NULL };
	int rc;

	*json = NULL;
	if ((rc = record_fn(db, &q))) {
		free(q.json);
		return rc;
	}
	*json = q.json;
	return ET_OK;
}

int bid_db_bidder_orgs(sqlite3 *db, const char *tender, char (**orgs)[TENDER_ID_LEN], size_t *n)
{
	sqlite3_stmt *st = NULL;
	char (*v)[TENDER_ID_LEN] = NULL;
	size_t cap = 0;
	int rc, s;

	*orgs = NULL;
	*n = 0;
	if ((rc = audit_sql_prepare(db, &st, "SELECT DISTINCT org FROM bd_bid WHERE tender = ?1 ORDER BY org",
				    "t", tender)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			void *p = realloc(v, nc * sizeof *v);
			if (!p) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			v = p;
			cap = nc;
		}
		audit_sql_col_text(st, 0, v[*n], TENDER_ID_LEN);
		(*n)++;
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*orgs = v;
	return ET_OK;
}

int bid_db_tender_deposits(sqlite3 *db, const char *tender, struct bid_deposit_info **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct bid_deposit_info *v = NULL;
	size_t cap = 0;
	int rc, s;

	*out = NULL;
	*n = 0;
	/* a deposit returned after its firm's withdrawal (deposit.returned) is
	 * not the tender's to release any more */
	if ((rc = audit_sql_prepare(db, &st, "SELECT id, org, amount, method FROM bd_deposit WHERE"
				    " tender = ?1 AND id NOT IN (SELECT id FROM bd_deposit_return)"
				    " ORDER BY id", "t", tender)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			void *p = realloc(v, nc * sizeof *v);
			if (!p) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			v = p;
			cap = nc;
		}
		memset(&v[*n], 0, sizeof v[*n]);
		audit_sql_col_text(st, 0, v[*n].id, sizeof v[*n].id);
		audit_sql_col_text(st, 1, v[*n].org, sizeof v[*n].org);
		v[*n].amount_fen = sqlite3_column_int64(st, 2);
		audit_sql_col_text(st, 3, v[*n].method, sizeof v[*n].method);
		(*n)++;
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return ET_OK;
}

struct named_q {
	char hex[65];
	bool named;
};

static int named_fn(sqlite3 *db, void *ctx)
{
	struct named_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_part WHERE sha256 = ?1", "t", q->hex)))
		return rc;
	rc = sqlite3_step(st);
	q->named = rc == SQLITE_ROW;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? ET_OK : et_fail(ET_EDB);
	sqlite3_finalize(st);
	return rc;
}

int bid_part_named(struct audit_ledger *l, const unsigned char sha256[32], bool *named)
{
	struct named_q q;
	int rc;

	*named = true;   /* on failure: keep the blob */
	if (!l || !sha256)
		return et_fail(ET_EINVAL);
	et_hex_encode(sha256, 32, q.hex);
	q.named = true;
	if ((rc = audit_ledger_query(l, named_fn, &q)))
		return rc;
	*named = q.named;
	return ET_OK;
}
