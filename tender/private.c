/* tender/private.c — the private side store (DESIGN §3): a SQLite file of
 * its own, outside the log and outside replay, holding personal details
 * (with the salt of their hash), login names, scrypt password hashes, API
 * token hashes, pending key challenges and other modules' records (a bid
 * deposit's payer account). Written directly, never through
 * events.
 *
 * Invariants: a token or a challenge response is stored only as its
 * SHA-256; a password only as scrypt(N=2^15, r=8, p=1) with a 16-byte random
 * salt; every comparison of secrets is constant-time; the file is created
 * 0600. One connection, serialised by a mutex (scrypt runs outside it). */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "crypto/crypto.h"
#include "tender/tender_int.h"

#define SCRYPT_N (1u << 15)
#define SCRYPT_R 8u
#define SCRYPT_P 1u
#define SCRYPT_MAXMEM (64u << 20)
#define PW_SALT_LEN 16
#define PW_HASH_LEN 32
#define TOKEN_RAW_LEN 32
#define TOKEN_PREFIX "et1."

struct tender_private {
	sqlite3 *db;
	pthread_mutex_t mu;
};

static const char priv_schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS priv_org(id TEXT PRIMARY KEY, details TEXT NOT NULL,"
	" details_sha256 TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS priv_user(id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE,"
	" details TEXT NOT NULL, details_sha256 TEXT NOT NULL, pw_params TEXT NOT NULL,"
	" pw_salt BLOB NOT NULL, pw_hash BLOB NOT NULL, created_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS priv_token(hash BLOB PRIMARY KEY, user TEXT NOT NULL,"
	" created_us INTEGER NOT NULL, expires_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS priv_challenge(user TEXT NOT NULL, recipient TEXT NOT NULL,"
	" expect BLOB NOT NULL, expires_us INTEGER NOT NULL, PRIMARY KEY(user, recipient));"
	"CREATE TABLE IF NOT EXISTS priv_record(id TEXT PRIMARY KEY, details TEXT NOT NULL,"
	" details_sha256 TEXT NOT NULL);";

int tender_private_open(const char *path, struct tender_private **out)
{
	struct tender_private *p = NULL;
	char *err = NULL;
	int rc = ET_OK, fd;

	*out = NULL;
	if (!path || !*path || !strcmp(path, ":memory:"))
		return et_fail(ET_EINVAL);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return et_fail(ET_EIO);
	close(fd);
	if (!(p = calloc(1, sizeof *p)))
		return et_fail(ET_ENOMEM);
	if (pthread_mutex_init(&p->mu, NULL)) {
		free(p);
		return et_fail(ET_ENOMEM);
	}
	if (sqlite3_open_v2(path, &p->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_busy_timeout(p->db, 10000);
	if (sqlite3_exec(p->db, priv_schema, NULL, NULL, &err) != SQLITE_OK) {
		et_log(ET_LOG_ERROR, "private store: %s", err ? err : "?");
		rc = et_fail(ET_EDB);
	}
out:
	sqlite3_free(err);
	if (rc)
		tender_private_close(p);
	else
		*out = p;
	return rc;
}

void tender_private_close(struct tender_private *p)
{
	if (!p)
		return;
	sqlite3_close(p->db);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static int pw_hash(const char *pw, const unsigned char salt[PW_SALT_LEN],
		   unsigned char out[PW_HASH_LEN])
{
	return crypto_scrypt(pw, strlen(pw), salt, PW_SALT_LEN, SCRYPT_N, SCRYPT_R, SCRYPT_P,
			     SCRYPT_MAXMEM, out, PW_HASH_LEN);
}

int td_priv_put_org(struct tender_private *p, const char *id, const char *details_json,
		    const char *hash_hex)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "INSERT INTO priv_org VALUES (?1, ?2, ?3)", "ttt", id, details_json,
		     hash_hex);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int td_priv_put_user(struct tender_private *p, const char *id, const char *login,
		     const char *details_json, const char *hash_hex, const char *password,
		     int64_t now_us)
{
	unsigned char salt[PW_SALT_LEN], h[PW_HASH_LEN];
	int rc;

	if ((rc = crypto_random(salt, sizeof salt)) || (rc = pw_hash(password, salt, h)))
		goto out;
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "INSERT INTO priv_user VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		     "tttttbbi", id, login, details_json, hash_hex, "scrypt:32768:8:1", salt,
		     (int)sizeof salt, h, (int)sizeof h, now_us);
	pthread_mutex_unlock(&p->mu);
out:
	crypto_wipe(h, sizeof h);
	return rc;
}

void td_priv_forget(struct tender_private *p, const char *org_id, const char *user_id)
{
	int rc = ET_OK;

	/* best effort: an orphan row that no event names is harmless */
	pthread_mutex_lock(&p->mu);
	if (org_id)
		rc |= audit_sql_exec(p->db, "DELETE FROM priv_org WHERE id = ?1", "t", org_id);
	if (user_id) {
		rc |= audit_sql_exec(p->db, "DELETE FROM priv_user WHERE id = ?1", "t", user_id);
		rc |= audit_sql_exec(p->db, "DELETE FROM priv_token WHERE user = ?1", "t", user_id);
	}
	pthread_mutex_unlock(&p->mu);
	if (rc)
		et_log(ET_LOG_WARN, "private store: could not remove an unused row");
}

int td_priv_check_password(struct tender_private *p, const char *login, const char *password,
			   char user[TENDER_ID_LEN])
{
	static const unsigned char dummy_salt[PW_SALT_LEN] = { 0x5a };
	unsigned char salt[PW_SALT_LEN], want[PW_HASH_LEN], got[PW_HASH_LEN];
	sqlite3_stmt *st = NULL;
	bool found = false;
	int rc, s;

	memcpy(salt, dummy_salt, sizeof salt);
	memset(want, 0, sizeof want);
	user[0] = 0;
	if (!login || !password || strlen(login) > ET_TENDER_LOGIN_MAX ||
	    strlen(password) > ET_TENDER_PASSWORD_MAX)
		return ET_EDENIED;
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_prepare(p->db, &st,
			"SELECT id, pw_salt, pw_hash FROM priv_user WHERE login = ?1 OR id = ?1",
			"t", login);
	if (rc == ET_OK) {
		s = sqlite3_step(st);
		if (s == SQLITE_ROW && sqlite3_column_bytes(st, 1) == PW_SALT_LEN &&
		    sqlite3_column_bytes(st, 2) == PW_HASH_LEN) {
			audit_sql_col_text(st, 0, user, TENDER_ID_LEN);
			memcpy(salt, sqlite3_column_blob(st, 1), PW_SALT_LEN);
			memcpy(want, sqlite3_column_blob(st, 2), PW_HASH_LEN);
			found = true;
		} else if (s != SQLITE_DONE && s != SQLITE_ROW) {
			rc = et_fail(ET_EDB);
		}
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&p->mu);
	if (rc)
		goto out;
	/* scrypt runs whether or not the login exists */
	if ((rc = pw_hash(password, salt, got)))
		goto out;
	if (!crypto_ct_equal(got, want, PW_HASH_LEN) || !found)
		rc = ET_EDENIED;
out:
	if (rc)
		user[0] = 0;
	crypto_wipe(got, sizeof got);
	crypto_wipe(want, sizeof want);
	return rc;
}

int td_priv_set_password(struct tender_private *p, const char *user, const char *password)
{
	unsigned char salt[PW_SALT_LEN], h[PW_HASH_LEN];
	int rc;

	if ((rc = crypto_random(salt, sizeof salt)) || (rc = pw_hash(password, salt, h)))
		goto out;
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "UPDATE priv_user SET pw_salt = ?2, pw_hash = ?3 WHERE id = ?1", "tbb",
		     user, salt, (int)sizeof salt, h, (int)sizeof h);
	/* a new password ends every session */
	if (rc == ET_OK)
		rc = audit_sql_exec(p->db, "DELETE FROM priv_token WHERE user = ?1", "t", user);
	pthread_mutex_unlock(&p->mu);
out:
	crypto_wipe(h, sizeof h);
	return rc;
}

int td_priv_token_new(struct tender_private *p, const char *user, int64_t now_us,
		      char token[TENDER_TOKEN_LEN])
{
	unsigned char raw[TOKEN_RAW_LEN], h[CRYPTO_SHA256_LEN];
	int rc;

	token[0] = 0;
	if ((rc = crypto_random(raw, sizeof raw)))
		goto out;
	crypto_sha256(raw, sizeof raw, h);
	memcpy(token, TOKEN_PREFIX, 4);
	et_hex_encode(raw, sizeof raw, token + 4);
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "INSERT INTO priv_token VALUES (?1, ?2, ?3, ?4)", "btii", h,
		     (int)sizeof h, user, now_us, now_us + TENDER_TOKEN_TTL_US);
	pthread_mutex_unlock(&p->mu);
out:
	crypto_wipe(raw, sizeof raw);
	if (rc) {
		crypto_wipe(token, TENDER_TOKEN_LEN);
		token[0] = 0;
	}
	return rc;
}

