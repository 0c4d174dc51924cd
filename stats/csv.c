/* stats/csv.c — the historical import file: an RFC 4180 reader, the
 * validation of every row (with its line number and a reason in Chinese
 * and English), prices in yuan to fen exactly, and ISO 8601 dates in
 * Asia/Shanghai (UTC+8, no daylight saving). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_int.h"

#define DAY_US (86400LL * 1000000)
#define SHANGHAI_US (8LL * 3600 * 1000000)
#define MAX_FIELDS 16
#define MAX_COUNT 1000000000LL

static const char *const type_names[STATS_NTYPES] = { "construction", "procurement", "land", "asset" };

int stats_type_parse(const char *s)
{
	for (int i = 0; i < STATS_NTYPES; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

const char *stats_type_name(int type)
{
	return type >= 0 && type < STATS_NTYPES ? type_names[type] : "?";
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t stats_local_day(int64_t us)
{
	int64_t t = us + SHANGHAI_US;

	return t >= 0 ? t / DAY_US : -((-t + DAY_US - 1) / DAY_US);
}

void stats_date_format(int64_t day, char out[16])
{
	int64_t y, m, d;

	civil_from_days(day, &y, &m, &d);
	if (snprintf(out, 16, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d) >= 16)
		out[0] = '\0';
}

/* n decimal digits at s into *v. */
static bool digits(const char *s, int n, int64_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

static int parse_ymd(const char *s, int64_t *day)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, m, d;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return ET_EINVAL;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return ET_EINVAL;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return ET_EINVAL;
	*day = days_from_civil(y, m, d);
	return ET_OK;
}

int stats_date_parse(const char *s, int64_t *day)
{
	if (!s || strlen(s) != 10)
		return ET_EINVAL;
	return parse_ymd(s, day);
}

int stats_datetime_parse(const char *s, int64_t *us)
{
	size_t len = s ? strlen(s) : 0;
	int64_t day, hh = 0, mm = 0, ss = 0, oh = 8, om = 0, sign = 1;
	const char *p;

	if (len < 10 || parse_ymd(s, &day))
		return ET_EINVAL;
	p = s + 10;
	if (*p == 'T') {
		if (!digits(p + 1, 2, &hh) || p[3] != ':' || !digits(p + 4, 2, &mm))
			return ET_EINVAL;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &ss))
				return ET_EINVAL;
			p += 3;
		}
		if (hh > 23 || mm > 59 || ss > 59)
			return ET_EINVAL;
		if (*p == 'Z') {
			oh = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) ||
			    oh > 14 || om > 59)
				return ET_EINVAL;
			p += 6;
		}
	}
	if (*p != '\0')
		return ET_EINVAL;
	*us = ((day * 86400 + hh * 3600 + mm * 60 + ss) - sign * (oh * 3600 + om * 60)) * 1000000;
	return ET_OK;
}

/* ---- fields ---- */

/* "12", "12.3", "12.34" yuan into fen; no sign, no exponent, no spaces. */
static int parse_yuan(const char *s, int64_t *fen)
{
	int64_t v = 0;
	size_t i = 0, frac = 0;
	bool dot = false;

	if (!*s)
		return ET_EINVAL;
	for (; s[i]; i++) {
		if (s[i] == '.' && !dot && i > 0) {
			dot = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || (dot && ++frac > 2))
			return ET_EINVAL;
		if (v > (ET_STATS_MAX_FEN - 9) / 10)
			return ET_ELIMIT;
		v = v * 10 + (s[i] - '0');
	}
	if (dot && frac == 0)
		return ET_EINVAL;
	for (; frac < 2; frac++) {
		if (v > ET_STATS_MAX_FEN / 10)
			return ET_ELIMIT;
		v *= 10;
	}
	*fen = v;
	return ET_OK;
}

static int parse_count(const char *s, int64_t *v)
{
	uint64_t u;

	if (et_parse_u64(s, strlen(s), &u) || u > (uint64_t)MAX_COUNT)
		return ET_EINVAL;
	*v = (int64_t)u;
	return ET_OK;
}

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, min;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; min = 0x80; }
		else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; min = 0x800; }
		else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; min = 0x10000; }
		else return false;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

static int bad(struct stats_csv_error *e, size_t line, const char *zh, const char *en)
{
	e->line = line;
	if (snprintf(e->zh, sizeof e->zh, "第 %zu 行：%s", line, zh) >= (int)sizeof e->zh)
		e->zh[0] = '\0';
	if (snprintf(e->en, sizeof e->en, "line %zu: %s", line, en) >= (int)sizeof e->en)
		e->en[0] = '\0';
	return ET_EINVAL;
}

/* ---- the RFC 4180 reader ---- */

struct reader {
	const char *p, *end;
	size_t line;                   /* current physical line */
	char f[MAX_FIELDS][ET_STATS_FIELD_MAX + 1];
	size_t nf;
	bool toolong, toomany, badquote;
};

