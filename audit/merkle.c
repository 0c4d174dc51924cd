/* audit/merkle.c — the RFC 9162 Merkle tree: hashing, proof verification
 * (§2.1.3.2, §2.1.4.2), and the append-only log stored in SQLite with the
 * hash of every complete perfect subtree, so that roots and proofs for any
 * size cost O(log n) row lookups.
 *
 * Storage. log_leaf(idx, hash, leaf) holds leaf i and its leaf hash (the
 * level-0 subtree; hash first so that reading it never touches the
 * overflow pages of a long leaf). log_node(level, idx, hash), level >= 1,
 * holds the hash of the perfect subtree covering leaves
 * [idx·2^level, (idx+1)·2^level), written by the append that completes it. Both tables are append-only: triggers
 * reject UPDATE, DELETE and any INSERT that would overwrite a row or leave a
 * gap (INSERT OR REPLACE does not fire DELETE triggers, so it is caught at
 * INSERT time).
 *
 * Invariants of struct audit_log (between calls):
 *   size     = number of rows of log_leaf as seen by this connection;
 *   frontier[L] for every bit L set in size = hash of the perfect subtree at
 *              level L that the binary decomposition of [0, size) puts there
 *              (the "compact range" of the tree). The root of the whole log
 *              and each append need only the frontier.
 *   cache[L][i] for L >= CACHE_MIN_LEVEL and i < size_cached >> L = the
 *              stored node (L, i) (entries past that are stale).
 * Appends change the struct before the caller's transaction commits; after a
 * rollback the caller calls audit_log_resync(), which rereads the size and
 * the frontier and keeps the cache (a rollback removes whole appends). When
 * the log grew (another connection appended), resync loads only the nodes
 * completed since the cache was last whole: O(new leaves / 2^CACHE_MIN_LEVEL)
 * rows, not the whole cache. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "crypto/crypto.h"

/* ---- RFC 9162 hashing ------------------------------------------------ */

void audit_leaf_hash(const void *leaf, size_t len, unsigned char out[AUDIT_HASH_LEN])
{
	unsigned char buf[1024];
	struct crypto_sha256 *h;
	static const unsigned char zero = 0x00;

	if (len < sizeof buf) {
		buf[0] = 0x00;
		if (len)
			memcpy(buf + 1, leaf, len);
		crypto_sha256(buf, len + 1, out);
		return;
	}
	h = crypto_sha256_new();
	if (!h)
		abort(); /* a void hash function has no way to report ENOMEM */
	crypto_sha256_update(h, &zero, 1);
	crypto_sha256_update(h, leaf, len);
	crypto_sha256_final(h, out);
}

void audit_node_hash(const unsigned char left[AUDIT_HASH_LEN],
		     const unsigned char right[AUDIT_HASH_LEN], unsigned char out[AUDIT_HASH_LEN])
{
	unsigned char buf[1 + 2 * AUDIT_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, AUDIT_HASH_LEN);
	memcpy(buf + 1 + AUDIT_HASH_LEN, right, AUDIT_HASH_LEN);
	crypto_sha256(buf, sizeof buf, out);
}

/* ---- the reusable SHA-256 context (audit_int.h) ---------------------- */

int audit_sha_init(struct audit_sha *h)
{
	return crypto_hasher_new(&h->h);
}

void audit_sha_free(struct audit_sha *h)
{
	crypto_hasher_free(h->h);
	h->h = NULL;
}

void audit_sha_leaf(struct audit_sha *h, const void *leaf, size_t len,
		    unsigned char out[AUDIT_HASH_LEN])
{
	static const unsigned char zero = 0x00;

	crypto_hasher_sha256(h->h, &zero, 1, leaf, len, out);
}

void audit_sha_node(struct audit_sha *h, const unsigned char left[AUDIT_HASH_LEN],
		    const unsigned char right[AUDIT_HASH_LEN], unsigned char out[AUDIT_HASH_LEN])
{
	unsigned char buf[1 + 2 * AUDIT_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, AUDIT_HASH_LEN);
	memcpy(buf + 1 + AUDIT_HASH_LEN, right, AUDIT_HASH_LEN);
	crypto_hasher_sha256(h->h, buf, sizeof buf, NULL, 0, out);
}

/* Node hash through h if there is one. */
static void node_hash(struct audit_sha *h, const unsigned char left[AUDIT_HASH_LEN],
		      const unsigned char right[AUDIT_HASH_LEN], unsigned char out[AUDIT_HASH_LEN])
{
	if (h)
		audit_sha_node(h, left, right, out);
	else
		audit_node_hash(left, right, out);
}

/* Fold the frontier of a tree of n leaves (frontier[L] set for each bit L
 * of n) into its root: right to left, lowest level first. n > 0. */
