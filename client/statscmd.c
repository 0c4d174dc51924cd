/* client/statscmd.c — `etender stats`: the statistician's commands against
 * etenderd (docs/statistics.md). import sends a CSV file to POST
 * /api/stats/import (all or nothing); report prints GET /api/stats in one
 * format; chart draws SVG charts of discount rates and savings by month and
 * by type from the JSON report (hand-written SVG: no script, no external
 * resource, a title and a description for screen readers). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client.h"
#include "core/limits.h"

static const char stats_usage[] =
	"用法 / usage: etender stats import --csv FILE [--server URL]\n"
	"       etender stats report [FILTERS] [--by type|year|month|agent]\n"
	"                            [--format table|csv|json|ocds|text] [--server URL]\n"
	"       etender stats chart --out DIR [--from DATE] [--to DATE] [--type T] [--server URL]\n"
	"  FILTERS: [--from DATE] [--to DATE] [--split-at DATE] [--type T]\n"
	"  DATE: YYYY-MM-DD（北京时间 / Asia/Shanghai）；T: construction|procurement|land|asset\n"
	"  统计人员导入历史成交数据（表头 code,type,title,control_price_yuan,\n"
	"  winning_price_yuan,registered,bidders,opened_at[,agent]；任何一行有误则全部不导入），\n"
	"  按定义精确计算报表（默认 table），或生成按月、按类型的下浮率与节约资金 SVG 图表。\n"
	"  The statistician imports historical outcomes (one bad row and nothing is\n"
	"  imported), prints reports computed exactly (default format table), or\n"
	"  writes SVG charts of discount rates and savings by month and by type.\n";

struct stats_args {
	const char *server, *csv, *from, *to, *split_at, *type, *by, *format, *out;
};

static int parse_args(int argc, char **argv, const char *allowed, struct stats_args *a)
{
	static const struct {
		const char *name;
		char code;
		size_t off;
	} opts[] = {
		{ "--server", 'S', offsetof(struct stats_args, server) },
		{ "--csv", 'c', offsetof(struct stats_args, csv) },
		{ "--from", 'f', offsetof(struct stats_args, from) },
		{ "--to", 't', offsetof(struct stats_args, to) },
		{ "--split-at", 's', offsetof(struct stats_args, split_at) },
		{ "--type", 'y', offsetof(struct stats_args, type) },
		{ "--by", 'b', offsetof(struct stats_args, by) },
		{ "--format", 'F', offsetof(struct stats_args, format) },
		{ "--out", 'o', offsetof(struct stats_args, out) },
	};

	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		size_t k;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(stats_usage, stdout);
			return -1;
		}
		for (k = 0; k < sizeof opts / sizeof opts[0]; k++)
			if (!strcmp(argv[i], opts[k].name) &&
			    (opts[k].code == 'S' || strchr(allowed, opts[k].code)))
				break;
		if (k == sizeof opts / sizeof opts[0])
			return client_usage_error(stats_usage, "未知参数 / unknown argument: %s", argv[i]);
		if (i + 1 >= argc)
			return client_usage_error(stats_usage, "%s 需要一个值 / %s needs a value",
						  argv[i], argv[i]);
		*(const char **)((char *)a + opts[k].off) = argv[++i];
	}
	return 0;
}

/* ---- import ---------------------------------------------------------------- */

