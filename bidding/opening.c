/* bidding/opening.c — the opening ceremony (DESIGN §5): the holders' key
 * release after the close, and the opening once k keys are out: every
 * counted bid is unwrapped and combined with ALL released keys, every part
 * decrypted streaming (bid.xml kept and checked, each attachment's payload
 * authenticated to its end), and the opening record emitted in one event —
 * all or none; and the opening window (opening.failed).
 *
 * Invariants: a key is released only after a close that did not fail, once
 * per holder, signed by the holder's registered Ed25519 key, and only if it
 * is the private half of the holder's registered per-tender key (so every
 * later failure to open is the sealer's: docs/formats.md, "Errors and whose
 * fault each is"); the heavy work runs outside the writer, and the record
 * is emitted only if the tender's releases and bids did not change
 * meanwhile. Secrets (released keys, shares, file keys) are wiped on every
 * path; bid plaintext never reaches a log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bidding/bidding_int.h"
#include "crypto/crypto.h"

int bid_release_message(const char *tender, unsigned index, const char *identity,
			struct et_buf *out)
{
	if (!bd_id_ok(tender) || !identity || index == 0)
		return ET_EINVAL;
	return et_buf_printf(out, "etender-key-release/v1\n%s\n%u\n%s\n", tender, index, identity);
}

/* ---- key release ------------------------------------------------------------- */

struct release_cmd {
	const char *actor, *tender, *identity;
	const unsigned char *sig;
	unsigned released;
	struct tender_diag *d;
};

static int release_command(struct audit_tx *tx, void *ctx)
{
	struct release_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct tender_principal p;
	struct tender_info t;
	struct tender_holder_info *hv = NULL;
	struct bd_state s;
	struct et_buf msg;
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][32], priv[32], pub[32], signer[32];
	char signer_b64[48], sig_b64[96];
	unsigned k = 0, index = 0;
	size_t nh = 0;
	json_t *pl = NULL;
	int rc;

	et_buf_init(&msg, 4096);
	if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
		goto out;
	if (!(p.roles & TENDER_ROLE_KEYHOLDER)) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.auth.role", "角色无权执行此操作",
				     "the actor's roles do not allow this", "release a key");
		goto out;
	}
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) ||
	    (rc = bd_holders(db, c->tender, &k, &hv, &nh, pubs)))
		goto out;
	for (size_t i = 0; i < nh; i++)
		if (!strcmp(hv[i].holder, c->actor))
			index = hv[i].index;
	if (!index) {
		rc = tender_diag_set(c->d, ET_EDENIED, "et.keys.holder", "非本项目密钥保管人",
				     "not a key holder of this tender", "%s", c->actor);
		goto out;
	}
	if ((rc = bd_state_load(db, c->tender, &s)))
		goto out;
	if (!s.closed || s.failed || s.opened || s.unopened) {
		rc = tender_diag_set(c->d, ET_ESTATE, "et.open.stage",
				     "仅可在截标后、开标前释放密钥",
				     "keys are released after the close and before the opening", "%s",
				     !s.closed ? "not closed" : s.failed ? "failed" :
				     s.unopened ? "the opening window passed" : "opened");
		goto out;
	}
	{
		sqlite3_stmt *st = NULL;
		bool done;
		if ((rc = audit_sql_prepare(db, &st, "SELECT 1 FROM bd_release WHERE tender = ?1 AND"
				     " idx_no = ?2", "ti", c->tender, (int64_t)index)))
			goto out;
		done = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (done) {
			rc = tender_diag_set(c->d, ET_EEXIST, "et.open.released", "已释放",
					     "the key was released already", "holder %u", index);
			goto out;
		}
	}
	if ((rc = bd_user_ed25519(db, c->actor, signer)) ||
	    (rc = bid_release_message(c->tender, index, c->identity, &msg)) ||
	    (rc = crypto_ed25519_verify(signer, msg.data, msg.len, c->sig))) {
		rc = tender_diag_set(c->d, ET_EVERIFY, "et.open.signature", "密钥释放签名无效",
				     "the release's signature does not verify", "holder %u", index);
		goto out;
	}
	if (bd_identity_key(c->identity, priv) || crypto_x25519_public(priv, pub) ||
	    !crypto_ct_equal(pub, pubs[index - 1], 32)) {
		rc = tender_diag_set(c->d, ET_EKEY, "et.open.key",
				     "释放的密钥与登记的公钥不符，责任在保管人",
				     "the released key is not the registered one: the holder's fault",
				     "holder %u (%s)", index, c->actor);
		goto out;
	}
	et_b64_encode(signer, 32, signer_b64);
	et_b64_encode(c->sig, 64, sig_b64);
	pl = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "tender", c->tender, "holder", c->actor,
		       "index", (json_int_t)index, "identity", c->identity, "signer", signer_b64,
		       "sig", sig_b64);
	if ((rc = bd_emit(tx, "share.released", c->actor, c->tender, pl, false, NULL)))
		goto out;
	c->released = s.released + 1;
