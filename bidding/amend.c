/* bidding/amend.c — amendments after a bid (DESIGN.md §4 "Bid package": a
 * manifest names the tender version it answers, the log index of the latest
 * amendment its bidder saw).
 *
 * A clarification or a document published after the tender is an amendment
 * (tender_db_version). A live bid is *current* when it answers the latest
 * version: min(manifest version, the bid's own leaf index) ≥ the amendment's
 * index — a bidder cannot have seen what was published after its bid, so a
 * manifest claiming a later version counts as its own leaf — or when its
 * bidder re-confirmed it after the amendment (bid.reconfirmed, confidential,
 * recording the version the server saw then). The bidder of a bid that is
 * not current is told (bid_notices); the rules profile's et.amend.bid says
 * what happens at the close: stands (counts anyway), reconfirm (counts only
 * if current, re-confirmation allowed), reseal (counts only if sealed after
 * the amendment: replace it). */
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding_int.h"

int bd_bid_current(sqlite3 *db, const char *bid, uint64_t amend_idx, bool allow_reconfirm,
		   bool *current)
{
	sqlite3_stmt *st = NULL;
	int rc, s;

	*current = true;
	if (!amend_idx)
		return ET_OK;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT min(b.version, b.idx), coalesce(r.version, 0) FROM bd_bid b"
			     " LEFT JOIN bd_reconfirm r ON r.bid = b.bid WHERE b.bid = ?1", "t", bid)))
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		uint64_t seen = (uint64_t)sqlite3_column_int64(st, 0);
		uint64_t conf = (uint64_t)sqlite3_column_int64(st, 1);
		*current = seen >= amend_idx || (allow_reconfirm && conf >= amend_idx);
	} else {
		rc = s == SQLITE_DONE ? ET_ENOTFOUND : et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- re-confirmation --------------------------------------------------------- */

struct reconfirm_cmd {
	const char *actor, *tender, *bid;
	uint64_t *version;
	struct tender_diag *d;
};

static int reconfirm_command(struct audit_tx *tx, void *ctx)
{
	struct reconfirm_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	const struct tender_profile *prof = NULL;
	struct tender_principal p;
	struct tender_info t;
	sqlite3_stmt *st = NULL;
	uint64_t version, amend;
	bool live, current;
	json_t *pl;
	int rc;

	if ((rc = bd_load_bidder(db, c->actor, c->tender, &p, &t, "re-confirm a bid", INT64_MIN, c->d)))
		return rc;
	if (audit_tx_time(tx) >= t.schedule.bid_deadline_us)
		return bd_deny_stage(c->d, "cn.e.27", "投标截止后不得确认", "no re-confirmation after the deadline",
				     c->tender);
	if ((rc = tender_rules_lookup(t.profile, t.profile_version, &prof)))
		return et_fail(ET_EDB);
	if (tender_rules_amend_policy(prof) != TENDER_AMEND_RECONFIRM)
		return tender_diag_set(c->d, ET_ESTATE, "et.amend.bid", "本项目规则不接受重新确认",
				       "the tender's rules do not take a re-confirmation",
				       "policy %s", tender_amend_policy_name(tender_rules_amend_policy(prof)));
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_bid WHERE bid = ?1 AND tender = ?2 AND"
			     " org = ?3 AND status = 'live'", "ttt", c->bid, c->tender, p.org)))
		return rc;
	live = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!live)
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.bid.live", "无此有效投标",
				       "no such live bid of the firm", "%s", c->bid);
	if ((rc = tender_db_version(db, c->tender, &version, &amend)))
		return rc == ET_ENOTFOUND || rc == ET_ESTATE ? et_fail(ET_EDB) : rc;
	if ((rc = bd_bid_current(db, c->bid, amend, true, &current)))
		return rc;
	if (current)
		return tender_diag_set(c->d, ET_ESTATE, "et.amend.none", "投标已响应最新的招标文件，无需确认",
				       "the bid already answers the latest version of the tender",
				       "version %llu", (unsigned long long)version);
	pl = json_pack("{s:s, s:s, s:s, s:s, s:I}", "tender", c->tender, "bid", c->bid, "org", p.org,
		       "user", p.user, "version", (json_int_t)version);
	rc = bd_emit(tx, "bid.reconfirmed", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (!rc && c->version)
		*c->version = version;
	return rc;
}

