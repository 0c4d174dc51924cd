/* client/auditcmd.c — `etender audit verify`: a supervisor's (or anyone's)
 * audit of a platform's public log over /log/: the pinned log key signs the
 * checkpoint, the pinned witness cosigned it, every leaf is downloaded and
 * the root recomputed, the log extends the checkpoint this client saved
 * last time (so rewritten history is caught), and the public state is
 * replayed with the domain modules' apply code (G3, G5). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "client/client.h"

static const char audit_usage[] =
	"用法 / usage: etender audit verify --server URL [--witness-key VKEY]\n"
	"                                  [--replay-db FILE]\n"
	"  下载公开日志，验证检查点签名、见证人副署、全部叶子的根、与上次保存的\n"
	"  检查点的一致性，并重放公开状态。\n"
	"  Download the public log of URL (/log/key, /log/checkpoint,\n"
	"  /log/entries, /log/proof/consistency); verify the checkpoint with the\n"
	"  pinned log key (pinned on first use), the witness's cosignature (with\n"
	"  --witness-key or a pinned witness key), the root of all leaves, and\n"
	"  consistency with the checkpoint saved by the last successful audit of\n"
	"  URL; then replay the public state into a new SQLite file (--replay-db,\n"
	"  else a temporary one). Exit 0 only if everything verified.\n";

struct auditctx {
	const char *url;
	char tmpdir[4096];
	char leaves_path[4200];
	sqlite3 *db;
	struct audit_log *log;
};

static int leaf_src(void *ctx, uint64_t index, unsigned char **leaf, size_t *len)
{
	return audit_log_leaf(ctx, index, leaf, len);
}

/* Text GET: body trimmed of one trailing newline for keys. *out malloc'd. */
static int get_text(const char *url, const char *path, size_t max, char **out, size_t *len)
{
	struct client_http_resp r;
	char d[1024];
	int rc;

	*out = NULL;
	rc = client_http_get(url, path, NULL, max, &r);
	if (rc) {
		client_error(rc, "GET %s%s: %s", url, path, r.error);
		client_http_resp_free(&r);
		return rc;
	}
	if (r.status != 200) {
		client_http_describe_error(&r, d, sizeof d);
		client_error(ET_EIO, "GET %s: %s", path, d);
		client_http_resp_free(&r);
		return ET_EIO;
	}
	if (memchr(r.body.data, 0, r.body.len)) {
		client_http_resp_free(&r);
		client_error(ET_EINVAL, "GET %s: NUL", path);
		return ET_EINVAL;
	}
	*len = r.body.len;
	*out = (char *)et_buf_steal(&r.body, len);
	client_http_resp_free(&r);
	return *out ? ET_OK : et_fail(ET_ENOMEM);
}

/* Fetch every leaf [0, size) into the temporary log. */
static int download(struct auditctx *a, uint64_t size)
{
	unsigned char *leaf = NULL;
	char path[128], err[1024];
	json_t *j = NULL;
	uint64_t i = 0, page = ET_HTTP_ENTRIES_PAGE;
	int rc = ET_OK;

	if (!(leaf = malloc(ET_LEAF_MAX_LEN + 3)))
		return et_fail(ET_ENOMEM);
	if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	while (i < size) {
		uint64_t want = size - i < page ? size - i : page;
		json_t *es, *e;
		size_t k;

		client_fmt(path, sizeof path, "/log/entries?start=%llu&count=%llu",
			   (unsigned long long)i, (unsigned long long)want);
		json_decref(j);
		j = NULL;
		rc = client_http_get_json(a->url, path, NULL, ET_HTTP_MAX_BODY, &j, err, sizeof err);
		if (rc == ET_ELIMIT && page > 1) {
			/* large leaves (reveals): ask for fewer at a time */
			page /= 2;
			continue;
		}
		if (rc) {
			client_error(rc, "%s", err);
			goto out;
		}
		es = json_object_get(j, "entries");
		if (!json_is_array(es) || json_array_size(es) == 0 || json_array_size(es) > want) {
			rc = ET_EINVAL;
			client_error(rc, "%s: 条目格式错误 / bad entries", path);
			goto out;
		}
		json_array_foreach(es, k, e) {
			json_t *ix = json_object_get(e, "index"), *lf = json_object_get(e, "leaf");
			size_t n = 0;

			if (!json_is_integer(ix) || json_integer_value(ix) < 0 ||
			    (uint64_t)json_integer_value(ix) != i || !json_is_string(lf)) {
				rc = ET_EINVAL;
				client_error(rc, "%s: 条目 %llu 格式错误 / entry %llu malformed", path,
					     (unsigned long long)i, (unsigned long long)i);
				goto out;
			}
			if ((rc = et_b64_decode(json_string_value(lf), json_string_length(lf), leaf,
						ET_LEAF_MAX_LEN, &n))) {
				client_error(rc, "%s: 条目 %llu 的 base64 / base64 of entry %llu", path,
					     (unsigned long long)i, (unsigned long long)i);
				goto out;
			}
			if ((rc = audit_log_append(a->log, leaf, n, NULL))) {
				client_error(rc, "leaf %llu", (unsigned long long)i);
				goto out;
			}
			i++;
		}
	}
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = et_fail(ET_EDB);
out:
	json_decref(j);
	free(leaf);
	return rc;
}

