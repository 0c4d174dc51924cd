/* tests/client/craft_part.c — makes the malformed sealed parts a dishonest
 * or careless sealer could upload, for tests/client/e2e_opening.sh (a test
 * helper, never part of the client):
 *
 *   craft_part bidxml TENDER BID ORG LOT PRICE_FEN DAYS OUT
 *       bid.xml for a chosen bid id (so that parts can be sealed to it);
 *   craft_part nocombine K TENDER BID PART IN OUT RECIPIENT...
 *       IN sealed k of n twice (two file keys) and the header of the first
 *       given the stanzas 2..n of the second: every stanza is well formed
 *       and opens under its holder's key, but no k shares combine to the
 *       key the header MAC was made with;
 *   craft_part moved K TENDER BID PART IN FROM OUT RECIPIENT...
 *       IN sealed k of n for BID, with holder 1's stanza replaced by
 *       holder 1's stanza of FROM (another bid's sealed part).
 * Both pass the keyless check at upload (exactly the tender's threshold
 * stanzas: indices, k, n and holder keys) and fail only at the opening. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bidding/bidding.h"
#include "crypto/crypto.h"

static int die(const char *what)
{
	fprintf(stderr, "craft_part: %s\n", what);
	return 1;
}

static int seal(unsigned k, unsigned n, const char *tender, const char *bid, unsigned part,
		unsigned char (*pubs)[32], const char *in, const char *out)
{
	struct crypto_threshold_binding b = { tender, bid, part };
	struct crypto_age_recipient *r = NULL;
	int ifd, ofd, rc;

	if (crypto_threshold_recipient_new(&b, k, n, (const unsigned char (*)[32])pubs, &r))
		return -1;
	ifd = open(in, O_RDONLY);
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = ifd < 0 || ofd < 0 ? -1 : crypto_age_encrypt_fd((const struct crypto_age_recipient *const *)&r, 1,
							    false, ifd, ofd);
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0)
		close(ofd);
	crypto_age_recipient_free(r);
	return rc ? -1 : 0;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;

	if (et_read_file(path, 1u << 26, &buf, len))
		return NULL;
	return buf;
}

/* The header's stanzas: start offsets of each "-> " line (at most 17), the
 * offset of the "--- " line. */
struct hdr {
	size_t st[17], nst, mac;
};

static int scan_header(const unsigned char *f, size_t len, struct hdr *h)
{
	size_t off = 0;

	memset(h, 0, sizeof *h);
	while (off < len) {
		const unsigned char *nl = memchr(f + off, '\n', len - off);
		if (!nl)
			return -1;
		if (len - off > 3 && !memcmp(f + off, "-> ", 3)) {
			if (h->nst == 17)
				return -1;
			h->st[h->nst++] = off;
		} else if (len - off > 4 && !memcmp(f + off, "--- ", 4)) {
			h->mac = off;
			return 0;
		}
		off = (size_t)(nl - f) + 1;
	}
	return -1;
}

static size_t stanza_end(const struct hdr *h, size_t i)
{
	return i + 1 < h->nst ? h->st[i + 1] : h->mac;
}

/* out = a's bytes with a's stanza i replaced by b's stanza i, for each i in
 * [from, to). */
static int splice_header(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
		  size_t from, size_t to, const char *out)
{
	struct hdr ha, hb;
	FILE *f;
	size_t pos = 0;

	if (scan_header(a, alen, &ha) || scan_header(b, blen, &hb) || ha.nst != hb.nst || to > ha.nst)
		return -1;
	if (!(f = fopen(out, "wb")))
		return -1;
	for (size_t i = 0; i < ha.nst; i++) {
		if (i < from || i >= to)
			continue;
		fwrite(a + pos, 1, ha.st[i] - pos, f);
		fwrite(b + hb.st[i], 1, stanza_end(&hb, i) - hb.st[i], f);
		pos = stanza_end(&ha, i);
	}
	fwrite(a + pos, 1, alen - pos, f);
	return fclose(f) ? -1 : 0;
}

