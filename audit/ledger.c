/* audit/ledger.c — the one write path: a single writer thread runs domain
 * commands, each in a savepoint of one batch transaction; their events go
 * to the Merkle log as canonical leaves and to the projections through the
 * registered apply functions; one commit and one signed checkpoint per
 * batch (group commit). Also replay (G5) against the live database, the
 * public replay from the log alone, and the reveal verifier.
 *
 * Invariants (I1–I5 hold at every commit, so after any crash):
 *  I1 every leaf of log_leaf has been applied to the projections, in index
 *     order, in the same transaction that appended it;
 *  I2 a confidential leaf idx has its row conf_event(idx) (salt, blind,
 *     encoding) in the same database, committed with it;
 *  I3 the checkpoint of the largest size in ledger_checkpoint has size =
 *     log size and is signed by the log key (one per non-empty batch);
 *  I4 a submitter is woken only after the COMMIT of its batch returned;
 *  I5 leaf times never decrease (the command time is max(now, last));
 *  I6 while a command runs, its SQL can only read: an authorizer on the
 *     writer's connection denies every write, DDL, transaction and
 *     savepoint statement outside audit_tx_emit, so apply functions are
 *     the only writers of projections (and the reader connection never
 *     writes at all).
 *
 * Submission states: queued (in l->head list) -> running (writer took the
 * batch) -> done (rc and result set, submitter woken). Only the writer
 * thread touches wdb/wlog; rdb/rlog (reads, receipts, replay) are guarded
 * by rmu. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "crypto/crypto.h"

#define REVEAL_VERSION 1
/* Bytes of the database file mapped per connection (16 GiB of address
 * space; SQLite lowers it to its compile-time maximum). */
#define ET_LEDGER_MMAP "17179869184"

struct kind_entry {
	const char *kind;
	uint16_t version;
	audit_apply_fn *apply;
	void *ctx;
};

/* Lives on its submitter's stack; the writer sets rc and res, then posts
 * done (which publishes them), and never touches it again. */
struct submission {
	audit_command_fn *fn;
	void *ctx;
	int rc;
	sem_t done;
	struct audit_result res;
	struct submission *next;
};

/* The writer's statements, prepared once (no parse per command or batch). */
enum {
	WST_BEGIN,
	WST_COMMIT,
	WST_ROLLBACK,
	WST_SAVEPOINT,
	WST_RELEASE,
	WST_ROLLBACK_TO,
	WST_INS_CHECKPOINT,
	WST_INS_CONF,
	WST_COUNT
};

static const char *const wst_sql[WST_COUNT] = {
	[WST_BEGIN] = "BEGIN IMMEDIATE",
	[WST_COMMIT] = "COMMIT",
	[WST_ROLLBACK] = "ROLLBACK",
	[WST_SAVEPOINT] = "SAVEPOINT audit_cmd",
	[WST_RELEASE] = "RELEASE audit_cmd",
	[WST_ROLLBACK_TO] = "ROLLBACK TO audit_cmd",
	[WST_INS_CHECKPOINT] = "INSERT INTO ledger_checkpoint(size, note, time_us) VALUES (?1, ?2, ?3)",
	[WST_INS_CONF] = "INSERT INTO conf_event(idx, tender, salt, blind, event) VALUES (?1, ?2, ?3, ?4, ?5)",
};

struct audit_ledger {
	char *db_path;
	char *origin;
	unsigned char seed[CRYPTO_ED25519_SEED_LEN];
	unsigned char pub[CRYPTO_ED25519_PUB_LEN];
	const struct audit_module **modules; /* the ledger's own first, then cfg's */
	size_t nmodules;
	struct kind_entry *kinds;
	size_t nkinds;
	void (*on_commit)(void *ctx, uint64_t size);
	void *on_commit_ctx;

	sqlite3 *wdb;                /* writer thread only (after open); NULL for a verifier */
	struct audit_log *wlog;
	sqlite3_stmt *wst[WST_COUNT];
	struct crypto_ed25519_signer *signer; /* the log key, decoded once (writer) */
	uint32_t key_hash;           /* C2SP key hash of (origin, pub) */
	int64_t last_time;           /* writer: time of the last committed command */
	bool in_command, in_emit;    /* writer: what the authorizer allows (I6) */

	pthread_mutex_t rmu;         /* guards rdb, rlog */
	sqlite3 *rdb;
	struct audit_log *rlog;

	pthread_mutex_t mu;          /* guards the fields below */
	pthread_cond_t work;
	struct submission *head, *tail;
	size_t nqueued;              /* submissions in the head list */
	size_t want;                 /* writer gathering: wake it at this many (0: not) */
	bool stop;
	uint64_t size;               /* committed log size */
	pthread_t thread;
	bool thread_started;
#ifdef ET_TEST_HOOKS
	atomic_int test_fail_commits;
	atomic_bool test_single_thread;
#endif
};

struct audit_tx {
	struct audit_ledger *l;
	sqlite3 *db;
	int64_t time_us;
	int failed;                  /* first emit error: the command fails */
	uint64_t first, count;
	bool own_kind_ok;            /* audit_tx_reveal is emitting */
};

/* ---- the ledger's own module: reveals ---------------------------------- */

static int apply_reveal(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx,
			bool membership)
{
	struct audit_opening *o = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0, i;
	int rc;

	(void)ctx;
	if (!ev->tender[0])
		return et_fail(ET_EINVAL);
	rc = audit_reveal_parse(ev->payload, ev->payload_len, membership, &o, &n);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO audit_opened(idx, tender, reveal_idx, full) VALUES (?1, ?2, ?3, ?4)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (o[i].index >= index) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		sqlite3_bind_int64(st, 1, (sqlite3_int64)o[i].index);
		sqlite3_bind_text(st, 2, ev->tender, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)index);
		sqlite3_bind_int(st, 4, !membership);
		if (sqlite3_step(st) != SQLITE_DONE) { /* opened twice: primary key */
			rc = et_fail(ET_ESTATE);
			goto out;
		}
		sqlite3_reset(st);
	}
out:
	sqlite3_finalize(st);
	free(o);
	return rc;
}

static int apply_revealed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	return apply_reveal(db, ev, index, ctx, false);
}

static int apply_membership(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	return apply_reveal(db, ev, index, ctx, true);
}

static const char *const own_tables[] = { "audit_opened", NULL };
static const struct audit_kind own_kinds[] = {
	{ AUDIT_KIND_REVEALED, REVEAL_VERSION, apply_revealed },
	{ AUDIT_KIND_MEMBERSHIP, REVEAL_VERSION, apply_membership },
};
static const struct audit_module own_module = {
	.name = "audit",
	.schema_sql = "CREATE TABLE IF NOT EXISTS audit_opened("
		      " idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
		      " reveal_idx INTEGER NOT NULL, full INTEGER NOT NULL);",
	.tables = own_tables,
	.kinds = own_kinds,
	.nkinds = sizeof own_kinds / sizeof own_kinds[0],
};

/* Ledger tables beside the log (merkle.c makes log_leaf, log_node). */
static const char ledger_schema[] =
	"CREATE TABLE IF NOT EXISTS ledger_checkpoint("
	" size INTEGER PRIMARY KEY, note TEXT NOT NULL, time_us INTEGER NOT NULL);\n"
	"CREATE TRIGGER IF NOT EXISTS ledger_checkpoint_no_update BEFORE UPDATE ON ledger_checkpoint"
	" BEGIN SELECT RAISE(ABORT, 'ledger_checkpoint is append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS ledger_checkpoint_no_delete BEFORE DELETE ON ledger_checkpoint"
	" BEGIN SELECT RAISE(ABORT, 'ledger_checkpoint is append-only'); END;\n"
	/* The confidential store: never served, never part of the public log. */
	"CREATE TABLE IF NOT EXISTS conf_event("
	" idx INTEGER PRIMARY KEY, tender TEXT NOT NULL, salt BLOB NOT NULL,"
	" blind BLOB NOT NULL, event BLOB NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS conf_event_tender ON conf_event(tender, idx);\n"
	"CREATE TRIGGER IF NOT EXISTS conf_event_no_update BEFORE UPDATE ON conf_event"
	" BEGIN SELECT RAISE(ABORT, 'conf_event is append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS conf_event_no_delete BEFORE DELETE ON conf_event"
	" BEGIN SELECT RAISE(ABORT, 'conf_event is append-only'); END;\n";

/* ---- small SQLite helpers ------------------------------------------------ */

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		et_log(ET_LOG_ERROR, "ledger: %s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return et_fail(ET_EDB);
	}
	return ET_OK;
}

/* Writer and reader: WAL, synchronous=FULL (a commit is on disk when
 * COMMIT returns). A verifier opens read-only and changes nothing. */
static int open_db(const char *path, bool readonly, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = ET_OK;

	*out = NULL;
	/* NOMUTEX: each connection is already used by one thread at a time
	 * (wdb by the writer thread only, rdb under rmu), so SQLite's own
	 * per-call connection mutex (a lock and unlock around every step and
	 * column read) buys nothing. */
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		et_log(ET_LOG_ERROR, "ledger: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	/* Proofs and verification read log_leaf/log_node at random and in
	 * long scans: map the file (reads without a copy into the page cache;
	 * SQLite caps it at SQLITE_MAX_MMAP_SIZE) and give the page cache
	 * room for the upper b-tree pages of a 10 M-leaf log. */
	if ((rc = exec(db, "PRAGMA mmap_size=" ET_LEDGER_MMAP "; PRAGMA cache_size=-32768;")))
		goto out;
	if (!readonly && (rc = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
					" PRAGMA foreign_keys=ON;")))
		goto out;
	*out = db;
	db = NULL;
out:
	sqlite3_close(db);
	return rc;
}

static void report_set(struct audit_report *r, const char *fmt, ...) ET_PRINTF(2, 3);
static void report_set(struct audit_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->diff[0])
		return; /* keep the first problem */
	va_start(ap, fmt);
	if (vsnprintf(r->diff, sizeof r->diff, fmt, ap) < 0)
		r->diff[0] = '?';
	va_end(ap);
}

static const struct kind_entry *find_kind(const struct audit_ledger *l, const char *kind,
					  uint16_t version)
{
	size_t i;

	for (i = 0; i < l->nkinds; i++)
		if (l->kinds[i].version == version && !strcmp(l->kinds[i].kind, kind))
			return &l->kinds[i];
	return NULL;
}

/* I6: inside a command only reads; inside audit_tx_emit anything. */
static int writer_auth(void *arg, int action, const char *a, const char *b, const char *db,
		       const char *trigger)
{
	const struct audit_ledger *l = arg;

	(void)a;
	(void)db;
	(void)trigger;
	if (!l->in_command || l->in_emit)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_READ:
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		return b ? SQLITE_DENY : SQLITE_OK; /* queries only, no assignment */
	default:
		return SQLITE_DENY;
	}
}

