/* tests/tender/test_tender_rules.c — the rules profiles, table-driven: rule
 * values of cn and demo (demo = cn scaled from days to minutes), the 20-day
 * and 5-day rules at their boundaries, the late-clarification rule moving the
 * deadline, objections, working days across weekends, holidays and adjusted
 * working days (Asia/Shanghai dates), the bid minimum and the panel rules. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tender/tender.h"

#define US   INT64_C(1)
#define SEC  (INT64_C(1000000) * US)
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)
#define DAY  (24 * HOUR)

static const struct tender_profile *profile(const char *name)
{
	const struct tender_profile *p = NULL;

	ck_assert_int_eq(tender_rules_lookup(name, 1, &p), ET_OK);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* An instant given as Beijing time (UTC+8). */
static int64_t cst(int y, int mo, int d, int h, int mi)
{
	char s[32];
	int64_t us;

	ck_assert_int_lt(snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:00Z", y, mo, d, h, mi),
			 (int)sizeof s);
	ck_assert_int_eq(tender_parse_utc(s, &us), ET_OK);
	return us - 8 * HOUR;
}

/* ---- lookup and the tables ------------------------------------------- */

START_TEST(lookup)
{
	const struct tender_profile *p = (void *)1;

	ck_assert_str_eq(tender_rules_name(profile("cn")), "cn");
	ck_assert_uint_eq(tender_rules_version(profile("demo")), 1);
	ck_assert_int_eq(tender_rules_lookup("cn", 2, &p), ET_ENOTFOUND);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(tender_rules_lookup("CN", 1, &p), ET_ENOTFOUND);
	ck_assert_int_eq(tender_rules_lookup("", 1, &p), ET_ENOTFOUND);
	ck_assert_int_eq(tender_rules_lookup("cn", 0, &p), ET_ENOTFOUND);
	ck_assert_int_eq(tender_rules_lookup(NULL, 1, &p), ET_EINVAL);
	ck_assert_int_eq(tender_rules_day_us(profile("cn")), DAY);
	ck_assert_int_eq(tender_rules_day_us(profile("demo")), MIN);
}
END_TEST

struct rule_value {
	const char *id;
	enum tender_rule_unit unit;
	int64_t cn, demo, den;
};

static const struct rule_value rule_values[] = {
	{ "cn.law.24", TENDER_UNIT_DURATION, 20 * DAY, 20 * MIN, 1 },
	{ "cn.reg.16", TENDER_UNIT_DURATION, 5 * DAY, 5 * MIN, 1 },
	{ "cn.reg.21", TENDER_UNIT_DURATION, 15 * DAY, 15 * MIN, 1 },
	{ "cn.reg.22", TENDER_UNIT_DURATION, 10 * DAY, 10 * MIN, 1 },
	{ "cn.reg.22.answer", TENDER_UNIT_DURATION, 3 * DAY, 3 * MIN, 1 },
	{ "cn.reg.44", TENDER_UNIT_COUNT, 3, 3, 1 },
	{ "cn.panel.9", TENDER_UNIT_COUNT, 5, 5, 1 },
	{ "cn.panel.9.odd", TENDER_UNIT_COUNT, 1, 1, 1 },
	{ "cn.law.37", TENDER_UNIT_FRACTION, 2, 2, 3 },
	{ "et.deposit.required", TENDER_UNIT_COUNT, 1, 1, 1 },
	{ "et.amend.bid", TENDER_UNIT_CHOICE, TENDER_AMEND_RECONFIRM, TENDER_AMEND_RECONFIRM, 1 },
	{ "et.open.window", TENDER_UNIT_DURATION, 2 * DAY, 2 * MIN, 1 },
	{ "cn.reg.54", TENDER_UNIT_DURATION, 3 * DAY, 3 * MIN, 1 },
	{ "cn.reg.48", TENDER_UNIT_DURATION, DAY, MIN, 1 },
	{ "cn.panel.27", TENDER_UNIT_COUNT, 3, 3, 1 },
	{ "et.eval.expert_trim", TENDER_UNIT_COUNT, 5, 5, 1 },
	{ "et.eval.price_trim", TENDER_UNIT_COUNT, 5, 5, 1 },
	{ "et.eval.low", TENDER_UNIT_FRACTION, 80, 80, 100 },
	{ "cn.panel.review", TENDER_UNIT_FRACTION, 1, 1, 2 },
	{ "cn.reg.35", TENDER_UNIT_DURATION, 5 * DAY, 5 * MIN, 1 },
};

