/* crypto/prim.c — thin, checked wrappers over OpenSSL 3 primitives:
 * randomness, SHA-256, HMAC, HKDF, Ed25519, X25519, ChaCha20-Poly1305 with a
 * zero nonce, and secret key files. Every secret is wiped on every path. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/crypto_int.h"

#ifdef ET_TEST_HOOKS
static int (*test_rand)(void *ctx, unsigned char *buf, size_t len);
static void *test_rand_ctx;

void crypto_random_set_test_source(int (*fn)(void *ctx, unsigned char *buf, size_t len), void *ctx)
{
	test_rand = fn;
	test_rand_ctx = ctx;
}
#endif

int crypto_random(void *buf, size_t len)
{
#ifdef ET_TEST_HOOKS
	if (test_rand)
		return test_rand(test_rand_ctx, buf, len) == 0 ? ET_OK : et_fail(ET_ECRYPTO);
#endif
	while (len) {
		int n = len > (1u << 30) ? (1 << 30) : (int)len;
		if (RAND_bytes(buf, n) != 1)
			return et_fail(ET_ECRYPTO);
		buf = (unsigned char *)buf + n;
		len -= (size_t)n;
	}
	return ET_OK;
}

void crypto_wipe(void *p, size_t len)
{
	if (p && len)
		OPENSSL_cleanse(p, len);
}

int crypto_scrypt(const void *pw, size_t pwlen, const void *salt, size_t saltlen, uint64_t n,
		  uint64_t r, uint64_t p, uint64_t maxmem, unsigned char *out, size_t outlen)
{
	if (EVP_PBE_scrypt(pw, pwlen, salt, saltlen, n, r, p, maxmem, out, outlen) != 1)
		return et_fail(ET_ECRYPTO);
	return ET_OK;
}

bool crypto_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int olen = CRYPTO_SHA256_LEN;

	if (EVP_Digest(data, len, out, &olen, EVP_sha256(), NULL) != 1)
		abort(); /* cannot fail with a built-in digest short of memory corruption */
}

struct crypto_sha256 {
	EVP_MD_CTX *ctx;
};

struct crypto_sha256 *crypto_sha256_new(void)
{
	struct crypto_sha256 *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
		return NULL;
	}
	return h;
}

void crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		abort();
}

void crypto_sha256_final(struct crypto_sha256 *h, unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int olen = CRYPTO_SHA256_LEN;

	if (EVP_DigestFinal_ex(h->ctx, out, &olen) != 1)
		abort();
	crypto_sha256_free(h);
}

void crypto_sha256_free(struct crypto_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

struct crypto_hasher {
	EVP_MD *md;
	EVP_MD_CTX *ctx;
};

int crypto_hasher_new(struct crypto_hasher **out)
{
	struct crypto_hasher *h = calloc(1, sizeof *h);

	*out = NULL;
	if (!h)
		return et_fail(ET_ENOMEM);
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx) {
		crypto_hasher_free(h);
		return et_fail(ET_ECRYPTO);
	}
	*out = h;
	return ET_OK;
}

void crypto_hasher_free(struct crypto_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	free(h);
}

void crypto_hasher_sha256(struct crypto_hasher *h, const void *a, size_t alen, const void *b,
			  size_t blen, unsigned char out[CRYPTO_SHA256_LEN])
{
	if (EVP_DigestInit_ex2(h->ctx, h->md, NULL) != 1 ||
	    (alen && EVP_DigestUpdate(h->ctx, a, alen) != 1) ||
	    (blen && EVP_DigestUpdate(h->ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(h->ctx, out, NULL) != 1)
		abort(); /* a built-in digest on an allocated context cannot fail */
}

int crypto_hmac_sha256(const void *key, size_t klen, const void *data, size_t len,
		       unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int olen = CRYPTO_SHA256_LEN;

	if (!HMAC(EVP_sha256(), key, (int)klen, data, len, out, &olen))
		return et_fail(ET_ECRYPTO);
	return ET_OK;
}

int crypto_hkdf_sha256(const void *ikm, size_t ikmlen, const void *salt, size_t saltlen,
		       const void *info, size_t infolen, unsigned char *out, size_t outlen)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	OSSL_PARAM params[5], *p = params;
	static const unsigned char empty[1];
	int rc = ET_OK;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (!kdf) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	kctx = EVP_KDF_CTX_new(kdf);
	if (!kctx) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(ikmlen ? ikm : empty), ikmlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)(saltlen ? salt : empty), saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(infolen ? info : empty), infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, outlen, params) != 1)
		rc = et_fail(ET_ECRYPTO);
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* ---- Ed25519 --------------------------------------------------------- */

int crypto_ed25519_public(const unsigned char seed[32], unsigned char pub[32])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	size_t len = 32;
	int rc = ET_OK;

	if (!pk)
		return et_fail(ET_ECRYPTO);
	if (EVP_PKEY_get_raw_public_key(pk, pub, &len) != 1 || len != 32)
		rc = et_fail(ET_ECRYPTO);
	EVP_PKEY_free(pk);
	return rc;
}

int crypto_ed25519_keygen(unsigned char seed[32], unsigned char pub[32])
{
	int rc = crypto_random(seed, 32);

	if (rc == ET_OK)
		rc = crypto_ed25519_public(seed, pub);
	if (rc)
		crypto_wipe(seed, 32);
	return rc;
}

