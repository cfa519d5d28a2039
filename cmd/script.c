/*
 * pyperfmap script: every sample as a line of text in perf script's layout, so the
 * tools written for perf script's output (FlameGraph's stackcollapse-perf.pl,
 * speedscope's and the Firefox Profiler's importers) read pyperfmap's files with
 * Python frames named from the embedded perf maps. Samples come in time order.
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
#include "../report/escape.h"
#include "../session/reader.h"
#include "../util/array.h"
#include "../util/outbuf.h"

static const char script_usage[] =
	"usage: pyperfmap script [-i FILE] [-F FIELDS]\n"
	"\n"
	"Prints each sample as perf script does: comm, tid, cpu, time, period, event, then\n"
	"the address, symbol+offset and object, or the call chain one frame a line.\n"
	"\n"
	"  -i, --input <file>     input file (default perf.data)\n"
	"  -F, --fields <list>    the fields to print, among comm, pid, tid, cpu, time,\n"
	"                         period, event, ip, sym, symoff, dso (perf's names; ip\n"
	"                         prints the call chain when the samples have one)\n"
	"      --kallsyms <file>  kernel symbols from this file instead of /proc/kallsyms\n"
	"      --symfs <dir>      read the recorded binaries under this directory\n"
	"  -h, --help             this text\n";

enum {
	F_COMM = 1 << 0, F_PID = 1 << 1, F_TID = 1 << 2, F_CPU = 1 << 3, F_TIME = 1 << 4,
	F_PERIOD = 1 << 5, F_EVENT = 1 << 6, F_IP = 1 << 7, F_SYM = 1 << 8, F_SYMOFF = 1 << 9,
	F_DSO = 1 << 10,
};

static const struct {
	const char *name;
	unsigned int bit;
} field_names[] = {
	{ "comm", F_COMM },	{ "pid", F_PID },     { "tid", F_TID },	    { "cpu", F_CPU },
	{ "time", F_TIME },	{ "period", F_PERIOD }, { "event", F_EVENT }, { "ip", F_IP },
	{ "sym", F_SYM },	{ "symoff", F_SYMOFF }, { "dso", F_DSO },
};

/*
 * A frame's line as printed, remembered while the model stands: call chains repeat
 * their frames (1M samples of 100,000 stacks hold 28,673 distinct addresses). The
 * lines live end to end in one arena, found through an open-addressing index, so a
 * chain's lines are copied from a few cache lines each; memory grows with the distinct
 * lines, not the samples.
 */
struct line_key {
	uint64_t ip;
	int32_t pid;
	int32_t how;           /* kernel | in a call chain << 1 */
	uint32_t off, len;     /* the text in the arena */
};

struct lines {
	uint64_t generation;   /* the resolver's the lines were made under */
	struct line_key *v;
	size_t nr, cap;
	uint32_t *slots;
	size_t nslots;
	char *arena;
	size_t used, room;
};

struct script {
	unsigned int fields;
	bool user_fields;
	const struct ppm_data *d;  /* the reader's */
	struct ppm_machine *m;
	const struct ppm_resolver *res;
	struct lines lines;
	struct ppm_outbuf ob;
	char comm_raw[64], comm_text[128];  /* the last command name and how it prints */
	char **event_text;   /* each event's name as printed, aligned */
};

static int parse_fields(const char *list, unsigned int *fields)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	*fields = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (!strcmp(tok, field_names[i].name))
				break;
		if (i == sizeof(field_names) / sizeof(field_names[0])) {
			ppm_cmd__err("unknown field '%s' (use comm, pid, tid, cpu, time, period, event, ip, "
				     "sym, symoff, dso)", tok);
			err = -EINVAL;
		} else {
			*fields |= field_names[i].bit;
		}
	}
	free(copy);
	if (!err && !*fields) {
		ppm_cmd__err("no fields in '%s'", list);
		err = -EINVAL;
	}
	return err;
}

/* " sym+0xoff (dso)" of one address, with the fields asked for. */
static void print_where(struct script *sc, FILE *out, pid_t pid, uint64_t ip, int kernel)
{
	struct ppm_resolved r;

	ppm_machine__resolve(sc->m, pid, ip, kernel, &r);
	if (sc->fields & F_SYM) {
		if (r.sym) {
			fputc(' ', out);
			ppm_term__fputs(r.sym->name, out);
			if (sc->fields & F_SYMOFF)
				fprintf(out, "+0x%" PRIx64, r.rel - r.sym->start);
		} else {
			fputs(" [unknown]", out);
		}
	}
	if (sc->fields & F_DSO) {
		fputs(" (", out);
		ppm_term__fputs(r.dso ? r.dso->path : "[unknown]", out);
		fputc(')', out);
	}
}

