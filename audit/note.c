/* audit/note.c — C2SP signed notes with Ed25519 (signed-note), verifier
 * keys, tlog-checkpoint bodies and tlog-cosignature cosignature/v1 witness
 * signatures. Parsing is strict: a note is valid UTF-8 without control
 * characters other than newline, at most ET_NOTE_MAX_LEN bytes, its text is
 * separated from at most ET_NOTE_MAX_SIGS signature lines by the last blank
 * line, and every signature line is well formed even if its key is unknown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

#define TYPE_ED25519 0x01
#define TYPE_COSIG_V1 0x04
#define ED25519_SIG_LINE_BYTES (4 + CRYPTO_ED25519_SIG_LEN)
#define COSIG_SIG_LINE_BYTES (4 + 8 + CRYPTO_ED25519_SIG_LEN)

static const char em_dash_sp[] = "\xe2\x80\x94 "; /* U+2014 then space */
#define EM_DASH_SP_LEN 4

/* ---- text rules -------------------------------------------------------- */

/* Decode one UTF-8 sequence at s (n bytes left); strict (no overlong forms,
 * no surrogates, <= U+10FFFF). Returns its length, 0 if invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Valid UTF-8, no NUL, no control character below U+0020 but newline. */
static bool text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = utf8_next(p + i, n - i, &cp);
		if (!k || (cp < 0x20 && cp != '\n'))
			return false;
		i += k;
	}
	return true;
}

/* Unicode White_Space (what Go's unicode.IsSpace accepts). */
static bool is_unicode_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* Key names: non-empty, shorter than ET_NOTE_MAX_NAME, valid UTF-8, no
 * Unicode space, no '+', no control character. */
static bool name_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	if (n == 0 || n >= ET_NOTE_MAX_NAME)
		return false;
	while (i < n) {
		k = utf8_next(p + i, n - i, &cp);
		if (!k || cp < 0x20 || cp == '+' || is_unicode_space(cp))
			return false;
		i += k;
	}
	return true;
}

/* Note text: non-empty, ends in newline, text_ok, within the cap. */
static bool note_text_ok(const char *t, size_t n)
{
	return n > 0 && n <= ET_NOTE_MAX_LEN && t[n - 1] == '\n' && text_ok(t, n);
}

/* ---- key hashes and verifier keys -------------------------------------- */

