/* tests/client/test_http.c — the client's HTTP layer (client/http.c) against
 * a small libmicrohttpd server in this process: bearer tokens, POST bodies,
 * body caps, no redirects, bad URLs, JSON parsing and the server's
 * bilingual JSON errors. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "client/client.h"

static struct MHD_Daemon *d;
static char base[64];

struct body {
	size_t len;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
			    const char *b, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)b, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (status == 302)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, "/ok");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_req(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *up, size_t *upsz,
			      void **con_cls)
{
	struct body *b = *con_cls;
	const char *auth;
	char msg[64];

	if (!b) {
		*con_cls = b = calloc(1, sizeof *b);
		return b ? MHD_YES : MHD_NO;
	}
	if (*upsz) {
		b->len += *upsz;
		*upsz = 0;
		return MHD_YES;
	}
	if (!strcmp(url, "/ok"))
		return reply(c, 200, "text/plain", "hello\n", 6);
	if (!strcmp(url, "/auth")) {
		auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
		if (auth && !strcmp(auth, "Bearer s3cret-token"))
			return reply(c, 200, "application/json", "{\"ok\":true}", 11);
		return reply(c, 401, "application/json",
			    "{\"error\":{\"code\":\"auth.required\",\"message_zh\":\"需要登录\","
			    "\"message_en\":\"login required\"}}",
			    strlen("{\"error\":{\"code\":\"auth.required\",\"message_zh\":\"需要登录\","
				   "\"message_en\":\"login required\"}}"));
	}
	if (!strcmp(url, "/flat"))
		return reply(c, 409, "application/json",
			    "{\"code\":\"tender.closed\",\"zh\":\"已截止\",\"en\":\"closed\"}",
			    strlen("{\"code\":\"tender.closed\",\"zh\":\"已截止\",\"en\":\"closed\"}"));
	if (!strcmp(url, "/plain-error"))
		return reply(c, 500, "text/html", "<h1>oops</h1>", 13);
	if (!strcmp(url, "/bad-json"))
		return reply(c, 200, "application/json", "{\"a\":", 5);
	if (!strcmp(url, "/dup-json"))
		return reply(c, 200, "application/json", "{\"a\":1,\"a\":2}", 13);
	if (!strcmp(url, "/redirect"))
		return reply(c, 302, "text/plain", "", 0);
	if (!strcmp(url, "/big")) {
		static char big[100000];
		memset(big, 'x', sizeof big);
		return reply(c, 200, "text/plain", big, sizeof big);
	}
	if (!strcmp(url, "/echo-len") && !strcmp(method, "POST")) {
		int n = snprintf(msg, sizeof msg, "%zu", b->len);
		if (n < 0 || n >= (int)sizeof msg)
			return MHD_NO;
		return reply(c, 200, "text/plain", msg, (size_t)n);
	}
	return reply(c, 404, "text/plain", "", 0);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	free(*con_cls);
	*con_cls = NULL;
}

static void setup(void)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_req, NULL,
			     MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
			     MHD_OPTION_END);
	ck_assert_ptr_nonnull(d);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_int_lt(snprintf(base, sizeof base, "http://127.0.0.1:%u/", (unsigned)info->port),
			 (int)sizeof base);
}

static void teardown(void)
{
	MHD_stop_daemon(d);
	client_http_cleanup();
}

START_TEST(get_post_token)
{
	struct client_http_resp r;
	static const char payload[] = "0123456789";

	/* a trailing '/' on the base is fine */
	ck_assert_int_eq(client_http_get(base, "/ok", NULL, 1024, &r), ET_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq((char *)r.body.data, "hello\n");
	ck_assert_str_eq(r.content_type, "text/plain");
	client_http_resp_free(&r);

	ck_assert_int_eq(client_http_get(base, "/auth", "s3cret-token", 1024, &r), ET_OK);
	ck_assert_int_eq(r.status, 200);
	client_http_resp_free(&r);
	ck_assert_int_eq(client_http_get(base, "/auth", "wrong", 1024, &r), ET_OK);
	ck_assert_int_eq(r.status, 401);
	client_http_resp_free(&r);

	ck_assert_int_eq(client_http_request(base, "/echo-len", NULL, payload, 10, "text/plain", 64, &r),
			 ET_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq((char *)r.body.data, "10");
	client_http_resp_free(&r);

	/* no redirect is followed */
	ck_assert_int_eq(client_http_get(base, "/redirect", NULL, 1024, &r), ET_OK);
	ck_assert_int_eq(r.status, 302);
	ck_assert_uint_eq(r.body.len, 0);
	ck_assert_ptr_nonnull(r.body.data);
	client_http_resp_free(&r);
}
END_TEST

START_TEST(caps_and_bad_urls)
{
	struct client_http_resp r;

	ck_assert_int_eq(client_http_get(base, "/big", NULL, 99999, &r), ET_ELIMIT);
	client_http_resp_free(&r);
	ck_assert_int_eq(client_http_get(base, "/big", NULL, 100000, &r), ET_OK);
	ck_assert_uint_eq(r.body.len, 100000);
	client_http_resp_free(&r);
	ck_assert_int_eq(client_http_get("ftp://127.0.0.1/", "/x", NULL, 10, &r), ET_EINVAL);
	client_http_resp_free(&r);
	ck_assert_int_eq(client_http_get("file:///etc/passwd", "", NULL, 10, &r), ET_EINVAL);
	client_http_resp_free(&r);
	ck_assert_int_eq(client_http_get("http://127.0.0.1:9", "/x", NULL, 10, &r), ET_EIO);
	ck_assert(r.error[0] != 0);
	client_http_resp_free(&r);
}
END_TEST

START_TEST(json_and_errors)
{
	struct client_http_resp r;
	json_t *j = NULL;
	char e[1024];

	ck_assert_int_eq(client_http_get_json(base, "/auth", "s3cret-token", 1024, &j, e, sizeof e),
			 ET_OK);
	ck_assert(json_is_true(json_object_get(j, "ok")));
	json_decref(j);

	ck_assert_int_eq(client_http_get_json(base, "/auth", NULL, 1024, &j, e, sizeof e), ET_EDENIED);
	ck_assert_ptr_null(j);
	ck_assert_msg(strstr(e, "HTTP 401 auth.required: 需要登录 / login required"), "%s", e);

	ck_assert_int_eq(client_http_get(base, "/flat", NULL, 1024, &r), ET_OK);
	client_http_describe_error(&r, e, sizeof e);
	ck_assert_str_eq(e, "HTTP 409 tender.closed: 已截止 / closed");
	client_http_resp_free(&r);

	ck_assert_int_eq(client_http_get_json(base, "/plain-error", NULL, 1024, &j, e, sizeof e), ET_EIO);
	ck_assert_msg(strstr(e, "HTTP 500 服务器拒绝了请求 / the server refused the request"), "%s", e);
	ck_assert_int_eq(client_http_get_json(base, "/nothing", NULL, 1024, &j, e, sizeof e),
			 ET_ENOTFOUND);
	ck_assert_int_eq(client_http_get_json(base, "/bad-json", NULL, 1024, &j, e, sizeof e), ET_EINVAL);
	ck_assert_msg(strstr(e, "JSON 无效 / invalid JSON"), "%s", e);
	ck_assert_int_eq(client_http_get_json(base, "/dup-json", NULL, 1024, &j, e, sizeof e), ET_EINVAL);
	ck_assert_int_eq(client_http_get_json(base, "/big", NULL, 1000, &j, e, sizeof e), ET_ELIMIT);
}
END_TEST

START_TEST(fmt_truncates_visibly)
{
	char s[8];

	client_fmt(s, sizeof s, "%s", "abc");
	ck_assert_str_eq(s, "abc");
	client_fmt(s, sizeof s, "%s", "abcdefghijkl");
	ck_assert_str_eq(s, "abcd...");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("client_http");
	TCase *tc = tcase_create("http");
	SRunner *sr;
	int nf;

	/* loopback only: no proxy from the environment */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, get_post_token);
	tcase_add_test(tc, caps_and_bad_urls);
	tcase_add_test(tc, json_and_errors);
	tcase_add_test(tc, fmt_truncates_visibly);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
