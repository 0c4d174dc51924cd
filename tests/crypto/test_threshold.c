/* tests/crypto/test_threshold.c — the etender-share stanza: the exact
 * vectors of docs/formats.md, every k-subset of 3-of-5 opens and k-1 does
 * not, binding to tender/bid/part/index, per-holder keys, tampering and
 * strict parsing with their attribution (ET_ESEALER / ET_EKEY), the keyless
 * header check, and end to end through crypto/age.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

#define FK_LEN CRYPTO_AGE_FILE_KEY_LEN

static void unhex(const char *h, unsigned char *out, size_t n)
{
	ck_assert_int_eq(et_hex_decode(h, out, n), ET_OK);
}

/* unpadded base64, as in age; *out malloc'd */
static char *b64raw(const unsigned char *in, size_t n)
{
	size_t el = et_b64_encoded_len(n);
	char *s = malloc(el + 1);

	ck_assert_ptr_nonnull(s);
	et_b64_encode(in, n, s);
	while (el && s[el - 1] == '=')
		s[--el] = 0;
	return s;
}

/* ---- building headers ------------------------------------------------- */

/* The age v1 header text for stanzas l, MAC'd with fk. *raw malloc'd. */
static void serialize(const struct crypto_stanza_list *l, const unsigned char *fk,
		      unsigned char **raw, size_t *len, size_t *mac_input_len,
		      unsigned char mac[32])
{
	struct et_buf b;
	unsigned char hk[32];
	char *m;
	size_t i, j;

	et_buf_init(&b, ET_AGE_MAX_HEADER);
	ck_assert_int_eq(et_buf_addstr(&b, "age-encryption.org/v1\n"), ET_OK);
	for (i = 0; i < l->n; i++) {
		char *body = b64raw(l->v[i].body, l->v[i].body_len);
		size_t bl = strlen(body);

		ck_assert_int_eq(et_buf_printf(&b, "-> %s", l->v[i].type), ET_OK);
		for (j = 0; j < l->v[i].nargs; j++)
			ck_assert_int_eq(et_buf_printf(&b, " %s", l->v[i].args[j]), ET_OK);
		ck_assert_int_eq(et_buf_addstr(&b, "\n"), ET_OK);
		for (j = 0; j <= bl; j += 64) { /* last line shorter than 64, maybe empty */
			size_t n = bl - j < 64 ? bl - j : 64;
			ck_assert_int_eq(et_buf_add(&b, body + j, n), ET_OK);
			ck_assert_int_eq(et_buf_addstr(&b, "\n"), ET_OK);
		}
		free(body);
	}
	ck_assert_int_eq(et_buf_addstr(&b, "---"), ET_OK);
	*mac_input_len = b.len;
	ck_assert_int_eq(crypto_hkdf_sha256(fk, FK_LEN, NULL, 0, "header", 6, hk, 32), ET_OK);
	ck_assert_int_eq(crypto_hmac_sha256(hk, 32, b.data, b.len, mac), ET_OK);
	m = b64raw(mac, 32);
	ck_assert_int_eq(et_buf_printf(&b, " %s\n", m), ET_OK);
	free(m);
	*raw = et_buf_steal(&b, len);
}

/* A parsed header holding the stanzas of l (which is emptied), MAC'd with fk. */
static struct crypto_age_header *make_header(struct crypto_stanza_list *l, const unsigned char *fk)
{
	struct crypto_age_header *hdr = NULL;
	unsigned char *raw, mac[32];
	size_t len, mil;

	serialize(l, fk, &raw, &len, &mil, mac);
	{
		size_t hl = 0;
		ck_assert_int_eq(crypto_age_header_parse(raw, len, &hdr, &hl), ET_OK);
		ck_assert_uint_eq(hl, len);
		ck_assert_uint_eq(hdr->mac_input_len, mil);
		ck_assert_mem_eq(hdr->mac, mac, 32);
		free(raw);
		crypto_stanza_list_free(l);
	}
	return hdr;
}

/* What age.c does with one identity: unwrap, then check the MAC. */
static int open_with(const struct crypto_age_identity *id, const struct crypto_age_header *hdr,
		     unsigned char fk[FK_LEN])
{
	int rc = id->unwrap(id, hdr->stanzas.v, hdr->stanzas.n, fk);

	if (rc)
		return rc;
	rc = crypto_age_header_check_mac(hdr, fk);
	if (rc == ET_EHMAC && id->sealer_fault_on_mac)
		rc = ET_ESEALER;
	return rc;
}

/* ---- fixtures --------------------------------------------------------- */

static const struct crypto_threshold_binding bind_a = { "ZB-2026-0042", "bid-7f3a", 1 };

static unsigned char privs[ET_THRESHOLD_MAX_HOLDERS][32], pubs[ET_THRESHOLD_MAX_HOLDERS][32];

/* holder i (1-based) private key: bytes 0x40*i + 0x20 + j (mod 256), j = 0..31 */
static void fixed_holders(unsigned n)
{
	unsigned i, j;

	for (i = 1; i <= n; i++) {
		for (j = 0; j < 32; j++)
			privs[i - 1][j] = (unsigned char)(0x40 * i + 0x20 + j);
		ck_assert_int_eq(crypto_x25519_public(privs[i - 1], pubs[i - 1]), ET_OK);
	}
}

static void random_holders(unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(crypto_x25519_keygen(privs[i], pubs[i]), ET_OK);
}

/* Seal fk k-of-n under binding b with the current holders. */
static struct crypto_age_header *seal(const struct crypto_threshold_binding *b, unsigned k,
				      unsigned n, const unsigned char *fk)
{
	struct crypto_age_recipient *r = NULL;
	struct crypto_stanza_list l = { 0 };

	ck_assert_int_eq(crypto_threshold_recipient_new(b, k, n, pubs, &r), ET_OK);
	ck_assert_int_eq(r->wrap(r, fk, &l), ET_OK);
	ck_assert_uint_eq(l.n, n);
	r->destroy(r);
	return make_header(&l, fk);
}

