/* client/session.c — the etender commands' side of the platform API: shared
 * options, the saved session (token 0600 per server), API calls with the
 * server's bilingual errors, and `login`, `logout`, `whoami`, `passwd` and
 * `key register` (proof of possession of the user's X25519 and Ed25519 keys). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "tender/tender.h"

/* ---- options ------------------------------------------------------------ */

int client_args_parse(int argc, char **argv, const char *allowed, const char *usage,
		      struct client_args *a)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "tender", required_argument, NULL, 't' },
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "doc", required_argument, NULL, 'd' },
		{ "kind", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "question", required_argument, NULL, 'q' },
		{ "reason", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 'a' },
		{ "proposal", required_argument, NULL, 'p' },
		{ "org", required_argument, NULL, 'O' },
		{ "login", required_argument, NULL, 'l' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "line", required_argument, NULL, 'L' },
		{ "basis", required_argument, NULL, 'b' },
		{ "from", required_argument, NULL, 'F' },
		{ "until", required_argument, NULL, 'U' },
		{ "identity", required_argument, NULL, 'i' },
		{ "role", required_argument, NULL, 'R' },
		{ "legal-name", required_argument, NULL, 'g' },
		{ "credit-code", required_argument, NULL, 'c' },
		{ "address", required_argument, NULL, 'A' },
		{ "phone", required_argument, NULL, 'H' },
		{ "id-number", required_argument, NULL, 'I' },
		{ "email", required_argument, NULL, 'e' },
		{ "recipients", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx;

	memset(a, 0, sizeof *a);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hjs:t:f:o:d:k:n:q:r:a:p:O:l:u:P:L:b:F:U:i:R:g:c:A:H:I:e:x",
				opts, &idx)) != -1) {
		if (c == '?' || c == ':')
			return client_usage_error(usage, "未知选项或缺少参数 / unknown option or missing value: %s",
						  argv[optind - 1]);
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		if (c != 's' && c != 'j' && !strchr(allowed, c))
			return client_usage_error(usage, "此命令不接受该选项 / this command takes no %s",
						  argv[optind - 1]);
		switch (c) {
		case 's': a->server = optarg; break;
		case 'j': a->json = true; break;
		case 't': a->tender = optarg; break;
		case 'f': a->file = optarg; break;
		case 'o': a->out = optarg; break;
		case 'd': a->doc = optarg; break;
		case 'k': a->kind = optarg; break;
		case 'n': a->name = optarg; break;
		case 'q': a->question = optarg; break;
		case 'r': a->reason = optarg; break;
		case 'a': a->at = optarg; break;
		case 'p': a->proposal = optarg; break;
		case 'O': a->org = optarg; break;
		case 'l': a->login = optarg; break;
		case 'u': a->user = optarg; break;
		case 'P': a->password_file = optarg; break;
		case 'L': a->line = optarg; break;
		case 'b': a->basis = optarg; break;
		case 'F': a->from = optarg; break;
		case 'U': a->until = optarg; break;
		case 'i': a->identity = optarg; break;
		case 'g': a->legal_name = optarg; break;
		case 'c': a->credit_code = optarg; break;
		case 'A': a->address = optarg; break;
		case 'H': a->phone = optarg; break;
		case 'I': a->id_number = optarg; break;
		case 'e': a->email = optarg; break;
		case 'x': a->recipients = true; break;
		case 'R':
			if (a->nroles >= sizeof a->roles / sizeof a->roles[0])
				return client_usage_error(usage, "--role 过多 / too many --role");
			a->roles[a->nroles++] = optarg;
			break;
		default:
			return client_usage_error(usage, "未知选项 / unknown option");
		}
	}
	a->pos = argv + optind;
	a->npos = argc - optind;
	return 0;
}

/* ---- small helpers ------------------------------------------------------ */

const char *client_jstr(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : "";
}

void client_time_fmt(int64_t us, char *out, size_t cap)
{
	char utc[32], local[32];
	time_t t = (time_t)(us / 1000000) + 8 * 3600; /* Asia/Shanghai: UTC+8, no DST */
	struct tm tm;

	et_clock_format_utc(us, utc);
	if (!gmtime_r(&t, &tm) || !strftime(local, sizeof local, "%Y-%m-%d %H:%M:%S", &tm))
		local[0] = 0;
	client_fmt(out, cap, "%s 北京时间 (%s)", local, utc);
}

