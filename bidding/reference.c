/* bidding/reference.c — the sealed reference price (标底, DESIGN.md §4
 * "Tender record"): its plaintext format (ref.txt), and its submission by
 * the tender's agent before the deadline, sealed to the tender's key
 * holders exactly like a bid part (binding tender, reference id, part 1).
 * The opening (opening.c) decrypts it with the bids and shows it in the
 * opening record; it is never a bid: never listed, counted or evaluated.
 *
 * Invariants: the reference is accepted only from an agent of the tender's
 * agent or tenderer org, while the tender is published and not closed and
 * if its last byte arrived before the deadline (cn.e.27); its ciphertext
 * carries exactly the tender's threshold stanzas and is no bid part; a new
 * reference replaces the live one; the event is confidential until the
 * close like a bid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding_int.h"
#include "crypto/crypto.h"

#define REF_MAGIC "etender-reference/v1\n"

bool bd_ref_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 4 + 6 || n > 4 + 40 || strncmp(s, "ref-", 4))
		return false;
	for (size_t i = 4; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

int bid_reference_write(const struct bid_reference_doc *doc, struct et_buf *out)
{
	int rc;

	if (!doc || !bd_id_ok(doc->tender) || !bd_xsd_id_ok(doc->tender) || !bd_ref_id_ok(doc->ref) ||
	    !bd_id_ok(doc->org) || doc->noffers < 1 || doc->noffers > BID_MAX_OFFERS)
		return et_fail(ET_EINVAL);
	for (size_t i = 0; i < doc->noffers; i++) {
		if (!bd_xsd_id_ok(doc->offers[i].lot) || doc->offers[i].price_fen < 1 ||
		    doc->offers[i].price_fen > 999999999999999999LL)
			return et_fail(ET_EINVAL);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(doc->offers[i].lot, doc->offers[j].lot))
				return et_fail(ET_EINVAL);
	}
	if ((rc = et_buf_printf(out, REF_MAGIC "tender %s\nref %s\norg %s\n", doc->tender, doc->ref,
				doc->org)))
		return rc;
	for (size_t i = 0; i < doc->noffers; i++)
		if ((rc = et_buf_printf(out, "lot %s %lld\n", doc->offers[i].lot,
					(long long)doc->offers[i].price_fen)))
			return rc;
	return ET_OK;
}

/* One "KEY VALUE\n" line at *p (end e): value copied to out (cap). */
static bool ref_line(const char **p, const char *e, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	const char *nl;

	if ((size_t)(e - *p) <= kl + 1 || memcmp(*p, key, kl) || (*p)[kl] != ' ')
		return false;
	if (!(nl = memchr(*p + kl + 1, '\n', (size_t)(e - *p - kl - 1))))
		return false;
	if ((size_t)(nl - *p - kl - 1) >= cap || nl == *p + kl + 1)
		return false;
	memcpy(out, *p + kl + 1, (size_t)(nl - *p - kl - 1));
	out[nl - *p - kl - 1] = 0;
	*p = nl + 1;
	return true;
}

int bid_reference_parse(const void *buf, size_t len, struct bid_reference_doc *doc,
			struct tender_diag *d)
{
	const char *p = buf, *e = p + len;
	struct et_buf again;
	char line[128];
	int rc = ET_OK;

	memset(doc, 0, sizeof *doc);
	if (len > BID_REFERENCE_MAX || len < sizeof REF_MAGIC - 1 ||
	    memcmp(p, REF_MAGIC, sizeof REF_MAGIC - 1) || memchr(p, 0, len))
		goto bad;
	p += sizeof REF_MAGIC - 1;
	if (!ref_line(&p, e, "tender", doc->tender, sizeof doc->tender) ||
	    !ref_line(&p, e, "ref", doc->ref, sizeof doc->ref) ||
	    !ref_line(&p, e, "org", doc->org, sizeof doc->org))
		goto bad;
	while (p < e) {
		struct bid_offer *f;
		char *sp, *end;
		long long v;
		if (doc->noffers == BID_MAX_OFFERS || !ref_line(&p, e, "lot", line, sizeof line) ||
		    !(sp = strchr(line, ' ')))
			goto bad;
		*sp = 0;
		f = &doc->offers[doc->noffers++];
		if (strlen(line) >= sizeof f->lot || sp[1] < '1' || sp[1] > '9' || strlen(sp + 1) > 18)
			goto bad;
		memcpy(f->lot, line, strlen(line) + 1);
		v = strtoll(sp + 1, &end, 10);
		if (*end)
			goto bad;
		f->price_fen = v;
	}
	/* canonical: a re-encoding gives the same bytes */
	et_buf_init(&again, BID_REFERENCE_MAX);
	if (bid_reference_write(doc, &again) || again.len != len || memcmp(again.data, buf, len))
		rc = ET_EINVAL;
	et_buf_free(&again);
	if (rc)
		goto bad;
	return ET_OK;
bad:
	return tender_diag_set(d, ET_EINVAL, "et.ref.format", "标底格式无效",
			       "the reference price is not in its format", NULL);
}