static struct crypto_age_identity *ident(const struct crypto_threshold_binding *b,
					 const unsigned *idx, unsigned m)
{
	unsigned char p[ET_THRESHOLD_MAX_HOLDERS][32];
	struct crypto_age_identity *id = NULL;
	unsigned j;

	for (j = 0; j < m; j++)
		memcpy(p[j], privs[idx[j] - 1], 32);
	ck_assert_int_eq(crypto_threshold_identity_new(b, idx, p, m, &id), ET_OK);
	crypto_wipe(p, sizeof p);
	return id;
}

#ifdef ET_TEST_HOOKS
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

/* ---- the vectors of docs/formats.md ---------------------------------- */

/* Vector 1: 2-of-3, tender "ZB-2026-0042", bid "bid-7f3a", part 1. */
static const char *const v1_args[3][5] = {
	{ "1", "2", "3", "eaYx7t4b+cmPEgMs3q3Q56B5OY/HhriMyEbsia+FpRo", "Z13VdO13iTELPS52gfN5C0ZsdzsVIf7PNld5WDcepS8" },
	{ "2", "2", "3", "ST6C/HRGSlkmiBdiPSBTxeuOLMSpiLT+4XnsawENUx0", "YFpyXSpK3+6xop4X7dYhwbdZPujNvESsbEq24vgF0jw" },
	{ "3", "2", "3", "3CzKMejkO72R3/fkdcyjNH60eBB9W9dlq6SuSjDDXUQ", "c2hF1U6H3gnWuxFKpwQsUKSgFb2ZAdGgAm9ZVlM6FRk" },
};
static const char *const v1_body[3] = { "ruv66vPwkvwoh76w+D1OwbYLM/QU6DTFuFDbO60I9sI", "eTRUXzDbHiUhOGyt9WF2RAJ1OZWqItbrbmHktpmcjRc", "ZSUH2Rj+fDZ/uwi8i8F5+pC4Ux53dMlBAmxYLBt+mZY" };
static const char *const v1_share[3] = { "feddb89b72513417092a4f6c85a6c3e0", "e1a46b2ee8ad62270a4f80c5034689cc", "1f78d1b69ef950370b6cc5a28aed4423" };
static const char v1_header[] =
	"age-encryption.org/v1\n"
	"-> etender-share 1 2 3 eaYx7t4b+cmPEgMs3q3Q56B5OY/HhriMyEbsia+FpRo Z13VdO13iTELPS52gfN5C0ZsdzsVIf7PNld5WDcepS8\n"
	"ruv66vPwkvwoh76w+D1OwbYLM/QU6DTFuFDbO60I9sI\n"
	"-> etender-share 2 2 3 ST6C/HRGSlkmiBdiPSBTxeuOLMSpiLT+4XnsawENUx0 YFpyXSpK3+6xop4X7dYhwbdZPujNvESsbEq24vgF0jw\n"
	"eTRUXzDbHiUhOGyt9WF2RAJ1OZWqItbrbmHktpmcjRc\n"
	"-> etender-share 3 2 3 3CzKMejkO72R3/fkdcyjNH60eBB9W9dlq6SuSjDDXUQ c2hF1U6H3gnWuxFKpwQsUKSgFb2ZAdGgAm9ZVlM6FRk\n"
	"ZSUH2Rj+fDZ/uwi8i8F5+pC4Ux53dMlBAmxYLBt+mZY\n"
	"--- go/PBRBdok6BGwVhRhbgQyhZAlTxkp6qw2YlWfLFJ5E\n";
static const char *const v1_info1 = "6574656e6465722e6f72672f76312f736861726500000c5a422d323032362d3030343200086269642d3766336100000001010203";
static const char *const v1_key1 = "bd8bdf06bf1d525dbf385783e8d34e735273db2ecb559ce20572c8fa3369af6d";

START_TEST(formats_vector)
{
#ifdef ET_TEST_HOOKS
	unsigned char fk[FK_LEN], rnd[16 + 3 * 32], share[FK_LEN], want[FK_LEN], back[FK_LEN];
	unsigned char shares[3][FK_LEN], want_mac[32];
	unsigned idx[3] = { 1, 2, 3 };
	struct crypto_age_recipient *r = NULL;
	struct crypto_stanza_list l = { 0 };
	struct crypto_age_header *hdr;
	struct seq_rand sr;
	unsigned i, j;

	(void)v1_info1;
	(void)v1_key1;
	fixed_holders(3);
	for (i = 0; i < FK_LEN; i++)
		fk[i] = (unsigned char)i;               /* file key 000102..0f */
	unhex("fedcba98765432100123456789abcdef", rnd, 16); /* coefficient of x^1 */
	for (i = 1; i <= 3; i++)
		for (j = 0; j < 32; j++)                /* ephemeral i: 0x40*i + j */
			rnd[16 + 32 * (i - 1) + j] = (unsigned char)(0x40 * i + j);
	sr = (struct seq_rand){ rnd, sizeof rnd, 0 };
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 2, 3, pubs, &r), ET_OK);
	crypto_random_set_test_source(seq_rand_fn, &sr);
	ck_assert_int_eq(r->wrap(r, fk, &l), ET_OK);
	crypto_random_set_test_source(NULL, NULL);
	r->destroy(r);
	ck_assert_uint_eq(sr.off, sizeof rnd);
	ck_assert_uint_eq(l.n, 3);
	for (i = 0; i < 3; i++) {
		char *body = b64raw(l.v[i].body, l.v[i].body_len);

		ck_assert_str_eq(l.v[i].type, "etender-share");
		ck_assert_uint_eq(l.v[i].nargs, 5);
		for (j = 0; j < 5; j++)
			ck_assert_str_eq(l.v[i].args[j], v1_args[i][j]);
		ck_assert_str_eq(body, v1_body[i]);
		free(body);
	}
	hdr = make_header(&l, fk);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &bind_a, i + 1, privs[i], share),
				 ET_OK);
		unhex(v1_share[i], want, FK_LEN);
		ck_assert_mem_eq(share, want, FK_LEN);
		memcpy(shares[i], share, FK_LEN);
	}
	for (i = 0; i < 3; i++) { /* every pair */
		unsigned pi[2] = { idx[i], idx[(i + 1) % 3] };
		unsigned char ps[2][FK_LEN];

		memcpy(ps[0], shares[pi[0] - 1], FK_LEN);
		memcpy(ps[1], shares[pi[1] - 1], FK_LEN);
		ck_assert_int_eq(crypto_threshold_combine(hdr, pi, ps, 2, back), ET_OK);
		ck_assert_mem_eq(back, fk, FK_LEN);
	}
	ck_assert_int_eq(crypto_threshold_combine(hdr, idx, shares, 3, back), ET_OK);
	ck_assert_mem_eq(back, fk, FK_LEN);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 2, 3, pubs), ET_OK);
	ck_assert_uint_eq(hdr->raw_len, strlen(v1_header));
	ck_assert_mem_eq(hdr->raw, v1_header, hdr->raw_len);
	unhex("828fcf05105da24e811b05614616e04328590254f1929eaac3662559f2c52791", want_mac, 32);
	ck_assert_mem_eq(hdr->mac, want_mac, 32);
	crypto_age_header_free(hdr);
