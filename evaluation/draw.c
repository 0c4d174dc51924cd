/* evaluation/draw.c — the verifiable expert draw (DESIGN §5): the agent's
 * request, the supervisor's and then the platform's commitments (each value
 * sealed to the trading center's duty chief), the reveals (by the committer
 * or, overcoming a refusal, by the duty chief), and the panel drawn by the
 * documented deterministic selection ev_draw_select from
 * seed = SHA-256(value_s ‖ value_p ‖ root at the platform's commitment).
 * Request, reveals and panel are confidential events until the result is
 * fixed (招标投标法 Art. 37); the commitments are public. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "evaluation/ev_int.h"

/* ---- the selection (pure) --------------------------------------------------- */

struct keyed {
	size_t i;                         /* candidate index */
	unsigned char mac[32];
};

static int cmp_keyed(const void *a, const void *b, void *ctx)
{
	const struct keyed *x = a, *y = b;
	const struct ev_candidate *c = ctx;
	int r = memcmp(x->mac, y->mac, 32);

	return r ? r : strcmp(c[x->i].expert, c[y->i].expert);
}

/* qsort_r is a GNU extension; a small insertion sort keeps this portable
 * and the pool of one specialty is small. */
static void sort_keyed(struct keyed *k, size_t n, const struct ev_candidate *c)
{
	for (size_t i = 1; i < n; i++) {
		struct keyed t = k[i];
		size_t j = i;
		while (j > 0 && cmp_keyed(&k[j - 1], &t, (void *)c) > 0) {
			k[j] = k[j - 1];
			j--;
		}
		k[j] = t;
	}
}

static bool has_spec(const struct ev_candidate *c, const char *s)
{
	for (size_t i = 0; i < c->nspecialties; i++)
		if (!strcmp(c->specialties[i], s))
			return true;
	return false;
}

/* The candidates of specialty s not yet chosen, keyed and sorted. */
static int ranked(const unsigned char seed[32], const char *s, const struct ev_candidate *c,
		  size_t nc, const bool *chosen, struct keyed *k, size_t *nk)
{
	struct et_buf msg;
	int rc = ET_OK;

	*nk = 0;
	et_buf_init(&msg, 4096);
	for (size_t i = 0; i < nc; i++) {
		if (chosen[i] || !has_spec(&c[i], s))
			continue;
		et_buf_reset(&msg);
		if ((rc = et_buf_printf(&msg, "etender-draw/v1\n%s\n%s", s, c[i].expert)) ||
		    (rc = crypto_hmac_sha256(seed, 32, msg.data, msg.len, k[*nk].mac)))
			goto out;
		k[(*nk)++].i = i;
	}
	sort_keyed(k, *nk, c);
out:
	et_buf_free(&msg);
	return rc;
}

int ev_draw_select(const unsigned char seed[32], const struct ev_quota *quotas, size_t nquotas,
		   unsigned reserves, const struct ev_candidate *cands, size_t ncands,
		   struct ev_pick **out, size_t *n)
{
	struct keyed *k = NULL;
	bool *chosen = NULL;
	struct ev_pick *v = NULL;
	size_t np = 0, nk, cap = 0;
	int rc = ET_OK;

	*out = NULL;
	*n = 0;
	if (!seed || !quotas || !nquotas || nquotas > EV_MAX_QUOTAS || (ncands && !cands))
		return et_fail(ET_EINVAL);
	for (size_t i = 0; i < nquotas; i++)
		cap += quotas[i].count + reserves;
	if (!(k = calloc(ncands ? ncands : 1, sizeof *k)) ||
	    !(chosen = calloc(ncands ? ncands : 1, sizeof *chosen)) ||
	    !(v = calloc(cap ? cap : 1, sizeof *v))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t q = 0; q < nquotas; q++) {
			unsigned want = pass ? reserves : quotas[q].count;
			if ((rc = ranked(seed, quotas[q].specialty, cands, ncands, chosen, k, &nk)))
				goto out;
			if (!pass && nk < want) {
				rc = ET_ESTATE;
				goto out;
			}
			for (unsigned r = 0; r < want && r < nk; r++) {
				chosen[k[r].i] = true;
				snprintf(v[np].expert, sizeof v[np].expert, "%s", cands[k[r].i].expert);
				v[np].quota = q;
				v[np].reserve = pass == 1;
				v[np].rank = r;
				np++;
			}
		}
	}
out:
	free(k);
	free(chosen);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = np;
	return ET_OK;
}

