/* client/util.c — what every etender subcommand shares: bilingual error
 * messages, outputs that appear only when complete, identity files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/client.h"

int client_error(int rc, const char *what, ...)
{
	va_list ap;

	fprintf(stderr, "etender: %s", et_strerror_both(rc));
	if (what && *what) {
		fputs(": ", stderr);
		va_start(ap, what);
		vfprintf(stderr, what, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	return 1;
}

void client_fmt(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		out[0] = 0;
	else if ((size_t)n >= cap && cap >= 4)
		memcpy(out + cap - 4, "...", 4); /* truncated, and says so */
}

int client_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("etender: 参数错误 / usage error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

int client_in_open(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return STDIN_FILENO;
	return open(path, O_RDONLY | O_CLOEXEC);
}

int client_out_open(struct client_out *o, const char *path, unsigned mode)
{
	memset(o, 0, sizeof *o);
	o->fd = -1;
	if (!path || !strcmp(path, "-")) {
		o->is_stdout = true;
		o->fd = STDOUT_FILENO;
		return ET_OK;
	}
	{
		struct stat st;
		/* a device or pipe (/dev/null, a FIFO) is written directly */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			o->is_stdout = true;
			o->fd = open(path, O_WRONLY | O_CLOEXEC);
			return o->fd >= 0 ? ET_OK : et_fail(ET_EIO);
		}
	}
	if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
	    snprintf(o->tmp, sizeof o->tmp, "%s.partial-%ld", path, (long)getpid()) >=
		    (int)sizeof o->tmp)
		return ET_ELIMIT;
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (o->fd < 0)
		return et_fail(ET_EIO);
	return ET_OK;
}

int client_out_finish(struct client_out *o)
{
	int rc = ET_OK;

	if (o->is_stdout) {
		if (o->fd > 2)
			close(o->fd);
		return ET_OK;
	}
	if (fsync(o->fd) != 0)
		rc = et_fail(ET_EIO);
	if (close(o->fd) != 0 && rc == ET_OK)
		rc = et_fail(ET_EIO);
	o->fd = -1;
	if (rc == ET_OK && rename(o->tmp, o->path) != 0)
		rc = et_fail(ET_EIO);
	if (rc)
		unlink(o->tmp);
	return rc;
}

void client_out_abort(struct client_out *o)
{
	if (o->is_stdout) {
		if (o->fd > 2)
			close(o->fd);
		o->fd = -1;
		return;
	}
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	unlink(o->tmp);
}

/* Decode "HRP1…" bech32 of exactly n bytes with the given (lowercase) hrp. */
static int decode_key(const char *s, const char *hrp, unsigned char *out, size_t n)
{
	char *h = NULL;
	unsigned char *d = NULL;
	size_t len = 0;
	int rc;

	rc = crypto_bech32_decode(s, &h, &d, &len);
	if (rc)
		return ET_EINVAL;
	if (strcmp(h, hrp) != 0 || len != n)
		rc = ET_EINVAL;
	else
		memcpy(out, d, n);
	if (d) {
		crypto_wipe(d, len);
		free(d);
	}
	free(h);
	return rc;
}

int client_identity_load(const char *path, struct client_identity *id)
{
	unsigned char *file = NULL;
	size_t len = 0, nlines = 0;
	char *line, *save = NULL;
	int rc;

	memset(id, 0, sizeof *id);
	rc = et_read_file(path, 1u << 20, &file, &len);
	if (rc)
		return rc;
	for (line = strtok_r((char *)file, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);
		struct crypto_age_identity **nv;

		nlines++;
		if (l && line[l - 1] == '\r')
			line[--l] = 0;
		if (l == 0 || line[0] == '#')
			continue;
		if (!strncmp(line, "ETENDER-SIGNING-KEY-1", 21)) {
			if (id->has_signing ||
			    decode_key(line, "etender-signing-key-", id->sign_seed, 32) != ET_OK ||
			    crypto_ed25519_public(id->sign_seed, id->sign_pub) != ET_OK) {
				rc = ET_EINVAL;
				goto out;
			}
			id->has_signing = true;
			continue;
		}
		if (strncmp(line, "AGE-SECRET-KEY-1", 16) != 0) {
			rc = ET_EINVAL;
			goto out;
		}
		nv = realloc(id->age, (id->nage + 1) * sizeof *nv);
		if (!nv) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		id->age = nv;
		rc = crypto_age_identity_parse(line, &id->age[id->nage]);
		if (rc)
			goto out;
		id->nage++;
		if (!id->has_x25519) {
			if (decode_key(line, "age-secret-key-", id->x25519_priv, 32) != ET_OK) {
				rc = ET_EINVAL;
				goto out;
			}
			id->has_x25519 = true;
		}
	}
	if (id->nage == 0 && !id->has_signing)
		rc = ET_EINVAL;
out:
	if (file) {
		crypto_wipe(file, len);
		free(file);
	}
	if (rc)
		client_identity_free(id);
	return rc;
}

void client_identity_free(struct client_identity *id)
{
	size_t i;

	for (i = 0; i < id->nage; i++)
		crypto_age_identity_free(id->age[i]);
	free(id->age);
	crypto_wipe(id, sizeof *id);
}
