/* tests/tender/test_tender_xml.c — the hardened XML reader: hostile documents
 * (DOCTYPE, entities, external entities, XInclude, bad encodings, oversized,
 * too deep, too many nodes) are refused with the right error; benign ones
 * parse; schemas compile from memory only; diagnostics stay bounded. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "tender/tender.h"

#define NS "urn:x"

struct hostile {
	const char *name;
	const char *xml;
	size_t len;        /* 0: strlen(xml) */
	int rc;
	const char *msg;   /* substring of the diagnostic */
};

static const struct hostile hostiles[] = {
	{ "internal entity (billion laughs)",
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY a \"aaaaaaaaaa\">\n"
	  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	  "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n<r>&c;</r>",
	  0, ET_EINVAL, "DOCTYPE" },
	{ "external entity file:///etc/passwd",
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	  "<r>&x;</r>", 0, ET_EINVAL, "DOCTYPE" },
	{ "external parameter entity over the network",
	  "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p;]><r/>", 0,
	  ET_EINVAL, "DOCTYPE" },
	{ "external DTD", "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>", 0, ET_EINVAL,
	  "DOCTYPE" },
	{ "public DTD", "<!DOCTYPE r PUBLIC \"-//X//DTD X//EN\" \"http://example.com/x.dtd\"><r/>", 0,
	  ET_EINVAL, "DOCTYPE" },
	{ "bare DOCTYPE", "<!DOCTYPE r><r/>", 0, ET_EINVAL, "DOCTYPE" },
	{ "undefined entity", "<r>&nope;</r>", 0, ET_EINVAL, "entity" },
	{ "XInclude element",
	  "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\" "
	  "parse=\"text\"/></r>", 0, ET_EINVAL, "XInclude" },
	{ "XInclude 2003 namespace",
	  "<r><include xmlns=\"http://www.w3.org/2003/XInclude\" href=\"/etc/passwd\"/></r>", 0,
	  ET_EINVAL, "XInclude" },
	{ "XInclude attribute",
	  "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\" xi:href=\"x\"/>", 0, ET_EINVAL,
	  "XInclude" },
	{ "invalid UTF-8 (GBK bytes)", "<r>\xd5\xd0\xb1\xea</r>", 0, ET_EINVAL, "UTF-8" },
	{ "overlong UTF-8", "<r>\xc0\xaf</r>", 0, ET_EINVAL, "UTF-8" },
	{ "UTF-8 surrogate", "<r>\xed\xa0\x80</r>", 0, ET_EINVAL, "UTF-8" },
	{ "UTF-8 past U+10FFFF", "<r>\xf4\x90\x80\x80</r>", 0, ET_EINVAL, "UTF-8" },
	{ "truncated UTF-8", "<r>\xe4\xb8", 0, ET_EINVAL, "UTF-8" },
	{ "UTF-16 with BOM", "\xff\xfe<\0r\0/\0>\0", 10, ET_EINVAL, "UTF-8" },
	{ "NUL byte", "<r>a\0b</r>", 10, ET_EINVAL, "UTF-8" },
	{ "non-UTF-8 declared encoding", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", 0,
	  ET_EINVAL, "UTF-8" },
	{ "empty", "", 0, ET_EINVAL, "empty" },
	{ "not XML", "hello, world", 0, ET_EINVAL, "malformed" },
	{ "unclosed", "<r><a></r>", 0, ET_EINVAL, "malformed" },
	{ "two roots", "<r/><s/>", 0, ET_EINVAL, "malformed" },
	{ "undeclared prefix", "<p:r/>", 0, ET_EINVAL, "malformed" },
};

/* The part before " / " holds non-ASCII (Chinese) text. */
static int has_chinese_summary(const char *msg)
{
	const char *sep = strstr(msg, " / ");
	const char *p;

	for (p = msg; sep && p < sep; p++)
		if ((unsigned char)*p >= 0x80)
			return 1;
	return 0;
}

