/* bidding/submit.c — the bidding commands before the opening: submission
 * (with replacement), withdrawal, bid deposits, the close at the deadline,
 * and the bidders' answers to the opening record. State diagram and
 * invariants: bidding/domain.c.
 *
 * Invariants checked inside the writer (so check and use cannot drift):
 *  - a bid, a withdrawal or a per-tender deposit is accepted only while the
 *    tender is published and not closed, and a bid only if its last byte
 *    arrived before the current deadline (cn.e.27);
 *  - every part carries exactly the tender's threshold stanzas and no
 *    ciphertext is held twice;
 *  - the close happens once, at or after the deadline, and reveals every
 *    confidential leaf of the tender (only their membership if it fails). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bidding/bidding_int.h"
#include "crypto/crypto.h"

/* ---- submission ---------------------------------------------------------- */

struct submit_cmd {
	const char *actor;
	const struct bid_manifest *m;
	const unsigned char *manifest;
	size_t mlen;
	const struct bid_part_ref *parts;
	size_t nparts;
	unsigned char *heads[BID_MAX_PARTS];
	size_t head_len[BID_MAX_PARTS];
	int64_t arrival_us;
	json_t *upload;
	struct bid_receipt *r;
	struct tender_diag *d;
};

static int held(sqlite3 *db, const char *sql, const char *v, bool *yes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*yes = false;
	if ((rc = audit_sql_prepare(db, &st, sql, "t", v)))
		return rc;
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

static int submit_command(struct audit_tx *tx, void *ctx)
{
	struct submit_cmd *c = ctx;
	const struct bid_manifest *m = c->m;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	struct tender_holder_info *hv = NULL;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][32], signer[32], mh[32];
	char hex[65], signer_b64[48], prev[TENDER_ID_LEN] = "";
	sqlite3_stmt *st = NULL;
	json_t *pl = NULL, *parts = NULL;
	int64_t now = audit_tx_time(tx);
	size_t nh = 0;
	unsigned k = 0;
	bool yes;
	int rc;

	if ((rc = bd_load_bidder(db, c->actor, m->tender, &p, &t, "submit a bid", c->arrival_us, c->d)))
		goto out;
	if (c->arrival_us > now) {
		rc = tender_diag_set(c->d, ET_EINVAL, NULL, "到达时间无效",
				     "the arrival time lies in the future", "%s", m->bid);
		goto out;
	}
	if (c->arrival_us >= t.schedule.bid_deadline_us) {
		rc = tender_diag_set(c->d, ET_ESTATE, "cn.e.27", "投标截止时间后送达，拒收",
				     "arrived after the deadline: refused", "%s", m->tender);
		goto out;
	}
	if ((rc = tender_db_registered(db, m->tender, p.org, &yes)))
		goto out;
	if (!yes) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.reg.required", "须先报名",
				     "register for the tender first", "%s", m->tender);
		goto out;
	}
	if (strcmp(m->org, p.org) || strcmp(m->user, p.user)) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.bid.manifest", "投标清单不属于本投标人",
				     "the manifest names another bidder", "%s", m->bid);
		goto out;
	}
	if (c->nparts != m->nparts) {
		rc = tender_diag_set(c->d, ET_EINVAL, "et.bid.parts", "分包与清单不符",
				     "the parts do not match the manifest", "%zu parts, manifest %zu",
				     c->nparts, m->nparts);
		goto out;
	}
	for (size_t i = 0; i < c->nparts; i++)
		if (memcmp(c->parts[i].sha256, m->parts[i].sha256, 32) ||
		    c->parts[i].size != m->parts[i].size) {
			rc = tender_diag_set(c->d, ET_EINVAL, "et.bid.parts", "分包与清单不符",
					     "the parts do not match the manifest", "part %zu", i + 1);
			goto out;
		}
	if ((rc = bd_user_ed25519(db, c->actor, signer)) ||
	    (rc = bid_manifest_verify(m, signer))) {
		rc = tender_diag_set(c->d, rc == ET_EKEY ? ET_EKEY : ET_EVERIFY, "et.bid.signature",
				     "投标清单签名无效", "the manifest's signature does not verify",
				     "%s", m->bid);
		goto out;
	}
	if ((rc = held(db, "SELECT 1 FROM bd_bid WHERE bid = ?1", m->bid, &yes)))
		goto out;
	if (yes) {
		rc = tender_diag_set(c->d, ET_EEXIST, "et.bid.exists", "投标编号已存在",
				     "this bid id exists", "%s", m->bid);
		goto out;
	}
	for (size_t i = 0; i < c->nparts; i++) {
		et_hex_encode(c->parts[i].sha256, 32, hex);
		if ((rc = held(db, "SELECT 1 FROM bd_part WHERE sha256 = ?1", hex, &yes)))
			goto out;
		for (size_t j = 0; j < i && !yes; j++)
			yes = !memcmp(c->parts[i].sha256, c->parts[j].sha256, 32);
		if (yes) {
			rc = tender_diag_set(c->d, ET_EEXIST, "et.bid.duplicate",
					     "平台已持有相同密文", "the platform already holds this ciphertext",
					     "part %zu", i + 1);
			goto out;
		}
	}
	if ((rc = bd_holders(db, m->tender, &k, &hv, &nh, pubs)))
		goto out;
	for (size_t i = 0; i < c->nparts; i++)
		if ((rc = bid_part_check(c->heads[i], c->head_len[i], k, (unsigned)nh,
					 (const unsigned char (*)[32])pubs))) {
			rc = tender_diag_set(c->d, ET_ESEALER, "et.bid.stanzas",
					     "密封分包须且仅须含本项目的门限接收者",
					     "a part must carry exactly the tender's threshold stanzas",
					     "part %zu (%s)", i + 1, et_strerror(rc));
			goto out;
		}
	if ((rc = audit_sql_prepare(db, &st, "SELECT bid FROM bd_bid WHERE tender = ?1 AND org = ?2 AND"
			     " status = 'live'", "tt", m->tender, p.org)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, prev, sizeof prev);
	crypto_sha256(c->manifest, c->mlen, mh);
	et_hex_encode(mh, 32, hex);
	et_b64_encode(signer, 32, signer_b64);
	if (!(parts = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < c->nparts; i++) {
		char ph[65];
		et_hex_encode(c->parts[i].sha256, 32, ph);
		if (json_array_append_new(parts, json_pack("{s:I, s:s, s:I}", "part",
							   (json_int_t)(i + 1), "sha256", ph, "size",
							   (json_int_t)c->parts[i].size))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	pl = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s%, s:s, s:I, s:I, s:I, s:O, s:s, s:O}",
		       "tender", m->tender, "bid", m->bid, "org", p.org, "user", p.user, "signer",
		       signer_b64, "manifest", (const char *)c->manifest, c->mlen,
		       "manifest_sha256", hex, "version", (json_int_t)m->version, "sealed",
		       (json_int_t)m->sealed_us, "arrival", (json_int_t)c->arrival_us, "parts",
		       parts, "replaces", prev, "upload", c->upload);
	if ((rc = bd_emit(tx, "bid.submitted", c->actor, m->tender, pl, true, &c->r->index)))
		goto out;
	memcpy(c->r->bid, m->bid, sizeof c->r->bid);
	memcpy(c->r->replaced, prev, sizeof c->r->replaced);
	memcpy(c->r->manifest_sha256, mh, 32);
out:
	sqlite3_finalize(st);
	json_decref(pl);
	json_decref(parts);
	tender_holders_free(hv);
	return rc;
}

int bid_submit(struct audit_ledger *l, const struct bid_blobs *blobs, const char *actor,
	       const void *manifest, size_t mlen, const struct bid_part_ref *parts,
	       size_t nparts, int64_t arrival_us, const char *upload, struct bid_receipt *r,
	       struct tender_diag *d)
{
	struct bid_manifest m;
	struct submit_cmd c;
	struct audit_result res;
	int rc;

	tender_diag_clear(d);
	memset(&c, 0, sizeof c);
	memset(r, 0, sizeof *r);
	if (!l || !blobs || !blobs->open || !actor || !parts || nparts == 0 ||
	    nparts > BID_MAX_PARTS)
		return tender_diag_set(d, ET_EINVAL, "et.bid.parts", "分包数量无效",
				       "invalid number of parts", "%zu", nparts);
	if ((rc = bid_manifest_parse(manifest, mlen, &m, d)))
		return rc;
	if (upload && strlen(upload) > BID_UPLOAD_META_MAX)
		return tender_diag_set(d, ET_ELIMIT, NULL, "上传元数据过大",
				       "the upload metadata is too large", "%zu bytes", strlen(upload));
	c.upload = upload ? json_loads(upload, JSON_REJECT_DUPLICATES, NULL) : json_object();
	if (!c.upload || !json_is_object(c.upload)) {
		json_decref(c.upload);
		return tender_diag_set(d, upload ? ET_EINVAL : ET_ENOMEM, NULL, "上传元数据无效",
				       "the upload metadata is not a JSON object", "%s", m.bid);
	}
	c.actor = actor;
	c.m = &m;
	c.manifest = manifest;
	c.mlen = mlen;
	c.parts = parts;
	c.nparts = nparts;
	c.arrival_us = arrival_us;
	c.r = r;
	c.d = d;
	for (size_t i = 0; i < nparts; i++)
		if ((rc = bd_read_head(blobs, parts[i].sha256, &c.heads[i], &c.head_len[i]))) {
			rc = tender_diag_set(d, rc, "et.bid.parts", "分包未上传或不可读",
					     "a part is not stored or cannot be read", "part %zu", i + 1);
			goto out;
		}
	if ((rc = bd_submit(l, submit_command, &c, &res, d)))
		goto out;
	r->checkpoint_size = res.checkpoint_size;
out:
	for (size_t i = 0; i < nparts; i++)
		free(c.heads[i]);
	json_decref(c.upload);
	return rc;
}

/* ---- withdrawal ----------------------------------------------------------- */

struct withdraw_cmd {
	const char *actor, *tender, *bid;
	struct tender_diag *d;
};

static int withdraw_command(struct audit_tx *tx, void *ctx)
{
	struct withdraw_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	sqlite3_stmt *st = NULL;
	bool live = false;
	json_t *pl;
	int rc;

	if ((rc = bd_load_bidder(db, c->actor, c->tender, &p, &t, "withdraw a bid", INT64_MIN, c->d)))
		return rc;
	if (audit_tx_time(tx) >= t.schedule.bid_deadline_us)
		return bd_deny_stage(c->d, "cn.e.27", "投标截止后不得撤回", "no withdrawal after the deadline",
				  c->tender);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_bid WHERE bid = ?1 AND tender = ?2 AND"
			     " org = ?3 AND status = 'live'", "ttt", c->bid, c->tender, p.org)))
		return rc;
	live = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!live)
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.bid.live", "无此有效投标",
				       "no such live bid of the firm", "%s", c->bid);
	pl = json_pack("{s:s, s:s, s:s, s:s}", "tender", c->tender, "bid", c->bid, "org", p.org,
		       "user", p.user);
	rc = bd_emit(tx, "bid.withdrawn", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int bid_withdraw(struct audit_ledger *l, const char *actor, const char *tender, const char *bid,
		 struct tender_diag *d)
{
	struct withdraw_cmd c = { actor, tender, bid, d };

	tender_diag_clear(d);
	if (!actor || !bd_id_ok(tender) || !bd_id_ok(bid))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	return bd_submit(l, withdraw_command, &c, NULL, d);
}

/* ---- deposits --------------------------------------------------------------- */

struct deposit_cmd {
	const char *actor, *id, *hash;
	const struct bid_deposit_new *dep;
	struct tender_diag *d;
};

static int deposit_command(struct audit_tx *tx, void *ctx)
{
	struct deposit_cmd *c = ctx;
	const struct bid_deposit_new *dep = c->dep;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	enum tender_org_kind kind;
	json_t *pl;
	int rc;

	if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
		return rc;
	if (!(p.roles & TENDER_ROLE_ADMIN))
		return tender_diag_set(c->d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				       "the actor's roles do not allow this", "record a deposit");
	rc = tender_db_org_kind(db, dep->org, &kind);
	if (rc && rc != ET_ENOTFOUND)
		return rc;
	if (rc || kind != TENDER_ORG_BIDDER)
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.deposit.org", "无此投标人",
				       "no such bidder firm", "%s", dep->org);
	if (dep->tender) {
		struct tender_info t;
		struct bd_state s;
		if ((rc = tender_db_tender(db, dep->tender, &t, c->d)) ||
		    (rc = bd_state_load(db, dep->tender, &s)))
			return rc;
		if (t.stage != TENDER_STAGE_PUBLISHED || s.closed ||
		    audit_tx_time(tx) >= t.schedule.bid_deadline_us)
			return bd_deny_stage(c->d, "et.deposit.deadline", "保证金须在投标截止前交纳",
					  "a deposit is recorded before the deadline", dep->tender);
	}
	pl = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "id", c->id, "org", dep->org, "tender",
		       dep->tender ? dep->tender : "", "year", (json_int_t)dep->year, "amount",
		       (json_int_t)dep->amount_fen, "method", dep->method, "payer_sha256", c->hash);
	rc = bd_emit(tx, "deposit.recorded", c->actor, dep->tender, pl, dep->tender != NULL, NULL);
	json_decref(pl);
	return rc;
}

