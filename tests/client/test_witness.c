/* tests/client/test_witness.c — the witness for real over loopback: start
 * `etender witness serve`, push checkpoints of real logs (audit/ code, as
 * `etender log` builds them) with libcurl, and try to make it cosign a
 * fork, a rollback, a forgery; kill -9 it and check what it remembers.
 * Also `etender witness keygen` / `vkey`. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "testlib.h"

#define WNAME "witness.test/w1"
#define T0 1800000000ull

static char tmp[4096];
static unsigned char wseed[32], wpub[32];

static void setup(void)
{
	tl_tmpdir(tmp, sizeof tmp);
	tl_witness_key(tmp, WNAME, wseed, wpub);
}

static void teardown(void)
{
	tl_rmtree(tmp);
}

/* A witness on a free loopback port, data in tmp/wdata. */
static void start(struct tl_witness *w, const char *const *vkeys, size_t n, uint64_t t)
{
	tl_witness_start(w, tmp, WNAME, vkeys, n, t);
}

static void check_cosig(struct tl_log *lg, const char *note, const struct tl_resp *r, uint64_t t)
{
	char *both;
	uint64_t ts = 0;

	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(!strncmp(r->body, "\xe2\x80\x94 " WNAME " ", 4 + strlen(WNAME) + 1),
		      "body %s", r->body);
	both = tl_cat(note, r->body);
	ck_assert_int_eq(audit_cosig_verify(both, strlen(both), WNAME, wpub, &ts), ET_OK);
	ck_assert_uint_eq(ts, t);
	/* and it is a cosignature, not a plain note signature */
	ck_assert_int_ne(audit_note_verify(both, strlen(both), WNAME, wpub, NULL), ET_OK);
	free(both);
	(void)lg;
}

