/* tests/audit/json_mini.h — a small strict JSON reader for test vectors
 * (objects, arrays, strings with simple escapes, unsigned integers, true,
 * false, null). Header-only, for the audit tests; not for production input. */
#ifndef ET_TEST_JSON_MINI_H
#define ET_TEST_JSON_MINI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum jm_type { JM_NULL, JM_BOOL, JM_NUM, JM_STR, JM_ARR, JM_OBJ };

struct jm {
	enum jm_type t;
	bool b;
	uint64_t num;
	char *s; /* JM_STR: NUL-terminated */
	size_t slen;
	struct jm *v; /* JM_ARR, JM_OBJ: items */
	char **keys;  /* JM_OBJ */
	size_t n;
};

struct jm_in {
	const char *p, *end;
	int depth;
};

static void jm_ws(struct jm_in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\n' || *in->p == '\r' || *in->p == '\t'))
		in->p++;
}

static int jm_value(struct jm_in *in, struct jm *out);

static int jm_string(struct jm_in *in, char **s, size_t *len)
{
	size_t cap = 16, n = 0;
	char *b;

	if (in->p >= in->end || *in->p != '"')
		return -1;
	in->p++;
	b = malloc(cap);
	if (!b)
		return -1;
	for (;;) {
		char c;
		if (in->p >= in->end)
			goto bad;
		c = *in->p++;
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			goto bad;
		if (c == '\\') {
			if (in->p >= in->end)
				goto bad;
			c = *in->p++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			default: goto bad; /* \u not needed by our vectors */
			}
		}
		if (n + 2 > cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb)
				goto bad;
			b = nb;
			cap *= 2;
		}
		b[n++] = c;
	}
	b[n] = 0;
	*s = b;
	*len = n;
	return 0;
bad:
	free(b);
	return -1;
}

static void jm_free(struct jm *j)
{
	size_t i;

	if (!j)
		return;
	free(j->s);
	for (i = 0; i < j->n; i++) {
		jm_free(&j->v[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->v);
	free(j->keys);
	memset(j, 0, sizeof *j);
}

static int jm_push(struct jm *out, size_t *cap)
{
	if (out->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct jm *nv = realloc(out->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		out->v = nv;
		if (out->t == JM_OBJ) {
			char **nk = realloc(out->keys, nc * sizeof *nk);
			if (!nk)
				return -1;
			out->keys = nk;
		}
		*cap = nc;
	}
	memset(&out->v[out->n], 0, sizeof out->v[0]);
	return 0;
}

static int jm_value(struct jm_in *in, struct jm *out)
{
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	if (++in->depth > 32)
		return -1;
	jm_ws(in);
	if (in->p >= in->end)
		return -1;
	if (*in->p == '"') {
		out->t = JM_STR;
		if (jm_string(in, &out->s, &out->slen))
			return -1;
	} else if (*in->p == '[' || *in->p == '{') {
		bool obj = *in->p == '{';
		out->t = obj ? JM_OBJ : JM_ARR;
		in->p++;
		jm_ws(in);
		if (in->p < in->end && *in->p == (obj ? '}' : ']')) {
			in->p++;
			goto done;
		}
		for (;;) {
			char *key = NULL;
			size_t klen;
			if (jm_push(out, &cap))
				return -1;
			if (obj) {
				jm_ws(in);
				if (jm_string(in, &key, &klen))
					return -1;
				out->keys[out->n] = key;
				jm_ws(in);
				if (in->p >= in->end || *in->p != ':') {
					out->n++;
					return -1;
				}
				in->p++;
			}
			if (jm_value(in, &out->v[out->n])) {
				out->n++;
				return -1;
			}
			out->n++;
			jm_ws(in);
			if (in->p >= in->end)
				return -1;
			if (*in->p == ',') {
				in->p++;
				continue;
			}
			if (*in->p == (obj ? '}' : ']')) {
				in->p++;
				break;
			}
			return -1;
		}
	} else if (*in->p >= '0' && *in->p <= '9') {
		out->t = JM_NUM;
		if (*in->p == '0' && in->p + 1 < in->end && in->p[1] >= '0' && in->p[1] <= '9')
			return -1;
		while (in->p < in->end && *in->p >= '0' && *in->p <= '9') {
			unsigned d = (unsigned)(*in->p++ - '0');
			if (out->num > (UINT64_MAX - d) / 10)
				return -1;
			out->num = out->num * 10 + d;
		}
	} else if ((size_t)(in->end - in->p) >= 4 && !memcmp(in->p, "true", 4)) {
		out->t = JM_BOOL;
		out->b = true;
		in->p += 4;
	} else if ((size_t)(in->end - in->p) >= 5 && !memcmp(in->p, "false", 5)) {
		out->t = JM_BOOL;
		in->p += 5;
	} else if ((size_t)(in->end - in->p) >= 4 && !memcmp(in->p, "null", 4)) {
		out->t = JM_NULL;
		in->p += 4;
	} else {
		return -1;
	}
done:
	in->depth--;
	return 0;
}

/* Parse a whole document; 0 on success (free with jm_free either way). */
static int jm_parse(const char *text, size_t len, struct jm *out)
{
	struct jm_in in = { text, text + len, 0 };

	if (jm_value(&in, out))
		return -1;
	jm_ws(&in);
	return in.p == in.end ? 0 : -1;
}

/* Member of an object, or NULL. */
static const struct jm *jm_get(const struct jm *o, const char *key)
{
	size_t i;

	if (!o || o->t != JM_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return &o->v[i];
	return NULL;
}

#endif
