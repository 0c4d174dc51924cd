/* stats/frac.c — exact fractions over OpenSSL BIGNUMs: the arithmetic of
 * every rate and mean, rounding half away from zero, and decimal output by
 * integer division (no floating point anywhere). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "stats/stats_int.h"

int st_frac_init(struct st_frac *f)
{
	f->n = BN_new();
	f->d = BN_new();
	if (!f->n || !f->d || !BN_one(f->d))
		return et_fail(ET_ENOMEM);
	BN_zero(f->n);
	return ET_OK;
}

void st_frac_free(struct st_frac *f)
{
	BN_free(f->n);
	BN_free(f->d);
	f->n = f->d = NULL;
}

/* Make the denominator positive and divide both by their gcd. */
static int reduce(struct st_frac *f)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *g = BN_new();
	int rc = ET_ENOMEM;

	if (!ctx || !g)
		goto out;
	if (BN_is_zero(f->d)) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (BN_is_negative(f->d)) {
		BN_set_negative(f->d, 0);
		BN_set_negative(f->n, !BN_is_negative(f->n));
	}
	if (BN_is_zero(f->n)) {
		if (!BN_one(f->d))
			goto out;
		rc = ET_OK;
		goto out;
	}
	if (!BN_gcd(g, f->n, f->d, ctx) || !BN_div(f->n, NULL, f->n, g, ctx) ||
	    !BN_div(f->d, NULL, f->d, g, ctx))
		goto out;
	rc = ET_OK;
out:
	BN_free(g);
	BN_CTX_free(ctx);
	return rc;
}

static int bn_set_i64(BIGNUM *b, int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (!BN_set_word(b, m))
		return et_fail(ET_ENOMEM);
	BN_set_negative(b, v < 0);
	return ET_OK;
}

int st_frac_set(struct st_frac *f, int64_t num, int64_t den)
{
	int rc;

	if (den == 0)
		return et_fail(ET_EINVAL);
	if ((rc = bn_set_i64(f->n, num)) || (rc = bn_set_i64(f->d, den)))
		return rc;
	return reduce(f);
}

/* r = (an*bd op bn*ad) / (ad*bd); op: +1 add, -1 sub. */
static int addsub(struct st_frac *r, const struct st_frac *a, const struct st_frac *b, int op)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *x = BN_new(), *y = BN_new(), *z = BN_new();
	int rc = ET_ENOMEM;

	if (!ctx || !x || !y || !z)
		goto out;
	if (!BN_mul(x, a->n, b->d, ctx) || !BN_mul(y, b->n, a->d, ctx) ||
	    !BN_mul(z, a->d, b->d, ctx))
		goto out;
	if (!(op > 0 ? BN_add(x, x, y) : BN_sub(x, x, y)))
		goto out;
	if (!BN_copy(r->n, x) || !BN_copy(r->d, z))
		goto out;
	rc = reduce(r);
out:
	BN_free(x);
	BN_free(y);
	BN_free(z);
	BN_CTX_free(ctx);
	return rc;
}

int st_frac_add(struct st_frac *r, const struct st_frac *a, const struct st_frac *b)
{
	return addsub(r, a, b, 1);
}

int st_frac_sub(struct st_frac *r, const struct st_frac *a, const struct st_frac *b)
{
	return addsub(r, a, b, -1);
}

/* r = (a.n * bn) / (a.d * bd) with bn, bd the numerator and denominator of b
 * (swapped for division). */
static int muldiv(struct st_frac *r, const struct st_frac *a, const BIGNUM *bn, const BIGNUM *bd)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *x = BN_new(), *y = BN_new();
	int rc = ET_ENOMEM;

	if (!ctx || !x || !y)
		goto out;
	if (BN_is_zero(bd)) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (!BN_mul(x, a->n, bn, ctx) || !BN_mul(y, a->d, bd, ctx) || !BN_copy(r->n, x) ||
	    !BN_copy(r->d, y))
		goto out;
	rc = reduce(r);
out:
	BN_free(x);
	BN_free(y);
	BN_CTX_free(ctx);
	return rc;
}

int st_frac_mul(struct st_frac *r, const struct st_frac *a, const struct st_frac *b)
{
	return muldiv(r, a, b->n, b->d);
}

int st_frac_div(struct st_frac *r, const struct st_frac *a, const struct st_frac *b)
{
	return muldiv(r, a, b->d, b->n);
}

/* q = round half away from zero of |n| * 10^places / d (d > 0); *neg says
 * whether n < 0. */
static int scaled_round(const BIGNUM *n, const BIGNUM *d, int places, BIGNUM *q, int *neg)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *a = BN_dup(n), *p = BN_new(), *ten = BN_new(), *r = BN_new(), *e = BN_new();
	int rc = ET_ENOMEM;

	if (!ctx || !a || !p || !ten || !r || !e)
		goto out;
	*neg = BN_is_negative(n);
	BN_set_negative(a, 0);
	if (!BN_set_word(ten, 10) || !BN_set_word(e, (BN_ULONG)places) || !BN_exp(p, ten, e, ctx) ||
	    !BN_mul(a, a, p, ctx) || !BN_div(q, r, a, d, ctx) || !BN_lshift1(r, r))
		goto out;
	if (BN_cmp(r, d) >= 0 && !BN_add_word(q, 1))
		goto out;
	rc = ET_OK;
out:
	BN_free(a);
	BN_free(p);
	BN_free(ten);
	BN_free(r);
	BN_free(e);
	BN_CTX_free(ctx);
	return rc;
}

