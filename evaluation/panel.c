/* evaluation/panel.c — the panel's work: declines, avoidance and
 * replacements from the reserves, signed score sheets (sealed: confidential
 * events, and shown to the members only once all are in), requests for more
 * time (cn.reg.48), the chair's election, dissent, the rejection of all bids
 * of a lot (cn.panel.27) and the report signed by every member. Every event
 * that names a member is confidential until the result is fixed (Art. 37);
 * the one public event here, evaluation.extended, is the platform's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "evaluation/ev_int.h"

/* The actor's seat in a drawn panel whose result is not fixed. */
static int load_member(sqlite3 *db, const char *actor, const char *tender, struct ev_draw_row *dr,
		       struct ev_member_row *m, struct tender_diag *d)
{
	struct tender_principal p;
	int rc;

	if (!actor || !ev_id_ok(actor))
		return tender_diag_set(d, ET_EDENIED, "et.auth.unknown", "未知用户", "unknown user", "%s",
				       "");
	if ((rc = tender_db_actor(db, actor, &p, d)))
		return rc;
	if (!tender || !ev_id_ok(tender) || (rc = ev_draw_load(db, tender, dr)) == ET_ENOTFOUND)
		return tender_diag_set(d, ET_EDENIED, "et.panel.member", "不是本项目评标委员会成员",
				       "not a member of the tender's panel", "%s", actor);
	if (rc)
		return rc;
	if ((rc = ev_member_of(db, tender, actor, m, d)))
		return rc;
	if (strcmp(dr->state, "drawn"))
		return tender_diag_set(d, ET_ESTATE, "et.panel.drawn", "专家尚未抽取完成",
				       "the panel is not drawn yet", "%s", tender);
	if (dr->fixed)
		return tender_diag_set(d, ET_ESTATE, "et.eval.fixed", "评标结果已确定",
				       "the result is fixed", "%s", tender);
	return ET_OK;
}

int ev_panel_member(sqlite3 *db, const char *actor, const char *tender, struct ev_draw_row *dr,
		    struct ev_member_row *m, struct tender_diag *d)
{
	return load_member(db, actor, tender, dr, m, d);
}

static int count_rows(sqlite3 *db, const char *sql, const char *tender, const char *arg,
		      int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, sql, arg ? "tt" : "t", tender, arg)))
		return rc;
	*n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return ET_OK;
}

static int user_key(sqlite3 *db, const char *user, unsigned char pub[32])
{
	struct tender_user_info u;
	size_t got = 0;
	int rc;

	if ((rc = tender_db_user(db, user, &u)))
		return rc == ET_ENOTFOUND ? ET_EKEY : rc;
	if (!u.ed25519[0] || et_b64_decode(u.ed25519, strlen(u.ed25519), pub, 32, &got) || got != 32)
		return ET_EKEY;
	return ET_OK;
}

/* ---- declines and replacements ---------------------------------------------- */

struct repl_cmd {
	const char *actor, *tender, *member, *org, *reason;
	bool avoid, admin;
	struct tender_diag *d;
};

