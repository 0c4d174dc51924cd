/* client/opencmd.c — `etender open status|release|record|confirm|object`:
 * the opening ceremony from a key holder's and a bidder's machine. A key
 * holder releases its per-tender key only after checking, with the log key
 * and the witness key pinned on this machine, that the witness cosigned a
 * checkpoint whose tree includes the closing event of this tender (so the
 * close — and the list of bids it fixes — is public and witnessed before
 * any key leaves the holder's machine). */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "audit/audit.h"
#include "bidding/bidding.h"
#include "client/client.h"

static const char open_usage[] =
	"用法 / usage: etender open status TENDER\n"
	"       etender open release TENDER --holder-key FILE -i IDENTITY\n"
	"                 [--witness-key VKEY] [--log-key VKEY]\n"
	"       etender open record TENDER [--json]\n"
	"       etender open confirm TENDER\n"
	"       etender open object TENDER --text TEXT\n"
	"       etender open close TENDER          (管理员、监督人 / administrator, supervisor)\n"
	"       etender open xml TENDER --bid BID [-o FILE]\n"
	"       etender open part TENDER --bid BID --part N [-o FILE]\n"
	"  status：投标截止、截标与开标的状态。release：密钥保管人先用本机固定的日志公钥与\n"
	"  见证人公钥核验见证人已副署包含本项目截标事件的检查点（包含证明），再用本人签名\n"
	"  密钥（-i）签署并释放本项目密钥（--holder-key，etender holder keygen 生成）。\n"
	"  record：开标记录（唱标）。confirm / object：投标人确认开标记录或提出异议。\n"
	"  close：截止时间过后手动截标（平台定时截标未执行时）。xml：已开标投标的 bid.xml\n"
	"  （与开标记录中的 SHA-256 核对后才写出）。part：已开标投标解密后的附件（第 N 分包，\n"
	"  仅本项目代理机构、招标人与监督人员；与开标记录的大小和 SHA-256 核对）。\n"
	"  status: the tender's bidding phase. release: a key holder first checks, with\n"
	"  the log key and witness key pinned on this machine (or given; pinned on\n"
	"  first use), that the witness cosigned a checkpoint including this\n"
	"  tender's closing event (inclusion proof), and only then signs (-i) and\n"
	"  releases its per-tender key (--holder-key, from etender holder keygen).\n"
	"  record: the opening record (唱标). confirm / object: a bidder confirms the\n"
	"  record or objects to it. close: close by hand after the deadline (if the\n"
	"  platform's timer did not). xml: an opened bid's bid.xml, written only if its\n"
	"  SHA-256 is the record's. part: a decrypted attachment (part N) of an opened\n"
	"  bid, streamed and checked against the record's size and SHA-256 (the\n"
	"  tender's agent or tenderer and supervisors only). All take [--server URL].\n";

struct open_opts {
	const char *server, *tender, *holder_key, *identity, *witness_key, *log_key, *text, *bid,
		*out, *part;
	bool json;
};

static int parse_opts(int argc, char **argv, struct open_opts *o)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "tender", required_argument, NULL, 't' },
		{ "holder-key", required_argument, NULL, 'H' },
		{ "identity", required_argument, NULL, 'i' },
		{ "witness-key", required_argument, NULL, 'w' },
		{ "log-key", required_argument, NULL, 'l' },
		{ "text", required_argument, NULL, 'x' },
		{ "bid", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "part", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hjs:t:H:i:w:l:x:b:o:P:", opts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 't': o->tender = optarg; break;
		case 'H': o->holder_key = optarg; break;
		case 'i': o->identity = optarg; break;
		case 'w': o->witness_key = optarg; break;
		case 'l': o->log_key = optarg; break;
		case 'x': o->text = optarg; break;
		case 'b': o->bid = optarg; break;
		case 'o': o->out = optarg; break;
		case 'P': o->part = optarg; break;
		case 'j': o->json = true; break;
		case 'h': fputs(open_usage, stdout); return -1;
		default:
			return client_usage_error(open_usage, "未知选项或缺少参数 / unknown option or missing value: %s",
						  argv[optind - 1]);
		}
	}
	if (optind < argc && !o->tender)
		o->tender = argv[optind++];
	if (optind != argc)
		return client_usage_error(open_usage, "多余的参数 / unexpected argument: %s", argv[optind]);
	if (!o->tender)
		return client_usage_error(open_usage, "需要项目编号 / TENDER is required");
	return 0;
}

