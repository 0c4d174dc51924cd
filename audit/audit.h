/* audit/audit.h — the ledger: the one write path, the RFC 9162 Merkle log
 * stored in SQLite, C2SP signed-note checkpoints, cosignature/v1 witness
 * signatures, confidential events and replay. Knows no domain module. */
#ifndef ET_AUDIT_H
#define ET_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <sqlite3.h>

#include "core/core.h"

#define AUDIT_HASH_LEN 32

/* ---- RFC 9162 hashing and proof verification (pure functions) -------- */

/* SHA-256(0x00 || leaf). */
void audit_leaf_hash(const void *leaf, size_t len, unsigned char out[AUDIT_HASH_LEN]);
/* SHA-256(0x01 || left || right). */
void audit_node_hash(const unsigned char left[AUDIT_HASH_LEN],
		     const unsigned char right[AUDIT_HASH_LEN], unsigned char out[AUDIT_HASH_LEN]);
/* Root of an in-memory list of leaf hashes (n may be 0: SHA-256 of ""). */
int audit_root_of(const unsigned char (*leaf_hashes)[AUDIT_HASH_LEN], uint64_t n,
		  unsigned char root[AUDIT_HASH_LEN]) ET_MUST_CHECK;

/* RFC 9162 §2.1.3.2. ET_OK or ET_EVERIFY (also for index >= size etc.). */
int audit_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf_hash[AUDIT_HASH_LEN],
			   const unsigned char (*proof)[AUDIT_HASH_LEN], size_t nproof,
			   const unsigned char root[AUDIT_HASH_LEN]) ET_MUST_CHECK;
/* RFC 9162 §2.1.4.2. ET_OK or ET_EVERIFY. size1 == size2 needs an empty
 * proof and equal roots. size1 == 0 is ET_EVERIFY: RFC 9162 defines no
 * proof from the empty tree and the transparency-dev vectors reject it;
 * every tree extends the empty tree, so a caller that holds no earlier
 * checkpoint (size 0) simply has nothing to check (refined from the first
 * draft of this header, which accepted it with an empty proof). */
int audit_verify_consistency(uint64_t size1, uint64_t size2, const unsigned char root1[AUDIT_HASH_LEN],
			     const unsigned char root2[AUDIT_HASH_LEN],
			     const unsigned char (*proof)[AUDIT_HASH_LEN], size_t nproof) ET_MUST_CHECK;

/* ---- the Merkle log stored in SQLite --------------------------------- */

/* A log on an open SQLite connection. Tables (created if missing):
 * log_leaf(idx, hash, leaf) — leaf i and its leaf hash, the level-0
 * subtrees; hash stored before leaf so that hash lookups never read a long
 * leaf's overflow pages — and log_node(level, idx, hash), level >= 1 — the hash of every
 * complete perfect subtree covering leaves [idx·2^level, (idx+1)·2^level) —
 * both append-only (triggers reject UPDATE, DELETE, and any INSERT other
 * than the next leaf / a new node, so INSERT OR REPLACE is caught too).
 * Appends join the caller's transaction. Not thread-safe: one writer. */
struct audit_log;

/* Creates the tables and triggers if missing, prepares statements, loads
 * the size and an in-memory cache of the upper tree levels (2 bytes per
 * leaf). *out is freed with audit_log_close (which leaves db open).
 * Performance: a root or proof is one savepoint and O(log n) lookups, at
 * most 4 per side of the tree in SQLite, the rest in memory; at 10 M
 * leaves each lookup is bound by page access, so give the connection
 * PRAGMA mmap_size (or a page cache) that holds log_node. */
int audit_log_open(sqlite3 *db, struct audit_log **out) ET_MUST_CHECK;
void audit_log_close(struct audit_log *log);
/* Leaves in the log (as committed or appended in the current transaction). */
uint64_t audit_log_size(const struct audit_log *log);
/* Append leaf (at most ET_LEAF_MAX_LEN bytes); sets *index (may be NULL).
 * Must run inside a transaction of db (ET_ESTATE otherwise). On failure
 * the log struct is unchanged but rows may have been written: the caller
 * rolls back its transaction or savepoint and calls audit_log_resync. */
