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

#include <sqlite3.h>

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
/* Set d (if not NULL) to rc, rule (may be NULL) and a message built from a
 * bilingual summary "zh / en" and printf-style details; returns rc so that
 * callers write `rc = tender_diag_set(...); goto out;`. The message is
 * truncated at ET_TENDER_DIAG_MAX with "...". (Public for the sibling
 * domain modules, bidding/ first, which report refusals the same way.) */
int tender_diag_set(struct tender_diag *d, int rc, const char *rule, const char *zh,
		    const char *en, const char *fmt, ...) ET_PRINTF(6, 7);
/* Append "; " and printf-style text to d->msg (bounded, truncating). */
void tender_diag_append(struct tender_diag *d, const char *fmt, ...) ET_PRINTF(2, 3);

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
	TENDER_UNIT_CHOICE,       /* one of named choices (enum value, see the rule) */
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
/* et.deposit.required: must a bid deposit (annual or for the tender) be
 * recorded for a bid to count at the close? */
bool tender_rules_deposit_required(const struct tender_profile *p);
/* et.amend.bid: what an amendment (a clarification or a document published
 * after the tender) does to a bid that answered an earlier version of the
 * tender (its manifest's version is below the amendment's log index). The
 * bidder is told in every case (bid_notices); the policy decides whether such
 * a bid still counts at the close. */
enum tender_amend_policy {
	TENDER_AMEND_STANDS = 0,    /* the bid stands as sealed */
	TENDER_AMEND_RECONFIRM = 1, /* counts only if its bidder re-confirms it (bid.reconfirmed) */
	TENDER_AMEND_RESEAL = 2,    /* counts only if replaced by a bid sealed after the amendment */
};
enum tender_amend_policy tender_rules_amend_policy(const struct tender_profile *p);
const char *tender_amend_policy_name(enum tender_amend_policy a); /* "stands" … */
/* et.open.window: how long after the close k key holders have to release
 * their keys (microseconds); after it the opening fails (opening.failed). */
int64_t tender_rules_open_window(const struct tender_profile *p);
/* cn.reg.35: how long after a withdrawal its firm's per-tender bid deposit
 * must be returned (microseconds; cn v1 five days, demo v1 five minutes). */
int64_t tender_rules_deposit_return(const struct tender_profile *p);
/* cn.panel.9: panel size minimum, odd size, and experts' minimum share. */
unsigned tender_rules_panel_min(const struct tender_profile *p);
bool tender_rules_panel_odd(const struct tender_profile *p);
void tender_rules_panel_expert_share(const struct tender_profile *p, unsigned *num,
				     unsigned *den);
/* The evaluation rules (issue 5), read by evaluation/:
 * cn.reg.54: the candidates' publicity period (microseconds);
 * cn.reg.48: how far the evaluation deadline moves when more than a third of
 *   the panel ask for more time (microseconds);
 * cn.panel.27: with fewer valid bids than this the panel may reject all;
 * et.eval.expert_trim: with at least this many sheets for a bid its highest
 *   and lowest totals are dropped;
 * et.eval.price_trim: the trimmed-mean base trims only with at least this
 *   many valid bids (and never below 2 × trim + 1);
 * et.eval.low: a price below num/den of the mean valid price is flagged
 *   abnormally low for clarification. */
int64_t tender_rules_publicity(const struct tender_profile *p);
int64_t tender_rules_eval_extension(const struct tender_profile *p);
unsigned tender_rules_reject_all_below(const struct tender_profile *p);
unsigned tender_rules_expert_trim_min(const struct tender_profile *p);
unsigned tender_rules_price_trim_min(const struct tender_profile *p);
void tender_rules_abnormally_low(const struct tender_profile *p, int64_t *num, int64_t *den);
/* cn.panel.review: a bid fails the compliance review when the members who
 * find that it fails exceed num/den of the members (1/2: a majority). */
void tender_rules_review_fail(const struct tender_profile *p, int64_t *num, int64_t *den);
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
	/* <credit>: points of the business weight from the credit records, less
	 * credit_deduct per record in force at the deadline (0, 0: none) */
	unsigned credit_points, credit_deduct;
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
/* The fields the opening record reads out for every bid besides price and
 * duration (<openingFields>, 0..TENDER_OPENING_FIELDS_MAX, ids unique:
 * et.fields.unique), in record order. */
