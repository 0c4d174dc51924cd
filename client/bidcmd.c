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
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "audit/audit.h"
#include "bidding/bidding.h"
#include "client/client.h"

static const char bid_usage[] =
	"用法 / usage: etender bid submit --tender T -i IDENTITY (--bid-xml FILE | --offer LOT:PRICE_FEN:DAYS...)\n"
	"                 [--field ID=TEXT]... [--part FILE | --sealed-part AGEFILE]... [-o RECEIPT]\n"
	"                 [--work DIR]\n"
	"       etender bid withdraw --tender T --bid BID\n"
	"       etender bid reconfirm --tender T --bid BID\n"
	"  投标人在本机把每个部分按本项目的开标密钥保管人（k/n）密封，用本人签名密钥\n"
	"  签署清单，流式上传各部分与清单，并把回执保存到 RECEIPT（默认 BID.receipt.json）。\n"
	"  第 1 部分为 bid.xml：--bid-xml 给出现成文件（其中的项目、投标编号与单位须一致），\n"
	"  或由 --offer 逐标段生成（价格单位：分）。--sealed-part 为已用 etender seal --holders\n"
	"  密封好的部分（原样上传）。密封文件与状态文件 state.json 保存在 DIR（默认\n"
	"  ./etender-bid-T-USER）：传输中断或再次运行同一命令时从服务器已收到的偏移续传，\n"
	"  不重新密封；收到回执后删除 DIR。\n"
	"  A bidder seals every part on its own machine to the tender's key holders\n"
	"  (k of n), signs the manifest with its Ed25519 key, uploads the parts\n"
	"  (streamed) and the manifest, and saves the receipt to RECEIPT (default\n"
	"  BID.receipt.json). Part 1 is bid.xml: a given file (naming this tender,\n"
	"  its bid id and the bidder's firm) or one built from --offer per lot\n"
	"  (price in fen) and --field, the answers to the tender's opening fields\n"
	"  (唱标字段, read out with the price). --sealed-part: a part sealed already (etender seal\n"
	"  --holders, binary), uploaded as is. The sealed files and a state file\n"
	"  (state.json) are kept in DIR (default ./etender-bid-T-USER): after a broken\n"
	"  transfer, or when the same command runs again, the upload resumes at\n"
	"  the offset the server holds, without sealing again; DIR is removed once\n"
	"  the receipt is saved. Withdraw a live bid before the\n"
	"  deadline. reconfirm: after an amendment (see etender notices), confirm\n"
	"  that a live bid stands against the amended tender (rules et.amend.bid).\n"
	"  投标后招标文件澄清或修改的，按规则 et.amend.bid 在截止前重新确认投标。\n"
	"  All take\n"
	"  [--server URL].\n";

static const char receipt_usage[] =
	"用法 / usage: etender receipt verify --receipt FILE [--log-key VKEY | --server URL]\n"
	"  离线核验回执：检查点的日志签名、叶子的包含证明，以及盐值与事件打开叶子的\n"
	"  承诺且事件所列项目、投标、清单哈希与收到时间相符（不联网）。未给 --log-key\n"
	"  时用该服务器已固定的日志公钥。\n"
	"  Verify a receipt offline: the log's signature on the checkpoint, the\n"
	"  leaf's inclusion proof, and that the salt and event open the leaf's\n"
	"  commitment and name the receipt's tender, bid, manifest hash and time of\n"
	"  receipt (no network). Without --log-key the log key pinned for the\n"
	"  server is used.\n";

#define MAX_OFFERS BID_MAX_OFFERS