START_TEST(hostile_refused)
{
	const struct hostile *h = &hostiles[_i];
	struct tender_xml_doc *doc = (void *)1;
	struct tender_diag d;
	size_t len = h->len ? h->len : strlen(h->xml);
	int rc;

	rc = tender_xml_parse(h->xml, len, NULL, &doc, &d);
	ck_assert_msg(rc == h->rc, "%s: rc %d, want %d (%s)", h->name, rc, h->rc, d.msg);
	ck_assert_ptr_null(doc);
	ck_assert_int_eq(d.rc, rc);
	ck_assert_msg(strstr(d.msg, h->msg) != NULL, "%s: message '%s' lacks '%s'", h->name, d.msg,
		      h->msg);
	/* bilingual: a Chinese summary, " / ", an English one */
	ck_assert_ptr_nonnull(strstr(d.msg, " / "));
	ck_assert_msg(has_chinese_summary(d.msg), "%s: no Chinese summary: %s", h->name, d.msg);
	/* nothing from /etc/passwd ever reaches a message */
	ck_assert_ptr_null(strstr(d.msg, "root:"));
}
END_TEST

/* Build "<r><a><a>...</a></a></r>" with depth elements in total. */
static char *nested(unsigned depth)
{
	size_t cap = (size_t)depth * 8 + 16, i;
	char *s = malloc(cap), *p = s;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < depth; i++) {
		memcpy(p, "<a>", 3);
		p += 3;
	}
	for (i = 0; i < depth; i++) {
		memcpy(p, "</a>", 4);
		p += 4;
	}
	*p = 0;
	return s;
}

START_TEST(depth_cap)
{
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;
	char *ok = nested(ET_TENDER_XML_MAX_DEPTH), *deep = nested(ET_TENDER_XML_MAX_DEPTH + 1);
	char *very = nested(100000);

	ck_assert_int_eq(tender_xml_parse(ok, strlen(ok), NULL, &doc, &d), ET_OK);
	tender_xml_free(doc);
	ck_assert_int_eq(tender_xml_parse(deep, strlen(deep), NULL, &doc, &d), ET_ELIMIT);
	ck_assert_ptr_null(doc);
	ck_assert_ptr_nonnull(strstr(d.msg, "nested too deeply"));
	ck_assert_int_eq(tender_xml_parse(very, strlen(very), NULL, &doc, &d), ET_ELIMIT);
	ck_assert_ptr_nonnull(strstr(d.msg, "nested too deeply"));
	free(ok);
	free(deep);
	free(very);
}
END_TEST

START_TEST(node_and_byte_caps)
{
	const struct tender_xml_limits lim = { 4096, 8, 10 };
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;
	char buf[8192];
	struct et_buf b;
	int i;

	/* root + 9 children = 10 elements: at the cap */
	et_buf_init(&b, 1024);
	ck_assert_int_eq(et_buf_addstr(&b, "<r>"), ET_OK);
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(et_buf_addstr(&b, "<a/>"), ET_OK);
	ck_assert_int_eq(tender_xml_parse(b.data, b.len, &lim, &doc, &d), ET_EINVAL);
	ck_assert_int_eq(et_buf_addstr(&b, "</r>"), ET_OK);
	ck_assert_int_eq(tender_xml_parse(b.data, b.len, &lim, &doc, &d), ET_OK);
	tender_xml_free(doc);
	/* one more: refused */
	b.len -= 4;
	ck_assert_int_eq(et_buf_addstr(&b, "<a/></r>"), ET_OK);
	ck_assert_int_eq(tender_xml_parse(b.data, b.len, &lim, &doc, &d), ET_ELIMIT);
	ck_assert_ptr_nonnull(strstr(d.msg, "too many XML elements"));
	et_buf_free(&b);

	/* bytes: exactly the cap parses, one more is refused before parsing */
	memset(buf, ' ', sizeof buf);
	memcpy(buf, "<r/>", 4);
	ck_assert_int_eq(tender_xml_parse(buf, 4096, &lim, &doc, &d), ET_OK);
	tender_xml_free(doc);
	ck_assert_int_eq(tender_xml_parse(buf, 4097, &lim, &doc, &d), ET_ELIMIT);
	ck_assert_ptr_nonnull(strstr(d.msg, "too large"));
}
END_TEST

START_TEST(oversized_default)
{
	size_t n = (size_t)ET_TENDER_XML_MAX_BYTES + 1;
	char *big = malloc(n);
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	memcpy(big, "<r>", 3);
	memcpy(big + n - 4, "</r>", 4);
	ck_assert_int_eq(tender_xml_parse(big, n, NULL, &doc, &d), ET_ELIMIT);
	ck_assert_ptr_null(doc);
	/* one byte less is within the cap */
	memcpy(big + n - 5, "</r>", 4);
	ck_assert_int_eq(tender_xml_parse(big, n - 1, NULL, &doc, &d), ET_OK);
	tender_xml_free(doc);
	free(big);
}
END_TEST

