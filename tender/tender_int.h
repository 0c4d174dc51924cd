/* tender/tender_int.h — internals shared by the tender module's own files
 * (diagnostic helpers, the libxml2 node cast). Other modules include only
 * tender/tender.h. */
#ifndef ET_TENDER_INT_H
#define ET_TENDER_INT_H

#include "tender/tender.h"


/* Bounded append to a fixed char buffer: appends as much of the formatted
 * text as fits, marks truncation with "...". Never fails. */
void tender_strlcatf(char *dst, size_t cap, const char *fmt, ...) ET_PRINTF(3, 4);

/* ---- the domain layer (domain.c, private.c, party.c, lifecycle.c,
 * query.c): helpers shared by its files ---------------------------------- */

#include <sqlite3.h>
#include <jansson.h>

#include "audit/audit.h"

#define TD_JSON_FLAGS (JSON_SORT_KEYS | JSON_COMPACT)

/* Fresh pseudonymous id: prefix + 16 characters of [a-z2-7] (80 random
 * bits). out has TENDER_ID_LEN bytes. */
int td_new_id(const char *prefix, char out[TENDER_ID_LEN]) ET_MUST_CHECK;


/* Emit an event with payload = canonical JSON of pl (not stolen). */
int td_emit(struct audit_tx *tx, const char *kind, const char *actor, const char *tender,
	    json_t *pl, bool confidential, uint64_t *index) ET_MUST_CHECK;
/* Canonical JSON bytes of pl: *out malloc'd (caller frees). */
int td_json_dump(json_t *pl, char **out, size_t *len) ET_MUST_CHECK;
/* Payload parsing and field getters for apply: tender.h (tender_event_payload,
 * tender_json_str, tender_json_int), shared with bidding and evaluation. */

/* The actor as the projection knows it; ET_EDENIED with et.auth.unknown. */
int td_actor_load(sqlite3 *db, const char *user, struct tender_principal *p,
		  struct tender_diag *d) ET_MUST_CHECK;
/* Role check: ET_EDENIED with et.auth.role unless p has one of roles. */
int td_need_role(const struct tender_principal *p, unsigned roles, const char *what,
		 struct tender_diag *d) ET_MUST_CHECK;

/* A tender row as commands need it. */
struct td_tender {
	char id[TENDER_ID_LEN];
	enum tender_stage stage;
	char agent_org[TENDER_ID_LEN], tenderer_org[TENDER_ID_LEN];
	char profile[16];
	unsigned version;
	struct tender_schedule s;         /* bid_deadline is the current deadline */
	int64_t original_deadline_us;
	int64_t published_us;
	unsigned k, n;
	char holders_state[16];
	char holders_proposed_by[TENDER_ID_LEN];
	int64_t holders_proposal_idx;
	char xml_sha256[TENDER_SHA256_HEX];
	char title[ET_TENDER_TEXT_MAX];
	char type[16];
};
/* ET_ENOTFOUND (d says so) if there is no such tender. */
int td_tender_load(sqlite3 *db, const char *id, struct td_tender *t,
		   struct tender_diag *d) ET_MUST_CHECK;
/* p acts for the tender's agent or tenderer org with the agent role. */
bool td_is_tender_agent(const struct tender_principal *p, const struct td_tender *t);
int td_stage_parse(const char *s, enum tender_stage *out) ET_MUST_CHECK;

/* Roles an org kind admits (et.account.org_kind). */
unsigned td_roles_allowed(enum tender_org_kind k);

/* Submit fn and make sure d carries rc (a generic message when the
 * command did not set one). */
int td_submit(struct audit_ledger *l, audit_command_fn *fn, void *ctx,
	      struct tender_diag *d) ET_MUST_CHECK;

/* Canonical JSON of personal details {keys[i]: vals[i]} with a fresh random
 * "salt" and the hex of its SHA-256 (party.c). *json malloc'd, caller
 * frees; NULL on failure. ET_EINVAL if a value is not UTF-8. */
int td_details_json(const char *const *keys, const char *const *vals, size_t n, char **json,
		    char hash[TENDER_SHA256_HEX]) ET_MUST_CHECK;

/* Private store internals used by party.c (private.c). */
int td_priv_put_org(struct tender_private *p, const char *id, const char *details_json,
		    const char *hash_hex) ET_MUST_CHECK;
int td_priv_put_user(struct tender_private *p, const char *id, const char *login,
		     const char *details_json, const char *hash_hex, const char *password,
		     int64_t now_us) ET_MUST_CHECK;
void td_priv_forget(struct tender_private *p, const char *org_id, const char *user_id);
/* Check the user's password (by login name or id); *user set on success.
 * ET_EDENIED otherwise (scrypt runs either way). */
int td_priv_check_password(struct tender_private *p, const char *login, const char *password,
			   char user[TENDER_ID_LEN]) ET_MUST_CHECK;
int td_priv_set_password(struct tender_private *p, const char *user,
			 const char *password) ET_MUST_CHECK;
int td_priv_token_new(struct tender_private *p, const char *user, int64_t now_us,
		      char token[TENDER_TOKEN_LEN]) ET_MUST_CHECK;
int td_priv_token_user(struct tender_private *p, const char *token, int64_t now_us,
		       char user[TENDER_ID_LEN]) ET_MUST_CHECK;
int td_priv_challenge_put(struct tender_private *p, const char *user, const char *recipient,
			  const unsigned char expect[32], int64_t expires_us) ET_MUST_CHECK;
/* Check (and if consume, delete) a challenge response. ET_EVERIFY if none
 * matches. */
int td_priv_challenge_check(struct tender_private *p, const char *user, const char *recipient,
			    const char *response_hex, int64_t now_us, bool consume) ET_MUST_CHECK;

#endif
