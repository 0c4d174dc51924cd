/* client/client.h — internals of the etender command shared by its files:
 * argument helpers, safe output files, identity files and the subcommands. */
#ifndef ET_CLIENT_H
#define ET_CLIENT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "core/core.h"
#include "crypto/crypto.h"

/* Print "etender: <zh> / <en>: detail" to stderr and return exit code 1. */
int client_error(int rc, const char *what, ...) ET_PRINTF(2, 3);
/* Format into out (cap bytes); a message that does not fit is cut and ends
 * in "..." (for diagnostics only, never for names or paths). */
void client_fmt(char *out, size_t cap, const char *fmt, ...) ET_PRINTF(3, 4);
/* Usage error: prints the message and the command's usage, returns 2. */
int client_usage_error(const char *usage, const char *fmt, ...) ET_PRINTF(2, 3);

/* An output that appears only when complete: data goes to a temporary file
 * beside path, which finish() fsyncs and renames over path; abort() (or a
 * failed finish) unlinks it. path "-" or NULL means stdout. */
struct client_out {
	char path[4096];
	char tmp[4200];
	int fd;
	bool is_stdout;
};
int client_out_open(struct client_out *o, const char *path, unsigned mode) ET_MUST_CHECK;
int client_out_finish(struct client_out *o) ET_MUST_CHECK;
void client_out_abort(struct client_out *o);

/* Open input (path "-" or NULL: stdin). Returns fd or -1 (errno set). */
int client_in_open(const char *path);

/* An etender identity file: an age X25519 identity line
 * (AGE-SECRET-KEY-1…) and, for people, an Ed25519 signing key line
 * (ETENDER-SIGNING-KEY-1…); '#' comments. Files from age-keygen have
 * only the age line. */
struct client_identity {
	struct crypto_age_identity **age;
	size_t nage;
	bool has_signing;
	unsigned char sign_seed[CRYPTO_ED25519_SEED_LEN];
	unsigned char sign_pub[CRYPTO_ED25519_PUB_LEN];
	bool has_x25519;
	unsigned char x25519_priv[CRYPTO_X25519_LEN]; /* the first age identity's key */
};
int client_identity_load(const char *path, struct client_identity *id) ET_MUST_CHECK;
void client_identity_free(struct client_identity *id);

/* ---- HTTP (http.c) -------------------------------------------------- */

/* A response. body is capped by the max given to the request and is always
 * a NUL-terminated string after a successful request (may hold NULs).
 * error: why the request failed (no status), for people. */
struct client_http_resp {
	long status;
	struct et_buf body;
	char content_type[128];
	char error[256];
	bool over_cap;
};
int client_http_init(void) ET_MUST_CHECK;
void client_http_cleanup(void);
/* base + path exactly as given (http:// or https:// only; redirects are not
 * followed); token: bearer token or NULL (never logged); body: POST body or
 * NULL for GET. ET_OK whatever the status (look at r->status); ET_EIO if no
 * response, ET_ELIMIT past max, ET_ETIMEOUT, ET_EINVAL for a bad URL. r is
 * filled in on every path; free it with client_http_resp_free. */
int client_http_request(const char *base, const char *path, const char *token,
			const void *body, size_t body_len, const char *content_type, size_t max,
			struct client_http_resp *r) ET_MUST_CHECK;
int client_http_get(const char *base, const char *path, const char *token, size_t max,
		    struct client_http_resp *r) ET_MUST_CHECK;
void client_http_resp_free(struct client_http_resp *r);
/* "HTTP 403 code: 中文 / English" from the server's JSON error body
 * ({"error":{"code","message_zh","message_en"}} or flat), or a generic
 * bilingual line. */
void client_http_describe_error(const struct client_http_resp *r, char *out, size_t cap);
/* GET and parse JSON (status must be 200). *out owned by the caller
 * (json_decref); err gets a bilingual reason on failure. */