struct bid_opts {
	const char *server, *tender, *bid_xml, *identity, *out, *bid, *receipt, *log_key, *work;
	const char *offers[MAX_OFFERS];
	size_t noffers;
	const char *fields[TENDER_OPENING_FIELDS_MAX];
	size_t nfields;
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
		{ "field", required_argument, NULL, 'F' },
		{ "part", required_argument, NULL, 'p' },
		{ "sealed-part", required_argument, NULL, 'S' },
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "bid", required_argument, NULL, 'b' },
		{ "receipt", required_argument, NULL, 'r' },
		{ "log-key", required_argument, NULL, 'k' },
		{ "work", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hjs:t:X:f:F:p:S:i:o:b:r:k:w:", opts, &idx)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 't': o->tender = optarg; break;
		case 'X': o->bid_xml = optarg; break;
		case 'i': o->identity = optarg; break;
		case 'o': o->out = optarg; break;
		case 'b': o->bid = optarg; break;
		case 'r': o->receipt = optarg; break;
		case 'k': o->log_key = optarg; break;
		case 'w': o->work = optarg; break;
		case 'j': o->json = true; break;
		case 'f':
			if (o->noffers >= MAX_OFFERS)
				return client_usage_error(usage, "--offer 过多 / too many --offer");
			o->offers[o->noffers++] = optarg;
			break;
		case 'F':
			if (o->nfields >= TENDER_OPENING_FIELDS_MAX)
				return client_usage_error(usage, "--field 过多 / too many --field");
			o->fields[o->nfields++] = optarg;
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

/* The key-holder set the server hands out must be the one the public log
 * records: the holders' per-tender keys (holder_key.registered) as they
 * stood when the set was approved (keyholders.approved, after the last
 * tender.drafted, which voids earlier keys). Reads every public leaf
 * through /log/entries. ET_OK, or ET_EKEY with a bilingual message. */
/* The RFC 9162 root of leaves appended one by one, in constant memory: the
 * roots of the perfect subtrees of the leaves so far, largest first. */
struct compact_range {
	unsigned char h[64][AUDIT_HASH_LEN];
	unsigned height[64];
	unsigned n;
};

static void range_add(struct compact_range *c, const unsigned char leaf_hash[AUDIT_HASH_LEN])
{
	memcpy(c->h[c->n], leaf_hash, AUDIT_HASH_LEN);
	c->height[c->n++] = 0;
	while (c->n >= 2 && c->height[c->n - 1] == c->height[c->n - 2]) {
		audit_node_hash(c->h[c->n - 2], c->h[c->n - 1], c->h[c->n - 2]);
		c->height[c->n - 2]++;
		c->n--;
	}
}

static void range_root(const struct compact_range *c, unsigned char root[AUDIT_HASH_LEN])
{
	memcpy(root, c->h[c->n - 1], AUDIT_HASH_LEN);
	for (unsigned i = c->n - 1; i-- > 0;)
		audit_node_hash(c->h[i], root, root);
}

/* The latest checkpoint, its signature checked with the log key pinned
 * for the server (at login). */
static int signed_checkpoint(const struct client_session *s, struct audit_checkpoint *cp)
{
	struct client_pins pins;
	struct client_http_resp r;
	char *name = NULL, *text = NULL;
	unsigned char pub[32];
	int rc;

	if ((rc = client_pins_load(s->url, &pins)) || !pins.log_vkey[0])
		return client_error(ET_EKEY, "未固定该服务器的日志公钥，请重新登录 / no log key pinned for "
				    "the server: log in again");
	if ((rc = client_http_get(s->url, "/log/checkpoint", NULL, ET_NOTE_MAX_LEN, &r)) || r.status != 200) {
		rc = rc ? client_error(rc, "/log/checkpoint: %s", r.error) : client_api_error(&r, "/log/checkpoint");
		client_http_resp_free(&r);
		return rc;
	}
	memset(cp, 0, sizeof *cp);
	if (audit_note_vkey_parse(pins.log_vkey, &name, pub, NULL) ||
	    audit_note_verify((const char *)r.body.data, r.body.len, name, pub, &text) ||
	    audit_checkpoint_parse(text, strlen(text), cp))
		rc = client_error(ET_EVERIFY, "检查点签名无效 / the checkpoint's signature does not verify");
	client_http_resp_free(&r);
	free(name);
	free(text);
	return rc;
}

static int check_holders_logged(const struct client_session *s, const char *tender, unsigned k,
				unsigned n, const unsigned char (*pubs)[CRYPTO_X25519_LEN])
{
	char keys[ET_THRESHOLD_MAX_HOLDERS][128], approved[ET_THRESHOLD_MAX_HOLDERS][128], path[128];
	bool is_approved = false;
	json_int_t logged_k = 0;
	uint64_t start = 0;
	struct audit_checkpoint cp;
	struct compact_range *range = calloc(1, sizeof *range);
	unsigned char root[AUDIT_HASH_LEN], lh[AUDIT_HASH_LEN];
	int rc = ET_OK;

	memset(keys, 0, sizeof keys);
	memset(approved, 0, sizeof approved);
	if (!range)
		return client_error(ET_ENOMEM, "holders");
	if ((rc = signed_checkpoint(s, &cp)))
		goto out;
	if (!cp.size) {
		rc = client_error(ET_EVERIFY, "/log/checkpoint");
		goto out;
	}
	while (start < cp.size) {
		json_t *j = NULL, *v;
		struct client_http_resp r;
		size_t i, got;

		client_fmt(path, sizeof path, "/log/entries?start=%llu&count=%llu",
			   (unsigned long long)start,
			   (unsigned long long)(cp.size - start < ET_HTTP_ENTRIES_PAGE ? cp.size - start
										  : ET_HTTP_ENTRIES_PAGE));
		if ((rc = client_http_get(s->url, path, NULL, ET_HTTP_MAX_BODY, &r)) || r.status != 200) {
			rc = rc ? client_error(rc, "%s: %s", path, r.error) : client_api_error(&r, path);
			client_http_resp_free(&r);
			goto out;
		}
		j = json_loadb((const char *)r.body.data, r.body.len, 0, NULL);
		client_http_resp_free(&r);
		got = json_array_size(json_object_get(j, "entries"));
		json_array_foreach(json_object_get(j, "entries"), i, v) {
			const char *b64 = client_jstr(v, "leaf");
			unsigned char *leaf = malloc(strlen(b64) + 1);
			size_t len = 0;
			struct audit_leaf lf;
			json_t *pl;

			if (!leaf || et_b64_decode(b64, strlen(b64), leaf, strlen(b64) + 1, &len) ||
			    audit_leaf_decode(leaf, len, &lf) || start + i >= cp.size ||
			    json_integer_value(json_object_get(v, "index")) != (json_int_t)(start + i)) {
				free(leaf);
				json_decref(j);
				rc = client_error(ET_EVERIFY, "/log/entries: 叶子无效 / malformed leaf");
				goto out;
			}
			audit_leaf_hash(leaf, len, lh);
			range_add(range, lh);
			if (lf.type == AUDIT_LEAF_EVENT && !strcmp(lf.tender, tender)) {
				pl = json_loadb((const char *)lf.ev.payload, lf.ev.payload_len, 0, NULL);
				if (!strcmp(lf.kind, "tender.drafted")) {
					memset(keys, 0, sizeof keys);
					is_approved = false;
					logged_k = json_integer_value(json_object_get(pl, "k"));
				} else if (!strcmp(lf.kind, "holder_key.registered")) {
					json_int_t idx = json_integer_value(json_object_get(pl, "index"));

					if (idx >= 1 && idx <= ET_THRESHOLD_MAX_HOLDERS)
						client_fmt(keys[idx - 1], sizeof keys[0], "%s",
							   client_jstr(pl, "recipient"));
				} else if (!strcmp(lf.kind, "keyholders.approved")) {
					memcpy(approved, keys, sizeof keys);
					is_approved = true;
				}
				json_decref(pl);
			}
			free(leaf);
		}
		json_decref(j);
		if (!got) {
			rc = client_error(ET_EVERIFY, "/log/entries: 日志短于检查点 / the log is shorter than "
					  "its checkpoint");
			goto out;
		}
		start += got;
	}
	range_root(range, root);
	free(range);
	range = NULL;
	if (memcmp(root, cp.root, AUDIT_HASH_LEN))
		return client_error(ET_EVERIFY, "日志条目与签名检查点不符 / the log's entries do not match "
				    "its signed checkpoint");
	if (!is_approved || (logged_k && (unsigned)logged_k != k))
		return client_error(ET_EKEY, "%s: 日志中没有已批准的开标密钥保管人集合 / the log records no "
				    "approved key-holder set for this tender", tender);
	for (unsigned i = 0; i < ET_THRESHOLD_MAX_HOLDERS; i++) {
		char *hrp = NULL;
		unsigned char *key = NULL;
		size_t klen = 0;
		bool same;

		if (i >= n) {
			if (approved[i][0])
				return client_error(ET_EKEY, "%s: 服务器给出的保管人少于日志记录 / the server "
						    "lists fewer key holders than the log", tender);
			continue;
		}
		same = approved[i][0] && !crypto_bech32_decode(approved[i], &hrp, &key, &klen) &&
		       klen == CRYPTO_X25519_LEN && !memcmp(key, pubs[i], CRYPTO_X25519_LEN);
		free(hrp);
		free(key);
		if (!same)
			return client_error(ET_EKEY, "%s: 保管人 %u 的公钥与日志记录不符，拒绝密封 / key holder %u's "
					    "key is not the one the log records: refusing to seal",
					    tender, i + 1, i + 1);
	}
	return ET_OK;
out:
	free(range);
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

/* Seal src as part i of the bid into the file out (created, 0600); ref
 * gets its SHA-256 and size. */
static int seal_part(const char *tender, const char *bid, unsigned part, unsigned k, unsigned n,
		     const unsigned char (*pubs)[CRYPTO_X25519_LEN], struct src *in, const char *out,
		     struct bid_part_ref *ref)
{
	struct crypto_threshold_binding b = { tender, bid, part };
	struct crypto_age_recipient *r = NULL;
	struct sink sk = { -1, NULL, 0 };
	int rc;

	if ((sk.fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return client_error(ET_EIO, "%s", out);
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
	for (size_t i = 0; i < o->nfields; i++) {
		const char *eq = strchr(o->fields[i], '=');
		struct bid_field *f = &doc->fields[doc->nfields++];
		if (!eq || eq == o->fields[i] || (size_t)(eq - o->fields[i]) >= sizeof f->id ||
		    strlen(eq + 1) >= sizeof f->value) {
			rc = ET_EINVAL;
			client_error(rc, "--field %s (ID=TEXT)", o->fields[i]);
			goto out;
		}
		memcpy(f->id, o->fields[i], (size_t)(eq - o->fields[i]));
		f->id[eq - o->fields[i]] = 0;
		memcpy(f->value, eq + 1, strlen(eq + 1) + 1);
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

/* The work folder: the sealed parts (part-N.age) and state.json, kept
 * until the receipt is saved so that a run after a break resumes. */
#define STATE_FORMAT "etender-bid-state/v1"

static void work_dir_of(const struct bid_opts *o, const char *user, char *out, size_t cap)
{
	if (o->work) {
		client_fmt(out, cap, "%s", o->work);
		return;
	}
	client_fmt(out, cap, "etender-bid-%s-%s", o->tender, user);
	for (char *p = out + strlen("etender-bid-"); *p; p++)
		if (*p == '/')
			*p = '_';
}

static int stat_line(struct et_buf *b, const char *tag, const char *file)
{
	struct stat st;

	if (stat(file, &st))
		return client_error(ET_EIO, "%s", file);
	return et_buf_printf(b, "%s %s %lld %lld.%09ld\n", tag, file, (long long)st.st_size,
			     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec) ? ET_ENOMEM : ET_OK;
}

/* What the bid is made of (the command's inputs), hashed: a state file
 * made from other inputs is not resumed. */
static int inputs_digest(const struct bid_opts *o, const char *org, const char *user, char hex[65])
{
	struct et_buf b;
	unsigned char h[32];
	int rc = ET_ENOMEM;

	et_buf_init(&b, 1u << 16);
	if (et_buf_printf(&b, "%s\n%s\n%s\n%s\n", STATE_FORMAT, o->tender, org, user))
		goto out;
	if (o->bid_xml && (rc = stat_line(&b, "bid-xml", o->bid_xml)))
		goto out;
	for (size_t i = 0; i < o->noffers; i++)
		if (et_buf_printf(&b, "offer %s\n", o->offers[i]))
			goto out;
	for (size_t i = 0; i < o->nfields; i++)
		if (et_buf_printf(&b, "field %zu %s\n", strlen(o->fields[i]), o->fields[i]))
			goto out;
	for (size_t i = 0; i < o->nparts; i++)
		if ((rc = stat_line(&b, o->sealed[i] ? "sealed" : "part", o->parts[i])))
			goto out;
	crypto_sha256(b.data, b.len, h);
	et_hex_encode(h, 32, hex);
	rc = ET_OK;
out:
	if (rc == ET_ENOMEM)
		client_error(rc, "inputs");
	et_buf_free(&b);
	return rc;
}

static json_t *doc_meta(unsigned part, const char *file, const char *name, uint64_t size, bool sealed)
{
	struct stat st;
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;

	json_t *j;

	if (file && !stat(file, &st))
		j = json_pack("{s:I, s:I, s:I, s:b}", "part", (json_int_t)part, "size",
			      (json_int_t)st.st_size, "mtime_us",
			      (json_int_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000,
			      "sealed", sealed);
	else
		j = json_pack("{s:I, s:I, s:b}", "part", (json_int_t)part, "size", (json_int_t)size,
			      "sealed", sealed);
	/* a name that is not UTF-8, or too long, is left out */
	if (j && strlen(base) <= 1024)
		(void)json_object_set_new(j, "name", json_string(base));
	/* a PDF's author and creating software, read before sealing (pdfmeta.c) */
	if (j && file && !sealed) {
		char author[CLIENT_PDF_META_MAX + 1], software[CLIENT_PDF_META_MAX + 1];
		if (!client_pdf_info(file, author, software, sizeof author)) {
			if (author[0])
				(void)json_object_set_new(j, "author", json_string(author));
			if (software[0])
				(void)json_object_set_new(j, "software", json_string(software));
		}
	}
	return j;
}

/* Remove the work folder's files and the folder. */
static void work_remove(const char *dir, json_t *files)
{
	char p[4200];
	size_t i;
	json_t *v;

	json_array_foreach(files, i, v) {
		const char *f = json_string_value(v);

		if (f && !strncmp(f, dir, strlen(dir)) && f[strlen(dir)] == '/')
			(void)unlink(f);
	}
	client_fmt(p, sizeof p, "%s/state.json", dir);
	(void)unlink(p);
	(void)rmdir(dir);
}

static int state_save(const char *dir, json_t *st)
{
	struct client_out out;
	char p[4200], *text = json_dumps(st, JSON_INDENT(1) | JSON_SORT_KEYS);
	int rc;

	if (!text)
		return client_error(ET_ENOMEM, "state");
	client_fmt(p, sizeof p, "%s/state.json", dir);
	if ((rc = client_out_open(&out, p, 0600))) {
		free(text);
		return client_error(rc, "%s", p);
	}
	if (et_write_all(out.fd, text, strlen(text))) {
		client_out_abort(&out);
		free(text);
		return client_error(ET_EIO, "%s", p);
	}
	free(text);
	if ((rc = client_out_finish(&out)))
		return client_error(rc, "%s", p);
	return ET_OK;
}

/* Seal every part into dir and sign the manifest: the new state. */
static int seal_bid(const struct bid_opts *o, const struct client_session *s,
		    const struct client_identity *id, const char *org, const char *user,
		    const char *dir, const char *inputs, json_t **state)
{
	struct bid_manifest m;
	struct et_buf xml, man;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_X25519_LEN];
	unsigned k = 0, n = 0;
	json_t *files = json_array(), *docs = json_array();
	char path[4200];
	int rc;

	*state = NULL;
	memset(&m, 0, sizeof m);
	et_buf_init(&xml, BID_XML_MAX);
	et_buf_init(&man, BID_MANIFEST_MAX);
	if (!files || !docs) {
		rc = client_error(ET_ENOMEM, "state");
		goto out;
	}
	client_fmt(m.tender, sizeof m.tender, "%s", o->tender);
	client_fmt(m.org, sizeof m.org, "%s", org);
	client_fmt(m.user, sizeof m.user, "%s", user);
	if ((rc = fetch_holders(s, o->tender, &k, &n, pubs)) ||
	    (rc = check_holders_logged(s, o->tender, k, n,
				       (const unsigned char (*)[CRYPTO_X25519_LEN])pubs)) ||
	    (rc = make_bid_xml(o, m.org, &xml, m.bid)) || (rc = log_version(s, &m.version)))
		goto out;
	m.sealed_us = et_clock_now_us();
	m.nparts = 1 + o->nparts;
	for (size_t i = 0; i < m.nparts; i++) {
		struct src in = { NULL, 0, 0, -1 };
		json_t *dm;

		if (i > 0 && o->sealed[i - 1]) {
			if ((rc = hash_sealed(o->parts[i - 1], &m.parts[i])))
				goto out;
			dm = doc_meta((unsigned)i + 1, o->parts[i - 1], o->parts[i - 1], 0, true);
			if (!dm || json_array_append_new(docs, dm) ||
			    json_array_append_new(files, json_string(o->parts[i - 1]))) {
				rc = client_error(ET_ENOMEM, "state");
				goto out;
			}
			continue;
		}
		if (i == 0) {
			in.mem = xml.data;
			in.len = xml.len;
		} else if ((in.fd = open(o->parts[i - 1], O_RDONLY | O_CLOEXEC)) < 0) {
			rc = client_error(ET_EIO, "%s", o->parts[i - 1]);
			goto out;
		}
		client_fmt(path, sizeof path, "%s/part-%zu.age", dir, i + 1);
		rc = seal_part(m.tender, m.bid, (unsigned)i + 1, k, n,
			       (const unsigned char (*)[CRYPTO_X25519_LEN])pubs, &in, path,
			       &m.parts[i]);
		if (in.fd >= 0)
			close(in.fd);
		if (rc)
			goto out;
		dm = i == 0 ? doc_meta(1, o->bid_xml, o->bid_xml ? o->bid_xml : "bid.xml", xml.len, false)
			    : doc_meta((unsigned)i + 1, o->parts[i - 1], o->parts[i - 1], 0, false);
		if (!dm || json_array_append_new(docs, dm) ||
		    json_array_append_new(files, json_string(path))) {
			rc = client_error(ET_ENOMEM, "state");
			goto out;
		}
	}
	if ((rc = bid_manifest_sign(&m, id->sign_seed, &man))) {
		client_error(rc, "manifest");
		goto out;
	}
	if (!(*state = json_pack("{s:s, s:s, s:s, s:s, s:s%, s:O, s:O}", "format", STATE_FORMAT,
				 "tender", o->tender, "inputs", inputs, "bid", m.bid, "manifest",
				 (const char *)man.data, man.len, "files", files, "documents", docs))) {
		rc = client_error(ET_ENOMEM, "state");
		goto out;
	}
	rc = state_save(dir, *state);
out:
	if (rc && !*state) {
		/* nothing resumable: remove what was sealed */
		json_t *st = json_pack("{s:O}", "files", files);
		work_remove(dir, json_object_get(st, "files"));
		json_decref(st);
	} else if (rc) {
		json_decref(*state);
		*state = NULL;
	}
	json_decref(files);
	json_decref(docs);
	et_buf_free(&xml);
	et_buf_free(&man);
	return rc;
}

/* The saved state of an earlier run, if it is for these inputs. */
static json_t *state_load(const char *dir, const char *tender, const char *inputs)
{
	char p[4200];
	json_t *st;

	client_fmt(p, sizeof p, "%s/state.json", dir);
	if (!(st = json_load_file(p, JSON_REJECT_DUPLICATES, NULL)))
		return NULL;
	if (strcmp(client_jstr(st, "format"), STATE_FORMAT) || strcmp(client_jstr(st, "tender"), tender) ||
	    strcmp(client_jstr(st, "inputs"), inputs) || !json_is_array(json_object_get(st, "files")) ||
	    !json_is_string(json_object_get(st, "manifest"))) {
		fprintf(stderr, "etender: %s 中的状态属于其他输入，重新密封 / the state in %s is for "
				"other inputs: sealing afresh\n", dir, dir);
		work_remove(dir, json_object_get(st, "files"));
		json_decref(st);
		return NULL;
	}
	return st;
}

static int bid_submit_cmd(const struct bid_opts *o)
{
	struct client_session s;
	struct client_identity id;
	struct bid_manifest m;
	struct tender_diag d;
	char dir[4096], outpath[4096], inputs[65], device[65];
	const char *manifest;
	json_t *me = NULL, *rcpt = NULL, *pr, *st = NULL, *files;
	struct client_out out;
	char *dump = NULL;
	int rc;

	memset(&id, 0, sizeof id);
	tender_diag_clear(&d);
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
	if ((rc = client_device_id(device))) {
		client_error(rc, "device");
		goto out;
	}
	if ((rc = client_api(&s, "GET", "/api/me", NULL, 0, NULL, "whoami", &me)))
		goto out;
	pr = json_object_get(me, "principal");
	work_dir_of(o, client_jstr(pr, "user"), dir, sizeof dir);
	if ((rc = inputs_digest(o, client_jstr(pr, "org"), client_jstr(pr, "user"), inputs)))
		goto out;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		rc = client_error(ET_EIO, "%s", dir);
		goto out;
	}
	st = state_load(dir, o->tender, inputs);
	if (!st && mkdir(dir, 0700) && errno != EEXIST) {
		rc = client_error(ET_EIO, "%s", dir);
		goto out;
	}
	if (st)
		fprintf(stderr, "etender: 续传 %s 中已密封的投标 %s / resuming the bid %s sealed in %s\n",
			dir, client_jstr(st, "bid"), client_jstr(st, "bid"), dir);
	else if ((rc = seal_bid(o, &s, &id, client_jstr(pr, "org"), client_jstr(pr, "user"), dir,
				inputs, &st)))
		goto out;
	manifest = json_string_value(json_object_get(st, "manifest"));
	files = json_object_get(st, "files");
	if ((rc = bid_manifest_parse(manifest, strlen(manifest), &m, &d)) ||
	    json_array_size(files) != m.nparts) {
		rc = client_error(rc ? rc : ET_EINVAL, "%s/state.json: %s", dir, d.msg);
		goto out;
	}
	for (size_t i = 0; i < m.nparts; i++) {
		char what[64];

		client_fmt(what, sizeof what, "part %zu/%zu", i + 1, m.nparts);
		json_t *dm = json_array_get(json_object_get(st, "documents"), i);
		json_t *docs = dm ? json_pack("[O]", dm) : NULL;

		rc = client_part_upload(&s, o->tender, json_string_value(json_array_get(files, i)),
					&m.parts[i], docs, device, what);
		json_decref(docs);
		if (rc)
			goto out;
	}
	if ((rc = client_manifest_post(&s, o->tender, manifest, strlen(manifest), device, &rcpt)))
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
	work_remove(dir, files);
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
	if (rc && st)
		fprintf(stderr, "etender: 已密封的投标保留在 %s：同一命令再次运行时从服务器已收到处续传，"
				"或删除该目录 / the sealed bid is kept in %s: the same command run again "
				"resumes where the server stopped, or remove the folder\n", dir, dir);
	free(dump);
	json_decref(st);
	json_decref(rcpt);
	json_decref(me);
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

/* The receipt's opening (salt, blind, the event's encoding) opens the
 * commitment in the leaf, and the event is this bid's bid.submitted:
 * tender, bid, manifest hash and time of receipt as the receipt says. */
static int opening_check(json_t *j, const unsigned char *leaf, size_t llen)
{
	json_t *o = json_object_get(j, "opening"), *pl = NULL;
	const char *s64 = client_jstr(o, "salt"), *b64 = client_jstr(o, "blind"),
		   *e64 = client_jstr(o, "event"), *tender = client_jstr(j, "tender");
	unsigned char salt[AUDIT_SALT_LEN + 2], blind[AUDIT_SALT_LEN + 2], *ev = NULL;
	size_t sl = 0, bl = 0, el = 0;
	struct audit_leaf lf;
	int rc = ET_EVERIFY;

	if (!json_is_object(o) || et_b64_decode(s64, strlen(s64), salt, sizeof salt, &sl) ||
	    sl != AUDIT_SALT_LEN || et_b64_decode(b64, strlen(b64), blind, sizeof blind, &bl) ||
	    bl != AUDIT_SALT_LEN || !(ev = malloc(strlen(e64) + 1)) ||
	    et_b64_decode(e64, strlen(e64), ev, strlen(e64) + 1, &el)) {
		client_error(ET_EVERIFY, "回执缺少承诺的打开值 / the receipt lacks the opening of the commitment");
		goto out;
	}
	if (audit_opening_check(leaf, llen, tender, salt, blind, ev, el)) {
		client_error(ET_EVERIFY, "盐值与事件不能打开叶子的承诺 / the salt and event do not open the "
			     "leaf's commitment");
		goto out;
	}
	if (audit_leaf_decode(ev, el, &lf) || lf.type != AUDIT_LEAF_EVENT ||
	    strcmp(lf.kind, "bid.submitted") || strcmp(lf.tender, tender) ||
	    !(pl = json_loadb((const char *)lf.ev.payload, lf.ev.payload_len, 0, NULL)) ||
	    strcmp(client_jstr(pl, "tender"), tender) ||
	    strcmp(client_jstr(pl, "bid"), client_jstr(j, "bid")) ||
	    strcmp(client_jstr(pl, "manifest_sha256"), client_jstr(j, "manifest_sha256")) ||
	    json_integer_value(json_object_get(pl, "arrival")) !=
		    json_integer_value(json_object_get(j, "arrival_us"))) {
		client_error(ET_EVERIFY, "承诺中的事件与回执所述的项目、投标、清单哈希或收到时间不符 / the "
			     "committed event does not name the receipt's tender, bid, manifest hash or "
			     "time of receipt");
		goto out;
	}
	rc = ET_OK;
out:
	json_decref(pl);
	free(ev);
	return rc;
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
	rc = opening_check(j, leaf, llen);
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
		       "叶子的承诺已用回执中的盐值打开，内容相符 / the leaf's commitment opens with the "
		       "receipt's salt and names this bid\n",
		       client_jstr(j, "tender"), client_jstr(j, "bid"),
		       (long long)json_integer_value(json_object_get(j, "index")),
		       (long long)json_integer_value(json_object_get(j, "checkpoint_size")), when,
		       client_jstr(j, "manifest_sha256"));
	}
	json_decref(j);
	return rc ? 1 : 0;
}

/* ---- the sealed reference price (标底) -------------------------------------- */

static const char reference_usage[] =
	"用法 / usage: etender reference submit --tender ID --price LOT:FEN [--price …] [--json]\n"
	"  招标代理在本机将标底按项目的门限密钥保管人密封（与投标分包相同，绑定项目与\n"
	"  标底编号 ref-…），在投标截止前上传；开标时与投标文件一并解密并在唱标记录中公布，\n"
	"  标底不是投标，不计入投标数。先对照公开日志核对保管人集合。\n"
	"  The tender's agent seals the reference price to the tender's key holders\n"
	"  on its own machine (as a bid part, bound to the tender and a reference id\n"
	"  ref-…) after checking the holder set against the public log, and uploads\n"
	"  it before the deadline; the opening decrypts it with the bids and shows\n"
	"  it in the opening record. It is never a bid. A second submission\n"
	"  replaces the first.\n";

struct mem_src {
	const unsigned char *p;
	size_t n, off;
};

static int mem_src_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem_src *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}

static int mem_sink_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

int client_cmd_reference(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "tender", required_argument, NULL, 't' },
		{ "price", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *tender = NULL;
	struct bid_reference_doc doc;
	struct client_session s;
	struct crypto_threshold_binding b;
	struct crypto_age_recipient *r = NULL;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_X25519_LEN];
	struct et_buf txt, sealed;
	struct mem_src in;
	unsigned k = 0, n = 0;
	char *b64 = NULL, path[512], *et = NULL;
	json_t *me = NULL, *body = NULL, *ans = NULL;
	bool json = false, open_s = false;
	int c, rc = ET_OK;

	memset(&doc, 0, sizeof doc);
	if (argc < 2 || strcmp(argv[1], "submit")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(reference_usage, stdout);
			return 0;
		}
		return client_usage_error(reference_usage, "需要子命令 submit / expected 'submit'");
	}
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 't': tender = optarg; break;
		case 'j': json = true; break;
		case 'p': {
			const char *colon = strchr(optarg, ':');
			char *end;
			long long v;
			struct bid_offer *f;
			if (doc.noffers >= BID_MAX_OFFERS || !colon || colon == optarg ||
			    (size_t)(colon - optarg) >= sizeof doc.offers[0].lot)
				return client_usage_error(reference_usage, "--price 无效 / invalid --price: %s",
							  optarg);
			errno = 0;
			v = strtoll(colon + 1, &end, 10);
			if (errno || *end || v <= 0 || colon[1] < '1' || colon[1] > '9')
				return client_usage_error(reference_usage, "--price 无效 / invalid --price: %s",
							  optarg);
			f = &doc.offers[doc.noffers++];
			memcpy(f->lot, optarg, (size_t)(colon - optarg));
			f->lot[colon - optarg] = 0;
			f->price_fen = v;
			break;
		}
		case 'h': fputs(reference_usage, stdout); return 0;
		default:
			return client_usage_error(reference_usage, "未知选项 / unknown option: %s",
						  argv[optind - 1]);
		}
	}
	if (optind != argc || !tender || !doc.noffers)
		return client_usage_error(reference_usage, "缺少 --tender 或 --price / missing --tender or --price");
	et_buf_init(&txt, BID_REFERENCE_MAX);
	et_buf_init(&sealed, 64 * 1024);
	if (client_session_open(server, true, &s)) {
		rc = ET_EINVAL;
		goto out;
	}
	open_s = true;
	if ((rc = client_api(&s, "GET", "/api/me", NULL, 0, NULL, "whoami", &me)))
		goto out;
	if (strlen(tender) >= sizeof doc.tender ||
	    strlen(client_jstr(json_object_get(me, "principal"), "org")) >= sizeof doc.org) {
		rc = client_error(ET_EINVAL, "%s", tender);
		goto out;
	}
	memcpy(doc.tender, tender, strlen(tender) + 1);
	memcpy(doc.org, client_jstr(json_object_get(me, "principal"), "org"),
	       strlen(client_jstr(json_object_get(me, "principal"), "org")) + 1);
	if ((rc = new_bid_id(doc.ref)))
		goto out;
	memcpy(doc.ref, "ref-", 4);
	if ((rc = bid_reference_write(&doc, &txt))) {
		client_error(rc, "标底无效 / invalid reference price");
		goto out;
	}
	/* the key holders as the log records them, then seal in memory */
	if ((rc = fetch_holders(&s, tender, &k, &n, pubs)) ||
	    (rc = check_holders_logged(&s, tender, k, n,
				       (const unsigned char (*)[CRYPTO_X25519_LEN])pubs)))
		goto out;
	b = (struct crypto_threshold_binding){ tender, doc.ref, 1 };
	if ((rc = crypto_threshold_recipient_new(&b, k, n,
			(const unsigned char (*)[CRYPTO_X25519_LEN])pubs, &r))) {
		client_error(rc, "保管人 / holders");
		goto out;
	}
	in = (struct mem_src){ txt.data, txt.len, 0 };
	if ((rc = crypto_age_encrypt((const struct crypto_age_recipient *const *)&r, 1, false,
				     mem_src_read, &in, mem_sink_write, &sealed))) {
		client_error(rc, "密封 / seal");
		goto out;
	}
	if (!(b64 = malloc(sealed.len / 3 * 4 + 8))) {
		rc = client_error(ET_ENOMEM, "base64");
		goto out;
	}
	et_b64_encode(sealed.data, sealed.len, b64);
	if (!(et = curl_escape(tender, 0)) ||
	    !(body = json_pack("{s:s, s:s}", "ref", doc.ref, "sealed", b64))) {
		rc = client_error(ET_ENOMEM, "json");
		goto out;
	}
	client_fmt(path, sizeof path, "/api/tenders/%s/reference", et);
	if ((rc = client_api_post_json(&s, path, body, "reference submit", &ans)))
		goto out;
	if (json)
		client_json_print(ans);
	else if (*client_jstr(ans, "replaced"))
		printf("%s: 标底已密封上传（替换 %s），日志叶 %lld / reference sealed and uploaded "
		       "(replaces %s), leaf %lld\n", doc.ref, client_jstr(ans, "replaced"),
		       (long long)json_integer_value(json_object_get(ans, "index")),
		       client_jstr(ans, "replaced"),
		       (long long)json_integer_value(json_object_get(ans, "index")));
	else
		printf("%s: 标底已密封上传，日志叶 %lld / reference sealed and uploaded, leaf %lld\n",
		       doc.ref, (long long)json_integer_value(json_object_get(ans, "index")),
		       (long long)json_integer_value(json_object_get(ans, "index")));
out:
	if (txt.data)
		crypto_wipe(txt.data, txt.len);
	et_buf_free(&txt);
	et_buf_free(&sealed);
	crypto_age_recipient_free(r);
	curl_free(et);
	free(b64);
	json_decref(me);
	json_decref(body);
	json_decref(ans);
	if (open_s)
		client_session_close(&s);
	return rc ? 1 : 0;
}
