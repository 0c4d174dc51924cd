/* tests/crypto/test_bech32.c — bech32 against the BIP 173 valid and invalid
 * checksum vectors, the age key formats (round trips, case rules) and the
 * long strings age needs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

/* BIP 173 "valid checksum" strings (bech32, not bech32m). */
static const char *const valid[] = {
	"A12UEL5L",
	"a12uel5l",
	"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
	"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
	"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
	"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	"?1ezyfcl",
};

/* BIP 173 "invalid checksum" strings, except the 91-character one (overall
 * length): we lift the limit of 90 for age (up to ET_BECH32_MAX_LEN). */
static const char *const invalid[] = {
	"\x20" "1nwldj5",  /* HRP character out of range */
	"\x7f" "1axkwrx",  /* HRP character out of range */
	"\x80" "1eym55h",  /* HRP character out of range */
	"pzry9x0s0muk",    /* no separator */
	"1pzry9x0s0muk",   /* empty HRP */
	"x1b4n0q5v",       /* invalid data character */
	"li1dgmt3",        /* too short checksum */
	"de1lg7wt\xff",    /* invalid character in checksum */
	"A1G7SGD8",        /* checksum calculated with uppercase form of HRP */
	"10a06t8",         /* empty HRP */
	"1qzzfhee",        /* empty HRP */
	"A12UEl5L",        /* mixed case */
	"a12uel5m",        /* checksum */
	"",
};

START_TEST(bip173_valid)
{
	size_t i;

	for (i = 0; i < sizeof valid / sizeof *valid; i++) {
		char *hrp = NULL, *back = NULL, *lower;
		unsigned char *d = NULL;
		size_t len = 0, k;

		ck_assert_msg(crypto_bech32_decode(valid[i], &hrp, &d, &len) == ET_OK, "%s",
			      valid[i]);
		ck_assert_int_eq(crypto_bech32_encode(hrp, d, len, false, &back), ET_OK);
		lower = strdup(valid[i]);
		ck_assert_ptr_nonnull(lower);
		for (k = 0; lower[k]; k++)
			if (lower[k] >= 'A' && lower[k] <= 'Z')
				lower[k] = (char)(lower[k] - 'A' + 'a');
		ck_assert_str_eq(back, lower);
		free(lower);
		free(back);
		free(hrp);
		free(d);
	}
}
END_TEST

START_TEST(bip173_invalid)
{
	size_t i;

	for (i = 0; i < sizeof invalid / sizeof *invalid; i++) {
		char *hrp = NULL;
		unsigned char *d = NULL;
		size_t len = 0;

		ck_assert_msg(crypto_bech32_decode(invalid[i], &hrp, &d, &len) != ET_OK, "#%zu", i);
		ck_assert_ptr_null(hrp);
		ck_assert_ptr_null(d);
	}
}
END_TEST

START_TEST(bip173_long_allowed)
{
	/* BIP 173 rejects it for its length (91) only; age-style long strings pass. */
	const char *s = "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx";
	char *hrp = NULL, *back = NULL, *over = NULL;
	unsigned char *d = NULL, big[2000];
	size_t len = 0;

	ck_assert_int_eq(crypto_bech32_decode(s, &hrp, &d, &len), ET_OK);
	free(hrp);
	free(d);
	memset(big, 0xa5, sizeof big);
	ck_assert_int_eq(crypto_bech32_encode("age1pq", big, sizeof big, false, &back), ET_OK);
	ck_assert_uint_gt(strlen(back), 90);
	ck_assert_int_eq(crypto_bech32_decode(back, &hrp, &d, &len), ET_OK);
	ck_assert_uint_eq(len, sizeof big);
	ck_assert_mem_eq(d, big, sizeof big);
	ck_assert_str_eq(hrp, "age1pq");
	free(hrp);
	free(d);
	free(back);
	/* past the cap */
	over = malloc(ET_BECH32_MAX_LEN + 2);
	ck_assert_ptr_nonnull(over);
	memset(over, 'q', ET_BECH32_MAX_LEN + 1);
	over[0] = 'a';
	over[1] = '1';
	over[ET_BECH32_MAX_LEN + 1] = '\0';
	ck_assert_int_ne(crypto_bech32_decode(over, &hrp, &d, &len), ET_OK);
	free(over);
	ck_assert_int_ne(crypto_bech32_encode("a", big, ET_BECH32_MAX_LEN, false, &back), ET_OK);
}
END_TEST