int bid_deposit_record(struct audit_ledger *l, struct tender_private *p, const char *actor,
		       const struct bid_deposit_new *dep, char id_out[TENDER_ID_LEN],
		       struct tender_diag *d)
{
	static const char *const keys[] = { "kind", "org", "payer_name", "payer_bank",
					    "payer_account" };
	char id[TENDER_ID_LEN], hash[TENDER_SHA256_HEX];
	struct deposit_cmd c;
	int rc;

	tender_diag_clear(d);
	if (id_out)
		id_out[0] = 0;
	if (!l || !p || !actor || !dep || !bd_id_ok(dep->org) || dep->amount_fen <= 0 ||
	    !dep->method || (strcmp(dep->method, "transfer") && strcmp(dep->method, "guarantee")) ||
	    (dep->tender ? !bd_id_ok(dep->tender) || dep->year != 0
			 : dep->year < 2000 || dep->year > 9999) ||
	    !dep->payer_account || !*dep->payer_account)
		return tender_diag_set(d, ET_EINVAL, "et.deposit.input", "保证金信息无效",
				       "invalid deposit", NULL);
	if ((rc = bd_new_id("dep-", id)))
		return rc;
	const char *vals[] = { "deposit", dep->org, dep->payer_name, dep->payer_bank,
			       dep->payer_account };
	if ((rc = tender_private_record_put(p, id, keys, vals, 5, hash)))
		return tender_diag_set(d, rc, "et.deposit.input", "付款人信息无效",
				       "invalid payer details", NULL);
	c = (struct deposit_cmd){ actor, id, hash, dep, d };
	if ((rc = bd_submit(l, deposit_command, &c, NULL, d))) {
		tender_private_record_forget(p, id);
		return rc;
	}
	if (id_out)
		memcpy(id_out, id, sizeof id);
	return ET_OK;
}

