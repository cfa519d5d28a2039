/*
 * pyperfmap annotate: where inside one function the samples fell. A native function
 * is disassembled with capstone from its ELF file (bytes through libelf), each
 * instruction with its share of the function's samples per event and its source
 * line when the file has DWARF. A py:: symbol is a trampoline stub with no code of
 * its own: it gets its totals and the native functions its own time went to.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "progress.h"
#include "../report/report_out.h"
#include "../session/reader.h"
#include "../maps/disasm.h"
#include "../maps/elf_symbols.h"
#include "../maps/srcline.h"
#include "../util/array.h"

static const char annotate_usage[] =
	"usage: pyperfmap annotate [options] SYMBOL\n"
	"\n"
	"Disassembles a native function (capstone) and shows each instruction's share of\n"
	"the function's samples, per event, with its source line when the binary has\n"
	"debug info; the hottest instructions are marked '>>'. For a Python function\n"
	"(py::name:file) it shows the stub's totals and the native functions its time\n"
	"went to.\n"
	"\n"
	"  -i, --input <file>     input file (default perf.data)\n"
	"      --event <name>     only this event of a multi-event file\n"
	"      --stdio            text output (the only interface; accepted for perf users)\n"
	"      --kallsyms <file>  kernel symbols from this file instead of /proc/kallsyms\n"
	"      --symfs <dir>      read the recorded binaries under this directory\n"
	"  -h, --help             this text\n";

#define MAX_EVENTS 64

struct hit {
	uint64_t vaddr;
	int attr;
};

/* A (dso, symbol) with the target's name that samples fell in. */
struct candidate {
	const struct ppm_dso *dso;
	const struct ppm_symbol *sym;
	int kernel;
	uint64_t samples[MAX_EVENTS], total;
	struct hit *hits;
	size_t nr_hits, cap_hits;
};

/* A native function a Python function's own time went to. */
struct native {
	uint32_t frame;
	uint64_t samples[MAX_EVENTS], total;
};

struct annotate {
	const char *target, *input, *event;
	int is_py, event_idx;
	struct candidate *cands;
	size_t nr_cands;
	uint64_t py_incl[MAX_EVENTS], py_self[MAX_EVENTS], all[MAX_EVENTS];
	const struct ppm_symbol *py_sym;
	const struct ppm_dso *py_dso;
	struct native *natives;
	size_t nr_natives;
	const struct ppm_frames *frames;   /* the reader's */
	struct ppm_machine *m;
	int ret;
};

/* "py::foo" also names "py::foo:/path/file.py": the file part may be left out. */
static bool named(const struct ppm_frame *f, const char *name)
{
	size_t len = strlen(name);

	if (!f->sym)
		return false;
	return !strcmp(f->sym->name, name) ||
	       (ppm_name__is_python(name) && !strncmp(f->sym->name, name, len) &&
		f->sym->name[len] == ':');
}

