/* tests/evaluation/test_scoring.c — the evaluation methods over hand-computed
 * tables: exact rationals and rounding half away from zero, comprehensive
 * scoring with a lowest-price base and expert trimming, the trimmed mean × K
 * with penalties above and below, lowest evaluated price with ties, a bid
 * above the control price, abnormally low bids, credit scores, rounding at
 * .005, and every refused input. Each case writes out its arithmetic; the
 * same examples are in docs/evaluation-methods.md. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/scoring.h"

/* ---- exact rationals ---- */

static const struct { int64_t n, d, r2, r0; } round_cases[] = {
	{ 1, 200, 1, 0 },             /* 0.005 -> 0.01 (half away from zero) */
	{ -1, 200, -1, 0 },           /* -0.005 -> -0.01 */
	{ 1, 300, 0, 0 },             /* 0.00333 -> 0.00 */
	{ 2, 3, 67, 1 },              /* 0.6667 -> 0.67, 1 */
	{ 12345, 1000, 1235, 12 },    /* 12.345 -> 12.35 */
	{ -12345, 1000, -1235, -12 },
	{ 1999, 200, 1000, 10 },      /* 9.995 -> 10.00 */
	{ 5, 2, 250, 3 },             /* 2.5 -> 3, not 2 (no banker's rounding) */
	{ -5, 2, -250, -3 },
	{ 0, 7, 0, 0 },
	{ 1860, 49, 3796, 38 },       /* 37.959183… */
};

START_TEST(test_round)
{
	struct eval_frac f;

	ck_assert_int_eq(eval_frac_make(&f, round_cases[_i].n, round_cases[_i].d), ET_OK);
	ck_assert_int_eq(eval_frac_round2(f), round_cases[_i].r2);
	ck_assert_int_eq(eval_frac_round0(f), round_cases[_i].r0);
}
END_TEST

START_TEST(test_frac)
{
	struct eval_frac a, b, r;
	char s[32];

	/* reduced, sign in the numerator */
	ck_assert_int_eq(eval_frac_make(&a, 6, -4), ET_OK);
	ck_assert_int_eq(a.num, -3);
	ck_assert_int_eq(a.den, 2);
	ck_assert_int_eq(eval_frac_make(&b, 1, 6), ET_OK);
	/* -3/2 + 1/6 = -9/6 + 1/6 = -8/6 = -4/3 */
	ck_assert_int_eq(eval_frac_add(&r, a, b), ET_OK);
	ck_assert_int_eq(r.num, -4);
	ck_assert_int_eq(r.den, 3);
	/* -3/2 - 1/6 = -10/6 = -5/3 */
	ck_assert_int_eq(eval_frac_sub(&r, a, b), ET_OK);
	ck_assert_int_eq(r.num, -5);
	ck_assert_int_eq(r.den, 3);
	/* -3/2 × 1/6 = -1/4;  -3/2 ÷ 1/6 = -9 */
	ck_assert_int_eq(eval_frac_mul(&r, a, b), ET_OK);
	ck_assert_int_eq(r.num, -1);
	ck_assert_int_eq(r.den, 4);
	ck_assert_int_eq(eval_frac_div(&r, a, b), ET_OK);
	ck_assert_int_eq(r.num, -9);
	ck_assert_int_eq(r.den, 1);
	ck_assert_int_eq(eval_frac_cmp(a, b), -1);
	ck_assert_int_eq(eval_frac_cmp(b, a), 1);
	ck_assert_int_eq(eval_frac_cmp(a, a), 0);
	/* division by zero, zero denominator */
	ck_assert_int_eq(eval_frac_make(&r, 1, 0), ET_EINVAL);
	r.num = 0;
	r.den = 1;
	ck_assert_int_eq(eval_frac_div(&r, a, r), ET_EINVAL);
	/* overflow is refused, not wrapped: (2^62)·4 does not fit, but the
	 * 128-bit intermediate of (2^62)·(4/8) reduces and fits */
	ck_assert_int_eq(eval_frac_make(&a, INT64_C(1) << 62, 1), ET_OK);
	ck_assert_int_eq(eval_frac_make(&b, 4, 1), ET_OK);
	ck_assert_int_eq(eval_frac_mul(&r, a, b), ET_ELIMIT);
	ck_assert_int_eq(eval_frac_make(&b, 4, 8), ET_OK);
	ck_assert_int_eq(eval_frac_mul(&r, a, b), ET_OK);
	ck_assert_int_eq(r.num, INT64_C(1) << 61);
	/* 2^62 + 2^62 = 2^63 > INT64_MAX */
	ck_assert_int_eq(eval_frac_add(&r, a, a), ET_ELIMIT);
	ck_assert_int_eq(eval_fixed2(-5, s, sizeof s), ET_OK);
	ck_assert_str_eq(s, "-0.05");
	ck_assert_int_eq(eval_fixed2(909083, s, sizeof s), ET_OK);
	ck_assert_str_eq(s, "9090.83");
	ck_assert_int_eq(eval_fixed2(909083, s, 7), ET_ELIMIT);
}
END_TEST