int audit_log_append(struct audit_log *log, const void *leaf, size_t len, uint64_t *index) ET_MUST_CHECK;
/* Forget appends rolled back by the caller, or catch up with appends
 * committed by another connection: re-reads the size and the frontier from
 * db and loads only the cached nodes completed since the last resync
 * (O(new leaves), not O(log)). */
int audit_log_resync(struct audit_log *log) ET_MUST_CHECK;
/* Root of the first size leaves (size <= audit_log_size). */
int audit_log_root(struct audit_log *log, uint64_t size, unsigned char root[AUDIT_HASH_LEN]) ET_MUST_CHECK;
/* Leaf bytes; *leaf malloc'd, caller frees. */
int audit_log_leaf(struct audit_log *log, uint64_t index, unsigned char **leaf, size_t *len) ET_MUST_CHECK;
int audit_log_leaf_hash(struct audit_log *log, uint64_t index, unsigned char out[AUDIT_HASH_LEN]) ET_MUST_CHECK;
/* Proofs in RFC 9162 order: *proof is a malloc'd array of *n hashes,
 * caller frees (also when *n == 0); NULL on failure. Inclusion: index <
 * size <= audit_log_size. Consistency: size1 <= size2 <= audit_log_size;
 * size1 == 0 or size1 == size2 give an empty proof. */
int audit_log_inclusion_proof(struct audit_log *log, uint64_t index, uint64_t size,
			      unsigned char (**proof)[AUDIT_HASH_LEN], size_t *n) ET_MUST_CHECK;
int audit_log_consistency_proof(struct audit_log *log, uint64_t size1, uint64_t size2,
				unsigned char (**proof)[AUDIT_HASH_LEN], size_t *n) ET_MUST_CHECK;
/* Audit: recompute the root of the first size leaves from the leaf bytes
 * alone (ignoring stored hashes and nodes), O(size). Compare it with a
 * root from an earlier signed checkpoint to detect tampering that bypassed
 * the triggers. ET_EVERIFY if a leaf row is missing. (Added.) */
int audit_log_recompute_root(struct audit_log *log, uint64_t size,
			     unsigned char root[AUDIT_HASH_LEN]) ET_MUST_CHECK;

/* ---- C2SP signed notes, checkpoints, cosignatures --------------------- */

/* Parsing is strict (C2SP signed-note v1): a note is valid UTF-8 with no
 * control character but newline, at most ET_NOTE_MAX_LEN bytes; the text
 * ends in newline and is separated by the last blank line from 1 to
 * ET_NOTE_MAX_SIGS signature lines "— name base64(keyhash(4)||sig)\n",
 * each well formed even when its key is unknown. Key names are non-empty,
 * shorter than ET_NOTE_MAX_NAME, without Unicode spaces or '+'.
 * Results: ET_EINVAL malformed, ET_ELIMIT over a cap, ET_EVERIFY bad or
 * missing signature, ET_ENOMEM. Every *out string is malloc'd, caller
 * frees; it is NULL on failure. */

/* Ed25519 key hash of C2SP signed-note: first 4 bytes of
 * SHA-256(name || 0x0A || type || pub), type 0x01 for notes, 0x04 for
 * cosignature/v1. */
uint32_t audit_note_key_hash(const char *name, unsigned char type,
			     const unsigned char pub[32]);
/* Verifier key "name+hash+base64(0x01||pub)" (hash: 8 lowercase hex). */
int audit_note_vkey_format(const char *name, const unsigned char pub[32], char **out) ET_MUST_CHECK;
/* Parse an Ed25519 (type 0x01) verifier key; *name malloc'd; hash may be
 * NULL. ET_EINVAL for a bad name, hash, length, type or a hash that does
 * not match the key. */
int audit_note_vkey_parse(const char *vkey, char **name, unsigned char pub[32],
			  uint32_t *hash) ET_MUST_CHECK;