#define TENDER_OPENING_FIELDS_MAX 16
#define TENDER_FIELD_ID_MAX 32
#define TENDER_FIELD_TEXT_MAX 1000                          /* characters (XSD) */
#define TENDER_FIELD_TEXT_BYTES (4 * TENDER_FIELD_TEXT_MAX + 1)  /* UTF-8 bytes + NUL */
struct tender_opening_field {
	char id[TENDER_FIELD_ID_MAX + 1];
	char label[TENDER_FIELD_TEXT_BYTES];
};
size_t tender_record_field_count(const struct tender_record *r);
const struct tender_opening_field *tender_record_field(const struct tender_record *r, size_t i);

/* Strict UTC time "YYYY-MM-DDThh:mm:ss[.ffffff]Z" to microseconds since the
 * epoch; ET_EINVAL otherwise. Exposed for bid.xml and tests. */
int tender_parse_utc(const char *s, int64_t *us) ET_MUST_CHECK;

/* ======================================================================
 * ---- the domain layer (issue 3): accounts, keys, credit, tenders -----
 * ======================================================================
 * Commands go through the ledger (audit_ledger_submit): each validates
 * role x stage inside the writer, emits events and returns. Queries run
 * through audit_ledger_query (read-only snapshot). Nothing here knows HTTP
 * or JSON types; event payloads are canonical JSON (jansson,
 * JSON_SORT_KEYS|JSON_COMPACT), specified in docs/domain.md.
 *
 * Every command that can be refused takes a struct tender_diag *d (may be
 * NULL) and fills rc, the rule id applied ("et.auth.role", "cn.reg.21" …)
 * and a bilingual message. Results:
 *   ET_EDENIED  the actor's role or organisation does not allow it
 *               (et.auth.*, et.two_person, et.credit.barred, et.reg.required)
 *   ET_ESTATE   not in this stage / not at this time (et.auth.stage,
 *               et.reg.window, et.question.deadline, et.deadline.passed …)
 *   ET_EINVAL   malformed input, or a rule of the tender record
 *   ET_EVERIFY  a signature or proof of possession does not verify
 *   ET_EKEY     a key is not the one registered / expected
 *   ET_ENOTFOUND unknown user, organisation, tender, document, proposal
 *   ET_EEXIST   already exists (registration, login name, tender id)
 *   ET_ELIMIT   past a cap of core/limits.h
 *   ET_EDB / ET_EIO / ET_ENOMEM / ET_ECRYPTO  system failures
 * Ids are pseudonymous: "org-" / "usr-" + 16 characters of [a-z0-9]
 * (random, matching tender.xsd's org and holder patterns), documents
 * "doc-…", questions "q-…", clarifications "clr-…", proposals "dlp-…".
 * All times are UTC microseconds; "now" in a command is audit_tx_time. */

struct audit_ledger;
struct audit_module;

#define TENDER_ID_LEN 64          /* buffer size for any id (NUL included) */
#define TENDER_SHA256_HEX 65      /* 64 hex + NUL */
#define TENDER_TOKEN_LEN 72       /* "et1." + 64 hex + NUL, rounded */
#define TENDER_TOKEN_TTL_US (12LL * 3600 * 1000000)    /* API token lifetime */
#define TENDER_CHALLENGE_TTL_US (15LL * 60 * 1000000)  /* key challenge lifetime */

/* Roles of a user (bit mask). */
enum tender_role {
	TENDER_ROLE_ADMIN = 1u << 0,        /* administrator (trading center) */
	TENDER_ROLE_AGENT = 1u << 1,        /* tender agent / tenderer's staff */
	TENDER_ROLE_BIDDER = 1u << 2,       /* acts for a bidder firm */
	TENDER_ROLE_KEYHOLDER = 1u << 3,    /* may hold an opening key share */
	TENDER_ROLE_EXPERT = 1u << 4,       /* evaluation expert */
	TENDER_ROLE_SUPERVISOR = 1u << 5,   /* supervisor (监督) */
	TENDER_ROLE_STATISTICIAN = 1u << 6, /* statistician (统计) */
};
#define TENDER_ROLE_ALL 0x7fu

