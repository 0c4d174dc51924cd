/* web/routes.c — the /api/ routes on the domain API (tender/tender.h):
 * login and bearer tokens, accounts, keys, credit, tenders, documents
 * (streamed into the blob store by SHA-256, served from an fd after the
 * download event is durable), registration, questions, clarifications,
 * two-person approvals, cancel, bids (sealed parts streamed into the blob
 * store like documents, the signed manifest, receipts, withdrawal). Role x stage checks are the domain's; this
 * file maps JSON to calls and results to HTTP (docs/api.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bidding/bidding.h"
#include "crypto/crypto.h"
#include "stats/stats.h"
#include "web/stats.h"
#include "web/web_int.h"

/* ---- helpers ------------------------------------------------------------- */

/* A domain refusal: its rule and its "中文 / English [rule]: details" message. */
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

static int body_object(struct web_req *r, json_t **out, struct web_reply *rep)
{
	json_error_t err;
	json_t *j;

	*out = NULL;
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

/* A string field: required (opt false) or optional (NULL if absent or null). */
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

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();

	for (unsigned b = 1; a && b <= TENDER_ROLE_ALL; b <<= 1)
		if ((roles & b) && json_array_append_new(a, json_string(tender_role_name(b)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *principal_json(const struct tender_principal *w)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "user", w->user, "org", w->org, "org_kind",
			 tender_org_kind_name(w->org_kind), "roles", roles_json(w->roles));
}

static int ok_json(struct web_reply *rep, json_t *j)
{
	return web_reply_json(rep, MHD_HTTP_OK, j);
}

static int ok_empty(struct web_reply *rep)
{
	return ok_json(rep, json_pack("{s:b}", "ok", 1));
}

/* ---- login, accounts ----------------------------------------------------- */

static int post_login(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL;
	const char *login, *pw;
	char token[TENDER_TOKEN_LEN];
	struct tender_principal who;
	int rc;

	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "login", false, &login, rep)) ||
	    (rc = str_field(j, "password", false, &pw, rep)))
		goto out;
	rc = tender_login(r->data->ledger, r->data->priv, login, pw, token, &who);
	if (rc == ET_EDENIED) {
		web_reply_error(rep, MHD_HTTP_UNAUTHORIZED, WEB_EAUTH, "et.auth.login",
				"登录名或密码错误", "wrong login name or password");
		goto out;
	}
	if (rc)
		goto out;
	rc = ok_json(rep, json_pack("{s:s,s:I,s:o}", "token", token, "expires_us",
				    (json_int_t)(et_clock_now_us() + TENDER_TOKEN_TTL_US), "principal",
				    principal_json(&who)));
	crypto_wipe(token, sizeof token);
out:
	json_decref(j);
	return rc;
}

static int post_logout(struct web_req *r, struct web_reply *rep)
{
	int rc = tender_token_revoke(r->data->priv, r->token);

	return rc ? rc : ok_empty(rep);
}

static int get_me(struct web_req *r, struct web_reply *rep)
{
	struct tender_user_info u;
	int rc = tender_user_get(r->data->ledger, r->who.user, &u);

	if (rc)
		return rc;
	return ok_json(rep, json_pack("{s:o,s:s,s:s}", "principal", principal_json(&r->who),
				      "x25519", u.x25519, "ed25519", u.ed25519));
}

static int post_password(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL;
	const char *o, *n;
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "old", false, &o, rep)) ||
	    (rc = str_field(j, "new", false, &n, rep)))
		goto out;
	if ((rc = tender_password_change(r->data->priv, r->who.user, o, n, &d)))
		reply_diag(rep, rc, &d);
	else
		rc = ok_empty(rep);
out:
	json_decref(j);
	return rc;
}

static int post_org(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL;
	const char *kind;
	enum tender_org_kind k;
	struct tender_org_details det;
	char id[TENDER_ID_LEN];
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	memset(&det, 0, sizeof det);
	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "kind", false, &kind, rep)) ||
	    (rc = str_field(j, "legal_name", false, &det.legal_name, rep)) ||
	    (rc = str_field(j, "credit_code", true, &det.credit_code, rep)) ||
	    (rc = str_field(j, "address", true, &det.address, rep)) ||
	    (rc = str_field(j, "phone", true, &det.phone, rep)))
		goto out;
	if (tender_org_kind_parse(kind, &k)) {
		rc = wrong_field(rep, "kind");
		goto out;
	}
	if ((rc = tender_org_register(r->data->ledger, r->data->priv, r->who.user, k, &det, id, &d)))
		reply_diag(rep, rc, &d);
	else
		rc = ok_json(rep, json_pack("{s:s}", "id", id));
out:
	json_decref(j);
	return rc;
}

static int post_user(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL, *roles, *v;
	const char *org, *login, *pw;
	struct tender_person det;
	unsigned mask = 0;
	char id[TENDER_ID_LEN];
	struct tender_diag d;
	size_t i;
	int rc;

	tender_diag_clear(&d);
	memset(&det, 0, sizeof det);
	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "org", false, &org, rep)) ||
	    (rc = str_field(j, "login", false, &login, rep)) ||
	    (rc = str_field(j, "password", false, &pw, rep)) ||
	    (rc = str_field(j, "name", true, &det.name, rep)) ||
	    (rc = str_field(j, "phone", true, &det.phone, rep)) ||
	    (rc = str_field(j, "id_number", true, &det.id_number, rep)) ||
	    (rc = str_field(j, "email", true, &det.email, rep)))
		goto out;
	roles = json_object_get(j, "roles");
	if (!json_is_array(roles) || !json_array_size(roles)) {
		rc = wrong_field(rep, "roles");
		goto out;
	}
	json_array_foreach(roles, i, v) {
		enum tender_role role;

		if (!json_is_string(v) || tender_role_parse(json_string_value(v), &role)) {
			rc = wrong_field(rep, "roles");
			goto out;
		}
		mask |= (unsigned)role;
	}
	if ((rc = tender_user_register(r->data->ledger, r->data->priv, r->who.user, org, mask, login,
				       pw, &det, id, &d)))
		reply_diag(rep, rc, &d);
	else
		rc = ok_json(rep, json_pack("{s:s}", "id", id));
