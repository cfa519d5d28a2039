#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jitdump.h"
#include "machine.h"
#include "perfmap.h"
#include "../util/array.h"
#include "../util/mapfile.h"

struct map {
	uint64_t start, end, pgoff;
	struct ppm_dso *dso;
};

struct proc {
	pid_t pid;
	pid_t parent;          /* from the FORK record, for stubs inherited across fork */
	struct map *maps;
	size_t nr, cap;
	struct ppm_dso *perfmap;   /* loaded on first anonymous address */
	int perfmap_tried;
};

struct thread {
	pid_t tid;
	const char *comm;
};

/* Open-addressing table from a pid/tid to a pointer. */
struct idtab {
	struct { pid_t key; void *val; } *slots;
	size_t cap, nr;
};

struct embedded_map {
	pid_t pid;
	const char *text;
	size_t len;
};

struct ppm_machine {
	struct ppm_dsos dsos;
	struct idtab procs, threads;
	struct ppm_dso *kernel;
	char **comms;              /* interned thread names */
	size_t nr_comms;
	struct embedded_map *embedded;
	size_t nr_embedded;
	int disk_perfmaps;
	struct ppm_machine_stats stats;
};

static size_t id_slot(const struct idtab *t, pid_t key)
{
	size_t i = (size_t)(uint32_t)key * 2654435761u % t->cap;

	while (t->slots[i].val && t->slots[i].key != key)
		i = (i + 1) % t->cap;
	return i;
}

static void *id_get(const struct idtab *t, pid_t key)
{
	return t->cap ? t->slots[id_slot(t, key)].val : NULL;
}

static int id_put(struct idtab *t, pid_t key, void *val)
{
	size_t i;

	if ((t->nr + 1) * 2 > t->cap) {
		struct idtab bigger = { NULL, t->cap ? t->cap * 2 : 256, 0 };

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			return -ENOMEM;
		for (size_t k = 0; k < t->cap; k++)
			if (t->slots[k].val) {
				size_t j = id_slot(&bigger, t->slots[k].key);

				bigger.slots[j] = t->slots[k];
				bigger.nr++;
			}
		free(t->slots);
		*t = bigger;
	}
	i = id_slot(t, key);
	if (!t->slots[i].val)
		t->nr++;
	t->slots[i].key = key;
	t->slots[i].val = val;
	return 0;
}

struct ppm_machine *ppm_machine__new(void)
{
	struct ppm_machine *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	if (ppm_dsos__init(&m->dsos)) {
		free(m);
		return NULL;
	}
	m->disk_perfmaps = 1;
	m->kernel = ppm_dsos__get(&m->dsos, "[kernel.kallsyms]", PPM_DSO_KERNEL);
	if (!m->kernel) {
		ppm_machine__free(m);
		return NULL;
	}
	return m;
}

static void free_proc(struct proc *p)
{
	free(p->maps);
	free(p);
}

void ppm_machine__free(struct ppm_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->procs.cap; i++)
		if (m->procs.slots[i].val)
			free_proc(m->procs.slots[i].val);
	for (size_t i = 0; i < m->threads.cap; i++)
		free(m->threads.slots[i].val);
	for (size_t i = 0; i < m->nr_comms; i++)
		free(m->comms[i]);
	free(m->comms);
	free(m->procs.slots);
	free(m->threads.slots);
	free(m->embedded);
	ppm_dsos__release(&m->dsos);
	free(m);
}

void ppm_machine__set_kernel_addrs(struct ppm_machine *m, const uint64_t *addrs, size_t nr)
{
	m->dsos.kernel_addrs = addrs;
	m->dsos.nr_kernel_addrs = nr;
}

void ppm_machine__set_kallsyms(struct ppm_machine *m, const char *path)
{
	m->dsos.kallsyms_path = path;
}

void ppm_machine__set_symfs(struct ppm_machine *m, const char *dir)
{
	m->dsos.symfs = dir;
}

void ppm_machine__set_kernel_symbols(struct ppm_machine *m, const char *text, size_t len)
{
	m->dsos.kernel_text = text;
	m->dsos.kernel_text_len = len;
}

void ppm_machine__set_disk_perfmaps(struct ppm_machine *m, int on)
{
	m->disk_perfmaps = on;
}

int ppm_machine__add_perfmap_text(struct ppm_machine *m, pid_t pid, const char *text, size_t len)
{
	struct embedded_map *e = realloc(m->embedded, (m->nr_embedded + 1) * sizeof(*e));

	if (!e)
		return -ENOMEM;
	m->embedded = e;
	e[m->nr_embedded].pid = pid;
	e[m->nr_embedded].text = text;
	e[m->nr_embedded].len = len;
	m->nr_embedded++;
	return 0;
}

