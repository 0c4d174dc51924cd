/* evaluation/review.c — the panel's compliance review (初步评审:
 * 形式、资格、响应性审查, 评标委员会和评标方法暂行规定 第二十条至第二十六条),
 * its price adjustments for the lowest evaluated price (经评审的最低投标价法),
 * the explanation (澄清、说明) of an abnormally low price and the rejection of a bid
 * that cannot justify it (实施条例 第五十一条（五）, 暂行规定 第二十一条).
 * docs/evaluation.md §3 "Compliance review". The findings, adjustments and
 * rejections are confidential like every act of the panel; the question to
 * the bidder and its answer are public (the bidder reads and answers them
 * through the platform) and name no member. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/ev_int.h"
#include "evaluation/scoring.h"

#define CRITERION_MAX 64

/* ---- the state ------------------------------------------------------------------ */

int ev_bid_review(sqlite3 *db, const char *tender, const char *bid, const struct ev_rules *r,
		  struct ev_review_state *s)
{
	sqlite3_stmt *st = NULL;
	int64_t members = 0;
	char crit[CRITERION_MAX + 1] = "", why[ET_TENDER_REASON_MAX + 1] = "";
	int rc;

	memset(s, 0, sizeof *s);
	s->valid = true;
	if ((rc = audit_sql_prepare(db, &st, "SELECT count(*) FROM ev_member WHERE tender = ?1 AND"
				    " state = 'member'", "t", tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		members = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((rc = audit_sql_prepare(db, &st, "SELECT pass, criterion, reason FROM ev_review WHERE"
				    " tender = ?1 AND bid = ?2 AND member IN (SELECT member FROM ev_member"
				    " WHERE tender = ?1 AND state = 'member') ORDER BY idx", "tt", tender, bid)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0)) {
			s->passes++;
			continue;
		}
		if (!s->fails++) {
			audit_sql_col_text(st, 1, crit, sizeof crit);
			audit_sql_col_text(st, 2, why, sizeof why);
		}
	}
	sqlite3_finalize(st);
	if (r->review_den > 0 && s->fails * r->review_den > members * r->review_num) {
		s->valid = false;
		snprintf(s->reason, sizeof s->reason, "初步评审不合格 / failed the compliance review"
			 " (cn.panel.review, %lld of %lld): %s: %.300s", (long long)s->fails,
			 (long long)members, crit, why);
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT reason FROM ev_disq WHERE tender = ?1 AND bid = ?2",
				    "tt", tender, bid)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW && s->valid) {
		audit_sql_col_text(st, 0, why, sizeof why);
		s->valid = false;
		snprintf(s->reason, sizeof s->reason, "报价低于成本，未能合理说明 / price below cost,"
			 " not justified (cn.panel.21): %.300s", why);
	}
	sqlite3_finalize(st);
	if ((rc = audit_sql_prepare(db, &st, "SELECT coalesce(sum(amount), 0) FROM ev_adjust WHERE"
				    " tender = ?1 AND bid = ?2", "tt", tender, bid)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		s->adjust = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ET_OK;
}

int ev_valid_count(sqlite3 *db, const char *tender, const char *lot, const struct ev_rules *r,
		   size_t *valid)
{
	struct ev_lot_bid *b = NULL;
	struct ev_review_state s;
	size_t n = 0;
	int rc;

	*valid = 0;
	if ((rc = ev_opened_bids(db, tender, lot, &b, &n)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		if (!(rc = ev_bid_review(db, tender, b[i].bid, r, &s)) && s.valid)
			(*valid)++;
	free(b);
	return rc;
}

/* ---- shared checks ------------------------------------------------------------------ */

static int report_absent(sqlite3 *db, const char *tender, struct tender_diag *d)
{
	sqlite3_stmt *st = NULL;
	bool exists;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_report WHERE tender = ?1", "t", tender)))
		return rc;
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return exists ? tender_diag_set(d, ET_ESTATE, "et.report.exists", "评标报告已提交",
					"the report was already submitted", "%s", tender) : ET_OK;
}

static int chair_of(const struct ev_draw_row *dr, const struct ev_member_row *m, struct tender_diag *d)
{
	return strcmp(dr->chair, m->member) ?
	       tender_diag_set(d, ET_EDENIED, "et.chair.only", "只有主任委员可以执行",
			       "only the chair may do this", "%s", m->member) : ET_OK;
}

/* The opened bid of the lot (et.review.bid), its lot not rejected. */
static int lot_bid(sqlite3 *db, const char *tender, const char *lot, const char *bid,
		   struct ev_lot_bid *out, struct tender_diag *d)
{
	struct ev_lot_bid *b = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	bool found = false, rejected;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_rejected WHERE tender = ?1 AND lot = ?2",
				    "tt", tender, lot)))
		return rc;
	rejected = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (rejected)
		return tender_diag_set(d, ET_ESTATE, "et.eval.rejected", "该标段已否决全部投标",
				       "every bid of the lot was rejected", "%s", lot);
	if ((rc = ev_opened_bids(db, tender, lot, &b, &n)))
		return rc == ET_ESTATE ? tender_diag_set(d, ET_ESTATE, "et.eval.opened", "尚未开标",
							 "not opened yet", "%s", tender) : rc;
	for (size_t i = 0; i < n && !found; i++)
		if (!strcmp(b[i].bid, bid)) {
			*out = b[i];
			found = true;
		}
	free(b);
	return found ? ET_OK : tender_diag_set(d, ET_ENOTFOUND, "et.review.bid",
					       "该标段没有这个已开标的投标",
					       "no opened bid with this id in the lot", "%s", bid);
}

/* ---- commands -------------------------------------------------------------------- */

struct review_cmd {
	const char *actor, *tender, *lot, *bid, *criterion, *reason, *question, *id;
	bool pass;
	int64_t amount, deadline_us;
	char *id_out;
	struct tender_diag *d;
};

static int review_fn(struct audit_tx *tx, void *ctx)
{
	struct review_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct ev_lot_bid b;
	sqlite3_stmt *st = NULL;
	bool exists;
	json_t *pl;
	int rc;

	if ((rc = ev_panel_member(db, c->actor, c->tender, &dr, &m, c->d)) ||
	    (rc = report_absent(db, c->tender, c->d)) ||
	    (rc = lot_bid(db, c->tender, c->lot, c->bid, &b, c->d)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_review WHERE tender = ?1 AND bid = ?2 AND"
				    " member = ?3", "ttt", c->tender, c->bid, m.member)))
		return rc;
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (exists)
		return tender_diag_set(c->d, ET_EEXIST, "et.review.exists", "已对该投标作出初步评审结论",
				       "you already recorded a finding for this bid", "%s", c->bid);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "tender", c->tender, "lot", c->lot, "bid",
		       c->bid, "member", m.member, "pass", c->pass, "criterion", c->criterion, "reason",
		       c->reason);
	rc = ev_emit(tx, "review.recorded", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int ev_review_record(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		     const char *bid, bool pass, const char *criterion, const char *reason,
		     struct tender_diag *d)
{
	struct review_cmd c = { .actor = actor, .tender = tender, .lot = lot, .bid = bid,
				.criterion = criterion ? criterion : "", .reason = reason ? reason : "",
				.pass = pass, .d = d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot) || !bid || !ev_id_ok(bid))
		return tender_diag_set(d, ET_EINVAL, "et.review.bid", "须指明标段和投标",
				       "a lot and a bid are needed", "%s", "");
	if ((!pass || c.criterion[0]) && (!ev_text_ok(c.criterion, CRITERION_MAX) ||
					  strchr(c.criterion, '\n')))
		return tender_diag_set(d, ET_EINVAL, "et.review.criterion",
				       "不合格须指明审查因素（1–64 字节）",
				       "a failing finding names its criterion (1..64 bytes)", "%s", "");
	if ((!pass || c.reason[0]) && !ev_text_ok(c.reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.review.reason", "不合格须说明理由",
				       "a failing finding gives its reason", "%s", "");
	return ev_submit(l, review_fn, &c, d);
}

static int adjust_fn(struct audit_tx *tx, void *ctx)
{
	struct review_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct ev_lot_bid b;
	struct ev_review_state s;
	struct ev_rules rules;
	struct tender_info t;
	struct tender_record *rec = NULL;
	const struct tender_lot *tl;
	json_t *pl;
	int rc;

	if ((rc = ev_panel_member(db, c->actor, c->tender, &dr, &m, c->d)) ||
	    (rc = chair_of(&dr, &m, c->d)) || (rc = report_absent(db, c->tender, c->d)) ||
	    (rc = lot_bid(db, c->tender, c->lot, c->bid, &b, c->d)))
		return rc;
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	if ((rc = tender_db_record(db, c->tender, &rec)))
		return rc == ET_ENOTFOUND ? et_fail(ET_EDB) : rc;
	tl = tender_record_lot_by_id(rec, c->lot);
	if (!tl || tl->method != TENDER_EVAL_LOWEST_PRICE) {
		tender_record_free(rec);
		return tender_diag_set(c->d, ET_ESTATE, "et.adjust.method",
				       "仅经评审的最低投标价法的标段可作价格调整",
				       "price adjustments apply to lots evaluated by the lowest evaluated price",
				       "%s", c->lot);
	}
	tender_record_free(rec);
	if ((rc = ev_bid_review(db, c->tender, c->bid, &rules, &s)))
		return rc;
	if (b.price_fen + s.adjust + c->amount <= 0 ||
	    s.adjust + c->amount > EVAL_MAX_PRICE_FEN || s.adjust + c->amount < -EVAL_MAX_PRICE_FEN)
		return tender_diag_set(c->d, ET_EINVAL, "et.adjust.amount", "调整后的评审价格须大于零",
				       "the evaluated price after adjustments must stay above zero",
				       "%lld", (long long)c->amount);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "tender", c->tender, "lot", c->lot, "bid", c->bid,
		       "member", m.member, "amount", (json_int_t)c->amount, "reason", c->reason);
	rc = ev_emit(tx, "adjustment.recorded", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int ev_adjust_record(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		     const char *bid, int64_t amount_fen, const char *reason, struct tender_diag *d)
{
	struct review_cmd c = { .actor = actor, .tender = tender, .lot = lot, .bid = bid,
				.reason = reason, .amount = amount_fen, .d = d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot) || !bid || !ev_id_ok(bid))
		return tender_diag_set(d, ET_EINVAL, "et.review.bid", "须指明标段和投标",
				       "a lot and a bid are needed", "%s", "");
	if (amount_fen == 0 || amount_fen > EVAL_MAX_PRICE_FEN || amount_fen < -EVAL_MAX_PRICE_FEN)
		return tender_diag_set(d, ET_EINVAL, "et.adjust.amount", "调整金额须为非零的分",
				       "the adjustment is a non-zero amount of fen", "%lld",
				       (long long)amount_fen);
	if (!ev_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.adjust.reason", "须说明调整理由",
				       "an adjustment gives its reason", "%s", "");
	return ev_submit(l, adjust_fn, &c, d);
}

static int explain_fn(struct audit_tx *tx, void *ctx)
{
	struct review_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct ev_lot_bid b;
	struct ev_review_state s;
	struct ev_rules rules;
	struct tender_info t;
	struct tender_record *rec = NULL;
	sqlite3_stmt *st = NULL;
	json_t *in = NULL, *pl = NULL;
	bool low = false, exists;
	char id[TENDER_ID_LEN];
	int rc;

	if ((rc = ev_panel_member(db, c->actor, c->tender, &dr, &m, c->d)) ||
	    (rc = chair_of(&dr, &m, c->d)) || (rc = report_absent(db, c->tender, c->d)) ||
	    (rc = lot_bid(db, c->tender, c->lot, c->bid, &b, c->d)))
		return rc;
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)) ||
	    (rc = ev_bid_review(db, c->tender, c->bid, &rules, &s)))
		return rc;
	if (!s.valid)
		return tender_diag_set(c->d, ET_ESTATE, "et.explain.valid", "该投标已被否决",
				       "the bid is no longer valid", "%s", c->bid);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_explain WHERE tender = ?1 AND bid = ?2",
				    "tt", c->tender, c->bid)))
		return rc;
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (exists)
		return tender_diag_set(c->d, ET_EEXIST, "et.explain.exists", "已要求该投标人澄清",
				       "an explanation was already requested for this bid", "%s", c->bid);
	if (c->deadline_us <= audit_tx_time(tx) || c->deadline_us > audit_tx_time(tx) + 30 * rules.day_us)
		return tender_diag_set(c->d, ET_EINVAL, "et.explain.deadline",
				       "澄清期限须晚于现在且不超过 30 日",
				       "the time limit must be later than now and within 30 days", "%s", "");
	if ((rc = tender_db_record(db, c->tender, &rec)))
		return rc == ET_ENOTFOUND ? et_fail(ET_EDB) : rc;
	rc = ev_lot_inputs(db, c->tender, rec, &rules, c->lot, NULL, 0, NULL, 0, NULL, 0, &in);
	tender_record_free(rec);
	if (rc || (rc = ev_lot_low_flag(in, c->bid, &low)))
		goto out;
	if (!low) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.eval.low",
				     "该投标报价未被标记为异常低价，无需澄清",
				     "the bid's price is not flagged abnormally low", "%s", c->bid);
		goto out;
	}
	if ((rc = ev_new_id("xpl-", id)))
		goto out;
	/* the chair's act, confidential; then the question the bidder reads,
	 * public and sent by the platform, so that it names no member */
	pl = json_pack("{s:s,s:s,s:s}", "tender", c->tender, "id", id, "member", m.member);
	if ((rc = ev_emit(tx, "explanation.asked", c->actor, c->tender, pl, true, NULL)))
		goto out;
	json_decref(pl);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "tender", c->tender, "lot", c->lot,
		       "bid", c->bid, "org", b.org, "id", id, "question", c->question, "deadline",
		       (json_int_t)c->deadline_us, "price", (json_int_t)b.price_fen, "rule", "et.eval.low");
	if ((rc = ev_emit(tx, "explanation.requested", "", c->tender, pl, false, NULL)))
		goto out;
	if (c->id_out)
		memcpy(c->id_out, id, TENDER_ID_LEN);
