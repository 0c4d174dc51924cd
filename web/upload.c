/* web/upload.c — resumable uploads of sealed bid parts (断点续传), their
 * temporary area, the sealed collusion metadata of a submission and the
 * removal of parts no bid names (docs/api.md "Bids", docs/bidding.md §6).
 *
 * A session per part and bidder: DIR/uploads/<id>.json (who, tender, the
 * declared SHA-256 and size, client-reported document metadata, source
 * address and device, the time of the last byte received) and
 * DIR/uploads/<id>.part (the bytes received so far). The id is derived from
 * (user, tender, SHA-256), so asking again for the same part finds the same
 * session. The area is outside the blob store, the projections and the log:
 * a session is no bid. The received offset is the .part file's size; each
 * request ends with fdatasync, so an offset told to the client is durable.
 * The SHA-256 runs while writing and is kept in memory between requests; a
 * resumption after a restart (or after the in-memory state was evicted)
 * re-hashes the stored prefix once. When the last byte is in, the hash
 * must equal the declared one (else the session starts over), the file is
 * moved into blobs/<sha256> and its age header checked with no key; the
 * arrival of the part is the moment its last byte was written. Sessions
 * live ET_UPLOAD_WINDOW_US after their last byte; the sweep then removes
 * them, and the blob of a completed part unless a bid event names it or
 * another live session holds the same bytes. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bidding/bidding.h"
#include "crypto/crypto.h"
#include "web/web_int.h"

#define ACTIVE_MAX 256u          /* sessions with a hash state in memory */
#define SWEEP_EVERY_US (60ll * 1000000)
#define UPL_ID_LEN 36            /* "upl-" + 32 hex */

struct active {
	char id[UPL_ID_LEN + 1];
	bool busy;                   /* a request is writing */
	struct crypto_sha256 *h;     /* hash of the first `hashed` bytes */
	uint64_t hashed;
	uint64_t used;               /* LRU tick */
};

struct web_uploads {
	char dir[4096];              /* DIR/uploads */
	pthread_mutex_t mu;
	struct active act[ACTIVE_MAX];
	uint64_t tick;
	int64_t last_sweep_us;
	/* submissions hold it shared while they read sessions and blobs; the
	 * sweep exclusively, so it never removes a part a bid is naming */
	pthread_rwlock_t sweep;
};

/* ---- helpers --------------------------------------------------------------- */

static bool id_param(const struct web_req *r, unsigned i, char *out, size_t cap)
{
	const char *p = r->params[i], *end = strchr(p, '/');
	size_t n = end ? (size_t)(end - p) : strlen(p);

	if (n >= cap)
		return false;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

static bool hex64_ok(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool upl_id_ok(const char *s)
{
	return strlen(s) == UPL_ID_LEN && !strncmp(s, "upl-", 4) && strspn(s + 4, "0123456789abcdef") == 32;
}

/* upl- + the first 16 bytes (hex) of SHA-256 of user, tender and the part's hash. */
static void session_id(const char *user, const char *tender, const char *hex, char out[UPL_ID_LEN + 1])
{
	struct et_buf b;
	unsigned char h[32];

	et_buf_init(&b, 512);
	if (et_buf_printf(&b, "etender-upload/v1\n%s\n%s\n%s\n", user, tender, hex))
		memset(h, 0, sizeof h);   /* ids are short: cannot happen */
	else
		crypto_sha256(b.data, b.len, h);
	et_buf_free(&b);
	memcpy(out, "upl-", 4);
	et_hex_encode(h, 16, out + 4);
	out[UPL_ID_LEN] = 0;
}

static int file_of(const struct web_uploads *u, const char *id, const char *ext, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s%s", u->dir, id, ext);

	return n < 0 || (size_t)n >= cap ? ET_ELIMIT : ET_OK;
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static bool no_space(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

static int reply_no_space(struct web_reply *rep)
{
	web_reply_error(rep, MHD_HTTP_INSUFFICIENT_STORAGE, ET_EIO, NULL,
			"服务器存储空间不足，上传未完成；已收到的部分保留，可稍后续传",
			"the server's storage is full: the upload is not complete; what was "
			"received is kept and can be resumed later");
	return ET_EIO;
}

/* A session's record. */
struct session {
	char id[UPL_ID_LEN + 1];
	char user[TENDER_ID_LEN];
	char tender[TENDER_ID_LEN];
	char sha[65];
	uint64_t size;
	int64_t created_us, touched_us, arrival_us;   /* arrival 0 until complete */
	json_t *meta;                /* {"source","peer"?,"device","documents"?} (owned) */
};

static void session_clear(struct session *s)
{
	json_decref(s->meta);
	memset(s, 0, sizeof *s);
}

static int session_load(const struct web_uploads *u, const char *id, struct session *s)
{
	char path[4400];
	unsigned char *text = NULL;
	size_t len = 0;
	json_t *j = NULL;
	const char *user, *tender, *sha;
	json_int_t size = 0, created = 0, touched = 0, arrival = 0;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = file_of(u, id, ".json", path, sizeof path)))
		return rc;
	if (access(path, F_OK) && errno == ENOENT)
		return ET_ENOTFOUND;
	if ((rc = et_read_file(path, ET_UPLOAD_META_MAX + 4096, &text, &len)))
		return rc;
	j = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (!j || json_unpack(j, "{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "user", &user, "tender",
			      &tender, "sha256", &sha, "size", &size, "created_us", &created,
			      "touched_us", &touched, "arrival_us", &arrival) ||
	    strlen(user) >= sizeof s->user || strlen(tender) >= sizeof s->tender ||
	    !hex64_ok(sha) || size <= 0) {
		json_decref(j);
		return et_fail(ET_EINVAL);
	}
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->user, sizeof s->user, "%s", user);
	snprintf(s->tender, sizeof s->tender, "%s", tender);
	memcpy(s->sha, sha, 65);
	s->size = (uint64_t)size;
	s->created_us = created;
	s->touched_us = touched;
	s->arrival_us = arrival;
	s->meta = json_incref(json_object_get(j, "meta"));
	if (!s->meta)
		s->meta = json_object();
	json_decref(j);
	return s->meta ? ET_OK : et_fail(ET_ENOMEM);
}

/* Write the record atomically (temporary file, fsync, rename, fsync dir). */
static int session_save(const struct web_uploads *u, const struct session *s)
{
	char path[4400], tmp[4500];
	char *text = NULL;
	json_t *j;
	int fd = -1, rc = ET_OK;

	if ((rc = file_of(u, s->id, ".json", path, sizeof path)) ||
	    (rc = file_of(u, s->id, ".json.tmp", tmp, sizeof tmp)))
		return rc;
	j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:O}", "id", s->id, "user", s->user,
		      "tender", s->tender, "sha256", s->sha, "size", (json_int_t)s->size,
		      "created_us", (json_int_t)s->created_us, "touched_us",
		      (json_int_t)s->touched_us, "arrival_us", (json_int_t)s->arrival_us, "meta",
		      s->meta);
	if (!j || !(text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		rc = no_space(errno) ? ET_ELIMIT : et_fail(ET_EIO);
		goto out;
	}
	if (et_write_all(fd, text, strlen(text)) || fsync(fd)) {
		rc = no_space(errno) ? ET_ELIMIT : et_fail(ET_EIO);
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path)) {
		rc = et_fail(ET_EIO);
		goto out;
	}
	fsync_dir(u->dir);
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		(void)unlink(tmp);
	free(text);
	json_decref(j);
	return rc;
}

