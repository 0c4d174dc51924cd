/* tests/web/test_web_evaluation.c — the evaluation routes of the real
 * etenderd over HTTP, as far as HTTP reaches today (the close and the
 * opening have no routes yet, so the draw and the panel are tested at the
 * domain level in tests/evaluation): the expert pool — one expert, a CSV
 * import refused whole with its line and then accepted, the list without
 * personal data, relations declared by the expert itself, status and
 * penalties by the administrator — every refusal a JSON error with its
 * status and rule that leaves the log unchanged; the draw and result
 * queries of a tender without a draw; then `etenderd verify` replays the
 * log with the evaluation module and compares. */
#include "tests/web/harness.h"

#include "tender/tender.h"

#define T0 (1796083200LL * 1000000)  /* 2026-12-01T00:00:00Z */
#define DAY (24LL * 3600 * 1000000)
#define PW "correct horse battery"

enum { U_ADMIN, U_AGENT1, U_B1, U_SUPER, U_E0, U_E1, U_E2, U_COUNT };
enum { O_CENTER, O_TENDERER, O_AGENT, O_B1, O_SUPER, O_COUNT };

struct user {
	char id[TENDER_ID_LEN];
	char token[TENDER_TOKEN_LEN];
};

struct world {
	struct srv s;
	char org[O_COUNT][TENDER_ID_LEN];
	struct user u[U_COUNT];
	char admin_pw[128];
};

static void api(struct world *w, int who, const char *method, const char *path, const void *body,
		size_t len, struct http *h)
{
	char auth[160];
	const char *hdr[2] = { auth, NULL };

	FMT(auth, "Authorization: Bearer %s", who >= 0 ? w->u[who].token : "");
	http_do(&w->s, method, path, body, body ? len : 0, who >= 0 ? hdr : NULL, h);
}

static json_t *api_ok(struct world *w, int who, const char *method, const char *path,
		      const char *body)
{
	struct http h;
	json_t *j;

	api(w, who, method, path, body, body ? strlen(body) : 0, &h);
	ck_assert_msg(h.status == 200, "%s %s: %ld %s", method, path, h.status, h.body);
	j = http_json(&h);
	http_free(&h);
	return j;
}

static uint64_t log_size(struct world *w)
{
	struct http h;
	const char *nl;
	uint64_t n;

	http_do(&w->s, "GET", "/log/checkpoint", NULL, 0, NULL, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_nonnull(nl = strchr(h.body, '\n'));
	n = strtoull(nl + 1, NULL, 10);
	http_free(&h);
	return n;
}

static void api_refused(struct world *w, int who, const char *method, const char *path,
			const char *body, long status, const char *code, const char *rule)
{
	struct http h;
	uint64_t before = log_size(w);
	json_t *j, *e;

	api(w, who, method, path, body, body ? strlen(body) : 0, &h);
	if (h.status != status)
		ck_abort_msg("%s %s: %ld (wanted %ld) %s", method, path, h.status, status, h.body);
	expect_error(&h, status, code);
	if (rule) {
		j = http_json(&h);
		e = json_object_get(json_object_get(j, "error"), "rule");
		ck_assert_msg(json_is_string(e) && !strcmp(json_string_value(e), rule),
			      "%s %s: rule %s, wanted %s", method, path, h.body, rule);
		json_decref(j);
	}
	http_free(&h);
	ck_assert_uint_eq(log_size(w), before);
}

static void login(struct world *w, int u, const char *login_name, const char *pw)
{
	char body[256];
	json_t *j;

	FMT(body, "{\"login\":\"%s\",\"password\":\"%s\"}", login_name, pw);
	j = api_ok(w, -1, "POST", "/api/login", body);
	FMT(w->u[u].token, "%s", json_string_value(json_object_get(j, "token")));
	FMT(w->u[u].id, "%s", json_string_value(json_object_get(json_object_get(j, "principal"), "user")));
	json_decref(j);
}

static void admin_password(struct world *w)
{
	char path[400], line[512];
	FILE *f;

	FMT(path, "%s/init.out", w->s.dir);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	w->admin_pw[0] = 0;
	while (fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "one-time password: ");
		if (p) {
			p += strlen("one-time password: ");
			FMT(w->admin_pw, "%.*s", (int)strcspn(p, "\n"), p);
		}
	}
	fclose(f);
	ck_assert(w->admin_pw[0]);
}

