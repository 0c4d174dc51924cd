/* client/bidcmd.c — `etender bid submit|withdraw` and `etender receipt
 * verify`: a bidder seals every part on its own machine to the tender's key
 * holders (k of n, bound to tender, bid and part), signs the manifest with
 * its Ed25519 key, uploads the parts streamed and then the manifest, and
 * keeps the receipt; the receipt is verified offline (checkpoint signature
 * and inclusion proof), with no network. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "audit/audit.h"
#include "bidding/bidding.h"
#include "client/client.h"

static const char bid_usage[] =
	"用法 / usage: etender bid submit --tender T -i IDENTITY (--bid-xml FILE | --offer LOT:PRICE_FEN:DAYS...)\n"
	"                 [--part FILE | --sealed-part AGEFILE]... [-o RECEIPT]\n"
	"       etender bid withdraw --tender T --bid BID\n"
	"       etender bid reconfirm --tender T --bid BID\n"
	"  投标人在本机把每个部分按本项目的开标密钥保管人（k/n）密封，用本人签名密钥\n"
	"  签署清单，流式上传各部分与清单，并把回执保存到 RECEIPT（默认 BID.receipt.json）。\n"
	"  第 1 部分为 bid.xml：--bid-xml 给出现成文件（其中的项目、投标编号与单位须一致），\n"
	"  或由 --offer 逐标段生成（价格单位：分）。--sealed-part 为已用 etender seal --holders\n"
	"  密封好的部分（原样上传）。\n"
	"  A bidder seals every part on its own machine to the tender's key holders\n"
	"  (k of n), signs the manifest with its Ed25519 key, uploads the parts\n"
	"  (streamed) and the manifest, and saves the receipt to RECEIPT (default\n"
	"  BID.receipt.json). Part 1 is bid.xml: a given file (naming this tender,\n"
	"  its bid id and the bidder's firm) or one built from --offer per lot\n"
	"  (price in fen). --sealed-part: a part sealed already (etender seal\n"
	"  --holders, binary), uploaded as is. Withdraw a live bid before the\n"
	"  deadline. reconfirm: after an amendment (see etender notices), confirm\n"
	"  that a live bid stands against the amended tender (rules et.amend.bid).\n"
	"  投标后招标文件澄清或修改的，按规则 et.amend.bid 在截止前重新确认投标。\n"
	"  All take\n"
	"  [--server URL].\n";

static const char receipt_usage[] =
	"用法 / usage: etender receipt verify --receipt FILE [--log-key VKEY | --server URL]\n"
	"  离线核验回执：检查点的日志签名与叶子的包含证明（不联网）。未给 --log-key 时\n"
	"  用该服务器已固定的日志公钥。\n"
	"  Verify a receipt offline: the log's signature on the checkpoint and the\n"
	"  leaf's inclusion proof (no network). Without --log-key the log key\n"
	"  pinned for the server is used.\n";

#define MAX_OFFERS BID_MAX_OFFERS

struct bid_opts {
	const char *server, *tender, *bid_xml, *identity, *out, *bid, *receipt, *log_key;
	const char *offers[MAX_OFFERS];
	size_t noffers;
	const char *parts[BID_MAX_PARTS];
	bool sealed[BID_MAX_PARTS];       /* given already sealed (binary age) */
	size_t nparts;
	bool json;
};

