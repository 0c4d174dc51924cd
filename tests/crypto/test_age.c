/* tests/crypto/test_age.c — age v1: every C2SP CCTV vector with X25519
 * identities (outcome class and SHA-256 of all plaintext released), round
 * trips across chunk boundaries, armor, the header API, identity files, and
 * interoperability with the `age` tool (which must be installed). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "crypto/crypto_int.h"

#define MAX_FILE (64u << 20)

/* ---- I/O helpers ----------------------------------------------------- */

struct mem_in {
	const unsigned char *p;
	size_t n;
	size_t step; /* 0: as much as asked; else vary read sizes up to step */
	unsigned k;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem_in *m = ctx;
	size_t k = m->n < cap ? m->n : cap;

	if (m->step) {
		size_t lim = 1 + (m->k++ * 7919u) % m->step;
		k = k < lim ? k : lim;
	}
	memcpy(buf, m->p, k);
	m->p += k;
	m->n -= k;
	*got = k;
	return ET_OK;
}

struct mem_out {
	struct et_buf b;
	size_t writes;
};

static int mem_write(void *ctx, const unsigned char *buf, size_t n)
{
	struct mem_out *o = ctx;

	o->writes++;
	return et_buf_add(&o->b, buf, n);
}

static void out_init(struct mem_out *o)
{
	memset(o, 0, sizeof *o);
	et_buf_init(&o->b, MAX_FILE);
}

static int encrypt_mem_step(const struct crypto_age_recipient *const *rs, size_t nr, bool armor,
			    const unsigned char *in, size_t n, size_t step, struct mem_out *out)
{
	struct mem_in m = { in, n, step, 0 };

	out_init(out);
	return crypto_age_encrypt(rs, nr, armor, mem_read, &m, mem_write, out);
}

static int encrypt_mem(const struct crypto_age_recipient *const *rs, size_t nr, bool armor,
		       const unsigned char *in, size_t n, struct mem_out *out)
{
	struct mem_in m = { in, n, 0, 0 };

	out_init(out);
	return crypto_age_encrypt(rs, nr, armor, mem_read, &m, mem_write, out);
}

static int decrypt_mem(const struct crypto_age_identity *const *ids, size_t nid,
		       const unsigned char *in, size_t n, size_t step, struct mem_out *out)
{
	struct mem_in m = { in, n, step, 0 };

	out_init(out);
	return crypto_age_decrypt(ids, nid, mem_read, &m, mem_write, out);
}

static unsigned char *random_bytes(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(crypto_random(p, n), ET_OK);
	return p;
}

/* ---- CCTV vectors ---------------------------------------------------- */

static int expect_rc(const char *e)
{
	if (!strcmp(e, "success"))
		return ET_OK;
	if (!strcmp(e, "no match"))
		return ET_ENOMATCH;
	if (!strcmp(e, "HMAC failure"))
		return ET_EHMAC;
	if (!strcmp(e, "header failure"))
		return ET_EHEADER;
	if (!strcmp(e, "payload failure"))
		return ET_EPAYLOAD;
	if (!strcmp(e, "armor failure"))
		return ET_EARMOR;
	return -1;
}