int client_time_parse(const char *s, int64_t *us)
{
	uint64_t v;

	if (s && strchr(s, 'T'))
		return tender_parse_utc(s, us);
	if (!s || et_parse_u64(s, strlen(s), &v) || v > (uint64_t)INT64_MAX)
		return ET_EINVAL;
	*us = (int64_t)v;
	return ET_OK;
}

void client_json_print(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2));

	if (s) {
		puts(s);
		free(s);
	}
}

/* Append s to b as a JSON string (quoted, escaped). */
static int json_quote(struct et_buf *b, const char *s)
{
	int rc = et_buf_add(b, "\"", 1);

	for (; rc == ET_OK && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			rc = et_buf_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			rc = et_buf_printf(b, "\\u%04x", ch);
		else
			rc = et_buf_add(b, s, 1);
	}
	return rc ? rc : et_buf_add(b, "\"", 1);
}

/* ---- the session file ---------------------------------------------------- */

static int current_path(char *out, size_t cap)
{
	char dir[4096];
	int rc;

	if ((rc = client_config_dir(dir, sizeof dir)))
		return rc;
	return snprintf(out, cap, "%s/server", dir) >= (int)cap ? ET_ELIMIT : ET_OK;
}

static int copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return ET_ELIMIT;
	memcpy(dst, src, n + 1);
	return ET_OK;
}

/* Load the session of s->url (none is not an error). */
static int session_load(struct client_session *s)
{
	char path[4200], *line, *save = NULL;
	unsigned char *file = NULL;
	size_t len = 0;
	int rc;

	if ((rc = client_server_file(s->url, "session", path, sizeof path)))
		return rc;
	rc = et_read_file(path, 16 * 1024, &file, &len);
	if (rc == ET_ENOTFOUND || (rc == ET_OK && !file))
		return ET_OK;
	if (rc)
		return rc;
	for (line = strtok_r((char *)file, "\n", &save); line && rc == ET_OK;
	     line = strtok_r(NULL, "\n", &save)) {
		uint64_t v;

		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "url ", 4))
			rc = strcmp(line + 4, s->url) ? ET_EINVAL : ET_OK;
		else if (!strncmp(line, "token ", 6))
			rc = copy_str(s->token, sizeof s->token, line + 6);
		else if (!strncmp(line, "user ", 5))
			rc = copy_str(s->user, sizeof s->user, line + 5);
		else if (!strncmp(line, "login ", 6))
			rc = copy_str(s->login, sizeof s->login, line + 6);
		else if (!strncmp(line, "expires_us ", 11)) {
			rc = et_parse_u64(line + 11, strlen(line + 11), &v);
			if (rc == ET_OK && v > (uint64_t)INT64_MAX)
				rc = ET_EINVAL;
			s->expires_us = (int64_t)v;
		} else
			rc = ET_EINVAL;
	}
	crypto_wipe(file, len);
	free(file);
	s->have_token = rc == ET_OK && s->token[0];
	/* an expired token is no token (public reads go without it) */
	if (s->have_token && s->expires_us && s->expires_us <= (int64_t)time(NULL) * 1000000) {
		s->have_token = false;
		s->expired = true;
		crypto_wipe(s->token, sizeof s->token);
	}
	return rc;
}

static int session_save(const struct client_session *s)
{
	char path[4200];
	struct et_buf b;
	int rc;

	et_buf_init(&b, 16 * 1024);
	if ((rc = client_server_file(s->url, "session", path, sizeof path)))
		goto out;
	if ((rc = et_buf_printf(&b, "# etender session: the API token is a secret\nurl %s\nuser %s\n"
				"login %s\nexpires_us %lld\ntoken %s\n", s->url, s->user, s->login,
				(long long)s->expires_us, s->token)))
		goto out;
	if ((rc = et_write_file_atomic(path, b.data, b.len, 0600)))
		goto out;
	if ((rc = current_path(path, sizeof path)))
		goto out;
	et_buf_reset(&b);
	if ((rc = et_buf_printf(&b, "%s\n", s->url)))
		goto out;
	rc = et_write_file_atomic(path, b.data, b.len, 0600);
out:
	et_buf_free(&b);
	return rc;
}

static int session_forget(const struct client_session *s)
{
	char path[4200];
	int rc;

	if ((rc = client_server_file(s->url, "session", path, sizeof path)))
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return et_fail(ET_EIO);
	return ET_OK;
}

