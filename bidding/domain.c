/* bidding/domain.c — the bidding ledger module: projection tables bd_*, one
 * apply function per event kind (version 1), and the helpers the module's
 * files share. Apply functions read only the event, its index and bd_*
 * tables, so a replay — full, or public after the reveal — rebuilds them.
 *
 * Bid states (bd_bid.status; every arrow is an event):
 *
 *   bid.submitted --> live --bid.withdrawn--> withdrawn
 *                     |  \--bid.submitted (same firm, on time)--> replaced
 *                     |--tender.closed (no deposit, et.deposit.required)--> excluded
 *                     \--bids.opened--> opened | revoked (bidder's fault) | withdrawn (cn.e.31)
 *
 * Tender phases (bd_close, bd_release, bd_opening):
 *   open --tender.closed--> closed --share.released x k, bids.opened--> opened
 *        |                        \--opening.failed (et.open.window)--> unopened
 *        \--tender.closed (failed, cn.reg.44)--> failed
 *
 * Invariants: at most one live bid per firm and tender; a ciphertext hash
 * appears in at most one bid (bd_part primary key); nothing changes a bid
 * after the close except the opening; a tender is closed, and opened, at
 * most once (primary keys). */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bidding/bidding_int.h"
#include "crypto/crypto.h"

/* ---- helpers ------------------------------------------------------------ */


/* The rules each kind's command checked, named in its payload's "rules"
 * (as tender events carry them: tender/domain.c); a payload's own "rule"
 * (the close's cn.reg.44, the window's et.open.window) is added if not
 * listed. */
static const struct {
	const char *kind;
	const char *rules[16];
} event_rules[] = {
	{ "bid.submitted",
	  { "et.auth.role", "et.auth.org", "et.auth.stage", "et.bid.closed", "cn.e.27",
	    "et.reg.required", "et.bid.manifest", "et.bid.parts", "et.bid.signature",
	    "et.bid.exists", "et.bid.duplicate", "et.bid.stanzas" } },
	{ "bid.withdrawn",
	  { "et.auth.role", "et.auth.org", "et.auth.stage", "et.bid.closed", "cn.e.27",
	    "et.bid.live" } },
	{ "deposit.recorded",
	  { "et.auth.role", "et.deposit.input", "et.deposit.org", "et.deposit.deadline" } },
	{ "tender.closed",
	  { "et.auth.role", "et.auth.stage", "et.close.early", "et.deposit.required",
	    "et.amend.bid" } },
	{ "share.released",
	  { "et.auth.role", "et.keys.holder", "et.open.stage", "et.open.released",
	    "et.open.signature", "et.open.key" } },
	{ "bids.opened",
	  { "et.auth.role", "et.open.stage", "et.open.keys", "et.open.changed", "cn.e.31",
	    "et.bid.xml", "et.bid.identity", "et.bid.lots" } },
	{ "record.confirmed", { "et.record.none", "et.record.bidder", "et.record.answered" } },
	{ "objection.raised",
	  { "et.record.none", "et.record.bidder", "et.record.answered", "et.record.text" } },
	{ "opening.failed", { "et.auth.role", "et.open.stage", "et.open.keys", "et.open.window" } },
	{ "bid.reconfirmed",
	  { "et.auth.role", "et.auth.org", "et.auth.stage", "et.bid.closed", "cn.e.27",
	    "et.amend.bid", "et.bid.live", "et.amend.none" } },
};

static int name_rules(const char *kind, json_t *pl)
{
	json_t *arr = json_array(), *rule = json_object_get(pl, "rule");
	bool listed = false;

	if (!arr)
		return et_fail(ET_ENOMEM);
	for (size_t i = 0; i < sizeof event_rules / sizeof event_rules[0]; i++)
		if (!strcmp(event_rules[i].kind, kind))
			for (size_t j = 0; j < 16 && event_rules[i].rules[j]; j++) {
				if (json_is_string(rule) &&
				    !strcmp(json_string_value(rule), event_rules[i].rules[j]))
					listed = true;
				if (json_array_append_new(arr, json_string(event_rules[i].rules[j]))) {
					json_decref(arr);
					return et_fail(ET_ENOMEM);
				}
			}
	if (json_is_string(rule) && json_string_length(rule) && !listed &&
	    json_array_append(arr, rule)) {
		json_decref(arr);
		return et_fail(ET_ENOMEM);
	}
	return json_object_set_new(pl, "rules", arr) ? et_fail(ET_ENOMEM) : ET_OK;
}

