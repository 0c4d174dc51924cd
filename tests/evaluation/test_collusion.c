/* tests/evaluation/test_collusion.c — every collusion signal over small
 * hand-made lots: what fires, with which bids, evidence and strength, and
 * the negative cases (absent or empty fields, values that differ, correct
 * BoQ lines, prices with no pattern) where nothing may fire. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluation/collusion.h"

/* ---- allocation failure injection: the test binary is linked with
 * --wrap=malloc/calloc/realloc; while armed, the Nth allocation fails ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static bool armed;
static unsigned long alloc_count, fail_at;

static bool inject(void)
{
	return armed && ++alloc_count == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return inject() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	return inject() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	return inject() ? NULL : __real_realloc(p, n);
}

struct want {
	enum eval_signal_kind kind;
	enum eval_strength strength;
	size_t bids[4];
	size_t n_bids;
	const char *evidence;     /* exact evidence text */
};

static void expect(const struct eval_collusion_bid *bids, size_t n, const struct want *w,
		   size_t nw)
{
	struct eval_signal *s = NULL;
	size_t ns = 0;

	ck_assert_int_eq(eval_collusion_detect(bids, n, &s, &ns), ET_OK);
	ck_assert_msg(ns == nw, "got %zu signals, want %zu (first: %s %s)", ns, nw,
		      ns ? eval_signal_kind_name(s[0].kind) : "-", ns ? s[0].evidence : "-");
	for (size_t i = 0; i < nw; i++) {
		ck_assert_str_eq(eval_signal_kind_name(s[i].kind), eval_signal_kind_name(w[i].kind));
		ck_assert_str_eq(eval_strength_name(s[i].strength), eval_strength_name(w[i].strength));
		ck_assert_uint_eq(s[i].n_bids, w[i].n_bids);
		for (size_t k = 0; k < w[i].n_bids; k++)
			ck_assert_uint_eq(s[i].bids[k], w[i].bids[k]);
		ck_assert_str_eq(s[i].evidence, w[i].evidence);
	}
	eval_signals_free(s, ns);
}

/* ---- identical sealed / plaintext parts ---- */

START_TEST(test_parts)
{
	const char *s0[] = { "aa01", "bb02" }, *s1[] = { "cc03", "bb02" }, *s2[] = { "dd04" };
	const char *p0[] = { "11", "22", "" }, *p1[] = { "33", "" }, *p2[] = { "22", "11", "11" };
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .sealed_hashes = s0, .n_sealed = 2, .plain_hashes = p0, .n_plain = 3 },
		{ .id = "B", .sealed_hashes = s1, .n_sealed = 2, .plain_hashes = p1, .n_plain = 2 },
		{ .id = "C", .sealed_hashes = s2, .n_sealed = 1, .plain_hashes = p2, .n_plain = 3 },
	};
	/* A and B share the ciphertext bb02; A and C share the plaintexts 11 and
	 * 22 (11 twice in C, listed once); A and B both have an empty plaintext
	 * hash, which never matches */
	const struct want w[] = {
		{ EVAL_SIG_SAME_SEALED_PART, EVAL_STRONG, { 0, 1 }, 2, "sealed_part=bb02" },
		{ EVAL_SIG_SAME_PLAIN_PART, EVAL_STRONG, { 0, 2 }, 2, "plain_part=11; plain_part=22" },
	};

	expect(b, 3, w, 2);
}
END_TEST

/* ---- upload address, device fingerprint ---- */

START_TEST(test_address_device)
{
	struct eval_collusion_bid b[4] = {
		{ .id = "A", .upload_addr = "203.0.113.7", .device_fp = "fp-1" },
		{ .id = "B", .upload_addr = "203.0.113.7", .device_fp = "fp-2" },
		{ .id = "C", .upload_addr = "198.51.100.2", .device_fp = "fp-1" },
		{ .id = "D", .upload_addr = "203.0.113.7", .device_fp = "" },
	};
	/* A, B, D from one address: medium. A and C share a device fingerprint
	 * from different addresses: weak (a reported fingerprint can be forged) */
	const struct want w[] = {
		{ EVAL_SIG_SAME_UPLOAD_ADDR, EVAL_MEDIUM, { 0, 1, 3 }, 3, "upload_addr=203.0.113.7" },
		{ EVAL_SIG_SAME_DEVICE, EVAL_WEAK, { 0, 2 }, 2, "device_fp=fp-1" },
	};

	expect(b, 4, w, 2);
}
END_TEST

