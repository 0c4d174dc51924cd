/* client/seal.c — `etender seal`, `etender unseal` and `etender share`:
 * age v1 files to standard X25519 recipients and/or a tender's k-of-n key
 * holders, opened with identities, with k holders' keys at once, or by hand
 * (each holder unwraps its share, then the shares are combined). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"

#define MAX_RECIPIENTS 256

static const char seal_usage[] =
	"用法 / usage: etender seal [-r RECIPIENT]... [-R FILE] [--holders FILE --threshold K\n"
	"                         --tender ID --bid ID [--part N]] [-a] [-o OUT] [IN]\n"
	"  将 IN（默认标准输入）加密为 age v1 文件。\n"
	"  Encrypts IN (default stdin) to an age v1 file.\n"
	"  -r RECIPIENT   an age1… X25519 recipient (repeatable)\n"
	"  -R FILE        a file of recipients, one per line ('#' comments)\n"
	"  --holders FILE the tender's key holders' per-tender recipients, one per line,\n"
	"                 line i = holder i; the file key is split K-of-n among them\n"
	"  --threshold K  how many holders must act to open (2 <= K <= n)\n"
	"  --tender ID --bid ID --part N   what the holders' stanzas are bound to\n"
	"  -a, --armor    PEM-style ASCII armor\n"
	"  -o OUT         output file (written completely or not at all); default stdout\n";

static const char unseal_usage[] =
	"用法 / usage: etender unseal -i IDENTITY_FILE [-i ...] [-o OUT] [IN]\n"
	"       etender unseal --tender ID --bid ID [--part N] --holder-key I=FILE... [-o OUT] [IN]\n"
	"  解密 age v1 文件。可读取 age-keygen 和 etender keygen 生成的身份文件。\n"
	"  Decrypts an age v1 file. Reads identity files from age-keygen and etender keygen.\n"
	"  With --holder-key (holder index I, per-tender key FILE) given for at least K\n"
	"  holders, the shares are unwrapped and combined, and the header MAC confirms it.\n";

static const char share_usage[] =
	"用法 / usage: etender share unwrap --tender ID --bid ID [--part N] --index I -i HOLDER_KEY\n"
	"                              -o SHARE_FILE [IN]\n"
	"       etender share combine --share FILE [--share FILE]... [-o OUT] [IN]\n"
	"  unwrap: 开标密钥保管人 I 用其本项目密钥解出自己的份额。\n"
	"          Key holder I unwraps its own share of IN's file key (written 0600).\n"
	"  combine: 合成至少 K 个份额，以文件头 MAC 验证后解密 IN。\n"
	"          Combines K or more shares, checks them against IN's header MAC, and\n"
	"          decrypts IN.\n";

static int fd_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	int fd = *(int *)ctx;

	for (;;) {
		ssize_t r = read(fd, buf, cap);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return et_fail(ET_EIO);
		*got = (size_t)r;
		return ET_OK;
	}
}

static int fd_write(void *ctx, const unsigned char *buf, size_t n)
{
	return et_write_all(*(int *)ctx, buf, n);
}

static int add_recipient(struct crypto_age_recipient **rs, size_t *nr, const char *s)
{
	int rc;

	if (*nr >= MAX_RECIPIENTS)
		return ET_ELIMIT;
	rc = crypto_age_recipient_parse(s, &rs[*nr]);
	if (rc == ET_OK)
		(*nr)++;
	return rc;
}

/* Lines of a recipients file (comments, blanks skipped), each passed to fn. */
static int each_line(const char *path, int (*fn)(void *ctx, const char *line), void *ctx)
{
	unsigned char *d = NULL;
	size_t len;
	char *line, *save = NULL;
	int rc;

	rc = et_read_file(path, 1u << 20, &d, &len);
	if (rc)
		return rc;
	for (line = strtok_r((char *)d, "\n", &save); line && rc == ET_OK;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\r' || line[l - 1] == ' '))
			line[--l] = 0;
		if (l == 0 || line[0] == '#')
			continue;
		rc = fn(ctx, line);
	}
	free(d);
	return rc;
}

struct rlist {
	struct crypto_age_recipient **rs;
	size_t *nr;
};

static int recip_line(void *ctx, const char *line)
{
	struct rlist *l = ctx;
	return add_recipient(l->rs, l->nr, line);
}

