/* tests/audit/test_note.c — C2SP signed notes, verifier keys, checkpoints
 * and cosignature/v1 against tests/vectors/signed-note/note-vectors.json
 * and tests/vectors/tlog-cosignature/self-generated-ed25519-cosig.json,
 * plus malformed input and every way a signature must fail. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "crypto/crypto.h"
#include "json_mini.h"

static struct jm note_vec, cosig_vec;

static void load_json(const char *rel, struct jm *out)
{
	const char *v = getenv("ET_VECTORS");
	char path[4096];
	unsigned char *text = NULL;
	size_t len;

	ck_assert_msg(v != NULL, "ET_VECTORS not set");
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/%s", v, rel), (int)sizeof path);
	ck_assert_int_eq(et_read_file(path, 1u << 20, &text, &len), ET_OK);
	ck_assert_msg(jm_parse((const char *)text, len, out) == 0, "bad JSON %s", path);
	free(text);
}

static void setup(void)
{
	load_json("signed-note/note-vectors.json", &note_vec);
	load_json("tlog-cosignature/self-generated-ed25519-cosig.json", &cosig_vec);
}

static void teardown(void)
{
	jm_free(&note_vec);
	jm_free(&cosig_vec);
}

static const char *str(const struct jm *o, const char *key)
{
	const struct jm *j = jm_get(o, key);

	ck_assert_msg(j && j->t == JM_STR, "missing %s", key);
	return j->s;
}

static char *cat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *r = malloc(la + lb + lc + 1);

	ck_assert_ptr_nonnull(r);
	memcpy(r, a, la);
	memcpy(r + la, b, lb);
	memcpy(r + la + lb, c, lc + 1);
	return r;
}

/* Name of a signature line "— name b64". */
static void line_name(const char *line, char *name, size_t cap)
{
	const char *s = line + 4, *sp = strchr(s, ' ');

	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_lt((size_t)(sp - s), cap);
	memcpy(name, s, (size_t)(sp - s));
	name[sp - s] = 0;
}

/* ---- signed-note vectors ---------------------------------------------- */

START_TEST(note_vectors)
{
	const struct jm *vs = jm_get(&note_vec, "vectors");
	size_t i;

	ck_assert(vs && vs->t == JM_ARR && vs->n == 3);
	for (i = 0; i < vs->n; i++) {
		const struct jm *v = &vs->v[i];
		const char *vkey = str(v, "vkey"), *text = str(v, "text"), *sl = str(v, "signature_line");
		char *name = NULL, *note, *out = NULL, *got = NULL, *vk2 = NULL, lname[256];
		unsigned char pub[32], pub2[32], seed[32];
		uint32_t h;

		ck_assert_int_eq(audit_note_vkey_parse(vkey, &name, pub, &h), ET_OK);
		line_name(sl, lname, sizeof lname);
		ck_assert_str_eq(name, lname);
		ck_assert_uint_eq(h, audit_note_key_hash(name, 0x01, pub));
		ck_assert_int_eq(audit_note_vkey_format(name, pub, &vk2), ET_OK);
		ck_assert_str_eq(vk2, vkey);
		free(vk2);
		/* the note as published verifies and gives the text back */
		note = cat3(text, "\n", sl);
		{
			char *n2 = cat3(note, "\n", "");
			free(note);
			note = n2;
		}
		ck_assert_int_eq(audit_note_verify(note, strlen(note), name, pub, &got), ET_OK);
		ck_assert_str_eq(got, text);
		free(got);
		if (jm_get(v, "ed25519_seed_hex")) {
			/* Ed25519 is deterministic: signing reproduces the line */
			ck_assert_int_eq(et_hex_decode(str(v, "ed25519_seed_hex"), seed, 32), ET_OK);
			ck_assert_int_eq(crypto_ed25519_public(seed, pub2), ET_OK);
			ck_assert_mem_eq(pub, pub2, 32);
			ck_assert_int_eq(audit_note_sign(text, name, seed, &out), ET_OK);
			ck_assert_str_eq(out, note);
			free(out);
		}
		/* a wrong key, an altered text, an altered signature */
		pub2[0] = 0;
		memcpy(pub2, pub, 32);
		pub2[5] ^= 1;
		ck_assert_int_eq(audit_note_verify(note, strlen(note), name, pub2, NULL), ET_EVERIFY);
		ck_assert_int_eq(audit_note_verify(note, strlen(note), "someone-else", pub, NULL),
				 ET_EVERIFY);
		note[3] ^= 0x20; /* change a letter's case */
		ck_assert_int_eq(audit_note_verify(note, strlen(note), name, pub, NULL), ET_EVERIFY);
		note[3] ^= 0x20;
		{
			char *b = strrchr(note, ' ') + 10;
			*b = *b == 'A' ? 'B' : 'A';
			ck_assert_int_ne(audit_note_verify(note, strlen(note), name, pub, NULL), ET_OK);
		}
		free(note);
		free(name);
	}
}
END_TEST

