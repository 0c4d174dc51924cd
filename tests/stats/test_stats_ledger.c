/* tests/stats/test_stats_ledger.c — the import on a real ledger: one public
 * "outcome.imported" event per row, a bad file or an already imported code
 * changes nothing, the rows read back for reports, and replay rebuilds
 * st_outcome equal to live. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "stats/stats.h"
#include "tender/tender.h"

static const unsigned char seed[32] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
					9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };

static char dir[256], path[320], ppath[320];
static const struct audit_module *mods[16];
static struct tender_private *priv;
static char center[TENDER_ID_LEN], admin[TENDER_ID_LEN], stat[TENDER_ID_LEN];

/* The trading center, its administrator and a statistician. */
static void accounts(struct audit_ledger *l)
{
	struct tender_person who = { "统计员", "13700000000", "330100199001010000", "s@example.cn" };
	struct tender_diag d;
	char *pw = NULL;

	ck_assert_int_lt(snprintf(ppath, sizeof ppath, "%s/private.db", dir), (int)sizeof ppath);
	ck_assert_int_eq(tender_private_open(ppath, &priv), ET_OK);
	ck_assert_int_eq(tender_bootstrap(l, priv, "江城市公共资源交易中心", "admin", center, admin, &pw),
			 ET_OK);
	free(pw);
	ck_assert_int_eq(tender_user_register(l, priv, admin, center, TENDER_ROLE_STATISTICIAN,
					      "stat", "statistician-pw", &who, stat, &d), ET_OK);
}

static struct audit_ledger *open_ledger(void)
{
	const char *base = getenv("TMPDIR");
	struct audit_ledger *l = NULL;
	size_t nt, ns;
	const struct audit_module *const *tm = tender_ledger_modules(&nt);
	const struct audit_module *const *sm = stats_ledger_modules(&ns);
	struct audit_ledger_config cfg = { .origin = "test.etender.example/stats", .seed = seed,
					   .modules = mods };

	/* tender's modules (accounts, for the role check), then stats */
	ck_assert_uint_le(nt + ns, sizeof mods / sizeof mods[0]);
	for (size_t i = 0; i < nt; i++)
		mods[i] = tm[i];
	for (size_t i = 0; i < ns; i++)
		mods[nt + i] = sm[i];
	cfg.nmodules = nt + ns;

	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s/et-stats-XXXXXX", base ? base : "/tmp"),
			 (int)sizeof dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/ledger.db", dir), (int)sizeof path);
	cfg.db_path = path;
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_OK);
	return l;
}

static void close_ledger(struct audit_ledger *l)
{
	char p[400];

	audit_ledger_close(l);
	tender_private_close(priv);
	priv = NULL;
	unlink(ppath);
	for (const char *s = ""; s; s = *s ? (s[1] == 'w' ? "-shm" : NULL) : "-wal") {
		ck_assert_int_lt(snprintf(p, sizeof p, "%s%s", path, s), (int)sizeof p);
		unlink(p);
	}
	rmdir(dir);
}

#define HDR "code,type,title,control_price_yuan,winning_price_yuan,registered,bidders,opened_at,agent\n"

START_TEST(test_import_replay)
{
	static const char good[] = HDR
		"A,construction,\"一标段, 土建\",1000000,880000,10,8,2023-03-10,甲\n"
		"B,procurement,设备,200000,190000,4,3,2023-06-01T09:00,乙\n"
		"C,land,地块,5000000,6000000,3,3,2024-02-01,\n";
	static const char bad[] = HDR "E,asset,x,1,1,1,1,2024-01-01,\nF,asset,x,1,1,1,2,2024-01-01,\n";
	static const char again[] = HDR "G,asset,x,1,1,1,1,2024-01-01,\nB,asset,x,1,1,1,1,2024-01-01,\n";
	struct audit_ledger *l = open_ledger();
	struct stats_csv_error err;
	struct audit_result res;
	struct audit_report rep;
	struct stats_outcome *rows = NULL;
	struct stats_query q = { .type = -1 };
	struct stats_report *r = NULL;
	size_t n;
	uint64_t size;

	accounts(l);
	/* only a statistician imports: the administrator and an unknown id are
	 * refused by et.auth.role, and nothing changes */
	size = audit_ledger_size(l);
	ck_assert_int_eq(stats_import(l, admin, good, sizeof good - 1, &err, NULL), ET_EDENIED);
	ck_assert_str_eq(err.rule, "et.auth.role");
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_eq(err.en, "only a statistician may import outcomes");
	ck_assert_int_eq(stats_import(l, "usr-nobody", good, sizeof good - 1, &err, NULL), ET_EDENIED);
	ck_assert_str_eq(err.rule, "et.auth.role");
	ck_assert_uint_eq(audit_ledger_size(l), size);
	ck_assert_int_eq(stats_import(l, stat, good, sizeof good - 1, &err, &res), ET_OK);
	ck_assert_uint_eq(res.count, 3);
	size = audit_ledger_size(l);
	/* a bad row: nothing changes, the line is named */
	ck_assert_int_eq(stats_import(l, stat, bad, sizeof bad - 1, &err, NULL), ET_EINVAL);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_str_eq(err.rule, "et.stats.import");
	ck_assert_str_eq(err.en, "line 3: more bidders than registered firms");
	ck_assert_uint_eq(audit_ledger_size(l), size);
	/* an already imported code: nothing changes either (G is not kept) */
	ck_assert_int_eq(stats_import(l, stat, again, sizeof again - 1, &err, NULL), ET_EEXIST);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_str_eq(err.en, "line 3: code already imported");
	ck_assert_uint_eq(audit_ledger_size(l), size);
	/* the rows come back for reports */
	ck_assert_int_eq(stats_rows_load(l, &rows, &n), ET_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(rows[0].title, "一标段, 土建");
	ck_assert_str_eq(rows[0].agent, "甲");
	ck_assert_int_eq(rows[2].type, STATS_LAND);
	ck_assert_int_eq(rows[1].source, STATS_SRC_IMPORTED);
	ck_assert_int_eq(stats_report_compute(rows, n, &q, &r), ET_OK);
	ck_assert_int_eq(r->periods[0].savings_fen, 12000000 + 1000000 - 100000000);
	stats_report_free(r);
	free(rows);
	/* the leaf is public and names the kind */
	{
		unsigned char *leaf = NULL;
		size_t len = 0;
		struct audit_leaf lf;

		ck_assert_int_eq(audit_ledger_leaf(l, res.first, &leaf, &len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &lf), ET_OK);
		ck_assert_int_eq(lf.type, AUDIT_LEAF_EVENT);
		ck_assert_str_eq(lf.kind, "outcome.imported");
		free(leaf);
	}
	/* replay equals live */
	ck_assert_int_eq(audit_ledger_replay(l, &rep), ET_OK);
	ck_assert_str_eq(rep.diff, "");
	ck_assert_uint_ge(rep.rows, 3);
	close_ledger(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats_ledger");
	TCase *tc = tcase_create("ledger");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_import_replay);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
