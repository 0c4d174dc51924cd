/* tests/tender/test_tender_record.c — the tender record: realistic valid
 * samples (tests/tender/data/) parse into the expected fields; every
 * invalid sample (tests/tender/data/invalid/) is refused with the right
 * result, rule id and message; caps hold on generated documents. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tender/tender.h"

static unsigned char *load(const char *rel, size_t *n)
{
	const char *dir = getenv("ET_TENDER_DATA");
	char path[1024];
	unsigned char *b = NULL;

	ck_assert_ptr_nonnull(dir);
	ck_assert_int_lt(snprintf(path, sizeof path, "%s/%s", dir, rel), (int)sizeof path);
	ck_assert_msg(et_read_file(path, 16u << 20, &b, n) == ET_OK, "cannot read %s", path);
	return b;
}

static struct tender_record *parse_ok(const char *rel)
{
	size_t n;
	unsigned char *b = load(rel, &n);
	struct tender_record *r = NULL;
	struct tender_diag d;
	int rc = tender_record_parse(b, n, &r, &d);

	ck_assert_msg(rc == ET_OK, "%s: rc %d: %s", rel, rc, d.msg);
	ck_assert_ptr_nonnull(r);
	free(b);
	return r;
}

/* ---- valid samples --------------------------------------------------- */

struct valid {
	const char *file;
	const char *id;
	enum tender_type type;
	const char *profile;
	size_t lots, quals;
	unsigned k;
	size_t n;
	const char *bid_deadline;
	bool reference;
};

static const struct valid valids[] = {
	{ "construction.xml", "E3301002026000123", TENDER_CONSTRUCTION, "cn", 2, 4, 2, 3,
	  "2026-03-24T01:30:00Z", true },
	{ "procurement.xml", "ZC-2026-JC-0457", TENDER_PROCUREMENT, "cn", 1, 2, 3, 4,
	  "2026-06-23T01:30:00Z", false },
	{ "demo.xml", "DEMO-2026-0001", TENDER_PROCUREMENT, "demo", 1, 2, 3, 4,
	  "2026-11-28T08:20:00Z", false },
	{ "boundary_exact.xml", "E3301002026000123", TENDER_CONSTRUCTION, "cn", 2, 4, 2, 3,
	  "2026-03-22T01:00:00Z", true },
};

START_TEST(valid_samples)
{
	const struct valid *v = &valids[_i];
	struct tender_record *r = parse_ok(v->file);
	int64_t t;
	size_t i;

	ck_assert_str_eq(tender_record_id(r), v->id);
	ck_assert_int_eq(tender_record_type(r), v->type);
	ck_assert_str_eq(tender_rules_name(tender_record_profile(r)), v->profile);
	ck_assert_uint_eq(tender_rules_version(tender_record_profile(r)), 1);
	ck_assert_uint_eq(tender_record_lot_count(r), v->lots);
	ck_assert_uint_eq(tender_record_qualification_count(r), v->quals);
	ck_assert_uint_eq(tender_record_threshold(r), v->k);
	ck_assert_uint_eq(tender_record_holder_count(r), v->n);
	ck_assert_int_eq(tender_parse_utc(v->bid_deadline, &t), ET_OK);
	ck_assert_int_eq(tender_record_schedule(r)->bid_deadline_us, t);
	ck_assert_int_eq(tender_record_reference_sha256(r) != NULL, v->reference);
	for (i = 0; i < v->n; i++) {
		const struct tender_holder *h = tender_record_holder(r, i);
		ck_assert_uint_eq(h->index, i + 1);
		ck_assert_int_eq(strncmp(h->recipient, "age1", 4), 0);
		ck_assert_uint_eq(strlen(h->recipient), 62);
	}
	ck_assert_ptr_null(tender_record_holder(r, v->n));
	ck_assert_ptr_null(tender_record_lot(r, v->lots));
	ck_assert_ptr_null(tender_record_qualification(r, v->quals));
	tender_record_free(r);
}
END_TEST

