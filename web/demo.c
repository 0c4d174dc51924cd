/* web/demo.c — `etenderd demo`: a fresh data folder with a realistic
 * history, built through the same domain commands that the API calls
 * (tender/tender.h), so every event is an ordinary log entry: the trading
 * center, tenderers, an agent, bidder firms (one barred by a credit record),
 * a supervisor; users of every role with registered keys; tenders in
 * different stages (published with documents, registrations, downloads, a
 * question and its clarification and a two-person deadline change; another
 * published; one draft awaiting the supervisor; one cancelled), and two
 * finished ones: JC-DEMO-005 with deposits, bids sealed 2-of-3 to its key
 * holders by four firms, a withdrawal and a replacement, the close at the
 * deadline, two holders' keys, the opening record (唱标), a confirmation
 * and an objection; JC-DEMO-006 failed at its close (流标, two bids);
 * JC-DEMO-007 opened and then evaluated (evaluation/evaluation.h): an
 * expert pool of six, the draw committed by the supervisor and the
 * platform and revealed, a chair, 15 signed score sheets, the report
 * signed by the five members, the candidates' publicity with an objection
 * answered, the award, the contract and the release of the bid deposits. The
 * statistician imports 24 historical outcomes (DIR/demo-outcomes.csv) for
 * a before/after report (JC-DEMO-007's award counts too). Uses the `demo` rules profile (a "day" is a
 * minute). The finished tenders' schedule (over 20 such "days") is run
 * on the demo's clock three hours in the past (et_clock_set_test: test
 * builds, as scripts/demo.sh makes; a release build leaves them out), then
 * the real clock takes over, so the whole run takes a few seconds and the
 * log's times never go backwards.
 * Demo accounts and their passwords go to DIR/demo-accounts.txt (0600). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "crypto/crypto.h"
#include "bidding/bidding.h"
#include "evaluation/evaluation.h"
#include "stats/stats.h"
#include "web/web_int.h"

#define MIN_US (60LL * 1000000)
#define DEMO_PW "demo-password-2026"

enum { O_CENTER, O_SCHOOL, O_WATER, O_AGENT, O_B1, O_B2, O_B3, O_B4, O_BAD, O_SUPER, O_COUNT };
enum { U_ADMIN, U_AGENT1, U_AGENT2, U_B1, U_B2, U_B3, U_B4, U_BAD, U_KH1, U_KH2, U_KH3, U_EXPERT,
       U_EXPERT6 = U_EXPERT + 5, U_SUPER, U_STAT, U_COUNT };
#define NEXPERTS (U_EXPERT6 - U_EXPERT + 1)

struct demo {
	struct web_data *d;
	struct et_buf accounts;
	char org[O_COUNT][TENDER_ID_LEN];
	char user[U_COUNT][TENDER_ID_LEN];
	unsigned char seed[U_COUNT][32], pub[U_COUNT][32];
	char rcpt[U_COUNT][128];          /* each user's registered X25519 recipient */
	struct tender_diag diag;
};

static int say(struct demo *m, const char *what, int rc)
{
	if (rc)
		fprintf(stderr, "etenderd demo: %s: %s\n", what,
			m->diag.msg[0] ? m->diag.msg : et_strerror_both(rc));
	return rc;
}

static int org(struct demo *m, int o, enum tender_org_kind kind, const char *name,
	       const char *code, const char *addr)
{
	struct tender_org_details det = { name, code, addr, "0571-88880000" };

	tender_diag_clear(&m->diag);
	return say(m, name, tender_org_register(m->d->ledger, m->d->priv, m->user[U_ADMIN], kind, &det,
						m->org[o], &m->diag));
}

static const char *role_name(unsigned roles)
{
	switch (roles) {
	case TENDER_ROLE_AGENT: return "agent/代理";
	case TENDER_ROLE_BIDDER: return "bidder/投标人";
	case TENDER_ROLE_KEYHOLDER: return "keyholder/密钥保管人";
	case TENDER_ROLE_EXPERT: return "expert/评标专家";
	case TENDER_ROLE_SUPERVISOR: return "supervisor/监督";
	case TENDER_ROLE_STATISTICIAN: return "statistician/统计";
	default: return "-";
	}
}

static int user(struct demo *m, int u, int o, unsigned roles, const char *login, const char *name)
{
	struct tender_person det = { name, "13700000000", NULL, NULL };
	int rc;

	tender_diag_clear(&m->diag);
	rc = tender_user_register(m->d->ledger, m->d->priv, m->user[U_ADMIN], m->org[o], roles, login,
				  DEMO_PW, &det, m->user[u], &m->diag);
	if (!rc)
		rc = et_buf_printf(&m->accounts, "%-10s %-22s %-22s %s\n", login, m->user[u],
				   role_name(roles), name);
	return say(m, login, rc);
}

/* A tender's per-tender holder keys (kh1..kh3), kept by the demo for the
 * tenders it closes and opens itself. */
struct holders {
	char *sec[3], *rcp[3];
};

struct mem {
	const unsigned char *p;
	size_t n, off;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem *r = ctx;
	size_t k = r->n - r->off < cap ? r->n - r->off : cap;

	memcpy(buf, r->p + r->off, k);
	r->off += k;
	*got = k;
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

/* The user's own client: fresh keys, the challenge answered, signed. */
static int keys(struct demo *m, int u)
{
	char *secret = NULL, *recipient = NULL, *armored = NULL, resp[65];
	struct crypto_age_identity *id = NULL;
	struct et_buf out, msg;
	unsigned char h[32], sig[64];
	int rc;

	et_buf_init(&out, 1024);
	et_buf_init(&msg, 4096);
	tender_diag_clear(&m->diag);
	if ((rc = crypto_age_x25519_generate(&secret, &recipient)) ||
	    (rc = crypto_ed25519_keygen(m->seed[u], m->pub[u])) ||
	    (rc = tender_key_challenge(m->d->ledger, m->d->priv, m->user[u], recipient, &armored)) ||
	    (rc = crypto_age_identity_parse(secret, &id)))
		goto out;
	{
		struct mem r = { (const unsigned char *)armored, strlen(armored), 0 };
		const struct crypto_age_identity *ids[1] = { id };

		if ((rc = crypto_age_decrypt(ids, 1, mem_read, &r, buf_write, &out)))
			goto out;
	}
	crypto_sha256(out.data, out.len, h);
	et_hex_encode(h, sizeof h, resp);
	if ((rc = tender_key_message(m->user[u], recipient, m->pub[u], resp, &msg)) ||
	    (rc = crypto_ed25519_sign(m->seed[u], msg.data, msg.len, sig)))
		goto out;
	rc = tender_key_register(m->d->ledger, m->d->priv, m->user[u], recipient, m->pub[u], resp,
				 sig, &m->diag);
	if (!rc && snprintf(m->rcpt[u], sizeof m->rcpt[u], "%s", recipient) >= (int)sizeof m->rcpt[u])
		rc = ET_ELIMIT;
out:
	crypto_age_identity_free(id);
	if (secret)
		crypto_wipe(secret, strlen(secret));
	free(secret);
	free(recipient);
	free(armored);
	et_buf_free(&out);
	et_buf_free(&msg);
	return say(m, "keys", rc);
}

/* Store bytes in the blob store under their SHA-256 (as an upload does). */
static int blob_put(struct demo *m, const char *data, size_t len, unsigned char sha[32])
{
	char hex[65], rel[80], path[4096];

	crypto_sha256(data, len, sha);
	et_hex_encode(sha, 32, hex);
	if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    web_path(m->d->dir, rel, path, sizeof path))
		return ET_ELIMIT;
	return et_write_file_atomic(path, data, len, 0600);
}

