/* evaluation/rank.c — the report's ranking and collusion signals of one lot
 * (docs/evaluation.md §6): the inputs are gathered from the tender record
 * (the lot's method, weights, price scoring and control price), the rules
 * profile (trimming, abnormally-low share), the opening record (the opened
 * bids' prices and bid.xml hashes), bidding's projections (sealed part
 * hashes, the deposit behind each bid) and the panel; they are recorded in
 * the report, and the result — eval_score_lot and eval_collusion_detect run
 * on them with the sheets of ev_sheet — is recomputed by the apply function
 * of report.submitted, so a replay refuses a report that does not follow
 * from its inputs and the sheets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/collusion.h"
#include "evaluation/ev_int.h"
#include "evaluation/scoring.h"

/* ---- inputs ---------------------------------------------------------------- */

static const char *method_name(enum tender_eval_method m)
{
	return m == TENDER_EVAL_COMPREHENSIVE ? "comprehensive" : "lowest_evaluated_price";
}

static const char *rule_name(enum tender_price_scoring s)
{
	return s == TENDER_PRICE_LOWEST_BASE ? "lowest_base" :
	       s == TENDER_PRICE_TRIMMED_MEAN ? "trimmed_mean" : "";
}

/* A JSON array of the hashes the statement's rows give in column 0. */
static int str_column(sqlite3 *db, const char *sql, const char *a, const char *b, json_t **out)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array();
	int rc, s;

	*out = NULL;
	if (!arr)
		return et_fail(ET_ENOMEM);
	if ((rc = audit_sql_prepare(db, &st, sql, b ? "tt" : "t", a, b))) {
		json_decref(arr);
		return rc;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if (json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)))) {
			rc = et_fail(ET_ENOMEM);
			break;
		}
	if (!rc && s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_finalize(st);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return ET_OK;
}

/* The credit points of org's bid (hundredths): points less deduct for each
 * credit record of the firm in force at the bid deadline (from <= deadline
 * < until), recorded before the opening so that the answer does not change
 * later; never below 0 (docs/evaluation.md §3 "Credit"). */
static int bid_credit(sqlite3 *db, const char *tender, const char *org, int64_t deadline_us,
		      int64_t points, int64_t deduct, int64_t *credit, int64_t *records)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*credit = *records = 0;
	if (!points)
		return ET_OK;
	if ((rc = audit_sql_prepare(db, &st, "SELECT count(*) FROM td_credit WHERE org = ?2 AND"
				    " from_us <= ?3 AND until_us > ?3 AND idx < (SELECT idx FROM bd_opening"
				    " WHERE tender = ?1)", "tti", tender, org, deadline_us)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*records = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	*credit = points - deduct * *records;
	if (*credit < 0)
		*credit = 0;
	*credit *= 100;
	return ET_OK;
}

/* The deposit that backs org's bid for tender: its per-tender deposit, else
 * its latest annual one recorded before the opening (so that the answer
 * does not change later); "" when none. */
static int bid_deposit(sqlite3 *db, const char *tender, const char *org, char out[TENDER_ID_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc;

	out[0] = 0;
	if ((rc = audit_sql_prepare(db, &st, "SELECT id FROM bd_deposit WHERE org = ?2 AND"
				    " (tender = ?1 OR tender = '') AND idx < (SELECT idx FROM bd_opening"
				    " WHERE tender = ?1) ORDER BY tender = ?1 DESC, idx DESC LIMIT 1", "tt",
				    tender, org)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, out, TENDER_ID_LEN);
	sqlite3_finalize(st);
	return ET_OK;
}

int ev_report_deposits(sqlite3 *db, const char *tender, char (**ids)[TENDER_ID_LEN], size_t *n)
{
	sqlite3_stmt *st = NULL;
	char (*v)[TENDER_ID_LEN] = NULL;
	size_t cap = 0;
	int rc, s;

	*ids = NULL;
	*n = 0;
	if ((rc = audit_sql_prepare(db, &st, "SELECT DISTINCT d.id FROM bd_deposit d JOIN bd_bid b ON"
				    " b.org = d.org AND b.tender = ?1 WHERE d.tender = ?1 OR d.tender = ''"
				    " ORDER BY d.id", "t", tender)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			void *t = realloc(v, nc * sizeof *v);
			if (!t) {
				rc = et_fail(ET_ENOMEM);
				break;
			}
			v = t;
			cap = nc;
		}
		audit_sql_col_text(st, 0, v[*n], TENDER_ID_LEN);
		(*n)++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*ids = v;
	return ET_OK;
}

static const char *payer_token(const struct ev_payer *payers, size_t n, const char *deposit)
{
	for (size_t i = 0; deposit[0] && i < n; i++)
		if (!strcmp(payers[i].deposit, deposit))
			return payers[i].token;
	return "";
}

/* The BoQ lines of bid for lot as JSON. */
static json_t *boq_json(const struct ev_boq *boqs, size_t n, const char *bid, const char *lot)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		if (strcmp(boqs[i].bid, bid))
			continue;
		for (size_t j = 0; j < boqs[i].n; j++) {
			const struct bid_boq_line *l = &boqs[i].lines[j];
			if (strcmp(l->lot, lot))
				continue;
			if (json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I}", "item", l->item,
							       "quantity", (json_int_t)l->quantity_milli,
							       "unit_price", (json_int_t)l->unit_price_fen,
							       "total", (json_int_t)l->total_fen))) {
				json_decref(a);
				return NULL;
			}
		}
	}
	return a;
}

