/* crypto/crypto.h — the platform's cryptography on OpenSSL 3: randomness,
 * SHA-256, Ed25519, X25519, bech32, age v1 (C2SP age) with X25519 and our
 * threshold recipients, and Shamir k-of-n over GF(2^8).
 * Knows nothing of the rest of the platform. */
#ifndef ET_CRYPTO_H
#define ET_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "core/core.h"

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_ED25519_PUB_LEN 32
#define CRYPTO_ED25519_SEED_LEN 32
#define CRYPTO_ED25519_SIG_LEN 64
#define CRYPTO_X25519_LEN 32
#define CRYPTO_AGE_FILE_KEY_LEN 16

/* ---- randomness ------------------------------------------------------ */

/* Secret randomness from RAND_bytes only. ET_ECRYPTO on failure: the caller
 * must abort the operation. */
int crypto_random(void *buf, size_t len) ET_MUST_CHECK;

#ifdef ET_TEST_HOOKS
/* Test-only: replace the generator (NULL restores RAND_bytes). fn returns 0
 * on success. Not present in release builds. */
void crypto_random_set_test_source(int (*fn)(void *ctx, unsigned char *buf, size_t len),
				   void *ctx);
#endif

/* ---- hashing, comparison --------------------------------------------- */

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN]);

/* Incremental SHA-256. new: NULL on allocation failure. final frees. */
struct crypto_sha256;
struct crypto_sha256 *crypto_sha256_new(void);
void crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len);
void crypto_sha256_final(struct crypto_sha256 *h, unsigned char out[CRYPTO_SHA256_LEN]);
void crypto_sha256_free(struct crypto_sha256 *h);

/* A reusable SHA-256 for hot paths (Merkle hashing): one fetched digest and
 * one context, so a hash costs no allocation. Not thread-safe: one per
 * thread. new: ET_ECRYPTO / ET_ENOMEM on failure (nothing to free). */
struct crypto_hasher;
int crypto_hasher_new(struct crypto_hasher **out) ET_MUST_CHECK;
void crypto_hasher_free(struct crypto_hasher *h);
/* SHA-256(a || b); either part may be empty (NULL with length 0). */
void crypto_hasher_sha256(struct crypto_hasher *h, const void *a, size_t alen, const void *b,
			  size_t blen, unsigned char out[CRYPTO_SHA256_LEN]);

/* HMAC-SHA-256 and HKDF-SHA-256 (RFC 5869). */
int crypto_hmac_sha256(const void *key, size_t klen, const void *data, size_t len,
		       unsigned char out[CRYPTO_SHA256_LEN]) ET_MUST_CHECK;
int crypto_hkdf_sha256(const void *ikm, size_t ikmlen, const void *salt, size_t saltlen,
		       const void *info, size_t infolen, unsigned char *out, size_t outlen) ET_MUST_CHECK;

/* scrypt (RFC 7914) for password hashing: N (a power of two), r, p, with
 * at most maxmem bytes of memory. ET_ECRYPTO on failure. */
int crypto_scrypt(const void *pw, size_t pwlen, const void *salt, size_t saltlen, uint64_t n,
		  uint64_t r, uint64_t p, uint64_t maxmem, unsigned char *out,
		  size_t outlen) ET_MUST_CHECK;

/* Constant-time equality: true if equal. */
bool crypto_ct_equal(const void *a, const void *b, size_t len);
/* OPENSSL_cleanse. */
void crypto_wipe(void *p, size_t len);

/* ---- Ed25519 --------------------------------------------------------- */

int crypto_ed25519_keygen(unsigned char seed[CRYPTO_ED25519_SEED_LEN],
			  unsigned char pub[CRYPTO_ED25519_PUB_LEN]) ET_MUST_CHECK;
int crypto_ed25519_public(const unsigned char seed[CRYPTO_ED25519_SEED_LEN],
			  unsigned char pub[CRYPTO_ED25519_PUB_LEN]) ET_MUST_CHECK;
int crypto_ed25519_sign(const unsigned char seed[CRYPTO_ED25519_SEED_LEN], const void *msg,
			size_t len, unsigned char sig[CRYPTO_ED25519_SIG_LEN]) ET_MUST_CHECK;
/* ET_OK only if sig is a valid signature of msg by pub; ET_EVERIFY otherwise. */
int crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_PUB_LEN], const void *msg,
			  size_t len, const unsigned char sig[CRYPTO_ED25519_SIG_LEN]) ET_MUST_CHECK;