/* The reader connection only reads (and opens and ends read transactions). */
static int reader_auth(void *arg, int action, const char *a, const char *b, const char *db,
		       const char *trigger)
{
	(void)arg;
	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_READ:
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT: /* merkle.c reads inside a savepoint */
		return SQLITE_OK;
	case SQLITE_PRAGMA: /* queries, and table_info(t) for replay */
		return !b || (a && !strcmp(a, "table_info")) ? SQLITE_OK : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

/* ---- commands ---------------------------------------------------------- */

sqlite3 *audit_tx_db(struct audit_tx *tx)
{
	return tx->db;
}

int64_t audit_tx_time(const struct audit_tx *tx)
{
	return tx->time_us;
}

static int store_confidential(struct audit_tx *tx, uint64_t index, const char *tender,
			      const unsigned char *salt, const unsigned char *blind,
			      const struct et_buf *enc)
{
	sqlite3_stmt *st = tx->l->wst[WST_INS_CONF];
	int rc = ET_OK;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	sqlite3_bind_text(st, 2, tender, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, salt, AUDIT_SALT_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, blind, AUDIT_SALT_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, enc->data, (int)enc->len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st); /* the salt and blind are the caller's, wiped after */
	return rc;
}

int audit_tx_emit(struct audit_tx *tx, const struct audit_event *ev, uint64_t *index)
{
	struct audit_event e;
	const struct kind_entry *k;
	struct et_buf enc;
	unsigned char salt[AUDIT_SALT_LEN], blind[AUDIT_SALT_LEN], d[AUDIT_HASH_LEN],
		c[AUDIT_HASH_LEN], cleaf[AUDIT_COMMITMENT_LEAF_LEN];
	uint64_t idx = 0;
	int rc;

	et_buf_init(&enc, ET_LEAF_MAX_LEN);
	if (!tx || !ev)
		return et_fail(ET_EINVAL);
	if (tx->failed)
		return tx->failed;
	tx->l->in_emit = true;
	e = *ev;
	e.time_us = tx->time_us;
	if (!e.actor)
		e.actor = "";
	if (!e.tender)
		e.tender = "";
	if (!e.kind || !(k = find_kind(tx->l, e.kind, e.version))) {
		rc = et_fail(ET_EINVAL); /* no module applies this kind */
		goto out;
	}
	if (k->apply == apply_revealed || k->apply == apply_membership) {
		if (!tx->own_kind_ok || e.confidential) {
			rc = et_fail(ET_EDENIED); /* reveals come from the store only */
			goto out;
		}
	}
	if ((rc = audit_leaf_encode_event(&e, &enc)))
		goto out;
	if (e.confidential) {
		if (!e.tender[0]) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		if ((rc = crypto_random(salt, sizeof salt)) || (rc = crypto_random(blind, sizeof blind)))
			goto out;
		if ((rc = audit_event_digest(blind, enc.data, enc.len, d)) ||
		    (rc = audit_commitment(salt, e.tender, d, c)))
			goto out;
		audit_leaf_encode_commitment(c, cleaf);
		if ((rc = audit_log_append(tx->l->wlog, cleaf, sizeof cleaf, &idx)) ||
		    (rc = store_confidential(tx, idx, e.tender, salt, blind, &enc)))
			goto out;
	} else {
		if ((rc = audit_log_append(tx->l->wlog, enc.data, enc.len, &idx)))
			goto out;
	}
	if ((rc = k->apply(tx->db, &e, idx, k->ctx)))
		goto out;
	if (!tx->count)
		tx->first = idx;
	tx->count++;
	if (index)
		*index = idx;
out:
	tx->l->in_emit = false;
	crypto_wipe(salt, sizeof salt);
	crypto_wipe(blind, sizeof blind);
	crypto_wipe(d, sizeof d);
	et_buf_free(&enc);
	if (rc)
		tx->failed = rc;
	return rc;
}

/* One chunk of a reveal: the not yet opened confidential leaves of tender
 * after index *from (all if *from_any is false), as many as fit one leaf;
 * appended to p (which holds the 4-byte count). *more: rows remain. */
static int reveal_chunk(struct audit_tx *tx, const char *tender, bool membership, struct et_buf *p,
			uint64_t *from, bool *from_any, bool *more)
{
	sqlite3_stmt *st = NULL;
	unsigned char hdr[8], d[AUDIT_HASH_LEN];
	uint32_t n = 0;
	int rc = ET_OK, src;

	*more = false;
	if (sqlite3_prepare_v2(tx->db,
			       "SELECT c.idx, c.salt, c.blind, c.event FROM conf_event c"
			       " WHERE c.tender = ?1 AND c.idx > ?2 AND NOT EXISTS"
			       " (SELECT 1 FROM audit_opened o WHERE o.idx = c.idx) ORDER BY c.idx",
			       -1, &st, NULL) != SQLITE_OK)
		return et_fail(ET_EDB);
	sqlite3_bind_text(st, 1, tender, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *from_any ? (sqlite3_int64)*from : -1);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t idx = (uint64_t)sqlite3_column_int64(st, 0);
		const void *salt = sqlite3_column_blob(st, 1), *blind = sqlite3_column_blob(st, 2),
			   *enc = sqlite3_column_blob(st, 3);
		size_t enc_len = (size_t)sqlite3_column_bytes(st, 3);
		size_t need = 8 + AUDIT_SALT_LEN + (membership ? AUDIT_HASH_LEN : AUDIT_SALT_LEN + 4 + enc_len);

		if (sqlite3_column_bytes(st, 1) != AUDIT_SALT_LEN ||
		    sqlite3_column_bytes(st, 2) != AUDIT_SALT_LEN || !enc) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		if (need > p->max - p->len) {
			if (!n) { /* one opening alone does not fit a leaf */
				rc = et_fail(ET_ELIMIT);
				goto out;
			}
			*more = true;
			break;
		}
		for (int i = 0; i < 8; i++)
			hdr[i] = (unsigned char)(idx >> (56 - 8 * i));
		if ((rc = et_buf_add(p, hdr, 8)) || (rc = et_buf_add(p, salt, AUDIT_SALT_LEN)))
			goto out;
		if (membership) {
			if ((rc = audit_event_digest(blind, enc, enc_len, d)) ||
			    (rc = et_buf_add(p, d, sizeof d)))
				goto out;
		} else {
			hdr[0] = (unsigned char)(enc_len >> 24);
			hdr[1] = (unsigned char)(enc_len >> 16);
			hdr[2] = (unsigned char)(enc_len >> 8);
			hdr[3] = (unsigned char)enc_len;
			if ((rc = et_buf_add(p, blind, AUDIT_SALT_LEN)) || (rc = et_buf_add(p, hdr, 4)) ||
			    (rc = et_buf_add(p, enc, enc_len)))
				goto out;
		}
		n++;
		*from = idx;
		*from_any = true;
	}
	if (!*more && src != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	p->data[0] = (unsigned char)(n >> 24);
	p->data[1] = (unsigned char)(n >> 16);
	p->data[2] = (unsigned char)(n >> 8);
	p->data[3] = (unsigned char)n;
out:
	sqlite3_finalize(st);
	crypto_wipe(d, sizeof d);
	return rc;
}

int audit_tx_reveal(struct audit_tx *tx, const char *tender, const char *actor, bool membership,
		    uint64_t *index)
{
	struct et_buf p;
	uint64_t from = 0;
	bool from_any = false, more = true;
	int rc = ET_OK;
	struct audit_event ev = { membership ? AUDIT_KIND_MEMBERSHIP : AUDIT_KIND_REVEALED,
				  REVEAL_VERSION, 0, actor, tender, NULL, 0, false };

	/* room for the rest of the leaf: fixed part, kind, actor, tender */
	et_buf_init(&p, ET_LEAF_MAX_LEN - AUDIT_LEAF_EVENT_FIXED - ET_EVENT_KIND_MAX - 2 * ET_ID_MAX_LEN);
	if (!tx || !tender || !tender[0])
		return et_fail(ET_EINVAL);
	if (tx->failed)
		return tx->failed;
	/* As many reveal events as needed, back to back in this command: the
	 * statement is finished before each emit (which writes audit_opened). */
	while (more) {
		et_buf_reset(&p);
		if ((rc = et_buf_add(&p, "\0\0\0\0", 4)) ||
		    (rc = reveal_chunk(tx, tender, membership, &p, &from, &from_any, &more)))
			goto out;
		ev.payload = p.data;
		ev.payload_len = p.len;
		tx->own_kind_ok = true;
		rc = audit_tx_emit(tx, &ev, index);
		tx->own_kind_ok = false;
		if (rc)
			goto out;
	}
out:
	et_buf_free(&p);
	if (rc)
		tx->failed = rc;
	return rc;
}

/* ---- the writer ---------------------------------------------------------- */

/* Step one of the writer's prepared statements (no rows). */
static int wstep(struct audit_ledger *l, int which)
{
	sqlite3_stmt *st = l->wst[which];
	int src = sqlite3_step(st);

	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		et_log(ET_LOG_ERROR, "ledger: %s: %s", wst_sql[which], sqlite3_errmsg(l->wdb));
		return et_fail(ET_EDB);
	}
	return ET_OK;
}

/* The signed note of text by the log key: byte for byte what
 * audit_note_sign(text, origin, seed) makes (Ed25519 is deterministic;
 * audit_ledger_open checks it once), with the key decoded once instead of
 * per batch (~330 us -> ~55 us). *note malloc'd, caller frees. */
static int sign_note(struct audit_ledger *l, const char *text, char **note)
{
	static const char em_dash_sp[] = "\xe2\x80\x94 ";
	unsigned char raw[4 + CRYPTO_ED25519_SIG_LEN];
	char b64[4 * ((sizeof raw + 2) / 3) + 1];
	size_t tlen = strlen(text);
	struct et_buf b;
	int rc;

	*note = NULL;
	raw[0] = (unsigned char)(l->key_hash >> 24);
	raw[1] = (unsigned char)(l->key_hash >> 16);
	raw[2] = (unsigned char)(l->key_hash >> 8);
	raw[3] = (unsigned char)l->key_hash;
	if ((rc = crypto_ed25519_signer_sign(l->signer, text, tlen, raw + 4)))
		return rc;
	et_b64_encode(raw, sizeof raw, b64);
	et_buf_init(&b, ET_NOTE_MAX_LEN);
	if ((rc = et_buf_add(&b, text, tlen)) || (rc = et_buf_add(&b, "\n", 1)) ||
	    (rc = et_buf_add(&b, em_dash_sp, sizeof em_dash_sp - 1)) ||
	    (rc = et_buf_printf(&b, "%s %s\n", l->origin, b64))) {
		et_buf_free(&b);
		return rc;
	}
	*note = (char *)et_buf_steal(&b, NULL);
	return ET_OK;
}

/* Sign and store the checkpoint of the current log size (in the batch's
 * transaction, so it commits with the leaves: I3). */
static int store_checkpoint(struct audit_ledger *l, int64_t time_us)
{
	struct audit_checkpoint cp;
	char *text = NULL, *note = NULL;
	sqlite3_stmt *st = l->wst[WST_INS_CHECKPOINT];
	int rc;

	memset(&cp, 0, sizeof cp);
	if (snprintf(cp.origin, sizeof cp.origin, "%s", l->origin) >= (int)sizeof cp.origin)
		return et_fail(ET_ELIMIT);
	cp.size = audit_log_size(l->wlog);
	if ((rc = audit_log_root(l->wlog, cp.size, cp.root)) ||
	    (rc = audit_checkpoint_format(&cp, &text)) || (rc = sign_note(l, text, &note)))
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cp.size);
	sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, time_us);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_reset(st);
out:
	free(text);
	free(note);
	return rc;
}

/* Run one command in its savepoint. Returns the command's result; a
 * savepoint error is returned as ET_EDB (*fatal set: the batch is lost). */
static int run_one(struct audit_ledger *l, struct submission *s, int64_t *last, bool *fatal)
{
	struct audit_tx tx = { l, l->wdb, 0, ET_OK, 0, 0, false };
	int64_t now = et_clock_now_us();
	int rc;

	tx.time_us = now > *last ? now : *last;
	if ((rc = wstep(l, WST_SAVEPOINT))) {
		*fatal = true;
		return rc;
	}
	l->in_command = true;
	rc = s->fn(&tx, s->ctx);
	l->in_command = false;
	if (!rc && tx.failed)
		rc = tx.failed; /* an emit failed: the command fails whatever it said */
	if (rc) {
		if (wstep(l, WST_ROLLBACK_TO) || wstep(l, WST_RELEASE) || audit_log_resync(l->wlog))
			*fatal = true;
		return rc;
	}
	if (wstep(l, WST_RELEASE)) {
		*fatal = true;
		return et_fail(ET_EDB);
	}
	s->res.first = tx.first;
	s->res.count = tx.count;
	if (tx.count)
		*last = tx.time_us;
	return ET_OK;
}

/* One batch: BEGIN, each command in its savepoint, checkpoint, COMMIT
 * (one fsync). On any failure of the batch itself, everything rolls back
 * and every command that had succeeded gets the error. */