static uint64_t chain_addr(struct ppm_machine *m, pid_t pid, uint64_t ip, int kernel);

/* A frame's line: "\tADDR where" in a call chain, " IP where" for a sample without one. */
static void render_frame(struct script *sc, FILE *out, pid_t pid, uint64_t ip, int kernel, int chain)
{
	if (chain)
		fprintf(out, "\t%16" PRIx64, chain_addr(sc->m, pid, ip, kernel));
	else
		fprintf(out, " %16" PRIx64, ip);
	print_where(sc, out, pid, ip, kernel);
	fputc('\n', out);
}

static uint64_t line_hash(uint64_t ip, int32_t pid, int32_t how)
{
	return (ip ^ (uint64_t)(uint32_t)pid << 40 ^ (uint64_t)how << 62) * 0x9E3779B97F4A7C15ULL;
}

static uint64_t line_hash_at(const void *ctx, size_t i)
{
	const struct line_key *k = &((const struct lines *)ctx)->v[i];

	return line_hash(k->ip, k->pid, k->how) >> 20;
}

/* Makes a frame's line and keeps it: the index of its key, or -errno. */
static long make_line(struct script *sc, struct lines *ls, pid_t pid, uint64_t ip, int kernel,
		      int chain)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct line_key *k;

	if (!mem)
		return -ENOMEM;
	render_frame(sc, mem, pid, ip, kernel, chain);
	if (fclose(mem) || len > UINT32_MAX || ls->used + len > UINT32_MAX ||
	    ppm_array__reserve((void **)&ls->arena, &ls->room, ls->used + len, 1) ||
	    ppm_array__reserve((void **)&ls->v, &ls->cap, ls->nr + 1, sizeof(*ls->v)) ||
	    ppm_slots__reserve(&ls->slots, &ls->nslots, ls->nr, 4096, line_hash_at, ls)) {
		free(text);
		return -ENOMEM;
	}
	memcpy(ls->arena + ls->used, text, len);
	free(text);
	k = &ls->v[ls->nr];
	*k = (struct line_key){ ip, pid, kernel | chain << 1, (uint32_t)ls->used, (uint32_t)len };
	ls->used += len;
	return (long)ls->nr++;
}

/* Prints a frame's line, made once per address and process while the model stands. */
static void print_frame(struct script *sc, pid_t pid, uint64_t ip, int kernel, int chain)
{
	struct lines *ls = &sc->lines;
	int32_t how = kernel | chain << 1;
	const struct line_key *k;
	size_t mask, at;
	long i;

	if (ls->generation != sc->res->generation) {  /* names may have changed: made anew */
		if (!ls->nslots) {
			/* nothing made yet */
		} else if (ls->nr * 8 >= ls->nslots) {
			memset(ls->slots, 0, ls->nslots * sizeof(*ls->slots));
		} else {  /* few lines in a large index: their slots only (on their probe paths) */
			for (size_t j = 0; j < ls->nr; j++) {
				const struct line_key *e = &ls->v[j];

				for (at = (line_hash(e->ip, e->pid, e->how) >> 20) & (ls->nslots - 1);
				     ls->slots[at] != j + 1; at = (at + 1) & (ls->nslots - 1))
					;
				ls->slots[at] = 0;
			}
		}
		ls->nr = ls->used = 0;
		ls->generation = sc->res->generation;
	}
	mask = ls->nslots - 1;
	for (at = ls->nslots ? (line_hash(ip, pid, how) >> 20) & mask : 0; ls->nslots && ls->slots[at];
	     at = (at + 1) & mask) {
		k = &ls->v[ls->slots[at] - 1];
		if (k->ip == ip && k->pid == pid && k->how == how) {
			ppm_out__put(&sc->ob, ls->arena + k->off, k->len);
			return;
		}
	}
	i = make_line(sc, ls, pid, ip, kernel, chain);
	if (i < 0) {
		sc->ob.err = (int)i;
		return;
	}
	mask = ls->nslots - 1;
	for (at = (line_hash(ip, pid, how) >> 20) & mask; ls->slots[at]; at = (at + 1) & mask)
		;
	ls->slots[at] = (uint32_t)i + 1;
	k = &ls->v[i];
	ppm_out__put(&sc->ob, ls->arena + k->off, k->len);
}

