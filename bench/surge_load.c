/* bench/surge_load.c — the deadline surge of bench/surge_bench.sh: N bidders
 * uploading sealed bids at once to a running etenderd, and the same bytes
 * PUT to a reference server (nginx with the dav module), with libcurl on
 * one thread per bidder, measuring aggregate throughput, failures and the
 * latency of each bidder's whole upload (first byte of its first part to
 * its receipt).
 *
 *   surge_load setup URL ADMIN_PW_FILE N SIZE_MIB DIR
 *     through etenderd's real API: N bidder firms with one bidder each
 *     (keys registered with proof of possession), two key holders of two
 *     organisations, a tender on the `demo` rules profile (real clock: the
 *     deadline an hour away) with their per-tender keys (k = 2 of 2),
 *     published, every firm registered; then, untimed, each bid sealed as
 *     the client does (bid.xml and one attachment of SIZE_MIB MiB, each
 *     with the tender's threshold stanzas) and its manifest signed: DIR/<i>.1,
 *     DIR/<i>.2, DIR/<i>.m, and DIR/bids (0600: bid id and bearer token).
 *   surge_load run etenderd URL DIR N
 *     each bidder: per part an upload session (POST …/bids/uploads, PATCH the
 *     bytes), then POST …/bids (the manifest); a
 *     success is a 200 receipt naming the bid.
 *   surge_load run put URL DIR N
 *     each bidder PUTs the same three bodies to URL/<bid>.1, .2, .m; a
 *     success is 201 or 204.
 * run prints one line "RESULT mode bidders bytes seconds MiB/s failures
 * p50_ms p99_ms max_ms" and exits 1 if any bidder failed. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench_api.h"
#include "bidding/bidding.h"
#include "crypto/crypto.h"

#define MAX_BIDDERS 1000

/* ---- setup ----------------------------------------------------------------- */

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

/* Seal pt as part `part` of bid into path, as `etender bid submit` does. */
static void seal_part(const char *tender, const char *bid, unsigned part,
		      const unsigned char (*pubs)[32], const void *pt, size_t n, const char *path,
		      struct bid_part_ref *ref)
{
	struct crypto_threshold_binding b = { tender, bid, part };
	struct crypto_age_recipient *r = NULL;
	struct mem in = { pt, n, 0 };
	struct sink s = { -1, crypto_sha256_new(), 0 };

	if (!s.h)
		bench_die("out of memory");
	if ((s.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		bench_die("%s: %s", path, strerror(errno));
	if (crypto_threshold_recipient_new(&b, 2, 2, pubs, &r) ||
	    crypto_age_encrypt((const struct crypto_age_recipient *const *)&r, 1, false, mem_read,
			       &in, sink_write, &s))
		bench_die("sealing part %u of %s failed", part, bid);
	if (close(s.fd))
		bench_die("%s: %s", path, strerror(errno));
	crypto_sha256_final(s.h, ref->sha256);
	ref->size = s.size;
	crypto_age_recipient_free(r);
}

static void random_bid_id(char out[TENDER_ID_LEN])
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[16];

	if (crypto_random(r, sizeof r))
		bench_die("no randomness");
	memcpy(out, "bid-", 4);
	for (int i = 0; i < 16; i++)
		out[4 + i] = a[r[i] & 31];
	out[20] = 0;
}

static void recipient_key(const char *recipient, unsigned char out[32])
{
	char *hrp = NULL;
	unsigned char *data = NULL;
	size_t len = 0;

	if (crypto_bech32_decode(recipient, &hrp, &data, &len) || strcmp(hrp, "age") || len != 32)
		bench_die("bad recipient");
	memcpy(out, data, 32);
	free(hrp);
	free(data);
}

static void read_secret_file(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !fgets(out, (int)cap, f))
		bench_die("%s: cannot read", path);
	fclose(f);
	n = strcspn(out, "\r\n");
	out[n] = 0;
	if (!n)
		bench_die("%s: empty", path);
}

static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || et_write_all(fd, p, n) || close(fd))
		bench_die("%s: %s", path, strerror(errno));
}

