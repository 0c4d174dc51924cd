/* tests/web/test_web_witness.c — etenderd pushes its checkpoints to the real
 * witness (`etender witness serve`, C2SP tlog-witness): the served checkpoint
 * carries a cosignature that verifies with the witness key; after losing its
 * record of the witness's size it resynchronises through the witness's 409;
 * while the witness is unreachable it keeps trying and catches up once the
 * witness is up. */
#include "tests/web/harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "audit/audit.h"

struct wit {
	char dir[400];
	char vkey[512];
	char addr[256];
	pid_t pid;
};

static const char *etender_path(void)
{
	const char *p = getenv("ETENDER");

	ck_assert_msg(p != NULL, "ETENDER not set");
	return p;
}

/* Run `etender ARGS` with stdout to out; returns the exit status. */
static int run_etender(const char *const *args, const char *out)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *argv[24];
		size_t n = 0;

		argv[n++] = etender_path();
		for (; *args && n < 23; args++)
			argv[n++] = *args;
		argv[n] = NULL;
		if (out && !freopen(out, "w", stdout))
			_exit(127);
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void first_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(out, (int)cap, f));
	fclose(f);
	out[strcspn(out, "\n")] = 0;
}

/* The log's verifier key, as etenderd init printed it. */
static void log_vkey(struct srv *s, char *out, size_t cap)
{
	char path[400], line[512];
	FILE *f;

	FMT(path, "%s/init.out", s->dir);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	out[0] = 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "etenderd.local/log+", 19)) {
			line[strcspn(line, "\n")] = 0;
			ck_assert_int_lt(snprintf(out, cap, "%s", line), (int)cap);
		}
	fclose(f);
	ck_assert(out[0]);
}

static void wit_keygen(struct wit *w, const char *base)
{
	char key[500], out[500];
	const char *args[] = { "witness", "keygen", "--name", "witness.test", "-o", key, NULL };

	memset(w, 0, sizeof *w);
	FMT(w->dir, "%s/witness", base);
	FMT(key, "%s/witness.key", base);
	FMT(out, "%s/witness.vkey", base);
	ck_assert_int_eq(run_etender(args, out), 0);
	first_line(out, w->vkey, sizeof w->vkey);
}

/* Serve the witness on listen ("127.0.0.1:0" or a fixed port) for the log key. */
static void wit_start(struct wit *w, const char *base, const char *listen, const char *logkey)
{
	char key[500], out[500];

	FMT(key, "%s/witness.key", base);
	FMT(out, "%s/witness.out", base);
	unlink(out);
	w->pid = fork();
	ck_assert_int_ge(w->pid, 0);
	if (w->pid == 0) {
		if (!freopen(out, "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execl(etender_path(), etender_path(), "witness", "serve", "--listen", listen, "--data",
		      w->dir, "--name", "witness.test", "--log-key", logkey, "--key", key, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(out, "r");
		char line[200];

		if (f) {
			char *ok = fgets(line, sizeof line, f);

			fclose(f);
			if (ok && strchr(line, '\n') && !strncmp(line, "listen ", 7)) {
				line[strcspn(line, "\n")] = 0;
				FMT(w->addr, "http://%s", line + 7);
				return;
			}
		}
		usleep(10000);
	}
	ck_abort_msg("witness did not start");
}

static void wit_stop(struct wit *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGTERM);
		waitpid(w->pid, NULL, 0);
		w->pid = 0;
	}
}

static void add_event(struct srv *s, const char *text)
{
	struct http h;
	char body[128];

	FMT(body, "{\"text\":\"%s\"}", text);
	http_do(s, "POST", "/api/test/event", body, strlen(body), NULL, &h);
	ck_assert_msg(h.status == 200, "%ld %s", h.status, h.body);
	http_free(&h);
}

/* Poll GET /log/checkpoint until it is of size and cosigned by the witness
 * (verified with its key) and signed by the log (verified with the log key).
 * Returns false after timeout_ms. */
static bool wait_cosigned(struct srv *s, const struct wit *w, const char *logkey, uint64_t size,
			  int timeout_ms)
{
	char *wname = NULL, *lname = NULL, *text = NULL;
	unsigned char wpub[32], lpub[32];
	bool ok = false;

	ck_assert_int_eq(audit_cosig_vkey_parse(w->vkey, &wname, wpub, NULL), ET_OK);
	ck_assert_int_eq(audit_note_vkey_parse(logkey, &lname, lpub, NULL), ET_OK);
	for (int t = 0; t < timeout_ms && !ok; t += 50) {
		struct http h;
		struct audit_checkpoint cp;
		uint64_t ts = 0;

		http_do(s, "GET", "/log/checkpoint", NULL, 0, NULL, &h);
		if (h.status == 200 &&
		    audit_note_verify(h.body, h.len, lname, lpub, &text) == ET_OK &&
		    audit_checkpoint_parse(text, strlen(text), &cp) == ET_OK && cp.size == size &&
		    audit_cosig_verify(h.body, h.len, wname, wpub, &ts) == ET_OK) {
			ck_assert_uint_gt(ts, 0);
			ok = true;
		}
		free(text);
		text = NULL;
		http_free(&h);
		if (!ok)
			usleep(50000);
	}
	free(wname);
	free(lname);
	return ok;
}

