/* evaluation/domain.c — the evaluation ledger module: projection tables ev_*,
 * one apply function per event kind (version 1), and the helpers the
 * module's files share. Apply functions read only the event, its index and
 * ev_* tables; panel.drawn recomputes the eligibility and the selection
 * from them and refuses a payload that differs, so a replay recomputes the
 * draw (G5).
 *
 * Draw states (ev_draw.state; every arrow is an event):
 *
 *   draw.requested --> requested --draw.committed (supervisor, then platform)--> committed
 *     --draw.revealed x 2 + panel.drawn--> drawn --panel.replaced*--> drawn
 *
 * Seats (ev_member.state): reserve --panel.replaced--> member --panel.replaced--> out;
 *   representatives: member --panel.rep_changed--> out (a new rep row: member).
 * Result per lot (ev_result): candidates.published --> publicity
 *   --objection.lodged/answered*, award.made--> awarded --contract.recorded--> contract.
 * The result is fixed (ev_draw.fixed) when the last lot is awarded or all are
 * rejected; the command that fixes it reveals the tender's confidential leaves.
 *
 * Invariants: one draw per tender; a user holds at most one seat; one sheet
 * per (member, lot, bid); one vote, one extension request and one report
 * signature per member; the report is final when every member signed. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "evaluation/ev_int.h"

/* ---- helpers ------------------------------------------------------------ */

char *ev_dump(const json_t *o)
{
	return o ? json_dumps(o, EV_JSON_FLAGS) : NULL;
}

int ev_emit(struct audit_tx *tx, const char *kind, const char *actor, const char *tender,
	    json_t *pl, bool confidential, uint64_t *index)
{
	char *buf;
	int rc;

	if (!pl || !(buf = ev_dump(pl)))
		return et_fail(ET_ENOMEM);
	struct audit_event ev = { kind, 1, 0, actor ? actor : "", tender ? tender : "",
				  (const unsigned char *)buf, strlen(buf), confidential };
	rc = audit_tx_emit(tx, &ev, index);
	free(buf);
	return rc;
}

int ev_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx, struct tender_diag *d)
{
	int rc;

	if (!l)
		return et_fail(ET_EINVAL);
	if (d)
		tender_diag_clear(d);
	rc = audit_ledger_submit(l, fn, ctx, NULL);
	if (d) {
		if (rc && d->rc != rc)
			(void)tender_diag_set(d, rc, d->rule[0] ? d->rule : NULL, "操作失败",
					      "the command failed", "%s", et_strerror(rc));
		else if (!rc)
			d->rc = ET_OK;
	}
	return rc;
}

int ev_new_id(const char *prefix, char out[TENDER_ID_LEN])
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[10];
	size_t pl = strlen(prefix);
	int rc;

	if (pl + 17 > TENDER_ID_LEN)
		return et_fail(ET_EINVAL);
	if ((rc = crypto_random(r, sizeof r)))
		return rc;
	memcpy(out, prefix, pl);
	for (size_t i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 5, v = 0;
		for (unsigned b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((r[bit / 8] >> (7 - bit % 8)) & 1u);
		out[pl + i] = alpha[v];
	}
	out[pl + 16] = 0;
	return ET_OK;
}

bool ev_id_ok(const char *s)
{
	size_t n;

	if (!s || !(n = strlen(s)) || n >= TENDER_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

bool ev_text_ok(const char *s, size_t max)
{
	size_t n;
	json_t *j;

	if (!s || !(n = strlen(s)) || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
			return false;
	j = json_stringn(s, n);         /* NULL unless valid UTF-8 */
	json_decref(j);
	return j != NULL;
}

int ev_actor(sqlite3 *db, const char *actor, unsigned roles, struct tender_principal *p,
	     struct tender_diag *d)
{
	int rc;

	if (!actor || !ev_id_ok(actor))
		return tender_diag_set(d, ET_EDENIED, "et.auth.unknown", "未知用户", "unknown user",
				       "%s", actor ? actor : "");
	if ((rc = tender_db_actor(db, actor, p, d)))
		return rc;
	if (!(p->roles & roles))
		return tender_diag_set(d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				       "the actor's roles do not allow this", "%s", actor);
	return ET_OK;
}

int ev_agent_tender(sqlite3 *db, const struct tender_principal *p, const char *tender,
		    struct tender_info *t, struct tender_diag *d)
{
	int rc;

	if (!tender || !ev_id_ok(tender))
		return tender_diag_set(d, ET_ENOTFOUND, NULL, "项目不存在", "no such tender", "%s",
				       tender ? tender : "");
	if ((rc = tender_db_tender(db, tender, t, d)))
		return rc;
	if (strcmp(p->org, t->agent_org) && strcmp(p->org, t->tenderer_org))
		return tender_diag_set(d, ET_EDENIED, "et.auth.org", "非本项目的招标人或代理机构",
				       "not the tender's agent or tenderer", "%s", tender);
	return ET_OK;
}

int ev_rules_for(const struct tender_info *t, struct ev_rules *r)
{
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = tender_rules_lookup(t->profile, t->profile_version, &r->profile)))
		return rc;
	r->day_us = tender_rules_day_us(r->profile);
	r->publicity_us = tender_rules_publicity(r->profile);
	r->extension_us = tender_rules_eval_extension(r->profile);
	r->min_valid = tender_rules_reject_all_below(r->profile);
	r->expert_trim_min = tender_rules_expert_trim_min(r->profile);
	r->price_trim_min = tender_rules_price_trim_min(r->profile);
	tender_rules_abnormally_low(r->profile, &r->low_num, &r->low_den);
	tender_rules_review_fail(r->profile, &r->review_num, &r->review_den);
	return ET_OK;
}

int ev_draw_load(sqlite3 *db, const char *tender, struct ev_draw_row *r)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = audit_sql_prepare(db, &st, "SELECT draw, duty_chief, supervisor, commit_s, commit_p,"
				    " value_s, value_p, chair, state, deadline_us, commit_idx, members,"
				    " extended, fixed FROM ev_draw WHERE tender = ?1", "t", tender)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ET_ENOTFOUND;
	}
	audit_sql_col_text(st, 0, r->draw, sizeof r->draw);
	audit_sql_col_text(st, 1, r->duty_chief, sizeof r->duty_chief);
	audit_sql_col_text(st, 2, r->supervisor, sizeof r->supervisor);
	audit_sql_col_text(st, 3, r->commit_s, sizeof r->commit_s);
	audit_sql_col_text(st, 4, r->commit_p, sizeof r->commit_p);
	audit_sql_col_text(st, 5, r->value_s, sizeof r->value_s);
	audit_sql_col_text(st, 6, r->value_p, sizeof r->value_p);
	audit_sql_col_text(st, 7, r->chair, sizeof r->chair);
	audit_sql_col_text(st, 8, r->state, sizeof r->state);
	r->deadline_us = sqlite3_column_int64(st, 9);
	r->commit_idx = sqlite3_column_int64(st, 10);
	r->members = (unsigned)sqlite3_column_int64(st, 11);
	r->extended = sqlite3_column_int64(st, 12) != 0;
	r->fixed = sqlite3_column_int64(st, 13) != 0;
	sqlite3_finalize(st);
	return ET_OK;
}