out:
	json_decref(j);
	return rc;
}

static int get_user(struct web_req *r, struct web_reply *rep)
{
	struct tender_user_info u;
	char id[TENDER_ID_LEN];
	int rc;

	if (snprintf(id, sizeof id, "%s", r->params[0]) >= (int)sizeof id)
		return ET_ENOTFOUND;
	if ((rc = tender_user_get(r->data->ledger, id, &u)))
		return rc;
	return ok_json(rep, json_pack("{s:s,s:s,s:s,s:o,s:s,s:s}", "id", u.id, "org", u.org,
				      "org_kind", tender_org_kind_name(u.org_kind), "roles",
				      roles_json(u.roles), "x25519", u.x25519, "ed25519", u.ed25519));
}

static int post_credit(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL;
	const char *org, *basis;
	int64_t from = 0, until = 0;
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "org", false, &org, rep)) ||
	    (rc = str_field(j, "basis", false, &basis, rep)) ||
	    (rc = int_field(j, "from_us", &from, rep)) || (rc = int_field(j, "until_us", &until, rep)))
		goto out;
	if ((rc = tender_credit_record(r->data->ledger, r->who.user, org, basis, from, until, &d)))
		reply_diag(rep, rc, &d);
	else
		rc = ok_empty(rep);
out:
	json_decref(j);
	return rc;
}

/* ---- keys ---------------------------------------------------------------- */

static int post_key_challenge(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL;
	const char *recipient;
	char *armored = NULL;
	int rc;

	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "recipient", false, &recipient, rep)))
		goto out;
	if ((rc = tender_key_challenge(r->data->ledger, r->data->priv, r->who.user, recipient,
				       &armored)))
		goto out;
	rc = ok_json(rep, json_pack("{s:s}", "challenge", armored));
out:
	free(armored);
	json_decref(j);
	return rc;
}

static int b64_field(json_t *j, const char *name, unsigned char *out, size_t want,
		     struct web_reply *rep)
{
	const char *s;
	size_t len;

	if (str_field(j, name, false, &s, rep))
		return ET_EINVAL;
	if (et_b64_decode(s, strlen(s), out, want, &len) || len != want)
		return wrong_field(rep, name);
	return ET_OK;
}

static int post_keys(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL;
	const char *recipient, *response;
	unsigned char pub[32], sig[64];
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	if ((rc = body_object(r, &j, rep)) || (rc = str_field(j, "recipient", false, &recipient, rep)) ||
	    (rc = str_field(j, "response", false, &response, rep)) ||
	    (rc = b64_field(j, "ed25519", pub, sizeof pub, rep)) ||
	    (rc = b64_field(j, "sig", sig, sizeof sig, rep)))
		goto out;
	if ((rc = tender_key_register(r->data->ledger, r->data->priv, r->who.user, recipient, pub,
				      response, sig, &d)))
		reply_diag(rep, rc, &d);
	else
		rc = ok_empty(rep);
out:
	json_decref(j);
	return rc;
}

/* ---- tenders ------------------------------------------------------------- */

static json_t *tender_json(const struct tender_info *t)
{
	const struct tender_schedule *s = &t->schedule;
	json_t *j;

	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:{s:I,s:I,s:I,s:I,s:I},s:I,s:I,"
			 "s:i,s:i,s:s,s:s,s:s?}",
			 "id", t->id, "title", t->title, "type", t->type, "stage",
			 tender_stage_name(t->stage), "agent_org", t->agent_org, "tenderer_org",
			 t->tenderer_org, "profile", t->profile, "profile_version",
			 (int)t->profile_version, "schedule", "documents_from_us",
			 (json_int_t)s->documents_from_us, "documents_to_us",
			 (json_int_t)s->documents_to_us, "registration_deadline_us",
			 (json_int_t)s->registration_deadline_us, "question_deadline_us",
			 (json_int_t)s->question_deadline_us, "bid_deadline_us",
			 (json_int_t)s->bid_deadline_us, "original_deadline_us",
			 (json_int_t)t->original_deadline_us, "published_us",
			 (json_int_t)t->published_us, "k", (int)t->k, "n", (int)t->n,
			 "holders_state", t->holders_state, "xml_sha256", t->xml_sha256,
			 "pending_deadline_proposal",
			 t->pending_proposal[0] ? t->pending_proposal : NULL);
	/* the second person sees what it approves (G6) */
	if (j && t->pending_proposal[0] &&
	    json_object_set_new(j, "pending_deadline",
				json_pack("{s:s,s:I,s:s,s:s}", "id", t->pending_proposal, "deadline_us",
					  (json_int_t)t->pending_deadline_us, "reason", t->pending_reason,
					  "proposer", t->pending_proposer)) != 0) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* Copy path parameter i (a segment) into out; false if too long. */