static unsigned char *inflate_all(const unsigned char *in, size_t n, size_t *outlen)
{
	z_stream z;
	size_t cap = 1u << 20;
	unsigned char *out = malloc(cap);
	int zr;

	ck_assert_ptr_nonnull(out);
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(inflateInit(&z), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	do {
		if (z.total_out == cap) {
			cap *= 2;
			ck_assert_uint_le(cap, MAX_FILE);
			out = realloc(out, cap);
			ck_assert_ptr_nonnull(out);
		}
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		zr = inflate(&z, Z_NO_FLUSH);
		ck_assert_msg(zr == Z_OK || zr == Z_STREAM_END, "inflate %d", zr);
	} while (zr != Z_STREAM_END);
	*outlen = z.total_out;
	inflateEnd(&z);
	return out;
}

static const char *vectors_dir(void)
{
	static char dir[4096];
	const char *v = getenv("ET_VECTORS");
	int n;

	ck_assert_msg(v != NULL, "ET_VECTORS is not set");
	n = snprintf(dir, sizeof dir, "%s/age/testdata", v);
	ck_assert(n > 0 && (size_t)n < sizeof dir);
	return dir;
}

enum { V_RUN, V_SKIP_SCRYPT, V_SKIP_HYBRID, V_SKIP_UNKNOWN };

/* Run one vector with reads of varying size (step) or whole (0). */
static int run_vector(const char *dir, const char *name, size_t step)
{
	char path[4096], expect[64] = "";
	unsigned char *data = NULL, *file = NULL, *infl = NULL, want[32], got[32];
	size_t len = 0, pos = 0, flen, ilen, nids = 0, i;
	struct crypto_age_identity *ids[8];
	bool has_payload = false, compressed = false, armored = false, has_fk = false;
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN];
	int kind = V_RUN, rc, n;
	struct mem_out out;

	n = snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert(n > 0 && (size_t)n < sizeof path);
	ck_assert_int_eq(et_read_file(path, MAX_FILE, &data, &len), ET_OK);
	/* textual header: "key: value" lines, then an empty line */
	for (;;) {
		unsigned char *nl = memchr(data + pos, '\n', len - pos);
		char line[512], *v;
		size_t ll;

		ck_assert_ptr_nonnull(nl);
		ll = (size_t)(nl - (data + pos));
		if (ll == 0) {
			pos++;
			break;
		}
		ck_assert_uint_lt(ll, sizeof line);
		memcpy(line, data + pos, ll);
		line[ll] = '\0';
		pos += ll + 1;
		v = strstr(line, ": ");
		ck_assert_ptr_nonnull(v);
		*v = '\0';
		v += 2;
		if (!strcmp(line, "expect")) {
			ck_assert_uint_lt(strlen(v), sizeof expect);
			memcpy(expect, v, strlen(v) + 1);
		} else if (!strcmp(line, "payload")) {
			ck_assert_int_eq(et_hex_decode(v, want, 32), ET_OK);
			has_payload = true;
		} else if (!strcmp(line, "identity")) {
			if (!strncmp(v, "AGE-SECRET-KEY-PQ-", 18)) {
				kind = V_SKIP_HYBRID;
				continue;
			}
			ck_assert_uint_lt(nids, 8);
			ck_assert_int_eq(crypto_age_identity_parse(v, &ids[nids]), ET_OK);
			nids++;
		} else if (!strcmp(line, "passphrase")) {
			if (kind == V_RUN)
				kind = V_SKIP_SCRYPT;
		} else if (!strcmp(line, "armored")) {
			armored = !strcmp(v, "yes");
		} else if (!strcmp(line, "compressed")) {
			ck_assert_str_eq(v, "zlib");
			compressed = true;
		} else if (!strcmp(line, "file key")) {
			/* x25519_long_file_key has a longer one: not a file key of ours */
			has_fk = et_hex_decode(v, fk, sizeof fk) == ET_OK;
		} else if (strcmp(line, "comment")) {
			kind = V_SKIP_UNKNOWN; /* "files with unknown keys should be ignored" */
		}
	}
	if (kind != V_RUN)
		goto out;
	ck_assert_int_ge(expect_rc(expect), 0);
	file = data + pos;
	flen = len - pos;
	if (compressed) {
		infl = inflate_all(file, flen, &ilen);
		file = infl;
		flen = ilen;
	}
	(void)armored; /* decryption detects the armor itself */
	rc = decrypt_mem((const struct crypto_age_identity *const *)ids, nids, file, flen, step,
			 &out);
	ck_assert_msg(rc == expect_rc(expect), "%s: got %s (%d), want %s", name,
		      et_strerror(rc), rc, expect);
	crypto_sha256(out.b.data ? out.b.data : (const unsigned char *)"", out.b.len, got);
	if (has_payload)
		ck_assert_msg(!memcmp(got, want, 32), "%s: payload hash (%zu bytes released)", name,
			      out.b.len);
	else
		ck_assert_msg(out.b.len == 0, "%s: released %zu bytes", name, out.b.len);
	et_buf_free(&out.b);
	/* the same through the file key alone, where the outcome is the stream's */
	if (has_fk && has_payload && (rc == ET_OK || rc == ET_EPAYLOAD)) {
		struct mem_in m = { file, flen, step, 0 };
		out_init(&out);
		ck_assert_int_eq(crypto_age_decrypt_with_file_key(fk, mem_read, &m, mem_write, &out),
				 rc);
		crypto_sha256(out.b.data ? out.b.data : (const unsigned char *)"", out.b.len, got);
		ck_assert_msg(!memcmp(got, want, 32), "%s: payload hash with file key", name);
		et_buf_free(&out.b);
	}
out:
	for (i = 0; i < nids; i++)
		crypto_age_identity_free(ids[i]);
	free(infl);
	free(data);
	return kind;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_cctv(size_t step)
{
	const char *dir = vectors_dir();
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[512];
	size_t nn = 0, i, count[4] = { 0 };

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ck_assert_uint_lt(nn, 512);
		names[nn] = strdup(e->d_name);
		ck_assert_ptr_nonnull(names[nn]);
		nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof *names, cmp_names);
	for (i = 0; i < nn; i++) {
		count[run_vector(dir, names[i], step)]++;
		free(names[i]);
	}
	printf("CCTV age (read step %zu): %zu files, %zu run, %zu skipped (scrypt %zu, "
	       "hybrid/PQ %zu, unknown keys %zu)\n",
	       step, nn, count[V_RUN], count[V_SKIP_SCRYPT] + count[V_SKIP_HYBRID] +
	       count[V_SKIP_UNKNOWN], count[V_SKIP_SCRYPT], count[V_SKIP_HYBRID],
	       count[V_SKIP_UNKNOWN]);
	/* 143 vectors: 26 use passphrases (scrypt), 19 hybrid ML-KEM identities */
	ck_assert_uint_eq(nn, 143);
	ck_assert_uint_eq(count[V_RUN], 98);
	ck_assert_uint_eq(count[V_SKIP_SCRYPT], 26);
	ck_assert_uint_eq(count[V_SKIP_HYBRID], 19);
	ck_assert_uint_eq(count[V_SKIP_UNKNOWN], 0);
}

