/* stats/stats_int.h — internals shared by the files of stats/: exact
 * fractions over OpenSSL BIGNUMs (denominator > 0, always reduced). */
#ifndef ET_STATS_INT_H
#define ET_STATS_INT_H

#include <openssl/bn.h>

#include "stats/stats.h"

struct st_frac {
	BIGNUM *n;
	BIGNUM *d;
};

/* 0/1. ET_ENOMEM; st_frac_free frees (also a half-made one). */
int st_frac_init(struct st_frac *f) ET_MUST_CHECK;
void st_frac_free(struct st_frac *f);
/* f = num / den (den != 0), reduced. */
int st_frac_set(struct st_frac *f, int64_t num, int64_t den) ET_MUST_CHECK;
/* r = a op b (r may alias a or b); div: ET_EINVAL if b is 0. */
int st_frac_add(struct st_frac *r, const struct st_frac *a, const struct st_frac *b) ET_MUST_CHECK;
int st_frac_sub(struct st_frac *r, const struct st_frac *a, const struct st_frac *b) ET_MUST_CHECK;
int st_frac_mul(struct st_frac *r, const struct st_frac *a, const struct st_frac *b) ET_MUST_CHECK;
int st_frac_div(struct st_frac *r, const struct st_frac *a, const struct st_frac *b) ET_MUST_CHECK;
/* Round half away from zero to int64 (ET_ELIMIT if it does not fit). */
int st_frac_round(const struct st_frac *f, int64_t *out) ET_MUST_CHECK;
/* Round half away from zero to a multiple of 1/10^places, written as a
 * plain decimal with exactly places fraction digits ("12.07"). */
int st_frac_fixed(const struct st_frac *f, int places, char *out, size_t cap) ET_MUST_CHECK;
/* A JSON string (quotes, escapes of '"', '\\' and control characters;
 * UTF-8 passed through), appended to b. */
int st_json_str(struct et_buf *b, const char *s) ET_MUST_CHECK;
/* Fill v (not null) from f. */
int st_frac_value(const struct st_frac *f, struct stats_value *v) ET_MUST_CHECK;

#endif