/* 0, 2 after a usage error, -1 after --help. */
static int parse_opts(int argc, char **argv, const char *usage, struct bid_opts *o)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "tender", required_argument, NULL, 't' },
		{ "bid-xml", required_argument, NULL, 'X' },
		{ "offer", required_argument, NULL, 'f' },
		{ "part", required_argument, NULL, 'p' },
		{ "sealed-part", required_argument, NULL, 'S' },
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "bid", required_argument, NULL, 'b' },
		{ "receipt", required_argument, NULL, 'r' },
		{ "log-key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hjs:t:X:f:p:S:i:o:b:r:k:", opts, &idx)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 't': o->tender = optarg; break;
		case 'X': o->bid_xml = optarg; break;
		case 'i': o->identity = optarg; break;
		case 'o': o->out = optarg; break;
		case 'b': o->bid = optarg; break;
		case 'r': o->receipt = optarg; break;
		case 'k': o->log_key = optarg; break;
		case 'j': o->json = true; break;
		case 'f':
			if (o->noffers >= MAX_OFFERS)
				return client_usage_error(usage, "--offer 过多 / too many --offer");
			o->offers[o->noffers++] = optarg;
			break;
		case 'p':
		case 'S':
			/* part 1 is bid.xml */
			if (o->nparts >= BID_MAX_PARTS - 1)
				return client_usage_error(usage, "--part 过多 / too many --part");
			o->sealed[o->nparts] = c == 'S';
			o->parts[o->nparts++] = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return client_usage_error(usage, "未知选项或缺少参数 / unknown option or missing value: %s",
						  argv[optind - 1]);
		}
	}
	if (optind != argc)
		return client_usage_error(usage, "多余的参数 / unexpected argument: %s", argv[optind]);
	return 0;
}

/* "LOT:PRICE_FEN:DAYS" */
static int parse_offer(const char *s, struct bid_offer *of)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char *end;
	long long price, days;

	if (!c1 || !c2 || c1 == s || (size_t)(c1 - s) >= sizeof of->lot)
		return ET_EINVAL;
	memcpy(of->lot, s, (size_t)(c1 - s));
	of->lot[c1 - s] = 0;
	errno = 0;
	price = strtoll(c1 + 1, &end, 10);
	if (errno || end != c2 || price <= 0)
		return ET_EINVAL;
	days = strtoll(c2 + 1, &end, 10);
	if (errno || *end || days <= 0)
		return ET_EINVAL;
	of->price_fen = price;
	of->duration_days = days;
	return ET_OK;
}

/* "bid-" + 16 random characters of [a-z2-7]. */
static int new_bid_id(char out[TENDER_ID_LEN])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char rnd[16];
	int rc;

	if ((rc = crypto_random(rnd, sizeof rnd)))
		return rc;
	memcpy(out, "bid-", 4);
	for (size_t i = 0; i < sizeof rnd; i++)
		out[4 + i] = b32[rnd[i] & 31];
	out[4 + sizeof rnd] = 0;
	return ET_OK;
}

/* The tender's key-holder set in index order. */
static int fetch_holders(const struct client_session *s, const char *tender, unsigned *k,
			 unsigned *n, unsigned char (*pubs)[CRYPTO_X25519_LEN])
{
	char path[512], *et;
	json_t *j = NULL, *v;
	size_t i;
	int rc;

	if (!(et = curl_escape(tender, 0)))
		return client_error(ET_ENOMEM, "curl");
	client_fmt(path, sizeof path, "/api/tenders/%s/holders", et);
	curl_free(et);
	if ((rc = client_api(s, "GET", path, NULL, 0, NULL, "holders", &j)))
		return rc;
	*k = (unsigned)json_integer_value(json_object_get(j, "k"));
	*n = (unsigned)json_array_size(json_object_get(j, "holders"));
	if (*n < 2 || *n > ET_THRESHOLD_MAX_HOLDERS || *k < 2 || *k > *n) {
		rc = ET_EINVAL;
		client_error(rc, "%s: 保管人集合无效 / bad key-holder set", tender);
		goto out;
	}
	json_array_foreach(json_object_get(j, "holders"), i, v) {
		json_int_t idx = json_integer_value(json_object_get(v, "index"));
		char *hrp = NULL;
		unsigned char *d = NULL;
		size_t len = 0;

		rc = crypto_bech32_decode(client_jstr(v, "recipient"), &hrp, &d, &len);
		if (!rc && (idx < 1 || idx > (json_int_t)*n || strcmp(hrp, "age") ||
			    len != CRYPTO_X25519_LEN))
			rc = ET_EINVAL;
		if (!rc)
			memcpy(pubs[idx - 1], d, CRYPTO_X25519_LEN);
		free(hrp);
		free(d);
		if (rc) {
			client_error(rc, "%s: 保管人公钥无效 / bad holder key", tender);
			goto out;
		}
	}
out:
	json_decref(j);
	return rc;
}