START_TEST(benign_and_walk)
{
	static const char xml[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<!-- a comment -->\n"
		"<r xmlns=\"" NS "\" a=\" v1 \">\n"
		"  <t>  中文 &amp; &lt;b&gt; &#x4E2D;  </t>\n"
		"  <u><![CDATA[x<y]]></u>\n"
		"  <t>second</t>\n"
		"  <o:t xmlns:o=\"urn:other\">other</o:t>\n"
		"</r>\n";
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;
	const struct tender_xml_node *r, *t;
	char buf[64], tiny[4];

	ck_assert_int_eq(tender_xml_parse(xml, sizeof xml - 1, NULL, &doc, &d), ET_OK);
	ck_assert_int_eq(d.rc, ET_OK);
	ck_assert_str_eq(d.msg, "");
	r = tender_xml_root(doc);
	ck_assert_str_eq(tender_xml_name(r), "r");
	ck_assert_int_eq(tender_xml_line(r), 3);
	ck_assert_int_eq(tender_xml_attr(r, "a", false, buf, sizeof buf), ET_OK);
	ck_assert_str_eq(buf, " v1 ");
	ck_assert_int_eq(tender_xml_attr(r, "a", true, buf, sizeof buf), ET_OK);
	ck_assert_str_eq(buf, "v1");
	ck_assert_int_eq(tender_xml_attr(r, "missing", true, buf, sizeof buf), ET_ENOTFOUND);
	ck_assert_int_eq(tender_xml_attr(r, "a", false, tiny, sizeof tiny), ET_ELIMIT);
	ck_assert_str_eq(tiny, "");

	t = tender_xml_child(r, "t");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tender_xml_text(t, true, buf, sizeof buf), ET_OK);
	ck_assert_str_eq(buf, "中文 & <b> 中");
	ck_assert_int_eq(tender_xml_text(tender_xml_child(r, "u"), false, buf, sizeof buf), ET_OK);
	ck_assert_str_eq(buf, "x<y");
	t = tender_xml_next(t, "t");
	ck_assert_int_eq(tender_xml_text(t, false, buf, sizeof buf), ET_OK);
	ck_assert_str_eq(buf, "second");
	/* an element of another namespace is not a sibling "t" */
	ck_assert_ptr_null(tender_xml_next(t, "t"));
	ck_assert_ptr_null(tender_xml_child(r, "nope"));
	ck_assert_str_eq(tender_xml_name(tender_xml_child(r, NULL)), "t");
	tender_xml_free(doc);
	tender_xml_free(NULL);
}
END_TEST

START_TEST(no_external_loading_ever)
{
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;
	xmlParserInputPtr in;
	xmlParserCtxtPtr ctxt;

	/* after the reader's first use the process-wide loader refuses all */
	ck_assert_int_eq(tender_xml_parse("<r/>", 4, NULL, &doc, &d), ET_OK);
	tender_xml_free(doc);
	ctxt = xmlNewParserCtxt();
	ck_assert_ptr_nonnull(ctxt);
	in = xmlLoadExternalEntity("file:///etc/passwd", NULL, ctxt);
	ck_assert_ptr_null(in);
	in = xmlLoadExternalEntity("/etc/hostname", NULL, ctxt);
	ck_assert_ptr_null(in);
	xmlFreeParserCtxt(ctxt);
}
END_TEST

static const char small_xsd[] =
	"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"" NS "\" "
	"elementFormDefault=\"qualified\">"
	"<xs:element name=\"r\"><xs:complexType><xs:sequence>"
	"<xs:element name=\"n\" type=\"xs:positiveInteger\" maxOccurs=\"unbounded\"/>"
	"</xs:sequence></xs:complexType></xs:element></xs:schema>";

