/* fuzz/fuzz_tender_xml.c — fuzz target for the hardened XML reader, the schema
 * validator and the tender record's semantic checks: any input must be
 * parsed or refused cleanly, never crash, leak or read out of bounds. */
#include <stdint.h>
#include <stddef.h>

#include "tender/tender.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tender_record *r = NULL;
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;

	if (tender_record_parse(data, size, &r, &d) == ET_OK) {
		/* touch what a consumer would read */
		size_t i;
		for (i = 0; i < tender_record_lot_count(r); i++)
			(void)tender_record_lot(r, i)->boq_count;
		tender_record_free(r);
	}
	/* the bare reader with tight caps */
	{
		const struct tender_xml_limits lim = { 1u << 16, 8, 256 };
		if (tender_xml_parse(data, size, &lim, &doc, &d) == ET_OK)
			tender_xml_free(doc);
	}
	return 0;
}