static bool param(const struct web_req *r, unsigned i, char out[TENDER_ID_LEN])
{
	const char *p = r->params[i], *end = strchr(p, '/');
	size_t n = end ? (size_t)(end - p) : strlen(p);

	if (n >= TENDER_ID_LEN)
		return false;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

static int post_tender(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	if ((rc = tender_draft(r->data->ledger, r->who.user, r->body, r->body_len, id, &d)))
		return reply_diag(rep, rc, &d);
	return ok_json(rep, json_pack("{s:s,s:s}", "id", id, "stage", "draft"));
}

static int get_tenders(struct web_req *r, struct web_reply *rep)
{
	struct tender_info *v = NULL;
	size_t n = 0;
	json_t *arr;
	int rc;

	if ((rc = tender_list(r->data->ledger, r->authed ? &r->who : NULL, &v, &n)))
		return rc;
	if (!(arr = json_array())) {
		tender_list_free(v);
		return et_fail(ET_ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, tender_json(&v[i]))) {
			rc = et_fail(ET_ENOMEM);
			break;
		}
	tender_list_free(v);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	return ok_json(rep, json_pack("{s:o}", "tenders", arr));
}

static int get_tender(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_info t;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_get(r->data->ledger, r->authed ? &r->who : NULL, id, &t, NULL, NULL)))
		return rc;
	return ok_json(rep, tender_json(&t));
}

static int get_tender_xml(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_info t;
	unsigned char *xml = NULL;
	size_t len = 0;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_get(r->data->ledger, r->authed ? &r->who : NULL, id, &t, &xml, &len)))
		return rc;
	rc = web_reply_text(rep, MHD_HTTP_OK, "application/xml; charset=utf-8", (char *)xml, len);
	free(xml);
	return rc;
}

/* Commands of the form POST /api/tenders/{id}/… with an optional JSON body. */
static int tender_cmd(struct web_req *r, struct web_reply *rep,
		      int (*fn)(struct web_req *, const char *, json_t *, struct tender_diag *,
				struct web_reply *))
{
	char id[TENDER_ID_LEN];
	json_t *j = NULL;
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if (r->body_len && (rc = body_object(r, &j, rep)))
		return rc;
	if (!j && !(j = json_object()))
		return et_fail(ET_ENOMEM);
	rc = fn(r, id, j, &d, rep);
	if (rc && !rep->resp)
		reply_diag(rep, rc, &d);
	json_decref(j);
	return rc;
}

static int do_publish(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
		      struct web_reply *rep)
{
	int rc = tender_publish(r->data->ledger, r->who.user, id, d);

	(void)j;
	return rc ? rc : ok_json(rep, json_pack("{s:s,s:s}", "id", id, "stage", "published"));
}

static int do_cancel(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
		     struct web_reply *rep)
{
	const char *reason;
	int rc;

	if ((rc = str_field(j, "reason", false, &reason, rep)))
		return rc;
	rc = tender_cancel(r->data->ledger, r->who.user, id, reason, d);
	return rc ? rc : ok_json(rep, json_pack("{s:s,s:s}", "id", id, "stage", "cancelled"));
}

static int do_holder_key(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
			 struct web_reply *rep)
{
	const char *line;
	int rc;

	if ((rc = str_field(j, "line", false, &line, rep)))
		return rc;
	/* The line names its tender; it must be this one. */
	if (strncmp(line, "etender-holder-key/v1 ", 22) || strncmp(line + 22, id, strlen(id)) ||
	    line[22 + strlen(id)] != ' ')
		return wrong_field(rep, "line");
	rc = tender_holder_key_register(r->data->ledger, r->who.user, line, d);
	return rc ? rc : ok_empty(rep);
}

static int do_holders_propose(struct web_req *r, const char *id, json_t *j,
			      struct tender_diag *d, struct web_reply *rep)
{
	int rc = tender_keyholders_propose(r->data->ledger, r->who.user, id, d);

	(void)j;
	return rc ? rc : ok_json(rep, json_pack("{s:s}", "holders_state", "proposed"));
}

static int do_holders_approve(struct web_req *r, const char *id, json_t *j,
			      struct tender_diag *d, struct web_reply *rep)
{
	int rc = tender_keyholders_approve(r->data->ledger, r->who.user, id, d);

	(void)j;
	return rc ? rc : ok_json(rep, json_pack("{s:s}", "holders_state", "approved"));
}

static int do_register(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
		       struct web_reply *rep)
{
	int rc = tender_register(r->data->ledger, r->who.user, id, d);

	(void)j;
	return rc ? rc : ok_json(rep, json_pack("{s:s,s:s}", "tender", id, "org", r->who.org));
}

static int do_question(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
		       struct web_reply *rep)
{
	const char *text;
	char qid[TENDER_ID_LEN];
	int rc;

	if ((rc = str_field(j, "text", false, &text, rep)))
		return rc;
	rc = tender_question_ask(r->data->ledger, r->who.user, id, text, qid, d);
	return rc ? rc : ok_json(rep, json_pack("{s:s}", "id", qid));
}

static int do_clarify(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
		      struct web_reply *rep)
{
	const char *text, *qid;
	char cid[TENDER_ID_LEN];
	int64_t deadline = 0;
	int rc;

	if ((rc = str_field(j, "text", false, &text, rep)) ||
	    (rc = str_field(j, "question", true, &qid, rep)))
		return rc;
	rc = tender_clarify(r->data->ledger, r->who.user, id, text, qid, cid, &deadline, d);
	if (rc)
		return rc;
	return ok_json(rep, json_pack("{s:s,s:I,s:s?}", "id", cid, "deadline_us",
				      (json_int_t)deadline, "rule", d->rule[0] ? d->rule : NULL));
}

