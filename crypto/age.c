/* crypto/age.c — age v1 (C2SP age): header encoding and strict parsing, the
 * header MAC, X25519 recipients and identities, the STREAM payload
 * (ChaCha20-Poly1305, 64 KiB chunks) in constant memory, and the PEM-style
 * ASCII armor ("AGE ENCRYPTED FILE").
 *
 * Invariants: plaintext of a chunk reaches the write callback only after
 * that chunk's tag verified; file keys, wrap keys, the payload key and
 * plaintext buffers are wiped on every path. Decryption follows the
 * reference implementation's order (and so the CCTV vectors): header, then
 * identities, then the MAC, then the nonce, then chunk after chunk; a full
 * chunk is tried as a middle chunk first, then as the last one. */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto/crypto_int.h"

#define AGE_INTRO "age-encryption.org/v1"
#define AGE_INTRO_PREFIX "age-encryption.org/"
#define X25519_LABEL "age-encryption.org/v1/X25519"
#define ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define ARMOR_MAX_WS 1024u /* whitespace around the armor, as the reference */

#define CHUNK 65536u
#define TAG 16u
#define ENC_CHUNK (CHUNK + TAG)
#define BATCH 16u /* chunks per read and per write */
#define COLS 64u  /* base64 columns of a body or armor line */
#define LINE_BYTES 48u

/* ---- base64 without padding (stanza arguments and bodies) ------------ */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int crypto_b64_raw_decode(const char *in, size_t inlen, unsigned char *out, size_t cap,
			  size_t *outlen)
{
	size_t i, o = 0, need;
	uint32_t acc = 0;
	unsigned bits = 0;
	int rc = ET_OK;

	*outlen = 0;
	if (inlen % 4 == 1) {
		rc = ET_EINVAL;
		goto out;
	}
	need = inlen / 4 * 3 + (inlen % 4 ? inlen % 4 - 1 : 0);
	if (need > cap) {
		rc = ET_ELIMIT;
		goto out;
	}
	for (i = 0; i < inlen; i++) {
		int v = b64val((unsigned char)in[i]);
		if (v < 0) {
			rc = ET_EINVAL;
			goto out;
		}
		acc = (acc << 6 | (uint32_t)v) & 0xffffffu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* canonical: the unused low bits of the last character are zero */
	if (bits && (acc & ((1u << bits) - 1u))) {
		crypto_wipe(out, o);
		rc = ET_EINVAL;
		goto out;
	}
	*outlen = o;
out:
	return rc;
}

static size_t b64_raw_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

static void b64_raw_encode_to(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = b64chars[(v >> 6) & 63];
		out[o++] = b64chars[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = b64chars[(v >> 6) & 63];
	}
	out[o] = '\0';
}

int crypto_b64_raw_encode(const unsigned char *in, size_t len, char **out)
{
	char *s = malloc(b64_raw_len(len) + 1);
	int rc = ET_OK;

	*out = NULL;
	if (!s) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	b64_raw_encode_to(in, len, s);
	*out = s;
out:
	return rc;
}

/* ---- stanza lists ---------------------------------------------------- */

static void stanza_clear(struct crypto_stanza *s)
{
	size_t i;

	free(s->type);
	for (i = 0; i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	if (s->body)
		crypto_wipe(s->body, s->body_len);
	free(s->body);
	memset(s, 0, sizeof *s);
}

int crypto_stanza_list_add(struct crypto_stanza_list *l, const char *type,
			   const char *const *args, size_t nargs, const unsigned char *body,
			   size_t body_len)
{
	struct crypto_stanza s = { 0 };
	size_t i;
	int rc = ET_OK;

	if (!type || (nargs && !args) || (body_len && !body) || nargs > ET_AGE_MAX_STANZA_ARGS) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (l->n >= ET_AGE_MAX_STANZAS) {
		rc = et_fail(ET_ELIMIT);
		goto out;
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		struct crypto_stanza *v = realloc(l->v, ncap * sizeof *v);
		if (!v) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		l->v = v;
		l->cap = ncap;
	}
	s.type = strdup(type);
	s.args = calloc(nargs ? nargs : 1, sizeof *s.args);
	s.body = malloc(body_len ? body_len : 1);
	if (!s.type || !s.args || !s.body) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (i = 0; i < nargs; i++) {
		s.args[i] = strdup(args[i]);
		if (!s.args[i]) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		s.nargs++;
	}
	if (body_len)
		memcpy(s.body, body, body_len);
	s.body_len = body_len;
	l->v[l->n++] = s;
	memset(&s, 0, sizeof s);
out:
	stanza_clear(&s);
	return rc;
}

void crypto_stanza_list_free(struct crypto_stanza_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		stanza_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- header encoding, parsing, MAC ----------------------------------- */

/* An argument or type: one or more printable ASCII characters, no space. */
static bool valid_arg(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > ET_AGE_MAX_ARG_LEN)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return false;
	return true;
}

static ET_MUST_CHECK int header_mac(const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		      const unsigned char *data, size_t len, unsigned char mac[CRYPTO_SHA256_LEN])
{
	unsigned char hk[32];
	int rc;

	rc = crypto_hkdf_sha256(file_key, CRYPTO_AGE_FILE_KEY_LEN, NULL, 0, "header", 6, hk,
				sizeof hk);
	if (rc == ET_OK)
		rc = crypto_hmac_sha256(hk, sizeof hk, data, len, mac);
	crypto_wipe(hk, sizeof hk);
	return rc;
}

int crypto_age_header_check_mac(const struct crypto_age_header *hdr,
				const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN])
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	int rc;

	rc = header_mac(file_key, hdr->raw, hdr->mac_input_len, mac);
	if (rc == ET_OK && !crypto_ct_equal(mac, hdr->mac, sizeof mac))
		rc = ET_EHMAC;
	crypto_wipe(mac, sizeof mac);
	return rc;
}

