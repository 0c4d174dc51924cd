/* tests/client/testlib.h — helpers of the client tests: temporary dirs,
 * real signed logs (audit/ code, as `etender log` builds them), running the
 * etender binary, a witness process on a free loopback port, HTTP by libcurl. */
#ifndef ET_TESTS_CLIENT_TESTLIB_H
#define ET_TESTS_CLIENT_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "audit/audit.h"

void tl_tmpdir(char *out, size_t cap);
void tl_rmtree(const char *dir);
char *tl_cat(const char *a, const char *b);           /* malloc'd */
int tl_count_files(const char *tmp, const char *sub);
/* Write tmp/w.key (the identity-file format etender reads) for a witness. */
void tl_witness_key(const char *tmp, const char *name, unsigned char seed[32],
		    unsigned char pub[32]);

/* A real log: RFC 9162 tree in an in-memory SQLite database, C2SP
 * checkpoints signed with its Ed25519 key. */
struct tl_log {
	sqlite3 *db;
	struct audit_log *log;
	char origin[256];
	unsigned char seed[32], pub[32];
	char *vkey;                                    /* note vkey */
};
/* seed NULL: a fresh key. */
void tl_log_new(struct tl_log *lg, const char *origin, const unsigned char *seed);
void tl_log_free(struct tl_log *lg);
/* Append n leaves: public "widget.assembled" events (a kind no module applies) if event, else
 * confidential commitment leaves (random). */
void tl_log_add(struct tl_log *lg, int n, bool event);
/* The same with pad more bytes in each event's payload. */
void tl_log_add_sized(struct tl_log *lg, int n, bool event, size_t pad);
uint64_t tl_log_size(struct tl_log *lg);
char *tl_log_checkpoint(struct tl_log *lg);          /* malloc'd signed note */

/* add-checkpoint bodies */
char *tl_body(uint64_t old, unsigned char (*proof)[32], size_t n, const char *note);
char *tl_body_proof(struct tl_log *lg, uint64_t old, const char *note);
char *tl_body_proof_corrupt(struct tl_log *lg, uint64_t old, const char *note);

/* The etender binary. */
const char *tl_etender(void);
/* Run etender argv (argv[0] is the first argument after "etender") with
 * ETENDER_HOME=home if home; capture stdout/stderr (may be NULL). Returns
 * the exit status (or 128+signal). */
int tl_run(const char *const *argv, const char *home, char *out, size_t outcap, char *err,
	   size_t errcap);

struct tl_witness {
	pid_t pid;
	int port;
	char url[64];
	char errpath[4200];
};
void tl_witness_start(struct tl_witness *w, const char *tmp, const char *name,
		      const char *const *vkeys, size_t n, uint64_t t);
/* 0 if it started (then stopped), else its exit status. */
int tl_witness_try_start(const char *tmp, const char *name, const char *const *vkeys, size_t n);
void tl_witness_stop(struct tl_witness *w, int sig);
/* Change one byte of the witness's stored checkpoint. 0 on success. */
int tl_corrupt_state(const char *tmp);

struct tl_resp {
	long status;
	char *body;
	char ctype[128];
};
void tl_post(struct tl_witness *w, const char *body, struct tl_resp *r);
void tl_get(struct tl_witness *w, const char *path, struct tl_resp *r);
void tl_http(const char *url, const char *body, struct tl_resp *r);
void tl_resp_free(struct tl_resp *r);

#endif