START_TEST(cosign_extend_and_refuse)
{
	struct tl_log a, fork, other;
	struct tl_witness w;
	struct tl_resp r;
	char *n2 = NULL, *n5 = NULL, *nf = NULL, *no = NULL, *body = NULL;
	const char *keys[1];

	tl_log_new(&a, "log.test/a", NULL);
	keys[0] = a.vkey;
	start(&w, keys, 1, T0);

	/* first checkpoint, old 0 */
	tl_log_add(&a, 2, false);
	n2 = tl_log_checkpoint(&a);
	body = tl_body(0, NULL, 0, n2);
	tl_post(&w, body, &r);
	check_cosig(&a, n2, &r, T0);
	tl_resp_free(&r);
	free(body);

	/* a consistent extension */
	tl_log_add(&a, 3, true);
	n5 = tl_log_checkpoint(&a);
	body = tl_body_proof(&a, 2, n5);
	tl_post(&w, body, &r);
	check_cosig(&a, n5, &r, T0);
	tl_resp_free(&r);
	/* again, the same checkpoint with the same proof: stale, 409 with 5 */
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(r.body, "5\n");
	ck_assert_str_eq(r.ctype, "text/x.tlog.size");
	tl_resp_free(&r);
	free(body);
	/* stale old size 0 */
	body = tl_body(0, NULL, 0, n5);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(r.body, "5\n");
	tl_resp_free(&r);
	free(body);
	/* the same checkpoint again from its own size: cosigned again */
	body = tl_body(5, NULL, 0, n5);
	tl_post(&w, body, &r);
	check_cosig(&a, n5, &r, T0);
	tl_resp_free(&r);
	free(body);
	/* a rollback: the size-2 checkpoint from old 5 (old > size) */
	body = tl_body(5, NULL, 0, n2);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 400);
	tl_resp_free(&r);
	free(body);

	/* a fork: same key, same size, another root */
	tl_log_new(&fork, "log.test/a", a.seed);
	tl_log_add(&fork, 5, false);
	nf = tl_log_checkpoint(&fork);
	body = tl_body(5, NULL, 0, nf);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(r.body, "5\n");
	tl_resp_free(&r);
	free(body);
	ck_assert_int_ge(tl_count_files(tmp, "wdata/evidence"), 1);
	/* a fork that grows: its own (valid) proof from 5 does not start at our root */
	tl_log_add(&fork, 2, false);
	free(nf);
	nf = tl_log_checkpoint(&fork);
	body = tl_body_proof(&fork, 5, nf);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 422);
	tl_resp_free(&r);
	free(body);
	ck_assert_int_ge(tl_count_files(tmp, "wdata/evidence"), 2);
	/* the real log's next checkpoint with a proof that is wrong */
	tl_log_add(&a, 2, false);
	free(n2);
	n2 = tl_log_checkpoint(&a);
	body = tl_body_proof_corrupt(&a, 5, n2);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 422);
	tl_resp_free(&r);
	free(body);

	/* a forgery: same origin, another key */
	tl_log_new(&other, "log.test/a", NULL);
	tl_log_add(&other, 9, false);
	no = tl_log_checkpoint(&other);
	body = tl_body(5, NULL, 0, no);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 403);
	tl_resp_free(&r);
	free(body);
	tl_log_free(&other);
	/* an unknown log */
	tl_log_new(&other, "log.test/unknown", NULL);
	tl_log_add(&other, 1, false);
	free(no);
	no = tl_log_checkpoint(&other);
	body = tl_body(0, NULL, 0, no);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 404);
	tl_resp_free(&r);
	free(body);

	/* after all that, the real extension still works: 5 -> 7 */
	body = tl_body_proof(&a, 5, n2);
	tl_post(&w, body, &r);
	check_cosig(&a, n2, &r, T0);
	tl_resp_free(&r);
	free(body);

	/* malformed bodies and wrong methods */
	tl_post(&w, "old 07\n\nx\n", &r);
	ck_assert_int_eq(r.status, 400);
	tl_resp_free(&r);
	tl_post(&w, "new 7\n\n", &r);
	ck_assert_int_eq(r.status, 400);
	tl_resp_free(&r);
	tl_post(&w, "old 7\nnot-base64\n\nlog.test/a\n", &r);
	ck_assert_int_eq(r.status, 400);
	tl_resp_free(&r);
	tl_post(&w, "old 7\n", &r);
	ck_assert_int_eq(r.status, 400);
	tl_resp_free(&r);
	tl_get(&w, "/add-checkpoint", &r);
	ck_assert_int_eq(r.status, 405);
	tl_resp_free(&r);
	tl_get(&w, "/", &r);
	ck_assert_int_eq(r.status, 404);
	tl_resp_free(&r);
	{
		/* oversized */
		size_t big = 200000;
		char *b = malloc(big + 1);
		ck_assert_ptr_nonnull(b);
		memset(b, 'A', big);
		memcpy(b, "old 7\n", 6);
		b[big] = 0;
		tl_post(&w, b, &r);
		ck_assert_int_eq(r.status, 413);
		tl_resp_free(&r);
		free(b);
	}

	tl_witness_stop(&w, SIGTERM);
	free(n2);
	free(n5);
	free(nf);
	free(no);
	tl_log_free(&a);
	tl_log_free(&fork);
	tl_log_free(&other);
}
END_TEST

