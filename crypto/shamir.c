/* crypto/shamir.c — Shamir k-of-n secret sharing over GF(2^8) with the field
 * polynomial x^8+x^4+x^3+x^2+1 (0x11d), byte for byte compatible with
 * libgfshare. Constant time: no table lookup and no branch on secret bytes
 * (multiply by shift and masked xor, inverse as x^254). The x-coordinates
 * are public and may be branched on. See docs/formats.md. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

/* a * b in GF(2^8) mod 0x11d, in constant time. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;
	int i;

	for (i = 0; i < 8; i++) {
		r ^= (uint8_t)(-(b & 1u)) & a;
		a = (uint8_t)((a << 1) ^ ((uint8_t)(-(a >> 7)) & 0x1du));
		b >>= 1;
	}
	return r;
}

/* a^254 = a^-1 (and 0 for 0): a fixed chain of squarings and products. */
static uint8_t gf_inv(uint8_t a)
{
	uint8_t sq = gf_mul(a, a); /* a^2 */
	uint8_t r = sq;            /* a^2 */
	int i;

	for (i = 0; i < 6; i++) {
		sq = gf_mul(sq, sq); /* a^4, a^8, ..., a^128 */
		r = gf_mul(r, sq);
	}
	return r; /* a^(2+4+...+128) = a^254 */
}

/* xs must be nonzero and pairwise distinct; they are public. */
static int ET_MUST_CHECK check_xs(const unsigned char *xs, unsigned n)
{
	unsigned i, j;

	for (i = 0; i < n; i++) {
		if (xs[i] == 0)
			return ET_EINVAL;
		for (j = 0; j < i; j++)
			if (xs[i] == xs[j])
				return ET_EINVAL;
	}
	return ET_OK;
}

/* Coefficients are drawn with one crypto_random() call of (k-1)*len bytes
 * laid out as libgfshare's buffer: block 0 is the coefficient of x^(k-1),
 * block k-2 the coefficient of x^1; the secret is the constant term. Each
 * share is evaluated by Horner's rule from the highest degree down. */
int crypto_shamir_split(const unsigned char *secret, size_t len, unsigned k, unsigned n,
			const unsigned char *xs, unsigned char *const *shares)
{
	unsigned char *coef = NULL;
	size_t clen = 0, pos;
	unsigned i, c;
	bool drawn = false;
	int rc = ET_OK;

	if (!secret || !xs || !shares || len == 0 || k < 2 || k > n ||
	    n > CRYPTO_SHAMIR_MAX_SHARES) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!shares[i]) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
	rc = check_xs(xs, n);
	if (rc)
		goto out;
	if (len > SIZE_MAX / (k - 1)) {
		rc = et_fail(ET_ELIMIT);
		goto out;
	}
	clen = (size_t)(k - 1) * len;
	coef = malloc(clen);
	if (!coef) {
		clen = 0;
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	drawn = true;
	rc = crypto_random(coef, clen);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		unsigned char *y = shares[i];
		const uint8_t x = xs[i];

		memcpy(y, coef, len);
		for (c = 1; c < k - 1; c++)
			for (pos = 0; pos < len; pos++)
				y[pos] = (unsigned char)(gf_mul(y[pos], x) ^ coef[c * len + pos]);
		for (pos = 0; pos < len; pos++)
			y[pos] = (unsigned char)(gf_mul(y[pos], x) ^ secret[pos]);
	}
out:
	if (rc && drawn) /* arguments were valid: leave no partial share */
		for (i = 0; i < n; i++)
			crypto_wipe(shares[i], len);
	crypto_wipe(coef, clen);
	free(coef);
	return rc;
}

/* Lagrange interpolation at 0: secret = sum_i y_i * prod_{j!=i} x_j / (x_i ^ x_j).
 * The basis values depend only on the public xs. */
int crypto_shamir_combine(const unsigned char *xs, const unsigned char *const *shares,
			  unsigned m, size_t len, unsigned char *secret)
{
	unsigned i, j;
	size_t pos;
	int rc;

	if (!xs || !shares || !secret || len == 0 || m < 1 || m > CRYPTO_SHAMIR_MAX_SHARES)
		return et_fail(ET_EINVAL);
	for (i = 0; i < m; i++)
		if (!shares[i])
			return et_fail(ET_EINVAL);
	rc = check_xs(xs, m);
	if (rc)
		return rc;
	memset(secret, 0, len);
	for (i = 0; i < m; i++) {
		uint8_t num = 1, den = 1, l;

		for (j = 0; j < m; j++) {
			if (j == i)
				continue;
			num = gf_mul(num, xs[j]);
			den = gf_mul(den, (uint8_t)(xs[i] ^ xs[j]));
		}
		l = gf_mul(num, gf_inv(den));
		for (pos = 0; pos < len; pos++)
			secret[pos] ^= gf_mul(shares[i][pos], l);
	}
	return ET_OK;
}