START_TEST(rule_table)
{
	const struct rule_value *v = &rule_values[_i];
	const struct tender_rule_info *c = tender_rules_find(profile("cn"), v->id);
	const struct tender_rule_info *d = tender_rules_find(profile("demo"), v->id);

	ck_assert_msg(c && d, "%s missing", v->id);
	ck_assert_int_eq(c->unit, v->unit);
	ck_assert_int_eq(c->value, v->cn);
	ck_assert_int_eq(d->value, v->demo);
	ck_assert_int_eq(c->den, v->den);
	ck_assert_str_eq(c->source, d->source);
	ck_assert_str_eq(c->zh, d->zh);
}
END_TEST

START_TEST(every_rule_documented)
{
	const char *names[] = { "cn", "demo" };
	size_t i, j, k;

	for (k = 0; k < 2; k++) {
		const struct tender_profile *p = profile(names[k]);
		ck_assert_uint_eq(tender_rules_count(p), sizeof rule_values / sizeof rule_values[0]);
		for (i = 0; i < tender_rules_count(p); i++) {
			const struct tender_rule_info *r = tender_rules_get(p, i);
			ck_assert_ptr_nonnull(r);
			ck_assert_uint_gt(strlen(r->id), 0);
			ck_assert_uint_lt(strlen(r->id), ET_TENDER_RULE_ID_MAX);
			ck_assert_uint_gt(strlen(r->source), 0);
			ck_assert_uint_gt(strlen(r->zh), 0);
			ck_assert_uint_gt(strlen(r->en), 0);
			ck_assert_int_gt(r->den, 0);
			for (j = 0; j < i; j++)
				ck_assert_str_ne(r->id, tender_rules_get(p, j)->id);
		}
		ck_assert_ptr_null(tender_rules_get(p, tender_rules_count(p)));
		ck_assert_ptr_null(tender_rules_find(p, "cn.law.999"));
	}
}
END_TEST

/* ---- schedules ------------------------------------------------------- */

struct sched_case {
	const char *name;
	const char *profile;
	/* offsets from documents_from */
	int64_t docs_to, reg, question, deadline;
	int rc;
	const char *rule;
};

