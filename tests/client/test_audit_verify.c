/* tests/client/test_audit_verify.c — `etender audit verify` and `etender
 * pin` against a tiny /log/ server (libmicrohttpd, in this process) that
 * serves real logs built by audit/ code, cosigned by a real witness process:
 * trust on first use, paging, saved-checkpoint consistency, a changed key,
 * rewritten history, tampered entries, a shrinking log, replay reports,
 * the server's bilingual JSON errors. (Against etenderd itself: later.) */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "testlib.h"

#define WNAME "witness.test/sup"

/* ---- the /log/ server -------------------------------------------------- */

struct srv {
	pthread_mutex_t mu;
	struct tl_log *log;
	char *note;              /* served checkpoint (owned) */
	int tamper_index;        /* entry served with one byte changed, -1: none */
	bool fail;               /* every request: 503 with a JSON error */
	struct MHD_Daemon *d;
	char url[64];
};

static struct srv S;
static char tmp[4096], home[4200];
static unsigned char wseed[32], wpub[32];
static char *wvkey;

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *ctype,
				 const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static bool arg_u64(struct MHD_Connection *c, const char *k, uint64_t *v)
{
	const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);

	return s && et_parse_u64(s, strlen(s), v) == ET_OK;
}

static enum MHD_Result handle(struct MHD_Connection *c, const char *url)
{
	struct tl_log *lg = S.log;
	uint64_t a = 0, b = 0, i;
	json_t *j, *arr;
	char *out;
	enum MHD_Result ret;

	if (S.fail)
		return send_text(c, 503, "application/json",
				 "{\"error\":{\"code\":\"log.unavailable\",\"message_zh\":\"日志暂不可用\","
				 "\"message_en\":\"the log is unavailable\"}}");
	if (!strcmp(url, "/log/key")) {
		char *k = tl_cat(lg->vkey, "\n");
		ret = send_text(c, 200, "text/plain; charset=utf-8", k);
		free(k);
		return ret;
	}
	if (!strcmp(url, "/log/checkpoint"))
		return send_text(c, 200, "text/plain; charset=utf-8", S.note);
	if (!strcmp(url, "/log/entries")) {
		if (!arg_u64(c, "start", &a) || !arg_u64(c, "count", &b))
			return send_text(c, 400, "application/json", "{\"error\":\"bad.request\"}");
		if (b > 100)
			b = 100; /* a server may serve fewer than asked */
		arr = json_array();
		for (i = a; i < a + b && i < tl_log_size(lg); i++) {
			unsigned char *leaf = NULL;
			size_t len = 0;
			char *b64;
			ck_assert_int_eq(audit_log_leaf(lg->log, i, &leaf, &len), ET_OK);
			if ((int64_t)i == S.tamper_index)
				leaf[len - 1] ^= 1;
			b64 = malloc(et_b64_encoded_len(len) + 1);
			et_b64_encode(leaf, len, b64);
			json_array_append_new(arr, json_pack("{s:I,s:s}", "index", (json_int_t)i, "leaf", b64));
			free(b64);
			free(leaf);
		}
		j = json_pack("{s:o}", "entries", arr);
	} else if (!strcmp(url, "/log/proof/consistency")) {
		unsigned char (*p)[32] = NULL;
		size_t n = 0, k;
		if (!arg_u64(c, "from", &a) || !arg_u64(c, "size", &b) || a > b ||
		    b > tl_log_size(lg) ||
		    audit_log_consistency_proof(lg->log, a, b, &p, &n) != ET_OK)
			return send_text(c, 400, "application/json", "{\"error\":\"bad.request\"}");
		arr = json_array();
		for (k = 0; k < n; k++) {
			char h[48];
			et_b64_encode(p[k], 32, h);
			json_array_append_new(arr, json_string(h));
		}
		free(p);
		j = json_pack("{s:o}", "hashes", arr);
	} else if (!strcmp(url, "/api/tenders")) {
		/* The public API of this log's state: its leaves are confidential
		 * commitments and widget events, never a tender (the real
		 * comparison is tested against etenderd in e2e_issue3.sh). */
		j = json_pack("{s:[]}", "tenders");
	} else {
		return send_text(c, 404, "application/json",
				 "{\"error\":{\"code\":\"not.found\",\"message_zh\":\"没有这个资源\","
				 "\"message_en\":\"no such resource\"}}");
	}
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	ret = send_text(c, 200, "application/json", out);
	free(out);
	return ret;
}

