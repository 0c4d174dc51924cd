/* tests/crypto/test_prim.c — known answers for the primitives: SHA-256
 * (FIPS 180-2), HKDF (RFC 5869 case 1), Ed25519 (RFC 8032 test 1, 2),
 * X25519 (RFC 7748 §6.1), plus failure cases and key-file modes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto_int.h"

static void unhex(const char *h, unsigned char *out, size_t n)
{
	ck_assert_int_eq(et_hex_decode(h, out, n), ET_OK);
}

START_TEST(sha256_kat)
{
	unsigned char d[32], e[32];
	struct crypto_sha256 *h;

	crypto_sha256("abc", 3, d);
	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", e, 32);
	ck_assert_mem_eq(d, e, 32);
	h = crypto_sha256_new();
	ck_assert_ptr_nonnull(h);
	crypto_sha256_update(h, "a", 1);
	crypto_sha256_update(h, "bc", 2);
	crypto_sha256_final(h, d);
	ck_assert_mem_eq(d, e, 32);
}
END_TEST

START_TEST(hkdf_rfc5869_case1)
{
	unsigned char ikm[22], salt[13], info[10], okm[42], e[42];

	memset(ikm, 0x0b, sizeof ikm);
	unhex("000102030405060708090a0b0c", salt, 13);
	unhex("f0f1f2f3f4f5f6f7f8f9", info, 10);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
	      e, 42);
	ck_assert_int_eq(crypto_hkdf_sha256(ikm, 22, salt, 13, info, 10, okm, 42), ET_OK);
	ck_assert_mem_eq(okm, e, 42);
}
END_TEST

START_TEST(ed25519_rfc8032)
{
	unsigned char seed[32], pub[32], epub[32], sig[64], esig[64], msg[1] = { 0x72 };

	/* test 1: empty message */
	unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", seed, 32);
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", epub, 32);
	unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	      "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", esig, 64);
	ck_assert_int_eq(crypto_ed25519_public(seed, pub), ET_OK);
	ck_assert_mem_eq(pub, epub, 32);
	ck_assert_int_eq(crypto_ed25519_sign(seed, "", 0, sig), ET_OK);
	ck_assert_mem_eq(sig, esig, 64);
	ck_assert_int_eq(crypto_ed25519_verify(pub, "", 0, sig), ET_OK);
	/* test 2: one byte 0x72 */
	unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", seed, 32);
	unhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", epub, 32);
	unhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00", esig, 64);
	ck_assert_int_eq(crypto_ed25519_public(seed, pub), ET_OK);
	ck_assert_mem_eq(pub, epub, 32);
	ck_assert_int_eq(crypto_ed25519_sign(seed, msg, 1, sig), ET_OK);
	ck_assert_mem_eq(sig, esig, 64);
	ck_assert_int_eq(crypto_ed25519_verify(pub, msg, 1, sig), ET_OK);
	/* any change breaks it */
	sig[10] ^= 1;
	ck_assert_int_eq(crypto_ed25519_verify(pub, msg, 1, sig), ET_EVERIFY);
	sig[10] ^= 1;
	msg[0] ^= 1;
	ck_assert_int_eq(crypto_ed25519_verify(pub, msg, 1, sig), ET_EVERIFY);
	msg[0] ^= 1;
	pub[0] ^= 1;
	ck_assert_int_eq(crypto_ed25519_verify(pub, msg, 1, sig), ET_EVERIFY);
}
END_TEST

START_TEST(ed25519_roundtrip)
{
	unsigned char seed[32], pub[32], sig[64];

	ck_assert_int_eq(crypto_ed25519_keygen(seed, pub), ET_OK);
	ck_assert_int_eq(crypto_ed25519_sign(seed, "bid", 3, sig), ET_OK);
	ck_assert_int_eq(crypto_ed25519_verify(pub, "bid", 3, sig), ET_OK);
	ck_assert_int_eq(crypto_ed25519_verify(pub, "bie", 3, sig), ET_EVERIFY);
}
END_TEST

START_TEST(x25519_rfc7748)
{
	unsigned char a[32], b[32], apub[32], bpub[32], e[32], s1[32], s2[32], low[32] = { 0 };

	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	ck_assert_int_eq(crypto_x25519_public(a, apub), ET_OK);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", e, 32);
	ck_assert_mem_eq(apub, e, 32);
	ck_assert_int_eq(crypto_x25519_public(b, bpub), ET_OK);
	ck_assert_int_eq(crypto_x25519(a, bpub, s1), ET_OK);
	ck_assert_int_eq(crypto_x25519(b, apub, s2), ET_OK);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", e, 32);
	ck_assert_mem_eq(s1, e, 32);
	ck_assert_mem_eq(s2, e, 32);
	/* all-zero shared secret from a low-order point is refused */
	ck_assert_int_eq(crypto_x25519(a, low, s1), ET_ECRYPTO);
}
END_TEST

