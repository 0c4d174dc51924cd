/* evaluation/query.c — read-only queries of the evaluation domain, each in
 * one read snapshot, answering canonical JSON. G4 (招标投标法 Art. 37):
 * until the result is fixed, the request, the values, the seed, the panel
 * and its work are shown only to administrators, supervisors, the draw's
 * duty chief and the members (a member sees its own sheets, and all of
 * them once every sheet is in); everyone sees the public commitments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/ev_int.h"

struct q {
	const struct tender_principal *who;
	const char *tender;
	json_t *out;
};

static int run(struct audit_ledger *l, int (*fn)(sqlite3 *, void *), struct q *q, char **json)
{
	int rc;

	*json = NULL;
	if (!l)
		return et_fail(ET_EINVAL);
	if (q->tender && !ev_id_ok(q->tender))
		return ET_ENOTFOUND;
	rc = audit_ledger_query(l, fn, q);
	if (!rc && !(*json = ev_dump(q->out)))
		rc = et_fail(ET_ENOMEM);
	json_decref(q->out);
	return rc;
}

/* A JSON array of rows of stmt: columns as named (text or integer). */
static int rows_json(sqlite3_stmt *st, const char *const *names, json_t **out)
{
	json_t *a = json_array();
	int s;

	if (!a)
		return et_fail(ET_ENOMEM);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int i = 0; o && names[i]; i++) {
			json_t *v;
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER) {
				v = json_integer(sqlite3_column_int64(st, i));
			} else {
				json_error_t je;
				const char *t = (const char *)sqlite3_column_text(st, i);
				/* stored JSON (arrays, objects) is returned as JSON */
				v = t && (*t == '[' || *t == '{') ? json_loads(t, 0, &je) : NULL;
				if (!v)
					v = json_string(t ? t : "");
			}
			if (json_object_set_new(o, names[i], v)) {
				json_decref(o);
				o = NULL;
			}
		}
		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return et_fail(ET_ENOMEM);
		}
	}
	if (s != SQLITE_DONE) {
		json_decref(a);
		return et_fail(ET_EDB);
	}
	*out = a;
	return ET_OK;
}

static int select_json(sqlite3 *db, const char *sql, const char *tender, const char *arg,
		       const char *const *names, json_t **out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, sql, arg ? "tt" : tender ? "t" : "", tender, arg)))
		return rc;
	rc = rows_json(st, names, out);
	sqlite3_finalize(st);
	return rc;
}

static bool staff(const struct tender_principal *who)
{
	return who && (who->roles & (TENDER_ROLE_ADMIN | TENDER_ROLE_SUPERVISOR));
}

/* ---- the pool -------------------------------------------------------------- */

static int experts_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const e[] = { "id", "user", "org", "specialties", "employer", "region",
					 "title", "years", "status", NULL };
	static const char *const r[] = { "expert", "org", "kind", "index", NULL };
	static const char *const p[] = { "expert", "basis", "from", "until", NULL };
	json_t *a = NULL, *b = NULL, *c = NULL;
	int rc;

	if ((rc = select_json(db, "SELECT id, user, org, specialties, employer, region, title, years,"
			      " status FROM ev_expert ORDER BY id", NULL, NULL, e, &a)) ||
	    (rc = select_json(db, "SELECT expert, org, kind, idx FROM ev_relation ORDER BY idx", NULL,
			      NULL, r, &b)) ||
	    (rc = select_json(db, "SELECT expert, basis, from_us, until_us FROM ev_penalty ORDER BY idx",
			      NULL, NULL, p, &c))) {
		json_decref(a);
		json_decref(b);
		return rc;
	}
	q->out = json_pack("{s:o,s:o,s:o}", "experts", a, "relations", b, "penalties", c);
	return q->out ? ET_OK : et_fail(ET_ENOMEM);
}

int ev_experts(struct audit_ledger *l, const struct tender_principal *who, char **json)
{
	struct q q = { who, NULL, NULL };

	*json = NULL;
	if (!staff(who))
		return ET_EDENIED;
	return run(l, experts_fn, &q, json);
}