/* ---- helpers ---- */

static const struct eval_line *line_of(const struct eval_line *lines, size_t n, size_t bid)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i].bid == bid)
			return &lines[i];
	ck_abort_msg("no line for bid %zu", bid);
	return NULL;
}

static void ck_frac(struct eval_frac f, int64_t num, int64_t den)
{
	ck_assert_msg(f.num == num && f.den == den, "got %lld/%lld, want %lld/%lld",
		      (long long)f.num, (long long)f.den, (long long)num, (long long)den);
}

/* ---- A: comprehensive scoring, lowest-price base, 5 experts trimmed,
 *      one bid above the control price, one invalid ----
 *
 * Control price 1 100 000.00 yuan = 110 000 000 fen. Price weight 30.00.
 * Two criteria: technical (max 40.00) and business (max 30.00).
 *   A  100 000 000 fen  valid
 *   B   95 000 000 fen  valid
 *   C  120 000 000 fen  above control -> rejected (reason recorded); its
 *                       out-of-range scores are ignored too
 *   D   90 000 000 fen  invalid ("not sealed as required"), its scores are
 *                       ignored even though they exceed the maximum
 * Base = lowest valid price = 95 000 000.
 *   price(A) = 95 000 000 / 100 000 000 × 30 = 28.5        -> 28.50
 *   price(B) = 95 000 000 /  95 000 000 × 30 = 30          -> 30.00
 * Expert totals (technical + business) of each expert's sheet:
 *   A: 60, 62, 65, 58, 70 — 5 experts: drop 70 and 58 -> (60+62+65)/3 = 187/3
 *      = 62.333… -> 62.33
 *   B: 55, 55.5, 57, 54, 60 — drop 60 and 54 -> (55+55.5+57)/3 = 167.5/3
 *      = 335/6 = 55.8333… -> 55.83
 * Totals (exact, rounded once):
 *   A: 28.5 + 187/3 = 545/6 = 90.8333… -> 90.83   rank 1
 *   B: 30 + 335/6   = 515/6 = 85.8333… -> 85.83   rank 2
 * Mean of valid prices = 97 500 000; abnormally low below 80% = 78 000 000:
 * none. Candidates: A, B. */
