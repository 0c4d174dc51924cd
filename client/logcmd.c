/* client/logcmd.c — `etender log`: a local RFC 9162 log in a SQLite file,
 * for demonstrations and for checking the log format by hand: append files
 * as leaves, sign C2SP checkpoints, print and verify inclusion and
 * consistency proofs, verify the whole log. The platform's own log is the
 * ledger's; this command uses the same audit/ code. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "client/client.h"

static const char log_usage[] =
	"用法 / usage: etender log init --db FILE --origin NAME\n"
	"       etender log append --db FILE IN...\n"
	"       etender log checkpoint --db FILE\n"
	"       etender log prove --db FILE --index I [--size N]\n"
	"       etender log consistency --db FILE --from M [--size N]\n"
	"       etender log verify --db FILE\n"
	"  本地追加式 Merkle 日志（RFC 9162），签名检查点（C2SP signed note）。\n"
	"  A local append-only Merkle log (RFC 9162) with signed checkpoints (C2SP\n"
	"  tlog-checkpoint). init writes the signing key to FILE.key (0600) and\n"
	"  prints the verifier key. append adds each IN as one leaf and signs a new\n"
	"  checkpoint. prove prints and checks an inclusion proof against the\n"
	"  latest checkpoint; verify recomputes every hash and checks every\n"
	"  stored checkpoint's signature, root and consistency.\n";

struct logctx {
	sqlite3 *db;
	struct audit_log *log;
	char origin[ET_NOTE_MAX_NAME];
	unsigned char seed[32], pub[32];
};

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? ET_OK : et_fail(ET_EDB);
}

static int key_path(const char *db, char *out, size_t cap)
{
	return snprintf(out, cap, "%s.key", db) < (int)cap ? ET_OK : ET_ELIMIT;
}

static int open_log(const char *path, bool create, const char *origin, struct logctx *c)
{
	sqlite3_stmt *st = NULL;
	char kp[4200];
	struct client_identity id;
	int rc;

	memset(c, 0, sizeof *c);
	if (sqlite3_open_v2(path, &c->db, create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
						 : SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK)
		return create ? et_fail(ET_EDB) : ET_ENOTFOUND;
	rc = exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE IF NOT EXISTS client_log_meta(origin TEXT NOT NULL);"
			 "CREATE TABLE IF NOT EXISTS client_checkpoint(size INTEGER PRIMARY KEY,"
			 " note TEXT NOT NULL);");
	if (rc)
		return rc;
	rc = audit_log_open(c->db, &c->log);
	if (rc)
		return rc;
	rc = key_path(path, kp, sizeof kp);
	if (rc)
		return rc;
	if (create) {
		char *sk = NULL, *text = NULL;
		struct et_buf b;

		if (strlen(origin) >= sizeof c->origin || !*origin || strchr(origin, '\n') ||
		    strchr(origin, '+') || strchr(origin, ' '))
			return ET_EINVAL;
		if (sqlite3_prepare_v2(c->db, "INSERT INTO client_log_meta(origin) VALUES(?)", -1, &st,
				       NULL) != SQLITE_OK)
			return et_fail(ET_EDB);
		sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? ET_OK : et_fail(ET_EDB);
		sqlite3_finalize(st);
		if (rc)
			return rc;
		snprintf(c->origin, sizeof c->origin, "%s", origin);
		rc = crypto_ed25519_keygen(c->seed, c->pub);
		if (rc)
			return rc;
		et_buf_init(&b, 4096);
		rc = crypto_bech32_encode("etender-signing-key-", c->seed, 32, true, &sk);
		if (rc == ET_OK)
			rc = et_buf_printf(&b, "# etender log signing key for %s\n%s\n", origin, sk);
		if (rc == ET_OK)
			rc = crypto_write_secret_file(kp, b.data, b.len);
		if (sk) {
			crypto_wipe(sk, strlen(sk));
			free(sk);
		}
		et_buf_free(&b);
		(void)text;
		return rc;
	}
	if (sqlite3_prepare_v2(c->db, "SELECT origin FROM client_log_meta", -1, &st, NULL) != SQLITE_OK)
		return et_fail(ET_EDB);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ET_ENOTFOUND;
	}
	snprintf(c->origin, sizeof c->origin, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	rc = client_identity_load(kp, &id);
	if (rc)
		return rc;
	if (!id.has_signing)
		rc = ET_EINVAL;
	memcpy(c->seed, id.sign_seed, 32);
	memcpy(c->pub, id.sign_pub, 32);
	client_identity_free(&id);
	return rc;
}

static void close_log(struct logctx *c)
{
	audit_log_close(c->log);
	sqlite3_close(c->db);
	crypto_wipe(c->seed, sizeof c->seed);
}

/* Sign a checkpoint for the current size and store it; *note malloc'd. */
static int sign_checkpoint(struct logctx *c, char **note)
{
	struct audit_checkpoint cp;
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	int rc;

	memset(&cp, 0, sizeof cp);
	snprintf(cp.origin, sizeof cp.origin, "%s", c->origin);
	cp.size = audit_log_size(c->log);
	rc = audit_log_root(c->log, cp.size, cp.root);
	if (rc == ET_OK)
		rc = audit_checkpoint_format(&cp, &text);
	if (rc == ET_OK)
		rc = audit_note_sign(text, c->origin, c->seed, note);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO client_checkpoint(size, note) VALUES(?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cp.size);
	sqlite3_bind_text(st, 2, *note, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	free(text);
	return rc;
}

/* The latest stored checkpoint, verified; *note malloc'd. */
static int latest_checkpoint(struct logctx *c, char **note, struct audit_checkpoint *cp)
{
	sqlite3_stmt *st = NULL;
	char *text = NULL;
	int rc = ET_OK;

	*note = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT note FROM client_checkpoint ORDER BY size DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return et_fail(ET_EDB);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = ET_ENOTFOUND;
	else if (!(*note = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = et_fail(ET_ENOMEM);
	sqlite3_finalize(st);
	if (rc == ET_OK)
		rc = audit_note_verify(*note, strlen(*note), c->origin, c->pub, &text);
	if (rc == ET_OK)
		rc = audit_checkpoint_parse(text, strlen(text), cp);
	free(text);
	return rc;
}

static void print_hashes(const char *label, unsigned char (*h)[AUDIT_HASH_LEN], size_t n)
{
	char b64[48];
	size_t i;

	printf("%s", label);
	for (i = 0; i < n; i++) {
		et_b64_encode(h[i], AUDIT_HASH_LEN, b64);
		printf(" %s", b64);
	}
	printf("\n");
}

static int cmd_append(struct logctx *c, int argc, char **argv)
{
	char *note = NULL;
	int i, rc = ET_OK;

	if (exec(c->db, "BEGIN IMMEDIATE") != ET_OK)
		return client_error(ET_EDB, "BEGIN");
	for (i = 0; i < argc && rc == ET_OK; i++) {
		unsigned char *d = NULL, h[32];
		char hex[65];
		size_t len;
		uint64_t idx;

		rc = et_read_file(argv[i], ET_LEAF_MAX_LEN, &d, &len);
		if (rc == ET_OK)
			rc = audit_log_append(c->log, d, len, &idx);
		if (rc == ET_OK) {
			audit_leaf_hash(d, len, h);
			et_hex_encode(h, 32, hex);
			printf("%llu %s %s\n", (unsigned long long)idx, hex, argv[i]);
		} else {
			client_error(rc, "%s", argv[i]);
		}
		free(d);
	}
	if (rc == ET_OK)
		rc = sign_checkpoint(c, &note);
	if (rc == ET_OK)
		rc = exec(c->db, "COMMIT");
	if (rc) {
		(void)exec(c->db, "ROLLBACK");
		free(note);
		return client_error(rc, "append");
	}
	fputs(note, stdout);
	free(note);
	return 0;
}

static int cmd_prove(struct logctx *c, uint64_t index, uint64_t size, bool have_size)
{
	struct audit_checkpoint cp;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL, lh[32], root[32];
	char *note = NULL;
	size_t n = 0;
	int rc;

	rc = latest_checkpoint(c, &note, &cp);
	if (rc)
		return client_error(rc, "checkpoint");
	if (!have_size)
		size = cp.size;
	if (size > cp.size || index >= size) {
		free(note);
		return client_error(ET_EINVAL, "index %llu, size %llu", (unsigned long long)index,
				    (unsigned long long)size);
	}
	rc = audit_log_inclusion_proof(c->log, index, size, &proof, &n);
	if (rc == ET_OK)
		rc = audit_log_leaf_hash(c->log, index, lh);
	if (rc == ET_OK)
		rc = size == cp.size ? (memcpy(root, cp.root, 32), ET_OK) : audit_log_root(c->log, size, root);
	if (rc == ET_OK)
		rc = audit_verify_inclusion(index, size, lh, proof, n, root);
	if (rc == ET_OK) {
		char b64[48];
		printf("index %llu\nsize %llu\n", (unsigned long long)index, (unsigned long long)size);
		et_b64_encode(lh, 32, b64);
		printf("leaf-hash %s\n", b64);
		print_hashes("inclusion", proof, n);
		if (size == cp.size)
			fputs(note, stdout);
		fprintf(stderr, "etender: 包含证明已验证 / inclusion proof verified\n");
	} else {
		client_error(rc, "inclusion proof");
	}
	free(proof);
	free(note);
	return rc ? 1 : 0;
}

static int cmd_consistency(struct logctx *c, uint64_t from, uint64_t size, bool have_size)
{
	struct audit_checkpoint cp;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL, r1[32];
	char *note = NULL;
	size_t n = 0;
	int rc;

	rc = latest_checkpoint(c, &note, &cp);
	if (rc)
		return client_error(rc, "checkpoint");
	if (have_size && size != cp.size) {
		free(note);
		return client_error(ET_EINVAL, "--size must be the latest checkpoint's size %llu",
				    (unsigned long long)cp.size);
	}
	if (from == 0 || from > cp.size) {
		free(note);
		return client_error(ET_EINVAL, "--from %llu", (unsigned long long)from);
	}
	rc = audit_log_consistency_proof(c->log, from, cp.size, &proof, &n);
	if (rc == ET_OK)
		rc = audit_log_root(c->log, from, r1);
	if (rc == ET_OK)
		rc = audit_verify_consistency(from, cp.size, r1, cp.root, proof, n);
	if (rc == ET_OK) {
		printf("from %llu\nsize %llu\n", (unsigned long long)from, (unsigned long long)cp.size);
		print_hashes("consistency", proof, n);
		fprintf(stderr, "etender: 一致性证明已验证 / consistency proof verified\n");
	} else {
		client_error(rc, "consistency proof");
	}
	free(proof);
	free(note);
	return rc ? 1 : 0;
}

static int cmd_verify(struct logctx *c)
{
	sqlite3_stmt *st = NULL;
	uint64_t size = audit_log_size(c->log), i, prev = 0, ncp = 0;
	unsigned char prev_root[32];
	int rc = ET_OK;

	/* every stored leaf hash is the hash of its leaf */
	for (i = 0; i < size && rc == ET_OK; i++) {
		unsigned char *leaf = NULL, h1[32], h2[32];
		size_t len;
		rc = audit_log_leaf(c->log, i, &leaf, &len);
		if (rc == ET_OK)
			rc = audit_log_leaf_hash(c->log, i, h2);
		if (rc == ET_OK) {
			audit_leaf_hash(leaf, len, h1);
			if (!crypto_ct_equal(h1, h2, 32))
				rc = ET_EVERIFY;
		}
		free(leaf);
		if (rc)
			client_error(rc, "leaf %llu", (unsigned long long)i);
	}
	if (rc)
		return 1;
	/* every checkpoint is signed, matches the tree, and extends the previous */
	if (sqlite3_prepare_v2(c->db, "SELECT size, note FROM client_checkpoint ORDER BY size", -1, &st,
			       NULL) != SQLITE_OK)
		return client_error(ET_EDB, "checkpoints");
	while (rc == ET_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *note = (const char *)sqlite3_column_text(st, 1);
		struct audit_checkpoint cp;
		unsigned char root[32], (*proof)[32] = NULL;
		char *text = NULL;
		size_t n = 0;

		rc = audit_note_verify(note, strlen(note), c->origin, c->pub, &text);
		if (rc == ET_OK)
			rc = audit_checkpoint_parse(text, strlen(text), &cp);
		if (rc == ET_OK && (cp.size != (uint64_t)sqlite3_column_int64(st, 0) || cp.size > size))
			rc = ET_EVERIFY;
		if (rc == ET_OK)
			rc = audit_log_root(c->log, cp.size, root);
		if (rc == ET_OK && !crypto_ct_equal(root, cp.root, 32))
			rc = ET_EVERIFY;
		/* every tree extends the empty one; RFC 9162 proofs start at size 1 */
		if (rc == ET_OK && ncp && prev > 0) {
			rc = audit_log_consistency_proof(c->log, prev, cp.size, &proof, &n);
			if (rc == ET_OK)
				rc = audit_verify_consistency(prev, cp.size, prev_root, cp.root, proof, n);
		}
		if (rc)
			client_error(rc, "checkpoint of size %llu", (unsigned long long)sqlite3_column_int64(st, 0));
		prev = cp.size;
		memcpy(prev_root, cp.root, 32);
		ncp++;
		free(proof);
		free(text);
	}
	sqlite3_finalize(st);
	if (rc)
		return 1;
	printf("ok: %llu leaves, %llu checkpoints verified\n", (unsigned long long)size,
	       (unsigned long long)ncp);
	return 0;
}

int client_cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },     { "origin", required_argument, NULL, 'O' },
		{ "index", required_argument, NULL, 'I' },  { "size", required_argument, NULL, 'S' },
		{ "from", required_argument, NULL, 'F' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbp = NULL, *origin = NULL, *sub;
	uint64_t index = 0, size = 0, from = 0;
	bool have_index = false, have_size = false, have_from = false;
	struct logctx c;
	int ch, rc, ret = 1;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(log_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbp = optarg; break;
		case 'O': origin = optarg; break;
		case 'I':
			if (et_parse_u64(optarg, strlen(optarg), &index))
				return client_usage_error(log_usage, "--index %s", optarg);
			have_index = true;
			break;
		case 'S':
			if (et_parse_u64(optarg, strlen(optarg), &size))
				return client_usage_error(log_usage, "--size %s", optarg);
			have_size = true;
			break;
		case 'F':
			if (et_parse_u64(optarg, strlen(optarg), &from))
				return client_usage_error(log_usage, "--from %s", optarg);
			have_from = true;
			break;
		case 'h': fputs(log_usage, stdout); return 0;
		default: return client_usage_error(log_usage, "未知选项 / unknown option");
		}
	}
	if (!dbp)
		return client_usage_error(log_usage, "需要 --db / --db is required");
	if (!strcmp(sub, "init")) {
		char *vkey = NULL;
		if (!origin || optind != argc)
			return client_usage_error(log_usage, "init 需要 --origin / init needs --origin");
		if (access(dbp, F_OK) == 0)
			return client_error(ET_EEXIST, "%s", dbp);
		rc = open_log(dbp, true, origin, &c);
		if (rc == ET_OK)
			rc = audit_note_vkey_format(c.origin, c.pub, &vkey);
		if (rc == ET_OK) {
			char *note = NULL;
			rc = sign_checkpoint(&c, &note);
			free(note);
		}
		if (rc == ET_OK)
			printf("%s\n", vkey);
		else
			client_error(rc, "%s", dbp);
		free(vkey);
		close_log(&c);
		return rc ? 1 : 0;
	}
	rc = open_log(dbp, false, NULL, &c);
	if (rc) {
		client_error(rc, "%s", dbp);
		close_log(&c);
		return 1;
	}
	if (!strcmp(sub, "append")) {
		if (optind == argc)
			ret = client_usage_error(log_usage, "append 需要文件 / append needs files");
		else
			ret = cmd_append(&c, argc - optind, argv + optind);
	} else if (!strcmp(sub, "checkpoint") && optind == argc) {
		char *note = NULL;
		struct audit_checkpoint cp;
		rc = latest_checkpoint(&c, &note, &cp);
		if (rc == ET_OK) {
			fputs(note, stdout);
			ret = 0;
		} else {
			client_error(rc, "checkpoint");
		}
		free(note);
	} else if (!strcmp(sub, "prove") && have_index && optind == argc) {
		ret = cmd_prove(&c, index, size, have_size);
	} else if (!strcmp(sub, "consistency") && have_from && optind == argc) {
		ret = cmd_consistency(&c, from, size, have_size);
	} else if (!strcmp(sub, "verify") && optind == argc) {
		ret = cmd_verify(&c);
	} else {
		ret = client_usage_error(log_usage, "未知子命令或缺少参数 / unknown subcommand or missing argument: %s", sub);
	}
	close_log(&c);
	return ret;
}
