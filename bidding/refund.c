/* bidding/refund.c — the return of a per-tender bid deposit after its
 * firm's withdrawal (招标投标法实施条例 第三十五条, rule cn.reg.35): the
 * administrator records deposit.returned; the rules profile gives the time
 * limit, and a query lists the deposits due.
 *
 * Invariants: only a per-tender deposit, of a firm that withdrew its bid and
 * has no other bid in the tender, once; the event is confidential until the
 * tender's close (before it, a return would tell who had bid) and public
 * after; a returned deposit is not the tender's to release at the award
 * (bid_db_tender_deposits leaves it out). */
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding_int.h"

/* The firm's last withdrawal in the tender and whether it has a bid that is
 * not withdrawn or replaced. */
static int withdrawal_of(sqlite3 *db, const char *tender, const char *org, int64_t *when,
			 bool *other)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*when = 0;
	*other = false;
	if ((rc = audit_sql_prepare(db, &st, "SELECT max(time_us) FROM bd_withdrawal WHERE tender = ?1"
			     " AND org = ?2", "tt", tender, org)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*when = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_bid WHERE tender = ?1 AND org = ?2 AND"
			     " status NOT IN ('withdrawn', 'replaced')", "tt", tender, org)))
		return rc;
	*other = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

static int limit_of(sqlite3 *db, const char *tender, int64_t *limit, struct tender_diag *d)
{
	const struct tender_profile *prof = NULL;
	struct tender_info t;
	int rc;

	if ((rc = tender_db_tender(db, tender, &t, d)))
		return rc;
	if (tender_rules_lookup(t.profile, t.profile_version, &prof))
		return et_fail(ET_EDB);
	*limit = tender_rules_deposit_return(prof);
	return ET_OK;
}

struct return_cmd {
	const char *actor, *id;
	struct bid_deposit_returned *r;
	struct tender_diag *d;
};

static int return_command(struct audit_tx *tx, void *ctx)
{
	struct return_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct bd_state s;
	sqlite3_stmt *st = NULL;
	char tender[TENDER_ID_LEN] = "", org[TENDER_ID_LEN] = "";
	int64_t amount = 0, withdrawn = 0, limit = 0, now = audit_tx_time(tx);
	bool found = false, other = false, done = false;
	json_t *pl = NULL;
	int rc;

	if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
		return rc;
	if (!(p.roles & TENDER_ROLE_ADMIN))
		return tender_diag_set(c->d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				       "the actor's roles do not allow this", "return a deposit");
	if ((rc = audit_sql_prepare(db, &st, "SELECT tender, org, amount FROM bd_deposit WHERE id = ?1",
			     "t", c->id)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = true;
		audit_sql_col_text(st, 0, tender, sizeof tender);
		audit_sql_col_text(st, 1, org, sizeof org);
		amount = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (!found)
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.deposit.id", "无此保证金",
				       "no such deposit", "%s", c->id);
	if (!*tender)
		return tender_diag_set(c->d, ET_ESTATE, "et.deposit.annual",
				       "年度保证金不因撤回某一项目的投标而退还",
				       "an annual deposit is not returned by a withdrawal", "%s", c->id);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_deposit_return WHERE id = ?1", "t", c->id)))
		return rc;
	done = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (done)
		return tender_diag_set(c->d, ET_EEXIST, "et.deposit.returned", "保证金已退还",
				       "the deposit was returned already", "%s", c->id);
	if ((rc = withdrawal_of(db, tender, org, &withdrawn, &other)))
		return rc;
	if (!withdrawn || other)
		return tender_diag_set(c->d, ET_ESTATE, "et.deposit.withdrawal",
				       "该投标人未撤回其投标（或另有投标），保证金不在此时退还",
				       "the firm has not withdrawn its bid (or has another): nothing to return now",
				       "%s %s", tender, org);
	if ((rc = limit_of(db, tender, &limit, c->d)) || (rc = bd_state_load(db, tender, &s)))
		return rc;
	pl = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:s}", "id", c->id, "tender", tender,
		       "org", org, "amount", (json_int_t)amount, "withdrawn", (json_int_t)withdrawn,
		       "due", (json_int_t)(withdrawn + limit), "late", now > withdrawn + limit,
		       "rule", "cn.reg.35");
	rc = bd_emit(tx, "deposit.returned", c->actor, tender, pl, !s.closed, &c->r->index);
	if (!rc) {
		memcpy(c->r->tender, tender, sizeof tender);
		memcpy(c->r->org, org, sizeof org);
		c->r->withdrawn_us = withdrawn;
		c->r->due_us = withdrawn + limit;
		c->r->late = now > withdrawn + limit;
	}
	json_decref(pl);
	return rc;
}

