/* fuzz/fuzz_note.c — fuzz target for the signed-note, checkpoint, vkey and
 * cosignature parsers of audit/note.c: the same input is tried as a note
 * (verified against the keys of the cosignature vector), a checkpoint body
 * and a verifier key, and is cosigned/countersigned when it parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/vectors/tlog-cosignature/self-generated-ed25519-cosig.json */
static const char log_name[] = "example.com/tender-audit-log";
static const char wit_name[] = "witness.example/w1";
static unsigned char log_seed[32], wit_seed[32], log_pub[32], wit_pub[32];
static int ready;

static void init(void)
{
	if (ready)
		return;
	if (et_hex_decode("2278e0df7ed3da4b246dbf5b474f3317247a9e44f4700bfd638fdeb0d4589659",
			  log_seed, 32) ||
	    et_hex_decode("17054efff15adef539e5980cf3b86e628b7d7e96bc24bdfebb094236c4652d23",
			  wit_seed, 32) ||
	    crypto_ed25519_public(log_seed, log_pub) || crypto_ed25519_public(wit_seed, wit_pub))
		abort();
	ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_checkpoint cp;
	char *s, *text = NULL, *out = NULL, *name = NULL, *fmt = NULL;
	unsigned char pub[32];
	uint64_t ts;
	uint32_t h;

	init();
	if (size > 2 * ET_NOTE_MAX_LEN)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;

	/* notes: verification never succeeds without the right key's line */
	if (audit_note_verify(s, size, log_name, log_pub, &text) == ET_OK) {
		if (!text || !memchr(text, '\n', strlen(text)))
			abort();
	}
	free(text);
	if (audit_cosig_verify(s, size, wit_name, wit_pub, &ts) == ET_OK && ts > (uint64_t)INT64_MAX)
		abort();
	if (audit_note_add_signature(s, "fuzz.example/k", log_seed, &out) == ET_OK) {
		/* what we produce must verify */
		if (audit_note_verify(out, strlen(out), "fuzz.example/k", log_pub, NULL) != ET_OK)
			abort();
	}
	free(out);
	out = NULL;

	/* checkpoints: format(parse(x)) == x */
	if (audit_checkpoint_parse(s, size, &cp) == ET_OK) {
		if (audit_checkpoint_format(&cp, &fmt) != ET_OK || strlen(fmt) != size ||
		    memcmp(fmt, s, size) != 0)
			abort();
		if (audit_cosig_sign(s, wit_name, wit_seed, size, &out) != ET_OK)
			abort();
		free(out);
		out = NULL;
	}
	free(fmt);

	/* verifier keys: format(parse(x)) == x */
	if (audit_note_vkey_parse(s, &name, pub, &h) == ET_OK) {
		if (audit_note_vkey_format(name, pub, &fmt) != ET_OK || strcmp(fmt, s) != 0)
			abort();
		free(fmt);
		free(name);
		name = NULL;
	}
	if (audit_cosig_vkey_parse(s, &name, pub, &h) == ET_OK)
		free(name);
	free(s);
	return 0;
}