/* The entry for key, created zeroed (size bytes) on first use. */
static void *id_get_or_new(struct idtab *t, pid_t key, size_t size)
{
	void *v = id_get(t, key);

	if (v)
		return v;
	v = calloc(1, size);
	if (!v)
		return NULL;
	if (id_put(t, key, v)) {
		free(v);
		return NULL;
	}
	return v;
}

static struct proc *get_proc(struct ppm_machine *m, pid_t pid)
{
	struct proc *p = id_get_or_new(&m->procs, pid, sizeof(*p));

	if (p)
		p->pid = pid;
	return p;
}

static int map_reserve(struct proc *p, size_t extra)
{
	if (p->nr + extra > p->cap) {
		if (ppm_array__reserve((void **)&p->maps, &p->cap, p->nr + extra, sizeof(*p->maps)))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_map(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Inserts [start, end), cutting back whatever it overlaps, as a new mmap replaces pages. */
static int insert_map(struct proc *p, const struct map *nm)
{
	struct map *out = malloc((p->nr + 2) * sizeof(*out));
	size_t n = 0, cap;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < p->nr; i++) {
		struct map cur = p->maps[i];

		if (cur.end <= nm->start || cur.start >= nm->end) {
			out[n++] = cur;
			continue;
		}
		if (cur.start < nm->start) {
			out[n] = cur;
			out[n++].end = nm->start;
		}
		if (cur.end > nm->end) {
			out[n] = cur;
			out[n].pgoff += nm->end - cur.start;
			out[n++].start = nm->end;
		}
	}
	out[n++] = *nm;
	qsort(out, n, sizeof(*out), cmp_map);
	cap = p->nr + 2;
	free(p->maps);
	p->maps = out;
	p->nr = n;
	p->cap = cap;
	return 0;
}

static enum ppm_dso_kind kind_of(const char *filename)
{
	if (!strcmp(filename, "[vdso]"))
		return PPM_DSO_VDSO;
	if (!*filename || !strncmp(filename, "//anon", 6) || !strncmp(filename, "[anon", 5) ||
	    !strcmp(filename, "[heap]") || !strncmp(filename, "[stack", 6) ||
	    !strncmp(filename, "/dev/zero", 9) || !strncmp(filename, "/memfd:", 7) ||
	    !strncmp(filename, "/SYSV", 5))
		return PPM_DSO_ANON;
	if (filename[0] == '[')
		return PPM_DSO_ANON;
	return PPM_DSO_ELF;
}

int ppm_machine__mmap(struct ppm_machine *m, pid_t pid, uint64_t start, uint64_t len,
		      uint64_t pgoff, const char *filename, int kernel)
{
	struct map nm;
	struct proc *p;

	if (kernel)
		return 0; /* kernel text is resolved through kallsyms by address */
	if (!len || start + len < start)
		return -EINVAL;
	p = get_proc(m, pid);
	if (!p)
		return -ENOMEM;
	nm.start = start;
	nm.end = start + len;
	nm.pgoff = pgoff;
	nm.dso = ppm_dsos__get(&m->dsos, *filename ? filename : "//anon", kind_of(filename));
	if (!nm.dso)
		return -ENOMEM;
	return insert_map(p, &nm);
}

static const char *intern_comm(struct ppm_machine *m, const char *comm)
{
	char **grown;

	for (size_t i = m->nr_comms; i > 0; i--)
		if (!strcmp(m->comms[i - 1], comm))
			return m->comms[i - 1];
	grown = realloc(m->comms, (m->nr_comms + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	m->comms = grown;
	grown[m->nr_comms] = strdup(comm);
	if (!grown[m->nr_comms])
		return NULL;
	return grown[m->nr_comms++];
}

static struct thread *get_thread(struct ppm_machine *m, pid_t tid)
{
	struct thread *t = id_get_or_new(&m->threads, tid, sizeof(*t));

	if (t)
		t->tid = tid;
	return t;
}

int ppm_machine__comm(struct ppm_machine *m, pid_t pid, pid_t tid, const char *comm, int exec)
{
	struct thread *t = get_thread(m, tid);

	if (!t)
		return -ENOMEM;
	t->comm = intern_comm(m, comm);
	if (exec) {
		/* exec replaces the address space; the new image's mmaps follow. */
		struct proc *p = get_proc(m, pid);

		if (!p)
			return -ENOMEM;
		p->nr = 0;
		p->perfmap = NULL;
		p->perfmap_tried = 0;
		p->parent = 0;
	}
	return t->comm ? 0 : -ENOMEM;
}

int ppm_machine__fork(struct ppm_machine *m, pid_t pid, pid_t ppid, pid_t tid)
{
	struct thread *t = get_thread(m, tid), *pt;

	if (!t)
		return -ENOMEM;
	if (pid == ppid) {
		/* A new thread: it shares the process; it starts with its parent's name. */
		pt = id_get(&m->threads, pid);
		if (!t->comm && pt)
			t->comm = pt->comm;
		return 0;
	}
	{
		struct proc *parent = get_proc(m, ppid), *child;

		if (!parent)
			return -ENOMEM;
		child = get_proc(m, pid);
		if (!child)
			return -ENOMEM;
		/* A reused pid starts over. */
		child->nr = 0;
		child->perfmap = NULL;
		child->perfmap_tried = 0;
		child->parent = ppid;
		if (map_reserve(child, parent->nr))
			return -ENOMEM;
		memcpy(child->maps, parent->maps, parent->nr * sizeof(*parent->maps));
		child->nr = parent->nr;
		pt = id_get(&m->threads, ppid);
		t->comm = pt ? pt->comm : t->comm;
	}
	return 0;
}

void ppm_machine__exit(struct ppm_machine *m, pid_t pid, pid_t tid)
{
	/* Kept: samples may still arrive out of order for a process that just exited. */
	(void)m;
	(void)pid;
	(void)tid;
}

/* No perf map: the names a jitdump gives (CPython's -X perf_jit writes only that). */
static int load_jitdump(struct ppm_dso *d, pid_t pid)
{
	struct stat st;
	char path[64], *text;
	size_t len, bad;
	int err;

	snprintf(path, sizeof(path), "/tmp/jit-%d.dump", pid);
	if (lstat(path, &st))
		return -ENOENT;
	if (!ppm_mapfile__trusted(&st, pid, (uid_t)-1))
		return -EPERM;
	err = ppm_jitdump__load_text(path, PPM_JITDUMP_MAX, &text, &len);
	if (err)
		return err;
	err = text ? ppm_perfmap__parse(&d->syms, text, len, &bad) : -ENOENT;
	free(text);
	return err;
}

static struct ppm_dso *load_perfmap_dso(struct ppm_machine *m, pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", pid);
	return ppm_dsos__get(&m->dsos, path, PPM_DSO_PERFMAP);
}

static struct ppm_dso *load_perfmap(struct ppm_machine *m, struct proc *p)
{
	struct ppm_dso *d;
	size_t bad = 0;
	int found = 0;

	p->perfmap_tried = 1;
	d = load_perfmap_dso(m, p->pid);
	if (!d)
		return NULL;
	if (!d->loaded) {
		d->loaded = 1;
		for (size_t i = 0; i < m->nr_embedded; i++)
			if (m->embedded[i].pid == p->pid) {
				d->load_err = ppm_perfmap__parse(&d->syms, m->embedded[i].text,
								 m->embedded[i].len, &bad);
				found = 1;
				m->stats.perfmap_bad_lines += bad;
			}
		if (!found && m->disk_perfmaps) {
			uint64_t cut;

			d->load_err = ppm_perfmap__load_from(&d->syms, d->path, p->pid, 0, &d->map_end,
							     &bad, &cut);
			d->from_disk = !d->load_err;
			m->stats.perfmap_bad_lines += bad;
			m->stats.perfmap_cut_bytes += cut;
			m->stats.perfmap_foreign += d->load_err == -EPERM;
			if (d->load_err == -ENOENT) {
				d->load_err = load_jitdump(d, p->pid);
				m->stats.perfmap_foreign += d->load_err == -EPERM;
			}
		} else if (!found) {
			d->load_err = -ENOENT;
		}
		ppm_symtab__finalize(&d->syms, 0);
	}
	p->perfmap = d->load_err ? NULL : d;
	return p->perfmap;
}

/* A perf map's symbol at addr: what was appended last wins (an address reused). */
static const struct ppm_symbol *perfmap_find(const struct ppm_dso *d, uint64_t addr)
{
	for (size_t i = d->nr_more; i > 0; i--) {
		const struct ppm_symbol *s = ppm_symtab__find(&d->more[i - 1], addr);

		if (s)
			return s;
	}
	return ppm_symtab__find(&d->syms, addr);
}

/* The lines appended to p's map on disk since it was read, in a table of their own. */
static int read_appended(struct ppm_machine *m, struct proc *p)
{
	struct ppm_dso *d = p->perfmap;
	struct ppm_symtab t = { 0 };
	struct stat st;
	size_t bad = 0;
	uint64_t end, cut;
	int err;

	if (stat(d->path, &st) || (uint64_t)st.st_size <= d->map_end)
		return 0;
	err = ppm_perfmap__load_from(&t, d->path, p->pid, d->map_end, &end, &bad, &cut);
	m->stats.perfmap_bad_lines += bad;
	m->stats.perfmap_cut_bytes += cut;
	if (err || !t.nr) {
		ppm_symtab__release(&t);
		return err;
	}
	ppm_symtab__finalize(&t, 0);
	if (ppm_array__reserve((void **)&d->more, &d->cap_more, d->nr_more + 1, sizeof(*d->more))) {
		ppm_symtab__release(&t);
		return -ENOMEM;
	}
	d->more[d->nr_more++] = t;
	d->map_end = end;
	return (int)t.nr;
}

int ppm_machine__refresh_perfmaps(struct ppm_machine *m)
{
	int added = 0;

	if (!m->disk_perfmaps)
		return 0;
	for (size_t i = 0; i < m->procs.cap; i++) {
		struct proc *p = m->procs.slots[i].val;
		int n;

		if (!p || !p->perfmap_tried)
			continue;
		if (!p->perfmap) {
			/* none when first asked: the trampoline may have started since */
			struct ppm_dso *d = load_perfmap_dso(m, p->pid);

			if (d && d->load_err) {
				d->loaded = 0;
				d->load_err = 0;
			}
			p->perfmap_tried = 0;
			added++;
			continue;
		}
		if (!p->perfmap->from_disk)
			continue; /* embedded, or a jitdump's: read once */
		n = read_appended(m, p);
		if (n < 0)
			return n;
		added += n;
	}
	return added;
}

/* JIT code: this process's perf map, then its fork ancestors' (stubs survive fork). */
static void resolve_anon(struct ppm_machine *m, struct proc *p, uint64_t addr,
			 struct ppm_resolved *res)
{
	for (int depth = 0; p && depth < 16; depth++) {
		struct ppm_dso *d = p->perfmap_tried ? p->perfmap : load_perfmap(m, p);
		const struct ppm_symbol *s = d ? perfmap_find(d, addr) : NULL;

		if (s) {
			res->dso = d;
			res->sym = s;
			res->rel = addr;
			return;
		}
		p = p->parent && p->parent != p->pid ? id_get(&m->procs, p->parent) : NULL;
	}
}

static const struct map *find_map(const struct proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->maps[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && addr < p->maps[lo - 1].end ? &p->maps[lo - 1] : NULL;
}

int ppm_machine__find_map(struct ppm_machine *m, pid_t pid, uint64_t addr, struct ppm_dso **dso,
			  uint64_t *file_off)
{
	struct proc *p = id_get(&m->procs, pid);
	const struct map *mp = p ? find_map(p, addr) : NULL;

	*dso = mp ? mp->dso : NULL;
	*file_off = mp ? addr - mp->start + mp->pgoff : 0;
	return mp ? 0 : -ENOENT;
}

void ppm_machine__resolve(struct ppm_machine *m, pid_t pid, uint64_t addr, int kernel,
			  struct ppm_resolved *res)
{
	struct proc *p;
	const struct map *mp;

	memset(res, 0, sizeof(*res));
	res->rel = addr;
	res->kernel = kernel;
	if (kernel) {
		uint64_t a;

		res->dso = m->kernel;
		res->sym = ppm_dso__find(&m->dsos, m->kernel, addr, &a);
		m->stats.kernel_hidden = m->kernel->load_err != 0;
		return;
	}
	p = id_get(&m->procs, pid);
	if (!p)
		return;
	mp = find_map(p, addr);
	if (mp) {
		uint64_t off = addr - mp->start + mp->pgoff;

		if (mp->dso->kind == PPM_DSO_ANON) {
			res->dso = mp->dso;
			resolve_anon(m, p, addr, res);
			return;
		}
		res->dso = mp->dso;
		res->rel = off;
		res->sym = ppm_dso__find(&m->dsos, mp->dso, off, &res->rel);
		return;
	}
	/* No mapping (a perf record file without the MMAP record, say): try the perf map. */
	resolve_anon(m, p, addr, res);
}

const char *ppm_machine__comm_of(struct ppm_machine *m, pid_t pid, pid_t tid)
{
	struct thread *t = id_get(&m->threads, tid);
	char buf[32];

	if (!t || !t->comm)
		t = id_get(&m->threads, pid);
	if (t && t->comm)
		return t->comm;
	snprintf(buf, sizeof(buf), ":%d", tid);
	return intern_comm(m, buf);
}

const struct ppm_machine_stats *ppm_machine__stats(const struct ppm_machine *m)
{
	return &m->stats;
}