int crypto_ed25519_sign(const unsigned char seed[32], const void *msg, size_t len,
			unsigned char sig[64])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	EVP_MD_CTX *ctx = NULL;
	size_t slen = 64;
	int rc = ET_OK;

	if (!pk)
		return et_fail(ET_ECRYPTO);
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, msg, len) != 1 || slen != 64)
		rc = et_fail(ET_ECRYPTO);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}

int crypto_ed25519_verify(const unsigned char pub[32], const void *msg, size_t len,
			  const unsigned char sig[64])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *ctx = NULL;
	int rc = ET_EVERIFY;

	if (!pk)
		return ET_EVERIFY;
	ctx = EVP_MD_CTX_new();
	if (!ctx) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
	    EVP_DigestVerify(ctx, sig, 64, msg, len) == 1)
		rc = ET_OK;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}

struct crypto_ed25519_signer {
	EVP_PKEY *key;
	EVP_MD_CTX *ctx;
};

int crypto_ed25519_signer_new(const unsigned char seed[32], struct crypto_ed25519_signer **out)
{
	struct crypto_ed25519_signer *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		return et_fail(ET_ENOMEM);
	s->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	s->ctx = EVP_MD_CTX_new();
	if (!s->key || !s->ctx) {
		crypto_ed25519_signer_free(s);
		return et_fail(ET_ECRYPTO);
	}
	*out = s;
	return ET_OK;
}

int crypto_ed25519_signer_sign(struct crypto_ed25519_signer *s, const void *msg, size_t len,
			       unsigned char sig[64])
{
	size_t slen = 64;

	if (EVP_DigestSignInit(s->ctx, NULL, NULL, NULL, s->key) != 1 ||
	    EVP_DigestSign(s->ctx, sig, &slen, msg, len) != 1 || slen != 64)
		return et_fail(ET_ECRYPTO);
	return ET_OK;
}

void crypto_ed25519_signer_free(struct crypto_ed25519_signer *s)
{
	if (!s)
		return;
	EVP_MD_CTX_free(s->ctx);
	EVP_PKEY_free(s->key);
	free(s);
}

/* ---- X25519 ---------------------------------------------------------- */

int crypto_x25519_public(const unsigned char priv[32], unsigned char pub[32])
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	size_t len = 32;
	int rc = ET_OK;

	if (!pk)
		return et_fail(ET_ECRYPTO);
	if (EVP_PKEY_get_raw_public_key(pk, pub, &len) != 1 || len != 32)
		rc = et_fail(ET_ECRYPTO);
	EVP_PKEY_free(pk);
	return rc;
}

int crypto_x25519_keygen(unsigned char priv[32], unsigned char pub[32])
{
	int rc = crypto_random(priv, 32);

	if (rc == ET_OK)
		rc = crypto_x25519_public(priv, pub);
	if (rc)
		crypto_wipe(priv, 32);
	return rc;
}

int crypto_x25519(const unsigned char priv[32], const unsigned char peer[32],
		  unsigned char shared[32])
{
	static const unsigned char zero[32];
	EVP_PKEY *sk = NULL, *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = 32;
	int rc = ET_OK;

	sk = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
	if (!sk || !pk) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	ctx = EVP_PKEY_CTX_new(sk, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, pk) != 1 ||
	    EVP_PKEY_derive(ctx, shared, &len) != 1 || len != 32) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	if (crypto_ct_equal(shared, zero, 32)) {
		crypto_wipe(shared, 32);
		rc = et_fail(ET_ECRYPTO);
	}
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(pk);
	return rc;
}

/* ---- ChaCha20-Poly1305, zero nonce ----------------------------------- */

static int aead(int enc, const unsigned char key[32], const unsigned char *in, size_t len,
		unsigned char *out)
{
	static const unsigned char nonce[12];
	EVP_CIPHER_CTX *ctx;
	int outl = 0, rc = ET_OK;
	size_t n;

	if (!enc && len < 16)
		return ET_ECRYPTO;
	n = enc ? len : len - 16;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return et_fail(ET_ENOMEM);
	if (EVP_CipherInit_ex(ctx, EVP_chacha20_poly1305(), NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)n) != 1) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	if (!enc &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(in + n)) != 1) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	if (EVP_CipherFinal_ex(ctx, out + outl, &outl) != 1) {
		rc = ET_ECRYPTO;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out + n) != 1)
		rc = et_fail(ET_ECRYPTO);
out:
	if (rc)
		crypto_wipe(out, n);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int crypto_aead_seal_zero_nonce(const unsigned char key[32], const unsigned char *in, size_t len,
				unsigned char *out)
{
	return aead(1, key, in, len, out);
}

int crypto_aead_open_zero_nonce(const unsigned char key[32], const unsigned char *in, size_t len,
				unsigned char *out)
{
	return aead(0, key, in, len, out);
}

/* ---- key files ------------------------------------------------------- */

int crypto_write_secret_file(const char *path, const void *data, size_t len)
{
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? ET_EEXIST : et_fail(ET_EIO);
	rc = et_write_all(fd, data, len);
	if (rc == ET_OK && fsync(fd) != 0)
		rc = et_fail(ET_EIO);
	if (close(fd) != 0 && rc == ET_OK)
		rc = et_fail(ET_EIO);
	if (rc)
		unlink(path);
	return rc;
}
