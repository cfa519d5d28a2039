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
	"  -n, --show-nr-samples    the Samples column (always shown; accepted for perf users)\n"
	"  -s, --sort <keys>        comma-separated row keys among comm, pid, dso, sym\n"
	"                           (default comm,dso,sym; a Python function's object is\n"
	"                           [python], so its processes' rows are one); an event's\n"
	"                           name among them orders the counter report by that event\n"
	"      --hierarchy          rows nested by the sort keys in their order (comm, then\n"
	"                           dso, then sym by default), each level with its share\n"
	"  -c, --comms <list>       only samples of these commands (comma-separated)\n"
	"      --pid <list>         only samples of these processes\n"
	"  -d, --dsos <list>        only rows of these objects (short or full names)\n"
	"  -S, --symbols <list>     only rows of these symbols (py::name matches any file)\n"
	"                           (shares stay those of the whole profile, as perf's)\n"
	"      --event <name>       report one event of a multi-event file (text with call\n"
	"                           graphs, folded); without it such a file gives the\n"
	"                           counter report: a column per event, IPC and miss rates\n"
	"  -g, --call-graph [caller|callee]  print each row's stacks under it (default with\n"
	"                           callchains): caller, from the outermost caller down to\n"
	"                           the row (the default with children, as perf's), or\n"
	"                           callee, from the row out to its callers (the default\n"
	"                           with --no-children); perf's graph,0.5,caller form too\n"
	"  -G, --no-call-graph      do not print call graphs\n"
	"      --percent-limit <p>  hide rows and call graph branches under p% (default:\n"
	"                           every row, branches from 0.5%)\n"
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
	"      --show-interpreter   keep the interpreter's own frames (eval loop, vectorcall,\n"
	"                           the trampoline's hook): by default those between two\n"
	"                           Python frames are folded away, as -X perf_jit reads, and\n"
	"                           those under the innermost one are its self time (a C\n"
	"                           extension, libc or the kernel stay frames of their own)\n"
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
	double row_min;     /* --percent-limit: rows under it are not printed */
	int order;          /* call graph order: PPM_GRAPH_CALLER or _CALLEE, -1 from children */
	int hierarchy;
	int keys[4], nr_keys; /* the sort keys in the order given (for --hierarchy) */
	struct ppm_name_list comms, dsos, symbols;
	pid_t *pids;
	size_t nr_pids;
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

static int parse_sort(const char *keys, struct report_args *a)
{
	char *copy = strdup(keys), *tok, *save = NULL;
	const char **sort_event = &a->sort_event;
	int s = 0, key;

	if (!copy)
		return -ENOMEM;
	a->nr_keys = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		key = !strcmp(tok, "comm") ? SORT_COMM : !strcmp(tok, "pid") ? SORT_PID :
		      !strcmp(tok, "dso") ? SORT_DSO :
		      !strcmp(tok, "sym") || !strcmp(tok, "symbol") ? SORT_SYM : 0;
		if (key) {
			if (!(s & key))
				a->keys[a->nr_keys++] = key;
			s |= key;
		} else if (probe_event_name(tok))
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
	if (!s && *sort_event) {
		s = SORT_COMM | SORT_DSO | SORT_SYM;
		a->keys[0] = SORT_COMM, a->keys[1] = SORT_DSO, a->keys[2] = SORT_SYM;
		a->nr_keys = 3;
	}
	if (!s) {
		ppm_cmd__err("empty sort key list");
		return -EINVAL;
	}
	a->sort = s;
	return 0;
}

/* --pid's list: numbers, comma-separated. */
static int parse_pids(const char *list, struct report_args *a)
{
	struct ppm_name_list l = { 0 };
	int err = ppm_name_list__parse(&l, list);

	for (size_t i = 0; !err && i < l.nr; i++) {
		uint64_t v;
		pid_t *grown;

		if (ppm_cmd__parse_u64(l.v[i], &v) || !v || v > 0x7fffffff) {
			ppm_cmd__err("invalid pid '%s' in --pid", l.v[i]);
			err = -EINVAL;
			break;
		}
		grown = realloc(a->pids, (a->nr_pids + 1) * sizeof(*a->pids));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		a->pids = grown;
		a->pids[a->nr_pids++] = (pid_t)v;
	}
	ppm_name_list__release(&l);
	return err;
}

/*
 * -g's optional argument, perf's way: "-g caller", "-g graph,0.5,callee", "-g none".
 * Words it knows: the print types (graph, fractal, flat, folded: all printed as a
 * graph here), none, caller, callee, a threshold; perf's function/address keys.
 * 1 when arg is one, else 0 (it is not -g's, and stays an argument).
 */