static int do_deadline_propose(struct web_req *r, const char *id, json_t *j,
			       struct tender_diag *d, struct web_reply *rep)
{
	const char *reason;
	int64_t deadline = 0;
	char pid[TENDER_ID_LEN];
	int rc;

	if ((rc = int_field(j, "deadline_us", &deadline, rep)) ||
	    (rc = str_field(j, "reason", false, &reason, rep)))
		return rc;
	rc = tender_deadline_propose(r->data->ledger, r->who.user, id, deadline, reason, pid, d);
	return rc ? rc : ok_json(rep, json_pack("{s:s}", "id", pid));
}

static int do_deadline_approve(struct web_req *r, const char *id, json_t *j,
			       struct tender_diag *d, struct web_reply *rep)
{
	const char *pid;
	int rc;

	if ((rc = str_field(j, "proposal", false, &pid, rep)))
		return rc;
	rc = tender_deadline_approve(r->data->ledger, r->who.user, id, pid, d);
	return rc ? rc : ok_empty(rep);
}

#define TENDER_CMD(name, fn) \
	static int name(struct web_req *r, struct web_reply *rep) { return tender_cmd(r, rep, fn); }
TENDER_CMD(post_publish, do_publish)
TENDER_CMD(post_cancel, do_cancel)
TENDER_CMD(post_holder_key, do_holder_key)
TENDER_CMD(post_holders_propose, do_holders_propose)
TENDER_CMD(post_holders_approve, do_holders_approve)
TENDER_CMD(post_register, do_register)
TENDER_CMD(post_question, do_question)
TENDER_CMD(post_clarify, do_clarify)
TENDER_CMD(post_deadline_propose, do_deadline_propose)
TENDER_CMD(post_deadline_approve, do_deadline_approve)

static int get_holders(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_holder_info *v = NULL;
	size_t n = 0;
	unsigned k = 0;
	json_t *arr;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_holders(r->data->ledger, r->authed ? &r->who : NULL, id, &k, &v, &n)))
		return rc;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_pack("{s:i,s:s,s:s,s:s}", "index",
							 (int)v[i].index, "holder", v[i].holder,
							 "org", v[i].org, "recipient",
							 v[i].recipient))) {
			json_decref(arr);
			arr = NULL;
		}
	tender_holders_free(v);
	if (!arr)
		return et_fail(ET_ENOMEM);
	return ok_json(rep, json_pack("{s:i,s:o}", "k", (int)k, "holders", arr));
}

static int get_questions(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_question *v = NULL;
	size_t n = 0;
	json_t *arr;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_questions(r->data->ledger, &r->who, id, &v, &n)))
		return rc;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:b}", "id", v[i].id, "text",
							 v[i].text, "answered", v[i].answered))) {
			json_decref(arr);
			arr = NULL;
		}
	tender_questions_free(v, n);
	if (!arr)
		return et_fail(ET_ENOMEM);
	return ok_json(rep, json_pack("{s:o}", "questions", arr));
}

static int get_clarifications(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_clarification *v = NULL;
	size_t n = 0;
	json_t *arr;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_clarifications(r->data->ledger, r->authed ? &r->who : NULL, id, &v, &n)))
		return rc;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s?,s:s,s:I,s:I}", "id", v[i].id,
							 "question",
							 v[i].question[0] ? v[i].question : NULL,
							 "text", v[i].text, "time_us",
							 (json_int_t)v[i].time_us, "deadline_after_us",
							 (json_int_t)v[i].deadline_after_us))) {
			json_decref(arr);
			arr = NULL;
		}
	tender_clarifications_free(v, n);
	if (!arr)
		return et_fail(ET_ENOMEM);
	return ok_json(rep, json_pack("{s:o}", "clarifications", arr));
}

static int get_registrations(struct web_req *r, struct web_reply *rep)
{
	struct tender_registration *v = NULL;
	size_t n = 0;
	json_t *arr;
	int rc;

	if ((rc = tender_my_registrations(r->data->ledger, &r->who, &v, &n)))
		return rc;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_pack("{s:s,s:s,s:I}", "tender", v[i].tender,
							 "user", v[i].user, "time_us",
							 (json_int_t)v[i].time_us))) {
			json_decref(arr);
			arr = NULL;
		}
	tender_registrations_free(v);
	if (!arr)
		return et_fail(ET_ENOMEM);
	return ok_json(rep, json_pack("{s:o}", "registrations", arr));
}

/* ---- documents ----------------------------------------------------------- */

static json_t *document_json(const struct tender_document *doc)
{
	return json_pack("{s:s,s:s,s:s,s:I,s:s,s:I}", "id", doc->id, "name", doc->name, "kind",
			 doc->kind, "size", (json_int_t)doc->size, "sha256", doc->sha256, "time_us",
			 (json_int_t)doc->time_us);
}

static int get_documents(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_document *v = NULL;
	size_t n = 0;
	json_t *arr;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_documents(r->data->ledger, r->authed ? &r->who : NULL, id, &v, &n)))
		return rc;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, document_json(&v[i]))) {
			json_decref(arr);
			arr = NULL;
		}
	tender_documents_free(v);
	if (!arr)
		return et_fail(ET_ENOMEM);
	return ok_json(rep, json_pack("{s:o}", "documents", arr));
}

