/* tests/stats/test_stats_open.c — open data and the platform's rows:
 * the OCDS writer (exact amounts from fen, the bids extension's
 * statistics, no count of any kind for a tender that is not closed, the
 * type and date filters, an empty selection refused), and the award hook:
 * a module with an ev_award projection (as the award module will have)
 * feeds stats_rows_load as platform rows next to imported outcomes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "stats/stats.h"
#include "tender/tender.h"

static const struct stats_ocds_opts opts = { "ocds-test", "江城市公共资源交易中心",
					     "urn:test:ocds", 1704067200000000LL };

static struct stats_outcome row(const char *code, int type, int64_t c, int64_t w, int64_t reg,
				int64_t bid, int64_t us)
{
	struct stats_outcome o;

	memset(&o, 0, sizeof o);
	snprintf(o.code, sizeof o.code, "%s", code);
	snprintf(o.title, sizeof o.title, "项目 \"%s\"", code);
	o.type = type;
	o.control_fen = c;
	o.winning_fen = w;
	o.registered = reg;
	o.bidders = bid;
	o.opened_us = us;
	return o;
}

/* The package as written, kept in raw (exact amounts are checked on the
 * bytes, not on a re-serialised double). */
static char raw[1u << 16];

static json_t *ocds(const struct stats_outcome *rows, size_t n, const struct stats_tender *t,
		    size_t nt, const struct stats_query *q, int expect)
{
	struct et_buf b;
	json_t *j = NULL;

	et_buf_init(&b, 1u << 20);
	ck_assert_int_eq(stats_report_ocds(rows, n, t, nt, q, &opts, &b), expect);
	raw[0] = 0;
	if (expect == ET_OK) {
		ck_assert_uint_lt(b.len, sizeof raw);
		memcpy(raw, b.data, b.len + 1);
		j = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
		ck_assert_ptr_nonnull(j);
	}
	et_buf_free(&b);
	return j;
}

static json_t *release_of(json_t *pkg, const char *tender_id)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(pkg, "releases"), i, r)
		if (!strcmp(json_string_value(json_object_get(json_object_get(r, "tender"), "id")),
			    tender_id))
			return r;
	return NULL;
}

