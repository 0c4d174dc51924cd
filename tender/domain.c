/* tender/domain.c — the tender domain as a ledger module: projection schema,
 * the tables replay compares, one deterministic apply function per event
 * kind, and helpers the commands and queries share (ids, SQL binding,
 * canonical JSON payloads, actor and tender lookups).
 *
 * Invariants of the projection (kept by the apply functions alone):
 *  - td_org / td_user / td_key hold pseudonymous ids, kinds, roles, public
 *    keys and the hashes of private details; never a name of a person, a
 *    login, a password or token hash (those live in the private store).
 *  - td_tender.stage follows draft -> published -> cancelled (closing and
 *    later stages arrive with the next issues); deadline is the current
 *    bid deadline, original_deadline the one of the record.
 *  - td_registration, td_download, td_question come from confidential
 *    events only; queries never show them to anyone but the acting firm
 *    until the tender is closed (G4).
 * Apply functions read only the event, its index and these tables. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "tender/tender_int.h"

/* ---- small helpers ------------------------------------------------------ */

int td_new_id(const char *prefix, char out[TENDER_ID_LEN])
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[10];
	size_t pl = strlen(prefix), i;
	int rc;

	if (pl + 17 > TENDER_ID_LEN)
		return et_fail(ET_EINVAL);
	if ((rc = crypto_random(r, sizeof r)))
		return rc;
	memcpy(out, prefix, pl);
	/* 80 bits -> 16 base32 characters */
	for (i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 5, v = 0;
		for (unsigned b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((r[bit / 8] >> (7 - bit % 8)) & 1u);
		out[pl + i] = alpha[v];
	}
	out[pl + 16] = 0;
	return ET_OK;
}


int td_json_dump(json_t *pl, char **out, size_t *len)
{
	*out = json_dumps(pl, TD_JSON_FLAGS);
	if (!*out)
		return et_fail(ET_ENOMEM);
	*len = strlen(*out);
	return ET_OK;
}

/* G7: every event names the rules its command checked before emitting it
 * (refusals name the one that failed). deadline.changed names its cause in
 * its own "rule" field (cn.reg.21 for a late clarification, et.two_person
 * for an approved change), which is copied here. */
static const struct {
	const char *kind;
	const char *rules[12];
} event_rules[] = {
	{ "org.registered", { "et.auth.role", "et.account.org_kind", "et.bootstrap.once" } },
	{ "user.registered",
	  { "et.auth.role", "et.account.org", "et.account.login", "et.password.length" } },
	{ "key.registered", { "et.keys.pop", "et.keys.signature" } },
	{ "credit.recorded", { "et.auth.role", "et.account.org" } },
	{ "tender.drafted",
	  { "et.auth.role", "et.auth.org", "et.tender.exists", "et.tender.orgs", "et.tender.size",
	    "et.keys.k_min", "et.keys.orgs", "et.schedule.order", "cn.reg.16", "cn.law.24" } },
	{ "holder_key.registered",
	  { "et.auth.role", "et.auth.stage", "et.keys.line", "et.keys.holder", "et.keys.signer",
	    "et.keys.signature", "et.keys.recipient", "et.keys.fresh" } },
	{ "keyholders.proposed",
	  { "et.auth.role", "et.auth.org", "et.auth.stage", "et.keys.k_min", "et.keys.orgs",
	    "et.keys.holder", "et.keys.unregistered" } },
	{ "keyholders.approved",
	  { "et.auth.role", "et.auth.stage", "et.keys.proposed", "et.two_person" } },
	{ "tender.published",
	  { "et.auth.role", "et.auth.org", "et.auth.stage", "et.keys.approved",
	    "et.publish.schedule" } },
	{ "document.uploaded", { "et.auth.role", "et.auth.org", "et.auth.stage", "et.deadline.passed" } },
	{ "document.downloaded", { "et.auth.role", "et.reg.required", "et.deadline.passed" } },
	{ "registration.made",
	  { "et.auth.role", "et.auth.org", "et.deadline.passed", "et.reg.window", "et.credit.barred",
	    "et.reg.exists" } },
	{ "question.asked", { "et.auth.role", "et.reg.required", "et.question.deadline" } },
	{ "clarification.published",
	  { "et.auth.role", "et.auth.org", "et.deadline.passed", "cn.reg.21" } },
	{ "deadline.change_proposed",
	  { "et.auth.role", "et.auth.org", "et.deadline.passed", "et.deadline.order", "cn.reg.21",
	    "cn.law.24" } },
	{ "tender.cancelled", { "et.auth.role", "et.auth.org", "et.auth.stage" } },
};

