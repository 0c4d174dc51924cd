/* core/limits.h — every cap on input that grows from the network or a file.
 * One place, so a reviewer sees all bounds at once (curl dynbuf style). */
#ifndef ET_LIMITS_H
#define ET_LIMITS_H

/* age */
#define ET_AGE_MAX_HEADER        (1u << 20)   /* bytes of an age header */
#define ET_AGE_MAX_STANZAS       1024u        /* stanzas in one header */
#define ET_AGE_MAX_STANZA_ARGS   32u          /* arguments of one stanza */
#define ET_AGE_MAX_ARG_LEN       1024u        /* bytes of one stanza argument */
#define ET_AGE_MAX_BODY          (64u * 1024) /* decoded bytes of one stanza body */
#define ET_AGE_MAX_ARMOR_LINE    64u          /* base64 columns of armored age */
#define ET_AGE_MAX_IDENTITY_FILE (1u << 20)   /* bytes of an age identity file */

/* threshold opening */
#define ET_THRESHOLD_MAX_HOLDERS 32u          /* n, key holders of one tender */
#define ET_ID_MAX_LEN            128u         /* tender id, bid id, pseudonymous ids */

/* bech32 */
#define ET_BECH32_MAX_LEN        4096u

/* logs, notes */
#define ET_NOTE_MAX_LEN          (64u * 1024) /* a signed note (checkpoint) */
#define ET_NOTE_MAX_SIGS         64u          /* signature lines in one note */
#define ET_NOTE_MAX_NAME         256u         /* key name */
#define ET_LEAF_MAX_LEN          (1u << 20)   /* canonical event leaf */
#define ET_EVENT_KIND_MAX        64u          /* event kind string */
#define ET_PROOF_MAX_HASHES      64u          /* hashes in one proof */

/* tender: the hardened XML reader (tender.xml now, bid.xml later) and the
 * tender record. The XSD's maxLength / maxOccurs facets agree with these. */
#define ET_TENDER_XML_MAX_BYTES  (4u << 20)   /* bytes of one XML document */
#define ET_TENDER_XML_MAX_DEPTH  16u          /* element nesting depth */
#define ET_TENDER_XML_MAX_NODES  65536u       /* elements in one document */
#define ET_TENDER_XML_MAX_ERRORS 8u           /* parser/validator messages kept */
#define ET_TENDER_DIAG_MAX       1024u        /* bytes of one diagnostic message */
#define ET_TENDER_RULE_ID_MAX    32u          /* bytes of a rule id ("cn.law.24") */
#define ET_TENDER_ID_MAX         64u          /* tender, lot, org, holder, item ids */
#define ET_TENDER_TEXT_MAX       4096u        /* bytes of one title / description */
#define ET_TENDER_MAX_LOTS       64u          /* lots in one tender */
#define ET_TENDER_MAX_BOQ_ITEMS  10000u       /* bill-of-quantities lines in one lot */
#define ET_TENDER_MAX_QUALIFICATIONS 64u      /* qualification requirements */

/* witness and client HTTP (client/witness.c, client/http.c) */
#define ET_WITNESS_MAX_BODY      (ET_NOTE_MAX_LEN + 64u * 64) /* add-checkpoint request */
#define ET_WITNESS_MAX_LOGS      64u          /* logs one witness is configured for */
#define ET_HTTP_MAX_BODY         (16u << 20)  /* a JSON or text response to the client */
#define ET_HTTP_MAX_ERROR_BODY   (64u * 1024) /* an error response body */
#define ET_HTTP_ENTRIES_PAGE     256u         /* leaves asked for per /log/entries request */
#define ET_HTTP_CONNECT_TIMEOUT_S 10L         /* seconds to connect */
#define ET_HTTP_TIMEOUT_S        120L         /* seconds for one request */

/* tender domain: accounts and tender commands (tender/party.c, lifecycle.c) */
#define ET_TENDER_DRAFT_MAX_XML  (480u << 10) /* tender.xml in one tender.drafted leaf (JSON escaping <= 2x) */
#define ET_TENDER_CLARIFY_MAX    (64u << 10)  /* bytes of one clarification text */
#define ET_TENDER_REASON_MAX     4096u        /* cancel / deadline-change reason */
#define ET_TENDER_DETAIL_MAX     512u         /* one personal / org detail field */
#define ET_TENDER_LOGIN_MAX      64u          /* login name */
#define ET_TENDER_PASSWORD_MAX   1024u        /* password bytes */
#define ET_TENDER_PASSWORD_MIN   10u          /* et.password.length */
#define ET_TENDER_LIST_MAX       100000u      /* rows of one query answer */

/* web: etenderd's HTTP server (web/) */
#define ET_WEB_JSON_MAX_BODY     (1u << 20)   /* bytes of a JSON request body */
#define ET_WEB_XML_MAX_BODY      ET_TENDER_XML_MAX_BYTES /* a tender.xml request body */
#define ET_WEB_UPLOAD_MAX        (1ull << 32) /* bytes of one uploaded document (4 GiB) */
#define ET_WEB_URL_MAX           2048u        /* bytes of a request path */
#define ET_WEB_LOG_MAX_ENTRIES   1000u        /* count of GET /log/entries */
#define ET_WEB_LOG_MAX_RESPONSE  (16u << 20)  /* bytes of one /log/entries answer */
#define ET_WEB_MAX_CONNECTIONS   1024u        /* concurrent HTTP connections */
#define ET_WEB_CONN_TIMEOUT_S    60u          /* idle seconds before a connection is closed */
#define ET_WEB_WITNESS_MAX_RESP  (64u * 1024) /* bytes of a witness's answer */
#define ET_WEB_CONFIG_MAX        (64u * 1024) /* bytes of etenderd's config.json */
/* resumable bid-part uploads (web/upload.c, docs/api.md "Bids") */
#define ET_UPLOAD_WINDOW_US      (24ll * 3600 * 1000000) /* resumption window after the last byte */
#define ET_UPLOAD_SESSIONS_MAX   4096u        /* upload sessions held on disk at once */
#define ET_UPLOAD_META_MAX       2048u        /* bytes of one part's document metadata (16 parts fit BID_UPLOAD_META_MAX) */
#define ET_UPLOAD_DEVICE_MAX     128u         /* bytes of the X-Etender-Device header */

/* generic text buffers */
#define ET_LINE_MAX              8192u

/* statistics (stats/) */
#define ET_STATS_CSV_MAX_BYTES   (16u << 20)  /* bytes of one import file */
#define ET_STATS_CSV_MAX_ROWS    50000u       /* data rows of one import */
#define ET_STATS_FIELD_MAX       512u         /* bytes of one CSV field (title) */
#define ET_STATS_AGENT_MAX       256u         /* bytes of an agent name */
#define ET_STATS_MAX_FEN         1000000000000000000LL /* one price: 10^16 yuan */
#define ET_STATS_REPORT_MAX      (64u << 20)  /* bytes of one formatted report */

#endif
