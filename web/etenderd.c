/* web/etenderd.c — the server's command line: init a data folder, serve
 * /api/ and /log/ over HTTP(S), verify a data folder (replay = live, every
 * reveal, every blob), and build a demo history. */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "web/web_int.h"
#ifdef WEB_DOMAIN
#include "bidding/bidding.h"
#include "evaluation/evaluation.h"
#endif

static const char usage[] =
	"用法 / usage:\n"
	"  etenderd init   --data DIR [--origin NAME] [--center-name NAME]\n"
	"                  [--witness URL --witness-key VKEY]\n"
	"  etenderd serve  --data DIR --listen HOST:PORT [--witness URL --witness-key VKEY]\n"
	"                  [--tls-cert FILE --tls-key FILE] [--ready-file FILE]\n"
	"                  [--trusted-proxy ADDR] [--test-clock US (test builds)]\n"
	"  etenderd verify --data DIR\n"
	"  etenderd demo   --data DIR\n"
	"  init 创建数据目录、数据库、日志签名密钥；serve 提供 /api/ 与 /log/；\n"
	"  verify 重放日志并与现有数据比对（一切正常时退出码为 0）。\n"
	"  init creates the data folder, database and log signing key; serve serves\n"
	"  /api/ and /log/; verify replays the log against the live data (exit 0\n"
	"  only if all is well); demo builds a demonstration history.\n";

enum { OPT_DATA = 1, OPT_ORIGIN, OPT_WITNESS, OPT_WITNESS_KEY, OPT_LISTEN, OPT_CERT, OPT_KEY,
       OPT_READY, OPT_CENTER, OPT_PROXY, OPT_TEST_CLOCK };

static const struct option long_opts[] = {
	{ "data", required_argument, NULL, OPT_DATA },
	{ "origin", required_argument, NULL, OPT_ORIGIN },
	{ "witness", required_argument, NULL, OPT_WITNESS },
	{ "witness-key", required_argument, NULL, OPT_WITNESS_KEY },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "tls-cert", required_argument, NULL, OPT_CERT },
	{ "tls-key", required_argument, NULL, OPT_KEY },
	{ "ready-file", required_argument, NULL, OPT_READY },
	{ "center-name", required_argument, NULL, OPT_CENTER },
	{ "trusted-proxy", required_argument, NULL, OPT_PROXY },
#ifdef ET_TEST_HOOKS
	{ "test-clock", required_argument, NULL, OPT_TEST_CLOCK },
#endif
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *data, *origin, *witness, *witness_key, *listen, *cert, *key, *ready, *center,
		*proxy, *test_clock;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DATA: o->data = optarg; break;
		case OPT_ORIGIN: o->origin = optarg; break;
		case OPT_WITNESS: o->witness = optarg; break;
		case OPT_WITNESS_KEY: o->witness_key = optarg; break;
		case OPT_LISTEN: o->listen = optarg; break;
		case OPT_CERT: o->cert = optarg; break;
		case OPT_KEY: o->key = optarg; break;
		case OPT_READY: o->ready = optarg; break;
		case OPT_CENTER: o->center = optarg; break;
		case OPT_PROXY: o->proxy = optarg; break;
		case OPT_TEST_CLOCK: o->test_clock = optarg; break;
		default: return ET_EINVAL;
		}
	}
	if (optind != argc || !o->data)
		return ET_EINVAL;
	return ET_OK;
}

static int fail(int rc, const char *what)
{
	fprintf(stderr, "etenderd: %s: %s\n", what, et_strerror_both(rc));
	return 2;
}

/* ---- init ---------------------------------------------------------------- */

