/* client/printcmd.c — `etender print opening|report|award`: the opening
 * record, the evaluation report and the award notice as printable HTML
 * (UTF-8, Chinese first, no external resource), rendered here from the log
 * itself: the client downloads the public log, checks its leaves against
 * the checkpoint (signed by the pinned log key when one is pinned), finds
 * the document's events — public leaves, or confidential ones opened by the
 * tender's confidential.revealed once the result is fixed, each opening
 * checked against its commitment — and prints them with their log
 * references (leaf index, leaf hash, checkpoint size and root). Nothing on
 * the server renders documents (web/ stays small). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client/client.h"
#include "client/evalcli.h"

static const char print_usage[] =
	"用法 / usage: etender print opening|report|award --tender TENDER [-o FILE.html]\n"
	"  打印文件（HTML，UTF-8，无外部资源）：开标记录、评标报告、中标通知书（含中标结果\n"
	"  通知与合同）。内容取自公开日志本身：本机下载日志并以检查点核对（已固定日志公钥时\n"
	"  核验签名），每份文件注明其日志叶子序号、叶子哈希、检查点大小与根。评标报告在结果\n"
	"  确定（全部标段定标）、评标过程公开之后才能打印。\n"
	"  Printable documents (HTML, UTF-8, no external resources): the opening\n"
	"  record, the evaluation report, the award notice (with the notices to the\n"
	"  others and the contract). Rendered from the public log itself, checked\n"
	"  here against its checkpoint (and its signature when the log key is\n"
	"  pinned); each document names its leaves (index, hash) and the\n"
	"  checkpoint (size, root). The report prints once the result is fixed and\n"
	"  the evaluation revealed. [--server URL]\n";

struct doc {
	struct et_buf b;
	int rc;
};

static void put(struct doc *d, const char *s)
{
	if (!d->rc)
		d->rc = et_buf_add(&d->b, s, strlen(s));
}

static void putf(struct doc *d, const char *fmt, ...) ET_PRINTF(2, 3);
static void putf(struct doc *d, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(d, tmp);
}

/* text, HTML-escaped */
static void esc(struct doc *d, const char *s)
{
	for (; s && *s && !d->rc; s++) {
		switch (*s) {
		case '&': put(d, "&amp;"); break;
		case '<': put(d, "&lt;"); break;
		case '>': put(d, "&gt;"); break;
		case '"': put(d, "&quot;"); break;
		case '\'': put(d, "&#39;"); break;
		default: d->rc = et_buf_add(&d->b, s, 1);
		}
	}
}

static void td(struct doc *d, const char *s)
{
	put(d, "<td>");
	esc(d, s);
	put(d, "</td>");
}

static void tdn(struct doc *d, long long v)
{
	putf(d, "<td class=\"n\">%lld</td>", v);
}