START_TEST(test_comprehensive_lowest_base)
{
	struct eval_params p;
	struct eval_bid bids[4] = {
		{ .id = "A", .price_fen = 100000000, .valid = true, .order_key = 1 },
		{ .id = "B", .price_fen = 95000000, .valid = true, .order_key = 2 },
		{ .id = "C", .price_fen = 120000000, .valid = true, .order_key = 3 },
		{ .id = "D", .price_fen = 90000000, .valid = false,
		  .reason = "未按要求密封 / not sealed as required", .order_key = 4 },
	};
	struct eval_criterion crit[2] = { { 4000 }, { 3000 } };
	/* [bid][expert][criterion], hundredths */
	int64_t pts[4][5][2] = {
		{ { 3500, 2500 }, { 3600, 2600 }, { 3800, 2700 }, { 3300, 2500 }, { 4000, 3000 } },
		{ { 3000, 2500 }, { 3050, 2500 }, { 3200, 2500 }, { 3000, 2400 }, { 3500, 2500 } },
		{ { 0, 0 }, { 0, 0 }, { 0, 999999 }, { 0, 0 }, { 0, 0 } },
		{ { 999999, 0 }, { 0, 999999 }, { 0, 0 }, { 0, 0 }, { 0, 0 } },
	};
	struct eval_line lines[4];
	struct eval_outcome out;
	const struct eval_line *a, *b, *c, *d;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_LOWEST_BASE);
	ck_assert_int_eq(eval_score_lot(&p, bids, 4, 110000000, crit, 2, 5, &pts[0][0][0],
					lines, &out), ET_OK);
	ck_assert_uint_eq(out.n_ranked, 2);
	ck_frac(out.base_fen, 95000000, 1);
	ck_frac(out.mean_fen, 97500000, 1);
	ck_frac(out.low_limit_fen, 78000000, 1);
	/* order: ranked A, B; then the rejected in input order C, D */
	ck_assert_uint_eq(lines[0].bid, 0);
	ck_assert_uint_eq(lines[1].bid, 1);
	ck_assert_uint_eq(lines[2].bid, 2);
	ck_assert_uint_eq(lines[3].bid, 3);
	a = line_of(lines, 4, 0);
	b = line_of(lines, 4, 1);
	c = line_of(lines, 4, 2);
	d = line_of(lines, 4, 3);
	ck_frac(a->price.exact, 57, 2);
	ck_assert_int_eq(a->price.hundredths, 2850);
	ck_frac(a->experts.exact, 187, 3);
	ck_assert_int_eq(a->experts.hundredths, 6233);
	ck_frac(a->total.exact, 545, 6);
	ck_assert_int_eq(a->total.hundredths, 9083);
	ck_assert_uint_eq(a->rank, 1);
	ck_frac(b->price.exact, 30, 1);
	ck_frac(b->experts.exact, 335, 6);
	ck_assert_int_eq(b->experts.hundredths, 5583);
	ck_frac(b->total.exact, 515, 6);
	ck_assert_int_eq(b->total.hundredths, 8583);
	ck_assert_uint_eq(b->rank, 2);
	ck_assert_uint_eq(a->flags | b->flags, 0);
	ck_assert_ptr_null(a->reason);
	ck_assert_int_eq(c->reject, EVAL_REJECT_ABOVE_CONTROL);
	ck_assert_uint_eq(c->rank, 0);
	ck_assert_str_eq(c->reason, eval_reason_above_control);
	ck_assert_int_eq(d->reject, EVAL_REJECT_INVALID);
	ck_assert_str_eq(d->reason, "未按要求密封 / not sealed as required");
	ck_assert_uint_eq(out.n_candidates, 2);
	ck_assert_uint_eq(out.candidates[0], 0);
	ck_assert_uint_eq(out.candidates[1], 1);

	/* the same sheets with 4 experts: no trimming (4 < 5), plain mean of the
	 * first four sheets: A (60+62+65+58)/4 = 245/4 = 61.25 */
	{
		int64_t pts4[4][4][2];

		for (int bb = 0; bb < 4; bb++)
			for (int e = 0; e < 4; e++)
				for (int k = 0; k < 2; k++)
					pts4[bb][e][k] = pts[bb][e][k];
		ck_assert_int_eq(eval_score_lot(&p, bids, 4, 110000000, crit, 2, 4,
						&pts4[0][0][0], lines, &out), ET_OK);
		ck_frac(line_of(lines, 4, 0)->experts.exact, 245, 4);
	}
}
END_TEST

/* ---- B: trimmed mean × K, penalties above and below, an abnormally low
 *      bid against the base ----
 *
 * Weight 40.00, K = 98/100, drop highest and lowest at ≥ 5 bids, penalty
 * 1.00 point per percentage point above the base, 0.50 below; abnormally
 * low below 93% of the base. No expert criteria (price only).
 *   b1 1 000 000  b2 960 000  b3 1 040 000  b4 900 000  b5 1 100 000 (fen)
 * 5 bids: drop 1 100 000 and 900 000; mean = (1 000 000 + 960 000 +
 * 1 040 000) / 3 = 1 000 000; base = 1 000 000 × 0.98 = 980 000.
 *   b1: dev = 20 000 / 980 000 × 100 = 100/49 pp above
 *       score = 40 − 1 × 100/49 = 1860/49 = 37.959… -> 37.96
 *   b2: dev = −100/49 pp; 40 − 0.5 × 100/49 = 1910/49 = 38.979… -> 38.98
 *   b3: dev = 60 000/9 800 = 300/49; 40 − 300/49 = 1660/49 = 33.877… -> 33.88
 *   b4: dev = −400/49; 40 − 0.5 × 400/49 = 1760/49 = 35.918… -> 35.92
 *   b5: dev = 600/49; 40 − 600/49 = 1360/49 = 27.755… -> 27.76
 * Ranking: b2, b1, b4, b3, b5. Low limit = 980 000 × 0.93 = 911 400: b4
 * (900 000) is flagged for clarification and keeps its rank. */
