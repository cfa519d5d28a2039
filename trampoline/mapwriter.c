#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "jitdump.h"
#include "mapwriter.h"

#define BUF_SIZE (64 * 1024)
#define FLUSH_AT (60 * 1024)
#define MAX_AGE_NS (100 * 1000 * 1000LL)

/* One batched per-process file: the perf map, or the jitdump. */
struct sink {
	const char *pattern;    /* its path, from the pid */
	int jit;                /* a jitdump: header first, first page mapped */
	char buf[BUF_SIZE];
	size_t used;
	long long oldest_ns;    /* when the oldest unwritten entry was added */
	long long written_ns;   /* when entries were last written */
	int fd;
	pid_t owner;            /* the pid the open file belongs to */
	char path[64];
	void *page;             /* the jitdump's mapped first page */
};

/*
 * Entries are added under the GIL, but a fork may come from a thread without it
 * (C code): the mutex keeps the fork handlers and writers apart. It is taken only
 * when a stub is made, never on the call path.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sink map = { .pattern = "/tmp/perf-%d.map", .fd = -1 };
static struct sink jit = { .pattern = "/tmp/jit-%d.dump", .jit = 1, .fd = -1 };
static int jit_on;
static uint64_t nr_lines, nr_bytes, jit_index, jit_salt;
static const char *failed_path;
static int inited;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_all(int fd, const char *p, size_t n)
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

/* The jitdump's header, and its first page mapped executable: perf record notes
 * executable file mappings, and perf inject finds the dump through that record. */