/* Sealing: the plaintext from memory or a file, the ciphertext to a
 * temporary file hashed as it is written. */
struct src {
	const unsigned char *mem;
	size_t len, off;
	int fd;
};

static int src_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct src *s = ctx;
	ssize_t r;

	if (s->mem) {
		*got = s->len - s->off < cap ? s->len - s->off : cap;
		memcpy(buf, s->mem + s->off, *got);
		s->off += *got;
		return ET_OK;
	}
	do
		r = read(s->fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return ET_EIO;
	*got = (size_t)r;
	return ET_OK;
}

struct sink {
	int fd;
	struct crypto_sha256 *h;
	uint64_t size;
};

static int sink_write(void *ctx, const unsigned char *buf, size_t n)
{
	struct sink *k = ctx;

	if (et_write_all(k->fd, buf, n))
		return ET_EIO;
	crypto_sha256_update(k->h, buf, n);
	k->size += n;
	return ET_OK;
}

/* Seal src as part i of the bid into a new temporary file (tmp, to be
 * unlinked by the caller); ref gets its SHA-256 and size. */
static int seal_part(const char *tender, const char *bid, unsigned part, unsigned k, unsigned n,
		     const unsigned char (*pubs)[CRYPTO_X25519_LEN], struct src *in, char tmp[64],
		     struct bid_part_ref *ref)
{
	struct crypto_threshold_binding b = { tender, bid, part };
	struct crypto_age_recipient *r = NULL;
	struct sink sk = { -1, NULL, 0 };
	const char *dir = getenv("TMPDIR");
	int rc;

	if (!dir || !*dir || strlen(dir) > 40)
		dir = "/tmp";
	client_fmt(tmp, 64, "%s/etender-part-XXXXXX", dir);
	if ((sk.fd = mkstemp(tmp)) < 0) {
		tmp[0] = 0;
		return client_error(ET_EIO, "mkstemp");
	}
	if (!(sk.h = crypto_sha256_new())) {
		rc = client_error(ET_ENOMEM, "sha256");
		goto out;
	}
	if ((rc = crypto_threshold_recipient_new(&b, k, n, pubs, &r))) {
		client_error(rc, "part %u: 保管人 / holders", part);
		goto out;
	}
	if ((rc = crypto_age_encrypt((const struct crypto_age_recipient *const *)&r, 1, false,
				     src_read, in, sink_write, &sk))) {
		client_error(rc, "part %u: 密封 / seal", part);
		goto out;
	}
	if (fsync(sk.fd)) {
		rc = client_error(ET_EIO, "part %u", part);
		goto out;
	}
	crypto_sha256_final(sk.h, ref->sha256);
	sk.h = NULL;
	ref->size = sk.size;
out:
	if (sk.h)
		crypto_sha256_free(sk.h);
	crypto_age_recipient_free(r);
	close(sk.fd);
	return rc;
}

/* SHA-256 and size of a part sealed already, read in constant memory. */
static int hash_sealed(const char *file, struct bid_part_ref *ref)
{
	struct crypto_sha256 *h = crypto_sha256_new();
	unsigned char buf[65536];
	ssize_t r;
	int fd;

	if (!h)
		return client_error(ET_ENOMEM, "sha256");
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		crypto_sha256_free(h);
		return client_error(ET_EIO, "%s", file);
	}
	ref->size = 0;
	while ((r = read(fd, buf, sizeof buf)) > 0) {
		crypto_sha256_update(h, buf, (size_t)r);
		ref->size += (uint64_t)r;
	}
	close(fd);
	if (r < 0) {
		crypto_sha256_free(h);
		return client_error(ET_EIO, "%s", file);
	}
	crypto_sha256_final(h, ref->sha256);
	return ET_OK;
}

/* bid.xml from --bid-xml (read and checked against tender and org; *bid
 * from it) or built from the offers with a fresh bid id. */