START_TEST(bad_vkeys)
{
	const struct jm *bad = jm_get(&note_vec, "bad_vkeys_from_note_test");
	static const char *const more[] = {
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX", /* hash mismatch */
		"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* uppercase */
		"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3",
		"PeterNeumann+c74f20a3+",
		"PeterNeumann",
		"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n",
		"",
	};
	char *name = (char *)1, vk[256];
	unsigned char pub[32];
	size_t i;

	ck_assert(bad && bad->t == JM_ARR && bad->n == 2);
	for (i = 0; i < bad->n; i++) {
		const char *s = bad->v[i].s, *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : strlen(s);
		ck_assert_uint_lt(n, sizeof vk);
		memcpy(vk, s, n);
		vk[n] = 0;
		ck_assert_int_eq(audit_note_vkey_parse(vk, &name, pub, NULL), ET_EINVAL);
		ck_assert_ptr_null(name);
	}
	for (i = 0; i < sizeof more / sizeof more[0]; i++)
		ck_assert_msg(audit_note_vkey_parse(more[i], &name, pub, NULL) == ET_EINVAL, "%s", more[i]);
	/* the witness key is type 0x04: not a note key, but a cosig key */
	ck_assert_int_eq(audit_note_vkey_parse(str(&cosig_vec, "witness_vkey"), &name, pub, NULL),
			 ET_EINVAL);
	ck_assert_int_eq(audit_cosig_vkey_parse(str(&cosig_vec, "log_vkey"), &name, pub, NULL),
			 ET_EINVAL);
	/* names with '+' or spaces cannot be formatted */
	memset(pub, 7, 32);
	{
		char *o = NULL;
		ck_assert_int_eq(audit_note_vkey_format("a+b", pub, &o), ET_EINVAL);
		ck_assert_int_eq(audit_note_vkey_format("a b", pub, &o), ET_EINVAL);
		ck_assert_int_eq(audit_note_vkey_format("a\xc2\xa0" "b", pub, &o), ET_EINVAL);
		ck_assert_int_eq(audit_note_vkey_format("", pub, &o), ET_EINVAL);
		ck_assert_ptr_null(o);
	}
}
END_TEST

/* ---- note structure ---------------------------------------------------- */

static const unsigned char seed_a[32] = { 1 }, seed_b[32] = { 2 }, seed_w[32] = { 3 };

