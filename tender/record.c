/* tender/record.c — the tender record: tender.xml parsed by the hardened
 * reader, validated against the embedded tender.xsd, turned into an
 * immutable struct tender_record, and checked against the rules the XSD
 * cannot express (each refusal names its rule id). The record owns every
 * string and array it hands out; tender_record_free() releases them all. */
#include <stdlib.h>
#include <string.h>

#include "tender/tender_int.h"

struct tender_record {
	char id[ET_TENDER_ID_MAX + 1];
	char *title;
	enum tender_type type;
	char tenderer[ET_TENDER_ID_MAX + 1];
	char agent[ET_TENDER_ID_MAX + 1];
	const struct tender_profile *profile;
	struct tender_schedule schedule;
	bool joint_venture;
	size_t nqual;
	struct tender_qualification *qual;
	size_t nlots;
	struct tender_lot *lots;
	unsigned k;
	size_t nholders;
	struct tender_holder holders[ET_THRESHOLD_MAX_HOLDERS];
	bool has_reference;
	char reference[65];
	size_t nfields;
	struct tender_opening_field fields[TENDER_OPENING_FIELDS_MAX];
};

/* ---- small parsers --------------------------------------------------- */

static int digits(const char *s, size_t n, int64_t *v)
{
	int64_t x = 0;
	size_t i;

	if (n == 0)
		return ET_EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ET_EINVAL;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return ET_OK;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int tender_parse_utc(const char *s, int64_t *us)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, mo, d, h, mi, sec, frac = 0;
	size_t n, fl = 0, i;

	if (!s || !us)
		return et_fail(ET_EINVAL);
	n = strlen(s);
	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[n - 1] != 'Z')
		return ET_EINVAL;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
		return ET_EINVAL;
	if (n > 20) {
		fl = n - 21;
		if (s[19] != '.' || fl < 1 || fl > 6 || digits(s + 20, fl, &frac))
			return ET_EINVAL;
		for (i = fl; i < 6; i++)
			frac *= 10;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > (int64_t)mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 59)
		return ET_EINVAL;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return ET_EINVAL;
	*us = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) *
	       INT64_C(1000000)) + frac;
	return ET_OK;
}

/* "1250.5" -> 1250500 thousandths; at most 12 integer and 3 fraction digits. */
static int parse_quantity(const char *s, int64_t *milli)
{
	const char *dot = strchr(s, '.');
	size_t il = dot ? (size_t)(dot - s) : strlen(s), fl = dot ? strlen(dot + 1) : 0, i;
	int64_t ip, fp = 0;

	if (il == 0 || il > 12 || (dot && (fl == 0 || fl > 3)))
		return ET_EINVAL;
	if (digits(s, il, &ip) || (dot && digits(dot + 1, fl, &fp)))
		return ET_EINVAL;
	for (i = fl; i < 3; i++)
		fp *= 10;
	*milli = ip * 1000 + fp;
	return *milli > 0 ? ET_OK : ET_EINVAL;
}

static int parse_uint(const char *s, unsigned max, unsigned *v)
{
	uint64_t x;

	if (et_parse_u64(s, strlen(s), &x) != ET_OK || x > max)
		return ET_EINVAL;
	*v = (unsigned)x;
	return ET_OK;
}

/* ---- extraction helpers ---------------------------------------------- */

/* Shorthand for "the validated document is not what the schema promised":
 * cannot happen unless the XSD and this file disagree. */
static int shape(struct tender_diag *d, const struct tender_xml_node *n, const char *what)
{
	tender_diag_set(d, et_fail(ET_EINVAL), NULL, "招标记录结构错误",
			"tender record has an unexpected shape", "%s", what);
	if (d)
		d->line = tender_xml_line(n);
	return ET_EINVAL;
}

static int refuse_at(struct tender_diag *d, const struct tender_xml_node *n, const char *rule,
		     const char *zh, const char *en, const char *detail)
{
	tender_diag_set(d, ET_EINVAL, rule, zh, en, "%s", detail ? detail : "");
	if (d)
		d->line = tender_xml_line(n);
	return ET_EINVAL;
}