static int setup(const char *pwfile, int n, long mib, const char *dir)
{
	struct bench_user admin, agent, kh[2], super, *bidder;
	char org_t[TENDER_ID_LEN], org_a[TENDER_ID_LEN], org_s[TENDER_ID_LEN], tender[32],
		path[600], body[1024], t0[32], t1[32], t2[32], t3[32], line[2][512],
		*rcpt[2] = { NULL, NULL }, pw[256];
	unsigned char pubs[2][32], *pt;
	size_t ptlen = (size_t)mib << 20;
	int64_t from = 0, margin = 10 * BENCH_US_PER_S;
	uint64_t version;
	struct et_buf xml, bids;

	memset(&admin, 0, sizeof admin);
	if (!(bidder = calloc((size_t)n, sizeof *bidder)) || !(pt = malloc(ptlen ? ptlen : 1)))
		bench_die("out of memory");
	read_secret_file(pwfile, pw, sizeof pw);
	bench_login(&admin, "admin", pw);
	crypto_wipe(pw, sizeof pw);
	bench_add_org(&admin, "tenderer", "江城市第一中学", 1, org_t);
	bench_add_org(&admin, "agent", "江城招标代理有限公司", 2, org_a);
	bench_add_org(&admin, "supervisor", "江城市住房和城乡建设局", 3, org_s);
	bench_add_user(&admin, org_a, "agent", "sb-agent", &agent);
	bench_add_user(&admin, org_a, "keyholder", "sb-kh1", &kh[0]);
	bench_add_user(&admin, org_s, "keyholder", "sb-kh2", &kh[1]);
	bench_add_user(&admin, org_s, "supervisor", "sb-super", &super);
	bench_register_keys(&kh[0]);
	bench_register_keys(&kh[1]);
	for (int i = 0; i < n; i++) {
		char org[TENDER_ID_LEN], name[96], login[32];

		bench_fmt(name, sizeof name, "投标单位%03d建设有限公司", i + 1);
		bench_fmt(login, sizeof login, "sb-bidder%03d", i + 1);
		bench_add_org(&admin, "bidder", name, 100 + i, org);
		bench_add_user(&admin, org, "bidder", login, &bidder[i]);
		bench_register_keys(&bidder[i]);
		if ((i + 1) % 50 == 0)
			fprintf(stderr, "surge_load: %d bidders with keys\n", i + 1);
	}

	/* The tender: published before the documents' issue time. */
	et_buf_init(&xml, 1 << 20);
	for (int attempt = 1;; attempt++, margin *= 3) {
		struct bench_answer a = { 0 };

		if (attempt > 3)
			bench_die("could not publish before the documents' issue time");
		bench_fmt(tender, sizeof tender, "SB-%lld-%d", (long long)(bench_now_us() / BENCH_US_PER_S),
			  attempt);
		from = (bench_now_us() + margin) / BENCH_US_PER_S * BENCH_US_PER_S;
		et_clock_format_utc(from, t0);
		et_clock_format_utc(from + 30 * BENCH_US_PER_MIN, t1);
		et_clock_format_utc(from + 45 * BENCH_US_PER_MIN, t2);
		et_clock_format_utc(from + 60 * BENCH_US_PER_MIN, t3);
		for (int i = 0; i < 2; i++) {
			free(rcpt[i]);
			rcpt[i] = NULL;
			bench_holder_line(&kh[i], tender, &rcpt[i], NULL, line[i]);
			recipient_key(rcpt[i], pubs[i]);
		}
		et_buf_reset(&xml);
		if (et_buf_printf(&xml,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<tender xmlns=\"urn:etender:tender:1\" formatVersion=\"1\" id=\"%s\" type=\"construction\">\n"
			"  <title>基准测试：截标高峰</title>\n"
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
			tender, org_t, org_a, t0, t1, t1, t2, t3, org_a, kh[0].id, rcpt[0], org_s,
			kh[1].id, rcpt[1]))
			bench_die("tender.xml too long");
		bench_request("POST", "/api/tenders", agent.token, (const char *)xml.data, NULL, 0, &a);
		if (a.status != 200)
			bench_die("draft: HTTP %ld: %.*s", a.status, (int)a.body.len,
				  (const char *)a.body.data);
		et_buf_free(&a.body);
		for (int i = 0; i < 2; i++) {
			bench_fmt(body, sizeof body, "{\"line\":\"%s\"}", line[i]);
			bench_fmt(path, sizeof path, "/api/tenders/%s/holder-keys", tender);
			json_decref(bench_api("POST", path, kh[i].token, body));
		}
		bench_fmt(path, sizeof path, "/api/tenders/%s/holders/propose", tender);
		json_decref(bench_api("POST", path, agent.token, NULL));
		bench_fmt(path, sizeof path, "/api/tenders/%s/holders/approve", tender);
		json_decref(bench_api("POST", path, super.token, NULL));
		bench_fmt(path, sizeof path, "/api/tenders/%s/publish", tender);
		bench_request("POST", path, agent.token, NULL, NULL, 0, &a);
		if (a.status == 200) {
			et_buf_free(&a.body);
			break;
		}
		fprintf(stderr, "surge_load: publish refused (HTTP %ld), trying again with more time\n",
			a.status);
		et_buf_free(&a.body);
	}
	bench_sleep_until(from + 200000);
	bench_fmt(path, sizeof path, "/api/tenders/%s/register", tender);
	for (int i = 0; i < n; i++)
		json_decref(bench_api("POST", path, bidder[i].token, NULL));
	/* The tender version a bid answers: the latest log index seen. */
	{
		struct bench_answer a = { 0 };
		const char *nl;

		bench_request("GET", "/log/checkpoint", NULL, NULL, NULL, 0, &a);
		if (a.status != 200 || et_buf_add(&a.body, "", 1) ||
		    !(nl = strchr((const char *)a.body.data, '\n')))
			bench_die("no checkpoint");
		version = strtoull(nl + 1, NULL, 10) - 1;
		et_buf_free(&a.body);
	}
	fprintf(stderr, "surge_load: tender %s published, %d firms registered; sealing\n", tender, n);

	/* The bids, sealed and signed as the client does (untimed). */
	if (crypto_random(pt, ptlen))
		bench_die("no randomness");
	et_buf_init(&bids, 1 << 20);
	for (int i = 0; i < n; i++) {
		struct bid_document doc;
		struct bid_manifest m;
		struct et_buf bx, man;

		memset(&doc, 0, sizeof doc);
		memset(&m, 0, sizeof m);
		bench_fmt(m.tender, sizeof m.tender, "%s", tender);
		random_bid_id(m.bid);
		memcpy(m.org, bidder[i].org, sizeof m.org);
		memcpy(m.user, bidder[i].id, sizeof m.user);
		memcpy(doc.tender, m.tender, sizeof doc.tender);
		memcpy(doc.bid, m.bid, sizeof doc.bid);
		memcpy(doc.org, m.org, sizeof doc.org);
		doc.noffers = 1;
		bench_fmt(doc.offers[0].lot, sizeof doc.offers[0].lot, "1");
		doc.offers[0].price_fen = 4000000000 + i;
		doc.offers[0].duration_days = 365;
		et_buf_init(&bx, BID_XML_MAX);
		et_buf_init(&man, BID_MANIFEST_MAX);
		if (bid_xml_write(&doc, &bx))
			bench_die("bid.xml");
		m.version = version;
		m.sealed_us = bench_now_us();
		m.nparts = ptlen ? 2 : 1;
		bench_fmt(path, sizeof path, "%s/%d.1", dir, i);
		seal_part(tender, m.bid, 1, (const unsigned char (*)[32])pubs, bx.data, bx.len, path,
			  &m.parts[0]);
		if (ptlen) {
			bench_fmt(path, sizeof path, "%s/%d.2", dir, i);
			seal_part(tender, m.bid, 2, (const unsigned char (*)[32])pubs, pt, ptlen, path,
				  &m.parts[1]);
		}
		if (bid_manifest_sign(&m, bidder[i].seed, &man))
			bench_die("manifest");
		bench_fmt(path, sizeof path, "%s/%d.m", dir, i);
		write_file(path, man.data, man.len);
		if (et_buf_printf(&bids, "%s %s\n", m.bid, bidder[i].token))
			bench_die("out of memory");
		et_buf_free(&bx);
		et_buf_free(&man);
	}
	bench_fmt(path, sizeof path, "%s/bids", dir);
	write_file(path, bids.data, bids.len);
	bench_fmt(path, sizeof path, "%s/tender", dir);
	write_file(path, tender, strlen(tender));
	fprintf(stderr, "surge_load: %d bids sealed (%ld MiB attachment each)\n", n, mib);
	crypto_wipe(bids.data, bids.len);
	et_buf_free(&bids);
	et_buf_free(&xml);
	crypto_wipe(bidder, (size_t)n * sizeof *bidder);
	crypto_wipe(&admin, sizeof admin);
	for (int i = 0; i < 2; i++)
		free(rcpt[i]);
	free(bidder);
	free(pt);
	return 0;
}

