#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mapwriter.h"

#define BUF_SIZE (64 * 1024)
#define FLUSH_AT (60 * 1024)
#define MAX_AGE_NS (100 * 1000 * 1000LL)

/*
 * Lines are added under the GIL, but a fork may come from a thread without it
 * (C code): the mutex keeps the fork handlers and writers apart. It is taken only
 * when a stub is made, never on the call path.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char buf[BUF_SIZE];
static size_t used;
static long long oldest_ns;     /* when the oldest unwritten line was added */
static int fd = -1;
static pid_t owner;             /* the pid the open map belongs to */
static char path[64];
static uint64_t nr_lines, nr_bytes;
static int inited;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Opens /tmp/perf-PID.map for this pid: ours, regular, never through a symlink. */
static int open_map(void)
{
	struct stat st;
	pid_t pid = getpid();

	if (fd >= 0 && owner == pid)
		return 0;
	if (fd >= 0)
		close(fd);
	fd = -1;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)pid);
	/* O_TRUNC: a map left by a dead process with this pid describes someone else. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		fd = -1;
		return -EPERM;
	}
	owner = pid;
	return 0;
}

static int write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int flush_locked(void)
{
	int err;

	if (!used)
		return 0;
	err = open_map();
	if (!err)
		err = write_all(buf, used);
	used = 0;
	return err;
}

int ppm_mapwriter_flush(void)
{
	int err;

	pthread_mutex_lock(&lock);
	err = flush_locked();
	pthread_mutex_unlock(&lock);
	return err;
}

void ppm_mapwriter_tick(void)
{
	if (used && now_ns() - oldest_ns > MAX_AGE_NS)
		ppm_mapwriter_flush();
}

/* Appends s, with newlines (possible in a file name) made harmless for line readers. */
static void put(const char *s, size_t *off)
{
	for (; *s && *off < BUF_SIZE - 1; s++)
		buf[(*off)++] = *s == '\n' || *s == '\r' ? '?' : *s;
}

int ppm_mapwriter_add(uintptr_t start, unsigned int size, const char *qualname,
		      const char *filename)
{
	char head[48];
	size_t need = strlen(qualname) + strlen(filename) + 64, off;
	int err = 0;

	pthread_mutex_lock(&lock);
	/* The first line opens the file: a symlink or a foreign file is found now. */
	if (fd < 0 || owner != getpid())
		err = open_map();
	if (!err && used + need > BUF_SIZE)
		err = flush_locked();
	if (err) {
		pthread_mutex_unlock(&lock);
		return err;
	}
	if (need > BUF_SIZE)
		need = BUF_SIZE;
	if (!used)
		oldest_ns = now_ns();
	off = used;
	snprintf(head, sizeof(head), "%lx %x py::", (unsigned long)start, size);
	put(head, &off);
	put(qualname, &off);
	put(":", &off);
	put(filename, &off);
	buf[off++] = '\n';
	nr_lines++;
	nr_bytes += off - used;
	used = off;
	if (used >= FLUSH_AT)
		err = flush_locked();
	pthread_mutex_unlock(&lock);
	return err;
}

const char *ppm_mapwriter_path(void)
{
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	return path;
}

void ppm_mapwriter_stats(uint64_t *lines, uint64_t *bytes)
{
	*lines = nr_lines;
	*bytes = nr_bytes;
}

static void before_fork(void)
{
	pthread_mutex_lock(&lock);
	flush_locked(); /* the child must not inherit the parent's unwritten lines */
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void after_fork_child(void)
{
	/* The child writes its own /tmp/perf-CHILDPID.map, opened on its first new stub. */
	if (fd >= 0)
		close(fd);
	fd = -1;
	owner = 0;
	path[0] = '\0';
	used = 0;
	pthread_mutex_unlock(&lock);
}

static void at_exit(void)
{
	ppm_mapwriter_flush();
}

void ppm_mapwriter_init(void)
{
	if (inited)
		return;
	inited = 1;
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
	atexit(at_exit);
}