static const struct tender_xml_node *child(const struct tender_xml_node *p, const char *name)
{
	return p ? tender_xml_child(p, name) : NULL;
}

static int attr(const struct tender_xml_node *n, const char *name, char *out, size_t cap,
		struct tender_diag *d)
{
	if (!n || tender_xml_attr(n, name, true, out, cap) != ET_OK)
		return shape(d, n, name);
	return ET_OK;
}

static int opt_attr(const struct tender_xml_node *n, const char *name, char *out, size_t cap,
		    bool *present, struct tender_diag *d)
{
	int rc = tender_xml_attr(n, name, true, out, cap);

	*present = rc == ET_OK;
	if (rc == ET_OK || rc == ET_ENOTFOUND)
		return ET_OK;
	return shape(d, n, name);
}

static int text_dup(const struct tender_xml_node *n, char **out, struct tender_diag *d)
{
	char buf[ET_TENDER_TEXT_MAX];

	if (!n || tender_xml_text(n, false, buf, sizeof buf) != ET_OK)
		return shape(d, n, "text");
	*out = strdup(buf);
	if (!*out)
		return tender_diag_set(d, et_fail(ET_ENOMEM), NULL, "内存不足", "out of memory", NULL);
	return ET_OK;
}

static int time_of(const struct tender_xml_node *sched, const char *name, int64_t *us,
		   struct tender_diag *d)
{
	const struct tender_xml_node *n = child(sched, name);
	char buf[40];

	if (!n || tender_xml_text(n, true, buf, sizeof buf) != ET_OK ||
	    tender_parse_utc(buf, us) != ET_OK)
		return shape(d, n ? n : sched, name);
	return ET_OK;
}

/* ---- sections -------------------------------------------------------- */

static int read_qualification(struct tender_record *r, const struct tender_xml_node *q,
			      struct tender_diag *d)
{
	const struct tender_xml_node *n;
	char jv[8];
	size_t i = 0;
	int rc;

	if ((rc = attr(q, "jointVenture", jv, sizeof jv, d)))
		return rc;
	r->joint_venture = strcmp(jv, "true") == 0 || strcmp(jv, "1") == 0;
	for (n = child(q, "requirement"); n; n = tender_xml_next(n, "requirement"))
		r->nqual++;
	if (r->nqual > ET_TENDER_MAX_QUALIFICATIONS)
		return shape(d, q, "too many requirements");
	if (!r->nqual)
		return ET_OK;
	r->qual = calloc(r->nqual, sizeof *r->qual);
	if (!r->qual)
		return tender_diag_set(d, et_fail(ET_ENOMEM), NULL, "内存不足", "out of memory", NULL);
	for (n = child(q, "requirement"); n; n = tender_xml_next(n, "requirement"), i++) {
		struct tender_qualification *x = &r->qual[i];
		char *t = NULL;
		if ((rc = attr(n, "id", x->id, sizeof x->id, d)) ||
		    (rc = attr(n, "kind", x->kind, sizeof x->kind, d)) ||
		    (rc = text_dup(n, &t, d)))
			return rc;
		x->text = t;
	}
	return ET_OK;
}

static int read_evaluation(struct tender_lot *lot, const struct tender_xml_node *ev,
			   struct tender_diag *d)
{
	const struct tender_xml_node *c = child(ev, "comprehensive"), *w, *ps, *cr;
	char buf[32];
	bool has_k, has_trim;
	int rc;

