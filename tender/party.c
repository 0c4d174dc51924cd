/* tender/party.c — accounts (organisations, users, roles), credentials
 * (passwords, tokens: private store only), users' keys with proof of
 * possession, and credit records. Every state change of the projection is
 * an event through the ledger; the private store is written directly, before
 * the event (and its rows removed again if the event is refused), so a
 * crash in between leaves at most an orphan private row that no event names.
 *
 * Events (payloads canonical JSON, docs/domain.md):
 *   org.registered  {id, kind, name?, details_sha256}   (name not for bidders)
 *   user.registered {id, org, roles, details_sha256}
 *   key.registered  {user, x25519, ed25519, sig, pop}
 *   credit.recorded {org, basis, from, until} */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "tender/tender_int.h"

/* ---- details and their salted hash --------------------------------------- */

static bool text_ok(const char *s, size_t max)
{
	return !s || strlen(s) <= max;
}

/* Canonical JSON of the details with a fresh random salt and the hex of its
 * SHA-256. *json malloc'd (caller frees). */
int td_details_json(const char *const *keys, const char *const *vals, size_t n, char **json,
			char hash[TENDER_SHA256_HEX])
{
	unsigned char salt[16], h[32];
	char salthex[33];
	json_t *o = json_object();
	size_t len;
	int rc = ET_OK;

	*json = NULL;
	if (!o)
		return et_fail(ET_ENOMEM);
	if ((rc = crypto_random(salt, sizeof salt)))
		goto out;
	et_hex_encode(salt, sizeof salt, salthex);
	if (json_object_set_new(o, "salt", json_string(salthex))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_string(vals[i] ? vals[i] : "");
		if (!v) {
			rc = ET_EINVAL; /* not UTF-8 */
			goto out;
		}
		if (json_object_set_new(o, keys[i], v)) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	if ((rc = td_json_dump(o, json, &len)))
		goto out;
	crypto_sha256(*json, len, h);
	et_hex_encode(h, sizeof h, hash);
out:
	json_decref(o);
	return rc;
}

/* ---- organisation and user commands --------------------------------------- */

struct reg_cmd {
	const char *actor;
	bool bootstrap;
	/* org (when org_id set and org_kind_name) */
	const char *org_id, *org_kind, *org_name, *org_hash;
	enum tender_org_kind kind;
	/* user (when user_id set) */
	const char *user_id, *user_org, *user_hash;
	unsigned roles;
	struct tender_diag *d;
};

static int count_users(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = audit_sql_prepare(db, &st, "SELECT count(*) FROM td_user", "")))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = et_fail(ET_EDB);
	sqlite3_finalize(st);
	return rc;
}

static int org_kind_of(sqlite3 *db, const char *org, enum tender_org_kind *k, bool *found)
{
	sqlite3_stmt *st = NULL;
	char kind[16];
	int rc, s;

	*found = false;
	if ((rc = audit_sql_prepare(db, &st, "SELECT kind FROM td_org WHERE id = ?1", "t", org)))
		return rc;
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		audit_sql_col_text(st, 0, kind, sizeof kind);
		rc = tender_org_kind_parse(kind, k) ? et_fail(ET_EDB) : ET_OK;
		*found = true;
	} else if (s != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
	}
	sqlite3_finalize(st);
	return rc;
}

static int reg_command(struct audit_tx *tx, void *ctx)
{
	struct reg_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	json_t *pl = NULL;
	int rc;

	if (c->bootstrap) {
		int64_t n = 0;
		if ((rc = count_users(db, &n)))
			return rc;
		if (n)
			return tender_diag_set(c->d, ET_EEXIST, "et.bootstrap.once",
					       "平台已初始化", "the platform already has users",
					       "%lld users", (long long)n);
	} else {
		if ((rc = td_actor_load(db, c->actor, &p, c->d)) ||
		    (rc = td_need_role(&p, TENDER_ROLE_ADMIN, "register accounts", c->d)))
			return rc;
	}
	if (c->org_id) {
		pl = json_pack("{s:s, s:s, s:s}", "id", c->org_id, "kind", c->org_kind,
			       "details_sha256", c->org_hash);
		if (pl && c->org_name && json_object_set_new(pl, "name", json_string(c->org_name))) {
			json_decref(pl);
			return ET_EINVAL;
		}
		rc = td_emit(tx, "org.registered", c->actor, "", pl, false, NULL);
		json_decref(pl);
		if (rc)
			return rc;
	}
	if (c->user_id) {
		enum tender_org_kind k;
		bool found;
		if ((rc = org_kind_of(db, c->user_org, &k, &found)))
			return rc;
		if (!found)
			return tender_diag_set(c->d, ET_ENOTFOUND, "et.account.org", "无此机构",
					       "no such organisation", "%s", c->user_org);
		if (!c->roles || (c->roles & ~td_roles_allowed(k)) ||
		    ((c->roles & TENDER_ROLE_BIDDER) && (c->roles & TENDER_ROLE_EXPERT)))
			return tender_diag_set(c->d, ET_EINVAL, "et.account.org_kind",
					       "角色与机构类型不符", "roles not allowed for this kind of organisation",
					       "roles 0x%x, org kind %s", c->roles, tender_org_kind_name(k));
		pl = json_pack("{s:s, s:s, s:I, s:s}", "id", c->user_id, "org", c->user_org, "roles",
			       (json_int_t)c->roles, "details_sha256", c->user_hash);
		rc = td_emit(tx, "user.registered", c->actor, "", pl, false, NULL);
		json_decref(pl);
		if (rc)
			return rc;
	}
	return ET_OK;
}