START_TEST(cctv_vectors)
{
	run_cctv(0);
}
END_TEST

START_TEST(cctv_vectors_small_reads)
{
	run_cctv(4099);
}
END_TEST

/* ---- round trips ----------------------------------------------------- */

static void keypair(struct crypto_age_identity **id, struct crypto_age_recipient **r)
{
	char *is = NULL, *rs = NULL;

	ck_assert_int_eq(crypto_age_x25519_generate(&is, &rs), ET_OK);
	ck_assert_int_eq(crypto_age_identity_parse(is, id), ET_OK);
	ck_assert_int_eq(crypto_age_recipient_parse(rs, r), ET_OK);
	crypto_wipe(is, strlen(is));
	free(is);
	free(rs);
}

static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 3 * 65536, (5u << 20) + 12345 };

START_TEST(round_trip)
{
	struct crypto_age_identity *id1, *id2, *id3;
	struct crypto_age_recipient *r1, *r2, *r3;
	size_t si = (size_t)_i / 2, n = sizes[si], chunks, hl;
	bool armor = _i % 2;
	unsigned char *pt = random_bytes(n);
	struct mem_out ct, out;
	struct crypto_age_header *hdr = NULL;

	keypair(&id1, &r1);
	keypair(&id2, &r2);
	keypair(&id3, &r3);
	{
		/* armored runs also read their input in small, uneven pieces */
		const struct crypto_age_recipient *rs[2] = { r1, r2 };
		ck_assert_int_eq(encrypt_mem_step(rs, 2, armor, pt, n, armor ? 30011 : 0, &ct), ET_OK);
	}
	if (!armor) {
		/* size: header, nonce, one tag per chunk (at least one chunk) */
		chunks = n ? (n + 65535) / 65536 : 1;
		ck_assert_int_eq(crypto_age_header_parse(ct.b.data, ct.b.len, &hdr, &hl), ET_OK);
		ck_assert_uint_eq(crypto_age_header_count(hdr), 2);
		ck_assert_uint_eq(ct.b.len, hl + 16 + n + 16 * chunks);
		crypto_age_header_free(hdr);
	} else {
		/* 64-column lines, a last short or full one, the END line */
		size_t pos = 35, ll;
		ck_assert_int_eq(memcmp(ct.b.data, "-----BEGIN AGE ENCRYPTED FILE-----\n", 35), 0);
		for (;;) {
			unsigned char *nl = memchr(ct.b.data + pos, '\n', ct.b.len - pos);
			ck_assert_ptr_nonnull(nl);
			ll = (size_t)(nl - (ct.b.data + pos));
			if (ct.b.data[pos] == '-')
				break;
			ck_assert_uint_le(ll, 64);
			ck_assert_uint_eq(ll % 4, 0);
			pos += ll + 1;
			if (ll < 64)
				break;
		}
		ck_assert_uint_eq(ct.b.len - pos, 33);
		ck_assert_int_eq(memcmp(ct.b.data + pos, "-----END AGE ENCRYPTED FILE-----\n", 33), 0);
	}
	{
		const struct crypto_age_identity *ids[2] = { id3, id2 }; /* second one matches */
		ck_assert_int_eq(decrypt_mem(ids, 2, ct.b.data, ct.b.len, 0, &out), ET_OK);
		ck_assert_uint_eq(out.b.len, n);
		if (n)
			ck_assert_int_eq(memcmp(out.b.data, pt, n), 0);
		et_buf_free(&out.b);
		ck_assert_int_eq(decrypt_mem(ids + 1, 1, ct.b.data, ct.b.len, 65537, &out), ET_OK);
		ck_assert_uint_eq(out.b.len, n);
		et_buf_free(&out.b);
	}
	{
		const struct crypto_age_identity *ids[1] = { id1 };
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, 0, &out), ET_OK);
		ck_assert_uint_eq(out.b.len, n);
		if (n)
			ck_assert_int_eq(memcmp(out.b.data, pt, n), 0);
		et_buf_free(&out.b);
	}
	{
		/* wrong identity */
		const struct crypto_age_identity *ids[1] = { id3 };
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, 0, &out), ET_ENOMATCH);
		ck_assert_uint_eq(out.b.len, 0);
		et_buf_free(&out.b);
	}
	if (!armor) {
		/* truncated: one byte short, and cut at the last chunk boundary */
		const struct crypto_age_identity *ids[1] = { id1 };
		size_t cut = ct.b.len - ((n % 65536) ? n % 65536 + 16 : (n ? 65536 + 16 : 16));
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len - 1, 0, &out), ET_EPAYLOAD);
		ck_assert_uint_le(out.b.len, n);
		et_buf_free(&out.b);
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, cut, 0, &out), ET_EPAYLOAD);
		et_buf_free(&out.b);
		/* trailing garbage */
		ck_assert_int_eq(et_buf_add(&ct.b, "x", 1), ET_OK);
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, 0, &out), ET_EPAYLOAD);
		et_buf_free(&out.b);
	}
	et_buf_free(&ct.b);
	free(pt);
	crypto_age_identity_free(id1);
	crypto_age_identity_free(id2);
	crypto_age_identity_free(id3);
	crypto_age_recipient_free(r1);
	crypto_age_recipient_free(r2);
	crypto_age_recipient_free(r3);
}
END_TEST

