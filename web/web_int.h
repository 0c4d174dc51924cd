/* web/web_int.h — internals shared by the files of etenderd (web/): the data
 * folder, the HTTP server and its routes, the witness pusher. web/ runs no
 * SQL: state comes through the ledger API and the domain API only. */
#ifndef ET_WEB_INT_H
#define ET_WEB_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "audit/audit.h"
#include "core/core.h"
#include "tender/tender.h"

/* Result codes of the HTTP layer only (beyond enum et_result): no or bad
 * credentials (401), method not allowed (405). */
#define WEB_EAUTH 1001
#define WEB_EMETHOD 1002

/* ---- the data folder (data.c) ------------------------------------------ */

/* Layout of --data DIR (0700):
 *   config.json   origin, witness URL and key (0600)
 *   log.key       Ed25519 seed of the log key, 32 raw bytes (0600, O_EXCL)
 *   etender.db    the ledger's SQLite database (WAL)
 *   blobs/        the blob store: documents stored by SHA-256
 *   private.db    the domain's private side store (personal details, passwords,
 *                 token hashes; outside the log and replay, 0600)
 *   cosigned.note the latest witness-cosigned checkpoint (written by the pusher)
 *   uploads/      resumable bid-part uploads in progress (upload.c): no bid,
 *                 outside the log and the projections */
#define WEB_FILE_CONFIG "config.json"
#define WEB_FILE_KEY "log.key"
#define WEB_FILE_DB "etender.db"
#define WEB_DIR_BLOBS "blobs"
#define WEB_FILE_PRIVATE "private.db"
#define WEB_FILE_COSIGNED "cosigned.note"
#define WEB_DIR_UPLOADS "uploads"
#define WEB_DEFAULT_ORIGIN "etenderd.local/log"

struct web_data {
	char *dir;
	char *origin;
	char *witness_url;                 /* NULL if none configured */
	char *witness_key;                 /* cosignature/v1 vkey, NULL if none */
	unsigned char seed[32];            /* wiped on close; zero for a verifier */
	unsigned char pub[32];
	bool verifier;
	struct audit_ledger *ledger;
	struct tender_private *priv;       /* private side store (NULL for a verifier) */
	/* GET /log/checkpoint's note, kept between commits (log.c): valid while
	 * cp_size equals the ledger's size, since every commit that grows the
	 * log signs exactly one checkpoint of the new size and a stored note
	 * never changes (audit/ledger.c, I3). Guarded by cp_mu. */
	pthread_mutex_t cp_mu;
	uint64_t cp_size;
	char *cp_note;                     /* NULL until first read */
	/* The closer (opening.c): the close at each deadline, the opening once
	 * k keys are out, the opening window; NULL when not running. */
	struct web_closer *closer;
	/* The peer whose X-Forwarded-For names the source address of a bid
	 * (config.json "trusted_proxy" or --trusted-proxy; an IP literal), or NULL. */
	char *trusted_proxy;
	/* Resumable bid-part uploads (upload.c); NULL for a verifier. */
	struct web_uploads *uploads;
};

/* Build "dir/name" into out[cap]; ET_ELIMIT if it does not fit. */
int web_path(const char *dir, const char *name, char *out, size_t cap) ET_MUST_CHECK;

/* Create DIR (0700, must not exist or be empty), config.json, the log key
 * (O_EXCL, 0600), blobs/ and the database, and bootstrap the trading
 * center with its first administrator (login name "admin") through the
 * domain. witness_url / witness_key may be NULL. *vkey (malloc'd, caller
 * frees) is the log's verifier key line; *password (malloc'd, caller
 * wipes and frees; NULL without the domain modules) the administrator's
 * one-time password, admin_user its id. */
#define WEB_ADMIN_LOGIN "admin"
int web_data_init(const char *dir, const char *origin, const char *witness_url,
		  const char *witness_key, const char *center_name, char **vkey,
		  char **password, char admin_user[64]) ET_MUST_CHECK;

/* Remove the temporary files of uploads that a stop or crash cut short
 * (blobs/.upload-*); at start, before serving. */
int web_blobs_sweep(const char *dir) ET_MUST_CHECK;

/* struct bid_blobs's open over the blob store of d (ctx: struct web_data):
 * blobs/<hex of sha256> read-only; ET_ENOTFOUND if absent. */