START_TEST(construction_fields)
{
	struct tender_record *r = parse_ok("construction.xml");
	const struct tender_lot *l1 = tender_record_lot_by_id(r, "L1");
	const struct tender_lot *l2 = tender_record_lot_by_id(r, "L2");
	const struct tender_schedule *s = tender_record_schedule(r);
	const struct tender_qualification *q = tender_record_qualification(r, 1);

	ck_assert_str_eq(tender_record_title(r), "江城市第一中学教学楼新建工程施工");
	ck_assert_str_eq(tender_record_tenderer(r), "org-7k2m9q4x");
	ck_assert_str_eq(tender_record_agent(r), "org-3h8n5c2v");
	ck_assert(!tender_record_joint_venture(r));
	ck_assert_str_eq(q->id, "Q2");
	ck_assert_str_eq(q->kind, "personnel");
	ck_assert_ptr_nonnull(strstr(q->text, "注册建造师"));
	/* 2026-03-02T01:00:00Z */
	ck_assert_int_eq(s->documents_from_us, INT64_C(1772413200) * 1000000);
	ck_assert_int_eq(s->bid_deadline_us - s->documents_from_us,
			 INT64_C(22) * 86400 * 1000000 + INT64_C(1800) * 1000000);

	ck_assert_ptr_nonnull(l1);
	ck_assert_str_eq(l1->title, "标段一：教学楼主体及装饰装修工程");
	ck_assert_int_eq(l1->control_price_fen, INT64_C(3865027300));
	ck_assert_int_eq(l1->method, TENDER_EVAL_COMPREHENSIVE);
	ck_assert_uint_eq(l1->weight_price, 60);
	ck_assert_uint_eq(l1->weight_technical, 30);
	ck_assert_uint_eq(l1->weight_business, 10);
	ck_assert_int_eq(l1->scoring, TENDER_PRICE_TRIMMED_MEAN);
	ck_assert_uint_eq(l1->k_factor_bp, 9800);
	ck_assert_uint_eq(l1->trim, 1);
	ck_assert_uint_eq(l1->penalty_above_bp, 200);
	ck_assert_uint_eq(l1->penalty_below_bp, 100);
	ck_assert_uint_eq(l1->boq_count, 6);
	ck_assert_str_eq(l1->boq[0].code, "010101001001");
	ck_assert_str_eq(l1->boq[0].unit, "m2");
	ck_assert_int_eq(l1->boq[0].quantity_milli, 6250000);
	ck_assert_str_eq(l1->boq[1].quantity, "11820.450");
	ck_assert_int_eq(l1->boq[1].quantity_milli, 11820450);
	ck_assert_int_eq(l1->boq[5].quantity_milli, 18420500);
	ck_assert_str_eq(l1->boq[4].unit, "t");
	ck_assert_str_eq(l1->boq[3].description, "矩形柱，C35商品混凝土");

	ck_assert_ptr_nonnull(l2);
	ck_assert_int_eq(l2->control_price_fen, INT64_C(426815900));
	ck_assert_int_eq(l2->method, TENDER_EVAL_LOWEST_PRICE);
	ck_assert_int_eq(l2->scoring, TENDER_PRICE_NONE);
	ck_assert_uint_eq(l2->weight_price + l2->weight_technical + l2->weight_business, 0);
	ck_assert_uint_eq(l2->boq_count, 4);
	ck_assert_str_eq(l2->boq[2].unit, "株");
	ck_assert_int_eq(l2->boq[2].quantity_milli, 186000);
	ck_assert_ptr_null(tender_record_lot_by_id(r, "L3"));

	ck_assert_str_eq(tender_record_holder(r, 1)->org, "org-9p4t6w1z");
	ck_assert_str_eq(tender_record_holder(r, 2)->holder, "usr-m3v9l6t4");
	ck_assert_str_eq(tender_record_reference_sha256(r),
			 "3b8f3c0d9a2e41c6f1d7a5b4e2c9081f6a7d3e5b2c1f4a9e8d7c6b5a4f3e2d1c");
	ck_assert_uint_eq(tender_record_field_count(r), 2);
	ck_assert_str_eq(tender_record_field(r, 1)->id, "manager");
	ck_assert_str_eq(tender_record_field(r, 0)->label, "质量承诺");
	ck_assert_ptr_null(tender_record_field(r, 2));
	tender_record_free(r);
	tender_record_free(NULL);
}
END_TEST