static int name_rules(const char *kind, json_t *pl)
{
	json_t *arr = json_array(), *rule = json_object_get(pl, "rule");
	size_t i, j;

	if (!arr)
		return et_fail(ET_ENOMEM);
	for (i = 0; i < sizeof event_rules / sizeof event_rules[0]; i++)
		if (!strcmp(event_rules[i].kind, kind))
			for (j = 0; j < 12 && event_rules[i].rules[j]; j++)
				if (json_array_append_new(arr, json_string(event_rules[i].rules[j]))) {
					json_decref(arr);
					return et_fail(ET_ENOMEM);
				}
	if (json_is_string(rule) && json_array_append(arr, rule)) {
		json_decref(arr);
		return et_fail(ET_ENOMEM);
	}
	return json_object_set_new(pl, "rules", arr) ? et_fail(ET_ENOMEM) : ET_OK;
}

int td_emit(struct audit_tx *tx, const char *kind, const char *actor, const char *tender,
	    json_t *pl, bool confidential, uint64_t *index)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!pl)
		return et_fail(ET_ENOMEM);
	if ((rc = name_rules(kind, pl)))
		return rc;
	if ((rc = td_json_dump(pl, &buf, &len)))
		return rc;
	struct audit_event ev = { kind, 1, 0, actor, tender ? tender : "",
				  (const unsigned char *)buf, len, confidential };
	rc = audit_tx_emit(tx, &ev, index);
	free(buf);
	return rc;
}