static void member_row(sqlite3_stmt *st, struct ev_member_row *m)
{
	memset(m, 0, sizeof *m);
	audit_sql_col_text(st, 0, m->member, sizeof m->member);
	audit_sql_col_text(st, 1, m->user, sizeof m->user);
	audit_sql_col_text(st, 2, m->kind, sizeof m->kind);
	audit_sql_col_text(st, 3, m->specialty, sizeof m->specialty);
	audit_sql_col_text(st, 4, m->state, sizeof m->state);
	m->rank = (unsigned)sqlite3_column_int64(st, 5);
}

int ev_member_of(sqlite3 *db, const char *tender, const char *user, struct ev_member_row *m,
		 struct tender_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT member, user, kind, specialty, state, rank FROM"
				    " ev_member WHERE tender = ?1 AND user = ?2 AND state = 'member'",
				    "tt", tender, user)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		member_row(st, m);
	else
		rc = tender_diag_set(d, ET_EDENIED, "et.panel.member", "不是本项目评标委员会成员",
				     "not a member of the tender's panel", "%s", user);
	sqlite3_finalize(st);
	return rc;
}

int ev_members(sqlite3 *db, const char *tender, const char *state, struct ev_member_row **out,
	       size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct ev_member_row *v = NULL;
	size_t cap = 0;
	int rc, s;

	*out = NULL;
	*n = 0;
	if ((rc = audit_sql_prepare(db, &st, "SELECT member, user, kind, specialty, state, rank FROM"
				    " ev_member WHERE tender = ?1 AND (?2 IS NULL OR state = ?2)"
				    " ORDER BY kind, specialty, rank, member", state ? "tt" : "tn",
				    tender, state)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *p = realloc(v, nc * sizeof *v);
			if (!p) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			v = p;
			cap = nc;
		}
		member_row(st, &v[(*n)++]);
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

static int opening_json(sqlite3 *db, const char *tender, json_t **rec)
{
	char *s = NULL;
	json_error_t je;
	int rc;

	*rec = NULL;
	if ((rc = bid_db_opening_record(db, tender, &s)))
		return rc;
	*rec = json_loads(s, 0, &je);
	free(s);
	return *rec ? ET_OK : et_fail(ET_EDB);
}

int ev_opened_bids(sqlite3 *db, const char *tender, const char *lot, struct ev_lot_bid **out,
		   size_t *n)
{
	json_t *rec = NULL, *bids;
	struct ev_lot_bid *v = NULL;
	size_t nb;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = opening_json(db, tender, &rec)))
		return rc;
	bids = json_object_get(rec, "bids");
	nb = json_array_size(bids);
	if (!(v = calloc(nb ? nb : 1, sizeof *v))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		json_t *b = json_array_get(bids, i), *offers = json_object_get(b, "offers");
		const char *bid, *org, *status, *xh = json_string_value(json_object_get(b, "xml_sha256"));
		if ((rc = tender_json_str(b, "bid", &bid)) || (rc = tender_json_str(b, "org", &org)) ||
		    (rc = tender_json_str(b, "status", &status)))
			goto out;
		if (strcmp(status, "opened"))
			continue;
		for (size_t j = 0; j < json_array_size(offers); j++) {
			json_t *f = json_array_get(offers, j);
			const char *l;
			int64_t price;
			if ((rc = tender_json_str(f, "lot", &l)) || (rc = tender_json_int(f, "price", &price)))
				goto out;
			if (strcmp(l, lot))
				continue;
			snprintf(v[*n].bid, sizeof v[*n].bid, "%s", bid);
			snprintf(v[*n].org, sizeof v[*n].org, "%s", org);
			v[*n].price_fen = price;
			v[*n].order = (int64_t)i;
			snprintf(v[*n].xml_sha256, sizeof v[*n].xml_sha256, "%s", xh ? xh : "");
			(*n)++;
		}
	}
out:
	json_decref(rec);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return ET_OK;
}

static int cmp_lot(const void *a, const void *b)
{
	return strcmp(a, b);
}

int ev_lots(sqlite3 *db, const char *tender, char (**out)[ET_TENDER_ID_MAX + 1], size_t *n)
{
	json_t *rec = NULL, *bids;
	char (*v)[ET_TENDER_ID_MAX + 1] = NULL;
	size_t cap = 0, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = opening_json(db, tender, &rec)))
		return rc;
	bids = json_object_get(rec, "bids");
	for (size_t i = 0; i < json_array_size(bids); i++) {
		json_t *offers = json_object_get(json_array_get(bids, i), "offers");
		for (size_t j = 0; j < json_array_size(offers); j++) {
			const char *l;
			if ((rc = tender_json_str(json_array_get(offers, j), "lot", &l)))
				goto out;
			if (k == cap) {
				size_t nc = cap ? cap * 2 : 8;
				void *p = realloc(v, nc * sizeof *v);
				if (!p) {
					rc = et_fail(ET_ENOMEM);
					goto out;
				}
				v = p;
				cap = nc;
			}
			snprintf(v[k++], sizeof v[0], "%s", l);
		}
	}
	if (k)
		qsort(v, k, sizeof v[0], cmp_lot);
	{
		size_t w = 0;
		for (size_t i = 0; i < k; i++)
			if (!w || strcmp(v[w - 1], v[i]))
				memmove(v[w++], v[i], sizeof v[0]);
		k = w;
	}
out:
	json_decref(rec);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return ET_OK;
}

int ev_sheets_complete(sqlite3 *db, const char *tender, bool *complete, size_t *missing)
{
	char (*lots)[ET_TENDER_ID_MAX + 1] = NULL;
	struct ev_member_row *m = NULL;
	struct ev_lot_bid *b = NULL;
	size_t nl = 0, nm = 0, nb = 0, miss = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	struct tender_info t;
	struct ev_rules rules;
	struct tender_diag d;

	*complete = false;
	if ((rc = tender_db_tender(db, tender, &t, &d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	if ((rc = ev_lots(db, tender, &lots, &nl)) || (rc = ev_members(db, tender, "member", &m, &nm)))
		goto out;
	for (size_t i = 0; i < nl; i++) {
		bool rejected;
		if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_rejected WHERE tender = ?1 AND lot = ?2",
					    "tt", tender, lots[i])))
			goto out;
		rejected = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		st = NULL;
		if (rejected)
			continue;
		free(b);
		b = NULL;
		if ((rc = ev_opened_bids(db, tender, lots[i], &b, &nb)))
			goto out;
		for (size_t j = 0; j < nb; j++) {
			struct ev_review_state rs;
			/* a bid that failed the review needs no sheets */
			if ((rc = ev_bid_review(db, tender, b[j].bid, &rules, &rs)))
				goto out;
			if (!rs.valid)
				continue;
			for (size_t k = 0; k < nm; k++) {
				if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_sheet WHERE tender = ?1 AND"
							    " lot = ?2 AND bid = ?3 AND member = ?4", "tttt",
							    tender, lots[i], b[j].bid, m[k].member)))
					goto out;
				if (sqlite3_step(st) != SQLITE_ROW)
					miss++;
				sqlite3_finalize(st);
				st = NULL;
			}
		}
	}
	*complete = nm > 0 && miss == 0;
	if (missing)
		*missing = miss;