/* The same for a cosignature/v1 witness key (type 0x04), as the witness
 * publishes it ("name+hash+base64(0x04||pub)"). (Added.) */
int audit_cosig_vkey_format(const char *name, const unsigned char pub[32], char **out) ET_MUST_CHECK;
int audit_cosig_vkey_parse(const char *vkey, char **name, unsigned char pub[32],
			   uint32_t *hash) ET_MUST_CHECK;
/* Sign text (non-empty, ends with '\n', no other rules broken); *note =
 * text + "\n" + "— name base64(hash||sig)\n", malloc'd. */
int audit_note_sign(const char *text, const char *name, const unsigned char seed[32],
		    char **note) ET_MUST_CHECK;
/* Append one more signature line (another Ed25519 key) to a signed note.
 * ET_EEXIST if that key already signed it. Does not verify the others. */
int audit_note_add_signature(const char *note, const char *name, const unsigned char seed[32],
			     char **out) ET_MUST_CHECK;
/* Verify that note carries a valid signature by (name, pub) as a note
 * signature (type 0x01). On success *text is the signed text (malloc'd;
 * text may be NULL). Lines of other keys are ignored. ET_EVERIFY if the
 * key's line is missing or does not verify; ET_EINVAL if malformed or the
 * key signed twice. */
int audit_note_verify(const char *note, size_t len, const char *name, const unsigned char pub[32],
		      char **text) ET_MUST_CHECK;

/* A checkpoint body (C2SP tlog-checkpoint): origin, size, root, and any
 * extension lines (kept verbatim). (ext/ext_len added: zero them when
 * there are none.) */
struct audit_checkpoint {
	char origin[ET_NOTE_MAX_NAME];
	uint64_t size;
	unsigned char root[AUDIT_HASH_LEN];
	/* Extension lines, each non-empty and newline-terminated, or NULL/0.
	 * After parse: points into the parsed text (valid while it lives). */
	const char *ext;
	size_t ext_len;
};
/* "origin\nsize\nbase64(root)\n" + ext; *text malloc'd. */
int audit_checkpoint_format(const struct audit_checkpoint *cp, char **text) ET_MUST_CHECK;
/* Parse a note text as a checkpoint: non-empty origin (ET_ELIMIT if it does
 * not fit), decimal size without leading zeros, base64 of exactly 32
 * bytes, then non-empty extension lines. */
int audit_checkpoint_parse(const char *text, size_t len, struct audit_checkpoint *cp) ET_MUST_CHECK;

/* cosignature/v1: the witness signs "cosignature/v1\ntime T\n" + body
 * (the checkpoint text, which must parse as a checkpoint; T <= 2^63-1).
 * The signature line is
 * "— name base64(keyhash(4)||T(8, big-endian)||sig(64))\n"; *line malloc'd. */
int audit_cosig_sign(const char *checkpoint_text, const char *name, const unsigned char seed[32],
		     uint64_t timestamp, char **line) ET_MUST_CHECK;
/* Cosign a signed checkpoint note: append the witness's line. (Added.) */
int audit_cosig_add(const char *note, const char *name, const unsigned char seed[32],
		    uint64_t timestamp, char **out) ET_MUST_CHECK;
/* Find and verify the cosignature by (name, pub) among note's signature
 * lines (the note text must be a checkpoint); *timestamp set (may be
 * NULL). ET_EVERIFY if missing or invalid; ET_EINVAL if malformed or the
 * key cosigned twice. Does not check the log's own signature. */
int audit_cosig_verify(const char *note, size_t len, const char *name, const unsigned char pub[32],
		       uint64_t *timestamp) ET_MUST_CHECK;

/* ---- the ledger (one write path) -------------------------------------- */

/* An event. kind is "noun.past_participle" ([a-z][a-z0-9_]* '.' the same,
 * at most ET_EVENT_KIND_MAX bytes); actor and tender are pseudonymous ids
 * of printable ASCII without spaces (0x21..0x7e), at most ET_ID_MAX_LEN
 * bytes, may be "" (a confidential event needs a tender). payload is
 * opaque, domain-defined bytes (e.g. canonical JSON). The struct borrows
 * every pointer; nothing in it is freed by the ledger. */