json_t *tender_event_payload(const struct audit_event *ev)
{
	json_error_t err;
	json_t *o;

	if (!ev->payload || !ev->payload_len)
		return NULL;
	o = json_loadb((const char *)ev->payload, ev->payload_len, JSON_REJECT_DUPLICATES, &err);
	if (o && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int tender_json_str(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return et_fail(ET_EINVAL);
	*out = json_string_value(v);
	return ET_OK;
}

int tender_json_int(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return et_fail(ET_EINVAL);
	*out = (int64_t)json_integer_value(v);
	return ET_OK;
}

/* ---- names -------------------------------------------------------------- */

static const char *const role_names[] = { "admin", "agent", "bidder", "keyholder",
					  "expert", "supervisor", "statistician" };
static const char *const kind_names[] = { "center", "tenderer", "agent", "bidder", "supervisor" };
static const char *const stage_names[] = { "draft", "published", "cancelled", "closed" };

const char *tender_role_name(enum tender_role r)
{
	for (unsigned i = 0; i < 7; i++)
		if ((unsigned)r == 1u << i)
			return role_names[i];
	return NULL;
}

const char *tender_org_kind_name(enum tender_org_kind k)
{
	return (unsigned)k < 5 ? kind_names[k] : NULL;
}

const char *tender_stage_name(enum tender_stage s)
{
	return (unsigned)s < 4 ? stage_names[s] : NULL;
}

int tender_role_parse(const char *s, enum tender_role *out)
{
	for (unsigned i = 0; s && i < 7; i++)
		if (!strcmp(s, role_names[i])) {
			*out = (enum tender_role)(1u << i);
			return ET_OK;
		}
	return ET_EINVAL;
}

int tender_org_kind_parse(const char *s, enum tender_org_kind *out)
{
	for (unsigned i = 0; s && i < 5; i++)
		if (!strcmp(s, kind_names[i])) {
			*out = (enum tender_org_kind)i;
			return ET_OK;
		}
	return ET_EINVAL;
}

int td_stage_parse(const char *s, enum tender_stage *out)
{
	for (unsigned i = 0; s && i < 4; i++)
		if (!strcmp(s, stage_names[i])) {
			*out = (enum tender_stage)i;
			return ET_OK;
		}
	return et_fail(ET_EINVAL);
}

unsigned td_roles_allowed(enum tender_org_kind k)
{
	switch (k) {
	case TENDER_ORG_CENTER:
		return TENDER_ROLE_ADMIN | TENDER_ROLE_KEYHOLDER | TENDER_ROLE_STATISTICIAN |
		       TENDER_ROLE_EXPERT;
	case TENDER_ORG_TENDERER:
	case TENDER_ORG_AGENT:
		return TENDER_ROLE_AGENT | TENDER_ROLE_KEYHOLDER | TENDER_ROLE_EXPERT;
	case TENDER_ORG_BIDDER:
		return TENDER_ROLE_BIDDER | TENDER_ROLE_EXPERT;
	case TENDER_ORG_SUPERVISOR:
		return TENDER_ROLE_SUPERVISOR | TENDER_ROLE_KEYHOLDER | TENDER_ROLE_STATISTICIAN |
		       TENDER_ROLE_EXPERT;
	}
	return 0;
}

/* ---- lookups -------------------------------------------------------------- */

int td_actor_load(sqlite3 *db, const char *user, struct tender_principal *p,
		  struct tender_diag *d)
{
	sqlite3_stmt *st = NULL;
	char kind[16];
	int rc, s;

	memset(p, 0, sizeof *p);
	if (!user || !*user || strlen(user) >= TENDER_ID_LEN)
		return tender_diag_set(d, ET_EDENIED, "et.auth.unknown", "未知用户", "unknown user",
				       "%s", user ? "bad id" : "no actor");
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT u.id, u.org, u.roles, o.kind FROM td_user u JOIN td_org o"
			     " ON o.id = u.org WHERE u.id = ?1", "t", user)))
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		audit_sql_col_text(st, 0, p->user, sizeof p->user);
		audit_sql_col_text(st, 1, p->org, sizeof p->org);
		p->roles = (unsigned)sqlite3_column_int64(st, 2);
		audit_sql_col_text(st, 3, kind, sizeof kind);
		rc = tender_org_kind_parse(kind, &p->org_kind) ? et_fail(ET_EDB) : ET_OK;
	} else if (s == SQLITE_DONE) {
		rc = tender_diag_set(d, ET_EDENIED, "et.auth.unknown", "未知用户", "unknown user",
				     "%s", user);
	} else {
		rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

int td_need_role(const struct tender_principal *p, unsigned roles, const char *what,
		 struct tender_diag *d)
{
	if (p->roles & roles)
		return ET_OK;
	return tender_diag_set(d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
			       "the actor's roles do not allow this", "%s", what);
}

int td_tender_load(sqlite3 *db, const char *id, struct td_tender *t, struct tender_diag *d)
{
	sqlite3_stmt *st = NULL;
	char stage[16];
	int rc, s;

	memset(t, 0, sizeof *t);
	if (!id || !*id || strlen(id) >= TENDER_ID_LEN)
		return tender_diag_set(d, ET_ENOTFOUND, NULL, "无此项目", "no such tender", "%s",
				       "bad id");
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT id, stage, agent_org, tenderer_org, profile, profile_version,"
			     " documents_from, documents_to, reg_deadline, q_deadline, deadline,"
			     " original_deadline, published_us, k, n, holders_state,"
			     " holders_proposed_by, holders_proposal_idx, xml_sha256, title, type"
			     " FROM td_tender WHERE id = ?1", "t", id)))
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		audit_sql_col_text(st, 0, t->id, sizeof t->id);
		audit_sql_col_text(st, 1, stage, sizeof stage);
		audit_sql_col_text(st, 2, t->agent_org, sizeof t->agent_org);
		audit_sql_col_text(st, 3, t->tenderer_org, sizeof t->tenderer_org);
		audit_sql_col_text(st, 4, t->profile, sizeof t->profile);
		t->version = (unsigned)sqlite3_column_int64(st, 5);
		t->s.documents_from_us = sqlite3_column_int64(st, 6);
		t->s.documents_to_us = sqlite3_column_int64(st, 7);
		t->s.registration_deadline_us = sqlite3_column_int64(st, 8);
		t->s.question_deadline_us = sqlite3_column_int64(st, 9);
		t->s.bid_deadline_us = sqlite3_column_int64(st, 10);
		t->original_deadline_us = sqlite3_column_int64(st, 11);
		t->published_us = sqlite3_column_int64(st, 12);
		t->k = (unsigned)sqlite3_column_int64(st, 13);
		t->n = (unsigned)sqlite3_column_int64(st, 14);
		audit_sql_col_text(st, 15, t->holders_state, sizeof t->holders_state);
		audit_sql_col_text(st, 16, t->holders_proposed_by, sizeof t->holders_proposed_by);
		t->holders_proposal_idx = sqlite3_column_int64(st, 17);
		audit_sql_col_text(st, 18, t->xml_sha256, sizeof t->xml_sha256);
		audit_sql_col_text(st, 19, t->title, sizeof t->title);
		audit_sql_col_text(st, 20, t->type, sizeof t->type);
		rc = td_stage_parse(stage, &t->stage);
	} else if (s == SQLITE_DONE) {
		rc = tender_diag_set(d, ET_ENOTFOUND, NULL, "无此项目", "no such tender", "%s", id);
	} else {
		rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

bool td_is_tender_agent(const struct tender_principal *p, const struct td_tender *t)
{
	return (p->roles & TENDER_ROLE_AGENT) &&
	       (!strcmp(p->org, t->agent_org) || !strcmp(p->org, t->tenderer_org));
}

int td_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx, struct tender_diag *d)
{
	int rc;

	if (!l)
		return et_fail(ET_EINVAL);
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

/* ---- schema ---------------------------------------------------------------- */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS td_org(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT,"
	" details_sha256 TEXT NOT NULL, idx INTEGER NOT NULL, time_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS td_user(id TEXT PRIMARY KEY, org TEXT NOT NULL REFERENCES td_org(id),"
	" roles INTEGER NOT NULL, details_sha256 TEXT NOT NULL, idx INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS td_key(user TEXT PRIMARY KEY, x25519 TEXT NOT NULL,"
	" ed25519 TEXT NOT NULL, sig TEXT NOT NULL, idx INTEGER NOT NULL, time_us INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS td_key_x ON td_key(x25519);"
	"CREATE TABLE IF NOT EXISTS td_credit(idx INTEGER PRIMARY KEY, org TEXT NOT NULL,"
	" basis TEXT NOT NULL, from_us INTEGER NOT NULL, until_us INTEGER NOT NULL,"
	" actor TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS td_credit_org ON td_credit(org);"
	"CREATE TABLE IF NOT EXISTS td_tender(id TEXT PRIMARY KEY, stage TEXT NOT NULL,"
	" title TEXT NOT NULL, type TEXT NOT NULL, agent_org TEXT NOT NULL, tenderer_org TEXT NOT NULL,"
	" profile TEXT NOT NULL, profile_version INTEGER NOT NULL, xml BLOB NOT NULL,"
	" xml_sha256 TEXT NOT NULL, k INTEGER NOT NULL, n INTEGER NOT NULL,"
	" documents_from INTEGER NOT NULL, documents_to INTEGER NOT NULL,"
	" reg_deadline INTEGER NOT NULL, q_deadline INTEGER NOT NULL, deadline INTEGER NOT NULL,"
	" original_deadline INTEGER NOT NULL, drafted_by TEXT NOT NULL, drafted_idx INTEGER NOT NULL,"
	" published_us INTEGER NOT NULL DEFAULT 0, published_idx INTEGER,"
	" holders_state TEXT NOT NULL, holders_proposed_by TEXT NOT NULL DEFAULT '',"
	" holders_proposal_idx INTEGER NOT NULL DEFAULT 0, holders_approved_by TEXT NOT NULL DEFAULT '',"
	" cancelled_idx INTEGER, cancel_reason TEXT);"
	"CREATE TABLE IF NOT EXISTS td_tender_holder(tender TEXT NOT NULL, idx_no INTEGER NOT NULL,"
	" holder TEXT NOT NULL, org TEXT NOT NULL, recipient TEXT NOT NULL,"
	" PRIMARY KEY(tender, idx_no));"
	"CREATE TABLE IF NOT EXISTS td_holder_key(tender TEXT NOT NULL, holder TEXT NOT NULL,"
	" recipient TEXT NOT NULL, signer TEXT NOT NULL, sig TEXT NOT NULL, idx INTEGER NOT NULL,"
	" PRIMARY KEY(tender, holder));"
	"CREATE INDEX IF NOT EXISTS td_holder_key_r ON td_holder_key(recipient);"
	"CREATE TABLE IF NOT EXISTS td_document(tender TEXT NOT NULL, id TEXT NOT NULL,"
	" name TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
	" idx INTEGER NOT NULL, time_us INTEGER NOT NULL, PRIMARY KEY(tender, id));"
	"CREATE TABLE IF NOT EXISTS td_download(idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
	" doc TEXT NOT NULL, org TEXT NOT NULL, user TEXT NOT NULL, time_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS td_registration(tender TEXT NOT NULL, org TEXT NOT NULL,"
	" user TEXT NOT NULL, idx INTEGER NOT NULL, time_us INTEGER NOT NULL,"
	" PRIMARY KEY(tender, org));"
	"CREATE TABLE IF NOT EXISTS td_question(id TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" org TEXT NOT NULL, user TEXT NOT NULL, text TEXT NOT NULL, idx INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS td_clarification(id TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" text TEXT NOT NULL, question TEXT NOT NULL, idx INTEGER NOT NULL, time_us INTEGER NOT NULL,"
	" deadline_after INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS td_deadline_proposal(id TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" proposer TEXT NOT NULL, deadline INTEGER NOT NULL, previous INTEGER NOT NULL,"
	" reason TEXT NOT NULL, idx INTEGER NOT NULL, status TEXT NOT NULL,"
	" approver TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE IF NOT EXISTS td_deadline_change(idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
	" deadline INTEGER NOT NULL, previous INTEGER NOT NULL, rule TEXT NOT NULL,"
	" cause TEXT NOT NULL, actor TEXT NOT NULL);";

static const char *const tables[] = {
	"td_org", "td_user", "td_key", "td_credit", "td_tender", "td_tender_holder",
	"td_holder_key", "td_document", "td_download", "td_registration", "td_question",
	"td_clarification", "td_deadline_proposal", "td_deadline_change", NULL,
};

/* ---- apply functions (deterministic: event, index, own tables) ------------ */

#define APPLY_BEGIN                               \
	json_t *o = tender_event_payload(ev);               \
	int rc = ET_OK;                           \
	(void)ctx;                                \
	if (!o)                                   \
		return et_fail(ET_EINVAL);
#define APPLY_END       \
	json_decref(o); \
	return rc;
#define GS(k, v) if (rc == ET_OK) rc = tender_json_str(o, k, &v)
#define GI(k, v) if (rc == ET_OK) rc = tender_json_int(o, k, &v)

static int apply_org(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *id = NULL, *kind = NULL, *hash = NULL, *name = NULL;
	GS("id", id);
	GS("kind", kind);
	GS("details_sha256", hash);
	if (rc == ET_OK && json_is_string(json_object_get(o, "name")))
		name = json_string_value(json_object_get(o, "name"));
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_org VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "ttttii", id,
			     kind, name, hash, (int64_t)index, ev->time_us);
	APPLY_END
}

static int apply_user(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *id = NULL, *org = NULL, *hash = NULL;
	int64_t roles = 0;
	GS("id", id);
	GS("org", org);
	GS("details_sha256", hash);
	GI("roles", roles);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_user VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "ttitii", id,
			     org, roles, hash, (int64_t)index, ev->time_us);
	APPLY_END
}

static int apply_key(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *user = NULL, *x = NULL, *e = NULL, *sig = NULL;
	GS("user", user);
	GS("x25519", x);
	GS("ed25519", e);
	GS("sig", sig);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT OR REPLACE INTO td_key VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			     "ttttii", user, x, e, sig, (int64_t)index, ev->time_us);
	APPLY_END
}

