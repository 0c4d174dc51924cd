/* tests/web/test_web_log.c — the public log API of the real etenderd: the
 * checkpoint verifies with the served key, every leaf's inclusion proof
 * (at the latest and at an earlier size) and consistency proofs verify
 * against signed checkpoints; bad input gets a JSON error and leaves the
 * log as it was; SIGTERM shuts down cleanly. */
#include "tests/web/harness.h"

#include "audit/audit.h"

#define NEVENTS 23
#define MAXLEAVES 64

static void add_event(struct srv *s, const char *text)
{
	struct http h;
	char body[256];

	FMT(body, "{\"text\":\"%s\"}", text);
	http_do(s, "POST", "/api/test/event", body, strlen(body), NULL, &h);
	ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body);
	http_free(&h);
}

/* GET /log/checkpoint, verified with the key of GET /log/key. */
static void get_checkpoint(struct srv *s, struct audit_checkpoint *cp, char **note_out)
{
	struct http k, c;
	char *name = NULL, *text = NULL;
	unsigned char pub[32];

	http_do(s, "GET", "/log/key", NULL, 0, NULL, &k);
	ck_assert_int_eq(k.status, 200);
	ck_assert(k.len > 1 && k.body[k.len - 1] == '\n');
	k.body[k.len - 1] = 0;
	ck_assert_int_eq(audit_note_vkey_parse(k.body, &name, pub, NULL), ET_OK);
	http_do(s, "GET", "/log/checkpoint", NULL, 0, NULL, &c);
	ck_assert_int_eq(c.status, 200);
	ck_assert(strstr(c.ctype, "text/plain") != NULL);
	ck_assert_int_eq(audit_note_verify(c.body, c.len, name, pub, &text), ET_OK);
	ck_assert_int_eq(audit_checkpoint_parse(text, strlen(text), cp), ET_OK);
	cp->ext = NULL;
	cp->ext_len = 0;
	*note_out = c.body;
	free(text);
	free(name);
	http_free(&k);
}

static size_t get_hashes(struct srv *s, const char *path, unsigned char out[][32], size_t cap)
{
	struct http h;
	json_t *j, *arr, *v;
	size_t i, n;

	http_do(s, "GET", path, NULL, 0, NULL, &h);
	ck_assert_msg(h.status == 200, "%s: %ld %s", path, h.status, h.body);
	j = http_json(&h);
	arr = json_object_get(j, "hashes");
	ck_assert(json_is_array(arr));
	n = json_array_size(arr);
	ck_assert_uint_le(n, cap);
	json_array_foreach(arr, i, v) {
		size_t len;

		ck_assert(json_is_string(v));
		ck_assert_int_eq(et_b64_decode(json_string_value(v), json_string_length(v), out[i], 32,
					       &len), ET_OK);
		ck_assert_uint_eq(len, 32);
	}
	json_decref(j);
	http_free(&h);
	return n;
}

/* Leaf hashes of [0, n) from /log/entries, in pages of 5. */
static void get_leaf_hashes(struct srv *s, uint64_t n, unsigned char (*lh)[32])
{
	for (uint64_t start = 0; start < n; start += 5) {
		struct http h;
		char path[128];
		json_t *j, *arr, *e;
		size_t i;

		FMT(path, "/log/entries?start=%llu&count=5",
			 (unsigned long long)start);
		http_do(s, "GET", path, NULL, 0, NULL, &h);
		ck_assert_int_eq(h.status, 200);
		j = http_json(&h);
		arr = json_object_get(j, "entries");
		ck_assert_uint_eq(json_array_size(arr), n - start < 5 ? n - start : 5);
		json_array_foreach(arr, i, e) {
			const char *b64 = json_string_value(json_object_get(e, "leaf"));
			unsigned char leaf[4096];
			size_t len;

			ck_assert_int_eq(json_integer_value(json_object_get(e, "index")),
					 (json_int_t)(start + i));
			ck_assert_ptr_nonnull(b64);
			ck_assert_int_eq(et_b64_decode(b64, strlen(b64), leaf, sizeof leaf, &len), ET_OK);
			audit_leaf_hash(leaf, len, lh[start + i]);
		}
		json_decref(j);
		http_free(&h);
	}
}

