/* tests/audit/test_merkle.c — RFC 9162 Merkle log: the reference tree
 * (sizes 1..8, hasher vectors, proofs), every transparency-dev inclusion and
 * consistency probe, the SQLite log against an in-memory RFC 9162
 * transcription for every index/size pair up to 70 leaves, the append-only
 * triggers, tamper detection, rollback and reopen. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "json_mini.h"

#define H AUDIT_HASH_LEN

static void unhex(const char *h, unsigned char *out, size_t n)
{
	ck_assert_int_eq(et_hex_decode(h, out, n), ET_OK);
}

static const char *vectors_dir(void)
{
	const char *v = getenv("ET_VECTORS");

	ck_assert_msg(v != NULL, "ET_VECTORS not set");
	return v;
}

/* The classic CT test tree (rfc6962-reference-tree.md). */
static const char *const ref_leaves[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *const ref_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void ref_leaf_hashes(unsigned char lh[8][H])
{
	unsigned char buf[16];
	size_t i, n;

	for (i = 0; i < 8; i++) {
		n = strlen(ref_leaves[i]) / 2;
		unhex(ref_leaves[i], buf, n);
		audit_leaf_hash(buf, n, lh[i]);
	}
}

START_TEST(hasher_vectors)
{
	unsigned char out[H], e[H], l[H], r[H];
	struct crypto_sha256 *h;

	audit_leaf_hash("", 0, out);
	unhex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", e, H);
	ck_assert_mem_eq(out, e, H);
	audit_leaf_hash("L123456", 7, out);
	unhex("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", e, H);
	ck_assert_mem_eq(out, e, H);
	/* HashChildren("N123","N456") hashes 4-byte children: do it by hand
	 * to pin the 0x01 prefix, then check audit_node_hash on 32-byte ones. */
	h = crypto_sha256_new();
	ck_assert_ptr_nonnull(h);
	crypto_sha256_update(h, "\x01" "N123" "N456", 9);
	crypto_sha256_final(h, out);
	unhex("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb", e, H);
	ck_assert_mem_eq(out, e, H);
	memset(l, 0xaa, H);
	memset(r, 0xbb, H);
	{
		unsigned char buf[1 + 2 * H];
		buf[0] = 1;
		memcpy(buf + 1, l, H);
		memcpy(buf + 1 + H, r, H);
		crypto_sha256(buf, sizeof buf, e);
	}
	audit_node_hash(l, r, out);
	ck_assert_mem_eq(out, e, H);
	/* long leaves take the incremental path */
	{
		size_t n = 5000;
		unsigned char *big = calloc(1, n + 1);
		ck_assert_ptr_nonnull(big);
		memset(big + 1, 'x', n);
		crypto_sha256(big, n + 1, e);
		audit_leaf_hash(big + 1, n, out);
		ck_assert_mem_eq(out, e, H);
		free(big);
	}
}
END_TEST

START_TEST(reference_roots)
{
	unsigned char lh[8][H], root[H], e[H];
	uint64_t n;

	ref_leaf_hashes(lh);
	for (n = 1; n <= 8; n++) {
		ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, n, root), ET_OK);
		unhex(ref_roots[n - 1], e, H);
		ck_assert_mem_eq(root, e, H);
	}
	ck_assert_int_eq(audit_root_of(NULL, 0, root), ET_OK);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", e, H);
	ck_assert_mem_eq(root, e, H);
	ck_assert_int_eq(audit_root_of(NULL, 1, root), ET_EINVAL);
}
END_TEST

/* ---- JSON probes ------------------------------------------------------ */

/* Decode a base64 hash. *ok is false unless it is exactly 32 bytes.
 * Returns the decoded length in *len (bytes in raw, up to 64). */
static void b64_hash(const struct jm *j, unsigned char raw[64], size_t *len, bool *ok)
{
	*ok = false;
	*len = 0;
	if (!j || j->t != JM_STR)
		return;
	if (et_b64_decode(j->s, j->slen, raw, 64, len) != ET_OK) {
		*len = 0;
		return;
	}
	*ok = *len == H;
}

/* Roots are compared as opaque values by the upstream verifier, so a probe
 * may carry a root that is not 32 bytes (it must then not match anything,
 * except an equal root when size1 == size2). Our API takes 32-byte roots:
 * such a root is mapped to a 32-byte stand-in that keeps equal inputs equal
 * and can match no real tree hash. */
static void root_arg(const struct jm *j, unsigned char out[H])
{
	unsigned char raw[64], buf[80];
	size_t len;
	bool ok;

	b64_hash(j, raw, &len, &ok);
	if (ok) {
		memcpy(out, raw, H);
		return;
	}
	memcpy(buf, "not-a-32-byte-root:", 19);
	memcpy(buf + 19, raw, len);
	crypto_sha256(buf, 19 + len, out);
}

/* The proof array (null = empty). false if an element is not 32 bytes:
 * such a proof is malformed and cannot be passed to the API at all. */