out:
	json_decref(pl);
	json_decref(in);
	return rc;
}

int ev_explain_request(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		       const char *bid, const char *question, int64_t deadline_us,
		       char id_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct review_cmd c = { .actor = actor, .tender = tender, .lot = lot, .bid = bid,
				.question = question, .deadline_us = deadline_us, .id_out = id_out,
				.d = d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot) || !bid || !ev_id_ok(bid))
		return tender_diag_set(d, ET_EINVAL, "et.review.bid", "须指明标段和投标",
				       "a lot and a bid are needed", "%s", "");
	if (!ev_text_ok(question, ET_TENDER_TEXT_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.explain.text", "澄清问题须为 1–4096 字节",
				       "the question must be 1..4096 bytes", "%s", "");
	return ev_submit(l, explain_fn, &c, d);
}

struct clar_row {
	char tender[TENDER_ID_LEN], lot[TENDER_ID_LEN], bid[TENDER_ID_LEN], org[TENDER_ID_LEN];
	int64_t deadline_us, answered_idx;
};

static int clar_load(sqlite3 *db, const char *tender, const char *id, struct clar_row *r,
		     struct tender_diag *d)
{
	sqlite3_stmt *st = NULL;
	bool found;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT lot, bid, org, deadline_us, answered_idx FROM"
				    " ev_explain WHERE tender = ?1 AND id = ?2", "tt", tender, id)))
		return rc;
	if ((found = sqlite3_step(st) == SQLITE_ROW)) {
		audit_sql_col_text(st, 0, r->lot, sizeof r->lot);
		audit_sql_col_text(st, 1, r->bid, sizeof r->bid);
		audit_sql_col_text(st, 2, r->org, sizeof r->org);
		r->deadline_us = sqlite3_column_int64(st, 3);
		r->answered_idx = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return found ? ET_OK : tender_diag_set(d, ET_ENOTFOUND, "et.explain.none", "没有这个澄清要求",
					       "no such explanation request", "%s", id);
}

