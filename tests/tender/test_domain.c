/* tests/tender/test_domain.c — the tender domain on a real ledger and a real
 * private store: bootstrap, accounts of every role, keys with valid and
 * invalid proofs, login and tokens, a whole tender flow (draft, key-holder
 * set, publish, documents, registration with a barred firm, downloads, a
 * question the agent sees without the asker, a late clarification that moves
 * the deadline, a two-person deadline change, cancel with a membership
 * reveal), confidentiality from the agent's, another bidder's and the public
 * log's side, replay (full and public) equal to live, no personal data or
 * credential in any leaf, a failed commit that leaves nothing, and sixteen
 * concurrent registrations of one firm of which exactly one succeeds. */
#include <pthread.h>

#include <jansson.h>

#include "tests/tender/domain_fix.h"

static int leaf_src(void *ctx, uint64_t index, unsigned char **leaf, size_t *len)
{
	return audit_ledger_leaf(ctx, index, leaf, len);
}

START_TEST(test_bootstrap_login_tokens)
{
	struct world w;
	struct tender_principal p;
	struct tender_diag d;
	char tok[TENDER_TOKEN_LEN], bad[TENDER_TOKEN_LEN], org[TENDER_ID_LEN], usr[TENDER_ID_LEN];
	char *pw = NULL;

	world_setup(&w);
	/* bootstrap happens once */
	ck_assert_int_eq(tender_bootstrap(w.l, w.p, "x", "admin2", org, usr, &pw), ET_EEXIST);
	ck_assert_ptr_null(pw);
	/* the admin's printed credential works */
	ck_assert_int_eq(tender_login(w.l, w.p, "admin", w.admin_pw, tok, &p), ET_OK);
	ck_assert_str_eq(p.user, w.user[U_ADMIN]);
	ck_assert_uint_eq(p.roles, TENDER_ROLE_ADMIN);
	ck_assert_int_eq(p.org_kind, TENDER_ORG_CENTER);
	/* by login name or by id */
	ck_assert_int_eq(tender_login(w.l, w.p, "bidder1-login", user_pw, tok, &p), ET_OK);
	ck_assert_str_eq(p.user, w.user[U_BIDDER1]);
	ck_assert_str_eq(p.org, w.org[O_B1]);
	ck_assert_int_eq(tender_login(w.l, w.p, w.user[U_AGENT1], user_pw, tok, &p), ET_OK);
	ck_assert_uint_eq(p.roles, TENDER_ROLE_AGENT);
	memset(&p, 0, sizeof p);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, tok, &p), ET_OK);
	ck_assert_str_eq(p.user, w.user[U_AGENT1]);
	ck_assert_str_eq(p.org, w.org[O_AGENT]);
	/* wrong password, unknown login: the same answer */
	ck_assert_int_eq(tender_login(w.l, w.p, "agent1", "wrong password!", bad, &p), ET_EDENIED);
	ck_assert_int_eq(tender_login(w.l, w.p, "nobody", user_pw, bad, &p), ET_EDENIED);
	ck_assert_str_eq(bad, "");
	/* a tampered or malformed token */
	memcpy(bad, tok, sizeof bad);
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(tender_token_verify(w.l, w.p, bad, &p), ET_EDENIED);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, "et1.zz", &p), ET_EDENIED);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, "", &p), ET_EDENIED);
	/* revoke */
	ck_assert_int_eq(tender_token_revoke(w.p, tok), ET_OK);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, tok, &p), ET_EDENIED);
	ck_assert_int_eq(tender_token_revoke(w.p, tok), ET_ENOTFOUND);
	/* expiry */
	ck_assert_int_eq(tender_login(w.l, w.p, "agent1", user_pw, tok, &p), ET_OK);
	et_clock_advance_test(TENDER_TOKEN_TTL_US - 1);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, tok, &p), ET_OK);
	et_clock_advance_test(1);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, tok, &p), ET_EDENIED);
	/* password change ends sessions; old password refused */
	ck_assert_int_eq(tender_login(w.l, w.p, "agent1", user_pw, tok, &p), ET_OK);
	ck_assert_int_eq(tender_password_change(w.p, w.user[U_AGENT1], "wrong password!",
						"another long one", &d), ET_EDENIED);
	ck_assert_int_eq(tender_password_change(w.p, w.user[U_AGENT1], user_pw, "short", &d),
			 ET_EINVAL);
	ck_assert_str_eq(d.rule, "et.password.length");
	ck_assert_int_eq(tender_password_change(w.p, w.user[U_AGENT1], user_pw, "another long one",
						&d), ET_OK);
	ck_assert_int_eq(tender_token_verify(w.l, w.p, tok, &p), ET_EDENIED);
	ck_assert_int_eq(tender_login(w.l, w.p, "agent1", user_pw, tok, &p), ET_EDENIED);
	ck_assert_int_eq(tender_login(w.l, w.p, "agent1", "another long one", tok, &p), ET_OK);
	fix_close(&w);
}
END_TEST