static enum MHD_Result on_req(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *up, size_t *upsz,
			      void **con_cls)
{
	enum MHD_Result ret;

	pthread_mutex_lock(&S.mu);
	ret = handle(c, url);
	pthread_mutex_unlock(&S.mu);
	return ret;
}

static void serve(struct tl_log *lg, char *note)
{
	pthread_mutex_lock(&S.mu);
	S.log = lg;
	free(S.note);
	S.note = note;
	S.tamper_index = -1;
	pthread_mutex_unlock(&S.mu);
}

/* Push lg's current checkpoint to the witness (from old) and serve it
 * with the cosignature. */
static void serve_cosigned(struct tl_witness *w, struct tl_log *lg, uint64_t old)
{
	struct tl_resp r;
	char *note = tl_log_checkpoint(lg), *body;

	body = old ? tl_body_proof(lg, old, note) : tl_body(0, NULL, 0, note);
	tl_post(w, body, &r);
	ck_assert_int_eq(r.status, 200);
	serve(lg, tl_cat(note, r.body));
	tl_resp_free(&r);
	free(body);
	free(note);
}

static void setup(void)
{
	const union MHD_DaemonInfo *info;

	tl_tmpdir(tmp, sizeof tmp);
	ck_assert_int_lt(snprintf(home, sizeof home, "%s/home", tmp), (int)sizeof home);
	tl_witness_key(tmp, WNAME, wseed, wpub);
	ck_assert_int_eq(audit_cosig_vkey_format(WNAME, wpub, &wvkey), ET_OK);
	memset(&S, 0, sizeof S);
	pthread_mutex_init(&S.mu, NULL);
	S.tamper_index = -1;
	{
		struct sockaddr_in sa;
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		S.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_req, NULL,
				       MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	}
	ck_assert_ptr_nonnull(S.d);
	info = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_ptr_nonnull(info);
	ck_assert_int_lt(snprintf(S.url, sizeof S.url, "http://127.0.0.1:%u", (unsigned)info->port),
			 (int)sizeof S.url);
}

static void teardown(void)
{
	MHD_stop_daemon(S.d);
	free(S.note);
	pthread_mutex_destroy(&S.mu);
	free(wvkey);
	tl_rmtree(tmp);
}

static char out[1 << 16], err[1 << 16];

static int audit_verify(const char *witness_key)
{
	const char *a[] = { "audit", "verify", "--server", S.url, NULL, NULL, NULL };

	if (witness_key) {
		a[4] = "--witness-key";
		a[5] = witness_key;
	}
	return tl_run(a, home, out, sizeof out, err, sizeof err);
}

static bool bilingual(const char *s)
{
	const unsigned char *p;

	if (!strstr(s, " / "))
		return false;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p >= 0xe4 && *p <= 0xe9) /* lead byte of a CJK ideograph */
			return true;
	return false;
}

