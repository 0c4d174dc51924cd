/* evaluation/evaluation.h — the evaluation domain on the ledger (issue 5,
 * domain layer): the expert pool (experts, declared relations, penalties,
 * CSV import), the verifiable expert draw (commit–reveal of the supervisor's
 * and the platform's values, both sealed to the trading center's duty
 * chief; avoidance per 评标委员会和评标方法暂行规定 Art. 12; reserves and
 * replacements), the panel's work (signed score sheets sealed until every
 * member submitted, extension when more than 1/3 ask, the chair, dissent,
 * rejection of all bids, the report signed by every member), and the result
 * (≤ 3 candidates, publicity, objections and answers, award notices, the
 * contract price, the release of bid deposits). Decisions, event kinds,
 * payloads and rule ids: docs/evaluation.md. Knows nothing of HTTP.
 *
 * Commands run in the ledger's writer like tender/'s and bidding/'s: they
 * check actor, role, tender, stage and time against the projections, emit
 * and return; d (may be NULL) names the rule of a refusal. "Now" is
 * audit_tx_time. Queries answer canonical JSON (malloc'd, caller frees). */
#ifndef ET_EVALUATION_H
#define ET_EVALUATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "tender/tender.h"

struct audit_ledger;
struct audit_module;
struct bid_blobs;

#define EV_MAX_SPECIALTIES 8          /* specialties of one expert */
#define EV_MAX_QUOTAS 8               /* specialties of one draw */
#define EV_MAX_MEMBERS 25             /* panel members */
#define EV_MAX_CRITERIA 32            /* criteria of one score sheet */
#define EV_POINTS_MAX 10000           /* a sheet's total: 100.00 points, in hundredths */
#define EV_CSV_MAX (4u << 20)         /* bytes of an expert CSV file */
#define EV_CSV_MAX_ROWS 10000u        /* experts in one import */
#define EV_MAX_CANDIDATES 3           /* cn.reg.54: at most 3 candidates */
#define EV_VALUE_LEN 32               /* bytes of a draw value */

/* ---- the ledger modules ---------------------------------------------------- */

/* Every module a ledger with evaluations needs: bid_ledger_modules() (tender
 * and bidding) followed by the evaluation module (static; *n their number). */
const struct audit_module *const *ev_ledger_modules(size_t *n);

/* ---- the expert pool (experts.c) ------------------------------------------- */

/* An expert of the pool: a user with the expert role (who signs with the
 * Ed25519 key registered for that user), the facts the draw uses, and the
 * personal details that go to the private side store only. */
struct ev_expert_new {
	const char *user;                 /* usr-… with TENDER_ROLE_EXPERT */
	const char *specialties;          /* "A;B" 1..EV_MAX_SPECIALTIES codes [a-z0-9._-]{1,32} */
	const char *employer;             /* org id (registered) or "" */
	const char *region;               /* 1..64 bytes, e.g. "330100" */
	const char *title;                /* 职称, 1..64 bytes */
	int years;                        /* years of practice, 0..70 */
	const char *name, *phone, *id_number;  /* side store only */
};
/* Administrator registers an expert (et.auth.role). Checks: the user exists
 * with the expert role (et.expert.user), once per user (et.expert.exists,
 * ET_EEXIST), the fields (et.expert.field), the employer registered
 * (et.expert.employer). Event expert.registered {id, user, specialties,
 * employer, region, title, years, status:"active", details_sha256}. id_out
 * "exp-…". */
int ev_expert_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
		       const struct ev_expert_new *e, char id_out[TENDER_ID_LEN],
		       struct tender_diag *d) ET_MUST_CHECK;
/* Administrator imports experts from CSV (UTF-8, one header line
 * "user,name,phone,id_number,specialties,employer,region,title,years",
 * fields without commas or quotes), all or nothing: one command emitting
 * one expert.registered per row. A bad row refuses the whole file and d
 * names its line ("第 N 行 / line N"). *count (may be NULL) rows imported. */
int ev_expert_import_csv(struct audit_ledger *l, struct tender_private *p, const char *actor,
			 const char *csv, size_t len, size_t *count,
			 struct tender_diag *d) ET_MUST_CHECK;
