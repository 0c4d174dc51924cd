/* stats/report.c — reports over awarded lots: periods (all, before/after a
 * split date, or by type, year, month or agent), the comparison of two
 * periods, and the formats: JSON, CSV, an aligned text table and the
 * Chinese annual-report paragraph. Every figure is exact (fractions); a
 * money result is rounded once, half away from zero. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_int.h"

#define FEN_PER_YI 10000000000LL   /* 1 亿元 = 10^8 yuan = 10^10 fen */
/* opened_at within 1900-01-01 .. 9999-12-31 (the dates the import accepts,
 * whatever their offset: a day of margin on each side) */
#define STATS_MIN_US ((-2209017600LL - 86400) * 1000000)
#define STATS_MAX_US ((253402300799LL + 86400) * 1000000)

/* Exact sums of one period, kept for the comparison. */
struct acc {
	int64_t projects, control, winning, savings, registered, bidders;
	struct st_frac rate_sum;
};

struct group {
	char key[ET_STATS_FIELD_MAX + 1];
	const struct stats_outcome *row;
};

static int add64(int64_t *a, int64_t b)
{
	if (__builtin_add_overflow(*a, b, a))
		return et_fail(ET_ELIMIT);
	return ET_OK;
}

static int acc_add(struct acc *a, const struct stats_outcome *o)
{
	struct st_frac r = { NULL, NULL };
	int rc;

	if ((rc = st_frac_init(&r)) || (rc = st_frac_set(&r, o->control_fen - o->winning_fen,
							  o->control_fen)) ||
	    (rc = st_frac_add(&a->rate_sum, &a->rate_sum, &r)))
		goto out;
	a->projects++;
	if ((rc = add64(&a->control, o->control_fen)) || (rc = add64(&a->winning, o->winning_fen)) ||
	    (rc = add64(&a->savings, o->control_fen - o->winning_fen)) ||
	    (rc = add64(&a->registered, o->registered)) || (rc = add64(&a->bidders, o->bidders)))
		goto out;
out:
	st_frac_free(&r);
	return rc;
}

/* The mean rate (rate_sum / projects) and the weighted rate (savings /
 * control) of a non-empty period. */
static int acc_rates(const struct acc *a, struct st_frac *mean, struct st_frac *weighted)
{
	struct st_frac n = { NULL, NULL };
	int rc;

	if ((rc = st_frac_init(&n)) || (rc = st_frac_set(&n, a->projects, 1)) ||
	    (rc = st_frac_div(mean, &a->rate_sum, &n)) ||
	    (rc = st_frac_set(weighted, a->savings, a->control)))
		goto out;
out:
	st_frac_free(&n);
	return rc;
}

static int acc_finish(const struct acc *a, struct stats_period *p)
{
	struct st_frac m = { NULL, NULL }, w = { NULL, NULL }, t = { NULL, NULL };
	int rc;

	p->projects = a->projects;
	p->control_total_fen = a->control;
	p->winning_total_fen = a->winning;
	p->savings_fen = a->savings;
	p->mean_discount_rate.null = p->weighted_discount_rate.null = true;
	p->mean_registered.null = p->mean_bidders.null = true;
	if (a->projects == 0)
		return ET_OK;
	if ((rc = st_frac_init(&m)) || (rc = st_frac_init(&w)) || (rc = st_frac_init(&t)) ||
	    (rc = acc_rates(a, &m, &w)) || (rc = st_frac_value(&m, &p->mean_discount_rate)) ||
	    (rc = st_frac_value(&w, &p->weighted_discount_rate)) ||
	    (rc = st_frac_set(&t, a->registered, a->projects)) ||
	    (rc = st_frac_value(&t, &p->mean_registered)) ||
	    (rc = st_frac_set(&t, a->bidders, a->projects)) ||
	    (rc = st_frac_value(&t, &p->mean_bidders)))
		goto out;
out:
	st_frac_free(&m);
	st_frac_free(&w);
	st_frac_free(&t);
	return rc;
}

