/* client/evalcmd.c — evaluation and award from every role's machine
 * (docs/evaluation.md, docs/api.md "Evaluation"): the expert pool
 * (administrator), the draw (agent, supervisor, duty chief), the panel's
 * work (experts: sheets and the report signed here with the expert's own
 * key; the compliance review, the chair's adjustments and explanations of
 * abnormally low prices, which the bidder asked answers), the result (agent,
 * bidders), and the checks anyone runs: `draw
 * verify` recomputes the panel with the server's own pure selection
 * (ev_draw_select) from the revealed values and the log. The supervisor's
 * random value is drawn here, kept in a 0600 file and sealed here to the
 * duty chief's registered X25519 key; the duty chief opens its sealed copy
 * here. Printable documents are in printcmd.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "audit/audit.h"
#include "client/client.h"
#include "client/evalcli.h"
#include "evaluation/evaluation.h"

#define MAXQ EV_MAX_QUOTAS
#define MAXREP EV_MAX_MEMBERS

struct ev_opts {
	const char *server, *tender, *file, *identity, *state, *reason, *text, *org, *kind, *user,
		*specialties, *employer, *region, *title, *name, *phone, *id_number, *status, *basis,
		*from, *until, *duty_chief, *deadline, *party, *candidate, *lot, *bid, *member,
		*objection, *signed_at, *out, *question, *due, *id, *criterion;
	const char *quotas[MAXQ];
	size_t nquotas;
	const char *reps[MAXREP];
	size_t nreps;
	long long years, members, reserves, price, amount;
	bool json, avoid, upheld, have_years, have_members, have_reserves, have_price, have_amount,
		pass, fail;
	char **pos;
	int npos;
};

/* Parse the options after "CMD SUB"; the first positional argument is the
 * tender (or the expert for `expert status|relation|penalty`). 0, 2 after a
 * usage error, -1 after --help. */
static int ev_parse(int argc, char **argv, const char *usage, struct ev_opts *o)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "tender", required_argument, NULL, 't' },
		{ "file", required_argument, NULL, 'f' },
		{ "identity", required_argument, NULL, 'i' },
		{ "state", required_argument, NULL, 'S' },
		{ "reason", required_argument, NULL, 'r' },
		{ "text", required_argument, NULL, 'x' },
		{ "org", required_argument, NULL, 'O' },
		{ "kind", required_argument, NULL, 'k' },
		{ "user", required_argument, NULL, 'u' },
		{ "specialties", required_argument, NULL, 1 },
		{ "employer", required_argument, NULL, 2 },
		{ "region", required_argument, NULL, 3 },
		{ "title", required_argument, NULL, 4 },
		{ "name", required_argument, NULL, 5 },
		{ "phone", required_argument, NULL, 6 },
		{ "id-number", required_argument, NULL, 7 },
		{ "status", required_argument, NULL, 8 },
		{ "basis", required_argument, NULL, 9 },
		{ "from", required_argument, NULL, 10 },
		{ "until", required_argument, NULL, 11 },
		{ "duty-chief", required_argument, NULL, 12 },
		{ "deadline", required_argument, NULL, 13 },
		{ "party", required_argument, NULL, 14 },
		{ "candidate", required_argument, NULL, 15 },
		{ "lot", required_argument, NULL, 16 },
		{ "bid", required_argument, NULL, 17 },
		{ "member", required_argument, NULL, 18 },
		{ "objection", required_argument, NULL, 19 },
		{ "signed", required_argument, NULL, 20 },
		{ "quota", required_argument, NULL, 21 },
		{ "rep", required_argument, NULL, 22 },
		{ "years", required_argument, NULL, 23 },
		{ "members", required_argument, NULL, 24 },
		{ "reserves", required_argument, NULL, 25 },
		{ "price", required_argument, NULL, 26 },
		{ "avoid", no_argument, NULL, 27 },
		{ "upheld", no_argument, NULL, 28 },
		{ "question", required_argument, NULL, 29 },
		{ "due", required_argument, NULL, 30 },
		{ "id", required_argument, NULL, 31 },
		{ "criterion", required_argument, NULL, 32 },
		{ "amount", required_argument, NULL, 33 },
		{ "pass", no_argument, NULL, 34 },
		{ "fail", no_argument, NULL, 35 },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long long *num;
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hjs:t:f:i:r:x:o:u:k:", opts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 't': o->tender = optarg; break;
		case 'f': o->file = optarg; break;
		case 'i': o->identity = optarg; break;
		case 'S': o->state = optarg; break;
		case 'r': o->reason = optarg; break;
		case 'x': o->text = optarg; break;
		case 'O': o->org = optarg; break;
		case 'k': o->kind = optarg; break;
		case 'u': o->user = optarg; break;
		case 'o': o->out = optarg; break;
		case 1: o->specialties = optarg; break;
		case 2: o->employer = optarg; break;
		case 3: o->region = optarg; break;
		case 4: o->title = optarg; break;
		case 5: o->name = optarg; break;
		case 6: o->phone = optarg; break;
		case 7: o->id_number = optarg; break;
		case 8: o->status = optarg; break;
		case 9: o->basis = optarg; break;
		case 10: o->from = optarg; break;
		case 11: o->until = optarg; break;
		case 12: o->duty_chief = optarg; break;
		case 13: o->deadline = optarg; break;
		case 14: o->party = optarg; break;
		case 15: o->candidate = optarg; break;
		case 16: o->lot = optarg; break;
		case 17: o->bid = optarg; break;
		case 18: o->member = optarg; break;
		case 19: o->objection = optarg; break;
		case 20: o->signed_at = optarg; break;
		case 21:
			if (o->nquotas == MAXQ)
				return client_usage_error(usage, "--quota 过多 / too many --quota");
			o->quotas[o->nquotas++] = optarg;
			break;
		case 22:
			if (o->nreps == MAXREP)
				return client_usage_error(usage, "--rep 过多 / too many --rep");
			o->reps[o->nreps++] = optarg;
			break;
		case 23: case 24: case 25: case 26:
			num = c == 23 ? &o->years : c == 24 ? &o->members : c == 25 ? &o->reserves : &o->price;
			errno = 0;
			*num = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || *num < 0)
				return client_usage_error(usage, "数值无效 / invalid number: %s", optarg);
			if (c == 23) o->have_years = true;
			else if (c == 24) o->have_members = true;
			else if (c == 25) o->have_reserves = true;
			else o->have_price = true;
			break;
		case 27: o->avoid = true; break;
		case 28: o->upheld = true; break;
		case 29: o->question = optarg; break;
		case 30: o->due = optarg; break;
		case 31: o->id = optarg; break;
		case 32: o->criterion = optarg; break;
		case 33:   /* fen, signed: an adjustment may lower the evaluated price */
			errno = 0;
			o->amount = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end)
				return client_usage_error(usage, "数值无效 / invalid number: %s", optarg);
			o->have_amount = true;
			break;
		case 34: o->pass = true; break;
		case 35: o->fail = true; break;
		case 'j': o->json = true; break;
		case 'h': fputs(usage, stdout); return -1;
		default:
			return client_usage_error(usage, "未知选项或缺少参数 / unknown option or missing value: %s",
						  argv[optind - 1]);
		}
	}
	if (optind < argc && !o->tender)
		o->tender = argv[optind++];
	o->pos = argv + optind;
	o->npos = argc - optind;
	if (o->npos)
		return client_usage_error(usage, "多余的参数 / unexpected argument: %s", argv[optind]);
	return 0;
}

static int need(const char *usage, const char *v, const char *what)
{
	if (v && *v)
		return 0;
	return client_usage_error(usage, "需要 %s / %s is required", what, what);
}

/* "/api/<a>/<escaped id>/<rest>" */
static int idpath(const char *a, const char *id, const char *rest, char *out, size_t cap)
{
	char *e = curl_escape(id, 0);

	if (!e)
		return client_error(ET_ENOMEM, "curl"), ET_ENOMEM;
	client_fmt(out, cap, "/api/%s/%s%s%s", a, e, rest && *rest ? "/" : "", rest ? rest : "");
	curl_free(e);
	return ET_OK;
}

/* POST body (decref'd here) to path; prints the answer with --json or ok_line. */
static int post_and_say(const struct ev_opts *o, const char *path, json_t *body, const char *what,
			json_t **ans_out)
{
	struct client_session s;
	json_t *ans = NULL;
	int rc;

	if (!body) {
		client_error(ET_ENOMEM, "json");
		return 1;
	}
	if (client_session_open(o->server, true, &s)) {
		json_decref(body);
		return 1;
	}
	rc = client_api_post_json(&s, path, body, what, &ans);
	json_decref(body);
	client_session_close(&s);
	if (rc)
		return 1;
	if (o->json)
		client_json_print(ans);
	if (ans_out)
		*ans_out = ans;
	else
		json_decref(ans);
	return 0;
}

/* GET path, print --json or hand it back. */
static int get_json(const struct ev_opts *o, bool login, const char *path, const char *what,
		    json_t **out)
{
	struct client_session s;
	int rc;

	*out = NULL;
	if (client_session_open(o->server, login, &s))
		return 1;
	rc = client_api(&s, "GET", path, NULL, 0, NULL, what, out);
	client_session_close(&s);
	return rc ? 1 : 0;
}

/* ---- the expert pool (administrator) -------------------------------------------- */

static const char expert_usage[] =
	"用法 / usage: etender expert add --user USER --specialties A;B --region R --title T\n"
	"                 --years N --name NAME [--employer ORG] [--phone P] [--id-number N]\n"
	"       etender expert import --file EXPERTS.csv\n"
	"       etender expert status EXPERT --status active|suspended --reason TEXT\n"
	"       etender expert relation EXPERT --org ORG --kind near_relative|employment|economic|other\n"
	"       etender expert penalty EXPERT --basis TEXT --from TIME --until TIME\n"
	"       etender expert list [--json]\n"
	"  管理员维护评标专家库：登记、CSV 批量导入（表头 user,name,phone,id_number,specialties,\n"
	"  employer,region,title,years；全部成功或全部拒绝，错误指明行号）、状态、关联关系（专家\n"
	"  本人也可申报）、处罚。姓名、电话、身份证号存于平台私有库，日志只有其哈希。\n"
	"  The administrator keeps the expert pool: register, import a CSV (header\n"
	"  user,name,phone,id_number,specialties,employer,region,title,years; all or\n"
	"  nothing, an error names its line), status, declared relations (the expert\n"
	"  itself may declare its own), penalties. Personal details go to the private\n"
	"  store, the log has their hash. TIME: RFC 3339 UTC or microseconds.\n"
	"  All take [--server URL] [--json].\n";

static int expert_import(const struct ev_opts *o)
{
	struct client_session s;
	unsigned char *buf = NULL;
	size_t len = 0;
	json_t *ans = NULL;
	int rc;

	if ((rc = et_read_file(o->file, EV_CSV_MAX, &buf, &len)))
		return client_error(rc, "%s", o->file);
	if (client_session_open(o->server, true, &s)) {
		free(buf);
		return 1;
	}
	rc = client_api(&s, "POST", "/api/experts/import", buf, len, "text/csv", "expert import", &ans);
	free(buf);
	client_session_close(&s);
	if (rc)
		return 1;
	if (o->json)
		client_json_print(ans);
	else
		printf("已导入 / imported: %lld\n", (long long)json_integer_value(json_object_get(ans, "imported")));
	json_decref(ans);
	return 0;
}

