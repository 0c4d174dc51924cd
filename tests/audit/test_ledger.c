/* tests/audit/test_ledger.c — the one write path with a toy domain module
 * defined here (a counter and a notes table, two event kinds): commands,
 * failing commands in a batch, group commit under 1/8/64 submitters,
 * receipts, replay equal to live, tampering with projections, the log and
 * the confidential store, confidential leaves and reveals, and a SIGKILL
 * in the middle of a run. Real SQLite files in temporary folders. */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

/* ---- the toy domain module ---------------------------------------------- */

static const char toy_schema[] =
	"CREATE TABLE IF NOT EXISTS toy_counter(name TEXT PRIMARY KEY, value INTEGER NOT NULL,"
	" last_idx INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS toy_note(idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
	" actor TEXT NOT NULL, body BLOB NOT NULL, time_us INTEGER NOT NULL, secret INTEGER NOT NULL);";
static const char *const toy_tables[] = { "toy_counter", "toy_note", NULL };

/* counter.incremented v1: payload is the counter's name. */
static int apply_incremented(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_OK;

	(void)ctx;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO toy_counter(name, value, last_idx) VALUES (?1, 1, ?2)"
			       " ON CONFLICT(name) DO UPDATE SET value = value + 1, last_idx = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return ET_EDB;
	sqlite3_bind_text(st, 1, (const char *)ev->payload, (int)ev->payload_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ET_EDB;
	sqlite3_finalize(st);
	return rc;
}

/* note.added v1: payload is the body. */
static int apply_note(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_OK;

	(void)ctx;
	if (sqlite3_prepare_v2(db, "INSERT INTO toy_note VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st,
			       NULL) != SQLITE_OK)
		return ET_EDB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	sqlite3_bind_text(st, 2, ev->tender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->actor, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, ev->payload ? (const void *)ev->payload : "", (int)ev->payload_len,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, ev->time_us);
	sqlite3_bind_int(st, 6, ev->confidential);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ET_EDB;
	sqlite3_finalize(st);
	return rc;
}

static const struct audit_kind toy_kinds[] = {
	{ "counter.incremented", 1, apply_incremented },
	{ "note.added", 1, apply_note },
};
static const struct audit_module toy_module = {
	"toy", toy_schema, toy_tables, toy_kinds, 2, NULL,
};
static const struct audit_module *const toy_modules[] = { &toy_module };

/* A command: nnotes notes, then `incs` increments of counter (each refused
 * once the counter would pass limit: validation sees the command's own
 * earlier events), then fail with ET_ESTATE if fail_after. */
struct toy_cmd {
	const char *tender, *actor, *counter, *body;
	int nnotes, incs;
	int64_t limit;
	bool confidential, fail_after;
	uint64_t last_index;
};

static int counter_value(sqlite3 *db, const char *name, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_OK, s;

	*v = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM toy_counter WHERE name = ?1", -1, &st, NULL))
		return ET_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else if (s != SQLITE_DONE)
		rc = ET_EDB;
	sqlite3_finalize(st);
	return rc;
}

static int toy_command(struct audit_tx *tx, void *ctx)
{
	struct toy_cmd *c = ctx;
	const char *body = c->body ? c->body : "hello";
	int i, rc;

	for (i = 0; i < c->nnotes; i++) {
		struct audit_event ev = { "note.added", 1, 0, c->actor, c->tender,
					  (const unsigned char *)body, strlen(body), c->confidential };
		if ((rc = audit_tx_emit(tx, &ev, &c->last_index)))
			return rc;
	}
	for (i = 0; i < c->incs; i++) {
		struct audit_event ev = { "counter.incremented", 1, 0, c->actor, "",
					  (const unsigned char *)c->counter, strlen(c->counter), false };
		int64_t v;
		if ((rc = counter_value(audit_tx_db(tx), c->counter, &v)))
			return rc;
		if (c->limit && v + 1 > c->limit)
			return ET_ESTATE;
		if ((rc = audit_tx_emit(tx, &ev, &c->last_index)))
			return rc;
	}
	return c->fail_after ? ET_ESTATE : ET_OK;
}

static bool contains(const void *b, size_t n, const char *s, size_t k)
{
	return b && memmem(b, n, s, k) != NULL;
}

/* ---- fixtures -------------------------------------------------------------- */

static const unsigned char seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
#define ORIGIN "test.etender.example/log"

struct fix {
	char dir[256];
	char path[300];
	struct audit_ledger *l;
};

static void fix_open_ledger(struct fix *f)
{
	struct audit_ledger_config cfg = { .db_path = f->path, .origin = ORIGIN, .seed = seed,
					   .modules = toy_modules, .nmodules = 1 };

	ck_assert_int_eq(audit_ledger_open(&cfg, &f->l), ET_OK);
}

static void fix_setup(struct fix *f)
{
	const char *base = getenv("TMPDIR");

	ck_assert_int_lt(snprintf(f->dir, sizeof f->dir, "%s/et-ledger-XXXXXX", base ? base : "/tmp"),
			 (int)sizeof f->dir);
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	ck_assert_int_lt(snprintf(f->path, sizeof f->path, "%s/ledger.db", f->dir), (int)sizeof f->path);
	fix_open_ledger(f);
}

static void fix_teardown(struct fix *f)
{
	char p[400];
	const char *sfx[] = { "", "-wal", "-shm" };

	audit_ledger_close(f->l);
	f->l = NULL;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_lt(snprintf(p, sizeof p, "%s%s", f->path, sfx[i]), (int)sizeof p);
		unlink(p);
	}
	rmdir(f->dir);
}

static sqlite3 *raw_open(const struct fix *f)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
	sqlite3_free(err);
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Flip the last byte of blob column col of table t at idx. */
static void flip_last_byte(sqlite3 *db, const char *t, const char *col, int64_t idx)
{
	char sql[256];
	sqlite3_stmt *st = NULL;
	unsigned char *b;
	size_t n;

	ck_assert_int_lt(snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE idx = ?1", col, t),
			 (int)sizeof sql);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, idx);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = (size_t)sqlite3_column_bytes(st, 0);
	ck_assert_uint_gt(n, 0);
	b = malloc(n);
	ck_assert_ptr_nonnull(b);
	memcpy(b, sqlite3_column_blob(st, 0), n);
	sqlite3_finalize(st);
	b[n - 1] ^= 0x20;
	ck_assert_int_lt(snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?1 WHERE idx = ?2", t, col),
			 (int)sizeof sql);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, b, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, idx);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	free(b);
}

static void submit_ok(struct fix *f, struct toy_cmd *c, struct audit_result *r)
{
	ck_assert_int_eq(audit_ledger_submit(f->l, toy_command, c, r), ET_OK);
}

static void expect_replay_ok(struct fix *f)
{
	struct audit_report rep;
	int rc = audit_ledger_replay(f->l, &rep);

	ck_assert_msg(rc == ET_OK, "replay: %s (%s)", rep.diff, et_strerror(rc));
	ck_assert_str_eq(rep.diff, "");
	ck_assert_uint_eq(rep.leaves, audit_ledger_size(f->l));
}

static void expect_replay_fails(struct fix *f, const char *const *needles)
{
	struct audit_report rep;

	ck_assert_int_eq(audit_ledger_replay(f->l, &rep), ET_EVERIFY);
	for (; *needles; needles++)
		ck_assert_msg(strstr(rep.diff, *needles), "report \"%s\" lacks \"%s\"", rep.diff, *needles);
}

/* Receipt of index: the checkpoint verifies with the log key and the proof
 * puts the leaf under its root. */