START_TEST(test_proofs)
{
	struct srv s;
	struct audit_checkpoint mid, last, first;
	char *mid_note = NULL, *last_note = NULL, *first_note = NULL, path[128], text[32];
	unsigned char lh[MAXLEAVES][32], proof[64][32];
	size_t n;
	uint64_t base, total;

	srv_init(&s);
	srv_start(&s, NULL);
	/* init bootstrapped the platform (the first administrator): base leaves. */
	get_checkpoint(&s, &first, &first_note);
	base = first.size;
	total = base + NEVENTS;
	ck_assert_uint_le(total, MAXLEAVES);
	for (int i = 0; i < 9; i++) {
		FMT(text, "event %d", i);
		add_event(&s, text);
	}
	get_checkpoint(&s, &mid, &mid_note);
	ck_assert_uint_eq(mid.size, base + 9);
	for (int i = 9; i < NEVENTS; i++) {
		FMT(text, "event %d", i);
		add_event(&s, text);
	}
	get_checkpoint(&s, &last, &last_note);
	ck_assert_uint_eq(last.size, total);
	get_leaf_hashes(&s, total, lh);
	for (uint64_t i = 0; i < total; i++) {
		FMT(path, "/log/proof/inclusion?index=%llu&size=%llu",
			 (unsigned long long)i, (unsigned long long)last.size);
		n = get_hashes(&s, path, proof, 64);
		ck_assert_int_eq(audit_verify_inclusion(i, last.size, lh[i],
							(const unsigned char(*)[32])proof, n,
							last.root), ET_OK);
		if (i < mid.size) {
			FMT(path, "/log/proof/inclusion?index=%llu&size=%llu",
				 (unsigned long long)i, (unsigned long long)mid.size);
			n = get_hashes(&s, path, proof, 64);
			ck_assert_int_eq(audit_verify_inclusion(i, mid.size, lh[i],
								(const unsigned char(*)[32])proof,
								n, mid.root), ET_OK);
			/* The same proof does not verify for another leaf. */
			ck_assert_int_eq(audit_verify_inclusion(i, mid.size, lh[(i + 1) % total],
								(const unsigned char(*)[32])proof,
								n, mid.root), ET_EVERIFY);
		}
	}
	FMT(path, "/log/proof/consistency?from=%llu&size=%llu",
		 (unsigned long long)mid.size, (unsigned long long)last.size);
	n = get_hashes(&s, path, proof, 64);
	ck_assert_int_eq(audit_verify_consistency(mid.size, last.size, mid.root, last.root,
						  (const unsigned char(*)[32])proof, n), ET_OK);
	for (uint64_t m = 1; m <= total; m++) {
		unsigned char root[32];

		ck_assert_int_eq(audit_root_of((const unsigned char(*)[32])lh, m, root), ET_OK);
		FMT(path, "/log/proof/consistency?from=%llu&size=%llu",
			 (unsigned long long)m, (unsigned long long)last.size);
		n = get_hashes(&s, path, proof, 64);
		ck_assert_int_eq(audit_verify_consistency(m, last.size, root, last.root,
							  (const unsigned char(*)[32])proof, n),
				 ET_OK);
	}
	ck_assert_int_eq(srv_stop(&s), 0);
	free(first_note);
	free(mid_note);
	free(last_note);
	srv_cleanup(&s);
}
END_TEST

static uint64_t log_size(struct srv *s)
{
	struct audit_checkpoint cp;
	char *note = NULL;

	get_checkpoint(s, &cp, &note);
	free(note);
	return cp.size;
}

