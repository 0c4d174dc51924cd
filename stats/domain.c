/* stats/domain.c — statistics as a ledger module: the import command (one
 * public "outcome.imported" event per row, all or nothing), its apply
 * function into st_outcome, and the row source of the reports. Imported
 * outcomes live apart from the platform's own awards (source column). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "stats/stats_int.h"
#include "tender/tender.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS st_outcome ("
	" idx INTEGER PRIMARY KEY,"          /* leaf index of the event */
	" code TEXT NOT NULL UNIQUE,"
	" type TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" control_fen INTEGER NOT NULL,"
	" winning_fen INTEGER NOT NULL,"
	" registered INTEGER NOT NULL,"
	" bidders INTEGER NOT NULL,"
	" opened_us INTEGER NOT NULL,"
	" agent TEXT NOT NULL,"
	" line INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" time_us INTEGER NOT NULL);";

static const char *const tables[] = { "st_outcome", NULL };

/* ---- payload ---- */

static int get_int(json_t *o, const char *k, int64_t lo, int64_t hi, int64_t *v)
{
	json_t *j = json_object_get(o, k);

	if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi)
		return et_fail(ET_EINVAL);
	*v = json_integer_value(j);
	return ET_OK;
}

static int get_str(json_t *o, const char *k, const char **v)
{
	json_t *j = json_object_get(o, k);

	if (!json_is_string(j))
		return et_fail(ET_EINVAL);
	*v = json_string_value(j);
	return ET_OK;
}

static int apply_imported(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = json_loadb((const char *)ev->payload, ev->payload_len, JSON_REJECT_DUPLICATES, NULL);
	const char *code = NULL, *type = NULL, *title = NULL, *agent = NULL;
	int64_t c = 0, w = 0, reg = 0, bid = 0, at = 0, line = 0;
	sqlite3_stmt *st = NULL;
	int rc = ET_EINVAL;

	(void)ctx;
	if (!o || get_str(o, "code", &code) || get_str(o, "type", &type) ||
	    get_str(o, "title", &title) || get_str(o, "agent", &agent) ||
	    get_int(o, "control_fen", 1, ET_STATS_MAX_FEN, &c) ||
	    get_int(o, "winning_fen", 0, ET_STATS_MAX_FEN, &w) ||
	    get_int(o, "registered", 0, INT64_MAX, &reg) || get_int(o, "bidders", 1, reg, &bid) ||
	    get_int(o, "opened_us", INT64_MIN, INT64_MAX, &at) ||
	    get_int(o, "line", 2, INT64_MAX, &line) || stats_type_parse(type) < 0) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = ET_EDB;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO st_outcome VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			       " ?11, ?12, ?13)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, (int64_t)index);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, title, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, c);
	sqlite3_bind_int64(st, 6, w);
	sqlite3_bind_int64(st, 7, reg);
	sqlite3_bind_int64(st, 8, bid);
	sqlite3_bind_int64(st, 9, at);
	sqlite3_bind_text(st, 10, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, line);
	sqlite3_bind_text(st, 12, ev->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, ev->time_us);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	rc = ET_OK;
out:
	sqlite3_finalize(st);
	json_decref(o);
	return rc;
}

static const struct audit_kind kinds[] = {
	{ "outcome.imported", 1, apply_imported },
};

static const struct audit_module module = {
	"stats", schema, tables, kinds, sizeof kinds / sizeof kinds[0], NULL,
};
static const struct audit_module *const modules[] = { &module };

const struct audit_module *const *stats_ledger_modules(size_t *n)
{
	if (n)
		*n = 1;
	return modules;
}

/* ---- the import command ---- */

struct import_ctx {
	const char *actor;
	const struct stats_outcome *rows;
	size_t n;
	struct stats_csv_error *err;
};

static char *payload(const struct stats_outcome *o)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:[s,s]}",
			      "code", o->code, "type", stats_type_name(o->type), "title", o->title,
			      "control_fen", (json_int_t)o->control_fen,
			      "winning_fen", (json_int_t)o->winning_fen,
			      "registered", (json_int_t)o->registered,
			      "bidders", (json_int_t)o->bidders, "opened_us", (json_int_t)o->opened_us,
			      "agent", o->agent, "line", (json_int_t)o->line,
			      "rules", "et.auth.role", "et.stats.import");
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;

	json_decref(j);
	return s;
}

