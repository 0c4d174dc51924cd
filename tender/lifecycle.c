/* tender/lifecycle.c — the tender's commands from draft to publication and
 * cancellation: drafting from tender.xml, the key-holder set (holders'
 * per-tender keys, the agent's proposal, the supervisor's approval),
 * publication, documents, registration, downloads, questions,
 * clarifications, the two-person deadline change, cancellation.
 *
 * State diagram (td_tender.stage; every arrow is an event):
 *
 *   tender.drafted --> draft --tender.published--> published --tender.cancelled--> cancelled
 *                      |  ^ tender.drafted (redraft)      |
 *                      |  +--------                       +-- (deadline; closing: later issues)
 *                      +--tender.cancelled--> cancelled
 *   holders_state (draft only): none --keyholders.proposed--> proposed
 *                               --keyholders.approved--> approved; a redraft resets it to none.
 *
 * Invariants checked inside the writer (so check and use cannot drift):
 *  - publication needs holders_state = approved and now <= documentsFrom;
 *  - registration, downloads, questions, clarifications, documents after
 *    publication and deadline changes happen only while published and before
 *    the current deadline;
 *  - the deadline only moves later than now + the cn.reg.21 minimum, by a
 *    late clarification/amendment (cn.reg.21) or by two different people
 *    (et.two_person);
 *  - registrations, downloads and questions are confidential events. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "tender/tender_int.h"

static const char *type_name(enum tender_type t)
{
	switch (t) {
	case TENDER_CONSTRUCTION: return "construction";
	case TENDER_PROCUREMENT: return "procurement";
	case TENDER_LAND: return "land";
	case TENDER_ASSET: return "asset";
	}
	return "other";
}

static int deny_stage(struct tender_diag *d, const struct td_tender *t, const char *what)
{
	return tender_diag_set(d, ET_ESTATE, "et.auth.stage", "项目当前阶段不允许此操作",
			       "not allowed in the tender's current stage", "%s in stage %s", what,
			       tender_stage_name(t->stage));
}

static int deny_org(struct tender_diag *d, const char *what)
{
	return tender_diag_set(d, ET_EDENIED, "et.auth.org", "非本项目代理机构",
			       "the actor does not act for this tender's agent or tenderer", "%s",
			       what);
}

/* Load actor and tender; the actor must be an agent of the tender's org. */
static int load_agent(struct audit_tx *tx, const char *actor, const char *tender,
		      struct tender_principal *p, struct td_tender *t, const char *what,
		      struct tender_diag *d)
{
	int rc;

	if ((rc = td_actor_load(audit_tx_db(tx), actor, p, d)) ||
	    (rc = td_need_role(p, TENDER_ROLE_AGENT, what, d)) ||
	    (rc = td_tender_load(audit_tx_db(tx), tender, t, d)))
		return rc;
	if (!td_is_tender_agent(p, t))
		return deny_org(d, what);
	return ET_OK;
}

/* Published and before the current deadline. */
static int need_open(struct audit_tx *tx, const struct td_tender *t, const char *what,
		     struct tender_diag *d)
{
	if (t->stage != TENDER_STAGE_PUBLISHED)
		return deny_stage(d, t, what);
	if (audit_tx_time(tx) >= t->s.bid_deadline_us)
		return tender_diag_set(d, ET_ESTATE, "et.deadline.passed", "已过投标截止时间",
				       "the deadline has passed", "%s", what);
	return ET_OK;
}

static int profile_of(const struct td_tender *t, const struct tender_profile **p)
{
	return tender_rules_lookup(t->profile, t->version, p) ? et_fail(ET_EDB) : ET_OK;
}

static bool utf8_text_ok(const char *s, size_t max)
{
	json_t *j;
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	j = json_string(s);
	json_decref(j);
	return j != NULL;
}

/* ---- draft ------------------------------------------------------------------ */

struct draft_cmd {
	const char *actor;
	const struct tender_record *r;
	const void *xml;
	size_t len;
	struct tender_diag *d;
};

