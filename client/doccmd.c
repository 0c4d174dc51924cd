/* client/doccmd.c — `etender document upload|list|download`: tender documents
 * streamed in constant memory with libcurl. Uploads read the file as it is
 * sent; downloads go to a temporary file beside the output while SHA-256 is
 * computed, and appear under their name only when the bytes match the size
 * and SHA-256 the server lists for the document. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client/client.h"

static const char document_usage[] =
	"用法 / usage: etender document upload --tender T [--kind K] [--name N] FILE\n"
	"       etender document list --tender T [--json]\n"
	"       etender document download --tender T --doc ID -o OUT\n"
	"  招标代理上传招标文件（K: documents | boq | drawings | other，默认 documents；\n"
	"  N 默认为文件名）；已报名的投标人下载（每次下载都记录，保密）。下载时核对\n"
	"  服务器列出的 SHA-256，完整无误后才生成 OUT。终端上显示进度。\n"
	"  Agent: upload a document (streamed; K documents|boq|drawings|other,\n"
	"  default documents; N defaults to FILE's base name). Registered bidders\n"
	"  download (each download is recorded, confidentially): OUT appears only\n"
	"  when complete and its SHA-256 equals the one the server lists. Progress\n"
	"  is shown on a terminal. All take [--server URL].\n";

struct xfer {
	int fd;                       /* upload source / download sink */
	struct crypto_sha256 *h;      /* download hash */
	uint64_t done, total;
	long status;                  /* known once headers arrived */
	CURL *c;
	struct client_http_resp err;  /* a non-200 answer's body */
	char hdr_sha[65];             /* X-Content-SHA256 */
	bool tty, write_failed;
	const char *verb;
	int64_t last_us;
};

static size_t up_read(char *buf, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	ssize_t r;

	do
		r = read(x->fd, buf, size * n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return CURL_READFUNC_ABORT;
	return (size_t)r;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;

	if (et_buf_add(&x->err.body, p, size * n) != ET_OK)
		return 0;
	return size * n;
}

static size_t down_write(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;

	if (!x->status)
		curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status != 200)
		return collect(p, size, n, ud);
	if (x->done + size * n > x->total) /* more than the listed size */
		return 0;
	if (et_write_all(x->fd, p, size * n) != ET_OK) {
		x->write_failed = true;
		return 0;
	}
	crypto_sha256_update(x->h, p, size * n);
	x->done += size * n;
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	static const char name[] = "x-content-sha256:";

	if (len > sizeof name - 1 && !strncasecmp(p, name, sizeof name - 1)) {
		size_t i = sizeof name - 1, k = 0;

		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		while (i < len && k < 64 && p[i] != '\r' && p[i] != '\n')
			x->hdr_sha[k++] = p[i++];
		x->hdr_sha[k] = 0;
	}
	return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = ud;
	curl_off_t now = ultotal ? ulnow : dlnow, tot = ultotal ? ultotal : dltotal;
	int64_t t = et_clock_mono_us();

	if (!x->tty || !tot || (t - x->last_us < 200000 && now != tot) || x->last_us == -1)
		return 0;
	if (now == tot)
		t = -1; /* 100% is shown once */
	x->last_us = t;
	fprintf(stderr, "\r%s %3d%%  %.1f / %.1f MiB ", x->verb, (int)(now * 100 / tot),
		(double)now / 1048576.0, (double)tot / 1048576.0);
	return 0;
}

/* A curl handle for base+path with the session's token (hdr: freed by the
 * caller). */
static CURL *easy(const struct client_session *s, const char *path, struct curl_slist **hdr,
		  struct et_buf *url, struct et_buf *auth)
{
	CURL *c;
	struct curl_slist *n;