static void tender_path(const char *tender, const char *rest, char *out, size_t cap)
{
	char *et = curl_escape(tender, 0);

	client_fmt(out, cap, "/api/tenders/%s/%s", et ? et : "-", rest);
	curl_free(et);
}

static const char *phase_zh(const char *p)
{
	if (!strcmp(p, "open")) return "投标中或待截标";
	if (!strcmp(p, "closed")) return "已截标，待释放密钥";
	if (!strcmp(p, "failed")) return "流标（投标人不足）";
	if (!strcmp(p, "opened")) return "已开标";
	if (!strcmp(p, "unopened")) return "开标失败（密钥释放逾期）";
	return "?";
}

static int open_status(const struct open_opts *o)
{
	struct client_session s;
	char path[512], when[96];
	json_t *j = NULL;
	int rc;

	if (client_session_open(o->server, false, &s))
		return 1;
	tender_path(o->tender, "bidding", path, sizeof path);
	if ((rc = client_api(&s, "GET", path, NULL, 0, NULL, "open status", &j)))
		goto out;
	if (o->json) {
		client_json_print(j);
		goto out;
	}
	client_time_fmt(json_integer_value(json_object_get(j, "deadline_us")), when, sizeof when);
	printf("项目 / tender   %s\n阶段 / phase    %s / %s\n截止 / deadline %s\n门限 / k        %lld\n",
	       o->tender, phase_zh(client_jstr(j, "phase")), client_jstr(j, "phase"), when,
	       (long long)json_integer_value(json_object_get(j, "k")));
	if (json_object_get(j, "received"))
		printf("收到 / received %lld\n计入 / counted  %lld\n释放 / released %lld\n"
		       "截标事件 / close leaf %lld\n",
		       (long long)json_integer_value(json_object_get(j, "received")),
		       (long long)json_integer_value(json_object_get(j, "counted")),
		       (long long)json_integer_value(json_object_get(j, "released")),
		       (long long)json_integer_value(json_object_get(j, "close_index")));
out:
	json_decref(j);
	client_session_close(&s);
	return rc ? 1 : 0;
}

/* The close as the server shows it, checked: the note is signed by the log
 * key and cosigned by the witness key, the leaf is this tender's
 * tender.closed event (not failed) and included at index in the note's
 * tree. ET_OK or an error (printed). */