static int cmd_init(const struct opts *o)
{
	char *vkey = NULL, *password = NULL, admin[64];
	int rc;

	if ((o->witness_key && !o->witness) || o->listen || o->cert || o->key || o->ready) {
		fputs(usage, stderr);
		return 2;
	}
	if ((rc = web_data_init(o->data, o->origin, o->witness, o->witness_key, o->center, &vkey,
				&password, admin)))
		return fail(rc, "init");
	printf("数据目录 / data folder: %s\n", o->data);
	printf("日志验证公钥 / log verifier key (publish it out of band):\n%s\n", vkey);
	if (password) {
		/* The one place the password is shown: stdout of init, once. */
		printf("首个管理员 / first administrator: user %s, login \"%s\"\n"
		       "一次性密码 / one-time password: %s\n"
		       "  登录后请立即修改 / log in (POST /api/login) and change it at once\n"
		       "  (POST /api/me/password); it is not stored anywhere in clear.\n",
		       admin, WEB_ADMIN_LOGIN, password);
		crypto_wipe(password, strlen(password));
		free(password);
	} else {
		printf("首个管理员 / first administrator: this build has no account module.\n");
	}
	free(vkey);
	return 0;
}

/* ---- serve --------------------------------------------------------------- */

static int write_ready(const char *path, const char *listen, uint16_t port)
{
	char line[512];
	const char *colon = strrchr(listen, ':');
	int n;

	n = snprintf(line, sizeof line, "%.*s:%u\n", (int)(colon - listen), listen, port);
	if (n <= 0 || (size_t)n >= sizeof line)
		return ET_ELIMIT;
	return et_write_file_atomic(path, line, (size_t)n, 0644);
}

static int cmd_serve(const struct opts *o)
{
	struct web_data *d = NULL;
	struct web_witness *w = NULL;
	struct web_server *s = NULL;
	struct web_serve_opts so = { o->listen, o->cert, o->key };
	const char *wurl, *wkey;
	sigset_t set;
	int rc, sig, status = 2;
	char *cfg_url = NULL, *cfg_key = NULL;

	if (!o->listen || (!o->cert != !o->key) || (!o->witness != !o->witness_key) || o->origin) {
		fputs(usage, stderr);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return fail(ET_ENOMEM, "libcurl");
	/* The witness from the command line, else from config.json. */
	{
		struct web_data *peek = NULL;

		if ((rc = web_data_open(o->data, true, NULL, NULL, &peek))) {
			fail(rc, o->data);
			goto out;
		}
		if (peek->witness_url && !(cfg_url = strdup(peek->witness_url)))
			rc = ET_ENOMEM;
		if (peek->witness_key && !(cfg_key = strdup(peek->witness_key)))
			rc = ET_ENOMEM;
		web_data_close(peek);
		if (rc) {
			fail(rc, "config");
			goto out;
		}
	}
	wurl = o->witness ? o->witness : cfg_url;
	wkey = o->witness ? o->witness_key : cfg_key;
	if (wurl && wkey && (rc = web_witness_new(o->data, wurl, wkey, &w))) {
		fail(rc, "--witness / --witness-key");
		goto out;
	}
	if (wurl && !wkey)
		et_log(ET_LOG_WARN, "witness URL without key: checkpoints are not pushed");
	if ((rc = web_blobs_sweep(o->data)))
		et_log(ET_LOG_WARN, "cannot sweep unfinished uploads: %s", et_strerror(rc));
	if ((rc = web_data_open(o->data, false, w ? web_witness_on_commit : NULL, w, &d))) {
		fail(rc, o->data);
		goto out;
	}
	if (o->proxy && (rc = web_set_trusted_proxy(d, o->proxy))) {
		fail(rc, "--trusted-proxy");
		goto out;
	}
	if (w && (rc = web_witness_start(w, d->ledger))) {
		fail(rc, "witness");
		goto out;
	}
#ifdef ET_TEST_HOOKS
	/* test builds: the platform clock fixed from the start (a restart
	 * keeps the test's time, so that a deadline passed while etenderd was
	 * down is caught up by the closer's first pass) */
	if (o->test_clock) {
		char *end;
		long long us;

		errno = 0;
		us = strtoll(o->test_clock, &end, 10);
		if (errno || *end || us <= 0) {
			rc = ET_EINVAL;
			fail(rc, "--test-clock");
			goto out;
		}
		et_clock_set_test((int64_t)us);
	}
#endif
#ifdef WEB_DOMAIN
	if ((rc = web_closer_start(d, w))) {
		fail(rc, "closer");
		goto out;
	}
#endif
	if ((rc = web_server_start(d, w, &so, &s))) {
		fail(rc, o->listen);
		goto out;
	}
	if (o->ready && (rc = write_ready(o->ready, o->listen, web_server_port(s)))) {
		fail(rc, o->ready);
		goto out;
	}
	fprintf(stderr, "etenderd: serving %s on port %u%s\n", o->data, web_server_port(s),
		o->cert ? " (HTTPS)" : "");
	for (;;) {
		if (sigwait(&set, &sig) == 0 && (sig == SIGTERM || sig == SIGINT))
			break;
	}
	fprintf(stderr, "etenderd: stopping\n");
	status = 0;
out:
	web_server_stop(s);
#ifdef WEB_DOMAIN
	web_closer_stop(d);
#endif
	web_witness_free(w);
	web_data_close(d);
	free(cfg_url);
	free(cfg_key);
	curl_global_cleanup();
	return status;
}

/* ---- verify -------------------------------------------------------------- */

/* Every blob is stored under its own SHA-256 (lowercase hex). */
static int check_blobs(const char *dir, char *diff, size_t cap, uint64_t *count)
{
	char path[4096], file[4400];
	DIR *dp;
	struct dirent *e;
	int rc = ET_OK;

	*count = 0;
	if ((rc = web_path(dir, WEB_DIR_BLOBS, path, sizeof path)))
		return rc;
	if (!(dp = opendir(path)))
		return errno == ENOENT ? ET_OK : et_fail(ET_EIO);
	while (!rc && (e = readdir(dp))) {
		unsigned char want[32], got[32], buf[65536];
		struct crypto_sha256 *h;
		ssize_t n;
		int fd;

		if (strlen(e->d_name) != 64 || et_hex_decode(e->d_name, want, sizeof want))
			continue;
		if (snprintf(file, sizeof file, "%s/%s", path, e->d_name) >= (int)sizeof file) {
			rc = ET_ELIMIT;
			break;
		}
		if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
			rc = et_fail(ET_EIO);
			break;
		}
		if (!(h = crypto_sha256_new())) {
			close(fd);
			rc = et_fail(ET_ENOMEM);
			break;
		}
		while ((n = read(fd, buf, sizeof buf)) > 0)
			crypto_sha256_update(h, buf, (size_t)n);
		crypto_sha256_final(h, got);
		close(fd);
		if (n < 0) {
			rc = et_fail(ET_EIO);
			break;
		}
		(*count)++;
		if (!crypto_ct_equal(want, got, sizeof got)) {
			if (snprintf(diff, cap, "blob %s: content does not match its SHA-256",
				     e->d_name) < 0)
				diff[0] = 0;
			rc = ET_EVERIFY;
		}
	}
	closedir(dp);
	return rc;
}