void ev_draw_commitment(const unsigned char value[EV_VALUE_LEN], unsigned char out[32])
{
	crypto_sha256(value, EV_VALUE_LEN, out);
}

/* ---- the parties of a tender: who an expert must not be tied to --------------- */

static int parties_json(sqlite3 *db, const struct tender_info *t, json_t **out)
{
	char (*orgs)[TENDER_ID_LEN] = NULL;
	size_t n = 0;
	json_t *b;
	int rc;

	*out = NULL;
	if ((rc = bid_db_bidder_orgs(db, t->id, &orgs, &n)))
		return rc;
	if (!(b = json_array())) {
		free(orgs);
		return et_fail(ET_ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(b, json_string(orgs[i]))) {
			json_decref(b);
			free(orgs);
			return et_fail(ET_ENOMEM);
		}
	free(orgs);
	*out = json_pack("{s:s,s:s,s:o}", "tenderer", t->tenderer_org, "agent", t->agent_org,
			 "bidders", b);
	return *out ? ET_OK : et_fail(ET_ENOMEM);
}

/* ---- request ----------------------------------------------------------------- */

struct req_cmd {
	const char *actor;
	const struct ev_draw_request *r;
	char *draw_out;
	struct tender_diag *d;
};

static int req_fn(struct audit_tx *tx, void *ctx)
{
	struct req_cmd *c = ctx;
	const struct ev_draw_request *r = c->r;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	struct bid_tender_status bs;
	struct ev_draw_row dr;
	struct ev_rules rules;
	struct tender_user_info u;
	json_t *quotas = NULL, *reps = NULL, *parties = NULL, *cands = NULL, *avoid = NULL;
	json_t *mem = NULL, *res = NULL, *pl = NULL;
	unsigned char zero[32] = { 0 };
	char draw[TENDER_ID_LEN];
	unsigned experts = 0;
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_AGENT, &p, c->d)) ||
	    (rc = ev_agent_tender(db, &p, r->tender, &t, c->d)) || (rc = ev_rules_for(&t, &rules)))
		return rc;
	if ((rc = bid_db_status(db, r->tender, &bs)))
		return rc;
	if (bs.phase != BID_PHASE_CLOSED && bs.phase != BID_PHASE_OPENED)
		return tender_diag_set(c->d, ET_ESTATE, "et.draw.stage", "投标截止且未流标后方可抽取专家",
				       "the draw follows a close that did not fail", "%s", r->tender);
	if ((rc = ev_draw_load(db, r->tender, &dr)) != ET_ENOTFOUND)
		return rc ? rc : tender_diag_set(c->d, ET_EEXIST, "et.draw.exists", "本项目已抽取专家",
						 "the tender already has a draw", "%s", dr.draw);
	if (r->deadline_us <= audit_tx_time(tx))
		return tender_diag_set(c->d, ET_EINVAL, "et.draw.deadline", "评标截止时间须晚于现在",
				       "the evaluation deadline must be later than now", "%s", "");
	if (!(quotas = json_array()) || !(reps = json_array())) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < r->nquotas; i++) {
		experts += r->quotas[i].count;
		if (json_array_append_new(quotas, json_pack("{s:s,s:i}", "specialty", r->quotas[i].specialty,
							    "count", (json_int_t)r->quotas[i].count))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if ((rc = tender_rules_check_panel(rules.profile, r->members, experts, c->d)))
		goto out;
	if (r->nreps != r->members - experts) {
		rc = tender_diag_set(c->d, ET_EINVAL, "et.draw.reps", "招标人代表人数与组成不符",
				     "the tenderer's representatives do not fill the other seats",
				     "%zu representatives for %u seats", r->nreps, r->members - experts);
		goto out;
	}
	for (size_t i = 0; i < r->nreps; i++) {
		if (!ev_id_ok(r->reps[i]) || tender_db_user(db, r->reps[i], &u) ||
		    strcmp(u.org, t.tenderer_org) || !u.ed25519[0]) {
			rc = tender_diag_set(c->d, ET_EINVAL, "et.draw.reps",
					     "招标人代表须为招标人单位已登记密钥的用户",
					     "a representative must be a user of the tenderer with keys",
					     "%s", r->reps[i] ? r->reps[i] : "");
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->reps[i], r->reps[j])) {
				rc = tender_diag_set(c->d, ET_EINVAL, "et.draw.reps", "招标人代表重复",
						     "a representative is named twice", "%s", r->reps[i]);
				goto out;
			}
		if (json_array_append_new(reps, json_string(r->reps[i]))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if (!ev_id_ok(r->duty_chief) || tender_db_user(db, r->duty_chief, &u) ||
	    u.org_kind != TENDER_ORG_CENTER || !(u.roles & TENDER_ROLE_KEYHOLDER) || !u.x25519[0]) {
		rc = tender_diag_set(c->d, ET_EINVAL, "et.draw.duty_chief",
				     "值班负责人须为交易中心已登记密钥的密钥保管人",
				     "the duty chief must be a key holder of the trading center with keys",
				     "%s", r->duty_chief ? r->duty_chief : "");
		goto out;
	}
	/* enough eligible experts now (the pool may change before the reveal) */
	if ((rc = parties_json(db, &t, &parties)) ||
	    (rc = ev_eligibility(db, quotas, parties, audit_tx_time(tx), &cands, &avoid)))
		goto out;
	if ((rc = ev_select_json(zero, quotas, r->reserves, cands, &mem, &res))) {
		if (rc == ET_ESTATE)
			rc = tender_diag_set(c->d, ET_ESTATE, "et.draw.pool", "专家库中符合条件的专家不足",
					     "too few eligible experts in the pool", "%s", r->tender);
		goto out;
	}
	if ((rc = ev_new_id("drw-", draw)))
		goto out;
	pl = json_pack("{s:s,s:s,s:i,s:O,s:i,s:O,s:s,s:I}", "tender", r->tender, "draw", draw,
		       "members", (json_int_t)r->members, "quotas", quotas, "reserves",
		       (json_int_t)r->reserves, "reps", reps, "duty_chief", r->duty_chief, "deadline",
		       (json_int_t)r->deadline_us);
	if ((rc = ev_emit(tx, "draw.requested", c->actor, r->tender, pl, true, NULL)))
		goto out;
	if (c->draw_out)
		memcpy(c->draw_out, draw, TENDER_ID_LEN);
out:
	json_decref(quotas);
	json_decref(reps);
	json_decref(parties);
	json_decref(cands);
	json_decref(avoid);
	json_decref(mem);
	json_decref(res);
	json_decref(pl);
	return rc;
}

int ev_draw_request(struct audit_ledger *l, const char *actor, const struct ev_draw_request *r,
		    char draw_out[TENDER_ID_LEN], struct tender_diag *d)
{
	struct req_cmd c = { actor, r, draw_out, d };

	if (d)
		tender_diag_clear(d);
	if (!r || !r->tender)
		return et_fail(ET_EINVAL);
	if (!r->quotas || !r->nquotas || r->nquotas > EV_MAX_QUOTAS || r->members > EV_MAX_MEMBERS ||
	    r->reserves < 1 || r->reserves > 10 || (r->nreps && !r->reps))
		return tender_diag_set(d, ET_EINVAL, "et.draw.quotas", "抽取条件不合法",
				       "invalid draw quotas", "%s", r->tender);
	for (size_t i = 0; i < r->nquotas; i++) {
		const char *s = r->quotas[i].specialty;
		bool ok = s && *s && strlen(s) <= 32 && r->quotas[i].count >= 1;
		for (size_t j = 0; ok && s[j]; j++)
			ok = (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= '0' && s[j] <= '9') || s[j] == '.' ||
			     s[j] == '_' || s[j] == '-';
		for (size_t j = 0; ok && j < i; j++)
			ok = strcmp(s, r->quotas[j].specialty) != 0;
		if (!ok)
			return tender_diag_set(d, ET_EINVAL, "et.draw.quotas", "抽取条件不合法",
					       "invalid draw quotas", "%s", s ? s : "");
	}
	return ev_submit(l, req_fn, &c, d);
}

/* ---- commitments -------------------------------------------------------------- */

struct commit_cmd {
	const char *actor, *tender, *commitment, *sealed;
	const char *value_p;              /* hex of the platform's value */
	struct tender_diag *d;
};

struct memrd {
	const unsigned char *p;
	size_t n, off;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct memrd *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

/* value (hex) sealed to recipient as an armored age file; *out malloc'd. */
static int seal_value(const char *recipient, const char *value_hex, char **out)
{
	struct crypto_age_recipient *r = NULL;
	const struct crypto_age_recipient *rs[1];
	struct et_buf ob;
	unsigned char v[EV_VALUE_LEN];
	struct memrd m = { v, sizeof v, 0 };
	size_t len;
	int rc;

	*out = NULL;
	et_buf_init(&ob, 8192);
	if ((rc = et_hex_decode(value_hex, v, sizeof v)))
		return rc;
	if ((rc = crypto_age_recipient_parse(recipient, &r)))
		goto out;
	rs[0] = r;
	if ((rc = crypto_age_encrypt(rs, 1, true, mem_read, &m, buf_write, &ob)))
		goto out;
	if (!ob.data) {
		rc = et_fail(ET_ECRYPTO);
		goto out;
	}
	*out = (char *)et_buf_steal(&ob, &len);
out:
	crypto_wipe(v, sizeof v);
	crypto_age_recipient_free(r);
	et_buf_free(&ob);
	return rc;
}

static bool hex64_ok(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int commit_fn(struct audit_tx *tx, void *ctx)
{
	struct commit_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	struct ev_draw_row dr;
	struct tender_user_info chief;
	unsigned char v[EV_VALUE_LEN], h[32];
	char hp[65], *sealed_p = NULL;
	json_t *pl = NULL;
	int rc;

	if ((rc = ev_actor(db, c->actor, TENDER_ROLE_SUPERVISOR, &p, c->d)))
		return rc;
	if (!ev_id_ok(c->tender) || (rc = tender_db_tender(db, c->tender, &t, c->d)))
		return rc ? rc : tender_diag_set(c->d, ET_ENOTFOUND, NULL, "项目不存在", "no such tender",
						 "%s", "");
	if ((rc = ev_draw_load(db, c->tender, &dr)))
		return rc == ET_ENOTFOUND ? tender_diag_set(c->d, ET_ESTATE, "et.draw.requested",
							    "尚未申请抽取专家", "no draw was requested",
							    "%s", c->tender) : rc;
	if (strcmp(dr.state, "requested"))
		return tender_diag_set(c->d, ET_EEXIST, "et.draw.committed", "已提交承诺值",
				       "the commitments were already made", "%s", c->tender);
	if (!strcmp(c->actor, dr.duty_chief))
		return tender_diag_set(c->d, ET_EDENIED, "et.two_person", "值班负责人不能同时提交承诺值",
				       "the duty chief cannot also commit", "%s", c->actor);
	if ((rc = tender_db_user(db, dr.duty_chief, &chief)))
		return rc;
	/* the supervisor's commitment, then the platform's, in this order */
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "draw", dr.draw, "party",
		       "supervisor", "commitment", c->commitment, "sealed", c->sealed, "duty_chief",
		       dr.duty_chief);
	if ((rc = ev_emit(tx, "draw.committed", c->actor, c->tender, pl, false, NULL)))
		goto out;
	json_decref(pl);
	pl = NULL;
	if ((rc = et_hex_decode(c->value_p, v, sizeof v)))
		goto out;
	ev_draw_commitment(v, h);
	et_hex_encode(h, 32, hp);
	if ((rc = seal_value(chief.x25519, c->value_p, &sealed_p)))
		goto out;
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "draw", dr.draw, "party",
		       "platform", "commitment", hp, "sealed", sealed_p, "duty_chief", dr.duty_chief);
	rc = ev_emit(tx, "draw.committed", "", c->tender, pl, false, NULL);
out:
	crypto_wipe(v, sizeof v);
	free(sealed_p);
	json_decref(pl);
	return rc;
}

/* Where the platform keeps its value until it reveals it: named by (the
 * first half of) its public commitment, so that a refused attempt, which
 * forgets its own record, never touches another's. */
static void platform_record_id(const char *commitment_hex, char out[TENDER_ID_LEN])
{
	snprintf(out, TENDER_ID_LEN, "dvp-%.32s", commitment_hex);
}

struct draw_q {
	const char *tender;
	struct ev_draw_row r;
};

static int draw_q_fn(sqlite3 *db, void *ctx)
{
	struct draw_q *q = ctx;

	return ev_draw_load(db, q->tender, &q->r);
}

int ev_draw_commit(struct audit_ledger *l, struct tender_private *p, const char *actor,
		   const char *tender, const char *commitment_hex, const char *sealed,
		   struct tender_diag *d)
{
	static const char armor[] = "-----BEGIN AGE ENCRYPTED FILE-----";
	struct draw_q q = { .tender = tender };
	struct commit_cmd c = { actor, tender, commitment_hex, sealed, NULL, d };
	unsigned char v[EV_VALUE_LEN], h[32];
	char hex[65], hh[65], rid[TENDER_ID_LEN], hash[65];
	const char *key = "value";
	const char *val = hex;
	bool stored;
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!l || !p || !tender || !ev_id_ok(tender))
		return et_fail(ET_EINVAL);
	if (!hex64_ok(commitment_hex))
		return tender_diag_set(d, ET_EINVAL, "et.draw.commitment", "承诺值须为 64 位小写十六进制",
				       "the commitment must be 64 lowercase hex digits", "%s", "");
	if (!sealed || strncmp(sealed, armor, sizeof armor - 1) || strlen(sealed) > 4096 ||
	    !ev_text_ok(sealed, 4096))
		return tender_diag_set(d, ET_EINVAL, "et.draw.sealed",
				       "须附交给值班负责人的 age 加密值",
				       "the value sealed to the duty chief (armored age) is missing",
				       "%s", "");
	/* keep the platform's value only when the commitment can be made; the
	 * command itself decides every refusal (role first) */
	if ((rc = audit_ledger_query(l, draw_q_fn, &q)) && rc != ET_ENOTFOUND)
		return rc;
	stored = rc == ET_OK && !strcmp(q.r.state, "requested");
	if ((rc = crypto_random(v, sizeof v)))
		return rc;
	et_hex_encode(v, sizeof v, hex);
	ev_draw_commitment(v, h);
	et_hex_encode(h, 32, hh);
	crypto_wipe(v, sizeof v);
	platform_record_id(hh, rid);
	if (stored && (rc = tender_private_record_put(p, rid, &key, &val, 1, hash)))
		goto out;
	c.value_p = hex;
	if ((rc = ev_submit(l, commit_fn, &c, d)) && stored)
		tender_private_record_forget(p, rid);
out:
	crypto_wipe(hex, sizeof hex);
	return rc;
}

/* ---- reveals and the panel ------------------------------------------------------ */

/* RFC 9162 root of the tree of size `size` from the last leaf's hash and its
 * inclusion proof. */
static int root_from_proof(uint64_t index, uint64_t size, const unsigned char leaf[32],
			   const unsigned char (*proof)[32], size_t np, unsigned char root[32])
{
	uint64_t fn = index, sn = size - 1;
	unsigned char r[32];

	if (index >= size)
		return et_fail(ET_EINVAL);
	memcpy(r, leaf, 32);
	for (size_t i = 0; i < np; i++) {
		if (sn == 0)
			return et_fail(ET_EVERIFY);
		if ((fn & 1) || fn == sn) {
			audit_node_hash(proof[i], r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			audit_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return et_fail(ET_EVERIFY);
	memcpy(root, r, 32);
	return ET_OK;
}

/* Root of the committed log's first size leaves. */
static int log_root(struct audit_ledger *l, uint64_t size, char hex[65])
{
	unsigned char *leaf = NULL, lh[32], root[32], (*proof)[AUDIT_HASH_LEN] = NULL;
	size_t len = 0, np = 0;
	int rc;

	if (!size || size > audit_ledger_size(l))
		return et_fail(ET_ESTATE);
	if ((rc = audit_ledger_leaf(l, size - 1, &leaf, &len)))
		return rc;
	audit_leaf_hash(leaf, len, lh);
	free(leaf);
	if ((rc = audit_ledger_inclusion(l, size - 1, size, &proof, &np)))
		return rc;
	rc = root_from_proof(size - 1, size, lh, (const unsigned char (*)[32])proof, np, root);
	free(proof);
	if (!rc)
		et_hex_encode(root, 32, hex);
	return rc;
}

struct reveal_cmd {
	const char *actor, *tender, *party, *value;
	char root[65];
	int64_t root_size;                /* -1: not known */
	struct tender_diag *d;
};

static int draw_panel(struct audit_tx *tx, struct reveal_cmd *c, const struct ev_draw_row *dr,
		      const char *value_s, const char *value_p)
{
	sqlite3 *db = audit_tx_db(tx);
	sqlite3_stmt *st = NULL;
	struct tender_info t;
	json_t *req = NULL, *parties = NULL, *cands = NULL, *avoid = NULL, *mem = NULL, *res = NULL;
	json_t *pl = NULL;
	json_error_t je;
	unsigned char seed[32];
	char seed_hex[65], *reqs = NULL;
	int64_t reserves;
	int rc;

	if (c->root_size != dr->commit_idx + 1)
		return et_fail(ET_ECONFLICT);
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)))
		return rc;
	if ((rc = ev_draw_seed(value_s, value_p, c->root, seed)))
		return rc;
	et_hex_encode(seed, 32, seed_hex);
	if ((rc = audit_sql_prepare(db, &st, "SELECT request FROM ev_draw WHERE tender = ?1", "t",
				    c->tender)))
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW || !(reqs = strndup((const char *)sqlite3_column_blob(st, 0),
							       (size_t)sqlite3_column_bytes(st, 0)))) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	if (!(req = json_loads(reqs, 0, &je)) || (rc = tender_json_int(req, "reserves", &reserves))) {
		rc = rc ? rc : et_fail(ET_EDB);
		goto out;
	}
	if ((rc = parties_json(db, &t, &parties)) ||
	    (rc = ev_eligibility(db, json_object_get(req, "quotas"), parties, audit_tx_time(tx),
				 &cands, &avoid)))
		goto out;
	if ((rc = ev_select_json(seed, json_object_get(req, "quotas"), (unsigned)reserves, cands, &mem,
				 &res))) {
		if (rc == ET_ESTATE)
			rc = tender_diag_set(c->d, ET_ESTATE, "et.draw.pool", "专家库中符合条件的专家不足",
					     "too few eligible experts in the pool", "%s", c->tender);
		goto out;
	}
	pl = json_pack("{s:s,s:s,s:s,s:s,s:I,s:O,s:O,s:O,s:O,s:O}", "tender", c->tender, "draw",
		       dr->draw, "seed", seed_hex, "root", c->root, "size", (json_int_t)c->root_size,
		       "parties", parties, "candidates", cands, "avoided", avoid, "members", mem,
		       "reserves", res);
	rc = ev_emit(tx, "panel.drawn", c->actor, c->tender, pl, true, NULL);
out:
	crypto_wipe(seed, sizeof seed);
	sqlite3_finalize(st);
	free(reqs);
	json_decref(req);
	json_decref(parties);
	json_decref(cands);
	json_decref(avoid);
	json_decref(mem);
	json_decref(res);
	json_decref(pl);
	return rc;
}