/* Kinds of organisation. Which roles a kind admits (et.account.org_kind):
 *   center:     admin, keyholder, statistician, expert
 *   tenderer:   agent (self-tendering), keyholder, expert
 *   agent:      agent, keyholder, expert
 *   bidder:     bidder, expert (never both in one user)
 *   supervisor: supervisor, keyholder, statistician, expert */
enum tender_org_kind {
	TENDER_ORG_CENTER,
	TENDER_ORG_TENDERER,
	TENDER_ORG_AGENT,
	TENDER_ORG_BIDDER,
	TENDER_ORG_SUPERVISOR,
};

/* "admin", "agent", … / "center", "tenderer", …; NULL if out of range. */
const char *tender_role_name(enum tender_role r);
const char *tender_org_kind_name(enum tender_org_kind k);
/* Parse a role or org-kind name; ET_EINVAL if unknown. */
int tender_role_parse(const char *s, enum tender_role *out) ET_MUST_CHECK;
int tender_org_kind_parse(const char *s, enum tender_org_kind *out) ET_MUST_CHECK;

/* Who is acting, as the web layer learns it from a token. */
struct tender_principal {
	char user[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	enum tender_org_kind org_kind;
	unsigned roles;                  /* enum tender_role bits */
};

/* ---- the ledger module ------------------------------------------------ */

/* The audit modules of the tender domain, for struct audit_ledger_config
 * (static, never freed; *n set to their number). Kinds (all version 1):
 * org.registered, user.registered, key.registered, credit.recorded,
 * tender.drafted, holder_key.registered, keyholders.proposed,
 * keyholders.approved, tender.published, document.uploaded,
 * document.downloaded (confidential), registration.made (confidential),
 * question.asked (confidential), clarification.published,
 * deadline.change_proposed, deadline.changed, tender.cancelled. */
const struct audit_module *const *tender_ledger_modules(size_t *n);

/* ---- the private side store (private.c) ------------------------------ */

/* A separate SQLite file (e.g. DATA/private.db, mode 0600) outside the log
 * and outside replay: personal details of people and firms (with the random
 * salt of their hash), login names, scrypt password hashes, API token
 * hashes, pending key challenges. Written directly, never through events;
 * events carry only details_sha256 = SHA-256 of the salted canonical JSON of
 * the details (so a row can be erased and a shown record still proven).
 * Thread-safe (one connection, serialised). */
struct tender_private;

/* Open or create; *out freed with tender_private_close. */
int tender_private_open(const char *path, struct tender_private **out) ET_MUST_CHECK;
void tender_private_close(struct tender_private *p);

/* A confidential record of another module in the side store (e.g. the
 * payer account of a bid deposit): {keys[i]: vals[i]} with a fresh random
 * salt, under a fresh id. hash_out receives SHA-256 (hex) of its canonical
 * JSON, for the event. ET_EEXIST if id is taken; ET_EINVAL if a value is not
 * UTF-8 or longer than ET_TENDER_DETAIL_MAX. */
int tender_private_record_put(struct tender_private *p, const char *id, const char *const *keys,
			      const char *const *vals, size_t n,
			      char hash_out[65]) ET_MUST_CHECK;
/* Erase a record (a refused command, or erasure of personal data). */
void tender_private_record_forget(struct tender_private *p, const char *id);
/* The record's canonical JSON (with its salt), to show and prove it;
 * *json malloc'd, caller frees. ET_ENOTFOUND if erased or unknown. */
int tender_private_record_get(struct tender_private *p, const char *id,
			      char **json) ET_MUST_CHECK;

/* Personal details of a person (side store only). Strings borrowed; NULL = "". */
struct tender_person {
	const char *name;        /* 姓名 */
	const char *phone;
	const char *id_number;   /* 身份证号 */
	const char *email;
};
/* Details of an organisation. legal_name is public in org.registered for
 * every kind except bidder (public bodies and agents are named in notices);
 * a bidder firm's name, credit code, address and phone stay in the side
 * store (the firm appears by id; its name is released after award). */
struct tender_org_details {
	const char *legal_name;
	const char *credit_code; /* 统一社会信用代码 */
	const char *address;
	const char *phone;
};

/* Bootstrap (etenderd init): on an empty platform (no user yet; ET_EEXIST
 * otherwise) create the trading center organisation and its first
 * administrator with login name `login` and a fresh random password.
 * Ids written to org_out/user_out (TENDER_ID_LEN); *password malloc'd
 * (caller prints it once, wipes and frees). Events: org.registered,
 * user.registered (actor = the new administrator). */
int tender_bootstrap(struct audit_ledger *l, struct tender_private *p, const char *center_name,
		     const char *login, char org_out[TENDER_ID_LEN], char user_out[TENDER_ID_LEN],
		     char **password) ET_MUST_CHECK;

/* Administrator registers an organisation. Event org.registered
 * {id, kind, name (not for bidders), details_sha256}. Roles: admin.
 * Rules: et.auth.role. */
int tender_org_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
			enum tender_org_kind kind, const struct tender_org_details *det,
			char id_out[TENDER_ID_LEN], struct tender_diag *d) ET_MUST_CHECK;