static bool proof_arg(const struct jm *j, unsigned char (**p)[H], size_t *n)
{
	unsigned char raw[64];
	size_t i, len;
	bool ok;

	*p = NULL;
	*n = 0;
	if (!j || j->t == JM_NULL)
		return true;
	ck_assert_int_eq(j->t, JM_ARR);
	*p = malloc((j->n ? j->n : 1) * H);
	ck_assert_ptr_nonnull(*p);
	for (i = 0; i < j->n; i++) {
		b64_hash(&j->v[i], raw, &len, &ok);
		if (!ok)
			return false;
		memcpy((*p)[i], raw, H);
	}
	*n = j->n;
	return true;
}

static unsigned probes_run, probes_ok, probes_fail;

static void run_probe(const char *path, bool inclusion)
{
	unsigned char *text = NULL, (*proof)[H] = NULL, root[H], root2[H], leaf[H], raw[64];
	size_t tlen, nproof, len;
	struct jm doc;
	bool want_err, ok, proof_ok;
	int rc = ET_EVERIFY;

	ck_assert_int_eq(et_read_file(path, 1u << 20, &text, &tlen), ET_OK);
	ck_assert_msg(jm_parse((const char *)text, tlen, &doc) == 0, "bad JSON %s", path);
	ck_assert_ptr_nonnull(jm_get(&doc, "wantErr"));
	want_err = jm_get(&doc, "wantErr")->b;
	proof_ok = proof_arg(jm_get(&doc, "proof"), &proof, &nproof);
	if (inclusion) {
		const struct jm *idx = jm_get(&doc, "leafIdx"), *size = jm_get(&doc, "treeSize");
		ck_assert(idx && idx->t == JM_NUM && size && size->t == JM_NUM);
		b64_hash(jm_get(&doc, "leafHash"), raw, &len, &ok);
		memcpy(leaf, raw, H);
		root_arg(jm_get(&doc, "root"), root);
		if (ok && proof_ok)
			rc = audit_verify_inclusion(idx->num, size->num, leaf,
						    (const unsigned char (*)[H])proof, nproof, root);
	} else {
		const struct jm *s1 = jm_get(&doc, "size1"), *s2 = jm_get(&doc, "size2");
		ck_assert(s1 && s1->t == JM_NUM && s2 && s2->t == JM_NUM);
		root_arg(jm_get(&doc, "root1"), root);
		root_arg(jm_get(&doc, "root2"), root2);
		if (proof_ok)
			rc = audit_verify_consistency(s1->num, s2->num, root, root2,
						      (const unsigned char (*)[H])proof, nproof);
	}
	ck_assert_msg(rc == ET_OK || rc == ET_EVERIFY, "%s: rc %d", path, rc);
	ck_assert_msg((rc != ET_OK) == want_err, "%s: got %s, want %s", path,
		      rc == ET_OK ? "ok" : "error", want_err ? "error" : "ok");
	probes_run++;
	if (want_err)
		probes_fail++;
	else
		probes_ok++;
	free(proof);
	jm_free(&doc);
	free(text);
}

static void walk(const char *dir, bool inclusion)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		char sub[4096];
		struct stat st;
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		ck_assert_int_lt(snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name), (int)sizeof sub);
		ck_assert_int_eq(stat(sub, &st), 0);
		if (S_ISDIR(st.st_mode))
			walk(sub, inclusion);
		else if (n > 5 && !strcmp(e->d_name + n - 5, ".json"))
			run_probe(sub, inclusion);
	}
	closedir(d);
}

START_TEST(probes_inclusion)
{
	char dir[4096];

	probes_run = probes_ok = probes_fail = 0;
	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s/merkle/testdata/inclusion", vectors_dir()),
			 (int)sizeof dir);
	walk(dir, true);
	printf("inclusion probes: %u (%u valid, %u invalid)\n", probes_run, probes_ok, probes_fail);
	ck_assert_uint_ge(probes_run, 90);
	ck_assert_uint_ge(probes_ok, 5);
}
END_TEST

START_TEST(probes_consistency)
{
	char dir[4096];

	probes_run = probes_ok = probes_fail = 0;
	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s/merkle/testdata/consistency", vectors_dir()),
			 (int)sizeof dir);
	walk(dir, false);
	printf("consistency probes: %u (%u valid, %u invalid)\n", probes_run, probes_ok, probes_fail);
	ck_assert_uint_ge(probes_run, 90);
	ck_assert_uint_ge(probes_ok, 5);
}
END_TEST

/* ---- proofs of the reference tree (rfc6962-reference-tree.md) ------- */