static void add_org(struct world *w, int o, const char *kind, const char *name)
{
	char body[512];
	json_t *j;

	FMT(body, "{\"kind\":\"%s\",\"legal_name\":\"%s\",\"credit_code\":\"91330100MA0000000%d\","
		  "\"address\":\"江城市某路%d号\",\"phone\":\"0571-%d\"}", kind, name, o, o, o);
	j = api_ok(w, U_ADMIN, "POST", "/api/orgs", body);
	FMT(w->org[o], "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
}

static void add_user(struct world *w, int u, int o, const char *role, const char *login_name)
{
	char body[640];

	FMT(body, "{\"org\":\"%s\",\"roles\":[\"%s\"],\"login\":\"%s\",\"password\":\"" PW "\","
		  "\"name\":\"用户%d\",\"phone\":\"1370000%04d\",\"id_number\":\"3301001990010100%02d\"}",
		  w->org[o], role, login_name, u, u, u);
	json_decref(api_ok(w, U_ADMIN, "POST", "/api/users", body));
	login(w, u, login_name, PW);
}

START_TEST(test_evaluation_routes)
{
	struct world *w = calloc(1, sizeof *w);
	char body[2048], path[256], e0[TENDER_ID_LEN], e1[TENDER_ID_LEN] = "";
	json_t *j, *a;
	struct http h;

	ck_assert_ptr_nonnull(w);
	no_proxies();
	srv_init(&w->s);
	admin_password(w);
	srv_start(&w->s, NULL);
	FMT(body, "{\"now_us\":%lld}", (long long)T0);
	json_decref(api_ok(w, -1, "POST", "/api/test/clock", body));
	login(w, U_ADMIN, "admin", w->admin_pw);
	j = api_ok(w, U_ADMIN, "GET", "/api/me", NULL);
	FMT(w->org[O_CENTER], "%s", json_string_value(json_object_get(json_object_get(j, "principal"),
								      "org")));
	json_decref(j);
	add_org(w, O_TENDERER, "tenderer", "江城市第一中学");
	add_org(w, O_AGENT, "agent", "江城招标代理有限公司");
	add_org(w, O_B1, "bidder", "江城建工集团有限公司");
	add_org(w, O_SUPER, "supervisor", "江城市住房和城乡建设局");
	add_user(w, U_AGENT1, O_AGENT, "agent", "agent1");
	add_user(w, U_B1, O_B1, "bidder", "bidder1");
	add_user(w, U_SUPER, O_SUPER, "supervisor", "super");
	add_user(w, U_E0, O_CENTER, "expert", "expert0");
	add_user(w, U_E1, O_CENTER, "expert", "expert1");
	add_user(w, U_E2, O_CENTER, "expert", "expert2");

	/* one expert; an agent may not; a bad field is named */
	FMT(body, "{\"user\":\"%s\",\"specialties\":\"civil;cost\",\"region\":\"330100\","
		  "\"title\":\"高级工程师\",\"years\":12,\"name\":\"专家甲\",\"phone\":\"13900000001\","
		  "\"id_number\":\"330100197001010001\"}", w->u[U_E0].id);
	api_refused(w, U_AGENT1, "POST", "/api/experts", body, 403, "EDENIED", "et.auth.role");
	j = api_ok(w, U_ADMIN, "POST", "/api/experts", body);
	FMT(e0, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	ck_assert_int_eq(strncmp(e0, "exp-", 4), 0);
	api_refused(w, U_ADMIN, "POST", "/api/experts", body, 409, "EEXIST", "et.expert.exists");
	api_refused(w, U_ADMIN, "POST", "/api/experts", "{\"user\":1}", 400, "EINVAL", NULL);

	/* the CSV file: line 3 is bad, nothing is imported; then all of it */
	FMT(body, "user,name,phone,id_number,specialties,employer,region,title,years\n"
		  "%s,专家乙,,,civil,,330100,工程师,5\n%s,专家丙,,,Civil,,330100,工程师,6\n",
		  w->u[U_E1].id, w->u[U_E2].id);
	api_refused(w, U_ADMIN, "POST", "/api/experts/import", body, 400, "EINVAL", "et.expert.field");
	api(w, U_ADMIN, "POST", "/api/experts/import", body, strlen(body), &h);
	ck_assert_ptr_nonnull(strstr(h.body, "line 3"));
	http_free(&h);
	FMT(body, "user,name,phone,id_number,specialties,employer,region,title,years\n"
		  "%s,专家乙,,,civil,,330100,工程师,5\n%s,专家丙,,,civil,%s,330100,工程师,6\n",
		  w->u[U_E1].id, w->u[U_E2].id, w->org[O_B1]);
	api_refused(w, U_SUPER, "POST", "/api/experts/import", body, 403, "EDENIED", "et.auth.role");
	j = api_ok(w, U_ADMIN, "POST", "/api/experts/import", body);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "imported")), 2);
	json_decref(j);

	/* the pool: administrators and supervisors, without personal data */
	api(w, U_SUPER, "GET", "/api/experts", NULL, 0, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_null(strstr(h.body, "专家乙"));
	ck_assert_ptr_null(strstr(h.body, "330100197001010001"));
	j = http_json(&h);
	http_free(&h);
	a = json_object_get(j, "experts");
	ck_assert_uint_eq(json_array_size(a), 3);
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(a, i), "user")), w->u[U_E1].id))
			FMT(e1, "%s", json_string_value(json_object_get(json_array_get(a, i), "id")));
	json_decref(j);
	ck_assert(e1[0]);
	api_refused(w, U_B1, "GET", "/api/experts", NULL, 403, "EDENIED", NULL);

	/* relations: the expert itself, not another; status and penalty: the administrator */
	FMT(path, "/api/experts/%s/relations", e1);
	FMT(body, "{\"org\":\"%s\",\"kind\":\"near_relative\"}", w->org[O_B1]);
	api_refused(w, U_E0, "POST", path, body, 403, "EDENIED", "et.auth.role");
	json_decref(api_ok(w, U_E1, "POST", path, body));
	api_refused(w, U_E1, "POST", path, "{\"org\":\"org-x\",\"kind\":\"cousin\"}", 400, "EINVAL",
		    "et.relation.kind");
	FMT(path, "/api/experts/%s/status", e0);
	api_refused(w, U_ADMIN, "POST", path, "{\"status\":\"retired\",\"reason\":\"x\"}", 400, "EINVAL",
		    "et.expert.field");
	json_decref(api_ok(w, U_ADMIN, "POST", path, "{\"status\":\"suspended\",\"reason\":\"暂停\"}"));
	FMT(path, "/api/experts/%s/penalties", e0);
	FMT(body, "{\"basis\":\"江建专罚〔2026〕1号\",\"from_us\":%lld,\"until_us\":%lld}", (long long)T0,
	    (long long)(T0 + 365 * DAY));
	api_refused(w, U_SUPER, "POST", path, body, 403, "EDENIED", "et.auth.role");
	json_decref(api_ok(w, U_ADMIN, "POST", path, body));
	j = api_ok(w, U_ADMIN, "GET", "/api/experts", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "relations")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "penalties")), 1);
	json_decref(j);

	/* a tender without a draw: no draw, an empty result; no draw can be asked */
	api_refused(w, -1, "GET", "/api/tenders/E3301002026000001/draw", NULL, 404, "ENOTFOUND", NULL);
	api_refused(w, U_AGENT1, "POST", "/api/tenders/E3301002026000001/draw",
		    "{\"members\":5,\"reserves\":1,\"deadline_us\":1,\"duty_chief\":\"usr-x\","
		    "\"quotas\":[{\"specialty\":\"civil\",\"count\":4}]}", 404, "ENOTFOUND", NULL);
	api_refused(w, U_B1, "POST", "/api/tenders/E3301002026000001/draw",
		    "{\"members\":5,\"reserves\":1,\"deadline_us\":1,\"duty_chief\":\"usr-x\","
		    "\"quotas\":[{\"specialty\":\"civil\",\"count\":4}]}", 403, "EDENIED", "et.auth.role");
	api_refused(w, U_E1, "POST", "/api/tenders/E3301002026000001/sheets",
		    "{\"lot\":\"1\",\"bid\":\"bid-x\",\"criteria\":[{\"criterion\":\"t\",\"points\":1}],"
		    "\"sig\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"}",
		    403, "EDENIED", "et.panel.member");
	/* changing the representative: agents only, the fields named; the
	 * seats query: experts only, their own (none here) */
	api_refused(w, U_B1, "POST", "/api/tenders/E3301002026000001/panel/representative",
		    "{\"out\":\"usr-a\",\"in\":\"usr-b\",\"reason\":\"调岗\"}", 403, "EDENIED",
		    "et.auth.role");
	api_refused(w, U_AGENT1, "POST", "/api/tenders/E3301002026000001/panel/representative",
		    "{\"out\":\"usr-a\",\"in\":\"usr-b\",\"reason\":\"调岗\"}", 404, "ENOTFOUND", NULL);
	api_refused(w, U_AGENT1, "POST", "/api/tenders/E3301002026000001/panel/representative",
		    "{\"out\":\"usr-a\",\"reason\":\"调岗\"}", 400, "EINVAL", NULL);
	j = api_ok(w, U_E1, "GET", "/api/me/seats", NULL);
	ck_assert(json_is_array(json_object_get(j, "seats")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "seats")), 0);
	json_decref(j);
	api_refused(w, U_B1, "GET", "/api/me/seats", NULL, 403, "EDENIED", NULL);
	api_refused(w, -1, "GET", "/api/me/seats", NULL, 401, "EAUTH", NULL);
	/* the compliance review's routes: panel members only (the chair for
	 * adjustments, clarifications and rejections), the bidder asked for
	 * answers; a bad field is named */
	api_refused(w, U_B1, "POST", "/api/tenders/E3301002026000001/lots/1/review",
		    "{\"bid\":\"bid-x\",\"pass\":false,\"criterion\":\"资格审查\",\"reason\":\"x\"}",
		    403, "EDENIED", "et.panel.member");
	api_refused(w, U_E1, "POST", "/api/tenders/E3301002026000001/lots/1/review",
		    "{\"bid\":\"bid-x\",\"pass\":\"no\"}", 400, "EINVAL", NULL);
	api_refused(w, U_E1, "POST", "/api/tenders/E3301002026000001/lots/1/adjustments",
		    "{\"bid\":\"bid-x\",\"amount\":100,\"reason\":\"缺项\"}", 403, "EDENIED",
		    "et.panel.member");
	api_refused(w, U_AGENT1, "POST", "/api/tenders/E3301002026000001/lots/1/explanations",
		    "{\"bid\":\"bid-x\",\"question\":\"q\",\"deadline\":1}", 403, "EDENIED",
		    "et.panel.member");
	api_refused(w, U_E1, "POST", "/api/tenders/E3301002026000001/explanations/xpl-x/answer",
		    "{\"text\":\"a\"}", 403, "EDENIED", "et.auth.role");
	api_refused(w, U_B1, "POST", "/api/tenders/E3301002026000001/explanations/xpl-x/answer",
		    "{\"text\":\"a\"}", 404, "ENOTFOUND", "et.explain.none");
	api_refused(w, U_B1, "POST", "/api/tenders/E3301002026000001/explanations/xpl-x/reject",
		    "{\"reason\":\"r\"}", 403, "EDENIED", "et.panel.member");
	api_refused(w, U_SUPER, "GET", "/api/tenders/E3301002026000001/review", NULL, 404, "ENOTFOUND", NULL);
	j = api_ok(w, U_B1, "GET", "/api/tenders/E3301002026000001/explanations", NULL);
	ck_assert(json_is_array(json_object_get(j, "explanations")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "explanations")), 0);
	json_decref(j);
	j = api_ok(w, -1, "GET", "/api/tenders/E3301002026000001/result", NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "lots")), 0);
	json_decref(j);

	/* etenderd verify replays the log with the evaluation module */
	ck_assert_int_eq(srv_stop(&w->s), 0);
	{
		const char *args[] = { "verify", "--data", w->s.data, NULL };
		char out[400];
		FMT(out, "%s/verify.out", w->s.dir);
		ck_assert_int_eq(run_etenderd(args, out), 0);
	}
	srv_cleanup(&w->s);
	free(w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("web_evaluation");
	TCase *tc = tcase_create("routes");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_evaluation_routes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