struct hlist {
	unsigned char (*pubs)[CRYPTO_X25519_LEN];
	unsigned n;
};

static int holder_line(void *ctx, const char *line)
{
	struct hlist *h = ctx;
	char *hrp = NULL;
	unsigned char *d = NULL;
	size_t len = 0;
	int rc;

	if (h->n >= ET_THRESHOLD_MAX_HOLDERS)
		return ET_ELIMIT;
	rc = crypto_bech32_decode(line, &hrp, &d, &len);
	if (rc == ET_OK && (strcmp(hrp, "age") != 0 || len != CRYPTO_X25519_LEN))
		rc = ET_EINVAL;
	if (rc == ET_OK)
		memcpy(h->pubs[h->n++], d, CRYPTO_X25519_LEN);
	free(hrp);
	free(d);
	return rc;
}

static int parse_part(const char *s, uint32_t *part)
{
	uint64_t v;

	if (et_parse_u64(s, strlen(s), &v) != ET_OK || v == 0 || v > UINT32_MAX)
		return ET_EINVAL;
	*part = (uint32_t)v;
	return ET_OK;
}

static bool valid_id(const char *s)
{
	return s && *s && strlen(s) <= ET_ID_MAX_LEN && !strpbrk(s, " \n\r\t");
}

int client_cmd_seal(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "holders", required_argument, NULL, 'H' },
		{ "threshold", required_argument, NULL, 'k' },
		{ "tender", required_argument, NULL, 't' },
		{ "bid", required_argument, NULL, 'b' },
		{ "part", required_argument, NULL, 'p' },
		{ "armor", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct crypto_age_recipient *rs[MAX_RECIPIENTS + 1];
	unsigned char holder_pubs[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_X25519_LEN];
	struct hlist hl = { holder_pubs, 0 };
	struct rlist rl;
	struct crypto_threshold_binding bind = { NULL, NULL, 1 };
	const char *holders = NULL, *outp = NULL, *inp = NULL;
	struct client_out out;
	bool armor = false, out_open = false;
	uint64_t k = 0;
	size_t nr = 0, i;
	int c, rc = ET_OK, ret = 1, in = -1;

	rl.rs = rs;
	rl.nr = &nr;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:R:ao:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rc = add_recipient(rs, &nr, optarg);
			if (rc) {
				client_error(rc, "-r %s", optarg);
				goto out;
			}
			break;
		case 'R':
			rc = each_line(optarg, recip_line, &rl);
			if (rc) {
				client_error(rc, "-R %s", optarg);
				goto out;
			}
			break;
		case 'H': holders = optarg; break;
		case 'k':
			if (et_parse_u64(optarg, strlen(optarg), &k) != ET_OK) {
				ret = client_usage_error(seal_usage, "--threshold %s", optarg);
				goto out;
			}
			break;
		case 't': bind.tender_id = optarg; break;
		case 'b': bind.bid_id = optarg; break;
		case 'p':
			if (parse_part(optarg, &bind.part) != ET_OK) {
				ret = client_usage_error(seal_usage, "--part %s", optarg);
				goto out;
			}
			break;
		case 'a': armor = true; break;
		case 'o': outp = optarg; break;
		case 'h': fputs(seal_usage, stdout); ret = 0; goto out;
		default: ret = client_usage_error(seal_usage, "未知选项 / unknown option"); goto out;
		}
	}
	if (optind < argc)
		inp = argv[optind++];
	if (optind != argc) {
		ret = client_usage_error(seal_usage, "多余的参数 / unexpected argument");
		goto out;
	}
	if (holders) {
		if (!k || !valid_id(bind.tender_id) || !valid_id(bind.bid_id)) {
			ret = client_usage_error(seal_usage,
				"--holders 需要 --threshold、--tender、--bid / --holders needs --threshold, --tender and --bid");
			goto out;
		}
		rc = each_line(holders, holder_line, &hl);
		if (rc) {
			client_error(rc, "--holders %s", holders);
			goto out;
		}
		if (k < 2 || k > hl.n) {
			ret = client_usage_error(seal_usage, "门限须满足 2 <= K <= n / need 2 <= K <= n (n = %u)", hl.n);
			goto out;
		}
		if (nr >= MAX_RECIPIENTS) {
			client_error(ET_ELIMIT, "recipients");
			goto out;
		}
		rc = crypto_threshold_recipient_new(&bind, (unsigned)k, hl.n,
						    (const unsigned char (*)[CRYPTO_X25519_LEN])holder_pubs,
						    &rs[nr]);
		if (rc) {
			client_error(rc, "--holders %s", holders);
			goto out;
		}
		nr++;
	} else if (k || bind.tender_id || bind.bid_id) {
		ret = client_usage_error(seal_usage, "--threshold/--tender/--bid 需要 --holders / need --holders");
		goto out;
	}
	if (nr == 0) {
		ret = client_usage_error(seal_usage, "至少需要一个接收方 / at least one recipient is required");
		goto out;
	}
	in = client_in_open(inp);
	if (in < 0) {
		client_error(ET_ENOTFOUND, "%s", inp);
		goto out;
	}
	rc = client_out_open(&out, outp, 0644);
	if (rc) {
		client_error(rc, "%s", outp);
		goto out;
	}
	out_open = true;
	rc = crypto_age_encrypt((const struct crypto_age_recipient *const *)rs, nr, armor, fd_read,
				&in, fd_write, &out.fd);
	if (rc == ET_OK)
		rc = client_out_finish(&out);
	else
		client_out_abort(&out);
	out_open = false;
	if (rc) {
		client_error(rc, "%s", inp ? inp : "stdin");
		goto out;
	}
	ret = 0;
