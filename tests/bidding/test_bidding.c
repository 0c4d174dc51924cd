/* tests/bidding/test_bidding.c — the bidding domain on a real ledger, a real
 * private store and real sealing (crypto_threshold_recipient_new and
 * crypto_age_encrypt, as the client does), with blobs as files in a
 * temporary folder: a tender with 5 bidders and 3 key holders (k = 2);
 * deposits (annual, per tender, missing), a replacement, a withdrawal, a
 * non-registered bidder, a copied rival ciphertext, a part with an extra
 * X25519 recipient, a late bid, a late replacement that leaves the previous
 * bid standing, an on-time bid committed after the deadline, a bid whose
 * shares do not combine (revoked, the bidder's fault), a release before the
 * close, a wrong key (refused, attributed), one release that opens nothing,
 * two that open all; G4 before the close; the opening record and the
 * bidders' answers; replay equal to live, the reveals verified and a public
 * replay after the reveal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "bidding/bidding.h"
#define FIX_MODULES bid_ledger_modules
#include "tests/tender/domain_fix.h"

#define NB 5   /* bidders */

struct bidder {
	char org[TENDER_ID_LEN], user[TENDER_ID_LEN];
	struct ukey key;
};

struct bt {
	struct world w;
	struct bidder b[NB];
	struct tkeys t;
	char blobdir[300];
	unsigned char pubs[3][32];
	struct bid_blobs blobs;
	const char *T;
	int64_t deadline;
};

static int leaf_src(void *ctx, uint64_t index, unsigned char **leaf, size_t *len)
{
	return audit_ledger_leaf(ctx, index, leaf, len);
}

static void blob_path(const struct bt *b, const unsigned char sha[32], char *out, size_t cap)
{
	char hex[65];

	et_hex_encode(sha, 32, hex);
	ck_assert_int_lt(snprintf(out, cap, "%s/%s", b->blobdir, hex), (int)cap);
}

/* The web layer's blob store, as the domain sees it. */
static int blob_open(void *ctx, const unsigned char sha[32], int *fd)
{
	char p[400];

	blob_path(ctx, sha, p, sizeof p);
	*fd = open(p, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? ET_ENOTFOUND : ET_EIO;
	return ET_OK;
}

/* The 32 bytes of an "age1…" recipient. */
static void recipient_key(const char *recipient, unsigned char out[32])
{
	char *hrp = NULL;
	unsigned char *data = NULL;
	size_t len = 0;

	ck_assert_int_eq(crypto_bech32_decode(recipient, &hrp, &data, &len), ET_OK);
	ck_assert_str_eq(hrp, "age");
	ck_assert_uint_eq(len, 32);
	memcpy(out, data, 32);
	free(hrp);
	free(data);
}

/* A bidder firm beyond the fixture's, with keys registered. */
static void extra_bidder(struct world *w, struct bidder *b, const char *name, const char *login)
{
	struct tender_org_details od = { name, NULL, NULL, NULL };
	struct tender_person pd = { "某人", NULL, NULL, NULL };
	struct tender_diag d;
	char *armored = NULL, resp[65];
	unsigned char sig[64];
	struct et_buf msg;

	ck_assert_int_eq(tender_org_register(w->l, w->p, w->user[U_ADMIN], TENDER_ORG_BIDDER, &od,
					     b->org, &d), ET_OK);
	ck_assert_int_eq(tender_user_register(w->l, w->p, w->user[U_ADMIN], b->org,
					      TENDER_ROLE_BIDDER, login, user_pw, &pd, b->user, &d),
			 ET_OK);
	ck_assert_int_eq(crypto_age_x25519_generate(&b->key.secret, &b->key.recipient), ET_OK);
	ck_assert_int_eq(crypto_ed25519_keygen(b->key.seed, b->key.pub), ET_OK);
	ck_assert_int_eq(tender_key_challenge(w->l, w->p, b->user, b->key.recipient, &armored), ET_OK);
	answer_challenge(&b->key, armored, resp);
	free(armored);
	et_buf_init(&msg, 1024);
	ck_assert_int_eq(tender_key_message(b->user, b->key.recipient, b->key.pub, resp, &msg), ET_OK);
	ck_assert_int_eq(crypto_ed25519_sign(b->key.seed, msg.data, msg.len, sig), ET_OK);
	et_buf_free(&msg);
	ck_assert_msg(tender_key_register(w->l, w->p, b->user, b->key.recipient, b->key.pub, resp,
					  sig, &d) == ET_OK, "%s", d.msg);
}

static void fixture_bidder(struct world *w, struct bidder *b, int u, int o)
{
	memcpy(b->org, w->org[o], sizeof b->org);
	memcpy(b->user, w->user[u], sizeof b->user);
	b->key = w->key[u];
	w->key[u].secret = NULL;       /* owned by b now */
	w->key[u].recipient = NULL;
}

/* If set, called with the tender's XML before the draft (the holders' keys
 * known): a test adds to the record. */
static void (*bt_before_draft)(struct bt *b, struct et_buf *xml);

static void bt_setup(struct bt *b)
{
	struct tender_diag d;
	struct et_buf x;
	char tid[TENDER_ID_LEN];
	int64_t from = T0 + HOUR;

	memset(b, 0, sizeof *b);
	b->T = "E3301002026000888";
	world_setup(&b->w);
	fixture_bidder(&b->w, &b->b[0], U_BIDDER1, O_B1);
	fixture_bidder(&b->w, &b->b[1], U_BIDDER2, O_B2);
	fixture_bidder(&b->w, &b->b[2], U_BIDDER4, O_B4);
	extra_bidder(&b->w, &b->b[3], "伪造股份有限公司", "bidder5");
	extra_bidder(&b->w, &b->b[4], "钱塘建设有限公司", "bidder6");
	ck_assert_int_lt(snprintf(b->blobdir, sizeof b->blobdir, "%s/blobs", b->w.dir),
			 (int)sizeof b->blobdir);
	ck_assert_int_eq(mkdir(b->blobdir, 0700), 0);
	b->blobs.open = blob_open;
	b->blobs.ctx = b;
	/* the tender, keeping the holders' per-tender keys for the opening */
	holder_keys(&b->w, b->T, &b->t);
	et_buf_init(&x, 1 << 20);
	tender_xml_for(&b->w, b->T, from, &b->t, &x);
	for (int i = 0; i < 3; i++)
		recipient_key(b->t.recipient[i], b->pubs[i]);
	if (bt_before_draft)
		bt_before_draft(b, &x);
	ck_assert_msg(tender_draft(b->w.l, b->w.user[U_AGENT1], x.data, x.len, tid, &d) == ET_OK,
		      "%s", d.msg);
	et_buf_free(&x);
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(tender_holder_key_register(b->w.l, b->w.user[U_KH1 + i], b->t.line[i],
							 &d) == ET_OK, "%s", d.msg);
	}
	ck_assert_int_eq(tender_keyholders_propose(b->w.l, b->w.user[U_AGENT1], b->T, &d), ET_OK);
	ck_assert_int_eq(tender_keyholders_approve(b->w.l, b->w.user[U_SUPER], b->T, &d), ET_OK);
	ck_assert_int_eq(tender_publish(b->w.l, b->w.user[U_AGENT1], b->T, &d), ET_OK);
	b->deadline = from + 21 * DAY;
}

static void bt_close(struct bt *b)
{
	DIR *dir = opendir(b->blobdir);
	struct dirent *e;
	char p[600];

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.') {
			ck_assert_int_lt(snprintf(p, sizeof p, "%s/%s", b->blobdir, e->d_name),
					 (int)sizeof p);
			unlink(p);
		}
	closedir(dir);
	rmdir(b->blobdir);
	ck_assert_int_lt(snprintf(p, sizeof p, "%s/public.db", b->w.dir), (int)sizeof p);
	unlink(p);
	for (int i = 0; i < NB; i++) {
		crypto_wipe(b->b[i].key.secret, strlen(b->b[i].key.secret));
		free(b->b[i].key.secret);
		free(b->b[i].key.recipient);
	}
	holder_keys_free(&b->t);
	fix_close(&b->w);
}

/* ---- sealing, as the bidder's client does -------------------------------- */

enum seal_mode { SEAL_OK, SEAL_EXTRA_RECIPIENT, SEAL_FORGED_SHARES, SEAL_MOVED, SEAL_HUGE, SEAL_BAD_XML,
		 SEAL_BAD_ATTACHMENT };

static void encrypt(struct bt *b, const char *bid, uint32_t part, const void *pt, size_t n,
		    bool extra, struct et_buf *out)
{
	struct crypto_threshold_binding bind = { b->T, bid, part };
	struct crypto_age_recipient *r = NULL, *x = NULL;
	struct mem in = { pt, n, 0 };
	const struct crypto_age_recipient *rs[2];
	char *xs = NULL;
	unsigned char xp[32], xk[32];

	ck_assert_int_eq(crypto_threshold_recipient_new(&bind, 2, 3,
			(const unsigned char (*)[32])b->pubs, &r), ET_OK);
	rs[0] = r;
	if (extra) {
		ck_assert_int_eq(crypto_x25519_keygen(xk, xp), ET_OK);
		ck_assert_int_eq(crypto_age_x25519_recipient_string(xp, &xs), ET_OK);
		ck_assert_int_eq(crypto_age_recipient_parse(xs, &x), ET_OK);
		rs[1] = x;
	}
	et_buf_reset(out);
	ck_assert_int_eq(crypto_age_encrypt(rs, extra ? 2 : 1, false, mem_rd, &in, buf_wr, out), ET_OK);
	free(xs);
	crypto_age_recipient_free(x);
	crypto_age_recipient_free(r);
}