out:
	crypto_wipe(priv, sizeof priv);
	if (msg.data)
		crypto_wipe(msg.data, msg.len);   /* it names the identity */
	json_decref(pl);
	tender_holders_free(hv);
	et_buf_free(&msg);
	return rc;
}

int bid_key_release(struct audit_ledger *l, const char *actor, const char *tender,
		    const char *identity, const unsigned char sig[64], unsigned *released,
		    struct tender_diag *d)
{
	struct release_cmd c = { actor, tender, identity, sig, 0, d };
	int rc;

	tender_diag_clear(d);
	if (!actor || !bd_id_ok(tender) || !identity || !sig || strlen(identity) > 128)
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	if ((rc = bd_submit(l, release_command, &c, NULL, d)))
		return rc;
	if (released)
		*released = c.released;
	return ET_OK;
}

/* ---- the opening -------------------------------------------------------------- */

struct obid {
	char bid[TENDER_ID_LEN], org[TENDER_ID_LEN];
	char *manifest;
	unsigned char signer[32];
	bool deposit;
	/* result */
	const char *status, *rule;
	char cause[128];
	struct bid_document doc;
	unsigned char xml_sha256[32];     /* of the decrypted bid.xml (opened bids) */
	/* each decrypted attachment (index part - 1; [0] unused): plaintext
	 * size and SHA-256, the document's name from the upload metadata */
	size_t nparts;
	struct {
		uint64_t size;
		unsigned char sha256[32];
		char name[256];
	} att[BID_MAX_PARTS];
};

struct snap {
	const char *tender;
	struct tender_info t;
	unsigned k, nh, m;                        /* m keys released */
	unsigned idx[ET_THRESHOLD_MAX_HOLDERS];
	unsigned char priv[ET_THRESHOLD_MAX_HOLDERS][32];
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][32];
	struct obid *bids;
	size_t nbids;
	struct tender_diag *d;
	const struct bid_keep *keep;              /* where opened bid.xml goes, or NULL */
	const struct tender_record *rec;          /* the tender's record (opening fields) */
	/* the sealed reference price (标底), if a live one was submitted */
	bool has_ref;
	struct obid ref;                          /* bid = the reference id */
	struct bid_part_ref ref_part;
	struct bid_reference_doc rdoc;
};

static void snap_free(struct snap *s)
{
	crypto_wipe(s->priv, sizeof s->priv);
	for (size_t i = 0; i < s->nbids; i++)
		free(s->bids[i].manifest);
	free(s->bids);
	s->bids = NULL;
	s->nbids = 0;
}