static void fold_frontier(struct audit_sha *h, const unsigned char (*frontier)[AUDIT_HASH_LEN],
			  uint64_t n, unsigned char root[AUDIT_HASH_LEN])
{
	unsigned L;
	bool have = false;

	for (L = 0; L < 64; L++) {
		if (!(n >> L & 1))
			continue;
		if (!have) {
			memcpy(root, frontier[L], AUDIT_HASH_LEN);
			have = true;
		} else {
			node_hash(h, frontier[L], root, root);
		}
	}
}

/* Push one more leaf hash onto a frontier of n leaves. */
static void frontier_push(struct audit_sha *h, unsigned char (*frontier)[AUDIT_HASH_LEN], uint64_t n,
			  const unsigned char leaf_hash[AUDIT_HASH_LEN])
{
	unsigned char cur[AUDIT_HASH_LEN];
	unsigned L = 0;

	memcpy(cur, leaf_hash, AUDIT_HASH_LEN);
	while (n >> L & 1) {
		node_hash(h, frontier[L], cur, cur);
		L++;
	}
	memcpy(frontier[L], cur, AUDIT_HASH_LEN);
}

int audit_root_of(const unsigned char (*leaf_hashes)[AUDIT_HASH_LEN], uint64_t n,
		  unsigned char root[AUDIT_HASH_LEN])
{
	unsigned char frontier[64][AUDIT_HASH_LEN];
	struct audit_sha h = { NULL };
	uint64_t i;
	int rc;

	if (!root || (n && !leaf_hashes))
		return et_fail(ET_EINVAL);
	if (n == 0) {
		crypto_sha256("", 0, root);
		return ET_OK;
	}
	if ((rc = audit_sha_init(&h)))
		goto out;
	for (i = 0; i < n; i++)
		frontier_push(&h, frontier, i, leaf_hashes[i]);
	fold_frontier(&h, (const unsigned char (*)[AUDIT_HASH_LEN])frontier, n, root);
out:
	audit_sha_free(&h);
	return rc;
}

/* ---- RFC 9162 proof verification ------------------------------------- */

