/* evaluation/scoring.h — the evaluation methods of one lot as pure functions:
 * lowest evaluated price (经评审的最低投标价法) and comprehensive scoring
 * (综合评估法) with a lowest-price base or a trimmed-mean base × K. Exact
 * rationals throughout, one rounding at the end (docs/evaluation-methods.md).
 * No I/O, no ledger, no allocation: the ledger module calls these. */
#ifndef ET_EVALUATION_SCORING_H
#define ET_EVALUATION_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Caps of one call (inputs come from the ledger, which enforces its own). */
#define EVAL_MAX_BIDS        1000u  /* bids of one lot */
#define EVAL_MAX_EXPERTS     63u    /* panel members scoring one lot */
#define EVAL_MAX_CRITERIA    256u   /* scored criteria of one lot */
#define EVAL_CANDIDATES_MAX  3u     /* 中标候选人 ≤ 3 */
#define EVAL_MAX_PRICE_FEN   INT64_C(1000000000000000) /* 10^15 fen = 10^13 yuan; 1000 of
							* them still add up in int64 */
#define EVAL_MAX_POINTS      1000000 /* hundredths: 10 000.00 points per criterion */

/* ---- exact rationals ------------------------------------------------- */

/* num/den with den > 0, always reduced (gcd 1); 0 is 0/1. */
struct eval_frac {
	int64_t num;
	int64_t den;
};

/* Arithmetic on reduced fractions with 128-bit intermediates. ET_ELIMIT when
 * a reduced result does not fit int64; ET_EINVAL on a zero divisor or a
 * malformed operand (den <= 0). r may alias a or b. */
int eval_frac_make(struct eval_frac *r, int64_t num, int64_t den) ET_MUST_CHECK;
int eval_frac_add(struct eval_frac *r, struct eval_frac a, struct eval_frac b) ET_MUST_CHECK;
int eval_frac_sub(struct eval_frac *r, struct eval_frac a, struct eval_frac b) ET_MUST_CHECK;
int eval_frac_mul(struct eval_frac *r, struct eval_frac a, struct eval_frac b) ET_MUST_CHECK;
int eval_frac_div(struct eval_frac *r, struct eval_frac a, struct eval_frac b) ET_MUST_CHECK;
/* -1, 0 or 1 (exact, never overflows). */
int eval_frac_cmp(struct eval_frac a, struct eval_frac b);
/* f rounded to hundredths, half away from zero: 12.345 -> 1235, -0.005 -> -1. */
int64_t eval_frac_round2(struct eval_frac f);
/* f rounded to an integer, half away from zero (fen amounts). */
int64_t eval_frac_round0(struct eval_frac f);
/* hundredths as "-12.35" into out; ET_ELIMIT if cap is too small. */
int eval_fixed2(int64_t hundredths, char *out, size_t cap) ET_MUST_CHECK;

/* ---- the method ---------------------------------------------------- */

enum eval_method {
	EVAL_METHOD_LOWEST_PRICE = 1,   /* 经评审的最低投标价法 */
	EVAL_METHOD_COMPREHENSIVE = 2,  /* 综合评估法 */
};

enum eval_price_rule {
	EVAL_PRICE_LOWEST_BASE = 1,     /* 低价优先: base = lowest valid price */
	EVAL_PRICE_MEAN_K = 2,          /* base = (trimmed) mean of valid prices × K */
};

/* What the abnormally-low threshold is a share of. */
enum eval_low_ref {
	EVAL_LOW_NONE = 0,              /* no abnormally-low check */
	EVAL_LOW_OF_MEAN = 1,           /* arithmetic mean of all valid prices (untrimmed) */
	EVAL_LOW_OF_BASE = 2,           /* the price base (comprehensive scoring only) */
	EVAL_LOW_OF_CONTROL = 3,        /* the control price (must be given) */
};

/* The part of a rules profile that says how a lot is scored. Points are in
 * hundredths (3000 = 30.00 points). */
struct eval_params {
	enum eval_method method;
	enum eval_price_rule price_rule;    /* comprehensive only */
	int64_t price_weight;               /* full price score, hundredths */
	int64_t k_num, k_den;               /* K = k_num / k_den (MEAN_K), e.g. 97/100 */
	unsigned price_trim_min;            /* MEAN_K: drop the price_trim highest and the
					     * price_trim lowest prices when ≥ this many
					     * valid bids; 0 = never (else ≥ 2 × trim + 1) */
	unsigned price_trim;                /* prices dropped at each end, 1..5 (0 = 1) */
	int64_t penalty_above;              /* hundredths of a point per percentage point above
					     * base, divided by penalty_den */
	int64_t penalty_below;              /* … below base */
	int64_t penalty_den;                /* 1..10^6 (0 = 1): penalties are
					     * penalty_x / penalty_den hundredths per pp */
	unsigned expert_trim_min;           /* drop the highest and lowest expert total per bid
					     * when ≥ this many experts; 0 = never (else ≥ 3);
					     * `cn`: 5 */
	enum eval_low_ref low_ref;
	int64_t low_num, low_den;           /* flag when price < low_num/low_den × reference */
	int64_t credit_max;                 /* hundredths; 0 = credit scores not used */
	unsigned candidates;                /* 1..EVAL_CANDIDATES_MAX */
};