static int org_details(const struct tender_org_details *det, char **json, char hash[TENDER_SHA256_HEX])
{
	static const char *const keys[] = { "address", "credit_code", "legal_name", "phone" };
	const char *vals[4] = { det ? det->address : NULL, det ? det->credit_code : NULL,
				det ? det->legal_name : NULL, det ? det->phone : NULL };

	for (int i = 0; i < 4; i++)
		if (!text_ok(vals[i], ET_TENDER_DETAIL_MAX))
			return ET_ELIMIT;
	return td_details_json(keys, vals, 4, json, hash);
}

static int person_details(const struct tender_person *det, char **json, char hash[TENDER_SHA256_HEX])
{
	static const char *const keys[] = { "email", "id_number", "name", "phone" };
	const char *vals[4] = { det ? det->email : NULL, det ? det->id_number : NULL,
				det ? det->name : NULL, det ? det->phone : NULL };

	for (int i = 0; i < 4; i++)
		if (!text_ok(vals[i], ET_TENDER_DETAIL_MAX))
			return ET_ELIMIT;
	return td_details_json(keys, vals, 4, json, hash);
}

static bool login_ok(const char *login)
{
	size_t n = login ? strlen(login) : 0;

	if (n == 0 || n > ET_TENDER_LOGIN_MAX)
		return false;
	/* login is by name or by user id: a name must never look like an id */
	if (!strncmp(login, "usr-", 4))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)login[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return false;
	}
	return true;
}

static int password_ok(const char *pw, struct tender_diag *d)
{
	size_t n = pw ? strlen(pw) : 0;

	if (n < ET_TENDER_PASSWORD_MIN || n > ET_TENDER_PASSWORD_MAX)
		return tender_diag_set(d, ET_EINVAL, "et.password.length", "密码长度不符",
				       "password length out of range", "%u..%u bytes",
				       ET_TENDER_PASSWORD_MIN, ET_TENDER_PASSWORD_MAX);
	return ET_OK;
}

