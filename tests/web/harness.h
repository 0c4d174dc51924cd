/* tests/web/harness.h — starts the real etenderd on 127.0.0.1 (port chosen
 * by the kernel, read back from --ready-file) on a fresh data folder, and
 * talks to it with libcurl. Header-only, for the web tests. */
#ifndef ET_TEST_WEB_HARNESS_H
#define ET_TEST_WEB_HARNESS_H

#include <check.h>
#include <ftw.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Loopback only: no proxy from the environment, for us or the children. */
static inline void no_proxies(void)
{
	static const char *const v[] = { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
					 "ALL_PROXY", "all_proxy" };

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		unsetenv(v[i]);
}

/* snprintf into an array, asserting that it fits. */
#define FMT(buf, ...) ck_assert_int_lt(snprintf((buf), sizeof(buf), __VA_ARGS__), (int)sizeof(buf))

struct srv {
	char dir[256];      /* temp folder: data/ inside */
	char data[300];
	char base[160];     /* "http://127.0.0.1:PORT" */
	pid_t pid;
};

struct http {
	long status;
	char *body;         /* NUL-terminated */
	size_t len;
	char ctype[128];
};

static inline const char *etenderd_path(void)
{
	const char *p = getenv("ETENDERD");

	ck_assert_msg(p != NULL, "ETENDERD not set");
	return p;
}

/* Run etenderd with args; returns its exit status. Output to out (may be NULL). */
static inline int run_etenderd(const char *const *args, const char *out)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *argv[16];
		size_t n = 0;

		argv[n++] = etenderd_path();
		for (; *args && n < 15; args++)
			argv[n++] = *args;
		argv[n] = NULL;
		if (out && !freopen(out, "w", stdout))
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* etenderd init --data DIR [extra...] (extra: NULL-terminated, at most 12)
 * in s->dir, which is created first unless already set. */
static inline void srv_init_with(struct srv *s, const char *const *extra)
{
	const char *args[16] = { "init", "--data", s->data };
	char out[400];
	size_t n = 3;

	if (!s->dir[0]) {
		FMT(s->dir, "%s/etweb-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		ck_assert_ptr_nonnull(mkdtemp(s->dir));
	}
	FMT(s->data, "%s/data", s->dir);
	FMT(out, "%s/init.out", s->dir);
	for (; extra && *extra && n < 15; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	ck_assert_int_eq(run_etenderd(args, out), 0);
}

static inline void srv_init(struct srv *s)
{
	memset(s, 0, sizeof *s);
	srv_init_with(s, NULL);
}

/* Start serving; extra args (NULL-terminated, may be NULL). */
static inline void srv_start(struct srv *s, const char *const *extra)
{
	char ready[400], line[128];
	FILE *f;

	FMT(ready, "%s/ready", s->dir);
	unlink(ready);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		const char *argv[24];
		size_t n = 0;

		argv[n++] = etenderd_path();
		argv[n++] = "serve";
		argv[n++] = "--data";
		argv[n++] = s->data;
		argv[n++] = "--listen";
		argv[n++] = "127.0.0.1:0";
		argv[n++] = "--ready-file";
		argv[n++] = ready;
		for (; extra && *extra && n < 23; extra++)
			argv[n++] = *extra;
		argv[n] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		int st;

		if ((f = fopen(ready, "r"))) {
			char *ok = fgets(line, sizeof line, f);

			fclose(f);
			if (ok) {
				line[strcspn(line, "\n")] = 0;
				FMT(s->base, "http://%s", line);
				return;
			}
		}
		ck_assert_msg(waitpid(s->pid, &st, WNOHANG) == 0, "etenderd exited early");
		usleep(10000);
	}
	ck_abort_msg("etenderd did not become ready");
}

/* SIGTERM; returns the exit status (0 for a clean shutdown). */
static inline int srv_stop(struct srv *s)
{
	int st;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
	s->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void srv_cleanup(struct srv *s)
{
	if (s->pid > 0)
		(void)srv_stop(s);
	(void)nftw(s->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline size_t http_collect(char *p, size_t sz, size_t n, void *ctx)
{
	struct http *h = ctx;
	char *nb = realloc(h->body, h->len + sz * n + 1);

	if (!nb)
		return 0;
	memcpy(nb + h->len, p, sz * n);
	h->body = nb;
	h->len += sz * n;
	h->body[h->len] = 0;
	return sz * n;
}

/* One request. body NULL: no body (GET unless method says otherwise).
 * headers: NULL-terminated extra header lines, may be NULL. */
static inline void http_do(struct srv *s, const char *method, const char *path, const void *body,
		    size_t blen, const char *const *headers, struct http *h)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	char url[4096];
	char *ct = NULL;

	memset(h, 0, sizeof *h);
	ck_assert_ptr_nonnull(c);
	FMT(url, "%s%s", s->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	}
	for (; headers && *headers; headers++)
		hl = curl_slist_append(hl, *headers);
	/* Large bodies ask first (Expect: 100-continue), as a client should: a
	 * refusal decided from the headers then comes before any body is sent,
	 * instead of a connection closed under a body still being sent. */
	hl = curl_slist_append(hl, body && blen >= 65536 ? "Expect: 100-continue" : "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		FMT(h->ctype, "%s", ct);
	if (!h->body)
		h->body = calloc(1, 1);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

static inline void http_free(struct http *h)
{
	free(h->body);
	h->body = NULL;
}

static inline json_t *http_json(const struct http *h)
{
	json_error_t err;
	json_t *j = json_loadb(h->body, h->len, 0, &err);

	ck_assert_msg(j != NULL, "not JSON (%ld): %s", h->status, h->body);
	return j;
}

/* The answer is a JSON error with this status and code, messages in both languages. */
static inline void expect_error(const struct http *h, long status, const char *code)
{
	json_t *j = http_json(h), *e = json_object_get(j, "error");

	ck_assert_msg(h->status == status, "status %ld, wanted %ld: %s", h->status, status, h->body);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), code);
	ck_assert(json_is_string(json_object_get(e, "message_zh")));
	ck_assert(json_is_string(json_object_get(e, "message_en")));
	ck_assert_msg(strstr(h->ctype, "application/json") != NULL, "content type %s", h->ctype);
	json_decref(j);
}

#endif