#ifdef WEB_DOMAIN
/* Every document the record names has its blob, of its size (its content
 * is checked against the name by check_blobs). Queried as an administrator,
 * who sees every tender. */
static int check_documents(struct web_data *d, char *diff, size_t cap)
{
	struct tender_principal admin;
	struct tender_info *tv = NULL;
	size_t nt = 0;
	int rc;

	memset(&admin, 0, sizeof admin);
	admin.roles = TENDER_ROLE_ADMIN;
	admin.org_kind = TENDER_ORG_CENTER;
	if ((rc = tender_list(d->ledger, &admin, &tv, &nt)))
		return rc;
	for (size_t i = 0; i < nt && !rc; i++) {
		struct tender_document *dv = NULL;
		size_t nd = 0;

		if ((rc = tender_documents(d->ledger, &admin, tv[i].id, &dv, &nd)))
			break;
		for (size_t k = 0; k < nd && !rc; k++) {
			char rel[80], path[4096];
			struct stat st;

			if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, dv[k].sha256) >=
				    (int)sizeof rel ||
			    web_path(d->dir, rel, path, sizeof path)) {
				rc = ET_ELIMIT;
				break;
			}
			if (stat(path, &st) || (uint64_t)st.st_size != dv[k].size) {
				if (snprintf(diff, cap, "document %s of tender %s: blob %s %s",
					     dv[k].id, tv[i].id, dv[k].sha256,
					     errno == ENOENT ? "missing" : "of the wrong size") < 0)
					diff[0] = 0;
				rc = ET_EVERIFY;
			}
		}
		tender_documents_free(dv);
	}
	tender_list_free(tv);
	return rc;
}
#endif

