/* crypto/threshold.c — the "etender-share" age stanza: the sealer splits the
 * file key k-of-n (crypto/shamir.c, x = holder index) and wraps share i to
 * holder i's per-tender X25519 key, bound to tender, bid and part; opening
 * unwraps the held shares and combines them. The format, its errors and
 * whose fault each one is are specified in docs/formats.md
 * ("The etender-share stanza"); keep the two in step.
 *
 * Errors while opening, in order of precedence (the first that applies):
 *   structure of the etender-share stanzas wrong  -> ET_ESEALER
 *   a held key is not the key a stanza names       -> ET_EKEY
 *   fewer held shares than k                       -> ET_ENOMATCH (identity) /
 *                                                     ET_EINVAL (combine by hand)
 *   a stanza does not open under the named key     -> ET_ESEALER
 *   shares combine to a key the header MAC refutes -> ET_ESEALER */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

#define TH_TYPE "etender-share"
#define TH_LABEL "etender.org/v1/share"
#define TH_NARGS 5
#define TH_B64_32_LEN 43 /* unpadded base64 of 32 bytes */
#define TH_BODY_LEN (CRYPTO_AGE_FILE_KEY_LEN + 16)
#define TH_INFO_MAX (sizeof TH_LABEL + 2 + ET_ID_MAX_LEN + 2 + ET_ID_MAX_LEN + 4 + 3)

struct th_binding {
	char tender[ET_ID_MAX_LEN + 1];
	char bid[ET_ID_MAX_LEN + 1];
	size_t tender_len, bid_len;
	uint32_t part;
};

/* One parsed etender-share stanza. body points into the stanza. */
struct th_stanza {
	unsigned index, k, n;
	unsigned char eph[CRYPTO_X25519_LEN];
	unsigned char holder[CRYPTO_X25519_LEN];
	const unsigned char *body;
};

/* All etender-share stanzas of a header, s[i] for index i (1..n). */
struct th_set {
	unsigned k, n;
	struct th_stanza s[ET_THRESHOLD_MAX_HOLDERS + 1];
};

struct th_recipient {
	struct crypto_age_recipient base;
	struct th_binding b;
	unsigned k, n;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_X25519_LEN];
};

struct th_identity {
	struct crypto_age_identity base;
	struct th_binding b;
	unsigned m;
	/* held[i]: whether the identity holds holder i's key, priv[i] that key */
	bool held[ET_THRESHOLD_MAX_HOLDERS + 1];
	unsigned char priv[ET_THRESHOLD_MAX_HOLDERS + 1][CRYPTO_X25519_LEN];
};

static int ET_MUST_CHECK binding_copy(const struct crypto_threshold_binding *in,
				      struct th_binding *out)
{
	size_t tl, bl;

	if (!in || !in->tender_id || !in->bid_id)
		return et_fail(ET_EINVAL);
	tl = strnlen(in->tender_id, ET_ID_MAX_LEN + 1);
	bl = strnlen(in->bid_id, ET_ID_MAX_LEN + 1);
	if (tl == 0 || bl == 0)
		return et_fail(ET_EINVAL);
	if (tl > ET_ID_MAX_LEN || bl > ET_ID_MAX_LEN)
		return et_fail(ET_ELIMIT);
	memset(out, 0, sizeof *out);
	memcpy(out->tender, in->tender_id, tl);
	memcpy(out->bid, in->bid_id, bl);
	out->tender_len = tl;
	out->bid_len = bl;
	out->part = in->part;
	return ET_OK;
}

/* wrap key = HKDF-SHA-256(ikm = shared, salt = eph || holder, info, 32) with
 * info = "etender.org/v1/share" 0x00 u16be(len tender) tender u16be(len bid)
 * bid u32be(part) u8(index) u8(k) u8(n). */