int tender_bootstrap(struct audit_ledger *l, struct tender_private *p, const char *center_name,
		     const char *login, char org_out[TENDER_ID_LEN], char user_out[TENDER_ID_LEN],
		     char **password)
{
	struct tender_org_details od = { center_name, NULL, NULL, NULL };
	char *ojson = NULL, *ujson = NULL, ohash[TENDER_SHA256_HEX], uhash[TENDER_SHA256_HEX];
	char org[TENDER_ID_LEN], user[TENDER_ID_LEN], *pw = NULL;
	unsigned char raw[18];
	bool put_org = false, put_user = false;
	int rc;

	*password = NULL;
	if (!l || !p || !center_name || !*center_name || !login_ok(login))
		return et_fail(ET_EINVAL);
	if ((rc = td_new_id("org-", org)) || (rc = td_new_id("usr-", user)) ||
	    (rc = org_details(&od, &ojson, ohash)) || (rc = person_details(NULL, &ujson, uhash)))
		goto out;
	/* 18 random bytes -> 24 base64 characters */
	if (!(pw = malloc(et_b64_encoded_len(sizeof raw) + 1))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	if ((rc = crypto_random(raw, sizeof raw)))
		goto out;
	et_b64_encode(raw, sizeof raw, pw);
	if ((rc = td_priv_put_org(p, org, ojson, ohash)))
		goto out;
	put_org = true;
	if ((rc = td_priv_put_user(p, user, login, ujson, uhash, pw, et_clock_now_us())))
		goto out;
	put_user = true;
	struct reg_cmd c = { .actor = user, .bootstrap = true, .org_id = org, .org_kind = "center",
			     .org_name = center_name, .org_hash = ohash, .user_id = user,
			     .user_org = org, .user_hash = uhash, .roles = TENDER_ROLE_ADMIN };
	if ((rc = audit_ledger_submit(l, reg_command, &c, NULL)))
		goto out;
	memcpy(org_out, org, sizeof org);
	memcpy(user_out, user, sizeof user);
	*password = pw;
	pw = NULL;
out:
	if (rc) {
		if (put_org || put_user)
			td_priv_forget(p, put_org ? org : NULL, put_user ? user : NULL);
	}
	crypto_wipe(raw, sizeof raw);
	if (pw) {
		crypto_wipe(pw, strlen(pw));
		free(pw);
	}
	free(ojson);
	free(ujson);
	return rc;
}

int tender_org_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
			enum tender_org_kind kind, const struct tender_org_details *det,
			char id_out[TENDER_ID_LEN], struct tender_diag *d)
{
	char *json = NULL, hash[TENDER_SHA256_HEX], id[TENDER_ID_LEN];
	const char *kname = tender_org_kind_name(kind);
	bool put = false;
	int rc;

	tender_diag_clear(d);
	if (!l || !p || !kname || !det || !det->legal_name || !*det->legal_name)
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", "%s",
				       "kind and legal name are required");
	if ((rc = td_new_id("org-", id)) || (rc = org_details(det, &json, hash)))
		goto out;
	if ((rc = td_priv_put_org(p, id, json, hash)))
		goto out;
	put = true;
	struct reg_cmd c = { .actor = actor, .org_id = id, .org_kind = kname,
			     .org_name = kind == TENDER_ORG_BIDDER ? NULL : det->legal_name,
			     .org_hash = hash, .kind = kind, .d = d };
	if ((rc = td_submit(l, reg_command, &c, d)))
		goto out;
	if (id_out)
		memcpy(id_out, id, sizeof id);
out:
	if (rc && put)
		td_priv_forget(p, id, NULL);
	if (rc && d && d->rc != rc)
		(void)tender_diag_set(d, rc, NULL, "机构登记失败", "organisation not registered", "%s",
				      et_strerror(rc));
	free(json);
	return rc;
}

int tender_user_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
			 const char *org, unsigned roles, const char *login, const char *password,
			 const struct tender_person *det, char id_out[TENDER_ID_LEN],
			 struct tender_diag *d)
{
	char *json = NULL, hash[TENDER_SHA256_HEX], id[TENDER_ID_LEN];
	bool put = false;
	int rc;

	tender_diag_clear(d);
	if (!l || !p || !org || !login_ok(login) || (roles & ~TENDER_ROLE_ALL))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", "%s",
				       "org, login (printable ASCII) and roles are required");
	if ((rc = password_ok(password, d)))
		return rc;
	if ((rc = td_new_id("usr-", id)) || (rc = person_details(det, &json, hash)))
		goto out;
	if ((rc = td_priv_put_user(p, id, login, json, hash, password, et_clock_now_us()))) {
		if (rc == ET_EEXIST)
			(void)tender_diag_set(d, rc, "et.account.login", "登录名已存在",
					      "login name taken", "%s", login);
		goto out;
	}
	put = true;
	struct reg_cmd c = { .actor = actor, .user_id = id, .user_org = org, .user_hash = hash,
			     .roles = roles, .d = d };
	if ((rc = td_submit(l, reg_command, &c, d)))
		goto out;
	if (id_out)
		memcpy(id_out, id, sizeof id);
out:
	if (rc && put)
		td_priv_forget(p, NULL, id);
	if (rc && d && d->rc != rc)
		(void)tender_diag_set(d, rc, NULL, "用户登记失败", "user not registered", "%s",
				      et_strerror(rc));
	free(json);
	return rc;
}

int tender_password_change(struct tender_private *p, const char *user, const char *old_pw,
			   const char *new_pw, struct tender_diag *d)
{
	char who[TENDER_ID_LEN];
	int rc;

	tender_diag_clear(d);
	if (!p || !user)
		return et_fail(ET_EINVAL);
	if ((rc = password_ok(new_pw, d)))
		return rc;
	if ((rc = td_priv_check_password(p, user, old_pw, who)) || strcmp(who, user))
		return tender_diag_set(d, ET_EDENIED, "et.auth.password", "密码错误",
				       "wrong password", "%s", user);
	return td_priv_set_password(p, user, new_pw);
}

/* ---- login and tokens ----------------------------------------------------------- */