static void check_receipt(struct fix *f, uint64_t index)
{
	char *note = NULL, *text = NULL;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL, pub[32], lh[32];
	unsigned char *leaf = NULL;
	size_t np = 0, len = 0;
	uint64_t size = 0;
	struct audit_checkpoint cp;
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(audit_ledger_receipt(f->l, index, &note, &size, &proof, &np), ET_OK);
	ck_assert_int_eq(crypto_ed25519_public(seed, pub), ET_OK);
	ck_assert_int_eq(audit_note_verify(note, strlen(note), ORIGIN, pub, &text), ET_OK);
	ck_assert_int_eq(audit_checkpoint_parse(text, strlen(text), &cp), ET_OK);
	ck_assert_uint_eq(cp.size, size);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT leaf FROM log_leaf WHERE idx = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	len = (size_t)sqlite3_column_bytes(st, 0);
	leaf = malloc(len);
	ck_assert_ptr_nonnull(leaf);
	memcpy(leaf, sqlite3_column_blob(st, 0), len);
	sqlite3_finalize(st);
	audit_leaf_hash(leaf, len, lh);
	ck_assert_int_eq(audit_verify_inclusion(index, size, lh, (const unsigned char (*)[32])proof, np,
						cp.root),
			 ET_OK);
	lh[0] ^= 1;
	ck_assert_int_eq(audit_verify_inclusion(index, size, lh, (const unsigned char (*)[32])proof, np,
						cp.root),
			 ET_EVERIFY);
	sqlite3_close(db);
	free(leaf);
	free(note);
	free(text);
	free(proof);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(command_emits_events)
{
	struct fix f;
	struct audit_result r;
	struct toy_cmd c = { "T-1", "agent-1", "bids", "first", 3, 2, 0, false, false, 0 };
	sqlite3 *db;

	fix_setup(&f);
	submit_ok(&f, &c, &r);
	ck_assert_uint_eq(r.first, 0);
	ck_assert_uint_eq(r.count, 5);
	ck_assert_uint_eq(r.checkpoint_size, 5);
	ck_assert_uint_eq(c.last_index, 4);
	ck_assert_uint_eq(audit_ledger_size(f.l), 5);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE tender = 'T-1'"), 3);
	ck_assert_int_eq(raw_int(db, "SELECT value FROM toy_counter WHERE name = 'bids'"), 2);
	ck_assert_int_eq(raw_int(db, "SELECT last_idx FROM toy_counter WHERE name = 'bids'"), 4);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM ledger_checkpoint"), 1);
	/* leaf times never decrease */
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note a JOIN toy_note b"
				     " ON b.idx > a.idx AND b.time_us < a.time_us"), 0);
	sqlite3_close(db);
	check_receipt(&f, 0);
	check_receipt(&f, 4);
	{
		char *n = NULL;
		unsigned char (*p)[AUDIT_HASH_LEN] = NULL;
		size_t np;
		uint64_t sz;
		ck_assert_int_eq(audit_ledger_receipt(f.l, 5, &n, &sz, &p, &np), ET_ENOTFOUND);
		ck_assert_ptr_null(n);
	}
	expect_replay_ok(&f);
	fix_teardown(&f);
}
END_TEST

START_TEST(validation_sees_own_events)
{
	struct fix f;
	struct audit_result r;
	struct toy_cmd c = { "T-1", "agent-1", "seats", NULL, 2, 2, 1, false, false, 0 };
	sqlite3 *db;

	fix_setup(&f);
	/* the second increment would pass the limit of 1: the whole command
	 * goes, with its notes and its first increment */
	ck_assert_int_eq(audit_ledger_submit(f.l, toy_command, &c, &r), ET_ESTATE);
	ck_assert_uint_eq(r.count, 0);
	ck_assert_uint_eq(audit_ledger_size(f.l), 0);
	c.incs = 1;
	submit_ok(&f, &c, &r);
	ck_assert_uint_eq(r.count, 3);
	c.nnotes = 0;
	ck_assert_int_eq(audit_ledger_submit(f.l, toy_command, &c, &r), ET_ESTATE);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM log_leaf"), 3);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note"), 2);
	ck_assert_int_eq(raw_int(db, "SELECT value FROM toy_counter"), 1);
	sqlite3_close(db);
	expect_replay_ok(&f);
	fix_teardown(&f);
}
END_TEST

static int unknown_kind_command(struct audit_tx *tx, void *ctx)
{
	struct audit_event ev = { "nothing.registered", 1, 0, "", "", NULL, 0, false };
	uint64_t idx;

	(void)ctx;
	/* ignores the emit error and claims success: the ledger fails it */
	(void)!audit_tx_emit(tx, &ev, &idx);
	return ET_OK;
}

START_TEST(emit_error_fails_command)
{
	struct fix f;

	fix_setup(&f);
	ck_assert_int_eq(audit_ledger_submit(f.l, unknown_kind_command, NULL, NULL), ET_EINVAL);
	ck_assert_uint_eq(audit_ledger_size(f.l), 0);
	fix_teardown(&f);
}
END_TEST

/* ---- one batch: a failing command next to good ones ------------------------ */

static int slow_command(struct audit_tx *tx, void *ctx)
{
	struct toy_cmd c = { "T-gate", "gate", "gate", NULL, 1, 0, 0, false, false, 0 };

	(void)ctx;
	usleep(300 * 1000); /* the others queue meanwhile */
	return toy_command(tx, &c);
}

struct submit_job {
	struct fix *f;
	audit_command_fn *fn;
	void *ctx;
	int rc;
	struct audit_result r;
};

static void *submit_thread(void *arg)
{
	struct submit_job *j = arg;

	j->rc = audit_ledger_submit(j->f->l, j->fn, j->ctx, &j->r);
	return NULL;
}

START_TEST(failing_command_in_batch)
{
	struct fix f;
	struct toy_cmd good1 = { "T-1", "a1", "c", "good-1", 2, 1, 0, false, false, 0 };
	struct toy_cmd bad = { "T-1", "a2", "c", "bad", 3, 1, 0, false, true, 0 };
	struct toy_cmd good2 = { "T-2", "a3", "c", "good-2", 1, 1, 0, true, false, 0 };
	struct submit_job jobs[4] = {
		{ &f, slow_command, NULL, -1, { 0 } },
		{ &f, toy_command, &good1, -1, { 0 } },
		{ &f, toy_command, &bad, -1, { 0 } },
		{ &f, toy_command, &good2, -1, { 0 } },
	};
	pthread_t th[4];
	sqlite3 *db;
	int i;

	fix_setup(&f);
	ck_assert_int_eq(pthread_create(&th[0], NULL, submit_thread, &jobs[0]), 0);
	usleep(100 * 1000);
	for (i = 1; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, submit_thread, &jobs[i]), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(jobs[0].rc, ET_OK);
	ck_assert_int_eq(jobs[1].rc, ET_OK);
	ck_assert_int_eq(jobs[2].rc, ET_ESTATE);
	ck_assert_int_eq(jobs[3].rc, ET_OK);
	ck_assert_uint_eq(jobs[1].r.count, 3);
	ck_assert_uint_eq(jobs[3].r.count, 2);
	/* both good ones are in the same checkpoint: one batch, one commit */
	ck_assert_uint_eq(jobs[1].r.checkpoint_size, 1 + 3 + 2);
	ck_assert_uint_eq(jobs[3].r.checkpoint_size, 1 + 3 + 2);
	ck_assert_uint_eq(audit_ledger_size(f.l), 6);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM ledger_checkpoint"), 2);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM log_leaf"), 6);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE body = CAST('bad' AS BLOB)"), 0);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE actor = 'a2'"), 0);
	ck_assert_int_eq(raw_int(db, "SELECT value FROM toy_counter WHERE name = 'c'"), 2);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM conf_event"), 1);
	/* the events of a command are contiguous */
	ck_assert_int_eq(raw_int(db, "SELECT max(idx) - min(idx) FROM toy_note WHERE actor = 'a1'"), 1);
	sqlite3_close(db);
	expect_replay_ok(&f);
	fix_teardown(&f);
}
END_TEST

/* ---- concurrency ----------------------------------------------------------- */

struct conc_job {
	struct fix *f;
	int n;
	uint64_t *idx;   /* n acknowledged indices */
	int rc;
};