/* A call chain's lines, one frame a line. */
static void print_chain(struct script *sc, pid_t pid, const uint64_t *chain, uint64_t nr)
{
	int kernel = 0;

	for (uint64_t i = 0; i < nr; i++) {
		uint64_t ip = chain[i];

		if (ip >= PERF_CONTEXT_MAX) {
			kernel = ip == PERF_CONTEXT_KERNEL;
			if (ip != PERF_CONTEXT_KERNEL && ip != PERF_CONTEXT_USER)
				break;
			continue;
		}
		print_frame(sc, pid, ip, kernel, 1);
	}
}

/*
 * perf script prints a call chain's user frames in files as their offset in the
 * file mapped there (the kernel's and anonymous memory's as they are).
 */
static uint64_t chain_addr(struct ppm_machine *m, pid_t pid, uint64_t ip, int kernel)
{
	struct ppm_dso *dso;
	uint64_t off;

	if (kernel || ppm_machine__find_map(m, pid, ip, &dso, &off) || !dso ||
	    (dso->kind != PPM_DSO_ELF && dso->kind != PPM_DSO_VDSO))
		return ip;
	return off;
}

/*
 * Each event's name as printed: escaped for the terminal, and right-aligned to the
 * longest in a file of several events, as perf aligns them. NULL when out of memory.
 */