static int start_jitdump(struct sink *s)
{
	unsigned char head[40];
	struct timeval tv;
	long page = sysconf(_SC_PAGESIZE);
	int err;

	gettimeofday(&tv, NULL);
	err = write_all(s->fd, (const char *)head,
			ppm_jitdump_header(head, (uint32_t)getpid(),
					   (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec));
	if (err)
		return err;
	s->page = mmap(NULL, (size_t)page, PROT_READ | PROT_EXEC, MAP_PRIVATE, s->fd, 0);
	if (s->page == MAP_FAILED) {
		s->page = NULL;
		return -errno;
	}
	return 0;
}

/* Opens the file for this pid: ours, regular, never through a symlink. */
static int open_sink(struct sink *s)
{
	struct stat st;
	pid_t pid = getpid();
	int err;

	if (s->fd >= 0 && s->owner == pid)
		return 0;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	snprintf(s->path, sizeof(s->path), s->pattern, (int)pid);
	/* O_TRUNC: a file left by a dead process with this pid describes someone else. */
	/* the jitdump is mapped too, which needs it open for reading */
	s->fd = open(s->path, (s->jit ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC | O_APPEND |
		     O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		failed_path = s->path;
		return -errno;
	}
	if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		err = -EPERM;
		goto error;
	}
	if (s->jit && (err = start_jitdump(s)))
		goto error;
	s->owner = pid;
	return 0;
error:
	close(s->fd);
	s->fd = -1;
	failed_path = s->path;
	return err;
}

static int flush_sink(struct sink *s)
{
	int err;

	if (!s->used)
		return 0;
	err = open_sink(s);
	if (!err)
		err = write_all(s->fd, s->buf, s->used);
	s->used = 0;
	s->written_ns = now_ns(CLOCK_MONOTONIC_COARSE);
	return err;
}

static int flush_locked(void)
{
	int err = flush_sink(&map), err2 = jit_on ? flush_sink(&jit) : 0;

	return err ? err : err2;
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
	long long t;

	if (!map.used)
		return;
	t = now_ns(CLOCK_MONOTONIC_COARSE);
	if (t - map.oldest_ns > MAX_AGE_NS)
		ppm_mapwriter_flush();
}

/* Room for need more bytes in s (the file opened, a full batch written): 0 or -errno. */
static int make_room(struct sink *s, size_t need)
{
	int err = 0;

	/* The first entry opens the file: a symlink or a foreign file is found now. */
	if (s->fd < 0 || s->owner != getpid())
		err = open_sink(s);
	if (!err && s->used + need > BUF_SIZE)
		err = flush_sink(s);
	if (!err && !s->used)
		s->oldest_ns = now_ns(CLOCK_MONOTONIC_COARSE);
	return err;
}

/* Appends s, with newlines (possible in a file name) made harmless for line readers. */
static void put(const char *s, size_t *off)
{
	for (; *s && *off < BUF_SIZE - 1; s++)
		map.buf[(*off)++] = *s == '\n' || *s == '\r' ? '?' : *s;
}

static int add_jit(uintptr_t start, const char *qualname, const char *filename)
{
	size_t name_len = 4 + strlen(qualname) + 1 + strlen(filename);
	size_t room = ppm_jitdump_stub_room(name_len);
	char name[1024];
	int err;

	if (room > BUF_SIZE || name_len >= sizeof(name))
		return 0; /* a name this long: the perf map still names the stub */
	err = make_room(&jit, room);
	if (err)
		return err;
	snprintf(name, sizeof(name), "py::%s:%s", qualname, filename);
	jit_index++;
	jit.used += ppm_jitdump_stub((unsigned char *)jit.buf + jit.used, start, jit_index,
				     jit_salt ^ (jit_index << 20) ^ start, (uint32_t)getpid(),
				     (uint32_t)syscall(SYS_gettid),
				     (uint64_t)now_ns(CLOCK_MONOTONIC), name, name_len);
	return jit.used >= FLUSH_AT ? flush_sink(&jit) : 0;
}

/*
 * A thread of its own writes out entries that have waited: a function made just
 * before a long loop that calls nothing (no call, no tick) is still named within
 * ~100 ms. It wakes ten times a second while there are entries, and ends after a
 * second without any (started again by the next one, in a forked child too); it
 * blocks every signal, which stay the program's.
 */
static pid_t flusher_of;

static void *flusher(void *arg)
{
	int idle = 0;

	(void)arg;
	/* a name of its own: top -H shows whose thread it is, and record --off-cpu leaves
	 * its waits out (lib/offcpu.h) */
	prctl(PR_SET_NAME, "pyperfmap-flush", 0, 0, 0);
	while (idle < 10) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		pthread_mutex_lock(&lock);
		if (flusher_of != getpid()) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		idle = map.used ? 0 : idle + 1;
		if (map.used && now_ns(CLOCK_MONOTONIC_COARSE) - map.oldest_ns >= MAX_AGE_NS)
			flush_locked();
		if (idle >= 10)
			flusher_of = 0; /* the next entry starts another */
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

/* Under the lock. */
static void start_flusher(void)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;

	if (flusher_of == getpid())
		return;
	flusher_of = getpid();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	if (pthread_create(&t, &attr, flusher, NULL))
		flusher_of = 0;
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int ppm_mapwriter_add(uintptr_t start, unsigned int size, const char *qualname,
		      const char *filename)
{
	char head[48];
	size_t need = strlen(qualname) + strlen(filename) + 64, off;
	int err;

	pthread_mutex_lock(&lock);
	err = make_room(&map, need > BUF_SIZE ? BUF_SIZE : need);
	if (!err && jit_on)
		err = add_jit(start, qualname, filename);
	if (err) {
		pthread_mutex_unlock(&lock);
		return err;
	}
	off = map.used;
	snprintf(head, sizeof(head), "%lx %x py::", (unsigned long)start, size);
	put(head, &off);
	put(qualname, &off);
	put(":", &off);
	put(filename, &off);
	map.buf[off++] = '\n';
	nr_lines++;
	nr_bytes += off - map.used;
	map.used = off;
	/*
	 * Written in batches, but never sitting long: a stub made after 10 ms of quiet
	 * goes out at once (with what waited), the rest within ~100 ms (the flusher), so
	 * a live view or an attach names a function that runs in one long loop calling
	 * nothing. A start-up burst of thousands of functions takes a write per 10 ms.
	 */
	if (map.used >= FLUSH_AT ||
	    now_ns(CLOCK_MONOTONIC_COARSE) - map.written_ns >= 10 * 1000 * 1000LL)
		err = flush_sink(&map);
	if (map.used)
		start_flusher();
	pthread_mutex_unlock(&lock);
	return err;
}

const char *ppm_mapwriter_path(void)
{
	if (failed_path)
		return failed_path;
	if (!map.path[0])
		snprintf(map.path, sizeof(map.path), map.pattern, (int)getpid());
	return map.path;
}

const char *ppm_mapwriter_jitdump_path(void)
{
	return jit_on ? jit.path : NULL;
}

void ppm_mapwriter_stats(uint64_t *lines, uint64_t *bytes)
{
	*lines = nr_lines;
	*bytes = nr_bytes;
}

static void before_fork(void)
{
	pthread_mutex_lock(&lock);
	flush_locked(); /* the child must not inherit the parent's unwritten entries */
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void reset_in_child(struct sink *s)
{
	/* The child writes its own files, opened on its first new stub. The parent's
	 * jitdump page stays mapped (the child cannot tell perf otherwise). */
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->owner = 0;
	s->path[0] = '\0';
	s->used = 0;
}

static void after_fork_child(void)
{
	reset_in_child(&map);
	reset_in_child(&jit);
	failed_path = NULL;
	pthread_mutex_unlock(&lock);
}

static void at_exit(void)
{
	ppm_mapwriter_flush();
}

void ppm_mapwriter_init(int jitdump)
{
	if (jitdump && !jit_on) {
		pthread_mutex_lock(&lock);
		jit_on = 1;
		jit_salt = (uint64_t)getpid() << 40 ^ (uint64_t)now_ns(CLOCK_MONOTONIC);
		pthread_mutex_unlock(&lock);
	}
	if (inited)
		return;
	inited = 1;
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
	atexit(at_exit);
}