/* SHA-256 of a well-formed token's random part; ET_EDENIED if malformed. */
static int token_hash(const char *token, unsigned char h[CRYPTO_SHA256_LEN])
{
	unsigned char raw[TOKEN_RAW_LEN];

	if (!token || strnlen(token, TENDER_TOKEN_LEN) != 4 + 2 * TOKEN_RAW_LEN ||
	    memcmp(token, TOKEN_PREFIX, 4) != 0 || et_hex_decode(token + 4, raw, sizeof raw))
		return ET_EDENIED;
	crypto_sha256(raw, sizeof raw, h);
	crypto_wipe(raw, sizeof raw);
	return ET_OK;
}

int td_priv_token_user(struct tender_private *p, const char *token, int64_t now_us,
		       char user[TENDER_ID_LEN])
{
	unsigned char h[CRYPTO_SHA256_LEN];
	sqlite3_stmt *st = NULL;
	int rc, s;

	user[0] = 0;
	if ((rc = token_hash(token, h)))
		return rc;
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_prepare(p->db, &st, "SELECT user, expires_us, hash FROM priv_token WHERE hash = ?1",
			"b", h, (int)sizeof h);
	if (rc == ET_OK) {
		s = sqlite3_step(st);
		if (s == SQLITE_ROW && sqlite3_column_bytes(st, 2) == CRYPTO_SHA256_LEN &&
		    crypto_ct_equal(sqlite3_column_blob(st, 2), h, sizeof h) &&
		    sqlite3_column_int64(st, 1) > now_us)
			audit_sql_col_text(st, 0, user, TENDER_ID_LEN);
		else if (s == SQLITE_ROW || s == SQLITE_DONE)
			rc = ET_EDENIED;
		else
			rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int tender_token_revoke(struct tender_private *p, const char *token)
{
	unsigned char h[CRYPTO_SHA256_LEN];
	int rc;

	if (!p || token_hash(token, h))
		return ET_ENOTFOUND;
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "DELETE FROM priv_token WHERE hash = ?1", "b", h, (int)sizeof h);
	if (rc == ET_OK && sqlite3_changes(p->db) == 0)
		rc = ET_ENOTFOUND;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int td_priv_challenge_put(struct tender_private *p, const char *user, const char *recipient,
			  const unsigned char expect[32], int64_t expires_us)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "INSERT OR REPLACE INTO priv_challenge VALUES (?1, ?2, ?3, ?4)", "ttbi",
		     user, recipient, expect, 32, expires_us);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int td_priv_challenge_check(struct tender_private *p, const char *user, const char *recipient,
			    const char *response_hex, int64_t now_us, bool consume)
{
	unsigned char h[CRYPTO_SHA256_LEN];
	sqlite3_stmt *st = NULL;
	int rc, s;

	if (!response_hex || strnlen(response_hex, 65) != 64)
		return ET_EVERIFY;
	crypto_sha256(response_hex, 64, h);
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_prepare(p->db, &st,
			"SELECT expect, expires_us FROM priv_challenge WHERE user = ?1 AND recipient = ?2",
			"tt", user, recipient);
	if (rc == ET_OK) {
		s = sqlite3_step(st);
		if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32 &&
		    crypto_ct_equal(sqlite3_column_blob(st, 0), h, sizeof h) &&
		    sqlite3_column_int64(st, 1) > now_us)
			rc = ET_OK;
		else if (s == SQLITE_ROW || s == SQLITE_DONE)
			rc = ET_EVERIFY;
		else
			rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	if (rc == ET_OK && consume)
		rc = audit_sql_exec(p->db, "DELETE FROM priv_challenge WHERE user = ?1 AND recipient = ?2",
			     "tt", user, recipient);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* ---- records of other modules (tender_private_record_*) ------------------- */

int tender_private_record_put(struct tender_private *p, const char *id, const char *const *keys,
			      const char *const *vals, size_t n, char hash_out[65])
{
	char *json = NULL;
	int rc;

	hash_out[0] = 0;
	for (size_t i = 0; i < n; i++)
		if (vals[i] && strlen(vals[i]) > ET_TENDER_DETAIL_MAX)
			return ET_EINVAL;
	if ((rc = td_details_json(keys, vals, n, &json, hash_out)))
		return rc;
	pthread_mutex_lock(&p->mu);
	rc = audit_sql_exec(p->db, "INSERT INTO priv_record VALUES (?1, ?2, ?3)", "ttt", id, json,
		     hash_out);
	pthread_mutex_unlock(&p->mu);
	free(json);
	if (rc)
		hash_out[0] = 0;
	return rc;
}

void tender_private_record_forget(struct tender_private *p, const char *id)
{
	pthread_mutex_lock(&p->mu);
	if (audit_sql_exec(p->db, "DELETE FROM priv_record WHERE id = ?1", "t", id) != ET_OK)
		et_log(ET_LOG_ERROR, "private store: cannot erase a record");
	pthread_mutex_unlock(&p->mu);
}

int tender_private_record_get(struct tender_private *p, const char *id, char **json)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*json = NULL;
	pthread_mutex_lock(&p->mu);
	if ((rc = audit_sql_prepare(p->db, &st, "SELECT details FROM priv_record WHERE id = ?1", "t", id)))
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = ET_ENOTFOUND;
		goto out;
	}
	if (!(*json = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = et_fail(ET_ENOMEM);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&p->mu);
	return rc;
}
