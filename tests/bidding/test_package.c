/* tests/bidding/test_package.c — the bid package without a ledger: the
 * manifest's canonical encoding, signature and strict parser (every line
 * and field refused when not canonical), the keyless part check with real
 * threshold sealing, and bid.xml against the bid XSD. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding.h"
#include "crypto/crypto.h"

static void setid(char *dst, const char *s)
{
	memcpy(dst, s, strlen(s) + 1);
}

static void sample(struct bid_manifest *m)
{
	memset(m, 0, sizeof *m);
	setid(m->tender, "E3301002026000777");
	setid(m->bid, "bid-abcdefgh23456777");
	setid(m->org, "org-aaaaaaaaaaaaaaaa");
	setid(m->user, "usr-bbbbbbbbbbbbbbbb");
	m->version = 42;
	m->sealed_us = 1796083200000000;
	m->nparts = 2;
	memset(m->parts[0].sha256, 0xab, 32);
	m->parts[0].size = 1234;
	memset(m->parts[1].sha256, 0x01, 32);
	m->parts[1].size = 99;
}

static const char expect_signed[] =
	"etender-bid/v1\n"
	"tender E3301002026000777\n"
	"bid bid-abcdefgh23456777\n"
	"org org-aaaaaaaaaaaaaaaa\n"
	"user usr-bbbbbbbbbbbbbbbb\n"
	"version 42\n"
	"sealed 1796083200000000\n"
	"part 1 abababababababababababababababababababababababababababababababab 1234\n"
	"part 2 0101010101010101010101010101010101010101010101010101010101010101 99\n";

START_TEST(test_manifest)
{
	struct bid_manifest m, p;
	struct et_buf b, bad;
	struct tender_diag d;
	unsigned char seed[32], pub[32], seed2[32], pub2[32];

	sample(&m);
	et_buf_init(&b, BID_MANIFEST_MAX);
	ck_assert_int_eq(bid_manifest_signed_bytes(&m, &b), ET_OK);
	ck_assert_uint_eq(b.len, strlen(expect_signed));
	ck_assert_mem_eq(b.data, expect_signed, b.len);
	et_buf_reset(&b);
	ck_assert_int_eq(crypto_ed25519_keygen(seed, pub), ET_OK);
	ck_assert_int_eq(crypto_ed25519_keygen(seed2, pub2), ET_OK);
	ck_assert_int_eq(bid_manifest_sign(&m, seed, &b), ET_OK);
	ck_assert_int_eq(bid_manifest_parse(b.data, b.len, &p, &d), ET_OK);
	ck_assert_str_eq(p.bid, m.bid);
	ck_assert_uint_eq(p.nparts, 2);
	ck_assert_uint_eq(p.parts[1].size, 99);
	ck_assert_int_eq(bid_manifest_verify(&p, pub), ET_OK);
	ck_assert_int_eq(bid_manifest_verify(&p, pub2), ET_EVERIFY);
	p.version++;
	ck_assert_int_eq(bid_manifest_verify(&p, pub), ET_EVERIFY);
	/* the vector of docs/formats.md "Bid package" */
	{
		struct bid_manifest v;
		struct et_buf vb;
		unsigned char vseed[32], vpub[32], h[32];
		char hex[65], b64[96];
		sample(&v);
		memset(vseed, 0x42, sizeof vseed);
		et_buf_init(&vb, BID_MANIFEST_MAX);
		ck_assert_int_eq(bid_manifest_sign(&v, vseed, &vb), ET_OK);
		ck_assert_int_eq(crypto_ed25519_public(vseed, vpub), ET_OK);
		et_hex_encode(vpub, 32, hex);
		ck_assert_str_eq(hex, "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12");
		et_b64_encode(v.sig, 64, b64);
		ck_assert_str_eq(b64, "f2UXQ31YW4KvHvKCD2FRGV/kGQcIwnq1BKy1sfhthjw5nGl6Pt3UWSmVR3Ks2aSNckLJF9Z5VWKMcQKvtPlwBw==");
		ck_assert_uint_eq(vb.len, 396);
		crypto_sha256(vb.data, vb.len, h);
		et_hex_encode(h, 32, hex);
		ck_assert_str_eq(hex, "b01744ae84368eaf5283f1f89760bf81d089cf310efb841036afe6e31ca26173");
		et_buf_free(&vb);
	}
	/* not canonical / malformed: each refused */
	static const struct { const char *from, *to; } muts[] = {
		{ "version 42", "version 042" }, { "part 1 abab", "part 1 ABab" },
		{ "part 2 ", "part 3 " },       { "sealed 1796", "sealed -1796" },
		{ "bid bid-", "bid bad-" },     { "etender-bid/v1", "etender-bid/v2" },
		{ "org org-aaaa", "org org-AAAA" }, { " 99\n", " 99 \n" },
		{ "user usr-", "user  usr-" },
	};
	et_buf_init(&bad, BID_MANIFEST_MAX);
	for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
		const char *s = (const char *)b.data, *at = strstr(s, muts[i].from);
		ck_assert_ptr_nonnull(at);
		et_buf_reset(&bad);
		ck_assert_int_eq(et_buf_add(&bad, s, (size_t)(at - s)), ET_OK);
		ck_assert_int_eq(et_buf_addstr(&bad, muts[i].to), ET_OK);
		ck_assert_int_eq(et_buf_addstr(&bad, at + strlen(muts[i].from)), ET_OK);
		ck_assert_msg(bid_manifest_parse(bad.data, bad.len, &p, &d) != ET_OK, "mutation %zu", i);
		ck_assert_str_eq(d.rule, "et.bid.manifest");
	}
	/* trailing bytes, truncation */
	ck_assert_int_ne(bid_manifest_parse(b.data, b.len - 1, &p, &d), ET_OK);
	et_buf_reset(&bad);
	ck_assert_int_eq(et_buf_add(&bad, b.data, b.len), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&bad, "x"), ET_OK);
	ck_assert_int_ne(bid_manifest_parse(bad.data, bad.len, &p, &d), ET_OK);
	et_buf_free(&bad);
	et_buf_free(&b);
}
END_TEST