/* Append the whole header (through the MAC line) for stanzas l to out. */
static ET_MUST_CHECK int header_encode(const struct crypto_stanza_list *l,
			 const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN], struct et_buf *out)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	char *b64 = NULL, macb64[64];
	size_t i, j, blen, off;
	int rc;

	rc = et_buf_addstr(out, AGE_INTRO "\n");
	for (i = 0; rc == ET_OK && i < l->n; i++) {
		const struct crypto_stanza *s = &l->v[i];
		if (!valid_arg(s->type, strlen(s->type))) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		rc = et_buf_addstr(out, "-> ");
		if (rc == ET_OK)
			rc = et_buf_addstr(out, s->type);
		for (j = 0; rc == ET_OK && j < s->nargs; j++) {
			if (!valid_arg(s->args[j], strlen(s->args[j]))) {
				rc = et_fail(ET_EINVAL);
				goto out;
			}
			rc = et_buf_add(out, " ", 1);
			if (rc == ET_OK)
				rc = et_buf_addstr(out, s->args[j]);
		}
		if (rc == ET_OK)
			rc = et_buf_add(out, "\n", 1);
		if (rc)
			goto out;
		rc = crypto_b64_raw_encode(s->body, s->body_len, &b64);
		if (rc)
			goto out;
		blen = strlen(b64);
		/* full 64-column lines, then one short (maybe empty) line */
		for (off = 0; rc == ET_OK; off += COLS) {
			size_t n = blen - off < COLS ? blen - off : COLS;
			rc = et_buf_add(out, b64 + off, n);
			if (rc == ET_OK)
				rc = et_buf_add(out, "\n", 1);
			if (n < COLS)
				break;
		}
		free(b64);
		b64 = NULL;
	}
	if (rc == ET_OK)
		rc = et_buf_addstr(out, "---");
	if (rc == ET_OK)
		rc = header_mac(file_key, out->data, out->len, mac);
	if (rc)
		goto out;
	b64_raw_encode_to(mac, sizeof mac, macb64);
	rc = et_buf_add(out, " ", 1);
	if (rc == ET_OK)
		rc = et_buf_addstr(out, macb64);
	if (rc == ET_OK)
		rc = et_buf_add(out, "\n", 1);
out:
	free(b64);
	crypto_wipe(mac, sizeof mac);
	return rc;
}

/* Next line of buf from *pos: [*ls, *le) without the '\n'. false if there is
 * no complete line. */
static bool next_line(const unsigned char *buf, size_t len, size_t *pos, size_t *ls, size_t *le)
{
	const unsigned char *nl;

	if (*pos >= len)
		return false;
	nl = memchr(buf + *pos, '\n', len - *pos);
	if (!nl)
		return false;
	*ls = *pos;
	*le = (size_t)(nl - buf);
	*pos = *le + 1;
	return true;
}

/* The stanza whose "-> " line is buf[ls..le), and its body lines from *pos. */
static ET_MUST_CHECK int parse_stanza(const unsigned char *buf, size_t len, size_t *pos,
				      size_t ls, size_t le, struct crypto_stanza_list *l)
{
	const char *args[ET_AGE_MAX_STANZA_ARGS + 1];
	char *line = NULL;
	unsigned char *body = NULL;
	size_t nargs = 0, blen = 0, i, start, bls, ble;
	int rc = ET_OK;

	/* "-> " then arguments separated by single spaces */
	line = malloc(le - ls + 1);
	body = malloc(ET_AGE_MAX_BODY + LINE_BYTES);
	if (!line || !body) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	memcpy(line, buf + ls, le - ls);
	line[le - ls] = '\0';
	start = 3;
	for (i = 3; i <= le - ls; i++) {
		if (i < le - ls && line[i] != ' ')
			continue;
		if (nargs > ET_AGE_MAX_STANZA_ARGS || !valid_arg(line + start, i - start)) {
			rc = ET_EHEADER;
			goto out;
		}
		line[i] = '\0';
		args[nargs++] = line + start;
		start = i + 1;
	}
	/* body: full 64-column lines, ended by exactly one shorter line */
	for (;;) {
		size_t n, got;
		if (!next_line(buf, len, pos, &bls, &ble)) {
			rc = ET_EHEADER;
			goto out;
		}
		n = ble - bls;
		if (n > COLS ||
		    crypto_b64_raw_decode((const char *)buf + bls, n, body + blen, LINE_BYTES,
					  &got) != ET_OK) {
			rc = ET_EHEADER;
			goto out;
		}
		blen += got;
		if (blen > ET_AGE_MAX_BODY) {
			rc = ET_EHEADER;
			goto out;
		}
		if (n < COLS)
			break;
	}
	rc = crypto_stanza_list_add(l, args[0], args + 1, nargs - 1, body, blen);
	if (rc == ET_ELIMIT || rc == ET_EINVAL)
		rc = ET_EHEADER;
out:
	free(line);
	if (body)
		crypto_wipe(body, blen);
	free(body);
	return rc;
}

int crypto_age_header_parse(const unsigned char *buf, size_t len, struct crypto_age_header **out,
			    size_t *header_len)
{
	struct crypto_age_header *h = NULL;
	size_t pos = 0, ls, le, got;
	int rc = ET_OK;

	*out = NULL;
	*header_len = 0;
	if (!buf && len) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (len > ET_AGE_MAX_HEADER)
		len = ET_AGE_MAX_HEADER; /* a longer header will not be found complete */
	h = calloc(1, sizeof *h);
	if (!h) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if (!next_line(buf, len, &pos, &ls, &le) || le - ls != strlen(AGE_INTRO) ||
	    memcmp(buf + ls, AGE_INTRO, le - ls) != 0) {
		rc = ET_EHEADER;
		goto out;
	}
	for (;;) {
		if (!next_line(buf, len, &pos, &ls, &le)) {
			rc = ET_EHEADER;
			goto out;
		}
		if (le - ls >= 3 && memcmp(buf + ls, "-> ", 3) == 0) {
			rc = parse_stanza(buf, len, &pos, ls, le, &h->stanzas);
			if (rc)
				goto out;
			continue;
		}
		/* "--- " and the canonical base64 of 32 bytes, nothing else */
		if (le - ls == 4 + 43 && memcmp(buf + ls, "--- ", 4) == 0 &&
		    crypto_b64_raw_decode((const char *)buf + ls + 4, 43, h->mac, sizeof h->mac,
					  &got) == ET_OK &&
		    got == sizeof h->mac) {
			h->mac_input_len = ls + 3;
			break;
		}
		rc = ET_EHEADER;
		goto out;
	}
	h->raw = malloc(pos);
	if (!h->raw) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	memcpy(h->raw, buf, pos);
	h->raw_len = pos;
	*header_len = pos;
	*out = h;
	h = NULL;
out:
	crypto_age_header_free(h);
	return rc;
}

size_t crypto_age_header_count(const struct crypto_age_header *hdr)
{
	return hdr ? hdr->stanzas.n : 0;
}

void crypto_age_header_stanza(const struct crypto_age_header *hdr, size_t i, const char **type,
			      const char *const **args, size_t *nargs, const unsigned char **body,
			      size_t *body_len)
{
	const struct crypto_stanza *s;

	if (!hdr || i >= hdr->stanzas.n) {
		*type = NULL;
		*args = NULL;
		*nargs = 0;
		*body = NULL;
		*body_len = 0;
		return;
	}
	s = &hdr->stanzas.v[i];
	*type = s->type;
	*args = (const char *const *)s->args;
	*nargs = s->nargs;
	*body = s->body;
	*body_len = s->body_len;
}

void crypto_age_header_free(struct crypto_age_header *hdr)
{
	if (!hdr)
		return;
	crypto_stanza_list_free(&hdr->stanzas);
	free(hdr->raw);
	free(hdr);
}