static int expert_list(const struct ev_opts *o)
{
	json_t *j, *e;
	size_t i;

	if (get_json(o, true, "/api/experts", "expert list", &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	printf("%-22s %-22s %-9s %-10s %s\n", "expert", "user", "status", "region", "specialties");
	json_array_foreach(json_object_get(j, "experts"), i, e) {
		json_t *sp = json_object_get(e, "specialties");
		char *spt = json_is_string(sp) ? strdup(json_string_value(sp)) : json_dumps(sp, JSON_COMPACT);

		printf("%-22s %-22s %-9s %-10s %s\n", client_jstr(e, "id"), client_jstr(e, "user"),
		       client_jstr(e, "status"), client_jstr(e, "region"), spt ? spt : "");
		free(spt);
	}
	printf("关联关系 / relations: %zu，处罚 / penalties: %zu\n",
	       json_array_size(json_object_get(j, "relations")),
	       json_array_size(json_object_get(j, "penalties")));
	json_decref(j);
	return 0;
}

int client_cmd_expert(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	char path[512];
	int64_t from = 0, until = 0;
	json_t *ans = NULL;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(expert_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, expert_usage, &o)))
		return rc < 0 ? 0 : rc;
	if (!strcmp(sub, "list"))
		return expert_list(&o);
	if (!strcmp(sub, "import"))
		return need(expert_usage, o.file, "--file") ?: expert_import(&o);
	if (!strcmp(sub, "add")) {
		json_t *b;

		if ((rc = need(expert_usage, o.user, "--user")) ||
		    (rc = need(expert_usage, o.specialties, "--specialties")) ||
		    (rc = need(expert_usage, o.region, "--region")) ||
		    (rc = need(expert_usage, o.title, "--title")) ||
		    (rc = need(expert_usage, o.name, "--name")))
			return rc;
		if (!o.have_years || o.years > 70)
			return client_usage_error(expert_usage, "需要 --years（0–70）/ --years (0-70) is required");
		b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "user", o.user, "specialties",
			      o.specialties, "employer", o.employer ? o.employer : "", "region", o.region,
			      "title", o.title, "years", (json_int_t)o.years, "name", o.name);
		if (b && o.phone)
			json_object_set_new(b, "phone", json_string(o.phone));
		if (b && o.id_number)
			json_object_set_new(b, "id_number", json_string(o.id_number));
		if (post_and_say(&o, "/api/experts", b, "expert add", &ans))
			return 1;
		if (!o.json)
			printf("%s\n", client_jstr(ans, "id"));
		json_decref(ans);
		return 0;
	}
	if (strcmp(sub, "status") && strcmp(sub, "relation") && strcmp(sub, "penalty"))
		return client_usage_error(expert_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = need(expert_usage, o.tender, "EXPERT")))
		return rc;
	if (!strcmp(sub, "status")) {
		if ((rc = need(expert_usage, o.status, "--status")) ||
		    (rc = need(expert_usage, o.reason, "--reason")) ||
		    idpath("experts", o.tender, "status", path, sizeof path))
			return rc ? rc : 1;
		rc = post_and_say(&o, path, json_pack("{s:s,s:s}", "status", o.status, "reason", o.reason),
				  "expert status", NULL);
	} else if (!strcmp(sub, "relation")) {
		if ((rc = need(expert_usage, o.org, "--org")) || (rc = need(expert_usage, o.kind, "--kind")) ||
		    idpath("experts", o.tender, "relations", path, sizeof path))
			return rc ? rc : 1;
		rc = post_and_say(&o, path, json_pack("{s:s,s:s}", "org", o.org, "kind", o.kind),
				  "expert relation", NULL);
	} else {
		if ((rc = need(expert_usage, o.basis, "--basis")) || (rc = need(expert_usage, o.from, "--from")) ||
		    (rc = need(expert_usage, o.until, "--until")))
			return rc;
		if (client_time_parse(o.from, &from) || client_time_parse(o.until, &until))
			return client_usage_error(expert_usage, "时间无效 / invalid time");
		if (idpath("experts", o.tender, "penalties", path, sizeof path))
			return 1;
		rc = post_and_say(&o, path, json_pack("{s:s,s:I,s:I}", "basis", o.basis, "from_us",
						      (json_int_t)from, "until_us", (json_int_t)until),
				  "expert penalty", NULL);
	}
	if (!rc && !o.json)
		printf("%s: 已记录 / recorded\n", o.tender);
	return rc;
}

/* ---- the draw ----------------------------------------------------------------------- */

static const char draw_usage[] =
	"用法 / usage: etender draw request TENDER --members N --quota SPECIALTY:COUNT ...\n"
	"                 --reserves N [--rep USER ...] --duty-chief USER --deadline TIME\n"
	"       etender draw commit TENDER --state FILE\n"
	"       etender draw reveal TENDER --state FILE              (监督人 / the supervisor)\n"
	"       etender draw reveal TENDER --party supervisor|platform -i IDENTITY  (值班负责人 / duty chief)\n"
	"       etender draw show TENDER [--json]\n"
	"       etender draw verify TENDER\n"
	"  request（代理机构）：按专业抽取的名额、每专业备选人数、招标人代表、交易中心值班负责人\n"
	"  与评标截止时间。commit（监督人）：在本机生成 32 字节随机数，存入 --state 文件（0600，\n"
	"  不得已存在），把其 SHA-256 承诺和用值班负责人在平台登记的 X25519 公钥（从平台取得，\n"
	"  不由用户提供）密封的副本提交；平台同时承诺并公开其值。reveal：监督人从 --state 文件\n"
	"  公开其值；监督人拒绝时，值班负责人用本人身份（-i）解开密封副本并公开。第二个值公开\n"
	"  时平台抽取评标委员会。verify：用服务器同一个纯函数（ev_draw_select）按公开的值、日志\n"
	"  根（从 /log/ 下载叶子重算）重算种子与抽取结果并核对。\n"
	"  request (agent): quotas by specialty, reserves per specialty, the\n"
	"  tenderer's representatives, the trading center's duty chief, the\n"
	"  evaluation deadline. commit (supervisor): draws 32 random bytes here, keeps\n"
	"  them in --state FILE (0600, must not exist), sends their SHA-256 and a copy\n"
	"  sealed to the duty chief's X25519 key as registered on the platform\n"
	"  (fetched, never typed); the platform commits and reveals its own value.\n"
	"  reveal: the supervisor from its --state file; if it refuses, the duty chief\n"
	"  opens the sealed copy with its identity (-i) and reveals it. The second\n"
	"  value draws the panel. verify: recomputes the seed (the log root from the\n"
	"  leaves of /log/) and the selection with the server's own pure function\n"
	"  (ev_draw_select) and compares. All take [--server URL] [--json].\n";

/* The caller's view of the draw. */
static int draw_get(const struct ev_opts *o, bool login, json_t **out)
{
	char path[512];

	if (idpath("tenders", o->tender, "draw", path, sizeof path))
		return 1;
	return get_json(o, login, path, "draw", out);
}

static int draw_request(const struct ev_opts *o)
{
	json_t *q = json_array(), *r = json_array(), *b, *ans = NULL;
	int64_t deadline = 0;
	char path[512];
	size_t i;
	int rc;

	if (!o->have_members || !o->have_reserves || !o->nquotas || !o->duty_chief || !o->deadline) {
		json_decref(q);
		json_decref(r);
		return client_usage_error(draw_usage, "需要 --members --quota --reserves --duty-chief --deadline / "
					  "--members, --quota, --reserves, --duty-chief and --deadline are required");
	}
	if (client_time_parse(o->deadline, &deadline)) {
		json_decref(q);
		json_decref(r);
		return client_usage_error(draw_usage, "--deadline 无效 / invalid --deadline");
	}
	for (i = 0; i < o->nquotas; i++) {
		const char *colon = strrchr(o->quotas[i], ':');
		char spec[64], *end;
		long long n;

		if (!colon || colon == o->quotas[i] || (size_t)(colon - o->quotas[i]) >= sizeof spec ||
		    (n = strtoll(colon + 1, &end, 10)) < 1 || *end) {
			json_decref(q);
			json_decref(r);
			return client_usage_error(draw_usage, "--quota 应为 专业:人数 / --quota is SPECIALTY:COUNT: %s",
						  o->quotas[i]);
		}
		memcpy(spec, o->quotas[i], (size_t)(colon - o->quotas[i]));
		spec[colon - o->quotas[i]] = 0;
		json_array_append_new(q, json_pack("{s:s,s:I}", "specialty", spec, "count", (json_int_t)n));
	}
	for (i = 0; i < o->nreps; i++)
		json_array_append_new(r, json_string(o->reps[i]));
	b = json_pack("{s:I,s:o,s:I,s:o,s:s,s:I}", "members", (json_int_t)o->members, "quotas", q,
		      "reserves", (json_int_t)o->reserves, "reps", r, "duty_chief", o->duty_chief,
		      "deadline_us", (json_int_t)deadline);
	if (idpath("tenders", o->tender, "draw", path, sizeof path)) {
		json_decref(b);
		return 1;
	}
	if ((rc = post_and_say(o, path, b, "draw request", &ans)))
		return rc;
	if (!o->json)
		printf("%s\n", client_jstr(ans, "draw"));
	json_decref(ans);
	return 0;
}

struct memrd {
	const unsigned char *p;
	size_t len, off;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct memrd *m = ctx;
	size_t n = m->len - m->off < cap ? m->len - m->off : cap;

	memcpy(buf, m->p + m->off, n);
	m->off += n;
	*got = n;
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

/* The supervisor's state file: one line "etender-draw-value/v1 TENDER HEX\n". */
static int state_write(const char *path, const char *tender, const char *hex)
{
	char line[256];
	int fd, n;

	n = snprintf(line, sizeof line, "etender-draw-value/v1 %s %s\n", tender, hex);
	if (n < 0 || (size_t)n >= sizeof line)
		return client_error(ET_ELIMIT, "tender"), ET_ELIMIT;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return client_error(ET_EIO, "%s: 无法新建（已存在？）/ cannot create (exists?): %s", path,
				    strerror(errno)), ET_EIO;
	if (write(fd, line, (size_t)n) != n || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		crypto_wipe(line, sizeof line);
		return client_error(ET_EIO, "%s", path), ET_EIO;
	}
	close(fd);
	crypto_wipe(line, sizeof line);
	return ET_OK;
}

static int state_read(const char *path, const char *tender, char hex[65])
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char t[256], h[80];
	struct stat st;
	int rc = ET_EINVAL;

	if (stat(path, &st) == 0 && (st.st_mode & 077))
		return client_error(ET_EDENIED, "%s: 权限过宽（应为 0600）/ readable by others (want 0600)",
				    path), ET_EDENIED;
	if ((rc = et_read_file(path, 4096, &buf, &len)))
		return client_error(rc, "%s", path), rc;
	rc = ET_EINVAL;
	if (sscanf((const char *)buf, "etender-draw-value/v1 %255s %79s", t, h) == 2 && strlen(h) == 64 &&
	    !strcmp(t, tender)) {
		memcpy(hex, h, 65);
		rc = ET_OK;
	}
	crypto_wipe(buf, len);
	crypto_wipe(h, sizeof h);
	free(buf);
	if (rc)
		client_error(rc, "%s: 不是本项目的随机数文件 / not this tender's draw value file", path);
	return rc;
}

static int draw_commit(const struct ev_opts *o)
{
	struct client_session s;
	struct crypto_age_recipient *rcpt = NULL;
	const struct crypto_age_recipient *rs[1];
	unsigned char v[EV_VALUE_LEN], c[32];
	char hex[65], chex[65], path[512], *sealed = NULL;
	struct memrd m = { v, sizeof v, 0 };
	struct et_buf ob;
	json_t *dr = NULL, *u = NULL, *ans = NULL, *b = NULL;
	const char *chief, *x;
	size_t slen;
	int rc;

	et_buf_init(&ob, 8192);
	if (client_session_open(o->server, true, &s))
		return 1;
	/* the duty chief as the draw names it, its key as registered */
	if ((rc = draw_get(o, true, &dr)))
		goto out;
	chief = client_jstr(dr, "duty_chief");
	if (!*chief) {
		rc = client_error(ET_ESTATE, "%s: 无抽取申请或无权查看 / no draw requested, or not visible to you",
				  o->tender);
		goto out;
	}
	if ((rc = idpath("users", chief, NULL, path, sizeof path)) ||
	    (rc = client_api(&s, "GET", path, NULL, 0, NULL, "duty chief", &u)))
		goto out;
	x = client_jstr(u, "x25519");
	if ((rc = crypto_age_recipient_parse(x, &rcpt))) {
		client_error(rc, "%s: 值班负责人未登记 X25519 公钥 / the duty chief has no registered X25519 key",
			     chief);
		goto out;
	}
	if ((rc = crypto_random(v, sizeof v))) {
		client_error(rc, "random");
		goto out;
	}
	et_hex_encode(v, sizeof v, hex);
	ev_draw_commitment(v, c);
	et_hex_encode(c, sizeof c, chex);
	rs[0] = rcpt;
	if ((rc = crypto_age_encrypt(rs, 1, true, mem_read, &m, buf_write, &ob)) || !ob.data) {
		client_error(rc ? rc : ET_ECRYPTO, "age");
		rc = rc ? rc : ET_ECRYPTO;
		goto out;
	}
	sealed = (char *)et_buf_steal(&ob, &slen);
	/* the value is on disk before anything is sent: a crash loses nothing */
	if ((rc = state_write(o->state, o->tender, hex)))
		goto out;
	b = json_pack("{s:s,s:s}", "commitment", chex, "sealed", sealed);
	if ((rc = idpath("tenders", o->tender, "draw/commit", path, sizeof path)) ||
	    (rc = client_api_post_json(&s, path, b, "draw commit", &ans))) {
		unlink(o->state);
		goto out;
	}
	if (o->json)
		client_json_print(ans);
	else
		printf("已承诺 / committed: SHA-256 %s\n随机数已存于 / value kept in %s (0600)\n"
		       "已密封给值班负责人 / sealed to the duty chief %s (%s)\n", chex, o->state, chief, x);
out:
	crypto_wipe(v, sizeof v);
	crypto_wipe(hex, sizeof hex);
	crypto_age_recipient_free(rcpt);
	et_buf_free(&ob);
	free(sealed);
	json_decref(b);
	json_decref(dr);
	json_decref(u);
	json_decref(ans);
	client_session_close(&s);
	return rc ? 1 : 0;
}

