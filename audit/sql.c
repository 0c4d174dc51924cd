/* audit/sql.c — small SQLite helpers for the domain modules' commands,
 * apply functions and queries: prepare with typed binds, execute to
 * completion, read a text column into a bounded buffer. */
#include <stdarg.h>
#include <string.h>

#include "audit/audit.h"

static int vbind(sqlite3_stmt *st, const char *types, va_list ap)
{
	int i = 1, s = SQLITE_OK;

	for (const char *t = types; t && *t; t++, i++) {
		switch (*t) {
		case 't': {
			const char *v = va_arg(ap, const char *);
			s = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
			break;
		}
		case 'i':
			s = sqlite3_bind_int64(st, i, (sqlite3_int64)va_arg(ap, int64_t));
			break;
		case 'b': {
			const void *v = va_arg(ap, const void *);
			int n = va_arg(ap, int);
			s = sqlite3_bind_blob(st, i, v ? v : "", n, SQLITE_TRANSIENT);
			break;
		}
		case 'n':
			s = sqlite3_bind_null(st, i);
			break;
		default:
			return et_fail(ET_EINVAL);
		}
		if (s != SQLITE_OK)
			return et_fail(ET_EDB);
	}
	return ET_OK;
}

int audit_sql_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	*st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		et_log(ET_LOG_ERROR, "sql: prepare: %s", sqlite3_errmsg(db));
		return et_fail(ET_EDB);
	}
	va_start(ap, types);
	rc = vbind(*st, types, ap);
	va_end(ap);
	if (rc) {
		sqlite3_finalize(*st);
		*st = NULL;
	}
	return rc;
}

int audit_sql_exec(sqlite3 *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int rc, s;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		et_log(ET_LOG_ERROR, "sql: prepare: %s", sqlite3_errmsg(db));
		return et_fail(ET_EDB);
	}
	va_start(ap, types);
	rc = vbind(st, types, ap);
	va_end(ap);
	if (rc == ET_OK) {
		while ((s = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (s == SQLITE_CONSTRAINT) {
			rc = ET_EEXIST;
		} else if (s != SQLITE_DONE) {
			et_log(ET_LOG_ERROR, "sql: step: %s", sqlite3_errmsg(db));
			rc = et_fail(ET_EDB);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

void audit_sql_col_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = 0;
}
