/* tender/rules.c — rules profiles as versioned data (G7). A profile is a table
 * of rules, each with its id, legal source, requirement text and value; the
 * functions below read values from the table by rule key and never hold a
 * limit of their own. `cn` v1 carries the limits of 招标投标法 and its
 * 实施条例 in calendar days and the Asia/Shanghai working-day calendar;
 * `demo` v1 is the same table with days scaled to minutes, for live
 * demonstrations. A published profile version never changes: a change of
 * law is a new version, so that old tenders replay under their own rules. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tender/tender_int.h"

#define US_PER_S      INT64_C(1000000)
#define US_PER_MIN    (60 * US_PER_S)
#define US_PER_DAY    (86400 * US_PER_S)
/* Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
#define SHANGHAI_OFFSET_US (8 * 3600 * US_PER_S)

/* ---- the working-day calendar ---------------------------------------- */

enum day_kind { DAY_OFF, DAY_ON };

/* A run of dates in one month that are off (public holiday, including the
 * weekend days of a holiday) or on (an adjusted working day, 调休上班, on a
 * Saturday or Sunday). Dates not listed follow the week: Mon-Fri on. */
struct cal_run {
	int y, m, d_from, d_to;
	enum day_kind kind;
};

struct calendar {
	const char *name;
	int first_year, last_year;      /* years covered; outside them we refuse */
	const struct cal_run *runs;
	size_t nruns;
};

/* Public holidays of the People's Republic of China.
 *
 * 2026: the State Council General Office's notice on the 2026 holiday
 * schedule (国务院办公厅关于2026年部分节假日安排的通知, dated 4 November 2025,
 * published by Xinhua the same day). Checked line by line against its text
 * on 2026-11-28: every day off and every adjusted working day below is the
 * notice's.
 *
 * 2027: PROVISIONAL. The 2027 notice was not available to the authors: the
 * runs below are the statutory holidays only (全国年节及纪念日放假办法, as
 * amended 2024: 元旦 1, 春节 4 incl. 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1,
 * 国庆 3), on the dates of the 2027 lunar calendar, without the bridging
 * days and adjusted working days the notice will add. Replace them with the
 * published notice (a new profile version if tenders already cite v1). */
static const struct cal_run cn_runs[] = {
	/* 2026 元旦: 1-3 Jan off, Sun 4 Jan on */
	{ 2026, 1, 1, 3, DAY_OFF },
	{ 2026, 1, 4, 4, DAY_ON },
	/* 2026 春节: 15-23 Feb off, Sat 14 Feb and Sat 28 Feb on */
	{ 2026, 2, 14, 14, DAY_ON },
	{ 2026, 2, 15, 23, DAY_OFF },
	{ 2026, 2, 28, 28, DAY_ON },
	/* 2026 清明: 4-6 Apr off */
	{ 2026, 4, 4, 6, DAY_OFF },
	/* 2026 劳动节: 1-5 May off, Sat 9 May on */
	{ 2026, 5, 1, 5, DAY_OFF },
	{ 2026, 5, 9, 9, DAY_ON },
	/* 2026 端午: 19-21 Jun off */
	{ 2026, 6, 19, 21, DAY_OFF },
	/* 2026 中秋: 25-27 Sep off; 国庆: Sun 20 Sep on, 1-7 Oct off, Sat 10 Oct on */
	{ 2026, 9, 20, 20, DAY_ON },
	{ 2026, 9, 25, 27, DAY_OFF },
	{ 2026, 10, 1, 7, DAY_OFF },
	{ 2026, 10, 10, 10, DAY_ON },
	/* 2027 PROVISIONAL (statutory days only, see above) */
	{ 2027, 1, 1, 1, DAY_OFF },     /* 元旦 */
	{ 2027, 2, 5, 8, DAY_OFF },     /* 春节: 除夕 5 Feb, 初一-初三 6-8 Feb */
	{ 2027, 4, 5, 5, DAY_OFF },     /* 清明 */
	{ 2027, 5, 1, 2, DAY_OFF },     /* 劳动节 */
	{ 2027, 6, 9, 9, DAY_OFF },     /* 端午 */
	{ 2027, 9, 15, 15, DAY_OFF },   /* 中秋 */
	{ 2027, 10, 1, 3, DAY_OFF },    /* 国庆 */
};