int client_http_get_json(const char *base, const char *path, const char *token, size_t max,
			 json_t **out, char *err, size_t errcap) ET_MUST_CHECK;

/* ---- trust anchors (pin.c) -------------------------------------------- */

/* The config dir: $ETENDER_HOME, else $HOME/.config/etender; created 0700.
 * ET_EDENIED if it exists with group or other access. */
int client_config_dir(char *out, size_t cap) ET_MUST_CHECK;
/* Per server URL (trailing '/' ignored): the pinned log and witness
 * verifier keys ("" when not pinned). */
struct client_pins {
	char url[2048];
	char log_vkey[1024];
	char witness_vkey[1024];
};
int client_pins_load(const char *url, struct client_pins *p) ET_MUST_CHECK;
int client_pins_save(const struct client_pins *p) ET_MUST_CHECK;
/* Forget the server's pins and saved checkpoint. */
int client_pins_reset(const char *url) ET_MUST_CHECK;
/* Fingerprint of a verifier key: SHA-256 of the vkey text, hex in groups of
 * four ("ab12 cd34 …"); out >= 80 bytes. */
void client_fingerprint(const char *vkey, char out[80]);
/* Pin-or-check: if *pinned is empty, pin vkey (copied into pinned, the
 * caller saves) and say so with its fingerprint on stderr; else ET_EKEY
 * (bilingual message printed) unless vkey equals it. what: "log"/"witness". */
int client_pin_check(const char *url, const char *what, char *pinned, size_t cap,
		     const char *vkey, bool *changed) ET_MUST_CHECK;
/* The checkpoint note saved after the last successful audit of url
 * (*note malloc'd; ET_ENOTFOUND if none), and saving a new one (atomic). */
int client_saved_checkpoint_load(const char *url, char **note) ET_MUST_CHECK;
int client_saved_checkpoint_save(const char *url, const char *note) ET_MUST_CHECK;
/* The path of a per-server file NAME in the config dir
 * (<config>/servers/<hash of url>/NAME); creates the folders 0700. */
int client_server_file(const char *url, const char *name, char *out, size_t cap) ET_MUST_CHECK;

/* The domain modules replayed by `etender audit verify` (modules.c);
 * static, never freed. */
struct audit_module;
const struct audit_module *const *client_replay_modules(size_t *n);
/* Compare the public state replayed into replay_path with what url's public
 * API serves without a login (published tenders, their documents and
 * clarifications, the public tender list). ET_OK, or ET_EVERIFY with the
 * first difference in diff; counts of what was compared. */
int client_api_compare(const char *url, const char *replay_path, char *diff, size_t cap,
		       unsigned *tenders, unsigned *documents, unsigned *clarifications) ET_MUST_CHECK;

/* ---- the witness's request parser (witness_req.c) ---------------------- */

#define CLIENT_WITNESS_MAX_PROOF 63
/* A parsed add-checkpoint body: "old N\n", up to 63 base64 hash lines, an
 * empty line, the signed checkpoint note. note points into the body. */
struct client_witness_req {
	uint64_t old;
	unsigned char proof[CLIENT_WITNESS_MAX_PROOF][32];
	size_t nproof;
	const char *note;
	size_t note_len;
	char origin[ET_NOTE_MAX_NAME];   /* the note's first line */
	const char *why;                 /* static text on failure */
};
/* ET_OK, ET_EINVAL or ET_ELIMIT (why set). The note itself is not checked
 * here (the note parser does that when verifying it). */
int client_witness_req_parse(const char *body, size_t len,
			     struct client_witness_req *rq) ET_MUST_CHECK;

/* ---- the platform's API: sessions, calls, arguments (session.c) ------ */

/* Who is logged in to which server, as saved by `etender login` in
 * <config>/servers/<hash>/session (0600). token is a secret: never print
 * it; client_session_close wipes it. */