out:
	if (out_open)
		client_out_abort(&out);
	if (in > 2)
		close(in);
	for (i = 0; i < nr; i++)
		crypto_age_recipient_free(rs[i]);
	return ret;
}

/* Load a holder's per-tender key file: its first age identity's raw key. */
static int load_holder_key(const char *path, unsigned char priv[CRYPTO_X25519_LEN])
{
	struct client_identity id;
	int rc = client_identity_load(path, &id);

	if (rc)
		return rc;
	if (!id.has_x25519)
		rc = ET_EINVAL;
	else
		memcpy(priv, id.x25519_priv, CRYPTO_X25519_LEN);
	client_identity_free(&id);
	return rc;
}

static int decrypt_to(const struct crypto_age_identity *const *ids, size_t nid, const char *inp,
		      const char *outp)
{
	struct client_out out;
	int in, rc;

	in = client_in_open(inp);
	if (in < 0)
		return client_error(ET_ENOTFOUND, "%s", inp);
	rc = client_out_open(&out, outp, 0600);
	if (rc) {
		if (in > 2)
			close(in);
		return client_error(rc, "%s", outp);
	}
	rc = crypto_age_decrypt(ids, nid, fd_read, &in, fd_write, &out.fd);
	if (rc == ET_OK)
		rc = client_out_finish(&out);
	else
		client_out_abort(&out);
	if (in > 2)
		close(in);
	if (rc)
		return client_error(rc, "%s", inp ? inp : "stdin");
	return 0;
}

