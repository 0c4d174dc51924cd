/* tests/tender/domain_fix.h — fixtures shared by the domain tests: a real
 * ledger and private store in a temporary folder, a fixed clock, a world of
 * organisations and users of every role with registered keys, and a
 * tender.xml generator with dates relative to the clock. Header-only (static
 * functions) so each test program includes it once. */
#ifndef ET_TESTS_DOMAIN_FIX_H
#define ET_TESTS_DOMAIN_FIX_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "tender/tender.h"

#define T0 (1796083200LL * 1000000)  /* 2026-12-01T00:00:00Z */
#define HOUR (3600LL * 1000000)
#define DAY (24 * HOUR)
#define ORIGIN "test.etender.example/domain"
#define FIX_FN static __attribute__((unused))

static const unsigned char log_seed[32] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
					    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };

/* A user's keys, as its own machine holds them. */
struct ukey {
	char *secret, *recipient;
	unsigned char seed[32], pub[32];
};

enum {
	U_ADMIN, U_AGENT1, U_AGENT2, U_AGENT_O, U_BIDDER1, U_BIDDER2, U_BIDDER3, U_BIDDER4,
	U_KH1, U_KH2, U_KH3, U_EXPERT, U_SUPER, U_STAT, U_COUNT
};
enum { O_CENTER, O_TENDERER, O_AGENT, O_AGENT_O, O_B1, O_B2, O_B3, O_B4, O_SUPER, O_COUNT };

struct world {
	char dir[256], ledger_path[320], priv_path[320];
	struct audit_ledger *l;
	struct tender_private *p;
	char org[O_COUNT][TENDER_ID_LEN];
	char user[U_COUNT][TENDER_ID_LEN];
	struct ukey key[U_COUNT];
	char admin_pw[64];
	uint64_t accounts_size;     /* log size after the accounts were set up */
};

static const char *const user_pw = "correct horse battery";

/* Personal details used in the world: none may appear in any leaf. */
static const char *const secret_words[] = {
	"张伟", "13800138000", "110101199003071234", "江城建工集团有限公司",
	"91330100MA2B3C4D5E", "江城市滨江路88号", "李娜", "13912345678", "bidder1-login",
	"correct horse battery", NULL,
};

static void fix_dir(struct world *w)
{
	const char *base = getenv("TMPDIR");

	ck_assert_int_lt(snprintf(w->dir, sizeof w->dir, "%s/et-domain-XXXXXX", base ? base : "/tmp"),
			 (int)sizeof w->dir);
	ck_assert_ptr_nonnull(mkdtemp(w->dir));
	ck_assert_int_lt(snprintf(w->ledger_path, sizeof w->ledger_path, "%s/ledger.db", w->dir),
			 (int)sizeof w->ledger_path);
	ck_assert_int_lt(snprintf(w->priv_path, sizeof w->priv_path, "%s/private.db", w->dir),
			 (int)sizeof w->priv_path);
}

/* The ledger's modules; a test of a later module defines FIX_MODULES (a
 * function like tender_ledger_modules) before including this file. */
#ifndef FIX_MODULES
#define FIX_MODULES tender_ledger_modules
#endif

static void fix_open(struct world *w)
{
	size_t nm;
	const struct audit_module *const *m = FIX_MODULES(&nm);
	struct audit_ledger_config cfg = { .db_path = w->ledger_path, .origin = ORIGIN,
					   .seed = log_seed, .modules = m, .nmodules = nm };

	ck_assert_int_eq(audit_ledger_open(&cfg, &w->l), ET_OK);
	ck_assert_int_eq(tender_private_open(w->priv_path, &w->p), ET_OK);
}

static void fix_close(struct world *w)
{
	char p[400];
	const char *f[] = { "ledger.db", "ledger.db-wal", "ledger.db-shm", "private.db",
			    "private.db-wal", "private.db-shm", "ledger.db.replay",
			    "ledger.db.replay-journal" };

	audit_ledger_close(w->l);
	tender_private_close(w->p);
	w->l = NULL;
	w->p = NULL;
	for (int i = 0; i < U_COUNT; i++) {
		if (w->key[i].secret) {
			crypto_wipe(w->key[i].secret, strlen(w->key[i].secret));
			free(w->key[i].secret);
		}
		free(w->key[i].recipient);
	}
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		ck_assert_int_lt(snprintf(p, sizeof p, "%s/%s", w->dir, f[i]), (int)sizeof p);
		unlink(p);
	}
	rmdir(w->dir);
}

