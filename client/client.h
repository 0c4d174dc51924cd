/* client/client.h — internals of the etender command shared by its files:
 * argument helpers, safe output files, identity files and the subcommands. */
#ifndef ET_CLIENT_H
#define ET_CLIENT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/core.h"
#include "crypto/crypto.h"

/* Print "etender: <zh> / <en>: detail" to stderr and return exit code 1. */
int client_error(int rc, const char *what, ...) ET_PRINTF(2, 3);
/* Usage error: prints the message and the command's usage, returns 2. */
int client_usage_error(const char *usage, const char *fmt, ...) ET_PRINTF(2, 3);

/* An output that appears only when complete: data goes to a temporary file
 * beside path, which finish() fsyncs and renames over path; abort() (or a
 * failed finish) unlinks it. path "-" or NULL means stdout. */
struct client_out {
	char path[4096];
	char tmp[4200];
	int fd;
	bool is_stdout;
};
int client_out_open(struct client_out *o, const char *path, unsigned mode) ET_MUST_CHECK;
int client_out_finish(struct client_out *o) ET_MUST_CHECK;
void client_out_abort(struct client_out *o);

/* Open input (path "-" or NULL: stdin). Returns fd or -1 (errno set). */
int client_in_open(const char *path);

/* An etender identity file: an age X25519 identity line
 * (AGE-SECRET-KEY-1…) and, for people, an Ed25519 signing key line
 * (ETENDER-SIGNING-KEY-1…); '#' comments. Files from age-keygen have
 * only the age line. */
struct client_identity {
	struct crypto_age_identity **age;
	size_t nage;
	bool has_signing;
	unsigned char sign_seed[CRYPTO_ED25519_SEED_LEN];
	unsigned char sign_pub[CRYPTO_ED25519_PUB_LEN];
	bool has_x25519;
	unsigned char x25519_priv[CRYPTO_X25519_LEN]; /* the first age identity's key */
};
int client_identity_load(const char *path, struct client_identity *id) ET_MUST_CHECK;
void client_identity_free(struct client_identity *id);

int client_cmd_keygen(int argc, char **argv);
int client_cmd_seal(int argc, char **argv);
int client_cmd_unseal(int argc, char **argv);
int client_cmd_holder(int argc, char **argv);
int client_cmd_share(int argc, char **argv);
int client_cmd_log(int argc, char **argv);

#endif
