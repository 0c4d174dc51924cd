/* client/apicmp.c — the last step of `etender audit verify`: the public
 * state replayed from the log (tenders, their documents and clarifications)
 * must equal what the server's public API serves to anyone without a login.
 * A server that shows the public one thing and logs another is caught here.
 * Only published tenders are compared (drafts are not served publicly). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "client/client.h"

#define CMP_MAX_BODY (16u << 20)

struct cmp {
	const char *url;
	sqlite3 *db;
	char *diff;
	size_t cap;
	unsigned tenders, documents, clarifications;
};

static bool safe_id(const char *s)
{
	size_t i;

	if (!s || !*s || strlen(s) > ET_ID_MAX_LEN)
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static int differ(struct cmp *c, const char *what, const char *id, const char *field,
		  const char *logged, const char *served)
{
	client_fmt(c->diff, c->cap, "%s %s: %s is \"%s\" in the log but the API serves \"%s\"", what,
		   id, field, logged, served);
	return ET_EVERIFY;
}

static int cmp_text(struct cmp *c, const char *what, const char *id, const char *field,
		    sqlite3_stmt *st, int col, json_t *o, const char *key)
{
	const char *logged = (const char *)sqlite3_column_text(st, col);
	json_t *v = json_object_get(o, key);
	const char *served = json_is_string(v) ? json_string_value(v) : NULL;

	if (!logged)
		logged = "";
	if (json_is_null(v) || !v)
		served = "";
	if (!served)
		return differ(c, what, id, field, logged, "(not a string)");
	return strcmp(logged, served) ? differ(c, what, id, field, logged, served) : ET_OK;
}

static int cmp_int(struct cmp *c, const char *what, const char *id, const char *field,
		   sqlite3_stmt *st, int col, json_t *o, const char *key)
{
	int64_t logged = sqlite3_column_int64(st, col);
	json_t *v = json_object_get(o, key);
	char a[32], b[32];

	if (json_is_integer(v) && json_integer_value(v) == logged)
		return ET_OK;
	snprintf(a, sizeof a, "%" PRId64, logged) < 0 ? (void)0 : (void)0;
	if (json_is_integer(v))
		snprintf(b, sizeof b, "%" PRId64, (int64_t)json_integer_value(v)) < 0 ? (void)0 : (void)0;
	else
		snprintf(b, sizeof b, "(not a number)") < 0 ? (void)0 : (void)0;
	return differ(c, what, id, field, a, b);
}

static int get(struct cmp *c, const char *path, json_t **j)
{
	char err[512];
	int rc = client_http_get_json(c->url, path, NULL, CMP_MAX_BODY, j, err, sizeof err);

	if (rc)
		client_fmt(c->diff, c->cap, "GET %s: %s", path, err);
	return rc;
}

/* Rows of sql (bound to the tender id) against the array arr of objects,
 * in order, by id; fields as (column, key, is_int). */
struct field {
	const char *key;
	bool is_int;
};

static int cmp_rows(struct cmp *c, const char *what, const char *tender, const char *sql,
		   json_t *arr, const struct field *f, size_t nf, unsigned *count)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0, k;
	int rc = ET_OK, s;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return et_fail(ET_EDB);
	sqlite3_bind_text(st, 1, tender, -1, SQLITE_STATIC);
	while (rc == ET_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_array_get(arr, i);
		const char *id = (const char *)sqlite3_column_text(st, 0);

		if (!json_is_object(o)) {
			client_fmt(c->diff, c->cap,
				   "tender %s: %s %s is in the log but the API does not serve it", tender,
				   what, id ? id : "?");
			rc = ET_EVERIFY;
			break;
		}
		for (k = 0; k < nf && rc == ET_OK; k++)
			rc = f[k].is_int ? cmp_int(c, what, id, f[k].key, st, (int)k, o, f[k].key)
					 : cmp_text(c, what, id, f[k].key, st, (int)k, o, f[k].key);
		i++;
		(*count)++;
	}
	if (rc == ET_OK && i != json_array_size(arr)) {
		client_fmt(c->diff, c->cap, "tender %s: the API serves %zu %s, the log has %zu", tender,
			   json_array_size(arr), what, i);
		rc = ET_EVERIFY;
	}
	sqlite3_finalize(st);
	return rc;
}

static const struct field doc_fields[] = {
	{ "id", false }, { "name", false }, { "kind", false },
	{ "size", true }, { "sha256", false }, { "time_us", true },
};
static const struct field clar_fields[] = {
	{ "id", false }, { "question", false }, { "text", false },
	{ "time_us", true }, { "deadline_after_us", true },
};