static int reveal_fn(struct audit_tx *tx, void *ctx)
{
	struct reveal_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct ev_draw_row dr;
	unsigned char v[EV_VALUE_LEN], h[32];
	char hh[65];
	bool sup = !strcmp(c->party, "supervisor");
	const char *commit, *known;
	json_t *pl;
	int rc;

	if (*c->actor && (rc = tender_db_actor(db, c->actor, &p, c->d)))
		return rc;
	if ((rc = ev_draw_load(db, c->tender, &dr)))
		return rc == ET_ENOTFOUND ? tender_diag_set(c->d, ET_ESTATE, "et.draw.requested",
							    "尚未申请抽取专家", "no draw was requested",
							    "%s", c->tender) : rc;
	/* who may reveal: the committer, or the duty chief from the sealed copy */
	if (strcmp(c->actor, dr.duty_chief) &&
	    (sup ? strcmp(c->actor, dr.supervisor) || !*c->actor : *c->actor != 0))
		return tender_diag_set(c->d, ET_EDENIED, "et.draw.revealer",
				       "只有承诺者本人或值班负责人可以揭示",
				       "only the committer or the duty chief may reveal", "%s", c->party);
	if (strcmp(dr.state, "committed"))
		return tender_diag_set(c->d, ET_ESTATE, "et.draw.order",
				       "两个承诺值都记录后方可揭示",
				       "both commitments must be logged before a reveal", "%s", dr.state);
	commit = sup ? dr.commit_s : dr.commit_p;
	known = sup ? dr.value_s : dr.value_p;
	if (*known)
		return tender_diag_set(c->d, ET_EEXIST, "et.draw.revealed", "该值已揭示",
				       "this value was already revealed", "%s", c->party);
	if (!hex64_ok(c->value) || et_hex_decode(c->value, v, sizeof v))
		return tender_diag_set(c->d, ET_EINVAL, "et.draw.commitment", "揭示值格式错误",
				       "the value must be 64 lowercase hex digits", "%s", "");
	ev_draw_commitment(v, h);
	crypto_wipe(v, sizeof v);
	et_hex_encode(h, 32, hh);
	if (strcmp(hh, commit))
		return tender_diag_set(c->d, ET_EVERIFY, "et.draw.commitment", "揭示值与承诺值不符",
				       "the value does not match its commitment", "%s", c->party);
	pl = json_pack("{s:s,s:s,s:s,s:s,s:s}", "tender", c->tender, "draw", dr.draw, "party", c->party,
		       "value", c->value, "by", *c->actor ? c->actor : "platform");
	rc = ev_emit(tx, "draw.revealed", c->actor, c->tender, pl, true, NULL);
	json_decref(pl);
	if (rc)
		return rc;
	if ((sup && dr.value_p[0]) || (!sup && dr.value_s[0]))
		return draw_panel(tx, c, &dr, sup ? c->value : dr.value_s, sup ? dr.value_p : c->value);
	return ET_OK;
}