/* Stanza 1 of a (from another sealing of the same part) into c: every
 * stanza well formed and opening under its key, so the keyless check
 * passes, but the shares come from two polynomials and do not combine. */
static void splice_stanza1(struct et_buf *c, const struct et_buf *a)
{
	const char *s1 = "-> etender-share 1 ", *s2 = "-> etender-share 2 ";
	unsigned char *ca = memmem(c->data, c->len, s1, strlen(s1));
	unsigned char *cb = memmem(c->data, c->len, s2, strlen(s2));
	unsigned char *aa = memmem(a->data, a->len, s1, strlen(s1));
	unsigned char *ab = memmem(a->data, a->len, s2, strlen(s2));

	ck_assert(ca && cb && aa && ab);
	ck_assert_int_eq(cb - ca, ab - aa);
	memcpy(ca, aa, (size_t)(cb - ca));
}

static void store(struct bt *b, const struct et_buf *c, struct bid_part_ref *ref)
{
	char p[400];

	crypto_sha256(c->data, c->len, ref->sha256);
	ref->size = c->len;
	blob_path(b, ref->sha256, p, sizeof p);
	ck_assert_int_eq(et_write_file_atomic(p, c->data, c->len, 0600), ET_OK);
}

struct sealed {
	struct bid_part_ref parts[2];
	size_t nparts;
	struct et_buf manifest;
};

/* Added to the version a manifest claims (a bidder claiming to answer a
 * tender version published after its bid). */
static uint64_t version_bump;

/* Bidder i seals bid `bid` offering `price` for lot 1 (bid.xml naming
 * xml_org, normally its own firm) and an attachment; signs the manifest. */
static void seal(struct bt *b, int i, const char *bid, int64_t price, enum seal_mode mode,
		 const char *xml_org, struct sealed *s)
{
	struct bid_manifest m;
	struct et_buf xml, c, c2;
	static const char att[] = "技术标：施工组织设计 …";

	memset(&m, 0, sizeof m);
	et_buf_init(&xml, 2u << 20);
	et_buf_init(&c, 4u << 20);
	et_buf_init(&c2, 4u << 20);
	ck_assert_int_eq(et_buf_printf(&xml,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<bid xmlns=\"urn:etender:bid:1\" formatVersion=\"1\" tender=\"%s\" bid=\"%s\" org=\"%s\">\n"
		"  <offer lot=\"1\"><price currency=\"CNY\">%lld</price>"
		"<durationDays>%d</durationDays></offer>\n</bid>\n",
		b->T, bid, xml_org ? xml_org : b->b[i].org, (long long)price, 400 + i), ET_OK);
	if (mode == SEAL_BAD_XML)   /* content after the root: not well-formed */
		ck_assert_int_eq(et_buf_addstr(&xml, "<extra/>\n"), ET_OK);
	while (mode == SEAL_HUGE && xml.len <= BID_XML_MAX)  /* a bid.xml past the cap */
		ck_assert_int_eq(et_buf_addstr(&xml, "<!-- padding padding padding padding -->\n"), ET_OK);
	/* SEAL_MOVED: stanzas made for another bid, as if moved from it */
	encrypt(b, mode == SEAL_MOVED ? "bid-elsewhere" : bid, 1, xml.data, xml.len,
		mode == SEAL_EXTRA_RECIPIENT, &c);
	if (mode == SEAL_FORGED_SHARES) {
		encrypt(b, bid, 1, xml.data, xml.len, false, &c2);
		splice_stanza1(&c, &c2);
	}
	store(b, &c, &s->parts[0]);
	encrypt(b, bid, 2, att, sizeof att - 1, false, &c);
	if (mode == SEAL_BAD_ATTACHMENT)  /* header and key fine, payload tag broken */
		c.data[c.len - 1] ^= 0x01;
	store(b, &c, &s->parts[1]);
	s->nparts = 2;
	memcpy(m.tender, b->T, strlen(b->T) + 1);
	memcpy(m.bid, bid, strlen(bid) + 1);
	memcpy(m.org, b->b[i].org, sizeof m.org);
	memcpy(m.user, b->b[i].user, sizeof m.user);
	m.version = audit_ledger_size(b->w.l) - 1 + version_bump;
	m.sealed_us = et_clock_now_us();
	m.nparts = 2;
	memcpy(m.parts, s->parts, sizeof s->parts);
	et_buf_init(&s->manifest, BID_MANIFEST_MAX);
	ck_assert_int_eq(bid_manifest_sign(&m, b->b[i].key.seed, &s->manifest), ET_OK);
	et_buf_free(&xml);
	et_buf_free(&c);
	et_buf_free(&c2);
}

static int submit(struct bt *b, int i, const struct sealed *s, int64_t arrival,
		  struct bid_receipt *r, struct tender_diag *d)
{
	return bid_submit(b->w.l, &b->blobs, b->b[i].user, s->manifest.data, s->manifest.len,
			  s->parts, s->nparts, arrival, NULL, r, d);
}

static int release(struct bt *b, int h, const char *identity, unsigned *n, struct tender_diag *d)
{
	struct et_buf msg;
	unsigned char sig[64];
	int rc;

	et_buf_init(&msg, 4096);
	ck_assert_int_eq(bid_release_message(b->T, (unsigned)h + 1, identity, &msg), ET_OK);
	ck_assert_int_eq(crypto_ed25519_sign(b->w.key[U_KH1 + h].seed, msg.data, msg.len, sig), ET_OK);
	et_buf_free(&msg);
	rc = bid_key_release(b->w.l, b->w.user[U_KH1 + h], b->T, identity, sig, n, d);
	return rc;
}

static void status_of(struct bt *b, int i, const char *bid, const char *want)
{
	struct tender_principal p;
	struct bid_info *v = NULL;
	size_t n = 0;
	bool found = false;

	memset(&p, 0, sizeof p);
	memcpy(p.user, b->b[i].user, sizeof p.user);
	memcpy(p.org, b->b[i].org, sizeof p.org);
	p.org_kind = TENDER_ORG_BIDDER;
	p.roles = TENDER_ROLE_BIDDER;
	ck_assert_int_eq(bid_my_bids(b->w.l, &p, b->T, &v, &n), ET_OK);
	for (size_t j = 0; j < n; j++) {
		ck_assert_str_eq(v[j].org, b->b[i].org);     /* only the firm's own */
		if (!strcmp(v[j].bid, bid)) {
			found = true;
			ck_assert_msg(!strcmp(v[j].status, want), "%s: %s, want %s", bid, v[j].status, want);
		}
	}
	ck_assert_msg(found, "%s not found", bid);
	bid_info_free(v);
}