struct audit_event {
	const char *kind;
	uint16_t version;            /* kind version, >= 1 */
	int64_t time_us;             /* UTC µs; stamped by audit_tx_emit */
	const char *actor;
	const char *tender;
	const unsigned char *payload;
	size_t payload_len;
	bool confidential;           /* the log holds only a commitment */
};

/* ---- canonical event leaf (audit/leaf.c, docs/formats.md) ---- */

#define AUDIT_LEAF_MAGIC "ETL1"
#define AUDIT_LEAF_EVENT 0          /* type byte: public event */
#define AUDIT_LEAF_COMMITMENT 1     /* type byte: confidential commitment */
#define AUDIT_SALT_LEN 32
#define AUDIT_COMMITMENT_LEAF_LEN 37 /* "ETL1" 0x01 commitment(32) */
/* Fixed part of an event leaf: magic, type, 3 one-byte lengths, version,
 * time, payload length. */
#define AUDIT_LEAF_EVENT_FIXED (4 + 1 + 1 + 2 + 8 + 1 + 1 + 4)

/* Append the canonical public encoding of ev (type 0, whatever
 * ev->confidential says) to out. ET_EINVAL for a malformed field,
 * ET_ELIMIT past a cap. On failure out may hold a partial encoding. */
int audit_leaf_encode_event(const struct audit_event *ev, struct et_buf *out) ET_MUST_CHECK;
/* The 37-byte leaf of a confidential event. */
void audit_leaf_encode_commitment(const unsigned char commitment[AUDIT_HASH_LEN],
				  unsigned char out[AUDIT_COMMITMENT_LEAF_LEN]);

/* A decoded leaf. For type 0, ev's strings point into the arrays below
 * and ev.payload into the decoded input (which must outlive it): do not
 * copy the struct. */
struct audit_leaf {
	int type;                                  /* AUDIT_LEAF_EVENT / _COMMITMENT */
	unsigned char commitment[AUDIT_HASH_LEN];  /* type 1 */
	struct audit_event ev;                     /* type 0 */
	char kind[ET_EVENT_KIND_MAX + 1];
	char actor[ET_ID_MAX_LEN + 1];
	char tender[ET_ID_MAX_LEN + 1];
};
/* Strict decoder: exact magic, known type, every length within its cap
 * and exactly consumed (no trailing bytes), valid characters, version >= 1,
 * time >= 0. ET_EINVAL / ET_ELIMIT otherwise. */
int audit_leaf_decode(const void *leaf, size_t len, struct audit_leaf *out) ET_MUST_CHECK;

/* Commitment of a confidential event whose public encoding is enc:
 *   d = SHA-256("ETD1" || blind(32) || enc)
 *   c = SHA-256("ETC1" || salt(32) || len(tender) (1 byte) || tender || d) */
int audit_event_digest(const unsigned char blind[AUDIT_SALT_LEN], const void *enc, size_t len,
		       unsigned char d[AUDIT_HASH_LEN]) ET_MUST_CHECK;
int audit_commitment(const unsigned char salt[AUDIT_SALT_LEN], const char *tender,
		     const unsigned char d[AUDIT_HASH_LEN], unsigned char c[AUDIT_HASH_LEN]) ET_MUST_CHECK;

/* Reveal payloads (public events of the ledger's own kinds):
 * "confidential.revealed" v1: u32 n, n x { u64 index, salt(32), blind(32),
 * u32 len, enc(len) }; "confidential.membership" v1: u32 n, n x { u64 index,
 * salt(32), d(32) }; indices strictly ascending. */