static int seats_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const n[] = { "tender", "draw", "member", "kind", "specialty", "state",
					 "rank", "draw_state", "deadline", "fixed", NULL };
	json_t *a = NULL;
	int rc;

	if ((rc = select_json(db, "SELECT m.tender, d.draw, m.member, m.kind, m.specialty, m.state,"
			      " m.rank, d.state, d.deadline_us, d.fixed FROM ev_member m JOIN ev_draw d"
			      " ON d.tender = m.tender WHERE m.user = ?1 ORDER BY m.tender, m.member",
			      q->who->user, NULL, n, &a)))
		return rc;
	q->out = json_pack("{s:o}", "seats", a);
	return q->out ? ET_OK : et_fail(ET_ENOMEM);
}

int ev_my_seats(struct audit_ledger *l, const struct tender_principal *who, char **json)
{
	struct q q = { who, NULL, NULL };

	*json = NULL;
	if (!who || !(who->roles & TENDER_ROLE_EXPERT))
		return ET_EDENIED;
	return run(l, seats_fn, &q, json);
}

/* ---- the draw and the panel ---------------------------------------------------- */

/* May who see the tender's sealed evaluation now? *member set if who holds
 * a seat (any state). */
static int insider(sqlite3 *db, const struct q *q, const struct ev_draw_row *dr, bool *ok,
		   bool *member)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*member = false;
	if (q->who) {
		if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_member WHERE tender = ?1 AND user = ?2"
					    " AND state IN ('member', 'out')", "tt", q->tender,
					    q->who->user)))
			return rc;
		*member = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	*ok = dr->fixed || staff(q->who) || *member ||
	      (q->who && !strcmp(q->who->user, dr->duty_chief));
	return ET_OK;
}

static int draw_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const mn[] = { "member", "user", "kind", "specialty", "state", "rank",
					  "reason", "rule", NULL };
	struct ev_draw_row dr;
	sqlite3_stmt *st = NULL;
	json_t *o, *members = NULL, *req = NULL, *panel = NULL;
	json_error_t je;
	bool ok, member;
	int rc;

	if ((rc = ev_draw_load(db, q->tender, &dr)) || (rc = insider(db, q, &dr, &ok, &member)))
		return rc;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "tender", q->tender, "draw", dr.draw, "state",
		      dr.state, "commitment_supervisor", dr.commit_s, "commitment_platform", dr.commit_p,
		      "fixed", dr.fixed);
	if (!o)
		return et_fail(ET_ENOMEM);
	/* the values sealed to the duty chief: public in draw.committed already */
	if ((rc = audit_sql_prepare(db, &st, "SELECT sealed_s, sealed_p FROM ev_draw WHERE tender = ?1",
				    "t", q->tender)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (json_object_set_new(o, "sealed_supervisor",
				 json_string((const char *)sqlite3_column_text(st, 0))) ||
	     json_object_set_new(o, "sealed_platform",
				 json_string((const char *)sqlite3_column_text(st, 1))))) {
		sqlite3_finalize(st);
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (ok) {
		/* a revealed value stays hidden until the panel is drawn: nobody,
		 * not even a supervisor who has yet to reveal, sees the other's first */
		bool drawn = !strcmp(dr.state, "drawn");
		if ((rc = audit_sql_prepare(db, &st, "SELECT request, panel FROM ev_draw WHERE tender = ?1",
					    "t", q->tender)))
			goto out;
		if (sqlite3_step(st) == SQLITE_ROW) {
			req = json_loads((const char *)sqlite3_column_text(st, 0), 0, &je);
			if (sqlite3_column_bytes(st, 1))
				panel = json_loads((const char *)sqlite3_column_text(st, 1), 0, &je);
		}
		sqlite3_finalize(st);
		if ((rc = select_json(db, "SELECT member, user, kind, specialty, state, rank, reason, rule"
				      " FROM ev_member WHERE tender = ?1 ORDER BY kind, specialty, state,"
				      " rank", q->tender, NULL, mn, &members)))
			goto out;
		if (json_object_set_new(o, "request", req ? req : json_null()) ||
		    json_object_set_new(o, "panel", panel ? panel : json_null()) ||
		    json_object_set_new(o, "seats", members) ||
		    json_object_set_new(o, "value_supervisor", json_string(drawn ? dr.value_s : "")) ||
		    json_object_set_new(o, "value_platform", json_string(drawn ? dr.value_p : "")) ||
		    json_object_set_new(o, "chair", json_string(dr.chair)) ||
		    json_object_set_new(o, "deadline", json_integer(dr.deadline_us)) ||
		    json_object_set_new(o, "duty_chief", json_string(dr.duty_chief))) {
			rc = et_fail(ET_ENOMEM);
			req = panel = members = NULL;
			goto out;
		}
		req = panel = members = NULL;
	}
	q->out = o;
	o = NULL;
out:
	json_decref(o);
	json_decref(req);
	json_decref(panel);
	json_decref(members);
	return rc;
}

int ev_draw_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		char **json)
{
	struct q q = { who, tender, NULL };

	return run(l, draw_fn, &q, json);
}

