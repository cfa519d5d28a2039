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

/* A frame's line as printed, remembered: call chains repeat their frames. */
#define LINE_CACHE 262144

struct line_slot {
	uint64_t ip;
	uint64_t generation;   /* the resolver's, + 1: 0 is empty */
	int32_t pid;
	int32_t how;           /* kernel | in a call chain << 1 */
	char *text;
	size_t len;
};

struct script {
	unsigned int fields;
	bool user_fields;
	FILE *out;
	int event_width;     /* perf aligns the event names of a multi-event file */
	const struct ppm_data *d;  /* the reader's */
	struct ppm_machine *m;
	const struct ppm_resolver *res;
	struct line_slot *lines;
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

/* Prints a frame's line, made once per address and process while the model stands. */
static void print_frame(struct script *sc, FILE *out, pid_t pid, uint64_t ip, int kernel, int chain)
{
	uint64_t gen = sc->res->generation + 1;
	int32_t how = kernel | chain << 1;
	struct line_slot *l;

	if (!sc->lines) {
		render_frame(sc, out, pid, ip, kernel, chain);
		return;
	}
	l = &sc->lines[(((ip ^ (uint64_t)(uint32_t)pid << 40 ^ (uint64_t)how << 62) *
			 0x9E3779B97F4A7C15ULL) >> 40) % LINE_CACHE];
	if (l->generation != gen || l->ip != ip || l->pid != pid || l->how != how) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);

		if (!mem) {
			render_frame(sc, out, pid, ip, kernel, chain);
			return;
		}
		render_frame(sc, mem, pid, ip, kernel, chain);
		if (fclose(mem)) {
			free(text);
			render_frame(sc, out, pid, ip, kernel, chain);
			return;
		}
		free(l->text);
		*l = (struct line_slot){ ip, gen, pid, how, text, len };
	}
	fwrite_unlocked(l->text, 1, l->len, out);
}

/* A call chain's lines, one frame a line. */
static void print_chain(struct script *sc, FILE *out, pid_t pid, const uint64_t *chain, uint64_t nr)
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
		print_frame(sc, out, pid, ip, kernel, 1);
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

static int on_sample(void *arg, const struct ppm_resolved_sample *rs)
{
	struct script *sc = arg;
	const struct ppm_data *d = sc->d;
	struct ppm_machine *m = sc->m;
	const struct ppm_sample *s = rs->s;
	const struct perf_event_attr *attr = &d->attrs[s->attr].attr;
	bool has_chain = (attr->sample_type & PERF_SAMPLE_CALLCHAIN) && s->callchain;
	unsigned int f = sc->fields;
	FILE *out = sc->out;

	if (f & F_COMM) {
		char tc[128];
		const char *comm = ppm_term__name(ppm_machine__comm_of(m, (pid_t)s->pid, (pid_t)s->tid),
						  tc, sizeof(tc));

		/* perf pads the command to 16 unless a call chain follows on its own lines */
		if ((f & F_IP) && has_chain)
			fprintf(out, "%s ", comm);
		else
			fprintf(out, "%16s ", comm);
	}
	if ((f & F_PID) && (f & F_TID))
		fprintf(out, "%5u/%-5u ", s->pid, s->tid);
	else if (f & F_PID)
		fprintf(out, "%5u ", s->pid);
	else if (f & F_TID)
		fprintf(out, "%5u ", s->tid);
	if ((f & F_CPU) && (attr->sample_type & PERF_SAMPLE_CPU))
		fprintf(out, "[%03u] ", s->cpu);
	if ((f & F_TIME) && (attr->sample_type & PERF_SAMPLE_TIME))
		fprintf(out, "%5" PRIu64 ".%06" PRIu64 ": ", s->time / 1000000000,
			s->time % 1000000000 / 1000);
	if (f & F_PERIOD)
		fprintf(out, "%10" PRIu64 " ", s->period);
	if (sc->event_width < 0) {
		sc->event_width = 0;
		for (int i = 0; d->nr_attrs > 1 && i < d->nr_attrs; i++)
			if (d->attrs[i].name && (int)strlen(d->attrs[i].name) > sc->event_width)
				sc->event_width = (int)strlen(d->attrs[i].name);
	}
	if (f & F_EVENT) {
		char te[256];

		fprintf(out, "%*s: ", sc->event_width,
			d->attrs[s->attr].name ? ppm_term__name(d->attrs[s->attr].name, te, sizeof(te)) : "?");
	}
	if (!(f & F_IP)) {
		fputc('\n', out);
		return 0;
	}
	if (!has_chain) {
		int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;

		print_frame(sc, out, (pid_t)s->pid, s->ip, kernel, 0);
		return 0;
	}
	fputc('\n', out);
	print_chain(sc, out, (pid_t)s->pid, s->callchain, s->nr_callchain);
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
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
	struct script sc = { F_COMM | F_TID | F_CPU | F_TIME | F_PERIOD | F_EVENT | F_IP | F_SYM |
				     F_SYMOFF | F_DSO,
			     false, stdout, -1, NULL, NULL, NULL, NULL };
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
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	r = ppm_cmd__open(&src, 0, &pl);
	if (r) {
		r->res.python_self = 0; /* every sample where it was taken, as perf script */
		r->res.frames_off = 1;  /* on_sample names each frame of the raw chain itself */
		sc.d = r->data;
		sc.m = r->machine;
		sc.res = &r->res;
		sc.lines = calloc(LINE_CACHE, sizeof(*sc.lines)); /* without it, lines are made each time */
		ret = ppm_cmd__read(r, on_sample, &sc, &pl);
		for (size_t i = 0; sc.lines && i < LINE_CACHE; i++)
			free(sc.lines[i].text);
		free(sc.lines);
	}
	ppm_progress_line__end(&pl);
	ppm_reader__close(r);
	if (fflush(stdout) != 0) {
		ppm_cmd__err("cannot write: %s", strerror(errno));
		return 1;
	}
	return ret ? 1 : 0;
}