/* ---- age challenge answering, as the user's client does ----------------- */

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

static void answer_challenge(const struct ukey *k, const char *armored, char resp[65])
{
	struct crypto_age_identity *id = NULL;
	struct et_buf out;
	struct mem m = { (const unsigned char *)armored, strlen(armored), 0 };
	unsigned char h[32];

	et_buf_init(&out, 1024);
	ck_assert_int_eq(crypto_age_identity_parse(k->secret, &id), ET_OK);
	const struct crypto_age_identity *ids[1] = { id };
	ck_assert_int_eq(crypto_age_decrypt(ids, 1, mem_rd, &m, buf_wr, &out), ET_OK);
	ck_assert_uint_eq(out.len, 32);
	crypto_sha256(out.data, out.len, h);
	et_hex_encode(h, 32, resp);
	crypto_age_identity_free(id);
	et_buf_free(&out);
}

/* mode 0: valid; 1: wrong challenge response; 2: bad signature; 3: no
 * challenge asked. Returns the rc of tender_key_register. */
static int register_keys(struct world *w, int u, int mode, struct tender_diag *d)
{
	struct ukey *k = &w->key[u];
	char *armored = NULL, resp[65];
	unsigned char sig[64];
	struct et_buf msg;
	int rc;

	if (!k->secret) {
		ck_assert_int_eq(crypto_age_x25519_generate(&k->secret, &k->recipient), ET_OK);
		ck_assert_int_eq(crypto_ed25519_keygen(k->seed, k->pub), ET_OK);
	}
	if (mode != 3) {
		ck_assert_int_eq(tender_key_challenge(w->l, w->p, w->user[u], k->recipient, &armored),
				 ET_OK);
		answer_challenge(k, armored, resp);
		free(armored);
	} else {
		memset(resp, 'a', 64);
		resp[64] = 0;
	}
	if (mode == 1)
		resp[0] = resp[0] == '0' ? '1' : '0';
	et_buf_init(&msg, 1024);
	ck_assert_int_eq(tender_key_message(w->user[u], k->recipient, k->pub, resp, &msg), ET_OK);
	ck_assert_int_eq(crypto_ed25519_sign(k->seed, msg.data, msg.len, sig), ET_OK);
	if (mode == 2)
		sig[5] ^= 1;
	et_buf_free(&msg);
	rc = tender_key_register(w->l, w->p, w->user[u], k->recipient, k->pub, resp, sig, d);
	return rc;
}

/* ---- the world ----------------------------------------------------------- */

static void add_org(struct world *w, int o, enum tender_org_kind kind, const char *name,
		    const char *code, const char *addr, const char *phone)
{
	struct tender_org_details det = { name, code, addr, phone };
	struct tender_diag d;

	ck_assert_msg(tender_org_register(w->l, w->p, w->user[U_ADMIN], kind, &det, w->org[o], &d) ==
			      ET_OK, "org %d: %s", o, d.msg);
}

static void add_user(struct world *w, int u, int o, unsigned roles, const char *login,
		     const char *name, const char *phone, const char *idno)
{
	struct tender_person det = { name, phone, idno, NULL };
	struct tender_diag d;

	ck_assert_msg(tender_user_register(w->l, w->p, w->user[U_ADMIN], w->org[o], roles, login,
					   user_pw, &det, w->user[u], &d) == ET_OK,
		      "user %d: %s", u, d.msg);
}