out:
	sqlite3_finalize(st);
	free(lots);
	free(m);
	free(b);
	return rc;
}

/* ---- eligibility (the command and replay run the same code) ---------------- */

static bool in_array(json_t *a, const char *s)
{
	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)) &&
		    !strcmp(json_string_value(json_array_get(a, i)), s))
			return true;
	return false;
}

/* The reason an org makes an expert avoid, or NULL. */
static const char *party_role(json_t *parties, const char *org)
{
	const char *t = json_string_value(json_object_get(parties, "tenderer"));
	const char *a = json_string_value(json_object_get(parties, "agent"));

	if (!org || !*org)
		return NULL;
	if (t && !strcmp(t, org))
		return "tenderer";
	if (a && !strcmp(a, org))
		return "agent";
	if (in_array(json_object_get(parties, "bidders"), org))
		return "bidder";
	return NULL;
}

int ev_eligibility(sqlite3 *db, json_t *quotas, json_t *parties, int64_t now_us,
		   json_t **candidates, json_t **avoided)
{
	sqlite3_stmt *st = NULL, *q = NULL;
	json_t *cands = json_array(), *avoid = json_array(), *wanted = json_array();
	int rc, s;

	*candidates = *avoided = NULL;
	if (!cands || !avoid || !wanted) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(quotas); i++) {
		json_t *sp = json_object_get(json_array_get(quotas, i), "specialty");
		if (!json_is_string(sp) || json_array_append(wanted, sp)) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT id, org, org_kind, employer, employer_kind, status,"
				    " specialties FROM ev_expert ORDER BY id", "")))
		goto out;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		char id[TENDER_ID_LEN], org[TENDER_ID_LEN], okind[16], emp[TENDER_ID_LEN], ekind[16];
		char status[16], specs[512], reason[96];
		const char *rule = NULL, *role;
		json_t *sl = json_array();
		bool relevant = false;

		audit_sql_col_text(st, 0, id, sizeof id);
		audit_sql_col_text(st, 1, org, sizeof org);
		audit_sql_col_text(st, 2, okind, sizeof okind);
		audit_sql_col_text(st, 3, emp, sizeof emp);
		audit_sql_col_text(st, 4, ekind, sizeof ekind);
		audit_sql_col_text(st, 5, status, sizeof status);
		audit_sql_col_text(st, 6, specs, sizeof specs);
		if (!sl) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		for (char *save = NULL, *tok = strtok_r(specs, ";", &save); tok;
		     tok = strtok_r(NULL, ";", &save)) {
			if (json_array_append_new(sl, json_string(tok))) {
				json_decref(sl);
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			if (in_array(wanted, tok))
				relevant = true;
		}
		if (!relevant) {
			json_decref(sl);
			continue;
		}
		reason[0] = 0;
		if (strcmp(status, "active")) {
			rule = "et.expert.status";
			snprintf(reason, sizeof reason, "status:%s", status);
		}
		if (!rule) {
			if ((rc = audit_sql_prepare(db, &q, "SELECT 1 FROM ev_penalty WHERE expert = ?1 AND"
						    " from_us <= ?2 AND ?2 < until_us", "ti", id, now_us))) {
				json_decref(sl);
				goto out;
			}
			if (sqlite3_step(q) == SQLITE_ROW) {
				rule = "cn.panel.12";
				snprintf(reason, sizeof reason, "penalty");
			}
			sqlite3_finalize(q);
			q = NULL;
		}
		if (!rule && (role = party_role(parties, emp))) {
			rule = "cn.panel.12";
			snprintf(reason, sizeof reason, "employer:%s", role);
		}
		if (!rule && (role = party_role(parties, org))) {
			rule = "cn.panel.12";
			snprintf(reason, sizeof reason, "staff:%s", role);
		}
		if (!rule && (!strcmp(ekind, "supervisor") || !strcmp(okind, "supervisor"))) {
			rule = "cn.panel.12";
			snprintf(reason, sizeof reason, "employer:supervisor");
		}
		if (!rule) {
			if ((rc = audit_sql_prepare(db, &q, "SELECT org, kind FROM ev_relation WHERE expert = ?1"
						    " ORDER BY idx", "t", id))) {
				json_decref(sl);
				goto out;
			}
			while (!rule && sqlite3_step(q) == SQLITE_ROW) {
				char rorg[TENDER_ID_LEN], rkind[32];
				audit_sql_col_text(q, 0, rorg, sizeof rorg);
				audit_sql_col_text(q, 1, rkind, sizeof rkind);
				if ((role = party_role(parties, rorg))) {
					rule = "cn.panel.12";
					snprintf(reason, sizeof reason, "relation:%s:%s", rkind, role);
				}
			}
			sqlite3_finalize(q);
			q = NULL;
		}
		if (rule) {
			json_decref(sl);
			if (json_array_append_new(avoid, json_pack("{s:s,s:s,s:s}", "expert", id, "rule",
								   rule, "reason", reason))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
		} else if (json_array_append_new(cands, json_pack("{s:s,s:o}", "expert", id,
								  "specialties", sl))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(q);
	json_decref(wanted);
	if (rc) {
		json_decref(cands);
		json_decref(avoid);
		return rc;
	}
	*candidates = cands;
	*avoided = avoid;
	return ET_OK;
}

int ev_select_json(const unsigned char seed[32], json_t *quotas, unsigned reserves,
		   json_t *candidates, json_t **members, json_t **reserves_out)
{
	size_t nq = json_array_size(quotas), nc = json_array_size(candidates), np = 0;
	struct ev_quota q[EV_MAX_QUOTAS];
	struct ev_candidate *c = NULL;
	const char **specs = NULL;
	struct ev_pick *picks = NULL;
	json_t *mem = json_array(), *res = json_array();
	size_t ns = 0, total = 0;
	int rc = ET_OK;

	*members = *reserves_out = NULL;
	if (!mem || !res || nq == 0 || nq > EV_MAX_QUOTAS) {
		rc = et_fail(mem && res ? ET_EINVAL : ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nq; i++) {
		json_t *o = json_array_get(quotas, i);
		int64_t cnt;
		if ((rc = tender_json_str(o, "specialty", &q[i].specialty)) || (rc = tender_json_int(o, "count", &cnt)))
			goto out;
		if (cnt < 1 || cnt > EV_MAX_MEMBERS) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		q[i].count = (unsigned)cnt;
	}
	for (size_t i = 0; i < nc; i++)
		total += json_array_size(json_object_get(json_array_get(candidates, i), "specialties"));
	if (!(c = calloc(nc ? nc : 1, sizeof *c)) || !(specs = calloc(total ? total : 1, sizeof *specs))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nc; i++) {
		json_t *o = json_array_get(candidates, i), *sl = json_object_get(o, "specialties");
		if ((rc = tender_json_str(o, "expert", &c[i].expert)))
			goto out;
		c[i].specialties = specs + ns;
		c[i].nspecialties = json_array_size(sl);
		for (size_t j = 0; j < c[i].nspecialties; j++) {
			if (!json_is_string(json_array_get(sl, j))) {
				rc = et_fail(ET_EINVAL);
				goto out;
			}
			specs[ns++] = json_string_value(json_array_get(sl, j));
		}
	}
	if ((rc = ev_draw_select(seed, q, nq, reserves, c, nc, &picks, &np)))
		goto out;
	for (size_t i = 0; i < np; i++) {
		json_t *p = json_pack("{s:s,s:s,s:i}", "expert", picks[i].expert, "specialty",
				      q[picks[i].quota].specialty, "rank", (json_int_t)picks[i].rank);
		if (json_array_append_new(picks[i].reserve ? res : mem, p)) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
out:
	free(c);
	free(specs);
	free(picks);
	if (rc) {
		json_decref(mem);
		json_decref(res);
		return rc;
	}
	*members = mem;
	*reserves_out = res;
	return ET_OK;
}

int ev_draw_seed(const char *value_s, const char *value_p, const char *root_hex, unsigned char seed[32])
{
	unsigned char buf[96];

	if (strlen(value_s) != 64 || strlen(value_p) != 64 || strlen(root_hex) != 64 ||
	    et_hex_decode(value_s, buf, 32) || et_hex_decode(value_p, buf + 32, 32) ||
	    et_hex_decode(root_hex, buf + 64, 32))
		return et_fail(ET_EINVAL);
	crypto_sha256(buf, sizeof buf, seed);
	crypto_wipe(buf, sizeof buf);
	return ET_OK;
}

/* ---- schema --------------------------------------------------------------- */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS ev_expert(id TEXT PRIMARY KEY, user TEXT NOT NULL UNIQUE,"
	" org TEXT NOT NULL, org_kind TEXT NOT NULL, specialties TEXT NOT NULL,"
	" employer TEXT NOT NULL, employer_kind TEXT NOT NULL, region TEXT NOT NULL,"
	" title TEXT NOT NULL, years INTEGER NOT NULL, status TEXT NOT NULL,"
	" details_sha256 TEXT NOT NULL, idx INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ev_relation(idx INTEGER PRIMARY KEY, expert TEXT NOT NULL,"
	" org TEXT NOT NULL, kind TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ev_penalty(idx INTEGER PRIMARY KEY, expert TEXT NOT NULL,"
	" basis TEXT NOT NULL, from_us INTEGER NOT NULL, until_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ev_draw(tender TEXT PRIMARY KEY, draw TEXT NOT NULL,"
	" idx INTEGER NOT NULL, request TEXT NOT NULL, members INTEGER NOT NULL,"
	" duty_chief TEXT NOT NULL, deadline_us INTEGER NOT NULL, state TEXT NOT NULL,"
	" supervisor TEXT NOT NULL DEFAULT '', commit_s TEXT NOT NULL DEFAULT '',"
	" sealed_s TEXT NOT NULL DEFAULT '', commit_p TEXT NOT NULL DEFAULT '',"
	" sealed_p TEXT NOT NULL DEFAULT '', commit_idx INTEGER NOT NULL DEFAULT -1,"
	" value_s TEXT NOT NULL DEFAULT '', by_s TEXT NOT NULL DEFAULT '',"
	" value_p TEXT NOT NULL DEFAULT '', by_p TEXT NOT NULL DEFAULT '',"
	" seed TEXT NOT NULL DEFAULT '', root TEXT NOT NULL DEFAULT '', panel TEXT NOT NULL DEFAULT '',"
	" chair TEXT NOT NULL DEFAULT '', extended INTEGER NOT NULL DEFAULT 0,"
	" fixed INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS ev_member(tender TEXT NOT NULL, member TEXT NOT NULL,"
	" user TEXT NOT NULL, kind TEXT NOT NULL, specialty TEXT NOT NULL, state TEXT NOT NULL,"
	" rank INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '', rule TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY(tender, member), UNIQUE(tender, user));"
	"CREATE TABLE IF NOT EXISTS ev_sheet(tender TEXT NOT NULL, lot TEXT NOT NULL,"
	" bid TEXT NOT NULL, member TEXT NOT NULL, total INTEGER NOT NULL, criteria TEXT NOT NULL,"
	" sig TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY(tender, lot, bid, member));"
	"CREATE TABLE IF NOT EXISTS ev_extension(tender TEXT NOT NULL, member TEXT NOT NULL,"
	" reason TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY(tender, member));"
	"CREATE TABLE IF NOT EXISTS ev_vote(tender TEXT NOT NULL, member TEXT NOT NULL,"
	" candidate TEXT NOT NULL, PRIMARY KEY(tender, member));"
	"CREATE TABLE IF NOT EXISTS ev_dissent(idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
	" member TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ev_rejected(tender TEXT NOT NULL, lot TEXT NOT NULL,"
	" valid INTEGER NOT NULL, reason TEXT NOT NULL, rule TEXT NOT NULL, idx INTEGER NOT NULL,"
	" PRIMARY KEY(tender, lot));"
	"CREATE TABLE IF NOT EXISTS ev_report(tender TEXT PRIMARY KEY, report TEXT NOT NULL,"
	" payload TEXT NOT NULL, sha256 TEXT NOT NULL, idx INTEGER NOT NULL,"
	" final INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS ev_report_sig(tender TEXT NOT NULL, member TEXT NOT NULL,"
	" sig TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY(tender, member));"
	"CREATE TABLE IF NOT EXISTS ev_result(tender TEXT NOT NULL, lot TEXT NOT NULL,"
	" candidates TEXT NOT NULL, from_us INTEGER NOT NULL, until_us INTEGER NOT NULL,"
	" idx INTEGER NOT NULL, winner_bid TEXT NOT NULL DEFAULT '', winner_org TEXT NOT NULL DEFAULT '',"
	" price INTEGER NOT NULL DEFAULT 0, award_idx INTEGER NOT NULL DEFAULT -1,"
	" contract_price INTEGER NOT NULL DEFAULT 0, contract_signed INTEGER NOT NULL DEFAULT 0,"
	" contract_idx INTEGER NOT NULL DEFAULT -1, PRIMARY KEY(tender, lot));"
	"CREATE TABLE IF NOT EXISTS ev_objection(id TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" lot TEXT NOT NULL, org TEXT NOT NULL, user TEXT NOT NULL, text TEXT NOT NULL,"
	" idx INTEGER NOT NULL, answer TEXT NOT NULL DEFAULT '', upheld INTEGER NOT NULL DEFAULT 0,"
	" answered_idx INTEGER NOT NULL DEFAULT -1);"
	"CREATE TABLE IF NOT EXISTS ev_review(tender TEXT NOT NULL, lot TEXT NOT NULL,"
	" bid TEXT NOT NULL, member TEXT NOT NULL, pass INTEGER NOT NULL, criterion TEXT NOT NULL,"
	" reason TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY(tender, bid, member));"
	"CREATE TABLE IF NOT EXISTS ev_adjust(idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
	" lot TEXT NOT NULL, bid TEXT NOT NULL, member TEXT NOT NULL, amount INTEGER NOT NULL,"
	" reason TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ev_explain(id TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" lot TEXT NOT NULL, bid TEXT NOT NULL, org TEXT NOT NULL, question TEXT NOT NULL,"
	" deadline_us INTEGER NOT NULL, idx INTEGER NOT NULL, answer TEXT NOT NULL DEFAULT '',"
	" answered_by TEXT NOT NULL DEFAULT '', answered_idx INTEGER NOT NULL DEFAULT -1);"
	"CREATE TABLE IF NOT EXISTS ev_disq(tender TEXT NOT NULL, bid TEXT NOT NULL,"
	" lot TEXT NOT NULL, explanation TEXT NOT NULL, reason TEXT NOT NULL, rule TEXT NOT NULL,"
	" idx INTEGER NOT NULL, PRIMARY KEY(tender, bid));"
	"CREATE TABLE IF NOT EXISTS ev_release(tender TEXT PRIMARY KEY, idx INTEGER NOT NULL,"
	" deposits TEXT NOT NULL);"
	/* the award hook of statistics (stats/stats.h STATS_AWARD_TABLE): one row
	 * per awarded lot */
	"CREATE TABLE IF NOT EXISTS ev_award(code TEXT PRIMARY KEY, type TEXT NOT NULL,"
	" title TEXT NOT NULL, control_fen INTEGER NOT NULL, winning_fen INTEGER NOT NULL,"
	" registered INTEGER NOT NULL, bidders INTEGER NOT NULL, opened_us INTEGER NOT NULL,"
	" agent TEXT NOT NULL, tender TEXT NOT NULL, lot TEXT NOT NULL, idx INTEGER NOT NULL);";

static const char *const tables[] = {
	"ev_expert", "ev_relation", "ev_penalty", "ev_draw", "ev_member", "ev_sheet",
	"ev_extension", "ev_vote", "ev_dissent", "ev_rejected", "ev_report", "ev_report_sig",
	"ev_result", "ev_objection", "ev_release", "ev_award", "ev_review", "ev_adjust",
	"ev_explain", "ev_disq", NULL,
};

/* ---- apply functions ------------------------------------------------------ */

#define APPLY_BEGIN                                  \
	json_t *o = tender_event_payload(ev);                  \
	int rc = ET_OK;                              \
	(void)ctx;                                   \
	(void)index;                                 \
	if (!o)                                      \
		return et_fail(ET_EINVAL);

#define APPLY_END          \
	out:               \
	json_decref(o);    \
	return rc;

static int apply_expert(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *id, *user, *org, *okind, *emp, *ekind, *region, *title, *status, *det;
	json_t *sl = json_object_get(o, "specialties");
	char specs[512];
	size_t off = 0;
	int64_t years;

	if ((rc = tender_json_str(o, "id", &id)) || (rc = tender_json_str(o, "user", &user)) ||
	    (rc = tender_json_str(o, "org", &org)) || (rc = tender_json_str(o, "org_kind", &okind)) ||
	    (rc = tender_json_str(o, "employer", &emp)) || (rc = tender_json_str(o, "employer_kind", &ekind)) ||
	    (rc = tender_json_str(o, "region", &region)) || (rc = tender_json_str(o, "title", &title)) ||
	    (rc = tender_json_str(o, "status", &status)) || (rc = tender_json_str(o, "details_sha256", &det)) ||
	    (rc = tender_json_int(o, "years", &years)))
		goto out;
	specs[0] = 0;
	for (size_t i = 0; i < json_array_size(sl); i++) {
		const char *s = json_string_value(json_array_get(sl, i));
		int w;
		if (!s || (w = snprintf(specs + off, sizeof specs - off, "%s%s", i ? ";" : "", s)) < 0 ||
		    (size_t)w >= sizeof specs - off) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		off += (size_t)w;
	}
	rc = audit_sql_exec(db, "INSERT INTO ev_expert VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			    " ?11, ?12, ?13)", "tttttttttitti", id, user, org, okind, specs, emp, ekind,
			    region, title, years, status, det, (int64_t)index);
	APPLY_END
}

static int apply_status(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *expert, *status;

	if ((rc = tender_json_str(o, "expert", &expert)) || (rc = tender_json_str(o, "status", &status)))
		goto out;
	rc = audit_sql_exec(db, "UPDATE ev_expert SET status = ?2 WHERE id = ?1", "tt", expert, status);
	APPLY_END
}

static int apply_relation(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *expert, *org, *kind;

	if ((rc = tender_json_str(o, "expert", &expert)) || (rc = tender_json_str(o, "org", &org)) ||
	    (rc = tender_json_str(o, "kind", &kind)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_relation VALUES (?1, ?2, ?3, ?4)", "ittt",
			    (int64_t)index, expert, org, kind);
	APPLY_END
}

static int apply_penalty(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *expert, *basis;
	int64_t from, until;

	if ((rc = tender_json_str(o, "expert", &expert)) || (rc = tender_json_str(o, "basis", &basis)) ||
	    (rc = tender_json_int(o, "from", &from)) || (rc = tender_json_int(o, "until", &until)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_penalty VALUES (?1, ?2, ?3, ?4, ?5)", "ittii",
			    (int64_t)index, expert, basis, from, until);
	APPLY_END
}

static int apply_requested(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *draw, *chief;
	int64_t members, deadline;
	json_t *reps = json_object_get(o, "reps");

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "draw", &draw)) ||
	    (rc = tender_json_str(o, "duty_chief", &chief)) || (rc = tender_json_int(o, "members", &members)) ||
	    (rc = tender_json_int(o, "deadline", &deadline)))
		goto out;
	if ((rc = audit_sql_exec(db, "INSERT INTO ev_draw(tender, draw, idx, request, members, duty_chief,"
				 " deadline_us, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'requested')",
				 "ttibiti", tender, draw, (int64_t)index, ev->payload, (int)ev->payload_len,
				 members, chief, deadline)))
		goto out;
	for (size_t i = 0; i < json_array_size(reps); i++) {
		const char *u = json_string_value(json_array_get(reps, i));
		if (!u || (rc = audit_sql_exec(db, "INSERT INTO ev_member(tender, member, user, kind, specialty,"
					       " state, rank) VALUES (?1, ?2, ?2, 'rep', '', 'member', ?3)",
					       "tti", tender, u, (int64_t)i))) {
			rc = rc ? rc : et_fail(ET_EINVAL);
			goto out;
		}
	}
	APPLY_END
}

static int apply_committed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *party, *commitment, *sealed;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "party", &party)) ||
	    (rc = tender_json_str(o, "commitment", &commitment)) || (rc = tender_json_str(o, "sealed", &sealed)))
		goto out;
	if (!strcmp(party, "supervisor"))
		rc = audit_sql_exec(db, "UPDATE ev_draw SET commit_s = ?2, sealed_s = ?3, supervisor = ?4"
				    " WHERE tender = ?1", "tttt", tender, commitment, sealed, ev->actor);
	else if (!strcmp(party, "platform"))
		rc = audit_sql_exec(db, "UPDATE ev_draw SET commit_p = ?2, sealed_p = ?3, commit_idx = ?4,"
				    " state = 'committed' WHERE tender = ?1", "ttti", tender, commitment,
				    sealed, (int64_t)index);
	else
		rc = et_fail(ET_EINVAL);
	APPLY_END
}

