/* client/witness.c — `etender witness`: the supervisor's witness, a small
 * HTTP service (libmicrohttpd) speaking C2SP tlog-witness: it cosigns a
 * log's checkpoint (cosignature/v1, its own clock) only if it extends the
 * last one it cosigned for that origin, which it keeps durably.
 *
 * Invariants: for each configured origin, the file logs/<id>.checkpoint in
 * the data dir holds the last checkpoint note cosigned (absent: none, size
 * 0). A cosignature leaves the process only after the checkpoint it covers
 * is on disk (atomic replace + fsync). Requests are handled one at a time
 * (check and store are one atomic step). The stored size never decreases
 * and a stored root is never replaced by another of the same size. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "audit/audit.h"
#include "client/client.h"

static const char witness_usage[] =
	"用法 / usage: etender witness keygen --name NAME -o FILE\n"
	"       etender witness vkey --name NAME --key FILE\n"
	"       etender witness serve --listen HOST:PORT --data DIR --name NAME\n"
	"                             --log-key VKEY [--log-key VKEY]... [--key FILE]\n"
	"  监督人的见证服务（C2SP tlog-witness）：检查一致性后为日志检查点副署\n"
	"  （cosignature/v1，带见证人自己的时间），拒绝分叉。\n"
	"  The supervisor's witness (C2SP tlog-witness): POST /add-checkpoint.\n"
	"  It cosigns a checkpoint (cosignature/v1, with its own clock) only after\n"
	"  checking the log's signature and consistency with the last checkpoint\n"
	"  it cosigned for that origin, which it stores durably in DIR before it\n"
	"  answers; it refuses forks and rollbacks and keeps their evidence in\n"
	"  DIR/evidence. keygen writes the witness key (0600) and prints its\n"
	"  cosignature verifier key (name+hash+base64(0x04||pub)): publish it.\n"
	"  --key defaults to DIR/witness.key; PORT 0 picks a free port. The first\n"
	"  line on stdout is \"listen HOST:PORT\".\n"
#ifdef ET_TEST_HOOKS
	"  (test builds) --test-time SECONDS fixes the witness's clock.\n"
#endif
	;

/* ---- state -------------------------------------------------------------- */

struct wlog {
	char origin[ET_NOTE_MAX_NAME];
	unsigned char pub[ET_WITNESS_MAX_LOGS][32];
	size_t npub;
	bool have;                       /* a checkpoint was cosigned */
	uint64_t size;
	unsigned char root[AUDIT_HASH_LEN];
	char path[4200];                 /* its state file */
};

struct witness {
	char name[ET_NOTE_MAX_NAME];
	unsigned char seed[32];
	char dir[4096];
	struct wlog logs[ET_WITNESS_MAX_LOGS];
	size_t nlogs;
	pthread_mutex_t mu;
	uint64_t nevidence;
};

/* One request's body, collected by libmicrohttpd's callbacks. */
struct wreq {
	struct et_buf body;
	bool too_big;
};

static struct wlog *find_log(struct witness *w, const char *origin)
{
	size_t i;

	for (i = 0; i < w->nlogs; i++)
		if (!strcmp(w->logs[i].origin, origin))
			return &w->logs[i];
	return NULL;
}

/* Verify note by any of the log's keys; *text malloc'd on success. */
static int verify_note(const struct wlog *lg, const char *note, size_t len, char **text)
{
	int rc = ET_EVERIFY, r;
	size_t i;

	*text = NULL;
	for (i = 0; i < lg->npub; i++) {
		r = audit_note_verify(note, len, lg->origin, lg->pub[i], text);
		if (r == ET_OK)
			return ET_OK;
		if (r != ET_EVERIFY)
			rc = r;
	}
	return rc;
}