/* Administrator registers a user of org with roles (non-empty mask the
 * org's kind admits: et.account.org_kind), a unique login name (side store;
 * ET_EEXIST) and an initial password (>= 10 bytes: et.password.length;
 * scrypt N=2^15 r=8 p=1, 16-byte random salt, side store only). Event
 * user.registered {id, org, roles, details_sha256}. Roles: admin. */
int tender_user_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
			 const char *org, unsigned roles, const char *login, const char *password,
			 const struct tender_person *det, char id_out[TENDER_ID_LEN],
			 struct tender_diag *d) ET_MUST_CHECK;

/* The user changes its own password (old one checked). Side store only. */
int tender_password_change(struct tender_private *p, const char *user, const char *old_pw,
			   const char *new_pw, struct tender_diag *d) ET_MUST_CHECK;

/* Login by login name or user id and password. On success a new API token
 * (TENDER_TOKEN_LEN buffer; "et1." + 64 hex of 32 random bytes; only its
 * SHA-256 is stored, valid TENDER_TOKEN_TTL_US) and the principal.
 * ET_EDENIED for any wrong name or password (same answer, and scrypt runs
 * either way). */
int tender_login(struct audit_ledger *l, struct tender_private *p, const char *login,
		 const char *password, char token_out[TENDER_TOKEN_LEN],
		 struct tender_principal *who) ET_MUST_CHECK;
/* Token -> principal (roles and org read from the projection). ET_EDENIED
 * if unknown, expired or revoked; constant-time comparison of the hash. */
int tender_token_verify(struct audit_ledger *l, struct tender_private *p, const char *token,
			struct tender_principal *who) ET_MUST_CHECK;
/* Revoke one token (logout). ET_ENOTFOUND if unknown. */
int tender_token_revoke(struct tender_private *p, const char *token) ET_MUST_CHECK;

/* ---- keys -------------------------------------------------------------- */

/* Step 1 of a key registration, proof of possession of the X25519 key:
 * the platform draws a random 32-byte challenge, stores SHA-256 of its
 * expected response (valid TENDER_CHALLENGE_TTL_US) and returns the
 * challenge sealed with age to `recipient` ("age1…"), ASCII-armored
 * (*armored malloc'd, caller frees). The user decrypts it; the response is
 * the lowercase hex of SHA-256(challenge). Roles: any registered user. */
int tender_key_challenge(struct audit_ledger *l, struct tender_private *p, const char *user,
			 const char *recipient, char **armored) ET_MUST_CHECK;

/* The message a user signs with its Ed25519 key to register its keys
 * (proof of possession of the Ed25519 key, and binds the X25519 response):
 *   "etender-user-key/v1\n" USER "\n" RECIPIENT "\n" base64(ED25519-PUB) "\n"
 *   RESPONSE-HEX "\n"
 * appended to out. */
int tender_key_message(const char *user, const char *recipient,
		       const unsigned char ed25519_pub[32], const char *response_hex,
		       struct et_buf *out) ET_MUST_CHECK;

/* Step 2: register (or replace) the actor's own keys. Checks the challenge
 * response (et.keys.pop, ET_EVERIFY; consumed on success) and the
 * signature over tender_key_message (et.keys.signature, ET_EVERIFY).
 * Event key.registered {user, x25519 (age1…), ed25519 (base64), sig
 * (base64), pop: "age-challenge/v1"}. */