int audit_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf_hash[AUDIT_HASH_LEN],
			   const unsigned char (*proof)[AUDIT_HASH_LEN], size_t nproof,
			   const unsigned char root[AUDIT_HASH_LEN])
{
	unsigned char r[AUDIT_HASH_LEN];
	uint64_t fn, sn;
	size_t i;

	if (!leaf_hash || !root || (nproof && !proof))
		return ET_EVERIFY;
	/* 1. */
	if (index >= size)
		return ET_EVERIFY;
	/* 2., 3. */
	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, AUDIT_HASH_LEN);
	/* 4. */
	for (i = 0; i < nproof; i++) {
		if (sn == 0)
			return ET_EVERIFY;
		if ((fn & 1) || fn == sn) {
			audit_node_hash(proof[i], r, r);
			if (!(fn & 1)) {
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
			}
		} else {
			audit_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	if (sn != 0)
		return ET_EVERIFY;
	return crypto_ct_equal(r, root, AUDIT_HASH_LEN) ? ET_OK : ET_EVERIFY;
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int audit_verify_consistency(uint64_t size1, uint64_t size2, const unsigned char root1[AUDIT_HASH_LEN],
			     const unsigned char root2[AUDIT_HASH_LEN],
			     const unsigned char (*proof)[AUDIT_HASH_LEN], size_t nproof)
{
	unsigned char fr[AUDIT_HASH_LEN], sr[AUDIT_HASH_LEN];
	const unsigned char *c;
	uint64_t fn, sn;
	size_t i, first;

	if (!root1 || !root2 || (nproof && !proof))
		return ET_EVERIFY;
	if (size2 < size1 || size1 == 0)
		return ET_EVERIFY;
	if (size1 == size2) {
		if (nproof != 0)
			return ET_EVERIFY;
		return crypto_ct_equal(root1, root2, AUDIT_HASH_LEN) ? ET_OK : ET_EVERIFY;
	}
	/* 1. */
	if (nproof == 0)
		return ET_EVERIFY;
	/* 2. Prepending first_hash is done by reading path element 0 as
	 * root1 and shifting the proof by one. */
	first = is_pow2(size1) ? 0 : 1;
	/* 3. */
	fn = size1 - 1;
	sn = size2 - 1;
	/* 4. */
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	c = first == 0 ? root1 : proof[0];
	memcpy(fr, c, AUDIT_HASH_LEN);
	memcpy(sr, c, AUDIT_HASH_LEN);
	/* 6. */
	for (i = first; i < nproof; i++) {
		c = proof[i];
		if (sn == 0)
			return ET_EVERIFY;
		if ((fn & 1) || fn == sn) {
			audit_node_hash(c, fr, fr);
			audit_node_hash(c, sr, sr);
			if (!(fn & 1)) {
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
			}
		} else {
			audit_node_hash(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* 7. */
	if (sn != 0)
		return ET_EVERIFY;
	if (!crypto_ct_equal(fr, root1, AUDIT_HASH_LEN))
		return ET_EVERIFY;
	return crypto_ct_equal(sr, root2, AUDIT_HASH_LEN) ? ET_OK : ET_EVERIFY;
}

/* ---- the log in SQLite ----------------------------------------------- */

enum {
	ST_INS_LEAF,
	ST_INS_NODE,
	ST_GET_NODE,
	ST_GET_LEAF_HASH,
	ST_GET_LEAF,
	ST_MAX_IDX,
	ST_GET_NODES,
	ST_GET_GROUP,
	ST_READ_BEGIN,
	ST_READ_END,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INS_LEAF] = "INSERT INTO log_leaf(idx, hash, leaf) VALUES (?1, ?3, ?2)",
	[ST_INS_NODE] = "INSERT INTO log_node(level, idx, hash) VALUES (?1, ?2, ?3)",
	[ST_GET_NODE] = "SELECT hash FROM log_node WHERE level = ?1 AND idx = ?2",
	[ST_GET_LEAF_HASH] = "SELECT hash FROM log_leaf WHERE idx = ?1",
	[ST_GET_LEAF] = "SELECT leaf FROM log_leaf WHERE idx = ?1",
	[ST_MAX_IDX] = "SELECT max(idx) FROM log_leaf",
	[ST_GET_NODES] = "SELECT idx, hash FROM log_node WHERE level = ?1 AND idx >= ?2 AND idx < ?3"
			 " ORDER BY idx",
	[ST_GET_GROUP] = "SELECT idx, hash FROM log_leaf WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
	/* A savepoint opens a (deferred) read transaction when the caller has
	 * none, and nests cheaply when it has one: all lookups of one root or
	 * proof then share one snapshot and one file lock instead of taking
	 * the lock per statement (measured: about 3x faster proofs). */
	[ST_READ_BEGIN] = "SAVEPOINT audit_log_read",
	[ST_READ_END] = "RELEASE audit_log_read",
};

static const char schema_sql[] =
	/* hash before leaf: a leaf-hash lookup then reads only the start of
	 * the record, never the overflow pages of a long leaf */
	"CREATE TABLE IF NOT EXISTS log_leaf("
	" idx INTEGER PRIMARY KEY, hash BLOB NOT NULL, leaf BLOB NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS log_node("
	" level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
	" PRIMARY KEY(level, idx)) WITHOUT ROWID;\n"
	"CREATE TRIGGER IF NOT EXISTS log_leaf_no_update BEFORE UPDATE ON log_leaf"
	" BEGIN SELECT RAISE(ABORT, 'log_leaf is append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS log_leaf_no_delete BEFORE DELETE ON log_leaf"
	" BEGIN SELECT RAISE(ABORT, 'log_leaf is append-only'); END;\n"
	/* Only the next index may be inserted: no overwrite (INSERT OR
	 * REPLACE fires no DELETE trigger), no gap. max(idx) of an INTEGER
	 * PRIMARY KEY is one b-tree descent. */
	"CREATE TRIGGER IF NOT EXISTS log_leaf_next BEFORE INSERT ON log_leaf"
	" WHEN NEW.idx IS NOT (SELECT coalesce(max(idx) + 1, 0) FROM log_leaf)"
	" BEGIN SELECT RAISE(ABORT, 'log_leaf: only the next index may be appended'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS log_node_no_update BEFORE UPDATE ON log_node"
	" BEGIN SELECT RAISE(ABORT, 'log_node is append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS log_node_no_delete BEFORE DELETE ON log_node"
	" BEGIN SELECT RAISE(ABORT, 'log_node is append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS log_node_no_replace BEFORE INSERT ON log_node"
	" WHEN EXISTS (SELECT 1 FROM log_node WHERE level = NEW.level AND idx = NEW.idx)"
	" BEGIN SELECT RAISE(ABORT, 'log_node is append-only'); END;\n";

/* Subtrees of level >= CACHE_MIN_LEVEL are also kept in memory (32 bytes
 * per 2^CACHE_MIN_LEVEL leaves: 20 MB at 10 M leaves), so a proof reads at
 * most 2·CACHE_MIN_LEVEL low-level hashes from SQLite (CACHE_MIN_LEVEL for
 * a proof at the current size, whose right side is the frontier). */
#ifndef CACHE_MIN_LEVEL
#define CACHE_MIN_LEVEL 4
#endif
#define GROUP_LEAVES (1u << CACHE_MIN_LEVEL)

struct audit_log {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct audit_sha sha;
	uint64_t size;
	unsigned char frontier[64][AUDIT_HASH_LEN];
	/* cache[L][i] = node (L, i) for L >= CACHE_MIN_LEVEL and every
	 * i < size >> L (the complete subtrees of that level); room for
	 * cache_cap[L] entries. Entries past size >> L are stale. */
	unsigned char (*cache[64])[AUDIT_HASH_LEN];
	uint64_t cache_cap[64];
	bool cache_loaded;
	uint64_t size_cached; /* size when the cache was last known whole */
	/* The subtrees below CACHE_MIN_LEVEL inside one aligned group of
	 * GROUP_LEAVES leaves, for the inclusion proof being built: the leaf
	 * hashes read with one range scan (neighbouring rows, one or two
	 * pages) and the nodes above them hashed in memory, instead of one
	 * random b-tree lookup per level (log_leaf, then log_node at each
	 * level: at 10 M leaves each is a cold page). gnode[L][j] = subtree
	 * (L, (group << (CACHE_MIN_LEVEL - L)) + j). Valid inside one read
	 * savepoint only (group_valid). */
	unsigned char gnode[CACHE_MIN_LEVEL][GROUP_LEAVES][AUDIT_HASH_LEN];
	uint64_t group;
	bool group_valid;
};

/* Run a cached statement that returns one 32-byte blob (or no row). */
static int ET_MUST_CHECK fetch_hash(sqlite3_stmt *st, unsigned char out[AUDIT_HASH_LEN])
{
	int rc = ET_OK, src;

	src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		rc = et_fail(ET_ENOTFOUND);
		goto out;
	}
	if (src != SQLITE_ROW) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, 0) != AUDIT_HASH_LEN) {
		rc = et_fail(ET_EDB); /* the storage was altered */
		goto out;
	}
	memcpy(out, sqlite3_column_blob(st, 0), AUDIT_HASH_LEN);
out:
	sqlite3_reset(st);
	return rc;
}

/* Hash of the perfect subtree (level, idx) as stored in SQLite. */
static int ET_MUST_CHECK subtree_hash_db(struct audit_log *log, unsigned level, uint64_t idx,
			   unsigned char out[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st;
	int rc;

	if (level == 0) {
		st = log->st[ST_GET_LEAF_HASH];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
	} else {
		st = log->st[ST_GET_NODE];
		sqlite3_bind_int(st, 1, (int)level);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	}
	rc = fetch_hash(st, out);
	if (rc == ET_ENOTFOUND)
		rc = et_fail(ET_EDB); /* a complete subtree is missing: storage damaged */
	return rc;
}

/* Hash of the perfect subtree (level, idx), complete in the log (idx <
 * size >> level): from the frontier or the cache if there, else SQLite. */
static int ET_MUST_CHECK subtree_hash(struct audit_log *log, unsigned level, uint64_t idx,
			unsigned char out[AUDIT_HASH_LEN])
{
	assert(level < 64 && idx < log->size >> level);
	if ((log->size >> level & 1) && idx == (log->size >> level) - 1) {
		memcpy(out, log->frontier[level], AUDIT_HASH_LEN);
		return ET_OK;
	}
	if (level >= CACHE_MIN_LEVEL && log->cache_loaded) {
		memcpy(out, log->cache[level][idx], AUDIT_HASH_LEN);
		return ET_OK;
	}
	if (level < CACHE_MIN_LEVEL && log->group_valid &&
	    idx >> (CACHE_MIN_LEVEL - level) == log->group) {
		memcpy(out, log->gnode[level][idx & ((GROUP_LEAVES >> level) - 1)], AUDIT_HASH_LEN);
		return ET_OK;
	}
	return subtree_hash_db(log, level, idx, out);
}

/* Make room for cache[level][idx]. */
static int ET_MUST_CHECK cache_reserve(struct audit_log *log, unsigned level, uint64_t idx)
{
	unsigned char (*p)[AUDIT_HASH_LEN];
	uint64_t cap = log->cache_cap[level];

	if (idx < cap)
		return ET_OK;
	cap = cap ? cap : 16;
	while (cap <= idx)
		cap *= 2;
	if (cap > SIZE_MAX / AUDIT_HASH_LEN)
		return et_fail(ET_ENOMEM);
	p = realloc(log->cache[level], (size_t)cap * AUDIT_HASH_LEN);
	if (!p)
		return et_fail(ET_ENOMEM);
	log->cache[level] = p;
	log->cache_cap[level] = cap;
	return ET_OK;
}

/* Bring the cache from a log of `from` leaves (entries below from >> L
 * valid) to one of `to` leaves: load, level by level, only the nodes
 * [from >> L, to >> L) with one indexed range scan each. from = 0 is a full
 * load. On failure the cache is marked unloaded (the next load is full). */
static int ET_MUST_CHECK cache_load(struct audit_log *log, uint64_t from, uint64_t to)
{
	sqlite3_stmt *st = log->st[ST_GET_NODES];
	uint64_t want, got;
	unsigned L;
	int rc = ET_OK, src;

	assert(from <= to);
	log->cache_loaded = false;
	for (L = CACHE_MIN_LEVEL; L < 64 && (to >> L) > 0; L++) {
		got = from >> L;
		want = to >> L;
		if (got == want)
			continue;
		if ((rc = cache_reserve(log, L, want - 1)))
			goto out;
		sqlite3_bind_int(st, 1, (int)L);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)got);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)want);
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			sqlite3_int64 ix = sqlite3_column_int64(st, 0);
			if (ix < 0 || (uint64_t)ix != got ||
			    sqlite3_column_bytes(st, 1) != AUDIT_HASH_LEN) {
				rc = et_fail(ET_EDB); /* not what append writes: storage damaged */
				goto out;
			}
			memcpy(log->cache[L][got], sqlite3_column_blob(st, 1), AUDIT_HASH_LEN);
			got++;
		}
		if (src != SQLITE_DONE) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		sqlite3_reset(st);
		if (got != want) {
			rc = et_fail(ET_EDB); /* a complete subtree is missing */
			goto out;
		}
	}
	log->cache_loaded = true;