/* ---- X25519 recipients and identities -------------------------------- */

struct x25519_recipient {
	struct crypto_age_recipient base; /* first: the vtable */
	unsigned char pub[CRYPTO_X25519_LEN];
};

struct x25519_identity {
	struct crypto_age_identity base; /* first: the vtable */
	unsigned char priv[CRYPTO_X25519_LEN];
	unsigned char pub[CRYPTO_X25519_LEN];
};

static ET_MUST_CHECK int x25519_wrap_key(const unsigned char shared[32],
		const unsigned char share[32],
			   const unsigned char rpub[32], unsigned char key[32])
{
	unsigned char salt[64];

	memcpy(salt, share, 32);
	memcpy(salt + 32, rpub, 32);
	return crypto_hkdf_sha256(shared, 32, salt, sizeof salt, X25519_LABEL,
				  strlen(X25519_LABEL), key, 32);
}

static ET_MUST_CHECK int x25519_wrap(const struct crypto_age_recipient *r,
		       const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		       struct crypto_stanza_list *out)
{
	const struct x25519_recipient *xr = (const struct x25519_recipient *)r;
	unsigned char eph[32], share[32], shared[32], key[32], body[CRYPTO_AGE_FILE_KEY_LEN + 16];
	char arg[64];
	const char *args[1] = { arg };
	int rc;

	rc = crypto_x25519_keygen(eph, share);
	if (rc)
		goto out;
	rc = crypto_x25519(eph, xr->pub, shared);
	if (rc)
		goto out;
	rc = x25519_wrap_key(shared, share, xr->pub, key);
	if (rc)
		goto out;
	rc = crypto_aead_seal_zero_nonce(key, file_key, CRYPTO_AGE_FILE_KEY_LEN, body);
	if (rc)
		goto out;
	b64_raw_encode_to(share, sizeof share, arg);
	rc = crypto_stanza_list_add(out, "X25519", args, 1, body, sizeof body);
out:
	crypto_wipe(eph, sizeof eph);
	crypto_wipe(shared, sizeof shared);
	crypto_wipe(key, sizeof key);
	crypto_wipe(body, sizeof body);
	return rc;
}

static ET_MUST_CHECK int x25519_unwrap(const struct crypto_age_identity *id,
		const struct crypto_stanza *st,
			 size_t n, unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN])
{
	const struct x25519_identity *xi = (const struct x25519_identity *)id;
	unsigned char share[33], shared[32], key[32];
	size_t i, got;
	int rc = ET_ENOMATCH;

	for (i = 0; i < n; i++) {
		if (strcmp(st[i].type, "X25519") != 0)
			continue;
		/* one argument, the canonical encoding of 32 bytes; a 32-byte body */
		if (st[i].nargs != 1 ||
		    crypto_b64_raw_decode(st[i].args[0], strlen(st[i].args[0]), share,
					  sizeof share, &got) != ET_OK ||
		    got != 32 || st[i].body_len != CRYPTO_AGE_FILE_KEY_LEN + 16) {
			rc = ET_EHEADER;
			goto out;
		}
		if (crypto_x25519(xi->priv, share, shared) != ET_OK) {
			rc = ET_EHEADER; /* low-order share: all-zero secret */
			goto out;
		}
		if (x25519_wrap_key(shared, share, xi->pub, key) != ET_OK) {
			rc = et_fail(ET_ECRYPTO);
			goto out;
		}
		if (crypto_aead_open_zero_nonce(key, st[i].body, st[i].body_len, file_key) ==
		    ET_OK) {
			rc = ET_OK;
			goto out;
		}
		crypto_wipe(key, sizeof key);
		crypto_wipe(shared, sizeof shared);
	}
out:
	crypto_wipe(shared, sizeof shared);
	crypto_wipe(key, sizeof key);
	if (rc)
		crypto_wipe(file_key, CRYPTO_AGE_FILE_KEY_LEN);
	return rc;
}

static void x25519_recipient_destroy(struct crypto_age_recipient *r)
{
	free(r);
}

static void x25519_identity_destroy(struct crypto_age_identity *id)
{
	if (!id)
		return;
	crypto_wipe(id, sizeof(struct x25519_identity));
	free(id);
}

/* The string must be one case throughout (bech32) and the one age uses. */
static bool all_case(const char *s, bool upper)
{
	for (; *s; s++)
		if (upper ? (*s >= 'a' && *s <= 'z') : (*s >= 'A' && *s <= 'Z'))
			return false;
	return true;
}

int crypto_age_recipient_parse(const char *s, struct crypto_age_recipient **out)
{
	struct x25519_recipient *r = NULL;
	unsigned char *data = NULL;
	char *hrp = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!s || !all_case(s, false)) {
		rc = ET_EINVAL;
		goto out;
	}
	rc = crypto_bech32_decode(s, &hrp, &data, &len);
	if (rc)
		goto out;
	if (strcmp(hrp, "age") != 0 || len != CRYPTO_X25519_LEN) {
		rc = ET_EINVAL;
		goto out;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	r->base.wrap = x25519_wrap;
	r->base.destroy = x25519_recipient_destroy;
	memcpy(r->pub, data, CRYPTO_X25519_LEN);
	*out = &r->base;
out:
	free(hrp);
	free(data);
	return rc;
}

static ET_MUST_CHECK int x25519_identity_from_priv(const unsigned char priv[32],
		struct crypto_age_identity **out)
{
	struct x25519_identity *id = calloc(1, sizeof *id);
	int rc;

	*out = NULL;
	if (!id) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	memcpy(id->priv, priv, 32);
	rc = crypto_x25519_public(id->priv, id->pub);
	if (rc)
		goto out;
	id->base.unwrap = x25519_unwrap;
	id->base.destroy = x25519_identity_destroy;
	id->base.sealer_fault_on_mac = false;
	*out = &id->base;
	id = NULL;
out:
	if (id)
		x25519_identity_destroy(&id->base);
	return rc;
}

int crypto_age_identity_parse(const char *s, struct crypto_age_identity **out)
{
	unsigned char *data = NULL;
	char *hrp = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!s || !all_case(s, true)) {
		rc = ET_EINVAL;
		goto out;
	}
	rc = crypto_bech32_decode(s, &hrp, &data, &len);
	if (rc)
		goto out;
	if (strcmp(hrp, "age-secret-key-") != 0 || len != CRYPTO_X25519_LEN) {
		rc = ET_EINVAL;
		goto out;
	}
	rc = x25519_identity_from_priv(data, out);
out:
	if (data)
		crypto_wipe(data, len);
	free(data);
	free(hrp);
	return rc;
}

void crypto_age_recipient_free(struct crypto_age_recipient *r)
{
	if (r && r->destroy)
		r->destroy(r);
}

void crypto_age_identity_free(struct crypto_age_identity *id)
{
	if (id && id->destroy)
		id->destroy(id);
}

