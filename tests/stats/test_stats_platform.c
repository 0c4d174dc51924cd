/* tests/stats/test_stats_platform.c — statistics on the real domain: a
 * ledger with tender's, bidding's and stats' modules (as etenderd opens
 * it), the world of tests/tender/domain_fix.h. The import is the
 * statistician's only (the administrator and a bidder are refused with
 * et.auth.role, nothing changes); a published tender with two firms
 * registered shows no count of any kind until it is closed (招标投标法
 * Art. 22), then its registrations and bids; drafts are not open data;
 * replay equals live with the stats events in the log. */
#include <jansson.h>
#include <sqlite3.h>

#include "bidding/bidding.h"
#include "stats/stats.h"

static const struct audit_module *all_mods[16];

/* etenderd's order: tender's, bidding's, then stats' modules. */
static const struct audit_module *const *all_modules(size_t *n)
{
	size_t nb = 0, ns = 0, k = 0;
	const struct audit_module *const *b = bid_ledger_modules(&nb);
	const struct audit_module *const *s = stats_ledger_modules(&ns);

	for (size_t i = 0; i < nb && k < 16; i++)
		all_mods[k++] = b[i];
	for (size_t i = 0; i < ns && k < 16; i++)
		all_mods[k++] = s[i];
	*n = k;
	return (const struct audit_module *const *)all_mods;
}

#define FIX_MODULES all_modules
#include "tests/tender/domain_fix.h"

#define TID "E3301002026000777"
#define HDR "code,type,title,control_price_yuan,winning_price_yuan,registered,bidders,opened_at\n"

static const struct stats_ocds_opts opts = { "ocds-test", "中心", "urn:test", T0 };

static json_t *release_json(struct world *w, const char *id, struct et_buf *raw)
{
	struct stats_tender *t = NULL;
	struct stats_query q = { .type = -1 };
	size_t nt = 0;
	json_t *pkg, *r, *out = NULL;
	size_t i;

	ck_assert_int_eq(stats_tenders_load(w->l, &t, &nt), ET_OK);
	et_buf_reset(raw);
	ck_assert_int_eq(stats_report_ocds(NULL, 0, t, nt, &q, &opts, raw), ET_OK);
	free(t);
	pkg = json_loadb((const char *)raw->data, raw->len, JSON_REJECT_DUPLICATES, NULL);
	ck_assert_ptr_nonnull(pkg);
	json_array_foreach(json_object_get(pkg, "releases"), i, r)
		if (!strcmp(json_string_value(json_object_get(json_object_get(r, "tender"), "id")), id))
			out = json_incref(r);
	json_decref(pkg);
	return out;
}

START_TEST(test_platform_counts_after_close)
{
	struct world *w = calloc(1, sizeof *w);
	struct stats_tender *t = NULL;
	struct stats_csv_error err;
	struct tender_diag d;
	struct bid_close_result cr;
	struct audit_report rep;
	struct et_buf raw;
	json_t *r;
	size_t nt = 0;
	uint64_t size;
	static const char csv[] = HDR "H-1,construction,历史项目,100,90,3,2,2025-06-01\n";

	ck_assert_ptr_nonnull(w);
	et_buf_init(&raw, 1u << 20);
	world_setup(w);
	/* only the statistician imports */
	size = audit_ledger_size(w->l);
	ck_assert_int_eq(stats_import(w->l, w->user[U_ADMIN], csv, sizeof csv - 1, &err, NULL),
			 ET_EDENIED);
	ck_assert_str_eq(err.rule, "et.auth.role");
	ck_assert_int_eq(stats_import(w->l, w->user[U_BIDDER1], csv, sizeof csv - 1, &err, NULL),
			 ET_EDENIED);
	ck_assert_uint_eq(audit_ledger_size(w->l), size);
	ck_assert_int_eq(stats_import(w->l, w->user[U_STAT], csv, sizeof csv - 1, &err, NULL), ET_OK);
	ck_assert_uint_eq(audit_ledger_size(w->l), size + 1);

	make_published(w, TID, T0 + HOUR, true);
	make_published(w, "E3301002026000778", T0 + HOUR, false);   /* a draft */
	et_clock_set_test(T0 + 2 * HOUR);
	ck_assert_int_eq(tender_register(w->l, w->user[U_BIDDER1], TID, &d), ET_OK);
	ck_assert_int_eq(tender_register(w->l, w->user[U_BIDDER2], TID, &d), ET_OK);

	/* before the close: listed, no count */
	ck_assert_int_eq(stats_tenders_load(w->l, &t, &nt), ET_OK);
	ck_assert_uint_eq(nt, 1);                  /* the draft is not open data */
	ck_assert_str_eq(t[0].id, TID);
	ck_assert_str_eq(t[0].stage, "published");
	ck_assert_int_eq(t[0].type, STATS_CONSTRUCTION);
	ck_assert_int_eq(t[0].control_fen, 4560000000LL);
	ck_assert(!t[0].closed);
	ck_assert_int_eq(t[0].registrations, 0);
	ck_assert_int_eq(t[0].bids, 0);
	free(t);
	r = release_json(w, TID, &raw);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(json_object_get(r, "bids"));
	ck_assert_ptr_null(json_object_get(json_object_get(r, "tender"), "numberOfTenderers"));
	ck_assert_ptr_null(strstr((const char *)raw.data, "requests"));
	ck_assert_ptr_nonnull(strstr((const char *)raw.data, "\"amount\":45600000.00,"));
	json_decref(r);

	/* the close (no bid: 流标): the counts appear */
	et_clock_set_test(T0 + HOUR + 21 * DAY);
	ck_assert_msg(bid_close(w->l, w->user[U_SUPER], TID, &cr, &d) == ET_OK, "%s", d.msg);
	ck_assert(cr.failed);
	ck_assert_int_eq(stats_tenders_load(w->l, &t, &nt), ET_OK);
	ck_assert_uint_eq(nt, 1);
	ck_assert(t[0].closed);
	ck_assert_str_eq(t[0].stage, "failed");
	ck_assert_int_eq(t[0].registrations, 2);
	ck_assert_int_eq(t[0].bids, 0);
	free(t);
	r = release_json(w, TID, &raw);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r, "tender"),
							    "numberOfTenderers")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "tender"), "status")),
			 "unsuccessful");
	ck_assert_ptr_nonnull(strstr((const char *)raw.data,
				     "{\"id\":\"requests\",\"measure\":\"requests\",\"value\":2}"));
	json_decref(r);

	/* replay (tender, bidding and stats projections) equals live */
	memset(&rep, 0, sizeof rep);
	ck_assert_msg(audit_ledger_replay(w->l, &rep) == ET_OK, "%s", rep.diff);
	ck_assert_str_eq(rep.diff, "");
	et_buf_free(&raw);
	fix_close(w);
	free(w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats_platform");
	TCase *tc = tcase_create("platform");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_platform_counts_after_close);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