/* ratio = (xa / a.projects) / (xb / b.projects); null if undefined. */
static int ratio(int64_t xa, int64_t na, int64_t xb, int64_t nb, struct stats_value *v)
{
	struct st_frac a = { NULL, NULL }, b = { NULL, NULL };
	int rc = ET_OK;

	memset(v, 0, sizeof *v);
	v->null = true;
	if (na == 0 || nb == 0 || xb == 0)
		return ET_OK;
	if ((rc = st_frac_init(&a)) || (rc = st_frac_init(&b)) || (rc = st_frac_set(&a, xa, na)) ||
	    (rc = st_frac_set(&b, xb, nb)) || (rc = st_frac_div(&a, &a, &b)) ||
	    (rc = st_frac_value(&a, v)))
		goto out;
out:
	st_frac_free(&a);
	st_frac_free(&b);
	return rc;
}

static int compare(const struct acc *b, const struct acc *a, struct stats_comparison *c)
{
	struct st_frac mb = { NULL, NULL }, wb = { NULL, NULL }, ma = { NULL, NULL },
		       wa = { NULL, NULL }, d = { NULL, NULL }, k = { NULL, NULL };
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = ratio(a->registered, a->projects, b->registered, b->projects, &c->registered_ratio)) ||
	    (rc = ratio(a->bidders, a->projects, b->bidders, b->projects, &c->bidders_ratio)))
		return rc;
	c->mean_rate_delta_pp.null = c->weighted_rate_delta_pp.null = c->extra_null = true;
	if (a->projects == 0 || b->projects == 0)
		return ET_OK;
	c->extra_null = false;
	if ((rc = st_frac_init(&mb)) || (rc = st_frac_init(&wb)) || (rc = st_frac_init(&ma)) ||
	    (rc = st_frac_init(&wa)) || (rc = st_frac_init(&d)) || (rc = st_frac_init(&k)) ||
	    (rc = acc_rates(b, &mb, &wb)) || (rc = acc_rates(a, &ma, &wa)))
		goto out;
	/* percentage points: (after - before) * 100 */
	if ((rc = st_frac_set(&k, 100, 1)) || (rc = st_frac_sub(&d, &ma, &mb)) ||
	    (rc = st_frac_mul(&d, &d, &k)) || (rc = st_frac_value(&d, &c->mean_rate_delta_pp)) ||
	    (rc = st_frac_sub(&d, &wa, &wb)) || (rc = st_frac_mul(&d, &d, &k)) ||
	    (rc = st_frac_value(&d, &c->weighted_rate_delta_pp)))
		goto out;
	/* extra savings: (rate after - rate before) * control total after, rounded once */
	if ((rc = st_frac_set(&k, a->control, 1)) || (rc = st_frac_sub(&d, &wa, &wb)) ||
	    (rc = st_frac_mul(&d, &d, &k)) || (rc = st_frac_round(&d, &c->extra_savings_weighted_fen)) ||
	    (rc = st_frac_sub(&d, &ma, &mb)) || (rc = st_frac_mul(&d, &d, &k)) ||
	    (rc = st_frac_round(&d, &c->extra_savings_mean_fen)))
		goto out;
out:
	st_frac_free(&mb);
	st_frac_free(&wb);
	st_frac_free(&ma);
	st_frac_free(&wa);
	st_frac_free(&d);
	st_frac_free(&k);
	return rc;
}

static void acc_free(struct acc *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++)
		st_frac_free(&a[i].rate_sum);
	free(a);
}

static int cmp_group(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->row < b->row ? -1 : a->row > b->row;
}

static void set_label(struct stats_period *p, const char *s)
{
	size_t k = strlen(s);

	if (k > ET_STATS_FIELD_MAX)
		k = ET_STATS_FIELD_MAX;
	memcpy(p->label, s, k);
	p->label[k] = '\0';
}

/* The natural bounds of a year or month group, within the query's. */
static void group_bounds(const struct stats_query *q, int by, const char *key, struct stats_period *p)
{
	char buf[16];
	int64_t a = 0, b = 0;

	p->has_from = q->has_from;
	p->has_to = q->has_to;
	p->from_day = q->from_day;
	p->to_day = q->to_day;
	if (by == STATS_BY_YEAR || by == STATS_BY_MONTH) {
		if (snprintf(buf, sizeof buf, by == STATS_BY_YEAR ? "%.4s-01-01" : "%.7s-01", key) >=
			    (int)sizeof buf ||
		    stats_date_parse(buf, &a))
			return;
		if (by == STATS_BY_YEAR) {
			memcpy(buf + 4, "-12-31", 7);
			if (stats_date_parse(buf, &b))
				return;
		} else {
			/* the day before the first of next month */
			int y = (key[0] - '0') * 1000 + (key[1] - '0') * 100 + (key[2] - '0') * 10 +
				(key[3] - '0');
			int m = (key[5] - '0') * 10 + (key[6] - '0');
			if (++m > 12) {
				m = 1;
				y++;
			}
			if (snprintf(buf, sizeof buf, "%04d-%02d-01", y, m) >= (int)sizeof buf ||
			    stats_date_parse(buf, &b))
				return;
			b--;
		}
		if (!p->has_from || a > p->from_day)
			p->from_day = a;
		if (!p->has_to || b < p->to_day)
			p->to_day = b;
		p->has_from = p->has_to = true;
	}
}

