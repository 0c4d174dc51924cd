/* stats/ocds.c — open data: OCDS 1.1.5 release packages with the bids
 * extension (docs/statistics.md §5, docs/formats.md). Written by hand so
 * that amounts are exact decimals of yuan from integer fen (never a
 * binary float). Counts of a platform tender appear only once it is
 * closed (招标投标法 Art. 22). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stats/stats_int.h"

#define BIDS_EXTENSION \
	"https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"

/* RFC 3339 UTC date-time of µs (whole seconds). */
static int add_time(struct et_buf *b, int64_t us)
{
	time_t t = (time_t)((us >= 0 ? us : us - 999999) / 1000000);
	struct tm tm;
	char s[40];

	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof s, "\"%Y-%m-%dT%H:%M:%SZ\"", &tm))
		return et_fail(ET_EINVAL);
	return et_buf_addstr(b, s);
}

/* {"amount":Y.FF,"currency":"CNY"} from fen >= 0. */
static int add_value(struct et_buf *b, int64_t fen)
{
	if (fen < 0)
		return et_fail(ET_EINVAL);
	return et_buf_printf(b, "{\"amount\":%lld.%02lld,\"currency\":\"CNY\"}",
			     (long long)(fen / 100), (long long)(fen % 100));
}

static int add_stats(struct et_buf *b, int64_t bids, int64_t requests)
{
	return et_buf_printf(b,
			     ",\"bids\":{\"statistics\":[{\"id\":\"bids\",\"measure\":\"bids\",\"value\":%lld},"
			     "{\"id\":\"requests\",\"measure\":\"requests\",\"value\":%lld}]}",
			     (long long)bids, (long long)requests);
}

static bool day_in(const struct stats_query *q, int64_t us)
{
	int64_t day = stats_local_day(us);

	return (!q->has_from || day >= q->from_day) && (!q->has_to || day <= q->to_day);
}

/* "ocid" and "id" of a release: PREFIX-ID, ID-SUFFIX. */
static int add_ids(struct et_buf *b, const char *prefix, const char *mid, const char *id,
		   const char *suffix)
{
	char s[ET_ID_MAX_LEN + 160];
	int rc;

	if (snprintf(s, sizeof s, "%s-%s%s", prefix, mid, id) >= (int)sizeof s)
		return et_fail(ET_ELIMIT);
	if ((rc = et_buf_addstr(b, "{\"ocid\":")) || (rc = st_json_str(b, s)))
		return rc;
	if (snprintf(s, sizeof s, "%s-%s", id, suffix) >= (int)sizeof s)
		return et_fail(ET_ELIMIT);
	if ((rc = et_buf_addstr(b, ",\"id\":")) || (rc = st_json_str(b, s)))
		return rc;
	return ET_OK;
}

/* An awarded lot: an imported outcome (ocid PREFIX-imported-CODE, one
 * release per row) or a platform award, whose code is TENDER/LOT: its
 * release belongs to the tender's contracting process (ocid PREFIX-TENDER,
 * the same as the tender's own release; release id TENDER/LOT-award). */
static int release_outcome(struct et_buf *b, const struct stats_outcome *o, const char *prefix)
{
	char aid[ET_ID_MAX_LEN + 16], process[ET_ID_MAX_LEN + 1], s[ET_ID_MAX_LEN + 160];
	const char *slash = o->source == STATS_SRC_PLATFORM ? strrchr(o->code, '/') : NULL;
	int rc;

	if (snprintf(aid, sizeof aid, "%s-award", o->code) >= (int)sizeof aid)
		return et_fail(ET_ELIMIT);
	snprintf(process, sizeof process, "%.*s", slash ? (int)(slash - o->code) : (int)strlen(o->code),
		 o->code);
	if (snprintf(s, sizeof s, "%s-%s%s", prefix, o->source == STATS_SRC_IMPORTED ? "imported-" : "",
		     process) >= (int)sizeof s)
		return et_fail(ET_ELIMIT);
	if ((rc = et_buf_addstr(b, "{\"ocid\":")) || (rc = st_json_str(b, s)) ||
	    (rc = et_buf_addstr(b, ",\"id\":")) || (rc = st_json_str(b, aid)) ||
	    (rc = et_buf_addstr(b, ",\"date\":")) || (rc = add_time(b, o->opened_us)) ||
	    (rc = et_buf_addstr(b, ",\"tag\":[\"award\"],\"initiationType\":\"tender\","
			       "\"language\":\"zh\",\"tender\":{\"id\":")) ||
	    (rc = st_json_str(b, process)) || (rc = et_buf_addstr(b, ",\"title\":")) ||
	    (rc = st_json_str(b, o->title)) ||
	    (rc = et_buf_addstr(b, ",\"status\":\"complete\",\"value\":")) ||
	    (rc = add_value(b, o->control_fen)) ||
	    (rc = et_buf_printf(b, ",\"numberOfTenderers\":%lld", (long long)o->bidders)) ||
	    (o->type == STATS_CONSTRUCTION &&
	     (rc = et_buf_addstr(b, ",\"mainProcurementCategory\":\"works\""))) ||
	    (rc = et_buf_addstr(b, "}")) || (rc = add_stats(b, o->bidders, o->registered)) ||
	    (rc = et_buf_addstr(b, ",\"awards\":[{\"id\":")) || (rc = st_json_str(b, aid)) ||
	    (rc = et_buf_addstr(b, ",\"status\":\"active\",\"date\":")) ||
	    (rc = add_time(b, o->opened_us)) || (rc = et_buf_addstr(b, ",\"value\":")) ||
	    (rc = add_value(b, o->winning_fen)) || (rc = et_buf_addstr(b, "}]}")))
		return rc;
	return ET_OK;
}