START_TEST(test_mean_k)
{
	struct eval_params p;
	struct eval_bid bids[5] = {
		{ .id = "b1", .price_fen = 1000000, .valid = true, .order_key = 1 },
		{ .id = "b2", .price_fen = 960000, .valid = true, .order_key = 2 },
		{ .id = "b3", .price_fen = 1040000, .valid = true, .order_key = 3 },
		{ .id = "b4", .price_fen = 900000, .valid = true, .order_key = 4 },
		{ .id = "b5", .price_fen = 1100000, .valid = true, .order_key = 5 },
	};
	static const struct { size_t bid; int64_t num, h, dev; unsigned rank; } want[5] = {
		{ 0, 1860, 3796, 100, 2 },
		{ 1, 1910, 3898, -100, 1 },
		{ 2, 1660, 3388, 300, 4 },
		{ 3, 1760, 3592, -400, 3 },
		{ 4, 1360, 2776, 600, 5 },
	};
	struct eval_line lines[5];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_MEAN_K);
	p.price_weight = 4000;
	p.k_num = 98;
	p.k_den = 100;
	p.price_trim_min = 5;
	p.penalty_above = 100;
	p.penalty_below = 50;
	p.low_ref = EVAL_LOW_OF_BASE;
	p.low_num = 93;
	p.low_den = 100;
	ck_assert_int_eq(eval_score_lot(&p, bids, 5, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(out.base_fen, 980000, 1);
	ck_frac(out.low_limit_fen, 911400, 1);
	ck_frac(out.mean_fen, 1000000, 1);     /* untrimmed mean: 5 000 000 / 5 */
	for (int i = 0; i < 5; i++) {
		const struct eval_line *ln = line_of(lines, 5, want[i].bid);

		ck_frac(ln->price.exact, want[i].num, 49);
		ck_assert_int_eq(ln->price.hundredths, want[i].h);
		ck_frac(ln->deviation_pp, want[i].dev, 49);
		ck_assert_int_eq(ln->total.hundredths, want[i].h);
		ck_assert_uint_eq(ln->rank, want[i].rank);
		ck_assert_uint_eq(ln->flags, want[i].bid == 3 ? EVAL_FLAG_ABNORMALLY_LOW : 0);
	}
	ck_assert_uint_eq(out.n_candidates, 3);
	ck_assert_uint_eq(out.candidates[0], 1);
	ck_assert_uint_eq(out.candidates[1], 0);
	ck_assert_uint_eq(out.candidates[2], 3);

	/* the first 4 bids only: fewer than 5, no trimming:
	 * mean = (1 000 000 + 960 000 + 1 040 000 + 900 000)/4 = 975 000,
	 * base = 975 000 × 0.98 = 955 500;
	 * b1: dev = 44 500/955 500 × 100 = 8900/1911 pp (= 4.657…) above,
	 *     score = 40 − 8900/1911 = (76 440 − 8 900)/1911 = 67540/1911
	 *     = 35.342… -> 35.34 */
	ck_assert_int_eq(eval_score_lot(&p, bids, 4, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(out.base_fen, 955500, 1);
	ck_frac(line_of(lines, 4, 0)->deviation_pp, 8900, 1911);
	ck_frac(line_of(lines, 4, 0)->price.exact, 67540, 1911);
	ck_assert_int_eq(line_of(lines, 4, 0)->price.hundredths, 3534);
}
END_TEST

/* ---- B2: two prices trimmed at each end, penalties with a denominator ----
 *
 * The bids of B and b6 800 000, b7 1 200 000; trim 2 at >= 7 bids, K =
 * 98/100, weight 40.00, penalty 100/2 hundredths (0.50 point) per pp above,
 * 50/2 (0.25) below. Dropped: 800 000, 900 000 (lowest two) and 1 200 000,
 * 1 100 000 (highest two); mean of the rest 1 000 000; base 980 000.
 *   b1: 100/49 pp above: 40 − 0.5 × 100/49 = 1910/49 = 38.979… -> 38.98
 *   b2: 100/49 pp below: 40 − 0.25 × 100/49 = 1935/49 = 39.489… -> 39.49
 * With 6 bids (b7 left out) nothing is trimmed (6 < 7): mean 800 000 + … =
 * 5 800 000 / 6, base = 5 800 000/6 × 98/100 = 2 842 000/3. */
START_TEST(test_mean_k_trim2)
{
	struct eval_params p;
	struct eval_bid bids[7] = {
		{ .id = "b1", .price_fen = 1000000, .valid = true, .order_key = 1 },
		{ .id = "b2", .price_fen = 960000, .valid = true, .order_key = 2 },
		{ .id = "b3", .price_fen = 1040000, .valid = true, .order_key = 3 },
		{ .id = "b4", .price_fen = 900000, .valid = true, .order_key = 4 },
		{ .id = "b5", .price_fen = 1100000, .valid = true, .order_key = 5 },
		{ .id = "b6", .price_fen = 800000, .valid = true, .order_key = 6 },
		{ .id = "b7", .price_fen = 1200000, .valid = true, .order_key = 7 },
	};
	struct eval_line lines[7];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_MEAN_K);
	p.price_weight = 4000;
	p.k_num = 98;
	p.k_den = 100;
	p.price_trim = 2;
	p.price_trim_min = 7;
	p.penalty_above = 100;
	p.penalty_below = 50;
	p.penalty_den = 2;
	ck_assert_int_eq(eval_score_lot(&p, bids, 7, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(out.base_fen, 980000, 1);
	ck_frac(line_of(lines, 7, 0)->price.exact, 1910, 49);
	ck_frac(line_of(lines, 7, 1)->price.exact, 1935, 49);
	ck_assert_int_eq(line_of(lines, 7, 1)->price.hundredths, 3949);
	ck_assert_uint_eq(line_of(lines, 7, 1)->rank, 1);
	ck_assert_int_eq(eval_score_lot(&p, bids, 6, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(out.base_fen, 2842000, 3);
	/* a threshold that could leave nothing, a trim above 5, a bad denominator */
	p.price_trim_min = 4;
	ck_assert_int_eq(eval_score_lot(&p, bids, 7, 0, NULL, 0, 0, NULL, lines, &out), ET_EINVAL);
	p.price_trim_min = 13;
	p.price_trim = 6;
	ck_assert_int_eq(eval_score_lot(&p, bids, 7, 0, NULL, 0, 0, NULL, lines, &out), ET_EINVAL);
	p.price_trim = 2;
	p.penalty_den = -1;
	ck_assert_int_eq(eval_score_lot(&p, bids, 7, 0, NULL, 0, 0, NULL, lines, &out), ET_EINVAL);
}
END_TEST

/* ---- C: price score floored at 0, no trimming below the threshold, equal
 *      totals and prices broken by the order key, credit scores ----
 *
 * Weight 30.00, K = 1, trim at ≥ 5 (3 bids: no trim), penalty above 1.00,
 * below 0.50; credit scores up to 5.00.
 *   x 100 000 (key 7)   y 100 000 (key 5)   z 200 000 (key 1, credit 3.00)
 * mean = 400 000/3, base = 400 000/3.
 *   z: dev = (200 000 − 400 000/3) / (400 000/3) × 100 = 50 pp above;
 *      30 − 50 = −20 -> floored to 0; total = 0 + 3.00 = 3.00
 *   x, y: dev = −25 pp; 30 − 0.5 × 25 = 17.5; totals 17.50, equal prices
 *      and expert scores -> the lower order key first: y, x, z. */
START_TEST(test_floor_ties_credit)
{
	struct eval_params p;
	struct eval_bid bids[3] = {
		{ .id = "x", .price_fen = 100000, .valid = true, .order_key = 7 },
		{ .id = "y", .price_fen = 100000, .valid = true, .order_key = 5 },
		{ .id = "z", .price_fen = 200000, .valid = true, .order_key = 1, .credit = 300 },
	};
	struct eval_line lines[3];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_MEAN_K);
	p.credit_max = 500;
	ck_assert_int_eq(eval_score_lot(&p, bids, 3, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(out.base_fen, 400000, 3);
	ck_assert_uint_eq(lines[0].bid, 1);
	ck_assert_uint_eq(lines[1].bid, 0);
	ck_assert_uint_eq(lines[2].bid, 2);
	ck_frac(lines[0].price.exact, 35, 2);
	ck_frac(lines[0].deviation_pp, -25, 1);
	ck_frac(lines[1].total.exact, 35, 2);
	ck_frac(lines[2].deviation_pp, 50, 1);
	ck_frac(lines[2].price.exact, 0, 1);
	ck_frac(lines[2].credit.exact, 3, 1);
	ck_assert_int_eq(lines[2].total.hundredths, 300);
	/* a credit score above the profile's maximum is refused */
	bids[2].credit = 501;
	ck_assert_int_eq(eval_score_lot(&p, bids, 3, 0, NULL, 0, 0, NULL, lines, &out), ET_EINVAL);
}
END_TEST

/* ---- D: equal totals, different prices: the lower price ranks first ----
 *
 * Lowest-price base, weight 30.00, credit up to 15.00, one candidate.
 *   X 100 fen (key 2): price score 100/100 × 30 = 30,  credit 0     -> 30.00
 *   Y 200 fen (key 1): price score 100/200 × 30 = 15,  credit 15.00 -> 30.00
 * Equal totals: X (the lower price) first, although Y's key is lower. */
START_TEST(test_tie_lower_price)
{
	struct eval_params p;
	struct eval_bid bids[2] = {
		{ .id = "X", .price_fen = 100, .valid = true, .order_key = 2 },
		{ .id = "Y", .price_fen = 200, .valid = true, .order_key = 1, .credit = 1500 },
	};
	struct eval_line lines[2];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_LOWEST_BASE);
	p.credit_max = 1500;
	p.candidates = 1;
	p.low_ref = EVAL_LOW_NONE;
	ck_assert_int_eq(eval_score_lot(&p, bids, 2, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(lines[0].total.exact, 30, 1);
	ck_frac(lines[1].total.exact, 30, 1);
	ck_assert_uint_eq(lines[0].bid, 0);
	ck_assert_uint_eq(lines[1].bid, 1);
	ck_assert_uint_eq(out.n_candidates, 1);
	ck_assert_uint_eq(out.candidates[0], 0);
	ck_frac(out.low_limit_fen, 0, 1);
}
END_TEST

/* ---- E: rounding at .005 and ranking on exact values ----
 *
 * Lowest-price base, weight 10.00; one criterion (max 1.00); 2 experts (no
 * trimming).
 *   P1 19 990 fen: price 10 × 19 990/19 990 = 10;   expert totals 0.01 and
 *      0 -> mean 1/200 = 0.005 -> 0.01; total 10.005 -> 10.01
 *   P2 20 000 fen: price 10 × 19 990/20 000 = 9.995 -> 10.00; experts 0;
 *      total 9.995 -> 10.00 (half away from zero, not 9.99)
 * P1 ranks first on the exact totals. */
START_TEST(test_rounding_005)
{
	struct eval_params p;
	struct eval_bid bids[2] = {
		{ .id = "P2", .price_fen = 20000, .valid = true, .order_key = 1 },
		{ .id = "P1", .price_fen = 19990, .valid = true, .order_key = 2 },
	};
	struct eval_criterion crit[1] = { { 100 } };
	int64_t pts[2][2][1] = { { { 0 }, { 0 } }, { { 1 }, { 0 } } };
	struct eval_line lines[2];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_LOWEST_BASE);
	p.price_weight = 1000;
	ck_assert_int_eq(eval_score_lot(&p, bids, 2, 0, crit, 1, 2, &pts[0][0][0], lines, &out),
			 ET_OK);
	ck_assert_uint_eq(lines[0].bid, 1);
	ck_frac(lines[0].experts.exact, 1, 200);
	ck_assert_int_eq(lines[0].experts.hundredths, 1);
	ck_frac(lines[0].total.exact, 2001, 200);
	ck_assert_int_eq(lines[0].total.hundredths, 1001);
	ck_frac(lines[1].price.exact, 1999, 200);
	ck_assert_int_eq(lines[1].price.hundredths, 1000);
	ck_assert_int_eq(lines[1].total.hundredths, 1000);
}
END_TEST

/* ---- F: lowest evaluated price, ties by the order key, the control price
 *      boundary, an abnormally low bid against the mean ----
 *
 * Control price 6 000 000 fen; abnormally low below 80% of the mean.
 *   P 5 000 000 + 200 000 adjustment = 5 200 000 (key 3)
 *   Q 5 100 000 + 0                  = 5 100 000 (key 2)
 *   R 5 150 000 + 50 000             = 5 200 000 (key 1)
 *   S 3 800 000                      = 3 800 000 (key 4)
 *   T 6 000 001 -> above the control price, rejected
 *   U 6 000 000 -> equal to the control price: valid    (key 5)
 * Mean of valid bid prices = (5 000 000 + 5 100 000 + 5 150 000 + 3 800 000
 * + 6 000 000)/5 = 25 050 000/5 = 5 010 000; limit = 4 008 000: S flagged.
 * Ranking by evaluated price: S, Q, then R and P tie at 5 200 000 and R's
 * lower key wins, then U. Candidates: S, Q, R. */
START_TEST(test_lowest_price)
{
	struct eval_params p;
	struct eval_bid bids[6] = {
		{ .id = "P", .price_fen = 5000000, .adjust_fen = 200000, .valid = true, .order_key = 3 },
		{ .id = "Q", .price_fen = 5100000, .valid = true, .order_key = 2 },
		{ .id = "R", .price_fen = 5150000, .adjust_fen = 50000, .valid = true, .order_key = 1 },
		{ .id = "S", .price_fen = 3800000, .valid = true, .order_key = 4 },
		{ .id = "T", .price_fen = 6000001, .valid = true, .order_key = 6 },
		{ .id = "U", .price_fen = 6000000, .valid = true, .order_key = 5 },
	};
	static const size_t order[6] = { 3, 1, 2, 0, 5, 4 };
	struct eval_line lines[6];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_LOWEST_PRICE, 0);
	ck_assert_int_eq(eval_score_lot(&p, bids, 6, 6000000, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_assert_uint_eq(out.n_ranked, 5);
	ck_frac(out.mean_fen, 5010000, 1);
	ck_frac(out.low_limit_fen, 4008000, 1);
	for (int i = 0; i < 6; i++) {
		ck_assert_uint_eq(lines[i].bid, order[i]);
		ck_assert_uint_eq(lines[i].rank, i < 5 ? (unsigned)i + 1 : 0);
	}
	ck_assert_int_eq(lines[0].evaluated_price_fen, 3800000);
	ck_assert_uint_eq(lines[0].flags, EVAL_FLAG_ABNORMALLY_LOW);
	ck_assert_uint_eq(lines[1].flags, 0);
	ck_assert_int_eq(lines[2].evaluated_price_fen, 5200000);
	ck_assert_int_eq(lines[3].evaluated_price_fen, 5200000);
	ck_assert_int_eq(lines[5].reject, EVAL_REJECT_ABOVE_CONTROL);
	ck_assert_uint_eq(out.n_candidates, 3);
	ck_assert_uint_eq(out.candidates[0], 3);
	ck_assert_uint_eq(out.candidates[1], 1);
	ck_assert_uint_eq(out.candidates[2], 2);

	/* against the control price instead: 90% of 6 000 000 = 5 400 000 flags
	 * every valid bid below it (S, P, Q, R) but not U */
	p.low_ref = EVAL_LOW_OF_CONTROL;
	p.low_num = 9;
	p.low_den = 10;
	ck_assert_int_eq(eval_score_lot(&p, bids, 6, 6000000, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_frac(out.low_limit_fen, 5400000, 1);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(lines[i].flags, EVAL_FLAG_ABNORMALLY_LOW);
	ck_assert_uint_eq(lines[4].flags, 0);
}
END_TEST

/* ---- G: no valid bid at all; an empty lot ---- */
START_TEST(test_no_valid)
{
	struct eval_params p;
	struct eval_bid bids[1] = {
		{ .id = "A", .price_fen = 100, .valid = false, .reason = "late / 逾期" },
	};
	struct eval_line lines[1];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_MEAN_K);
	ck_assert_int_eq(eval_score_lot(&p, bids, 1, 0, NULL, 0, 0, NULL, lines, &out), ET_OK);
	ck_assert_uint_eq(out.n_ranked, 0);
	ck_assert_uint_eq(out.n_candidates, 0);
	ck_assert_int_eq(lines[0].reject, EVAL_REJECT_INVALID);
	ck_assert_int_eq(eval_score_lot(&p, NULL, 0, 0, NULL, 0, 0, NULL, NULL, &out), ET_OK);
	ck_assert_uint_eq(out.n_ranked, 0);
}
END_TEST

/* ---- refused inputs: each one alone ---- */

enum { BAD_NONE, BAD_CANDIDATES0, BAD_CANDIDATES4, BAD_TRIM2, BAD_PRICE_TRIM2, BAD_K0,
	BAD_METHOD, BAD_RULE, BAD_LOW_CONTROL, BAD_LOW_BASE_LP, BAD_LOW_OVER1, BAD_PRICE0,
	BAD_NO_ID, BAD_NO_REASON, BAD_SCORE_MAX, BAD_SCORE_NEG, BAD_NEG_CONTROL, BAD_NO_POINTS,
	BAD_WEIGHT, BAD_PENALTY };

static const struct { int bad; int rc; } bad_cases[] = {
	{ BAD_NONE, ET_OK },
	{ BAD_CANDIDATES0, ET_EINVAL }, { BAD_CANDIDATES4, ET_EINVAL },
	{ BAD_TRIM2, ET_EINVAL }, { BAD_PRICE_TRIM2, ET_EINVAL }, { BAD_K0, ET_EINVAL },
	{ BAD_METHOD, ET_EINVAL }, { BAD_RULE, ET_EINVAL }, { BAD_LOW_CONTROL, ET_EINVAL },
	{ BAD_LOW_BASE_LP, ET_EINVAL }, { BAD_LOW_OVER1, ET_EINVAL }, { BAD_PRICE0, ET_EINVAL },
	{ BAD_NO_ID, ET_EINVAL }, { BAD_NO_REASON, ET_EINVAL }, { BAD_SCORE_MAX, ET_EINVAL },
	{ BAD_SCORE_NEG, ET_EINVAL }, { BAD_NEG_CONTROL, ET_EINVAL },
	{ BAD_NO_POINTS, ET_EINVAL }, { BAD_WEIGHT, ET_EINVAL }, { BAD_PENALTY, ET_EINVAL },
};

START_TEST(test_bad)
{
	struct eval_params p;
	struct eval_bid bids[2] = {
		{ .id = "A", .price_fen = 1000, .valid = true },
		{ .id = "B", .price_fen = 1200, .valid = false, .reason = "x" },
	};
	struct eval_criterion crit[1] = { { 500 } };
	int64_t pts[2][1][1] = { { { 400 } }, { { 0 } } };
	int64_t *pp = &pts[0][0][0];
	int64_t control = 0;
	struct eval_line lines[2];
	struct eval_outcome out;

	eval_params_default(&p, EVAL_METHOD_COMPREHENSIVE, EVAL_PRICE_MEAN_K);
	switch (bad_cases[_i].bad) {
	case BAD_CANDIDATES0: p.candidates = 0; break;
	case BAD_CANDIDATES4: p.candidates = 4; break;
	case BAD_TRIM2: p.expert_trim_min = 2; break;
	case BAD_PRICE_TRIM2: p.price_trim_min = 2; break;
	case BAD_K0: p.k_num = 0; break;
	case BAD_METHOD: p.method = 9; break;
	case BAD_RULE: p.price_rule = 9; break;
	case BAD_LOW_CONTROL: p.low_ref = EVAL_LOW_OF_CONTROL; break;
	case BAD_LOW_BASE_LP: p.method = EVAL_METHOD_LOWEST_PRICE; p.low_ref = EVAL_LOW_OF_BASE; break;
	case BAD_LOW_OVER1: p.low_num = 101; break;
	case BAD_PRICE0: bids[0].price_fen = 0; break;
	case BAD_NO_ID: bids[0].id = ""; break;
	case BAD_NO_REASON: bids[1].reason = NULL; break;
	case BAD_SCORE_MAX: pts[0][0][0] = 501; break;
	case BAD_SCORE_NEG: pts[0][0][0] = -1; break;
	case BAD_NEG_CONTROL: control = -1; break;
	case BAD_NO_POINTS: pp = NULL; break;
	case BAD_WEIGHT: p.price_weight = -1; break;
	case BAD_PENALTY: p.penalty_below = -1; break;
	default: break;
	}
	ck_assert_int_eq(eval_score_lot(&p, bids, 2, control, crit, 1, 1, pp, lines, &out),
			 bad_cases[_i].rc);
}
END_TEST

START_TEST(test_caps)
{
	struct eval_params p;
	struct eval_outcome out;
	struct eval_bid b = { .id = "A", .price_fen = 1, .valid = true };
	struct eval_line ln;

	eval_params_default(&p, EVAL_METHOD_LOWEST_PRICE, 0);
	ck_assert_int_eq(eval_score_lot(&p, &b, EVAL_MAX_BIDS + 1, 0, NULL, 0, 0, NULL, &ln, &out),
			 ET_ELIMIT);
	ck_assert_int_eq(eval_score_lot(&p, &b, 1, 0, NULL, 0, EVAL_MAX_EXPERTS + 1, NULL, &ln, &out),
			 ET_ELIMIT);
	b.price_fen = EVAL_MAX_PRICE_FEN + 1;
	ck_assert_int_eq(eval_score_lot(&p, &b, 1, 0, NULL, 0, 0, NULL, &ln, &out), ET_EINVAL);
	b.price_fen = EVAL_MAX_PRICE_FEN;
	ck_assert_int_eq(eval_score_lot(&p, &b, 1, 0, NULL, 0, 0, NULL, &ln, &out), ET_OK);
	/* an adjustment that makes the evaluated price 0 */
	b.price_fen = 500;
	b.adjust_fen = -500;
	ck_assert_int_eq(eval_score_lot(&p, &b, 1, 0, NULL, 0, 0, NULL, &ln, &out), ET_EINVAL);
	b.adjust_fen = -499;
	ck_assert_int_eq(eval_score_lot(&p, &b, 1, 0, NULL, 0, 0, NULL, &ln, &out), ET_OK);
	ck_assert_int_eq(ln.evaluated_price_fen, 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("evaluation_scoring");
	TCase *tc = tcase_create("scoring");

	tcase_add_loop_test(tc, test_round, 0, sizeof round_cases / sizeof round_cases[0]);
	tcase_add_test(tc, test_frac);
	tcase_add_test(tc, test_comprehensive_lowest_base);
	tcase_add_test(tc, test_mean_k);
	tcase_add_test(tc, test_floor_ties_credit);
	tcase_add_test(tc, test_tie_lower_price);
	tcase_add_test(tc, test_rounding_005);
	tcase_add_test(tc, test_lowest_price);
	tcase_add_test(tc, test_mean_k_trim2);
	tcase_add_test(tc, test_no_valid);
	tcase_add_loop_test(tc, test_bad, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, test_caps);
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