/* ---- the surge --------------------------------------------------------------- */

struct job {
	char bid[TENDER_ID_LEN], token[TENDER_TOKEN_LEN];
	char file[3][600];
	uint64_t bytes;
	int64_t t0, t1;                   /* monotonic µs */
	bool ok;
	char err[256];
};

/* the widths in run()'s sscanf */
_Static_assert(TENDER_ID_LEN == 64 && TENDER_TOKEN_LEN == 72, "sscanf widths");

static pthread_barrier_t start_line;
static bool put_mode;
static const char *tender_id;

static size_t sink_body(char *p, size_t sz, size_t n, void *ctx)
{
	return et_buf_add(ctx, p, sz * n) ? 0 : sz * n;
}

/* One upload of file (whole) with c by method ("PUT", "POST" or "PATCH");
 * *status and body set. */
static CURLcode upload(CURL *c, const char *method, const char *url, struct curl_slist *hl,
		       const char *file, long *status, struct et_buf *body)
{
	FILE *f = fopen(file, "rb");
	struct stat st;
	CURLcode cc;

	et_buf_reset(body);
	*status = 0;
	if (!f || fstat(fileno(f), &st)) {
		if (f)
			fclose(f);
		return CURLE_READ_ERROR;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, NULL);
	if (strcmp(method, "POST")) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "PUT") ? method : NULL);
	} else {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 0L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)st.st_size);
	}
	cc = curl_easy_perform(c);
	fclose(f);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	return cc;
}