int web_blob_open(void *ctx, const unsigned char sha256[32], int *fd) ET_MUST_CHECK;

/* Open DIR: read config and key, open the ledger with every module of the
 * platform. verifier: read-only (the key's public half only). on_commit may
 * be NULL. *out freed with web_data_close (closes the ledger first). */
int web_data_open(const char *dir, bool verifier, void (*on_commit)(void *, uint64_t),
		  void *on_commit_ctx, struct web_data **out) ET_MUST_CHECK;
void web_data_close(struct web_data *d);
/* d->trusted_proxy from an IPv4 or IPv6 literal (normalised); ET_EINVAL. */
int web_set_trusted_proxy(struct web_data *d, const char *addr) ET_MUST_CHECK;

/* The modules registered with the ledger (domain modules, and in test
 * builds the web test module). Static array. */
const struct audit_module *const *web_modules(size_t *n);

/* `etenderd demo` (demo.c): init DIR and build a demonstration history
 * through the domain commands. Needs the domain layer. */
int web_demo(const char *dir) ET_MUST_CHECK;

/* ---- resumable bid-part uploads (upload.c) ------------------------------ */

struct web_uploads;
struct web_req;
struct web_reply;
struct bid_manifest;
struct bid_part_ref;
/* Create DIR/uploads if missing, set d->uploads and sweep expired sessions. */
int web_uploads_open(struct web_data *d) ET_MUST_CHECK;
void web_uploads_close(struct web_data *d);
/* Sweep now (expired sessions, their unsubmitted parts). */
void web_upload_sweep_now(struct web_data *d);
/* The routes (web_upload_routes below): sessions (create, state, PATCH at
 * an offset) and bid.xsd. */
int web_upload_stream_begin(struct web_req *r, struct web_reply *rep) ET_MUST_CHECK;
int web_upload_stream_data(struct web_req *r, const char *p, size_t n,
			   struct web_reply *rep) ET_MUST_CHECK;
void web_upload_stream_abort(struct web_req *r);
/* For POST …/bids: every part the manifest names must be a completed
 * upload session of the caller (else 409 et.bid.parts in rep); parts get
 * their hash and size, *arrival_us is raised to the latest part's last
 * byte, *meta (malloc'd JSON text, caller frees) is the sealed collusion
 * metadata: source address (through the trusted proxy), device, and per
 * part the session's source, device and document metadata. */
int web_upload_parts(struct web_req *r, const char *tender, const struct bid_manifest *m,
		     struct bid_part_ref *parts, int64_t *arrival_us, char **meta,
		     struct web_reply *rep) ET_MUST_CHECK;
/* Hold the sweep off while a submission reads its parts (lock true, then false). */
void web_upload_submit_lock(struct web_data *d, bool lock);
/* The bid is in the log: its sessions go (the blobs stay, named by the bid). */
void web_upload_submitted(struct web_req *r, const char *tender, const struct bid_manifest *m);
/* The request's source address: the peer, or through the trusted proxy
 * the last X-Forwarded-For address (returns 1, peer = the proxy). */
int web_source_address(const struct web_req *r, char source[64], char peer[64]);

/* ---- the witness pusher (witness.c) ------------------------------------- */

struct web_witness;

/* Parse the witness key, load DIR/cosigned.note if present. url without a
 * trailing slash is fine. *out freed with web_witness_free. */
int web_witness_new(const char *dir, const char *url, const char *vkey,
		    struct web_witness **out) ET_MUST_CHECK;
/* The ledger's on_commit hook: records size and wakes the pusher; returns at once. */
void web_witness_on_commit(void *ctx, uint64_t size);
/* Start the pusher thread on the ledger (pushes the latest checkpoint at once). */
int web_witness_start(struct web_witness *w, struct audit_ledger *l) ET_MUST_CHECK;
/* Stop the thread (waits at most the current HTTP exchange) and free. NULL is fine. */
void web_witness_free(struct web_witness *w);
/* The cosigned note of exactly this size, if obtained: *note malloc'd,
 * caller frees; ET_ENOTFOUND otherwise. w may be NULL. */
int web_witness_cosigned(struct web_witness *w, uint64_t size, char **note) ET_MUST_CHECK;

/* ---- the HTTP server (server.c) ----------------------------------------- */