static int check_close(json_t *j, const char *tender, const char *log_vkey, const char *wit_vkey)
{
	const char *note = client_jstr(j, "checkpoint"), *leaf64 = client_jstr(j, "leaf");
	json_t *proof = json_object_get(j, "proof"), *v, *pl = NULL;
	json_int_t index = json_integer_value(json_object_get(j, "index"));
	unsigned char lpub[32], wpub[32], lh[AUDIT_HASH_LEN], (*p)[AUDIT_HASH_LEN] = NULL;
	unsigned char *leaf = NULL;
	struct audit_checkpoint cp;
	struct audit_leaf lf;
	char *lname = NULL, *wname = NULL, *text = NULL;
	size_t np = json_array_size(proof), llen = 0, got, i;
	int64_t ts = 0;
	int rc;

	if ((rc = audit_note_vkey_parse(log_vkey, &lname, lpub, NULL)) ||
	    (rc = audit_cosig_vkey_parse(wit_vkey, &wname, wpub, NULL))) {
		client_error(rc, "公钥 / verifier key");
		goto out;
	}
	if (audit_note_verify(note, strlen(note), lname, lpub, &text)) {
		rc = client_error(ET_EVERIFY, "检查点的日志签名无效 / the checkpoint's log signature does not verify");
		rc = ET_EVERIFY;
		goto out;
	}
	if (audit_cosig_verify(note, strlen(note), wname, wpub, &ts)) {
		client_error(ET_EVERIFY, "见证人未副署该检查点 / the checkpoint is not cosigned by witness %s",
			     wname);
		rc = ET_EVERIFY;
		goto out;
	}
	memset(&cp, 0, sizeof cp);
	if (audit_checkpoint_parse(text, strlen(text), &cp) || index < 0 ||
	    (uint64_t)index >= cp.size || !json_is_array(proof) || np > 64) {
		client_error(ET_EVERIFY, "截标证明与检查点不符 / the close's proof does not match the checkpoint");
		rc = ET_EVERIFY;
		goto out;
	}
	if (!(p = calloc(np ? np : 1, sizeof *p)) || !(leaf = malloc(strlen(leaf64) + 1))) {
		rc = client_error(ET_ENOMEM, "close");
		rc = ET_ENOMEM;
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
	if (et_b64_decode(leaf64, strlen(leaf64), leaf, strlen(leaf64) + 1, &llen) || !llen ||
	    audit_leaf_decode(leaf, llen, &lf) || lf.type != AUDIT_LEAF_EVENT ||
	    strcmp(lf.kind, "tender.closed") || strcmp(lf.tender, tender) ||
	    !(pl = json_loadb((const char *)lf.ev.payload, lf.ev.payload_len, 0, NULL)) ||
	    json_is_true(json_object_get(pl, "failed"))) {
		client_error(ET_EVERIFY, "该叶子不是本项目的截标事件 / the leaf is not this tender's close");
		rc = ET_EVERIFY;
		goto out;
	}
	audit_leaf_hash(leaf, llen, lh);
	if (audit_verify_inclusion((uint64_t)index, cp.size, lh,
				   (const unsigned char (*)[AUDIT_HASH_LEN])p, np, cp.root)) {
		client_error(ET_EVERIFY, "截标事件不在见证人副署的检查点中 / the close is not included in "
				 "the cosigned checkpoint");
		rc = ET_EVERIFY;
		goto out;
	}
	fprintf(stderr, "截标事件（叶子 %lld）已由见证人 %s 副署的检查点（大小 %llu）包含 / the close "
		"(leaf %lld) is in a checkpoint of size %llu cosigned by %s\n",
		(long long)index, wname, (unsigned long long)cp.size, (long long)index,
		(unsigned long long)cp.size, wname);
	rc = ET_OK;
out:
	json_decref(pl);
	free(lname);
	free(wname);
	free(text);
	free(p);
	free(leaf);
	return rc;
}

/* The first "AGE-SECRET-KEY-1…" line of path into out (wipe after use). */
static int read_holder_key(const char *path, char *out, size_t cap)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char *line, *save = NULL;
	int rc;

	if ((rc = et_read_file(path, 1u << 16, &buf, &len)))
		return client_error(rc, "%s", path);
	rc = ET_EINVAL;
	for (line = strtok_r((char *)buf, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save))
		if (!strncmp(line, "AGE-SECRET-KEY-1", 16) && strlen(line) < cap) {
			memcpy(out, line, strlen(line) + 1);
			rc = ET_OK;
			break;
		}
	crypto_wipe(buf, len);
	free(buf);
	if (rc)
		client_error(rc, "%s: 没有 AGE-SECRET-KEY-1 密钥行 / no AGE-SECRET-KEY-1 line", path);
	return rc;
}