/* s->url from server, $ETENDER_SERVER or the last login's server. */
static int resolve_server(const char *server, struct client_session *s)
{
	const char *env = getenv("ETENDER_SERVER");
	char path[4200];
	unsigned char *file = NULL;
	size_t len = 0, n;
	int rc = ET_OK;

	if (!server && env && *env)
		server = env;
	if (server) {
		n = strlen(server);
		while (n > 1 && server[n - 1] == '/')
			n--;
		if (n >= sizeof s->url)
			return ET_ELIMIT;
		memcpy(s->url, server, n);
		s->url[n] = 0;
		return ET_OK;
	}
	if ((rc = current_path(path, sizeof path)))
		return rc;
	if ((rc = et_read_file(path, sizeof s->url, &file, &len)))
		return rc;
	while (len && (file[len - 1] == '\n' || file[len - 1] == '\r'))
		len--;
	if (!len || len >= sizeof s->url || memchr(file, 0, len) || memchr(file, '\n', len))
		rc = ET_EINVAL;
	else {
		memcpy(s->url, file, len);
		s->url[len] = 0;
	}
	free(file);
	return rc;
}

int client_session_open(const char *server, bool need_login, struct client_session *s)
{
	int rc;

	memset(s, 0, sizeof *s);
	rc = resolve_server(server, s);
	if (rc == ET_ENOTFOUND) {
		client_error(rc, "没有服务器：请先登录或使用 --server / no server: log in first or "
				 "give --server URL");
		return rc;
	}
	if (rc) {
		client_error(rc, "服务器地址 / server URL");
		return rc;
	}
	if (strncmp(s->url, "http://", 7) && strncmp(s->url, "https://", 8)) {
		client_error(ET_EINVAL, "%s: 需要 http:// 或 https:// / needs http:// or https://", s->url);
		return ET_EINVAL;
	}
	if ((rc = session_load(s))) {
		client_error(rc, "%s: 会话文件无效 / bad session file", s->url);
		return rc;
	}
	if (need_login && !s->have_token) {
		client_error(ET_EDENIED, "%s %s / %s %s: etender login --server %s --user LOGIN",
			     s->expired ? "会话已过期" : "未登录", s->url,
			     s->expired ? "the session expired at" : "not logged in to", s->url, s->url);
		return ET_EDENIED;
	}
	return ET_OK;
}

void client_session_close(struct client_session *s)
{
	crypto_wipe(s, sizeof *s);
}

/* ---- API calls ------------------------------------------------------------ */

int client_api_error(const struct client_http_resp *r, const char *what)
{
	const char *code = "", *rule = "", *zh = "", *en = "";
	json_t *root = NULL, *e = NULL;
	int rc;

	if (r->body.len && r->body.len <= ET_HTTP_MAX_ERROR_BODY)
		root = json_loadb((const char *)r->body.data, r->body.len, JSON_REJECT_DUPLICATES, NULL);
	e = json_object_get(root, "error");
	code = client_jstr(e, "code");
	rule = client_jstr(e, "rule");
	zh = client_jstr(e, "message_zh");
	en = client_jstr(e, "message_en");
	switch (r->status) {
	case 400: rc = !strcmp(code, "EVERIFY") ? ET_EVERIFY : !strcmp(code, "EKEY") ? ET_EKEY : ET_EINVAL; break;
	case 401:
	case 403: rc = ET_EDENIED; break;
	case 404: rc = ET_ENOTFOUND; break;
	case 409: rc = !strcmp(code, "EEXIST") ? ET_EEXIST : ET_ESTATE; break;
	case 413: rc = ET_ELIMIT; break;
	case 503: rc = ET_ENOMEM; break;
	default: rc = ET_EIO; break;
	}
	fprintf(stderr, "etender: HTTP %ld %s%s%s%s: %s / %s", r->status, code, rule[0] ? " [" : "",
		rule, rule[0] ? "]" : "", zh[0] ? zh : et_strerror_zh(rc), en[0] ? en : et_strerror(rc));
	if (what && *what)
		fprintf(stderr, ": %s", what);
	fputc('\n', stderr);
	if (r->status == 401)
		fputs("etender: 请重新登录 / log in again: etender login --user LOGIN\n", stderr);
	json_decref(root);
	return rc;
}