START_TEST(procurement_fields)
{
	struct tender_record *r = parse_ok("procurement.xml");
	const struct tender_lot *l = tender_record_lot(r, 0);

	ck_assert(tender_record_joint_venture(r));
	ck_assert_str_eq(l->id, "1");
	ck_assert_int_eq(l->control_price_fen, INT64_C(980000000));
	ck_assert_int_eq(l->scoring, TENDER_PRICE_LOWEST_BASE);
	ck_assert_uint_eq(l->k_factor_bp, 10000);
	ck_assert_uint_eq(l->weight_technical, 55);
	ck_assert_uint_eq(l->boq_count, 0);
	ck_assert_ptr_null(l->boq);
	ck_assert_ptr_null(tender_record_reference_sha256(r));
	tender_record_free(r);
}
END_TEST

/* ---- invalid samples ------------------------------------------------- */

struct invalid {
	const char *file;
	int rc;
	const char *rule;    /* "" when the XSD or the reader refuses */
	const char *msg;     /* substring of the message */
};

static const struct invalid invalids[] = {
	/* the XSD */
	{ "missing_lot.xml", ET_EINVAL, "", "Expected is ( {urn:etender:tender:1}lot )" },
	{ "control_price_zero.xml", ET_EINVAL, "", "controlPrice" },
	{ "control_price_negative.xml", ET_EINVAL, "", "controlPrice" },
	{ "control_price_fraction.xml", ET_EINVAL, "", "controlPrice" },
	{ "bad_recipient.xml", ET_EINVAL, "", "recipient" },
	{ "bad_recipient_short.xml", ET_EINVAL, "", "recipient" },
	{ "time_without_z.xml", ET_EINVAL, "", "bidDeadline" },
	{ "quantity_4_decimals.xml", ET_EINVAL, "", "quantity" },
	{ "wrong_namespace.xml", ET_EINVAL, "", "urn:etender:tender:2" },
	/* record.c's semantic rules */
	{ "k1.xml", ET_EINVAL, "et.keys.k_min", "k = 1" },
	{ "k_gt_n.xml", ET_EINVAL, "et.keys.k_le_n", "k = 4, n = 3" },
	{ "holders_one_org.xml", ET_EINVAL, "et.keys.orgs", "two organisations" },
	{ "holder_index_dup.xml", ET_EINVAL, "et.keys.indices", "index 2" },
	{ "holder_index_gap.xml", ET_EINVAL, "et.keys.indices", "index 4" },
	{ "holder_recipient_dup.xml", ET_EINVAL, "et.keys.recipients", "own tender key" },
	{ "lot_id_dup.xml", ET_EINVAL, "et.lots.unique", "L1" },
	{ "opening_field_dup.xml", ET_EINVAL, "et.fields.unique", "quality" },
	{ "weights_not_100.xml", ET_EINVAL, "et.eval.weights", "60 + 20 + 10" },
	{ "boq_code_dup.xml", ET_EINVAL, "et.boq.unique", "010101001001" },
	{ "k_factor_with_lowest_base.xml", ET_EINVAL, "et.eval.k_factor", "trimmed-mean-base" },
	{ "k_factor_zero.xml", ET_EINVAL, "et.eval.k_factor", "greater than 0" },
	{ "holder_twice.xml", ET_EINVAL, "et.keys.holders", "usr-a81kd02m" },
	{ "unknown_profile.xml", ET_EINVAL, "et.rules.profile", "cn v9" },
	/* the schedule against the named profile */
	{ "deadline_before_documents.xml", ET_EINVAL, "et.schedule.order", "deadline" },
	{ "deadline_20_days_minus_1us.xml", ET_EINVAL, "cn.law.24",
	  "required at least 20 days, got 19 days + 23:59:59.999999" },
	{ "documents_4_days.xml", ET_EINVAL, "cn.reg.16", "required at least 5 days" },
	/* the hardened reader */
	{ "billion_laughs.xml", ET_EINVAL, "", "DOCTYPE" },
	{ "xxe_file.xml", ET_EINVAL, "", "DOCTYPE" },
	{ "xxe_parameter.xml", ET_EINVAL, "", "DOCTYPE" },
	{ "external_dtd.xml", ET_EINVAL, "", "DOCTYPE" },
	{ "xinclude.xml", ET_EINVAL, "", "XInclude" },
	{ "undefined_entity.xml", ET_EINVAL, "", "undefined entity" },
	{ "gbk_bytes.xml", ET_EINVAL, "", "not valid UTF-8" },
	{ "latin1_declared.xml", ET_EINVAL, "", "must be encoded in UTF-8" },
	{ "not_xml.xml", ET_EINVAL, "", "not valid UTF-8" },
	{ "malformed.xml", ET_EINVAL, "", "malformed XML" },
};