struct client_session {
	char url[2048];
	char token[128];
	char user[64];
	char login[128];
	int64_t expires_us;
	bool have_token;
	bool expired;       /* a saved token had expired (it is not used) */
};
/* Resolve the server (server from --server if not NULL, else
 * $ETENDER_SERVER, else the server of the last login) and load its saved
 * session. need_login: refuse (message printed) without a token. Prints a
 * bilingual error itself on failure. */
int client_session_open(const char *server, bool need_login, struct client_session *s) ET_MUST_CHECK;
void client_session_close(struct client_session *s);

/* One call of the JSON API under s->url: method "GET" or "POST" (body NULL
 * with POST sends an empty body), the session's token if it has one. On
 * HTTP 200: *out (if out is not NULL) gets the parsed JSON, owned by the
 * caller (json_decref). Otherwise prints "etender: HTTP 403 EDENIED
 * [rule]: 中文 / English: what" and returns an ET_* code (*out NULL). */
int client_api(const struct client_session *s, const char *method, const char *path,
	       const void *body, size_t len, const char *ctype, const char *what,
	       json_t **out) ET_MUST_CHECK;
/* POST the file at path under s->url, streamed from disk in constant memory
 * (progress on a terminal; doccmd.c). On HTTP 200 *out is the parsed JSON
 * answer (caller decrefs); otherwise the bilingual error is printed. */
int client_upload_file(const struct client_session *s, const char *path, const char *file,
		       json_t **out) ET_MUST_CHECK;
/* ---- resumable bid-part uploads (upload.c) ---------------------------- */
struct bid_part_ref;
/* Upload the sealed part file (ref: its SHA-256 and size) through the
 * tender's upload session: resumes at the offset the server holds, also
 * after broken connections (a few attempts), progress on a terminal. docs
 * (borrowed, may be NULL): client-reported document metadata; device: the
 * device fingerprint. ET_OK once the server holds the whole part. */
int client_part_upload(const struct client_session *s, const char *tender, const char *file,
		       const struct bid_part_ref *ref, json_t *docs, const char *device,
		       const char *what) ET_MUST_CHECK;
/* POST the signed manifest with the device header; *out the receipt. */
int client_manifest_post(const struct client_session *s, const char *tender, const void *manifest,
			 size_t len, const char *device, json_t **out) ET_MUST_CHECK;
/* The device fingerprint: hex SHA-256 of "etender-device/v1\n" and
 * /etc/machine-id (or the D-Bus machine id, or the host name). */
int client_device_id(char out[65]) ET_MUST_CHECK;
/* POST body (JSON, borrowed) to path. */
int client_api_post_json(const struct client_session *s, const char *path, json_t *body,
			 const char *what, json_t **out) ET_MUST_CHECK;
/* The bilingual error of a non-200 answer on stderr; returns its ET_* code. */
int client_api_error(const struct client_http_resp *r, const char *what);
/* A string member of a JSON object, or "" (never NULL). */
const char *client_jstr(json_t *o, const char *key);
/* "2026-12-01 08:00:00 北京时间 (2026-12-01T00:00:00Z)"; out >= 80. */
void client_time_fmt(int64_t us, char *out, size_t cap);
/* A time argument: RFC 3339 UTC ("…Z") or microseconds since the epoch. */
int client_time_parse(const char *s, int64_t *us) ET_MUST_CHECK;
/* Print a JSON value to stdout (indented), for --json. */
void client_json_print(json_t *j);

/* Options shared by the platform commands. client_args_parse accepts only
 * the long options whose short codes are in allowed (plus --server, --json
 * and --help, always); positional arguments land in pos. Returns 0, 2
 * after a usage error (printed), or -1 when --help printed the usage. */
