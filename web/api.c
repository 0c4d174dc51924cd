/* web/api.c — the JSON API under /api/: the route tables, path matching,
 * bearer-token authentication and body handling per route, and in test
 * builds the test-only controls (clock, a bare event). The domain routes
 * themselves are in routes.c. */
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

#ifdef ET_TEST_HOOKS
/* Parse the request body as a JSON object; on failure a 400 is in rep. */
static int body_object(struct web_req *r, json_t **out, struct web_reply *rep)
{
	json_error_t err;
	json_t *j;

	*out = NULL;
	j = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, "请求体须为 JSON 对象",
				"the body must be a JSON object");
		return ET_EINVAL;
	}
	*out = j;
	return ET_OK;
}

static int wrong_type(struct web_reply *rep, const char *field)
{
	char en[128], zh[128];

	if (snprintf(en, sizeof en, "field \"%.40s\" is missing or has the wrong type", field) <= 0 ||
	    snprintf(zh, sizeof zh, "字段 \"%.40s\" 缺失或类型错误", field) <= 0) {
		en[0] = 0;
		zh[0] = 0;
	}
	web_reply_error(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, NULL, zh, en);
	return ET_EINVAL;
}

/* POST /api/test/clock {"now_us": N} fixes the clock (0: the system clock
 * again), {"advance_us": N} moves it; answers {"now_us": now}. */
static int test_clock(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL, *v;
	int rc;

	if ((rc = body_object(r, &j, rep)))
		return rc;
	if ((v = json_object_get(j, "now_us"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			rc = wrong_type(rep, "now_us");
			goto out;
		}
		et_clock_set_test(json_integer_value(v));
	} else if ((v = json_object_get(j, "advance_us"))) {
		if (!json_is_integer(v)) {
			rc = wrong_type(rep, "advance_us");
			goto out;
		}
		et_clock_advance_test(json_integer_value(v));
	} else {
		rc = wrong_type(rep, "now_us");
		goto out;
	}
#ifdef WEB_DOMAIN
	/* the closer re-checks the deadlines against the new time at once */
	web_closer_kick(r->data);
#endif
	rc = web_reply_json(rep, MHD_HTTP_OK,
			    json_pack("{s:I}", "now_us", (json_int_t)et_clock_now_us()));
out:
	json_decref(j);
	return rc;
}

struct test_event {
	const char *text;
	size_t len;
};

static int emit_test_event(struct audit_tx *tx, void *ctx)
{
	struct test_event *t = ctx;
	struct audit_event ev = { "test.noted", 1, 0, "test", "", (const unsigned char *)t->text,
				  t->len, false };

	return audit_tx_emit(tx, &ev, NULL);
}

/* POST /api/test/event {"text": "…"}: one "test.noted" event (test builds
 * only); answers {"index": i, "size": checkpoint size}. */
static int test_event(struct web_req *r, struct web_reply *rep)
{
	json_t *j = NULL, *v;
	struct test_event t;
	struct audit_result res;
	int rc;

	if ((rc = body_object(r, &j, rep)))
		return rc;
	v = json_object_get(j, "text");
	if (!json_is_string(v)) {
		rc = wrong_type(rep, "text");
		goto out;
	}
	t.text = json_string_value(v);
	t.len = json_string_length(v);
	if ((rc = audit_ledger_submit(r->data->ledger, emit_test_event, &t, &res)))
		goto out;
	rc = web_reply_json(rep, MHD_HTTP_OK,
			    json_pack("{s:I,s:I}", "index", (json_int_t)res.first, "size",
				      (json_int_t)res.checkpoint_size));
out:
	json_decref(j);
	return rc;
}
#endif

static const struct web_route test_routes[] = {
#ifdef ET_TEST_HOOKS
	{ "POST", "/api/test/clock", WEB_BODY_BUFFER, ET_WEB_JSON_MAX_BODY, WEB_AUTH_NONE, test_clock },
	{ "POST", "/api/test/event", WEB_BODY_BUFFER, ET_WEB_JSON_MAX_BODY, WEB_AUTH_NONE, test_event },
#ifdef WEB_DOMAIN
	{ "POST", "/api/test/submit-delay", WEB_BODY_BUFFER, ET_WEB_JSON_MAX_BODY, WEB_AUTH_NONE,
	  web_test_submit_delay },
	{ "GET", "/api/test/inflight", WEB_BODY_NONE, 0, WEB_AUTH_NONE, web_test_inflight },
#endif
#endif
	{ NULL, NULL, WEB_BODY_NONE, 0, WEB_AUTH_NONE, NULL },
};

#ifdef WEB_DOMAIN
static const struct web_route *const tables[] = { test_routes, web_domain_routes,
						   web_evaluation_routes, web_upload_routes };
#else
static const struct web_route *const tables[] = { test_routes };
#endif

/* Match path against pattern ("*" matches one non-empty segment, stored in
 * params). Returns true on a match. */
static bool match(const char *pattern, const char *path, struct web_req *r)
{
	unsigned np = 0;

	while (*pattern && *path) {
		if (*pattern == '*') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);

			if (!n || np >= sizeof r->params / sizeof r->params[0])
				return false;
			r->params[np++] = path;
			pattern++;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return !*pattern && !*path;
}

static const struct web_route *find(struct web_req *r, bool *path_known)
{
	*path_known = false;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct web_route *rt = tables[t]; rt->path; rt++) {
			if (!match(rt->path, r->path, r))
				continue;
			*path_known = true;
			if (!strcmp(rt->method, r->method) ||
			    (!strcmp(r->method, "HEAD") && !strcmp(rt->method, "GET")))
				return rt;
		}
	return NULL;
}