static int ET_MUST_CHECK derive_wrap_key(const struct th_binding *b,
					 const unsigned char shared[32],
					 const unsigned char eph[32],
					 const unsigned char holder[32], unsigned index,
					 unsigned k, unsigned n, unsigned char key[32])
{
	unsigned char salt[64], info[TH_INFO_MAX];
	size_t o = 0;
	int rc;

	memcpy(salt, eph, 32);
	memcpy(salt + 32, holder, 32);
	memcpy(info, TH_LABEL, sizeof TH_LABEL); /* with its NUL: the 0x00 separator */
	o = sizeof TH_LABEL;
	info[o++] = (unsigned char)(b->tender_len >> 8);
	info[o++] = (unsigned char)b->tender_len;
	memcpy(info + o, b->tender, b->tender_len);
	o += b->tender_len;
	info[o++] = (unsigned char)(b->bid_len >> 8);
	info[o++] = (unsigned char)b->bid_len;
	memcpy(info + o, b->bid, b->bid_len);
	o += b->bid_len;
	info[o++] = (unsigned char)(b->part >> 24);
	info[o++] = (unsigned char)(b->part >> 16);
	info[o++] = (unsigned char)(b->part >> 8);
	info[o++] = (unsigned char)b->part;
	info[o++] = (unsigned char)index;
	info[o++] = (unsigned char)k;
	info[o++] = (unsigned char)n;
	rc = crypto_hkdf_sha256(shared, 32, salt, sizeof salt, info, o, key, 32);
	crypto_wipe(info, sizeof info);
	return rc;
}

/* Unpadded canonical base64 of exactly 32 bytes (43 characters). */
static void b64_32_encode(const unsigned char in[32], char out[TH_B64_32_LEN + 2])
{
	et_b64_encode(in, 32, out); /* 44 characters, the last one '=' */
	out[TH_B64_32_LEN] = 0;
}

static bool b64_32_decode(const char *s, unsigned char out[32])
{
	char tmp[TH_B64_32_LEN + 1];
	size_t got = 0;

	if (strnlen(s, TH_B64_32_LEN + 1) != TH_B64_32_LEN || memchr(s, '=', TH_B64_32_LEN))
		return false;
	memcpy(tmp, s, TH_B64_32_LEN);
	tmp[TH_B64_32_LEN] = '=';
	return et_b64_decode(tmp, sizeof tmp, out, 32, &got) == ET_OK && got == 32;
}

