/* The command pyperfmap runs for record and stat, and the checks of its events. */
#ifndef PPM_WORKLOAD_H
#define PPM_WORKLOAD_H

#include <signal.h>
#include <sys/types.h>

struct ppm_event;

/* got_stop: the last stopping signal; stop_count: how many came (a second one means
 * "stop at once"). */
extern volatile sig_atomic_t got_sigchld, got_stop, stop_count;
extern volatile pid_t child_pid; /* where SIGINT/SIGTERM sent to pyperfmap go */

/* SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT noted (and passed on to child_pid). */
void install_signals(void);

struct workload {
	pid_t pid;
	int go_fd;   /* writing one byte lets the child exec */
	int err_fd;  /* the child writes errno here when exec fails */
};

/* Forks the command, held before exec until the counters are enabled. */
int workload_prepare(struct workload *wl, char **argv, int trampoline);
/* Returns 0 once the command has exec'd, or the child's exec errno (negated). */
int workload_start(struct workload *wl);
/* Lets a held child go without running the command, and reaps it. */
void workload_abort(struct workload *wl);
int process_alive(pid_t pid);
/* A wait status as a shell reports it: the exit code, or 128+N for signal N. */
int exit_status_of(int status);

#endif
