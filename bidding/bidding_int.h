/* bidding/bidding_int.h — internals shared by the bidding module's own
 * files: SQL and JSON helpers, the id generator, the tender facts commands
 * need. Other modules include only bidding/bidding.h. */
#ifndef ET_BIDDING_INT_H
#define ET_BIDDING_INT_H

#include <jansson.h>
#include <sqlite3.h>

#include "audit/audit.h"
#include "bidding/bidding.h"

#define BD_JSON_FLAGS (JSON_SORT_KEYS | JSON_COMPACT)


/* Emit kind (version 1) with payload = canonical JSON of pl (not stolen;
 * NULL pl: ET_ENOMEM), after adding to pl the "rules" its command checked
 * (and pl's own non-empty "rule"), as tender events carry them. */
int bd_emit(struct audit_tx *tx, const char *kind, const char *actor, const char *tender,
	    json_t *pl, bool confidential, uint64_t *index) ET_MUST_CHECK;
/* An event's payload as a JSON object, or NULL. Caller json_decref's. */

/* Submit fn; d carries rc afterwards (a generic message if fn set none). */
int bd_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx, struct audit_result *res,
	      struct tender_diag *d) ET_MUST_CHECK;

/* The bidding state of a tender from bd_close / bd_opening / bd_release. */
struct bd_state {
	bool closed, failed, opened;
	bool unopened;                    /* opening.failed: the window passed */
	unsigned received, counted, released;
	uint64_t close_index;             /* leaf of tender.closed */
	int64_t closed_us;
};
int bd_state_load(sqlite3 *db, const char *tender, struct bd_state *s) ET_MUST_CHECK;

/* The approved holder set with each per-tender X25519 public key decoded
 * (pubs[i] is holder i+1's). ET_ESTATE if not approved. *hv free with
 * tender_holders_free. */
int bd_holders(sqlite3 *db, const char *tender, unsigned *k, struct tender_holder_info **hv,
	       size_t *n, unsigned char (*pubs)[32]) ET_MUST_CHECK;
/* Decode "age1…" / "AGE-SECRET-KEY-1…" into 32 bytes; ET_EINVAL. */
int bd_recipient_key(const char *recipient, unsigned char out[32]) ET_MUST_CHECK;
int bd_identity_key(const char *identity, unsigned char out[32]) ET_MUST_CHECK;
/* The user's registered Ed25519 key; ET_EKEY if none. */
int bd_user_ed25519(sqlite3 *db, const char *user, unsigned char pub[32]) ET_MUST_CHECK;
#define BD_HEAD_MAX (64u * 1024)   /* bytes read for a part's age header */

/* The first BD_HEAD_MAX bytes (or fewer) of a stored part: its age header.
 * *out malloc'd, caller frees; ET_ENOTFOUND if the store has no such blob. */
int bd_read_head(const struct bid_blobs *b, const unsigned char sha[32], unsigned char **out,
		 size_t *len) ET_MUST_CHECK;

/* d := ET_ESTATE with rule, the tender named in the detail. */
int bd_deny_stage(struct tender_diag *d, const char *rule, const char *zh, const char *en,
		  const char *tender);
/* The actor as a bidder of a bidder firm, and a published tender not yet
 * closed (what names the act in a refusal). A submission whose last byte
 * arrived at or after the deadline (arrival_us; INT64_MIN for other
 * commands) is told so (cn.e.27) even if the close ran already: lateness is
 * its cause, the close a consequence. */
int bd_load_bidder(sqlite3 *db, const char *actor, const char *tender,
		   struct tender_principal *p, struct tender_info *t, const char *what,
		   int64_t arrival_us, struct tender_diag *d) ET_MUST_CHECK;

/* amend.c: is the live bid current against the amendment at amend_idx (0:
 * none)? allow_reconfirm: a re-confirmation after it counts. */
int bd_bid_current(sqlite3 *db, const char *bid, uint64_t amend_idx, bool allow_reconfirm,
		   bool *current) ET_MUST_CHECK;
int bd_apply_reconfirmed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);

/* Fresh id: prefix + 16 characters of [a-z2-7] (80 random bits). */
int bd_new_id(const char *prefix, char out[TENDER_ID_LEN]) ET_MUST_CHECK;
/* An id string as the manifest allows it: 1..TENDER_ID_LEN-1 bytes of
 * 0x21..0x7e. */
bool bd_id_ok(const char *s);
/* tender.xsd's Id ([A-Za-z0-9][A-Za-z0-9._-]{0,63}): tender and lot ids. */
bool bd_xsd_id_ok(const char *s);

/* reference.c: "ref-" + 6..40 of [a-z0-9]; the reference.submitted apply. */
bool bd_ref_id_ok(const char *s);
int bd_apply_reference(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);
/* refund.c: the deposit.returned apply. */
int bd_apply_deposit_returned(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);

#endif