static int add_log_key(struct witness *w, const char *vkey)
{
	unsigned char pub[32];
	struct wlog *lg;
	char *name = NULL;
	int rc;

	if ((rc = audit_note_vkey_parse(vkey, &name, pub, NULL)))
		return rc;
	if (strlen(name) >= ET_NOTE_MAX_NAME) {
		rc = ET_ELIMIT;
		goto out;
	}
	lg = find_log(w, name);
	if (!lg) {
		if (w->nlogs == ET_WITNESS_MAX_LOGS) {
			rc = ET_ELIMIT;
			goto out;
		}
		lg = &w->logs[w->nlogs++];
		memset(lg, 0, sizeof *lg);
		memcpy(lg->origin, name, strlen(name) + 1);
	}
	if (lg->npub == ET_WITNESS_MAX_LOGS) {
		rc = ET_ELIMIT;
		goto out;
	}
	memcpy(lg->pub[lg->npub++], pub, 32);
out:
	free(name);
	return rc;
}

/* Load each log's stored checkpoint (verified again: a state file that does
 * not verify is refused, never ignored). */
static int load_state(struct witness *w)
{
	char logs[4200];
	size_t i;
	int rc = ET_OK;

	if (snprintf(logs, sizeof logs, "%s/logs", w->dir) >= (int)sizeof logs)
		return ET_ELIMIT;
	if (mkdir(logs, 0700) != 0 && errno != EEXIST)
		return et_fail(ET_EIO);
	for (i = 0; i < w->nlogs && rc == ET_OK; i++) {
		struct wlog *lg = &w->logs[i];
		struct audit_checkpoint cp;
		unsigned char h[32], *file = NULL;
		char hex[33], *text = NULL;
		size_t len = 0;

		crypto_sha256(lg->origin, strlen(lg->origin), h);
		et_hex_encode(h, 16, hex);
		if (snprintf(lg->path, sizeof lg->path, "%s/%s.checkpoint", logs, hex) >=
		    (int)sizeof lg->path)
			return ET_ELIMIT;
		rc = et_read_file(lg->path, ET_NOTE_MAX_LEN, &file, &len);
		if (rc == ET_ENOTFOUND) {
			rc = ET_OK;
			continue;
		}
		if (rc == ET_OK && !file)
			rc = ET_EINVAL;
		if (rc == ET_OK)
			rc = verify_note(lg, (const char *)file, len, &text);
		if (rc == ET_OK)
			rc = audit_checkpoint_parse(text, strlen(text), &cp);
		if (rc == ET_OK && strcmp(cp.origin, lg->origin) != 0)
			rc = ET_EVERIFY;
		if (rc == ET_OK) {
			lg->have = true;
			lg->size = cp.size;
			memcpy(lg->root, cp.root, AUDIT_HASH_LEN);
		} else {
			et_log(ET_LOG_ERROR, "witness: stored checkpoint %s of %s does not verify: %s",
			       lg->path, lg->origin, et_strerror(rc));
		}
		free(text);
		free(file);
	}
	return rc;
}

/* Keep a refused request that the log signed: it may prove misbehaviour.
 * Named by time, pid and a counter, so that no evidence replaces another. */
static void keep_evidence(struct witness *w, const struct wlog *lg, const char *why,
			  const char *body, size_t len)
{
	char dir[4200], path[4300], now[32];
	unsigned char *stored = NULL;
	size_t slen = 0;
	struct et_buf b;
	int64_t t = et_clock_now_us();

	et_clock_format_utc(t, now);
	et_log(ET_LOG_WARN, "witness: refused a checkpoint of %s: %s (evidence kept)", lg->origin,
	       why);
	if (snprintf(dir, sizeof dir, "%s/evidence", w->dir) >= (int)sizeof dir ||
	    snprintf(path, sizeof path, "%s/%lld-%ld-%llu.txt", dir, (long long)t, (long)getpid(),
		     (unsigned long long)++w->nevidence) >= (int)sizeof path)
		return;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return;
	if (et_read_file(lg->path, ET_NOTE_MAX_LEN, &stored, &slen) != ET_OK)
		stored = NULL;
	et_buf_init(&b, ET_WITNESS_MAX_BODY + ET_NOTE_MAX_LEN + 4096);
	if (et_buf_printf(&b, "# etender witness evidence\norigin: %s\nreason: %s\ntime: %s\n"
			      "\n## last cosigned checkpoint\n%s\n## refused request body (log-signed)\n",
			  lg->origin, why, now, stored ? (const char *)stored : "(none)\n") == ET_OK &&
	    et_buf_add(&b, body, len) == ET_OK &&
	    et_write_file_atomic(path, b.data, b.len, 0600) != ET_OK)
		et_log(ET_LOG_ERROR, "witness: could not write evidence %s", path);
	et_buf_free(&b);
	free(stored);
}