	if (child(ev, "lowestEvaluatedPrice")) {
		lot->method = TENDER_EVAL_LOWEST_PRICE;
		lot->scoring = TENDER_PRICE_NONE;
		return ET_OK;
	}
	if (!c)
		return shape(d, ev, "evaluation");
	lot->method = TENDER_EVAL_COMPREHENSIVE;
	w = child(c, "weights");
	ps = child(c, "priceScoring");
	if (!w || !ps)
		return shape(d, c, "comprehensive");
	if ((rc = attr(w, "price", buf, sizeof buf, d)) || parse_uint(buf, 100, &lot->weight_price) ||
	    (rc = attr(w, "technical", buf, sizeof buf, d)) ||
	    parse_uint(buf, 100, &lot->weight_technical) ||
	    (rc = attr(w, "business", buf, sizeof buf, d)) ||
	    parse_uint(buf, 100, &lot->weight_business))
		return rc ? rc : shape(d, w, "weights");
	if (lot->weight_price + lot->weight_technical + lot->weight_business != 100) {
		char det[96];
		det[0] = 0;
		tender_strlcatf(det, sizeof det, "lot %s: %u + %u + %u", lot->id, lot->weight_price,
				lot->weight_technical, lot->weight_business);
		return refuse_at(d, w, "et.eval.weights", "价格、技术、商务权重之和必须为100",
				 "price, technical and business weights must sum to 100", det);
	}
	if ((rc = attr(ps, "method", buf, sizeof buf, d)))
		return rc;
	if (strcmp(buf, "lowest-price-base") == 0)
		lot->scoring = TENDER_PRICE_LOWEST_BASE;
	else if (strcmp(buf, "trimmed-mean-base") == 0)
		lot->scoring = TENDER_PRICE_TRIMMED_MEAN;
	else
		return shape(d, ps, "method");
	if ((rc = attr(ps, "penaltyAboveBp", buf, sizeof buf, d)) ||
	    parse_uint(buf, 10000, &lot->penalty_above_bp) ||
	    (rc = attr(ps, "penaltyBelowBp", buf, sizeof buf, d)) ||
	    parse_uint(buf, 10000, &lot->penalty_below_bp))
		return rc ? rc : shape(d, ps, "penalty");
	lot->k_factor_bp = 10000;
	if ((rc = opt_attr(ps, "kFactorBp", buf, sizeof buf, &has_k, d)))
		return rc;
	if (has_k && parse_uint(buf, 10000, &lot->k_factor_bp))
		return shape(d, ps, "kFactorBp");
	if ((rc = opt_attr(ps, "trim", buf, sizeof buf, &has_trim, d)))
		return rc;
	if (has_trim && parse_uint(buf, 5, &lot->trim))
		return shape(d, ps, "trim");
	if ((has_k || has_trim) && lot->scoring != TENDER_PRICE_TRIMMED_MEAN)
		return refuse_at(d, ps, "et.eval.k_factor", "K值与去极值个数仅用于去极值平均基准价法",
				 "kFactorBp and trim apply only to trimmed-mean-base", lot->id);
	if (lot->scoring == TENDER_PRICE_TRIMMED_MEAN && lot->k_factor_bp == 0)
		return refuse_at(d, ps, "et.eval.k_factor", "K值必须大于0",
				 "kFactorBp must be greater than 0", lot->id);
	if ((cr = child(c, "credit"))) {
		if ((rc = attr(cr, "points", buf, sizeof buf, d)) ||
		    parse_uint(buf, 100, &lot->credit_points) ||
		    (rc = attr(cr, "deductPoints", buf, sizeof buf, d)) ||
		    parse_uint(buf, 100, &lot->credit_deduct))
			return rc ? rc : shape(d, cr, "credit");
		if (lot->credit_points == 0 || lot->credit_points > lot->weight_business ||
		    lot->credit_deduct > lot->credit_points)
			return refuse_at(d, cr, "et.eval.credit",
					 "信用分须为 1 至商务权重之间，每条扣分不超过信用分",
					 "credit points must be 1..the business weight, the deduction at most "
					 "the points", lot->id);
	}
	return ET_OK;
}

static int cmp_item_code(const void *a, const void *b)
{
	const struct tender_boq_item *const *x = a, *const *y = b;

	return strcmp((*x)->code, (*y)->code);
}

/* Reads the lot's BoQ; scratch arrays are freed here, items belong to lot. */
static int read_boq(struct tender_lot *lot, const struct tender_xml_node *boq,
		    struct tender_diag *d)
{
	const struct tender_xml_node *n, **it_node = NULL;
	struct tender_boq_item *items, **sorted = NULL;
	size_t i = 0, j;
	int rc;

