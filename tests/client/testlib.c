/* tests/client/testlib.c — helpers of the client tests (see testlib.h).
 * Every failure here is a test failure (ck_assert). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "crypto/crypto.h"
#include "testlib.h"

extern char **environ;

void tl_tmpdir(char *out, size_t cap)
{
	const char *t = getenv("TMPDIR");

	ck_assert_int_lt(snprintf(out, cap, "%s/etender-test-XXXXXX", t && *t ? t : "/tmp"), (int)cap);
	ck_assert_ptr_nonnull(mkdtemp(out));
}

static void rm_rec(const char *p)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[4096];

	if (lstat(p, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(p))) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof sub, "%s/%s", p, e->d_name) < (int)sizeof sub)
				rm_rec(sub);
		}
		closedir(d);
		rmdir(p);
	} else {
		unlink(p);
	}
}

void tl_rmtree(const char *dir)
{
	rm_rec(dir);
}

char *tl_cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *r = malloc(la + lb + 1);

	ck_assert_ptr_nonnull(r);
	memcpy(r, a, la);
	memcpy(r + la, b, lb + 1);
	return r;
}

int tl_count_files(const char *tmp, const char *sub)
{
	char p[4200];
	DIR *d;
	struct dirent *e;
	int n = 0;

	ck_assert_int_lt(snprintf(p, sizeof p, "%s/%s", tmp, sub), (int)sizeof p);
	if (!(d = opendir(p)))
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

void tl_witness_key(const char *tmp, const char *name, unsigned char seed[32],
		    unsigned char pub[32])
{
	char path[4200], *sk = NULL, text[512];

	ck_assert_int_eq(crypto_ed25519_keygen(seed, pub), ET_OK);
	ck_assert_int_eq(crypto_bech32_encode("etender-signing-key-", seed, 32, true, &sk), ET_OK);
	ck_assert_int_lt(snprintf(text, sizeof text, "# witness %s\n%s\n", name, sk), (int)sizeof text);
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/w.key", tmp), (int)sizeof path);
	ck_assert_int_eq(crypto_write_secret_file(path, text, strlen(text)), ET_OK);
	free(sk);
}

/* ---- logs ------------------------------------------------------------ */

void tl_log_new(struct tl_log *lg, const char *origin, const unsigned char *seed)
{
	memset(lg, 0, sizeof *lg);
	ck_assert_int_lt(snprintf(lg->origin, sizeof lg->origin, "%s", origin), (int)sizeof lg->origin);
	if (seed) {
		memcpy(lg->seed, seed, 32);
		ck_assert_int_eq(crypto_ed25519_public(lg->seed, lg->pub), ET_OK);
	} else {
		ck_assert_int_eq(crypto_ed25519_keygen(lg->seed, lg->pub), ET_OK);
	}
	ck_assert_int_eq(audit_note_vkey_format(origin, lg->pub, &lg->vkey), ET_OK);
	ck_assert_int_eq(sqlite3_open(":memory:", &lg->db), SQLITE_OK);
	ck_assert_int_eq(audit_log_open(lg->db, &lg->log), ET_OK);
}

void tl_log_free(struct tl_log *lg)
{
	if (!lg->db)
		return;
	audit_log_close(lg->log);
	sqlite3_close(lg->db);
	free(lg->vkey);
	memset(lg, 0, sizeof *lg);
}

void tl_log_add(struct tl_log *lg, int n, bool event)
{
	tl_log_add_sized(lg, n, event, 0);
}