int stats_report_compute(const struct stats_outcome *rows, size_t n, const struct stats_query *q,
			 struct stats_report **out)
{
	struct stats_report *r = NULL;
	struct group *g = NULL;
	struct acc *acc = NULL;
	size_t ng = 0, np = 0, cap = 0;
	int rc = ET_EINVAL;

	*out = NULL;
	if (!q || (n && !rows) || q->by < STATS_BY_NONE || q->by > STATS_BY_AGENT ||
	    q->type < -1 || q->type >= STATS_NTYPES || (q->has_split && q->by != STATS_BY_NONE) ||
	    (q->has_from && q->has_to && q->from_day > q->to_day))
		return et_fail(ET_EINVAL);
	/* the selected rows with their group key */
	if (!(g = calloc(n ? n : 1, sizeof *g)))
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const struct stats_outcome *o = &rows[i];
		int64_t day;
		char d[16];

		if (o->type < 0 || o->type >= STATS_NTYPES || o->control_fen <= 0 ||
		    o->control_fen > ET_STATS_MAX_FEN || o->winning_fen < 0 ||
		    o->winning_fen > ET_STATS_MAX_FEN || o->registered < 0 || o->bidders < 0 ||
		    o->opened_us < STATS_MIN_US || o->opened_us > STATS_MAX_US) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		day = stats_local_day(o->opened_us);
		if ((q->type >= 0 && o->type != q->type) || (q->has_from && day < q->from_day) ||
		    (q->has_to && day > q->to_day))
			continue;
		stats_date_format(day, d);
		g[ng].row = o;
		switch (q->by) {
		case STATS_BY_YEAR: memcpy(g[ng].key, d, 4); break;
		case STATS_BY_MONTH: memcpy(g[ng].key, d, 7); break;
		case STATS_BY_AGENT: memcpy(g[ng].key, o->agent, strlen(o->agent) + 1); break;
		case STATS_BY_TYPE: g[ng].key[0] = (char)('0' + o->type); break;
		default: break;
		}
		if (q->has_split)
			g[ng].key[0] = day < q->split_day ? '0' : '1';
		ng++;
	}
	qsort(g, ng, sizeof *g, cmp_group);
	/* the periods */
	cap = q->has_split ? 2 : q->by == STATS_BY_TYPE ? STATS_NTYPES : q->by == STATS_BY_NONE ? 1 : ng;
	if (!(r = calloc(1, sizeof *r)) || !(r->periods = calloc(cap ? cap : 1, sizeof *r->periods)) ||
	    !(acc = calloc(cap ? cap : 1, sizeof *acc)))
		goto nomem;
	for (size_t i = 0; i < cap; i++)
		if ((rc = st_frac_init(&acc[i].rate_sum)))
			goto out;
	if (q->has_split) {
		np = 2;
		set_label(&r->periods[0], "before");
		set_label(&r->periods[1], "after");
		r->periods[0].has_from = q->has_from;
		r->periods[0].from_day = q->from_day;
		r->periods[0].has_to = true;
		r->periods[0].to_day = q->split_day - 1;
		r->periods[1].has_from = true;
		r->periods[1].from_day = q->split_day;
		r->periods[1].has_to = q->has_to;
		r->periods[1].to_day = q->to_day;
		for (size_t i = 0; i < ng; i++)
			if ((rc = acc_add(&acc[g[i].key[0] - '0'], g[i].row)))
				goto out;
	} else if (q->by == STATS_BY_NONE || q->by == STATS_BY_TYPE) {
		for (int t = 0; t < (int)cap; t++) {
			if (q->by == STATS_BY_TYPE && q->type >= 0 && t != q->type)
				continue;
			set_label(&r->periods[np], q->by == STATS_BY_NONE ? "all" : stats_type_name(t));
			group_bounds(q, STATS_BY_NONE, "", &r->periods[np]);
			for (size_t i = 0; i < ng; i++)
				if (q->by == STATS_BY_NONE || g[i].row->type == t)
					if ((rc = acc_add(&acc[np], g[i].row)))
						goto out;
			np++;
		}
	} else {
		for (size_t i = 0; i < ng; i++) {
			if (np == 0 || strcmp(g[i].key, r->periods[np - 1].label) != 0) {
				set_label(&r->periods[np], g[i].key);
				group_bounds(q, q->by, g[i].key, &r->periods[np]);
				np++;
			}
			if ((rc = acc_add(&acc[np - 1], g[i].row)))
				goto out;
		}
	}
	r->nperiods = np;
	for (size_t i = 0; i < np; i++)
		if ((rc = acc_finish(&acc[i], &r->periods[i])))
			goto out;
	if (q->has_split) {
		r->has_comparison = true;
		if ((rc = compare(&acc[0], &acc[1], &r->cmp)))
			goto out;
	}
	*out = r;
	r = NULL;
	rc = ET_OK;
	goto out;