static void run_batch(struct audit_ledger *l, struct submission *batch)
{
	struct submission *s;
	uint64_t start = audit_log_size(l->wlog);
	int64_t last = l->last_time;
	bool fatal = false;
	int brc;

	brc = wstep(l, WST_BEGIN);
	if (brc) {
		for (s = batch; s; s = s->next)
			s->rc = brc;
		return;
	}
	for (s = batch; s; s = s->next) {
		if (fatal) {
			s->rc = et_fail(ET_EDB);
			continue;
		}
		s->rc = run_one(l, s, &last, &fatal);
	}
	if (fatal)
		brc = et_fail(ET_EDB);
	if (!brc && audit_log_size(l->wlog) > start)
		brc = store_checkpoint(l, last);
#ifdef ET_TEST_HOOKS
	if (!brc && atomic_load(&l->test_fail_commits) > 0) {
		atomic_fetch_sub(&l->test_fail_commits, 1);
		brc = et_fail(ET_EIO); /* as if the disk were full at COMMIT */
	}
#endif
	if (!brc)
		brc = wstep(l, WST_COMMIT);
	if (brc) {
		if (!sqlite3_get_autocommit(l->wdb))
			(void)wstep(l, WST_ROLLBACK);
		if (audit_log_resync(l->wlog))
			et_log(ET_LOG_ERROR, "ledger: cannot resync the log after a failed batch");
		for (s = batch; s; s = s->next)
			if (!s->rc)
				s->rc = brc;
		return;
	}
	l->last_time = last;
	for (s = batch; s; s = s->next)
		if (!s->rc)
			s->res.checkpoint_size = audit_log_size(l->wlog);
}

/* Batch formation. Submitters woken by a commit usually submit again at
 * once (a server thread per client, a bench), while the next batch is
 * already forming: taken as it is, the queue splits them into two smaller
 * batches that alternate, each paying an fsync. So the writer gathers:
 * having work, it waits until as many submissions are queued as the last
 * batch had plus those that were already waiting when it committed, but no
 * longer than half the time the last batch took, BEGIN to COMMIT (at most
 * GATHER_MAX_US): an fsync saved for every late submitter costs more than
 * the wait. A gather that
 * times out short of its target means submitters do not come back (open
 * traffic): the next batch does not gather, so such traffic pays the wait
 * at most every other batch. */
#define GATHER_MAX_US 1000

static struct submission *take_batch(struct audit_ledger *l, size_t target, int64_t wait_us,
				     size_t *n)
{
	struct submission *batch;
	struct timespec ts;
	bool timed_out = false;

	while (!l->head && !l->stop)
		pthread_cond_wait(&l->work, &l->mu);
	if (l->head && target > l->nqueued && wait_us > 0 && !l->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)(wait_us % 1000000) * 1000;
		ts.tv_sec += (time_t)(wait_us / 1000000) + ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
		l->want = target;
		while (l->nqueued < target && !l->stop && !timed_out)
			timed_out = pthread_cond_timedwait(&l->work, &l->mu, &ts) == ETIMEDOUT;
		l->want = 0;
	}
	batch = l->head;
	*n = timed_out ? 0 : l->nqueued; /* 0: do not gather next time */
	l->head = l->tail = NULL;
	l->nqueued = 0;
	return batch;
}

static void *writer_main(void *arg)
{
	struct audit_ledger *l = arg;
	struct submission *batch, *s, *next;
	uint64_t before, after;
	size_t target = 0, n;
	int64_t commit_us = 0, t0;

	for (;;) {
		pthread_mutex_lock(&l->mu);
		batch = take_batch(l, target,
				   commit_us / 2 < GATHER_MAX_US ? commit_us / 2 : GATHER_MAX_US, &n);
		if (!batch) {
			pthread_mutex_unlock(&l->mu);
			break;
		}
		before = l->size;
		pthread_mutex_unlock(&l->mu);

		t0 = et_clock_mono_us();
		run_batch(l, batch);
		commit_us = et_clock_mono_us() - t0;

		pthread_mutex_lock(&l->mu);
		l->size = after = audit_log_size(l->wlog);
		target = n ? n + l->nqueued : 0;
		pthread_mutex_unlock(&l->mu);
		/* I4: after the COMMIT. Each submitter is woken alone (no
		 * broadcast that wakes every waiting thread), outside mu. */
		for (s = batch; s; s = next) {
			next = s->next; /* s lives on its submitter's stack: read first */
			sem_post(&s->done);
		}
		if (l->on_commit && after > before)
			l->on_commit(l->on_commit_ctx, after);
	}
	return NULL;
}

int audit_ledger_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx,
			struct audit_result *res)
{
	struct submission s;

	if (res)
		memset(res, 0, sizeof *res);
	if (!l || !fn)
		return et_fail(ET_EINVAL);
	if (!l->wdb)
		return ET_EDENIED; /* a verifier: opened without the log key */
	if (l->thread_started && pthread_equal(pthread_self(), l->thread))
		return et_fail(ET_ESTATE); /* a command may not submit: it would wait for itself */
	memset(&s, 0, sizeof s);
	s.fn = fn;
	s.ctx = ctx;
	if (sem_init(&s.done, 0, 0))
		return et_fail(ET_ENOMEM);
	pthread_mutex_lock(&l->mu);
	if (l->stop) {
		pthread_mutex_unlock(&l->mu);
		sem_destroy(&s.done);
		return et_fail(ET_ESTATE);
	}
	if (l->tail)
		l->tail->next = &s;
	else
		l->head = &s;
	l->tail = &s;
	l->nqueued++;
	if (l->nqueued == 1 || (l->want && l->nqueued >= l->want))
		pthread_cond_signal(&l->work);
	pthread_mutex_unlock(&l->mu);
	while (sem_wait(&s.done) != 0)
		; /* EINTR */
	sem_destroy(&s.done);
	if (!s.rc && res)
		*res = s.res;
	return s.rc;
}

struct reveal_cmd {
	const char *tender, *actor;
	bool membership;
	uint64_t index;
};

static int reveal_command(struct audit_tx *tx, void *ctx)
{
	struct reveal_cmd *c = ctx;

	return audit_tx_reveal(tx, c->tender, c->actor, c->membership, &c->index);
}

int audit_ledger_reveal(struct audit_ledger *l, const char *tender, const char *actor,
			bool membership, uint64_t *index)
{
	struct reveal_cmd c = { tender, actor, membership, 0 };
	int rc = audit_ledger_submit(l, reveal_command, &c, NULL);

	if (!rc && index)
		*index = c.index;
	return rc;
}

#ifdef ET_TEST_HOOKS
void audit_ledger_test_fail_commits(struct audit_ledger *l, int n)
{
	atomic_store(&l->test_fail_commits, n);
}

void audit_ledger_test_single_thread(struct audit_ledger *l, bool on)
{
	atomic_store(&l->test_single_thread, on);
}
#endif

uint64_t audit_ledger_size(struct audit_ledger *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->mu);
	n = l->size;
	pthread_mutex_unlock(&l->mu);
	return n;
}

/* ---- reading: snapshots on the reader connection ------------------------- */

static int read_begin(struct audit_ledger *l)
{
	int rc;

	pthread_mutex_lock(&l->rmu);
	/* BEGIN is deferred: the snapshot starts at the first read, which
	 * resync does. */
	if ((rc = exec(l->rdb, "BEGIN")) || (rc = audit_log_resync(l->rlog))) {
		(void)exec(l->rdb, "ROLLBACK");
		pthread_mutex_unlock(&l->rmu);
	}
	return rc;
}

static void read_end(struct audit_ledger *l)
{
	(void)exec(l->rdb, "COMMIT");
	pthread_mutex_unlock(&l->rmu);
}

/* Latest checkpoint: note (malloc'd) and size. ET_ENOTFOUND if none. */
static int latest_checkpoint(sqlite3 *db, char **note, uint64_t *size, int64_t *time_us)
{
	sqlite3_stmt *st = NULL;
	int rc = ET_OK, src;

	*note = NULL;
	*size = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT size, note, time_us FROM ledger_checkpoint ORDER BY size DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return et_fail(ET_EDB);
	src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		rc = ET_ENOTFOUND;
	} else if (src != SQLITE_ROW || sqlite3_column_int64(st, 0) < 0) {
		rc = et_fail(ET_EDB);
	} else {
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		if (time_us)
			*time_us = sqlite3_column_int64(st, 2);
		if (!(*note = strdup((const char *)sqlite3_column_text(st, 1))))
			rc = et_fail(ET_ENOMEM);
	}
	sqlite3_finalize(st);
	return rc;
}

int audit_ledger_receipt(struct audit_ledger *l, uint64_t index, char **checkpoint,
			 uint64_t *size, unsigned char (**proof)[AUDIT_HASH_LEN], size_t *nproof)
{
	char *note = NULL;
	int rc;

	*checkpoint = NULL;
	*proof = NULL;
	*nproof = 0;
	*size = 0;
	if ((rc = read_begin(l)))
		return rc;
	if ((rc = latest_checkpoint(l->rdb, &note, size, NULL)))
		goto out;
	if (index >= *size) {
		rc = ET_ENOTFOUND;
		goto out;
	}
	if ((rc = audit_log_inclusion_proof(l->rlog, index, *size, proof, nproof)))
		goto out;
	*checkpoint = note;
	note = NULL;
out:
	read_end(l);
	free(note);
	return rc;
}

int audit_ledger_checkpoint(struct audit_ledger *l, char **note, uint64_t *size)
{
	int rc;

	*note = NULL;
	*size = 0;
	if ((rc = read_begin(l)))
		return rc;
	rc = latest_checkpoint(l->rdb, note, size, NULL);
	read_end(l);
	return rc;
}

int audit_ledger_leaf(struct audit_ledger *l, uint64_t index, unsigned char **leaf, size_t *len)
{
	int rc;

	*leaf = NULL;
	*len = 0;
	if ((rc = read_begin(l)))
		return rc;
	rc = index < audit_log_size(l->rlog) ? audit_log_leaf(l->rlog, index, leaf, len) : ET_ENOTFOUND;
	read_end(l);
	return rc;
}

int audit_ledger_consistency(struct audit_ledger *l, uint64_t size1, uint64_t size2,
			     unsigned char (**proof)[AUDIT_HASH_LEN], size_t *nproof)
{
	int rc;

	*proof = NULL;
	*nproof = 0;
	if ((rc = read_begin(l)))
		return rc;
	if (size1 > size2 || size2 > audit_log_size(l->rlog))
		rc = ET_ENOTFOUND;
	else
		rc = audit_log_consistency_proof(l->rlog, size1, size2, proof, nproof);
	read_end(l);
	return rc;
}

/* (Added for web/, GET /log/proof/inclusion at any committed size.) */
int audit_ledger_inclusion(struct audit_ledger *l, uint64_t index, uint64_t size,
			   unsigned char (**proof)[AUDIT_HASH_LEN], size_t *nproof)
{
	int rc;

	*proof = NULL;
	*nproof = 0;
	if ((rc = read_begin(l)))
		return rc;
	if (index >= size || size > audit_log_size(l->rlog))
		rc = ET_ENOTFOUND;
	else
		rc = audit_log_inclusion_proof(l->rlog, index, size, proof, nproof);
	read_end(l);
	return rc;
}

/* (Added for web/'s receipts: the owner of a confidential event gets its
 * opening; nobody else does, and it is never served otherwise.) */
int audit_ledger_opening(struct audit_ledger *l, uint64_t index, const char *owner,
			 struct audit_conf_opening *out)
{
	sqlite3_stmt *st = NULL;
	struct audit_leaf lf;
	const void *enc;
	size_t elen;
	int rc;