struct mem {
	const unsigned char *p;
	size_t n, off;
};
static int mem_rd(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}
static int buf_wr(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

START_TEST(test_part_check)
{
	unsigned char priv[3][32], pubs[3][32], other[32], otherpub[32];
	struct crypto_threshold_binding bind = { "T-1", "bid-aaaaaaaa", 1 };
	struct crypto_age_recipient *r = NULL, *x = NULL;
	struct et_buf out;
	struct mem in = { (const unsigned char *)"hello", 5, 0 };
	char *xs = NULL;

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(crypto_x25519_keygen(priv[i], pubs[i]), ET_OK);
	ck_assert_int_eq(crypto_x25519_keygen(other, otherpub), ET_OK);
	ck_assert_int_eq(crypto_threshold_recipient_new(&bind, 2, 3,
			(const unsigned char (*)[32])pubs, &r), ET_OK);
	et_buf_init(&out, 1 << 20);
	const struct crypto_age_recipient *rs[2] = { r, NULL };
	ck_assert_int_eq(crypto_age_encrypt(rs, 1, false, mem_rd, &in, buf_wr, &out), ET_OK);
	ck_assert_int_eq(bid_part_check(out.data, out.len, 2, 3, (const unsigned char (*)[32])pubs),
			 ET_OK);
	/* wrong k, wrong key, not age */
	ck_assert_int_eq(bid_part_check(out.data, out.len, 3, 3, (const unsigned char (*)[32])pubs),
			 ET_ESEALER);
	memcpy(pubs[1], otherpub, 32);
	ck_assert_int_eq(bid_part_check(out.data, out.len, 2, 3, (const unsigned char (*)[32])pubs),
			 ET_ESEALER);
	ck_assert_int_eq(bid_part_check((const unsigned char *)"hello", 5, 2, 3,
					(const unsigned char (*)[32])pubs), ET_EHEADER);
	/* an extra X25519 recipient */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(crypto_x25519_public(priv[i], pubs[i]), ET_OK);
	ck_assert_int_eq(crypto_age_x25519_recipient_string(otherpub, &xs), ET_OK);
	ck_assert_int_eq(crypto_age_recipient_parse(xs, &x), ET_OK);
	rs[1] = x;
	in.off = 0;
	et_buf_reset(&out);
	ck_assert_int_eq(crypto_age_encrypt(rs, 2, false, mem_rd, &in, buf_wr, &out), ET_OK);
	ck_assert_int_eq(bid_part_check(out.data, out.len, 2, 3, (const unsigned char (*)[32])pubs),
			 ET_ESEALER);
	free(xs);
	crypto_age_recipient_free(x);
	crypto_age_recipient_free(r);
	et_buf_free(&out);
}
END_TEST

static const char good_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<bid xmlns=\"urn:etender:bid:1\" formatVersion=\"1\" tender=\"E3301002026000777\""
	" bid=\"bid-abcdefgh\" org=\"org-aaaaaaaa\">\n"
	"  <offer lot=\"1\"><price currency=\"CNY\">4100000000</price>"
	"<durationDays>540</durationDays></offer>\n"
	"  <offer lot=\"2\"><price currency=\"CNY\">100</price>"
	"<durationDays>30</durationDays></offer>\n"
	"</bid>\n";

START_TEST(test_bid_xml)
{
	struct bid_document doc;
	struct tender_diag d;
	size_t n = 0;
	char buf[2048];

	ck_assert_int_eq(bid_xml_parse(good_xml, strlen(good_xml), &doc, &d), ET_OK);
	ck_assert_str_eq(doc.tender, "E3301002026000777");
	ck_assert_str_eq(doc.org, "org-aaaaaaaa");
	ck_assert_uint_eq(doc.noffers, 2);
	ck_assert_int_eq(doc.offers[0].price_fen, 4100000000LL);
	ck_assert_int_eq(doc.offers[0].duration_days, 540);
	/* written by the client's writer, read back the same */
	{
		struct bid_document back;
		struct et_buf w;
		et_buf_init(&w, 1 << 16);
		ck_assert_int_eq(bid_xml_write(&doc, &w), ET_OK);
		ck_assert_int_eq(bid_xml_parse(w.data, w.len, &back, &d), ET_OK);
		ck_assert_mem_eq(&back, &doc, sizeof doc);
		doc.offers[1].duration_days = 0;
		et_buf_reset(&w);
		ck_assert_int_eq(bid_xml_write(&doc, &w), ET_EINVAL);
		et_buf_free(&w);
	}
	ck_assert_ptr_nonnull(bid_xml_schema_text(&n));
	ck_assert_uint_gt(n, 100);
	/* answers to the tender's opening fields: after the offers, ids unique,
	 * text escaped by the writer and read back the same */
	{
		struct bid_document back;
		struct et_buf w;
		static const char *const bad_fields[] = {
			"<field id=\"quality\">合格</field><field id=\"quality\">优良</field>",
			"<field id=\"Quality\">合格</field>",
			"<field id=\"quality\"></field>",
			"<field>合格</field>",
		};
		ck_assert_int_eq(bid_xml_parse(good_xml, strlen(good_xml), &doc, &d), ET_OK);
		ck_assert_uint_eq(doc.nfields, 0);
		doc.nfields = 2;
		memcpy(doc.fields[0].id, "quality", sizeof "quality");
		memcpy(doc.fields[0].value, "合格 <&> \"优良\"", sizeof "合格 <&> \"优良\"");
		memcpy(doc.fields[1].id, "manager", sizeof "manager");
		memcpy(doc.fields[1].value, "张三（一级建造师）", sizeof "张三（一级建造师）");
		et_buf_init(&w, 1 << 16);
		ck_assert_int_eq(bid_xml_write(&doc, &w), ET_OK);
		memset(&back, 0x5a, sizeof back);
		ck_assert_int_eq(bid_xml_parse(w.data, w.len, &back, &d), ET_OK);
		ck_assert_uint_eq(back.nfields, 2);
		ck_assert_str_eq(back.fields[0].value, "合格 <&> \"优良\"");
		ck_assert_str_eq(back.fields[1].id, "manager");
		memcpy(doc.fields[1].id, "quality", sizeof "quality");   /* one id twice */
		et_buf_reset(&w);
		ck_assert_int_eq(bid_xml_write(&doc, &w), ET_EINVAL);
		for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
			const char *at = strstr(good_xml, "</bid>");
			ck_assert_int_lt(snprintf(buf, sizeof buf, "%.*s%s\n</bid>\n", (int)(at - good_xml),
						  good_xml, bad_fields[i]), (int)sizeof buf);
			ck_assert_msg(bid_xml_parse(buf, strlen(buf), &back, &d) == ET_EINVAL,
				      "bad field %zu", i);
			ck_assert_str_eq(d.rule, "et.bid.xml");
		}
		/* a field before the offers breaks the XSD's sequence */
		{
			const char *at = strstr(good_xml, "  <offer");
			ck_assert_int_lt(snprintf(buf, sizeof buf, "%.*s<field id=\"quality\">x</field>%s",
						  (int)(at - good_xml), good_xml, at), (int)sizeof buf);
			ck_assert_int_eq(bid_xml_parse(buf, strlen(buf), &back, &d), ET_EINVAL);
		}
		et_buf_free(&w);
	}
	static const struct { const char *from, *to, *rule; } muts[] = {
		{ ">100<", ">0<", "et.bid.xml" },
		{ ">100<", ">1.5<", "et.bid.xml" },
		{ "CNY\">100", "USD\">100", "et.bid.xml" },
		{ "lot=\"2\"", "lot=\"1\"", "et.bid.lots" },
		{ " org=\"org-aaaaaaaa\"", "", "et.bid.xml" },
		{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
		  "<?xml version=\"1.0\"?><!DOCTYPE bid [<!ENTITY x \"y\">]>", "" },
	};
	for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
		const char *at = strstr(good_xml, muts[i].from);
		ck_assert_ptr_nonnull(at);
		ck_assert_int_lt(snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good_xml), good_xml,
					  muts[i].to, at + strlen(muts[i].from)), (int)sizeof buf);
		ck_assert_msg(bid_xml_parse(buf, strlen(buf), &doc, &d) != ET_OK, "mutation %zu", i);
		if (*muts[i].rule)
			ck_assert_str_eq(d.rule, muts[i].rule);
	}
}
END_TEST