static const struct calendar cn_calendar = {
	"cn-2026-2027", 2026, 2027, cn_runs, sizeof cn_runs / sizeof cn_runs[0]
};

/* ---- the rules ------------------------------------------------------- */

/* What each rule is for; the table of a profile is indexed by it. */
enum rule_key {
	R_DOCS_TO_DEADLINE,   /* cn.law.24 */
	R_DOCS_AVAILABLE,     /* cn.reg.16 */
	R_CLARIFY_MIN,        /* cn.reg.21 */
	R_OBJECTION_BEFORE,   /* cn.reg.22 */
	R_OBJECTION_ANSWER,   /* cn.reg.22.answer */
	R_MIN_BIDS,           /* cn.reg.44 */
	R_PANEL_MIN,          /* cn.panel.9 */
	R_PANEL_ODD,          /* cn.panel.9.odd */
	R_PANEL_EXPERTS,      /* cn.law.37 */
	R_DEPOSIT,            /* et.deposit.required */
	R_AMEND,              /* et.amend.bid */
	R_OPEN_WINDOW,        /* et.open.window */
	R_PUBLICITY,          /* cn.reg.54 */
	R_EVAL_EXTENSION,     /* cn.reg.48 */
	R_REJECT_ALL,         /* cn.panel.27 */
	R_EXPERT_TRIM,        /* et.eval.expert_trim */
	R_PRICE_TRIM,         /* et.eval.price_trim */
	R_ABNORMALLY_LOW,     /* et.eval.low */
	R_REVIEW_FAIL,        /* cn.panel.review */
	R_DEPOSIT_RETURN,     /* cn.reg.35 */
	R_COUNT
};

struct tender_profile {
	const char *name;
	unsigned version;
	int64_t day_us;               /* one "day" of the rules */
	const char *day_zh, *day_en;  /* its name in messages */
	const struct calendar *cal;   /* NULL: every unit is a working unit */
	struct tender_rule_info rules[R_COUNT];
};

/* One template for every profile of the cn family: the same ids, sources
 * and texts; durations in units of DAY. */
