/* tests/web/test_web_api.c — the JSON API of the real etenderd over HTTP:
 * the administrator from `etenderd init` sets up organisations and users of
 * every role, users register keys with proof of possession, an agent drafts
 * and publishes a tender with an approved key-holder set, uploads a document
 * (streamed, stored by SHA-256), bidders register and download (recorded
 * before the bytes, as a confidential leaf), ask a question that the agent
 * sees without its asker, a late clarification moves the deadline, a
 * deadline change needs two people, and the tender is cancelled. Every
 * refusal is a JSON error with its status and rule, and changes nothing;
 * nothing before the deadline tells the agent or another bidder who
 * registered. Finally `etenderd verify` replays the log and compares. */
#include "tests/web/harness.h"

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "tender/tender.h"

#define T0 (1796083200LL * 1000000)  /* 2026-12-01T00:00:00Z */
#define HOUR (3600LL * 1000000)
#define DAY (24 * HOUR)
#define FROM (T0 + DAY)               /* documents issued */
#define PW "correct horse battery"

enum { U_ADMIN, U_AGENT1, U_AGENT2, U_AGENT_O, U_B1, U_B2, U_B3, U_KH1, U_KH2, U_KH3, U_SUPER,
       U_COUNT };
enum { O_CENTER, O_TENDERER, O_AGENT, O_AGENT_O, O_B1, O_B2, O_B3, O_SUPER, O_COUNT };

struct user {
	char id[TENDER_ID_LEN];
	char login[32], pw[128];
	char token[TENDER_TOKEN_LEN];
	char *secret, *recipient;          /* age X25519 identity */
	unsigned char seed[32], pub[32];   /* Ed25519 */
};

struct world {
	struct srv s;
	char org[O_COUNT][TENDER_ID_LEN];
	struct user u[U_COUNT];
	char admin_pw[128];
};

/* ---- HTTP helpers ---------------------------------------------------------- */

static void api(struct world *w, int who, const char *method, const char *path, const void *body,
		size_t len, struct http *h)
{
	char auth[160];
	const char *hdr[2] = { auth, NULL };

	FMT(auth, "Authorization: Bearer %s", who >= 0 ? w->u[who].token : "");
	http_do(&w->s, method, path, body, body ? len : 0, who >= 0 ? hdr : NULL, h);
}

static json_t *api_ok(struct world *w, int who, const char *method, const char *path,
		      const char *body)
{
	struct http h;
	json_t *j;

	api(w, who, method, path, body, body ? strlen(body) : 0, &h);
	ck_assert_msg(h.status == 200, "%s %s: %ld %s", method, path, h.status, h.body);
	j = http_json(&h);
	http_free(&h);
	return j;
}

static uint64_t log_size(struct world *w)
{
	struct http h;
	const char *nl;
	uint64_t n;

	http_do(&w->s, "GET", "/log/checkpoint", NULL, 0, NULL, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_nonnull(nl = strchr(h.body, '\n'));
	n = strtoull(nl + 1, NULL, 10);
	http_free(&h);
	return n;
}

/* The request is refused with status, code and (if not NULL) rule, and the
 * log does not grow. */
static void api_refused(struct world *w, int who, const char *method, const char *path,
			const char *body, long status, const char *code, const char *rule)
{
	struct http h;
	uint64_t before = log_size(w);
	json_t *j, *e;

	api(w, who, method, path, body, body ? strlen(body) : 0, &h);
	if (h.status != status)
		ck_abort_msg("%s %s: %ld (wanted %ld) %s", method, path, h.status, status, h.body);
	expect_error(&h, status, code);
	if (rule) {
		j = http_json(&h);
		e = json_object_get(json_object_get(j, "error"), "rule");
		ck_assert_msg(json_is_string(e) && !strcmp(json_string_value(e), rule),
			      "%s %s: rule %s, wanted %s", method, path, h.body, rule);
		json_decref(j);
	}
	http_free(&h);
	ck_assert_uint_eq(log_size(w), before);
}

static void set_clock(struct world *w, int64_t t)
{
	char body[64];

	FMT(body, "{\"now_us\":%lld}", (long long)t);
	json_decref(api_ok(w, -1, "POST", "/api/test/clock", body));
}

static void login(struct world *w, int u, const char *login_name, const char *pw)
{
	char body[256];
	json_t *j;

	FMT(body, "{\"login\":\"%s\",\"password\":\"%s\"}", login_name, pw);
	j = api_ok(w, -1, "POST", "/api/login", body);
	FMT(w->u[u].token, "%s",
		 json_string_value(json_object_get(j, "token")));
	FMT(w->u[u].id, "%s",
		 json_string_value(json_object_get(json_object_get(j, "principal"), "user")));
	ck_assert_int_eq(strncmp(w->u[u].token, "et1.", 4), 0);
	FMT(w->u[u].login, "%s", login_name);
	FMT(w->u[u].pw, "%s", pw);
	json_decref(j);
}

/* Move the clock and log everyone in again (tokens live 12 hours). */
static void advance(struct world *w, int64_t t)
{
	set_clock(w, t);
	for (int u = 0; u < U_COUNT; u++)
		if (w->u[u].token[0] && strcmp(w->u[u].login, "-")) {
			char name[32], pw[128];

			FMT(name, "%s", w->u[u].login);
			FMT(pw, "%s", w->u[u].pw);
			login(w, u, name, pw);
		}
}

/* ---- world ------------------------------------------------------------------ */

static void admin_password(struct world *w)
{
	char path[400], line[512];
	FILE *f;

	FMT(path, "%s/init.out", w->s.dir);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	w->admin_pw[0] = 0;
	while (fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "one-time password: ");

		if (p) {
			p += strlen("one-time password: ");
			FMT(w->admin_pw, "%.*s", (int)strcspn(p, "\n"), p);
		}
	}
	fclose(f);
	ck_assert(w->admin_pw[0]);
}