static int apply_credit(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *org = NULL, *basis = NULL;
	int64_t from = 0, until = 0;
	GS("org", org);
	GS("basis", basis);
	GI("from", from);
	GI("until", until);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_credit VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "ittiit",
			     (int64_t)index, org, basis, from, until, ev->actor);
	APPLY_END
}

static int apply_drafted(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *id = NULL, *xml = NULL, *sha = NULL, *title = NULL, *type = NULL,
		   *tenderer = NULL, *agent = NULL, *profile = NULL;
	int64_t version = 0, k = 0, n = 0, df = 0, dt = 0, rd = 0, qd = 0, dl = 0;
	json_t *sch = json_object_get(o, "schedule"), *hs = json_object_get(o, "holders"), *h;
	size_t i;

	GS("id", id);
	GS("xml", xml);
	GS("sha256", sha);
	GS("title", title);
	GS("type", type);
	GS("tenderer", tenderer);
	GS("agent", agent);
	GS("profile", profile);
	GI("version", version);
	GI("k", k);
	GI("n", n);
	if (rc == ET_OK && (!json_is_object(sch) || !json_is_array(hs)))
		rc = et_fail(ET_EINVAL);
	if (rc == ET_OK) {
		rc = tender_json_int(sch, "documents_from", &df);
		if (rc == ET_OK)
			rc = tender_json_int(sch, "documents_to", &dt);
		if (rc == ET_OK)
			rc = tender_json_int(sch, "registration_deadline", &rd);
		if (rc == ET_OK)
			rc = tender_json_int(sch, "question_deadline", &qd);
		if (rc == ET_OK)
			rc = tender_json_int(sch, "deadline", &dl);
	}
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "INSERT INTO td_tender(id, stage, title, type, agent_org, tenderer_org,"
			     " profile, profile_version, xml, xml_sha256, k, n, documents_from,"
			     " documents_to, reg_deadline, q_deadline, deadline, original_deadline,"
			     " drafted_by, drafted_idx, holders_state) VALUES (?1, 'draft', ?2, ?3, ?4,"
			     " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18, 'none')"
			     " ON CONFLICT(id) DO UPDATE SET title = ?2, type = ?3, agent_org = ?4,"
			     " tenderer_org = ?5, profile = ?6, profile_version = ?7, xml = ?8,"
			     " xml_sha256 = ?9, k = ?10, n = ?11, documents_from = ?12, documents_to = ?13,"
			     " reg_deadline = ?14, q_deadline = ?15, deadline = ?16,"
			     " original_deadline = ?16, drafted_by = ?17, drafted_idx = ?18,"
			     " holders_state = 'none', holders_proposed_by = '', holders_proposal_idx = 0,"
			     " holders_approved_by = ''",
			     "ttttttibtiiiiiiiti", id, title, type, agent, tenderer, profile, version,
			     xml, (int)strlen(xml), sha, k, n, df, dt, rd, qd, dl, ev->actor,
			     (int64_t)index);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "DELETE FROM td_tender_holder WHERE tender = ?1", "t", id);
	json_array_foreach(hs, i, h) {
		const char *holder = NULL, *org = NULL, *rcp = NULL;
		int64_t ix = 0;
		if (rc)
			break;
		rc = tender_json_str(h, "holder", &holder);
		if (rc == ET_OK)
			rc = tender_json_str(h, "org", &org);
		if (rc == ET_OK)
			rc = tender_json_str(h, "recipient", &rcp);
		if (rc == ET_OK)
			rc = tender_json_int(h, "index", &ix);
		if (rc == ET_OK)
			rc = audit_sql_exec(db, "INSERT INTO td_tender_holder VALUES (?1, ?2, ?3, ?4, ?5)",
				     "titt" "t", id, ix, holder, org, rcp);
	}
	/* holder keys that no longer match the record are void */
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "DELETE FROM td_holder_key WHERE tender = ?1 AND NOT EXISTS (SELECT 1"
			     " FROM td_tender_holder h WHERE h.tender = td_holder_key.tender AND"
			     " h.holder = td_holder_key.holder AND h.recipient = td_holder_key.recipient)",
			     "t", id);
	APPLY_END
}