int bid_deposit_return(struct audit_ledger *l, const char *actor, const char *id,
		       struct bid_deposit_returned *r, struct tender_diag *d)
{
	struct bid_deposit_returned tmp;
	struct return_cmd c = { actor, id, r ? r : &tmp, d };

	tender_diag_clear(d);
	memset(c.r, 0, sizeof *c.r);
	if (!l || !actor || !bd_id_ok(id))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	return bd_submit(l, return_command, &c, NULL, d);
}

int bd_apply_deposit_returned(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *id, *tender, *org;
	int64_t withdrawn, due;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "id", &id)) || (rc = tender_json_str(o, "tender", &tender)) ||
	    (rc = tender_json_str(o, "org", &org)) || (rc = tender_json_int(o, "withdrawn", &withdrawn)) ||
	    (rc = tender_json_int(o, "due", &due)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO bd_deposit_return VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			    "tttiiiii", id, tender, org, withdrawn, due,
			    (int64_t)json_is_true(json_object_get(o, "late")), (int64_t)index, ev->time_us);
out:
	json_decref(o);
	return rc;
}

/* ---- deposits due ------------------------------------------------------------ */

struct due_q {
	const char *tender;
	int64_t now;
	json_t *out;
};

static int due_fn(sqlite3 *db, void *ctx)
{
	struct due_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = audit_sql_prepare(db, &st,
			"SELECT d.id, d.tender, d.org, d.amount, max(w.time_us) FROM bd_deposit d"
			" JOIN bd_withdrawal w ON w.tender = d.tender AND w.org = d.org"
			" WHERE d.tender != '' AND (?1 = '' OR d.tender = ?1)"
			" AND d.id NOT IN (SELECT id FROM bd_deposit_return)"
			" AND NOT EXISTS (SELECT 1 FROM bd_bid b WHERE b.tender = d.tender AND"
			" b.org = d.org AND b.status NOT IN ('withdrawn', 'replaced'))"
			" GROUP BY d.id ORDER BY max(w.time_us), d.id", "t", q->tender ? q->tender : "")))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char id[TENDER_ID_LEN], tender[TENDER_ID_LEN], org[TENDER_ID_LEN];
		int64_t limit = 0, withdrawn = sqlite3_column_int64(st, 4);
		audit_sql_col_text(st, 0, id, sizeof id);
		audit_sql_col_text(st, 1, tender, sizeof tender);
		audit_sql_col_text(st, 2, org, sizeof org);
		if ((rc = limit_of(db, tender, &limit, NULL)))
			break;
		if (json_array_append_new(q->out, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "id",
				id, "tender", tender, "org", org, "amount",
				(json_int_t)sqlite3_column_int64(st, 3), "withdrawn_us",
				(json_int_t)withdrawn, "due_us", (json_int_t)(withdrawn + limit),
				"overdue", q->now > withdrawn + limit))) {
			rc = et_fail(ET_ENOMEM);
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_finalize(st);
	return rc;
}

int bid_deposits_due(struct audit_ledger *l, const struct tender_principal *who,
		     const char *tender, json_t **out)
{
	struct due_q q;
	int rc;

	*out = NULL;
	if (!l || !who)
		return et_fail(ET_EINVAL);
	if (!(who->roles & (TENDER_ROLE_ADMIN | TENDER_ROLE_SUPERVISOR)))
		return ET_EDENIED;
	q.tender = tender;
	q.now = et_clock_now_us();
	if (!(q.out = json_array()))
		return et_fail(ET_ENOMEM);
	if ((rc = audit_ledger_query(l, due_fn, &q))) {
		json_decref(q.out);
		return rc;
	}
	*out = q.out;
	return ET_OK;
}