START_TEST(test_device_corroborated)
{
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .upload_addr = "203.0.113.7", .device_fp = "fp-9" },
		{ .id = "B", .upload_addr = "198.51.100.2" },
		{ .id = "C", .upload_addr = "203.0.113.7", .device_fp = "fp-9" },
	};
	/* the same device and the same address: the device signal is medium */
	const struct want w[] = {
		{ EVAL_SIG_SAME_UPLOAD_ADDR, EVAL_MEDIUM, { 0, 2 }, 2, "upload_addr=203.0.113.7" },
		{ EVAL_SIG_SAME_DEVICE, EVAL_MEDIUM, { 0, 2 }, 2,
		  "device_fp=fp-9; upload_addr=203.0.113.7" },
	};

	expect(b, 3, w, 2);
}
END_TEST

/* ---- document metadata ---- */

START_TEST(test_metadata)
{
	struct eval_doc_meta d0[] = { { "张三", "WPS Office 11.1.0.14309" }, { "", "Word 16.0" } };
	struct eval_doc_meta d1[] = { { "李四", "Word 16.0" }, { "张三", "PDFCreator 5" } };
	struct eval_doc_meta d2[] = { { "王五", "Word 16.0" } };
	struct eval_doc_meta d3[] = { { NULL, NULL }, { "", "" } };
	struct eval_collusion_bid b[4] = {
		{ .id = "A", .docs = d0, .n_docs = 2 },
		{ .id = "B", .docs = d1, .n_docs = 2 },
		{ .id = "C", .docs = d2, .n_docs = 1 },
		{ .id = "D", .docs = d3, .n_docs = 2 },
	};
	/* A–B: author 张三 (in different documents) and software Word 16.0:
	 * medium. A–C and B–C: only the software: weak. D has no metadata. */
	const struct want w[] = {
		{ EVAL_SIG_SAME_METADATA, EVAL_MEDIUM, { 0, 1 }, 2,
		  "author=张三; software=Word 16.0" },
		{ EVAL_SIG_SAME_METADATA, EVAL_WEAK, { 0, 2 }, 2, "software=Word 16.0" },
		{ EVAL_SIG_SAME_METADATA, EVAL_WEAK, { 1, 2 }, 2, "software=Word 16.0" },
	};

	expect(b, 4, w, 3);
}
END_TEST

/* ---- identical errors in the bill of quantities ----
 *
 * 010101001: 12.500 m³ × 30.00 yuan = 375.00 yuan = 37 500 fen. A and B both
 * wrote 38 000 (the same wrong total): strong. C wrote the correct 37 500.
 * 010101002: 3.333 × 1.00 yuan = 333.3 fen -> 333 (rounded): A and C wrote
 * 333 (correct, not an error even though identical); B and C both wrote the
 * wrong 400 and 401 (different wrong totals: no signal).
 * 010101003: A and C both wrote 1 fen for 0 × 5 fen: the same error. */
START_TEST(test_boq)
{
	struct eval_boq_line l0[] = {
		{ "010101001", 12500, 3000, 38000 },
		{ "010101002", 3333, 100, 333 },
		{ "010101003", 0, 5, 1 },
	};
	struct eval_boq_line l1[] = {
		{ "010101002", 3333, 100, 400 },
		{ "010101001", 12500, 3000, 38000 },
	};
	struct eval_boq_line l2[] = {
		{ "010101001", 12500, 3000, 37500 },
		{ "010101002", 3333, 100, 401 },
		{ "010101003", 0, 5, 1 },
	};
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .boq = l0, .n_boq = 3 },
		{ .id = "B", .boq = l1, .n_boq = 2 },
		{ .id = "C", .boq = l2, .n_boq = 3 },
	};
	const struct want w[] = {
		{ EVAL_SIG_SAME_BOQ_ERROR, EVAL_STRONG, { 0, 1 }, 2,
		  "boq_item=010101001 total_fen 38000, expected 37500 / 37500" },
		{ EVAL_SIG_SAME_BOQ_ERROR, EVAL_STRONG, { 0, 2 }, 2,
		  "boq_item=010101003 total_fen 1, expected 0 / 0" },
	};

	expect(b, 3, w, 2);
}
END_TEST

/* ---- prices in a regular pattern ---- */

START_TEST(test_price_arithmetic)
{
	/* 1 000 000, 1 010 000, 1 020 000: constant difference 10 000 fen among
	 * A, C, D (order of input does not matter); B's 1 234 567 is not in it */
	struct eval_collusion_bid b[4] = {
		{ .id = "A", .price_fen = 1020000 },
		{ .id = "B", .price_fen = 1234567 },
		{ .id = "C", .price_fen = 1000000 },
		{ .id = "D", .price_fen = 1010000 },
	};
	const struct want w[] = {
		{ EVAL_SIG_PRICE_PATTERN, EVAL_MEDIUM, { 0, 2, 3 }, 3,
		  "difference_fen=10000; price_fen=1000000; price_fen=1010000; price_fen=1020000" },
	};

	expect(b, 4, w, 1);
}
END_TEST

