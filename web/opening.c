/* web/opening.c — the close and the opening ceremony over HTTP (docs/api.md
 * "The close and the opening"): the closer thread, which closes every
 * published tender at its deadline (after the submissions whose last byte
 * arrived in time were submitted), runs the opening once k holders
 * released their keys and fails the opening when the rules profile's
 * window passes; and the routes: bidding status, manual close, close info
 * (the closing leaf with a witness-cosigned checkpoint and its inclusion
 * proof), key release, the opening record and the bidders' answers.
 *
 * Invariants: every state change goes through the bidding domain (bid_close,
 * bid_key_release, bid_open, bid_open_fail, bid_record_answer), which
 * refuses an early close, a second close and an opening with fewer than k
 * keys; the closer never holds its lock while calling the ledger; a
 * submission registered in flight has its arrival read under the closer's
 * lock, so a close that saw the deadline pass either waits for it or it is
 * late. Pushing the close to the witness is the ledger's on_commit hook
 * (web/witness.c), which wakes the pusher at once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bidding/bidding.h"
#include "evaluation/evaluation.h"
#include "crypto/crypto.h"
#include "web/web_int.h"

#define INFLIGHT_MAX 256
#define CLOSE_WAIT_MS 30000            /* bound on waiting for in-flight submissions */
#define POLL_MS 1000                   /* the closer rechecks at least this often */
#define WITNESS_WAIT_MS 5000           /* bound on waiting for the close's cosignature */

struct inflight {
	bool used;
	char tender[TENDER_ID_LEN];
	int64_t arrival_us;
};

/* An opening runs on its own worker thread, so that decrypting a large
 * tender's bids never holds up another tender's close (at most OPENERS_MAX
 * at a time; a tender waiting for a free worker is taken at a later pass). */
#define OPENERS_MAX 2
struct opener {
	struct web_closer *c;
	pthread_t th;
	bool busy, done;
	char tender[TENDER_ID_LEN];
};

struct web_closer {
	struct web_data *d;
	struct web_witness *w;
	pthread_t th;
	struct opener op[OPENERS_MAX];
	bool started, stop, kick;
	pthread_mutex_t mu;
	pthread_cond_t cv;            /* kicks and stop (CLOCK_MONOTONIC) */
	pthread_cond_t done;          /* an in-flight submission ended */
	struct inflight fl[INFLIGHT_MAX];
};

static void deadline_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

#ifdef ET_TEST_HOOKS
/* Test builds: a delay between a submission's arrival and its bid_submit
 * (POST /api/test/submit-delay), so that a test can hold a submission in
 * flight across the deadline. */
static pthread_mutex_t test_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t test_delay_ms;
#endif

int web_inflight_begin(struct web_data *d, const char *tender, int64_t *arrival_us, int *slot)
{
	struct web_closer *c = d->closer;

	*slot = -1;
	if (!c) {
		*arrival_us = et_clock_now_us();
		return ET_OK;
	}
	if (strlen(tender) >= sizeof c->fl[0].tender)
		return et_fail(ET_EINVAL);
	pthread_mutex_lock(&c->mu);
	*arrival_us = et_clock_now_us();
	for (int i = 0; i < INFLIGHT_MAX; i++)
		if (!c->fl[i].used) {
			c->fl[i].used = true;
			memcpy(c->fl[i].tender, tender, strlen(tender) + 1);
			c->fl[i].arrival_us = *arrival_us;
			*slot = i;
			break;
		}
	pthread_mutex_unlock(&c->mu);
#ifdef ET_TEST_HOOKS
	{
		int64_t ms;

		pthread_mutex_lock(&test_mu);
		ms = test_delay_ms;
		pthread_mutex_unlock(&test_mu);
		if (*slot >= 0 && ms > 0) {
			struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
		}
	}
#endif
	return *slot < 0 ? ET_ELIMIT : ET_OK;
}

#ifdef ET_TEST_HOOKS
/* POST /api/test/submit-delay {"ms": N}: every later submission waits N ms
 * in flight (after its arrival, before bid_submit); 0 ends it. GET
 * /api/test/inflight → {"inflight": submissions in flight now}. */
int web_test_submit_delay(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL, *v;
	int rc;

	if ((rc = web_body_object(r, &j, rep)))
		return rc;
	v = json_object_get(j, "ms");
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 60000) {
		json_decref(j);
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, "字段 ms 无效",
				"field ms is invalid");
		return ET_EINVAL;
	}
	pthread_mutex_lock(&test_mu);
	test_delay_ms = json_integer_value(v);
	pthread_mutex_unlock(&test_mu);
	json_decref(j);
	return web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:b}", "ok", 1));
}