int tender_key_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
			const char *recipient, const unsigned char ed25519_pub[32],
			const char *response_hex, const unsigned char sig[64],
			struct tender_diag *d) ET_MUST_CHECK;

/* ---- credit records -------------------------------------------------- */

/* Administrator records a penalty that bars org from registering for
 * tenders in [from_us, until_us) (失信 / 禁止投标). basis: the decision's
 * public reference (<= 256 bytes). Event credit.recorded {org, basis,
 * from, until}. Roles: admin. */
int tender_credit_record(struct audit_ledger *l, const char *actor, const char *org,
			 const char *basis, int64_t from_us, int64_t until_us,
			 struct tender_diag *d) ET_MUST_CHECK;

/* ---- tender lifecycle (lifecycle.c) -------------------------------------
 *
 *   (none) --draft--> draft --publish--> published --(deadline: later issue)--> closed …
 *                       |  ^  redraft       |
 *                       |  +----------------+ (no: published is not redrafted)
 *                       +--cancel--> cancelled <--cancel-- published
 *
 * In draft: redraft (same agent org), documents, holder keys, holder set
 * proposal and supervisor approval; publish needs the approved set
 * (et.keys.approved) and now <= documentsFrom (et.publish.schedule).
 * In published, before the deadline: registration, downloads, questions,
 * clarifications (late ones move the deadline, cn.reg.21), documents
 * (an amendment: also cn.reg.21), two-person deadline change, cancel.
 * Agent commands need TENDER_ROLE_AGENT and the actor's org to be the
 * tender's agent or tenderer org (et.auth.org). */

enum tender_stage {
	TENDER_STAGE_DRAFT,
	TENDER_STAGE_PUBLISHED,
	TENDER_STAGE_CANCELLED,
	TENDER_STAGE_CLOSED,        /* later issues */
};
const char *tender_stage_name(enum tender_stage s);

/* Draft or redraft a tender from tender.xml (tender_record_parse; at most
 * ET_TENDER_DRAFT_MAX_XML bytes, which fit one leaf: et.tender.size). The
 * tender id is the record's; its agent org must be the actor's org (or its
 * tenderer org, self-tendering) and the orgs must exist with kinds agent /
 * tenderer (et.tender.orgs). A redraft resets the holder set proposal and
 * approval. Event tender.drafted {id, xml, sha256, title, type, tenderer,
 * agent, profile, version, schedule…, k, n}. id_out may be NULL. */
int tender_draft(struct audit_ledger *l, const char *actor, const void *xml, size_t len,
		 char id_out[TENDER_ID_LEN], struct tender_diag *d) ET_MUST_CHECK;

/* A key holder registers its fresh per-tender X25519 key with the line of
 * `etender holder keygen -i`: "etender-holder-key/v1 TENDER RECIPIENT
 * SIGNER-PUB SIG", SIG = Ed25519 by SIGNER-PUB over
 * "etender-holder-key/v1\nTENDER\nRECIPIENT\n". Checks: actor has the
 * keyholder role and is a holder of the draft's record with this recipient
 * (et.keys.recipient), SIGNER-PUB is the actor's registered Ed25519 key
 * (et.keys.signer, ET_EKEY), the signature (et.keys.signature, ET_EVERIFY),
 * the recipient decodes (ET_EINVAL) and is fresh: not the user's identity
 * key nor used in any other tender (et.keys.fresh). Stage: draft.
 * Event holder_key.registered {tender, holder, org, index, recipient,
 * signer, sig}. */
int tender_holder_key_register(struct audit_ledger *l, const char *actor, const char *line,
			       struct tender_diag *d) ET_MUST_CHECK;

/* The agent proposes the record's key-holder set: k >= 2 (et.keys.k_min),
 * holders of >= 2 orgs (et.keys.orgs), each holder an existing user with
 * the keyholder role in the org the record names (et.keys.holder), none of
 * a bidder org (et.keys.holder), every holder key registered
 * (et.keys.unregistered). Stage: draft. Event keyholders.proposed
 * {tender, k, n, holders:[{index, holder, org, recipient}], sha256}. */
int tender_keyholders_propose(struct audit_ledger *l, const char *actor, const char *tender,
			      struct tender_diag *d) ET_MUST_CHECK;