out:
	sqlite3_reset(st);
	return rc;
}

/* MTH(D[lo:hi]) for a range whose start lo is a multiple of the largest
 * power of two below hi - lo (every range met by RFC 9162's recursions):
 * fold the perfect subtrees of the binary decomposition of hi - lo, right
 * to left. hi <= log->size, lo < hi. */
static int ET_MUST_CHECK range_hash(struct audit_log *log, uint64_t lo, uint64_t hi,
		      unsigned char out[AUDIT_HASH_LEN])
{
	unsigned char parts[64][AUDIT_HASH_LEN];
	uint64_t n = hi - lo, pos = lo;
	unsigned np = 0, L;
	int rc;

	for (L = 64; L-- > 0;) {
		if (!(n >> L & 1))
			continue;
		rc = subtree_hash(log, L, pos >> L, parts[np]);
		if (rc)
			return rc;
		np++;
		pos += (uint64_t)1 << L;
	}
	memcpy(out, parts[np - 1], AUDIT_HASH_LEN);
	while (np-- > 1)
		audit_sha_node(&log->sha, parts[np - 1], out, out);
	return ET_OK;
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static int ET_MUST_CHECK read_begin(struct audit_log *log)
{
	sqlite3_stmt *st = log->st[ST_READ_BEGIN];
	int src = sqlite3_step(st);

	sqlite3_reset(st);
	return src == SQLITE_DONE ? ET_OK : et_fail(ET_EDB);
}

/* Load group g (complete in the log: (g + 1) * GROUP_LEAVES <= size) into
 * gnode, inside a read savepoint. */
static int ET_MUST_CHECK group_load(struct audit_log *log, uint64_t g)
{
	sqlite3_stmt *st = log->st[ST_GET_GROUP];
	uint64_t first = g << CACHE_MIN_LEVEL, n = 0;
	unsigned L, j;
	int rc = ET_OK, src;

	assert(first + GROUP_LEAVES <= log->size);
	log->group_valid = false;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)first);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(first + GROUP_LEAVES));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == GROUP_LEAVES || sqlite3_column_int64(st, 0) != (sqlite3_int64)(first + n) ||
		    sqlite3_column_bytes(st, 1) != AUDIT_HASH_LEN) {
			rc = et_fail(ET_EDB); /* storage damaged */
			goto out;
		}
		memcpy(log->gnode[0][n], sqlite3_column_blob(st, 1), AUDIT_HASH_LEN);
		n++;
	}
	if (src != SQLITE_DONE || n != GROUP_LEAVES) {
		rc = et_fail(ET_EDB); /* a leaf of a complete group is missing */
		goto out;
	}
	for (L = 1; L < CACHE_MIN_LEVEL; L++)
		for (j = 0; j < GROUP_LEAVES >> L; j++)
			audit_sha_node(&log->sha, log->gnode[L - 1][2 * j], log->gnode[L - 1][2 * j + 1],
				       log->gnode[L][j]);
	log->group = g;
	log->group_valid = true;