START_TEST(test_bidding_flow)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s1, s1r, s2, s2b, s3, s3late, s4x, s4, s5, sb3, slate;
	struct bid_receipt r;
	struct bid_tender_status st0, st1;
	struct bid_close_result cr;
	struct bid_info *all = NULL;
	size_t nall = 0;
	char *rec = NULL, dep[TENDER_ID_LEN];
	unsigned released = 0;
	uint64_t size_open, size_setup;

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	/* registration: every bidder but the barred firm 3 */
	size_setup = audit_ledger_size(b->w.l);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < NB; i++)
		ck_assert_msg(tender_register(b->w.l, b->b[i].user, b->T, &d) == ET_OK, "%d: %s", i, d.msg);

	/* deposits: annual for bidders 0, 2, 3; per tender (confidential) for 4;
	 * none for 1. The payer account stays in the side store. */
	{
		struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "transfer", "江城建工集团有限公司",
					      "工商银行江城分行", "6222020200112233445" };
		for (int i = 0; i < NB; i++) {
			if (i == 1 || i == 4)
				continue;
			an.org = b->b[i].org;
			ck_assert_msg(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d) ==
					      ET_OK, "%s", d.msg);
		}
		struct bid_deposit_new pt = { b->b[4].org, b->T, 0, 900000, "guarantee", "钱塘建设有限公司",
					      "某保险公司", "BH-2026-0001" };
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_AGENT1], &pt, dep, &d),
				 ET_EDENIED);
		an.org = b->w.org[O_AGENT];     /* not a bidder firm */
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d),
				 ET_ENOTFOUND);
		ck_assert_str_eq(d.rule, "et.deposit.org");
		an.org = "org-doesnotexist";
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d),
				 ET_ENOTFOUND);
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &pt, dep, &d), ET_OK);
		char *json = NULL;
		ck_assert_int_eq(tender_private_record_get(b->w.p, dep, &json), ET_OK);
		ck_assert_ptr_nonnull(strstr(json, "BH-2026-0001"));
		free(json);
	}

	ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st0), ET_OK);
	ck_assert_int_eq(st0.phase, BID_PHASE_OPEN);
	size_open = audit_ledger_size(b->w.l);

	/* bidder 0 bids, then replaces its bid */
	et_clock_set_test(T0 + 3 * DAY);
	seal(b, 0, "bid-b0first1", 4200000000LL, SEAL_OK, NULL, &s1);
	/* the upload metadata must be a JSON object; refused, nothing is written */
	{
		uint64_t before = audit_ledger_size(b->w.l);
		ck_assert_int_eq(bid_submit(b->w.l, &b->blobs, b->b[0].user, s1.manifest.data,
					    s1.manifest.len, s1.parts, s1.nparts, et_clock_now_us(),
					    "[\"192.0.2.7\"]", &r, &d), ET_EINVAL);
		ck_assert_uint_eq(audit_ledger_size(b->w.l), before);
	}
	ck_assert_msg(bid_submit(b->w.l, &b->blobs, b->b[0].user, s1.manifest.data, s1.manifest.len,
				 s1.parts, s1.nparts, et_clock_now_us(),
				 "{\"source\":\"192.0.2.7\",\"device\":\"dev-1\"}", &r, &d) == ET_OK,
		      "%s", d.msg);
	ck_assert_str_eq(r.replaced, "");
	{       /* the receipt: the leaf is a bare commitment, covered by a signed checkpoint */
		unsigned char *leaf = NULL, (*proof)[AUDIT_HASH_LEN] = NULL, rnd[32] = { 1 };
		size_t len = 0, np = 0;
		char *cp = NULL;
		uint64_t size = 0;
		struct audit_leaf dl, ev;
		struct audit_conf_opening op;
		bool named = false;
		ck_assert_int_eq(audit_ledger_leaf(b->w.l, r.index, &leaf, &len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &dl), ET_OK);
		ck_assert_int_eq(dl.type, AUDIT_LEAF_COMMITMENT);
		ck_assert_uint_ge(r.checkpoint_size, r.index + 1);
		ck_assert_int_eq(audit_ledger_receipt(b->w.l, r.index, &cp, &size, &proof, &np), ET_OK);
		/* its opening, for its owner only: it opens the leaf's commitment */
		ck_assert_int_eq(audit_ledger_opening(b->w.l, r.index, b->b[1].user, &op), ET_EDENIED);
		ck_assert_ptr_null(op.enc);
		ck_assert_int_eq(audit_ledger_opening(b->w.l, 0, b->b[0].user, &op),
				 ET_ENOTFOUND);   /* a public leaf */
		ck_assert_int_eq(audit_ledger_opening(b->w.l, r.index, b->b[0].user, &op), ET_OK);
		ck_assert_str_eq(op.tender, b->T);
		ck_assert_int_eq(audit_opening_check(leaf, len, op.tender, op.salt, op.blind, op.enc,
						     op.enc_len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(op.enc, op.enc_len, &ev), ET_OK);
		ck_assert_str_eq(ev.kind, "bid.submitted");
		ck_assert_ptr_nonnull(memmem(ev.ev.payload, ev.ev.payload_len,
					     "\"upload\":{\"device\":\"dev-1\",\"source\":\"192.0.2.7\"}",
					     strlen("\"upload\":{\"device\":\"dev-1\",\"source\":\"192.0.2.7\"}")));
		op.salt[0] ^= 1;   /* another salt opens nothing */
		ck_assert_int_eq(audit_opening_check(leaf, len, op.tender, op.salt, op.blind, op.enc,
						     op.enc_len), ET_EVERIFY);
		free(op.enc);
		ck_assert_int_eq(bid_part_named(b->w.l, s1.parts[1].sha256, &named), ET_OK);
		ck_assert(named);
		ck_assert_int_eq(bid_part_named(b->w.l, rnd, &named), ET_OK);
		ck_assert(!named);
		free(leaf);
		free(cp);
		free(proof);
	}
	/* G4: the status reads the same before and after a bid */
	ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st1), ET_OK);
	ck_assert_mem_eq(&st0, &st1, sizeof st0);
	ck_assert_int_eq(bid_list(b->w.l, b->T, &all, &nall), ET_ESTATE);
	ck_assert_int_eq(bid_opening_record(b->w.l, b->T, &rec), ET_ESTATE);

	seal(b, 0, "bid-b0second", 4150000000LL, SEAL_OK, NULL, &s1r);
	ck_assert_msg(submit(b, 0, &s1r, et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	ck_assert_str_eq(r.replaced, "bid-b0first1");
	status_of(b, 0, "bid-b0first1", "replaced");
	status_of(b, 0, "bid-b0second", "live");

	/* bidder 1 bids and withdraws, then bids again (without a deposit) */
	seal(b, 1, "bid-b1first1", 4300000000LL, SEAL_OK, NULL, &s2);
	ck_assert_int_eq(submit(b, 1, &s2, et_clock_now_us(), &r, &d), ET_OK);
	ck_assert_int_eq(bid_withdraw(b->w.l, b->b[0].user, b->T, "bid-b1first1", &d), ET_ENOTFOUND);
	ck_assert_int_eq(bid_withdraw(b->w.l, b->b[1].user, b->T, "bid-b1first1", &d), ET_OK);
	status_of(b, 1, "bid-b1first1", "withdrawn");
	ck_assert_int_eq(bid_withdraw(b->w.l, b->b[1].user, b->T, "bid-b1first1", &d), ET_ENOTFOUND);
	/* a copied rival ciphertext: bidder 1 names bidder 0's parts */
	{
		struct bid_manifest m;
		struct et_buf mb;
		ck_assert_int_eq(bid_manifest_parse(s1r.manifest.data, s1r.manifest.len, &m, &d), ET_OK);
		memcpy(m.bid, "bid-b1copied", sizeof "bid-b1copied");
		memcpy(m.org, b->b[1].org, sizeof m.org);
		memcpy(m.user, b->b[1].user, sizeof m.user);
		et_buf_init(&mb, BID_MANIFEST_MAX);
		ck_assert_int_eq(bid_manifest_sign(&m, b->b[1].key.seed, &mb), ET_OK);
		ck_assert_int_eq(bid_submit(b->w.l, &b->blobs, b->b[1].user, mb.data, mb.len, m.parts, 2,
					    et_clock_now_us(), NULL, &r, &d), ET_EEXIST);
		ck_assert_str_eq(d.rule, "et.bid.duplicate");
		/* and someone else's manifest, or a bad signature */
		ck_assert_int_eq(bid_submit(b->w.l, &b->blobs, b->b[1].user, s1r.manifest.data,
					    s1r.manifest.len, s1r.parts, 2, et_clock_now_us(), NULL, &r, &d),
				 ET_EDENIED);
		ck_assert_str_eq(d.rule, "et.bid.manifest");
		et_buf_free(&mb);
	}
	seal(b, 1, "bid-b1second", 4250000000LL, SEAL_OK, NULL, &s2b);
	{
		struct sealed bad = s2b;
		bad.manifest.data[bad.manifest.len - 5] ^= 1; /* inside the signature's base64 */
		int rc = submit(b, 1, &bad, et_clock_now_us(), &r, &d);
		ck_assert_msg(rc == ET_EVERIFY || rc == ET_EINVAL, "%d", rc);
		bad.manifest.data[bad.manifest.len - 5] ^= 1;
	}
	ck_assert_int_eq(submit(b, 1, &s2b, et_clock_now_us(), &r, &d), ET_OK);

	/* the barred firm did not register: refused */
	{
		struct bidder b3;
		memcpy(b3.org, b->w.org[O_B3], sizeof b3.org);
		memcpy(b3.user, b->w.user[U_BIDDER3], sizeof b3.user);
		b3.key = b->w.key[U_BIDDER3];
		struct bidder keep = b->b[2];
		b->b[2] = b3;
		seal(b, 2, "bid-b3noreg1", 100, SEAL_OK, NULL, &sb3);
		ck_assert_int_eq(submit(b, 2, &sb3, et_clock_now_us(), &r, &d), ET_EDENIED);
		ck_assert_str_eq(d.rule, "et.reg.required");
		b->b[2] = keep;
	}

	/* bidder 2 bids on time; the first try fails at the commit (a full
	 * disk): no receipt, and no state left — the same bid goes in again */
	seal(b, 2, "bid-b2first1", 4400000000LL, SEAL_OK, NULL, &s3);
	{
		uint64_t before = audit_ledger_size(b->w.l);
		struct tender_principal p2;
		struct bid_info *v = NULL;
		size_t n = 1;
		audit_ledger_test_fail_commits(b->w.l, 1);
		ck_assert_int_ne(submit(b, 2, &s3, et_clock_now_us(), &r, &d), ET_OK);
		ck_assert_uint_eq(audit_ledger_size(b->w.l), before);
		principal(&b->w, U_BIDDER4, &p2);
		ck_assert_int_eq(bid_my_bids(b->w.l, &p2, b->T, &v, &n), ET_OK);
		ck_assert_uint_eq(n, 0);
		bid_info_free(v);
	}
	ck_assert_int_eq(submit(b, 2, &s3, et_clock_now_us(), &r, &d), ET_OK);

	/* bidder 3: a part with an extra X25519 recipient is refused; its
	 * second bid carries forged shares that pass the keyless check */
	seal(b, 3, "bid-b3extra1", 3900000000LL, SEAL_EXTRA_RECIPIENT, NULL, &s4x);
	ck_assert_int_eq(submit(b, 3, &s4x, et_clock_now_us(), &r, &d), ET_ESEALER);
	ck_assert_str_eq(d.rule, "et.bid.stanzas");
	seal(b, 3, "bid-b3forged", 3900000000LL, SEAL_FORGED_SHARES, NULL, &s4);
	ck_assert_msg(submit(b, 3, &s4, et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);

	/* G4: before the close nothing in the public log names a bidder or a bid */
	{
		struct et_buf leaves;
		uint64_t conf = 0;
		all_leaves(&b->w, size_open, &leaves, &conf);
		ck_assert_uint_ge(conf, 7);
		for (int i = 0; i < NB; i++)
			ck_assert(!has(&leaves, b->b[i].org, strlen(b->b[i].org)));
		ck_assert(!has(&leaves, "bid-b", 5));
		et_buf_free(&leaves);
		/* bidder 4 has only a per-tender deposit: nothing names it since setup */
		all_leaves(&b->w, size_setup, &leaves, &conf);
		ck_assert(!has(&leaves, b->b[4].org, strlen(b->b[4].org)));
		ck_assert(!has(&leaves, b->b[4].user, strlen(b->b[4].user)));
		et_buf_free(&leaves);
		all_leaves(&b->w, b->w.accounts_size, &leaves, &conf);
		ck_assert(!has(&leaves, "6222020200112233445", 19));
		ck_assert(!has(&leaves, "BH-2026-0001", 12));
		et_buf_free(&leaves);
	}

	/* a release before the close is refused */
	ck_assert_int_eq(release(b, 0, b->t.secret[0], &released, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.open.stage");
	ck_assert_int_eq(bid_close(b->w.l, "", b->T, &cr, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.close.early");

	/* the deadline: bidder 4's last byte arrived a second before it, the
	 * command runs a second after it — on time; a late bid and a late
	 * replacement are refused, the replaced bid stands */
	seal(b, 4, "bid-b4first1", 4050000000LL, SEAL_OK, NULL, &s5);
	seal(b, 2, "bid-b2late01", 3000000000LL, SEAL_OK, NULL, &s3late);
	seal(b, 4, "bid-b4late01", 3000000000LL, SEAL_OK, NULL, &slate);
	et_clock_set_test(b->deadline + 1000000);
	ck_assert_int_eq(submit(b, 4, &s5, b->deadline - 1000000, &r, &d), ET_OK);
	ck_assert_int_eq(submit(b, 2, &s3late, b->deadline, &r, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "cn.e.27");
	status_of(b, 2, "bid-b2first1", "live");
	ck_assert_int_eq(bid_withdraw(b->w.l, b->b[2].user, b->T, "bid-b2first1", &d), ET_ESTATE);
	ck_assert_int_eq(bid_submit(b->w.l, &b->blobs, b->b[4].user, slate.manifest.data,
				    slate.manifest.len, slate.parts, 2, b->deadline + 2000000, NULL, &r, &d),
			 ET_EINVAL);   /* arrival in the future */

	/* the close: bidder 1 has no deposit and does not count; 4 of 5 count */
	ck_assert_int_eq(bid_close(b->w.l, b->b[0].user, b->T, &cr, &d), ET_EDENIED);
	ck_assert_msg(bid_close(b->w.l, "", b->T, &cr, &d) == ET_OK, "%s", d.msg);
	ck_assert(!cr.failed);
	ck_assert_uint_eq(cr.received, 5);
	ck_assert_uint_eq(cr.counted, 4);
	ck_assert_int_eq(bid_close(b->w.l, "", b->T, &cr, &d), ET_ESTATE);
	ck_assert_int_eq(submit(b, 4, &slate, b->deadline - 1, &r, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.bid.closed");
	status_of(b, 1, "bid-b1second", "excluded");
	ck_assert_int_eq(bid_list(b->w.l, b->T, &all, &nall), ET_OK);
	ck_assert_uint_eq(nall, 7);
	bid_info_free(all);
	ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st1), ET_OK);
	ck_assert_int_eq(st1.phase, BID_PHASE_CLOSED);
	ck_assert_uint_eq(st1.counted, 4);

	/* keys: a wrong key is refused and attributed; one key opens nothing */
	ck_assert_int_eq(release(b, 2, b->t.secret[0], &released, &d), ET_EKEY);
	ck_assert_str_eq(d.rule, "et.open.key");
	ck_assert_ptr_nonnull(strstr(d.msg, b->w.user[U_KH3]));
	{
		struct et_buf msg;
		unsigned char sig[64];
		et_buf_init(&msg, 4096);
		ck_assert_int_eq(bid_release_message(b->T, 1, b->t.secret[0], &msg), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(b->w.key[U_KH2].seed, msg.data, msg.len, sig), ET_OK);
		et_buf_free(&msg);
		ck_assert_int_eq(bid_key_release(b->w.l, b->w.user[U_KH1], b->T, b->t.secret[0], sig,
						 &released, &d), ET_EVERIFY);
	}
	ck_assert_msg(release(b, 0, b->t.secret[0], &released, &d) == ET_OK, "%s", d.msg);
	ck_assert_uint_eq(released, 1);
	ck_assert_int_eq(release(b, 0, b->t.secret[0], &released, &d), ET_EEXIST);
	ck_assert_int_eq(bid_open(b->w.l, &b->blobs, "", b->T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.open.keys");
	ck_assert_int_eq(bid_opening_record(b->w.l, b->T, &rec), ET_ESTATE);

	/* the second key: all bids open at once; the forged one is revoked */
	ck_assert_msg(release(b, 1, b->t.secret[1], &released, &d) == ET_OK, "%s", d.msg);
	ck_assert_uint_eq(released, 2);
	ck_assert_msg(bid_open(b->w.l, &b->blobs, "", b->T, &d) == ET_OK, "%s", d.msg);
	ck_assert_int_eq(bid_open(b->w.l, &b->blobs, "", b->T, &d), ET_ESTATE);
	ck_assert_int_eq(release(b, 2, b->t.secret[2], &released, &d), ET_ESTATE);
	status_of(b, 0, "bid-b0second", "opened");
	status_of(b, 2, "bid-b2first1", "opened");
	status_of(b, 4, "bid-b4first1", "opened");
	status_of(b, 3, "bid-b3forged", "revoked");
	ck_assert_int_eq(bid_opening_record(b->w.l, b->T, &rec), ET_OK);
	{
		json_error_t je;
		json_t *o = json_loads(rec, 0, &je), *bids = json_object_get(o, "bids");
		ck_assert_ptr_nonnull(o);
		ck_assert_uint_eq(json_array_size(bids), 4);
		for (size_t i = 0; i < 4; i++) {
			json_t *e = json_array_get(bids, i);
			const char *bid = json_string_value(json_object_get(e, "bid"));
			if (!strcmp(bid, "bid-b0second")) {
				json_t *f = json_array_get(json_object_get(e, "offers"), 0);
				ck_assert_int_eq(json_integer_value(json_object_get(f, "price")), 4150000000LL);
				ck_assert_int_eq(json_integer_value(json_object_get(f, "duration")), 400);
				ck_assert(json_is_true(json_object_get(e, "deposit")));
			} else if (!strcmp(bid, "bid-b3forged")) {
				ck_assert_str_eq(json_string_value(json_object_get(e, "status")), "revoked");
				ck_assert_str_eq(json_string_value(json_object_get(e, "rule")), "cn.e.31");
				ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "cause")),
							     "combine"));
			}
		}
		json_decref(o);
		free(rec);
	}

	/* answers: confirm, object, once per firm, only firms in the record */
	ck_assert_int_eq(bid_record_answer(b->w.l, b->b[0].user, b->T, false, NULL, &d), ET_OK);
	ck_assert_int_eq(bid_record_answer(b->w.l, b->b[0].user, b->T, true, "x", &d), ET_EEXIST);
	ck_assert_int_eq(bid_record_answer(b->w.l, b->b[3].user, b->T, true,
					   "我方投标文件已正确加密，请核查", &d), ET_OK);
	ck_assert_int_eq(bid_record_answer(b->w.l, b->b[1].user, b->T, false, NULL, &d), ET_EDENIED);

	/* G5: replay equals live; every reveal checks; public replay after the reveal */
	{
		struct audit_report rep;
		size_t nm;
		const struct audit_module *const *m = bid_ledger_modules(&nm);
		unsigned char root[32];
		char out[400];
		sqlite3 *pdb = NULL;
		sqlite3_stmt *q = NULL;

		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(audit_ledger_verify_reveals(b->w.l, false, &rep), ET_OK);
		ck_assert_int_lt(snprintf(out, sizeof out, "%s/public.db", b->w.dir), (int)sizeof out);
		ck_assert_msg(audit_replay_public(m, nm, leaf_src, b->w.l, audit_ledger_size(b->w.l), out,
						  root, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(sqlite3_open(out, &pdb), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(pdb,
			"SELECT (SELECT count(*) FROM bd_bid), (SELECT count(*) FROM bd_bid WHERE"
			" status = 'opened'), (SELECT count(*) FROM bd_deposit)", -1, &q, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(q, 0), 7);
		ck_assert_int_eq(sqlite3_column_int(q, 1), 3);
		ck_assert_int_eq(sqlite3_column_int(q, 2), 4);
		sqlite3_finalize(q);
		sqlite3_close(pdb);
	}
	for (struct sealed *s[] = { &s1, &s1r, &s2, &s2b, &s3, &s3late, &s4x, &s4, &s5, &sb3, &slate,
				    NULL }, **p = s; *p; p++)
		et_buf_free(&(*p)->manifest);
	bt_close(b);
	free(b);
}
END_TEST

/* Fewer than three counted bids: the tender fails at the close, only the
 * membership of its confidential leaves is revealed, no key is released. */
START_TEST(test_failed_tender)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s1, s2;
	struct bid_receipt r;
	struct bid_close_result cr;
	struct bid_tender_status st;
	struct bid_info *all = NULL;
	size_t nall = 0;
	unsigned released;
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "transfer", "x", "y", "acct-1" };
	char dep[TENDER_ID_LEN];
	uint64_t size_bids;

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		an.org = b->b[i].org;
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d), ET_OK);
	}
	et_clock_set_test(T0 + 3 * DAY);
	size_bids = audit_ledger_size(b->w.l);
	seal(b, 0, "bid-f0first1", 100, SEAL_OK, NULL, &s1);
	seal(b, 1, "bid-f1first1", 200, SEAL_OK, NULL, &s2);
	ck_assert_int_eq(submit(b, 0, &s1, et_clock_now_us(), &r, &d), ET_OK);
	ck_assert_int_eq(submit(b, 1, &s2, et_clock_now_us(), &r, &d), ET_OK);
	et_clock_set_test(b->deadline);
	ck_assert_int_eq(bid_close(b->w.l, b->w.user[U_SUPER], b->T, &cr, &d), ET_OK);
	ck_assert(cr.failed);
	ck_assert_str_eq(d.rule, "cn.reg.44");
	ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st), ET_OK);
	ck_assert_int_eq(st.phase, BID_PHASE_FAILED);
	ck_assert_int_eq(bid_list(b->w.l, b->T, &all, &nall), ET_ESTATE);
	ck_assert_int_eq(release(b, 0, b->t.secret[0], &released, &d), ET_ESTATE);
	{
		struct et_buf leaves;
		uint64_t conf = 0;
		/* (annual deposits are public: they name no tender) */
		all_leaves(&b->w, size_bids, &leaves, &conf);
		ck_assert(!has(&leaves, "bid-f", 5));
		ck_assert(!has(&leaves, b->b[0].org, strlen(b->b[0].org)));
		et_buf_free(&leaves);
	}
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(audit_ledger_verify_reveals(b->w.l, false, &rep), ET_OK);
	}
	et_buf_free(&s1.manifest);
	et_buf_free(&s2.manifest);
	bt_close(b);
	free(b);
}
END_TEST