/* A corrupt chunk anywhere (either half of a batch, later batches, the
 * last chunk): exactly the chunks before it are released, then
 * ET_EPAYLOAD. */
START_TEST(corrupt_chunk_release)
{
	static const size_t bad[] = { 0, 3, 7, 8, 12, 15, 16, 20, 39, 40 };
	const size_t n = 40 * 65536 + 100;
	struct crypto_age_identity *id;
	struct crypto_age_recipient *r;
	struct crypto_age_header *hdr = NULL;
	unsigned char *pt = random_bytes(n);
	struct mem_out ct, out;
	size_t hl, i, step;

	keypair(&id, &r);
	{
		const struct crypto_age_recipient *rs[1] = { r };
		ck_assert_int_eq(encrypt_mem(rs, 1, false, pt, n, &ct), ET_OK);
	}
	ck_assert_int_eq(crypto_age_header_parse(ct.b.data, ct.b.len, &hdr, &hl), ET_OK);
	crypto_age_header_free(hdr);
	for (step = 0; step <= 300000; step += 300000) {
		for (i = 0; i < sizeof bad / sizeof *bad; i++) {
			const struct crypto_age_identity *ids[1] = { id };
			size_t off = hl + 16 + bad[i] * (65536 + 16) + 5;

			ct.b.data[off] ^= 0x40;
			ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, step, &out),
					 ET_EPAYLOAD);
			ck_assert_uint_eq(out.b.len, bad[i] * 65536);
			if (out.b.len)
				ck_assert_int_eq(memcmp(out.b.data, pt, out.b.len), 0);
			et_buf_free(&out.b);
			ct.b.data[off] ^= 0x40;
		}
	}
	et_buf_free(&ct.b);
	free(pt);
	crypto_age_identity_free(id);
	crypto_age_recipient_free(r);
}
END_TEST

/* A recipient that records the file key and adds a grease stanza too. */
struct spy_recipient {
	struct crypto_age_recipient base;
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN];
};

static int spy_wrap(const struct crypto_age_recipient *r,
		    const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		    struct crypto_stanza_list *out)
{
	struct spy_recipient *s = (struct spy_recipient *)(uintptr_t)r;
	const char *args[2] = { "a!b", "~{}" };
	unsigned char body[100];

	memcpy(s->fk, file_key, sizeof s->fk);
	memset(body, 0x5a, sizeof body);
	return crypto_stanza_list_add(out, "etender-test-grease", args, 2, body, sizeof body);
}

static int badarg_wrap(const struct crypto_age_recipient *r,
		       const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		       struct crypto_stanza_list *out)
{
	const char *args[1] = { "a b" };

	(void)r;
	(void)file_key;
	return crypto_stanza_list_add(out, "t", args, 1, NULL, 0);
}

static int scrypt_wrap(const struct crypto_age_recipient *r,
		       const unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN],
		       struct crypto_stanza_list *out)
{
	const char *args[2] = { "c2FsdHNhbHRzYWx0c2FsdA", "10" };
	unsigned char body[32] = { 0 };

	(void)r;
	(void)file_key;
	return crypto_stanza_list_add(out, "scrypt", args, 2, body, sizeof body);
}