	if (et_buf_addstr(url, s->url) || et_buf_addstr(url, path))
		return NULL;
	if (!(c = curl_easy_init()))
		return NULL;
	if (s->have_token) {
		if (et_buf_printf(auth, "Authorization: Bearer %s", s->token) ||
		    !(n = curl_slist_append(*hdr, (const char *)auth->data)))
			goto fail;
		*hdr = n;
	}
	/* Streamed uploads send "Expect: 100-continue" (curl's default for a
	 * large body) and wait for it: a server that refuses the upload
	 * before reading its body (wrong role, unknown tender) answers at once,
	 * and we read that answer instead of a reset (docs/api.md). */
	curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 30000L);
	if (!(n = curl_slist_append(*hdr, "Expect: 100-continue")))
		goto fail;
	*hdr = n;
	curl_easy_setopt(c, CURLOPT_URL, (const char *)url->data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ET_HTTP_CONNECT_TIMEOUT_S);
	/* no total timeout for large files: give up only if stalled for a minute */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "etender/0.1");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdr);
	return c;
fail:
	curl_easy_cleanup(c);
	return NULL;
}

int client_upload_file(const struct client_session *s, const char *path, const char *file,
		       json_t **out)
{
	struct curl_slist *hdr = NULL;
	struct et_buf url, auth;
	struct xfer x;
	struct stat st;
	CURLcode cc;
	int rc = ET_OK;

	*out = NULL;
	memset(&x, 0, sizeof x);
	x.fd = -1;
	et_buf_init(&url, 8192);
	et_buf_init(&auth, 512);
	et_buf_init(&x.err.body, ET_HTTP_MAX_ERROR_BODY);
	if ((x.fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(x.fd, &st) != 0 ||
	    !S_ISREG(st.st_mode)) {
		rc = ET_EIO;
		client_error(rc, "%s", file);
		goto out;
	}
	if ((rc = client_http_init()))
		goto out;
	if (!(x.c = easy(s, path, &hdr, &url, &auth))) {
		rc = ET_ENOMEM;
		client_error(rc, "curl");
		goto out;
	}
	x.total = (uint64_t)st.st_size;
	x.tty = isatty(2);
	x.verb = "上传 / upload";
	curl_easy_setopt(x.c, CURLOPT_POST, 1L);
	curl_easy_setopt(x.c, CURLOPT_READFUNCTION, up_read);
	curl_easy_setopt(x.c, CURLOPT_READDATA, &x);
	curl_easy_setopt(x.c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)st.st_size);
	curl_easy_setopt(x.c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(x.c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(x.c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(x.c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(x.c, CURLOPT_XFERINFODATA, &x);
	cc = curl_easy_perform(x.c);
	if (x.tty)
		fputc('\n', stderr);
	curl_easy_getinfo(x.c, CURLINFO_RESPONSE_CODE, &x.err.status);
	if (cc != CURLE_OK && !x.err.status) {
		rc = ET_EIO;
		client_error(rc, "%s: %s", file, curl_easy_strerror(cc));
		goto out;
	}
	if (x.err.status != 200) {
		rc = client_api_error(&x.err, file);
		goto out;
	}
	if (!(*out = json_loadb((const char *)x.err.body.data, x.err.body.len, 0, NULL))) {
		rc = ET_EINVAL;
		client_error(rc, "JSON");
	}
out:
	if (x.fd >= 0)
		close(x.fd);
	if (x.c)
		curl_easy_cleanup(x.c);
	curl_slist_free_all(hdr);
	et_buf_free(&url);
	et_buf_free(&auth);
	et_buf_free(&x.err.body);
	return rc;
}

static int upload(const struct client_session *s, const struct client_args *a, const char *file)
{
	struct et_buf path;
	const char *name, *kind = a->kind ? a->kind : "documents";
	char *ename = NULL, *ekind = NULL, *etender = NULL;
	json_t *j = NULL;
	int rc;

	et_buf_init(&path, 4096);
	name = a->name ? a->name : (strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	if (!(ename = curl_escape(name, 0)) || !(ekind = curl_escape(kind, 0)) ||
	    !(etender = curl_escape(a->tender, 0)) ||
	    et_buf_printf(&path, "/api/tenders/%s/documents?name=%s&kind=%s", etender, ename, ekind)) {
		rc = ET_ELIMIT;
		client_error(rc, "--name");
		goto out;
	}
	if ((rc = client_upload_file(s, (const char *)path.data, file, &j)))
		goto out;
	if (a->json)
		client_json_print(j);
	else
		printf("%s\n已上传 / uploaded: %s (%lld bytes, SHA-256 %s)\n", client_jstr(j, "id"), name,
		       (long long)json_integer_value(json_object_get(j, "size")), client_jstr(j, "sha256"));
out:
	curl_free(ename);
	curl_free(ekind);
	curl_free(etender);
	json_decref(j);
	et_buf_free(&path);
	return rc;
}

/* The listed metadata of doc in tender: *docs holds it, *meta borrowed. */
static int find_doc(const struct client_session *s, const char *tender, const char *doc,
		    json_t **docs, json_t **meta)
{
	char path[512], *et;
	json_t *v;
	size_t i;
	int rc;

	*meta = NULL;
	if (!(et = curl_escape(tender, 0)))
		return ET_ENOMEM;
	client_fmt(path, sizeof path, "/api/tenders/%s/documents", et);
	curl_free(et);
	if ((rc = client_api(s, "GET", path, NULL, 0, NULL, tender, docs)))
		return rc;
	json_array_foreach(json_object_get(*docs, "documents"), i, v)
		if (!strcmp(client_jstr(v, "id"), doc))
			*meta = v;
	if (!*meta) {
		client_error(ET_ENOTFOUND, "%s: %s", tender, doc);
		return ET_ENOTFOUND;
	}
	return ET_OK;
}

/* Stream GET path into out_path (client_out: "-" or NULL is stdout),
 * hashing as it writes, with a progress bar; kept only if exactly total
 * bytes arrived whose SHA-256 is want (hex) and the server's
 * X-Content-SHA256 agrees; what names it in errors, name on success. */
int client_download_checked(const struct client_session *s, const char *path_s, const char *want,
			    uint64_t total, const char *out_path, const char *what, const char *name)
{
	struct curl_slist *hdr = NULL;
	struct et_buf url, auth;
	struct client_out out;
	struct xfer x;
	char hex[65];
	unsigned char sha[32];
	bool out_open = false;
	CURLcode cc;
	int rc;

	memset(&x, 0, sizeof x);
	et_buf_init(&url, 8192);
	et_buf_init(&auth, 512);
	et_buf_init(&x.err.body, ET_HTTP_MAX_ERROR_BODY);
	x.total = total;
	if ((rc = client_out_open(&out, out_path, 0644))) {
		client_error(rc, "%s", out_path ? out_path : "-");
		goto out;
	}
	out_open = true;
	x.fd = out.fd;
	if (!(x.h = crypto_sha256_new()) || (rc = client_http_init()) ||
	    !(x.c = easy(s, path_s, &hdr, &url, &auth))) {
		rc = rc ? rc : ET_ENOMEM;
		client_error(rc, "curl");
		goto out;
	}
	x.tty = isatty(2);
	x.verb = "下载 / download";
	curl_easy_setopt(x.c, CURLOPT_WRITEFUNCTION, down_write);
	curl_easy_setopt(x.c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(x.c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x.c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(x.c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(x.c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(x.c, CURLOPT_XFERINFODATA, &x);
	cc = curl_easy_perform(x.c);
	if (x.tty)
		fputc('\n', stderr);
	curl_easy_getinfo(x.c, CURLINFO_RESPONSE_CODE, &x.err.status);
	if (x.err.status && x.err.status != 200) {
		rc = client_api_error(&x.err, what);
		goto out;
	}
	if (cc != CURLE_OK) {
		rc = x.write_failed ? ET_EIO : x.done >= x.total ? ET_EVERIFY : ET_EIO;
		client_error(rc, "%s: %s%s", what, curl_easy_strerror(cc),
			     x.done >= x.total && !x.write_failed
				     ? " (多于列出的大小 / more than the listed size)" : "");
		goto out;
	}
	crypto_sha256_final(x.h, sha); /* frees it */
	x.h = NULL;
	et_hex_encode(sha, 32, hex);
	if (x.done != x.total || strcmp(hex, want) || (x.hdr_sha[0] && strcasecmp(x.hdr_sha, want))) {
		rc = ET_EVERIFY;
		client_error(rc, "%s: 内容与服务器列出的 SHA-256 或大小不符，已丢弃 / the bytes do not "
			     "match the listed SHA-256 or size; discarded (%llu of %llu bytes, %s)",
			     what, (unsigned long long)x.done, (unsigned long long)x.total, hex);
		goto out;
	}
	if ((rc = client_out_finish(&out))) {
		out_open = false;
		client_error(rc, "%s", out_path ? out_path : "-");
		goto out;
	}
	out_open = false;
	fprintf(stderr, "etender: 已下载并核对 / downloaded and checked: %s (%llu bytes, SHA-256 %s)\n",
		name, (unsigned long long)x.done, hex);
out:
	if (out_open)
		client_out_abort(&out);
	if (x.c)
		curl_easy_cleanup(x.c);
	if (x.h)
		crypto_sha256_free(x.h);
	curl_slist_free_all(hdr);
	et_buf_free(&url);
	et_buf_free(&auth);
	et_buf_free(&x.err.body);
	return rc;
}

static int download(const struct client_session *s, const struct client_args *a)
{
	struct et_buf path;
	json_t *docs = NULL, *meta;
	char *et = NULL, *ed = NULL;
	const char *want;
	int rc;

	et_buf_init(&path, 4096);
	if ((rc = find_doc(s, a->tender, a->doc, &docs, &meta)))
		goto out;
	want = client_jstr(meta, "sha256");
	if (strlen(want) != 64 || !json_is_integer(json_object_get(meta, "size")) ||
	    json_integer_value(json_object_get(meta, "size")) < 0) {
		rc = ET_EINVAL;
		client_error(rc, "%s: 服务器列出的元数据无效 / bad listed metadata", a->doc);
		goto out;
	}
	if (!(et = curl_escape(a->tender, 0)) || !(ed = curl_escape(a->doc, 0)) ||
	    et_buf_printf(&path, "/api/tenders/%s/documents/%s", et, ed)) {
		rc = ET_ELIMIT;
		client_error(rc, "--doc");
		goto out;
	}
	rc = client_download_checked(s, (const char *)path.data, want,
				     (uint64_t)json_integer_value(json_object_get(meta, "size")), a->out,
				     a->doc, client_jstr(meta, "name"));
out:
	curl_free(et);
	curl_free(ed);
	json_decref(docs);
	et_buf_free(&path);
	return rc;
}

int client_cmd_document(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	const char *sub;
	json_t *docs = NULL, *v;
	char tm[96], path[512], *et;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(document_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (!strcmp(sub, "upload")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "tkn", document_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!a.tender || a.npos != 1)
			return client_usage_error(document_usage, "需要 --tender 和一个文件 / --tender and one FILE");
		if (client_session_open(a.server, true, &s) || upload(&s, &a, a.pos[0]))
			goto out;
	} else if (!strcmp(sub, "download")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "tdo", document_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!a.tender || !a.doc || !a.out || a.npos)
			return client_usage_error(document_usage, "需要 --tender --doc -o / --tender, --doc and -o");
		if (client_session_open(a.server, true, &s) || download(&s, &a))
			goto out;
	} else if (!strcmp(sub, "list")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "t", document_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!a.tender || a.npos)
			return client_usage_error(document_usage, "需要 --tender / --tender is required");
		if (!(et = curl_escape(a.tender, 0)))
			goto out;
		client_fmt(path, sizeof path, "/api/tenders/%s/documents", et);
		curl_free(et);
		if (client_session_open(a.server, false, &s) ||
		    client_api(&s, "GET", path, NULL, 0, NULL, a.tender, &docs))
			goto out;
		if (a.json)
			client_json_print(docs);
		else
			json_array_foreach(json_object_get(docs, "documents"), i, v) {
				client_time_fmt(json_integer_value(json_object_get(v, "time_us")), tm, sizeof tm);
				printf("%s  %-9s %12lld  %s  %s\n  SHA-256 %s\n", client_jstr(v, "id"),
				       client_jstr(v, "kind"),
				       (long long)json_integer_value(json_object_get(v, "size")), tm,
				       client_jstr(v, "name"), client_jstr(v, "sha256"));
			}
	} else {
		return client_usage_error(document_usage, "未知子命令 / unknown subcommand: %s", sub);
	}
	ret = 0;
out:
	json_decref(docs);
	client_session_close(&s);
	return ret;
}
