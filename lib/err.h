/*
 * How library code (lib/, maps/, session/, report/) says what went wrong: it returns
 * -errno (or NULL with errno set) and, where the user needs more than the errno says,
 * fills the caller's struct ppm_err. Libraries never print. Work that goes on
 * degraded (libpfm4 missing: perf's generic names only) is said in the log (log.h).
 * cmd/ turns both into messages, and its advice (permissions, limits, the PMU) is
 * given in one place, cmd/advice.c.
 */
#ifndef PPM_ERR_H
#define PPM_ERR_H

struct ppm_err {
	char msg[512];  /* what failed, in words ("'x' is not a perf.data file"), or "" */
	/* when opening an event failed: */
	int event;      /* its index among the events asked for, or -1 */
	int cpu;        /* the CPU it was opened on, or -1 */
	int mmap;       /* 1 when mapping its ring failed, not perf_event_open */
};

/* Clears e (no message, no event) and returns 0. */
int ppm_err__clear(struct ppm_err *e);
/* Sets e's message and returns code (a -errno), so: return ppm_err__set(e, -EINVAL, ...). */
int ppm_err__set(struct ppm_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
