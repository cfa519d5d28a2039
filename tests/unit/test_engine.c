/*
 * The report engine on its own: the frame table, the hists (self, children, distinct
 * stacks, recursion counted once), the row keys, the resolver fed by the reader
 * (perfgen files: side band, embedded perf maps, DWARF samples unwound through a
 * stub named by its perf-map entry, kernel frames first), the reader's errors (a
 * sink that stops it, a file cut short, a damaged PERFMAPS section).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <cmocka.h>

#include "../../maps/machine.h"
#include "../../report/hist.h"
#include "../../session/frames.h"
#include "../../session/reader.h"
#include "../gen/perfgen.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ppm-engine-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_frames_intern(void **state)
{
	static const struct ppm_symbol sym = { 0x10, 0x20, "f", 0 };
	struct ppm_dso *dso = (struct ppm_dso *)0x1000; /* compared, never read */
	struct ppm_frames f = { 0 };
	struct ppm_frame a = { dso, &sym, 0, 0 }, b = a, c = { dso, NULL, 0x42, 0 }, d = c;
	uint32_t ia, ib, ic, id, ik;

	(void)state;
	b.rel = 0x99;   /* with a symbol the address does not matter */
	d.rel = 0x43;   /* without one it is the frame */
	assert_int_equal(ppm_frames__intern(&f, &a, &ia), 0);
	assert_int_equal(ppm_frames__intern(&f, &b, &ib), 0);
	assert_int_equal(ppm_frames__intern(&f, &c, &ic), 0);
	assert_int_equal(ppm_frames__intern(&f, &d, &id), 0);
	a.kernel = 1;
	assert_int_equal(ppm_frames__intern(&f, &a, &ik), 0);
	assert_int_equal(ia, ib);
	assert_int_not_equal(ic, id);
	assert_int_not_equal(ia, ik);
	assert_int_equal(f.nr, 4);
	/* many more: the index grows and every one is still found */
	for (uint64_t i = 0; i < 5000; i++) {
		struct ppm_frame x = { dso, NULL, 0x100000 + i, 0 };
		uint32_t id1, id2;

		assert_int_equal(ppm_frames__intern(&f, &x, &id1), 0);
		assert_int_equal(ppm_frames__intern(&f, &x, &id2), 0);
		assert_int_equal(id1, id2);
	}
	assert_int_equal(f.nr, 5004);
	ppm_frames__release(&f);
}

static void test_frame_kind(void **state)
{
	static const struct ppm_symbol py = { 0, 8, "py::f:/x.py", 0 };
	static const struct ppm_symbol eval = { 0, 8, "_PyEval_EvalFrameDefault", 0 };
	struct ppm_frame fpy = { NULL, &py, 0, 0 }, fk = { NULL, &eval, 0, 1 };

	(void)state;
	assert_int_equal(ppm_frame__kind(&fpy), PPM_FRAME_PYTHON);
	assert_true(ppm_frame__is_python(&fpy));
	assert_int_equal(ppm_frame__kind(&fk), PPM_FRAME_KERNEL);
	assert_false(ppm_frame__is_python(&fk));
	assert_true(ppm_name__is_python("py::x"));
	assert_false(ppm_name__is_python("pyx"));
}

/* Frame ids 0..3 stand for four functions; only their ids matter to a hist. */
static void fill_frames(struct ppm_frames *f)
{
	for (uint64_t i = 0; i < 4; i++) {
		struct ppm_frame x = { NULL, NULL, 0x1000 * (i + 1), 0 };
		uint32_t id;

		assert_int_equal(ppm_frames__intern(f, &x, &id), 0);
		assert_int_equal(id, i);
	}
}

static const struct hist_entry *row_of(const struct hist *h, uint32_t frame, const char *comm)
{
	for (size_t i = 0; i < h->nr_entries; i++)
		if (h->entries[i].frame == frame && (!comm || h->entries[i].key.comm == comm))
			return &h->entries[i];
	return NULL;
}