START_TEST(reference_proofs)
{
	unsigned char lh[8][H], root[H], p[3][H];

	ref_leaf_hashes(lh);
	/* inclusion of leaf 5 (0-based) in size 8 */
	unhex("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", p[0], H);
	unhex("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", p[1], H);
	unhex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7", p[2], H);
	unhex(ref_roots[7], root, H);
	ck_assert_int_eq(audit_verify_inclusion(5, 8, lh[5], (const unsigned char (*)[H])p, 3, root),
			 ET_OK);
	ck_assert_int_eq(audit_verify_inclusion(4, 8, lh[5], (const unsigned char (*)[H])p, 3, root),
			 ET_EVERIFY);
	ck_assert_int_eq(audit_verify_inclusion(5, 8, lh[5], (const unsigned char (*)[H])p, 2, root),
			 ET_EVERIFY);
	/* consistency 6 -> 8 */
	unhex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", p[0], H);
	{
		unsigned char r6[H];
		unhex(ref_roots[5], r6, H);
		ck_assert_int_eq(audit_verify_consistency(6, 8, r6, root,
							  (const unsigned char (*)[H])p, 3), ET_OK);
		ck_assert_int_eq(audit_verify_consistency(6, 8, root, r6,
							  (const unsigned char (*)[H])p, 3), ET_EVERIFY);
		ck_assert_int_eq(audit_verify_consistency(0, 8, r6, root, NULL, 0), ET_EVERIFY);
		ck_assert_int_eq(audit_verify_consistency(8, 8, root, root, NULL, 0), ET_OK);
		ck_assert_int_eq(audit_verify_consistency(8, 6, root, r6, NULL, 0), ET_EVERIFY);
	}
}
END_TEST

/* ---- in-memory RFC 9162 transcription --------------------------------- */

static uint64_t kpow(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static void mth(const unsigned char (*lh)[H], uint64_t n, unsigned char out[H])
{
	unsigned char l[H], r[H];
	uint64_t k;

	if (n == 1) {
		memcpy(out, lh[0], H);
		return;
	}
	k = kpow(n);
	mth(lh, k, l);
	mth(lh + k, n - k, r);
	audit_node_hash(l, r, out);
}

/* PATH(m, D[n]) appended to p (RFC 9162 §2.1.3.1). */
static void path(const unsigned char (*lh)[H], uint64_t m, uint64_t n, unsigned char (*p)[H], size_t *np)
{
	uint64_t k;

	if (n == 1)
		return;
	k = kpow(n);
	if (m < k) {
		path(lh, m, k, p, np);
		mth(lh + k, n - k, p[(*np)++]);
	} else {
		path(lh + k, m - k, n - k, p, np);
		mth(lh, k, p[(*np)++]);
	}
}

/* SUBPROOF(m, D[n], b) (RFC 9162 §2.1.4.1). */
static void subproof(const unsigned char (*lh)[H], uint64_t m, uint64_t n, bool b,
		     unsigned char (*p)[H], size_t *np)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			mth(lh, n, p[(*np)++]);
		return;
	}
	k = kpow(n);
	if (m <= k) {
		subproof(lh, m, k, b, p, np);
		mth(lh + k, n - k, p[(*np)++]);
	} else {
		subproof(lh + k, m - k, n - k, false, p, np);
		mth(lh, k, p[(*np)++]);
	}
}

/* ---- the SQLite log --------------------------------------------------- */

struct tmpdb {
	char dir[256];
	char path[300];
	sqlite3 *db;
};

