/* web/data.c — etenderd's data folder: creating it (config, log key, blob
 * store, database), opening the ledger on it with every module of the
 * platform, as the writer or as a read-only verifier. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bidding/bidding.h"
#include "evaluation/evaluation.h"
#include "crypto/crypto.h"
#include "stats/stats.h"
#include "web/web_int.h"

int web_path(const char *dir, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n > 0 && (size_t)n < cap ? ET_OK : ET_ELIMIT;
}

/* ---- modules ------------------------------------------------------------- */

#ifdef ET_TEST_HOOKS
/* Test builds only: "test.noted" v1, an event without projection, so that
 * tests can grow the log through POST /api/test/event. */
static int apply_test_noted(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	(void)db;
	(void)ev;
	(void)index;
	(void)ctx;
	return ET_OK;
}

static const struct audit_kind test_kinds[] = { { "test.noted", 1, apply_test_noted } };
static const struct audit_module test_module = {
	.name = "webtest",
	.schema_sql = NULL,
	.tables = NULL,
	.kinds = test_kinds,
	.nkinds = 1,
	.ctx = NULL,
};
#endif

/* The domain modules, then the test module; built on first use (at open,
 * before any thread of ours runs). */
static const struct audit_module *modules[16];
static size_t nmodules;

const struct audit_module *const *web_modules(size_t *n)
{
	if (!nmodules) {
#ifdef WEB_DOMAIN
		size_t nd = 0;
		const struct audit_module *const *dm = ev_ledger_modules(&nd);

		for (size_t i = 0; i < nd && nmodules < sizeof modules / sizeof modules[0] - 1; i++)
			modules[nmodules++] = dm[i];
		/* statistics after evaluation's modules (docs/statistics.md) */
		dm = stats_ledger_modules(&nd);
		for (size_t i = 0; i < nd && nmodules < sizeof modules / sizeof modules[0] - 1; i++)
			modules[nmodules++] = dm[i];
#endif
#ifdef ET_TEST_HOOKS
		modules[nmodules++] = &test_module;
#endif
	}
	*n = nmodules;
	return (const struct audit_module *const *)modules;
}

/* ---- config -------------------------------------------------------------- */

static bool origin_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= ET_NOTE_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == '+' || s[i] == 0x7f)
			return false;
	return true;
}

