/* tests/tender/test_domain_authz.c — the authorisation table (G6): every
 * tender command × every role × three stages (draft, published and open,
 * cancelled), each cell allowed or refused as expected (ET_EDENIED for a
 * role or organisation that may not act, ET_ESTATE / ET_EEXIST for a stage
 * that does not allow it), every refusal naming a rule; refusals leave the
 * log unchanged; replay equals live at the end. */
#include "tests/tender/domain_fix.h"

enum cmd {
	C_DRAFT, C_HK, C_PROPOSE, C_APPROVE, C_PUBLISH, C_UPLOAD, C_REGISTER, C_DOWNLOAD, C_ASK,
	C_CLARIFY, C_DL_PROPOSE, C_DL_APPROVE, C_CANCEL, C_COUNT
};
static const char *const cmd_names[] = { "draft", "holder_key", "propose_holders",
					 "approve_holders", "publish", "upload", "register",
					 "download", "ask", "clarify", "deadline_propose",
					 "deadline_approve", "cancel" };
enum stage { S_DRAFT, S_OPEN, S_CANCELLED, S_COUNT };
static const char *const stage_names[] = { "draft", "published", "cancelled" };
static const int actors[] = { U_ADMIN, U_AGENT1, U_AGENT2, U_AGENT_O, U_BIDDER1, U_KH1,
			      U_EXPERT, U_SUPER, U_STAT };
#define NACTORS (sizeof actors / sizeof actors[0])

struct tfix {
	const char *id;
	struct et_buf xml;
	struct tkeys keys;
	char doc[TENDER_ID_LEN];
};

/* Which actors a command admits at all (their role and organisation). */
static bool admits(enum cmd c, int u)
{
	switch (c) {
	case C_DRAFT: case C_PROPOSE: case C_PUBLISH: case C_UPLOAD: case C_CLARIFY:
	case C_DL_PROPOSE: case C_CANCEL:
		return u == U_AGENT1 || u == U_AGENT2;
	case C_HK:
		return u == U_KH1;
	case C_APPROVE:
		return u == U_SUPER;
	case C_REGISTER: case C_ASK:
		return u == U_BIDDER1;
	case C_DOWNLOAD:
		return u == U_BIDDER1 || u == U_ADMIN || u == U_SUPER || u == U_AGENT1 || u == U_AGENT2;
	case C_DL_APPROVE:
		return u == U_AGENT1 || u == U_AGENT2 || u == U_SUPER;
	case C_COUNT:
		break;
	}
	return false;
}

/* The expected result of an admitted actor at a stage. */
static int expect_admitted(enum cmd c, enum stage s, int u)
{
	switch (c) {
	case C_DRAFT:
		return s == S_DRAFT ? ET_OK : ET_EEXIST;
	case C_HK: case C_PROPOSE: case C_APPROVE:
		return s == S_DRAFT ? ET_OK : ET_ESTATE;
	case C_PUBLISH:
		return ET_ESTATE; /* draft: its documents' issue time has passed */
	case C_UPLOAD:
		return s == S_CANCELLED ? ET_ESTATE : ET_OK;
	case C_DOWNLOAD:
		if (u != U_BIDDER1)
			return ET_OK; /* the tender's own side fetches without an event */
		return s == S_OPEN ? ET_OK : ET_ESTATE;
	case C_REGISTER: case C_ASK: case C_CLARIFY: case C_DL_PROPOSE:
		return s == S_OPEN ? ET_OK : ET_ESTATE;
	case C_DL_APPROVE:
		if (s != S_OPEN)
			return ET_ESTATE;
		return u == U_AGENT1 ? ET_EDENIED : ET_OK; /* agent1 proposed: two-person rule */
	case C_CANCEL:
		return s != S_CANCELLED && u == U_AGENT1 ? ET_OK : ET_ESTATE;
	case C_COUNT:
		break;
	}
	return -1;
}

static int run(struct world *w, struct tfix *t, enum cmd c, enum stage s, int u,
	       struct tender_diag *d)
{
	const char *a = w->user[u];
	char id[TENDER_ID_LEN];
	int64_t nd;