/* Size of the served checkpoint (second line). */
static uint64_t served_size(struct srv *s)
{
	struct http h;
	const char *nl;
	uint64_t n = 0;

	http_do(s, "GET", "/log/checkpoint", NULL, 0, NULL, &h);
	ck_assert_int_eq(h.status, 200);
	nl = strchr(h.body, '\n');
	ck_assert_ptr_nonnull(nl);
	n = strtoull(nl + 1, NULL, 10);
	http_free(&h);
	return n;
}

START_TEST(test_push_and_resync)
{
	struct srv s;
	struct wit w;
	char logkey[512], cosigned[500];
	const char *extra[5];
	uint64_t base;

	srv_init(&s);
	log_vkey(&s, logkey, sizeof logkey);
	wit_keygen(&w, s.dir);
	wit_start(&w, s.dir, "127.0.0.1:0", logkey);
	extra[0] = "--witness";
	extra[1] = w.addr;
	extra[2] = "--witness-key";
	extra[3] = w.vkey;
	extra[4] = NULL;
	srv_start(&s, extra);
	base = served_size(&s);
	for (int i = 0; i < 5; i++)
		add_event(&s, "pushed");
	ck_assert_msg(wait_cosigned(&s, &w, logkey, base + 5, 10000), "no cosigned checkpoint");
	ck_assert_int_eq(srv_stop(&s), 0);
	/* Forget what the witness holds: the next push says "old 0", the witness
	 * answers 409 with its size, and the pusher retries with that. */
	FMT(cosigned, "%s/cosigned.note", s.data);
	ck_assert_int_eq(unlink(cosigned), 0);
	srv_start(&s, extra);
	add_event(&s, "after 409");
	ck_assert_msg(wait_cosigned(&s, &w, logkey, base + 6, 10000), "no resync after 409");
	/* A restart serves the saved cosigned checkpoint at once. */
	ck_assert_int_eq(srv_stop(&s), 0);
	wit_stop(&w);
	srv_start(&s, extra);
	ck_assert_msg(wait_cosigned(&s, &w, logkey, base + 6, 1000), "cosigned checkpoint not kept");
	ck_assert_int_eq(srv_stop(&s), 0);
	srv_cleanup(&s);
}
END_TEST

static unsigned free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

START_TEST(test_unreachable_then_up)
{
	struct srv s;
	struct wit w;
	char logkey[512], listen[64], url[96];
	unsigned port = free_port();
	struct http h;
	uint64_t base;

	/* The witness comes from config.json, written by init. */
	memset(&s, 0, sizeof s);
	FMT(s.dir, "%s/etweb-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(s.dir));
	wit_keygen(&w, s.dir);
	FMT(url, "http://127.0.0.1:%u/", port);
	FMT(listen, "127.0.0.1:%u", port);
	{
		const char *init_extra[] = { "--witness", url, "--witness-key", w.vkey, NULL };

		srv_init_with(&s, init_extra);
	}
	log_vkey(&s, logkey, sizeof logkey);
	srv_start(&s, NULL);
	base = served_size(&s);
	for (int i = 0; i < 3; i++)
		add_event(&s, "while the witness is down");
	/* Served without a cosignature meanwhile; requests are not held up. */
	http_do(&s, "GET", "/log/checkpoint", NULL, 0, NULL, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_null(strstr(h.body, "witness.test"));
	http_free(&h);
	usleep(500000);
	wit_start(&w, s.dir, listen, logkey);
	ck_assert_msg(wait_cosigned(&s, &w, logkey, base + 3, 15000), "no catch-up after the witness came up");
	add_event(&s, "witness up");
	ck_assert_msg(wait_cosigned(&s, &w, logkey, base + 4, 5000), "no push after catch-up");
	ck_assert_int_eq(srv_stop(&s), 0);
	wit_stop(&w);
	srv_cleanup(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("web_witness");
	TCase *tc = tcase_create("witness");
	SRunner *sr;
	int failed;

	no_proxies();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_push_and_resync);
	tcase_add_test(tc, test_unreachable_then_up);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
