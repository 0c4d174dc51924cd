/* crypto/bech32.c — BIP 173 bech32 (not bech32m) for age keys: "age1…"
 * recipients and "AGE-SECRET-KEY-1…" identities. Unlike BIP 173 the string
 * may be up to ET_BECH32_MAX_LEN characters (age keys of other kinds are
 * long); everything else (charset, case rule, checksum) is BIP 173. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
					 0x2a1462b3u };
	uint32_t b = chk >> 25;
	unsigned i;

	chk = ((chk & 0x1ffffffu) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((b >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* Checksum state after the expanded, lowercase hrp. */
static uint32_t polymod_hrp(const char *hrp, size_t n)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)hrp[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		chk = polymod_step(chk, c >> 5);
	}
	chk = polymod_step(chk, 0);
	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)hrp[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		chk = polymod_step(chk, c & 31);
	}
	return chk;
}

int crypto_bech32_encode(const char *hrp, const unsigned char *data, size_t len, bool upper,
			 char **out)
{
	size_t hlen, nvals, total, i, o = 0;
	uint32_t chk, acc = 0;
	unsigned bits = 0;
	char *s = NULL;
	int rc = ET_OK;

	*out = NULL;
	if (!hrp || (!data && len)) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	hlen = strlen(hrp);
	if (hlen < 1 || hlen > ET_BECH32_MAX_LEN || len > ET_BECH32_MAX_LEN) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	for (i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)hrp[i];
		if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z')) {
			rc = et_fail(ET_EINVAL); /* hrp is given lowercase */
			goto out;
		}
	}
	nvals = (len * 8 + 4) / 5;
	total = hlen + 1 + nvals + 6;
	if (total > ET_BECH32_MAX_LEN) {
		rc = et_fail(ET_ELIMIT);
		goto out;
	}
	s = malloc(total + 1);
	if (!s) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	memcpy(s, hrp, hlen);
	o = hlen;
	s[o++] = '1';
	chk = polymod_hrp(hrp, hlen);
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			unsigned v = (acc >> (bits - 5)) & 31;
			bits -= 5;
			chk = polymod_step(chk, v);
			s[o++] = charset[v];
		}
	}
	if (bits) {
		unsigned v = (acc << (5 - bits)) & 31;
		chk = polymod_step(chk, v);
		s[o++] = charset[v];
	}
	for (i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	for (i = 0; i < 6; i++)
		s[o++] = charset[(chk >> (5 * (5 - i))) & 31];
	s[o] = '\0';
	if (upper)
		for (i = 0; i < o; i++)
			if (s[i] >= 'a' && s[i] <= 'z')
				s[i] = (char)(s[i] - 'a' + 'A');
	*out = s;
	s = NULL;
out:
	free(s);
	return rc;
}

int crypto_bech32_decode(const char *s, char **hrp_out, unsigned char **data, size_t *len)
{
	size_t n, i, sep, ndata, o = 0;
	bool lower = false, upperc = false;
	char *hrp = NULL;
	unsigned char *d = NULL;
	uint32_t chk, acc = 0;
	unsigned bits = 0;
	int rc = ET_OK;

	if (hrp_out)
		*hrp_out = NULL;
	*data = NULL;
	*len = 0;
	if (!s) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	n = strnlen(s, ET_BECH32_MAX_LEN + 1);
	if (n > ET_BECH32_MAX_LEN) {
		rc = ET_ELIMIT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126) {
			rc = ET_EINVAL;
			goto out;
		}
		if (c >= 'a' && c <= 'z')
			lower = true;
		if (c >= 'A' && c <= 'Z')
			upperc = true;
	}
	if (lower && upperc) {
		rc = ET_EINVAL; /* mixed case */
		goto out;
	}
	sep = n;
	for (i = n; i > 0; i--)
		if (s[i - 1] == '1') {
			sep = i - 1;
			break;
		}
	if (sep == n || sep < 1 || sep + 7 > n) {
		rc = ET_EINVAL;
		goto out;
	}
	chk = polymod_hrp(s, sep);
	ndata = n - sep - 1; /* includes the 6 checksum characters */
	d = malloc((ndata * 5) / 8 + 1);
	hrp = malloc(sep + 1);
	if (!d || !hrp) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (i = 0; i < sep; i++)
		hrp[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
	hrp[sep] = '\0';
	for (i = 0; i < ndata; i++) {
		char c = s[sep + 1 + i];
		const char *p;
		unsigned v;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		p = strchr(charset, c);
		if (!p || !c) {
			rc = ET_EINVAL;
			goto out;
		}
		v = (unsigned)(p - charset);
		chk = polymod_step(chk, v);
		if (i < ndata - 6) {
			acc = ((acc << 5) | v) & 0xfffu;
			bits += 5;
			if (bits >= 8) {
				bits -= 8;
				d[o++] = (unsigned char)(acc >> bits);
			}
		}
	}
	if (chk != 1) {
		rc = ET_EINVAL; /* bad checksum */
		goto out;
	}
	/* BIP 173 convertbits(pad = false): at most 4 padding bits, all zero. */
	if (bits >= 5 || (acc & ((1u << bits) - 1u))) {
		rc = ET_EINVAL;
		goto out;
	}
	*data = d;
	*len = o;
	d = NULL;
	if (hrp_out) {
		*hrp_out = hrp;
		hrp = NULL;
	}
out:
	free(d);
	free(hrp);
	return rc;
}