static json_t *docs_json(const struct ev_upload *u)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < u->ndocs; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:s}", "author", u->doc[i].author,
						       "software", u->doc[i].software))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static const struct ev_upload *upload_of(const struct ev_upload *ups, size_t n, const char *bid)
{
	static const struct ev_upload none;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(ups[i].bid, bid))
			return &ups[i];
	return &none;
}

int ev_lot_inputs(sqlite3 *db, const char *tender, const struct tender_record *rec,
		  const struct ev_rules *rules, const char *lot, const struct ev_payer *payers,
		  size_t npayers, const struct ev_boq *boqs, size_t nboqs,
		  const struct ev_upload *ups, size_t nups, json_t **out)
{
	const struct tender_lot *tl = tender_record_lot_by_id(rec, lot);
	struct ev_lot_bid *bids = NULL;
	struct ev_member_row *mem = NULL;
	size_t nb = 0, nm = 0;
	json_t *in = NULL, *ba = NULL, *ma = NULL, *sealed = NULL, *plain = NULL;
	unsigned trim_min = 0;
	struct tender_info t;
	struct tender_diag td;
	int rc;

	*out = NULL;
	if (!tl)
		return et_fail(ET_EDB);
	if ((rc = tender_db_tender(db, tender, &t, &td)))
		return rc;
	if ((rc = ev_opened_bids(db, tender, lot, &bids, &nb)) ||
	    (rc = ev_members(db, tender, "member", &mem, &nm)))
		goto out;
	if (!(ba = json_array()) || !(ma = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nm; i++)
		if (json_array_append_new(ma, json_string(mem[i].member))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	/* members in id order, so that the points matrix is the same in replay */
	{
		size_t n = json_array_size(ma);
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(ma, j - 1)),
							   json_string_value(json_array_get(ma, j))) > 0;
			     j--) {
				json_t *a = json_incref(json_array_get(ma, j - 1));
				json_array_set(ma, j - 1, json_array_get(ma, j));
				json_array_set_new(ma, j, a);
			}
	}
	for (size_t i = 0; i < nb; i++) {
		char dep[TENDER_ID_LEN];
		if ((rc = str_column(db, "SELECT sha256 FROM bd_part WHERE bid = ?1 ORDER BY part", bids[i].bid,
				     NULL, &sealed)) || (rc = bid_deposit(db, tender, bids[i].org, dep)))
			goto out;
		/* plaintext hashes: the decrypted attachments the opening kept, and bid.xml */
		if ((rc = str_column(db, "SELECT sha256 FROM bd_attachment WHERE bid = ?1 ORDER BY part",
				     bids[i].bid, NULL, &plain)))
			goto out;
		if (bids[i].xml_sha256[0] && json_array_append_new(plain, json_string(bids[i].xml_sha256))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		const struct ev_upload *up = upload_of(ups, nups, bids[i].bid);
		struct ev_review_state rs;
		int64_t credit = 0, records = 0;
		if ((rc = ev_bid_review(db, tender, bids[i].bid, rules, &rs)) ||
		    (tl->method == TENDER_EVAL_COMPREHENSIVE &&
		     (rc = bid_credit(db, tender, bids[i].org, t.schedule.bid_deadline_us,
				      tl->credit_points, tl->credit_deduct, &credit, &records))))
			goto out;
		if (json_array_append_new(ba, json_pack("{s:s,s:s,s:I,s:I,s:o,s:o,s:s,s:s,s:o,s:s,s:s,"
							"s:b,s:s,s:I,s:I,s:I,s:o}",
							"bid", bids[i].bid, "org", bids[i].org, "price",
							(json_int_t)bids[i].price_fen, "key",
							(json_int_t)bids[i].order, "sealed", sealed,
							"plain", plain, "deposit", dep, "payer",
							payer_token(payers, npayers, dep), "boq",
							boq_json(boqs, nboqs, bids[i].bid, lot), "source",
							up->source, "device", up->device, "valid",
							rs.valid, "reason", rs.reason, "adjust",
							(json_int_t)rs.adjust, "credit", (json_int_t)credit,
							"credit_records", (json_int_t)records, "docs",
							docs_json(up)))) {
			sealed = plain = NULL;
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		sealed = plain = NULL;
	}
	if (tl->method == TENDER_EVAL_COMPREHENSIVE && tl->scoring == TENDER_PRICE_TRIMMED_MEAN &&
	    tl->trim > 0) {
		trim_min = rules->price_trim_min;
		if (trim_min < 2 * tl->trim + 1)
			trim_min = 2 * tl->trim + 1;
	}
	in = json_pack("{s:s,s:s,s:{s:i,s:i,s:i},s:i,s:i,s:i,s:i,s:i,s:i,s:[I,I],s:I,s:o,s:o,s:{s:i,s:i}}",
		       "method", method_name(tl->method), "price_rule", rule_name(tl->scoring),
		       "weights", "price", (int)tl->weight_price, "technical",
		       (int)tl->weight_technical, "business", (int)tl->weight_business, "k_bp",
		       (int)(tl->k_factor_bp ? tl->k_factor_bp : 10000), "trim", (int)tl->trim,
		       "price_trim_min", (int)trim_min, "penalty_above_bp", (int)tl->penalty_above_bp,
		       "penalty_below_bp", (int)tl->penalty_below_bp, "expert_trim_min",
		       (int)rules->expert_trim_min, "low", (json_int_t)rules->low_num,
		       (json_int_t)rules->low_den, "control", (json_int_t)tl->control_price_fen,
		       "members", ma, "bids", ba, "credit", "points",
		       (int)(tl->method == TENDER_EVAL_COMPREHENSIVE ? tl->credit_points : 0), "deduct",
		       (int)(tl->method == TENDER_EVAL_COMPREHENSIVE ? tl->credit_deduct : 0));
	ma = ba = NULL;
	if (!in)
		rc = et_fail(ET_ENOMEM);
	*out = in;
out:
	json_decref(ma);
	json_decref(ba);
	json_decref(sealed);
	json_decref(plain);
	free(bids);
	free(mem);
	return rc;
}

/* ---- the result -------------------------------------------------------------- */

static int get_uint(json_t *o, const char *k, int64_t max, int64_t *v)
{
	int rc = tender_json_int(o, k, v);

	if (!rc && (*v < 0 || *v > max))
		rc = et_fail(ET_EINVAL);
	return rc;
}

/* eval_params from the recorded inputs. */
static int params_of(json_t *in, struct eval_params *p, int64_t *tech_bus)
{
	const char *method, *rule;
	json_t *w = json_object_get(in, "weights"), *low = json_object_get(in, "low");
	int64_t wp, wt, wb, k, trim, tmin, pa, pb, etm;
	int rc;

	if ((rc = tender_json_str(in, "method", &method)) || (rc = tender_json_str(in, "price_rule", &rule)) ||
	    (rc = get_uint(w, "price", 100, &wp)) || (rc = get_uint(w, "technical", 100, &wt)) ||
	    (rc = get_uint(w, "business", 100, &wb)) || (rc = get_uint(in, "k_bp", 1000000, &k)) ||
	    (rc = get_uint(in, "trim", 5, &trim)) || (rc = get_uint(in, "price_trim_min", 1000, &tmin)) ||
	    (rc = get_uint(in, "penalty_above_bp", 10000, &pa)) ||
	    (rc = get_uint(in, "penalty_below_bp", 10000, &pb)) ||
	    (rc = get_uint(in, "expert_trim_min", 1000, &etm)))
		return rc;
	if (json_array_size(low) != 2 || !json_is_integer(json_array_get(low, 0)) ||
	    !json_is_integer(json_array_get(low, 1)))
		return et_fail(ET_EINVAL);
	if (!strcmp(method, "comprehensive"))
		eval_params_default(p, EVAL_METHOD_COMPREHENSIVE,
				    !strcmp(rule, "lowest_base") ? EVAL_PRICE_LOWEST_BASE : EVAL_PRICE_MEAN_K);
	else if (!strcmp(method, "lowest_evaluated_price"))
		eval_params_default(p, EVAL_METHOD_LOWEST_PRICE, EVAL_PRICE_LOWEST_BASE);
	else
		return et_fail(ET_EINVAL);
	p->price_weight = wp * 100;
	p->k_num = k;
	p->k_den = 10000;
	p->price_trim = (unsigned)trim;
	p->price_trim_min = (unsigned)tmin;
	/* bp of the price weight per pp: weight·100 × bp / 10000 hundredths */
	p->penalty_above = wp * pa;
	p->penalty_below = wp * pb;
	p->penalty_den = 100;
	p->expert_trim_min = (unsigned)etm;
	p->low_ref = EVAL_LOW_OF_MEAN;
	p->low_num = json_integer_value(json_array_get(low, 0));
	p->low_den = json_integer_value(json_array_get(low, 1));
	{
		json_t *cr = json_object_get(in, "credit");
		int64_t cp, cd;
		if ((rc = get_uint(cr, "points", wb, &cp)) || (rc = get_uint(cr, "deduct", 100, &cd)))
			return rc;
		p->credit_max = cp * 100;
		*tech_bus = (wt + wb - cp) * 100;
	}
	p->candidates = EV_MAX_CANDIDATES;
	return ET_OK;
}

static json_t *frac_json(struct eval_frac f)
{
	char s[48];

	snprintf(s, sizeof s, "%lld/%lld", (long long)f.num, (long long)f.den);
	return json_string(s);
}

static json_t *part_json(struct eval_part pt)
{
	char r[32];

	if (eval_fixed2(pt.hundredths, r, sizeof r))
		return NULL;
	return json_pack("{s:o,s:s}", "exact", frac_json(pt.exact), "rounded", r);
}

static const char *reject_name(enum eval_reject r)
{
	return r == EVAL_REJECT_INVALID ? "invalid" : r == EVAL_REJECT_ABOVE_CONTROL ? "above_control" : "";
}

/* The collusion signals among the lot's bids as recorded in the inputs. */
static int signals_of(json_t *ba, json_t **out)
{
	size_t n = json_array_size(ba), total = 0, nlines = 0, ndocs = 0;
	struct eval_collusion_bid *cb = NULL;
	struct eval_doc_meta *dm = NULL;
	struct eval_boq_line *lines = NULL;
	const char **strs = NULL;
	struct eval_signal *sig = NULL;
	size_t nsig = 0;
	json_t *arr = NULL;
	int rc = ET_OK;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		total += json_array_size(json_object_get(json_array_get(ba, i), "sealed")) +
			 json_array_size(json_object_get(json_array_get(ba, i), "plain"));
		nlines += json_array_size(json_object_get(json_array_get(ba, i), "boq"));
		ndocs += json_array_size(json_object_get(json_array_get(ba, i), "docs"));
	}
	if (!(cb = calloc(n ? n : 1, sizeof *cb)) || !(strs = calloc(total ? total : 1, sizeof *strs)) ||
	    !(lines = calloc(nlines ? nlines : 1, sizeof *lines)) ||
	    !(dm = calloc(ndocs ? ndocs : 1, sizeof *dm)) || !(arr = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	total = 0;
	nlines = 0;
	ndocs = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *b = json_array_get(ba, i);
		json_t *s = json_object_get(b, "sealed"), *pl = json_object_get(b, "plain");
		int64_t price;
		if ((rc = tender_json_str(b, "bid", &cb[i].id)) || (rc = tender_json_int(b, "price", &price)) ||
		    (rc = tender_json_str(b, "payer", &cb[i].deposit_account)) ||
		    (rc = tender_json_str(b, "source", &cb[i].upload_addr)) ||
		    (rc = tender_json_str(b, "device", &cb[i].device_fp)))
			goto out;
		cb[i].price_fen = price;
		cb[i].sealed_hashes = strs + total;
		for (size_t j = 0; j < json_array_size(s); j++)
			if (!(strs[total++] = json_string_value(json_array_get(s, j)))) {
				rc = et_fail(ET_EINVAL);
				goto out;
			}
		cb[i].n_sealed = json_array_size(s);
		cb[i].plain_hashes = strs + total;
		for (size_t j = 0; j < json_array_size(pl); j++)
			if (!(strs[total++] = json_string_value(json_array_get(pl, j)))) {
				rc = et_fail(ET_EINVAL);
				goto out;
			}
		cb[i].n_plain = json_array_size(pl);
		{
			json_t *da = json_object_get(b, "docs");
			cb[i].docs = dm + ndocs;
			cb[i].n_docs = json_array_size(da);
			for (size_t j = 0; j < cb[i].n_docs; j++) {
				json_t *e = json_array_get(da, j);
				struct eval_doc_meta *m = &dm[ndocs++];
				if ((rc = tender_json_str(e, "author", &m->author)) ||
				    (rc = tender_json_str(e, "software", &m->software)))
					goto out;
			}
		}
		{
			json_t *bq = json_object_get(b, "boq");
			cb[i].boq = lines + nlines;
			cb[i].n_boq = json_array_size(bq);
			for (size_t j = 0; j < cb[i].n_boq; j++) {
				json_t *l = json_array_get(bq, j);
				struct eval_boq_line *el = &lines[nlines++];
				if ((rc = tender_json_str(l, "item", &el->item)) ||
				    (rc = tender_json_int(l, "quantity", &el->quantity_milli)) ||
				    (rc = tender_json_int(l, "unit_price", &el->unit_price_fen)) ||
				    (rc = tender_json_int(l, "total", &el->total_fen)))
					goto out;
			}
		}
	}
	if ((rc = eval_collusion_detect(cb, n, &sig, &nsig)))
		goto out;
	for (size_t i = 0; i < nsig; i++) {
		json_t *ids = json_array();
		if (!ids) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		for (size_t j = 0; j < sig[i].n_bids; j++)
			json_array_append_new(ids, json_string(cb[sig[i].bids[j]].id));
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o,s:s}", "kind",
							 eval_signal_kind_name(sig[i].kind), "zh",
							 eval_signal_kind_zh(sig[i].kind), "strength",
							 eval_strength_name(sig[i].strength), "bids", ids,
							 "evidence", sig[i].evidence ? sig[i].evidence : ""))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	*out = arr;
	arr = NULL;