int ev_draw_reveal(struct audit_ledger *l, const char *actor, const char *tender,
		   const char *party, const char *value_hex, struct tender_diag *d)
{
	struct draw_q q = { .tender = tender };
	struct reveal_cmd c = { actor ? actor : "", tender, party, value_hex, "", -1, d };
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!l || !tender || !ev_id_ok(tender) || !party || !value_hex ||
	    (strcmp(party, "supervisor") && strcmp(party, "platform")))
		return tender_diag_set(d, ET_EINVAL, "et.draw.party", "揭示方不合法",
				       "party must be supervisor or platform", "%s", party ? party : "");
	/* the root at the platform's commitment, from the committed log */
	if ((rc = audit_ledger_query(l, draw_q_fn, &q)) && rc != ET_ENOTFOUND)
		return rc;
	if (rc == ET_OK && q.r.commit_idx >= 0) {
		if ((rc = log_root(l, (uint64_t)q.r.commit_idx + 1, c.root)))
			return rc;
		c.root_size = q.r.commit_idx + 1;
	}
	return ev_submit(l, reveal_fn, &c, d);
}

int ev_draw_reveal_platform(struct audit_ledger *l, struct tender_private *p, const char *tender,
			    struct tender_diag *d)
{
	struct draw_q q = { .tender = tender };
	char rid[TENDER_ID_LEN], *json = NULL;
	json_t *o = NULL;
	json_error_t je;
	const char *v;
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!l || !p || !tender || !ev_id_ok(tender))
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, draw_q_fn, &q)))
		return rc == ET_ENOTFOUND ? tender_diag_set(d, ET_ESTATE, "et.draw.requested",
							    "尚未申请抽取专家", "no draw was requested",
							    "%s", tender) : rc;
	platform_record_id(q.r.commit_p, rid);
	if (!q.r.commit_p[0] || (rc = tender_private_record_get(p, rid, &json)))
		return tender_diag_set(d, q.r.commit_p[0] ? rc : ET_ESTATE, "et.draw.lost",
				       "平台的值已不可用：请值班负责人揭示",
				       "the platform's value is gone: the duty chief reveals it", "%s", tender);
	if (!(o = json_loads(json, 0, &je)) || tender_json_str(o, "value", &v)) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	rc = ev_draw_reveal(l, "", tender, "platform", v, d);