/* Notices of an amendment after a bid, and the rules' et.amend.bid
 * (reconfirm in cn and demo): a re-confirmed bid counts, a replacement sealed
 * after the amendment counts, a bid left alone is excluded at the close, and
 * a manifest claiming a version beyond its own leaf is not believed. */
static json_t *notices_of(struct bt *b, int i)
{
	struct tender_principal p;
	json_t *v = NULL;

	memset(&p, 0, sizeof p);
	memcpy(p.user, b->b[i].user, sizeof p.user);
	memcpy(p.org, b->b[i].org, sizeof p.org);
	p.org_kind = TENDER_ORG_BIDDER;
	p.roles = TENDER_ROLE_BIDDER;
	ck_assert_int_eq(bid_notices(b->w.l, &p, &v), ET_OK);
	return v;
}

START_TEST(test_amendment)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s[6];
	struct bid_receipt r;
	struct bid_close_result cr;
	struct bid_info *all = NULL;
	size_t nall = 0;
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "transfer", "x", "y", "acct-1" };
	char dep[TENDER_ID_LEN], clr[TENDER_ID_LEN];
	int64_t nd;
	uint64_t ver = 0;
	json_t *v;
	const char *ids[5] = { "bid-amend0", "bid-amend1", "bid-amend2", "bid-amend3", "bid-amend4" };

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < NB; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		an.org = b->b[i].org;
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d), ET_OK);
	}
	et_clock_set_test(T0 + 3 * DAY);
	for (int i = 0; i < 4; i++) {
		version_bump = i == 3 ? 1000 : 0;   /* bidder 3 claims a future version */
		seal(b, i, ids[i], 1000 + i, SEAL_OK, NULL, &s[i]);
		ck_assert_msg(submit(b, i, &s[i], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	}
	version_bump = 0;
	/* before any amendment: nothing to tell, nothing to re-confirm */
	v = notices_of(b, 0);
	ck_assert_uint_eq(json_array_size(v), 0);
	json_decref(v);
	ck_assert_int_eq(bid_reconfirm(b->w.l, b->b[0].user, b->T, ids[0], NULL, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.amend.none");
	/* the agent amends the tender (early enough: the deadline stays) */
	et_clock_set_test(T0 + 4 * DAY);
	ck_assert_int_eq(tender_clarify(b->w.l, b->w.user[U_AGENT1], b->T, "第3章工程量清单修改如附。",
					NULL, clr, &nd, &d), ET_OK);
	ck_assert_int_eq(nd, b->deadline);
	for (int i = 0; i < 4; i++) {   /* every bidder is told, the claim of bidder 3 too */
		v = notices_of(b, i);
		ck_assert_msg(json_array_size(v) == 1, "bidder %d: %zu notices", i, json_array_size(v));
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "bid")), ids[i]);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "policy")),
				 "reconfirm");
		ck_assert(json_is_false(json_object_get(json_array_get(v, 0), "reconfirmed")));
		json_decref(v);
	}
	v = notices_of(b, 4);         /* no bid, no notice */
	ck_assert_uint_eq(json_array_size(v), 0);
	json_decref(v);
	/* bidder 0 re-confirms (once); others may not re-confirm its bid */
	ck_assert_int_eq(bid_reconfirm(b->w.l, b->b[1].user, b->T, ids[0], NULL, &d), ET_ENOTFOUND);
	ck_assert_str_eq(d.rule, "et.bid.live");
	ck_assert_msg(bid_reconfirm(b->w.l, b->b[0].user, b->T, ids[0], &ver, &d) == ET_OK, "%s", d.msg);
	ck_assert_uint_eq(ver, audit_ledger_size(b->w.l) - 2);   /* the clarification's leaf */
	ck_assert_int_eq(bid_reconfirm(b->w.l, b->b[0].user, b->T, ids[0], NULL, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.amend.none");
	v = notices_of(b, 0);
	ck_assert(json_is_true(json_object_get(json_array_get(v, 0), "reconfirmed")));
	json_decref(v);
	/* bidder 1 replaces its bid, sealed against the amended tender */
	seal(b, 1, "bid-amend1new", 1100, SEAL_OK, NULL, &s[5]);
	ck_assert_msg(submit(b, 1, &s[5], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	v = notices_of(b, 1);
	ck_assert_uint_eq(json_array_size(v), 0);
	json_decref(v);
	/* bidder 4 bids after the amendment */
	seal(b, 4, ids[4], 1400, SEAL_OK, NULL, &s[4]);
	ck_assert_msg(submit(b, 4, &s[4], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	/* after the deadline no re-confirmation; bidder 2 never re-confirmed */
	et_clock_set_test(b->deadline);
	ck_assert_int_eq(bid_reconfirm(b->w.l, b->b[2].user, b->T, ids[2], NULL, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "cn.e.27");
	ck_assert_int_eq(bid_close(b->w.l, b->w.user[U_SUPER], b->T, &cr, &d), ET_OK);
	ck_assert(!cr.failed);
	ck_assert_uint_eq(cr.received, 5);
	ck_assert_uint_eq(cr.counted, 3);
	status_of(b, 0, ids[0], "live");
	status_of(b, 1, "bid-amend1new", "live");
	status_of(b, 4, ids[4], "live");
	status_of(b, 2, ids[2], "excluded");
	status_of(b, 3, ids[3], "excluded");
	ck_assert_int_eq(bid_list(b->w.l, b->T, &all, &nall), ET_OK);
	for (size_t j = 0; j < nall; j++)
		if (!strcmp(all[j].status, "excluded"))
			ck_assert_str_eq(all[j].rule, "et.amend.bid");
	bid_info_free(all);
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(audit_ledger_verify_reveals(b->w.l, false, &rep), ET_OK);
	}
	for (int i = 0; i < 6; i++)
		et_buf_free(&s[i].manifest);
	bt_close(b);
	free(b);
}
END_TEST

/* Stanzas moved from another bid, and a bid.xml naming another firm (a
 * copied plaintext): both revoked at the opening, the other bid opens; the
 * keys are released in the order 3, 2 (the order decides nothing). */
START_TEST(test_moved_and_mismatch)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s[5];
	struct bid_receipt r;
	struct bid_close_result cr;
	unsigned released;
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "guarantee", "x", "y", "acct-2" };
	char dep[TENDER_ID_LEN];
	static const char *const ids[5] = { "bid-m0first1", "bid-m1moved1", "bid-m2copy01",
					    "bid-m3huge01", "bid-m4badxml" };

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		an.org = b->b[i].org;
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d), ET_OK);
	}
	et_clock_set_test(T0 + 3 * DAY);
	seal(b, 3, ids[3], 400000, SEAL_HUGE, NULL, &s[3]);
	seal(b, 4, ids[4], 500000, SEAL_BAD_XML, NULL, &s[4]);
	seal(b, 0, ids[0], 100000, SEAL_OK, NULL, &s[0]);
	seal(b, 1, ids[1], 200000, SEAL_MOVED, NULL, &s[1]);
	seal(b, 2, ids[2], 300000, SEAL_OK, b->b[0].org, &s[2]);
	for (int i = 0; i < 5; i++)   /* the keyless check cannot see any of it */
		ck_assert_msg(submit(b, i, &s[i], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	et_clock_set_test(b->deadline);
	ck_assert_int_eq(bid_close(b->w.l, "", b->T, &cr, &d), ET_OK);
	ck_assert(!cr.failed);
	ck_assert_int_eq(release(b, 2, b->t.secret[2], &released, &d), ET_OK);
	ck_assert_int_eq(release(b, 1, b->t.secret[1], &released, &d), ET_OK);
	ck_assert_msg(bid_open(b->w.l, &b->blobs, b->w.user[U_SUPER], b->T, &d) == ET_OK, "%s", d.msg);
	status_of(b, 0, ids[0], "opened");
	status_of(b, 1, ids[1], "revoked");
	status_of(b, 2, ids[2], "revoked");
	status_of(b, 3, ids[3], "revoked");
	status_of(b, 4, ids[4], "revoked");
	{
		struct bid_info *all = NULL;
		size_t n = 0;
		ck_assert_int_eq(bid_list(b->w.l, b->T, &all, &n), ET_OK);
		ck_assert_uint_eq(n, 5);
		ck_assert_str_eq(all[4].rule, "et.bid.xml");
		ck_assert_ptr_nonnull(strstr(all[4].cause, "not valid against the bid XSD"));
		ck_assert_str_eq(all[3].bid, ids[3]);
		ck_assert_ptr_nonnull(strstr(all[3].cause, "too large"));
		ck_assert_str_eq(all[3].rule, "cn.e.31");
		ck_assert_str_eq(all[1].rule, "cn.e.31");
		ck_assert_ptr_nonnull(strstr(all[1].cause, "does not open"));
		ck_assert_str_eq(all[2].rule, "et.bid.identity");
		bid_info_free(all);
	}
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
	}
	/* the parts replay cannot see: checked again from the store; a
	 * changed blob is named */
	{
		char diff[256], p[400];
		int fd;
		ck_assert_msg(bid_verify_parts(b->w.l, &b->blobs, diff, sizeof diff) == ET_OK, "%s", diff);
		blob_path(b, s[2].parts[1].sha256, p, sizeof p);
		ck_assert_int_ge(fd = open(p, O_WRONLY | O_APPEND), 0);
		ck_assert_int_eq(write(fd, "x", 1), 1);
		close(fd);
		ck_assert_int_eq(bid_verify_parts(b->w.l, &b->blobs, diff, sizeof diff), ET_EVERIFY);
		ck_assert_ptr_nonnull(strstr(diff, ids[2]));
		ck_assert_ptr_nonnull(strstr(diff, "part 2"));
	}
	for (int i = 0; i < 5; i++)
		et_buf_free(&s[i].manifest);
	bt_close(b);
	free(b);
}
END_TEST

/* bid_keep for the test: count and remember what the opening kept. */
struct kept {
	unsigned n, atts, aborted;
	unsigned char sha[4][32];
	bool named_price;
};

static int keep_put(void *ctx, const void *data, size_t len, const unsigned char sha256[32])
{
	struct kept *k = ctx;
	unsigned char h[32];

	crypto_sha256(data, len, h);
	ck_assert_mem_eq(h, sha256, 32);
	ck_assert_uint_lt(k->n, 4);
	memcpy(k->sha[k->n++], sha256, 32);
	if (memmem(data, len, "300000", 6))
		k->named_price = true;
	return ET_OK;
}

/* The attachment sink for the test: plaintext gathered in memory (small). */
struct att_mem {
	struct et_buf b;
	struct kept *k;
};
static int att_begin(void *ctx, void **h)
{
	struct att_mem *a = calloc(1, sizeof *a);

	ck_assert_ptr_nonnull(a);
	a->k = ctx;
	et_buf_init(&a->b, 1u << 20);
	*h = a;
	return ET_OK;
}
static int att_write(void *h, const unsigned char *b, size_t n)
{
	return et_buf_add(&((struct att_mem *)h)->b, b, n);
}
static int att_commit(void *h, const unsigned char sha256[32])
{
	struct att_mem *a = h;
	unsigned char x[32];

	crypto_sha256(a->b.data, a->b.len, x);
	ck_assert_mem_eq(x, sha256, 32);
	ck_assert_ptr_nonnull(memmem(a->b.data, a->b.len, "施工组织设计", strlen("施工组织设计")));
	a->k->atts++;
	et_buf_free(&a->b);
	free(a);
	return ET_OK;
}
static void att_abort(void *h)
{
	struct att_mem *a = h;

	a->k->aborted++;
	et_buf_free(&a->b);
	free(a);
}

/* Every part is decrypted at the opening, not only bid.xml: an attachment
 * whose payload does not authenticate revokes its bid (cn.e.31, the
 * sealer's fault) though its key combines; the record carries the SHA-256
 * of each opened bid's decrypted bid.xml. */
START_TEST(test_attachment_decrypted)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s[3];
	struct bid_receipt r;
	struct bid_close_result cr;
	unsigned released;
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "guarantee", "x", "y", "acct-3" };
	char dep[TENDER_ID_LEN], *rec = NULL;
	static const char *const ids[3] = { "bid-a0first1", "bid-a1broken", "bid-a2first1" };

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		an.org = b->b[i].org;
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d), ET_OK);
	}
	et_clock_set_test(T0 + 3 * DAY);
	for (int i = 0; i < 3; i++) {
		seal(b, i, ids[i], 100000 * (i + 1), i == 1 ? SEAL_BAD_ATTACHMENT : SEAL_OK, NULL, &s[i]);
		ck_assert_msg(submit(b, i, &s[i], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	}
	et_clock_set_test(b->deadline);
	ck_assert_int_eq(bid_close(b->w.l, "", b->T, &cr, &d), ET_OK);
	ck_assert_int_eq(release(b, 0, b->t.secret[0], &released, &d), ET_OK);
	ck_assert_int_eq(release(b, 2, b->t.secret[2], &released, &d), ET_OK);
	{
		struct kept k;
		struct bid_keep keep = { keep_put, &k, att_begin, att_write, att_commit, att_abort };
		struct tender_principal who;
		struct bid_attachment_info ai;
		memset(&k, 0, sizeof k);
		memset(&who, 0, sizeof who);
		memcpy(who.org, b->w.org[O_AGENT], sizeof who.org);
		who.roles = TENDER_ROLE_AGENT;
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[0], 2, &ai, &d), ET_ESTATE);
		ck_assert_msg(bid_open_keep(b->w.l, &b->blobs, &keep, "", b->T, &d) == ET_OK, "%s",
			      d.msg);
		ck_assert_uint_eq(k.n, 2);             /* the two opened bids' bid.xml, not the revoked one */
		ck_assert(k.named_price);              /* bid 3 offers 300000 fen */
		ck_assert_uint_eq(k.atts, 2);          /* and their attachments, streamed */
		ck_assert_uint_eq(k.aborted, 1);       /* the broken one dropped */
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[0], 2, &ai, &d), ET_OK);
		ck_assert_uint_eq(ai.part, 2);
		ck_assert_uint_eq(ai.size, strlen("技术标：施工组织设计 …"));
		{
			unsigned char h[32];
			char hx[65];
			crypto_sha256("技术标：施工组织设计 …", strlen("技术标：施工组织设计 …"), h);
			et_hex_encode(h, 32, hx);
			ck_assert_str_eq(ai.sha256, hx);
		}
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[1], 2, &ai, &d), ET_ENOTFOUND);
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[0], 3, &ai, &d), ET_ENOTFOUND);
		who.roles = TENDER_ROLE_BIDDER;        /* a bidder: not a reader */
		memcpy(who.org, b->b[0].org, sizeof who.org);
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[0], 2, &ai, &d), ET_EDENIED);
		ck_assert_str_eq(d.rule, "et.att.reader");
		who.roles = TENDER_ROLE_AGENT;         /* another agency */
		memcpy(who.org, b->w.org[O_AGENT_O], sizeof who.org);
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[0], 2, &ai, &d), ET_EDENIED);
		who.roles = TENDER_ROLE_SUPERVISOR;
		ck_assert_int_eq(bid_attachment(b->w.l, &who, b->T, ids[0], 2, &ai, &d), ET_OK);
	}
	status_of(b, 0, ids[0], "opened");
	status_of(b, 1, ids[1], "revoked");
	status_of(b, 2, ids[2], "opened");
	ck_assert_int_eq(bid_opening_record(b->w.l, b->T, &rec), ET_OK);
	{
		json_t *o = json_loads(rec, 0, NULL), *bids = json_object_get(o, "bids");
		ck_assert_ptr_nonnull(o);
		for (size_t i = 0; i < json_array_size(bids); i++) {
			json_t *e = json_array_get(bids, i);
			const char *bid = json_string_value(json_object_get(e, "bid"));
			const char *xh = json_string_value(json_object_get(e, "xml_sha256"));
			ck_assert_ptr_nonnull(xh);
			if (!strcmp(bid, ids[1])) {
				ck_assert_str_eq(json_string_value(json_object_get(e, "rule")), "cn.e.31");
				ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "cause")),
							     "attachment (part 2) does not decrypt"));
				ck_assert_str_eq(xh, "");
			} else {
				ck_assert_uint_eq(strlen(xh), 64);
			}
		}
		json_decref(o);
		free(rec);
	}
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
	}
	for (int i = 0; i < 3; i++)
		et_buf_free(&s[i].manifest);
	bt_close(b);
	free(b);
}
END_TEST