nomem:
	rc = et_fail(ET_ENOMEM);
out:
	acc_free(acc, cap);
	free(g);
	stats_report_free(r);
	return rc;
}

void stats_report_free(struct stats_report *r)
{
	if (!r)
		return;
	free(r->periods);
	free(r);
}

/* ---- formats ---- */

int st_json_str(struct et_buf *b, const char *s)
{
	int rc = et_buf_addstr(b, "\"");

	for (; !rc && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rc = et_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			rc = et_buf_printf(b, "\\u%04x", c);
		else
			rc = et_buf_add(b, s, 1);
	}
	return rc ? rc : et_buf_addstr(b, "\"");
}

static int json_date(struct et_buf *b, bool has, int64_t day)
{
	char d[16];

	if (!has)
		return et_buf_addstr(b, "null");
	stats_date_format(day, d);
	return et_buf_printf(b, "\"%s\"", d);
}

static const char *vdec(const struct stats_value *v, const char *null)
{
	return v->null ? null : v->dec;
}

int stats_report_json(const struct stats_report *r, struct et_buf *b)
{
	int rc = et_buf_addstr(b, "{\"periods\":[");

	for (size_t i = 0; !rc && i < r->nperiods; i++) {
		const struct stats_period *p = &r->periods[i];

		if ((rc = et_buf_addstr(b, i ? ",{\"label\":" : "{\"label\":")) ||
		    (rc = st_json_str(b, p->label)) || (rc = et_buf_addstr(b, ",\"from\":")) ||
		    (rc = json_date(b, p->has_from, p->from_day)) ||
		    (rc = et_buf_addstr(b, ",\"to\":")) || (rc = json_date(b, p->has_to, p->to_day)))
			break;
		rc = et_buf_printf(b,
				   ",\"projects\":%lld,\"control_total_fen\":%lld,\"winning_total_fen\":%lld,"
				   "\"savings_fen\":%lld,\"mean_discount_rate\":%s,"
				   "\"weighted_discount_rate\":%s,\"mean_registered\":%s,"
				   "\"mean_bidders\":%s}",
				   (long long)p->projects, (long long)p->control_total_fen,
				   (long long)p->winning_total_fen, (long long)p->savings_fen,
				   vdec(&p->mean_discount_rate, "null"),
				   vdec(&p->weighted_discount_rate, "null"),
				   vdec(&p->mean_registered, "null"), vdec(&p->mean_bidders, "null"));
	}
	if (!rc)
		rc = et_buf_addstr(b, "]");
	if (!rc && r->has_comparison) {
		const struct stats_comparison *c = &r->cmp;
		char w[32] = "null", m[32] = "null";

		if (!c->extra_null &&
		    (snprintf(w, sizeof w, "%lld", (long long)c->extra_savings_weighted_fen) >= (int)sizeof w ||
		     snprintf(m, sizeof m, "%lld", (long long)c->extra_savings_mean_fen) >= (int)sizeof m))
			return et_fail(ET_ELIMIT);
		rc = et_buf_printf(b,
				   ",\"comparison\":{\"registered_ratio\":%s,\"bidders_ratio\":%s,"
				   "\"mean_rate_delta_pp\":%s,\"weighted_rate_delta_pp\":%s,"
				   "\"extra_savings_weighted_fen\":%s,\"extra_savings_mean_fen\":%s}",
				   vdec(&c->registered_ratio, "null"), vdec(&c->bidders_ratio, "null"),
				   vdec(&c->mean_rate_delta_pp, "null"),
				   vdec(&c->weighted_rate_delta_pp, "null"), w, m);
	}
	return rc ? rc : et_buf_addstr(b, "}");
}