static int make_bid_xml(const struct bid_opts *o, const char *org, struct et_buf *xml,
			char bid[TENDER_ID_LEN])
{
	struct bid_document *doc = calloc(1, sizeof *doc);
	struct tender_diag d;
	int rc = ET_OK, fd = -1;

	tender_diag_clear(&d);
	if (!doc)
		return client_error(ET_ENOMEM, "bid.xml");
	if (o->bid_xml) {
		unsigned char buf[65536];
		ssize_t r;

		if ((fd = open(o->bid_xml, O_RDONLY | O_CLOEXEC)) < 0) {
			rc = client_error(ET_EIO, "%s", o->bid_xml);
			goto out;
		}
		while ((r = read(fd, buf, sizeof buf)) > 0)
			if ((rc = et_buf_add(xml, buf, (size_t)r))) {
				client_error(rc, "%s", o->bid_xml);
				goto out;
			}
		if (r < 0) {
			rc = client_error(ET_EIO, "%s", o->bid_xml);
			goto out;
		}
		if ((rc = bid_xml_parse(xml->data, xml->len, doc, &d))) {
			client_error(rc, "%s: %s", o->bid_xml, d.msg);
			goto out;
		}
		if (strcmp(doc->tender, o->tender) || strcmp(doc->org, org)) {
			rc = ET_EINVAL;
			client_error(rc, "%s: bid.xml 所列项目或单位不符 / names another tender or firm",
				     o->bid_xml);
			goto out;
		}
		client_fmt(bid, TENDER_ID_LEN, "%s", doc->bid);
		goto out;
	}
	if ((rc = new_bid_id(bid))) {
		client_error(rc, "random");
		goto out;
	}
	client_fmt(doc->tender, sizeof doc->tender, "%s", o->tender);
	client_fmt(doc->bid, sizeof doc->bid, "%s", bid);
	client_fmt(doc->org, sizeof doc->org, "%s", org);
	for (size_t i = 0; i < o->noffers; i++)
		if (parse_offer(o->offers[i], &doc->offers[doc->noffers++])) {
			rc = ET_EINVAL;
			client_error(rc, "--offer %s (LOT:PRICE_FEN:DAYS)", o->offers[i]);
			goto out;
		}
	if ((rc = bid_xml_write(doc, xml)))
		client_error(rc, "bid.xml");
out:
	if (fd >= 0)
		close(fd);
	free(doc);
	return rc;
}

/* The latest log index the client saw: the tender version the bid answers
 * (every amendment published so far is at or before it). */
static int log_version(const struct client_session *s, uint64_t *version)
{
	struct client_http_resp r;
	const char *p;
	char *end;
	unsigned long long size;
	int rc;

	rc = client_http_get(s->url, "/log/checkpoint", NULL, ET_NOTE_MAX_LEN, &r);
	if (!rc && r.status != 200)
		rc = client_api_error(&r, "/log/checkpoint");
	else if (rc)
		client_error(rc, "/log/checkpoint: %s", r.error);
	if (!rc) {
		p = strchr((const char *)r.body.data, '\n');
		errno = 0;
		size = p ? strtoull(p + 1, &end, 10) : 0;
		if (!p || errno || *end != '\n' || !size)
			rc = client_error(ET_EINVAL, "/log/checkpoint");
		else
			*version = size - 1;
	}
	client_http_resp_free(&r);
	return rc;
}