int bd_emit(struct audit_tx *tx, const char *kind, const char *actor, const char *tender,
	    json_t *pl, bool confidential, uint64_t *index)
{
	char *buf;
	int rc;

	if (!pl)
		return et_fail(ET_ENOMEM);
	if ((rc = name_rules(kind, pl)))
		return rc;
	if (!(buf = json_dumps(pl, BD_JSON_FLAGS)))
		return et_fail(ET_ENOMEM);
	struct audit_event ev = { kind, 1, 0, actor ? actor : "", tender ? tender : "",
				  (const unsigned char *)buf, strlen(buf), confidential };
	rc = audit_tx_emit(tx, &ev, index);
	free(buf);
	return rc;
}

int bd_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx, struct audit_result *res,
	      struct tender_diag *d)
{
	int rc;

	if (!l)
		return et_fail(ET_EINVAL);
	rc = audit_ledger_submit(l, fn, ctx, res);
	if (d) {
		if (rc && d->rc != rc)
			(void)tender_diag_set(d, rc, d->rule[0] ? d->rule : NULL, "操作失败",
					      "the command failed", "%s", et_strerror(rc));
		else if (!rc)
			d->rc = ET_OK;
	}
	return rc;
}

int bd_state_load(sqlite3 *db, const char *tender, struct bd_state *s)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = audit_sql_prepare(db, &st, "SELECT failed, received, counted, idx, time_us FROM bd_close WHERE tender = ?1",
			     "t", tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		s->closed = true;
		s->failed = sqlite3_column_int64(st, 0) != 0;
		s->received = (unsigned)sqlite3_column_int64(st, 1);
		s->counted = (unsigned)sqlite3_column_int64(st, 2);
		s->close_index = (uint64_t)sqlite3_column_int64(st, 3);
		s->closed_us = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if ((rc = audit_sql_prepare(db, &st, "SELECT count(*) FROM bd_release WHERE tender = ?1", "t", tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		s->released = (unsigned)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_opening WHERE tender = ?1", "t", tender)))
		return rc;
	s->opened = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_unopened WHERE tender = ?1", "t", tender)))
		return rc;
	s->unopened = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

static int bech32_key(const char *s, const char *hrp, unsigned char out[32])
{
	char *h = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = crypto_bech32_decode(s, &h, &data, &len)))
		return ET_EINVAL;
	rc = strcmp(h, hrp) == 0 && len == 32 ? ET_OK : ET_EINVAL;
	if (rc == ET_OK)
		memcpy(out, data, 32);
	if (data)
		crypto_wipe(data, len);
	free(data);
	free(h);
	return rc;
}

int bd_recipient_key(const char *recipient, unsigned char out[32])
{
	return bech32_key(recipient, "age", out);
}

int bd_identity_key(const char *identity, unsigned char out[32])
{
	return bech32_key(identity, "age-secret-key-", out);
}

int bd_holders(sqlite3 *db, const char *tender, unsigned *k, struct tender_holder_info **hv,
	       size_t *n, unsigned char (*pubs)[32])
{
	int rc;

	if ((rc = tender_db_holders(db, tender, k, hv, n)))
		return rc;
	if (*n < 2 || *n > ET_THRESHOLD_MAX_HOLDERS) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	for (size_t i = 0; i < *n; i++) {
		if ((*hv)[i].index != i + 1 || bd_recipient_key((*hv)[i].recipient, pubs[i])) {
			rc = et_fail(ET_EDB);
			goto out;
		}
	}
out:
	if (rc) {
		tender_holders_free(*hv);
		*hv = NULL;
		*n = 0;
	}
	return rc;
}

int bd_user_ed25519(sqlite3 *db, const char *user, unsigned char pub[32])
{
	struct tender_user_info u;
	size_t got = 0;
	int rc;

	if ((rc = tender_db_user(db, user, &u)))
		return rc == ET_ENOTFOUND ? ET_EKEY : rc;
	if (!u.ed25519[0] || et_b64_decode(u.ed25519, strlen(u.ed25519), pub, 32, &got) || got != 32)
		return ET_EKEY;
	return ET_OK;
}

bool bd_id_ok(const char *s)
{
	size_t n;

	if (!s || !(n = strlen(s)) || n >= TENDER_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* Read the first bytes of a stored part (its age header). *out malloc'd. */
int bd_read_head(const struct bid_blobs *b, const unsigned char sha[32], unsigned char **out,
		     size_t *len)
{
	int fd = -1, rc = ET_OK;
	unsigned char *buf = NULL;
	size_t n = 0;
	ssize_t got;

	*out = NULL;
	*len = 0;
	if ((rc = b->open(b->ctx, sha, &fd)))
		return rc;
	if (!(buf = malloc(BD_HEAD_MAX))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while (n < BD_HEAD_MAX && (got = read(fd, buf + n, BD_HEAD_MAX - n)) != 0) {
		if (got < 0) {
			rc = et_fail(ET_EIO);
			goto out;
		}
		n += (size_t)got;
	}
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int bd_deny_stage(struct tender_diag *d, const char *rule, const char *zh, const char *en,
		      const char *tender)
{
	return tender_diag_set(d, ET_ESTATE, rule, zh, en, "%s", tender);
}

/* The actor as a bidder of a bidder firm, and a published tender not yet
 * closed. */
int bd_load_bidder(sqlite3 *db, const char *actor, const char *tender,
		   struct tender_principal *p, struct tender_info *t, const char *what,
		   int64_t arrival_us, struct tender_diag *d)
{
	struct bd_state s;
	int rc;

	if ((rc = tender_db_actor(db, actor, p, d)))
		return rc;
	if (!(p->roles & TENDER_ROLE_BIDDER))
		return tender_diag_set(d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				       "the actor's roles do not allow this", "%s", what);
	if (p->org_kind != TENDER_ORG_BIDDER)
		return tender_diag_set(d, ET_EDENIED, "et.auth.org", "非投标人机构",
				       "the actor's organisation is not a bidder firm", "%s", p->org);
	if ((rc = tender_db_tender(db, tender, t, d)))
		return rc;
	if (t->stage != TENDER_STAGE_PUBLISHED)
		return tender_diag_set(d, ET_ESTATE, "et.auth.stage", "项目当前阶段不允许此操作",
				       "not allowed in the tender's current stage", "%s in stage %s",
				       what, tender_stage_name(t->stage));
	if ((rc = bd_state_load(db, tender, &s)))
		return rc;
	if (s.closed && arrival_us >= t->schedule.bid_deadline_us)
		return tender_diag_set(d, ET_ESTATE, "cn.e.27", "投标截止时间后送达，拒收",
				       "arrived after the deadline: refused", "%s", tender);
	if (s.closed)
		return bd_deny_stage(d, "et.bid.closed", "投标已截止", "bidding is closed", tender);
	return ET_OK;
}

/* ---- schema --------------------------------------------------------------- */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS bd_bid(bid TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" org TEXT NOT NULL, user TEXT NOT NULL, signer TEXT NOT NULL, status TEXT NOT NULL,"
	" manifest TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, version INTEGER NOT NULL,"
	" sealed_us INTEGER NOT NULL, arrival_us INTEGER NOT NULL, idx INTEGER NOT NULL,"
	" replaces TEXT NOT NULL, deposit INTEGER NOT NULL DEFAULT 0,"
	" cause TEXT NOT NULL DEFAULT '', rule TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS bd_bid_tender ON bd_bid(tender, org);"
	"CREATE TABLE IF NOT EXISTS bd_part(sha256 TEXT PRIMARY KEY, bid TEXT NOT NULL,"
	" part INTEGER NOT NULL, size INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS bd_part_bid ON bd_part(bid, part);"
	"CREATE TABLE IF NOT EXISTS bd_deposit(id TEXT PRIMARY KEY, org TEXT NOT NULL,"
	" tender TEXT NOT NULL, year INTEGER NOT NULL, amount INTEGER NOT NULL,"
	" method TEXT NOT NULL, payer_sha256 TEXT NOT NULL, idx INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bd_close(tender TEXT PRIMARY KEY, idx INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL, failed INTEGER NOT NULL, received INTEGER NOT NULL,"
	" counted INTEGER NOT NULL, rule TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bd_release(tender TEXT NOT NULL, idx_no INTEGER NOT NULL,"
	" holder TEXT NOT NULL, identity TEXT NOT NULL, idx INTEGER NOT NULL,"
	" PRIMARY KEY(tender, idx_no));"
	"CREATE TABLE IF NOT EXISTS bd_opening(tender TEXT PRIMARY KEY, idx INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL, record TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bd_offer(bid TEXT NOT NULL, lot TEXT NOT NULL,"
	" price INTEGER NOT NULL, duration INTEGER NOT NULL, PRIMARY KEY(bid, lot));"
	"CREATE TABLE IF NOT EXISTS bd_answer(idx INTEGER PRIMARY KEY, tender TEXT NOT NULL,"
	" org TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bd_reconfirm(bid TEXT PRIMARY KEY, version INTEGER NOT NULL,"
	" idx INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bd_unopened(tender TEXT PRIMARY KEY, idx INTEGER NOT NULL,"
	" time_us INTEGER NOT NULL, released INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bd_reference(ref TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" org TEXT NOT NULL, user TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
	" arrival_us INTEGER NOT NULL, idx INTEGER NOT NULL, status TEXT NOT NULL,"
	" cause TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS bd_reference_tender ON bd_reference(tender, status);"
	"CREATE TABLE IF NOT EXISTS bd_doc(bid TEXT NOT NULL, part INTEGER NOT NULL,"
	" name TEXT NOT NULL, PRIMARY KEY(bid, part));"
	"CREATE TABLE IF NOT EXISTS bd_attachment(bid TEXT NOT NULL, part INTEGER NOT NULL,"
	" tender TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
	" PRIMARY KEY(bid, part));"
	"CREATE TABLE IF NOT EXISTS bd_withdrawal(bid TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" org TEXT NOT NULL, time_us INTEGER NOT NULL, idx INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS bd_withdrawal_org ON bd_withdrawal(tender, org);"
	"CREATE TABLE IF NOT EXISTS bd_deposit_return(id TEXT PRIMARY KEY, tender TEXT NOT NULL,"
	" org TEXT NOT NULL, withdrawn_us INTEGER NOT NULL, due_us INTEGER NOT NULL,"
	" late INTEGER NOT NULL, idx INTEGER NOT NULL, time_us INTEGER NOT NULL);";

static const char *const tables[] = {
	"bd_bid", "bd_part", "bd_deposit", "bd_close", "bd_release", "bd_opening", "bd_offer",
	"bd_answer", "bd_reconfirm", "bd_unopened", "bd_reference", "bd_doc", "bd_attachment", "bd_withdrawal", "bd_deposit_return", NULL,
};

/* ---- apply functions ------------------------------------------------------ */

static int apply_submitted(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev), *parts;
	const char *tender, *bid, *org, *user, *signer, *man, *mh, *repl;
	int64_t version, sealed, arrival;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "bid", &bid)) ||
	    (rc = tender_json_str(o, "org", &org)) || (rc = tender_json_str(o, "user", &user)) ||
	    (rc = tender_json_str(o, "signer", &signer)) || (rc = tender_json_str(o, "manifest", &man)) ||
	    (rc = tender_json_str(o, "manifest_sha256", &mh)) || (rc = tender_json_str(o, "replaces", &repl)) ||
	    (rc = tender_json_int(o, "version", &version)) || (rc = tender_json_int(o, "sealed", &sealed)) ||
	    (rc = tender_json_int(o, "arrival", &arrival)))
		goto out;
	if (*repl && (rc = audit_sql_exec(db, "UPDATE bd_bid SET status = 'replaced' WHERE bid = ?1 AND"
				   " status = 'live'", "t", repl)))
		goto out;
	if ((rc = audit_sql_exec(db, "INSERT INTO bd_bid(bid, tender, org, user, signer, status, manifest,"
			  " manifest_sha256, version, sealed_us, arrival_us, idx, replaces) VALUES"
			  " (?1, ?2, ?3, ?4, ?5, 'live', ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
			  "tttttttiiiit", bid, tender, org, user, signer, man, mh, version, sealed,
			  arrival, (int64_t)index, repl)))
		goto out;
	parts = json_object_get(o, "parts");
	if (!json_is_array(parts)) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(parts); i++) {
		json_t *p = json_array_get(parts, i);
		const char *sha;
		int64_t n, size;
		if ((rc = tender_json_str(p, "sha256", &sha)) || (rc = tender_json_int(p, "part", &n)) ||
		    (rc = tender_json_int(p, "size", &size)) ||
		    (rc = audit_sql_exec(db, "INSERT INTO bd_part VALUES (?1, ?2, ?3, ?4)", "ttii", sha, bid,
				  n, size)))
			goto out;
	}
	{
		/* the name of each part's document as the client reported it
		 * (upload.parts[].documents[0].name), for the attachments kept
		 * at the opening */
		json_t *up = json_object_get(json_object_get(o, "upload"), "parts"), *e;
		size_t i;
		json_array_foreach(up, i, e) {
			json_t *doc = json_array_get(json_object_get(e, "documents"), 0);
			json_t *pn = json_object_get(e, "part");
			const char *nm = json_string_value(json_object_get(doc, "name"));
			if (!json_is_integer(pn) || !nm || strlen(nm) >= 256)
				continue;
			if ((rc = audit_sql_exec(db, "INSERT OR IGNORE INTO bd_doc VALUES (?1, ?2, ?3)",
						 "tit", bid, (int64_t)json_integer_value(pn), nm)))
				goto out;
		}
	}
out:
	json_decref(o);
	return rc;
}

static int apply_withdrawn(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *bid;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "bid", &bid)) == ET_OK &&
	    (rc = audit_sql_exec(db, "UPDATE bd_bid SET status = 'withdrawn' WHERE bid = ?1", "t", bid)) == ET_OK)
		/* when, for the deposit's return (cn.reg.35) */
		rc = audit_sql_exec(db, "INSERT INTO bd_withdrawal SELECT bid, tender, org, ?2, ?3 FROM"
				    " bd_bid WHERE bid = ?1", "tii", bid, ev->time_us, (int64_t)index);
	json_decref(o);
	return rc;
}