static const struct sched_case sched_cases[] = {
	{ "cn typical", "cn", 7 * DAY, 7 * DAY, 10 * DAY, 22 * DAY, ET_OK, "" },
	{ "cn exactly 20 days", "cn", 5 * DAY, 5 * DAY, 10 * DAY, 20 * DAY, ET_OK, "" },
	{ "cn 20 days - 1us", "cn", 5 * DAY, 5 * DAY, 10 * DAY, 20 * DAY - 1, ET_EINVAL,
	  "cn.law.24" },
	{ "cn 19 days", "cn", 5 * DAY, 5 * DAY, 10 * DAY, 19 * DAY, ET_EINVAL, "cn.law.24" },
	{ "cn documents exactly 5 days", "cn", 5 * DAY, 5 * DAY, 10 * DAY, 30 * DAY, ET_OK, "" },
	{ "cn documents 5 days - 1us", "cn", 5 * DAY - 1, 5 * DAY, 10 * DAY, 30 * DAY, ET_EINVAL,
	  "cn.reg.16" },
	{ "deadline before documents", "cn", 5 * DAY, 5 * DAY, 10 * DAY, -DAY, ET_EINVAL,
	  "et.schedule.order" },
	{ "deadline at documents", "cn", 5 * DAY, 5 * DAY, 10 * DAY, 0, ET_EINVAL,
	  "et.schedule.order" },
	{ "documents end before start", "cn", -1, 5 * DAY, 10 * DAY, 30 * DAY, ET_EINVAL,
	  "et.schedule.order" },
	{ "registration after deadline", "cn", 5 * DAY, 31 * DAY, 10 * DAY, 30 * DAY, ET_EINVAL,
	  "et.schedule.order" },
	{ "questions after deadline", "cn", 5 * DAY, 5 * DAY, 31 * DAY, 30 * DAY, ET_EINVAL,
	  "et.schedule.order" },
	{ "documents after deadline", "cn", 31 * DAY, 5 * DAY, 10 * DAY, 30 * DAY, ET_EINVAL,
	  "et.schedule.order" },
	{ "demo exactly 20 minutes", "demo", 5 * MIN, 5 * MIN, 8 * MIN, 20 * MIN, ET_OK, "" },
	{ "demo 20 minutes - 1us", "demo", 5 * MIN, 5 * MIN, 8 * MIN, 20 * MIN - 1, ET_EINVAL,
	  "cn.law.24" },
	{ "demo documents 4 minutes", "demo", 4 * MIN, 4 * MIN, 8 * MIN, 20 * MIN, ET_EINVAL,
	  "cn.reg.16" },
	{ "cn refuses a demo schedule", "cn", 5 * MIN, 5 * MIN, 8 * MIN, 20 * MIN, ET_EINVAL,
	  "cn.reg.16" },
};

START_TEST(schedules)
{
	const struct sched_case *c = &sched_cases[_i];
	const struct tender_profile *p = profile(c->profile);
	int64_t t0 = cst(2026, 3, 2, 9, 0);
	struct tender_schedule s = {
		t0, t0 + c->docs_to, t0 + c->reg, t0 + c->question, t0 + c->deadline
	};
	struct tender_diag d;
	int rc = tender_rules_check_schedule(p, &s, &d);

	ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->name, rc, d.msg);
	ck_assert_msg(strcmp(d.rule, c->rule) == 0, "%s: rule '%s'", c->name, d.rule);
	if (rc) {
		const struct tender_rule_info *r = tender_rules_find(p, c->rule);
		ck_assert_ptr_nonnull(strstr(d.msg, c->rule));
		ck_assert_ptr_nonnull(strstr(d.msg, " / "));
		if (r) {   /* legal rules: both texts and the legal source */
			ck_assert_ptr_nonnull(strstr(d.msg, r->zh));
			ck_assert_ptr_nonnull(strstr(d.msg, r->en));
			ck_assert_ptr_nonnull(strstr(d.msg, r->source));
		}
	}
}
END_TEST

START_TEST(schedule_message_units)
{
	int64_t t0 = cst(2026, 3, 2, 9, 0);
	struct tender_schedule s = { t0, t0 + 5 * DAY, t0 + DAY, t0 + DAY, t0 + 20 * DAY - 1 };
	struct tender_diag d;

	ck_assert_int_eq(tender_rules_check_schedule(profile("cn"), &s, &d), ET_EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "required at least 20 days, got 19 days + "
					    "23:59:59.999999"));
	s.documents_to_us = t0 + 5 * MIN;
	s.registration_deadline_us = t0 + 5 * MIN;
	s.question_deadline_us = t0 + 8 * MIN;
	s.bid_deadline_us = t0 + 19 * MIN;
	ck_assert_int_eq(tender_rules_check_schedule(profile("demo"), &s, &d), ET_EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "required at least 20 minutes, got 19 minutes"));
	ck_assert_ptr_nonnull(strstr(d.msg, "profile demo v1"));
}
END_TEST

/* ---- clarifications (cn.reg.21) -------------------------------------- */

struct clar_case {
	const char *profile;
	int64_t before;      /* deadline - published */
	int64_t moved_to;    /* new deadline - published; 0: unchanged */
	int rc;
};

