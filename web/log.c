/* web/log.c — the public log API (no login): the latest checkpoint (with the
 * witness's cosignature once obtained; its note kept in memory between
 * commits), the verifier key, leaves, inclusion and consistency proofs.
 * Formats in docs/api.md ("Public log"). */
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

static int bad(struct web_reply *rep, unsigned status, int rc, const char *zh, const char *en)
{
	web_reply_error(rep, status, rc, NULL, zh, en);
	return rc;
}

/* The latest signed checkpoint: from d's cache while no commit has grown
 * the log since it was read (a hit takes two mutexes and no SQLite read),
 * else from the ledger, then cached. *note malloc'd, caller frees. */
static int latest_note(struct web_data *d, char **note, uint64_t *size)
{
	uint64_t now = audit_ledger_size(d->ledger);
	char *keep;
	int rc;

	*note = NULL;
	pthread_mutex_lock(&d->cp_mu);
	if (d->cp_note && d->cp_size == now) {
		*size = d->cp_size;
		*note = strdup(d->cp_note);
	}
	pthread_mutex_unlock(&d->cp_mu);
	if (*note)
		return ET_OK;
	if ((rc = audit_ledger_checkpoint(d->ledger, note, size)))
		return rc;
	/* A newer note may have been cached meanwhile: keep the larger. */
	pthread_mutex_lock(&d->cp_mu);
	if ((!d->cp_note || *size > d->cp_size) && (keep = strdup(*note))) {
		free(d->cp_note);
		d->cp_note = keep;
		d->cp_size = *size;
	}
	pthread_mutex_unlock(&d->cp_mu);
	return ET_OK;
}

static int get_checkpoint(struct web_req *r, struct web_reply *rep)
{
	char *note = NULL, *cosigned = NULL;
	uint64_t size;
	int rc;

	rc = latest_note(r->data, &note, &size);
	if (rc == ET_ENOTFOUND)
		return bad(rep, MHD_HTTP_NOT_FOUND, rc, "日志为空，尚无检查点",
			   "the log is empty: no checkpoint yet");
	if (rc)
		return rc;
	if (web_witness_cosigned(r->witness, size, &cosigned) == ET_OK)
		rc = web_reply_text(rep, MHD_HTTP_OK, "text/plain; charset=utf-8", cosigned,
				    strlen(cosigned));
	else
		rc = web_reply_text(rep, MHD_HTTP_OK, "text/plain; charset=utf-8", note, strlen(note));
	free(cosigned);
	free(note);
	return rc;
}

static int get_key(struct web_req *r, struct web_reply *rep)
{
	char *vkey = NULL;
	struct et_buf b;
	int rc;

	et_buf_init(&b, ET_LINE_MAX);
	if (!(rc = audit_note_vkey_format(r->data->origin, r->data->pub, &vkey)) &&
	    !(rc = et_buf_printf(&b, "%s\n", vkey)))
		rc = web_reply_text(rep, MHD_HTTP_OK, "text/plain; charset=utf-8", (char *)b.data,
				    b.len);
	free(vkey);
	et_buf_free(&b);
	return rc;
}

static json_t *b64_json(const unsigned char *p, size_t n)
{
	char *s = malloc(et_b64_encoded_len(n) + 1);
	json_t *j;

	if (!s)
		return NULL;
	et_b64_encode(p, n, s);
	j = json_string(s);
	free(s);
	return j;
}