static int apply_revealed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *party, *value, *by;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "party", &party)) ||
	    (rc = tender_json_str(o, "value", &value)) || (rc = tender_json_str(o, "by", &by)))
		goto out;
	if (!strcmp(party, "supervisor"))
		rc = audit_sql_exec(db, "UPDATE ev_draw SET value_s = ?2, by_s = ?3 WHERE tender = ?1",
				    "ttt", tender, value, by);
	else if (!strcmp(party, "platform"))
		rc = audit_sql_exec(db, "UPDATE ev_draw SET value_p = ?2, by_p = ?3 WHERE tender = ?1",
				    "ttt", tender, value, by);
	else
		rc = et_fail(ET_EINVAL);
	APPLY_END
}

/* Does a == b as canonical JSON? */
static bool json_same(json_t *a, json_t *b)
{
	char *x = ev_dump(a), *y = ev_dump(b);
	bool same = x && y && !strcmp(x, y);

	free(x);
	free(y);
	return same;
}

/* panel.drawn: recompute seed, eligibility and selection from ev_* and the
 * payload; a payload that differs is refused (replay then fails). */
static int apply_drawn(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *root, *seed_hex;
	struct ev_draw_row dr;
	json_t *req = NULL, *cands = NULL, *avoid = NULL, *mem = NULL, *res = NULL;
	json_error_t je;
	unsigned char seed[32];
	char seed_chk[65], *reqs = NULL;
	int64_t reserves;
	sqlite3_stmt *st = NULL;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "root", &root)) ||
	    (rc = tender_json_str(o, "seed", &seed_hex)) || (rc = ev_draw_load(db, tender, &dr)))
		goto done;
	if ((rc = ev_draw_seed(dr.value_s, dr.value_p, root, seed)))
		goto done;
	et_hex_encode(seed, 32, seed_chk);
	if (strcmp(seed_chk, seed_hex)) {
		rc = et_fail(ET_EVERIFY);
		goto done;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT request FROM ev_draw WHERE tender = ?1", "t", tender)))
		goto done;
	if (sqlite3_step(st) != SQLITE_ROW || !(reqs = strndup((const char *)sqlite3_column_blob(st, 0),
							       (size_t)sqlite3_column_bytes(st, 0)))) {
		rc = et_fail(ET_EDB);
		goto done;
	}
	if (!(req = json_loads(reqs, 0, &je)) || (rc = tender_json_int(req, "reserves", &reserves))) {
		rc = rc ? rc : et_fail(ET_EDB);
		goto done;
	}
	if ((rc = ev_eligibility(db, json_object_get(req, "quotas"), json_object_get(o, "parties"),
				 ev->time_us, &cands, &avoid)))
		goto done;
	if (!json_same(cands, json_object_get(o, "candidates")) ||
	    !json_same(avoid, json_object_get(o, "avoided"))) {
		rc = et_fail(ET_EVERIFY);
		goto done;
	}
	if ((rc = ev_select_json(seed, json_object_get(req, "quotas"), (unsigned)reserves, cands, &mem,
				 &res)))
		goto done;
	if (!json_same(mem, json_object_get(o, "members")) ||
	    !json_same(res, json_object_get(o, "reserves"))) {
		rc = et_fail(ET_EVERIFY);
		goto done;
	}
	for (int pass = 0; pass < 2; pass++) {
		json_t *a = pass ? res : mem;
		for (size_t i = 0; i < json_array_size(a); i++) {
			json_t *p = json_array_get(a, i);
			const char *ex, *sp;
			int64_t rank;
			if ((rc = tender_json_str(p, "expert", &ex)) || (rc = tender_json_str(p, "specialty", &sp)) ||
			    (rc = tender_json_int(p, "rank", &rank)) ||
			    (rc = audit_sql_exec(db, "INSERT INTO ev_member(tender, member, user, kind,"
						 " specialty, state, rank) SELECT ?1, id, user, 'expert', ?2,"
						 " ?3, ?4 FROM ev_expert WHERE id = ?5", "tttit", tender, sp,
						 pass ? "reserve" : "member", rank, ex)))
				goto done;
			if (sqlite3_changes(db) != 1) {
				rc = et_fail(ET_EINVAL);
				goto done;
			}
		}
	}
	rc = audit_sql_exec(db, "UPDATE ev_draw SET seed = ?2, root = ?3, panel = ?4, state = 'drawn'"
			    " WHERE tender = ?1", "tttb", tender, seed_hex, root, ev->payload,
			    (int)ev->payload_len);
done:
	sqlite3_finalize(st);
	free(reqs);
	json_decref(req);
	json_decref(cands);
	json_decref(avoid);
	json_decref(mem);
	json_decref(res);
	crypto_wipe(seed, sizeof seed);
	goto out;
	APPLY_END
}