/* An RFC 4180 field: quoted when it holds a comma, quote or line break. */
static int csv_field(struct et_buf *b, const char *s)
{
	int rc;

	if (!strpbrk(s, ",\"\r\n"))
		return et_buf_addstr(b, s);
	rc = et_buf_addstr(b, "\"");
	for (; !rc && *s; s++)
		rc = *s == '"' ? et_buf_addstr(b, "\"\"") : et_buf_add(b, s, 1);
	return rc ? rc : et_buf_addstr(b, "\"");
}

int stats_report_csv(const struct stats_report *r, struct et_buf *b)
{
	int rc = et_buf_addstr(b, "label,from,to,projects,control_total_fen,winning_total_fen,"
			       "savings_fen,mean_discount_rate,weighted_discount_rate,"
			       "mean_registered,mean_bidders\r\n");

	for (size_t i = 0; !rc && i < r->nperiods; i++) {
		const struct stats_period *p = &r->periods[i];
		char f[16] = "", t[16] = "";

		if (p->has_from)
			stats_date_format(p->from_day, f);
		if (p->has_to)
			stats_date_format(p->to_day, t);
		if ((rc = csv_field(b, p->label)))
			break;
		rc = et_buf_printf(b, ",%s,%s,%lld,%lld,%lld,%lld,%s,%s,%s,%s\r\n", f, t,
				   (long long)p->projects, (long long)p->control_total_fen,
				   (long long)p->winning_total_fen, (long long)p->savings_fen,
				   vdec(&p->mean_discount_rate, ""), vdec(&p->weighted_discount_rate, ""),
				   vdec(&p->mean_registered, ""), vdec(&p->mean_bidders, ""));
	}
	if (!rc && r->has_comparison) {
		const struct stats_comparison *c = &r->cmp;

		rc = et_buf_printf(b,
				   "\r\nregistered_ratio,bidders_ratio,mean_rate_delta_pp,"
				   "weighted_rate_delta_pp,extra_savings_weighted_fen,"
				   "extra_savings_mean_fen\r\n%s,%s,%s,%s,",
				   vdec(&c->registered_ratio, ""), vdec(&c->bidders_ratio, ""),
				   vdec(&c->mean_rate_delta_pp, ""), vdec(&c->weighted_rate_delta_pp, ""));
		if (!rc)
			rc = c->extra_null ? et_buf_addstr(b, ",\r\n")
					   : et_buf_printf(b, "%lld,%lld\r\n",
							   (long long)c->extra_savings_weighted_fen,
							   (long long)c->extra_savings_mean_fen);
	}
	return rc;
}

/* The fraction of a non-null value, back from its exact text. */
static int value_frac(const struct stats_value *v, struct st_frac *f)
{
	char num[128];
	const char *slash = strchr(v->exact, '/');
	size_t k = slash ? (size_t)(slash - v->exact) : strlen(v->exact);
	int rc;

	if ((rc = st_frac_init(f)))
		return rc;
	memcpy(num, v->exact, k);
	num[k] = '\0';
	if (!BN_dec2bn(&f->n, num) || (slash && !BN_dec2bn(&f->d, slash + 1)))
		return et_fail(ET_EINVAL);
	return ET_OK;
}

/* v * scale rounded to places decimals ("12.07"); "-" when null. */
static int fmt_scaled(const struct stats_value *v, int64_t scale, int places, char *out, size_t cap)
{
	struct st_frac f = { NULL, NULL }, k = { NULL, NULL };
	int rc;

	if (v->null) {
		if (cap < 2)
			return et_fail(ET_ELIMIT);
		memcpy(out, "-", 2);
		return ET_OK;
	}
	if ((rc = value_frac(v, &f)) || (rc = st_frac_init(&k)) || (rc = st_frac_set(&k, scale, 1)) ||
	    (rc = st_frac_mul(&f, &f, &k)) || (rc = st_frac_fixed(&f, places, out, cap)))
		goto out;
out:
	st_frac_free(&f);
	st_frac_free(&k);
	return rc;
}