static void add_org(struct world *w, int o, const char *kind, const char *name)
{
	char body[512];
	json_t *j;

	FMT(body,
		 "{\"kind\":\"%s\",\"legal_name\":\"%s\",\"credit_code\":\"91330100MA0000000%d\","
		 "\"address\":\"江城市某路%d号\",\"phone\":\"0571-%d\"}", kind, name, o, o, o);
	j = api_ok(w, U_ADMIN, "POST", "/api/orgs", body);
	FMT(w->org[o], "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
}

static void add_user(struct world *w, int u, int o, const char *role, const char *login_name)
{
	char body[640];
	json_t *j;

	FMT(body,
		 "{\"org\":\"%s\",\"roles\":[\"%s\"],\"login\":\"%s\",\"password\":\"" PW "\","
		 "\"name\":\"用户%d\",\"phone\":\"1370000%04d\",\"id_number\":\"3301001990010100%02d\"}",
		 w->org[o], role, login_name, u, u, u);
	j = api_ok(w, U_ADMIN, "POST", "/api/users", body);
	json_decref(j);
	login(w, u, login_name, PW);
}

struct mem {
	const unsigned char *p;
	size_t n, off;
};
static int mem_rd(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}
static int buf_wr(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

/* The user's client: fresh keys, the age challenge answered, the message signed. */
static void register_keys(struct world *w, int u)
{
	struct user *x = &w->u[u];
	char body[2048], resp[65], pb[48], sb[96];
	json_t *j;
	const char *armored;
	struct crypto_age_identity *id = NULL;
	struct et_buf out, msg;
	unsigned char h[32], sig[64];

	ck_assert_int_eq(crypto_age_x25519_generate(&x->secret, &x->recipient), ET_OK);
	ck_assert_int_eq(crypto_ed25519_keygen(x->seed, x->pub), ET_OK);
	FMT(body, "{\"recipient\":\"%s\"}", x->recipient);
	j = api_ok(w, u, "POST", "/api/me/keys/challenge", body);
	ck_assert_ptr_nonnull(armored = json_string_value(json_object_get(j, "challenge")));
	{
		struct mem m = { (const unsigned char *)armored, strlen(armored), 0 };
		const struct crypto_age_identity *ids[1];

		et_buf_init(&out, 1024);
		ck_assert_int_eq(crypto_age_identity_parse(x->secret, &id), ET_OK);
		ids[0] = id;
		ck_assert_int_eq(crypto_age_decrypt(ids, 1, mem_rd, &m, buf_wr, &out), ET_OK);
		crypto_sha256(out.data, out.len, h);
		et_hex_encode(h, 32, resp);
		crypto_age_identity_free(id);
		et_buf_free(&out);
	}
	json_decref(j);
	et_buf_init(&msg, 1024);
	ck_assert_int_eq(tender_key_message(x->id, x->recipient, x->pub, resp, &msg), ET_OK);
	ck_assert_int_eq(crypto_ed25519_sign(x->seed, msg.data, msg.len, sig), ET_OK);
	et_buf_free(&msg);
	et_b64_encode(x->pub, 32, pb);
	/* A wrong signature first: 400 EVERIFY, nothing logged. */
	sig[0] ^= 1;
	et_b64_encode(sig, 64, sb);
	FMT(body,
		 "{\"recipient\":\"%s\",\"ed25519\":\"%s\",\"response\":\"%s\",\"sig\":\"%s\"}",
		 x->recipient, pb, resp, sb);
	if (u == U_KH1)
		api_refused(w, u, "POST", "/api/me/keys", body, 400, "EVERIFY", NULL);
	sig[0] ^= 1;
	et_b64_encode(sig, 64, sb);
	if (u == U_KH1) {
		/* the refused attempt consumed nothing or everything: ask again */
		FMT(body, "{\"recipient\":\"%s\"}", x->recipient);
		j = api_ok(w, u, "POST", "/api/me/keys/challenge", body);
		armored = json_string_value(json_object_get(j, "challenge"));
		{
			struct mem m = { (const unsigned char *)armored, strlen(armored), 0 };
			const struct crypto_age_identity *ids[1];

			et_buf_init(&out, 1024);
			ck_assert_int_eq(crypto_age_identity_parse(x->secret, &id), ET_OK);
			ids[0] = id;
			ck_assert_int_eq(crypto_age_decrypt(ids, 1, mem_rd, &m, buf_wr, &out), ET_OK);
			crypto_sha256(out.data, out.len, h);
			et_hex_encode(h, 32, resp);
			crypto_age_identity_free(id);
			et_buf_free(&out);
		}
		json_decref(j);
		et_buf_init(&msg, 1024);
		ck_assert_int_eq(tender_key_message(x->id, x->recipient, x->pub, resp, &msg), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(x->seed, msg.data, msg.len, sig), ET_OK);
		et_buf_free(&msg);
		et_b64_encode(sig, 64, sb);
	}
	FMT(body,
		 "{\"recipient\":\"%s\",\"ed25519\":\"%s\",\"response\":\"%s\",\"sig\":\"%s\"}",
		 x->recipient, pb, resp, sb);
	json_decref(api_ok(w, u, "POST", "/api/me/keys", body));
}

static void world_setup(struct world *w)
{
	json_t *j;

	memset(w, 0, sizeof *w);
	srv_init(&w->s);
	admin_password(w);
	srv_start(&w->s, NULL);
	set_clock(w, T0);
	login(w, U_ADMIN, "admin", w->admin_pw);
	j = api_ok(w, U_ADMIN, "GET", "/api/me", NULL);
	FMT(w->org[O_CENTER], "%s",
		 json_string_value(json_object_get(json_object_get(j, "principal"), "org")));
	json_decref(j);
	add_org(w, O_TENDERER, "tenderer", "江城市第一中学");
	add_org(w, O_AGENT, "agent", "江城招标代理有限公司");
	add_org(w, O_AGENT_O, "agent", "另一招标代理有限公司");
	add_org(w, O_B1, "bidder", "江城建工集团有限公司");
	add_org(w, O_B2, "bidder", "富春建设有限公司");
	add_org(w, O_B3, "bidder", "失信建筑有限公司");
	add_org(w, O_SUPER, "supervisor", "江城市住房和城乡建设局");
	add_user(w, U_AGENT1, O_AGENT, "agent", "agent1");
	add_user(w, U_AGENT2, O_AGENT, "agent", "agent2");
	add_user(w, U_AGENT_O, O_AGENT_O, "agent", "agento");
	add_user(w, U_B1, O_B1, "bidder", "bidder1");
	add_user(w, U_B2, O_B2, "bidder", "bidder2");
	add_user(w, U_B3, O_B3, "bidder", "bidder3");
	add_user(w, U_KH1, O_AGENT, "keyholder", "kh1");
	add_user(w, U_KH2, O_SUPER, "keyholder", "kh2");
	add_user(w, U_KH3, O_CENTER, "keyholder", "kh3");
	add_user(w, U_SUPER, O_SUPER, "supervisor", "super");
	for (int u = U_KH1; u <= U_KH3; u++)
		register_keys(w, u);
}

static void world_free(struct world *w)
{
	for (int i = 0; i < U_COUNT; i++) {
		if (w->u[i].secret) {
			crypto_wipe(w->u[i].secret, strlen(w->u[i].secret));
			free(w->u[i].secret);
		}
		free(w->u[i].recipient);
	}
	srv_cleanup(&w->s);
}

/* ---- tender.xml and holder keys ------------------------------------------- */

struct tkeys {
	char *secret[3], *recipient[3];
	char line[3][512];
};

static void holder_keys(struct world *w, const char *tender, struct tkeys *t)
{
	for (int i = 0; i < 3; i++) {
		struct user *x = &w->u[U_KH1 + i];
		struct et_buf msg;
		unsigned char sig[64];
		char sb[96], pb[48];

		ck_assert_int_eq(crypto_age_x25519_generate(&t->secret[i], &t->recipient[i]), ET_OK);
		et_buf_init(&msg, 1024);
		ck_assert_int_eq(et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", tender,
					       t->recipient[i]), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(x->seed, msg.data, msg.len, sig), ET_OK);
		et_buf_free(&msg);
		et_b64_encode(sig, 64, sb);
		et_b64_encode(x->pub, 32, pb);
		FMT(t->line[i], "etender-holder-key/v1 %s %s %s %s", tender,
			 t->recipient[i], pb, sb);
	}
}

static void holder_keys_free(struct tkeys *t)
{
	for (int i = 0; i < 3; i++) {
		crypto_wipe(t->secret[i], strlen(t->secret[i]));
		free(t->secret[i]);
		free(t->recipient[i]);
	}
}

static void make_xml(struct world *w, const char *id, const struct tkeys *t, struct et_buf *b)
{
	char t1[32], t2[32], t3[32], t4[32];

	et_clock_format_utc(FROM, t1);
	et_clock_format_utc(FROM + 6 * DAY, t2);
	et_clock_format_utc(FROM + 15 * DAY, t3);
	et_clock_format_utc(FROM + 21 * DAY, t4);
	et_buf_reset(b);
	ck_assert_int_eq(et_buf_printf(b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<tender xmlns=\"urn:etender:tender:1\" formatVersion=\"1\" id=\"%s\" type=\"construction\">\n"
		"  <title>江城市第一中学新建教学楼工程施工</title>\n"
		"  <tenderer org=\"%s\"/>\n  <agent org=\"%s\"/>\n"
		"  <rulesProfile name=\"cn\" version=\"1\"/>\n"
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
		"    <holder index=\"3\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"  </keyHolders>\n</tender>\n",
		id, w->org[O_TENDERER], w->org[O_AGENT], t1, t2, t2, t3, t4,
		w->org[O_AGENT], w->u[U_KH1].id, t->recipient[0],
		w->org[O_SUPER], w->u[U_KH2].id, t->recipient[1],
		w->org[O_CENTER], w->u[U_KH3].id, t->recipient[2]), ET_OK);
}

static void post_raw(struct world *w, int who, const char *path, const void *body, size_t len,
		     struct http *h)
{
	api(w, who, "POST", path, body, len, h);
}

/* ---- the test ------------------------------------------------------------- */

#define T "JC-2026-001"
#define TP "/api/tenders/" T

START_TEST(test_lifecycle_over_http)
{
	struct world w;
	struct tkeys t;
	struct et_buf xml;
	struct http h;
	json_t *j, *arr;
	char body[1024], path[256], doc_id[TENDER_ID_LEN], hex[65], qid[TENDER_ID_LEN],
		pid[TENDER_ID_LEN];
	unsigned char *file, sha[32];
	size_t file_len = 3u << 20;
	uint64_t before;
	int64_t deadline;

	world_setup(&w);

	/* --- authentication and roles */
	api_refused(&w, -1, "POST", "/api/orgs", "{\"kind\":\"bidder\",\"legal_name\":\"x\"}", 401,
		    "EAUTH", NULL);
	{
		struct http hh;
		const char *bad[] = { "Authorization: Bearer et1.0000000000000000000000000000000000000000000000000000000000000000", NULL };

		http_do(&w.s, "GET", "/api/me", NULL, 0, bad, &hh);
		expect_error(&hh, 401, "EAUTH");
		http_free(&hh);
	}
	api_refused(&w, -1, "POST", "/api/login", "{\"login\":\"agent1\",\"password\":\"wrong password\"}",
		    401, "EAUTH", NULL);
	api_refused(&w, U_AGENT1, "POST", "/api/orgs", "{\"kind\":\"bidder\",\"legal_name\":\"x\"}",
		    403, "EDENIED", "et.auth.role");
	api_refused(&w, U_ADMIN, "POST", "/api/orgs", "{\"kind\":\"pirate\",\"legal_name\":\"x\"}",
		    400, "EINVAL", NULL);
	api_refused(&w, U_ADMIN, "POST", "/api/orgs", "{\"kind\":\"bidder\",\"legal_name\":7}", 400,
		    "EINVAL", NULL);
	FMT(body, "{\"org\":\"%s\",\"roles\":[\"agent\"],\"login\":\"agent1\","
		 "\"password\":\"" PW "\"}", w.org[O_AGENT]);
	api_refused(&w, U_ADMIN, "POST", "/api/users", body, 409, "EEXIST", NULL);
	FMT(body, "{\"org\":\"%s\",\"roles\":\"agent\",\"login\":\"x9\","
		 "\"password\":\"" PW "\"}", w.org[O_AGENT]);
	api_refused(&w, U_ADMIN, "POST", "/api/users", body, 400, "EINVAL", NULL);
	/* firm 3 is barred for a year */
	FMT(body, "{\"org\":\"%s\",\"basis\":\"江建罚〔2026〕12号\","
		 "\"from_us\":%lld,\"until_us\":%lld}", w.org[O_B3], (long long)(T0 - DAY),
		 (long long)(T0 + 365 * DAY));
	json_decref(api_ok(&w, U_ADMIN, "POST", "/api/credit", body));

	/* --- draft */
	et_buf_init(&xml, 1 << 20);
	holder_keys(&w, T, &t);
	make_xml(&w, T, &t, &xml);
	before = log_size(&w);
	post_raw(&w, U_AGENT1, "/api/tenders", "<tender>", 8, &h);
	expect_error(&h, 400, "EINVAL");
	http_free(&h);
	post_raw(&w, U_AGENT1, "/api/tenders", "<!DOCTYPE x [<!ENTITY a \"b\">]><tender/>", 38, &h);
	expect_error(&h, 400, "EINVAL");
	http_free(&h);
	post_raw(&w, U_B1, "/api/tenders", xml.data, xml.len, &h);
	ck_assert_msg(h.status == 403, "%ld %s", h.status, h.body);
	http_free(&h);
	ck_assert_uint_eq(log_size(&w), before);
	post_raw(&w, U_AGENT1, "/api/tenders", xml.data, xml.len, &h);
	ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body);
	http_free(&h);
	/* a draft is not public */
	api_refused(&w, -1, "GET", TP, NULL, 404, "ENOTFOUND", NULL);
	api_refused(&w, U_B1, "GET", TP, NULL, 404, "ENOTFOUND", NULL);
	j = api_ok(&w, U_AGENT1, "GET", TP, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "stage")), "draft");
	json_decref(j);
	api_refused(&w, U_AGENT1, "POST", TP "/publish", NULL, 409, "ESTATE", "et.keys.approved");

	/* --- key holders: each registers its fresh key; propose; two-person approval */
	for (int i = 0; i < 3; i++) {
		FMT(body, "{\"line\":\"%s\"}", t.line[i]);
		if (i == 0)
			api_refused(&w, U_KH2, "POST", TP "/holder-keys", body, 400, "EKEY", NULL);
		json_decref(api_ok(&w, U_KH1 + i, "POST", TP "/holder-keys", body));
	}
	json_decref(api_ok(&w, U_AGENT1, "POST", TP "/holders/propose", NULL));
	api_refused(&w, U_AGENT1, "POST", TP "/holders/approve", NULL, 403, "EDENIED", NULL);
	json_decref(api_ok(&w, U_SUPER, "POST", TP "/holders/approve", NULL));

	/* --- a document, streamed */
	ck_assert_ptr_nonnull(file = malloc(file_len));
	ck_assert_int_eq(crypto_random(file, file_len), ET_OK);
	crypto_sha256(file, file_len, sha);
	et_hex_encode(sha, 32, hex);
	before = log_size(&w);
	post_raw(&w, -1, TP "/documents?name=x&kind=documents", file, file_len, &h);
	expect_error(&h, 401, "EAUTH");
	http_free(&h);
	post_raw(&w, U_B1, TP "/documents?name=x&kind=documents", file, file_len, &h);
	expect_error(&h, 404, "ENOTFOUND");   /* a draft is not told to others */
	http_free(&h);
	post_raw(&w, U_SUPER, TP "/documents?name=x&kind=documents", file, file_len, &h);
	expect_error(&h, 403, "EDENIED");
	http_free(&h);
	post_raw(&w, U_AGENT1, TP "/documents?kind=documents", file, file_len, &h);
	expect_error(&h, 400, "EINVAL");
	http_free(&h);
	ck_assert_uint_eq(log_size(&w), before);
	post_raw(&w, U_AGENT1, TP "/documents?name=%E6%8B%9B%E6%A0%87%E6%96%87%E4%BB%B6.pdf&kind=documents",
		 file, file_len, &h);
	ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body);
	j = http_json(&h);
	http_free(&h);
	ck_assert_str_eq(json_string_value(json_object_get(j, "sha256")), hex);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "size")), (json_int_t)file_len);
	FMT(doc_id, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	{
		char blob[600];
		struct stat st;

		FMT(blob, "%s/blobs/%s", w.s.data, hex);
		ck_assert_int_eq(stat(blob, &st), 0);
		ck_assert_int_eq(st.st_size, (off_t)file_len);
	}

	/* --- publish at the documents' issue time */
	json_decref(api_ok(&w, U_AGENT1, "POST", TP "/publish", NULL));
	api_refused(&w, U_AGENT1, "POST", TP "/publish", NULL, 409, "ESTATE", NULL);
	j = api_ok(&w, -1, "GET", TP, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "stage")), "published");
	deadline = json_integer_value(json_object_get(json_object_get(j, "schedule"),
						      "bid_deadline_us"));
	ck_assert_int_eq(deadline, FROM + 21 * DAY);
	json_decref(j);
	j = api_ok(&w, -1, "GET", TP "/holders", NULL);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "k")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "holders")), 3);
	json_decref(j);
	api_refused(&w, -1, "GET", "/api/tenders/NO-SUCH", NULL, 404, "ENOTFOUND", NULL);

	/* --- registration and download */
	advance(&w, FROM + HOUR);
	FMT(path, TP "/documents/%s", doc_id);
	api_refused(&w, U_B1, "GET", path, NULL, 403, "EDENIED", "et.reg.required");
	api_refused(&w, U_B3, "POST", TP "/register", NULL, 403, "EDENIED", "et.credit.barred");
	api_refused(&w, U_AGENT1, "POST", TP "/register", NULL, 403, "EDENIED", NULL);
	before = log_size(&w);
	json_decref(api_ok(&w, U_B1, "POST", TP "/register", NULL));
	ck_assert_uint_eq(log_size(&w), before + 1);
	api_refused(&w, U_B1, "POST", TP "/register", NULL, 409, "EEXIST", NULL);
	{
		/* the registration is a confidential leaf: a bare commitment */
		struct http e;
		char q[96];
		json_t *ej;
		const char *b64;
		unsigned char leaf[256];
		size_t len;
		struct audit_leaf dl;

		FMT(q, "/log/entries?start=%llu&count=1", (unsigned long long)before);
		http_do(&w.s, "GET", q, NULL, 0, NULL, &e);
		ej = http_json(&e);
		b64 = json_string_value(json_object_get(json_array_get(json_object_get(ej, "entries"), 0),
							"leaf"));
		ck_assert_int_eq(et_b64_decode(b64, strlen(b64), leaf, sizeof leaf, &len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &dl), ET_OK);
		ck_assert_int_eq(dl.type, AUDIT_LEAF_COMMITMENT);
		json_decref(ej);
		http_free(&e);
	}
	{
		/* HEAD is no download: refused, not recorded */
		CURL *c = curl_easy_init();
		char url[512], auth[160];
		struct curl_slist *hl = NULL;
		long st = 0;

		FMT(url, "%s%s", w.s.base, path);
		FMT(auth, "Authorization: Bearer %s", w.u[U_B1].token);
		hl = curl_slist_append(hl, auth);
		before = log_size(&w);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
		ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
		ck_assert_int_eq(st, 405);
		curl_slist_free_all(hl);
		curl_easy_cleanup(c);
		ck_assert_uint_eq(log_size(&w), before);
	}
	before = log_size(&w);
	api(&w, U_B1, "GET", path, NULL, 0, &h);
	ck_assert_msg(h.status == 200, "%ld %s", h.status, h.status == 200 ? "" : h.body);
	ck_assert_uint_eq(h.len, file_len);
	ck_assert(memcmp(h.body, file, file_len) == 0);
	http_free(&h);
	ck_assert_uint_eq(log_size(&w), before + 1);  /* the download, recorded */
	FMT(path, TP "/documents/doc-nosuchdocument00");
	api_refused(&w, U_B1, "GET", path, NULL, 404, "ENOTFOUND", NULL);
	j = api_ok(&w, -1, "GET", TP "/documents", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "documents")), 1);
	json_decref(j);

	/* --- G4: nobody but the firm learns who registered, nor how many */
	j = api_ok(&w, U_B1, "GET", "/api/me/registrations", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "registrations")), 1);
	json_decref(j);
	j = api_ok(&w, U_B2, "GET", "/api/me/registrations", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "registrations")), 0);
	json_decref(j);
	{
		const int viewers[] = { -1, U_AGENT1, U_B2, U_SUPER };

		for (size_t i = 0; i < sizeof viewers / sizeof viewers[0]; i++) {
			struct http v;

			api(&w, viewers[i], "GET", TP, NULL, 0, &v);
			ck_assert_int_eq(v.status, 200);
			ck_assert_ptr_null(strstr(v.body, w.org[O_B1]));
			ck_assert_ptr_null(strstr(v.body, w.u[U_B1].id));
			ck_assert_ptr_null(strstr(v.body, "registrations"));
			http_free(&v);
		}
	}

	/* --- a question, answered without its asker */
	api_refused(&w, U_B2, "POST", TP "/questions", "{\"text\":\"工期能否调整？\"}", 403,
		    "EDENIED", NULL);
	api_refused(&w, U_B1, "POST", TP "/questions", "{\"text\":5}", 400, "EINVAL", NULL);
	j = api_ok(&w, U_B1, "POST", TP "/questions", "{\"text\":\"工期能否调整？\"}");
	FMT(qid, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	api(&w, U_AGENT1, "GET", TP "/questions", NULL, 0, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_nonnull(strstr(h.body, "工期能否调整"));
	ck_assert_ptr_null(strstr(h.body, w.org[O_B1]));
	ck_assert_ptr_null(strstr(h.body, w.u[U_B1].id));
	http_free(&h);
	FMT(body, "{\"text\":\"工期不可调整。\",\"question\":\"%s\"}", qid);
	api_refused(&w, U_B1, "POST", TP "/clarifications", body, 403, "EDENIED", NULL);
	j = api_ok(&w, U_AGENT1, "POST", TP "/clarifications", body);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "deadline_us")), deadline);
	json_decref(j);

	/* --- a late clarification moves the deadline (cn.reg.21) */
	advance(&w, FROM + 7 * DAY);
	j = api_ok(&w, U_AGENT1, "POST", TP "/clarifications", "{\"text\":\"补充说明：图纸见附件。\"}");
	ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), "cn.reg.21");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "deadline_us")), FROM + 22 * DAY);
	json_decref(j);
	j = api_ok(&w, -1, "GET", TP "/clarifications", NULL);
	ck_assert_uint_eq(json_array_size(arr = json_object_get(j, "clarifications")), 2);
	json_decref(j);

	/* --- a deadline change needs two people */
	FMT(body, "{\"deadline_us\":%lld,\"reason\":\"图纸修改\"}",
		 (long long)(FROM + 30 * DAY));
	api_refused(&w, U_B1, "POST", TP "/deadline/propose", body, 403, "EDENIED", NULL);
	api_refused(&w, U_AGENT1, "POST", TP "/deadline/propose", "{\"deadline_us\":\"soon\"}", 400,
		    "EINVAL", NULL);
	j = api_ok(&w, U_AGENT1, "POST", TP "/deadline/propose", body);
	FMT(pid, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	FMT(body, "{\"proposal\":\"%s\"}", pid);
	api_refused(&w, U_AGENT1, "POST", TP "/deadline/approve", body, 403, "EDENIED",
		    "et.two_person");
	api_refused(&w, U_AGENT_O, "POST", TP "/deadline/approve", body, 403, "EDENIED", NULL);
	json_decref(api_ok(&w, U_AGENT2, "POST", TP "/deadline/approve", body));
	j = api_ok(&w, -1, "GET", TP, NULL);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "schedule"),
							    "bid_deadline_us")), FROM + 30 * DAY);
	json_decref(j);

	/* --- cancel */
	api_refused(&w, U_AGENT1, "POST", TP "/cancel", "{}", 400, "EINVAL", NULL);
	api_refused(&w, U_AGENT_O, "POST", TP "/cancel", "{\"reason\":\"x\"}", 403, "EDENIED", NULL);
	json_decref(api_ok(&w, U_AGENT1, "POST", TP "/cancel", "{\"reason\":\"项目资金未落实\"}"));
	j = api_ok(&w, -1, "GET", TP, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(j, "stage")), "cancelled");
	json_decref(j);
	api_refused(&w, U_B2, "POST", TP "/register", NULL, 409, "ESTATE", NULL);
	{
		/* an upload refused at its end leaves no blob behind */
		static const char late[] = "an amendment after the cancellation";
		char blob[600], lhex[65];
		unsigned char lsha[32];

		crypto_sha256(late, sizeof late - 1, lsha);
		et_hex_encode(lsha, 32, lhex);
		before = log_size(&w);
		post_raw(&w, U_AGENT1, TP "/documents?name=late.txt&kind=other", late, sizeof late - 1,
			 &h);
		expect_error(&h, 409, "ESTATE");
		http_free(&h);
		ck_assert_uint_eq(log_size(&w), before);
		FMT(blob, "%s/blobs/%s", w.s.data, lhex);
		ck_assert_int_ne(access(blob, F_OK), 0);
	}

	/* --- logout */
	json_decref(api_ok(&w, U_B2, "POST", "/api/logout", NULL));
	api_refused(&w, U_B2, "GET", "/api/me", NULL, 401, "EAUTH", NULL);

	/* --- the whole history replays to the live state */
	ck_assert_int_eq(srv_stop(&w.s), 0);
	{
		const char *args[] = { "verify", "--data", w.s.data, NULL };

		ck_assert_int_eq(run_etenderd(args, "/dev/null"), 0);
	}
	free(file);
	holder_keys_free(&t);
	et_buf_free(&xml);
	world_free(&w);
}
END_TEST

