/* evaluation/experts.c — the expert pool: registration (one, or a CSV file
 * all or nothing), status, declared relations and penalties. Personal
 * details (name, phone, ID number) go to the private side store only; the
 * events carry the expert's pseudonymous id and the salted hash of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/ev_int.h"

/* A validated row, specialties in canonical (sorted) order. */
struct row {
	char user[TENDER_ID_LEN];
	char specs[EV_MAX_SPECIALTIES][40];
	size_t nspecs;
	char employer[TENDER_ID_LEN];
	char region[72], title[72];
	int years;
	char id[TENDER_ID_LEN];
	char hash[65];
	long line;                        /* CSV line, 0 for a single registration */
};

static int row_fail(struct tender_diag *d, long line, int rc, const char *rule, const char *zh,
		    const char *en, const char *what)
{
	if (line)
		return tender_diag_set(d, rc, rule, zh, en, "第 %ld 行 / line %ld: %s", line, line, what);
	return tender_diag_set(d, rc, rule, zh, en, "%s", what);
}

static int cmp_spec(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool spec_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool short_ok(const char *s)
{
	return ev_text_ok(s, 64) && !strchr(s, '\n') && !strchr(s, '\t');
}

/* Check the fields that need no database; fill r. */
static int row_check(const struct ev_expert_new *e, long line, struct row *r, struct tender_diag *d)
{
	char buf[512];
	const char *bad = NULL;

	memset(r, 0, sizeof *r);
	r->line = line;
	if (!e->user || !ev_id_ok(e->user))
		bad = "user";
	else if (!e->specialties || strlen(e->specialties) >= sizeof buf)
		bad = "specialties";
	else if (!e->region || !short_ok(e->region))
		bad = "region";
	else if (!e->title || !short_ok(e->title))
		bad = "title";
	else if (e->years < 0 || e->years > 70)
		bad = "years";
	else if (e->employer && *e->employer && !ev_id_ok(e->employer))
		bad = "employer";
	else if (!e->name || !short_ok(e->name))
		bad = "name";
	if (!bad) {
		snprintf(buf, sizeof buf, "%s", e->specialties);
		for (char *save = NULL, *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
			if (!spec_ok(t) || r->nspecs == EV_MAX_SPECIALTIES) {
				bad = "specialties";
				break;
			}
			snprintf(r->specs[r->nspecs++], sizeof r->specs[0], "%s", t);
		}
		if (!r->nspecs)
			bad = "specialties";
	}
	if (!bad) {
		qsort(r->specs, r->nspecs, sizeof r->specs[0], cmp_spec);
		for (size_t i = 1; i < r->nspecs; i++)
			if (!strcmp(r->specs[i], r->specs[i - 1]))
				bad = "specialties (duplicate)";
	}
	if (bad)
		return row_fail(d, line, ET_EINVAL, "et.expert.field", "专家信息字段不合法",
				"an expert field is invalid", bad);
	snprintf(r->user, sizeof r->user, "%s", e->user);
	snprintf(r->employer, sizeof r->employer, "%s", e->employer ? e->employer : "");
	snprintf(r->region, sizeof r->region, "%s", e->region);
	snprintf(r->title, sizeof r->title, "%s", e->title);
	r->years = e->years;
	return ET_OK;
}

/* Personal details into the side store under the new expert id. */
static int row_store(struct tender_private *p, const struct ev_expert_new *e, struct row *r,
		     struct tender_diag *d)
{
	const char *keys[3] = { "id_number", "name", "phone" };
	const char *vals[3] = { e->id_number ? e->id_number : "", e->name, e->phone ? e->phone : "" };
	int rc;

	if ((rc = ev_new_id("exp-", r->id)))
		return rc;
	if ((rc = tender_private_record_put(p, r->id, keys, vals, 3, r->hash)))
		return row_fail(d, r->line, rc, "et.expert.field", "专家个人信息不合法",
				"the expert's personal details are invalid", "name/phone/id_number");
	return ET_OK;
}

struct reg_cmd {
	const char *actor;
	struct row *rows;
	size_t n;
	struct tender_diag *d;
};

static int reg_fn(struct audit_tx *tx, void *ctx)
{
	struct reg_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_ADMIN, &p, c->d)))
		return rc;
	for (size_t i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		struct tender_user_info u;
		enum tender_org_kind ok = TENDER_ORG_CENTER, ek = TENDER_ORG_CENTER;
		sqlite3_stmt *st = NULL;
		bool exists;
		json_t *pl, *sl;

		if ((rc = tender_db_user(db, r->user, &u)) || !(u.roles & TENDER_ROLE_EXPERT))
			return row_fail(c->d, r->line, rc == ET_OK || rc == ET_ENOTFOUND ? ET_EINVAL : rc,
					"et.expert.user", "用户不存在或不具有专家角色",
					"no such user with the expert role", r->user);
		if ((rc = tender_db_org_kind(db, u.org, &ok)))
			return rc;
		if (r->employer[0] && tender_db_org_kind(db, r->employer, &ek))
			return row_fail(c->d, r->line, ET_EINVAL, "et.expert.employer", "工作单位未登记",
					"the employer is not a registered organisation", r->employer);
		if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM ev_expert WHERE user = ?1", "t", r->user)))
			return rc;
		exists = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (exists)
			return row_fail(c->d, r->line, ET_EEXIST, "et.expert.exists", "该用户已在专家库中",
					"the user is already in the expert pool", r->user);
		if (!(sl = json_array()))
			return et_fail(ET_ENOMEM);
		for (size_t j = 0; j < r->nspecs; j++)
			if (json_array_append_new(sl, json_string(r->specs[j]))) {
				json_decref(sl);
				return et_fail(ET_ENOMEM);
			}
		pl = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:i,s:s,s:s}", "id", r->id, "user",
			       r->user, "org", u.org, "org_kind", tender_org_kind_name(ok), "specialties", sl,
			       "employer", r->employer, "employer_kind",
			       r->employer[0] ? tender_org_kind_name(ek) : "", "region", r->region,
			       "title", r->title, "years", (json_int_t)r->years, "status", "active",
			       "details_sha256", r->hash);
		rc = ev_emit(tx, "expert.registered", c->actor, "", pl, false, NULL);
		json_decref(pl);
		if (rc)
			return rc;
	}
	return ET_OK;
}