static const struct clar_case clar_cases[] = {
	{ "cn", 20 * DAY, 0, ET_OK },
	{ "cn", 15 * DAY, 0, ET_OK },                    /* exactly 15 days remain */
	{ "cn", 15 * DAY - 1, 15 * DAY, ET_OK },         /* 1 us short: moved */
	{ "cn", 3 * DAY, 15 * DAY, ET_OK },
	{ "cn", 1, 15 * DAY, ET_OK },
	{ "cn", 0, 0, ET_ESTATE },                       /* at the deadline: too late */
	{ "cn", -HOUR, 0, ET_ESTATE },
	{ "demo", 15 * MIN, 0, ET_OK },
	{ "demo", 10 * MIN, 15 * MIN, ET_OK },
};

START_TEST(clarifications)
{
	const struct clar_case *c = &clar_cases[_i];
	const struct tender_profile *p = profile(c->profile);
	int64_t deadline = cst(2026, 3, 24, 9, 30), published = deadline - c->before, nd = 0;
	struct tender_diag d;
	int rc = tender_rules_clarified_deadline(p, deadline, published, &nd, &d);

	ck_assert_int_eq(rc, c->rc);
	if (rc == ET_OK && c->moved_to)
		ck_assert_int_eq(nd, published + c->moved_to);
	else
		ck_assert_int_eq(nd, deadline);
	/* a move or a refusal names the rule; no move names none */
	ck_assert_str_eq(d.rule, (rc != ET_OK || c->moved_to) ? "cn.reg.21" : "");
}
END_TEST

START_TEST(objections)
{
	const struct tender_profile *cn = profile("cn"), *demo = profile("demo");
	int64_t deadline = cst(2026, 3, 24, 9, 30);

	ck_assert_int_eq(tender_rules_objection_cutoff(cn, deadline), cst(2026, 3, 14, 9, 30));
	ck_assert_int_eq(tender_rules_objection_answer_due(cn, cst(2026, 3, 10, 15, 0)),
			 cst(2026, 3, 13, 15, 0));
	ck_assert_int_eq(tender_rules_objection_cutoff(demo, deadline), deadline - 10 * MIN);
	ck_assert_int_eq(tender_rules_objection_answer_due(demo, deadline), deadline + 3 * MIN);
}
END_TEST

/* ---- working days ---------------------------------------------------- */

struct wd_case {
	const char *name;
	int fy, fm, fd, fh;    /* from, Beijing time */
	int ty, tm, td, th;    /* to */
	int rc;
	int64_t days;
};

static const struct wd_case wd_cases[] = {
	{ "same day", 2026, 3, 9, 9, 2026, 3, 9, 17, ET_OK, 0 },
	{ "Mon to Tue", 2026, 3, 9, 9, 2026, 3, 10, 9, ET_OK, 1 },
	{ "Fri to Mon across a weekend", 2026, 3, 6, 10, 2026, 3, 9, 10, ET_OK, 1 },
	{ "Fri to Sun", 2026, 3, 6, 10, 2026, 3, 8, 10, ET_OK, 0 },
	{ "one week", 2026, 3, 9, 9, 2026, 3, 16, 9, ET_OK, 5 },
	{ "four weeks", 2026, 3, 2, 9, 2026, 3, 30, 9, ET_OK, 20 },
	{ "Qingming: Fri 3 Apr to Tue 7 Apr", 2026, 4, 3, 9, 2026, 4, 7, 9, ET_OK, 1 },
	{ "Labour Day: Thu 30 Apr to Sat 9 May (adjusted working day)", 2026, 4, 30, 9, 2026, 5, 9,
	  9, ET_OK, 4 },
	{ "Spring Festival: Fri 13 Feb to Tue 24 Feb", 2026, 2, 13, 9, 2026, 2, 24, 9, ET_OK, 2 },
	{ "National Day: Wed 30 Sep to Mon 12 Oct", 2026, 9, 30, 9, 2026, 10, 12, 9, ET_OK, 4 },
	{ "adjusted Sunday 4 Jan counts", 2026, 1, 3, 9, 2026, 1, 4, 9, ET_OK, 1 },
	{ "New Year from the previous year", 2025, 12, 31, 9, 2026, 1, 5, 9, ET_OK, 2 },
	{ "late evening is still the same date", 2026, 3, 6, 23, 2026, 3, 9, 0, ET_OK, 1 },
	{ "2027 provisional Spring Festival", 2027, 2, 4, 9, 2027, 2, 10, 9, ET_OK, 2 },
	{ "past the calendar", 2027, 12, 30, 9, 2028, 1, 3, 9, ET_EINVAL, 0 },
	{ "before the calendar", 2025, 12, 1, 9, 2026, 1, 5, 9, ET_EINVAL, 0 },
	{ "backwards", 2026, 3, 16, 9, 2026, 3, 9, 9, ET_OK, 0 },
};