static int principal_q(sqlite3 *db, void *ctx)
{
	struct tender_principal *w = ctx;
	char user[TENDER_ID_LEN];

	memcpy(user, w->user, sizeof user);
	return td_actor_load(db, user, w, NULL);
}

static int principal_of(struct audit_ledger *l, const char *user, struct tender_principal *who)
{
	struct tender_principal w;
	int rc;

	memset(&w, 0, sizeof w);
	if (strlen(user) >= sizeof w.user)
		return ET_EDENIED;
	memcpy(w.user, user, strlen(user) + 1);
	rc = audit_ledger_query(l, principal_q, &w);
	if (rc == ET_OK && who)
		*who = w;
	return rc;
}

int tender_login(struct audit_ledger *l, struct tender_private *p, const char *login,
		 const char *password, char token_out[TENDER_TOKEN_LEN],
		 struct tender_principal *who)
{
	char user[TENDER_ID_LEN];
	int rc;

	token_out[0] = 0;
	if (!l || !p)
		return et_fail(ET_EINVAL);
	if ((rc = td_priv_check_password(p, login, password, user)))
		return rc == ET_EDENIED ? ET_EDENIED : rc;
	if ((rc = principal_of(l, user, who)))
		return rc == ET_EDENIED ? ET_EDENIED : rc;
	return td_priv_token_new(p, user, et_clock_now_us(), token_out);
}

int tender_token_verify(struct audit_ledger *l, struct tender_private *p, const char *token,
			struct tender_principal *who)
{
	char user[TENDER_ID_LEN];
	int rc;

	if (!l || !p)
		return et_fail(ET_EINVAL);
	if ((rc = td_priv_token_user(p, token, et_clock_now_us(), user)))
		return rc;
	return principal_of(l, user, who);
}

/* ---- keys ------------------------------------------------------------------------ */

struct membuf {
	const unsigned char *p;
	size_t n, off;
};

static int mem_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct membuf *m = ctx;
	size_t k = m->n - m->off < cap ? m->n - m->off : cap;

	memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *buf, size_t n)
{
	return et_buf_add(ctx, buf, n);
}

int tender_key_challenge(struct audit_ledger *l, struct tender_private *p, const char *user,
			 const char *recipient, char **armored)
{
	struct crypto_age_recipient *r = NULL;
	unsigned char ch[32], h[32], expect[32];
	char resp[65];
	struct et_buf out;
	int rc;

	*armored = NULL;
	et_buf_init(&out, 4096);
	if (!l || !p || !user || !recipient || strlen(recipient) >= 64)
		return et_fail(ET_EINVAL);
	if ((rc = principal_of(l, user, NULL)))
		goto out;
	if ((rc = crypto_age_recipient_parse(recipient, &r))) {
		rc = ET_EINVAL;
		goto out;
	}
	if ((rc = crypto_random(ch, sizeof ch)))
		goto out;
	crypto_sha256(ch, sizeof ch, h);
	et_hex_encode(h, sizeof h, resp);
	crypto_sha256(resp, 64, expect);
	{
		const struct crypto_age_recipient *rs[1] = { r };
		struct membuf m = { ch, sizeof ch, 0 };
		if ((rc = crypto_age_encrypt(rs, 1, true, mem_read, &m, buf_write, &out)))
			goto out;
	}
	if ((rc = td_priv_challenge_put(p, user, recipient, expect,
					et_clock_now_us() + TENDER_CHALLENGE_TTL_US)))
		goto out;
	if ((rc = et_buf_add(&out, "", 1)))
		goto out;
	*armored = (char *)et_buf_steal(&out, NULL);
out:
	crypto_wipe(ch, sizeof ch);
	crypto_wipe(h, sizeof h);
	crypto_wipe(resp, sizeof resp);
	crypto_age_recipient_free(r);
	et_buf_free(&out);
	return rc;
}

int tender_key_message(const char *user, const char *recipient,
		       const unsigned char ed25519_pub[32], const char *response_hex,
		       struct et_buf *out)
{
	char pub[48];

	if (!user || !recipient || !ed25519_pub || !response_hex)
		return et_fail(ET_EINVAL);
	et_b64_encode(ed25519_pub, 32, pub);
	return et_buf_printf(out, "etender-user-key/v1\n%s\n%s\n%s\n%s\n", user, recipient, pub,
			     response_hex);
}

struct key_cmd {
	const char *actor, *recipient, *response;
	const unsigned char *pub, *sig;
	struct tender_diag *d;
};