static int add_hit(struct annotate *an, const struct ppm_frame *f, uint64_t vaddr, int attr)
{
	struct candidate *c = NULL;

	for (size_t i = 0; i < an->nr_cands; i++)
		if (an->cands[i].sym == f->sym && an->cands[i].dso == f->dso)
			c = &an->cands[i];
	if (!c) {
		struct candidate *grown = realloc(an->cands, (an->nr_cands + 1) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		an->cands = grown;
		c = &an->cands[an->nr_cands++];
		memset(c, 0, sizeof(*c));
		c->dso = f->dso;
		c->sym = f->sym;
		c->kernel = f->kernel;
	}
	if (ppm_array__reserve((void **)&c->hits, &c->cap_hits, c->nr_hits + 1, sizeof(*c->hits)))
		return -ENOMEM;
	c->hits[c->nr_hits].vaddr = vaddr;
	c->hits[c->nr_hits++].attr = attr;
	c->samples[attr]++;
	c->total++;
	return 0;
}

static int add_native(struct annotate *an, uint32_t frame, int attr)
{
	struct native *n = NULL;

	for (size_t i = 0; i < an->nr_natives; i++)
		if (an->natives[i].frame == frame)
			n = &an->natives[i];
	if (!n) {
		struct native *grown = realloc(an->natives, (an->nr_natives + 1) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		an->natives = grown;
		n = &an->natives[an->nr_natives++];
		memset(n, 0, sizeof(*n));
		n->frame = frame;
	}
	n->samples[attr]++;
	n->total++;
	return 0;
}

static int on_sample(void *arg, const struct ppm_resolved_sample *rs)
{
	struct annotate *an = arg;
	const struct ppm_frames *frames = an->frames;
	const struct ppm_sample *s = rs->s;
	const uint32_t *chain = rs->chain;
	size_t n = rs->nr;
	const struct ppm_frame *leaf = &frames->v[chain[0]];
	int attr = s->attr;

	if (attr < 0 || attr >= MAX_EVENTS || !n)
		return 0;
	an->all[attr]++;
	if (!an->is_py) {
		struct ppm_resolved r;

		if (!named(leaf, an->target))
			return 0;
		ppm_machine__resolve(an->m, (pid_t)s->pid, s->ip, leaf->kernel, &r);
		return add_hit(an, leaf, r.rel, attr);
	}
	/* A Python function: counted once per sample it is on; its own time, as report
	 * counts it, the samples where it is the innermost Python frame and only the
	 * interpreter's code is beneath it (a C extension, libc or the kernel under it is
	 * theirs): which of the interpreter's functions that was. */
	for (size_t i = 0; i < n; i++) {
		const struct ppm_frame *f = &frames->v[chain[i]];

		if (!named(f, an->target))
			continue;
		an->py_incl[attr]++;
		an->py_sym = f->sym;
		an->py_dso = f->dso;
		break;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ppm_frame *f = &frames->v[chain[i]];

		if (!ppm_frame__is_python(f))
			continue;
		if (named(f, an->target)) {
			for (size_t j = 0; j < i; j++)
				if (ppm_frame__kind(&frames->v[chain[j]]) != PPM_FRAME_GLUE)
					return 0;
			an->py_self[attr]++;
			return i ? add_native(an, chain[0], attr) : 0;
		}
		break;
	}
	return 0;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->vaddr != y->vaddr)
		return x->vaddr < y->vaddr ? -1 : 1;
	return x->attr - y->attr;
}

struct natives_ctx {
	int attr;
};

static int cmp_native(const void *a, const void *b, void *arg)
{
	const struct native *x = a, *y = b;
	int e = ((const struct natives_ctx *)arg)->attr;

	if (x->samples[e] != y->samples[e])
		return x->samples[e] < y->samples[e] ? 1 : -1;
	return x->total < y->total ? 1 : x->total > y->total ? -1 : 0;
}

/* The events to show: those with samples in what is annotated (or --event's). */
static int pick_events(const struct annotate *an, const struct ppm_data *d, const uint64_t *counts,
		       int *ev)
{
	int nr = 0;

	for (int i = 0; i < d->nr_attrs && i < MAX_EVENTS; i++)
		if (counts[i] && (an->event_idx < 0 || i == an->event_idx))
			ev[nr++] = i;
	return nr;
}

static int print_python(struct annotate *an, const struct ppm_data *d)
{
	int ev[MAX_EVENTS], nr = pick_events(an, d, an->py_incl, ev);
	char buf[64];

	if (!nr) {
		ppm_cmd__err("no samples in '%s' in '%s'%s", an->target, an->input,
			     an->event ? " for that event" : "");
		return 1;
	}
	printf("# pyperfmap annotate: %s\n#\n", ppm_cmd__safe(an->py_sym->name));
	printf("# A Python function: pyperfmap's trampoline gave it a stub of %" PRIu64 " bytes at "
	       "%#" PRIx64 " (%s) that calls into the interpreter;\n"
	       "# the stub has no code of its own worth disassembling. Its time is spent in "
	       "the native functions below.\n#\n",
	       an->py_sym->end - an->py_sym->start, an->py_sym->start,
	       an->py_dso ? an->py_dso->short_name : "perf map");
	for (int k = 0; k < nr; k++) {
		int e = ev[k];

		printf("# %-20s samples on the stack: %8" PRIu64 " (%5.1f%% of all)   its own "
		       "(innermost Python frame): %8" PRIu64 " (%5.1f%%)\n",
		       ppm_cmd__safe(d->attrs[e].name), an->py_incl[e],
		       an->all[e] ? 100.0 * (double)an->py_incl[e] / (double)an->all[e] : 0.0,
		       an->py_self[e],
		       an->all[e] ? 100.0 * (double)an->py_self[e] / (double)an->all[e] : 0.0);
	}
	{
		struct natives_ctx nc = { ev[0] };
		size_t shown = 0;

		qsort_r(an->natives, an->nr_natives, sizeof(*an->natives), cmp_native, &nc);
		printf("#\n# Where its own time went (share of its own samples), hottest first:\n#\n#");
		for (int k = 0; k < nr; k++)
			printf(" %12.12s", ppm_cmd__safe(d->attrs[ev[k]].name));
		printf("  Symbol\n");
		for (size_t i = 0; i < an->nr_natives && shown < 25; i++, shown++) {
			const struct native *n = &an->natives[i];
			const struct ppm_frame *f = &an->frames->v[n->frame];

			putchar(' ');
			for (int k = 0; k < nr; k++) {
				uint64_t own = an->py_self[ev[k]];

				printf(" %11.2f%%", own ? 100.0 * (double)n->samples[ev[k]] / (double)own : 0.0);
			}
			printf("  [%c] %s  (%s)\n", f->kernel ? 'k' : '.',
			       ppm_cmd__safe(ppm_report__frame_name(f, buf, sizeof(buf))),
			       ppm_cmd__safe(ppm_report__dso_name(f)));
		}
		if (an->nr_natives > shown)
			printf("# ... and %zu more\n", an->nr_natives - shown);
		if (an->nr_natives)
			printf("#\n# 'pyperfmap annotate %s' shows the instructions of the first.\n",
			       ppm_cmd__safe(ppm_report__frame_name(&an->frames->v[an->natives[0].frame], buf,
								    sizeof(buf))));
	}
	return 0;
}

/* The candidate with the most samples, or NULL. */
static struct candidate *hottest(const struct annotate *an)
{
	struct candidate *c = NULL;

	for (size_t i = 0; i < an->nr_cands; i++)
		if (!c || an->cands[i].total > c->total)
			c = &an->cands[i];
	return c;
}

static void print_native_header(const struct annotate *an, const struct ppm_data *d,
				const struct candidate *c, const int *ev, int nr)
{
	printf("# pyperfmap annotate: %s in %s\n", ppm_cmd__safe(an->target),
	       c->dso ? ppm_cmd__safe(c->dso->path) : "[unknown]");
	printf("# %#" PRIx64 "-%#" PRIx64 " (%" PRIu64 " bytes); samples:", c->sym->start,
	       c->sym->end, c->sym->end - c->sym->start);
	for (int k = 0; k < nr; k++)
		printf(" %s %" PRIu64, ppm_cmd__safe(d->attrs[ev[k]].name), c->samples[ev[k]]);
	printf("\n");
	for (size_t i = 0; i < an->nr_cands; i++)
		if (&an->cands[i] != c)
			printf("# (also %" PRIu64 " samples in a '%s' of %s, not shown)\n",
			       an->cands[i].total, ppm_cmd__safe(an->target),
			       an->cands[i].dso ? ppm_cmd__safe(an->cands[i].dso->short_name) : "[unknown]");
}

/* Each instruction with its share of the function's samples per event, source lines between. */
static void print_listing(const struct ppm_data *d, const struct candidate *c,
			  const struct ppm_insn *insn, long count, struct ppm_srcline *src,
			  const int *ev, int nr)
{
	uint64_t shown[MAX_EVENTS] = { 0 };
	const char *last_file = NULL;
	int last_line = -1;
	size_t h = 0;

	printf("# source lines: %s\n#\n#", src ? "from the binary's DWARF" : "none (no debug info)");
	for (int k = 0; k < nr; k++)
		printf(" %10.10s", ppm_cmd__safe(d->attrs[ev[k]].name));
	printf("     address  instruction\n");
	for (long i = 0; i < count; i++) {
		uint64_t n[MAX_EVENTS] = { 0 };
		bool hot = false;
		const char *file;
		int line;

		while (h < c->nr_hits && c->hits[h].vaddr < insn[i].address)
			h++;
		for (; h < c->nr_hits && c->hits[h].vaddr == insn[i].address; h++)
			n[c->hits[h].attr]++;
		if (src && ppm_srcline__find(src, insn[i].address, &file, &line) == 0 &&
		    (line != last_line || file != last_file)) {
			const char *base = strrchr(file, '/');

			printf("%*s%s:%d\n", 2 + 11 * nr, "", ppm_cmd__safe(base ? base + 1 : file), line);
			last_line = line;
			last_file = file;
		}
		for (int k = 0; k < nr; k++)
			if (c->samples[ev[k]] && n[ev[k]] * 10 >= c->samples[ev[k]])
				hot = true; /* a tenth or more of the function's samples */
		fputs(hot ? ">>" : "  ", stdout);
		for (int k = 0; k < nr; k++) {
			shown[ev[k]] += n[ev[k]];
			if (n[ev[k]])
				printf(" %9.2f%%", 100.0 * (double)n[ev[k]] / (double)c->samples[ev[k]]);
			else
				printf(" %10s", "");
		}
		printf("  %10" PRIx64 ":  %s %s\n", insn[i].address, insn[i].mnemonic, insn[i].op_str);
	}
	for (int k = 0; k < nr; k++)
		if (shown[ev[k]] != c->samples[ev[k]])
			printf("# %s: %" PRIu64 " samples fell between instructions or past the code "
			       "disassembled\n", ppm_cmd__safe(d->attrs[ev[k]].name),
			       c->samples[ev[k]] - shown[ev[k]]);
}

static int print_native(struct annotate *an, const struct ppm_data *d)
{
	struct candidate *c = hottest(an);
	struct ppm_insn *insn = NULL;
	struct ppm_srcline *src;
	unsigned char *code;
	int ev[MAX_EVENTS], nr, got;
	uint64_t size;
	long count;

	if (!c) {
		ppm_cmd__err("no samples in '%s' in '%s' ('pyperfmap report' lists the symbols that "
			     "have some)", an->target, an->input);
		return 1;
	}
	nr = pick_events(an, d, c->samples, ev);
	if (!nr) {
		ppm_cmd__err("no samples of event '%s' in '%s'", an->event, an->target);
		return 1;
	}
	qsort(c->hits, c->nr_hits, sizeof(*c->hits), cmp_hit);
	size = c->sym->end - c->sym->start;
	print_native_header(an, d, c, ev, nr);
	if (c->kernel || !c->dso || c->dso->kind != PPM_DSO_ELF || size == 0 || size > (1u << 20)) {
		printf("# no code to disassemble here (%s)\n",
		       c->kernel ? "a kernel function" : size ? "not an ELF file" : "size unknown");
		return 0;
	}
	code = malloc(size);
	got = code ? ppm_elf__function_code(c->dso->file, an->target, code, size) : -ENOMEM;
	if (got <= 0) {
		ppm_cmd__err("cannot read the code of '%s' from '%s': %s", an->target, c->dso->path,
			     strerror(got ? -got : ENOENT));
		free(code);
		return 1;
	}
	count = ppm_disasm__x86_64(code, (size_t)got, c->sym->start, 0, PPM_DISASM_ATT, &insn);
	free(code);
	if (count < 0) {
		ppm_cmd__err("cannot disassemble '%s': %s", an->target,
			     count == -ENOTSUP ? "capstone cannot decode x86-64" : strerror((int)-count));
		return 1;
	}
	src = ppm_srcline__open(c->dso->file);
	print_listing(d, c, insn, count, src, ev, nr);
	ppm_srcline__close(src);
	free(insn);
	return 0;
}

static int print_annotation(struct annotate *an, const struct ppm_data *d)
{
	if (an->event && (an->event_idx = ppm_cmd__find_event(d, an->event, "--event")) < 0)
		return 1;
	return an->is_py ? print_python(an, d) : print_native(an, d);
}

int ppm_cmd__annotate(int argc, char **argv)
{
	enum { OPT_STDIO = 256, OPT_EVENT, OPT_KALLSYMS, OPT_SYMFS };
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "event", required_argument, NULL, OPT_EVENT },
		{ "stdio", no_argument, NULL, OPT_STDIO },
		{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
		{ "symfs", required_argument, NULL, OPT_SYMFS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct annotate an;
	struct ppm_source src = { "perf.data", NULL, NULL };
	struct ppm_progress_line pl;
	struct ppm_reader *r;
	int opt, ret = -1;

	memset(&an, 0, sizeof(an));
	an.input = "perf.data";
	an.event_idx = -1;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			an.input = optarg;
			break;
		case OPT_EVENT:
			an.event = optarg;
			break;
		case OPT_STDIO:
			break;
		case OPT_KALLSYMS:
			src.kallsyms = optarg;
			break;
		case OPT_SYMFS:
			src.symfs = optarg;
			break;
		case 'h':
			fputs(annotate_usage, stdout);
			return 0;
		default:
			ppm_cmd__bad_option("annotate", optopt, argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 1) {
		ppm_cmd__err(argc == optind ? "which symbol? (usage: pyperfmap annotate [options] SYMBOL)" :
					 "annotate takes one symbol (see 'pyperfmap annotate --help')");
		return 2;
	}
	an.target = argv[optind];
	an.is_py = ppm_name__is_python(an.target);
	ppm_cmd__setup_log(0);
	src.input = an.input;
	r = ppm_cmd__open(&src, 0, &pl);
	if (r) {
		/* the sampled instruction stays the leaf: it is what is annotated, and what
		 * a Python function's own time is made of */
		r->res.python_self = 0;
		an.frames = &r->res.frames;
		an.m = r->machine;
		if (ppm_cmd__read(r, on_sample, &an, &pl) == 0) {
			ppm_progress_line__end(&pl);
			ret = print_annotation(&an, r->data);
		}
	}
	ppm_progress_line__end(&pl);
	ppm_reader__close(r);
	for (size_t i = 0; i < an.nr_cands; i++)
		free(an.cands[i].hits);
	free(an.cands);
	free(an.natives);
	if (ret < 0)
		return 1;
	if (ret == 0 && fflush(stdout)) {
		ppm_cmd__err("cannot write: %s", strerror(errno));
		return 1;
	}
	return ret;
}