	switch (c) {
	case C_DRAFT:
		return tender_draft(w->l, a, t->xml.data, t->xml.len, id, d);
	case C_HK:
		return tender_holder_key_register(w->l, a, t->keys.line[0], d);
	case C_PROPOSE:
		return tender_keyholders_propose(w->l, a, t->id, d);
	case C_APPROVE:
		return tender_keyholders_approve(w->l, a, t->id, d);
	case C_PUBLISH:
		return tender_publish(w->l, a, t->id, d);
	case C_UPLOAD: {
		struct tender_document_new dn = { "drawings.zip", "drawings", 99, { 1 } };
		return tender_document_upload(w->l, a, t->id, &dn, id, d);
	}
	case C_REGISTER:
		return tender_register(w->l, a, t->id, d);
	case C_DOWNLOAD: {
		struct tender_document m;
		return tender_document_download(w->l, a, t->id, t->doc, &m, d);
	}
	case C_ASK:
		return tender_question_ask(w->l, a, t->id, "请澄清第2.1条", id, d);
	case C_CLARIFY:
		return tender_clarify(w->l, a, t->id, "第2.1条澄清如下。", NULL, id, &nd, d);
	case C_DL_PROPOSE:
		return tender_deadline_propose(w->l, a, t->id, T0 + HOUR + 30 * DAY, "理由", id, d);
	case C_DL_APPROVE: {
		struct tender_info info;
		struct tender_diag d2;
		const char *prop = "dlp-none";
		if (s == S_OPEN && admits(c, u)) {
			/* a fresh proposal by agent1, one day later than now */
			ck_assert_int_eq(tender_get(w->l, NULL, t->id, &info, NULL, NULL), ET_OK);
			ck_assert_msg(tender_deadline_propose(w->l, w->user[U_AGENT1], t->id,
							      info.schedule.bid_deadline_us + DAY, "理由",
							      id, &d2) == ET_OK, "%s", d2.msg);
			prop = id;
		}
		return tender_deadline_approve(w->l, a, t->id, prop, d);
	}
	case C_CANCEL:
		return tender_cancel(w->l, a, t->id, "终止", d);
	case C_COUNT:
		break;
	}
	return -1;
}

static void build(struct world *w, struct tfix *t, bool publish, bool cancel)
{
	struct tender_diag d;
	struct tender_document_new dn = { "招标文件.pdf", "documents", 1000, { 2 } };

	et_buf_init(&t->xml, 1 << 20);
	holder_keys(w, t->id, &t->keys);
	tender_xml_for(w, t->id, T0 + HOUR, &t->keys, &t->xml);
	ck_assert_msg(tender_draft(w->l, w->user[U_AGENT1], t->xml.data, t->xml.len, NULL, &d) == ET_OK,
		      "%s", d.msg);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(tender_holder_key_register(w->l, w->user[U_KH1 + i], t->keys.line[i], &d),
				 ET_OK);
	ck_assert_int_eq(tender_keyholders_propose(w->l, w->user[U_AGENT1], t->id, &d), ET_OK);
	ck_assert_int_eq(tender_keyholders_approve(w->l, w->user[U_SUPER], t->id, &d), ET_OK);
	ck_assert_int_eq(tender_document_upload(w->l, w->user[U_AGENT1], t->id, &dn, t->doc, &d), ET_OK);
	if (publish)
		ck_assert_int_eq(tender_publish(w->l, w->user[U_AGENT1], t->id, &d), ET_OK);
	if (cancel)
		ck_assert_int_eq(tender_cancel(w->l, w->user[U_AGENT1], t->id, "终止", &d), ET_OK);
}