/* An identity that offers a fixed key (right or wrong). */
struct fixed_identity {
	struct crypto_age_identity base;
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN];
};

static int fixed_unwrap(const struct crypto_age_identity *id, const struct crypto_stanza *st,
			size_t n, unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN])
{
	const struct fixed_identity *f = (const struct fixed_identity *)id;

	(void)st;
	(void)n;
	memcpy(file_key, f->fk, CRYPTO_AGE_FILE_KEY_LEN);
	return ET_OK;
}

START_TEST(header_api)
{
	struct spy_recipient spy = { { spy_wrap, NULL }, { 0 } };
	struct fixed_identity good = { { fixed_unwrap, NULL, false }, { 0 } };
	struct fixed_identity bad = { { fixed_unwrap, NULL, true }, { 0 } };
	struct crypto_age_identity *id;
	struct crypto_age_recipient *r;
	struct crypto_age_header *hdr = NULL;
	struct mem_out ct, out;
	const char *type;
	const char *const *args;
	const unsigned char *body;
	size_t nargs, blen, hl;
	unsigned char pt[1000];
	struct mem_in m;

	keypair(&id, &r);
	memset(pt, 7, sizeof pt);
	{
		const struct crypto_age_recipient *rs[2] = { r, &spy.base };
		ck_assert_int_eq(encrypt_mem(rs, 2, false, pt, sizeof pt, &ct), ET_OK);
	}
	ck_assert_int_eq(crypto_age_header_parse(ct.b.data, ct.b.len, &hdr, &hl), ET_OK);
	ck_assert_uint_eq(crypto_age_header_count(hdr), 2);
	crypto_age_header_stanza(hdr, 0, &type, &args, &nargs, &body, &blen);
	ck_assert_str_eq(type, "X25519");
	ck_assert_uint_eq(nargs, 1);
	ck_assert_uint_eq(strlen(args[0]), 43);
	ck_assert_uint_eq(blen, 32);
	crypto_age_header_stanza(hdr, 1, &type, &args, &nargs, &body, &blen);
	ck_assert_str_eq(type, "etender-test-grease");
	ck_assert_uint_eq(nargs, 2);
	ck_assert_str_eq(args[0], "a!b");
	ck_assert_str_eq(args[1], "~{}");
	ck_assert_uint_eq(blen, 100);
	ck_assert_uint_eq(body[99], 0x5a);
	ck_assert_int_eq(crypto_age_header_check_mac(hdr, spy.fk), ET_OK);
	memcpy(good.fk, spy.fk, sizeof good.fk);
	good.fk[0] ^= 1;
	ck_assert_int_eq(crypto_age_header_check_mac(hdr, good.fk), ET_EHMAC);
	/* the header parses only from a prefix that holds all of it */
	crypto_age_header_free(hdr);
	ck_assert_int_eq(crypto_age_header_parse(ct.b.data, hl - 1, &hdr, &blen), ET_EHEADER);
	ck_assert_ptr_null(hdr);
	/* decrypt with the file key alone */
	m = (struct mem_in){ ct.b.data, ct.b.len, 0, 0 };
	out_init(&out);
	ck_assert_int_eq(crypto_age_decrypt_with_file_key(spy.fk, mem_read, &m, mem_write, &out),
			 ET_OK);
	ck_assert_uint_eq(out.b.len, sizeof pt);
	ck_assert_int_eq(memcmp(out.b.data, pt, sizeof pt), 0);
	et_buf_free(&out.b);
	m = (struct mem_in){ ct.b.data, ct.b.len, 0, 0 };
	out_init(&out);
	ck_assert_int_eq(crypto_age_decrypt_with_file_key(good.fk, mem_read, &m, mem_write, &out),
			 ET_EHMAC);
	et_buf_free(&out.b);
	/* a wrong candidate key: HMAC failure, or the sealer's fault if so marked */
	memcpy(bad.fk, good.fk, sizeof bad.fk);
	{
		const struct crypto_age_identity *ids[1] = { &good.base };
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, 0, &out), ET_EHMAC);
		et_buf_free(&out.b);
		ids[0] = &bad.base;
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, 0, &out), ET_ESEALER);
		et_buf_free(&out.b);
	}
	{
		/* a later identity that is right still opens it */
		const struct crypto_age_identity *ids[2] = { &bad.base, id };
		ck_assert_int_eq(decrypt_mem(ids, 2, ct.b.data, ct.b.len, 0, &out), ET_OK);
		et_buf_free(&out.b);
	}
	{
		/* a flipped bit in a stanza body of another type: HMAC failure */
		const struct crypto_age_identity *ids[1] = { id };
		unsigned char *p = memmem(ct.b.data, hl, "etender-test-grease", 19);
		ck_assert_ptr_nonnull(p);
		p[0] = 'E';
		ck_assert_int_eq(decrypt_mem(ids, 1, ct.b.data, ct.b.len, 0, &out), ET_EHMAC);
		ck_assert_uint_eq(out.b.len, 0);
		et_buf_free(&out.b);
	}
	/* an scrypt stanza next to others is a header failure (spec) */
	{
		struct spy_recipient scr = { { scrypt_wrap, NULL }, { 0 } };
		const struct crypto_age_recipient *rs[2] = { r, &scr.base };
		const struct crypto_age_identity *ids[1] = { id };
		struct mem_out ct2;
		ck_assert_int_eq(encrypt_mem(rs, 2, false, pt, sizeof pt, &ct2), ET_OK);
		et_buf_free(&out.b);
		ck_assert_int_eq(decrypt_mem(ids, 1, ct2.b.data, ct2.b.len, 0, &out), ET_EHEADER);
		et_buf_free(&out.b);
		et_buf_free(&ct2.b);
	}
	/* a stanza argument with a space is refused on writing */
	{
		struct spy_recipient bad_arg = { { badarg_wrap, NULL }, { 0 } };
		const struct crypto_age_recipient *rs[2] = { r, &bad_arg.base };
		et_buf_free(&out.b);
		ck_assert_int_eq(encrypt_mem(rs, 2, false, pt, sizeof pt, &out), ET_EINVAL);
		et_buf_free(&out.b);
	}
	et_buf_free(&ct.b);
	crypto_age_identity_free(id);
	crypto_age_recipient_free(r);
}
END_TEST