START_TEST(working_days)
{
	const struct wd_case *c = &wd_cases[_i];
	struct tender_diag d;
	int64_t n = -1;
	int rc = tender_rules_working_days(profile("cn"), cst(c->fy, c->fm, c->fd, c->fh, 0),
					   cst(c->ty, c->tm, c->td, c->th, 0), &n, &d);

	ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->name, rc, d.msg);
	ck_assert_msg(n == c->days, "%s: %lld working days, want %lld", c->name, (long long)n,
		      (long long)c->days);
	if (rc)
		ck_assert_ptr_nonnull(strstr(d.msg, "outside the working-day calendar"));
}
END_TEST

START_TEST(working_day_dates_are_shanghai)
{
	const struct tender_profile *cn = profile("cn");
	bool w = false;
	int64_t fri_utc_sat_cst = cst(2026, 3, 7, 0, 30);   /* 2026-03-06T16:30Z */

	ck_assert_int_eq(tender_rules_is_working_day(cn, fri_utc_sat_cst, &w), ET_OK);
	ck_assert(!w);
	ck_assert_int_eq(tender_rules_is_working_day(cn, fri_utc_sat_cst - HOUR, &w), ET_OK);
	ck_assert(w);   /* 23:30 Friday */
	ck_assert_int_eq(tender_rules_is_working_day(cn, cst(2026, 2, 28, 12, 0), &w), ET_OK);
	ck_assert(w);   /* adjusted working Saturday */
	ck_assert_int_eq(tender_rules_is_working_day(cn, cst(2026, 10, 7, 12, 0), &w), ET_OK);
	ck_assert(!w);  /* last day of the National Day holiday */
	ck_assert_int_eq(tender_rules_is_working_day(cn, cst(2026, 10, 8, 12, 0), &w), ET_OK);
	ck_assert(w);   /* back to work */
	ck_assert_int_eq(tender_rules_is_working_day(cn, cst(2028, 1, 3, 12, 0), &w), ET_EINVAL);
	/* demo: every minute works */
	ck_assert_int_eq(tender_rules_is_working_day(profile("demo"), cst(2026, 10, 1, 12, 0), &w),
			 ET_OK);
	ck_assert(w);
}
END_TEST