static int apply_holder_key(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *holder = NULL, *rcp = NULL, *signer = NULL, *sig = NULL;
	GS("tender", tender);
	GS("holder", holder);
	GS("recipient", rcp);
	GS("signer", signer);
	GS("sig", sig);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT OR REPLACE INTO td_holder_key VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			     "tttt" "ti", tender, holder, rcp, signer, sig, (int64_t)index);
	APPLY_END
}

static int apply_kh_proposed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL;
	GS("tender", tender);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "UPDATE td_tender SET holders_state = 'proposed', holders_proposed_by = ?2,"
			     " holders_proposal_idx = ?3, holders_approved_by = '' WHERE id = ?1",
			     "tti", tender, ev->actor, (int64_t)index);
	APPLY_END
}

static int apply_kh_approved(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL;
	(void)index;
	GS("tender", tender);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "UPDATE td_tender SET holders_state = 'approved', holders_approved_by = ?2"
			     " WHERE id = ?1", "tt", tender, ev->actor);
	APPLY_END
}

static int apply_published(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL;
	GS("tender", tender);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "UPDATE td_tender SET stage = 'published', published_us = ?2,"
			     " published_idx = ?3 WHERE id = ?1",
			     "tii", tender, ev->time_us, (int64_t)index);
	APPLY_END
}