int web_test_inflight(struct web_req *r, struct web_reply *rep)
{
	struct web_closer *c = r->data->closer;
	int n = 0;

	if (c) {
		pthread_mutex_lock(&c->mu);
		for (int i = 0; i < INFLIGHT_MAX; i++)
			n += c->fl[i].used;
		pthread_mutex_unlock(&c->mu);
	}
	return web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:i}", "inflight", n));
}
#endif

void web_inflight_end(struct web_data *d, int slot)
{
	struct web_closer *c = d->closer;

	if (!c || slot < 0 || slot >= INFLIGHT_MAX)
		return;
	pthread_mutex_lock(&c->mu);
	c->fl[slot].used = false;
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->mu);
}

void web_closer_kick(struct web_data *d)
{
	struct web_closer *c = d ? d->closer : NULL;

	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->kick = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static bool stopping(struct web_closer *c)
{
	bool stop;

	pthread_mutex_lock(&c->mu);
	stop = c->stop;
	pthread_mutex_unlock(&c->mu);
	return stop;
}

/* Called with c->mu held: is a submission of tender that arrived before
 * deadline still in flight? */
static bool pending(const struct web_closer *c, const char *tender, int64_t deadline)
{
	for (int i = 0; i < INFLIGHT_MAX; i++)
		if (c->fl[i].used && !strcmp(c->fl[i].tender, tender) &&
		    c->fl[i].arrival_us < deadline)
			return true;
	return false;
}

/* The close of tender by actor ("" = the platform): if its deadline has
 * passed, wait (bounded) for the submissions that arrived before it, then
 * bid_close. ET_ESTATE (et.close.early in d) before the deadline. */
static int close_tender(struct web_data *d, const char *actor, const char *tender,
			struct bid_close_result *res, struct tender_diag *diag)
{
	struct web_closer *c = d->closer;
	struct bid_tender_status st;
	int rc;

	if ((rc = bid_tender_status(d->ledger, tender, &st)))
		return rc;
	if (c) {
		struct timespec ts;
		bool late;

		pthread_mutex_lock(&c->mu);
		late = et_clock_now_us() >= st.deadline_us;
		deadline_in(&ts, CLOSE_WAIT_MS);
		while (late && !c->stop && pending(c, tender, st.deadline_us))
			if (pthread_cond_timedwait(&c->done, &c->mu, &ts) == ETIMEDOUT) {
				et_log(ET_LOG_WARN, "close %s: submissions still in flight after %d ms",
				       tender, CLOSE_WAIT_MS);
				break;
			}
		pthread_mutex_unlock(&c->mu);
	}
	return bid_close(d->ledger, actor, tender, res, diag);
}

/* struct bid_keep's put over the blob store: an opened bid.xml stored under
 * its SHA-256 (atomically; kept once). */
static int blob_put(void *ctx, const void *data, size_t len, const unsigned char sha256[32])
{
	struct web_data *d = ctx;
	char hex[65], rel[80], path[4096];
	struct stat sb;
	int rc;

	et_hex_encode(sha256, 32, hex);
	if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    (rc = web_path(d->dir, rel, path, sizeof path)))
		return et_fail(ET_EINVAL);
	if (stat(path, &sb) == 0 && (uint64_t)sb.st_size == len)
		return ET_OK;
	return et_write_file_atomic(path, data, len, 0600);
}

/* struct bid_keep's attachment sink over the blob store: a temporary file
 * blobs/.upload-att-XXXXXX (swept at start like an upload's), written as
 * decrypted, fsync'd and renamed to blobs/<hex of its plaintext SHA-256>. */
struct att_tmp {
	struct web_data *d;
	int fd;
	char path[4096];
};

static int att_begin(void *ctx, void **h)
{
	struct web_data *d = ctx;
	struct att_tmp *a = calloc(1, sizeof *a);
	char rel[80];

	if (!a)
		return et_fail(ET_ENOMEM);
	a->d = d;
	if (snprintf(rel, sizeof rel, "%s/.upload-att-XXXXXX", WEB_DIR_BLOBS) >= (int)sizeof rel ||
	    web_path(d->dir, rel, a->path, sizeof a->path) || (a->fd = mkstemp(a->path)) < 0) {
		free(a);
		return et_fail(ET_EIO);
	}
	*h = a;
	return ET_OK;
}

static int att_write(void *h, const unsigned char *b, size_t n)
{
	struct att_tmp *a = h;

	while (n) {
		ssize_t w = write(a->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return et_fail(ET_EIO);
		b += w;
		n -= (size_t)w;
	}
	return ET_OK;
}

static void att_abort(void *h)
{
	struct att_tmp *a = h;

	close(a->fd);
	unlink(a->path);
	free(a);
}

static int att_commit(void *h, const unsigned char sha256[32])
{
	struct att_tmp *a = h;
	char hex[65], rel[80], path[4096];
	int rc = ET_OK;

	et_hex_encode(sha256, 32, hex);
	if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    web_path(a->d->dir, rel, path, sizeof path) || fsync(a->fd) || rename(a->path, path))
		rc = et_fail(ET_EIO);
	close(a->fd);
	if (rc)
		unlink(a->path);
	free(a);
	return rc;
}