int client_api(const struct client_session *s, const char *method, const char *path,
	       const void *body, size_t len, const char *ctype, const char *what, json_t **out)
{
	struct client_http_resp r;
	json_error_t je;
	json_t *j = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (!strcmp(method, "POST") && !body) {
		body = "";
		len = 0;
	}
	rc = client_http_request(s->url, path, s->have_token ? s->token : NULL,
				 strcmp(method, "POST") ? NULL : body, len, ctype, ET_HTTP_MAX_BODY, &r);
	if (rc) {
		client_error(rc, "%s %s%s: %s", method, s->url, path, r.error);
		goto out;
	}
	if (r.status != 200) {
		rc = client_api_error(&r, what);
		goto out;
	}
	j = json_loadb((const char *)r.body.data, r.body.len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		rc = ET_EINVAL;
		client_error(rc, "%s %s: JSON 无效 / invalid JSON: %s", method, path, je.text);
		goto out;
	}
	if (out) {
		*out = j;
		j = NULL;
	}
out:
	json_decref(j);
	client_http_resp_free(&r);
	return rc;
}

int client_api_post_json(const struct client_session *s, const char *path, json_t *body,
			 const char *what, json_t **out)
{
	char *txt = json_dumps(body, JSON_COMPACT);
	int rc;

	if (!txt) {
		client_error(ET_ENOMEM, "JSON");
		return ET_ENOMEM;
	}
	rc = client_api(s, "POST", path, txt, strlen(txt), "application/json", what, out);
	crypto_wipe(txt, strlen(txt));
	free(txt);
	return rc;
}

/* ---- passwords -------------------------------------------------------------- */

/* A password from the first line of file, or typed at the terminal without
 * echo (prompt on /dev/tty). out wiped by the caller. */
static int read_password(const char *file, const char *prompt, char *out, size_t cap)
{
	struct termios old, quiet;
	unsigned char *data = NULL;
	size_t len = 0, n;
	FILE *tty = NULL;
	bool restore = false;
	int rc = ET_OK;

	out[0] = 0;
	if (file) {
		if ((rc = et_read_file(file, cap + 2, &data, &len)))
			return rc;
		n = 0;
		while (n < len && data[n] != '\n' && data[n] != '\r')
			n++;
		if (n >= cap || memchr(data, 0, n))
			rc = ET_EINVAL;
		else {
			memcpy(out, data, n);
			out[n] = 0;
		}
		crypto_wipe(data, len);
		free(data);
		return rc;
	}
	if (!(tty = fopen("/dev/tty", "r+e")))
		return ET_ENOTFOUND;
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	fputs(prompt, tty);
	fflush(tty);
	if (!fgets(out, (int)cap, tty))
		rc = ET_EIO;
	else
		out[strcspn(out, "\r\n")] = 0;
	if (restore)
		(void)tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return rc;
}

/* ---- login, logout, whoami, passwd ----------------------------------------- */

static const char login_usage[] =
	"用法 / usage: etender login --server URL --user LOGIN [--password-file FILE]\n"
	"  登录平台：密码在终端输入（不回显），或从文件第一行读取（脚本用）。\n"
	"  Log in: the password is typed without echo, or read from the first line\n"
	"  of FILE. The API token is saved 0600 in the config dir\n"
	"  ($ETENDER_HOME or ~/.config/etender) for this server, which becomes the\n"
	"  default server of later commands ($ETENDER_SERVER or --server override).\n"
	"  The log's verifier key is pinned on first use and its fingerprint shown;\n"
	"  a different key later is refused (etender pin).\n";

/* Pin (first use) or check the log key of s->url; prints its fingerprint. */
static int pin_log_key(const struct client_session *s)
{
	struct client_http_resp r;
	struct client_pins p;
	bool changed = false;
	char fp[80], *key = NULL;
	int rc;

	rc = client_http_get(s->url, "/log/key", NULL, ET_NOTE_MAX_LEN, &r);
	if (rc) {
		client_error(rc, "GET %s/log/key: %s", s->url, r.error);
		goto out;
	}
	if (r.status != 200) {
		rc = client_api_error(&r, "/log/key");
		goto out;
	}
	key = (char *)r.body.data;
	key[strcspn(key, "\r\n")] = 0;
	if ((rc = client_pins_load(s->url, &p))) {
		client_error(rc, "%s: 固定的公钥 / pins", s->url);
		goto out;
	}
	if ((rc = client_pin_check(s->url, "log", p.log_vkey, sizeof p.log_vkey, key, &changed)))
		goto out;
	if (changed && (rc = client_pins_save(&p))) {
		client_error(rc, "%s: 固定的公钥 / pins", s->url);
		goto out;
	}
	client_fingerprint(key, fp);
	fprintf(stderr, "etender: 日志公钥指纹 / log key fingerprint: %s\n", fp);
out:
	client_http_resp_free(&r);
	return rc;
}