	memset(out, 0, sizeof *out);
	if (!l || !owner || index > (uint64_t)INT64_MAX)
		return et_fail(ET_EINVAL);
	if ((rc = read_begin(l)))
		return rc;
	if (sqlite3_prepare_v2(l->rdb, "SELECT tender, salt, blind, event FROM conf_event WHERE idx = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	if (index >= audit_log_size(l->rlog) || sqlite3_step(st) != SQLITE_ROW) {
		rc = ET_ENOTFOUND;
		goto out;
	}
	enc = sqlite3_column_blob(st, 3);
	elen = (size_t)sqlite3_column_bytes(st, 3);
	if (sqlite3_column_bytes(st, 1) != AUDIT_SALT_LEN ||
	    sqlite3_column_bytes(st, 2) != AUDIT_SALT_LEN || !enc ||
	    (size_t)sqlite3_column_bytes(st, 0) > ET_ID_MAX_LEN ||
	    audit_leaf_decode(enc, elen, &lf) || lf.type != AUDIT_LEAF_EVENT) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (strcmp(lf.actor, owner)) {
		rc = ET_EDENIED;
		goto out;
	}
	if (!(out->enc = malloc(elen ? elen : 1))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	memcpy(out->enc, enc, elen);
	out->enc_len = elen;
	memcpy(out->tender, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	memcpy(out->salt, sqlite3_column_blob(st, 1), AUDIT_SALT_LEN);
	memcpy(out->blind, sqlite3_column_blob(st, 2), AUDIT_SALT_LEN);
	rc = ET_OK;
out:
	sqlite3_finalize(st);
	read_end(l);
	return rc;
}

int audit_ledger_query(struct audit_ledger *l, int (*fn)(sqlite3 *db, void *ctx), void *ctx)
{
	int rc;

	if (!l || !fn)
		return et_fail(ET_EINVAL);
	if ((rc = read_begin(l)))
		return rc;
	rc = fn(l->rdb, ctx);
	read_end(l);
	return rc;
}

/* ---- verification of the log ---------------------------------------------- */

/* Compact range of RFC 9162 subtree hashes: the root of any prefix while
 * scanning the leaves once. */
struct frontier {
	unsigned char h[64][AUDIT_HASH_LEN];
	uint64_t n;
};

static void frontier_push(struct audit_sha *sha, struct frontier *f,
			  const unsigned char lh[AUDIT_HASH_LEN])
{
	unsigned char cur[AUDIT_HASH_LEN];
	unsigned L = 0;

	memcpy(cur, lh, AUDIT_HASH_LEN);
	while (f->n >> L & 1) {
		audit_sha_node(sha, f->h[L], cur, cur);
		L++;
	}
	memcpy(f->h[L], cur, AUDIT_HASH_LEN);
	f->n++;
}

static void frontier_root(struct audit_sha *sha, const struct frontier *f,
			  unsigned char root[AUDIT_HASH_LEN])
{
	unsigned L;
	bool have = false;

	if (!f->n) {
		crypto_sha256("", 0, root);
		return;
	}
	for (L = 0; L < 64; L++) {
		if (!(f->n >> L & 1))
			continue;
		if (!have)
			memcpy(root, f->h[L], AUDIT_HASH_LEN);
		else
			audit_sha_node(sha, f->h[L], root, root);
		have = true;
	}
}

/* A stored checkpoint's note: signed by the log key, a checkpoint of this
 * log and of this size; *root set. ET_EVERIFY with rep->diff otherwise. */
static int check_checkpoint_note(struct audit_ledger *l, uint64_t size, const char *note,
				 unsigned char root[AUDIT_HASH_LEN], struct audit_report *rep)
{
	struct audit_checkpoint cp;
	char *text = NULL;
	int rc;

	rc = audit_note_verify(note, strlen(note), l->origin, l->pub, &text);
	if (rc) {
		report_set(rep, "checkpoint of size %" PRIu64 ": signature does not verify", size);
		rc = ET_EVERIFY;
		goto out;
	}
	if (audit_checkpoint_parse(text, strlen(text), &cp) || cp.size != size ||
	    strcmp(cp.origin, l->origin) != 0) {
		report_set(rep, "checkpoint of size %" PRIu64 ": malformed or of another log", size);
		rc = ET_EVERIFY;
		goto out;
	}
	memcpy(root, cp.root, AUDIT_HASH_LEN);
out:
	free(text);
	return rc;
}

/* A checkpoint's root (from a checked note) against the root of the leaves
 * scanned, which number its size. */
static int check_checkpoint_root(struct audit_sha *sha, uint64_t prev, uint64_t size,
				 const unsigned char cp_root[AUDIT_HASH_LEN], const struct frontier *f,
				 struct audit_report *rep)
{
	unsigned char root[AUDIT_HASH_LEN];

	frontier_root(sha, f, root);
	if (!crypto_ct_equal(root, cp_root, AUDIT_HASH_LEN)) {
		report_set(rep, "checkpoint of size %" PRIu64 ": its root does not match the log"
			   " (one of leaves %" PRIu64 "..%" PRIu64 " was changed)", size, prev, size - 1);
		return ET_EVERIFY;
	}
	rep->checkpoints++;
	return ET_OK;
}

/* Replay context: the fresh database and statements on the live one. */
struct replay {
	sqlite3 *db;                 /* the replayed projections */
	sqlite3_stmt *conf;          /* live: conf_event by idx */
	int64_t last_time;           /* I5 */
	uint64_t last_idx;
};

/* I5: event times never decrease along the log. */
static int check_time(struct replay *rp, uint64_t idx, int64_t t, struct audit_report *rep)
{
	if (idx && t < rp->last_time) {
		report_set(rep, "leaf %" PRIu64 ": its time is earlier than that of leaf %" PRIu64,
			   idx, rp->last_idx);
		return ET_EVERIFY;
	}
	rp->last_time = t;
	rp->last_idx = idx;
	return ET_OK;
}

/* Apply leaf idx to rp->db (public: decoded; confidential: from the store,
 * checked against the commitment). */
static int replay_leaf(struct audit_ledger *l, struct replay *rp, uint64_t idx,
		       const unsigned char *leaf, size_t len, struct audit_report *rep)
{
	struct audit_leaf lf, inner;
	const struct audit_leaf *use = &lf;
	const struct kind_entry *k;
	struct audit_event ev;
	unsigned char d[AUDIT_HASH_LEN], c[AUDIT_HASH_LEN];
	int rc;

	if (audit_leaf_decode(leaf, len, &lf)) {
		report_set(rep, "leaf %" PRIu64 ": not a canonical event leaf", idx);
		return ET_EVERIFY;
	}
	if (lf.type == AUDIT_LEAF_COMMITMENT) {
		sqlite3_stmt *st = rp->conf;
		const unsigned char *enc;
		size_t enc_len;
		int src;

		rep->confidential++;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
		src = sqlite3_step(st);
		if (src != SQLITE_ROW) {
			report_set(rep, "leaf %" PRIu64 ": confidential payload missing from the store", idx);
			return src == SQLITE_DONE ? ET_EVERIFY : et_fail(ET_EDB);
		}
		enc = sqlite3_column_blob(st, 3);
		enc_len = (size_t)sqlite3_column_bytes(st, 3);
		if (sqlite3_column_bytes(st, 1) != AUDIT_SALT_LEN ||
		    sqlite3_column_bytes(st, 2) != AUDIT_SALT_LEN || !enc) {
			report_set(rep, "leaf %" PRIu64 ": malformed row in the confidential store", idx);
			return ET_EVERIFY;
		}
		if ((rc = audit_event_digest(sqlite3_column_blob(st, 2), enc, enc_len, d)))
			return rc;
		if (audit_commitment(sqlite3_column_blob(st, 1),
				     (const char *)sqlite3_column_text(st, 0), d, c) ||
		    !crypto_ct_equal(c, lf.commitment, AUDIT_HASH_LEN)) {
			report_set(rep, "leaf %" PRIu64 ": the confidential payload in the store does not"
				   " match the leaf's commitment", idx);
			return ET_EVERIFY;
		}
		if (audit_leaf_decode(enc, enc_len, &inner) || inner.type != AUDIT_LEAF_EVENT ||
		    strcmp(inner.tender, (const char *)sqlite3_column_text(st, 0)) != 0) {
			report_set(rep, "leaf %" PRIu64 ": confidential event malformed", idx);
			return ET_EVERIFY;
		}
		use = &inner;
	}
	ev = use->ev;
	ev.confidential = lf.type == AUDIT_LEAF_COMMITMENT;
	if ((rc = check_time(rp, idx, ev.time_us, rep)))
		return rc;
	k = find_kind(l, ev.kind, ev.version);
	if (!k) {
		report_set(rep, "leaf %" PRIu64 ": no module applies %s v%u", idx, ev.kind,
			   (unsigned)ev.version);
		return ET_EVERIFY;
	}
	rc = k->apply(rp->db, &ev, idx, k->ctx);
	if (rc) {
		report_set(rep, "leaf %" PRIu64 ": replaying %s v%u failed: %s", idx, ev.kind,
			   (unsigned)ev.version, et_strerror(rc));
		return ET_EVERIFY;
	}
	if (lf.type == AUDIT_LEAF_COMMITMENT)
		sqlite3_reset(rp->conf);
	return ET_OK;
}

/* ---- scanning the log: two threads, one pass --------------------------------
 *
 * The reader thread (the caller) steps one statement over log_leaf in index
 * order, checks contiguity, replays each leaf (replay only), and copies the
 * leaves into chunks of VCHUNK; a worker thread hashes them, compares with
 * the stored leaf hashes, builds the tree with a frontier stack and checks
 * every stored checkpoint (signature, root) when the stream reaches its
 * size. The reader also hashes the first `share` leaves of each chunk,
 * `share` moving towards whichever thread waits less, so both cores work.
 * No per-leaf allocation or query: chunk buffers are reused.
 *
 * Each thread stops at its first problem and records it under a key that
 * orders problems as one sequential scan would meet them (4i+1 leaf i
 * missing or changed, 4i+2 replaying leaf i, 4i+3 the checkpoints reached
 * after leaf i, 0 the first checkpoint row); the lowest key is reported,
 * so the report names the first bad index whatever thread found it. */

#define VCHUNK 4096u
#define VNCHUNK 4u
#define VKEY_NONE UINT64_MAX

struct vfail {
	uint64_t key;                /* VKEY_NONE: nothing found */
	int rc;
	char diff[sizeof ((struct audit_report *)0)->diff];
};

static void vfail_set(struct vfail *v, uint64_t key, int rc, const char *diff)
{
	size_t n;

	if (key >= v->key)
		return;
	v->key = key;
	v->rc = rc;
	n = strnlen(diff, sizeof v->diff - 1);
	memcpy(v->diff, diff, n);
	v->diff[n] = 0;
}

/* A problem described in a fresh audit_report (report_set's format). */
static void vfail_printf(struct vfail *v, uint64_t key, int rc, const char *fmt, ...) ET_PRINTF(4, 5);
static void vfail_printf(struct vfail *v, uint64_t key, int rc, const char *fmt, ...)
{
	char buf[sizeof v->diff];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, sizeof buf, fmt, ap) < 0)
		buf[0] = 0;
	va_end(ap);
	vfail_set(v, key, rc, buf);
}

struct vchunk {
	uint64_t first;              /* index of leaf 0 of the chunk */
	size_t n;                    /* leaves in the chunk */
	size_t nhashed;              /* leaves [0, nhashed) hashed and checked by the reader */
	size_t off[VCHUNK + 1];      /* leaf k is data[off[k], off[k+1]) */
	unsigned char stored[VCHUNK][AUDIT_HASH_LEN];
	bool stored_ok[VCHUNK];      /* the hash column held 32 bytes */
	unsigned char lh[VCHUNK][AUDIT_HASH_LEN];
	unsigned char *data;         /* grows, never shrinks; freed with the pipe */
	size_t cap;
};

/* The stored checkpoints, loaded before the scan: size and note (offset
 * into notes). A malformed row ends the list (cp_bad). Each note
 * (signature, origin, size: the costly part, ~140 us) is checked by the
 * reader before it hands over the chunk that reaches its size when the
 * reader has time to spare (it is hashing a share of the leaves), else by
 * the worker when it gets there; then the worker compares the root with
 * the tree's. */
enum { NOTE_UNCHECKED, NOTE_OK, NOTE_BAD };
struct vcp {
	uint64_t size;
	size_t note;
	unsigned char root[AUDIT_HASH_LEN];
	int note_state;
};

struct vworker {
	struct audit_ledger *l;
	struct audit_sha sha;
	struct frontier f;           /* the tree of the leaves checked so far */
	struct vcp *cps;
	const char *notes;
	size_t ncp, next;            /* cps[next]: the next checkpoint to reach */
	bool cp_bad;                 /* a malformed row follows cps[ncp - 1] */
	uint64_t last_cp;
	struct audit_report rep;     /* counts; diff of the check in progress */
	struct vfail fail;
};

struct vpipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vchunk *slot[VNCHUNK];
	unsigned head, tail, count;  /* ring: filled, not yet checked */
	bool eof, stop, worker_waited;
	pthread_t thread;
	struct vworker w;
};

