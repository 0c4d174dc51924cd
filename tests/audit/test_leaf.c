/* tests/audit/test_leaf.c — the canonical event leaf of docs/formats.md
 * ("## Canonical event leaf"): its test vectors byte for byte, round trips,
 * and the strict decoder's refusals. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

/* Vectors: keep in step with docs/formats.md. */
#define V1_HEX "45544c31001074656e6465722e7075626c697368656400010006615190368000076167656e742d37" \
	       "0b542d323032362d30303031000000127b227469746c65223a22526f61642039227d"
#define V2_HEX "45544c31000e73797374656d2e7374617274656400010000000000000000000000000000"
#define ENC_HEX "45544c31000d6269642e7375626d697474656400020006615266cc0640086269646465722d33" \
		"0b542d323032362d303030310000000d7b22626964223a22422d31227d"
#define D_HEX "868d9142b70081d4fe1bb2646c55170d67674a6ed464fcb814f35f51be2e9e94"
#define C_HEX "00eba530b7bb03d891790b5cdfa4b71b4cb488a94a3297052ac97b653594fd0f"
#define LEAF_HEX "45544c310100eba530b7bb03d891790b5cdfa4b71b4cb488a94a3297052ac97b653594fd0f"
#define REV_HEX "000000010000000000000005000102030405060708090a0b0c0d0e0f101112131415161718191a1b" \
		"1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f00000043" ENC_HEX
#define MEM_HEX "000000010000000000000005000102030405060708090a0b0c0d0e0f101112131415161718191a1b" \
		"1c1d1e1f" D_HEX

static unsigned char *unhex(const char *h, size_t *n)
{
	unsigned char *b;

	*n = strlen(h) / 2;
	b = malloc(*n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(et_hex_decode(h, b, *n), ET_OK);
	return b;
}

static void check_encodes(const struct audit_event *ev, const char *hex)
{
	struct et_buf b;
	size_t n;
	unsigned char *want = unhex(hex, &n);

	et_buf_init(&b, ET_LEAF_MAX_LEN);
	ck_assert_int_eq(audit_leaf_encode_event(ev, &b), ET_OK);
	ck_assert_uint_eq(b.len, n);
	ck_assert_mem_eq(b.data, want, n);
	et_buf_free(&b);
	free(want);
}

static const unsigned char salt[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };

static void blind_bytes(unsigned char b[32])
{
	for (int i = 0; i < 32; i++)
		b[i] = (unsigned char)(32 + i);
}

START_TEST(vector_public)
{
	const char *p1 = "{\"title\":\"Road 9\"}";
	struct audit_event e1 = { "tender.published", 1, 1795852800000000, "agent-7", "T-2026-0001",
				  (const unsigned char *)p1, strlen(p1), false };
	struct audit_event e2 = { "system.started", 1, 0, "", "", NULL, 0, false };
	struct audit_event e3 = { "system.started", 1, 0, NULL, NULL, NULL, 0, false };
	struct audit_leaf lf;
	size_t n;
	unsigned char *b = unhex(V1_HEX, &n);

	check_encodes(&e1, V1_HEX);
	check_encodes(&e2, V2_HEX);
	check_encodes(&e3, V2_HEX);
	ck_assert_int_eq(audit_leaf_decode(b, n, &lf), ET_OK);
	ck_assert_int_eq(lf.type, AUDIT_LEAF_EVENT);
	ck_assert_str_eq(lf.ev.kind, "tender.published");
	ck_assert_uint_eq(lf.ev.version, 1);
	ck_assert_int_eq(lf.ev.time_us, 1795852800000000);
	ck_assert_str_eq(lf.ev.actor, "agent-7");
	ck_assert_str_eq(lf.ev.tender, "T-2026-0001");
	ck_assert_uint_eq(lf.ev.payload_len, strlen(p1));
	ck_assert_mem_eq(lf.ev.payload, p1, strlen(p1));
	/* the round trip gives the same bytes */
	check_encodes(&lf.ev, V1_HEX);
	free(b);
	b = unhex(V2_HEX, &n);
	ck_assert_int_eq(audit_leaf_decode(b, n, &lf), ET_OK);
	ck_assert_str_eq(lf.ev.actor, "");
	ck_assert_uint_eq(lf.ev.payload_len, 0);
	free(b);
}
END_TEST

START_TEST(vector_confidential)
{
	const char *p = "{\"bid\":\"B-1\"}";
	struct audit_event e = { "bid.submitted", 2, 1795856400123456, "bidder-3", "T-2026-0001",
				 (const unsigned char *)p, strlen(p), true };
	unsigned char blind[32], d[32], c[32], leaf[AUDIT_COMMITMENT_LEAF_LEN];
	struct et_buf b;
	struct audit_leaf lf;
	size_t n;
	unsigned char *want;

	blind_bytes(blind);
	/* the committed encoding is the public form of the event */
	check_encodes(&e, ENC_HEX);
	et_buf_init(&b, ET_LEAF_MAX_LEN);
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_OK);
	ck_assert_int_eq(audit_event_digest(blind, b.data, b.len, d), ET_OK);
	want = unhex(D_HEX, &n);
	ck_assert_mem_eq(d, want, 32);
	free(want);
	ck_assert_int_eq(audit_commitment(salt, "T-2026-0001", d, c), ET_OK);
	want = unhex(C_HEX, &n);
	ck_assert_mem_eq(c, want, 32);
	free(want);
	audit_leaf_encode_commitment(c, leaf);
	want = unhex(LEAF_HEX, &n);
	ck_assert_uint_eq(n, AUDIT_COMMITMENT_LEAF_LEN);
	ck_assert_mem_eq(leaf, want, n);
	free(want);
	ck_assert_int_eq(audit_leaf_decode(leaf, sizeof leaf, &lf), ET_OK);
	ck_assert_int_eq(lf.type, AUDIT_LEAF_COMMITMENT);
	ck_assert_mem_eq(lf.commitment, c, 32);
	/* a confidential commitment needs a tender */
	ck_assert_int_eq(audit_commitment(salt, "", d, c), ET_EINVAL);
	/* the leaf names neither tender, actor nor payload */
	ck_assert_ptr_null(memmem(leaf, sizeof leaf, "T-2026", 6));
	ck_assert_ptr_null(memmem(leaf, sizeof leaf, "bidder", 6));
	ck_assert_ptr_null(memmem(leaf, sizeof leaf, "B-1", 3));
	et_buf_free(&b);
}
END_TEST

