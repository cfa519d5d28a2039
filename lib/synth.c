#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synth.h"
#include "../util/mapfile.h"

#define MAX_PERFMAP (64u << 20)  /* a map larger than this is not a perf map */

int ppm_pidset__add(struct ppm_pidset *set, pid_t pid)
{
	size_t i;

	if (pid <= 0)
		return 0;
	if ((set->nr + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		pid_t *slots = calloc(cap, sizeof(pid_t));
		uid_t *uids = calloc(cap, sizeof(uid_t));

		if (!slots || !uids) {
			free(slots);
			free(uids);
			return -ENOMEM;
		}
		for (i = 0; i < set->cap; i++) {
			if (!set->slots[i])
				continue;
			size_t j = (size_t)set->slots[i] * 2654435761u % cap;

			while (slots[j])
				j = (j + 1) % cap;
			slots[j] = set->slots[i];
			uids[j] = set->uids[i];
		}
		free(set->slots);
		free(set->uids);
		set->slots = slots;
		set->uids = uids;
		set->cap = cap;
	}
	for (i = (size_t)pid * 2654435761u % set->cap; set->slots[i]; i = (i + 1) % set->cap)
		if (set->slots[i] == pid)
			return 0;
	set->slots[i] = pid;
	set->uids[i] = ppm_mapfile__process_uid(pid); /* while it runs: its maps' owner */
	set->nr++;
	return 1;
}

void ppm_pidset__release(struct ppm_pidset *set)
{
	free(set->slots);
	free(set->uids);
	memset(set, 0, sizeof(*set));
}

union rec_buf {
	struct perf_event_header h;
	unsigned char bytes[PATH_MAX + 256];
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

int ppm_synth__kernel_mmap(ppm_emit_fn emit, void *ctx)
{
	static const char name[] = "[kernel.kallsyms]_text";
	FILE *f = fopen("/proc/kallsyms", "r");
	union rec_buf r;
	unsigned long long text = 0;
	char line[512];
	size_t off;

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, sym[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && !strcmp(sym, "_text")) {
			text = addr;
			break;
		}
	}
	fclose(f);
	if (!text)
		return -ENOENT; /* kptr_restrict hides addresses */
	memset(&r, 0, sizeof(r));
	r.h.type = PERF_RECORD_MMAP;
	r.h.misc = PERF_RECORD_MISC_KERNEL;
	off = sizeof(r.h);
	{
		uint32_t pidtid[2] = { UINT32_MAX, 0 };
		uint64_t range[3] = { text, ~0ULL - text, text }; /* start, len, pgoff */

		memcpy(r.bytes + off, pidtid, sizeof(pidtid));
		off += sizeof(pidtid);
		memcpy(r.bytes + off, range, sizeof(range));
		off += sizeof(range);
	}
	memcpy(r.bytes + off, name, sizeof(name));
	off += pad8(sizeof(name));
	r.h.size = (uint16_t)off;
	return emit(ctx, &r.h, UINT32_MAX, 0);
}

static int synth_comm(pid_t pid, pid_t tid, ppm_emit_fn emit, void *ctx)
{
	union rec_buf r;
	char path[64], comm[32] = "";
	uint32_t ids[2] = { (uint32_t)pid, (uint32_t)tid };
	FILE *f;
	size_t off = sizeof(r.h), len;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return 0; /* the thread is gone */
	/* the name, and the newline the kernel ends it with (a name may hold one itself) */
	len = fread(comm, 1, sizeof(comm) - 1, f);
	fclose(f);
	comm[len] = '\0';
	if (len && comm[len - 1] == '\n')
		comm[len - 1] = '\0';
	memset(&r, 0, sizeof(r));
	r.h.type = PERF_RECORD_COMM;
	memcpy(r.bytes + off, ids, sizeof(ids));
	off += sizeof(ids);
	len = strlen(comm) + 1;
	memcpy(r.bytes + off, comm, len);
	off += pad8(len);
	r.h.size = (uint16_t)off;
	return emit(ctx, &r.h, (uint32_t)pid, (uint32_t)tid);
}

static int synth_maps(pid_t pid, ppm_emit_fn emit, void *ctx)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff, ino;
		unsigned int maj, min;
		char perms[8], file[PATH_MAX] = "";
		union rec_buf r;
		size_t off = sizeof(r.h), len;
		int n = sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %4095[^\n]", &start, &end, perms,
			       &pgoff, &maj, &min, &ino, file);

		if (n < 7 || perms[2] != 'x')
			continue;
		char *name = file + strspn(file, " ");

		if (!*name)
			name = "//anon";
		memset(&r, 0, sizeof(r));
		r.h.type = PERF_RECORD_MMAP2;
		r.h.misc = PERF_RECORD_MISC_USER;
		{
			uint32_t ids[2] = { (uint32_t)pid, (uint32_t)pid };
			uint64_t range[3] = { start, end - start, pgoff };
			uint32_t dev[2] = { maj, min };
			uint64_t inode[2] = { ino, 0 };
			uint32_t prot = (perms[0] == 'r' ? PROT_READ : 0) |
					(perms[1] == 'w' ? PROT_WRITE : 0) | PROT_EXEC;
			uint32_t flags = perms[3] == 's' ? MAP_SHARED : MAP_PRIVATE;

			memcpy(r.bytes + off, ids, 8);
			off += 8;
			memcpy(r.bytes + off, range, 24);
			off += 24;
			memcpy(r.bytes + off, dev, 8);
			off += 8;
			memcpy(r.bytes + off, inode, 16);
			off += 16;
			memcpy(r.bytes + off, &prot, 4);
			memcpy(r.bytes + off + 4, &flags, 4);
			off += 8;
		}
		len = strlen(name) + 1;
		memcpy(r.bytes + off, name, len);
		off += pad8(len);
		r.h.size = (uint16_t)off;
		err = emit(ctx, &r.h, (uint32_t)pid, (uint32_t)pid);
	}
	fclose(f);
	return err;
}