static int get_entries(struct web_req *r, struct web_reply *rep)
{
	uint64_t start, count, size = audit_ledger_size(r->data->ledger), bytes = 0;
	json_t *arr = NULL, *o;
	int rc;

	if (web_query_u64(r, "start", &start, rep) || web_query_u64(r, "count", &count, rep))
		return ET_EINVAL;
	if (count == 0)
		return bad(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, "count 须大于 0",
			   "count must be greater than 0");
	if (count > ET_WEB_LOG_MAX_ENTRIES)
		return bad(rep, MHD_HTTP_BAD_REQUEST, ET_ELIMIT, "count 超过上限 1000",
			   "count exceeds the cap of 1000");
	if (start >= size)
		return bad(rep, MHD_HTTP_NOT_FOUND, ET_ENOTFOUND, "start 超出日志大小",
			   "start is beyond the log size");
	if (count > size - start)
		count = size - start;
	if (!(arr = json_array()))
		return et_fail(ET_ENOMEM);
	for (uint64_t i = start; i < start + count; i++) {
		unsigned char *leaf = NULL;
		size_t len = 0;

		if ((rc = audit_ledger_leaf(r->data->ledger, i, &leaf, &len))) {
			/* a leaf below the committed size is missing: the storage was
			 * damaged or tampered with, not a bad request */
			if (rc == ET_ENOTFOUND) {
				et_log(ET_LOG_ERROR, "log leaf %llu below size %llu is missing",
				       (unsigned long long)i, (unsigned long long)size);
				rc = bad(rep, MHD_HTTP_INTERNAL_SERVER_ERROR, ET_EVERIFY,
					 "日志存储损坏：缺少叶子", "log storage damaged: a leaf is missing");
			}
			goto out;
		}
		/* Answers stay bounded: at least one leaf, then stop at the cap. */
		if (i > start && bytes + len > ET_WEB_LOG_MAX_RESPONSE / 2) {
			free(leaf);
			break;
		}
		bytes += len;
		o = json_pack("{s:I,s:o}", "index", (json_int_t)i, "leaf", b64_json(leaf, len));
		free(leaf);
		if (!o || json_array_append_new(arr, o)) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
	}
	rc = web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:o}", "entries", arr));
	arr = NULL;
out:
	json_decref(arr);
	return rc;
}

static int reply_hashes(struct web_reply *rep, unsigned char (*proof)[AUDIT_HASH_LEN], size_t n)
{
	json_t *arr = json_array();

	if (!arr)
		return et_fail(ET_ENOMEM);
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, b64_json(proof[i], AUDIT_HASH_LEN))) {
			json_decref(arr);
			return et_fail(ET_ENOMEM);
		}
	return web_reply_json(rep, MHD_HTTP_OK, json_pack("{s:o}", "hashes", arr));
}

static int get_inclusion(struct web_req *r, struct web_reply *rep)
{
	uint64_t index, size;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL;
	size_t n = 0;
	int rc;

	if (web_query_u64(r, "index", &index, rep) || web_query_u64(r, "size", &size, rep))
		return ET_EINVAL;
	if (index >= size)
		return bad(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, "index 须小于 size",
			   "index must be less than size");
	if (size > audit_ledger_size(r->data->ledger))
		return bad(rep, MHD_HTTP_NOT_FOUND, ET_ENOTFOUND, "size 超出日志大小",
			   "size is beyond the log size");
	rc = audit_ledger_inclusion(r->data->ledger, index, size, &proof, &n);
	if (!rc)
		rc = reply_hashes(rep, proof, n);
	free(proof);
	return rc;
}

static int get_consistency(struct web_req *r, struct web_reply *rep)
{
	uint64_t from, size;
	unsigned char (*proof)[AUDIT_HASH_LEN] = NULL;
	size_t n = 0;
	int rc;

	if (web_query_u64(r, "from", &from, rep) || web_query_u64(r, "size", &size, rep))
		return ET_EINVAL;
	if (from == 0 || from > size)
		return bad(rep, MHD_HTTP_BAD_REQUEST, ET_EINVAL, "须 0 < from ≤ size",
			   "0 < from <= size is required (RFC 9162: no proof from the empty tree)");
	if (size > audit_ledger_size(r->data->ledger))
		return bad(rep, MHD_HTTP_NOT_FOUND, ET_ENOTFOUND, "size 超出日志大小",
			   "size is beyond the log size");
	rc = audit_ledger_consistency(r->data->ledger, from, size, &proof, &n);
	if (!rc)
		rc = reply_hashes(rep, proof, n);
	free(proof);
	return rc;
}

int web_log_route(struct web_req *r, struct web_reply *rep)
{
	static const struct {
		const char *path;
		int (*fn)(struct web_req *, struct web_reply *);
	} routes[] = {
		{ "/log/checkpoint", get_checkpoint },
		{ "/log/key", get_key },
		{ "/log/entries", get_entries },
		{ "/log/proof/inclusion", get_inclusion },
		{ "/log/proof/consistency", get_consistency },
	};

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(r->path, routes[i].path))
			continue;
		if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
			web_reply_error(rep, 0, WEB_EMETHOD, NULL, NULL, NULL);
			return WEB_EMETHOD;
		}
		return routes[i].fn(r, rep);
	}
	return ET_ENOTFOUND;
}