void tl_log_add_sized(struct tl_log *lg, int n, bool event, size_t pad)
{
	int i;

	ck_assert_int_eq(sqlite3_exec(lg->db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		if (event) {
			char *payload = malloc(64 + pad);
			struct audit_event ev = { "widget.assembled", 1, 0, "agent-1", "T-1", NULL, 0, false };
			struct et_buf b;
			int k;

			ck_assert_ptr_nonnull(payload);
			k = snprintf(payload, 64, "{\"n\":%llu,\"pad\":\"",
				     (unsigned long long)audit_log_size(lg->log));
			ck_assert_int_lt(k, 64);
			memset(payload + k, 'x', pad);
			memcpy(payload + k + pad, "\"}", 3);
			ev.payload = (const unsigned char *)payload;
			ev.payload_len = strlen(payload);
			ev.time_us = 1800000000000000LL + (int64_t)audit_log_size(lg->log);
			et_buf_init(&b, ET_LEAF_MAX_LEN);
			ck_assert_int_eq(audit_leaf_encode_event(&ev, &b), ET_OK);
			ck_assert_int_eq(audit_log_append(lg->log, b.data, b.len, NULL), ET_OK);
			et_buf_free(&b);
			free(payload);
		} else {
			unsigned char c[32], leaf[AUDIT_COMMITMENT_LEAF_LEN];
			ck_assert_int_eq(crypto_random(c, sizeof c), ET_OK);
			audit_leaf_encode_commitment(c, leaf);
			ck_assert_int_eq(audit_log_append(lg->log, leaf, sizeof leaf, NULL), ET_OK);
		}
	}
	ck_assert_int_eq(sqlite3_exec(lg->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

uint64_t tl_log_size(struct tl_log *lg)
{
	return audit_log_size(lg->log);
}

char *tl_log_checkpoint(struct tl_log *lg)
{
	struct audit_checkpoint cp;
	char *text = NULL, *note = NULL;

	memset(&cp, 0, sizeof cp);
	memcpy(cp.origin, lg->origin, strlen(lg->origin) + 1);
	cp.size = audit_log_size(lg->log);
	ck_assert_int_eq(audit_log_root(lg->log, cp.size, cp.root), ET_OK);
	ck_assert_int_eq(audit_checkpoint_format(&cp, &text), ET_OK);
	ck_assert_int_eq(audit_note_sign(text, lg->origin, lg->seed, &note), ET_OK);
	free(text);
	return note;
}

char *tl_body(uint64_t old, unsigned char (*proof)[32], size_t n, const char *note)
{
	struct et_buf b;
	char h[48];
	size_t i, len;

	et_buf_init(&b, 1u << 20);
	ck_assert_int_eq(et_buf_printf(&b, "old %llu\n", (unsigned long long)old), ET_OK);
	for (i = 0; i < n; i++) {
		et_b64_encode(proof[i], 32, h);
		ck_assert_int_eq(et_buf_printf(&b, "%s\n", h), ET_OK);
	}
	ck_assert_int_eq(et_buf_printf(&b, "\n%s", note), ET_OK);
	return (char *)et_buf_steal(&b, &len);
}

static char *body_proof(struct tl_log *lg, uint64_t old, const char *note, bool corrupt)
{
	unsigned char (*p)[32] = NULL;
	struct audit_checkpoint cp;
	char *text = NULL, *body;
	size_t n = 0;

	/* the proof goes to the note's size */
	ck_assert_int_eq(audit_note_verify(note, strlen(note), lg->origin, lg->pub, &text), ET_OK);
	ck_assert_int_eq(audit_checkpoint_parse(text, strlen(text), &cp), ET_OK);
	if (cp.size <= audit_log_size(lg->log))
		ck_assert_int_eq(audit_log_consistency_proof(lg->log, old, cp.size, &p, &n), ET_OK);
	if (corrupt) {
		ck_assert_uint_gt(n, 0);
		p[0][7] ^= 0x20;
	}
	body = tl_body(old, p, n, note);
	free(p);
	free(text);
	return body;
}

char *tl_body_proof(struct tl_log *lg, uint64_t old, const char *note)
{
	return body_proof(lg, old, note, false);
}

char *tl_body_proof_corrupt(struct tl_log *lg, uint64_t old, const char *note)
{
	return body_proof(lg, old, note, true);
}

/* ---- processes ------------------------------------------------------------ */

const char *tl_etender(void)
{
	static char path[4096];
	const char *b = getenv("ET_BUILD_ROOT");

	ck_assert_msg(b != NULL, "ET_BUILD_ROOT not set");
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/client/etender", b), (int)sizeof path);
	return path;
}

/* environ plus ETENDER_HOME=home (if home); malloc'd array of borrowed and
 * one malloc'd string (the last before NULL when added). */
static char **make_env(const char *home, char **added)
{
	size_t n = 0, i, j = 0;
	char **env;

	*added = NULL;
	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof *env);
	ck_assert_ptr_nonnull(env);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "ETENDER_HOME=", 13) != 0)
			env[j++] = environ[i];
	if (home) {
		*added = tl_cat("ETENDER_HOME=", home);
		env[j++] = *added;
	}
	env[j] = NULL;
	return env;
}

/* argv for execve: etender + args. */
static char **make_argv(const char *const *args)
{
	size_t n = 0, i;
	char **v;

	while (args[n])
		n++;
	v = calloc(n + 2, sizeof *v);
	ck_assert_ptr_nonnull(v);
	v[0] = (char *)tl_etender();
	for (i = 0; i < n; i++)
		v[i + 1] = (char *)args[i];
	return v;
}

static void slurp(int fd, char *out, size_t cap)
{
	size_t got = 0;
	ssize_t r;

	for (;;) {
		char sink[4096];
		if (out && got + 1 < cap)
			r = read(fd, out + got, cap - 1 - got);
		else
			r = read(fd, sink, sizeof sink);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out && got + 1 < cap)
			got += (size_t)r;
	}
	if (out && cap)
		out[got] = 0;
}