static int document(struct demo *m, const char *tender, const char *name, const char *kind,
		    const char *text)
{
	struct tender_document_new doc = { name, kind, strlen(text), { 0 } };
	char id[TENDER_ID_LEN];
	int rc;

	tender_diag_clear(&m->diag);
	if ((rc = blob_put(m, text, strlen(text), doc.sha256)))
		return say(m, name, rc);
	return say(m, name, tender_document_upload(m->d->ledger, m->user[U_AGENT1], tender, &doc, id,
						   &m->diag));
}

/* Draft a tender with fresh per-tender holder keys of kh1..kh3, register
 * them, propose; approve unless stop_at_proposal. */
static int tender_eval(struct demo *m, const char *id, const char *title, int tenderer,
		       int64_t from, int64_t price_fen, bool approve, struct holders *keep,
		       const char *method)
{
	char t[5][32], line[3][512], *sec[3] = { NULL, NULL, NULL }, *rcp[3] = { NULL, NULL, NULL };
	static const int kh[3] = { U_KH1, U_KH2, U_KH3 }, kho[3] = { O_AGENT, O_SUPER, O_CENTER };
	struct et_buf x;
	int rc = ET_OK;

	et_buf_init(&x, ET_TENDER_DRAFT_MAX_XML);
	for (int i = 0; i < 3 && !rc; i++) {
		struct et_buf msg;
		unsigned char sig[64];
		char sb[96], pb[48];

		et_buf_init(&msg, 1024);
		if (!(rc = crypto_age_x25519_generate(&sec[i], &rcp[i])) &&
		    !(rc = et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", id, rcp[i])) &&
		    !(rc = crypto_ed25519_sign(m->seed[kh[i]], msg.data, msg.len, sig))) {
			et_b64_encode(sig, 64, sb);
			et_b64_encode(m->pub[kh[i]], 32, pb);
			if (snprintf(line[i], sizeof line[i], "etender-holder-key/v1 %s %s %s %s", id,
				     rcp[i], pb, sb) >= (int)sizeof line[i])
				rc = ET_ELIMIT;
		}
		et_buf_free(&msg);
	}
	if (rc)
		goto out;
	et_clock_format_utc(from, t[0]);
	et_clock_format_utc(from + 6 * MIN_US, t[1]);
	et_clock_format_utc(from + 6 * MIN_US, t[2]);
	et_clock_format_utc(from + 15 * MIN_US, t[3]);
	et_clock_format_utc(from + 21 * MIN_US, t[4]);
	rc = et_buf_printf(&x,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<tender xmlns=\"urn:etender:tender:1\" formatVersion=\"1\" id=\"%s\" type=\"construction\">\n"
		"  <title>%s</title>\n  <tenderer org=\"%s\"/>\n  <agent org=\"%s\"/>\n"
		"  <rulesProfile name=\"demo\" version=\"1\"/>\n"
		"  <schedule>\n    <documentsFrom>%s</documentsFrom>\n    <documentsTo>%s</documentsTo>\n"
		"    <registrationDeadline>%s</registrationDeadline>\n"
		"    <questionDeadline>%s</questionDeadline>\n    <bidDeadline>%s</bidDeadline>\n"
		"  </schedule>\n  <qualification jointVenture=\"false\"/>\n"
		"  <lots>\n    <lot id=\"1\">\n      <title>施工总承包</title>\n"
		"      <controlPrice currency=\"CNY\">%lld</controlPrice>\n"
		"      <evaluation>%s</evaluation>\n    </lot>\n  </lots>\n"
		"  <keyHolders threshold=\"2\">\n"
		"    <holder index=\"1\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"    <holder index=\"2\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"    <holder index=\"3\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"  </keyHolders>\n</tender>\n",
		id, title, m->org[tenderer], m->org[O_AGENT], t[0], t[1], t[2], t[3], t[4],
		(long long)price_fen, method ? method : "<lowestEvaluatedPrice/>", m->org[kho[0]], m->user[kh[0]], rcp[0], m->org[kho[1]],
		m->user[kh[1]], rcp[1], m->org[kho[2]], m->user[kh[2]], rcp[2]);
	if (rc)
		goto out;
	tender_diag_clear(&m->diag);
	if ((rc = tender_draft(m->d->ledger, m->user[U_AGENT1], x.data, x.len, NULL, &m->diag)))
		goto out;
	for (int i = 0; i < 3 && !rc; i++)
		rc = tender_holder_key_register(m->d->ledger, m->user[kh[i]], line[i], &m->diag);
	if (!rc)
		rc = tender_keyholders_propose(m->d->ledger, m->user[U_AGENT1], id, &m->diag);
	if (!rc && approve)
		rc = tender_keyholders_approve(m->d->ledger, m->user[U_SUPER], id, &m->diag);
out:
	for (int i = 0; i < 3; i++) {
		if (!rc && keep) {
			keep->sec[i] = sec[i];
			keep->rcp[i] = rcp[i];
			continue;
		}
		if (sec[i])
			crypto_wipe(sec[i], strlen(sec[i]));
		free(sec[i]);
		free(rcp[i]);
	}
	et_buf_free(&x);
	return say(m, id, rc);
}

static int tender(struct demo *m, const char *id, const char *title, int tenderer, int64_t from,
		  int64_t price_fen, bool approve, struct holders *keep)
{
	return tender_eval(m, id, title, tenderer, from, price_fen, approve, keep, NULL);
}

static void holders_free(struct holders *h)
{
	for (int i = 0; i < 3; i++) {
		if (h->sec[i])
			crypto_wipe(h->sec[i], strlen(h->sec[i]));
		free(h->sec[i]);
		free(h->rcp[i]);
		h->sec[i] = h->rcp[i] = NULL;
	}
}

static void sleep_until(int64_t t_us)
{
	int64_t now;

	while ((now = et_clock_now_us()) < t_us) {
		struct timespec ts = { (t_us - now) / 1000000, ((t_us - now) % 1000000) * 1000 };

		nanosleep(&ts, NULL);
	}
}

/* ---- the finished tenders: bids, the close, the opening ------------------ */

/* A bidder's own client seals bid.xml to the tender's holders (2 of 3, the
 * real threshold sealing), stores the part as an upload does, signs the
 * manifest and submits it. */
static int bid(struct demo *m, const char *tender, const struct holders *h, int u, int o,
	       int64_t price_fen, int64_t days, char bid_out[TENDER_ID_LEN])
{
	static const char a32[] = "abcdefghijklmnopqrstuvwxyz234567";
	struct bid_blobs blobs = { web_blob_open, m->d };
	struct crypto_age_recipient *r = NULL;
	unsigned char pubs[3][32], rnd[16];
	struct bid_document doc;
	struct bid_manifest man;
	struct bid_receipt rec;
	struct et_buf bx, sealed, mb;
	int rc = ET_OK;

	memset(&doc, 0, sizeof doc);
	memset(&man, 0, sizeof man);
	et_buf_init(&bx, BID_XML_MAX);
	et_buf_init(&sealed, BID_XML_MAX + 4096);
	et_buf_init(&mb, BID_MANIFEST_MAX);
	for (int i = 0; i < 3 && !rc; i++) {
		char *hrp = NULL;
		unsigned char *data = NULL;
		size_t len = 0;

		if (!(rc = crypto_bech32_decode(h->rcp[i], &hrp, &data, &len)) &&
		    (strcmp(hrp, "age") || len != 32))
			rc = ET_EINVAL;
		if (!rc)
			memcpy(pubs[i], data, 32);
		free(hrp);
		free(data);
	}
	if (rc || (rc = crypto_random(rnd, sizeof rnd)))
		goto out;
	memcpy(man.bid, "bid-", 4);
	for (int i = 0; i < 16; i++)
		man.bid[4 + i] = a32[rnd[i] & 31];
	snprintf(man.tender, sizeof man.tender, "%s", tender);
	memcpy(man.org, m->org[o], sizeof man.org);
	memcpy(man.user, m->user[u], sizeof man.user);
	memcpy(doc.tender, man.tender, sizeof doc.tender);
	memcpy(doc.bid, man.bid, sizeof doc.bid);
	memcpy(doc.org, man.org, sizeof doc.org);
	doc.noffers = 1;
	snprintf(doc.offers[0].lot, sizeof doc.offers[0].lot, "1");
	doc.offers[0].price_fen = price_fen;
	doc.offers[0].duration_days = days;
	if ((rc = bid_xml_write(&doc, &bx)))
		goto out;
	{
		struct crypto_threshold_binding b = { man.tender, man.bid, 1 };
		struct mem in = { bx.data, bx.len, 0 };

		if ((rc = crypto_threshold_recipient_new(&b, 2, 3, (const unsigned char (*)[32])pubs,
							 &r)) ||
		    (rc = crypto_age_encrypt((const struct crypto_age_recipient *const *)&r, 1, false,
					     mem_read, &in, buf_write, &sealed)) ||
		    (rc = blob_put(m, (const char *)sealed.data, sealed.len, man.parts[0].sha256)))
			goto out;
	}
	man.parts[0].size = sealed.len;
	man.nparts = 1;
	man.version = audit_ledger_size(m->d->ledger) - 1;
	man.sealed_us = et_clock_now_us();
	if ((rc = bid_manifest_sign(&man, m->seed[u], &mb)))
		goto out;
	tender_diag_clear(&m->diag);
	rc = bid_submit(m->d->ledger, &blobs, m->user[u], mb.data, mb.len, man.parts, 1,
			et_clock_now_us(), NULL, &rec, &m->diag);
	if (!rc && bid_out)
		memcpy(bid_out, man.bid, TENDER_ID_LEN);
out:
	crypto_age_recipient_free(r);
	et_buf_free(&bx);
	et_buf_free(&sealed);
	et_buf_free(&mb);
	return say(m, "bid", rc);
}

/* Register a firm and download the tender's documents, as its bidder. */
static int enrol(struct demo *m, const char *tender, int u, int o)
{
	struct tender_document *docs = NULL;
	struct tender_principal who;
	size_t n = 0;
	int rc;

	tender_diag_clear(&m->diag);
	if ((rc = say(m, "register", tender_register(m->d->ledger, m->user[u], tender, &m->diag))))
		return rc;
	memset(&who, 0, sizeof who);
	memcpy(who.user, m->user[u], sizeof who.user);
	memcpy(who.org, m->org[o], sizeof who.org);
	who.org_kind = TENDER_ORG_BIDDER;
	who.roles = TENDER_ROLE_BIDDER;
	if ((rc = say(m, "documents", tender_documents(m->d->ledger, &who, tender, &docs, &n))))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		tender_diag_clear(&m->diag);
		rc = say(m, "download", tender_document_download(m->d->ledger, m->user[u], tender,
								 docs[i].id, NULL, &m->diag));
	}
	tender_documents_free(docs);
	return rc;
}