/* A supervisor (a different user than the proposer: et.two_person)
 * approves the proposed set. Stage: draft with a proposal. Event
 * keyholders.approved {tender, proposal (log index)}. */
int tender_keyholders_approve(struct audit_ledger *l, const char *actor, const char *tender,
			      struct tender_diag *d) ET_MUST_CHECK;

/* Publish a draft. Event tender.published {tender, deadline, …}. */
int tender_publish(struct audit_ledger *l, const char *actor, const char *tender,
		   struct tender_diag *d) ET_MUST_CHECK;

/* Document metadata (the bytes are the web layer's blob store). */
struct tender_document_new {
	const char *name;        /* file name shown, 1..255 bytes, no '/' */
	const char *kind;        /* "documents" | "boq" | "drawings" | "other" */
	uint64_t size;
	unsigned char sha256[32];
};
/* Agent adds a document. Stage draft, or published before the deadline (an
 * amendment: the deadline moves per cn.reg.21 if late; event
 * deadline.changed follows). Event document.uploaded {tender, id, name,
 * kind, size, sha256}. id_out: "doc-…". */
int tender_document_upload(struct audit_ledger *l, const char *actor, const char *tender,
			   const struct tender_document_new *doc, char id_out[TENDER_ID_LEN],
			   struct tender_diag *d) ET_MUST_CHECK;

struct tender_document {
	char id[TENDER_ID_LEN];
	char name[256];
	char kind[16];
	uint64_t size;
	char sha256[TENDER_SHA256_HEX];
	int64_t time_us;
};
/* Authorise a download of a document and record it. A bidder must be
 * registered for the tender (et.reg.required) and the tender published and
 * before the deadline (et.deadline.passed): confidential event
 * document.downloaded {tender, doc, org, user}. The tender's agent /
 * tenderer org, supervisors and administrators may fetch without an event.
 * Others: ET_EDENIED. meta (may be NULL) receives the metadata to serve. */
int tender_document_download(struct audit_ledger *l, const char *actor, const char *tender,
			     const char *doc, struct tender_document *meta,
			     struct tender_diag *d) ET_MUST_CHECK;

/* A bidder registers its firm (报名) for a published tender, in
 * [documentsFrom, registrationDeadline) (et.reg.window); refused while the
 * firm has an active credit penalty (et.credit.barred, ET_EDENIED) or is
 * the tender's agent/tenderer org; once per firm (ET_EEXIST).
 * Confidential event registration.made {tender, org, user}. */
int tender_register(struct audit_ledger *l, const char *actor, const char *tender,
		    struct tender_diag *d) ET_MUST_CHECK;

/* A registered bidder asks a question (1..ET_TENDER_TEXT_MAX bytes of
 * UTF-8) before the question deadline (et.question.deadline).
 * Confidential event question.asked {tender, id, org, user, text}. The
 * agent sees only the text (tender_questions). id_out "q-…". */
int tender_question_ask(struct audit_ledger *l, const char *actor, const char *tender,
			const char *text, char id_out[TENDER_ID_LEN],
			struct tender_diag *d) ET_MUST_CHECK;

/* Agent publishes a clarification or amendment (text 1..64 KiB UTF-8),
 * optionally answering question qid (NULL). Public event
 * clarification.published {tender, id, text, question}; if published less
 * than the profile's minimum before the deadline, then deadline.changed
 * {tender, deadline, previous, rule:"cn.reg.21", cause:id} (d names
 * cn.reg.21 with rc ET_OK; *new_deadline_us set, may be NULL). Stage:
 * published before the deadline. id_out "clr-…". */
int tender_clarify(struct audit_ledger *l, const char *actor, const char *tender,
		   const char *text, const char *qid, char id_out[TENDER_ID_LEN],
		   int64_t *new_deadline_us, struct tender_diag *d) ET_MUST_CHECK;

/* Two-person deadline change after publication (G6). An agent proposes
 * (event deadline.change_proposed {tender, id, deadline, previous,
 * reason}; a newer proposal supersedes a pending one); another authorised
 * user — an agent of the tender's agent/tenderer org or a supervisor, not
 * the proposer (et.two_person, ET_EDENIED) — approves (event
 * deadline.changed {tender, deadline, previous, rule:"et.two_person",
 * cause:proposal id, proposer}). Checked at approval: new deadline later
 * than now + the cn.reg.21 minimum (a change is an amendment), not before
 * the registration and question deadlines (et.deadline.order), documents
 * issued >= the cn.law.24 minimum before it. Stage: published before the
 * (current) deadline. */