#endif
}
END_TEST

/* The key derivation as docs/formats.md states it, from the primitives
 * alone, reproduces vector 1's info, wrap key and stanza-1 body. */
START_TEST(formats_derivation_by_the_text)
{
	static const char label[] = "etender.org/v1/share";
	unsigned char eph[32], eph_pub[32], holder_pub[32], shared[32], salt[64], info[64];
	unsigned char want_info[64], key[32], want_key[32], share[FK_LEN], body[32];
	size_t o = 0, il = strlen(v1_info1) / 2;
	char *b;
	unsigned j;

	fixed_holders(3);
	for (j = 0; j < 32; j++)
		eph[j] = (unsigned char)(0x40 + j);
	ck_assert_int_eq(crypto_x25519_public(eph, eph_pub), ET_OK);
	memcpy(holder_pub, pubs[0], 32);
	ck_assert_int_eq(crypto_x25519(eph, holder_pub, shared), ET_OK);
	memcpy(salt, eph_pub, 32);
	memcpy(salt + 32, holder_pub, 32);
	memcpy(info, label, sizeof label); /* label and its 0x00 */
	o = sizeof label;
	info[o++] = 0; info[o++] = 12; memcpy(info + o, "ZB-2026-0042", 12); o += 12;
	info[o++] = 0; info[o++] = 8; memcpy(info + o, "bid-7f3a", 8); o += 8;
	info[o++] = 0; info[o++] = 0; info[o++] = 0; info[o++] = 1; /* part 1 */
	info[o++] = 1; info[o++] = 2; info[o++] = 3;                 /* index, k, n */
	ck_assert_uint_eq(o, il);
	unhex(v1_info1, want_info, il);
	ck_assert_mem_eq(info, want_info, il);
	ck_assert_int_eq(crypto_hkdf_sha256(shared, 32, salt, 64, info, o, key, 32), ET_OK);
	unhex(v1_key1, want_key, 32);
	ck_assert_mem_eq(key, want_key, 32);
	unhex(v1_share[0], share, FK_LEN);
	ck_assert_int_eq(crypto_aead_seal_zero_nonce(key, share, FK_LEN, body), ET_OK);
	b = b64raw(body, 32);
	ck_assert_str_eq(b, v1_body[0]);
	free(b);
	b = b64raw(eph_pub, 32);
	ck_assert_str_eq(b, v1_args[0][3]);
	free(b);
}
END_TEST

/* ---- opening ---------------------------------------------------------- */

/* 3-of-5: every subset of holders, through the identity and by hand. */
START_TEST(every_subset_3_of_5)
{
	unsigned char fk[FK_LEN], got[FK_LEN], shares[5][FK_LEN], sub[5][FK_LEN];
	struct crypto_age_header *hdr;
	unsigned mask, i, m, idx[5];

	random_holders(5);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	hdr = seal(&bind_a, 3, 5, fk);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 3, 5, pubs), ET_OK);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &bind_a, i + 1, privs[i],
							       shares[i]), ET_OK);
	for (mask = 1; mask < 32; mask++) {
		struct crypto_age_identity *id;
		int rc;

		m = 0;
		for (i = 0; i < 5; i++)
			if (mask & (1u << i)) {
				idx[m] = i + 1;
				memcpy(sub[m], shares[i], FK_LEN);
				m++;
			}
		/* reverse order of release: the result does not depend on it */
		if (mask & 1) {
			unsigned t = idx[0];
			unsigned char ts[FK_LEN];
			idx[0] = idx[m - 1];
			idx[m - 1] = t;
			memcpy(ts, sub[0], FK_LEN);
			memcpy(sub[0], sub[m - 1], FK_LEN);
			memcpy(sub[m - 1], ts, FK_LEN);
		}
		memset(got, 0xaa, FK_LEN);
		rc = crypto_threshold_combine(hdr, idx, sub, m, got);
		if (m >= 3) {
			ck_assert_int_eq(rc, ET_OK);
			ck_assert_mem_eq(got, fk, FK_LEN);
			id = ident(&bind_a, idx, m);
			ck_assert_int_eq(open_with(id, hdr, got), ET_OK);
			ck_assert_mem_eq(got, fk, FK_LEN);
			id->destroy(id);
		} else {
			/* fewer than k: nobody's fault, and nothing comes out */
			ck_assert_int_eq(rc, ET_EINVAL);
			id = ident(&bind_a, idx, m);
			ck_assert_int_eq(open_with(id, hdr, got), ET_ENOMATCH);
			id->destroy(id);
		}
	}
	crypto_age_header_free(hdr);
}
END_TEST