static int repl_fn(struct audit_tx *tx, void *ctx)
{
	struct repl_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct tender_principal p;
	sqlite3_stmt *st = NULL;
	char next[TENDER_ID_LEN] = "";
	enum tender_org_kind ok;
	int64_t sheets;
	json_t *pl;
	int rc;

	if (c->admin) {
		if ((rc = ev_actor(db, c->actor, TENDER_ROLE_ADMIN, &p, c->d)))
			return rc;
		if (!ev_id_ok(c->tender) || (rc = ev_draw_load(db, c->tender, &dr)))
			return tender_diag_set(c->d, ET_ENOTFOUND, "et.draw.requested", "项目没有抽取记录",
					       "the tender has no draw", "%s", c->tender ? c->tender : "");
		if (strcmp(dr.state, "drawn") || dr.fixed)
			return tender_diag_set(c->d, ET_ESTATE, "et.panel.drawn", "专家尚未抽取完成或结果已定",
					       "the panel is not drawn, or the result is fixed", "%s",
					       c->tender);
		if ((rc = audit_sql_prepare(db, &st, "SELECT member, user, kind, specialty, state, rank FROM"
					    " ev_member WHERE tender = ?1 AND member = ?2 AND state = 'member'",
					    "tt", c->tender, c->member)))
			return rc;
		rc = sqlite3_step(st) == SQLITE_ROW ? ET_OK : ET_ENOTFOUND;
		if (!rc) {
			memset(&m, 0, sizeof m);
			audit_sql_col_text(st, 0, m.member, sizeof m.member);
			audit_sql_col_text(st, 1, m.user, sizeof m.user);
			audit_sql_col_text(st, 2, m.kind, sizeof m.kind);
			audit_sql_col_text(st, 3, m.specialty, sizeof m.specialty);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc)
			return tender_diag_set(c->d, ET_ENOTFOUND, "et.panel.member", "不是评标委员会成员",
					       "not a member of the panel", "%s", c->member);
	} else if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d))) {
		return rc;
	}
	if (strcmp(m.kind, "expert"))
		return tender_diag_set(c->d, ET_EINVAL, "et.panel.rep", "招标人代表由招标人更换",
				       "a representative is changed by the tenderer, not from reserves",
				       "%s", m.member);
	if (c->avoid && (!c->org || !ev_id_ok(c->org) || tender_db_org_kind(db, c->org, &ok)))
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.relation.org", "关联单位未登记",
				       "the related organisation is not registered", "%s",
				       c->org ? c->org : "");
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_sheet WHERE tender = ?1 AND member = ?2",
			     c->tender, m.member, &sheets)))
		return rc;
	if (sheets)
		return tender_diag_set(c->d, ET_ESTATE, "et.panel.started", "已提交评分的成员不能更换",
				       "a member who submitted scores cannot be replaced", "%s", m.member);
	if ((rc = audit_sql_prepare(db, &st, "SELECT member FROM ev_member WHERE tender = ?1 AND"
				    " specialty = ?2 AND state = 'reserve' ORDER BY rank LIMIT 1", "tt",
				    c->tender, m.specialty)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, next, sizeof next);
	sqlite3_finalize(st);
	if (!next[0])
		return tender_diag_set(c->d, ET_ESTATE, "et.draw.reserves", "该专业已无备选专家",
				       "no reserve is left for the specialty", "%s", m.specialty);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "draw", dr.draw,
		       "out", m.member, "in", next, "specialty", m.specialty, "reason", c->reason,
		       "rule", c->avoid ? "cn.panel.12" : c->admin ? "et.panel.replaced" :
		       "et.panel.declined", "org", c->avoid ? c->org : "", "by", c->actor);
	rc = ev_emit(tx, "panel.replaced", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int ev_panel_decline(struct audit_ledger *l, const char *actor, const char *tender, bool avoid,
		     const char *org, const char *reason, struct tender_diag *d)
{
	struct repl_cmd c = { actor, tender, NULL, org, reason, avoid, false, d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.panel.reason", "须说明理由", "a reason is needed",
				       "%s", "");
	return ev_submit(l, repl_fn, &c, d);
}

int ev_panel_replace(struct audit_ledger *l, const char *actor, const char *tender,
		     const char *member, const char *reason, struct tender_diag *d)
{
	struct repl_cmd c = { actor, tender, member, NULL, reason, false, true, d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(reason, ET_TENDER_REASON_MAX) || !member || !ev_id_ok(member))
		return tender_diag_set(d, ET_EINVAL, "et.panel.reason", "须指明成员并说明理由",
				       "a member and a reason are needed", "%s", "");
	return ev_submit(l, repl_fn, &c, d);
}

/* ---- changing the tenderer's representative ------------------------------------ */

struct rep_cmd {
	const char *actor, *tender, *out, *in, *reason;
	struct tender_diag *d;
};

static int rep_fn(struct audit_tx *tx, void *ctx)
{
	struct rep_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	struct tender_user_info u;
	struct ev_draw_row dr;
	int64_t n;
	json_t *pl;
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_AGENT, &p, c->d)) ||
	    (rc = ev_agent_tender(db, &p, c->tender, &t, c->d)))
		return rc;
	if ((rc = ev_draw_load(db, c->tender, &dr)))
		return rc == ET_ENOTFOUND ?
			       tender_diag_set(c->d, ET_ENOTFOUND, "et.draw.requested", "项目没有抽取记录",
					       "the tender has no draw", "%s", c->tender) : rc;
	if (dr.fixed)
		return tender_diag_set(c->d, ET_ESTATE, "et.panel.drawn", "评标结果已定",
				       "the result is fixed", "%s", c->tender);
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_member WHERE tender = ?1 AND member = ?2 AND"
			     " kind = 'rep' AND state = 'member'", c->tender, c->out, &n)))
		return rc;
	if (!n)
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.panel.member", "不是本项目的招标人代表",
				       "not a representative on the tender's panel", "%s", c->out);
	/* its vote for the chair would count for a seat it no longer holds */
	if ((rc = count_rows(db, "SELECT (SELECT count(*) FROM ev_sheet WHERE tender = ?1 AND member = ?2)"
			     " + (SELECT count(*) FROM ev_vote WHERE tender = ?1 AND member = ?2)",
			     c->tender, c->out, &n)))
		return rc;
	if (n || !strcmp(dr.chair, c->out))
		return tender_diag_set(c->d, ET_ESTATE, "et.panel.started",
				       "已投票、提交评分或担任负责人的成员不能更换",
				       "a member who voted, submitted scores or chairs the panel cannot be"
				       " replaced", "%s", c->out);
	if (tender_db_user(db, c->in, &u) || strcmp(u.org, t.tenderer_org) || !u.ed25519[0])
		return tender_diag_set(c->d, ET_EINVAL, "et.draw.reps",
				       "招标人代表须为招标人单位已登记密钥的用户",
				       "a representative must be a user of the tenderer with keys", "%s",
				       c->in);
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_member WHERE tender = ?1 AND user = ?2",
			     c->tender, c->in, &n)))
		return rc;
	if (n)
		return tender_diag_set(c->d, ET_EEXIST, "et.panel.seat", "该用户在本项目已有或曾有席位",
				       "the user holds or held a seat on the tender's panel", "%s", c->in);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "draw", dr.draw, "out",
		       c->out, "in", c->in, "reason", c->reason, "rule", "et.panel.rep", "by", c->actor);
	rc = ev_emit(tx, "panel.rep_changed", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int ev_panel_rep_change(struct audit_ledger *l, const char *actor, const char *tender,
			const char *out, const char *in, const char *reason, struct tender_diag *d)
{
	struct rep_cmd c = { actor, tender, out, in, reason, d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(reason, ET_TENDER_REASON_MAX) || !out || !ev_id_ok(out) || !in ||
	    !ev_id_ok(in))
		return tender_diag_set(d, ET_EINVAL, "et.panel.reason",
				       "须指明原代表、新代表并说明理由",
				       "the representative out, the one in and a reason are needed", "%s",
				       "");
	return ev_submit(l, rep_fn, &c, d);
}

/* ---- score sheets ---------------------------------------------------------------- */

static json_t *criteria_json(const struct ev_criterion *c, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:I}", "comment", c[i].comment ?
						       c[i].comment : "", "criterion", c[i].criterion,
						       "points", (json_int_t)c[i].points))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int ev_score_message(const char *tender, const char *lot, const char *bid, const char *member,
		     const struct ev_criterion *c, size_t n, struct et_buf *out)
{
	json_t *a;
	char *s;
	int rc;

	if (!tender || !lot || !bid || !member || (n && !c))
		return et_fail(ET_EINVAL);
	for (size_t i = 0; i < n; i++)
		if (!c[i].criterion)
			return et_fail(ET_EINVAL);
	if (!(a = criteria_json(c, n)))
		return et_fail(ET_ENOMEM);
	s = ev_dump(a);
	json_decref(a);
	if (!s)
		return et_fail(ET_ENOMEM);
	rc = et_buf_printf(out, "etender-score/v1\n%s\n%s\n%s\n%s\n%s\n", tender, lot, bid, member, s);
	free(s);
	return rc;
}