/* Worker: the checkpoints reached at the current size; key of "after
 * leaf i". false on a problem. */
static bool vworker_checkpoints(struct vworker *w, uint64_t key)
{
	struct vcp *c;

	for (;;) {
		if (w->next == w->ncp) {
			if (w->cp_bad) {
				vfail_set(&w->fail, key, ET_EVERIFY, "checkpoint table: malformed row");
				return false;
			}
			return true;
		}
		c = &w->cps[w->next];
		if (c->size < w->f.n) {
			vfail_set(&w->fail, key, ET_EVERIFY, "checkpoint table: sizes out of order");
			return false;
		}
		if (c->size != w->f.n)
			return true;
		if (c->note_state == NOTE_BAD)
			return false; /* the reader recorded why, under the same key */
		w->rep.diff[0] = 0;
		if (c->note_state == NOTE_UNCHECKED &&
		    check_checkpoint_note(w->l, c->size, w->notes + c->note, c->root, &w->rep)) {
			vfail_set(&w->fail, key, ET_EVERIFY, w->rep.diff);
			return false;
		}
		if (check_checkpoint_root(&w->sha, w->last_cp, c->size, c->root, &w->f, &w->rep)) {
			vfail_set(&w->fail, key, ET_EVERIFY, w->rep.diff);
			return false;
		}
		w->last_cp = c->size;
		w->next++;
	}
}

/* Worker: check one chunk; false on a problem (the scan stops). */
static bool vworker_chunk(struct vworker *w, struct vchunk *c)
{
	unsigned char lh[AUDIT_HASH_LEN];
	size_t k;

	for (k = 0; k < c->n; k++) {
		uint64_t i = c->first + k;
		const unsigned char *h = c->lh[k];

		if (k >= c->nhashed) {
			audit_sha_leaf(&w->sha, c->data + c->off[k], c->off[k + 1] - c->off[k], lh);
			if (!c->stored_ok[k] || !crypto_ct_equal(lh, c->stored[k], AUDIT_HASH_LEN)) {
				vfail_printf(&w->fail, 4 * i + 1, ET_EVERIFY,
					     "leaf %" PRIu64 ": its bytes do not hash to its stored leaf"
					     " hash (changed)", i);
				return false;
			}
			h = lh;
		}
		frontier_push(&w->sha, &w->f, h);
		w->rep.leaves++;
		if (!vworker_checkpoints(w, 4 * i + 3))
			return false;
	}
	return true;
}

static void *vworker_main(void *arg)
{
	struct vpipe *p = arg;
	struct vchunk *c;
	bool ok;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->count && !p->eof) {
			p->worker_waited = true;
			pthread_cond_wait(&p->cv, &p->mu);
		}
		if (!p->count) { /* eof and nothing left */
			pthread_mutex_unlock(&p->mu);
			break;
		}
		c = p->slot[p->tail];
		pthread_mutex_unlock(&p->mu);
		ok = vworker_chunk(&p->w, c);
		pthread_mutex_lock(&p->mu);
		p->tail = (p->tail + 1) % VNCHUNK;
		p->count--;
		if (!ok)
			p->stop = true; /* the reader stops filling */
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (!ok)
			break;
	}
	return NULL;
}