START_TEST(invalid_samples)
{
	const struct invalid *v = &invalids[_i];
	char rel[256];
	size_t n;
	unsigned char *b;
	struct tender_record *r = (void *)1;
	struct tender_diag d;
	int rc;

	ck_assert_int_lt(snprintf(rel, sizeof rel, "invalid/%s", v->file), (int)sizeof rel);
	b = load(rel, &n);
	rc = tender_record_parse(b, n, &r, &d);
	ck_assert_msg(rc == v->rc, "%s: rc %d, want %d: %s", v->file, rc, v->rc, d.msg);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(d.rc, rc);
	ck_assert_msg(strcmp(d.rule, v->rule) == 0, "%s: rule '%s', want '%s'", v->file, d.rule,
		      v->rule);
	ck_assert_msg(strstr(d.msg, v->msg) != NULL, "%s: message '%s' lacks '%s'", v->file, d.msg,
		      v->msg);
	if (*v->rule)
		ck_assert_ptr_nonnull(strstr(d.msg, v->rule));
	ck_assert_ptr_nonnull(strstr(d.msg, " / "));
	ck_assert_ptr_null(strstr(d.msg, "root:"));
	/* a line number points at the offending part, except for encoding refusals */
	if (strcmp(v->file, "latin1_declared.xml") != 0)
		ck_assert_msg(d.line > 0, "%s: no line", v->file);
	free(b);
}
END_TEST

/* ---- generated documents --------------------------------------------- */

/* construction.xml with its first BoQ replaced by n generated items */
static char *with_boq(size_t items, size_t *len)
{
	size_t n;
	unsigned char *b = load("construction.xml", &n);
	const char *s = (const char *)b;
	const char *a = strstr(s, "<billOfQuantities>"), *e = strstr(s, "</billOfQuantities>");
	struct et_buf out;
	size_t i;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(e);
	et_buf_init(&out, 8u << 20);
	ck_assert_int_eq(et_buf_add(&out, s, (size_t)(a - s)), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&out, "<billOfQuantities>\n"), ET_OK);
	for (i = 0; i < items; i++)
		ck_assert_int_eq(et_buf_printf(&out, "<item code=\"C%06zu\" unit=\"m\" quantity=\"1.5\">"
					       "x</item>\n", i), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&out, e), ET_OK);
	free(b);
	return (char *)et_buf_steal(&out, len);
}

START_TEST(boq_cap)
{
	size_t n;
	char *ok = with_boq(ET_TENDER_MAX_BOQ_ITEMS, &n), *big;
	struct tender_record *r = NULL;
	struct tender_diag d;

	ck_assert_int_eq(tender_record_parse(ok, n, &r, &d), ET_OK);
	ck_assert_uint_eq(tender_record_lot(r, 0)->boq_count, ET_TENDER_MAX_BOQ_ITEMS);
	ck_assert_int_eq(tender_record_lot(r, 0)->boq[9999].quantity_milli, 1500);
	tender_record_free(r);
	free(ok);
	big = with_boq(ET_TENDER_MAX_BOQ_ITEMS + 1, &n);
	ck_assert_int_eq(tender_record_parse(big, n, &r, &d), ET_ELIMIT);
	ck_assert_str_eq(d.rule, "et.boq.size");
	ck_assert_ptr_null(r);
	free(big);
}
END_TEST

