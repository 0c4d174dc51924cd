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
/* Forget appends rolled back by the caller (re-reads the size from db). */
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
/* Declared in the ledger section below by audit/ledger.c's author. */

#endif