static void tmpdb_open(struct tmpdb *t)
{
	const char *base = getenv("TMPDIR");

	ck_assert_int_lt(snprintf(t->dir, sizeof t->dir, "%s/et-merkle-XXXXXX", base ? base : "/tmp"),
			 (int)sizeof t->dir);
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	ck_assert_int_lt(snprintf(t->path, sizeof t->path, "%s/log.db", t->dir), (int)sizeof t->path);
	ck_assert_int_eq(sqlite3_open(t->path, &t->db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(t->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
}

static void tmpdb_close(struct tmpdb *t)
{
	char p[320];

	sqlite3_close(t->db);
	unlink(t->path);
	ck_assert_int_lt(snprintf(p, sizeof p, "%s-wal", t->path), (int)sizeof p);
	unlink(p);
	ck_assert_int_lt(snprintf(p, sizeof p, "%s-shm", t->path), (int)sizeof p);
	unlink(p);
	rmdir(t->dir);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
	sqlite3_free(err);
}

static void exec_fails(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	ck_assert_msg(rc != SQLITE_OK, "should fail: %s", sql);
	sqlite3_free(err);
}

/* Leaf i of the test logs: varying lengths, all distinct, leaf 0 empty. */
static size_t test_leaf(uint64_t i, unsigned char *buf)
{
	size_t n = i ? (size_t)(1 + i * 7 % 40) : 0, j;

	for (j = 0; j < n; j++)
		buf[j] = (unsigned char)(i * 31 + j);
	if (n)
		buf[0] = (unsigned char)i;
	return n;
}

#define NLEAF 70

START_TEST(log_matches_reference)
{
	struct tmpdb t;
	struct audit_log *log = NULL;
	unsigned char lh[NLEAF][H], buf[64], root[H], eroot[H], ref[2 * 64][H];
	unsigned char (*proof)[H] = NULL;
	uint64_t i, m, n, idx;
	size_t np, nref, len;
	unsigned nchecked = 0;

	tmpdb_open(&t);
	ck_assert_int_eq(audit_log_open(t.db, &log), ET_OK);
	ck_assert_uint_eq(audit_log_size(log), 0);
	ck_assert_int_eq(audit_log_root(log, 0, root), ET_OK);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", eroot, H);
	ck_assert_mem_eq(root, eroot, H);
	/* several transactions, so the frontier crosses commits */
	for (i = 0; i < NLEAF; i++) {
		if (i % 17 == 0)
			exec_ok(t.db, "BEGIN");
		len = test_leaf(i, buf);
		audit_leaf_hash(buf, len, lh[i]);
		ck_assert_int_eq(audit_log_append(log, buf, len, &idx), ET_OK);
		ck_assert_uint_eq(idx, i);
		if (i % 17 == 16 || i == NLEAF - 1)
			exec_ok(t.db, "COMMIT");
	}
	ck_assert_uint_eq(audit_log_size(log), NLEAF);
	for (n = 1; n <= NLEAF; n++) {
		ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, n, eroot), ET_OK);
		ck_assert_int_eq(audit_log_root(log, n, root), ET_OK);
		ck_assert_mem_eq(root, eroot, H);
		for (m = 0; m < n; m++) {
			ck_assert_int_eq(audit_log_inclusion_proof(log, m, n, &proof, &np), ET_OK);
			nref = 0;
			path((const unsigned char (*)[H])lh, m, n, ref, &nref);
			ck_assert_uint_eq(np, nref);
			if (np)
				ck_assert_mem_eq(proof, ref, np * H);
			ck_assert_int_eq(audit_verify_inclusion(m, n, lh[m], (const unsigned char (*)[H])proof,
								np, root), ET_OK);
			if (n > 1)
				ck_assert_int_eq(audit_verify_inclusion(m, n, lh[(m + 1) % n],
									(const unsigned char (*)[H])proof,
									np, root), ET_EVERIFY);
			free(proof);
			proof = NULL;
			nchecked++;
		}
		for (m = 1; m <= n; m++) {
			unsigned char r1[H];
			ck_assert_int_eq(audit_log_root(log, m, r1), ET_OK);
			ck_assert_int_eq(audit_log_consistency_proof(log, m, n, &proof, &np), ET_OK);
			nref = 0;
			if (m < n)
				subproof((const unsigned char (*)[H])lh, m, n, true, ref, &nref);
			ck_assert_uint_eq(np, nref);
			if (np)
				ck_assert_mem_eq(proof, ref, np * H);
			ck_assert_int_eq(audit_verify_consistency(m, n, r1, root,
								  (const unsigned char (*)[H])proof, np), ET_OK);
			if (m < n) {
				r1[0] ^= 1;
				ck_assert_int_eq(audit_verify_consistency(m, n, r1, root,
									  (const unsigned char (*)[H])proof,
									  np), ET_EVERIFY);
			}
			free(proof);
			proof = NULL;
			nchecked++;
		}
	}
	printf("log proofs checked against the reference: %u\n", nchecked);
	/* leaves and leaf hashes read back */
	for (i = 0; i < NLEAF; i++) {
		unsigned char *l = NULL, h[H];
		size_t ll;
		ck_assert_int_eq(audit_log_leaf(log, i, &l, &ll), ET_OK);
		len = test_leaf(i, buf);
		ck_assert_uint_eq(ll, len);
		if (len)
			ck_assert_mem_eq(l, buf, len);
		free(l);
		ck_assert_int_eq(audit_log_leaf_hash(log, i, h), ET_OK);
		ck_assert_mem_eq(h, lh[i], H);
	}
	/* bad arguments */
	ck_assert_int_eq(audit_log_root(log, NLEAF + 1, root), ET_EINVAL);
	ck_assert_int_eq(audit_log_inclusion_proof(log, 5, 5, &proof, &np), ET_EINVAL);
	ck_assert_ptr_null(proof);
	ck_assert_int_eq(audit_log_inclusion_proof(log, 0, NLEAF + 1, &proof, &np), ET_EINVAL);
	ck_assert_int_eq(audit_log_consistency_proof(log, 6, 5, &proof, &np), ET_EINVAL);
	ck_assert_int_eq(audit_log_consistency_proof(log, 1, NLEAF + 1, &proof, &np), ET_EINVAL);
	ck_assert_int_eq(audit_log_consistency_proof(log, 0, 5, &proof, &np), ET_OK);
	ck_assert_uint_eq(np, 0);
	free(proof);
	{
		unsigned char *l = NULL, h[H];
		size_t ll;
		ck_assert_int_eq(audit_log_leaf(log, NLEAF, &l, &ll), ET_EINVAL);
		ck_assert_int_eq(audit_log_leaf_hash(log, NLEAF, h), ET_EINVAL);
	}
	/* outside a transaction: refused */
	ck_assert_int_eq(audit_log_append(log, "x", 1, &idx), ET_ESTATE);
	/* reopen: same size and root */
	ck_assert_int_eq(audit_log_root(log, NLEAF, eroot), ET_OK);
	audit_log_close(log);
	ck_assert_int_eq(audit_log_open(t.db, &log), ET_OK);
	ck_assert_uint_eq(audit_log_size(log), NLEAF);
	ck_assert_int_eq(audit_log_root(log, NLEAF, root), ET_OK);
	ck_assert_mem_eq(root, eroot, H);
	ck_assert_int_eq(audit_log_recompute_root(log, NLEAF, root), ET_OK);
	ck_assert_mem_eq(root, eroot, H);
	/* after reopening (node cache loaded from log_node) proofs still match */
	for (n = 1; n <= NLEAF; n += 3) {
		ck_assert_int_eq(audit_log_root(log, n, root), ET_OK);
		for (m = 0; m < n; m += 2) {
			ck_assert_int_eq(audit_log_inclusion_proof(log, m, n, &proof, &np), ET_OK);
			nref = 0;
			path((const unsigned char (*)[H])lh, m, n, ref, &nref);
			ck_assert_uint_eq(np, nref);
			if (np)
				ck_assert_mem_eq(proof, ref, np * H);
			free(proof);
			proof = NULL;
		}
	}
	audit_log_close(log);
	tmpdb_close(&t);
}
END_TEST

/* Rolled-back appends leave no trace in roots or proofs, also in the
 * in-memory caches: commit 40, roll back 30, append 30 others. */
START_TEST(rollback_then_regrow)
{
	struct tmpdb t;
	struct audit_log *log = NULL;
	unsigned char lh[NLEAF][H], buf[64], root[H], eroot[H], ref[64][H];
	unsigned char (*proof)[H] = NULL;
	uint64_t i, m, n, idx;
	size_t len, np, nref;

	tmpdb_open(&t);
	ck_assert_int_eq(audit_log_open(t.db, &log), ET_OK);
	exec_ok(t.db, "BEGIN");
	for (i = 0; i < 40; i++) {
		len = test_leaf(i, buf);
		audit_leaf_hash(buf, len, lh[i]);
		ck_assert_int_eq(audit_log_append(log, buf, len, &idx), ET_OK);
	}
	exec_ok(t.db, "COMMIT");
	exec_ok(t.db, "BEGIN");
	for (i = 40; i < NLEAF; i++)
		ck_assert_int_eq(audit_log_append(log, "other", 5, &idx), ET_OK);
	exec_ok(t.db, "ROLLBACK");
	ck_assert_int_eq(audit_log_resync(log), ET_OK);
	ck_assert_uint_eq(audit_log_size(log), 40);
	exec_ok(t.db, "BEGIN");
	for (i = 40; i < NLEAF; i++) {
		len = test_leaf(i, buf);
		audit_leaf_hash(buf, len, lh[i]);
		ck_assert_int_eq(audit_log_append(log, buf, len, &idx), ET_OK);
		ck_assert_uint_eq(idx, i);
	}
	exec_ok(t.db, "COMMIT");
	for (n = 1; n <= NLEAF; n++) {
		ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, n, eroot), ET_OK);
		ck_assert_int_eq(audit_log_root(log, n, root), ET_OK);
		ck_assert_mem_eq(root, eroot, H);
		for (m = 0; m < n; m++) {
			ck_assert_int_eq(audit_log_inclusion_proof(log, m, n, &proof, &np), ET_OK);
			nref = 0;
			path((const unsigned char (*)[H])lh, m, n, ref, &nref);
			ck_assert_uint_eq(np, nref);
			if (np)
				ck_assert_mem_eq(proof, ref, np * H);
			free(proof);
			proof = NULL;
		}
	}
	audit_log_close(log);
	tmpdb_close(&t);
}
END_TEST