int bid_reconfirm(struct audit_ledger *l, const char *actor, const char *tender, const char *bid,
		  uint64_t *version, struct tender_diag *d)
{
	struct reconfirm_cmd c = { actor, tender, bid, version, d };

	tender_diag_clear(d);
	if (!actor || !bd_id_ok(tender) || !bd_id_ok(bid))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	return bd_submit(l, reconfirm_command, &c, NULL, d);
}

int bd_apply_reconfirmed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *bid;
	int64_t version;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "bid", &bid)) == ET_OK && (rc = tender_json_int(o, "version", &version)) == ET_OK)
		rc = audit_sql_exec(db, "INSERT OR REPLACE INTO bd_reconfirm VALUES (?1, ?2, ?3)", "tii", bid,
				    version, (int64_t)index);
	json_decref(o);
	return rc;
}

/* ---- notices ------------------------------------------------------------------ */

struct notice_q {
	const struct tender_principal *who;
	json_t *out;
};

static int notices_fn(sqlite3 *db, void *ctx)
{
	struct notice_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc = ET_OK, s;

	if (!q->who || !(q->who->roles & TENDER_ROLE_BIDDER) || q->who->org_kind != TENDER_ORG_BIDDER)
		return ET_EDENIED;
	/* the firm's live bids of tenders not yet closed */
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT b.bid, b.tender, min(b.version, b.idx) FROM bd_bid b WHERE b.org = ?1"
			     " AND b.status = 'live' AND NOT EXISTS (SELECT 1 FROM bd_close c"
			     " WHERE c.tender = b.tender) ORDER BY b.idx", "t", q->who->org)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const struct tender_profile *prof = NULL;
		char bid[TENDER_ID_LEN], tender[TENDER_ID_LEN];
		enum tender_amend_policy pol;
		struct tender_info t;
		struct tender_diag d;
		uint64_t version, amend;
		bool current;

		audit_sql_col_text(st, 0, bid, sizeof bid);
		audit_sql_col_text(st, 1, tender, sizeof tender);
		if ((rc = tender_db_version(db, tender, &version, &amend)) ||
		    (rc = bd_bid_current(db, bid, amend, false, &current)))
			goto out;
		if (current)
			continue;
		if ((rc = tender_db_tender(db, tender, &t, &d)) ||
		    (rc = tender_rules_lookup(t.profile, t.profile_version, &prof))) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		pol = tender_rules_amend_policy(prof);
		if (pol == TENDER_AMEND_RECONFIRM && (rc = bd_bid_current(db, bid, amend, true, &current)))
			goto out;
		if (json_array_append_new(q->out, json_pack(
				"{s:s, s:s, s:I, s:I, s:s, s:b, s:I, s:s, s:s}", "tender", tender, "bid", bid,
				"answers", (json_int_t)sqlite3_column_int64(st, 2), "amendment",
				(json_int_t)amend, "policy", tender_amend_policy_name(pol),
				"reconfirmed", pol == TENDER_AMEND_RECONFIRM && current,
				"deadline_us", (json_int_t)t.schedule.bid_deadline_us,
				"message_zh", pol == TENDER_AMEND_STANDS ?
					"招标文件已澄清或修改，请查阅；投标仍然有效" :
				pol == TENDER_AMEND_RECONFIRM ?
					"招标文件已澄清或修改：请在投标截止前查阅并重新确认投标（etender bid reconfirm），否则投标不计入" :
					"招标文件已澄清或修改：请在投标截止前按修改后的文件重新加密递交投标，否则投标不计入",
				"message_en", pol == TENDER_AMEND_STANDS ?
					"the tender was clarified or amended after your bid; read it — the bid stands" :
				pol == TENDER_AMEND_RECONFIRM ?
					"the tender was clarified or amended after your bid: read it and re-confirm the bid before the deadline (etender bid reconfirm), or it will not count" :
					"the tender was amended after your bid: seal and submit a new bid before the deadline, or it will not count"))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

int bid_notices(struct audit_ledger *l, const struct tender_principal *who, struct json_t **out)
{
	struct notice_q q = { who, json_array() };
	int rc;

	*out = NULL;
	if (!q.out)
		return et_fail(ET_ENOMEM);
	if ((rc = audit_ledger_query(l, notices_fn, &q))) {
		json_decref(q.out);
		return rc;
	}
	*out = q.out;
	return ET_OK;
}
