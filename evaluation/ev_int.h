/* evaluation/ev_int.h — internals shared by the evaluation domain's own
 * files (experts.c, draw.c, panel.c, award.c, query.c, domain.c): JSON and
 * SQL helpers, actor and tender checks, the draw's state, the eligibility
 * computation that both the draw command and replay run. Other modules
 * include only evaluation/evaluation.h. (Named ev_int.h, not
 * evaluation_int.h, so that it cannot collide with the scoring files.) */
#ifndef ET_EV_INT_H
#define ET_EV_INT_H

#include <jansson.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "bidding/bidding.h"
#include "evaluation/evaluation.h"

#define EV_JSON_FLAGS (JSON_SORT_KEYS | JSON_COMPACT)

/* Emit kind (version 1) with payload = canonical JSON of pl (not stolen). */
int ev_emit(struct audit_tx *tx, const char *kind, const char *actor, const char *tender,
	    json_t *pl, bool confidential, uint64_t *index) ET_MUST_CHECK;
/* An event's payload as a JSON object, or NULL. Caller json_decref's. */
/* Canonical JSON text of o (malloc'd) or NULL. */
char *ev_dump(const json_t *o);
/* Submit fn; d carries rc afterwards (a generic message if fn set none). */
int ev_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx, struct tender_diag *d) ET_MUST_CHECK;
/* Fresh id: prefix + 16 characters of [a-z2-7]. */
int ev_new_id(const char *prefix, char out[TENDER_ID_LEN]) ET_MUST_CHECK;
bool ev_id_ok(const char *s);
/* Text of 1..max bytes of UTF-8 without control characters but \n and \t. */
bool ev_text_ok(const char *s, size_t max);

/* The actor with one of roles (et.auth.unknown, et.auth.role). */
int ev_actor(sqlite3 *db, const char *actor, unsigned roles, struct tender_principal *p,
	     struct tender_diag *d) ET_MUST_CHECK;
/* The tender, and the actor an agent of its agent or tenderer org
 * (et.auth.org). */
int ev_agent_tender(sqlite3 *db, const struct tender_principal *p, const char *tender,
		    struct tender_info *t, struct tender_diag *d) ET_MUST_CHECK;

/* The evaluation rules of the tender's profile (G7, tender/rules.c). */
struct ev_rules {
	int64_t day_us;
	int64_t publicity_us;             /* cn.reg.54: candidates published >= 3 days */
	int64_t extension_us;             /* cn.reg.48: one profile day */
	unsigned min_valid;               /* cn.panel.27: 3 valid bids */
	unsigned expert_trim_min;         /* et.eval.expert_trim: 5 */
	unsigned price_trim_min;          /* et.eval.price_trim: 5 */
	int64_t low_num, low_den;         /* et.eval.low: 80/100 of the mean */
	int64_t review_num, review_den;   /* cn.panel.review: fails by > 1/2 of the members */
	const struct tender_profile *profile;
};
int ev_rules_for(const struct tender_info *t, struct ev_rules *r) ET_MUST_CHECK;

/* The draw of a tender as the projection holds it. */
struct ev_draw_row {
	char draw[TENDER_ID_LEN];
	char duty_chief[TENDER_ID_LEN];
	char supervisor[TENDER_ID_LEN];
	char commit_s[65], commit_p[65];
	char value_s[65], value_p[65];
	char chair[TENDER_ID_LEN];
	char state[16];                   /* requested, committed, drawn */
	int64_t deadline_us;
	int64_t commit_idx;               /* leaf of the platform's commitment; -1 before */
	unsigned members;
	bool extended, fixed;
};
/* ET_ENOTFOUND if the tender has no draw. */
int ev_draw_load(sqlite3 *db, const char *tender, struct ev_draw_row *r) ET_MUST_CHECK;

/* A seat of the panel (ev_member). */
struct ev_member_row {
	char member[TENDER_ID_LEN];       /* expert id, or user id of a representative */
	char user[TENDER_ID_LEN];
	char kind[8];                     /* "expert" | "rep" */
	char specialty[40];
	char state[12];                   /* member, reserve, out */
	unsigned rank;
};
/* The active member the user holds in the tender's panel (state member).
 * ET_EDENIED (et.panel.member) if none. */
int ev_member_of(sqlite3 *db, const char *tender, const char *user, struct ev_member_row *m,
		 struct tender_diag *d) ET_MUST_CHECK;
/* Every row of state (NULL: all) in (kind, specialty, rank) order. *out
 * malloc'd, caller frees. */
int ev_members(sqlite3 *db, const char *tender, const char *state, struct ev_member_row **out,
	       size_t *n) ET_MUST_CHECK;

/* The opened bids of a lot as (bid, org, price), from the opening record,
 * status "opened" only; and the lots of the record. */