/* Administrator suspends or reactivates an expert ("active" | "suspended",
 * reason 1..4096 bytes). Event expert.status_changed {expert, status, reason}. */
int ev_expert_status(struct audit_ledger *l, const char *actor, const char *expert,
		     const char *status, const char *reason, struct tender_diag *d) ET_MUST_CHECK;
/* Administrator, or the expert itself, declares a relation with an
 * organisation (kind: "near_relative" 近亲属, "employment" 任职/曾任职,
 * "economic" 经济利益, "other"). Event relation.declared {expert, org, kind}. */
int ev_expert_relation(struct audit_ledger *l, const char *actor, const char *expert,
		       const char *org, const char *kind, struct tender_diag *d) ET_MUST_CHECK;
/* Administrator records a penalty barring the expert from draws in
 * [from, until) (basis: the decision's reference, 1..256 bytes). Event
 * expert.penalised {expert, basis, from, until}. */
int ev_expert_penalise(struct audit_ledger *l, const char *actor, const char *expert,
		       const char *basis, int64_t from_us, int64_t until_us,
		       struct tender_diag *d) ET_MUST_CHECK;

/* ---- the draw (draw.c) -------------------------------------------------------- */

struct ev_quota {
	const char *specialty;
	unsigned count;                   /* experts of this specialty, >= 1 */
};

/* What the agent asks for. members = sum of quotas + the tenderer's
 * representatives (users of the tenderer org); the profile decides the
 * size, parity and expert share (cn.panel.9, cn.panel.9.odd, cn.law.37). */
struct ev_draw_request {
	const char *tender;
	unsigned members;
	const struct ev_quota *quotas;
	size_t nquotas;                   /* 1..EV_MAX_QUOTAS */
	unsigned reserves;                /* reserves per specialty, 1..10 */
	const char *const *reps;          /* the tenderer's representatives */
	size_t nreps;
	const char *duty_chief;           /* a keyholder of the trading center, with keys */
	int64_t deadline_us;              /* evaluation deadline, later than now */
};
/* Agent of the tender's agent or tenderer org, after a close that did not
 * fail (et.draw.stage), once per tender (et.draw.exists). Confidential event
 * draw.requested {tender, draw, members, quotas, reserves, reps, duty_chief,
 * deadline}. draw_out (may be NULL) "drw-…". */
int ev_draw_request(struct audit_ledger *l, const char *actor, const struct ev_draw_request *r,
		    char draw_out[TENDER_ID_LEN], struct tender_diag *d) ET_MUST_CHECK;

/* commitment = SHA-256(value), value EV_VALUE_LEN random bytes. */
void ev_draw_commitment(const unsigned char value[EV_VALUE_LEN], unsigned char out[32]);
/* A supervisor commits to its value: commitment (64 hex) and the value
 * sealed to the duty chief's X25519 recipient (an armored age file made by
 * the supervisor's client; et.draw.sealed). In the same command the
 * platform draws its own value, seals it to the duty chief (crypto age),
 * keeps it in the private side store and commits: two public events
 * draw.committed {tender, draw, party:"supervisor"|"platform", commitment,
 * sealed, duty_chief}, the supervisor's first. Once (et.draw.committed). */
int ev_draw_commit(struct audit_ledger *l, struct tender_private *p, const char *actor,
		   const char *tender, const char *commitment_hex, const char *sealed,
		   struct tender_diag *d) ET_MUST_CHECK;
/* A value is revealed (party "supervisor" or "platform"): by the
 * supervisor who committed (its own), or by the duty chief (either, from
 * the sealed copy: a refusal to reveal is overcome). value_hex must hash to
 * the commitment (et.draw.commitment, ET_EVERIFY). Confidential event
 * draw.revealed {tender, draw, party, value, by}. When both values are
 * known the same command draws the panel (confidential panel.drawn, see
 * ev_draw_select) with seed = SHA-256(value_s ‖ value_p ‖ root), root the
 * RFC 9162 root of the log up to and including the platform's commitment. */
int ev_draw_reveal(struct audit_ledger *l, const char *actor, const char *tender,
		   const char *party, const char *value_hex, struct tender_diag *d) ET_MUST_CHECK;