static int open_release(const struct open_opts *o)
{
	struct client_session s;
	struct client_pins pins;
	struct client_identity id;
	struct et_buf msg;
	char path[512], key[256] = "", sig64[96];
	unsigned char sig[64];
	json_t *close = NULL, *hj = NULL, *body = NULL, *ans = NULL, *v;
	bool have_id = false, changed = false;
	json_int_t index = 0;
	size_t i;
	int rc;

	et_buf_init(&msg, 4096);
	if (client_session_open(o->server, true, &s))
		return 1;
	if ((rc = client_pins_load(s.url, &pins))) {
		client_error(rc, "固定公钥 / pins");
		goto out;
	}
	if (o->log_key && (rc = client_pin_check(s.url, "log", pins.log_vkey, sizeof pins.log_vkey,
						 o->log_key, &changed)))
		goto out;
	if (o->witness_key &&
	    (rc = client_pin_check(s.url, "witness", pins.witness_vkey, sizeof pins.witness_vkey,
				   o->witness_key, &changed)))
		goto out;
	if (!pins.log_vkey[0] || !pins.witness_vkey[0]) {
		rc = ET_EKEY;
		client_error(rc, "未固定日志公钥或见证人公钥，拒绝释放（--log-key / --witness-key）/ no "
				 "log key or witness key pinned: refusing to release (give --log-key / "
				 "--witness-key)");
		goto out;
	}
	if (changed && (rc = client_pins_save(&pins))) {
		client_error(rc, "固定公钥 / saving the pins");
		goto out;
	}
	/* 1. the close, cosigned by the witness (it may take a moment) */
	tender_path(o->tender, "close", path, sizeof path);
	for (int tries = 0;; tries++) {
		struct client_http_resp r;

		rc = client_http_get(s.url, path, s.token, 1u << 20, &r);
		if (!rc && r.status == 503 && tries < 40) {
			client_http_resp_free(&r);
			usleep(250000);
			continue;
		}
		if (!rc && r.status != 200)
			rc = client_api_error(&r, "open release: close");
		else if (rc)
			client_error(rc, "%s", r.error);
		else if (!(close = json_loadb(r.body.data, r.body.len, 0, NULL)))
			rc = client_error(ET_EINVAL, "close"), rc = ET_EINVAL;
		client_http_resp_free(&r);
		break;
	}
	if (rc || (rc = check_close(close, o->tender, pins.log_vkey, pins.witness_vkey))) {
		fprintf(stderr, "etender: 未释放密钥 / the key was NOT released\n");
		goto out;
	}
	/* 2. this holder's index */
	tender_path(o->tender, "holders", path, sizeof path);
	if ((rc = client_api(&s, "GET", path, NULL, 0, NULL, "holders", &hj)))
		goto out;
	json_array_foreach(json_object_get(hj, "holders"), i, v)
		if (!strcmp(client_jstr(v, "holder"), s.user))
			index = json_integer_value(json_object_get(v, "index"));
	if (index < 1) {
		rc = client_error(ET_EDENIED, "%s: 非本项目密钥保管人 / not a key holder of this tender",
				  s.user);
		rc = ET_EDENIED;
		goto out;
	}
	/* 3. sign and release */
	if ((rc = read_holder_key(o->holder_key, key, sizeof key)))
		goto out;
	if ((rc = client_identity_load(o->identity, &id))) {
		client_error(rc, "%s", o->identity);
		goto out;
	}
	have_id = true;
	if (!id.has_signing) {
		rc = client_error(ET_EINVAL, "%s: 无签名密钥 / no signing key", o->identity);
		rc = ET_EINVAL;
		goto out;
	}
	if ((rc = bid_release_message(o->tender, (unsigned)index, key, &msg)) ||
	    (rc = crypto_ed25519_sign(id.sign_seed, msg.data, msg.len, sig))) {
		client_error(rc, "sign");
		goto out;
	}
	et_b64_encode(sig, 64, sig64);
	if (!(body = json_pack("{s:I,s:s,s:s}", "index", index, "identity", key, "signature",
			       sig64))) {
		rc = client_error(ET_ENOMEM, "json");
		rc = ET_ENOMEM;
		goto out;
	}
	tender_path(o->tender, "keys/release", path, sizeof path);
	if ((rc = client_api_post_json(&s, path, body, "open release", &ans)))
		goto out;
	if (o->json)
		client_json_print(ans);
	else
		printf("已释放 / released: holder %lld, %lld of k = %lld%s\n", (long long)index,
		       (long long)json_integer_value(json_object_get(ans, "released")),
		       (long long)json_integer_value(json_object_get(ans, "k")),
		       json_is_true(json_object_get(ans, "opening")) ?
		       "；开标进行中 / the opening runs now" : "");
out:
	if (body) {
		/* the body held the key: wipe jansson's copy of it (the serialised
		 * text is wiped by client_api_post_json) */
		const char *is = json_string_value(json_object_get(body, "identity"));
		if (is)
			crypto_wipe((char *)is, strlen(is));
		json_decref(body);
	}
	crypto_wipe(key, sizeof key);
	if (msg.data)
		crypto_wipe(msg.data, msg.len);
	et_buf_free(&msg);
	if (have_id)
		client_identity_free(&id);
	json_decref(close);
	json_decref(hj);
	json_decref(ans);
	client_session_close(&s);
	return rc ? 1 : 0;
}