struct score_cmd {
	const char *actor, *tender, *lot, *bid;
	const struct ev_criterion *c;
	size_t n;
	int64_t total;
	const unsigned char *sig;
	struct tender_diag *d;
};

static int score_fn(struct audit_tx *tx, void *ctx)
{
	struct score_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct bid_tender_status bs;
	struct ev_lot_bid *bids = NULL;
	struct et_buf msg;
	unsigned char pub[32];
	char sigb64[96];
	size_t nb = 0;
	bool found = false;
	int64_t k;
	json_t *pl = NULL, *crit = NULL;
	int rc;

	et_buf_init(&msg, 1u << 20);
	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)))
		goto out;
	if ((rc = bid_db_status(db, c->tender, &bs)))
		goto out;
	if (bs.phase != BID_PHASE_OPENED) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.eval.opened", "开标后方可评分",
				     "scores only after the opening", "%s", c->tender);
		goto out;
	}
	if (audit_tx_time(tx) >= dr.deadline_us) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.eval.deadline", "评标时间已过",
				     "the evaluation time is over", "%s", c->tender);
		goto out;
	}
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_rejected WHERE tender = ?1 AND lot = ?2",
			     c->tender, c->lot, &k)))
		goto out;
	if (k) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.eval.rejected", "该标段已否决全部投标",
				     "every bid of the lot was rejected", "%s", c->lot);
		goto out;
	}
	if ((rc = ev_opened_bids(db, c->tender, c->lot, &bids, &nb)))
		goto out;
	for (size_t i = 0; i < nb; i++)
		found |= !strcmp(bids[i].bid, c->bid);
	if (!found) {
		rc = tender_diag_set(c->d, ET_ENOTFOUND, "et.sheet.bid", "该标段没有此有效投标",
				     "no such opened bid in the lot", "%s / %s", c->lot, c->bid);
		goto out;
	}
	{
		sqlite3_stmt *st = NULL;
		if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_sheet WHERE tender = ?1 AND lot = ?2"
					    " AND bid = ?3 AND member = ?4", "tttt", c->tender, c->lot,
					    c->bid, m.member)))
			goto out;
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (found) {
		rc = tender_diag_set(c->d, ET_EEXIST, "et.sheet.exists", "已提交该投标的评分表",
				     "the sheet for this bid was already submitted", "%s", c->bid);
		goto out;
	}
	{
		/* comprehensive scoring: a sheet scores the technical and business
		 * parts, at most their weights together */
		struct tender_record *rec = NULL;
		const struct tender_lot *tl;
		int64_t max = EV_POINTS_MAX;
		if ((rc = tender_db_record(db, c->tender, &rec)))
			goto out;
		tl = tender_record_lot_by_id(rec, c->lot);
		if (tl && tl->method == TENDER_EVAL_COMPREHENSIVE)
			max = (int64_t)(tl->weight_technical + tl->weight_business - tl->credit_points) * 100;
		tender_record_free(rec);
		if (c->total > max) {
			rc = tender_diag_set(c->d, ET_EINVAL, "et.sheet.points",
					     "评分超过技术和商务分权重之和",
					     "the sheet scores more than the technical and business weights",
					     "%lld > %lld hundredths", (long long)c->total, (long long)max);
			goto out;
		}
	}
	if ((rc = user_key(db, c->actor, pub)) ||
	    (rc = ev_score_message(c->tender, c->lot, c->bid, m.member, c->c, c->n, &msg)))
		goto out;
	if (crypto_ed25519_verify(pub, msg.data, msg.len, c->sig)) {
		rc = tender_diag_set(c->d, ET_EVERIFY, "et.sheet.signature", "评分表签名无效",
				     "the sheet's signature does not verify", "%s", c->bid);
		goto out;
	}
	et_b64_encode(c->sig, 64, sigb64);
	if (!(crit = criteria_json(c->c, c->n))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	pl = json_pack("{s:s,s:s,s:s,s:s,s:O,s:I,s:s}", "tender", c->tender, "lot", c->lot, "bid",
		       c->bid, "member", m.member, "criteria", crit, "total", (json_int_t)c->total,
		       "sig", sigb64);
	rc = ev_emit(tx, "score.submitted", c->actor, c->tender, pl, true, NULL);
out:
	et_buf_free(&msg);
	free(bids);
	json_decref(crit);
	json_decref(pl);
	return rc;
}

int ev_score_submit(struct audit_ledger *l, const char *actor, const char *tender,
		    const char *lot, const char *bid, const struct ev_criterion *c, size_t n,
		    const unsigned char sig[64], struct tender_diag *d)
{
	struct score_cmd cmd = { actor, tender, lot, bid, c, n, 0, sig, d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !bid || !ev_id_ok(lot) || !ev_id_ok(bid) || !sig || !n || !c || n > EV_MAX_CRITERIA)
		return tender_diag_set(d, ET_EINVAL, "et.sheet.field", "评分表不完整",
				       "the score sheet is incomplete", "%s", "");
	for (size_t i = 0; i < n; i++) {
		if (!ev_text_ok(c[i].criterion, 64) || (c[i].comment && *c[i].comment &&
							!ev_text_ok(c[i].comment, ET_TENDER_TEXT_MAX)))
			return tender_diag_set(d, ET_EINVAL, "et.sheet.field", "评分项或评语不合法",
					       "a criterion or comment is invalid", "%zu", i + 1);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c[i].criterion, c[j].criterion))
				return tender_diag_set(d, ET_EINVAL, "et.sheet.field", "评分项重复",
						       "a criterion is named twice", "%s", c[i].criterion);
		if (c[i].points < 0 || c[i].points > EV_POINTS_MAX ||
		    (cmd.total += c[i].points) > EV_POINTS_MAX)
			return tender_diag_set(d, ET_EINVAL, "et.sheet.points", "分值超出范围",
					       "points out of range (0..100.00 in total)", "%s",
					       c[i].criterion);
	}
	return ev_submit(l, score_fn, &cmd, d);
}