int client_cmd_unseal(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "holder-key", required_argument, NULL, 'K' },
		{ "tender", required_argument, NULL, 't' },
		{ "bid", required_argument, NULL, 'b' },
		{ "part", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct client_identity ids[16];
	size_t nids = 0, i, nall = 0;
	struct crypto_age_identity **all = NULL, *th = NULL;
	unsigned indices[ET_THRESHOLD_MAX_HOLDERS];
	unsigned char privs[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_X25519_LEN];
	unsigned nh = 0;
	struct crypto_threshold_binding bind = { NULL, NULL, 1 };
	const char *outp = NULL, *inp = NULL;
	int c, rc, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (nids >= 16) {
				client_error(ET_ELIMIT, "-i");
				goto out;
			}
			rc = client_identity_load(optarg, &ids[nids]);
			if (rc) {
				client_error(rc, "%s", optarg);
				goto out;
			}
			nids++;
			break;
		case 'K': {
			char *eq = strchr(optarg, '=');
			uint64_t idx;
			if (!eq || et_parse_u64(optarg, (size_t)(eq - optarg), &idx) != ET_OK || idx == 0 ||
			    idx > ET_THRESHOLD_MAX_HOLDERS || nh >= ET_THRESHOLD_MAX_HOLDERS) {
				ret = client_usage_error(unseal_usage, "--holder-key %s", optarg);
				goto out;
			}
			rc = load_holder_key(eq + 1, privs[nh]);
			if (rc) {
				client_error(rc, "%s", eq + 1);
				goto out;
			}
			indices[nh++] = (unsigned)idx;
			break;
		}
		case 't': bind.tender_id = optarg; break;
		case 'b': bind.bid_id = optarg; break;
		case 'p':
			if (parse_part(optarg, &bind.part) != ET_OK) {
				ret = client_usage_error(unseal_usage, "--part %s", optarg);
				goto out;
			}
			break;
		case 'o': outp = optarg; break;
		case 'h': fputs(unseal_usage, stdout); ret = 0; goto out;
		default: ret = client_usage_error(unseal_usage, "未知选项 / unknown option"); goto out;
		}
	}
	if (optind < argc)
		inp = argv[optind++];
	if (optind != argc) {
		ret = client_usage_error(unseal_usage, "多余的参数 / unexpected argument");
		goto out;
	}
	if (nh && (!valid_id(bind.tender_id) || !valid_id(bind.bid_id))) {
		ret = client_usage_error(unseal_usage, "--holder-key 需要 --tender 和 --bid / needs --tender and --bid");
		goto out;
	}
	if (!nids && !nh) {
		ret = client_usage_error(unseal_usage, "需要 -i 或 --holder-key / -i or --holder-key is required");
		goto out;
	}
	if (nh) {
		rc = crypto_threshold_identity_new(&bind, indices,
						   (const unsigned char (*)[CRYPTO_X25519_LEN])privs, nh, &th);
		if (rc) {
			client_error(rc, "--holder-key");
			goto out;
		}
	}
	for (i = 0; i < nids; i++)
		nall += ids[i].nage;
	all = calloc(nall + 1, sizeof *all);
	if (!all) {
		client_error(ET_ENOMEM, NULL);
		goto out;
	}
	nall = 0;
	for (i = 0; i < nids; i++) {
		size_t j;
		for (j = 0; j < ids[i].nage; j++)
			all[nall++] = ids[i].age[j];
	}
	if (th)
		all[nall++] = th;
	ret = decrypt_to((const struct crypto_age_identity *const *)all, nall, inp, outp);
out:
	free(all);
	if (th)
		crypto_age_identity_free(th);
	for (i = 0; i < nids; i++)
		client_identity_free(&ids[i]);
	crypto_wipe(privs, sizeof privs);
	return ret;
}

/* ---- share unwrap / combine ---------------------------------------------- */

/* Reads the age header at the start of fd. *buf keeps every byte read
 * (header and maybe some payload) for replay into the decryptor. */
struct header_reader {
	int fd;
	unsigned char *buf;
	size_t len, pos;
};

static int read_header(struct header_reader *hr, struct crypto_age_header **hdr)
{
	size_t cap = ET_AGE_MAX_HEADER, hlen;
	int rc;

	hr->buf = malloc(cap);
	if (!hr->buf)
		return et_fail(ET_ENOMEM);
	hr->len = 0;
	hr->pos = 0;
	for (;;) {
		size_t got = 0;
		rc = fd_read(&hr->fd, hr->buf + hr->len, cap - hr->len, &got);
		if (rc)
			return rc;
		hr->len += got;
		rc = crypto_age_header_parse(hr->buf, hr->len, hdr, &hlen);
		if (rc == ET_OK)
			return ET_OK;
		if (got == 0 || hr->len == cap)
			return rc;
	}
}

static int replay_read(void *ctx, unsigned char *buf, size_t cap, size_t *got)
{
	struct header_reader *hr = ctx;

	if (hr->pos < hr->len) {
		size_t n = hr->len - hr->pos < cap ? hr->len - hr->pos : cap;
		memcpy(buf, hr->buf + hr->pos, n);
		hr->pos += n;
		*got = n;
		return ET_OK;
	}
	return fd_read(&hr->fd, buf, cap, got);
}

/* Share file: text lines "etender-share/v1", "tender T", "bid B", "part N",
 * "index I", "share HEX". Secret: created 0600. */