static int apply_replaced(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *out_m, *in_m, *reason, *rule, *spec;
	sqlite3_stmt *st = NULL;
	char next[TENDER_ID_LEN] = "";

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "out", &out_m)) ||
	    (rc = tender_json_str(o, "in", &in_m)) || (rc = tender_json_str(o, "reason", &reason)) ||
	    (rc = tender_json_str(o, "rule", &rule)) || (rc = tender_json_str(o, "specialty", &spec)))
		goto out;
	/* the seat goes to the first remaining reserve of the specialty */
	if ((rc = audit_sql_prepare(db, &st, "SELECT member FROM ev_member WHERE tender = ?1 AND"
				    " specialty = ?2 AND state = 'reserve' ORDER BY rank LIMIT 1", "tt",
				    tender, spec)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, next, sizeof next);
	sqlite3_finalize(st);
	if (strcmp(next, in_m)) {
		rc = et_fail(ET_EVERIFY);
		goto out;
	}
	if ((rc = audit_sql_exec(db, "UPDATE ev_member SET state = 'out', reason = ?3, rule = ?4 WHERE"
				 " tender = ?1 AND member = ?2 AND state = 'member'", "tttt", tender, out_m,
				 reason, rule)))
		goto out;
	if (sqlite3_changes(db) != 1) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = audit_sql_exec(db, "UPDATE ev_member SET state = 'member' WHERE tender = ?1 AND member = ?2",
			    "tt", tender, in_m);
	APPLY_END
}

