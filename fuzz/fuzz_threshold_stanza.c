/* fuzz/fuzz_threshold_stanza.c — feeds arbitrary age stanza text ("-> type
 * args" lines, each followed by its base64 body lines) to the etender-share
 * parser and opener: the identity, the by-hand unwrap and combine, and the
 * keyless header check, with the fixed holder keys and binding of
 * docs/formats.md vector 1, so the seed corpus opens all the way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

#define MAX_INPUT (64u * 1024)

static const struct crypto_threshold_binding binding = { "ZB-2026-0042", "bid-7f3a", 1 };
static unsigned char privs[3][32], pubs[3][32];

static void keys_once(void)
{
	static int done;
	unsigned i, j;

	if (done)
		return;
	for (i = 1; i <= 3; i++) {
		for (j = 0; j < 32; j++)
			privs[i - 1][j] = (unsigned char)(0x40 * i + 0x20 + j);
		if (crypto_x25519_public(privs[i - 1], pubs[i - 1]) != ET_OK)
			abort();
	}
	done = 1;
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

static void free_stanzas(struct crypto_stanza *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i].nargs; j++)
			free(v[i].args[j]);
		free(v[i].args);
		free(v[i].type);
		free(v[i].body);
	}
	free(v);
}

/* Lenient split of text into stanzas; the threshold code is what is tested. */
static struct crypto_stanza *split(const char *t, size_t len, size_t *count)
{
	struct crypto_stanza *v = calloc(ET_AGE_MAX_STANZAS, sizeof *v);
	struct et_buf body;
	size_t n = 0, pos = 0;

	if (!v)
		abort();
	et_buf_init(&body, MAX_INPUT);
	while (pos < len && n < ET_AGE_MAX_STANZAS) {
		const char *line = t + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos, a = 0, s;
		struct crypto_stanza *st;

		pos += ll + (nl ? 1 : 0);
		if (ll < 3 || memcmp(line, "-> ", 3) != 0)
			continue;
		st = &v[n++];
		st->args = calloc(ET_AGE_MAX_STANZA_ARGS, sizeof *st->args);
		if (!st->args)
			abort();
		for (s = 3; s <= ll;) { /* fields separated by single spaces */
			const char *sp = memchr(line + s, ' ', ll - s);
			size_t fl = sp ? (size_t)(sp - (line + s)) : ll - s;

			if (!st->type)
				st->type = dupn(line + s, fl);
			else if (a < ET_AGE_MAX_STANZA_ARGS)
				st->args[a++] = dupn(line + s, fl);
			s += fl + 1;
		}
		st->nargs = a;
		/* body lines up to the next "-> " line */
		et_buf_reset(&body);
		while (pos < len && !(len - pos >= 3 && memcmp(t + pos, "-> ", 3) == 0)) {
			const char *bl = t + pos, *bnl = memchr(bl, '\n', len - pos);
			size_t bll = bnl ? (size_t)(bnl - bl) : len - pos;

			if (et_buf_add(&body, bl, bll) != ET_OK)
				break;
			pos += bll + (bnl ? 1 : 0);
		}
		while (body.len % 4 && et_buf_add(&body, "=", 1) == ET_OK)
			;
		st->body = malloc(body.len + 1);
		if (!st->body)
			abort();
		if (body.len == 0 ||
		    et_b64_decode((const char *)body.data, body.len, st->body, body.len,
				  &st->body_len) != ET_OK)
			st->body_len = 0;
	}
	et_buf_free(&body);
	*count = n;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned idx[3] = { 1, 2, 3 };
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN], shares[3][CRYPTO_AGE_FILE_KEY_LEN];
	struct crypto_age_identity *id = NULL;
	struct crypto_age_header hdr;
	unsigned i, got = 0, have[3];
	int rc, id_rc;

	if (size > MAX_INPUT)
		return 0;
	keys_once();
	memset(&hdr, 0, sizeof hdr);
	hdr.stanzas.v = split((const char *)data, size, &hdr.stanzas.n);
	hdr.stanzas.cap = hdr.stanzas.n;
	hdr.raw = (unsigned char *)data;
	hdr.raw_len = size;
	hdr.mac_input_len = size;

	if (crypto_threshold_identity_new(&binding, idx, privs, 3, &id) != ET_OK)
		abort();
	id_rc = id->unwrap(id, hdr.stanzas.v, hdr.stanzas.n, fk);
	id->destroy(id);
	for (i = 0; i < 3; i++)
		if (crypto_threshold_unwrap_share(&hdr, &binding, i + 1, privs[i], shares[got]) ==
		    ET_OK)
			have[got++] = i + 1;
	if (got) {
		rc = crypto_threshold_combine(&hdr, have, shares, got, fk);
		if (rc == ET_OK && got < 2)
			abort(); /* fewer than k never combines */
	}
	rc = crypto_threshold_header_check(&hdr, 2, 3, pubs);
	/* invariants: the identity opens only if every held stanza opens by
	 * hand; a header that passes the check is never "no match" */
	if (id_rc == ET_OK && got != 3)
		abort();
	if (rc == ET_OK && id_rc == ET_ENOMATCH)
		abort();
	free_stanzas(hdr.stanzas.v, hdr.stanzas.n);
	crypto_wipe(fk, sizeof fk);
	crypto_wipe(shares, sizeof shares);
	return 0;
}
