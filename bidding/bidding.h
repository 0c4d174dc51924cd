/* bidding/bidding.h — the bidding module: the bid package (a signed manifest,
 * sealed parts, bid.xml against the bid XSD) and the bidding domain on the
 * ledger: submission with receipts, withdrawal and replacement, bid
 * deposits, the close at the deadline, the holders' key release, the
 * opening ceremony (all or none) and the bidders' answers to the opening
 * record. Formats: docs/formats.md "Bid package"; decisions, events and
 * rule ids: docs/bidding.md. Knows nothing of HTTP or of the blob store
 * (blobs come through struct bid_blobs). */
#ifndef ET_BIDDING_H
#define ET_BIDDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "tender/tender.h"

struct audit_ledger;
struct audit_module;

#define BID_MAX_PARTS 16              /* parts of one bid (part 1 is bid.xml) */
#define BID_MANIFEST_MAX 4096         /* bytes of a manifest */
#define BID_XML_MAX (1u << 20)        /* bytes of a decrypted bid.xml */
#define BID_MAX_OFFERS ET_TENDER_MAX_LOTS

/* ---- the bid package (package.c) ------------------------------------- */

/* One sealed part as the manifest names it: SHA-256 and size of the age
 * file (ciphertext). */
struct bid_part_ref {
	unsigned char sha256[32];
	uint64_t size;
};

/* A bid manifest (docs/formats.md "Bid package"). Caller-owned, no frees. */
struct bid_manifest {
	char tender[TENDER_ID_LEN];
	char bid[TENDER_ID_LEN];          /* chosen by the client: "bid-" + 16 of [a-z2-7] */
	char org[TENDER_ID_LEN];          /* the bidder firm */
	char user[TENDER_ID_LEN];         /* the signer, a bidder of the firm */
	uint64_t version;                 /* log index of the latest amendment seen */
	int64_t sealed_us;                /* time of sealing (the client's claim) */
	size_t nparts;                    /* 1..BID_MAX_PARTS */
	struct bid_part_ref parts[BID_MAX_PARTS];
	unsigned char sig[64];            /* Ed25519 over the signed bytes */
};

/* The signed bytes of m (every line but "sig"), appended to out. ET_EINVAL
 * if a field breaks the format's rules. */
int bid_manifest_signed_bytes(const struct bid_manifest *m, struct et_buf *out) ET_MUST_CHECK;
/* For the client: sign m with the bidder's Ed25519 seed (m->sig set) and
 * append the whole manifest (signed bytes and the sig line) to out. */
int bid_manifest_sign(struct bid_manifest *m, const unsigned char seed[32],
		      struct et_buf *out) ET_MUST_CHECK;
/* Strict parse of a whole manifest (exactly the canonical encoding: a
 * re-encoding gives the same bytes). ET_EINVAL / ET_ELIMIT, d says why
 * (rule et.bid.manifest). Does not check the signature. */
int bid_manifest_parse(const void *buf, size_t len, struct bid_manifest *m,
		       struct tender_diag *d) ET_MUST_CHECK;
/* ET_OK if m->sig is pub's signature of m's signed bytes; ET_EVERIFY. */
int bid_manifest_verify(const struct bid_manifest *m, const unsigned char pub[32]) ET_MUST_CHECK;

/* Keyless check of a sealed part: head holds at least its whole age header
 * (binary age; more bytes are fine). ET_OK only if the header carries
 * exactly the tender's threshold stanzas (crypto_threshold_header_check
 * with k, n and the holders' per-tender keys in index order); ET_ESEALER
 * otherwise (an extra or foreign stanza, a wrong key, k or n), ET_EHEADER
 * if it is no age header. */
int bid_part_check(const unsigned char *head, size_t len, unsigned k, unsigned n,
		   const unsigned char (*holder_pubs)[32]) ET_MUST_CHECK;

/* bid.xml: the priced offer per lot, naming the tender, the bid and the
 * firm again inside the encryption. */