START_TEST(test_ocds_counts_secret)
{
	/* 2024-03-10 00:00 Shanghai = 2024-03-09T16:00:00Z */
	struct stats_outcome rows[1] = { row("A", STATS_CONSTRUCTION, 100000001, 88000099, 10, 8,
					    1710000000000000LL) };
	struct stats_tender t[2];
	struct stats_query q = { .type = -1 };
	json_t *pkg, *r, *tn;
	char *text;

	memset(t, 0, sizeof t);
	snprintf(t[0].id, sizeof t[0].id, "OPEN-1");
	snprintf(t[0].title, sizeof t[0].title, "未截标");
	t[0].type = STATS_CONSTRUCTION;
	snprintf(t[0].stage, sizeof t[0].stage, "published");
	t[0].control_fen = 1234567801;
	t[0].published_us = 1710000000000000LL;
	t[0].deadline_us = 1712000000000000LL;
	/* numbers in the struct of a tender that is not closed are never written */
	t[0].bids = 7;
	t[0].registrations = 9;
	t[1] = t[0];
	snprintf(t[1].id, sizeof t[1].id, "CLOSED-1");
	snprintf(t[1].stage, sizeof t[1].stage, "failed");
	t[1].closed = true;
	t[1].closed_us = 1712000000000000LL;
	t[1].bids = 1;
	t[1].registrations = 3;

	pkg = ocds(rows, 1, t, 2, &q, ET_OK);
	ck_assert_str_eq(json_string_value(json_object_get(pkg, "version")), "1.1");
	ck_assert_int_eq(json_array_size(json_object_get(pkg, "releases")), 3);
	/* the imported outcome: control and winning price exact, bids and requests */
	r = release_of(pkg, "A");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "ocid")), "ocds-test-imported-A");
	ck_assert_str_eq(json_string_value(json_object_get(r, "date")), "2024-03-09T16:00:00Z");
	tn = json_object_get(r, "tender");
	ck_assert_int_eq(json_integer_value(json_object_get(tn, "numberOfTenderers")), 8);
	ck_assert_ptr_nonnull(strstr(raw, "\"value\":{\"amount\":1000000.01,\"currency\":\"CNY\"}"));
	ck_assert_ptr_nonnull(strstr(raw, "\"value\":{\"amount\":880000.99,\"currency\":\"CNY\"}"));
	ck_assert_ptr_nonnull(strstr(raw, "\"value\":{\"amount\":12345678.01,\"currency\":\"CNY\"}"));
	text = json_dumps(r, JSON_COMPACT);
	ck_assert_ptr_nonnull(strstr(text, "{\"id\":\"bids\",\"measure\":\"bids\",\"value\":8}"));
	ck_assert_ptr_nonnull(strstr(text, "{\"id\":\"requests\",\"measure\":\"requests\",\"value\":10}"));
	free(text);
	/* not closed: no count at all */
	r = release_of(pkg, "OPEN-1");
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(json_object_get(r, "bids"));
	ck_assert_ptr_null(json_object_get(json_object_get(r, "tender"), "numberOfTenderers"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "tender"), "status")),
			 "active");
	text = json_dumps(r, JSON_COMPACT);
	ck_assert_ptr_null(strstr(text, "requests"));
	ck_assert_ptr_null(strstr(text, ":7"));
	ck_assert_ptr_null(strstr(text, ":9"));
	free(text);
	/* closed (failed, 流标): the counts appear */
	r = release_of(pkg, "CLOSED-1");
	ck_assert_ptr_nonnull(r);
	tn = json_object_get(r, "tender");
	ck_assert_int_eq(json_integer_value(json_object_get(tn, "numberOfTenderers")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(tn, "status")), "unsuccessful");
	text = json_dumps(json_object_get(r, "bids"), JSON_COMPACT);
	ck_assert_str_eq(text, "{\"statistics\":[{\"id\":\"bids\",\"measure\":\"bids\",\"value\":1},"
			       "{\"id\":\"requests\",\"measure\":\"requests\",\"value\":3}]}");
	free(text);
	json_decref(pkg);

	/* filters: type, and dates (Shanghai) */
	q.type = STATS_LAND;
	ck_assert_ptr_null(ocds(rows, 1, t, 2, &q, ET_ENOTFOUND));
	q.type = -1;
	q.has_from = true;
	ck_assert_int_eq(stats_date_parse("2024-03-10", &q.from_day), ET_OK);
	pkg = ocds(rows, 1, t, 2, &q, ET_OK);
	ck_assert_int_eq(json_array_size(json_object_get(pkg, "releases")), 3);
	json_decref(pkg);
	ck_assert_int_eq(stats_date_parse("2024-03-11", &q.from_day), ET_OK);
	ck_assert_ptr_null(ocds(rows, 1, t, 2, &q, ET_ENOTFOUND));
}
END_TEST

/* ---- the award hook ------------------------------------------------------- */