START_TEST(test_accounts_refused)
{
	struct world w;
	struct tender_diag d;
	char id[TENDER_ID_LEN];
	struct tender_org_details od = { "某公司", NULL, NULL, NULL };
	struct tender_person pd = { "某人", NULL, NULL, NULL };
	uint64_t size;

	world_setup(&w);
	size = audit_ledger_size(w.l);
	/* only administrators register accounts */
	ck_assert_int_eq(tender_org_register(w.l, w.p, w.user[U_AGENT1], TENDER_ORG_BIDDER, &od, id, &d),
			 ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.role");
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_SUPER], w.org[O_B1],
					      TENDER_ROLE_BIDDER, "newuser", user_pw, &pd, id, &d),
			 ET_EDENIED);
	ck_assert_int_eq(tender_org_register(w.l, w.p, "usr-nobody", TENDER_ORG_BIDDER, &od, id, &d),
			 ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.unknown");
	/* roles must fit the org's kind */
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B1],
					      TENDER_ROLE_AGENT, "newuser", user_pw, &pd, id, &d),
			 ET_EINVAL);
	ck_assert_str_eq(d.rule, "et.account.org_kind");
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B1],
					      TENDER_ROLE_BIDDER | TENDER_ROLE_EXPERT, "newuser",
					      user_pw, &pd, id, &d), ET_EINVAL);
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_AGENT],
					      TENDER_ROLE_ADMIN, "newuser", user_pw, &pd, id, &d),
			 ET_EINVAL);
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], "org-nonexistent", TENDER_ROLE_BIDDER,
					      "newuser", user_pw, &pd, id, &d), ET_ENOTFOUND);
	/* a login name cannot look like a user id */
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B1],
					      TENDER_ROLE_BIDDER, w.user[U_AGENT1], user_pw, &pd, id, &d),
			 ET_EINVAL);
	/* login names are unique; passwords long enough */
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B1],
					      TENDER_ROLE_BIDDER, "agent1", user_pw, &pd, id, &d),
			 ET_EEXIST);
	ck_assert_str_eq(d.rule, "et.account.login");
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B1],
					      TENDER_ROLE_BIDDER, "newuser", "short", &pd, id, &d),
			 ET_EINVAL);
	ck_assert_str_eq(d.rule, "et.password.length");
	/* nothing was logged, and a refused user cannot log in (its row is gone) */
	ck_assert_uint_eq(audit_ledger_size(w.l), size);
	struct tender_principal p;
	char tok[TENDER_TOKEN_LEN];
	ck_assert_int_eq(tender_login(w.l, w.p, "newuser", user_pw, tok, &p), ET_EDENIED);
	/* credit records: admin only */
	ck_assert_int_eq(tender_credit_record(w.l, w.user[U_SUPER], w.org[O_B2], "x", T0, T0 + DAY, &d),
			 ET_EDENIED);
	ck_assert_int_eq(tender_credit_record(w.l, w.user[U_ADMIN], w.org[O_B2], "x", T0, T0, &d),
			 ET_EINVAL);
	bool barred = false;
	ck_assert_int_eq(tender_credit_barred(w.l, w.org[O_B3], T0, &barred), ET_OK);
	ck_assert(barred);
	ck_assert_int_eq(tender_credit_barred(w.l, w.org[O_B3], T0 + 366 * DAY, &barred), ET_OK);
	ck_assert(!barred);
	ck_assert_int_eq(tender_credit_barred(w.l, w.org[O_B2], T0, &barred), ET_OK);
	ck_assert(!barred);
	fix_close(&w);
}
END_TEST

START_TEST(test_keys)
{
	struct world w;
	struct tender_diag d;
	struct tender_user_info ui;
	char *armored = NULL;
	char old[64];

	world_setup(&w);
	ck_assert_int_eq(tender_user_get(w.l, w.user[U_BIDDER1], &ui), ET_OK);
	ck_assert_str_eq(ui.x25519, w.key[U_BIDDER1].recipient);
	ck_assert_str_eq(ui.org, w.org[O_B1]);
	ck_assert_uint_eq(ui.roles, TENDER_ROLE_BIDDER);
	/* a new key pair: invalid proofs refused, the old keys stay */
	memcpy(old, w.key[U_BIDDER1].recipient, strlen(w.key[U_BIDDER1].recipient) + 1);
	crypto_wipe(w.key[U_BIDDER1].secret, strlen(w.key[U_BIDDER1].secret));
	free(w.key[U_BIDDER1].secret);
	free(w.key[U_BIDDER1].recipient);
	w.key[U_BIDDER1].secret = NULL;
	w.key[U_BIDDER1].recipient = NULL;
	ck_assert_int_eq(register_keys(&w, U_BIDDER1, 3, &d), ET_EVERIFY);
	ck_assert_str_eq(d.rule, "et.keys.pop");
	ck_assert_int_eq(register_keys(&w, U_BIDDER1, 1, &d), ET_EVERIFY);
	ck_assert_str_eq(d.rule, "et.keys.pop");
	ck_assert_int_eq(register_keys(&w, U_BIDDER1, 2, &d), ET_EVERIFY);
	ck_assert_str_eq(d.rule, "et.keys.signature");
	ck_assert_int_eq(tender_user_get(w.l, w.user[U_BIDDER1], &ui), ET_OK);
	ck_assert_str_eq(ui.x25519, old);
	/* a challenge is bound to its user: another user's answer does not count */
	ck_assert_int_eq(tender_key_challenge(w.l, w.p, w.user[U_BIDDER2], w.key[U_BIDDER1].recipient,
					      &armored), ET_OK);
	free(armored);
	ck_assert_int_eq(register_keys(&w, U_BIDDER1, 0, &d), ET_OK);
	ck_assert_int_eq(tender_user_get(w.l, w.user[U_BIDDER1], &ui), ET_OK);
	ck_assert_str_eq(ui.x25519, w.key[U_BIDDER1].recipient);
	/* a used challenge is gone: replaying the same answer fails */
	ck_assert_int_eq(tender_key_challenge(w.l, w.p, "usr-nobody", w.key[U_BIDDER1].recipient,
					      &armored), ET_EDENIED);
	ck_assert_int_eq(tender_key_challenge(w.l, w.p, w.user[U_BIDDER1], "age1notakey", &armored),
			 ET_EINVAL);
	/* expired challenge */
	{
		struct ukey *k = &w.key[U_BIDDER2];
		char resp[65];
		unsigned char sig[64];
		struct et_buf msg;
		ck_assert_int_eq(tender_key_challenge(w.l, w.p, w.user[U_BIDDER2], k->recipient, &armored),
				 ET_OK);
		answer_challenge(k, armored, resp);
		free(armored);
		et_clock_advance_test(TENDER_CHALLENGE_TTL_US);
		et_buf_init(&msg, 1024);
		ck_assert_int_eq(tender_key_message(w.user[U_BIDDER2], k->recipient, k->pub, resp, &msg), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(k->seed, msg.data, msg.len, sig), ET_OK);
		et_buf_free(&msg);
		ck_assert_int_eq(tender_key_register(w.l, w.p, w.user[U_BIDDER2], k->recipient, k->pub,
						     resp, sig, &d), ET_EVERIFY);
		ck_assert_str_eq(d.rule, "et.keys.pop");
	}
	fix_close(&w);
}
END_TEST

