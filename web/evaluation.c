/* web/evaluation.c — the /api/ routes of the evaluation domain
 * (evaluation/evaluation.h, docs/evaluation.md): the expert pool, the draw,
 * the panel's work and the result. Each route authenticates (api.c), parses
 * its JSON body, runs one domain command or query with the caller's user as
 * actor, and maps the result to HTTP; the domain decides every refusal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "bidding/bidding.h"
#include "crypto/crypto.h"
#include "evaluation/evaluation.h"
#include "web/web_int.h"

/* ---- helpers (as routes.c's) ---------------------------------------------- */

static int reply_diag(struct web_reply *rep, int rc, const struct tender_diag *d)
{
	char zh[ET_TENDER_DIAG_MAX + 8], en[ET_TENDER_DIAG_MAX];
	const char *sep, *details;

	if (rc == ET_OK)
		rc = ET_EINVAL;
	if (!d || !d->msg[0] || !(sep = strstr(d->msg, " / "))) {
		web_reply_error(rep, 0, rc, d && d->rule[0] ? d->rule : NULL, NULL, NULL);
		return rc;
	}
	if (snprintf(en, sizeof en, "%s", sep + 3) < 0)
		en[0] = 0;
	details = strstr(en, ": ");
	if (snprintf(zh, sizeof zh, "%.*s%s", (int)(sep - d->msg), d->msg, details ? details : "") < 0)
		zh[0] = 0;
	web_reply_error(rep, 0, rc, d->rule[0] ? d->rule : NULL, zh, en);
	return rc;
}

static int wrong_field(struct web_reply *rep, const char *field)
{
	char en[128], zh[128];

	if (snprintf(en, sizeof en, "field \"%.40s\" is missing or has the wrong type", field) < 0 ||
	    snprintf(zh, sizeof zh, "字段 \"%.40s\" 缺失或类型错误", field) < 0) {
		en[0] = 0;
		zh[0] = 0;
	}
	web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, zh, en);
	return ET_EINVAL;
}

static int str_field(json_t *j, const char *name, bool opt, const char **out, struct web_reply *rep)
{
	json_t *v = json_object_get(j, name);

	*out = NULL;
	if ((!v || json_is_null(v)) && opt)
		return ET_OK;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return wrong_field(rep, name);
	*out = json_string_value(v);
	return ET_OK;
}

static int int_field(json_t *j, const char *name, int64_t *out, struct web_reply *rep)
{
	json_t *v = json_object_get(j, name);

	if (!json_is_integer(v))
		return wrong_field(rep, name);
	*out = json_integer_value(v);
	return ET_OK;
}

static int bool_field(json_t *j, const char *name, bool *out, struct web_reply *rep)
{
	json_t *v = json_object_get(j, name);

	*out = false;
	if (!v || json_is_null(v))
		return ET_OK;
	if (!json_is_boolean(v))
		return wrong_field(rep, name);
	*out = json_is_true(v);
	return ET_OK;
}

static int sig_field(json_t *j, const char *name, unsigned char sig[64], struct web_reply *rep)
{
	const char *s;
	size_t got = 0;

	if (str_field(j, name, false, &s, rep))
		return ET_EINVAL;
	if (et_b64_decode(s, strlen(s), sig, 64, &got) || got != 64)
		return wrong_field(rep, name);
	return ET_OK;
}

static bool param(const struct web_req *r, unsigned i, char out[TENDER_ID_LEN])
{
	const char *p = r->params[i], *end;
	size_t n;

	if (!p)
		return false;
	end = strchr(p, '/');
	n = end ? (size_t)(end - p) : strlen(p);
	if (!n || n >= TENDER_ID_LEN)
		return false;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

/* A JSON answer from a query's canonical JSON text (freed). */
static int reply_text_json(struct web_reply *rep, char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);

	free(s);
	if (!j)
		return et_fail(ET_ENOMEM);
	return web_reply_json(rep, MHD_HTTP_OK, j);
}

