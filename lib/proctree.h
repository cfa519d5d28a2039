/* Processes, their threads, descendants and ancestors, from /proc. */
#ifndef PPM_PROCTREE_H
#define PPM_PROCTREE_H

#include <sys/types.h>

/* The parent of pid, or -errno (-ENOENT: gone). */
pid_t ppm_proctree__ppid(pid_t pid);
/*
 * The named pids, then (with descendants) every process descending from them, without
 * duplicates, into a malloc'd *out. 0 or -errno.
 */
int ppm_proctree__collect(const pid_t *pids, int nr_pids, int descendants, pid_t **out, int *nr);
/* The threads of pid (malloc'd), or -ESRCH when it is gone. */
int ppm_proctree__threads(pid_t pid, pid_t **out, int *nr);
/* How many threads pid has now (0 when it is gone). */
int ppm_proctree__nr_threads(pid_t pid);
/* How many processes the system has now; *threads gets how many threads. */
int ppm_proctree__count(int *threads);
/* pid's parent, grandparent, ... (at most max, init excluded) into out; how many. */
int ppm_proctree__ancestors(pid_t pid, pid_t *out, int max);

#endif
