/* web/server.c — the HTTP side of etenderd on libmicrohttpd: one thread per
 * connection (a command waits for its group commit without stalling other
 * clients), bodies capped per route (core/limits.h) or streamed to the
 * route, JSON errors with a stable code, routing to /log/ and /api/.
 *
 * Per request: headers in -> body taken (buffered up to its cap, or handed
 * to the route's stream) -> route answers once the body is complete; a body
 * over its cap is refused with 413 without reading the rest into memory. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "web/web_int.h"

struct web_server {
	struct MHD_Daemon *mhd;
	struct web_data *data;
	struct web_witness *witness;
	char *cert, *key;
	uint16_t port;
};

/* State of one request, from its headers to its completion. */
struct request {
	struct web_req r;
	struct et_buf body;
	enum web_body_kind kind;
	bool failed;                    /* an answer is already decided */
	struct web_reply early;
};

/* ---- answers ------------------------------------------------------------- */

static const char *const code_names[ET_RESULT_COUNT] = {
	[ET_OK] = "OK", [ET_EINVAL] = "EINVAL", [ET_ENOMEM] = "ENOMEM", [ET_EIO] = "EIO",
	[ET_ECRYPTO] = "ECRYPTO", [ET_EDB] = "EDB", [ET_EDENIED] = "EDENIED",
	[ET_ESTATE] = "ESTATE", [ET_ENOTFOUND] = "ENOTFOUND", [ET_EEXIST] = "EEXIST",
	[ET_ELIMIT] = "ELIMIT", [ET_EVERIFY] = "EVERIFY", [ET_ENOMATCH] = "ENOMATCH",
	[ET_EHEADER] = "EHEADER", [ET_EHMAC] = "EHMAC", [ET_EPAYLOAD] = "EPAYLOAD",
	[ET_EARMOR] = "EARMOR", [ET_ESEALER] = "ESEALER", [ET_EKEY] = "EKEY",
	[ET_ECONFLICT] = "ECONFLICT", [ET_ETIMEOUT] = "ETIMEOUT",
};

const char *web_code_name(int rc)
{
	if (rc == WEB_EAUTH)
		return "EAUTH";
	if (rc == WEB_EMETHOD)
		return "EMETHOD";
	return rc >= 0 && rc < ET_RESULT_COUNT && code_names[rc] ? code_names[rc] : "EINTERNAL";
}