/* The request body as a JSON object (an empty body is {}). */
static int body(struct web_req *r, json_t **out, struct web_reply *rep)
{
	json_error_t err;
	json_t *j;

	*out = NULL;
	if (!r->body_len) {
		*out = json_object();
		return *out ? ET_OK : et_fail(ET_ENOMEM);
	}
	j = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, "请求体须为 JSON 对象",
				"the body must be a JSON object");
		return ET_EINVAL;
	}
	*out = j;
	return ET_OK;
}

/* Every command route: ids from the path, the body, the command. */
struct call {
	struct web_req *r;
	struct web_reply *rep;
	char p0[TENDER_ID_LEN], p1[TENDER_ID_LEN];
	json_t *j;
	struct tender_diag d;
};

typedef int call_fn(struct call *c);

static int run(struct web_req *r, struct web_reply *rep, unsigned nparams, call_fn *fn)
{
	struct call c;
	int rc;

	memset(&c, 0, sizeof c);
	c.r = r;
	c.rep = rep;
	tender_diag_clear(&c.d);
	if ((nparams > 0 && !param(r, 0, c.p0)) || (nparams > 1 && !param(r, 1, c.p1)))
		return ET_ENOTFOUND;
	if ((rc = body(r, &c.j, rep)))
		return rc;
	rc = fn(&c);
	if (rc && !rep->resp)
		reply_diag(rep, rc, &c.d);
	json_decref(c.j);
	return rc;
}

static int ok(struct call *c, json_t *j)
{
	return web_reply_json(c->rep, MHD_HTTP_OK, j ? j : json_pack("{s:b}", "ok", 1));
}

#define L(c) ((c)->r->data->ledger)
#define P(c) ((c)->r->data->priv)
#define ME(c) ((c)->r->who.user)

/* ---- the pool ----------------------------------------------------------------- */

static int do_expert(struct call *c)
{
	struct ev_expert_new e;
	const char *f[8];
	int64_t years = 0;
	char id[TENDER_ID_LEN];
	int rc;

	memset(&e, 0, sizeof e);
	if ((rc = str_field(c->j, "user", false, &f[0], c->rep)) ||
	    (rc = str_field(c->j, "specialties", false, &f[1], c->rep)) ||
	    (rc = str_field(c->j, "employer", true, &f[2], c->rep)) ||
	    (rc = str_field(c->j, "region", false, &f[3], c->rep)) ||
	    (rc = str_field(c->j, "title", false, &f[4], c->rep)) ||
	    (rc = str_field(c->j, "name", false, &f[5], c->rep)) ||
	    (rc = str_field(c->j, "phone", true, &f[6], c->rep)) ||
	    (rc = str_field(c->j, "id_number", true, &f[7], c->rep)) ||
	    (rc = int_field(c->j, "years", &years, c->rep)))
		return rc;
	if (years < 0 || years > 70)
		return wrong_field(c->rep, "years");
	e = (struct ev_expert_new){ f[0], f[1], f[2] ? f[2] : "", f[3], f[4], (int)years, f[5], f[6],
				    f[7] };
	if ((rc = ev_expert_register(L(c), P(c), ME(c), &e, id, &c->d)))
		return rc;
	return ok(c, json_pack("{s:s}", "id", id));
}

static int post_expert(struct web_req *r, struct web_reply *rep)
{
	return run(r, rep, 0, do_expert);
}

/* The body is the CSV file itself (UTF-8 text), not JSON. */
static int post_experts_import(struct web_req *r, struct web_reply *rep)
{
	struct tender_diag d;
	size_t n = 0;
	int rc;

	tender_diag_clear(&d);
	if ((rc = ev_expert_import_csv(r->data->ledger, r->data->priv, r->who.user,
				       (const char *)(r->body ? r->body : (const unsigned char *)""),
				       r->body_len, &n, &d)))
		return reply_diag(rep, rc, &d);
	return web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:I}", "imported", (json_int_t)n));
}