static int deposit(struct demo *m, int o, const char *tender, int year, int64_t fen,
		   const char *method, const char *payer)
{
	struct bid_deposit_new dep = { m->org[o], tender, year, fen, method, payer,
				       "中国工商银行江城分行", NULL };
	char id[TENDER_ID_LEN], account[32];

	/* each firm pays from its own account (one account behind two firms'
	 * deposits is a collusion signal in the evaluation report) */
	snprintf(account, sizeof account, "62220202001122%05d", 31 * o + 7);
	dep.payer_account = account;

	tender_diag_clear(&m->diag);
	return say(m, "deposit", bid_deposit_record(m->d->ledger, m->d->priv, m->user[U_ADMIN], &dep,
						    id, &m->diag));
}

/* struct bid_keep's put: an opened bid.xml into the blob store. */
static int keep_put(void *ctx, const void *data, size_t len, const unsigned char sha256[32])
{
	unsigned char sha[32];

	if (blob_put(ctx, data, len, sha) || memcmp(sha, sha256, 32))
		return et_fail(ET_EIO);
	return ET_OK;
}

/* Key holder i (0-based) of tender releases its per-tender key, signed. */
static int release(struct demo *m, const char *tender, const struct holders *h, int i)
{
	static const int kh[3] = { U_KH1, U_KH2, U_KH3 };
	unsigned char sig[64];
	struct et_buf msg;
	int rc;

	et_buf_init(&msg, 4096);
	tender_diag_clear(&m->diag);
	if (!(rc = bid_release_message(tender, (unsigned)i + 1, h->sec[i], &msg)) &&
	    !(rc = crypto_ed25519_sign(m->seed[kh[i]], msg.data, msg.len, sig)))
		rc = bid_key_release(m->d->ledger, m->user[kh[i]], tender, h->sec[i], sig, NULL,
				     &m->diag);
	et_buf_free(&msg);
	return say(m, "key release", rc);
}

/* The demo's clock for the finished tenders: "now" is set by the demo,
 * hours before the real time, and moved forward through their schedule
 * (test builds only: et_clock_set_test). */
static void at(int64_t us)
{
#ifdef ET_TEST_HOOKS
	et_clock_set_test(us);
#else
	(void)us;
#endif
}

/* Historical outcomes for the statistics: 12 lots opened offline before
 * 2025-01-01 and 12 on the platform after, as a trading center would
 * import them (docs/statistics.md §3); also kept as DIR/demo-outcomes.csv. */
