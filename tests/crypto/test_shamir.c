/* tests/crypto/test_shamir.c — Shamir k-of-n over GF(2^8): the libgfshare
 * known answer (tests/vectors/shamir), every k-subset rebuilds, k-1 shares
 * say nothing about the secret, and argument checks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

#ifdef ET_TEST_HOOKS
/* Test RNG: hands out the bytes of a fixed buffer in order. */
struct seq_rand {
	const unsigned char *p;
	size_t len, off;
};

static int seq_rand_fn(void *ctx, unsigned char *buf, size_t len)
{
	struct seq_rand *s = ctx;

	if (len > s->len - s->off)
		return -1;
	memcpy(buf, s->p + s->off, len);
	s->off += len;
	return 0;
}
#endif

static char *read_vector(const char *rel)
{
	const char *dir = getenv("ET_VECTORS");
	char path[1024];
	unsigned char *d = NULL;
	size_t n = 0;
	int w;

	ck_assert_ptr_nonnull(dir);
	w = snprintf(path, sizeof path, "%s/%s", dir, rel);
	ck_assert(w > 0 && (size_t)w < sizeof path);
	ck_assert_int_eq(et_read_file(path, 1u << 20, &d, &n), ET_OK);
	return (char *)d; /* et_buf keeps a NUL after the data */
}

/* The hex string value of "key": "..." after *from; advances *from. */
static void json_hex(const char **from, const char *key, unsigned char *out, size_t n)
{
	char pat[64], hex[1024];
	const char *p, *q;
	int w = snprintf(pat, sizeof pat, "\"%s\": \"", key);

	ck_assert(w > 0 && (size_t)w < sizeof pat);
	p = strstr(*from, pat);
	ck_assert_ptr_nonnull(p);
	p += strlen(pat);
	q = strchr(p, '"');
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((size_t)(q - p), 2 * n);
	memcpy(hex, p, (size_t)(q - p));
	hex[q - p] = 0;
	ck_assert_int_eq(et_hex_decode(hex, out, n), ET_OK);
	*from = q;
}

static unsigned json_uint(const char **from, const char *key)
{
	char pat[64];
	const char *p, *q;
	uint64_t v;
	int w = snprintf(pat, sizeof pat, "\"%s\": ", key);

	ck_assert(w > 0 && (size_t)w < sizeof pat);
	p = strstr(*from, pat);
	ck_assert_ptr_nonnull(p);
	p += strlen(pat);
	for (q = p; *q >= '0' && *q <= '9'; q++)
		;
	ck_assert_int_eq(et_parse_u64(p, (size_t)(q - p), &v), ET_OK);
	*from = q;
	return (unsigned)v;
}

START_TEST(libgfshare_vector)
{
#ifdef ET_TEST_HOOKS
	unsigned char secret[16], rnd[32], y[5][16], got[5][16], back[16];
	unsigned char xs[5], *sp[5];
	const unsigned char *cp[3];
	unsigned char cx[3];
	struct seq_rand sr;
	char *json = read_vector("shamir/libgfshare-2.0.0-deterministic.json");
	const char *p = json;
	unsigned k, i;

	k = json_uint(&p, "threshold");
	ck_assert_uint_eq(k, 3);
	json_hex(&p, "secret_hex", secret, 16);
	json_hex(&p, "fill_rand_bytes_hex", rnd, 32);
	for (i = 0; i < 5; i++) {
		xs[i] = (unsigned char)json_uint(&p, "x");
		json_hex(&p, "y_hex", y[i], 16);
		sp[i] = got[i];
	}
	free(json);

	sr = (struct seq_rand){ rnd, sizeof rnd, 0 };
	crypto_random_set_test_source(seq_rand_fn, &sr);
	ck_assert_int_eq(crypto_shamir_split(secret, 16, k, 5, xs, sp), ET_OK);
	crypto_random_set_test_source(NULL, NULL);
	ck_assert_uint_eq(sr.off, 32); /* exactly (k-1)*len bytes, one draw */
	for (i = 0; i < 5; i++)
		ck_assert_mem_eq(got[i], y[i], 16);
	/* and the vector's shares recombine, x = 255 included */
	cx[0] = xs[4]; cp[0] = y[4];
	cx[1] = xs[0]; cp[1] = y[0];
	cx[2] = xs[2]; cp[2] = y[2];
	ck_assert_int_eq(crypto_shamir_combine(cx, cp, 3, 16, back), ET_OK);
	ck_assert_mem_eq(back, secret, 16);
#endif
}
END_TEST