/* The whole flow, with G4 checks and replay at the end. */
START_TEST(test_flow)
{
	struct world w;
	struct tender_diag d;
	struct tkeys t;
	struct et_buf xml, all;
	struct tender_principal pa, pb1, pb2, psup;
	struct tender_info info;
	char tid[TENDER_ID_LEN], doc1[TENDER_ID_LEN], q1[TENDER_ID_LEN], clr[TENDER_ID_LEN],
		prop[TENDER_ID_LEN];
	const char *T = "E3301002026000777";
	int64_t from = T0 + HOUR, nd = 0;
	uint64_t conf = 0, size_before_tender;

	world_setup(&w);
	principal(&w, U_AGENT1, &pa);
	principal(&w, U_BIDDER1, &pb1);
	principal(&w, U_BIDDER2, &pb2);
	principal(&w, U_SUPER, &psup);
	size_before_tender = audit_ledger_size(w.l);
	et_buf_init(&xml, 1 << 20);
	holder_keys(&w, T, &t);

	/* invalid key-holder sets are refused at the draft, by rule */
	{
		struct xholder h1[2] = { { w.user[U_KH1], w.org[O_AGENT], t.recipient[0] },
					 { w.user[U_KH2], w.org[O_SUPER], t.recipient[1] } };
		struct xholder h2[2] = { { w.user[U_KH1], w.org[O_AGENT], t.recipient[0] },
					 { w.user[U_AGENT1], w.org[O_AGENT], t.recipient[1] } };
		make_xml(&xml, T, &w, from, 1, h1, 2);
		ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT1], xml.data, xml.len, tid, &d), ET_EINVAL);
		ck_assert_str_eq(d.rule, "et.keys.k_min");
		make_xml(&xml, T, &w, from, 2, h2, 2);
		ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT1], xml.data, xml.len, tid, &d), ET_EINVAL);
		ck_assert_str_eq(d.rule, "et.keys.orgs");
	}
	tender_xml_for(&w, T, from, &t, &xml);
	/* a bidder cannot draft; another agency cannot draft for this agent */
	ck_assert_int_eq(tender_draft(w.l, w.user[U_BIDDER1], xml.data, xml.len, tid, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.role");
	ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT_O], xml.data, xml.len, tid, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.org");
	ck_assert_msg(tender_draft(w.l, w.user[U_AGENT1], xml.data, xml.len, tid, &d) == ET_OK, "%s", d.msg);
	ck_assert_str_eq(tid, T);
	/* the draft is not public */
	ck_assert_int_eq(tender_get(w.l, NULL, T, &info, NULL, NULL), ET_ENOTFOUND);
	ck_assert_int_eq(tender_get(w.l, &pb1, T, &info, NULL, NULL), ET_ENOTFOUND);
	{
		unsigned char *x = NULL;
		size_t xl = 0;
		ck_assert_int_eq(tender_get(w.l, &pa, T, &info, &x, &xl), ET_OK);
		ck_assert_uint_eq(xl, xml.len);
		ck_assert_mem_eq(x, xml.data, xl);
		free(x);
		ck_assert_int_eq(info.stage, TENDER_STAGE_DRAFT);
		ck_assert_str_eq(info.holders_state, "none");
	}
	/* documents in the draft */
	{
		struct tender_document_new dn = { "招标文件.pdf", "documents", 123456, { 0 } };
		crypto_sha256("tender documents", 16, dn.sha256);
		ck_assert_int_eq(tender_document_upload(w.l, w.user[U_BIDDER1], T, &dn, doc1, &d), ET_EDENIED);
		ck_assert_int_eq(tender_document_upload(w.l, w.user[U_AGENT1], T, &dn, doc1, &d), ET_OK);
		struct tender_document_new bad = { "../etc/passwd", "documents", 1, { 0 } };
		ck_assert_int_eq(tender_document_upload(w.l, w.user[U_AGENT1], T, &bad, NULL, &d), ET_EINVAL);
		bad.name = "ok.pdf";
		bad.kind = "virus";
		ck_assert_int_eq(tender_document_upload(w.l, w.user[U_AGENT1], T, &bad, NULL, &d), ET_EINVAL);
	}
	/* publishing needs the approved key-holder set */
	ck_assert_int_eq(tender_publish(w.l, w.user[U_AGENT1], T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.keys.approved");

	/* key holders: bad signature, wrong signer, not a holder, wrong key */
	{
		char line[512];
		memcpy(line, t.line[0], sizeof line);
		char *sig = strrchr(line, ' ') + 1;
		sig[3] = sig[3] == 'A' ? 'B' : 'A';
		ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], line, &d), ET_EVERIFY);
		ck_assert_str_eq(d.rule, "et.keys.signature");
		/* kh2's line presented by kh1: signer is not kh1's key */
		ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], t.line[1], &d), ET_EKEY);
		ck_assert_str_eq(d.rule, "et.keys.recipient");
		ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_EXPERT], t.line[0], &d), ET_EDENIED);
		ck_assert_str_eq(d.rule, "et.auth.role");
		ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], "etender-holder-key/v1 x y", &d),
				 ET_EINVAL);
		ck_assert_str_eq(d.rule, "et.keys.line");
		/* kh1's key, signed by kh2's Ed25519 key */
		struct et_buf msg;
		unsigned char s[64];
		char sb[96], pb[48];
		et_buf_init(&msg, 1024);
		ck_assert_int_eq(et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", T, t.recipient[0]), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(w.key[U_KH2].seed, msg.data, msg.len, s), ET_OK);
		et_buf_free(&msg);
		et_b64_encode(s, 64, sb);
		et_b64_encode(w.key[U_KH2].pub, 32, pb);
		ck_assert_int_lt(snprintf(line, sizeof line, "etender-holder-key/v1 %s %s %s %s", T,
					  t.recipient[0], pb, sb), (int)sizeof line);
		ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], line, &d), ET_EKEY);
		ck_assert_str_eq(d.rule, "et.keys.signer");
	}
	ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], t.line[0], &d), ET_OK);
	ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH2], t.line[1], &d), ET_OK);
	/* not all holders registered yet */
	ck_assert_int_eq(tender_keyholders_propose(w.l, w.user[U_AGENT1], T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.keys.unregistered");
	ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH3], t.line[2], &d), ET_OK);
	ck_assert_int_eq(tender_keyholders_approve(w.l, w.user[U_SUPER], T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.keys.proposed");
	ck_assert_int_eq(tender_keyholders_propose(w.l, w.user[U_BIDDER1], T, &d), ET_EDENIED);
	ck_assert_msg(tender_keyholders_propose(w.l, w.user[U_AGENT1], T, &d) == ET_OK, "%s", d.msg);
	ck_assert_int_eq(tender_keyholders_approve(w.l, w.user[U_AGENT2], T, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.auth.role");
	ck_assert_int_eq(tender_keyholders_approve(w.l, w.user[U_SUPER], T, &d), ET_OK);
	{
		struct tender_holder_info *hv = NULL;
		size_t hn = 0;
		unsigned k = 0;
		ck_assert_int_eq(tender_holders(w.l, &pa, T, &k, &hv, &hn), ET_OK);
		ck_assert_uint_eq(k, 2);
		ck_assert_uint_eq(hn, 3);
		ck_assert_str_eq(hv[1].recipient, t.recipient[1]);
		ck_assert_uint_eq(hv[2].index, 3);
		tender_holders_free(hv);
	}
	/* publish */
	ck_assert_int_eq(tender_publish(w.l, w.user[U_AGENT2], T, &d), ET_OK);
	ck_assert_int_eq(tender_get(w.l, NULL, T, &info, NULL, NULL), ET_OK);
	ck_assert_int_eq(info.stage, TENDER_STAGE_PUBLISHED);
	ck_assert_int_eq(info.schedule.bid_deadline_us, from + 21 * DAY);
	ck_assert_int_eq(tender_publish(w.l, w.user[U_AGENT1], T, &d), ET_ESTATE);
	/* the published record cannot be redrafted; keys cannot change */
	ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT1], xml.data, xml.len, tid, &d), ET_EEXIST);
	ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], t.line[0], &d), ET_ESTATE);

	/* registration opens at documentsFrom */
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER1], T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.reg.window");
	et_clock_set_test(from + HOUR);
	{
		struct tender_document m;
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_BIDDER1], T, doc1, &m, &d), ET_EDENIED);
		ck_assert_str_eq(d.rule, "et.reg.required");
	}
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER1], T, &d), ET_OK);
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER1], T, &d), ET_EEXIST);
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER2], T, &d), ET_OK);
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER3], T, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.credit.barred");
	ck_assert_int_eq(tender_register(w.l, w.user[U_AGENT1], T, &d), ET_EDENIED);
	{
		struct tender_document m;
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_BIDDER1], T, doc1, &m, &d), ET_OK);
		ck_assert_str_eq(m.name, "招标文件.pdf");
		ck_assert_uint_eq(m.size, 123456);
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_BIDDER2], T, doc1, &m, &d), ET_OK);
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_BIDDER2], T, "doc-none", &m, &d), ET_ENOTFOUND);
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_BIDDER3], T, doc1, &m, &d), ET_EDENIED);
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_AGENT1], T, doc1, &m, &d), ET_OK);
		ck_assert_int_eq(tender_document_download(w.l, w.user[U_EXPERT], T, doc1, &m, &d), ET_EDENIED);
	}
	/* a question; the agent sees it without the asker */
	ck_assert_int_eq(tender_question_ask(w.l, w.user[U_BIDDER4], T, "未报名的提问", q1, &d), ET_EDENIED);
	ck_assert_int_eq(tender_question_ask(w.l, w.user[U_BIDDER1], T, "第3.2条的工期是否可调整？", q1, &d),
			 ET_OK);
	{
		struct tender_question *qv = NULL;
		size_t qn = 0;
		ck_assert_int_eq(tender_questions(w.l, &pa, T, &qv, &qn), ET_OK);
		ck_assert_uint_eq(qn, 1);
		ck_assert_str_eq(qv[0].id, q1);
		ck_assert_str_eq(qv[0].text, "第3.2条的工期是否可调整？");
		ck_assert(!qv[0].answered);
		tender_questions_free(qv, qn);
		/* another bidder sees none of it; the asker sees its own */
		ck_assert_int_eq(tender_questions(w.l, &pb2, T, &qv, &qn), ET_OK);
		ck_assert_uint_eq(qn, 0);
		tender_questions_free(qv, qn);
		ck_assert_int_eq(tender_questions(w.l, &pb1, T, &qv, &qn), ET_OK);
		ck_assert_uint_eq(qn, 1);
		tender_questions_free(qv, qn);
		ck_assert_int_eq(tender_questions(w.l, NULL, T, &qv, &qn), ET_EDENIED);
	}
	/* G4 from the agent's and another bidder's side */
	{
		struct tender_registration *rv = NULL;
		size_t rn = 0;
		ck_assert_int_eq(tender_my_registrations(w.l, &pa, &rv, &rn), ET_EDENIED);
		ck_assert_int_eq(tender_my_registrations(w.l, &psup, &rv, &rn), ET_EDENIED);
		ck_assert_int_eq(tender_my_registrations(w.l, &pb2, &rv, &rn), ET_OK);
		ck_assert_uint_eq(rn, 1);
		ck_assert_str_eq(rv[0].tender, T);
		ck_assert_str_eq(rv[0].user, w.user[U_BIDDER2]);
		tender_registrations_free(rv);
	}
	/* the public log: every registration, download and question is a bare
	 * commitment; nothing after the accounts names bidder 1 or 2 */
	all_leaves(&w, size_before_tender, &all, &conf);
	ck_assert_uint_eq(conf, 2 + 2 + 1);
	for (int u = U_BIDDER1; u <= U_BIDDER2; u++) {
		ck_assert(!has(&all, w.user[u], strlen(w.user[u])));
		ck_assert(!has(&all, w.org[O_B1 + (u - U_BIDDER1)], strlen(w.org[O_B1])));
	}
	ck_assert(!has(&all, "第3.2条", strlen("第3.2条")));
	et_buf_free(&all);

	/* late clarification (10 days before the deadline) moves it to now + 15 days */
	et_clock_set_test(from + 11 * DAY);
	ck_assert_int_eq(tender_clarify(w.l, w.user[U_BIDDER1], T, "x", NULL, clr, &nd, &d), ET_EDENIED);
	ck_assert_int_eq(tender_clarify(w.l, w.user[U_AGENT1], T, "工期不可调整。", q1, clr, &nd, &d), ET_OK);
	ck_assert_str_eq(d.rule, "cn.reg.21");
	ck_assert_int_eq(nd, from + 11 * DAY + 15 * DAY);
	ck_assert_int_eq(tender_get(w.l, &pb1, T, &info, NULL, NULL), ET_OK);
	ck_assert_int_eq(info.schedule.bid_deadline_us, nd);
	ck_assert_int_eq(info.original_deadline_us, from + 21 * DAY);
	{
		struct tender_clarification *cv = NULL;
		size_t cn = 0;
		ck_assert_int_eq(tender_clarifications(w.l, NULL, T, &cv, &cn), ET_OK);
		ck_assert_uint_eq(cn, 1);
		ck_assert_str_eq(cv[0].text, "工期不可调整。");
		ck_assert_str_eq(cv[0].question, q1);
		ck_assert_int_eq(cv[0].deadline_after_us, nd);
		tender_clarifications_free(cv, cn);
		struct tender_question *qv = NULL;
		size_t qn = 0;
		ck_assert_int_eq(tender_questions(w.l, &pa, T, &qv, &qn), ET_OK);
		ck_assert(qv[0].answered);
		tender_questions_free(qv, qn);
	}
	/* an early clarification does not move it */
	{
		int64_t nd2 = 0;
		ck_assert_int_eq(tender_clarify(w.l, w.user[U_AGENT2], T, "补充说明：图纸见附件。", NULL, clr, &nd2, &d), ET_OK);
		ck_assert_int_eq(nd2, nd);
		ck_assert_str_eq(d.rule, "");
	}
	/* registration after its deadline */
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER4], T, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.reg.window");

	/* two-person deadline change */
	ck_assert_int_eq(tender_deadline_propose(w.l, w.user[U_AGENT1], T, et_clock_now_us() + 10 * DAY,
						 "图纸修改", prop, &d), ET_EINVAL);
	ck_assert_str_eq(d.rule, "cn.reg.21");
	ck_assert_int_eq(tender_deadline_propose(w.l, w.user[U_BIDDER1], T, nd + 5 * DAY, "x", prop, &d),
			 ET_EDENIED);
	ck_assert_int_eq(tender_deadline_propose(w.l, w.user[U_AGENT1], T, nd + 5 * DAY,
						 "设计变更，需延长编制时间", prop, &d), ET_OK);
	ck_assert_int_eq(tender_get(w.l, &pa, T, &info, NULL, NULL), ET_OK);
	ck_assert_str_eq(info.pending_proposal, prop);
	ck_assert_int_eq(tender_deadline_approve(w.l, w.user[U_AGENT1], T, prop, &d), ET_EDENIED);
	ck_assert_str_eq(d.rule, "et.two_person");
	ck_assert_int_eq(tender_deadline_approve(w.l, w.user[U_BIDDER2], T, prop, &d), ET_EDENIED);
	ck_assert_int_eq(tender_deadline_approve(w.l, w.user[U_AGENT_O], T, prop, &d), ET_EDENIED);
	ck_assert_int_eq(tender_deadline_approve(w.l, w.user[U_AGENT2], T, "dlp-none", &d), ET_ENOTFOUND);
	ck_assert_int_eq(tender_get(w.l, &pa, T, &info, NULL, NULL), ET_OK);
	ck_assert_int_eq(info.schedule.bid_deadline_us, nd);
	ck_assert_int_eq(tender_deadline_approve(w.l, w.user[U_AGENT2], T, prop, &d), ET_OK);
	ck_assert_int_eq(tender_get(w.l, &pa, T, &info, NULL, NULL), ET_OK);
	ck_assert_int_eq(info.schedule.bid_deadline_us, nd + 5 * DAY);
	ck_assert_str_eq(info.pending_proposal, "");
	ck_assert_int_eq(tender_deadline_approve(w.l, w.user[U_SUPER], T, prop, &d), ET_ESTATE);

	/* after the question deadline */
	et_clock_set_test(from + 16 * DAY);
	ck_assert_int_eq(tender_question_ask(w.l, w.user[U_BIDDER2], T, "还能提问吗？", q1, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.question.deadline");

	/* cancel: the membership reveal opens which leaves were this tender's */
	ck_assert_int_eq(tender_cancel(w.l, w.user[U_BIDDER1], T, "x", &d), ET_EDENIED);
	{
		uint64_t before = audit_ledger_size(w.l);
		unsigned char *leaf = NULL;
		size_t len = 0;
		struct audit_leaf dl;
		ck_assert_int_eq(tender_cancel(w.l, w.user[U_AGENT1], T, "项目资金未落实，终止招标", &d), ET_OK);
		ck_assert_uint_eq(audit_ledger_size(w.l), before + 2);
		ck_assert_int_eq(audit_ledger_leaf(w.l, before + 1, &leaf, &len), ET_OK);
		ck_assert_int_eq(audit_leaf_decode(leaf, len, &dl), ET_OK);
		ck_assert_str_eq(dl.kind, AUDIT_KIND_MEMBERSHIP);
		ck_assert_str_eq(dl.tender, T);
		struct audit_opening *ops = NULL;
		size_t nops = 0;
		ck_assert_int_eq(audit_reveal_parse(dl.ev.payload, dl.ev.payload_len, true, &ops, &nops), ET_OK);
		ck_assert_uint_eq(nops, 5);
		free(ops);
		free(leaf);
	}
	ck_assert_int_eq(tender_get(w.l, NULL, T, &info, NULL, NULL), ET_OK);
	ck_assert_int_eq(info.stage, TENDER_STAGE_CANCELLED);
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER4], T, &d), ET_ESTATE);
	ck_assert_int_eq(tender_cancel(w.l, w.user[U_AGENT1], T, "again", &d), ET_ESTATE);
	{
		struct audit_report rep;
		ck_assert_int_eq(audit_ledger_verify_reveals(w.l, false, &rep), ET_OK);
	}

	/* G5: replay equals live */
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(w.l, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_str_eq(rep.diff, "");
		ck_assert_uint_gt(rep.rows, 30);
	}

	/* public replay from the leaves alone: the tenders, documents and
	 * clarifications are rebuilt; registrations, downloads and questions are not */
	{
		struct audit_report rep;
		unsigned char root[32];
		char out[400];
		size_t nm;
		const struct audit_module *const *m = tender_ledger_modules(&nm);
		sqlite3 *pdb = NULL;
		sqlite3_stmt *st = NULL;

		memset(&rep, 0, sizeof rep);
		ck_assert_int_lt(snprintf(out, sizeof out, "%s/public.db", w.dir), (int)sizeof out);
		ck_assert_msg(audit_replay_public(m, nm, leaf_src, w.l, audit_ledger_size(w.l), out, root,
						  &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(sqlite3_open(out, &pdb), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(pdb,
			"SELECT (SELECT stage FROM td_tender WHERE id = ?1),"
			" (SELECT count(*) FROM td_clarification), (SELECT count(*) FROM td_registration),"
			" (SELECT count(*) FROM td_question), (SELECT count(*) FROM td_download),"
			" (SELECT deadline FROM td_tender WHERE id = ?1)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, T, -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "cancelled");
		ck_assert_int_eq(sqlite3_column_int(st, 1), 2);
		ck_assert_int_eq(sqlite3_column_int(st, 2), 0);
		ck_assert_int_eq(sqlite3_column_int(st, 3), 0);
		ck_assert_int_eq(sqlite3_column_int(st, 4), 0);
		ck_assert_int_eq(sqlite3_column_int64(st, 5), nd + 5 * DAY);
		sqlite3_finalize(st);
		sqlite3_close(pdb);
		unlink(out);
	}

	/* no personal detail, login, password, password hash or token in any leaf */
	{
		char tok[TENDER_TOKEN_LEN];
		struct tender_principal p;
		sqlite3 *pdb = NULL;
		sqlite3_stmt *st = NULL;

		ck_assert_int_eq(tender_login(w.l, w.p, "bidder2", user_pw, tok, &p), ET_OK);
		all_leaves(&w, 0, &all, &conf);
		for (int i = 0; secret_words[i]; i++)
			ck_assert_msg(!has(&all, secret_words[i], strlen(secret_words[i])), "%s in a leaf",
				      secret_words[i]);
		ck_assert(!has(&all, w.admin_pw, strlen(w.admin_pw)));
		ck_assert(!has(&all, tok, strlen(tok)));
		ck_assert(!has(&all, tok + 4, 64));
		ck_assert_int_eq(sqlite3_open(w.priv_path, &pdb), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(pdb, "SELECT pw_hash, pw_salt, login FROM priv_user", -1, &st, NULL), SQLITE_OK);
		int rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			ck_assert(!has(&all, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0)));
			ck_assert(!has(&all, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1)));
			rows++;
		}
		ck_assert_int_eq(rows, U_COUNT);
		sqlite3_finalize(st);
		ck_assert_int_eq(sqlite3_prepare_v2(pdb, "SELECT hash FROM priv_token", -1, &st, NULL), SQLITE_OK);
		rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			ck_assert(!has(&all, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0)));
			rows++;
		}
		ck_assert_int_gt(rows, 0);
		sqlite3_finalize(st);
		sqlite3_close(pdb);
		/* bidder firm names are not public; public bodies' names are */
		ck_assert(!has(&all, "富春建设有限公司", strlen("富春建设有限公司")));
		ck_assert(has(&all, "江城市第一中学", strlen("江城市第一中学")));
		et_buf_free(&all);

		/* nor anywhere in the ledger's database (store and projections included) */
		for (int f = 0; f < 2; f++) {
			unsigned char *file = NULL;
			size_t flen = 0;
			char path[400];
			ck_assert_int_lt(snprintf(path, sizeof path, "%s%s", w.ledger_path, f ? "-wal" : ""),
					 (int)sizeof path);
			if (et_read_file(path, 256u << 20, &file, &flen) != ET_OK)
				continue; /* no WAL at the moment */
			struct et_buf fb = { file, flen, flen, flen };
			for (int i = 0; secret_words[i]; i++)
				ck_assert_msg(!has(&fb, secret_words[i], strlen(secret_words[i])),
					      "%s in %s", secret_words[i], path);
			free(file);
		}
	}
	/* G7: every public domain event names the rules its command checked */
	{
		uint64_t size = audit_ledger_size(w.l), n = 0;
		for (uint64_t i = 0; i < size; i++) {
			unsigned char *leaf = NULL;
			size_t len = 0;
			struct audit_leaf lf;
			json_t *pl, *rules;

			ck_assert_int_eq(audit_ledger_leaf(w.l, i, &leaf, &len), ET_OK);
			ck_assert_int_eq(audit_leaf_decode(leaf, len, &lf), ET_OK);
			if (lf.type != AUDIT_LEAF_EVENT || !strncmp(lf.kind, "confidential.", 13)) {
				free(leaf);
				continue;
			}
			pl = json_loadb((const char *)lf.ev.payload, lf.ev.payload_len, 0, NULL);
			ck_assert_ptr_nonnull(pl);
			rules = json_object_get(pl, "rules");
			ck_assert_msg(json_is_array(rules) && json_array_size(rules) > 0,
				      "leaf %llu (%s) names no rule", (unsigned long long)i, lf.kind);
			for (size_t k = 0; k < json_array_size(rules); k++) {
				const char *r = json_string_value(json_array_get(rules, k));
				ck_assert_msg(r && (!strncmp(r, "et.", 3) || !strncmp(r, "cn.", 3)),
					      "leaf %llu: bad rule id", (unsigned long long)i);
			}
			if (!strcmp(lf.kind, "deadline.changed")) {
				char *named = json_dumps(rules, 0);
				ck_assert_msg(named && (strstr(named, "cn.reg.21") ||
							strstr(named, "et.two_person")),
					      "deadline.changed names no cause");
				free(named);
			}
			json_decref(pl);
			free(leaf);
			n++;
		}
		ck_assert_uint_gt(n, 20);
	}
	holder_keys_free(&t);
	et_buf_free(&xml);
	fix_close(&w);
}
END_TEST