static void *conc_thread(void *arg)
{
	struct conc_job *j = arg;
	char actor[32];

	if (snprintf(actor, sizeof actor, "b-%p", (void *)j) >= (int)sizeof actor)
		abort();
	for (int i = 0; i < j->n; i++) {
		struct toy_cmd c = { "T-c", actor, "n", "x", 1, 0, 0, (i % 4) == 3, false, 0 };
		struct audit_result r;
		j->rc = audit_ledger_submit(j->f->l, toy_command, &c, &r);
		if (j->rc)
			return NULL;
		if (r.count != 1 || r.checkpoint_size <= r.first) {
			j->rc = -1;
			return NULL;
		}
		j->idx[i] = r.first;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void run_concurrent(int nthreads, int per_thread)
{
	struct fix f;
	struct conc_job *jobs = calloc((size_t)nthreads, sizeof *jobs);
	pthread_t *th = calloc((size_t)nthreads, sizeof *th);
	uint64_t *all = calloc((size_t)(nthreads * per_thread), sizeof *all);
	int64_t t0, t1, nck;
	sqlite3 *db;
	int i, total = nthreads * per_thread;

	ck_assert(jobs && th && all);
	fix_setup(&f);
	t0 = et_clock_mono_us();
	for (i = 0; i < nthreads; i++) {
		jobs[i] = (struct conc_job){ &f, per_thread, all + (size_t)i * per_thread, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, conc_thread, &jobs[i]), 0);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	t1 = et_clock_mono_us();
	for (i = 0; i < nthreads; i++)
		ck_assert_int_eq(jobs[i].rc, ET_OK);
	qsort(all, (size_t)total, sizeof *all, cmp_u64);
	for (i = 0; i < total; i++)
		ck_assert_uint_eq(all[i], (uint64_t)i); /* distinct, no gap */
	ck_assert_uint_eq(audit_ledger_size(f.l), (uint64_t)total);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM log_leaf"), total);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note"), total);
	nck = raw_int(db, "SELECT count(*) FROM ledger_checkpoint");
	sqlite3_close(db);
	printf("ledger: %d submitters x %d commands: %.0f appends/s, %" PRId64 " commits"
	       " (%.1f commands per commit)\n",
	       nthreads, per_thread, total * 1e6 / (double)(t1 - t0 ? t1 - t0 : 1), nck,
	       (double)total / (double)nck);
	if (nthreads > 1)
		ck_assert_int_lt(nck, total); /* group commit happened */
	check_receipt(&f, (uint64_t)total - 1);
	expect_replay_ok(&f);
	fix_teardown(&f);
	free(jobs);
	free(th);
	free(all);
}

START_TEST(concurrent_1)
{
	run_concurrent(1, 100);
}
END_TEST

START_TEST(concurrent_8)
{
	run_concurrent(8, 50);
}
END_TEST

START_TEST(concurrent_64)
{
	run_concurrent(64, 10);
}
END_TEST

/* ---- reopen, replay, tampering ------------------------------------------- */

/* A mixed history: public and confidential notes on two tenders. */
static void history(struct fix *f)
{
	struct toy_cmd c1 = { "T-1", "agent-1", "pub", "published", 1, 1, 0, false, false, 0 };
	struct toy_cmd c2 = { "T-1", "bidder-1", "regs", "secret-registration-1", 2, 0, 0, true, false, 0 };
	struct toy_cmd c3 = { "T-2", "bidder-2", "regs", "secret-registration-2", 1, 0, 0, true, false, 0 };
	struct toy_cmd c4 = { "T-1", "bidder-3", "regs", "secret-registration-3", 1, 1, 0, true, false, 0 };

	submit_ok(f, &c1, NULL);
	submit_ok(f, &c2, NULL);
	submit_ok(f, &c3, NULL);
	submit_ok(f, &c4, NULL);
}

static void count_commits(void *ctx, uint64_t size)
{
	uint64_t *c = ctx;

	c[0]++;
	c[1] = size;
}

START_TEST(on_commit_hook)
{
	struct fix f;
	uint64_t seen[2] = { 0, 0 };
	struct audit_ledger_config cfg;
	struct toy_cmd ok = { "T-1", "a", "c", "x", 2, 0, 0, false, false, 0 };
	struct toy_cmd bad = { "T-1", "a", "c", "x", 2, 0, 0, false, true, 0 };

	fix_setup(&f);
	audit_ledger_close(f.l);
	cfg = (struct audit_ledger_config){ .db_path = f.path, .origin = ORIGIN, .seed = seed,
					    .modules = toy_modules, .nmodules = 1,
					    .on_commit = count_commits, .on_commit_ctx = seen };
	ck_assert_int_eq(audit_ledger_open(&cfg, &f.l), ET_OK);
	submit_ok(&f, &ok, NULL);
	ck_assert_int_eq(audit_ledger_submit(f.l, toy_command, &bad, NULL), ET_ESTATE);
	submit_ok(&f, &ok, NULL);
	audit_ledger_close(f.l); /* joins the writer: the hook has run */
	f.l = NULL;
	ck_assert_uint_eq(seen[0], 2);
	ck_assert_uint_eq(seen[1], 4);
	fix_open_ledger(&f);
	fix_teardown(&f);
}
END_TEST

START_TEST(reopen_and_replay)
{
	struct fix f;
	struct audit_report rep;
	struct toy_cmd c = { "T-3", "x", "after", "after", 1, 0, 0, false, false, 0 };
	struct audit_result r;

	fix_setup(&f);
	history(&f);
	ck_assert_uint_eq(audit_ledger_size(f.l), 7);
	expect_replay_ok(&f);
	audit_ledger_close(f.l);
	fix_open_ledger(&f);
	ck_assert_uint_eq(audit_ledger_size(f.l), 7);
	submit_ok(&f, &c, &r);
	ck_assert_uint_eq(r.first, 7);
	ck_assert_int_eq(audit_ledger_replay(f.l, &rep), ET_OK);
	ck_assert_uint_eq(rep.leaves, 8);
	ck_assert_uint_eq(rep.confidential, 4);
	ck_assert_uint_eq(rep.checkpoints, 5);
	ck_assert_uint_eq(rep.rows, 8);
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_OK);
	fix_teardown(&f);
}
END_TEST

START_TEST(tamper_projection)
{
	struct fix f;
	sqlite3 *db;
	const char *n1[] = { "toy_counter", "name='regs'", "column value", "live 99", "replayed 1", NULL };

	fix_setup(&f);
	history(&f);
	db = raw_open(&f);
	raw_exec(db, "UPDATE toy_counter SET value = 99 WHERE name = 'regs'");
	expect_replay_fails(&f, n1);
	raw_exec(db, "UPDATE toy_counter SET value = 1 WHERE name = 'regs'");
	expect_replay_ok(&f);
	raw_exec(db, "INSERT INTO toy_note VALUES (-1, 'T-9', 'ghost', x'00', 0, 0)");
	{
		const char *n3[] = { "toy_note", "row (idx=-1), column idx: live -1, replayed 0", NULL };
		expect_replay_fails(&f, n3);
	}
	raw_exec(db, "DELETE FROM toy_note WHERE idx = -1");
	raw_exec(db, "UPDATE toy_note SET idx = 100 WHERE idx = 0");
	{
		const char *n4[] = { "toy_note", "row (idx=2), column idx: live 2, replayed 0", NULL };
		expect_replay_fails(&f, n4);
	}
	sqlite3_close(db);
	fix_teardown(&f);
}
END_TEST

START_TEST(tamper_log)
{
	struct fix f;
	struct audit_report rep;
	sqlite3 *db;
	struct audit_ledger *again = NULL;
	struct audit_ledger_config cfg;

	fix_setup(&f);
	history(&f);
	db = raw_open(&f);
	raw_exec(db, "DROP TRIGGER log_leaf_no_update; DROP TRIGGER log_leaf_no_delete;"
		     " DROP TRIGGER log_leaf_next;");
	/* change the bytes of leaf 1 (the counter event of the first command) */
	raw_exec(db, "CREATE TEMP TABLE keep AS SELECT * FROM log_leaf WHERE idx = 1");
	flip_last_byte(db, "log_leaf", "leaf", 1); /* "pub" -> "puB" */
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 1:"), "%s", rep.diff);
	ck_assert_int_eq(audit_ledger_replay(f.l, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 1:"), "%s", rep.diff);
	/* and its stored hash with it: the signed checkpoint catches it */
	{
		sqlite3_stmt *st;
		unsigned char h[32];
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT leaf FROM log_leaf WHERE idx = 1", -1, &st,
						    NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		audit_leaf_hash(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), h);
		sqlite3_finalize(st);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE log_leaf SET hash = ?1 WHERE idx = 1", -1,
						    &st, NULL), SQLITE_OK);
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "checkpoint of size 2") && strstr(rep.diff, "leaves 0..1"), "%s",
		      rep.diff);
	/* restore, then remove the last leaf */
	raw_exec(db, "DELETE FROM log_leaf WHERE idx = 1; INSERT INTO log_leaf SELECT * FROM keep;");
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_OK);
	raw_exec(db, "DELETE FROM log_leaf WHERE idx = 6");
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 6"), "%s", rep.diff);
	/* a leaf in the middle */
	raw_exec(db, "DELETE FROM log_leaf WHERE idx = 3");
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 3: missing"), "%s", rep.diff);
	sqlite3_close(db);
	/* a tampered log does not open */
	audit_ledger_close(f.l);
	f.l = NULL;
	cfg = (struct audit_ledger_config){ .db_path = f.path, .origin = ORIGIN, .seed = seed,
					    .modules = toy_modules, .nmodules = 1 };
	ck_assert_int_eq(audit_ledger_open(&cfg, &again), ET_EVERIFY);
	ck_assert_ptr_null(again);
	fix_teardown(&f);
}
END_TEST