static void session_remove(const struct web_uploads *u, const char *id)
{
	char path[4400];

	if (!file_of(u, id, ".part", path, sizeof path))
		(void)unlink(path);
	if (!file_of(u, id, ".json", path, sizeof path))
		(void)unlink(path);
}

/* ---- the in-memory hash states ---------------------------------------------- */

/* Claim the session for one writer: its slot (found or taken from the
 * least recently used idle one). ET_ECONFLICT if another request writes. */
static int claim(struct web_uploads *u, const char *id, int *slot)
{
	int free_i = -1, lru = -1;

	pthread_mutex_lock(&u->mu);
	for (unsigned i = 0; i < ACTIVE_MAX; i++) {
		struct active *a = &u->act[i];

		if (!strcmp(a->id, id)) {
			if (a->busy) {
				pthread_mutex_unlock(&u->mu);
				return ET_ECONFLICT;
			}
			a->busy = true;
			a->used = ++u->tick;
			*slot = (int)i;
			pthread_mutex_unlock(&u->mu);
			return ET_OK;
		}
		if (!a->id[0] && free_i < 0)
			free_i = (int)i;
		if (a->id[0] && !a->busy && (lru < 0 || a->used < u->act[lru].used))
			lru = (int)i;
	}
	if (free_i < 0)
		free_i = lru;
	if (free_i < 0) {
		pthread_mutex_unlock(&u->mu);
		return ET_ELIMIT;
	}
	if (u->act[free_i].h)
		crypto_sha256_free(u->act[free_i].h);
	memset(&u->act[free_i], 0, sizeof u->act[free_i]);
	snprintf(u->act[free_i].id, sizeof u->act[free_i].id, "%s", id);
	u->act[free_i].busy = true;
	u->act[free_i].used = ++u->tick;
	*slot = free_i;
	pthread_mutex_unlock(&u->mu);
	return ET_OK;
}

/* Give the slot back with the hash state of the first `hashed` bytes (h
 * NULL: forget the session's state). */
static void release(struct web_uploads *u, int slot, struct crypto_sha256 *h, uint64_t hashed)
{
	struct active *a = &u->act[slot];

	pthread_mutex_lock(&u->mu);
	if (a->h && a->h != h)
		crypto_sha256_free(a->h);
	a->h = h;
	a->hashed = hashed;
	a->busy = false;
	if (!h)
		a->id[0] = 0;
	pthread_mutex_unlock(&u->mu);
}

static bool is_busy(struct web_uploads *u, const char *id)
{
	bool busy = false;

	pthread_mutex_lock(&u->mu);
	for (unsigned i = 0; i < ACTIVE_MAX; i++)
		if (!strcmp(u->act[i].id, id))
			busy = u->act[i].busy;
	pthread_mutex_unlock(&u->mu);
	return busy;
}

/* ---- the sweep ------------------------------------------------------------- */

