/* client/keys.c — `etender keygen` (a person's X25519 + Ed25519 identity)
 * and `etender holder keygen` (a key holder's fresh per-tender X25519 key,
 * optionally signed with the holder's Ed25519 identity). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"

static const char keygen_usage[] =
	"用法 / usage: etender keygen [-o FILE]\n"
	"  生成身份密钥（X25519 用于密封，Ed25519 用于签名）并输出公钥。\n"
	"  Makes an identity (X25519 for sealing, Ed25519 for signing) and prints\n"
	"  its public recipient (age1…). Without -o the identity goes to stdout.\n"
	"  -o FILE   write the identity to FILE (created 0600, never overwritten)\n";

/* Build the identity file text; *out malloc'd (caller wipes and frees). */
static int identity_text(const char *title, const char *extra_comment, const char *age_secret,
			 const char *recipient, const unsigned char *sign_seed,
			 const unsigned char *sign_pub, struct et_buf *b)
{
	char ts[32], *sk = NULL, pubb64[64];
	int rc;

	et_clock_format_utc(et_clock_now_us(), ts);
	rc = et_buf_printf(b, "# %s\n# created: %s\n%s# public key: %s\n", title, ts,
			   extra_comment ? extra_comment : "", recipient);
	if (rc == ET_OK && sign_seed) {
		et_b64_encode(sign_pub, 32, pubb64);
		rc = et_buf_printf(b, "# signing public key (Ed25519): %s\n", pubb64);
	}
	if (rc == ET_OK)
		rc = et_buf_printf(b, "%s\n", age_secret);
	if (rc == ET_OK && sign_seed) {
		rc = crypto_bech32_encode("etender-signing-key-", sign_seed, 32, true, &sk);
		if (rc == ET_OK)
			rc = et_buf_printf(b, "%s\n", sk);
	}
	if (sk) {
		crypto_wipe(sk, strlen(sk));
		free(sk);
	}
	return rc;
}

static int write_identity(const char *path, struct et_buf *b)
{
	if (!path)
		return et_write_all(STDOUT_FILENO, b->data, b->len);
	return crypto_write_secret_file(path, b->data, b->len);
}

int client_cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *outp = NULL;
	char *secret = NULL, *recipient = NULL;
	unsigned char seed[32], pub[32];
	struct et_buf b;
	int c, rc, ret = 1;

	et_buf_init(&b, 1u << 16);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'o')
			outp = optarg;
		else if (c == 'h') {
			fputs(keygen_usage, stdout);
			return 0;
		} else
			return client_usage_error(keygen_usage, "未知选项 / unknown option");
	}
	if (optind != argc)
		return client_usage_error(keygen_usage, "多余的参数 / unexpected argument");
	if (outp && access(outp, F_OK) == 0) {
		client_error(ET_EEXIST, "%s", outp);
		return 1;
	}
	rc = crypto_age_x25519_generate(&secret, &recipient);
	if (rc == ET_OK)
		rc = crypto_ed25519_keygen(seed, pub);
	if (rc == ET_OK)
		rc = identity_text("etender identity: X25519 (sealing) and Ed25519 (signing)", NULL,
				   secret, recipient, seed, pub, &b);
	if (rc == ET_OK)
		rc = write_identity(outp, &b);
	if (rc) {
		client_error(rc, "%s", outp ? outp : "stdout");
		goto out;
	}
	if (outp)
		printf("%s\n", recipient);
	else
		fprintf(stderr, "Public key: %s\n", recipient);
	ret = 0;
out:
	crypto_wipe(seed, sizeof seed);
	if (secret) {
		crypto_wipe(secret, strlen(secret));
		free(secret);
	}
	free(recipient);
	et_buf_free(&b);
	return ret;
}