struct web_serve_opts {
	const char *listen;                /* "HOST:PORT" (IPv4 literal or [IPv6]) */
	const char *tls_cert, *tls_key;    /* PEM files, both or neither */
};

struct web_server;

/* Start serving (threads of libmicrohttpd). ctx of every route: d and w
 * (w may be NULL). *out stopped and freed with web_server_stop. */
int web_server_start(struct web_data *d, struct web_witness *w, const struct web_serve_opts *o,
		     struct web_server **out) ET_MUST_CHECK;
/* The port actually bound (after "…:0"). */
uint16_t web_server_port(const struct web_server *s);
void web_server_stop(struct web_server *s);

/* A request as the routes see it. */
struct web_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;                  /* decoded path, no query */
	const unsigned char *body;         /* whole body (NUL-terminated), or NULL */
	size_t body_len;
	struct web_data *data;
	struct web_witness *witness;
	const char *params[4];             /* path segments matched by "*" */
	/* set by the API dispatcher for routes with a token */
	bool authed;
	struct tender_principal who;
	const char *token;                 /* the bearer token (borrowed from the headers) */
	/* streaming uploads: set by the route's stream handler */
	void *stream;
	bool stream_session;               /* the stream is an upload session's (upload.c) */
};

/* An answer: HTTP status and a response (owned by the caller of the route). */
struct web_reply {
	unsigned status;
	struct MHD_Response *resp;
};

/* Request header, or NULL. */
const char *web_header(const struct web_req *r, const char *name);
/* Query argument, or NULL. */
const char *web_query(const struct web_req *r, const char *name);
/* Parse a required decimal u64 query argument; on failure fills rep with
 * a 400 JSON error and returns ET_EINVAL. */
int web_query_u64(const struct web_req *r, const char *name, uint64_t *out,
		  struct web_reply *rep) ET_MUST_CHECK;

/* JSON answer (takes the reference of j). ET_ENOMEM if no response. */
int web_reply_json(struct web_reply *rep, unsigned status, json_t *j) ET_MUST_CHECK;
/* Plain text answer (copied). */
int web_reply_text(struct web_reply *rep, unsigned status, const char *ctype, const char *text,
		   size_t len) ET_MUST_CHECK;
/* {"error":{"code","rule","message_zh","message_en"}}. status 0 chooses it
 * from rc (web_status_of); rule and the messages may be NULL (the messages
 * then come from et_strerror). Always leaves a response in rep (or a NULL
 * response if out of memory, which the server answers with 500). */
void web_reply_error(struct web_reply *rep, unsigned status, int rc, const char *rule,
		     const char *zh, const char *en);
/* HTTP status of a result code (400, 401 …). */
unsigned web_status_of(int rc);
/* "EINVAL" … of a result code. */
const char *web_code_name(int rc);

/* ---- routes ------------------------------------------------------------- */

/* /log/… (log.c): public, no login. ET_ENOTFOUND if path is not a log route. */
int web_log_route(struct web_req *r, struct web_reply *rep) ET_MUST_CHECK;
/* /api/… (api.c). ET_ENOTFOUND if path is no API route. */
int web_api_route(struct web_req *r, struct web_reply *rep) ET_MUST_CHECK;

/* Who may call a route. */
enum web_auth {
	WEB_AUTH_NONE,       /* public, the token is not looked at */
	WEB_AUTH_OPTIONAL,   /* public; a valid token adds what its user may see */
	WEB_AUTH_REQUIRED,   /* 401 without a valid bearer token */
};

/* How a route takes its body, decided from method and path once the
 * headers are in. */
enum web_body_kind {
	WEB_BODY_NONE,             /* no body allowed */
	WEB_BODY_BUFFER,           /* whole body in memory, at most *cap bytes */
	WEB_BODY_STREAM,           /* handed to the stream functions, at most *cap */
	WEB_BODY_STREAM_UNCAPPED,  /* streamed; the route enforces its own cap */
};
/* *rc: ET_OK, ET_ENOTFOUND (no such path) or WEB_EMETHOD. */
enum web_body_kind web_api_body(struct web_req *r, uint64_t *cap, int *rc);
/* Streaming routes: begin (may set r->stream and answer early through rep
 * with an error), each chunk, and abort (connection ended before the route
 * ran, or after it; frees r->stream and sets it NULL). The route itself
 * runs when the body is complete and finishes the stream. */