static int answer_fn(struct audit_tx *tx, void *ctx)
{
	struct review_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct clar_row r;
	json_t *pl;
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_BIDDER, &p, c->d)))
		return rc;
	if (!c->tender || !ev_id_ok(c->tender) || !c->id || !ev_id_ok(c->id))
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.explain.none", "没有这个澄清要求",
				       "no such explanation request", "%s", "");
	if ((rc = clar_load(db, c->tender, c->id, &r, c->d)))
		return rc;
	if (strcmp(r.org, p.org))
		return tender_diag_set(c->d, ET_EDENIED, "et.explain.org", "只有被要求澄清的投标人可以答复",
				       "only the bidder asked may answer", "%s", c->id);
	if (r.answered_idx >= 0)
		return tender_diag_set(c->d, ET_EEXIST, "et.explain.answered", "已答复",
				       "already answered", "%s", c->id);
	if (audit_tx_time(tx) > r.deadline_us)
		return tender_diag_set(c->d, ET_ESTATE, "et.explain.deadline", "澄清期限已过",
				       "the time limit for the answer has passed", "%s", c->id);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "id", c->id, "bid", r.bid,
		       "org", p.org, "user", c->actor, "text", c->reason);
	rc = ev_emit(tx, "explanation.answered", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int ev_explain_answer(struct audit_ledger *l, const char *actor, const char *tender, const char *id,
		      const char *text, struct tender_diag *d)
{
	struct review_cmd c = { .actor = actor, .tender = tender, .id = id, .reason = text, .d = d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(text, ET_TENDER_TEXT_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.explain.text", "澄清答复须为 1–4096 字节",
				       "the answer must be 1..4096 bytes", "%s", "");
	return ev_submit(l, answer_fn, &c, d);
}

static int disq_fn(struct audit_tx *tx, void *ctx)
{
	struct review_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct ev_draw_row dr;
	struct ev_member_row m;
	struct clar_row r;
	sqlite3_stmt *st = NULL;
	bool exists;
	json_t *pl;
	int rc;

	if ((rc = ev_panel_member(db, c->actor, c->tender, &dr, &m, c->d)) ||
	    (rc = chair_of(&dr, &m, c->d)) || (rc = report_absent(db, c->tender, c->d)))
		return rc;
	if (!c->id || !ev_id_ok(c->id))
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.explain.none", "没有这个澄清要求",
				       "no such explanation request", "%s", "");
	if ((rc = clar_load(db, c->tender, c->id, &r, c->d)))
		return rc;
	if (r.answered_idx < 0 && audit_tx_time(tx) <= r.deadline_us)
		return tender_diag_set(c->d, ET_ESTATE, "et.explain.pending",
				       "澄清期限未到且投标人尚未答复",
				       "the bidder has not answered and the time limit has not passed",
				       "%s", c->id);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_disq WHERE tender = ?1 AND bid = ?2", "tt",
				    c->tender, r.bid)))
		return rc;
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (exists)
		return tender_diag_set(c->d, ET_EEXIST, "et.disqualify.exists", "该投标已被否决",
				       "the bid was already rejected", "%s", r.bid);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "tender", c->tender, "lot", r.lot, "bid",
		       r.bid, "explanation", c->id, "member", m.member, "answered",
		       r.answered_idx >= 0, "reason", c->reason, "rule", "cn.panel.21");
	rc = ev_emit(tx, "bid.disqualified", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int ev_bid_disqualify(struct audit_ledger *l, const char *actor, const char *tender,
		      const char *explanation, const char *reason, struct tender_diag *d)
{
	struct review_cmd c = { .actor = actor, .tender = tender, .id = explanation, .reason = reason,
				.d = d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.eval.reason", "须说明理由", "a reason is needed",
				       "%s", "");
	return ev_submit(l, disq_fn, &c, d);
}

/* ---- apply functions ------------------------------------------------------------- */

#define APPLY_BEGIN                     \
	json_t *o = tender_event_payload(ev);     \
	int rc = ET_OK;                 \
	(void)ctx;                      \
	if (!o)                         \
		return et_fail(ET_EINVAL);

int ev_apply_review(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *bid, *member, *crit, *reason;
	json_t *pass = json_object_get(o, "pass");

	if (!(rc = tender_json_str(o, "tender", &tender)) && !(rc = tender_json_str(o, "lot", &lot)) &&
	    !(rc = tender_json_str(o, "bid", &bid)) && !(rc = tender_json_str(o, "member", &member)) &&
	    !(rc = tender_json_str(o, "criterion", &crit)) && !(rc = tender_json_str(o, "reason", &reason)))
		rc = json_is_boolean(pass) ?
		     audit_sql_exec(db, "INSERT INTO ev_review VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				    "ttttitti", tender, lot, bid, member, (int64_t)json_is_true(pass), crit,
				    reason, (int64_t)index) : et_fail(ET_EINVAL);
	json_decref(o);
	return rc;
}

int ev_apply_adjust(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *bid, *member, *reason;
	int64_t amount;

	if (!(rc = tender_json_str(o, "tender", &tender)) && !(rc = tender_json_str(o, "lot", &lot)) &&
	    !(rc = tender_json_str(o, "bid", &bid)) && !(rc = tender_json_str(o, "member", &member)) &&
	    !(rc = tender_json_int(o, "amount", &amount)) && !(rc = tender_json_str(o, "reason", &reason)))
		rc = audit_sql_exec(db, "INSERT INTO ev_adjust VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    "ittttit", (int64_t)index, tender, lot, bid, member, amount, reason);
	json_decref(o);
	return rc;
}

int ev_apply_asked(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *id, *member;

	(void)db;
	(void)index;
	/* the chair's act: recorded in the log; the projection is the request */
	rc = tender_json_str(o, "tender", &tender) || tender_json_str(o, "id", &id) ||
	     tender_json_str(o, "member", &member) ? et_fail(ET_EINVAL) : ET_OK;
	json_decref(o);
	return rc;
}

int ev_apply_explain(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *bid, *org, *id, *q;
	int64_t deadline;

	if (!(rc = tender_json_str(o, "tender", &tender)) && !(rc = tender_json_str(o, "lot", &lot)) &&
	    !(rc = tender_json_str(o, "bid", &bid)) && !(rc = tender_json_str(o, "org", &org)) &&
	    !(rc = tender_json_str(o, "id", &id)) && !(rc = tender_json_str(o, "question", &q)) &&
	    !(rc = tender_json_int(o, "deadline", &deadline)))
		rc = audit_sql_exec(db, "INSERT INTO ev_explain(id, tender, lot, bid, org, question,"
				    " deadline_us, idx) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", "ttttttii",
				    id, tender, lot, bid, org, q, deadline, (int64_t)index);
	json_decref(o);
	return rc;
}

int ev_apply_explain_answer(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *id, *user, *text;

	if (!(rc = tender_json_str(o, "tender", &tender)) && !(rc = tender_json_str(o, "id", &id)) &&
	    !(rc = tender_json_str(o, "user", &user)) && !(rc = tender_json_str(o, "text", &text)))
		rc = audit_sql_exec(db, "UPDATE ev_explain SET answer = ?3, answered_by = ?4,"
				    " answered_idx = ?5 WHERE tender = ?1 AND id = ?2", "tttti",
				    tender, id, text, user, (int64_t)index);
	json_decref(o);
	return rc;
}

int ev_apply_disqualify(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *bid, *clar, *reason, *rule;

	if (!(rc = tender_json_str(o, "tender", &tender)) && !(rc = tender_json_str(o, "lot", &lot)) &&
	    !(rc = tender_json_str(o, "bid", &bid)) && !(rc = tender_json_str(o, "explanation", &clar)) &&
	    !(rc = tender_json_str(o, "reason", &reason)) && !(rc = tender_json_str(o, "rule", &rule)))
		rc = audit_sql_exec(db, "INSERT INTO ev_disq VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    "tttttti", tender, bid, lot, clar, reason, rule, (int64_t)index);
	json_decref(o);
	return rc;
}

/* ---- queries ------------------------------------------------------------------------ */

struct clar_q {
	const struct tender_principal *who;
	const char *tender;
	json_t *out;
};

static int clar_query_fn(sqlite3 *db, void *ctx)
{
	struct clar_q *q = ctx;
	sqlite3_stmt *st = NULL;
	bool all = q->who && (q->who->roles & (TENDER_ROLE_ADMIN | TENDER_ROLE_SUPERVISOR));
	struct ev_member_row m;
	struct tender_diag d;
	int rc;

	if (q->who && !all && !ev_member_of(db, q->tender, q->who->user, &m, &d))
		all = true;
	if (!(q->out = json_array()))
		return et_fail(ET_ENOMEM);
	if ((rc = audit_sql_prepare(db, &st, "SELECT id, lot, bid, org, question, deadline_us, answer,"
				    " answered_by, answered_idx FROM ev_explain WHERE tender = ?1 ORDER BY idx",
				    "t", q->tender)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *org = (const char *)sqlite3_column_text(st, 3);
		if (!all && !(q->who && !strcmp(q->who->org, org ? org : "")))
			continue;
		if (json_array_append_new(q->out, json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "id", sqlite3_column_text(st, 0), "lot",
			sqlite3_column_text(st, 1), "bid", sqlite3_column_text(st, 2), "org", org,
			"question", sqlite3_column_text(st, 4), "deadline",
			(json_int_t)sqlite3_column_int64(st, 5), "answer", sqlite3_column_text(st, 6),
			"answered_by", sqlite3_column_text(st, 7), "answered",
			sqlite3_column_int64(st, 8) >= 0))) {
			rc = et_fail(ET_ENOMEM);
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int ev_explanations(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		      char **json)
{
	struct clar_q q = { who, tender, NULL };
	int rc;

	*json = NULL;
	if (!l || !tender || !ev_id_ok(tender))
		return et_fail(ET_EINVAL);
	if (!(rc = audit_ledger_query(l, clar_query_fn, &q))) {
		json_t *o = json_pack("{s:O}", "explanations", q.out);
		if (!o || !(*json = ev_dump(o)))
			rc = et_fail(ET_ENOMEM);
		json_decref(o);
	}
	json_decref(q.out);
	return rc;
}