unsigned web_status_of(int rc)
{
	switch (rc) {
	case ET_OK: return MHD_HTTP_OK;
	case WEB_EAUTH: return MHD_HTTP_UNAUTHORIZED;
	case WEB_EMETHOD: return MHD_HTTP_METHOD_NOT_ALLOWED;
	case ET_EINVAL: case ET_EVERIFY: case ET_EKEY: case ET_EHEADER: case ET_EHMAC:
	case ET_EPAYLOAD: case ET_EARMOR: case ET_ESEALER: case ET_ENOMATCH:
		return MHD_HTTP_BAD_REQUEST;
	case ET_ELIMIT: return MHD_HTTP_CONTENT_TOO_LARGE;
	case ET_EDENIED: return MHD_HTTP_FORBIDDEN;
	case ET_ENOTFOUND: return MHD_HTTP_NOT_FOUND;
	case ET_ESTATE: case ET_ECONFLICT: case ET_EEXIST: case ET_ETIMEOUT:
		return MHD_HTTP_CONFLICT;
	case ET_ENOMEM: return MHD_HTTP_SERVICE_UNAVAILABLE;
	default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

static void add_common_headers(struct MHD_Response *resp, const char *ctype)
{
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	(void)MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

int web_reply_text(struct web_reply *rep, unsigned status, const char *ctype, const char *text,
		   size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return et_fail(ET_ENOMEM);
	add_common_headers(resp, ctype);
	if (rep->resp)
		MHD_destroy_response(rep->resp);
	rep->resp = resp;
	rep->status = status;
	return ET_OK;
}

int web_reply_json(struct web_reply *rep, unsigned status, json_t *j)
{
	char *text;
	int rc;

	if (!j)
		return et_fail(ET_ENOMEM);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return et_fail(ET_ENOMEM);
	rc = web_reply_text(rep, status, "application/json; charset=utf-8", text, strlen(text));
	free(text);
	return rc;
}

void web_reply_error(struct web_reply *rep, unsigned status, int rc, const char *rule,
		     const char *zh, const char *en)
{
	json_t *e;

	if (!zh)
		zh = rc == WEB_EAUTH ? "需要登录或令牌无效" : rc == WEB_EMETHOD ? "不支持的请求方法"
								       : et_strerror_zh(rc);
	if (!en)
		en = rc == WEB_EAUTH ? "login required or token invalid"
				     : rc == WEB_EMETHOD ? "method not allowed" : et_strerror(rc);
	e = json_pack("{s:{s:s,s:s?,s:s,s:s}}", "error", "code", web_code_name(rc), "rule",
		      rule && *rule ? rule : NULL, "message_zh", zh, "message_en", en);
	if (!e || json_object_size(json_object_get(e, "error")) == 0) {
		json_decref(e);
		e = NULL;
	}
	if (web_reply_json(rep, status ? status : web_status_of(rc), e)) {
		if (rep->resp)
			MHD_destroy_response(rep->resp);
		rep->resp = NULL;
		rep->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* ---- requests ------------------------------------------------------------ */

const char *web_query(const struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int web_query_u64(const struct web_req *r, const char *name, uint64_t *out, struct web_reply *rep)
{
	const char *v = web_query(r, name);
	char en[160], zh[160];

	if (v && et_parse_u64(v, strlen(v), out) == ET_OK && *out <= INT64_MAX)
		return ET_OK;
	if (snprintf(en, sizeof en, "query argument %.40s: a decimal number is required", name) <= 0 ||
	    snprintf(zh, sizeof zh, "查询参数 %.40s 须为十进制数", name) <= 0) {
		en[0] = 0;
		zh[0] = 0;
	}
	web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, zh, en);
	return ET_EINVAL;
}

const char *web_header(const struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static void route(struct request *q, struct web_reply *rep)
{
	struct web_req *r = &q->r;
	int rc;

	if (!strncmp(r->path, "/log/", 5))
		rc = web_log_route(r, rep);
	else if (!strncmp(r->path, "/api/", 5))
		rc = web_api_route(r, rep);
	else
		rc = ET_ENOTFOUND;
	if (rc == ET_ENOTFOUND && !rep->resp)
		web_reply_error(rep, MHD_HTTP_NOT_FOUND, ET_ENOTFOUND, NULL, "没有这个接口",
				"no such endpoint");
	else if (rc && !rep->resp)
		web_reply_error(rep, 0, rc, NULL, NULL, NULL);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct web_reply *rep)
{
	enum MHD_Result res;

	if (!rep->resp)
		return MHD_NO;
	res = MHD_queue_response(c, rep->status, rep->resp);
	MHD_destroy_response(rep->resp);
	rep->resp = NULL;
	return res;
}

/* Headers are in: decide how the body is taken; refuse early (q->failed,
 * q->early) an unknown route, a wrong method or a body over its cap. */
static void begin(struct web_server *s, struct request *q, struct MHD_Connection *conn,
		  const char *url, const char *method)
{
	const char *cl;
	uint64_t clen, cap = 0;

	q->r.conn = conn;
	q->r.method = method;
	q->r.path = url;
	q->r.data = s->data;
	q->r.witness = s->witness;
	q->kind = WEB_BODY_NONE;
	if (strlen(url) > ET_WEB_URL_MAX) {
		q->failed = true;
		web_reply_error(&q->early, MHD_HTTP_URI_TOO_LONG, ET_ELIMIT, NULL, NULL, NULL);
		return;
	}
	if (!strncmp(url, "/api/", 5)) {
		int rc = ET_OK;

		q->kind = web_api_body(&q->r, &cap, &rc);
		if (rc) {
			/* Unknown path or method: answer before any body is read. */
			q->failed = true;
			web_reply_error(&q->early, 0, rc, NULL,
					rc == ET_ENOTFOUND ? "没有这个接口" : NULL,
					rc == ET_ENOTFOUND ? "no such endpoint" : NULL);
			return;
		}
	} else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		q->failed = true;
		if (!strncmp(url, "/log/", 5))
			web_reply_error(&q->early, 0, WEB_EMETHOD, NULL, NULL, NULL);
		else
			web_reply_error(&q->early, MHD_HTTP_NOT_FOUND, ET_ENOTFOUND, NULL,
					"没有这个接口", "no such endpoint");
		return;
	}
	et_buf_init(&q->body, q->kind == WEB_BODY_BUFFER ? (size_t)cap : 0);
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && et_parse_u64(cl, strlen(cl), &clen) == ET_OK && clen > cap &&
	    q->kind != WEB_BODY_STREAM_UNCAPPED) {
		q->failed = true;
		web_reply_error(&q->early, MHD_HTTP_CONTENT_TOO_LARGE, ET_ELIMIT, NULL,
				q->kind == WEB_BODY_NONE ? "此接口不接受请求体" : "请求体过大",
				q->kind == WEB_BODY_NONE ? "this endpoint takes no body"
							 : "request body too large");
		return;
	}
	if (q->kind == WEB_BODY_STREAM || q->kind == WEB_BODY_STREAM_UNCAPPED) {
		int rc = web_api_stream_begin(&q->r, &q->early);

		if (rc) {
			q->failed = true;
			if (!q->early.resp)
				web_reply_error(&q->early, 0, rc, NULL, NULL, NULL);
		}
	}
}

/* A chunk of the body. */
static void take(struct request *q, const char *upload, size_t n)
{
	if (q->kind == WEB_BODY_STREAM || q->kind == WEB_BODY_STREAM_UNCAPPED) {
		int rc = web_api_stream_data(&q->r, upload, n, &q->early);

		if (rc) {
			q->failed = true;
			if (!q->early.resp)
				web_reply_error(&q->early, 0, rc, NULL, NULL, NULL);
		}
		return;
	}
	if (q->kind == WEB_BODY_NONE || et_buf_add(&q->body, upload, n)) {
		q->failed = true;
		web_reply_error(&q->early, MHD_HTTP_CONTENT_TOO_LARGE, ET_ELIMIT, NULL,
				q->kind == WEB_BODY_NONE ? "此接口不接受请求体" : "请求体过大",
				q->kind == WEB_BODY_NONE ? "this endpoint takes no body"
							 : "request body too large");
	}
}

/* libmicrohttpd's access handler: called once with the headers, once per
 * chunk of body, and once at the end. A refusal decided from the headers is
 * queued at once (the body is not read: libmicrohttpd closes the
 * connection); one decided in the body (a chunked body past its cap) is
 * answered at its end, the rest of the body discarded unread into memory. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct web_server *s = cls;
	struct request *q = *con_cls;
	struct web_reply rep = { 0, NULL };

	(void)version;
	if (!q) {
		if (!(q = calloc(1, sizeof *q)))
			return MHD_NO;
		*con_cls = q;
		begin(s, q, conn, url, method);
		return q->failed ? queue(conn, &q->early) : MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (q->failed)
			return MHD_YES;
		/* libmicrohttpd takes no response in the middle of a body: a
		 * refusal here is answered at its end, the rest discarded. */
		take(q, upload, n);
		return MHD_YES;
	}
	if (q->failed)
		return q->early.resp ? queue(conn, &q->early) : MHD_YES;
	if (q->kind == WEB_BODY_BUFFER) {
		q->r.body = q->body.data ? q->body.data : (const unsigned char *)"";
		q->r.body_len = q->body.len;
	}
	route(q, &rep);
	return queue(conn, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *q = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!q)
		return;
	if (q->r.stream)
		web_api_stream_abort(&q->r);
	if (q->early.resp)
		MHD_destroy_response(q->early.resp);
	et_buf_free(&q->body);
	free(q);
	*con_cls = NULL;
}

/* ---- start / stop -------------------------------------------------------- */

/* "HOST:PORT", "[V6]:PORT"; numeric hosts or names (resolved once). */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[256];
	const char *colon, *h = listen;
	size_t hl;
	uint64_t port;
	struct addrinfo hints, *ai = NULL;

	colon = strrchr(listen, ':');
	if (!colon)
		return ET_EINVAL;
	hl = (size_t)(colon - listen);
	if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
		h = listen + 1;
		hl -= 2;
	}
	if (!hl || hl >= sizeof host ||
	    et_parse_u64(colon + 1, strlen(colon + 1), &port) || port > 65535)
		return ET_EINVAL;
	memcpy(host, h, hl);
	host[hl] = 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(host, NULL, &hints, &ai) || !ai)
		return ET_EINVAL;
	if (ai->ai_addrlen > sizeof *ss) {
		freeaddrinfo(ai);
		return ET_EINVAL;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	return ET_OK;
}