static int register_rows(struct audit_ledger *l, struct tender_private *p, const char *actor,
			 const struct ev_expert_new *e, struct row *rows, size_t n,
			 struct tender_diag *d)
{
	struct reg_cmd c = { actor, rows, n, d };
	size_t stored = 0;
	int rc = ET_OK;

	if (!p)
		return et_fail(ET_EINVAL);
	for (; stored < n; stored++)
		if ((rc = row_store(p, &e[stored], &rows[stored], d)))
			break;
	if (!rc)
		rc = ev_submit(l, reg_fn, &c, d);
	if (rc)      /* a refused command leaves nothing, in the side store either */
		for (size_t i = 0; i < stored; i++)
			tender_private_record_forget(p, rows[i].id);
	return rc;
}

int ev_expert_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
		       const struct ev_expert_new *e, char id_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct row r;
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!e)
		return et_fail(ET_EINVAL);
	if ((rc = row_check(e, 0, &r, d)))
		return rc;
	if ((rc = register_rows(l, p, actor, e, &r, 1, d)))
		return rc;
	if (id_out)
		memcpy(id_out, r.id, TENDER_ID_LEN);
	return ET_OK;
}

static const char csv_header[] = "user,name,phone,id_number,specialties,employer,region,title,years";

int ev_expert_import_csv(struct audit_ledger *l, struct tender_private *p, const char *actor,
			 const char *csv, size_t len, size_t *count, struct tender_diag *d)
{
	struct ev_expert_new *e = NULL;
	struct row *rows = NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	long line = 0;
	int rc = ET_OK;

	if (d)
		tender_diag_clear(d);
	if (count)
		*count = 0;
	if (!csv)
		return et_fail(ET_EINVAL);
	if (len > EV_CSV_MAX)
		return tender_diag_set(d, ET_ELIMIT, "et.expert.csv", "文件过大", "the file is too large",
				       "%zu bytes", len);
	if (memchr(csv, 0, len))
		return tender_diag_set(d, ET_EINVAL, "et.expert.csv", "文件含有空字符",
				       "the file contains a NUL byte", "%s", "");
	if (!(buf = malloc(len + 1)))
		return et_fail(ET_ENOMEM);
	memcpy(buf, csv, len);
	buf[len] = 0;
	for (char *s = buf, *nl; s && *s; s = nl) {
		char *f[9];
		size_t nf = 0;
		char *years_end = NULL;
		long years;

		line++;
		if ((nl = strchr(s, '\n')))
			*nl++ = 0;
		if (*s && s[strlen(s) - 1] == '\r')
			s[strlen(s) - 1] = 0;
		if (line == 1) {
			if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)  /* a BOM from spreadsheets */
				s += 3;
			if (strcmp(s, csv_header)) {
				rc = row_fail(d, line, ET_EINVAL, "et.expert.csv", "表头不符",
					      "the header line is not the expected one", csv_header);
				goto out;
			}
			continue;
		}
		if (!*s)
			continue;
		for (char *q = s;; ) {
			char *c = strchr(q, ',');
			if (nf == 9) {
				nf++;
				break;
			}
			f[nf++] = q;
			if (!c)
				break;
			*c = 0;
			q = c + 1;
		}
		if (nf != 9 || strchr(s, '"')) {
			rc = row_fail(d, line, ET_EINVAL, "et.expert.csv", "字段数不是 9 或含引号",
				      "not 9 fields, or quotes", s);
			goto out;
		}
		if (n == EV_CSV_MAX_ROWS) {
			rc = row_fail(d, line, ET_ELIMIT, "et.expert.csv", "行数过多", "too many rows", "");
			goto out;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *pe = realloc(e, nc * sizeof *e), *pr;
			if (!pe) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			e = pe;
			if (!(pr = realloc(rows, nc * sizeof *rows))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			rows = pr;
			cap = nc;
		}
		years = strtol(f[8], &years_end, 10);
		if (!*f[8] || *years_end || years < 0 || years > 70) {
			rc = row_fail(d, line, ET_EINVAL, "et.expert.field", "专家信息字段不合法",
				      "an expert field is invalid", "years");
			goto out;
		}
		e[n] = (struct ev_expert_new){ f[0], f[4], f[5], f[6], f[7], (int)years, f[1], f[2], f[3] };
		if ((rc = row_check(&e[n], line, &rows[n], d)))
			goto out;
		n++;
	}
	if (!n) {
		rc = tender_diag_set(d, ET_EINVAL, "et.expert.csv", "文件中没有专家", "no expert in the file",
				     "%s", "");
		goto out;
	}
	if ((rc = register_rows(l, p, actor, e, rows, n, d)))
		goto out;
	if (count)
		*count = n;
out:
	free(e);
	free(rows);
	if (buf) {
		et_wipe(buf, len);
		free(buf);
	}
	return rc;
}

