/* bench/bench_api.h — what the benchmark helpers need to drive a running
 * etenderd through its real HTTP API as its users' clients do: requests
 * with libcurl (never through a proxy), logins, organisations and users
 * made by the administrator, keys registered with proof of possession, a
 * key holder's per-tender key line. Every failure is fatal (bench_die):
 * these are set-up steps of a benchmark, not the measured path. */
#ifndef ET_BENCH_API_H
#define ET_BENCH_API_H

#include <stdint.h>
#include <stdio.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/core.h"
#include "tender/tender.h"

#define BENCH_PW "bench password 2026"
#define BENCH_US_PER_S 1000000LL
#define BENCH_US_PER_MIN (60 * BENCH_US_PER_S)

/* The server's base URL ("http://127.0.0.1:PORT"), set once by main. */
extern const char *bench_base;
/* The program's name in messages. */
extern const char *bench_prog;

__attribute__((noreturn, format(printf, 1, 2))) void bench_die(const char *fmt, ...);
/* snprintf that never truncates silently (dies instead). */
__attribute__((format(printf, 3, 4))) int bench_fmt(char *dst, size_t cap, const char *f, ...);

struct crypto_sha256;
struct bench_answer {
	long status;
	struct et_buf body;               /* freed by the caller (et_buf_free) */
	struct crypto_sha256 *hash;       /* if set, the body is hashed, not kept */
	uint64_t len;                     /* bytes of the body */
};

/* One request to bench_base + path. body: a memory body (NUL-terminated),
 * or upload: a file streamed as the body; both NULL: no body. token may be
 * NULL. a->hash is the caller's (set or NULL before the call). Dies on a
 * transport error; any HTTP status is returned. */
void bench_request(const char *method, const char *path, const char *token, const char *body,
		   FILE *upload, curl_off_t upload_len, struct bench_answer *a);
/* A JSON request that must answer 200; returns the parsed answer (the
 * caller decrefs). */
json_t *bench_api(const char *method, const char *path, const char *token, const char *body);
/* Copies the JSON string j into dst (cap bytes) or dies naming what. */
void bench_copy_str(char *dst, size_t cap, json_t *j, const char *what);

struct bench_user {
	char id[TENDER_ID_LEN], token[TENDER_TOKEN_LEN], org[TENDER_ID_LEN];
	unsigned char seed[32], pub[32];  /* Ed25519, after bench_register_keys */
};

void bench_login(struct bench_user *u, const char *name, const char *password);
/* The administrator adds an organisation; n makes its credit code unique. */
void bench_add_org(const struct bench_user *admin, const char *kind, const char *name, int n,
		   char out[TENDER_ID_LEN]);
/* The administrator adds a user (password BENCH_PW) of org with one role,
 * who then logs in (u->id, u->token, u->org set). */
void bench_add_user(const struct bench_user *admin, const char *org, const char *role,
		    const char *login, struct bench_user *u);
/* The user's client: fresh X25519 and Ed25519 keys, the age challenge
 * answered, the key message signed and registered (u->seed, u->pub set). */
void bench_register_keys(struct bench_user *u);
/* A per-tender holder key made and signed as `etender holder keygen` does:
 * line gets the registration line, *recipient and *secret (the
 * "AGE-SECRET-KEY-1…" identity) are malloc'd for the caller, who wipes and
 * frees them (secret may be NULL: then it is wiped here). */
void bench_holder_line(const struct bench_user *u, const char *tender, char **recipient,
		       char **secret, char line[512]);

int64_t bench_now_us(void);
void bench_sleep_until(int64_t t_us);

#endif
