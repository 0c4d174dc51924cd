/* bench/bench_api.c — the benchmark helpers' HTTP client for etenderd's API
 * (bench/bench_api.h): requests, logins, accounts and keys, as the real
 * client makes them. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_api.h"
#include "crypto/crypto.h"

const char *bench_base;
const char *bench_prog = "bench";

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", bench_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int bench_fmt(char *dst, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(dst, cap, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		bench_die("text too long for its buffer");
	return n;
}

static size_t collect(char *p, size_t sz, size_t n, void *ctx)
{
	struct bench_answer *a = ctx;

	a->len += sz * n;
	if (a->hash) {
		crypto_sha256_update(a->hash, p, sz * n);
		return sz * n;
	}
	return et_buf_add(&a->body, p, sz * n) ? 0 : sz * n;
}

void bench_request(const char *method, const char *path, const char *token, const char *body,
		   FILE *upload, curl_off_t upload_len, struct bench_answer *a)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	char url[2048], auth[160];
	CURLcode cc;

	if (!c)
		bench_die("curl_easy_init failed");
	et_buf_init(&a->body, 1u << 20);
	a->status = 0;
	a->len = 0;
	bench_fmt(url, sizeof url, "%s%s", bench_base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	} else if (upload) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READDATA, upload);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, upload_len);
	}
	if (token) {
		bench_fmt(auth, sizeof auth, "Authorization: Bearer %s", token);
		hl = curl_slist_append(hl, auth);
	}
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	if ((cc = curl_easy_perform(c)) != CURLE_OK)
		bench_die("%s %s: %s", method, path, curl_easy_strerror(cc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	crypto_wipe(auth, sizeof auth);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

json_t *bench_api(const char *method, const char *path, const char *token, const char *body)
{
	struct bench_answer a = { 0 };
	json_error_t err;
	json_t *j;

	bench_request(method, path, token, body, NULL, 0, &a);
	if (a.status != 200)
		bench_die("%s %s: HTTP %ld: %.*s", method, path, a.status, (int)a.body.len,
			  a.body.data ? (const char *)a.body.data : "");
	if (!(j = json_loadb((const char *)a.body.data, a.body.len, 0, &err)))
		bench_die("%s %s: not JSON", method, path);
	et_buf_free(&a.body);
	return j;
}

void bench_copy_str(char *dst, size_t cap, json_t *j, const char *what)
{
	const char *s = json_string_value(j);

	if (!s || strlen(s) >= cap)
		bench_die("answer without %s", what);
	memcpy(dst, s, strlen(s) + 1);
}

void bench_login(struct bench_user *u, const char *name, const char *password)
{
	json_t *req = json_pack("{s:s,s:s}", "login", name, "password", password), *j, *p;
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;

	if (!body)
		bench_die("out of memory");
	j = bench_api("POST", "/api/login", NULL, body);
	p = json_object_get(j, "principal");
	bench_copy_str(u->token, sizeof u->token, json_object_get(j, "token"), "token");
	bench_copy_str(u->id, sizeof u->id, json_object_get(p, "user"), "user");
	bench_copy_str(u->org, sizeof u->org, json_object_get(p, "org"), "org");
	json_decref(j);
	crypto_wipe(body, strlen(body));
	free(body);
	json_decref(req);
}

void bench_add_org(const struct bench_user *admin, const char *kind, const char *name, int n,
		   char out[TENDER_ID_LEN])
{
	char body[512];
	json_t *j;

	bench_fmt(body, sizeof body,
		  "{\"kind\":\"%s\",\"legal_name\":\"%s\",\"credit_code\":\"91330100MA%08d\"}",
		  kind, name, n);
	j = bench_api("POST", "/api/orgs", admin->token, body);
	bench_copy_str(out, TENDER_ID_LEN, json_object_get(j, "id"), "org id");
	json_decref(j);
}

void bench_add_user(const struct bench_user *admin, const char *org, const char *role,
		    const char *login, struct bench_user *u)
{
	char body[512];

	bench_fmt(body, sizeof body,
		  "{\"org\":\"%s\",\"roles\":[\"%s\"],\"login\":\"%s\",\"password\":\"" BENCH_PW "\"}",
		  org, role, login);
	json_decref(bench_api("POST", "/api/users", admin->token, body));
	bench_login(u, login, BENCH_PW);
}

struct mem {
	const unsigned char *p;
	size_t n, off;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

void bench_register_keys(struct bench_user *u)
{
	char body[2048], resp[65], pb[48], sb[96], *secret = NULL, *recipient = NULL;
	struct crypto_age_identity *id = NULL;
	const struct crypto_age_identity *ids[1];
	struct et_buf out, msg;
	unsigned char h[32], sig[64];
	const char *armored;
	struct mem m;
	json_t *j;

	if (crypto_age_x25519_generate(&secret, &recipient) ||
	    crypto_ed25519_keygen(u->seed, u->pub) || crypto_age_identity_parse(secret, &id))
		bench_die("key generation failed");
	bench_fmt(body, sizeof body, "{\"recipient\":\"%s\"}", recipient);
	j = bench_api("POST", "/api/me/keys/challenge", u->token, body);
	if (!(armored = json_string_value(json_object_get(j, "challenge"))))
		bench_die("no challenge");
	m = (struct mem){ (const unsigned char *)armored, strlen(armored), 0 };
	ids[0] = id;
	et_buf_init(&out, 4096);
	if (crypto_age_decrypt(ids, 1, mem_read, &m, buf_write, &out))
		bench_die("the challenge does not decrypt");
	crypto_sha256(out.data, out.len, h);
	et_hex_encode(h, 32, resp);
	et_buf_free(&out);
	json_decref(j);
	et_buf_init(&msg, 1024);
	if (tender_key_message(u->id, recipient, u->pub, resp, &msg) ||
	    crypto_ed25519_sign(u->seed, msg.data, msg.len, sig))
		bench_die("signing failed");
	et_buf_free(&msg);
	et_b64_encode(u->pub, 32, pb);
	et_b64_encode(sig, 64, sb);
	bench_fmt(body, sizeof body,
		  "{\"recipient\":\"%s\",\"ed25519\":\"%s\",\"response\":\"%s\",\"sig\":\"%s\"}",
		  recipient, pb, resp, sb);
	json_decref(bench_api("POST", "/api/me/keys", u->token, body));
	crypto_age_identity_free(id);
	crypto_wipe(secret, strlen(secret));
	free(secret);
	free(recipient);
}

void bench_holder_line(const struct bench_user *u, const char *tender, char **recipient,
		       char **secret, char line[512])
{
	char *sec = NULL, sb[96], pb[48];
	unsigned char sig[64];
	struct et_buf msg;

	if (crypto_age_x25519_generate(&sec, recipient))
		bench_die("key generation failed");
	et_buf_init(&msg, 1024);
	if (et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", tender, *recipient) ||
	    crypto_ed25519_sign(u->seed, msg.data, msg.len, sig))
		bench_die("signing failed");
	et_buf_free(&msg);
	et_b64_encode(sig, 64, sb);
	et_b64_encode(u->pub, 32, pb);
	bench_fmt(line, 512, "etender-holder-key/v1 %s %s %s %s", tender, *recipient, pb, sb);
	if (secret) {
		*secret = sec;
	} else {
		crypto_wipe(sec, strlen(sec));
		free(sec);
	}
}

int64_t bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * BENCH_US_PER_S + ts.tv_nsec / 1000;
}

void bench_sleep_until(int64_t t_us)
{
	int64_t d;

	while ((d = t_us - bench_now_us()) > 0) {
		struct timespec ts = { (time_t)(d / BENCH_US_PER_S),
				       (long)(d % BENCH_US_PER_S) * 1000 };

		(void)nanosleep(&ts, NULL);
	}
}