static void test_hist_self_children(void **state)
{
	struct ppm_frames f = { 0 };
	struct hist h;
	const char *comm = "prog";
	uint32_t s1[] = { 0, 1, 2 }, s2[] = { 1, 2 }, rec[] = { 3, 1, 3, 2 };
	const struct hist_entry *e;

	(void)state;
	fill_frames(&f);
	ppm_hist__init(&h, &f, SORT_COMM | SORT_DSO | SORT_SYM);
	assert_int_equal(ppm_hist__add(&h, comm, 1, s1, 3, 10), 0);
	assert_int_equal(ppm_hist__add(&h, comm, 1, s1, 3, 10), 0);
	assert_int_equal(ppm_hist__add(&h, comm, 1, s2, 2, 5), 0);
	assert_int_equal(h.total_samples, 3);
	assert_int_equal(h.total_period, 25);
	assert_int_equal(h.nr_stacks, 2);     /* s1 twice is one distinct stack */
	e = row_of(&h, 0, NULL);
	assert_non_null(e);
	assert_int_equal(e->self_period, 20);
	assert_int_equal(e->children_period, 20);
	e = row_of(&h, 1, NULL);
	assert_int_equal(e->self_period, 5);
	assert_int_equal(e->children_period, 25);
	e = row_of(&h, 2, NULL);
	assert_int_equal(e->self_period, 0);
	assert_int_equal(e->children_samples, 3);
	/* recursion: a function twice on one stack counts that sample once */
	assert_int_equal(ppm_hist__add(&h, comm, 1, rec, 4, 7), 0);
	e = row_of(&h, 3, NULL);
	assert_int_equal(e->self_period, 7);
	assert_int_equal(e->children_period, 7);
	assert_int_equal(e->children_samples, 1);
	/* the stacks are kept root first */
	for (size_t i = 0; i < h.nr_stacks; i++) {
		const struct hist_stack *s = &h.stacks[i];

		if (s->nr == 3) {
			assert_int_equal(h.arena[s->off], 2);
			assert_int_equal(h.arena[s->off + 2], 0);
			assert_int_equal(s->samples, 2);
		}
	}
	ppm_hist__release(&h);
	ppm_frames__release(&f);
}

static void test_hist_keys(void **state)
{
	struct ppm_frames f = { 0 };
	struct hist by_comm, by_sym;
	static const char a[] = "a", b[] = "b";
	uint32_t s[] = { 0 };
	struct hist_key k1, k2;

	(void)state;
	fill_frames(&f);
	ppm_hist__init(&by_comm, &f, SORT_COMM | SORT_SYM);
	ppm_hist__init(&by_sym, &f, SORT_SYM);
	ppm_hist__add(&by_comm, a, 1, s, 1, 1);
	ppm_hist__add(&by_comm, b, 2, s, 1, 1);
	ppm_hist__add(&by_sym, a, 1, s, 1, 1);
	ppm_hist__add(&by_sym, b, 2, s, 1, 1);
	assert_int_equal(by_comm.nr_entries, 2); /* one row per command */
	assert_int_equal(by_sym.nr_entries, 1);  /* commands not sorted by: one row */
	assert_int_equal(row_of(&by_sym, 0, NULL)->self_samples, 2);
	/* the one hash and equality: equal keys hash alike */
	k1 = by_comm.entries[0].key;
	k2 = k1;
	assert_true(ppm_hist_key__eq(&k1, &k2));
	assert_int_equal(ppm_hist_key__hash(&k1), ppm_hist_key__hash(&k2));
	k2.comm = b;
	assert_false(ppm_hist_key__eq(&k1, &k2));
	ppm_hist__release(&by_comm);
	ppm_hist__release(&by_sym);
	ppm_frames__release(&f);
}

