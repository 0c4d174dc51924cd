/* client/tendercmd.c — the etender commands of the platform's roles over its
 * JSON API (docs/api.md): the administrator's `org`, `user` and `credit`; the
 * agent's `tender`, `keyholders propose`, `clarify` and `deadline`; the key
 * holder's `holder register`; the supervisor's `keyholders approve`; the
 * bidder's `register`, `registrations` and `question`; everyone's `tender
 * list|show` and `clarifications`. Documents are in doccmd.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client/client.h"

/* "/api/tenders/<escaped id><suffix>" into out. */
static int tender_path(char *out, size_t cap, const char *tender, const char *suffix)
{
	char *esc;
	int n;

	if (!tender || !*tender || strlen(tender) > ET_ID_MAX_LEN)
		return ET_EINVAL;
	if (!(esc = curl_escape(tender, 0)))
		return ET_ENOMEM;
	n = snprintf(out, cap, "/api/tenders/%s%s", esc, suffix ? suffix : "");
	curl_free(esc);
	return n < 0 || (size_t)n >= cap ? ET_ELIMIT : ET_OK;
}

/* The tender id from --tender or the one positional argument. */
static const char *tender_arg(const struct client_args *a)
{
	if (a->tender && !a->npos)
		return a->tender;
	if (!a->tender && a->npos == 1)
		return a->pos[0];
	return NULL;
}

/* Read a whole text file (max bytes, no NUL); *out malloc'd, NUL-terminated. */
static int read_text(const char *path, size_t max, char **out)
{
	unsigned char *d = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!path || !strcmp(path, "-")) {
		struct et_buf b;
		char chunk[4096];
		ssize_t n;

		et_buf_init(&b, max);
		rc = ET_OK;
		while (rc == ET_OK && (n = read(0, chunk, sizeof chunk)) > 0)
			rc = et_buf_add(&b, chunk, (size_t)n);
		if (rc == ET_OK && (rc = et_buf_add(&b, "", 0)) == ET_OK)
			d = et_buf_steal(&b, &len);
		et_buf_free(&b);
		if (rc)
			return rc;
		if (!d)
			return ET_ENOMEM;
	} else if ((rc = et_read_file(path, max, &d, &len))) {
		return rc;
	}
	if (!d || memchr(d, 0, len)) {
		free(d);
		return ET_EINVAL;
	}
	*out = (char *)d;
	return ET_OK;
}

/* Subcommand dispatch helper: argv[1] is the subcommand. */
static bool is_help(int argc, char **argv)
{
	return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			     !strcmp(argv[1], "help"));
}

/* ---- org, user, credit (administrator) ---------------------------------- */

static const char org_usage[] =
	"用法 / usage: etender org add --kind KIND --legal-name NAME [--credit-code C]\n"
	"                            [--address A] [--phone P] [--server URL]\n"
	"  管理员登记机构。KIND: center | tenderer | agent | bidder | supervisor。\n"
	"  Administrator: register an organisation; prints its id (org-…). Details\n"
	"  go to the platform's private side store; the log gets only their hash\n"
	"  (and the name, except for bidders).\n";