/* Percent-encode name for Content-Disposition's filename* (RFC 8187). */
static int disposition(const char *name, struct et_buf *b)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = et_buf_addstr(b, "attachment; filename*=UTF-8''");

	for (const unsigned char *p = (const unsigned char *)name; !rc && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_')
			rc = et_buf_add(b, p, 1);
		else
			rc = et_buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	return rc;
}

/* GET /api/tenders/{id}/documents/{doc}: the domain authorises and records
 * the download (a durable event) first; then the blob is served from its fd. */
static int get_document(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], doc[TENDER_ID_LEN], path[4096], rel[80];
	struct tender_document meta;
	struct tender_diag d;
	struct stat st;
	struct et_buf cd;
	struct MHD_Response *resp;
	int fd = -1, rc;

	tender_diag_clear(&d);
	if (!param(r, 0, id) || !param(r, 1, doc))
		return ET_ENOTFOUND;
	/* A HEAD would record a download that never happened. */
	if (strcmp(r->method, "GET")) {
		web_reply_error(rep, 0, WEB_EMETHOD, NULL, NULL, NULL);
		return WEB_EMETHOD;
	}
	if ((rc = tender_document_download(r->data->ledger, r->who.user, id, doc, &meta, &d)))
		return reply_diag(rep, rc, &d);
	if (strlen(meta.sha256) != 64 ||
	    snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, meta.sha256) >= (int)sizeof rel ||
	    web_path(r->data->dir, rel, path, sizeof path))
		return et_fail(ET_EINVAL);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return et_fail(ET_EIO);
	if (fstat(fd, &st) || (uint64_t)st.st_size != meta.size) {
		close(fd);
		et_log(ET_LOG_ERROR, "blob %s: size differs from the record", meta.sha256);
		return et_fail(ET_EIO);
	}
	if (!(resp = MHD_create_response_from_fd64(meta.size, fd))) {
		close(fd);
		return et_fail(ET_ENOMEM);
	}
	et_buf_init(&cd, 1024);
	if (!disposition(meta.name, &cd))
		(void)MHD_add_response_header(resp, "Content-Disposition", (char *)cd.data);
	et_buf_free(&cd);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	(void)MHD_add_response_header(resp, "X-Content-SHA256", meta.sha256);
	(void)MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rep->resp)
		MHD_destroy_response(rep->resp);
	rep->resp = resp;
	rep->status = MHD_HTTP_OK;
	return ET_OK;
}

/* An upload in progress: a temporary file in the blob store, hashed as it
 * is written. */
struct upload {
	int fd;
	char tmp[4096];
	struct crypto_sha256 *h;
	uint64_t size;
};

static void upload_free(struct upload *u)
{
	if (!u)
		return;
	if (u->fd >= 0) {
		close(u->fd);
		unlink(u->tmp);
	}
	if (u->h)
		crypto_sha256_free(u->h);
	free(u);
}

/* Before a byte of an upload is read: the tender exists for the caller and
 * the caller is one of its agents. Only a filter against filling the disk
 * with refused uploads: the domain decides when the upload is complete. */
static int upload_precheck(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct tender_info t;
	int rc;

	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = tender_get(r->data->ledger, &r->who, id, &t, NULL, NULL)))
		return rc;
	if (!(r->who.roles & TENDER_ROLE_AGENT) ||
	    (strcmp(r->who.org, t.agent_org) && strcmp(r->who.org, t.tenderer_org))) {
		web_reply_error(rep, MHD_HTTP_FORBIDDEN, ET_EDENIED, "et.auth.org",
				"只有本项目的招标代理可上传文件",
				"only the tender's agent may upload documents");
		return ET_EDENIED;
	}
	return ET_OK;
}

