/* fuzz/replay_main.c — stands in for libFuzzer: runs LLVMFuzzerTestOneInput on
 * every file of the corpus folders given on the command line (and on a few
 * mutations of each), so corpora replay under `meson test` without clang. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;

static void run_mutations(const unsigned char *d, size_t n)
{
	unsigned char *m;
	size_t i;
	uint32_t x = 2463534242u;

	(void)LLVMFuzzerTestOneInput(d, n);
	runs++;
	if (!n)
		return;
	m = malloc(n);
	if (!m)
		abort();
	/* deterministic bit flips and truncations */
	for (i = 0; i < 32; i++) {
		memcpy(m, d, n);
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		m[x % n] ^= (unsigned char)(1u << (x >> 29));
		(void)LLVMFuzzerTestOneInput(m, n);
		(void)LLVMFuzzerTestOneInput(m, x % n);
		runs += 2;
	}
	free(m);
}

static int replay(const char *path)
{
	struct stat st;
	unsigned char *d = NULL;
	size_t n = 0;
	int rc;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "cannot stat %s\n", path);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(path);
		struct dirent *e;
		int bad = 0;
		if (!dir)
			return 1;
		while ((e = readdir(dir))) {
			char sub[4096];
			if (e->d_name[0] == '.')
				continue;
			if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= (int)sizeof sub)
				continue;
			bad |= replay(sub);
		}
		closedir(dir);
		return bad;
	}
	rc = et_read_file(path, 16u << 20, &d, &n);
	if (rc) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	run_mutations(d, n);
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= replay(argv[i]);
	printf("%lu inputs replayed\n", runs);
	return bad;
}