static int write_share(const char *path, const struct crypto_threshold_binding *b, unsigned index,
		       const unsigned char share[CRYPTO_AGE_FILE_KEY_LEN])
{
	char hex[2 * CRYPTO_AGE_FILE_KEY_LEN + 1];
	struct et_buf t;
	int rc;

	et_buf_init(&t, 4096);
	et_hex_encode(share, CRYPTO_AGE_FILE_KEY_LEN, hex);
	rc = et_buf_printf(&t, "etender-share/v1\ntender %s\nbid %s\npart %u\nindex %u\nshare %s\n",
			   b->tender_id, b->bid_id, b->part, index, hex);
	if (rc == ET_OK)
		rc = crypto_write_secret_file(path, t.data, t.len);
	crypto_wipe(hex, sizeof hex);
	et_buf_free(&t);
	return rc;
}

struct share_file {
	char tender[ET_ID_MAX_LEN + 1];
	char bid[ET_ID_MAX_LEN + 1];
	unsigned part;
	unsigned index;
	unsigned char share[CRYPTO_AGE_FILE_KEY_LEN];
};

static int read_share(const char *path, struct share_file *s)
{
	unsigned char *d = NULL;
	size_t len;
	char hex[2 * CRYPTO_AGE_FILE_KEY_LEN + 2];
	int rc, n = 0;

	rc = et_read_file(path, 4096, &d, &len);
	if (rc)
		return rc;
	/* %128s matches ET_ID_MAX_LEN */
	if (sscanf((char *)d, "etender-share/v1\ntender %128s\nbid %128s\npart %u\nindex %u\nshare %33s\n%n",
		   s->tender, s->bid, &s->part, &s->index, hex, &n) != 5 ||
	    (size_t)n != len || s->index == 0 || s->index > ET_THRESHOLD_MAX_HOLDERS ||
	    et_hex_decode(hex, s->share, CRYPTO_AGE_FILE_KEY_LEN) != ET_OK)
		rc = ET_EINVAL;
	crypto_wipe(hex, sizeof hex);
	crypto_wipe(d, len);
	free(d);
	return rc;
}

static int share_unwrap(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tender", required_argument, NULL, 't' }, { "bid", required_argument, NULL, 'b' },
		{ "part", required_argument, NULL, 'p' },   { "index", required_argument, NULL, 'n' },
		{ "identity", required_argument, NULL, 'i' }, { "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	struct crypto_threshold_binding bind = { NULL, NULL, 1 };
	const char *keyp = NULL, *outp = NULL, *inp = NULL;
	unsigned char priv[CRYPTO_X25519_LEN], share[CRYPTO_AGE_FILE_KEY_LEN];
	struct header_reader hr = { -1, NULL, 0, 0 };
	struct crypto_age_header *hdr = NULL;
	uint64_t index = 0;
	int c, rc, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': bind.tender_id = optarg; break;
		case 'b': bind.bid_id = optarg; break;
		case 'p':
			if (parse_part(optarg, &bind.part) != ET_OK)
				return client_usage_error(share_usage, "--part %s", optarg);
			break;
		case 'n':
			if (et_parse_u64(optarg, strlen(optarg), &index) != ET_OK || !index ||
			    index > ET_THRESHOLD_MAX_HOLDERS)
				return client_usage_error(share_usage, "--index %s", optarg);
			break;
		case 'i': keyp = optarg; break;
		case 'o': outp = optarg; break;
		case 'h': fputs(share_usage, stdout); return 0;
		default: return client_usage_error(share_usage, "未知选项 / unknown option");
		}
	}
	if (optind < argc)
		inp = argv[optind++];
	if (optind != argc || !keyp || !outp || !index || !valid_id(bind.tender_id) ||
	    !valid_id(bind.bid_id))
		return client_usage_error(share_usage,
			"需要 --tender --bid --index -i -o / --tender, --bid, --index, -i and -o are required");
	rc = load_holder_key(keyp, priv);
	if (rc)
		return client_error(rc, "%s", keyp);
	hr.fd = client_in_open(inp);
	if (hr.fd < 0) {
		client_error(ET_ENOTFOUND, "%s", inp);
		goto out;
	}
	rc = read_header(&hr, &hdr);
	if (rc) {
		client_error(rc, "%s", inp ? inp : "stdin");
		goto out;
	}
	rc = crypto_threshold_unwrap_share(hdr, &bind, (unsigned)index, priv, share);
	if (rc) {
		client_error(rc, "%s", inp ? inp : "stdin");
		goto out;
	}
	rc = write_share(outp, &bind, (unsigned)index, share);
	if (rc) {
		client_error(rc, "%s", outp);
		goto out;
	}
	ret = 0;