static int get_experts(struct web_req *r, struct web_reply *rep)
{
	char *s = NULL;
	int rc;

	if ((rc = ev_experts(r->data->ledger, &r->who, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int do_status(struct call *c)
{
	const char *status, *reason;
	int rc;

	if ((rc = str_field(c->j, "status", false, &status, c->rep)) ||
	    (rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_expert_status(L(c), ME(c), c->p0, status, reason, &c->d)) ? rc : ok(c, NULL);
}

static int do_relation(struct call *c)
{
	const char *org, *kind;
	int rc;

	if ((rc = str_field(c->j, "org", false, &org, c->rep)) ||
	    (rc = str_field(c->j, "kind", false, &kind, c->rep)))
		return rc;
	return (rc = ev_expert_relation(L(c), ME(c), c->p0, org, kind, &c->d)) ? rc : ok(c, NULL);
}

static int do_penalty(struct call *c)
{
	const char *basis;
	int64_t from = 0, until = 0;
	int rc;

	if ((rc = str_field(c->j, "basis", false, &basis, c->rep)) ||
	    (rc = int_field(c->j, "from_us", &from, c->rep)) ||
	    (rc = int_field(c->j, "until_us", &until, c->rep)))
		return rc;
	return (rc = ev_expert_penalise(L(c), ME(c), c->p0, basis, from, until, &c->d)) ? rc :
	       ok(c, NULL);
}

static int post_status(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_status); }
static int post_relation(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_relation); }
static int post_penalty(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_penalty); }

/* ---- the draw -------------------------------------------------------------------- */

static int do_draw(struct call *c)
{
	struct ev_quota q[EV_MAX_QUOTAS];
	const char *reps[EV_MAX_MEMBERS], *chief;
	struct ev_draw_request req;
	json_t *qa = json_object_get(c->j, "quotas"), *ra = json_object_get(c->j, "reps");
	int64_t members = 0, reserves = 0, deadline = 0;
	char draw[TENDER_ID_LEN];
	int rc;

	if ((rc = int_field(c->j, "members", &members, c->rep)) ||
	    (rc = int_field(c->j, "reserves", &reserves, c->rep)) ||
	    (rc = int_field(c->j, "deadline_us", &deadline, c->rep)) ||
	    (rc = str_field(c->j, "duty_chief", false, &chief, c->rep)))
		return rc;
	if (!json_is_array(qa) || !json_array_size(qa) || json_array_size(qa) > EV_MAX_QUOTAS)
		return wrong_field(c->rep, "quotas");
	if (ra && (!json_is_array(ra) || json_array_size(ra) > EV_MAX_MEMBERS))
		return wrong_field(c->rep, "reps");
	if (members < 0 || members > EV_MAX_MEMBERS || reserves < 0 || reserves > 10)
		return wrong_field(c->rep, "members");
	for (size_t i = 0; i < json_array_size(qa); i++) {
		int64_t n = 0;
		if ((rc = str_field(json_array_get(qa, i), "specialty", false, &q[i].specialty, c->rep)) ||
		    (rc = int_field(json_array_get(qa, i), "count", &n, c->rep)))
			return rc;
		if (n < 1 || n > EV_MAX_MEMBERS)
			return wrong_field(c->rep, "count");
		q[i].count = (unsigned)n;
	}
	for (size_t i = 0; i < json_array_size(ra); i++)
		if (!(reps[i] = json_string_value(json_array_get(ra, i))))
			return wrong_field(c->rep, "reps");
	req = (struct ev_draw_request){ c->p0, (unsigned)members, q, json_array_size(qa),
					(unsigned)reserves, reps, json_array_size(ra), chief, deadline };
	if ((rc = ev_draw_request(L(c), ME(c), &req, draw, &c->d)))
		return rc;
	return ok(c, json_pack("{s:s}", "draw", draw));
}

/* The supervisor commits; the platform commits in the same command and
 * reveals its own value at once (the order of the reveals decides nothing:
 * both commitments are logged; values are shown only once drawn). */
static int do_commit(struct call *c)
{
	const char *commitment, *sealed;
	struct tender_diag d2;
	int rc;

	if ((rc = str_field(c->j, "commitment", false, &commitment, c->rep)) ||
	    (rc = str_field(c->j, "sealed", false, &sealed, c->rep)))
		return rc;
	if ((rc = ev_draw_commit(L(c), P(c), ME(c), c->p0, commitment, sealed, &c->d)))
		return rc;
	tender_diag_clear(&d2);
	rc = ev_draw_reveal_platform(L(c), P(c), c->p0, &d2);
	return ok(c, json_pack("{s:b}", "platform_revealed", rc == ET_OK));
}

static int do_reveal(struct call *c)
{
	const char *party, *value;
	int rc;

	if ((rc = str_field(c->j, "party", false, &party, c->rep)) ||
	    (rc = str_field(c->j, "value", false, &value, c->rep)))
		return rc;
	return (rc = ev_draw_reveal(L(c), ME(c), c->p0, party, value, &c->d)) ? rc : ok(c, NULL);
}

static int get_draw(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *s = NULL;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = ev_draw_get(r->data->ledger, r->authed ? &r->who : NULL, id, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int post_draw(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_draw); }
static int post_commit(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_commit); }
static int post_reveal(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_reveal); }

/* ---- the panel ---------------------------------------------------------------------- */

static int do_decline(struct call *c)
{
	const char *org, *reason;
	bool avoid;
	int rc;

	if ((rc = bool_field(c->j, "avoid", &avoid, c->rep)) ||
	    (rc = str_field(c->j, "org", true, &org, c->rep)) ||
	    (rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_panel_decline(L(c), ME(c), c->p0, avoid, org, reason, &c->d)) ? rc : ok(c, NULL);
}

static int do_replace(struct call *c)
{
	const char *member, *reason;
	int rc;

	if ((rc = str_field(c->j, "member", false, &member, c->rep)) ||
	    (rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_panel_replace(L(c), ME(c), c->p0, member, reason, &c->d)) ? rc : ok(c, NULL);
}

static int do_sheet(struct call *c)
{
	struct ev_criterion cr[EV_MAX_CRITERIA];
	json_t *a = json_object_get(c->j, "criteria");
	const char *lot, *bid;
	unsigned char sig[64];
	int rc;

	if ((rc = str_field(c->j, "lot", false, &lot, c->rep)) ||
	    (rc = str_field(c->j, "bid", false, &bid, c->rep)) ||
	    (rc = sig_field(c->j, "sig", sig, c->rep)))
		return rc;
	if (!json_is_array(a) || !json_array_size(a) || json_array_size(a) > EV_MAX_CRITERIA)
		return wrong_field(c->rep, "criteria");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		if ((rc = str_field(o, "criterion", false, &cr[i].criterion, c->rep)) ||
		    (rc = int_field(o, "points", &cr[i].points, c->rep)) ||
		    (rc = str_field(o, "comment", true, &cr[i].comment, c->rep)))
			return rc;
	}
	return (rc = ev_score_submit(L(c), ME(c), c->p0, lot, bid, cr, json_array_size(a), sig, &c->d)) ?
	       rc : ok(c, NULL);
}

static int do_extension(struct call *c)
{
	const char *reason;
	bool extended = false;
	int rc;

	if ((rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	if ((rc = ev_extension_request(L(c), ME(c), c->p0, reason, &extended, &c->d)))
		return rc;
	return ok(c, json_pack("{s:b}", "extended", extended));
}

static int do_chair(struct call *c)
{
	const char *cand;
	bool elected = false;
	int rc;

	if ((rc = str_field(c->j, "candidate", false, &cand, c->rep)))
		return rc;
	if ((rc = ev_chair_vote(L(c), ME(c), c->p0, cand, &elected, &c->d)))
		return rc;
	return ok(c, json_pack("{s:b}", "elected", elected));
}

static int do_dissent(struct call *c)
{
	const char *text;
	int rc;

	if ((rc = str_field(c->j, "text", false, &text, c->rep)))
		return rc;
	return (rc = ev_dissent(L(c), ME(c), c->p0, text, &c->d)) ? rc : ok(c, NULL);
}

static int do_reject(struct call *c)
{
	const char *reason;
	int rc;

	if ((rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_reject_all(L(c), ME(c), c->p0, c->p1, reason, &c->d)) ? rc : ok(c, NULL);
}

static int do_report(struct call *c)
{
	const char *text;
	char id[TENDER_ID_LEN];
	struct bid_blobs blobs = { web_blob_open, c->r->data };  /* the kept bid.xml files */
	int rc;

	if ((rc = str_field(c->j, "text", false, &text, c->rep)))
		return rc;
	if ((rc = ev_report_submit(L(c), P(c), &blobs, ME(c), c->p0, text, id, &c->d)))
		return rc;
	return ok(c, json_pack("{s:s}", "report", id));
}

static int do_sign(struct call *c)
{
	unsigned char sig[64];
	bool final = false;
	int rc;

	if ((rc = sig_field(c->j, "sig", sig, c->rep)))
		return rc;
	if ((rc = ev_report_sign(L(c), ME(c), c->p0, sig, &final, &c->d)))
		return rc;
	return ok(c, json_pack("{s:b}", "final", final));
}

static int do_rep(struct call *c)
{
	const char *out, *in, *reason;
	int rc;

	if ((rc = str_field(c->j, "out", false, &out, c->rep)) ||
	    (rc = str_field(c->j, "in", false, &in, c->rep)) ||
	    (rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_panel_rep_change(L(c), ME(c), c->p0, out, in, reason, &c->d)) ? rc : ok(c, NULL);
}

static int get_my_seats(struct web_req *r, struct web_reply *rep)
{
	char *s = NULL;
	int rc;

	if ((rc = ev_my_seats(r->data->ledger, &r->who, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int get_sheets(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *s = NULL;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = ev_sheets(r->data->ledger, &r->who, id, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int get_report(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *s = NULL;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = ev_report_get(r->data->ledger, r->authed ? &r->who : NULL, id, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int post_decline(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_decline); }
static int post_replace(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_replace); }
static int post_rep(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_rep); }
static int post_sheet(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_sheet); }
static int post_extension(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_extension); }
static int post_chair(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_chair); }
static int post_dissent(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_dissent); }
static int post_reject(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_reject); }
static int post_report(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_report); }
static int post_sign(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_sign); }

/* ---- the result ------------------------------------------------------------------------ */

static int do_candidates(struct call *c)
{
	int rc = ev_candidates_publish(L(c), ME(c), c->p0, c->p1, &c->d);

	return rc ? rc : ok(c, NULL);
}

static int do_objection(struct call *c)
{
	const char *text;
	char id[TENDER_ID_LEN];
	int rc;

	if ((rc = str_field(c->j, "text", false, &text, c->rep)))
		return rc;
	if ((rc = ev_objection_lodge(L(c), ME(c), c->p0, c->p1, text, id, &c->d)))
		return rc;
	return ok(c, json_pack("{s:s}", "id", id));
}

static int do_answer(struct call *c)
{
	const char *text;
	bool upheld;
	int rc;

	if ((rc = str_field(c->j, "text", false, &text, c->rep)) ||
	    (rc = bool_field(c->j, "upheld", &upheld, c->rep)))
		return rc;
	return (rc = ev_objection_answer(L(c), ME(c), c->p0, c->p1, text, upheld, &c->d)) ? rc :
	       ok(c, NULL);
}

static int do_award(struct call *c)
{
	int rc = ev_award(L(c), ME(c), c->p0, c->p1, &c->d);

	return rc ? rc : ok(c, NULL);
}

static int do_contract(struct call *c)
{
	int64_t price = 0, signed_us = 0;
	int rc;

	if ((rc = int_field(c->j, "price", &price, c->rep)) ||
	    (rc = int_field(c->j, "signed_us", &signed_us, c->rep)))
		return rc;
	return (rc = ev_contract_record(L(c), ME(c), c->p0, c->p1, price, signed_us, &c->d)) ? rc :
	       ok(c, NULL);
}

static int do_release(struct call *c)
{
	int rc = ev_deposit_release(L(c), ME(c), c->p0, &c->d);

	return rc ? rc : ok(c, NULL);
}

static int get_result(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *s = NULL;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = ev_result_get(r->data->ledger, id, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int post_candidates(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_candidates); }
static int post_objection(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_objection); }
static int post_answer(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_answer); }
static int post_award(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_award); }
static int post_contract(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_contract); }
static int post_release(struct web_req *r, struct web_reply *rep) { return run(r, rep, 1, do_release); }

/* ---- the compliance review (review.c) ------------------------------------------------ */

static int do_review(struct call *c)
{
	const char *bid, *crit, *reason;
	bool pass;
	int rc;

	if ((rc = str_field(c->j, "bid", false, &bid, c->rep)) ||
	    (rc = bool_field(c->j, "pass", &pass, c->rep)) ||
	    (rc = str_field(c->j, "criterion", true, &crit, c->rep)) ||
	    (rc = str_field(c->j, "reason", true, &reason, c->rep)))
		return rc;
	if (!json_is_boolean(json_object_get(c->j, "pass")))
		return wrong_field(c->rep, "pass");
	return (rc = ev_review_record(L(c), ME(c), c->p0, c->p1, bid, pass, crit, reason, &c->d)) ? rc :
	       ok(c, NULL);
}

static int do_adjust(struct call *c)
{
	const char *bid, *reason;
	int64_t amount = 0;
	int rc;

	if ((rc = str_field(c->j, "bid", false, &bid, c->rep)) ||
	    (rc = int_field(c->j, "amount", &amount, c->rep)) ||
	    (rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_adjust_record(L(c), ME(c), c->p0, c->p1, bid, amount, reason, &c->d)) ? rc :
	       ok(c, NULL);
}

static int do_explain(struct call *c)
{
	const char *bid, *question;
	int64_t deadline = 0;
	char id[TENDER_ID_LEN];
	int rc;

	if ((rc = str_field(c->j, "bid", false, &bid, c->rep)) ||
	    (rc = str_field(c->j, "question", false, &question, c->rep)) ||
	    (rc = int_field(c->j, "deadline", &deadline, c->rep)))
		return rc;
	if ((rc = ev_explain_request(L(c), ME(c), c->p0, c->p1, bid, question, deadline, id, &c->d)))
		return rc;
	return ok(c, json_pack("{s:s}", "id", id));
}

static int do_explain_answer(struct call *c)
{
	const char *text;
	int rc;

	if ((rc = str_field(c->j, "text", false, &text, c->rep)))
		return rc;
	return (rc = ev_explain_answer(L(c), ME(c), c->p0, c->p1, text, &c->d)) ? rc : ok(c, NULL);
}

static int do_disqualify(struct call *c)
{
	const char *reason;
	int rc;

	if ((rc = str_field(c->j, "reason", false, &reason, c->rep)))
		return rc;
	return (rc = ev_bid_disqualify(L(c), ME(c), c->p0, c->p1, reason, &c->d)) ? rc : ok(c, NULL);
}

static int get_explanations(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *s = NULL;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = ev_explanations(r->data->ledger, &r->who, id, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int get_review(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *s = NULL;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = ev_review_get(r->data->ledger, &r->who, id, &s)))
		return rc;
	return reply_text_json(rep, s);
}

static int post_review(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_review); }
static int post_adjust(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_adjust); }
static int post_explain(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_explain); }
static int post_explain_answer(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_explain_answer); }
static int post_disqualify(struct web_req *r, struct web_reply *rep) { return run(r, rep, 2, do_disqualify); }