static const char holder_usage[] =
	"用法 / usage: etender holder keygen --tender ID -o FILE [-i IDENTITY]\n"
	"  为某一项目生成开标密钥保管人的新 X25519 密钥（在本机生成，开标前请离线备份）。\n"
	"  Makes a key holder's fresh X25519 key for one tender, on this machine.\n"
	"  Prints the public recipient (age1…) to register in the tender's key-holder\n"
	"  set; with -i, also a registration line signed with the holder's Ed25519\n"
	"  identity: \"etender-holder-key/v1 TENDER RECIPIENT SIGNER-PUB SIG\" where SIG\n"
	"  signs \"etender-holder-key/v1\\nTENDER\\nRECIPIENT\\n\" (base64).\n"
	"  Keep an offline backup of FILE until the opening.\n"
	"       etender holder register --tender ID [--line LINE | --file FILE]\n"
	"  submits that line to the platform (etender holder register --help).\n";

int client_cmd_holder(int argc, char **argv)
{
	static const struct option opts[] = { { "tender", required_argument, NULL, 't' },
					      { "output", required_argument, NULL, 'o' },
					      { "identity", required_argument, NULL, 'i' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *tender = NULL, *outp = NULL, *idp = NULL;
	char *secret = NULL, *recipient = NULL, comment[ET_ID_MAX_LEN + 32];
	struct client_identity id;
	struct et_buf b, msg;
	bool have_id = false;
	int c, rc, ret = 1;

	if (argc >= 2 && !strcmp(argv[1], "register"))
		return client_cmd_holder_register(argc - 1, argv + 1);
	et_buf_init(&b, 1u << 16);
	et_buf_init(&msg, 1u << 12);
	if (argc < 2 || strcmp(argv[1], "keygen") != 0) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(holder_usage, stdout);
			return 0;
		}
		return client_usage_error(holder_usage, "需要子命令 keygen 或 register / expected 'keygen' or 'register'");
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tender = optarg; break;
		case 'o': outp = optarg; break;
		case 'i': idp = optarg; break;
		case 'h': fputs(holder_usage, stdout); return 0;
		default: return client_usage_error(holder_usage, "未知选项 / unknown option");
		}
	}
	if (!tender || !outp || optind != argc)
		return client_usage_error(holder_usage, "需要 --tender 和 -o / --tender and -o are required");
	if (!*tender || strlen(tender) > ET_ID_MAX_LEN || strpbrk(tender, " \n\r\t"))
		return client_usage_error(holder_usage, "项目编号无效 / invalid tender id");
	if (idp) {
		rc = client_identity_load(idp, &id);
		if (rc)
			return client_error(rc, "%s", idp);
		have_id = true;
		if (!id.has_signing) {
			client_error(ET_EINVAL, "%s: 无签名密钥 / no signing key", idp);
			goto out;
		}
	}
	if (snprintf(comment, sizeof comment, "# tender: %s\n", tender) >= (int)sizeof comment)
		goto out;
	rc = crypto_age_x25519_generate(&secret, &recipient);
	if (rc == ET_OK)
		rc = identity_text("etender key holder's per-tender key (keep an offline backup until the opening)",
				   comment, secret, recipient, NULL, NULL, &b);
	if (rc == ET_OK)
		rc = crypto_write_secret_file(outp, b.data, b.len);
	if (rc) {
		client_error(rc, "%s", outp);
		goto out;
	}
	printf("%s\n", recipient);
	if (have_id) {
		unsigned char sig[64];
		char sigb64[96], pubb64[64];

		rc = et_buf_printf(&msg, "etender-holder-key/v1\n%s\n%s\n", tender, recipient);
		if (rc == ET_OK)
			rc = crypto_ed25519_sign(id.sign_seed, msg.data, msg.len, sig);
		if (rc) {
			client_error(rc, "sign");
			goto out;
		}
		et_b64_encode(sig, 64, sigb64);
		et_b64_encode(id.sign_pub, 32, pubb64);
		printf("etender-holder-key/v1 %s %s %s %s\n", tender, recipient, pubb64, sigb64);
	}
	ret = 0;
out:
	if (have_id)
		client_identity_free(&id);
	if (secret) {
		crypto_wipe(secret, strlen(secret));
		free(secret);
	}
	free(recipient);
	et_buf_free(&b);
	et_buf_free(&msg);
	return ret;
}