static int apply_document(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *id = NULL, *name = NULL, *kind = NULL, *sha = NULL;
	int64_t size = 0;
	GS("tender", tender);
	GS("id", id);
	GS("name", name);
	GS("kind", kind);
	GS("sha256", sha);
	GI("size", size);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_document VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			     "ttttitii", tender, id, name, kind, size, sha, (int64_t)index, ev->time_us);
	APPLY_END
}

static int apply_download(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *doc = NULL, *org = NULL, *user = NULL;
	GS("tender", tender);
	GS("doc", doc);
	GS("org", org);
	GS("user", user);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_download VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "ittt" "ti",
			     (int64_t)index, tender, doc, org, user, ev->time_us);
	APPLY_END
}

static int apply_registration(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *org = NULL, *user = NULL;
	GS("tender", tender);
	GS("org", org);
	GS("user", user);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_registration VALUES (?1, ?2, ?3, ?4, ?5)", "tttii",
			     tender, org, user, (int64_t)index, ev->time_us);
	APPLY_END
}

static int apply_question(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *id = NULL, *org = NULL, *user = NULL, *text = NULL;
	GS("tender", tender);
	GS("id", id);
	GS("org", org);
	GS("user", user);
	GS("text", text);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_question VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			     "tttttii", id, tender, org, user, text, (int64_t)index, ev->time_us);
	APPLY_END
}