/* fen / div rounded to places decimals. */
static int fmt_money(int64_t fen, int64_t div, int places, char *out, size_t cap)
{
	struct st_frac f = { NULL, NULL };
	int rc;

	if ((rc = st_frac_init(&f)) || (rc = st_frac_set(&f, fen, div)) ||
	    (rc = st_frac_fixed(&f, places, out, cap)))
		goto out;
out:
	st_frac_free(&f);
	return rc;
}

/* Display width: CJK (3- and 4-byte UTF-8) counts two columns. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xe0 ? 2 : 1;
	}
	return w;
}

#define TCOLS 11
static const char *const tcol[TCOLS] = {
	"label", "from", "to", "projects", "control (yuan)", "winning (yuan)", "savings (yuan)",
	"mean rate %", "weighted rate %", "mean registered", "mean bidders",
};

int stats_report_table(const struct stats_report *r, struct et_buf *b)
{
	char (*cell)[TCOLS][ET_STATS_FIELD_MAX + 1] = NULL;
	size_t w[TCOLS], nrow = r->nperiods + 1;
	int rc = ET_OK;

	if (!(cell = calloc(nrow, sizeof *cell)))
		return et_fail(ET_ENOMEM);
	for (int j = 0; j < TCOLS; j++) {
		size_t k = strlen(tcol[j]);
		memcpy(cell[0][j], tcol[j], k + 1);
	}
	for (size_t i = 0; !rc && i < r->nperiods; i++) {
		const struct stats_period *p = &r->periods[i];
		char (*c)[ET_STATS_FIELD_MAX + 1] = cell[i + 1];

		memcpy(c[0], p->label[0] ? p->label : "-", p->label[0] ? strlen(p->label) + 1 : 2);
		memcpy(c[1], "-", 2);
		memcpy(c[2], "-", 2);
		if (p->has_from)
			stats_date_format(p->from_day, c[1]);
		if (p->has_to)
			stats_date_format(p->to_day, c[2]);
		if (snprintf(c[3], sizeof c[3], "%lld", (long long)p->projects) >= (int)sizeof c[3] ||
		    (rc = fmt_money(p->control_total_fen, 100, 2, c[4], sizeof c[4])) ||
		    (rc = fmt_money(p->winning_total_fen, 100, 2, c[5], sizeof c[5])) ||
		    (rc = fmt_money(p->savings_fen, 100, 2, c[6], sizeof c[6])) ||
		    (rc = fmt_scaled(&p->mean_discount_rate, 100, 2, c[7], sizeof c[7])) ||
		    (rc = fmt_scaled(&p->weighted_discount_rate, 100, 2, c[8], sizeof c[8])) ||
		    (rc = fmt_scaled(&p->mean_registered, 1, 2, c[9], sizeof c[9])) ||
		    (rc = fmt_scaled(&p->mean_bidders, 1, 2, c[10], sizeof c[10])))
			rc = rc ? rc : et_fail(ET_ELIMIT);
	}
	for (int j = 0; j < TCOLS; j++) {
		w[j] = 0;
		for (size_t i = 0; i < nrow; i++)
			if (width(cell[i][j]) > w[j])
				w[j] = width(cell[i][j]);
	}
	for (size_t i = 0; !rc && i < nrow; i++) {
		for (int j = 0; !rc && j < TCOLS; j++) {
			size_t pad = w[j] - width(cell[i][j]);
			bool left = j < 3;

			if (j && (rc = et_buf_addstr(b, "  ")))
				break;
			for (size_t k = 0; !rc && !left && k < pad; k++)
				rc = et_buf_addstr(b, " ");
			if (!rc)
				rc = et_buf_addstr(b, cell[i][j]);
			for (size_t k = 0; !rc && left && j < TCOLS - 1 && k < pad; k++)
				rc = et_buf_addstr(b, " ");
		}
		if (!rc)
			rc = et_buf_addstr(b, "\n");
	}
	free(cell);
	return rc;
}

static void date_zh(int64_t day, char out[32])
{
	char d[16];
	int y, m, dd;

	stats_date_format(day, d);
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	m = (d[5] - '0') * 10 + (d[6] - '0');
	dd = (d[8] - '0') * 10 + (d[9] - '0');
	if (snprintf(out, 32, "%d年%d月%d日", y, m, dd) >= 32)
		out[0] = '\0';
}

static int span_zh(const struct stats_period *p, struct et_buf *b)
{
	char f[32], t[32];

	date_zh(p->from_day, f);
	date_zh(p->to_day, t);
	if (p->has_from && p->has_to)
		return et_buf_printf(b, "%s至%s", f, t);
	if (p->has_from)
		return et_buf_printf(b, "%s以来", f);
	if (p->has_to)
		return et_buf_printf(b, "截至%s", t);
	return et_buf_addstr(b, "统计期内");
}

static int period_zh(const struct stats_period *p, bool label, struct et_buf *b)
{
	char c[64], w[64], s[64], mr[64], wr[64], reg[64], bid[64];
	int rc;

	if (label && (rc = et_buf_printf(b, "%s：", p->label[0] ? p->label : "（未填代理机构）")))
		return rc;
	if ((rc = span_zh(p, b)))
		return rc;
	if (p->projects == 0)
		return et_buf_addstr(b, "，无成交项目。");
	if ((rc = fmt_money(p->control_total_fen, FEN_PER_YI, 2, c, sizeof c)) ||
	    (rc = fmt_money(p->winning_total_fen, FEN_PER_YI, 2, w, sizeof w)) ||
	    (rc = fmt_money(p->savings_fen, FEN_PER_YI, 2, s, sizeof s)) ||
	    (rc = fmt_scaled(&p->mean_discount_rate, 100, 2, mr, sizeof mr)) ||
	    (rc = fmt_scaled(&p->weighted_discount_rate, 100, 2, wr, sizeof wr)) ||
	    (rc = fmt_scaled(&p->mean_registered, 1, 2, reg, sizeof reg)) ||
	    (rc = fmt_scaled(&p->mean_bidders, 1, 2, bid, sizeof bid)))
		return rc;
	return et_buf_printf(b,
			     "，共完成项目%lld个，控制价合计%s亿元，总交易金额%s亿元，节约资金%s亿元；"
			     "平均下浮率%s%%，加权下浮率%s%%；平均每个项目报名单位%s家、投标单位%s家。",
			     (long long)p->projects, c, w, s, mr, wr, reg, bid);
}

/* "升高 7.04" or "降低 1.00" percentage points. */
static int delta_zh(const struct stats_value *v, struct et_buf *b)
{
	char d[64];
	int rc;

	if ((rc = fmt_scaled(v, 1, 2, d, sizeof d)))
		return rc;
	if (d[0] == '-')
		return et_buf_printf(b, "降低%s个百分点", d + 1);
	return et_buf_printf(b, "提高%s个百分点", d);
}