out:
	eval_signals_free(sig, nsig);
	json_decref(arr);
	free(dm);
	free(lines);
	free(strs);
	free(cb);
	return rc;
}

int ev_lot_result(sqlite3 *db, const char *tender, const char *lot, json_t *in, json_t **out)
{
	json_t *ba = json_object_get(in, "bids"), *ma = json_object_get(in, "members");
	size_t nb = json_array_size(ba), nm = json_array_size(ma);
	struct eval_params p;
	struct eval_bid *eb = NULL;
	struct eval_line *lines = NULL;
	struct eval_outcome oc;
	struct eval_criterion crit;
	int64_t *points = NULL, *nsheets = NULL, tech_bus = 0, control;
	sqlite3_stmt *st = NULL;
	json_t *la = NULL, *ca = NULL, *sa = NULL, *res = NULL;
	bool comp;
	int rc;

	*out = NULL;
	if (!json_is_array(ba) || !json_is_array(ma) || nb > EVAL_MAX_BIDS || nm > EVAL_MAX_EXPERTS)
		return et_fail(ET_EINVAL);
	if ((rc = params_of(in, &p, &tech_bus)) || (rc = tender_json_int(in, "control", &control)))
		return rc;
	comp = p.method == EVAL_METHOD_COMPREHENSIVE;
	if (!(eb = calloc(nb ? nb : 1, sizeof *eb)) || !(lines = calloc(nb ? nb : 1, sizeof *lines)) ||
	    !(points = calloc(nb * nm > 0 ? nb * nm : 1, sizeof *points)) ||
	    !(nsheets = calloc(nb ? nb : 1, sizeof *nsheets))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		json_t *b = json_array_get(ba, i);
		if ((rc = tender_json_str(b, "bid", &eb[i].id)) || (rc = tender_json_int(b, "price", &eb[i].price_fen)) ||
		    (rc = tender_json_int(b, "key", &eb[i].order_key)) ||
		    (rc = tender_json_str(b, "reason", &eb[i].reason)) ||
		    (rc = tender_json_int(b, "adjust", &eb[i].adjust_fen)) ||
		    (rc = tender_json_int(b, "credit", &eb[i].credit)))
			goto out;
		if (!json_is_boolean(json_object_get(b, "valid")) || (!comp && eb[i].credit) ||
		    (comp && eb[i].adjust_fen)) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		eb[i].valid = json_is_true(json_object_get(b, "valid"));
		for (size_t j = 0; j < nm; j++) {
			const char *m = json_string_value(json_array_get(ma, j));
			if (!m) {
				rc = et_fail(ET_EINVAL);
				goto out;
			}
			if ((rc = audit_sql_prepare(db, &st, "SELECT total FROM ev_sheet WHERE tender = ?1 AND"
						    " lot = ?2 AND bid = ?3 AND member = ?4", "tttt", tender,
						    lot, eb[i].id, m)))
				goto out;
			if (sqlite3_step(st) == SQLITE_ROW) {
				points[i * nm + j] = sqlite3_column_int64(st, 0);
				nsheets[i]++;
			} else if (eb[i].valid) {
				rc = et_fail(ET_EINVAL);   /* every member scored every bid */
			}
			sqlite3_finalize(st);
			st = NULL;
			if (rc)
				goto out;
		}
	}
	crit.max_points = tech_bus;
	if ((rc = eval_score_lot(&p, eb, nb, control, &crit, comp && nm ? 1 : 0, nm,
				 comp && nm ? points : NULL, lines, &oc)))
		goto out;
	if (!(la = json_array()) || !(ca = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		const struct eval_line *ln = &lines[i];
		json_t *b = json_array_get(ba, ln->bid), *flags = json_array();
		const char *org;
		if (!flags || (rc = tender_json_str(b, "org", &org)))
			goto fail_line;
		if ((ln->flags & EVAL_FLAG_ABNORMALLY_LOW) &&
		    json_array_append_new(flags, json_string("abnormally_low")))
			goto fail_line;
		if (json_array_append_new(la, json_pack("{s:i,s:s,s:s,s:I,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,"
							"s:o,s:I}", "rank", (int)ln->rank, "bid",
							eb[ln->bid].id, "org", org, "price",
							(json_int_t)eb[ln->bid].price_fen, "evaluated",
							(json_int_t)ln->evaluated_price_fen, "reject",
							reject_name(ln->reject), "reason",
							ln->reason ? ln->reason : "", "flags", flags,
							"price_score", part_json(ln->price), "experts",
							part_json(ln->experts), "credit",
							part_json(ln->credit), "total", part_json(ln->total),
							"deviation_pp", frac_json(ln->deviation_pp),
							"sheets", (json_int_t)nsheets[ln->bid])))
			goto fail_line;
		continue;
fail_line:
		json_decref(flags);
		rc = rc ? rc : et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < oc.n_candidates; i++) {
		size_t b = oc.candidates[i];
		const char *org;
		if ((rc = tender_json_str(json_array_get(ba, b), "org", &org)))
			goto out;
		if (json_array_append_new(ca, json_pack("{s:i,s:s,s:s,s:I,s:I,s:I}", "rank", (int)(i + 1),
							"bid", eb[b].id, "org", org, "price",
							(json_int_t)eb[b].price_fen, "score",
							(json_int_t)lines[i].total.hundredths, "sheets",
							(json_int_t)nsheets[b]))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if ((rc = signals_of(ba, &sa)))
		goto out;
	res = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "lines", la, "mean", frac_json(oc.mean_fen), "base",
			frac_json(oc.base_fen), "low_limit", frac_json(oc.low_limit_fen), "candidates", ca,
			"signals", sa);
	la = ca = sa = NULL;
	if (!res)
		rc = et_fail(ET_ENOMEM);
	*out = res;
out:
	sqlite3_finalize(st);
	json_decref(la);
	json_decref(ca);
	json_decref(sa);
	free(eb);
	free(lines);
	free(points);
	free(nsheets);
	return rc;
}

int ev_lot_low_flag(json_t *in, const char *bid, bool *low)
{
	json_t *ba = json_object_get(in, "bids");
	size_t nb = json_array_size(ba);
	struct eval_params p;
	struct eval_bid *eb = NULL;
	struct eval_line *lines = NULL;
	struct eval_outcome oc;
	int64_t tech_bus, control;
	int rc;

	*low = false;
	if (!json_is_array(ba) || nb > EVAL_MAX_BIDS)
		return et_fail(ET_EINVAL);
	if ((rc = params_of(in, &p, &tech_bus)) || (rc = tender_json_int(in, "control", &control)))
		return rc;
	if (!(eb = calloc(nb ? nb : 1, sizeof *eb)) || !(lines = calloc(nb ? nb : 1, sizeof *lines))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		json_t *b = json_array_get(ba, i);
		if ((rc = tender_json_str(b, "bid", &eb[i].id)) || (rc = tender_json_int(b, "price", &eb[i].price_fen)) ||
		    (rc = tender_json_int(b, "key", &eb[i].order_key)) ||
		    (rc = tender_json_str(b, "reason", &eb[i].reason)) ||
		    (rc = tender_json_int(b, "adjust", &eb[i].adjust_fen)) ||
		    (rc = tender_json_int(b, "credit", &eb[i].credit)))
			goto out;
		eb[i].valid = json_is_true(json_object_get(b, "valid"));
	}
	/* the limit depends on the valid prices only: no expert points */
	if ((rc = eval_score_lot(&p, eb, nb, control, NULL, 0, 0, NULL, lines, &oc)))
		goto out;
	for (size_t i = 0; i < nb; i++)
		if (!strcmp(eb[lines[i].bid].id, bid))
			*low = (lines[i].flags & EVAL_FLAG_ABNORMALLY_LOW) != 0;
out:
	free(eb);
	free(lines);
	return rc;
}

/* ---- verification against the sources ------------------------------------------ */

/* The BoQ lines recorded in a lot's inputs, one ev_boq per bid. */
static int recorded_boq(json_t *ba, const char *lot, struct ev_boq **boqs, struct bid_boq_line **lines)
{
	size_t nb = json_array_size(ba), nl = 0, k = 0;

	for (size_t i = 0; i < nb; i++)
		nl += json_array_size(json_object_get(json_array_get(ba, i), "boq"));
	if (!(*boqs = calloc(nb ? nb : 1, sizeof **boqs)) || !(*lines = calloc(nl ? nl : 1, sizeof **lines)))
		return et_fail(ET_ENOMEM);
	for (size_t i = 0; i < nb; i++) {
		json_t *b = json_array_get(ba, i), *bq = json_object_get(b, "boq");
		snprintf((*boqs)[i].bid, sizeof (*boqs)[i].bid, "%s",
			 json_string_value(json_object_get(b, "bid")) ?: "");
		(*boqs)[i].lines = *lines + k;
		(*boqs)[i].n = json_array_size(bq);
		for (size_t j = 0; j < json_array_size(bq); j++, k++) {
			json_t *l = json_array_get(bq, j);
			struct bid_boq_line *bl = &(*lines)[k];
			snprintf(bl->lot, sizeof bl->lot, "%s", lot);
			snprintf(bl->item, sizeof bl->item, "%s",
				 json_string_value(json_object_get(l, "item")) ?: "");
			bl->quantity_milli = json_integer_value(json_object_get(l, "quantity"));
			bl->unit_price_fen = json_integer_value(json_object_get(l, "unit_price"));
			bl->total_fen = json_integer_value(json_object_get(l, "total"));
		}
	}
	return ET_OK;
}

struct rverify_q {
	const char *tender;
	struct tender_diag *d;
	bool found;
};

static int rverify_fn(sqlite3 *db, void *ctx)
{
	struct rverify_q *q = ctx;
	sqlite3_stmt *st = NULL;
	struct tender_info t;
	struct ev_rules rules;
	struct tender_record *rec = NULL;
	struct ev_payer *payers = NULL;
	struct ev_boq *boqs = NULL;
	struct bid_boq_line *blines = NULL;
	struct ev_upload *ups = NULL;
	json_t *o = NULL, *lots;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT CAST(payload AS TEXT) FROM ev_report WHERE"
				    " tender = ?1", "t", q->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		o = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
	else
		q->found = false;
	sqlite3_finalize(st);
	if (!o)
		return q->found ? et_fail(ET_EVERIFY) : ET_OK;
	if ((rc = tender_db_tender(db, q->tender, &t, q->d)) || (rc = ev_rules_for(&t, &rules)) ||
	    (rc = tender_db_record(db, q->tender, &rec)))
		goto out;
	lots = json_object_get(o, "lots");
	for (size_t i = 0; i < json_array_size(lots) && !rc; i++) {
		json_t *lo = json_array_get(lots, i), *in = json_object_get(lo, "inputs"), *mine = NULL;
		json_t *ba = json_object_get(in, "bids"), *res = NULL;
		const char *lot = json_string_value(json_object_get(lo, "lot")), *key;
		json_t *v;
		size_t nb = json_array_size(ba);
		if (json_is_true(json_object_get(lo, "rejected")))
			continue;
		/* the payer tokens come from the side store: taken as recorded */
		free(payers);
		if (!lot || !(payers = calloc(nb ? nb : 1, sizeof *payers))) {
			rc = et_fail(lot ? ET_ENOMEM : ET_EVERIFY);
			break;
		}
		for (size_t j = 0; j < nb; j++) {
			json_t *b = json_array_get(ba, j);
			snprintf(payers[j].deposit, sizeof payers[j].deposit, "%s",
				 json_string_value(json_object_get(b, "deposit")) ?: "");
			snprintf(payers[j].token, sizeof payers[j].token, "%s",
				 json_string_value(json_object_get(b, "payer")) ?: "");
		}
		/* so are the BoQ lines, read from the kept bid.xml files */
		free(boqs);
		free(blines);
		boqs = NULL;
		blines = NULL;
		if ((rc = recorded_boq(ba, lot, &boqs, &blines)))
			break;
		free(ups);
		if (!(ups = calloc(nb ? nb : 1, sizeof *ups))) {
			rc = et_fail(ET_ENOMEM);
			break;
		}
		for (size_t j = 0; j < nb; j++) {
			json_t *b = json_array_get(ba, j);
			snprintf(ups[j].bid, sizeof ups[j].bid, "%s",
				 json_string_value(json_object_get(b, "bid")) ?: "");
			snprintf(ups[j].source, sizeof ups[j].source, "%s",
				 json_string_value(json_object_get(b, "source")) ?: "");
			snprintf(ups[j].device, sizeof ups[j].device, "%s",
				 json_string_value(json_object_get(b, "device")) ?: "");
			{
				/* the documents' metadata: taken as recorded */
				json_t *da = json_object_get(b, "docs");
				for (size_t k = 0; k < json_array_size(da) && k < EV_UPLOAD_DOCS; k++) {
					json_t *e = json_array_get(da, k);
					snprintf(ups[j].doc[k].author, sizeof ups[j].doc[k].author, "%s",
						 json_string_value(json_object_get(e, "author")) ?: "");
					snprintf(ups[j].doc[k].software, sizeof ups[j].doc[k].software, "%s",
						 json_string_value(json_object_get(e, "software")) ?: "");
					ups[j].ndocs = k + 1;
				}
			}
		}
		if ((rc = ev_lot_inputs(db, q->tender, rec, &rules, lot, payers, nb, boqs, nb, ups, nb,
					&mine)))
			break;
		if (!json_equal(mine, in)) {
			rc = tender_diag_set(q->d, ET_EVERIFY, "et.report.verify",
					     "评标报告记录的输入与招标文件、开标记录不符",
					     "the report's inputs differ from the tender record and the opening",
					     "lot %s", lot);
			json_decref(mine);
			break;
		}
		json_decref(mine);
		if ((rc = ev_lot_result(db, q->tender, lot, in, &res)))
			break;
		json_object_foreach(res, key, v)
			if (!json_equal(v, json_object_get(lo, key)))
				rc = ET_EVERIFY;
		json_decref(res);
		if (rc)
			rc = tender_diag_set(q->d, ET_EVERIFY, "et.report.verify",
					     "评标报告的排序与评分表不符",
					     "the report's ranking does not follow from the sheets", "lot %s",
					     lot);
	}
out:
	free(ups);
	free(boqs);
	free(blines);
	free(payers);
	tender_record_free(rec);
	json_decref(o);
	return rc;
}

int ev_report_verify(struct audit_ledger *l, const char *tender, struct tender_diag *d)
{
	struct rverify_q q = { tender, d, true };
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!l || !tender)
		return et_fail(ET_EINVAL);
	rc = audit_ledger_query(l, rverify_fn, &q);
	if (rc == ET_EVERIFY && d && !d->rule[0])
		tender_diag_set(d, ET_EVERIFY, "et.report.verify", "评标报告无法核验",
				"the report cannot be verified", "%s", tender);
	return rc;
}