void crypto_age_identities_free(struct crypto_age_identity **ids, size_t n)
{
	size_t i;

	if (!ids)
		return;
	for (i = 0; i < n; i++)
		crypto_age_identity_free(ids[i]);
	free(ids);
}

int crypto_age_identity_file_load(const char *path, struct crypto_age_identity ***ids, size_t *n)
{
	struct crypto_age_identity **v = NULL, **nv;
	unsigned char *data = NULL;
	size_t len = 0, pos = 0, cnt = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	rc = et_read_file(path, ET_AGE_MAX_IDENTITY_FILE, &data, &len);
	if (rc)
		goto out;
	while (pos < len) {
		unsigned char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len, le = end;
		if (le > pos && data[le - 1] == '\r')
			le--;
		if (le > pos && data[pos] != '#') {
			struct crypto_age_identity *id = NULL;
			char save = (char)data[le];
			data[le] = '\0';
			rc = crypto_age_identity_parse((const char *)data + pos, &id);
			data[le] = (unsigned char)save;
			if (rc)
				goto out;
			nv = realloc(v, (cnt + 1) * sizeof *v);
			if (!nv) {
				crypto_age_identity_free(id);
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			v = nv;
			v[cnt++] = id;
		}
		pos = end + 1;
	}
	if (cnt == 0) {
		rc = ET_EINVAL; /* no identity in the file */
		goto out;
	}
	*ids = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
out:
	crypto_age_identities_free(v, cnt);
	if (data)
		crypto_wipe(data, len);
	free(data);
	return rc;
}

int crypto_age_x25519_recipient_string(const unsigned char pub[CRYPTO_X25519_LEN], char **out)
{
	return crypto_bech32_encode("age", pub, CRYPTO_X25519_LEN, false, out);
}

int crypto_age_x25519_generate(char **identity, char **recipient)
{
	unsigned char priv[32], pub[32];
	char *id = NULL, *rc_s = NULL;
	int rc;

	*identity = NULL;
	*recipient = NULL;
	rc = crypto_x25519_keygen(priv, pub);
	if (rc)
		goto out;
	rc = crypto_bech32_encode("age-secret-key-", priv, sizeof priv, true, &id);
	if (rc)
		goto out;
	rc = crypto_age_x25519_recipient_string(pub, &rc_s);
	if (rc)
		goto out;
	*identity = id;
	*recipient = rc_s;
	id = NULL;
	rc_s = NULL;
out:
	crypto_wipe(priv, sizeof priv);
	if (id)
		crypto_wipe(id, strlen(id));
	free(id);
	free(rc_s);
	return rc;
}

/* ---- buffered input over a read callback ----------------------------- */

/* Bytes buf[pos..len) are buffered. After the callback reports the end or
 * an error, it is not called again: err is reported once the buffered
 * bytes cannot satisfy a request. */
#define SRC_ALIGN 64u

struct src {
	crypto_read_fn *rd;
	void *ctx;
	unsigned char *buf;
	size_t cap, pos, len, high; /* high: bytes ever filled, to wipe */
	bool eof;
	int err;
};

static ET_MUST_CHECK int src_init(struct src *s, size_t cap, crypto_read_fn *rd, void *ctx)
{
	memset(s, 0, sizeof *s);
	/* room for cap bytes after any alignment shift (see src_need) */
	cap = (cap + 2 * SRC_ALIGN - 1) / SRC_ALIGN * SRC_ALIGN;
	s->buf = aligned_alloc(SRC_ALIGN, cap);
	s->cap = s->buf ? cap : 0;
	s->rd = rd;
	s->ctx = ctx;
	return s->buf ? ET_OK : et_fail(ET_ENOMEM);
}

static void src_free(struct src *s)
{
	if (s->buf)
		crypto_wipe(s->buf, s->high);
	free(s->buf);
	s->buf = NULL;
}

static size_t src_avail(const struct src *s)
{
	return s->len - s->pos;
}

/* Make at least need bytes available (need <= cap). ET_OK with fewer only
 * at the end of input; the callback's error if it failed first. */
static ET_MUST_CHECK int src_need(struct src *s, size_t need)
{
	size_t np, avail;
	int rc = ET_OK;

	if (src_avail(s) >= need)
		goto out;
	/* keep the end of the buffered bytes aligned: the kernel copies into
	 * aligned memory faster */
	avail = src_avail(s);
	np = (SRC_ALIGN - avail % SRC_ALIGN) % SRC_ALIGN;
	if (s->pos != np) {
		memmove(s->buf + np, s->buf + s->pos, avail);
		s->pos = np;
		s->len = np + avail;
	}
	while (!s->eof && !s->err && s->len < s->cap) {
		size_t got = 0;
		int r = s->rd(s->ctx, s->buf + s->len, s->cap - s->len, &got);
		if (r) {
			s->err = r;
			break;
		}
		if (got > s->cap - s->len) {
			s->err = et_fail(ET_EINVAL); /* the callback broke its contract */
			break;
		}
		if (got == 0) {
			s->eof = true;
			break;
		}
		s->len += got;
		s->high = s->len > s->high ? s->len : s->high;
	}
	if (src_avail(s) < need && s->err)
		rc = s->err;
out:
	return rc;
}

/* A read callback over a src: its buffered bytes, then the callback itself
 * with the caller's (large) buffer. */
static ET_MUST_CHECK int src_read_cb(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct src *s = ctx;
	size_t n = src_avail(s);
	int rc = ET_OK;

	*got = 0;
	if (n) {
		n = n < cap ? n : cap;
		memcpy(buf, s->buf + s->pos, n);
		s->pos += n;
		*got = n;
	} else if (s->err) {
		rc = s->err;
	} else if (!s->eof) {
		rc = s->rd(s->ctx, buf, cap, got);
	}
	return rc;
}

/* ---- ASCII armor, reading -------------------------------------------- */

struct armor_rd {
	struct src *raw;
	unsigned char dec[LINE_BYTES];
	size_t dpos, dlen;
	bool started, done;
	int err;
};

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* One line into line[0..*n) without "\n" and one "\r" before it. *eol is
 * false at the end of input. ET_EARMOR if longer than max. */
static ET_MUST_CHECK int armor_line(struct src *s, char *line, size_t max, size_t *n, bool *eol)
{
	int rc = ET_OK;

	*n = 0;
	*eol = false;
	for (;;) {
		unsigned char *p, *nl;
		size_t take;
		rc = src_need(s, 1);
		if (rc)
			goto out;
		if (!src_avail(s))
			break;
		p = s->buf + s->pos;
		nl = memchr(p, '\n', src_avail(s));
		take = nl ? (size_t)(nl - p) : src_avail(s);
		if (*n + take > max) {
			rc = ET_EARMOR;
			goto out;
		}
		memcpy(line + *n, p, take);
		*n += take;
		s->pos += take;
		if (nl) {
			s->pos++;
			*eol = true;
			break;
		}
	}
	if (*n && line[*n - 1] == '\r')
		(*n)--;
out:
	return rc;
}

static bool line_is(const char *line, size_t n, const char *what)
{
	return n == strlen(what) && memcmp(line, what, n) == 0;
}

/* After the END line: at most ARMOR_MAX_WS - 1 bytes of whitespace, then the
 * end of input. */
static ET_MUST_CHECK int armor_drain(struct src *s)
{
	size_t seen = 0;
	int rc = ET_OK;

	for (;;) {
		rc = src_need(s, 1);
		if (rc || !src_avail(s))
			break;
		if (!is_ws(s->buf[s->pos]) || ++seen >= ARMOR_MAX_WS) {
			rc = ET_EARMOR;
			break;
		}
		s->pos++;
	}
	return rc;
}

static ET_MUST_CHECK int armor_next(struct armor_rd *a)
{
	char line[ARMOR_MAX_WS + 2];
	size_t n, ws = 0, i, got;
	bool eol;
	int rc = ET_OK;

	while (!a->started) {
		rc = armor_line(a->raw, line, sizeof line, &n, &eol);
		if (rc)
			goto out;
		if (line_is(line, n, ARMOR_BEGIN) && eol) {
			a->started = true;
			break;
		}
		for (i = 0; i < n && is_ws((unsigned char)line[i]); i++)
			;
		ws += n + 1;
		if (!eol || i < n || ws > ARMOR_MAX_WS) {
			rc = ET_EARMOR;
			goto out;
		}
	}
	rc = armor_line(a->raw, line, COLS + 1, &n, &eol);
	if (rc)
		goto out;
	if (line_is(line, n, ARMOR_END)) {
		rc = armor_drain(a->raw);
		a->done = true;
		goto out;
	}
	if (!eol || n == 0 || n > COLS ||
	    et_b64_decode(line, n, a->dec, sizeof a->dec, &got) != ET_OK) {
		rc = ET_EARMOR;
		goto out;
	}
	a->dpos = 0;
	a->dlen = got;
	if (got < LINE_BYTES) {
		/* a short line is the last one */
		rc = armor_line(a->raw, line, COLS + 1, &n, &eol);
		if (rc == ET_OK && !line_is(line, n, ARMOR_END))
			rc = ET_EARMOR;
		if (rc == ET_OK)
			rc = armor_drain(a->raw);
		a->done = true;
	}
out:
	return rc;
}

/* crypto_read_fn: the decoded bytes of the armor. */
static ET_MUST_CHECK int armor_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct armor_rd *a = ctx;
	size_t o = 0;
	int rc = ET_OK;

	while (o < cap) {
		if (a->dpos < a->dlen) {
			size_t n = a->dlen - a->dpos;
			n = n < cap - o ? n : cap - o;
			memcpy(buf + o, a->dec + a->dpos, n);
			a->dpos += n;
			o += n;
			continue;
		}
		if (a->done || a->err)
			break;
		rc = armor_next(a);
		if (rc) {
			a->err = rc;
			break;
		}
	}
	*got = o;
	/* hand back decoded bytes first; the error comes with the next call */
	return o ? ET_OK : a->err;
}