int web_routes_stream_begin(struct web_req *r, struct web_reply *rep)
{
	struct upload *u = NULL;
	char rel[64];
	int rc;

	if ((rc = upload_precheck(r, rep)))
		return rc;
	if (!(u = calloc(1, sizeof *u)))
		return et_fail(ET_ENOMEM);
	u->fd = -1;
	if (!(u->h = crypto_sha256_new())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (int tries = 0; tries < 8 && u->fd < 0; tries++) {
		unsigned char rnd[12];
		char hex[25];

		if ((rc = crypto_random(rnd, sizeof rnd)))
			goto out;
		et_hex_encode(rnd, sizeof rnd, hex);
		if (snprintf(rel, sizeof rel, "%s/.upload-%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
		    (rc = web_path(r->data->dir, rel, u->tmp, sizeof u->tmp)))
			goto out;
		u->fd = open(u->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (u->fd < 0 && errno != EEXIST) {
			rc = et_fail(ET_EIO);
			goto out;
		}
	}
	if (u->fd < 0) {
		rc = et_fail(ET_EIO);
		goto out;
	}
	r->stream = u;
	u = NULL;
	rc = ET_OK;
out:
	upload_free(u);
	return rc;
}

int web_routes_stream_data(struct web_req *r, const char *p, size_t n, struct web_reply *rep)
{
	struct upload *u = r->stream;

	if (n > ET_WEB_UPLOAD_MAX - u->size) {
		web_reply_error(rep, MHD_HTTP_CONTENT_TOO_LARGE, ET_ELIMIT, NULL, "文件过大",
				"file too large");
		return ET_ELIMIT;
	}
	if (et_write_all(u->fd, p, n))
		return et_fail(ET_EIO);
	crypto_sha256_update(u->h, p, n);
	u->size += n;
	return ET_OK;
}

void web_routes_stream_abort(struct web_req *r)
{
	upload_free(r->stream);
	r->stream = NULL;
}

/* Finish an upload: its SHA-256 (hex in hex, raw in sha), fsync, rename
 * to blobs/<hex> unless the same bytes are stored already (*created says
 * which), fsync of the folder. final receives the blob's path. */
static int upload_store(struct web_req *r, struct upload *u, unsigned char sha[32],
			char hex[65], char final[4096], bool *created)
{
	char rel[80], dir[4096];
	int rc = ET_ELIMIT, dfd;

	crypto_sha256_final(u->h, sha);
	u->h = NULL;
	et_hex_encode(sha, 32, hex);
	if (fsync(u->fd))
		return et_fail(ET_EIO);
	if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    (rc = web_path(r->data->dir, rel, final, 4096)) ||
	    (rc = web_path(r->data->dir, WEB_DIR_BLOBS, dir, sizeof dir)))
		return rc;
	/* Same bytes stored already: keep the existing blob. */
	*created = access(final, F_OK) != 0;
	if (*created && rename(u->tmp, final) != 0)
		return et_fail(ET_EIO);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	close(u->fd);
	u->fd = -1;
	unlink(u->tmp);
	return ET_OK;
}

/* POST /api/tenders/{id}/documents?name=N&kind=K, body = the file. The blob
 * is made durable under its SHA-256 before the event names it. */
static int post_document(struct web_req *r, struct web_reply *rep)
{
	struct upload *u = r->stream;
	char id[TENDER_ID_LEN], did[TENDER_ID_LEN], hex[65], final[4096];
	struct tender_document_new doc;
	struct tender_diag d;
	bool created;
	int rc;

	tender_diag_clear(&d);
	if (!u)
		return et_fail(ET_EINVAL);
	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	doc.name = web_query(r, "name");
	doc.kind = web_query(r, "kind");
	if (!doc.name || !doc.kind) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"须提供查询参数 name 与 kind", "query arguments name and kind are required");
		return ET_EINVAL;
	}
	doc.size = u->size;
	if ((rc = upload_store(r, u, doc.sha256, hex, final, &created)))
		return rc;
	if ((rc = tender_document_upload(r->data->ledger, r->who.user, id, &doc, did, &d))) {
		/* Refused: a blob this upload created is no one's. (An identical
		 * upload accepted in the same instant would lose it: verify names
		 * such a document.) */
		if (created)
			unlink(final);
		return reply_diag(rep, rc, &d);
	}
	return ok_json(rep, json_pack("{s:s,s:s,s:I}", "id", did, "sha256", hex, "size",
				      (json_int_t)doc.size));
}

/* ---- bids ---------------------------------------------------------------- */

/* The receipt of a submitted bid: everything audit_ledger_receipt gives
 * (the latest signed checkpoint, the leaf's index and inclusion proof) and
 * the leaf itself, with the manifest hash, the time of receipt and the
 * opening of the leaf's commitment (salt, blind and the event's encoding,
 * whose payload names tender, bid, manifest hash and arrival), which the
 * ledger gives to the event's owner only. */
static json_t *receipt_json(struct web_data *d, const char *owner, const char *tender,
			    const struct bid_receipt *br, int64_t arrival_us, int *rc)
{
	char *note = NULL, mhex[65], *b64 = NULL, *ev64 = NULL;
	char salt64[4 * ((AUDIT_SALT_LEN + 2) / 3) + 1], blind64[sizeof salt64];
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL, *leaf = NULL;
	size_t nproof = 0, llen = 0;
	uint64_t size = 0;
	json_t *j = NULL, *arr = NULL;
	struct audit_conf_opening op;

	memset(&op, 0, sizeof op);
	if ((*rc = audit_ledger_receipt(d->ledger, br->index, &note, &size, &proof, &nproof)) ||
	    (*rc = audit_ledger_leaf(d->ledger, br->index, &leaf, &llen)) ||
	    (*rc = audit_ledger_opening(d->ledger, br->index, owner, &op)))
		goto out;
	*rc = et_fail(ET_ENOMEM);
	if (!(ev64 = malloc(et_b64_encoded_len(op.enc_len) + 1)))
		goto out;
	et_b64_encode(op.enc, op.enc_len, ev64);
	et_b64_encode(op.salt, AUDIT_SALT_LEN, salt64);
	et_b64_encode(op.blind, AUDIT_SALT_LEN, blind64);
	if (!(arr = json_array()))
		goto out;
	for (size_t i = 0; i < nproof; i++) {
		char h[4 * ((AUDIT_HASH_LEN + 2) / 3) + 1];

		et_b64_encode(proof[i], AUDIT_HASH_LEN, h);
		if (json_array_append_new(arr, json_string(h)))
			goto out;
	}
	if (!(b64 = malloc(et_b64_encoded_len(llen) + 1)))
		goto out;
	et_b64_encode(leaf, llen, b64);
	et_hex_encode(br->manifest_sha256, 32, mhex);
	j = json_pack("{s:s,s:s,s:s,s:s?,s:I,s:I,s:s,s:O,s:s,s:s,s:I,s:{s:s,s:s,s:s}}", "format",
		      "etender-receipt/v2", "tender", tender, "bid", br->bid, "replaced",
		      br->replaced[0] ? br->replaced : NULL, "index", (json_int_t)br->index,
		      "checkpoint_size", (json_int_t)size, "checkpoint", note, "proof", arr,
		      "leaf", b64, "manifest_sha256", mhex, "arrival_us", (json_int_t)arrival_us,
		      "opening", "salt", salt64, "blind", blind64, "event", ev64);
	if (j)
		*rc = ET_OK;
out:
	if (op.enc)
		crypto_wipe(op.enc, op.enc_len);
	free(op.enc);
	crypto_wipe(&op, sizeof op);
	crypto_wipe(salt64, sizeof salt64);
	crypto_wipe(blind64, sizeof blind64);
	free(ev64);
	json_decref(arr);
	free(b64);
	free(leaf);
	free(proof);
	free(note);
	return j;
}