/* Does another session, still in its window, hold the same bytes? */
static bool other_live_session(struct web_uploads *u, const char *id, const char *sha, int64_t now)
{
	DIR *dp = opendir(u->dir);
	struct dirent *e;
	bool found = false;

	if (!dp)
		return true;   /* unsure: keep the blob */
	while (!found && (e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		char oid[UPL_ID_LEN + 1];
		struct session s;

		if (n != UPL_ID_LEN + 5 || strcmp(e->d_name + UPL_ID_LEN, ".json"))
			continue;
		memcpy(oid, e->d_name, UPL_ID_LEN);
		oid[UPL_ID_LEN] = 0;
		if (!strcmp(oid, id) || session_load(u, oid, &s))
			continue;
		found = !strcmp(s.sha, sha) && now < s.touched_us + ET_UPLOAD_WINDOW_US;
		session_clear(&s);
	}
	closedir(dp);
	return found;
}

/* Remove the sessions whose window passed (and the blob of a completed one
 * that no bid names), stray temporary files, and .part files without a
 * record. Holds the sweep lock exclusively. */
static void sweep(struct web_data *d)
{
	struct web_uploads *u = d->uploads;
	int64_t now = et_clock_now_us();
	DIR *dp;
	struct dirent *e;
	unsigned removed = 0, blobs = 0;

	pthread_rwlock_wrlock(&u->sweep);
	pthread_mutex_lock(&u->mu);
	u->last_sweep_us = now;
	pthread_mutex_unlock(&u->mu);
	if (!(dp = opendir(u->dir))) {
		pthread_rwlock_unlock(&u->sweep);
		return;
	}
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		char id[UPL_ID_LEN + 1], path[4400];
		struct session s;
		struct stat st;

		if (n < UPL_ID_LEN || strncmp(e->d_name, "upl-", 4))
			continue;
		memcpy(id, e->d_name, UPL_ID_LEN);
		id[UPL_ID_LEN] = 0;
		if (!upl_id_ok(id) || is_busy(u, id))
			continue;
		if (!strcmp(e->d_name + UPL_ID_LEN, ".json.tmp")) {
			if (!file_of(u, id, ".json.tmp", path, sizeof path))
				(void)unlink(path);
			continue;
		}
		if (!strcmp(e->d_name + UPL_ID_LEN, ".part")) {
			/* a .part whose record is gone (a crash between the two unlinks) */
			if (!file_of(u, id, ".json", path, sizeof path) && stat(path, &st) &&
			    errno == ENOENT && !file_of(u, id, ".part", path, sizeof path))
				(void)unlink(path);
			continue;
		}
		if (strcmp(e->d_name + UPL_ID_LEN, ".json"))
			continue;
		if (session_load(u, id, &s)) {
			/* unreadable record: treat as expired */
			session_remove(u, id);
			removed++;
			continue;
		}
		if (now >= s.touched_us + ET_UPLOAD_WINDOW_US) {
			if (s.arrival_us) {
				unsigned char sha[32];
				bool named = true;
				char rel[80], blob[4400];

				if (!et_hex_decode(s.sha, sha, 32) && d->ledger &&
				    !bid_part_named(d->ledger, sha, &named) && !named &&
				    !other_live_session(u, id, s.sha, now) &&
				    snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, s.sha) < (int)sizeof rel &&
				    !web_path(d->dir, rel, blob, sizeof blob) && !unlink(blob))
					blobs++;
			}
			session_remove(u, id);
			removed++;
		}
		session_clear(&s);
	}
	closedir(dp);
	pthread_rwlock_unlock(&u->sweep);
	if (removed)
		et_log(ET_LOG_INFO, "uploads: %u expired session(s) removed, %u unsubmitted part(s)",
		       removed, blobs);
}

static void maybe_sweep(struct web_data *d)
{
	int64_t now = et_clock_now_us(), last;

	pthread_mutex_lock(&d->uploads->mu);
	last = d->uploads->last_sweep_us;
	pthread_mutex_unlock(&d->uploads->mu);
	if (now - last >= SWEEP_EVERY_US || now < last)
		sweep(d);
}

/* ---- open / close ---------------------------------------------------------- */

int web_uploads_open(struct web_data *d)
{
	struct web_uploads *u;
	int rc;

	if (!(u = calloc(1, sizeof *u)))
		return et_fail(ET_ENOMEM);
	if ((rc = web_path(d->dir, WEB_DIR_UPLOADS, u->dir, sizeof u->dir))) {
		free(u);
		return rc;
	}
	if (mkdir(u->dir, 0700) && errno != EEXIST) {
		free(u);
		return et_fail(ET_EIO);
	}
	pthread_mutex_init(&u->mu, NULL);
	pthread_rwlock_init(&u->sweep, NULL);
	d->uploads = u;
	sweep(d);
	return ET_OK;
}

void web_uploads_close(struct web_data *d)
{
	struct web_uploads *u = d ? d->uploads : NULL;

	if (!u)
		return;
	for (unsigned i = 0; i < ACTIVE_MAX; i++)
		if (u->act[i].h)
			crypto_sha256_free(u->act[i].h);
	pthread_mutex_destroy(&u->mu);
	pthread_rwlock_destroy(&u->sweep);
	free(u);
	d->uploads = NULL;
}

/* ---- the source address and the device ------------------------------------- */

/* The peer's address; through the configured trusted proxy, the last
 * address of its X-Forwarded-For (the one the proxy saw) and the proxy as
 * peer. */