START_TEST(rollback_and_resync)
{
	struct tmpdb t;
	struct audit_log *log = NULL;
	unsigned char r5[H], r[H], lh[6][H], buf[64];
	uint64_t i, idx;
	size_t len;

	tmpdb_open(&t);
	ck_assert_int_eq(audit_log_open(t.db, &log), ET_OK);
	exec_ok(t.db, "BEGIN");
	for (i = 0; i < 5; i++) {
		len = test_leaf(i, buf);
		audit_leaf_hash(buf, len, lh[i]);
		ck_assert_int_eq(audit_log_append(log, buf, len, &idx), ET_OK);
	}
	exec_ok(t.db, "COMMIT");
	ck_assert_int_eq(audit_log_root(log, 5, r5), ET_OK);
	/* a batch rolled back entirely */
	exec_ok(t.db, "BEGIN");
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(audit_log_append(log, "junk", 4, &idx), ET_OK);
	ck_assert_uint_eq(audit_log_size(log), 45);
	exec_ok(t.db, "ROLLBACK");
	/* forgetting the resync cannot corrupt the log: the next index would
	 * leave a gap, which the trigger refuses */
	exec_ok(t.db, "BEGIN");
	ck_assert_int_eq(audit_log_append(log, "late", 4, &idx), ET_EDB);
	exec_ok(t.db, "ROLLBACK");
	ck_assert_int_eq(audit_log_resync(log), ET_OK);
	ck_assert_uint_eq(audit_log_size(log), 5);
	ck_assert_int_eq(audit_log_root(log, 5, r), ET_OK);
	ck_assert_mem_eq(r, r5, H);
	/* a savepoint rolled back inside a committed transaction */
	exec_ok(t.db, "BEGIN");
	exec_ok(t.db, "SAVEPOINT cmd");
	ck_assert_int_eq(audit_log_append(log, "junk", 4, &idx), ET_OK);
	ck_assert_int_eq(audit_log_append(log, "junk", 4, &idx), ET_OK);
	exec_ok(t.db, "ROLLBACK TO cmd");
	exec_ok(t.db, "RELEASE cmd");
	ck_assert_int_eq(audit_log_resync(log), ET_OK);
	len = test_leaf(5, buf);
	audit_leaf_hash(buf, len, lh[5]);
	ck_assert_int_eq(audit_log_append(log, buf, len, &idx), ET_OK);
	ck_assert_uint_eq(idx, 5);
	exec_ok(t.db, "COMMIT");
	ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, 6, r5), ET_OK);
	ck_assert_int_eq(audit_log_root(log, 6, r), ET_OK);
	ck_assert_mem_eq(r, r5, H);
	ck_assert_int_eq(audit_log_recompute_root(log, 6, r), ET_OK);
	ck_assert_mem_eq(r, r5, H);
	/* too long a leaf */
	{
		unsigned char *big = calloc(1, ET_LEAF_MAX_LEN + 1);
		ck_assert_ptr_nonnull(big);
		exec_ok(t.db, "BEGIN");
		ck_assert_int_eq(audit_log_append(log, big, ET_LEAF_MAX_LEN + 1, &idx), ET_ELIMIT);
		ck_assert_int_eq(audit_log_append(log, big, ET_LEAF_MAX_LEN, &idx), ET_OK);
		exec_ok(t.db, "ROLLBACK");
		ck_assert_int_eq(audit_log_resync(log), ET_OK);
		free(big);
	}
	audit_log_close(log);
	tmpdb_close(&t);
}
END_TEST