/* Is the manifest in the body the one of the caller's bid m->bid in the
 * log? Then br and *arrival describe that bid ("replaced" is not told again). */
static bool repeated_bid(struct web_req *r, const char *tender, const struct bid_manifest *m,
			 struct bid_receipt *br, int64_t *arrival)
{
	struct bid_info *v = NULL;
	size_t n = 0;
	unsigned char mh[32];
	char hex[65];
	bool same = false;

	crypto_sha256(r->body, r->body_len, mh);
	et_hex_encode(mh, 32, hex);
	if (bid_my_bids(r->data->ledger, &r->who, tender, &v, &n))
		return false;
	for (size_t i = 0; i < n && !same; i++)
		if (!strcmp(v[i].bid, m->bid) && !strcmp(v[i].manifest_sha256, hex)) {
			memset(br, 0, sizeof *br);
			br->index = v[i].index;
			snprintf(br->bid, sizeof br->bid, "%s", m->bid);
			memcpy(br->manifest_sha256, mh, 32);
			*arrival = v[i].arrival_us;
			same = true;
		}
	bid_info_free(v);
	return same;
}

/* POST /api/tenders/{id}/bids, body = the signed manifest (text). Its parts
 * must have been uploaded by the caller. The bid's last byte is the later of
 * the last part's and the manifest's (the manifest completes the bid: parts
 * uploaded before the deadline cannot be chosen among after it). The answer
 * comes after the event is durable. */
static int post_bid_at(struct web_req *r, struct web_reply *rep, int64_t arrival);

static int post_bid(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	int64_t arrival;
	int slot, rc;

	/* the whole body is in: the manifest's last byte arrived. The close
	 * waits for this submission if it arrived before the deadline. */
	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = web_inflight_begin(r->data, id, &arrival, &slot))) {
		web_reply_error(rep, MHD_HTTP_SERVICE_UNAVAILABLE, rc, NULL,
				"同时提交的投标过多，请稍后重试",
				"too many submissions at once; try again shortly");
		return rc;
	}
	rc = post_bid_at(r, rep, arrival);
	web_inflight_end(r->data, slot);
	return rc;
}

static int post_bid_at(struct web_req *r, struct web_reply *rep, int64_t arrival)
{
	char id[TENDER_ID_LEN];
	struct bid_manifest m;
	struct bid_part_ref parts[BID_MAX_PARTS];
	struct bid_receipt br;
	struct bid_blobs blobs = { web_blob_open, r->data };
	struct tender_diag d;
	char *meta = NULL;
	json_t *j;
	int rc;

	tender_diag_clear(&d);
	if (!param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = bid_manifest_parse(r->body, r->body_len, &m, &d)))
		return reply_diag(rep, rc, &d);
	/* every part a completed upload session of the caller (upload.c); the
	 * sweep is held off until the bid names them */
	web_upload_submit_lock(r->data, true);
	if ((rc = web_upload_parts(r, id, &m, parts, &arrival, &meta, rep)))
		goto out;
	if ((rc = bid_submit(r->data->ledger, &blobs, r->who.user, r->body, r->body_len, parts,
			     m.nparts, arrival, meta, &br, &d))) {
		/* the same manifest again (its answer was lost: a broken
		 * connection, a crash): the receipt of the bid in the log */
		if (rc == ET_EEXIST && !strcmp(d.rule, "et.bid.exists") &&
		    repeated_bid(r, id, &m, &br, &arrival)) {
			rc = ET_OK;
			goto receipt;
		}
		reply_diag(rep, rc, &d);
		goto out;
	}
receipt:
	web_upload_submitted(r, id, &m);
	if (!(j = receipt_json(r->data, r->who.user, id, &br, arrival, &rc)))
		goto out;
	rc = ok_json(rep, j);
out:
	web_upload_submit_lock(r->data, false);
	free(meta);
	return rc;
}

static int do_bid_withdraw(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
			   struct web_reply *rep)
{
	char bid[TENDER_ID_LEN];
	int rc;

	(void)j;
	if (!param(r, 1, bid))
		return ET_ENOTFOUND;
	rc = bid_withdraw(r->data->ledger, r->who.user, id, bid, d);
	return rc ? rc : ok_json(rep, json_pack("{s:s,s:s}", "bid", bid, "status", "withdrawn"));
}

static int post_bid_withdraw(struct web_req *r, struct web_reply *rep)
{
	return tender_cmd(r, rep, do_bid_withdraw);
}

static int do_bid_reconfirm(struct web_req *r, const char *id, json_t *j, struct tender_diag *d,
			    struct web_reply *rep)
{
	char bid[TENDER_ID_LEN];
	uint64_t version = 0;
	int rc;

	(void)j;
	if (!param(r, 1, bid))
		return ET_ENOTFOUND;
	rc = bid_reconfirm(r->data->ledger, r->who.user, id, bid, &version, d);
	return rc ? rc : ok_json(rep, json_pack("{s:s,s:I}", "bid", bid, "version",
						 (json_int_t)version));
}

static int post_bid_reconfirm(struct web_req *r, struct web_reply *rep)
{
	return tender_cmd(r, rep, do_bid_reconfirm);
}