/* The duty chief opens the sealed copy of party's value. */
static int open_sealed(const char *sealed, const char *identity, char hex[65])
{
	struct client_identity id;
	struct memrd m = { (const unsigned char *)sealed, strlen(sealed), 0 };
	struct et_buf ob;
	int rc;

	et_buf_init(&ob, 64);
	if ((rc = client_identity_load(identity, &id)))
		return client_error(rc, "%s", identity), rc;
	rc = crypto_age_decrypt((const struct crypto_age_identity *const *)id.age, id.nage, mem_read, &m,
				buf_write, &ob);
	client_identity_free(&id);
	if (rc || ob.len != EV_VALUE_LEN) {
		client_error(rc ? rc : ET_EVERIFY, "密封副本无法用本身份打开 / the sealed copy does not open "
			     "with this identity");
		et_buf_free(&ob);
		return rc ? rc : ET_EVERIFY;
	}
	et_hex_encode(ob.data, EV_VALUE_LEN, hex);
	crypto_wipe(ob.data, ob.len);
	et_buf_free(&ob);
	return ET_OK;
}

static int draw_reveal(const struct ev_opts *o)
{
	char hex[65] = "", path[512];
	const char *party = o->party ? o->party : "supervisor";
	json_t *dr = NULL, *b;
	int rc;

	if (o->state && o->identity)
		return client_usage_error(draw_usage, "--state 与 -i 只能选一 / --state or -i, not both");
	if (o->state) {
		if (strcmp(party, "supervisor"))
			return client_usage_error(draw_usage, "--state 只用于监督人的值 / --state is the supervisor's");
		if (state_read(o->state, o->tender, hex))
			return 1;
	} else if (o->identity) {
		json_t *sealed;

		if (strcmp(party, "supervisor") && strcmp(party, "platform"))
			return client_usage_error(draw_usage, "--party supervisor|platform");
		if (draw_get(o, true, &dr))
			return 1;
		sealed = json_object_get(dr, !strcmp(party, "supervisor") ? "sealed_supervisor" : "sealed_platform");
		if (!json_is_string(sealed) || !json_string_length(sealed)) {
			json_decref(dr);
			return client_error(ET_ESTATE, "%s: 尚无该方的密封副本 / no sealed copy of that party yet",
					    o->tender);
		}
		rc = open_sealed(json_string_value(sealed), o->identity, hex);
		json_decref(dr);
		if (rc)
			return 1;
	} else {
		return client_usage_error(draw_usage, "需要 --state 或 -i / --state or -i is required");
	}
	b = json_pack("{s:s,s:s}", "party", party, "value", hex);
	crypto_wipe(hex, sizeof hex);
	if (idpath("tenders", o->tender, "draw/reveal", path, sizeof path)) {
		json_decref(b);
		return 1;
	}
	if ((rc = post_and_say(o, path, b, "draw reveal", NULL)))
		return rc;
	if (!o->json)
		printf("%s: 已公开 %s 的值 / the %s value is revealed\n", o->tender, party, party);
	return 0;
}