START_TEST(padding_rules)
{
	/* BIP 173 convertbits(pad = false): at most 4 padding bits, all zero.
	 * Checksums of these strings are valid; only the padding is wrong. */
	static const char *const bad[] = { "a1llttal5m", "a1q3g6mn3", "a1luq25lfhf" };
	unsigned char one = 0xff, *d = NULL;
	char *hrp = NULL, *s = NULL;
	size_t len, i;

	ck_assert_int_eq(crypto_bech32_encode("a", &one, 1, false, &s), ET_OK);
	ck_assert_str_eq(s, "a1lu9cgf6y");
	ck_assert_int_eq(crypto_bech32_decode(s, &hrp, &d, &len), ET_OK);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(d[0], 0xff);
	free(hrp);
	free(d);
	free(s);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_int_eq(crypto_bech32_decode(bad[i], &hrp, &d, &len), ET_EINVAL);
	ck_assert_int_eq(crypto_bech32_encode("a", NULL, 0, true, &s), ET_OK);
	ck_assert_str_eq(s, "A12UEL5L");
	free(s);
}
END_TEST

START_TEST(age_keys)
{
	char *id = NULL, *rcp = NULL, *rcp2 = NULL, *lower;
	struct crypto_age_identity *ident = NULL;
	struct crypto_age_recipient *r = NULL;
	unsigned char priv[32], pub[32], *d = NULL;
	char *hrp = NULL;
	size_t len, k;

	ck_assert_int_eq(crypto_age_x25519_generate(&id, &rcp), ET_OK);
	ck_assert_int_eq(strncmp(id, "AGE-SECRET-KEY-1", 16), 0);
	ck_assert_int_eq(strncmp(rcp, "age1", 4), 0);
	ck_assert_uint_eq(strlen(rcp), 62);
	ck_assert_uint_eq(strlen(id), 74);
	ck_assert_int_eq(crypto_age_identity_parse(id, &ident), ET_OK);
	ck_assert_int_eq(crypto_age_recipient_parse(rcp, &r), ET_OK);
	/* the recipient string is the public key of the identity */
	ck_assert_int_eq(crypto_bech32_decode(id, &hrp, &d, &len), ET_OK);
	ck_assert_str_eq(hrp, "age-secret-key-");
	ck_assert_uint_eq(len, 32);
	memcpy(priv, d, 32);
	crypto_wipe(d, len);
	free(d);
	free(hrp);
	ck_assert_int_eq(crypto_x25519_public(priv, pub), ET_OK);
	ck_assert_int_eq(crypto_age_x25519_recipient_string(pub, &rcp2), ET_OK);
	ck_assert_str_eq(rcp, rcp2);
	/* case rules: identities upper, recipients lower */
	lower = strdup(id);
	for (k = 0; lower[k]; k++)
		if (lower[k] >= 'A' && lower[k] <= 'Z')
			lower[k] = (char)(lower[k] - 'A' + 'a');
	crypto_age_identity_free(ident);
	ident = NULL;
	ck_assert_int_ne(crypto_age_identity_parse(lower, &ident), ET_OK);
	ck_assert_ptr_null(ident);
	free(lower);
	for (k = 0; rcp[k]; k++)
		if (rcp[k] >= 'a' && rcp[k] <= 'z')
			rcp[k] = (char)(rcp[k] - 'a' + 'A');
	crypto_age_recipient_free(r);
	r = NULL;
	ck_assert_int_ne(crypto_age_recipient_parse(rcp, &r), ET_OK);
	/* an identity is not a recipient and vice versa */
	ck_assert_int_ne(crypto_age_recipient_parse(id, &r), ET_OK);
	ck_assert_int_ne(crypto_age_identity_parse(rcp2, &ident), ET_OK);
	/* known pair (CCTV x25519 identity) */
	ck_assert_int_eq(crypto_age_identity_parse(
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0", &ident),
		ET_OK);
	crypto_age_identity_free(ident);
	/* known pair from the age README */
	ck_assert_int_eq(crypto_age_recipient_parse(
		"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", &r), ET_OK);
	crypto_age_recipient_free(r);
	crypto_wipe(priv, sizeof priv);
	crypto_wipe(id, strlen(id));
	free(id);
	free(rcp);
	free(rcp2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("bech32");
	TCase *tc = tcase_create("bech32");

	tcase_add_test(tc, bip173_valid);
	tcase_add_test(tc, bip173_invalid);
	tcase_add_test(tc, bip173_long_allowed);
	tcase_add_test(tc, padding_rules);
	tcase_add_test(tc, age_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