#define AUDIT_KIND_REVEALED "confidential.revealed"
#define AUDIT_KIND_MEMBERSHIP "confidential.membership"
struct audit_opening {
	uint64_t index;
	unsigned char salt[AUDIT_SALT_LEN];
	unsigned char blind[AUDIT_SALT_LEN];     /* full reveal only */
	unsigned char digest[AUDIT_HASH_LEN];    /* d (computed for full reveals) */
	const unsigned char *enc;                /* full reveal: into the payload */
	size_t enc_len;
};
/* Parse a reveal payload (full: membership == false). *out is a malloc'd
 * array of *n openings (enc pointing into payload), caller frees; nothing
 * on failure. */
int audit_reveal_parse(const unsigned char *payload, size_t len, bool membership,
		       struct audit_opening **out, size_t *n) ET_MUST_CHECK;

/* ---- the ledger ---- */

/* Apply one event to the projection tables of its module. Deterministic:
 * it may read and write db (and only its own tables), must not read the
 * clock or randomness; returns ET_OK or an error (the command fails). */
typedef int audit_apply_fn(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx);

struct audit_kind {
	const char *kind;
	uint16_t version;
	audit_apply_fn *apply;
};

/* A domain module: its projection schema (CREATE TABLE IF NOT EXISTS …),
 * the tables replay compares (NULL-terminated), and its event kinds.
 * Borrowed: must outlive the ledger. */
struct audit_module {
	const char *name;
	const char *schema_sql;
	const char *const *tables;
	const struct audit_kind *kinds;
	size_t nkinds;
	void *ctx;                    /* passed to every apply */
};

struct audit_ledger_config {
	const char *db_path;          /* SQLite file: log, checkpoints, store, projections */
	const char *origin;           /* checkpoint origin and key name */
	const unsigned char *seed;    /* Ed25519 seed (32 bytes) of the log key; copied.
				       * NULL: a verifier (read-only, no writer, submit
				       * returns ET_EDENIED); then pub is needed */
	const unsigned char *pub;     /* the log's public key (32 bytes); optional with seed
				       * (ET_EKEY if it does not match) */
	const struct audit_module *const *modules;
	size_t nmodules;
	/* Optional: called by the writer thread after each commit that grew
	 * the log (new size), after the submitters were woken, e.g. to push
	 * the new checkpoint to the witness. Must return quickly and must not
	 * submit. */
	void (*on_commit)(void *ctx, uint64_t size);
	void *on_commit_ctx;
};

struct audit_ledger;
struct audit_tx;

/* Open (creating if missing) and start the writer thread. Checks that the
 * latest signed checkpoint covers the whole log (ET_EVERIFY if not). The
 * modules' schemas are created if missing. ":memory:" is refused (the
 * reader needs the same file). *out freed with audit_ledger_close. */
int audit_ledger_open(const struct audit_ledger_config *cfg, struct audit_ledger **out) ET_MUST_CHECK;
/* Stop the writer (after the queued commands) and free. NULL is fine. */
void audit_ledger_close(struct audit_ledger *l);

/* Result of a command: its events are the contiguous leaves
 * [first, first + count); checkpoint_size is the size of the signed
 * checkpoint that covers them (durable). */
struct audit_result {
	uint64_t first;
	uint64_t count;
	uint64_t checkpoint_size;
};

/* A command: reads the state through audit_tx_db, validates, emits.
 * Returns ET_OK or an error; on error nothing it did remains. */
typedef int audit_command_fn(struct audit_tx *tx, void *ctx);

/* Run fn in the writer thread inside its own savepoint and wait until the
 * batch is committed and its checkpoint signed. Returns fn's error, or
 * an error of the commit (then nothing of the command remains). res may
 * be NULL. Thread-safe; not from inside a command (ET_ESTATE). */
int audit_ledger_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx,
			struct audit_result *res) ET_MUST_CHECK;

/* Inside a command: the writer's connection, to read the current state
 * (every write, DDL or transaction statement is denied: state changes
 * only through audit_tx_emit), and the time stamped on its events. */