START_TEST(tamper_checkpoint)
{
	struct fix f;
	struct audit_report rep;
	sqlite3 *db;

	fix_setup(&f);
	history(&f);
	db = raw_open(&f);
	raw_exec(db, "DROP TRIGGER ledger_checkpoint_no_update");
	raw_exec(db, "UPDATE ledger_checkpoint SET note = replace(note, '" ORIGIN "\n4\n', '"
		     ORIGIN "\n5\n') WHERE size = 4");
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "checkpoint of size 4"), "%s", rep.diff);
	sqlite3_close(db);
	fix_teardown(&f);
}
END_TEST

START_TEST(tamper_store)
{
	struct fix f;
	sqlite3 *db;
	const char *n[] = { "leaf 2:", "does not match", NULL };
	const char *n2[] = { "leaf 4:", "missing", NULL };

	fix_setup(&f);
	history(&f);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT min(idx) FROM conf_event"), 2);
	raw_exec(db, "DROP TRIGGER conf_event_no_update; DROP TRIGGER conf_event_no_delete;");
	raw_exec(db, "CREATE TEMP TABLE keep AS SELECT * FROM conf_event WHERE idx = 2");
	flip_last_byte(db, "conf_event", "event", 2);
	expect_replay_fails(&f, n);
	raw_exec(db, "DELETE FROM conf_event WHERE idx = 2; INSERT INTO conf_event SELECT * FROM keep;");
	expect_replay_ok(&f);
	/* another tender's salt moved to this leaf */
	raw_exec(db, "UPDATE conf_event SET tender = 'T-2' WHERE idx = 2");
	expect_replay_fails(&f, n);
	raw_exec(db, "DELETE FROM conf_event WHERE idx = 2; INSERT INTO conf_event SELECT * FROM keep;");
	raw_exec(db, "DELETE FROM conf_event WHERE idx = 4");
	expect_replay_fails(&f, n2);
	sqlite3_close(db);
	fix_teardown(&f);
}
END_TEST

/* ---- confidential events and reveals -------------------------------------- */

START_TEST(confidential_leaf_hides)
{
	struct fix f;
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = 0;

	fix_setup(&f);
	history(&f);
	db = raw_open(&f);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT l.leaf FROM log_leaf l JOIN conf_event c"
						" ON c.idx = l.idx", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		struct audit_leaf lf;
		ck_assert_uint_eq(len, AUDIT_COMMITMENT_LEAF_LEN);
		ck_assert_int_eq(audit_leaf_decode(b, len, &lf), ET_OK);
		ck_assert_int_eq(lf.type, AUDIT_LEAF_COMMITMENT);
		ck_assert(!contains(b, len, "T-1", 3));
		ck_assert(!contains(b, len, "T-2", 3));
		ck_assert(!contains(b, len, "bidder", 6));
		ck_assert(!contains(b, len, "secret", 6));
		ck_assert(!contains(b, len, "note", 4));
		n++;
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(n, 4);
	/* the live projection knows (the API layer hides it) */
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE secret = 1"), 4);
	/* the same event twice gives two different commitments (fresh salts) */
	ck_assert_int_eq(raw_int(db, "SELECT count(DISTINCT l.leaf) FROM log_leaf l JOIN conf_event c"
				     " ON c.idx = l.idx"), 4);
	sqlite3_close(db);
	fix_teardown(&f);
}
END_TEST

START_TEST(reveal_and_verify)
{
	struct fix f;
	struct audit_report rep;
	uint64_t ri = 0, mi = 0;
	sqlite3 *db;
	struct audit_leaf lf;
	struct audit_opening *o = NULL;
	size_t n = 0;

	fix_setup(&f);
	history(&f);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, false, &rep), ET_OK);
	ck_assert_uint_eq(rep.confidential, 4);
	ck_assert_uint_eq(rep.revealed, 0);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 2: confidential leaf never revealed"), "%s", rep.diff);
	/* close T-1: full openings of its three confidential leaves */
	ck_assert_int_eq(audit_ledger_reveal(f.l, "T-1", "system", false, &ri), ET_OK);
	ck_assert_uint_eq(ri, 7);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, false, &rep), ET_OK);
	ck_assert_uint_eq(rep.revealed, 3);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 4:"), "%s", rep.diff); /* T-2's */
	/* anyone can read the opened events from the public leaf */
	db = raw_open(&f);
	{
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT leaf FROM log_leaf WHERE idx = 7", -1, &st,
						    NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(audit_leaf_decode(sqlite3_column_blob(st, 0),
						   (size_t)sqlite3_column_bytes(st, 0), &lf), ET_OK);
		ck_assert_str_eq(lf.ev.kind, AUDIT_KIND_REVEALED);
		ck_assert_str_eq(lf.ev.tender, "T-1");
		ck_assert_int_eq(audit_reveal_parse(lf.ev.payload, lf.ev.payload_len, false, &o, &n), ET_OK);
		ck_assert_uint_eq(n, 3);
		ck_assert_uint_eq(o[0].index, 2);
		ck_assert_uint_eq(o[1].index, 3);
		ck_assert_uint_eq(o[2].index, 5);
		{
			struct audit_leaf inner;
			ck_assert_int_eq(audit_leaf_decode(o[0].enc, o[0].enc_len, &inner), ET_OK);
			ck_assert_str_eq(inner.ev.actor, "bidder-1");
			ck_assert_uint_eq(inner.ev.payload_len, strlen("secret-registration-1"));
		}
		free(o);
		sqlite3_finalize(st);
	}
	/* T-2 failed: membership only (no event, no bidder) */
	ck_assert_int_eq(audit_ledger_reveal(f.l, "T-2", "system", true, &mi), ET_OK);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_OK);
	ck_assert_uint_eq(rep.revealed, 4);
	{
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT leaf FROM log_leaf WHERE idx = ?1", -1, &st,
						    NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)mi);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert(!contains(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
					  "bidder-2", 8));
		ck_assert(!contains(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
					  "secret", 6));
		sqlite3_finalize(st);
	}
	/* revealing again opens nothing new (and nothing twice) */
	ck_assert_int_eq(audit_ledger_reveal(f.l, "T-1", "system", false, &ri), ET_OK);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_OK);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM audit_opened"), 4);
	/* a confidential leaf after the tender's last reveal is pending, not
	 * hidden; but it must be opened before all is closed */
	{
		struct toy_cmd c = { "T-1", "bidder-9", "regs", "late", 1, 0, 0, true, false, 0 };
		submit_ok(&f, &c, NULL);
		ck_assert_int_eq(audit_ledger_verify_reveals(f.l, false, &rep), ET_OK);
		ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_EVERIFY);
	}
	sqlite3_close(db);
	expect_replay_ok(&f);
	fix_teardown(&f);
}
END_TEST

/* ---- a batch whose COMMIT fails ------------------------------------------- */