int web_source_address(const struct web_req *r, char source[64], char peer[64])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff;

	source[0] = peer[0] = 0;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, peer, 64);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, peer, 64);
	if (!peer[0])
		snprintf(peer, 64, "unknown");
	snprintf(source, 64, "%s", peer);
	xff = web_header(r, "X-Forwarded-For");
	if (r->data->trusted_proxy && xff && !strcmp(peer, r->data->trusted_proxy)) {
		const char *last = strrchr(xff, ',');
		char v[64];
		unsigned char bin[16];
		size_t n;

		last = last ? last + 1 : xff;
		while (*last == ' ' || *last == '\t')
			last++;
		n = strcspn(last, " \t");
		if (n && n < sizeof v) {
			memcpy(v, last, n);
			v[n] = 0;
			if (inet_pton(AF_INET, v, bin) == 1 || inet_pton(AF_INET6, v, bin) == 1) {
				snprintf(source, 64, "%s", v);
				return 1;
			}
		}
	}
	return 0;
}

/* X-Etender-Device: printable ASCII without spaces, at most
 * ET_UPLOAD_DEVICE_MAX bytes; "" if absent. ET_EINVAL (rep filled) otherwise. */
static int device_header(const struct web_req *r, const char **out, struct web_reply *rep)
{
	const char *v = web_header(r, "X-Etender-Device");
	size_t n = v ? strlen(v) : 0;

	*out = "";
	if (!v)
		return ET_OK;
	for (size_t i = 0; i < n; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			n = ET_UPLOAD_DEVICE_MAX + 1;
	if (n > ET_UPLOAD_DEVICE_MAX) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"X-Etender-Device 须为至多 128 个可打印字符",
				"X-Etender-Device must be at most 128 printable characters");
		return ET_EINVAL;
	}
	*out = v;
	return ET_OK;
}

static json_t *source_json(const struct web_req *r, const char *device)
{
	char source[64], peer[64];
	bool via = web_source_address(r, source, peer) == 1;

	return via ? json_pack("{s:s, s:s, s:s}", "source", source, "proxy", peer, "device", device)
		   : json_pack("{s:s, s:s}", "source", source, "device", device);
}

/* ---- routes ------------------------------------------------------------------ */

static json_t *session_json(const struct session *s, uint64_t offset)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:I, s:I}", "upload", s->id, "tender",
			 s->tender, "sha256", s->sha, "size", (json_int_t)s->size, "offset",
			 (json_int_t)offset, "complete", s->arrival_us != 0, "arrival_us",
			 (json_int_t)s->arrival_us, "expires_us",
			 (json_int_t)(s->touched_us + ET_UPLOAD_WINDOW_US));
}

static uint64_t received(const struct web_uploads *u, const struct session *s)
{
	char path[4400];
	struct stat st;

	if (s->arrival_us)
		return s->size;
	if (file_of(u, s->id, ".part", path, sizeof path) || stat(path, &st))
		return 0;
	return (uint64_t)st.st_size;
}

static int precheck(struct web_req *r, char tender[TENDER_ID_LEN], struct web_reply *rep)
{
	struct tender_info t;
	int rc;

	if (!id_param(r, 0, tender, TENDER_ID_LEN))
		return ET_ENOTFOUND;
	if ((rc = tender_get(r->data->ledger, &r->who, tender, &t, NULL, NULL)))
		return rc;
	if (!(r->who.roles & TENDER_ROLE_BIDDER)) {
		web_reply_error(rep, MHD_HTTP_FORBIDDEN, ET_EDENIED, "et.auth.role",
				"只有投标人可上传投标文件", "only a bidder may upload bid parts");
		return ET_EDENIED;
	}
	return ET_OK;
}

/* The caller's session id of the URL, loaded; 404 for someone else's. */
static int own_session(struct web_req *r, const char *tender, struct session *s)
{
	char id[UPL_ID_LEN + 2];
	int rc;

	if (!id_param(r, 1, id, sizeof id) || !upl_id_ok(id))
		return ET_ENOTFOUND;
	if ((rc = session_load(r->data->uploads, id, s)))
		return rc;
	if (strcmp(s->user, r->who.user) || strcmp(s->tender, tender)) {
		session_clear(s);
		return ET_ENOTFOUND;
	}
	return ET_OK;
}

/* POST /api/tenders/{id}/bids/uploads {"sha256","size","documents"?}: a
 * session for one sealed part (or the existing one for the same part). */