/* ---- status, relations, penalties ------------------------------------------- */

struct simple_cmd {
	const char *actor, *expert, *a, *b;
	int64_t from, until;
	int what;                         /* 0 status, 1 relation, 2 penalty */
	struct tender_diag *d;
};

static int expert_exists(sqlite3 *db, const char *expert, char user[TENDER_ID_LEN],
			 struct tender_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!ev_id_ok(expert))
		return tender_diag_set(d, ET_ENOTFOUND, "et.expert.unknown", "专家不存在", "no such expert",
				       "%s", "");
	if ((rc = audit_sql_prepare(db, &st, "SELECT user FROM ev_expert WHERE id = ?1", "t", expert)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, user, TENDER_ID_LEN);
	else
		rc = tender_diag_set(d, ET_ENOTFOUND, "et.expert.unknown", "专家不存在", "no such expert",
				     "%s", expert);
	sqlite3_finalize(st);
	return rc;
}

static int simple_fn(struct audit_tx *tx, void *ctx)
{
	struct simple_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	char user[TENDER_ID_LEN] = "";
	enum tender_org_kind ok;
	json_t *pl = NULL;
	const char *kind;
	int rc;

	if ((rc = ev_actor(db, c->actor, c->what == 1 ? TENDER_ROLE_ADMIN | TENDER_ROLE_EXPERT :
				 TENDER_ROLE_ADMIN, &p, c->d)))
		return rc;
	if ((rc = expert_exists(db, c->expert, user, c->d)))
		return rc;
	if (!(p.roles & TENDER_ROLE_ADMIN) && strcmp(user, c->actor))
		return tender_diag_set(c->d, ET_EDENIED, "et.auth.role", "只能申报本人的关联关系",
				       "an expert declares only its own relations", "%s", c->expert);
	switch (c->what) {
	case 0:
		pl = json_pack("{s:s,s:s,s:s}", "expert", c->expert, "status", c->a, "reason", c->b);
		kind = "expert.status_changed";
		break;
	case 1:
		if (!ev_id_ok(c->a) || tender_db_org_kind(db, c->a, &ok))
			return tender_diag_set(c->d, ET_ENOTFOUND, "et.relation.org", "关联单位未登记",
					       "the related organisation is not registered", "%s",
					       c->a ? c->a : "");
		pl = json_pack("{s:s,s:s,s:s}", "expert", c->expert, "org", c->a, "kind", c->b);
		kind = "relation.declared";
		break;
	default:
		pl = json_pack("{s:s,s:s,s:I,s:I}", "expert", c->expert, "basis", c->a, "from",
			       (json_int_t)c->from, "until", (json_int_t)c->until);
		kind = "expert.penalised";
		break;
	}
	rc = ev_emit(tx, kind, c->actor, "", pl, false, NULL);
	json_decref(pl);
	return rc;
}