out:
	sqlite3_reset(st);
	return rc;
}

/* Ends the savepoint of read_begin; returns rc, or ET_EDB if rc was ET_OK
 * and the release failed. */
static int ET_MUST_CHECK read_end(struct audit_log *log, int rc)
{
	sqlite3_stmt *st = log->st[ST_READ_END];
	int src = sqlite3_step(st);

	log->group_valid = false; /* belongs to this snapshot */
	sqlite3_reset(st);
	if (src != SQLITE_DONE && rc == ET_OK)
		rc = et_fail(ET_EDB);
	return rc;
}

/* Read the size from SQLite and rebuild the frontier; the cache is kept if
 * the log only shrank (a rollback removes whole appends, and every subtree
 * complete in the smaller log was written by an append that survived),
 * extended by the new nodes if it grew (nodes are append-only), loaded
 * whole the first time or after a failed load. */
static int ET_MUST_CHECK load_state(struct audit_log *log)
{
	sqlite3_stmt *st = log->st[ST_MAX_IDX];
	uint64_t size = 0, pos = 0;
	unsigned L;
	int rc = ET_OK, src;

	rc = read_begin(log);
	if (rc)
		return rc;
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		sqlite3_int64 m = sqlite3_column_int64(st, 0);
		if (m < 0) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		size = (uint64_t)m + 1;
	}
	sqlite3_reset(st);
	log->size = 0; /* nothing is trusted until the reload completes */
	for (L = 64; L-- > 0;) {
		if (!(size >> L & 1))
			continue;
		rc = subtree_hash_db(log, L, pos >> L, log->frontier[L]);
		if (rc)
			goto out;
		pos += (uint64_t)1 << L;
	}
	if (!log->cache_loaded) {
		rc = cache_load(log, 0, size);
		if (rc)
			goto out;
	} else if (size > log->size_cached) {
		rc = cache_load(log, log->size_cached, size);
		if (rc)
			goto out;
	}
	log->size = size;
	log->size_cached = size;
