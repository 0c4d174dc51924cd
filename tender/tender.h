/* tender/tender.h — the tender module's public interface: the hardened XML
 * reader every module uses for XML (tender.xml now, bid.xml later), the tender
 * record parsed from a validated tender.xml, and the rules profiles (G7: time
 * limits, bid and panel minimums as versioned data, each rule with its id).
 * Times are int64 microseconds since the Unix epoch, UTC (core clock). */
#ifndef ET_TENDER_H
#define ET_TENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ---- diagnostics ------------------------------------------------------ */

/* Why an input was refused. Filled by every function below that takes one
 * (NULL is allowed: no diagnostics). Caller-owned, fixed size, no frees. */
struct tender_diag {
	int rc;                               /* the ET_* returned */
	long line;                            /* line of the first XML error; 0 if none */
	char rule[ET_TENDER_RULE_ID_MAX];     /* rule id refused ("cn.law.24"), "" if none */
	char msg[ET_TENDER_DIAG_MAX];         /* "中文 / English: details", NUL-terminated,
					       * truncated with "..." past the cap */
};

/* Empty a diagnostic (rc ET_OK, no rule, no message). */
void tender_diag_clear(struct tender_diag *d);

/* ---- hardened XML reader (xml.c) ------------------------------------- */

/* A parsed document and a compiled XSD; both opaque. */
struct tender_xml_doc;
struct tender_xml_schema;
/* A node of a tender_xml_doc; valid as long as its document. */
struct tender_xml_node;

/* Caps for one parse. NULL in tender_xml_parse() means the defaults
 * ET_TENDER_XML_MAX_BYTES / _DEPTH / _NODES of core/limits.h. */
struct tender_xml_limits {
	size_t max_bytes;
	unsigned max_depth;
	unsigned max_nodes;
};

/* Parse XML from memory with every dangerous feature off: no network, no DTD
 * at all (a DOCTYPE refuses the document), no entity declaration or
 * substitution, no XInclude, UTF-8 only, caps on bytes, depth and elements.
 * On ET_OK *out is a new document the caller frees with tender_xml_free();
 * on failure *out is NULL and d says why: ET_ELIMIT past a cap, ET_EINVAL
 * otherwise (ET_ENOMEM). */
int tender_xml_parse(const void *data, size_t len, const struct tender_xml_limits *lim,
		     struct tender_xml_doc **out, struct tender_diag *d) ET_MUST_CHECK;
void tender_xml_free(struct tender_xml_doc *doc);

/* Compile an XSD held in memory (external imports and includes are refused).
 * On ET_OK the caller frees *out with tender_xml_schema_free(). */
int tender_xml_schema_compile(const void *xsd, size_t len, struct tender_xml_schema **out,
			      struct tender_diag *d) ET_MUST_CHECK;
void tender_xml_schema_free(struct tender_xml_schema *s);

/* The platform's tender.xml schema (tender/tender.xsd, compiled into the
 * binary), compiled once per process and shared read-only; never free it.
 * NULL only if it cannot be compiled (out of memory). */
const struct tender_xml_schema *tender_xml_schema_tender(void);
/* The embedded tender.xsd text, for publication (GET of the schema). */
const char *tender_xml_schema_tender_text(size_t *len);

/* Validate a parsed document against a compiled schema. ET_OK if valid,
 * ET_EINVAL with the validator's first messages (and line) in d. */
int tender_xml_validate(const struct tender_xml_doc *doc, const struct tender_xml_schema *s,
			struct tender_diag *d) ET_MUST_CHECK;

/* Walking a document (validated documents; all pointers borrowed from doc).
 * Elements are matched by local name in the namespace of the parent. */
const struct tender_xml_node *tender_xml_root(const struct tender_xml_doc *doc);
/* First element child named name (NULL: any element), or NULL. */
const struct tender_xml_node *tender_xml_child(const struct tender_xml_node *parent,
					       const char *name);
/* Next element sibling named name (NULL: any element), or NULL. */
const struct tender_xml_node *tender_xml_next(const struct tender_xml_node *node,
					      const char *name);
/* Local name of an element; borrowed. */
const char *tender_xml_name(const struct tender_xml_node *node);
long tender_xml_line(const struct tender_xml_node *node);
/* Copy the text content (or the attribute value) into out[cap], NUL-
 * terminated. ET_ENOTFOUND if the attribute is absent, ET_ELIMIT if it does
 * not fit (out is then ""). If trim, XML white space at both ends is
 * dropped (for typed values such as times and numbers). */
int tender_xml_text(const struct tender_xml_node *node, bool trim, char *out,
		    size_t cap) ET_MUST_CHECK;
int tender_xml_attr(const struct tender_xml_node *node, const char *name, bool trim,
		    char *out, size_t cap) ET_MUST_CHECK;

/* ---- rules profiles (rules.c) ---------------------------------------- */

/* A rules profile (G7): versioned data, immutable, static; never freed. */
struct tender_profile;

/* The legal schedule of a tender. */
struct tender_schedule {
	int64_t documents_from_us;        /* documents issued / available from */
	int64_t documents_to_us;          /* documents available until */
	int64_t registration_deadline_us;
	int64_t question_deadline_us;
	int64_t bid_deadline_us;          /* deadline = opening time */
};