START_TEST(test_price_geometric)
{
	/* 1 000 000 × 1.1 = 1 100 000, × 1.1 = 1 210 000: ratio 11/10 */
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .price_fen = 1000000 },
		{ .id = "B", .price_fen = 1210000 },
		{ .id = "C", .price_fen = 1100000 },
	};
	const struct want w[] = {
		{ EVAL_SIG_PRICE_PATTERN, EVAL_MEDIUM, { 0, 1, 2 }, 3,
		  "ratio=11/10; price_fen=1000000; price_fen=1100000; price_fen=1210000" },
	};

	expect(b, 3, w, 1);
}
END_TEST

START_TEST(test_price_longest_run)
{
	/* 100, 200, 300, 400 (fen): one run of 4 with difference 100, reported
	 * once from its left end (not also as 200-300-400); and 100, 200, 400
	 * is a run with ratio 2 (100 × 2 = 200, 200 × 2 = 400) */
	struct eval_collusion_bid b[4] = {
		{ .id = "A", .price_fen = 100 },
		{ .id = "B", .price_fen = 200 },
		{ .id = "C", .price_fen = 300 },
		{ .id = "D", .price_fen = 400 },
	};
	const struct want w[] = {
		{ EVAL_SIG_PRICE_PATTERN, EVAL_MEDIUM, { 0, 1, 2, 3 }, 4,
		  "difference_fen=100; price_fen=100; price_fen=200; price_fen=300; price_fen=400" },
		{ EVAL_SIG_PRICE_PATTERN, EVAL_MEDIUM, { 0, 1, 3 }, 3,
		  "ratio=2/1; price_fen=100; price_fen=200; price_fen=400" },
	};

	expect(b, 4, w, 2);
}
END_TEST

/* ---- deposits from one account ---- */

START_TEST(test_deposit)
{
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .deposit_account = "9f86d081" },
		{ .id = "B", .deposit_account = "60303ae2" },
		{ .id = "C", .deposit_account = "9f86d081" },
	};
	const struct want w[] = {
		{ EVAL_SIG_SAME_DEPOSIT_ACCOUNT, EVAL_STRONG, { 0, 2 }, 2, "deposit_account=9f86d081" },
	};

	expect(b, 3, w, 1);
}
END_TEST

/* ---- nothing fires ---- */

START_TEST(test_negative_empty)
{
	const char *e[] = { "", NULL };
	struct eval_doc_meta d[] = { { "", "" } };
	/* every field absent, NULL or empty */
	struct eval_collusion_bid b[3] = {
		{ .id = "A" },
		{ .id = "B", .sealed_hashes = e, .n_sealed = 2, .plain_hashes = e, .n_plain = 2,
		  .upload_addr = "", .device_fp = "", .docs = d, .n_docs = 1, .deposit_account = "" },
		{ .id = "C", .sealed_hashes = e, .n_sealed = 2, .plain_hashes = e, .n_plain = 2,
		  .upload_addr = "", .device_fp = "", .docs = d, .n_docs = 1, .deposit_account = "" },
	};

	expect(b, 3, NULL, 0);
	expect(b, 0, NULL, 0);
}
END_TEST

START_TEST(test_negative_differ)
{
	const char *s0[] = { "aa" }, *s1[] = { "ab" };
	struct eval_doc_meta d0[] = { { "张三", "WPS 11" } }, d1[] = { { "张 三", "WPS 12" } };
	struct eval_boq_line l0[] = { { "010101001", 1000, 100, 100 } };   /* correct */
	struct eval_boq_line l1[] = { { "010101001", 1000, 100, 100 } };   /* identical, correct */
	/* prices 1 000 000, 1 010 000, 1 020 001: differences 10 000 and 10 001 */
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .sealed_hashes = s0, .n_sealed = 1, .plain_hashes = s0, .n_plain = 1,
		  .upload_addr = "203.0.113.7", .device_fp = "fp-1", .docs = d0, .n_docs = 1,
		  .boq = l0, .n_boq = 1, .price_fen = 1000000, .deposit_account = "01" },
		{ .id = "B", .sealed_hashes = s1, .n_sealed = 1, .plain_hashes = s1, .n_plain = 1,
		  .upload_addr = "203.0.113.8", .device_fp = "fp-2", .docs = d1, .n_docs = 1,
		  .boq = l1, .n_boq = 1, .price_fen = 1010000, .deposit_account = "02" },
		{ .id = "C", .price_fen = 1020001 },
	};

	expect(b, 3, NULL, 0);
	/* two bids at a constant difference are not a pattern (≥ 3 needed) */
	expect(b, 2, NULL, 0);
}
END_TEST