/* Decimal 1..ET_THRESHOLD_MAX_HOLDERS, canonical (no sign, no leading 0). */
static bool parse_small(const char *s, unsigned *out)
{
	uint64_t v;
	size_t len = strnlen(s, 4);

	if (len == 0 || len > 3 || et_parse_u64(s, len, &v) != ET_OK || v < 1 ||
	    v > ET_THRESHOLD_MAX_HOLDERS)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Strict parse of one stanza already known to be of type etender-share. */
static bool parse_stanza(const struct crypto_stanza *st, struct th_stanza *out)
{
	size_t i;

	if (st->nargs != TH_NARGS || !st->args)
		return false;
	for (i = 0; i < TH_NARGS; i++)
		if (!st->args[i])
			return false;
	if (!parse_small(st->args[0], &out->index) || !parse_small(st->args[1], &out->k) ||
	    !parse_small(st->args[2], &out->n))
		return false;
	if (out->k < 2 || out->k > out->n || out->index > out->n)
		return false;
	if (!b64_32_decode(st->args[3], out->eph) || !b64_32_decode(st->args[4], out->holder))
		return false;
	if (st->body_len != TH_BODY_LEN || !st->body)
		return false;
	out->body = st->body;
	return true;
}

/* Collect the etender-share stanzas among st[0..cnt). ET_ENOMATCH if there
 * are none; ET_ESEALER unless they are exactly n well-formed stanzas with
 * indices 1..n, each once, all with the same k and n. Stanzas of other
 * types are ignored here (crypto_threshold_header_check refuses them). */
static int ET_MUST_CHECK parse_set(const struct crypto_stanza *st, size_t cnt,
				   struct th_set *set)
{
	struct th_stanza s;
	unsigned seen = 0;
	size_t i;

	memset(set, 0, sizeof *set);
	for (i = 0; i < cnt; i++) {
		if (!st[i].type || strcmp(st[i].type, TH_TYPE) != 0)
			continue;
		if (!parse_stanza(&st[i], &s))
			return et_fail(ET_ESEALER);
		if (seen == 0) {
			set->k = s.k;
			set->n = s.n;
		} else if (s.k != set->k || s.n != set->n) {
			return et_fail(ET_ESEALER);
		}
		if (set->s[s.index].index != 0) /* duplicate index */
			return et_fail(ET_ESEALER);
		set->s[s.index] = s;
		seen++;
	}
	if (seen == 0)
		return ET_ENOMATCH;
	if (seen != set->n) /* indices are distinct and <= n, so this means 1..n */
		return et_fail(ET_ESEALER);
	return ET_OK;
}

static int ET_MUST_CHECK x25519_fault(const unsigned char priv[32])
{
	static const unsigned char base[32] = { 9 };
	unsigned char tmp[32];
	int rc = crypto_x25519(priv, base, tmp);

	crypto_wipe(tmp, sizeof tmp);
	/* X25519 with a good point works: then the stanza's point was bad */
	return rc == ET_OK ? et_fail(ET_ESEALER) : et_fail(ET_ECRYPTO);
}

/* ET_EKEY unless pub(priv) is the key the stanza names. */
static int ET_MUST_CHECK check_key(const struct th_stanza *s, const unsigned char priv[32])
{
	unsigned char pub[32];
	int rc = crypto_x25519_public(priv, pub);

	if (rc == ET_OK && !crypto_ct_equal(pub, s->holder, 32))
		rc = ET_EKEY;
	return rc;
}

/* Open one stanza whose holder key check_key() accepted. ET_ESEALER if it
 * does not open (tampered, or made for another binding). */
static int ET_MUST_CHECK open_stanza(const struct th_binding *b, const struct th_set *set,
				     const struct th_stanza *s, const unsigned char priv[32],
				     unsigned char share[CRYPTO_AGE_FILE_KEY_LEN])
{
	unsigned char shared[32], key[32];
	int rc;

	rc = crypto_x25519(priv, s->eph, shared);
	if (rc) {
		rc = x25519_fault(priv);
		goto out;
	}
	rc = derive_wrap_key(b, shared, s->eph, s->holder, s->index, set->k, set->n, key);
	if (rc)
		goto out;
	rc = crypto_aead_open_zero_nonce(key, s->body, TH_BODY_LEN, share);
	if (rc == ET_ECRYPTO) /* the tag does not verify */
		rc = et_fail(ET_ESEALER);
out:
	if (rc)
		crypto_wipe(share, CRYPTO_AGE_FILE_KEY_LEN);
	crypto_wipe(shared, sizeof shared);
	crypto_wipe(key, sizeof key);
	return rc;
}

/* ---- recipient ------------------------------------------------------- */

/* Appends n stanzas, index 1 to n. Draws, in this order: (k-1)*16 bytes of
 * Shamir coefficients, then one 32-byte ephemeral X25519 scalar per holder.
 * On failure out may hold some of them: the caller (age.c) drops the list. */
static int ET_MUST_CHECK th_wrap(const struct crypto_age_recipient *r,
				 const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
				 struct crypto_stanza_list *out)
{
	const struct th_recipient *t = (const struct th_recipient *)r;
	unsigned char shares[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_AGE_FILE_KEY_LEN];
	unsigned char *sp[ET_THRESHOLD_MAX_HOLDERS], xs[ET_THRESHOLD_MAX_HOLDERS];
	unsigned char eph_priv[32], eph_pub[32], shared[32], key[32], body[TH_BODY_LEN];
	char a_index[4], a_k[4], a_n[4], a_eph[TH_B64_32_LEN + 2], a_holder[TH_B64_32_LEN + 2];
	const char *args[TH_NARGS] = { a_index, a_k, a_n, a_eph, a_holder };
	unsigned i;
	int rc, w;

	if (!t || !file_key || !out)
		return et_fail(ET_EINVAL);
	for (i = 0; i < t->n; i++) {
		xs[i] = (unsigned char)(i + 1);
		sp[i] = shares[i];
	}
	rc = crypto_shamir_split(file_key, CRYPTO_AGE_FILE_KEY_LEN, t->k, t->n, xs, sp);
	if (rc)
		goto out;
	w = snprintf(a_k, sizeof a_k, "%u", t->k);
	if (w < 0 || (size_t)w >= sizeof a_k) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	w = snprintf(a_n, sizeof a_n, "%u", t->n);
	if (w < 0 || (size_t)w >= sizeof a_n) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	for (i = 1; i <= t->n; i++) {
		const unsigned char *holder = t->pubs[i - 1];

		rc = crypto_x25519_keygen(eph_priv, eph_pub);
		if (rc)
			goto out;
		rc = crypto_x25519(eph_priv, holder, shared);
		if (rc)
			goto out;
		rc = derive_wrap_key(&t->b, shared, eph_pub, holder, i, t->k, t->n, key);
		if (rc)
			goto out;
		rc = crypto_aead_seal_zero_nonce(key, shares[i - 1], CRYPTO_AGE_FILE_KEY_LEN, body);
		if (rc)
			goto out;
		w = snprintf(a_index, sizeof a_index, "%u", i);
		if (w < 0 || (size_t)w >= sizeof a_index) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		b64_32_encode(eph_pub, a_eph);
		b64_32_encode(holder, a_holder);
		rc = crypto_stanza_list_add(out, TH_TYPE, args, TH_NARGS, body, sizeof body);
		if (rc)
			goto out;
	}
out:
	crypto_wipe(shares, sizeof shares);
	crypto_wipe(eph_priv, sizeof eph_priv);
	crypto_wipe(shared, sizeof shared);
	crypto_wipe(key, sizeof key);
	return rc;
}

static void th_recipient_destroy(struct crypto_age_recipient *r)
{
	if (!r)
		return;
	crypto_wipe(r, sizeof(struct th_recipient));
	free(r);
}

/* A low-order point gives an all-zero X25519 output for every scalar. */
static bool point_ok(const unsigned char pub[32])
{
	static const unsigned char scalar[32] = { 0x48, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
						  13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
						  24, 25, 26, 27, 28, 29, 30, 0x5f };
	unsigned char tmp[32];
	int rc = crypto_x25519(scalar, pub, tmp);

	crypto_wipe(tmp, sizeof tmp);
	return rc == ET_OK;
}

int crypto_threshold_recipient_new(const struct crypto_threshold_binding *b, unsigned k,
				   unsigned n,
				   const unsigned char (*holder_pubs)[CRYPTO_X25519_LEN],
				   struct crypto_age_recipient **out)
{
	struct th_recipient *t = NULL;
	unsigned i, j;
	int rc;

	if (!out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	if (!holder_pubs || k < 2 || k > n || n > ET_THRESHOLD_MAX_HOLDERS)
		return et_fail(ET_EINVAL);
	t = calloc(1, sizeof *t);
	if (!t)
		return et_fail(ET_ENOMEM);
	rc = binding_copy(b, &t->b);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (memcmp(holder_pubs[i], holder_pubs[j], CRYPTO_X25519_LEN) == 0) {
				rc = et_fail(ET_EINVAL); /* one key for two holders */
				goto out;
			}
		if (!point_ok(holder_pubs[i])) {
			rc = et_fail(ET_EKEY);
			goto out;
		}
		memcpy(t->pubs[i], holder_pubs[i], CRYPTO_X25519_LEN);
	}
	t->k = k;
	t->n = n;
	t->base.wrap = th_wrap;
	t->base.destroy = th_recipient_destroy;
	*out = &t->base;
	t = NULL;
out:
	free(t);
	return rc;
}

/* ---- identity -------------------------------------------------------- */

/* Check every held key against its stanza, then open them all and combine
 * every held share (all released keys are used: the result does not depend
 * on which k were released first). */
static int ET_MUST_CHECK open_all(const struct th_binding *b, const struct th_set *set,
				  const bool *held, const unsigned char (*priv)[CRYPTO_X25519_LEN],
				  unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN])
{
	unsigned char shares[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_AGE_FILE_KEY_LEN];
	const unsigned char *sp[ET_THRESHOLD_MAX_HOLDERS];
	unsigned char xs[ET_THRESHOLD_MAX_HOLDERS];
	unsigned i, m = 0;
	int rc = ET_OK;

	for (i = set->n + 1; i <= ET_THRESHOLD_MAX_HOLDERS; i++)
		if (held[i]) { /* the tender has holder i; the sealer left it out */
			rc = et_fail(ET_ESEALER);
			goto out;
		}
	for (i = 1; i <= set->n; i++)
		if (held[i]) {
			rc = check_key(&set->s[i], priv[i]);
			if (rc)
				goto out;
			m++;
		}
	if (m < set->k) {
		rc = ET_ENOMATCH;
		goto out;
	}
	m = 0;
	for (i = 1; i <= set->n; i++)
		if (held[i]) {
			rc = open_stanza(b, set, &set->s[i], priv[i], shares[m]);
			if (rc)
				goto out;
			xs[m] = (unsigned char)i;
			sp[m] = shares[m];
			m++;
		}
	rc = crypto_shamir_combine(xs, sp, m, CRYPTO_AGE_FILE_KEY_LEN, file_key);
out:
	if (rc)
		crypto_wipe(file_key, CRYPTO_AGE_FILE_KEY_LEN);
	crypto_wipe(shares, sizeof shares);
	return rc;
}