static int cmd_import(struct audit_tx *tx, void *arg)
{
	struct import_ctx *c = arg;
	sqlite3_stmt *st = NULL;
	char *p = NULL;
	struct tender_principal who;
	struct tender_diag d;
	int rc = ET_OK;

	/* The role, checked in the writer against the accounts' projection:
	 * statisticians import, nobody else (not even administrators). */
	rc = tender_db_actor(audit_tx_db(tx), c->actor, &who, &d);
	if (rc && rc != ET_EDENIED)
		return rc;              /* a system failure, not a refusal */
	if (rc || !(who.roles & TENDER_ROLE_STATISTICIAN)) {
		c->err->line = 0;
		c->err->rule = "et.auth.role";
		snprintf(c->err->zh, sizeof c->err->zh, "只有统计人员可以导入历史成交数据");
		snprintf(c->err->en, sizeof c->err->en, "only a statistician may import outcomes");
		return ET_EDENIED;
	}
	if (sqlite3_prepare_v2(audit_tx_db(tx), "SELECT 1 FROM st_outcome WHERE code = ?1", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		int s;

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->rows[i].code, -1, SQLITE_STATIC);
		s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			c->err->line = c->rows[i].line;
			if (snprintf(c->err->zh, sizeof c->err->zh, "第 %zu 行：项目编号已导入过",
				     c->rows[i].line) >= (int)sizeof c->err->zh)
				c->err->zh[0] = '\0';
			if (snprintf(c->err->en, sizeof c->err->en, "line %zu: code already imported",
				     c->rows[i].line) >= (int)sizeof c->err->en)
				c->err->en[0] = '\0';
			rc = ET_EEXIST;
			goto out;
		}
		if (s != SQLITE_DONE) {
			rc = et_fail(ET_EDB);
			goto out;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		struct audit_event ev = { .kind = "outcome.imported", .version = 1,
					  .actor = c->actor, .tender = "" };

		if (!(p = payload(&c->rows[i]))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		ev.payload = (const unsigned char *)p;
		ev.payload_len = strlen(p);
		if ((rc = audit_tx_emit(tx, &ev, NULL)))
			goto out;
		free(p);
		p = NULL;
	}
	rc = ET_OK;
out:
	free(p);
	sqlite3_finalize(st);
	return rc;
}

int stats_import(struct audit_ledger *l, const char *actor, const char *csv, size_t len,
		 struct stats_csv_error *err, struct audit_result *res)
{
	struct import_ctx c = { actor, NULL, 0, err };
	struct stats_outcome *rows = NULL;
	int rc;

	if (!l || !actor || !csv || !err)
		return et_fail(ET_EINVAL);
	if ((rc = stats_csv_parse(csv, len, &rows, &c.n, err)))
		goto out;
	c.rows = rows;
	rc = audit_ledger_submit(l, cmd_import, &c, res);
out:
	if (rc && !err->rule && (rc == ET_EINVAL || rc == ET_EEXIST || rc == ET_ELIMIT))
		err->rule = "et.stats.import";
	free(rows);
	return rc;
}

/* ---- the row source ---- */

struct load_ctx {
	struct stats_outcome *rows;
	size_t n;
};

static void copy_text(char *dst, size_t cap, const unsigned char *s)
{
	size_t k = s ? strlen((const char *)s) : 0;

	if (k >= cap)
		k = cap - 1;
	if (k)
		memcpy(dst, s, k);
	dst[k] = '\0';
}

/* Append the rows of one SELECT (code, type, title, control_fen,
 * winning_fen, registered, bidders, opened_us, agent, line). */
static int load_select(sqlite3 *db, const char *sql, int source, struct load_ctx *c, size_t *cap)
{
	sqlite3_stmt *st = NULL;
	struct stats_outcome *tmp;
	int s, rc = ET_OK;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct stats_outcome *o;

		if (c->n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			if (!(tmp = realloc(c->rows, *cap * sizeof *tmp))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			c->rows = tmp;
		}
		o = &c->rows[c->n];
		memset(o, 0, sizeof *o);
		copy_text(o->code, sizeof o->code, sqlite3_column_text(st, 0));
		o->type = stats_type_parse((const char *)sqlite3_column_text(st, 1));
		copy_text(o->title, sizeof o->title, sqlite3_column_text(st, 2));
		o->control_fen = sqlite3_column_int64(st, 3);
		o->winning_fen = sqlite3_column_int64(st, 4);
		o->registered = sqlite3_column_int64(st, 5);
		o->bidders = sqlite3_column_int64(st, 6);
		o->opened_us = sqlite3_column_int64(st, 7);
		copy_text(o->agent, sizeof o->agent, sqlite3_column_text(st, 8));
		o->line = (size_t)sqlite3_column_int64(st, 9);
		o->source = source;
		/* a platform row that breaks the hook's contract is not counted */
		if (o->type < 0 || o->control_fen <= 0 || o->winning_fen < 0 || o->bidders < 1 ||
		    o->bidders > o->registered || o->control_fen > ET_STATS_MAX_FEN ||
		    o->winning_fen > ET_STATS_MAX_FEN) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		c->n++;
	}
	if (s != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	rc = ET_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

static int load_fn(sqlite3 *db, void *arg)
{
	struct load_ctx *c = arg;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	bool awards;
	int rc;

	if ((rc = load_select(db,
			      "SELECT code, type, title, control_fen, winning_fen, registered, bidders,"
			      " opened_us, agent, line FROM st_outcome ORDER BY idx",
			      STATS_SRC_IMPORTED, c, &cap)))
		return rc;
	/* The platform's awards, through the hook of stats.h, once the award
	 * module creates its projection. */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '"
			       STATS_AWARD_TABLE "'", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return et_fail(ET_EDB);
	}
	awards = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!awards)
		return ET_OK;
	return load_select(db,
			   "SELECT code, type, title, control_fen, winning_fen, registered, bidders,"
			   " opened_us, agent, 0 FROM " STATS_AWARD_TABLE " ORDER BY code",
			   STATS_SRC_PLATFORM, c, &cap);
}

int stats_rows_load(struct audit_ledger *l, struct stats_outcome **rows, size_t *n)
{
	struct load_ctx c = { NULL, 0 };
	int rc = audit_ledger_query(l, load_fn, &c);

	if (rc) {
		free(c.rows);
		c.rows = NULL;
		c.n = 0;
	}
	*rows = c.rows;
	*n = c.n;
	return rc;
}