	for (n = child(boq, "item"); n; n = tender_xml_next(n, "item"))
		if (++lot->boq_count > ET_TENDER_MAX_BOQ_ITEMS) {
			lot->boq_count = 0;
			rc = tender_diag_set(d, ET_ELIMIT, "et.boq.size", "工程量清单条目过多",
					     "too many bill-of-quantities items",
					     "lot %s: at most %u", lot->id, ET_TENDER_MAX_BOQ_ITEMS);
			if (d)
				d->line = tender_xml_line(n);
			goto out;
		}
	if (!lot->boq_count)
		return ET_OK;
	items = calloc(lot->boq_count, sizeof *items);
	it_node = calloc(lot->boq_count, sizeof *it_node);
	sorted = calloc(lot->boq_count, sizeof *sorted);
	lot->boq = items;       /* freed with the record, even on failure */
	if (!items)
		lot->boq_count = 0;
	if (!items || !it_node || !sorted) {
		rc = tender_diag_set(d, et_fail(ET_ENOMEM), NULL, "内存不足", "out of memory", NULL);
		goto out;
	}
	for (n = child(boq, "item"); n; n = tender_xml_next(n, "item"), i++) {
		struct tender_boq_item *it = &items[i];
		char *t = NULL;
		if ((rc = attr(n, "code", it->code, sizeof it->code, d)) ||
		    (rc = attr(n, "unit", it->unit, sizeof it->unit, d)) ||
		    (rc = attr(n, "quantity", it->quantity, sizeof it->quantity, d)))
			goto out;
		if (parse_quantity(it->quantity, &it->quantity_milli)) {
			rc = shape(d, n, "quantity");
			goto out;
		}
		if ((rc = text_dup(n, &t, d)))
			goto out;
		it->description = t;
		it_node[i] = n;
	}
	/* unique codes: sort pointers, compare neighbours (n log n, not n^2) */
	for (i = 0; i < lot->boq_count; i++)
		sorted[i] = &items[i];
	qsort(sorted, lot->boq_count, sizeof *sorted, cmp_item_code);
	rc = ET_OK;
	for (j = 1; j < lot->boq_count; j++)
		if (strcmp(sorted[j - 1]->code, sorted[j]->code) == 0) {
			/* report the later of the two in document order */
			size_t k = (size_t)((sorted[j] > sorted[j - 1] ? sorted[j] : sorted[j - 1]) -
					    items);
			char det[160];
			det[0] = 0;
			tender_strlcatf(det, sizeof det, "lot %s: item %s", lot->id, items[k].code);
			rc = refuse_at(d, it_node[k], "et.boq.unique", "工程量清单项目编码重复",
				       "bill-of-quantities item codes must be unique", det);
			break;
		}
out:
	free(it_node);
	free(sorted);
	return rc;
}

static int read_lots(struct tender_record *r, const struct tender_xml_node *lots,
		     struct tender_diag *d)
{
	const struct tender_xml_node *n;
	size_t i = 0, j;
	int rc;

	for (n = child(lots, "lot"); n; n = tender_xml_next(n, "lot"))
		r->nlots++;
	if (r->nlots == 0 || r->nlots > ET_TENDER_MAX_LOTS)
		return shape(d, lots, "lots");
	r->lots = calloc(r->nlots, sizeof *r->lots);
	if (!r->lots)
		return tender_diag_set(d, et_fail(ET_ENOMEM), NULL, "内存不足", "out of memory", NULL);
	for (n = child(lots, "lot"); n; n = tender_xml_next(n, "lot"), i++) {
		struct tender_lot *lot = &r->lots[i];
		const struct tender_xml_node *cp = child(n, "controlPrice");
		const struct tender_xml_node *boq = child(n, "billOfQuantities");
		char buf[32], *t = NULL;
		uint64_t price;

		if ((rc = attr(n, "id", lot->id, sizeof lot->id, d)))
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(r->lots[j].id, lot->id) == 0)
				return refuse_at(d, n, "et.lots.unique", "标段编号重复",
						 "lot ids must be unique", lot->id);
		if ((rc = text_dup(child(n, "title"), &t, d)))
			return rc;
		lot->title = t;
		if (!cp || tender_xml_text(cp, true, buf, sizeof buf) != ET_OK ||
		    et_parse_u64(buf, strlen(buf), &price) != ET_OK || price == 0 ||
		    price > (uint64_t)INT64_MAX)
			return shape(d, cp ? cp : n, "controlPrice");
		lot->control_price_fen = (int64_t)price;
		if ((rc = read_evaluation(lot, child(n, "evaluation"), d)))
			return rc;
		if (boq && (rc = read_boq(lot, boq, d)))
			return rc;
	}
	return ET_OK;
}