/* ---- ASCII armor, writing -------------------------------------------- */

#define ARMOR_TEXT (64u * 1024)

struct armor_wr {
	crypto_write_fn *wr;
	void *ctx;
	unsigned char pend[LINE_BYTES];
	size_t np;
	char *text;
	size_t tlen;
};

static ET_MUST_CHECK int armor_flush(struct armor_wr *w)
{
	int rc = ET_OK;

	if (w->tlen)
		rc = w->wr(w->ctx, (const unsigned char *)w->text, w->tlen);
	w->tlen = 0;
	return rc;
}

static ET_MUST_CHECK int armor_line_out(struct armor_wr *w, const unsigned char *in, size_t n)
{
	int rc = ET_OK;

	if (w->tlen + COLS + 1 > ARMOR_TEXT)
		rc = armor_flush(w);
	if (rc == ET_OK) {
		et_b64_encode(in, n, w->text + w->tlen);
		w->tlen += et_b64_encoded_len(n);
		w->text[w->tlen++] = '\n';
	}
	return rc;
}

static ET_MUST_CHECK int armor_write(void *ctx, const unsigned char *buf, size_t n)
{
	struct armor_wr *w = ctx;
	int rc = ET_OK;

	while (n && rc == ET_OK) {
		if (w->np == 0 && n >= LINE_BYTES) {
			rc = armor_line_out(w, buf, LINE_BYTES);
			buf += LINE_BYTES;
			n -= LINE_BYTES;
			continue;
		}
		size_t take = LINE_BYTES - w->np < n ? LINE_BYTES - w->np : n;
		memcpy(w->pend + w->np, buf, take);
		w->np += take;
		buf += take;
		n -= take;
		if (w->np == LINE_BYTES) {
			rc = armor_line_out(w, w->pend, LINE_BYTES);
			w->np = 0;
		}
	}
	return rc;
}

static ET_MUST_CHECK int armor_finish(struct armor_wr *w)
{
	int rc = ET_OK;

	if (w->np)
		rc = armor_line_out(w, w->pend, w->np);
	w->np = 0;
	if (rc == ET_OK)
		rc = armor_flush(w);
	if (rc == ET_OK)
		rc = w->wr(w->ctx, (const unsigned char *)ARMOR_END "\n", strlen(ARMOR_END) + 1);
	return rc;
}

/* crypto_write_fn adapter over a plain write callback, for uniform sinks. */
struct sink {
	crypto_write_fn *wr;
	void *ctx;
};

/* ---- STREAM ---------------------------------------------------------- */

/* The payload key in one ChaCha20-Poly1305 context; chunk ctr uses the
 * nonce ctr (11 bytes, big-endian) || last flag. */
struct stream {
	EVP_CIPHER_CTX *ctx;
	uint64_t ctr;
};

static ET_MUST_CHECK int stream_init(struct stream *s,
		const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		       const unsigned char salt[16], int enc)
{
	unsigned char key[32];
	int rc;

	memset(s, 0, sizeof *s);
	rc = crypto_hkdf_sha256(file_key, CRYPTO_AGE_FILE_KEY_LEN, salt, 16, "payload", 7, key,
				sizeof key);
	if (rc)
		goto out;
	s->ctx = EVP_CIPHER_CTX_new();
	if (!s->ctx) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if (EVP_CipherInit_ex(s->ctx, EVP_chacha20_poly1305(), NULL, key, NULL, enc) != 1)
		rc = et_fail(ET_ECRYPTO);
out:
	crypto_wipe(key, sizeof key);
	return rc;
}

static void stream_free(struct stream *s)
{
	EVP_CIPHER_CTX_free(s->ctx); /* cleanses the key schedule */
	s->ctx = NULL;
}