START_TEST(triggers_reject_changes)
{
	struct tmpdb t;
	struct audit_log *log = NULL;
	unsigned char r[H], r2[H];
	uint64_t i, idx;

	tmpdb_open(&t);
	ck_assert_int_eq(audit_log_open(t.db, &log), ET_OK);
	exec_ok(t.db, "BEGIN");
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(audit_log_append(log, &i, sizeof i, &idx), ET_OK);
	exec_ok(t.db, "COMMIT");
	ck_assert_int_eq(audit_log_root(log, 8, r), ET_OK);
	exec_fails(t.db, "UPDATE log_leaf SET leaf = x'00' WHERE idx = 3");
	exec_fails(t.db, "UPDATE log_leaf SET hash = hash WHERE idx = 3");
	exec_fails(t.db, "DELETE FROM log_leaf WHERE idx = 7");
	exec_fails(t.db, "DELETE FROM log_leaf");
	exec_fails(t.db, "UPDATE log_node SET hash = x'00' WHERE level = 1");
	exec_fails(t.db, "DELETE FROM log_node WHERE level = 3");
	exec_fails(t.db, "INSERT OR REPLACE INTO log_leaf(idx, leaf, hash) VALUES (2, x'01', x'02')");
	exec_fails(t.db, "REPLACE INTO log_node(level, idx, hash) VALUES (1, 0, x'02')");
	exec_fails(t.db, "INSERT INTO log_leaf(idx, leaf, hash) VALUES (10, x'01', x'02')");
	exec_fails(t.db, "INSERT INTO log_leaf(idx, leaf, hash) VALUES (-1, x'01', x'02')");
	ck_assert_int_eq(audit_log_resync(log), ET_OK);
	ck_assert_uint_eq(audit_log_size(log), 8);
	ck_assert_int_eq(audit_log_root(log, 8, r2), ET_OK);
	ck_assert_mem_eq(r, r2, H);
	ck_assert_int_eq(audit_log_recompute_root(log, 8, r2), ET_OK);
	ck_assert_mem_eq(r, r2, H);
	audit_log_close(log);
	tmpdb_close(&t);
}
END_TEST