START_TEST(schema_from_memory)
{
	struct tender_xml_schema *s = NULL;
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;
	struct et_buf bad;
	size_t i;

	ck_assert_int_eq(tender_xml_schema_compile(small_xsd, sizeof small_xsd - 1, &s, &d), ET_OK);
	static const char good[] = "<r xmlns=\"" NS "\"><n>1</n><n>2</n></r>";
	ck_assert_int_eq(tender_xml_parse(good, sizeof good - 1, NULL, &doc, &d), ET_OK);
	ck_assert_int_eq(tender_xml_validate(doc, s, &d), ET_OK);
	tender_xml_free(doc);

	/* many errors: only the first few are kept, the message stays bounded */
	et_buf_init(&bad, 1u << 16);
	ck_assert_int_eq(et_buf_addstr(&bad, "<r xmlns=\"" NS "\">"), ET_OK);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(et_buf_printf(&bad, "\n<n>-%zu</n>", i), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&bad, "</r>"), ET_OK);
	ck_assert_int_eq(tender_xml_parse(bad.data, bad.len, NULL, &doc, &d), ET_OK);
	et_buf_free(&bad);
	ck_assert_int_eq(tender_xml_validate(doc, s, &d), ET_EINVAL);
	ck_assert_int_eq(d.line, 2);
	ck_assert_ptr_nonnull(strstr(d.msg, "不符合"));
	ck_assert_ptr_nonnull(strstr(d.msg, "not valid against the schema"));
	ck_assert_ptr_nonnull(strstr(d.msg, "line 2:"));
	ck_assert_uint_lt(strlen(d.msg), ET_TENDER_DIAG_MAX);
	tender_xml_free(doc);
	tender_xml_schema_free(s);
}
END_TEST

START_TEST(schema_no_external_refs)
{
	static const char inc[] =
		"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
		"<xs:include schemaLocation=\"file:///etc/passwd\"/></xs:schema>";
	static const char imp[] =
		"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
		"<xs:import namespace=\"urn:y\" schemaLocation=\"http://127.0.0.1:9/y.xsd\"/>"
		"<xs:element name=\"r\" xmlns:y=\"urn:y\" type=\"y:T\"/></xs:schema>";
	static const char notxsd[] = "<not-a-schema/>";
	struct tender_xml_schema *s = NULL;
	struct tender_diag d;

	ck_assert_int_ne(tender_xml_schema_compile(inc, sizeof inc - 1, &s, &d), ET_OK);
	ck_assert_ptr_null(s);
	ck_assert_int_ne(tender_xml_schema_compile(imp, sizeof imp - 1, &s, &d), ET_OK);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(tender_xml_schema_compile(notxsd, sizeof notxsd - 1, &s, &d), ET_EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(d.msg, "invalid XML schema"));
}
END_TEST

START_TEST(embedded_xsd_is_the_published_file)
{
	const char *path = getenv("ET_TENDER_XSD");
	unsigned char *file = NULL;
	size_t flen = 0, elen = 0;
	const char *emb = tender_xml_schema_tender_text(&elen);

	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(et_read_file(path, 1u << 20, &file, &flen), ET_OK);
	ck_assert_uint_eq(flen, elen);
	ck_assert_mem_eq(file, emb, flen);
	ck_assert_int_eq(emb[elen], 0);
	free(file);
	ck_assert_ptr_nonnull(tender_xml_schema_tender());
	/* compiled once */
	ck_assert_ptr_eq(tender_xml_schema_tender(), tender_xml_schema_tender());
}
END_TEST

START_TEST(bad_arguments)
{
	struct tender_xml_doc *doc = NULL;
	struct tender_diag d;

	ck_assert_int_eq(tender_xml_parse(NULL, 4, NULL, &doc, &d), ET_EINVAL);
	ck_assert_int_eq(tender_xml_parse("<r/>", 4, NULL, NULL, &d), ET_EINVAL);
	/* no diagnostics wanted */
	ck_assert_int_eq(tender_xml_parse("<r>", 3, NULL, &doc, NULL), ET_EINVAL);
	ck_assert_int_eq(tender_xml_parse("<!DOCTYPE r><r/>", 16, NULL, &doc, NULL), ET_EINVAL);
	ck_assert_int_eq(tender_xml_validate(NULL, NULL, &d), ET_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tender_xml");
	TCase *tc = tcase_create("xml");
	SRunner *sr;
	int nf;

	tcase_add_loop_test(tc, hostile_refused, 0, (int)(sizeof hostiles / sizeof hostiles[0]));
	tcase_add_test(tc, depth_cap);
	tcase_add_test(tc, node_and_byte_caps);
	tcase_add_test(tc, oversized_default);
	tcase_add_test(tc, benign_and_walk);
	tcase_add_test(tc, no_external_loading_ever);
	tcase_add_test(tc, schema_from_memory);
	tcase_add_test(tc, schema_no_external_refs);
	tcase_add_test(tc, embedded_xsd_is_the_published_file);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