static void world_setup(struct world *w)
{
	char *pw = NULL;
	struct tender_diag d;

	memset(w, 0, sizeof *w);
	et_clock_set_test(T0);
	fix_dir(w);
	fix_open(w);
	ck_assert_int_eq(tender_bootstrap(w->l, w->p, "江城市公共资源交易中心", "admin",
					  w->org[O_CENTER], w->user[U_ADMIN], &pw), ET_OK);
	ck_assert_ptr_nonnull(pw);
	ck_assert_int_lt(snprintf(w->admin_pw, sizeof w->admin_pw, "%s", pw), (int)sizeof w->admin_pw);
	free(pw);
	add_org(w, O_TENDERER, TENDER_ORG_TENDERER, "江城市第一中学", "12330100470000001X", "江城市学府路1号", "0571-1");
	add_org(w, O_AGENT, TENDER_ORG_AGENT, "江城招标代理有限公司", "91330100MA00000001", "江城市文三路2号", "0571-2");
	add_org(w, O_AGENT_O, TENDER_ORG_AGENT, "另一招标代理有限公司", "91330100MA00000002", "江城市文三路3号", "0571-3");
	add_org(w, O_B1, TENDER_ORG_BIDDER, "江城建工集团有限公司", "91330100MA2B3C4D5E", "江城市滨江路88号", "0571-88");
	add_org(w, O_B2, TENDER_ORG_BIDDER, "富春建设有限公司", "91330100MA00000003", "富春路5号", "0571-5");
	add_org(w, O_B3, TENDER_ORG_BIDDER, "失信建筑有限公司", "91330100MA00000004", "某路6号", "0571-6");
	add_org(w, O_B4, TENDER_ORG_BIDDER, "迟到工程有限公司", "91330100MA00000005", "某路7号", "0571-7");
	add_org(w, O_SUPER, TENDER_ORG_SUPERVISOR, "江城市住房和城乡建设局", "11330100000000001A", "江城市政府大楼", "0571-9");
	add_user(w, U_AGENT1, O_AGENT, TENDER_ROLE_AGENT, "agent1", "王芳", "13700000001", "330100199001010011");
	add_user(w, U_AGENT2, O_AGENT, TENDER_ROLE_AGENT, "agent2", "刘洋", "13700000002", "330100199001010022");
	add_user(w, U_AGENT_O, O_AGENT_O, TENDER_ROLE_AGENT, "agento", "陈静", "13700000003", "330100199001010033");
	add_user(w, U_BIDDER1, O_B1, TENDER_ROLE_BIDDER, "bidder1-login", "张伟", "13800138000", "110101199003071234");
	add_user(w, U_BIDDER2, O_B2, TENDER_ROLE_BIDDER, "bidder2", "李娜", "13912345678", "330100199001010044");
	add_user(w, U_BIDDER3, O_B3, TENDER_ROLE_BIDDER, "bidder3", "赵磊", "13700000005", "330100199001010055");
	add_user(w, U_BIDDER4, O_B4, TENDER_ROLE_BIDDER, "bidder4", "孙丽", "13700000006", "330100199001010066");
	add_user(w, U_KH1, O_AGENT, TENDER_ROLE_KEYHOLDER, "kh1", "周杰", "13700000007", "330100199001010077");
	add_user(w, U_KH2, O_SUPER, TENDER_ROLE_KEYHOLDER, "kh2", "吴敏", "13700000008", "330100199001010088");
	add_user(w, U_KH3, O_CENTER, TENDER_ROLE_KEYHOLDER, "kh3", "郑强", "13700000009", "330100199001010099");
	add_user(w, U_EXPERT, O_CENTER, TENDER_ROLE_EXPERT, "expert", "冯涛", "13700000010", "330100199001010100");
	add_user(w, U_SUPER, O_SUPER, TENDER_ROLE_SUPERVISOR, "super", "何平", "13700000011", "330100199001010111");
	add_user(w, U_STAT, O_CENTER, TENDER_ROLE_STATISTICIAN, "stat", "罗兰", "13700000012", "330100199001010122");
	for (int u = 0; u < U_COUNT; u++)
		ck_assert_msg(register_keys(w, u, 0, &d) == ET_OK, "keys %d: %s", u, d.msg);
	/* firm 3 is barred for a year */
	ck_assert_int_eq(tender_credit_record(w->l, w->user[U_ADMIN], w->org[O_B3],
					      "江建罚〔2026〕12号", T0 - DAY, T0 + 365 * DAY, &d), ET_OK);
	w->accounts_size = audit_ledger_size(w->l);
}

/* ---- tender.xml ------------------------------------------------------------- */

struct xholder {
	const char *holder, *org, *recipient;
};

static void make_xml(struct et_buf *b, const char *id, const struct world *w, int64_t from,
		     unsigned k, const struct xholder *h, size_t n)
{
	char t1[32], t2[32], t3[32], t4[32], t5[32];

	et_clock_format_utc(from, t1);
	et_clock_format_utc(from + 6 * DAY, t2);
	et_clock_format_utc(from + 6 * DAY, t3);
	et_clock_format_utc(from + 15 * DAY, t4);
	et_clock_format_utc(from + 21 * DAY, t5);
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
		"  <keyHolders threshold=\"%u\">\n",
		id, w->org[O_TENDERER], w->org[O_AGENT], t1, t2, t3, t4, t5, k), ET_OK);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(et_buf_printf(b,
			"    <holder index=\"%zu\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n",
			i + 1, h[i].org, h[i].holder, h[i].recipient), ET_OK);
	ck_assert_int_eq(et_buf_addstr(b, "  </keyHolders>\n</tender>\n"), ET_OK);
}