/* Read one record; ET_ENOTFOUND at the end of the input. */
static int read_record(struct reader *r)
{
	size_t k = 0;
	bool quoted = false, was_quoted = false;
	char *cur;

	if (r->p >= r->end)
		return ET_ENOTFOUND;
	r->nf = 0;
	r->toolong = r->toomany = r->badquote = false;
	cur = r->f[0];
	for (;;) {
		bool eof = r->p >= r->end;
		char c = eof ? '\0' : *r->p;

		if (quoted) {
			if (eof) {
				r->badquote = true;
				break;
			}
			r->p++;
			if (c == '"') {
				if (r->p < r->end && *r->p == '"') {
					r->p++;
				} else {
					quoted = false;
					continue;
				}
			} else if (c == '\n') {
				r->line++;
			}
		} else {
			if (eof || c == ',' || c == '\n' || c == '\r') {
				cur[k < ET_STATS_FIELD_MAX ? k : ET_STATS_FIELD_MAX] = '\0';
				r->nf++;
				if (eof)
					break;
				r->p++;
				if (c == '\r') {
					if (r->p < r->end && *r->p == '\n')
						r->p++;
					else
						r->badquote = true; /* a bare CR */
				}
				if (c != ',') {
					r->line++;
					break;
				}
				if (r->nf >= MAX_FIELDS) {
					r->toomany = true;
					r->nf = MAX_FIELDS - 1;
				}
				cur = r->f[r->nf];
				k = 0;
				was_quoted = false;
				continue;
			}
			r->p++;
			if (c == '"') {
				if (k != 0 || was_quoted) {
					r->badquote = true;
				} else {
					quoted = was_quoted = true;
					continue;
				}
			} else if (was_quoted) {
				r->badquote = true; /* text after the closing quote */
			}
		}
		if (k < ET_STATS_FIELD_MAX)
			cur[k] = c;
		else
			r->toolong = true;
		k++;
	}
	if (r->nf == 0)
		r->nf = 1;
	return ET_OK;
}

enum { C_CODE, C_TYPE, C_TITLE, C_CONTROL, C_WINNING, C_REG, C_BID, C_OPENED, C_AGENT, C_N };
static const char *const col_names[C_N] = {
	"code", "type", "title", "control_price_yuan", "winning_price_yuan", "registered",
	"bidders", "opened_at", "agent",
};

static int cmp_code(const void *a, const void *b)
{
	const struct stats_outcome *x = *(const struct stats_outcome *const *)a;
	const struct stats_outcome *y = *(const struct stats_outcome *const *)b;

	return strcmp(x->code, y->code);
}

/* One data row into o (fields by column map); line for errors. */
static int check_row(struct reader *r, const int *map, size_t ncols, size_t line,
		     struct stats_outcome *o, struct stats_csv_error *err)
{
	const char *v[C_N] = { 0 };
	int rc;

	if (r->badquote)
		return bad(err, line, "引号不符合 RFC 4180", "quoting does not follow RFC 4180");
	if (r->toolong)
		return bad(err, line, "字段过长", "a field is too long");
	if (r->toomany || r->nf != ncols)
		return bad(err, line, "字段数与表头不符", "the number of fields differs from the header");
	for (size_t i = 0; i < ncols; i++) {
		if (!utf8_valid(r->f[i]))
			return bad(err, line, "含无效的 UTF-8 或控制字符",
				   "invalid UTF-8 or a control character");
		v[map[i]] = r->f[i];
	}
	memset(o, 0, sizeof *o);
	o->source = STATS_SRC_IMPORTED;
	if (!*v[C_CODE] || strlen(v[C_CODE]) > ET_ID_MAX_LEN)
		return bad(err, line, "项目编号为空或过长", "code is empty or too long");
	for (const char *c = v[C_CODE]; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return bad(err, line, "项目编号只能包含可见 ASCII 字符",
				   "code must be printable ASCII without spaces");
	memcpy(o->code, v[C_CODE], strlen(v[C_CODE]) + 1);
	if ((o->type = stats_type_parse(v[C_TYPE])) < 0)
		return bad(err, line, "类型须为 construction、procurement、land 或 asset",
			   "type must be construction, procurement, land or asset");
	if (!*v[C_TITLE])
		return bad(err, line, "项目名称为空", "title is empty");
	memcpy(o->title, v[C_TITLE], strlen(v[C_TITLE]) + 1);
	if ((rc = parse_yuan(v[C_CONTROL], &o->control_fen)))
		return rc == ET_ELIMIT ? bad(err, line, "控制价过大", "control price too large")
				       : bad(err, line, "控制价须为最多两位小数的元金额",
					     "control price must be yuan with at most 2 decimals");
	if (o->control_fen == 0)
		return bad(err, line, "控制价须大于零", "control price must be positive");
	if ((rc = parse_yuan(v[C_WINNING], &o->winning_fen)))
		return rc == ET_ELIMIT ? bad(err, line, "中标价过大", "winning price too large")
				       : bad(err, line, "中标价须为最多两位小数的元金额",
					     "winning price must be yuan with at most 2 decimals");
	if (o->winning_fen > o->control_fen &&
	    (o->type == STATS_CONSTRUCTION || o->type == STATS_PROCUREMENT))
		return bad(err, line, "中标价高于控制价", "winning price above the control price");
	if (parse_count(v[C_REG], &o->registered))
		return bad(err, line, "报名单位数须为非负整数", "registered must be a non-negative integer");
	if (parse_count(v[C_BID], &o->bidders) || o->bidders < 1)
		return bad(err, line, "投标单位数须为正整数", "bidders must be a positive integer");
	if (o->bidders > o->registered)
		return bad(err, line, "投标单位数多于报名单位数", "more bidders than registered firms");
	if (stats_datetime_parse(v[C_OPENED], &o->opened_us))
		return bad(err, line, "开标时间须为 ISO 8601 日期或日期时间",
			   "opened_at must be an ISO 8601 date or date-time");
	if (v[C_AGENT]) {
		if (strlen(v[C_AGENT]) > ET_STATS_AGENT_MAX)
			return bad(err, line, "代理机构名称过长", "agent too long");
		memcpy(o->agent, v[C_AGENT], strlen(v[C_AGENT]) + 1);
	}
	return ET_OK;
}

int stats_csv_parse(const char *data, size_t len, struct stats_outcome **rows, size_t *n,
		    struct stats_csv_error *err)
{
	struct reader *r = NULL;
	struct stats_outcome *out = NULL, **sorted = NULL;
	size_t *lines = NULL, nrows = 0, cap = 0, ncols, line;
	int map[MAX_FIELDS], seen[C_N] = { 0 };
	int rc;