static void chunk_nonce(uint64_t ctr, bool last, unsigned char nonce[12])
{
	int i;

	nonce[0] = nonce[1] = nonce[2] = 0;
	for (i = 0; i < 8; i++)
		nonce[3 + i] = (unsigned char)(ctr >> (56 - 8 * i));
	nonce[11] = last ? 1 : 0;
}

/* Seal n <= CHUNK bytes: out gets n + TAG. */
static ET_MUST_CHECK int chunk_seal(EVP_CIPHER_CTX *ctx, uint64_t ctr, const unsigned char *in,
		size_t n,
		      bool last, unsigned char *out)
{
	unsigned char nonce[12];
	int outl = 0, fl = 0, rc = ET_OK;

	chunk_nonce(ctr, last, nonce);
	if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, 1) != 1 ||
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)n) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + outl, &fl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, TAG, out + n) != 1)
		rc = et_fail(ET_ECRYPTO);
	return rc;
}

/* Open n >= TAG bytes into out (n - TAG). ET_EPAYLOAD if the tag fails
 * (out is wiped then). */
static ET_MUST_CHECK int chunk_open(EVP_CIPHER_CTX *ctx, uint64_t ctr, const unsigned char *in,
		size_t n,
		      bool last, unsigned char *out)
{
	unsigned char nonce[12];
	int outl = 0, fl = 0, rc = ET_OK;

	if (n < TAG) {
		rc = ET_EPAYLOAD;
		goto out;
	}
	chunk_nonce(ctr, last, nonce);
	if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, 0) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TAG, (void *)(in + n - TAG)) != 1 ||
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)(n - TAG)) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + outl, &fl) != 1) {
		crypto_wipe(out, n - TAG);
		rc = ET_EPAYLOAD;
	}
out:
	return rc;
}

/* A helper thread for large payloads. The chunks of a batch of middle
 * chunks are handed out one at a time (an atomic counter) to the caller
 * and the helper, so a helper that is not scheduled costs nothing: the
 * caller then does the whole batch itself. Only cryptography runs on the
 * helper: the read and write callbacks are always called from the
 * caller's thread. If it cannot be started, the caller works alone.
 * Job states: idle -> posted (busy) -> taken (busy, started) -> idle; a
 * job the helper has not taken when the caller is done is withdrawn. */
#define HELPER_MIN_CHUNKS 4u

struct batch {
	int enc;
	const unsigned char *in;
	unsigned char *out;
	size_t n;
	uint64_t ctr;
	atomic_size_t next;
	int rc[BATCH];
};

struct helper {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_CIPHER_CTX *ctx; /* a copy of the stream's context */
	struct batch *job;
	bool busy, started, quit;
};

/* Take chunks of b until none is left. */
static void batch_work(struct batch *b, EVP_CIPHER_CTX *ctx)
{
	size_t j;

	while ((j = atomic_fetch_add(&b->next, 1)) < b->n) {
		if (b->enc)
			b->rc[j] = chunk_seal(ctx, b->ctr + j, b->in + j * CHUNK, CHUNK, false,
					      b->out + j * ENC_CHUNK);
		else
			b->rc[j] = chunk_open(ctx, b->ctr + j, b->in + j * ENC_CHUNK, ENC_CHUNK,
					      false, b->out + j * CHUNK);
	}
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!(h->busy && !h->started) && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->quit)
			break;
		h->started = true;
		pthread_mutex_unlock(&h->mu);
		batch_work(h->job, h->ctx);
		pthread_mutex_lock(&h->mu);
		h->busy = false;
		h->started = false;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* A started helper with a copy of st's context, or NULL. */
static struct helper *helper_start(const struct stream *st)
{
	struct helper *h = calloc(1, sizeof *h);
	int stage = 0;

	if (!h)
		goto out;
	h->ctx = EVP_CIPHER_CTX_new();
	if (!h->ctx || EVP_CIPHER_CTX_copy(h->ctx, st->ctx) != 1)
		goto out;
	if (pthread_mutex_init(&h->mu, NULL) != 0)
		goto out;
	stage = 1;
	if (pthread_cond_init(&h->cv, NULL) != 0)
		goto out;
	stage = 2;
	if (pthread_create(&h->th, NULL, helper_main, h) != 0)
		goto out;
	stage = 3;
out:
	if (h && stage < 3) {
		if (stage >= 2)
			pthread_cond_destroy(&h->cv);
		if (stage >= 1)
			pthread_mutex_destroy(&h->mu);
		EVP_CIPHER_CTX_free(h->ctx);
		free(h);
		h = NULL;
	}
	return h;
}

static void helper_stop(struct helper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->quit = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	EVP_CIPHER_CTX_free(h->ctx);
	free(h);
}

/* Seal or open n <= BATCH full middle chunks from st->ctr, with the helper
 * if there is one; *ok counts those done, in order, before the first
 * failure (outputs after it are wiped: never released). */