/* Fresh per-tender holder keys of kh1..kh3 and their signed lines. */
struct tkeys {
	char *secret[3], *recipient[3];
	char line[3][512];
};

static void holder_keys(const struct world *w, const char *tender, struct tkeys *t)
{
	static const int who[3] = { U_KH1, U_KH2, U_KH3 };

	for (int i = 0; i < 3; i++) {
		struct et_buf msg;
		unsigned char sig[64];
		char sb[96], pb[48];

		ck_assert_int_eq(crypto_age_x25519_generate(&t->secret[i], &t->recipient[i]), ET_OK);
		et_buf_init(&msg, 1024);
		ck_assert_int_eq(et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", tender,
					       t->recipient[i]), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(w->key[who[i]].seed, msg.data, msg.len, sig), ET_OK);
		et_buf_free(&msg);
		et_b64_encode(sig, 64, sb);
		et_b64_encode(w->key[who[i]].pub, 32, pb);
		ck_assert_int_lt(snprintf(t->line[i], sizeof t->line[i],
					  "etender-holder-key/v1 %s %s %s %s", tender, t->recipient[i],
					  pb, sb), (int)sizeof t->line[i]);
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

static void tender_xml_for(const struct world *w, const char *id, int64_t from,
			   const struct tkeys *t, struct et_buf *b)
{
	struct xholder h[3] = {
		{ w->user[U_KH1], w->org[O_AGENT], t->recipient[0] },
		{ w->user[U_KH2], w->org[O_SUPER], t->recipient[1] },
		{ w->user[U_KH3], w->org[O_CENTER], t->recipient[2] },
	};
	make_xml(b, id, w, from, 2, h, 3);
}

/* Draft, register holder keys, propose, approve, publish: a published tender
 * whose documents are issued at `from` (>= now). */
FIX_FN void make_published(struct world *w, const char *id, int64_t from, bool publish)
{
	struct tkeys t;
	struct et_buf b;
	struct tender_diag d;
	char tid[TENDER_ID_LEN];

	et_buf_init(&b, 1 << 20);
	holder_keys(w, id, &t);
	tender_xml_for(w, id, from, &t, &b);
	ck_assert_msg(tender_draft(w->l, w->user[U_AGENT1], b.data, b.len, tid, &d) == ET_OK, "%s",
		      d.msg);
	ck_assert_str_eq(tid, id);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(tender_holder_key_register(w->l, w->user[U_KH1 + i], t.line[i], &d) ==
				      ET_OK, "%s", d.msg);
	ck_assert_msg(tender_keyholders_propose(w->l, w->user[U_AGENT1], id, &d) == ET_OK, "%s",
		      d.msg);
	ck_assert_msg(tender_keyholders_approve(w->l, w->user[U_SUPER], id, &d) == ET_OK, "%s", d.msg);
	if (publish)
		ck_assert_msg(tender_publish(w->l, w->user[U_AGENT1], id, &d) == ET_OK, "%s", d.msg);
	holder_keys_free(&t);
	et_buf_free(&b);
}

FIX_FN void principal(struct world *w, int u, struct tender_principal *p)
{
	char tok[TENDER_TOKEN_LEN];
	const char *pw = u == U_ADMIN ? w->admin_pw : user_pw;

	ck_assert_int_eq(tender_login(w->l, w->p, w->user[u], pw, tok, p), ET_OK);
	ck_assert_int_eq(tender_token_revoke(w->p, tok), ET_OK);
}

/* Every leaf of the log, concatenated into *all (caller frees with et_buf_free). */
FIX_FN void all_leaves(struct world *w, uint64_t from, struct et_buf *all, uint64_t *conf)
{
	uint64_t n = audit_ledger_size(w->l);

	*conf = 0;
	et_buf_init(all, 64u << 20);
	for (uint64_t i = from; i < n; i++) {
		unsigned char *leaf = NULL;
		size_t len = 0;
		struct audit_leaf dl;
		ck_assert_int_eq(audit_ledger_leaf(w->l, i, &leaf, &len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &dl), ET_OK);
		if (dl.type == AUDIT_LEAF_COMMITMENT)
			(*conf)++;
		ck_assert_int_eq(et_buf_add(all, leaf, len), ET_OK);
		free(leaf);
	}
}

FIX_FN bool has(const struct et_buf *b, const void *s, size_t n)
{
	return b->len && memmem(b->data, b->len, s, n) != NULL;
}

#endif