static int apply_rep_changed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *out_m, *in_m, *reason, *rule;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "out", &out_m)) ||
	    (rc = tender_json_str(o, "in", &in_m)) || (rc = tender_json_str(o, "reason", &reason)) ||
	    (rc = tender_json_str(o, "rule", &rule)))
		goto out;
	if ((rc = audit_sql_exec(db, "UPDATE ev_member SET state = 'out', reason = ?3, rule = ?4 WHERE"
				 " tender = ?1 AND member = ?2 AND kind = 'rep' AND state = 'member'",
				 "tttt", tender, out_m, reason, rule)))
		goto out;
	if (sqlite3_changes(db) != 1) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	/* the new representative takes the next rank among the representatives */
	rc = audit_sql_exec(db, "INSERT INTO ev_member(tender, member, user, kind, specialty, state, rank)"
			    " SELECT ?1, ?2, ?2, 'rep', '', 'member', coalesce(max(rank), -1) + 1 FROM"
			    " ev_member WHERE tender = ?1 AND kind = 'rep'", "tt", tender, in_m);
	APPLY_END
}

static int apply_score(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *bid, *member, *sig;
	int64_t total;
	char *crit = NULL;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "lot", &lot)) ||
	    (rc = tender_json_str(o, "bid", &bid)) || (rc = tender_json_str(o, "member", &member)) ||
	    (rc = tender_json_str(o, "sig", &sig)) || (rc = tender_json_int(o, "total", &total)))
		goto out;
	if (!(crit = ev_dump(json_object_get(o, "criteria")))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = audit_sql_exec(db, "INSERT INTO ev_sheet VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			    "ttttitti", tender, lot, bid, member, total, crit, sig, (int64_t)index);
	free(crit);
	APPLY_END
}

static int apply_ext_req(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *member, *reason;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "member", &member)) ||
	    (rc = tender_json_str(o, "reason", &reason)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_extension VALUES (?1, ?2, ?3, ?4)", "ttti", tender,
			    member, reason, (int64_t)index);
	APPLY_END
}

