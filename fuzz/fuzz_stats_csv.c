/* fuzz/fuzz_stats_csv.c — the statistics import reader on arbitrary bytes:
 * no crash, no leak; an accepted file has only valid rows (the invariants
 * of stats_csv_parse), a refused one names a line, and a report over the
 * accepted rows computes and formats. */
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stats_outcome *rows = NULL;
	struct stats_csv_error err;
	struct stats_query q = { .type = -1, .by = STATS_BY_MONTH };
	struct stats_report *rep = NULL;
	struct et_buf b;
	size_t n = 0;
	int rc = stats_csv_parse((const char *)data, size, &rows, &n, &err);

	if (rc != ET_OK) {
		if (rows || n || (rc == ET_EINVAL && (!err.en[0] || !err.zh[0])))
			abort();
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].control_fen <= 0 || rows[i].winning_fen < 0 || rows[i].bidders < 1 ||
		    rows[i].bidders > rows[i].registered || rows[i].type < 0 ||
		    rows[i].type >= STATS_NTYPES || !rows[i].code[0] || rows[i].line < 2)
			abort();
	et_buf_init(&b, ET_STATS_REPORT_MAX);
	if (stats_report_compute(rows, n, &q, &rep) == ET_OK) {
		if (stats_report_json(rep, &b) != ET_OK || stats_report_table(rep, &b) != ET_OK ||
		    stats_report_text(rep, &b) != ET_OK || stats_report_csv(rep, &b) != ET_OK)
			abort();
		stats_report_free(rep);
	}
	et_buf_free(&b);
	free(rows);
	return 0;
}