/* ---- the table ---------------------------------------------------------------------------- */

#define J ET_WEB_JSON_MAX_BODY
#define RQ WEB_AUTH_REQUIRED
#define OPT WEB_AUTH_OPTIONAL
const struct web_route web_evaluation_routes[] = {
	{ "POST", "/api/experts", WEB_BODY_BUFFER, J, RQ, post_expert },
	{ "GET", "/api/experts", WEB_BODY_NONE, 0, RQ, get_experts },
	{ "POST", "/api/experts/import", WEB_BODY_BUFFER, EV_CSV_MAX, RQ, post_experts_import },
	{ "POST", "/api/experts/*/status", WEB_BODY_BUFFER, J, RQ, post_status },
	{ "POST", "/api/experts/*/relations", WEB_BODY_BUFFER, J, RQ, post_relation },
	{ "POST", "/api/experts/*/penalties", WEB_BODY_BUFFER, J, RQ, post_penalty },
	{ "POST", "/api/tenders/*/draw", WEB_BODY_BUFFER, J, RQ, post_draw },
	{ "GET", "/api/tenders/*/draw", WEB_BODY_NONE, 0, OPT, get_draw },
	{ "POST", "/api/tenders/*/draw/commit", WEB_BODY_BUFFER, J, RQ, post_commit },
	{ "POST", "/api/tenders/*/draw/reveal", WEB_BODY_BUFFER, J, RQ, post_reveal },
	{ "POST", "/api/tenders/*/panel/decline", WEB_BODY_BUFFER, J, RQ, post_decline },
	{ "POST", "/api/tenders/*/panel/replace", WEB_BODY_BUFFER, J, RQ, post_replace },
	{ "POST", "/api/tenders/*/panel/representative", WEB_BODY_BUFFER, J, RQ, post_rep },
	{ "GET", "/api/me/seats", WEB_BODY_NONE, 0, RQ, get_my_seats },
	{ "POST", "/api/tenders/*/sheets", WEB_BODY_BUFFER, J, RQ, post_sheet },
	{ "GET", "/api/tenders/*/sheets", WEB_BODY_NONE, 0, RQ, get_sheets },
	{ "POST", "/api/tenders/*/extension", WEB_BODY_BUFFER, J, RQ, post_extension },
	{ "POST", "/api/tenders/*/chair", WEB_BODY_BUFFER, J, RQ, post_chair },
	{ "POST", "/api/tenders/*/dissent", WEB_BODY_BUFFER, J, RQ, post_dissent },
	{ "POST", "/api/tenders/*/report", WEB_BODY_BUFFER, J, RQ, post_report },
	{ "GET", "/api/tenders/*/report", WEB_BODY_NONE, 0, OPT, get_report },
	{ "POST", "/api/tenders/*/report/sign", WEB_BODY_BUFFER, J, RQ, post_sign },
	{ "POST", "/api/tenders/*/lots/*/reject", WEB_BODY_BUFFER, J, RQ, post_reject },
	{ "POST", "/api/tenders/*/lots/*/review", WEB_BODY_BUFFER, J, RQ, post_review },
	{ "GET", "/api/tenders/*/review", WEB_BODY_NONE, 0, RQ, get_review },
	{ "POST", "/api/tenders/*/lots/*/adjustments", WEB_BODY_BUFFER, J, RQ, post_adjust },
	{ "POST", "/api/tenders/*/lots/*/explanations", WEB_BODY_BUFFER, J, RQ, post_explain },
	{ "GET", "/api/tenders/*/explanations", WEB_BODY_NONE, 0, RQ, get_explanations },
	{ "POST", "/api/tenders/*/explanations/*/answer", WEB_BODY_BUFFER, J, RQ, post_explain_answer },
	{ "POST", "/api/tenders/*/explanations/*/reject", WEB_BODY_BUFFER, J, RQ, post_disqualify },
	{ "POST", "/api/tenders/*/lots/*/candidates", WEB_BODY_BUFFER, J, RQ, post_candidates },
	{ "POST", "/api/tenders/*/lots/*/objections", WEB_BODY_BUFFER, J, RQ, post_objection },
	{ "POST", "/api/tenders/*/objections/*/answer", WEB_BODY_BUFFER, J, RQ, post_answer },
	{ "POST", "/api/tenders/*/lots/*/award", WEB_BODY_BUFFER, J, RQ, post_award },
	{ "POST", "/api/tenders/*/lots/*/contract", WEB_BODY_BUFFER, J, RQ, post_contract },
	{ "POST", "/api/tenders/*/deposits/release", WEB_BODY_BUFFER, J, RQ, post_release },
	{ "GET", "/api/tenders/*/result", WEB_BODY_NONE, 0, OPT, get_result },
	{ NULL, NULL, WEB_BODY_NONE, 0, WEB_AUTH_NONE, NULL },
};