int ppm_synth__process(pid_t pid, ppm_emit_fn emit, void *ctx)
{
	char path[64];
	struct dirent *de;
	DIR *dir;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid > 0)
			err = synth_comm(pid, tid, emit, ctx);
	}
	closedir(dir);
	return err ? err : synth_maps(pid, emit, ctx);
}

int ppm_synth__fork(pid_t pid, pid_t ppid, ppm_emit_fn emit, void *ctx)
{
	union rec_buf r;
	uint32_t ids[4] = { (uint32_t)pid, (uint32_t)ppid, (uint32_t)pid, (uint32_t)ppid };
	uint64_t time = 0;
	size_t off = sizeof(r.h);

	memset(&r, 0, sizeof(r));
	r.h.type = PERF_RECORD_FORK;
	memcpy(r.bytes + off, ids, sizeof(ids));
	off += sizeof(ids);
	memcpy(r.bytes + off, &time, 8);
	off += 8;
	r.h.size = (uint16_t)off;
	return emit(ctx, &r.h, (uint32_t)pid, (uint32_t)pid);
}

int ppm_synth__all(ppm_emit_fn emit, void *ctx, struct ppm_pidset *seen)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	int err = 0;

	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		int rc;

		if (pid <= 0)
			continue;
		rc = ppm_synth__process(pid, emit, ctx);
		/* gone since the listing, or a kernel thread (no maps to read) */
		if (rc && rc != -ENOENT && rc != -ESRCH && rc != -EACCES)
			err = rc;
		if (!err && !rc && ppm_pidset__add(seen, pid) < 0)
			err = -ENOMEM;
	}
	closedir(dir);
	return err;
}

