/* fuzz/fuzz_leaf.c — the strict leaf decoder and the reveal payload parser
 * on arbitrary bytes: no crash, no leak, and every accepted event leaf
 * re-encodes to exactly the input (one encoding per event). */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_leaf lf;
	struct audit_opening *o = NULL;
	size_t n = 0;

	if (audit_leaf_decode(data, size, &lf) == ET_OK) {
		if (lf.type == AUDIT_LEAF_EVENT) {
			struct et_buf b;
			et_buf_init(&b, ET_LEAF_MAX_LEN);
			if (audit_leaf_encode_event(&lf.ev, &b) != ET_OK || b.len != size ||
			    memcmp(b.data, data, size) != 0)
				abort();
			et_buf_free(&b);
		} else if (size != AUDIT_COMMITMENT_LEAF_LEN) {
			abort();
		}
	}
	if (audit_reveal_parse(data, size, false, &o, &n) == ET_OK)
		free(o);
	if (audit_reveal_parse(data, size, true, &o, &n) == ET_OK)
		free(o);
	return 0;
}
