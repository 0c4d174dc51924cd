/* core/core.h — the project's result codes, bounded buffers, logging and the
 * injectable clock. Every other module includes this; it includes nothing of
 * theirs. */
#ifndef ET_CORE_H
#define ET_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "core/limits.h"

#define ET_MUST_CHECK __attribute__((warn_unused_result))
#define ET_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* One result enum for the whole project. Keep et_strerror() in step. */
enum et_result {
	ET_OK = 0,
	ET_EINVAL,     /* bad argument or malformed input */
	ET_ENOMEM,     /* allocation failed */
	ET_EIO,        /* read, write or fsync failed */
	ET_ECRYPTO,    /* a cryptographic primitive failed (OpenSSL error, RNG) */
	ET_EDB,        /* SQLite failed */
	ET_EDENIED,    /* not allowed for this role or stage */
	ET_ESTATE,     /* not allowed in the current state */
	ET_ENOTFOUND,  /* no such thing */
	ET_EEXIST,     /* already exists */
	ET_ELIMIT,     /* input exceeds a cap of core/limits.h */
	ET_EVERIFY,    /* a signature, proof or hash did not verify */
	ET_ENOMATCH,   /* age: no identity matched a recipient stanza */
	ET_EHEADER,    /* age: malformed header or stanza */
	ET_EHMAC,      /* age: header MAC does not verify */
	ET_EPAYLOAD,   /* age: payload corrupt, truncated or not canonical */
	ET_EARMOR,     /* age: malformed ASCII armor */
	ET_ESEALER,    /* threshold: stanzas malformed or shares do not combine (the sealer's fault) */
	ET_EKEY,       /* a key does not match what was registered / expected */
	ET_ECONFLICT,  /* a concurrent change won; try again */
	ET_ETIMEOUT,   /* deadline or time limit passed */
	ET_RESULT_COUNT
};

/* English and Chinese messages for a result; never NULL. */
const char *et_strerror(int rc);
const char *et_strerror_zh(int rc);
/* "中文 / English" in one line, for errors shown to people. */
const char *et_strerror_both(int rc);

/* Rare errors are made through et_fail(), which records where they arose
 * (thread-local) for diagnostics, and returns rc. */
int et_fail_at(int rc, const char *func, int line);
#define et_fail(rc) et_fail_at((rc), __func__, __LINE__)
/* The place recorded by the last et_fail() on this thread ("func:line"). */
const char *et_last_failure(void);

/* ---- bounded buffers ------------------------------------------------- */

/* A growable byte buffer that never grows past max. The fields are public
 * for reading; change them only through these functions. Always
 * NUL-terminated after data[len] (not counted in len) once allocated. */
struct et_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;
};

/* Start empty with a cap of max bytes. Allocates nothing. */
void et_buf_init(struct et_buf *b, size_t max);
/* Append n bytes; ET_ELIMIT past max (the buffer is unchanged), ET_ENOMEM. */
int et_buf_add(struct et_buf *b, const void *p, size_t n) ET_MUST_CHECK;
int et_buf_addstr(struct et_buf *b, const char *s) ET_MUST_CHECK;
int et_buf_printf(struct et_buf *b, const char *fmt, ...) ET_PRINTF(2, 3) ET_MUST_CHECK;
int et_buf_vprintf(struct et_buf *b, const char *fmt, va_list ap) ET_MUST_CHECK;
/* Empty it, keeping the memory. */
void et_buf_reset(struct et_buf *b);
/* Wipe (OPENSSL_cleanse-equivalent) and free; the buffer is empty after. */
void et_buf_free(struct et_buf *b);
/* Hand the bytes to the caller (who frees them with free()); b is empty after. */
unsigned char *et_buf_steal(struct et_buf *b, size_t *len);

/* Wipe memory in a way the compiler cannot drop. */
void et_wipe(void *p, size_t n);

/* ---- logging --------------------------------------------------------- */

enum et_log_level { ET_LOG_DEBUG, ET_LOG_INFO, ET_LOG_WARN, ET_LOG_ERROR };
/* Diagnostic output to stderr. Never pass a secret, token, key share or
 * plaintext. Level below the threshold (ET_LOG env: debug|info|warn|error,
 * default warn) are dropped. */
void et_log(enum et_log_level lvl, const char *fmt, ...) ET_PRINTF(2, 3);
void et_log_set_level(enum et_log_level lvl);

/* ---- clock ----------------------------------------------------------- */

/* Microseconds since the Unix epoch, UTC. The one source of "now" for the
 * platform: tests replace it with et_clock_set_test(). */
int64_t et_clock_now_us(void);
/* Monotonic microseconds for measuring durations only. */
int64_t et_clock_mono_us(void);
/* Format a UTC time as RFC 3339 "2026-11-28T07:32:05.123456Z"; out >= 32. */
void et_clock_format_utc(int64_t us, char out[32]);

#ifdef ET_TEST_HOOKS
/* Test-only: fix "now" at us (0 restores the system clock), or advance it. */
void et_clock_set_test(int64_t us);
void et_clock_advance_test(int64_t delta_us);
#endif

/* ---- small helpers --------------------------------------------------- */

/* Lowercase hex; out has room for 2n+1. */
void et_hex_encode(const unsigned char *in, size_t n, char *out);
/* Exactly 2n hex digits (either case) into n bytes; ET_EINVAL otherwise. */
int et_hex_decode(const char *hex, unsigned char *out, size_t n) ET_MUST_CHECK;
/* Standard base64 with padding. out has room for 4*((n+2)/3)+1. */
void et_b64_encode(const unsigned char *in, size_t n, char *out);
size_t et_b64_encoded_len(size_t n);
/* Strict standard base64 with padding (canonical: unused bits zero).
 * Writes up to cap bytes; ET_EINVAL on bad input, ET_ELIMIT if too big. */
int et_b64_decode(const char *in, size_t inlen, unsigned char *out, size_t cap,
		  size_t *outlen) ET_MUST_CHECK;
/* Parse a decimal uint64 with no sign, no leading zeros (except "0"), no
 * trailing bytes; ET_EINVAL otherwise. */
int et_parse_u64(const char *s, size_t n, uint64_t *out) ET_MUST_CHECK;

/* Write all of buf to fd (retrying on EINTR / short writes). */
int et_write_all(int fd, const void *buf, size_t n) ET_MUST_CHECK;
/* Write a file atomically: temp file in the same folder, fsync, rename,
 * fsync of the folder. mode e.g. 0644. */
int et_write_file_atomic(const char *path, const void *buf, size_t n, unsigned mode) ET_MUST_CHECK;
/* Read a whole file of at most max bytes; caller frees *out with free(). */
int et_read_file(const char *path, size_t max, unsigned char **out, size_t *len) ET_MUST_CHECK;

#endif
