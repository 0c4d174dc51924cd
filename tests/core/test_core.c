/* tests/core/test_core.c — result codes, bounded buffers, hex/base64, integer
 * parsing, the injectable clock and atomic file writes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

START_TEST(strerror_every_code)
{
	int i;

	for (i = 0; i < ET_RESULT_COUNT; i++) {
		ck_assert_ptr_nonnull(et_strerror(i));
		ck_assert_str_ne(et_strerror(i), "unknown error");
		ck_assert_ptr_nonnull(strstr(et_strerror_both(i), et_strerror(i)));
		ck_assert_ptr_nonnull(strstr(et_strerror_both(i), et_strerror_zh(i)));
	}
	ck_assert_str_eq(et_strerror(-1), "unknown error");
	ck_assert_str_eq(et_strerror(ET_RESULT_COUNT), "unknown error");
}
END_TEST

START_TEST(buf_caps)
{
	struct et_buf b;
	size_t n;
	unsigned char *p;

	et_buf_init(&b, 10);
	ck_assert_int_eq(et_buf_addstr(&b, "hello"), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&b, "world"), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&b, "!"), ET_ELIMIT);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq((char *)b.data, "helloworld");
	et_buf_reset(&b);
	ck_assert_int_eq(et_buf_printf(&b, "%d-%s", 42, "x"), ET_OK);
	ck_assert_str_eq((char *)b.data, "42-x");
	ck_assert_int_eq(et_buf_printf(&b, "%s", "0123456789"), ET_ELIMIT);
	ck_assert_str_eq((char *)b.data, "42-x");
	p = et_buf_steal(&b, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_null(b.data);
	free(p);
	et_buf_free(&b);
}
END_TEST

START_TEST(hex_b64)
{
	unsigned char in[5] = { 0, 1, 0xab, 0xff, 0x10 }, out[8];
	char hex[11], b64[16];
	size_t n;

	et_hex_encode(in, 5, hex);
	ck_assert_str_eq(hex, "0001abff10");
	ck_assert_int_eq(et_hex_decode("0001ABff10", out, 5), ET_OK);
	ck_assert_mem_eq(in, out, 5);
	ck_assert_int_eq(et_hex_decode("0001abff1", out, 5), ET_EINVAL);
	ck_assert_int_eq(et_hex_decode("0001abff1g", out, 5), ET_EINVAL);

	et_b64_encode((const unsigned char *)"foob", 4, b64);
	ck_assert_str_eq(b64, "Zm9vYg==");
	ck_assert_int_eq(et_b64_decode("Zm9vYg==", 8, out, sizeof out, &n), ET_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(out, "foob", 4);
	/* non-canonical trailing bits */
	ck_assert_int_eq(et_b64_decode("Zm9vYh==", 8, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(et_b64_decode("Zm9vY", 5, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(et_b64_decode("Zm9v!g==", 8, out, sizeof out, &n), ET_EINVAL);
	ck_assert_int_eq(et_b64_decode("Zm9vYmFyYmF6", 12, out, 8, &n), ET_ELIMIT);
}
END_TEST

START_TEST(parse_u64)
{
	uint64_t v;

	ck_assert_int_eq(et_parse_u64("0", 1, &v), ET_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(et_parse_u64("18446744073709551615", 20, &v), ET_OK);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(et_parse_u64("18446744073709551616", 20, &v), ET_EINVAL);
	ck_assert_int_eq(et_parse_u64("01", 2, &v), ET_EINVAL);
	ck_assert_int_eq(et_parse_u64("+1", 2, &v), ET_EINVAL);
	ck_assert_int_eq(et_parse_u64("", 0, &v), ET_EINVAL);
	ck_assert_int_eq(et_parse_u64("12a", 3, &v), ET_EINVAL);
}
END_TEST

START_TEST(clock_injectable)
{
	char s[32];

#ifdef ET_TEST_HOOKS
	et_clock_set_test(1764315125123456);
	ck_assert_int_eq(et_clock_now_us(), 1764315125123456);
	et_clock_advance_test(1000000);
	ck_assert_int_eq(et_clock_now_us(), 1764315126123456);
	et_clock_format_utc(et_clock_now_us(), s);
	ck_assert_str_eq(s, "2025-11-28T07:32:06.123456Z");
	et_clock_set_test(0);
#endif
	ck_assert_int_gt(et_clock_now_us(), 1700000000000000);
	et_clock_format_utc(0, s);
	ck_assert_str_eq(s, "1970-01-01T00:00:00.000000Z");
}
END_TEST

START_TEST(atomic_file)
{
	char dir[] = "/tmp/etcoreXXXXXX", path[64];
	unsigned char *d;
	size_t n;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f", dir);
	ck_assert_int_eq(et_write_file_atomic(path, "abc", 3, 0644), ET_OK);
	ck_assert_int_eq(et_write_file_atomic(path, "defg", 4, 0644), ET_OK);
	ck_assert_int_eq(et_read_file(path, 100, &d, &n), ET_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(d, "defg", 4);
	free(d);
	ck_assert_int_eq(et_read_file(path, 3, &d, &n), ET_ELIMIT);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	unlink(path);
	ck_assert_int_eq(et_read_file(path, 100, &d, &n), ET_ENOTFOUND);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, strerror_every_code);
	tcase_add_test(tc, buf_caps);
	tcase_add_test(tc, hex_b64);
	tcase_add_test(tc, parse_u64);
	tcase_add_test(tc, clock_injectable);
	tcase_add_test(tc, atomic_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
