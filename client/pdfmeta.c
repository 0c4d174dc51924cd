/* client/pdfmeta.c — the author and the creating software of a PDF, read
 * from its document information dictionary before sealing, for the upload's
 * document metadata (docs/formats.md "Upload metadata"; the evaluation's
 * same_metadata collusion signal). A small bounded scanner, no PDF library:
 * it looks at the first and the last CLIENT_PDF_WINDOW bytes of the file
 * for the keys /Author, /Producer and /Creator followed by a literal
 * "(…)" or hex "<…>" string, and keeps the last occurrence of each (an
 * incremental update appends the newer Info dictionary). Strings in UTF-16BE
 * (with the FE FF mark) become UTF-8; other bytes are PDFDocEncoding, taken
 * as Latin-1 outside ASCII. Not read: an Info dictionary inside a compressed
 * object stream, XMP metadata, encrypted PDFs. The value is a claim of the
 * file (anyone can edit it): the signal built on it is a flag for the panel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/client.h"

#define CLIENT_PDF_WINDOW (1u << 20)   /* bytes read at each end */
#define RAW_MAX 512                      /* bytes of one decoded string */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode the string at p (after the key and blanks) into raw; its length,
 * or -1 if there is none. */
static long pdf_string(const unsigned char *p, const unsigned char *end, unsigned char *raw)
{
	long n = 0;

	while (p < end && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t'))
		p++;
	if (p >= end)
		return -1;
	if (*p == '(') {
		int depth = 1;
		for (p++; p < end && n < RAW_MAX; p++) {
			unsigned char c = *p;
			if (c == '\\' && p + 1 < end) {
				c = *++p;
				if (c >= '0' && c <= '7') {
					int v = c - '0';
					for (int k = 0; k < 2 && p + 1 < end && p[1] >= '0' && p[1] <= '7'; k++)
						v = v * 8 + (*++p - '0');
					c = (unsigned char)v;
				} else if (c == 'n') {
					c = '\n';
				} else if (c == 'r') {
					c = '\r';
				} else if (c == 't') {
					c = '\t';
				} else if (c == 'b' || c == 'f') {
					c = ' ';
				} else if (c == '\r' || c == '\n') {
					continue;         /* a line continuation */
				}
				raw[n++] = c;
				continue;
			}
			if (c == '(')
				depth++;
			else if (c == ')' && --depth == 0)
				return n;
			raw[n++] = c;
		}
		return p < end ? n : -1;
	}
	if (*p == '<' && p + 1 < end && p[1] != '<') {
		int hi = -1;
		for (p++; p < end && *p != '>' && n < RAW_MAX; p++) {
			int v = hexval(*p);
			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
			} else {
				raw[n++] = (unsigned char)(hi * 16 + v);
				hi = -1;
			}
		}
		if (hi >= 0 && n < RAW_MAX)
			raw[n++] = (unsigned char)(hi * 16);
		return n;
	}
	return -1;
}

static size_t put_utf8(char *out, size_t at, size_t cap, unsigned cp)
{
	char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	if (at + k >= cap)
		return at;            /* cut at a character boundary */
	memcpy(out + at, b, k);
	return at + k;
}

/* raw (n bytes) as UTF-8 text without control characters, trimmed. */
static void to_text(const unsigned char *raw, long n, char *out, size_t cap)
{
	size_t at = 0;

	if (n >= 2 && raw[0] == 0xFE && raw[1] == 0xFF) {
		for (long i = 2; i + 1 < n; i += 2) {
			unsigned cp = (unsigned)raw[i] << 8 | raw[i + 1];
			if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < n) {
				unsigned lo = (unsigned)raw[i + 2] << 8 | raw[i + 3];
				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 2;
				} else {
					cp = 0xFFFD;
				}
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			at = put_utf8(out, at, cap, cp < 0x20 ? ' ' : cp);
		}
	} else {
		for (long i = 0; i < n; i++)
			at = put_utf8(out, at, cap, raw[i] < 0x20 || raw[i] == 0x7F ? ' ' : raw[i]);
	}
	out[at] = 0;
	while (at > 0 && out[at - 1] == ' ')
		out[--at] = 0;
	if (out[0] == ' ') {
		size_t k = strspn(out, " ");
		memmove(out, out + k, at - k + 1);
	}
}

/* The last value of /key in buf (out unchanged if none). */
static void scan_key(const unsigned char *buf, size_t len, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	unsigned char *raw = malloc(RAW_MAX);

	if (!raw)
		return;
	for (size_t i = 0; i + kl < len; i++) {
		const unsigned char *p = buf + i;
		long n;
		if (p[0] != '/' || memcmp(p + 1, key, kl))
			continue;
		/* the key ends there: a delimiter follows */
		if (i + 1 + kl < len) {
			unsigned char c = p[1 + kl];
			if (!(c == ' ' || c == '(' || c == '<' || c == '\r' || c == '\n' || c == '\t'))
				continue;
		}
		if ((n = pdf_string(p + 1 + kl, buf + len, raw)) >= 0)
			to_text(raw, n, out, cap);
	}
	free(raw);
}

int client_pdf_info_buf(const unsigned char *buf, size_t len, char *author, char *software, size_t cap)
{
	char producer[CLIENT_PDF_META_MAX + 1] = "", creator[CLIENT_PDF_META_MAX + 1] = "";

	if (!buf || !author || !software || cap == 0)
		return ET_EINVAL;
	author[0] = software[0] = 0;
	if (len < 5 || memcmp(buf, "%PDF-", 5))
		return ET_ENOTFOUND;
	scan_key(buf, len, "Author", author, cap);
	scan_key(buf, len, "Creator", creator, sizeof creator);
	scan_key(buf, len, "Producer", producer, sizeof producer);
	/* the creating application; else the one that wrote the PDF */
	snprintf(software, cap, "%s", creator[0] ? creator : producer);
	return ET_OK;
}

int client_pdf_info(const char *path, char *author, char *software, size_t cap)
{
	FILE *f;
	struct stat st;
	unsigned char *buf;
	size_t n, head;
	int rc;

	if (!author || !software || cap == 0)
		return ET_EINVAL;
	author[0] = software[0] = 0;
	if (!path || !(f = fopen(path, "rb")))
		return ET_EIO;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return ET_EIO;
	}
	if (!(buf = malloc(2 * (size_t)CLIENT_PDF_WINDOW))) {
		fclose(f);
		return ET_ENOMEM;
	}
	head = fread(buf, 1, CLIENT_PDF_WINDOW, f);
	n = head;
	if ((uint64_t)st.st_size > 2 * (uint64_t)CLIENT_PDF_WINDOW) {
		/* the tail, where the trailer and an appended Info dictionary are */
		if (!fseeko(f, st.st_size - (off_t)CLIENT_PDF_WINDOW, SEEK_SET))
			n += fread(buf + head, 1, CLIENT_PDF_WINDOW, f);
	} else {
		n += fread(buf + head, 1, CLIENT_PDF_WINDOW, f);
	}
	fclose(f);
	rc = client_pdf_info_buf(buf, n, author, software, cap);
	free(buf);
	return rc;
}