/* The stanza layout as the spec states it, from the primitives: lets the
 * tests play a sealer who cheats. */
static void spec_stanza(struct crypto_stanza_list *l, const struct crypto_threshold_binding *b,
			unsigned index, unsigned k, unsigned n, const unsigned char *holder_pub,
			const unsigned char share[FK_LEN])
{
	static const char label[] = "etender.org/v1/share";
	unsigned char eph[32], eph_pub[32], shared[32], salt[64], info[400], key[32], body[32];
	size_t o, tl = strlen(b->tender_id), bl = strlen(b->bid_id);
	char a0[4], a1[4], a2[4], *a3, *a4;
	const char *args[5];

	ck_assert_int_eq(crypto_x25519_keygen(eph, eph_pub), ET_OK);
	ck_assert_int_eq(crypto_x25519(eph, holder_pub, shared), ET_OK);
	memcpy(salt, eph_pub, 32);
	memcpy(salt + 32, holder_pub, 32);
	memcpy(info, label, sizeof label);
	o = sizeof label;
	info[o++] = (unsigned char)(tl >> 8); info[o++] = (unsigned char)tl;
	memcpy(info + o, b->tender_id, tl); o += tl;
	info[o++] = (unsigned char)(bl >> 8); info[o++] = (unsigned char)bl;
	memcpy(info + o, b->bid_id, bl); o += bl;
	info[o++] = (unsigned char)(b->part >> 24); info[o++] = (unsigned char)(b->part >> 16);
	info[o++] = (unsigned char)(b->part >> 8); info[o++] = (unsigned char)b->part;
	info[o++] = (unsigned char)index; info[o++] = (unsigned char)k; info[o++] = (unsigned char)n;
	ck_assert_int_eq(crypto_hkdf_sha256(shared, 32, salt, 64, info, o, key, 32), ET_OK);
	ck_assert_int_eq(crypto_aead_seal_zero_nonce(key, share, FK_LEN, body), ET_OK);
	ck_assert((size_t)snprintf(a0, sizeof a0, "%u", index) < sizeof a0);
	ck_assert((size_t)snprintf(a1, sizeof a1, "%u", k) < sizeof a1);
	ck_assert((size_t)snprintf(a2, sizeof a2, "%u", n) < sizeof a2);
	a3 = b64raw(eph_pub, 32);
	a4 = b64raw(holder_pub, 32);
	args[0] = a0; args[1] = a1; args[2] = a2; args[3] = a3; args[4] = a4;
	ck_assert_int_eq(crypto_stanza_list_add(l, "etender-share", args, 5, body, 32), ET_OK);
	free(a3);
	free(a4);
}

/* A sealer who says k = 2 but splits 3-of-5: two shares unwrap fine and
 * combine to a key the MAC refutes: the sealer's fault. And a sealer whose
 * shares lie on no common line. */
START_TEST(k_minus_1_and_cheating_sealer)
{
	unsigned char fk[FK_LEN], got[FK_LEN], sh[5][FK_LEN], *sp[5], xs[5] = { 1, 2, 3, 4, 5 };
	unsigned char u[2][FK_LEN];
	unsigned idx[2] = { 2, 5 }, all[5] = { 1, 2, 3, 4, 5 }, i;
	struct crypto_stanza_list l = { 0 };
	struct crypto_age_header *hdr;
	struct crypto_age_identity *id;

	random_holders(5);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	for (i = 0; i < 5; i++)
		sp[i] = sh[i];
	ck_assert_int_eq(crypto_shamir_split(fk, FK_LEN, 3, 5, xs, sp), ET_OK);
	for (i = 0; i < 5; i++)
		spec_stanza(&l, &bind_a, i + 1, 2, 5, pubs[i], sh[i]);
	hdr = make_header(&l, fk);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 2, 5, pubs), ET_OK);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &bind_a, idx[i],
							       privs[idx[i] - 1], u[i]), ET_OK);
	ck_assert_int_eq(crypto_threshold_combine(hdr, idx, u, 2, got), ET_ESEALER);
	id = ident(&bind_a, idx, 2);
	ck_assert_int_eq(open_with(id, hdr, got), ET_ESEALER);
	id->destroy(id);
	/* all five released: they lie on the degree-2 polynomial, so it opens;
	 * the spec uses every released key, so this is the deterministic answer */
	id = ident(&bind_a, all, 5);
	ck_assert_int_eq(open_with(id, hdr, got), ET_OK);
	ck_assert_mem_eq(got, fk, FK_LEN);
	id->destroy(id);
	crypto_age_header_free(hdr);

	/* honest k = 3 but share 4 off the polynomial: any 3 without holder 4
	 * open, but every set with holder 4 fails, the sealer's fault */
	sh[3][0] ^= 1;
	for (i = 0; i < 5; i++)
		spec_stanza(&l, &bind_a, i + 1, 3, 5, pubs[i], sh[i]);
	hdr = make_header(&l, fk);
	{
		unsigned good[3] = { 1, 2, 3 }, bad[3] = { 1, 2, 4 };
		id = ident(&bind_a, good, 3);
		ck_assert_int_eq(open_with(id, hdr, got), ET_OK);
		id->destroy(id);
		id = ident(&bind_a, bad, 3);
		ck_assert_int_eq(open_with(id, hdr, got), ET_ESEALER);
		id->destroy(id);
		id = ident(&bind_a, all, 5);
		ck_assert_int_eq(open_with(id, hdr, got), ET_ESEALER);
		id->destroy(id);
	}
	crypto_age_header_free(hdr);
}
END_TEST