static int apply_clarification(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *id = NULL, *text = NULL, *q = NULL;
	int64_t dl = 0;
	GS("tender", tender);
	GS("id", id);
	GS("text", text);
	GS("question", q);
	GI("deadline", dl);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_clarification VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			     "ttttiii", id, tender, text, q, (int64_t)index, ev->time_us, dl);
	APPLY_END
}

static int apply_dl_proposed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *id = NULL, *reason = NULL;
	int64_t dl = 0, prev = 0;
	GS("tender", tender);
	GS("id", id);
	GS("reason", reason);
	GI("deadline", dl);
	GI("previous", prev);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "UPDATE td_deadline_proposal SET status = 'superseded'"
			     " WHERE tender = ?1 AND status = 'pending'", "t", tender);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "INSERT INTO td_deadline_proposal(id, tender, proposer, deadline, previous,"
			     " reason, idx, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
			     "tttiiti", id, tender, ev->actor, dl, prev, reason, (int64_t)index);
	APPLY_END
}

static int apply_dl_changed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *rule = NULL, *cause = NULL;
	int64_t dl = 0, prev = 0;
	GS("tender", tender);
	GS("rule", rule);
	GS("cause", cause);
	GI("deadline", dl);
	GI("previous", prev);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "INSERT INTO td_deadline_change VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			     "itiittt", (int64_t)index, tender, dl, prev, rule, cause, ev->actor);
	if (rc == ET_OK)
		rc = audit_sql_exec(db, "UPDATE td_tender SET deadline = ?2 WHERE id = ?1", "ti", tender, dl);
	if (rc == ET_OK && !strcmp(rule, "et.two_person"))
		rc = audit_sql_exec(db,
			     "UPDATE td_deadline_proposal SET status = 'approved', approver = ?2"
			     " WHERE id = ?1", "tt", cause, ev->actor);
	APPLY_END
}

