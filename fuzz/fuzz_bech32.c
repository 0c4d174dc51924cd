/* fuzz/fuzz_bech32.c — fuzz target for the bech32 decoder: anything that
 * decodes must encode back to the same string (lowercased), and the age key
 * parsers must not crash on it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crypto_age_recipient *r = NULL;
	struct crypto_age_identity *id = NULL;
	unsigned char *d = NULL;
	char *s, *hrp = NULL, *back = NULL;
	size_t len = 0, i;

	if (size > ET_BECH32_MAX_LEN + 8)
		return 0;
	s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (crypto_bech32_decode(s, &hrp, &d, &len) == ET_OK) {
		if (crypto_bech32_encode(hrp, d, len, false, &back) == ET_OK) {
			for (i = 0; i < size; i++)
				if (s[i] >= 'A' && s[i] <= 'Z')
					s[i] = (char)(s[i] - 'A' + 'a');
			if (strcmp(back, s) != 0)
				abort(); /* decode and encode disagree */
			free(back);
		}
		free(hrp);
		free(d);
	}
	memcpy(s, data, size);
	if (crypto_age_recipient_parse(s, &r) == ET_OK)
		crypto_age_recipient_free(r);
	if (crypto_age_identity_parse(s, &id) == ET_OK)
		crypto_age_identity_free(id);
	free(s);
	return 0;
}
