/* tests/stats/test_stats.c — the statistics module without a ledger: exact
 * rounding and decimals, the CSV reader and every reason a row is refused,
 * dates in Asia/Shanghai, and reports over hand-computed datasets (every
 * figure of docs/statistics.md, an empty period, a single project, a land
 * sale above its reserve, a split comparison, months across midnight). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

/* ---- exact arithmetic ---- */

static const struct { const char *n, *d; int64_t want; } round_cases[] = {
	{ "5", "10", 1 },        /* 0.5 -> 1: half away from zero */
	{ "-5", "10", -1 },      /* -0.5 -> -1 */
	{ "25", "10", 3 },       /* 2.5 -> 3, not 2 (no banker's rounding) */
	{ "-25", "10", -3 },
	{ "14", "10", 1 },
	{ "-14", "10", -1 },
	{ "16", "10", 2 },
	{ "7", "-2", -4 },       /* -3.5 -> -4 */
	{ "0", "3", 0 },
	/* 12.07% of 7.487 billion yuan in fen: 1207 * 748700000000 / 10000 */
	{ "903680900000000", "10000", 90368090000 },
};

START_TEST(test_round)
{
	int64_t v;

	ck_assert_int_eq(stats_round_div(round_cases[_i].n, round_cases[_i].d, &v), ET_OK);
	ck_assert_int_eq(v, round_cases[_i].want);
}
END_TEST

static const struct { const char *n, *d; int sig; const char *want; } dec_cases[] = {
	{ "1207", "10000", 15, "0.1207" },
	{ "1", "3", 15, "0.333333333333333" },
	{ "2", "3", 15, "0.666666666666667" },             /* last digit rounded up */
	{ "-2", "3", 12, "-0.666666666667" },
	{ "1", "7", 12, "0.142857142857" },
	{ "0", "5", 15, "0" },
	{ "222", "100", 15, "2.22" },
	{ "1", "30000", 12, "0.0000333333333333" },        /* 12 significant after the zeros */
	{ "999999999999999", "1000000000000000", 12, "1" }, /* the carry runs through */
	{ "10", "1", 12, "10" },
	{ "-20999999", "1200000000", 15, "-0.0174999991666667" },
};

START_TEST(test_decimal)
{
	char out[96];

	ck_assert_int_eq(stats_decimal(dec_cases[_i].n, dec_cases[_i].d, dec_cases[_i].sig, out,
				       sizeof out), ET_OK);
	ck_assert_str_eq(out, dec_cases[_i].want);
}
END_TEST

START_TEST(test_decimal_refused)
{
	char out[96];
	int64_t v;

	ck_assert_int_eq(stats_decimal("1", "0", 15, out, sizeof out), ET_EINVAL);
	ck_assert_int_eq(stats_decimal("1", "3", 11, out, sizeof out), ET_EINVAL);
	ck_assert_int_eq(stats_decimal("1x", "3", 15, out, sizeof out), ET_EINVAL);
	ck_assert_int_eq(stats_round_div("100000000000000000000", "1", &v), ET_ELIMIT);
}
END_TEST

/* ---- dates ---- */

static const struct { const char *s; int ok; const char *day; } dt_cases[] = {
	{ "2024-03-01", 1, "2024-03-01" },
	{ "2024-01-31T23:30:00+08:00", 1, "2024-01-31" },
	{ "2024-01-31T16:30:00Z", 1, "2024-02-01" },     /* 00:30 in Shanghai */
	{ "2024-01-31T15:59:59Z", 1, "2024-01-31" },     /* 23:59:59 in Shanghai */
	{ "2024-01-31T23:59", 1, "2024-01-31" },         /* no offset: Shanghai time */
	{ "2024-02-01T00:00", 1, "2024-02-01" },
	{ "2024-02-29", 1, "2024-02-29" },
	{ "2023-02-29", 0, NULL },
	{ "2024-13-01", 0, NULL },
	{ "2024-1-01", 0, NULL },
	{ "2024-01-01T24:00", 0, NULL },
	{ "2024-01-01 10:00", 0, NULL },
	{ "2024-01-01T10:00+8", 0, NULL },
	{ "", 0, NULL },
};

