/* tender/embed.c — build-time tool: turns tender/tender.xsd into a C header
 * (a NUL-terminated char array) so the validator uses exactly the published
 * file. Usage: embed INPUT OUTPUT SYMBOL. Runs on the build machine only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	FILE *in = NULL, *out = NULL;
	int c, col = 0, rc = 1;
	unsigned long n = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: %s INPUT OUTPUT SYMBOL\n", argv[0]);
		return 2;
	}
	in = fopen(argv[1], "rb");
	out = fopen(argv[2], "wb");
	if (!in || !out) {
		perror("embed");
		goto out;
	}
	if (fprintf(out, "/* generated from %s by tender/embed.c; do not edit */\n"
		    "static const char %s[] = {\n", argv[1], argv[3]) < 0)
		goto out;
	while ((c = fgetc(in)) != EOF) {
		if (c == 0) {
			fprintf(stderr, "embed: NUL byte in %s\n", argv[1]);
			goto out;
		}
		if (fprintf(out, "%s0x%02x,", col ? " " : "\t", (unsigned)c) < 0)
			goto out;
		n++;
		if (++col == 12) {
			if (fputc('\n', out) == EOF)
				goto out;
			col = 0;
		}
	}
	if (ferror(in) || fprintf(out, "%s0x00\n};\n/* %lu bytes */\n", col ? " " : "\t", n) < 0)
		goto out;
	rc = 0;
out:
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = 1;
	if (rc)
		remove(argv[2]);
	return rc;
}