/* The sealed reference price (标底): only the tender's agent seals it
 * (bidders, another agency refused), with exactly the tender's stanzas
 * (an extra recipient refused), before the deadline (cn.e.27); a second
 * one replaces the first; it is confidential until the close, never a bid
 * (not received, not counted, not listed), and the opening decrypts it
 * with the bids and shows it per lot in the record; ref.txt is strict. */
static void seal_reference(struct bt *b, const char *ref, const char *org, int64_t price,
			   bool extra, struct bid_part_ref *pr)
{
	struct bid_reference_doc doc;
	struct et_buf txt, c;

	memset(&doc, 0, sizeof doc);
	memcpy(doc.tender, b->T, strlen(b->T) + 1);
	memcpy(doc.ref, ref, strlen(ref) + 1);
	memcpy(doc.org, org, strlen(org) + 1);
	doc.noffers = 1;
	memcpy(doc.offers[0].lot, "1", 2);
	doc.offers[0].price_fen = price;
	et_buf_init(&txt, BID_REFERENCE_MAX);
	et_buf_init(&c, 1u << 20);
	ck_assert_int_eq(bid_reference_write(&doc, &txt), ET_OK);
	encrypt(b, ref, 1, txt.data, txt.len, extra, &c);
	store(b, &c, pr);
	et_buf_free(&txt);
	et_buf_free(&c);
}