/* Reader: load every stored checkpoint (ascending size). */
static int load_checkpoints(sqlite3 *db, struct vcp **out, size_t *n, char **notes, bool *bad)
{
	sqlite3_stmt *st = NULL;
	struct vcp *v = NULL, *nv;
	char *buf = NULL, *nb;
	size_t cap = 0, len = 0, bcap = 0;
	int rc = ET_OK, src;

	*out = NULL;
	*notes = NULL;
	*n = 0;
	*bad = false;
	if (sqlite3_prepare_v2(db, "SELECT size, note FROM ledger_checkpoint ORDER BY size", -1, &st,
			       NULL) != SQLITE_OK)
		return et_fail(ET_EDB);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *note = (const char *)sqlite3_column_text(st, 1);
		size_t nl = note ? (size_t)sqlite3_column_bytes(st, 1) + 1 : 0;

		if (sqlite3_column_int64(st, 0) <= 0 || !note) {
			*bad = true;
			src = SQLITE_DONE;
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			if (!(nv = realloc(v, cap * sizeof *v))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			v = nv;
		}
		while (bcap - len < nl) {
			bcap = bcap ? 2 * bcap : 16384;
			if (!(nb = realloc(buf, bcap))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			buf = nb;
		}
		memcpy(buf + len, note, nl);
		v[*n].size = (uint64_t)sqlite3_column_int64(st, 0);
		v[*n].note = len;
		len += nl;
		(*n)++;
	}
	if (src != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		free(buf);
		*n = 0;
		return rc;
	}
	*out = v;
	*notes = buf;
	return ET_OK;
}

/* Reader: append leaf bytes to a chunk's buffer. */
static int vchunk_add(struct vchunk *c, const void *leaf, size_t len)
{
	size_t used = c->off[c->n];

	if (c->cap - used < len) {
		size_t cap = c->cap ? c->cap : 65536;
		unsigned char *p;
		while (cap - used < len)
			cap *= 2;
		if (!(p = realloc(c->data, cap)))
			return et_fail(ET_ENOMEM);
		c->data = p;
		c->cap = cap;
	}
	if (len)
		memcpy(c->data + used, leaf, len);
	c->off[c->n + 1] = used + len;
	return ET_OK;
}

/* Scan the log of the reader snapshot: contiguity, stored leaf hashes,
 * every checkpoint (signature, root), the latest checkpoint covering the
 * whole log, the stored nodes agreeing with the leaves; and if rp, replay
 * every leaf into rp->db. */
static int scan_log(struct audit_ledger *l, struct replay *rp, struct audit_report *rep)
{
	struct vpipe *p = NULL;
	struct vworker *w = NULL;
	struct vchunk *c;
	struct vfail rf;             /* the reader's first problem */
	struct audit_report rrep;    /* the reader's counts and replay diff */
	struct audit_sha rsha = { NULL };
	sqlite3_stmt *lv = NULL;
	struct vcp *cps = NULL;
	char *notes = NULL;
	unsigned char stored_root[AUDIT_HASH_LEN], root[AUDIT_HASH_LEN];
	uint64_t size = audit_log_size(l->rlog), i = 0;
	size_t share = VCHUNK / 4, k, nh, cpn = 0;
	bool threaded = false, eof = false, waited, mu_init = false;
	unsigned s;
	int rc = ET_OK, src;

	memset(&rrep, 0, sizeof rrep);
	rf.key = VKEY_NONE;
	rf.rc = ET_OK;
	rf.diff[0] = 0;
	if (!(p = calloc(1, sizeof *p)))
		return et_fail(ET_ENOMEM);
	w = &p->w;
	w->l = l;
	w->fail.key = VKEY_NONE;
	if (pthread_mutex_init(&p->mu, NULL) || pthread_cond_init(&p->cv, NULL)) {
		rc = et_fail(ET_ENOMEM); /* (a failed cond init leaves a mutex: not freed) */
		goto out;
	}
	mu_init = true;
	for (s = 0; s < VNCHUNK; s++)
		if (!(p->slot[s] = calloc(1, sizeof *p->slot[s]))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	if ((rc = audit_sha_init(&rsha)) || (rc = audit_sha_init(&w->sha)) ||
	    (rc = load_checkpoints(l->rdb, &cps, &w->ncp, &notes, &w->cp_bad)))
		goto out;
	w->cps = cps;
	w->notes = notes;
	if (sqlite3_prepare_v2(l->rdb, "SELECT idx, hash, leaf FROM log_leaf ORDER BY idx", -1, &lv,
			       NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (!vworker_checkpoints(w, 0))
		eof = true;
	/* Without a second thread the reader checks each chunk itself. */
#ifdef ET_TEST_HOOKS
	if (atomic_load(&l->test_single_thread))
		threaded = false;
	else
#endif
		threaded = !eof && pthread_create(&p->thread, NULL, vworker_main, p) == 0;
	if (!threaded)
		share = 0;
	while (!eof) {
		/* a free chunk */
		waited = false;
		pthread_mutex_lock(&p->mu);
		while (p->count == VNCHUNK && !p->stop) {
			waited = true;
			pthread_cond_wait(&p->cv, &p->mu);
		}
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		c = p->slot[p->head];
		if (threaded) {
			/* the slower side hashes less */
			if (waited)
				share = share + VCHUNK / 16 > VCHUNK ? VCHUNK : share + VCHUNK / 16;
			else if (p->worker_waited)
				share = share > VCHUNK / 16 ? share - VCHUNK / 16 : 0;
			p->worker_waited = false;
		}
		pthread_mutex_unlock(&p->mu);

		/* fill it */
		c->first = i;
		c->n = 0;
		c->off[0] = 0;
		while (c->n < VCHUNK) {
			const unsigned char *leaf;
			size_t len;

			src = sqlite3_step(lv);
			if (src == SQLITE_DONE) {
				eof = true;
				break;
			}
			if (src != SQLITE_ROW) {
				vfail_set(&rf, 4 * i + 1, et_fail(ET_EDB), "");
				eof = true;
				break;
			}
			if (sqlite3_column_int64(lv, 0) != (sqlite3_int64)i) {
				vfail_printf(&rf, 4 * i + 1, ET_EVERIFY,
					     "leaf %" PRIu64 ": missing from the log (next stored index is"
					     " %lld)", i, (long long)sqlite3_column_int64(lv, 0));
				eof = true;
				break;
			}
			k = c->n;
			c->stored_ok[k] = sqlite3_column_bytes(lv, 1) == AUDIT_HASH_LEN;
			if (c->stored_ok[k])
				memcpy(c->stored[k], sqlite3_column_blob(lv, 1), AUDIT_HASH_LEN);
			leaf = sqlite3_column_blob(lv, 2);
			len = (size_t)sqlite3_column_bytes(lv, 2);
			if ((rc = vchunk_add(c, leaf, len))) {
				vfail_set(&rf, 4 * i + 1, rc, "");
				rc = ET_OK;
				eof = true;
				break;
			}
			c->n++;
			i++;
			if (rp) {
				rrep.diff[0] = 0;
				if ((rc = replay_leaf(l, rp, i - 1, c->data + c->off[k], len, &rrep))) {
					vfail_set(&rf, 4 * (i - 1) + 2, rc, rrep.diff);
					rc = ET_OK;
					eof = true;
					break;
				}
			}
		}
		/* hash its first `share` leaves here */
		nh = share < c->n ? share : c->n;
		for (k = 0; k < nh; k++) {
			audit_sha_leaf(&rsha, c->data + c->off[k], c->off[k + 1] - c->off[k], c->lh[k]);
			if (!c->stored_ok[k] || !crypto_ct_equal(c->lh[k], c->stored[k], AUDIT_HASH_LEN)) {
				vfail_printf(&rf, 4 * (c->first + k) + 1, ET_EVERIFY,
					     "leaf %" PRIu64 ": its bytes do not hash to its stored leaf"
					     " hash (changed)", c->first + k);
				c->n = k;
				eof = true;
				break;
			}
		}
		c->nhashed = nh < c->n ? nh : c->n;
		/* the notes of the checkpoints this chunk reaches (the worker
		 * checks them when the reader is the slower side) */
		while (cpn < w->ncp && cps[cpn].size <= c->first + c->n) {
			if (!nh) {
				cps[cpn++].note_state = NOTE_UNCHECKED;
				continue;
			}
			rrep.diff[0] = 0;
			cps[cpn].note_state = check_checkpoint_note(l, cps[cpn].size, notes + cps[cpn].note,
								    cps[cpn].root, &rrep) ? NOTE_BAD : NOTE_OK;
			if (cps[cpn].note_state == NOTE_BAD) {
				vfail_set(&rf, 4 * (cps[cpn].size - 1) + 3, ET_EVERIFY, rrep.diff);
				eof = true;
				break;
			}
			cpn++;
		}
		if (!c->n)
			break;
		if (!threaded) {
			if (!vworker_chunk(w, c))
				break;
			continue;
		}
		pthread_mutex_lock(&p->mu);
		p->head = (p->head + 1) % VNCHUNK;
		p->count++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	if (threaded) {
		pthread_mutex_lock(&p->mu);
		p->eof = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		threaded = false;
	}
	rep->leaves = w->rep.leaves;
	rep->checkpoints = w->rep.checkpoints;
	rep->confidential = rrep.confidential;
	/* the first problem in index order, whichever thread met it */
	vfail_set(&rf, w->fail.key, w->fail.rc, w->fail.diff);
	if (rf.key != VKEY_NONE) {
		report_set(rep, "%s", rf.diff);
		rc = rf.rc;
		goto out;
	}
	if (w->next < w->ncp) {
		report_set(rep, "checkpoint of size %" PRIu64 " signs more leaves than the log holds"
			   " (%" PRIu64 "): leaf %" PRIu64 " was removed", cps[w->next].size, i, i);
		rc = ET_EVERIFY;
		goto out;
	}
	if (i != size) {
		report_set(rep, "log size %" PRIu64 " but %" PRIu64 " leaves stored", size, i);
		rc = ET_EVERIFY;
		goto out;
	}
	if (w->last_cp != i) {
		report_set(rep, "leaves %" PRIu64 "..%" PRIu64 " are covered by no signed checkpoint",
			   w->last_cp, i ? i - 1 : 0);
		rc = ET_EVERIFY;
		goto out;
	}
	/* the stored subtree hashes (from which proofs are served) agree */
	frontier_root(&rsha, &w->f, root);
	if ((rc = audit_log_root(l->rlog, size, stored_root)))
		goto out;
	if (!crypto_ct_equal(root, stored_root, AUDIT_HASH_LEN)) {
		report_set(rep, "the stored Merkle nodes do not match the leaves");
		rc = ET_EVERIFY;
	}
out:
	sqlite3_finalize(lv);
	free(cps);
	free(notes);
	audit_sha_free(&rsha);
	if (w)
		audit_sha_free(&w->sha);
	for (s = 0; s < VNCHUNK; s++) {
		if (p->slot[s])
			free(p->slot[s]->data);
		free(p->slot[s]);
	}
	if (mu_init) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
	free(p);
	return rc;
}

int audit_ledger_verify_log(struct audit_ledger *l, struct audit_report *rep)
{
	int rc;

	memset(rep, 0, sizeof *rep);
	if ((rc = read_begin(l)))
		return rc;
	rc = scan_log(l, NULL, rep);
	read_end(l);
	return rc;
}

/* ---- replay ------------------------------------------------------------- */

static bool ident_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 128)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* A value of column i of st for a human: integer, real, 'text', x'hex'
 * (shortened), NULL. */
static void value_str(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	int t = sqlite3_column_type(st, i), n;
	const unsigned char *p;
	int w = 0;

	switch (t) {
	case SQLITE_INTEGER:
		w = snprintf(out, cap, "%lld", (long long)sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		w = snprintf(out, cap, "%.17g", sqlite3_column_double(st, i));
		break;
	case SQLITE_TEXT:
		p = sqlite3_column_text(st, i);
		n = sqlite3_column_bytes(st, i);
		w = snprintf(out, cap, "'%.*s'%s", n > 60 ? 60 : n, (const char *)p, n > 60 ? "…" : "");
		break;
	case SQLITE_BLOB: {
		char hex[2 * 24 + 1];
		n = sqlite3_column_bytes(st, i);
		p = sqlite3_column_blob(st, i);
		et_hex_encode(p ? p : (const unsigned char *)"", (size_t)(n > 24 ? 24 : n), hex);
		w = snprintf(out, cap, "x'%s'%s", hex, n > 24 ? "…" : "");
		break;
	}
	default:
		w = snprintf(out, cap, "NULL");
	}
	if (w < 0 && cap)
		out[0] = 0;
}

static bool same_value(sqlite3_stmt *a, sqlite3_stmt *b, int i)
{
	int t = sqlite3_column_type(a, i);
	int n;

	if (t != sqlite3_column_type(b, i))
		return false;
	switch (t) {
	case SQLITE_INTEGER:
		return sqlite3_column_int64(a, i) == sqlite3_column_int64(b, i);
	case SQLITE_FLOAT: {
		double x = sqlite3_column_double(a, i), y = sqlite3_column_double(b, i);
		return memcmp(&x, &y, sizeof x) == 0;
	}
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		n = sqlite3_column_bytes(a, i);
		if (n != sqlite3_column_bytes(b, i))
			return false;
		return n == 0 || memcmp(t == SQLITE_TEXT ? (const void *)sqlite3_column_text(a, i)
							 : sqlite3_column_blob(a, i),
					t == SQLITE_TEXT ? (const void *)sqlite3_column_text(b, i)
							 : sqlite3_column_blob(b, i),
					(size_t)n) == 0;
	default:
		return true;
	}
}

/* "(pk1=v1, pk2=v2)" of the current row of st, or "(row N)". */
static void row_key(sqlite3_stmt *st, const bool *is_pk, int ncol, uint64_t rowno, char *out,
		    size_t cap)
{
	size_t o = 0;
	int i, w;
	bool any = false;

	out[0] = 0;
	for (i = 0; i < ncol; i++) {
		char v[160];
		if (!is_pk[i])
			continue;
		value_str(st, i, v, sizeof v);
		w = snprintf(out + o, cap - o, "%s%s=%s", any ? ", " : "(", sqlite3_column_name(st, i), v);
		if (w < 0 || (size_t)w >= cap - o)
			return;
		o += (size_t)w;
		any = true;
	}
	if (any)
		w = snprintf(out + o, cap - o, ")");
	else
		w = snprintf(out, cap, "(row %" PRIu64 ")", rowno);
	if (w < 0)
		out[0] = 0;
}

struct col {
	char name[129];
	int pk, cid;
};

/* Primary key columns first, in key order, then the rest by position. */
static int col_cmp(const void *x, const void *y)
{
	const struct col *a = x, *b = y;

	if ((a->pk == 0) != (b->pk == 0))
		return a->pk == 0 ? 1 : -1;
	if (a->pk != b->pk)
		return a->pk < b->pk ? -1 : 1;
	return a->cid < b->cid ? -1 : a->cid > b->cid;
}

/* Compare table t of live (the reader snapshot) with the replay, row by
 * row, ordered by primary key then every column. */
static int compare_table(sqlite3 *live, sqlite3 *rdb, const char *t, struct audit_report *rep)
{
	struct et_buf q, order;
	sqlite3_stmt *ti = NULL, *a = NULL, *b = NULL;
	struct col *cols = NULL, *nc;
	bool *is_pk = NULL;
	int ncol = 0, i, rc = ET_OK, sa, sb;
	uint64_t rowno = 0;

	et_buf_init(&q, ET_LINE_MAX);
	et_buf_init(&order, ET_LINE_MAX);
	if (!ident_ok(t))
		return et_fail(ET_EINVAL);
	if ((rc = et_buf_printf(&q, "PRAGMA table_info(\"%s\")", t)))
		goto out;
	if (sqlite3_prepare_v2(live, (const char *)q.data, -1, &ti, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	while ((sa = sqlite3_step(ti)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(ti, 1);
		if (!ident_ok(name)) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		if (!(nc = realloc(cols, (size_t)(ncol + 1) * sizeof *nc))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		cols = nc;
		memcpy(cols[ncol].name, name, strlen(name) + 1);
		cols[ncol].cid = sqlite3_column_int(ti, 0);
		cols[ncol].pk = sqlite3_column_int(ti, 5);
		ncol++;
	}
	if (ncol)
		qsort(cols, (size_t)ncol, sizeof *cols, col_cmp);
	if (ncol && !(is_pk = calloc((size_t)ncol, sizeof *is_pk))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	et_buf_reset(&q);
	if ((rc = et_buf_addstr(&q, "SELECT ")))
		goto out;
	for (i = 0; i < ncol; i++) {
		is_pk[i] = cols[i].pk != 0;
		if ((rc = et_buf_printf(&q, "%s\"%s\"", i ? ", " : "", cols[i].name)) ||
		    (rc = et_buf_printf(&order, "%s\"%s\"", i ? ", " : "", cols[i].name)))
			goto out;
	}
	if (sa != SQLITE_DONE || ncol == 0) {
		report_set(rep, "table %s: missing from the live database", t);
		rc = ET_EVERIFY;
		goto out;
	}
	if ((rc = et_buf_printf(&q, " FROM \"%s\" ORDER BY %s", t, (const char *)order.data)))
		goto out;
	if (sqlite3_prepare_v2(live, (const char *)q.data, -1, &a, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(rdb, (const char *)q.data, -1, &b, NULL) != SQLITE_OK) {
		report_set(rep, "table %s: cannot read it from %s: %s", t,
			   a ? "the replay" : "the live database", sqlite3_errmsg(a ? rdb : live));
		rc = ET_EVERIFY;
		goto out;
	}
	for (;;) {
		char key[512], va[160], vb[160];
		sa = sqlite3_step(a);
		sb = sqlite3_step(b);
		if ((sa != SQLITE_ROW && sa != SQLITE_DONE) || (sb != SQLITE_ROW && sb != SQLITE_DONE)) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		if (sa == SQLITE_DONE && sb == SQLITE_DONE)
			break;
		rowno++;
		if (sb == SQLITE_DONE) {
			row_key(a, is_pk, ncol, rowno, key, sizeof key);
			report_set(rep, "table %s, row %s: in the live database but not in the replay", t, key);
			rc = ET_EVERIFY;
			goto out;
		}
		if (sa == SQLITE_DONE) {
			row_key(b, is_pk, ncol, rowno, key, sizeof key);
			report_set(rep, "table %s, row %s: in the replay but not in the live database", t, key);
			rc = ET_EVERIFY;
			goto out;
		}
		rep->rows++;
		for (i = 0; i < ncol; i++) {
			if (same_value(a, b, i))
				continue;
			row_key(a, is_pk, ncol, rowno, key, sizeof key);
			value_str(a, i, va, sizeof va);
			value_str(b, i, vb, sizeof vb);
			report_set(rep, "table %s, row %s, column %s: live %s, replayed %s", t, key,
				   sqlite3_column_name(a, i), va, vb);
			rc = ET_EVERIFY;
			goto out;
		}
	}
out:
	sqlite3_finalize(ti);
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	free(is_pk);
	free(cols);
	et_buf_free(&q);
	et_buf_free(&order);
	return rc;
}

static int create_schemas(const struct audit_ledger *l, sqlite3 *db)
{
	size_t i;
	int rc;

	for (i = 0; i < l->nmodules; i++)
		if (l->modules[i]->schema_sql && (rc = exec(db, l->modules[i]->schema_sql)))
			return rc;
	return ET_OK;
}

/* The replayed projections hold confidential payloads: the temporary
 * file goes next to the live database (same protection), or to TMPDIR if
 * that folder is not writable (a verifier on a read-only copy); mode 0600,
 * removed at the end. */
static int replay_tmpfile(const struct audit_ledger *l, char *path, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	if (snprintf(path, cap, "%s-replay-XXXXXX", l->db_path) < (int)cap &&
	    (fd = mkstemp(path)) >= 0) {
		close(fd);
		return ET_OK;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(path, cap, "%s/etender-replay-XXXXXX", tmp) >= (int)cap)
		return et_fail(ET_ELIMIT);
	if ((fd = mkstemp(path)) < 0)
		return et_fail(ET_EIO);
	close(fd);
	return ET_OK;
}

int audit_ledger_replay(struct audit_ledger *l, struct audit_report *rep)
{
	struct replay rp = { NULL, NULL, 0, 0 };
	char path[4096];
	int rc = ET_OK;
	size_t m;
	bool reading = false;

	memset(rep, 0, sizeof *rep);
	if ((rc = replay_tmpfile(l, path, sizeof path)))
		return rc;
	if (sqlite3_open_v2(path, &rp.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	/* foreign_keys as on the writer: apply must behave the same */
	if ((rc = exec(rp.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			      " PRAGMA foreign_keys=ON;")) ||
	    (rc = create_schemas(l, rp.db)) || (rc = exec(rp.db, "BEGIN")))
		goto out;
	if ((rc = read_begin(l)))
		goto out;
	reading = true;
	if (sqlite3_prepare_v2(l->rdb, "SELECT tender, salt, blind, event FROM conf_event WHERE idx = ?1",
			       -1, &rp.conf, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if ((rc = scan_log(l, &rp, rep)) || (rc = exec(rp.db, "COMMIT")))
		goto out;
	for (m = 0; m < l->nmodules; m++) {
		const char *const *t = l->modules[m]->tables;
		for (; t && *t; t++)
			if ((rc = compare_table(l->rdb, rp.db, *t, rep)))
				goto out;
	}
out:
	sqlite3_finalize(rp.conf);
	if (reading)
		read_end(l);
	sqlite3_close(rp.db);
	unlink(path);
	return rc;
}

/* ---- the reveal verifier -------------------------------------------------- */

struct conf_leaf {
	uint64_t idx;
	unsigned char c[AUDIT_HASH_LEN];
	uint64_t opened_by;          /* index of the reveal, 0 = not opened */
};

struct tender_reveal {
	char tender[ET_ID_MAX_LEN + 1];
	uint64_t last;               /* index of its last reveal */
};

static struct conf_leaf *find_conf(struct conf_leaf *v, size_t n, uint64_t idx)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].idx == idx)
			return &v[mid];
		if (v[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Opened confidential events kept for the public replay (enc malloc'd). */
struct opened {
	uint64_t idx;
	unsigned char *enc;
	size_t len;
};

struct opened_list {
	struct opened *v;
	size_t n, cap;
};

static void opened_list_free(struct opened_list *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].enc);
	free(k->v);
	k->v = NULL;
	k->n = k->cap = 0;
}

static int opened_list_add(struct opened_list *k, uint64_t idx, const unsigned char *enc, size_t len)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		struct opened *v = realloc(k->v, cap * sizeof *v);
		if (!v)
			return et_fail(ET_ENOMEM);
		k->v = v;
		k->cap = cap;
	}
	if (!(k->v[k->n].enc = malloc(len ? len : 1)))
		return et_fail(ET_ENOMEM);
	memcpy(k->v[k->n].enc, enc, len);
	k->v[k->n].idx = idx;
	k->v[k->n].len = len;
	k->n++;
	return ET_OK;
}

/* Check the openings of one reveal event at index ri; keep (may be NULL)
 * receives the opened events of a full reveal. */
static int check_reveal(struct conf_leaf *cl, size_t ncl, const struct audit_event *ev, uint64_t ri,
			bool membership, struct opened_list *keep, struct audit_report *rep)
{
	struct audit_opening *o = NULL;
	struct audit_leaf inner;
	unsigned char c[AUDIT_HASH_LEN];
	size_t n = 0, i;
	int rc = ET_OK;

	if (!ev->tender[0] || audit_reveal_parse(ev->payload, ev->payload_len, membership, &o, &n)) {
		report_set(rep, "leaf %" PRIu64 ": malformed reveal", ri);
		return ET_EVERIFY;
	}
	for (i = 0; i < n; i++) {
		struct conf_leaf *x = find_conf(cl, ncl, o[i].index);
		if (!x) {
			report_set(rep, "leaf %" PRIu64 ": reveal opens leaf %" PRIu64 ", which is not an"
				   " earlier confidential leaf", ri, o[i].index);
			rc = ET_EVERIFY;
			goto out;
		}
		if (x->opened_by) {
			report_set(rep, "leaf %" PRIu64 ": reveal opens leaf %" PRIu64 " again (opened by"
				   " leaf %" PRIu64 ")", ri, o[i].index, x->opened_by);
			rc = ET_EVERIFY;
			goto out;
		}
		if (audit_commitment(o[i].salt, ev->tender, o[i].digest, c) ||
		    !crypto_ct_equal(c, x->c, AUDIT_HASH_LEN)) {
			report_set(rep, "leaf %" PRIu64 ": the opening of leaf %" PRIu64 " does not match"
				   " its commitment", ri, o[i].index);
			rc = ET_EVERIFY;
			goto out;
		}
		if (!membership && (audit_leaf_decode(o[i].enc, o[i].enc_len, &inner) ||
				    inner.type != AUDIT_LEAF_EVENT || strcmp(inner.tender, ev->tender))) {
			report_set(rep, "leaf %" PRIu64 ": the opened event of leaf %" PRIu64 " is malformed"
				   " or of another tender", ri, o[i].index);
			rc = ET_EVERIFY;
			goto out;
		}
		if (keep && !membership && (rc = opened_list_add(keep, o[i].index, o[i].enc, o[i].enc_len)))
			goto out;
		x->opened_by = ri;
		rep->revealed++;
	}
out:
	free(o);
	return rc;
}

int audit_ledger_verify_reveals(struct audit_ledger *l, bool require_all,
				struct audit_report *rep)
{
	sqlite3_stmt *lv = NULL, *ct = NULL;
	struct conf_leaf *cl = NULL, *ncl_p;
	struct tender_reveal *tr = NULL, *ntr;
	size_t ncl = 0, capcl = 0, ntr_n = 0, i, j;
	struct audit_leaf lf;
	int rc = ET_OK, src;
	bool reading = false;

	memset(rep, 0, sizeof *rep);
	if ((rc = read_begin(l)))
		return rc;
	reading = true;
	if (sqlite3_prepare_v2(l->rdb, "SELECT idx, leaf FROM log_leaf ORDER BY idx", -1, &lv, NULL) !=
	    SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	while ((src = sqlite3_step(lv)) == SQLITE_ROW) {
		uint64_t idx = (uint64_t)sqlite3_column_int64(lv, 0);
		bool mem;

		rep->leaves++;
		if (audit_leaf_decode(sqlite3_column_blob(lv, 1), (size_t)sqlite3_column_bytes(lv, 1),
				      &lf)) {
			report_set(rep, "leaf %" PRIu64 ": not a canonical event leaf", idx);
			rc = ET_EVERIFY;
			goto out;
		}
		if (lf.type == AUDIT_LEAF_COMMITMENT) {
			if (ncl == capcl) {
				capcl = capcl ? 2 * capcl : 64;
				if (!(ncl_p = realloc(cl, capcl * sizeof *cl))) {
					rc = et_fail(ET_ENOMEM);
					goto out;
				}
				cl = ncl_p;
			}
			cl[ncl].idx = idx;
			memcpy(cl[ncl].c, lf.commitment, AUDIT_HASH_LEN);
			cl[ncl].opened_by = 0;
			ncl++;
			rep->confidential++;
			continue;
		}
		if (lf.ev.version != REVEAL_VERSION)
			continue;
		if (!strcmp(lf.ev.kind, AUDIT_KIND_REVEALED))
			mem = false;
		else if (!strcmp(lf.ev.kind, AUDIT_KIND_MEMBERSHIP))
			mem = true;
		else
			continue;
		if ((rc = check_reveal(cl, ncl, &lf.ev, idx, mem, NULL, rep)))
			goto out;
		for (j = 0; j < ntr_n && strcmp(tr[j].tender, lf.tender); j++)
			;
		if (j == ntr_n) {
			if (!(ntr = realloc(tr, (ntr_n + 1) * sizeof *tr))) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			tr = ntr;
			memcpy(tr[j].tender, lf.tender, sizeof tr[j].tender);
			ntr_n++;
		}
		tr[j].last = idx;
	}
	if (src != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	/* With the store: each leaf of a tender before its last reveal is opened. */
	if (sqlite3_prepare_v2(l->rdb, "SELECT tender FROM conf_event WHERE idx = ?1", -1, &ct, NULL) !=
	    SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	for (i = 0; i < ncl; i++) {
		const char *t;
		if (cl[i].opened_by)
			continue;
		if (require_all) {
			report_set(rep, "leaf %" PRIu64 ": confidential leaf never revealed", cl[i].idx);
			rc = ET_EVERIFY;
			goto out;
		}
		sqlite3_reset(ct);
		sqlite3_bind_int64(ct, 1, (sqlite3_int64)cl[i].idx);
		if (sqlite3_step(ct) != SQLITE_ROW)
			continue; /* without the store the public check ends here */
		t = (const char *)sqlite3_column_text(ct, 0);
		for (j = 0; j < ntr_n; j++) {
			if (t && !strcmp(tr[j].tender, t) && tr[j].last > cl[i].idx) {
				report_set(rep, "leaf %" PRIu64 ": confidential leaf of tender %s was left"
					   " out of its reveal at leaf %" PRIu64, cl[i].idx, t, tr[j].last);
				rc = ET_EVERIFY;
				goto out;
			}
		}
	}
out:
	sqlite3_finalize(lv);
	sqlite3_finalize(ct);
	if (reading)
		read_end(l);
	free(cl);
	free(tr);
	return rc;
}

/* ---- open, recovery, close ---------------------------------------------- */

static int build_kinds(struct audit_ledger *l, const struct audit_ledger_config *cfg)
{
	size_t i, j, n = 0;

	if (!(l->modules = calloc(cfg->nmodules + 1, sizeof *l->modules)))
		return et_fail(ET_ENOMEM);
	l->modules[0] = &own_module;
	for (i = 0; i < cfg->nmodules; i++) {
		if (!cfg->modules[i])
			return et_fail(ET_EINVAL);
		l->modules[i + 1] = cfg->modules[i];
	}
	l->nmodules = cfg->nmodules + 1;
	for (i = 0; i < l->nmodules; i++)
		n += l->modules[i]->nkinds;
	if (!(l->kinds = calloc(n ? n : 1, sizeof *l->kinds)))
		return et_fail(ET_ENOMEM);
	for (i = 0; i < l->nmodules; i++) {
		const struct audit_module *m = l->modules[i];
		for (const char *const *t = m->tables; t && *t; t++)
			if (!ident_ok(*t))
				return et_fail(ET_EINVAL);
		if (m->nkinds && !m->kinds)
			return et_fail(ET_EINVAL);
		for (j = 0; j < m->nkinds; j++) {
			const struct audit_kind *k = &m->kinds[j];
			struct audit_event probe = { k->kind, k->version, 0, "", "", NULL, 0, false };
			struct et_buf b;
			int rc;

			et_buf_init(&b, ET_LEAF_MAX_LEN);
			rc = audit_leaf_encode_event(&probe, &b); /* kind and version well formed */
			et_buf_free(&b);
			if (rc || !k->apply)
				return et_fail(ET_EINVAL);
			if (find_kind(l, k->kind, k->version))
				return et_fail(ET_EEXIST);
			l->kinds[l->nkinds++] = (struct kind_entry){ k->kind, k->version, k->apply, m->ctx };
		}
	}
	return ET_OK;
}

/* Recovery check (I3): the latest checkpoint covers the whole log, is
 * signed by our key, and its root is the log's. */
static int recover(struct audit_ledger *l, sqlite3 *db, struct audit_log *log)
{
	struct audit_checkpoint cp;
	char *note = NULL, *text = NULL;
	unsigned char root[AUDIT_HASH_LEN];
	uint64_t size = 0, n = audit_log_size(log);
	int64_t t = 0;
	int rc;

	rc = latest_checkpoint(db, &note, &size, &t);
	if (rc == ET_ENOTFOUND) {
		if (n == 0)
			return ET_OK;
		et_log(ET_LOG_ERROR, "ledger: %" PRIu64 " leaves but no checkpoint", n);
		return et_fail(ET_EVERIFY);
	}
	if (rc)
		return rc;
	if (size != n || audit_note_verify(note, strlen(note), l->origin, l->pub, &text) ||
	    audit_checkpoint_parse(text, strlen(text), &cp) || cp.size != n ||
	    audit_log_root(log, n, root) || !crypto_ct_equal(root, cp.root, AUDIT_HASH_LEN)) {
		et_log(ET_LOG_ERROR, "ledger: the log (%" PRIu64 " leaves) does not match its latest"
		       " checkpoint (size %" PRIu64 ") or that is not signed by the log key", n, size);
		rc = et_fail(ET_EVERIFY);
		goto out;
	}
	l->last_time = t;
out:
	free(note);
	free(text);
	return rc;
}

/* Decode the log key once for sign_note, and check once that sign_note
 * makes what audit_note_sign makes (which also validates the origin as a
 * key name). */
static int open_signer(struct audit_ledger *l)
{
	static const char probe[] = "audit/ledger sign_note self-check\n";
	char *a = NULL, *b = NULL;
	int rc;

	if ((rc = crypto_ed25519_signer_new(l->seed, &l->signer)))
		return rc;
	l->key_hash = audit_note_key_hash(l->origin, 0x01, l->pub);
	if ((rc = audit_note_sign(probe, l->origin, l->seed, &a)) || (rc = sign_note(l, probe, &b)))
		goto out;
	if (strcmp(a, b) != 0)
		rc = et_fail(ET_ECRYPTO);
out:
	free(a);
	free(b);
	return rc;
}

/* The writer's connection: schemas, the log, recovery, the authorizer. */
static int open_writer(struct audit_ledger *l, const char *path)
{
	int rc;

	if ((rc = open_db(path, false, &l->wdb)) || (rc = exec(l->wdb, "BEGIN IMMEDIATE")))
		return rc;
	if ((rc = exec(l->wdb, ledger_schema)) || (rc = create_schemas(l, l->wdb)) ||
	    (rc = audit_log_open(l->wdb, &l->wlog)) || (rc = recover(l, l->wdb, l->wlog))) {
		(void)exec(l->wdb, "ROLLBACK");
		return rc;
	}
	if ((rc = exec(l->wdb, "COMMIT")))
		return rc;
	for (int i = 0; i < WST_COUNT; i++)
		if (sqlite3_prepare_v3(l->wdb, wst_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &l->wst[i],
				       NULL) != SQLITE_OK) {
			et_log(ET_LOG_ERROR, "ledger: prepare %s: %s", wst_sql[i], sqlite3_errmsg(l->wdb));
			return et_fail(ET_EDB);
		}
	if ((rc = open_signer(l)))
		return rc;
	sqlite3_set_authorizer(l->wdb, writer_auth, l);
	return ET_OK;
}

int audit_ledger_open(const struct audit_ledger_config *cfg, struct audit_ledger **out)
{
	struct audit_ledger *l = NULL;
	bool writer;
	int rc;

	if (!out)
		return et_fail(ET_EINVAL);
	*out = NULL;
	if (!cfg || !cfg->db_path || !cfg->db_path[0] || cfg->db_path[0] == ':' || !cfg->origin ||
	    !cfg->origin[0] || (!cfg->seed && !cfg->pub) || (cfg->nmodules && !cfg->modules) ||
	    strlen(cfg->origin) >= ET_NOTE_MAX_NAME)
		return et_fail(ET_EINVAL);
	writer = cfg->seed != NULL;
	if (!(l = calloc(1, sizeof *l)))
		return et_fail(ET_ENOMEM);
	pthread_mutex_init(&l->mu, NULL);
	pthread_mutex_init(&l->rmu, NULL);
	{
		pthread_condattr_t ca;
		/* take_batch waits against the monotonic clock */
		if (pthread_condattr_init(&ca) || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) ||
		    pthread_cond_init(&l->work, &ca)) {
			pthread_mutex_destroy(&l->mu);
			pthread_mutex_destroy(&l->rmu);
			free(l); /* nothing else to undo yet */
			return et_fail(ET_ENOMEM);
		}
		pthread_condattr_destroy(&ca);
	}
	if (!(l->origin = strdup(cfg->origin)) || !(l->db_path = strdup(cfg->db_path))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if (writer) {
		memcpy(l->seed, cfg->seed, sizeof l->seed);
		if ((rc = crypto_ed25519_public(l->seed, l->pub)))
			goto out;
		if (cfg->pub && !crypto_ct_equal(cfg->pub, l->pub, sizeof l->pub)) {
			rc = et_fail(ET_EKEY);
			goto out;
		}
	} else {
		memcpy(l->pub, cfg->pub, sizeof l->pub);
	}
	if ((rc = build_kinds(l, cfg)))
		goto out;
	l->on_commit = cfg->on_commit;
	l->on_commit_ctx = cfg->on_commit_ctx;
	if (writer && (rc = open_writer(l, cfg->db_path)))
		goto out;
	if ((rc = open_db(cfg->db_path, !writer, &l->rdb)) || (rc = audit_log_open(l->rdb, &l->rlog)))
		goto out;
	if (!writer && (rc = recover(l, l->rdb, l->rlog)))
		goto out;
	sqlite3_set_authorizer(l->rdb, reader_auth, NULL);
	l->size = audit_log_size(l->rlog);
	if (writer) {
		if (pthread_create(&l->thread, NULL, writer_main, l) != 0) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		l->thread_started = true;
	}
	*out = l;
	l = NULL;
out:
	audit_ledger_close(l);
	return rc;
}

void audit_ledger_close(struct audit_ledger *l)
{
	if (!l)
		return;
	if (l->thread_started) {
		pthread_mutex_lock(&l->mu);
		l->stop = true;
		pthread_cond_signal(&l->work);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
	}
	audit_log_close(l->wlog);
	audit_log_close(l->rlog);
	for (int i = 0; i < WST_COUNT; i++)
		sqlite3_finalize(l->wst[i]);
	crypto_ed25519_signer_free(l->signer);
	sqlite3_close(l->wdb);
	sqlite3_close(l->rdb);
	pthread_mutex_destroy(&l->mu);
	pthread_mutex_destroy(&l->rmu);
	pthread_cond_destroy(&l->work);
	crypto_wipe(l->seed, sizeof l->seed);
	free(l->origin);
	free(l->db_path);
	free(l->modules);
	free(l->kinds);
	free(l);
}

/* ---- public replay: the log alone --------------------------------------------- */

static int cmp_opened(const void *a, const void *b)
{
	uint64_t x = ((const struct opened *)a)->idx, y = ((const struct opened *)b)->idx;

	return x < y ? -1 : x > y;
}

/* Pass 1: hash every leaf (root), collect the commitments and check every
 * reveal, keeping the opened events. */
static int public_pass1(audit_leaf_source *src, void *ctx, uint64_t size, struct opened_list *keep,
			unsigned char root[AUDIT_HASH_LEN], struct audit_report *rep)
{
	struct conf_leaf *cl = NULL, *ncl_p;
	struct frontier *f = NULL;
	struct audit_sha sha = { NULL };
	struct audit_leaf lf;
	unsigned char *leaf = NULL, lh[AUDIT_HASH_LEN];
	size_t len = 0, ncl = 0, capcl = 0;
	uint64_t i;
	int rc = ET_OK;

	if (!(f = calloc(1, sizeof *f)))
		return et_fail(ET_ENOMEM);
	if ((rc = audit_sha_init(&sha)))
		goto out;
	for (i = 0; i < size; i++) {
		free(leaf);
		leaf = NULL;
		if ((rc = src(ctx, i, &leaf, &len)))
			goto out;
		audit_sha_leaf(&sha, leaf, len, lh);
		frontier_push(&sha, f, lh);
		rep->leaves++;
		if (audit_leaf_decode(leaf, len, &lf)) {
			report_set(rep, "leaf %" PRIu64 ": not a canonical event leaf", i);
			rc = ET_EVERIFY;
			goto out;
		}
		if (lf.type == AUDIT_LEAF_COMMITMENT) {
			if (ncl == capcl) {
				capcl = capcl ? 2 * capcl : 64;
				if (!(ncl_p = realloc(cl, capcl * sizeof *cl))) {
					rc = et_fail(ET_ENOMEM);
					goto out;
				}
				cl = ncl_p;
			}
			cl[ncl].idx = i;
			memcpy(cl[ncl].c, lf.commitment, AUDIT_HASH_LEN);
			cl[ncl].opened_by = 0;
			ncl++;
			rep->confidential++;
			continue;
		}
		if (lf.ev.version != REVEAL_VERSION)
			continue;
		if (!strcmp(lf.ev.kind, AUDIT_KIND_REVEALED))
			rc = check_reveal(cl, ncl, &lf.ev, i, false, keep, rep);
		else if (!strcmp(lf.ev.kind, AUDIT_KIND_MEMBERSHIP))
			rc = check_reveal(cl, ncl, &lf.ev, i, true, NULL, rep);
		if (rc)
			goto out;
	}
	frontier_root(&sha, f, root);
	if (keep->n)
		qsort(keep->v, keep->n, sizeof *keep->v, cmp_opened);
out:
	free(leaf);
	free(cl);
	free(f);
	audit_sha_free(&sha);
	return rc;
}

int audit_replay_public(const struct audit_module *const *modules, size_t nmodules,
			audit_leaf_source *src, void *ctx, uint64_t size, const char *out_path,
			unsigned char root[AUDIT_HASH_LEN], struct audit_report *rep)
{
	struct audit_ledger_config cfg = { .modules = modules, .nmodules = nmodules };
	struct audit_ledger *l = NULL;
	struct opened_list keep = { NULL, 0, 0 };
	struct replay rp = { NULL, NULL, 0, 0 };
	struct audit_leaf lf, inner;
	sqlite3 *db = NULL;
	unsigned char *leaf = NULL;
	size_t len = 0, k = 0;
	uint64_t i;
	int rc;

	memset(rep, 0, sizeof *rep);
	if (!src || !out_path || !root || (nmodules && !modules))
		return et_fail(ET_EINVAL);
	if (!(l = calloc(1, sizeof *l)))
		return et_fail(ET_ENOMEM);
	if (access(out_path, F_OK) == 0) {
		rc = ET_EEXIST;
		goto out;
	}
	if ((rc = build_kinds(l, &cfg)) || (rc = public_pass1(src, ctx, size, &keep, root, rep)))
		goto out;
	if (sqlite3_open_v2(out_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if ((rc = exec(db, "PRAGMA foreign_keys=ON;")) || (rc = create_schemas(l, db)) ||
	    (rc = exec(db, "BEGIN")))
		goto out;
	/* Pass 2: apply public events, and opened confidential ones, in order. */
	for (i = 0; i < size; i++) {
		const struct audit_leaf *use = &lf;
		const struct kind_entry *ke;
		struct audit_event ev;

		free(leaf);
		leaf = NULL;
		if ((rc = src(ctx, i, &leaf, &len)))
			goto out;
		if (audit_leaf_decode(leaf, len, &lf)) {
			report_set(rep, "leaf %" PRIu64 ": changed between the two passes", i);
			rc = ET_EVERIFY;
			goto out;
		}
		if (lf.type == AUDIT_LEAF_COMMITMENT) {
			while (k < keep.n && keep.v[k].idx < i)
				k++;
			if (k == keep.n || keep.v[k].idx != i)
				continue; /* not opened (yet): its effect is not public */
			if (audit_leaf_decode(keep.v[k].enc, keep.v[k].len, &inner)) {
				rc = et_fail(ET_EVERIFY);
				goto out;
			}
			use = &inner;
		}
		ev = use->ev;
		ev.confidential = lf.type == AUDIT_LEAF_COMMITMENT;
		if ((rc = check_time(&rp, i, ev.time_us, rep)))
			goto out;
		if (!(ke = find_kind(l, ev.kind, ev.version))) {
			report_set(rep, "leaf %" PRIu64 ": no module applies %s v%u", i, ev.kind,
				   (unsigned)ev.version);
			rc = ET_EVERIFY;
			goto out;
		}
		if ((rc = ke->apply(db, &ev, i, ke->ctx))) {
			report_set(rep, "leaf %" PRIu64 ": replaying %s v%u failed: %s", i, ev.kind,
				   (unsigned)ev.version, et_strerror(rc));
			rc = ET_EVERIFY;
			goto out;
		}
	}
	rc = exec(db, "COMMIT");
out:
	free(leaf);
	opened_list_free(&keep);
	sqlite3_close(db);
	if (l) {
		free(l->modules);
		free(l->kinds);
		free(l);
	}
	return rc;
}