static int org_kind_is(sqlite3 *db, const char *org, enum tender_org_kind want, bool *ok)
{
	sqlite3_stmt *st = NULL;
	char kind[16];
	enum tender_org_kind k;
	int rc;

	*ok = false;
	if ((rc = audit_sql_prepare(db, &st, "SELECT kind FROM td_org WHERE id = ?1", "t", org)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		audit_sql_col_text(st, 0, kind, sizeof kind);
		*ok = tender_org_kind_parse(kind, &k) == ET_OK && k == want;
	}
	sqlite3_finalize(st);
	return ET_OK;
}

static int draft_command(struct audit_tx *tx, void *ctx)
{
	struct draft_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	const struct tender_record *r = c->r;
	const struct tender_schedule *s = tender_record_schedule(r);
	const struct tender_profile *prof = tender_record_profile(r);
	const char *id = tender_record_id(r), *agent = tender_record_agent(r),
		   *tenderer = tender_record_tenderer(r);
	struct tender_principal p;
	struct td_tender t;
	unsigned char h[32];
	char hex[TENDER_SHA256_HEX], *xml = NULL;
	json_t *pl = NULL, *hs = NULL;
	bool ok_t, ok_a;
	int rc;

	if ((rc = td_actor_load(db, c->actor, &p, c->d)) ||
	    (rc = td_need_role(&p, TENDER_ROLE_AGENT, "draft a tender", c->d)))
		return rc;
	if (strcmp(p.org, agent) && strcmp(p.org, tenderer))
		return deny_org(c->d, "draft a tender");
	rc = td_tender_load(db, id, &t, NULL);
	if (rc == ET_OK) {
		if (t.stage != TENDER_STAGE_DRAFT)
			return tender_diag_set(c->d, ET_EEXIST, "et.tender.exists", "项目编号已使用",
					       "the tender id is taken", "%s (%s)", id,
					       tender_stage_name(t.stage));
		if (!td_is_tender_agent(&p, &t))
			return deny_org(c->d, "redraft another organisation's tender");
	} else if (rc != ET_ENOTFOUND) {
		return rc;
	}
	if ((rc = org_kind_is(db, tenderer, TENDER_ORG_TENDERER, &ok_t)) ||
	    (rc = org_kind_is(db, agent, strcmp(agent, tenderer) ? TENDER_ORG_AGENT : TENDER_ORG_TENDERER,
			      &ok_a)))
		return rc;
	if (!ok_t || !ok_a)
		return tender_diag_set(c->d, ET_EINVAL, "et.tender.orgs", "招标人或代理机构未登记",
				       "tenderer or agent is not a registered organisation of that kind",
				       "tenderer %s, agent %s", tenderer, agent);
	if (!(xml = malloc(c->len + 1)))
		return et_fail(ET_ENOMEM);
	memcpy(xml, c->xml, c->len);
	xml[c->len] = 0;
	crypto_sha256(c->xml, c->len, h);
	et_hex_encode(h, sizeof h, hex);
	if (!(hs = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < tender_record_holder_count(r); i++) {
		const struct tender_holder *hd = tender_record_holder(r, i);
		if (json_array_append_new(hs, json_pack("{s:I, s:s, s:s, s:s}", "index",
							(json_int_t)hd->index, "holder", hd->holder,
							"org", hd->org, "recipient", hd->recipient))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	pl = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:O,"
		       " s:{s:I, s:I, s:I, s:I, s:I}}",
		       "id", id, "xml", xml, "sha256", hex, "title", tender_record_title(r), "type",
		       type_name(tender_record_type(r)), "tenderer", tenderer, "agent", agent,
		       "profile", tender_rules_name(prof), "version",
		       (json_int_t)tender_rules_version(prof), "k",
		       (json_int_t)tender_record_threshold(r), "n",
		       (json_int_t)tender_record_holder_count(r), "holders", hs, "schedule",
		       "documents_from", (json_int_t)s->documents_from_us, "documents_to",
		       (json_int_t)s->documents_to_us, "registration_deadline",
		       (json_int_t)s->registration_deadline_us, "question_deadline",
		       (json_int_t)s->question_deadline_us, "deadline", (json_int_t)s->bid_deadline_us);
	if (!pl) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	rc = td_emit(tx, "tender.drafted", c->actor, id, pl, false, NULL);
out:
	json_decref(pl);
	json_decref(hs);
	free(xml);
	return rc;
}

int tender_draft(struct audit_ledger *l, const char *actor, const void *xml, size_t len,
		 char id_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct tender_record *r = NULL;
	int rc;

	tender_diag_clear(d);
	if (!l || !xml)
		return et_fail(ET_EINVAL);
	if (len > ET_TENDER_DRAFT_MAX_XML)
		return tender_diag_set(d, ET_ELIMIT, "et.tender.size", "招标记录过大",
				       "tender.xml too large for one event", "%zu > %u bytes", len,
				       ET_TENDER_DRAFT_MAX_XML);
	if ((rc = tender_record_parse(xml, len, &r, d)))
		return rc;
	struct draft_cmd c = { actor, r, xml, len, d };
	rc = td_submit(l, draft_command, &c, d);
	if (rc == ET_OK && id_out) {
		const char *id = tender_record_id(r);
		size_t n = strnlen(id, TENDER_ID_LEN - 1);
		memcpy(id_out, id, n);
		id_out[n] = 0;
	}
	tender_record_free(r);
	return rc;
}

/* ---- key holders ------------------------------------------------------------ */

struct hk_cmd {
	const char *actor;
	char tender[TENDER_ID_LEN], recipient[64], pub[48], sig[96];
	unsigned char pubraw[32], sigraw[64];
	struct tender_diag *d;
};

static int hk_command(struct audit_tx *tx, void *ctx)
{
	struct hk_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	char want[64] = "", org[TENDER_ID_LEN] = "", mine[48] = "";
	int64_t index = 0;
	struct et_buf msg;
	json_t *pl = NULL;
	int rc, s;

	et_buf_init(&msg, 1024);
	if ((rc = td_actor_load(db, c->actor, &p, c->d)) ||
	    (rc = td_need_role(&p, TENDER_ROLE_KEYHOLDER, "register a holder key", c->d)) ||
	    (rc = td_tender_load(db, c->tender, &t, c->d)))
		goto out;
	if (t.stage != TENDER_STAGE_DRAFT) {
		rc = deny_stage(c->d, &t, "register a holder key");
		goto out;
	}
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT recipient, org, idx_no FROM td_tender_holder WHERE tender = ?1"
			     " AND holder = ?2", "tt", c->tender, c->actor)))
		goto out;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		audit_sql_col_text(st, 0, want, sizeof want);
		audit_sql_col_text(st, 1, org, sizeof org);
		index = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!want[0]) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.keys.holder", "非本项目密钥保管人",
				     "the actor is not a key holder of this tender's record", "%s",
				     c->tender);
		goto out;
	}
	if (strcmp(want, c->recipient)) {
		rc = tender_diag_set(c->d, ET_EKEY, "et.keys.recipient", "密钥与招标记录不符",
				     "the key is not the one in the tender record", "%s",
				     c->recipient);
		goto out;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT ed25519 FROM td_key WHERE user = ?1", "t", c->actor)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		audit_sql_col_text(st, 0, mine, sizeof mine);
	sqlite3_finalize(st);
	st = NULL;
	if (!mine[0] || strcmp(mine, c->pub)) {
		rc = tender_diag_set(c->d, ET_EKEY, "et.keys.signer", "签名密钥不是该用户登记的密钥",
				     "the signing key is not the holder's registered Ed25519 key",
				     "%s", mine[0] ? "mismatch" : "no key registered");
		goto out;
	}
	if ((rc = et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", c->tender, c->recipient)))
		goto out;
	if (crypto_ed25519_verify(c->pubraw, msg.data, msg.len, c->sigraw) != ET_OK) {
		rc = tender_diag_set(c->d, ET_EVERIFY, "et.keys.signature", "签名无效",
				     "the holder key's signature does not verify", "%s", c->tender);
		goto out;
	}
	/* fresh: neither an identity key nor another tender's holder key */
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT 1 FROM td_key WHERE x25519 = ?1 UNION ALL SELECT 1 FROM"
			     " td_holder_key WHERE recipient = ?1 AND tender <> ?2",
			     "tt", c->recipient, c->tender)))
		goto out;
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (s == SQLITE_ROW) {
		rc = tender_diag_set(c->d, ET_EKEY, "et.keys.fresh", "开标密钥须为本项目新生成",
				     "the tender key must be fresh for this tender", "%s",
				     c->recipient);
		goto out;
	}
	pl = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "tender", c->tender, "holder",
		       c->actor, "org", org, "index", (json_int_t)index, "recipient", c->recipient,
		       "signer", c->pub, "sig", c->sig);
	rc = td_emit(tx, "holder_key.registered", c->actor, c->tender, pl, false, NULL);
