/* evaluation/award.c — the result per lot: candidate
 * publicity (cn.reg.54), objections and answers, the award with notices to
 * every bidder (the command that fixes the tender's result reveals the
 * evaluation's confidential leaves, 招标投标法 Art. 37), the contract at the
 * winning price (cn.law.46) and the release of the tender's bid deposits
 * (cn.reg.57). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/ev_int.h"

/* ---- shared checks ------------------------------------------------------------- */

static int agent_cmd(sqlite3 *db, const char *actor, const char *tender, struct tender_info *t,
		     struct tender_diag *d)
{
	struct tender_principal p;
	int rc;

	if ((rc = ev_actor(db, actor, TENDER_ROLE_AGENT, &p, d)))
		return rc;
	return ev_agent_tender(db, &p, tender, t, d);
}

struct result_row {
	char candidates[8192];
	int64_t from_us, until_us, award_idx, price, contract_idx;
	char winner_bid[TENDER_ID_LEN], winner_org[TENDER_ID_LEN];
};

static int result_load(sqlite3 *db, const char *tender, const char *lot, struct result_row *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = audit_sql_prepare(db, &st, "SELECT candidates, from_us, until_us, award_idx, price,"
				    " contract_idx, winner_bid, winner_org FROM ev_result WHERE"
				    " tender = ?1 AND lot = ?2", "tt", tender, lot)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ET_ENOTFOUND;
	}
	audit_sql_col_text(st, 0, r->candidates, sizeof r->candidates);
	r->from_us = sqlite3_column_int64(st, 1);
	r->until_us = sqlite3_column_int64(st, 2);
	r->award_idx = sqlite3_column_int64(st, 3);
	r->price = sqlite3_column_int64(st, 4);
	r->contract_idx = sqlite3_column_int64(st, 5);
	audit_sql_col_text(st, 6, r->winner_bid, sizeof r->winner_bid);
	audit_sql_col_text(st, 7, r->winner_org, sizeof r->winner_org);
	sqlite3_finalize(st);
	return ET_OK;
}

static int no_result(struct tender_diag *d, const char *lot)
{
	return tender_diag_set(d, ET_ESTATE, "et.result.none", "该标段尚未公示中标候选人",
			       "the lot's candidates were not published", "%s", lot);
}

struct res_cmd {
	const char *actor, *tender, *lot, *text, *objection;
	bool upheld;
	int64_t price, signed_us;
	char *id_out;
	struct tender_diag *d;
};

/* ---- candidates ----------------------------------------------------------------- */

static int publish_fn(struct audit_tx *tx, void *ctx)
{
	struct res_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_info t;
	struct ev_rules rules;
	struct result_row rr;
	sqlite3_stmt *st = NULL;
	char *payload = NULL, report[TENDER_ID_LEN] = "";
	json_t *rep = NULL, *lots, *cand = NULL, *pl = NULL;
	json_error_t je;
	bool final = false;
	int64_t now = audit_tx_time(tx);
	int rc;

	if ((rc = agent_cmd(db, c->actor, c->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st, "SELECT payload, final, report FROM ev_report WHERE tender = ?1",
				    "t", c->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		payload = strndup((const char *)sqlite3_column_blob(st, 0),
				  (size_t)sqlite3_column_bytes(st, 0));
		final = sqlite3_column_int64(st, 1) != 0;
		audit_sql_col_text(st, 2, report, sizeof report);
	}
	sqlite3_finalize(st);
	if (!final) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.report.final", "评标报告尚未由全体成员签署",
				     "the report is not signed by every member", "%s", c->tender);
		goto out;
	}
	if (!payload || !(rep = json_loads(payload, 0, &je))) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if ((rc = result_load(db, c->tender, c->lot, &rr)) != ET_ENOTFOUND) {
		rc = rc ? rc : tender_diag_set(c->d, ET_EEXIST, "et.result.exists", "该标段已公示",
					       "the lot's candidates are already published", "%s", c->lot);
		goto out;
	}
	rc = ET_OK;
	lots = json_object_get(rep, "lots");
	for (size_t i = 0; i < json_array_size(lots); i++) {
		json_t *lo = json_array_get(lots, i);
		if (!strcmp(json_string_value(json_object_get(lo, "lot")) ?: "", c->lot) &&
		    !json_is_true(json_object_get(lo, "rejected")))
			cand = json_object_get(lo, "candidates");
	}
	if (!json_array_size(cand)) {
		rc = tender_diag_set(c->d, ET_ENOTFOUND, "et.result.lot", "报告中该标段没有中标候选人",
				     "the report names no candidate for the lot", "%s", c->lot);
		goto out;
	}
	pl = json_pack("{s:s,s:s,s:s,s:O,s:I,s:I,s:s}", "tender", c->tender, "lot", c->lot, "report",
		       report, "candidates", cand, "from", (json_int_t)now, "until",
		       (json_int_t)(now + rules.publicity_us), "rule", "cn.reg.54");
	rc = ev_emit(tx, "candidates.published", c->actor, c->tender, pl, false, NULL);
out:
	free(payload);
	json_decref(rep);
	json_decref(pl);
	return rc;
}