static uint32_t key_hash_n(const char *name, size_t nlen, unsigned char type,
			   const unsigned char pub[32])
{
	struct crypto_sha256 *h = crypto_sha256_new();
	unsigned char d[CRYPTO_SHA256_LEN];
	unsigned char sep[2] = { '\n', type };

	if (!h)
		abort(); /* uint32_t result leaves no room for ENOMEM */
	crypto_sha256_update(h, name, nlen);
	crypto_sha256_update(h, sep, 2);
	crypto_sha256_update(h, pub, 32);
	crypto_sha256_final(h, d);
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

uint32_t audit_note_key_hash(const char *name, unsigned char type, const unsigned char pub[32])
{
	return key_hash_n(name, strlen(name), type, pub);
}

static int ET_MUST_CHECK vkey_format(const char *name, unsigned char type, const unsigned char pub[32], char **out)
{
	unsigned char raw[33];
	char b64[64];
	struct et_buf b;
	int rc;

	if (!name || !pub || !out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	if (!name_ok(name, strlen(name)))
		return et_fail(ET_EINVAL);
	raw[0] = type;
	memcpy(raw + 1, pub, 32);
	et_b64_encode(raw, sizeof raw, b64);
	et_buf_init(&b, ET_NOTE_MAX_NAME + 64);
	rc = et_buf_printf(&b, "%s+%08x+%s", name, (unsigned)key_hash_n(name, strlen(name), type, pub),
			   b64);
	if (rc) {
		et_buf_free(&b);
		return rc;
	}
	*out = (char *)et_buf_steal(&b, NULL);
	return ET_OK;
}

static int ET_MUST_CHECK vkey_parse(const char *vkey, unsigned char type, char **name, unsigned char pub[32],
		      uint32_t *hash)
{
	const char *p1, *p2;
	unsigned char raw[64];
	size_t nlen, rawlen, i, vlen;
	uint32_t h = 0;
	char *nm = NULL;

	if (!vkey || !name || !pub)
		return et_fail(ET_EINVAL);
	*name = NULL;
	vlen = strnlen(vkey, ET_NOTE_MAX_NAME + 128);
	if (vlen >= ET_NOTE_MAX_NAME + 128)
		return ET_EINVAL;
	/* name+hash+key: the name cannot contain '+', so split at the first
	 * two; the base64 key cannot either ('+' is a base64 digit, so take
	 * the hash as exactly 8 characters after the first '+'). */
	p1 = memchr(vkey, '+', vlen);
	if (!p1)
		return ET_EINVAL;
	nlen = (size_t)(p1 - vkey);
	if (!name_ok(vkey, nlen))
		return ET_EINVAL;
	if (vlen - nlen < 1 + 8 + 1 || p1[9] != '+')
		return ET_EINVAL;
	for (i = 1; i <= 8; i++) {
		char c = p1[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return ET_EINVAL; /* lowercase hex only, as written */
		h = h << 4 | d;
	}
	p2 = p1 + 10;
	if (et_b64_decode(p2, vlen - (size_t)(p2 - vkey), raw, sizeof raw, &rawlen) != ET_OK)
		return ET_EINVAL;
	if (rawlen != 33 || raw[0] != type)
		return ET_EINVAL; /* wrong length or unknown algorithm */
	if (key_hash_n(vkey, nlen, type, raw + 1) != h)
		return ET_EINVAL;
	nm = malloc(nlen + 1);
	if (!nm)
		return et_fail(ET_ENOMEM);
	memcpy(nm, vkey, nlen);
	nm[nlen] = 0;
	memcpy(pub, raw + 1, 32);
	if (hash)
		*hash = h;
	*name = nm;
	return ET_OK;
}

int audit_note_vkey_format(const char *name, const unsigned char pub[32], char **out)
{
	return vkey_format(name, TYPE_ED25519, pub, out);
}

int audit_note_vkey_parse(const char *vkey, char **name, unsigned char pub[32], uint32_t *hash)
{
	return vkey_parse(vkey, TYPE_ED25519, name, pub, hash);
}

int audit_cosig_vkey_format(const char *name, const unsigned char pub[32], char **out)
{
	return vkey_format(name, TYPE_COSIG_V1, pub, out);
}

int audit_cosig_vkey_parse(const char *vkey, char **name, unsigned char pub[32], uint32_t *hash)
{
	return vkey_parse(vkey, TYPE_COSIG_V1, name, pub, hash);
}

/* ---- note structure ---------------------------------------------------- */

/* A parsed note: the text and the signature block, both inside the
 * caller's buffer. */
struct note_parts {
	const char *text;
	size_t text_len;
	const char *sigs;
	size_t sigs_len;
};

/* One signature line. sig points into a caller's buffer of sig_cap bytes. */
struct sig_line {
	const char *name;
	size_t name_len;
	uint32_t key_hash;
	unsigned char *sig; /* the bytes after the key hash */
	size_t sig_len;
};

/* Parse the signature line at *p (ending at or before end); advance *p. */
static int ET_MUST_CHECK sig_line_next(const char **p, const char *end, unsigned char *buf, size_t cap,
			 struct sig_line *sl)
{
	const char *s = *p, *nl, *sp;
	size_t blen;

	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		return ET_EINVAL;
	if ((size_t)(nl - s) < EM_DASH_SP_LEN || memcmp(s, em_dash_sp, EM_DASH_SP_LEN) != 0)
		return ET_EINVAL;
	s += EM_DASH_SP_LEN;
	sp = memchr(s, ' ', (size_t)(nl - s));
	if (!sp || !name_ok(s, (size_t)(sp - s)))
		return ET_EINVAL;
	sl->name = s;
	sl->name_len = (size_t)(sp - s);
	sp++;
	if (et_b64_decode(sp, (size_t)(nl - sp), buf, cap, &blen) != ET_OK || blen < 5)
		return ET_EINVAL;
	sl->key_hash = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	sl->sig = buf + 4;
	sl->sig_len = blen - 4;
	*p = nl + 1;
	return ET_OK;
}

/* Check the whole note and split it; every signature line is checked for
 * form. ET_ELIMIT past the caps, ET_EINVAL if malformed. */
static int ET_MUST_CHECK note_split(const char *note, size_t len, struct note_parts *np)
{
	unsigned char *buf = NULL;
	const char *p, *end;
	size_t i, split, nsig = 0;
	struct sig_line sl;
	int rc = ET_OK;

	if (!note)
		return et_fail(ET_EINVAL);
	if (len > ET_NOTE_MAX_LEN)
		return ET_ELIMIT;
	if (len < 2 || !text_ok(note, len) || note[len - 1] != '\n')
		return ET_EINVAL;
	/* the last blank line: the last "\n\n" */
	split = 0;
	for (i = len - 1; i-- > 0;) {
		if (note[i] == '\n' && note[i + 1] == '\n') {
			split = i + 1;
			break;
		}
	}
	if (split == 0)
		return ET_EINVAL;
	np->text = note;
	np->text_len = split; /* includes the text's final newline */
	np->sigs = note + split + 1;
	np->sigs_len = len - split - 1;
	if (np->sigs_len == 0)
		return ET_EINVAL;
	buf = malloc(ET_NOTE_MAX_LEN);
	if (!buf)
		return et_fail(ET_ENOMEM);
	p = np->sigs;
	end = np->sigs + np->sigs_len;
	while (p < end) {
		if (++nsig > ET_NOTE_MAX_SIGS) {
			rc = ET_ELIMIT;
			goto out;
		}
		rc = sig_line_next(&p, end, buf, ET_NOTE_MAX_LEN, &sl);
		if (rc)
			goto out;
	}
out:
	free(buf);
	return rc;
}

/* Does sl name this key? */
static bool sig_is_key(const struct sig_line *sl, const char *name, size_t nlen, uint32_t kh)
{
	return sl->key_hash == kh && sl->name_len == nlen && memcmp(sl->name, name, nlen) == 0;
}

/* ---- signing and verifying notes --------------------------------------- */

static int ET_MUST_CHECK sig_line_make(const char *name, uint32_t kh, const unsigned char *sig, size_t sig_len,
			 struct et_buf *out)
{
	unsigned char raw[4 + 8 + CRYPTO_ED25519_SIG_LEN];
	char b64[4 * ((sizeof raw + 2) / 3) + 1];
	int rc;

	if (sig_len + 4 > sizeof raw)
		return et_fail(ET_EINVAL);
	raw[0] = (unsigned char)(kh >> 24);
	raw[1] = (unsigned char)(kh >> 16);
	raw[2] = (unsigned char)(kh >> 8);
	raw[3] = (unsigned char)kh;
	memcpy(raw + 4, sig, sig_len);
	et_b64_encode(raw, sig_len + 4, b64);
	rc = et_buf_add(out, em_dash_sp, EM_DASH_SP_LEN);
	if (!rc)
		rc = et_buf_printf(out, "%s %s\n", name, b64);
	return rc;
}

/* The Ed25519 signature line of text by (name, seed), appended to out. */
static int ET_MUST_CHECK note_sig_line(const char *text, size_t tlen, const char *name,
			 const unsigned char seed[32], struct et_buf *out)
{
	unsigned char pub[32], sig[CRYPTO_ED25519_SIG_LEN];
	int rc;

	rc = crypto_ed25519_public(seed, pub);
	if (rc)
		return rc;
	rc = crypto_ed25519_sign(seed, text, tlen, sig);
	if (rc)
		return rc;
	return sig_line_make(name, audit_note_key_hash(name, TYPE_ED25519, pub), sig, sizeof sig, out);
}

int audit_note_sign(const char *text, const char *name, const unsigned char seed[32], char **note)
{
	struct et_buf b;
	size_t tlen;
	int rc;

	if (!text || !name || !seed || !note)
		return et_fail(ET_EINVAL);
	*note = NULL;
	tlen = strnlen(text, ET_NOTE_MAX_LEN + 1);
	if (!note_text_ok(text, tlen) || !name_ok(name, strlen(name)))
		return et_fail(ET_EINVAL);
	et_buf_init(&b, ET_NOTE_MAX_LEN);
	rc = et_buf_add(&b, text, tlen);
	if (!rc)
		rc = et_buf_add(&b, "\n", 1);
	if (!rc)
		rc = note_sig_line(text, tlen, name, seed, &b);
	if (rc) {
		et_buf_free(&b);
		return rc;
	}
	*note = (char *)et_buf_steal(&b, NULL);
	return ET_OK;
}

/* Append a signature line (already made) to a well-formed note, refusing a
 * second line by the same key. */
static int ET_MUST_CHECK note_append_line(const char *note, const char *line, size_t line_len, char **out)
{
	struct note_parts np;
	struct sig_line sl, nl;
	unsigned char *buf = NULL, lbuf[COSIG_SIG_LINE_BYTES + 8];
	const char *p, *lp = line;
	struct et_buf b;
	size_t len, nsig = 1;
	int rc;

	*out = NULL;
	len = strnlen(note, ET_NOTE_MAX_LEN + 1);
	rc = note_split(note, len, &np);
	if (rc)
		return rc;
	rc = sig_line_next(&lp, line + line_len, lbuf, sizeof lbuf, &nl);
	if (rc)
		return et_fail(rc);
	buf = malloc(ET_NOTE_MAX_LEN);
	if (!buf)
		return et_fail(ET_ENOMEM);
	for (p = np.sigs; p < np.sigs + np.sigs_len; nsig++) {
		rc = sig_line_next(&p, np.sigs + np.sigs_len, buf, ET_NOTE_MAX_LEN, &sl);
		if (rc)
			goto out;
		if (sig_is_key(&sl, nl.name, nl.name_len, nl.key_hash)) {
			rc = ET_EEXIST;
			goto out;
		}
	}
	if (nsig > ET_NOTE_MAX_SIGS) {
		rc = ET_ELIMIT;
		goto out;
	}
	et_buf_init(&b, ET_NOTE_MAX_LEN);
	rc = et_buf_add(&b, note, len);
	if (!rc)
		rc = et_buf_add(&b, line, line_len);
	if (rc) {
		et_buf_free(&b);
		goto out;
	}
	*out = (char *)et_buf_steal(&b, NULL);
out:
	free(buf);
	return rc;
}

int audit_note_add_signature(const char *note, const char *name, const unsigned char seed[32],
			     char **out)
{
	struct note_parts np;
	struct et_buf line;
	int rc;

	if (!note || !name || !seed || !out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	if (!name_ok(name, strlen(name)))
		return et_fail(ET_EINVAL);
	rc = note_split(note, strnlen(note, ET_NOTE_MAX_LEN + 1), &np);
	if (rc)
		return rc;
	et_buf_init(&line, ET_LINE_MAX);
	rc = note_sig_line(np.text, np.text_len, name, seed, &line);
	if (!rc)
		rc = note_append_line(note, (const char *)line.data, line.len, out);
	et_buf_free(&line);
	return rc;
}

/* Walk the signature lines of a well-formed note; for every line of the key
 * (name, kh) call check(). ET_OK if at least one line of the key exists and
 * all of them verify; ET_EVERIFY if none exists or one fails; ET_EINVAL if
 * the key signed twice. */
static int ET_MUST_CHECK for_key_lines(const struct note_parts *np, const char *name, uint32_t kh,
			 int (*check)(const struct note_parts *np, const struct sig_line *sl, void *ctx),
			 void *ctx)
{
	unsigned char *buf;
	const char *p = np->sigs, *end = np->sigs + np->sigs_len;
	struct sig_line sl;
	size_t nlen = strlen(name);
	bool found = false;
	int rc = ET_OK;

	buf = malloc(ET_NOTE_MAX_LEN);
	if (!buf)
		return et_fail(ET_ENOMEM);
	while (p < end) {
		rc = sig_line_next(&p, end, buf, ET_NOTE_MAX_LEN, &sl);
		if (rc)
			goto out;
		if (!sig_is_key(&sl, name, nlen, kh))
			continue; /* unknown keys are ignored */
		if (found) {
			rc = ET_EINVAL; /* the same key twice */
			goto out;
		}
		found = true;
		rc = check(np, &sl, ctx);
		if (rc)
			goto out;
	}
	if (!found)
		rc = ET_EVERIFY;
out:
	free(buf);
	return rc;
}

static int ET_MUST_CHECK check_note_sig(const struct note_parts *np, const struct sig_line *sl, void *ctx)
{
	const unsigned char *pub = ctx;

	if (sl->sig_len != CRYPTO_ED25519_SIG_LEN)
		return ET_EVERIFY;
	return crypto_ed25519_verify(pub, np->text, np->text_len, sl->sig) == ET_OK ? ET_OK
										      : ET_EVERIFY;
}

int audit_note_verify(const char *note, size_t len, const char *name, const unsigned char pub[32],
		      char **text)
{
	struct note_parts np;
	char *t;
	int rc;

	if (!note || !name || !pub)
		return et_fail(ET_EINVAL);
	if (text)
		*text = NULL;
	if (!name_ok(name, strlen(name)))
		return et_fail(ET_EINVAL);
	rc = note_split(note, len, &np);
	if (rc)
		return rc;
	rc = for_key_lines(&np, name, audit_note_key_hash(name, TYPE_ED25519, pub), check_note_sig,
			   (void *)pub);
	if (rc || !text)
		return rc;
	t = malloc(np.text_len + 1);
	if (!t)
		return et_fail(ET_ENOMEM);
	memcpy(t, np.text, np.text_len);
	t[np.text_len] = 0;
	*text = t;
	return ET_OK;
}

/* ---- checkpoints ------------------------------------------------------- */

int audit_checkpoint_format(const struct audit_checkpoint *cp, char **text)
{
	char b64[4 * ((AUDIT_HASH_LEN + 2) / 3) + 1];
	struct et_buf b;
	size_t olen;
	int rc;

	if (!cp || !text)
		return et_fail(ET_EINVAL);
	*text = NULL;
	olen = strnlen(cp->origin, sizeof cp->origin);
	if (olen == 0 || olen == sizeof cp->origin || !text_ok(cp->origin, olen) ||
	    memchr(cp->origin, '\n', olen))
		return et_fail(ET_EINVAL);
	if (cp->ext_len) {
		/* non-empty lines, each ending in newline */
		if (!cp->ext || cp->ext[cp->ext_len - 1] != '\n' || cp->ext[0] == '\n' ||
		    memmem(cp->ext, cp->ext_len, "\n\n", 2) || !text_ok(cp->ext, cp->ext_len))
			return et_fail(ET_EINVAL);
	}
	et_b64_encode(cp->root, AUDIT_HASH_LEN, b64);
	et_buf_init(&b, ET_NOTE_MAX_LEN);
	rc = et_buf_printf(&b, "%s\n%llu\n%s\n", cp->origin, (unsigned long long)cp->size, b64);
	if (!rc && cp->ext_len)
		rc = et_buf_add(&b, cp->ext, cp->ext_len);
	if (rc) {
		et_buf_free(&b);
		return rc;
	}
	*text = (char *)et_buf_steal(&b, NULL);
	return ET_OK;
}

int audit_checkpoint_parse(const char *text, size_t len, struct audit_checkpoint *cp)
{
	const char *p = text, *end = text + len, *nl;
	unsigned char root[64];
	size_t rlen;
	uint64_t size;

	if (!text || !cp)
		return et_fail(ET_EINVAL);
	memset(cp, 0, sizeof *cp);
	if (len > ET_NOTE_MAX_LEN)
		return ET_ELIMIT;
	if (!note_text_ok(text, len))
		return ET_EINVAL;
	/* origin */
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == p)
		return ET_EINVAL;
	if ((size_t)(nl - p) >= sizeof cp->origin)
		return ET_ELIMIT;
	memcpy(cp->origin, p, (size_t)(nl - p));
	p = nl + 1;
	/* size */
	nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!nl || et_parse_u64(p, (size_t)(nl - p), &size) != ET_OK)
		goto bad;
	p = nl + 1;
	/* root */
	nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!nl || et_b64_decode(p, (size_t)(nl - p), root, sizeof root, &rlen) != ET_OK ||
	    rlen != AUDIT_HASH_LEN)
		goto bad;
	p = nl + 1;
	/* extension lines: non-empty */
	if (p < end) {
		if (*p == '\n' || memmem(p, (size_t)(end - p), "\n\n", 2))
			goto bad;
		cp->ext = p;
		cp->ext_len = (size_t)(end - p);
	}
	cp->size = size;
	memcpy(cp->root, root, AUDIT_HASH_LEN);
	return ET_OK;
bad:
	memset(cp, 0, sizeof *cp);
	return ET_EINVAL;
}

/* ---- cosignature/v1 ---------------------------------------------------- */

/* "cosignature/v1\ntime T\n" + body, into b. */
static int ET_MUST_CHECK cosig_message(const char *body, size_t blen, uint64_t ts, struct et_buf *b)
{
	int rc = et_buf_printf(b, "cosignature/v1\ntime %llu\n", (unsigned long long)ts);

	if (!rc)
		rc = et_buf_add(b, body, blen);
	return rc;
}

int audit_cosig_sign(const char *checkpoint_text, const char *name, const unsigned char seed[32],
		     uint64_t timestamp, char **line)
{
	struct audit_checkpoint cp;
	unsigned char pub[32], raw[8 + CRYPTO_ED25519_SIG_LEN];
	struct et_buf msg, out;
	size_t tlen;
	unsigned i;
	int rc;

	if (!checkpoint_text || !name || !seed || !line)
		return et_fail(ET_EINVAL);
	*line = NULL;
	tlen = strnlen(checkpoint_text, ET_NOTE_MAX_LEN + 1);
	if (timestamp > (uint64_t)INT64_MAX || !name_ok(name, strlen(name)))
		return et_fail(ET_EINVAL);
	rc = audit_checkpoint_parse(checkpoint_text, tlen, &cp);
	if (rc)
		return rc;
	rc = crypto_ed25519_public(seed, pub);
	if (rc)
		return rc;
	et_buf_init(&msg, ET_NOTE_MAX_LEN + 64);
	et_buf_init(&out, ET_LINE_MAX);
	rc = cosig_message(checkpoint_text, tlen, timestamp, &msg);
	if (rc)
		goto out;
	for (i = 0; i < 8; i++)
		raw[i] = (unsigned char)(timestamp >> (56 - 8 * i));
	rc = crypto_ed25519_sign(seed, msg.data, msg.len, raw + 8);
	if (rc)
		goto out;
	rc = sig_line_make(name, audit_note_key_hash(name, TYPE_COSIG_V1, pub), raw, sizeof raw, &out);
	if (rc)
		goto out;
	*line = (char *)et_buf_steal(&out, NULL);
out:
	et_buf_free(&msg);
	et_buf_free(&out);
	return rc;
}

int audit_cosig_add(const char *note, const char *name, const unsigned char seed[32],
		    uint64_t timestamp, char **out)
{
	struct note_parts np;
	char *text = NULL, *line = NULL;
	int rc;

	if (!note || !out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	rc = note_split(note, strnlen(note, ET_NOTE_MAX_LEN + 1), &np);
	if (rc)
		return rc;
	text = malloc(np.text_len + 1);
	if (!text)
		return et_fail(ET_ENOMEM);
	memcpy(text, np.text, np.text_len);
	text[np.text_len] = 0;
	rc = audit_cosig_sign(text, name, seed, timestamp, &line);
	if (!rc)
		rc = note_append_line(note, line, strlen(line), out);
	free(text);
	free(line);
	return rc;
}

struct cosig_ctx {
	const unsigned char *pub;
	uint64_t ts;
};

static int ET_MUST_CHECK check_cosig(const struct note_parts *np, const struct sig_line *sl, void *vctx)
{
	struct cosig_ctx *ctx = vctx;
	struct et_buf msg;
	uint64_t ts = 0;
	unsigned i;
	int rc;

	if (sl->sig_len != 8 + CRYPTO_ED25519_SIG_LEN)
		return ET_EVERIFY;
	for (i = 0; i < 8; i++)
		ts = ts << 8 | sl->sig[i];
	if (ts > (uint64_t)INT64_MAX)
		return ET_EVERIFY;
	et_buf_init(&msg, ET_NOTE_MAX_LEN + 64);
	rc = cosig_message(np->text, np->text_len, ts, &msg);
	if (!rc)
		rc = crypto_ed25519_verify(ctx->pub, msg.data, msg.len, sl->sig + 8) == ET_OK
			     ? ET_OK
			     : ET_EVERIFY;
	et_buf_free(&msg);
	if (!rc)
		ctx->ts = ts;
	return rc;
}

int audit_cosig_verify(const char *note, size_t len, const char *name, const unsigned char pub[32],
		       uint64_t *timestamp)
{
	struct note_parts np;
	struct audit_checkpoint cp;
	struct cosig_ctx ctx = { pub, 0 };
	int rc;

	if (!note || !name || !pub)
		return et_fail(ET_EINVAL);
	if (!name_ok(name, strlen(name)))
		return et_fail(ET_EINVAL);
	rc = note_split(note, len, &np);
	if (rc)
		return rc;
	/* a cosignature is a statement about a checkpoint */
	rc = audit_checkpoint_parse(np.text, np.text_len, &cp);
	if (rc)
		return rc;
	rc = for_key_lines(&np, name, audit_note_key_hash(name, TYPE_COSIG_V1, pub), check_cosig, &ctx);
	if (!rc && timestamp)
		*timestamp = ctx.ts;
	return rc;
}