/* The platform reveals its own value from the private side store (actor ""). */
int ev_draw_reveal_platform(struct audit_ledger *l, struct tender_private *p, const char *tender,
			    struct tender_diag *d) ET_MUST_CHECK;

/* The documented deterministic selection (docs/evaluation.md "Selection").
 * Candidates are the eligible experts, each with its specialties. For each
 * quota in order, the candidates having that specialty and not yet chosen
 * are sorted by HMAC-SHA-256(key = seed, "etender-draw/v1\n" specialty "\n"
 * id) (bytewise; ties by id) and the first count become members; then, for
 * each quota in order again, the next `reserves` not yet chosen become its
 * reserves in that order. Pure: anyone recomputes it from the log. */
struct ev_candidate {
	const char *expert;
	const char *const *specialties;
	size_t nspecialties;
};
struct ev_pick {
	char expert[TENDER_ID_LEN];
	size_t quota;                     /* index into quotas */
	bool reserve;
	unsigned rank;                    /* 0-based within (quota, member/reserve) */
};
/* *out malloc'd array of *n picks (members in quota order, then reserves),
 * caller frees. ET_ESTATE if a quota cannot be filled (et.draw.pool). */
int ev_draw_select(const unsigned char seed[32], const struct ev_quota *quotas, size_t nquotas,
		   unsigned reserves, const struct ev_candidate *cands, size_t ncands,
		   struct ev_pick **out, size_t *n) ET_MUST_CHECK;
/* seed = SHA-256(value_s ‖ value_p ‖ root) over the 3 x 32 bytes given as
 * 64 hex digits each; ET_EINVAL otherwise. */
int ev_draw_seed(const char *value_s_hex, const char *value_p_hex, const char *root_hex,
		 unsigned char seed[32]) ET_MUST_CHECK;
/* Check a drawn panel against the log (G5): the root in panel.drawn is the
 * log's root at the platform's commitment, the seed is SHA-256 of the two
 * revealed values and that root, and ev_draw_select over the recorded
 * candidates gives the recorded members and reserves. ET_OK, ET_EVERIFY
 * (d says what differs), ET_ESTATE if no panel was drawn. */
int ev_draw_verify(struct audit_ledger *l, const char *tender, struct tender_diag *d) ET_MUST_CHECK;
/* ev_draw_verify for every drawn panel of the ledger (for etenderd verify).
 * ET_OK, or the first failure with d naming its tender; *n (may be NULL)
 * the panels checked. */
int ev_draw_verify_all(struct audit_ledger *l, size_t *n, struct tender_diag *d) ET_MUST_CHECK;
/* Check the tender's report (if any) against its sources: each lot's
 * recorded inputs equal those gathered again from the tender record, the
 * rules profile, the opening record, the sealed parts, the deposits and the
 * seats (the payer tokens, BoQ lines and upload metadata, read from the
 * side store, the blob store and the confidential store, are taken as
 * recorded),
 * and the lines, figures, candidates and signals follow from them and the
 * sheets. ET_EVERIFY with et.report.verify otherwise. ev_draw_verify_all
 * runs it for every drawn panel. */
int ev_report_verify(struct audit_ledger *l, const char *tender, struct tender_diag *d) ET_MUST_CHECK;

/* ---- the panel (panel.c) --------------------------------------------------------- */

/* A drawn expert declines, or declares an avoidance (avoid = true; org: the
 * organisation it is related to, recorded as a relation too), before it
 * submitted anything; the next reserve of its specialty takes its seat.
 * Confidential event panel.replaced {tender, out, in, specialty, reason,
 * rule, by}. et.draw.reserves if none is left. */
int ev_panel_decline(struct audit_ledger *l, const char *actor, const char *tender, bool avoid,
		     const char *org, const char *reason, struct tender_diag *d) ET_MUST_CHECK;
/* Administrator replaces a member who cannot serve (unreachable …). */
int ev_panel_replace(struct audit_ledger *l, const char *actor, const char *tender,
		     const char *member, const char *reason, struct tender_diag *d) ET_MUST_CHECK;

