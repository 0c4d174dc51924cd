/* tender/query.c — read-only queries of the tender domain for the web layer,
 * each in one read snapshot (audit_ledger_query). Visibility (G4):
 *  - a published (or cancelled after publication) tender, its documents'
 *    metadata, clarifications and approved key-holder set are public;
 *  - a draft is visible to its agent/tenderer organisation's agents, to the
 *    key holders its record names, to supervisors and administrators;
 *  - registrations, downloads and questions are never counted or listed
 *    for anyone but the acting firm itself; the agent and supervisors see
 *    question texts without org, user, time or order of arrival. */
#include <stdlib.h>
#include <string.h>

#include "tender/tender_int.h"

/* Can who see tender t (published, or a draft of its own)? */
static int visible(sqlite3 *db, const struct tender_principal *who, const struct td_tender *t,
		   bool *yes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*yes = t->published_us > 0;
	if (*yes || !who)
		return ET_OK;
	if (td_is_tender_agent(who, t) || (who->roles & (TENDER_ROLE_SUPERVISOR | TENDER_ROLE_ADMIN))) {
		*yes = true;
		return ET_OK;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM td_tender_holder WHERE tender = ?1 AND holder = ?2",
			     "tt", t->id, who->user)))
		return rc;
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

/* Load a tender that who may see; ET_ENOTFOUND otherwise (not ET_EDENIED:
 * a draft's existence is not told). */
static int load_visible(sqlite3 *db, const struct tender_principal *who, const char *id,
			struct td_tender *t)
{
	bool yes;
	int rc;

	if ((rc = td_tender_load(db, id, t, NULL)) || (rc = visible(db, who, t, &yes)))
		return rc;
	return yes ? ET_OK : ET_ENOTFOUND;
}

static void fill_info(sqlite3 *db, const struct td_tender *t, struct tender_info *o)
{
	sqlite3_stmt *st = NULL;

	memset(o, 0, sizeof *o);
	memcpy(o->id, t->id, sizeof o->id);
	memcpy(o->title, t->title, sizeof o->title);
	memcpy(o->type, t->type, sizeof o->type);
	o->stage = t->stage;
	memcpy(o->agent_org, t->agent_org, sizeof o->agent_org);
	memcpy(o->tenderer_org, t->tenderer_org, sizeof o->tenderer_org);
	memcpy(o->profile, t->profile, sizeof o->profile);
	o->profile_version = t->version;
	o->schedule = t->s;
	o->original_deadline_us = t->original_deadline_us;
	o->published_us = t->published_us;
	o->k = t->k;
	o->n = t->n;
	memcpy(o->holders_state, t->holders_state, sizeof o->holders_state);
	memcpy(o->xml_sha256, t->xml_sha256, sizeof o->xml_sha256);
	if (audit_sql_prepare(db, &st,
		       "SELECT id, deadline, reason, proposer FROM td_deadline_proposal"
		       " WHERE tender = ?1 AND status = 'pending'",
		       "t", t->id) == ET_OK && sqlite3_step(st) == SQLITE_ROW) {
		audit_sql_col_text(st, 0, o->pending_proposal, sizeof o->pending_proposal);
		o->pending_deadline_us = sqlite3_column_int64(st, 1);
		audit_sql_col_text(st, 2, o->pending_reason, sizeof o->pending_reason);
		audit_sql_col_text(st, 3, o->pending_proposer, sizeof o->pending_proposer);
	}
	sqlite3_finalize(st);
}

/* Grow a malloc'd array by one element of size sz; ET_ELIMIT past the cap. */
static int grow(void **v, size_t *n, size_t *cap, size_t sz)
{
	void *nv;
	size_t nc;

	if (*n < *cap)
		return ET_OK;
	if (*cap >= ET_TENDER_LIST_MAX)
		return ET_ELIMIT;
	nc = *cap ? *cap * 2 : 16;
	if (!(nv = realloc(*v, nc * sz)))
		return et_fail(ET_ENOMEM);
	memset((char *)nv + *cap * sz, 0, (nc - *cap) * sz);
	*v = nv;
	*cap = nc;
	return ET_OK;
}