START_TEST(aead_zero_nonce)
{
	unsigned char key[32] = { 1 }, ct[16 + 16], pt[16];

	ck_assert_int_eq(crypto_aead_seal_zero_nonce(key, (const unsigned char *)"0123456789abcdef",
						     16, ct), ET_OK);
	ck_assert_int_eq(crypto_aead_open_zero_nonce(key, ct, 32, pt), ET_OK);
	ck_assert_mem_eq(pt, "0123456789abcdef", 16);
	ct[31] ^= 1;
	ck_assert_int_eq(crypto_aead_open_zero_nonce(key, ct, 32, pt), ET_ECRYPTO);
	ck_assert_int_eq(crypto_aead_open_zero_nonce(key, ct, 15, pt), ET_ECRYPTO);
}
END_TEST

START_TEST(scrypt_rfc7914)
{
	unsigned char out[64], e[64];

	/* RFC 7914 §12, first vector: P = "", S = "", N = 16, r = 1, p = 1 */
	unhex("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
	      "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906", e, 64);
	ck_assert_int_eq(crypto_scrypt("", 0, "", 0, 16, 1, 1, 1u << 20, out, 64), ET_OK);
	ck_assert_mem_eq(out, e, 64);
	/* N not a power of two is refused */
	ck_assert_int_eq(crypto_scrypt("", 0, "", 0, 15, 1, 1, 1u << 20, out, 64), ET_ECRYPTO);
}
END_TEST

START_TEST(hasher_and_signer)
{
	struct crypto_hasher *h = NULL;
	struct crypto_ed25519_signer *s = NULL;
	unsigned char a[32], b[32], seed[32], pub[32], sig1[64], sig2[64];

	ck_assert_int_eq(crypto_hasher_new(&h), ET_OK);
	crypto_hasher_sha256(h, "ab", 2, "c", 1, a);
	crypto_sha256("abc", 3, b);
	ck_assert_mem_eq(a, b, 32);
	crypto_hasher_sha256(h, NULL, 0, NULL, 0, a);
	crypto_sha256("", 0, b);
	ck_assert_mem_eq(a, b, 32);
	crypto_hasher_free(h);

	ck_assert_int_eq(crypto_ed25519_keygen(seed, pub), ET_OK);
	ck_assert_int_eq(crypto_ed25519_signer_new(seed, &s), ET_OK);
	ck_assert_int_eq(crypto_ed25519_signer_sign(s, "note", 4, sig1), ET_OK);
	ck_assert_int_eq(crypto_ed25519_sign(seed, "note", 4, sig2), ET_OK);
	ck_assert_mem_eq(sig1, sig2, 64); /* Ed25519 is deterministic */
	ck_assert_int_eq(crypto_ed25519_signer_sign(s, "note2", 5, sig1), ET_OK);
	ck_assert_int_eq(crypto_ed25519_verify(pub, "note2", 5, sig1), ET_OK);
	crypto_ed25519_signer_free(s);
}
END_TEST

START_TEST(ct_equal)
{
	ck_assert(crypto_ct_equal("abc", "abc", 3));
	ck_assert(!crypto_ct_equal("abc", "abd", 3));
}
END_TEST

START_TEST(secret_file)
{
	char dir[] = "/tmp/etprimXXXXXX", path[64];
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key", dir);
	ck_assert_int_eq(crypto_write_secret_file(path, "s3cret", 6), ET_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* never overwritten */
	ck_assert_int_eq(crypto_write_secret_file(path, "other", 5), ET_EEXIST);
	unlink(path);
	/* never through a symlink */
	ck_assert_int_eq(symlink("/tmp/nonexistent-target-et", path), 0);
	ck_assert_int_ne(crypto_write_secret_file(path, "x", 1), ET_OK);
	unlink(path);
	rmdir(dir);
}
END_TEST

#ifdef ET_TEST_HOOKS
static int fixed_rand(void *ctx, unsigned char *buf, size_t len)
{
	memset(buf, *(int *)ctx, len);
	return 0;
}
#endif

START_TEST(random_hook)
{
	unsigned char a[16], b[16];

	ck_assert_int_eq(crypto_random(a, 16), ET_OK);
	ck_assert_int_eq(crypto_random(b, 16), ET_OK);
	ck_assert(!crypto_ct_equal(a, b, 16));
#ifdef ET_TEST_HOOKS
	{
		int v = 7;
		crypto_random_set_test_source(fixed_rand, &v);
		ck_assert_int_eq(crypto_random(a, 16), ET_OK);
		ck_assert_int_eq(a[0], 7);
		ck_assert_int_eq(a[15], 7);
		crypto_random_set_test_source(NULL, NULL);
	}
#endif
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crypto_prim");
	TCase *tc = tcase_create("prim");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, sha256_kat);
	tcase_add_test(tc, hkdf_rfc5869_case1);
	tcase_add_test(tc, ed25519_rfc8032);
	tcase_add_test(tc, ed25519_roundtrip);
	tcase_add_test(tc, x25519_rfc7748);
	tcase_add_test(tc, aead_zero_nonce);
	tcase_add_test(tc, scrypt_rfc7914);
	tcase_add_test(tc, hasher_and_signer);
	tcase_add_test(tc, ct_equal);
	tcase_add_test(tc, secret_file);
	tcase_add_test(tc, random_hook);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