int ev_candidates_publish(struct audit_ledger *l, const char *actor, const char *tender,
			  const char *lot, struct tender_diag *d)
{
	struct res_cmd c = { actor, tender, lot, NULL, NULL, false, 0, 0, NULL, d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot))
		return tender_diag_set(d, ET_EINVAL, "et.result.lot", "须指明标段", "a lot is needed", "%s",
				       "");
	return ev_submit(l, publish_fn, &c, d);
}

/* ---- objections ---------------------------------------------------------------------- */

static int lodge_fn(struct audit_tx *tx, void *ctx)
{
	struct res_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct result_row rr;
	char *rec = NULL, id[TENDER_ID_LEN];
	json_t *o = NULL, *bids, *pl = NULL;
	json_error_t je;
	bool in_record = false;
	int64_t now = audit_tx_time(tx);
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_BIDDER, &p, c->d)))
		return rc;
	if (!ev_id_ok(c->tender) || (rc = result_load(db, c->tender, c->lot, &rr)))
		return rc == ET_ENOTFOUND || !rc ? no_result(c->d, c->lot) : rc;
	if ((rc = bid_db_opening_record(db, c->tender, &rec)))
		return rc;
	if ((o = json_loads(rec, 0, &je))) {
		bids = json_object_get(o, "bids");
		for (size_t i = 0; i < json_array_size(bids); i++)
			in_record |= !strcmp(json_string_value(json_object_get(json_array_get(bids, i), "org"))
					     ?: "", p.org);
	}
	free(rec);
	json_decref(o);
	if (!in_record)
		return tender_diag_set(c->d, ET_EDENIED, "et.record.bidder", "只有本项目投标人可以提出异议",
				       "only a bidder of the tender may object", "%s", p.org);
	if (now < rr.from_us || now >= rr.until_us)
		return tender_diag_set(c->d, ET_ESTATE, "cn.reg.54", "异议须在公示期内提出",
				       "objections are lodged during publicity", "%s", c->lot);
	if ((rc = ev_new_id("obj-", id)))
		return rc;
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "lot", c->lot, "id", id, "org",
		       p.org, "user", c->actor, "text", c->text);
	rc = ev_emit(tx, "objection.lodged", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	if (!rc && c->id_out)
		memcpy(c->id_out, id, TENDER_ID_LEN);
	return rc;
}

int ev_objection_lodge(struct audit_ledger *l, const char *actor, const char *tender,
		       const char *lot, const char *text, char id_out[TENDER_ID_LEN],
		       struct tender_diag *d)
{
	struct res_cmd c = { actor, tender, lot, text, NULL, false, 0, 0, id_out, d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot) || !tender || !ev_text_ok(text, ET_TENDER_TEXT_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.objection.text", "须指明标段，异议 1–4096 字节",
				       "a lot and an objection of 1..4096 bytes are needed", "%s", "");
	return ev_submit(l, lodge_fn, &c, d);
}