static ET_MUST_CHECK int run_batch(struct helper *h, struct stream *st, int enc,
				   const unsigned char *in, unsigned char *out, size_t n, size_t *ok)
{
	struct batch b = { .enc = enc, .in = in, .out = out, .n = n, .ctr = st->ctr };
	size_t j;
	int rc = ET_OK;

	assert(n <= BATCH);
	atomic_init(&b.next, 0);
	if (h && n >= 2) {
		pthread_mutex_lock(&h->mu);
		h->job = &b;
		h->busy = true;
		h->started = false;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	batch_work(&b, st->ctx);
	if (h && n >= 2) {
		pthread_mutex_lock(&h->mu);
		if (!h->started)
			h->busy = false; /* not taken: withdraw it */
		while (h->busy)
			pthread_cond_wait(&h->cv, &h->mu);
		h->job = NULL;
		pthread_mutex_unlock(&h->mu);
	}
	for (j = 0; j < n && b.rc[j] == ET_OK; j++)
		;
	*ok = j;
	if (j < n) {
		rc = b.rc[j];
		if (!enc)
			crypto_wipe(out + j * CHUNK, (n - j) * CHUNK);
	}
	return rc;
}

/* One chunk the careful way: a short chunk is the last one (empty only if
 * it is the first), a full one is tried as a middle chunk, then as the
 * last one. */
static ET_MUST_CHECK int open_one(struct stream *st, struct src *in, unsigned char *out, bool *last,
		    size_t *outn)
{
	const unsigned char *c;
	size_t n;
	bool fin = false;
	int rc;

	*outn = 0;
	rc = src_need(in, ENC_CHUNK + 1);
	if (rc)
		goto out;
	n = src_avail(in) < ENC_CHUNK ? src_avail(in) : ENC_CHUNK;
	c = in->buf + in->pos;
	if (n == 0) {
		rc = ET_EPAYLOAD; /* no chunk, or no last chunk: truncated */
		goto out;
	}
	if (n < ENC_CHUNK) {
		if (st->ctr != 0 && n == TAG) {
			rc = ET_EPAYLOAD;
			goto out;
		}
		fin = true;
		rc = chunk_open(st->ctx, st->ctr, c, n, true, out);
	} else {
		rc = chunk_open(st->ctx, st->ctr, c, n, false, out);
		if (rc) {
			fin = true;
			rc = chunk_open(st->ctx, st->ctr, c, n, true, out);
		}
	}
	if (rc)
		goto out;
	in->pos += n;
	st->ctr++;
	*outn = n - TAG;
	*last = fin;
out:
	return rc;
}

/* Decrypt the payload after the nonce. Verified plaintext is written in
 * batches; whatever verified before a failure is written before returning. */
static ET_MUST_CHECK int payload_decrypt(struct stream *st, struct src *in,
		crypto_write_fn *wr, void *wctx)
{
	const size_t ocap = (size_t)BATCH * CHUNK;
	unsigned char *ob = malloc(ocap);
	struct helper *h = NULL;
	size_t olen = 0;
	bool last = false, wfail = false;
	int rc = ET_OK;

	if (!ob) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while (!last) {
		size_t avail, nsafe, done = 0, n1;

		/* full chunks with more input after them, as many as fit */
		rc = src_need(in, (size_t)BATCH * ENC_CHUNK + 1);
		avail = src_avail(in);
		if (rc && avail < ENC_CHUNK + 1)
			goto out; /* the input failed; what verified was written */
		rc = ET_OK;
		nsafe = avail ? (avail - 1) / ENC_CHUNK : 0;
		nsafe = nsafe < BATCH ? nsafe : BATCH;
		if (!h && nsafe >= HELPER_MIN_CHUNKS)
			h = helper_start(st);
		if (nsafe) {
			rc = run_batch(h, st, 0, in->buf + in->pos, ob, nsafe, &done);
			if (rc && rc != ET_EPAYLOAD)
				goto out;
			rc = ET_OK;
			in->pos += done * ENC_CHUNK;
			st->ctr += done;
			olen = done * CHUNK;
		}
		if (done < BATCH && (nsafe == 0 || done < nsafe)) {
			/* the end, or a chunk that failed as a middle one */
			rc = open_one(st, in, ob + olen, &last, &n1);
			if (rc)
				goto out;
			olen += n1;
		}
		rc = olen ? wr(wctx, ob, olen) : ET_OK;
		crypto_wipe(ob, olen);
		olen = 0;
		if (rc) {
			wfail = true;
			goto out;
		}
	}
	/* nothing may follow the last chunk */
	rc = src_need(in, 1);
	if (rc == ET_OK && src_avail(in))
		rc = ET_EPAYLOAD;
out:
	helper_stop(h);
	if (olen && !wfail) {
		int wrc = wr(wctx, ob, olen);
		if (wrc && rc == ET_OK)
			rc = wrc;
	}
	/* every other plaintext in ob was wiped once written or refuted */
	if (ob)
		crypto_wipe(ob, olen);
	free(ob);
	return rc;
}

static ET_MUST_CHECK int payload_encrypt(struct stream *st, crypto_read_fn *rd, void *rctx,
		crypto_write_fn *wr,
			   void *wctx)
{
	const size_t ocap = (size_t)BATCH * ENC_CHUNK;
	struct helper *h = NULL;
	struct src in = { 0 };
	unsigned char *ob = NULL;
	bool last = false;
	int rc;

	rc = src_init(&in, (size_t)BATCH * CHUNK + 1, rd, rctx);
	if (rc)
		goto out;
	ob = malloc(ocap);
	if (!ob) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while (!last) {
		size_t avail, nmid, done = 0, olen, n;

		rc = src_need(&in, (size_t)BATCH * CHUNK + 1);
		if (rc)
			goto out;
		avail = src_avail(&in);
		if (avail > (size_t)BATCH * CHUNK) {
			nmid = BATCH; /* more input follows them all */
		} else {
			last = true; /* the rest: middle chunks, then a last one */
			nmid = avail ? (avail - 1) / CHUNK : 0;
		}
		if (!h && nmid >= HELPER_MIN_CHUNKS)
			h = helper_start(st);
		rc = run_batch(h, st, 1, in.buf + in.pos, ob, nmid, &done);
		if (rc)
			goto out;
		in.pos += nmid * CHUNK;
		st->ctr += nmid;
		olen = nmid * ENC_CHUNK;
		if (last) {
			n = src_avail(&in); /* 1..CHUNK, or 0 for an empty payload */
			rc = chunk_seal(st->ctx, st->ctr, in.buf + in.pos, n, true, ob + olen);
			if (rc)
				goto out;
			in.pos += n;
			st->ctr++;
			olen += n + TAG;
		}
		rc = wr(wctx, ob, olen);
		if (rc)
			goto out;
	}
out:
	helper_stop(h);
	src_free(&in);
	free(ob);
	return rc;
}

/* ---- encrypt --------------------------------------------------------- */

int crypto_age_encrypt(const struct crypto_age_recipient *const *rs, size_t nr, bool armor,
		       crypto_read_fn *rd, void *rctx, crypto_write_fn *wr, void *wctx)
{
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN], nonce[16];
	struct crypto_stanza_list l = { 0 };
	struct armor_wr aw = { 0 };
	struct stream st = { 0 };
	struct et_buf hb;
	struct sink out = { wr, wctx };
	size_t i;
	int rc;

	et_buf_init(&hb, ET_AGE_MAX_HEADER);
	if (!rs || nr == 0 || !rd || !wr) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = crypto_random(fk, sizeof fk);
	if (rc)
		goto out;
	for (i = 0; i < nr; i++) {
		if (!rs[i] || !rs[i]->wrap) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		rc = rs[i]->wrap(rs[i], fk, &l);
		if (rc)
			goto out;
	}
	if (l.n == 0) {
		rc = et_fail(ET_EINVAL); /* nobody could open it */
		goto out;
	}
	rc = header_encode(&l, fk, &hb);
	if (rc == ET_OK)
		rc = crypto_random(nonce, sizeof nonce);
	if (rc == ET_OK)
		rc = et_buf_add(&hb, nonce, sizeof nonce);
	if (rc)
		goto out;
	if (armor) {
		aw.wr = wr;
		aw.ctx = wctx;
		aw.text = malloc(ARMOR_TEXT);
		if (!aw.text) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		rc = wr(wctx, (const unsigned char *)ARMOR_BEGIN "\n", strlen(ARMOR_BEGIN) + 1);
		if (rc)
			goto out;
		out.wr = armor_write;
		out.ctx = &aw;
	}
	rc = out.wr(out.ctx, hb.data, hb.len);
	if (rc)
		goto out;
	rc = stream_init(&st, fk, nonce, 1);
	if (rc)
		goto out;
	rc = payload_encrypt(&st, rd, rctx, out.wr, out.ctx);
	if (rc == ET_OK && armor)
		rc = armor_finish(&aw);
out:
	crypto_wipe(fk, sizeof fk);
	stream_free(&st);
	crypto_stanza_list_free(&l);
	et_buf_free(&hb);
	free(aw.text);
	return rc;
}