/* A redraft resets the key-holder approval and voids keys no longer in the record. */
START_TEST(test_redraft_and_fresh_keys)
{
	struct world w;
	struct tender_diag d;
	struct tkeys t, t2;
	struct et_buf xml;
	struct tender_info info;
	struct tender_principal pa;
	const char *A = "E3301002026000801", *B = "E3301002026000802";

	world_setup(&w);
	principal(&w, U_AGENT1, &pa);
	et_buf_init(&xml, 1 << 20);
	make_published(&w, A, T0 + HOUR, false);
	ck_assert_int_eq(tender_get(w.l, &pa, A, &info, NULL, NULL), ET_OK);
	ck_assert_str_eq(info.holders_state, "approved");
	/* redraft with new keys: approval gone, old keys void */
	holder_keys(&w, A, &t);
	tender_xml_for(&w, A, T0 + 2 * HOUR, &t, &xml);
	ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT_O], xml.data, xml.len, NULL, &d), ET_EDENIED);
	ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT2], xml.data, xml.len, NULL, &d), ET_OK);
	ck_assert_int_eq(tender_get(w.l, &pa, A, &info, NULL, NULL), ET_OK);
	ck_assert_str_eq(info.holders_state, "none");
	ck_assert_int_eq(tender_keyholders_propose(w.l, w.user[U_AGENT1], A, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.keys.unregistered");
	/* a key of tender A cannot be reused for tender B */
	holder_keys(&w, B, &t2);
	{
		/* B's record uses A's holder-1 key */
		free(t2.recipient[0]);
		t2.recipient[0] = strdup(t.recipient[0]);
		struct et_buf msg;
		unsigned char s[64];
		char sb[96], pb[48];
		et_buf_init(&msg, 1024);
		ck_assert_int_eq(et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", B, t2.recipient[0]), ET_OK);
		ck_assert_int_eq(crypto_ed25519_sign(w.key[U_KH1].seed, msg.data, msg.len, s), ET_OK);
		et_buf_free(&msg);
		et_b64_encode(s, 64, sb);
		et_b64_encode(w.key[U_KH1].pub, 32, pb);
		ck_assert_int_lt(snprintf(t2.line[0], sizeof t2.line[0], "etender-holder-key/v1 %s %s %s %s",
					  B, t2.recipient[0], pb, sb), (int)sizeof t2.line[0]);
	}
	ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], t.line[0], &d), ET_OK);
	tender_xml_for(&w, B, T0 + 2 * HOUR, &t2, &xml);
	ck_assert_int_eq(tender_draft(w.l, w.user[U_AGENT1], xml.data, xml.len, NULL, &d), ET_OK);
	ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1], t2.line[0], &d), ET_EKEY);
	ck_assert_str_eq(d.rule, "et.keys.fresh");
	/* publishing too late for the record's schedule */
	for (int i = 1; i < 3; i++)
		ck_assert_int_eq(tender_holder_key_register(w.l, w.user[U_KH1 + i], t.line[i], &d), ET_OK);
	ck_assert_int_eq(tender_keyholders_propose(w.l, w.user[U_AGENT1], A, &d), ET_OK);
	ck_assert_int_eq(tender_keyholders_approve(w.l, w.user[U_SUPER], A, &d), ET_OK);
	et_clock_set_test(T0 + 3 * HOUR);
	ck_assert_int_eq(tender_publish(w.l, w.user[U_AGENT1], A, &d), ET_ESTATE);
	ck_assert_str_eq(d.rule, "et.publish.schedule");
	/* a draft cancelled: no reveal needed */
	uint64_t before = audit_ledger_size(w.l);
	ck_assert_int_eq(tender_cancel(w.l, w.user[U_AGENT1], A, "撤回", &d), ET_OK);
	ck_assert_uint_eq(audit_ledger_size(w.l), before + 1);
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(w.l, &rep) == ET_OK, "%s", rep.diff);
	}
	holder_keys_free(&t);
	holder_keys_free(&t2);
	et_buf_free(&xml);
	fix_close(&w);
}
END_TEST