out:
	sqlite3_reset(st);
	return read_end(log, rc);
}

/* Read-only open: every table and append-only trigger of schema_sql must
 * exist. ET_EVERIFY naming the first one missing. */
static int check_schema_present(sqlite3 *db)
{
	static const char *const names[] = {
		"log_leaf", "log_node", "log_leaf_no_update", "log_leaf_no_delete", "log_leaf_next",
		"log_node_no_update", "log_node_no_delete", "log_node_no_replace",
	};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = ET_OK;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return et_fail(ET_EDB);
	for (i = 0; i < sizeof names / sizeof names[0] && rc == ET_OK; i++) {
		sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			et_log(ET_LOG_ERROR,
			       "日志的只追加保护缺失 / the log's append-only guard is missing: %s", names[i]);
			rc = ET_EVERIFY;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int audit_log_open(sqlite3 *db, struct audit_log **out)
{
	struct audit_log *log = NULL;
	unsigned i;
	int rc = ET_OK;

	if (!db || !out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	log = calloc(1, sizeof *log);
	if (!log)
		return et_fail(ET_ENOMEM);
	log->db = db;
	if ((rc = audit_sha_init(&log->sha)))
		goto out;
	if (sqlite3_db_readonly(db, "main") == 1) {
		/* A verifier cannot create what is missing: a log without its
		 * tables or append-only triggers has been tampered with. */
		if ((rc = check_schema_present(db)))
			goto out;
	} else if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		et_log(ET_LOG_ERROR, "audit log schema: %s", sqlite3_errmsg(db));
		rc = et_fail(ET_EDB);
		goto out;
	}
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &log->st[i],
				       NULL) != SQLITE_OK) {
			et_log(ET_LOG_ERROR, "audit log prepare: %s", sqlite3_errmsg(db));
			rc = et_fail(ET_EDB);
			goto out;
		}
	}
	rc = load_state(log);
	if (rc)
		goto out;
	*out = log;
	log = NULL;
out:
	audit_log_close(log);
	return rc;
}

void audit_log_close(struct audit_log *log)
{
	unsigned i;

	if (!log)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(log->st[i]);
	for (i = 0; i < 64; i++)
		free(log->cache[i]);
	audit_sha_free(&log->sha);
	free(log);
}

uint64_t audit_log_size(const struct audit_log *log)
{
	return log ? log->size : 0;
}

static int ET_MUST_CHECK step_insert(sqlite3_stmt *st)
{
	int src = sqlite3_step(st);

	sqlite3_reset(st);
	return src == SQLITE_DONE ? ET_OK : et_fail(ET_EDB);
}

/* The blobs are bound SQLITE_STATIC: they live until the step returns, and
 * every call binds all parameters again. */