static int post_upload(struct web_req *r, struct web_reply *rep)
{
	char tender[TENDER_ID_LEN], id[UPL_ID_LEN + 1];
	struct web_uploads *u = r->data->uploads;
	struct session s;
	json_t *j = NULL, *docs, *src = NULL;
	json_int_t size = 0;
	const char *sha = NULL, *device;
	json_error_t err;
	int rc;

	memset(&s, 0, sizeof s);
	if ((rc = precheck(r, tender, rep)) || (rc = device_header(r, &device, rep)))
		return rc;
	maybe_sweep(r->data);
	j = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!j || json_unpack(j, "{s:s, s:I}", "sha256", &sha, "size", &size) || !hex64_ok(sha) ||
	    size <= 0 || (uint64_t)size > ET_WEB_UPLOAD_MAX) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"须给出 sha256（64 位小写十六进制）与 size（1 至 4 GiB）",
				"give sha256 (64 lowercase hex digits) and size (1 byte to 4 GiB)");
		rc = ET_EINVAL;
		goto out;
	}
	docs = json_object_get(j, "documents");
	if (docs) {
		char *t = json_is_array(docs) ? json_dumps(docs, JSON_COMPACT) : NULL;
		bool ok = t && strlen(t) <= ET_UPLOAD_META_MAX;

		free(t);
		if (!ok) {
			web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
					"documents 须为至多 2 KiB 的 JSON 数组",
					"documents must be a JSON array of at most 2 KiB");
			rc = ET_EINVAL;
			goto out;
		}
	}
	session_id(r->who.user, tender, sha, id);
	if ((rc = session_load(u, id, &s)) == ET_OK) {
		if (s.size != (uint64_t)size) {
			web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ECONFLICT, NULL,
					"同一部分已有大小不同的上传会话",
					"an upload of this part with another size exists");
			rc = ET_ECONFLICT;
			goto out;
		}
		rc = web_reply_json(rep, MHD_HTTP_OK, session_json(&s, received(u, &s)));
		goto out;
	}
	if (rc != ET_ENOTFOUND)
		goto out;
	{
		DIR *dp = opendir(u->dir);
		struct dirent *e;
		unsigned n = 0;

		while (dp && (e = readdir(dp)))
			n += strlen(e->d_name) == UPL_ID_LEN + 5 && !strncmp(e->d_name, "upl-", 4);
		if (dp)
			closedir(dp);
		if (n >= ET_UPLOAD_SESSIONS_MAX) {
			web_reply_error(rep, MHD_HTTP_SERVICE_UNAVAILABLE, ET_ENOMEM, NULL,
					"进行中的上传过多，请稍后重试",
					"too many uploads in progress; try again later");
			rc = ET_ENOMEM;
			goto out;
		}
	}
	memset(&s, 0, sizeof s);
	memcpy(s.id, id, sizeof s.id);
	snprintf(s.user, sizeof s.user, "%s", r->who.user);
	snprintf(s.tender, sizeof s.tender, "%s", tender);
	memcpy(s.sha, sha, 65);
	s.size = (uint64_t)size;
	s.created_us = s.touched_us = et_clock_now_us();
	if (!(src = source_json(r, device)) ||
	    (docs && json_object_set(src, "documents", docs))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	s.meta = src;
	src = NULL;
	if ((rc = session_save(u, &s))) {
		if (rc == ET_ELIMIT)
			rc = reply_no_space(rep);
		goto out;
	}
	rc = web_reply_json(rep, MHD_HTTP_OK, session_json(&s, 0));
out:
	json_decref(src);
	session_clear(&s);
	json_decref(j);
	return rc;
}

/* GET (HEAD) /api/tenders/{id}/bids/uploads/{upl}: where to resume. */
static int get_upload(struct web_req *r, struct web_reply *rep)
{
	char tender[TENDER_ID_LEN], off[24];
	struct session s;
	uint64_t got;
	int rc;

	if ((rc = precheck(r, tender, rep)) || (rc = own_session(r, tender, &s)))
		return rc;
	got = received(r->data->uploads, &s);
	rc = web_reply_json(rep, MHD_HTTP_OK, session_json(&s, got));
	session_clear(&s);
	snprintf(off, sizeof off, "%llu", (unsigned long long)got);
	if (!rc && rep->resp)
		(void)MHD_add_response_header(rep->resp, "Upload-Offset", off);
	return rc;
}

/* A PATCH in progress. */
struct upatch {
	struct session s;
	int slot;
	int fd;
	uint64_t start;              /* the offset the request began at */
	uint64_t offset;             /* bytes in the file and in h */
	struct crypto_sha256 *h;
	int64_t last_byte_us;
	bool failed;
};

static void upatch_free(struct web_data *d, struct upatch *p, bool keep_state)
{
	if (!p)
		return;
	if (p->fd >= 0) {
		(void)fdatasync(p->fd);
		close(p->fd);
	}
	if (p->slot >= 0) {
		if (keep_state && p->h)
			release(d->uploads, p->slot, p->h, p->offset);
		else {
			if (p->h)
				crypto_sha256_free(p->h);
			release(d->uploads, p->slot, NULL, 0);
		}
	} else if (p->h) {
		crypto_sha256_free(p->h);
	}
	session_clear(&p->s);
	free(p);
}

/* Hash the first n bytes of fd into a new state. */
static int rehash(int fd, uint64_t n, struct crypto_sha256 **out)
{
	struct crypto_sha256 *h = crypto_sha256_new();
	unsigned char *buf = malloc(1u << 16);
	uint64_t done = 0;
	int rc = ET_OK;

	*out = NULL;
	if (!h || !buf) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while (done < n) {
		size_t want = n - done < (1u << 16) ? (size_t)(n - done) : (1u << 16);
		ssize_t got = pread(fd, buf, want, (off_t)done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = et_fail(ET_EIO);
			goto out;
		}
		crypto_sha256_update(h, buf, (size_t)got);
		done += (uint64_t)got;
	}
	*out = h;
	h = NULL;
out:
	if (h)
		crypto_sha256_free(h);
	free(buf);
	return rc;
}