/* Headers past the caps of core/limits.h are header failures. */
START_TEST(header_caps)
{
	static const char mac[] = "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
	struct crypto_age_header *hdr = NULL;
	struct et_buf b;
	size_t hl, i;

	/* the shape itself parses */
	et_buf_init(&b, 8u << 20);
	ck_assert_int_eq(et_buf_printf(&b, "age-encryption.org/v1\n-> a b\n\n%s", mac), ET_OK);
	ck_assert_int_eq(crypto_age_header_parse(b.data, b.len, &hdr, &hl), ET_OK);
	ck_assert_uint_eq(hl, b.len);
	crypto_age_header_free(hdr);
	/* too many stanzas */
	et_buf_reset(&b);
	ck_assert_int_eq(et_buf_addstr(&b, "age-encryption.org/v1\n"), ET_OK);
	for (i = 0; i <= ET_AGE_MAX_STANZAS; i++)
		ck_assert_int_eq(et_buf_addstr(&b, "-> a\n\n"), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&b, mac), ET_OK);
	ck_assert_int_eq(crypto_age_header_parse(b.data, b.len, &hdr, &hl), ET_EHEADER);
	/* too many arguments */
	et_buf_reset(&b);
	ck_assert_int_eq(et_buf_addstr(&b, "age-encryption.org/v1\n-> a"), ET_OK);
	for (i = 0; i <= ET_AGE_MAX_STANZA_ARGS; i++)
		ck_assert_int_eq(et_buf_addstr(&b, " x"), ET_OK);
	ck_assert_int_eq(et_buf_printf(&b, "\n\n%s", mac), ET_OK);
	ck_assert_int_eq(crypto_age_header_parse(b.data, b.len, &hdr, &hl), ET_EHEADER);
	/* an argument too long */
	et_buf_reset(&b);
	ck_assert_int_eq(et_buf_addstr(&b, "age-encryption.org/v1\n-> a "), ET_OK);
	for (i = 0; i <= ET_AGE_MAX_ARG_LEN; i++)
		ck_assert_int_eq(et_buf_add(&b, "y", 1), ET_OK);
	ck_assert_int_eq(et_buf_printf(&b, "\n\n%s", mac), ET_OK);
	ck_assert_int_eq(crypto_age_header_parse(b.data, b.len, &hdr, &hl), ET_EHEADER);
	/* a body too long */
	et_buf_reset(&b);
	ck_assert_int_eq(et_buf_addstr(&b, "age-encryption.org/v1\n-> a\n"), ET_OK);
	for (i = 0; i <= ET_AGE_MAX_BODY / 48; i++)
		ck_assert_int_eq(et_buf_addstr(&b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"),
				 ET_OK);
	ck_assert_int_eq(et_buf_printf(&b, "\n%s", mac), ET_OK);
	ck_assert_int_eq(crypto_age_header_parse(b.data, b.len, &hdr, &hl), ET_EHEADER);
	ck_assert_ptr_null(hdr);
	et_buf_free(&b);
}
END_TEST