static const char boq_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<bid xmlns=\"urn:etender:bid:1\" formatVersion=\"1\" tender=\"E3301002026000777\""
	" bid=\"bid-abcdefgh\" org=\"org-aaaaaaaa\">\n"
	"  <offer lot=\"1\"><price currency=\"CNY\">4100000000</price>"
	"<durationDays>540</durationDays><boq>"
	"<line item=\"010101001\" quantity=\"12.5\" unitPrice=\"3000\" total=\"38000\"/>"
	"<line item=\"010101002\" quantity=\"0\" unitPrice=\"0\" total=\"0\"/>"
	"</boq></offer>\n"
	"  <offer lot=\"2\"><price currency=\"CNY\">100</price>"
	"<durationDays>30</durationDays><boq>"
	"<line item=\"A.1\" quantity=\"1250.125\" unitPrice=\"7\" total=\"8751\"/></boq></offer>\n"
	"</bid>\n";

/* The optional priced BoQ lines of an offer: read with their lot, quantity
 * in thousandths and the total as written; bad lines refused. */
START_TEST(test_bid_xml_boq)
{
	struct bid_document doc;
	struct bid_boq_line *v = NULL;
	struct tender_diag d;
	size_t n = 99;
	char buf[2048];

	ck_assert_int_eq(bid_xml_parse(boq_xml, strlen(boq_xml), &doc, &d), ET_OK);
	ck_assert_uint_eq(doc.noffers, 2);
	ck_assert_int_eq(bid_xml_boq(boq_xml, strlen(boq_xml), &v, &n, &d), ET_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].lot, "1");
	ck_assert_str_eq(v[0].item, "010101001");
	ck_assert_int_eq(v[0].quantity_milli, 12500);
	ck_assert_int_eq(v[0].unit_price_fen, 3000);
	ck_assert_int_eq(v[0].total_fen, 38000);
	ck_assert_int_eq(v[1].quantity_milli, 0);
	ck_assert_str_eq(v[2].lot, "2");
	ck_assert_str_eq(v[2].item, "A.1");
	ck_assert_int_eq(v[2].quantity_milli, 1250125);
	ck_assert_int_eq(v[2].total_fen, 8751);
	free(v);
	/* no BoQ: no lines */
	ck_assert_int_eq(bid_xml_boq(good_xml, strlen(good_xml), &v, &n, &d), ET_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v);
	static const struct { const char *from, *to; } muts[] = {
		{ "quantity=\"12.5\"", "quantity=\"12.5555\"" },
		{ "quantity=\"12.5\"", "quantity=\"-1\"" },
		{ "total=\"38000\"", "total=\"-1\"" },
		{ "item=\"A.1\"", "item=\".A\"" },
		{ " unitPrice=\"7\"", "" },
		{ "<boq><line item=\"A.1\" quantity=\"1250.125\" unitPrice=\"7\" total=\"8751\"/></boq>",
		  "<boq></boq>" },
	};
	for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
		const char *at = strstr(boq_xml, muts[i].from);
		ck_assert_ptr_nonnull(at);
		ck_assert_int_lt(snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - boq_xml), boq_xml,
					  muts[i].to, at + strlen(muts[i].from)), (int)sizeof buf);
		ck_assert_msg(bid_xml_boq(buf, strlen(buf), &v, &n, &d) != ET_OK, "mutation %zu", i);
		ck_assert_str_eq(d.rule, "et.bid.xml");
		ck_assert_ptr_null(v);
		ck_assert_msg(bid_xml_parse(buf, strlen(buf), &doc, &d) != ET_OK, "mutation %zu", i);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bidding_package");
	TCase *tc = tcase_create("package");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_manifest);
	tcase_add_test(tc, test_part_check);
	tcase_add_test(tc, test_bid_xml);
	tcase_add_test(tc, test_bid_xml_boq);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
