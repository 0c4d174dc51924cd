/* client/http.c — the etender command's HTTP layer on libcurl: GET and POST
 * to exactly the URL the user gave (no redirects, http/https only), bearer
 * tokens, capped bodies, timeouts, JSON with jansson, and the server's
 * bilingual JSON errors turned into messages people can read. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "client/client.h"

static bool curl_ready;

int client_http_init(void)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return et_fail(ET_EIO);
		curl_ready = true;
	}
	return ET_OK;
}

void client_http_cleanup(void)
{
	if (curl_ready)
		curl_global_cleanup();
	curl_ready = false;
}

void client_http_resp_free(struct client_http_resp *r)
{
	if (!r)
		return;
	et_buf_free(&r->body);
	r->status = 0;
	r->content_type[0] = 0;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct client_http_resp *r = ud;

	if (et_buf_add(&r->body, p, size * n) != ET_OK) {
		r->over_cap = true;
		return 0; /* aborts the transfer */
	}
	return size * n;
}

/* Join base (without a trailing '/') and path into out. */
static int join_url(const char *base, const char *path, struct et_buf *out)
{
	size_t bl = strlen(base);

	while (bl && base[bl - 1] == '/')
		bl--;
	if (et_buf_add(out, base, bl) || et_buf_addstr(out, path))
		return ET_ELIMIT;
	return ET_OK;
}

int client_http_request(const char *base, const char *path, const char *token,
			const void *body, size_t body_len, const char *content_type, size_t max,
			struct client_http_resp *r)
{
	struct curl_slist *hdr = NULL;
	struct et_buf url, auth, ctype;
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *ct = NULL;
	CURL *c = NULL;
	CURLcode cc;
	int rc = ET_OK;

	memset(r, 0, sizeof *r);
	et_buf_init(&r->body, max);
	et_buf_init(&url, 8192);
	et_buf_init(&auth, 8192);
	et_buf_init(&ctype, 512);
	if (!base || !path) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
		rc = ET_EINVAL;
		goto out;
	}
	if ((rc = client_http_init()) || (rc = join_url(base, path, &url)))
		goto out;
	if (!(c = curl_easy_init())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if (token && *token) {
		struct curl_slist *n;
		if ((rc = et_buf_printf(&auth, "Authorization: Bearer %s", token)))
			goto out;
		if (!(n = curl_slist_append(hdr, (const char *)auth.data))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		hdr = n;
	}
	if (body) {
		struct curl_slist *n;
		if ((rc = et_buf_printf(&ctype, "Content-Type: %s",
					content_type ? content_type : "application/octet-stream")))
			goto out;
		if (!(n = curl_slist_append(hdr, (const char *)ctype.data))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		hdr = n;
		/* no "Expect: 100-continue" round trip */
		if (!(n = curl_slist_append(hdr, "Expect:"))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		hdr = n;
	}
	curl_easy_setopt(c, CURLOPT_URL, (const char *)url.data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ET_HTTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, ET_HTTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "etender/0.1");
	if (hdr)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		if (r->over_cap || cc == CURLE_FILESIZE_EXCEEDED)
			rc = ET_ELIMIT;
		else if (cc == CURLE_OPERATION_TIMEDOUT)
			rc = ET_ETIMEOUT;
		else
			rc = ET_EIO;
		client_fmt(r->error, sizeof r->error, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		client_fmt(r->content_type, sizeof r->content_type, "%s", ct);
	/* an empty body is still a valid empty string */
	if (!r->body.data)
		rc = et_buf_add(&r->body, "", 0);
out:
	if (auth.data)
		et_buf_free(&auth); /* wipes the token */
	et_buf_free(&url);
	et_buf_free(&ctype);
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	if (rc && rc != ET_EIO && rc != ET_ELIMIT && rc != ET_ETIMEOUT && !r->error[0])
		client_fmt(r->error, sizeof r->error, "%s", et_strerror(rc));
	if (rc)
		et_buf_free(&r->body);
	return rc;
}

int client_http_get(const char *base, const char *path, const char *token, size_t max,
		    struct client_http_resp *r)
{
	return client_http_request(base, path, token, NULL, 0, NULL, max, r);
}

/* A string member of o, or NULL. */
static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

void client_http_describe_error(const struct client_http_resp *r, char *out, size_t cap)
{
	const char *code = NULL, *zh = NULL, *en = NULL;
	json_t *root = NULL, *e;

	if (r->body.len && r->body.len <= ET_HTTP_MAX_ERROR_BODY)
		root = json_loadb((const char *)r->body.data, r->body.len, JSON_REJECT_DUPLICATES, NULL);
	if (root) {
		/* {"error":{"code","message_zh","message_en"}} or the same members
		 * at the top level; "zh"/"en"/"message" are accepted too. */
		e = json_is_object(json_object_get(root, "error")) ? json_object_get(root, "error") : root;
		code = jstr(e, "code");
		if (!code)
			code = jstr(root, "error");
		zh = jstr(e, "message_zh");
		if (!zh)
			zh = jstr(e, "zh");
		en = jstr(e, "message_en");
		if (!en)
			en = jstr(e, "en");
		if (!en)
			en = jstr(e, "message");
	}
	if (zh || en)
		client_fmt(out, cap, "HTTP %ld %s%s%s / %s", r->status, code ? code : "",
				code ? ": " : "", zh ? zh : "服务器错误", en ? en : "server error");
	else
		client_fmt(out, cap, "HTTP %ld 服务器拒绝了请求 / the server refused the request",
				r->status);
	json_decref(root);
}

int client_http_get_json(const char *base, const char *path, const char *token, size_t max,
			 json_t **out, char *err, size_t errcap)
{
	struct client_http_resp r;
	json_error_t je;
	int rc;

	*out = NULL;
	err[0] = 0;
	rc = client_http_get(base, path, token, max, &r);
	if (rc) {
		client_fmt(err, errcap, "GET %s: %s", path, r.error);
		return rc;
	}
	if (r.status != 200) {
		char d[1024];
		client_http_describe_error(&r, d, sizeof d);
		client_fmt(err, errcap, "GET %s: %s", path, d);
		rc = r.status == 404 ? ET_ENOTFOUND : r.status == 401 || r.status == 403 ? ET_EDENIED
										       : ET_EIO;
		goto out;
	}
	*out = json_loadb((const char *)r.body.data, r.body.len, JSON_REJECT_DUPLICATES, &je);
	if (!*out) {
		client_fmt(err, errcap, "GET %s: JSON 无效 / invalid JSON: %s (line %d)", path,
				je.text, je.line);
		rc = ET_EINVAL;
	}
out:
	client_http_resp_free(&r);
	return rc;
}
