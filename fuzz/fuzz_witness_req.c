/* fuzz/fuzz_witness_req.c — fuzz target for the witness's add-checkpoint
 * body parser (client/witness_req.c) and what the witness does next with a
 * parsed body: verify the note with the vector's log key, parse the
 * checkpoint, and check the proof against a fixed earlier tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "client/client.h"
#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/vectors/tlog-cosignature/self-generated-ed25519-cosig.json */
static const char log_name[] = "example.com/tender-audit-log";
static unsigned char log_pub[32];
static int ready;

static void init(void)
{
	unsigned char seed[32];

	if (ready)
		return;
	if (et_hex_decode("2278e0df7ed3da4b246dbf5b474f3317247a9e44f4700bfd638fdeb0d4589659", seed,
			  32) ||
	    crypto_ed25519_public(seed, log_pub))
		abort();
	ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_witness_req *rq;
	struct audit_checkpoint cp;
	unsigned char root1[32];
	char *buf, *text = NULL;

	init();
	if (size > ET_WITNESS_MAX_BODY)
		return 0;
	/* the service hands the parser a NUL-terminated copy, as et_buf keeps it */
	if (!(buf = malloc(size + 1)) || !(rq = malloc(sizeof *rq))) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = 0;
	if (client_witness_req_parse(buf, size, rq) == ET_OK) {
		if (rq->note + rq->note_len != buf + size || rq->nproof > CLIENT_WITNESS_MAX_PROOF ||
		    strlen(rq->origin) == 0)
			abort();
		if (audit_note_verify(rq->note, rq->note_len, log_name, log_pub, &text) == ET_OK &&
		    audit_checkpoint_parse(text, strlen(text), &cp) == ET_OK && rq->old > 0 &&
		    rq->old <= cp.size) {
			memset(root1, 0x5a, sizeof root1);
			(void)!audit_verify_consistency(rq->old, cp.size, root1, cp.root,
							(const unsigned char(*)[32])rq->proof,
							rq->nproof);
		}
		free(text);
	}
	free(rq);
	free(buf);
	return 0;
}