int web_upload_stream_begin(struct web_req *r, struct web_reply *rep)
{
	struct web_uploads *u = r->data->uploads;
	struct upatch *p;
	char tender[TENDER_ID_LEN], path[4400];
	const char *ho = web_header(r, "Upload-Offset");
	uint64_t want;
	struct stat st;
	int rc;

	if ((rc = precheck(r, tender, rep)))
		return rc;
	const char *cl = web_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t clen = 0;

	if (!ho || et_parse_u64(ho, strlen(ho), &want)) {
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL,
				"须给出 Upload-Offset 头（十进制字节偏移）",
				"the Upload-Offset header (a decimal byte offset) is required");
		return ET_EINVAL;
	}
	if (!(p = calloc(1, sizeof *p)))
		return et_fail(ET_ENOMEM);
	p->slot = -1;
	p->fd = -1;
	if ((rc = own_session(r, tender, &p->s)))
		goto fail;
	if (p->s.arrival_us) {
		web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ESTATE, NULL, "该部分已上传完毕",
				"this part is uploaded completely");
		rc = ET_ESTATE;
		goto fail;
	}
	if ((rc = claim(u, p->s.id, &p->slot))) {
		web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ECONFLICT, NULL,
				rc == ET_ECONFLICT ? "另一连接正在上传此部分，请稍后查询偏移再续传"
						   : "服务器繁忙，请稍后重试",
				rc == ET_ECONFLICT ? "another connection is uploading this part; ask "
						     "for the offset again and resume"
						   : "the server is busy; try again");
		rc = ET_ECONFLICT;
		goto fail;
	}
	if ((rc = file_of(u, p->s.id, ".part", path, sizeof path)))
		goto fail;
	if ((p->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    fstat(p->fd, &st)) {
		rc = no_space(errno) ? reply_no_space(rep) : et_fail(ET_EIO);
		goto fail;
	}
	p->offset = (uint64_t)st.st_size;
	if (p->offset > p->s.size) {   /* cannot happen; start over */
		if (ftruncate(p->fd, 0)) {
			rc = et_fail(ET_EIO);
			goto fail;
		}
		p->offset = 0;
	}
	if (cl && !et_parse_u64(cl, strlen(cl), &clen) && clen > p->s.size - p->offset) {
		web_reply_error(rep, MHD_HTTP_CONTENT_TOO_LARGE, ET_ELIMIT, NULL,
				"上传的字节超过声明的大小", "more bytes than the declared size");
		rc = ET_ELIMIT;
		goto fail;
	}
	if (want != p->offset) {
		char zh[160], en[160];

		snprintf(zh, sizeof zh, "偏移不符：服务器已收到 %llu 字节，请从该处续传",
			 (unsigned long long)p->offset);
		snprintf(en, sizeof en, "offset mismatch: the server holds %llu bytes; resume there",
			 (unsigned long long)p->offset);
		web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ECONFLICT, NULL, zh, en);
		rc = ET_ECONFLICT;
		goto fail;
	}
	/* the hash state kept in memory, or the stored prefix hashed again
	 * (after a restart, or once the state was evicted) */
	pthread_mutex_lock(&u->mu);
	if (u->act[p->slot].h && u->act[p->slot].hashed == p->offset) {
		p->h = u->act[p->slot].h;
		u->act[p->slot].h = NULL;
	}
	pthread_mutex_unlock(&u->mu);
	if (!p->h && (rc = rehash(p->fd, p->offset, &p->h)))
		goto fail;
	p->start = p->offset;
	if (lseek(p->fd, (off_t)p->offset, SEEK_SET) < 0) {
		rc = et_fail(ET_EIO);
		goto fail;
	}
	r->stream = p;
	return ET_OK;
fail:
	upatch_free(r->data, p, false);
	return rc;
}

int web_upload_stream_data(struct web_req *r, const char *buf, size_t n, struct web_reply *rep)
{
	struct upatch *p = r->stream;

	if (p->failed)
		return ET_EIO;
	if (n > p->s.size - p->offset) {
		/* a refused request changes nothing: what it wrote goes, and
		 * the hash state with it (re-hashed at the next resumption) */
		p->failed = true;
		if (!ftruncate(p->fd, (off_t)p->start)) {
			p->offset = p->start;
			crypto_sha256_free(p->h);
			p->h = NULL;
		}
		web_reply_error(rep, MHD_HTTP_CONTENT_TOO_LARGE, ET_ELIMIT, NULL,
				"上传的字节超过声明的大小", "more bytes than the declared size");
		return ET_ELIMIT;
	}
#ifdef ET_TEST_HOOKS
	/* ET_TEST_UPLOAD_FAIL_AT=N: a write that would pass byte N fails as if
	 * the disk were full (tests/client/e2e_upload.sh, where no tmpfs can
	 * be mounted). */
	{
		const char *f = getenv("ET_TEST_UPLOAD_FAIL_AT");
		uint64_t at;

		if (f && !et_parse_u64(f, strlen(f), &at) && p->offset + n > at) {
			errno = ENOSPC;
			goto write_failed;
		}
	}
#endif
	if (et_write_all(p->fd, buf, n))
		goto write_failed;
	crypto_sha256_update(p->h, buf, n);
	p->offset += n;
	if (p->offset == p->s.size)
		p->last_byte_us = et_clock_now_us();
	return ET_OK;
write_failed: {
	int e = errno;

	/* keep the file and the hash state consistent: what was written of
	 * this chunk goes */
	p->failed = true;
	if (ftruncate(p->fd, (off_t)p->offset) || lseek(p->fd, (off_t)p->offset, SEEK_SET) < 0) {
		crypto_sha256_free(p->h);
		p->h = NULL;   /* re-hashed at the next resumption */
	}
	if (no_space(e))
		return reply_no_space(rep);
	return et_fail(ET_EIO);
	}
}