static int sheets_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const sn[] = { "lot", "bid", "member", "total", "criteria", "sig", "index",
					  NULL };
	struct ev_draw_row dr;
	struct ev_member_row m;
	bool ok, member, complete = false;
	json_t *a = NULL;
	int rc;

	if ((rc = ev_draw_load(db, q->tender, &dr)) || (rc = insider(db, q, &dr, &ok, &member)))
		return rc;
	if (!ok)
		return ET_EDENIED;
	if (strcmp(dr.state, "drawn"))
		return ET_ESTATE;
	if ((rc = ev_sheets_complete(db, q->tender, &complete, NULL)) && rc != ET_ESTATE)
		return rc;
	if (dr.fixed || complete) {
		rc = select_json(db, "SELECT lot, bid, member, total, criteria, sig, idx FROM ev_sheet WHERE"
				 " tender = ?1 ORDER BY lot, bid, member", q->tender, NULL, sn, &a);
	} else if (member && !ev_member_of(db, q->tender, q->who->user, &m, NULL)) {
		rc = select_json(db, "SELECT lot, bid, member, total, criteria, sig, idx FROM ev_sheet WHERE"
				 " tender = ?1 AND member = ?2 ORDER BY lot, bid", q->tender, m.member, sn,
				 &a);
	} else {
		a = json_array();      /* staff see no sheet before all are in */
		rc = a ? ET_OK : et_fail(ET_ENOMEM);
	}
	if (rc)
		return rc;
	q->out = json_pack("{s:s,s:b,s:o}", "tender", q->tender, "complete", complete || dr.fixed,
			   "sheets", a);
	return q->out ? ET_OK : et_fail(ET_ENOMEM);
}

int ev_sheets(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
	      char **json)
{
	struct q q = { who, tender, NULL };

	return run(l, sheets_fn, &q, json);
}