#ifdef ET_TEST_HOOKS
START_TEST(failed_commit_leaves_nothing)
{
	struct fix f;
	/* 70 notes: the failed batch completes subtrees of 64 leaves, which
	 * the next batch then writes again with other leaves */
	struct toy_cmd big1 = { "T-1", "a1", "c", "first-try", 70, 1, 0, false, false, 0 };
	struct toy_cmd big2 = { "T-1", "a2", "c", "second", 35, 1, 0, true, false, 0 };
	struct toy_cmd big3 = { "T-1", "a3", "c", "third-one", 70, 1, 0, false, false, 0 };
	struct submit_job jobs[3] = {
		{ &f, slow_command, NULL, -1, { 0 } },
		{ &f, toy_command, &big1, -1, { 0 } },
		{ &f, toy_command, &big2, -1, { 0 } },
	};
	pthread_t th[3];
	struct audit_result r;
	struct audit_report rep;
	sqlite3 *db;
	int i;

	fix_setup(&f);
	history(&f);
	/* two batches fail at COMMIT: the gate alone, then big1 and big2
	 * (queued while the gate ran) */
	audit_ledger_test_fail_commits(f.l, 2);
	ck_assert_int_eq(pthread_create(&th[0], NULL, submit_thread, &jobs[0]), 0);
	usleep(100 * 1000);
	for (i = 1; i < 3; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, submit_thread, &jobs[i]), 0);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(jobs[i].rc, ET_EIO);
	ck_assert_uint_eq(audit_ledger_size(f.l), 7);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE actor IN ('a1', 'a2', 'gate')"), 0);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM conf_event"), 4);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM log_leaf"), (int64_t)audit_ledger_size(f.l));
	/* the ledger goes on: the same positions get other leaves */
	submit_ok(&f, &big3, &r);
	ck_assert_uint_eq(r.first + r.count, audit_ledger_size(f.l));
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE actor = 'a3'"), 70);
	sqlite3_close(db);
	ck_assert_int_eq(audit_ledger_verify_log(f.l, &rep), ET_OK);
	check_receipt(&f, r.first + 64);
	check_receipt(&f, 3);
	expect_replay_ok(&f);
	/* and after a reopen (the cache of merkle.c rebuilt from disk) */
	audit_ledger_close(f.l);
	fix_open_ledger(&f);
	check_receipt(&f, r.first + 64);
	fix_teardown(&f);
}
END_TEST
#endif

static int forged_reveal_command(struct audit_tx *tx, void *ctx)
{
	unsigned char payload[4] = { 0, 0, 0, 0 };
	struct audit_event ev = { AUDIT_KIND_REVEALED, 1, 0, "x", "T-1", payload, 4, false };

	(void)ctx;
	return audit_tx_emit(tx, &ev, NULL);
}

START_TEST(reveals_only_from_the_store)
{
	struct fix f;

	fix_setup(&f);
	history(&f);
	ck_assert_int_eq(audit_ledger_submit(f.l, forged_reveal_command, NULL, NULL), ET_EDENIED);
	ck_assert_uint_eq(audit_ledger_size(f.l), 7);
	fix_teardown(&f);
}
END_TEST

/* ---- I6: commands only read ------------------------------------------------ */

static int sneaky_command(struct audit_tx *tx, void *ctx)
{
	struct toy_cmd c = { "T-1", "sneak", "pub", "ok", 1, 0, 0, false, false, 0 };
	sqlite3 *db = audit_tx_db(tx);
	int *denied = ctx;
	const char *const writes[] = {
		"UPDATE toy_counter SET value = 1000",
		"INSERT INTO toy_note VALUES (99, 'T', 'a', x'00', 0, 0)",
		"DELETE FROM log_leaf",
		"CREATE TABLE side(x)",
		"CREATE TEMP TABLE side(x)",
		"COMMIT",
		"RELEASE audit_cmd",
		"SAVEPOINT mine",
		"PRAGMA synchronous = OFF",
		"ATTACH ':memory:' AS other",
	};

	for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++)
		if (sqlite3_exec(db, writes[i], NULL, NULL, NULL) == SQLITE_AUTH)
			(*denied)++;
	/* reads are fine, and emitting still works */
	if (sqlite3_exec(db, "SELECT count(*) FROM toy_counter; PRAGMA synchronous", NULL, NULL,
			 NULL) != SQLITE_OK)
		return ET_EDB;
	return toy_command(tx, &c);
}

static int nested_command(struct audit_tx *tx, void *ctx)
{
	(void)tx;
	return audit_ledger_submit(ctx, sneaky_command, NULL, NULL);
}

START_TEST(commands_only_read)
{
	struct fix f;
	struct audit_result r;
	int denied = 0;
	sqlite3 *db;

	fix_setup(&f);
	history(&f);
	ck_assert_int_eq(audit_ledger_submit(f.l, sneaky_command, &denied, &r), ET_OK);
	ck_assert_int_eq(denied, 10);
	ck_assert_uint_eq(r.count, 1);
	ck_assert_int_eq(audit_ledger_submit(f.l, nested_command, f.l, &r), ET_ESTATE);
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT value FROM toy_counter WHERE name = 'pub'"), 1);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM toy_note WHERE idx = 99"), 0);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'side'"), 0);
	sqlite3_close(db);
	expect_replay_ok(&f);
	fix_teardown(&f);
}
END_TEST

/* ---- reading: queries, checkpoint, leaves, proofs, a verifier ------------ */

static int count_notes(sqlite3 *db, void *ctx)
{
	int64_t *n = ctx;

	*n = -1;
	if (sqlite3_exec(db, "DELETE FROM toy_note", NULL, NULL, NULL) != SQLITE_AUTH)
		return ET_EINVAL; /* the reader never writes */
	return counter_value(db, "regs", n);
}

START_TEST(reading_and_verifier)
{
	struct fix f;
	struct audit_report rep;
	struct audit_ledger *v = NULL;
	struct audit_ledger_config cfg;
	struct toy_cmd c = { "T-1", "x", "x", "x", 1, 0, 0, false, false, 0 };
	unsigned char pub[32], other[32], *leaf = NULL, (*proof)[AUDIT_HASH_LEN] = NULL;
	unsigned char r1[32], r2[32];
	char *note = NULL, *text = NULL;
	struct audit_checkpoint cp;
	uint64_t size = 0;
	size_t len = 0, np = 0;
	int64_t n = 0;

	fix_setup(&f);
	ck_assert_int_eq(audit_ledger_checkpoint(f.l, &note, &size), ET_ENOTFOUND);
	history(&f);
	ck_assert_int_eq(audit_ledger_query(f.l, count_notes, &n), ET_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(audit_ledger_checkpoint(f.l, &note, &size), ET_OK);
	ck_assert_uint_eq(size, 7);
	ck_assert_int_eq(crypto_ed25519_public(seed, pub), ET_OK);
	ck_assert_int_eq(audit_note_verify(note, strlen(note), ORIGIN, pub, &text), ET_OK);
	ck_assert_int_eq(audit_checkpoint_parse(text, strlen(text), &cp), ET_OK);
	memcpy(r2, cp.root, 32);
	free(note);
	free(text);
	ck_assert_int_eq(audit_ledger_leaf(f.l, 0, &leaf, &len), ET_OK);
	{
		struct audit_leaf lf;
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &lf), ET_OK);
		ck_assert_str_eq(lf.ev.kind, "note.added");
	}
	free(leaf);
	ck_assert_int_eq(audit_ledger_leaf(f.l, 7, &leaf, &len), ET_ENOTFOUND);
	/* consistency 2 -> 7 against the signed checkpoints of those sizes */
	{
		sqlite3 *db = raw_open(&f);
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT note FROM ledger_checkpoint WHERE size = 2",
						    -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(audit_note_verify((const char *)sqlite3_column_text(st, 0),
						   (size_t)sqlite3_column_bytes(st, 0), ORIGIN, pub, &text),
				 ET_OK);
		sqlite3_finalize(st);
		sqlite3_close(db);
		ck_assert_int_eq(audit_checkpoint_parse(text, strlen(text), &cp), ET_OK);
		memcpy(r1, cp.root, 32);
		free(text);
	}
	ck_assert_int_eq(audit_ledger_consistency(f.l, 2, 7, &proof, &np), ET_OK);
	ck_assert_int_eq(audit_verify_consistency(2, 7, r1, r2, (const unsigned char (*)[32])proof, np),
			 ET_OK);
	free(proof);
	ck_assert_int_eq(audit_ledger_consistency(f.l, 2, 8, &proof, &np), ET_ENOTFOUND);
	/* a verifier: the public key only, read-only, same replay */
	cfg = (struct audit_ledger_config){ .db_path = f.path, .origin = ORIGIN, .pub = pub,
					    .modules = toy_modules, .nmodules = 1 };
	ck_assert_int_eq(audit_ledger_open(&cfg, &v), ET_OK);
	ck_assert_uint_eq(audit_ledger_size(v), 7);
	ck_assert_int_eq(audit_ledger_replay(v, &rep), ET_OK);
	ck_assert_uint_eq(rep.leaves, 7);
	ck_assert_int_eq(audit_ledger_submit(v, toy_command, &c, NULL), ET_EDENIED);
	audit_ledger_close(v);
	/* a wrong key: the checkpoint does not verify, nothing opens */
	memcpy(other, pub, 32);
	other[0] ^= 1;
	cfg.pub = other;
	ck_assert_int_ne(audit_ledger_open(&cfg, &v), ET_OK);
	ck_assert_ptr_null(v);
	cfg.seed = seed;
	ck_assert_int_eq(audit_ledger_open(&cfg, &v), ET_EKEY);
	fix_teardown(&f);
}
END_TEST

