/* client/upload.c — resumable upload of one sealed bid part (断点续传,
 * docs/api.md "Bids"): ask the server for the part's upload session (the
 * same one when asked again), PATCH the rest of the file from the offset
 * the server holds, and after a broken connection ask for the offset again
 * and go on from there. The file is read as it is sent (constant memory);
 * a progress bar on a terminal (stderr) counts from the resumed offset. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bidding/bidding.h"
#include "client/client.h"

#define ATTEMPTS 8               /* PATCH attempts after broken connections */

struct up {
	int fd;
	uint64_t off, end, sent;     /* file range [off, end), bytes sent this request */
	uint64_t total;
	bool tty;
	int64_t last_us;
	struct et_buf body;          /* the answer */
	const char *what;
};

/* ETENDER_TEST_ABORT_AFTER=N (test builds): the process dies after sending
 * N bytes of part data in this run, as if killed (tests/client/e2e_upload.sh). */
static uint64_t sent_this_run;

static size_t up_read(char *buf, size_t size, size_t n, void *ud)
{
	struct up *u = ud;
	size_t want = size * n;
	ssize_t r;

	if (want > u->end - u->off - u->sent)
		want = (size_t)(u->end - u->off - u->sent);
#ifdef ET_TEST_HOOKS
	{
		const char *a = getenv("ETENDER_TEST_ABORT_AFTER");
		uint64_t lim;

		if (a && !et_parse_u64(a, strlen(a), &lim)) {
			if (sent_this_run >= lim)
				_exit(75);
			if (want > lim - sent_this_run)
				want = (size_t)(lim - sent_this_run);
		}
	}
#endif
	if (!want)
		return 0;
	do
		r = pread(u->fd, buf, want, (off_t)(u->off + u->sent));
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return CURL_READFUNC_ABORT;
	u->sent += (uint64_t)r;
	sent_this_run += (uint64_t)r;
	return (size_t)r;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct up *u = ud;

	return et_buf_add(&u->body, p, size * n) == ET_OK ? size * n : 0;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct up *u = ud;
	int64_t t = et_clock_mono_us();
	uint64_t now = u->off + (uint64_t)ulnow;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	if (!u->tty || !u->total || (t - u->last_us < 200000 && now != u->total))
		return 0;
	u->last_us = t;
	fprintf(stderr, "\r上传 / upload %s %3d%%  %.1f / %.1f MiB ", u->what,
		(int)(now * 100 / u->total), (double)now / 1048576.0, (double)u->total / 1048576.0);
	return 0;
}

/* One request: method, path, extra header lines, a JSON body (text) or the
 * file range of u (fd >= 0), and the answer (status, body in u->body).
 * ET_OK with *status 0 when no answer came (a broken connection). */
static int request(const struct client_session *s, const char *method, const char *path,
		   const char *const *headers, const char *json, struct up *u, long *status)
{
	struct et_buf url, auth;
	struct curl_slist *hdr = NULL, *n;
	CURL *c = NULL;
	CURLcode cc;
	int rc = ET_ENOMEM;

	*status = 0;
	u->body.len = 0;
	et_buf_init(&url, 8192);
	et_buf_init(&auth, 512);
	if (et_buf_addstr(&url, s->url) || et_buf_addstr(&url, path) || !(c = curl_easy_init()))
		goto out;
	if (s->have_token) {
		if (et_buf_printf(&auth, "Authorization: Bearer %s", s->token) ||
		    !(n = curl_slist_append(hdr, (const char *)auth.data)))
			goto out;
		hdr = n;
	}
	for (size_t i = 0; headers && headers[i]; i++) {
		if (!(n = curl_slist_append(hdr, headers[i])))
			goto out;
		hdr = n;
	}
	if (!(n = curl_slist_append(hdr, json ? "Content-Type: application/json"
					      : "Content-Type: application/octet-stream")))
		goto out;
	hdr = n;
	if (!(n = curl_slist_append(hdr, u->fd >= 0 ? "Expect: 100-continue" : "Expect:")))
		goto out;
	hdr = n;
	curl_easy_setopt(c, CURLOPT_URL, (const char *)url.data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ET_HTTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "etender/0.1");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, u);
	if (u->fd >= 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, up_read);
		curl_easy_setopt(c, CURLOPT_READDATA, u);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(u->end - u->off));
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, u);
#ifdef ET_TEST_HOOKS
		{       /* ETENDER_TEST_RATE=BYTES_PER_S (test builds): a slow line */
			const char *rt = getenv("ETENDER_TEST_RATE");
			uint64_t bps;

			if (rt && !et_parse_u64(rt, strlen(rt), &bps) && bps)
				curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)bps);
		}