/* ---- submission ------------------------------------------------------------ */

struct ref_cmd {
	const char *actor, *tender, *ref;
	const unsigned char *sha256;
	uint64_t size;
	const unsigned char *head;
	size_t head_len;
	int64_t arrival_us;
	uint64_t index;
	char replaced[TENDER_ID_LEN];
	struct tender_diag *d;
};

static int ref_command(struct audit_tx *tx, void *ctx)
{
	struct ref_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	struct tender_holder_info *hv = NULL;
	struct bd_state s;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][32];
	char hex[65], prev[TENDER_ID_LEN] = "";
	sqlite3_stmt *st = NULL;
	json_t *pl = NULL;
	size_t nh = 0;
	unsigned k = 0;
	bool yes;
	int rc;

	if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
		goto out;
	if (!(p.roles & TENDER_ROLE_AGENT)) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				     "the actor's roles do not allow this", "submit a reference price");
		goto out;
	}
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)))
		goto out;
	if (strcmp(p.org, t.agent_org) && strcmp(p.org, t.tenderer_org)) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.auth.org", "非本项目代理机构或招标人",
				     "not the tender's agent or tenderer", "%s", p.org);
		goto out;
	}
	if (t.stage != TENDER_STAGE_PUBLISHED) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.auth.stage", "项目当前阶段不允许此操作",
				     "not allowed in the tender's current stage", "%s in stage %s",
				     "submit a reference price", tender_stage_name(t.stage));
		goto out;
	}
	if ((rc = bd_state_load(db, c->tender, &s)))
		goto out;
	if (c->arrival_us > audit_tx_time(tx)) {
		rc = tender_diag_set(c->d, ET_EINVAL, NULL, "到达时间无效",
				     "the arrival time lies in the future", "%s", c->ref);
		goto out;
	}
	if (c->arrival_us >= t.schedule.bid_deadline_us) {
		rc = tender_diag_set(c->d, ET_ESTATE, "cn.e.27", "投标截止时间后送达，拒收",
				     "arrived after the deadline: refused", "%s", c->tender);
		goto out;
	}
	if (s.closed) {
		rc = bd_deny_stage(c->d, "et.bid.closed", "投标已截止", "bidding is closed", c->tender);
		goto out;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_reference WHERE ref = ?1 UNION ALL"
			     " SELECT 1 FROM bd_bid WHERE bid = ?1", "t", c->ref)))
		goto out;
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	st = NULL;
	if (yes) {
		rc = tender_diag_set(c->d, ET_EEXIST, "et.bid.exists", "标底编号已存在",
				     "this reference id exists", "%s", c->ref);
		goto out;
	}
	et_hex_encode(c->sha256, 32, hex);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_part WHERE sha256 = ?1 UNION ALL"
			     " SELECT 1 FROM bd_reference WHERE sha256 = ?1", "t", hex)))
		goto out;
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	st = NULL;
	if (yes) {
		rc = tender_diag_set(c->d, ET_EEXIST, "et.bid.duplicate", "平台已持有相同密文",
				     "the platform already holds this ciphertext", "%s", c->ref);
		goto out;
	}
	if ((rc = bd_holders(db, c->tender, &k, &hv, &nh, pubs)))
		goto out;
	if ((rc = bid_part_check(c->head, c->head_len, k, (unsigned)nh,
				 (const unsigned char (*)[32])pubs))) {
		rc = tender_diag_set(c->d, ET_ESEALER, "et.bid.stanzas",
				     "密封标底须且仅须含本项目的门限接收者",
				     "the sealed reference must carry exactly the tender's threshold stanzas",
				     "%s (%s)", c->ref, et_strerror(rc));
		goto out;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT ref FROM bd_reference WHERE tender = ?1 AND"
			     " status = 'live'", "t", c->tender)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, prev, sizeof prev);
	pl = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "tender", c->tender, "ref", c->ref,
		       "org", p.org, "user", p.user, "sha256", hex, "size", (json_int_t)c->size,
		       "arrival", (json_int_t)c->arrival_us, "replaces", prev);
	if ((rc = bd_emit(tx, "reference.submitted", c->actor, c->tender, pl, true, &c->index)))
		goto out;
	memcpy(c->replaced, prev, sizeof prev);