/* ---- public replay from the log alone -------------------------------------- */

/* Leaves from a plain SQLite connection (as a client would fetch them). */
static int leaf_from_db(void *ctx, uint64_t index, unsigned char **leaf, size_t *len)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_ENOTFOUND;

	if (sqlite3_prepare_v2(ctx, "SELECT leaf FROM log_leaf WHERE idx = ?1", -1, &st, NULL))
		return ET_EDB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*leaf = malloc(*len ? *len : 1);
		if (*leaf) {
			memcpy(*leaf, sqlite3_column_blob(st, 0), *len);
			rc = ET_OK;
		} else {
			rc = ET_ENOMEM;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Rows of table t in main but not in pub, plus the other way round. */
static int64_t table_diff(sqlite3 *db, const char *t)
{
	char sql[512];

	ck_assert_int_lt(snprintf(sql, sizeof sql,
				  "SELECT (SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT SELECT * FROM pub.%s))"
				  " + (SELECT count(*) FROM (SELECT * FROM pub.%s EXCEPT SELECT * FROM main.%s))",
				  t, t, t, t), (int)sizeof sql);
	return raw_int(db, sql);
}

START_TEST(public_replay)
{
	struct fix f;
	struct audit_report rep;
	unsigned char root[32], pub[32];
	char out[400], *note = NULL, *text = NULL;
	struct audit_checkpoint cp;
	uint64_t size;
	sqlite3 *db;

	fix_setup(&f);
	history(&f);
	ck_assert_int_eq(audit_ledger_reveal(f.l, "T-1", "system", false, NULL), ET_OK);
	ck_assert_int_eq(audit_ledger_reveal(f.l, "T-2", "system", true, NULL), ET_OK);
	ck_assert_int_lt(snprintf(out, sizeof out, "%s/public.db", f.dir), (int)sizeof out);
	db = raw_open(&f);
	ck_assert_int_eq(audit_replay_public(toy_modules, 1, leaf_from_db, db, 9, out, root, &rep), ET_OK);
	ck_assert_uint_eq(rep.leaves, 9);
	ck_assert_uint_eq(rep.confidential, 4);
	ck_assert_uint_eq(rep.revealed, 4);
	/* the root is the signed one */
	ck_assert_int_eq(audit_ledger_checkpoint(f.l, &note, &size), ET_OK);
	ck_assert_int_eq(crypto_ed25519_public(seed, pub), ET_OK);
	ck_assert_int_eq(audit_note_verify(note, strlen(note), ORIGIN, pub, &text), ET_OK);
	ck_assert_int_eq(audit_checkpoint_parse(text, strlen(text), &cp), ET_OK);
	ck_assert_uint_eq(size, 9);
	ck_assert_mem_eq(root, cp.root, 32);
	free(note);
	free(text);
	{
		char sql[512];
		ck_assert_int_lt(snprintf(sql, sizeof sql, "ATTACH '%s' AS pub", out), (int)sizeof sql);
		raw_exec(db, sql);
	}
	/* everything but T-2's registration (membership only) is public now */
	ck_assert_int_eq(table_diff(db, "toy_counter"), 0);
	ck_assert_int_eq(table_diff(db, "audit_opened"), 0);
	ck_assert_int_eq(table_diff(db, "toy_note"), 1);
	ck_assert_int_eq(raw_int(db, "SELECT idx FROM main.toy_note EXCEPT SELECT idx FROM pub.toy_note"), 4);
	raw_exec(db, "DETACH pub");
	ck_assert_int_eq(audit_replay_public(toy_modules, 1, leaf_from_db, db, 9, out, root, &rep),
			 ET_EEXIST);
	/* a forged opening is caught: swap the payload of the reveal */
	raw_exec(db, "DROP TRIGGER log_leaf_no_update");
	flip_last_byte(db, "log_leaf", "leaf", 7);
	unlink(out);
	ck_assert_int_eq(audit_replay_public(toy_modules, 1, leaf_from_db, db, 9, out, root, &rep),
			 ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, "leaf 7: the opening of leaf 5 does not match"), "%s", rep.diff);
	unlink(out);
	sqlite3_close(db);
	fix_teardown(&f);
}
END_TEST

START_TEST(large_reveal_in_chunks)
{
	struct fix f;
	struct audit_report rep;
	struct audit_result r;
	char *big = malloc(60001), out[400];
	unsigned char root[32];
	uint64_t ri = 0;
	sqlite3 *db;

	ck_assert_ptr_nonnull(big);
	memset(big, 'b', 60000);
	big[60000] = 0;
	fix_setup(&f);
	{
		/* 40 confidential events of 60 kB: 2.4 MB of openings */
		struct toy_cmd c = { "T-big", "bidder", "n", big, 40, 0, 0, true, false, 0 };
		submit_ok(&f, &c, &r);
		ck_assert_uint_eq(r.count, 40);
	}
	ck_assert_int_eq(audit_ledger_reveal(f.l, "T-big", "system", false, &ri), ET_OK);
	ck_assert_uint_eq(ri, 42); /* three reveal events: 40, 41, 42 */
	db = raw_open(&f);
	ck_assert_int_eq(raw_int(db, "SELECT count(DISTINCT reveal_idx) FROM audit_opened"), 3);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM audit_opened"), 40);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_OK);
	ck_assert_uint_eq(rep.revealed, 40);
	expect_replay_ok(&f);
	ck_assert_int_lt(snprintf(out, sizeof out, "%s/public.db", f.dir), (int)sizeof out);
	ck_assert_int_eq(audit_replay_public(toy_modules, 1, leaf_from_db, db, 43, out, root, &rep), ET_OK);
	ck_assert_uint_eq(rep.revealed, 40);
	unlink(out);
	sqlite3_close(db);
	fix_teardown(&f);
	free(big);
}
END_TEST

/* ---- a random mix from several threads ------------------------------------ */

struct mix_job {
	struct fix *f;
	uint32_t rng;
	int ok, failed;
};

static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static const char *const mix_tenders[] = { "T-0", "T-1", "T-2", "T-3", "T-4" };

static void *mix_thread(void *arg)
{
	struct mix_job *j = arg;

	for (int i = 0; i < 60; i++) {
		uint32_t r = xorshift(&j->rng);
		const char *t = mix_tenders[r % 5];
		int rc;
		if ((r >> 4) % 10 == 0) {
			rc = audit_ledger_reveal(j->f->l, t, "system", (r >> 8) & 1, NULL);
		} else {
			struct toy_cmd c = { t, "mixer", t, "mixed payload", (int)((r >> 8) % 4),
					     (int)((r >> 12) % 3), 40, ((r >> 16) & 1) != 0,
					     (r >> 17) % 7 == 0, 0 };
			rc = audit_ledger_submit(j->f->l, toy_command, &c, NULL);
		}
		if (rc == ET_OK)
			j->ok++;
		else if (rc == ET_ESTATE)
			j->failed++;
		else
			return arg; /* unexpected */
	}
	return NULL;
}