/* ---- decrypt --------------------------------------------------------- */

/* Read header lines from s into hb through the first line starting "---"
 * (or the end of input, or the cap). */
static ET_MUST_CHECK int read_header(struct src *s, struct et_buf *hb)
{
	size_t ls = 0;
	int rc = ET_OK;

	for (;;) {
		unsigned char *p, *nl;
		size_t take;

		rc = src_need(s, 1);
		if (rc || !src_avail(s))
			break;
		p = s->buf + s->pos;
		nl = memchr(p, '\n', src_avail(s));
		take = nl ? (size_t)(nl - p) + 1 : src_avail(s);
		rc = et_buf_add(hb, p, take);
		if (rc) {
			rc = rc == ET_ELIMIT ? ET_EHEADER : rc;
			break;
		}
		s->pos += take;
		if (nl) {
			if (hb->len - ls >= 3 && memcmp(hb->data + ls, "---", 3) == 0)
				break;
			ls = hb->len;
		}
	}
	return rc;
}

static ET_MUST_CHECK int decrypt_common(const struct crypto_age_identity *const *ids, size_t nid,
			  const unsigned char *given_key, crypto_read_fn *rd, void *rctx,
			  crypto_write_fn *wr, void *wctx)
{
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN], nonce[16];
	struct crypto_age_header *hdr = NULL;
	struct src raw = { 0 }, top = { 0 };
	struct armor_rd ar = { 0 };
	struct stream st = { 0 };
	struct et_buf hb;
	size_t i, hlen, pre;
	bool found = false;
	int rc, macerr = ET_OK;

	et_buf_init(&hb, ET_AGE_MAX_HEADER);
	if (!rd || !wr || (!given_key && nid && !ids)) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	rc = src_init(&raw, 64u * 1024, rd, rctx);
	if (rc)
		goto out;
	rc = src_init(&top, (size_t)BATCH * ENC_CHUNK + 1, src_read_cb, &raw);
	if (rc)
		goto out;
	/* armored unless it starts like a binary age file (or is empty) */
	rc = src_need(&raw, strlen(AGE_INTRO_PREFIX));
	if (rc)
		goto out;
	pre = src_avail(&raw) < strlen(AGE_INTRO_PREFIX) ? src_avail(&raw) :
							    strlen(AGE_INTRO_PREFIX);
	if (pre && memcmp(raw.buf + raw.pos, AGE_INTRO_PREFIX, pre) != 0) {
		ar.raw = &raw;
		top.rd = armor_read;
		top.ctx = &ar;
	}
	rc = read_header(&top, &hb);
	if (rc)
		goto out;
	rc = crypto_age_header_parse(hb.data, hb.len, &hdr, &hlen);
	if (rc)
		goto out;
	assert(hlen == hb.len);
	/* the spec: an scrypt stanza must be the only one */
	for (i = 0; i < hdr->stanzas.n; i++)
		if (strcmp(hdr->stanzas.v[i].type, "scrypt") == 0 && hdr->stanzas.n != 1) {
			rc = ET_EHEADER;
			goto out;
		}
	if (given_key) {
		memcpy(fk, given_key, sizeof fk);
		rc = crypto_age_header_check_mac(hdr, fk);
		if (rc)
			goto out;
		found = true;
	}
	for (i = 0; !found && i < nid; i++) {
		const struct crypto_age_identity *id = ids[i];
		if (!id || !id->unwrap) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		rc = id->unwrap(id, hdr->stanzas.v, hdr->stanzas.n, fk);
		if (rc == ET_ENOMATCH)
			continue;
		if (rc)
			goto out;
		rc = crypto_age_header_check_mac(hdr, fk);
		if (rc == ET_OK) {
			found = true;
			break;
		}
		crypto_wipe(fk, sizeof fk);
		if (rc != ET_EHMAC)
			goto out;
		if (!macerr)
			macerr = id->sealer_fault_on_mac ? ET_ESEALER : ET_EHMAC;
	}
	if (!found) {
		rc = macerr ? macerr : ET_ENOMATCH;
		goto out;
	}
	/* the nonce: a missing or short one is a header failure */
	rc = src_need(&top, sizeof nonce);
	if (rc)
		goto out;
	if (src_avail(&top) < sizeof nonce) {
		rc = ET_EHEADER;
		goto out;
	}
	memcpy(nonce, top.buf + top.pos, sizeof nonce);
	top.pos += sizeof nonce;
	rc = stream_init(&st, fk, nonce, 0);
	if (rc)
		goto out;
	rc = payload_decrypt(&st, &top, wr, wctx);
out:
	crypto_wipe(fk, sizeof fk);
	stream_free(&st);
	crypto_age_header_free(hdr);
	et_buf_free(&hb);
	src_free(&top);
	src_free(&raw);
	return rc;
}

int crypto_age_decrypt(const struct crypto_age_identity *const *ids, size_t nid,
		       crypto_read_fn *rd, void *rctx, crypto_write_fn *wr, void *wctx)
{
	return decrypt_common(ids, nid, NULL, rd, rctx, wr, wctx);
}

int crypto_age_decrypt_with_file_key(const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
				     crypto_read_fn *rd, void *rctx, crypto_write_fn *wr,
				     void *wctx)
{
	return file_key ? decrypt_common(NULL, 0, file_key, rd, rctx, wr, wctx) :
			  et_fail(ET_EINVAL);
}

/* ---- file descriptors ------------------------------------------------ */

static ET_MUST_CHECK int fd_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	int fd = *(int *)ctx;
	ssize_t r;

	*got = 0;
	if (cap > (size_t)SSIZE_MAX)
		cap = (size_t)SSIZE_MAX;
	do
		r = read(fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r >= 0)
		*got = (size_t)r;
	return r >= 0 ? ET_OK : et_fail(ET_EIO);
}

static ET_MUST_CHECK int fd_write(void *ctx, const unsigned char *buf, size_t n)
{
	return et_write_all(*(int *)ctx, buf, n);
}

int crypto_age_encrypt_fd(const struct crypto_age_recipient *const *rs, size_t nr, bool armor,
			  int in_fd, int out_fd)
{
	return crypto_age_encrypt(rs, nr, armor, fd_read, &in_fd, fd_write, &out_fd);
}

int crypto_age_decrypt_fd(const struct crypto_age_identity *const *ids, size_t nid, int in_fd,
			  int out_fd)
{
	return crypto_age_decrypt(ids, nid, fd_read, &in_fd, fd_write, &out_fd);
}