static const struct bid_blobs *blobs_of(struct web_data *d, struct bid_blobs *b)
{
	b->open = web_blob_open;
	b->ctx = d;
	return b;
}

/* The commit of a close woke the witness pusher (on_commit), which pushes at
 * once; wait a little (bounded) for the cosignature on a checkpoint covering
 * the close, so that the log says when the key holders can check it. */
static void witness_close(struct web_closer *c, const char *tender, uint64_t index)
{
	char *note = NULL;
	uint64_t size = 0;

	if (!c->w)
		return;
	for (int i = 0; i < WITNESS_WAIT_MS / 100 && !stopping(c); i++) {
		if (web_witness_latest(c->w, &note, &size) == ET_OK && size > index) {
			free(note);
			et_log(ET_LOG_INFO, "the witness cosigned the close of %s (checkpoint size %llu)",
			       tender, (unsigned long long)size);
			return;
		}
		free(note);
		note = NULL;
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	et_log(ET_LOG_WARN, "no witness cosignature on the close of %s yet; the pusher keeps trying",
	       tender);
}

static void *opener_main(void *arg)
{
	struct opener *o = arg;
	struct web_closer *c = o->c;
	struct web_data *d = c->d;
	struct tender_diag diag;
	struct bid_blobs b;
	struct bid_keep keep = { blob_put, d, att_begin, att_write, att_commit, att_abort };

	tender_diag_clear(&diag);
#ifdef ET_TEST_HOOKS
	{
		/* test builds: ET_TEST_OPEN_DELAY_MS=N holds every opening N ms on
		 * its worker before it starts, so that a test can see another
		 * tender's close go ahead meanwhile */
		const char *e = getenv("ET_TEST_OPEN_DELAY_MS");
		long ms = e ? strtol(e, NULL, 10) : 0;
		if (ms > 0 && ms <= 60000) {
			struct timespec ts = { (time_t)(ms / 1000), (ms % 1000) * 1000000L };
			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
		}
	}
#endif
	if (bid_open_keep(d->ledger, blobs_of(d, &b), &keep, "", o->tender, &diag))
		et_log(ET_LOG_WARN, "closer: open %s: %s", o->tender, diag.msg);
	else
		et_log(ET_LOG_INFO, "opened %s", o->tender);
	pthread_mutex_lock(&c->mu);
	o->done = true;
	c->kick = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Join the workers that finished (all of them, waiting, if wait). */
static void openers_reap(struct web_closer *c, bool wait)
{
	for (int i = 0; i < OPENERS_MAX; i++) {
		bool join;

		pthread_mutex_lock(&c->mu);
		join = c->op[i].busy && (wait || c->op[i].done);
		pthread_mutex_unlock(&c->mu);
		if (!join)
			continue;
		pthread_join(c->op[i].th, NULL);
		pthread_mutex_lock(&c->mu);
		c->op[i].busy = c->op[i].done = false;
		pthread_mutex_unlock(&c->mu);
	}
}

/* Start the opening of tender on a free worker, unless one runs for it or
 * none is free (then a later pass takes it). */
static void opening_start(struct web_closer *c, const char *tender)
{
	int free_slot = -1;

	openers_reap(c, false);
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < OPENERS_MAX; i++) {
		if (c->op[i].busy && !strcmp(c->op[i].tender, tender)) {
			pthread_mutex_unlock(&c->mu);
			return;
		}
		if (!c->op[i].busy && free_slot < 0)
			free_slot = i;
	}
	if (free_slot >= 0 && strlen(tender) < sizeof c->op[0].tender) {
		struct opener *o = &c->op[free_slot];
		o->c = c;
		o->busy = true;
		o->done = false;
		memcpy(o->tender, tender, strlen(tender) + 1);
		if (pthread_create(&o->th, NULL, opener_main, o)) {
			o->busy = false;
			et_log(ET_LOG_WARN, "closer: no thread for the opening of %s", tender);
		}
	}
	pthread_mutex_unlock(&c->mu);
}

/* One pass over the published tenders. */
static void scan(struct web_closer *c)
{
	struct web_data *d = c->d;
	struct tender_info *v = NULL;
	size_t n = 0;
	int rc;

	if ((rc = tender_list(d->ledger, NULL, &v, &n))) {
		et_log(ET_LOG_WARN, "closer: tender list: %s", et_strerror(rc));
		return;
	}
	for (size_t i = 0; i < n && !stopping(c); i++) {
		struct bid_tender_status st;
		struct tender_diag diag;
		struct bid_close_result res;
		int64_t now = et_clock_now_us();

		if (v[i].stage != TENDER_STAGE_PUBLISHED ||
		    bid_tender_status(d->ledger, v[i].id, &st))
			continue;
		tender_diag_clear(&diag);
		if (st.phase == BID_PHASE_OPEN && now >= st.deadline_us) {
			if ((rc = close_tender(d, "", v[i].id, &res, &diag)))
				et_log(ET_LOG_WARN, "closer: close %s: %s", v[i].id, diag.msg);
			else {
				et_log(ET_LOG_INFO, "closed %s at leaf %llu: %u received, %u counted%s",
				       v[i].id, (unsigned long long)res.index, res.received,
				       res.counted, res.failed ? " (failed)" : "");
				witness_close(c, v[i].id, res.index);
			}
		} else if (st.phase == BID_PHASE_CLOSED && st.released >= st.k) {
			opening_start(c, v[i].id);
		} else if (st.phase == BID_PHASE_CLOSED) {
			const struct tender_profile *prof = NULL;

			/* the writer is asked only once the window has passed */
			if (tender_rules_lookup(v[i].profile, v[i].profile_version, &prof) ||
			    now < st.closed_us + tender_rules_open_window(prof))
				continue;
			rc = bid_open_fail(d->ledger, "", v[i].id, &diag);
			if (rc == ET_OK)
				et_log(ET_LOG_INFO, "opening of %s failed: the window passed", v[i].id);
			else if (rc != ET_ESTATE)
				et_log(ET_LOG_WARN, "closer: open-fail %s: %s", v[i].id, diag.msg);
		}
	}
	tender_list_free(v);
}

static void *closer_main(void *arg)
{
	struct web_closer *c = arg;

	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		struct timespec ts;

		c->kick = false;
		pthread_mutex_unlock(&c->mu);
		scan(c);
		pthread_mutex_lock(&c->mu);
		deadline_in(&ts, POLL_MS);
		while (!c->stop && !c->kick)
			if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

int web_closer_start(struct web_data *d, struct web_witness *w)
{
	struct web_closer *c;
	pthread_condattr_t ca;

	if (!(c = calloc(1, sizeof *c)))
		return et_fail(ET_ENOMEM);
	c->d = d;
	c->w = w;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_cond_init(&c->done, &ca);
	pthread_condattr_destroy(&ca);
	d->closer = c;
	if (pthread_create(&c->th, NULL, closer_main, c)) {
		d->closer = NULL;
		pthread_cond_destroy(&c->cv);
		pthread_cond_destroy(&c->done);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return et_fail(ET_ENOMEM);
	}
	c->started = true;
	return ET_OK;
}

void web_closer_stop(struct web_data *d)
{
	struct web_closer *c = d ? d->closer : NULL;

	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_broadcast(&c->cv);
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->mu);
	if (c->started)
		pthread_join(c->th, NULL);
	openers_reap(c, true);   /* an opening in progress ends (all or none) */
	d->closer = NULL;
	pthread_cond_destroy(&c->cv);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* ---- routes -------------------------------------------------------------- */

static const char *phase_name(enum bid_phase p)
{
	switch (p) {
	case BID_PHASE_OPEN: return "open";
	case BID_PHASE_CLOSED: return "closed";
	case BID_PHASE_FAILED: return "failed";
	case BID_PHASE_OPENED: return "opened";
	case BID_PHASE_UNOPENED: return "unopened";
	}
	return "?";
}

static json_t *status_json(const char *tender, const struct bid_tender_status *st)
{
	json_t *j = json_pack("{s:s,s:s,s:I,s:I,s:I}", "tender", tender, "phase",
			      phase_name(st->phase), "deadline_us", (json_int_t)st->deadline_us,
			      "k", (json_int_t)st->k, "now_us", (json_int_t)et_clock_now_us());

	if (j && st->phase != BID_PHASE_OPEN &&
	    (json_object_set_new(j, "received", json_integer(st->received)) ||
	     json_object_set_new(j, "counted", json_integer(st->counted)) ||
	     json_object_set_new(j, "released", json_integer(st->released)) ||
	     json_object_set_new(j, "close_index", json_integer((json_int_t)st->close_index)) ||
	     json_object_set_new(j, "closed_us", json_integer(st->closed_us)))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* GET /api/tenders/{id}/bidding: phase, deadline, k; after the close the
 * counts, the releases and the closing leaf. Nothing about bids before. */
int web_get_bidding(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct bid_tender_status st;
	int rc;

	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = bid_tender_status(r->data->ledger, id, &st)))
		return rc;
	return web_reply_json(rep, MHD_HTTP_OK, status_json(id, &st));
}

/* POST /api/tenders/{id}/close: an administrator or supervisor closes a
 * tender whose deadline has passed (if the closer did not). */
int web_post_close(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	struct bid_close_result res;
	struct tender_diag d;
	int rc;

	tender_diag_clear(&d);
	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = close_tender(r->data, r->who.user, id, &res, &d)))
		return web_reply_diag(rep, rc, &d);
	return web_reply_json(rep, MHD_HTTP_OK,
			      json_pack("{s:s,s:b,s:I,s:I,s:I}", "tender", id, "failed", res.failed,
					"received", (json_int_t)res.received, "counted",
					(json_int_t)res.counted, "index", (json_int_t)res.index));
}