/* A decimal argument in [1, max]; 0 if it is not one. */
static long long num(const char *s, long long max)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *s && !*end && v >= 1 && v <= max ? v : 0;
}

static int pubs_of(int argc, char **argv, int first, unsigned char (*pubs)[32], unsigned *n)
{
	*n = 0;
	for (int i = first; i < argc; i++) {
		char *hrp = NULL;
		unsigned char *d = NULL;
		size_t len = 0;

		if (*n == ET_THRESHOLD_MAX_HOLDERS || crypto_bech32_decode(argv[i], &hrp, &d, &len) ||
		    strcmp(hrp, "age") || len != 32) {
			free(hrp);
			free(d);
			return -1;
		}
		memcpy(pubs[(*n)++], d, 32);
		free(hrp);
		free(d);
	}
	return *n >= 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned char pubs[ET_THRESHOLD_MAX_HOLDERS][32];
	unsigned k, n, part;
	char tmp1[4096], tmp2[4096];
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int rc = 1;

	if (argc == 9 && !strcmp(argv[1], "bidxml")) {
		struct bid_document doc;
		struct et_buf x;
		FILE *f;

		memset(&doc, 0, sizeof doc);
		if (snprintf(doc.tender, sizeof doc.tender, "%s", argv[2]) >= (int)sizeof doc.tender ||
		    snprintf(doc.bid, sizeof doc.bid, "%s", argv[3]) >= (int)sizeof doc.bid ||
		    snprintf(doc.org, sizeof doc.org, "%s", argv[4]) >= (int)sizeof doc.org ||
		    snprintf(doc.offers[0].lot, sizeof doc.offers[0].lot, "%s", argv[5]) >=
		    (int)sizeof doc.offers[0].lot)
			return die("argument too long");
		doc.offers[0].price_fen = num(argv[6], INT64_MAX);
		doc.offers[0].duration_days = num(argv[7], 36500);
		doc.noffers = 1;
		et_buf_init(&x, 1u << 20);
		if (bid_xml_write(&doc, &x) || !(f = fopen(argv[8], "wb")))
			return die("bid.xml");
		fwrite(x.data, 1, x.len, f);
		fclose(f);
		et_buf_free(&x);
		return 0;
	}
	if (argc < 10 || (strcmp(argv[1], "nocombine") && strcmp(argv[1], "moved")))
		return die("usage: see the head of tests/client/craft_part.c");
	k = (unsigned)num(argv[2], ET_THRESHOLD_MAX_HOLDERS);
	part = (unsigned)num(argv[5], BID_MAX_PARTS);
	if (!k || !part)
		return die("K and PART are small positive numbers");
	bool moved = !strcmp(argv[1], "moved");
	const char *in = argv[6], *out = argv[moved ? 8 : 7];
	if (pubs_of(argc, argv, moved ? 9 : 8, pubs, &n))
		return die("recipients");
	if (snprintf(tmp1, sizeof tmp1, "%s.1", out) >= (int)sizeof tmp1 ||
	    snprintf(tmp2, sizeof tmp2, "%s.2", out) >= (int)sizeof tmp2)
		return die("path too long");
	if (seal(k, n, argv[3], argv[4], part, pubs, in, tmp1))
		return die("seal");
	if (moved) {
		if (!(a = slurp(tmp1, &alen)) || !(b = slurp(argv[7], &blen)) ||
		    splice_header(a, alen, b, blen, 0, 1, out))
			goto out;
	} else {
		if (seal(k, n, argv[3], argv[4], part, pubs, in, tmp2) || !(a = slurp(tmp1, &alen)) ||
		    !(b = slurp(tmp2, &blen)) || splice_header(a, alen, b, blen, 1, n, out))
			goto out;
	}
	rc = 0;
out:
	unlink(tmp1);
	unlink(tmp2);
	free(a);
	free(b);
	return rc ? die("splice") : 0;
}