void web_upload_stream_abort(struct web_req *r)
{
	struct upatch *p = r->stream;

	r->stream = NULL;
	if (!p)
		return;
	/* a broken transfer: the bytes received are kept (fdatasync in
	 * upatch_free) with the hash state, and the window runs from now */
	if (p->h && p->offset) {
		p->s.touched_us = et_clock_now_us();
		(void)session_save(r->data->uploads, &p->s);
	}
	upatch_free(r->data, p, true);
}

/* The keyless check of a stored part (docs/formats.md "Sealed parts"):
 * its age header carries exactly the tender's threshold stanzas. ET_OK,
 * ET_ESEALER / ET_EHEADER (a refusal in rep), or a system error. */
static int part_stanzas(struct web_req *r, const char *tender, const char *blob,
			struct web_reply *rep)
{
	struct tender_holder_info *v = NULL;
	unsigned char (*pubs)[32] = NULL, *head = NULL;
	size_t n = 0, len = 0;
	unsigned k = 0;
	ssize_t got;
	int rc, fd = -1;

	if ((rc = tender_holders(r->data->ledger, &r->who, tender, &k, &v, &n)))
		goto out;
	if (!n || !(pubs = calloc(n, sizeof *pubs)) || !(head = malloc(ET_AGE_MAX_HEADER))) {
		rc = et_fail(n ? ET_ENOMEM : ET_ESTATE);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *hrp = NULL;
		unsigned char *key = NULL;
		size_t klen = 0;

		rc = crypto_bech32_decode(v[i].recipient, &hrp, &key, &klen);
		if (!rc && (strcmp(hrp, "age") || klen != 32 || v[i].index < 1 || v[i].index > n))
			rc = ET_EINVAL;
		if (!rc)
			memcpy(pubs[v[i].index - 1], key, 32);
		free(hrp);
		free(key);
		if (rc) {
			rc = et_fail(rc);
			goto out;
		}
	}
	if ((fd = open(blob, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		rc = et_fail(ET_EIO);
		goto out;
	}
	while (len < ET_AGE_MAX_HEADER &&
	       ((got = read(fd, head + len, ET_AGE_MAX_HEADER - len)) > 0 || (got < 0 && errno == EINTR)))
		if (got > 0)
			len += (size_t)got;
	if ((rc = bid_part_check(head, len, k, (unsigned)n, (const unsigned char (*)[32])pubs))) {
		web_reply_error(rep, 0, rc == ET_EHEADER ? ET_EHEADER : ET_ESEALER, "et.bid.stanzas",
				"密封分包须且仅须含本项目的门限接收者",
				"a part must carry exactly the tender's threshold stanzas");
		rc = rc == ET_EHEADER ? ET_EHEADER : ET_ESEALER;
	}
out:
	if (fd >= 0)
		close(fd);
	free(head);
	free(pubs);
	tender_holders_free(v);
	return rc;
}

/* The last byte is in: the hash must be the declared one; then the part
 * moves into the blob store and its header is checked with no key. */
static int complete(struct web_req *r, struct upatch *p, struct web_reply *rep)
{
	struct web_uploads *u = r->data->uploads;
	unsigned char got[32];
	char hex[65], rel[80], blob[4400], part[4400], blobs[4096];
	bool created;
	int rc;

	crypto_sha256_final(p->h, got);
	p->h = NULL;
	et_hex_encode(got, 32, hex);
	if (strcmp(hex, p->s.sha)) {
		/* not the declared bytes: the session starts over */
		if (ftruncate(p->fd, 0))
			return et_fail(ET_EIO);
		p->offset = 0;
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EVERIFY, NULL,
				"收到的字节与声明的 SHA-256 不符，请从头重新上传",
				"the bytes received do not match the declared SHA-256; upload "
				"again from offset 0");
		return ET_EVERIFY;
	}
	if (fsync(p->fd))
		return no_space(errno) ? reply_no_space(rep) : et_fail(ET_EIO);
	if ((rc = file_of(u, p->s.id, ".part", part, sizeof part)) ||
	    snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    (rc = web_path(r->data->dir, rel, blob, sizeof blob)) ||
	    (rc = web_path(r->data->dir, WEB_DIR_BLOBS, blobs, sizeof blobs)))
		return rc ? rc : ET_ELIMIT;
	/* the same bytes stored already: keep the existing blob */
	created = access(blob, F_OK) != 0;
	if (created ? rename(part, blob) != 0 : unlink(part) != 0)
		return et_fail(ET_EIO);
	fsync_dir(blobs);
	fsync_dir(u->dir);
	if ((rc = part_stanzas(r, p->s.tender, blob, rep))) {
		if (rc == ET_ESEALER || rc == ET_EHEADER) {
			if (created && !other_live_session(u, p->s.id, p->s.sha, et_clock_now_us()))
				(void)unlink(blob);
			session_remove(u, p->s.id);
		}
		return rc;
	}
	p->s.arrival_us = p->last_byte_us ? p->last_byte_us : et_clock_now_us();
	p->s.touched_us = p->s.arrival_us;
	if ((rc = session_save(u, &p->s)))
		return rc == ET_ELIMIT ? reply_no_space(rep) : rc;
	return ET_OK;
}

/* PATCH /api/tenders/{id}/bids/uploads/{upl} with Upload-Offset: the next
 * bytes. The route runs once the body is in. */
static int patch_upload(struct web_req *r, struct web_reply *rep)
{
	struct upatch *p = r->stream;
	char off[24];
	int rc;

	if (!p)
		return et_fail(ET_EINVAL);
	r->stream = NULL;
	if (fdatasync(p->fd)) {
		rc = no_space(errno) ? reply_no_space(rep) : et_fail(ET_EIO);
		upatch_free(r->data, p, false);
		return rc;
	}
	if (p->offset == p->s.size) {
		if ((rc = complete(r, p, rep))) {
			upatch_free(r->data, p, false);
			return rc;
		}
	} else {
		p->s.touched_us = et_clock_now_us();
		if ((rc = session_save(r->data->uploads, &p->s))) {
			rc = rc == ET_ELIMIT ? reply_no_space(rep) : rc;
			upatch_free(r->data, p, true);
			return rc;
		}
	}
	rc = web_reply_json(rep, MHD_HTTP_OK, session_json(&p->s, p->offset));
	snprintf(off, sizeof off, "%llu", (unsigned long long)p->offset);
	if (!rc && rep->resp)
		(void)MHD_add_response_header(rep->resp, "Upload-Offset", off);
	upatch_free(r->data, p, p->offset != p->s.size);
	return rc;
}

/* GET /api/tenders/{id}/bid.xsd: the schema bid.xml is validated against. */
static int get_bid_xsd(struct web_req *r, struct web_reply *rep)
{
	char tender[TENDER_ID_LEN];
	struct tender_info t;
	size_t len = 0;
	const char *xsd = bid_xml_schema_text(&len);
	int rc;

	if (!id_param(r, 0, tender, sizeof tender))
		return ET_ENOTFOUND;
	if ((rc = tender_get(r->data->ledger, &r->who, tender, &t, NULL, NULL)))
		return rc;
	return web_reply_text(rep, MHD_HTTP_OK, "application/xml", xsd, len);
}

/* ---- the submission's side ---------------------------------------------------- */

int web_upload_parts(struct web_req *r, const char *tender, const struct bid_manifest *m,
		     struct bid_part_ref *parts, int64_t *arrival_us, char **meta,
		     struct web_reply *rep)
{
	struct web_uploads *u = r->data->uploads;
	json_t *pm = json_array(), *o = NULL;
	const char *device;
	int rc;