static int apply_cancelled(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	APPLY_BEGIN
	const char *tender = NULL, *reason = NULL;
	GS("tender", tender);
	GS("reason", reason);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "UPDATE td_tender SET stage = 'cancelled', cancelled_idx = ?2,"
			     " cancel_reason = ?3 WHERE id = ?1", "tit", tender, (int64_t)index, reason);
	if (rc == ET_OK)
		rc = audit_sql_exec(db,
			     "UPDATE td_deadline_proposal SET status = 'superseded'"
			     " WHERE tender = ?1 AND status = 'pending'", "t", tender);
	APPLY_END
}

static const struct audit_kind kinds[] = {
	{ "org.registered", 1, apply_org },
	{ "user.registered", 1, apply_user },
	{ "key.registered", 1, apply_key },
	{ "credit.recorded", 1, apply_credit },
	{ "tender.drafted", 1, apply_drafted },
	{ "holder_key.registered", 1, apply_holder_key },
	{ "keyholders.proposed", 1, apply_kh_proposed },
	{ "keyholders.approved", 1, apply_kh_approved },
	{ "tender.published", 1, apply_published },
	{ "document.uploaded", 1, apply_document },
	{ "document.downloaded", 1, apply_download },
	{ "registration.made", 1, apply_registration },
	{ "question.asked", 1, apply_question },
	{ "clarification.published", 1, apply_clarification },
	{ "deadline.change_proposed", 1, apply_dl_proposed },
	{ "deadline.changed", 1, apply_dl_changed },
	{ "tender.cancelled", 1, apply_cancelled },
};

static const struct audit_module module = {
	"tender", schema, tables, kinds, sizeof kinds / sizeof kinds[0], NULL,
};
static const struct audit_module *const modules[] = { &module };

const struct audit_module *const *tender_ledger_modules(size_t *n)
{
	if (n)
		*n = 1;
	return modules;
}