sqlite3 *audit_tx_db(struct audit_tx *tx);
int64_t audit_tx_time(const struct audit_tx *tx);
/* Stamp ev with the command's time, encode it, append its leaf (the
 * commitment if confidential; the store gets salt, blind and encoding)
 * and apply it at once. *index may be NULL. After an error the command
 * fails whatever it returns. */
int audit_tx_emit(struct audit_tx *tx, const struct audit_event *ev, uint64_t *index) ET_MUST_CHECK;
/* Emit the reveal of every not yet revealed confidential leaf of tender:
 * "confidential.revealed" (full openings) or, if membership,
 * "confidential.membership" (salt and d only); as several consecutive
 * events if they do not fit one leaf (*index: the last). */
int audit_tx_reveal(struct audit_tx *tx, const char *tender, const char *actor, bool membership,
		    uint64_t *index) ET_MUST_CHECK;
/* The same as a command of its own. */
int audit_ledger_reveal(struct audit_ledger *l, const char *tender, const char *actor,
			bool membership, uint64_t *index) ET_MUST_CHECK;

/* Receipt: the latest signed checkpoint (note text, malloc'd), its size,
 * and the inclusion proof of index in it (malloc'd array). Caller frees
 * both; nothing on failure. */
int audit_ledger_receipt(struct audit_ledger *l, uint64_t index, char **checkpoint,
			 uint64_t *size, unsigned char (**proof)[AUDIT_HASH_LEN],
			 size_t *nproof) ET_MUST_CHECK;
/* Leaves in the log as last committed. */
uint64_t audit_ledger_size(struct audit_ledger *l);
/* The latest signed checkpoint (note malloc'd, caller frees) and its size;
 * ET_ENOTFOUND while the log is empty. */
int audit_ledger_checkpoint(struct audit_ledger *l, char **note, uint64_t *size) ET_MUST_CHECK;
/* Leaf bytes (malloc'd, caller frees) and consistency proofs (malloc'd
 * array, caller frees) of the committed log. */
int audit_ledger_leaf(struct audit_ledger *l, uint64_t index, unsigned char **leaf,
		      size_t *len) ET_MUST_CHECK;
int audit_ledger_consistency(struct audit_ledger *l, uint64_t size1, uint64_t size2,
			     unsigned char (**proof)[AUDIT_HASH_LEN], size_t *nproof) ET_MUST_CHECK;
/* Inclusion proof of index in the tree of the first size committed leaves
 * (index < size <= audit_ledger_size; ET_ENOTFOUND otherwise); *proof
 * malloc'd, caller frees. (Added for the public log API of web/.) */
int audit_ledger_inclusion(struct audit_ledger *l, uint64_t index, uint64_t size,
			   unsigned char (**proof)[AUDIT_HASH_LEN], size_t *nproof) ET_MUST_CHECK;
/* The opening of the confidential leaf at index, for its owner: the
 * salt, the blind and the event's public encoding E (malloc'd, caller
 * frees) from the confidential store, which with the tender reopen the
 * leaf's commitment (docs/formats.md). ET_ENOTFOUND if index is not a
 * committed confidential leaf; ET_EDENIED if the event's actor is not
 * owner (nothing is returned then). */
struct audit_conf_opening {
	char tender[ET_ID_MAX_LEN + 1];
	unsigned char salt[AUDIT_SALT_LEN];
	unsigned char blind[AUDIT_SALT_LEN];
	unsigned char *enc;
	size_t enc_len;
};
int audit_ledger_opening(struct audit_ledger *l, uint64_t index, const char *owner,
			 struct audit_conf_opening *out) ET_MUST_CHECK;
/* Does the opening open the commitment of the 37-byte leaf? ET_OK or
 * ET_EVERIFY (also for a leaf that is no commitment). */
int audit_opening_check(const unsigned char *leaf, size_t leaf_len, const char *tender,
			const unsigned char salt[AUDIT_SALT_LEN],
			const unsigned char blind[AUDIT_SALT_LEN], const void *enc,
			size_t enc_len) ET_MUST_CHECK;
/* Run fn on a read-only connection inside one read snapshot (queries of
 * the domain modules); serialised with the ledger's other reads. Returns
 * fn's result. */
