/* pyperfmap report: perf.data -> where the time went, with native, kernel and py:: frames. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "outfile.h"
#include "progress.h"
#include "../lib/data_reader.h"
#include "../lib/event.h"
#include "../maps/machine.h"
#include "../report/export.h"
#include "../report/hist.h"
#include "../report/report_out.h"
#include "../session/reader.h"

static const char report_usage[] =
	"usage: pyperfmap report [options]\n"
	"\n"
	"Reads a perf.data file (from pyperfmap record or perf record) and prints where the\n"
	"samples fell: Python functions (py::name:file) from perf maps, native functions\n"
	"from ELF symbol tables, kernel functions from /proc/kallsyms.\n"
	"\n"
	"  -i, --input <file>       input file (default perf.data)\n"
	"      --stdio              text output (the only interface; accepted for perf users)\n"
	"      --children           add each function's callees' samples (default with callchains)\n"
	"      --no-children        only the samples taken in each function\n"
	"  -s, --sort <keys>        comma-separated row keys among comm, pid, dso, sym\n"
	"                           (default comm,dso,sym); an event's name among them\n"
	"                           orders the counter report by that event\n"
	"      --event <name>       report one event of a multi-event file (text with call\n"
	"                           graphs, folded); without it such a file gives the\n"
	"                           counter report: a column per event, IPC and miss rates\n"
	"  -g, --call-graph         print the callers under each row (default with callchains)\n"
	"  -G, --no-call-graph      do not print call graphs\n"
	"      --percent-limit <p>  hide call graph branches under p% (default 0.5)\n"
	"  -F, --format <fmt>       text (default); folded: one line per distinct stack,\n"
	"                           root first, frames joined by ';', then the sample count;\n"
	"                           json: the rows with every event's self and children\n"
	"                           counts, for scripts; flamegraph: one self-contained\n"
	"                           interactive HTML page (weighed by one event's samples);\n"
	"                           speedscope: speedscope's JSON, a profile per event;\n"
	"                           pprof: gzipped profile.proto, a sample type per event\n"
	"  -o, --output <file>      write there instead of stdout (replaced only when complete)\n"
	"      --reverse            flamegraph: open in the callers (reversed) view\n"
	"      --wall               wall-clock time: the clock event's on-CPU time and\n"
	"                           offcpu-time (record --off-cpu) as one profile, in ns,\n"
	"                           for every format (folded stacks and the flame graph\n"
	"                           weigh offcpu-time and --wall in ns, others in samples)\n"
	"      --show-interpreter   keep the interpreter's own frames between two Python\n"
	"                           frames (eval loop, vectorcall, the trampoline's hook);\n"
	"                           by default they are folded away, as -X perf_jit reads\n"
	"      --kallsyms <file>    kernel symbols from this file instead of /proc/kallsyms\n"
	"      --symfs <dir>        read the recorded binaries under this directory\n"
	"  -h, --help               this text\n";

enum { FMT_TEXT, FMT_FOLDED, FMT_JSON, FMT_FLAME, FMT_SPEEDSCOPE, FMT_PPROF };
static const char *const format_names[] = { "text", "folded", "json", "flamegraph",
					    "speedscope", "pprof" };

struct report_args {
	struct ppm_source src;
	int sort;
	const char *sort_event; /* an event named among the sort keys */
	const char *event;      /* --event */
	int children;       /* -1: decide from the file */
	int graph;          /* -1: decide from the file */
	int format;
	const char *output;
	int reverse;
	int show_interpreter;
	int wall;           /* --wall: on-CPU and off-CPU time as one profile */
	double graph_min;
};

/* Whether a word is an event's name (libpfm4 knows it), before any file is read. */
static int probe_event_name(const char *name)
{
	struct ppm_event ev;

	if (ppm_event__parse(&ev, name))
		return 0;
	ppm_event__release(&ev);
	return 1;
}

static int parse_sort(const char *keys, int *sort, const char **sort_event)
{
	char *copy = strdup(keys), *tok, *save = NULL;
	int s = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "comm"))
			s |= SORT_COMM;
		else if (!strcmp(tok, "pid"))
			s |= SORT_PID;
		else if (!strcmp(tok, "dso"))
			s |= SORT_DSO;
		else if (!strcmp(tok, "sym") || !strcmp(tok, "symbol"))
			s |= SORT_SYM;
		else if (probe_event_name(tok))
			*sort_event = keys + (tok - copy); /* checked against the file's events */
		else {
			ppm_cmd__err("unknown sort key '%s' (use comm, pid, dso, sym, or an event's name)", tok);
			free(copy);
			return -EINVAL;
		}
	}
	free(copy);
	if (*sort_event) {
		size_t len = strcspn(*sort_event, ",");
		char *name = strndup(*sort_event, len);

		if (!name)
			return -ENOMEM;
		*sort_event = name;
	}
	if (!s && *sort_event)
		s = SORT_COMM | SORT_DSO | SORT_SYM;
	if (!s) {
		ppm_cmd__err("empty sort key list");
		return -EINVAL;
	}
	*sort = s;
	return 0;
}