/* An agent of the tender changes the tenderer's representative out (a rep
 * holding a seat) for user in (a user of the tenderer with keys, never
 * seated on this panel: et.panel.seat), before out voted for the chair,
 * submitted a sheet or was elected chair (et.panel.started), while the result is not fixed.
 * Confidential event panel.rep_changed {tender, draw, out, in, reason, rule:
 * "et.panel.rep", by}. */
int ev_panel_rep_change(struct audit_ledger *l, const char *actor, const char *tender,
			const char *out, const char *in, const char *reason,
			struct tender_diag *d) ET_MUST_CHECK;

/* One criterion of a score sheet: points in hundredths (0..EV_POINTS_MAX). */
struct ev_criterion {
	const char *criterion;            /* 1..64 bytes */
	int64_t points;
	const char *comment;              /* 0..4096 bytes */
};
/* The bytes a member signs for a sheet: "etender-score/v1\n" TENDER "\n"
 * LOT "\n" BID "\n" MEMBER "\n" + canonical JSON of the criteria array
 * ([{"comment":…,"criterion":…,"points":…}…] in the given order) + "\n". */
int ev_score_message(const char *tender, const char *lot, const char *bid, const char *member,
		     const struct ev_criterion *c, size_t n, struct et_buf *out) ET_MUST_CHECK;
/* A member submits its sheet for one bid of one lot, after bids.opened
 * (et.eval.opened), before the evaluation deadline (et.eval.deadline),
 * once (et.sheet.exists), signed with its registered Ed25519 key
 * (et.sheet.signature, ET_EVERIFY); total <= EV_POINTS_MAX (et.sheet.points).
 * Confidential event score.submitted {tender, lot, bid, member, criteria,
 * total, sig}. */
int ev_score_submit(struct audit_ledger *l, const char *actor, const char *tender,
		    const char *lot, const char *bid, const struct ev_criterion *c, size_t n,
		    const unsigned char sig[64], struct tender_diag *d) ET_MUST_CHECK;
/* A member asks for more time (once). When more than 1/3 of the members
 * asked (cn.reg.48) the deadline moves by the profile's extension (one
 * profile day), once: confidential extension.requested, then public
 * evaluation.extended {tender, deadline, previous, requests, members, rule}.
 * *extended (may be NULL) whether this request moved it. */
int ev_extension_request(struct audit_ledger *l, const char *actor, const char *tender,
			 const char *reason, bool *extended, struct tender_diag *d) ET_MUST_CHECK;
/* A member votes for the chair (a member); a majority elects it
 * (chair.voted, then chair.elected). */
int ev_chair_vote(struct audit_ledger *l, const char *actor, const char *tender,
		  const char *candidate, bool *elected, struct tender_diag *d) ET_MUST_CHECK;
/* A member records its dissent (1..4096 bytes): dissent.recorded. */
int ev_dissent(struct audit_ledger *l, const char *actor, const char *tender, const char *text,
	       struct tender_diag *d) ET_MUST_CHECK;
/* The chair rejects every bid of a lot with fewer valid bids than the
 * profile's minimum (cn.panel.27): bids.rejected {tender, lot, valid,
 * reason, rule}. */
int ev_reject_all(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		  const char *reason, struct tender_diag *d) ET_MUST_CHECK;
/* ---- the compliance review (review.c, docs/evaluation.md §3) ---- */

/* A member records its finding on one opened bid of a lot, once: pass, or
 * fail with the criterion (1..64 bytes: 形式/资格/响应性 …) and the reason.
 * Before the report. A bid fails when the members finding that it fails are
 * more than the profile's share of the members (cn.panel.review: a
 * majority). Confidential review.recorded {tender, lot, bid, member, pass,
 * criterion, reason}. */
int ev_review_record(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		     const char *bid, bool pass, const char *criterion, const char *reason,
		     struct tender_diag *d) ET_MUST_CHECK;
/* The chair records a price adjustment of a bid (fen, either sign, with its
 * reason) for a lot evaluated by the lowest evaluated price
 * (et.adjust.method); evaluated price = price + the sum of its adjustments,
 * which must stay > 0. Confidential adjustment.recorded {tender, lot, bid,
 * member, amount, reason}. */