START_TEST(test_bad_input)
{
	struct eval_collusion_bid b[2] = { { .id = "A" }, { .id = "" } };
	struct eval_signal *s = (struct eval_signal *)1;
	size_t n = 9;

	ck_assert_int_eq(eval_collusion_detect(b, 2, &s, &n), ET_EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(n, 0);
	b[1].id = "B";
	b[1].n_sealed = 1;           /* a count without its array */
	ck_assert_int_eq(eval_collusion_detect(b, 2, &s, &n), ET_EINVAL);
	b[1].n_sealed = 0;
	b[1].price_fen = -1;
	ck_assert_int_eq(eval_collusion_detect(b, 2, &s, &n), ET_EINVAL);
	b[1].price_fen = 0;
	ck_assert_int_eq(eval_collusion_detect(b, EVAL_COLLUSION_MAX_BIDS + 1, &s, &n), ET_ELIMIT);
	ck_assert_int_eq(eval_collusion_detect(b, 2, &s, &n), ET_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(eval_signal_kind_zh(EVAL_SIG_SAME_DEPOSIT_ACCOUNT), "投标保证金从同一账户转出");
}
END_TEST

/* ---- many matches: the evidence is capped, the signal stands ---- */

START_TEST(test_evidence_cap)
{
	enum { N = 40 };
	char hs[N][8];
	const char *h[N];
	struct eval_collusion_bid b[2] = {
		{ .id = "A", .sealed_hashes = h, .n_sealed = N },
		{ .id = "B", .sealed_hashes = h, .n_sealed = N },
	};
	struct eval_signal *s = NULL;
	size_t n = 0;

	for (int i = 0; i < N; i++) {
		snprintf(hs[i], sizeof hs[i], "h%02d", i);
		h[i] = hs[i];
	}
	ck_assert_int_eq(eval_collusion_detect(b, 2, &s, &n), ET_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(strstr(s[0].evidence, "sealed_part=h15; …"));
	ck_assert_ptr_null(strstr(s[0].evidence, "h16"));
	eval_signals_free(s, n);
}
END_TEST

/* ---- every allocation failing in turn: ET_ENOMEM, nothing returned,
 * nothing leaked (ASan / valgrind runs of the suite check the leaks) ---- */

START_TEST(test_alloc_failures)
{
	const char *h0[] = { "aa", "bb" }, *h1[] = { "bb", "cc" };
	struct eval_doc_meta d[] = { { "张三", "Word 16.0" } };
	struct eval_boq_line l[] = { { "010101001", 1000, 100, 101 } };
	struct eval_collusion_bid b[3] = {
		{ .id = "A", .sealed_hashes = h0, .n_sealed = 2, .plain_hashes = h0, .n_plain = 2,
		  .upload_addr = "203.0.113.7", .device_fp = "fp", .docs = d, .n_docs = 1,
		  .boq = l, .n_boq = 1, .price_fen = 100, .deposit_account = "01" },
		{ .id = "B", .sealed_hashes = h1, .n_sealed = 2, .plain_hashes = h1, .n_plain = 2,
		  .upload_addr = "203.0.113.7", .device_fp = "fp", .docs = d, .n_docs = 1,
		  .boq = l, .n_boq = 1, .price_fen = 200, .deposit_account = "01" },
		{ .id = "C", .price_fen = 300 },
	};
	struct eval_signal *s;
	size_t n;
	unsigned long total;
	int rc;

	/* count the allocations of a successful run: 8 signals */
	armed = true;
	alloc_count = 0;
	fail_at = 0;
	rc = eval_collusion_detect(b, 3, &s, &n);
	armed = false;
	total = alloc_count;
	ck_assert_int_eq(rc, ET_OK);
	ck_assert_uint_eq(n, 8);
	eval_signals_free(s, n);
	ck_assert_uint_gt(total, 10);
	for (fail_at = 1; fail_at <= total; fail_at++) {
		armed = true;
		alloc_count = 0;
		s = (struct eval_signal *)1;
		n = 7;
		rc = eval_collusion_detect(b, 3, &s, &n);
		armed = false;
		ck_assert_msg(rc == ET_ENOMEM, "allocation %lu: rc %d", fail_at, rc);
		ck_assert_ptr_null(s);
		ck_assert_uint_eq(n, 0);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("evaluation_collusion");
	TCase *tc = tcase_create("collusion");

	tcase_add_test(tc, test_parts);
	tcase_add_test(tc, test_address_device);
	tcase_add_test(tc, test_device_corroborated);
	tcase_add_test(tc, test_metadata);
	tcase_add_test(tc, test_boq);
	tcase_add_test(tc, test_price_arithmetic);
	tcase_add_test(tc, test_price_geometric);
	tcase_add_test(tc, test_price_longest_run);
	tcase_add_test(tc, test_deposit);
	tcase_add_test(tc, test_negative_empty);
	tcase_add_test(tc, test_negative_differ);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_evidence_cap);
	tcase_add_test(tc, test_alloc_failures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
