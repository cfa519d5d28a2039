/*
 * perfgen: writes the test and benchmark files (perfgen.h says what each holds).
 *
 * Usage:
 *   perfgen stacks OUT BINARY ADDRS NSAMPLES NSTACKS [NEVENTS]
 *       ADDRS: a file of file virtual addresses (hex, one per line) of functions of
 *       BINARY, e.g. from nm; prints the samples and distinct stacks written
 *   perfgen hw6 DIR      DIR/hw6.data and DIR/root/...; prints "A|B EVENT COUNT"
 *   perfgen golden DIR   DIR/golden.data and DIR/root/... (read with --symfs DIR/root)
 *   perfgen simple OUT [NSAMPLES]
 *   perfgen cut OUT      a file whose recorder died between two checkpoints
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "perfgen.h"

static int usage(void)
{
	fputs("usage: perfgen stacks OUT BINARY ADDRS NSAMPLES NSTACKS [1|6] | hw6 DIR | golden DIR | "
	      "simple OUT [NSAMPLES] | cut OUT\n",
	      stderr);
	return 2;
}

static int read_addrs(const char *path, uint64_t **out, size_t *n)
{
	size_t cap = 0;
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	*out = NULL;
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t a = strtoull(line, NULL, 16);

		if (!a)
			continue;
		if (*n == cap) {
			uint64_t *p = realloc(*out, (cap = cap ? cap * 2 : 1024) * sizeof(*p));

			if (!p) {
				fclose(f);
				return -ENOMEM;
			}
			*out = p;
		}
		(*out)[(*n)++] = a;
	}
	fclose(f);
	return *n ? 0 : -EINVAL;
}

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	return fd < 0 ? -errno : fd;
}

int main(int argc, char **argv)
{
	int err, fd;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "stacks") && (argc == 7 || argc == 8)) {
		uint64_t *addrs = NULL, nsamples = strtoull(argv[5], NULL, 10);
		uint64_t nstacks = strtoull(argv[6], NULL, 10);
		size_t naddrs = 0;

		err = read_addrs(argv[4], &addrs, &naddrs);
		if (err) {
			fprintf(stderr, "perfgen: no addresses in '%s': %s\n", argv[4], strerror(-err));
			return 1;
		}
		fd = open_out(argv[2]);
		err = fd < 0 ? fd : perfgen_stacks(fd, argv[3], addrs, naddrs, nsamples, nstacks,
								argc == 8 ? atoi(argv[7]) : 1);
		if (fd >= 0 && close(fd) && !err)
			err = -errno;
		free(addrs);
		if (!err)
			printf("%llu samples, %llu distinct stacks\n", (unsigned long long)nsamples,
			       (unsigned long long)(nstacks < nsamples ? nstacks : nsamples));
	} else if (!strcmp(argv[1], "hw6") && argc == 3) {
		err = perfgen_hw6(argv[2], stdout);
	} else if (!strcmp(argv[1], "golden") && argc == 3) {
		err = perfgen_golden(argv[2]);
	} else if (!strcmp(argv[1], "simple") && (argc == 3 || argc == 4)) {
		struct perfgen_simple_spec spec = { .nr_events = 2, .callchain = 1,
						    .nr_samples = argc == 4 ? strtoull(argv[3], NULL, 10) : 100 };

		fd = open_out(argv[2]);
		err = fd < 0 ? fd : perfgen_simple(fd, &spec);
		if (fd >= 0 && close(fd) && !err)
			err = -errno;
	} else if (!strcmp(argv[1], "cut") && argc == 3) {
		fd = open_out(argv[2]);
		err = fd < 0 ? fd : perfgen_cut(fd);
		if (fd >= 0 && close(fd) && !err)
			err = -errno;
	} else {
		return usage();
	}
	if (err) {
		fprintf(stderr, "perfgen %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	return 0;
}