/* kill -9 right after a 200: the restarted witness remembers. */
START_TEST(durable_across_kill9)
{
	struct tl_log a, fork;
	struct tl_witness w;
	struct tl_resp r;
	char *n = NULL, *nf = NULL, *body = NULL;
	const char *keys[1];
	int i;

	tl_log_new(&a, "log.test/d", NULL);
	tl_log_new(&fork, "log.test/d", a.seed);
	keys[0] = a.vkey;
	tl_log_add(&a, 4, false);
	tl_log_add(&fork, 4, false);
	for (i = 0; i < 3; i++) {
		uint64_t old = i == 0 ? 0 : 4 + 3 * (uint64_t)(i - 1);

		start(&w, keys, 1, T0 + (uint64_t)i);
		free(n);
		n = tl_log_checkpoint(&a);
		body = old ? tl_body_proof(&a, old, n) : tl_body(0, NULL, 0, n);
		tl_post(&w, body, &r);
		check_cosig(&a, n, &r, T0 + (uint64_t)i);
		tl_resp_free(&r);
		free(body);
		/* at once: no orderly shutdown */
		tl_witness_stop(&w, SIGKILL);

		start(&w, keys, 1, T0 + 100);
		/* the fork of the same size is refused */
		free(nf);
		nf = tl_log_checkpoint(&fork);
		body = tl_body(tl_log_size(&a), NULL, 0, nf);
		tl_post(&w, body, &r);
		ck_assert_int_eq(r.status, 409);
		tl_resp_free(&r);
		free(body);
		/* old 0: it tells the size it holds */
		body = tl_body(0, NULL, 0, n);
		tl_post(&w, body, &r);
		ck_assert_int_eq(r.status, 409);
		ck_assert_uint_eq(strtoull(r.body, NULL, 10), tl_log_size(&a));
		tl_resp_free(&r);
		free(body);
		tl_witness_stop(&w, SIGKILL);
		tl_log_add(&a, 3, false);
		tl_log_add(&fork, 3, false);
	}
	/* a state file changed behind its back: the witness refuses to start */
	ck_assert_int_eq(tl_corrupt_state(tmp), 0);
	ck_assert_int_ne(tl_witness_try_start(tmp, WNAME, keys, 1), 0);
	free(n);
	free(nf);
	tl_log_free(&a);
	tl_log_free(&fork);
}
END_TEST