START_TEST(test_authz_table)
{
	struct world w;
	struct tfix t[S_COUNT] = { { .id = "AUTHZ-DRAFT" }, { .id = "AUTHZ-OPEN" },
				   { .id = "AUTHZ-CANCELLED" } };
	struct tender_diag d;
	int cells = 0, allowed = 0;

	world_setup(&w);
	build(&w, &t[S_DRAFT], false, false);
	build(&w, &t[S_OPEN], true, false);
	build(&w, &t[S_CANCELLED], true, true);
	et_clock_set_test(T0 + 2 * HOUR);
	for (int s = 0; s < S_COUNT; s++) {
		for (int c = 0; c < C_COUNT; c++) {
			for (size_t i = 0; i < NACTORS; i++) {
				int u = actors[i];
				int want = admits(c, u) ? expect_admitted(c, s, u) : ET_EDENIED;
				uint64_t before = audit_ledger_size(w.l);
				int rc;

				tender_diag_clear(&d);
				rc = run(&w, &t[s], c, s, u, &d);
				ck_assert_msg(rc == want, "%s by user %d in stage %s: %s, expected %s (%s)",
					      cmd_names[c], u, stage_names[s], et_strerror(rc),
					      et_strerror(want), d.msg);
				if (rc != ET_OK) {
					ck_assert_msg(d.rule[0] != 0 || rc == ET_EEXIST,
						      "%s by user %d in %s: refusal without a rule (%s)",
						      cmd_names[c], u, stage_names[s], d.msg);
					/* a refusal logs nothing (an approval's own proposal aside) */
					if (c != C_DL_APPROVE)
						ck_assert_uint_eq(audit_ledger_size(w.l), before);
				} else {
					allowed++;
				}
				cells++;
			}
		}
	}
	ck_assert_int_eq(cells, C_COUNT * S_COUNT * (int)NACTORS);
	ck_assert_int_gt(allowed, 20);
	fprintf(stderr, "authorisation table: %d cells, %d allowed\n", cells, allowed);
	{
		struct audit_report rep;
		memset(&rep, 0, sizeof rep);
		ck_assert_msg(audit_ledger_replay(w.l, &rep) == ET_OK, "%s", rep.diff);
		ck_assert_int_eq(audit_ledger_verify_reveals(w.l, false, &rep), ET_OK);
	}
	for (int s = 0; s < S_COUNT; s++) {
		holder_keys_free(&t[s].keys);
		et_buf_free(&t[s].xml);
	}
	fix_close(&w);
}
END_TEST

