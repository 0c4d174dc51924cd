/* client/etender.c — the etender command: dispatches subcommands. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		printf("usage: etender COMMAND [ARGS]\n");
		return argc < 2 ? 2 : 0;
	}
	fprintf(stderr, "etender: 未知命令 / unknown command: %s\n", argv[1]);
	return 2;
}
