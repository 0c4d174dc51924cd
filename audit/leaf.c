/* audit/leaf.c — the canonical event leaf ("ETL1", docs/formats.md): one
 * byte string per event, with a strict decoder; the two-level commitment of
 * confidential events and the payloads of their reveals.
 * Invariants: encode(decode(x)) == x for every x the decoder accepts; fixed
 * width big-endian integers and length prefixes, so every event has exactly
 * one encoding; all lengths are checked against core/limits.h. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

static void put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)(v >> 32));
	put_u32(p + 4, (uint32_t)v);
}

static uint16_t get_u16(const unsigned char *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

static bool is_lc(int c)
{
	return (c >= 'a' && c <= 'z');
}

static bool is_kind_char(int c)
{
	return is_lc(c) || (c >= '0' && c <= '9') || c == '_';
}

/* [a-z][a-z0-9_]* "." [a-z][a-z0-9_]* */
static bool kind_ok(const char *s, size_t n)
{
	size_t i, dots = 0;
	bool start = true;

	if (n == 0 || n > ET_EVENT_KIND_MAX)
		return false;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '.') {
			if (start || ++dots > 1)
				return false;
			start = true;
			continue;
		}
		if (start ? !is_lc(c) : !is_kind_char(c))
			return false;
		start = false;
	}
	return dots == 1 && !start;
}

