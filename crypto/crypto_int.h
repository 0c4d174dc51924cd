/* crypto/crypto_int.h — internals shared by the crypto module's own files:
 * the age stanza model and the recipient/identity interfaces through which
 * X25519 (age.c) and threshold (threshold.c) stanzas plug into age. */
#ifndef ET_CRYPTO_INT_H
#define ET_CRYPTO_INT_H

#include "crypto/crypto.h"

/* One age stanza: "-> type arg1 arg2 ...\n" then its base64 body.
 * All fields are malloc'd and owned by the stanza. */
struct crypto_stanza {
	char *type;
	char **args;
	size_t nargs;
	unsigned char *body;
	size_t body_len;
};

/* A growing list of stanzas, owned by whoever holds the list. */
struct crypto_stanza_list {
	struct crypto_stanza *v;
	size_t n;
	size_t cap;
};

/* Append a stanza made of copies of type, args (nargs of them) and body. */
int crypto_stanza_list_add(struct crypto_stanza_list *l, const char *type,
			   const char *const *args, size_t nargs, const unsigned char *body,
			   size_t body_len) ET_MUST_CHECK;
void crypto_stanza_list_free(struct crypto_stanza_list *l);

/* Recipient interface: append the stanzas that wrap file_key. */
struct crypto_age_recipient {
	int (*wrap)(const struct crypto_age_recipient *r,
		    const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		    struct crypto_stanza_list *out);
	void (*destroy)(struct crypto_age_recipient *r); /* frees r itself */
};

/* Identity interface: find the file key in the header's stanzas.
 * ET_OK sets file_key (a candidate: age.c then checks the MAC and, if
 * it fails, reports ET_EHMAC, or ET_ESEALER when sealer_fault_on_mac is
 * set on the identity). ET_ENOMATCH: no stanza for this identity.
 * ET_EHEADER: a stanza of this identity's type is malformed. Any other
 * result is passed on: the threshold identity reports malformed or
 * unopenable etender-share stanzas as ET_ESEALER and a key that is not the
 * one its stanza names as ET_EKEY (docs/formats.md). */
struct crypto_age_identity {
	int (*unwrap)(const struct crypto_age_identity *id, const struct crypto_stanza *st, size_t n,
		      unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN]);
	void (*destroy)(struct crypto_age_identity *id); /* frees id itself */
	bool sealer_fault_on_mac;
};

/* The parsed header (crypto_age_header_parse). */
struct crypto_age_header {
	struct crypto_stanza_list stanzas;
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t mac_input_len; /* bytes covered by the MAC: through "---" */
	unsigned char *raw;   /* copy of the header bytes */
	size_t raw_len;
};

/* ET_OK if file_key's HMAC over the header matches; ET_EHMAC otherwise. */
int crypto_age_header_check_mac(const struct crypto_age_header *hdr,
				const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN]) ET_MUST_CHECK;

/* ChaCha20-Poly1305 with a zero nonce, as age uses for stanza bodies.
 * seal: out gets len + 16 bytes. open: ET_ECRYPTO if the tag fails
 * (out is wiped then). */
int crypto_aead_seal_zero_nonce(const unsigned char key[32], const unsigned char *in, size_t len,
				unsigned char *out) ET_MUST_CHECK;
int crypto_aead_open_zero_nonce(const unsigned char key[32], const unsigned char *in, size_t len,
				unsigned char *out) ET_MUST_CHECK;

/* Strict unpadded standard base64 as in age stanza bodies / arguments.
 * decode: ET_EINVAL on padding, non-canonical trailing bits or bad chars. */
int crypto_b64_raw_decode(const char *in, size_t inlen, unsigned char *out, size_t cap,
			  size_t *outlen) ET_MUST_CHECK;
/* *out malloc'd, NUL-terminated. */
int crypto_b64_raw_encode(const unsigned char *in, size_t len, char **out) ET_MUST_CHECK;

#endif