/* GET /api/tenders/{id}/close: the closing event's leaf and index, the
 * latest witness-cosigned checkpoint (which must cover it) and the leaf's
 * inclusion proof in it: what a key holder checks before releasing. 409
 * before the close; 503 until the witness cosigned a checkpoint covering
 * the close (or if no witness is configured). */
int web_get_close(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *note = NULL, *b64 = NULL;
	struct bid_tender_status st;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL, *leaf = NULL;
	size_t nproof = 0, llen = 0;
	uint64_t size = 0;
	json_t *arr = NULL, *j = NULL;
	int rc;

	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = bid_tender_status(r->data->ledger, id, &st)))
		return rc;
	if (st.phase == BID_PHASE_OPEN) {
		web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ESTATE, "et.open.stage", "尚未截标",
				"the tender is not closed yet");
		return ET_ESTATE;
	}
	rc = web_witness_latest(r->witness, &note, &size);
	if (rc == ET_ENOTFOUND || (rc == ET_OK && size <= st.close_index)) {
		web_reply_error(rep, MHD_HTTP_SERVICE_UNAVAILABLE, ET_ESTATE, "et.open.witness",
				"见证人尚未副署覆盖截标事件的检查点，请稍后重试",
				"the witness has not yet cosigned a checkpoint covering the close; "
				"try again shortly");
		rc = ET_ESTATE;
		goto out;
	}
	if (rc || (rc = audit_ledger_inclusion(r->data->ledger, st.close_index, size, &proof,
					       &nproof)) ||
	    (rc = audit_ledger_leaf(r->data->ledger, st.close_index, &leaf, &llen)))
		goto out;
	rc = et_fail(ET_ENOMEM);
	if (!(arr = json_array()) || !(b64 = malloc(et_b64_encoded_len(llen) + 1)))
		goto out;
	for (size_t i = 0; i < nproof; i++) {
		char h[4 * ((AUDIT_HASH_LEN + 2) / 3) + 1];

		et_b64_encode(proof[i], AUDIT_HASH_LEN, h);
		if (json_array_append_new(arr, json_string(h)))
			goto out;
	}
	et_b64_encode(leaf, llen, b64);
	if (!(j = status_json(id, &st)) ||
	    json_object_set_new(j, "index", json_integer((json_int_t)st.close_index)) ||
	    json_object_set_new(j, "leaf", json_string(b64)) ||
	    json_object_set_new(j, "checkpoint", json_string(note)) ||
	    json_object_set_new(j, "checkpoint_size", json_integer((json_int_t)size)) ||
	    json_object_set(j, "proof", arr))
		goto out;
	rc = web_reply_json(rep, MHD_HTTP_OK, j);
	j = NULL;