static int ET_MUST_CHECK insert_leaf(struct audit_log *log, uint64_t idx, const void *leaf, size_t len,
		       const unsigned char hash[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st = log->st[ST_INS_LEAF];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
	sqlite3_bind_blob(st, 2, len ? leaf : "", (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, AUDIT_HASH_LEN, SQLITE_STATIC);
	return step_insert(st);
}

static int ET_MUST_CHECK insert_node(struct audit_log *log, unsigned level, uint64_t idx,
		       const unsigned char hash[AUDIT_HASH_LEN])
{
	sqlite3_stmt *st = log->st[ST_INS_NODE];

	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	sqlite3_bind_blob(st, 3, hash, AUDIT_HASH_LEN, SQLITE_STATIC);
	return step_insert(st);
}

int audit_log_append(struct audit_log *log, const void *leaf, size_t len, uint64_t *index)
{
	unsigned char lh[AUDIT_HASH_LEN], cur[AUDIT_HASH_LEN];
	uint64_t n;
	unsigned L = 0;
	int rc;

	if (!log || (len && !leaf))
		return et_fail(ET_EINVAL);
	if (len > ET_LEAF_MAX_LEN)
		return et_fail(ET_ELIMIT);
	if (sqlite3_get_autocommit(log->db))
		return et_fail(ET_ESTATE); /* appends join the caller's transaction */
	n = log->size;
	if (n >= (uint64_t)INT64_MAX)
		return et_fail(ET_ELIMIT);
	audit_sha_leaf(&log->sha, leaf, len, lh);
	rc = insert_leaf(log, n, leaf, len, lh);
	if (rc)
		goto fail;
	/* Carry like a binary increment: every set low bit of n closes one
	 * more perfect subtree. */
	memcpy(cur, lh, AUDIT_HASH_LEN);
	while (n >> L & 1) {
		audit_sha_node(&log->sha, log->frontier[L], cur, cur);
		L++;
		rc = insert_node(log, L, n >> L, cur);
		if (rc)
			goto fail;
		if (L >= CACHE_MIN_LEVEL) {
			rc = cache_reserve(log, L, n >> L);
			if (rc)
				goto fail;
			memcpy(log->cache[L][n >> L], cur, AUDIT_HASH_LEN);
		}
	}
	memcpy(log->frontier[L], cur, AUDIT_HASH_LEN);
	log->size = n + 1;
	log->size_cached = n + 1;
	if (index)
		*index = n;
	return ET_OK;
fail:
	et_log(ET_LOG_ERROR, "audit log append: %s", sqlite3_errmsg(log->db));
	return rc;
}

int audit_log_resync(struct audit_log *log)
{
	if (!log)
		return et_fail(ET_EINVAL);
	return load_state(log);
}

int audit_log_root(struct audit_log *log, uint64_t size, unsigned char root[AUDIT_HASH_LEN])
{
	int rc;

	if (!log || !root || size > log->size)
		return et_fail(ET_EINVAL);
	if (size == 0) {
		crypto_sha256("", 0, root);
		return ET_OK;
	}
	if (size == log->size) {
		fold_frontier(&log->sha, (const unsigned char (*)[AUDIT_HASH_LEN])log->frontier, size, root);
		return ET_OK;
	}
	rc = read_begin(log);
	if (rc)
		return rc;
	rc = range_hash(log, 0, size, root);
	return read_end(log, rc);
}

int audit_log_leaf(struct audit_log *log, uint64_t index, unsigned char **leaf, size_t *len)
{
	sqlite3_stmt *st;
	unsigned char *p = NULL;
	const void *blob;
	int n, rc = ET_OK, src;

	if (!log || !leaf || !len || index >= log->size)
		return et_fail(ET_EINVAL);
	*leaf = NULL;
	*len = 0;
	st = log->st[ST_GET_LEAF];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = et_fail(src == SQLITE_DONE ? ET_ENOTFOUND : ET_EDB);
		goto out;
	}
	blob = sqlite3_column_blob(st, 0);
	n = sqlite3_column_bytes(st, 0);
	p = malloc(n > 0 ? (size_t)n : 1);
	if (!p) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if (n > 0)
		memcpy(p, blob, (size_t)n);
	*leaf = p;
	*len = (size_t)n;
out:
	sqlite3_reset(st);
	return rc;
}

int audit_log_leaf_hash(struct audit_log *log, uint64_t index, unsigned char out[AUDIT_HASH_LEN])
{
	if (!log || !out || index >= log->size)
		return et_fail(ET_EINVAL);
	return subtree_hash(log, 0, index, out);
}

/* A proof under construction: hashes collected top-down, reversed at the end
 * into RFC 9162 order (nearest the leaf first). */
struct proof_acc {
	unsigned char h[ET_PROOF_MAX_HASHES][AUDIT_HASH_LEN];
	size_t n;
};

static int ET_MUST_CHECK acc_range(struct audit_log *log, struct proof_acc *a, uint64_t lo, uint64_t hi)
{
	if (a->n >= ET_PROOF_MAX_HASHES)
		return et_fail(ET_ELIMIT);
	return range_hash(log, lo, hi, a->h[a->n++]);
}

static int ET_MUST_CHECK acc_finish(struct proof_acc *a, unsigned char (**proof)[AUDIT_HASH_LEN], size_t *n)
{
	unsigned char (*p)[AUDIT_HASH_LEN];
	size_t i;

	p = malloc(a->n ? a->n * AUDIT_HASH_LEN : 1);
	if (!p)
		return et_fail(ET_ENOMEM);
	for (i = 0; i < a->n; i++)
		memcpy(p[i], a->h[a->n - 1 - i], AUDIT_HASH_LEN);
	*proof = p;
	*n = a->n;
	return ET_OK;
}

/* PATH(index, D[0:size]), RFC 9162 §2.1.3.1: descend towards the leaf,
 * taking the sibling range at every split. */
static int ET_MUST_CHECK inclusion_path(struct audit_log *log, uint64_t index, uint64_t size,
			  struct proof_acc *a)
{
	uint64_t lo = 0, hi = size, k;
	int rc;

	while (hi - lo > 1) {
		k = split_point(hi - lo);
		if (index < lo + k) {
			rc = acc_range(log, a, lo + k, hi);
			hi = lo + k;
		} else {
			rc = acc_range(log, a, lo, lo + k);
			lo += k;
		}
		if (rc)
			return rc;
	}
	return ET_OK;
}

int audit_log_inclusion_proof(struct audit_log *log, uint64_t index, uint64_t size,
			      unsigned char (**proof)[AUDIT_HASH_LEN], size_t *n)
{
	struct proof_acc a;
	int rc;

	if (!log || !proof || !n)
		return et_fail(ET_EINVAL);
	*proof = NULL;
	*n = 0;
	if (size > log->size || index >= size)
		return et_fail(ET_EINVAL);
	a.n = 0;
	rc = read_begin(log);
	if (rc)
		return rc;
	/* the path's siblings below CACHE_MIN_LEVEL lie in index's group */
	if (((index >> CACHE_MIN_LEVEL) + 1) << CACHE_MIN_LEVEL <= size)
		rc = group_load(log, index >> CACHE_MIN_LEVEL);
	if (!rc)
		rc = inclusion_path(log, index, size, &a);
	rc = read_end(log, rc);
	if (rc)
		return rc;
	return acc_finish(&a, proof, n);
}

/* SUBPROOF(m, D[0:size2], true), RFC 9162 §2.1.4.1, 0 < m < size2; in the
 * loop m counts from lo. */
static int ET_MUST_CHECK consistency_path(struct audit_log *log, uint64_t m, uint64_t size2,
			    struct proof_acc *a)
{
	uint64_t lo = 0, hi = size2, k;
	bool b = true;
	int rc;

	for (;;) {
		if (m == hi - lo)
			return b ? ET_OK : acc_range(log, a, lo, hi);
		k = split_point(hi - lo);
		if (m <= k) {
			rc = acc_range(log, a, lo + k, hi);
			hi = lo + k;
		} else {
			rc = acc_range(log, a, lo, lo + k);
			lo += k;
			m -= k;
			b = false;
		}
		if (rc)
			return rc;
	}
}

int audit_log_consistency_proof(struct audit_log *log, uint64_t size1, uint64_t size2,
				unsigned char (**proof)[AUDIT_HASH_LEN], size_t *n)
{
	struct proof_acc a;
	int rc;

	if (!log || !proof || !n)
		return et_fail(ET_EINVAL);
	*proof = NULL;
	*n = 0;
	if (size2 > log->size || size1 > size2)
		return et_fail(ET_EINVAL);
	a.n = 0;
	if (size1 == 0 || size1 == size2)
		return acc_finish(&a, proof, n);
	rc = read_begin(log);
	if (rc)
		return rc;
	rc = read_end(log, consistency_path(log, size1, size2, &a));
	if (rc)
		return rc;
	return acc_finish(&a, proof, n);
}

int audit_log_recompute_root(struct audit_log *log, uint64_t size, unsigned char root[AUDIT_HASH_LEN])
{
	unsigned char (*frontier)[AUDIT_HASH_LEN] = NULL;
	unsigned char lh[AUDIT_HASH_LEN];
	sqlite3_stmt *st = NULL;
	uint64_t i = 0;
	int rc = ET_OK, src;

	if (!log || !root || size > log->size)
		return et_fail(ET_EINVAL);
	frontier = malloc(64 * sizeof *frontier);
	if (!frontier)
		return et_fail(ET_ENOMEM);
	if (sqlite3_prepare_v2(log->db, "SELECT idx, leaf FROM log_leaf WHERE idx < ?1 ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != (sqlite3_int64)i) {
			rc = et_fail(ET_EVERIFY); /* a leaf is missing or moved */
			goto out;
		}
		audit_sha_leaf(&log->sha, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
			       lh);
		frontier_push(&log->sha, frontier, i, lh);
		i++;
	}
	if (src != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (i != size) {
		rc = et_fail(ET_EVERIFY);
		goto out;
	}
	if (size == 0)
		crypto_sha256("", 0, root);
	else
		fold_frontier(&log->sha, (const unsigned char (*)[AUDIT_HASH_LEN])frontier, size, root);
out:
	sqlite3_finalize(st);
	free(frontier);
	return rc;
}