struct bid_offer {
	char lot[ET_TENDER_ID_MAX + 1];
	int64_t price_fen;                /* > 0 */
	int64_t duration_days;            /* > 0 */
};
/* An answer to one of the tender's opening fields (<field id>text</field>). */
struct bid_field {
	char id[TENDER_FIELD_ID_MAX + 1];
	char value[TENDER_FIELD_TEXT_BYTES];
};
struct bid_document {
	char tender[TENDER_ID_LEN];
	char bid[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	size_t noffers;
	struct bid_offer offers[BID_MAX_OFFERS];
	size_t nfields;                   /* 0..TENDER_OPENING_FIELDS_MAX, ids unique */
	struct bid_field fields[TENDER_OPENING_FIELDS_MAX];
};
/* Parse bid.xml with tender/'s hardened reader, validate it against the
 * embedded bid XSD and read it (lots unique: et.bid.lots). ET_EINVAL /
 * ET_ELIMIT with d (rule et.bid.xml). out is caller-owned. */
int bid_xml_parse(const void *xml, size_t len, struct bid_document *out,
		  struct tender_diag *d) ET_MUST_CHECK;
/* One priced line of a bid's bill of quantities (bid.xml's optional
 * offer/boq/line): the lot, the item code, the quantity in thousandths, the
 * unit price and the total as the bidder wrote it (fen). */
#define BID_MAX_BOQ_LINES 2000u       /* BoQ lines of one bid.xml */
struct bid_boq_line {
	char lot[ET_TENDER_ID_MAX + 1];
	char item[33];
	int64_t quantity_milli;
	int64_t unit_price_fen;
	int64_t total_fen;
};
/* Parse bid.xml as bid_xml_parse does and return its BoQ lines in document
 * order (*out malloc'd, NULL when none; caller frees). et.bid.xml on a bad
 * document, ET_ELIMIT past BID_MAX_BOQ_LINES. */
int bid_xml_boq(const void *xml, size_t len, struct bid_boq_line **out, size_t *n,
		struct tender_diag *d) ET_MUST_CHECK;
/* For the client: write doc as bid.xml (UTF-8, the bid XSD's namespace,
 * one offer per lot in order), appended to out. ET_EINVAL if a field breaks
 * the XSD (ids, price >= 1, 1 <= duration <= 36500, 1..BID_MAX_OFFERS
 * offers); what it writes parses back with bid_xml_parse to doc. */
int bid_xml_write(const struct bid_document *doc, struct et_buf *out) ET_MUST_CHECK;
/* The embedded bid.xsd, for publication with the tender. */
const char *bid_xml_schema_text(size_t *len);

/* ---- where sealed parts are read from --------------------------------- */

/* The web layer's blob store, as the domain sees it: open the stored
 * ciphertext with this SHA-256 for reading. On ET_OK *fd is a new file
 * descriptor the domain closes; ET_ENOTFOUND if there is none. */
struct bid_blobs {
	int (*open)(void *ctx, const unsigned char sha256[32], int *fd);
	void *ctx;
};

/* ---- the ledger modules ------------------------------------------------ */

/* Every module a ledger with bids needs: tender's (tender_ledger_modules)
 * and then the bidding module (static, never freed; *n their number).
 * Bidding kinds (all version 1): bid.submitted (confidential),
 * bid.withdrawn (confidential), deposit.recorded (confidential for a
 * tender, public when annual), tender.closed, share.released, bids.opened,
 * record.confirmed, objection.raised, opening.failed, bid.reconfirmed,
 * reference.submitted (confidential), deposit.returned (confidential
 * before the close). */
const struct audit_module *const *bid_ledger_modules(size_t *n);

/* ---- commands (submit.c, opening.c) --------------------------------------
 * As tender/'s: each runs in the ledger's writer, checks actor, role,
 * tender, stage and time against the projections, emits and returns; d
 * (may be NULL) names the rule of a refusal. "Now" is audit_tx_time. */

/* What a receipt names: the leaf of the bid.submitted event, the size of
 * the signed checkpoint covering it (audit_ledger_receipt gives the
 * proof), and the live bid it replaced ("" if none). */
struct bid_receipt {
	uint64_t index;
	uint64_t checkpoint_size;
	char bid[TENDER_ID_LEN];
	char replaced[TENDER_ID_LEN];
	unsigned char manifest_sha256[32];
};

/* A bidder submits a bid: the manifest bytes as uploaded, the parts as the
 * web layer stored them (SHA-256 computed while writing, size), and the
 * arrival time of the last byte. The parts' headers are read through
 * blobs before the command runs; inside the writer it checks: bidder role
 * of a bidder firm, the tender published and not closed, arrival before
 * the deadline (cn.e.27; arrival <= now), the firm registered
 * (et.reg.required), the manifest's tender, firm and signer (et.bid.manifest),
 * its parts equal to the stored ones (et.bid.parts), the signature by the
 * signer's registered key (et.bid.signature, ET_EVERIFY), a fresh bid id and
 * no ciphertext already held (et.bid.duplicate, ET_EEXIST), each part's
 * stanzas exactly the tender's (et.bid.stanzas, ET_ESEALER). A live bid of
 * the same firm is replaced. Confidential event bid.submitted. upload: the
 * sealed collusion metadata the web layer gathered (a JSON object's text:
 * source address, device fingerprint, document metadata; docs/bidding.md),
 * recorded as the payload's "upload" member, or NULL ({}); ET_EINVAL if
 * it is not a JSON object of at most BID_UPLOAD_META_MAX bytes. */
#define BID_UPLOAD_META_MAX (64u * 1024)
int bid_submit(struct audit_ledger *l, const struct bid_blobs *blobs, const char *actor,
	       const void *manifest, size_t mlen, const struct bid_part_ref *parts,
	       size_t nparts, int64_t arrival_us, const char *upload, struct bid_receipt *r,
	       struct tender_diag *d) ET_MUST_CHECK;
/* Is a ciphertext with this SHA-256 a part of any bid in the log (live or
 * not)? For the web layer's removal of parts no bid names. */
int bid_part_named(struct audit_ledger *l, const unsigned char sha256[32],
		   bool *named) ET_MUST_CHECK;

/* A bidder of the firm withdraws its live bid before the deadline.
 * Confidential event bid.withdrawn. */
int bid_withdraw(struct audit_ledger *l, const char *actor, const char *tender, const char *bid,
		 struct tender_diag *d) ET_MUST_CHECK;

/* A bid deposit recorded by an administrator. Annual (年度保证金): year set,
 * tender NULL, a public event; per tender: tender set, before its deadline,
 * a confidential event until the close. The payer (name, bank, account)
 * goes to the private side store; the event carries its hash only. */
struct bid_deposit_new {
	const char *org;                  /* the bidder firm */
	const char *tender;               /* per tender, or NULL */
	int year;                         /* annual: 2000..9999; per tender: 0 */
	int64_t amount_fen;               /* > 0 */
	const char *method;               /* "transfer" | "guarantee" (电子保函) */
	const char *payer_name, *payer_bank, *payer_account;
};
int bid_deposit_record(struct audit_ledger *l, struct tender_private *p, const char *actor,
		       const struct bid_deposit_new *dep, char id_out[TENDER_ID_LEN],
		       struct tender_diag *d) ET_MUST_CHECK;

/* The close at the deadline (actor "" = the platform's timer, or an
 * administrator or supervisor): now >= the deadline, once. Lists the live
 * bids; those without a required deposit (et.deposit.required) do not
 * count. Fewer counted bids than the profile's minimum (cn.reg.44): the
 * tender fails (流标), tender.closed names no bid and the ledger reveals
 * only the membership of the tender's confidential leaves; otherwise
 * tender.closed lists the bids and the full reveal follows. */
struct bid_close_result {
	bool failed;
	unsigned received;                /* live bids */
	unsigned counted;                 /* of which count */
	uint64_t index;                   /* leaf of tender.closed */
};
int bid_close(struct audit_ledger *l, const char *actor, const char *tender,
	      struct bid_close_result *res, struct tender_diag *d) ET_MUST_CHECK;

/* The message a key holder signs to release its per-tender key:
 * "etender-key-release/v1\n" TENDER "\n" INDEX "\n" IDENTITY "\n",
 * appended to out. */
int bid_release_message(const char *tender, unsigned index, const char *identity,
			struct et_buf *out) ET_MUST_CHECK;
/* A key holder of the tender releases its per-tender X25519 private key
 * (identity "AGE-SECRET-KEY-1…") after the close of a tender that did not
 * fail and before the opening, signed with its registered Ed25519 key
 * (et.open.signature, ET_EVERIFY). A key that is not the registered public
 * half is refused and the diag names the holder (et.open.key, ET_EKEY).
 * Public event share.released (the key is public from now on: anyone can
 * check the opening). *released (may be NULL): keys released so far. */
int bid_key_release(struct audit_ledger *l, const char *actor, const char *tender,
		    const char *identity, const unsigned char sig[64], unsigned *released,
		    struct tender_diag *d) ET_MUST_CHECK;

/* The opening (actor as for bid_close), once k holders released: every live
 * counted bid is unwrapped and combined with all released keys, and every
 * part decrypted streaming in bounded memory: part 1 (bid.xml, at most
 * BID_XML_MAX) kept, each attachment's payload authenticated to its end;
 * each part's ciphertext hash, the manifest's signature and bid.xml (XSD,
 * the identity inside) checked — all outside the writer — then bids.opened
 * (the opening record: bidder, price per lot, duration, deposit status, the
 * SHA-256 of the decrypted bid.xml; failures with status revoked (the
 * bidder's fault) or withdrawn (not the bidder's: cn.e.31) and their cause)
 * is emitted if nothing changed meanwhile (ET_ECONFLICT otherwise). A
 * system failure (I/O, memory) opens nothing. Fewer than k keys: ET_ESTATE
 * (et.open.keys). */
int bid_open(struct audit_ledger *l, const struct bid_blobs *blobs, const char *actor,
	     const char *tender, struct tender_diag *d) ET_MUST_CHECK;
/* Where the opening keeps each opened bid's decrypted bid.xml (public once
 * the record is): put stores len bytes under their SHA-256 (given; the
 * record's xml_sha256) and returns ET_OK, or an error that aborts the
 * opening (nothing opened). A blob kept by an opening that then fails is
 * harmless (stored by content). */
struct bid_keep {
	int (*put)(void *ctx, const void *data, size_t len, const unsigned char sha256[32]);
	void *ctx;
	/* Optional (NULL: attachments are authenticated but not kept): each
	 * decrypted attachment of a bid, streamed in bounded memory. begin
	 * opens a sink (*h); write appends plaintext; commit stores what was
	 * written under sha256 (its plaintext SHA-256) and ends h; abort drops
	 * it (the part failed). An error of begin/write/commit aborts the
	 * opening (nothing opened). */
	int (*att_begin)(void *ctx, void **h);
	int (*att_write)(void *h, const unsigned char *b, size_t n);
	int (*att_commit)(void *h, const unsigned char sha256[32]);
	void (*att_abort)(void *h);
};
/* bid_open, keeping every opened bid.xml through keep (NULL: not kept). */
int bid_open_keep(struct audit_ledger *l, const struct bid_blobs *blobs,
		  const struct bid_keep *keep, const char *actor, const char *tender,
		  struct tender_diag *d) ET_MUST_CHECK;

/* The opening window (et.open.window of the tender's rules profile) passed
 * after a close that did not fail with fewer than k keys released: the
 * opening fails, recorded as opening.failed (actor "" = the platform's
 * timer, or an administrator or supervisor). ET_ESTATE (et.open.stage)
 * if the tender is not closed-and-waiting, (et.open.window) if the window
 * has not passed, (et.open.keys) if k keys are out (open it instead). */
int bid_open_fail(struct audit_ledger *l, const char *actor, const char *tender,
		  struct tender_diag *d) ET_MUST_CHECK;

/* A bidder of a firm in the opening record confirms it (record.confirmed)
 * or objects (objection.raised, text 1..ET_TENDER_TEXT_MAX bytes), once
 * per firm (et.record.answered, ET_EEXIST). */
int bid_record_answer(struct audit_ledger *l, const char *actor, const char *tender, bool object,
		      const char *text, struct tender_diag *d) ET_MUST_CHECK;

/* ---- the sealed reference price (标底, reference.c) -----------------------
 * Not a bid: the tender's agent seals it like a bid part (the tender's
 * threshold stanzas, binding tender, reference id, part 1) and uploads it
 * before the deadline; it is confidential until the close like a bid, never
 * listed nor counted, and the opening decrypts it with the bids and shows
 * it in the opening record ("reference"). Plaintext ref.txt
 * (docs/formats.md "Reference price"):
 *   "etender-reference/v1\n" "tender T\n" "ref REF\n" "org ORG\n"
 *   then one "lot LOT FEN\n" per lot (1..BID_MAX_OFFERS, unique lots). */
#define BID_REFERENCE_MAX 8192u
struct bid_reference_doc {
	char tender[TENDER_ID_LEN];
	char ref[TENDER_ID_LEN];          /* "ref-" + 6..40 of [a-z0-9], chosen by the client */
	char org[TENDER_ID_LEN];          /* the agent's (or tenderer's) org */
	size_t noffers;
	struct bid_offer offers[BID_MAX_OFFERS];  /* duration_days unused (0) */
};
/* Append doc as ref.txt; ET_EINVAL if a field breaks the format. */
int bid_reference_write(const struct bid_reference_doc *doc, struct et_buf *out) ET_MUST_CHECK;
/* Strict parse (canonical bytes only); ET_EINVAL with rule et.ref.format. */
int bid_reference_parse(const void *buf, size_t len, struct bid_reference_doc *doc,
			struct tender_diag *d) ET_MUST_CHECK;
struct bid_reference_receipt {
	uint64_t index;                   /* leaf of reference.submitted */
	char replaced[TENDER_ID_LEN];     /* the live reference it replaced, or "" */
};
/* The tender's agent (agent role, of the tender's agent or tenderer org:
 * et.auth.role, et.auth.org) submits the sealed reference stored under
 * sha256 (size bytes), its last byte arrived at arrival_us: the tender
 * published (et.auth.stage) and not closed (et.bid.closed), arrival before
 * the deadline (cn.e.27), a fresh id (et.ref.id, et.bid.exists), no
 * ciphertext already held (et.bid.duplicate), exactly the tender's
 * threshold stanzas (et.bid.stanzas, ET_ESEALER). Replaces a live one.
 * Confidential event reference.submitted. r may be NULL. */
int bid_reference_submit(struct audit_ledger *l, const struct bid_blobs *blobs, const char *actor,
			 const char *tender, const char *ref, const unsigned char sha256[32],
			 uint64_t size, int64_t arrival_us, struct bid_reference_receipt *r,
			 struct tender_diag *d) ET_MUST_CHECK;

/* ---- the return of a per-tender deposit after a withdrawal (refund.c) -----
 * 招标投标法实施条例 第三十五条: a bidder that withdraws its bid gets its
 * bid deposit back within the profile's time limit (cn.reg.35: cn v1 five
 * days, demo v1 five minutes) of the withdrawal. Distinct from
 * evaluation/'s deposit.released (every deposit of the tender after the
 * contracts): a returned deposit is no longer listed by
 * bid_db_tender_deposits, so it is never released twice. */
struct bid_deposit_returned {
	char tender[TENDER_ID_LEN], org[TENDER_ID_LEN];
	int64_t withdrawn_us;             /* the firm's (last) withdrawal */
	int64_t due_us;                   /* withdrawn_us + the profile's limit */
	bool late;                        /* recorded after due_us */
	uint64_t index;                   /* leaf of deposit.returned */
};
/* An administrator records that the per-tender deposit id (dep-…) was
 * returned: a per-tender deposit (et.deposit.annual: an annual one is not
 * returned by a tender), its firm has withdrawn its bid for the tender and
 * has no other bid in it (et.deposit.withdrawal), once
 * (et.deposit.returned, ET_EEXIST). A return after the time limit is
 * recorded with late = true (the limit binds the tenderer, the record keeps
 * the fact). Event deposit.returned {id, tender, org, amount, withdrawn,
 * due, late, rule "cn.reg.35"}: confidential until the tender's close (a
 * return before it would tell who had bid), public after. r may be NULL. */
int bid_deposit_return(struct audit_ledger *l, const char *actor, const char *id,
		       struct bid_deposit_returned *r, struct tender_diag *d) ET_MUST_CHECK;
struct json_t;
/* Deposits due for return (administrators and supervisors; ET_EDENIED
 * otherwise): per-tender deposits of firms whose bid was withdrawn and that
 * have no other bid in the tender, not returned yet; tender NULL: every
 * tender. JSON array of {id, tender, org, amount, withdrawn_us, due_us,
 * overdue} by due_us; *out caller json_decref's. */
int bid_deposits_due(struct audit_ledger *l, const struct tender_principal *who,
		     const char *tender, struct json_t **out) ET_MUST_CHECK;

/* ---- queries (query.c) ---------------------------------------------------
 * G4: before the close no query tells anyone but the firm itself whether
 * it bid, who bid or how many. */

/* amend.c. A bidder of the firm re-confirms its live bid after an amendment
 * (rules et.amend.bid = reconfirm), before the deadline: confidential event
 * bid.reconfirmed {tender, bid, org, user, version}; *version (may be NULL)
 * gets the tender version it now answers. ET_ESTATE: et.amend.bid (the rules
 * take no re-confirmation), et.amend.none (nothing to re-confirm), cn.e.27. */
int bid_reconfirm(struct audit_ledger *l, const char *actor, const char *tender, const char *bid,
		  uint64_t *version, struct tender_diag *d) ET_MUST_CHECK;
/* The caller's firm's notices: a JSON array, one object per live bid of a
 * tender not yet closed that answers a superseded version: {tender, bid,
 * answers, amendment, policy, reconfirmed, deadline_us, message_zh,
 * message_en}. ET_EDENIED unless a bidder of a bidder firm. */
struct json_t;
int bid_notices(struct audit_ledger *l, const struct tender_principal *who,
		struct json_t **out) ET_MUST_CHECK;


enum bid_phase {
	BID_PHASE_OPEN,                   /* accepting bids (or deadline passed, not closed) */
	BID_PHASE_CLOSED,                 /* closed, waiting for keys */
	BID_PHASE_FAILED,                 /* 流标 at the close */
	BID_PHASE_OPENED,                 /* opening record published */
	BID_PHASE_UNOPENED,               /* fewer than k keys within the window: failed */
};
struct bid_tender_status {
	enum bid_phase phase;
	int64_t deadline_us;
	unsigned k;
	unsigned released;                /* after the close */
	unsigned received, counted;       /* after the close; 0 before */
	uint64_t close_index;             /* leaf of tender.closed (after the close) */
	int64_t closed_us;                /* time of the close (after the close) */
};
/* Everyone (tender must be visible: published). */
int bid_tender_status(struct audit_ledger *l, const char *tender,
		      struct bid_tender_status *out) ET_MUST_CHECK;

struct bid_info {
	char bid[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	char status[16];      /* live, replaced, withdrawn, excluded, opened, revoked */
	char cause[128];      /* why a bid was revoked / withdrawn at the opening */
	char rule[ET_TENDER_RULE_ID_MAX];
	uint64_t index;       /* leaf of its bid.submitted */
	int64_t arrival_us;
	char manifest_sha256[TENDER_SHA256_HEX];
};
/* The acting firm's own bids of a tender (bidder role), any time. */
int bid_my_bids(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		struct bid_info **out, size_t *n) ET_MUST_CHECK;
/* Every bid of the tender, to everyone, once the tender closed without
 * failing (ET_ESTATE before; a failed tender names no bidder). */
int bid_list(struct audit_ledger *l, const char *tender, struct bid_info **out,
	     size_t *n) ET_MUST_CHECK;
void bid_info_free(struct bid_info *v);
/* The opening record as published (the payload of bids.opened, canonical
 * JSON); ET_ESTATE before the opening. *json malloc'd, caller frees. */
int bid_opening_record(struct audit_ledger *l, const char *tender, char **json) ET_MUST_CHECK;

/* A decrypted attachment of an opened bid, as the opening record names it
 * (bids[].attachments): part number (2..), name from the sealed upload
 * metadata ("" if none), plaintext size and SHA-256 (hex). Who may read it:
 * an agent of the tender's agent or tenderer org, or a supervisor (not the
 * public: ET_EDENIED, et.att.reader); ET_ESTATE before the opening;
 * ET_ENOTFOUND for no such bid or part. */
struct bid_attachment_info {
	unsigned part;
	char name[256];
	uint64_t size;
	char sha256[TENDER_SHA256_HEX];
};
int bid_attachment(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		   const char *bid, unsigned part, struct bid_attachment_info *out,
		   struct tender_diag *d) ET_MUST_CHECK;
/* The same for a member of the tender's evaluation panel, whose seat the
 * caller established (evaluation/ sits above bidding/: ev_is_panel_member). */
int bid_attachment_for_panel(struct audit_ledger *l, const char *tender, const char *bid,
			     unsigned part, struct bid_attachment_info *out,
			     struct tender_diag *d) ET_MUST_CHECK;

/* G5 for the sealed parts, which replay cannot see: every stored part of
 * every bid is read through blobs, its SHA-256 and size compared with the
 * projection and its header checked again with the keyless check against
 * its tender's key-holder set. ET_OK, or ET_EVERIFY with diff (cap bytes)
 * naming the first tender, bid and part that fail; other errors for I/O. */
int bid_verify_parts(struct audit_ledger *l, const struct bid_blobs *blobs, char *diff,
		     size_t cap) ET_MUST_CHECK;

/* ---- reading the bidding state from a sibling domain module -------------
 * For evaluation/: on the caller's connection (audit_tx_db inside a
 * command, or an audit_ledger_query callback), without visibility rules. */

/* The tender's bidding phase (as bid_tender_status; ET_OK also before the
 * close: phase BID_PHASE_OPEN). */
int bid_db_status(sqlite3 *db, const char *tender, struct bid_tender_status *out) ET_MUST_CHECK;
/* The opening record (payload of bids.opened, canonical JSON); ET_ESTATE
 * before the opening. *json malloc'd, caller frees. */
int bid_db_opening_record(sqlite3 *db, const char *tender, char **json) ET_MUST_CHECK;
/* Every firm that submitted a bid for the tender (any status), sorted;
 * *orgs malloc'd array of *n ids, caller frees. */
int bid_db_bidder_orgs(sqlite3 *db, const char *tender, char (**orgs)[TENDER_ID_LEN],
		       size_t *n) ET_MUST_CHECK;
/* The tender's own (per-tender) bid deposits, by id. *out malloc'd, caller
 * frees. Annual deposits are not listed. */
struct bid_deposit_info {
	char id[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	int64_t amount_fen;
	char method[16];
};
int bid_db_tender_deposits(sqlite3 *db, const char *tender, struct bid_deposit_info **out,
			   size_t *n) ET_MUST_CHECK;

#endif