/* ---- tenders --------------------------------------------------------------------- */

struct list_q {
	const struct tender_principal *who;
	struct tender_info *v;
	size_t n, cap;
};

static int list_fn(sqlite3 *db, void *ctx)
{
	struct list_q *q = ctx;
	sqlite3_stmt *st = NULL;
	char id[TENDER_ID_LEN];
	int rc, s;

	if ((rc = audit_sql_prepare(db, &st, "SELECT id FROM td_tender ORDER BY drafted_idx", "")))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct td_tender t;
		bool yes;
		audit_sql_col_text(st, 0, id, sizeof id);
		if ((rc = td_tender_load(db, id, &t, NULL)) || (rc = visible(db, q->who, &t, &yes)))
			goto out;
		if (!yes)
			continue;
		if ((rc = grow((void **)&q->v, &q->n, &q->cap, sizeof *q->v)))
			goto out;
		fill_info(db, &t, &q->v[q->n++]);
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

int tender_list(struct audit_ledger *l, const struct tender_principal *who,
		struct tender_info **out, size_t *n)
{
	struct list_q q = { who, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, list_fn, &q))) {
		free(q.v);
		return rc;
	}
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

void tender_list_free(struct tender_info *v)
{
	free(v);
}

struct get_q {
	const struct tender_principal *who;
	const char *id;
	struct tender_info *out;
	unsigned char **xml;
	size_t *xml_len;
};