START_TEST(keygen_and_vkey)
{
	char path[4200], out[4096], cmd_out[4096];
	unsigned char pub[32];
	char *name = NULL;
	struct stat st;
	const char *argv_kg[] = { "witness", "keygen", "--name", "w.example/x", "-o", path, NULL };
	const char *argv_vk[] = { "witness", "vkey", "--name", "w.example/x", "--key", path, NULL };

	ck_assert_int_lt(snprintf(path, sizeof path, "%s/k2.key", tmp), (int)sizeof path);
	ck_assert_int_eq(tl_run(argv_kg, NULL, out, sizeof out, NULL, 0), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	out[strcspn(out, "\n")] = 0;
	ck_assert_int_eq(audit_cosig_vkey_parse(out, &name, pub, NULL), ET_OK);
	ck_assert_str_eq(name, "w.example/x");
	/* type 0x04: it is not a note (0x01) key */
	{
		char *n2 = NULL;
		unsigned char p2[32];
		ck_assert_int_ne(audit_note_vkey_parse(out, &n2, p2, NULL), ET_OK);
		free(n2);
	}
	ck_assert_int_eq(tl_run(argv_vk, NULL, cmd_out, sizeof cmd_out, NULL, 0), 0);
	cmd_out[strcspn(cmd_out, "\n")] = 0;
	ck_assert_str_eq(cmd_out, out);
	/* never overwrites */
	ck_assert_int_ne(tl_run(argv_kg, NULL, NULL, 0, NULL, 0), 0);
	free(name);
}
END_TEST

/* Pushes racing from the same old size: exactly one is cosigned, the
 * others get 409 with the winner's size (check and store are atomic). */
struct racer {
	struct tl_witness *w;
	char *body;
	struct tl_resp r;
};

static void *race(void *arg)
{
	struct racer *rc = arg;

	tl_post(rc->w, rc->body, &rc->r);
	return NULL;
}

START_TEST(racing_pushes)
{
	enum { N = 8 };
	struct tl_log a;
	struct tl_witness w;
	struct tl_resp r;
	struct racer rs[N];
	pthread_t th[N];
	char *notes[N], *body;
	const char *keys[1];
	int i, wins = 0;
	unsigned long winner = 0;

	tl_log_new(&a, "log.test/race", NULL);
	keys[0] = a.vkey;
	start(&w, keys, 1, T0);
	tl_log_add(&a, 4, false);
	notes[0] = tl_log_checkpoint(&a);
	body = tl_body(0, NULL, 0, notes[0]);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 200);
	tl_resp_free(&r);
	free(body);
	free(notes[0]);
	for (i = 0; i < N; i++) {
		tl_log_add(&a, 1, false);
		notes[i] = tl_log_checkpoint(&a);
	}
	for (i = 0; i < N; i++) {
		rs[i].w = &w;
		rs[i].body = tl_body_proof(&a, 4, notes[i]);
	}
	for (i = 0; i < N; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	for (i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < N; i++)
		if (rs[i].r.status == 200) {
			wins++;
			winner = 5 + (unsigned long)i;
		}
	ck_assert_int_eq(wins, 1);
	for (i = 0; i < N; i++) {
		if (rs[i].r.status != 200) {
			ck_assert_int_eq(rs[i].r.status, 409);
			ck_assert_uint_eq(strtoul(rs[i].r.body, NULL, 10), winner);
		}
		tl_resp_free(&rs[i].r);
		free(rs[i].body);
		free(notes[i]);
	}
	tl_witness_stop(&w, SIGTERM);
	tl_log_free(&a);
}
END_TEST

/* Known answer: with the vector's witness key, clock and checkpoint, the
 * witness prints the vector's verifier key and answers with exactly the
 * vector's cosignature line (Ed25519 is deterministic). */
START_TEST(vector_cosignature)
{
	const char *v = getenv("ET_VECTORS");
	char path[4200], keyp[4200], vk[4096], *sk = NULL, text[512], *body, *logline;
	const char *note, *wl;
	unsigned char seed[32];
	json_t *j;
	json_error_t je;
	struct tl_witness w;
	struct tl_resp r;
	const char *keys[1];
	const char *argv_vk[] = { "witness", "vkey", "--name", "witness.example/w1", "--key", keyp, NULL };

	ck_assert_ptr_nonnull(v);
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/tlog-cosignature/self-generated-ed25519-cosig.json", v),
			 (int)sizeof path);
	j = json_load_file(path, 0, &je);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(et_hex_decode(json_string_value(json_object_get(j, "witness_seed_hex")), seed, 32),
			 ET_OK);
	ck_assert_int_lt(snprintf(keyp, sizeof keyp, "%s/w.key", tmp), (int)sizeof keyp);
	unlink(keyp);
	ck_assert_int_eq(crypto_bech32_encode("etender-signing-key-", seed, 32, true, &sk), ET_OK);
	ck_assert_int_lt(snprintf(text, sizeof text, "%s\n", sk), (int)sizeof text);
	ck_assert_int_eq(crypto_write_secret_file(keyp, text, strlen(text)), ET_OK);
	free(sk);
	ck_assert_int_eq(tl_run(argv_vk, NULL, vk, sizeof vk, NULL, 0), 0);
	vk[strcspn(vk, "\n")] = 0;
	ck_assert_str_eq(vk, json_string_value(json_object_get(j, "witness_vkey")));

	keys[0] = json_string_value(json_object_get(j, "log_vkey"));
	tl_witness_start(&w, tmp, "witness.example/w1", keys, 1,
			 (uint64_t)json_integer_value(json_object_get(j, "cosignature_timestamp")));
	/* the signed checkpoint without the witness's line */
	note = json_string_value(json_object_get(j, "signed_checkpoint"));
	wl = strstr(note, "\xe2\x80\x94 witness.example/w1 ");
	ck_assert_ptr_nonnull(wl);
	logline = strndup(note, (size_t)(wl - note));
	body = tl_cat("old 0\n\n", logline);
	tl_post(&w, body, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, wl);
	tl_resp_free(&r);
	tl_witness_stop(&w, SIGTERM);
	free(body);
	free(logline);
	json_decref(j);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("client_witness");
	TCase *tc = tcase_create("witness");
	SRunner *sr;
	int nf;

	/* loopback only: no proxy from the environment (children inherit this) */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, cosign_extend_and_refuse);
	tcase_add_test(tc, durable_across_kill9);
	tcase_add_test(tc, keygen_and_vkey);
	tcase_add_test(tc, vector_cosignature);
	tcase_add_test(tc, racing_pushes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return nf ? 1 : 0;
}