static int draw_show(const struct ev_opts *o)
{
	json_t *j, *v;
	size_t i;

	if (draw_get(o, false, &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	printf("项目 / tender  %s\n抽取 / draw    %s\n状态 / state   %s\n监督人承诺 / supervisor "
	       "commitment %s\n平台承诺 / platform commitment %s\n",
	       client_jstr(j, "tender"), client_jstr(j, "draw"), client_jstr(j, "state"),
	       client_jstr(j, "commitment_supervisor"), client_jstr(j, "commitment_platform"));
	if (json_object_get(j, "seats")) {
		char when[96];

		client_time_fmt(json_integer_value(json_object_get(j, "deadline")), when, sizeof when);
		printf("值班负责人 / duty chief %s\n评标截止 / deadline %s\n组长 / chair %s\n",
		       client_jstr(j, "duty_chief"), when, client_jstr(j, "chair"));
		printf("%-24s %-22s %-8s %-10s %-8s %s\n", "member", "user", "kind", "specialty", "state",
		       "reason");
		json_array_foreach(json_object_get(j, "seats"), i, v)
			printf("%-24s %-22s %-8s %-10s %-8s %s\n", client_jstr(v, "member"),
			       client_jstr(v, "user"), client_jstr(v, "kind"), client_jstr(v, "specialty"),
			       client_jstr(v, "state"), client_jstr(v, "reason"));
	}
	json_decref(j);
	return 0;
}

/* ---- draw verify ---------------------------------------------------------------------- */

int evcli_log_fetch(const char *url, uint64_t want, struct evcli_log *lg)
{
	struct client_http_resp r;
	struct client_pins pins;
	struct audit_checkpoint cp;
	unsigned char (*hs)[AUDIT_HASH_LEN] = NULL, root[AUDIT_HASH_LEN];
	char path[128], err[512], *text = NULL, *lname = NULL;
	unsigned char lpub[32];
	json_t *j = NULL, *e;
	uint64_t n = 0;
	size_t i;
	int rc;

	memset(lg, 0, sizeof *lg);
	memset(&r, 0, sizeof r);
	if ((rc = client_http_get(url, "/log/checkpoint", NULL, 1u << 16, &r)) || r.status != 200) {
		rc = rc ? client_error(rc, "%s", r.error), rc : client_api_error(&r, "/log/checkpoint");
		goto out;
	}
	if (!(lg->note = strdup(r.body.data))) {
		rc = ET_ENOMEM;
		goto out;
	}
	client_http_resp_free(&r);
	memset(&r, 0, sizeof r);
	/* the note's signature by the pinned log key, when one is pinned */
	if (!client_pins_load(url, &pins) && pins.log_vkey[0]) {
		if ((rc = audit_note_vkey_parse(pins.log_vkey, &lname, lpub, NULL)) ||
		    (rc = audit_note_verify(lg->note, strlen(lg->note), lname, lpub, &text))) {
			rc = ET_EVERIFY;
			client_error(rc, "检查点的签名与固定的日志公钥不符 / the checkpoint does not verify with "
				     "the pinned log key");
			goto out;
		}
		lg->signed_ok = true;
	} else {
		const char *blank = strstr(lg->note, "\n\n");

		if (!blank || !(text = strndup(lg->note, (size_t)(blank - lg->note) + 1))) {
			rc = ET_EINVAL;
			client_error(rc, "checkpoint");
			goto out;
		}
	}
	memset(&cp, 0, sizeof cp);
	if ((rc = audit_checkpoint_parse(text, strlen(text), &cp)) || cp.size < want) {
		rc = ET_EVERIFY;
		client_error(rc, "检查点无效或太小 / bad or too small checkpoint");
		goto out;
	}
	lg->size = cp.size;
	memcpy(lg->root, cp.root, AUDIT_HASH_LEN);
	if (!(lg->leaves = calloc(cp.size ? cp.size : 1, sizeof *lg->leaves)) ||
	    !(lg->lens = calloc(cp.size ? cp.size : 1, sizeof *lg->lens)) ||
	    !(hs = calloc(cp.size ? cp.size : 1, sizeof *hs))) {
		rc = ET_ENOMEM;
		client_error(rc, "log");
		goto out;
	}
	while (n < cp.size) {
		uint64_t cnt = cp.size - n > 1000 ? 1000 : cp.size - n;

		client_fmt(path, sizeof path, "/log/entries?start=%llu&count=%llu", (unsigned long long)n,
			   (unsigned long long)cnt);
		if ((rc = client_http_get_json(url, path, NULL, 64u << 20, &j, err, sizeof err))) {
			client_error(rc, "/log/entries: %s", err);
			goto out;
		}
		if (!json_array_size(json_object_get(j, "entries"))) {
			rc = ET_EIO;
			client_error(rc, "/log/entries");
			goto out;
		}
		json_array_foreach(json_object_get(j, "entries"), i, e) {
			const char *b64 = client_jstr(e, "leaf");
			size_t got = 0;

			if (n >= cp.size || (uint64_t)json_integer_value(json_object_get(e, "index")) != n ||
			    !(lg->leaves[n] = malloc(strlen(b64) + 1)) ||
			    et_b64_decode(b64, strlen(b64), lg->leaves[n], strlen(b64) + 1, &got)) {
				rc = ET_EVERIFY;
				client_error(rc, "/log/entries: leaf %llu", (unsigned long long)n);
				goto out;
			}
			lg->lens[n] = got;
			audit_leaf_hash(lg->leaves[n], got, hs[n]);
			n++;
		}
		json_decref(j);
		j = NULL;
	}
	if ((rc = audit_root_of((const unsigned char (*)[AUDIT_HASH_LEN])hs, cp.size, root)) ||
	    memcmp(root, cp.root, AUDIT_HASH_LEN)) {
		rc = ET_EVERIFY;
		client_error(rc, "日志叶子与检查点的根不符 / the log's leaves do not give the checkpoint's root");
		goto out;
	}
	lg->hashes = hs;
	hs = NULL;
out:
	json_decref(j);
	client_http_resp_free(&r);
	free(hs);
	free(text);
	free(lname);
	if (rc)
		evcli_log_free(lg);
	return rc;
}

void evcli_log_free(struct evcli_log *lg)
{
	for (uint64_t i = 0; lg->leaves && i < lg->size; i++)
		free(lg->leaves[i]);
	free(lg->leaves);
	free(lg->lens);
	free(lg->hashes);
	free(lg->note);
	memset(lg, 0, sizeof *lg);
}

int evcli_log_root(const struct evcli_log *lg, uint64_t size, unsigned char root[AUDIT_HASH_LEN])
{
	if (size > lg->size)
		return ET_ENOTFOUND;
	return audit_root_of((const unsigned char (*)[AUDIT_HASH_LEN])lg->hashes, size, root);
}

/* The event at index: a public leaf, or a confidential one opened by a
 * later confidential.revealed whose opening matches its commitment. *pl
 * (json) and kind filled; ET_ENOTFOUND if it is sealed still. */
static int find_opening(const struct evcli_log *lg, uint64_t index, const char *tender,
			struct audit_leaf *ev)
{
	for (uint64_t k = index + 1; k < lg->size; k++) {
		struct audit_leaf rl;
		struct audit_opening *op = NULL;
		size_t n = 0;

		if (audit_leaf_decode(lg->leaves[k], lg->lens[k], &rl) || rl.type != AUDIT_LEAF_EVENT ||
		    strcmp(rl.kind, AUDIT_KIND_REVEALED) || strcmp(rl.tender, tender))
			continue;
		if (audit_reveal_parse(rl.ev.payload, rl.ev.payload_len, false, &op, &n))
			continue;
		for (size_t i = 0; i < n; i++) {
			struct audit_leaf cl;
			unsigned char c[AUDIT_HASH_LEN];

			if (op[i].index != index)
				continue;
			if (audit_leaf_decode(lg->leaves[index], lg->lens[index], &cl) ||
			    cl.type != AUDIT_LEAF_COMMITMENT ||
			    audit_commitment(op[i].salt, tender, op[i].digest, c) ||
			    memcmp(c, cl.commitment, AUDIT_HASH_LEN) ||
			    audit_leaf_decode(op[i].enc, op[i].enc_len, ev)) {
				free(op);
				return ET_EVERIFY;
			}
			/* ev points into the reveal leaf's bytes, which lg keeps */
			free(op);
			return ET_OK;
		}
		free(op);
	}
	return ET_ENOTFOUND;
}

int evcli_find_events(const struct evcli_log *lg, const char *tender, const char *kind,
		      struct evcli_found *out, size_t cap, size_t *n)
{
	*n = 0;
	for (uint64_t i = 0; i < lg->size; i++) {
		struct audit_leaf lf;
		int rc;

		if (audit_leaf_decode(lg->leaves[i], lg->lens[i], &lf))
			return ET_EVERIFY;
		if (lf.type == AUDIT_LEAF_COMMITMENT) {
			if ((rc = find_opening(lg, i, tender, &lf)) == ET_ENOTFOUND)
				continue;
			if (rc)
				return rc;
			lf.type = AUDIT_LEAF_COMMITMENT;   /* remember it was confidential */
		}
		if (strcmp(lf.kind, kind) || strcmp(lf.tender, tender))
			continue;
		if (*n < cap) {
			out[*n].index = i;
			out[*n].confidential = lf.type == AUDIT_LEAF_COMMITMENT;
			out[*n].payload = json_loadb((const char *)lf.ev.payload, lf.ev.payload_len, 0, NULL);
			out[*n].time_us = lf.ev.time_us;
			if (!out[*n].payload)
				return ET_EVERIFY;
		}
		(*n)++;
	}
	return ET_OK;
}

static int verify_fail(const char *what)
{
	client_error(ET_EVERIFY, "抽取核验失败 / the draw does not verify: %s", what);
	return 1;
}

static int draw_verify(const struct ev_opts *o)
{
	struct client_session s;
	struct evcli_log lg;
	struct ev_quota q[MAXQ];
	struct ev_candidate *c = NULL;
	const char **specs = NULL;
	struct ev_pick *picks = NULL;
	unsigned char seed[32], root[AUDIT_HASH_LEN], v[32], h[32];
	char hex[65];
	json_t *dr = NULL, *panel, *req, *quotas, *cands, *e;
	struct audit_leaf lf;
	size_t nq, nc, nsp = 0, np = 0, i, k, im = 0, ir = 0;
	uint64_t size;
	int rc = 1, bad = 0;

	memset(&lg, 0, sizeof lg);
	if (client_session_open(o->server, false, &s))
		return 1;
	if (draw_get(o, false, &dr))
		goto out;
	panel = json_object_get(dr, "panel");
	req = json_object_get(dr, "request");
	if (!json_is_object(panel) || !json_is_object(req)) {
		client_error(ET_ESTATE, "%s: 委员会未抽取或尚未公开（结果确定前只有内部人员可见）/ no panel "
			     "drawn, or not visible to you before the result is fixed", o->tender);
		goto out;
	}
	/* 1. each value against its public commitment */
	for (i = 0; i < 2; i++) {
		const char *val = client_jstr(dr, i ? "value_platform" : "value_supervisor");
		const char *com = client_jstr(dr, i ? "commitment_platform" : "commitment_supervisor");

		if (strlen(val) != 64 || et_hex_decode(val, v, 32)) {
			bad = verify_fail("a value is missing or malformed");
			goto out;
		}
		crypto_sha256(v, 32, h);
		et_hex_encode(h, 32, hex);
		if (strcmp(hex, com)) {
			bad = verify_fail(i ? "the platform's value does not hash to its commitment"
					    : "the supervisor's value does not hash to its commitment");
			goto out;
		}
	}
	/* 2. the root: the log's first `size` leaves, the last the platform's commitment */
	size = (uint64_t)json_integer_value(json_object_get(panel, "size"));
	if ((rc = evcli_log_fetch(s.url, size, &lg))) {
		rc = 1;
		goto out;
	}
	rc = 1;
	if (!size || evcli_log_root(&lg, size, root)) {
		bad = verify_fail("size");
		goto out;
	}
	et_hex_encode(root, 32, hex);
	if (strcmp(hex, client_jstr(panel, "root"))) {
		bad = verify_fail("the recorded root is not the log's root at the recorded size");
		goto out;
	}
	if (audit_leaf_decode(lg.leaves[size - 1], lg.lens[size - 1], &lf) ||
	    lf.type != AUDIT_LEAF_EVENT || strcmp(lf.kind, "draw.committed") ||
	    strcmp(lf.tender, o->tender) || !strstr((const char *)lf.ev.payload, "\"party\":\"platform\"")) {
		bad = verify_fail("the leaf before the recorded size is not the platform's commitment");
		goto out;
	}
	/* 3. the seed */
	if (ev_draw_seed(client_jstr(dr, "value_supervisor"), client_jstr(dr, "value_platform"),
			 client_jstr(panel, "root"), seed)) {
		bad = verify_fail("seed");
		goto out;
	}
	et_hex_encode(seed, 32, hex);
	if (strcmp(hex, client_jstr(panel, "seed"))) {
		bad = verify_fail("the seed is not SHA-256(value_s ‖ value_p ‖ root)");
		goto out;
	}
	/* 4. the selection, with the server's own function */
	quotas = json_object_get(req, "quotas");
	cands = json_object_get(panel, "candidates");
	nq = json_array_size(quotas);
	nc = json_array_size(cands);
	if (!nq || nq > MAXQ) {
		bad = verify_fail("quotas");
		goto out;
	}
	for (i = 0; i < nq; i++) {
		q[i].specialty = client_jstr(json_array_get(quotas, i), "specialty");
		q[i].count = (unsigned)json_integer_value(json_object_get(json_array_get(quotas, i), "count"));
	}
	json_array_foreach(cands, i, e)
		nsp += json_array_size(json_object_get(e, "specialties"));
	if (!(c = calloc(nc ? nc : 1, sizeof *c)) || !(specs = calloc(nsp ? nsp : 1, sizeof *specs))) {
		client_error(ET_ENOMEM, "draw verify");
		goto out;
	}
	nsp = 0;
	json_array_foreach(cands, i, e) {
		json_t *sp;

		c[i].expert = client_jstr(e, "expert");
		c[i].specialties = specs + nsp;
		json_array_foreach(json_object_get(e, "specialties"), k, sp)
			specs[nsp++] = json_string_value(sp) ? json_string_value(sp) : "";
		c[i].nspecialties = json_array_size(json_object_get(e, "specialties"));
	}
	if (ev_draw_select(seed, q, nq, (unsigned)json_integer_value(json_object_get(req, "reserves")), c,
			   nc, &picks, &np)) {
		bad = verify_fail("the selection cannot be made from the recorded candidates");
		goto out;
	}
	for (i = 0; i < np; i++) {
		json_t *a = json_object_get(panel, picks[i].reserve ? "reserves" : "members");
		json_t *want = json_array_get(a, picks[i].reserve ? ir++ : im++);

		if (!want || strcmp(client_jstr(want, "expert"), picks[i].expert) ||
		    strcmp(client_jstr(want, "specialty"), q[picks[i].quota].specialty) ||
		    json_integer_value(json_object_get(want, "rank")) != (json_int_t)picks[i].rank) {
			bad = verify_fail("the recorded members or reserves are not the selection");
			goto out;
		}
	}
	if (im != json_array_size(json_object_get(panel, "members")) ||
	    ir != json_array_size(json_object_get(panel, "reserves"))) {
		bad = verify_fail("the panel records more experts than the selection");
		goto out;
	}
	printf("抽取核验通过 / the draw verifies: %s\n"
	       "  承诺 / commitments: both values hash to their logged commitments\n"
	       "  日志根 / log root at size %llu (leaf %llu = the platform's commitment): %s\n"
	       "  种子 / seed %s\n"
	       "  委员会 / panel: %zu members and %zu reserves recomputed from %zu candidates "
	       "(ev_draw_select)%s\n",
	       o->tender, (unsigned long long)size, (unsigned long long)(size - 1),
	       client_jstr(panel, "root"), client_jstr(panel, "seed"), im, ir, nc,
	       lg.signed_ok ? "; checkpoint signed by the pinned log key" : "");
	rc = 0;
out:
	(void)bad;
	free(picks);
	free(c);
	free(specs);
	evcli_log_free(&lg);
	json_decref(dr);
	client_session_close(&s);
	return rc;
}

int client_cmd_draw(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(draw_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, draw_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(draw_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "request"))
		return draw_request(&o);
	if (!strcmp(sub, "commit"))
		return need(draw_usage, o.state, "--state") ?: draw_commit(&o);
	if (!strcmp(sub, "reveal"))
		return draw_reveal(&o);
	if (!strcmp(sub, "show"))
		return draw_show(&o);
	if (!strcmp(sub, "verify"))
		return draw_verify(&o);
	return client_usage_error(draw_usage, "未知子命令 / unknown subcommand: %s", sub);
}

/* ---- the panel ------------------------------------------------------------------------- */

static const char panel_usage[] =
	"用法 / usage: etender panel decline TENDER --reason TEXT [--avoid --org ORG]\n"
	"       etender panel replace TENDER --member MEMBER --reason TEXT   (管理员 / administrator)\n"
	"       etender panel extend TENDER --reason TEXT\n"
	"       etender panel chair-vote TENDER --candidate MEMBER\n"
	"       etender panel dissent TENDER --text TEXT\n"
	"       etender panel reject TENDER --lot LOT --reason TEXT          (组长 / the chair)\n"
	"       etender panel representative TENDER --member OUT --user IN --reason TEXT  (代理 / agent)\n"
	"       etender panel seats [--json]                                 (专家 / expert)\n"
	"  评标委员会成员：拒绝参加（或 --avoid 申报回避及关联单位），由同专业第一位备选专家\n"
	"  递补；申请延长评标时间（超过三分之一成员申请时延长一次）；推选组长；记录不同意见；\n"
	"  有效投标不足时组长否决该标段全部投标。\n"
	"  A panel member declines (or, with --avoid, declares an avoidance and the\n"
	"  organisation it is related to): the first reserve of its specialty takes\n"
	"  the seat; asks for more time (extended once more than a third asked);\n"
	"  votes for the chair; records its dissent; the chair rejects every bid of a\n"
	"  lot with too few valid bids. representative: the tender's agent changes the\n"
	"  tenderer's representative OUT (no vote, no sheet yet) for IN. seats: an\n"
	"  expert's own seats (member, reserve, out) on every tender's panel.\n"
	"  代理机构可在评分前更换招标人代表；专家可查看自己在各项目评标委员会中的席位。\n"
	"  All take [--server URL] [--json].\n";

int client_cmd_panel(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	char path[512], rest[256];
	json_t *b, *ans = NULL;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(panel_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, panel_usage, &o)))
		return rc < 0 ? 0 : rc;
	if (!strcmp(sub, "seats")) {     /* the caller's own seats, no tender */
		size_t i;
		json_t *v;

		if (o.tender)
			return client_usage_error(panel_usage, "多余的参数 / unexpected argument: %s",
						  o.tender);
		if ((rc = get_json(&o, true, "/api/me/seats", "panel seats", &ans)))
			return rc;
		if (o.json)
			client_json_print(ans);
		else {
			json_array_foreach(json_object_get(ans, "seats"), i, v)
				printf("%s  %s  %s  %s%s\n", client_jstr(v, "tender"), client_jstr(v, "state"),
				       client_jstr(v, "specialty"), client_jstr(v, "draw_state"),
				       json_is_true(json_object_get(v, "fixed")) ? "  (已定标 / fixed)" : "");
			if (!i)
				printf("没有席位 / no seats\n");
		}
		json_decref(ans);
		return 0;
	}
	if ((rc = need(panel_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "representative")) {
		if ((rc = need(panel_usage, o.member, "--member")) ||
		    (rc = need(panel_usage, o.user, "--user")) || (rc = need(panel_usage, o.reason, "--reason")))
			return rc;
		b = json_pack("{s:s,s:s,s:s}", "out", o.member, "in", o.user, "reason", o.reason);
		client_fmt(rest, sizeof rest, "panel/representative");
	} else if (!strcmp(sub, "decline")) {
		if ((rc = need(panel_usage, o.reason, "--reason")))
			return rc;
		if (o.avoid && (rc = need(panel_usage, o.org, "--org")))
			return rc;
		b = json_pack("{s:b,s:s}", "avoid", o.avoid, "reason", o.reason);
		if (b && o.org)
			json_object_set_new(b, "org", json_string(o.org));
		client_fmt(rest, sizeof rest, "panel/decline");
	} else if (!strcmp(sub, "replace")) {
		if ((rc = need(panel_usage, o.member, "--member")) || (rc = need(panel_usage, o.reason, "--reason")))
			return rc;
		b = json_pack("{s:s,s:s}", "member", o.member, "reason", o.reason);
		client_fmt(rest, sizeof rest, "panel/replace");
	} else if (!strcmp(sub, "extend")) {
		if ((rc = need(panel_usage, o.reason, "--reason")))
			return rc;
		b = json_pack("{s:s}", "reason", o.reason);
		client_fmt(rest, sizeof rest, "extension");
	} else if (!strcmp(sub, "chair-vote")) {
		if ((rc = need(panel_usage, o.candidate, "--candidate")))
			return rc;
		b = json_pack("{s:s}", "candidate", o.candidate);
		client_fmt(rest, sizeof rest, "chair");
	} else if (!strcmp(sub, "dissent")) {
		if ((rc = need(panel_usage, o.text, "--text")))
			return rc;
		b = json_pack("{s:s}", "text", o.text);
		client_fmt(rest, sizeof rest, "dissent");
	} else if (!strcmp(sub, "reject")) {
		char *el;

		if ((rc = need(panel_usage, o.lot, "--lot")) || (rc = need(panel_usage, o.reason, "--reason")))
			return rc;
		if (!(el = curl_escape(o.lot, 0)))
			return client_error(ET_ENOMEM, "curl");
		client_fmt(rest, sizeof rest, "lots/%s/reject", el);
		curl_free(el);
		b = json_pack("{s:s}", "reason", o.reason);
	} else {
		return client_usage_error(panel_usage, "未知子命令 / unknown subcommand: %s", sub);
	}
	if (idpath("tenders", o.tender, rest, path, sizeof path)) {
		json_decref(b);
		return 1;
	}
	if ((rc = post_and_say(&o, path, b, sub, &ans)))
		return rc;
	if (!o.json) {
		if (!strcmp(sub, "extend"))
			printf("%s: 已申请延长 / more time asked%s\n", o.tender,
			       json_is_true(json_object_get(ans, "extended")) ?
			       "；超过三分之一成员申请，评标时间已延长 / more than a third asked: extended" : "");
		else if (!strcmp(sub, "chair-vote"))
			printf("%s: 已投票 / voted%s\n", o.tender, json_is_true(json_object_get(ans, "elected")) ?
			       "；组长已选出 / the chair is elected" : "");
		else
			printf("%s: 已记录 / recorded\n", o.tender);
	}
	json_decref(ans);
	return 0;
}

/* ---- the opened bids, for the panel ------------------------------------------------------ */

static const char bids_usage[] =
	"用法 / usage: etender bids show TENDER [--json]\n"
	"  评标委员会查看已开标投标的数据（开标记录：投标人、状态、报价、工期、bid.xml 的\n"
	"  SHA-256）；开标前拒绝。单个投标的 bid.xml：etender open xml TENDER --bid BID。\n"
	"  The opened bids' data for the panel (the opening record: firm, status,\n"
	"  price, duration, the SHA-256 of bid.xml); refused before the opening. One\n"
	"  bid's bid.xml: etender open xml TENDER --bid BID. [--server URL]\n";

int client_cmd_bids(int argc, char **argv)
{
	struct ev_opts o;
	char path[512];
	json_t *j, *b, *f;
	size_t i, k;
	int rc;

	if (argc < 2 || strcmp(argv[1], "show")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(bids_usage, stdout);
			return 0;
		}
		return client_usage_error(bids_usage, "需要子命令 show / expected 'show'");
	}
	if ((rc = ev_parse(argc - 1, argv + 1, bids_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(bids_usage, o.tender, "TENDER")))
		return rc;
	if (idpath("tenders", o.tender, "opening", path, sizeof path) ||
	    get_json(&o, false, path, "bids show", &j))
		return 1;
	if (o.json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	printf("%-22s %-22s %-9s %-6s %-14s %-6s %s\n", "bid", "org", "status", "lot", "price (fen)", "days",
	       "bid.xml SHA-256");
	json_array_foreach(json_object_get(j, "bids"), i, b) {
		if (strcmp(client_jstr(b, "status"), "opened"))
			continue;
		json_array_foreach(json_object_get(b, "offers"), k, f)
			printf("%-22s %-22s %-9s %-6s %-14lld %-6lld %s\n", client_jstr(b, "bid"),
			       client_jstr(b, "org"), client_jstr(b, "status"), client_jstr(f, "lot"),
			       (long long)json_integer_value(json_object_get(f, "price")),
			       (long long)json_integer_value(json_object_get(f, "duration")),
			       client_jstr(b, "xml_sha256"));
	}
	json_decref(j);
	return 0;
}

/* ---- score sheets ------------------------------------------------------------------------- */

static const char score_usage[] =
	"用法 / usage: etender score submit TENDER --file SHEET.json -i IDENTITY\n"
	"       etender score show TENDER [--json]\n"
	"  submit：评标专家用本人签名密钥签署评分表（ev_score_message）后提交；SHEET.json 为\n"
	"  {\"lot\":\"1\",\"bid\":\"bid-…\",\"criteria\":[{\"criterion\":\"技术\",\"points\":3500,\n"
	"  \"comment\":\"…\"}]}，points 以百分之一分计（3500 = 35.00 分）。所有成员提交完毕之前，\n"
	"  评分表密封：成员只能看到自己的。show：可见的评分表。\n"
	"  submit: an expert signs its score sheet with its own signing key\n"
	"  (ev_score_message) and submits it; SHEET.json as above, points in\n"
	"  hundredths (3500 = 35.00 points). Until every member has submitted, the\n"
	"  sheets are sealed: a member sees its own only. show: the sheets you may\n"
	"  see. [--server URL] [--json]\n";

/* The caller's member id in the tender's panel (a drawn expert's id, a
 * representative's user id), from the draw as the caller sees it. */
static int my_member(const struct ev_opts *o, const struct client_session *s, char *out, size_t cap)
{
	json_t *dr = NULL, *v;
	size_t i;
	int rc = ET_EDENIED;

	if (draw_get(o, true, &dr))
		return ET_EIO;
	/* a seat held now first; a former seat (declined, replaced) is sent as
	 * is, and the server refuses it (et.panel.member) */
	json_array_foreach(json_object_get(dr, "seats"), i, v)
		if (!strcmp(client_jstr(v, "user"), s->user) && strlen(client_jstr(v, "member")) < cap &&
		    (rc != ET_OK || !strcmp(client_jstr(v, "state"), "member"))) {
			memcpy(out, client_jstr(v, "member"), strlen(client_jstr(v, "member")) + 1);
			rc = ET_OK;
		}
	json_decref(dr);
	if (rc)
		client_error(rc, "%s: 您不是本项目评标委员会成员 / you hold no seat in this tender's panel "
			     "(et.panel.member)", o->tender);
	return rc;
}

static int load_signer(const char *path, struct client_identity *id)
{
	int rc;

	if ((rc = client_identity_load(path, id)))
		return client_error(rc, "%s", path), rc;
	if (!id->has_signing) {
		client_identity_free(id);
		return client_error(ET_EINVAL, "%s: 无签名密钥 / no signing key", path), ET_EINVAL;
	}
	return ET_OK;
}

static int score_submit(const struct ev_opts *o)
{
	struct client_session s;
	struct client_identity id;
	struct ev_criterion cr[EV_MAX_CRITERIA];
	struct et_buf msg;
	char member[TENDER_ID_LEN], path[512], sig64[96];
	unsigned char sig[64];
	json_error_t je;
	json_t *sheet = NULL, *a, *c, *out = NULL, *b = NULL;
	const char *lot, *bid;
	bool have_id = false;
	size_t i, n;
	int rc = 1;

	et_buf_init(&msg, 1u << 20);
	if (!(sheet = json_load_file(o->file, JSON_REJECT_DUPLICATES, &je)) || !json_is_object(sheet))
		return json_decref(sheet), client_error(ET_EINVAL, "%s: JSON 无效 / invalid JSON: %s", o->file,
							je.text);
	lot = o->lot ? o->lot : client_jstr(sheet, "lot");
	bid = o->bid ? o->bid : client_jstr(sheet, "bid");
	a = json_object_get(sheet, "criteria");
	n = json_array_size(a);
	if (!*lot || !*bid || !n || n > EV_MAX_CRITERIA) {
		json_decref(sheet);
		return client_error(ET_EINVAL, "%s: 需要 lot、bid 与 1–%d 个 criteria / lot, bid and 1-%d "
				    "criteria are required", o->file, EV_MAX_CRITERIA, EV_MAX_CRITERIA);
	}
	json_array_foreach(a, i, c) {
		json_t *p = json_object_get(c, "points");

		cr[i].criterion = client_jstr(c, "criterion");
		cr[i].comment = client_jstr(c, "comment");
		if (!json_is_integer(p) || !*cr[i].criterion) {
			json_decref(sheet);
			return client_error(ET_EINVAL, "%s: 第 %zu 项需要 criterion 与整数 points / criterion %zu "
					    "needs a name and integer points", o->file, i + 1, i + 1);
		}
		cr[i].points = json_integer_value(p);
	}
	if (client_session_open(o->server, true, &s)) {
		json_decref(sheet);
		return 1;
	}
	if (my_member(o, &s, member, sizeof member))
		goto out;
	if (load_signer(o->identity, &id))
		goto out;
	have_id = true;
	if (ev_score_message(o->tender, lot, bid, member, cr, n, &msg) ||
	    crypto_ed25519_sign(id.sign_seed, msg.data, msg.len, sig)) {
		client_error(ET_EINVAL, "sign");
		goto out;
	}
	et_b64_encode(sig, 64, sig64);
	if (!(out = json_array()))
		goto out;
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:s,s:I,s:s}", "criterion", cr[i].criterion, "points",
						     (json_int_t)cr[i].points, "comment", cr[i].comment));
	b = json_pack("{s:s,s:s,s:O,s:s}", "lot", lot, "bid", bid, "criteria", out, "sig", sig64);
	if (idpath("tenders", o->tender, "sheets", path, sizeof path))
		goto out;
	if (client_api_post_json(&s, path, b, "score submit", NULL))
		goto out;
	if (!o->json)
		printf("%s: 评分表已签名提交 / sheet signed and submitted: lot %s, %s, member %s\n", o->tender,
		       lot, bid, member);
	rc = 0;