static int outcomes(struct demo *m, const char *dir)
{
	static const char *const what[4] = { "道路改造工程", "学校维修工程", "办公设备采购",
					     "排水管网工程" };
	static const char *const type[4] = { "construction", "construction", "procurement",
					     "construction" };
	static const char *const agent[2] = { "江城招标代理有限公司", "浙东工程咨询有限公司" };
	struct stats_csv_error err;
	struct et_buf csv;
	char path[4096];
	int rc;

	et_buf_init(&csv, 64 * 1024);
	rc = et_buf_printf(&csv, "code,type,title,control_price_yuan,winning_price_yuan,registered,"
				 "bidders,opened_at,agent\n");
	for (int i = 0; i < 24 && !rc; i++) {
		bool after = i >= 12;
		int month = i % 12 + 1, year = after ? 2025 : 2024;
		/* control 1.2 … 9.0 million yuan; discount 4–8 % offline, 9–14 % after */
		long long control = 1200000 + (long long)((i * 7919) % 13) * 600000;
		int pm = after ? 90 + (i * 37) % 50 : 40 + (i * 53) % 40; /* per mille */
		long long win = control - control * pm / 1000;
		int reg = after ? 9 + (i * 5) % 7 : 4 + (i * 3) % 4;
		int bidders = after ? reg - 1 - i % 3 : 3 + i % 2;

		if (bidders > reg)
			bidders = reg;
		rc = et_buf_printf(&csv, "JC-HIST-%d-%02d,%s,江城市%s（%d年第%d批）,%lld.00,%lld.00,%d,%d,"
					 "%d-%02d-%02dT09:30,%s\n",
				   year, month, type[i % 4], what[i % 4], year, month, control, win,
				   reg, bidders, year, month, 10 + i % 15, agent[i % 2]);
	}
	if (rc)
		goto out;
	memset(&err, 0, sizeof err);
	if ((rc = stats_import(m->d->ledger, m->user[U_STAT], csv.data, csv.len, &err, NULL))) {
		fprintf(stderr, "etenderd demo: import: line %zu: %s\n", err.line, err.en);
		goto out;
	}
	if (!(rc = web_path(dir, "demo-outcomes.csv", path, sizeof path)))
		rc = et_write_file_atomic(path, csv.data, csv.len, 0600);
out:
	et_buf_free(&csv);
	return say(m, "outcomes", rc);
}

#define TRY(x) do { if ((rc = (x))) goto out; } while (0)
#define CMD(what, x) do { tender_diag_clear(&m.diag); if ((rc = say(&m, what, (x)))) goto out; } while (0)

/* ---- the evaluation of JC-DEMO-007 ----------------------------------------- */

/* The panel's members as the administrator sees them: user and member ids. */
static int panel(struct demo *m, const char *tender, char users[5][TENDER_ID_LEN],
		 char members[5][TENDER_ID_LEN], size_t *n)
{
	struct tender_principal who;
	char *js = NULL;
	json_t *o, *seats, *e;
	size_t i;
	int rc;

	memset(&who, 0, sizeof who);
	memcpy(who.user, m->user[U_ADMIN], sizeof who.user);
	memcpy(who.org, m->org[O_CENTER], sizeof who.org);
	who.org_kind = TENDER_ORG_CENTER;
	who.roles = TENDER_ROLE_ADMIN;
	if ((rc = ev_draw_get(m->d->ledger, &who, tender, &js)))
		return say(m, "draw", rc);
	o = json_loads(js, 0, NULL);
	free(js);
	*n = 0;
	seats = json_object_get(o, "seats");
	json_array_foreach(seats, i, e) {
		const char *st = json_string_value(json_object_get(e, "state")),
			   *us = json_string_value(json_object_get(e, "user")),
			   *mb = json_string_value(json_object_get(e, "member"));

		if (!st || strcmp(st, "member") || !us || !mb)
			continue;
		if (*n == 5) {
			rc = ET_ESTATE;
			break;
		}
		snprintf(users[*n], TENDER_ID_LEN, "%s", us);
		snprintf(members[*n], TENDER_ID_LEN, "%s", mb);
		(*n)++;
	}
	json_decref(o);
	if (!rc && *n != 5)
		rc = ET_ESTATE;
	return say(m, "the drawn panel", rc);
}

static int user_index(struct demo *m, const char *user)
{
	for (int u = 0; u < U_COUNT; u++)
		if (!strcmp(m->user[u], user))
			return u;
	return -1;
}

/* The expert pool, the verifiable draw (the supervisor's and the
 * platform's committed values, revealed), the chair, the compliance
 * review, signed score sheets,
 * the report signed by every member, the candidates' publicity (an
 * objection, answered), the award, the contract and the release of the
 * deposits. */