struct client_args {
	const char *server, *tender, *file, *out, *doc, *kind, *name, *question, *reason,
		*at, *proposal, *org, *login, *password_file, *line, *basis, *from, *until,
		*identity, *legal_name, *credit_code, *address, *phone, *id_number, *email, *user;
	const char *roles[16];
	size_t nroles;
	bool json, recipients;
	char **pos;
	int npos;
};
int client_args_parse(int argc, char **argv, const char *allowed, const char *usage,
		      struct client_args *a);

int client_cmd_login(int argc, char **argv);
int client_cmd_logout(int argc, char **argv);
int client_cmd_whoami(int argc, char **argv);
int client_cmd_passwd(int argc, char **argv);
int client_cmd_key(int argc, char **argv);
int client_cmd_org(int argc, char **argv);
int client_cmd_user(int argc, char **argv);
int client_cmd_credit(int argc, char **argv);
int client_cmd_tender(int argc, char **argv);
int client_cmd_keyholders(int argc, char **argv);
int client_cmd_holder_register(int argc, char **argv);
int client_cmd_document(int argc, char **argv);
int client_cmd_clarify(int argc, char **argv);
int client_cmd_clarifications(int argc, char **argv);
int client_cmd_deadline(int argc, char **argv);
int client_cmd_register(int argc, char **argv);
int client_cmd_registrations(int argc, char **argv);
int client_cmd_notices(int argc, char **argv);
int client_cmd_question(int argc, char **argv);
int client_cmd_bid(int argc, char **argv);
int client_cmd_reference(int argc, char **argv);
/* doccmd.c: stream GET path into out_path ("-" / NULL: stdout) hashing as it
 * writes; kept only if exactly total bytes of SHA-256 want (hex) arrived. */
int client_download_checked(const struct client_session *s, const char *path, const char *want,
			    uint64_t total, const char *out_path, const char *what,
			    const char *name) ET_MUST_CHECK;
int client_cmd_receipt(int argc, char **argv);
int client_cmd_stats(int argc, char **argv);   /* statscmd.c */
int client_cmd_open(int argc, char **argv);
int client_cmd_deposit(int argc, char **argv);
/* evaluation and award (evalcmd.c, printcmd.c) */
int client_cmd_expert(int argc, char **argv);
int client_cmd_draw(int argc, char **argv);
int client_cmd_panel(int argc, char **argv);
int client_cmd_bids(int argc, char **argv);
int client_cmd_score(int argc, char **argv);
int client_cmd_review(int argc, char **argv);
int client_cmd_adjust(int argc, char **argv);
int client_cmd_explain(int argc, char **argv);
int client_cmd_report(int argc, char **argv);
int client_cmd_result(int argc, char **argv);
int client_cmd_objection(int argc, char **argv);
int client_cmd_award(int argc, char **argv);
int client_cmd_contract(int argc, char **argv);
int client_cmd_print(int argc, char **argv);
/* `etender deposit release TENDER [--server URL] [--json]` (argv[0] "release") */
int client_deposit_release(int argc, char **argv);

int client_cmd_pin(int argc, char **argv);
int client_cmd_witness(int argc, char **argv);
int client_cmd_audit(int argc, char **argv);
int client_cmd_keygen(int argc, char **argv);
int client_cmd_seal(int argc, char **argv);
int client_cmd_unseal(int argc, char **argv);
int client_cmd_holder(int argc, char **argv);
int client_cmd_share(int argc, char **argv);
int client_cmd_log(int argc, char **argv);

/* The author and creating software (Creator, else Producer) of a PDF from
 * its Info dictionary (client/pdfmeta.c: a bounded scan of the first and
 * last MiB), each as UTF-8 of at most cap - 1 bytes, "" when absent.
 * ET_ENOTFOUND if the file is not a PDF, ET_EIO if it cannot be read. */
#define CLIENT_PDF_META_MAX 128
int client_pdf_info(const char *path, char *author, char *software, size_t cap) ET_MUST_CHECK;
int client_pdf_info_buf(const unsigned char *buf, size_t len, char *author, char *software,
			size_t cap) ET_MUST_CHECK;

#endif