out:
	if (have_id)
		client_identity_free(&id);
	et_buf_free(&msg);
	json_decref(out);
	json_decref(b);
	json_decref(sheet);
	client_session_close(&s);
	return rc;
}

static int score_show(const struct ev_opts *o)
{
	char path[512];
	json_t *j, *v;
	size_t i;

	if (idpath("tenders", o->tender, "sheets", path, sizeof path) ||
	    get_json(o, true, path, "score show", &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	printf("%s: %s\n", o->tender, json_is_true(json_object_get(j, "complete")) ?
	       "全部评分表已提交 / every sheet is in" : "评分表密封中 / sheets sealed until all are in");
	printf("%-6s %-22s %-24s %s\n", "lot", "bid", "member", "total");
	json_array_foreach(json_object_get(j, "sheets"), i, v) {
		json_int_t t = json_integer_value(json_object_get(v, "total"));

		printf("%-6s %-22s %-24s %lld.%02lld\n", client_jstr(v, "lot"), client_jstr(v, "bid"),
		       client_jstr(v, "member"), (long long)(t / 100), (long long)(t % 100));
	}
	json_decref(j);
	return 0;
}

int client_cmd_score(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(score_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, score_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(score_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "submit"))
		return need(score_usage, o.file, "--file") ?: need(score_usage, o.identity, "-i") ?:
		       score_submit(&o);
	if (!strcmp(sub, "show"))
		return score_show(&o);
	return client_usage_error(score_usage, "未知子命令 / unknown subcommand: %s", sub);
}

/* ---- the report ----------------------------------------------------------------------------- */

static const char report_usage[] =
	"用法 / usage: etender report submit TENDER --text TEXT      (组长 / the chair)\n"
	"       etender report show TENDER [--json]\n"
	"       etender report sign TENDER -i IDENTITY\n"
	"       etender report verify TENDER\n"
	"  submit：全部评分表提交后组长提交评标报告（推荐的中标候选人按排名，不超过三名）。\n"
	"  sign：成员先在本机重算报告内容的 SHA-256（规范 JSON），与报告中的一致后再用本人签名\n"
	"  密钥签署（ev_report_message）；全部成员签署后报告生效。\n"
	"  submit: the chair submits the report once every sheet is in (at most 3\n"
	"  ranked candidates per lot). sign: a member recomputes here the SHA-256 of\n"
	"  the report's canonical JSON, and only if it is the report's own signs it\n"
	"  with its signing key (ev_report_message); final once every member signed.\n"
	"  verify（结果确定后任何人；之前为委员会、监督人）：核验每张评分表的签名与总分、报告\n"
	"  记录的评标输入与开标记录及席位一致、候选人为排名前列者、报告的 SHA-256 与全部成员\n"
	"  签名；排名本身由重放（etender audit verify）按输入与评分表重算。\n"
	"  verify (anyone once the result is fixed; before, the panel and supervisors):\n"
	"  every sheet's signature and total, each lot's recorded inputs against the\n"
	"  opening record and the seats, the candidates against the ranked lines, the\n"
	"  report's SHA-256 and signatures; the ranking itself is recomputed from the\n"
	"  inputs and the sheets by the replay (etender audit verify).\n"
	"  [--server URL] [--json]\n";

/* SHA-256 of the canonical JSON of the report without its sha256 field. */
static int report_digest(json_t *rep, char hex[65])
{
	json_t *c = json_deep_copy(rep);
	unsigned char h[32];
	char *txt;

	if (!c)
		return ET_ENOMEM;
	json_object_del(c, "sha256");
	txt = json_dumps(c, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(c);
	if (!txt)
		return ET_ENOMEM;
	crypto_sha256(txt, strlen(txt), h);
	free(txt);
	et_hex_encode(h, 32, hex);
	return ET_OK;
}

static int report_sign(const struct ev_opts *o)
{
	struct client_session s;
	struct client_identity id;
	struct et_buf msg;
	char path[512], hex[65], sig64[96];
	unsigned char sig[64];
	json_t *j = NULL, *rep, *b = NULL, *ans = NULL;
	bool have_id = false;
	int rc = 1;

	et_buf_init(&msg, 4096);
	if (client_session_open(o->server, true, &s))
		return 1;
	if (idpath("tenders", o->tender, "report", path, sizeof path) ||
	    client_api(&s, "GET", path, NULL, 0, NULL, "report sign", &j))
		goto out;
	rep = json_object_get(j, "report");
	if (!json_is_object(rep)) {
		client_error(ET_ESTATE, "%s: 尚无评标报告 / no report yet", o->tender);
		goto out;
	}
	if (report_digest(rep, hex) || strcmp(hex, client_jstr(rep, "sha256"))) {
		client_error(ET_EVERIFY, "报告内容与其 SHA-256 不符，拒绝签署 / the report does not match its "
			     "SHA-256: not signed");
		goto out;
	}
	if (load_signer(o->identity, &id))
		goto out;
	have_id = true;
	if (ev_report_message(o->tender, client_jstr(rep, "report"), hex, &msg) ||
	    crypto_ed25519_sign(id.sign_seed, msg.data, msg.len, sig)) {
		client_error(ET_EINVAL, "sign");
		goto out;
	}
	et_b64_encode(sig, 64, sig64);
	b = json_pack("{s:s}", "sig", sig64);
	if (idpath("tenders", o->tender, "report/sign", path, sizeof path) ||
	    client_api_post_json(&s, path, b, "report sign", &ans))
		goto out;
	if (o->json)
		client_json_print(ans);
	else
		printf("%s: 已签署报告 / report %s signed (SHA-256 %s)%s\n", o->tender,
		       client_jstr(rep, "report"), hex, json_is_true(json_object_get(ans, "final")) ?
		       "；全部成员已签署，报告生效 / every member signed: final" : "");
	rc = 0;
out:
	if (have_id)
		client_identity_free(&id);
	et_buf_free(&msg);
	json_decref(j);
	json_decref(b);
	json_decref(ans);
	client_session_close(&s);
	return rc;
}

static void print_candidates(json_t *cands)
{
	json_t *c;
	size_t i;

	json_array_foreach(cands, i, c) {
		json_int_t sc = json_integer_value(json_object_get(c, "score"));

		printf("  %lld. %-22s %-22s 报价 / price %lld fen  得分 / score %lld.%02lld\n",
		       (long long)json_integer_value(json_object_get(c, "rank")), client_jstr(c, "bid"),
		       client_jstr(c, "org"), (long long)json_integer_value(json_object_get(c, "price")),
		       (long long)(sc / 100), (long long)(sc % 100));
	}
}

/* The collusion signals of a lot: flags for the panel, never a rejection. */
static void print_signals(json_t *sig)
{
	json_t *g, *b;
	size_t i, k;

	if (!json_array_size(sig)) {
		printf("  串通投标迹象 / collusion signals: 无 / none\n");
		return;
	}
	printf("  串通投标迹象（仅供评标委员会参考，不自动否决）/ collusion signals (flags for the panel, "
	       "never a rejection):\n");
	json_array_foreach(sig, i, g) {
		printf("  - %s / %s [%s]:", client_jstr(g, "zh"), client_jstr(g, "kind"),
		       client_jstr(g, "strength"));
		json_array_foreach(json_object_get(g, "bids"), k, b)
			printf(" %s", json_string_value(b) ? json_string_value(b) : "?");
		printf("\n    %s\n", client_jstr(g, "evidence"));
	}
}

static int report_show(const struct ev_opts *o)
{
	char path[512];
	json_t *j, *rep, *l;
	size_t i;

	if (idpath("tenders", o->tender, "report", path, sizeof path) ||
	    get_json(o, false, path, "report show", &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	rep = json_object_get(j, "report");
	if (!json_is_object(rep)) {
		printf("%s: 尚无评标报告 / no report yet\n", o->tender);
		json_decref(j);
		return 0;
	}
	printf("评标报告 / report %s (%s)\nSHA-256 %s\n签署 / signatures %zu, 不同意见 / dissents %zu\n%s\n",
	       client_jstr(rep, "report"), json_is_true(json_object_get(j, "final")) ? "final" : "not final",
	       client_jstr(rep, "sha256"), json_array_size(json_object_get(j, "signatures")),
	       json_array_size(json_object_get(j, "dissents")), client_jstr(rep, "text"));
	json_array_foreach(json_object_get(rep, "lots"), i, l) {
		printf("标段 / lot %s%s\n", client_jstr(l, "lot"),
		       json_is_true(json_object_get(l, "rejected")) ? "：否决全部投标 / every bid rejected" : "");
		printf("  评标办法 / method: %s\n", client_jstr(json_object_get(l, "inputs"), "method"));
		print_candidates(json_object_get(l, "candidates"));
		print_signals(json_object_get(l, "signals"));
	}
	json_decref(j);
	return 0;
}

/* The registered Ed25519 key of user (GET /api/users/{id}). */
static int user_key(const struct client_session *s, const char *user, unsigned char pub[32])
{
	char path[512];
	json_t *u = NULL;
	const char *b64;
	size_t got = 0;
	int rc;

	if ((rc = idpath("users", user, NULL, path, sizeof path)) ||
	    (rc = client_api(s, "GET", path, NULL, 0, NULL, "user key", &u)))
		return rc ? rc : ET_EIO;
	b64 = client_jstr(u, "ed25519");
	rc = et_b64_decode(b64, strlen(b64), pub, 32, &got) || got != 32 ? ET_EKEY : ET_OK;
	json_decref(u);
	if (rc)
		client_error(rc, "%s: 无已登记的签名公钥 / no registered signing key", user);
	return rc;
}

/* The seat's user and state of member, or NULL. */
static json_t *seat_of(json_t *dr, const char *member)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(dr, "seats"), i, v)
		if (!strcmp(client_jstr(v, "member"), member))
			return v;
	return NULL;
}

static int rv_fail(const char *fmt, const char *a, const char *b)
{
	client_error(ET_EVERIFY, "评标报告核验失败 / the report does not verify: %s %s %s", fmt, a ? a : "",
		     b ? b : "");
	return 1;
}

/* A JSON array of strings as a sorted, '\n'-joined string (for comparing sets). */
static int same_strings(json_t *a, json_t *b)
{
	size_t i, j, n = json_array_size(a);

	if (n != json_array_size(b))
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (json_equal(json_array_get(a, i), json_array_get(b, j)))
				break;
		if (j == n)
			return 0;
	}
	return 1;
}

/* Check the report against the public data: every sheet's total and its
 * signature by its member's registered key over ev_score_message; every
 * lot's recorded inputs against their public sources (the members are the
 * seats held, the bids and prices those of the opening record, the plain
 * hashes the record's bid.xml hashes); the candidates are the first ranked
 * lines; the report's SHA-256 and every member's signature over it. The
 * ranking itself is recomputed from the inputs and the sheets by the apply
 * function of report.submitted: `etender audit verify` replays it. */

/* The report's recorded plaintext hashes of a bid: the decrypted attachments
 * in part order (the opening record's attachments), then bid.xml. */
static bool plain_matches(json_t *plain, json_t *rec_bid)
{
	json_t *att = json_object_get(rec_bid, "attachments"), *a;
	size_t k = 0, i;

	json_array_foreach(att, i, a)
		if (strcmp(json_string_value(json_array_get(plain, k++)) ?: "", client_jstr(a, "sha256")))
			return false;
	if (client_jstr(rec_bid, "xml_sha256")[0] &&
	    strcmp(json_string_value(json_array_get(plain, k++)) ?: "", client_jstr(rec_bid, "xml_sha256")))
		return false;
	return json_array_size(plain) == k;
}

static int report_verify(const struct ev_opts *o)
{
	struct client_session s;
	struct et_buf msg;
	char path[512], hex[65];
	json_t *dr = NULL, *sh = NULL, *rp = NULL, *rec = NULL, *rep, *v, *l, *b, *f, *seats = NULL;
	size_t i, k, nsheets = 0, nsig = 0, nlots = 0, nsignals = 0;
	int rc = 1;

	et_buf_init(&msg, 1u << 20);
	if (client_session_open(o->server, false, &s))
		return 1;
	if (draw_get(o, false, &dr) ||
	    idpath("tenders", o->tender, "sheets", path, sizeof path) ||
	    client_api(&s, "GET", path, NULL, 0, NULL, "sheets", &sh) ||
	    idpath("tenders", o->tender, "report", path, sizeof path) ||
	    client_api(&s, "GET", path, NULL, 0, NULL, "report", &rp) ||
	    idpath("tenders", o->tender, "opening", path, sizeof path) ||
	    client_api(&s, "GET", path, NULL, 0, NULL, "opening", &rec))
		goto out;
	rep = json_object_get(rp, "report");
	if (!json_is_object(rep) || !json_is_true(json_object_get(sh, "complete")) ||
	    !json_object_get(dr, "seats")) {
		client_error(ET_ESTATE, "%s: 报告或评分表尚不可见 / the report or the sheets are not visible "
			     "to you yet", o->tender);
		goto out;
	}
	/* 1. every sheet: its total and its member's signature */
	json_array_foreach(json_object_get(sh, "sheets"), i, v) {
		struct ev_criterion cr[EV_MAX_CRITERIA];
		json_t *crit = json_object_get(v, "criteria"), *c, *seat;
		unsigned char pub[32], sig[64];
		const char *sig64 = client_jstr(v, "sig");
		int64_t total = 0;
		size_t n = json_array_size(crit), got = 0;

		if (!n || n > EV_MAX_CRITERIA)
			{ rv_fail("criteria of a sheet of", client_jstr(v, "member"), NULL); goto out; }
		json_array_foreach(crit, k, c) {
			cr[k].criterion = client_jstr(c, "criterion");
			cr[k].comment = client_jstr(c, "comment");
			cr[k].points = json_integer_value(json_object_get(c, "points"));
			total += cr[k].points;
		}
		if (total != json_integer_value(json_object_get(v, "total")))
			{ rv_fail("the total of the sheet of", client_jstr(v, "member"), client_jstr(v, "bid")); goto out; }
		if (!(seat = seat_of(dr, client_jstr(v, "member"))) ||
		    user_key(&s, client_jstr(seat, "user"), pub))
			{ rv_fail("no seat or key for", client_jstr(v, "member"), NULL); goto out; }
		msg.len = 0;
		if (ev_score_message(o->tender, client_jstr(v, "lot"), client_jstr(v, "bid"),
				     client_jstr(v, "member"), cr, n, &msg) ||
		    et_b64_decode(sig64, strlen(sig64), sig, 64, &got) || got != 64 ||
		    crypto_ed25519_verify(pub, msg.data, msg.len, sig))
			{ rv_fail("the signature of the sheet of", client_jstr(v, "member"), client_jstr(v, "bid")); goto out; }
		nsheets++;
	}
	/* 2. each lot's inputs against their sources, its candidates against its lines */
	if (!(seats = json_array()))
		goto out;
	json_array_foreach(json_object_get(dr, "seats"), i, v)
		if (!strcmp(client_jstr(v, "state"), "member"))
			json_array_append_new(seats, json_string(client_jstr(v, "member")));
	json_array_foreach(json_object_get(rep, "lots"), i, l) {
		const char *lot = client_jstr(l, "lot");
		json_t *in = json_object_get(l, "inputs"), *lines = json_object_get(l, "lines");
		json_t *cands = json_object_get(l, "candidates"), *ib = json_object_get(in, "bids");
		size_t nb = 0, j, nc = 0;

		nlots++;
		if (json_is_true(json_object_get(l, "rejected")))
			continue;
		if (!json_is_object(in) || !same_strings(json_object_get(in, "members"), seats))
			{ rv_fail("the members recorded for lot", lot, "are not the seats held"); goto out; }
		json_array_foreach(json_object_get(rec, "bids"), k, b) {
			if (strcmp(client_jstr(b, "status"), "opened"))
				continue;
			json_array_foreach(json_object_get(b, "offers"), j, f) {
				json_t *x = json_array_get(ib, nb);

				if (strcmp(client_jstr(f, "lot"), lot))
					continue;
				if (!x || strcmp(client_jstr(x, "bid"), client_jstr(b, "bid")) ||
				    strcmp(client_jstr(x, "org"), client_jstr(b, "org")) ||
				    !json_equal(json_object_get(x, "price"), json_object_get(f, "price")) ||
				    !plain_matches(json_object_get(x, "plain"), b))
					{ rv_fail("the bids recorded for lot", lot, "are not the opening record's"); goto out; }
				nb++;
			}
		}
		if (nb != json_array_size(ib))
			{ rv_fail("the bids recorded for lot", lot, "are not the opening record's"); goto out; }
		json_array_foreach(lines, k, v) {
			json_t *c;

			if (!json_integer_value(json_object_get(v, "rank")))
				continue;
			c = json_array_get(cands, nc);
			if (nc < EV_MAX_CANDIDATES &&
			    (!c || strcmp(client_jstr(c, "bid"), client_jstr(v, "bid")) ||
			     json_integer_value(json_object_get(c, "rank")) != json_integer_value(json_object_get(v, "rank"))))
				{ rv_fail("the candidates of lot", lot, "are not its first ranked lines"); goto out; }
			nc++;
		}
		if (json_array_size(cands) != (nc < EV_MAX_CANDIDATES ? nc : EV_MAX_CANDIDATES))
			{ rv_fail("the candidates of lot", lot, "are not its first ranked lines"); goto out; }
		nsignals += json_array_size(json_object_get(l, "signals"));
		printf("标段 / lot %s (%s): 输入与开标记录、席位一致 / inputs match the opening record and the "
		       "seats; candidates:", lot, client_jstr(in, "method"));
		json_array_foreach(cands, k, v)
			printf(" %lld. %s", (long long)json_integer_value(json_object_get(v, "rank")),
			       client_jstr(v, "bid"));
		printf("\n");
	}
	/* 3. the report's digest and its signatures */
	if (report_digest(rep, hex) || strcmp(hex, client_jstr(rep, "sha256")))
		{ rv_fail("the report's SHA-256", NULL, NULL); goto out; }
	json_array_foreach(json_object_get(rp, "signatures"), i, v) {
		json_t *seat = seat_of(dr, client_jstr(v, "member"));
		unsigned char pub[32], sig[64];
		const char *sig64 = client_jstr(v, "sig");
		size_t got = 0;

		msg.len = 0;
		if (!seat || user_key(&s, client_jstr(seat, "user"), pub) ||
		    ev_report_message(o->tender, client_jstr(rep, "report"), hex, &msg) ||
		    et_b64_decode(sig64, strlen(sig64), sig, 64, &got) || got != 64 ||
		    crypto_ed25519_verify(pub, msg.data, msg.len, sig))
			{ rv_fail("the report signature of", client_jstr(v, "member"), NULL); goto out; }
		nsig++;
	}
	printf("评标报告核验通过 / the report verifies: %s: %zu sheets signed by their members, %zu lot(s), "
	       "%zu collusion signal(s), SHA-256 %s, %zu member signatures; the ranking is recomputed "
	       "from the inputs and the sheets by the replay (etender audit verify)\n", o->tender, nsheets,
	       nlots, nsignals, hex, nsig);
	rc = 0;
out:
	json_decref(seats);
	et_buf_free(&msg);
	json_decref(dr);
	json_decref(sh);
	json_decref(rp);
	json_decref(rec);
	client_session_close(&s);
	return rc;
}

int client_cmd_report(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	char path[512];
	json_t *ans = NULL;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(report_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, report_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(report_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "show"))
		return report_show(&o);
	if (!strcmp(sub, "verify"))
		return report_verify(&o);
	if (!strcmp(sub, "sign"))
		return need(report_usage, o.identity, "-i") ?: report_sign(&o);
	if (!strcmp(sub, "submit")) {
		if ((rc = need(report_usage, o.text, "--text")))
			return rc;
		if (idpath("tenders", o.tender, "report", path, sizeof path) ||
		    post_and_say(&o, path, json_pack("{s:s}", "text", o.text), "report submit", &ans))
			return 1;
		if (!o.json)
			printf("%s\n", client_jstr(ans, "report"));
		json_decref(ans);
		return 0;
	}
	return client_usage_error(report_usage, "未知子命令 / unknown subcommand: %s", sub);
}

/* ---- the result -------------------------------------------------------------------------------- */

static const char result_usage[] =
	"用法 / usage: etender result publish TENDER --lot LOT       (代理机构 / agent)\n"
	"       etender result show TENDER [--json]\n"
	"       etender objection lodge TENDER --lot LOT --text TEXT  (投标人 / bidder)\n"
	"       etender objection answer TENDER --objection ID --text TEXT [--upheld]  (代理机构 / agent)\n"
	"       etender award TENDER --lot LOT                        (代理机构 / agent)\n"
	"       etender contract record TENDER --lot LOT --price FEN --signed TIME  (代理机构 / agent)\n"
	"       etender deposit release TENDER                        (管理员 / administrator)\n"
	"  publish：按最终评标报告公示中标候选人（公示期按规则）。objection：公示期内投标人\n"
	"  提出异议，代理机构答复。award：公示期满、异议均已答复且无成立者，向第一名中标候选人\n"
	"  发出中标通知书并通知其他投标人；全部标段确定后评标过程（抽取、评分、报告）公开。\n"
	"  contract：按中标价登记合同。deposit release：全部标段签约后退还本项目投标保证金。\n"
	"  publish: the candidates of the final report, for the publicity period of\n"
	"  the rules. objection: a bidder objects during publicity, the agent\n"
	"  answers. award: after publicity, every objection answered and none upheld,\n"
	"  to the first candidate, with notices to the others; once every lot is\n"
	"  decided the evaluation (draw, sheets, report) becomes public. contract: at\n"
	"  the winning price. deposit release: once every lot is contracted.\n"
	"  All take [--server URL] [--json].\n";

static int lot_post(const struct ev_opts *o, const char *what, const char *action, json_t *b,
		    json_t **ans)
{
	char rest[256], path[512], *el;

	if (!(el = curl_escape(o->lot, 0))) {
		json_decref(b);
		return client_error(ET_ENOMEM, "curl");
	}
	client_fmt(rest, sizeof rest, "lots/%s/%s", el, action);
	curl_free(el);
	if (idpath("tenders", o->tender, rest, path, sizeof path)) {
		json_decref(b);
		return 1;
	}
	return post_and_say(o, path, b, what, ans);
}

static int result_show(const struct ev_opts *o)
{
	char path[512], t1[96], t2[96];
	json_t *j, *l, *v;
	size_t i;

	if (idpath("tenders", o->tender, "result", path, sizeof path) ||
	    get_json(o, false, path, "result show", &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	json_array_foreach(json_object_get(j, "lots"), i, l) {
		json_t *cands = json_object_get(l, "candidates");
		json_t *cj = json_is_string(cands) ? json_loads(json_string_value(cands), 0, NULL) :
			     json_incref(cands);

		client_time_fmt(json_integer_value(json_object_get(l, "from")), t1, sizeof t1);
		client_time_fmt(json_integer_value(json_object_get(l, "until")), t2, sizeof t2);
		printf("标段 / lot %s\n公示 / publicity %s — %s\n中标候选人 / candidates:\n",
		       client_jstr(l, "lot"), t1, t2);
		print_candidates(cj);
		json_decref(cj);
		if (*client_jstr(l, "winner_bid"))
			printf("中标 / awarded: %s (%s) %lld fen\n", client_jstr(l, "winner_bid"),
			       client_jstr(l, "winner_org"),
			       (long long)json_integer_value(json_object_get(l, "price")));
		if (json_integer_value(json_object_get(l, "contract_signed")))
			printf("合同 / contract: %lld fen\n",
			       (long long)json_integer_value(json_object_get(l, "contract_price")));
	}
	json_array_foreach(json_object_get(j, "objections"), i, v)
		printf("异议 / objection %s (lot %s, %s): %s\n  答复 / answer: %s%s\n", client_jstr(v, "id"),
		       client_jstr(v, "lot"), client_jstr(v, "org"), client_jstr(v, "text"),
		       client_jstr(v, "answer"), json_is_true(json_object_get(v, "upheld")) ||
		       json_integer_value(json_object_get(v, "upheld")) == 1 ? "（成立 / upheld）" : "");
	if (json_array_size(json_object_get(j, "released")))
		printf("投标保证金已退还 / deposits released\n");
	json_decref(j);
	return 0;
}

int client_cmd_result(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(result_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, result_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(result_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "show"))
		return result_show(&o);
	if (!strcmp(sub, "publish")) {
		if ((rc = need(result_usage, o.lot, "--lot")) ||
		    (rc = lot_post(&o, "result publish", "candidates", json_object(), NULL)))
			return rc;
		if (!o.json)
			printf("%s: 中标候选人已公示 / candidates published (lot %s)\n", o.tender, o.lot);
		return 0;
	}
	return client_usage_error(result_usage, "未知子命令 / unknown subcommand: %s", sub);
}

int client_cmd_objection(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	char path[512], rest[256], *eo;
	json_t *ans = NULL;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(result_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, result_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(result_usage, o.tender, "TENDER")) || (rc = need(result_usage, o.text, "--text")))
		return rc;
	if (!strcmp(sub, "lodge")) {
		if ((rc = need(result_usage, o.lot, "--lot")) ||
		    (rc = lot_post(&o, "objection lodge", "objections", json_pack("{s:s}", "text", o.text),
				   &ans)))
			return rc;
		if (!o.json)
			printf("%s\n", client_jstr(ans, "id"));
		json_decref(ans);
		return 0;
	}
	if (!strcmp(sub, "answer")) {
		if ((rc = need(result_usage, o.objection, "--objection")))
			return rc;
		if (!(eo = curl_escape(o.objection, 0)))
			return client_error(ET_ENOMEM, "curl");
		client_fmt(rest, sizeof rest, "objections/%s/answer", eo);
		curl_free(eo);
		if (idpath("tenders", o.tender, rest, path, sizeof path) ||
		    post_and_say(&o, path, json_pack("{s:s,s:b}", "text", o.text, "upheld", o.upheld),
				 "objection answer", NULL))
			return 1;
		if (!o.json)
			printf("%s: 已答复 / answered\n", o.objection);
		return 0;
	}
	return client_usage_error(result_usage, "未知子命令 / unknown subcommand: %s", sub);
}

int client_cmd_award(int argc, char **argv)
{
	struct ev_opts o;
	int rc;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(result_usage, stdout);
		return 0;
	}
	if ((rc = ev_parse(argc, argv, result_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(result_usage, o.tender, "TENDER")) || (rc = need(result_usage, o.lot, "--lot")) ||
	    (rc = lot_post(&o, "award", "award", json_object(), NULL)))
		return rc;
	if (!o.json)
		printf("%s: 已发出中标通知书 / lot %s awarded, notices sent\n", o.tender, o.lot);
	return 0;
}

int client_cmd_contract(int argc, char **argv)
{
	struct ev_opts o;
	int64_t when = 0;
	int rc;

	if (argc < 2 || strcmp(argv[1], "record")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(result_usage, stdout);
			return 0;
		}
		return client_usage_error(result_usage, "需要子命令 record / expected 'record'");
	}
	if ((rc = ev_parse(argc - 1, argv + 1, result_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(result_usage, o.tender, "TENDER")) || (rc = need(result_usage, o.lot, "--lot")) ||
	    (rc = need(result_usage, o.signed_at, "--signed")))
		return rc;
	if (!o.have_price)
		return client_usage_error(result_usage, "需要 --price / --price is required");
	if (client_time_parse(o.signed_at, &when))
		return client_usage_error(result_usage, "--signed 无效 / invalid --signed");
	if ((rc = lot_post(&o, "contract record", "contract",
			   json_pack("{s:I,s:I}", "price", (json_int_t)o.price, "signed_us", (json_int_t)when),
			   NULL)))
		return rc;
	if (!o.json)
		printf("%s: 合同已登记 / contract recorded (lot %s, %lld fen)\n", o.tender, o.lot, o.price);
	return 0;
}

/* `etender deposit release TENDER` (opencmd.c's `deposit` hands it here). */
int client_deposit_release(int argc, char **argv)
{
	struct ev_opts o;
	char path[512];
	json_t *ans = NULL;
	int rc;

	if ((rc = ev_parse(argc, argv, result_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(result_usage, o.tender, "TENDER")))
		return rc;
	if (idpath("tenders", o.tender, "deposits/release", path, sizeof path) ||
	    post_and_say(&o, path, json_object(), "deposit release", &ans))
		return 1;
	if (!o.json)
		printf("%s: 投标保证金已退还 / bid deposits released\n", o.tender);
	json_decref(ans);
	return 0;
}

/* ---- the compliance review, adjustments, explanations ------------------------------------- */

static const char review_usage[] =
	"用法 / usage: etender review record TENDER --lot LOT --bid BID --pass\n"
	"       etender review record TENDER --lot LOT --bid BID --fail --criterion C --reason TEXT\n"
	"       etender review show TENDER [--json]\n"
	"  record：评标委员会成员对一个已开标投标作出初步评审（形式、资格、响应性审查）结论，\n"
	"  每人每个投标一次，评标报告提交前；不合格须指明审查因素（如 资格审查）和理由。持有\n"
	"  席位的成员中认定不合格者过半数（cn.panel.review）时该投标不合格，不参加排名。\n"
	"  show（评标委员会、监督人、管理员、值班负责人）：各成员的结论、价格调整、澄清后的否决，以及每个\n"
	"  投标现在的状态（有效与否及理由、调整合计、是否异常低价）。\n"
	"  record: a panel member's finding on one opened bid of a lot (the\n"
	"  compliance review: form, qualification, responsiveness), once per member\n"
	"  and bid, before the report; a failure names its criterion and reason. A\n"
	"  bid fails when more than half of the members holding a seat fail it\n"
	"  (cn.panel.review): it is not ranked. show (the panel, supervisors,\n"
	"  administrators, the duty chief): the findings, the price adjustments, the\n"
	"  rejections after an explanation, and each bid's standing now (valid or\n"
	"  why not, the sum of its adjustments, flagged abnormally low).\n"
	"  All take [--server URL] [--json].\n";

static const char adjust_usage[] =
	"用法 / usage: etender adjust TENDER --lot LOT --bid BID --amount FEN --reason TEXT   (组长 / the chair)\n"
	"  经评审的最低投标价法：组长为评标委员会记录一项价格调整（分，可为负，不为零），\n"
	"  评审价格 = 报价 + 全部调整，须大于零；仅适用于按该办法评审的标段（et.adjust.method）。\n"
	"  The lowest evaluated price: the chair records a price adjustment for the\n"
	"  panel (fen, negative allowed, not zero); the evaluated price = the price +\n"
	"  every adjustment, above zero; only for a lot evaluated by that method\n"
	"  (et.adjust.method). [--server URL] [--json]\n";

static const char explain_usage[] =
	"用法 / usage: etender explain ask TENDER --lot LOT --bid BID --question TEXT --due TIME  (组长 / the chair)\n"
	"       etender explain list TENDER [--json]\n"
	"       etender explain answer TENDER --id XPL --file ANSWER.txt   (投标人 / the bidder asked)\n"
	"       etender explain reject TENDER --id XPL --reason TEXT       (组长 / the chair)\n"
	"  ask：投标报价被标记为异常低价（et.eval.low）时，组长要求该投标人在期限内（晚于现在，\n"
	"  30 日内）作出书面说明；问题公开，不署评委名。list：管理员、监督人、评标委员会成员\n"
	"  看全部，投标人看本单位的。answer：被要求的投标人在期限内答复一次（--file 的文本，或\n"
	"  --text）。reject：投标人答复后或期限已过未答复，组长认定其不能合理说明，否决该投标\n"
	"  （实施条例 第五十一条，cn.panel.21）。\n"
	"  ask: for a bid flagged abnormally low (et.eval.low) the chair asks its\n"
	"  bidder to explain the price by a time limit (later than now, within 30\n"
	"  days); the question is public and names no member. list: administrators,\n"
	"  supervisors and members see all, a bidder its firm's. answer: the bidder\n"
	"  asked answers once by the time limit (the text of --file, or --text).\n"
	"  reject: once answered, or the time limit passed without an answer, the\n"
	"  chair rejects the bid as not justified (实施条例 Art. 51, cn.panel.21).\n"
	"  TIME: RFC 3339 UTC or microseconds. All take [--server URL] [--json].\n";

/* "/api/tenders/T/<a>/<escaped b>/<c>" */
static int sub_path(const struct ev_opts *o, const char *a, const char *b, const char *c, char *out,
		    size_t cap)
{
	char rest[256], *e;

	if (!(e = curl_escape(b, 0)))
		return client_error(ET_ENOMEM, "curl"), ET_ENOMEM;
	client_fmt(rest, sizeof rest, "%s/%s/%s", a, e, c);
	curl_free(e);
	return idpath("tenders", o->tender, rest, out, cap);
}

static void print_money(const char *label, json_int_t fen)
{
	printf("%s%s%lld.%02lld", label, fen < 0 ? "-" : "", (long long)(fen < 0 ? -fen : fen) / 100,
	       (long long)(fen < 0 ? -fen : fen) % 100);
}

static int review_show(const struct ev_opts *o)
{
	char path[512];
	json_t *j, *v;
	size_t i;

	if (idpath("tenders", o->tender, "review", path, sizeof path) ||
	    get_json(o, true, path, "review show", &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	printf("%-6s %-22s %-22s %-16s %-14s %-16s %-7s %s\n", "lot", "bid", "org", "price (yuan)",
	       "adjust", "evaluated", "valid", "flags");
	json_array_foreach(json_object_get(j, "bids"), i, v) {
		json_int_t price = json_integer_value(json_object_get(v, "price"));
		json_int_t adj = json_integer_value(json_object_get(v, "adjust"));
		char a[32], e[32], p[32];

		client_fmt(p, sizeof p, "%lld.%02lld", (long long)price / 100, (long long)price % 100);
		client_fmt(a, sizeof a, "%s%lld.%02lld", adj < 0 ? "-" : adj > 0 ? "+" : "",
			   (long long)(adj < 0 ? -adj : adj) / 100, (long long)(adj < 0 ? -adj : adj) % 100);
		client_fmt(e, sizeof e, "%lld.%02lld", (long long)(price + adj) / 100,
			   (long long)(price + adj) % 100);
		printf("%-6s %-22s %-22s %-16s %-14s %-16s %-7s %s\n", client_jstr(v, "lot"),
		       client_jstr(v, "bid"), client_jstr(v, "org"), p, a, e,
		       json_is_true(json_object_get(v, "valid")) ? "yes" : "no",
		       json_is_true(json_object_get(v, "abnormally_low")) ? "abnormally_low" : "");
		if (*client_jstr(v, "reason"))
			printf("       %s\n", client_jstr(v, "reason"));
	}
	printf("初步评审结论 / findings:\n");
	json_array_foreach(json_object_get(j, "findings"), i, v)
		printf("  %-6s %-22s %-24s %s%s%s%s%s\n", client_jstr(v, "lot"), client_jstr(v, "bid"),
		       client_jstr(v, "member"), json_is_true(json_object_get(v, "pass")) ||
		       json_integer_value(json_object_get(v, "pass")) == 1 ? "合格 / pass" : "不合格 / fail",
		       *client_jstr(v, "criterion") ? ": " : "", client_jstr(v, "criterion"),
		       *client_jstr(v, "reason") ? ": " : "", client_jstr(v, "reason"));
	printf("价格调整 / adjustments:\n");
	json_array_foreach(json_object_get(j, "adjustments"), i, v) {
		printf("  %-6s %-22s", client_jstr(v, "lot"), client_jstr(v, "bid"));
		print_money(" ", json_integer_value(json_object_get(v, "amount")));
		printf(" yuan: %s\n", client_jstr(v, "reason"));
	}
	printf("澄清后否决 / rejected after an explanation:\n");
	json_array_foreach(json_object_get(j, "rejections"), i, v)
		printf("  %-6s %-22s %s (%s): %s\n", client_jstr(v, "lot"), client_jstr(v, "bid"),
		       client_jstr(v, "explanation"), client_jstr(v, "rule"), client_jstr(v, "reason"));
	json_decref(j);
	return 0;
}

int client_cmd_review(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	json_t *b;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(review_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, review_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(review_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "show"))
		return review_show(&o);
	if (strcmp(sub, "record"))
		return client_usage_error(review_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = need(review_usage, o.lot, "--lot")) || (rc = need(review_usage, o.bid, "--bid")))
		return rc;
	if (o.pass == o.fail)
		return client_usage_error(review_usage, "需要 --pass 或 --fail 之一 / exactly one of --pass "
					  "and --fail is required");
	if (o.fail && ((rc = need(review_usage, o.criterion, "--criterion")) ||
		       (rc = need(review_usage, o.reason, "--reason"))))
		return rc;
	b = json_pack("{s:s,s:b}", "bid", o.bid, "pass", o.pass);
	if (b && o.criterion)
		json_object_set_new(b, "criterion", json_string(o.criterion));
	if (b && o.reason)
		json_object_set_new(b, "reason", json_string(o.reason));
	if ((rc = lot_post(&o, "review record", "review", b, NULL)))
		return rc;
	if (!o.json)
		printf("%s: 初步评审结论已记录 / finding recorded: lot %s, %s %s\n", o.tender, o.lot, o.bid,
		       o.pass ? "合格 / pass" : "不合格 / fail");
	return 0;
}

int client_cmd_adjust(int argc, char **argv)
{
	struct ev_opts o;
	int rc;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(adjust_usage, stdout);
		return 0;
	}
	if ((rc = ev_parse(argc, argv, adjust_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(adjust_usage, o.tender, "TENDER")) || (rc = need(adjust_usage, o.lot, "--lot")) ||
	    (rc = need(adjust_usage, o.bid, "--bid")) || (rc = need(adjust_usage, o.reason, "--reason")))
		return rc;
	if (!o.have_amount)
		return client_usage_error(adjust_usage, "需要 --amount（分）/ --amount (fen) is required");
	if ((rc = lot_post(&o, "adjust", "adjustments",
			   json_pack("{s:s,s:I,s:s}", "bid", o.bid, "amount", (json_int_t)o.amount, "reason",
				     o.reason), NULL)))
		return rc;
	if (!o.json) {
		printf("%s: 价格调整已记录 / adjustment recorded: lot %s, %s", o.tender, o.lot, o.bid);
		print_money(" ", (json_int_t)o.amount);
		printf(" yuan\n");
	}
	return 0;
}

static int explain_list(const struct ev_opts *o)
{
	char path[512], t[96];
	json_t *j, *v;
	size_t i;

	if (idpath("tenders", o->tender, "explanations", path, sizeof path) ||
	    get_json(o, true, path, "explain list", &j))
		return 1;
	if (o->json) {
		client_json_print(j);
		json_decref(j);
		return 0;
	}
	if (!json_array_size(json_object_get(j, "explanations")))
		printf("%s: 无澄清要求 / no explanation requested\n", o->tender);
	json_array_foreach(json_object_get(j, "explanations"), i, v) {
		client_time_fmt(json_integer_value(json_object_get(v, "deadline")), t, sizeof t);
		printf("%s  lot %s  %s  %s\n  期限 / due %s  %s\n  问题 / question: %s\n", client_jstr(v, "id"),
		       client_jstr(v, "lot"), client_jstr(v, "bid"), client_jstr(v, "org"), t,
		       json_is_true(json_object_get(v, "answered")) ? "已答复 / answered" : "未答复 / not answered",
		       client_jstr(v, "question"));
		if (json_is_true(json_object_get(v, "answered")))
			printf("  答复 / answer (%s): %s\n", client_jstr(v, "answered_by"), client_jstr(v, "answer"));
	}
	json_decref(j);
	return 0;
}

/* The answer: the text of --file (UTF-8, no NUL), or --text. */
static int answer_text(const struct ev_opts *o, char **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!o->file) {
		if (!(*out = strdup(o->text)))
			return client_error(ET_ENOMEM, "answer"), ET_ENOMEM;
		return ET_OK;
	}
	if ((rc = et_read_file(o->file, ET_TENDER_TEXT_MAX, &buf, &len))) {
		if (rc == ET_ELIMIT)
			return client_error(rc, "%s: 答复过长（至多 %u 字节）/ the answer is too long (at most %u "
					    "bytes)", o->file, ET_TENDER_TEXT_MAX, ET_TENDER_TEXT_MAX), rc;
		return client_error(rc, "%s", o->file), rc;
	}
	if (!len || memchr(buf, 0, len)) {
		free(buf);
		return client_error(ET_EINVAL, "%s: 须为非空文本 / must be non-empty text", o->file), ET_EINVAL;
	}
	if (!(*out = malloc(len + 1))) {
		free(buf);
		return client_error(ET_ENOMEM, "answer"), ET_ENOMEM;
	}
	memcpy(*out, buf, len);
	(*out)[len] = 0;
	free(buf);
	return ET_OK;
}

int client_cmd_explain(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct ev_opts o;
	char path[512], *text = NULL;
	int64_t due = 0;
	json_t *ans = NULL;
	int rc;

	if (argc < 2 || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(explain_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if ((rc = ev_parse(argc - 1, argv + 1, explain_usage, &o)))
		return rc < 0 ? 0 : rc;
	if ((rc = need(explain_usage, o.tender, "TENDER")))
		return rc;
	if (!strcmp(sub, "list"))
		return explain_list(&o);
	if (!strcmp(sub, "ask")) {
		if ((rc = need(explain_usage, o.lot, "--lot")) || (rc = need(explain_usage, o.bid, "--bid")) ||
		    (rc = need(explain_usage, o.question, "--question")) ||
		    (rc = need(explain_usage, o.due, "--due")))
			return rc;
		if (client_time_parse(o.due, &due))
			return client_usage_error(explain_usage, "--due 无效 / invalid --due: %s", o.due);
		if ((rc = lot_post(&o, "explain ask", "explanations",
				   json_pack("{s:s,s:s,s:I}", "bid", o.bid, "question", o.question, "deadline",
					     (json_int_t)due), &ans)))
			return rc;
		if (!o.json)
			printf("%s\n", client_jstr(ans, "id"));
		json_decref(ans);
		return 0;
	}
	if (strcmp(sub, "answer") && strcmp(sub, "reject"))
		return client_usage_error(explain_usage, "未知子命令 / unknown subcommand: %s", sub);
	if ((rc = need(explain_usage, o.id, "--id")))
		return rc;
	if (!strcmp(sub, "answer")) {
		if (!o.file == !o.text)
			return client_usage_error(explain_usage, "需要 --file 或 --text 之一 / exactly one of "
						  "--file and --text is required");
		if (answer_text(&o, &text))
			return 1;
		if (sub_path(&o, "explanations", o.id, "answer", path, sizeof path) ||
		    post_and_say(&o, path, json_pack("{s:s}", "text", text), "explain answer", NULL)) {
			free(text);
			return 1;
		}
		free(text);
		if (!o.json)
			printf("%s: 已答复 / answered\n", o.id);
		return 0;
	}
	if ((rc = need(explain_usage, o.reason, "--reason")))
		return rc;
	if (sub_path(&o, "explanations", o.id, "reject", path, sizeof path) ||
	    post_and_say(&o, path, json_pack("{s:s}", "reason", o.reason), "explain reject", NULL))
		return 1;
	if (!o.json)
		printf("%s: 投标已否决（不能合理说明其报价，cn.panel.21）/ bid rejected (the price not "
		       "justified, cn.panel.21)\n", o.id);
	return 0;
}