/* Queries: what each side sees of a published tender with registrations. */
START_TEST(test_query_visibility)
{
	struct world w;
	struct tfix t = { .id = "VIS-1" }, t2 = { .id = "VIS-DRAFT" };
	struct tender_principal pa, po, pb1, pb2, pkh, psup, pexp;
	struct tender_info *v = NULL;
	size_t n = 0;
	struct tender_diag d;
	char q[TENDER_ID_LEN];

	world_setup(&w);
	build(&w, &t, true, false);
	build(&w, &t2, false, false);
	principal(&w, U_AGENT1, &pa);
	principal(&w, U_AGENT_O, &po);
	principal(&w, U_BIDDER1, &pb1);
	principal(&w, U_BIDDER2, &pb2);
	principal(&w, U_KH1, &pkh);
	principal(&w, U_SUPER, &psup);
	principal(&w, U_EXPERT, &pexp);
	et_clock_set_test(T0 + 2 * HOUR);
	ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER1], t.id, &d), ET_OK);
	ck_assert_int_eq(tender_question_ask(w.l, w.user[U_BIDDER1], t.id, "问题一", q, &d), ET_OK);
	ck_assert_int_eq(tender_question_ask(w.l, w.user[U_BIDDER1], t.id, "问题二", q, &d), ET_OK);
	/* the public and other agencies see the published tender only */
	ck_assert_int_eq(tender_list(w.l, NULL, &v, &n), ET_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].id, t.id);
	tender_list_free(v);
	ck_assert_int_eq(tender_list(w.l, &po, &v, &n), ET_OK);
	ck_assert_uint_eq(n, 1);
	tender_list_free(v);
	ck_assert_int_eq(tender_list(w.l, &pb2, &v, &n), ET_OK);
	ck_assert_uint_eq(n, 1);
	tender_list_free(v);
	/* the agent, its key holders and supervisors see the draft too */
	ck_assert_int_eq(tender_list(w.l, &pa, &v, &n), ET_OK);
	ck_assert_uint_eq(n, 2);
	tender_list_free(v);
	ck_assert_int_eq(tender_list(w.l, &pkh, &v, &n), ET_OK);
	ck_assert_uint_eq(n, 2);
	tender_list_free(v);
	ck_assert_int_eq(tender_list(w.l, &psup, &v, &n), ET_OK);
	ck_assert_uint_eq(n, 2);
	tender_list_free(v);
	/* documents of the draft are not shown to outsiders */
	{
		struct tender_document *dv = NULL;
		size_t dn = 0;
		ck_assert_int_eq(tender_documents(w.l, &pb1, t2.id, &dv, &dn), ET_ENOTFOUND);
		ck_assert_int_eq(tender_documents(w.l, NULL, t.id, &dv, &dn), ET_OK);
		ck_assert_uint_eq(dn, 1);
		ck_assert_str_eq(dv[0].id, t.doc);
		tender_documents_free(dv);
	}
	/* questions: the agent and the supervisor see both texts; others nothing */
	{
		struct tender_question *qv = NULL;
		size_t qn = 0;
		ck_assert_int_eq(tender_questions(w.l, &pa, t.id, &qv, &qn), ET_OK);
		ck_assert_uint_eq(qn, 2);
		tender_questions_free(qv, qn);
		ck_assert_int_eq(tender_questions(w.l, &psup, t.id, &qv, &qn), ET_OK);
		ck_assert_uint_eq(qn, 2);
		tender_questions_free(qv, qn);
		ck_assert_int_eq(tender_questions(w.l, &po, t.id, &qv, &qn), ET_EDENIED);
		ck_assert_int_eq(tender_questions(w.l, &pexp, t.id, &qv, &qn), ET_EDENIED);
		ck_assert_int_eq(tender_questions(w.l, &pb2, t.id, &qv, &qn), ET_OK);
		ck_assert_uint_eq(qn, 0);
		tender_questions_free(qv, qn);
	}
	/* registrations: only the firm itself */
	{
		struct tender_registration *rv = NULL;
		size_t rn = 0;
		ck_assert_int_eq(tender_my_registrations(w.l, &pb1, &rv, &rn), ET_OK);
		ck_assert_uint_eq(rn, 1);
		tender_registrations_free(rv);
		ck_assert_int_eq(tender_my_registrations(w.l, &pb2, &rv, &rn), ET_OK);
		ck_assert_uint_eq(rn, 0);
		tender_registrations_free(rv);
		ck_assert_int_eq(tender_my_registrations(w.l, NULL, &rv, &rn), ET_EDENIED);
	}
	/* the holder set is public once approved; none for an unknown tender */
	{
		struct tender_holder_info *hv = NULL;
		size_t hn = 0;
		unsigned k = 0;
		ck_assert_int_eq(tender_holders(w.l, NULL, t.id, &k, &hv, &hn), ET_OK);
		ck_assert_uint_eq(hn, 3);
		tender_holders_free(hv);
		ck_assert_int_eq(tender_holders(w.l, NULL, "NOPE", &k, &hv, &hn), ET_ENOTFOUND);
	}
	/* the public tender info carries no count of anything confidential: the
	 * same bytes before and after a registration */
	{
		struct tender_info a, b;
		ck_assert_int_eq(tender_get(w.l, &pb2, t.id, &a, NULL, NULL), ET_OK);
		ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER2], t.id, &d), ET_OK);
		ck_assert_int_eq(tender_get(w.l, &pb2, t.id, &b, NULL, NULL), ET_OK);
		ck_assert_mem_eq(&a, &b, sizeof a);
		ck_assert_int_eq(tender_get(w.l, &pa, t.id, &a, NULL, NULL), ET_OK);
		ck_assert_int_eq(tender_register(w.l, w.user[U_BIDDER4], t.id, &d), ET_OK);
		ck_assert_int_eq(tender_get(w.l, &pa, t.id, &b, NULL, NULL), ET_OK);
		ck_assert_mem_eq(&a, &b, sizeof a);
	}
	holder_keys_free(&t.keys);
	et_buf_free(&t.xml);
	holder_keys_free(&t2.keys);
	et_buf_free(&t2.xml);
	fix_close(&w);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tender_domain_authz");
	TCase *tc = tcase_create("authz");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_authz_table);
	tcase_add_test(tc, test_query_visibility);
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