/* ---- more time, chair, dissent ------------------------------------------------------- */

struct member_cmd {
	const char *actor, *tender, *text, *other;
	bool *flag;
	struct tender_diag *d;
};

static int active_members(sqlite3 *db, const char *tender, int64_t *n)
{
	return count_rows(db, "SELECT count(*) FROM ev_member WHERE tender = ?1 AND state = 'member'",
			  tender, NULL, n);
}

static int ext_fn(struct audit_tx *tx, void *ctx)
{
	struct member_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct tender_info t;
	struct ev_rules rules;
	int64_t asked, members;
	json_t *pl;
	int rc;

	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)))
		return rc;
	if (audit_tx_time(tx) >= dr.deadline_us)
		return tender_diag_set(c->d, ET_ESTATE, "et.eval.deadline", "评标时间已过",
				       "the evaluation time is over", "%s", c->tender);
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_extension WHERE tender = ?1 AND member = ?2",
			     c->tender, m.member, &asked)))
		return rc;
	if (asked)
		return tender_diag_set(c->d, ET_EEXIST, "et.extension.exists", "已申请延长评标时间",
				       "more time was already asked for", "%s", m.member);
	pl = json_pack("{s:s,s:s,s:s}", "tender", c->tender, "member", m.member, "reason", c->text);
	rc = ev_emit(tx, "extension.requested", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (rc)
		return rc;
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_extension WHERE tender = ?1", c->tender, NULL,
			     &asked)) || (rc = active_members(db, c->tender, &members)))
		return rc;
	if (dr.extended || asked * 3 <= members)
		return ET_OK;
	/* cn.reg.48: more than 1/3 of the members: the time is extended */
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	pl = json_pack("{s:s,s:I,s:I,s:I,s:I,s:s}", "tender", c->tender, "deadline",
		       (json_int_t)(dr.deadline_us + rules.extension_us), "previous",
		       (json_int_t)dr.deadline_us, "requests", (json_int_t)asked, "members",
		       (json_int_t)members, "rule", "cn.reg.48");
	rc = ev_emit(tx, "evaluation.extended", "", c->tender, pl, false, NULL);
	json_decref(pl);
	if (!rc && c->flag)
		*c->flag = true;
	if (!rc)
		(void)tender_diag_set(c->d, ET_OK, "cn.reg.48", "评标时间已延长",
				      "the evaluation time was extended", "%s", c->tender);
	return rc;
}

int ev_extension_request(struct audit_ledger *l, const char *actor, const char *tender,
			 const char *reason, bool *extended, struct tender_diag *d)
{
	struct member_cmd c = { actor, tender, reason, NULL, extended, d };
	int rc;

	if (d)
		tender_diag_clear(d);
	if (extended)
		*extended = false;
	if (!ev_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.extension.reason", "须说明理由",
				       "a reason is needed", "%s", "");
	if (!l)
		return et_fail(ET_EINVAL);
	rc = audit_ledger_submit(l, ext_fn, &c, NULL);
	if (d && rc && d->rc != rc)
		(void)tender_diag_set(d, rc, NULL, "操作失败", "the command failed", "%s", et_strerror(rc));
	return rc;
}

static int vote_fn(struct audit_tx *tx, void *ctx)
{
	struct member_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	sqlite3_stmt *st = NULL;
	int64_t k, votes, members;
	bool ok;
	json_t *pl;
	int rc;

	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)))
		return rc;
	if (dr.chair[0])
		return tender_diag_set(c->d, ET_EEXIST, "et.chair.elected", "主任委员已选出",
				       "the chair is already elected", "%s", dr.chair);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_member WHERE tender = ?1 AND member = ?2"
				    " AND state = 'member'", "tt", c->tender, c->other)))
		return rc;
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!ok)
		return tender_diag_set(c->d, ET_EINVAL, "et.chair.candidate", "候选人不是委员会成员",
				       "the candidate is not a member", "%s", c->other);
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_vote WHERE tender = ?1 AND member = ?2",
			     c->tender, m.member, &k)))
		return rc;
	if (k)
		return tender_diag_set(c->d, ET_EEXIST, "et.chair.voted", "已投票", "already voted", "%s",
				       m.member);
	pl = json_pack("{s:s,s:s,s:s}", "tender", c->tender, "member", m.member, "candidate", c->other);
	rc = ev_emit(tx, "chair.voted", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (rc)
		return rc;
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_vote WHERE tender = ?1 AND candidate = ?2",
			     c->tender, c->other, &votes)) || (rc = active_members(db, c->tender, &members)))
		return rc;
	if (votes * 2 <= members)
		return ET_OK;
	pl = json_pack("{s:s,s:s,s:I,s:I}", "tender", c->tender, "chair", c->other, "votes",
		       (json_int_t)votes, "members", (json_int_t)members);
	rc = ev_emit(tx, "chair.elected", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (!rc && c->flag)
		*c->flag = true;
	return rc;
}

int ev_chair_vote(struct audit_ledger *l, const char *actor, const char *tender,
		  const char *candidate, bool *elected, struct tender_diag *d)
{
	struct member_cmd c = { actor, tender, NULL, candidate, elected, d };

	if (d)
		tender_diag_clear(d);
	if (elected)
		*elected = false;
	if (!candidate || !ev_id_ok(candidate))
		return tender_diag_set(d, ET_EINVAL, "et.chair.candidate", "须指明候选人",
				       "a candidate is needed", "%s", "");
	return ev_submit(l, vote_fn, &c, d);
}

static int report_final(sqlite3 *db, const char *tender, bool *exists, bool *final)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT final FROM ev_report WHERE tender = ?1", "t", tender)))
		return rc;
	*exists = sqlite3_step(st) == SQLITE_ROW;
	*final = *exists && sqlite3_column_int64(st, 0) != 0;
	sqlite3_finalize(st);
	return ET_OK;
}