static int answer_fn(struct audit_tx *tx, void *ctx)
{
	struct res_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_info t;
	sqlite3_stmt *st = NULL;
	char lot[ET_TENDER_ID_MAX + 1] = "";
	int64_t answered = -1;
	json_t *pl;
	int rc;

	if ((rc = agent_cmd(db, c->actor, c->tender, &t, c->d)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st, "SELECT lot, answered_idx FROM ev_objection WHERE id = ?1 AND"
				    " tender = ?2", "tt", c->objection, c->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		audit_sql_col_text(st, 0, lot, sizeof lot);
		answered = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!lot[0])
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.objection.unknown", "异议不存在",
				       "no such objection", "%s", c->objection);
	if (answered >= 0)
		return tender_diag_set(c->d, ET_EEXIST, "et.objection.answered", "异议已答复",
				       "the objection was already answered", "%s", c->objection);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:b}", "tender", c->tender, "lot", lot, "objection",
		       c->objection, "text", c->text, "upheld", c->upheld);
	rc = ev_emit(tx, "objection.answered", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int ev_objection_answer(struct audit_ledger *l, const char *actor, const char *tender,
			const char *objection, const char *text, bool upheld, struct tender_diag *d)
{
	struct res_cmd c = { actor, tender, NULL, text, objection, upheld, 0, 0, NULL, d };

	if (d)
		tender_diag_clear(d);
	if (!objection || !ev_id_ok(objection) || !ev_text_ok(text, ET_TENDER_TEXT_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.objection.text", "须指明异议并答复 1–4096 字节",
				       "an objection and an answer of 1..4096 bytes are needed", "%s", "");
	return ev_submit(l, answer_fn, &c, d);
}

/* ---- award, contract, deposits ----------------------------------------------------------- */

/* What statistics count of an awarded lot (stats/stats.h, the award hook):
 * {code "TENDER/LOT", type, title, control (the lot's control price),
 * registered (firms registered for the tender), bidders (the lot's opened
 * bids), opened (time of the opening), agent (the agent's org id)}. A firm
 * that bid was registered, so registered is at least bidders. */
static int project_of(sqlite3 *db, const struct tender_info *t, const char *lot, json_t **out)
{
	struct tender_record *rec = NULL;
	const struct tender_lot *tl;
	struct ev_lot_bid *bids = NULL;
	sqlite3_stmt *st = NULL;
	size_t nb = 0;
	int64_t registered = 0, opened = 0;
	char code[2 * TENDER_ID_LEN + 2];
	int rc;

	*out = NULL;
	if ((rc = tender_db_record(db, t->id, &rec)))
		return rc == ET_ENOTFOUND ? et_fail(ET_EDB) : rc;
	if (!(tl = tender_record_lot_by_id(rec, lot))) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if ((rc = ev_opened_bids(db, t->id, lot, &bids, &nb)))
		goto out;
	if ((rc = audit_sql_prepare(db, &st, "SELECT (SELECT count(*) FROM td_registration WHERE"
				    " tender = ?1), (SELECT time_us FROM bd_opening WHERE tender = ?1)",
				    "t", t->id)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		registered = sqlite3_column_int64(st, 0);
		opened = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (registered < (int64_t)nb)
		registered = (int64_t)nb;
	snprintf(code, sizeof code, "%s/%s", t->id, lot);
	if (!(*out = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s}", "code", code, "type", t->type,
			       "title", t->title, "control", (json_int_t)tl->control_price_fen,
			       "registered", (json_int_t)registered, "bidders", (json_int_t)nb,
			       "opened", (json_int_t)opened, "agent", t->agent_org)))
		rc = et_fail(ET_ENOMEM);
out:
	free(bids);
	tender_record_free(rec);
	return rc;
}

static int award_fn(struct audit_tx *tx, void *ctx)
{
	struct res_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_info t;
	struct result_row rr;
	sqlite3_stmt *st = NULL;
	char *rec = NULL;
	json_t *cand = NULL, *first, *o = NULL, *notices = NULL, *pl = NULL, *bids, *project = NULL;
	json_error_t je;
	const char *bid, *org;
	int64_t price, open = 0, upheld = 0;
	bool fixed;
	int rc;

	if ((rc = agent_cmd(db, c->actor, c->tender, &t, c->d)))
		return rc;
	if ((rc = result_load(db, c->tender, c->lot, &rr)))
		return rc == ET_ENOTFOUND ? no_result(c->d, c->lot) : rc;
	if (rr.award_idx >= 0)
		return tender_diag_set(c->d, ET_EEXIST, "et.award.exists", "该标段已定标",
				       "the lot was already awarded", "%s", c->lot);
	if (audit_tx_time(tx) < rr.until_us)
		return tender_diag_set(c->d, ET_ESTATE, "cn.reg.54", "公示期未满", "publicity is not over",
				       "%s", c->lot);
	if ((rc = audit_sql_prepare(db, &st, "SELECT sum(answered_idx < 0), sum(upheld) FROM ev_objection"
				    " WHERE tender = ?1 AND lot = ?2", "tt", c->tender, c->lot)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		open = sqlite3_column_int64(st, 0);
		upheld = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (open)
		return tender_diag_set(c->d, ET_ESTATE, "et.award.objection", "尚有异议未答复",
				       "an objection awaits its answer", "%lld open", (long long)open);
	if (upheld)
		return tender_diag_set(c->d, ET_ESTATE, "et.award.upheld", "异议成立，不得定标",
				       "an objection was upheld: no award", "%s", c->lot);
	if (!(cand = json_loads(rr.candidates, 0, &je)) || !(first = json_array_get(cand, 0)) ||
	    tender_json_str(first, "bid", &bid) || tender_json_str(first, "org", &org) ||
	    tender_json_int(first, "price", &price)) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	/* notices: to the winner and to every other bidder of the lot in the record */
	if ((rc = bid_db_opening_record(db, c->tender, &rec)))
		goto out;
	if (!(o = json_loads(rec, 0, &je)) || !(notices = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	bids = json_object_get(o, "bids");
	for (size_t i = 0; i < json_array_size(bids); i++) {
		json_t *b = json_array_get(bids, i), *offers = json_object_get(b, "offers");
		const char *bb = json_string_value(json_object_get(b, "bid"));
		const char *bo = json_string_value(json_object_get(b, "org"));
		bool in_lot = false;
		for (size_t j = 0; j < json_array_size(offers); j++)
			in_lot |= !strcmp(json_string_value(json_object_get(json_array_get(offers, j), "lot"))
					  ?: "", c->lot);
		if (!bb || !bo || (!in_lot && json_array_size(offers)))
			continue;
		if (json_array_append_new(notices, json_pack("{s:s,s:s,s:s}", "bid", bb, "org", bo, "result",
							     strcmp(bb, bid) ? "not_awarded" : "awarded"))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if ((rc = ev_all_lots_decided(db, c->tender, c->lot, &fixed)) ||
	    (rc = project_of(db, &t, c->lot, &project)))
		goto out;
	pl = json_pack("{s:s,s:s,s:s,s:s,s:I,s:i,s:O,s:b,s:s,s:O}", "tender", c->tender, "lot", c->lot,
		       "bid", bid, "org", org, "price", (json_int_t)price, "rank", 1, "notices", notices,
		       "fixed", fixed, "rule", "cn.reg.55", "project", project);
	if ((rc = ev_emit(tx, "award.made", c->actor, c->tender, pl, false, NULL)))
		goto out;
	if (fixed)   /* the result is fixed: draw, panel, sheets and report are revealed */
		rc = audit_tx_reveal(tx, c->tender, c->actor, false, NULL);
out:
	free(rec);
	json_decref(o);
	json_decref(cand);
	json_decref(notices);
	json_decref(project);
	json_decref(pl);
	return rc;
}

int ev_award(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
	     struct tender_diag *d)
{
	struct res_cmd c = { actor, tender, lot, NULL, NULL, false, 0, 0, NULL, d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot))
		return tender_diag_set(d, ET_EINVAL, "et.result.lot", "须指明标段", "a lot is needed", "%s",
				       "");
	return ev_submit(l, award_fn, &c, d);
}

static int contract_fn(struct audit_tx *tx, void *ctx)
{
	struct res_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_info t;
	struct result_row rr;
	json_t *pl;
	int rc;

	if ((rc = agent_cmd(db, c->actor, c->tender, &t, c->d)))
		return rc;
	if ((rc = result_load(db, c->tender, c->lot, &rr)))
		return rc == ET_ENOTFOUND ? no_result(c->d, c->lot) : rc;
	if (rr.award_idx < 0)
		return tender_diag_set(c->d, ET_ESTATE, "et.contract.award", "尚未定标", "not awarded yet",
				       "%s", c->lot);
	if (rr.contract_idx >= 0)
		return tender_diag_set(c->d, ET_EEXIST, "et.contract.exists", "合同已登记",
				       "the contract is already recorded", "%s", c->lot);
	if (c->price != rr.price)
		return tender_diag_set(c->d, ET_EINVAL, "cn.law.46", "合同价须与中标价一致",
				       "the contract price must be the winning price", "%lld fen, won at %lld",
				       (long long)c->price, (long long)rr.price);
	if (c->signed_us > audit_tx_time(tx))
		return tender_diag_set(c->d, ET_EINVAL, "et.contract.time", "签订时间不能晚于现在",
				       "the signing time cannot be in the future", "%s", "");
	pl = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "tender", c->tender, "lot", c->lot, "bid",
		       rr.winner_bid, "org", rr.winner_org, "price", (json_int_t)c->price, "signed",
		       (json_int_t)c->signed_us);
	rc = ev_emit(tx, "contract.recorded", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int ev_contract_record(struct audit_ledger *l, const char *actor, const char *tender,
		       const char *lot, int64_t price_fen, int64_t signed_us, struct tender_diag *d)
{
	struct res_cmd c = { actor, tender, lot, NULL, NULL, false, price_fen, signed_us, NULL, d };

	if (d)
		tender_diag_clear(d);
	if (!lot || !ev_id_ok(lot) || price_fen <= 0 || signed_us <= 0)
		return tender_diag_set(d, ET_EINVAL, "et.contract.field", "须指明标段、合同价和签订时间",
				       "a lot, a price and a signing time are needed", "%s", "");
	return ev_submit(l, contract_fn, &c, d);
}

static int release_fn(struct audit_tx *tx, void *ctx)
{
	struct res_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	char (*lots)[ET_TENDER_ID_MAX + 1] = NULL;
	struct bid_deposit_info *dv = NULL;
	sqlite3_stmt *st = NULL;
	size_t nl = 0, nd = 0;
	json_t *a = NULL, *pl = NULL;
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_ADMIN, &p, c->d)))
		return rc;
	if (!ev_id_ok(c->tender) || (rc = tender_db_tender(db, c->tender, &t, c->d)))
		return rc ? rc : et_fail(ET_EINVAL);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_release WHERE tender = ?1", "t", c->tender)))
		return rc;
	rc = sqlite3_step(st) == SQLITE_ROW ? ET_EEXIST : ET_OK;
	sqlite3_finalize(st);
	if (rc)
		return tender_diag_set(c->d, ET_EEXIST, "et.deposit.released", "保证金已退还",
				       "the deposits were already released", "%s", c->tender);
	if ((rc = ev_lots(db, c->tender, &lots, &nl)))
		return rc == ET_ESTATE ? tender_diag_set(c->d, ET_ESTATE, "et.deposit.contracts",
							 "尚未开标", "not opened yet", "%s", c->tender) : rc;
	for (size_t i = 0; i < nl; i++) {
		bool done;
		if ((rc = audit_sql_prepare(db, &st, "SELECT (SELECT count(*) FROM ev_rejected WHERE tender = ?1"
					    " AND lot = ?2) + (SELECT count(*) FROM ev_result WHERE tender = ?1"
					    " AND lot = ?2 AND contract_idx >= 0)", "tt", c->tender, lots[i])))
			goto out;
		done = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
		sqlite3_finalize(st);
		st = NULL;
		if (!done) {
			rc = tender_diag_set(c->d, ET_ESTATE, "cn.reg.57", "合同签订后方可退还保证金",
					     "deposits are released after the contract", "lot %s", lots[i]);
			goto out;
		}
	}
	if ((rc = bid_db_tender_deposits(db, c->tender, &dv, &nd)))
		goto out;
	if (!(a = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nd; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:I}", "id", dv[i].id, "org", dv[i].org,
						       "amount", (json_int_t)dv[i].amount_fen))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	pl = json_pack("{s:s,s:O,s:s}", "tender", c->tender, "deposits", a, "rule", "cn.reg.57");
	rc = ev_emit(tx, "deposit.released", c->actor, c->tender, pl, false, NULL);
out:
	free(lots);
	free(dv);
	json_decref(a);
	json_decref(pl);
	return rc;
}

int ev_deposit_release(struct audit_ledger *l, const char *actor, const char *tender,
		       struct tender_diag *d)
{
	struct res_cmd c = { actor, tender, NULL, NULL, NULL, false, 0, 0, NULL, d };

	if (d)
		tender_diag_clear(d);
	if (!tender)
		return et_fail(ET_EINVAL);
	return ev_submit(l, release_fn, &c, d);
}