out:
	crypto_wipe(priv, sizeof priv);
	crypto_wipe(share, sizeof share);
	crypto_age_header_free(hdr);
	free(hr.buf);
	if (hr.fd > 2)
		close(hr.fd);
	return ret;
}

static int share_combine(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "share", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct share_file sf[ET_THRESHOLD_MAX_HOLDERS];
	unsigned indices[ET_THRESHOLD_MAX_HOLDERS];
	unsigned char shares[ET_THRESHOLD_MAX_HOLDERS][CRYPTO_AGE_FILE_KEY_LEN];
	unsigned char file_key[CRYPTO_AGE_FILE_KEY_LEN];
	unsigned ns = 0, i;
	const char *outp = NULL, *inp = NULL;
	struct header_reader hr = { -1, NULL, 0, 0 };
	struct crypto_age_header *hdr = NULL;
	struct client_out out;
	int c, rc, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (ns >= ET_THRESHOLD_MAX_HOLDERS) {
				client_error(ET_ELIMIT, "--share");
				goto out;
			}
			rc = read_share(optarg, &sf[ns]);
			if (rc) {
				client_error(rc, "%s", optarg);
				goto out;
			}
			if (ns && (strcmp(sf[ns].tender, sf[0].tender) || strcmp(sf[ns].bid, sf[0].bid) ||
				   sf[ns].part != sf[0].part)) {
				client_error(ET_EINVAL, "%s: 份额属于另一投标文件 / share belongs to another bid or part",
					     optarg);
				goto out;
			}
			for (i = 0; i < ns; i++)
				if (sf[i].index == sf[ns].index) {
					client_error(ET_EINVAL, "%s: 重复的份额 / duplicate share index %u", optarg,
						     sf[ns].index);
					goto out;
				}
			indices[ns] = sf[ns].index;
			memcpy(shares[ns], sf[ns].share, CRYPTO_AGE_FILE_KEY_LEN);
			ns++;
			break;
		case 'o': outp = optarg; break;
		case 'h': fputs(share_usage, stdout); ret = 0; goto out;
		default: ret = client_usage_error(share_usage, "未知选项 / unknown option"); goto out;
		}
	}
	if (optind < argc)
		inp = argv[optind++];
	if (optind != argc || ns < 2) {
		ret = client_usage_error(share_usage, "至少需要两个 --share / at least two --share are required");
		goto out;
	}
	hr.fd = client_in_open(inp);
	if (hr.fd < 0) {
		client_error(ET_ENOTFOUND, "%s", inp);
		goto out;
	}
	rc = read_header(&hr, &hdr);
	if (rc) {
		client_error(rc, "%s", inp ? inp : "stdin");
		goto out;
	}
	rc = crypto_threshold_combine(hdr, indices, (const unsigned char (*)[CRYPTO_AGE_FILE_KEY_LEN])shares,
				      ns, file_key);
	if (rc) {
		client_error(rc, "%s", inp ? inp : "stdin");
		goto out;
	}
	rc = client_out_open(&out, outp, 0600);
	if (rc) {
		client_error(rc, "%s", outp);
		goto out;
	}
	rc = crypto_age_decrypt_with_file_key(file_key, replay_read, &hr, fd_write, &out.fd);
	if (rc == ET_OK)
		rc = client_out_finish(&out);
	else
		client_out_abort(&out);
	if (rc) {
		client_error(rc, "%s", inp ? inp : "stdin");
		goto out;
	}
	ret = 0;
out:
	crypto_wipe(sf, sizeof sf);
	crypto_wipe(shares, sizeof shares);
	crypto_wipe(file_key, sizeof file_key);
	crypto_age_header_free(hdr);
	free(hr.buf);
	if (hr.fd > 2)
		close(hr.fd);
	return ret;
}

int client_cmd_share(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "unwrap"))
		return share_unwrap(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "combine"))
		return share_combine(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(share_usage, stdout);
		return 0;
	}
	return client_usage_error(share_usage, "需要子命令 unwrap 或 combine / expected 'unwrap' or 'combine'");
}