static int dissent_fn(struct audit_tx *tx, void *ctx)
{
	struct member_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	bool exists, final;
	json_t *pl;
	int rc;

	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)) ||
	    (rc = report_final(db, c->tender, &exists, &final)))
		return rc;
	if (final)
		return tender_diag_set(c->d, ET_ESTATE, "et.report.final", "评标报告已签署完毕",
				       "the report is already signed by all", "%s", c->tender);
	pl = json_pack("{s:s,s:s,s:s}", "tender", c->tender, "member", m.member, "text", c->text);
	rc = ev_emit(tx, "dissent.recorded", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int ev_dissent(struct audit_ledger *l, const char *actor, const char *tender, const char *text,
	       struct tender_diag *d)
{
	struct member_cmd c = { actor, tender, text, NULL, NULL, d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(text, ET_TENDER_TEXT_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.dissent.text", "异议内容须为 1–4096 字节",
				       "the dissent must be 1..4096 bytes", "%s", "");
	return ev_submit(l, dissent_fn, &c, d);
}

/* ---- rejection of all bids, the report ------------------------------------------------ */

static int chair_only(const struct ev_draw_row *dr, const struct ev_member_row *m,
		      struct tender_diag *d)
{
	if (strcmp(dr->chair, m->member))
		return tender_diag_set(d, ET_EDENIED, "et.chair.only", "只有主任委员可以执行",
				       "only the chair may do this", "%s", m->member);
	return ET_OK;
}

int ev_all_lots_decided(sqlite3 *db, const char *tender, const char *extra_lot, bool *all)
{
	char (*lots)[ET_TENDER_ID_MAX + 1] = NULL;
	size_t nl = 0;
	int64_t k;
	int rc;

	*all = true;
	if ((rc = ev_lots(db, tender, &lots, &nl)))
		return rc;
	for (size_t i = 0; i < nl && *all; i++) {
		if (extra_lot && !strcmp(lots[i], extra_lot))
			continue;
		if ((rc = count_rows(db, "SELECT (SELECT count(*) FROM ev_rejected WHERE tender = ?1 AND"
				     " lot = ?2) + (SELECT count(*) FROM ev_result WHERE tender = ?1 AND"
				     " lot = ?2 AND award_idx >= 0)", tender, lots[i], &k)))
			break;
		*all = k > 0;
	}
	free(lots);
	return rc;
}

struct reject_cmd {
	const char *actor, *tender, *lot, *reason;
	struct tender_diag *d;
};

static int reject_fn(struct audit_tx *tx, void *ctx)
{
	struct reject_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct tender_info t;
	struct ev_rules rules;
	struct ev_lot_bid *bids = NULL;
	size_t nb = 0;
	bool exists, final, fixed;
	int64_t k;
	json_t *pl = NULL;
	int rc;

	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)) || (rc = chair_only(&dr, &m, c->d)))
		return rc;
	if ((rc = report_final(db, c->tender, &exists, &final)))
		return rc;
	if (exists)
		return tender_diag_set(c->d, ET_ESTATE, "et.report.exists", "评标报告已提交",
				       "the report was already submitted", "%s", c->tender);
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_rejected WHERE tender = ?1 AND lot = ?2",
			     c->tender, c->lot, &k)))
		return rc;
	if (k)
		return tender_diag_set(c->d, ET_EEXIST, "et.eval.rejected", "该标段已否决全部投标",
				       "every bid of the lot was already rejected", "%s", c->lot);
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	if ((rc = ev_opened_bids(db, c->tender, c->lot, &bids, &nb)))
		return rc == ET_ESTATE ? tender_diag_set(c->d, ET_ESTATE, "et.eval.opened", "尚未开标",
							 "not opened yet", "%s", c->tender) : rc;
	free(bids);
	/* the bids still valid after the compliance review (cn.panel.review,
	 * cn.panel.21) */
	if ((rc = ev_valid_count(db, c->tender, c->lot, &rules, &nb)))
		return rc;
	if (nb >= rules.min_valid)
		return tender_diag_set(c->d, ET_ESTATE, "cn.panel.27",
				       "有效投标不少于三个，不得否决全部投标",
				       "with at least three valid bids, all cannot be rejected",
				       "%zu valid bids", nb);
	if ((rc = ev_all_lots_decided(db, c->tender, c->lot, &fixed)))
		return rc;
	pl = json_pack("{s:s,s:s,s:I,s:s,s:s,s:b}", "tender", c->tender, "lot", c->lot, "valid",
		       (json_int_t)nb, "reason", c->reason, "rule", "cn.panel.27", "fixed", fixed);
	rc = ev_emit(tx, "bids.rejected", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (!rc && fixed)   /* the result is fixed: the evaluation's leaves are revealed */
		rc = audit_tx_reveal(tx, c->tender, c->actor, false, NULL);
	return rc;
}

int ev_reject_all(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		  const char *reason, struct tender_diag *d)
{
	struct reject_cmd c = { actor, tender, lot, reason, d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot) || !ev_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.eval.reason", "须指明标段并说明理由",
				       "a lot and a reason are needed", "%s", "");
	return ev_submit(l, reject_fn, &c, d);
}

struct report_cmd {
	const char *actor, *tender, *text;
	char *report_out;
	const struct ev_payer *payers;
	size_t npayers;
	const struct ev_boq *boqs;
	size_t nboqs;
	const struct ev_upload *ups;
	size_t nups;
	struct tender_diag *d;
};