static int bid_submit_cmd(const struct bid_opts *o)
{
	struct client_session s;
	struct client_identity id;
	struct bid_manifest m;
	struct et_buf xml, man;
	char tmps[BID_MAX_PARTS][64], path[512], outpath[4096], *et = NULL;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_X25519_LEN];
	unsigned k = 0, n = 0;
	json_t *me = NULL, *rcpt = NULL, *pr;
	struct client_out out;
	char *dump = NULL;
	int rc;

	memset(&id, 0, sizeof id);
	memset(&m, 0, sizeof m);
	memset(tmps, 0, sizeof tmps);
	et_buf_init(&xml, BID_XML_MAX);
	et_buf_init(&man, BID_MANIFEST_MAX);
	if (client_session_open(o->server, true, &s))
		return 1;
	if ((rc = client_identity_load(o->identity, &id))) {
		client_error(rc, "%s", o->identity);
		goto out;
	}
	if (!id.has_signing) {
		rc = client_error(ET_EINVAL, "%s: 无签名密钥 / no signing key", o->identity);
		goto out;
	}
	if ((rc = client_api(&s, "GET", "/api/me", NULL, 0, NULL, "whoami", &me)))
		goto out;
	pr = json_object_get(me, "principal");
	client_fmt(m.tender, sizeof m.tender, "%s", o->tender);
	client_fmt(m.org, sizeof m.org, "%s", client_jstr(pr, "org"));
	client_fmt(m.user, sizeof m.user, "%s", client_jstr(pr, "user"));
	if ((rc = fetch_holders(&s, o->tender, &k, &n, pubs)) || (rc = make_bid_xml(o, m.org, &xml, m.bid)) ||
	    (rc = log_version(&s, &m.version)))
		goto out;
	m.sealed_us = et_clock_now_us();
	m.nparts = 1 + o->nparts;
	for (size_t i = 0; i < m.nparts; i++) {
		struct src in = { NULL, 0, 0, -1 };

		if (i > 0 && o->sealed[i - 1]) {
			if ((rc = hash_sealed(o->parts[i - 1], &m.parts[i])))
				goto out;
			continue;
		}
		if (i == 0) {
			in.mem = xml.data;
			in.len = xml.len;
		} else if ((in.fd = open(o->parts[i - 1], O_RDONLY | O_CLOEXEC)) < 0) {
			rc = client_error(ET_EIO, "%s", o->parts[i - 1]);
			goto out;
		}
		rc = seal_part(m.tender, m.bid, (unsigned)i + 1, k, n,
			       (const unsigned char (*)[CRYPTO_X25519_LEN])pubs, &in, tmps[i],
			       &m.parts[i]);
		if (in.fd >= 0)
			close(in.fd);
		if (rc)
			goto out;
	}
	if ((rc = bid_manifest_sign(&m, id.sign_seed, &man))) {
		client_error(rc, "manifest");
		goto out;
	}
	if (!(et = curl_escape(o->tender, 0))) {
		rc = client_error(ET_ENOMEM, "curl");
		goto out;
	}
	client_fmt(path, sizeof path, "/api/tenders/%s/bids/parts", et);
	for (size_t i = 0; i < m.nparts; i++) {
		json_t *up = NULL;

		if ((rc = client_upload_file(&s, path, tmps[i][0] ? tmps[i] : o->parts[i - 1], &up)))
			goto out;
		json_decref(up);
	}
	client_fmt(path, sizeof path, "/api/tenders/%s/bids", et);
	if ((rc = client_api(&s, "POST", path, man.data, man.len, "text/plain", "bid submit", &rcpt)))
		goto out;
	if (o->out)
		client_fmt(outpath, sizeof outpath, "%s", o->out);
	else
		client_fmt(outpath, sizeof outpath, "%s.receipt.json", m.bid);
	if (!(dump = json_dumps(rcpt, JSON_INDENT(2) | JSON_SORT_KEYS))) {
		rc = client_error(ET_ENOMEM, "receipt");
		goto out;
	}
	if ((rc = client_out_open(&out, outpath, 0600))) {
		client_error(rc, "%s", outpath);
		goto out;
	}
	if (et_write_all(out.fd, dump, strlen(dump)) || et_write_all(out.fd, "\n", 1)) {
		client_out_abort(&out);
		rc = client_error(ET_EIO, "%s", outpath);
		goto out;
	}
	if ((rc = client_out_finish(&out))) {
		client_error(rc, "%s", outpath);
		goto out;
	}
	if (o->json) {
		client_json_print(rcpt);
	} else {
		char when[96];

		client_time_fmt(json_integer_value(json_object_get(rcpt, "arrival_us")), when,
				sizeof when);
		printf("%s\n已收到 / received: %s, 日志序号 / log index %lld\n回执 / receipt: %s\n",
		       m.bid, when, (long long)json_integer_value(json_object_get(rcpt, "index")),
		       outpath);
	}