#define CN_RULES_V1(DAY) {                                                        \
	[R_DOCS_TO_DEADLINE] = { "cn.law.24", "招标投标法 第二十四条",               \
		"自招标文件开始发出之日起至投标截止时间的最短期限",                  \
		"minimum time from the documents' issue to the bid deadline",       \
		TENDER_UNIT_DURATION, 20 * (DAY), 1 },                              \
	[R_DOCS_AVAILABLE] = { "cn.reg.16", "招标投标法实施条例 第十六条",           \
		"招标文件的最短发售期", "minimum time the documents are available",   \
		TENDER_UNIT_DURATION, 5 * (DAY), 1 },                               \
	[R_CLARIFY_MIN] = { "cn.reg.21", "招标投标法实施条例 第二十一条",            \
		"澄清或者修改距投标截止时间的最短期限，不足的顺延截止时间",           \
		"minimum time from a clarification or amendment to the deadline; "  \
		"a later one moves the deadline",                                   \
		TENDER_UNIT_DURATION, 15 * (DAY), 1 },                              \
	[R_OBJECTION_BEFORE] = { "cn.reg.22", "招标投标法实施条例 第二十二条",       \
		"对招标文件的异议应在投标截止时间前提出的最短期限",                  \
		"objections to the documents must be raised at least this long "    \
		"before the deadline",                                              \
		TENDER_UNIT_DURATION, 10 * (DAY), 1 },                              \
	[R_OBJECTION_ANSWER] = { "cn.reg.22.answer", "招标投标法实施条例 第二十二条", \
		"招标人答复异议的期限", "time within which the tenderer answers an objection", \
		TENDER_UNIT_DURATION, 3 * (DAY), 1 },                               \
	[R_MIN_BIDS] = { "cn.reg.44", "招标投标法 第二十八条；实施条例 第四十四条",   \
		"投标人少于3个的，不得开标，招标失败",                                \
		"fewer bids than this: no opening, the tender fails",              \
		TENDER_UNIT_COUNT, 3, 1 },                                          \
	[R_PANEL_MIN] = { "cn.panel.9", "评标委员会和评标方法暂行规定 第九条；招标投标法 第三十七条", \
		"评标委员会成员最少人数", "minimum number of panel members",         \
		TENDER_UNIT_COUNT, 5, 1 },                                          \
	[R_PANEL_ODD] = { "cn.panel.9.odd", "评标委员会和评标方法暂行规定 第九条",   \
		"评标委员会成员人数为单数", "the panel has an odd number of members", \
		TENDER_UNIT_COUNT, 1, 1 },                                          \
	[R_PANEL_EXPERTS] = { "cn.law.37", "招标投标法 第三十七条",                  \
		"技术、经济等方面的专家不得少于成员总数的三分之二",                  \
		"experts are at least two thirds of the panel",                     \
		TENDER_UNIT_FRACTION, 2, 3 },                                       \
	[R_DEPOSIT] = { "et.deposit.required", "招标投标法实施条例 第二十六条",      \
		"投标保证金（年度或本项目）须在投标截止前交纳，否则投标不计入",      \
		"a bid deposit (annual or for the tender) must be recorded before "  \
		"the deadline for a bid to count",                                  \
		TENDER_UNIT_COUNT, 1, 1 },                                          \
	[R_AMEND] = { "et.amend.bid", "招标投标法实施条例 第二十一条",              \
		"澄清或修改发布后，此前递交的投标须由投标人重新确认，否则不计入",      \
		"after an amendment, a bid submitted before it counts only if its "  \
		"bidder re-confirms it (0 stands, 1 re-confirm, 2 re-seal)",        \
		TENDER_UNIT_CHOICE, TENDER_AMEND_RECONFIRM, 1 },                    \
	[R_OPEN_WINDOW] = { "et.open.window", "电子招标投标办法 第二十九条、第三十一条（平台规则）", \
		"截标后密钥保管人释放密钥的期限：期满仍不足门限数则开标失败",          \
		"time after the close within which k key holders must release their " \
		"keys; after it the opening fails",                                 \
		TENDER_UNIT_DURATION, 2 * (DAY), 1 },                               \
	[R_PUBLICITY] = { "cn.reg.54", "招标投标法实施条例 第五十四条",               \
		"中标候选人公示期不得少于3日", "the candidates are published for at "  \
		"least this long before the award", TENDER_UNIT_DURATION, 3 * (DAY), 1 }, \
	[R_EVAL_EXTENSION] = { "cn.reg.48", "招标投标法实施条例 第四十八条",          \
		"超过三分之一的评标委员会成员认为评标时间不够的，评标时间延长此期限",  \
		"when more than a third of the panel find the time too short, the "  \
		"evaluation deadline moves by this much", TENDER_UNIT_DURATION, (DAY), 1 }, \
	[R_REJECT_ALL] = { "cn.panel.27", "评标委员会和评标方法暂行规定 第二十七条",  \
		"有效投标不足此数、明显缺乏竞争的，评标委员会可以否决全部投标",      \
		"with fewer valid bids than this the panel may reject all bids",    \
		TENDER_UNIT_COUNT, 3, 1 },                                          \
	[R_EXPERT_TRIM] = { "et.eval.expert_trim",                                \
		"综合评估法通行做法（平台规则）；评标委员会和评标方法暂行规定 第三十五条", \
		"评标专家不少于此数时，每个投标的专家评分去掉一个最高分和一个最低分后取平均", \
		"with at least this many experts, each bid's highest and lowest "   \
		"sheet totals are dropped before the mean", TENDER_UNIT_COUNT, 5, 1 }, \
	[R_PRICE_TRIM] = { "et.eval.price_trim", "综合评估法通行做法（平台规则）",   \
		"有效投标不少于此数时，评标基准价按招标文件规定去掉最高和最低报价后计算", \
		"with at least this many valid bids, the tender's trimmed-mean base " \
		"drops its highest and lowest prices", TENDER_UNIT_COUNT, 5, 1 },    \
	[R_ABNORMALLY_LOW] = { "et.eval.low",                                     \
		"招标投标法实施条例 第五十一条（五）；评标委员会和评标方法暂行规定 第二十一条（平台阈值）", \
		"报价低于有效报价算术平均值的此比例的，提请评标委员会要求投标人澄清", \
		"a price below this share of the mean valid price is flagged for "  \
		"the panel to have the bidder clarify it", TENDER_UNIT_FRACTION, 80, 100 }, \
	[R_REVIEW_FAIL] = { "cn.panel.review",                                    \
		"评标委员会和评标方法暂行规定 第二十条至第二十六条（初步评审）；少数服从多数（平台规则）", \
		"初步评审中认定不合格的成员超过全体成员的此比例时，该投标未通过初步评审", \
		"a bid fails the compliance review when more than this share of the " \
		"panel's members find that it fails", TENDER_UNIT_FRACTION, 1, 2 },  \
	[R_DEPOSIT_RETURN] = { "cn.reg.35", "招标投标法实施条例 第三十五条",          \
		"投标人撤回已提交的投标文件的，投标保证金应自收到撤回通知之日起5日内退还", \
		"the bid deposit of a withdrawn bid is returned within 5 days of "   \
		"the withdrawal",                                                   \
		TENDER_UNIT_DURATION, 5 * (DAY), 1 },                               \
}