static int cmd_verify(const struct opts *o)
{
	struct web_data *d = NULL;
	struct audit_report rep;
	uint64_t blobs = 0;
	int rc, status = 2;

	if (o->listen || o->cert || o->key || o->witness || o->witness_key || o->origin || o->ready) {
		fputs(usage, stderr);
		return 2;
	}
	memset(&rep, 0, sizeof rep);
	if ((rc = web_data_open(o->data, true, NULL, NULL, &d))) {
		if (rc == ET_EVERIFY) {
			printf("不一致 / divergence: the log does not verify at open (its append-only guard "
			       "is missing, or the latest signed checkpoint does not cover it; see above)\n");
			return 1;
		}
		if (rc == ET_EDB) {
			/* The read-only open found the ledger's schema changed (e.g. the
			 * append-only triggers dropped): the ledger cannot vouch for it. */
			printf("不一致 / divergence: the database cannot be opened read-only as a "
			       "ledger: its schema was changed (append-only triggers missing?)\n");
			return 1;
		}
		return fail(rc, o->data);
	}
	rc = audit_ledger_replay(d->ledger, &rep);
	if (rc == ET_OK) {
		struct audit_report rev;

		memset(&rev, 0, sizeof rev);
		rc = audit_ledger_verify_reveals(d->ledger, false, &rev);
		rep.revealed = rev.revealed;
		memcpy(rep.diff, rev.diff, sizeof rep.diff);
	}
	if (rc == ET_OK)
		rc = check_blobs(o->data, rep.diff, sizeof rep.diff, &blobs);
#ifdef WEB_DOMAIN
	if (rc == ET_OK) {
		errno = 0;
		rc = check_documents(d, rep.diff, sizeof rep.diff);
	}
	if (rc == ET_OK) {
		struct bid_blobs bb = { web_blob_open, d };

		rc = bid_verify_parts(d->ledger, &bb, rep.diff, sizeof rep.diff);
	}
	if (rc == ET_OK) {      /* every drawn panel recomputed against the log */
		struct tender_diag dd;
		tender_diag_clear(&dd);
		if ((rc = ev_draw_verify_all(d->ledger, NULL, &dd)) == ET_EVERIFY)
			snprintf(rep.diff, sizeof rep.diff, "%s", dd.msg);
	}
#endif
	if (rc == ET_EVERIFY) {
		printf("不一致 / divergence: %s\n", rep.diff[0] ? rep.diff : "(no details)");
		status = 1;
	} else if (rc) {
		fail(rc, "verify");
	} else {
		printf("一致 / all verified: %llu leaves (%llu confidential, %llu revealed), "
		       "%llu checkpoints, %llu projection rows, %llu blobs\n",
		       (unsigned long long)rep.leaves, (unsigned long long)rep.confidential,
		       (unsigned long long)rep.revealed, (unsigned long long)rep.checkpoints,
		       (unsigned long long)rep.rows, (unsigned long long)blobs);
		status = 0;
	}
	web_data_close(d);
	return status;
}

/* ---- demo ---------------------------------------------------------------- */

static int cmd_demo(const struct opts *o)
{
	if (o->listen || o->cert || o->key || o->witness || o->witness_key || o->origin || o->ready) {
		fputs(usage, stderr);
		return 2;
	}
#ifdef WEB_DOMAIN
	return web_demo(o->data) ? 2 : 0;
#else
	fprintf(stderr, "etenderd demo: this build has no domain layer\n");
	return 2;
#endif
}

int main(int argc, char **argv)
{
	struct opts o;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (parse_opts(argc - 1, argv + 1, &o)) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "init"))
		return cmd_init(&o);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(&o);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(&o);
	if (!strcmp(argv[1], "demo"))
		return cmd_demo(&o);
	fputs(usage, stderr);
	return 2;
}