START_TEST(random_mix)
{
	struct fix f;
	struct mix_job jobs[6];
	pthread_t th[6];
	struct audit_report rep;
	int i, ok = 0, failed = 0;
	char out[400];
	unsigned char root[32];
	sqlite3 *db;

	fix_setup(&f);
	for (i = 0; i < 6; i++) {
		jobs[i] = (struct mix_job){ &f, 2463534242u + 7919u * (uint32_t)i, 0, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, mix_thread, &jobs[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		void *bad;
		pthread_join(th[i], &bad);
		ck_assert_ptr_null(bad);
		ok += jobs[i].ok;
		failed += jobs[i].failed;
	}
	ck_assert_int_eq(ok + failed, 360);
	ck_assert_int_gt(failed, 0);
	expect_replay_ok(&f);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, false, &rep), ET_OK);
	/* close everything: then every confidential leaf is accounted for */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(audit_ledger_reveal(f.l, mix_tenders[i], "system", false, NULL), ET_OK);
	ck_assert_int_eq(audit_ledger_verify_reveals(f.l, true, &rep), ET_OK);
	ck_assert_uint_eq(rep.revealed, rep.confidential);
	expect_replay_ok(&f);
	/* the public replay sees all that was fully opened */
	ck_assert_int_lt(snprintf(out, sizeof out, "%s/public.db", f.dir), (int)sizeof out);
	db = raw_open(&f);
	ck_assert_int_eq(audit_replay_public(toy_modules, 1, leaf_from_db, db, audit_ledger_size(f.l),
					     out, root, &rep), ET_OK);
	{
		char sql[512];
		ck_assert_int_lt(snprintf(sql, sizeof sql, "ATTACH '%s' AS pub", out), (int)sizeof sql);
		raw_exec(db, sql);
	}
	ck_assert_int_eq(table_diff(db, "toy_counter"), 0);
	ck_assert_int_eq(table_diff(db, "audit_opened"), 0);
	/* notes differ only by the confidential ones opened by membership */
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM (SELECT * FROM pub.toy_note EXCEPT"
				     " SELECT * FROM main.toy_note)"), 0);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM (SELECT idx FROM main.toy_note EXCEPT"
				     " SELECT idx FROM pub.toy_note)"),
			 raw_int(db, "SELECT count(*) FROM audit_opened WHERE full = 0"));
	raw_exec(db, "DETACH pub");
	sqlite3_close(db);
	unlink(out);
	fix_teardown(&f);
}
END_TEST

/* ---- kill -9 in the middle ------------------------------------------------ */

struct child_job {
	struct audit_ledger *l;
	int fd;
	int k;
};

static void *child_thread(void *arg)
{
	struct child_job *j = arg;
	char line[64], actor[32];
	int i;

	if (snprintf(actor, sizeof actor, "w%d", j->k) >= (int)sizeof actor)
		abort();
	for (i = 0;; i++) {
		struct toy_cmd c = { "T-k", actor, "k", "crash", 1 + i % 3, 1, 0, i % 2 == 1, false, 0 };
		struct audit_result r;
		int w;
		if (audit_ledger_submit(j->l, toy_command, &c, &r) != ET_OK)
			_exit(3);
		w = snprintf(line, sizeof line, "%" PRIu64 " %" PRIu64 "\n", r.first, r.count);
		if (w < 0 || w >= (int)sizeof line || write(j->fd, line, (size_t)w) != w)
			_exit(4);
	}
	return NULL;
}

START_TEST(kill9_keeps_acknowledged)
{
	struct fix f;
	int pfd[2], status, acks = 0;
	pid_t pid;
	FILE *in;
	uint64_t first, count, maxack = 0;
	uint64_t *ackf = NULL;
	size_t nack = 0, cap = 0;
	sqlite3 *db;
	sqlite3_stmt *st;

	fix_setup(&f);
	audit_ledger_close(f.l); /* the child owns the database */
	f.l = NULL;
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct child_job jobs[4];
		pthread_t th[4];
		close(pfd[0]);
		fix_open_ledger(&f);
		for (int i = 0; i < 4; i++) {
			jobs[i] = (struct child_job){ f.l, pfd[1], i };
			if (pthread_create(&th[i], NULL, child_thread, &jobs[i]))
				_exit(2);
		}
		for (;;)
			pause();
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	ck_assert_ptr_nonnull(in);
	while (fscanf(in, "%" SCNu64 " %" SCNu64, &first, &count) == 2) {
		if (nack == cap) {
			cap = cap ? 2 * cap : 256;
			ackf = realloc(ackf, cap * 2 * sizeof *ackf);
			ck_assert_ptr_nonnull(ackf);
		}
		ackf[2 * nack] = first;
		ackf[2 * nack + 1] = count;
		nack++;
		if (first + count > maxack)
			maxack = first + count;
		if (++acks == 150)
			kill(pid, SIGKILL); /* mid-run: other commands are in flight */
	}
	fclose(in);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_int_ge(acks, 150);
	/* reopen: recovery passes, every acknowledged event is there */
	fix_open_ledger(&f);
	ck_assert_uint_ge(audit_ledger_size(f.l), maxack);
	db = raw_open(&f);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM toy_note WHERE idx = ?1", -1, &st,
					    NULL), SQLITE_OK);
	for (size_t i = 0; i < nack; i++) {
		/* a command's notes come first, then its increment */
		for (uint64_t k = 0; k + 1 < ackf[2 * i + 1]; k++) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, (sqlite3_int64)(ackf[2 * i] + k));
			ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
			ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		}
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM log_leaf"), (int64_t)audit_ledger_size(f.l));
	sqlite3_close(db);
	expect_replay_ok(&f);
	fix_teardown(&f);
	free(ackf);
}
END_TEST

/* ---- whole-log verification across chunks and threads --------------------- */

/* Restore row idx of log_leaf from the temporary copy `keep`. */
static void restore_leaf(sqlite3 *db, int64_t idx)
{
	char sql[200];

	ck_assert_int_lt(snprintf(sql, sizeof sql,
				  "UPDATE log_leaf SET leaf = (SELECT leaf FROM keep WHERE idx = %lld),"
				  " hash = (SELECT hash FROM keep WHERE idx = %lld) WHERE idx = %lld",
				  (long long)idx, (long long)idx, (long long)idx), (int)sizeof sql);
	raw_exec(db, sql);
}

/* Set the stored hash of leaf idx to the hash of its (changed) bytes. */
static void rehash_leaf(sqlite3 *db, int64_t idx)
{
	sqlite3_stmt *st = NULL;
	unsigned char h[32];

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT leaf FROM log_leaf WHERE idx = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, idx);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	audit_leaf_hash(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), h);
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE log_leaf SET hash = ?1 WHERE idx = ?2", -1, &st,
					    NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, idx);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Replace the checkpoint of size `size` by a note signed with the log key
 * over the same size and a wrong root (or, if resign is false, break the
 * signature of the stored note). */