START_TEST(vector_reveal_payloads)
{
	struct audit_opening *o = NULL;
	unsigned char blind[32];
	size_t n, k;
	unsigned char *rev = unhex(REV_HEX, &n), *dd, *enc;

	blind_bytes(blind);
	ck_assert_int_eq(audit_reveal_parse(rev, n, false, &o, &k), ET_OK);
	ck_assert_uint_eq(k, 1);
	ck_assert_uint_eq(o[0].index, 5);
	ck_assert_mem_eq(o[0].salt, salt, 32);
	ck_assert_mem_eq(o[0].blind, blind, 32);
	enc = unhex(ENC_HEX, &k);
	ck_assert_uint_eq(o[0].enc_len, k);
	ck_assert_mem_eq(o[0].enc, enc, k);
	dd = unhex(D_HEX, &k);
	ck_assert_mem_eq(o[0].digest, dd, 32);
	free(o);
	/* a trailing byte, a truncation */
	ck_assert_int_eq(audit_reveal_parse(rev, n - 1, false, &o, &k), ET_EINVAL);
	free(rev);
	rev = unhex(MEM_HEX, &n);
	ck_assert_int_eq(audit_reveal_parse(rev, n, true, &o, &k), ET_OK);
	ck_assert_uint_eq(k, 1);
	ck_assert_mem_eq(o[0].digest, dd, 32);
	free(o);
	ck_assert_int_eq(audit_reveal_parse(rev, n, false, &o, &k), ET_EINVAL);
	ck_assert_ptr_null(o);
	free(rev);
	free(dd);
	free(enc);
}
END_TEST

/* Decoding b (hex) must fail with rc. */
static void refuse(const char *hex, int rc)
{
	struct audit_leaf lf;
	size_t n;
	unsigned char *b = unhex(hex, &n);

	ck_assert_int_eq(audit_leaf_decode(b, n, &lf), rc);
	free(b);
}