static int read_file(const char *path, struct et_buf *b)
{
	int fd = client_in_open(path);
	char chunk[65536];
	ssize_t got;
	int rc = ET_OK;

	if (fd < 0)
		return client_error(ET_EIO, "%s: %s", path, strerror(errno));
	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = client_error(ET_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		if (et_buf_add(b, chunk, (size_t)got)) {
			rc = client_error(ET_ELIMIT, "%s: 文件超过 %u 字节 / the file is over %u bytes",
					  path, ET_STATS_CSV_MAX_BYTES, ET_STATS_CSV_MAX_BYTES);
			break;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

static int cmd_import(const struct stats_args *a)
{
	struct client_session s;
	struct et_buf b;
	json_t *j = NULL;
	int ret = 1;

	memset(&s, 0, sizeof s);
	et_buf_init(&b, ET_STATS_CSV_MAX_BYTES);
	if (!a->csv)
		return client_usage_error(stats_usage, "需要 --csv FILE / --csv FILE is required");
	if (read_file(a->csv, &b) || client_session_open(a->server, true, &s) ||
	    client_api(&s, "POST", "/api/stats/import", b.len ? (const char *)b.data : "", b.len,
		       "text/csv; charset=utf-8", a->csv, &j))
		goto out;
	printf("imported %lld\n", (long long)json_integer_value(json_object_get(j, "imported")));
	fprintf(stderr, "已导入 %lld 个项目（日志第 %lld 条起）/ imported %lld projects (log from leaf %lld)\n",
		(long long)json_integer_value(json_object_get(j, "imported")),
		(long long)json_integer_value(json_object_get(j, "first")),
		(long long)json_integer_value(json_object_get(j, "imported")),
		(long long)json_integer_value(json_object_get(j, "first")));
	ret = 0;
out:
	json_decref(j);
	et_buf_free(&b);
	client_session_close(&s);
	return ret;
}

/* ---- report ---------------------------------------------------------------- */

/* "&name=value" percent-encoded, appended to out. */
static int add_param(char *out, size_t cap, const char *name, const char *v)
{
	size_t n = strlen(out);

	if (!v)
		return 0;
	if (n + strlen(name) + 3 * strlen(v) + 3 >= cap)
		return -1;
	n += (size_t)sprintf(out + n, "%s%s=", strchr(out, '?') ? "&" : "?", name);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.')
			out[n++] = (char)*p;
		else
			n += (size_t)sprintf(out + n, "%%%02X", *p);
	}
	out[n] = 0;
	return 0;
}

static int build_path(const struct stats_args *a, const char *by, const char *format, char *out,
		      size_t cap)
{
	snprintf(out, cap, "/api/stats");
	if (add_param(out, cap, "from", a->from) || add_param(out, cap, "to", a->to) ||
	    add_param(out, cap, "split_at", a->split_at) || add_param(out, cap, "type", a->type) ||
	    add_param(out, cap, "by", by) || add_param(out, cap, "format", format))
		return client_error(ET_ELIMIT, "参数过长 / arguments too long");
	return 0;
}

/* GET path; on 200 the body in r (caller frees r). */
static int get_report(const struct client_session *s, const char *path,
		      struct client_http_resp *r)
{
	int rc = client_http_request(s->url, path, s->token, NULL, 0, NULL, ET_HTTP_MAX_BODY, r);

	if (rc)
		return client_error(rc, "GET %s%s: %s", s->url, path, r->error);
	if (r->status != 200) {
		(void)client_api_error(r, "stats report");
		return 1;
	}
	return 0;
}

static int cmd_report(const struct stats_args *a)
{
	struct client_session s;
	struct client_http_resp r;
	const char *format = a->format ? a->format : "table";
	char path[1024];
	int ret = 1;

	memset(&s, 0, sizeof s);
	memset(&r, 0, sizeof r);
	if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json") &&
	    strcmp(format, "ocds") && strcmp(format, "text"))
		return client_usage_error(stats_usage, "未知格式 / unknown format: %s", format);
	if (build_path(a, a->by, format, path, sizeof path))
		return 1;
	if (client_session_open(a->server, true, &s))
		goto out;
	if (get_report(&s, path, &r))
		goto out;
	if (r.body.len && fwrite(r.body.data, 1, r.body.len, stdout) != r.body.len)
		goto out;
	if (r.body.len && r.body.data[r.body.len - 1] != '\n')
		putchar('\n');
	ret = fflush(stdout) ? 1 : 0;
out:
	client_http_resp_free(&r);
	client_session_close(&s);
	return ret;
}

/* ---- charts ---------------------------------------------------------------- */

/* Text escaped for XML content and attributes. */
static int xml_text(struct et_buf *b, const char *s)
{
	int rc = 0;

	for (; !rc && *s; s++) {
		switch (*s) {
		case '&': rc = et_buf_addstr(b, "&amp;"); break;
		case '<': rc = et_buf_addstr(b, "&lt;"); break;
		case '>': rc = et_buf_addstr(b, "&gt;"); break;
		case '"': rc = et_buf_addstr(b, "&quot;"); break;
		case '\'': rc = et_buf_addstr(b, "&apos;"); break;
		default: rc = et_buf_add(b, s, 1); break;
		}
	}
	return rc;
}

struct series {
	const char *name;        /* legend */
	const char *color;
	double v[512];
	bool null[512];
};

/* A bar chart of one or two series over labels, values scaled by scale and
 * shown with unit (e.g. "%"). Zero line drawn; negative bars go below it. */
static int svg_chart(struct et_buf *b, const char *title, const char *desc, const char *const *labels,
		     size_t n, const struct series *ser, size_t nser, double scale, const char *unit)
{
	const double W = 120.0 + (double)n * (24.0 * (double)nser + 24.0), H = 360.0;
	const double top = 50, bottom = 300, left = 90;
	double hi = 0, lo = 0, y0, span;
	int rc;

	for (size_t s = 0; s < nser; s++)
		for (size_t i = 0; i < n; i++)
			if (!ser[s].null[i]) {
				hi = fmax(hi, ser[s].v[i] * scale);
				lo = fmin(lo, ser[s].v[i] * scale);
			}
	span = hi - lo > 0 ? hi - lo : 1;
	y0 = top + (bottom - top) * hi / span;
	if ((rc = et_buf_printf(b,
				"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
				" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"title desc\""
				" font-family=\"sans-serif\" font-size=\"12\">\n<title id=\"title\">",
				fmax(W, 480), H, fmax(W, 480), H)) ||
	    (rc = xml_text(b, title)) || (rc = et_buf_addstr(b, "</title>\n<desc id=\"desc\">")) ||
	    (rc = xml_text(b, desc)) ||
	    (rc = et_buf_addstr(b, "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
				   "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">")) ||
	    (rc = xml_text(b, title)) || (rc = et_buf_addstr(b, "</text>\n")))
		return rc;
	/* axis labels: the top, zero and bottom values */
	if ((rc = et_buf_printf(b,
				"<g fill=\"#333333\" text-anchor=\"end\">"
				"<text x=\"%.0f\" y=\"%.1f\">%.2f%s</text>"
				"<text x=\"%.0f\" y=\"%.1f\">0</text>"
				"<text x=\"%.0f\" y=\"%.1f\">%.2f%s</text></g>\n"
				"<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#000000\"/>\n",
				left - 6, top + 4, hi, unit, left - 6, y0 + 4, left - 6, bottom + 4, lo,
				unit, left, y0, fmax(W, 480) - 10, y0)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		double x = left + 12 + (double)i * (24.0 * (double)nser + 24.0);

		for (size_t s = 0; s < nser; s++) {
			double v = ser[s].v[i] * scale, h = fabs(v) / span * (bottom - top);

			if (ser[s].null[i])
				continue;
			if ((rc = et_buf_printf(b,
						"<rect x=\"%.1f\" y=\"%.1f\" width=\"20\" height=\"%.1f\" fill=\"%s\">"
						"<title>",
						x + 24.0 * (double)s, v >= 0 ? y0 - h : y0, h,
						ser[s].color)) ||
			    (rc = xml_text(b, labels[i][0] ? labels[i] : "-")) ||
			    (rc = et_buf_addstr(b, " ")) || (rc = xml_text(b, ser[s].name)) ||
			    (rc = et_buf_printf(b, ": %.2f%s</title></rect>\n", v, unit)))
				return rc;
		}
		if ((rc = et_buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">",
					x + 12.0 * (double)nser, bottom + 22)) ||
		    (rc = xml_text(b, labels[i][0] ? labels[i] : "-")) ||
		    (rc = et_buf_addstr(b, "</text>\n")))
			return rc;
	}
	for (size_t s = 0; s < nser; s++)
		if ((rc = et_buf_printf(b,
					"<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
					"<text x=\"%.0f\" y=\"%.0f\">",
					left + 200.0 * (double)s, H - 22, ser[s].color,
					left + 200.0 * (double)s + 16, H - 12)) ||
		    (rc = xml_text(b, ser[s].name)) || (rc = et_buf_addstr(b, "</text>\n")))
			return rc;
	if (!n && (rc = et_buf_addstr(b, "<text x=\"100\" y=\"180\">无数据 / no data</text>\n")))
		return rc;
	return et_buf_addstr(b, "</svg>\n");
}

static int write_file(const char *dir, const char *name, const struct et_buf *b)
{
	struct client_out o;
	char path[4096];
	size_t off = 0;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return client_error(ET_ELIMIT, "%s", dir);
	if (client_out_open(&o, path, 0644))
		return client_error(ET_EIO, "%s: %s", path, strerror(errno));
	while (off < b->len) {
		ssize_t w = write(o.fd, b->data + off, b->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			client_out_abort(&o);
			return client_error(ET_EIO, "%s: %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	if (client_out_finish(&o))
		return client_error(ET_EIO, "%s: %s", path, strerror(errno));
	printf("%s\n", path);
	return 0;
}

/* Two charts (discount rates, savings) of one JSON report grouped by what. */
static int charts_of(json_t *rep, const char *dir, const char *what, const char *what_zh,
		     const struct stats_args *a)
{
	static struct series rates[2], sav[1];
	const char *labels[512];
	char title[256], desc[2048], name[64];
	json_t *periods = json_object_get(rep, "periods"), *p;
	struct et_buf b;
	size_t i, n = json_array_size(periods);
	int rc = 1;

	if (n > 512)
		return client_error(ET_ELIMIT, "%zu periods", n);
	memset(rates, 0, sizeof rates);
	memset(sav, 0, sizeof sav);
	rates[0].name = "加权下浮率 weighted";
	rates[0].color = "#1f5fa8";
	rates[1].name = "平均下浮率 mean";
	rates[1].color = "#e08a1e";
	sav[0].name = "节约资金（万元）savings (10k yuan)";
	sav[0].color = "#2e8b57";
	json_array_foreach(periods, i, p) {
		json_t *w = json_object_get(p, "weighted_discount_rate"),
		       *m = json_object_get(p, "mean_discount_rate");

		labels[i] = client_jstr(p, "label");
		rates[0].null[i] = !json_is_number(w);
		rates[0].v[i] = json_number_value(w);
		rates[1].null[i] = !json_is_number(m);
		rates[1].v[i] = json_number_value(m);
		sav[0].null[i] = json_integer_value(json_object_get(p, "projects")) == 0;
		sav[0].v[i] = (double)json_integer_value(json_object_get(p, "savings_fen"));
	}
	et_buf_init(&b, 8u << 20);
	client_fmt(desc, sizeof desc,
		   "%s：%zu 组；筛选 from %s to %s type %s / by %s: %zu groups; filters from %s to %s type %s."
		   " 柱高为精确值四舍五入后的近似 / bars approximate the exact figures of the JSON report.",
		   what_zh, n, a->from ? a->from : "-", a->to ? a->to : "-", a->type ? a->type : "all",
		   what, n, a->from ? a->from : "-", a->to ? a->to : "-", a->type ? a->type : "all");
	client_fmt(title, sizeof title, "下浮率（%s）/ Discount rate by %s", what_zh, what);
	client_fmt(name, sizeof name, "discount-by-%s.svg", what);
	if (svg_chart(&b, title, desc, labels, n, rates, 2, 100.0, "%") ||
	    write_file(dir, name, &b))
		goto out;
	et_buf_reset(&b);
	client_fmt(title, sizeof title, "节约资金（%s）/ Savings by %s", what_zh, what);
	client_fmt(name, sizeof name, "savings-by-%s.svg", what);
	if (svg_chart(&b, title, desc, labels, n, sav, 1, 1.0 / 1000000.0, "") ||
	    write_file(dir, name, &b))
		goto out;
	rc = 0;
out:
	et_buf_free(&b);
	return rc;
}

static int cmd_chart(const struct stats_args *a)
{
	static const char *const by[][2] = { { "month", "按月" }, { "type", "按类型" } };
	struct client_session s;
	struct client_http_resp r;
	struct stat st;
	char path[1024];
	int ret = 1;

	memset(&s, 0, sizeof s);
	memset(&r, 0, sizeof r);
	if (!a->out)
		return client_usage_error(stats_usage, "需要 --out DIR / --out DIR is required");
	if (a->split_at)
		return client_usage_error(stats_usage,
					  "图表按月和按类型分组，不能与 --split-at 同用 / charts group by "
					  "month and type and cannot take --split-at");
	if (mkdir(a->out, 0755) && errno != EEXIST)
		return client_error(ET_EIO, "%s: %s", a->out, strerror(errno));
	if (stat(a->out, &st) || !S_ISDIR(st.st_mode))
		return client_error(ET_EINVAL, "%s: 不是目录 / not a directory", a->out);
	if (client_session_open(a->server, true, &s))
		goto out;
	for (size_t i = 0; i < sizeof by / sizeof by[0]; i++) {
		json_t *j;
		json_error_t je;
		int bad;

		client_http_resp_free(&r);
		memset(&r, 0, sizeof r);
		if (build_path(a, by[i][0], "json", path, sizeof path) || get_report(&s, path, &r))
			goto out;
		if (!(j = json_loadb((const char *)r.body.data, r.body.len, JSON_REJECT_DUPLICATES, &je))) {
			client_error(ET_EINVAL, "JSON 无效 / invalid JSON: %s", je.text);
			goto out;
		}
		bad = charts_of(j, a->out, by[i][0], by[i][1], a);
		json_decref(j);
		if (bad)
			goto out;
	}
	ret = 0;
out:
	client_http_resp_free(&r);
	client_session_close(&s);
	return ret;
}

int client_cmd_stats(int argc, char **argv)
{
	struct stats_args a;
	const char *sub;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(stats_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (!strcmp(sub, "import")) {
		if ((rc = parse_args(argc - 1, argv + 1, "c", &a)))
			return rc < 0 ? 0 : rc;
		return cmd_import(&a);
	}
	if (!strcmp(sub, "report")) {
		if ((rc = parse_args(argc - 1, argv + 1, "ftsybF", &a)))
			return rc < 0 ? 0 : rc;
		return cmd_report(&a);
	}
	if (!strcmp(sub, "chart")) {
		if ((rc = parse_args(argc - 1, argv + 1, "ftsyo", &a)))
			return rc < 0 ? 0 : rc;
		return cmd_chart(&a);
	}
	return client_usage_error(stats_usage, "未知子命令 / unknown subcommand: %s", sub);
}