struct ev_lot_bid {
	char bid[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	int64_t price_fen;
	int64_t order;                    /* position in the opening record (submission order) */
	char xml_sha256[65];              /* SHA-256 of the decrypted bid.xml, hex */
};
int ev_opened_bids(sqlite3 *db, const char *tender, const char *lot, struct ev_lot_bid **out,
		   size_t *n) ET_MUST_CHECK;
/* The lots of the opening record (sorted, unique). *out malloc'd. */
int ev_lots(sqlite3 *db, const char *tender, char (**out)[ET_TENDER_ID_MAX + 1],
	    size_t *n) ET_MUST_CHECK;

/* Eligibility for a draw (the part replay recomputes): every expert of the
 * pool having one of the quotas' specialties, split into candidates
 * (active, not avoided) and avoided ones with rule and reason, from the
 * ev_* tables and the parties (tenderer, agent, bidder firms). Both JSON
 * arrays sorted by expert id: candidates [{expert, specialties[]}],
 * avoided [{expert, reason, rule}]. now_us decides penalties in force. */
int ev_eligibility(sqlite3 *db, json_t *quotas, json_t *parties, int64_t now_us,
		   json_t **candidates, json_t **avoided) ET_MUST_CHECK;
/* Run ev_draw_select on the JSON forms (quotas [{specialty, count}],
 * candidates as above) into {members:[{expert, specialty, rank}],
 * reserves:[…]}. */
int ev_select_json(const unsigned char seed[32], json_t *quotas, unsigned reserves,
		   json_t *candidates, json_t **members, json_t **reserves_out) ET_MUST_CHECK;

/* ---- the report's ranking and signals (rank.c) ---- */

/* A deposit's payer account as a token: HMAC-SHA-256 under a key used for
 * one report only and then wiped, hex; equal tokens = the same account. */
struct ev_payer {
	char deposit[TENDER_ID_LEN];
	char token[65];
};
/* The priced BoQ lines of one opened bid (read from its kept bid.xml). */
struct ev_boq {
	char bid[TENDER_ID_LEN];
	const struct bid_boq_line *lines;
	size_t n;
};
/* The sealed upload metadata of a bid (bid.submitted's `upload`, revealed
 * at the close): the submission's source address and device fingerprint. */
#define EV_UPLOAD_DOCS 16
#define EV_DOC_META_MAX 128
struct ev_upload {
	char bid[TENDER_ID_LEN];
	char source[64];
	char device[136];
	/* the documents' author and creating software the client read from
	 * them (parts[].documents[]: author, software), those with either */
	struct {
		char author[EV_DOC_META_MAX + 1], software[EV_DOC_META_MAX + 1];
	} doc[EV_UPLOAD_DOCS];
	size_t ndocs;
};
/* Fill u->doc from the upload metadata's parts[] (panel.c). */
void ev_upload_docs(json_t *parts, struct ev_upload *u);
/* The deposits that may back a bid of the tender (per-tender ones and the
 * bidder firms' annual ones), sorted by id; *ids malloc'd. */
int ev_report_deposits(sqlite3 *db, const char *tender, char (**ids)[TENDER_ID_LEN],
		       size_t *n) ET_MUST_CHECK;
/* The inputs of one lot's ranking, as recorded in report.submitted:
 * {method, price_rule, weights{price, technical, business}, k_bp, trim,
 * price_trim_min, penalty_above_bp, penalty_below_bp, expert_trim_min,
 * low[num, den], control, members[], bids[{bid, org, price, key, sealed[],
 * plain[], deposit, payer, boq[{item, quantity, unit_price, total}], source,
 * device}]}; boq the lines of this lot among boqs, source and device from
 * ups (each may be NULL). */
int ev_lot_inputs(sqlite3 *db, const char *tender, const struct tender_record *rec,
		  const struct ev_rules *rules, const char *lot, const struct ev_payer *payers,
		  size_t npayers, const struct ev_boq *boqs, size_t nboqs,
		  const struct ev_upload *ups, size_t nups, json_t **out) ET_MUST_CHECK;
/* The result of one lot from its recorded inputs and the sheets in ev_sheet:
 * {lines[], mean, base, low_limit, candidates[], signals[]}
 * (docs/evaluation.md §6). ET_EINVAL if an input is malformed or a member's
 * sheet is missing. */
int ev_lot_result(sqlite3 *db, const char *tender, const char *lot, json_t *inputs,
		  json_t **out) ET_MUST_CHECK;

/* Is the panel complete: every active member has a sheet for every opened
 * bid of every lot not rejected? *missing (may be NULL) how many lack. */
int ev_sheets_complete(sqlite3 *db, const char *tender, bool *complete,
		       size_t *missing) ET_MUST_CHECK;

/* Is every lot of the opening record decided (all its bids rejected, or
 * awarded), counting extra_lot (may be NULL) as decided? */
int ev_all_lots_decided(sqlite3 *db, const char *tender, const char *extra_lot,
			bool *all) ET_MUST_CHECK;

/* ---- the compliance review, adjustments, clarifications (review.c) ---- */

/* The actor's seat in a drawn panel whose result is not fixed (panel.c). */
int ev_panel_member(sqlite3 *db, const char *actor, const char *tender, struct ev_draw_row *dr,
		    struct ev_member_row *m, struct tender_diag *d) ET_MUST_CHECK;
/* A bid's standing after the panel's review: valid unless more than
 * review_num/review_den of the members found that it fails (cn.panel.review)
 * or the panel rejected it after a clarification (cn.panel.21); reason
 * (bilingual, "" when valid); adjust = the sum of the panel's price
 * adjustments (fen). */
struct ev_review_state {
	bool valid;
	char reason[512];
	int64_t fails, passes, adjust;
};
int ev_bid_review(sqlite3 *db, const char *tender, const char *bid, const struct ev_rules *r,
		  struct ev_review_state *s) ET_MUST_CHECK;
/* How many of the lot's opened bids are valid after the review. */
int ev_valid_count(sqlite3 *db, const char *tender, const char *lot, const struct ev_rules *r,
		   size_t *valid) ET_MUST_CHECK;
/* Whether bid is flagged abnormally low by the lot's ranking on the
 * inputs (without the sheets: the limit depends on prices only). */
int ev_lot_low_flag(json_t *inputs, const char *bid, bool *low) ET_MUST_CHECK;
int ev_apply_review(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);
int ev_apply_adjust(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);
int ev_apply_asked(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);
int ev_apply_explain(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);
int ev_apply_explain_answer(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);
int ev_apply_disqualify(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);

#endif