out:
	json_decref(j);
	json_decref(arr);
	free(b64);
	free(leaf);
	free(proof);
	free(note);
	return rc;
}

/* POST /api/tenders/{id}/keys/release {"index", "identity", "signature"}:
 * a key holder releases its per-tender key, signed over
 * bid_release_message. With k releases in, the closer opens the bids. */
int web_post_release(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN];
	const char *identity, *sig64;
	unsigned char sig[64];
	unsigned released = 0;
	struct bid_tender_status st;
	struct tender_diag d;
	json_t *j = NULL, *idx;
	size_t got = 0;
	int rc;

	tender_diag_clear(&d);
	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = web_body_object(r, &j, rep)))
		return rc;
	idx = json_object_get(j, "index");
	if ((rc = web_str_field(j, "identity", false, &identity, rep)) ||
	    (rc = web_str_field(j, "signature", false, &sig64, rep)))
		goto out;
	if (!json_is_integer(idx) || json_integer_value(idx) < 1 ||
	    et_b64_decode(sig64, strlen(sig64), sig, sizeof sig, &got) || got != sizeof sig) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"字段 index 或 signature 无效", "field index or signature is invalid");
		rc = ET_EINVAL;
		goto out;
	}
	if ((rc = bid_key_release(r->data->ledger, r->who.user, id, identity, sig, &released, &d))) {
		web_reply_diag(rep, rc, &d);
		goto out;
	}
	if ((rc = bid_tender_status(r->data->ledger, id, &st)))
		goto out;
	if (released >= st.k)
		web_closer_kick(r->data);
	rc = web_reply_json(rep, MHD_HTTP_OK,
			    json_pack("{s:s,s:I,s:I,s:b}", "tender", id, "released",
				      (json_int_t)released, "k", (json_int_t)st.k, "opening",
				      released >= st.k));