	*rows = NULL;
	*n = 0;
	memset(err, 0, sizeof *err);
	if (len > ET_STATS_CSV_MAX_BYTES) {
		(void)bad(err, 0, "文件过大", "file too large");
		rc = ET_ELIMIT;
		goto out;
	}
	if (!(r = calloc(1, sizeof *r))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	r->p = data;
	r->end = data + len;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
	/* header */
	if (read_record(r) || r->badquote || r->toolong || r->toomany) {
		rc = bad(err, 1, "缺少表头或表头无效", "missing or invalid header");
		goto out;
	}
	ncols = r->nf;
	for (size_t i = 0; i < ncols; i++) {
		int c = -1;
		for (int j = 0; j < C_N; j++)
			if (strcmp(r->f[i], col_names[j]) == 0)
				c = j;
		if (c < 0 || seen[c]++) {
			rc = bad(err, 1, "表头含未知或重复的列", "unknown or repeated column in the header");
			goto out;
		}
		map[i] = c;
	}
	for (int j = 0; j < C_AGENT; j++)
		if (!seen[j]) {
			rc = bad(err, 1, "表头缺少必需的列", "a required column is missing from the header");
			goto out;
		}
	/* rows; a final line ending is not an empty row */
	for (;;) {
		line = r->line;
		if (read_record(r))
			break;
		if (nrows >= ET_STATS_CSV_MAX_ROWS) {
			(void)bad(err, line, "行数过多", "too many rows");
			rc = ET_ELIMIT;
			goto out;
		}
		if (nrows == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct stats_outcome *o2;
			size_t *l2;

			if (nc > ET_STATS_CSV_MAX_ROWS)
				nc = ET_STATS_CSV_MAX_ROWS;
			if (!(o2 = realloc(out, nc * sizeof *o2))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			out = o2;
			if (!(l2 = realloc(lines, nc * sizeof *l2))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			lines = l2;
			cap = nc;
		}
		if ((rc = check_row(r, map, ncols, line, &out[nrows], err)))
			goto out;
		out[nrows].line = line;
		lines[nrows++] = line;
	}
	if (nrows == 0) {
		rc = bad(err, 1, "没有数据行", "no data rows");
		goto out;
	}
	/* a code at most once */
	if (!(sorted = calloc(nrows, sizeof *sorted))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < nrows; i++)
		sorted[i] = &out[i];
	qsort(sorted, nrows, sizeof *sorted, cmp_code);
	for (size_t i = 1; i < nrows; i++)
		if (strcmp(sorted[i]->code, sorted[i - 1]->code) == 0) {
			size_t a = (size_t)(sorted[i] - out), b = (size_t)(sorted[i - 1] - out);
			rc = bad(err, lines[a > b ? a : b], "项目编号重复", "duplicate code");
			goto out;
		}
	*rows = out;
	*n = nrows;
	out = NULL;
	rc = ET_OK;
out:
	free(sorted);
	free(lines);
	free(out);
	free(r);
	return rc;
}