static int open_record(const struct open_opts *o)
{
	struct client_session s;
	char path[512];
	json_t *j = NULL, *b, *f;
	size_t i, k;
	int rc;

	if (client_session_open(o->server, false, &s))
		return 1;
	tender_path(o->tender, "opening", path, sizeof path);
	if ((rc = client_api(&s, "GET", path, NULL, 0, NULL, "open record", &j)))
		goto out;
	if (o->json) {
		client_json_print(j);
		goto out;
	}
	printf("开标记录 / opening record: %s (keys of holders", client_jstr(j, "tender"));
	json_array_foreach(json_object_get(j, "keys"), i, b)
		printf(" %lld", (long long)json_integer_value(b));
	printf(")\n%-22s %-22s %-9s %-7s %-6s %-14s %s\n", "bid", "org", "status", "deposit", "lot",
	       "price (fen)", "days / rule: cause");
	json_array_foreach(json_object_get(j, "bids"), i, b) {
		json_t *offers = json_object_get(b, "offers");
		const char *dep = json_is_true(json_object_get(b, "deposit")) ? "yes" : "no";

		if (!json_array_size(offers))
			printf("%-22s %-22s %-9s %-7s %-6s %-14s %s: %s\n", client_jstr(b, "bid"),
			       client_jstr(b, "org"), client_jstr(b, "status"), dep, "-", "-",
			       client_jstr(b, "rule"), client_jstr(b, "cause"));
		json_array_foreach(offers, k, f)
			printf("%-22s %-22s %-9s %-7s %-6s %-14lld %lld\n", client_jstr(b, "bid"),
			       client_jstr(b, "org"), client_jstr(b, "status"), dep,
			       client_jstr(f, "lot"),
			       (long long)json_integer_value(json_object_get(f, "price")),
			       (long long)json_integer_value(json_object_get(f, "duration")));
		/* the tender's opening fields as this bid answers them (唱标字段) */
		json_array_foreach(json_object_get(b, "fields"), k, f) {
			const char *label = "";
			json_t *tf;
			size_t q;
			json_array_foreach(json_object_get(j, "fields"), q, tf)
				if (!strcmp(client_jstr(tf, "id"), client_jstr(f, "id")))
					label = client_jstr(tf, "label");
			printf("%-22s   %s (%s): %s\n", "", label, client_jstr(f, "id"),
			       *client_jstr(f, "value") ? client_jstr(f, "value") : "-");
		}
	}
	{
		/* the sealed reference price (标底), if the tender had one: never a bid */
		json_t *ref = json_object_get(j, "reference");
		if (ref) {
			printf("标底 / reference price %s: %s", client_jstr(ref, "ref"),
			       client_jstr(ref, "status"));
			if (*client_jstr(ref, "cause"))
				printf(" (%s: %s)", client_jstr(ref, "rule"), client_jstr(ref, "cause"));
			json_array_foreach(json_object_get(ref, "offers"), k, f)
				printf("  lot %s: %lld", client_jstr(f, "lot"),
				       (long long)json_integer_value(json_object_get(f, "price")));
			printf("\n");
		}
	}
out:
	json_decref(j);
	client_session_close(&s);
	return rc ? 1 : 0;
}

/* An opened bid's bid.xml, checked against the record's xml_sha256 before
 * anything is written. */
static int open_xml(const struct open_opts *o)
{
	struct client_session s;
	struct client_http_resp r;
	struct client_out out;
	char path[512], hex[65], *eb = NULL;
	const char *want = NULL;
	unsigned char h[32];
	json_t *rec = NULL, *b;
	size_t i;
	int rc;

	memset(&r, 0, sizeof r);
	if (client_session_open(o->server, false, &s))
		return 1;
	tender_path(o->tender, "opening", path, sizeof path);
	if ((rc = client_api(&s, "GET", path, NULL, 0, NULL, "open xml", &rec)))
		goto out;
	json_array_foreach(json_object_get(rec, "bids"), i, b)
		if (!strcmp(client_jstr(b, "bid"), o->bid))
			want = client_jstr(b, "xml_sha256");
	if (!want || strlen(want) != 64) {
		rc = client_error(ET_ENOTFOUND, "%s: 开标记录中无此已开标投标 / no opened bid of that id in the record",
				  o->bid);
		goto out;
	}
	if (!(eb = curl_escape(o->bid, 0))) {
		rc = client_error(ET_ENOMEM, "curl");
		goto out;
	}
	tender_path(o->tender, "bids/", path, sizeof path);
	client_fmt(path + strlen(path), sizeof path - strlen(path), "%s/xml", eb);
	if ((rc = client_http_get(s.url, path, s.token, BID_XML_MAX + 1, &r)) || r.status != 200) {
		rc = rc ? client_error(rc, "%s", r.error) : client_api_error(&r, "open xml");
		goto out;
	}
	crypto_sha256(r.body.data, r.body.len, h);
	et_hex_encode(h, 32, hex);
	if (strcmp(hex, want)) {
		rc = client_error(ET_EVERIFY, "bid.xml 与开标记录的 SHA-256 不符 / bid.xml does not match the "
				  "record's SHA-256");
		goto out;
	}
	if ((rc = client_out_open(&out, o->out, 0644))) {
		rc = client_error(rc, "%s", o->out ? o->out : "-");
		goto out;
	}
	if (write(out.fd, r.body.data, r.body.len) != (ssize_t)r.body.len) {
		client_out_abort(&out);
		rc = client_error(ET_EIO, "%s", o->out ? o->out : "-");
		goto out;
	}
	if ((rc = client_out_finish(&out)))
		rc = client_error(rc, "%s", o->out ? o->out : "-");
out:
	client_http_resp_free(&r);
	curl_free(eb);
	json_decref(rec);
	client_session_close(&s);
	return rc ? 1 : 0;
}