out:
	/* the key is secret until an accepted release logs it (a refused one,
	 * e.g. before the close, must leave no copy): wipe the parsed identity
	 * and the request body */
	{
		json_t *iv = j ? json_object_get(j, "identity") : NULL;
		const char *is = json_string_value(iv);
		if (is)
			crypto_wipe((char *)is, strlen(is));
	}
	if (r->body && r->body_len)
		crypto_wipe((unsigned char *)r->body, r->body_len);
	json_decref(j);
	return rc;
}

/* GET /api/tenders/{id}/opening: the opening record (唱标), exactly the
 * payload of bids.opened (canonical JSON). 409 before the opening. */
int web_get_opening(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], *json = NULL;
	int rc;

	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	rc = bid_opening_record(r->data->ledger, id, &json);
	if (rc == ET_ESTATE) {
		web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ESTATE, "et.open.stage", "尚未开标",
				"the bids are not opened yet");
		return rc;
	}
	if (rc)
		return rc;
	rc = web_reply_text(rep, MHD_HTTP_OK, "application/json", json, strlen(json));
	free(json);
	return rc;
}

/* GET /api/tenders/{id}/bids/{bid}/xml: an opened bid's decrypted bid.xml
 * as kept at the opening (its SHA-256 is the record's xml_sha256). 409
 * before the opening; 404 for a bid not opened. */
int web_get_bid_xml(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], bid[TENDER_ID_LEN], *json = NULL;
	const char *hex = NULL;
	unsigned char sha[32], got[32], *buf = NULL;
	json_t *rec = NULL, *b;
	size_t i, n = 0;
	ssize_t k;
	int rc, fd = -1;

	if (!web_param(r, 0, id) || !web_param(r, 1, bid))
		return ET_ENOTFOUND;
	rc = bid_opening_record(r->data->ledger, id, &json);
	if (rc == ET_ESTATE) {
		web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ESTATE, "et.open.stage", "尚未开标",
				"the bids are not opened yet");
		return rc;
	}
	if (rc)
		return rc;
	rc = ET_ENOTFOUND;
	if (!(rec = json_loads(json, 0, NULL)))
		goto out;
	json_array_foreach(json_object_get(rec, "bids"), i, b) {
		const char *bv = json_string_value(json_object_get(b, "bid"));

		if (bv && !strcmp(bv, bid))
			hex = json_string_value(json_object_get(b, "xml_sha256"));
	}
	if (!hex || strlen(hex) != 64 || et_hex_decode(hex, sha, 32))
		goto out;
	if ((rc = web_blob_open(r->data, sha, &fd)))
		goto out;
	if (!(buf = malloc(BID_XML_MAX + 1))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while (n <= BID_XML_MAX && (k = read(fd, buf + n, BID_XML_MAX + 1 - n)) > 0)
		n += (size_t)k;
	crypto_sha256(buf, n, got);
	if (n > BID_XML_MAX || memcmp(got, sha, 32)) {
		rc = et_fail(ET_EVERIFY);
		goto out;
	}
	rc = web_reply_text(rep, MHD_HTTP_OK, "application/xml; charset=utf-8", (char *)buf, n);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	json_decref(rec);
	free(json);
	return rc;
}

static int answer(struct web_req *r, struct web_reply *rep, bool object)
{
	char id[TENDER_ID_LEN];
	const char *text = NULL;
	struct tender_diag d;
	json_t *j = NULL;
	int rc;

	tender_diag_clear(&d);
	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if (r->body_len && (rc = web_body_object(r, &j, rep)))
		return rc;
	if (object && (rc = web_str_field(j, "text", false, &text, rep)))
		goto out;
	if ((rc = bid_record_answer(r->data->ledger, r->who.user, id, object, text, &d))) {
		web_reply_diag(rep, rc, &d);
		goto out;
	}
	rc = web_reply_json(rep, MHD_HTTP_OK,
			    json_pack("{s:s,s:s}", "tender", id, "answer",
				      object ? "objection" : "confirmation"));
out:
	json_decref(j);
	return rc;
}

/* POST /api/tenders/{id}/opening/confirm (no body) and …/object {"text"}. */
int web_post_confirm(struct web_req *r, struct web_reply *rep)
{
	return answer(r, rep, false);
}

