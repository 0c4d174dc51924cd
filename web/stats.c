/* web/stats.c — the statistician's routes (docs/api.md, docs/statistics.md):
 * POST /api/stats/import (a CSV file, all or nothing, bad rows named by
 * line) and GET /api/stats (reports as JSON, CSV, a text table, the Chinese
 * annual-report paragraph, or an OCDS release package). The role is
 * checked here for an early answer and again by the domain in the writer
 * (stats_import). Counts of tenders not yet closed are never shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "web/stats.h"
#include "web/web_int.h"

#define STATS_OCID_PREFIX "ocds-etender"

static int deny_role(struct web_reply *rep, const char *zh, const char *en)
{
	web_reply_error(rep, MHD_HTTP_FORBIDDEN, ET_EDENIED, "et.auth.role", zh, en);
	return ET_EDENIED;
}

/* {"error":{code, rule, message_zh, message_en, line}} of a refused import. */
static int import_error(struct web_reply *rep, int rc, const struct stats_csv_error *e)
{
	json_t *j;

	if (!e->zh[0] || !e->en[0]) {
		web_reply_error(rep, 0, rc, e->rule, NULL, NULL);
		return rc;
	}
	j = json_pack("{s:{s:s,s:s?,s:s,s:s,s:I}}", "error", "code", web_code_name(rc), "rule",
		      e->rule, "message_zh", e->zh, "message_en", e->en, "line",
		      (json_int_t)e->line);
	if (web_reply_json(rep, web_status_of(rc), j))
		web_reply_error(rep, 0, rc, e->rule, e->zh, e->en);
	return rc;
}

int web_stats_import(struct web_req *r, struct web_reply *rep)
{
	struct stats_csv_error err;
	struct audit_result res;
	int rc;

	if (!(r->who.roles & TENDER_ROLE_STATISTICIAN))
		return deny_role(rep, "只有统计人员可以导入历史成交数据",
				 "only a statistician may import outcomes");
	memset(&err, 0, sizeof err);
	memset(&res, 0, sizeof res);
	rc = stats_import(r->data->ledger, r->who.user, r->body ? (const char *)r->body : "",
			  r->body_len, &err, &res);
	if (rc)
		return import_error(rep, rc, &err);
	return web_reply_json(rep, MHD_HTTP_OK,
			      json_pack("{s:I,s:I,s:I}", "imported", (json_int_t)res.count, "first",
					(json_int_t)res.first, "log_size",
					(json_int_t)res.checkpoint_size));
}

static int bad_param(struct web_reply *rep, const char *name, const char *zh_what,
		     const char *en_what)
{
	char zh[160], en[160];

	if (snprintf(zh, sizeof zh, "参数 %s：%s", name, zh_what) < 0 ||
	    snprintf(en, sizeof en, "parameter %s: %s", name, en_what) < 0) {
		zh[0] = 0;
		en[0] = 0;
	}
	web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, "et.stats.query", zh, en);
	return ET_EINVAL;
}

static int date_param(struct web_req *r, const char *name, bool *has, int64_t *day,
		      struct web_reply *rep)
{
	const char *v = web_query(r, name);

	*has = false;
	if (!v || !*v)
		return ET_OK;
	if (stats_date_parse(v, day))
		return bad_param(rep, name, "日期须为 YYYY-MM-DD", "a date must be YYYY-MM-DD");
	*has = true;
	return ET_OK;
}

/* The query string into q and the format name. */
static int parse_query(struct web_req *r, struct stats_query *q, const char **format,
		       struct web_reply *rep)
{
	static const char *const by_names[] = { "", "type", "year", "month", "agent" };
	const char *v;
	int rc;