/* ---- the close ------------------------------------------------------------- */

struct close_cmd {
	const char *actor, *tender;
	struct bid_close_result *res;
	struct tender_diag *d;
};

/* The Asia/Shanghai calendar year of t (annual deposits cover it). */
static int shanghai_year(int64_t t_us)
{
	time_t s = (time_t)(t_us / 1000000 + 8 * 3600);
	struct tm tm;

	if (!gmtime_r(&s, &tm))
		return 0;
	return tm.tm_year + 1900;
}

/* The platform's timer (""), an administrator or a supervisor. */
static int platform_actor(sqlite3 *db, const char *actor, const char *what,
			  struct tender_diag *d)
{
	struct tender_principal p;
	int rc;

	if (!*actor)
		return ET_OK;
	if ((rc = tender_db_actor(db, actor, &p, d)))
		return rc;
	if (!(p.roles & (TENDER_ROLE_ADMIN | TENDER_ROLE_SUPERVISOR)))
		return tender_diag_set(d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				       "the actor's roles do not allow this", "%s", what);
	return ET_OK;
}

static int close_command(struct audit_tx *tx, void *ctx)
{
	struct close_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	const struct tender_profile *prof = NULL;
	struct tender_info t;
	struct tender_diag cd;
	struct bd_state s;
	sqlite3_stmt *st = NULL, *dq = NULL;
	json_t *bids = NULL, *pl = NULL;
	unsigned received = 0, counted = 0;
	enum tender_amend_policy policy;
	uint64_t version, amend;
	bool failed, required, cur;
	const char *why;
	int rc, step;

	if ((rc = platform_actor(db, c->actor, "close a tender", c->d)) ||
	    (rc = tender_db_tender(db, c->tender, &t, c->d)) ||
	    (rc = bd_state_load(db, c->tender, &s)))
		goto out;
	if (t.stage != TENDER_STAGE_PUBLISHED || s.closed) {
		rc = bd_deny_stage(c->d, "et.auth.stage", "项目当前阶段不允许截标",
				"the tender cannot be closed in its stage", c->tender);
		goto out;
	}
	if (audit_tx_time(tx) < t.schedule.bid_deadline_us) {
		rc = bd_deny_stage(c->d, "et.close.early", "未到投标截止时间", "the deadline has not come",
				c->tender);
		goto out;
	}
	if ((rc = tender_rules_lookup(t.profile, t.profile_version, &prof))) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	required = tender_rules_deposit_required(prof);
	policy = tender_rules_amend_policy(prof);
	if ((rc = tender_db_version(db, c->tender, &version, &amend))) {
		rc = rc == ET_ENOTFOUND || rc == ET_ESTATE ? et_fail(ET_EDB) : rc;
		goto out;
	}
	if (!(bids = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT bid, org FROM bd_bid WHERE tender = ?1 AND"
			     " status = 'live' ORDER BY idx", "t", c->tender)) ||
	    (rc = audit_sql_prepare(db, &dq, "SELECT 1 FROM bd_deposit WHERE org = ?1 AND"
			     " ((tender = '' AND year = ?2) OR tender = ?3)", "")))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char bid[TENDER_ID_LEN], org[TENDER_ID_LEN];
		bool dep;
		audit_sql_col_text(st, 0, bid, sizeof bid);
		audit_sql_col_text(st, 1, org, sizeof org);
		sqlite3_reset(dq);
		sqlite3_bind_text(dq, 1, org, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(dq, 2, shanghai_year(t.schedule.bid_deadline_us));
		sqlite3_bind_text(dq, 3, c->tender, -1, SQLITE_TRANSIENT);
		dep = sqlite3_step(dq) == SQLITE_ROW;
		if ((rc = bd_bid_current(db, bid, amend, policy == TENDER_AMEND_RECONFIRM, &cur)))
			goto out;
		why = required && !dep ? "et.deposit.required" :
		      policy != TENDER_AMEND_STANDS && !cur ? "et.amend.bid" : "";
		received++;
		if (!*why)
			counted++;
		if (json_array_append_new(bids, json_pack("{s:s, s:s, s:b, s:b, s:s}", "bid", bid, "org",
							  org, "deposit", dep, "counts", !*why,
							  "rule", why))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	failed = tender_rules_check_bid_count(prof, counted, &cd) != ET_OK;
	if (failed)
		json_array_clear(bids);
	pl = json_pack("{s:s, s:I, s:b, s:I, s:I, s:s, s:O}", "tender", c->tender, "deadline",
		       (json_int_t)t.schedule.bid_deadline_us, "failed", failed, "received",
		       (json_int_t)received, "counted", (json_int_t)counted, "rule",
		       failed ? "cn.reg.44" : "", "bids", bids);
	if ((rc = bd_emit(tx, "tender.closed", c->actor, c->tender, pl, false, &c->res->index)) ||
	    (rc = audit_tx_reveal(tx, c->tender, c->actor, failed, NULL)))
		goto out;
	c->res->failed = failed;
	c->res->received = received;
	c->res->counted = counted;
	if (failed)
		(void)tender_diag_set(c->d, ET_OK, "cn.reg.44", "投标人少于规定数量，招标失败",
				      "fewer bids than required: the tender fails", "%u of %u", counted,
				      tender_rules_min_bids(prof));
out:
	sqlite3_finalize(st);
	sqlite3_finalize(dq);
	json_decref(pl);
	json_decref(bids);
	return rc;
}

int bid_close(struct audit_ledger *l, const char *actor, const char *tender,
	      struct bid_close_result *res, struct tender_diag *d)
{
	struct bid_close_result r;
	struct close_cmd c = { actor ? actor : "", tender, &r, d };
	int rc;

	tender_diag_clear(d);
	memset(&r, 0, sizeof r);
	if (!bd_id_ok(tender))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	if ((rc = bd_submit(l, close_command, &c, NULL, d)))
		return rc;
	if (res)
		*res = r;
	return ET_OK;
}

/* ---- answers to the opening record --------------------------------------------- */

struct answer_cmd {
	const char *actor, *tender, *text;
	bool object;
	struct tender_diag *d;
};

static int answer_command(struct audit_tx *tx, void *ctx)
{
	struct answer_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct bd_state s;
	sqlite3_stmt *st = NULL;
	bool in_record, answered;
	json_t *pl;
	int rc;

	if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
		return rc;
	if (!(p.roles & TENDER_ROLE_BIDDER))
		return tender_diag_set(c->d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				       "the actor's roles do not allow this", "answer the record");
	if ((rc = bd_state_load(db, c->tender, &s)))
		return rc;
	if (!s.opened)
		return bd_deny_stage(c->d, "et.record.none", "尚无开标记录", "no opening record yet",
				  c->tender);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_bid WHERE tender = ?1 AND org = ?2 AND"
			     " (status IN ('opened', 'revoked') OR rule = 'cn.e.31')", "tt",
			     c->tender, p.org)))
		return rc;
	in_record = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!in_record)
		return tender_diag_set(c->d, ET_EDENIED, "et.record.bidder", "非开标记录中的投标人",
				       "the firm is not in the opening record", "%s", p.org);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_answer WHERE tender = ?1 AND org = ?2",
			     "tt", c->tender, p.org)))
		return rc;
	answered = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (answered)
		return tender_diag_set(c->d, ET_EEXIST, "et.record.answered", "已确认或已提出异议",
				       "the firm has answered already", "%s", p.org);
	pl = c->object ? json_pack("{s:s, s:s, s:s, s:s}", "tender", c->tender, "org", p.org, "user",
				   p.user, "text", c->text)
		       : json_pack("{s:s, s:s, s:s}", "tender", c->tender, "org", p.org, "user",
				   p.user);
	rc = bd_emit(tx, c->object ? "objection.raised" : "record.confirmed", c->actor, c->tender,
		     pl, false, NULL);
	json_decref(pl);
	return rc;
}

int bid_record_answer(struct audit_ledger *l, const char *actor, const char *tender, bool object,
		      const char *text, struct tender_diag *d)
{
	struct answer_cmd c = { actor, tender, text, object, d };

	tender_diag_clear(d);
	if (!actor || !bd_id_ok(tender) ||
	    (object && (!text || !*text || strlen(text) > ET_TENDER_TEXT_MAX)))
		return tender_diag_set(d, ET_EINVAL, "et.record.text", "异议内容无效",
				       "invalid objection text", NULL);
	return bd_submit(l, answer_command, &c, NULL, d);
}