static int parse_args(int argc, char **argv, struct report_args *a)
{
	enum { OPT_STDIO = 256, OPT_CHILDREN, OPT_NO_CHILDREN, OPT_KALLSYMS, OPT_PCT, OPT_SHOW_INTERP,
	       OPT_EVENT, OPT_REVERSE, OPT_SYMFS, OPT_WALL };
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "stdio", no_argument, NULL, OPT_STDIO },
		{ "children", no_argument, NULL, OPT_CHILDREN },
		{ "no-children", no_argument, NULL, OPT_NO_CHILDREN },
		{ "sort", required_argument, NULL, 's' },
		{ "call-graph", no_argument, NULL, 'g' },
		{ "no-call-graph", no_argument, NULL, 'G' },
		{ "percent-limit", required_argument, NULL, OPT_PCT },
		{ "format", required_argument, NULL, 'F' },
		{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
		{ "symfs", required_argument, NULL, OPT_SYMFS },
		{ "wall", no_argument, NULL, OPT_WALL },
		{ "show-interpreter", no_argument, NULL, OPT_SHOW_INTERP },
		{ "event", required_argument, NULL, OPT_EVENT },
		{ "output", required_argument, NULL, 'o' },
		{ "reverse", no_argument, NULL, OPT_REVERSE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	char *end;

	memset(a, 0, sizeof(*a));
	a->src.input = "perf.data";
	a->sort = SORT_COMM | SORT_DSO | SORT_SYM;
	a->children = -1;
	a->graph = -1;
	a->graph_min = 0.5;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:s:gGF:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			a->src.input = optarg;
			break;
		case OPT_STDIO:
			break;
		case OPT_CHILDREN:
			a->children = 1;
			break;
		case OPT_NO_CHILDREN:
			a->children = 0;
			break;
		case 's':
			if (parse_sort(optarg, &a->sort, &a->sort_event))
				return -1;
			break;
		case 'g':
			a->graph = 1;
			break;
		case 'G':
			a->graph = 0;
			break;
		case OPT_PCT:
			a->graph_min = strtod(optarg, &end);
			if (*end || a->graph_min < 0 || a->graph_min > 100) {
				ppm_cmd__err("invalid percentage '%s'", optarg);
				return -1;
			}
			break;
		case 'F':
			a->format = -1;
			for (int f = 0; f < (int)(sizeof(format_names) / sizeof(*format_names)); f++)
				if (!strcmp(optarg, format_names[f]))
					a->format = f;
			if (a->format < 0) {
				ppm_cmd__err("unknown format '%s' (use text, folded, json, flamegraph, "
					     "speedscope or pprof)", optarg);
				return -1;
			}
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_REVERSE:
			a->reverse = 1;
			break;
		case OPT_KALLSYMS:
			a->src.kallsyms = optarg;
			break;
		case OPT_SYMFS:
			a->src.symfs = optarg;
			break;
		case OPT_SHOW_INTERP:
			a->show_interpreter = 1;
			break;
		case OPT_WALL:
			a->wall = 1;
			break;
		case OPT_EVENT:
			a->event = optarg;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return 1;
		default:
			ppm_cmd__bad_option("report", optopt, argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		ppm_cmd__err("unexpected argument '%s' (see 'pyperfmap report --help')", argv[optind]);
		return -1;
	}
	if (a->format == FMT_PPROF && !a->output && isatty(STDOUT_FILENO)) {
		ppm_cmd__err("pprof output is gzipped binary: write it to a file with -o FILE");
		return -1;
	}
	return 0;
}

/* One report's reading: the file, a hist per event, the progress line, what was found. */
struct reading {
	struct ppm_reader *r;
	struct ppm_hists hs;
	struct ppm_progress_line pl;
	int any_chain;     /* some event's samples have call chains */
	int wall_on, wall_off; /* --wall: the clock event, and offcpu-time, which joins it */
	int nonempty;      /* events with samples */
	int sel, sort_ev;  /* --event's and --sort's event, or -1 */
};

/* The events with samples (only --event's when given), for the counter report and exports. */
static struct counter_event *chosen_events(const struct reading *c, const struct ppm_data *d,
					   int sel, int sort_ev, int *nr, int *sort_n)
{
	struct counter_event *ce = calloc((size_t)d->nr_attrs + 1, sizeof(*ce));
	int n = 0;

	if (!ce) {
		ppm_cmd__err("out of memory");
		return NULL;
	}
	for (int i = 0; i < d->nr_attrs; i++) {
		if (!c->hs.h[i].total_samples || (sel >= 0 && i != sel))
			continue;
		if (i == sort_ev)
			*sort_n = n;
		ce[n].h = &c->hs.h[i];
		ce[n].name = c->wall_on == i && c->wall_off >= 0 ? "wall-clock" : d->attrs[i].name;
		ce[n++].attr = &d->attrs[i].attr;
	}
	*nr = n;
	return ce;
}

/*
 * Whether folded stacks and the flame graph weigh an event by its period instead of
 * its samples: the time events whose samples are not a rate (offcpu-time: one sample
 * a wait, of any length) and the wall view, in nanoseconds.
 */
static int by_period(const struct report_args *a, const struct ppm_data *d, int ev)
{
	return a->wall || (ev >= 0 && ev < d->nr_attrs && d->attrs[ev].name &&
			   !strcmp(d->attrs[ev].name, "offcpu-time"));
}

static int write_export(FILE *out, const struct report_args *a, struct reading *c,
			const struct ppm_data *d, int sel)
{
	struct ppm_export_opts o = { a->src.input, a->reverse, &c->pl.iface,
				     by_period(a, d, sel >= 0 ? sel : 0) };
	struct counter_event *ce;
	int n = 0, active = 0, err;

	/* flamegraph weighs by one event; the others carry every event, --event picks one */
	ce = chosen_events(c, d, a->format == FMT_FLAME ? sel : -1, sel, &n, &active);
	if (!ce)
		return -1;
	if (!n) {
		ppm_progress_line__end(&c->pl);
		ppm_cmd__err("no samples in '%s': nothing to draw", a->src.input);
		free(ce);
		return -1;
	}
	if (a->format == FMT_FLAME)
		err = ppm_export__flamegraph(out, &ce[0], &o);
	else if (a->format == FMT_SPEEDSCOPE)
		err = ppm_export__speedscope(out, ce, n, active, &o);
	else
		err = ppm_export__pprof(out, ce, n, active, &o);
	free(ce);
	ppm_progress_line__end(&c->pl);
	if (err)
		ppm_cmd__err("cannot write the %s output: %s", format_names[a->format], strerror(-err));
	return err ? -1 : 0;
}

/* --wall's sink: offcpu-time's samples go to the clock event's hist, others nowhere. */
static int wall_add(void *arg, const struct ppm_resolved_sample *rs)
{
	struct reading *c = arg;
	struct ppm_sample s = *rs->s;
	struct ppm_resolved_sample w = *rs;

	if (s.attr != c->wall_on && s.attr != c->wall_off)
		return 0;
	s.attr = c->wall_on;
	w.s = &s;
	return ppm_hists__add(&c->hs, &w);
}

/* --wall: the on-CPU clock event (its periods are ns) and offcpu-time, or -1 (said). */
static int find_wall_events(const struct ppm_data *d, struct reading *c)
{
	c->wall_on = c->wall_off = -1;
	for (int i = 0; i < d->nr_attrs; i++) {
		const struct perf_event_attr *at = &d->attrs[i].attr;

		if (d->attrs[i].name && !strcmp(d->attrs[i].name, "offcpu-time"))
			c->wall_off = i;
		else if (c->wall_on < 0 && at->type == PERF_TYPE_SOFTWARE &&
			 (at->config == PERF_COUNT_SW_CPU_CLOCK || at->config == PERF_COUNT_SW_TASK_CLOCK))
			c->wall_on = i;
	}
	if (c->wall_on >= 0 && c->wall_off >= 0)
		return 0;
	ppm_cmd__err("--wall adds on-CPU and off-CPU time: '%s' has no %s (record with --off-cpu and "
		     "the cpu-clock event, the default without a PMU)", c->r->path,
		     c->wall_on < 0 ? "cpu-clock or task-clock event" : "offcpu-time event");
	return -1;
}

/* The file read into a hist per event; the events --event and --sort name found. */
static int read_file(const struct report_args *a, struct reading *c)
{
	const struct ppm_data *d;
	int first = -1;

	c->sel = c->sort_ev = -1;
	c->wall_on = c->wall_off = -1;
	c->r = ppm_cmd__open(&a->src, a->show_interpreter, &c->pl);
	if (!c->r)
		return -1;
	d = c->r->data;
	if (ppm_hists__init(&c->hs, d->nr_attrs, &c->r->res.frames, a->sort)) {
		ppm_cmd__err("out of memory");
		return -1;
	}
	if (a->wall && find_wall_events(d, c))
		return -1;
	if (a->wall ? ppm_cmd__read(c->r, wall_add, c, &c->pl) :
		      ppm_cmd__read(c->r, ppm_hists__add, &c->hs, &c->pl))
		return -1;
	if (a->wall) {
		/* one profile: the clock event's hist holds both, shown as wall-clock */
		c->sel = c->wall_on;
		return 0;
	}
	for (int i = 0; i < d->nr_attrs; i++) {
		c->any_chain |= c->hs.h[i].has_callchains;
		c->nonempty += c->hs.h[i].total_samples > 0;
		if (first < 0 && c->hs.h[i].total_samples)
			first = i;
	}
	if (a->event && (c->sel = ppm_cmd__find_event(d, a->event, "--event")) < 0)
		return -1;
	if (a->sort_event && (c->sort_ev = ppm_cmd__find_event(d, a->sort_event, "--sort")) < 0)
		return -1;
	if (c->sel < 0 && c->nonempty > 1 && (a->format == FMT_FOLDED || a->format == FMT_FLAME)) {
		c->sel = first;
		ppm_cmd__notice("%s of '%s', the first of this file's %d events (choose one with "
				"--event)", a->format == FMT_FLAME ? "flame graph" : "folded stacks",
				d->attrs[c->sel].name, c->nonempty);
	}
	return 0;
}

/* The counter report (text or JSON): every event's rows joined. */
static int write_counters(FILE *out, const struct report_args *a, struct reading *c)
{
	struct counter_view cv = { 0 };
	struct counter_event *ce;
	int n = 0, err;

	ce = chosen_events(c, c->r->data, c->sel, c->sort_ev, &n, &cv.sort_event);
	if (!ce)
		return -1;
	cv.children = a->children >= 0 ? a->children : c->any_chain;
	cv.stats = c->r->res.stats;
	cv.json = a->format == FMT_JSON;
	err = ppm_report__print_counters(out, ce, n, &cv);
	free(ce);
	if (err) {
		ppm_progress_line__end(&c->pl);
		ppm_cmd__err("cannot write the %s output: %s", format_names[a->format], strerror(-err));
		return -1;
	}
	return 0;
}

/* perf report's text (or folded stacks), an event at a time. */
static void write_text(FILE *out, const struct report_args *a, const struct reading *c)
{
	const struct ppm_data *d = c->r->data;
	const struct ppm_machine_stats *ms = ppm_machine__stats(c->r->machine);

	for (int i = 0; i < d->nr_attrs; i++) {
		struct report_view v = { 0 };

		if (c->sel >= 0 && i != c->sel)
			continue;
		if (c->sel < 0 && !c->hs.h[i].total_samples && d->nr_attrs > 1)
			continue;
		if (a->format == FMT_FOLDED) {
			ppm_report__print_folded(out, &c->hs.h[i], by_period(a, c->r->data, i));
			continue;
		}
		v.event = c->wall_on == i && c->wall_off >= 0 ? "wall-clock (on-CPU + off-CPU, ns)" :
								  d->attrs[i].name;
		v.stats = ppm_resolver__event_stats(&c->r->res, i);
		v.children = a->children >= 0 ? a->children : c->any_chain;
		v.graph = a->graph >= 0 ? a->graph : c->any_chain;
		v.graph_min = a->graph_min;
		v.perfmap_bad = ms->perfmap_bad_lines;
		v.kernel_hidden = ms->kernel_hidden;
		ppm_report__print_text(out, &c->hs.h[i], &v);
	}
}

int ppm_cmd__report(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct report_args a;
	struct reading c = { 0 };
	struct outfile o = { 0 };
	char what[64];
	int err, ret = 1;

	err = parse_args(argc, argv, &a);
	if (err)
		return err > 0 ? 0 : 2;
	ppm_cmd__setup_log(0);
	if (read_file(&a, &c) || ppm_outfile__open(&o, a.output, PPM_OUTFILE_STREAM))
		goto out;
	snprintf(what, sizeof(what), "writing the %s output", format_names[a.format]);
	ppm_progress_line__stage(&c.pl, what);
	setvbuf(o.fp, outbuf, _IOFBF, sizeof(outbuf));
	if (a.format >= FMT_FLAME)
		err = write_export(o.fp, &a, &c, c.r->data, c.sel);
	else if (a.format == FMT_JSON || (c.sel < 0 && c.nonempty > 1))
		err = write_counters(o.fp, &a, &c);
	else
		write_text(o.fp, &a, &c);
	ppm_progress_line__end(&c.pl);
	if (!err && ppm_outfile__commit(&o) == 0)
		ret = 0;
out:
	ppm_outfile__abort(&o);
	ppm_progress_line__end(&c.pl);
	free((char *)a.sort_event);
	ppm_hists__release(&c.hs);
	ppm_reader__close(c.r);
	return ret;
}