int ev_adjust_record(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		     const char *bid, int64_t amount_fen, const char *reason,
		     struct tender_diag *d) ET_MUST_CHECK;
/* The chair asks the bidder of a valid bid flagged abnormally low
 * (et.eval.low) to justify its price by deadline_us (later than now, within
 * 30 profile days), once per bid: confidential explanation.asked {tender,
 * id, member}, then public explanation.requested {tender, lot, bid, org,
 * id, question, deadline, price, rule} sent by the platform (actor ""). */
int ev_explain_request(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
		       const char *bid, const char *question, int64_t deadline_us,
		       char id_out[TENDER_ID_LEN], struct tender_diag *d) ET_MUST_CHECK;
/* A bidder of the firm asked answers once, by the deadline
 * (et.explain.deadline): public explanation.answered {tender, id, bid,
 * org, user, text}. */
int ev_explain_answer(struct audit_ledger *l, const char *actor, const char *tender, const char *id,
		      const char *text, struct tender_diag *d) ET_MUST_CHECK;
/* The chair rejects the bid of an explanation request that was answered (and the
 * panel finds it unjustified) or not answered in time (et.explain.pending
 * before): confidential bid.disqualified {tender, lot, bid, explanation,
 * member, answered, reason, rule: cn.panel.21}. The bid is then invalid. */
int ev_bid_disqualify(struct audit_ledger *l, const char *actor, const char *tender,
		      const char *explanation, const char *reason,
		      struct tender_diag *d) ET_MUST_CHECK;
/* The explanation requests of a tender: administrators, supervisors and the
 * panel's members see all, a bidder those addressed to its firm. */
int ev_explanations(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		      char **json) ET_MUST_CHECK;

/* The chair submits the report once every sheet is in (et.report.sheets):
 * report.submitted {tender, report, text, lots:[{lot, rejected, inputs,
 * lines, mean, base, low_limit, candidates:[{rank, bid, org, price, score,
 * sheets}], signals}], dissents, sha256}. Each lot is ranked by its method
 * in the tender record with the rules profile (eval_score_lot) and its
 * collusion signals found (eval_collusion_detect), docs/evaluation.md §6;
 * et.report.scoring if a lot cannot be scored. p (may be NULL: no
 * same-account signal) is the side store holding the deposits' payer
 * accounts; blobs (may be NULL: no BoQ lines) the blob store where the
 * opening kept each opened bid.xml, whose priced BoQ lines feed the
 * same-BoQ-error signal (et.report.boq if a kept file does not match).
 * The bids' sealed upload metadata (source address, device fingerprint) is
 * read from their bid.submitted events in the confidential store. */
int ev_report_submit(struct audit_ledger *l, struct tender_private *p, const struct bid_blobs *blobs,
		     const char *actor, const char *tender, const char *text,
		     char report_out[TENDER_ID_LEN], struct tender_diag *d) ET_MUST_CHECK;
/* The bytes a member signs: "etender-report/v1\n" TENDER "\n" REPORT "\n"
 * SHA256 "\n" (the report's sha256 as in its event). */
int ev_report_message(const char *tender, const char *report, const char *sha256_hex,
		      struct et_buf *out) ET_MUST_CHECK;
/* Each member signs the report once (report.signed); *final (may be NULL)
 * true once every member signed. */
int ev_report_sign(struct audit_ledger *l, const char *actor, const char *tender,
		   const unsigned char sig[64], bool *final, struct tender_diag *d) ET_MUST_CHECK;

/* ---- the result (award.c) ---------------------------------------------------------- */

/* Agent publishes the candidates of a lot from the final report (et.report.final)
 * for the profile's publicity period (cn.reg.54): candidates.published
 * {tender, lot, report, candidates, from, until, rule}. */
int ev_candidates_publish(struct audit_ledger *l, const char *actor, const char *tender,
			  const char *lot, struct tender_diag *d) ET_MUST_CHECK;
/* A bidder of a firm in the opening record objects to the candidates during
 * publicity (cn.reg.54): objection.lodged {tender, lot, id, org, user, text}. */