START_TEST(note_structure)
{
	unsigned char pa[32], pb[32];
	char *n1 = NULL, *n2 = NULL, *n3 = NULL, *t = NULL;
	struct et_buf b;
	unsigned i;

	ck_assert_int_eq(crypto_ed25519_public(seed_a, pa), ET_OK);
	ck_assert_int_eq(crypto_ed25519_public(seed_b, pb), ET_OK);
	/* text may contain blank lines; the last blank line separates */
	ck_assert_int_eq(audit_note_sign("one\n\ntwo\n", "a.example/k", seed_a, &n1), ET_OK);
	ck_assert_int_eq(audit_note_verify(n1, strlen(n1), "a.example/k", pa, &t), ET_OK);
	ck_assert_str_eq(t, "one\n\ntwo\n");
	free(t);
	/* second signer; both verify; the same key again is refused */
	ck_assert_int_eq(audit_note_add_signature(n1, "b.example/k", seed_b, &n2), ET_OK);
	ck_assert_int_eq(audit_note_verify(n2, strlen(n2), "a.example/k", pa, NULL), ET_OK);
	ck_assert_int_eq(audit_note_verify(n2, strlen(n2), "b.example/k", pb, NULL), ET_OK);
	ck_assert_int_eq(audit_note_add_signature(n2, "b.example/k", seed_b, &n3), ET_EEXIST);
	ck_assert_ptr_null(n3);
	/* the same signature line twice: malformed */
	{
		const char *l = strrchr(n2, '\n');
		const char *ls;
		for (ls = l - 1; *ls != '\n'; ls--)
			;
		n3 = cat3(n2, ls + 1, "");
		ck_assert_int_eq(audit_note_verify(n3, strlen(n3), "b.example/k", pb, NULL), ET_EINVAL);
		free(n3);
		n3 = NULL;
	}
	/* texts that cannot be signed */
	ck_assert_int_eq(audit_note_sign("", "a", seed_a, &n3), ET_EINVAL);
	ck_assert_int_eq(audit_note_sign("no newline", "a", seed_a, &n3), ET_EINVAL);
	ck_assert_int_eq(audit_note_sign("tab\there\n", "a", seed_a, &n3), ET_EINVAL);
	ck_assert_int_eq(audit_note_sign("bad \xff utf8\n", "a", seed_a, &n3), ET_EINVAL);
	ck_assert_int_eq(audit_note_sign("overlong \xc0\xaf\n", "a", seed_a, &n3), ET_EINVAL);
	ck_assert_int_eq(audit_note_sign("cr\r\n", "a", seed_a, &n3), ET_EINVAL);
	ck_assert_int_eq(audit_note_sign("ok\n", "a+b", seed_a, &n3), ET_EINVAL);
	ck_assert_ptr_null(n3);
	/* malformed notes */
	{
		static const char *const bad[] = {
			"text\n",                        /* no signatures */
			"text\n\n",                      /* empty signature block */
			"text\n— a AAAAAAA=\n",          /* no blank line */
			"text\n\n— a AAAAAAA=",          /* no final newline */
			"text\n\n- a AAAAAAA=\n",        /* not an em dash */
			"text\n\n—a AAAAAAA=\n",         /* no space after the dash */
			"text\n\n— a AAAA\n",            /* fewer than 5 bytes */
			"text\n\n— a AAAAAAA\n",         /* bad base64 */
			"text\n\n— a+b AAAAAAA=\n",      /* '+' in the name */
			"text\n\n—  AAAAAAA=\n",         /* empty name */
			"text\n\n— a AAAAAAA= \n",       /* trailing space */
			"text\n\n— a AAAAAAA=\n\n",      /* blank line at the end */
			"te\x01xt\n\n— a AAAAAAA=\n",    /* control character */
		};
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
			ck_assert_msg(audit_note_verify(bad[i], strlen(bad[i]), "a", pa, NULL) == ET_EINVAL,
				      "accepted %u", i);
		/* a NUL inside the given length */
		ck_assert_int_eq(audit_note_verify("te\0xt\n\n— a AAAAAAA=\n", 20, "a", pa, NULL),
				 ET_EINVAL);
	}
	/* unknown keys are ignored, but a note needs the asked-for key */
	n3 = cat3(n1, "— other.example AAAAAAA=\n", "— a.example/k AAAAAAA=\n");
	ck_assert_int_eq(audit_note_verify(n3, strlen(n3), "a.example/k", pa, NULL), ET_OK);
	ck_assert_int_eq(audit_note_verify(n3, strlen(n3), "other.example", pa, NULL), ET_EVERIFY);
	free(n3);
	/* at most ET_NOTE_MAX_SIGS signature lines */
	et_buf_init(&b, ET_NOTE_MAX_LEN * 2);
	ck_assert_int_eq(et_buf_addstr(&b, n1), ET_OK);
	for (i = 1; i < ET_NOTE_MAX_SIGS; i++)
		ck_assert_int_eq(et_buf_printf(&b, "— k%u AAAAAAA=\n", i), ET_OK);
	ck_assert_int_eq(audit_note_verify((const char *)b.data, b.len, "a.example/k", pa, NULL), ET_OK);
	ck_assert_int_eq(audit_note_add_signature((const char *)b.data, "b.example/k", seed_b, &n3),
			 ET_ELIMIT);
	ck_assert_int_eq(et_buf_addstr(&b, "— one-too-many AAAAAAA=\n"), ET_OK);
	ck_assert_int_eq(audit_note_verify((const char *)b.data, b.len, "a.example/k", pa, NULL),
			 ET_ELIMIT);
	et_buf_free(&b);
	/* at most ET_NOTE_MAX_LEN bytes */
	{
		size_t n = ET_NOTE_MAX_LEN + 1;
		char *big = malloc(n + 1);
		ck_assert_ptr_nonnull(big);
		memset(big, 'x', n);
		big[n] = 0;
		ck_assert_int_eq(audit_note_verify(big, n, "a", pa, NULL), ET_ELIMIT);
		/* a text of exactly the cap leaves no room for a signature */
		big[n - 1] = '\n';
		ck_assert_int_eq(audit_note_sign(big + 1, "a", seed_a, &n3), ET_ELIMIT);
		ck_assert_ptr_null(n3);
		free(big);
	}
	free(n1);
	free(n2);
}
END_TEST

