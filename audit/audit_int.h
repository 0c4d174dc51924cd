/* audit/audit_int.h — internals shared by the audit module's own files: a
 * reusable SHA-256 context for the RFC 9162 hashes on hot paths (appends,
 * proofs, whole-log verification). */
#ifndef ET_AUDIT_INT_H
#define ET_AUDIT_INT_H

#include "audit/audit.h"
#include "crypto/crypto.h"

/* One-shot crypto_sha256 fetches the digest and allocates a context per
 * call (about 280 ns of the 400 ns of a node hash with OpenSSL 3); this
 * keeps one crypto_hasher (one fetched digest and one context). Not thread-safe: one per
 * thread. Zero-initialise, then audit_sha_init; audit_sha_free releases
 * (also after a failed or no init). */
struct audit_sha {
	struct crypto_hasher *h;
};

/* ET_OK or ET_ECRYPTO (nothing to free on failure beyond audit_sha_free). */
int audit_sha_init(struct audit_sha *h) ET_MUST_CHECK;
void audit_sha_free(struct audit_sha *h);
/* The same values as audit_leaf_hash / audit_node_hash. */
void audit_sha_leaf(struct audit_sha *h, const void *leaf, size_t len,
		    unsigned char out[AUDIT_HASH_LEN]);
void audit_sha_node(struct audit_sha *h, const unsigned char left[AUDIT_HASH_LEN],
		    const unsigned char right[AUDIT_HASH_LEN], unsigned char out[AUDIT_HASH_LEN]);

#endif