#endif
	} else if (json) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(json));
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, ET_HTTP_TIMEOUT_S);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (cc != CURLE_OK && cc != CURLE_SEND_ERROR && cc != CURLE_RECV_ERROR &&
	    cc != CURLE_GOT_NOTHING && cc != CURLE_PARTIAL_FILE && cc != CURLE_OPERATION_TIMEDOUT &&
	    cc != CURLE_COULDNT_CONNECT && cc != CURLE_ABORTED_BY_CALLBACK && cc != CURLE_READ_ERROR) {
		rc = ET_EIO;
		client_error(rc, "%s %s%s: %s", method, s->url, path, curl_easy_strerror(cc));
		goto out;
	}
	if (cc != CURLE_OK)
		*status = 0;   /* broken: the caller asks for the offset and resumes */
	rc = ET_OK;
out:
	if (c)
		curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	et_buf_free(&url);
	et_buf_free(&auth);
	return rc;
}

static int answer_error(struct up *u, long status, const char *what)
{
	struct client_http_resp r;
	int rc;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.body = u->body;
	rc = client_api_error(&r, what);
	return rc;
}

static json_t *answer_json(struct up *u)
{
	return json_loadb((const char *)u->body.data, u->body.len, JSON_REJECT_DUPLICATES, NULL);
}

int client_device_id(char out[65])
{
	static const char *const files[] = { "/etc/machine-id", "/var/lib/dbus/machine-id" };
	unsigned char *id = NULL, h[32];
	size_t len = 0;
	struct et_buf b;
	char host[256] = "";

	et_buf_init(&b, 1024);
	for (size_t i = 0; i < 2 && !id; i++)
		if (et_read_file(files[i], 256, &id, &len))
			id = NULL;
	if (et_buf_addstr(&b, "etender-device/v1\n") ||
	    (id ? et_buf_add(&b, id, len) : (gethostname(host, sizeof host - 1), et_buf_addstr(&b, host)))) {
		free(id);
		et_buf_free(&b);
		return ET_ENOMEM;
	}
	crypto_sha256(b.data, b.len, h);
	et_hex_encode(h, 32, out);
	free(id);
	et_buf_free(&b);
	return ET_OK;
}