/* A stanza is bound to tender, bid and part. */
START_TEST(binding)
{
	static const struct crypto_threshold_binding other[] = {
		{ "ZB-2026-0042", "bid-7f3b", 1 }, /* another bid */
		{ "ZB-2026-0042", "bid-7f3a", 2 }, /* another part */
		{ "ZB-2026-0043", "bid-7f3a", 1 }, /* another tender */
		{ "ZB-2026-004", "2bid-7f3a", 1 }, /* same bytes, other split */
	};
	unsigned char fk[FK_LEN], got[FK_LEN], share[FK_LEN];
	unsigned idx[3] = { 1, 2, 3 }, i;
	struct crypto_age_header *hdr;
	struct crypto_age_identity *id;

	random_holders(3);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	hdr = seal(&bind_a, 2, 3, fk);
	for (i = 0; i < sizeof other / sizeof other[0]; i++) {
		ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &other[i], 1, privs[0], share),
				 ET_ESEALER);
		id = ident(&other[i], idx, 3);
		ck_assert_int_eq(open_with(id, hdr, got), ET_ESEALER);
		id->destroy(id);
	}
	id = ident(&bind_a, idx, 3);
	ck_assert_int_eq(open_with(id, hdr, got), ET_OK);
	ck_assert_mem_eq(got, fk, FK_LEN);
	id->destroy(id);
	crypto_age_header_free(hdr);
}
END_TEST

/* Holder i's key opens share i only; ET_EKEY for every other stanza. */
START_TEST(one_key_one_share)
{
	unsigned char fk[FK_LEN], share[FK_LEN], got[FK_LEN];
	struct crypto_age_header *hdr;
	struct crypto_age_identity *id = NULL;
	unsigned i, j, idx[3] = { 1, 2, 3 };

	random_holders(5);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	hdr = seal(&bind_a, 3, 5, fk);
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &bind_a, j + 1, privs[i],
								       share),
					 i == j ? ET_OK : ET_EKEY);
	/* an identity that holds holder 3's key under index 2 */
	{
		unsigned char p[3][32];
		memcpy(p[0], privs[0], 32);
		memcpy(p[1], privs[2], 32);
		memcpy(p[2], privs[2], 32);
		ck_assert_int_eq(crypto_threshold_identity_new(&bind_a, idx, p, 3, &id), ET_OK);
		ck_assert_int_eq(open_with(id, hdr, got), ET_EKEY);
		id->destroy(id);
	}
	/* the identity holds a holder the sealer left out (index > n) */
	{
		unsigned out_of_n[3] = { 1, 2, 6 };
		unsigned char p[3][32];
		memcpy(p[0], privs[0], 32);
		memcpy(p[1], privs[1], 32);
		memcpy(p[2], privs[4], 32);
		ck_assert_int_eq(crypto_threshold_identity_new(&bind_a, out_of_n, p, 3, &id), ET_OK);
		ck_assert_int_eq(open_with(id, hdr, got), ET_ESEALER);
		id->destroy(id);
	}
	/* index outside the header's n */
	ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &bind_a, 6, privs[0], share),
			 ET_ESEALER);
	crypto_age_header_free(hdr);
}
END_TEST

/* ---- tampering and strict parsing ------------------------------------ */

/* Copy of hdr's stanzas, with stanza s's argument a replaced (a < 0: the
 * body byte -a-1 flipped), as a new header MAC'd with fk. */
static struct crypto_age_header *tamper(const struct crypto_age_header *hdr, size_t s, int a,
					const char *val, const unsigned char *fk)
{
	struct crypto_stanza_list l = { 0 };
	size_t i, j;

	for (i = 0; i < hdr->stanzas.n; i++) {
		const struct crypto_stanza *st = &hdr->stanzas.v[i];
		const char *args[16];
		unsigned char body[256];

		ck_assert(st->nargs <= 16 && st->body_len <= sizeof body);
		for (j = 0; j < st->nargs; j++)
			args[j] = (i == s && (int)j == a) ? val : st->args[j];
		memcpy(body, st->body, st->body_len);
		if (i == s && a < 0)
			body[-a - 1] ^= 0x01;
		ck_assert_int_eq(crypto_stanza_list_add(&l, st->type, args, st->nargs, body,
							st->body_len), ET_OK);
	}
	return make_header(&l, fk);
}

static int open_all3(const struct crypto_age_header *hdr, unsigned char *got)
{
	unsigned idx[3] = { 1, 2, 3 };
	struct crypto_age_identity *id = ident(&bind_a, idx, 3);
	int rc = open_with(id, hdr, got);

	id->destroy(id);
	return rc;
}

