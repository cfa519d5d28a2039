/* Tracepoints from tracefs (see tracepoint.h). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracepoint.h"
#include "../util/slurp.h"

static char tracefs[4096];
static int tracefs_err; /* the first look's result, kept */

static int has_events(const char *dir)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int find_mounted(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], dir[4096], type[64];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "tracefs") && has_events(dir)) {
			snprintf(tracefs, sizeof(tracefs), "%s", dir);
			found = 1;
		}
	fclose(f);
	return found;
}

const char *ppm_tracefs__dir(void)
{
	static const char *const known[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	if (*tracefs)
		return tracefs;
	if (tracefs_err) {
		errno = tracefs_err;
		return NULL;
	}
	if (find_mounted())
		return tracefs;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (has_events(known[i])) {
			snprintf(tracefs, sizeof(tracefs), "%s", known[i]);
			return tracefs;
		}
	/* as perf does for root: mounted where the kernel made its mount point */
	if (geteuid() == 0 && mount("nodev", known[0], "tracefs", 0, NULL) == 0 && has_events(known[0])) {
		snprintf(tracefs, sizeof(tracefs), "%s", known[0]);
		return tracefs;
	}
	tracefs_err = access(known[0], R_OK) && errno == EACCES ? EACCES : ENOENT;
	errno = tracefs_err;
	return NULL;
}

/* "subsys:name" with one colon, neither part empty nor holding a '/' or "..". */
static int split(const char *name, char *subsys, size_t slen, const char **event)
{
	const char *colon = strchr(name, ':');

	if (!colon || colon == name || !colon[1] || strchr(colon + 1, ':') || strchr(name, '/') ||
	    strstr(name, "..") || (size_t)(colon - name) >= slen)
		return -ENOENT;
	memcpy(subsys, name, (size_t)(colon - name));
	subsys[colon - name] = '\0';
	*event = colon + 1;
	return 0;
}

int ppm_tracepoint__id(const char *name, uint64_t *id)
{
	const char *dir, *event;
	char subsys[256], path[4600];
	unsigned long long v;
	FILE *f;
	int ok;

	if (split(name, subsys, sizeof(subsys), &event))
		return -ENOENT;
	dir = ppm_tracefs__dir();
	if (!dir)
		return errno == EACCES ? -EACCES : -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, subsys, event);
	f = fopen(path, "r");
	if (!f)
		return errno == EACCES ? -EACCES : -ENOENT;
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok)
		return -ENOENT;
	*id = v;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_dir_entry(const struct dirent *d)
{
	return d->d_name[0] != '.' && (d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
}

int ppm_tracepoint__each(const char *pattern, int (*fn)(void *ctx, const char *name), void *ctx)
{
	const char *dir = ppm_tracefs__dir();
	struct dirent **subs = NULL;
	char path[4600], name[600];
	int ns, ret = 0;

	if (!dir)
		return errno == EACCES ? -EACCES : -ENOENT;
	snprintf(path, sizeof(path), "%s/events", dir);
	ns = scandir(path, &subs, is_dir_entry, by_name);
	if (ns < 0)
		return -errno;
	for (int i = 0; i < ns; i++) {
		struct dirent **evs = NULL;
		int ne;

		snprintf(path, sizeof(path), "%s/events/%s", dir, subs[i]->d_name);
		ne = ret ? 0 : scandir(path, &evs, is_dir_entry, by_name);
		for (int k = 0; k < ne; k++) {
			snprintf(name, sizeof(name), "%s:%s", subs[i]->d_name, evs[k]->d_name);
			if (!ret && (!pattern || fnmatch(pattern, name, 0) == 0))
				ret = fn(ctx, name);
			free(evs[k]);
		}
		free(evs);
		free(subs[i]);
	}
	free(subs);
	return ret;
}

/* The whole of a tracefs file (their size reads as 0 in stat). */
static int read_all(const char *path, char **out, size_t *len)
{
	return ppm_slurp(path, 4096, out, len);
}

/* "name\0", a u64 size, then a tracefs file's bytes (a header or an event format) */
static int put_file(FILE *out, const char *tag, size_t tag_len, const char *path)
{
	uint64_t size;
	char *text = NULL;
	size_t len = 0;
	int err = read_all(path, &text, &len);

	if (err)
		return err;
	size = len;
	if ((tag && fwrite(tag, 1, tag_len, out) != tag_len) || fwrite(&size, 8, 1, out) != 1 ||
	    (len && fwrite(text, 1, len, out) != len))
		err = -EIO;
	free(text);
	return err;
}

static int by_subsys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ppm_tracepoint__tracing_data(const char *const *names, int nr, void **buf, size_t *len)
{
	static const unsigned char magic[] = { 23, 8, 68, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	const char *dir = ppm_tracefs__dir();
	const char **sorted = NULL;
	char path[4800], *mem = NULL;
	size_t memlen = 0;
	uint32_t u32, page = (uint32_t)sysconf(_SC_PAGESIZE);
	uint64_t u64 = 0;
	unsigned char one;
	FILE *out;
	int err = 0, systems = 0;

	if (!dir)
		return -ENOENT;
	sorted = malloc((size_t)(nr ? nr : 1) * sizeof(*sorted));
	out = sorted ? open_memstream(&mem, &memlen) : NULL;
	if (!out) {
		free(sorted);
		return -ENOMEM;
	}
	memcpy(sorted, names, (size_t)nr * sizeof(*sorted));
	qsort(sorted, (size_t)nr, sizeof(*sorted), by_subsys);
	fwrite(magic, 1, sizeof(magic), out);
	fwrite("0.6", 1, 4, out);
	one = 0;                  /* little endian */
	fwrite(&one, 1, 1, out);
	one = sizeof(long);
	fwrite(&one, 1, 1, out);
	fwrite(&page, 4, 1, out);
	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	err = put_file(out, "header_page", 12, path);
	snprintf(path, sizeof(path), "%s/events/header_event", dir);
	err = err ? err : put_file(out, "header_event", 13, path);
	u32 = 0;                  /* no ftrace (function tracer) formats */
	fwrite(&u32, 4, 1, out);
	for (int i = 0; i < nr; i++)
		systems += !i || strncmp(sorted[i], sorted[i - 1], strcspn(sorted[i], ":") + 1);
	u32 = (uint32_t)systems;
	fwrite(&u32, 4, 1, out);
	for (int i = 0; i < nr && !err;) {
		size_t sl = strcspn(sorted[i], ":");
		int k = i;

		while (k < nr && !strncmp(sorted[k], sorted[i], sl + 1))
			k++;
		fwrite(sorted[i], 1, sl, out);
		fputc('\0', out);
		u32 = (uint32_t)(k - i);
		fwrite(&u32, 4, 1, out);
		for (; i < k && !err; i++) {
			snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", dir, (int)sl, sorted[i],
				 sorted[i] + sl + 1);
			err = put_file(out, NULL, 0, path);
		}
	}
	u32 = 0;
	fwrite(&u32, 4, 1, out); /* no kallsyms: perf resolves those itself */
	fwrite(&u32, 4, 1, out); /* no printk formats */
	fwrite(&u64, 8, 1, out); /* no saved command lines */
	if (fclose(out) && !err)
		err = -EIO;
	free(sorted);
	if (err) {
		free(mem);
		return err;
	}
	*buf = mem;
	*len = memlen;
	return 0;
}