static int apply_extended(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender;
	int64_t deadline;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_int(o, "deadline", &deadline)))
		goto out;
	rc = audit_sql_exec(db, "UPDATE ev_draw SET deadline_us = ?2, extended = 1 WHERE tender = ?1",
			    "ti", tender, deadline);
	APPLY_END
}

static int apply_vote(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *member, *cand;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "member", &member)) ||
	    (rc = tender_json_str(o, "candidate", &cand)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_vote VALUES (?1, ?2, ?3)", "ttt", tender, member, cand);
	APPLY_END
}

static int apply_elected(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *chair;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "chair", &chair)))
		goto out;
	rc = audit_sql_exec(db, "UPDATE ev_draw SET chair = ?2 WHERE tender = ?1", "tt", tender, chair);
	APPLY_END
}

static int apply_dissent(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *member, *text;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "member", &member)) ||
	    (rc = tender_json_str(o, "text", &text)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_dissent VALUES (?1, ?2, ?3, ?4)", "ittt",
			    (int64_t)index, tender, member, text);
	APPLY_END
}

static int apply_rejected(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *reason, *rule;
	int64_t valid;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "lot", &lot)) ||
	    (rc = tender_json_str(o, "reason", &reason)) || (rc = tender_json_str(o, "rule", &rule)) ||
	    (rc = tender_json_int(o, "valid", &valid)))
		goto out;
	if ((rc = audit_sql_exec(db, "INSERT INTO ev_rejected VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "ttitti",
				 tender, lot, valid, reason, rule, (int64_t)index)))
		goto out;
	if (json_is_true(json_object_get(o, "fixed")))
		rc = audit_sql_exec(db, "UPDATE ev_draw SET fixed = 1 WHERE tender = ?1", "t", tender);
	APPLY_END
}

/* report.submitted: the sha256 is that of the payload without it, the
 * members recorded for each lot are the panel's seats, and each lot's
 * lines, figures, candidates and signals follow from its recorded inputs
 * and the sheets (ev_lot_result); otherwise refused (replay then fails). */
static int report_recompute(sqlite3 *db, const char *tender, json_t *o, const char *sha)
{
	json_t *copy = json_deep_copy(o), *lots = json_object_get(o, "lots");
	struct ev_member_row *mem = NULL;
	size_t nm = 0;
	char *body = NULL, hex[65];
	unsigned char h[32];
	int rc = ET_OK;

	if (!copy || json_object_del(copy, "sha256") || !(body = ev_dump(copy))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	crypto_sha256(body, strlen(body), h);
	et_hex_encode(h, 32, hex);
	if (strcmp(hex, sha) || !json_is_array(lots)) {
		rc = et_fail(ET_EVERIFY);
		goto out;
	}
	if ((rc = ev_members(db, tender, "member", &mem, &nm)))
		goto out;
	for (size_t i = 0; i < json_array_size(lots); i++) {
		json_t *lo = json_array_get(lots, i), *in = json_object_get(lo, "inputs"), *res = NULL;
		json_t *ma = json_object_get(in, "members");
		const char *lot, *key;
		json_t *v;
		if ((rc = tender_json_str(lo, "lot", &lot)))
			goto out;
		if (json_is_true(json_object_get(lo, "rejected")))
			continue;
		/* the recorded members are exactly the seats held */
		if (json_array_size(ma) != nm) {
			rc = et_fail(ET_EVERIFY);
			goto out;
		}
		for (size_t j = 0; j < nm; j++) {
			bool found = false;
			for (size_t k = 0; k < json_array_size(ma); k++)
				found |= !strcmp(json_string_value(json_array_get(ma, k)) ?: "", mem[j].member);
			if (!found) {
				rc = et_fail(ET_EVERIFY);
				goto out;
			}
		}
		if ((rc = ev_lot_result(db, tender, lot, in, &res))) {
			rc = et_fail(ET_EVERIFY);
			goto out;
		}
		json_object_foreach(res, key, v) {
			if (!json_equal(v, json_object_get(lo, key))) {
				rc = et_fail(ET_EVERIFY);
				break;
			}
		}
		json_decref(res);
		if (rc)
			goto out;
	}
out:
	free(mem);
	free(body);
	json_decref(copy);
	return rc;
}

static int apply_report(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *report, *sha;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "report", &report)) ||
	    (rc = tender_json_str(o, "sha256", &sha)))
		goto out;
	if ((rc = report_recompute(db, tender, o, sha)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_report(tender, report, payload, sha256, idx) VALUES"
			    " (?1, ?2, ?3, ?4, ?5)", "ttbti", tender, report, ev->payload,
			    (int)ev->payload_len, sha, (int64_t)index);
	APPLY_END
}

static int apply_signed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *member, *sig;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "member", &member)) ||
	    (rc = tender_json_str(o, "sig", &sig)))
		goto out;
	if ((rc = audit_sql_exec(db, "INSERT INTO ev_report_sig VALUES (?1, ?2, ?3, ?4)", "ttti", tender,
				 member, sig, (int64_t)index)))
		goto out;
	/* final once every member holding a seat signed */
	rc = audit_sql_exec(db, "UPDATE ev_report SET final = 1 WHERE tender = ?1 AND NOT EXISTS"
			    " (SELECT 1 FROM ev_member m WHERE m.tender = ?1 AND m.state = 'member' AND"
			    " NOT EXISTS (SELECT 1 FROM ev_report_sig s WHERE s.tender = ?1 AND"
			    " s.member = m.member))", "t", tender);
	APPLY_END
}