int ev_objection_lodge(struct audit_ledger *l, const char *actor, const char *tender,
		       const char *lot, const char *text, char id_out[TENDER_ID_LEN],
		       struct tender_diag *d) ET_MUST_CHECK;
/* Agent answers an objection once (objection.answered {tender, lot,
 * objection, text, upheld}). An upheld objection blocks the award. */
int ev_objection_answer(struct audit_ledger *l, const char *actor, const char *tender,
			const char *objection, const char *text, bool upheld,
			struct tender_diag *d) ET_MUST_CHECK;
/* Agent awards the lot to the first candidate after publicity
 * (et.award.publicity), every objection answered (et.award.objection) and
 * none upheld (et.award.upheld): award.made {tender, lot, bid, org, price,
 * notices:[{org, bid, result}]}. When every lot is decided (awarded or all
 * rejected) the result is fixed (招标投标法 Art. 37) and the same command
 * reveals the tender's evaluation leaves (draw, panel, sheets, report). */
int ev_award(struct audit_ledger *l, const char *actor, const char *tender, const char *lot,
	     struct tender_diag *d) ET_MUST_CHECK;
/* Agent records the contract of an awarded lot at the winning price
 * (cn.law.46): contract.recorded {tender, lot, bid, org, price, signed}. */
int ev_contract_record(struct audit_ledger *l, const char *actor, const char *tender,
		       const char *lot, int64_t price_fen, int64_t signed_us,
		       struct tender_diag *d) ET_MUST_CHECK;
/* Administrator releases the tender's per-tender bid deposits once every
 * lot has its contract or was rejected (cn.reg.57): deposit.released
 * {tender, deposits:[{id, org, amount}], rule}. Annual deposits stay. */
int ev_deposit_release(struct audit_ledger *l, const char *actor, const char *tender,
		       struct tender_diag *d) ET_MUST_CHECK;

/* ---- queries (query.c) -------------------------------------------------------------
 * Canonical JSON, *json malloc'd (caller frees). G4: before the result is
 * fixed the panel and its work are seen by members (their own work, and
 * every sheet once all are in), administrators and supervisors only. */

/* The pool without personal data: administrators and supervisors. */
int ev_experts(struct audit_ledger *l, const struct tender_principal *who,
	       char **json) ET_MUST_CHECK;
/* The draw: everyone sees its state and commitments; the request, the
 * values, seed and panel only admins, supervisors, the duty chief and
 * members — everyone after the reveal. */
int ev_draw_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		char **json) ET_MUST_CHECK;
/* Score sheets: a member its own; every sheet to members, admins and
 * supervisors once all are in; everyone after the reveal. */
int ev_sheets(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
	      char **json) ET_MUST_CHECK;
/* The report and its signatures (as ev_sheets). */
int ev_report_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		  char **json) ET_MUST_CHECK;
/* The compliance review (as the report's insiders; ET_EDENIED otherwise):
 * {findings[{member, lot, bid, pass, criterion, reason, index}],
 * adjustments[{member, lot, bid, amount, reason, index}],
 * rejections[{lot, bid, explanation, reason, rule, index}],
 * bids[{lot, bid, org, price, valid, reason, adjust, abnormally_low}]}. */
int ev_review_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		  char **json) ET_MUST_CHECK;
/* The public result per lot: candidates, publicity, objections and
 * answers, award, contract, deposits released. */
int ev_result_get(struct audit_ledger *l, const char *tender, char **json) ET_MUST_CHECK;
/* The seats of who (an expert: TENDER_ROLE_EXPERT, ET_EDENIED otherwise)
 * across tenders: {seats[{tender, draw, member, kind, specialty, state,
 * rank, draw_state, deadline, fixed}]} in (tender, member) order. Only the
 * caller's own rows; nothing about the other seats. */
int ev_my_seats(struct audit_ledger *l, const struct tender_principal *who,
		char **json) ET_MUST_CHECK;
/* Does user hold a seat (state member) on the tender's panel now? */
int ev_is_panel_member(struct audit_ledger *l, const char *tender, const char *user,
		    bool *member) ET_MUST_CHECK;

#endif