static int ET_MUST_CHECK th_unwrap(const struct crypto_age_identity *id,
				   const struct crypto_stanza *st, size_t n,
				   unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN])
{
	const struct th_identity *t = (const struct th_identity *)id;
	struct th_set *set = NULL;
	int rc;

	if (!t || (!st && n) || !file_key)
		return et_fail(ET_EINVAL);
	set = malloc(sizeof *set);
	if (!set)
		return et_fail(ET_ENOMEM);
	rc = parse_set(st, n, set);
	if (rc)
		goto out;
	rc = open_all(&t->b, set, t->held, t->priv, file_key);
out:
	free(set);
	return rc;
}

static void th_identity_destroy(struct crypto_age_identity *id)
{
	if (!id)
		return;
	crypto_wipe(id, sizeof(struct th_identity));
	free(id);
}

int crypto_threshold_identity_new(const struct crypto_threshold_binding *b,
				  const unsigned *indices,
				  const unsigned char (*holder_privs)[CRYPTO_X25519_LEN],
				  unsigned m, struct crypto_age_identity **out)
{
	struct th_identity *t = NULL;
	unsigned j;
	int rc;

	if (!out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	if (!indices || !holder_privs || m < 1 || m > ET_THRESHOLD_MAX_HOLDERS)
		return et_fail(ET_EINVAL);
	t = calloc(1, sizeof *t);
	if (!t)
		return et_fail(ET_ENOMEM);
	rc = binding_copy(b, &t->b);
	if (rc)
		goto out;
	for (j = 0; j < m; j++) {
		unsigned i = indices[j];

		if (i < 1 || i > ET_THRESHOLD_MAX_HOLDERS || t->held[i]) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		t->held[i] = true;
		memcpy(t->priv[i], holder_privs[j], CRYPTO_X25519_LEN);
	}
	t->m = m;
	t->base.unwrap = th_unwrap;
	t->base.destroy = th_identity_destroy;
	t->base.sealer_fault_on_mac = true;
	*out = &t->base;
	t = NULL;
out:
	if (t) {
		crypto_wipe(t, sizeof *t);
		free(t);
	}
	return rc;
}

/* ---- by hand --------------------------------------------------------- */

static int ET_MUST_CHECK header_set(const struct crypto_age_header *hdr, struct th_set **out)
{
	struct th_set *set = malloc(sizeof *set);
	int rc;

	*out = NULL;
	if (!set)
		return et_fail(ET_ENOMEM);
	rc = parse_set(hdr->stanzas.v, hdr->stanzas.n, set);
	if (rc == ET_ENOMATCH) /* no threshold stanza at all: the sealer's fault here */
		rc = et_fail(ET_ESEALER);
	if (rc) {
		free(set);
		return rc;
	}
	*out = set;
	return ET_OK;
}

int crypto_threshold_unwrap_share(const struct crypto_age_header *hdr,
				  const struct crypto_threshold_binding *b, unsigned index,
				  const unsigned char priv[CRYPTO_X25519_LEN],
				  unsigned char share[CRYPTO_AGE_FILE_KEY_LEN])
{
	struct th_binding tb;
	struct th_set *set = NULL;
	int rc;

	if (!hdr || !priv || !share || index < 1 || index > ET_THRESHOLD_MAX_HOLDERS)
		return et_fail(ET_EINVAL);
	rc = binding_copy(b, &tb);
	if (rc)
		goto out;
	rc = header_set(hdr, &set);
	if (rc)
		goto out;
	if (index > set->n) {
		rc = et_fail(ET_ESEALER);
		goto out;
	}
	rc = check_key(&set->s[index], priv);
	if (rc)
		goto out;
	rc = open_stanza(&tb, set, &set->s[index], priv, share);
out:
	if (rc && share)
		crypto_wipe(share, CRYPTO_AGE_FILE_KEY_LEN);
	free(set);
	return rc;
}

int crypto_threshold_combine(const struct crypto_age_header *hdr, const unsigned *indices,
			     const unsigned char (*shares)[CRYPTO_AGE_FILE_KEY_LEN], unsigned m,
			     unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN])
{
	const unsigned char *sp[ET_THRESHOLD_MAX_HOLDERS];
	unsigned char xs[ET_THRESHOLD_MAX_HOLDERS];
	bool seen[ET_THRESHOLD_MAX_HOLDERS + 1] = { false };
	struct th_set *set = NULL;
	unsigned j;
	int rc;

	if (!hdr || !indices || !shares || !file_key || m < 1 || m > ET_THRESHOLD_MAX_HOLDERS)
		return et_fail(ET_EINVAL);
	rc = header_set(hdr, &set);
	if (rc)
		goto out;
	for (j = 0; j < m; j++) {
		unsigned i = indices[j];

		if (i < 1 || i > set->n || seen[i]) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		seen[i] = true;
		xs[j] = (unsigned char)i;
		sp[j] = shares[j];
	}
	if (m < set->k) {
		rc = et_fail(ET_EINVAL); /* not enough shares yet: nobody's fault */
		goto out;
	}
	rc = crypto_shamir_combine(xs, sp, m, CRYPTO_AGE_FILE_KEY_LEN, file_key);
	if (rc)
		goto out;
	rc = crypto_age_header_check_mac(hdr, file_key);
	if (rc == ET_EHMAC)
		rc = et_fail(ET_ESEALER);
out:
	if (rc)
		crypto_wipe(file_key, CRYPTO_AGE_FILE_KEY_LEN);
	free(set);
	return rc;
}