out:
	for (size_t i = 0; i < BID_MAX_PARTS; i++)
		if (tmps[i][0])
			unlink(tmps[i]);
	free(dump);
	curl_free(et);
	json_decref(rcpt);
	json_decref(me);
	et_buf_free(&xml);
	et_buf_free(&man);
	client_identity_free(&id);
	client_session_close(&s);
	return rc ? 1 : 0;
}

/* POST /api/tenders/T/bids/BID/<action>: withdraw or reconfirm. */
static int bid_action_cmd(const struct bid_opts *o, const char *action)
{
	struct client_session s;
	char path[512], *et = NULL, *eb = NULL;
	json_t *j = NULL;
	int rc;

	if (client_session_open(o->server, true, &s))
		return 1;
	if (!(et = curl_escape(o->tender, 0)) || !(eb = curl_escape(o->bid, 0))) {
		rc = client_error(ET_ENOMEM, "curl");
		goto out;
	}
	client_fmt(path, sizeof path, "/api/tenders/%s/bids/%s/%s", et, eb, action);
	if ((rc = client_api(&s, "POST", path, NULL, 0, NULL, action, &j)))
		goto out;
	if (o->json)
		client_json_print(j);
	else if (!strcmp(action, "withdraw"))
		printf("%s: 已撤回 / withdrawn\n", o->bid);
	else
		printf("%s: 已重新确认，响应项目版本 %lld / re-confirmed, answers tender version %lld\n",
		       o->bid, (long long)json_integer_value(json_object_get(j, "version")),
		       (long long)json_integer_value(json_object_get(j, "version")));
out:
	curl_free(et);
	curl_free(eb);
	json_decref(j);
	client_session_close(&s);
	return rc ? 1 : 0;
}

int client_cmd_bid(int argc, char **argv)
{
	struct bid_opts o;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(bid_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(sub, "submit") && strcmp(sub, "withdraw") && strcmp(sub, "reconfirm"))
		return client_usage_error(bid_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = parse_opts(argc - 1, argv + 1, bid_usage, &o)))
		return rc < 0 ? 0 : rc;
	if (!o.tender)
		return client_usage_error(bid_usage, "需要 --tender / --tender is required");
	if (!strcmp(sub, "withdraw") || !strcmp(sub, "reconfirm")) {
		if (!o.bid)
			return client_usage_error(bid_usage, "需要 --bid / --bid is required");
		return bid_action_cmd(&o, sub);
	}
	if (!o.identity)
		return client_usage_error(bid_usage, "需要 -i IDENTITY / -i IDENTITY is required");
	if (!o.bid_xml == !o.noffers)
		return client_usage_error(bid_usage,
			"须且只能给出 --bid-xml 或 --offer 之一 / give --bid-xml or --offer, not both");
	return bid_submit_cmd(&o);
}

/* ---- receipt verify ---------------------------------------------------- */