START_TEST(tampered)
{
	static const struct {
		int stanza, arg;
		const char *val;
		int want_open, want_check;
	} cases[] = {
		{ 0, -1, NULL, ET_ESEALER, ET_OK },          /* body byte 0 */
		{ 1, -32, NULL, ET_ESEALER, ET_OK },         /* tag byte */
		{ 0, 1, "3", ET_ESEALER, ET_ESEALER },        /* k in one stanza */
		{ 2, 2, "4", ET_ESEALER, ET_ESEALER },        /* n in one stanza */
		{ 0, 0, "2", ET_ESEALER, ET_ESEALER },        /* duplicate index */
		{ 1, 0, "4", ET_ESEALER, ET_ESEALER },        /* index > n */
		{ 0, 0, "01", ET_ESEALER, ET_ESEALER },       /* leading zero */
		{ 0, 0, "0", ET_ESEALER, ET_ESEALER },
		{ 0, 1, "1", ET_ESEALER, ET_ESEALER },        /* k = 1 */
		{ 0, 1, "+2", ET_ESEALER, ET_ESEALER },
		/* a low-order ephemeral point */
		{ 0, 3, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ET_ESEALER, ET_ESEALER },
		/* another (valid) ephemeral point: opens to nothing */
		{ 0, 3, "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ET_ESEALER, ET_OK },
		{ 0, 3, "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", ET_ESEALER, ET_ESEALER }, /* non-canonical */
		{ 0, 3, "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", ET_ESEALER, ET_ESEALER }, /* padded */
		{ 0, 3, "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ET_ESEALER, ET_ESEALER },
		/* the named holder key: holder 1's key no longer fits (ET_EKEY);
		 * the keyless check against the registered keys says whose fault */
		{ 0, 4, "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ET_EKEY, ET_ESEALER },
	};
	unsigned char fk[FK_LEN], got[FK_LEN];
	struct crypto_age_header *hdr, *t;
	size_t c;

	random_holders(3);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	hdr = seal(&bind_a, 2, 3, fk);
	ck_assert_int_eq(open_all3(hdr, got), ET_OK);
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		t = tamper(hdr, (size_t)cases[c].stanza, cases[c].arg, cases[c].val, fk);
		ck_assert_msg(open_all3(t, got) == cases[c].want_open, "case %zu", c);
		ck_assert_msg(crypto_threshold_header_check(t, 2, 3, pubs) == cases[c].want_check,
			      "case %zu", c);
		crypto_age_header_free(t);
	}
	crypto_age_header_free(hdr);
}
END_TEST

/* Wrong number of arguments, wrong body length, missing stanza. */
START_TEST(malformed)
{
	unsigned char fk[FK_LEN], got[FK_LEN], share[FK_LEN], body[33] = { 0 };
	struct crypto_stanza_list l = { 0 };
	struct crypto_age_header *hdr, *t;
	size_t i, j;

	random_holders(3);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	hdr = seal(&bind_a, 2, 3, fk);
	/* rebuild with stanza 2 changed: 4 args, 6 args, body 31 / 33 bytes, dropped */
	for (j = 0; j < 5; j++) {
		for (i = 0; i < 3; i++) {
			const struct crypto_stanza *st = &hdr->stanzas.v[i];
			const char *args[6];
			size_t na = st->nargs, bl = st->body_len;

			memcpy(args, st->args, 5 * sizeof *args);
			args[5] = "x";
			memcpy(body, st->body, 32);
			if (i == 1) {
				if (j == 0)
					na = 4;
				if (j == 1)
					na = 6;
				if (j == 2)
					bl = 31;
				if (j == 3)
					bl = 33;
				if (j == 4)
					continue;
			}
			ck_assert_int_eq(crypto_stanza_list_add(&l, st->type, args, na, body, bl),
					 ET_OK);
		}
		t = make_header(&l, fk);
		ck_assert_int_eq(open_all3(t, got), ET_ESEALER);
		ck_assert_int_eq(crypto_threshold_unwrap_share(t, &bind_a, 1, privs[0], share),
				 ET_ESEALER);
		ck_assert_int_eq(crypto_threshold_header_check(t, 2, 3, pubs), ET_ESEALER);
		crypto_age_header_free(t);
	}
	crypto_age_header_free(hdr);
	/* no etender-share stanza at all: the identity does not match; by hand
	 * the stanza the holder needs is missing */
	{
		const char *args[1] = { "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
		ck_assert_int_eq(crypto_stanza_list_add(&l, "X25519", args, 1, body, 32), ET_OK);
		t = make_header(&l, fk);
		ck_assert_int_eq(open_all3(t, got), ET_ENOMATCH);
		ck_assert_int_eq(crypto_threshold_unwrap_share(t, &bind_a, 1, privs[0], share),
				 ET_ESEALER);
		crypto_age_header_free(t);
	}
}
END_TEST

/* An extra recipient next to the threshold stanzas is visible, and the
 * keyless check refuses it; wrong k, n or holder order are refused too. */
START_TEST(header_check_and_extra_stanza)
{
	unsigned char fk[FK_LEN], got[FK_LEN], body[32] = { 7 }, swapped[3][32];
	struct crypto_age_recipient *r = NULL;
	struct crypto_stanza_list l = { 0 };
	struct crypto_age_header *hdr;
	const char *args[1] = { "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };

	random_holders(3);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 2, 3, pubs, &r), ET_OK);
	ck_assert_int_eq(r->wrap(r, fk, &l), ET_OK);
	r->destroy(r);
	ck_assert_int_eq(crypto_stanza_list_add(&l, "X25519", args, 1, body, 32), ET_OK);
	hdr = make_header(&l, fk);
	ck_assert_uint_eq(crypto_age_header_count(hdr), 4);
	ck_assert_int_eq(open_all3(hdr, got), ET_OK); /* the identity ignores it ... */
	ck_assert_mem_eq(got, fk, FK_LEN);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 2, 3, pubs), ET_ESEALER); /* ... the check does not */
	crypto_age_header_free(hdr);

	hdr = seal(&bind_a, 2, 3, fk);
	ck_assert_uint_eq(crypto_age_header_count(hdr), 3);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 2, 3, pubs), ET_OK);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 3, 3, pubs), ET_ESEALER);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 2, 4, pubs), ET_ESEALER);
	memcpy(swapped[0], pubs[1], 32);
	memcpy(swapped[1], pubs[0], 32);
	memcpy(swapped[2], pubs[2], 32);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 2, 3, swapped), ET_ESEALER);
	/* the same stanzas out of order: they open, but are not as sealed */
	{
		static const size_t order[3] = { 1, 0, 2 };
		struct crypto_age_header *re;
		size_t i;
		for (i = 0; i < 3; i++) {
			const struct crypto_stanza *st = &hdr->stanzas.v[order[i]];
			ck_assert_int_eq(crypto_stanza_list_add(&l, st->type,
								(const char *const *)st->args,
								st->nargs, st->body, st->body_len),
					 ET_OK);
		}
		re = make_header(&l, fk);
		ck_assert_int_eq(open_all3(re, got), ET_OK);
		ck_assert_int_eq(crypto_threshold_header_check(re, 2, 3, pubs), ET_ESEALER);
		crypto_age_header_free(re);
	}
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 1, 3, pubs), ET_EINVAL);
	crypto_age_header_free(hdr);
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
	static const unsigned char low[32]; /* all zero: a low-order point */
	unsigned char p2[3][32], fk[FK_LEN] = { 0 };
	char longid[ET_ID_MAX_LEN + 2];
	struct crypto_threshold_binding b = bind_a;
	struct crypto_age_recipient *r = NULL;
	struct crypto_age_identity *id = NULL;
	unsigned idx[3] = { 1, 2, 3 }, dup[2] = { 2, 2 }, zero[1] = { 0 }, big[1] = { 33 };

	random_holders(3);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 1, 3, pubs, &r), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 4, 3, pubs, &r), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 2, 33, pubs, &r), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_recipient_new(NULL, 2, 3, pubs, &r), ET_EINVAL);
	ck_assert_ptr_null(r);
	memcpy(p2[0], pubs[0], 32);
	memcpy(p2[1], pubs[1], 32);
	memcpy(p2[2], pubs[0], 32);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 2, 3, p2, &r), ET_EINVAL);
	memcpy(p2[2], low, 32);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 2, 3, p2, &r), ET_EKEY);
	b.bid_id = "";
	ck_assert_int_eq(crypto_threshold_recipient_new(&b, 2, 3, pubs, &r), ET_EINVAL);
	memset(longid, 'a', sizeof longid - 1);
	longid[sizeof longid - 1] = 0;
	b.bid_id = longid;
	ck_assert_int_eq(crypto_threshold_recipient_new(&b, 2, 3, pubs, &r), ET_ELIMIT);
	longid[ET_ID_MAX_LEN] = 0; /* exactly the cap is fine */
	ck_assert_int_eq(crypto_threshold_recipient_new(&b, 2, 3, pubs, &r), ET_OK);
	r->destroy(r);
	r = NULL;
	ck_assert_int_eq(crypto_threshold_identity_new(&bind_a, dup, privs, 2, &id), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_identity_new(&bind_a, zero, privs, 1, &id), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_identity_new(&bind_a, big, privs, 1, &id), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_identity_new(&bind_a, idx, privs, 0, &id), ET_EINVAL);
	ck_assert_ptr_null(id);
	ck_assert(crypto_threshold_identity_new(&bind_a, idx, privs, 3, &id) == ET_OK);
	ck_assert(id->sealer_fault_on_mac);
	id->destroy(id);
