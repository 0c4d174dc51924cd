/* bench/open_bench.c — the opening of BIDS sealed bids of SIZE_MIB MiB, timed
 * on the platform's own path: bidding's bid_open over a real ledger (SQLite
 * file), a real private store and a blob store of files, with keys really
 * released by the holders, exactly as etenderd's opening does it.
 *
 * Untimed set-up, through the domain commands: the trading center, a
 * tenderer, an agent and a supervisor organisation, two key holders of two
 * organisations (k = 2 of 2), BIDS bidder firms with registered keys and an
 * annual deposit, a `cn` tender published, every firm registered; each bid
 * sealed as the client does (bid.xml and one attachment, each with the
 * tender's threshold stanzas; the attachment SIZE_MIB MiB less 4 KiB of
 * plaintext, so a bid is about SIZE_MIB MiB) into blobs/<sha256>, its manifest signed
 * and bid_submit'ted; the test clock moved past the deadline, bid_close,
 * both holders release their per-tender keys (signed).
 *
 * Timed: bid_open (every bid unwrapped, combined, checked and decrypted as
 * the code does it today, then bids.opened made durable). It counts what the
 * opening actually read — bytes returned by read() in this process
 * (/proc/self/io rchar) during bid_open — and the CPU time it used (user +
 * system, all threads), so the figure stays honest whatever bid_open reads:
 * it reports bytes read, wall and CPU time, and with LIMIT (MB/s per core,
 * 10^6 bytes, from openssl speed; bench/open_bench.sh computes it) the ratio
 * of bytes read per CPU-second to that limit. Exit 1 unless every bid opens.
 *
 * Needs the test clock (ET_TEST_HOOKS) to reach the deadline without waiting
 * three weeks; meson builds it only with test hooks.
 *
 * Usage: open_bench DIR BIDS SIZE_MIB [LIMIT_MB_S_PER_CORE] */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "audit/audit.h"
#include "bidding/bidding.h"
#include "crypto/crypto.h"
#include "tender/tender.h"

#ifndef ET_TEST_HOOKS
#error "open_bench needs the test clock: build with -Dtest_hooks=enabled"
#endif

#define HOUR (3600LL * 1000000)
#define DAY (24 * HOUR)
#define T0 (1796083200LL * 1000000)  /* 2026-12-01T00:00:00Z, a Tuesday */
#define PW "bench password 2026"

static char dir[400], blobdir[450];

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "open_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void ok(int rc, const struct tender_diag *d, const char *what)
{
	if (rc)
		die("%s: %s (%s)", what, et_strerror(rc), d && d->msg[0] ? d->msg : "");
}

/* ---- blobs ------------------------------------------------------------------ */

static void blob_path(const unsigned char sha[32], char *out, size_t cap)
{
	char hex[65];

	et_hex_encode(sha, 32, hex);
	if (snprintf(out, cap, "%s/%s", blobdir, hex) >= (int)cap)
		die("path too long");
}

