/*
 * An output file that replaces its target only when complete: written beside it
 * (same directory, so the rename is atomic) and renamed by ppm_outfile__commit. A failure
 * anywhere leaves the old file as it was and no temporary behind.
 *
 * Usage: ppm_outfile__open(&o, path) -> write to o.fp -> ppm_outfile__commit(&o) (or
 * ppm_outfile__abort(&o) on any error). With path NULL, o.fp is stdout and both are no-ops
 * apart from flushing.
 */
#ifndef PPM_OUTFILE_H
#define PPM_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *fp;
	const char *path;
	char tmp[4096];
};

/* 0, or -errno with the error printed. */
int ppm_outfile__open(struct outfile *o, const char *path);
/* Flushes, closes and renames: 0, or -errno with the error printed (the temp removed). */
int ppm_outfile__commit(struct outfile *o);
void ppm_outfile__abort(struct outfile *o);

#endif