static bool id_ok(const char *s, size_t n)
{
	size_t i;

	if (n > ET_ID_MAX_LEN)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Bytes of the string s, at most cap+1 looked at (so a huge or
 * unterminated-looking id fails fast). */
static size_t bounded_len(const char *s, size_t cap)
{
	return s ? strnlen(s, cap + 1) : 0;
}

int audit_leaf_encode_event(const struct audit_event *ev, struct et_buf *out)
{
	unsigned char fix[8];
	size_t kl, al, tl, total;
	int rc;

	if (!ev || !ev->kind || (ev->payload_len && !ev->payload))
		return et_fail(ET_EINVAL);
	kl = bounded_len(ev->kind, ET_EVENT_KIND_MAX);
	al = bounded_len(ev->actor, ET_ID_MAX_LEN);
	tl = bounded_len(ev->tender, ET_ID_MAX_LEN);
	if (kl > ET_EVENT_KIND_MAX || al > ET_ID_MAX_LEN || tl > ET_ID_MAX_LEN)
		return ET_ELIMIT;
	if (!kind_ok(ev->kind, kl) || !id_ok(ev->actor ? ev->actor : "", al) ||
	    !id_ok(ev->tender ? ev->tender : "", tl) || ev->version == 0 || ev->time_us < 0)
		return ET_EINVAL;
	total = AUDIT_LEAF_EVENT_FIXED + kl + al + tl;
	if (ev->payload_len > ET_LEAF_MAX_LEN - total)
		return ET_ELIMIT;
	if ((rc = et_buf_add(out, AUDIT_LEAF_MAGIC, 4)))
		return rc;
	fix[0] = AUDIT_LEAF_EVENT;
	fix[1] = (unsigned char)kl;
	if ((rc = et_buf_add(out, fix, 2)) || (rc = et_buf_add(out, ev->kind, kl)))
		return rc;
	put_u16(fix, ev->version);
	if ((rc = et_buf_add(out, fix, 2)))
		return rc;
	put_u64(fix, (uint64_t)ev->time_us);
	if ((rc = et_buf_add(out, fix, 8)))
		return rc;
	fix[0] = (unsigned char)al;
	if ((rc = et_buf_add(out, fix, 1)) || (al && (rc = et_buf_add(out, ev->actor, al))))
		return rc;
	fix[0] = (unsigned char)tl;
	if ((rc = et_buf_add(out, fix, 1)) || (tl && (rc = et_buf_add(out, ev->tender, tl))))
		return rc;
	put_u32(fix, (uint32_t)ev->payload_len);
	if ((rc = et_buf_add(out, fix, 4)) ||
	    (ev->payload_len && (rc = et_buf_add(out, ev->payload, ev->payload_len))))
		return rc;
	return ET_OK;
}

void audit_leaf_encode_commitment(const unsigned char commitment[AUDIT_HASH_LEN],
				  unsigned char out[AUDIT_COMMITMENT_LEAF_LEN])
{
	memcpy(out, AUDIT_LEAF_MAGIC, 4);
	out[4] = AUDIT_LEAF_COMMITMENT;
	memcpy(out + 5, commitment, AUDIT_HASH_LEN);
}

/* A cursor over the input: every take checks the remaining length. */
struct rd {
	const unsigned char *p;
	size_t n;
};

static const unsigned char *take(struct rd *r, size_t k)
{
	const unsigned char *q;

	if (k > r->n)
		return NULL;
	q = r->p;
	r->p += k;
	r->n -= k;
	return q;
}

/* A one-byte length-prefixed id into dst (NUL-terminated). */
static int take_id(struct rd *r, size_t cap, char *dst, bool kind)
{
	const unsigned char *q = take(r, 1), *s;
	size_t k;

	if (!q)
		return ET_EINVAL;
	k = *q;
	if (k > cap)
		return ET_ELIMIT;
	if (!(s = take(r, k)))
		return ET_EINVAL;
	if (kind ? !kind_ok((const char *)s, k) : !id_ok((const char *)s, k))
		return ET_EINVAL;
	memcpy(dst, s, k);
	dst[k] = 0;
	return ET_OK;
}

int audit_leaf_decode(const void *leaf, size_t len, struct audit_leaf *out)
{
	struct rd r = { leaf, len };
	const unsigned char *q;
	uint32_t plen;
	int rc;

	memset(out, 0, sizeof *out);
	if (!leaf || len > ET_LEAF_MAX_LEN)
		return leaf ? ET_ELIMIT : ET_EINVAL;
	if (!(q = take(&r, 5)) || memcmp(q, AUDIT_LEAF_MAGIC, 4) != 0)
		return ET_EINVAL;
	out->type = q[4];
	if (out->type == AUDIT_LEAF_COMMITMENT) {
		if (r.n != AUDIT_HASH_LEN)
			return ET_EINVAL;
		memcpy(out->commitment, r.p, AUDIT_HASH_LEN);
		return ET_OK;
	}
	if (out->type != AUDIT_LEAF_EVENT)
		return ET_EINVAL;
	if ((rc = take_id(&r, ET_EVENT_KIND_MAX, out->kind, true)))
		return rc;
	if (!(q = take(&r, 10)))
		return ET_EINVAL;
	out->ev.version = get_u16(q);
	out->ev.time_us = (int64_t)get_u64(q + 2);
	if (out->ev.version == 0 || out->ev.time_us < 0)
		return ET_EINVAL;
	if ((rc = take_id(&r, ET_ID_MAX_LEN, out->actor, false)) ||
	    (rc = take_id(&r, ET_ID_MAX_LEN, out->tender, false)))
		return rc;
	if (!(q = take(&r, 4)))
		return ET_EINVAL;
	plen = get_u32(q);
	if (plen != r.n) /* short, or trailing bytes */
		return ET_EINVAL;
	out->ev.kind = out->kind;
	out->ev.actor = out->actor;
	out->ev.tender = out->tender;
	out->ev.payload = plen ? r.p : NULL;
	out->ev.payload_len = plen;
	out->ev.confidential = false;
	return ET_OK;
}

int audit_event_digest(const unsigned char blind[AUDIT_SALT_LEN], const void *enc, size_t len,
		       unsigned char d[AUDIT_HASH_LEN])
{
	struct crypto_sha256 *h = crypto_sha256_new();

	if (!h)
		return et_fail(ET_ENOMEM);
	crypto_sha256_update(h, "ETD1", 4);
	crypto_sha256_update(h, blind, AUDIT_SALT_LEN);
	crypto_sha256_update(h, enc, len);
	crypto_sha256_final(h, d);
	return ET_OK;
}

int audit_commitment(const unsigned char salt[AUDIT_SALT_LEN], const char *tender,
		     const unsigned char d[AUDIT_HASH_LEN], unsigned char c[AUDIT_HASH_LEN])
{
	unsigned char buf[4 + AUDIT_SALT_LEN + 1 + ET_ID_MAX_LEN + AUDIT_HASH_LEN];
	size_t tl = bounded_len(tender, ET_ID_MAX_LEN), o = 0;

	if (!tender || tl == 0 || tl > ET_ID_MAX_LEN || !id_ok(tender, tl))
		return ET_EINVAL;
	memcpy(buf, "ETC1", 4);
	o = 4;
	memcpy(buf + o, salt, AUDIT_SALT_LEN);
	o += AUDIT_SALT_LEN;
	buf[o++] = (unsigned char)tl;
	memcpy(buf + o, tender, tl);
	o += tl;
	memcpy(buf + o, d, AUDIT_HASH_LEN);
	o += AUDIT_HASH_LEN;
	crypto_sha256(buf, o, c);
	return ET_OK;
}

int audit_reveal_parse(const unsigned char *payload, size_t len, bool membership,
		       struct audit_opening **out, size_t *n)
{
	struct rd r = { payload, len };
	struct audit_opening *v = NULL;
	const unsigned char *q;
	uint32_t count, i;
	size_t min_entry = membership ? 8 + 32 + 32 : 8 + 32 + 32 + 4 + AUDIT_LEAF_EVENT_FIXED;
	int rc = ET_OK;

	*out = NULL;
	*n = 0;
	if (!payload && len)
		return ET_EINVAL;
	if (!(q = take(&r, 4)))
		return ET_EINVAL;
	count = get_u32(q);
	if (count > r.n / min_entry)
		return ET_EINVAL;
	if (count && !(v = calloc(count, sizeof *v)))
		return et_fail(ET_ENOMEM);
	for (i = 0; i < count; i++) {
		if (!(q = take(&r, 8 + 32 + 32))) {
			rc = ET_EINVAL;
			goto out;
		}
		v[i].index = get_u64(q);
		if (i && v[i].index <= v[i - 1].index) {
			rc = ET_EINVAL;
			goto out;
		}
		memcpy(v[i].salt, q + 8, 32);
		if (membership) {
			memcpy(v[i].digest, q + 40, 32);
			continue;
		}
		memcpy(v[i].blind, q + 40, 32);
		if (!(q = take(&r, 4))) {
			rc = ET_EINVAL;
			goto out;
		}
		v[i].enc_len = get_u32(q);
		if (v[i].enc_len > ET_LEAF_MAX_LEN || !(v[i].enc = take(&r, v[i].enc_len))) {
			rc = ET_EINVAL;
			goto out;
		}
		if ((rc = audit_event_digest(v[i].blind, v[i].enc, v[i].enc_len, v[i].digest)))
			goto out;
	}
	if (r.n) {
		rc = ET_EINVAL;
		goto out;
	}
	*out = v;
	*n = count;
	v = NULL;
out:
	free(v);
	return rc;
}

int audit_opening_check(const unsigned char *leaf, size_t leaf_len, const char *tender,
			const unsigned char salt[AUDIT_SALT_LEN],
			const unsigned char blind[AUDIT_SALT_LEN], const void *enc, size_t enc_len)
{
	struct audit_leaf lf;
	unsigned char d[AUDIT_HASH_LEN], c[AUDIT_HASH_LEN];

	if (!leaf || !enc || audit_leaf_decode(leaf, leaf_len, &lf) ||
	    lf.type != AUDIT_LEAF_COMMITMENT || audit_event_digest(blind, enc, enc_len, d) ||
	    audit_commitment(salt, tender, d, c) ||
	    !crypto_ct_equal(c, lf.commitment, AUDIT_HASH_LEN))
		return ET_EVERIFY;
	return ET_OK;
}