static int write_config(const char *dir, const char *origin, const char *url, const char *key)
{
	char path[4096];
	json_t *j = NULL;
	char *text = NULL;
	int rc;

	if ((rc = web_path(dir, WEB_FILE_CONFIG, path, sizeof path)))
		return rc;
	j = json_pack("{s:s}", "origin", origin);
	if (!j)
		return et_fail(ET_ENOMEM);
	if ((url && json_object_set_new(j, "witness_url", json_string(url))) ||
	    (key && json_object_set_new(j, "witness_key", json_string(key)))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if (!(text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	rc = et_write_file_atomic(path, text, strlen(text), 0600);
out:
	free(text);
	json_decref(j);
	return rc;
}

static int read_config(struct web_data *d)
{
	char path[4096];
	unsigned char *text = NULL;
	size_t len;
	json_t *j = NULL, *v;
	json_error_t err;
	int rc;

	if ((rc = web_path(d->dir, WEB_FILE_CONFIG, path, sizeof path)) ||
	    (rc = et_read_file(path, ET_WEB_CONFIG_MAX, &text, &len)))
		return rc;
	if (!(j = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &err)) ||
	    !json_is_object(j)) {
		et_log(ET_LOG_ERROR, "%s: %s", path, j ? "not an object" : err.text);
		rc = ET_EINVAL;
		goto out;
	}
	v = json_object_get(j, "origin");
	if (!json_is_string(v) || !origin_ok(json_string_value(v)) ||
	    !(d->origin = strdup(json_string_value(v)))) {
		rc = ET_EINVAL;
		goto out;
	}
	if ((v = json_object_get(j, "witness_url")) && json_is_string(v) &&
	    !(d->witness_url = strdup(json_string_value(v)))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((v = json_object_get(j, "witness_key")) && json_is_string(v) &&
	    !(d->witness_key = strdup(json_string_value(v)))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((v = json_object_get(j, "trusted_proxy")) && json_is_string(v) &&
	    (rc = web_set_trusted_proxy(d, json_string_value(v)))) {
		et_log(ET_LOG_ERROR, "%s: trusted_proxy: not an IP address", path);
		goto out;
	}
	rc = ET_OK;
out:
	json_decref(j);
	free(text);
	return rc;
}

/* ---- init ---------------------------------------------------------------- */

/* DIR must not exist (it is created 0700) or be an empty folder (then set 0700). */
static int make_dir(const char *dir)
{
	DIR *dp;
	struct dirent *e;
	bool empty = true;

	if (mkdir(dir, 0700) == 0)
		return ET_OK;
	if (errno != EEXIST || !(dp = opendir(dir)))
		return et_fail(ET_EIO);
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(dp);
	if (!empty)
		return ET_EEXIST;
	return chmod(dir, 0700) == 0 ? ET_OK : et_fail(ET_EIO);
}

int web_data_init(const char *dir, const char *origin, const char *witness_url,
		  const char *witness_key, const char *center_name, char **vkey,
		  char **password, char admin_user[64])
{
	char path[4096];
	unsigned char seed[32], pub[32];
	struct web_data *d = NULL;
	int rc;

	*vkey = NULL;
	*password = NULL;
	admin_user[0] = 0;
	if (!origin)
		origin = WEB_DEFAULT_ORIGIN;
	if (!origin_ok(origin) || (witness_key && !witness_url)) {
		rc = ET_EINVAL;
		goto out;
	}
	if (witness_key) {
		char *name = NULL;
		unsigned char wpub[32];

		rc = audit_cosig_vkey_parse(witness_key, &name, wpub, NULL);
		free(name);
		if (rc)
			goto out;
	}
	if ((rc = make_dir(dir)))
		goto out;
	if ((rc = web_path(dir, WEB_DIR_BLOBS, path, sizeof path)))
		goto out;
	if (mkdir(path, 0700) != 0) {
		rc = et_fail(ET_EIO);
		goto out;
	}
	if ((rc = write_config(dir, origin, witness_url, witness_key)))
		goto out;
	if ((rc = crypto_ed25519_keygen(seed, pub)) ||
	    (rc = web_path(dir, WEB_FILE_KEY, path, sizeof path)) ||
	    (rc = crypto_write_secret_file(path, seed, sizeof seed)))
		goto out;
	/* Opening as the writer creates the database (WAL) and every schema. */
	if ((rc = web_data_open(dir, false, NULL, NULL, &d)))
		goto out;
#ifdef WEB_DOMAIN
	{
		char org[TENDER_ID_LEN];

		if ((rc = tender_bootstrap(d->ledger, d->priv, center_name ? center_name : "公共资源交易中心",
					   WEB_ADMIN_LOGIN, org, admin_user, password)))
			goto out;
	}
#else
	(void)center_name;
#endif
	rc = audit_note_vkey_format(d->origin, d->pub, vkey);
out:
	web_data_close(d);
	crypto_wipe(seed, sizeof seed);
	return rc;
}

/* ---- blobs --------------------------------------------------------------- */

int web_blob_open(void *ctx, const unsigned char sha256[32], int *fd)
{
	struct web_data *d = ctx;
	char hex[65], rel[80], path[4096];
	int rc;

	et_hex_encode(sha256, 32, hex);
	if (snprintf(rel, sizeof rel, "%s/%s", WEB_DIR_BLOBS, hex) >= (int)sizeof rel ||
	    (rc = web_path(d->dir, rel, path, sizeof path)))
		return et_fail(ET_EINVAL);
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? ET_ENOTFOUND : et_fail(ET_EIO);
	return ET_OK;
}


int web_blobs_sweep(const char *dir)
{
	char path[4096], file[4400];
	DIR *dp;
	struct dirent *e;
	int rc;

	if ((rc = web_path(dir, WEB_DIR_BLOBS, path, sizeof path)))
		return rc;
	if (!(dp = opendir(path)))
		return et_fail(ET_EIO);
	while ((e = readdir(dp)))
		if (!strncmp(e->d_name, ".upload-", 8) &&
		    snprintf(file, sizeof file, "%s/%s", path, e->d_name) < (int)sizeof file)
			(void)unlink(file);
	closedir(dp);
	return ET_OK;
}

/* ---- open ---------------------------------------------------------------- */

static int read_key(struct web_data *d)
{
	char path[4096];
	unsigned char *k = NULL;
	size_t len = 0;
	int rc;

	if ((rc = web_path(d->dir, WEB_FILE_KEY, path, sizeof path)) ||
	    (rc = et_read_file(path, 64, &k, &len)))
		return rc;
	if (len != sizeof d->seed) {
		rc = ET_EKEY;
		goto out;
	}
	memcpy(d->seed, k, sizeof d->seed);
	rc = crypto_ed25519_public(d->seed, d->pub);
out:
	crypto_wipe(k, len);
	free(k);
	return rc;
}

int web_data_open(const char *dir, bool verifier, void (*on_commit)(void *, uint64_t),
		  void *on_commit_ctx, struct web_data **out)
{
	struct web_data *d = NULL;
	struct audit_ledger_config cfg;
	char db[4096];
	int rc;

	*out = NULL;
	if (!(d = calloc(1, sizeof *d)))
		return et_fail(ET_ENOMEM);
	pthread_mutex_init(&d->cp_mu, NULL);
	if (!(d->dir = strdup(dir))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	d->verifier = verifier;
	if ((rc = read_config(d)) || (rc = read_key(d)) ||
	    (rc = web_path(dir, WEB_FILE_DB, db, sizeof db)))
		goto out;
	memset(&cfg, 0, sizeof cfg);
	cfg.db_path = db;
	cfg.origin = d->origin;
	cfg.seed = verifier ? NULL : d->seed;
	cfg.pub = d->pub;
	cfg.modules = web_modules(&cfg.nmodules);
	cfg.on_commit = on_commit;
	cfg.on_commit_ctx = on_commit_ctx;
	if (verifier)
		crypto_wipe(d->seed, sizeof d->seed);
	if ((rc = audit_ledger_open(&cfg, &d->ledger)))
		goto out;
#ifdef WEB_DOMAIN
	if (!verifier) {
		char priv[4096];

		if ((rc = web_path(dir, WEB_FILE_PRIVATE, priv, sizeof priv)) ||
		    (rc = tender_private_open(priv, &d->priv)) || (rc = web_uploads_open(d)))
			goto out;
	}
#endif
	*out = d;
	d = NULL;
out:
	web_data_close(d);
	return rc;
}

void web_data_close(struct web_data *d)
{
	if (!d)
		return;
	audit_ledger_close(d->ledger);
#ifdef WEB_DOMAIN
	web_uploads_close(d);
	tender_private_close(d->priv);
#endif
	crypto_wipe(d->seed, sizeof d->seed);
	pthread_mutex_destroy(&d->cp_mu);
	free(d->cp_note);
	free(d->dir);
	free(d->origin);
	free(d->witness_url);
	free(d->witness_key);
	free(d->trusted_proxy);
	free(d);
}

int web_set_trusted_proxy(struct web_data *d, const char *addr)
{
	unsigned char bin[16];
	char norm[64];
	int af = strchr(addr, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(af, addr, bin) != 1 || !inet_ntop(af, bin, norm, sizeof norm))
		return ET_EINVAL;
	free(d->trusted_proxy);
	if (!(d->trusted_proxy = strdup(norm)))
		return et_fail(ET_ENOMEM);
	return ET_OK;
}