static int snap_fn(sqlite3 *db, void *ctx)
{
	struct snap *s = ctx;
	struct tender_holder_info *hv = NULL;
	struct bd_state st8;
	sqlite3_stmt *st = NULL;
	size_t nh = 0, cap = 0;
	int rc, step;

	if ((rc = tender_db_tender(db, s->tender, &s->t, s->d)) ||
	    (rc = bd_state_load(db, s->tender, &st8)) ||
	    (rc = bd_holders(db, s->tender, &s->k, &hv, &nh, s->pubs)))
		goto out;
	s->nh = (unsigned)nh;
	if (!st8.closed || st8.failed || st8.opened || st8.unopened) {
		rc = tender_diag_set(s->d, ET_ESTATE, "et.open.stage", "当前阶段不能开标",
				     "the tender cannot be opened in its phase", "%s", s->tender);
		goto out;
	}
	if (st8.released < s->k) {
		rc = tender_diag_set(s->d, ET_ESTATE, "et.open.keys", "释放密钥的保管人不足",
				     "fewer key holders released their keys than needed",
				     "%u of %u", st8.released, s->k);
		goto out;
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT idx_no, identity FROM bd_release WHERE tender = ?1"
			     " ORDER BY idx_no", "t", s->tender)))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && s->m < ET_THRESHOLD_MAX_HOLDERS) {
		s->idx[s->m] = (unsigned)sqlite3_column_int64(st, 0);
		if (bd_identity_key((const char *)sqlite3_column_text(st, 1), s->priv[s->m])) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		s->m++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = audit_sql_prepare(db, &st, "SELECT bid, org, manifest, signer, deposit FROM bd_bid"
			     " WHERE tender = ?1 AND status = 'live' ORDER BY idx", "t", s->tender)))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct obid *b;
		size_t got = 0;
		const char *sg = (const char *)sqlite3_column_text(st, 3);
		if (s->nbids == cap) {
			size_t nc = cap ? 2 * cap : 16;
			struct obid *nb = realloc(s->bids, nc * sizeof *nb);
			if (!nb) {
				rc = et_fail(ET_ENOMEM);
				goto out;
			}
			s->bids = nb;
			cap = nc;
		}
		b = &s->bids[s->nbids];
		memset(b, 0, sizeof *b);
		s->nbids++;
		audit_sql_col_text(st, 0, b->bid, sizeof b->bid);
		audit_sql_col_text(st, 1, b->org, sizeof b->org);
		if (!(b->manifest = strdup((const char *)sqlite3_column_text(st, 2)))) {
			rc = et_fail(ET_ENOMEM);
			goto out;
		}
		if (!sg || et_b64_decode(sg, strlen(sg), b->signer, 32, &got) || got != 32) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		b->deposit = sqlite3_column_int64(st, 4) != 0;
	}
	if (step != SQLITE_DONE) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (size_t i = 0; i < s->nbids; i++) {
		struct obid *b = &s->bids[i];
		if ((rc = audit_sql_prepare(db, &st, "SELECT part, name FROM bd_doc WHERE bid = ?1",
				     "t", b->bid)))
			goto out;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t part = sqlite3_column_int64(st, 0);
			if (part >= 2 && part <= BID_MAX_PARTS)
				audit_sql_col_text(st, 1, b->att[part - 1].name, sizeof b->att[0].name);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (step != SQLITE_DONE) {
			rc = et_fail(ET_EDB);
			goto out;
		}
	}
	if ((rc = audit_sql_prepare(db, &st, "SELECT ref, org, sha256, size FROM bd_reference WHERE"
			     " tender = ?1 AND status = 'live'", "t", s->tender)))
		goto out;
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hx = (const char *)sqlite3_column_text(st, 2);
		s->has_ref = true;
		audit_sql_col_text(st, 0, s->ref.bid, sizeof s->ref.bid);
		audit_sql_col_text(st, 1, s->ref.org, sizeof s->ref.org);
		if (!hx || strlen(hx) != 64 || et_hex_decode(hx, s->ref_part.sha256, 32)) {
			rc = et_fail(ET_EDB);
			goto out;
		}
		s->ref_part.size = (uint64_t)sqlite3_column_int64(st, 3);
	} else if (step != SQLITE_DONE)
		rc = et_fail(ET_EDB);
out:
	sqlite3_finalize(st);
	tender_holders_free(hv);
	return rc;
}

struct fd_io {
	int fd;
	struct crypto_sha256 *h;
};

static int fd_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct fd_io *io = ctx;
	ssize_t n = read(io->fd, buf, cap);

	if (n < 0)
		return et_fail(ET_EIO);
	*got = (size_t)n;
	if (io->h && n > 0)
		crypto_sha256_update(io->h, buf, (size_t)n);
	return ET_OK;
}

static int buf_write(void *ctx, const unsigned char *b, size_t n)
{
	return et_buf_add(ctx, b, n);
}