/* The server's consistency proof from (size1, root1) to (size2, root2). */
static int check_server_proof(struct auditctx *a, uint64_t size1, const unsigned char *root1,
			      uint64_t size2, const unsigned char *root2)
{
	unsigned char proof[ET_PROOF_MAX_HASHES][AUDIT_HASH_LEN];
	char path[128], err[1024];
	json_t *j = NULL, *hs, *h;
	size_t k, n = 0;
	int rc;

	client_fmt(path, sizeof path, "/log/proof/consistency?from=%llu&size=%llu",
		   (unsigned long long)size1, (unsigned long long)size2);
	if ((rc = client_http_get_json(a->url, path, NULL, 1u << 20, &j, err, sizeof err))) {
		client_error(rc, "%s", err);
		return rc;
	}
	hs = json_object_get(j, "hashes");
	if (!json_is_array(hs) || json_array_size(hs) > ET_PROOF_MAX_HASHES) {
		rc = ET_EINVAL;
		goto out;
	}
	json_array_foreach(hs, k, h) {
		size_t got = 0;
		if (!json_is_string(h) ||
		    et_b64_decode(json_string_value(h), json_string_length(h), proof[n],
				  AUDIT_HASH_LEN, &got) != ET_OK ||
		    got != AUDIT_HASH_LEN) {
			rc = ET_EINVAL;
			goto out;
		}
		n++;
	}
	rc = audit_verify_consistency(size1, size2, root1, root2,
				      (const unsigned char(*)[AUDIT_HASH_LEN])proof, n);
out:
	if (rc)
		client_error(rc, "%s", path);
	json_decref(j);
	return rc;
}

static void cleanup_tmp(struct auditctx *a)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[4300];
	size_t i;

	audit_log_close(a->log);
	a->log = NULL;
	sqlite3_close(a->db);
	a->db = NULL;
	if (!a->tmpdir[0])
		return;
	for (i = 0; i < 4; i++) {
		if (snprintf(p, sizeof p, "%s/leaves.db%s", a->tmpdir, sfx[i]) < (int)sizeof p)
			unlink(p);
		if (snprintf(p, sizeof p, "%s/replay.db%s", a->tmpdir, sfx[i]) < (int)sizeof p)
			unlink(p);
	}
	rmdir(a->tmpdir);
}