/* How a rule's value is measured. */
enum tender_rule_unit {
	TENDER_UNIT_COUNT,        /* a number (bids, panel members) */
	TENDER_UNIT_DURATION,     /* microseconds (days in cn, minutes in demo) */
	TENDER_UNIT_FRACTION,     /* num / den */
};

/* One rule of a profile, for listing (docs, UI). All strings static. */
struct tender_rule_info {
	const char *id;           /* "cn.law.24" */
	const char *source;       /* "招标投标法 第二十四条" */
	const char *zh;           /* what it requires, Chinese */
	const char *en;           /* what it requires, English */
	enum tender_rule_unit unit;
	int64_t value;            /* count, microseconds, or numerator */
	int64_t den;              /* denominator for TENDER_UNIT_FRACTION, else 1 */
};

/* Look a profile up by name and version. ET_ENOTFOUND if there is none. */
int tender_rules_lookup(const char *name, unsigned version,
			const struct tender_profile **out) ET_MUST_CHECK;
const char *tender_rules_name(const struct tender_profile *p);
unsigned tender_rules_version(const struct tender_profile *p);
/* Length of the profile's "day" in microseconds (86400 s in cn, 60 s in demo). */
int64_t tender_rules_day_us(const struct tender_profile *p);
size_t tender_rules_count(const struct tender_profile *p);
/* The i-th rule, or NULL past the end. */
const struct tender_rule_info *tender_rules_get(const struct tender_profile *p, size_t i);
/* The rule with this id, or NULL. */
const struct tender_rule_info *tender_rules_find(const struct tender_profile *p,
						 const char *id);

/* Check a proposed schedule: the order of its dates (et.schedule.order),
 * documents available long enough (cn.reg.16), documents issued early enough
 * before the deadline (cn.law.24); durations are exact (microseconds), so
 * exactly 20 days passes and 20 days - 1 us does not. ET_OK, or ET_EINVAL
 * with the first violated rule id and a bilingual message in d. */
int tender_rules_check_schedule(const struct tender_profile *p, const struct tender_schedule *s,
				struct tender_diag *d) ET_MUST_CHECK;

/* cn.reg.21: a clarification or amendment published at published_us, less
 * than the minimum before deadline_us, moves the deadline so that exactly the
 * minimum remains. *new_deadline_us is deadline_us if no move is needed (d
 * then names no rule; a move names cn.reg.21 with rc ET_OK). ET_ESTATE if
 * published_us is not before the deadline. */
int tender_rules_clarified_deadline(const struct tender_profile *p, int64_t deadline_us,
				    int64_t published_us, int64_t *new_deadline_us,
				    struct tender_diag *d) ET_MUST_CHECK;

/* cn.reg.22: the last instant an objection to the documents is accepted, and
 * the instant by which the agent must answer an objection received at t. */
int64_t tender_rules_objection_cutoff(const struct tender_profile *p, int64_t deadline_us);
int64_t tender_rules_objection_answer_due(const struct tender_profile *p, int64_t received_us);

/* Working days in the profile's calendar (cn: Asia/Shanghai dates, weekends
 * and public holidays off, adjusted working days on). Counts the dates d with
 * date(from) < d <= date(to) that are working days (the first day is not
 * counted, as in Chinese law's reckoning of periods); 0 if to <= from.
 * ET_EINVAL (d says so) if a date lies outside the calendar's years.
 * The demo profile counts whole demo "days" (minutes) between the instants. */
int tender_rules_working_days(const struct tender_profile *p, int64_t from_us, int64_t to_us,
			      int64_t *days, struct tender_diag *d) ET_MUST_CHECK;
/* Is the Asia/Shanghai date containing t a working day? ET_EINVAL outside the
 * calendar's years. */
int tender_rules_is_working_day(const struct tender_profile *p, int64_t t_us,
				bool *working) ET_MUST_CHECK;

/* cn.law.28 / cn.reg.44: fewer bids received than this: no opening, the tender fails. */
unsigned tender_rules_min_bids(const struct tender_profile *p);
/* ET_OK if received bids allow opening; ET_ESTATE with rule cn.reg.44 otherwise. */
int tender_rules_check_bid_count(const struct tender_profile *p, unsigned received,
				 struct tender_diag *d) ET_MUST_CHECK;
/* cn.panel.9: panel size minimum, odd size, and experts' minimum share. */
unsigned tender_rules_panel_min(const struct tender_profile *p);
bool tender_rules_panel_odd(const struct tender_profile *p);
void tender_rules_panel_expert_share(const struct tender_profile *p, unsigned *num,
				     unsigned *den);
/* ET_OK if a panel of members with experts drawn experts is allowed;
 * ET_EINVAL with the rule id otherwise. */
int tender_rules_check_panel(const struct tender_profile *p, unsigned members, unsigned experts,
			     struct tender_diag *d) ET_MUST_CHECK;

/* ---- the tender record (record.c) ------------------------------------ */

