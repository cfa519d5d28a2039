/*
 * Output files that never replace a good file with a bad one, for every command:
 * written under a temporary name beside the target (same directory, so the rename
 * is atomic), and given its name by ppm_outfile__publish. A report or stat output is
 * published when complete (ppm_outfile__commit); a recording as soon as it has
 * really started, and written in place from there (its writer keeps it readable at
 * every moment), the file it replaces kept as <path>.old as perf does.
 *
 * Modes: what a plain create gives (0666 less the umask), except PRIVATE files, 0600
 * as perf makes perf.data: a recording holds copies of the profiled stacks.
 *
 * A path that is a device, a pipe or a socket (/dev/null) is written as it is, and one
 * that is a symbolic link replaces the file the link names.
 *
 * Errors are said here, in one wording ("cannot create/rename/write 'PATH': ..."), and
 * returned as -errno. With path NULL the stream is stdout and publishing is a no-op.
 *
 * Usage (a report):
 *	ppm_outfile__open(&o, path, PPM_OUTFILE_STREAM) -> write to o.fp
 *	-> ppm_outfile__commit(&o), or ppm_outfile__abort(&o) on any error.
 */
#ifndef PPM_OUTFILE_H
#define PPM_OUTFILE_H

#include <limits.h>
#include <stdio.h>

enum {
	PPM_OUTFILE_STREAM = 1,    /* o.fp, buffered; else o.fd only */
	PPM_OUTFILE_KEEP_OLD = 2,  /* the file replaced becomes <path>.old */
	PPM_OUTFILE_PRIVATE = 4,   /* 0600 */
	PPM_OUTFILE_SYNC = 8,      /* fsync'd at commit: a recording is never lost */
};

struct outfile {
	FILE *fp;
	int fd;
	const char *path;
	char tmp[PATH_MAX];
	char real[PATH_MAX];  /* the file a symbolic link at path names, when it does */
	int flags;
	int published;   /* renamed to path: no temporary left to remove */
};

int ppm_outfile__open(struct outfile *o, const char *path, int flags);
/* The file takes its name (the old one kept as .old with KEEP_OLD). */
int ppm_outfile__publish(struct outfile *o);
/* Flushed (synced with SYNC), closed, and published if it was not yet. */
int ppm_outfile__commit(struct outfile *o);
/* Gives up: an unpublished file is removed, a published one closed as it is. */
void ppm_outfile__abort(struct outfile *o);

#endif