static int verify(const char *url, const char *witness_key, const char *replay_db)
{
	struct auditctx a;
	struct client_pins pins;
	struct audit_checkpoint cp, sc;
	struct audit_report rep;
	unsigned char pub[32], wpub[32], root[AUDIT_HASH_LEN];
	char *vkey = NULL, *name = NULL, *wname = NULL, *note = NULL, *text = NULL;
	char *saved = NULL, *stext = NULL, fp[80], b64[48], when[32], replay_path[4300];
	const struct audit_module *const *mods;
	size_t len = 0, nmods = 0;
	uint64_t ts = 0;
	bool changed = false, have_saved = false, log_ok = false, replay_ok = false, api_ok = false;
	char api_diff[1024] = "";
	unsigned ntenders = 0, ndocs = 0, nclar = 0;
	int rc;

	memset(&a, 0, sizeof a);
	memset(&rep, 0, sizeof rep);
	a.url = url;
	if ((rc = client_pins_load(url, &pins))) {
		client_error(rc, "固定的公钥 / pinned keys of %s", url);
		goto out;
	}
	/* 1. the log key, pinned on first use */
	if ((rc = get_text(url, "/log/key", 4096, &vkey, &len)))
		goto out;
	while (len && (vkey[len - 1] == '\n' || vkey[len - 1] == '\r'))
		vkey[--len] = 0;
	if ((rc = audit_note_vkey_parse(vkey, &name, pub, NULL))) {
		client_error(rc, "/log/key: 不是日志公钥 / not a verifier key");
		goto out;
	}
	if ((rc = client_pin_check(url, "log", pins.log_vkey, sizeof pins.log_vkey, vkey, &changed)))
		goto out;
	/* the witness key: given now, or pinned before */
	if (witness_key) {
		unsigned char tmp[32];
		char *tn = NULL;
		rc = audit_cosig_vkey_parse(witness_key, &tn, tmp, NULL);
		free(tn);
		if (rc) {
			client_error(rc, "--witness-key: 不是见证人公钥 / not a cosignature/v1 key");
			goto out;
		}
		if ((rc = client_pin_check(url, "witness", pins.witness_vkey, sizeof pins.witness_vkey,
					   witness_key, &changed)))
			goto out;
	}
	if (pins.witness_vkey[0] &&
	    (rc = audit_cosig_vkey_parse(pins.witness_vkey, &wname, wpub, NULL))) {
		client_error(rc, "固定的见证人公钥 / pinned witness key");
		goto out;
	}
	/* 2. the checkpoint: log signature, witness cosignature */
	if ((rc = get_text(url, "/log/checkpoint", ET_NOTE_MAX_LEN, &note, &len)))
		goto out;
	if ((rc = audit_note_verify(note, len, name, pub, &text)) ||
	    (rc = audit_checkpoint_parse(text, strlen(text), &cp))) {
		client_error(rc, "检查点签名 / checkpoint signature");
		goto out;
	}
	if (wname) {
		if ((rc = audit_cosig_verify(note, len, wname, wpub, &ts))) {
			client_error(rc, "见证人副署 / witness cosignature by %s", wname);
			goto out;
		}
	}
	if (changed && (rc = client_pins_save(&pins))) {
		client_error(rc, "固定公钥 / saving the pins");
		goto out;
	}
	/* 3. the checkpoint saved last time */
	rc = client_saved_checkpoint_load(url, &saved);
	if (rc == ET_OK) {
		if ((rc = audit_note_verify(saved, strlen(saved), name, pub, &stext)) ||
		    (rc = audit_checkpoint_parse(stext, strlen(stext), &sc))) {
			client_error(rc, "保存的检查点 / the saved checkpoint");
			goto out;
		}
		have_saved = true;
		if (sc.size > cp.size) {
			rc = ET_EVERIFY;
			client_error(rc, "日志变短了：上次 %llu，现在 %llu / the log shrank: %llu "
					 "leaves last time, %llu now",
				     (unsigned long long)sc.size, (unsigned long long)cp.size,
				     (unsigned long long)sc.size, (unsigned long long)cp.size);
			goto out;
		}
	} else if (rc != ET_ENOTFOUND) {
		client_error(rc, "保存的检查点 / the saved checkpoint");
		goto out;
	}
	/* 4. every leaf, and the root they make */
	{
		const char *t = getenv("TMPDIR");
		if (snprintf(a.tmpdir, sizeof a.tmpdir, "%s/etender-audit-XXXXXX",
			     t && *t ? t : "/tmp") >= (int)sizeof a.tmpdir ||
		    !mkdtemp(a.tmpdir)) {
			a.tmpdir[0] = 0;
			rc = ET_EIO;
			client_error(rc, "mkdtemp");
			goto out;
		}
	}
	if (snprintf(a.leaves_path, sizeof a.leaves_path, "%s/leaves.db", a.tmpdir) >=
	    (int)sizeof a.leaves_path) {
		rc = ET_ELIMIT;
		goto out;
	}
	if (sqlite3_open_v2(a.leaves_path, &a.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(a.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		rc = et_fail(ET_EDB);
		client_error(rc, "%s", a.leaves_path);
		goto out;
	}
	if ((rc = audit_log_open(a.db, &a.log)) || (rc = download(&a, cp.size)))
		goto out;
	if ((rc = audit_log_root(a.log, cp.size, root)))
		goto out;
	if (!crypto_ct_equal(root, cp.root, AUDIT_HASH_LEN)) {
		rc = ET_EVERIFY;
		client_error(rc, "下载的叶子与签名的检查点不符 / the leaves served do not make the "
				 "signed root");
		goto out;
	}
	/* 5. the history seen before is still there */
	if (have_saved && sc.size > 0) {
		unsigned char r1[AUDIT_HASH_LEN];
		if ((rc = audit_log_root(a.log, sc.size, r1)))
			goto out;
		if (!crypto_ct_equal(r1, sc.root, AUDIT_HASH_LEN)) {
			rc = ET_EVERIFY;
			client_error(rc, "历史被改写：前 %llu 个叶子与上次保存的检查点不符 / history "
					 "rewritten: the first %llu leaves differ from the saved "
					 "checkpoint",
				     (unsigned long long)sc.size, (unsigned long long)sc.size);
			goto out;
		}
		if (sc.size < cp.size &&
		    (rc = check_server_proof(&a, sc.size, sc.root, cp.size, cp.root)))
			goto out;
	}
	log_ok = true;
	if ((rc = client_saved_checkpoint_save(url, note))) {
		client_error(rc, "保存检查点 / saving the checkpoint");
		goto out;
	}
	/* 6. the public state, replayed */
	mods = client_replay_modules(&nmods);
	if (replay_db) {
		if (snprintf(replay_path, sizeof replay_path, "%s", replay_db) >= (int)sizeof replay_path) {
			rc = ET_ELIMIT;
			goto out;
		}
	} else if (snprintf(replay_path, sizeof replay_path, "%s/replay.db", a.tmpdir) >=
		   (int)sizeof replay_path) {
		rc = ET_ELIMIT;
		goto out;
	}
	rc = audit_replay_public(mods, nmods, leaf_src, a.log, cp.size, replay_path, root, &rep);
	if (rc == ET_OK && !crypto_ct_equal(root, cp.root, AUDIT_HASH_LEN)) {
		rc = ET_EVERIFY;
		client_fmt(rep.diff, sizeof rep.diff, "replay root differs from the checkpoint");
	}
	replay_ok = rc == ET_OK;
	if (!replay_ok) {
		client_error(rc, "重放 / replay: %s", rep.diff[0] ? rep.diff : et_last_failure());
		goto out;
	}
	/* 7. what the public API serves equals the replayed state */
	rc = client_api_compare(url, replay_path, api_diff, sizeof api_diff, &ntenders, &ndocs,
				&nclar);
	if (rc) {
		char *now = NULL, *ntext = NULL;
		size_t nl = 0;
		struct audit_checkpoint cp2;

		/* the log may have grown while we compared: then it is not proof */
		if (get_text(url, "/log/checkpoint", ET_NOTE_MAX_LEN, &now, &nl) == ET_OK &&
		    audit_note_verify(now, nl, name, pub, &ntext) == ET_OK &&
		    audit_checkpoint_parse(ntext, strlen(ntext), &cp2) == ET_OK && cp2.size != cp.size) {
			client_fmt(api_diff, sizeof api_diff,
				   "inconclusive: the log grew from %llu to %llu during the comparison; "
				   "run again", (unsigned long long)cp.size,
				   (unsigned long long)cp2.size);
		}
		free(now);
		free(ntext);
		client_error(rc, "公开 API 与日志不符 / the public API differs from the log: %s",
			     api_diff);
	}
	api_ok = rc == ET_OK;

out:
	if (log_ok) {
		client_fingerprint(vkey, fp);
		et_b64_encode(cp.root, AUDIT_HASH_LEN, b64);
		printf("server      %s\n", url);
		printf("log         %s\n  key       %s\n  fingerprint %s\n", cp.origin, vkey, fp);
		printf("checkpoint  size %llu, root %s: signature ok\n", (unsigned long long)cp.size,
		       b64);
		if (wname) {
			et_clock_format_utc((int64_t)(ts > INT64_MAX / 1000000 ? 0 : ts * 1000000), when);
			printf("witness     %s cosigned it at %s (its own clock)\n", wname, when);
		} else {
			printf("witness     未检查 / not checked: no witness key pinned "
			       "(--witness-key VKEY)\n");
		}
		printf("entries     %llu downloaded, root recomputed: ok\n",
		       (unsigned long long)cp.size);
		if (have_saved)
			printf("history     extends the checkpoint saved last time (size %llu): ok\n",
			       (unsigned long long)sc.size);
		else
			printf("history     first audit of this server: checkpoint saved\n");
		if (replay_ok)
			printf("replay      ok: %llu leaves, %llu confidential, %llu revealed%s%s\n",
			       (unsigned long long)rep.leaves, (unsigned long long)rep.confidential,
			       (unsigned long long)rep.revealed, replay_db ? "; state in " : "",
			       replay_db ? replay_db : "");
		else
			printf("replay      FAILED: %s\n", rep.diff[0] ? rep.diff : et_strerror(rc));
		if (api_ok)
			printf("api         ok: %u published tenders, %u documents, %u clarifications "
			       "served as logged\n", ntenders, ndocs, nclar);
		else if (replay_ok)
			printf("api         FAILED: %s\n", api_diff);
	}
	cleanup_tmp(&a);
	free(vkey);
	free(name);
	free(wname);
	free(note);
	free(text);
	free(saved);
	free(stext);
	return rc == ET_OK ? 0 : 1;
}

int client_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "witness-key", required_argument, NULL, 'w' },
		{ "replay-db", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *wk = NULL, *rdb = NULL;
	int ch, ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(audit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "verify") != 0)
		return client_usage_error(audit_usage, "未知子命令 / unknown subcommand: %s", argv[1]);
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's': server = optarg; break;
		case 'w': wk = optarg; break;
		case 'r': rdb = optarg; break;
		case 'h': fputs(audit_usage, stdout); return 0;
		default: return client_usage_error(audit_usage, "未知选项 / unknown option");
		}
	}
	if (!server || optind != argc)
		return client_usage_error(audit_usage, "需要 --server / --server is required");
	ret = verify(server, wk, rdb);
	client_http_cleanup();
	return ret;
}