enum tender_type {
	TENDER_CONSTRUCTION,
	TENDER_PROCUREMENT,
	TENDER_LAND,
	TENDER_ASSET,
};

enum tender_eval_method {
	TENDER_EVAL_LOWEST_PRICE,     /* lowest evaluated price, 经评审的最低投标价法 */
	TENDER_EVAL_COMPREHENSIVE,    /* comprehensive scoring, 综合评估法 */
};

enum tender_price_scoring {
	TENDER_PRICE_NONE,            /* lowest evaluated price: no price score */
	TENDER_PRICE_LOWEST_BASE,     /* base = lowest valid price (低价优先法) */
	TENDER_PRICE_TRIMMED_MEAN,    /* base = trimmed mean x K */
};

struct tender_qualification {
	char id[ET_TENDER_ID_MAX + 1];
	char kind[16];                /* licence|performance|personnel|finance|credit|other */
	const char *text;             /* owned by the record */
};

struct tender_boq_item {
	char code[ET_TENDER_ID_MAX + 1];
	char unit[ET_TENDER_ID_MAX + 1];
	char quantity[24];            /* as written, e.g. "1250.5" */
	int64_t quantity_milli;       /* exact, in thousandths */
	const char *description;      /* owned by the record */
};

struct tender_lot {
	char id[ET_TENDER_ID_MAX + 1];
	const char *title;            /* owned by the record */
	int64_t control_price_fen;    /* > 0 */
	enum tender_eval_method method;
	/* comprehensive only (0 otherwise); sum to 100 */
	unsigned weight_price, weight_technical, weight_business;
	enum tender_price_scoring scoring;
	unsigned k_factor_bp;         /* trimmed mean: base = mean x k / 10000 (10000 if absent) */
	unsigned trim;                /* prices dropped at each end before the mean */
	unsigned penalty_above_bp;    /* per 1 % above base: bp of the price weight lost */
	unsigned penalty_below_bp;    /* per 1 % below base */
	size_t boq_count;
	const struct tender_boq_item *boq;  /* boq_count items; owned by the record */
};

struct tender_holder {
	unsigned index;               /* 1..n, the Shamir share index */
	char org[ET_TENDER_ID_MAX + 1];
	char holder[ET_TENDER_ID_MAX + 1];
	char recipient[64];           /* age1... X25519 recipient (pattern-checked only) */
};

/* A tender record: immutable once parsed; opaque. */
struct tender_record;

/* Parse tender.xml: hardened parse, validation against the embedded XSD,
 * then the semantic rules the XSD cannot express, each refusal naming its
 * rule id: et.rules.profile, et.lots.unique, et.eval.weights,
 * et.eval.k_factor, et.boq.unique, et.boq.size, et.keys.k_min,
 * et.keys.k_le_n, et.keys.indices, et.keys.recipients, et.keys.holders,
 * et.keys.orgs, and the named profile's schedule rules (et.schedule.order,
 * cn.reg.16, cn.law.24); see docs/tender-record.md. On ET_OK *out is a new
 * record the caller frees with tender_record_free(); on failure *out is NULL
 * and d says why. Returns ET_EINVAL for every refusal of content, ET_ELIMIT
 * past a cap, ET_ENOMEM. */
int tender_record_parse(const void *xml, size_t len, struct tender_record **out,
			struct tender_diag *d) ET_MUST_CHECK;
void tender_record_free(struct tender_record *r);

/* Getters; every pointer is borrowed from r and lives as long as r. */
const char *tender_record_id(const struct tender_record *r);
const char *tender_record_title(const struct tender_record *r);
enum tender_type tender_record_type(const struct tender_record *r);
const char *tender_record_tenderer(const struct tender_record *r);   /* org id */
const char *tender_record_agent(const struct tender_record *r);      /* org id */
const struct tender_profile *tender_record_profile(const struct tender_record *r);
const struct tender_schedule *tender_record_schedule(const struct tender_record *r);
bool tender_record_joint_venture(const struct tender_record *r);
size_t tender_record_qualification_count(const struct tender_record *r);
const struct tender_qualification *tender_record_qualification(const struct tender_record *r,
							       size_t i);
size_t tender_record_lot_count(const struct tender_record *r);
const struct tender_lot *tender_record_lot(const struct tender_record *r, size_t i);
/* The lot with this id, or NULL. */
const struct tender_lot *tender_record_lot_by_id(const struct tender_record *r, const char *id);
unsigned tender_record_threshold(const struct tender_record *r);      /* k */
size_t tender_record_holder_count(const struct tender_record *r);     /* n */
/* Holders in index order: holder(r, i)->index == i + 1. */
const struct tender_holder *tender_record_holder(const struct tender_record *r, size_t i);
/* SHA-256 of the sealed reference price (标底) file, 64 lowercase hex
 * characters, or NULL if the tender has none. */
const char *tender_record_reference_sha256(const struct tender_record *r);

/* Strict UTC time "YYYY-MM-DDThh:mm:ss[.ffffff]Z" to microseconds since the
 * epoch; ET_EINVAL otherwise. Exposed for bid.xml and tests. */
int tender_parse_utc(const char *s, int64_t *us) ET_MUST_CHECK;

#endif