out:
	json_decref(o);
	if (json) {
		et_wipe(json, strlen(json));
		free(json);
	}
	return rc;
}

/* ---- verification --------------------------------------------------------------- */

struct verify_q {
	const char *tender;
	struct ev_draw_row r;
	char *panel, *request;
	char commit_s[65], commit_p[65];
};

static int verify_q_fn(sqlite3 *db, void *ctx)
{
	struct verify_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ev_draw_load(db, q->tender, &q->r)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st, "SELECT panel, request FROM ev_draw WHERE tender = ?1", "t",
				    q->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		q->panel = strndup((const char *)sqlite3_column_blob(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0));
		q->request = strndup((const char *)sqlite3_column_blob(st, 1),
				     (size_t)sqlite3_column_bytes(st, 1));
		if (!q->panel || !q->request)
			rc = et_fail(ET_ENOMEM);
	} else {
		rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

int ev_draw_verify(struct audit_ledger *l, const char *tender, struct tender_diag *d)
{
	struct verify_q q = { .tender = tender };
	json_t *panel = NULL, *req = NULL, *mem = NULL, *res = NULL;
	json_error_t je;
	unsigned char seed[32], v[EV_VALUE_LEN], h[32];
	char root[65], seed_hex[65], hh[65];
	const char *proot, *pseed;
	int64_t size, reserves;
	int rc;

	if (d)
		tender_diag_clear(d);
	if (!l || !tender || !ev_id_ok(tender))
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, verify_q_fn, &q)))
		goto out;
	if (strcmp(q.r.state, "drawn")) {
		rc = tender_diag_set(d, ET_ESTATE, "et.draw.state", "尚未抽取专家", "no panel was drawn",
				     "%s", tender);
		goto out;
	}
	if (!(panel = json_loads(q.panel, 0, &je)) || !(req = json_loads(q.request, 0, &je)) ||
	    tender_json_str(panel, "root", &proot) || tender_json_str(panel, "seed", &pseed) ||
	    tender_json_int(panel, "size", &size) || tender_json_int(req, "reserves", &reserves)) {
		rc = tender_diag_set(d, ET_EVERIFY, "et.draw.verify", "抽取记录不完整",
				     "the draw's record is incomplete", "%s", tender);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		const char *val = i ? q.r.value_p : q.r.value_s, *com = i ? q.r.commit_p : q.r.commit_s;
		if (et_hex_decode(val, v, sizeof v)) {
			rc = tender_diag_set(d, ET_EVERIFY, "et.draw.verify", "揭示值不合法",
					     "a revealed value is malformed", "%s", i ? "platform" : "supervisor");
			goto out;
		}
		ev_draw_commitment(v, h);
		crypto_wipe(v, sizeof v);
		et_hex_encode(h, 32, hh);
		if (strcmp(hh, com)) {
			rc = tender_diag_set(d, ET_EVERIFY, "et.draw.verify", "揭示值与承诺值不符",
					     "a value does not match its commitment", "%s",
					     i ? "platform" : "supervisor");
			goto out;
		}
	}
	if (size != q.r.commit_idx + 1 || (rc = log_root(l, (uint64_t)size, root)) || strcmp(root, proot)) {
		rc = tender_diag_set(d, ET_EVERIFY, "et.draw.verify", "日志根与记录不符",
				     "the log root differs from the recorded one", "size %lld",
				     (long long)size);
		goto out;
	}
	if ((rc = ev_draw_seed(q.r.value_s, q.r.value_p, root, seed)))
		goto out;
	et_hex_encode(seed, 32, seed_hex);
	crypto_wipe(seed, sizeof seed);
	if (strcmp(seed_hex, pseed)) {
		rc = tender_diag_set(d, ET_EVERIFY, "et.draw.verify", "种子与记录不符",
				     "the seed differs from the recorded one", "%s", tender);
		goto out;
	}
	if ((rc = et_hex_decode(seed_hex, seed, sizeof seed)) ||
	    (rc = ev_select_json(seed, json_object_get(req, "quotas"), (unsigned)reserves,
				 json_object_get(panel, "candidates"), &mem, &res)))
		goto out;
	{
		char *a = ev_dump(mem), *b = ev_dump(json_object_get(panel, "members"));
		char *x = ev_dump(res), *y = ev_dump(json_object_get(panel, "reserves"));
		bool same = a && b && x && y && !strcmp(a, b) && !strcmp(x, y);
		free(a);
		free(b);
		free(x);
		free(y);
		if (!same)
			rc = tender_diag_set(d, ET_EVERIFY, "et.draw.verify", "重新计算的抽取结果与记录不符",
					     "the recomputed selection differs from the recorded panel",
					     "%s", tender);
	}
