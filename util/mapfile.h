/*
 * Which /tmp/perf-PID.map and /tmp/jit-PID.dump files to believe. Anyone can write
 * /tmp: a map planted for another user's process would put names of the planter's
 * choosing into root's report. So, as perf documents the maps (the process writes its
 * own), a map is read only if it is a regular file reached without a symlink, owned
 * by the process's user or by root. The process's user is known while it runs (from
 * /proc) or was noted while it ran (the recorder notes it); for one gone and never
 * seen, the reader's own user stands in. Maps are read to a bound (MAX bytes and
 * lines): more is cut, and said.
 */
#ifndef PPM_UTIL_MAPFILE_H
#define PPM_UTIL_MAPFILE_H

#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PPM_MAPFILE_MAX_BYTES (1ULL << 30)   /* 1 GiB */
#define PPM_MAPFILE_MAX_LINES 1000000

/* The user that runs pid now, or (uid_t)-1 when it is gone. */
static inline uid_t ppm_mapfile__process_uid(pid_t pid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? st.st_uid : (uid_t)-1;
}

/* Whether a map file of pid, as fstat found it, may be believed; noted: the uid noted
 * for pid while it ran, or (uid_t)-1. */
static inline int ppm_mapfile__trusted(const struct stat *st, pid_t pid, uid_t noted)
{
	uid_t want = ppm_mapfile__process_uid(pid);

	if (want == (uid_t)-1)
		want = noted != (uid_t)-1 ? noted : geteuid();
	return S_ISREG(st->st_mode) && (st->st_uid == 0 || st->st_uid == want);
}

#endif