static int get_fn(sqlite3 *db, void *ctx)
{
	struct get_q *q = ctx;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = load_visible(db, q->who, q->id, &t)))
		return rc;
	fill_info(db, &t, q->out);
	if (!q->xml)
		return ET_OK;
	if ((rc = audit_sql_prepare(db, &st, "SELECT xml FROM td_tender WHERE id = ?1", "t", q->id)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		if ((*q->xml = malloc(n + 1))) {
			if (n)
				memcpy(*q->xml, b, n);
			(*q->xml)[n] = 0;
			*q->xml_len = n;
		} else {
			rc = et_fail(ET_ENOMEM);
		}
	} else {
		rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

int tender_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
	       struct tender_info *out, unsigned char **xml, size_t *xml_len)
{
	struct get_q q = { who, tender, out, xml, xml_len };
	int rc;

	if (xml)
		*xml = NULL;
	if (xml && !xml_len)
		return et_fail(ET_EINVAL);
	rc = audit_ledger_query(l, get_fn, &q);
	if (rc && xml) {
		free(*xml);
		*xml = NULL;
	}
	return rc;
}

/* ---- documents and clarifications ----------------------------------------------------- */

struct docs_q {
	const struct tender_principal *who;
	const char *id;
	struct tender_document *v;
	size_t n, cap;
};

static int docs_fn(sqlite3 *db, void *ctx)
{
	struct docs_q *q = ctx;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	int rc, s;

	if ((rc = load_visible(db, q->who, q->id, &t)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT id, name, kind, size, sha256, time_us FROM td_document WHERE"
			     " tender = ?1 ORDER BY idx", "t", q->id)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct tender_document *m;
		if ((rc = grow((void **)&q->v, &q->n, &q->cap, sizeof *q->v)))
			goto out;
		m = &q->v[q->n++];
		audit_sql_col_text(st, 0, m->id, sizeof m->id);
		audit_sql_col_text(st, 1, m->name, sizeof m->name);
		audit_sql_col_text(st, 2, m->kind, sizeof m->kind);
		m->size = (uint64_t)sqlite3_column_int64(st, 3);
		audit_sql_col_text(st, 4, m->sha256, sizeof m->sha256);
		m->time_us = sqlite3_column_int64(st, 5);
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

int tender_documents(struct audit_ledger *l, const struct tender_principal *who,
		     const char *tender, struct tender_document **out, size_t *n)
{
	struct docs_q q = { who, tender, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, docs_fn, &q))) {
		free(q.v);
		return rc;
	}
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

void tender_documents_free(struct tender_document *v)
{
	free(v);
}

struct clr_q {
	const struct tender_principal *who;
	const char *id;
	struct tender_clarification *v;
	size_t n, cap;
};

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
	char *s = malloc(n + 1);

	if (s) {
		if (n)
			memcpy(s, t, n);
		s[n] = 0;
	}
	return s;
}

static int clr_fn(sqlite3 *db, void *ctx)
{
	struct clr_q *q = ctx;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	int rc, s;

	if ((rc = load_visible(db, q->who, q->id, &t)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT id, question, text, time_us, deadline_after FROM td_clarification"
			     " WHERE tender = ?1 ORDER BY idx", "t", q->id)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct tender_clarification *c;
		if ((rc = grow((void **)&q->v, &q->n, &q->cap, sizeof *q->v)))
			goto out;
		c = &q->v[q->n];
		audit_sql_col_text(st, 0, c->id, sizeof c->id);
		audit_sql_col_text(st, 1, c->question, sizeof c->question);
		if (!(c->text = col_dup(st, 2))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		c->time_us = sqlite3_column_int64(st, 3);
		c->deadline_after_us = sqlite3_column_int64(st, 4);
		q->n++;
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

void tender_clarifications_free(struct tender_clarification *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].text);
	free(v);
}

int tender_clarifications(struct audit_ledger *l, const struct tender_principal *who,
			  const char *tender, struct tender_clarification **out, size_t *n)
{
	struct clr_q q = { who, tender, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, clr_fn, &q))) {
		tender_clarifications_free(q.v, q.n);
		return rc;
	}
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

/* ---- questions ------------------------------------------------------------------------ */

struct qq {
	const struct tender_principal *who;
	const char *id;
	struct tender_question *v;
	size_t n, cap;
};

static int questions_fn(sqlite3 *db, void *ctx)
{
	struct qq *q = ctx;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	bool all;
	int rc, s;

	if (!q->who)
		return ET_EDENIED;
	if ((rc = load_visible(db, q->who, q->id, &t)))
		return rc;
	all = td_is_tender_agent(q->who, &t) || (q->who->roles & TENDER_ROLE_SUPERVISOR);
	if (!all && !((q->who->roles & TENDER_ROLE_BIDDER) && q->who->org_kind == TENDER_ORG_BIDDER))
		return ET_EDENIED;
	/* ordered by the random id: no order of arrival, no time, no asker */
	if ((rc = audit_sql_prepare(db, &st,
			     all ? "SELECT q.id, q.text, EXISTS (SELECT 1 FROM td_clarification c"
				   " WHERE c.question = q.id) FROM td_question q WHERE q.tender = ?1"
				   " ORDER BY q.id"
				 : "SELECT q.id, q.text, EXISTS (SELECT 1 FROM td_clarification c"
				   " WHERE c.question = q.id) FROM td_question q WHERE q.tender = ?1"
				   " AND q.org = ?2 ORDER BY q.id",
			     all ? "t" : "tt", q->id, q->who->org)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct tender_question *e;
		if ((rc = grow((void **)&q->v, &q->n, &q->cap, sizeof *q->v)))
			goto out;
		e = &q->v[q->n];
		audit_sql_col_text(st, 0, e->id, sizeof e->id);
		if (!(e->text = col_dup(st, 1))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		e->answered = sqlite3_column_int(st, 2) != 0;
		q->n++;
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

void tender_questions_free(struct tender_question *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].text);
	free(v);
}

int tender_questions(struct audit_ledger *l, const struct tender_principal *who,
		     const char *tender, struct tender_question **out, size_t *n)
{
	struct qq q = { who, tender, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, questions_fn, &q))) {
		tender_questions_free(q.v, q.n);
		return rc;
	}
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

/* ---- a firm's own registrations ---------------------------------------------------------- */

struct reg_q {
	const struct tender_principal *who;
	struct tender_registration *v;
	size_t n, cap;
};

static int regs_fn(sqlite3 *db, void *ctx)
{
	struct reg_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc, s;

	if (!q->who || !(q->who->roles & TENDER_ROLE_BIDDER) || q->who->org_kind != TENDER_ORG_BIDDER)
		return ET_EDENIED;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT tender, user, time_us FROM td_registration WHERE org = ?1"
			     " ORDER BY idx", "t", q->who->org)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct tender_registration *r;
		if ((rc = grow((void **)&q->v, &q->n, &q->cap, sizeof *q->v)))
			goto out;
		r = &q->v[q->n++];
		audit_sql_col_text(st, 0, r->tender, sizeof r->tender);
		audit_sql_col_text(st, 1, r->user, sizeof r->user);
		r->time_us = sqlite3_column_int64(st, 2);
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

int tender_my_registrations(struct audit_ledger *l, const struct tender_principal *who,
			    struct tender_registration **out, size_t *n)
{
	struct reg_q q = { who, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, regs_fn, &q))) {
		free(q.v);
		return rc;
	}
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

void tender_registrations_free(struct tender_registration *v)
{
	free(v);
}

/* ---- key holders ------------------------------------------------------------------------- */

struct hold_q {
	const struct tender_principal *who;
	const char *id;
	unsigned k;
	struct tender_holder_info *v;
	size_t n, cap;
};

static int holders_fn(sqlite3 *db, void *ctx)
{
	struct hold_q *q = ctx;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	int rc, s;

	if ((rc = load_visible(db, q->who, q->id, &t)))
		return rc;
	if (strcmp(t.holders_state, "approved"))
		return ET_ESTATE;
	q->k = t.k;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT idx_no, holder, org, recipient FROM td_tender_holder WHERE"
			     " tender = ?1 ORDER BY idx_no", "t", q->id)))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct tender_holder_info *h;
		if ((rc = grow((void **)&q->v, &q->n, &q->cap, sizeof *q->v)))
			goto out;
		h = &q->v[q->n++];
		h->index = (unsigned)sqlite3_column_int64(st, 0);
		audit_sql_col_text(st, 1, h->holder, sizeof h->holder);
		audit_sql_col_text(st, 2, h->org, sizeof h->org);
		audit_sql_col_text(st, 3, h->recipient, sizeof h->recipient);
	}
	if (s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	return rc;
}

