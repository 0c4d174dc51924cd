/* evaluation/scoring.c — exact rationals and the scoring of one lot. Every
 * figure stays an exact fraction until eval_part rounds it to hundredths,
 * half away from zero; ranking compares the exact values
 * (docs/evaluation-methods.md gives the formulas and worked examples). */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "evaluation/scoring.h"

__extension__ typedef __int128 i128;

const char eval_reason_above_control[] =
	"投标报价高于招标控制价 / bid price above the control price";

/* ---- exact rationals ---- */

static i128 gcd128(i128 a, i128 b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b != 0) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Reduce n/d (d != 0) into r; ET_ELIMIT if it does not fit. */
static int frac_set128(struct eval_frac *r, i128 n, i128 d)
{
	i128 g;

	if (d == 0)
		return et_fail(ET_EINVAL);
	if (d < 0) {
		n = -n;
		d = -d;
	}
	if (n == 0) {
		r->num = 0;
		r->den = 1;
		return ET_OK;
	}
	g = gcd128(n, d);
	n /= g;
	d /= g;
	if (n > INT64_MAX || n < -INT64_MAX || d > INT64_MAX)
		return et_fail(ET_ELIMIT);
	r->num = (int64_t)n;
	r->den = (int64_t)d;
	return ET_OK;
}

static bool frac_ok(struct eval_frac a)
{
	return a.den > 0 && a.num != INT64_MIN;
}

int eval_frac_make(struct eval_frac *r, int64_t num, int64_t den)
{
	if (num == INT64_MIN || den == INT64_MIN)
		return et_fail(ET_EINVAL);
	return frac_set128(r, num, den);
}