static const struct tender_profile profiles[] = {
	{ "cn", 1, US_PER_DAY, "日", "days", &cn_calendar, CN_RULES_V1(US_PER_DAY) },
	/* demo: the cn rules with every day one minute; every minute works */
	{ "demo", 1, US_PER_MIN, "分钟", "minutes", NULL, CN_RULES_V1(US_PER_MIN) },
};

#define NPROFILES (sizeof profiles / sizeof profiles[0])

/* ---- lookup ---------------------------------------------------------- */

int tender_rules_lookup(const char *name, unsigned version, const struct tender_profile **out)
{
	size_t i;

	if (!out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	if (!name)
		return et_fail(ET_EINVAL);
	for (i = 0; i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0 && profiles[i].version == version) {
			*out = &profiles[i];
			return ET_OK;
		}
	return ET_ENOTFOUND;
}

const char *tender_rules_name(const struct tender_profile *p)
{
	return p->name;
}

unsigned tender_rules_version(const struct tender_profile *p)
{
	return p->version;
}

int64_t tender_rules_day_us(const struct tender_profile *p)
{
	return p->day_us;
}

size_t tender_rules_count(const struct tender_profile *p)
{
	return p ? R_COUNT : 0;
}

const struct tender_rule_info *tender_rules_get(const struct tender_profile *p, size_t i)
{
	return p && i < R_COUNT ? &p->rules[i] : NULL;
}

const struct tender_rule_info *tender_rules_find(const struct tender_profile *p, const char *id)
{
	size_t i;

	if (!p || !id)
		return NULL;
	for (i = 0; i < R_COUNT; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return &p->rules[i];
	return NULL;
}

static const struct tender_rule_info *R(const struct tender_profile *p, enum rule_key k)
{
	return &p->rules[k];
}

/* "3 days" / "20 minutes", or "19 days + 23:59:59.999999" for odd amounts. */
static void fmt_dur(const struct tender_profile *p, int64_t us, char *out, size_t cap)
{
	int64_t units, rest;
	const char *sign = "";

	out[0] = 0;
	if (us < 0) {
		sign = "-";
		us = us == INT64_MIN ? INT64_MAX : -us;
	}
	units = us / p->day_us;
	rest = us % p->day_us;
	if (!rest) {
		tender_strlcatf(out, cap, "%s%" PRId64 " %s", sign, units, p->day_en);
		return;
	}
	tender_strlcatf(out, cap, "%s%" PRId64 " %s + %02" PRId64 ":%02" PRId64 ":%02" PRId64
			".%06" PRId64, sign, units, p->day_en, rest / (3600 * US_PER_S),
			rest / US_PER_MIN % 60, rest / US_PER_S % 60, rest % US_PER_S);
}

/* Refusal of a duration rule: "rule text / text [id]: required >= X, got Y". */
static int refuse_duration(const struct tender_profile *p, enum rule_key k, int64_t got,
			   struct tender_diag *d)
{
	const struct tender_rule_info *r = R(p, k);
	char need[64], have[64];

	fmt_dur(p, r->value, need, sizeof need);
	fmt_dur(p, got, have, sizeof have);
	return tender_diag_set(d, ET_EINVAL, r->id, r->zh, r->en,
			       "%s: required at least %s, got %s (profile %s v%u)", r->source,
			       need, have, p->name, p->version);
}

/* ---- schedule -------------------------------------------------------- */

int tender_rules_check_schedule(const struct tender_profile *p, const struct tender_schedule *s,
				struct tender_diag *d)
{
	tender_diag_clear(d);
	if (!p || !s)
		return tender_diag_set(d, et_fail(ET_EINVAL), NULL, "参数无效", "invalid argument",
				       NULL);
	/* platform rule: the dates are in order */
	if (s->bid_deadline_us <= s->documents_from_us)
		return tender_diag_set(d, ET_EINVAL, "et.schedule.order",
				       "投标截止时间必须晚于招标文件开始发出时间",
				       "the bid deadline must be after the documents are issued",
				       NULL);
	if (s->documents_to_us <= s->documents_from_us)
		return tender_diag_set(d, ET_EINVAL, "et.schedule.order",
				       "招标文件发售截止时间必须晚于开始时间",
				       "documents must be available until after they are issued",
				       NULL);
	if (s->documents_to_us > s->bid_deadline_us ||
	    s->registration_deadline_us > s->bid_deadline_us ||
	    s->question_deadline_us > s->bid_deadline_us)
		return tender_diag_set(d, ET_EINVAL, "et.schedule.order",
				       "文件发售、报名和提问截止时间不得晚于投标截止时间",
				       "documents, registration and questions must close by the "
				       "bid deadline", NULL);
	if (s->registration_deadline_us <= s->documents_from_us ||
	    s->question_deadline_us <= s->documents_from_us)
		return tender_diag_set(d, ET_EINVAL, "et.schedule.order",
				       "报名和提问截止时间必须晚于招标文件开始发出时间",
				       "registration and questions must close after the documents "
				       "are issued", NULL);
	/* legal limits, in table order */
	if (s->documents_to_us - s->documents_from_us < R(p, R_DOCS_AVAILABLE)->value)
		return refuse_duration(p, R_DOCS_AVAILABLE, s->documents_to_us - s->documents_from_us,
				       d);
	if (s->bid_deadline_us - s->documents_from_us < R(p, R_DOCS_TO_DEADLINE)->value)
		return refuse_duration(p, R_DOCS_TO_DEADLINE,
				       s->bid_deadline_us - s->documents_from_us, d);
	return ET_OK;
}

int tender_rules_clarified_deadline(const struct tender_profile *p, int64_t deadline_us,
				    int64_t published_us, int64_t *new_deadline_us,
				    struct tender_diag *d)
{
	const struct tender_rule_info *r;

	tender_diag_clear(d);
	if (!p || !new_deadline_us)
		return tender_diag_set(d, et_fail(ET_EINVAL), NULL, "参数无效", "invalid argument",
				       NULL);
	*new_deadline_us = deadline_us;
	r = R(p, R_CLARIFY_MIN);
	if (published_us >= deadline_us)
		return tender_diag_set(d, ET_ESTATE, r->id, "投标截止后不得发布澄清或修改",
				       "no clarification or amendment after the deadline", NULL);
	if (deadline_us - published_us < r->value) {
		*new_deadline_us = published_us + r->value;
		/* d records which rule moved it; rc stays ET_OK */
		tender_diag_set(d, ET_OK, r->id, r->zh, r->en, "deadline moved (%s)", r->source);
	}
	return ET_OK;
}

int64_t tender_rules_objection_cutoff(const struct tender_profile *p, int64_t deadline_us)
{
	return deadline_us - R(p, R_OBJECTION_BEFORE)->value;
}

int64_t tender_rules_objection_answer_due(const struct tender_profile *p, int64_t received_us)
{
	return received_us + R(p, R_OBJECTION_ANSWER)->value;
}

/* ---- calendar -------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Date of day z since 1970-01-01, proleptic Gregorian (H. Hinnant). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* Asia/Shanghai date (days since epoch) of an instant. */
static int64_t shanghai_day(int64_t t_us)
{
	return floor_div(t_us + SHANGHAI_OFFSET_US, US_PER_DAY);
}

/* Is day z (days since epoch) covered, and is it a working day? */
static int day_works(const struct calendar *cal, int64_t z, bool *working)
{
	int y, m, d;
	size_t i;
	int64_t wd;

	civil_from_days(z, &y, &m, &d);
	if (y < cal->first_year || y > cal->last_year)
		return ET_EINVAL;
	for (i = 0; i < cal->nruns; i++) {
		const struct cal_run *r = &cal->runs[i];
		if (r->y == y && r->m == m && d >= r->d_from && d <= r->d_to) {
			*working = r->kind == DAY_ON;
			return ET_OK;
		}
	}
	wd = ((z % 7) + 7 + 4) % 7;     /* 1970-01-01 was a Thursday; 0 = Sunday */
	*working = wd != 0 && wd != 6;
	return ET_OK;
}

int tender_rules_is_working_day(const struct tender_profile *p, int64_t t_us, bool *working)
{
	if (!p || !working)
		return et_fail(ET_EINVAL);
	if (!p->cal) {
		*working = true;
		return ET_OK;
	}
	return day_works(p->cal, shanghai_day(t_us), working);
}

int tender_rules_working_days(const struct tender_profile *p, int64_t from_us, int64_t to_us,
			      int64_t *days, struct tender_diag *d)
{
	int64_t z, z0, z1, n = 0;
	bool w;

	tender_diag_clear(d);
	if (!p || !days)
		return tender_diag_set(d, et_fail(ET_EINVAL), NULL, "参数无效", "invalid argument",
				       NULL);
	*days = 0;
	if (to_us <= from_us)
		return ET_OK;
	if (!p->cal) {
		*days = (to_us - from_us) / p->day_us;
		return ET_OK;
	}
	z0 = shanghai_day(from_us);
	z1 = shanghai_day(to_us);
	for (z = z0 + 1; z <= z1; z++) {
		if (day_works(p->cal, z, &w) != ET_OK) {
			int y, m, dd;
			civil_from_days(z, &y, &m, &dd);
			return tender_diag_set(d, ET_EINVAL, NULL, "日期超出工作日历范围",
					       "date outside the working-day calendar",
					       "%04d-%02d-%02d not in %s (%d-%d)", y, m, dd,
					       p->cal->name, p->cal->first_year,
					       p->cal->last_year);
		}
		n += w;
	}
	*days = n;
	return ET_OK;
}

/* ---- bids and panel -------------------------------------------------- */

bool tender_rules_deposit_required(const struct tender_profile *p)
{
	return R(p, R_DEPOSIT)->value != 0;
}

enum tender_amend_policy tender_rules_amend_policy(const struct tender_profile *p)
{
	return (enum tender_amend_policy)p->rules[R_AMEND].value;
}

const char *tender_amend_policy_name(enum tender_amend_policy a)
{
	switch (a) {
	case TENDER_AMEND_STANDS: return "stands";
	case TENDER_AMEND_RECONFIRM: return "reconfirm";
	case TENDER_AMEND_RESEAL: return "reseal";
	}
	return "?";
}

int64_t tender_rules_open_window(const struct tender_profile *p)
{
	return R(p, R_OPEN_WINDOW)->value;
}

int64_t tender_rules_publicity(const struct tender_profile *p)
{
	return R(p, R_PUBLICITY)->value;
}

int64_t tender_rules_eval_extension(const struct tender_profile *p)
{
	return R(p, R_EVAL_EXTENSION)->value;
}

unsigned tender_rules_reject_all_below(const struct tender_profile *p)
{
	return (unsigned)R(p, R_REJECT_ALL)->value;
}

unsigned tender_rules_expert_trim_min(const struct tender_profile *p)
{
	return (unsigned)R(p, R_EXPERT_TRIM)->value;
}

unsigned tender_rules_price_trim_min(const struct tender_profile *p)
{
	return (unsigned)R(p, R_PRICE_TRIM)->value;
}

void tender_rules_review_fail(const struct tender_profile *p, int64_t *num, int64_t *den)
{
	*num = R(p, R_REVIEW_FAIL)->value;
	*den = R(p, R_REVIEW_FAIL)->den;
}

void tender_rules_abnormally_low(const struct tender_profile *p, int64_t *num, int64_t *den)
{
	*num = R(p, R_ABNORMALLY_LOW)->value;
	*den = R(p, R_ABNORMALLY_LOW)->den;
}

int64_t tender_rules_deposit_return(const struct tender_profile *p)
{
	return R(p, R_DEPOSIT_RETURN)->value;
}

unsigned tender_rules_min_bids(const struct tender_profile *p)
{
	return (unsigned)R(p, R_MIN_BIDS)->value;
}

int tender_rules_check_bid_count(const struct tender_profile *p, unsigned received,
				 struct tender_diag *d)
{
	const struct tender_rule_info *r;

	tender_diag_clear(d);
	if (!p)
		return tender_diag_set(d, et_fail(ET_EINVAL), NULL, "参数无效", "invalid argument",
				       NULL);
	r = R(p, R_MIN_BIDS);
	if ((int64_t)received < r->value)
		return tender_diag_set(d, ET_ESTATE, r->id, r->zh, r->en,
				       "%s: %u received, at least %" PRId64 " needed", r->source,
				       received, r->value);
	return ET_OK;
}

unsigned tender_rules_panel_min(const struct tender_profile *p)
{
	return (unsigned)R(p, R_PANEL_MIN)->value;
}

bool tender_rules_panel_odd(const struct tender_profile *p)
{
	return R(p, R_PANEL_ODD)->value != 0;
}

void tender_rules_panel_expert_share(const struct tender_profile *p, unsigned *num, unsigned *den)
{
	*num = (unsigned)R(p, R_PANEL_EXPERTS)->value;
	*den = (unsigned)R(p, R_PANEL_EXPERTS)->den;
}

int tender_rules_check_panel(const struct tender_profile *p, unsigned members, unsigned experts,
			     struct tender_diag *d)
{
	const struct tender_rule_info *r;

	tender_diag_clear(d);
	if (!p || experts > members)
		return tender_diag_set(d, et_fail(ET_EINVAL), NULL, "参数无效", "invalid argument",
				       NULL);
	r = R(p, R_PANEL_MIN);
	if ((int64_t)members < r->value)
		return tender_diag_set(d, ET_EINVAL, r->id, r->zh, r->en,
				       "%s: %u members, at least %" PRId64, r->source, members,
				       r->value);
	r = R(p, R_PANEL_ODD);
	if (r->value && members % 2 == 0)
		return tender_diag_set(d, ET_EINVAL, r->id, r->zh, r->en, "%s: %u members",
				       r->source, members);
	r = R(p, R_PANEL_EXPERTS);
	/* experts / members >= num / den, exactly */
	if ((uint64_t)experts * (uint64_t)r->den < (uint64_t)members * (uint64_t)r->value)
		return tender_diag_set(d, ET_EINVAL, r->id, r->zh, r->en,
				       "%s: %u of %u members are experts, at least %" PRId64
				       "/%" PRId64 " needed", r->source, experts, members, r->value,
				       r->den);
	return ET_OK;
}