START_TEST(demo_working_days)
{
	struct tender_diag d;
	int64_t n = -1, t = cst(2026, 10, 1, 12, 0);

	ck_assert_int_eq(tender_rules_working_days(profile("demo"), t, t + 3 * MIN, &n, &d), ET_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(tender_rules_working_days(profile("demo"), t, t + 3 * MIN - 1, &n, &d),
			 ET_OK);
	ck_assert_int_eq(n, 2);
}
END_TEST

/* ---- bids and panels ------------------------------------------------- */

START_TEST(bid_minimum)
{
	const char *names[] = { "cn", "demo" };
	struct tender_diag d;
	int k;

	for (k = 0; k < 2; k++) {
		const struct tender_profile *p = profile(names[k]);
		ck_assert_uint_eq(tender_rules_min_bids(p), 3);
		ck_assert_int_eq(tender_rules_check_bid_count(p, 0, &d), ET_ESTATE);
		ck_assert_int_eq(tender_rules_check_bid_count(p, 2, &d), ET_ESTATE);
		ck_assert_str_eq(d.rule, "cn.reg.44");
		ck_assert_ptr_nonnull(strstr(d.msg, "no opening"));
		ck_assert_int_eq(tender_rules_check_bid_count(p, 3, &d), ET_OK);
		ck_assert_int_eq(tender_rules_check_bid_count(p, 30, &d), ET_OK);
	}
}
END_TEST

struct panel_case {
	unsigned members, experts;
	int rc;
	const char *rule;
};

static const struct panel_case panel_cases[] = {
	{ 5, 4, ET_OK, "" },
	{ 5, 5, ET_OK, "" },
	{ 5, 3, ET_EINVAL, "cn.law.37" },     /* 3/5 < 2/3 */
	{ 4, 4, ET_EINVAL, "cn.panel.9" },
	{ 3, 3, ET_EINVAL, "cn.panel.9" },
	{ 6, 6, ET_EINVAL, "cn.panel.9.odd" },
	{ 7, 5, ET_OK, "" },
	{ 7, 4, ET_EINVAL, "cn.law.37" },
	{ 9, 6, ET_OK, "" },                  /* exactly 2/3 */
	{ 9, 5, ET_EINVAL, "cn.law.37" },
};

START_TEST(panels)
{
	const struct panel_case *c = &panel_cases[_i];
	const struct tender_profile *p = profile("cn");
	struct tender_diag d;
	unsigned num, den;

	ck_assert_uint_eq(tender_rules_panel_min(p), 5);
	ck_assert(tender_rules_panel_odd(p));
	tender_rules_panel_expert_share(p, &num, &den);
	ck_assert_uint_eq(num, 2);
	ck_assert_uint_eq(den, 3);
	ck_assert_int_eq(tender_rules_check_panel(p, c->members, c->experts, &d), c->rc);
	ck_assert_str_eq(d.rule, c->rule);
	ck_assert_int_eq(tender_rules_check_panel(profile("demo"), c->members, c->experts, &d),
			 c->rc);
}
END_TEST

/* The evaluation rules through their accessors, in both profiles. */
START_TEST(evaluation_rules)
{
	const struct tender_profile *c = profile("cn"), *d = profile("demo");
	int64_t num = 0, den = 0;

	ck_assert_int_eq(tender_rules_publicity(c), 3 * DAY);
	ck_assert_int_eq(tender_rules_publicity(d), 3 * MIN);
	ck_assert_int_eq(tender_rules_eval_extension(c), DAY);
	ck_assert_int_eq(tender_rules_eval_extension(d), MIN);
	ck_assert_uint_eq(tender_rules_reject_all_below(c), 3);
	ck_assert_uint_eq(tender_rules_expert_trim_min(c), 5);
	ck_assert_uint_eq(tender_rules_price_trim_min(d), 5);
	tender_rules_abnormally_low(c, &num, &den);
	ck_assert_int_eq(num, 80);
	ck_assert_int_eq(den, 100);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tender_rules");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, lookup);
	tcase_add_loop_test(tc, rule_table, 0, (int)(sizeof rule_values / sizeof rule_values[0]));
	tcase_add_test(tc, every_rule_documented);
	tcase_add_loop_test(tc, schedules, 0, (int)(sizeof sched_cases / sizeof sched_cases[0]));
	tcase_add_test(tc, schedule_message_units);
	tcase_add_loop_test(tc, clarifications, 0, (int)(sizeof clar_cases / sizeof clar_cases[0]));
	tcase_add_test(tc, objections);
	tcase_add_loop_test(tc, working_days, 0, (int)(sizeof wd_cases / sizeof wd_cases[0]));
	tcase_add_test(tc, working_day_dates_are_shanghai);
	tcase_add_test(tc, demo_working_days);
	tcase_add_test(tc, bid_minimum);
	tcase_add_loop_test(tc, panels, 0, (int)(sizeof panel_cases / sizeof panel_cases[0]));
	tcase_add_test(tc, evaluation_rules);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
