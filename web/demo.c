/* web/demo.c — `etenderd demo`: a fresh data folder with a realistic
 * history, built through the same domain commands that the API calls
 * (tender/tender.h), so every event is an ordinary log entry: the trading
 * center, tenderers, an agent, bidder firms (one barred by a credit record),
 * a supervisor; users of every role with registered keys; tenders in
 * different stages (published with documents, registrations, downloads, a
 * question and its clarification and a two-person deadline change; another
 * published; one draft awaiting the supervisor; one cancelled). Uses the
 * `demo` rules profile (a "day" is a minute), so it takes a few seconds.
 * Demo accounts and their passwords go to DIR/demo-accounts.txt (0600). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "web/web_int.h"

#define MIN_US (60LL * 1000000)
#define DEMO_PW "demo-password-2026"

enum { O_CENTER, O_SCHOOL, O_WATER, O_AGENT, O_B1, O_B2, O_B3, O_B4, O_BAD, O_SUPER, O_COUNT };
enum { U_ADMIN, U_AGENT1, U_AGENT2, U_B1, U_B2, U_B3, U_B4, U_BAD, U_KH1, U_KH2, U_KH3, U_EXPERT,
       U_SUPER, U_STAT, U_COUNT };

struct demo {
	struct web_data *d;
	struct et_buf accounts;
	char org[O_COUNT][TENDER_ID_LEN];
	char user[U_COUNT][TENDER_ID_LEN];
	unsigned char seed[U_COUNT][32], pub[U_COUNT][32];
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

static int user(struct demo *m, int u, int o, unsigned roles, const char *login, const char *name)
{
	struct tender_person det = { name, "13700000000", NULL, NULL };
	int rc;

	tender_diag_clear(&m->diag);
	rc = tender_user_register(m->d->ledger, m->d->priv, m->user[U_ADMIN], m->org[o], roles, login,
				  DEMO_PW, &det, m->user[u], &m->diag);
	if (!rc)
		rc = et_buf_printf(&m->accounts, "%-10s %-22s %s\n", login, m->user[u], name);
	return say(m, login, rc);
}

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
static int tender(struct demo *m, const char *id, const char *title, int tenderer, int64_t from,
		  int64_t price_fen, bool approve)
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
		"      <evaluation><lowestEvaluatedPrice/></evaluation>\n    </lot>\n  </lots>\n"
		"  <keyHolders threshold=\"2\">\n"
		"    <holder index=\"1\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"    <holder index=\"2\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"    <holder index=\"3\" org=\"%s\" holder=\"%s\" recipient=\"%s\"/>\n"
		"  </keyHolders>\n</tender>\n",
		id, title, m->org[tenderer], m->org[O_AGENT], t[0], t[1], t[2], t[3], t[4],
		(long long)price_fen, m->org[kho[0]], m->user[kh[0]], rcp[0], m->org[kho[1]],
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
		if (sec[i])
			crypto_wipe(sec[i], strlen(sec[i]));
		free(sec[i]);
		free(rcp[i]);
	}
	et_buf_free(&x);
	return say(m, id, rc);
}

static void sleep_until(int64_t t_us)
{
	int64_t now;

	while ((now = et_clock_now_us()) < t_us) {
		struct timespec ts = { (t_us - now) / 1000000, ((t_us - now) % 1000000) * 1000 };

		nanosleep(&ts, NULL);
	}
}

#define TRY(x) do { if ((rc = (x))) goto out; } while (0)
#define CMD(what, x) do { tender_diag_clear(&m.diag); if ((rc = say(&m, what, (x)))) goto out; } while (0)

int web_demo(const char *dir)
{
	struct demo m;
	char *vkey = NULL, *pw = NULL, path[4096], q[TENDER_ID_LEN], c[TENDER_ID_LEN],
		p[TENDER_ID_LEN];
	int64_t from;
	int rc, fd;
	struct web_data *d = NULL;

	memset(&m, 0, sizeof m);
	et_buf_init(&m.accounts, 64 * 1024);
	TRY(web_data_init(dir, NULL, NULL, NULL, "江城市公共资源交易中心", &vkey, &pw, m.user[U_ADMIN]));
	TRY(web_data_open(dir, false, NULL, NULL, &d));
	m.d = d;
	if (!pw || (rc = et_buf_printf(&m.accounts, "%-10s %-22s %s\n", "admin", m.user[U_ADMIN],
				       "管理员（一次性密码见下）")))
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
	TRY(user(&m, U_EXPERT, O_CENTER, TENDER_ROLE_EXPERT, "expert1", "冯涛"));
	TRY(user(&m, U_SUPER, O_SUPER, TENDER_ROLE_SUPERVISOR, "super1", "何平"));
	TRY(user(&m, U_STAT, O_CENTER, TENDER_ROLE_STATISTICIAN, "stat1", "罗兰"));
	for (int u = U_AGENT1; u < U_COUNT; u++)
		TRY(keys(&m, u));
	CMD("credit", tender_credit_record(d->ledger, m.user[U_ADMIN], m.org[O_BAD], "江建罚〔2026〕12号",
					   et_clock_now_us() - 24 * 3600 * 1000000LL,
					   et_clock_now_us() + 365LL * 24 * 3600 * 1000000, &m.diag));

	/* Four tenders; documents issued a few seconds from now. */
	from = et_clock_now_us() + 3000000;
	TRY(tender(&m, "JC-DEMO-001", "江城市第一中学新建教学楼工程施工", O_SCHOOL, from, 4560000000LL, true));
	TRY(document(&m, "JC-DEMO-001", "招标文件.txt", "documents",
		     "江城市第一中学新建教学楼工程施工招标文件（演示）\n第一章 招标公告 ……\n"));
	TRY(document(&m, "JC-DEMO-001", "工程量清单.csv", "boq",
		     "编码,名称,单位,工程量\n010101001,平整场地,m2,3200.00\n010401001,砖基础,m3,412.50\n"));
	TRY(tender(&m, "JC-DEMO-002", "城东供水管网改造工程", O_WATER, from, 1280000000LL, true));
	TRY(document(&m, "JC-DEMO-002", "招标文件.txt", "documents", "城东供水管网改造工程招标文件（演示）\n"));
	TRY(tender(&m, "JC-DEMO-003", "江城市第一中学操场改造工程", O_SCHOOL, from + 3600 * 1000000LL,
		   380000000LL, false));
	TRY(tender(&m, "JC-DEMO-004", "滨江绿道照明工程", O_WATER, from, 96000000LL, true));
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
	       "  JC-DEMO-004 cancelled. Serve it: etenderd serve --data %s --listen 127.0.0.1:8080\n",
	       dir, (unsigned long long)audit_ledger_size(d->ledger), vkey, path, dir);
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
