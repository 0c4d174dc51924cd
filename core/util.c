/* core/util.c — hex, base64, strict integer parsing and careful file I/O
 * (atomic replace with fsync). Shared by every module. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

void et_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int et_hex_decode(const char *hex, unsigned char *out, size_t n)
{
	size_t i;

	if (strlen(hex) != 2 * n)
		return ET_EINVAL;
	for (i = 0; i < n; i++) {
		int hi = hexval((unsigned char)hex[2 * i]), lo = hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return ET_EINVAL;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return ET_OK;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t et_b64_encoded_len(size_t n)
{
	return 4 * ((n + 2) / 3);
}

void et_b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = 0;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int et_b64_decode(const char *in, size_t inlen, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t i, o = 0, pad = 0;

	if (inlen % 4)
		return ET_EINVAL;
	if (inlen >= 1 && in[inlen - 1] == '=')
		pad++;
	if (inlen >= 2 && in[inlen - 2] == '=')
		pad++;
	if (inlen / 4 * 3 - pad > cap)
		return ET_ELIMIT;
	for (i = 0; i < inlen; i += 4) {
		int v[4], k;
		size_t nv = (i + 4 == inlen) ? 4 - pad : 4;
		uint32_t w = 0;

		for (k = 0; k < 4; k++) {
			if ((size_t)k < nv) {
				v[k] = b64val((unsigned char)in[i + k]);
				if (v[k] < 0)
					return ET_EINVAL;
			} else {
				v[k] = 0;
			}
			w = w << 6 | (uint32_t)v[k];
		}
		out[o++] = (unsigned char)(w >> 16);
		if (nv > 2)
			out[o++] = (unsigned char)(w >> 8);
		if (nv > 3)
			out[o++] = (unsigned char)w;
		/* canonical: the bits dropped by padding must be zero */
		if (nv == 2 && (w & 0xffff))
			return ET_EINVAL;
		if (nv == 3 && (w & 0xff))
			return ET_EINVAL;
	}
	*outlen = o;
	return ET_OK;
}

int et_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return ET_EINVAL;
	for (i = 0; i < n; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return ET_EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return ET_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return ET_OK;
}

int et_write_all(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return et_fail(ET_EIO);
		}
		p += w;
		n -= (size_t)w;
	}
	return ET_OK;
}

int et_write_file_atomic(const char *path, const void *buf, size_t n, unsigned mode)
{
	char tmp[4096], dir[4096];
	int fd = -1, dfd = -1, rc = ET_OK;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp ||
	    snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
		return ET_ELIMIT;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return et_fail(ET_EIO);
	rc = et_write_all(fd, buf, n);
	if (rc)
		goto out;
	if (fsync(fd) != 0) {
		rc = et_fail(ET_EIO);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = et_fail(ET_EIO);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = et_fail(ET_EIO);
		goto out;
	}
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	return rc;
}

int et_read_file(const char *path, size_t max, unsigned char **out, size_t *len)
{
	struct et_buf b;
	unsigned char chunk[65536];
	int fd, rc = ET_OK;

	et_buf_init(&b, max);
	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ET_ENOTFOUND : et_fail(ET_EIO);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = et_fail(ET_EIO);
			break;
		}
		if (r == 0)
			break;
		rc = et_buf_add(&b, chunk, (size_t)r);
		if (rc)
			break;
	}
	close(fd);
	et_wipe(chunk, sizeof chunk);
	if (rc) {
		et_buf_free(&b);
		return rc;
	}
	*out = et_buf_steal(&b, len);
	return *out ? ET_OK : et_fail(ET_ENOMEM);
}