static int key_command(struct audit_tx *tx, void *ctx)
{
	struct key_cmd *c = ctx;
	struct tender_principal p;
	struct et_buf msg;
	char pub[48], sig[96];
	json_t *pl;
	int rc;

	et_buf_init(&msg, 4096);
	if ((rc = td_actor_load(audit_tx_db(tx), c->actor, &p, c->d)))
		goto out;
	if ((rc = tender_key_message(c->actor, c->recipient, c->pub, c->response, &msg)))
		goto out;
	if (crypto_ed25519_verify(c->pub, msg.data, msg.len, c->sig) != ET_OK) {
		rc = tender_diag_set(c->d, ET_EVERIFY, "et.keys.signature", "签名无效",
				     "the Ed25519 signature does not verify", "%s",
				     "etender-user-key/v1");
		goto out;
	}
	et_b64_encode(c->pub, 32, pub);
	et_b64_encode(c->sig, 64, sig);
	pl = json_pack("{s:s, s:s, s:s, s:s, s:s}", "user", c->actor, "x25519", c->recipient,
		       "ed25519", pub, "sig", sig, "pop", "age-challenge/v1");
	rc = td_emit(tx, "key.registered", c->actor, "", pl, false, NULL);
	json_decref(pl);
out:
	et_buf_free(&msg);
	return rc;
}

int tender_key_register(struct audit_ledger *l, struct tender_private *p, const char *actor,
			const char *recipient, const unsigned char ed25519_pub[32],
			const char *response_hex, const unsigned char sig[64],
			struct tender_diag *d)
{
	struct crypto_age_recipient *r = NULL;
	int rc;

	tender_diag_clear(d);
	if (!l || !p || !actor || !recipient || !ed25519_pub || !sig || strlen(recipient) >= 64 ||
	    crypto_age_recipient_parse(recipient, &r))
		return tender_diag_set(d, ET_EINVAL, NULL, "密钥无效", "invalid key", "%s",
				       "an age1… X25519 recipient and an Ed25519 key are required");
	crypto_age_recipient_free(r);
	if (td_priv_challenge_check(p, actor, recipient, response_hex, et_clock_now_us(), false))
		return tender_diag_set(d, ET_EVERIFY, "et.keys.pop", "未能证明持有X25519私钥",
				       "no valid answer to the X25519 challenge", "%s", recipient);
	struct key_cmd c = { actor, recipient, response_hex, ed25519_pub, sig, d };
	if ((rc = td_submit(l, key_command, &c, d)))
		return rc;
	/* consumed after the event is durable; a failure here only leaves a
	 * challenge that expires */
	if (td_priv_challenge_check(p, actor, recipient, response_hex, et_clock_now_us(), true))
		et_log(ET_LOG_WARN, "tender: key challenge not consumed (it expires)");
	return ET_OK;
}

/* ---- credit records ---------------------------------------------------------------- */

struct credit_cmd {
	const char *actor, *org, *basis;
	int64_t from, until;
	struct tender_diag *d;
};

static int credit_command(struct audit_tx *tx, void *ctx)
{
	struct credit_cmd *c = ctx;
	struct tender_principal p;
	enum tender_org_kind k;
	bool found;
	json_t *pl;
	int rc;

	if ((rc = td_actor_load(audit_tx_db(tx), c->actor, &p, c->d)) ||
	    (rc = td_need_role(&p, TENDER_ROLE_ADMIN, "record credit", c->d)) ||
	    (rc = org_kind_of(audit_tx_db(tx), c->org, &k, &found)))
		return rc;
	if (!found)
		return tender_diag_set(c->d, ET_ENOTFOUND, "et.account.org", "无此机构",
				       "no such organisation", "%s", c->org);
	pl = json_pack("{s:s, s:s, s:I, s:I}", "org", c->org, "basis", c->basis, "from",
		       (json_int_t)c->from, "until", (json_int_t)c->until);
	if (!pl)
		return tender_diag_set(c->d, ET_EINVAL, NULL, "参数无效", "invalid argument", "%s",
				       "basis must be UTF-8");
	rc = td_emit(tx, "credit.recorded", c->actor, "", pl, false, NULL);
	json_decref(pl);
	return rc;
}

int tender_credit_record(struct audit_ledger *l, const char *actor, const char *org,
			 const char *basis, int64_t from_us, int64_t until_us,
			 struct tender_diag *d)
{
	tender_diag_clear(d);
	if (!l || !org || !basis || !*basis || strlen(basis) > 256 || from_us < 0 ||
	    until_us <= from_us)
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", "%s",
				       "org, basis (1..256 bytes) and from < until are required");
	struct credit_cmd c = { actor, org, basis, from_us, until_us, d };
	return td_submit(l, credit_command, &c, d);
}