static char **event_texts(const struct ppm_data *d)
{
	char **v = calloc((size_t)d->nr_attrs + 1, sizeof(*v));
	int width = 0;

	for (int i = 0; v && d->nr_attrs > 1 && i < d->nr_attrs; i++)
		if (d->attrs[i].name && (int)strlen(d->attrs[i].name) > width)
			width = (int)strlen(d->attrs[i].name);
	for (int i = 0; v && i < d->nr_attrs; i++) {
		char te[256];
		const char *name = d->attrs[i].name ? ppm_term__name(d->attrs[i].name, te, sizeof(te)) : "?";

		if (asprintf(&v[i], "%*s", width, name) < 0) {
			v[i] = NULL;
			while (i--)
				free(v[i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/* The command's name as a terminal gets it: the last one is kept, samples repeat it. */
static const char *comm_text(struct script *sc, const char *comm)
{
	size_t n = strlen(comm), tn;
	const char *t;

	if (n < sizeof(sc->comm_raw) && !memcmp(comm, sc->comm_raw, n + 1))
		return sc->comm_text;
	t = ppm_term__name(comm, sc->comm_text, sizeof(sc->comm_text));
	tn = strlen(t);
	if (n >= sizeof(sc->comm_raw) || tn >= sizeof(sc->comm_text))
		return t;  /* too long to keep: made each time */
	if (t != sc->comm_text)
		memcpy(sc->comm_text, t, tn + 1);
	memcpy(sc->comm_raw, comm, n + 1);
	return sc->comm_text;
}

static int on_sample(void *arg, const struct ppm_resolved_sample *rs)
{
	struct script *sc = arg;
	const struct ppm_data *d = sc->d;
	struct ppm_machine *m = sc->m;
	const struct ppm_sample *s = rs->s;
	const struct perf_event_attr *attr = &d->attrs[s->attr].attr;
	bool has_chain = (attr->sample_type & PERF_SAMPLE_CALLCHAIN) && s->callchain;
	unsigned int f = sc->fields;
	struct ppm_outbuf *ob = &sc->ob;

	if (f & F_COMM) {
		const char *name = ppm_machine__comm_of(m, (pid_t)s->pid, (pid_t)s->tid);
		const char *comm = comm_text(sc, name ? name : "(null)");

		/* perf pads the command to 16 unless a call chain follows on its own lines */
		ppm_out__str(ob, comm, (f & F_IP) && has_chain ? 0 : 16);
		ppm_out__putc(ob, ' ');
	}
	if (f & F_PID) {
		ppm_out__uint(ob, s->pid, 5, ' ', 0);
		ppm_out__putc(ob, (f & F_TID) ? '/' : ' ');
	}
	if (f & F_TID) {
		ppm_out__uint(ob, s->tid, 5, ' ', (f & F_PID) != 0);
		ppm_out__putc(ob, ' ');
	}
	if ((f & F_CPU) && (attr->sample_type & PERF_SAMPLE_CPU)) {
		ppm_out__putc(ob, '[');
		ppm_out__uint(ob, s->cpu, 3, '0', 0);
		ppm_out__put(ob, "] ", 2);
	}
	if ((f & F_TIME) && (attr->sample_type & PERF_SAMPLE_TIME)) {
		ppm_out__uint(ob, s->time / 1000000000, 5, ' ', 0);
		ppm_out__putc(ob, '.');
		ppm_out__uint(ob, s->time % 1000000000 / 1000, 6, '0', 0);
		ppm_out__put(ob, ": ", 2);
	}
	if (f & F_PERIOD) {
		ppm_out__uint(ob, s->period, 10, ' ', 0);
		ppm_out__putc(ob, ' ');
	}
	if (f & F_EVENT) {
		ppm_out__put(ob, sc->event_text[s->attr], strlen(sc->event_text[s->attr]));
		ppm_out__put(ob, ": ", 2);
	}
	if (!(f & F_IP)) {
		ppm_out__putc(ob, '\n');
		return ob->err;
	}
	if (!has_chain) {
		int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;

		print_frame(sc, (pid_t)s->pid, s->ip, kernel, 0);
		return ob->err;
	}
	ppm_out__putc(ob, '\n');
	print_chain(sc, (pid_t)s->pid, s->callchain, s->nr_callchain);
	ppm_out__putc(ob, '\n');
	return ob->err;
}

int ppm_cmd__script(int argc, char **argv)
{
	enum { OPT_KALLSYMS = 256, OPT_SYMFS };
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "fields", required_argument, NULL, 'F' },
		{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
		{ "symfs", required_argument, NULL, OPT_SYMFS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char outbuf[1 << 20];
	struct script sc = { .fields = F_COMM | F_TID | F_CPU | F_TIME | F_PERIOD | F_EVENT | F_IP |
				       F_SYM | F_SYMOFF | F_DSO,
			     .ob = { .f = stdout, .buf = outbuf, .cap = sizeof(outbuf) } };
	struct ppm_source src = { "perf.data", NULL, NULL };
	struct ppm_progress_line pl;
	struct ppm_reader *r;
	int opt, ret = -1;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:F:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			src.input = optarg;
			break;
		case 'F':
			if (parse_fields(optarg, &sc.fields))
				return 2;
			sc.user_fields = true;
			break;
		case OPT_KALLSYMS:
			src.kallsyms = optarg;
			break;
		case OPT_SYMFS:
			src.symfs = optarg;
			break;
		case 'h':
			fputs(script_usage, stdout);
			return 0;
		default:
			ppm_cmd__bad_option("script", optopt, argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		ppm_cmd__err("unexpected argument '%s' (see 'pyperfmap script --help')", argv[optind]);
		return 2;
	}
	ppm_cmd__setup_log(0);
	r = ppm_cmd__open(&src, 0, &pl);
	if (r) {
		r->res.python_self = 0; /* every sample where it was taken, as perf script */
		r->res.frames_off = 1;  /* on_sample names each frame of the raw chain itself */
		sc.d = r->data;
		sc.m = r->machine;
		sc.res = &r->res;
		sc.lines.generation = r->res.generation;
		sc.event_text = event_texts(r->data);
		if (!sc.event_text)
			ppm_cmd__err("out of memory");
		ret = sc.event_text ? ppm_cmd__read(r, on_sample, &sc, &pl) : -ENOMEM;
		for (int i = 0; sc.event_text && i < r->data->nr_attrs; i++)
			free(sc.event_text[i]);
		free(sc.event_text);
		ppm_out__flush(&sc.ob);
		free(sc.lines.v);
		free(sc.lines.slots);
		free(sc.lines.arena);
	}
	ppm_progress_line__end(&pl);
	ppm_reader__close(r);
	/* a write that failed while reading stopped it, and the reading said why */
	if ((fflush(stdout) != 0 || sc.ob.err) && !ret) {
		ppm_cmd__err("cannot write: %s", strerror(sc.ob.err ? -sc.ob.err : errno));
		return 1;
	}
	return ret ? 1 : 0;
}