/* G8: a failing commit leaves neither events nor side-store rows behind. */
START_TEST(test_commit_failure)
{
	struct world w;
	struct tender_diag d;
	struct tender_principal p;
	struct tender_person pd = { "钱多多", "13600000000", NULL, NULL };
	char id[TENDER_ID_LEN], tok[TENDER_TOKEN_LEN];
	const char *T = "FAIL-1";
	uint64_t size;

	world_setup(&w);
	make_published(&w, T, T0 + HOUR, true);
	et_clock_set_test(T0 + 2 * HOUR);
	size = audit_ledger_size(w.l);
	audit_ledger_test_fail_commits(w.l, 1);
	ck_assert_int_ne(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B2], TENDER_ROLE_BIDDER,
					      "lost-user", user_pw, &pd, id, &d), ET_OK);
	ck_assert_int_eq(tender_login(w.l, w.p, "lost-user", user_pw, tok, &p), ET_EDENIED);
	audit_ledger_test_fail_commits(w.l, 1);
	ck_assert_int_ne(tender_register(w.l, w.user[U_BIDDER1], T, &d), ET_OK);
	ck_assert_uint_eq(audit_ledger_size(w.l), size);
	/* the same acts succeed afterwards */
	ck_assert_int_eq(tender_user_register(w.l, w.p, w.user[U_ADMIN], w.org[O_B2], TENDER_ROLE_BIDDER,
					      "lost-user", user_pw, &pd, id, &d), ET_OK);
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER1], T, &d), ET_OK);
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(w.l, &rep) == ET_OK, "%s", rep.diff);
	}
	fix_close(&w);
}
END_TEST

/* Check and use in one writer: many concurrent registrations of one firm,
 * exactly one succeeds. */
struct race {
	struct world *w;
	const char *tender;
	int rc;
};

static void *race_register(void *arg)
{
	struct race *r = arg;
	struct tender_diag d;

	r->rc = tender_register(r->w->l, r->w->user[U_BIDDER1], r->tender, &d);
	return NULL;
}

START_TEST(test_concurrent_registration)
{
	struct world w;
	struct race r[16];
	pthread_t th[16];
	int ok = 0, exist = 0;

	world_setup(&w);
	make_published(&w, "RACE-1", T0 + HOUR, true);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int i = 0; i < 16; i++) {
		r[i] = (struct race){ &w, "RACE-1", -1 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_register, &r[i]), 0);
	}
	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ok += r[i].rc == ET_OK;
		exist += r[i].rc == ET_EEXIST;
	}
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(exist, 15);
	fix_close(&w);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tender_domain");
	TCase *tc = tcase_create("domain");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_bootstrap_login_tokens);
	tcase_add_test(tc, test_accounts_refused);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_flow);
	tcase_add_test(tc, test_redraft_and_fresh_keys);
	tcase_add_test(tc, test_commit_failure);
	tcase_add_test(tc, test_concurrent_registration);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