/* Every k-subset of n shares rebuilds the secret, and so does any larger set. */
static void all_subsets(unsigned k, unsigned n, size_t len)
{
	unsigned char secret[64], shares[8][64], back[64], xs[8], cx[8];
	unsigned char *sp[8];
	const unsigned char *cp[8];
	unsigned mask, i, m;

	ck_assert(n <= 8 && len <= 64);
	ck_assert_int_eq(crypto_random(secret, len), ET_OK);
	for (i = 0; i < n; i++) {
		xs[i] = (unsigned char)(i + 1);
		sp[i] = shares[i];
	}
	ck_assert_int_eq(crypto_shamir_split(secret, len, k, n, xs, sp), ET_OK);
	for (mask = 1; mask < (1u << n); mask++) {
		m = 0;
		for (i = 0; i < n; i++)
			if (mask & (1u << i)) {
				cx[m] = xs[i];
				cp[m] = shares[i];
				m++;
			}
		ck_assert_int_eq(crypto_shamir_combine(cx, cp, m, len, back), ET_OK);
		if (m >= k)
			ck_assert_mem_eq(back, secret, len);
		else
			ck_assert(memcmp(back, secret, len) != 0); /* fails with p = 2^-8len */
	}
}

START_TEST(every_subset_3_of_5)
{
	int rep;

	for (rep = 0; rep < 20; rep++)
		all_subsets(3, 5, 16);
	all_subsets(2, 2, 16);
	all_subsets(2, 8, 32);
	all_subsets(8, 8, 16);
	all_subsets(5, 7, 64);
}
END_TEST

START_TEST(many_shares)
{
	unsigned char secret[16], back[16], xs[255], *sp[255], *buf;
	const unsigned char *cp[255];
	unsigned char cx[255];
	unsigned i;

	buf = malloc(255 * 16);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(crypto_random(secret, 16), ET_OK);
	for (i = 0; i < 255; i++) {
		xs[i] = (unsigned char)(255 - i);
		sp[i] = buf + 16 * i;
	}
	ck_assert_int_eq(crypto_shamir_split(secret, 16, 200, 255, xs, sp), ET_OK);
	for (i = 0; i < 200; i++) {
		cx[i] = xs[254 - i];
		cp[i] = sp[254 - i];
	}
	ck_assert_int_eq(crypto_shamir_combine(cx, cp, 200, 16, back), ET_OK);
	ck_assert_mem_eq(back, secret, 16);
	ck_assert_int_eq(crypto_shamir_combine(cx, cp, 199, 16, back), ET_OK);
	ck_assert(memcmp(back, secret, 16) != 0);
	free(buf);
}
END_TEST

/* k-1 shares are consistent with every secret: for each candidate s', the
 * polynomial through (0, s') and the two known shares of a 3-of-n split
 * gives a third share (found by interpolating at x3, i.e. at 0 after the
 * shift x -> x ^ x3, a translation in characteristic 2) with which the
 * three combine to s'. So two shares rule out no secret at all. */
