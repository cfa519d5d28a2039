/*
 * A whole file read into memory, for files whose size cannot be asked (procfs,
 * tracefs: stat says 0). Header-only, for lib/ and maps/ alike.
 */
#ifndef PPM_UTIL_SLURP_H
#define PPM_UTIL_SLURP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * path's bytes into *out (malloc'd, NUL-terminated, *len without the NUL), read in
 * steps of at least first bytes. 0, -errno from fopen, or -ENOMEM.
 */
static inline int ppm_slurp(const char *path, size_t first, char **out, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = first > 16 ? first : 16, n = 0, got;
	char *buf = malloc(cap), *p;

	if (!f || !buf) {
		int err = f ? -ENOMEM : -errno;

		if (f)
			fclose(f);
		free(buf);
		return err;
	}
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			p = realloc(buf, cap * 2);
			if (!p) {
				fclose(f);
				free(buf);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

#endif
