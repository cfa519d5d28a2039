/*
 * The command pyperfmap runs (record, stat): forked and held before exec until its
 * counters are enabled, signals passed on, its exit status as a shell reports it.
 * And the event check both share: hardware events this machine cannot count.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "workload.h"
#include "../lib/event.h"

struct ppm_signals ppm_signals;

static void on_signal(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	if (sig == SIGCHLD) {
		ppm_signals.sigchld = 1;
		return;
	}
	ppm_signals.stop = sig;
	ppm_signals.stops++;
	/*
	 * A Ctrl-C from the terminal reaches the whole foreground group, the command
	 * included; a signal sent to pyperfmap alone is passed on.
	 */
	if (ppm_signals.child > 0 && si && si->si_code != SI_KERNEL)
		kill(ppm_signals.child, sig);
}

void ppm_workload__signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: poll() must wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

/* Forks the command, held before exec until the counters are enabled. */
int ppm_workload__prepare(struct workload *wl, char **argv, int trampoline)
{
	int go[2], errp[2];

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	wl->pid = fork();
	if (wl->pid < 0)
		return -errno;
	if (wl->pid == 0) {
		char c;
		int e;

		close(go[1]);
		close(errp[0]);
		signal(SIGINT, SIG_DFL);
		if (read(go[0], &c, 1) != 1)
			_exit(127); /* pyperfmap gave up before starting us */
		if (wl->null_stdio) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);

			if (null >= 0) {
				dup2(null, STDIN_FILENO);
				dup2(null, STDOUT_FILENO);
				dup2(null, STDERR_FILENO);
			}
		}
		/* Every Python process of the command tree names its functions (PYPERFMAP=1). */
		if (trampoline)
			ppm_python__trampoline_env();
		execvp(argv[0], argv);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	wl->go_fd = go[1];
	wl->err_fd = errp[0];
	return 0;
}

/* Returns 0 once the command has exec'd, or the child's exec errno (negated). */
int ppm_workload__start(struct workload *wl)
{
	int e = 0;
	ssize_t n;

	if (write(wl->go_fd, "g", 1) != 1)
		return -errno;
	close(wl->go_fd);
	wl->go_fd = -1;
	n = read(wl->err_fd, &e, sizeof(e));
	close(wl->err_fd);
	wl->err_fd = -1;
	return n == sizeof(e) ? -e : 0;
}

void ppm_workload__abort(struct workload *wl)
{
	if (wl->pid <= 0)
		return;
	if (wl->go_fd >= 0)
		close(wl->go_fd); /* the child reads EOF and exits */
	if (wl->err_fd >= 0)
		close(wl->err_fd);
	waitpid(wl->pid, NULL, 0);
	wl->pid = 0;
}

int ppm_process__alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

int ppm_workload__exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