out:
	crypto_wipe(seed, sizeof seed);
	free(q.panel);
	free(q.request);
	json_decref(panel);
	json_decref(req);
	json_decref(mem);
	json_decref(res);
	return rc;
}

struct all_q {
	char (*t)[TENDER_ID_LEN];
	size_t n, cap;
};

static int all_q_fn(sqlite3 *db, void *ctx)
{
	struct all_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc, s;

	if ((rc = audit_sql_prepare(db, &st, "SELECT tender FROM ev_draw WHERE state = 'drawn' ORDER BY"
				    " tender", "")))
		return rc;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (q->n == q->cap) {
			size_t nc = q->cap ? q->cap * 2 : 16;
			void *p = realloc(q->t, nc * sizeof *q->t);
			if (!p) {
				rc = et_fail(ET_ENOMEM);
				break;
			}
			q->t = p;
			q->cap = nc;
		}
		audit_sql_col_text(st, 0, q->t[q->n++], TENDER_ID_LEN);
	}
	if (!rc && s != SQLITE_DONE)
		rc = et_fail(ET_EDB);
	sqlite3_finalize(st);
	return rc;
}

int ev_draw_verify_all(struct audit_ledger *l, size_t *n, struct tender_diag *d)
{
	struct all_q q = { NULL, 0, 0 };
	int rc;

	if (n)
		*n = 0;
	if (!l)
		return et_fail(ET_EINVAL);
	if ((rc = audit_ledger_query(l, all_q_fn, &q)))
		goto out;
	for (size_t i = 0; i < q.n; i++) {
		if ((rc = ev_draw_verify(l, q.t[i], d)) || (rc = ev_report_verify(l, q.t[i], d))) {
			if (d)
				tender_diag_append(d, "tender %s", q.t[i]);
			goto out;
		}
		if (n)
			(*n)++;
	}
out:
	free(q.t);
	return rc;
}