static int evaluate(struct demo *m, const char *tender, const char bids[3][TENDER_ID_LEN],
		    int64_t start)
{
	/* each member's technical + business points (hundredths, of 70) for
	 * bids 0..2; with five sheets the highest and the lowest are dropped:
	 * 60, 64.33 and 56; with the price scores (30 x lowest / price) the
	 * second bid ranks first though the third is the cheapest */
	static const int64_t pts[5][3] = { { 6000, 6400, 5500 }, { 6200, 6600, 5700 },
					   { 5800, 6300, 5400 }, { 6100, 6500, 5600 },
					   { 5900, 6400, 5800 } };
	static const char *const spec[NEXPERTS] = { "civil;cost", "civil", "civil", "civil;road",
						    "civil", "civil" };
	static const char *const title[NEXPERTS] = { "教授级高级工程师", "高级工程师", "高级工程师",
						     "高级工程师", "高级经济师", "高级工程师" };
	struct ev_quota q[1] = { { "civil", 5 } };
	struct ev_draw_request r = { tender, 5, q, 1, 1, NULL, 0, m->user[U_KH3], 0 };
	char users[5][TENDER_ID_LEN], members[5][TENDER_ID_LEN], id[TENDER_ID_LEN],
		report[TENDER_ID_LEN], vhex[65], chex[65];
	unsigned char v[EV_VALUE_LEN], h[32];
	struct crypto_age_recipient *rc_ = NULL;
	struct et_buf sealed;
	struct bid_blobs blobs = { web_blob_open, m->d };
	size_t n = 0;
	bool flag = false;
	int rc;

	et_buf_init(&sealed, 8192);
	at(start);
	for (int i = 0; i < NEXPERTS; i++) {
		struct ev_expert_new e = { m->user[U_EXPERT + i], spec[i], "", "330100", title[i],
					   12 + 3 * i, NULL, "13900000000", "330100197001010000" };
		char name[32];

		snprintf(name, sizeof name, "专家%d", i + 1);
		e.name = name;
		tender_diag_clear(&m->diag);
		TRY(say(m, "expert", ev_expert_register(m->d->ledger, m->d->priv, m->user[U_ADMIN], &e,
							id, &m->diag)));
	}
	at(start + MIN_US);
	r.deadline_us = start + 6 * MIN_US;
	tender_diag_clear(&m->diag);
	TRY(say(m, "draw request", ev_draw_request(m->d->ledger, m->user[U_AGENT1], &r, id, &m->diag)));
	/* the supervisor's client: a value, its commitment, the value sealed to the duty chief */
	TRY(crypto_random(v, sizeof v));
	et_hex_encode(v, sizeof v, vhex);
	ev_draw_commitment(v, h);
	et_hex_encode(h, 32, chex);
	TRY(crypto_age_recipient_parse(m->rcpt[U_KH3], &rc_));
	{
		struct mem in = { v, sizeof v, 0 };

		TRY(crypto_age_encrypt((const struct crypto_age_recipient *const *)&rc_, 1, true,
				       mem_read, &in, buf_write, &sealed));
		TRY(et_buf_add(&sealed, "", 1));
	}
	at(start + MIN_US + 20000000);
	tender_diag_clear(&m->diag);
	TRY(say(m, "draw commit", ev_draw_commit(m->d->ledger, m->d->priv, m->user[U_SUPER], tender,
						 chex, (const char *)sealed.data, &m->diag)));
	at(start + MIN_US + 40000000);
	tender_diag_clear(&m->diag);
	TRY(say(m, "draw reveal", ev_draw_reveal(m->d->ledger, m->user[U_SUPER], tender, "supervisor",
						 vhex, &m->diag)));
	tender_diag_clear(&m->diag);
	TRY(say(m, "platform reveal", ev_draw_reveal_platform(m->d->ledger, m->d->priv, tender,
							      &m->diag)));
	TRY(panel(m, tender, users, members, &n));

	at(start + 2 * MIN_US);
	for (int j = 0; j < 3; j++) {
		tender_diag_clear(&m->diag);
		TRY(say(m, "chair vote", ev_chair_vote(m->d->ledger, users[j], tender, members[0], &flag,
						       &m->diag)));
	}
	/* the compliance review: every member finds every bid compliant */
	at(start + 2 * MIN_US + 30000000);
	for (int j = 0; j < 5; j++)
		for (int i = 0; i < 3; i++) {
			tender_diag_clear(&m->diag);
			TRY(say(m, "review", ev_review_record(m->d->ledger, users[j], tender, "1", bids[i],
							      true, NULL, NULL, &m->diag)));
		}
	at(start + 3 * MIN_US);
	for (int j = 0; j < 5; j++) {
		int u = user_index(m, users[j]);

		if (u < 0) {
			rc = say(m, "a member who is no demo expert", ET_ESTATE);
			goto out;
		}
		for (int i = 0; i < 3; i++) {
			int64_t tot = pts[j][i];
			struct ev_criterion c[3] = {
				{ "技术标（施工组织设计）", tot * 4 / 7, i == 1 ? "施工方案详细，工期安排合理" : "" },
				{ "商务标（业绩与信誉）", tot * 2 / 7, "" },
				{ "商务标（项目管理机构）", tot - tot * 4 / 7 - tot * 2 / 7, "" } };
			struct et_buf msg;
			unsigned char sig[64];

			et_buf_init(&msg, 1 << 16);
			rc = ev_score_message(tender, "1", bids[i], members[j], c, 3, &msg);
			if (!rc)
				rc = crypto_ed25519_sign(m->seed[u], msg.data, msg.len, sig);
			et_buf_free(&msg);
			TRY(rc);
			tender_diag_clear(&m->diag);
			TRY(say(m, "score sheet", ev_score_submit(m->d->ledger, users[j], tender, "1", bids[i],
								  c, 3, sig, &m->diag)));
		}
	}
	at(start + 4 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "report", ev_report_submit(m->d->ledger, m->d->priv, &blobs, users[0], tender,
					      "评标报告：经评审，推荐中标候选人三名，排序如下。", report,
					      &m->diag)));
	{
		struct tender_principal who;
		char *js = NULL, sha[65];
		json_t *o;
		const char *s;

		memset(&who, 0, sizeof who);
		memcpy(who.user, m->user[U_ADMIN], sizeof who.user);
		memcpy(who.org, m->org[O_CENTER], sizeof who.org);
		who.org_kind = TENDER_ORG_CENTER;
		who.roles = TENDER_ROLE_ADMIN;
		TRY(say(m, "report", ev_report_get(m->d->ledger, &who, tender, &js)));
		o = json_loads(js, 0, NULL);
		free(js);
		s = json_string_value(json_object_get(json_object_get(o, "report"), "sha256"));
		rc = s && strlen(s) == 64 ? ET_OK : ET_ESTATE;
		if (!rc)
			memcpy(sha, s, 65);
		json_decref(o);
		TRY(say(m, "report sha256", rc));
		for (int j = 0; j < 5; j++) {
			struct et_buf msg;
			unsigned char sig[64];

			et_buf_init(&msg, 4096);
			rc = ev_report_message(tender, report, sha, &msg);
			if (!rc)
				rc = crypto_ed25519_sign(m->seed[user_index(m, users[j])], msg.data, msg.len,
							 sig);
			et_buf_free(&msg);
			TRY(rc);
			at(start + 4 * MIN_US + (j + 1) * 5000000);
			tender_diag_clear(&m->diag);
			TRY(say(m, "report signature", ev_report_sign(m->d->ledger, users[j], tender, sig,
								      &flag, &m->diag)));
		}
	}
	at(start + 5 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "candidates", ev_candidates_publish(m->d->ledger, m->user[U_AGENT1], tender, "1",
						       &m->diag)));
	/* during the publicity (cn.reg.54: three "days") a bidder objects and
	 * the agent answers; not upheld */
	at(start + 6 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "objection", ev_objection_lodge(m->d->ledger, m->user[U_B3], tender, "1",
						   "第一中标候选人的项目经理在其他在建项目中任职，请核实。", id,
						   &m->diag)));
	at(start + 7 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "objection answer", ev_objection_answer(m->d->ledger, m->user[U_AGENT1], tender, id,
							   "经核查，该项目经理原任职项目已于投标截止前竣工验收，"
							   "异议不成立。", false, &m->diag)));
	at(start + 9 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "award", ev_award(m->d->ledger, m->user[U_AGENT1], tender, "1", &m->diag)));
	{
		char *js = NULL;
		json_t *o, *lot;
		int64_t price = 0;
		size_t i;

		TRY(say(m, "result", ev_result_get(m->d->ledger, tender, &js)));
		o = json_loads(js, 0, NULL);
		free(js);
		json_array_foreach(json_object_get(o, "lots"), i, lot) {
			if (json_is_integer(json_object_get(lot, "price")))
				price = json_integer_value(json_object_get(lot, "price"));
		}
		json_decref(o);
		TRY(say(m, "the award's price", price > 0 ? ET_OK : ET_ESTATE));
		at(start + 11 * MIN_US);
		tender_diag_clear(&m->diag);
		TRY(say(m, "contract", ev_contract_record(m->d->ledger, m->user[U_AGENT1], tender, "1",
							  price, start + 11 * MIN_US, &m->diag)));
	}
	at(start + 12 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "deposit release", ev_deposit_release(m->d->ledger, m->user[U_ADMIN], tender,
							 &m->diag)));
out:
	crypto_age_recipient_free(rc_);
	crypto_wipe(v, sizeof v);
	crypto_wipe(vhex, sizeof vhex);
	et_buf_free(&sealed);
	return rc;
}

/* JC-DEMO-005 bid, withdrawn, replaced, closed, opened and answered;
 * JC-DEMO-006 failed at its close (two bids). On the demo's clock from t0. */