/* A decrypted attachment of an opened bid, streamed to -o and checked
 * against the record's bids[].attachments (size, SHA-256). */
static int open_part(const struct open_opts *o)
{
	struct client_session s;
	char path[512], *eb = NULL, *end;
	const char *want = NULL, *name = "";
	uint64_t size = 0;
	json_t *rec = NULL, *b, *a;
	unsigned long part;
	size_t i, j;
	int rc;

	errno = 0;
	part = strtoul(o->part, &end, 10);
	if (errno || *end || part < 2 || part > BID_MAX_PARTS)
		return client_usage_error(open_usage, "--part 须为 2…16 / --part must be 2…16");
	if (client_session_open(o->server, true, &s))
		return 1;
	tender_path(o->tender, "opening", path, sizeof path);
	if ((rc = client_api(&s, "GET", path, NULL, 0, NULL, "open part", &rec)))
		goto out;
	json_array_foreach(json_object_get(rec, "bids"), i, b)
		if (!strcmp(client_jstr(b, "bid"), o->bid))
			json_array_foreach(json_object_get(b, "attachments"), j, a)
				if ((unsigned long)json_integer_value(json_object_get(a, "part")) == part) {
					want = client_jstr(a, "sha256");
					name = client_jstr(a, "name");
					size = (uint64_t)json_integer_value(json_object_get(a, "size"));
				}
	if (!want || strlen(want) != 64) {
		rc = client_error(ET_ENOTFOUND, "%s: 开标记录中无此附件 / no such attachment in the record",
				  o->bid);
		goto out;
	}
	if (!(eb = curl_escape(o->bid, 0))) {
		rc = client_error(ET_ENOMEM, "curl");
		goto out;
	}
	tender_path(o->tender, "bids/", path, sizeof path);
	client_fmt(path + strlen(path), sizeof path - strlen(path), "%s/parts/%lu", eb, part);
	rc = client_download_checked(&s, path, want, size, o->out, "open part", *name ? name : o->bid);
out:
	curl_free(eb);
	json_decref(rec);
	client_session_close(&s);
	return rc ? 1 : 0;
}

static int open_close(const struct open_opts *o)
{
	struct client_session s;
	char path[512];
	json_t *ans = NULL;
	int rc;

	if (client_session_open(o->server, true, &s))
		return 1;
	tender_path(o->tender, "close", path, sizeof path);
	if ((rc = client_api(&s, "POST", path, NULL, 0, NULL, "open close", &ans)))
		goto out;
	if (o->json)
		client_json_print(ans);
	else if (json_is_true(json_object_get(ans, "failed")))
		printf("%s: 已截标，流标（计入 %lld 份）/ closed and failed (%lld counted)\n", o->tender,
		       (long long)json_integer_value(json_object_get(ans, "counted")),
		       (long long)json_integer_value(json_object_get(ans, "counted")));
	else
		printf("%s: 已截标，收到 %lld 份，计入 %lld 份 / closed: %lld received, %lld counted\n",
		       o->tender, (long long)json_integer_value(json_object_get(ans, "received")),
		       (long long)json_integer_value(json_object_get(ans, "counted")),
		       (long long)json_integer_value(json_object_get(ans, "received")),
		       (long long)json_integer_value(json_object_get(ans, "counted")));
out:
	json_decref(ans);
	client_session_close(&s);
	return rc ? 1 : 0;
}

static int open_answer(const struct open_opts *o, bool object)
{
	struct client_session s;
	char path[512];
	json_t *body = NULL, *ans = NULL;
	int rc;

	if (client_session_open(o->server, true, &s))
		return 1;
	if (!(body = object ? json_pack("{s:s}", "text", o->text) : json_object())) {
		rc = client_error(ET_ENOMEM, "json");
		goto out;
	}
	tender_path(o->tender, object ? "opening/object" : "opening/confirm", path, sizeof path);
	if ((rc = client_api_post_json(&s, path, body, object ? "open object" : "open confirm",
				       &ans)))
		goto out;
	if (o->json)
		client_json_print(ans);
	else
		printf("%s: %s\n", o->tender, object ? "已提出异议 / objection recorded"
						     : "已确认开标记录 / record confirmed");
out:
	json_decref(body);
	json_decref(ans);
	client_session_close(&s);
	return rc ? 1 : 0;
}