int audit_ledger_query(struct audit_ledger *l, int (*fn)(sqlite3 *db, void *ctx),
		       void *ctx) ET_MUST_CHECK;

/* What replay and verification found. diff is "" when all is well, else
 * the first problem in words (table, key, column, live vs replayed; or the
 * leaf index). */
struct audit_report {
	uint64_t leaves;
	uint64_t confidential;
	uint64_t checkpoints;
	uint64_t revealed;            /* confidential leaves opened by reveals */
	uint64_t rows;                /* projection rows compared */
	char diff[1024];
};

/* G5: verify the log (leaf hashes, contiguity, every checkpoint's
 * signature and root), rebuild every projection in a fresh temporary
 * database from the log and the store (each confidential payload must
 * match its commitment) and compare each registered table row by row with
 * the live database, in one read snapshot. ET_OK, or ET_EVERIFY with
 * report->diff set; other errors for I/O. */
int audit_ledger_replay(struct audit_ledger *l, struct audit_report *report) ET_MUST_CHECK;
/* Only the log part of replay (no projections). Both read the leaves once,
 * in index order, and use a second thread for hashing and the tree; the
 * report names the first problem in index order all the same. */
int audit_ledger_verify_log(struct audit_ledger *l, struct audit_report *report) ET_MUST_CHECK;
/* Where a public replay gets leaf i of the log: *leaf malloc'd (the
 * replay frees it). */
typedef int audit_leaf_source(void *ctx, uint64_t index, unsigned char **leaf, size_t *len);
/* G5 for anyone, from the log alone (no store, no database of ours): apply
 * every public event, and every confidential event that a full reveal
 * opened (its commitment checked), at its own index, into the projection
 * tables of modules in a new SQLite file out_path (ET_EEXIST if it
 * exists); confidential leaves
 * without a full opening are skipped. Every reveal is checked as by
 * audit_ledger_verify_reveals. root receives the RFC 9162 root of the size
 * leaves read: compare it with a checkpoint you verified. ET_OK, or
 * ET_EVERIFY with report->diff. */
int audit_replay_public(const struct audit_module *const *modules, size_t nmodules,
			audit_leaf_source *src, void *ctx, uint64_t size, const char *out_path,
			unsigned char root[AUDIT_HASH_LEN], struct audit_report *report) ET_MUST_CHECK;
/* Check every reveal event: each opening matches its confidential leaf
 * (earlier in the log, opened once, of the reveal's tender). With the store,
 * also that every confidential leaf of a tender before its last reveal was
 * opened. require_all: every confidential leaf must be opened (all
 * tenders closed). ET_OK or ET_EVERIFY with report->diff. */
int audit_ledger_verify_reveals(struct audit_ledger *l, bool require_all,
				struct audit_report *report) ET_MUST_CHECK;

/* ---- SQLite helpers for domain modules (audit/sql.c) ---- */

/* Prepare sql and bind its parameters in order from the varargs, by types:
 * 't' text (const char *), 'i' int64, 'n' NULL (no argument), 'b' blob
 * (const void *, int len). *st is finalised by the caller; NULL on failure. */
int audit_sql_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql, const char *types,
		      ...) ET_MUST_CHECK;
/* Prepare, bind, step to completion. ET_EEXIST on a constraint. */
int audit_sql_exec(sqlite3 *db, const char *sql, const char *types, ...) ET_MUST_CHECK;
/* Column i as text into out[cap] ("" for NULL; truncated). */
void audit_sql_col_text(sqlite3_stmt *st, int i, char *out, size_t cap);

#ifdef ET_TEST_HOOKS
/* Test-only: the next n batches fail at COMMIT (as a full disk would),
 * after every command ran. */
void audit_ledger_test_fail_commits(struct audit_ledger *l, int n);
/* Test-only: whole-log verification and replay without their second
 * thread (the path taken when it cannot be started). */
void audit_ledger_test_single_thread(struct audit_ledger *l, bool on);
#endif

#endif
