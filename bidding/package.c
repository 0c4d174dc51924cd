/* bidding/package.c — the bid package (docs/formats.md "Bid package"): the
 * canonical manifest (encode, sign, strict parse, verify), the keyless
 * check of a sealed part's stanzas, and bid.xml (hardened parse, the
 * embedded bid XSD, the offers). Pure functions: no ledger, no clock. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bidding/bidding_int.h"
#include "bidding/bid_xsd.h"
#include "crypto/crypto.h"

#define MAGIC "etender-bid/v1\n"

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* tender.xsd's Id: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
bool bd_xsd_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > ET_TENDER_ID_MAX || n >= TENDER_ID_LEN || !alnum(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* PREFIX + 6..40 of [a-z0-9] (the XSDs' OrgId, BidId; user ids alike). */
static bool prefixed_id(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix), n = strlen(s);

	if (strncmp(s, prefix, pl) || n < pl + 6 || n > pl + 40)
		return false;
	for (size_t i = pl; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static bool fields_ok(const struct bid_manifest *m)
{
	return bd_xsd_id_ok(m->tender) && prefixed_id(m->bid, "bid-") &&
	       prefixed_id(m->org, "org-") && prefixed_id(m->user, "usr-") && m->sealed_us >= 0 &&
	       m->version <= INT64_MAX &&
	       m->nparts >= 1 && m->nparts <= BID_MAX_PARTS;
}

int bid_manifest_signed_bytes(const struct bid_manifest *m, struct et_buf *out)
{
	char hex[65];
	int rc;

	if (!m || !out || !fields_ok(m))
		return ET_EINVAL;
	if ((rc = et_buf_printf(out, MAGIC "tender %s\nbid %s\norg %s\nuser %s\nversion %llu\n"
				"sealed %lld\n", m->tender, m->bid, m->org, m->user,
				(unsigned long long)m->version, (long long)m->sealed_us)))
		return rc;
	for (size_t i = 0; i < m->nparts; i++) {
		et_hex_encode(m->parts[i].sha256, 32, hex);
		if ((rc = et_buf_printf(out, "part %zu %s %llu\n", i + 1, hex,
					(unsigned long long)m->parts[i].size)))
			return rc;
	}
	return ET_OK;
}

static int append_sig(const struct bid_manifest *m, struct et_buf *out)
{
	char b64[96];

	et_b64_encode(m->sig, sizeof m->sig, b64);
	return et_buf_printf(out, "sig %s\n", b64);
}

int bid_manifest_sign(struct bid_manifest *m, const unsigned char seed[32], struct et_buf *out)
{
	struct et_buf body;
	int rc;

	et_buf_init(&body, BID_MANIFEST_MAX);
	if ((rc = bid_manifest_signed_bytes(m, &body)) ||
	    (rc = crypto_ed25519_sign(seed, body.data, body.len, m->sig)) ||
	    (rc = et_buf_add(out, body.data, body.len)) || (rc = append_sig(m, out)))
		goto out;
out:
	et_buf_free(&body);
	return rc;
}

/* Copy the value of the line "key value" at *p (advancing past its newline)
 * into out[cap]; false if the line is not that. */
static bool take(const char **p, const char *end, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	const char *nl, *v;

	if ((size_t)(end - *p) < kl + 2 || memcmp(*p, key, kl) || (*p)[kl] != ' ')
		return false;
	v = *p + kl + 1;
	if (!(nl = memchr(v, '\n', (size_t)(end - v))) || nl == v || (size_t)(nl - v) >= cap)
		return false;
	memcpy(out, v, (size_t)(nl - v));
	out[nl - v] = 0;
	*p = nl + 1;
	return true;
}

static int bad(struct tender_diag *d, int rc, const char *what)
{
	return tender_diag_set(d, rc, "et.bid.manifest", "投标清单格式错误",
			       "the bid manifest is malformed", "%s", what);
}

int bid_manifest_parse(const void *buf, size_t len, struct bid_manifest *m, struct tender_diag *d)
{
	const char *p = buf, *end = (const char *)buf + len;
	char v[160];
	uint64_t u;
	struct et_buf again;
	size_t got = 0;
	int rc = ET_OK;

	tender_diag_clear(d);
	memset(m, 0, sizeof *m);
	et_buf_init(&again, BID_MANIFEST_MAX);
	if (!buf || len > BID_MANIFEST_MAX)
		return bad(d, ET_ELIMIT, "size");
	if (memchr(buf, 0, len))
		return bad(d, ET_EINVAL, "NUL byte");
	if (len < sizeof MAGIC - 1 || memcmp(p, MAGIC, sizeof MAGIC - 1))
		return bad(d, ET_EINVAL, "magic line");
	p += sizeof MAGIC - 1;
	if (!take(&p, end, "tender", m->tender, sizeof m->tender) ||
	    !take(&p, end, "bid", m->bid, sizeof m->bid) ||
	    !take(&p, end, "org", m->org, sizeof m->org) ||
	    !take(&p, end, "user", m->user, sizeof m->user))
		return bad(d, ET_EINVAL, "tender, bid, org, user lines");
	if (!take(&p, end, "version", v, sizeof v) || et_parse_u64(v, strlen(v), &m->version) ||
	    m->version > INT64_MAX)
		return bad(d, ET_EINVAL, "version line");
	if (!take(&p, end, "sealed", v, sizeof v) || et_parse_u64(v, strlen(v), &u) ||
	    u > INT64_MAX)
		return bad(d, ET_EINVAL, "sealed line");
	m->sealed_us = (int64_t)u;
	while (take(&p, end, "part", v, sizeof v)) {
		char *sp1 = strchr(v, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		struct bid_part_ref *pr;
		char hex[65];
		if (m->nparts == BID_MAX_PARTS)
			return bad(d, ET_ELIMIT, "too many parts");
		pr = &m->parts[m->nparts];
		if (!sp1 || !sp2 || sp2 - sp1 - 1 != 64)
			return bad(d, ET_EINVAL, "part line");
		memcpy(hex, sp1 + 1, 64);
		hex[64] = 0;
		if (et_parse_u64(v, (size_t)(sp1 - v), &u) || u != m->nparts + 1 ||
		    et_hex_decode(hex, pr->sha256, 32) ||
		    et_parse_u64(sp2 + 1, strlen(sp2 + 1), &pr->size))
			return bad(d, ET_EINVAL, "part line");
		m->nparts++;
	}
	if (!take(&p, end, "sig", v, sizeof v) ||
	    et_b64_decode(v, strlen(v), m->sig, sizeof m->sig, &got) || got != sizeof m->sig)
		return bad(d, ET_EINVAL, "sig line");
	if (p != end)
		return bad(d, ET_EINVAL, "trailing bytes");
	if (!fields_ok(m))
		return bad(d, ET_EINVAL, "ids or part count");
	/* exactly the canonical encoding (lowercase hex, no leading zeros …) */
	if ((rc = bid_manifest_signed_bytes(m, &again)) || (rc = append_sig(m, &again)))
		goto out;
	if (again.len != len || memcmp(again.data, buf, len))
		rc = bad(d, ET_EINVAL, "not canonical");
out:
	et_buf_free(&again);
	return rc;
}

int bid_manifest_verify(const struct bid_manifest *m, const unsigned char pub[32])
{
	struct et_buf body;
	int rc;

	et_buf_init(&body, BID_MANIFEST_MAX);
	if ((rc = bid_manifest_signed_bytes(m, &body)) == ET_OK)
		rc = crypto_ed25519_verify(pub, body.data, body.len, m->sig) ? ET_EVERIFY : ET_OK;
	et_buf_free(&body);
	return rc;
}

int bid_part_check(const unsigned char *head, size_t len, unsigned k, unsigned n,
		   const unsigned char (*holder_pubs)[32])
{
	struct crypto_age_header *hdr = NULL;
	size_t hl = 0;
	int rc;

	if ((rc = crypto_age_header_parse(head, len, &hdr, &hl)))
		return ET_EHEADER;
	rc = crypto_threshold_header_check(hdr, k, n, holder_pubs) ? ET_ESEALER : ET_OK;
	crypto_age_header_free(hdr);
	return rc;
}

/* ---- bid.xml ---------------------------------------------------------- */

/* Nodes of a bid.xml: its offers and up to BID_MAX_BOQ_LINES BoQ lines with
 * the whitespace between them. */
#define BID_XML_NODES (2 * BID_MAX_BOQ_LINES + 4096)

static struct tender_xml_schema *bid_schema;
static pthread_once_t bid_schema_once = PTHREAD_ONCE_INIT;

static void compile_bid_schema(void)
{
	/* Read-only after compilation and shared by threads until exit; NULL
	 * if it cannot be compiled (reported by bid_xml_parse). */
	if (tender_xml_schema_compile(bid_xsd_text, sizeof bid_xsd_text - 1, &bid_schema, NULL))
		bid_schema = NULL;
}

const char *bid_xml_schema_text(size_t *len)
{
	if (len)
		*len = sizeof bid_xsd_text - 1;
	return bid_xsd_text;
}

static int xml_bad(struct tender_diag *d, int rc, const char *what)
{
	return tender_diag_set(d, rc, "et.bid.xml", "bid.xml 无效", "bid.xml is not valid", "%s",
			       what);
}

int bid_xml_parse(const void *xml, size_t len, struct bid_document *out, struct tender_diag *d)
{
	struct tender_xml_limits lim = { BID_XML_MAX, ET_TENDER_XML_MAX_DEPTH, BID_XML_NODES };
	struct tender_xml_doc *doc = NULL;
	const struct tender_xml_node *root, *o;
	char v[32];
	uint64_t u;
	int rc;

	tender_diag_clear(d);
	memset(out, 0, sizeof *out);
	pthread_once(&bid_schema_once, compile_bid_schema);
	if (!bid_schema)
		return xml_bad(d, et_fail(ET_ENOMEM), "the bid XSD does not compile");
	if ((rc = tender_xml_parse(xml, len, &lim, &doc, d)))
		goto out;
	if ((rc = tender_xml_validate(doc, bid_schema, d))) {
		if (d)
			memcpy(d->rule, "et.bid.xml", sizeof "et.bid.xml");
		goto out;
	}
	root = tender_xml_root(doc);
	if ((rc = tender_xml_attr(root, "tender", true, out->tender, sizeof out->tender)) ||
	    (rc = tender_xml_attr(root, "bid", true, out->bid, sizeof out->bid)) ||
	    (rc = tender_xml_attr(root, "org", true, out->org, sizeof out->org))) {
		rc = xml_bad(d, ET_EINVAL, "identity attributes");
		goto out;
	}
	for (o = tender_xml_child(root, "offer"); o; o = tender_xml_next(o, "offer")) {
		struct bid_offer *f;
		if (out->noffers == BID_MAX_OFFERS) {
			rc = xml_bad(d, ET_ELIMIT, "too many offers");
			goto out;
		}
		f = &out->offers[out->noffers];
		if (tender_xml_attr(o, "lot", true, f->lot, sizeof f->lot) ||
		    tender_xml_text(tender_xml_child(o, "price"), true, v, sizeof v) ||
		    et_parse_u64(v, strlen(v), &u) || u == 0 || u > INT64_MAX) {
			rc = xml_bad(d, ET_EINVAL, "offer price");
			goto out;
		}
		f->price_fen = (int64_t)u;
		if (tender_xml_text(tender_xml_child(o, "durationDays"), true, v, sizeof v) ||
		    et_parse_u64(v, strlen(v), &u) || u == 0 || u > 36500) {
			rc = xml_bad(d, ET_EINVAL, "offer duration");
			goto out;
		}
		f->duration_days = (int64_t)u;
		for (size_t j = 0; j < out->noffers; j++)
			if (!strcmp(out->offers[j].lot, f->lot)) {
				rc = tender_diag_set(d, ET_EINVAL, "et.bid.lots", "同一标段重复报价",
						     "two offers for one lot", "%s", f->lot);
				goto out;
			}
		out->noffers++;
	}
	for (o = tender_xml_child(root, "field"); o; o = tender_xml_next(o, "field")) {
		struct bid_field *f;
		if (out->nfields == TENDER_OPENING_FIELDS_MAX) {
			rc = xml_bad(d, ET_ELIMIT, "too many fields");
			goto out;
		}
		f = &out->fields[out->nfields];
		if (tender_xml_attr(o, "id", true, f->id, sizeof f->id) ||
		    tender_xml_text(o, false, f->value, sizeof f->value)) {
			rc = xml_bad(d, ET_EINVAL, "field");
			goto out;
		}
		for (size_t j = 0; j < out->nfields; j++)
			if (!strcmp(out->fields[j].id, f->id)) {
				rc = tender_diag_set(d, ET_EINVAL, "et.bid.xml", "唱标字段重复",
						     "two answers to one opening field", "%s", f->id);
				goto out;
			}
		out->nfields++;
	}
out:
	tender_xml_free(doc);
	return rc;
}

/* "12.5" -> 12500 thousandths (the XSD admits 0..12 digits . 1..3 digits). */
static int quantity_milli(const char *s, int64_t *out)
{
	const char *dot = strchr(s, '.');
	uint64_t whole, frac = 0;
	size_t fl = dot ? strlen(dot + 1) : 0;

	if (et_parse_u64(s, dot ? (size_t)(dot - s) : strlen(s), &whole) || whole > 999999999999ULL ||
	    fl > 3 || (dot && (!fl || et_parse_u64(dot + 1, fl, &frac))))
		return ET_EINVAL;
	for (size_t i = fl; i < 3; i++)
		frac *= 10;
	*out = (int64_t)(whole * 1000 + frac);
	return ET_OK;
}

int bid_xml_boq(const void *xml, size_t len, struct bid_boq_line **out, size_t *n,
		struct tender_diag *d)
{
	struct tender_xml_limits lim = { BID_XML_MAX, ET_TENDER_XML_MAX_DEPTH, BID_XML_NODES };
	struct tender_xml_doc *doc = NULL;
	const struct tender_xml_node *root, *o, *b, *ln;
	struct bid_boq_line *v = NULL;
	size_t k = 0, cap = 0;
	char q[32], up[32], tot[32];
	uint64_t u1, u2;
	int rc;

	tender_diag_clear(d);
	*out = NULL;
	*n = 0;
	pthread_once(&bid_schema_once, compile_bid_schema);
	if (!bid_schema)
		return xml_bad(d, et_fail(ET_ENOMEM), "the bid XSD does not compile");
	if ((rc = tender_xml_parse(xml, len, &lim, &doc, d)))
		goto out;
	if ((rc = tender_xml_validate(doc, bid_schema, d))) {
		if (d)
			memcpy(d->rule, "et.bid.xml", sizeof "et.bid.xml");
		goto out;
	}
	root = tender_xml_root(doc);
	for (o = tender_xml_child(root, "offer"); o; o = tender_xml_next(o, "offer")) {
		char lot[ET_TENDER_ID_MAX + 1];
		if (tender_xml_attr(o, "lot", true, lot, sizeof lot)) {
			rc = xml_bad(d, ET_EINVAL, "offer lot");
			goto out;
		}
		if (!(b = tender_xml_child(o, "boq")))
			continue;
		for (ln = tender_xml_child(b, "line"); ln; ln = tender_xml_next(ln, "line")) {
			struct bid_boq_line *l;
			if (k == BID_MAX_BOQ_LINES) {
				rc = xml_bad(d, ET_ELIMIT, "too many BoQ lines");
				goto out;
			}
			if (k == cap) {
				size_t nc = cap ? 2 * cap : 64;
				void *t = realloc(v, nc * sizeof *v);
				if (!t) {
					rc = et_fail(ET_ENOMEM);
					goto out;
				}
				v = t;
				cap = nc;
			}
			l = &v[k];
			memset(l, 0, sizeof *l);
			memcpy(l->lot, lot, sizeof l->lot);
			if (tender_xml_attr(ln, "item", true, l->item, sizeof l->item) ||
			    tender_xml_attr(ln, "quantity", true, q, sizeof q) ||
			    tender_xml_attr(ln, "unitPrice", true, up, sizeof up) ||
			    tender_xml_attr(ln, "total", true, tot, sizeof tot) ||
			    quantity_milli(q, &l->quantity_milli) || et_parse_u64(up, strlen(up), &u1) ||
			    et_parse_u64(tot, strlen(tot), &u2) || u1 > INT64_MAX || u2 > INT64_MAX) {
				rc = xml_bad(d, ET_EINVAL, "BoQ line");
				goto out;
			}
			l->unit_price_fen = (int64_t)u1;
			l->total_fen = (int64_t)u2;
			k++;
		}
	}
out:
	tender_xml_free(doc);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return ET_OK;
}

/* Append text with the XML special characters escaped. */
static int xml_escaped(struct et_buf *out, const char *t)
{
	int rc = ET_OK;

	for (; *t && !rc; t++)
		switch (*t) {
		case '&': rc = et_buf_addstr(out, "&amp;"); break;
		case '<': rc = et_buf_addstr(out, "&lt;"); break;
		case '>': rc = et_buf_addstr(out, "&gt;"); break;
		case '"': rc = et_buf_addstr(out, "&quot;"); break;
		default: rc = et_buf_add(out, t, 1);
		}
	return rc;
}

static bool field_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > TENDER_FIELD_ID_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int bid_xml_write(const struct bid_document *doc, struct et_buf *out)
{
	int rc;

	if (!doc || !out || !bd_xsd_id_ok(doc->tender) || !prefixed_id(doc->bid, "bid-") ||
	    !prefixed_id(doc->org, "org-") || doc->noffers == 0 || doc->noffers > BID_MAX_OFFERS)
		return ET_EINVAL;
	for (size_t i = 0; i < doc->noffers; i++) {
		const struct bid_offer *f = &doc->offers[i];
		if (!bd_xsd_id_ok(f->lot) || f->price_fen < 1 || f->duration_days < 1 ||
		    f->duration_days > 36500)
			return ET_EINVAL;
	}
	if ((rc = et_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				"<bid xmlns=\"urn:etender:bid:1\" formatVersion=\"1\" tender=\"%s\""
				" bid=\"%s\" org=\"%s\">\n", doc->tender, doc->bid, doc->org)))
		return rc;
	for (size_t i = 0; i < doc->noffers; i++) {
		const struct bid_offer *f = &doc->offers[i];
		if ((rc = et_buf_printf(out, "  <offer lot=\"%s\">\n    <price currency=\"CNY\">%lld"
					"</price>\n    <durationDays>%lld</durationDays>\n  </offer>\n",
					f->lot, (long long)f->price_fen, (long long)f->duration_days)))
			return rc;
	}
	for (size_t i = 0; i < doc->nfields; i++) {
		const struct bid_field *f = &doc->fields[i];
		if (doc->nfields > TENDER_OPENING_FIELDS_MAX || !field_id_ok(f->id) || !*f->value ||
		    strlen(f->value) >= TENDER_FIELD_TEXT_BYTES)
			return ET_EINVAL;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(doc->fields[j].id, f->id))
				return ET_EINVAL;
		if ((rc = et_buf_printf(out, "  <field id=\"%s\">", f->id)) ||
		    (rc = xml_escaped(out, f->value)) || (rc = et_buf_addstr(out, "</field>\n")))
			return rc;
	}
	return et_buf_addstr(out, "</bid>\n");
}