/* A record committing to its reference: only that file is taken. */
static struct bid_part_ref committed;
static void seal_reference(struct bt *b, const char *ref, const char *org, int64_t price,
			   bool extra, struct bid_part_ref *pr);
static void commit_reference(struct bt *b, struct et_buf *xml)
{
	char hex[65], tail[160];
	unsigned char *end = memmem(xml->data, xml->len, "</tender>", 9);

	seal_reference(b, "ref-commit1", b->w.org[O_AGENT], 270000, false, &committed);
	et_hex_encode(committed.sha256, 32, hex);
	ck_assert_ptr_nonnull(end);
	ck_assert_int_lt(snprintf(tail, sizeof tail, "  <referencePrice sha256=\"%s\"/>\n</tender>\n",
				  hex), (int)sizeof tail);
	xml->len = (size_t)(end - xml->data);
	ck_assert_int_eq(et_buf_addstr(xml, tail), ET_OK);
}

START_TEST(test_reference_committed)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct bid_reference_receipt rr;
	struct bid_part_ref other;

	ck_assert_ptr_nonnull(b);
	bt_before_draft = commit_reference;
	bt_setup(b);
	bt_before_draft = NULL;
	et_clock_set_test(T0 + 3 * DAY);
	seal_reference(b, "ref-other1", b->w.org[O_AGENT], 280000, false, &other);
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T,
					      "ref-other1", other.sha256, other.size, et_clock_now_us(),
					      &rr, &d), ET_EINVAL);
	ck_assert_str_eq(d.rule, "et.ref.sha256");
	ck_assert_msg(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T, "ref-commit1",
					   committed.sha256, committed.size, et_clock_now_us(), &rr,
					   &d) == ET_OK, "%s", d.msg);
	bt_close(b);
	free(b);
}
END_TEST