int web_api_stream_begin(struct web_req *r, struct web_reply *rep) ET_MUST_CHECK;
int web_api_stream_data(struct web_req *r, const char *p, size_t n,
			struct web_reply *rep) ET_MUST_CHECK;
void web_api_stream_abort(struct web_req *r);

/* A route of the JSON API: method, path pattern ("*" = one segment, in
 * params), body handling and its cap, authentication, handler. */
struct web_route {
	const char *method;
	const char *path;
	enum web_body_kind body;
	uint64_t cap;
	enum web_auth auth;
	int (*fn)(struct web_req *, struct web_reply *);
};

/* The routes on the domain API (routes.c), ending with a NULL path, and
 * their streaming uploads (documents, bid parts). */
extern const struct web_route web_domain_routes[];
/* The evaluation domain's routes (evaluation.c), ending with a NULL path. */
extern const struct web_route web_evaluation_routes[];
extern const struct web_route web_upload_routes[];   /* upload.c */
int web_routes_stream_begin(struct web_req *r, struct web_reply *rep) ET_MUST_CHECK;
int web_routes_stream_data(struct web_req *r, const char *p, size_t n,
			   struct web_reply *rep) ET_MUST_CHECK;
void web_routes_stream_abort(struct web_req *r);

/* ---- the close and the opening ceremony (opening.c) --------------------- */

struct web_closer;
/* Start the closer thread of d (d->closer set; w may be NULL): it closes
 * every published tender whose deadline has passed, after the submissions
 * whose last byte arrived before it were submitted (bounded wait), runs
 * the opening once k keys are out, and fails the opening when the window
 * passes. Rechecks at least every second and at once after a kick. */
int web_closer_start(struct web_data *d, struct web_witness *w) ET_MUST_CHECK;
/* Stop and free d->closer (NULL is fine). */
void web_closer_stop(struct web_data *d);
/* Wake the closer now (the test clock was set, a deadline moved, a key was released). */
void web_closer_kick(struct web_data *d);
/* A bid submission in flight for tender: *arrival_us is now (the last
 * byte's arrival), read under the closer's lock so that a close that
 * already saw the deadline pass cannot miss it; *slot for _end.
 * ET_ELIMIT if too many are in flight. Without a closer: now, no slot. */
int web_inflight_begin(struct web_data *d, const char *tender, int64_t *arrival_us,
		       int *slot) ET_MUST_CHECK;
void web_inflight_end(struct web_data *d, int slot);

/* Routes (registered in routes.c's table). */
int web_get_bidding(struct web_req *r, struct web_reply *rep);
int web_post_close(struct web_req *r, struct web_reply *rep);
int web_get_close(struct web_req *r, struct web_reply *rep);
int web_post_release(struct web_req *r, struct web_reply *rep);
int web_get_opening(struct web_req *r, struct web_reply *rep);
int web_get_bid_xml(struct web_req *r, struct web_reply *rep);
int web_post_confirm(struct web_req *r, struct web_reply *rep);
int web_post_object(struct web_req *r, struct web_reply *rep);
int web_post_deposit(struct web_req *r, struct web_reply *rep);
int web_post_reference(struct web_req *r, struct web_reply *rep);
int web_get_bid_part(struct web_req *r, struct web_reply *rep);
int web_post_deposit_return(struct web_req *r, struct web_reply *rep);
int web_get_deposits_due(struct web_req *r, struct web_reply *rep);
#ifdef ET_TEST_HOOKS
int web_test_submit_delay(struct web_req *r, struct web_reply *rep);
int web_test_inflight(struct web_req *r, struct web_reply *rep);
#endif
/* routes.c's helpers, for opening.c. */
int web_reply_diag(struct web_reply *rep, int rc, const struct tender_diag *d);
int web_body_object(struct web_req *r, json_t **out, struct web_reply *rep);
int web_str_field(json_t *j, const char *name, bool opt, const char **out, struct web_reply *rep);
bool web_param(const struct web_req *r, unsigned i, char out[TENDER_ID_LEN]);
/* The latest cosigned checkpoint the witness gave (*note malloc'd, *size
 * its size); ET_ENOTFOUND if none yet or w is NULL. */
int web_witness_latest(struct web_witness *w, char **note, uint64_t *size) ET_MUST_CHECK;

#endif