static int read_holders(struct tender_record *r, const struct tender_xml_node *kh,
			struct tender_diag *d)
{
	const struct tender_xml_node *n, *at[ET_THRESHOLD_MAX_HOLDERS] = { 0 };
	struct tender_holder tmp[ET_THRESHOLD_MAX_HOLDERS];
	char buf[16], det[160];
	size_t i, j, n_in = 0;
	bool two_orgs = false;
	int rc;

	if ((rc = attr(kh, "threshold", buf, sizeof buf, d)) ||
	    parse_uint(buf, ET_THRESHOLD_MAX_HOLDERS, &r->k))
		return rc ? rc : shape(d, kh, "threshold");
	memset(tmp, 0, sizeof tmp);
	for (n = child(kh, "holder"); n; n = tender_xml_next(n, "holder")) {
		struct tender_holder *h;
		if (n_in == ET_THRESHOLD_MAX_HOLDERS)
			return shape(d, n, "too many holders");
		h = &tmp[n_in];
		at[n_in++] = n;
		if ((rc = attr(n, "index", buf, sizeof buf, d)) ||
		    parse_uint(buf, ET_THRESHOLD_MAX_HOLDERS, &h->index) ||
		    (rc = attr(n, "org", h->org, sizeof h->org, d)) ||
		    (rc = attr(n, "holder", h->holder, sizeof h->holder, d)) ||
		    (rc = attr(n, "recipient", h->recipient, sizeof h->recipient, d)))
			return rc ? rc : shape(d, n, "index");
	}
	r->nholders = n_in;
	det[0] = 0;
	tender_strlcatf(det, sizeof det, "k = %u, n = %zu", r->k, n_in);
	if (r->k < 2)
		return refuse_at(d, kh, "et.keys.k_min", "开标门限k至少为2（任何一人不能单独开标）",
				 "threshold k must be at least 2 (nobody opens alone)", det);
	if (r->k > n_in)
		return refuse_at(d, kh, "et.keys.k_le_n", "开标门限k不得大于密钥保管人数n",
				 "threshold k must not exceed the number of holders n", det);
	/* indices are exactly 1..n, each once: place holder i at slot i-1 */
	for (i = 0; i < n_in; i++) {
		unsigned ix = tmp[i].index;
		if (ix < 1 || ix > n_in || r->holders[ix - 1].index) {
			det[0] = 0;
			tender_strlcatf(det, sizeof det, "index %u of n = %zu", ix, n_in);
			return refuse_at(d, at[i], "et.keys.indices",
					 "密钥保管人序号必须为1至n且互不相同",
					 "holder indices must be 1..n, each exactly once", det);
		}
		r->holders[ix - 1] = tmp[i];
	}
	for (i = 0; i < n_in; i++)
		for (j = 0; j < i; j++) {
			if (strcmp(tmp[i].recipient, tmp[j].recipient) == 0)
				return refuse_at(d, at[i], "et.keys.recipients",
						 "每位密钥保管人必须使用不同的本项目公钥",
						 "each holder must have its own tender key",
						 tmp[i].recipient);
			if (strcmp(tmp[i].holder, tmp[j].holder) == 0)
				return refuse_at(d, at[i], "et.keys.holders",
						 "同一人不得担任多个密钥保管人",
						 "a person may hold only one share", tmp[i].holder);
			if (strcmp(tmp[i].org, tmp[j].org) != 0)
				two_orgs = true;
		}
	if (!two_orgs)
		return refuse_at(d, kh, "et.keys.orgs", "密钥保管人必须来自至少两个不同单位",
				 "key holders must come from at least two organisations", det);
	return ET_OK;
}