static int apply_deposit(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *id, *org, *tender, *method, *payer;
	int64_t year, amount;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "id", &id)) || (rc = tender_json_str(o, "org", &org)) ||
	    (rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "method", &method)) ||
	    (rc = tender_json_str(o, "payer_sha256", &payer)) || (rc = tender_json_int(o, "year", &year)) ||
	    (rc = tender_json_int(o, "amount", &amount)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO bd_deposit VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		     "tttiittii", id, org, tender, year, amount, method, payer, (int64_t)index,
		     ev->time_us);
out:
	json_decref(o);
	return rc;
}

static int apply_closed(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev), *bids;
	const char *tender, *rule;
	int64_t received, counted;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "rule", &rule)) ||
	    (rc = tender_json_int(o, "received", &received)) || (rc = tender_json_int(o, "counted", &counted)))
		goto out;
	if (!json_is_boolean(json_object_get(o, "failed")) ||
	    !json_is_array(bids = json_object_get(o, "bids"))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if ((rc = audit_sql_exec(db, "INSERT INTO bd_close VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "tiiiiit",
			  tender, (int64_t)index, ev->time_us,
			  (int64_t)json_is_true(json_object_get(o, "failed")), received, counted,
			  rule)))
		goto out;
	for (size_t i = 0; i < json_array_size(bids); i++) {
		json_t *b = json_array_get(bids, i);
		json_t *dep = json_object_get(b, "deposit"), *cnt = json_object_get(b, "counts");
		const char *bid;
		if ((rc = tender_json_str(b, "bid", &bid)))
			goto out;
		if (!json_is_boolean(dep) || !json_is_boolean(cnt)) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		if ((rc = audit_sql_exec(db, "UPDATE bd_bid SET deposit = ?2 WHERE bid = ?1", "ti", bid,
				  (int64_t)json_is_true(dep))))
			goto out;
		/* why a bid does not count: "rule" (absent in the first logs: the deposit) */
		if (!json_is_true(cnt)) {
			const char *why = "et.deposit.required";
			if (json_object_get(b, "rule") && (rc = tender_json_str(b, "rule", &why)))
				goto out;
			if ((rc = audit_sql_exec(db, "UPDATE bd_bid SET status = 'excluded', rule = ?2,"
					  " cause = ?3 WHERE bid = ?1", "ttt", bid, why,
					  strcmp(why, "et.amend.bid") ? "no bid deposit" :
					  "answers a superseded version of the tender")))
				goto out;
		}
	}
out:
	json_decref(o);
	return rc;
}