static int report_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const gn[] = { "member", "sig", "index", NULL };
	static const char *const dn[] = { "member", "text", "index", NULL };
	struct ev_draw_row dr;
	sqlite3_stmt *st = NULL;
	json_t *rep = NULL, *sigs = NULL, *dis = NULL;
	json_error_t je;
	bool ok, member, final = false;
	int rc;

	if ((rc = ev_draw_load(db, q->tender, &dr)) || (rc = insider(db, q, &dr, &ok, &member)))
		return rc;
	if (!ok)
		return ET_EDENIED;
	if ((rc = audit_sql_prepare(db, &st, "SELECT payload, final FROM ev_report WHERE tender = ?1", "t",
				    q->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		rep = json_loads((const char *)sqlite3_column_text(st, 0), 0, &je);
		final = sqlite3_column_int64(st, 1) != 0;
	}
	sqlite3_finalize(st);
	if (!rep)
		return ET_ESTATE;
	if ((rc = select_json(db, "SELECT member, sig, idx FROM ev_report_sig WHERE tender = ?1 ORDER BY"
			      " idx", q->tender, NULL, gn, &sigs)) ||
	    (rc = select_json(db, "SELECT member, text, idx FROM ev_dissent WHERE tender = ?1 ORDER BY idx",
			      q->tender, NULL, dn, &dis))) {
		json_decref(rep);
		json_decref(sigs);
		return rc;
	}
	q->out = json_pack("{s:o,s:o,s:o,s:b}", "report", rep, "signatures", sigs, "dissents", dis,
			   "final", final);
	return q->out ? ET_OK : et_fail(ET_ENOMEM);
}

int ev_report_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		  char **json)
{
	struct q q = { who, tender, NULL };

	return run(l, report_fn, &q, json);
}

/* The compliance review: the findings, adjustments and rejections, and each
 * opened bid's standing with its abnormally-low flag (insiders, as the
 * report). */
static int review_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const fn_[] = { "member", "lot", "bid", "pass", "criterion", "reason", "index",
					   NULL };
	static const char *const an[] = { "member", "lot", "bid", "amount", "reason", "index", NULL };
	static const char *const rn[] = { "lot", "bid", "explanation", "reason", "rule", "index", NULL };
	struct ev_draw_row dr;
	struct tender_info t;
	struct tender_diag d;
	struct ev_rules rules;
	struct tender_record *rec = NULL;
	char (*lots)[ET_TENDER_ID_MAX + 1] = NULL;
	size_t nl = 0;
	json_t *f = NULL, *a = NULL, *r = NULL, *ba = NULL;
	bool ok, member;
	int rc;

	if ((rc = ev_draw_load(db, q->tender, &dr)) || (rc = insider(db, q, &dr, &ok, &member)))
		return rc;
	if (!ok)
		return ET_EDENIED;
	if ((rc = tender_db_tender(db, q->tender, &t, &d)) || (rc = ev_rules_for(&t, &rules)) ||
	    (rc = tender_db_record(db, q->tender, &rec)))
		return rc;
	if ((rc = select_json(db, "SELECT member, lot, bid, pass, criterion, reason, idx FROM ev_review"
			      " WHERE tender = ?1 ORDER BY idx", q->tender, NULL, fn_, &f)) ||
	    (rc = select_json(db, "SELECT member, lot, bid, amount, reason, idx FROM ev_adjust WHERE"
			      " tender = ?1 ORDER BY idx", q->tender, NULL, an, &a)) ||
	    (rc = select_json(db, "SELECT lot, bid, explanation, reason, rule, idx FROM ev_disq WHERE"
			      " tender = ?1 ORDER BY idx", q->tender, NULL, rn, &r)))
		goto out;
	if (!(ba = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((rc = ev_lots(db, q->tender, &lots, &nl)) == ET_ESTATE)
		rc = ET_OK;   /* not opened yet: no bids */
	for (size_t i = 0; !rc && i < nl; i++) {
		json_t *in = NULL, *bids;
		if ((rc = ev_lot_inputs(db, q->tender, rec, &rules, lots[i], NULL, 0, NULL, 0, NULL, 0, &in)))
			break;
		bids = json_object_get(in, "bids");
		for (size_t j = 0; !rc && j < json_array_size(bids); j++) {
			json_t *b = json_array_get(bids, j);
			const char *bid = json_string_value(json_object_get(b, "bid"));
			bool low = false;
			if ((rc = ev_lot_low_flag(in, bid, &low)) == ET_EINVAL)
				rc = ET_OK;   /* a lot that cannot be ranked yet: no flag */
			if (!rc && json_array_append_new(ba, json_pack(
				"{s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:b}", "lot", lots[i], "bid", bid, "org",
				json_object_get(b, "org"), "price", json_object_get(b, "price"), "valid",
				json_object_get(b, "valid"), "reason", json_object_get(b, "reason"),
				"adjust", json_object_get(b, "adjust"), "abnormally_low", low)))
				rc = et_fail(ET_ENOMEM);
		}
		json_decref(in);
	}
	if (rc)
		goto out;
	q->out = json_pack("{s:o,s:o,s:o,s:o}", "findings", f, "adjustments", a, "rejections", r, "bids",
			   ba);
	f = a = r = ba = NULL;
	if (!q->out)
		rc = et_fail(ET_ENOMEM);
out:
	json_decref(f);
	json_decref(a);
	json_decref(r);
	json_decref(ba);
	free(lots);
	tender_record_free(rec);
	return rc;
}

int ev_review_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		  char **json)
{
	struct q q = { who, tender, NULL };

	return run(l, review_fn, &q, json);
}