/* An Ed25519 key decoded once, for signing many messages (a log's
 * checkpoints): ~55 us a signature instead of ~330 us. Not thread-safe.
 * new copies nothing it keeps in clear beyond OpenSSL's key object; the
 * caller still wipes seed. */
struct crypto_ed25519_signer;
int crypto_ed25519_signer_new(const unsigned char seed[CRYPTO_ED25519_SEED_LEN],
			      struct crypto_ed25519_signer **out) ET_MUST_CHECK;
int crypto_ed25519_signer_sign(struct crypto_ed25519_signer *s, const void *msg, size_t len,
			       unsigned char sig[CRYPTO_ED25519_SIG_LEN]) ET_MUST_CHECK;
void crypto_ed25519_signer_free(struct crypto_ed25519_signer *s);

/* ---- X25519 ---------------------------------------------------------- */

int crypto_x25519_keygen(unsigned char priv[CRYPTO_X25519_LEN],
			 unsigned char pub[CRYPTO_X25519_LEN]) ET_MUST_CHECK;
int crypto_x25519_public(const unsigned char priv[CRYPTO_X25519_LEN],
			 unsigned char pub[CRYPTO_X25519_LEN]) ET_MUST_CHECK;
/* Shared secret; ET_ECRYPTO if it is all zero (low-order point). */
int crypto_x25519(const unsigned char priv[CRYPTO_X25519_LEN],
		  const unsigned char peer[CRYPTO_X25519_LEN],
		  unsigned char shared[CRYPTO_X25519_LEN]) ET_MUST_CHECK;

/* ---- key files ------------------------------------------------------- */

/* Create path with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, write data, fsync.
 * ET_EEXIST if it exists; on failure nothing is left behind. */
int crypto_write_secret_file(const char *path, const void *data, size_t len) ET_MUST_CHECK;

/* ---- bech32 (BIP 173, no length limit of 90 up to ET_BECH32_MAX_LEN) ---- */

/* Encode data (8-bit bytes) with hrp; lowercase unless upper. *out is
 * malloc'd, caller frees. */
int crypto_bech32_encode(const char *hrp, const unsigned char *data, size_t len, bool upper,
			 char **out) ET_MUST_CHECK;
/* Decode; rejects mixed case and bad checksums. hrp_out (lowercased) and
 * data are malloc'd, caller frees both on success; nothing on failure. */
int crypto_bech32_decode(const char *s, char **hrp_out, unsigned char **data,
			 size_t *len) ET_MUST_CHECK;

/* ---- age v1 ---------------------------------------------------------- */

/* A recipient wraps a file key into one or more stanzas; an identity
 * unwraps. Both are opaque and freed with their _free function. */
struct crypto_age_recipient;
struct crypto_age_identity;

/* "age1..." X25519 recipient. */
int crypto_age_recipient_parse(const char *s, struct crypto_age_recipient **out) ET_MUST_CHECK;
/* "AGE-SECRET-KEY-1..." X25519 identity. */
int crypto_age_identity_parse(const char *s, struct crypto_age_identity **out) ET_MUST_CHECK;
/* Every identity in an identity file written by age-keygen or etender
 * keygen (lines starting '#' and blank lines ignored; LF or CRLF). *ids is
 * a malloc'd array; free with crypto_age_identities_free. ET_EINVAL if a
 * line is not an identity or there is none. */
int crypto_age_identity_file_load(const char *path, struct crypto_age_identity ***ids,
				  size_t *n) ET_MUST_CHECK;
void crypto_age_identities_free(struct crypto_age_identity **ids, size_t n);
void crypto_age_recipient_free(struct crypto_age_recipient *r);
void crypto_age_identity_free(struct crypto_age_identity *id);

/* New X25519 key pair as strings: *identity "AGE-SECRET-KEY-1…" and
 * *recipient "age1…", both malloc'd (identity wiped by the caller before free). */
int crypto_age_x25519_generate(char **identity, char **recipient) ET_MUST_CHECK;
/* Recipient string of an X25519 public key; *out malloc'd. */
int crypto_age_x25519_recipient_string(const unsigned char pub[CRYPTO_X25519_LEN],
				       char **out) ET_MUST_CHECK;