static int finished(struct demo *m, int64_t t0)
{
	struct holders h5, h6, h7;
	char b7[3][TENDER_ID_LEN];
	struct bid_close_result cr;
	struct bid_keep keep = { keep_put, m, NULL, NULL, NULL, NULL }; /* no attachments */
	struct bid_blobs blobs = { web_blob_open, m->d };
	char b4[TENDER_ID_LEN], b2[TENDER_ID_LEN];
	int64_t f = t0 + 2 * MIN_US, close_at = f + 21 * MIN_US + 5000000;
	int rc;

	memset(&h5, 0, sizeof h5);
	memset(&h6, 0, sizeof h6);
	memset(&h7, 0, sizeof h7);
	at(t0 + MIN_US);
	TRY(tender(m, "JC-DEMO-005", "滨江路（一期）道路改造工程施工", O_WATER, f, 2380000000LL, true, &h5));
	TRY(document(m, "JC-DEMO-005", "招标文件.txt", "documents",
		     "滨江路（一期）道路改造工程施工招标文件（演示）\n第一章 招标公告 ……\n"));
	TRY(tender(m, "JC-DEMO-006", "江城市第一中学食堂改造工程", O_SCHOOL, f, 560000000LL, true, &h6));
	TRY(document(m, "JC-DEMO-006", "招标文件.txt", "documents", "江城市第一中学食堂改造工程招标文件（演示）\n"));
	/* 综合评估法: price 30 (the lowest price is the base), technical 40, business 30 */
	TRY(tender_eval(m, "JC-DEMO-007", "城西污水处理厂提标改造工程", O_WATER, f, 3650000000LL, true, &h7,
			"<comprehensive><weights price=\"30\" technical=\"40\" business=\"30\"/>"
			"<priceScoring method=\"lowest-price-base\" penaltyAboveBp=\"0\" penaltyBelowBp=\"0\"/>"
			"</comprehensive>"));
	TRY(document(m, "JC-DEMO-007", "招标文件.txt", "documents",
		     "城西污水处理厂提标改造工程招标文件（演示）\n评标办法：综合评估法\n"));
	tender_diag_clear(&m->diag);
	TRY(say(m, "publish 007", tender_publish(m->d->ledger, m->user[U_AGENT1], "JC-DEMO-007", &m->diag)));
	tender_diag_clear(&m->diag);
	TRY(say(m, "publish 005", tender_publish(m->d->ledger, m->user[U_AGENT1], "JC-DEMO-005", &m->diag)));
	tender_diag_clear(&m->diag);
	TRY(say(m, "publish 006", tender_publish(m->d->ledger, m->user[U_AGENT1], "JC-DEMO-006", &m->diag)));

	at(f + MIN_US);
	for (int i = 0; i < 4; i++)
		TRY(enrol(m, "JC-DEMO-005", U_B1 + i, O_B1 + i));
	for (int i = 0; i < 3; i++)
		TRY(enrol(m, "JC-DEMO-007", U_B1 + i, O_B1 + i));
	TRY(enrol(m, "JC-DEMO-006", U_B1, O_B1));
	TRY(enrol(m, "JC-DEMO-006", U_B2, O_B2));
	at(f + MIN_US + 30000000);
	TRY(deposit(m, O_B1, "JC-DEMO-005", 0, 40000000, "transfer", "江城建工集团有限公司"));
	TRY(deposit(m, O_B2, "JC-DEMO-005", 0, 40000000, "guarantee", "富春建设有限公司"));
	TRY(deposit(m, O_B3, "JC-DEMO-005", 0, 40000000, "transfer", "钱塘路桥工程有限公司"));
	TRY(deposit(m, O_B4, "JC-DEMO-005", 0, 40000000, "transfer", "西湖园林建设有限公司"));
	for (int i = 0; i < 3; i++)
		TRY(deposit(m, O_B1 + i, "JC-DEMO-007", 0, 60000000, i == 1 ? "guarantee" : "transfer",
			    i == 0 ? "江城建工集团有限公司" : i == 1 ? "富春建设有限公司"
							       : "钱塘路桥工程有限公司"));
	TRY(deposit(m, O_B1, "JC-DEMO-006", 0, 10000000, "transfer", "江城建工集团有限公司"));
	TRY(deposit(m, O_B2, "JC-DEMO-006", 0, 10000000, "guarantee", "富春建设有限公司"));

	at(f + 3 * MIN_US);
	TRY(bid(m, "JC-DEMO-005", &h5, U_B1, O_B1, 2298000000LL, 300, NULL));
	TRY(bid(m, "JC-DEMO-005", &h5, U_B2, O_B2, 2265000000LL, 280, b2));
	TRY(bid(m, "JC-DEMO-005", &h5, U_B3, O_B3, 2310000000LL, 320, NULL));
	TRY(bid(m, "JC-DEMO-005", &h5, U_B4, O_B4, 2251000000LL, 300, b4));
	TRY(bid(m, "JC-DEMO-006", &h6, U_B1, O_B1, 538000000LL, 120, NULL));
	TRY(bid(m, "JC-DEMO-006", &h6, U_B2, O_B2, 529000000LL, 110, NULL));
	TRY(bid(m, "JC-DEMO-007", &h7, U_B1, O_B1, 3512000000LL, 365, b7[0]));
	TRY(bid(m, "JC-DEMO-007", &h7, U_B2, O_B2, 3478000000LL, 350, b7[1]));
	TRY(bid(m, "JC-DEMO-007", &h7, U_B3, O_B3, 3455000000LL, 380, b7[2]));
	at(f + 9 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "withdraw", bid_withdraw(m->d->ledger, m->user[U_B4], "JC-DEMO-005", b4, &m->diag)));
	at(f + 12 * MIN_US);
	/* 富春建设 replaces its bid with a lower price */
	TRY(bid(m, "JC-DEMO-005", &h5, U_B2, O_B2, 2243000000LL, 280, NULL));

	at(close_at);
	tender_diag_clear(&m->diag);
	TRY(say(m, "close 005", bid_close(m->d->ledger, "", "JC-DEMO-005", &cr, &m->diag)));
	if (cr.failed || cr.counted != 3) {
		rc = say(m, "JC-DEMO-005 did not count three bids", ET_ESTATE);
		goto out;
	}
	tender_diag_clear(&m->diag);
	TRY(say(m, "close 006", bid_close(m->d->ledger, "", "JC-DEMO-006", &cr, &m->diag)));
	if (!cr.failed) {
		rc = say(m, "JC-DEMO-006 did not fail", ET_ESTATE);
		goto out;
	}
	tender_diag_clear(&m->diag);
	TRY(say(m, "close 007", bid_close(m->d->ledger, "", "JC-DEMO-007", &cr, &m->diag)));
	at(close_at + 40000000);
	TRY(release(m, "JC-DEMO-005", &h5, 0));
	TRY(release(m, "JC-DEMO-007", &h7, 1));
	at(close_at + 55000000);
	TRY(release(m, "JC-DEMO-005", &h5, 2));
	TRY(release(m, "JC-DEMO-007", &h7, 2));
	at(close_at + 60000000);
	tender_diag_clear(&m->diag);
	TRY(say(m, "open 005", bid_open_keep(m->d->ledger, &blobs, &keep, "", "JC-DEMO-005", &m->diag)));
	tender_diag_clear(&m->diag);
	TRY(say(m, "open 007", bid_open_keep(m->d->ledger, &blobs, &keep, "", "JC-DEMO-007", &m->diag)));
	at(close_at + 3 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "confirm", bid_record_answer(m->d->ledger, m->user[U_B1], "JC-DEMO-005", false, NULL,
					       &m->diag)));
	at(close_at + 4 * MIN_US);
	tender_diag_clear(&m->diag);
	TRY(say(m, "object", bid_record_answer(m->d->ledger, m->user[U_B3], "JC-DEMO-005", true,
					      "我公司投标文件中的工期为 320 日历天，唱标记录无误；但对富春建设有限公司"
					      "替换后的报价是否在截止时间前送达有异议，请核实。",
					      &m->diag)));
	(void)b2;
	TRY(evaluate(m, "JC-DEMO-007", (const char (*)[TENDER_ID_LEN])b7, close_at + 5 * MIN_US));