/* The SHA-256 (hex) and size of a file, read before the start line (the
 * client knows them from sealing). */
static void file_digest(const char *path, char hex[65], uint64_t *size)
{
	struct crypto_sha256 *h = crypto_sha256_new();
	unsigned char *buf = malloc(1 << 16), d[32];   /* not on the small thread stack */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!h || !buf || fd < 0)
		bench_die("%s: %s", path, strerror(errno));
	*size = 0;
	while ((n = read(fd, buf, 1 << 16)) > 0) {
		crypto_sha256_update(h, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	if (n < 0)
		bench_die("%s: %s", path, strerror(errno));
	close(fd);
	free(buf);
	crypto_sha256_final(h, d);   /* frees h */
	et_hex_encode(d, 32, hex);
}

/* Open the upload session of a part (docs/api.md "Resumable uploads"):
 * POST …/bids/uploads {"sha256","size"}; url gets the session's PATCH URL. */
static CURLcode open_session(CURL *c, struct curl_slist *hl, const char *hex, uint64_t size,
			     char *url, size_t cap, long *status, struct et_buf *body)
{
	char req[200], u[1024];
	json_t *j;
	const char *id;
	CURLcode cc;

	et_buf_reset(body);
	*status = 0;
	bench_fmt(u, sizeof u, "%s/api/tenders/%s/bids/uploads", bench_base, tender_id);
	bench_fmt(req, sizeof req, "{\"sha256\":\"%s\",\"size\":%llu}", hex,
		  (unsigned long long)size);
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, req);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(req));
	cc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (cc != CURLE_OK || *status != 200)
		return cc;
	j = json_loadb((const char *)body->data, body->len, 0, NULL);
	id = json_string_value(json_object_get(j, "upload"));
	if (id)
		bench_fmt(url, cap, "%s/%s", u, id);
	else
		*status = 0;
	json_decref(j);
	return cc;
}