static int cmp_tender(struct cmp *c, sqlite3_stmt *t)
{
	const char *id = (const char *)sqlite3_column_text(t, 0);
	char path[512];
	json_t *j = NULL, *sched;
	int rc;

	if (!safe_id(id)) {
		client_fmt(c->diff, c->cap, "tender id not comparable: %s", id ? id : "(null)");
		return ET_EVERIFY;
	}
	client_fmt(path, sizeof path, "/api/tenders/%s", id);
	if ((rc = get(c, path, &j)))
		return rc;
	sched = json_object_get(j, "schedule");
	if ((rc = cmp_text(c, "tender", id, "id", t, 0, j, "id")) ||
	    (rc = cmp_text(c, "tender", id, "stage", t, 1, j, "stage")) ||
	    (rc = cmp_text(c, "tender", id, "title", t, 2, j, "title")) ||
	    (rc = cmp_text(c, "tender", id, "type", t, 3, j, "type")) ||
	    (rc = cmp_text(c, "tender", id, "agent_org", t, 4, j, "agent_org")) ||
	    (rc = cmp_text(c, "tender", id, "tenderer_org", t, 5, j, "tenderer_org")) ||
	    (rc = cmp_text(c, "tender", id, "profile", t, 6, j, "profile")) ||
	    (rc = cmp_int(c, "tender", id, "profile_version", t, 7, j, "profile_version")) ||
	    (rc = cmp_text(c, "tender", id, "xml_sha256", t, 8, j, "xml_sha256")) ||
	    (rc = cmp_int(c, "tender", id, "k", t, 9, j, "k")) ||
	    (rc = cmp_int(c, "tender", id, "n", t, 10, j, "n")) ||
	    (rc = cmp_int(c, "tender", id, "documents_from_us", t, 11, sched, "documents_from_us")) ||
	    (rc = cmp_int(c, "tender", id, "documents_to_us", t, 12, sched, "documents_to_us")) ||
	    (rc = cmp_int(c, "tender", id, "registration_deadline_us", t, 13, sched,
			  "registration_deadline_us")) ||
	    (rc = cmp_int(c, "tender", id, "question_deadline_us", t, 14, sched,
			  "question_deadline_us")) ||
	    (rc = cmp_int(c, "tender", id, "bid_deadline_us", t, 15, sched, "bid_deadline_us")) ||
	    (rc = cmp_int(c, "tender", id, "original_deadline_us", t, 16, j, "original_deadline_us")) ||
	    (rc = cmp_int(c, "tender", id, "published_us", t, 17, j, "published_us")) ||
	    (rc = cmp_text(c, "tender", id, "holders_state", t, 18, j, "holders_state")) ||
	    (rc = cmp_text(c, "tender", id, "pending_deadline_proposal", t, 19, j,
			   "pending_deadline_proposal")))
		goto out;
	json_decref(j);
	j = NULL;
	client_fmt(path, sizeof path, "/api/tenders/%s/documents", id);
	if ((rc = get(c, path, &j)) ||
	    (rc = cmp_rows(c, "documents", id,
			   "SELECT id, name, kind, size, sha256, time_us FROM td_document"
			   " WHERE tender = ?1 ORDER BY idx",
			   json_object_get(j, "documents"), doc_fields, 6, &c->documents)))
		goto out;
	json_decref(j);
	j = NULL;
	client_fmt(path, sizeof path, "/api/tenders/%s/clarifications", id);
	if ((rc = get(c, path, &j)) ||
	    (rc = cmp_rows(c, "clarifications", id,
			   "SELECT id, question, text, time_us, deadline_after FROM td_clarification"
			   " WHERE tender = ?1 ORDER BY idx",
			   json_object_get(j, "clarifications"), clar_fields, 5, &c->clarifications)))
		goto out;
	c->tenders++;
out:
	json_decref(j);
	return rc;
}

/* Every published tender of the replay appears in the public list, and the
 * list names no other. */
static int cmp_list(struct cmp *c, uint64_t *listed)
{
	sqlite3_stmt *st = NULL;
	json_t *j = NULL, *arr, *o;
	size_t i;
	int rc;

	if ((rc = get(c, "/api/tenders", &j)))
		return rc;
	arr = json_object_get(j, "tenders");
	if (!json_is_array(arr)) {
		client_fmt(c->diff, c->cap, "GET /api/tenders: no \"tenders\" array");
		rc = ET_EVERIFY;
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM td_tender WHERE id = ?1 AND published_us > 0",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	json_array_foreach(arr, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id ? id : "", -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW) {
			client_fmt(c->diff, c->cap,
				   "the API lists tender %s, which no published tender of the log is",
				   id ? id : "(no id)");
			rc = ET_EVERIFY;
			goto out;
		}
	}
	*listed = json_array_size(arr);
out:
	sqlite3_finalize(st);
	json_decref(j);
	return rc;
}

int client_api_compare(const char *url, const char *replay_path, char *diff, size_t cap,
		       unsigned *tenders, unsigned *documents, unsigned *clarifications)
{
	struct cmp c = { url, NULL, diff, cap, 0, 0, 0 };
	sqlite3_stmt *st = NULL;
	uint64_t listed = 0;
	int rc = ET_OK, s;

	diff[0] = 0;
	if (sqlite3_open_v2(replay_path, &c.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		client_fmt(diff, cap, "cannot open the replayed state");
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (sqlite3_prepare_v2(c.db,
			       "SELECT t.id, t.stage, t.title, t.type, t.agent_org, t.tenderer_org,"
			       " t.profile, t.profile_version, t.xml_sha256, t.k, t.n, t.documents_from,"
			       " t.documents_to, t.reg_deadline, t.q_deadline, t.deadline,"
			       " t.original_deadline, t.published_us, t.holders_state,"
			       " (SELECT p.id FROM td_deadline_proposal p WHERE p.tender = t.id"
			       "  AND p.status = 'pending')"
			       " FROM td_tender t WHERE t.published_us > 0 ORDER BY t.id",
			       -1, &st, NULL) != SQLITE_OK) {
		client_fmt(diff, cap, "replayed state: %s", sqlite3_errmsg(c.db));
		rc = et_fail(ET_EDB);
		goto out;
	}
	while (rc == ET_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = cmp_tender(&c, st);
	if (rc == ET_OK)
		rc = cmp_list(&c, &listed);
	if (rc == ET_OK && listed != c.tenders) {
		client_fmt(diff, cap, "the API lists %" PRIu64 " published tenders, the log has %u",
			   listed, c.tenders);
		rc = ET_EVERIFY;
	}
	*tenders = c.tenders;
	*documents = c.documents;
	*clarifications = c.clarifications;
out:
	sqlite3_finalize(st);
	sqlite3_close(c.db);
	return rc;
}
