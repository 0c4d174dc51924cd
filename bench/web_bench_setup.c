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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bench/bench_api.h"
#include "crypto/crypto.h"
#include "tender/tender.h"

#define MAX_DOCS 4

static void file_sha256(const char *path, unsigned char out[32])
{
	struct crypto_sha256 *h = crypto_sha256_new();
	unsigned char buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!h || !f)
		bench_die("%s: %s", path, f ? "out of memory" : strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_sha256_update(h, buf, n);
	if (ferror(f))
		bench_die("%s: read error", path);
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
	struct bench_user admin, agent, kh[2], super, bidder;
	struct et_buf xml;
	int64_t from = 0, margin = 10 * BENCH_US_PER_S;
	unsigned char sha[MAX_DOCS][32];
	int ndocs = argc - 4, attempt;
	json_t *j;
	FILE *out;
	int fd;

	if (argc < 5 || ndocs > MAX_DOCS)
		bench_die("usage: web_bench_setup BASE_URL ADMIN_PASSWORD OUT_FILE DOC_FILE... (at most %d)",
		    MAX_DOCS);
	bench_base = argv[1];
	bench_prog = "web_bench_setup";
	memset(&admin, 0, sizeof admin);
	for (int i = 0; i < ndocs; i++)
		file_sha256(argv[4 + i], sha[i]);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	/* Accounts and keys, through the administrator. */
	bench_login(&admin, "admin", argv[2]);
	bench_add_org(&admin, "tenderer", "江城市第一中学", 1, org[O_TENDERER]);
	bench_add_org(&admin, "agent", "江城招标代理有限公司", 2, org[O_AGENT]);
	bench_add_org(&admin, "supervisor", "江城市住房和城乡建设局", 3, org[O_SUPER]);
	bench_add_org(&admin, "bidder", "江城建工集团有限公司", 4, org[O_BIDDER]);
	bench_add_user(&admin, org[O_AGENT], "agent", "wb-agent", &agent);
	bench_add_user(&admin, org[O_AGENT], "keyholder", "wb-kh1", &kh[0]);
	bench_add_user(&admin, org[O_SUPER], "keyholder", "wb-kh2", &kh[1]);
	bench_add_user(&admin, org[O_SUPER], "supervisor", "wb-super", &super);
	bench_add_user(&admin, org[O_BIDDER], "bidder", "wb-bidder", &bidder);
	bench_register_keys(&kh[0]);
	bench_register_keys(&kh[1]);
	fprintf(stderr, "web_bench_setup: accounts and keys registered\n");

	/* The tender: publication must come before the documents' issue time,
	 * on the real clock; a slow machine gets a second try with more time. */
	et_buf_init(&xml, 1 << 20);
	for (attempt = 1;; attempt++, margin *= 3) {
		struct bench_answer a = { 0 };

		if (attempt > 3)
			bench_die("could not publish before the documents' issue time");
		bench_fmt(tender, sizeof tender, "WB-%lld-%d", (long long)(bench_now_us() / BENCH_US_PER_S),
			 attempt);
		from = (bench_now_us() + margin) / BENCH_US_PER_S * BENCH_US_PER_S;
		et_clock_format_utc(from, t0);
		et_clock_format_utc(from + 30 * BENCH_US_PER_MIN, t1);   /* documents and registration */
		et_clock_format_utc(from + 45 * BENCH_US_PER_MIN, t2);   /* questions */
		et_clock_format_utc(from + 60 * BENCH_US_PER_MIN, t3);   /* bid deadline */
		for (int i = 0; i < 2; i++) {
			free(rcpt[i]);
			rcpt[i] = NULL;
			bench_holder_line(&kh[i], tender, &rcpt[i], NULL, line[i]);
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
			bench_die("tender.xml too long");
		bench_request("POST", "/api/tenders", agent.token, (const char *)xml.data, NULL, 0, &a);
		if (a.status != 200)
			bench_die("draft: HTTP %ld: %.*s", a.status, (int)a.body.len, (const char *)a.body.data);
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
		for (int i = 0; i < ndocs; i++) {
			FILE *f = fopen(argv[4 + i], "rb");
			struct stat st;

			if (!f || fstat(fileno(f), &st))
				bench_die("%s: %s", argv[4 + i], strerror(errno));
			bench_fmt(path, sizeof path, "/api/tenders/%s/documents?name=bench-%d.bin&kind=%s",
				 tender, i + 1, i ? "other" : "documents");
			bench_request("POST", path, agent.token, NULL, f, (curl_off_t)st.st_size, &a);
			fclose(f);
			if (a.status != 200)
				bench_die("upload %s: HTTP %ld: %.*s", argv[4 + i], a.status, (int)a.body.len,
				    (const char *)a.body.data);
			j = json_loadb((const char *)a.body.data, a.body.len, 0, NULL);
			bench_copy_str(doc[i], sizeof doc[i], json_object_get(j, "id"), "document id");
			json_decref(j);
			et_buf_free(&a.body);
		}
		bench_fmt(path, sizeof path, "/api/tenders/%s/publish", tender);
		bench_request("POST", path, agent.token, NULL, NULL, 0, &a);
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
	bench_sleep_until(from + 200000);
	bench_fmt(path, sizeof path, "/api/tenders/%s/register", tender);
	json_decref(bench_api("POST", path, bidder.token, NULL));
	/* One download of each document: the bytes are the uploaded ones. */
	for (int i = 0; i < ndocs; i++) {
		struct bench_answer a = { 0 };
		unsigned char got[32];

		if (!(a.hash = crypto_sha256_new()))
			bench_die("out of memory");
		bench_fmt(path, sizeof path, "/api/tenders/%s/documents/%s", tender, doc[i]);
		bench_request("GET", path, bidder.token, NULL, NULL, 0, &a);
		if (a.status != 200)
			bench_die("download: HTTP %ld", a.status);
		crypto_sha256_final(a.hash, got);
		if (memcmp(got, sha[i], sizeof got))
			bench_die("download of %s: the bytes differ", argv[4 + i]);
		et_buf_free(&a.body);
	}
	fprintf(stderr, "web_bench_setup: bidder registered, documents downloaded once\n");

	if ((fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    !(out = fdopen(fd, "w")))
		bench_die("%s: %s", argv[3], strerror(errno));
	fprintf(out, "TENDER=%s\n", tender);
	for (int i = 0; i < ndocs; i++)
		fprintf(out, "DOC%d=%s\n", i + 1, doc[i]);
	fprintf(out, "TOKEN=%s\n", bidder.token);
	if (fclose(out))
		bench_die("%s: %s", argv[3], strerror(errno));
	for (int i = 0; i < 2; i++)
		free(rcpt[i]);
	et_buf_free(&xml);
	crypto_wipe(&admin, sizeof admin);
	crypto_wipe(&bidder, sizeof bidder);
	curl_global_cleanup();
	return 0;
}