#ifdef ET_TEST_HOOKS
	{
		struct crypto_stanza_list l = { 0 };
		ck_assert_int_eq(crypto_threshold_recipient_new(&bind_a, 2, 3, pubs, &r), ET_OK);
		crypto_random_set_test_source(failing_rand, NULL);
		ck_assert_int_eq(r->wrap(r, fk, &l), ET_ECRYPTO);
		crypto_random_set_test_source(NULL, NULL);
		crypto_stanza_list_free(&l);
		r->destroy(r);
	}
#endif
}
END_TEST

/* Stanza 1 of bid B's part copied into bid A's header (MAC'd anew): the
 * keyless check cannot see it, opening does. */
START_TEST(stanza_moved)
{
	static const struct crypto_threshold_binding bind_b = { "ZB-2026-0042", "bid-9c01", 1 };
	unsigned char fk[FK_LEN], got[FK_LEN], share[FK_LEN];
	struct crypto_age_header *ha, *hb, *mixed;
	struct crypto_stanza_list l = { 0 };
	size_t i;

	random_holders(3);
	ck_assert_int_eq(crypto_random(fk, FK_LEN), ET_OK);
	ha = seal(&bind_a, 2, 3, fk);
	hb = seal(&bind_b, 2, 3, fk); /* even with the same file key */
	for (i = 0; i < 3; i++) {
		const struct crypto_stanza *st = i == 0 ? &hb->stanzas.v[0] : &ha->stanzas.v[i];
		ck_assert_int_eq(crypto_stanza_list_add(&l, st->type, (const char *const *)st->args,
							st->nargs, st->body, st->body_len), ET_OK);
	}
	mixed = make_header(&l, fk);
	ck_assert_int_eq(crypto_threshold_header_check(mixed, 2, 3, pubs), ET_OK);
	ck_assert_int_eq(crypto_threshold_unwrap_share(mixed, &bind_a, 1, privs[0], share),
			 ET_ESEALER);
	ck_assert_int_eq(crypto_threshold_unwrap_share(mixed, &bind_a, 2, privs[1], share), ET_OK);
	ck_assert_int_eq(open_all3(mixed, got), ET_ESEALER);
	crypto_age_header_free(mixed);
	crypto_age_header_free(ha);
	crypto_age_header_free(hb);
}
END_TEST

/* ---- end to end through crypto/age.c ---------------------------------- */

struct mem {
	unsigned char *p;
	size_t len, off, cap;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t n = m->len - m->off;

	if (n > cap)
		n = cap;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	*got = n;
	return ET_OK;
}

static int mem_write(void *ctx, const unsigned char *buf, size_t n)
{
	struct mem *m = ctx;

	if (m->len + n > m->cap) {
		size_t cap = (m->len + n) * 2;
		unsigned char *p = realloc(m->p, cap);
		if (!p)
			return ET_ENOMEM;
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, buf, n);
	m->len += n;
	return ET_OK;
}

static void seal_file(const struct crypto_threshold_binding *b, unsigned k, unsigned n,
		      const unsigned char *pt, size_t ptlen, struct mem *file)
{
	struct crypto_age_recipient *r = NULL;
	const struct crypto_age_recipient *rs[1];
	struct mem in = { (unsigned char *)pt, ptlen, 0, ptlen };

	ck_assert_int_eq(crypto_threshold_recipient_new(b, k, n, pubs, &r), ET_OK);
	rs[0] = r;
	memset(file, 0, sizeof *file);
	ck_assert_int_eq(crypto_age_encrypt(rs, 1, false, mem_read, &in, mem_write, file), ET_OK);
	r->destroy(r);
}