START_TEST(test_reference_price)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s[3];
	struct bid_receipt r;
	struct bid_reference_receipt rr;
	struct bid_close_result cr;
	struct bid_part_ref p1, p2, px, plate;
	struct bid_info *v = NULL;
	size_t nv = 0;
	unsigned released;
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "guarantee", "x", "y", "acct-3" };
	char dep[TENDER_ID_LEN], *rec = NULL;
	const char *agent_org = b ? b->w.org[O_AGENT] : NULL;
	static const char *const ids[3] = { "bid-r0first1", "bid-r1first1", "bid-r2first1" };

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	agent_org = b->w.org[O_AGENT];
	{
		/* ref.txt: canonical only */
		struct bid_reference_doc doc;
		static const char good[] = "etender-reference/v1\ntender T1\nref ref-abcdef\norg org-abcdef\n"
					   "lot 1 500\nlot 2 700\n";
		static const char *const bad[] = {
			"etender-reference/v1\ntender T1\nref ref-abcdef\norg org-abcdef\n",
			"etender-reference/v1\ntender T1\nref ref-abcdef\norg org-abcdef\nlot 1 0500\n",
			"etender-reference/v1\ntender T1\nref ref-abcdef\norg org-abcdef\nlot 1 500\nlot 1 7\n",
			"etender-reference/v1\ntender T1\nref bid-abcdef\norg org-abcdef\nlot 1 500\n",
			"etender-reference/v1\ntender T1\nref ref-abcdef\norg org-abcdef\nlot 1 500",
			"etender-reference/v1\ntender T1\nref ref-abcdef\norg org-abcdef\nlot 1  500\n",
		};
		ck_assert_int_eq(bid_reference_parse(good, sizeof good - 1, &doc, &d), ET_OK);
		ck_assert_uint_eq(doc.noffers, 2);
		ck_assert_int_eq(doc.offers[1].price_fen, 700);
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			ck_assert_msg(bid_reference_parse(bad[i], strlen(bad[i]), &doc, &d) == ET_EINVAL,
				      "bad %zu", i);
			ck_assert_str_eq(d.rule, "et.ref.format");
		}
	}
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		an.org = b->b[i].org;
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d), ET_OK);
	}
	et_clock_set_test(T0 + 3 * DAY);
	for (int i = 0; i < 3; i++) {
		seal(b, i, ids[i], 100000 * (i + 1), SEAL_OK, NULL, &s[i]);
		ck_assert_msg(submit(b, i, &s[i], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	}
	seal_reference(b, "ref-first1", agent_org, 250000, false, &p1);
	seal_reference(b, "ref-second1", agent_org, 260000, false, &p2);
	seal_reference(b, "ref-extra1", agent_org, 1, true, &px);
	seal_reference(b, "ref-late01", agent_org, 2, false, &plate);
	/* a bidder, another agency: refused */
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->b[0].user, b->T, "ref-first1",
					      p1.sha256, p1.size, et_clock_now_us(), &rr, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.role");
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT_O], b->T,
					      "ref-first1", p1.sha256, p1.size, et_clock_now_us(), &rr,
					      &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.org");
	/* a bid id, an extra recipient, a bid's ciphertext: refused */
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T,
					      "bid-first1", p1.sha256, p1.size, et_clock_now_us(), &rr,
					      &d), ET_EINVAL);
	ck_assert_str_eq(d.rule, "et.ref.id");
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T,
					      "ref-extra1", px.sha256, px.size, et_clock_now_us(), &rr,
					      &d), ET_ESEALER);
	ck_assert_str_eq(d.rule, "et.bid.stanzas");
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T,
					      "ref-copy01", s[0].parts[1].sha256, s[0].parts[1].size,
					      et_clock_now_us(), &rr, &d), ET_EEXIST);
	ck_assert_str_eq(d.rule, "et.bid.duplicate");
	/* the first, then a replacement */
	ck_assert_msg(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T, "ref-first1",
					   p1.sha256, p1.size, et_clock_now_us(), &rr, &d) == ET_OK,
		      "%s", d.msg);
	ck_assert_str_eq(rr.replaced, "");
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T,
					      "ref-first1", p1.sha256, p1.size, et_clock_now_us(), &rr,
					      &d), ET_EEXIST);
	ck_assert_msg(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T, "ref-second1",
					   p2.sha256, p2.size, et_clock_now_us(), &rr, &d) == ET_OK,
		      "%s", d.msg);
	ck_assert_str_eq(rr.replaced, "ref-first1");
	/* late: refused, the second stands */
	et_clock_set_test(b->deadline);
	ck_assert_int_eq(bid_reference_submit(b->w.l, &b->blobs, b->w.user[U_AGENT1], b->T,
					      "ref-late01", plate.sha256, plate.size, b->deadline, &rr,
					      &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "cn.e.27");
	ck_assert_int_eq(bid_close(b->w.l, "", b->T, &cr, &d), ET_OK);
	ck_assert(!cr.failed);
	ck_assert_uint_eq(cr.received, 3);     /* never a bid */
	ck_assert_uint_eq(cr.counted, 3);
	ck_assert_int_eq(bid_list(b->w.l, b->T, &v, &nv), ET_OK);
	ck_assert_uint_eq(nv, 3);
	for (size_t i = 0; i < nv; i++)
		ck_assert_ptr_null(strstr(v[i].bid, "ref-"));
	bid_info_free(v);
	ck_assert_int_eq(release(b, 0, b->t.secret[0], &released, &d), ET_OK);
	ck_assert_int_eq(release(b, 1, b->t.secret[1], &released, &d), ET_OK);
	ck_assert_msg(bid_open(b->w.l, &b->blobs, "", b->T, &d) == ET_OK, "%s", d.msg);
	ck_assert_int_eq(bid_opening_record(b->w.l, b->T, &rec), ET_OK);
	{
		json_t *o = json_loads(rec, 0, NULL), *ref = json_object_get(o, "reference");
		json_t *off;
		ck_assert_ptr_nonnull(ref);
		ck_assert_uint_eq(json_array_size(json_object_get(o, "bids")), 3);
		ck_assert_str_eq(json_string_value(json_object_get(ref, "ref")), "ref-second1");
		ck_assert_str_eq(json_string_value(json_object_get(ref, "status")), "opened");
		ck_assert_str_eq(json_string_value(json_object_get(ref, "org")), agent_org);
		ck_assert_uint_eq(strlen(json_string_value(json_object_get(ref, "txt_sha256"))), 64);
		off = json_array_get(json_object_get(ref, "offers"), 0);
		ck_assert_str_eq(json_string_value(json_object_get(off, "lot")), "1");
		ck_assert_int_eq(json_integer_value(json_object_get(off, "price")), 260000);
		json_decref(o);
		free(rec);
	}
	for (int i = 0; i < 3; i++)
		status_of(b, i, ids[i], "opened");
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
	}
	for (int i = 0; i < 3; i++)
		et_buf_free(&s[i].manifest);
	bt_close(b);
	free(b);
}
END_TEST

/* The return of a per-tender deposit after a withdrawal (cn.reg.35): only
 * an administrator, only a per-tender deposit of a firm that withdrew and
 * has no other bid, once; late after the profile's five days; the query of
 * deposits due (administrators and supervisors); a returned deposit is no
 * longer the tender's to release; confidential before the close. */
struct dep_list {
	const char *tender;
	size_t n;
};
static int dep_list_fn(sqlite3 *db, void *ctx)
{
	struct dep_list *q = ctx;
	struct bid_deposit_info *v = NULL;
	int rc = bid_db_tender_deposits(db, q->tender, &v, &q->n);

	free(v);
	return rc;
}