/* I/O callbacks. read: fill up to cap bytes, set *got (0 = end of input),
 * return ET_OK or an error. write: consume all n bytes or return an error. */
typedef int crypto_read_fn(void *ctx, unsigned char *buf, size_t cap, size_t *got);
typedef int crypto_write_fn(void *ctx, const unsigned char *buf, size_t n);

/* Encrypt everything read from rd to wr as an age v1 file, to every
 * recipient (each may contribute several stanzas). Memory is constant in
 * the input size (about 2 MiB). armor: PEM-style ASCII armor. Large
 * payloads are sealed on the calling thread and one helper thread; the
 * callbacks are only ever called from the calling thread. On failure the
 * output written so far is incomplete: the caller discards it. */
int crypto_age_encrypt(const struct crypto_age_recipient *const *rs, size_t nr, bool armor,
		       crypto_read_fn *rd, void *rctx, crypto_write_fn *wr, void *wctx) ET_MUST_CHECK;

/* Decrypt an age v1 file (armored or binary, detected: binary if the input
 * is empty or starts like "age-encryption.org/", armored otherwise) with
 * the first identity that unwraps a file key whose header MAC verifies; if
 * none does, the first MAC failure (ET_EHMAC, or ET_ESEALER for an identity
 * with sealer_fault_on_mac) or else ET_ENOMATCH. Plaintext of
 * a chunk reaches wr only after that chunk's tag verifies; on a later
 * payload failure, earlier verified chunks have been written (CCTV counts
 * them) and the result is ET_EPAYLOAD. Results: ET_OK, ET_ENOMATCH,
 * ET_EHEADER, ET_EHMAC, ET_EPAYLOAD, ET_EARMOR, ET_ESEALER (threshold
 * identity: shares did not combine), ET_EIO from the callbacks. */
int crypto_age_decrypt(const struct crypto_age_identity *const *ids, size_t nid,
		       crypto_read_fn *rd, void *rctx, crypto_write_fn *wr, void *wctx) ET_MUST_CHECK;

/* Convenience: file descriptors. */
int crypto_age_encrypt_fd(const struct crypto_age_recipient *const *rs, size_t nr, bool armor,
			  int in_fd, int out_fd) ET_MUST_CHECK;
int crypto_age_decrypt_fd(const struct crypto_age_identity *const *ids, size_t nid, int in_fd,
			  int out_fd) ET_MUST_CHECK;

/* A parsed age header, for servers that must inspect stanzas without any
 * key (e.g. "exactly the tender's threshold stanzas"). */
struct crypto_age_header;
/* Parse the header at the start of buf (binary age, not armored). On
 * success *hdr is allocated (free with crypto_age_header_free) and
 * *header_len is the number of bytes through the MAC line's newline.
 * ET_EHEADER if malformed, incomplete or past the caps of core/limits.h. */
int crypto_age_header_parse(const unsigned char *buf, size_t len, struct crypto_age_header **hdr,
			    size_t *header_len) ET_MUST_CHECK;
size_t crypto_age_header_count(const struct crypto_age_header *hdr);
/* Stanza i: type, arguments and body; pointers valid while hdr lives. */
void crypto_age_header_stanza(const struct crypto_age_header *hdr, size_t i, const char **type,
			      const char *const **args, size_t *nargs, const unsigned char **body,
			      size_t *body_len);
void crypto_age_header_free(struct crypto_age_header *hdr);

/* ---- Shamir k-of-n over GF(2^8), polynomial 0x11d (libgfshare) ------- */

#define CRYPTO_SHAMIR_MAX_SHARES 255

/* Split secret (len bytes) into n shares at the distinct nonzero
 * x-coordinates xs[0..n-1]; shares[i] receives len bytes. 2 <= k <= n.
 * Coefficients come from crypto_random(). No branch or table lookup on
 * secret bytes. */
int crypto_shamir_split(const unsigned char *secret, size_t len, unsigned k, unsigned n,
			const unsigned char *xs, unsigned char *const *shares) ET_MUST_CHECK;
/* Recombine from m shares (m >= k) at distinct nonzero xs. Any m shares
 * give *some* value; only a MAC (age header) says if it is the secret. */
int crypto_shamir_combine(const unsigned char *xs, const unsigned char *const *shares,
			  unsigned m, size_t len, unsigned char *secret) ET_MUST_CHECK;

