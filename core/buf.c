/* core/buf.c — bounded growable buffers. A buffer never grows past the max
 * given at init, so input from the network cannot exhaust memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

void et_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
	__asm__ __volatile__("" ::: "memory");
}

void et_buf_init(struct et_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static int grow(struct et_buf *b, size_t need)
{
	size_t ncap;
	unsigned char *nd;

	if (need > b->max)
		return ET_ELIMIT;
	if (need + 1 <= b->cap)
		return ET_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need + 1)
		ncap = ncap > SIZE_MAX / 2 ? need + 1 : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	/* Never realloc: old contents may be secret, so copy and wipe. */
	nd = malloc(ncap);
	if (!nd)
		return et_fail(ET_ENOMEM);
	if (b->data) {
		memcpy(nd, b->data, b->len);
		et_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = nd;
	b->cap = ncap;
	return ET_OK;
}

int et_buf_add(struct et_buf *b, const void *p, size_t n)
{
	int rc;

	if (n > b->max || b->len > b->max - n)
		return ET_ELIMIT;
	rc = grow(b, b->len + n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return ET_OK;
}

int et_buf_addstr(struct et_buf *b, const char *s)
{
	return et_buf_add(b, s, strlen(s));
}

int et_buf_vprintf(struct et_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return et_fail(ET_EINVAL);
	if ((size_t)n > b->max || b->len > b->max - (size_t)n)
		return ET_ELIMIT;
	rc = grow(b, b->len + (size_t)n);
	if (rc)
		return rc;
	if (vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap) != n)
		return et_fail(ET_EINVAL);
	b->len += (size_t)n;
	return ET_OK;
}

int et_buf_printf(struct et_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = et_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void et_buf_reset(struct et_buf *b)
{
	if (b->data) {
		et_wipe(b->data, b->len);
		b->data[0] = 0;
	}
	b->len = 0;
}

void et_buf_free(struct et_buf *b)
{
	if (b->data) {
		et_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

unsigned char *et_buf_steal(struct et_buf *b, size_t *len)
{
	unsigned char *d = b->data;

	if (len)
		*len = b->len;
	if (!d) {
		d = calloc(1, 1);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return d;
}
