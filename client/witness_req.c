/* client/witness_req.c — the parser of a C2SP tlog-witness add-checkpoint
 * request body, apart from the HTTP service so that it can be fuzzed on
 * its own (fuzz/fuzz_witness_req.c). */
#include <string.h>

#include "client/client.h"

int client_witness_req_parse(const char *body, size_t len, struct client_witness_req *rq)
{
	const char *p = body, *end = body + len, *nl;
	size_t olen;

	memset(rq, 0, sizeof *rq);
	/* "old <size>\n", decimal without leading zeros */
	nl = memchr(p, '\n', len);
	if (!nl || nl - p < 5 || memcmp(p, "old ", 4) != 0 ||
	    et_parse_u64(p + 4, (size_t)(nl - p - 4), &rq->old) != ET_OK) {
		rq->why = "bad old size line";
		return ET_EINVAL;
	}
	p = nl + 1;
	/* at most 63 base64 hashes, one a line, then an empty line */
	for (;;) {
		size_t got = 0;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			rq->why = "missing empty line before the checkpoint";
			return ET_EINVAL;
		}
		if (nl == p)
			break;
		if (rq->nproof == CLIENT_WITNESS_MAX_PROOF) {
			rq->why = "more than 63 proof lines";
			return ET_ELIMIT;
		}
		if (et_b64_decode(p, (size_t)(nl - p), rq->proof[rq->nproof], 32, &got) != ET_OK ||
		    got != 32) {
			rq->why = "bad proof line";
			return ET_EINVAL;
		}
		rq->nproof++;
		p = nl + 1;
	}
	rq->note = nl + 1;
	rq->note_len = (size_t)(end - rq->note);
	/* the checkpoint's first line is its origin */
	nl = memchr(rq->note, '\n', rq->note_len);
	olen = nl ? (size_t)(nl - rq->note) : 0;
	if (!nl || olen == 0 || olen >= sizeof rq->origin || memchr(rq->note, 0, olen)) {
		rq->why = "bad checkpoint";
		return ET_EINVAL;
	}
	memcpy(rq->origin, rq->note, olen);
	rq->origin[olen] = 0;
	return ET_OK;
}