int crypto_threshold_header_check(const struct crypto_age_header *hdr, unsigned k, unsigned n,
				  const unsigned char (*holder_pubs)[CRYPTO_X25519_LEN])
{
	struct th_set *set = NULL;
	size_t i;
	int rc;

	if (!hdr || !holder_pubs || k < 2 || k > n || n > ET_THRESHOLD_MAX_HOLDERS)
		return et_fail(ET_EINVAL);
	for (i = 0; i < hdr->stanzas.n; i++)
		if (!hdr->stanzas.v[i].type || strcmp(hdr->stanzas.v[i].type, TH_TYPE) != 0)
			return et_fail(ET_ESEALER); /* an extra recipient: could be anyone's */
	rc = header_set(hdr, &set);
	if (rc)
		goto out;
	if (set->k != k || set->n != n) {
		rc = et_fail(ET_ESEALER);
		goto out;
	}
	for (i = 1; i <= n; i++) /* stanza i is the i-th in the header, as sealed */
		if (set->s[i].body != hdr->stanzas.v[i - 1].body ||
		    memcmp(set->s[i].holder, holder_pubs[i - 1], CRYPTO_X25519_LEN) != 0 ||
		    !point_ok(set->s[i].eph)) {
			rc = et_fail(ET_ESEALER);
			goto out;
		}
out:
	free(set);
	return rc;
}