int client_cmd_login(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	struct et_buf body;
	char pw[ET_TENDER_PASSWORD_MAX + 2], when[96];
	json_t *j = NULL, *pr, *roles, *v;
	size_t i;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	et_buf_init(&body, 4 * ET_TENDER_PASSWORD_MAX + 1024);
	pw[0] = 0;
	if ((rc = client_args_parse(argc, argv, "uP", login_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.user || a.npos)
		return client_usage_error(login_usage, "需要 --user / --user is required");
	if (client_session_open(a.server, false, &s))
		goto out;
	if (pin_log_key(&s))
		goto out;
	if ((rc = read_password(a.password_file, "密码 / password: ", pw, sizeof pw))) {
		client_error(rc, "%s", a.password_file ? a.password_file
						       : "无法读取密码（没有终端？请用 --password-file）/ cannot "
							 "read the password (no terminal? use --password-file)");
		goto out;
	}
	if (et_buf_addstr(&body, "{\"login\":") || json_quote(&body, a.user) ||
	    et_buf_addstr(&body, ",\"password\":") || json_quote(&body, pw) ||
	    et_buf_addstr(&body, "}")) {
		client_error(ET_ELIMIT, "--user / password");
		goto out;
	}
	memset(s.token, 0, sizeof s.token);
	s.have_token = false;
	if (client_api(&s, "POST", "/api/login", body.data, body.len, "application/json", a.user, &j))
		goto out;
	pr = json_object_get(j, "principal");
	if (strncmp(client_jstr(j, "token"), "et1.", 4) || !json_is_integer(json_object_get(j, "expires_us")) ||
	    copy_str(s.token, sizeof s.token, client_jstr(j, "token")) ||
	    copy_str(s.user, sizeof s.user, client_jstr(pr, "user")) ||
	    copy_str(s.login, sizeof s.login, a.user)) {
		client_error(ET_EINVAL, "/api/login: 回答无效 / unexpected answer");
		goto out;
	}
	s.expires_us = json_integer_value(json_object_get(j, "expires_us"));
	s.have_token = true;
	if ((rc = session_save(&s))) {
		client_error(rc, "会话 / session");
		goto out;
	}
	client_time_fmt(s.expires_us, when, sizeof when);
	printf("已登录 / logged in: %s (%s) @ %s\n  机构 / org: %s (%s)\n  角色 / roles:", a.user,
	       s.user, s.url, client_jstr(pr, "org"), client_jstr(pr, "org_kind"));
	roles = json_object_get(pr, "roles");
	json_array_foreach(roles, i, v)
		printf(" %s", json_is_string(v) ? json_string_value(v) : "?");
	printf("\n  有效至 / valid until: %s\n", when);
	ret = 0;
out:
	crypto_wipe(pw, sizeof pw);
	et_buf_free(&body);
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char logout_usage[] =
	"用法 / usage: etender logout [--server URL]\n"
	"  注销：服务器吊销令牌，本机删除保存的会话。\n"
	"  Log out: the server revokes the token and the saved session is deleted.\n";

int client_cmd_logout(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	int rc, ret = 1;

	if ((rc = client_args_parse(argc, argv, "", logout_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (a.npos)
		return client_usage_error(logout_usage, "多余的参数 / unexpected argument");
	if (client_session_open(a.server, true, &s))
		goto out;
	rc = client_api(&s, "POST", "/api/logout", NULL, 0, NULL, NULL, NULL);
	/* an expired or revoked token is logged out already */
	if (rc && rc != ET_EDENIED)
		goto out;
	if ((rc = session_forget(&s))) {
		client_error(rc, "会话 / session");
		goto out;
	}
	printf("已注销 / logged out of %s\n", s.url);
	ret = 0;
out:
	client_session_close(&s);
	return ret;
}

static const char whoami_usage[] =
	"用法 / usage: etender whoami [--server URL] [--json]\n"
	"  显示当前登录的用户、机构、角色和已登记的公钥。\n"
	"  Show the logged-in user, organisation, roles and registered keys.\n";

int client_cmd_whoami(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	json_t *j = NULL, *pr, *v;
	char when[96];
	size_t i;
	int rc, ret = 1;

	if ((rc = client_args_parse(argc, argv, "", whoami_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (a.npos)
		return client_usage_error(whoami_usage, "多余的参数 / unexpected argument");
	if (client_session_open(a.server, true, &s))
		goto out;
	if (client_api(&s, "GET", "/api/me", NULL, 0, NULL, NULL, &j))
		goto out;
	if (a.json) {
		client_json_print(j);
	} else {
		pr = json_object_get(j, "principal");
		client_time_fmt(s.expires_us, when, sizeof when);
		printf("服务器 / server: %s\n用户 / user: %s (%s)\n机构 / org: %s (%s)\n角色 / roles:",
		       s.url, s.login, client_jstr(pr, "user"), client_jstr(pr, "org"),
		       client_jstr(pr, "org_kind"));
		json_array_foreach(json_object_get(pr, "roles"), i, v)
			printf(" %s", json_is_string(v) ? json_string_value(v) : "?");
		printf("\nX25519: %s\nEd25519: %s\n会话有效至 / session valid until: %s\n",
		       client_jstr(j, "x25519")[0] ? client_jstr(j, "x25519") : "(未登记 / not registered)",
		       client_jstr(j, "ed25519")[0] ? client_jstr(j, "ed25519") : "(未登记 / not registered)",
		       when);
	}
	ret = 0;
out:
	json_decref(j);
	client_session_close(&s);
	return ret;
}

static const char passwd_usage[] =
	"用法 / usage: etender passwd [--server URL] [--password-file OLD --file NEW]\n"
	"  修改密码（至少 10 字节）；修改后所有会话失效，请重新登录。\n"
	"  Change the password (at least 10 bytes); every session ends, log in again.\n"
	"  Typed without echo, or OLD and NEW from the first line of two files.\n";

int client_cmd_passwd(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	struct et_buf body;
	char old[ET_TENDER_PASSWORD_MAX + 2], nw[ET_TENDER_PASSWORD_MAX + 2],
		again[ET_TENDER_PASSWORD_MAX + 2];
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	et_buf_init(&body, 8 * ET_TENDER_PASSWORD_MAX + 64);
	old[0] = nw[0] = again[0] = 0;
	if ((rc = client_args_parse(argc, argv, "Pf", passwd_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (a.npos || !a.password_file != !a.file)
		return client_usage_error(passwd_usage, "--password-file 与 --file 须同时给出 / give both files or none");
	if (client_session_open(a.server, true, &s))
		goto out;
	if ((rc = read_password(a.password_file, "旧密码 / old password: ", old, sizeof old)) ||
	    (rc = read_password(a.file, "新密码 / new password: ", nw, sizeof nw)) ||
	    (!a.file && (rc = read_password(NULL, "再输一次 / again: ", again, sizeof again)))) {
		client_error(rc, "密码 / password");
		goto out;
	}
	if (!a.file && strcmp(nw, again)) {
		client_error(ET_EINVAL, "两次输入不同 / the two entries differ");
		goto out;
	}
	if (et_buf_addstr(&body, "{\"old\":") || json_quote(&body, old) ||
	    et_buf_addstr(&body, ",\"new\":") || json_quote(&body, nw) || et_buf_addstr(&body, "}")) {
		client_error(ET_ELIMIT, "password");
		goto out;
	}
	if (client_api(&s, "POST", "/api/me/password", body.data, body.len, "application/json", NULL, NULL))
		goto out;
	(void)session_forget(&s);
	printf("密码已修改，请重新登录 / password changed; log in again\n");
	ret = 0;
out:
	crypto_wipe(old, sizeof old);
	crypto_wipe(nw, sizeof nw);
	crypto_wipe(again, sizeof again);
	et_buf_free(&body);
	client_session_close(&s);
	return ret;
}

/* ---- key register ------------------------------------------------------------ */

static const char key_usage[] =
	"用法 / usage: etender key register -i IDENTITY [--server URL]\n"
	"  登记本人的公钥（X25519 用于密封，Ed25519 用于签名），证明持有私钥：\n"
	"  平台把随机挑战加密给 X25519 公钥，本机解密并计算 SHA-256，再用 Ed25519\n"
	"  私钥签名 \"etender-user-key/v1\\nUSER\\nRECIPIENT\\nbase64(ED25519)\\nRESPONSE\\n\"。\n"
	"  Register your own keys (from `etender keygen -o IDENTITY`) with proof of\n"
	"  possession: the platform seals a random challenge to the X25519 key, this\n"
	"  machine opens it, hashes it, and signs the documented message with the\n"
	"  Ed25519 key. Private keys never leave this machine.\n";

struct memsrc {
	const unsigned char *p;
	size_t n, off;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct memsrc *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

int client_cmd_key(int argc, char **argv)
{
	struct client_session s;
	struct client_args a;
	struct client_identity id;
	struct et_buf plain, msg;
	unsigned char pub[CRYPTO_X25519_LEN], h[32], sig[64];
	char resp[65], pubb64[48], sigb64[96], *recipient = NULL;
	const char *armored;
	json_t *j = NULL, *body = NULL;
	bool have_id = false;
	int rc, ret = 1;

	memset(&s, 0, sizeof s);
	et_buf_init(&plain, 4096);
	et_buf_init(&msg, 4096);
	if (argc < 2 || strcmp(argv[1], "register")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(key_usage, stdout);
			return 0;
		}
		return client_usage_error(key_usage, "需要子命令 register / expected 'register'");
	}
	if ((rc = client_args_parse(argc - 1, argv + 1, "i", key_usage, &a)))
		return rc < 0 ? 0 : rc;
	if (!a.identity || a.npos)
		return client_usage_error(key_usage, "需要 -i IDENTITY / -i IDENTITY is required");
	if ((rc = client_identity_load(a.identity, &id)))
		return client_error(rc, "%s", a.identity);
	have_id = true;
	if (!id.has_signing || !id.has_x25519) {
		client_error(ET_EINVAL, "%s: 需要 X25519 与 Ed25519 密钥（etender keygen）/ needs an X25519 "
			     "and an Ed25519 key (etender keygen)", a.identity);
		goto out;
	}
	if ((rc = crypto_x25519_public(id.x25519_priv, pub)) ||
	    (rc = crypto_age_x25519_recipient_string(pub, &recipient))) {
		client_error(rc, "%s", a.identity);
		goto out;
	}
	if (client_session_open(a.server, true, &s))
		goto out;
	if (!(body = json_pack("{s:s}", "recipient", recipient))) {
		client_error(ET_ENOMEM, "JSON");
		goto out;
	}
	if (client_api_post_json(&s, "/api/me/keys/challenge", body, NULL, &j))
		goto out;
	armored = client_jstr(j, "challenge");
	{
		struct memsrc m = { (const unsigned char *)armored, strlen(armored), 0 };

		rc = crypto_age_decrypt((const struct crypto_age_identity *const *)id.age, 1, mem_read,
					&m, buf_write, &plain);
	}
	if (rc) {
		client_error(rc, "挑战无法解密 / cannot open the challenge");
		goto out;
	}
	crypto_sha256(plain.data, plain.len, h);
	et_hex_encode(h, 32, resp);
	if ((rc = tender_key_message(s.user, recipient, id.sign_pub, resp, &msg)) ||
	    (rc = crypto_ed25519_sign(id.sign_seed, msg.data, msg.len, sig))) {
		client_error(rc, "签名 / sign");
		goto out;
	}
	et_b64_encode(id.sign_pub, 32, pubb64);
	et_b64_encode(sig, 64, sigb64);
	json_decref(body);
	json_decref(j);
	j = NULL;
	if (!(body = json_pack("{s:s,s:s,s:s,s:s}", "recipient", recipient, "ed25519", pubb64,
			       "response", resp, "sig", sigb64))) {
		client_error(ET_ENOMEM, "JSON");
		goto out;
	}
	if (client_api_post_json(&s, "/api/me/keys", body, NULL, &j))
		goto out;
	printf("已登记密钥 / keys registered for %s (%s)\n  X25519: %s\n  Ed25519: %s\n", s.login,
	       s.user, recipient, pubb64);
	ret = 0;
out:
	if (have_id)
		client_identity_free(&id);
	json_decref(body);
	json_decref(j);
	free(recipient);
	et_buf_free(&plain);
	et_buf_free(&msg);
	crypto_wipe(h, sizeof h);
	client_session_close(&s);
	return ret;
}
