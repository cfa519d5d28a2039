/*
 * The processes an attached recording covers, found through /proc: the named ones,
 * their descendants (a pre-fork server's workers), their threads, and their
 * ancestors (whose perf maps name the stubs a forked worker inherited).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proctree.h"
#include "../util/array.h"

/* The parent of pid from /proc/PID/stat (field 4, after the parenthesized comm). */
pid_t ppm_proctree__ppid(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The comm may hold spaces and parentheses: the last ')' ends it. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -EINVAL;
	return (pid_t)ppid;
}

static int push(pid_t **v, int *n, size_t *cap, pid_t pid)
{
	for (int i = 0; i < *n; i++)
		if ((*v)[i] == pid)
			return 0;
	if (ppm_array__reserve((void **)v, cap, (size_t)*n + 1, sizeof(**v)))
		return -ENOMEM;
	(*v)[(*n)++] = pid;
	return 0;
}

/* Every process of the system with its parent: one pass over /proc. */
struct proc_link {
	pid_t pid, ppid;
};

static int all_processes(struct proc_link **out, int *nr)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	struct proc_link *v = NULL;
	int n = 0;
	size_t cap = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		pid_t pid, ppid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		ppid = ppm_proctree__ppid(pid);
		if (ppid < 0)
			continue; /* gone since the listing */
		if (ppm_array__reserve((void **)&v, &cap, (size_t)n + 1, sizeof(*v))) {
			free(v);
			closedir(dir);
			return -ENOMEM;
		}
		v[n].pid = pid;
		v[n].ppid = ppid;
		n++;
	}
	closedir(dir);
	*out = v;
	*nr = n;
	return 0;
}

int ppm_proctree__collect(const pid_t *pids, int nr_pids, int descendants, pid_t **out, int *nr)
{
	struct proc_link *all = NULL;
	pid_t *v = NULL;
	int n = 0, nall = 0, err = 0;
	size_t cap = 0;

	for (int i = 0; i < nr_pids && !err; i++)
		err = push(&v, &n, &cap, pids[i]);
	if (!err && descendants)
		err = all_processes(&all, &nall);
	/* Breadth first: v grows while it is walked, so grandchildren come too. */
	for (int i = 0; !err && descendants && i < n; i++)
		for (int k = 0; k < nall && !err; k++)
			if (all[k].ppid == v[i])
				err = push(&v, &n, &cap, all[k].pid);
	free(all);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*nr = n;
	return 0;
}

int ppm_proctree__threads(pid_t pid, pid_t **out, int *nr)
{
	char path[64];
	DIR *dir;
	struct dirent *de;
	pid_t *v = NULL;
	int n = 0, err = 0;
	size_t cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while (!err && (de = readdir(dir))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid > 0)
			err = push(&v, &n, &cap, tid);
	}
	closedir(dir);
	if (err || !n) {
		free(v);
		return err ? err : -ESRCH;
	}
	*out = v;
	*nr = n;
	return 0;
}

int ppm_proctree__nr_threads(pid_t pid)
{
	char path[64], buf[512], *p;
	int n = 0;
	FILE *f;

	/* field 20 of /proc/PID/stat, after the command name's closing parenthesis */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* the whole file: a command name may hold a newline, and ')' ends it */
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	if ((p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %d", &n);
	fclose(f);
	return n;
}

int ppm_proctree__count(int *threads)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	int n = 0;

	*threads = 0;
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		pid_t pid = (pid_t)atoi(de->d_name);

		if (pid <= 0)
			continue;
		n++;
		*threads += ppm_proctree__nr_threads(pid);
	}
	closedir(dir);
	return n;
}

int ppm_proctree__ancestors(pid_t pid, pid_t *out, int max)
{
	int n = 0;

	while (n < max) {
		pid_t ppid = ppm_proctree__ppid(pid);

		/* init and kthreadd are everyone's parents, and hold no perf map of ours */
		if (ppid <= 2)
			break;
		out[n++] = ppid;
		pid = ppid;
	}
	return n;
}