static int blob_open(void *ctx, const unsigned char sha[32], int *fd)
{
	char p[600];

	(void)ctx;
	blob_path(sha, p, sizeof p);
	*fd = open(p, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? ET_ENOTFOUND : ET_EIO;
	return ET_OK;
}

struct sink {
	int fd;
	struct crypto_sha256 *h;
	uint64_t size;
};

static int sink_write(void *ctx, const unsigned char *b, size_t n)
{
	struct sink *s = ctx;

	if (et_write_all(s->fd, b, n))
		return ET_EIO;
	crypto_sha256_update(s->h, b, n);
	s->size += n;
	return ET_OK;
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

/* Seal pt as part `part` of bid into the blob store, as the client does and
 * as etenderd stores it (by its SHA-256). */
static void seal_part(const char *tender, const char *bid, unsigned part,
		      const unsigned char (*pubs)[32], const void *pt, size_t n,
		      struct bid_part_ref *ref)
{
	struct crypto_threshold_binding b = { tender, bid, part };
	struct crypto_age_recipient *r = NULL;
	struct mem in = { pt, n, 0 };
	struct sink s = { -1, crypto_sha256_new(), 0 };
	char tmp[600], final[600];

	if (!s.h)
		die("out of memory");
	if (snprintf(tmp, sizeof tmp, "%s/.upload", blobdir) >= (int)sizeof tmp ||
	    (s.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		die("%s: %s", tmp, strerror(errno));
	if (crypto_threshold_recipient_new(&b, 2, 2, pubs, &r) ||
	    crypto_age_encrypt((const struct crypto_age_recipient *const *)&r, 1, false, mem_read,
			       &in, sink_write, &s))
		die("sealing part %u of %s failed", part, bid);
	if (close(s.fd))
		die("%s: %s", tmp, strerror(errno));
	crypto_sha256_final(s.h, ref->sha256);
	ref->size = s.size;
	blob_path(ref->sha256, final, sizeof final);
	if (rename(tmp, final))
		die("%s: %s", final, strerror(errno));
	crypto_age_recipient_free(r);
}

/* ---- accounts ------------------------------------------------------------------- */

struct user {
	char id[TENDER_ID_LEN], org[TENDER_ID_LEN];
	char bid[TENDER_ID_LEN];           /* its bid and the bid's parts */
	struct bid_part_ref parts[2];
	char *secret, *recipient;          /* X25519 */
	unsigned char seed[32], pub[32];   /* Ed25519 */
};

static void add_user(struct audit_ledger *l, struct tender_private *p, const char *admin,
		     const char *org, unsigned roles, const char *login, struct user *u)
{
	struct tender_person pd = { "某人", NULL, NULL, NULL };
	struct tender_diag d;

	memcpy(u->org, org, sizeof u->org);
	ok(tender_user_register(l, p, admin, org, roles, login, PW, &pd, u->id, &d), &d, login);
}

static void register_keys(struct audit_ledger *l, struct tender_private *p, struct user *u)
{
	struct crypto_age_identity *id = NULL;
	const struct crypto_age_identity *ids[1];
	struct tender_diag d;
	struct et_buf out, msg;
	char *armored = NULL, resp[65];
	unsigned char h[32], sig[64];
	struct mem m;

	if (crypto_age_x25519_generate(&u->secret, &u->recipient) ||
	    crypto_ed25519_keygen(u->seed, u->pub) || crypto_age_identity_parse(u->secret, &id))
		die("key generation failed");
	ok(tender_key_challenge(l, p, u->id, u->recipient, &armored), NULL, "challenge");
	m = (struct mem){ (const unsigned char *)armored, strlen(armored), 0 };
	ids[0] = id;
	et_buf_init(&out, 1024);
	if (crypto_age_decrypt(ids, 1, mem_read, &m, buf_write, &out))
		die("the challenge does not decrypt");
	crypto_sha256(out.data, out.len, h);
	et_hex_encode(h, 32, resp);
	et_buf_free(&out);
	free(armored);
	crypto_age_identity_free(id);
	et_buf_init(&msg, 1024);
	if (tender_key_message(u->id, u->recipient, u->pub, resp, &msg) ||
	    crypto_ed25519_sign(u->seed, msg.data, msg.len, sig))
		die("signing failed");
	et_buf_free(&msg);
	ok(tender_key_register(l, p, u->id, u->recipient, u->pub, resp, sig, &d), &d, "keys");
}

static void org(struct audit_ledger *l, struct tender_private *p, const char *admin,
		enum tender_org_kind kind, const char *name, int n, char out[TENDER_ID_LEN])
{
	struct tender_org_details od = { name, NULL, NULL, NULL };
	struct tender_diag d;
	char code[32];

	snprintf(code, sizeof code, "91330100MA%08d", n);
	od.credit_code = code;
	ok(tender_org_register(l, p, admin, kind, &od, out, &d), &d, name);
}

static void recipient_key(const char *recipient, unsigned char out[32])
{
	char *hrp = NULL;
	unsigned char *data = NULL;
	size_t len = 0;

	if (crypto_bech32_decode(recipient, &hrp, &data, &len) || strcmp(hrp, "age") || len != 32)
		die("bad recipient");
	memcpy(out, data, 32);
	free(hrp);
	free(data);
}

static uint64_t rchar(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	unsigned long long v = 0;

	if (!f)
		die("/proc/self/io: %s", strerror(errno));
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "rchar: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* Remove the files of folder d (one level) and d itself: only the folders
 * this program made (mkdtemp), never anything else. */
static void rm_files(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	char p[1024];

	if (!dd)
		return;
	while ((e = readdir(dd)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    snprintf(p, sizeof p, "%s/%s", d, e->d_name) < (int)sizeof p)
			unlink(p);
	closedir(dd);
	rmdir(d);
}

static void random_bid_id(char out[TENDER_ID_LEN])
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[16];

	if (crypto_random(r, sizeof r))
		die("no randomness");
	memcpy(out, "bid-", 4);
	for (int i = 0; i < 16; i++)
		out[4 + i] = a[r[i] & 31];
	out[20] = 0;
}

/* ---- the reference: every part authenticated and decrypted -------------------- */

struct hashed_fd {
	int fd;
	struct crypto_sha256 *h;
};

static int hfd_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct hashed_fd *io = ctx;
	ssize_t n = read(io->fd, buf, cap);

	if (n < 0)
		return ET_EIO;
	*got = (size_t)n;
	if (n > 0)
		crypto_sha256_update(io->h, buf, (size_t)n);
	return ET_OK;
}

static int discard(void *ctx, const unsigned char *b, size_t n)
{
	(void)ctx;
	(void)b;
	(void)n;
	return ET_OK;
}

/* Every part of every bid read once, hashed (SHA-256 against the manifest)
 * and decrypted (ChaCha20-Poly1305, every tag checked) with the released
 * keys through the platform's crypto: what opening every byte costs. */
static void open_all_parts(const char *tender, const struct user *b, long n,
			   const unsigned char (*privs)[32])
{
	static const unsigned idx[2] = { 1, 2 };

	for (long i = 0; i < n; i++)
		for (unsigned k = 0; k < 2; k++) {
			struct crypto_threshold_binding bind = { tender, b[i].bid, k + 1 };
			struct crypto_age_identity *id = NULL;
			const struct crypto_age_identity *ids[1];
			struct hashed_fd io = { -1, crypto_sha256_new() };
			unsigned char h[32];

			if (!io.h || blob_open(NULL, b[i].parts[k].sha256, &io.fd) ||
			    crypto_threshold_identity_new(&bind, idx, privs, 2, &id))
				die("part %u of %s: cannot open", k + 1, b[i].bid);
			ids[0] = id;
			if (crypto_age_decrypt(ids, 1, hfd_read, &io, discard, NULL))
				die("part %u of %s does not decrypt", k + 1, b[i].bid);
			close(io.fd);
			crypto_sha256_final(io.h, h);
			if (memcmp(h, b[i].parts[k].sha256, 32))
				die("part %u of %s: another hash", k + 1, b[i].bid);
			crypto_age_identity_free(id);
		}
}

static void secret_key(const char *identity, unsigned char out[32])
{
	char *hrp = NULL;
	unsigned char *data = NULL;
	size_t len = 0;

	if (crypto_bech32_decode(identity, &hrp, &data, &len) || len != 32)
		die("bad identity");
	memcpy(out, data, 32);
	crypto_wipe(data, len);
	free(hrp);
	free(data);
}

int main(int argc, char **argv)
{
	struct audit_ledger *l = NULL;
	struct tender_private *p = NULL;
	struct user admin, agent, kh[2], super, *bidder;
	char center[TENDER_ID_LEN], o_ten[TENDER_ID_LEN], o_agent[TENDER_ID_LEN],
		o_super[TENDER_ID_LEN], tid[TENDER_ID_LEN], *pw = NULL, *hsec[2] = { NULL, NULL },
		*hrcpt[2] = { NULL, NULL }, line[2][512], path[600], t[5][32];
	unsigned char seed[32], pubs[2][32], *pt;
	const char *T = "E3301002026000200";
	struct bid_blobs blobs = { blob_open, NULL };
	struct bid_close_result cr;
	struct tender_diag d;
	struct et_buf x;
	const struct audit_module *const *mods;
	size_t nm, ptlen;
	uint64_t stored = 0, r0, r1;
	int64_t from = T0 + HOUR, w0, w1;
	double c0, c1, limit = 0, secs, mbs;
	long nbids, mib;
	char *rec = NULL;
	int opened = 0;

	if (argc < 4 || argc > 5)
		die("usage: open_bench DIR BIDS SIZE_MIB [LIMIT_MB_S_PER_CORE]");
	nbids = strtol(argv[2], NULL, 10);
	mib = strtol(argv[3], NULL, 10);
	if (argc == 5)
		limit = strtod(argv[4], NULL);
	if (nbids < 3 || nbids > 10000 || mib < 1 || mib > 4000)
		die("BIDS 3..10000 (fewer than 3 bids open nothing), SIZE_MIB 1..4000");
	if (snprintf(dir, sizeof dir, "%s/etopen.XXXXXX", argv[1]) >= (int)sizeof dir || !mkdtemp(dir))
		die("%s: %s", argv[1], strerror(errno));
	if (snprintf(blobdir, sizeof blobdir, "%s/blobs", dir) >= (int)sizeof blobdir ||
	    mkdir(blobdir, 0700))
		die("%s: %s", blobdir, strerror(errno));
	if (!(bidder = calloc((size_t)nbids, sizeof *bidder)))
		die("out of memory");
	memset(&admin, 0, sizeof admin);
	et_clock_set_test(T0);

	/* the ledger and the private store, as etenderd opens them */
	mods = bid_ledger_modules(&nm);
	if (crypto_random(seed, sizeof seed))
		die("no randomness");
	snprintf(path, sizeof path, "%s/etender.db", dir);
	{
		struct audit_ledger_config cfg = { .db_path = path, .origin = "bench.etender.example/open",
						   .seed = seed, .modules = mods, .nmodules = nm };
		ok(audit_ledger_open(&cfg, &l), NULL, "ledger");
	}
	crypto_wipe(seed, sizeof seed);
	snprintf(path, sizeof path, "%s/private.db", dir);
	ok(tender_private_open(path, &p), NULL, "private store");
	ok(tender_bootstrap(l, p, "江城市公共资源交易中心", "admin", center, admin.id, &pw), NULL,
	   "bootstrap");
	crypto_wipe(pw, strlen(pw));
	free(pw);
	org(l, p, admin.id, TENDER_ORG_TENDERER, "江城市第一中学", 1, o_ten);
	org(l, p, admin.id, TENDER_ORG_AGENT, "江城招标代理有限公司", 2, o_agent);
	org(l, p, admin.id, TENDER_ORG_SUPERVISOR, "江城市住房和城乡建设局", 3, o_super);
	add_user(l, p, admin.id, o_agent, TENDER_ROLE_AGENT, "ob-agent", &agent);
	add_user(l, p, admin.id, o_agent, TENDER_ROLE_KEYHOLDER, "ob-kh1", &kh[0]);
	add_user(l, p, admin.id, o_super, TENDER_ROLE_KEYHOLDER, "ob-kh2", &kh[1]);
	add_user(l, p, admin.id, o_super, TENDER_ROLE_SUPERVISOR, "ob-super", &super);
	register_keys(l, p, &kh[0]);
	register_keys(l, p, &kh[1]);
	for (long i = 0; i < nbids; i++) {
		char name[96], login[32], dep[TENDER_ID_LEN], o[TENDER_ID_LEN];
		struct bid_deposit_new an = { NULL, NULL, 2026, 8000000, "transfer", "某公司",
					      "工商银行江城分行", "6222020200112233445" };

		snprintf(name, sizeof name, "投标单位%03ld建设有限公司", i + 1);
		snprintf(login, sizeof login, "ob-bidder%03ld", i + 1);
		org(l, p, admin.id, TENDER_ORG_BIDDER, name, 100 + (int)i, o);
		add_user(l, p, admin.id, o, TENDER_ROLE_BIDDER, login, &bidder[i]);
		register_keys(l, p, &bidder[i]);
		an.org = o;
		ok(bid_deposit_record(l, p, admin.id, &an, dep, &d), &d, "deposit");
	}

	/* the tender, k = 2 of 2 holders of two organisations */
	for (int i = 0; i < 2; i++) {
		struct et_buf msg;
		unsigned char sig[64];
		char sb[96], pb[48];

		if (crypto_age_x25519_generate(&hsec[i], &hrcpt[i]))
			die("key generation failed");
		recipient_key(hrcpt[i], pubs[i]);
		et_buf_init(&msg, 1024);
		if (et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", T, hrcpt[i]) ||
		    crypto_ed25519_sign(kh[i].seed, msg.data, msg.len, sig))
			die("signing failed");
		et_buf_free(&msg);
		et_b64_encode(sig, 64, sb);
		et_b64_encode(kh[i].pub, 32, pb);
		snprintf(line[i], sizeof line[i], "etender-holder-key/v1 %s %s %s %s", T, hrcpt[i], pb,
			 sb);
	}
	et_clock_format_utc(from, t[0]);
	et_clock_format_utc(from + 6 * DAY, t[1]);
	et_clock_format_utc(from + 6 * DAY, t[2]);
	et_clock_format_utc(from + 15 * DAY, t[3]);
	et_clock_format_utc(from + 21 * DAY, t[4]);
	et_buf_init(&x, 1 << 20);
	if (et_buf_printf(&x,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<tender xmlns=\"urn:etender:tender:1\" formatVersion=\"1\" id=\"%s\" type=\"construction\">\n"
		"  <title>基准测试：开标</title>\n"
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
		"  </keyHolders>\n</tender>\n",
		T, o_ten, o_agent, t[0], t[1], t[2], t[3], t[4], o_agent, kh[0].id, hrcpt[0], o_super,
		kh[1].id, hrcpt[1]))
		die("tender.xml too long");
	ok(tender_draft(l, agent.id, x.data, x.len, tid, &d), &d, "draft");
	et_buf_free(&x);
	for (int i = 0; i < 2; i++)
		ok(tender_holder_key_register(l, kh[i].id, line[i], &d), &d, "holder key");
	ok(tender_keyholders_propose(l, agent.id, T, &d), &d, "propose");
	ok(tender_keyholders_approve(l, super.id, T, &d), &d, "approve");
	ok(tender_publish(l, agent.id, T, &d), &d, "publish");
	et_clock_set_test(from + HOUR);
	for (long i = 0; i < nbids; i++)
		ok(tender_register(l, bidder[i].id, T, &d), &d, "register");
	fprintf(stderr, "open_bench: %ld firms registered; sealing and submitting %ld bids of %ld MiB\n",
		nbids, nbids, mib);

	/* the bids: sealed as the client does, stored as etenderd does, submitted */
	ptlen = (size_t)mib << 20;
	if (!(pt = malloc(ptlen)) || crypto_random(pt, ptlen))
		die("out of memory");
	for (long i = 0; i < nbids; i++) {
		struct bid_document doc;
		struct bid_manifest m;
		struct bid_receipt r;
		struct et_buf bx, man;

		memset(&doc, 0, sizeof doc);
		memset(&m, 0, sizeof m);
		snprintf(m.tender, sizeof m.tender, "%s", T);
		random_bid_id(m.bid);
		memcpy(m.org, bidder[i].org, sizeof m.org);
		memcpy(m.user, bidder[i].id, sizeof m.user);
		memcpy(doc.tender, m.tender, sizeof doc.tender);
		memcpy(doc.bid, m.bid, sizeof doc.bid);
		memcpy(doc.org, m.org, sizeof doc.org);
		doc.noffers = 1;
		snprintf(doc.offers[0].lot, sizeof doc.offers[0].lot, "1");
		doc.offers[0].price_fen = 4000000000 + i;
		doc.offers[0].duration_days = 365;
		et_buf_init(&bx, BID_XML_MAX);
		et_buf_init(&man, BID_MANIFEST_MAX);
		if (bid_xml_write(&doc, &bx))
			die("bid.xml");
		m.version = audit_ledger_size(l) - 1;
		m.sealed_us = et_clock_now_us();
		m.nparts = 2;
		seal_part(T, m.bid, 1, (const unsigned char (*)[32])pubs, bx.data, bx.len, &m.parts[0]);
		seal_part(T, m.bid, 2, (const unsigned char (*)[32])pubs, pt, ptlen - 4096,
			  &m.parts[1]);
		stored += m.parts[0].size + m.parts[1].size;
		memcpy(bidder[i].bid, m.bid, sizeof m.bid);
		memcpy(bidder[i].parts, m.parts, sizeof bidder[i].parts);
		if (bid_manifest_sign(&m, bidder[i].seed, &man))
			die("manifest");
		ok(bid_submit(l, &blobs, bidder[i].id, man.data, man.len, m.parts, 2, et_clock_now_us(),
			      NULL, &r, &d), &d, "submit");
		et_buf_free(&bx);
		et_buf_free(&man);
	}
	free(pt);

	/* the close, and both holders release their keys */
	et_clock_set_test(from + 21 * DAY + HOUR);
	ok(bid_close(l, "", T, &cr, &d), &d, "close");
	if (cr.failed || cr.counted != (unsigned)nbids)
		die("the close counted %u bids of %ld", cr.counted, nbids);
	for (int i = 0; i < 2; i++) {
		struct et_buf msg;
		unsigned char sig[64];

		et_buf_init(&msg, 4096);
		if (bid_release_message(T, (unsigned)i + 1, hsec[i], &msg) ||
		    crypto_ed25519_sign(kh[i].seed, msg.data, msg.len, sig))
			die("release message");
		et_buf_free(&msg);
		ok(bid_key_release(l, kh[i].id, T, hsec[i], sig, NULL, &d), &d, "release");
	}
	et_clock_set_test(from + 21 * DAY + 2 * HOUR);

	/* the opening, timed */
	fprintf(stderr, "open_bench: %ld bids, %.1f MiB stored; opening\n", nbids,
		(double)stored / (1 << 20));
	r0 = rchar();
	c0 = cpu_s();
	w0 = et_clock_mono_us();
	ok(bid_open(l, &blobs, "", T, &d), &d, "open");
	w1 = et_clock_mono_us();
	c1 = cpu_s();
	r1 = rchar();

	ok(bid_opening_record(l, T, &rec), NULL, "opening record");
	{
		json_t *j = json_loads(rec, 0, NULL), *bids = json_object_get(j, "bids"), *b;
		size_t i;

		json_array_foreach(bids, i, b) {
			const char *st = json_string_value(json_object_get(b, "status"));

			if (st && !strcmp(st, "opened"))
				opened++;
		}
		json_decref(j);
	}
	free(rec);
	secs = (double)(w1 - w0) / 1e6;
	mbs = (double)(r1 - r0) / 1e6 / secs;
	printf("bids opened        %d of %ld (%.1f MiB stored, %.1f MiB per bid)\n", opened, nbids,
	       (double)stored / (1 << 20), (double)stored / nbids / (1 << 20));
	printf("bytes read         %llu (%.1f%% of the stored ciphertext)\n",
	       (unsigned long long)(r1 - r0), 100.0 * (double)(r1 - r0) / (double)stored);
	printf("bid_open           %.3f s wall, %.3f s CPU (%.2f cores)\n", secs, c1 - c0,
	       (c1 - c0) / secs);
	printf("throughput         %.1f MB/s of bytes read (wall); %.1f MB per CPU-second; "
	       "%.1f bids/s; stored bytes over wall %.1f MB/s\n",
	       mbs, (double)(r1 - r0) / 1e6 / (c1 - c0), nbids / secs, (double)stored / 1e6 / secs);
	if (limit > 0)
		printf("RESULT bytes_read=%llu wall_s=%.3f cpu_s=%.3f ratio=%.3f\n",
		       (unsigned long long)(r1 - r0), secs, c1 - c0,
		       (double)(r1 - r0) / 1e6 / (c1 - c0) / limit);

	/* the reference on the same bytes: every part opened */
	{
		unsigned char privs[2][32];
		uint64_t ra, rb;
		int64_t wa, wb;
		double ca, cb;

		for (int i = 0; i < 2; i++)
			secret_key(hsec[i], privs[i]);
		ra = rchar();
		ca = cpu_s();
		wa = et_clock_mono_us();
		open_all_parts(T, bidder, nbids, (const unsigned char (*)[32])privs);
		wb = et_clock_mono_us();
		cb = cpu_s();
		rb = rchar();
		crypto_wipe(privs, sizeof privs);
		printf("reference          every part of every bid read, hashed and decrypted with the "
		       "released keys (platform crypto, outside the domain): %.1f MB in %.3f s wall, "
		       "%.3f s CPU: %.1f MB per CPU-second\n", (double)(rb - ra) / 1e6,
		       (double)(wb - wa) / 1e6, cb - ca, (double)(rb - ra) / 1e6 / (cb - ca));
		if (limit > 0)
			printf("RESULT_ALL bytes_read=%llu wall_s=%.3f cpu_s=%.3f ratio=%.3f\n",
			       (unsigned long long)(rb - ra), (double)(wb - wa) / 1e6, cb - ca,
			       (double)(rb - ra) / 1e6 / (cb - ca) / limit);
	}

	/* clean up: every file this program made, then its folder */
	audit_ledger_close(l);
	tender_private_close(p);
	rm_files(blobdir);
	rm_files(dir);
	for (int i = 0; i < 2; i++) {
		crypto_wipe(hsec[i], strlen(hsec[i]));
		free(hsec[i]);
		free(hrcpt[i]);
	}
	for (int i = 0; i < 2; i++) {
		crypto_wipe(kh[i].secret, strlen(kh[i].secret));
		free(kh[i].secret);
		free(kh[i].recipient);
		crypto_wipe(kh[i].seed, sizeof kh[i].seed);
	}
	for (long i = 0; i < nbids; i++) {
		crypto_wipe(bidder[i].seed, sizeof bidder[i].seed);
		crypto_wipe(bidder[i].secret, strlen(bidder[i].secret));
		free(bidder[i].secret);
		free(bidder[i].recipient);
	}
	free(bidder);
	return opened == nbids ? 0 : 1;
}