/* ---- checkpoints -------------------------------------------------------- */

START_TEST(checkpoints)
{
	const char *golden = jm_get(&note_vec, "go_sumdb_tree_note_golden (sumdb/tlog/note_test.go; NOT the C2SP checkpoint origin format)")->s;
	struct audit_checkpoint cp, cp2;
	char *t = NULL;
	unsigned i;
	static const char *const bad[] = {
		"",
		"o\n",
		"o\n1\n",
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",        /* no newline */
		"\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",       /* empty origin */
		"o\n01\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",     /* leading zero */
		"o\n+1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
		"o\n1 \nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
		"o\n18446744073709551616\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ==\n",       /* 31 bytes */
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n",     /* not canonical */
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n",      /* no padding */
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n",   /* empty extension */
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next\n\n",
		"o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next",
	};

	ck_assert_int_eq(audit_checkpoint_parse(golden, strlen(golden), &cp), ET_OK);
	ck_assert_str_eq(cp.origin, "go.sum database tree");
	ck_assert_uint_eq(cp.size, 123456789012ull);
	ck_assert_ptr_null(cp.ext);
	ck_assert_int_eq(audit_checkpoint_format(&cp, &t), ET_OK);
	ck_assert_str_eq(t, golden);
	free(t);
	/* extension lines kept verbatim */
	{
		const char *x = "o.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx1\nx 2\n";
		ck_assert_int_eq(audit_checkpoint_parse(x, strlen(x), &cp), ET_OK);
		ck_assert_uint_eq(cp.size, 0);
		ck_assert_uint_eq(cp.ext_len, 7);
		ck_assert_int_eq(memcmp(cp.ext, "x1\nx 2\n", 7), 0);
		ck_assert_int_eq(audit_checkpoint_format(&cp, &t), ET_OK);
		ck_assert_str_eq(t, x);
		free(t);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(audit_checkpoint_parse(bad[i], strlen(bad[i]), &cp) == ET_EINVAL,
			      "accepted %u", i);
	/* an origin too long for the struct */
	{
		char big[ET_NOTE_MAX_NAME + 80];
		memset(big, 'o', ET_NOTE_MAX_NAME);
		memcpy(big + ET_NOTE_MAX_NAME, "\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 49);
		ck_assert_int_eq(audit_checkpoint_parse(big, ET_NOTE_MAX_NAME + 48, &cp), ET_ELIMIT);
	}
	/* format refuses what parse would refuse */
	memset(&cp2, 0, sizeof cp2);
	ck_assert_int_eq(audit_checkpoint_format(&cp2, &t), ET_EINVAL);
	memcpy(cp2.origin, "a\nb", 4);
	ck_assert_int_eq(audit_checkpoint_format(&cp2, &t), ET_EINVAL);
	memcpy(cp2.origin, "ok", 3);
	cp2.ext = "bad";
	cp2.ext_len = 3;
	ck_assert_int_eq(audit_checkpoint_format(&cp2, &t), ET_EINVAL);
	ck_assert_ptr_null(t);
}
END_TEST

/* ---- cosignatures ------------------------------------------------------- */

START_TEST(cosig_vectors)
{
	const char *body = str(&cosig_vec, "checkpoint_body");
	const char *signed_cp = str(&cosig_vec, "signed_checkpoint");
	const char *msg = str(&cosig_vec, "cosigned_message");
	const struct jm *tsj = jm_get(&cosig_vec, "cosignature_timestamp");
	unsigned char lseed[32], wseed[32], lpub[32], wpub[32], p[32], root8[32];
	char *lname = NULL, *wname = NULL, *note = NULL, *line = NULL, *full = NULL, *vk = NULL;
	struct audit_checkpoint cp;
	uint64_t ts = 0;

	ck_assert(tsj && tsj->t == JM_NUM);
	ck_assert_int_eq(et_hex_decode(str(&cosig_vec, "log_seed_hex"), lseed, 32), ET_OK);
	ck_assert_int_eq(et_hex_decode(str(&cosig_vec, "witness_seed_hex"), wseed, 32), ET_OK);
	ck_assert_int_eq(crypto_ed25519_public(lseed, lpub), ET_OK);
	ck_assert_int_eq(crypto_ed25519_public(wseed, wpub), ET_OK);
	/* keys */
	ck_assert_int_eq(audit_note_vkey_parse(str(&cosig_vec, "log_vkey"), &lname, p, NULL), ET_OK);
	ck_assert_mem_eq(p, lpub, 32);
	ck_assert_int_eq(audit_cosig_vkey_parse(str(&cosig_vec, "witness_vkey"), &wname, p, NULL), ET_OK);
	ck_assert_mem_eq(p, wpub, 32);
	ck_assert_int_eq(audit_cosig_vkey_format(wname, wpub, &vk), ET_OK);
	ck_assert_str_eq(vk, str(&cosig_vec, "witness_vkey"));
	free(vk);
	/* the body is the reference tree's checkpoint at size 8 */
	ck_assert_int_eq(audit_checkpoint_parse(body, strlen(body), &cp), ET_OK);
	ck_assert_str_eq(cp.origin, lname);
	ck_assert_uint_eq(cp.size, 8);
	ck_assert_int_eq(et_hex_decode("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
				       root8, 32), ET_OK);
	ck_assert_mem_eq(cp.root, root8, 32);
	/* the cosigned message, checked with the bare primitive */
	{
		const char *l = strstr(signed_cp, "— witness.example/w1 ") + strlen("— witness.example/w1 ");
		unsigned char raw[80];
		size_t rl;
		ck_assert_int_eq(et_b64_decode(l, strlen(l) - 1, raw, sizeof raw, &rl), ET_OK);
		ck_assert_uint_eq(rl, 76);
		ck_assert_int_eq(crypto_ed25519_verify(wpub, msg, strlen(msg), raw + 12), ET_OK);
	}
	/* deterministic signatures reproduce the vector */
	ck_assert_int_eq(audit_note_sign(body, lname, lseed, &note), ET_OK);
	ck_assert_int_eq(audit_cosig_sign(body, wname, wseed, tsj->num, &line), ET_OK);
	full = cat3(note, line, "");
	ck_assert_str_eq(full, signed_cp);
	free(full);
	ck_assert_int_eq(audit_cosig_add(note, wname, wseed, tsj->num, &full), ET_OK);
	ck_assert_str_eq(full, signed_cp);
	free(full);
	full = NULL;
	ck_assert_int_eq(audit_cosig_add(signed_cp, wname, wseed, tsj->num, &full), ET_EEXIST);
	/* verification */
	ck_assert_int_eq(audit_note_verify(signed_cp, strlen(signed_cp), lname, lpub, NULL), ET_OK);
	ck_assert_int_eq(audit_cosig_verify(signed_cp, strlen(signed_cp), wname, wpub, &ts), ET_OK);
	ck_assert_uint_eq(ts, 1700000000);
	/* the log's signature is not a cosignature and vice versa */
	ck_assert_int_eq(audit_cosig_verify(signed_cp, strlen(signed_cp), lname, lpub, &ts), ET_EVERIFY);
	ck_assert_int_eq(audit_note_verify(signed_cp, strlen(signed_cp), wname, wpub, NULL), ET_EVERIFY);
	/* wrong witness key */
	ck_assert_int_eq(audit_cosig_verify(signed_cp, strlen(signed_cp), wname, lpub, &ts), ET_EVERIFY);
	/* the witness's line alone (the log's dropped) still verifies */
	{
		char *only = cat3(body, "\n", line);
		ck_assert_int_eq(audit_cosig_verify(only, strlen(only), wname, wpub, &ts), ET_OK);
		ck_assert_int_eq(audit_note_verify(only, strlen(only), lname, lpub, NULL), ET_EVERIFY);
		free(only);
	}
	/* altered text: size 9 */
	{
		char *alt = strdup(signed_cp);
		ck_assert_ptr_nonnull(alt);
		alt[strlen(lname) + 1] = '9';
		ck_assert_int_eq(audit_cosig_verify(alt, strlen(alt), wname, wpub, &ts), ET_EVERIFY);
		ck_assert_int_eq(audit_note_verify(alt, strlen(alt), lname, lpub, NULL), ET_EVERIFY);
		free(alt);
	}
	/* altered timestamp: re-encode the line with T+1 */
	{
		const char *l = strstr(signed_cp, "— witness.example/w1 ") + strlen("— witness.example/w1 ");
		unsigned char raw[80];
		char b64[128], *alt;
		size_t rl;
		ck_assert_int_eq(et_b64_decode(l, strlen(l) - 1, raw, sizeof raw, &rl), ET_OK);
		raw[11] ^= 1;
		et_b64_encode(raw, rl, b64);
		alt = malloc(strlen(signed_cp) + 8);
		ck_assert_ptr_nonnull(alt);
		memcpy(alt, signed_cp, (size_t)(l - signed_cp));
		memcpy(alt + (l - signed_cp), b64, strlen(b64));
		memcpy(alt + (l - signed_cp) + strlen(b64), "\n", 2);
		ck_assert_int_eq(audit_cosig_verify(alt, strlen(alt), wname, wpub, &ts), ET_EVERIFY);
		/* a timestamp above 2^63-1 is refused as well */
		raw[11] ^= 1;
		raw[4] |= 0x80;
		et_b64_encode(raw, rl, b64);
		memcpy(alt + (l - signed_cp), b64, strlen(b64));
		ck_assert_int_eq(audit_cosig_verify(alt, strlen(alt), wname, wpub, &ts), ET_EVERIFY);
		free(alt);
	}
	/* cosigning something that is not a checkpoint, or too late a time */
	free(line);
	line = NULL;
	ck_assert_int_eq(audit_cosig_sign("just text\n", wname, wseed, 1, &line), ET_EINVAL);
	ck_assert_int_eq(audit_cosig_sign(body, wname, wseed, (uint64_t)INT64_MAX + 1, &line), ET_EINVAL);
	ck_assert_ptr_null(line);
	ck_assert_int_eq(audit_cosig_sign(body, wname, wseed, (uint64_t)INT64_MAX, &line), ET_OK);
	full = cat3(body, "\n", line);
	ck_assert_int_eq(audit_cosig_verify(full, strlen(full), wname, wpub, &ts), ET_OK);
	ck_assert_uint_eq(ts, (uint64_t)INT64_MAX);
	free(full);
	free(line);
	free(note);
	free(lname);
	free(wname);
}
END_TEST

START_TEST(cosig_roundtrip_own_keys)
{
	unsigned char pa[32], pw[32], root[32];
	struct audit_checkpoint cp;
	char *text = NULL, *note = NULL, *cos = NULL, *vk = NULL, *nm = NULL;
	uint64_t ts = 0;

	ck_assert_int_eq(crypto_ed25519_public(seed_a, pa), ET_OK);
	ck_assert_int_eq(crypto_ed25519_public(seed_w, pw), ET_OK);
	memset(&cp, 0, sizeof cp);
	memcpy(cp.origin, "tender.example/log", 19);
	cp.size = 1234567;
	memset(root, 0x5a, 32);
	memcpy(cp.root, root, 32);
	ck_assert_int_eq(audit_checkpoint_format(&cp, &text), ET_OK);
	ck_assert_int_eq(audit_note_sign(text, cp.origin, seed_a, &note), ET_OK);
	ck_assert_int_eq(audit_cosig_add(note, "witness.example/sup", seed_w, 1764316800, &cos), ET_OK);
	ck_assert_int_eq(audit_cosig_verify(cos, strlen(cos), "witness.example/sup", pw, &ts), ET_OK);
	ck_assert_uint_eq(ts, 1764316800);
	ck_assert_int_eq(audit_note_verify(cos, strlen(cos), cp.origin, pa, NULL), ET_OK);
	ck_assert_int_eq(audit_cosig_vkey_format("witness.example/sup", pw, &vk), ET_OK);
	ck_assert_int_eq(audit_cosig_vkey_parse(vk, &nm, root, NULL), ET_OK);
	ck_assert_str_eq(nm, "witness.example/sup");
	ck_assert_mem_eq(root, pw, 32);
	free(vk);
	free(nm);
	free(text);
	free(note);
	free(cos);
}
END_TEST

static Suite *note_suite(void)
{
	Suite *s = suite_create("audit_note");
	TCase *tc = tcase_create("note");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, note_vectors);
	tcase_add_test(tc, bad_vkeys);
	tcase_add_test(tc, note_structure);
	tcase_add_test(tc, checkpoints);
	tcase_add_test(tc, cosig_vectors);
	tcase_add_test(tc, cosig_roundtrip_own_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(note_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