START_TEST(k_minus_1_reveals_nothing)
{
	unsigned char secret[1] = { 0x5a }, s1[1], s2[1], s3[1];
	unsigned char xs[3] = { 1, 2, 3 }, *sp[3] = { s1, s2, s3 };
	unsigned cand;

	ck_assert_int_eq(crypto_shamir_split(secret, 1, 3, 3, xs, sp), ET_OK);
	for (cand = 0; cand < 256; cand++) {
		const unsigned char x3 = 3;
		unsigned char c = (unsigned char)cand, y3[1], back[1];
		unsigned char tx[3] = { 0 ^ x3, 1 ^ x3, 2 ^ x3 };
		const unsigned char *ty[3] = { &c, s1, s2 };
		unsigned char bx[3] = { 1, 2, x3 };
		const unsigned char *by[3] = { s1, s2, y3 };

		ck_assert_int_eq(crypto_shamir_combine(tx, ty, 3, 1, y3), ET_OK);
		ck_assert_int_eq(crypto_shamir_combine(bx, by, 3, 1, back), ET_OK);
		ck_assert_uint_eq(back[0], c);
	}
}
END_TEST

/* One share of a 2-of-n split of a fixed secret is uniform: a coarse
 * histogram test, for secret 0x00 and 0xff alike. */
START_TEST(one_share_uniform)
{
	static unsigned hist[2][16];
	unsigned char secret[2] = { 0x00, 0xff }, y[1], y2[1], xs[2] = { 7, 9 }, *sp[2] = { y, y2 };
	unsigned t, s, b;

	memset(hist, 0, sizeof hist);
	for (s = 0; s < 2; s++)
		for (t = 0; t < 16000; t++) {
			ck_assert_int_eq(crypto_shamir_split(&secret[s], 1, 2, 2, xs, sp), ET_OK);
			hist[s][y[0] >> 4]++;
		}
	for (s = 0; s < 2; s++)
		for (b = 0; b < 16; b++) /* expected 1000 each; 6 sigma is ~ +-180 */
			ck_assert(hist[s][b] > 800 && hist[s][b] < 1200);
}
END_TEST

#ifdef ET_TEST_HOOKS
static int failing_rand(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -1;
}
#endif

START_TEST(bad_arguments)
{
	unsigned char secret[16] = { 1 }, a[16], b[16], c[16], out[16];
	unsigned char *sp[3] = { a, b, c };
	const unsigned char *cp[3] = { a, b, c };
	unsigned char xs[3] = { 1, 2, 3 }, dup[3] = { 1, 2, 1 }, zero[3] = { 0, 1, 2 };

	ck_assert_int_eq(crypto_shamir_split(secret, 16, 1, 3, xs, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_split(secret, 16, 4, 3, xs, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_split(secret, 0, 2, 3, xs, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_split(secret, 16, 2, 3, dup, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_split(secret, 16, 2, 3, zero, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_split(secret, 16, 2, 256, xs, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_split(NULL, 16, 2, 3, xs, sp), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_combine(dup, cp, 3, 16, out), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_combine(zero, cp, 3, 16, out), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_combine(xs, cp, 0, 16, out), ET_EINVAL);
	ck_assert_int_eq(crypto_shamir_combine(xs, cp, 3, 0, out), ET_EINVAL);
#ifdef ET_TEST_HOOKS
	/* an RNG failure aborts and leaves no partial share behind */
	memset(a, 0xee, 16);
	crypto_random_set_test_source(failing_rand, NULL);
	ck_assert_int_eq(crypto_shamir_split(secret, 16, 2, 3, xs, sp), ET_ECRYPTO);
	crypto_random_set_test_source(NULL, NULL);
	memset(out, 0, 16);
	ck_assert_mem_eq(a, out, 16);
#endif
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crypto_shamir");
	TCase *tc = tcase_create("shamir");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, libgfshare_vector);
	tcase_add_test(tc, every_subset_3_of_5);
	tcase_add_test(tc, many_shares);
	tcase_add_test(tc, k_minus_1_reveals_nothing);
	tcase_add_test(tc, one_share_uniform);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
