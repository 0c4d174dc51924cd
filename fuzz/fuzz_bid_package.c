/* fuzz/fuzz_bid_package.c — fuzz target for the bid package's parsers: the
 * manifest (strict, canonical), bid.xml (hardened reader and bid XSD) and
 * the keyless part check. Any input must be parsed or refused cleanly; a
 * manifest that parses must re-encode to the same bytes. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bid_manifest m;
	struct bid_document *doc = malloc(sizeof *doc);
	struct tender_diag d;
	unsigned char pubs[3][32];

	if (bid_manifest_parse(data, size, &m, &d) == ET_OK) {
		struct et_buf b;
		et_buf_init(&b, BID_MANIFEST_MAX);
		if (bid_manifest_signed_bytes(&m, &b) != ET_OK || b.len >= size ||
		    memcmp(b.data, data, b.len))
			abort();
		et_buf_free(&b);
	}
	if (doc && bid_xml_parse(data, size, doc, &d) == ET_OK && doc->noffers == 0)
		abort();
	free(doc);
	memset(pubs, 9, sizeof pubs);
	{
		int rc = bid_part_check(data, size, 2, 3, (const unsigned char (*)[32])pubs);
		(void)rc;   /* any answer is fine; a crash or leak is not */
	}
	return 0;
}