START_TEST(tamper_detected)
{
	struct tmpdb t;
	struct audit_log *log = NULL;
	sqlite3 *evil = NULL;
	unsigned char r[H], r2[H], h[H], *leaf = NULL;
	unsigned char (*proof)[H] = NULL;
	size_t np, len;
	uint64_t i, idx;

	tmpdb_open(&t);
	ck_assert_int_eq(audit_log_open(t.db, &log), ET_OK);
	exec_ok(t.db, "BEGIN");
	for (i = 0; i < 13; i++)
		ck_assert_int_eq(audit_log_append(log, &i, sizeof i, &idx), ET_OK);
	exec_ok(t.db, "COMMIT");
	ck_assert_int_eq(audit_log_root(log, 13, r), ET_OK); /* the signed checkpoint's root */
	/* the database administrator drops the triggers on another connection
	 * and rewrites leaf 6 */
	ck_assert_int_eq(sqlite3_open(t.path, &evil), SQLITE_OK);
	exec_ok(evil, "DROP TRIGGER log_leaf_no_update");
	exec_ok(evil, "UPDATE log_leaf SET leaf = x'deadbeef' WHERE idx = 6");
	sqlite3_close(evil);
	/* stored hashes still give the old root, but recomputing from the
	 * leaves does not */
	ck_assert_int_eq(audit_log_recompute_root(log, 13, r2), ET_OK);
	ck_assert_mem_ne(r, r2, H);
	ck_assert_int_eq(audit_log_leaf(log, 6, &leaf, &len), ET_OK);
	audit_leaf_hash(leaf, len, h);
	free(leaf);
	ck_assert_int_eq(audit_verify_inclusion(6, 13, h, NULL, 0, r), ET_EVERIFY);
	ck_assert_int_eq(audit_log_inclusion_proof(log, 6, 13, &proof, &np), ET_OK);
	ck_assert_int_eq(audit_verify_inclusion(6, 13, h, (const unsigned char (*)[H])proof, np, r),
			 ET_EVERIFY);
	free(proof);
	/* rewriting the stored hash too: the stored nodes no longer agree */
	ck_assert_int_eq(sqlite3_open(t.path, &evil), SQLITE_OK);
	{
		char sql[256];
		char hex[2 * H + 1];
		et_hex_encode(h, H, hex);
		ck_assert_int_lt(snprintf(sql, sizeof sql,
					  "UPDATE log_leaf SET hash = x'%s' WHERE idx = 6", hex),
				 (int)sizeof sql);
		exec_ok(evil, sql);
	}
	sqlite3_close(evil);
	ck_assert_int_eq(audit_log_recompute_root(log, 13, r2), ET_OK);
	ck_assert_mem_ne(r, r2, H);
	/* root of 7 leaves is built from leaves 6 and the stored level-1/2 nodes */
	ck_assert_int_eq(audit_log_root(log, 7, r2), ET_OK);
	{
		unsigned char lh[7][H], e[H];
		for (i = 0; i < 7; i++)
			audit_leaf_hash(&i, sizeof i, lh[i]);
		ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, 7, e), ET_OK);
		ck_assert_mem_ne(r2, e, H); /* differs from the honest root of 7 */
	}
	/* a deleted leaf is a gap */
	ck_assert_int_eq(sqlite3_open(t.path, &evil), SQLITE_OK);
	exec_ok(evil, "DROP TRIGGER log_leaf_no_delete");
	exec_ok(evil, "DELETE FROM log_leaf WHERE idx = 2");
	sqlite3_close(evil);
	ck_assert_int_eq(audit_log_recompute_root(log, 13, r2), ET_EVERIFY);
	/* an inclusion proof reads the 16 leaf hashes of its index's group
	 * with one range scan: a gap there is storage damage, in any group */
	exec_ok(t.db, "BEGIN");
	for (i = 13; i < 40; i++)
		ck_assert_int_eq(audit_log_append(log, &i, sizeof i, &idx), ET_OK);
	exec_ok(t.db, "COMMIT");
	ck_assert_int_eq(audit_log_inclusion_proof(log, 7, 40, &proof, &np), ET_EDB);
	ck_assert_ptr_null(proof);
	ck_assert_int_eq(audit_log_inclusion_proof(log, 20, 40, &proof, &np), ET_OK);
	free(proof);
	proof = NULL;
	ck_assert_int_eq(sqlite3_open(t.path, &evil), SQLITE_OK);
	exec_ok(evil, "DELETE FROM log_leaf WHERE idx = 31");
	sqlite3_close(evil);
	ck_assert_int_eq(audit_log_inclusion_proof(log, 20, 40, &proof, &np), ET_EDB);
	ck_assert_int_eq(audit_log_inclusion_proof(log, 35, 40, &proof, &np), ET_OK);
	free(proof);
	audit_log_close(log);
	tmpdb_close(&t);
}
END_TEST

/* A second connection that follows the log with audit_log_resync (which
 * loads only the nodes completed since its last resync) serves the same
 * roots and proofs as the reference and as a log opened afresh (full
 * load), through growth by 1, by odd amounts, across many levels; a node
 * missing from the new range is reported. */