int tender_holders(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		   unsigned *k, struct tender_holder_info **out, size_t *n)
{
	struct hold_q q = { who, tender, 0, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = audit_ledger_query(l, holders_fn, &q))) {
		free(q.v);
		return rc;
	}
	if (k)
		*k = q.k;
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

void tender_holders_free(struct tender_holder_info *v)
{
	free(v);
}

/* ---- users and credit --------------------------------------------------------------------- */

static int user_fn(sqlite3 *db, void *ctx)
{
	struct tender_user_info *u = ctx;
	struct tender_principal p;
	sqlite3_stmt *st = NULL;
	char id[TENDER_ID_LEN];
	int rc;

	memcpy(id, u->id, sizeof id);
	if ((rc = td_actor_load(db, id, &p, NULL)))
		return rc == ET_EDENIED ? ET_ENOTFOUND : rc;
	memcpy(u->org, p.org, sizeof u->org);
	u->org_kind = p.org_kind;
	u->roles = p.roles;
	if ((rc = audit_sql_prepare(db, &st, "SELECT x25519, ed25519 FROM td_key WHERE user = ?1", "t", id)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		audit_sql_col_text(st, 0, u->x25519, sizeof u->x25519);
		audit_sql_col_text(st, 1, u->ed25519, sizeof u->ed25519);
	}
	sqlite3_finalize(st);
	return ET_OK;
}

int tender_user_get(struct audit_ledger *l, const char *user, struct tender_user_info *out)
{
	memset(out, 0, sizeof *out);
	if (!user || strlen(user) >= sizeof out->id)
		return ET_ENOTFOUND;
	memcpy(out->id, user, strlen(user) + 1);
	return audit_ledger_query(l, user_fn, out);
}

struct credit_q {
	const char *org;
	int64_t t;
	bool barred;
};

static int credit_fn(sqlite3 *db, void *ctx)
{
	struct credit_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT 1 FROM td_credit WHERE org = ?1 AND from_us <= ?2 AND until_us > ?2",
			     "ti", q->org, q->t)))
		return rc;
	q->barred = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

