/* client/pin.c — trust anchors (DESIGN.md §3): per server URL, the log's and
 * the witness's verifier keys, pinned on first use with their fingerprints
 * shown, and the checkpoint saved after the last successful audit, all in
 * the config dir ($ETENDER_HOME or ~/.config/etender, mode 0700).
 * `etender pin` shows, sets and deliberately resets them. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "client/client.h"

static const char pin_usage[] =
	"用法 / usage: etender pin --server URL [--log-key VKEY] [--witness-key VKEY]\n"
	"       etender pin --server URL --reset\n"
	"  显示或设置服务器的日志公钥与见证人公钥（首次使用时固定）。\n"
	"  Show or set the log and witness verifier keys pinned for a server\n"
	"  (pinned on first use by `etender audit verify`; setting one here from\n"
	"  the trading center's notice is better). A pinned key is never replaced\n"
	"  silently: --reset forgets the server's keys and its saved checkpoint,\n"
	"  deliberately. Config dir: $ETENDER_HOME or ~/.config/etender.\n";

static int mkdir_private(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return et_fail(ET_EIO);
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return et_fail(ET_EIO);
	/* others must not be able to change what we trust */
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return ET_EDENIED;
	return ET_OK;
}

int client_config_dir(char *out, size_t cap)
{
	const char *h = getenv("ETENDER_HOME"), *home;
	char parent[4096];
	int rc;

	if (h && *h) {
		if (snprintf(out, cap, "%s", h) >= (int)cap)
			return ET_ELIMIT;
		return mkdir_private(out);
	}
	home = getenv("HOME");
	if (!home || !*home)
		return ET_ENOTFOUND;
	if (snprintf(parent, sizeof parent, "%s/.config", home) >= (int)sizeof parent ||
	    snprintf(out, cap, "%s/.config/etender", home) >= (int)cap)
		return ET_ELIMIT;
	if (mkdir(parent, 0700) != 0 && errno != EEXIST)
		return et_fail(ET_EIO);
	rc = mkdir_private(out);
	return rc;
}

/* URL without trailing slashes. */
static void normalize(const char *url, char *out, size_t cap)
{
	size_t n = strlen(url);

	while (n > 1 && url[n - 1] == '/')
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, url, n);
	out[n] = 0;
}

/* <config>/servers/<first 16 bytes of SHA-256(url), hex>[/name]; creates the
 * folders. */
static int server_path(const char *url, const char *name, char *out, size_t cap)
{
	char dir[4096], norm[2048], hex[65];
	unsigned char h[32];
	int rc;

	normalize(url, norm, sizeof norm);
	if ((rc = client_config_dir(dir, sizeof dir)))
		return rc;
	crypto_sha256(norm, strlen(norm), h);
	et_hex_encode(h, 16, hex);
	if (snprintf(out, cap, "%s/servers", dir) >= (int)cap)
		return ET_ELIMIT;
	if ((rc = mkdir_private(out)))
		return rc;
	if (snprintf(out, cap, "%s/servers/%s", dir, hex) >= (int)cap)
		return ET_ELIMIT;
	if ((rc = mkdir_private(out)))
		return rc;
	if (name && snprintf(out, cap, "%s/servers/%s/%s", dir, hex, name) >= (int)cap)
		return ET_ELIMIT;
	return ET_OK;
}

static int copy_field(char *dst, size_t cap, const char *src)
{
	if (strlen(src) >= cap)
		return ET_ELIMIT;
	memcpy(dst, src, strlen(src) + 1);
	return ET_OK;
}

int client_pins_load(const char *url, struct client_pins *p)
{
	char path[4200];
	unsigned char *file = NULL;
	char *line, *save = NULL;
	size_t len = 0;
	int rc;

	memset(p, 0, sizeof *p);
	normalize(url, p->url, sizeof p->url);
	if ((rc = server_path(url, "pins", path, sizeof path)))
		return rc;
	rc = et_read_file(path, 64 * 1024, &file, &len);
	if (rc == ET_ENOTFOUND)
		return ET_OK;
	if (rc)
		return rc;
	if (!file)
		return ET_OK;
	for (line = strtok_r((char *)file, "\n", &save); line && rc == ET_OK;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		if (!strncmp(line, "url ", 4))
			rc = strcmp(line + 4, p->url) ? ET_EINVAL : ET_OK;
		else if (!strncmp(line, "log-key ", 8))
			rc = copy_field(p->log_vkey, sizeof p->log_vkey, line + 8);
		else if (!strncmp(line, "witness-key ", 12))
			rc = copy_field(p->witness_vkey, sizeof p->witness_vkey, line + 12);
		else
			rc = ET_EINVAL;
	}
	free(file);
	return rc;
}

int client_pins_save(const struct client_pins *p)
{
	char path[4200];
	struct et_buf b;
	int rc;

	et_buf_init(&b, 16 * 1024);
	if ((rc = server_path(p->url, "pins", path, sizeof path)))
		goto out;
	rc = et_buf_printf(&b, "# etender trust anchors (pinned keys)\nurl %s\n", p->url);
	if (rc == ET_OK && p->log_vkey[0])
		rc = et_buf_printf(&b, "log-key %s\n", p->log_vkey);
	if (rc == ET_OK && p->witness_vkey[0])
		rc = et_buf_printf(&b, "witness-key %s\n", p->witness_vkey);
	if (rc == ET_OK)
		rc = et_write_file_atomic(path, b.data, b.len, 0600);
out:
	et_buf_free(&b);
	return rc;
}

int client_pins_reset(const char *url)
{
	char path[4200];
	int rc;

	if ((rc = server_path(url, "pins", path, sizeof path)))
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return et_fail(ET_EIO);
	if ((rc = server_path(url, "checkpoint", path, sizeof path)))
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return et_fail(ET_EIO);
	return ET_OK;
}