static int apply_candidates(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot;
	int64_t from, until;
	char *c = NULL;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "lot", &lot)) ||
	    (rc = tender_json_int(o, "from", &from)) || (rc = tender_json_int(o, "until", &until)))
		goto out;
	if (!(c = ev_dump(json_object_get(o, "candidates")))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = audit_sql_exec(db, "INSERT INTO ev_result(tender, lot, candidates, from_us, until_us, idx)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "tttiii", tender, lot, c, from, until,
			    (int64_t)index);
	free(c);
	APPLY_END
}

static int apply_objection(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *id, *org, *user, *text;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "lot", &lot)) ||
	    (rc = tender_json_str(o, "id", &id)) || (rc = tender_json_str(o, "org", &org)) ||
	    (rc = tender_json_str(o, "user", &user)) || (rc = tender_json_str(o, "text", &text)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO ev_objection(id, tender, lot, org, user, text, idx) VALUES"
			    " (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "tttttti", id, tender, lot, org, user, text,
			    (int64_t)index);
	APPLY_END
}

static int apply_answered(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *id, *text;

	if ((rc = tender_json_str(o, "objection", &id)) || (rc = tender_json_str(o, "text", &text)))
		goto out;
	if (!json_is_boolean(json_object_get(o, "upheld"))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = audit_sql_exec(db, "UPDATE ev_objection SET answer = ?2, upheld = ?3, answered_idx = ?4"
			    " WHERE id = ?1", "ttii", id, text,
			    (int64_t)json_is_true(json_object_get(o, "upheld")), (int64_t)index);
	APPLY_END
}

static int apply_award(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot, *bid, *org;
	int64_t price;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "lot", &lot)) ||
	    (rc = tender_json_str(o, "bid", &bid)) || (rc = tender_json_str(o, "org", &org)) ||
	    (rc = tender_json_int(o, "price", &price)))
		goto out;
	if ((rc = audit_sql_exec(db, "UPDATE ev_result SET winner_bid = ?3, winner_org = ?4, price = ?5,"
				 " award_idx = ?6 WHERE tender = ?1 AND lot = ?2", "ttttii", tender, lot,
				 bid, org, price, (int64_t)index)))
		goto out;
	{
		json_t *pr = json_object_get(o, "project");
		const char *code, *type, *title, *agent;
		int64_t control, reg, bidders, opened;
		if ((rc = tender_json_str(pr, "code", &code)) || (rc = tender_json_str(pr, "type", &type)) ||
		    (rc = tender_json_str(pr, "title", &title)) || (rc = tender_json_str(pr, "agent", &agent)) ||
		    (rc = tender_json_int(pr, "control", &control)) ||
		    (rc = tender_json_int(pr, "registered", &reg)) ||
		    (rc = tender_json_int(pr, "bidders", &bidders)) || (rc = tender_json_int(pr, "opened", &opened)))
			goto out;
		if ((rc = audit_sql_exec(db, "INSERT INTO ev_award VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
					 " ?9, ?10, ?11, ?12)", "tttiiiiittti", code, type, title,
					 control, price, reg, bidders, opened, agent, tender, lot,
					 (int64_t)index)))
			goto out;
	}
	if (json_is_true(json_object_get(o, "fixed")))
		rc = audit_sql_exec(db, "UPDATE ev_draw SET fixed = 1 WHERE tender = ?1", "t", tender);
	APPLY_END
}

static int apply_contract(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender, *lot;
	int64_t price, signed_us;

	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "lot", &lot)) ||
	    (rc = tender_json_int(o, "price", &price)) || (rc = tender_json_int(o, "signed", &signed_us)))
		goto out;
	rc = audit_sql_exec(db, "UPDATE ev_result SET contract_price = ?3, contract_signed = ?4,"
			    " contract_idx = ?5 WHERE tender = ?1 AND lot = ?2", "ttiii", tender, lot,
			    price, signed_us, (int64_t)index);
	APPLY_END
}

static int apply_release(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender;
	char *deps = NULL;

	if ((rc = tender_json_str(o, "tender", &tender)))
		goto out;
	if (!(deps = ev_dump(json_object_get(o, "deposits")))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = audit_sql_exec(db, "INSERT INTO ev_release VALUES (?1, ?2, ?3)", "tit", tender,
			    (int64_t)index, deps);
	free(deps);
	APPLY_END
}

static const struct audit_kind kinds[] = {
	{ "expert.registered", 1, apply_expert },
	{ "expert.status_changed", 1, apply_status },
	{ "relation.declared", 1, apply_relation },
	{ "expert.penalised", 1, apply_penalty },
	{ "draw.requested", 1, apply_requested },
	{ "draw.committed", 1, apply_committed },
	{ "draw.revealed", 1, apply_revealed },
	{ "panel.drawn", 1, apply_drawn },
	{ "panel.replaced", 1, apply_replaced },
	{ "panel.rep_changed", 1, apply_rep_changed },
	{ "score.submitted", 1, apply_score },
	{ "extension.requested", 1, apply_ext_req },
	{ "evaluation.extended", 1, apply_extended },
	{ "chair.voted", 1, apply_vote },
	{ "chair.elected", 1, apply_elected },
	{ "dissent.recorded", 1, apply_dissent },
	{ "bids.rejected", 1, apply_rejected },
	{ "report.submitted", 1, apply_report },
	{ "report.signed", 1, apply_signed },
	{ "candidates.published", 1, apply_candidates },
	{ "objection.lodged", 1, apply_objection },
	{ "objection.answered", 1, apply_answered },
	{ "award.made", 1, apply_award },
	{ "contract.recorded", 1, apply_contract },
	{ "deposit.released", 1, apply_release },
	{ "review.recorded", 1, ev_apply_review },
	{ "adjustment.recorded", 1, ev_apply_adjust },
	{ "explanation.asked", 1, ev_apply_asked },
	{ "explanation.requested", 1, ev_apply_explain },
	{ "explanation.answered", 1, ev_apply_explain_answer },
	{ "bid.disqualified", 1, ev_apply_disqualify },
};

static const struct audit_module ev_module = {
	"evaluation", schema, tables, kinds, sizeof kinds / sizeof kinds[0], NULL,
};

#define EV_MAX_MODULES 8

static const struct audit_module *all_modules[EV_MAX_MODULES];
static size_t all_count;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static void all_init(void)
{
	size_t n = 0;
	const struct audit_module *const *b = bid_ledger_modules(&n);

	for (size_t i = 0; i < n && all_count < EV_MAX_MODULES - 1; i++)
		all_modules[all_count++] = b[i];
	all_modules[all_count++] = &ev_module;
}

const struct audit_module *const *ev_ledger_modules(size_t *n)
{
	pthread_once(&all_once, all_init);
	*n = all_count;
	return all_modules;
}