/* fen as yuan "1,234.56" */
static void tdy(struct doc *d, long long fen)
{
	char digits[32], out[48];
	int n, o = 0;

	n = snprintf(digits, sizeof digits, "%lld", (fen < 0 ? -fen : fen) / 100);
	if (fen < 0)
		out[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
	putf(d, "<td class=\"n\">%s.%02lld</td>", out, (fen < 0 ? -fen : fen) % 100);
}

static void head(struct doc *d, const char *title_zh, const char *title_en, const char *tender,
		 const char *tender_title)
{
	put(d, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	esc(d, title_zh);
	put(d, " / ");
	esc(d, title_en);
	put(d, " — ");
	esc(d, tender);
	put(d, "</title>\n<style>\n"
	       "body{font-family:\"Noto Serif CJK SC\",\"Songti SC\",SimSun,serif;margin:2em;color:#000}\n"
	       "h1{text-align:center;font-size:1.6em}h2{font-size:1.2em;margin-top:1.5em}\n"
	       "table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
	       "th,td{border:1px solid #000;padding:.25em .5em;vertical-align:top}\n"
	       "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	       ".en{color:#333;font-size:.9em}.ref{font-family:monospace;font-size:.8em;word-break:break-all}\n"
	       "@media print{body{margin:1cm}}\n</style>\n</head>\n<body>\n<h1>");
	esc(d, title_zh);
	put(d, "<br><span class=\"en\">");
	esc(d, title_en);
	put(d, "</span></h1>\n<p>项目编号 / Tender: <b>");
	esc(d, tender);
	put(d, "</b><br>项目名称 / Title: ");
	esc(d, tender_title);
	put(d, "</p>\n");
}

static void hex_of(const unsigned char *h, char out[65])
{
	et_hex_encode(h, 32, out);
}

/* The log references of the events found, and the checkpoint. */
static void refs(struct doc *d, const struct evcli_log *lg, const char *what_zh, const char *what_en,
		 const struct evcli_found *f, size_t n, const char *kind)
{
	char hx[65];

	put(d, "<h2>日志引用 / Log references</h2>\n<table>\n<tr><th>事件 / event</th><th>叶子序号 / leaf"
	       " index</th><th>叶子哈希 / leaf hash (SHA-256)</th><th>密封 / confidential</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		hex_of(lg->hashes[f[i].index], hx);
		put(d, "<tr>");
		putf(d, "<td>%s / %s (<code>%s</code>)</td>", what_zh, what_en, kind);
		tdn(d, (long long)f[i].index);
		put(d, "<td class=\"ref\">");
		put(d, hx);
		put(d, "</td>");
		td(d, f[i].confidential ? "是，已公开并与承诺核对 / yes, opened and checked against its commitment"
					: "否 / no");
		put(d, "</tr>\n");
	}
	hex_of(lg->root, hx);
	putf(d, "</table>\n<p>检查点 / checkpoint: 大小 / size <b>%llu</b>，根 / root <span class=\"ref\">%s"
	     "</span><br>", (unsigned long long)lg->size, hx);
	put(d, lg->signed_ok ? "检查点签名已用本机固定的日志公钥核验 / the checkpoint's signature verified"
			       " with the log key pinned on this machine"
			     : "未固定日志公钥：签名未核验（etender pin）/ no log key pinned: signature not "
			       "checked (etender pin)");
	put(d, "。叶子可用 RFC 9162 包含证明独立核验（GET /log/proof/inclusion）/ each leaf can be checked"
	       " independently with an RFC 9162 inclusion proof.</p>\n<pre class=\"ref\">");
	esc(d, lg->note);
	put(d, "</pre>\n");
}

static void foot(struct doc *d)
{
	put(d, "<p class=\"en\">由 etender 客户端根据公开日志生成 / rendered by the etender client from the"
	       " public log.</p>\n</body>\n</html>\n");
}

static const char *status_zh(const char *s)
{
	if (!strcmp(s, "opened")) return "已开标 / opened";
	if (!strcmp(s, "revoked")) return "无效 / revoked";
	if (!strcmp(s, "rejected")) return "拒收 / rejected";
	return s;
}

static void opening_doc(struct doc *d, json_t *rec)
{
	json_t *b, *f, *k;
	size_t i, j;

	put(d, "<h2>开标记录（唱标）/ Opening record</h2>\n<p>释放密钥的保管人序号 / keys of holders:");
	json_array_foreach(json_object_get(rec, "keys"), i, k)
		putf(d, " %lld", (long long)json_integer_value(k));
	put(d, "</p>\n<table>\n<tr><th>投标 / bid</th><th>投标人 / firm</th><th>状态 / status</th>"
	       "<th>保证金 / deposit</th><th>标段 / lot</th><th>投标报价（元）/ price (yuan)</th>"
	       "<th>工期（日）/ days</th><th>说明 / cause</th><th>bid.xml SHA-256</th></tr>\n");
	json_array_foreach(json_object_get(rec, "bids"), i, b) {
		json_t *offers = json_object_get(b, "offers");
		size_t no = json_array_size(offers);

		for (j = 0; j < (no ? no : 1); j++) {
			f = json_array_get(offers, j);
			put(d, "<tr>");
			td(d, client_jstr(b, "bid"));
			td(d, client_jstr(b, "org"));
			td(d, status_zh(client_jstr(b, "status")));
			td(d, json_is_true(json_object_get(b, "deposit")) ? "已交 / yes" : "未交 / no");
			if (f) {
				td(d, client_jstr(f, "lot"));
				tdy(d, (long long)json_integer_value(json_object_get(f, "price")));
				tdn(d, (long long)json_integer_value(json_object_get(f, "duration")));
			} else {
				td(d, "-");
				td(d, "-");
				td(d, "-");
			}
			put(d, "<td>");
			esc(d, client_jstr(b, "rule"));
			if (*client_jstr(b, "cause"))
				put(d, " ");
			esc(d, client_jstr(b, "cause"));
			put(d, "</td><td class=\"ref\">");
			esc(d, client_jstr(b, "xml_sha256"));
			put(d, "</td></tr>\n");
		}
	}
	put(d, "</table>\n");
}

static void cands_table(struct doc *d, json_t *cands)
{
	json_t *c;
	size_t i;

	put(d, "<table>\n<tr><th>排名 / rank</th><th>投标 / bid</th><th>投标人 / firm</th>"
	       "<th>报价（元）/ price (yuan)</th><th>得分 / score</th></tr>\n");
	json_array_foreach(cands, i, c) {
		json_int_t sc = json_integer_value(json_object_get(c, "score"));

		put(d, "<tr>");
		tdn(d, (long long)json_integer_value(json_object_get(c, "rank")));
		td(d, client_jstr(c, "bid"));
		td(d, client_jstr(c, "org"));
		tdy(d, (long long)json_integer_value(json_object_get(c, "price")));
		putf(d, "<td class=\"n\">%lld.%02lld</td>", (long long)(sc / 100), (long long)(sc % 100));
		put(d, "</tr>\n");
	}
	put(d, "</table>\n");
}

/* The collusion signals: flags for the panel, never a rejection. */
static void signals_table(struct doc *d, json_t *sig)
{
	json_t *g, *b;
	size_t i, k;

	put(d, "<p>串通投标迹象（仅供评标委员会参考，不自动否决）/ Collusion signals (flags for the panel,"
	       " never a rejection)</p>\n");
	if (!json_array_size(sig)) {
		put(d, "<p>无 / none</p>\n");
		return;
	}
	put(d, "<table>\n<tr><th>迹象 / signal</th><th>强度 / strength</th><th>投标 / bids</th>"
	       "<th>证据 / evidence</th></tr>\n");
	json_array_foreach(sig, i, g) {
		put(d, "<tr><td>");
		esc(d, client_jstr(g, "zh"));
		put(d, " / ");
		esc(d, client_jstr(g, "kind"));
		put(d, "</td>");
		td(d, client_jstr(g, "strength"));
		put(d, "<td>");
		json_array_foreach(json_object_get(g, "bids"), k, b) {
			if (k)
				put(d, "<br>");
			esc(d, json_string_value(b));
		}
		put(d, "</td>");
		td(d, client_jstr(g, "evidence"));
		put(d, "</tr>\n");
	}
	put(d, "</table>\n");
}

/* The seat's holder after the replacements (panel.replaced, in log order). */
static const char *seat_holder(const char *drawn, const struct evcli_found *rp, size_t nrp)
{
	const char *m = drawn;

	for (size_t k = 0; k < nrp; k++)
		if (!strcmp(client_jstr(rp[k].payload, "out"), m))
			m = client_jstr(rp[k].payload, "in");
	return m;
}

static void report_doc(struct doc *d, json_t *rep, const struct evcli_found *sig, size_t nsig,
		       json_t *panel, const struct evcli_found *rp, size_t nrp)
{
	json_t *l, *v;
	size_t i;

	put(d, "<h2>评标委员会 / The panel</h2>\n<table>\n<tr><th>成员 / member</th><th>专业 / specialty"
	       "</th><th>说明 / note</th></tr>\n");
	json_array_foreach(json_object_get(panel, "members"), i, v) {
		const char *now = seat_holder(client_jstr(v, "expert"), rp, nrp);

		put(d, "<tr>");
		td(d, now);
		td(d, client_jstr(v, "specialty"));
		put(d, "<td>");
		if (strcmp(now, client_jstr(v, "expert"))) {
			put(d, "备选专家递补 / a reserve replacing ");
			esc(d, client_jstr(v, "expert"));
		} else {
			put(d, "抽取 / drawn");
		}
		put(d, "</td></tr>\n");
	}
	put(d, "</table>\n");
	for (i = 0; i < nrp; i++) {
		put(d, "<p>替换 / replacement: ");
		esc(d, client_jstr(rp[i].payload, "out"));
		put(d, " → ");
		esc(d, client_jstr(rp[i].payload, "in"));
		put(d, "（");
		esc(d, client_jstr(rp[i].payload, "rule"));
		put(d, " ");
		esc(d, client_jstr(rp[i].payload, "reason"));
		putf(d, "，叶子 / leaf %llu）</p>\n", (unsigned long long)rp[i].index);
	}
	put(d, "<p>抽取种子 / draw seed <span class=\"ref\">");
	esc(d, client_jstr(panel, "seed"));
	putf(d, "</span>（日志大小 / log size %lld 的根 / root <span class=\"ref\">",
	     (long long)json_integer_value(json_object_get(panel, "size")));
	esc(d, client_jstr(panel, "root"));
	put(d, "</span>）</p>\n<h2>评标报告 / Report ");
	esc(d, client_jstr(rep, "report"));
	put(d, "</h2>\n<p style=\"white-space:pre-wrap\">");
	esc(d, client_jstr(rep, "text"));
	putf(d, "</p>\n<p>不同意见 / dissents: %lld。报告 SHA-256 / the report's SHA-256: <span class=\"ref\">",
	     (long long)json_integer_value(json_object_get(rep, "dissents")));
	esc(d, client_jstr(rep, "sha256"));
	put(d, "</span></p>\n");
	json_array_foreach(json_object_get(rep, "lots"), i, l) {
		put(d, "<h2>标段 / Lot ");
		esc(d, client_jstr(l, "lot"));
		put(d, "</h2>\n");
		if (json_is_true(json_object_get(l, "rejected"))) {
			put(d, "<p>否决全部投标 / every bid rejected</p>\n");
			continue;
		}
		put(d, "<p>评标办法 / method: ");
		esc(d, client_jstr(json_object_get(l, "inputs"), "method"));
		put(d, "</p>\n");
		cands_table(d, json_object_get(l, "candidates"));
		signals_table(d, json_object_get(l, "signals"));
	}
	put(d, "<h2>成员签署 / Signatures</h2>\n<table>\n<tr><th>成员 / member</th><th>Ed25519 签名 / "
	       "signature (base64)</th><th>叶子 / leaf</th></tr>\n");
	for (i = 0; i < nsig; i++) {
		put(d, "<tr>");
		td(d, client_jstr(sig[i].payload, "member"));
		put(d, "<td class=\"ref\">");
		esc(d, client_jstr(sig[i].payload, "sig"));
		put(d, "</td>");
		tdn(d, (long long)sig[i].index);
		put(d, "</tr>\n");
	}
	put(d, "</table>\n");
}

static void award_doc(struct doc *d, const struct evcli_found *aw, size_t naw,
		      const struct evcli_found *ct, size_t nct)
{
	json_t *n;
	size_t i, k;

	for (i = 0; i < naw; i++) {
		json_t *a = aw[i].payload;

		put(d, "<h2>标段 / Lot ");
		esc(d, client_jstr(a, "lot"));
		put(d, "：中标通知书 / award notice</h2>\n<table>\n<tr><th>中标投标 / winning bid</th><th>"
		       "中标人 / winner</th><th>中标价（元）/ price (yuan)</th><th>排名 / rank</th></tr>\n<tr>");
		td(d, client_jstr(a, "bid"));
		td(d, client_jstr(a, "org"));
		tdy(d, (long long)json_integer_value(json_object_get(a, "price")));
		tdn(d, (long long)json_integer_value(json_object_get(a, "rank")));
		put(d, "</tr>\n</table>\n<p>中标结果通知 / notices to every bidder:</p>\n<table>\n<tr><th>投标 /"
		       " bid</th><th>投标人 / firm</th><th>结果 / result</th></tr>\n");
		json_array_foreach(json_object_get(a, "notices"), k, n) {
			put(d, "<tr>");
			td(d, client_jstr(n, "bid"));
			td(d, client_jstr(n, "org"));
			td(d, !strcmp(client_jstr(n, "result"), "awarded") ? "中标 / awarded"
									   : "未中标 / not awarded");
			put(d, "</tr>\n");
		}
		put(d, "</table>\n");
		for (k = 0; k < nct; k++)
			if (!strcmp(client_jstr(ct[k].payload, "lot"), client_jstr(a, "lot"))) {
				char when[96];

				client_time_fmt(json_integer_value(json_object_get(ct[k].payload, "signed")), when,
						sizeof when);
				put(d, "<p>合同 / contract: ");
				esc(d, client_jstr(ct[k].payload, "org"));
				put(d, "，合同价 / price ");
				putf(d, "%lld.%02lld 元 / yuan，签订 / signed ",
				     (long long)(json_integer_value(json_object_get(ct[k].payload, "price")) / 100),
				     (long long)(json_integer_value(json_object_get(ct[k].payload, "price")) % 100));
				esc(d, when);
				put(d, "</p>\n");
			}
	}
}

static void free_found(struct evcli_found *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(f[i].payload);
}

#define MAXF 64

int client_cmd_print(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "tender", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *tender = NULL, *outp = NULL, *what;
	struct client_session s;
	struct evcli_log lg;
	struct evcli_found f1[MAXF], f2[MAXF], f3[MAXF], f4[MAXF];
	size_t n1 = 0, n2 = 0, n3 = 0, n4 = 0, all = 0;
	struct client_out out;
	struct doc d;
	char path[512], *et = NULL;
	json_t *tj = NULL;
	int c, rc = 1;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(print_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	what = argv[1];
	if (strcmp(what, "opening") && strcmp(what, "report") && strcmp(what, "award"))
		return client_usage_error(print_usage, "未知文件 / unknown document: %s", what);
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hs:t:o:", opts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 't': tender = optarg; break;
		case 'o': outp = optarg; break;
		case 'h': fputs(print_usage, stdout); return 0;
		default: return client_usage_error(print_usage, "未知选项 / unknown option");
		}
	}
	if (optind < argc && !tender)
		tender = argv[optind++];
	if (optind != argc || !tender)
		return client_usage_error(print_usage, "需要 --tender / --tender is required");
	memset(&lg, 0, sizeof lg);
	et_buf_init(&d.b, 64u << 20);
	d.rc = 0;
	if (client_session_open(server, false, &s))
		return 1;
	if (!(et = curl_escape(tender, 0)))
		goto out;
	client_fmt(path, sizeof path, "/api/tenders/%s", et);
	if (client_api(&s, "GET", path, NULL, 0, NULL, "print", &tj))
		goto out;
	if (evcli_log_fetch(s.url, 0, &lg))
		goto out;
	if (!strcmp(what, "opening")) {
		if (evcli_find_events(&lg, tender, "bids.opened", f1, MAXF, &n1) || n1 != 1) {
			client_error(ET_ESTATE, "%s: 日志中没有开标记录 / no opening record in the log", tender);
			goto out;
		}
		head(&d, "开标记录", "Opening record", tender, client_jstr(tj, "title"));
		opening_doc(&d, f1[0].payload);
		refs(&d, &lg, "开标记录", "opening record", f1, n1, "bids.opened");
	} else if (!strcmp(what, "report")) {
		if (evcli_find_events(&lg, tender, "report.submitted", f1, MAXF, &n1) || n1 != 1 ||
		    evcli_find_events(&lg, tender, "report.signed", f2, MAXF, &n2) || n2 > MAXF ||
		    evcli_find_events(&lg, tender, "panel.drawn", f3, MAXF, &n3) || n3 != 1) {
			client_error(ET_ESTATE, "%s: 评标报告尚未公开（结果确定后公开）/ the report is not public "
				     "yet (it is revealed once the result is fixed)", tender);
			goto out;
		}
		if (evcli_find_events(&lg, tender, "panel.replaced", f4, MAXF, &n4) || n4 > MAXF) {
			client_error(ET_EVERIFY, "panel.replaced");
			goto out;
		}
		head(&d, "评标报告", "Evaluation report", tender, client_jstr(tj, "title"));
		report_doc(&d, f1[0].payload, f2, n2, f3[0].payload, f4, n4);
		refs(&d, &lg, "评标报告", "report", f1, n1, "report.submitted");
		refs(&d, &lg, "成员签署", "signatures", f2, n2, "report.signed");
		refs(&d, &lg, "抽取结果", "panel drawn", f3, n3, "panel.drawn");
	} else {
		if (evcli_find_events(&lg, tender, "award.made", f1, MAXF, &n1) || !n1 || n1 > MAXF ||
		    evcli_find_events(&lg, tender, "contract.recorded", f2, MAXF, &n2) || n2 > MAXF) {
			client_error(ET_ESTATE, "%s: 尚未定标 / not awarded yet", tender);
			goto out;
		}
		head(&d, "中标通知书", "Award notice", tender, client_jstr(tj, "title"));
		award_doc(&d, f1, n1, f2, n2);
		refs(&d, &lg, "中标", "award", f1, n1, "award.made");
		if (n2)
			refs(&d, &lg, "合同", "contract", f2, n2, "contract.recorded");
	}
	(void)all;
	foot(&d);
	if (d.rc) {
		client_error(d.rc, "HTML");
		goto out;
	}
	if ((rc = client_out_open(&out, outp, 0644))) {
		rc = client_error(rc, "%s", outp ? outp : "-");
		goto out;
	}
	if (write(out.fd, d.b.data, d.b.len) != (ssize_t)d.b.len) {
		client_out_abort(&out);
		rc = client_error(ET_EIO, "%s", outp ? outp : "-");
		goto out;
	}
	if ((rc = client_out_finish(&out))) {
		rc = client_error(rc, "%s", outp ? outp : "-");
		goto out;
	}
	if (outp && strcmp(outp, "-"))
		fprintf(stderr, "已写出 / written: %s (log size %llu)\n", outp, (unsigned long long)lg.size);
	rc = 0;
out:
	free_found(f1, n1 < MAXF ? n1 : MAXF);
	free_found(f2, n2 < MAXF ? n2 : MAXF);
	free_found(f3, n3 < MAXF ? n3 : MAXF);
	free_found(f4, n4 < MAXF ? n4 : MAXF);
	curl_free(et);
	json_decref(tj);
	et_buf_free(&d.b);
	evcli_log_free(&lg);
	client_session_close(&s);
	return rc ? 1 : 0;
}