static int apply_released(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *tender, *holder, *identity;
	int64_t i;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "holder", &holder)) ||
	    (rc = tender_json_str(o, "identity", &identity)) || (rc = tender_json_int(o, "index", &i)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO bd_release VALUES (?1, ?2, ?3, ?4, ?5)", "titti", tender, i,
		     holder, identity, (int64_t)index);
out:
	json_decref(o);
	return rc;
}

static int apply_opened(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev), *bids;
	const char *tender;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)))
		goto out;
	if (!json_is_array(bids = json_object_get(o, "bids"))) {
		rc = et_fail(ET_EINVAL);
		goto out;
	}
	if ((rc = audit_sql_exec(db, "INSERT INTO bd_opening VALUES (?1, ?2, ?3, ?4)", "tiib", tender,
			  (int64_t)index, ev->time_us, ev->payload, (int)ev->payload_len)))
		goto out;
	for (size_t i = 0; i < json_array_size(bids); i++) {
		json_t *b = json_array_get(bids, i), *offers;
		const char *bid, *status, *cause, *rule;
		if ((rc = tender_json_str(b, "bid", &bid)) || (rc = tender_json_str(b, "status", &status)) ||
		    (rc = tender_json_str(b, "cause", &cause)) || (rc = tender_json_str(b, "rule", &rule)) ||
		    (rc = audit_sql_exec(db, "UPDATE bd_bid SET status = ?2, cause = ?3, rule = ?4 WHERE"
				  " bid = ?1", "tttt", bid, status, cause, rule)))
			goto out;
		if (!json_is_array(offers = json_object_get(b, "offers"))) {
			rc = et_fail(ET_EINVAL);
			goto out;
		}
		for (size_t j = 0; j < json_array_size(offers); j++) {
			json_t *f = json_array_get(offers, j);
			const char *lot;
			int64_t price, dur;
			if ((rc = tender_json_str(f, "lot", &lot)) || (rc = tender_json_int(f, "price", &price)) ||
			    (rc = tender_json_int(f, "duration", &dur)) ||
			    (rc = audit_sql_exec(db, "INSERT INTO bd_offer VALUES (?1, ?2, ?3, ?4)", "ttii", bid,
					  lot, price, dur)))
				goto out;
		}
		{
			json_t *atts = json_object_get(b, "attachments"), *a;
			size_t j;
			json_array_foreach(atts, j, a) {
				const char *nm, *sha;
				int64_t part, size;
				if ((rc = tender_json_str(a, "name", &nm)) || (rc = tender_json_str(a, "sha256", &sha)) ||
				    (rc = tender_json_int(a, "part", &part)) || (rc = tender_json_int(a, "size", &size)) ||
				    (rc = audit_sql_exec(db, "INSERT INTO bd_attachment VALUES (?1, ?2, ?3, ?4,"
							 " ?5, ?6)", "tittit", bid, part, tender, nm, size,
							 sha)))
					goto out;
			}
		}
	}
	{
		/* the sealed reference price (标底), if the record shows one */
		json_t *ref = json_object_get(o, "reference");
		const char *id, *status, *cause;
		if (ref && ((rc = tender_json_str(ref, "ref", &id)) ||
			    (rc = tender_json_str(ref, "status", &status)) ||
			    (rc = tender_json_str(ref, "cause", &cause)) ||
			    (rc = audit_sql_exec(db, "UPDATE bd_reference SET status = ?2, cause = ?3"
						 " WHERE ref = ?1", "ttt", id, status, cause))))
			goto out;
	}