int tender_deadline_propose(struct audit_ledger *l, const char *actor, const char *tender,
			    int64_t new_deadline_us, const char *reason,
			    char id_out[TENDER_ID_LEN], struct tender_diag *d) ET_MUST_CHECK;
int tender_deadline_approve(struct audit_ledger *l, const char *actor, const char *tender,
			    const char *proposal, struct tender_diag *d) ET_MUST_CHECK;

/* Agent cancels a draft or published tender (终止招标), reason <= 4 KiB.
 * Event tender.cancelled {tender, reason, from}; for a published tender
 * then the ledger's confidential.membership reveal of the tender's
 * confidential leaves (salt and H(payload) only, nobody named). */
int tender_cancel(struct audit_ledger *l, const char *actor, const char *tender,
		  const char *reason, struct tender_diag *d) ET_MUST_CHECK;

/* ---- queries (query.c) -------------------------------------------------
 * Read-only, through audit_ledger_query. who == NULL is the public. G4:
 * before the tender is closed, no query tells anyone but the acting firm
 * itself who registered, downloaded or asked, nor how many. Arrays are
 * malloc'd; free with the matching _free (NULL fine). */

struct tender_info {
	char id[TENDER_ID_LEN];
	char title[ET_TENDER_TEXT_MAX];
	char type[16];
	enum tender_stage stage;
	char agent_org[TENDER_ID_LEN];
	char tenderer_org[TENDER_ID_LEN];
	char profile[16];
	unsigned profile_version;
	struct tender_schedule schedule;   /* current: bid_deadline after moves */
	int64_t original_deadline_us;
	int64_t published_us;              /* 0 while draft */
	unsigned k, n;
	char holders_state[16];            /* "none" | "proposed" | "approved" */
	char xml_sha256[TENDER_SHA256_HEX];
	char pending_proposal[TENDER_ID_LEN]; /* deadline proposal awaiting approval, or "" */
	/* What the second person approves (G6): the pending proposal's new
	 * deadline, its reason and its proposer (user id); 0 / "" if none. */
	int64_t pending_deadline_us;
	char pending_reason[ET_TENDER_REASON_MAX];
	char pending_proposer[TENDER_ID_LEN];
};
/* Tenders visible to who: published (and later) ones to everyone; drafts
 * to the agent/tenderer org's users, supervisors and administrators. */
int tender_list(struct audit_ledger *l, const struct tender_principal *who,
		struct tender_info **out, size_t *n) ET_MUST_CHECK;
void tender_list_free(struct tender_info *v);
/* One tender (ET_ENOTFOUND if not visible to who); *xml (may be NULL:
 * not wanted) malloc'd copy of tender.xml with *xml_len. */
int tender_get(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
	       struct tender_info *out, unsigned char **xml, size_t *xml_len) ET_MUST_CHECK;

int tender_documents(struct audit_ledger *l, const struct tender_principal *who,
		     const char *tender, struct tender_document **out, size_t *n) ET_MUST_CHECK;
void tender_documents_free(struct tender_document *v);

struct tender_clarification {
	char id[TENDER_ID_LEN];
	char question[TENDER_ID_LEN];      /* answered question id or "" */
	char *text;                        /* owned by the array */
	int64_t time_us;
	int64_t deadline_after_us;         /* deadline after this clarification */
};
int tender_clarifications(struct audit_ledger *l, const struct tender_principal *who,
			  const char *tender, struct tender_clarification **out,
			  size_t *n) ET_MUST_CHECK;
void tender_clarifications_free(struct tender_clarification *v, size_t n);

/* Questions of a tender as the agent sees them: id, text, answered — no
 * org, no user, and ordered by id (random), not by time. Roles: agent of
 * the tender's org, supervisor. A bidder gets its own firm's questions
 * only (mine = true; those carry no identity either). */
struct tender_question {
	char id[TENDER_ID_LEN];
	char *text;                        /* owned by the array */
	bool answered;
};
int tender_questions(struct audit_ledger *l, const struct tender_principal *who,
		     const char *tender, struct tender_question **out, size_t *n) ET_MUST_CHECK;