out:
	sqlite3_finalize(st);
	json_decref(pl);
	tender_holders_free(hv);
	return rc;
}

int bid_reference_submit(struct audit_ledger *l, const struct bid_blobs *blobs, const char *actor,
			 const char *tender, const char *ref, const unsigned char sha256[32],
			 uint64_t size, int64_t arrival_us, struct bid_reference_receipt *r,
			 struct tender_diag *d)
{
	struct ref_cmd c;
	unsigned char *head = NULL;
	size_t hl = 0;
	int rc;

	tender_diag_clear(d);
	if (r)
		memset(r, 0, sizeof *r);
	if (!l || !blobs || !blobs->open || !actor || !bd_id_ok(tender) || !sha256)
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	if (!bd_ref_id_ok(ref))
		return tender_diag_set(d, ET_EINVAL, "et.ref.id", "标底编号无效",
				       "a reference id is \"ref-\" and 6..40 of [a-z0-9]", "%s",
				       ref ? ref : "");
	{
		/* a tender record that commits to its reference (tender.xml
		 * <referencePrice sha256>) takes only that file; the record does
		 * not change after publication, so this is checked once, here */
		struct tender_info t;
		struct tender_record *rec = NULL;
		unsigned char *xml = NULL;
		size_t xl = 0;
		const char *want;
		char hex[65];
		et_hex_encode(sha256, 32, hex);
		if (tender_get(l, NULL, tender, &t, &xml, &xl) == ET_OK &&
		    tender_record_parse(xml, xl, &rec, NULL) == ET_OK &&
		    (want = tender_record_reference_sha256(rec)) && strcmp(want, hex))
			rc = tender_diag_set(d, ET_EINVAL, "et.ref.sha256", "密封标底与招标记录登记的哈希不符",
					     "the sealed reference is not the one the tender record names",
					     "%s", ref);
		else
			rc = ET_OK;
		tender_record_free(rec);
		free(xml);
		if (rc)
			return rc;
	}
	if ((rc = bd_read_head(blobs, sha256, &head, &hl)))
		return tender_diag_set(d, rc, "et.bid.parts", "标底未上传或不可读",
				       "the sealed reference is not stored or cannot be read", "%s", ref);
	memset(&c, 0, sizeof c);
	c.actor = actor;
	c.tender = tender;
	c.ref = ref;
	c.sha256 = sha256;
	c.size = size;
	c.head = head;
	c.head_len = hl;
	c.arrival_us = arrival_us;
	c.d = d;
	rc = bd_submit(l, ref_command, &c, NULL, d);
	free(head);
	if (!rc && r) {
		r->index = c.index;
		memcpy(r->replaced, c.replaced, sizeof r->replaced);
	}
	return rc;
}

int bd_apply_reference(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *tender, *ref, *org, *user, *sha, *repl;
	int64_t size, arrival;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "ref", &ref)) ||
	    (rc = tender_json_str(o, "org", &org)) || (rc = tender_json_str(o, "user", &user)) ||
	    (rc = tender_json_str(o, "sha256", &sha)) || (rc = tender_json_str(o, "replaces", &repl)) ||
	    (rc = tender_json_int(o, "size", &size)) || (rc = tender_json_int(o, "arrival", &arrival)))
		goto out;
	if (*repl && (rc = audit_sql_exec(db, "UPDATE bd_reference SET status = 'replaced' WHERE"
					  " ref = ?1 AND status = 'live'", "t", repl)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO bd_reference(ref, tender, org, user, sha256, size,"
			    " arrival_us, idx, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'live')",
			    "tttttiii", ref, tender, org, user, sha, size, arrival, (int64_t)index);
out:
	json_decref(o);
	return rc;
}
