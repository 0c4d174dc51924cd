/* fuzz/fuzz_age_header.c — fuzz target for the age header parser and, past
 * it, the whole decryption path (armor detection, header, STREAM) with a
 * fixed identity and a fixed file key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

struct mem {
	const uint8_t *p;
	size_t n;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t k = m->n < cap ? m->n : cap;

	memcpy(buf, m->p, k);
	m->p += k;
	m->n -= k;
	*got = k;
	return ET_OK;
}

static int null_write(void *ctx, const unsigned char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return ET_OK;
}

/* Every path must end in a defined result. */
static void check(int rc)
{
	if (rc < 0 || rc >= ET_RESULT_COUNT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char idstr[] =
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
	static const unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN] = "YELLOW SUBMARINE";
	struct crypto_age_identity *id = NULL;
	struct crypto_age_header *hdr = NULL;
	struct mem m = { data, size };
	size_t hlen = 0, i;

	if (crypto_age_header_parse(data, size, &hdr, &hlen) == ET_OK) {
		for (i = 0; i < crypto_age_header_count(hdr); i++) {
			const char *type;
			const char *const *args;
			const unsigned char *body;
			size_t nargs, blen;
			crypto_age_header_stanza(hdr, i, &type, &args, &nargs, &body, &blen);
		}
		check(crypto_age_header_check_mac(hdr, fk));
		crypto_age_header_free(hdr);
	}
	if (crypto_age_identity_parse(idstr, &id) == ET_OK) {
		const struct crypto_age_identity *ids[1] = { id };
		check(crypto_age_decrypt(ids, 1, mem_read, &m, null_write, NULL));
		crypto_age_identity_free(id);
	}
	m.p = data;
	m.n = size;
	check(crypto_age_decrypt_with_file_key(fk, mem_read, &m, null_write, NULL));
	return 0;
}
