/* web/witness.c — pushes each new checkpoint to the supervisor's witness
 * (C2SP tlog-witness add-checkpoint) from one thread woken by the ledger's
 * on_commit hook, verifies the cosignature/v1 it returns with the
 * configured witness key and keeps the cosigned checkpoint to serve.
 *
 * State: `known` is the size the witness holds for our log as far as we
 * know (0 at first; a 409 tells the truth), `cosigned` the latest note it
 * cosigned (persisted to DIR/cosigned.note). The thread sleeps until
 * `want` (latest committed size) exceeds the cosigned size, then pushes;
 * failures back off 0.1 s doubling to 30 s, and a new commit does not cut
 * the backoff short. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "web/web_int.h"

struct web_witness {
	char *dir;
	char *url;                    /* ".../add-checkpoint" */
	char *name;                   /* witness key name */
	unsigned char pub[32];
	struct audit_ledger *ledger;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, stop;
	uint64_t want;                /* latest committed size */
	uint64_t known;               /* the witness's size for our log, as we know it */
	char *cosigned;               /* latest cosigned note */
	uint64_t cosigned_size;
};

int web_witness_new(const char *dir, const char *url, const char *vkey, struct web_witness **out)
{
	struct web_witness *w = NULL;
	struct et_buf b;
	char path[4096];
	unsigned char *note = NULL;
	size_t len;
	int rc;

	*out = NULL;
	et_buf_init(&b, 4096);
	if (!url || !vkey || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
		return ET_EINVAL;
	if (!(w = calloc(1, sizeof *w))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	pthread_mutex_init(&w->mu, NULL);
	{
		pthread_condattr_t ca;

		/* The condition waits on CLOCK_MONOTONIC (deadline_in). */
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&w->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	if ((rc = audit_cosig_vkey_parse(vkey, &w->name, w->pub, NULL)))
		goto out;
	len = strlen(url);
	while (len && url[len - 1] == '/')
		len--;
	if ((rc = et_buf_add(&b, url, len)) || (rc = et_buf_addstr(&b, "/add-checkpoint")))
		goto out;
	w->url = (char *)et_buf_steal(&b, &len);
	if (!(w->dir = strdup(dir))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	/* A cosigned checkpoint from an earlier run, if it still verifies. */
	if (!web_path(dir, WEB_FILE_COSIGNED, path, sizeof path) &&
	    !et_read_file(path, ET_NOTE_MAX_LEN, &note, &len) && note) {
		struct audit_checkpoint cp;

		if (!audit_cosig_verify((char *)note, len, w->name, w->pub, NULL)) {
			size_t tl = len;
			const char *sep = strstr((char *)note, "\n\n");

			if (sep)
				tl = (size_t)(sep - (char *)note) + 1;
			if (!audit_checkpoint_parse((char *)note, tl, &cp)) {
				w->cosigned = (char *)note;
				note = NULL;
				w->cosigned_size = cp.size;
				w->known = cp.size;
			}
		}
	}
	*out = w;
	w = NULL;
	rc = ET_OK;
out:
	free(note);
	et_buf_free(&b);
	web_witness_free(w);
	return rc;
}

void web_witness_on_commit(void *ctx, uint64_t size)
{
	struct web_witness *w = ctx;

	pthread_mutex_lock(&w->mu);
	if (size > w->want)
		w->want = size;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int web_witness_cosigned(struct web_witness *w, uint64_t size, char **note)
{
	int rc = ET_ENOTFOUND;

	*note = NULL;
	if (!w)
		return rc;
	pthread_mutex_lock(&w->mu);
	if (w->cosigned && w->cosigned_size == size) {
		*note = strdup(w->cosigned);
		rc = *note ? ET_OK : et_fail(ET_ENOMEM);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int web_witness_latest(struct web_witness *w, char **note, uint64_t *size)
{
	int rc = ET_ENOTFOUND;

	*note = NULL;
	*size = 0;
	if (!w)
		return rc;
	pthread_mutex_lock(&w->mu);
	if (w->cosigned) {
		*note = strdup(w->cosigned);
		*size = w->cosigned_size;
		rc = *note ? ET_OK : et_fail(ET_ENOMEM);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

/* ---- one push ------------------------------------------------------------ */

static size_t collect(char *p, size_t sz, size_t n, void *ctx)
{
	struct et_buf *b = ctx;

	return et_buf_add(b, p, sz * n) ? 0 : sz * n;
}

enum push_result { PUSH_OK, PUSH_RETRY_NOW, PUSH_BACKOFF };

/* Push the latest checkpoint once. */
static enum push_result push(struct web_witness *w, CURL *curl)
{
	char *note = NULL, *cosigned = NULL;
	uint64_t size, old;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL;
	size_t nproof = 0;
	struct et_buf body, resp, full;
	struct curl_slist *hdr = NULL;
	long status = 0;
	enum push_result res = PUSH_BACKOFF;
	CURLcode cc;

	et_buf_init(&body, ET_NOTE_MAX_LEN + 8192);
	et_buf_init(&resp, ET_WEB_WITNESS_MAX_RESP);
	et_buf_init(&full, ET_NOTE_MAX_LEN + ET_WEB_WITNESS_MAX_RESP);
	if (audit_ledger_checkpoint(w->ledger, &note, &size))
		goto out;
	pthread_mutex_lock(&w->mu);
	old = w->known;
	pthread_mutex_unlock(&w->mu);
	if (old > size) {
		et_log(ET_LOG_ERROR, "witness: it holds size %llu of our log, we have %llu (fork?)",
		       (unsigned long long)old, (unsigned long long)size);
		goto out;
	}
	if (old > 0 && old < size && audit_ledger_consistency(w->ledger, old, size, &proof, &nproof))
		goto out;
	if (et_buf_printf(&body, "old %llu\n", (unsigned long long)old))
		goto out;
	for (size_t i = 0; i < nproof; i++) {
		char b64[64];

		et_b64_encode(proof[i], AUDIT_HASH_LEN, b64);
		if (et_buf_printf(&body, "%s\n", b64))
			goto out;
	}
	if (et_buf_addstr(&body, "\n") || et_buf_addstr(&body, note))
		goto out;
	hdr = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, w->url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, (char *)body.data);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if ((cc = curl_easy_perform(curl)) != CURLE_OK) {
		et_log(ET_LOG_WARN, "witness: %s: %s", w->url, curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 409) {
		uint64_t theirs;
		size_t n = resp.len;

		while (n && (resp.data[n - 1] == '\n' || resp.data[n - 1] == '\r'))
			n--;
		if (!resp.data || et_parse_u64((char *)resp.data, n, &theirs)) {
			et_log(ET_LOG_WARN, "witness: 409 without a size");
			goto out;
		}
		pthread_mutex_lock(&w->mu);
		w->known = theirs;
		pthread_mutex_unlock(&w->mu);
		if (theirs > size) {
			et_log(ET_LOG_ERROR, "witness holds size %llu, larger than our log (%llu)",
			       (unsigned long long)theirs, (unsigned long long)size);
			goto out;
		}
		res = theirs == old ? PUSH_BACKOFF : PUSH_RETRY_NOW;
		goto out;
	}
	if (status != 200) {
		et_log(ET_LOG_WARN, "witness: HTTP %ld", status);
		goto out;
	}
	/* 200: one or more signature lines; append them to the note and check ours. */
	if (!resp.len || resp.data[resp.len - 1] != '\n' || et_buf_addstr(&full, note) ||
	    et_buf_add(&full, resp.data, resp.len) ||
	    audit_cosig_verify((char *)full.data, full.len, w->name, w->pub, NULL)) {
		et_log(ET_LOG_ERROR, "witness: answer carries no valid cosignature by %s", w->name);
		goto out;
	}
	cosigned = (char *)et_buf_steal(&full, &nproof);
	{
		char path[4096];

		if (web_path(w->dir, WEB_FILE_COSIGNED, path, sizeof path) ||
		    et_write_file_atomic(path, cosigned, strlen(cosigned), 0644))
			et_log(ET_LOG_WARN, "witness: cannot save %s", WEB_FILE_COSIGNED);
	}
	pthread_mutex_lock(&w->mu);
	free(w->cosigned);
	w->cosigned = cosigned;
	cosigned = NULL;
	w->cosigned_size = size;
	w->known = size;
	pthread_mutex_unlock(&w->mu);
	et_log(ET_LOG_INFO, "witness cosigned size %llu", (unsigned long long)size);
	res = PUSH_OK;
out:
	curl_slist_free_all(hdr);
	free(cosigned);
	free(proof);
	free(note);
	et_buf_free(&body);
	et_buf_free(&resp);
	et_buf_free(&full);
	return res;
}

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

static void *pusher(void *arg)
{
	struct web_witness *w = arg;
	CURL *curl = curl_easy_init();
	int64_t backoff = 100, retries = 0;

	if (!curl) {
		et_log(ET_LOG_ERROR, "witness: cannot start libcurl");
		return NULL;
	}
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		enum push_result res;

		if (w->want <= w->cosigned_size) {
			pthread_cond_wait(&w->cv, &w->mu);
			continue;
		}
		pthread_mutex_unlock(&w->mu);
		res = push(w, curl);
		pthread_mutex_lock(&w->mu);
		if (res == PUSH_OK) {
			backoff = 100;
			retries = 0;
		} else if (res == PUSH_RETRY_NOW && ++retries < 3) {
			continue;
		} else {
			struct timespec ts;

			retries = 0;
			deadline_in(&ts, backoff);
			while (!w->stop && pthread_cond_timedwait(&w->cv, &w->mu, &ts) == 0)
				;
			backoff = backoff * 2 > 30000 ? 30000 : backoff * 2;
		}
	}
	pthread_mutex_unlock(&w->mu);
	curl_easy_cleanup(curl);
	return NULL;
}

int web_witness_start(struct web_witness *w, struct audit_ledger *l)
{
	pthread_mutex_lock(&w->mu);
	w->ledger = l;
	if (audit_ledger_size(l) > w->want)
		w->want = audit_ledger_size(l);
	pthread_mutex_unlock(&w->mu);
	if (pthread_create(&w->thread, NULL, pusher, w))
		return et_fail(ET_ENOMEM);
	w->started = true;
	return ET_OK;
}

void web_witness_free(struct web_witness *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->cosigned);
	free(w->name);
	free(w->url);
	free(w->dir);
	free(w);
}