static const char *tender_status(const struct stats_tender *t)
{
	if (!strcmp(t->stage, "cancelled"))
		return "cancelled";
	if (!strcmp(t->stage, "failed"))
		return "unsuccessful";
	return "active";
}

/* A platform tender: no count of any kind unless it is closed. */
static int release_tender(struct et_buf *b, const struct stats_tender *t, const char *prefix)
{
	int rc;

	if ((rc = add_ids(b, prefix, "", t->id, t->closed ? "closed" : "tender")) ||
	    (rc = et_buf_addstr(b, ",\"date\":")) ||
	    (rc = add_time(b, t->closed ? t->closed_us : t->published_us)) ||
	    (rc = et_buf_addstr(b, ",\"tag\":[\"tender\"],\"initiationType\":\"tender\","
			       "\"language\":\"zh\",\"tender\":{\"id\":")) ||
	    (rc = st_json_str(b, t->id)) || (rc = et_buf_addstr(b, ",\"title\":")) ||
	    (rc = st_json_str(b, t->title)) ||
	    (rc = et_buf_printf(b, ",\"status\":\"%s\",\"value\":", tender_status(t))) ||
	    (rc = add_value(b, t->control_fen)) ||
	    (rc = et_buf_addstr(b, ",\"tenderPeriod\":{\"startDate\":")) ||
	    (rc = add_time(b, t->published_us)) || (rc = et_buf_addstr(b, ",\"endDate\":")) ||
	    (rc = add_time(b, t->deadline_us)) || (rc = et_buf_addstr(b, "}")) ||
	    (t->type == STATS_CONSTRUCTION &&
	     (rc = et_buf_addstr(b, ",\"mainProcurementCategory\":\"works\""))))
		return rc;
	if (t->closed &&
	    (rc = et_buf_printf(b, ",\"numberOfTenderers\":%lld", (long long)t->bids)))
		return rc;
	if ((rc = et_buf_addstr(b, "}")))
		return rc;
	if (t->closed && (rc = add_stats(b, t->bids, t->registrations)))
		return rc;
	return et_buf_addstr(b, "}");
}

int stats_report_ocds(const struct stats_outcome *rows, size_t n, const struct stats_tender *t,
		      size_t nt, const struct stats_query *q, const struct stats_ocds_opts *o,
		      struct et_buf *b)
{
	size_t count = 0;
	int rc;

	if (!q || !o || !o->ocid_prefix || !o->publisher || !o->uri || !b || (n && !rows) ||
	    (nt && !t))
		return et_fail(ET_EINVAL);
	if ((rc = et_buf_addstr(b, "{\"uri\":")) || (rc = st_json_str(b, o->uri)) ||
	    (rc = et_buf_addstr(b, ",\"version\":\"1.1\",\"extensions\":[\"" BIDS_EXTENSION
			       "\"],\"publishedDate\":")) ||
	    (rc = add_time(b, o->published_us)) ||
	    (rc = et_buf_addstr(b, ",\"publisher\":{\"name\":")) ||
	    (rc = st_json_str(b, o->publisher)) || (rc = et_buf_addstr(b, "},\"releases\":[")))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((q->type >= 0 && rows[i].type != q->type) || !day_in(q, rows[i].opened_us))
			continue;
		if ((count++ && (rc = et_buf_addstr(b, ","))) ||
		    (rc = release_outcome(b, &rows[i], o->ocid_prefix)))
			return rc;
	}
	for (size_t i = 0; i < nt; i++) {
		if ((q->type >= 0 && t[i].type != q->type) || !day_in(q, t[i].published_us))
			continue;
		if ((count++ && (rc = et_buf_addstr(b, ","))) ||
		    (rc = release_tender(b, &t[i], o->ocid_prefix)))
			return rc;
	}
	/* The package schema wants at least one release. */
	if (!count)
		return ET_ENOTFOUND;
	return et_buf_addstr(b, "]}");
}