out:
	json_decref(pl);
	et_buf_free(&msg);
	return rc;
}

int tender_holder_key_register(struct audit_ledger *l, const char *actor, const char *line,
			       struct tender_diag *d)
{
	struct crypto_age_recipient *r = NULL;
	struct hk_cmd c;
	char buf[512], *f[6], *save = NULL;
	size_t n = 0, len;
	int rc;

	tender_diag_clear(d);
	memset(&c, 0, sizeof c);
	if (!l || !line)
		return et_fail(ET_EINVAL);
	len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= sizeof buf)
		goto bad;
	memcpy(buf, line, len);
	buf[len] = 0;
	for (char *tok = strtok_r(buf, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	if (n != 5 || strcmp(f[0], "etender-holder-key/v1") || strlen(f[1]) >= sizeof c.tender ||
	    strlen(f[2]) >= sizeof c.recipient || strlen(f[3]) >= sizeof c.pub ||
	    strlen(f[4]) >= sizeof c.sig)
		goto bad;
	size_t got = 0;
	if (et_b64_decode(f[3], strlen(f[3]), c.pubraw, sizeof c.pubraw, &got) || got != 32)
		goto bad;
	if (et_b64_decode(f[4], strlen(f[4]), c.sigraw, sizeof c.sigraw, &got) || got != 64)
		goto bad;
	if (crypto_age_recipient_parse(f[2], &r))
		goto bad;
	crypto_age_recipient_free(r);
	memcpy(c.tender, f[1], strlen(f[1]) + 1);
	memcpy(c.recipient, f[2], strlen(f[2]) + 1);
	memcpy(c.pub, f[3], strlen(f[3]) + 1);
	memcpy(c.sig, f[4], strlen(f[4]) + 1);
	c.actor = actor;
	c.d = d;
	rc = td_submit(l, hk_command, &c, d);
	return rc;
bad:
	return tender_diag_set(d, ET_EINVAL, "et.keys.line", "密钥登记行格式错误",
			       "malformed holder key line",
			       "%s", "etender-holder-key/v1 TENDER RECIPIENT SIGNER-PUB SIG");
}

struct kh_cmd {
	const char *actor, *tender;
	struct tender_diag *d;
};

static int propose_command(struct audit_tx *tx, void *ctx)
{
	struct kh_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	json_t *hs = NULL, *pl = NULL;
	int64_t orgs = 0;
	int rc, s;

	if ((rc = load_agent(tx, c->actor, c->tender, &p, &t, "propose key holders", c->d)))
		return rc;
	if (t.stage != TENDER_STAGE_DRAFT)
		return deny_stage(c->d, &t, "propose key holders");
	if (t.k < 2)
		return tender_diag_set(c->d, ET_EINVAL, "et.keys.k_min", "开标门限k至少为2",
				       "threshold k must be at least 2", "k = %u", t.k);
	if ((rc = audit_sql_prepare(db, &st, "SELECT count(DISTINCT org) FROM td_tender_holder WHERE tender = ?1",
			     "t", c->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		orgs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (orgs < 2)
		return tender_diag_set(c->d, ET_EINVAL, "et.keys.orgs", "密钥保管人须来自至少两个机构",
				       "key holders must come from at least two organisations",
				       "%lld", (long long)orgs);
	/* every holder: a keyholder of the named org (not a bidder firm), key registered */
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT h.idx_no, h.holder, h.org, h.recipient, u.org, u.roles, o.kind,"
			     " k.recipient FROM td_tender_holder h LEFT JOIN td_user u ON u.id = h.holder"
			     " LEFT JOIN td_org o ON o.id = u.org LEFT JOIN td_holder_key k ON"
			     " k.tender = h.tender AND k.holder = h.holder WHERE h.tender = ?1"
			     " ORDER BY h.idx_no", "t", c->tender)))
		return rc;
	if (!(hs = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		char holder[TENDER_ID_LEN], org[TENDER_ID_LEN], rcp[64], uorg[TENDER_ID_LEN],
			kind[16], krcp[64];
		audit_sql_col_text(st, 1, holder, sizeof holder);
		audit_sql_col_text(st, 2, org, sizeof org);
		audit_sql_col_text(st, 3, rcp, sizeof rcp);
		audit_sql_col_text(st, 4, uorg, sizeof uorg);
		audit_sql_col_text(st, 6, kind, sizeof kind);
		audit_sql_col_text(st, 7, krcp, sizeof krcp);
		if (strcmp(uorg, org) || !(sqlite3_column_int64(st, 5) & TENDER_ROLE_KEYHOLDER) ||
		    !strcmp(kind, "bidder")) {
			rc = tender_diag_set(c->d, ET_EINVAL, "et.keys.holder",
					     "密钥保管人须为所列机构中有保管人角色的用户",
					     "a holder must be a key-holder user of the organisation named",
					     "%s", holder);
			goto out;
		}
		if (strcmp(krcp, rcp)) {
			rc = tender_diag_set(c->d, ET_ESTATE, "et.keys.unregistered",
					     "密钥保管人尚未登记本项目密钥",
					     "a holder has not registered its tender key", "%s", holder);
			goto out;
		}
		if (json_array_append_new(hs, json_pack("{s:I, s:s, s:s, s:s}", "index",
							(json_int_t)sqlite3_column_int64(st, 0),
							"holder", holder, "org", org, "recipient", rcp))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if (s != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	pl = json_pack("{s:s, s:I, s:I, s:O, s:s}", "tender", c->tender, "k", (json_int_t)t.k, "n",
		       (json_int_t)t.n, "holders", hs, "sha256", t.xml_sha256);
	rc = td_emit(tx, "keyholders.proposed", c->actor, c->tender, pl, false, NULL);
out:
	sqlite3_finalize(st);
	json_decref(hs);
	json_decref(pl);
	return rc;
}

int tender_keyholders_propose(struct audit_ledger *l, const char *actor, const char *tender,
			      struct tender_diag *d)
{
	struct kh_cmd c = { actor, tender, d };

	tender_diag_clear(d);
	return td_submit(l, propose_command, &c, d);
}

static int approve_command(struct audit_tx *tx, void *ctx)
{
	struct kh_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	json_t *pl;
	int rc;

	if ((rc = td_actor_load(audit_tx_db(tx), c->actor, &p, c->d)) ||
	    (rc = td_need_role(&p, TENDER_ROLE_SUPERVISOR, "approve key holders", c->d)) ||
	    (rc = td_tender_load(audit_tx_db(tx), c->tender, &t, c->d)))
		return rc;
	if (t.stage != TENDER_STAGE_DRAFT)
		return deny_stage(c->d, &t, "approve key holders");
	if (strcmp(t.holders_state, "proposed"))
		return tender_diag_set(c->d, ET_ESTATE, "et.keys.proposed", "无待批准的密钥保管人组",
				       "no key-holder set awaits approval", "%s", t.holders_state);
	if (!strcmp(t.holders_proposed_by, c->actor))
		return tender_diag_set(c->d, ET_EDENIED, "et.two_person", "须由另一人批准",
				       "a different person must approve", "%s", c->actor);
	pl = json_pack("{s:s, s:I}", "tender", c->tender, "proposal",
		       (json_int_t)t.holders_proposal_idx);
	rc = td_emit(tx, "keyholders.approved", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int tender_keyholders_approve(struct audit_ledger *l, const char *actor, const char *tender,
			      struct tender_diag *d)
{
	struct kh_cmd c = { actor, tender, d };

	tender_diag_clear(d);
	return td_submit(l, approve_command, &c, d);
}

/* ---- publish ------------------------------------------------------------------ */

static int publish_command(struct audit_tx *tx, void *ctx)
{
	struct kh_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	json_t *pl;
	int rc;

	if ((rc = load_agent(tx, c->actor, c->tender, &p, &t, "publish", c->d)))
		return rc;
	if (t.stage != TENDER_STAGE_DRAFT)
		return deny_stage(c->d, &t, "publish");
	if (strcmp(t.holders_state, "approved"))
		return tender_diag_set(c->d, ET_ESTATE, "et.keys.approved",
				       "密钥保管人组尚未经监督批准",
				       "the key-holder set is not approved by the supervisor", "%s",
				       t.holders_state);
	if (audit_tx_time(tx) > t.s.documents_from_us)
		return tender_diag_set(c->d, ET_ESTATE, "et.publish.schedule",
				       "招标文件发出时间已过，请修改日程",
				       "the documents' issue time has passed; redraft the schedule",
				       "%s", t.id);
	pl = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "tender", c->tender, "sha256",
		       t.xml_sha256, "documents_from", (json_int_t)t.s.documents_from_us,
		       "documents_to", (json_int_t)t.s.documents_to_us, "registration_deadline",
		       (json_int_t)t.s.registration_deadline_us, "question_deadline",
		       (json_int_t)t.s.question_deadline_us, "deadline",
		       (json_int_t)t.s.bid_deadline_us);
	rc = td_emit(tx, "tender.published", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int tender_publish(struct audit_ledger *l, const char *actor, const char *tender,
		   struct tender_diag *d)
{
	struct kh_cmd c = { actor, tender, d };

	tender_diag_clear(d);
	return td_submit(l, publish_command, &c, d);
}

/* cn.reg.21: an amendment at now may move the deadline; emits
 * deadline.changed when it does. *after receives the deadline after it. */
static int late_move(struct audit_tx *tx, const struct td_tender *t, const char *actor,
		     const char *cause, int64_t *after, struct tender_diag *d, bool emit)
{
	const struct tender_profile *prof;
	struct tender_diag rd;
	int64_t nd = t->s.bid_deadline_us;
	json_t *pl;
	int rc;

	if ((rc = profile_of(t, &prof)))
		return rc;
	if ((rc = tender_rules_clarified_deadline(prof, t->s.bid_deadline_us, audit_tx_time(tx), &nd,
						  &rd)))
		return tender_diag_set(d, rc, rd.rule, "澄清时间不合规则", "clarification not allowed now",
				       "%s", rd.msg);
	*after = nd;
	if (!emit || nd == t->s.bid_deadline_us)
		return ET_OK;
	if (d)
		*d = rd;
	pl = json_pack("{s:s, s:I, s:I, s:s, s:s}", "tender", t->id, "deadline", (json_int_t)nd,
		       "previous", (json_int_t)t->s.bid_deadline_us, "rule", "cn.reg.21", "cause",
		       cause);
	rc = td_emit(tx, "deadline.changed", actor, t->id, pl, false, NULL);
	json_decref(pl);
	return rc;
}

/* ---- documents ------------------------------------------------------------------ */

struct doc_cmd {
	const char *actor, *tender, *doc;
	const struct tender_document_new *in;
	char id[TENDER_ID_LEN];
	struct tender_document *meta;
	struct tender_diag *d;
};

static int upload_command(struct audit_tx *tx, void *ctx)
{
	struct doc_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	char sha[TENDER_SHA256_HEX];
	int64_t after = 0;
	json_t *pl;
	int rc;

	if ((rc = load_agent(tx, c->actor, c->tender, &p, &t, "upload a document", c->d)))
		return rc;
	if (t.stage == TENDER_STAGE_PUBLISHED) {
		if ((rc = need_open(tx, &t, "upload a document", c->d)))
			return rc;
	} else if (t.stage != TENDER_STAGE_DRAFT) {
		return deny_stage(c->d, &t, "upload a document");
	}
	et_hex_encode(c->in->sha256, 32, sha);
	pl = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "tender", c->tender, "id", c->id, "name",
		       c->in->name, "kind", c->in->kind, "size", (json_int_t)c->in->size, "sha256",
		       sha);
	rc = td_emit(tx, "document.uploaded", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	if (rc == ET_OK && t.stage == TENDER_STAGE_PUBLISHED)
		rc = late_move(tx, &t, c->actor, c->id, &after, c->d, true);
	return rc;
}

int tender_document_upload(struct audit_ledger *l, const char *actor, const char *tender,
			   const struct tender_document_new *doc, char id_out[TENDER_ID_LEN],
			   struct tender_diag *d)
{
	static const char *const kinds[] = { "documents", "boq", "drawings", "other" };
	struct doc_cmd c;
	bool kind_ok = false;
	int rc;

	tender_diag_clear(d);
	memset(&c, 0, sizeof c);
	for (int i = 0; doc && doc->kind && i < 4; i++)
		kind_ok |= !strcmp(doc->kind, kinds[i]);
	if (!l || !doc || !kind_ok || !utf8_text_ok(doc->name, 255) || strchr(doc->name, '/') ||
	    doc->size > (uint64_t)INT64_MAX)
		return tender_diag_set(d, ET_EINVAL, NULL, "文件信息无效", "invalid document metadata",
				       "%s", "name 1..255 bytes UTF-8 without '/', kind documents|boq|drawings|other");
	for (const char *s = doc->name; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return tender_diag_set(d, ET_EINVAL, NULL, "文件名无效", "invalid file name",
					       "%s", "control character");
	if ((rc = td_new_id("doc-", c.id)))
		return rc;
	c.actor = actor;
	c.tender = tender;
	c.in = doc;
	c.d = d;
	if ((rc = td_submit(l, upload_command, &c, d)))
		return rc;
	if (id_out)
		memcpy(id_out, c.id, sizeof c.id);
	return ET_OK;
}

static int doc_load(sqlite3 *db, const char *tender, const char *doc, struct tender_document *m)
{
	sqlite3_stmt *st = NULL;
	int rc, s;

	memset(m, 0, sizeof *m);
	if (!doc)
		return ET_ENOTFOUND;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT id, name, kind, size, sha256, time_us FROM td_document WHERE"
			     " tender = ?1 AND id = ?2", "tt", tender, doc)))
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		audit_sql_col_text(st, 0, m->id, sizeof m->id);
		audit_sql_col_text(st, 1, m->name, sizeof m->name);
		audit_sql_col_text(st, 2, m->kind, sizeof m->kind);
		m->size = (uint64_t)sqlite3_column_int64(st, 3);
		audit_sql_col_text(st, 4, m->sha256, sizeof m->sha256);
		m->time_us = sqlite3_column_int64(st, 5);
	} else {
		rc = s == SQLITE_DONE ? ET_ENOTFOUND : et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

static int registered(sqlite3 *db, const char *tender, const char *org, bool *yes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*yes = false;
	if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM td_registration WHERE tender = ?1 AND org = ?2",
			     "tt", tender, org)))
		return rc;
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ET_OK;
}

static int download_command(struct audit_tx *tx, void *ctx)
{
	struct doc_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct td_tender t;
	struct tender_document m;
	bool reg;
	json_t *pl;
	int rc;

	if ((rc = td_actor_load(db, c->actor, &p, c->d)) ||
	    (rc = td_tender_load(db, c->tender, &t, c->d)))
		return rc;
	if ((rc = doc_load(db, c->tender, c->doc, &m)))
		return rc == ET_ENOTFOUND ? tender_diag_set(c->d, rc, NULL, "无此文件",
							    "no such document", "%s", c->doc)
					  : rc;
	if (td_is_tender_agent(&p, &t) || (p.roles & (TENDER_ROLE_SUPERVISOR | TENDER_ROLE_ADMIN))) {
		*c->meta = m;
		return ET_OK;
	}
	if (!(p.roles & TENDER_ROLE_BIDDER))
		return td_need_role(&p, TENDER_ROLE_BIDDER, "download a document", c->d);
	if ((rc = need_open(tx, &t, "download a document", c->d)) ||
	    (rc = registered(db, c->tender, p.org, &reg)))
		return rc;
	if (!reg)
		return tender_diag_set(c->d, ET_EDENIED, "et.reg.required", "须先报名",
				       "register for the tender first", "%s", c->tender);
	pl = json_pack("{s:s, s:s, s:s, s:s}", "tender", c->tender, "doc", c->doc, "org", p.org,
		       "user", p.user);
	rc = td_emit(tx, "document.downloaded", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (rc == ET_OK)
		*c->meta = m;
	return rc;
}

int tender_document_download(struct audit_ledger *l, const char *actor, const char *tender,
			     const char *doc, struct tender_document *meta,
			     struct tender_diag *d)
{
	struct tender_document m;
	struct doc_cmd c;
	int rc;

	tender_diag_clear(d);
	memset(&c, 0, sizeof c);
	c.actor = actor;
	c.tender = tender;
	c.doc = doc;
	c.meta = &m;
	c.d = d;
	if ((rc = td_submit(l, download_command, &c, d)))
		return rc;
	if (meta)
		*meta = m;
	return ET_OK;
}

/* ---- registration and questions -------------------------------------------------- */

struct bid_cmd {
	const char *actor, *tender, *text;
	char id[TENDER_ID_LEN];
	struct tender_diag *d;
};

static int load_bidder(struct audit_tx *tx, struct bid_cmd *c, struct tender_principal *p,
		       struct td_tender *t, const char *what)
{
	int rc;

	if ((rc = td_actor_load(audit_tx_db(tx), c->actor, p, c->d)) ||
	    (rc = td_need_role(p, TENDER_ROLE_BIDDER, what, c->d)) ||
	    (rc = td_tender_load(audit_tx_db(tx), c->tender, t, c->d)))
		return rc;
	if (p->org_kind != TENDER_ORG_BIDDER)
		return tender_diag_set(c->d, ET_EDENIED, "et.auth.org", "非投标人机构",
				       "the actor's organisation is not a bidder firm", "%s", p->org);
	return need_open(tx, t, what, c->d);
}

static int register_command(struct audit_tx *tx, void *ctx)
{
	struct bid_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	int64_t now = audit_tx_time(tx);
	bool reg, barred;
	json_t *pl;
	int rc;

	if ((rc = load_bidder(tx, c, &p, &t, "register")))
		return rc;
	if (now < t.s.documents_from_us || now >= t.s.registration_deadline_us)
		return tender_diag_set(c->d, ET_ESTATE, "et.reg.window", "不在报名期内",
				       "outside the registration period", "%s", c->tender);
	if (!strcmp(p.org, t.agent_org) || !strcmp(p.org, t.tenderer_org))
		return tender_diag_set(c->d, ET_EDENIED, "et.reg.conflict",
				       "招标人或代理机构不得投标", "the tenderer or agent cannot bid",
				       "%s", p.org);
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT 1 FROM td_credit WHERE org = ?1 AND from_us <= ?2 AND until_us > ?2",
			     "ti", p.org, now)))
		return rc;
	barred = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (barred)
		return tender_diag_set(c->d, ET_EDENIED, "et.credit.barred",
				       "该企业处于禁止投标期内", "the firm is barred by a credit penalty",
				       "%s", p.org);
	if ((rc = registered(db, c->tender, p.org, &reg)))
		return rc;
	if (reg)
		return tender_diag_set(c->d, ET_EEXIST, "et.reg.exists", "已报名",
				       "already registered", "%s", c->tender);
	pl = json_pack("{s:s, s:s, s:s}", "tender", c->tender, "org", p.org, "user", p.user);
	rc = td_emit(tx, "registration.made", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int tender_register(struct audit_ledger *l, const char *actor, const char *tender,
		    struct tender_diag *d)
{
	struct bid_cmd c = { .actor = actor, .tender = tender, .d = d };

	tender_diag_clear(d);
	return td_submit(l, register_command, &c, d);
}

static int question_command(struct audit_tx *tx, void *ctx)
{
	struct bid_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	bool reg;
	json_t *pl;
	int rc;

	if ((rc = load_bidder(tx, c, &p, &t, "ask a question")) ||
	    (rc = registered(audit_tx_db(tx), c->tender, p.org, &reg)))
		return rc;
	if (!reg)
		return tender_diag_set(c->d, ET_EDENIED, "et.reg.required", "须先报名",
				       "register for the tender first", "%s", c->tender);
	if (audit_tx_time(tx) >= t.s.question_deadline_us)
		return tender_diag_set(c->d, ET_ESTATE, "et.question.deadline", "提问截止时间已过",
				       "the question deadline has passed", "%s", c->tender);
	pl = json_pack("{s:s, s:s, s:s, s:s, s:s}", "tender", c->tender, "id", c->id, "org", p.org,
		       "user", p.user, "text", c->text);
	rc = td_emit(tx, "question.asked", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	return rc;
}

int tender_question_ask(struct audit_ledger *l, const char *actor, const char *tender,
			const char *text, char id_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct bid_cmd c = { .actor = actor, .tender = tender, .text = text, .d = d };
	int rc;

	tender_diag_clear(d);
	if (!utf8_text_ok(text, ET_TENDER_TEXT_MAX))
		return tender_diag_set(d, ET_EINVAL, NULL, "问题内容无效", "invalid question text",
				       "1..%u bytes of UTF-8", ET_TENDER_TEXT_MAX);
	if ((rc = td_new_id("q-", c.id)) || (rc = td_submit(l, question_command, &c, d)))
		return rc;
	if (id_out)
		memcpy(id_out, c.id, sizeof c.id);
	return ET_OK;
}

/* ---- clarifications ----------------------------------------------------------------- */

struct clr_cmd {
	const char *actor, *tender, *text, *qid;
	char id[TENDER_ID_LEN];
	int64_t after;
	struct tender_diag *d;
};

static int clarify_command(struct audit_tx *tx, void *ctx)
{
	struct clr_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	json_t *pl;
	bool found;
	int rc;

	if ((rc = load_agent(tx, c->actor, c->tender, &p, &t, "publish a clarification", c->d)) ||
	    (rc = need_open(tx, &t, "publish a clarification", c->d)))
		return rc;
	if (c->qid) {
		if ((rc = audit_sql_prepare(audit_tx_db(tx), &st,
				     "SELECT 1 FROM td_question WHERE id = ?1 AND tender = ?2", "tt",
				     c->qid, c->tender)))
			return rc;
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!found)
			return tender_diag_set(c->d, ET_ENOTFOUND, NULL, "无此问题", "no such question",
					       "%s", c->qid);
	}
	/* the deadline after this clarification goes into its own event */
	if ((rc = late_move(tx, &t, c->actor, c->id, &c->after, c->d, false)))
		return rc;
	pl = json_pack("{s:s, s:s, s:s, s:s, s:I}", "tender", c->tender, "id", c->id, "text",
		       c->text, "question", c->qid ? c->qid : "", "deadline", (json_int_t)c->after);
	rc = td_emit(tx, "clarification.published", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	if (rc == ET_OK)
		rc = late_move(tx, &t, c->actor, c->id, &c->after, c->d, true);
	return rc;
}

int tender_clarify(struct audit_ledger *l, const char *actor, const char *tender,
		   const char *text, const char *qid, char id_out[TENDER_ID_LEN],
		   int64_t *new_deadline_us, struct tender_diag *d)
{
	struct clr_cmd c = { .actor = actor, .tender = tender, .text = text, .qid = qid, .d = d };
	int rc;

	tender_diag_clear(d);
	if (!utf8_text_ok(text, ET_TENDER_CLARIFY_MAX))
		return tender_diag_set(d, ET_EINVAL, NULL, "澄清内容无效", "invalid clarification text",
				       "1..%u bytes of UTF-8", ET_TENDER_CLARIFY_MAX);
	if ((rc = td_new_id("clr-", c.id)) || (rc = td_submit(l, clarify_command, &c, d)))
		return rc;
	if (id_out)
		memcpy(id_out, c.id, sizeof c.id);
	if (new_deadline_us)
		*new_deadline_us = c.after;
	return ET_OK;
}

/* ---- two-person deadline change ------------------------------------------------------ */

struct dl_cmd {
	const char *actor, *tender, *reason, *proposal;
	int64_t deadline;
	char id[TENDER_ID_LEN];
	struct tender_diag *d;
};

/* A new deadline must keep the schedule's order and the profile's limits,
 * and leave at least the cn.reg.21 minimum after now. */
static int deadline_check(struct audit_tx *tx, const struct td_tender *t, int64_t nd,
			  struct tender_diag *d)
{
	const struct tender_profile *prof;
	struct tender_schedule s = t->s;
	int64_t moved = nd;
	int rc;

	if ((rc = profile_of(t, &prof)))
		return rc;
	if (nd <= audit_tx_time(tx))
		return tender_diag_set(d, ET_EINVAL, "et.deadline.order", "新截止时间须晚于现在",
				       "the new deadline must be later than now", "%s", t->id);
	s.bid_deadline_us = nd;
	if ((rc = tender_rules_check_schedule(prof, &s, d)))
		return rc;
	if ((rc = tender_rules_clarified_deadline(prof, nd, audit_tx_time(tx), &moved, NULL)))
		return rc;
	if (moved != nd)
		return tender_diag_set(d, ET_EINVAL, "cn.reg.21", "变更截止时间须留足澄清期限",
				       "a changed deadline must leave the clarification minimum",
				       "earliest allowed is %lld", (long long)moved);
	return ET_OK;
}

static int propose_dl_command(struct audit_tx *tx, void *ctx)
{
	struct dl_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	json_t *pl;
	int rc;

	if ((rc = load_agent(tx, c->actor, c->tender, &p, &t, "propose a deadline change", c->d)) ||
	    (rc = need_open(tx, &t, "propose a deadline change", c->d)) ||
	    (rc = deadline_check(tx, &t, c->deadline, c->d)))
		return rc;
	pl = json_pack("{s:s, s:s, s:I, s:I, s:s}", "tender", c->tender, "id", c->id, "deadline",
		       (json_int_t)c->deadline, "previous", (json_int_t)t.s.bid_deadline_us,
		       "reason", c->reason);
	rc = td_emit(tx, "deadline.change_proposed", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int tender_deadline_propose(struct audit_ledger *l, const char *actor, const char *tender,
			    int64_t new_deadline_us, const char *reason,
			    char id_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct dl_cmd c = { .actor = actor, .tender = tender, .reason = reason,
			    .deadline = new_deadline_us, .d = d };
	int rc;

	tender_diag_clear(d);
	if (!utf8_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, NULL, "须说明理由", "a reason is required",
				       "1..%u bytes of UTF-8", ET_TENDER_REASON_MAX);
	if ((rc = td_new_id("dlp-", c.id)) || (rc = td_submit(l, propose_dl_command, &c, d)))
		return rc;
	if (id_out)
		memcpy(id_out, c.id, sizeof c.id);
	return ET_OK;
}

static int approve_dl_command(struct audit_tx *tx, void *ctx)
{
	struct dl_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct td_tender t;
	sqlite3_stmt *st = NULL;
	char proposer[TENDER_ID_LEN] = "", status[16] = "";
	int64_t nd = 0;
	json_t *pl;
	int rc, s;

	if ((rc = td_actor_load(db, c->actor, &p, c->d)) ||
	    (rc = td_tender_load(db, c->tender, &t, c->d)))
		return rc;
	if (!td_is_tender_agent(&p, &t) && !(p.roles & TENDER_ROLE_SUPERVISOR))
		return tender_diag_set(c->d, ET_EDENIED, "et.auth.role",
				       "须为本项目代理机构人员或监督人员",
				       "an agent of this tender or a supervisor must approve", "%s",
				       c->actor);
	if ((rc = need_open(tx, &t, "approve a deadline change", c->d)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st,
			     "SELECT proposer, deadline, status FROM td_deadline_proposal WHERE"
			     " id = ?1 AND tender = ?2", "tt", c->proposal, c->tender)))
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		audit_sql_col_text(st, 0, proposer, sizeof proposer);
		nd = sqlite3_column_int64(st, 1);
		audit_sql_col_text(st, 2, status, sizeof status);
	}
	sqlite3_finalize(st);
	if (!proposer[0])
		return tender_diag_set(c->d, ET_ENOTFOUND, NULL, "无此变更申请", "no such proposal",
				       "%s", c->proposal);
	if (strcmp(status, "pending"))
		return tender_diag_set(c->d, ET_ESTATE, "et.deadline.proposal", "该申请已处理或已被取代",
				       "the proposal is no longer pending", "%s", status);
	if (!strcmp(proposer, c->actor))
		return tender_diag_set(c->d, ET_EDENIED, "et.two_person", "须由另一人批准（双人双卡）",
				       "a different person must approve (two-person rule)", "%s",
				       c->actor);
	if ((rc = deadline_check(tx, &t, nd, c->d)))
		return rc;
	pl = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s}", "tender", c->tender, "deadline",
		       (json_int_t)nd, "previous", (json_int_t)t.s.bid_deadline_us, "rule",
		       "et.two_person", "cause", c->proposal, "proposer", proposer);
	rc = td_emit(tx, "deadline.changed", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int tender_deadline_approve(struct audit_ledger *l, const char *actor, const char *tender,
			    const char *proposal, struct tender_diag *d)
{
	struct dl_cmd c = { .actor = actor, .tender = tender, .proposal = proposal, .d = d };

	tender_diag_clear(d);
	if (!proposal)
		return et_fail(ET_EINVAL);
	return td_submit(l, approve_dl_command, &c, d);
}

/* ---- cancel ----------------------------------------------------------------------------- */

static int cancel_command(struct audit_tx *tx, void *ctx)
{
	struct dl_cmd *c = ctx;
	struct tender_principal p;
	struct td_tender t;
	json_t *pl;
	int rc;

	if ((rc = load_agent(tx, c->actor, c->tender, &p, &t, "cancel", c->d)))
		return rc;
	if (t.stage != TENDER_STAGE_DRAFT && t.stage != TENDER_STAGE_PUBLISHED)
		return deny_stage(c->d, &t, "cancel");
	pl = json_pack("{s:s, s:s, s:s}", "tender", c->tender, "reason", c->reason, "from",
		       tender_stage_name(t.stage));
	rc = td_emit(tx, "tender.cancelled", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	/* who registered stays secret; only which leaves were this tender's */
	if (rc == ET_OK && t.stage == TENDER_STAGE_PUBLISHED)
		rc = audit_tx_reveal(tx, c->tender, c->actor, true, NULL);
	return rc;
}

int tender_cancel(struct audit_ledger *l, const char *actor, const char *tender,
		  const char *reason, struct tender_diag *d)
{
	struct dl_cmd c = { .actor = actor, .tender = tender, .reason = reason, .d = d };

	tender_diag_clear(d);
	if (!utf8_text_ok(reason, ET_TENDER_REASON_MAX))
		return tender_diag_set(d, ET_EINVAL, NULL, "须说明理由", "a reason is required",
				       "1..%u bytes of UTF-8", ET_TENDER_REASON_MAX);
	return td_submit(l, cancel_command, &c, d);
}