#define NGROW 600
START_TEST(incremental_resync)
{
	struct tmpdb t;
	struct audit_log *w = NULL, *r = NULL, *fresh = NULL;
	sqlite3 *rdb = NULL, *evil = NULL;
	static unsigned char lh[NGROW + 64][H];
	unsigned char buf[64], root[H], eroot[H], ref[64][H];
	unsigned char (*proof)[H] = NULL, (*proof2)[H] = NULL;
	static const unsigned steps[] = { 1, 1, 2, 13, 16, 17, 1, 64, 100, 31, 33, 128, 1, 192 };
	uint64_t i = 0, m, n, idx;
	size_t len, np, np2, nref, k;

	tmpdb_open(&t);
	ck_assert_int_eq(audit_log_open(t.db, &w), ET_OK);
	ck_assert_int_eq(sqlite3_open(t.path, &rdb), SQLITE_OK);
	ck_assert_int_eq(audit_log_open(rdb, &r), ET_OK);
	for (k = 0; k < sizeof steps / sizeof steps[0]; k++) {
		exec_ok(t.db, "BEGIN");
		for (unsigned j = 0; j < steps[k]; j++, i++) {
			len = test_leaf(i, buf);
			audit_leaf_hash(buf, len, lh[i]);
			ck_assert_int_eq(audit_log_append(w, buf, len, &idx), ET_OK);
		}
		exec_ok(t.db, "COMMIT");
		ck_assert_int_eq(audit_log_resync(r), ET_OK);
		ck_assert_uint_eq(audit_log_size(r), i);
		ck_assert_int_eq(audit_log_open(rdb, &fresh), ET_OK);
		for (n = 1; n <= i; n += 1 + n / 4) {
			ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, n, eroot), ET_OK);
			ck_assert_int_eq(audit_log_root(r, n, root), ET_OK);
			ck_assert_mem_eq(root, eroot, H);
			for (m = 0; m < n; m += 1 + n / 8) {
				ck_assert_int_eq(audit_log_inclusion_proof(r, m, n, &proof, &np), ET_OK);
				ck_assert_int_eq(audit_log_inclusion_proof(fresh, m, n, &proof2, &np2), ET_OK);
				nref = 0;
				path((const unsigned char (*)[H])lh, m, n, ref, &nref);
				ck_assert_uint_eq(np, nref);
				ck_assert_uint_eq(np2, nref);
				if (np) {
					ck_assert_mem_eq(proof, ref, np * H);
					ck_assert_mem_eq(proof2, ref, np * H);
				}
				free(proof);
				free(proof2);
				proof = proof2 = NULL;
			}
		}
		audit_log_close(fresh);
		fresh = NULL;
	}
	ck_assert_uint_eq(i, NGROW);
	/* a resync without growth changes nothing */
	ck_assert_int_eq(audit_log_resync(r), ET_OK);
	ck_assert_int_eq(audit_log_root(r, 300, root), ET_OK);
	ck_assert_int_eq(audit_root_of((const unsigned char (*)[H])lh, 300, eroot), ET_OK);
	ck_assert_mem_eq(root, eroot, H);
	/* grow by 64, then remove one of the new level-4 nodes behind the
	 * triggers' back: the incremental load notices the gap */
	exec_ok(t.db, "BEGIN");
	for (unsigned j = 0; j < 64; j++, i++)
		ck_assert_int_eq(audit_log_append(w, "more", 4, &idx), ET_OK);
	exec_ok(t.db, "COMMIT");
	ck_assert_int_eq(sqlite3_open(t.path, &evil), SQLITE_OK);
	exec_ok(evil, "DROP TRIGGER log_node_no_delete");
	exec_ok(evil, "DELETE FROM log_node WHERE level = 4 AND idx = 38");
	sqlite3_close(evil);
	ck_assert_int_eq(audit_log_resync(r), ET_EDB);
	audit_log_close(r);
	audit_log_close(w);
	sqlite3_close(rdb);
	tmpdb_close(&t);
}
END_TEST

static Suite *merkle_suite(void)
{
	Suite *s = suite_create("audit_merkle");
	TCase *tc = tcase_create("rfc9162");

	tcase_add_test(tc, hasher_vectors);
	tcase_add_test(tc, reference_roots);
	tcase_add_test(tc, reference_proofs);
	tcase_add_test(tc, probes_inclusion);
	tcase_add_test(tc, probes_consistency);
	suite_add_tcase(s, tc);
	tc = tcase_create("sqlite_log");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, log_matches_reference);
	tcase_add_test(tc, rollback_and_resync);
	tcase_add_test(tc, rollback_then_regrow);
	tcase_add_test(tc, triggers_reject_changes);
	tcase_add_test(tc, tamper_detected);
	tcase_add_test(tc, incremental_resync);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(merkle_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