START_TEST(test_bad_input)
{
	static const struct {
		const char *method, *path, *body;
		long status;
		const char *code;
	} cases[] = {
		{ "GET", "/log/entries?start=0", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=x&count=1", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=-1&count=1", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=01&count=1", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=0&count=1e3", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=0&count=0", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=0&count=1001", NULL, 400, "ELIMIT" },
		{ "GET", "/log/entries?start=0&count=18446744073709551615", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=0&count=9223372036854775807", NULL, 400, "ELIMIT" },
		{ "GET", "/log/entries?start=0&count=18446744073709551616", NULL, 400, "EINVAL" },
		{ "GET", "/log/entries?start=1000&count=1", NULL, 404, "ENOTFOUND" },
		{ "GET", "/log/entries?start=9223372036854775808&count=1", NULL, 400, "EINVAL" },
		{ "GET", "/log/proof/inclusion?index=0", NULL, 400, "EINVAL" },
		{ "GET", "/log/proof/inclusion?index=3&size=3", NULL, 400, "EINVAL" },
		{ "GET", "/log/proof/inclusion?index=0&size=1000", NULL, 404, "ENOTFOUND" },
		{ "GET", "/log/proof/inclusion?index=0&size=%20", NULL, 400, "EINVAL" },
		{ "GET", "/log/proof/consistency?from=0&size=3", NULL, 400, "EINVAL" },
		{ "GET", "/log/proof/consistency?from=3&size=2", NULL, 400, "EINVAL" },
		{ "GET", "/log/proof/consistency?from=1&size=99", NULL, 404, "ENOTFOUND" },
		{ "POST", "/log/checkpoint", "x", 405, "EMETHOD" },
		{ "DELETE", "/log/entries?start=0&count=1", NULL, 405, "EMETHOD" },
		{ "GET", "/log/nothing", NULL, 404, "ENOTFOUND" },
		{ "GET", "/api/nothing", NULL, 404, "ENOTFOUND" },
		{ "GET", "/", NULL, 404, "ENOTFOUND" },
		{ "PUT", "/", "x", 404, "ENOTFOUND" },
		{ "POST", "/api/nothing", "{}", 404, "ENOTFOUND" },
		{ "GET", "/api/test/event", NULL, 405, "EMETHOD" },
		{ "POST", "/api/test/event", "", 400, "EINVAL" },
		{ "POST", "/api/test/event", "{", 400, "EINVAL" },
		{ "POST", "/api/test/event", "[]", 400, "EINVAL" },
		{ "POST", "/api/test/event", "{\"text\":5}", 400, "EINVAL" },
		{ "POST", "/api/test/event", "{\"text\":null}", 400, "EINVAL" },
		{ "POST", "/api/test/event", "{\"text\":\"a\",\"text\":\"b\"}", 400, "EINVAL" },
		{ "POST", "/api/test/event", "{\"txt\":\"a\"}", 400, "EINVAL" },
		{ "POST", "/api/test/clock", "{\"now_us\":\"1\"}", 400, "EINVAL" },
		{ "POST", "/api/test/clock", "{\"now_us\":-5}", 400, "EINVAL" },
	};
	struct srv s;
	struct http h;
	char *big;
	size_t big_len = ET_WEB_JSON_MAX_BODY + 1;
	uint64_t before;

	srv_init(&s);
	srv_start(&s, NULL);
	add_event(&s, "one");
	add_event(&s, "two");
	add_event(&s, "three");
	before = log_size(&s);
	ck_assert_uint_ge(before, 3);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		http_do(&s, cases[i].method, cases[i].path, cases[i].body,
			cases[i].body ? strlen(cases[i].body) : 0, NULL, &h);
		if (h.status != cases[i].status)
			ck_abort_msg("%s %s: %ld %s", cases[i].method, cases[i].path, h.status, h.body);
		if (strcmp(cases[i].method, "HEAD"))
			expect_error(&h, cases[i].status, cases[i].code);
		http_free(&h);
	}
	/* An oversized body: 413, with and without a Content-Length. */
	big = malloc(big_len);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', big_len);
	memcpy(big, "{\"text\":\"", 9);
	big[big_len - 2] = '"';
	big[big_len - 1] = '}';
	http_do(&s, "POST", "/api/test/event", big, big_len, NULL, &h);
	expect_error(&h, 413, "ELIMIT");
	http_free(&h);
	{
		const char *chunked[] = { "Transfer-Encoding: chunked", NULL };

		http_do(&s, "POST", "/api/test/event", big, big_len, chunked, &h);
		expect_error(&h, 413, "ELIMIT");
		http_free(&h);
	}
	http_do(&s, "POST", "/log/checkpoint", big, big_len, NULL, &h);
	expect_error(&h, 405, "EMETHOD");
	http_free(&h);
	free(big);
	ck_assert_uint_eq(log_size(&s), before);
	ck_assert_int_eq(srv_stop(&s), 0);
	srv_cleanup(&s);
}
END_TEST

START_TEST(test_entries_and_clock)
{
	struct srv s;
	struct http h;
	json_t *j;

	srv_init(&s);
	srv_start(&s, NULL);
	http_do(&s, "POST", "/api/test/clock", "{\"now_us\":1800000000000000}", 27, NULL, &h);
	ck_assert_int_eq(h.status, 200);
	j = http_json(&h);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "now_us")), 1800000000000000LL);
	json_decref(j);
	http_free(&h);
	add_event(&s, "at a fixed time");
	http_do(&s, "GET", "/log/entries?start=0&count=1000", NULL, 0, NULL, &h);
	ck_assert_int_eq(h.status, 200);
	j = http_json(&h);
	{
		json_t *arr = json_object_get(j, "entries");
		const char *b64 = json_string_value(
			json_object_get(json_array_get(arr, json_array_size(arr) - 1), "leaf"));
		unsigned char leaf[1024];
		size_t len;
		struct audit_leaf dec;

		ck_assert_int_eq(et_b64_decode(b64, strlen(b64), leaf, sizeof leaf, &len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &dec), ET_OK);
		ck_assert_str_eq(dec.kind, "test.noted");
		ck_assert_int_eq(dec.ev.time_us, 1800000000000000LL);
	}
	json_decref(j);
	http_free(&h);
	ck_assert_int_eq(srv_stop(&s), 0);
	srv_cleanup(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("web_log");
	TCase *tc = tcase_create("log");
	SRunner *sr;
	int failed;

	no_proxies();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_proofs);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_entries_and_clock);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