static int parse_graph_arg(const char *arg, struct report_args *a, int apply)
{
	char *copy = strdup(arg), *tok, *save = NULL, *end;
	int ok = copy && *arg && *arg != '-';

	for (tok = ok ? strtok_r(copy, ",", &save) : NULL; tok && ok; tok = strtok_r(NULL, ",", &save)) {
		double v = strtod(tok, &end);

		if (!strcmp(tok, "caller") || !strcmp(tok, "callee")) {
			if (apply)
				a->order = !strcmp(tok, "caller") ? PPM_GRAPH_CALLER : PPM_GRAPH_CALLEE;
		} else if (!strcmp(tok, "none")) {
			if (apply)
				a->graph = 0;
		} else if (!strcmp(tok, "graph") || !strcmp(tok, "fractal") || !strcmp(tok, "flat") ||
			   !strcmp(tok, "folded") || !strcmp(tok, "function") || !strcmp(tok, "address")) {
			continue;
		} else if (end != tok && !*end && v >= 0 && v <= 100) {
			if (apply)
				a->graph_min = v;
		} else {
			ok = 0;
		}
	}
	free(copy);
	return ok;
}

/*
 * perf report's options that pyperfmap report does not have: said so, rather than
 * "unknown", to a perf user. Long names, then the short letters.
 */
static const char *const perf_report_options[] = {
	"verbose", "dump-raw-trace", "force", "modules", "show-cpu-utilization", "threads", "tid",
	"symbol-filter", "fields", "parent", "exclude-other", "max-stack", "inverted",
	"column-widths", "field-separator", "group", "branch-stack", "branch-history", "objdump",
	"prefix", "prefix-strip", "demangle", "demangle-kernel", "mem-mode", "percentage", "header",
	"header-only", "itrace", "full-source-path", "show-ref-call-graph", "socket-filter",
	"samples", "raw-trace", "inline", "mmaps", "stats", "tasks", "time", "ignore-vmlinux",
	"vmlinux", "tui", "gtk", "stdio-color", "show-info", "show-total-period", "quiet",
	"disassembler-style", "source", "asm-raw", "show-on-off-events", "total-cycles",
	"switch-on", "switch-off", "stitch-lbr", "percent-type", "hide-unresolved", "cpu",
	"no-demangle", NULL,
};
static const char perf_report_letters[] = "vDfmTUpxwtbIMkqC";


static int parse_args(int argc, char **argv, struct report_args *a)
{
	enum { OPT_STDIO = 256, OPT_CHILDREN, OPT_NO_CHILDREN, OPT_KALLSYMS, OPT_PCT, OPT_SHOW_INTERP,
	       OPT_EVENT, OPT_REVERSE, OPT_SYMFS, OPT_WALL, OPT_HIERARCHY, OPT_PID };
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "stdio", no_argument, NULL, OPT_STDIO },
		{ "children", no_argument, NULL, OPT_CHILDREN },
		{ "no-children", no_argument, NULL, OPT_NO_CHILDREN },
		{ "sort", required_argument, NULL, 's' },
		{ "call-graph", optional_argument, NULL, 'g' },
		{ "show-nr-samples", no_argument, NULL, 'n' },
		{ "hierarchy", no_argument, NULL, OPT_HIERARCHY },
		{ "comms", required_argument, NULL, 'c' },
		{ "comm", required_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "dsos", required_argument, NULL, 'd' },
		{ "dso", required_argument, NULL, 'd' },
		{ "symbols", required_argument, NULL, 'S' },
		{ "symbol", required_argument, NULL, 'S' },
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
	a->order = -1;
	a->keys[0] = SORT_COMM, a->keys[1] = SORT_DSO, a->keys[2] = SORT_SYM;
	a->nr_keys = 3;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:s:gGF:o:hnc:d:S:", longopts, NULL)) != -1) {
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
			if (parse_sort(optarg, a))
				return -1;
			break;
		case 'g':
			a->graph = 1;
			if (optarg) {
				if (!parse_graph_arg(optarg, a, 1)) {
					ppm_cmd__err("invalid call graph option '%s' (caller, callee, none, or "
						     "perf's graph,0.5,caller form)", optarg);
					return -1;
				}
			} else if (optind < argc && parse_graph_arg(argv[optind], a, 0)) {
				parse_graph_arg(argv[optind++], a, 1); /* "-g caller", as perf takes it */
			}
			break;
		case 'n':
			break;
		case OPT_HIERARCHY:
			a->hierarchy = 1;
			break;
		case 'c':
		case 'd':
		case 'S':
			if (ppm_name_list__parse(opt == 'c' ? &a->comms : opt == 'd' ? &a->dsos : &a->symbols,
						 optarg)) {
				ppm_cmd__err("out of memory");
				return -1;
			}
			break;
		case OPT_PID:
			if (parse_pids(optarg, a))
				return -1;
			break;
		case 'G':
			a->graph = 0;
			break;
		case OPT_PCT:
			a->row_min = strtod(optarg, &end);
			if (end == optarg || *end || a->row_min < 0 || a->row_min > 100) {
				ppm_cmd__err("invalid percentage '%s'", optarg);
				return -1;
			}
			a->graph_min = a->row_min;
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
			ppm_cmd__bad_perf_option("report", perf_report_options, perf_report_letters, optopt,
						 argv[optind - 1]);
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
	const struct report_args *a;
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