static int open_file(const struct crypto_threshold_binding *b, const unsigned *idx, unsigned m,
		     const struct mem *file, struct mem *out)
{
	struct crypto_age_identity *id = ident(b, idx, m);
	const struct crypto_age_identity *ids[1] = { id };
	struct mem in = { file->p, file->len, 0, file->len };
	int rc;

	memset(out, 0, sizeof *out);
	rc = crypto_age_decrypt(ids, 1, mem_read, &in, mem_write, out);
	id->destroy(id);
	return rc;
}

START_TEST(e2e_seal_and_open)
{
	static const char pt[] = "<bid><price currency=\"CNY\">123456789</price></bid>";
	unsigned char *big, fk[FK_LEN], shares[5][FK_LEN];
	struct crypto_age_header *hdr = NULL;
	struct mem file, out;
	size_t hl = 0, bigl = 200000, i;
	unsigned mask, m, idx[5];

	random_holders(5);
	seal_file(&bind_a, 3, 5, (const unsigned char *)pt, sizeof pt - 1, &file);
	ck_assert_int_eq(crypto_age_header_parse(file.p, file.len, &hdr, &hl), ET_OK);
	ck_assert_uint_eq(crypto_age_header_count(hdr), 5);
	ck_assert_int_eq(crypto_threshold_header_check(hdr, 3, 5, pubs), ET_OK);
	for (mask = 1; mask < 32; mask++) {
		m = 0;
		for (i = 0; i < 5; i++)
			if (mask & (1u << i))
				idx[m++] = (unsigned)i + 1;
		if (m >= 3) {
			ck_assert_int_eq(open_file(&bind_a, idx, m, &file, &out), ET_OK);
			ck_assert_uint_eq(out.len, sizeof pt - 1);
			ck_assert_mem_eq(out.p, pt, out.len);
		} else {
			ck_assert_int_eq(open_file(&bind_a, idx, m, &file, &out), ET_ENOMATCH);
			ck_assert_uint_eq(out.len, 0);
		}
		free(out.p);
	}
	/* by hand: each holder unwraps its share, then combine and decrypt */
	for (i = 0; i < 3; i++) {
		idx[i] = (unsigned)(4 - i);
		ck_assert_int_eq(crypto_threshold_unwrap_share(hdr, &bind_a, idx[i],
							       privs[idx[i] - 1], shares[i]), ET_OK);
	}
	ck_assert_int_eq(crypto_threshold_combine(hdr, idx, shares, 2, fk), ET_EINVAL);
	ck_assert_int_eq(crypto_threshold_combine(hdr, idx, shares, 3, fk), ET_OK);
	{
		struct mem in = { file.p, file.len, 0, file.len };
		memset(&out, 0, sizeof out);
		ck_assert_int_eq(crypto_age_decrypt_with_file_key(fk, mem_read, &in, mem_write, &out),
				 ET_OK);
		ck_assert_uint_eq(out.len, sizeof pt - 1);
		ck_assert_mem_eq(out.p, pt, out.len);
		free(out.p);
	}
	/* a wrong share is refuted by the MAC: the sealer's fault */
	shares[1][3] ^= 0x40;
	ck_assert_int_eq(crypto_threshold_combine(hdr, idx, shares, 3, fk), ET_ESEALER);
	crypto_age_header_free(hdr);
	free(file.p);

	/* several chunks */
	big = malloc(bigl);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(crypto_random(big, bigl), ET_OK);
	seal_file(&bind_a, 2, 5, big, bigl, &file);
	idx[0] = 5;
	idx[1] = 1;
	ck_assert_int_eq(open_file(&bind_a, idx, 2, &file, &out), ET_OK);
	ck_assert_uint_eq(out.len, bigl);
	ck_assert_mem_eq(out.p, big, bigl);
	free(out.p);
	free(file.p);
	free(big);
}
END_TEST

START_TEST(e2e_faults)
{
	static const struct crypto_threshold_binding other = { "ZB-2026-0042", "bid-7f3b", 1 };
	static const char pt[] = "sealed offer";
	unsigned idx[3] = { 1, 2, 3 };
	struct mem file, out;
	unsigned char *nl;

	random_holders(3);
	seal_file(&bind_a, 2, 3, (const unsigned char *)pt, sizeof pt - 1, &file);
	/* the file of another bid */
	ck_assert_int_eq(open_file(&other, idx, 3, &file, &out), ET_ESEALER);
	ck_assert_uint_eq(out.len, 0);
	free(out.p);
	/* a flipped bit in the first stanza body (the line after the first
	 * "-> " line): the header MAC no longer holds, and the stanza no longer
	 * opens: the sealer's fault either way */
	nl = memchr(file.p, '\n', file.len);
	ck_assert_ptr_nonnull(nl);
	nl = memchr(nl + 1, '\n', file.len - (size_t)(nl + 1 - file.p));
	ck_assert_ptr_nonnull(nl);
	nl = memchr(nl + 1, '\n', file.len - (size_t)(nl + 1 - file.p));
	ck_assert_ptr_nonnull(nl);
	nl[-3] = nl[-3] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(open_file(&bind_a, idx, 3, &file, &out), ET_ESEALER);
	ck_assert_uint_eq(out.len, 0);
	free(out.p);
	free(file.p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crypto_threshold");
	TCase *tc = tcase_create("threshold");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, formats_vector);
	tcase_add_test(tc, formats_derivation_by_the_text);
	tcase_add_test(tc, every_subset_3_of_5);
	tcase_add_test(tc, k_minus_1_and_cheating_sealer);
	tcase_add_test(tc, binding);
	tcase_add_test(tc, one_key_one_share);
	tcase_add_test(tc, tampered);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, header_check_and_extra_stanza);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, stanza_moved);
	tcase_add_test(tc, e2e_seal_and_open);
	tcase_add_test(tc, e2e_faults);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