int st_frac_round(const struct st_frac *f, int64_t *out)
{
	BIGNUM *q = BN_new();
	int neg = 0, rc = ET_ENOMEM;

	if (!q || (rc = scaled_round(f->n, f->d, 0, q, &neg)))
		goto out;
	rc = et_fail(ET_ELIMIT);
	if (BN_num_bits(q) > 63)
		goto out;
	*out = (int64_t)BN_get_word(q);
	if (neg)
		*out = -*out;
	rc = ET_OK;
out:
	BN_free(q);
	return rc;
}

/* Write sign, q with places fraction digits; strip trailing zeros if asked. */
static int write_fixed(const BIGNUM *q, int neg, int places, bool strip, char *out, size_t cap)
{
	char *s = BN_bn2dec(q);
	char digits[512];
	size_t len, ip, o = 0;
	int rc = ET_ENOMEM;

	if (!s)
		goto out;
	len = strlen(s);
	rc = et_fail(ET_ELIMIT);
	if (len + (size_t)places + 4 > sizeof digits || cap < 2)
		goto out;
	/* left-pad to at least places + 1 digits */
	memset(digits, '0', sizeof digits);
	if (len < (size_t)places + 1) {
		memcpy(digits + ((size_t)places + 1 - len), s, len);
		len = (size_t)places + 1;
	} else {
		memcpy(digits, s, len);
	}
	ip = len - (size_t)places;
	if (strip) {
		while (places > 0 && digits[ip + (size_t)places - 1] == '0')
			places--;
	}
	if (neg && !BN_is_zero(q))
		out[o++] = '-';
	if (o + ip + 1 + (size_t)places + 1 > cap)
		goto out;
	memcpy(out + o, digits, ip);
	o += ip;
	if (places > 0) {
		out[o++] = '.';
		memcpy(out + o, digits + ip, (size_t)places);
		o += (size_t)places;
	}
	out[o] = '\0';
	rc = ET_OK;
out:
	OPENSSL_free(s);
	return rc;
}

int st_frac_fixed(const struct st_frac *f, int places, char *out, size_t cap)
{
	BIGNUM *q = BN_new();
	int neg = 0, rc = ET_ENOMEM;

	if (places < 0 || places > 60) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (!q || (rc = scaled_round(f->n, f->d, places, q, &neg)))
		goto out;
	rc = write_fixed(q, neg, places, false, out, cap);
out:
	BN_free(q);
	return rc;
}

/* sig significant digits, by choosing the fraction digits from the
 * magnitude: integer part of k digits -> sig - k; 0.00x -> sig + zeros. */
static int frac_decimal(const struct st_frac *f, int sig, char *out, size_t cap)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *ip = BN_new(), *t = BN_dup(f->n), *q = BN_new();
	char *s = NULL;
	int places, neg = 0, rc = ET_ENOMEM;

	if (!ctx || !ip || !t || !q)
		goto out;
	BN_set_negative(t, 0);
	if (!BN_div(ip, NULL, t, f->d, ctx))
		goto out;
	if (BN_is_zero(t)) {
		places = 0;
	} else if (!BN_is_zero(ip)) {
		if (!(s = BN_bn2dec(ip)))
			goto out;
		places = sig - (int)strlen(s);
		if (places < 0)
			places = 0;
	} else {
		places = sig;
		if (!BN_mul_word(t, 10))
			goto out;
		while (BN_cmp(t, f->d) < 0) {
			if (!BN_mul_word(t, 10))
				goto out;
			places++;
		}
	}
	if ((rc = scaled_round(f->n, f->d, places, q, &neg)))
		goto out;
	rc = write_fixed(q, neg, places, true, out, cap);
out:
	OPENSSL_free(s);
	BN_free(ip);
	BN_free(t);
	BN_free(q);
	BN_CTX_free(ctx);
	return rc;
}

int st_frac_value(const struct st_frac *f, struct stats_value *v)
{
	char *a = BN_bn2dec(f->n), *b = BN_bn2dec(f->d);
	int rc = ET_ENOMEM, k;

	memset(v, 0, sizeof *v);
	if (!a || !b)
		goto out;
	if (BN_is_one(f->d))
		k = snprintf(v->exact, sizeof v->exact, "%s", a);
	else
		k = snprintf(v->exact, sizeof v->exact, "%s/%s", a, b);
	rc = et_fail(ET_ELIMIT);
	if (k < 0 || (size_t)k >= sizeof v->exact)
		goto out;
	rc = frac_decimal(f, STATS_SIG, v->dec, sizeof v->dec);
out:
	OPENSSL_free(a);
	OPENSSL_free(b);
	return rc;
}

/* num/den from decimal strings into f. */
static int frac_from_str(struct st_frac *f, const char *num, const char *den)
{
	int rc;

	if ((rc = st_frac_init(f)))
		return rc;
	if (!num || !den || !*num || !*den || strlen(num) > 400 || strlen(den) > 400)
		return et_fail(ET_EINVAL);
	if ((size_t)BN_dec2bn(&f->n, num) != strlen(num) ||
	    (size_t)BN_dec2bn(&f->d, den) != strlen(den))
		return et_fail(ET_EINVAL);
	return reduce(f);
}

int stats_round_div(const char *num, const char *den, int64_t *out)
{
	struct st_frac f = { NULL, NULL };
	int rc;

	if ((rc = frac_from_str(&f, num, den)))
		goto out;
	rc = st_frac_round(&f, out);
out:
	st_frac_free(&f);
	return rc;
}

int stats_decimal(const char *num, const char *den, int sig, char *out, size_t cap)
{
	struct st_frac f = { NULL, NULL };
	int rc = et_fail(ET_EINVAL);

	if (sig < 12 || sig > 40 || !out)
		goto out;
	if ((rc = frac_from_str(&f, num, den)))
		goto out;
	rc = frac_decimal(&f, sig, out, cap);
out:
	st_frac_free(&f);
	return rc;
}
