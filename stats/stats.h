/* stats/stats.h — statistics of awarded lots: exact figures (money in fen,
 * rates as reduced fractions), the historical CSV import as a ledger module
 * (event "outcome.imported", projection st_outcome) and the reports (JSON,
 * CSV, text table, the Chinese annual-report paragraph). docs/statistics.md. */
#ifndef ET_STATS_H
#define ET_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/limits.h"

struct audit_ledger;
struct audit_module;
struct audit_result;

/* ---- exact numbers (stats/frac.c) ---- */

/* Round num/den (den != 0) half away from zero to an integer; ET_ELIMIT
 * if it does not fit int64. num and den are decimal strings. */
int stats_round_div(const char *num, const char *den, int64_t *out) ET_MUST_CHECK;
/* Write num/den as a plain decimal (no exponent) with sig significant
 * digits (12..40), rounded half away from zero, trailing zeros dropped:
 * 1207/10000 -> "0.1207". Exact integer arithmetic throughout. */
int stats_decimal(const char *num, const char *den, int sig, char *out, size_t cap) ET_MUST_CHECK;

/* A figure that is a fraction: null when undefined (an empty period, a
 * zero denominator); else exact is the reduced fraction "p/q" (or "p" when
 * q = 1) and dec its decimal with STATS_SIG significant digits. */
#define STATS_SIG 15
struct stats_value {
	bool null;
	char exact[128];
	char dec[96];
};

/* ---- outcomes and the CSV import (stats/csv.c) ---- */

enum stats_type { STATS_CONSTRUCTION, STATS_PROCUREMENT, STATS_LAND, STATS_ASSET, STATS_NTYPES };
/* "construction" … "asset"; -1 for an unknown name. */
int stats_type_parse(const char *s);
const char *stats_type_name(int type);

/* Where a row comes from: an imported outcome, or (later) an award made on
 * the platform. Both count in reports. */
enum stats_source { STATS_SRC_IMPORTED, STATS_SRC_PLATFORM };

/* One awarded lot. */
struct stats_outcome {
	char code[ET_ID_MAX_LEN + 1];
	int type;                    /* enum stats_type */
	char title[ET_STATS_FIELD_MAX + 1];
	int64_t control_fen;         /* > 0: control price, reserve for land and assets */
	int64_t winning_fen;         /* >= 0 */
	int64_t registered;          /* registered firms */
	int64_t bidders;             /* bidding firms, 1 <= bidders <= registered */
	int64_t opened_us;           /* UTC µs */
	char agent[ET_STATS_AGENT_MAX + 1];  /* "" when not given */
	int source;                  /* enum stats_source */
	size_t line;                 /* imported: its line in the file */
};

/* Why an import was refused: the line (1 = the header) and the reason in
 * Chinese and in English. */
struct stats_csv_error {
	size_t line;                 /* 0: not about a line (a refused role) */
	const char *rule;            /* rule id of a refusal ("et.auth.role"), or NULL */
	char zh[256];
	char en[256];
};

/* Days since 1970-01-01 of the Asia/Shanghai (UTC+8, no DST) date of us. */
int64_t stats_local_day(int64_t us);
/* "YYYY-MM-DD" into a day number; ET_EINVAL otherwise. */
int stats_date_parse(const char *s, int64_t *day) ET_MUST_CHECK;
/* ISO 8601 date ("2024-03-01", Shanghai midnight) or date-time
 * ("2024-03-01T09:30[:00]" Shanghai time, or with "Z" / "+08:00") to UTC µs. */
int stats_datetime_parse(const char *s, int64_t *us) ET_MUST_CHECK;
/* Day number to "YYYY-MM-DD" (out >= 16). */
void stats_date_format(int64_t day, char out[16]);

/* Parse and validate a whole import file (RFC 4180, UTF-8, optional BOM).
 * On ET_OK *rows is a malloc'd array of *n outcomes (caller frees); on
 * ET_EINVAL (a bad row) err says where and why, *rows is NULL; ET_ELIMIT
 * past the caps of core/limits.h; ET_ENOMEM. */
int stats_csv_parse(const char *data, size_t len, struct stats_outcome **rows, size_t *n,
		    struct stats_csv_error *err) ET_MUST_CHECK;

/* ---- the ledger module (stats/domain.c) ---- */

/* The statistics module (projection st_outcome, kind "outcome.imported"
 * v1). Borrowed, static. */
const struct audit_module *const *stats_ledger_modules(size_t *n);

/* Import a CSV file as one command: one public "outcome.imported" event
 * per row, or nothing at all if any row is bad (err set, ET_EINVAL) or a
 * code was imported before (ET_EEXIST, err set). actor is the user's
 * pseudonymous id; in the writer it must be a user with the statistician
 * role (tender's accounts projection), else ET_EDENIED with err->rule
 * "et.auth.role" and line 0. The ledger needs tender's modules before this
 * one. res may be NULL. */
int stats_import(struct audit_ledger *l, const char *actor, const char *csv, size_t len,
		 struct stats_csv_error *err, struct audit_result *res) ET_MUST_CHECK;

/* ---- reports (stats/report.c) ---- */

enum stats_by { STATS_BY_NONE, STATS_BY_TYPE, STATS_BY_YEAR, STATS_BY_MONTH, STATS_BY_AGENT };

/* Dates are Asia/Shanghai day numbers (stats_date_parse), inclusive. */
struct stats_query {
	bool has_from, has_to, has_split;
	int64_t from_day, to_day, split_day;  /* before = opened earlier than split_day */
	int type;                    /* -1: all types */
	int by;                      /* enum stats_by; with has_split: STATS_BY_NONE only */
};