int ev_expert_status(struct audit_ledger *l, const char *actor, const char *expert,
		     const char *status, const char *reason, struct tender_diag *d)
{
	struct simple_cmd c = { actor, expert, status, reason, 0, 0, 0, d };

	if (d)
		tender_diag_clear(d);
	if (!status || (strcmp(status, "active") && strcmp(status, "suspended")) ||
	    !ev_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, "et.expert.field", "状态或理由不合法",
				       "invalid status or reason", "%s", status ? status : "");
	return ev_submit(l, simple_fn, &c, d);
}

int ev_expert_relation(struct audit_ledger *l, const char *actor, const char *expert,
		       const char *org, const char *kind, struct tender_diag *d)
{
	struct simple_cmd c = { actor, expert, org, kind, 0, 0, 1, d };

	if (d)
		tender_diag_clear(d);
	if (!kind || (strcmp(kind, "near_relative") && strcmp(kind, "employment") &&
		      strcmp(kind, "economic") && strcmp(kind, "other")))
		return tender_diag_set(d, ET_EINVAL, "et.relation.kind", "关联关系类型不合法",
				       "invalid relation kind", "%s", kind ? kind : "");
	return ev_submit(l, simple_fn, &c, d);
}

int ev_expert_penalise(struct audit_ledger *l, const char *actor, const char *expert,
		       const char *basis, int64_t from_us, int64_t until_us, struct tender_diag *d)
{
	struct simple_cmd c = { actor, expert, basis, NULL, from_us, until_us, 2, d };

	if (d)
		tender_diag_clear(d);
	if (!ev_text_ok(basis, 256) || from_us < 0 || until_us <= from_us)
		return tender_diag_set(d, ET_EINVAL, "et.penalty.field", "处罚依据或期间不合法",
				       "invalid penalty basis or period", "%s", "");
	return ev_submit(l, simple_fn, &c, d);
}
