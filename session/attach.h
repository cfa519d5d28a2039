/*
 * The Python processes of an attached recording: which are named already (a
 * trampoline of their own: PYPERFMAP=1, an installed .pth, -X perf), which pyperfmap
 * switches its trampoline on in from outside (CPython 3.14+, PEP 768), and which it
 * cannot (3.8-3.13 without one, remote debugging disabled, no permission) and why.
 * Shared by record and the live view.
 *
 * Usage:
 *	ppm_attach__init(&at, pydir);           // pydir: the trampoline's Python folder
 *	ppm_attach__activate(&at, pids, n);     // after the events are open
 *	... record ...
 *	ppm_attach__deactivate(&at);            // before detaching: the same way, off
 *	ppm_attach__release(&at);
 */
#ifndef PPM_SESSION_ATTACH_H
#define PPM_SESSION_ATTACH_H

#include <sys/types.h>

enum ppm_pyproc_state {
	PPM_PY_NAMED,      /* runs a trampoline already */
	PPM_PY_ACTIVATED,  /* asked to switch pyperfmap's (or CPython's) on */
	PPM_PY_UNNAMED,    /* a Python that cannot be named: why says why */
};

struct ppm_pyproc {
	pid_t pid;
	int major, minor;
	enum ppm_pyproc_state state;
	char why[320];
};

struct ppm_attach {
	const char *pydir;
	struct ppm_pyproc *procs;  /* the Python processes among those given */
	int nr;
	char dirs[8][64];          /* per target uid: the folder its scripts are in */
	uid_t dir_uids[8];
	int nr_dirs;
};

void ppm_attach__init(struct ppm_attach *at, const char *pydir);
/*
 * Looks at each pid (others are not Python and are skipped): named already, or asked
 * to name its functions from now on (3.14+), or not. 0 or -errno (out of memory).
 */
int ppm_attach__activate(struct ppm_attach *at, const pid_t *pids, int n);
/* Asks the processes activated to switch it off again. */
void ppm_attach__deactivate(struct ppm_attach *at);
void ppm_attach__release(struct ppm_attach *at);

#endif