static int report_fn(struct audit_tx *tx, void *ctx)
{
	struct report_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	char (*lots)[ET_TENDER_ID_MAX + 1] = NULL;
	size_t nl = 0, missing = 0;
	bool complete, exists, final;
	char id[TENDER_ID_LEN], hex[65], *body = NULL;
	unsigned char h[32];
	int64_t dissents, k;
	struct tender_info t;
	struct ev_rules rules;
	struct tender_record *rec = NULL;
	json_t *la = NULL, *pl = NULL;
	int rc;

	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)) || (rc = chair_only(&dr, &m, c->d)))
		return rc;
	if ((rc = report_final(db, c->tender, &exists, &final)))
		return rc;
	if (exists)
		return tender_diag_set(c->d, ET_EEXIST, "et.report.exists", "评标报告已提交",
				       "the report was already submitted", "%s", c->tender);
	if ((rc = ev_sheets_complete(db, c->tender, &complete, &missing)))
		return rc == ET_ESTATE ? tender_diag_set(c->d, ET_ESTATE, "et.eval.opened", "尚未开标",
							 "not opened yet", "%s", c->tender) : rc;
	if (!complete)
		return tender_diag_set(c->d, ET_ESTATE, "et.report.sheets", "评分表尚未全部提交",
				       "not every score sheet is in", "%zu missing", missing);
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	if ((rc = tender_db_record(db, c->tender, &rec)))
		return rc == ET_ENOTFOUND ? et_fail(ET_EDB) : rc;
	if ((rc = ev_lots(db, c->tender, &lots, &nl)))
		goto out;
	if (!(la = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nl; i++) {
		json_t *lo, *in = NULL, *res = NULL;
		if ((rc = count_rows(db, "SELECT count(*) FROM ev_rejected WHERE tender = ?1 AND lot = ?2",
				     c->tender, lots[i], &k)))
			goto out;
		if (k) {
			lo = json_pack("{s:s,s:b,s:[]}", "lot", lots[i], "rejected", true, "candidates");
		} else {
			if ((rc = ev_lot_inputs(db, c->tender, rec, &rules, lots[i], c->payers, c->npayers,
						c->boqs, c->nboqs, c->ups, c->nups, &in)) ||
			    (rc = ev_lot_result(db, c->tender, lots[i], in, &res))) {
				json_decref(in);
				if (rc == ET_EINVAL || rc == ET_ELIMIT)
					rc = tender_diag_set(c->d, rc, "et.report.scoring",
							     "无法按招标文件规定的评标办法计算该标段",
							     "the lot cannot be scored by the tender's method",
							     "%s", lots[i]);
				goto out;
			}
			lo = json_pack("{s:s,s:b,s:o}", "lot", lots[i], "rejected", false, "inputs", in);
			if (lo && json_object_update(lo, res))
				json_decref(lo), lo = NULL;
			json_decref(res);
		}
		if (!lo || json_array_append_new(la, lo)) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_dissent WHERE tender = ?1", c->tender, NULL,
			     &dissents)) || (rc = ev_new_id("rpt-", id)))
		goto out;
	/* sha256 over the canonical JSON of everything but itself */
	pl = json_pack("{s:s,s:s,s:s,s:O,s:I}", "tender", c->tender, "report", id, "text", c->text,
		       "lots", la, "dissents", (json_int_t)dissents);
	if (!pl || !(body = ev_dump(pl))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	crypto_sha256(body, strlen(body), h);
	et_hex_encode(h, 32, hex);
	if (json_object_set_new(pl, "sha256", json_string(hex))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((rc = ev_emit(tx, "report.submitted", c->actor, c->tender, pl, true, NULL)))
		goto out;
	if (c->report_out)
		memcpy(c->report_out, id, TENDER_ID_LEN);
out:
	tender_record_free(rec);
	free(body);
	free(lots);
	json_decref(la);
	json_decref(pl);
	return rc;
}

struct deposits_q {
	const char *tender;
	char (*ids)[TENDER_ID_LEN];
	size_t n;
};

static int deposits_fn(sqlite3 *db, void *ctx)
{
	struct deposits_q *q = ctx;

	return ev_report_deposits(db, q->tender, &q->ids, &q->n);
}

/* The payer account of each deposit that may back a bid, as an HMAC under
 * a key used for this report only (so that the log shows which deposits
 * came from one account, never the account). Without the side store (p
 * NULL) no token: the signal cannot be raised. */
static int payer_tokens(struct audit_ledger *l, struct tender_private *p, const char *tender,
			struct ev_payer **out, size_t *n)
{
	struct deposits_q q = { tender, NULL, 0 };
	struct ev_payer *v = NULL;
	unsigned char key[32], mac[32];
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return ET_OK;
	if ((rc = audit_ledger_query(l, deposits_fn, &q)))
		return rc;
	if (!q.n) {
		free(q.ids);
		return ET_OK;
	}
	if (!(v = calloc(q.n, sizeof *v))) {
		free(q.ids);
		return et_fail(ET_ENOMEM);
	}
	if ((rc = crypto_random(key, sizeof key)))
		goto out;
	for (size_t i = 0; i < q.n; i++) {
		char *js = NULL, acct[128];
		size_t k = 0;
		json_t *o;
		const char *a;
		if (tender_private_record_get(p, q.ids[i], &js))
			continue;      /* erased: no token */
		o = json_loads(js, 0, NULL);
		free(js);
		a = json_string_value(json_object_get(o, "payer_account"));
		/* the account without blanks or dashes */
		for (; a && *a && k + 1 < sizeof acct; a++)
			if (*a != ' ' && *a != '-')
				acct[k++] = *a;
		acct[k] = 0;
		json_decref(o);
		if (!k)
			continue;
		if ((rc = crypto_hmac_sha256(key, sizeof key, acct, k, mac))) {
			crypto_wipe(acct, sizeof acct);
			goto out;
		}
		crypto_wipe(acct, sizeof acct);
		memcpy(v[*n].deposit, q.ids[i], TENDER_ID_LEN);
		et_hex_encode(mac, 32, v[*n].token);
		(*n)++;
	}
out:
	crypto_wipe(key, sizeof key);
	free(q.ids);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return ET_OK;
}

struct opening_q {
	const char *tender;
	char *json;
};

static int opening_fn(sqlite3 *db, void *ctx)
{
	struct opening_q *q = ctx;

	return bid_db_opening_record(db, q->tender, &q->json);
}

/* The BoQ lines of every opened bid whose bid.xml the blob store kept (it is
 * read under the SHA-256 the opening record gives, and checked against it).
 * A bid.xml that is not kept gives no lines; one that does not match its
 * hash or does not parse refuses the report. */
static int read_boqs(struct audit_ledger *l, const struct bid_blobs *blobs, const char *tender,
		     struct ev_boq **out, size_t *n, struct tender_diag *d)
{
	struct opening_q q = { tender, NULL };
	json_t *rec = NULL, *bids;
	struct ev_boq *v = NULL;
	size_t nb;
	int rc;

	*out = NULL;
	*n = 0;
	if (!blobs || !blobs->open)
		return ET_OK;
	if ((rc = audit_ledger_query(l, opening_fn, &q)))
		return rc == ET_ESTATE || rc == ET_ENOTFOUND ? ET_OK : rc;  /* the command says why */
	rec = json_loads(q.json, 0, NULL);
	free(q.json);
	bids = json_object_get(rec, "bids");
	nb = json_array_size(bids);
	if (!(v = calloc(nb ? nb : 1, sizeof *v))) {
		json_decref(rec);
		return et_fail(ET_ENOMEM);
	}
	for (size_t i = 0; i < nb; i++) {
		json_t *b = json_array_get(bids, i);
		const char *bid = json_string_value(json_object_get(b, "bid"));
		const char *xh = json_string_value(json_object_get(b, "xml_sha256"));
		unsigned char sha[32], got[32];
		struct et_buf x;
		struct bid_boq_line *lines = NULL;
		size_t nl = 0;
		int fd = -1;
		if (!bid || !xh || strlen(xh) != 64 || et_hex_decode(xh, sha, 32))
			continue;
		if ((rc = blobs->open(blobs->ctx, sha, &fd))) {
			if (rc == ET_ENOTFOUND) {
				rc = ET_OK;
				continue;
			}
			break;
		}
		et_buf_init(&x, BID_XML_MAX);
		for (;;) {
			char chunk[8192];
			ssize_t r = read(fd, chunk, sizeof chunk);
			if (r < 0) {
				rc = et_fail(ET_EIO);
				break;
			}
			if (!r)
				break;
			if ((rc = et_buf_add(&x, chunk, (size_t)r)))
				break;
		}
		close(fd);
		if (!rc) {
			crypto_sha256(x.data, x.len, got);
			if (memcmp(got, sha, 32))
				rc = tender_diag_set(d, ET_EVERIFY, "et.report.boq",
						     "保存的投标文件与开标记录的哈希不符",
						     "a kept bid.xml does not match the opening record", "%s",
						     bid);
			else if ((rc = bid_xml_boq(x.data, x.len, &lines, &nl, d)))
				tender_diag_append(d, "%s", bid);
		}
		et_buf_free(&x);
		if (rc)
			break;
		snprintf(v[*n].bid, sizeof v[*n].bid, "%s", bid);
		v[*n].lines = lines;
		v[*n].n = nl;
		(*n)++;
	}
	json_decref(rec);
	if (rc) {
		for (size_t i = 0; i < *n; i++)
			free((void *)v[i].lines);
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return ET_OK;
}

struct bids_q {
	const char *tender;
	struct ev_upload *v;
	char (*user)[TENDER_ID_LEN];
	int64_t *idx;
	size_t n;
};

static int bids_fn(sqlite3 *db, void *ctx)
{
	struct bids_q *q = ctx;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, s;

	if ((rc = audit_sql_prepare(db, &st, "SELECT bid, user, idx FROM bd_bid WHERE tender = ?1 AND"
				    " status = 'opened' ORDER BY idx", "t", q->tender)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (q->n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			void *a = realloc(q->v, nc * sizeof *q->v), *b = a ? realloc(q->user,
									 nc * sizeof *q->user) : NULL;
			void *c = b ? realloc(q->idx, nc * sizeof *q->idx) : NULL;
			if (a)
				q->v = a;
			if (b)
				q->user = b;
			if (!c) {
				rc = et_fail(ET_ENOMEM);
				break;
			}
			q->idx = c;
			cap = nc;
		}
		memset(&q->v[q->n], 0, sizeof q->v[q->n]);
		audit_sql_col_text(st, 0, q->v[q->n].bid, TENDER_ID_LEN);
		audit_sql_col_text(st, 1, q->user[q->n], TENDER_ID_LEN);
		q->idx[q->n] = sqlite3_column_int64(st, 2);
		q->n++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_finalize(st);
	return rc;
}

/* The author and software of each document of the upload's parts (at most
 * EV_UPLOAD_DOCS; a value longer than EV_DOC_META_MAX bytes is cut). */
void ev_upload_docs(json_t *parts, struct ev_upload *u)
{
	u->ndocs = 0;
	for (size_t i = 0; i < json_array_size(parts); i++) {
		json_t *docs = json_object_get(json_array_get(parts, i), "documents");
		for (size_t j = 0; j < json_array_size(docs) && u->ndocs < EV_UPLOAD_DOCS; j++) {
			json_t *dm = json_array_get(docs, j);
			const char *a = json_string_value(json_object_get(dm, "author"));
			const char *sw = json_string_value(json_object_get(dm, "software"));
			if (!(a && a[0]) && !(sw && sw[0]))
				continue;
			snprintf(u->doc[u->ndocs].author, sizeof u->doc[0].author, "%s", a ? a : "");
			snprintf(u->doc[u->ndocs].software, sizeof u->doc[0].software, "%s", sw ? sw : "");
			u->ndocs++;
		}
	}
}

/* The sealed upload metadata of every opened bid: its bid.submitted event
 * from the ledger's confidential store (revealed at the close), member
 * `upload` (docs/formats.md "Upload metadata"): source and device. A bid
 * without it has "" (never matches). */
static int read_uploads(struct audit_ledger *l, const char *tender, struct ev_upload **out,
			size_t *n)
{
	struct bids_q q = { tender, NULL, NULL, NULL, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, bids_fn, &q)))
		goto out;
	for (size_t i = 0; i < q.n; i++) {
		struct audit_conf_opening op;
		struct audit_leaf lf;
		json_t *o, *up;
		memset(&op, 0, sizeof op);
		if (audit_ledger_opening(l, (uint64_t)q.idx[i], q.user[i], &op))
			continue;
		if (!audit_leaf_decode(op.enc, op.enc_len, &lf) && lf.type == AUDIT_LEAF_EVENT &&
		    !strcmp(lf.kind, "bid.submitted") &&
		    (o = json_loadb((const char *)lf.ev.payload, lf.ev.payload_len, 0, NULL))) {
			up = json_object_get(o, "upload");
			snprintf(q.v[i].source, sizeof q.v[i].source, "%s",
				 json_string_value(json_object_get(up, "source")) ?: "");
			snprintf(q.v[i].device, sizeof q.v[i].device, "%s",
				 json_string_value(json_object_get(up, "device")) ?: "");
			ev_upload_docs(json_object_get(up, "parts"), &q.v[i]);
			json_decref(o);
		}
		free(op.enc);
	}
	*out = q.v;
	*n = q.n;
	q.v = NULL;
out:
	free(q.v);
	free(q.user);
	free(q.idx);
	return rc;
}

int ev_report_submit(struct audit_ledger *l, struct tender_private *p, const struct bid_blobs *blobs,
		     const char *actor, const char *tender, const char *text,
		     char report_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct report_cmd c = { actor, tender, text, report_out, NULL, 0, NULL, 0, NULL, 0, d };
	struct ev_payer *payers = NULL;
	struct ev_boq *boqs = NULL;
	struct ev_upload *ups = NULL;
	size_t np = 0, nq = 0, nu = 0;
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(text, ET_TENDER_CLARIFY_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.report.text", "报告正文须为 1–65536 字节",
				       "the report text must be 1..65536 bytes", "%s", "");
	if ((rc = payer_tokens(l, p, tender, &payers, &np)))
		return tender_diag_set(d, rc, NULL, "无法读取保证金付款信息",
				       "cannot read the deposits' payer details", "%s", tender);
	if ((rc = read_boqs(l, blobs, tender, &boqs, &nq, d))) {
		free(payers);
		if (d && !d->rule[0])
			tender_diag_set(d, rc, NULL, "无法读取投标文件", "cannot read the bids' bid.xml",
					"%s", tender);
		return rc;
	}
	if ((rc = read_uploads(l, tender, &ups, &nu))) {
		for (size_t i = 0; i < nq; i++)
			free((void *)boqs[i].lines);
		free(boqs);
		free(payers);
		return tender_diag_set(d, rc, NULL, "无法读取投标上传信息",
				       "cannot read the bids' upload metadata", "%s", tender);
	}
	c.payers = payers;
	c.npayers = np;
	c.boqs = boqs;
	c.nboqs = nq;
	c.ups = ups;
	c.nups = nu;
	rc = ev_submit(l, report_fn, &c, d);
	free(ups);
	for (size_t i = 0; i < nq; i++)
		free((void *)boqs[i].lines);
	free(boqs);
	free(payers);
	return rc;
}

int ev_report_message(const char *tender, const char *report, const char *sha256_hex,
		      struct et_buf *out)
{
	if (!tender || !report || !sha256_hex)
		return et_fail(ET_EINVAL);
	return et_buf_printf(out, "etender-report/v1\n%s\n%s\n%s\n", tender, report, sha256_hex);
}

struct sign_cmd {
	const char *actor, *tender;
	const unsigned char *sig;
	bool *final;
	struct tender_diag *d;
};

static int sign_fn(struct audit_tx *tx, void *ctx)
{
	struct sign_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	sqlite3_stmt *st = NULL;
	char report[TENDER_ID_LEN] = "", sha[65] = "", sigb64[96];
	unsigned char pub[32];
	struct et_buf msg;
	bool exists, final;
	int64_t k;
	json_t *pl = NULL;
	int rc;

	et_buf_init(&msg, 4096);
	if ((rc = load_member(db, c->actor, c->tender, &dr, &m, c->d)))
		goto out;
	if ((rc = audit_sql_prepare(db, &st, "SELECT report, sha256 FROM ev_report WHERE tender = ?1", "t",
				    c->tender)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		audit_sql_col_text(st, 0, report, sizeof report);
		audit_sql_col_text(st, 1, sha, sizeof sha);
	}
	sqlite3_finalize(st);
	if (!report[0]) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.report.none", "评标报告尚未提交",
				     "no report was submitted", "%s", c->tender);
		goto out;
	}
	if ((rc = count_rows(db, "SELECT count(*) FROM ev_report_sig WHERE tender = ?1 AND member = ?2",
			     c->tender, m.member, &k)))
		goto out;
	if (k) {
		rc = tender_diag_set(c->d, ET_EEXIST, "et.report.signed", "已签署评标报告",
				     "the report was already signed by this member", "%s", m.member);
		goto out;
	}
	if ((rc = user_key(db, c->actor, pub)) || (rc = ev_report_message(c->tender, report, sha, &msg)))
		goto out;
	if (crypto_ed25519_verify(pub, msg.data, msg.len, c->sig)) {
		rc = tender_diag_set(c->d, ET_EVERIFY, "et.report.signature", "报告签名无效",
				     "the report signature does not verify", "%s", m.member);
		goto out;
	}
	et_b64_encode(c->sig, 64, sigb64);
	pl = json_pack("{s:s,s:s,s:s,s:s}", "tender", c->tender, "report", report, "member", m.member,
		       "sig", sigb64);
	if ((rc = ev_emit(tx, "report.signed", c->actor, c->tender, pl, true, NULL)))
		goto out;
	if ((rc = report_final(db, c->tender, &exists, &final)))
		goto out;
	if (c->final)
		*c->final = final;
out:
	et_buf_free(&msg);
	json_decref(pl);
	return rc;
}

int ev_report_sign(struct audit_ledger *l, const char *actor, const char *tender,
		   const unsigned char sig[64], bool *final, struct tender_diag *d)
{
	struct sign_cmd c = { actor, tender, sig, final, d };

	if (d)
		tender_diag_clear(d);
	if (final)
		*final = false;
	if (!sig)
		return et_fail(ET_EINVAL);
	return ev_submit(l, sign_fn, &c, d);
}