enum web_body_kind web_api_body(struct web_req *r, uint64_t *cap, int *rc)
{
	bool known;
	const struct web_route *rt = find(r, &known);

	*cap = rt ? rt->cap : 0;
	*rc = rt ? ET_OK : known ? WEB_EMETHOD : ET_ENOTFOUND;
	return rt ? rt->body : WEB_BODY_NONE;
}

/* Bearer token -> r->who. ET_OK, or WEB_EAUTH with a 401 in rep. */
static int authenticate(struct web_req *r, const struct web_route *rt, struct web_reply *rep)
{
	const char *h = web_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	int rc;

	r->authed = false;
	if (rt->auth == WEB_AUTH_NONE)
		return ET_OK;
	if (!h || strncmp(h, "Bearer ", 7)) {
		if (rt->auth == WEB_AUTH_OPTIONAL && !h)
			return ET_OK;
		web_reply_error(rep, MHD_HTTP_UNAUTHORIZED, WEB_EAUTH, "et.auth.token",
				"需要登录（Authorization: Bearer 令牌）",
				"login required (Authorization: Bearer token)");
		return WEB_EAUTH;
	}
	r->token = h + 7;
#ifdef WEB_DOMAIN
	rc = tender_token_verify(r->data->ledger, r->data->priv, r->token, &r->who);
#else
	rc = ET_EDENIED;
#endif
	if (rc == ET_EDENIED || rc == ET_ENOTFOUND) {
		web_reply_error(rep, MHD_HTTP_UNAUTHORIZED, WEB_EAUTH, "et.auth.token",
				"令牌无效或已过期", "token invalid or expired");
		return WEB_EAUTH;
	}
	if (rc)
		return rc;
	r->authed = true;
	return ET_OK;
}

int web_api_route(struct web_req *r, struct web_reply *rep)
{
	bool known;
	const struct web_route *rt = find(r, &known);
	int rc;

	if (!rt) {
		if (!known)
			return ET_ENOTFOUND;
		web_reply_error(rep, 0, WEB_EMETHOD, NULL, NULL, NULL);
		return WEB_EMETHOD;
	}
	/* A streaming route authenticated when its body began. */
	if (rt->body != WEB_BODY_STREAM && rt->body != WEB_BODY_STREAM_UNCAPPED &&
	    (rc = authenticate(r, rt, rep)))
		return rc;
	rc = rt->fn(r, rep);
	/* A refusal without its own message (e.g. an unknown tender): the
	 * generic one of its code, so that it is not taken for a missing route. */
	if (rc && !rep->resp)
		web_reply_error(rep, 0, rc, NULL, NULL, NULL);
	return rc;
}

int web_api_stream_begin(struct web_req *r, struct web_reply *rep)
{
	bool known;
	const struct web_route *rt = find(r, &known);
	int rc;

	if (!rt)
		return ET_ENOTFOUND;
	if ((rc = authenticate(r, rt, rep)))
		return rc;
#ifdef WEB_DOMAIN
	r->stream_session = !strcmp(rt->method, "PATCH");
	if (r->stream_session)
		return web_upload_stream_begin(r, rep);
	return web_routes_stream_begin(r, rep);
#else
	return ET_ENOTFOUND;
#endif
}

int web_api_stream_data(struct web_req *r, const char *p, size_t n, struct web_reply *rep)
{
#ifdef WEB_DOMAIN
	if (r->stream_session)
		return web_upload_stream_data(r, p, n, rep);
	return web_routes_stream_data(r, p, n, rep);
#else
	(void)r;
	(void)p;
	(void)n;
	(void)rep;
	return ET_ENOTFOUND;
#endif
}

void web_api_stream_abort(struct web_req *r)
{
#ifdef WEB_DOMAIN
	if (r->stream_session)
		web_upload_stream_abort(r);
	else
		web_routes_stream_abort(r);
#else
	r->stream = NULL;
#endif
}