void client_fingerprint(const char *vkey, char out[80])
{
	unsigned char h[32];
	char hex[65];
	size_t i, o = 0;

	crypto_sha256(vkey, strlen(vkey), h);
	et_hex_encode(h, 32, hex);
	for (i = 0; i < 64; i++) {
		if (i && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = hex[i];
	}
	out[o] = 0;
}

int client_pin_check(const char *url, const char *what, char *pinned, size_t cap,
		     const char *vkey, bool *changed)
{
	char fp_new[80], fp_old[80];

	client_fingerprint(vkey, fp_new);
	if (!pinned[0]) {
		if (copy_field(pinned, cap, vkey))
			return ET_ELIMIT;
		*changed = true;
		fprintf(stderr,
			"etender: 首次使用，已固定%s公钥 / pinned the %s key on first use:\n"
			"  %s\n  指纹 / fingerprint: %s\n"
			"  请与交易中心公告核对 / check it against the trading center's notice\n",
			!strcmp(what, "log") ? "日志" : "见证人", what, vkey, fp_new);
		return ET_OK;
	}
	if (!strcmp(pinned, vkey))
		return ET_OK;
	client_fingerprint(pinned, fp_old);
	fprintf(stderr,
		"etender: %s / %s\n"
		"  服务器 / server: %s\n"
		"  已固定%s公钥 / pinned %s key:  %s\n    指纹 / fingerprint: %s\n"
		"  现在出示的公钥 / key presented now: %s\n    指纹 / fingerprint: %s\n"
		"  拒绝继续。若密钥确实已按公告更换，请运行 / refusing to continue. If the key was\n"
		"  really changed by public notice, run: etender pin --server %s --reset\n",
		et_strerror_zh(ET_EKEY), et_strerror(ET_EKEY), url,
		!strcmp(what, "log") ? "日志" : "见证人", what, pinned, fp_old, vkey, fp_new, url);
	return ET_EKEY;
}

int client_saved_checkpoint_load(const char *url, char **note)
{
	char path[4200];
	unsigned char *file = NULL;
	size_t len = 0;
	int rc;

	*note = NULL;
	if ((rc = server_path(url, "checkpoint", path, sizeof path)))
		return rc;
	if ((rc = et_read_file(path, ET_NOTE_MAX_LEN, &file, &len)))
		return rc;
	if (!file || memchr(file, 0, len)) {
		free(file);
		return ET_EINVAL;
	}
	*note = (char *)file;
	return ET_OK;
}

int client_saved_checkpoint_save(const char *url, const char *note)
{
	char path[4200];
	int rc;

	if ((rc = server_path(url, "checkpoint", path, sizeof path)))
		return rc;
	return et_write_file_atomic(path, note, strlen(note), 0600);
}

/* Check that s parses as a verifier key of the given kind. */
static int vkey_ok(const char *s, bool cosig)
{
	unsigned char pub[32];
	char *name = NULL;
	int rc = cosig ? audit_cosig_vkey_parse(s, &name, pub, NULL)
		       : audit_note_vkey_parse(s, &name, pub, NULL);

	free(name);
	return rc;
}

int client_cmd_pin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "log-key", required_argument, NULL, 'l' },
		{ "witness-key", required_argument, NULL, 'w' },
		{ "reset", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *lk = NULL, *wk = NULL;
	struct client_pins p;
	bool reset = false, changed = false;
	char fp[80];
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's': server = optarg; break;
		case 'l': lk = optarg; break;
		case 'w': wk = optarg; break;
		case 'r': reset = true; break;
		case 'h': fputs(pin_usage, stdout); return 0;
		default: return client_usage_error(pin_usage, "未知选项 / unknown option");
		}
	}
	if (!server || optind != argc || (reset && (lk || wk)))
		return client_usage_error(pin_usage, "需要 --server / --server is required");
	if (reset) {
		if ((rc = client_pins_reset(server)))
			return client_error(rc, "%s", server);
		fprintf(stderr, "etender: 已清除固定的公钥和保存的检查点 / forgot the pinned keys and "
				"the saved checkpoint of %s\n", server);
		return 0;
	}
	if (lk && vkey_ok(lk, false))
		return client_error(ET_EINVAL, "--log-key: 不是日志公钥 / not a note verifier key");
	if (wk && vkey_ok(wk, true))
		return client_error(ET_EINVAL,
				    "--witness-key: 不是见证人公钥 / not a cosignature/v1 verifier key");
	if ((rc = client_pins_load(server, &p)))
		return client_error(rc, "%s", server);
	if (lk && (rc = client_pin_check(server, "log", p.log_vkey, sizeof p.log_vkey, lk, &changed)))
		return 1;
	if (wk && (rc = client_pin_check(server, "witness", p.witness_vkey, sizeof p.witness_vkey, wk,
					 &changed)))
		return 1;
	if (changed && (rc = client_pins_save(&p)))
		return client_error(rc, "%s", server);
	printf("server %s\n", p.url);
	if (p.log_vkey[0]) {
		client_fingerprint(p.log_vkey, fp);
		printf("log-key %s\n  fingerprint %s\n", p.log_vkey, fp);
	} else {
		printf("log-key (未固定 / not pinned)\n");
	}
	if (p.witness_vkey[0]) {
		client_fingerprint(p.witness_vkey, fp);
		printf("witness-key %s\n  fingerprint %s\n", p.witness_vkey, fp);
	} else {
		printf("witness-key (未固定 / not pinned)\n");
	}
	return 0;
}

int client_server_file(const char *url, const char *name, char *out, size_t cap)
{
	return server_path(url, name, out, cap);
}