/* ---- threshold recipients (docs/formats.md "etender-share stanza") ---- */

/* What a threshold stanza is bound to: the tender, the bid, the part. */
struct crypto_threshold_binding {
	const char *tender_id;
	const char *bid_id;
	uint32_t part;
};

/* A recipient that splits the file key k-of-n and wraps share i (x = i,
 * 1-based) to holder i's per-tender X25519 public key. holder_pubs[i-1] is
 * holder i's key. Strings in b are copied. 2 <= k <= n <=
 * ET_THRESHOLD_MAX_HOLDERS, ids 1..ET_ID_MAX_LEN bytes. ET_EINVAL also if
 * two holders share a key; ET_EKEY if a key is a low-order point. On
 * success the caller frees *out with crypto_age_recipient_free(); on
 * failure *out is NULL. */
int crypto_threshold_recipient_new(const struct crypto_threshold_binding *b, unsigned k,
				   unsigned n, const unsigned char (*holder_pubs)[CRYPTO_X25519_LEN],
				   struct crypto_age_recipient **out) ET_MUST_CHECK;

/* An identity that holds the per-tender private keys of m holders
 * (indices[j] is 1-based, distinct), unwraps each one's share and combines
 * them all; decrypt then checks the header MAC. Through crypto_age_decrypt:
 * ET_ESEALER means a stanza was malformed or did not open under the key it
 * names, or the shares did not combine (MAC); ET_EKEY a held key is not the
 * key its stanza names; ET_ENOMATCH no etender-share stanza, or fewer than
 * k held keys. The keys are copied (wiped when freed); the caller frees *out
 * with crypto_age_identity_free(); on failure *out is NULL. */
int crypto_threshold_identity_new(const struct crypto_threshold_binding *b,
				  const unsigned *indices, const unsigned char (*holder_privs)[CRYPTO_X25519_LEN],
				  unsigned m, struct crypto_age_identity **out) ET_MUST_CHECK;

/* One holder's step by hand: find the stanza of holder `index` in hdr and
 * unwrap its share (CRYPTO_AGE_FILE_KEY_LEN bytes) with its private key.
 * ET_EKEY: priv's public key is not the holder key the stanza names;
 * ET_ESEALER: the etender-share stanzas are missing or malformed, or the
 * stanza does not open under the key it names (tampered, or made for
 * another tender, bid, part or index); ET_OK otherwise. */
int crypto_threshold_unwrap_share(const struct crypto_age_header *hdr,
				  const struct crypto_threshold_binding *b, unsigned index,
				  const unsigned char priv[CRYPTO_X25519_LEN],
				  unsigned char share[CRYPTO_AGE_FILE_KEY_LEN]) ET_MUST_CHECK;

/* Combine m shares (1-based distinct indices) into a file key and check it
 * against hdr's MAC. ET_OK: the file key opens the file; ET_ESEALER: at
 * least k shares combine to something the MAC refutes (the sealer's fault),
 * or the stanzas are malformed; ET_EINVAL: fewer than the stanzas' k
 * shares, or an index the header does not have (nobody's fault yet). */
int crypto_threshold_combine(const struct crypto_age_header *hdr, const unsigned *indices,
			     const unsigned char (*shares)[CRYPTO_AGE_FILE_KEY_LEN], unsigned m,
			     unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN]) ET_MUST_CHECK;

/* Without any private key: ET_OK only if hdr carries exactly the tender's
 * threshold stanzas and nothing else — n well-formed etender-share stanzas
 * with indices 1..n in this order, this k and n, stanza i naming
 * holder_pubs[i-1], no low-order ephemeral point.
 * ET_ESEALER otherwise (an extra stanza could be anyone's recipient). For
 * the server at upload and for replay. */
int crypto_threshold_header_check(const struct crypto_age_header *hdr, unsigned k, unsigned n,
				  const unsigned char (*holder_pubs)[CRYPTO_X25519_LEN]) ET_MUST_CHECK;

/* Decrypt a whole age file (header and payload, armored or binary, as
 * crypto_age_decrypt) with a known file key (after combining by hand): no
 * identity is used, ET_EHMAC if the header MAC refutes the key. */
int crypto_age_decrypt_with_file_key(const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
				     crypto_read_fn *rd, void *rctx, crypto_write_fn *wr,
				     void *wctx) ET_MUST_CHECK;

#endif