	memset(q, 0, sizeof *q);
	q->type = -1;
	q->by = STATS_BY_NONE;
	if ((rc = date_param(r, "from", &q->has_from, &q->from_day, rep)) ||
	    (rc = date_param(r, "to", &q->has_to, &q->to_day, rep)) ||
	    (rc = date_param(r, "split_at", &q->has_split, &q->split_day, rep)))
		return rc;
	if (q->has_from && q->has_to && q->from_day > q->to_day)
		return bad_param(rep, "from", "晚于 to", "is after to");
	if ((v = web_query(r, "type")) && *v && (q->type = stats_type_parse(v)) < 0)
		return bad_param(rep, "type", "须为 construction、procurement、land 或 asset",
				 "must be construction, procurement, land or asset");
	if ((v = web_query(r, "by")) && *v) {
		q->by = -1;
		for (int i = 1; i < (int)(sizeof by_names / sizeof by_names[0]); i++)
			if (!strcmp(v, by_names[i]))
				q->by = i;
		if (q->by < 0)
			return bad_param(rep, "by", "须为 type、year、month 或 agent",
					 "must be type, year, month or agent");
	}
	if (q->has_split && q->by != STATS_BY_NONE)
		return bad_param(rep, "split_at", "不能与 by 同时使用", "cannot be combined with by");
	*format = web_query(r, "format");
	if (!*format || !**format)
		*format = "json";
	if (strcmp(*format, "json") && strcmp(*format, "csv") && strcmp(*format, "table") &&
	    strcmp(*format, "text") && strcmp(*format, "ocds"))
		return bad_param(rep, "format", "须为 json、csv、table、text 或 ocds",
				 "must be json, csv, table, text or ocds");
	return ET_OK;
}

static int reply_ocds(struct web_req *r, const struct stats_outcome *rows, size_t n,
		      const struct stats_query *q, struct et_buf *b, struct web_reply *rep)
{
	struct stats_tender *t = NULL;
	size_t nt = 0;
	char uri[512], center[ET_STATS_FIELD_MAX + 1];
	struct stats_ocds_opts o = { STATS_OCID_PREFIX, r->data->origin, uri, et_clock_now_us() };
	int rc;

	/* the publisher: the trading center's name, else the log's origin */
	rc = stats_center_name(r->data->ledger, center, sizeof center);
	if (rc && rc != ET_ENOTFOUND)
		return rc;
	if (!rc && center[0])
		o.publisher = center;
	if (snprintf(uri, sizeof uri, "urn:etender:%s:ocds:%lld", r->data->origin,
		     (long long)o.published_us) >= (int)sizeof uri)
		return et_fail(ET_ELIMIT);
	if ((rc = stats_tenders_load(r->data->ledger, &t, &nt)))
		return rc;
	rc = stats_report_ocds(rows, n, t, nt, q, &o, b);
	free(t);
	if (rc == ET_ENOTFOUND) {
		web_reply_error(rep, MHD_HTTP_NOT_FOUND, ET_ENOTFOUND, NULL,
				"所选范围内没有可发布的项目（OCDS 发布包至少需要一条发布）",
				"nothing to publish in this selection (an OCDS package needs a release)");
		return rc;
	}
	if (rc)
		return rc;
	return web_reply_text(rep, MHD_HTTP_OK, "application/json; charset=utf-8",
			      (const char *)b->data, b->len);
}

int web_stats_report(struct web_req *r, struct web_reply *rep)
{
	struct stats_query q;
	struct stats_outcome *rows = NULL;
	struct stats_report *rp = NULL;
	const char *format = NULL, *ctype = "application/json; charset=utf-8";
	struct et_buf b;
	size_t n = 0;
	int rc;

	if (!(r->who.roles & TENDER_ROLE_STATISTICIAN))
		return deny_role(rep, "只有统计人员可以查看统计报表",
				 "only a statistician may read the statistics");
	if ((rc = parse_query(r, &q, &format, rep)))
		return rc;
	et_buf_init(&b, ET_STATS_REPORT_MAX);
	if ((rc = stats_rows_load(r->data->ledger, &rows, &n)))
		goto out;
	if (!strcmp(format, "ocds")) {
		rc = reply_ocds(r, rows, n, &q, &b, rep);
		goto out;
	}
	if ((rc = stats_report_compute(rows, n, &q, &rp)))
		goto out;
	if (!strcmp(format, "json")) {
		rc = stats_report_json(rp, &b);
	} else if (!strcmp(format, "csv")) {
		rc = stats_report_csv(rp, &b);
		ctype = "text/csv; charset=utf-8";
	} else if (!strcmp(format, "table")) {
		rc = stats_report_table(rp, &b);
		ctype = "text/plain; charset=utf-8";
	} else {
		rc = stats_report_text(rp, &b);
		ctype = "text/plain; charset=utf-8";
	}
	if (!rc)
		rc = web_reply_text(rep, MHD_HTTP_OK, ctype, b.len ? (const char *)b.data : "", b.len);
out:
	stats_report_free(rp);
	free(rows);
	et_buf_free(&b);
	return rc;
}