	*meta = NULL;
	if (!pm)
		return et_fail(ET_ENOMEM);
	if ((rc = device_header(r, &device, rep)))
		goto out;
	for (size_t i = 0; i < m->nparts; i++) {
		char hex[65], id[UPL_ID_LEN + 1];
		struct session s;
		json_t *e;

		et_hex_encode(m->parts[i].sha256, 32, hex);
		session_id(r->who.user, tender, hex, id);
		rc = session_load(u, id, &s);
		if (rc && rc != ET_ENOTFOUND)
			goto out;
		if (rc || !s.arrival_us || s.size != m->parts[i].size) {
			if (!rc)
				session_clear(&s);
			web_reply_error(rep, MHD_HTTP_CONFLICT, ET_ESTATE, "et.bid.parts",
					"清单所列的部分文件尚未完整上传",
					"a part the manifest names has not been uploaded completely");
			rc = ET_ESTATE;
			goto out;
		}
		parts[i].size = s.size;
		memcpy(parts[i].sha256, m->parts[i].sha256, 32);
		if (s.arrival_us > *arrival_us)
			*arrival_us = s.arrival_us;
		e = json_deep_copy(s.meta);
		session_clear(&s);
		if (!e || json_object_set_new(e, "part", json_integer((json_int_t)(i + 1))) ||
		    json_array_append_new(pm, e)) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if (!(o = source_json(r, device)) || json_object_set(o, "parts", pm) ||
	    !(*meta = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	rc = ET_OK;
out:
	json_decref(o);
	json_decref(pm);
	return rc;
}

void web_upload_submit_lock(struct web_data *d, bool lock)
{
	if (lock)
		pthread_rwlock_rdlock(&d->uploads->sweep);
	else
		pthread_rwlock_unlock(&d->uploads->sweep);
}

void web_upload_submitted(struct web_req *r, const char *tender, const struct bid_manifest *m)
{
	for (size_t i = 0; i < m->nparts; i++) {
		char hex[65], id[UPL_ID_LEN + 1];

		et_hex_encode(m->parts[i].sha256, 32, hex);
		session_id(r->who.user, tender, hex, id);
		session_remove(r->data->uploads, id);
	}
	fsync_dir(r->data->uploads->dir);
}

void web_upload_sweep_now(struct web_data *d)
{
	if (d && d->uploads)
		sweep(d);
}

/* ---- the table ------------------------------------------------------------------ */

const struct web_route web_upload_routes[] = {
	{ "POST", "/api/tenders/*/bids/uploads", WEB_BODY_BUFFER, ET_UPLOAD_META_MAX + 1024,
	  WEB_AUTH_REQUIRED, post_upload },
	{ "GET", "/api/tenders/*/bids/uploads/*", WEB_BODY_NONE, 0, WEB_AUTH_REQUIRED, get_upload },
	{ "PATCH", "/api/tenders/*/bids/uploads/*", WEB_BODY_STREAM, ET_WEB_UPLOAD_MAX,
	  WEB_AUTH_REQUIRED, patch_upload },
	{ "GET", "/api/tenders/*/bid.xsd", WEB_BODY_NONE, 0, WEB_AUTH_OPTIONAL, get_bid_xsd },
	{ NULL, NULL, WEB_BODY_NONE, 0, WEB_AUTH_NONE, NULL },
};
