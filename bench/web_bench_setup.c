/* bench/web_bench_setup.c — prepares a running etenderd for bench/web_bench.sh
 * through its real HTTP API only: the administrator from `etenderd init`
 * creates organisations and users (agent, two key holders of two
 * organisations, supervisor, bidder), the key holders register their keys
 * with proof of possession, the agent drafts a tender on the `demo` rules
 * profile (documents issued a few seconds from now, on the real clock, so a
 * release build without test hooks works), uploads the documents (streamed),
 * the holders register their per-tender keys, a two-person approval, publish;
 * then, once the documents are issued, the bidder registers and downloads
 * each document once to check its bytes.
 *
 * Usage: web_bench_setup BASE_URL ADMIN_PASSWORD OUT_FILE DOC_FILE...
 * Writes OUT_FILE (created 0600: it holds the bidder's bearer token) as
 * shell assignments: TENDER=…, DOC1=…, DOC2=…, TOKEN=…. Prints progress
 * (never the token or a password) to stderr; exit 0 on success. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "crypto/crypto.h"
#include "tender/tender.h"

#define PW "bench password 2026"
#define MAX_DOCS 4
#define US_PER_S 1000000LL
#define US_PER_MIN (60 * US_PER_S)

static const char *base;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "web_bench_setup: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* snprintf that never truncates silently. */
__attribute__((format(printf, 3, 4))) static int fmt(char *dst, size_t cap, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(dst, cap, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		die("text too long for its buffer");
	return n;
}

/* ---- HTTP ------------------------------------------------------------------ */

struct answer {
	long status;
	struct et_buf body;
	struct crypto_sha256 *hash;       /* if set, the body is hashed, not kept */
	uint64_t len;
};

static size_t collect(char *p, size_t sz, size_t n, void *ctx)
{
	struct answer *a = ctx;

	a->len += sz * n;
	if (a->hash) {
		crypto_sha256_update(a->hash, p, sz * n);
		return sz * n;
	}
	return et_buf_add(&a->body, p, sz * n) ? 0 : sz * n;
}

/* One request. body/len: a memory body; or upload: a file streamed as the
 * body (both NULL: no body). token may be NULL. a->body freed by the caller. */
static void request(const char *method, const char *path, const char *token, const char *body,
		    FILE *upload, curl_off_t upload_len, struct answer *a)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	char url[2048], auth[160];
	CURLcode cc;

	if (!c)
		die("curl_easy_init failed");
	et_buf_init(&a->body, 1u << 20);
	a->status = 0;
	a->len = 0;
	fmt(url, sizeof url, "%s%s", base, path);
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
		fmt(auth, sizeof auth, "Authorization: Bearer %s", token);
		hl = curl_slist_append(hl, auth);
	}
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	if ((cc = curl_easy_perform(c)) != CURLE_OK)
		die("%s %s: %s", method, path, curl_easy_strerror(cc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

/* A JSON request that must answer 200; returns the parsed answer (caller decrefs). */
static json_t *api(const char *method, const char *path, const char *token, const char *body)
{
	struct answer a = { 0 };
	json_error_t err;
	json_t *j;

	request(method, path, token, body, NULL, 0, &a);
	if (a.status != 200)
		die("%s %s: HTTP %ld: %.*s", method, path, a.status, (int)a.body.len,
		    a.body.data ? (const char *)a.body.data : "");
	if (!(j = json_loadb((const char *)a.body.data, a.body.len, 0, &err)))
		die("%s %s: not JSON", method, path);
	et_buf_free(&a.body);
	return j;
}

static void copy_str(char *dst, size_t cap, json_t *j, const char *what)
{
	const char *s = json_string_value(j);

	if (!s || strlen(s) >= cap)
		die("answer without %s", what);
	memcpy(dst, s, strlen(s) + 1);
}

/* ---- the world ------------------------------------------------------------- */

struct user {
	char id[TENDER_ID_LEN], token[TENDER_TOKEN_LEN];
	unsigned char seed[32], pub[32];   /* Ed25519 */
};

static void login(struct user *u, const char *name, const char *password)
{
	json_t *req = json_pack("{s:s,s:s}", "login", name, "password", password), *j;
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;

	if (!body)
		die("out of memory");
	j = api("POST", "/api/login", NULL, body);
	copy_str(u->token, sizeof u->token, json_object_get(j, "token"), "token");
	copy_str(u->id, sizeof u->id, json_object_get(json_object_get(j, "principal"), "user"),
		 "user");
	json_decref(j);
	et_wipe(body, strlen(body));
	free(body);
	json_decref(req);
}

static void add_org(const struct user *admin, const char *kind, const char *name, int n,
		    char out[TENDER_ID_LEN])
{
	char body[512];
	json_t *j;

	fmt(body, sizeof body,
		 "{\"kind\":\"%s\",\"legal_name\":\"%s\",\"credit_code\":\"91330100MA000000%02d\"}",
		 kind, name, n);
	j = api("POST", "/api/orgs", admin->token, body);
	copy_str(out, TENDER_ID_LEN, json_object_get(j, "id"), "org id");
	json_decref(j);
}

static void add_user(const struct user *admin, const char *org, const char *role,
		     const char *name, struct user *u)
{
	char body[512];

	fmt(body, sizeof body,
		 "{\"org\":\"%s\",\"roles\":[\"%s\"],\"login\":\"%s\",\"password\":\"" PW "\"}",
		 org, role, name);
	json_decref(api("POST", "/api/users", admin->token, body));
	login(u, name, PW);
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

/* The user's client: fresh X25519 and Ed25519 keys, the age challenge
 * answered (SHA-256 of its plaintext), the key message signed. */
static void register_keys(struct user *u)
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
		die("key generation failed");
	fmt(body, sizeof body, "{\"recipient\":\"%s\"}", recipient);
	j = api("POST", "/api/me/keys/challenge", u->token, body);
	if (!(armored = json_string_value(json_object_get(j, "challenge"))))
		die("no challenge");
	m = (struct mem){ (const unsigned char *)armored, strlen(armored), 0 };
	ids[0] = id;
	et_buf_init(&out, 4096);
	if (crypto_age_decrypt(ids, 1, mem_read, &m, buf_write, &out))
		die("the challenge does not decrypt");
	crypto_sha256(out.data, out.len, h);
	et_hex_encode(h, 32, resp);
	et_buf_free(&out);
	json_decref(j);
	et_buf_init(&msg, 1024);
	if (tender_key_message(u->id, recipient, u->pub, resp, &msg) ||
	    crypto_ed25519_sign(u->seed, msg.data, msg.len, sig))
		die("signing failed");
	et_buf_free(&msg);
	et_b64_encode(u->pub, 32, pb);
	et_b64_encode(sig, 64, sb);
	fmt(body, sizeof body,
		 "{\"recipient\":\"%s\",\"ed25519\":\"%s\",\"response\":\"%s\",\"sig\":\"%s\"}",
		 recipient, pb, resp, sb);
	json_decref(api("POST", "/api/me/keys", u->token, body));
	crypto_age_identity_free(id);
	crypto_wipe(secret, strlen(secret));
	free(secret);
	free(recipient);
}

/* A per-tender holder key, made and signed as `etender holder keygen` does:
 * the registration line; *recipient malloc'd. */
static void holder_line(const struct user *u, const char *tender, char **recipient,
			char line[512])
{
	char *secret = NULL, sb[96], pb[48];
	unsigned char sig[64];
	struct et_buf msg;

	if (crypto_age_x25519_generate(&secret, recipient))
		die("key generation failed");
	et_buf_init(&msg, 1024);
	if (et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", tender, *recipient) ||
	    crypto_ed25519_sign(u->seed, msg.data, msg.len, sig))
		die("signing failed");
	et_buf_free(&msg);
	et_b64_encode(sig, 64, sb);
	et_b64_encode(u->pub, 32, pb);
	fmt(line, 512, "etender-holder-key/v1 %s %s %s %s", tender, *recipient, pb, sb);
	crypto_wipe(secret, strlen(secret));
	free(secret);
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * US_PER_S + ts.tv_nsec / 1000;
}

static void sleep_until(int64_t t_us)
{
	int64_t d;

	while ((d = t_us - now_us()) > 0) {
		struct timespec ts = { (time_t)(d / US_PER_S), (long)(d % US_PER_S) * 1000 };

		(void)nanosleep(&ts, NULL);
	}
}

static void file_sha256(const char *path, unsigned char out[32])
{
	struct crypto_sha256 *h = crypto_sha256_new();
	unsigned char buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!h || !f)
		die("%s: %s", path, f ? "out of memory" : strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_sha256_update(h, buf, n);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	crypto_sha256_final(h, out);
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	enum { O_TENDERER, O_AGENT, O_SUPER, O_BIDDER, O_COUNT };
	char org[O_COUNT][TENDER_ID_LEN], tender[32], path[512],
		body[1024], t0[32], t1[32], t2[32], t3[32], doc[MAX_DOCS][TENDER_ID_LEN],
		line[2][512], *rcpt[2] = { NULL, NULL };
	struct user admin, agent, kh[2], super, bidder;
	struct et_buf xml;
	int64_t from = 0, margin = 10 * US_PER_S;
	unsigned char sha[MAX_DOCS][32];
	int ndocs = argc - 4, attempt;
	json_t *j;
	FILE *out;
	int fd;

	if (argc < 5 || ndocs > MAX_DOCS)
		die("usage: web_bench_setup BASE_URL ADMIN_PASSWORD OUT_FILE DOC_FILE... (at most %d)",
		    MAX_DOCS);
	base = argv[1];
	memset(&admin, 0, sizeof admin);
	for (int i = 0; i < ndocs; i++)
		file_sha256(argv[4 + i], sha[i]);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	/* Accounts and keys, through the administrator. */
	login(&admin, "admin", argv[2]);
	add_org(&admin, "tenderer", "江城市第一中学", 1, org[O_TENDERER]);
	add_org(&admin, "agent", "江城招标代理有限公司", 2, org[O_AGENT]);
	add_org(&admin, "supervisor", "江城市住房和城乡建设局", 3, org[O_SUPER]);
	add_org(&admin, "bidder", "江城建工集团有限公司", 4, org[O_BIDDER]);
	add_user(&admin, org[O_AGENT], "agent", "wb-agent", &agent);
	add_user(&admin, org[O_AGENT], "keyholder", "wb-kh1", &kh[0]);
	add_user(&admin, org[O_SUPER], "keyholder", "wb-kh2", &kh[1]);
	add_user(&admin, org[O_SUPER], "supervisor", "wb-super", &super);
	add_user(&admin, org[O_BIDDER], "bidder", "wb-bidder", &bidder);
	register_keys(&kh[0]);
	register_keys(&kh[1]);
	fprintf(stderr, "web_bench_setup: accounts and keys registered\n");

	/* The tender: publication must come before the documents' issue time,
	 * on the real clock; a slow machine gets a second try with more time. */
	et_buf_init(&xml, 1 << 20);
	for (attempt = 1;; attempt++, margin *= 3) {
		struct answer a = { 0 };

		if (attempt > 3)
			die("could not publish before the documents' issue time");
		fmt(tender, sizeof tender, "WB-%lld-%d", (long long)(now_us() / US_PER_S),
			 attempt);
		from = (now_us() + margin) / US_PER_S * US_PER_S;
		et_clock_format_utc(from, t0);
		et_clock_format_utc(from + 30 * US_PER_MIN, t1);   /* documents and registration */
		et_clock_format_utc(from + 45 * US_PER_MIN, t2);   /* questions */
		et_clock_format_utc(from + 60 * US_PER_MIN, t3);   /* bid deadline */
		for (int i = 0; i < 2; i++) {
			free(rcpt[i]);
			rcpt[i] = NULL;
			holder_line(&kh[i], tender, &rcpt[i], line[i]);
		}
		et_buf_reset(&xml);
		if (et_buf_printf(&xml,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<tender xmlns=\"urn:etender:tender:1\" formatVersion=\"1\" id=\"%s\" type=\"construction\">\n"
			"  <title>基准测试：江城市第一中学新建教学楼工程施工</title>\n"
			"  <tenderer org=\"%s\"/>\n  <agent org=\"%s\"/>\n"
			"  <rulesProfile name=\"demo\" version=\"1\"/>\n"
			"  <schedule>\n    <documentsFrom>%s</documentsFrom>\n    <documentsTo>%s</documentsTo>\n"
			"    <registrationDeadline>%s</registrationDeadline>\n"
			"    <questionDeadline>%s</questionDeadline>\n    <bidDeadline>%s</bidDeadline>\n"
			"  </schedule>\n  <qualification jointVenture=\"false\"/>\n"
			"  <lots>\n    <lot id=\"1\">\n      <title>施工总承包</title>\n"
			"      <controlPrice currency=\"CNY\">4560000000</controlPrice>\n"
			"      <evaluation><lowestEvaluatedPrice/></evaluation>\n    </lot>\n  </lots>\n"
			"  <keyHolders threshold=\"2\">\n"
			"    <holder index=\"1\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
			"    <holder index=\"2\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
			"  </keyHolders>\n</tender>\n",
			tender, org[O_TENDERER], org[O_AGENT], t0, t1, t1, t2, t3,
			org[O_AGENT], kh[0].id, rcpt[0], org[O_SUPER], kh[1].id, rcpt[1]))
			die("tender.xml too long");
		request("POST", "/api/tenders", agent.token, (const char *)xml.data, NULL, 0, &a);
		if (a.status != 200)
			die("draft: HTTP %ld: %.*s", a.status, (int)a.body.len, (const char *)a.body.data);
		et_buf_free(&a.body);
		for (int i = 0; i < 2; i++) {
			fmt(body, sizeof body, "{\"line\":\"%s\"}", line[i]);
			fmt(path, sizeof path, "/api/tenders/%s/holder-keys", tender);
			json_decref(api("POST", path, kh[i].token, body));
		}
		fmt(path, sizeof path, "/api/tenders/%s/holders/propose", tender);
		json_decref(api("POST", path, agent.token, NULL));
		fmt(path, sizeof path, "/api/tenders/%s/holders/approve", tender);
		json_decref(api("POST", path, super.token, NULL));
		for (int i = 0; i < ndocs; i++) {
			FILE *f = fopen(argv[4 + i], "rb");
			struct stat st;

			if (!f || fstat(fileno(f), &st))
				die("%s: %s", argv[4 + i], strerror(errno));
			fmt(path, sizeof path, "/api/tenders/%s/documents?name=bench-%d.bin&kind=%s",
				 tender, i + 1, i ? "other" : "documents");
			request("POST", path, agent.token, NULL, f, (curl_off_t)st.st_size, &a);
			fclose(f);
			if (a.status != 200)
				die("upload %s: HTTP %ld: %.*s", argv[4 + i], a.status, (int)a.body.len,
				    (const char *)a.body.data);
			j = json_loadb((const char *)a.body.data, a.body.len, 0, NULL);
			copy_str(doc[i], sizeof doc[i], json_object_get(j, "id"), "document id");
			json_decref(j);
			et_buf_free(&a.body);
		}
		fmt(path, sizeof path, "/api/tenders/%s/publish", tender);
		request("POST", path, agent.token, NULL, NULL, 0, &a);
		if (a.status == 200) {
			et_buf_free(&a.body);
			break;
		}
		fprintf(stderr, "web_bench_setup: publish refused (HTTP %ld), trying again with "
			"more time: %.*s\n", a.status, (int)a.body.len, (const char *)a.body.data);
		et_buf_free(&a.body);
	}
	fprintf(stderr, "web_bench_setup: tender %s published; documents issued at %s\n", tender, t0);

	/* Registration opens with the documents' issue. */
	sleep_until(from + 200000);
	fmt(path, sizeof path, "/api/tenders/%s/register", tender);
	json_decref(api("POST", path, bidder.token, NULL));
	/* One download of each document: the bytes are the uploaded ones. */
	for (int i = 0; i < ndocs; i++) {
		struct answer a = { 0 };
		unsigned char got[32];

		if (!(a.hash = crypto_sha256_new()))
			die("out of memory");
		fmt(path, sizeof path, "/api/tenders/%s/documents/%s", tender, doc[i]);
		request("GET", path, bidder.token, NULL, NULL, 0, &a);
		if (a.status != 200)
			die("download: HTTP %ld", a.status);
		crypto_sha256_final(a.hash, got);
		if (memcmp(got, sha[i], sizeof got))
			die("download of %s: the bytes differ", argv[4 + i]);
		et_buf_free(&a.body);
	}
	fprintf(stderr, "web_bench_setup: bidder registered, documents downloaded once\n");

	if ((fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    !(out = fdopen(fd, "w")))
		die("%s: %s", argv[3], strerror(errno));
	fprintf(out, "TENDER=%s\n", tender);
	for (int i = 0; i < ndocs; i++)
		fprintf(out, "DOC%d=%s\n", i + 1, doc[i]);
	fprintf(out, "TOKEN=%s\n", bidder.token);
	if (fclose(out))
		die("%s: %s", argv[3], strerror(errno));
	for (int i = 0; i < 2; i++)
		free(rcpt[i]);
	et_buf_free(&xml);
	crypto_wipe(&admin, sizeof admin);
	crypto_wipe(&bidder, sizeof bidder);
	curl_global_cleanup();
	return 0;
}