/* When pid started (wall-clock seconds), from /proc/PID/stat and the boot time; -1 if gone. */
static time_t process_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks, btime = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* starttime is field 22; p is in field 2 */
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
		return -1;
	f = fopen("/proc/stat", "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	if (f)
		fclose(f);
	return btime ? (time_t)(btime + ticks / (unsigned long long)sysconf(_SC_CLK_TCK)) : -1;
}

static int append_map(pid_t pid, uid_t noted, time_t since, unsigned char **buf, size_t *size,
		      struct ppm_perfmap_skips *skips)
{
	char path[64];
	struct stat st;
	unsigned char *grown;
	uint32_t hdr[2];
	size_t need, len;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", pid);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/*
	 * A map older than its process belongs to an earlier process with the same pid.
	 * A process still running says when it started (an attached one long before the
	 * recording); one that is gone started after the recording did.
	 */
	{
		time_t started = process_start(pid);

		if (started > 0)
			since = started;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_mtime < since - 1) {
		close(fd);
		return 0;
	}
	if (!ppm_mapfile__trusted(&st, pid, noted)) {
		skips->foreign++;
		close(fd);
		return 0;
	}
	/* a map past the bound is read up to it (to the end of its last whole line there) */
	len = (size_t)st.st_size;
	if (len > MAX_PERFMAP) {
		skips->cut_bytes += len - MAX_PERFMAP;
		len = MAX_PERFMAP;
	}
	need = 8 + pad8(len);
	grown = realloc(*buf, *size + need);
	if (!grown) {
		close(fd);
		return -ENOMEM;
	}
	*buf = grown;
	memset(grown + *size, 0, need);
	n = pread(fd, grown + *size + 8, len, 0);
	close(fd);
	if (n < 0)
		return 0;
	if ((size_t)n < (size_t)st.st_size) {
		const unsigned char *nl = memrchr(grown + *size + 8, '\n', (size_t)n);
		size_t keep = nl ? (size_t)(nl - (grown + *size + 8)) + 1 : 0;

		skips->cut_bytes += (size_t)n - keep;
		memset(grown + *size + 8 + keep, 0, (size_t)n - keep);
		n = (ssize_t)keep;
	}
	hdr[0] = (uint32_t)pid;
	hdr[1] = (uint32_t)n;
	memcpy(grown + *size, hdr, 8);
	*size += 8 + pad8((size_t)n);
	return 1;
}

/* Text in the PERFMAPS layout: { u32 pid; u32 len; text; pad to 8 }. */
static int append_text(pid_t pid, const char *text, size_t len, unsigned char **buf, size_t *size)
{
	size_t need = 8 + pad8(len);
	unsigned char *grown = realloc(*buf, *size + need);
	uint32_t hdr[2] = { (uint32_t)pid, (uint32_t)len };

	if (!grown)
		return -ENOMEM;
	*buf = grown;
	memset(grown + *size, 0, need);
	memcpy(grown + *size, hdr, 8);
	memcpy(grown + *size + 8, text, len);
	*size += need;
	return 1;
}

int ppm_synth__collect_perfmaps(const struct ppm_pidset *set, time_t since,
				ppm_perfmap_text_fn fallback, void *fallback_ctx, void **buf,
				size_t *size, int *nr_maps, struct ppm_perfmap_skips *skips)
{
	unsigned char *out = NULL;
	size_t used = 0;

	*nr_maps = 0;
	memset(skips, 0, sizeof(*skips));
	for (size_t i = 0; i < set->cap; i++) {
		int rc;

		if (!set->slots[i])
			continue;
		rc = append_map(set->slots[i], set->uids[i], since, &out, &used, skips);
		if (rc == 0 && fallback) {
			char *text = NULL;
			size_t len = 0;

			if (fallback(fallback_ctx, set->slots[i], since, &text, &len) == 0 && text && len)
				rc = append_text(set->slots[i], text, len, &out, &used);
			free(text);
		}
		if (rc < 0) {
			free(out);
			return rc;
		}
		*nr_maps += rc;
	}
	*buf = out;
	*size = used;
	return 0;
}