int client_cmd_open(int argc, char **argv)
{
	struct open_opts o;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(open_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = parse_opts(argc - 1, argv + 1, &o)))
		return rc < 0 ? 0 : rc;
	if (!strcmp(sub, "status"))
		return open_status(&o);
	if (!strcmp(sub, "record"))
		return open_record(&o);
	if (!strcmp(sub, "close"))
		return open_close(&o);
	if (!strcmp(sub, "xml")) {
		if (!o.bid)
			return client_usage_error(open_usage, "需要 --bid / --bid is required");
		return open_xml(&o);
	}
	if (!strcmp(sub, "part")) {
		if (!o.bid || !o.part)
			return client_usage_error(open_usage, "需要 --bid 与 --part / --bid and --part are required");
		return open_part(&o);
	}
	if (!strcmp(sub, "confirm"))
		return open_answer(&o, false);
	if (!strcmp(sub, "object")) {
		if (!o.text || !*o.text)
			return client_usage_error(open_usage, "需要 --text / --text is required");
		return open_answer(&o, true);
	}
	if (!strcmp(sub, "release")) {
		if (!o.holder_key || !o.identity)
			return client_usage_error(open_usage,
				"需要 --holder-key 与 -i / --holder-key and -i are required");
		return open_release(&o);
	}
	return client_usage_error(open_usage, "未知子命令 / unknown subcommand: %s", sub);
}

/* ---- deposits ------------------------------------------------------------ */

static const char deposit_usage[] =
	"用法 / usage: etender deposit record --org ORG (--tender T | --year Y) --amount FEN\n"
	"                 --method transfer|guarantee --payer-name N --payer-bank B --payer-account A\n"
	"       etender deposit release TENDER   (全部标段签约后退还本项目保证金 / once every lot is contracted)\n"
	"  交易中心管理员登记投标保证金（年度或本项目；本项目的须在投标截止前登记）。付款人\n"
	"  信息存于平台的私有库，事件中只有其哈希。\n"
	"  The trading center's administrator records a bid deposit (annual, or for\n"
	"  one tender before its deadline). The payer's details go to the private\n"
	"  store; the event carries their hash. Takes [--server URL] [--json].\n"
	"       etender deposit return --deposit DEP      (管理员 / administrator)\n"
	"       etender deposit due [--tender T] [--json] (管理员、监督人 / administrator, supervisor)\n"
	"  return：投标人撤回投标后，登记其本项目保证金已退还（招标投标法实施条例 第三十五条：\n"
	"  自撤回之日起5日内，规则 cn.reg.35；逾期仍登记并注明逾期）。due：待退还的保证金及其期限。\n"
	"  return: record that the per-tender deposit of a firm that withdrew its bid\n"
	"  was returned (cn.reg.35: within 5 days of the withdrawal; a late return is\n"
	"  recorded as late). due: the deposits due for return and their time limit.\n";