int eval_frac_add(struct eval_frac *r, struct eval_frac a, struct eval_frac b)
{
	if (!frac_ok(a) || !frac_ok(b))
		return et_fail(ET_EINVAL);
	/* |num·den| < 2^126, the sum < 2^127: no 128-bit overflow */
	return frac_set128(r, (i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den);
}

int eval_frac_sub(struct eval_frac *r, struct eval_frac a, struct eval_frac b)
{
	if (!frac_ok(a) || !frac_ok(b))
		return et_fail(ET_EINVAL);
	return frac_set128(r, (i128)a.num * b.den - (i128)b.num * a.den, (i128)a.den * b.den);
}

int eval_frac_mul(struct eval_frac *r, struct eval_frac a, struct eval_frac b)
{
	if (!frac_ok(a) || !frac_ok(b))
		return et_fail(ET_EINVAL);
	return frac_set128(r, (i128)a.num * b.num, (i128)a.den * b.den);
}

int eval_frac_div(struct eval_frac *r, struct eval_frac a, struct eval_frac b)
{
	if (!frac_ok(a) || !frac_ok(b) || b.num == 0)
		return et_fail(ET_EINVAL);
	return frac_set128(r, (i128)a.num * b.den, (i128)a.den * b.num);
}

int eval_frac_cmp(struct eval_frac a, struct eval_frac b)
{
	i128 l = (i128)a.num * b.den, rr = (i128)b.num * a.den;

	return l < rr ? -1 : l > rr ? 1 : 0;
}

/* n/d (d > 0) rounded half away from zero. */
static int64_t round_div(i128 n, i128 d)
{
	i128 q, rem;
	bool neg = n < 0;

	if (neg)
		n = -n;
	q = n / d;
	rem = n % d;
	if (2 * rem >= d)
		q++;
	return (int64_t)(neg ? -q : q);
}

int64_t eval_frac_round2(struct eval_frac f)
{
	return round_div((i128)f.num * 100, f.den);
}

int64_t eval_frac_round0(struct eval_frac f)
{
	return round_div(f.num, f.den);
}

int eval_fixed2(int64_t h, char *out, size_t cap)
{
	uint64_t a = h < 0 ? (uint64_t)0 - (uint64_t)h : (uint64_t)h;
	int n = snprintf(out, cap, "%s%llu.%02llu", h < 0 ? "-" : "",
			 (unsigned long long)(a / 100), (unsigned long long)(a % 100));

	if (n < 0 || (size_t)n >= cap)
		return et_fail(ET_ELIMIT);
	return ET_OK;
}

/* ---- parameters ---- */

void eval_params_default(struct eval_params *p, enum eval_method method,
			 enum eval_price_rule rule)
{
	memset(p, 0, sizeof *p);
	p->method = method;
	p->price_rule = rule;
	p->price_weight = 3000;
	p->k_num = 1;
	p->k_den = 1;
	p->price_trim_min = 5;
	p->penalty_above = 100;
	p->penalty_below = 50;
	p->expert_trim_min = 5;
	p->low_ref = EVAL_LOW_OF_MEAN;
	p->low_num = 80;
	p->low_den = 100;
	p->credit_max = 0;
	p->candidates = EVAL_CANDIDATES_MAX;
}

static int check_params(const struct eval_params *p, int64_t control_fen)
{
	if (p->method != EVAL_METHOD_LOWEST_PRICE && p->method != EVAL_METHOD_COMPREHENSIVE)
		return et_fail(ET_EINVAL);
	if (p->candidates < 1 || p->candidates > EVAL_CANDIDATES_MAX)
		return et_fail(ET_EINVAL);
	if (p->expert_trim_min != 0 && p->expert_trim_min < 3)
		return et_fail(ET_EINVAL);
	if (p->credit_max < 0 || p->credit_max > EVAL_MAX_POINTS)
		return et_fail(ET_EINVAL);
	if (p->low_ref != EVAL_LOW_NONE) {
		if (p->low_ref != EVAL_LOW_OF_MEAN && p->low_ref != EVAL_LOW_OF_BASE &&
		    p->low_ref != EVAL_LOW_OF_CONTROL)
			return et_fail(ET_EINVAL);
		if (p->low_num <= 0 || p->low_den <= 0 || p->low_num > p->low_den ||
		    p->low_den > 1000000)
			return et_fail(ET_EINVAL);
		if (p->low_ref == EVAL_LOW_OF_CONTROL && control_fen == 0)
			return et_fail(ET_EINVAL);
		if (p->low_ref == EVAL_LOW_OF_BASE && p->method != EVAL_METHOD_COMPREHENSIVE)
			return et_fail(ET_EINVAL);
	}
	if (p->method == EVAL_METHOD_LOWEST_PRICE)
		return ET_OK;
	if (p->price_weight < 0 || p->price_weight > EVAL_MAX_POINTS)
		return et_fail(ET_EINVAL);
	if (p->price_rule == EVAL_PRICE_LOWEST_BASE)
		return ET_OK;
	if (p->price_rule != EVAL_PRICE_MEAN_K)
		return et_fail(ET_EINVAL);
	if (p->k_num <= 0 || p->k_den <= 0 || p->k_num > 1000000 || p->k_den > 1000000)
		return et_fail(ET_EINVAL);
	if (p->price_trim > 5)
		return et_fail(ET_EINVAL);
	if (p->price_trim_min != 0 && p->price_trim_min < 2 * (p->price_trim ? p->price_trim : 1) + 1)
		return et_fail(ET_EINVAL);
	if (p->penalty_den < 0 || p->penalty_den > 1000000)
		return et_fail(ET_EINVAL);
	if (p->penalty_above < 0 || p->penalty_below < 0 ||
	    p->penalty_above > EVAL_MAX_POINTS || p->penalty_below > EVAL_MAX_POINTS)
		return et_fail(ET_EINVAL);
	return ET_OK;
}

static void part_set(struct eval_part *pt, struct eval_frac f)
{
	pt->exact = f;
	pt->hundredths = eval_frac_round2(f);
}

static const struct eval_frac ZERO = { 0, 1 };

/* ---- expert scores ---- */

/* The (trimmed) mean of the expert totals of bid b, in points. */
static struct eval_frac experts_mean(const struct eval_params *p, size_t b, size_t n_experts,
				     size_t n_criteria, const int64_t *points)
{
	int64_t sum = 0, hi = INT64_MIN, lo = INT64_MAX;
	size_t kept = n_experts;
	struct eval_frac m;

	for (size_t e = 0; e < n_experts; e++) {
		const int64_t *row = points + (b * n_experts + e) * n_criteria;
		int64_t t = 0;

		for (size_t c = 0; c < n_criteria; c++)
			t += row[c];
		sum += t;
		if (t > hi)
			hi = t;
		if (t < lo)
			lo = t;
	}
	if (p->expert_trim_min != 0 && n_experts >= p->expert_trim_min) {
		sum -= hi + lo;
		kept -= 2;
	}
	/* sum ≤ 63 · 256 · 10^6 and kept ≤ 63: always fits */
	if (frac_set128(&m, sum, (i128)kept * 100) != ET_OK)
		m = ZERO;
	return m;
}

/* ---- ranking ---- */

/* <0 when line a ranks before line b. */
static int rank_cmp(const struct eval_params *p, const struct eval_bid *bids,
		    const struct eval_line *a, const struct eval_line *b)
{
	int c;

	if (p->method == EVAL_METHOD_LOWEST_PRICE) {
		if (a->evaluated_price_fen != b->evaluated_price_fen)
			return a->evaluated_price_fen < b->evaluated_price_fen ? -1 : 1;
	} else {
		c = eval_frac_cmp(b->total.exact, a->total.exact);      /* higher total */
		if (c != 0)
			return c;
		if (bids[a->bid].price_fen != bids[b->bid].price_fen)   /* lower price */
			return bids[a->bid].price_fen < bids[b->bid].price_fen ? -1 : 1;
		c = eval_frac_cmp(b->experts.exact, a->experts.exact);  /* higher experts */
		if (c != 0)
			return c;
	}
	if (bids[a->bid].order_key != bids[b->bid].order_key)
		return bids[a->bid].order_key < bids[b->bid].order_key ? -1 : 1;
	return a->bid < b->bid ? -1 : a->bid > b->bid ? 1 : 0;
}

/* ---- one lot ---- */

int eval_score_lot(const struct eval_params *p, const struct eval_bid *bids, size_t n_bids,
		   int64_t control_fen, const struct eval_criterion *criteria, size_t n_criteria,
		   size_t n_experts, const int64_t *points, struct eval_line *lines,
		   struct eval_outcome *out)
{
	bool comp;
	size_t n_valid = 0, n_rej = 0;
	int64_t lowest = 0, highest = 0, sum = 0;
	struct eval_frac base = ZERO, mean = ZERO, limit = ZERO, w, hundred, tmp;
	int rc;

	if (!p || !out || (n_bids > 0 && (!bids || !lines)))
		return et_fail(ET_EINVAL);
	if (n_bids > EVAL_MAX_BIDS || n_experts > EVAL_MAX_EXPERTS || n_criteria > EVAL_MAX_CRITERIA)
		return et_fail(ET_ELIMIT);
	if (control_fen < 0 || control_fen > EVAL_MAX_PRICE_FEN)
		return et_fail(ET_EINVAL);
	rc = check_params(p, control_fen);
	if (rc != ET_OK)
		return rc;
	comp = p->method == EVAL_METHOD_COMPREHENSIVE;
	if (comp && n_criteria > 0 && (n_experts == 0 || !criteria || !points))
		return et_fail(ET_EINVAL);
	for (size_t c = 0; c < n_criteria && comp; c++)
		if (criteria[c].max_points < 0 || criteria[c].max_points > EVAL_MAX_POINTS)
			return et_fail(ET_EINVAL);

	/* validate every bid, and sort out the rejected */
	for (size_t b = 0; b < n_bids; b++) {
		const struct eval_bid *bd = &bids[b];

		if (!bd->id || !bd->id[0] || bd->price_fen <= 0 || bd->price_fen > EVAL_MAX_PRICE_FEN)
			return et_fail(ET_EINVAL);
		if (!bd->valid && (!bd->reason || !bd->reason[0]))
			return et_fail(ET_EINVAL);
		if (bd->adjust_fen < -EVAL_MAX_PRICE_FEN || bd->adjust_fen > EVAL_MAX_PRICE_FEN)
			return et_fail(ET_EINVAL);
		if (!comp && bd->price_fen + bd->adjust_fen <= 0)   /* evaluated price > 0 */
			return et_fail(ET_EINVAL);
		if (bd->credit < 0 || bd->credit > p->credit_max)
			return et_fail(ET_EINVAL);
		/* scores of a scored bid: valid and not above the control price */
		if (comp && bd->valid && !(control_fen > 0 && bd->price_fen > control_fen)) {
			const int64_t *row = n_criteria ? points + b * n_experts * n_criteria : NULL;

			for (size_t i = 0; i < n_experts * n_criteria; i++)
				if (row[i] < 0 || row[i] > criteria[i % n_criteria].max_points)
					return et_fail(ET_EINVAL);
		}
	}
	memset(out, 0, sizeof *out);
	out->mean_fen = out->base_fen = out->low_limit_fen = ZERO;
	for (size_t b = 0; b < n_bids; b++) {
		struct eval_line *ln = &lines[b];

		memset(ln, 0, sizeof *ln);
		ln->bid = b;
		ln->price.exact = ln->experts.exact = ln->credit.exact = ln->total.exact = ZERO;
		ln->deviation_pp = ZERO;
		ln->evaluated_price_fen = bids[b].price_fen;
		if (!comp)
			ln->evaluated_price_fen += bids[b].adjust_fen;
		if (!bids[b].valid) {
			ln->reject = EVAL_REJECT_INVALID;
			ln->reason = bids[b].reason;
		} else if (control_fen > 0 && bids[b].price_fen > control_fen) {
			ln->reject = EVAL_REJECT_ABOVE_CONTROL;
			ln->reason = eval_reason_above_control;
		} else {
			int64_t pr = bids[b].price_fen;

			if (n_valid == 0 || pr < lowest)
				lowest = pr;
			if (n_valid == 0 || pr > highest)
				highest = pr;
			sum += pr;   /* ≤ 1000 · 10^15 < 2^63 */
			n_valid++;
			continue;
		}
		n_rej++;
	}
	assert(n_valid + n_rej == n_bids);

	/* the mean and the base */
	if (n_valid > 0) {
		rc = eval_frac_make(&mean, sum, (int64_t)n_valid);
		if (rc != ET_OK)
			return rc;
		out->mean_fen = mean;
	}
	if (comp && n_valid > 0) {
		if (p->price_rule == EVAL_PRICE_LOWEST_BASE) {
			base.num = lowest;
			base.den = 1;
		} else {
			int64_t s = sum;
			int64_t k = (int64_t)n_valid;
			struct eval_frac kf;

			if (p->price_trim_min != 0 && n_valid >= p->price_trim_min) {
				unsigned t = p->price_trim ? p->price_trim : 1;

				if (t == 1) {
					s -= lowest + highest;
				} else {
					/* the t lowest and the t highest valid prices, each bid
					 * at most once (n_valid ≥ 2t + 1) */
					size_t gone[10];
					size_t ng = 0;

					for (unsigned r = 0; r < 2 * t; r++) {
						size_t pick = SIZE_MAX;

						for (size_t b = 0; b < n_bids; b++) {
							bool used = false;

							if (lines[b].reject != EVAL_REJECT_NONE)
								continue;
							for (size_t g = 0; g < ng; g++)
								used |= gone[g] == b;
							if (used)
								continue;
							if (pick == SIZE_MAX ||
							    (r < t ? bids[b].price_fen < bids[pick].price_fen
								   : bids[b].price_fen > bids[pick].price_fen))
								pick = b;
						}
						gone[ng++] = pick;
						s -= bids[pick].price_fen;
					}
				}
				k -= 2 * (int64_t)t;
			}
			if ((rc = eval_frac_make(&tmp, s, k)) != ET_OK ||
			    (rc = eval_frac_make(&kf, p->k_num, p->k_den)) != ET_OK ||
			    (rc = eval_frac_mul(&base, tmp, kf)) != ET_OK)
				return rc;
		}
		out->base_fen = base;
	}

	/* the abnormally-low limit */
	if (p->low_ref != EVAL_LOW_NONE && n_valid > 0) {
		struct eval_frac ref = p->low_ref == EVAL_LOW_OF_MEAN ? mean :
			p->low_ref == EVAL_LOW_OF_BASE ? base : (struct eval_frac){ control_fen, 1 };
		struct eval_frac share;

		if ((rc = eval_frac_make(&share, p->low_num, p->low_den)) != ET_OK ||
		    (rc = eval_frac_mul(&limit, ref, share)) != ET_OK)
			return rc;
		out->low_limit_fen = limit;
	}

	/* per valid bid: components and total */
	if ((rc = eval_frac_make(&w, p->price_weight, 100)) != ET_OK ||
	    (rc = eval_frac_make(&hundred, 100, 1)) != ET_OK)
		return rc;
	for (size_t b = 0; b < n_bids; b++) {
		struct eval_line *ln = &lines[b];
		struct eval_frac price = { bids[b].price_fen, 1 }, ps = ZERO, ex = ZERO, cr, t;

		if (ln->reject != EVAL_REJECT_NONE)
			continue;
		if (p->low_ref != EVAL_LOW_NONE && eval_frac_cmp(price, limit) < 0)
			ln->flags |= EVAL_FLAG_ABNORMALLY_LOW;
		if (!comp)
			continue;
		if (p->price_rule == EVAL_PRICE_LOWEST_BASE) {
			/* base / price × weight */
			if ((rc = eval_frac_div(&tmp, base, price)) != ET_OK ||
			    (rc = eval_frac_mul(&ps, tmp, w)) != ET_OK)
				return rc;
		} else {
			/* dev = (price − base) / base × 100; weight − penalty × |dev|, ≥ 0 */
			struct eval_frac dev, pen;
			bool above;

			if ((rc = eval_frac_sub(&tmp, price, base)) != ET_OK ||
			    (rc = eval_frac_div(&tmp, tmp, base)) != ET_OK ||
			    (rc = eval_frac_mul(&dev, tmp, hundred)) != ET_OK)
				return rc;
			ln->deviation_pp = dev;
			above = dev.num > 0;
			if ((rc = eval_frac_make(&pen, above ? p->penalty_above : p->penalty_below,
						 100 * (p->penalty_den ? p->penalty_den : 1))) != ET_OK)
				return rc;
			if (!above)
				dev.num = -dev.num;
			if ((rc = eval_frac_mul(&tmp, pen, dev)) != ET_OK ||
			    (rc = eval_frac_sub(&ps, w, tmp)) != ET_OK)
				return rc;
			if (ps.num < 0)
				ps = ZERO;
		}
		if (n_criteria > 0)
			ex = experts_mean(p, b, n_experts, n_criteria, points);
		if ((rc = eval_frac_make(&cr, bids[b].credit, 100)) != ET_OK ||
		    (rc = eval_frac_add(&t, ps, ex)) != ET_OK ||
		    (rc = eval_frac_add(&t, t, cr)) != ET_OK)
			return rc;
		part_set(&ln->price, ps);
		part_set(&ln->experts, ex);
		part_set(&ln->credit, cr);
		part_set(&ln->total, t);
	}

	/* order: ranked by the method's keys (insertion sort: stable, n ≤ 1000),
	 * then the rejected in input order */
	{
		size_t r = 0;

		for (size_t b = 0; b < n_bids; b++) {
			if (lines[b].reject != EVAL_REJECT_NONE)
				continue;
			struct eval_line x = lines[b];
			/* lines[r .. b) are rejected ones; shift them up to keep input order */
			memmove(&lines[r + 1], &lines[r], (b - r) * sizeof *lines);
			size_t j = r;

			while (j > 0 && rank_cmp(p, bids, &x, &lines[j - 1]) < 0) {
				lines[j] = lines[j - 1];
				j--;
			}
			lines[j] = x;
			r++;
		}
		assert(r == n_valid);
	}
	for (size_t i = 0; i < n_valid; i++)
		lines[i].rank = (unsigned)i + 1;
	out->n_ranked = n_valid;
	out->n_candidates = n_valid < p->candidates ? n_valid : p->candidates;
	for (size_t i = 0; i < out->n_candidates; i++)
		out->candidates[i] = lines[i].bid;
	return ET_OK;
}
