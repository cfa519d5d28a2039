/*
 * Test driver for session/pyremote.c.
 *   pyremote_run PID SCRIPT    ppm_pyremote__exec: prints "ok VERSION threads=N"
 *   pyremote_run -p PID        ppm_pyremote__probe: the same line and runtime=FILE (the
 *                              ELF with .PyRuntime), nothing planted
 * On failure prints the why line on stderr and exits with a status per error, so the
 * e2e tests can tell the refusals apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../session/pyremote.h"

static int status_of(int err)
{
	switch (-err) {
	case ESRCH: return 3;
	case EPERM: return 4;
	case ENOENT: return 5;
	case EPROTONOSUPPORT: return 6;
	case ENOTSUP: return 7;
	case EAGAIN: return 8;
	case EBUSY: return 9;
	case EINVAL: return 10;
	default: return 1;
	}
}

int main(int argc, char **argv)
{
	struct ppm_pyremote_info info;
	char why[1024];
	int probe = argc == 3 && !strcmp(argv[1], "-p"), err;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: pyremote_run PID SCRIPT | -p PID\n");
		return 2;
	}
	pid = (pid_t)atoi(argv[probe ? 2 : 1]);
	if (probe)
		err = ppm_pyremote__probe(pid, &info, why, sizeof(why));
	else
		err = ppm_pyremote__exec(pid, argv[2], &info, why, sizeof(why));
	if (err) {
		fprintf(stderr, "%s\n", why);
		return status_of(err);
	}
	printf("ok %d.%d.%d threads=%d", info.major, info.minor, info.micro, info.threads);
	if (probe)
		printf(" runtime=%s", info.runtime_file);
	printf("\n");
	return 0;
}