int tl_run(const char *const *argv, const char *home, char *out, size_t outcap, char *err,
	   size_t errcap)
{
	char **av = make_argv(argv), *added, **env = make_env(home, &added);
	char of[] = "/tmp/etender-out-XXXXXX", ef[] = "/tmp/etender-err-XXXXXX";
	int ofd = mkstemp(of), efd = mkstemp(ef), st = 0;
	pid_t pid;

	ck_assert_int_ge(ofd, 0);
	ck_assert_int_ge(efd, 0);
	unlink(of);
	unlink(ef);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		execve(av[0], av, env);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	slurp(ofd, out, outcap);
	{
		/* a sanitizer report fails the test whatever the exit status */
		static char ebuf[1 << 16];
		slurp(efd, ebuf, sizeof ebuf);
		ck_assert_msg(!strstr(ebuf, "Sanitizer") && !strstr(ebuf, "runtime error"), "%s", ebuf);
		if (err && errcap)
			ck_assert_int_lt(snprintf(err, errcap, "%s", ebuf), (int)errcap);
	}
	close(ofd);
	close(efd);
	free(av);
	free(env);
	free(added);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Start the witness; returns its pid and stdout pipe. */
static pid_t spawn_witness(const char *tmp, const char *name, const char *const *vkeys, size_t n,
			   uint64_t t, int *outfd)
{
	const char *args[64];
	char data[4200], key[4200], ts[32], **av, *added, **env;
	int p[2], efd;
	size_t k = 0, i;
	pid_t pid;

	ck_assert_uint_lt(n, 20);
	ck_assert_int_lt(snprintf(data, sizeof data, "%s/wdata", tmp), (int)sizeof data);
	ck_assert_int_lt(snprintf(key, sizeof key, "%s/w.key", tmp), (int)sizeof key);
	ck_assert_int_lt(snprintf(ts, sizeof ts, "%llu", (unsigned long long)t), (int)sizeof ts);
	args[k++] = "witness";
	args[k++] = "serve";
	args[k++] = "--listen";
	args[k++] = "127.0.0.1:0";
	args[k++] = "--data";
	args[k++] = data;
	args[k++] = "--name";
	args[k++] = name;
	args[k++] = "--key";
	args[k++] = key;
	args[k++] = "--test-time";
	args[k++] = ts;
	for (i = 0; i < n; i++) {
		args[k++] = "--log-key";
		args[k++] = vkeys[i];
	}
	args[k] = NULL;
	av = make_argv(args);
	env = make_env(NULL, &added);
	ck_assert_int_eq(pipe(p), 0);
	{
		char ef[4200];
		ck_assert_int_lt(snprintf(ef, sizeof ef, "%s/witness.stderr", tmp), (int)sizeof ef);
		efd = open(ef, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		ck_assert_int_ge(efd, 0);
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(efd, 2);
		close(p[0]);
		execve(av[0], av, env);
		_exit(127);
	}
	close(p[1]);
	close(efd);
	free(av);
	free(env);
	free(added);
	*outfd = p[0];
	return pid;
}

/* Read "listen HOST:PORT\n"; returns the port or 0 at EOF / timeout. */
static int read_port(int fd)
{
	char line[128];
	size_t n = 0;
	const char *c;

	while (n + 1 < sizeof line) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;
		if (poll(&pf, 1, 20000) <= 0)
			return 0;
		r = read(fd, line + n, 1);
		if (r <= 0)
			return 0;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	c = strrchr(line, ':');
	if (strncmp(line, "listen ", 7) != 0 || !c)
		return 0;
	return (int)strtol(c + 1, NULL, 10);
}

void tl_witness_start(struct tl_witness *w, const char *tmp, const char *name,
		      const char *const *vkeys, size_t n, uint64_t t)
{
	int fd;

	ck_assert_int_lt(snprintf(w->errpath, sizeof w->errpath, "%s/witness.stderr", tmp),
			 (int)sizeof w->errpath);
	w->pid = spawn_witness(tmp, name, vkeys, n, t, &fd);
	w->port = read_port(fd);
	close(fd);
	ck_assert_msg(w->port > 0, "witness did not start");
	ck_assert_int_lt(snprintf(w->url, sizeof w->url, "http://127.0.0.1:%d", w->port),
			 (int)sizeof w->url);
}

int tl_witness_try_start(const char *tmp, const char *name, const char *const *vkeys, size_t n)
{
	int fd, st = 0, port;
	pid_t pid = spawn_witness(tmp, name, vkeys, n, 1, &fd);

	port = read_port(fd);
	close(fd);
	if (port > 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (port > 0)
		return 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void tl_witness_stop(struct tl_witness *w, int sig)
{
	int st = 0;

	if (w->pid <= 0)
		return;
	kill(w->pid, sig);
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	if (sig == SIGTERM) {
		unsigned char *e = NULL;
		size_t len = 0;

		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "witness exit status %d", st);
		if (et_read_file(w->errpath, 1u << 20, &e, &len) == ET_OK && e) {
			ck_assert_msg(!strstr((char *)e, "Sanitizer") && !strstr((char *)e, "runtime error"),
				      "%s", (char *)e);
			free(e);
		}
	}
}

int tl_corrupt_state(const char *tmp)
{
	char dir[4200], p[4400];
	DIR *d;
	struct dirent *e;
	unsigned char *b = NULL;
	size_t len = 0;
	int rc = -1;

	ck_assert_int_lt(snprintf(dir, sizeof dir, "%s/wdata/logs", tmp), (int)sizeof dir);
	if (!(d = opendir(dir)))
		return -1;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".checkpoint"))
			break;
	if (e && snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p &&
	    et_read_file(p, 1u << 20, &b, &len) == ET_OK) {
		/* the size line: 1 digit more (a different, still well-formed checkpoint) */
		char *nl = memchr(b, '\n', len);
		if (nl && nl[1] >= '1' && nl[1] <= '8') {
			nl[1]++;
			rc = et_write_file_atomic(p, b, len, 0600) == ET_OK ? 0 : -1;
		}
		free(b);
	}
	closedir(d);
	return rc;
}

/* ---- HTTP ----------------------------------------------------------------- */

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct et_buf *b = ud;

	return et_buf_add(b, p, size * n) == ET_OK ? size * n : 0;
}