/* ---- add-checkpoint ----------------------------------------------------- */

struct answer {
	unsigned status;
	const char *ctype;
	struct et_buf body;
};

static int answer_text(struct answer *a, unsigned status, const char *fmt, ...) ET_PRINTF(3, 4);
static int answer_text(struct answer *a, unsigned status, const char *fmt, ...)
{
	va_list ap;
	int rc;

	a->status = status;
	a->ctype = "text/plain; charset=utf-8";
	et_buf_reset(&a->body);
	va_start(ap, fmt);
	rc = et_buf_vprintf(&a->body, fmt, ap);
	va_end(ap);
	return rc;
}

static bool empty_root(const unsigned char root[AUDIT_HASH_LEN])
{
	unsigned char e[32];

	crypto_sha256("", 0, e);
	return crypto_ct_equal(e, root, 32);
}

/* Decide on one add-checkpoint body; fills a (status, type, body). */
static void add_checkpoint(struct witness *w, const char *body, size_t len, struct answer *a)
{
	struct client_witness_req *rq = NULL;
	char *text = NULL, *line = NULL;
	const char *note, *end;
	struct audit_checkpoint cp;
	struct wlog *lg;
	uint64_t old, stored;
	size_t nproof;
	int rc;

	if (!(rq = malloc(sizeof *rq))) {
		(void)answer_text(a, 500, "out of memory\n");
		goto out;
	}
	if (client_witness_req_parse(body, len, rq) != ET_OK) {
		(void)answer_text(a, 400, "%s\n", rq->why);
		goto out;
	}
	old = rq->old;
	nproof = rq->nproof;
	note = rq->note;
	end = rq->note + rq->note_len;
	if (!(lg = find_log(w, rq->origin))) {
		(void)answer_text(a, 404, "unknown log\n");
		goto out;
	}
	rc = verify_note(lg, note, (size_t)(end - note), &text);
	if (rc == ET_EVERIFY) {
		(void)answer_text(a, 403, "no valid signature by a known key of this log\n");
		goto out;
	}
	if (rc == ET_OK)
		rc = audit_checkpoint_parse(text, strlen(text), &cp);
	if (rc == ET_OK && strcmp(cp.origin, rq->origin) != 0)
		rc = ET_EINVAL;
	if (rc) {
		(void)answer_text(a, rc == ET_ENOMEM ? 500 : 403, "malformed checkpoint: %s\n",
				  et_strerror(rc));
		goto out;
	}
	if (old > cp.size) {
		(void)answer_text(a, 400, "old size above the checkpoint size\n");
		goto out;
	}
	stored = lg->have ? lg->size : 0;
	if (old != stored) {
		(void)answer_text(a, 409, "%llu\n", (unsigned long long)stored);
		a->ctype = "text/x.tlog.size";
		goto out;
	}
	if (cp.size == 0 && !empty_root(cp.root)) {
		keep_evidence(w, lg, "size 0 with a root that is not the empty tree's", body, len);
		(void)answer_text(a, 422, "size 0 with a non-empty root\n");
		goto out;
	}
	if (old == 0 && nproof) {
		(void)answer_text(a, 422, "the proof from size 0 must be empty\n");
		goto out;
	}
	if (old > 0 && old == cp.size) {
		if (!crypto_ct_equal(lg->root, cp.root, AUDIT_HASH_LEN)) {
			/* C2SP: same size, other root is 409; it is a fork signed by the log */
			keep_evidence(w, lg, "fork: same size, different root", body, len);
			(void)answer_text(a, 409, "%llu\n", (unsigned long long)stored);
			a->ctype = "text/x.tlog.size";
			goto out;
		}
		if (nproof) {
			(void)answer_text(a, 422, "the proof between equal sizes must be empty\n");
			goto out;
		}
	} else if (old > 0 &&
		   audit_verify_consistency(old, cp.size, lg->root, cp.root,
					    (const unsigned char(*)[AUDIT_HASH_LEN])rq->proof, nproof) != ET_OK) {
		keep_evidence(w, lg, "consistency proof does not verify (fork or bad proof)", body, len);
		(void)answer_text(a, 422, "consistency proof does not verify\n");
		goto out;
	}
	/* durable before we answer */
	if ((rc = et_write_file_atomic(lg->path, note, (size_t)(end - note), 0600))) {
		et_log(ET_LOG_ERROR, "witness: cannot store the checkpoint of %s: %s", rq->origin,
		       et_strerror(rc));
		(void)answer_text(a, 500, "cannot store the checkpoint\n");
		goto out;
	}
	lg->have = true;
	lg->size = cp.size;
	memcpy(lg->root, cp.root, AUDIT_HASH_LEN);
	{
		int64_t now = et_clock_now_us();
		uint64_t ts = now > 0 ? (uint64_t)(now / 1000000) : 0;

		if ((rc = audit_cosig_sign(text, w->name, w->seed, ts, &line))) {
			(void)answer_text(a, 500, "cannot sign\n");
			goto out;
		}
		(void)answer_text(a, 200, "%s", line);
		et_log(ET_LOG_INFO, "witness: cosigned %s size %llu at %llu", rq->origin,
		       (unsigned long long)cp.size, (unsigned long long)ts);
	}
out:
	free(line);
	free(text);
	free(rq);
}