struct stats_period {
	char label[ET_STATS_FIELD_MAX + 1];
	bool has_from, has_to;
	int64_t from_day, to_day;
	int64_t projects;
	int64_t control_total_fen;
	int64_t winning_total_fen;
	int64_t savings_fen;
	struct stats_value mean_discount_rate;
	struct stats_value weighted_discount_rate;
	struct stats_value mean_registered;
	struct stats_value mean_bidders;
};

struct stats_comparison {
	struct stats_value registered_ratio;
	struct stats_value bidders_ratio;
	struct stats_value mean_rate_delta_pp;
	struct stats_value weighted_rate_delta_pp;
	bool extra_null;             /* both extra savings are null together */
	int64_t extra_savings_weighted_fen;
	int64_t extra_savings_mean_fen;
};

struct stats_report {
	struct stats_period *periods;
	size_t nperiods;
	bool has_comparison;         /* periods[0] before, periods[1] after */
	struct stats_comparison cmp;
};

/* Compute a report over rows (any order). *out malloc'd, freed with
 * stats_report_free; nothing on failure. ET_EINVAL for a bad query,
 * ET_ELIMIT if a total overflows int64. */
int stats_report_compute(const struct stats_outcome *rows, size_t n, const struct stats_query *q,
			 struct stats_report **out) ET_MUST_CHECK;
void stats_report_free(struct stats_report *r);
/* The rows every report reads: the imported outcomes of st_outcome (and,
 * when the award module exists, the platform's awards). *rows malloc'd,
 * caller frees. */
int stats_rows_load(struct audit_ledger *l, struct stats_outcome **rows, size_t *n) ET_MUST_CHECK;

/* ---- the platform's own tenders and awards (stats/platform.c) ----
 *
 * Awards made on the platform feed reports through one hook: the projection
 * table ev_award that the evaluation module keeps (filled by the apply
 * function of award.made, docs/evaluation.md §6), one row per awarded lot,
 * with at least the columns
 *   code TEXT (unique, e.g. "TENDER/LOT"), type TEXT (construction,
 *   procurement, land, asset), title TEXT, control_fen INTEGER (> 0),
 *   winning_fen INTEGER (>= 0), registered INTEGER, bidders INTEGER
 *   (1 <= bidders <= registered), opened_us INTEGER (UTC µs of the
 *   opening), agent TEXT ("" when none).
 * stats_rows_load reads it, when the table exists, as rows with source
 * STATS_SRC_PLATFORM next to the imported outcomes; a ledger without the
 * evaluation module has imported outcomes only. No award is ever made up
 * from an opening. */
#define STATS_AWARD_TABLE "ev_award"

/* A tender run on the platform as open data shows it: published (or later)
 * tenders only. The counts are filled only once the tender is closed
 * (招标投标法 Art. 22: before the close nobody learns how many registered,
 * downloaded or bid); closed false means they are absent, not zero. */
struct stats_tender {
	char id[ET_ID_MAX_LEN + 1];
	char title[ET_STATS_FIELD_MAX + 1];
	int type;                    /* enum stats_type */
	char stage[16];              /* published, cancelled, closed, failed, opened */
	int64_t control_fen;         /* Σ the lots' control prices */
	int64_t published_us;
	int64_t deadline_us;
	bool closed;                 /* tender.closed is in the log */
	int64_t closed_us;
	int64_t bids;                /* closed only: bids received at the close */
	int64_t registrations;       /* closed only: firms registered */
};

/* The published tenders of the platform (needs tender's and bidding's
 * modules in the ledger; without bidding's no tender counts as closed).
 * *out malloc'd, caller frees. */
int stats_tenders_load(struct audit_ledger *l, struct stats_tender **out,
		       size_t *n) ET_MUST_CHECK;

/* The trading center's public name (the first center organisation
 * registered: etenderd init's), the publisher of open data. ET_ENOTFOUND
 * if there is none. */
int stats_center_name(struct audit_ledger *l, char *out, size_t cap) ET_MUST_CHECK;

/* ---- open data (stats/ocds.c) ---- */

/* An OCDS 1.1.5 release package with the bids extension: one release per
 * row (imported outcome or platform award: tender value = control price,
 * numberOfTenderers, bids.statistics "bids" and "requests", one award with
 * the winning price) and one per platform tender of tenders (value =
 * control price; numberOfTenderers and bids.statistics only if closed).
 * Rows and tenders are filtered by q's from, to and type (a row by its
 * opening date, a tender by its publication date); q's split and by are
 * ignored. Amounts in yuan, CNY, written exactly from fen. */
struct stats_ocds_opts {
	const char *ocid_prefix;     /* e.g. "ocds-etender" */
	const char *publisher;       /* publisher.name */
	const char *uri;             /* the package's URI */
	int64_t published_us;        /* publishedDate */
};
int stats_report_ocds(const struct stats_outcome *rows, size_t n, const struct stats_tender *t,
		      size_t nt, const struct stats_query *q, const struct stats_ocds_opts *o,
		      struct et_buf *out) ET_MUST_CHECK;

/* Formats, appended to out (docs/statistics.md). */
int stats_report_json(const struct stats_report *r, struct et_buf *out) ET_MUST_CHECK;
int stats_report_csv(const struct stats_report *r, struct et_buf *out) ET_MUST_CHECK;
int stats_report_table(const struct stats_report *r, struct et_buf *out) ET_MUST_CHECK;
int stats_report_text(const struct stats_report *r, struct et_buf *out) ET_MUST_CHECK;

#endif
