/* tests/client/test_pdfmeta.c — client/pdfmeta.c: the author and creating
 * software of a PDF read from its Info dictionary, on hand-made PDFs: a
 * literal string with escapes, UTF-16BE hex strings (Chinese), an
 * incremental update (the last Info wins), Producer when there is no
 * Creator, a file that is not a PDF, and a file over 2 MiB whose Info is in
 * the tail. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"

static void info(const char *pdf, char author[129], char software[129], int want)
{
	ck_assert_int_eq(client_pdf_info_buf((const unsigned char *)pdf, strlen(pdf), author, software,
					     129), want);
}

START_TEST(test_literal)
{
	char a[129], s[129];

	info("%PDF-1.7\n1 0 obj\n<< /Title (x) /Author (Zhang \\(Gong\\) \\101B) "
	     "/Creator (Microsoft\\256 Word 2019) /Producer (pdfTeX) >>\nendobj\n", a, s, ET_OK);
	ck_assert_str_eq(a, "Zhang (Gong) AB");
	ck_assert_str_eq(s, "Microsoft\xc2\xae Word 2019");   /* 0256 = ® in Latin-1 */
}
END_TEST

START_TEST(test_utf16_hex)
{
	char a[129], s[129];

	/* 张工 = U+5F20 U+5DE5; WPS = 0057 0050 0053 */
	info("%PDF-1.4\n<</Author<FEFF5F205DE5>/Producer<FEFF005700500053>>>\n", a, s, ET_OK);
	ck_assert_str_eq(a, "张工");
	ck_assert_str_eq(s, "WPS");
}
END_TEST

START_TEST(test_update_and_absent)
{
	char a[129], s[129];

	info("%PDF-1.5\n1 0 obj <</Author (old)/Creator (A 1)>> endobj\ntrailer\n"
	     "3 0 obj <</Author (new)/Creator (B 2)>> endobj\n%%EOF\n", a, s, ET_OK);
	ck_assert_str_eq(a, "new");
	ck_assert_str_eq(s, "B 2");
	/* keys that only start alike, a dictionary value: not taken */
	info("%PDF-1.5\n<</AuthorX (no)/Author <</A 1>> /Creator(ok)>>\n", a, s, ET_OK);
	ck_assert_str_eq(a, "");
	ck_assert_str_eq(s, "ok");
	info("PK\003\004 not a pdf /Author (x)", a, s, ET_ENOTFOUND);
	ck_assert_str_eq(a, "");
	/* an unterminated string at the end is no value */
	info("%PDF-1.5\n/Author (abc", a, s, ET_OK);
	ck_assert_str_eq(a, "");
}
END_TEST

START_TEST(test_file_tail)
{
	char path[] = "/tmp/pdfmetaXXXXXX", a[129], s[129];
	int fd = mkstemp(path);
	FILE *f;
	static char filler[65536];

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "wb"));
	fputs("%PDF-1.7\n<</Author (head)>>\n", f);
	memset(filler, 'x', sizeof filler);
	for (int i = 0; i < 48; i++)   /* 3 MiB: the Info below is beyond the first MiB */
		ck_assert_uint_eq(fwrite(filler, 1, sizeof filler, f), sizeof filler);
	fputs("\n9 0 obj <</Author (tail)/Producer (LibreOffice 7.6)>> endobj\n%%EOF\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(client_pdf_info(path, a, s, sizeof a), ET_OK);
	ck_assert_str_eq(a, "tail");
	ck_assert_str_eq(s, "LibreOffice 7.6");
	unlink(path);
	ck_assert_int_eq(client_pdf_info(path, a, s, sizeof a), ET_EIO);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("client_pdfmeta");
	TCase *tc = tcase_create("pdfmeta");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_literal);
	tcase_add_test(tc, test_utf16_hex);
	tcase_add_test(tc, test_update_and_absent);
	tcase_add_test(tc, test_file_tail);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