START_TEST(b64_raw)
{
	unsigned char out[8];
	size_t n;
	char *s = NULL;

	ck_assert_int_eq(crypto_b64_raw_decode("AAE", 3, out, sizeof out, &n), ET_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(crypto_b64_raw_decode("AAF", 3, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(crypto_b64_raw_decode("AA==", 4, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(crypto_b64_raw_decode("A", 1, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(crypto_b64_raw_decode("A\nA", 3, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(crypto_b64_raw_decode("AAAAAAAAAAAAAAAA", 16, out, sizeof out, &n),
			 ET_ELIMIT);
	ck_assert_int_eq(crypto_b64_raw_decode("", 0, out, sizeof out, &n), ET_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(crypto_b64_raw_encode((const unsigned char *)"\xff\xfe", 2, &s), ET_OK);
	ck_assert_str_eq(s, "//4");
	free(s);
}
END_TEST

/* ---- identity files -------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	memcpy(tmpdir, "/tmp/et-age-XXXXXX", 19);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_path(char *out, size_t cap, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", tmpdir, name);

	ck_assert(n > 0 && (size_t)n < cap);
}

static void rm_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[256];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		tmp_path(p, sizeof p, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

static void write_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(et_write_all(fd, data, n), ET_OK);
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(identity_file)
{
	struct crypto_age_identity **ids = NULL;
	size_t n = 0;
	char p[256];
	const char *good =
		"# created: 2026-11-28T07:00:00Z\n"
		"# public key: age1...\n"
		"\n"
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0\r\n"
		"# second\n"
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
	const char *bad = "# x\nnot a key\n";

	make_tmpdir();
	tmp_path(p, sizeof p, "ids.txt");
	write_file(p, good, strlen(good));
	ck_assert_int_eq(crypto_age_identity_file_load(p, &ids, &n), ET_OK);
	ck_assert_uint_eq(n, 2);
	crypto_age_identities_free(ids, n);
	write_file(p, bad, strlen(bad));
	ck_assert_int_eq(crypto_age_identity_file_load(p, &ids, &n), ET_EINVAL);
	ck_assert_ptr_null(ids);
	write_file(p, "# only comments\n\n", 17);
	ck_assert_int_eq(crypto_age_identity_file_load(p, &ids, &n), ET_EINVAL);
	rm_tmpdir();
}
END_TEST

/* ---- interoperability with the age tool ------------------------------ */

#define AGE_BIN "/usr/bin/age"
#define AGE_KEYGEN_BIN "/usr/bin/age-keygen"

/* Run argv with stdin from /dev/null and stdout to out_path (or /dev/null);
 * the exit status. */
static int run(char *const argv[], const char *out_path)
{
	pid_t pid;
	int st = 0;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool have_age(void)
{
	/* scripts/deps.sh installs Debian's age: its absence is a broken setup,
	 * not a reason to skip the interop the foundation promises */
	ck_assert_msg(access(AGE_BIN, X_OK) == 0 && access(AGE_KEYGEN_BIN, X_OK) == 0,
		      "%s or %s not found (scripts/deps.sh installs age)", AGE_BIN, AGE_KEYGEN_BIN);
	return true;
}

static void check_same_file(const char *path, const unsigned char *want, size_t n)
{
	unsigned char *d = NULL;
	size_t len = 0;

	/* age creates its output file on the first write only */
	if (n == 0 && access(path, F_OK) != 0)
		return;
	ck_assert_int_eq(et_read_file(path, MAX_FILE, &d, &len), ET_OK);
	ck_assert_uint_eq(len, n);
	if (n)
		ck_assert_int_eq(memcmp(d, want, n), 0);
	free(d);
}

/* age encrypts (maybe armored) to recipient; we decrypt with ids. */
static void age_to_us(const char *recipient, struct crypto_age_identity **ids, size_t nid,
		      bool armor, size_t n)
{
	char in[256], ct[256], pt[256];
	unsigned char *data = random_bytes(n);
	int ifd, ofd;

	tmp_path(in, sizeof in, "plain");
	tmp_path(ct, sizeof ct, "from-age.age");
	tmp_path(pt, sizeof pt, "from-age.out");
	write_file(in, data, n);
	{
		char *argv[8];
		int k = 0;
		argv[k++] = AGE_BIN;
		argv[k++] = "-r";
		argv[k++] = (char *)recipient;
		if (armor)
			argv[k++] = "-a";
		argv[k++] = "-o";
		argv[k++] = ct;
		argv[k++] = in;
		argv[k] = NULL;
		ck_assert_int_eq(run(argv, NULL), 0);
	}
	ifd = open(ct, O_RDONLY);
	ofd = open(pt, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(ifd >= 0 && ofd >= 0);
	ck_assert_int_eq(crypto_age_decrypt_fd((const struct crypto_age_identity *const *)ids, nid,
					       ifd, ofd), ET_OK);
	close(ifd);
	close(ofd);
	check_same_file(pt, data, n);
	free(data);
}

/* We encrypt (maybe armored) to r; age decrypts with keyfile. */
static void us_to_age(const struct crypto_age_recipient *r, const char *keyfile, bool armor,
		      size_t n)
{
	char in[256], ct[256], pt[256];
	unsigned char *data = random_bytes(n);
	const struct crypto_age_recipient *rs[1] = { r };
	int ifd, ofd;

	tmp_path(in, sizeof in, "plain2");
	tmp_path(ct, sizeof ct, "from-us.age");
	tmp_path(pt, sizeof pt, "from-us.out");
	write_file(in, data, n);
	unlink(pt);
	ifd = open(in, O_RDONLY);
	ofd = open(ct, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(ifd >= 0 && ofd >= 0);
	ck_assert_int_eq(crypto_age_encrypt_fd(rs, 1, armor, ifd, ofd), ET_OK);
	close(ifd);
	close(ofd);
	{
		char *argv[] = { AGE_BIN, "-d", "-i", (char *)keyfile, "-o", pt, ct, NULL };
		ck_assert_int_eq(run(argv, NULL), 0);
	}
	check_same_file(pt, data, n);
	free(data);
}

START_TEST(interop_age_tool)
{
	char key[256], pub[256], *is = NULL, *rs = NULL, rline[128];
	struct crypto_age_identity **ids = NULL, *ourid = NULL;
	struct crypto_age_recipient *r = NULL;
	unsigned char *d = NULL;
	size_t n = 0, len = 0;
	static const size_t ns[] = { 0, 1, 65536, 65537, (3u << 20) + 7 };
	size_t i;

	if (!have_age())
		return;
	make_tmpdir();
	/* 1. a key file made by age-keygen -o: we load it */
	tmp_path(key, sizeof key, "keygen.txt");
	tmp_path(pub, sizeof pub, "keygen.pub");
	{
		char *argv[] = { AGE_KEYGEN_BIN, "-o", key, NULL };
		ck_assert_int_eq(run(argv, NULL), 0);
	}
	{
		char *argv[] = { AGE_KEYGEN_BIN, "-y", key, NULL };
		ck_assert_int_eq(run(argv, pub), 0);
	}
	ck_assert_int_eq(crypto_age_identity_file_load(key, &ids, &n), ET_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(et_read_file(pub, 1024, &d, &len), ET_OK);
	ck_assert(len > 1 && len < sizeof rline && d[len - 1] == '\n');
	memcpy(rline, d, len - 1);
	rline[len - 1] = '\0';
	free(d);
	ck_assert_int_eq(crypto_age_recipient_parse(rline, &r), ET_OK);
	for (i = 0; i < sizeof ns / sizeof *ns; i++) {
		age_to_us(rline, ids, n, i % 2, ns[i]);
		us_to_age(r, key, i % 2 == 0, ns[i]);
	}
	crypto_age_recipient_free(r);
	crypto_age_identities_free(ids, n);
	/* 2. our key pair: age uses our recipient and our identity file */
	ck_assert_int_eq(crypto_age_x25519_generate(&is, &rs), ET_OK);
	ck_assert_int_eq(crypto_age_identity_parse(is, &ourid), ET_OK);
	ck_assert_int_eq(crypto_age_recipient_parse(rs, &r), ET_OK);
	tmp_path(key, sizeof key, "ours.txt");
	{
		struct et_buf b;
		et_buf_init(&b, 4096);
		ck_assert_int_eq(et_buf_printf(&b, "# ours\n%s\n", is), ET_OK);
		ck_assert_int_eq(crypto_write_secret_file(key, b.data, b.len), ET_OK);
		et_buf_free(&b);
	}
	age_to_us(rs, &ourid, 1, true, 100000);
	age_to_us(rs, &ourid, 1, false, 65536 * 2);
	us_to_age(r, key, false, 65536 * 2);
	us_to_age(r, key, true, 12345);
	crypto_age_identity_free(ourid);
	crypto_age_recipient_free(r);
	crypto_wipe(is, strlen(is));
	free(is);
	free(rs);
	rm_tmpdir();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("age");
	TCase *tc = tcase_create("age");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, cctv_vectors);
	tcase_add_test(tc, cctv_vectors_small_reads);
	tcase_add_loop_test(tc, round_trip, 0, (int)(2 * sizeof sizes / sizeof *sizes));
	tcase_add_test(tc, corrupt_chunk_release);
	tcase_add_test(tc, header_api);
	tcase_add_test(tc, header_caps);
	tcase_add_test(tc, b64_raw);
	tcase_add_test(tc, identity_file);
	tcase_add_test(tc, interop_age_tool);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