static void *bidder_main(void *arg)
{
	struct job *jb = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL, *hp = NULL;
	struct et_buf body;
	char url[3][1024], auth[160], hex[2][65];
	uint64_t size[2] = { 0, 0 };
	int step;

	et_buf_init(&body, 1 << 20);
	if (put_mode) {
		for (int i = 0; i < 3; i++)
			bench_fmt(url[i], sizeof url[i], "%s/%s.%c", bench_base, jb->bid, "12m"[i]);
	} else {
		for (int i = 0; i < 2; i++)
			if (jb->file[i][0])
				file_digest(jb->file[i], hex[i], &size[i]);
		bench_fmt(url[2], sizeof url[2], "%s/api/tenders/%s/bids", bench_base, tender_id);
		bench_fmt(auth, sizeof auth, "Authorization: Bearer %s", jb->token);
		hl = curl_slist_append(hl, auth);
	}
	hl = curl_slist_append(hl, "Expect:");
	hp = curl_slist_append(NULL, "Expect:");
	hp = curl_slist_append(hp, "Upload-Offset: 0");
	if (!put_mode)
		hp = curl_slist_append(hp, auth);
	hl = curl_slist_append(hl, "Content-Type: application/octet-stream");
	if (!c || !hl || !hp)
		bench_die("out of memory");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 3600L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	pthread_barrier_wait(&start_line);
	jb->t0 = et_clock_mono_us();
	jb->ok = true;
	for (step = 0; step < 3 && jb->ok; step++) {
		long status = 0;
		CURLcode cc = CURLE_OK;

		if (!jb->file[step][0])
			continue;
		/* etenderd: a part is an upload session (open it, then PATCH the
		 * bytes at offset 0); the manifest is one POST */
		if (!put_mode && step < 2)
			cc = open_session(c, hl, hex[step], size[step], url[step], sizeof url[step],
					  &status, &body);
		if (cc == CURLE_OK && (put_mode || step == 2 || status == 200))
			cc = upload(c, put_mode ? "PUT" : step < 2 ? "PATCH" : "POST", url[step],
				    put_mode || step == 2 ? hl : hp, jb->file[step], &status, &body);
		if (cc != CURLE_OK) {
			jb->ok = false;
			bench_fmt(jb->err, sizeof jb->err, "step %d: %s", step + 1,
				  curl_easy_strerror(cc));
		} else if (put_mode ? status != 201 && status != 204 : status != 200) {
			jb->ok = false;
			snprintf(jb->err, sizeof jb->err, "step %d: HTTP %ld: %.*s", step + 1, status,
				 (int)(body.len < 160 ? body.len : 160),
				 body.data ? (const char *)body.data : "");
		}
	}
	if (jb->ok && !put_mode) {
		/* the receipt names the bid */
		json_t *r = json_loadb((const char *)body.data, body.len, 0, NULL);
		const char *fmt = json_string_value(json_object_get(r, "format"));
		const char *bid = json_string_value(json_object_get(r, "bid"));

		if (!fmt || strncmp(fmt, "etender-receipt/", 16) || !bid || strcmp(bid, jb->bid) ||
		    !json_is_integer(json_object_get(r, "index"))) {
			jb->ok = false;
			bench_fmt(jb->err, sizeof jb->err, "the answer is not the bid's receipt");
		}
		json_decref(r);
	}
	jb->t1 = et_clock_mono_us();
	crypto_wipe(auth, sizeof auth);
	curl_slist_free_all(hl);
	curl_slist_free_all(hp);
	curl_easy_cleanup(c);
	et_buf_free(&body);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int run(const char *mode, const char *dir, int n)
{
	struct job *jobs = calloc((size_t)n, sizeof *jobs);
	pthread_t *th = calloc((size_t)n, sizeof *th);
	int64_t *lat = calloc((size_t)n, sizeof *lat), first = INT64_MAX, last = 0;
	char path[600], tender[64], line[512];
	uint64_t bytes = 0;
	int failures = 0;
	double secs;
	FILE *f;

	if (!jobs || !th || !lat)
		bench_die("out of memory");
	put_mode = !strcmp(mode, "put");
	if (!put_mode && strcmp(mode, "etenderd"))
		bench_die("mode: etenderd or put");
	bench_fmt(path, sizeof path, "%s/tender", dir);
	read_secret_file(path, tender, sizeof tender);
	tender_id = tender;
	bench_fmt(path, sizeof path, "%s/bids", dir);
	if (!(f = fopen(path, "r")))
		bench_die("%s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (!fgets(line, sizeof line, f) ||
		    sscanf(line, "%63s %71s", jobs[i].bid, jobs[i].token) != 2)
			bench_die("%s: fewer than %d bids", path, n);
		for (int k = 0; k < 3; k++) {
			bench_fmt(jobs[i].file[k], sizeof jobs[i].file[k], "%s/%d.%c", dir, i, "12m"[k]);
			if (stat(jobs[i].file[k], &st)) {
				if (k == 1 && errno == ENOENT) {
					jobs[i].file[k][0] = 0;   /* no attachment */
					continue;
				}
				bench_die("%s: %s", jobs[i].file[k], strerror(errno));
			}
			jobs[i].bytes += (uint64_t)st.st_size;
		}
	}
	crypto_wipe(line, sizeof line);
	fclose(f);
	if (pthread_barrier_init(&start_line, NULL, (unsigned)n + 1))
		bench_die("barrier");
	for (int i = 0; i < n; i++) {
		pthread_attr_t at;

		pthread_attr_init(&at);
		pthread_attr_setstacksize(&at, 256 << 10);
		if (pthread_create(&th[i], &at, bidder_main, &jobs[i]))
			bench_die("pthread_create: %s", strerror(errno));
		pthread_attr_destroy(&at);
	}
	pthread_barrier_wait(&start_line);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < n; i++) {
		if (jobs[i].t0 < first)
			first = jobs[i].t0;
		if (jobs[i].t1 > last)
			last = jobs[i].t1;
		lat[i] = jobs[i].t1 - jobs[i].t0;
		if (jobs[i].ok) {
			bytes += jobs[i].bytes;
		} else {
			if (failures < 5)
				fprintf(stderr, "surge_load: %s bidder %d failed: %s\n", mode, i,
					jobs[i].err);
			failures++;
		}
	}
	qsort(lat, (size_t)n, sizeof *lat, cmp_i64);
	secs = (double)(last - first) / 1e6;
	printf("RESULT %s %d %llu %.3f %.1f %d %.0f %.0f %.0f\n", mode, n, (unsigned long long)bytes,
	       secs, (double)bytes / (1 << 20) / secs, failures, lat[(n - 1) / 2] / 1e3,
	       lat[(99 * n + 99) / 100 - 1] / 1e3, lat[n - 1] / 1e3);
	for (int i = 0; i < n; i++)
		crypto_wipe(jobs[i].token, sizeof jobs[i].token);
	free(jobs);
	free(th);
	free(lat);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc, n;

	bench_prog = "surge_load";
	if (argc == 7 && !strcmp(argv[1], "setup")) {
		long mib = strtol(argv[5], NULL, 10);

		n = (int)strtol(argv[4], NULL, 10);
		if (n < 1 || n > MAX_BIDDERS || mib < 0 || mib > 4000)
			bench_die("bad N or SIZE_MIB");
		bench_base = argv[2];
		curl_global_init(CURL_GLOBAL_DEFAULT);
		rc = setup(argv[3], n, mib, argv[6]);
	} else if (argc == 6 && !strcmp(argv[1], "run")) {
		n = (int)strtol(argv[5], NULL, 10);
		if (n < 1 || n > MAX_BIDDERS)
			bench_die("bad N");
		bench_base = argv[3];
		curl_global_init(CURL_GLOBAL_DEFAULT);
		rc = run(argv[2], argv[4], n);
	} else {
		fprintf(stderr, "usage: surge_load setup URL ADMIN_PW_FILE N SIZE_MIB DIR\n"
				"       surge_load run etenderd|put URL DIR N\n");
		return 2;
	}
	curl_global_cleanup();
	return rc;
}