static int result_fn(sqlite3 *db, void *ctx)
{
	struct q *q = ctx;
	static const char *const rn[] = { "lot", "candidates", "from", "until", "winner_bid",
					  "winner_org", "price", "contract_price", "contract_signed",
					  NULL };
	static const char *const on[] = { "id", "lot", "org", "text", "answer", "upheld",
					  "answered_index", NULL };
	static const char *const xn[] = { "lot", "valid", "reason", "rule", NULL };
	static const char *const dn[] = { "deposits", "index", NULL };
	json_t *r = NULL, *o = NULL, *x = NULL, *d = NULL;
	struct ev_draw_row dr;
	int rc;

	if ((rc = select_json(db, "SELECT lot, candidates, from_us, until_us, winner_bid, winner_org,"
			      " price, contract_price, contract_signed FROM ev_result WHERE tender = ?1"
			      " ORDER BY lot", q->tender, NULL, rn, &r)) ||
	    (rc = select_json(db, "SELECT id, lot, org, text, answer, upheld, answered_idx FROM"
			      " ev_objection WHERE tender = ?1 ORDER BY idx", q->tender, NULL, on, &o)) ||
	    (rc = select_json(db, "SELECT deposits, idx FROM ev_release WHERE tender = ?1", q->tender,
			      NULL, dn, &d)))
		goto fail;
	/* rejections are public once the result is fixed */
	if (ev_draw_load(db, q->tender, &dr) == ET_OK && dr.fixed) {
		if ((rc = select_json(db, "SELECT lot, valid, reason, rule FROM ev_rejected WHERE tender = ?1"
				      " ORDER BY lot", q->tender, NULL, xn, &x)))
			goto fail;
	} else if (!(x = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto fail;
	}
	q->out = json_pack("{s:s,s:o,s:o,s:o,s:o}", "tender", q->tender, "lots", r, "objections", o,
			   "rejected", x, "released", d);
	return q->out ? ET_OK : et_fail(ET_ENOMEM);
fail:
	json_decref(r);
	json_decref(o);
	json_decref(x);
	json_decref(d);
	return rc;
}

int ev_result_get(struct audit_ledger *l, const char *tender, char **json)
{
	struct q q = { NULL, tender, NULL };

	return run(l, result_fn, &q, json);
}

/* ---- panel membership (for the web layer: decrypted attachments) ---------- */

struct member_q {
	const char *tender, *user;
	bool member;
};

static int member_fn(sqlite3 *db, void *ctx)
{
	struct member_q *q = ctx;
	struct ev_member_row m;
	struct tender_diag d;
	int rc = ev_member_of(db, q->tender, q->user, &m, &d);

	q->member = rc == ET_OK;
	return rc == ET_EDENIED ? ET_OK : rc;
}

int ev_is_panel_member(struct audit_ledger *l, const char *tender, const char *user, bool *member)
{
	struct member_q q = { tender, user, false };
	int rc;

	*member = false;
	if (!l || !tender || !user)
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, member_fn, &q)))
		return rc;
	*member = q.member;
	return ET_OK;
}