/* ---- parse ----------------------------------------------------------- */

int tender_record_parse(const void *xml, size_t len, struct tender_record **out,
			struct tender_diag *d)
{
	struct tender_xml_doc *doc = NULL;
	const struct tender_xml_schema *schema;
	const struct tender_xml_node *root, *n;
	struct tender_record *r = NULL;
	char buf[40], pname[24];
	unsigned pver;
	int rc;

	tender_diag_clear(d);
	if (out)
		*out = NULL;
	if (!out) {
		rc = tender_diag_set(d, et_fail(ET_EINVAL), NULL, "参数无效", "invalid argument",
				     NULL);
		goto out;
	}
	if ((rc = tender_xml_parse(xml, len, NULL, &doc, d)))
		goto out;
	schema = tender_xml_schema_tender();
	if (!schema) {
		rc = tender_diag_set(d, et_fail(ET_ENOMEM), NULL, "无法编译招标记录模式",
				     "cannot compile the tender schema", NULL);
		goto out;
	}
	if ((rc = tender_xml_validate(doc, schema, d)))
		goto out;

	r = calloc(1, sizeof *r);
	if (!r) {
		rc = tender_diag_set(d, et_fail(ET_ENOMEM), NULL, "内存不足", "out of memory", NULL);
		goto out;
	}
	root = tender_xml_root(doc);
	if ((rc = attr(root, "id", r->id, sizeof r->id, d)) ||
	    (rc = attr(root, "type", buf, sizeof buf, d)))
		goto out;
	if (strcmp(buf, "construction") == 0)
		r->type = TENDER_CONSTRUCTION;
	else if (strcmp(buf, "procurement") == 0)
		r->type = TENDER_PROCUREMENT;
	else if (strcmp(buf, "land") == 0)
		r->type = TENDER_LAND;
	else if (strcmp(buf, "asset") == 0)
		r->type = TENDER_ASSET;
	else {
		rc = shape(d, root, "type");
		goto out;
	}
	if ((rc = text_dup(child(root, "title"), &r->title, d)) ||
	    (rc = attr(child(root, "tenderer"), "org", r->tenderer, sizeof r->tenderer, d)) ||
	    (rc = attr(child(root, "agent"), "org", r->agent, sizeof r->agent, d)))
		goto out;

	/* the rules profile must exist: every later check cites it */
	n = child(root, "rulesProfile");
	if ((rc = attr(n, "name", pname, sizeof pname, d)) ||
	    (rc = attr(n, "version", buf, sizeof buf, d)))
		goto out;
	if (parse_uint(buf, 1000000, &pver) || tender_rules_lookup(pname, pver, &r->profile)) {
		char det[64];
		det[0] = 0;
		tender_strlcatf(det, sizeof det, "%s v%s", pname, buf);
		rc = refuse_at(d, n, "et.rules.profile", "未知的规则配置", "unknown rules profile",
			       det);
		goto out;
	}

	n = child(root, "schedule");
	if ((rc = time_of(n, "documentsFrom", &r->schedule.documents_from_us, d)) ||
	    (rc = time_of(n, "documentsTo", &r->schedule.documents_to_us, d)) ||
	    (rc = time_of(n, "registrationDeadline", &r->schedule.registration_deadline_us, d)) ||
	    (rc = time_of(n, "questionDeadline", &r->schedule.question_deadline_us, d)) ||
	    (rc = time_of(n, "bidDeadline", &r->schedule.bid_deadline_us, d)))
		goto out;

	if ((rc = read_qualification(r, child(root, "qualification"), d)) ||
	    (rc = read_lots(r, child(root, "lots"), d)) ||
	    (rc = read_holders(r, child(root, "keyHolders"), d)))
		goto out;