int client_cmd_org(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	json_t *body = NULL, *j = NULL;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (is_help(argc, argv)) {
		fputs(org_usage, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "add"))
		return client_usage_error(org_usage, "需要子命令 add / expected 'add'");
	if ((rc = client_args_parse(argc - 1, argv + 1, "kgcAH", org_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.kind || !a.legal_name || a.npos)
		return client_usage_error(org_usage, "需要 --kind 和 --legal-name / --kind and --legal-name are required");
	if (client_session_open(a.server, true, &s))
		goto out;
	body = json_pack("{s:s,s:s}", "kind", a.kind, "legal_name", a.legal_name);
	if (!body || (a.credit_code && json_object_set_new(body, "credit_code", json_string(a.credit_code))) ||
	    (a.address && json_object_set_new(body, "address", json_string(a.address))) ||
	    (a.phone && json_object_set_new(body, "phone", json_string(a.phone)))) {
		client_error(ET_EINVAL, "JSON (UTF-8?)");
		goto out;
	}
	if (client_api_post_json(&s, "/api/orgs", body, a.legal_name, &j))
		goto out;
	if (a.json)
		client_json_print(j);
	else
		printf("%s\n", client_jstr(j, "id"));
	ret = 0;
out:
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char user_usage[] =
	"用法 / usage: etender user add --org ORG --role ROLE [--role ROLE]... --login LOGIN\n"
	"                             [--name N] [--phone P] [--id-number I] [--email E]\n"
	"                             [--password-file FILE] [--server URL]\n"
	"       etender user show --user USR [--server URL] [--json]\n"
	"  管理员登记用户并给出初始密码（未给 --password-file 时随机生成并打印一次）。\n"
	"  Administrator: register a user of ORG. ROLE: admin, agent, bidder,\n"
	"  keyholder, expert, supervisor, statistician (as the org's kind admits).\n"
	"  Prints \"id usr-…\" and, unless FILE gave it, \"initial-password …\": a\n"
	"  random password shown once, to hand over by a safe channel (the user\n"
	"  changes it with `etender passwd`). show: a user's public record.\n";

int client_cmd_user(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	json_t *body = NULL, *j = NULL, *roles = NULL;
	char pw[ET_TENDER_PASSWORD_MAX + 2], path[256];
	bool show, generated = false;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	pw[0] = 0;
	if (is_help(argc, argv)) {
		fputs(user_usage, stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "show")))
		return client_usage_error(user_usage, "需要子命令 add 或 show / expected 'add' or 'show'");
	show = !strcmp(argv[1], "show");
	if ((rc = client_args_parse(argc - 1, argv + 1, show ? "u" : "ORlnHIeP", user_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (a.npos)
		return client_usage_error(user_usage, "多余的参数 / unexpected argument");
	if (show) {
		char *esc;

		if (!a.user)
			return client_usage_error(user_usage, "需要 --user / --user is required");
		if (client_session_open(a.server, true, &s))
			goto out;
		if (!(esc = curl_escape(a.user, 0)))
			goto out;
		client_fmt(path, sizeof path, "/api/users/%s", esc);
		curl_free(esc);
		if (client_api(&s, "GET", path, NULL, 0, NULL, a.user, &j))
			goto out;
		if (a.json) {
			client_json_print(j);
		} else {
			printf("用户 / user: %s\n机构 / org: %s (%s)\n角色 / roles:", client_jstr(j, "id"),
			       client_jstr(j, "org"), client_jstr(j, "org_kind"));
			json_array_foreach(json_object_get(j, "roles"), i, roles)
				printf(" %s", json_is_string(roles) ? json_string_value(roles) : "?");
			roles = NULL;
			printf("\nX25519: %s\nEd25519: %s\n", client_jstr(j, "x25519"), client_jstr(j, "ed25519"));
		}
		ret = 0;
		goto out;
	}
	if (!a.org || !a.login || !a.nroles)
		return client_usage_error(user_usage, "需要 --org、--role、--login / --org, --role and --login are required");
	if (a.password_file) {
		unsigned char *d = NULL;
		size_t len = 0, n = 0;

		if ((rc = et_read_file(a.password_file, sizeof pw, &d, &len))) {
			client_error(rc, "%s", a.password_file);
			goto out;
		}
		while (n < len && d[n] != '\n' && d[n] != '\r')
			n++;
		if (n < sizeof pw && !memchr(d, 0, n)) {
			memcpy(pw, d, n);
			pw[n] = 0;
		}
		crypto_wipe(d, len);
		free(d);
		if (!pw[0]) {
			client_error(ET_EINVAL, "%s: 第一行须为密码 / the first line must be the password",
				     a.password_file);
			goto out;
		}
	} else {
		unsigned char rnd[18];

		/* 144 random bits, base64 without '/' and '+' so it can be typed */
		if ((rc = crypto_random(rnd, sizeof rnd))) {
			client_error(rc, "random");
			goto out;
		}
		et_b64_encode(rnd, sizeof rnd, pw);
		crypto_wipe(rnd, sizeof rnd);
		for (i = 0; pw[i]; i++)
			pw[i] = pw[i] == '/' ? 'x' : pw[i] == '+' ? 'z' : pw[i];
		generated = true;
	}
	if (client_session_open(a.server, true, &s))
		goto out;
	if (!(roles = json_array()))
		goto out;
	for (i = 0; i < a.nroles; i++)
		if (json_array_append_new(roles, json_string(a.roles[i]))) {
			client_error(ET_EINVAL, "--role");
			goto out;
		}
	body = json_pack("{s:s,s:O,s:s,s:s}", "org", a.org, "roles", roles, "login", a.login,
			 "password", pw);
	if (!body || (a.name && json_object_set_new(body, "name", json_string(a.name))) ||
	    (a.phone && json_object_set_new(body, "phone", json_string(a.phone))) ||
	    (a.id_number && json_object_set_new(body, "id_number", json_string(a.id_number))) ||
	    (a.email && json_object_set_new(body, "email", json_string(a.email)))) {
		client_error(ET_EINVAL, "JSON (UTF-8?)");
		goto out;
	}
	if (client_api_post_json(&s, "/api/users", body, a.login, &j))
		goto out;
	printf("id %s\n", client_jstr(j, "id"));
	if (generated) {
		printf("initial-password %s\n", pw);
		fprintf(stderr, "etender: 初始密码只显示这一次，请通过安全渠道交给用户，登录后用 etender passwd 修改 /\n"
				"  the initial password is shown once: hand it over by a safe channel; the user\n"
				"  changes it with etender passwd after logging in\n");
	}
	ret = 0;
out:
	crypto_wipe(pw, sizeof pw);
	json_decref(body);
	json_decref(roles);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char credit_usage[] =
	"用法 / usage: etender credit add --org ORG --basis TEXT --from TIME --until TIME\n"
	"                               [--server URL]\n"
	"  管理员登记失信处罚：期间内该企业不得报名。\n"
	"  Administrator: record a penalty (失信) that bars the firm from registering\n"
	"  for tenders from TIME until TIME. TIME: RFC 3339 UTC (2026-12-01T00:00:00Z)\n"
	"  or microseconds since the epoch. BASIS: the decision's public reference.\n";

int client_cmd_credit(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	json_t *body = NULL, *j = NULL;
	int64_t from, until;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (is_help(argc, argv)) {
		fputs(credit_usage, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "add"))
		return client_usage_error(credit_usage, "需要子命令 add / expected 'add'");
	if ((rc = client_args_parse(argc - 1, argv + 1, "ObFU", credit_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.org || !a.basis || !a.from || !a.until || a.npos)
		return client_usage_error(credit_usage, "需要 --org --basis --from --until / all of --org --basis --from --until");
	if (client_time_parse(a.from, &from) || client_time_parse(a.until, &until))
		return client_usage_error(credit_usage, "时间无效 / bad time");
	if (client_session_open(a.server, true, &s))
		goto out;
	if (!(body = json_pack("{s:s,s:s,s:I,s:I}", "org", a.org, "basis", a.basis, "from_us",
			       (json_int_t)from, "until_us", (json_int_t)until))) {
		client_error(ET_EINVAL, "JSON (UTF-8?)");
		goto out;
	}
	if (client_api_post_json(&s, "/api/credit", body, a.org, &j))
		goto out;
	printf("已登记失信处罚 / penalty recorded: %s\n", a.org);
	ret = 0;
out:
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

/* ---- tenders ------------------------------------------------------------- */

static const char tender_usage[] =
	"用法 / usage: etender tender draft --file tender.xml      (招标代理 / agent)\n"
	"       etender tender publish --tender T               (招标代理 / agent)\n"
	"       etender tender cancel --tender T --reason TEXT  (招标代理 / agent)\n"
	"       etender tender show --tender T [--json]\n"
	"       etender tender list [--json]\n"
	"       etender tender xml --tender T [-o OUT]\n"
	"  起草（或重新起草）、发布、终止、查看招标项目。draft 上传按平台 XSD 校验的\n"
	"  tender.xml；publish 需要监督人已批准开标密钥保管人。list 显示已发布项目\n"
	"  （以及本机构的草稿）。时间以北京时间显示。\n"
	"  Draft (or redraft) a tender from tender.xml (validated against the\n"
	"  platform's XSD), publish it once the supervisor has approved its key\n"
	"  holders, cancel it, show one or list them (published ones, and drafts of\n"
	"  your organisation), or fetch its tender.xml as drafted (checked against\n"
	"  the SHA-256 the tender lists). All take [--server URL].\n";

static void print_tender(json_t *t, bool full)
{
	json_t *sc = json_object_get(t, "schedule");
	char tm[96];
	int64_t dl = json_integer_value(json_object_get(sc, "bid_deadline_us"));

	if (!full) {
		client_time_fmt(dl, tm, sizeof tm);
		printf("%-20s %-10s %s  %s\n", client_jstr(t, "id"), client_jstr(t, "stage"), tm,
		       client_jstr(t, "title"));
		return;
	}
	printf("项目 / tender: %s\n名称 / title: %s\n类型 / type: %s\n阶段 / stage: %s\n",
	       client_jstr(t, "id"), client_jstr(t, "title"), client_jstr(t, "type"),
	       client_jstr(t, "stage"));
	printf("招标人 / tenderer: %s\n代理机构 / agent: %s\n规则 / rules profile: %s v%lld\n",
	       client_jstr(t, "tenderer_org"), client_jstr(t, "agent_org"), client_jstr(t, "profile"),
	       (long long)json_integer_value(json_object_get(t, "profile_version")));
	client_time_fmt(json_integer_value(json_object_get(sc, "documents_from_us")), tm, sizeof tm);
	printf("文件发售开始 / documents from:      %s\n", tm);
	client_time_fmt(json_integer_value(json_object_get(sc, "documents_to_us")), tm, sizeof tm);
	printf("文件发售截止 / documents to:        %s\n", tm);
	client_time_fmt(json_integer_value(json_object_get(sc, "registration_deadline_us")), tm, sizeof tm);
	printf("报名截止 / registration deadline:   %s\n", tm);
	client_time_fmt(json_integer_value(json_object_get(sc, "question_deadline_us")), tm, sizeof tm);
	printf("提问截止 / question deadline:       %s\n", tm);
	client_time_fmt(dl, tm, sizeof tm);
	printf("投标截止 / bid deadline:            %s\n", tm);
	if (json_integer_value(json_object_get(t, "original_deadline_us")) != dl) {
		client_time_fmt(json_integer_value(json_object_get(t, "original_deadline_us")), tm, sizeof tm);
		printf("原投标截止 / original deadline:     %s\n", tm);
	}
	printf("开标密钥 / key holders: %lld of %lld (%s)\n",
	       (long long)json_integer_value(json_object_get(t, "k")),
	       (long long)json_integer_value(json_object_get(t, "n")), client_jstr(t, "holders_state"));
	printf("tender.xml SHA-256: %s\n", client_jstr(t, "xml_sha256"));
	if (client_jstr(t, "pending_deadline_proposal")[0]) {
		json_t *p = json_object_get(t, "pending_deadline");

		printf("待批准的截止时间变更 / pending deadline change: %s\n",
		       client_jstr(t, "pending_deadline_proposal"));
		if (json_is_object(p)) {
			client_time_fmt(json_integer_value(json_object_get(p, "deadline_us")), tm, sizeof tm);
			printf("  新截止 / new deadline: %s\n  理由 / reason: %s\n  提议人 / proposer: %s\n", tm,
			       client_jstr(p, "reason"), client_jstr(p, "proposer"));
		}
	}
}

/* GET path (tender.xml) into out ("-"/NULL: stdout) if its SHA-256 is want. */
static int fetch_xml(const struct client_session *s, const char *path, const char *want,
		     const char *outp)
{
	struct client_http_resp r;
	struct client_out o;
	unsigned char h[32];
	char hex[65];
	int rc;

	rc = client_http_get(s->url, path, s->have_token ? s->token : NULL, ET_WEB_XML_MAX_BODY, &r);
	if (rc) {
		client_error(rc, "GET %s: %s", path, r.error);
		goto out;
	}
	if (r.status != 200) {
		rc = client_api_error(&r, path);
		goto out;
	}
	crypto_sha256(r.body.data, r.body.len, h);
	et_hex_encode(h, 32, hex);
	if (strcmp(hex, want)) {
		rc = ET_EVERIFY;
		client_error(rc, "tender.xml: SHA-256 %s, 项目列出 / the tender lists %s", hex, want);
		goto out;
	}
	if ((rc = client_out_open(&o, outp, 0644))) {
		client_error(rc, "%s", outp);
		goto out;
	}
	if ((rc = et_write_all(o.fd, r.body.data, r.body.len))) {
		client_out_abort(&o);
		client_error(rc, "%s", outp ? outp : "stdout");
		goto out;
	}
	if ((rc = client_out_finish(&o)))
		client_error(rc, "%s", outp);
out:
	client_http_resp_free(&r);
	return rc;
}

int client_cmd_tender(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	const char *sub, *id;
	char path[512], *xml = NULL;
	json_t *j = NULL, *body = NULL, *v;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (argc < 2 || is_help(argc, argv)) {
		fputs(tender_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (!strcmp(sub, "draft")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "f", tender_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!a.file || a.npos)
			return client_usage_error(tender_usage, "需要 --file / --file tender.xml is required");
		if ((rc = read_text(a.file, ET_WEB_XML_MAX_BODY, &xml))) {
			client_error(rc, "%s", a.file);
			goto out;
		}
		if (client_session_open(a.server, true, &s) ||
		    client_api(&s, "POST", "/api/tenders", xml, strlen(xml), "application/xml", a.file, &j))
			goto out;
		printf("已起草 / drafted: %s (%s)\n", client_jstr(j, "id"), client_jstr(j, "stage"));
	} else if (!strcmp(sub, "publish") || !strcmp(sub, "cancel")) {
		bool cancel = !strcmp(sub, "cancel");

		if ((rc = client_args_parse(argc - 1, argv + 1, cancel ? "tr" : "t", tender_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!(id = tender_arg(&a)) || (cancel && !a.reason))
			return client_usage_error(tender_usage, "需要 --tender%s / --tender is required%s",
						  cancel ? " 和 --reason" : "", cancel ? " (and --reason)" : "");
		if (tender_path(path, sizeof path, id, cancel ? "/cancel" : "/publish"))
			return client_usage_error(tender_usage, "项目编号无效 / bad tender id");
		if (client_session_open(a.server, true, &s))
			goto out;
		if (cancel) {
			if (!(body = json_pack("{s:s}", "reason", a.reason))) {
				client_error(ET_EINVAL, "--reason (UTF-8?)");
				goto out;
			}
			if (client_api_post_json(&s, path, body, id, &j))
				goto out;
		} else if (client_api(&s, "POST", path, NULL, 0, NULL, id, &j)) {
			goto out;
		}
		printf("%s: %s\n", client_jstr(j, "id"), client_jstr(j, "stage"));
	} else if (!strcmp(sub, "show")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "t", tender_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!(id = tender_arg(&a)) || tender_path(path, sizeof path, id, NULL))
			return client_usage_error(tender_usage, "需要 --tender / --tender is required");
		if (client_session_open(a.server, false, &s) ||
		    client_api(&s, "GET", path, NULL, 0, NULL, id, &j))
			goto out;
		if (a.json)
			client_json_print(j);
		else
			print_tender(j, true);
	} else if (!strcmp(sub, "xml")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "to", tender_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (!(id = tender_arg(&a)) || tender_path(path, sizeof path, id, NULL))
			return client_usage_error(tender_usage, "需要 --tender / --tender is required");
		if (client_session_open(a.server, false, &s) ||
		    client_api(&s, "GET", path, NULL, 0, NULL, id, &j))
			goto out;
		if (tender_path(path, sizeof path, id, "/xml") || fetch_xml(&s, path, client_jstr(j, "xml_sha256"), a.out))
			goto out;
	} else if (!strcmp(sub, "list")) {
		if ((rc = client_args_parse(argc - 1, argv + 1, "", tender_usage, &a)))
			return rc < 0 ? 0 : rc;
		if (a.npos)
			return client_usage_error(tender_usage, "多余的参数 / unexpected argument");
		if (client_session_open(a.server, false, &s) ||
		    client_api(&s, "GET", "/api/tenders", NULL, 0, NULL, NULL, &j))
			goto out;
		if (a.json) {
			client_json_print(j);
		} else {
			printf("%-20s %-10s %-48s %s\n", "项目 / tender", "阶段 / stage",
			       "投标截止 / bid deadline", "名称 / title");
			json_array_foreach(json_object_get(j, "tenders"), i, v)
				print_tender(v, false);
		}
	} else {
		return client_usage_error(tender_usage, "未知子命令 / unknown subcommand: %s", sub);
	}
	ret = 0;
out:
	free(xml);
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

/* ---- key holders ----------------------------------------------------------- */

static const char keyholders_usage[] =
	"用法 / usage: etender keyholders propose --tender T     (招标代理 / agent)\n"
	"       etender keyholders approve --tender T     (监督人 / supervisor, not the proposer)\n"
	"       etender keyholders show --tender T [--recipients] [--json]\n"
	"  开标密钥保管人：代理机构提议（k >= 2，至少两个机构，每人已登记本项目密钥），\n"
	"  监督人批准（双人）。show --recipients 按序输出保管人公钥，供 etender seal --holders。\n"
	"  The tender's key-holder set: the agent proposes it (k >= 2, holders of at\n"
	"  least two organisations, each holder's per-tender key registered), a\n"
	"  supervisor other than the proposer approves it. show: the approved set;\n"
	"  --recipients prints one recipient per line in holder order (the file\n"
	"  `etender seal --holders` reads).\n";

int client_cmd_keyholders(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	const char *sub, *id;
	char path[512];
	json_t *j = NULL, *v;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (argc < 2 || is_help(argc, argv)) {
		fputs(keyholders_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "propose") && strcmp(sub, "approve") && strcmp(sub, "show"))
		return client_usage_error(keyholders_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = client_args_parse(argc - 1, argv + 1, !strcmp(sub, "show") ? "tx" : "t",
				    keyholders_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!(id = tender_arg(&a)))
		return client_usage_error(keyholders_usage, "需要 --tender / --tender is required");
	if (tender_path(path, sizeof path, id, !strcmp(sub, "propose") ? "/holders/propose" :
					 !strcmp(sub, "approve") ? "/holders/approve" : "/holders"))
		return client_usage_error(keyholders_usage, "项目编号无效 / bad tender id");
	if (client_session_open(a.server, strcmp(sub, "show") != 0, &s))
		goto out;
	if (!strcmp(sub, "show")) {
		if (client_api(&s, "GET", path, NULL, 0, NULL, id, &j))
			goto out;
		if (a.json)
			client_json_print(j);
		else if (a.recipients)
			json_array_foreach(json_object_get(j, "holders"), i, v)
				printf("%s\n", client_jstr(v, "recipient"));
		else {
			printf("门限 / threshold k = %lld\n",
			       (long long)json_integer_value(json_object_get(j, "k")));
			json_array_foreach(json_object_get(j, "holders"), i, v)
				printf("%lld %s %s %s\n",
				       (long long)json_integer_value(json_object_get(v, "index")),
				       client_jstr(v, "holder"), client_jstr(v, "org"),
				       client_jstr(v, "recipient"));
		}
	} else {
		if (client_api(&s, "POST", path, NULL, 0, NULL, id, &j))
			goto out;
		printf("%s: 保管人 / key holders %s\n", id, client_jstr(j, "holders_state"));
	}
	ret = 0;
out:
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char holder_register_usage[] =
	"用法 / usage: etender holder register --tender T [--line LINE | --file FILE]\n"
	"                                     [--server URL]\n"
	"  开标密钥保管人提交本项目密钥的登记行（etender holder keygen -i 的输出，\n"
	"  \"etender-holder-key/v1 ...\"），默认从标准输入读取。\n"
	"  A key holder submits the signed registration line printed by\n"
	"  `etender holder keygen --tender T -o KEY -i IDENTITY` (the line starting\n"
	"  \"etender-holder-key/v1\"), from --line, FILE or standard input; other\n"
	"  lines of the input (the bare recipient) are skipped.\n";

int client_cmd_holder_register(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char path[512], prefix[ET_ID_MAX_LEN + 32], *text = NULL, *line = NULL, *save = NULL, *l;
	json_t *j = NULL, *body = NULL;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if ((rc = client_args_parse(argc, argv, "tLf", holder_register_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.tender || a.npos || (a.line && a.file))
		return client_usage_error(holder_register_usage, "需要 --tender / --tender is required");
	if (tender_path(path, sizeof path, a.tender, "/holder-keys"))
		return client_usage_error(holder_register_usage, "项目编号无效 / bad tender id");
	client_fmt(prefix, sizeof prefix, "etender-holder-key/v1 %s ", a.tender);
	if (a.line) {
		if (!(text = strdup(a.line))) {
			client_error(ET_ENOMEM, "--line");
			goto out;
		}
	} else if ((rc = read_text(a.file, 64 * 1024, &text))) {
		client_error(rc, "%s", a.file ? a.file : "stdin");
		goto out;
	}
	for (l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save))
		if (!strncmp(l, "etender-holder-key/v1 ", 22)) {
			if (line) {
				client_error(ET_EINVAL, "多于一个登记行 / more than one registration line");
				goto out;
			}
			line = l;
		}
	if (!line) {
		client_error(ET_EINVAL, "没有登记行（用 etender holder keygen -i 生成）/ no registration "
				      "line (made by etender holder keygen -i)");
		goto out;
	}
	if (strncmp(line, prefix, strlen(prefix))) {
		client_error(ET_EINVAL, "登记行属于其他项目 / the line is for another tender, not %s", a.tender);
		goto out;
	}
	if (client_session_open(a.server, true, &s))
		goto out;
	if (!(body = json_pack("{s:s}", "line", line))) {
		client_error(ET_EINVAL, "line");
		goto out;
	}
	if (client_api_post_json(&s, path, body, a.tender, &j))
		goto out;
	printf("已登记本项目密钥 / per-tender key registered for %s\n", a.tender);
	ret = 0;
out:
	free(text);
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

/* ---- clarifications ---------------------------------------------------------- */

static const char clarify_usage[] =
	"用法 / usage: etender clarify --tender T --file TEXT [--question Q] [--server URL]\n"
	"  招标代理发布澄清或修改（可答复某个问题），发给所有报名的投标人；\n"
	"  距投标截止不足规则规定的天数时（cn.reg.21），截止时间顺延。\n"
	"  Agent: publish a clarification or amendment (optionally answering\n"
	"  question Q) from the UTF-8 text in TEXT ('-': stdin). One published less\n"
	"  than the rules' minimum before the deadline moves the deadline\n"
	"  (cn.reg.21); the new deadline is shown.\n";

int client_cmd_clarify(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char path[512], tm[96], *text = NULL;
	json_t *j = NULL, *body = NULL;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if ((rc = client_args_parse(argc, argv, "tfq", clarify_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.tender || !a.file || a.npos)
		return client_usage_error(clarify_usage, "需要 --tender 和 --file / --tender and --file are required");
	if (tender_path(path, sizeof path, a.tender, "/clarifications"))
		return client_usage_error(clarify_usage, "项目编号无效 / bad tender id");
	if ((rc = read_text(a.file, ET_TENDER_CLARIFY_MAX, &text))) {
		client_error(rc, "%s", a.file);
		goto out;
	}
	if (client_session_open(a.server, true, &s))
		goto out;
	if (!(body = json_pack("{s:s}", "text", text)) ||
	    (a.question && json_object_set_new(body, "question", json_string(a.question)))) {
		client_error(ET_EINVAL, "%s: UTF-8?", a.file);
		goto out;
	}
	if (client_api_post_json(&s, path, body, a.tender, &j))
		goto out;
	client_time_fmt(json_integer_value(json_object_get(j, "deadline_us")), tm, sizeof tm);
	printf("已发布澄清 / clarification published: %s\n", client_jstr(j, "id"));
	if (!strcmp(client_jstr(j, "rule"), "cn.reg.21"))
		printf("投标截止时间已顺延（cn.reg.21）/ the bid deadline moved (cn.reg.21): %s\n", tm);
	else
		printf("投标截止 / bid deadline: %s\n", tm);
	printf("deadline_us %lld\n", (long long)json_integer_value(json_object_get(j, "deadline_us")));
	ret = 0;
out:
	free(text);
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char clarifications_usage[] =
	"用法 / usage: etender clarifications --tender T [--json] [--server URL]\n"
	"  项目的全部澄清与修改（公开）。\n"
	"  Every clarification and amendment of the tender (public), with the bid\n"
	"  deadline after each.\n";

int client_cmd_clarifications(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char path[512], tm[96];
	json_t *j = NULL, *v;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if ((rc = client_args_parse(argc, argv, "t", clarifications_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!tender_arg(&a) || tender_path(path, sizeof path, tender_arg(&a), "/clarifications"))
		return client_usage_error(clarifications_usage, "需要 --tender / --tender is required");
	if (client_session_open(a.server, false, &s) ||
	    client_api(&s, "GET", path, NULL, 0, NULL, tender_arg(&a), &j))
		goto out;
	if (a.json) {
		client_json_print(j);
	} else {
		json_array_foreach(json_object_get(j, "clarifications"), i, v) {
			client_time_fmt(json_integer_value(json_object_get(v, "time_us")), tm, sizeof tm);
			printf("%s  %s%s%s\n", client_jstr(v, "id"), tm,
			       client_jstr(v, "question")[0] ? "  答复 / answers " : "",
			       client_jstr(v, "question"));
			client_time_fmt(json_integer_value(json_object_get(v, "deadline_after_us")), tm, sizeof tm);
			printf("  投标截止 / bid deadline: %s\n  %s\n", tm, client_jstr(v, "text"));
		}
	}
	ret = 0;
out:
	json_decref(j);
	client_session_close(&s);
	return ret;
}

/* ---- deadline change (two people) ------------------------------------------------ */

static const char deadline_usage[] =
	"用法 / usage: etender deadline propose --tender T --at TIME --reason TEXT\n"
	"       etender deadline approve --tender T [--proposal dlp-…]\n"
	"  变更投标截止时间需要两人：招标代理提议，本机构另一名代理或监督人批准（et.two_person）。\n"
	"  TIME: RFC 3339 UTC (2026-12-31T02:00:00Z) 或微秒数 / or microseconds.\n"
	"  A deadline change needs two people: an agent proposes, another agent of\n"
	"  the tender's organisation or a supervisor approves (the same person is\n"
	"  refused). approve without --proposal takes the pending proposal.\n";

int client_cmd_deadline(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char path[512], tm[96];
	json_t *j = NULL, *body = NULL;
	const char *sub, *prop;
	int64_t at;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (argc < 2 || is_help(argc, argv)) {
		fputs(deadline_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "propose") && strcmp(sub, "approve"))
		return client_usage_error(deadline_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = client_args_parse(argc - 1, argv + 1, !strcmp(sub, "propose") ? "tar" : "tp",
				    deadline_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.tender || a.npos)
		return client_usage_error(deadline_usage, "需要 --tender / --tender is required");
	if (client_session_open(a.server, true, &s))
		goto out;
	if (!strcmp(sub, "propose")) {
		if (!a.at || !a.reason || client_time_parse(a.at, &at)) {
			ret = client_usage_error(deadline_usage, "需要有效的 --at 和 --reason / valid --at and --reason are required");
			goto out;
		}
		if (tender_path(path, sizeof path, a.tender, "/deadline/propose") ||
		    !(body = json_pack("{s:I,s:s}", "deadline_us", (json_int_t)at, "reason", a.reason))) {
			client_error(ET_EINVAL, "--tender / --reason");
			goto out;
		}
		if (client_api_post_json(&s, path, body, a.tender, &j))
			goto out;
		client_time_fmt(at, tm, sizeof tm);
		printf("%s\n已提议，待另一人批准 / proposed, awaiting a second person's approval: %s\n",
		       client_jstr(j, "id"), tm);
	} else {
		prop = a.proposal;
		if (!prop) {
			if (tender_path(path, sizeof path, a.tender, NULL) ||
			    client_api(&s, "GET", path, NULL, 0, NULL, a.tender, &j))
				goto out;
			prop = client_jstr(j, "pending_deadline_proposal");
			if (!prop[0]) {
				client_error(ET_ENOTFOUND, "%s: 没有待批准的变更 / no pending proposal", a.tender);
				goto out;
			}
		}
		if (tender_path(path, sizeof path, a.tender, "/deadline/approve") ||
		    !(body = json_pack("{s:s}", "proposal", prop))) {
			client_error(ET_EINVAL, "--proposal");
			goto out;
		}
		json_decref(j);
		j = NULL;
		if (client_api_post_json(&s, path, body, a.tender, &j))
			goto out;
		json_decref(j);
		j = NULL;
		if (tender_path(path, sizeof path, a.tender, NULL) ||
		    client_api(&s, "GET", path, NULL, 0, NULL, a.tender, &j))
			goto out;
		client_time_fmt(json_integer_value(json_object_get(json_object_get(j, "schedule"),
								   "bid_deadline_us")), tm, sizeof tm);
		printf("已批准 / approved: 投标截止 / bid deadline %s\n", tm);
	}
	ret = 0;
out:
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

/* ---- bidders: registration, questions ------------------------------------------- */

static const char register_usage[] =
	"用法 / usage: etender register --tender T [--server URL]\n"
	"  投标人报名（报名信息保密：截止前只有本企业知道）。\n"
	"  Bidder: register your firm for the tender (报名). Confidential: before\n"
	"  the deadline nobody but your firm learns it.\n";

int client_cmd_register(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char path[512];
	json_t *j = NULL;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if ((rc = client_args_parse(argc, argv, "t", register_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!tender_arg(&a) || tender_path(path, sizeof path, tender_arg(&a), "/register"))
		return client_usage_error(register_usage, "需要 --tender / --tender is required");
	if (client_session_open(a.server, true, &s) ||
	    client_api(&s, "POST", path, NULL, 0, NULL, tender_arg(&a), &j))
		goto out;
	printf("已报名 / registered: %s (%s)\n", client_jstr(j, "tender"), client_jstr(j, "org"));
	ret = 0;
out:
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char registrations_usage[] =
	"用法 / usage: etender registrations [--json] [--server URL]\n"
	"  本企业的报名记录（只有本企业可见）。\n"
	"  Bidder: your firm's own registrations (nobody else's).\n";

int client_cmd_registrations(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char tm[96];
	json_t *j = NULL, *v;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if ((rc = client_args_parse(argc, argv, "", registrations_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (a.npos)
		return client_usage_error(registrations_usage, "多余的参数 / unexpected argument");
	if (client_session_open(a.server, true, &s) ||
	    client_api(&s, "GET", "/api/me/registrations", NULL, 0, NULL, NULL, &j))
		goto out;
	if (a.json) {
		client_json_print(j);
	} else {
		json_array_foreach(json_object_get(j, "registrations"), i, v) {
			client_time_fmt(json_integer_value(json_object_get(v, "time_us")), tm, sizeof tm);
			printf("%s  %s  %s\n", client_jstr(v, "tender"), client_jstr(v, "user"), tm);
		}
	}
	ret = 0;
out:
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char notices_usage[] =
	"用法 / usage: etender notices [--json] [--server URL]   (投标人 / bidder)\n"
	"  列出本企业有效投标之后发布的澄清或修改，以及项目规则要求的处理\n"
	"  （stands 投标有效 / reconfirm 须重新确认 / reseal 须重新递交）和截止时间。\n"
	"  Lists the clarifications or amendments published after the firm's live\n"
	"  bids, with what the tender's rules require (stands, reconfirm: run\n"
	"  etender bid reconfirm, reseal: submit a new bid) before the deadline.\n";

int client_cmd_notices(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char tm[96];
	json_t *j = NULL, *v;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if ((rc = client_args_parse(argc, argv, "", notices_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (a.npos)
		return client_usage_error(notices_usage, "多余的参数 / unexpected argument");
	if (client_session_open(a.server, true, &s) ||
	    client_api(&s, "GET", "/api/me/notices", NULL, 0, NULL, NULL, &j))
		goto out;
	if (a.json) {
		client_json_print(j);
	} else {
		json_array_foreach(json_object_get(j, "notices"), i, v) {
			client_time_fmt(json_integer_value(json_object_get(v, "deadline_us")), tm, sizeof tm);
			printf("%s  %s  %s%s  截止 / deadline %s\n  %s\n  %s\n", client_jstr(v, "tender"),
			       client_jstr(v, "bid"), client_jstr(v, "policy"),
			       json_is_true(json_object_get(v, "reconfirmed")) ?
				       " (已确认 / re-confirmed)" : "",
			       tm, client_jstr(v, "message_zh"), client_jstr(v, "message_en"));
		}
		if (!i)
			printf("没有通知 / no notices\n");
	}
	ret = 0;
out:
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char question_usage[] =
	"用法 / usage: etender question ask --tender T --file TEXT   (投标人 / bidder)\n"
	"       etender question list --tender T [--json]\n"
	"  已报名的投标人在提问截止前提问（代理机构看不到提问人）；list：代理机构和\n"
	"  监督人看到全部问题，投标人只看到本企业的。\n"
	"  A registered bidder asks a question before the question deadline (the\n"
	"  agent never learns who asked); list: the tender's agents and supervisors\n"
	"  see every question, a bidder its own firm's.\n";

int client_cmd_question(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	char path[512], *text = NULL;
	json_t *j = NULL, *body = NULL, *v;
	const char *sub;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	if (argc < 2 || is_help(argc, argv)) {
		fputs(question_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "ask") && strcmp(sub, "list"))
		return client_usage_error(question_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = client_args_parse(argc - 1, argv + 1, !strcmp(sub, "ask") ? "tf" : "t",
				    question_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.tender || a.npos || tender_path(path, sizeof path, a.tender, "/questions"))
		return client_usage_error(question_usage, "需要 --tender / --tender is required");
	if (!strcmp(sub, "ask")) {
		if (!a.file)
			return client_usage_error(question_usage, "需要 --file / --file is required");
		if ((rc = read_text(a.file, ET_TENDER_CLARIFY_MAX, &text))) {
			client_error(rc, "%s", a.file);
			goto out;
		}
		if (client_session_open(a.server, true, &s))
			goto out;
		if (!(body = json_pack("{s:s}", "text", text))) {
			client_error(ET_EINVAL, "%s: UTF-8?", a.file);
			goto out;
		}
		if (client_api_post_json(&s, path, body, a.tender, &j))
			goto out;
		printf("%s\n", client_jstr(j, "id"));
	} else {
		if (client_session_open(a.server, true, &s) ||
		    client_api(&s, "GET", path, NULL, 0, NULL, a.tender, &j))
			goto out;
		if (a.json)
			client_json_print(j);
		else
			json_array_foreach(json_object_get(j, "questions"), i, v)
				printf("%s  %s\n  %s\n", client_jstr(v, "id"),
				       json_is_true(json_object_get(v, "answered")) ? "已答复 / answered"
										   : "未答复 / open",
				       client_jstr(v, "text"));
	}
	ret = 0;
out:
	free(text);
	json_decref(body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}