static int load_json(const char *path, json_t **out)
{
	json_error_t je;

	if (!(*out = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return client_error(ET_EINVAL, "%s: %s", path, je.text);
	}
	return ET_OK;
}

/* ET_OK or ET_EVERIFY (reason printed): the note is signed by the log key,
 * parses as a checkpoint of checkpoint_size, and the leaf with its proof
 * is included at index under its root. */
static int receipt_check(json_t *j, const char *vkey)
{
	const char *note = client_jstr(j, "checkpoint"), *leaf64 = client_jstr(j, "leaf");
	json_t *proof = json_object_get(j, "proof"), *v;
	json_int_t index = json_integer_value(json_object_get(j, "index"));
	json_int_t size = json_integer_value(json_object_get(j, "checkpoint_size"));
	unsigned char pub[32], lh[AUDIT_HASH_LEN], (*p)[AUDIT_HASH_LEN] = NULL, *leaf = NULL;
	struct audit_checkpoint cp;
	char *name = NULL, *text = NULL;
	size_t np = json_array_size(proof), llen = 0, got, i;
	int rc;

	if ((rc = audit_note_vkey_parse(vkey, &name, pub, NULL))) {
		client_error(rc, "--log-key");
		goto out;
	}
	if ((rc = audit_note_verify(note, strlen(note), name, pub, &text))) {
		client_error(ET_EVERIFY, "检查点签名无效 / the checkpoint's signature does not verify");
		rc = ET_EVERIFY;
		goto out;
	}
	memset(&cp, 0, sizeof cp);
	if (audit_checkpoint_parse(text, strlen(text), &cp) || (json_int_t)cp.size != size ||
	    index < 0 || index >= size || !json_is_array(proof) || np > 64) {
		rc = client_error(ET_EVERIFY, "回执字段与检查点不符 / the receipt's fields do not match its checkpoint");
		rc = ET_EVERIFY;
		goto out;
	}
	if (!(p = calloc(np ? np : 1, sizeof *p)) || !(leaf = malloc(strlen(leaf64) + 1))) {
		rc = client_error(ET_ENOMEM, "receipt");
		goto out;
	}
	json_array_foreach(proof, i, v) {
		if (!json_is_string(v) ||
		    et_b64_decode(json_string_value(v), json_string_length(v), p[i], AUDIT_HASH_LEN,
				  &got) || got != AUDIT_HASH_LEN) {
			client_error(ET_EVERIFY, "证明格式错误 / malformed proof hash %zu", i);
			rc = ET_EVERIFY;
			goto out;
		}
	}
	if (et_b64_decode(leaf64, strlen(leaf64), leaf, strlen(leaf64) + 1, &llen) || !llen) {
		client_error(ET_EVERIFY, "叶子格式错误 / malformed leaf");
		rc = ET_EVERIFY;
		goto out;
	}
	audit_leaf_hash(leaf, llen, lh);
	if (audit_verify_inclusion((uint64_t)index, cp.size, lh, (const unsigned char (*)[AUDIT_HASH_LEN])p,
				   np, cp.root)) {
		client_error(ET_EVERIFY, "包含证明无效 / the inclusion proof does not verify");
		rc = ET_EVERIFY;
		goto out;
	}
	rc = ET_OK;
out:
	free(name);
	free(text);
	free(p);
	free(leaf);
	return rc;
}

int client_cmd_receipt(int argc, char **argv)
{
	struct bid_opts o;
	struct client_pins pins;
	const char *vkey;
	json_t *j = NULL;
	char when[96];
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(receipt_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "verify"))
		return client_usage_error(receipt_usage, "未知子命令 / unknown subcommand: %s", argv[1]);
	if ((rc = parse_opts(argc - 1, argv + 1, receipt_usage, &o)))
		return rc < 0 ? 0 : rc;
	if (!o.receipt)
		return client_usage_error(receipt_usage, "需要 --receipt / --receipt is required");
	vkey = o.log_key;
	if (!vkey) {
		struct client_session s;

		/* the pinned key only: no request is made */
		if (client_session_open(o.server, false, &s))
			return 1;
		rc = client_pins_load(s.url, &pins);
		client_session_close(&s);
		if (rc || !pins.log_vkey[0])
			return client_usage_error(receipt_usage,
				"该服务器未固定日志公钥，请给出 --log-key / no log key pinned for the server: give --log-key");
		vkey = pins.log_vkey;
	}
	if (load_json(o.receipt, &j))
		return 1;
	rc = receipt_check(j, vkey);
	if (!rc) {
		client_time_fmt(json_integer_value(json_object_get(j, "arrival_us")), when, sizeof when);
		printf("回执有效 / receipt verifies: %s, 投标 / bid %s, 日志序号 / leaf %lld in checkpoint %lld\n"
		       "收到时间 / received: %s\n清单哈希 / manifest SHA-256: %s\n"
		       "(叶子的承诺在截标揭示时打开 / the leaf's commitment opens with the reveal at the close)\n",
		       client_jstr(j, "tender"), client_jstr(j, "bid"),
		       (long long)json_integer_value(json_object_get(j, "index")),
		       (long long)json_integer_value(json_object_get(j, "checkpoint_size")), when,
		       client_jstr(j, "manifest_sha256"));
	}
	json_decref(j);
	return rc ? 1 : 0;
}