void tender_questions_free(struct tender_question *v, size_t n);

/* The bidder firm's own registrations (who->org; roles bidder). */
struct tender_registration {
	char tender[TENDER_ID_LEN];
	char user[TENDER_ID_LEN];
	int64_t time_us;
};
int tender_my_registrations(struct audit_ledger *l, const struct tender_principal *who,
			    struct tender_registration **out, size_t *n) ET_MUST_CHECK;
void tender_registrations_free(struct tender_registration *v);

/* A tender's approved key-holder set for sealing: k and recipients in
 * index order (ET_ESTATE until approved). Public once published. */
struct tender_holder_info {
	unsigned index;
	char holder[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	char recipient[64];
};
int tender_holders(struct audit_ledger *l, const struct tender_principal *who, const char *tender,
		   unsigned *k, struct tender_holder_info **out, size_t *n) ET_MUST_CHECK;
void tender_holders_free(struct tender_holder_info *v);

/* A user's public record: org, roles, current keys ("" if none). */
struct tender_user_info {
	char id[TENDER_ID_LEN];
	char org[TENDER_ID_LEN];
	enum tender_org_kind org_kind;
	unsigned roles;
	char x25519[64];                   /* age1… */
	char ed25519[48];                  /* base64 */
};
int tender_user_get(struct audit_ledger *l, const char *user, struct tender_user_info *out) ET_MUST_CHECK;

/* Active credit penalty of org at time t? */
int tender_credit_barred(struct audit_ledger *l, const char *org, int64_t t_us,
			 bool *barred) ET_MUST_CHECK;

/* ---- reading the tender state from a sibling domain module -------------
 * For bidding/ and later modules: the same answers as the queries above,
 * on the connection the caller already has (audit_tx_db inside a command,
 * or the db of an audit_ledger_query callback), without visibility rules:
 * the caller applies its own. */
int tender_db_actor(sqlite3 *db, const char *user, struct tender_principal *p,
		    struct tender_diag *d) ET_MUST_CHECK;   /* ET_EDENIED et.auth.unknown */
int tender_db_tender(sqlite3 *db, const char *id, struct tender_info *out,
		     struct tender_diag *d) ET_MUST_CHECK;  /* ET_ENOTFOUND */
/* The tender's record parsed from its stored tender.xml (the published
 * version: a tender.xml is fixed once published). ET_ENOTFOUND if there is
 * no such tender; *out freed with tender_record_free. */
int tender_db_record(sqlite3 *db, const char *tender, struct tender_record **out) ET_MUST_CHECK;
int tender_db_org_kind(sqlite3 *db, const char *org,
		       enum tender_org_kind *kind) ET_MUST_CHECK;  /* ET_ENOTFOUND */
int tender_db_registered(sqlite3 *db, const char *tender, const char *org,
			 bool *yes) ET_MUST_CHECK;
int tender_db_user(sqlite3 *db, const char *user, struct tender_user_info *out) ET_MUST_CHECK;
/* The approved key-holder set (ET_ESTATE if not approved); *out malloc'd,
 * free with tender_holders_free. */
/* Shared by the domain modules' apply functions (tender, bidding,
 * evaluation): an event's payload parsed as a JSON object (duplicate keys
 * refused), or NULL; caller json_decref's. The getters: ET_EINVAL if the
 * member is missing or of the wrong type. */
struct json_t;
struct audit_event;
struct json_t *tender_event_payload(const struct audit_event *ev);
int tender_json_str(struct json_t *o, const char *key, const char **out) ET_MUST_CHECK;
int tender_json_int(struct json_t *o, const char *key, int64_t *out) ET_MUST_CHECK;

/* The log index of the tender's latest version: its publication, or the
 * latest clarification or document published after it (an amendment).
 * *amend_idx is 0 when there was no amendment after the publication. */
int tender_db_version(sqlite3 *db, const char *tender, uint64_t *version,
		      uint64_t *amend_idx) ET_MUST_CHECK;
int tender_db_holders(sqlite3 *db, const char *tender, unsigned *k,
		      struct tender_holder_info **out, size_t *n) ET_MUST_CHECK;

#endif