/* etender deposit return --deposit DEP | etender deposit due [--tender T] */
static int deposit_return_due(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "deposit", required_argument, NULL, 'd' },
		{ "tender", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *dep = NULL, *tender = NULL, *sub = argv[1];
	bool json = false;
	struct client_session s;
	json_t *ans = NULL, *v;
	char path[512], *e = NULL;
	size_t i;
	int c, rc;

	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'd': dep = optarg; break;
		case 't': tender = optarg; break;
		case 'j': json = true; break;
		case 'h': fputs(deposit_usage, stdout); return 0;
		default: return client_usage_error(deposit_usage, "未知选项 / unknown option");
		}
	}
	if (optind != argc || (!strcmp(sub, "return") && (!dep || tender)) ||
	    (!strcmp(sub, "due") && dep))
		return client_usage_error(deposit_usage, "参数不符 / wrong arguments for %s", sub);
	if (client_session_open(server, true, &s))
		return 1;
	if (!(e = curl_escape(dep ? dep : tender ? tender : "", 0))) {
		rc = client_error(ET_ENOMEM, "curl");
		goto out;
	}
	if (dep) {
		client_fmt(path, sizeof path, "/api/deposits/%s/return", e);
		if ((rc = client_api(&s, "POST", path, NULL, 0, NULL, "deposit return", &ans)))
			goto out;
		if (json)
			client_json_print(ans);
		else
			printf("%s: 已退还%s / returned%s (due %lld)\n", dep,
			       json_is_true(json_object_get(ans, "late")) ? "（逾期）" : "",
			       json_is_true(json_object_get(ans, "late")) ? " (late)" : "",
			       (long long)json_integer_value(json_object_get(ans, "due_us")));
		goto out;
	}
	client_fmt(path, sizeof path, "/api/deposits/due%s%s", tender ? "?tender=" : "", tender ? e : "");
	if ((rc = client_api(&s, "GET", path, NULL, 0, NULL, "deposit due", &ans)))
		goto out;
	if (json) {
		client_json_print(ans);
		goto out;
	}
	json_array_foreach(json_object_get(ans, "deposits"), i, v)
		printf("%s  %s  %s  %lld  due %lld%s\n", client_jstr(v, "id"), client_jstr(v, "tender"),
		       client_jstr(v, "org"), (long long)json_integer_value(json_object_get(v, "amount")),
		       (long long)json_integer_value(json_object_get(v, "due_us")),
		       json_is_true(json_object_get(v, "overdue")) ? "  逾期 / overdue" : "");
out:
	curl_free(e);
	json_decref(ans);
	client_session_close(&s);
	return rc ? 1 : 0;
}

int client_cmd_deposit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "org", required_argument, NULL, 'o' },
		{ "tender", required_argument, NULL, 't' },
		{ "year", required_argument, NULL, 'y' },
		{ "amount", required_argument, NULL, 'a' },
		{ "method", required_argument, NULL, 'm' },
		{ "payer-name", required_argument, NULL, 'N' },
		{ "payer-bank", required_argument, NULL, 'B' },
		{ "payer-account", required_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *org = NULL, *tender = NULL, *method = NULL, *pn = NULL,
		   *pb = NULL, *pa = NULL;
	long long amount = 0, year = 0;
	bool json = false;
	struct client_session s;
	json_t *body = NULL, *ans = NULL;
	char *end;
	int c, rc;

	if (argc >= 2 && !strcmp(argv[1], "release"))
		return client_deposit_release(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "return") || !strcmp(argv[1], "due")))
		return deposit_return_due(argc, argv);
	if (argc < 2 || strcmp(argv[1], "record")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(deposit_usage, stdout);
			return 0;
		}
		return client_usage_error(deposit_usage, "需要子命令 record / expected 'record'");
	}
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'o': org = optarg; break;
		case 't': tender = optarg; break;
		case 'm': method = optarg; break;
		case 'N': pn = optarg; break;
		case 'B': pb = optarg; break;
		case 'A': pa = optarg; break;
		case 'j': json = true; break;
		case 'a':
			amount = strtoll(optarg, &end, 10);
			if (*end || amount <= 0)
				return client_usage_error(deposit_usage, "--amount 无效 / invalid --amount");
			break;
		case 'y':
			year = strtoll(optarg, &end, 10);
			if (*end || year <= 0)
				return client_usage_error(deposit_usage, "--year 无效 / invalid --year");
			break;
		case 'h': fputs(deposit_usage, stdout); return 0;
		default: return client_usage_error(deposit_usage, "未知选项 / unknown option");
		}
	}
	if (optind != argc || !org || !amount || !method || !pn || !pb || !pa || !tender == !year)
		return client_usage_error(deposit_usage, "缺少参数 / missing arguments");
	if (client_session_open(server, true, &s))
		return 1;
	body = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "org", org, "amount_fen", (json_int_t)amount,
			 "method", method, "payer_name", pn, "payer_bank", pb, "payer_account", pa);
	if (!body || (tender && json_object_set_new(body, "tender", json_string(tender))) ||
	    (year && json_object_set_new(body, "year", json_integer(year)))) {
		rc = client_error(ET_ENOMEM, "json");
		goto out;
	}
	if ((rc = client_api_post_json(&s, "/api/deposits", body, "deposit record", &ans)))
		goto out;
	if (json)
		client_json_print(ans);
	else
		printf("%s\n", client_jstr(ans, "id"));
out:
	json_decref(body);
	json_decref(ans);
	client_session_close(&s);
	return rc ? 1 : 0;
}