/* Every mutating endpoint x every role not allowed to call it: refused
 * (401 without a token; 403, or 404 where the domain does not tell, or 409
 * for a stage) and the log unchanged. */
#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
START_TEST(test_auth_matrix)
{
	static const int roles[] = { U_ADMIN, U_AGENT1, U_AGENT_O, U_B1, U_KH1, U_SUPER };
	struct world w;
	struct tkeys t;
	struct et_buf xml;
	struct http h;
	char body[1024];
	struct {
		const char *method, *path, *body;
		unsigned allowed;          /* bit per index into roles[] */
	} eps[] = {
		{ "POST", "/api/orgs", "{\"kind\":\"bidder\",\"legal_name\":\"x\"}", 1u << 0 },
		{ "POST", "/api/users", NULL, 1u << 0 },
		{ "POST", "/api/credit", NULL, 1u << 0 },
		{ "POST", "/api/tenders", NULL, 0 },
		{ "POST", TP "/publish", NULL, 0 },
		{ "POST", TP "/cancel", "{\"reason\":\"x\"}", 1u << 1 },
		{ "POST", TP "/holders/propose", NULL, 0 },
		{ "POST", TP "/holders/approve", NULL, 0 },
		{ "POST", TP "/holder-keys", NULL, 0 },
		{ "POST", TP "/register", NULL, 1u << 3 },
		{ "POST", TP "/questions", "{\"text\":\"?\"}", 0 },
		{ "POST", TP "/clarifications", "{\"text\":\"!\"}", 1u << 1 },
		{ "POST", TP "/deadline/propose", NULL, 1u << 1 },
		{ "POST", TP "/deadline/approve", "{\"proposal\":\"dlp-nosuchproposal0\"}", 0 },
		{ "POST", TP "/documents?name=a&kind=other", "bytes", 1u << 1 },
		/* resumable bid-part uploads (web/upload.c): bidders only; a
		 * session is no event */
		{ "POST", TP "/bids/uploads", "{\"sha256\":\"" HEX64 "\",\"size\":10}", 1u << 3 },
		{ "GET", TP "/bids/uploads/upl-00000000000000000000000000000000", NULL, 0 },
	};
	char users_body[512], credit_body[512], deadline_body[256], holder_body[700];

	world_setup(&w);
	et_buf_init(&xml, 1 << 20);
	holder_keys(&w, T, &t);
	make_xml(&w, T, &t, &xml);
	post_raw(&w, U_AGENT1, "/api/tenders", xml.data, xml.len, &h);
	ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body);
	http_free(&h);
	for (int i = 0; i < 3; i++) {
		FMT(body, "{\"line\":\"%s\"}", t.line[i]);
		json_decref(api_ok(&w, U_KH1 + i, "POST", TP "/holder-keys", body));
	}
	json_decref(api_ok(&w, U_AGENT1, "POST", TP "/holders/propose", NULL));
	json_decref(api_ok(&w, U_SUPER, "POST", TP "/holders/approve", NULL));
	json_decref(api_ok(&w, U_AGENT1, "POST", TP "/publish", NULL));
	advance(&w, FROM + HOUR);
	FMT(users_body, "{\"org\":\"%s\",\"roles\":[\"bidder\"],"
		 "\"login\":\"matrix\",\"password\":\"" PW "\"}", w.org[O_B2]);
	FMT(credit_body, "{\"org\":\"%s\",\"basis\":\"x\",\"from_us\":0,"
		 "\"until_us\":1}", w.org[O_B2]);
	FMT(deadline_body, "{\"deadline_us\":%lld,\"reason\":\"x\"}",
		 (long long)(FROM + 40 * DAY));
	FMT(holder_body, "{\"line\":\"%s\"}", t.line[0]);
	eps[1].body = users_body;
	eps[2].body = credit_body;
	eps[3].body = (const char *)xml.data;
	eps[8].body = holder_body;
	eps[12].body = deadline_body;
	for (size_t e = 0; e < sizeof eps / sizeof eps[0]; e++) {
		api_refused(&w, -1, eps[e].method, eps[e].path, eps[e].body, 401, "EAUTH", NULL);
		for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
			uint64_t before;

			if (eps[e].allowed & (1u << r))
				continue;
			before = log_size(&w);
			api(&w, roles[r], eps[e].method, eps[e].path, eps[e].body,
			    eps[e].body ? strlen(eps[e].body) : 0, &h);
			ck_assert_msg(h.status == 403 || h.status == 404 || h.status == 409 ||
					      (h.status == 400 && e == 8),
				      "%s %s as role %zu: %ld %s", eps[e].method, eps[e].path, r,
				      h.status, h.body);
			json_decref(http_json(&h));
			http_free(&h);
			ck_assert_msg(log_size(&w) == before, "%s %s as role %zu changed the log",
				      eps[e].method, eps[e].path, r);
		}
	}
	/* Reads that need a token. */
	api_refused(&w, -1, "GET", "/api/me", NULL, 401, "EAUTH", NULL);
	api_refused(&w, -1, "GET", "/api/me/registrations", NULL, 401, "EAUTH", NULL);
	api_refused(&w, -1, "GET", TP "/questions", NULL, 401, "EAUTH", NULL);
	{
		/* a bidder sees its own firm's questions only: none here */
		json_t *j = api_ok(&w, U_B1, "GET", TP "/questions", NULL);

		ck_assert_uint_eq(json_array_size(json_object_get(j, "questions")), 0);
		json_decref(j);
	}
	holder_keys_free(&t);
	et_buf_free(&xml);
	ck_assert_int_eq(srv_stop(&w.s), 0);
	world_free(&w);
}
END_TEST