out:
	json_decref(o);
	return rc;
}

static int apply_answer(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *tender, *org, *user, *text = "";
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_str(o, "org", &org)) ||
	    (rc = tender_json_str(o, "user", &user)))
		goto out;
	if (json_object_get(o, "text") && (rc = tender_json_str(o, "text", &text)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO bd_answer VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "itttt" "t",
		     (int64_t)index, tender, org, user,
		     strcmp(ev->kind, "record.confirmed") ? "objection" : "confirmation", text);
out:
	json_decref(o);
	return rc;
}

static int apply_unopened(sqlite3 *db, const struct audit_event *ev, uint64_t index, void *ctx)
{
	json_t *o = tender_event_payload(ev);
	const char *tender;
	int64_t released;
	int rc;

	(void)ctx;
	if (!o)
		return et_fail(ET_EINVAL);
	if ((rc = tender_json_str(o, "tender", &tender)) || (rc = tender_json_int(o, "released", &released)))
		goto out;
	rc = audit_sql_exec(db, "INSERT INTO bd_unopened VALUES (?1, ?2, ?3, ?4)", "tiii", tender,
			    (int64_t)index, ev->time_us, released);
out:
	json_decref(o);
	return rc;
}

static const struct audit_kind kinds[] = {
	{ "bid.submitted", 1, apply_submitted },
	{ "bid.withdrawn", 1, apply_withdrawn },
	{ "deposit.recorded", 1, apply_deposit },
	{ "tender.closed", 1, apply_closed },
	{ "share.released", 1, apply_released },
	{ "bids.opened", 1, apply_opened },
	{ "record.confirmed", 1, apply_answer },
	{ "objection.raised", 1, apply_answer },
	{ "bid.reconfirmed", 1, bd_apply_reconfirmed },
	{ "opening.failed", 1, apply_unopened },
	{ "reference.submitted", 1, bd_apply_reference },
	{ "deposit.returned", 1, bd_apply_deposit_returned },
};