void tl_http(const char *url, const char *body, struct tl_resp *r)
{
	CURL *c = curl_easy_init();
	struct et_buf b;
	const char *ct = NULL;
	size_t len;

	memset(r, 0, sizeof *r);
	ck_assert_ptr_nonnull(c);
	et_buf_init(&b, 1u << 24);
	ck_assert_int_eq(et_buf_add(&b, "", 0), ET_OK);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		ck_assert_int_lt(snprintf(r->ctype, sizeof r->ctype, "%s", ct), (int)sizeof r->ctype);
	r->body = (char *)et_buf_steal(&b, &len);
	curl_easy_cleanup(c);
}

void tl_post(struct tl_witness *w, const char *body, struct tl_resp *r)
{
	char url[128];

	ck_assert_int_lt(snprintf(url, sizeof url, "%s/add-checkpoint", w->url), (int)sizeof url);
	tl_http(url, body, r);
}

void tl_get(struct tl_witness *w, const char *path, struct tl_resp *r)
{
	char url[256];

	ck_assert_int_lt(snprintf(url, sizeof url, "%s%s", w->url, path), (int)sizeof url);
	tl_http(url, NULL, r);
}

void tl_resp_free(struct tl_resp *r)
{
	free(r->body);
	r->body = NULL;
}