/* Oversized uploads and bodies are refused early and leave nothing. */
START_TEST(test_limits)
{
	struct world w;
	struct http h;
	char *big;
	size_t n = ET_WEB_JSON_MAX_BODY + ET_TENDER_DRAFT_MAX_XML;
	uint64_t before;

	memset(&w, 0, sizeof w);
	srv_init(&w.s);
	admin_password(&w);
	srv_start(&w.s, NULL);
	login(&w, U_ADMIN, "admin", w.admin_pw);
	before = log_size(&w);
	ck_assert_ptr_nonnull(big = malloc(n));
	memset(big, 'x', n);
	api(&w, U_ADMIN, "POST", "/api/tenders", big, ET_TENDER_DRAFT_MAX_XML + 1, &h);
	expect_error(&h, 413, "ELIMIT");
	http_free(&h);
	api(&w, U_ADMIN, "POST", "/api/orgs", big, ET_WEB_JSON_MAX_BODY + 1, &h);
	expect_error(&h, 413, "ELIMIT");
	http_free(&h);
	{
		const char *hdr[] = { "Content-Length: 5000000000", NULL };
		char auth[160];
		const char *hdr2[] = { auth, hdr[0], NULL };

		FMT(auth, "Authorization: Bearer %s", w.u[U_ADMIN].token);
		(void)hdr;
		http_do(&w.s, "POST", "/api/tenders/X/documents?name=a&kind=other", "", 0, hdr2, &h);
		ck_assert_msg(h.status == 413, "%ld %s", h.status, h.body);
		http_free(&h);
	}
	free(big);
	ck_assert_uint_eq(log_size(&w), before);
	ck_assert_int_eq(srv_stop(&w.s), 0);
	srv_cleanup(&w.s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("web_api");
	TCase *tc = tcase_create("api");
	SRunner *sr;
	int failed;

	no_proxies();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_lifecycle_over_http);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_auth_matrix);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