out:
	holders_free(&h5);
	holders_free(&h6);
	holders_free(&h7);
	return rc;
}

int web_demo(const char *dir)
{
	struct demo m;
	char *vkey = NULL, *pw = NULL, path[4096], q[TENDER_ID_LEN], c[TENDER_ID_LEN],
		p[TENDER_ID_LEN];
	int64_t from, t0 = 0;
	int rc, fd;
	struct web_data *d = NULL;

	memset(&m, 0, sizeof m);
	et_buf_init(&m.accounts, 64 * 1024);
#ifdef ET_TEST_HOOKS
	/* The finished tenders' history happened hours ago, on the demo's
	 * clock; the live tenders follow on the real one. */
	t0 = et_clock_now_us() - 3 * 3600 * 1000000LL;
	at(t0);
#endif
	TRY(web_data_init(dir, NULL, NULL, NULL, "江城市公共资源交易中心", &vkey, &pw, m.user[U_ADMIN]));
	TRY(web_data_open(dir, false, NULL, NULL, &d));
	m.d = d;
	if (!pw || (rc = et_buf_printf(&m.accounts, "%-10s %-22s %-22s %s\n", "admin", m.user[U_ADMIN],
				       "admin/管理员", "（一次性密码见下 / one-time password below）")))
		goto out;
	TRY(org(&m, O_SCHOOL, TENDER_ORG_TENDERER, "江城市第一中学", "12330100470000001X", "江城市学府路1号"));
	TRY(org(&m, O_WATER, TENDER_ORG_TENDERER, "江城市水务集团有限公司", "91330100MA00000011", "江城市清泰街9号"));
	TRY(org(&m, O_AGENT, TENDER_ORG_AGENT, "江城招标代理有限公司", "91330100MA00000001", "江城市文三路2号"));
	TRY(org(&m, O_B1, TENDER_ORG_BIDDER, "江城建工集团有限公司", "91330100MA2B3C4D5E", "江城市滨江路88号"));
	TRY(org(&m, O_B2, TENDER_ORG_BIDDER, "富春建设有限公司", "91330100MA00000003", "富阳区富春路5号"));
	TRY(org(&m, O_B3, TENDER_ORG_BIDDER, "钱塘路桥工程有限公司", "91330100MA00000004", "钱塘区江东大道6号"));
	TRY(org(&m, O_B4, TENDER_ORG_BIDDER, "西湖园林建设有限公司", "91330100MA00000005", "西湖区龙井路7号"));
	TRY(org(&m, O_BAD, TENDER_ORG_BIDDER, "失信建筑有限公司", "91330100MA00000006", "某区某路8号"));
	TRY(org(&m, O_SUPER, TENDER_ORG_SUPERVISOR, "江城市住房和城乡建设局", "11330100000000001A", "江城市政府大楼"));
	{
		/* the center's org id: the administrator's */
		struct tender_user_info ui;

		TRY(tender_user_get(d->ledger, m.user[U_ADMIN], &ui));
		if (snprintf(m.org[O_CENTER], sizeof m.org[O_CENTER], "%s", ui.org) >=
		    (int)sizeof m.org[O_CENTER]) {
			rc = ET_ELIMIT;
			goto out;
		}
	}
	TRY(user(&m, U_AGENT1, O_AGENT, TENDER_ROLE_AGENT, "agent1", "王芳"));
	TRY(user(&m, U_AGENT2, O_AGENT, TENDER_ROLE_AGENT, "agent2", "刘洋"));
	TRY(user(&m, U_B1, O_B1, TENDER_ROLE_BIDDER, "bidder1", "张伟"));
	TRY(user(&m, U_B2, O_B2, TENDER_ROLE_BIDDER, "bidder2", "李娜"));
	TRY(user(&m, U_B3, O_B3, TENDER_ROLE_BIDDER, "bidder3", "赵磊"));
	TRY(user(&m, U_B4, O_B4, TENDER_ROLE_BIDDER, "bidder4", "孙丽"));
	TRY(user(&m, U_BAD, O_BAD, TENDER_ROLE_BIDDER, "bidder5", "钱多"));
	TRY(user(&m, U_KH1, O_AGENT, TENDER_ROLE_KEYHOLDER, "kh1", "周杰"));
	TRY(user(&m, U_KH2, O_SUPER, TENDER_ROLE_KEYHOLDER, "kh2", "吴敏"));
	TRY(user(&m, U_KH3, O_CENTER, TENDER_ROLE_KEYHOLDER, "kh3", "郑强"));
	{
		static const char *const en[NEXPERTS] = { "冯涛", "陈静", "杨帆", "黄海", "林峰", "许明" };

		for (int i = 0; i < NEXPERTS; i++) {
			char login[16];

			snprintf(login, sizeof login, "expert%d", i + 1);
			TRY(user(&m, U_EXPERT + i, O_CENTER, TENDER_ROLE_EXPERT, login, en[i]));
		}
	}
	TRY(user(&m, U_SUPER, O_SUPER, TENDER_ROLE_SUPERVISOR, "super1", "何平"));
	TRY(user(&m, U_STAT, O_CENTER, TENDER_ROLE_STATISTICIAN, "stat1", "罗兰"));
	for (int u = U_AGENT1; u < U_COUNT; u++)
		TRY(keys(&m, u));
	CMD("credit", tender_credit_record(d->ledger, m.user[U_ADMIN], m.org[O_BAD], "江建罚〔2026〕12号",
					   et_clock_now_us() - 24 * 3600 * 1000000LL,
					   et_clock_now_us() + 365LL * 24 * 3600 * 1000000, &m.diag));

	if (t0) {
		TRY(finished(&m, t0));
		at(t0 + 60 * MIN_US);
	}
	TRY(outcomes(&m, dir));
	at(0); /* the real clock from here on */

	/* Four live tenders; documents issued a few seconds from now. */
	from = et_clock_now_us() + 3000000;
	TRY(tender(&m, "JC-DEMO-001", "江城市第一中学新建教学楼工程施工", O_SCHOOL, from, 4560000000LL, true, NULL));
	TRY(document(&m, "JC-DEMO-001", "招标文件.txt", "documents",
		     "江城市第一中学新建教学楼工程施工招标文件（演示）\n第一章 招标公告 ……\n"));
	TRY(document(&m, "JC-DEMO-001", "工程量清单.csv", "boq",
		     "编码,名称,单位,工程量\n010101001,平整场地,m2,3200.00\n010401001,砖基础,m3,412.50\n"));
	TRY(tender(&m, "JC-DEMO-002", "城东供水管网改造工程", O_WATER, from, 1280000000LL, true, NULL));
	TRY(document(&m, "JC-DEMO-002", "招标文件.txt", "documents", "城东供水管网改造工程招标文件（演示）\n"));
	TRY(tender(&m, "JC-DEMO-003", "江城市第一中学操场改造工程", O_SCHOOL, from + 3600 * 1000000LL,
		   380000000LL, false, NULL));
	TRY(tender(&m, "JC-DEMO-004", "滨江绿道照明工程", O_WATER, from, 96000000LL, true, NULL));
	CMD("publish 001", tender_publish(d->ledger, m.user[U_AGENT1], "JC-DEMO-001", &m.diag));
	CMD("publish 002", tender_publish(d->ledger, m.user[U_AGENT1], "JC-DEMO-002", &m.diag));
	CMD("publish 004", tender_publish(d->ledger, m.user[U_AGENT1], "JC-DEMO-004", &m.diag));
	printf("等待招标文件发出时间 / waiting for the documents' issue time …\n");
	fflush(stdout);
	sleep_until(from + 100000);

	/* JC-DEMO-001: three firms register and download; the barred one is refused. */
	for (int u = U_B1; u <= U_B3; u++) {
		struct tender_document *docs = NULL;
		size_t n = 0;
		struct tender_principal who;

		CMD("register", tender_register(d->ledger, m.user[u], "JC-DEMO-001", &m.diag));
		memset(&who, 0, sizeof who);
		/* ids are at most TENDER_ID_LEN - 1 bytes: they fit */
		memcpy(who.user, m.user[u], sizeof who.user);
		memcpy(who.org, m.org[O_B1 + (u - U_B1)], sizeof who.org);
		who.org_kind = TENDER_ORG_BIDDER;
		who.roles = TENDER_ROLE_BIDDER;
		TRY(tender_documents(d->ledger, &who, "JC-DEMO-001", &docs, &n));
		for (size_t i = 0; i < n && !rc; i++) {
			tender_diag_clear(&m.diag);
			rc = say(&m, "download", tender_document_download(d->ledger, m.user[u], "JC-DEMO-001",
									  docs[i].id, NULL, &m.diag));
		}
		tender_documents_free(docs);
		if (rc)
			goto out;
	}
	tender_diag_clear(&m.diag);
	if (tender_register(d->ledger, m.user[U_BAD], "JC-DEMO-001", &m.diag) != ET_EDENIED) {
		rc = say(&m, "the barred firm was not refused", ET_ESTATE);
		goto out;
	}
	CMD("question", tender_question_ask(d->ledger, m.user[U_B2], "JC-DEMO-001",
					    "工程量清单第 3 项的计量单位是否有误？", q, &m.diag));
	CMD("clarify", tender_clarify(d->ledger, m.user[U_AGENT1], "JC-DEMO-001",
				      "经核实，第 3 项计量单位应为立方米，其余不变。", q, c, NULL, &m.diag));
	CMD("deadline propose", tender_deadline_propose(d->ledger, m.user[U_AGENT1], "JC-DEMO-001",
							from + 30 * MIN_US, "设计图纸修改，延长投标截止时间",
							p, &m.diag));
	CMD("deadline approve", tender_deadline_approve(d->ledger, m.user[U_AGENT2], "JC-DEMO-001", p,
							&m.diag));
	/* JC-DEMO-002: one firm registers. JC-DEMO-004: two register, then it is cancelled. */
	CMD("register", tender_register(d->ledger, m.user[U_B4], "JC-DEMO-002", &m.diag));
	CMD("register", tender_register(d->ledger, m.user[U_B1], "JC-DEMO-004", &m.diag));
	CMD("register", tender_register(d->ledger, m.user[U_B2], "JC-DEMO-004", &m.diag));
	CMD("cancel", tender_cancel(d->ledger, m.user[U_AGENT1], "JC-DEMO-004", "项目资金未落实，终止招标",
				    &m.diag));

	TRY(web_path(dir, "demo-accounts.txt", path, sizeof path));
	TRY(et_buf_printf(&m.accounts, "\n所有演示用户的密码 / password of every demo user: %s\n"
				       "admin 的一次性密码 / admin's one-time password: %s\n", DEMO_PW, pw));
	TRY(et_buf_printf(&m.accounts,
		"\n开标密钥 / holder keys: JC-DEMO-005 and JC-DEMO-007 were opened with the keys of\n"
		"kh1+kh3 and kh2+kh3, released by the demo (public in the log since). The live\n"
		"tenders' per-tender keys and the users' signing keys were made in memory and\n"
		"wiped (a person's own client keeps them): no key file is kept here, so no\n"
		"release by hand on this data. `etender open release` also checks a witness's\n"
		"cosignature of the close first, and the demo runs no witness (docs/witness.md);\n"
		"tests/client/e2e_opening.sh shows a hand release with one.\n"));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || et_write_all(fd, m.accounts.data, m.accounts.len) || fsync(fd)) {
		if (fd >= 0)
			close(fd);
		rc = et_fail(ET_EIO);
		goto out;
	}
	close(fd);
	printf("演示数据已生成 / demo history built in %s: %llu log entries\n"
	       "日志验证公钥 / log verifier key: %s\n"
	       "演示账户 / demo accounts: %s\n"
	       "  tenders: JC-DEMO-001 published (3 registered, question, clarification, deadline moved\n"
	       "  by two people), JC-DEMO-002 published, JC-DEMO-003 draft awaiting the supervisor,\n"
	       "  JC-DEMO-004 cancelled%s\n"
	       "  statistics: 24 imported outcomes (%s/demo-outcomes.csv) and the platform's awards,\n"
	       "  etender stats report --split-at 2025-01-01\n"
	       "  Serve it: etenderd serve --data %s --listen 127.0.0.1:8080\n",
	       dir, (unsigned long long)audit_ledger_size(d->ledger), vkey, path,
	       t0 ? ",\n  JC-DEMO-005 bid, closed, opened (唱标) and answered, JC-DEMO-006 failed (流标),\n"
		    "  JC-DEMO-007 opened, evaluated by a drawn panel, awarded, contract recorded"
		  : " (a release build: no finished tenders, they need the test clock)",
	       dir, dir);
	rc = ET_OK;
out:
	if (rc && !m.diag.msg[0])
		fprintf(stderr, "etenderd demo: %s\n", et_strerror_both(rc));
	web_data_close(d);
	if (pw) {
		crypto_wipe(pw, strlen(pw));
		free(pw);
	}
	free(vkey);
	crypto_wipe(m.seed, sizeof m.seed);
	et_buf_free(&m.accounts);
	return rc;
}