START_TEST(test_deposit_return)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s[3];
	struct bid_receipt r;
	struct bid_deposit_returned dr;
	struct tender_principal who;
	struct bid_deposit_new pt = { NULL, NULL, 0, 5000000, "transfer", "付款人", "银行", "acct-1" };
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "guarantee", "x", "y", "acct-3" };
	char dep[3][TENDER_ID_LEN], annual[TENDER_ID_LEN];
	json_t *due = NULL;
	static const char *const ids[3] = { "bid-d0first1", "bid-d1first1", "bid-d2first1" };

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	pt.tender = b->T;
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		pt.org = b->b[i].org;
		ck_assert_msg(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &pt, dep[i], &d) == ET_OK,
			      "%s", d.msg);
	}
	an.org = b->b[0].org;
	ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, annual, &d), ET_OK);
	et_clock_set_test(T0 + 3 * DAY);
	for (int i = 0; i < 3; i++) {
		seal(b, i, ids[i], 100000 * (i + 1), SEAL_OK, NULL, &s[i]);
		ck_assert_msg(submit(b, i, &s[i], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	}
	/* nothing to return while the firm's bid is live */
	ck_assert_int_eq(bid_deposit_return(b->w.l, b->w.user[U_ADMIN], dep[0], &dr, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.deposit.withdrawal");
	ck_assert_int_eq(bid_withdraw(b->w.l, b->b[0].user, b->T, ids[0], &d), ET_OK);
	et_clock_set_test(T0 + 3 * DAY + HOUR);
	ck_assert_int_eq(bid_withdraw(b->w.l, b->b[1].user, b->T, ids[1], &d), ET_OK);
	memset(&who, 0, sizeof who);
	who.roles = TENDER_ROLE_SUPERVISOR;
	ck_assert_int_eq(bid_deposits_due(b->w.l, &who, b->T, &due), ET_OK);
	ck_assert_uint_eq(json_array_size(due), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(due, 0), "id")), dep[0]);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(due, 0), "due_us")),
			 T0 + 3 * DAY + 5 * DAY);
	ck_assert(json_is_false(json_object_get(json_array_get(due, 0), "overdue")));
	json_decref(due);
	who.roles = TENDER_ROLE_BIDDER;
	ck_assert_int_eq(bid_deposits_due(b->w.l, &who, b->T, &due), ET_EDENIED);
	/* refusals: a bidder, an annual deposit, no such deposit */
	ck_assert_int_eq(bid_deposit_return(b->w.l, b->b[0].user, dep[0], &dr, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.role");
	ck_assert_int_eq(bid_deposit_return(b->w.l, b->w.user[U_ADMIN], annual, &dr, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.deposit.annual");
	ck_assert_int_eq(bid_deposit_return(b->w.l, b->w.user[U_ADMIN], "dep-nosuchdeposit", &dr, &d),
			 ET_ENOTFOUND);
	/* in time: recorded, confidential before the close */
	{
		uint64_t before = audit_ledger_size(b->w.l);
		ck_assert_msg(bid_deposit_return(b->w.l, b->w.user[U_ADMIN], dep[0], &dr, &d) == ET_OK,
			      "%s", d.msg);
		ck_assert_uint_eq(dr.index, before);
		ck_assert(!dr.late);
		ck_assert_str_eq(dr.org, b->b[0].org);
		ck_assert_int_eq(dr.due_us, T0 + 3 * DAY + 5 * DAY);
	}
	ck_assert_int_eq(bid_deposit_return(b->w.l, b->w.user[U_ADMIN], dep[0], &dr, &d), ET_EEXIST);
	ck_assert_str_eq(d.rule, "et.deposit.returned");
	/* late: after five days */
	et_clock_set_test(T0 + 9 * DAY);
	who.roles = TENDER_ROLE_ADMIN;
	ck_assert_int_eq(bid_deposits_due(b->w.l, &who, NULL, &due), ET_OK);
	ck_assert_uint_eq(json_array_size(due), 1);
	ck_assert(json_is_true(json_object_get(json_array_get(due, 0), "overdue")));
	json_decref(due);
	ck_assert_int_eq(bid_deposit_return(b->w.l, b->w.user[U_ADMIN], dep[1], &dr, &d), ET_OK);
	ck_assert(dr.late);
	ck_assert_int_eq(bid_deposits_due(b->w.l, &who, NULL, &due), ET_OK);
	ck_assert_uint_eq(json_array_size(due), 0);
	json_decref(due);
	{
		/* the tender's deposits to release at the award: only the third firm's */
		struct dep_list q = { b->T, 0 };
		ck_assert_int_eq(audit_ledger_query(b->w.l, dep_list_fn, &q), ET_OK);
		ck_assert_uint_eq(q.n, 1);
	}
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
	}
	for (int i = 0; i < 3; i++)
		et_buf_free(&s[i].manifest);
	bt_close(b);
	free(b);
}
END_TEST

/* The opening window (et.open.window): with fewer than k keys out, the
 * opening fails only once the window after the close has passed, by the
 * platform's timer or a supervisor but not a bidder; opening.failed is
 * recorded, no key is taken after it, no opening runs, and replay
 * rebuilds the phase. */
START_TEST(test_opening_window)
{
	struct bt *b = calloc(1, sizeof *b);
	struct tender_diag d;
	struct sealed s[3];
	struct bid_receipt r;
	struct bid_close_result cr;
	struct bid_tender_status st;
	unsigned released;
	struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "guarantee", "x", "y", "acct-4" };
	char dep[TENDER_ID_LEN], *rec = NULL;
	static const char *const ids[3] = { "bid-w0first1", "bid-w1first1", "bid-w2first1" };
	uint64_t size;

	ck_assert_ptr_nonnull(b);
	bt_setup(b);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(tender_register(b->w.l, b->b[i].user, b->T, &d), ET_OK);
		an.org = b->b[i].org;
		ck_assert_int_eq(bid_deposit_record(b->w.l, b->w.p, b->w.user[U_ADMIN], &an, dep, &d), ET_OK);
	}
	et_clock_set_test(T0 + 3 * DAY);
	for (int i = 0; i < 3; i++) {
		seal(b, i, ids[i], 100000 * (i + 1), SEAL_OK, NULL, &s[i]);
		ck_assert_msg(submit(b, i, &s[i], et_clock_now_us(), &r, &d) == ET_OK, "%s", d.msg);
	}
	/* before the close: not in a phase that can fail */
	ck_assert_int_eq(bid_open_fail(b->w.l, "", b->T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.open.stage");
	et_clock_set_test(b->deadline);
	ck_assert_int_eq(bid_close(b->w.l, "", b->T, &cr, &d), ET_OK);
	ck_assert(!cr.failed);
	ck_assert_int_eq(release(b, 1, b->t.secret[1], &released, &d), ET_OK);
	/* one microsecond before the window's end, then at its end */
	{
		const struct tender_profile *prof = NULL;
		struct tender_info t;
		ck_assert_int_eq(tender_get(b->w.l, NULL, b->T, &t, NULL, NULL), ET_OK);
		ck_assert_int_eq(tender_rules_lookup(t.profile, t.profile_version, &prof), ET_OK);
		ck_assert_int_gt(tender_rules_open_window(prof), 0);
		ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st), ET_OK);
		et_clock_set_test(st.closed_us + tender_rules_open_window(prof) - 1);
		size = audit_ledger_size(b->w.l);
		ck_assert_int_eq(bid_open_fail(b->w.l, "", b->T, &d), ET_ESTATE);
		ck_assert_str_eq(d.rule, "et.open.window");
		ck_assert_uint_eq(audit_ledger_size(b->w.l), size);
		et_clock_set_test(st.closed_us + tender_rules_open_window(prof));
	}
	ck_assert_int_eq(bid_open_fail(b->w.l, b->b[0].user, b->T, &d), ET_EDENIED);
	ck_assert_msg(bid_open_fail(b->w.l, b->w.user[U_SUPER], b->T, &d) == ET_OK, "%s", d.msg);
	ck_assert_uint_eq(audit_ledger_size(b->w.l), size + 1);
	ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st), ET_OK);
	ck_assert_int_eq(st.phase, BID_PHASE_UNOPENED);
	ck_assert_uint_eq(st.released, 1);
	ck_assert_int_eq(bid_open_fail(b->w.l, "", b->T, &d), ET_ESTATE);
	ck_assert_int_eq(release(b, 0, b->t.secret[0], &released, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.open.stage");
	ck_assert_int_eq(bid_open(b->w.l, &b->blobs, "", b->T, &d), ET_ESTATE);
	ck_assert_int_eq(bid_opening_record(b->w.l, b->T, &rec), ET_ESTATE);
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(b->w.l, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(bid_tender_status(b->w.l, b->T, &st), ET_OK);
		ck_assert_int_eq(st.phase, BID_PHASE_UNOPENED);
	}
	for (int i = 0; i < 3; i++)
		et_buf_free(&s[i].manifest);
	bt_close(b);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bidding_domain");
	TCase *tc = tcase_create("domain");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_bidding_flow);
	tcase_add_test(tc, test_failed_tender);
	tcase_add_test(tc, test_moved_and_mismatch);
	tcase_add_test(tc, test_amendment);
	tcase_add_test(tc, test_attachment_decrypted);
	tcase_add_test(tc, test_opening_window);
	tcase_add_test(tc, test_reference_price);
	tcase_add_test(tc, test_reference_committed);
	tcase_add_test(tc, test_deposit_return);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