/* `cn` defaults for comprehensive scoring with a lowest-price base: weight
 * 30.00, experts trimmed at 5, abnormally low below 80% of the mean, 3
 * candidates. The caller changes what its profile says. */
void eval_params_default(struct eval_params *p, enum eval_method method,
			 enum eval_price_rule rule);

/* One opened bid of the lot. */
struct eval_bid {
	const char *id;                 /* bid id (not copied; must outlive the result) */
	int64_t price_fen;              /* the bid price read at opening, > 0 */
	int64_t adjust_fen;             /* LOWEST_PRICE: the panel's price adjustments
					 * (deviations), evaluated price = price + adjust */
	bool valid;                     /* passed the preliminary (compliance) review */
	const char *reason;             /* when !valid: why (non-empty), not copied */
	int64_t order_key;              /* last tie-break, lower first (submission order,
					 * or the panel's technical-deviation order) */
	int64_t credit;                 /* credit record score, hundredths, 0..credit_max */
};

/* A criterion the experts score (technical or business), max in hundredths. */
struct eval_criterion {
	int64_t max_points;
};

enum eval_reject {
	EVAL_REJECT_NONE = 0,
	EVAL_REJECT_INVALID = 1,        /* failed compliance review (input reason) */
	EVAL_REJECT_ABOVE_CONTROL = 2,  /* price above the control price (cn.reg.51) */
};

#define EVAL_FLAG_ABNORMALLY_LOW  0x1u   /* clarify the price (cn.reg.51 (五)) */

/* A score component: exact, and rounded to hundredths once. */
struct eval_part {
	struct eval_frac exact;
	int64_t hundredths;
};

/* One line of the result per bid. */
struct eval_line {
	size_t bid;                     /* index into the bids array */
	unsigned rank;                  /* 1.. when ranked; 0 when rejected */
	enum eval_reject reject;
	unsigned flags;                 /* EVAL_FLAG_* */
	const char *reason;             /* NULL when ranked; the bid's own reason or a
					 * static bilingual text ("中文 / English") */
	int64_t evaluated_price_fen;    /* price + adjust (LOWEST_PRICE), else price */
	struct eval_part price;         /* price score (comprehensive) */
	struct eval_part experts;       /* (trimmed) mean of the expert totals */
	struct eval_part credit;        /* credit score */
	struct eval_part total;         /* price + experts + credit, rounded from exact */
	struct eval_frac deviation_pp;  /* MEAN_K: (price − base) / base × 100 */
};

/* The lot's figures beside the lines. */
struct eval_outcome {
	size_t n_ranked;                /* lines[0 .. n_ranked) are ranked, best first */
	struct eval_frac mean_fen;      /* mean of the valid prices (0/1 if none) */
	struct eval_frac base_fen;      /* price base (0/1 if none / lowest price method) */
	struct eval_frac low_limit_fen; /* abnormally low below this (0/1 if no check) */
	size_t n_candidates;
	size_t candidates[EVAL_CANDIDATES_MAX]; /* bid indices, rank order */
};

/* Score one lot. bids[n_bids]; control_fen the control price or 0 when none;
 * criteria[n_criteria]; points is the dense matrix of n_bids × n_experts ×
 * n_criteria expert points in hundredths, element
 * points[(b * n_experts + e) * n_criteria + c] (ignored for rejected bids;
 * may be NULL when n_criteria or n_experts is 0, or for LOWEST_PRICE).
 * lines[n_bids] is the caller's array; on ET_OK it holds one line per bid,
 * the ranked first in rank order, then the rejected in input order.
 * ET_EINVAL on bad parameters or input (out and lines unspecified), ET_ELIMIT
 * past a cap or when an exact intermediate does not fit 64 bits after
 * reduction (extreme prices with a K of large denominator; never a wrong
 * result). Allocates nothing. */
int eval_score_lot(const struct eval_params *p, const struct eval_bid *bids, size_t n_bids,
		   int64_t control_fen, const struct eval_criterion *criteria, size_t n_criteria,
		   size_t n_experts, const int64_t *points, struct eval_line *lines,
		   struct eval_outcome *out) ET_MUST_CHECK;

/* Bilingual texts of the built-in reasons. */
extern const char eval_reason_above_control[];

#endif
