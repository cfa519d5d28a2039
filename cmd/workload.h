/* The command pyperfmap runs for record and stat, and the checks of its events. */
#ifndef PPM_WORKLOAD_H
#define PPM_WORKLOAD_H

#include <signal.h>
#include <sys/types.h>

struct ppm_event;

/* What the signal handler saw (it alone writes them, but child). */
struct ppm_signals {
	volatile sig_atomic_t sigchld;  /* a child changed state */
	volatile sig_atomic_t stop;     /* the last stopping signal */
	volatile sig_atomic_t stops;    /* how many came: a second one means "stop at once" */
	volatile pid_t child;           /* where SIGINT/SIGTERM sent to pyperfmap go */
};
extern struct ppm_signals ppm_signals;

/* SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT noted (and passed on to ppm_signals.child). */
void ppm_workload__signals(void);

struct workload {
	pid_t pid;
	int go_fd;   /* writing one byte lets the child exec */
	int err_fd;  /* the child writes errno here when exec fails */
	int null_stdio; /* the command's stdin, stdout and stderr are /dev/null (a live view) */
};

/* Forks the command, held before exec until the counters are enabled. */
int ppm_workload__prepare(struct workload *wl, char **argv, int trampoline);
/* Returns 0 once the command has exec'd, or the child's exec errno (negated). */
int ppm_workload__start(struct workload *wl);
/* Lets a held child go without running the command, and reaps it. */
void ppm_workload__abort(struct workload *wl);
int ppm_process__alive(pid_t pid);
/* A wait status as a shell reports it: the exit code, or 128+N for signal N. */
int ppm_workload__exit_status(int status);

#endif
