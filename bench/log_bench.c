/* bench/log_bench.c — the ledger's speed, each figure next to a reference
 * measured in the same run:
 *   1. durable appends/s through audit_ledger_submit with 1, 8 and 64
 *      concurrent submitters (one event of ~200 bytes per command), against
 *      plain SQLite doing one fsync'd INSERT transaction per event (WAL,
 *      synchronous=FULL) on the same disk;
 *   2. inclusion-proof time at N entries (default 1 M and 10 M), against
 *      the time to verify the same proof (OpenSSL SHA-256 node hashes);
 *   3. verification of a whole log (leaf hashes, tree, every checkpoint's
 *      signature and root; replay excluded), entries/s, against OpenSSL
 *      hashing the same leaves once;
 *   4. a receipt right after an append (the ledger's reader catches up with
 *      a grown log) against one with no append in between.
 * Usage: log_bench [DIR] [N1 N2 ...]  (DIR default /var/tmp; N = 0: appends
 * only) */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS bench_item(idx INTEGER PRIMARY KEY, actor TEXT NOT NULL,"
	" size INTEGER NOT NULL);";
static const char *const tables[] = { "bench_item", NULL };

static int apply_item(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_OK;

	(void)ctx;
	if (sqlite3_prepare_v3(db, "INSERT INTO bench_item VALUES (?1, ?2, ?3)", -1,
			       SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return ET_EDB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	sqlite3_bind_text(st, 2, ev->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ev->payload_len);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ET_EDB;
	sqlite3_finalize(st);
	return rc;
}

static const struct audit_kind kinds[] = { { "item.added", 1, apply_item } };
static const struct audit_module module = { "bench", schema, tables, kinds, 1, NULL };
static const struct audit_module *const modules[] = { &module };

struct cmd {
	unsigned count;
	unsigned seq;
};

static int cmd_add(struct audit_tx *tx, void *ctx)
{
	struct cmd *c = ctx;
	unsigned char payload[200];
	char actor[32];
	unsigned i;
	int rc = ET_OK;

	for (i = 0; i < c->count && rc == ET_OK; i++) {
		struct audit_event ev = { "item.added", 1, 0, actor, "T-bench", payload, sizeof payload,
					  false };
		memset(payload, (int)(c->seq + i), sizeof payload);
		snprintf(actor, sizeof actor, "bidder-%u", (c->seq + i) % 1000);
		rc = audit_tx_emit(tx, &ev, NULL);
	}
	return rc;
}

/* Remove a database and its WAL and shared-memory files. */
static void unlink_db(const char *path)
{
	char p[4200];

	unlink(path);
	if (snprintf(p, sizeof p, "%s-wal", path) < (int)sizeof p)
		unlink(p);
	if (snprintf(p, sizeof p, "%s-shm", path) < (int)sizeof p)
		unlink(p);
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "log_bench: %s: %s\n", what, et_strerror_both(rc));
	exit(1);
}

static struct audit_ledger *open_ledger(const char *path)
{
	static const unsigned char seed[32] = { 42 };
	struct audit_ledger_config cfg = { path, "bench.etender.example/log", seed, NULL, modules, 1,
					   NULL, NULL };
	struct audit_ledger *l = NULL;
	int rc = audit_ledger_open(&cfg, &l);

	if (rc)
		die("open ledger", rc);
	return l;
}

struct worker {
	struct audit_ledger *l;
	unsigned n;
	unsigned base;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned i;

	for (i = 0; i < w->n; i++) {
		struct cmd c = { 1, w->base + i };
		int rc = audit_ledger_submit(w->l, cmd_add, &c, NULL);
		if (rc)
			die("submit", rc);
	}
	return NULL;
}

static int count_commits(sqlite3 *db, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_EDB;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM ledger_checkpoint", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*(uint64_t *)ctx = (uint64_t)sqlite3_column_int64(st, 0);
		rc = ET_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Events/s with nthreads submitters; *per_commit: events per fsync'd
 * commit (one signed checkpoint per commit). */
static double appends(const char *dir, unsigned nthreads, unsigned total, double *per_commit)
{
	uint64_t commits = 0;
	int rc;
	char path[4096];
	struct audit_ledger *l;
	pthread_t th[64];
	struct worker w[64];
	int64_t t0, t1;
	unsigned i;

	snprintf(path, sizeof path, "%s/appends-%u.db", dir, nthreads);
	unlink_db(path);
	l = open_ledger(path);
	t0 = et_clock_mono_us();
	for (i = 0; i < nthreads; i++) {
		w[i] = (struct worker){ l, total / nthreads, i * (total / nthreads) };
		pthread_create(&th[i], NULL, worker_run, &w[i]);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	t1 = et_clock_mono_us();
	if (audit_ledger_size(l) != (uint64_t)(total / nthreads) * nthreads)
		die("size", ET_EVERIFY);
	if ((rc = audit_ledger_query(l, count_commits, &commits)))
		die("count commits", rc);
	*per_commit = commits ? (double)audit_ledger_size(l) / (double)commits : 0;
	audit_ledger_close(l);
	unlink_db(path);
	return (double)(total / nthreads * nthreads) / ((double)(t1 - t0) / 1e6);
}

/* Reference: one fsync'd transaction per INSERT, WAL, synchronous=FULL. */
static double sqlite_fsync_inserts(const char *dir, unsigned n)
{
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char payload[200] = { 0 };
	int64_t t0, t1;
	unsigned i;

	snprintf(path, sizeof path, "%s/ref.db", dir);
	unlink_db(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			     "CREATE TABLE t(idx INTEGER PRIMARY KEY, leaf BLOB)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(leaf) VALUES (?)", -1, &st, NULL) != SQLITE_OK)
		die("reference sqlite", ET_EDB);
	t0 = et_clock_mono_us();
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(st, 1, payload, sizeof payload, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("reference insert", ET_EDB);
		sqlite3_reset(st);
	}
	t1 = et_clock_mono_us();
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink_db(path);
	return n / ((double)(t1 - t0) / 1e6);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void big_log(const char *dir, uint64_t n)
{
	char path[4096];
	struct audit_ledger *l;
	struct audit_report rep;
	sqlite3 *db;
	struct audit_log *log;
	uint64_t i, seed = 88172645463325252ull, size;
	int64_t t0, t1;
	double proof_us, verify_us, build_s, verify_s, ref_s;
	const unsigned probes = 20000;
	unsigned char root[32];
	int rc;

	snprintf(path, sizeof path, "%s/big-%" PRIu64 ".db", dir, n);
	unlink_db(path);
	l = open_ledger(path);
	t0 = et_clock_mono_us();
	for (i = 0; i < n; i += 2000) {
		struct cmd c = { (unsigned)(n - i < 2000 ? n - i : 2000), (unsigned)i };
		if ((rc = audit_ledger_submit(l, cmd_add, &c, NULL)))
			die("submit", rc);
	}
	t1 = et_clock_mono_us();
	build_s = (double)(t1 - t0) / 1e6;
	size = audit_ledger_size(l);
	printf("log of %" PRIu64 " entries built in %.1f s through the ledger (commands of 2000 events): %.0f events/s\n",
	       size, build_s, size / build_s);

	/* 2. inclusion proofs on a separate read connection */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open", ET_EDB);
	/* as the ledger's own connections (audit_log_open's advice) */
	if (sqlite3_exec(db, "PRAGMA mmap_size=17179869184; PRAGMA cache_size=-32768;", NULL, NULL,
			 NULL) != SQLITE_OK)
		die("pragma", ET_EDB);
	if ((rc = audit_log_open(db, &log)))
		die("log open", rc);
	if ((rc = audit_log_root(log, size, root)))
		die("root", rc);
	/* warm the cache the way a running server is warm */
	for (i = 0; i < 1000; i++) {
		unsigned char (*p)[32] = NULL;
		size_t np;
		if ((rc = audit_log_inclusion_proof(log, rnd(&seed) % size, size, &p, &np)))
			die("proof", rc);
		free(p);
	}
	t0 = et_clock_mono_us();
	for (i = 0; i < probes; i++) {
		unsigned char (*p)[32] = NULL;
		size_t np;
		if ((rc = audit_log_inclusion_proof(log, rnd(&seed) % size, size, &p, &np)))
			die("proof", rc);
		free(p);
	}
	t1 = et_clock_mono_us();
	proof_us = (double)(t1 - t0) / probes;
	/* reference: verifying one such proof (leaf hash + ~log2 n node hashes) */
	{
		unsigned char (*p)[32] = NULL, lh[32];
		size_t np;
		uint64_t idx = size / 3;
		if ((rc = audit_log_inclusion_proof(log, idx, size, &p, &np)) ||
		    (rc = audit_log_leaf_hash(log, idx, lh)))
			die("proof", rc);
		t0 = et_clock_mono_us();
		for (i = 0; i < probes; i++)
			if (audit_verify_inclusion(idx, size, lh, p, np, root) != ET_OK)
				die("verify", ET_EVERIFY);
		t1 = et_clock_mono_us();
		verify_us = (double)(t1 - t0) / probes;
		free(p);
	}
	printf("inclusion proof at %" PRIu64 " entries: %.2f us to generate (target <= 50 us: %s), "
	       "%.2f us to verify with OpenSSL SHA-256; ratio generate/verify %.1f\n",
	       size, proof_us, proof_us <= 50 ? "met" : "MISSED", verify_us, proof_us / verify_us);

	/* 4. receipts through the ledger right after an append (its reader
	 * resyncs a grown log) against receipts with no append in between */
	{
		const unsigned rounds = 200, warm = 5;
		double after_us = 0, still_us = 0;
		/* warm up as a running server is warm: the ledger's reader has
		 * not read since the log was built, so its first resync loads
		 * the whole node cache once (O(n), at open or after a bulk load) */
		for (i = 0; i < warm; i++) {
			struct cmd c = { 1, (unsigned)i };
			struct audit_result res;
			char *note = NULL;
			unsigned char (*p)[32] = NULL;
			size_t np;
			uint64_t cs;
			if ((rc = audit_ledger_submit(l, cmd_add, &c, &res)) ||
			    (rc = audit_ledger_receipt(l, res.first, &note, &cs, &p, &np)))
				die("receipt", rc);
			free(note);
			free(p);
		}
		for (i = 0; i < 2 * rounds; i++) {
			struct cmd c = { 1, (unsigned)i };
			struct audit_result res;
			char *note = NULL;
			unsigned char (*p)[32] = NULL;
			size_t np;
			uint64_t at, cs;
			if (i < rounds && (rc = audit_ledger_submit(l, cmd_add, &c, &res)))
				die("submit", rc);
			at = i < rounds ? res.first : rnd(&seed) % size;
			t0 = et_clock_mono_us();
			if ((rc = audit_ledger_receipt(l, at, &note, &cs, &p, &np)))
				die("receipt", rc);
			t1 = et_clock_mono_us();
			*(i < rounds ? &after_us : &still_us) += (double)(t1 - t0);
			free(note);
			free(p);
		}
		printf("receipt at %" PRIu64 " entries right after an append: %.3f ms; with no append"
		       " in between: %.3f ms; ratio %.1f\n", size, after_us / rounds / 1000,
		       still_us / rounds / 1000, after_us / still_us);
		size = audit_ledger_size(l);
	}

	/* 3. verify the whole log (replay excluded) vs hashing the leaves once */
	t0 = et_clock_mono_us();
	if ((rc = audit_ledger_verify_log(l, &rep)))
		die(rep.diff, rc);
	t1 = et_clock_mono_us();
	verify_s = (double)(t1 - t0) / 1e6;
	{
		sqlite3_stmt *st;
		unsigned char h[32];
		if (sqlite3_prepare_v2(db, "SELECT leaf FROM log_leaf ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
			die("select", ET_EDB);
		t0 = et_clock_mono_us();
		while (sqlite3_step(st) == SQLITE_ROW)
			audit_leaf_hash(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), h);
		t1 = et_clock_mono_us();
		sqlite3_finalize(st);
		ref_s = (double)(t1 - t0) / 1e6;
	}
	printf("whole-log verification of %" PRIu64 " entries (%" PRIu64 " checkpoints): %.0f entries/s "
	       "(target >= 1,000,000: %s); reading+hashing the leaves once: %.0f entries/s; ratio %.2f\n",
	       size, rep.checkpoints, size / verify_s, size / verify_s >= 1e6 ? "met" : "MISSED",
	       size / ref_s, ref_s / verify_s);
	audit_log_close(log);
	sqlite3_close(db);
	audit_ledger_close(l);
	unlink_db(path);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : "/var/tmp";
	char dir[2048];
	static const unsigned threads[] = { 1, 8, 64 };
	double ref;
	unsigned i;
	int a;

	/* a folder of our own: runs in parallel (other worktrees' meson test)
	 * must not share database files */
	if (snprintf(dir, sizeof dir, "%s/log_bench-XXXXXX", base) >= (int)sizeof dir || !mkdtemp(dir))
		die("mkdtemp", ET_EIO);
	ref = sqlite_fsync_inserts(dir, 500);
	printf("reference: plain SQLite, one fsync'd INSERT per event (WAL, synchronous=FULL): %.0f/s\n", ref);
	for (i = 0; i < 3; i++) {
		unsigned total = threads[i] == 1 ? 500 : threads[i] * 150;
		double pc;
		double r = appends(dir, threads[i], total, &pc);
		printf("durable appends, %2u submitters: %8.0f events/s (ratio to reference %.1f; "
		       "%.1f events per commit; target >= 50,000 with 64: %s)\n",
		       threads[i], r, r / ref, pc,
		       threads[i] == 64 ? (r >= 50000 ? "met" : "MISSED") : "-");
		fflush(stdout);
	}
	if (argc <= 2) {
		big_log(dir, 1000000);
		big_log(dir, 10000000);
	}
	for (a = 2; a < argc; a++) { /* N = 0: the appends only */
		uint64_t n = strtoull(argv[a], NULL, 10);
		if (n)
			big_log(dir, n);
	}
	rmdir(dir);
	return 0;
}