START_TEST(oversized_and_deep)
{
	size_t n;
	unsigned char *b = load("construction.xml", &n);
	struct et_buf out;
	struct tender_record *r = NULL;
	struct tender_diag d;
	const char *title = strstr((char *)b, "</title>");
	size_t i;

	/* a comment that pushes the document past ET_TENDER_XML_MAX_BYTES */
	et_buf_init(&out, ET_TENDER_XML_MAX_BYTES + 4096);
	ck_assert_int_eq(et_buf_add(&out, b, n), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&out, "<!--"), ET_OK);
	while (out.len <= ET_TENDER_XML_MAX_BYTES)
		ck_assert_int_eq(et_buf_addstr(&out, "padding padding padding padding "), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&out, "-->"), ET_OK);
	ck_assert_int_eq(tender_record_parse(out.data, out.len, &r, &d), ET_ELIMIT);
	ck_assert_ptr_nonnull(strstr(d.msg, "too large"));
	et_buf_free(&out);

	/* 50 nested elements inside the title */
	ck_assert_ptr_nonnull(title);
	et_buf_init(&out, 1u << 20);
	ck_assert_int_eq(et_buf_add(&out, b, (size_t)((const unsigned char *)title - b)), ET_OK);
	for (i = 0; i < 50; i++)
		ck_assert_int_eq(et_buf_addstr(&out, "<x>"), ET_OK);
	for (i = 0; i < 50; i++)
		ck_assert_int_eq(et_buf_addstr(&out, "</x>"), ET_OK);
	ck_assert_int_eq(et_buf_addstr(&out, title), ET_OK);
	ck_assert_int_eq(tender_record_parse(out.data, out.len, &r, &d), ET_ELIMIT);
	ck_assert_ptr_nonnull(strstr(d.msg, "nested too deeply"));
	ck_assert_int_eq(d.line, 6);
	et_buf_free(&out);
	free(b);
}
END_TEST

START_TEST(no_diag_and_bad_args)
{
	size_t n;
	unsigned char *b = load("construction.xml", &n);
	struct tender_record *r = NULL;
	struct tender_diag d;

	ck_assert_int_eq(tender_record_parse(b, n, &r, NULL), ET_OK);
	tender_record_free(r);
	ck_assert_int_eq(tender_record_parse(b, n, NULL, &d), ET_EINVAL);
	ck_assert_int_eq(tender_record_parse(b, n / 2, &r, NULL), ET_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(tender_record_parse(NULL, 0, &r, &d), ET_EINVAL);
	free(b);
}
END_TEST

/* ---- UTC times ------------------------------------------------------- */

struct utc {
	const char *s;
	int rc;
	int64_t us;
};

static const struct utc utcs[] = {
	{ "1970-01-01T00:00:00Z", ET_OK, 0 },
	{ "2026-03-02T01:00:00Z", ET_OK, INT64_C(1772413200000000) },
	{ "2026-03-02T01:00:00.5Z", ET_OK, INT64_C(1772413200500000) },
	{ "2026-03-02T01:00:00.000001Z", ET_OK, INT64_C(1772413200000001) },
	{ "2028-02-29T00:00:00Z", ET_OK, INT64_C(1835395200000000) },
	{ "2027-02-29T00:00:00Z", ET_EINVAL, 0 },
	{ "2026-04-31T00:00:00Z", ET_EINVAL, 0 },
	{ "2026-13-01T00:00:00Z", ET_EINVAL, 0 },
	{ "2026-03-02T24:00:00Z", ET_EINVAL, 0 },
	{ "2026-03-02T01:00:60Z", ET_EINVAL, 0 },
	{ "2026-03-02T01:00:00", ET_EINVAL, 0 },
	{ "2026-03-02T01:00:00+08:00", ET_EINVAL, 0 },
	{ "2026-03-02T01:00:00.Z", ET_EINVAL, 0 },
	{ "2026-03-02T01:00:00.1234567Z", ET_EINVAL, 0 },
	{ "2026-03-02 01:00:00Z", ET_EINVAL, 0 },
	{ " 2026-03-02T01:00:00Z", ET_EINVAL, 0 },
	{ "1969-12-31T23:59:59Z", ET_EINVAL, 0 },
	{ "", ET_EINVAL, 0 },
};

START_TEST(utc_times)
{
	const struct utc *u = &utcs[_i];
	int64_t us = -1;

	ck_assert_msg(tender_parse_utc(u->s, &us) == u->rc, "'%s'", u->s);
	if (u->rc == ET_OK)
		ck_assert_int_eq(us, u->us);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tender_record");
	TCase *tc = tcase_create("record");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, valid_samples, 0, (int)(sizeof valids / sizeof valids[0]));
	tcase_add_test(tc, construction_fields);
	tcase_add_test(tc, procurement_fields);
	tcase_add_loop_test(tc, invalid_samples, 0, (int)(sizeof invalids / sizeof invalids[0]));
	tcase_add_test(tc, boq_cap);
	tcase_add_test(tc, oversized_and_deep);
	tcase_add_test(tc, no_diag_and_bad_args);
	tcase_add_loop_test(tc, utc_times, 0, (int)(sizeof utcs / sizeof utcs[0]));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