START_TEST(test_datetime)
{
	int64_t us;
	char d[16];

	if (!dt_cases[_i].ok) {
		ck_assert_int_eq(stats_datetime_parse(dt_cases[_i].s, &us), ET_EINVAL);
		return;
	}
	ck_assert_int_eq(stats_datetime_parse(dt_cases[_i].s, &us), ET_OK);
	stats_date_format(stats_local_day(us), d);
	ck_assert_str_eq(d, dt_cases[_i].day);
}
END_TEST

/* ---- CSV ---- */

#define HDR_COLS "code,type,title,control_price_yuan,winning_price_yuan,registered,bidders,opened_at"
#define HDR HDR_COLS "\n"
#define OK1 "A1,construction,某工程,1000000,880000.00,10,8,2023-03-10\n"

START_TEST(test_csv_good)
{
	static const char csv[] =
		"\xef\xbb\xbf" "code,type,title,control_price_yuan,winning_price_yuan,registered,"
		"bidders,opened_at,agent\r\n"
		"A1,construction,\"某工程, 一标段\",1000000,880000.5,10,8,2023-03-10,\"代理\"\"甲\"\"\"\r\n"
		"A2,land,\"two\nlines\",0.01,0.02,3,1,2024-01-31T16:30:00Z,\r\n"
		"A3,asset,x,12.3,0,1,1,2024-02-01T00:00,乙\r\n";
	struct stats_outcome *rows = NULL;
	struct stats_csv_error err;
	size_t n = 0;

	ck_assert_int_eq(stats_csv_parse(csv, sizeof csv - 1, &rows, &n, &err), ET_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(rows[0].title, "某工程, 一标段");
	ck_assert_str_eq(rows[0].agent, "代理\"甲\"");
	ck_assert_int_eq(rows[0].control_fen, 100000000);
	ck_assert_int_eq(rows[0].winning_fen, 88000050);   /* 880000.5 yuan */
	ck_assert_uint_eq(rows[0].line, 2);
	ck_assert_str_eq(rows[1].title, "two\nlines");
	ck_assert_int_eq(rows[1].type, STATS_LAND);
	ck_assert_int_eq(rows[1].control_fen, 1);
	ck_assert_int_eq(rows[1].winning_fen, 2);          /* land above its reserve: allowed */
	ck_assert_uint_eq(rows[1].line, 3);
	ck_assert_uint_eq(rows[2].line, 5);                /* the quoted line break counts */
	ck_assert_int_eq(rows[2].control_fen, 1230);
	ck_assert_str_eq(rows[2].agent, "乙");
	free(rows);
}
END_TEST

/* Each bad file: the line named and the English reason; the Chinese
 * reason starts with the same line ("第 N 行："). */
static const struct { const char *csv; size_t line; const char *en; } bad_cases[] = {
	{ "", 1, "line 1: missing or invalid header" },
	{ "code,type\n", 1, "line 1: a required column is missing from the header" },
	{ HDR_COLS ",price\n", 1, "line 1: unknown or repeated column in the header" },
	{ HDR, 1, "line 1: no data rows" },
	{ HDR OK1 "A2,construction,t,1,1,1,1\n", 3,
	  "line 3: the number of fields differs from the header" },
	{ HDR OK1 "\n", 3, "line 3: the number of fields differs from the header" },
	{ HDR OK1 "A2,construction,\"t,1,1,1,1,2024-01-01\n", 3, "line 3: quoting does not follow RFC 4180" },
	{ HDR "A2,construction,t\"x\",1,1,1,1,2024-01-01\n", 2, "line 2: quoting does not follow RFC 4180" },
	{ HDR ",construction,t,1,1,1,1,2024-01-01\n", 2, "line 2: code is empty or too long" },
	{ HDR "A 2,construction,t,1,1,1,1,2024-01-01\n", 2,
	  "line 2: code must be printable ASCII without spaces" },
	{ HDR "A2,works,t,1,1,1,1,2024-01-01\n", 2,
	  "line 2: type must be construction, procurement, land or asset" },
	{ HDR "A2,asset,,1,1,1,1,2024-01-01\n", 2, "line 2: title is empty" },
	{ HDR "A2,asset,t,1.234,1,1,1,2024-01-01\n", 2,
	  "line 2: control price must be yuan with at most 2 decimals" },
	{ HDR "A2,asset,t,-1,1,1,1,2024-01-01\n", 2,
	  "line 2: control price must be yuan with at most 2 decimals" },
	{ HDR "A2,asset,t,1e5,1,1,1,2024-01-01\n", 2,
	  "line 2: control price must be yuan with at most 2 decimals" },
	{ HDR "A2,asset,t,0.00,0,1,1,2024-01-01\n", 2, "line 2: control price must be positive" },
	{ HDR "A2,asset,t,100000000000000000,1,1,1,2024-01-01\n", 2, "line 2: control price too large" },
	{ HDR "A2,asset,t,1,1.,1,1,2024-01-01\n", 2,
	  "line 2: winning price must be yuan with at most 2 decimals" },
	{ HDR "A2,procurement,t,100,100.01,1,1,2024-01-01\n", 2,
	  "line 2: winning price above the control price" },
	{ HDR "A2,asset,t,1,1,-1,1,2024-01-01\n", 2, "line 2: registered must be a non-negative integer" },
	{ HDR "A2,asset,t,1,1,3,0,2024-01-01\n", 2, "line 2: bidders must be a positive integer" },
	{ HDR "A2,asset,t,1,1,3,4,2024-01-01\n", 2, "line 2: more bidders than registered firms" },
	{ HDR "A2,asset,t,1,1,3,3,2024/01/01\n", 2,
	  "line 2: opened_at must be an ISO 8601 date or date-time" },
	{ HDR "A2,asset,t\x01,1,1,3,3,2024-01-01\n", 2,
	  "line 2: invalid UTF-8 or a control character" },
	{ HDR "A2,asset,\xe6\x9f,1,1,3,3,2024-01-01\n", 2,
	  "line 2: invalid UTF-8 or a control character" },
	{ HDR OK1 "A2,asset,t,1,1,3,3,2024-01-01\n" OK1, 4, "line 4: duplicate code" },
};

START_TEST(test_csv_bad)
{
	struct stats_outcome *rows = (void *)1;
	struct stats_csv_error err;
	char zh[32];
	size_t n = 7;

	ck_assert_int_eq(stats_csv_parse(bad_cases[_i].csv, strlen(bad_cases[_i].csv), &rows, &n,
					 &err), ET_EINVAL);
	ck_assert_ptr_null(rows);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(err.line, bad_cases[_i].line);
	ck_assert_str_eq(err.en, bad_cases[_i].en);
	ck_assert_int_lt(snprintf(zh, sizeof zh, "第 %zu 行：", bad_cases[_i].line), (int)sizeof zh);
	ck_assert_int_eq(strncmp(err.zh, zh, strlen(zh)), 0);
}
END_TEST

/* ---- reports ---- */

static struct stats_outcome row(const char *code, int type, int64_t c, int64_t w, int64_t reg,
				int64_t bid, const char *opened, const char *agent)
{
	struct stats_outcome o;

	memset(&o, 0, sizeof o);
	memcpy(o.code, code, strlen(code) + 1);
	memcpy(o.title, "t", 2);
	memcpy(o.agent, agent, strlen(agent) + 1);
	o.type = type;
	o.control_fen = c;
	o.winning_fen = w;
	o.registered = reg;
	o.bidders = bid;
	ck_assert_int_eq(stats_datetime_parse(opened, &o.opened_us), ET_OK);
	return o;
}

/* The dataset of docs/statistics.md:
 *   A construction  control 1 000 000.00  winning   880 000.00  rate  3/25   saving  12 000 000 fen  reg 10 bid 8  2023-03-10
 *   B procurement   control   200 000.00  winning   190 000.00  rate  1/20   saving   1 000 000 fen  reg  4 bid 3  2023-06-01
 *   C land          reserve 5 000 000.00  winning 6 000 000.00  rate -1/5    saving -100 000 000 fen reg  3 bid 3  2024-02-01
 *   D construction  control 3 000 000.00  winning 2 700 000.01  rate 29999999/300000000
 *                                                                       saving  29 999 999 fen  reg 20 bid 12  2024-05-05 */
static void dataset(struct stats_outcome r[4])
{
	r[0] = row("A", STATS_CONSTRUCTION, 100000000, 88000000, 10, 8, "2023-03-10", "甲");
	r[1] = row("B", STATS_PROCUREMENT, 20000000, 19000000, 4, 3, "2023-06-01", "乙");
	r[2] = row("C", STATS_LAND, 500000000, 600000000, 3, 3, "2024-02-01", "甲");
	r[3] = row("D", STATS_CONSTRUCTION, 300000000, 270000001, 20, 12, "2024-05-05", "");
}

static struct stats_report *report(const struct stats_outcome *r, size_t n,
				   const struct stats_query *q)
{
	struct stats_report *rep = NULL;

	ck_assert_int_eq(stats_report_compute(r, n, q, &rep), ET_OK);
	return rep;
}

static char *fmt(const struct stats_report *rep, int (*f)(const struct stats_report *, struct et_buf *))
{
	struct et_buf b;

	et_buf_init(&b, ET_STATS_REPORT_MAX);
	ck_assert_int_eq(f(rep, &b), ET_OK);
	return (char *)et_buf_steal(&b, NULL);
}

START_TEST(test_all_figures)
{
	struct stats_outcome r[4];
	struct stats_query q = { .type = -1 };
	struct stats_report *rep;
	const struct stats_period *p;

	dataset(r);
	rep = report(r, 4, &q);
	ck_assert_uint_eq(rep->nperiods, 1);
	p = &rep->periods[0];
	ck_assert_str_eq(p->label, "all");
	ck_assert_int_eq(p->projects, 4);
	ck_assert_int_eq(p->control_total_fen, 920000000);      /* 1e8 + 2e7 + 5e8 + 3e8 */
	ck_assert_int_eq(p->winning_total_fen, 977000001);      /* 8.8e7 + 1.9e7 + 6e8 + 270000001 */
	ck_assert_int_eq(p->savings_fen, -57000001);            /* 12e6 + 1e6 - 1e8 + 29999999 */
	/* mean: (36e6 + 15e6 - 60e6 + 29999999) / 3e8 / 4 = 20999999 / 1.2e9 */
	ck_assert_str_eq(p->mean_discount_rate.exact, "20999999/1200000000");
	ck_assert_str_eq(p->mean_discount_rate.dec, "0.0174999991666667");
	/* weighted: savings / control total */
	ck_assert_str_eq(p->weighted_discount_rate.exact, "-57000001/920000000");
	ck_assert_str_eq(p->weighted_discount_rate.dec, "-0.061956522826087");
	ck_assert_str_eq(p->mean_registered.exact, "37/4");     /* (10 + 4 + 3 + 20) / 4 */
	ck_assert_str_eq(p->mean_registered.dec, "9.25");
	ck_assert_str_eq(p->mean_bidders.exact, "13/2");        /* 26 / 4 */
	ck_assert_str_eq(p->mean_bidders.dec, "6.5");
	ck_assert(!rep->has_comparison);
	stats_report_free(rep);
}
END_TEST

START_TEST(test_split)
{
	struct stats_outcome r[4];
	struct stats_query q = { .type = -1, .has_split = true };
	struct stats_report *rep;
	char *json;

	dataset(r);
	ck_assert_int_eq(stats_date_parse("2024-01-01", &q.split_day), ET_OK);
	rep = report(r, 4, &q);
	ck_assert(rep->has_comparison);
	/* before = A, B: weighted 13e6 / 12e7 = 13/120; mean (3/25 + 1/20) / 2 = 17/200
	 * after  = C, D: weighted -70000001/8e8; mean (-1/5 + 29999999/3e8) / 2 = -30000001/6e8 */
	ck_assert_str_eq(rep->periods[0].weighted_discount_rate.exact, "13/120");
	ck_assert_str_eq(rep->periods[0].mean_discount_rate.exact, "17/200");
	ck_assert_str_eq(rep->periods[1].weighted_discount_rate.exact, "-70000001/800000000");
	ck_assert_str_eq(rep->periods[1].mean_discount_rate.exact, "-30000001/600000000");
	/* registered: (23/2) / 7 = 23/14; bidders: (15/2) / (11/2) = 15/11 */
	ck_assert_str_eq(rep->cmp.registered_ratio.exact, "23/14");
	ck_assert_str_eq(rep->cmp.bidders_ratio.exact, "15/11");
	/* (-30000001/6e8 - 17/200) * 100 = -81000001/6000000 pp */
	ck_assert_str_eq(rep->cmp.mean_rate_delta_pp.exact, "-81000001/6000000");
	/* (-70000001/8e8 - 13/120) * 100 = -470000003/24000000 pp */
	ck_assert_str_eq(rep->cmp.weighted_rate_delta_pp.exact, "-470000003/24000000");
	/* (wa - wb) * 8e8 = -470000003/3 = -156666667.67 -> -156666668 (rounded once) */
	ck_assert_int_eq(rep->cmp.extra_savings_weighted_fen, -156666668);
	/* (ma - mb) * 8e8 = -324000004/3 = -108000001.33 -> -108000001 */
	ck_assert_int_eq(rep->cmp.extra_savings_mean_fen, -108000001);
	json = fmt(rep, stats_report_json);
	ck_assert_str_eq(json,
		"{\"periods\":[{\"label\":\"before\",\"from\":null,\"to\":\"2023-12-31\",\"projects\":2,"
		"\"control_total_fen\":120000000,\"winning_total_fen\":107000000,\"savings_fen\":13000000,"
		"\"mean_discount_rate\":0.085,\"weighted_discount_rate\":0.108333333333333,"
		"\"mean_registered\":7,\"mean_bidders\":5.5},"
		"{\"label\":\"after\",\"from\":\"2024-01-01\",\"to\":null,\"projects\":2,"
		"\"control_total_fen\":800000000,\"winning_total_fen\":870000001,\"savings_fen\":-70000001,"
		"\"mean_discount_rate\":-0.0500000016666667,\"weighted_discount_rate\":-0.08750000125,"
		"\"mean_registered\":11.5,\"mean_bidders\":7.5}],"
		"\"comparison\":{\"registered_ratio\":1.64285714285714,\"bidders_ratio\":1.36363636363636,"
		"\"mean_rate_delta_pp\":-13.5000001666667,\"weighted_rate_delta_pp\":-19.5833334583333,"
		"\"extra_savings_weighted_fen\":-156666668,\"extra_savings_mean_fen\":-108000001}}");
	free(json);
	stats_report_free(rep);
}
END_TEST

/* Extra savings that land on exactly half a fen, both signs:
 * before: control 2 fen, winning 1 -> rate 1/2.
 * after:  control 3, winning 1 -> rate 2/3: (2/3 - 1/2) * 3 = 0.5 -> 1;
 *         control 3, winning 2 -> rate 1/3: (1/3 - 1/2) * 3 = -0.5 -> -1. */
START_TEST(test_half_fen)
{
	struct stats_outcome r[2];
	struct stats_query q = { .type = -1, .has_split = true };
	struct stats_report *rep;

	ck_assert_int_eq(stats_date_parse("2024-01-01", &q.split_day), ET_OK);
	r[0] = row("B", STATS_ASSET, 2, 1, 1, 1, "2023-01-01", "");
	r[1] = row("A", STATS_ASSET, 3, 1, 1, 1, "2024-01-01", "");
	rep = report(r, 2, &q);
	ck_assert_int_eq(rep->cmp.extra_savings_weighted_fen, 1);
	ck_assert_int_eq(rep->cmp.extra_savings_mean_fen, 1);
	stats_report_free(rep);
	r[1].winning_fen = 2;
	rep = report(r, 2, &q);
	ck_assert_int_eq(rep->cmp.extra_savings_weighted_fen, -1);
	ck_assert_int_eq(rep->cmp.extra_savings_mean_fen, -1);
	stats_report_free(rep);
}
END_TEST

/* An empty period: projects 0, every total 0, every rate and mean null;
 * a comparison with an empty side is all null. */
START_TEST(test_empty)
{
	struct stats_outcome r[4];
	struct stats_query q = { .type = -1, .has_from = true };
	struct stats_report *rep;
	char *s;

	dataset(r);
	ck_assert_int_eq(stats_date_parse("2030-01-01", &q.from_day), ET_OK);
	rep = report(r, 4, &q);
	s = fmt(rep, stats_report_json);
	ck_assert_str_eq(s, "{\"periods\":[{\"label\":\"all\",\"from\":\"2030-01-01\",\"to\":null,"
			    "\"projects\":0,\"control_total_fen\":0,\"winning_total_fen\":0,"
			    "\"savings_fen\":0,\"mean_discount_rate\":null,"
			    "\"weighted_discount_rate\":null,\"mean_registered\":null,"
			    "\"mean_bidders\":null}]}");
	free(s);
	s = fmt(rep, stats_report_text);
	ck_assert_str_eq(s, "2030年1月1日以来，无成交项目。\n");
	free(s);
	stats_report_free(rep);
	/* no rows at all, split: both sides empty */
	q.has_from = false;
	q.has_split = true;
	q.split_day = 0;
	rep = report(NULL, 0, &q);
	ck_assert(rep->cmp.registered_ratio.null && rep->cmp.mean_rate_delta_pp.null &&
		  rep->cmp.weighted_rate_delta_pp.null && rep->cmp.extra_null);
	s = fmt(rep, stats_report_json);
	ck_assert_ptr_nonnull(strstr(s, "\"comparison\":{\"registered_ratio\":null,\"bidders_ratio\":null,"
				       "\"mean_rate_delta_pp\":null,\"weighted_rate_delta_pp\":null,"
				       "\"extra_savings_weighted_fen\":null,\"extra_savings_mean_fen\":null}"));
	free(s);
	stats_report_free(rep);
}
END_TEST

/* One project: control 100.00 yuan, winning 87.93 -> rate 1207/10000. */
START_TEST(test_single)
{
	struct stats_outcome r = row("S", STATS_PROCUREMENT, 10000, 8793, 5, 3, "2024-06-30", "");
	struct stats_query q = { .type = -1 };
	struct stats_report *rep = report(&r, 1, &q);

	ck_assert_str_eq(rep->periods[0].mean_discount_rate.dec, "0.1207");
	ck_assert_str_eq(rep->periods[0].weighted_discount_rate.dec, "0.1207");
	ck_assert_int_eq(rep->periods[0].savings_fen, 1207);
	ck_assert_str_eq(rep->periods[0].mean_registered.dec, "5");
	stats_report_free(rep);
}
END_TEST

/* A land sale above its reserve: a negative rate and negative savings. */
START_TEST(test_land_above_reserve)
{
	struct stats_outcome r = row("L", STATS_LAND, 500000000, 600000000, 3, 3, "2024-02-01", "");
	struct stats_query q = { .type = STATS_LAND };
	struct stats_report *rep = report(&r, 1, &q);

	ck_assert_str_eq(rep->periods[0].mean_discount_rate.exact, "-1/5");
	ck_assert_str_eq(rep->periods[0].weighted_discount_rate.dec, "-0.2");
	ck_assert_int_eq(rep->periods[0].savings_fen, -100000000);
	stats_report_free(rep);
	q.type = STATS_CONSTRUCTION;
	rep = report(&r, 1, &q);
	ck_assert_int_eq(rep->periods[0].projects, 0);
	stats_report_free(rep);
}
END_TEST

/* --by month across the Asia/Shanghai midnight: 2024-01-31T16:30Z is
 * 00:30 on 1 February in Shanghai, 15:59:59Z is still 31 January. */
START_TEST(test_by_month_midnight)
{
	struct stats_outcome r[3];
	struct stats_query q = { .type = -1, .by = STATS_BY_MONTH };
	struct stats_report *rep;
	char *csv;

	r[0] = row("M1", STATS_ASSET, 100, 90, 1, 1, "2024-01-31T16:30:00Z", "");
	r[1] = row("M2", STATS_ASSET, 100, 80, 1, 1, "2024-01-31T15:59:59Z", "");
	r[2] = row("M3", STATS_ASSET, 100, 70, 1, 1, "2024-01-31T23:30:00+08:00", "");
	rep = report(r, 3, &q);
	ck_assert_uint_eq(rep->nperiods, 2);
	ck_assert_str_eq(rep->periods[0].label, "2024-01");
	ck_assert_int_eq(rep->periods[0].projects, 2);
	ck_assert_int_eq(rep->periods[0].savings_fen, 50);     /* 20 + 30 */
	ck_assert_str_eq(rep->periods[1].label, "2024-02");
	ck_assert_int_eq(rep->periods[1].projects, 1);
	csv = fmt(rep, stats_report_csv);
	ck_assert_str_eq(csv,
		"label,from,to,projects,control_total_fen,winning_total_fen,savings_fen,"
		"mean_discount_rate,weighted_discount_rate,mean_registered,mean_bidders\r\n"
		"2024-01,2024-01-01,2024-01-31,2,200,150,50,0.25,0.25,1,1\r\n"
		"2024-02,2024-02-01,2024-02-29,1,100,90,10,0.1,0.1,1,1\r\n");
	free(csv);
	stats_report_free(rep);
}
END_TEST

START_TEST(test_by_type_year_agent)
{
	struct stats_outcome r[4];
	struct stats_query q = { .type = -1, .by = STATS_BY_TYPE };
	struct stats_report *rep;
	char *t;

	dataset(r);
	rep = report(r, 4, &q);
	ck_assert_uint_eq(rep->nperiods, 4);   /* every type, empty ones too */
	ck_assert_str_eq(rep->periods[0].label, "construction");
	ck_assert_int_eq(rep->periods[0].projects, 2);
	ck_assert_str_eq(rep->periods[3].label, "asset");
	ck_assert(rep->periods[3].mean_discount_rate.null);
	t = fmt(rep, stats_report_table);
	ck_assert_ptr_nonnull(strstr(t, "label         from  to  projects"));
	free(t);
	stats_report_free(rep);
	q.by = STATS_BY_YEAR;
	rep = report(r, 4, &q);
	ck_assert_uint_eq(rep->nperiods, 2);
	ck_assert_str_eq(rep->periods[1].label, "2024");
	ck_assert_int_eq(rep->periods[1].control_total_fen, 800000000);
	stats_report_free(rep);
	q.by = STATS_BY_AGENT;
	rep = report(r, 4, &q);
	ck_assert_uint_eq(rep->nperiods, 3);    /* "", 乙, 甲 in byte order */
	ck_assert_str_eq(rep->periods[0].label, "");
	ck_assert_int_eq(rep->periods[2].projects, 2);
	stats_report_free(rep);
	/* a row no import would accept is refused, not computed */
	q.by = STATS_BY_NONE;
	r[1].control_fen = 0;
	ck_assert_int_eq(stats_report_compute(r, 4, &q, &rep), ET_EINVAL);
	r[1].control_fen = 20000000;
	r[1].winning_fen = -1;
	ck_assert_int_eq(stats_report_compute(r, 4, &q, &rep), ET_EINVAL);
	r[1].winning_fen = 19000000;
	/* --by with --split-at is refused */
	q.by = STATS_BY_AGENT;
	q.has_split = true;
	ck_assert_int_eq(stats_report_compute(r, 4, &q, &rep), ET_EINVAL);
}
END_TEST

/* The issue's example: 0.938 billion = 12.07% x 7.77 billion of control
 * prices, while 12.07% x 7.487 billion (given as the total) is 0.904: the
 * definitions tell savings (on control) from 总交易金额 (winning). One lot
 * of control 7.77e9 yuan won at 6.832161e9 has a rate of exactly 12.07%. */
START_TEST(test_issue_example)
{
	struct stats_outcome r = row("X", STATS_CONSTRUCTION, 777000000000, 683216100000, 2, 2,
				     "2024-01-01", "");
	struct stats_query q = { .type = -1 };
	struct stats_report *rep = report(&r, 1, &q);
	char *text;
	int64_t v;

	ck_assert_str_eq(rep->periods[0].weighted_discount_rate.dec, "0.1207");
	ck_assert_int_eq(rep->periods[0].savings_fen, 93783900000);   /* 0.937839e9 yuan */
	/* 12.07% of 7.487e9 yuan = 903 680 900 yuan: not 0.938 billion */
	ck_assert_int_eq(stats_round_div("903680900000000", "10000", &v), ET_OK);
	ck_assert_int_eq(v, 90368090000);
	ck_assert_int_ne(v / 1000000000, rep->periods[0].savings_fen / 1000000000);
	text = fmt(rep, stats_report_text);
	ck_assert_ptr_nonnull(strstr(text, "控制价合计77.70亿元，总交易金额68.32亿元，节约资金9.38亿元"));
	ck_assert_ptr_nonnull(strstr(text, "加权下浮率12.07%"));
	free(text);
	stats_report_free(rep);
}
END_TEST

START_TEST(test_text_comparison)
{
	struct stats_outcome r[4];
	struct stats_query q = { .type = -1, .has_split = true, .has_from = true, .has_to = true };
	struct stats_report *rep;
	char *text;

	dataset(r);
	ck_assert_int_eq(stats_date_parse("2024-01-01", &q.split_day), ET_OK);
	ck_assert_int_eq(stats_date_parse("2023-01-01", &q.from_day), ET_OK);
	ck_assert_int_eq(stats_date_parse("2024-12-31", &q.to_day), ET_OK);
	rep = report(r, 4, &q);
	text = fmt(rep, stats_report_text);
	ck_assert_str_eq(text,
		"2024年1月1日至2024年12月31日，共完成项目2个，控制价合计0.08亿元，总交易金额0.09亿元，"
		"节约资金-0.01亿元；平均下浮率-5.00%，加权下浮率-8.75%；平均每个项目报名单位11.50家、"
		"投标单位7.50家。与此前（2023年1月1日至2023年12月31日）相比，平均报名单位数为此前的1.64倍，"
		"平均投标单位数为此前的1.36倍；平均下浮率降低13.50个百分点，加权下浮率降低19.58个百分点；"
		"按加权下浮率之差乘以本期控制价合计，多节约资金-0.02亿元（按平均下浮率之差计为-0.01亿元）。\n");
	free(text);
	stats_report_free(rep);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_loop_test(tc, test_round, 0, sizeof round_cases / sizeof round_cases[0]);
	tcase_add_loop_test(tc, test_decimal, 0, sizeof dec_cases / sizeof dec_cases[0]);
	tcase_add_test(tc, test_decimal_refused);
	tcase_add_loop_test(tc, test_datetime, 0, sizeof dt_cases / sizeof dt_cases[0]);
	tcase_add_test(tc, test_csv_good);
	tcase_add_loop_test(tc, test_csv_bad, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, test_all_figures);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_half_fen);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_single);
	tcase_add_test(tc, test_land_above_reserve);
	tcase_add_test(tc, test_by_month_midnight);
	tcase_add_test(tc, test_by_type_year_agent);
	tcase_add_test(tc, test_issue_example);
	tcase_add_test(tc, test_text_comparison);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