int tender_credit_barred(struct audit_ledger *l, const char *org, int64_t t_us, bool *barred)
{
	struct credit_q q = { org, t_us, false };
	int rc;

	*barred = false;
	if (!org)
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, credit_fn, &q)))
		return rc;
	*barred = q.barred;
	return ET_OK;
}

/* ---- readers for sibling domain modules (on their own connection) ----- */

int tender_db_actor(sqlite3 *db, const char *user, struct tender_principal *p,
		    struct tender_diag *d)
{
	return td_actor_load(db, user, p, d);
}

int tender_db_tender(sqlite3 *db, const char *id, struct tender_info *out,
		     struct tender_diag *d)
{
	struct td_tender t;
	int rc;

	if ((rc = td_tender_load(db, id, &t, d)))
		return rc;
	fill_info(db, &t, out);
	return ET_OK;
}

int tender_db_record(sqlite3 *db, const char *tender, struct tender_record **out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = audit_sql_prepare(db, &st, "SELECT xml FROM td_tender WHERE id = ?1", "t", tender)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ET_ENOTFOUND;
	}
	rc = tender_record_parse(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), out,
				 NULL);
	sqlite3_finalize(st);
	return rc;
}

int tender_db_org_kind(sqlite3 *db, const char *org, enum tender_org_kind *kind)
{
	sqlite3_stmt *st = NULL;
	char k[16];
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT kind FROM td_org WHERE id = ?1", "t", org)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		audit_sql_col_text(st, 0, k, sizeof k);
		rc = tender_org_kind_parse(k, kind) ? et_fail(ET_EDB) : ET_OK;
	} else {
		rc = ET_ENOTFOUND;
	}
	sqlite3_finalize(st);
	return rc;
}

int tender_db_registered(sqlite3 *db, const char *tender, const char *org, bool *yes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*yes = false;
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM td_registration WHERE tender = ?1 AND org = ?2",
			     "tt", tender, org)))
		return rc;
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

int tender_db_user(sqlite3 *db, const char *user, struct tender_user_info *out)
{
	memset(out, 0, sizeof *out);
	if (!user || strlen(user) >= sizeof out->id)
		return ET_ENOTFOUND;
	memcpy(out->id, user, strlen(user) + 1);
	return user_fn(db, out);
}

int tender_db_holders(sqlite3 *db, const char *tender, unsigned *k,
		      struct tender_holder_info **out, size_t *n)
{
	struct hold_q q = { NULL, tender, 0, NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = holders_fn(db, &q))) {
		free(q.v);
		return rc;
	}
	*k = q.k;
	*out = q.v;
	*n = q.n;
	return ET_OK;
}

int tender_db_version(sqlite3 *db, const char *tender, uint64_t *version, uint64_t *amend_idx)
{
	sqlite3_stmt *st = NULL;
	int64_t pub, amend;
	int rc;

	*version = 0;
	*amend_idx = 0;
	/* published_idx is NULL for a draft: no version yet */
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT t.published_idx, max(coalesce((SELECT max(idx) FROM td_clarification"
			     " WHERE tender = t.id), 0), coalesce((SELECT max(idx) FROM td_document"
			     " WHERE tender = t.id AND idx > t.published_idx), 0))"
			     " FROM td_tender t WHERE t.id = ?1", "t", tender)))
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? ET_ENOTFOUND : et_fail(ET_EDB);
	} else if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		rc = ET_ESTATE;
	} else {
		pub = sqlite3_column_int64(st, 0);
		amend = sqlite3_column_int64(st, 1);
		*amend_idx = amend > pub ? (uint64_t)amend : 0;
		*version = amend > pub ? (uint64_t)amend : (uint64_t)pub;
		rc = ET_OK;
	}
	sqlite3_finalize(st);
	return rc;
}