int stats_report_text(const struct stats_report *r, struct et_buf *b)
{
	const struct stats_comparison *c = &r->cmp;
	char rr[64], br[64], xw[64], xm[64];
	int rc = ET_OK;

	if (!r->has_comparison) {
		for (size_t i = 0; !rc && i < r->nperiods; i++)
			rc = period_zh(&r->periods[i], r->nperiods > 1, b);
		return rc ? rc : et_buf_addstr(b, "\n");
	}
	if ((rc = period_zh(&r->periods[1], false, b)) || (rc = et_buf_addstr(b, "与此前（")) ||
	    (rc = span_zh(&r->periods[0], b)) || (rc = et_buf_addstr(b, "）相比，")))
		return rc;
	if (r->periods[0].projects == 0 || r->periods[1].projects == 0)
		return et_buf_addstr(b, "因一方无成交项目，无法比较。\n");
	if ((rc = fmt_scaled(&c->registered_ratio, 1, 2, rr, sizeof rr)) ||
	    (rc = fmt_scaled(&c->bidders_ratio, 1, 2, br, sizeof br)) ||
	    (rc = fmt_money(c->extra_savings_weighted_fen, FEN_PER_YI, 2, xw, sizeof xw)) ||
	    (rc = fmt_money(c->extra_savings_mean_fen, FEN_PER_YI, 2, xm, sizeof xm)))
		return rc;
	if ((rc = et_buf_printf(b, "平均报名单位数为此前的%s倍，平均投标单位数为此前的%s倍；平均下浮率",
				rr, br)) ||
	    (rc = delta_zh(&c->mean_rate_delta_pp, b)) || (rc = et_buf_addstr(b, "，加权下浮率")) ||
	    (rc = delta_zh(&c->weighted_rate_delta_pp, b)))
		return rc;
	return et_buf_printf(b,
			     "；按加权下浮率之差乘以本期控制价合计，多节约资金%s亿元"
			     "（按平均下浮率之差计为%s亿元）。\n",
			     xw, xm);
}
