/* evaluation/collusion.h — collusion signals between the bids of one lot
 * (实施条例 Art. 40 and common practice) as a pure function: each signal names
 * the bids, what matched and how strong it is. A signal is a flag for the
 * panel, never a rejection (docs/evaluation-methods.md). */
#ifndef ET_EVALUATION_COLLUSION_H
#define ET_EVALUATION_COLLUSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define EVAL_COLLUSION_MAX_BIDS    1000u  /* bids of one lot */
#define EVAL_COLLUSION_MAX_ITEMS   100000u /* hashes, documents or BoQ lines of one bid */
#define EVAL_COLLUSION_MAX_SIGNALS 100000u /* signals of one call (ET_ELIMIT past it) */
#define EVAL_EVIDENCE_MAX          2048u  /* bytes of one evidence text */

/* Metadata of one document of a bid (as read from the file). */
struct eval_doc_meta {
	const char *author;      /* NULL or "" = unknown, never matches */
	const char *software;    /* creating application with version */
};

/* One priced line of the bill of quantities. */
struct eval_boq_line {
	const char *item;        /* item code (清单编码) */
	int64_t quantity_milli;  /* quantity in thousandths of the unit, ≥ 0 */
	int64_t unit_price_fen;  /* ≥ 0 */
	int64_t total_fen;       /* as the bidder wrote it */
};

/* What the platform knows of one bid. Every pointer may be NULL (with count
 * 0) and every string NULL or "": an absent field never matches. Strings are
 * compared byte for byte (hashes: lowercase hex, as the platform stores them). */
struct eval_collusion_bid {
	const char *id;                        /* bid id, non-empty */
	const char *const *sealed_hashes;      /* hashes of the sealed (encrypted) parts */
	size_t n_sealed;
	const char *const *plain_hashes;       /* hashes of the decrypted parts */
	size_t n_plain;
	const char *upload_addr;               /* source address of the upload */
	const char *device_fp;                 /* device fingerprint the client reported */
	const struct eval_doc_meta *docs;
	size_t n_docs;
	const struct eval_boq_line *boq;
	size_t n_boq;
	int64_t price_fen;                     /* the bid price of this lot; 0 = none */
	const char *deposit_account;           /* hash of the deposit payer's account */
};

enum eval_signal_kind {
	EVAL_SIG_SAME_SEALED_PART = 1,  /* identical ciphertext: strong */
	EVAL_SIG_SAME_PLAIN_PART,       /* identical decrypted part: strong */
	EVAL_SIG_SAME_UPLOAD_ADDR,      /* same source address: medium */
	EVAL_SIG_SAME_DEVICE,           /* same device fingerprint: weak; medium when the
					 * same bids also share the upload address */
	EVAL_SIG_SAME_METADATA,         /* same author: medium; same software only: weak */
	EVAL_SIG_SAME_BOQ_ERROR,        /* the same wrong total in the same BoQ line: strong */
	EVAL_SIG_PRICE_PATTERN,         /* ≥ 3 prices in constant difference or ratio: medium */
	EVAL_SIG_SAME_DEPOSIT_ACCOUNT,  /* deposits from one account: strong */
};

enum eval_strength {
	EVAL_WEAK = 1,
	EVAL_MEDIUM = 2,
	EVAL_STRONG = 3,
};

/* One signal. bids are indices into the input, ascending, n_bids ≥ 2. */
struct eval_signal {
	enum eval_signal_kind kind;
	enum eval_strength strength;
	size_t *bids;
	size_t n_bids;
	char *evidence;          /* what matched, one line of English key=value text */
};

/* Find every signal among bids[n]. On ET_OK *out is an array of *n_out
 * signals (NULL when none) in the order of the kinds above, then of the
 * first bid; the caller frees it with eval_signals_free(). On failure *out
 * is NULL and nothing is left allocated. ET_EINVAL on malformed input,
 * ET_ELIMIT past a cap, ET_ENOMEM. */
int eval_collusion_detect(const struct eval_collusion_bid *bids, size_t n,
			  struct eval_signal **out, size_t *n_out) ET_MUST_CHECK;
void eval_signals_free(struct eval_signal *s, size_t n);

/* "same_sealed_part" …, and the Chinese name ("密封部分相同" …); never NULL. */
const char *eval_signal_kind_name(enum eval_signal_kind k);
const char *eval_signal_kind_zh(enum eval_signal_kind k);
/* "weak" / "medium" / "strong". */
const char *eval_strength_name(enum eval_strength s);

#endif