/* ---- HTTP ------------------------------------------------------------------ */

static enum MHD_Result reply(struct MHD_Connection *c, struct answer *a)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(a->body.len, a->body.data ? a->body.data : (void *)"",
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->ctype);
	if (a->status == 405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
	ret = MHD_queue_response(c, a->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct witness *w = cls;
	struct wreq *rq = *con_cls;
	struct answer a = { 0, NULL, { NULL, 0, 0, 0 } };
	enum MHD_Result ret;

	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		et_buf_init(&rq->body, ET_WITNESS_MAX_BODY);
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_big && et_buf_add(&rq->body, upload, *upload_size) != ET_OK)
			rq->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	et_buf_init(&a.body, 4096);
	if (strcmp(url, "/add-checkpoint") != 0)
		(void)answer_text(&a, 404, "not found\n");
	else if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		(void)answer_text(&a, 405, "POST only\n");
	else if (rq->too_big)
		(void)answer_text(&a, 413, "body too large\n");
	else {
		pthread_mutex_lock(&w->mu);
		add_checkpoint(w, rq->body.data ? (const char *)rq->body.data : "", rq->body.len, &a);
		pthread_mutex_unlock(&w->mu);
	}
	if (!a.ctype)
		(void)answer_text(&a, 500, "internal error\n");
	ret = reply(c, &a);
	et_buf_free(&a.body);
	return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct wreq *rq = *con_cls;

	if (rq) {
		et_buf_free(&rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

/* "HOST:PORT" ("[v6]:PORT" too) into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[256], port[16];
	const char *colon = strrchr(s, ':');
	struct addrinfo hints, *res = NULL;
	size_t hl;

	if (!colon || strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port)
		return ET_EINVAL;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof host)
		return ET_EINVAL;
	memcpy(host, s, hl);
	host[hl] = 0;
	memcpy(port, colon + 1, strlen(colon + 1) + 1);
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
		return ET_EINVAL;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return ET_OK;
}

static int load_key(const char *path, unsigned char seed[32])
{
	struct client_identity id;
	int rc = client_identity_load(path, &id);

	if (rc)
		return rc;
	if (!id.has_signing)
		rc = ET_EINVAL;
	else
		memcpy(seed, id.sign_seed, 32);
	client_identity_free(&id);
	return rc;
}

static int print_vkey(const char *name, const unsigned char seed[32], FILE *f)
{
	unsigned char pub[32];
	char *vkey = NULL, fp[80];
	int rc;

	if ((rc = crypto_ed25519_public(seed, pub)) || (rc = audit_cosig_vkey_format(name, pub, &vkey)))
		return rc;
	client_fingerprint(vkey, fp);
	fprintf(f, "%s\n", vkey);
	fprintf(stderr, "etender: 见证人公钥（cosignature/v1）/ witness verifier key (cosignature/v1)\n"
			"  指纹 / fingerprint: %s\n", fp);
	free(vkey);
	return ET_OK;
}

static int cmd_keygen(const char *name, const char *out)
{
	unsigned char seed[32], pub[32];
	char *sk = NULL, *vkey = NULL;
	struct et_buf b;
	int rc;

	et_buf_init(&b, 4096);
	if ((rc = crypto_ed25519_keygen(seed, pub)))
		goto out;
	if ((rc = audit_cosig_vkey_format(name, pub, &vkey))) {
		client_error(rc, "--name %s", name);
		goto out;
	}
	rc = crypto_bech32_encode("etender-signing-key-", seed, 32, true, &sk);
	if (rc == ET_OK)
		rc = et_buf_printf(&b, "# etender witness key\n# name: %s\n# vkey: %s\n%s\n", name, vkey,
				   sk);
	if (rc == ET_OK)
		rc = crypto_write_secret_file(out, b.data, b.len);
	if (rc) {
		client_error(rc, "%s", out);
		goto out;
	}
	rc = print_vkey(name, seed, stdout);
out:
	if (sk) {
		crypto_wipe(sk, strlen(sk));
		free(sk);
	}
	crypto_wipe(seed, sizeof seed);
	et_buf_free(&b);
	free(vkey);
	return rc ? 1 : 0;
}

static int cmd_serve(struct witness *w, const char *listen, const char *key)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	char keypath[4200];
	sigset_t set;
	int sig = 0, rc, ret = 1;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (parse_listen(listen, &ss, &sl))
		return client_error(ET_EINVAL, "--listen %s", listen);
	if (!key) {
		if (snprintf(keypath, sizeof keypath, "%s/witness.key", w->dir) >= (int)sizeof keypath)
			return client_error(ET_ELIMIT, "--data");
		key = keypath;
	}
	if ((rc = load_key(key, w->seed)))
		return client_error(rc, "%s", key);
	if ((rc = load_state(w))) {
		client_error(rc, "状态文件 / state in %s", w->dir);
		goto out;
	}
	if ((rc = print_vkey(w->name, w->seed, stderr))) {
		client_error(rc, "--name %s", w->name);
		goto out;
	}
	/* signals are taken by sigwait below, in this thread only */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, &ss,
			     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_END);
	if (!d) {
		client_error(ET_EIO, "--listen %s", listen);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	{
		char host[256];
		const char *colon = strrchr(listen, ':');
		size_t hl = (size_t)(colon - listen);

		if (hl >= sizeof host)
			hl = sizeof host - 1;
		memcpy(host, listen, hl);
		host[hl] = 0;
		printf("listen %s:%u\n", host, info ? (unsigned)info->port : 0u);
		fflush(stdout);
	}
	fprintf(stderr, "etender: 见证人 %s 已启动，见证 %zu 个日志 / witness %s serving %zu log(s)\n",
		w->name, w->nlogs, w->name, w->nlogs);
	while (sigwait(&set, &sig) == 0) {
		if (sig == SIGINT || sig == SIGTERM)
			break;
	}
	ret = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	crypto_wipe(w->seed, sizeof w->seed);
	return ret;
}

int client_cmd_witness(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'L' },
		{ "data", required_argument, NULL, 'd' },
		{ "log-key", required_argument, NULL, 'k' },
		{ "key", required_argument, NULL, 'K' },
		{ "out", required_argument, NULL, 'o' },
#ifdef ET_TEST_HOOKS
		{ "test-time", required_argument, NULL, 'T' },
#endif
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *listen = NULL, *data = NULL, *key = NULL, *out = NULL, *sub;
	struct witness *w = NULL;
	int ch, rc, ret = 2;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(witness_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!(w = calloc(1, sizeof *w)))
		return client_error(ET_ENOMEM, "witness");
	pthread_mutex_init(&w->mu, NULL);
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'L': listen = optarg; break;
		case 'd': data = optarg; break;
		case 'K': key = optarg; break;
		case 'o': out = optarg; break;
		case 'k':
			if ((rc = add_log_key(w, optarg))) {
				ret = client_error(rc, "--log-key %s", optarg);
				goto done;
			}
			break;
#ifdef ET_TEST_HOOKS
		case 'T': {
			uint64_t t;
			if (et_parse_u64(optarg, strlen(optarg), &t) || t > INT64_MAX / 1000000) {
				ret = client_usage_error(witness_usage, "--test-time %s", optarg);
				goto done;
			}
			et_clock_set_test((int64_t)t * 1000000);
			break;
		}
#endif
		case 'h': fputs(witness_usage, stdout); ret = 0; goto done;
		default: ret = client_usage_error(witness_usage, "未知选项 / unknown option"); goto done;
		}
	}
	if (optind != argc) {
		ret = client_usage_error(witness_usage, "多余参数 / extra argument: %s", argv[optind]);
		goto done;
	}
	if (!name || strlen(name) >= sizeof w->name) {
		ret = client_usage_error(witness_usage, "需要 --name / --name is required");
		goto done;
	}
	memcpy(w->name, name, strlen(name) + 1);
	if (!strcmp(sub, "keygen")) {
		if (!out) {
			ret = client_usage_error(witness_usage, "keygen 需要 -o / keygen needs -o FILE");
			goto done;
		}
		ret = cmd_keygen(name, out);
	} else if (!strcmp(sub, "vkey")) {
		unsigned char seed[32];
		if (!key) {
			ret = client_usage_error(witness_usage, "vkey 需要 --key / vkey needs --key FILE");
			goto done;
		}
		rc = load_key(key, seed);
		if (rc == ET_OK)
			rc = print_vkey(name, seed, stdout);
		crypto_wipe(seed, sizeof seed);
		ret = rc ? client_error(rc, "%s", key) : 0;
	} else if (!strcmp(sub, "serve")) {
		if (!listen || !data || w->nlogs == 0) {
			ret = client_usage_error(witness_usage,
						 "serve 需要 --listen、--data 和 --log-key / serve needs "
						 "--listen, --data and at least one --log-key");
			goto done;
		}
		if (strlen(data) >= sizeof w->dir) {
			ret = client_error(ET_ELIMIT, "--data");
			goto done;
		}
		memcpy(w->dir, data, strlen(data) + 1);
		if (mkdir(w->dir, 0700) != 0 && errno != EEXIST) {
			ret = client_error(ET_EIO, "%s", w->dir);
			goto done;
		}
		ret = cmd_serve(w, listen, key);
	} else {
		ret = client_usage_error(witness_usage, "未知子命令 / unknown subcommand: %s", sub);
	}
done:
	pthread_mutex_destroy(&w->mu);
	crypto_wipe(w, sizeof *w);
	free(w);
	return ret;
}