	n = child(root, "referencePrice");
	if (n) {
		if ((rc = attr(n, "sha256", r->reference, sizeof r->reference, d)))
			goto out;
		r->has_reference = true;
	}
	n = child(root, "openingFields");
	if (n) {
		const struct tender_xml_node *f;
		for (f = child(n, "field"); f; f = tender_xml_next(f, "field")) {
			struct tender_opening_field *of;
			if (r->nfields == TENDER_OPENING_FIELDS_MAX) {
				rc = shape(d, f, "too many opening fields");
				goto out;
			}
			of = &r->fields[r->nfields];
			if ((rc = attr(f, "id", of->id, sizeof of->id, d)))
				goto out;
			if (tender_xml_text(f, true, of->label, sizeof of->label)) {
				rc = shape(d, f, "field label");
				goto out;
			}
			for (size_t j = 0; j < r->nfields; j++)
				if (!strcmp(r->fields[j].id, of->id)) {
					rc = refuse_at(d, f, "et.fields.unique", "唱标字段编号重复",
						       "two opening fields with one id", of->id);
					goto out;
				}
			r->nfields++;
		}
	}

	/* the schedule against the profile the record names (G7) */
	if ((rc = tender_rules_check_schedule(r->profile, &r->schedule, d))) {
		if (d)
			d->line = tender_xml_line(child(root, "schedule"));
		goto out;
	}

	*out = r;
	r = NULL;
	rc = ET_OK;
out:
	tender_record_free(r);
	tender_xml_free(doc);
	if (d)
		d->rc = rc;
	return rc;
}

void tender_record_free(struct tender_record *r)
{
	size_t i, j;

	if (!r)
		return;
	free(r->title);
	for (i = 0; i < r->nqual && r->qual; i++)
		free((void *)r->qual[i].text);
	free(r->qual);
	for (i = 0; i < r->nlots && r->lots; i++) {
		struct tender_lot *lot = &r->lots[i];
		free((void *)lot->title);
		for (j = 0; j < lot->boq_count && lot->boq; j++)
			free((void *)lot->boq[j].description);
		free((void *)lot->boq);
	}
	free(r->lots);
	free(r);
}

/* ---- getters --------------------------------------------------------- */

const char *tender_record_id(const struct tender_record *r)
{
	return r->id;
}

const char *tender_record_title(const struct tender_record *r)
{
	return r->title;
}

enum tender_type tender_record_type(const struct tender_record *r)
{
	return r->type;
}

const char *tender_record_tenderer(const struct tender_record *r)
{
	return r->tenderer;
}

const char *tender_record_agent(const struct tender_record *r)
{
	return r->agent;
}

const struct tender_profile *tender_record_profile(const struct tender_record *r)
{
	return r->profile;
}

const struct tender_schedule *tender_record_schedule(const struct tender_record *r)
{
	return &r->schedule;
}

bool tender_record_joint_venture(const struct tender_record *r)
{
	return r->joint_venture;
}

size_t tender_record_qualification_count(const struct tender_record *r)
{
	return r->nqual;
}

const struct tender_qualification *tender_record_qualification(const struct tender_record *r,
							       size_t i)
{
	return i < r->nqual ? &r->qual[i] : NULL;
}

size_t tender_record_lot_count(const struct tender_record *r)
{
	return r->nlots;
}

const struct tender_lot *tender_record_lot(const struct tender_record *r, size_t i)
{
	return i < r->nlots ? &r->lots[i] : NULL;
}

const struct tender_lot *tender_record_lot_by_id(const struct tender_record *r, const char *id)
{
	size_t i;

	for (i = 0; id && i < r->nlots; i++)
		if (strcmp(r->lots[i].id, id) == 0)
			return &r->lots[i];
	return NULL;
}

unsigned tender_record_threshold(const struct tender_record *r)
{
	return r->k;
}

size_t tender_record_holder_count(const struct tender_record *r)
{
	return r->nholders;
}

const struct tender_holder *tender_record_holder(const struct tender_record *r, size_t i)
{
	return i < r->nholders ? &r->holders[i] : NULL;
}

const char *tender_record_reference_sha256(const struct tender_record *r)
{
	return r->has_reference ? r->reference : NULL;
}

size_t tender_record_field_count(const struct tender_record *r)
{
	return r->nfields;
}

const struct tender_opening_field *tender_record_field(const struct tender_record *r, size_t i)
{
	return i < r->nfields ? &r->fields[i] : NULL;
}