static const struct audit_module bid_module = {
	"bidding", schema, tables, kinds, sizeof kinds / sizeof kinds[0], NULL,
};

#define BD_MAX_MODULES 8

static const struct audit_module *all_modules[BD_MAX_MODULES];
static size_t all_count;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static void all_init(void)
{
	size_t n = 0;
	const struct audit_module *const *t = tender_ledger_modules(&n);

	for (size_t i = 0; i < n && all_count < BD_MAX_MODULES - 1; i++)
		all_modules[all_count++] = t[i];
	all_modules[all_count++] = &bid_module;
}

const struct audit_module *const *bid_ledger_modules(size_t *n)
{
	pthread_once(&all_once, all_init);
	*n = all_count;
	return all_modules;
}

int bd_new_id(const char *prefix, char out[TENDER_ID_LEN])
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[10];
	size_t pl = strlen(prefix);
	int rc;

	if (pl + 17 > TENDER_ID_LEN)
		return et_fail(ET_EINVAL);
	if ((rc = crypto_random(r, sizeof r)))
		return rc;
	memcpy(out, prefix, pl);
	for (size_t i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 5, v = 0;
		for (unsigned b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((r[bit / 8] >> (7 - bit % 8)) & 1u);
		out[pl + i] = alpha[v];
	}
	out[pl + 16] = 0;
	return ET_OK;
}