START_TEST(tofu_extend_witness_and_key_change)
{
	struct tl_log a, b;
	struct tl_witness w;
	const char *keys[1];
	char fp[120];
	struct stat st;
	int rc;

	tl_log_new(&a, "log.test/p", NULL);
	keys[0] = a.vkey;
	tl_witness_start(&w, tmp, WNAME, keys, 1, 1800000123);
	tl_log_add(&a, 5, false);
	serve_cosigned(&w, &a, 0);

	/* first use: pins both keys, shows fingerprints, saves the checkpoint */
	rc = audit_verify(wvkey);
	ck_assert_msg(rc == 0, "rc %d\n%s\n%s", rc, out, err);
	ck_assert_ptr_nonnull(strstr(err, "pinned the log key on first use"));
	ck_assert_ptr_nonnull(strstr(err, "pinned the witness key on first use"));
	{
		unsigned char h[32];
		char hex[65];
		crypto_sha256(a.vkey, strlen(a.vkey), h);
		et_hex_encode(h, 32, hex);
		ck_assert_int_lt(snprintf(fp, sizeof fp, "%.4s %.4s", hex, hex + 4), (int)sizeof fp);
		ck_assert_msg(strstr(err, fp) != NULL, "fingerprint %s not shown:\n%s", fp, err);
	}
	ck_assert_ptr_nonnull(strstr(out, "first audit"));
	ck_assert_ptr_nonnull(strstr(out, "cosigned it at 2027-01-15T08:02:03"));
	ck_assert_ptr_nonnull(strstr(out, "replay      ok: 5 leaves, 5 confidential"));
	ck_assert_int_eq(stat(home, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	{
		const char *p[] = { "pin", "--server", S.url, NULL };
		ck_assert_int_eq(tl_run(p, home, out, sizeof out, err, sizeof err), 0);
		ck_assert_ptr_nonnull(strstr(out, a.vkey));
		ck_assert_ptr_nonnull(strstr(out, wvkey));
	}

	/* the log grows past one page of entries: consistent with the saved one */
	tl_log_add(&a, 300, false);
	serve_cosigned(&w, &a, 5);
	rc = audit_verify(NULL);
	ck_assert_msg(rc == 0, "rc %d\n%s\n%s", rc, out, err);
	ck_assert_ptr_nonnull(strstr(out, "extends the checkpoint saved last time (size 5)"));
	ck_assert_ptr_nonnull(strstr(out, "305 leaves"));

	/* a checkpoint the witness did not cosign is refused */
	tl_log_add(&a, 1, false);
	serve(&a, tl_log_checkpoint(&a));
	rc = audit_verify(NULL);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, "witness cosignature") && bilingual(err), "%s", err);

	/* another witness key than the pinned one */
	{
		unsigned char s2[32], p2[32];
		char *v2 = NULL;
		ck_assert_int_eq(crypto_ed25519_keygen(s2, p2), ET_OK);
		ck_assert_int_eq(audit_cosig_vkey_format(WNAME, p2, &v2), ET_OK);
		serve_cosigned(&w, &a, 305);
		ck_assert_int_eq(audit_verify(v2), 1);
		ck_assert_ptr_nonnull(strstr(err, "--reset"));
		free(v2);
	}
	ck_assert_int_eq(audit_verify(NULL), 0);

	/* the server presents another log key: refused, pins unchanged */
	tl_log_new(&b, "log.test/p", NULL);
	tl_log_add(&b, 400, false);
	serve(&b, tl_log_checkpoint(&b));
	rc = audit_verify(NULL);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(bilingual(err) && strstr(err, "--reset") && strstr(err, b.vkey) &&
			      strstr(err, a.vkey),
		      "%s", err);
	{
		const char *p[] = { "pin", "--server", S.url, NULL };
		ck_assert_int_eq(tl_run(p, home, out, sizeof out, err, sizeof err), 0);
		ck_assert_ptr_nonnull(strstr(out, a.vkey));
	}
	/* a deliberate change */
	{
		const char *p[] = { "pin", "--server", S.url, "--reset", NULL };
		ck_assert_int_eq(tl_run(p, home, out, sizeof out, err, sizeof err), 0);
	}
	rc = audit_verify(NULL);
	ck_assert_msg(rc == 0, "rc %d\n%s\n%s", rc, out, err);
	ck_assert_ptr_nonnull(strstr(out, "witness     未检查"));

	tl_witness_stop(&w, SIGTERM);
	serve(NULL, NULL);
	tl_log_free(&a);
	tl_log_free(&b);
}
END_TEST