START_TEST(decoder_refuses)
{
	char h[1024];
	struct audit_leaf lf;
	size_t n;
	unsigned char *b;

	/* trailing byte; missing byte */
	refuse(V1_HEX "00", ET_EINVAL);
	ck_assert_int_lt(snprintf(h, sizeof h, "%.*s", (int)strlen(V1_HEX) - 2, V1_HEX), (int)sizeof h);
	refuse(h, ET_EINVAL);
	refuse(LEAF_HEX "00", ET_EINVAL);
	refuse("45544c3101", ET_EINVAL);
	/* magic, version of the format, type */
	refuse("45544c32" "01" C_HEX, ET_EINVAL);
	refuse("45544c31" "02" C_HEX, ET_EINVAL);
	refuse("", ET_EINVAL);
	/* kind without a dot, with two dots, upper case, empty */
	refuse("45544c3100" "0373797374" "0001" "0000000000000000" "00" "00" "00000000", ET_EINVAL);
	refuse("45544c3100" "03612e62" "2e" "0001" "0000000000000000" "00" "00" "00000000", ET_EINVAL);
	refuse("45544c3100" "03412e62" "0001" "0000000000000000" "00" "00" "00000000", ET_EINVAL);
	refuse("45544c3100" "00" "0001" "0000000000000000" "00" "00" "00000000", ET_EINVAL);
	/* version 0; negative time */
	refuse("45544c3100" "03612e62" "0000" "0000000000000000" "00" "00" "00000000", ET_EINVAL);
	refuse("45544c3100" "03612e62" "0001" "8000000000000000" "00" "00" "00000000", ET_EINVAL);
	/* actor with a space, with a NUL */
	refuse("45544c3100" "03612e62" "0001" "0000000000000000" "026120" "00" "00000000", ET_EINVAL);
	refuse("45544c3100" "03612e62" "0001" "0000000000000000" "026100" "00" "00000000", ET_EINVAL);
	/* payload length past the end, and one short */
	refuse("45544c3100" "03612e62" "0001" "0000000000000000" "00" "00" "00000002" "41", ET_EINVAL);
	refuse("45544c3100" "03612e62" "0001" "0000000000000000" "00" "00" "00000000" "41", ET_EINVAL);
	/* the minimal one is fine */
	b = unhex("45544c3100" "03612e62" "0001" "0000000000000000" "00" "00" "00000001" "41", &n);
	ck_assert_int_eq(audit_leaf_decode(b, n, &lf), ET_OK);
	free(b);
	/* over-long kind (65) and actor (129) */
	{
		struct et_buf x;
		unsigned char fix[] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
		et_buf_init(&x, 4096);
		ck_assert_int_eq(et_buf_add(&x, "ETL1\0\x41", 6), ET_OK);
		for (int i = 0; i < 65; i++)
			ck_assert_int_eq(et_buf_add(&x, i == 1 ? "." : "a", 1), ET_OK);
		ck_assert_int_eq(et_buf_add(&x, fix, 10), ET_OK);
		ck_assert_int_eq(et_buf_add(&x, "\0\0\0\0\0\0", 6), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(x.data, x.len, &lf), ET_ELIMIT);
		et_buf_reset(&x);
		ck_assert_int_eq(et_buf_add(&x, "ETL1\0\x03" "a.b", 9), ET_OK);
		ck_assert_int_eq(et_buf_add(&x, fix, 10), ET_OK);
		ck_assert_int_eq(et_buf_add(&x, "\x81", 1), ET_OK);
		for (int i = 0; i < 129; i++)
			ck_assert_int_eq(et_buf_add(&x, "x", 1), ET_OK);
		ck_assert_int_eq(et_buf_add(&x, "\0\0\0\0\0", 5), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(x.data, x.len, &lf), ET_ELIMIT);
		et_buf_free(&x);
	}
}
END_TEST

START_TEST(encoder_refuses)
{
	char big[ET_ID_MAX_LEN + 2];
	struct et_buf b;
	struct audit_event e = { "a.b", 1, 0, "", "", NULL, 0, false };
	static unsigned char payload[ET_LEAF_MAX_LEN];

	et_buf_init(&b, 2 * ET_LEAF_MAX_LEN);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	e.actor = big;
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_ELIMIT);
	e.actor = "has space";
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_EINVAL);
	e.actor = "";
	e.kind = "Tender.published";
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_EINVAL);
	e.kind = "a.b";
	e.version = 0;
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_EINVAL);
	e.version = 1;
	e.time_us = -1;
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_EINVAL);
	e.time_us = 0;
	e.payload = payload;
	e.payload_len = sizeof payload;
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_ELIMIT);
	/* the largest payload that fits, and it decodes */
	e.payload_len = ET_LEAF_MAX_LEN - AUDIT_LEAF_EVENT_FIXED - 3;
	ck_assert_int_eq(audit_leaf_encode_event(&e, &b), ET_OK);
	ck_assert_uint_eq(b.len, ET_LEAF_MAX_LEN);
	{
		struct audit_leaf lf;
		ck_assert_int_eq(audit_leaf_decode(b.data, b.len, &lf), ET_OK);
	}
	et_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("audit_leaf");
	TCase *tc = tcase_create("leaf");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, vector_public);
	tcase_add_test(tc, vector_confidential);
	tcase_add_test(tc, vector_reveal_payloads);
	tcase_add_test(tc, decoder_refuses);
	tcase_add_test(tc, encoder_refuses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