int client_part_upload(const struct client_session *s, const char *tender, const char *file,
		       const struct bid_part_ref *ref, json_t *docs, const char *device,
		       const char *what)
{
	char *et = curl_escape(tender, 0), path[1024], sha[65], devh[200], offh[64];
	const char *hdrs[3] = { devh, NULL, NULL };
	struct up u;
	json_t *req = NULL, *j = NULL;
	char *body = NULL, upl[64] = "";
	uint64_t offset = 0;
	long status;
	int rc, attempt = 0;
	bool announced = false;

	memset(&u, 0, sizeof u);
	u.fd = -1;
	u.what = what;
	et_buf_init(&u.body, ET_HTTP_MAX_ERROR_BODY);
	if (!et) {
		rc = client_error(ET_ENOMEM, "curl");
		goto out;
	}
	et_hex_encode(ref->sha256, 32, sha);
	client_fmt(devh, sizeof devh, "X-Etender-Device: %s", device);
	client_fmt(path, sizeof path, "/api/tenders/%s/bids/uploads", et);
	if (!(req = json_pack("{s:s, s:I}", "sha256", sha, "size", (json_int_t)ref->size)) ||
	    (docs && json_object_set(req, "documents", docs)) ||
	    !(body = json_dumps(req, JSON_COMPACT))) {
		rc = client_error(ET_ENOMEM, "JSON");
		goto out;
	}
	for (;;) {
		if ((rc = request(s, "POST", path, hdrs, body, &u, &status)))
			goto out;
		if (status == 200 || ++attempt >= ATTEMPTS)
			break;
		if (status) {
			rc = answer_error(&u, status, what);
			goto out;
		}
		sleep(1);
	}
	if (status != 200) {
		rc = client_error(ET_EIO, "%s: 无法连接服务器 / cannot reach the server", what);
		goto out;
	}
	if (!(j = answer_json(&u)) || !json_is_string(json_object_get(j, "upload"))) {
		rc = client_error(ET_EINVAL, "%s: 回答无效 / invalid answer", what);
		goto out;
	}
	client_fmt(upl, sizeof upl, "%s", json_string_value(json_object_get(j, "upload")));
	client_fmt(path, sizeof path, "/api/tenders/%s/bids/uploads/%s", et, upl);
	if ((u.fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = client_error(ET_EIO, "%s", file);
		goto out;
	}
	u.total = ref->size;
	u.tty = isatty(2);
	attempt = 0;
	for (;;) {
		json_t *c = json_object_get(j, "complete");
		json_int_t off = json_integer_value(json_object_get(j, "offset"));

		if (json_is_true(c))
			break;
		if (off < 0 || (uint64_t)off > ref->size) {
			rc = client_error(ET_EINVAL, "%s: 偏移无效 / invalid offset", what);
			goto out;
		}
		offset = (uint64_t)off;
		if (offset && !announced) {
			fprintf(stderr, "%s: 从 %llu / %llu 字节处续传 / resuming at byte %llu of %llu\n",
				what, (unsigned long long)offset, (unsigned long long)ref->size,
				(unsigned long long)offset, (unsigned long long)ref->size);
			announced = true;
		}
		client_fmt(offh, sizeof offh, "Upload-Offset: %llu", (unsigned long long)offset);
		hdrs[1] = offh;
		u.off = offset;
		u.end = ref->size;
		u.sent = 0;
		u.last_us = 0;
		if ((rc = request(s, "PATCH", path, hdrs, NULL, &u, &status)))
			goto out;
		if (u.tty)
			fputc('\n', stderr);
		if (status == 200) {
			json_decref(j);
			if (!(j = answer_json(&u))) {
				rc = client_error(ET_EINVAL, "%s: 回答无效 / invalid answer", what);
				goto out;
			}
			continue;
		}
		/* broken, or the offset moved (409): ask where to go on */
		if (status && status != 409) {
			rc = answer_error(&u, status, what);
			goto out;
		}
		if (++attempt >= ATTEMPTS) {
			rc = status ? answer_error(&u, status, what)
				    : client_error(ET_EIO, "%s: 传输多次中断 / the transfer broke too often", what);
			goto out;
		}
		fprintf(stderr, "%s: 传输中断，查询偏移后续传 / transfer broken: asking for the offset to resume\n",
			what);
		sleep(attempt < 3 ? 1 : 2);
		{
			struct up g = u;

			g.fd = -1;
			if ((rc = request(s, "GET", path, NULL, NULL, &g, &status)))
				goto out;
			u.body = g.body;
			if (status != 200)
				continue;   /* still broken: try the PATCH again from what we knew */
			json_decref(j);
			if (!(j = answer_json(&u))) {
				rc = client_error(ET_EINVAL, "%s: 回答无效 / invalid answer", what);
				goto out;
			}
			announced = false;
		}
	}
	rc = ET_OK;
out:
	if (u.fd >= 0)
		close(u.fd);
	et_buf_free(&u.body);
	json_decref(j);
	json_decref(req);
	free(body);
	curl_free(et);
	return rc;
}

int client_manifest_post(const struct client_session *s, const char *tender, const void *manifest,
			 size_t len, const char *device, json_t **out)
{
	char *et = curl_escape(tender, 0), path[1024], devh[200], *text = NULL;
	const char *hdrs[2] = { devh, NULL };
	struct up u;
	long status = 0;
	int rc;

	*out = NULL;
	memset(&u, 0, sizeof u);
	u.fd = -1;
	et_buf_init(&u.body, ET_HTTP_MAX_BODY);
	if (!et || !(text = malloc(len + 1))) {
		rc = client_error(ET_ENOMEM, "manifest");
		goto out;
	}
	memcpy(text, manifest, len);
	text[len] = 0;
	client_fmt(devh, sizeof devh, "X-Etender-Device: %s", device);
	client_fmt(path, sizeof path, "/api/tenders/%s/bids", et);
	if ((rc = request(s, "POST", path, hdrs, text, &u, &status)))
		goto out;
	if (status != 200) {
		rc = status ? answer_error(&u, status, "bid submit")
			    : client_error(ET_EIO, "bid submit: 连接中断 / connection broken");
		goto out;
	}
	if (!(*out = answer_json(&u)))
		rc = client_error(ET_EINVAL, "bid submit: 回答无效 / invalid answer");
out:
	free(text);
	curl_free(et);
	et_buf_free(&u.body);
	return rc;
}