int web_post_object(struct web_req *r, struct web_reply *rep)
{
	return answer(r, rep, true);
}

/* POST /api/deposits {"org", "tender"|"year", "amount_fen", "method",
 * "payer_name", "payer_bank", "payer_account"}: an administrator records a
 * bid deposit (annual, or for one tender before its deadline); the close
 * counts only bids with one when the rules profile requires it. */
int web_post_deposit(struct web_req *r, struct web_reply *rep)
{
	struct bid_deposit_new dep;
	struct tender_diag d;
	char id[TENDER_ID_LEN];
	json_t *j = NULL, *v;
	int rc;

	tender_diag_clear(&d);
	memset(&dep, 0, sizeof dep);
	if ((rc = web_body_object(r, &j, rep)))
		return rc;
	if ((rc = web_str_field(j, "org", false, &dep.org, rep)) ||
	    (rc = web_str_field(j, "tender", true, &dep.tender, rep)) ||
	    (rc = web_str_field(j, "method", false, &dep.method, rep)) ||
	    (rc = web_str_field(j, "payer_name", false, &dep.payer_name, rep)) ||
	    (rc = web_str_field(j, "payer_bank", false, &dep.payer_bank, rep)) ||
	    (rc = web_str_field(j, "payer_account", false, &dep.payer_account, rep)))
		goto out;
	v = json_object_get(j, "amount_fen");
	if (!json_is_integer(v)) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"字段 amount_fen 缺失或类型错误", "field amount_fen is missing or not an integer");
		rc = ET_EINVAL;
		goto out;
	}
	dep.amount_fen = json_integer_value(v);
	v = json_object_get(j, "year");
	if (v && !json_is_integer(v)) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, "字段 year 类型错误",
				"field year is not an integer");
		rc = ET_EINVAL;
		goto out;
	}
	dep.year = v ? (int)json_integer_value(v) : 0;
	if ((rc = bid_deposit_record(r->data->ledger, r->data->priv, r->who.user, &dep, id, &d))) {
		web_reply_diag(rep, rc, &d);
		goto out;
	}
	rc = web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:s}", "id", id));
out:
	json_decref(j);
	return rc;
}

/* POST /api/tenders/{id}/reference {"ref":"ref-…","sealed":"<base64 age file>"}: the
 * tender's agent uploads the sealed reference price (标底, at most
 * BID_REFERENCE_SEALED_MAX bytes sealed). Stored in the blob store under
 * its SHA-256, then bid_reference_submit with the arrival time taken like a
 * bid's (in flight for the closer); a refused reference's blob is removed
 * if this request created it. → {"tender","ref","index","replaced"}. */
#define BID_REFERENCE_SEALED_MAX (32u * 1024)
int web_post_reference(struct web_req *r, struct web_reply *rep)
{
	struct tender_diag d;
	struct bid_reference_receipt rr;
	struct bid_blobs blobs;
	char id[TENDER_ID_LEN], hex[65], rel[80], path[4096];
	const char *ref = NULL, *sealed = NULL;
	unsigned char *raw = NULL, sha[32];
	size_t len = 0;
	struct stat sb;
	bool existed;
	int64_t arrival = 0;
	int slot = -1, rc;
	json_t *j = NULL;

	tender_diag_clear(&d);
	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = web_body_object(r, &j, rep)))
		return rc;
	if ((rc = web_str_field(j, "ref", false, &ref, rep)) ||
	    (rc = web_str_field(j, "sealed", false, &sealed, rep)))
		goto out;
	if (strlen(sealed) > BID_REFERENCE_SEALED_MAX * 4 / 3 + 4 ||
	    !(raw = malloc(strlen(sealed) / 4 * 3 + 3)) ||
	    et_b64_decode(sealed, strlen(sealed), raw, strlen(sealed) / 4 * 3 + 3, &len) || len == 0) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"字段 sealed 须为 base64 编码的密封标底（不超过 32 KiB）",
				"field sealed must be the base64 sealed reference (at most 32 KiB)");
		rc = ET_EINVAL;
		goto out;
	}
	crypto_sha256(raw, len, sha);
	et_hex_encode(sha, 32, hex);
	if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    (rc = web_path(r->data->dir, rel, path, sizeof path))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	existed = stat(path, &sb) == 0;
	if ((rc = web_inflight_begin(r->data, id, &arrival, &slot)))
		goto out;
	if (!existed && (rc = et_write_file_atomic(path, raw, len, 0600)))
		goto out;
	rc = bid_reference_submit(r->data->ledger, blobs_of(r->data, &blobs), r->who.user, id, ref,
				  sha, len, arrival, &rr, &d);
	web_inflight_end(r->data, slot);
	slot = -1;
	if (rc) {
		if (!existed)
			unlink(path);
		web_reply_diag(rep, rc, &d);
		goto out;
	}
	rc = web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:s, s:s, s:I, s:s}", "tender", id, "ref",
							ref, "index", (json_int_t)rr.index, "replaced",
							rr.replaced));