static void forge_checkpoint(sqlite3 *db, uint64_t size, bool resign)
{
	struct audit_checkpoint cp;
	char *text = NULL, *note = NULL, sql[160];
	sqlite3_stmt *st = NULL;
	const unsigned char *old;

	ck_assert_int_lt(snprintf(sql, sizeof sql, "SELECT note FROM ledger_checkpoint WHERE size = %" PRIu64,
				  size), (int)sizeof sql);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	old = sqlite3_column_text(st, 0);
	if (resign) {
		memset(&cp, 0, sizeof cp);
		memcpy(cp.origin, ORIGIN, sizeof ORIGIN);
		cp.size = size;
		memset(cp.root, 0x5a, sizeof cp.root);
		ck_assert_int_eq(audit_checkpoint_format(&cp, &text), ET_OK);
		ck_assert_int_eq(audit_note_sign(text, ORIGIN, seed, &note), ET_OK);
	} else {
		size_t n = strlen((const char *)old);
		note = strdup((const char *)old);
		ck_assert_ptr_nonnull(note);
		/* a base64 character of the signature, well inside it */
		note[n - 10] = note[n - 10] == 'A' ? 'B' : 'A';
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE ledger_checkpoint SET note = ?1 WHERE size = ?2",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	free(text);
	free(note);
}

static void expect_verify(struct fix *f, const char *needle)
{
	struct audit_report rep;
	int rc = audit_ledger_verify_log(f->l, &rep);

	if (!needle) {
		ck_assert_msg(rc == ET_OK, "verify: %s (%s)", rep.diff, et_strerror(rc));
		ck_assert_uint_eq(rep.leaves, audit_ledger_size(f->l));
		ck_assert_uint_eq(rep.checkpoints, 25);
		return;
	}
	ck_assert_int_eq(rc, ET_EVERIFY);
	ck_assert_msg(strstr(rep.diff, needle), "report \"%s\" lacks \"%s\"", rep.diff, needle);
}

/* 25 batches of 400 leaves (several chunks of the verifier): every kind of
 * damage is found, and with two at once, the one at the lower index, with
 * and without the second thread; replay reports the same. */
static void verify_first_bad(bool single)
{
	struct fix f;
	struct toy_cmd c = { "T-1", "agent-1", "c", "a body of some length", 400, 0, 0, false, false, 0 };
	sqlite3 *db;
	int b;

	fix_setup(&f);
	audit_ledger_test_single_thread(f.l, single);
	for (b = 0; b < 25; b++)
		submit_ok(&f, &c, NULL);
	ck_assert_uint_eq(audit_ledger_size(f.l), 10000);
	expect_verify(&f, NULL);
	expect_replay_ok(&f);
	db = raw_open(&f);
	raw_exec(db, "DROP TRIGGER log_leaf_no_update; DROP TRIGGER ledger_checkpoint_no_update;"
		     " CREATE TEMP TABLE keep AS SELECT * FROM log_leaf;"
		     " CREATE TEMP TABLE keepcp AS SELECT * FROM ledger_checkpoint;");
	/* a changed leaf, alone, then with a later one and an earlier one */
	static const int64_t where[] = { 0, 1, 5000, 4095, 4096, 8191, 8192, 9999 };
	for (size_t k = 0; k < sizeof where / sizeof where[0]; k++) {
		char needle[64];
		flip_last_byte(db, "log_leaf", "leaf", where[k]);
		ck_assert_int_lt(snprintf(needle, sizeof needle, "leaf %lld: its bytes do not hash",
					  (long long)where[k]), (int)sizeof needle);
		expect_verify(&f, needle);
		if (where[k] < 9999) {
			flip_last_byte(db, "log_leaf", "leaf", 9999);
			expect_verify(&f, needle);
			restore_leaf(db, 9999);
		}
		if (k == 2) {
			const char *n[] = { needle, NULL };
			expect_replay_fails(&f, n);
		}
		restore_leaf(db, where[k]);
	}
	expect_verify(&f, NULL);
	/* a changed hash column alone */
	flip_last_byte(db, "log_leaf", "hash", 6001);
	expect_verify(&f, "leaf 6001: its bytes do not hash");
	restore_leaf(db, 6001);
	/* leaf and hash changed together: the checkpoint after it catches it,
	 * before a later changed leaf, after an earlier one */
	flip_last_byte(db, "log_leaf", "leaf", 7000);
	rehash_leaf(db, 7000);
	expect_verify(&f, "checkpoint of size 7200: its root does not match the log (one of leaves 6800..7199");
	flip_last_byte(db, "log_leaf", "leaf", 7300);
	expect_verify(&f, "checkpoint of size 7200: its root");
	flip_last_byte(db, "log_leaf", "leaf", 100);
	expect_verify(&f, "leaf 100: its bytes do not hash");
	restore_leaf(db, 100);
	restore_leaf(db, 7300);
	restore_leaf(db, 7000);
	expect_verify(&f, NULL);
	/* a checkpoint whose signature is broken, before a changed leaf */
	forge_checkpoint(db, 2000, false);
	expect_verify(&f, "checkpoint of size 2000: signature does not verify");
	flip_last_byte(db, "log_leaf", "leaf", 3000);
	expect_verify(&f, "checkpoint of size 2000: signature does not verify");
	flip_last_byte(db, "log_leaf", "leaf", 1999);
	expect_verify(&f, "leaf 1999: its bytes do not hash");
	restore_leaf(db, 1999);
	restore_leaf(db, 3000);
	raw_exec(db, "UPDATE ledger_checkpoint SET note = (SELECT note FROM keepcp WHERE size = 2000)"
		     " WHERE size = 2000");
	expect_verify(&f, NULL);
	/* a validly signed checkpoint whose root is not the log's */
	forge_checkpoint(db, 4000, true);
	expect_verify(&f, "checkpoint of size 4000: its root does not match the log (one of leaves 3600..3999");
	forge_checkpoint(db, 8000, false);
	expect_verify(&f, "checkpoint of size 4000: its root");
	raw_exec(db, "UPDATE ledger_checkpoint SET note = (SELECT note FROM keepcp WHERE size = note_size.s)"
		     " FROM (SELECT 4000 AS s UNION SELECT 8000) AS note_size WHERE size = note_size.s");
	expect_verify(&f, NULL);
	expect_replay_ok(&f);
	sqlite3_close(db);
	fix_teardown(&f);
}

START_TEST(verify_first_bad_index)
{
	verify_first_bad(false);
}
END_TEST

START_TEST(verify_first_bad_index_single_thread)
{
	verify_first_bad(true);
}
END_TEST

START_TEST(bad_config)
{
	struct audit_ledger *l = NULL;
	struct audit_ledger_config cfg = { .db_path = "/nonexistent-dir/x/ledger.db", .origin = ORIGIN,
					   .seed = seed, .modules = toy_modules, .nmodules = 1 };
	static const struct audit_kind dup_kinds[] = {
		{ "note.added", 1, apply_note },
	};
	static const struct audit_module dup = { "dup", "", NULL, dup_kinds, 1, NULL };
	static const struct audit_kind bad_kinds[] = {
		{ "Bad Kind", 1, apply_note },
	};
	static const struct audit_module bad = { "bad", "", NULL, bad_kinds, 1, NULL };
	const struct audit_module *const mods[] = { &toy_module, &dup };
	const struct audit_module *const mods2[] = { &bad };

	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_EDB);
	ck_assert_ptr_null(l);
	cfg.db_path = ":memory:";
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_EINVAL);
	cfg.db_path = "/nonexistent-dir/x/ledger.db";
	cfg.modules = mods;
	cfg.nmodules = 2;
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_EEXIST);
	cfg.modules = mods2;
	cfg.nmodules = 1;
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_EINVAL);
	cfg.origin = "";
	ck_assert_int_eq(audit_ledger_open(&cfg, &l), ET_EINVAL);
	audit_ledger_close(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("audit_ledger");
	TCase *tc = tcase_create("ledger");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, command_emits_events);
	tcase_add_test(tc, validation_sees_own_events);
	tcase_add_test(tc, emit_error_fails_command);
	tcase_add_test(tc, failing_command_in_batch);
	tcase_add_test(tc, concurrent_1);
	tcase_add_test(tc, concurrent_8);
	tcase_add_test(tc, concurrent_64);
	tcase_add_test(tc, reopen_and_replay);
	tcase_add_test(tc, on_commit_hook);
	tcase_add_test(tc, tamper_projection);
	tcase_add_test(tc, tamper_log);
	tcase_add_test(tc, tamper_checkpoint);
	tcase_add_test(tc, tamper_store);
	tcase_add_test(tc, confidential_leaf_hides);
	tcase_add_test(tc, reveal_and_verify);
	tcase_add_test(tc, commands_only_read);
#ifdef ET_TEST_HOOKS
	tcase_add_test(tc, failed_commit_leaves_nothing);
	tcase_add_test(tc, verify_first_bad_index);
	tcase_add_test(tc, verify_first_bad_index_single_thread);
#endif
	tcase_add_test(tc, reveals_only_from_the_store);
	tcase_add_test(tc, public_replay);
	tcase_add_test(tc, random_mix);
	tcase_add_test(tc, large_reveal_in_chunks);
	tcase_add_test(tc, reading_and_verifier);
	tcase_add_test(tc, kill9_keeps_acknowledged);
	tcase_add_test(tc, bad_config);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