START_TEST(rewritten_history_tamper_shrink)
{
	struct tl_log a, f;
	char *n3;

	tl_log_new(&a, "log.test/h", NULL);
	tl_log_add(&a, 3, false);
	n3 = tl_log_checkpoint(&a);
	tl_log_add(&a, 3, false);
	serve(&a, tl_log_checkpoint(&a));
	ck_assert_int_eq(audit_verify(NULL), 0);

	/* the same key signs a different history that is longer */
	tl_log_new(&f, "log.test/h", a.seed);
	tl_log_add(&f, 10, false);
	serve(&f, tl_log_checkpoint(&f));
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_msg(strstr(err, "history rewritten") && bilingual(err), "%s", err);

	/* entries that do not make the signed root */
	tl_log_add(&a, 2, false);
	serve(&a, tl_log_checkpoint(&a));
	pthread_mutex_lock(&S.mu);
	S.tamper_index = 4;
	pthread_mutex_unlock(&S.mu);
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_msg(strstr(err, "do not make the signed root"), "%s", err);
	pthread_mutex_lock(&S.mu);
	S.tamper_index = -1;
	pthread_mutex_unlock(&S.mu);
	ck_assert_int_eq(audit_verify(NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "(size 6)"));

	/* an older checkpoint than the one seen: the log shrank */
	serve(&a, n3);
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_msg(strstr(err, "the log shrank") && bilingual(err), "%s", err);

	/* the server's bilingual JSON error reaches the user */
	pthread_mutex_lock(&S.mu);
	S.fail = true;
	pthread_mutex_unlock(&S.mu);
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_msg(strstr(err, "HTTP 503 log.unavailable: 日志暂不可用 / the log is unavailable"),
		      "%s", err);
	pthread_mutex_lock(&S.mu);
	S.fail = false;
	pthread_mutex_unlock(&S.mu);

	serve(NULL, NULL);
	tl_log_free(&a);
	tl_log_free(&f);
}
END_TEST

/* Public events of a kind no module applies (a kind unknown to this release):
 * the log verifies, the replay says which kind it could not apply. */
START_TEST(replay_reports_unknown_kinds)
{
	struct tl_log a;

	tl_log_new(&a, "log.test/r", NULL);
	tl_log_add(&a, 2, false);
	tl_log_add(&a, 1, true);
	serve(&a, tl_log_checkpoint(&a));
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_ptr_nonnull(strstr(out, "entries     3 downloaded, root recomputed: ok"));
	ck_assert_msg(strstr(out, "replay      FAILED: leaf 2: no module applies widget.assembled v1"),
		      "%s\n%s", out, err);
	/* the log checks passed, so the checkpoint was saved */
	tl_log_add(&a, 1, false);
	serve(&a, tl_log_checkpoint(&a));
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_ptr_nonnull(strstr(out, "(size 3)"));
	/* large leaves: more than ET_HTTP_MAX_BODY in one page, the client asks
	 * for fewer at a time */
	tl_log_add_sized(&a, 70, true, 300000);
	serve(&a, tl_log_checkpoint(&a));
	ck_assert_int_eq(audit_verify(NULL), 1);
	ck_assert_msg(strstr(out, "entries     74 downloaded, root recomputed: ok"), "%s\n%s", out, err);
	serve(NULL, NULL);
	tl_log_free(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("client_audit_verify");
	TCase *tc = tcase_create("audit");
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
	tcase_add_test(tc, tofu_extend_witness_and_key_change);
	tcase_add_test(tc, rewritten_history_tamper_shrink);
	tcase_add_test(tc, replay_reports_unknown_kinds);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return nf ? 1 : 0;
}