out:
	if (slot >= 0)
		web_inflight_end(r->data, slot);
	free(raw);
	json_decref(j);
	return rc;
}

/* GET /api/tenders/{id}/bids/{bid}/parts/{n}: a decrypted attachment (part
 * n >= 2) of an opened bid, kept by the opening under its plaintext SHA-256
 * (the record's bids[].attachments), streamed from its file. Not public:
 * the tender's agent or tenderer, supervisors and the members of its
 * evaluation panel (et.att.reader). */
int web_get_bid_part(struct web_req *r, struct web_reply *rep)
{
	char id[TENDER_ID_LEN], bid[TENDER_ID_LEN], ps[TENDER_ID_LEN], *end;
	struct bid_attachment_info ai;
	struct tender_diag d;
	struct MHD_Response *resp;
	unsigned char sha[32];
	struct stat sb;
	unsigned long part;
	int rc, fd = -1;

	if (!web_param(r, 0, id) || !web_param(r, 1, bid) || !web_param(r, 2, ps))
		return ET_ENOTFOUND;
	errno = 0;
	part = strtoul(ps, &end, 10);
	if (errno || *end || part < 2 || part > BID_MAX_PARTS)
		return ET_ENOTFOUND;
	rc = bid_attachment(r->data->ledger, &r->who, id, bid, (unsigned)part, &ai, &d);
	if (rc == ET_EDENIED) {     /* a member of the tender's evaluation panel reads them too */
		bool member = false;
		int mrc = ev_is_panel_member(r->data->ledger, id, r->who.user, &member);
		if (mrc)
			return mrc;
		if (member)
			rc = bid_attachment_for_panel(r->data->ledger, id, bid, (unsigned)part, &ai, &d);
	}
	if (rc) {
		web_reply_diag(rep, rc, &d);
		return rc;
	}
	if (et_hex_decode(ai.sha256, sha, 32) || (rc = web_blob_open(r->data, sha, &fd)))
		return rc ? rc : et_fail(ET_EDB);
	if (fstat(fd, &sb) || (uint64_t)sb.st_size != ai.size) {
		close(fd);
		return et_fail(ET_EIO);
	}
	if (!(resp = MHD_create_response_from_fd64(ai.size, fd))) {
		close(fd);
		return et_fail(ET_ENOMEM);
	}
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	(void)MHD_add_response_header(resp, "X-Content-SHA256", ai.sha256);
	(void)MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rep->resp)
		MHD_destroy_response(rep->resp);
	rep->resp = resp;
	rep->status = MHD_HTTP_OK;
	return ET_OK;
}

/* POST /api/deposits/{id}/return (administrator): the per-tender deposit
 * of a firm that withdrew its bid was returned (cn.reg.35, 实施条例 第三十五条)
 * → {"id","tender","org","withdrawn_us","due_us","late","index"}. */
int web_post_deposit_return(struct web_req *r, struct web_reply *rep)
{
	struct bid_deposit_returned dr;
	struct tender_diag d;
	char id[TENDER_ID_LEN];
	int rc;

	if (!web_param(r, 0, id))
		return ET_ENOTFOUND;
	if ((rc = bid_deposit_return(r->data->ledger, r->who.user, id, &dr, &d))) {
		web_reply_diag(rep, rc, &d);
		return rc;
	}
	return web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:I}", "id",
							  id, "tender", dr.tender, "org", dr.org,
							  "withdrawn_us", (json_int_t)dr.withdrawn_us,
							  "due_us", (json_int_t)dr.due_us, "late",
							  dr.late, "index", (json_int_t)dr.index));
}

/* GET /api/deposits/due[?tender=T] (administrators, supervisors): the
 * per-tender deposits of withdrawn bids not returned yet, with their due
 * time (cn.reg.35) → {"deposits":[{"id","tender","org","amount",
 * "withdrawn_us","due_us","overdue"}]}. */
int web_get_deposits_due(struct web_req *r, struct web_reply *rep)
{
	const char *tender = web_query(r, "tender");
	json_t *v = NULL;
	int rc;

	rc = bid_deposits_due(r->data->ledger, &r->who, tender && *tender ? tender : NULL, &v);
	if (rc == ET_EDENIED) {
		web_reply_error(rep, MHD_HTTP_FORBIDDEN, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				"only administrators and supervisors see the deposits due");
		return rc;
	}
	if (rc)
		return rc;
	return web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:o}", "deposits", v));
}