/* The caller's firm's notices (amendments after its live bids). */
static int get_notices(struct web_req *r, struct web_reply *rep)
{
	json_t *arr = NULL;
	int rc;

	if ((rc = bid_notices(r->data->ledger, &r->who, &arr)))
		return rc;
	return ok_json(rep, json_pack("{s:o}", "notices", arr));
}

/* ---- shared with opening.c ------------------------------------------------ */

int web_reply_diag(struct web_reply *rep, int rc, const struct tender_diag *d)
{
	return reply_diag(rep, rc, d);
}

int web_body_object(struct web_req *r, json_t **out, struct web_reply *rep)
{
	return body_object(r, out, rep);
}

int web_str_field(json_t *j, const char *name, bool opt, const char **out, struct web_reply *rep)
{
	return str_field(j, name, opt, out, rep);
}

bool web_param(const struct web_req *r, unsigned i, char out[TENDER_ID_LEN])
{
	return param(r, i, out);
}

/* ---- the table ----------------------------------------------------------- */

#define J ET_WEB_JSON_MAX_BODY
const struct web_route web_domain_routes[] = {
	{ "POST", "/api/login", WEB_BODY_BUFFER, J, WEB_AUTH_NONE, post_login },
	{ "POST", "/api/logout", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, post_logout },
	{ "GET", "/api/me", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_me },
	{ "POST", "/api/me/password", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_password },
	{ "POST", "/api/me/keys/challenge", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_key_challenge },
	{ "POST", "/api/me/keys", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_keys },
	{ "GET", "/api/me/registrations", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_registrations },
	{ "POST", "/api/orgs", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_org },
	{ "POST", "/api/users", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_user },
	{ "GET", "/api/users/*", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_user },
	{ "POST", "/api/credit", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_credit },
	{ "POST", "/api/tenders", WEB_BODY_BUFFER, ET_TENDER_DRAFT_MAX_XML, WEB_AUTH_REQUIRED,
	  post_tender },
	{ "GET", "/api/tenders", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, get_tenders },
	{ "GET", "/api/tenders/*", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, get_tender },
	{ "GET", "/api/tenders/*/xml", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, get_tender_xml },
	{ "POST", "/api/tenders/*/publish", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_publish },
	{ "POST", "/api/tenders/*/cancel", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_cancel },
	{ "POST", "/api/tenders/*/holder-keys", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_holder_key },
	{ "POST", "/api/tenders/*/holders/propose", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_holders_propose },
	{ "POST", "/api/tenders/*/holders/approve", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_holders_approve },
	{ "GET", "/api/tenders/*/holders", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, get_holders },
	{ "POST", "/api/tenders/*/documents", WEB_BODY_STREAM, ET_WEB_UPLOAD_MAX, WEB_AUTH_REQUIRED,
	  post_document },
	{ "GET", "/api/tenders/*/documents", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, get_documents },
	{ "GET", "/api/tenders/*/documents/*", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_document },
	{ "POST", "/api/tenders/*/register", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_register },
	{ "POST", "/api/tenders/*/questions", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, post_question },
	{ "GET", "/api/tenders/*/questions", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_questions },
	{ "POST", "/api/tenders/*/clarifications", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_clarify },
	{ "GET", "/api/tenders/*/clarifications", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL,
	  get_clarifications },
	{ "POST", "/api/tenders/*/deadline/propose", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_deadline_propose },
	{ "POST", "/api/tenders/*/deadline/approve", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_deadline_approve },
	{ "POST", "/api/tenders/*/bids", WEB_BODY_BUFFER, BID_MANIFEST_MAX, WEB_AUTH_REQUIRED,
	  post_bid },
	{ "POST", "/api/tenders/*/bids/*/withdraw", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_bid_withdraw },
	{ "POST", "/api/tenders/*/bids/*/reconfirm", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  post_bid_reconfirm },
	{ "GET", "/api/me/notices", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_notices },
	{ "POST", "/api/stats/import", WEB_BODY_BUFFER, ET_STATS_CSV_MAX_BYTES, WEB_AUTH_REQUIRED,
	  web_stats_import },
	{ "GET", "/api/stats", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, web_stats_report },
	/* the close and the opening ceremony (opening.c) */
	{ "GET", "/api/tenders/*/bidding", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, web_get_bidding },
	{ "POST", "/api/tenders/*/reference", WEB_BODY_BUFFER, 64 * 1024, WEB_AUTH_REQUIRED,
	  web_post_reference },
	{ "POST", "/api/tenders/*/close", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, web_post_close },
	{ "GET", "/api/tenders/*/close", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, web_get_close },
	{ "POST", "/api/tenders/*/keys/release", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  web_post_release },
	{ "GET", "/api/tenders/*/opening", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, web_get_opening },
	{ "GET", "/api/tenders/*/bids/*/xml", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, web_get_bid_xml },
	{ "GET", "/api/tenders/*/bids/*/parts/*", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED,
	  web_get_bid_part },
	{ "POST", "/api/tenders/*/opening/confirm", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  web_post_confirm },
	{ "POST", "/api/tenders/*/opening/object", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  web_post_object },
	{ "POST", "/api/deposits", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED, web_post_deposit },
	{ "POST", "/api/deposits/*/return", WEB_BODY_BUFFER, J, WEB_AUTH_REQUIRED,
	  web_post_deposit_return },
	{ "GET", "/api/deposits/due", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, web_get_deposits_due },
	{ NULL, NULL, WEB_BODY_NONE, 0, WEB_AUTH_NONE, NULL },
};