/* A stand-in for the award module's projection, through real events. */
static int apply_award(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc;

	(void)index;
	(void)ctx;
	if (sqlite3_prepare_v2(db, "INSERT INTO ev_award VALUES (?1, 'procurement', '平台标', 300, 200,"
				   " 5, 4, 1717200000000000, '丙')", -1, &st, NULL) != SQLITE_OK)
		return ET_EDB;
	sqlite3_bind_text(st, 1, (const char *)ev->payload, (int)ev->payload_len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? ET_OK : ET_EDB;
	sqlite3_finalize(st);
	return rc;
}

static const struct audit_kind award_kinds[] = { { "award.test", 1, apply_award } };
static const char *const award_tables[] = { "ev_award", NULL };
static const struct audit_module award_module = {
	"awardtest",
	"CREATE TABLE IF NOT EXISTS ev_award(code TEXT PRIMARY KEY, type TEXT, title TEXT,"
	" control_fen INTEGER, winning_fen INTEGER, registered INTEGER, bidders INTEGER,"
	" opened_us INTEGER, agent TEXT);",
	award_tables, award_kinds, 1, NULL,
};

static int cmd_award(struct audit_tx *tx, void *arg)
{
	struct audit_event ev = { .kind = "award.test", .version = 1, .actor = "usr-test",
				  .tender = "" };

	ev.payload = (const unsigned char *)arg;
	ev.payload_len = strlen(arg);
	return audit_tx_emit(tx, &ev, NULL);
}

START_TEST(test_award_hook)
{
	static const unsigned char seed[32] = { 7 };
	const struct audit_module *mods[16];
	size_t nt, ns, nm = 0, n = 0;
	const struct audit_module *const *tm = tender_ledger_modules(&nt);
	const struct audit_module *const *sm = stats_ledger_modules(&ns);
	struct audit_ledger_config cfg = { .origin = "test.etender.example/award", .seed = seed };
	struct audit_ledger *l = NULL;
	struct stats_outcome *rows = NULL;
	struct stats_report *r = NULL;
	struct stats_query q = { .type = -1 };
	char dir[256], path[320];
	const char *base = getenv("TMPDIR");

	for (size_t i = 0; i < nt; i++)
		mods[nm++] = tm[i];
	for (size_t i = 0; i < ns; i++)
		mods[nm++] = sm[i];
	cfg.modules = mods;
	snprintf(dir, sizeof dir, "%s/et-award-XXXXXX", base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ledger.db", dir);
	cfg.db_path = path;

	/* without the award module: no platform rows, no error */
	cfg.nmodules = nm;
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_OK);
	ck_assert_int_eq(stats_rows_load(l, &rows, &n), ET_OK);
	ck_assert_uint_eq(n, 0);
	free(rows);
	audit_ledger_close(l);

	/* with it: its rows come as platform rows and count in reports */
	mods[nm] = &award_module;
	cfg.nmodules = nm + 1;
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_OK);
	ck_assert_int_eq(audit_ledger_submit(l, cmd_award, "T-1/1", NULL), ET_OK);
	ck_assert_int_eq(stats_rows_load(l, &rows, &n), ET_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(rows[0].code, "T-1/1");
	ck_assert_int_eq(rows[0].source, STATS_SRC_PLATFORM);
	ck_assert_int_eq(rows[0].type, STATS_PROCUREMENT);
	ck_assert_str_eq(rows[0].agent, "丙");
	ck_assert_int_eq(stats_report_compute(rows, n, &q, &r), ET_OK);
	ck_assert_int_eq(r->periods[0].savings_fen, 100);
	ck_assert_str_eq(r->periods[0].weighted_discount_rate.exact, "1/3");
	stats_report_free(r);
	{
		struct et_buf b;

		et_buf_init(&b, 1u << 20);
		ck_assert_int_eq(stats_report_ocds(rows, n, NULL, 0, &q, &opts, &b), ET_OK);
		/* the award of lot 1 belongs to tender T-1's contracting process */
		ck_assert_ptr_nonnull(strstr((const char *)b.data,
					     "\"ocid\":\"ocds-test-T-1\",\"id\":\"T-1/1-award\""));
		ck_assert_ptr_nonnull(strstr((const char *)b.data, "\"tender\":{\"id\":\"T-1\""));
		et_buf_free(&b);
	}
	free(rows);
	audit_ledger_close(l);
	for (const char *s = ""; s; s = *s ? (s[1] == 'w' ? "-shm" : NULL) : "-wal") {
		char p[400];

		snprintf(p, sizeof p, "%s%s", path, s);
		unlink(p);
	}
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats_open");
	TCase *tc = tcase_create("open");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_ocds_counts_secret);
	tcase_add_test(tc, test_award_hook);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