/* A perfgen scene written to dir/name. */
static void make_file(const char *name, int (*scene)(int fd, void *arg), void *arg, char *path,
		      size_t len)
{
	int fd;

	snprintf(path, len, "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(scene(fd, arg), 0);
	close(fd);
}

static int dwarf_scene(int fd, void *arg)
{
	return perfgen_dwarf(fd, arg);
}

static int simple_scene(int fd, void *arg)
{
	struct perfgen_simple_spec spec = { .nr_events = 2, .nr_samples = 40, .callchain = 1 };

	(void)arg;
	return perfgen_simple(fd, &spec);
}

static int cut_scene(int fd, void *arg)
{
	(void)arg;
	return perfgen_cut(fd);
}

static struct ppm_reader *open_reader(const char *path)
{
	struct ppm_reader_opts o = { path, "/dev/null", NULL, 0, NULL };
	struct ppm_reader *r;
	struct ppm_err err;

	assert_int_equal(ppm_reader__open(&r, &o, &err), 0);
	return r;
}

/* The name of frame id of r, or "" for an unnamed one. */
static const char *name_of(const struct ppm_reader *r, uint32_t id)
{
	const struct ppm_frame *f = &r->res.frames.v[id];

	return f->sym ? f->sym->name : "";
}

static void test_reader_dwarf(void **state)
{
	char path[128], elf[128];
	struct ppm_reader *r;
	struct ppm_hists hs;
	struct ppm_err err;
	uint64_t through_stub = 0, kernel_first = 0;

	(void)state;
	snprintf(elf, sizeof(elf), "%s/prog.so", dir);
	make_file("dwarf.data", dwarf_scene, elf, path, sizeof(path));
	r = open_reader(path);
	assert_int_equal(ppm_hists__init(&hs, r->data->nr_attrs, &r->res.frames, SORT_SYM), 0);
	assert_int_equal(ppm_reader__run(r, ppm_hists__add, &hs, &err), 0);
	assert_int_equal(hs.h[0].total_samples, 30);
	assert_true(hs.h[0].has_callchains);
	assert_int_equal(r->res.stats.unwound, 30);
	/* the binary has no CFI: every stack ends unknown after what could be stepped */
	assert_int_equal(r->res.stats.unwound_complete, 0);
	assert_int_equal(r->res.stats.incomplete, 30);
	for (size_t i = 0; i < hs.h[0].nr_stacks; i++) {
		const struct hist_stack *s = &hs.h[0].stacks[i];
		const uint32_t *fr = hs.h[0].arena + s->off; /* root first */

		for (uint32_t k = 0; k + 1 < s->nr; k++)
			if (!strcmp(name_of(r, fr[k]), "caller") &&
			    !strcmp(name_of(r, fr[k + 1]), "py::stubbed:/tmp/x.py"))
				through_stub += s->samples;
		if (r->res.frames.v[fr[s->nr - 1]].kernel &&
		    !strcmp(name_of(r, fr[s->nr - 3]), "py::stubbed:/tmp/x.py"))
			kernel_first += s->samples;
	}
	/* 20 samples in the stub: its caller found from the stack copy */
	assert_int_equal(through_stub, 20);
	/* 10 of them in a system call: two kernel frames, leafward of the stub */
	assert_int_equal(kernel_first, 10);
	ppm_hists__release(&hs);
	ppm_reader__close(r);
}

/*
 * The scene of the counted reading: two events, two cpus whose samples are written
 * out of time order within a round, samples with kernel frames, without a symbol and
 * without a call chain (named by their ip), threads, and the model changing half-way
 * at times earlier than samples already written (a late COMM, a FORK, an MMAP that
 * puts other code at the same addresses). rounds 1 keeps only the first round: no
 * change of the model after the first sample.
 */
#define COUNT_BASE 0x400000ULL
#define COUNT_KBASE 0xffffffff81000000ULL

struct counted_spec {
	const char *elf_a, *elf_b;
	int rounds;
};

static const struct perfgen_func count_funcs_a[] = { { "main", 64 }, { "hot", 128 },
						     { "warm", 96 }, { NULL, 64 } };
static const struct perfgen_func count_funcs_b[] = { { "main_b", 64 }, { "hot_b", 128 },
						     { "warm_b", 96 }, { NULL, 64 } };

static int counted_sample(struct perfgen *g, int round, int i)
{
	uint64_t main_a = COUNT_BASE + perfgen_elf_addr(count_funcs_a, 0);
	uint64_t hot = COUNT_BASE + perfgen_elf_addr(count_funcs_a, 1);
	uint64_t warm = COUNT_BASE + perfgen_elf_addr(count_funcs_a, 2);
	uint64_t anon = COUNT_BASE + perfgen_elf_addr(count_funcs_a, 3);
	uint64_t user[3], kernel[2] = { COUNT_KBASE + 0x10, COUNT_KBASE + 0x108 };
	struct perfgen_sample s = { .ev = i % 3 == 0, .pid = 100, .tid = 100 + (uint32_t)(i % 2),
				    .cpu = (uint32_t)(i % 2), .period = 1000 + (uint64_t)(i % 4),
				    .user = user };

	if (round >= 3 && i % 4 == 1)
		s.pid = s.tid = 200;
	switch (i % 5) {
	case 0: /* hot <- main */
		user[0] = hot + 5, user[1] = main_a + 9, s.nr_user = 2;
		break;
	case 1: /* a system call: two kernel frames, then warm <- main */
		user[0] = warm + 3, user[1] = main_a + 9, s.nr_user = 2;
		s.kernel = kernel, s.nr_kernel = 2;
		break;
	case 2: /* no call chain: the ip names it */
		s.regs[2] = warm + 7 + (uint64_t)(i % 3);
		break;
	case 3: /* code without a symbol <- hot <- main */
		user[0] = anon + 8, user[1] = hot + 20, user[2] = main_a + 9, s.nr_user = 3;
		break;
	default: /* hot, called from itself */
		user[0] = hot + 5, user[1] = hot + 40, user[2] = main_a + 9, s.nr_user = 3;
		break;
	}
	return perfgen__sample(g, &s);
}

static int counted_scene(int fd, void *arg)
{
	static const struct perfgen_event evs[2] = {
		{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 1000, false },
		{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 1000, false },
	};
	const struct counted_spec *spec = arg;
	struct perfgen *g = perfgen__new(fd, evs, 2, PERFGEN_CALLCHAIN | PERFGEN_CPU, 2);
	int err;

	if (!g)
		return -errno;
	perfgen__set_clock(g, 100, 1);
	err = perfgen__comm(g, 100, 100, "first", true);
	if (!err) /* a thread named apart: samples of one chain in two threads are two */
		err = perfgen__comm(g, 100, 101, "worker", false);
	if (!err)
		err = perfgen__mmap(g, 100, COUNT_BASE, 0x10000, 0, spec->elf_a);
	for (int round = 0; round < spec->rounds && !err; round++) {
		uint64_t base = 1000 + 1000 * (uint64_t)round;

		/* the model changes at a time before the last samples of the round before */
		perfgen__set_clock(g, base - 300, 1);
		if (round == 1)
			err = perfgen__comm(g, 100, 100, "second", false);
		else if (round == 2)
			err = perfgen__fork(g, 200, 100, 200, 100);
		else if (round == 3)
			err = perfgen__mmap(g, 100, COUNT_BASE, 0x10000, 0, spec->elf_b);
		if (round == 4 && !err)
			err = perfgen__lost(g, 3);
		/* two cpus' samples, one after the other: each in time order, not together */
		for (int i = 0; i < 60 && !err; i++) {
			perfgen__set_clock(g, base + (uint64_t)(i % 2) * 5 + (uint64_t)(i / 2) * 10, 1);
			err = counted_sample(g, round, i);
		}
		if (!err && round + 1 < spec->rounds)
			err = perfgen__round(g);
	}
	if (!err)
		err = perfgen__finish(g);
	perfgen__free(g);
	return err;
}

/* Reads path into hists: one sample at a time (0), counted (1), counted and resolved on
 * a second thread as the chains come (2). */
static struct ppm_reader *read_hists(const char *path, const char *kallsyms, int counted,
				     struct ppm_hists *hs)
{
	struct ppm_reader_opts o = { path, kallsyms, dir, 0, NULL };
	struct ppm_reader *r;
	struct ppm_err err;

	assert_int_equal(ppm_reader__open(&r, &o, &err), 0);
	assert_int_equal(ppm_hists__init(hs, r->data->nr_attrs, &r->res.frames,
					 SORT_COMM | SORT_DSO | SORT_SYM), 0);
	r->counted = counted > 0;
	r->tally.early = counted == 2 ? 1 : -1;
	assert_int_equal(ppm_reader__run(r, ppm_hists__add, hs, &err), 0);
	return r;
}

static const char *stack_names(const struct ppm_reader *r, const struct hist *h,
			       const struct hist_stack *s, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s/%d", s->comm ? s->comm : "?", (int)s->pid);

	for (uint32_t k = 0; k < s->nr && used < len; k++) {
		const struct ppm_frame *f = &r->res.frames.v[h->arena[s->off + k]];

		used += (size_t)snprintf(buf + used, len - used, ";%s", f->sym ? f->sym->name : "?");
	}
	return buf;
}

static void assert_same_reading(const char *path, const char *kallsyms, int changes, int how)
{
	struct ppm_hists one, all;
	struct ppm_reader *r1 = read_hists(path, kallsyms, 0, &one);
	struct ppm_reader *ra = read_hists(path, kallsyms, how, &all);
	int second = 0, other_elf = 0, kernel = 0, forked = 0, worker = 0;
	char b1[512], ba[512];

	assert_true(ra->counted);
	assert_int_equal(r1->res.frames.nr, ra->res.frames.nr);
	for (size_t i = 0; i < r1->res.frames.nr; i++) {
		const struct ppm_frame *f = &r1->res.frames.v[i], *g = &ra->res.frames.v[i];

		assert_string_equal(f->sym ? f->sym->name : "", g->sym ? g->sym->name : "");
		assert_int_equal(f->rel, g->rel);
		assert_int_equal(f->kernel, g->kernel);
	}
	assert_memory_equal(&r1->res.stats, &ra->res.stats, sizeof(r1->res.stats));
	assert_memory_equal(r1->res.by_event, ra->res.by_event, sizeof(r1->res.by_event));
	for (int e = 0; e < one.nr; e++) {
		const struct hist *h1 = &one.h[e], *ha = &all.h[e];

		assert_int_equal(h1->total_samples, ha->total_samples);
		assert_int_equal(h1->total_period, ha->total_period);
		assert_int_equal(h1->nr_stacks, ha->nr_stacks);
		for (size_t i = 0; i < h1->nr_stacks; i++) {
			const struct hist_stack *s1 = &h1->stacks[i], *sa = &ha->stacks[i];

			assert_string_equal(stack_names(r1, h1, s1, b1, sizeof(b1)),
					    stack_names(ra, ha, sa, ba, sizeof(ba)));
			assert_memory_equal(h1->arena + s1->off, ha->arena + sa->off, s1->nr * 4);
			assert_int_equal(s1->samples, sa->samples);
			assert_int_equal(s1->period, sa->period);
			second += strstr(b1, "second/") != NULL;
			other_elf += strstr(b1, "hot_b") != NULL;
			kernel += strstr(b1, "kfunc_b") != NULL;
			forked += strstr(b1, "/200;") != NULL;
			worker += strstr(b1, "worker/") != NULL;
		}
		assert_int_equal(h1->nr_entries, ha->nr_entries);
		for (size_t i = 0; i < h1->nr_entries; i++) {
			assert_int_equal(h1->entries[i].frame, ha->entries[i].frame);
			assert_int_equal(h1->entries[i].self_samples, ha->entries[i].self_samples);
			assert_int_equal(h1->entries[i].self_period, ha->entries[i].self_period);
			assert_int_equal(h1->entries[i].children_samples, ha->entries[i].children_samples);
			assert_int_equal(h1->entries[i].children_period, ha->entries[i].children_period);
		}
	}
	/* the scene reached what it is for */
	assert_true(kernel > 0 && worker > 0);
	assert_int_equal(one.h[0].total_samples + one.h[1].total_samples,
			 changes ? 300 : 60);
	if (changes) {
		assert_true(second > 0 && other_elf > 0 && forked > 0);
		assert_int_equal(r1->res.stats.lost, 3);
	}
	ppm_hists__release(&one);
	ppm_hists__release(&all);
	ppm_reader__close(r1);
	ppm_reader__close(ra);
}

/*
 * Samples counted by raw chain before they are resolved (session/tally.c) build the
 * same hists, in the same order, as samples resolved one by one: stacks, rows, frame
 * ids, counts, periods and stats; the model's changes half-way included, and the
 * kernel's symbols read for the addresses the samples hold either way; whether the
 * chains are resolved on the reading thread or on a second one.
 */
static void test_reader_counted_same_as_one_by_one(void **state)
{
	struct counted_spec spec = { NULL, NULL, 5 };
	char path[128], elf_a[128], elf_b[128], ksyms[128];
	FILE *f;

	(void)state;
	snprintf(elf_a, sizeof(elf_a), "%s/count_a.so", dir);
	snprintf(elf_b, sizeof(elf_b), "%s/count_b.so", dir);
	assert_int_equal(perfgen_elf(elf_a, count_funcs_a, 4), 0);
	assert_int_equal(perfgen_elf(elf_b, count_funcs_b, 4), 0);
	snprintf(ksyms, sizeof(ksyms), "%s/kallsyms", dir);
	f = fopen(ksyms, "w");
	assert_non_null(f);
	fprintf(f, "ffffffff81000000 T kfunc_a\nffffffff81000100 T kfunc_b\nffffffff81000200 T kfunc_c\n");
	fclose(f);
	/* the binaries are read under --symfs dir, at their paths as recorded */
	spec.elf_a = "/count_a.so";
	spec.elf_b = "/count_b.so";
	make_file("counted.data", counted_scene, &spec, path, sizeof(path));
	assert_same_reading(path, ksyms, 1, 1);
	assert_same_reading(path, ksyms, 1, 2);
	spec.rounds = 1;
	make_file("counted1.data", counted_scene, &spec, path, sizeof(path));
	assert_same_reading(path, ksyms, 0, 1);
	assert_same_reading(path, ksyms, 0, 2);
}

static int stop_at_five(void *arg, const struct ppm_resolved_sample *rs)
{
	int *n = arg;

	(void)rs;
	return ++*n == 5 ? -ECANCELED : 0;
}

static void test_reader_errors(void **state)
{
	char path[128];
	struct ppm_reader *r;
	struct ppm_err err;
	int n = 0;

	(void)state;
	/* a sink's error stops the reading, and is what comes back */
	make_file("simple.data", simple_scene, NULL, path, sizeof(path));
	r = open_reader(path);
	assert_false(r->data->cut_short);
	assert_int_equal(ppm_reader__run(r, stop_at_five, &n, &err), -ECANCELED);
	assert_int_equal(n, 5);
	assert_non_null(strstr(err.msg, "stopped"));
	ppm_reader__close(r);
	/* a file its recorder did not finish reads, and says so */
	make_file("cut.data", cut_scene, NULL, path, sizeof(path));
	r = open_reader(path);
	assert_true(r->data->cut_short);
	ppm_reader__close(r);
	/* no such file: -ENOENT and the name in the message */
	{
		struct ppm_reader_opts o = { "/nonexistent/x.data", NULL, NULL, 0, NULL };

		assert_int_equal(ppm_reader__open(&r, &o, &err), -ENOENT);
		assert_non_null(strstr(err.msg, "/nonexistent/x.data"));
		assert_null(r);
	}
}

static void test_perfmaps_section(void **state)
{
	unsigned char sec[64] = { 0 };
	const char text[] = "1000 10 py::a:/x.py\n";
	uint32_t pid = 77, len = sizeof(text) - 1;
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved res;
	size_t used;

	(void)state;
	assert_non_null(m);
	ppm_machine__set_disk_perfmaps(m, 0);
	memcpy(sec, &pid, 4);
	memcpy(sec + 4, &len, 4);
	memcpy(sec + 8, text, len);
	used = 8 + ((len + 7u) & ~7u);
	assert_int_equal(ppm_reader__perfmaps(sec, used, m), 0);
	/* a second entry whose length runs past the section: damaged, the first kept */
	len = 1000;
	memcpy(sec + used, &pid, 4);
	memcpy(sec + used + 4, &len, 4);
	assert_int_equal(ppm_reader__perfmaps(sec, used + 8, m), -EINVAL);
	assert_int_equal(ppm_machine__mmap(m, 77, 0x1000, 0x1000, 0, "//anon", 0), 0);
	ppm_machine__resolve(m, 77, 0x1004, 0, &res);
	assert_non_null(res.sym);
	assert_string_equal(res.sym->name, "py::a:/x.py");
	assert_int_equal(ppm_reader__perfmaps(NULL, 0, m), 0);
	ppm_machine__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_intern),
		cmocka_unit_test(test_frame_kind),
		cmocka_unit_test(test_hist_self_children),
		cmocka_unit_test(test_hist_keys),
		cmocka_unit_test(test_reader_dwarf),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_reader_counted_same_as_one_by_one),
		cmocka_unit_test(test_perfmaps_section),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