static void verdict(struct obid *b, bool bidder_fault, const char *rule, const char *cause)
{
	size_t n = strlen(cause);

	b->status = bidder_fault ? "revoked" : "withdrawn";
	b->rule = rule;
	if (n >= sizeof b->cause) {
		/* cut at a UTF-8 character boundary: the record must stay valid
		 * JSON whatever the validator's message quotes */
		n = sizeof b->cause - 1;
		while (n > 0 && ((unsigned char)cause[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(b->cause, cause, n);
	b->cause[n] = 0;
}

/* Open part `part` of b: combine its file key with every released key.
 * *fd is left open for the caller. A verdict is set for a bid's fault
 * (ET_OK returned, b->status set); other errors abort the opening. */
static int part_key(const struct snap *s, const struct bid_blobs *blobs, struct obid *b,
		    const struct bid_part_ref *pr, uint32_t part, int *fd,
		    unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN])
{
	struct crypto_threshold_binding bind = { s->tender, b->bid, part };
	struct crypto_age_header *hdr = NULL;
	unsigned char shares[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_AGE_FILE_KEY_LEN];
	unsigned char *head = NULL;
	size_t n = 0, hl = 0;
	ssize_t got;
	int rc;

	*fd = -1;
	if ((rc = blobs->open(blobs->ctx, pr->sha256, fd))) {
		if (rc == ET_ENOTFOUND) {
			verdict(b, false, "cn.e.31", "a sealed part is missing from the platform's store");
			rc = ET_OK;
		}
		goto out;
	}
	if (!(head = malloc(BD_HEAD_MAX))) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	while (n < BD_HEAD_MAX && (got = read(*fd, head + n, BD_HEAD_MAX - n)) != 0) {
		if (got < 0) {
			rc = et_fail(ET_EIO);
			goto out;
		}
		n += (size_t)got;
	}
	if (crypto_age_header_parse(head, n, &hdr, &hl)) {
		verdict(b, true, "cn.e.31", "not an age file");
		goto out;
	}
	for (unsigned j = 0; j < s->m; j++) {
		rc = crypto_threshold_unwrap_share(hdr, &bind, s->idx[j], s->priv[j], shares[j]);
		if (rc == ET_ESEALER) {
			verdict(b, true, "cn.e.31", "a share stanza does not open under its holder's key");
			rc = ET_OK;
			goto out;
		}
		if (rc) {
			/* ET_EKEY cannot happen with checked keys and stanzas */
			verdict(b, false, "cn.e.31", "a share could not be unwrapped");
			rc = ET_OK;
			goto out;
		}
	}
	rc = crypto_threshold_combine(hdr, s->idx, (const unsigned char (*)[CRYPTO_AGE_FILE_KEY_LEN])shares,
				      s->m, fk);
	if (rc == ET_ESEALER) {
		verdict(b, true, "cn.e.31", "the shares do not combine to the file key");
		rc = ET_OK;
	} else if (rc) {
		verdict(b, false, "cn.e.31", "the shares could not be combined");
		rc = ET_OK;
	}
out:
	crypto_wipe(shares, sizeof shares);
	crypto_age_header_free(hdr);
	free(head);
	return rc;
}

/* Where a decrypted attachment goes: hashed and counted, and handed to the
 * keep's sink if there is one (bounded memory: chunk by chunk). */
struct att_sink {
	struct crypto_sha256 *h;
	uint64_t n;
	const struct bid_keep *keep;
	void *kh;
};

static int att_write(void *ctx, const unsigned char *b, size_t n)
{
	struct att_sink *a = ctx;

	crypto_sha256_update(a->h, b, n);
	a->n += n;
	return a->kh ? a->keep->att_write(a->kh, b, n) : ET_OK;
}

static int decrypt_verdict(struct obid *b, const struct bid_part_ref *pr, uint32_t part,
			   struct fd_io *iop, int drc, struct et_buf *xml, unsigned char xml_sha[32],
			   unsigned char h[32]);

/* Decrypt part `part` (1-based) of b with file key fk from fd (at its
 * start), streaming: part 1 into xml (at most BID_XML_MAX bytes), an
 * attachment into nothing (its payload authenticated chunk by chunk, in
 * bounded memory). The stored bytes are hashed on the way and must be the
 * signed ciphertext. A verdict is set for a failure that is or is not the
 * bidder's; other errors (I/O, memory) are returned. */
static int decrypt_part(struct obid *b, const struct bid_part_ref *pr, uint32_t part, int fd,
			const unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN], struct et_buf *xml,
			unsigned char xml_sha[32], const struct bid_keep *keep)
{
	struct fd_io io = { fd, NULL };
	struct att_sink as = { NULL, 0, keep, NULL };
	unsigned char h[32];
	int rc, drc;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return et_fail(ET_EIO);
	if (!(io.h = crypto_sha256_new()))
		return et_fail(ET_ENOMEM);
	if (part > 1) {
		if (!(as.h = crypto_sha256_new())) {
			crypto_sha256_free(io.h);
			return et_fail(ET_ENOMEM);
		}
		if (keep && keep->att_begin && keep->att_write && keep->att_commit && keep->att_abort &&
		    (rc = keep->att_begin(keep->ctx, &as.kh))) {
			crypto_sha256_free(as.h);
			crypto_sha256_free(io.h);
			return rc;
		}
	}
	drc = part == 1 ? crypto_age_decrypt_with_file_key(fk, fd_read, &io, buf_write, xml)
			: crypto_age_decrypt_with_file_key(fk, fd_read, &io, att_write, &as);
	rc = decrypt_verdict(b, pr, part, &io, drc, xml, xml_sha, h);
	if (part > 1) {
		if (!rc && !b->status) {
			crypto_sha256_final(as.h, b->att[part - 1].sha256);
			as.h = NULL;
			b->att[part - 1].size = as.n;
			if (as.kh) {
				rc = keep->att_commit(as.kh, b->att[part - 1].sha256);
				as.kh = NULL;
			}
		}
		if (as.kh)
			keep->att_abort(as.kh);
		if (as.h)
			crypto_sha256_free(as.h);
	}
	return rc;
}

/* decrypt_part's judgement once decryption returned drc: hash the rest of
 * the stored bytes and tell a changed store from a bad payload. */
static int decrypt_verdict(struct obid *b, const struct bid_part_ref *pr, uint32_t part,
			   struct fd_io *iop, int drc, struct et_buf *xml, unsigned char xml_sha[32],
			   unsigned char h[32])
{
	struct fd_io io = *iop;
	int rc;

	if (drc == ET_EIO || drc == ET_ENOMEM) {
		crypto_sha256_free(io.h);
		return drc;
	}
	{
		/* hash the rest, whatever decryption said (nothing is left of a
		 * well-formed file), so that a bad payload is told apart from a
		 * changed store */
		unsigned char tmp[4096];
		size_t got = 0;
		do {
			if ((rc = fd_read(&io, tmp, sizeof tmp, &got))) {
				crypto_sha256_free(io.h);
				return rc;
			}
		} while (got);
	}
	crypto_sha256_final(io.h, h);
	if (memcmp(h, pr->sha256, 32)) {
		verdict(b, false, "cn.e.31", part == 1 ? "the stored ciphertext is not the one signed"
						       : "a stored attachment is not the one signed");
		return ET_OK;
	}
	if (drc) {
		char why[96];
		if (part == 1)
			verdict(b, true, "cn.e.31", drc == ET_ELIMIT ? "bid.xml is too large"
								      : "the sealed bid.xml does not decrypt");
		else if (snprintf(why, sizeof why, "a sealed attachment (part %u) does not decrypt",
				  (unsigned)part) > 0)
			verdict(b, true, "cn.e.31", why);
		return ET_OK;
	}
	if (part == 1)
		crypto_sha256(xml->data, xml->len, xml_sha);
	return ET_OK;
}

/* Check and open one bid; sets b->status. Every part is unwrapped,
 * combined with every released key and decrypted: part 1 (bid.xml) kept
 * for the record, each attachment's payload authenticated to its end
 * (all or none: one part that fails revokes or withdraws the whole bid).
 * Returns an error only for a system failure (then nothing is opened). */
static int open_bid(const struct snap *s, const struct bid_blobs *blobs,
		    const struct tender_record *rec, struct obid *b)
{
	struct bid_manifest m;
	struct tender_diag xd;
	struct et_buf xml;
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN];
	int rc = ET_OK, fd = -1;

	et_buf_init(&xml, BID_XML_MAX);
	b->status = NULL;
	if (bid_manifest_parse(b->manifest, strlen(b->manifest), &m, NULL) ||
	    bid_manifest_verify(&m, b->signer) || strcmp(m.bid, b->bid) || strcmp(m.org, b->org)) {
		verdict(b, false, "cn.e.31", "the stored manifest does not verify");
		goto out;
	}
	b->nparts = m.nparts;
	for (size_t i = 0; i < m.nparts; i++) {
		if ((rc = part_key(s, blobs, b, &m.parts[i], (uint32_t)(i + 1), &fd, fk)) || b->status)
			goto out;
		rc = decrypt_part(b, &m.parts[i], (uint32_t)(i + 1), fd, fk, &xml, b->xml_sha256,
				  s->keep);
		crypto_wipe(fk, sizeof fk);
		close(fd);
		fd = -1;
		if (rc || b->status)
			goto out;
	}
	if (bid_xml_parse(xml.data, xml.len, &b->doc, &xd)) {
		/* a fixed text: the validator's message may quote the bid */
		char why[96];
		int w = snprintf(why, sizeof why,
				 "bid.xml is malformed or not valid against the bid XSD (line %ld)",
				 xd.line);
		verdict(b, true, strcmp(xd.rule, "et.bid.lots") ? "et.bid.xml" : "et.bid.lots",
			w > 0 && (size_t)w < sizeof why ? why : "bid.xml is not valid");
		goto out;
	}
	if (strcmp(b->doc.tender, s->tender) || strcmp(b->doc.bid, b->bid) ||
	    strcmp(b->doc.org, b->org)) {
		verdict(b, true, "et.bid.identity", "bid.xml names another tender, bid or bidder");
		goto out;
	}
	for (size_t i = 0; i < b->doc.noffers; i++)
		if (!tender_record_lot_by_id(rec, b->doc.offers[i].lot)) {
			verdict(b, true, "et.bid.lots", "an offer names a lot the tender does not have");
			goto out;
		}
	/* an opened bid's bid.xml, kept (public from now on, like the record) */
	if (s->keep && s->keep->put && (rc = s->keep->put(s->keep->ctx, xml.data, xml.len,
							    b->xml_sha256)))
		goto out;
	b->status = "opened";
	b->rule = "";
	b->cause[0] = 0;
out:
	if (fd >= 0)
		close(fd);
	crypto_wipe(fk, sizeof fk);
	if (xml.data)
		crypto_wipe(xml.data, xml.len);
	et_buf_free(&xml);
	return rc;
}

/* Open the sealed reference price (标底) like a one-part bid: combine its
 * file key with every released key, decrypt (hashing the stored bytes),
 * parse ref.txt and check the identity inside. Sets s->ref.status; returns
 * an error only for a system failure. */
static int open_reference(struct snap *s, const struct bid_blobs *blobs,
			  const struct tender_record *rec)
{
	struct obid *b = &s->ref;
	struct et_buf txt;
	unsigned char fk[CRYPTO_AGE_FILE_KEY_LEN];
	int rc, fd = -1;

	et_buf_init(&txt, BID_REFERENCE_MAX);
	b->status = NULL;
	if ((rc = part_key(s, blobs, b, &s->ref_part, 1, &fd, fk)) || b->status)
		goto out;
	rc = decrypt_part(b, &s->ref_part, 1, fd, fk, &txt, b->xml_sha256, NULL);
	if (rc || b->status) {
		if (!rc && strstr(b->cause, "bid.xml"))
			verdict(b, !strcmp(b->status, "revoked"), "cn.e.31",
				"the sealed reference price does not decrypt");
		goto out;
	}
	if (bid_reference_parse(txt.data, txt.len, &s->rdoc, NULL)) {
		verdict(b, true, "et.ref.format", "the reference price is not in its format");
		goto out;
	}
	if (strcmp(s->rdoc.tender, s->tender) || strcmp(s->rdoc.ref, b->bid) ||
	    strcmp(s->rdoc.org, b->org)) {
		verdict(b, true, "et.bid.identity", "ref.txt names another tender, reference or org");
		goto out;
	}
	for (size_t i = 0; i < s->rdoc.noffers; i++)
		if (!tender_record_lot_by_id(rec, s->rdoc.offers[i].lot)) {
			verdict(b, true, "et.bid.lots", "the reference names a lot the tender does not have");
			goto out;
		}
	b->status = "opened";
	b->rule = "";
	b->cause[0] = 0;
out:
	if (fd >= 0)
		close(fd);
	crypto_wipe(fk, sizeof fk);
	if (txt.data)
		crypto_wipe(txt.data, txt.len);
	et_buf_free(&txt);
	return rc;
}

struct open_cmd {
	const char *actor;
	struct snap *s;
	json_t *record;
	struct tender_diag *d;
};

static int open_command(struct audit_tx *tx, void *ctx)
{
	struct open_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	struct bd_state st8;
	sqlite3_stmt *st = NULL;
	int64_t live = -1;
	int rc;

	if (*c->actor) {
		struct tender_principal p;
		if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
			return rc;
		if (!(p.roles & (TENDER_ROLE_ADMIN | TENDER_ROLE_SUPERVISOR)))
			return tender_diag_set(c->d, ET_EDENIED, "et.auth.role",
					       "角色无权执行此操作",
					       "the actor's roles do not allow this", "open bids");
	}
	if ((rc = bd_state_load(db, c->s->tender, &st8)))
		return rc;
	if ((rc = audit_sql_prepare(db, &st, "SELECT count(*) FROM bd_bid WHERE tender = ?1 AND"
			     " status = 'live'", "t", c->s->tender)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		live = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (st8.opened || st8.unopened || st8.released != c->s->m ||
	    live != (int64_t)c->s->nbids)
		return tender_diag_set(c->d, ET_ECONFLICT, "et.open.changed", "开标期间状态已变化",
				       "the tender changed during the opening; open again", "%s",
				       c->s->tender);
	return bd_emit(tx, "bids.opened", c->actor, c->s->tender, c->record, false, NULL);
}

static json_t *record_json(const struct snap *s)
{
	json_t *bids = json_array(), *keys = json_array(), *rec = NULL;

	if (!bids || !keys)
		goto out;
	for (unsigned j = 0; j < s->m; j++)
		if (json_array_append_new(keys, json_integer(s->idx[j])))
			goto out;
	for (size_t i = 0; i < s->nbids; i++) {
		const struct obid *b = &s->bids[i];
		json_t *offers = json_array();
		bool opened = !strcmp(b->status, "opened");
		if (!offers)
			goto out;
		for (size_t j = 0; opened && j < b->doc.noffers; j++)
			if (json_array_append_new(offers, json_pack("{s:s, s:I, s:I}", "lot",
					b->doc.offers[j].lot, "price",
					(json_int_t)b->doc.offers[j].price_fen, "duration",
					(json_int_t)b->doc.offers[j].duration_days))) {
				json_decref(offers);
				goto out;
			}
		char xh[65] = "";
		json_t *atts = json_array();
		if (!atts) {
			json_decref(offers);
			goto out;
		}
		if (opened)
			et_hex_encode(b->xml_sha256, 32, xh);
		for (size_t j = 1; opened && j < b->nparts; j++) {
			char ah[65];
			et_hex_encode(b->att[j].sha256, 32, ah);
			if (json_array_append_new(atts, json_pack("{s:I, s:s, s:I, s:s}", "part",
					(json_int_t)(j + 1), "name", b->att[j].name, "size",
					(json_int_t)b->att[j].size, "sha256", ah))) {
				json_decref(offers);
				json_decref(atts);
				goto out;
			}
		}
		json_t *fields = json_array();
		if (!fields) {
			json_decref(offers);
			json_decref(atts);
			goto out;
		}
		/* the tender's opening fields, in its order, as the bid answers them
		 * ("" for a field the bid does not answer) */
		for (size_t j = 0; opened && s->rec && j < tender_record_field_count(s->rec); j++) {
			const struct tender_opening_field *tf = tender_record_field(s->rec, j);
			const char *val = "";
			for (size_t q = 0; q < b->doc.nfields; q++)
				if (!strcmp(b->doc.fields[q].id, tf->id))
					val = b->doc.fields[q].value;
			if (json_array_append_new(fields, json_pack("{s:s, s:s}", "id", tf->id, "value",
								    val))) {
				json_decref(offers);
				json_decref(atts);
				json_decref(fields);
				goto out;
			}
		}
		if (json_array_append_new(bids, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:o, s:o}",
							  "bid", b->bid, "org", b->org, "status",
							  b->status, "cause", b->cause, "rule",
							  b->rule, "deposit", b->deposit, "offers",
							  offers, "xml_sha256", xh, "attachments", atts,
							  "fields", fields)))
			goto out;
	}
	rec = json_pack("{s:s, s:O, s:O}", "tender", s->tender, "keys", keys, "bids", bids);
	if (rec) {
		/* the opening fields the tender names (id and label), read out per bid */
		json_t *tf = json_array();
		for (size_t j = 0; tf && s->rec && j < tender_record_field_count(s->rec); j++) {
			const struct tender_opening_field *f = tender_record_field(s->rec, j);
			if (json_array_append_new(tf, json_pack("{s:s, s:s}", "id", f->id, "label",
								f->label))) {
				json_decref(tf);
				tf = NULL;
			}
		}
		if (!tf || json_object_set_new(rec, "fields", tf)) {
			json_decref(rec);
			rec = NULL;
		}
	}
	if (rec && s->has_ref) {
		/* the reference price: shown per lot, never a bid */
		json_t *offers = json_array();
		bool opened = !strcmp(s->ref.status, "opened");
		char th[65] = "";
		for (size_t j = 0; offers && opened && j < s->rdoc.noffers; j++)
			if (json_array_append_new(offers, json_pack("{s:s, s:I}", "lot",
					s->rdoc.offers[j].lot, "price",
					(json_int_t)s->rdoc.offers[j].price_fen))) {
				json_decref(offers);
				offers = NULL;
			}
		if (opened)
			et_hex_encode(s->ref.xml_sha256, 32, th);
		if (!offers || json_object_set_new(rec, "reference", json_pack(
				"{s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "ref", s->ref.bid, "org",
				s->ref.org, "status", s->ref.status, "cause", s->ref.cause, "rule",
				s->ref.rule, "offers", offers, "txt_sha256", th))) {
			json_decref(rec);
			rec = NULL;
		}
	}
out:
	json_decref(bids);
	json_decref(keys);
	return rec;
}

int bid_open(struct audit_ledger *l, const struct bid_blobs *blobs, const char *actor,
	     const char *tender, struct tender_diag *d)
{
	return bid_open_keep(l, blobs, NULL, actor, tender, d);
}

int bid_open_keep(struct audit_ledger *l, const struct bid_blobs *blobs,
		  const struct bid_keep *keep, const char *actor, const char *tender,
		  struct tender_diag *d)
{
	struct snap *s = NULL;
	struct tender_record *rec = NULL;
	unsigned char *xml = NULL;
	size_t xml_len = 0;
	struct open_cmd c;
	int rc;

	tender_diag_clear(d);
	if (!l || !blobs || !blobs->open || !bd_id_ok(tender))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	if (!(s = calloc(1, sizeof *s)))
		return et_fail(ET_ENOMEM);
	s->tender = tender;
	s->d = d;
	s->keep = keep;
	if ((rc = audit_ledger_query(l, snap_fn, s)))
		goto out;
	if ((rc = tender_get(l, NULL, tender, &s->t, &xml, &xml_len)) ||
	    (rc = tender_record_parse(xml, xml_len, &rec, NULL))) {
		rc = et_fail(ET_EDB);
		goto out;
	}
	s->rec = rec;
	for (size_t i = 0; i < s->nbids; i++)
		if ((rc = open_bid(s, blobs, rec, &s->bids[i])))
			goto out;
	if (s->has_ref && (rc = open_reference(s, blobs, rec)))
		goto out;
	c = (struct open_cmd){ actor ? actor : "", s, record_json(s), d };
	if (!c.record) {
		rc = et_fail(ET_ENOMEM);
		goto out;
	}
	rc = bd_submit(l, open_command, &c, NULL, d);
	json_decref(c.record);
out:
	tender_record_free(rec);
	free(xml);
	snap_free(s);
	free(s);
	return rc;
}

/* ---- the opening window ---------------------------------------------------- */

struct unopened_cmd {
	const char *actor, *tender;
	struct tender_diag *d;
};

static int unopened_command(struct audit_tx *tx, void *ctx)
{
	struct unopened_cmd *c = ctx;
	sqlite3 *db = audit_tx_db(tx);
	const struct tender_profile *prof = NULL;
	struct tender_info t;
	struct bd_state s;
	int64_t window, now = audit_tx_time(tx);
	json_t *pl;
	int rc;

	if (*c->actor) {
		struct tender_principal p;
		if ((rc = tender_db_actor(db, c->actor, &p, c->d)))
			return rc;
		if (!(p.roles & (TENDER_ROLE_ADMIN | TENDER_ROLE_SUPERVISOR)))
			return tender_diag_set(c->d, ET_EDENIED, "et.auth.role",
					       "角色无权执行此操作",
					       "the actor's roles do not allow this", "fail an opening");
	}
	if ((rc = tender_db_tender(db, c->tender, &t, c->d)) || (rc = bd_state_load(db, c->tender, &s)))
		return rc;
	if (!s.closed || s.failed || s.opened || s.unopened)
		return tender_diag_set(c->d, ET_ESTATE, "et.open.stage", "当前阶段不能宣告开标失败",
				       "the opening cannot fail in the tender's phase", "%s", c->tender);
	if (s.released >= t.k)
		return tender_diag_set(c->d, ET_ESTATE, "et.open.keys", "密钥已足，应开标",
				       "enough keys are out: open the bids", "%u of %u", s.released, t.k);
	if (tender_rules_lookup(t.profile, t.profile_version, &prof))
		return et_fail(ET_EDB);
	window = tender_rules_open_window(prof);
	if (now < s.closed_us + window)
		return tender_diag_set(c->d, ET_ESTATE, "et.open.window", "开标密钥释放期限未满",
				       "the opening window has not passed", "%s", c->tender);
	pl = json_pack("{s:s, s:I, s:I, s:I, s:I, s:s}", "tender", c->tender, "closed",
		       (json_int_t)s.closed_us, "window", (json_int_t)window, "released",
		       (json_int_t)s.released, "k", (json_int_t)t.k, "rule", "et.open.window");
	rc = bd_emit(tx, "opening.failed", c->actor, c->tender, pl, false, NULL);
	json_decref(pl);
	return rc;
}

int bid_open_fail(struct audit_ledger *l, const char *actor, const char *tender,
		  struct tender_diag *d)
{
	struct unopened_cmd c = { actor ? actor : "", tender, d };

	tender_diag_clear(d);
	if (!l || !bd_id_ok(tender))
		return tender_diag_set(d, ET_EINVAL, NULL, "参数无效", "invalid argument", NULL);
	return bd_submit(l, unopened_command, &c, NULL, d);
}