/*
 * --comms and --pid: a sample of another process is left out of the rows but not of
 * the totals, so shares stay those of the whole profile (perf's "absolute" default).
 */
static int kept(struct reading *c, const struct ppm_resolved_sample *rs, int attr)
{
	const struct report_args *a = c->a;
	int ok = 1;

	if (a->comms.nr && !ppm_name_list__has(&a->comms, rs->comm ? rs->comm : ""))
		ok = 0;
	if (ok && a->nr_pids) {
		ok = 0;
		for (size_t i = 0; i < a->nr_pids; i++)
			ok |= a->pids[i] == (pid_t)rs->s->pid;
	}
	if (!ok && attr >= 0 && attr < c->hs.nr) {
		c->hs.h[attr].total_period += rs->s->period;
		c->hs.h[attr].total_samples += rs->samples;
	}
	return ok;
}

static int hist_add(void *arg, const struct ppm_resolved_sample *rs)
{
	struct reading *c = arg;

	return kept(c, rs, rs->s->attr) ? ppm_hists__add(&c->hs, rs) : 0;
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
	return kept(c, &w, c->wall_on) ? ppm_hists__add(&c->hs, &w) : 0;
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
	c->a = a;
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
	c->r->counted = 1; /* hist_add and wall_add count rs->samples */
	if (a->wall ? ppm_cmd__read(c->r, wall_add, c, &c->pl) :
		      ppm_cmd__read(c->r, hist_add, c, &c->pl))
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

/*
 * What a report of this file should say once, in its header: each stripped object
 * (no .symtab, no debug file) whose frames went unnamed, and where its names are.
 * NULL-terminated lines in notes (at most max - 1), freed by the caller.
 */
static size_t stripped_notes(const struct reading *c, char **notes, size_t max)
{
	const struct ppm_frames *fr = &c->r->res.frames;
	const struct ppm_dso *said[8];
	size_t n = 0, nsaid = 0;

	for (size_t i = 0; i < fr->nr && n + 1 < max && nsaid < 8; i++) {
		const struct ppm_dso *dso = fr->v[i].dso;
		const char *name, *ver;
		char pkg[64];
		int dup = 0;

		if (fr->v[i].sym || fr->v[i].kernel || !dso || dso->kind != PPM_DSO_ELF || !dso->loaded ||
		    dso->load_err || dso->elf.has_symtab || dso->elf.has_debug_file)
			continue;
		for (size_t k = 0; k < nsaid; k++)
			dup |= said[k] == dso;
		if (dup)
			continue;
		said[nsaid++] = dso;
		name = dso->short_name;
		ver = strstr(name, "python3.");
		if (ver && (ver == name || (ver == name + 3 && !strncmp(name, "lib", 3))))
			snprintf(pkg, sizeof(pkg), "%.*s-dbg", (int)(8 + strspn(ver + 8, "0123456789")), ver);
		else
			snprintf(pkg, sizeof(pkg), "its -dbgsym package");
		if (asprintf(&notes[n], "%s is stripped (no symbol table, no debug file under "
				"/usr/lib/debug/.build-id): its own functions show as addresses; "
				"install its debug symbols (%s) for their names",
			     ppm_cmd__safe(name), pkg) < 0)
			break;
		n++;
	}
	notes[n] = NULL;
	return n;
}

/* perf report's text (or folded stacks), an event at a time. */
static void write_text(FILE *out, const struct report_args *a, const struct reading *c)
{
	const struct ppm_data *d = c->r->data;
	const struct ppm_machine_stats *ms = ppm_machine__stats(c->r->machine);
	char *notes[9];
	size_t nr_notes = stripped_notes(c, notes, 9);

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
		v.order = a->order >= 0 ? a->order : v.children ? PPM_GRAPH_CALLER : PPM_GRAPH_CALLEE;
		v.row_min = a->row_min;
		v.dsos = &a->dsos;
		v.symbols = &a->symbols;
		v.hierarchy = a->hierarchy;
		v.keys = a->keys;
		v.nr_keys = a->nr_keys;
		v.notes = (const char *const *)notes;
		ppm_report__print_text(out, &c->hs.h[i], &v);
	}
	for (size_t i = 0; i < nr_notes; i++)
		free(notes[i]);
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
	ppm_name_list__release(&a.comms);
	ppm_name_list__release(&a.dsos);
	ppm_name_list__release(&a.symbols);
	free(a.pids);
	ppm_hists__release(&c.hs);
	ppm_reader__close(c.r);
	return ret;
}