int web_server_start(struct web_data *d, struct web_witness *w, const struct web_serve_opts *o,
		     struct web_server **out)
{
	struct web_server *s = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	size_t len;
	int rc;

	*out = NULL;
	if (!o->listen || (!o->tls_cert != !o->tls_key))
		return ET_EINVAL;
	if ((rc = parse_listen(o->listen, &ss, &sslen)))
		return rc;
	if (!(s = calloc(1, sizeof *s)))
		return et_fail(ET_ENOMEM);
	s->data = d;
	s->witness = w;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (o->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			et_log(ET_LOG_ERROR, "libmicrohttpd has no TLS: use a reverse proxy (docs/api.md)");
			rc = ET_EINVAL;
			goto out;
		}
		if ((rc = et_read_file(o->tls_cert, 1u << 20, (unsigned char **)&s->cert, &len)) ||
		    (rc = et_read_file(o->tls_key, 1u << 20, (unsigned char **)&s->key, &len)))
			goto out;
		if (!s->cert || !s->key) {
			rc = ET_EINVAL;
			goto out;
		}
		flags |= MHD_USE_TLS;
	}
	if (o->tls_cert)
		s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
					  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
					  MHD_OPTION_CONNECTION_LIMIT, (unsigned)ET_WEB_MAX_CONNECTIONS,
					  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ET_WEB_CONN_TIMEOUT_S,
					  MHD_OPTION_HTTPS_MEM_CERT, s->cert,
					  MHD_OPTION_HTTPS_MEM_KEY, s->key, MHD_OPTION_END);
	else
		s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
					  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
					  MHD_OPTION_CONNECTION_LIMIT, (unsigned)ET_WEB_MAX_CONNECTIONS,
					  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ET_WEB_CONN_TIMEOUT_S,
					  MHD_OPTION_END);
	if (!s->mhd) {
		et_log(ET_LOG_ERROR, "cannot listen on %s", o->listen);
		rc = ET_EIO;
		goto out;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	*out = s;
	s = NULL;
	rc = ET_OK;
out:
	web_server_stop(s);
	return rc;
}

uint16_t web_server_port(const struct web_server *s)
{
	return s->port;
}

void web_server_stop(struct web_server *s)
{
	if (!s)
		return;
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	if (s->key)
		et_wipe(s->key, strlen(s->key));
	free(s->key);
	free(s->cert);
	free(s);
}
