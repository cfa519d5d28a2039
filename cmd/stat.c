/*
 * pyperfmap stat: run a command and count events, like perf stat. One counter per
 * event on the command's process with inherit (its threads and children add in),
 * enabled at exec, read after it exits; a count the kernel could only take part of
 * the time (multiplexing) is scaled by time_enabled / time_running and says so.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "outfile.h"
#include "../report/stat_out.h"
#include "workload.h"
#include "../lib/event.h"

static const char stat_usage[] =
	"usage: pyperfmap stat [options] -- <command> [args...]\n"
	"\n"
	"Runs the command and counts events over it (its threads and children included),\n"
	"like perf stat: totals, derived ratios (CPUs utilized, IPC, miss rates), wall and\n"
	"CPU time. The command's stdio and exit status pass through.\n"
	"\n"
	"  -e, --event <events>   events to count: perf's names, libpfm4's PMU events, rNNN,\n"
	"                         modifiers (:u :k), lists and {groups} ('pyperfmap list');\n"
	"                         default task-clock, context-switches, cpu-migrations,\n"
	"                         page-faults, cycles, instructions, branches, branch-misses\n"
	"                         (the hardware ones are skipped where there is no PMU)\n"
	"  -r, --repeat <n>       run the command n times; print means and their spread\n"
	"  -x, --field-separator <sep>\n"
	"                         one line per event, fields separated by sep (perf's CSV:\n"
	"                         value, unit, event, run time, %% running, metric, metric unit)\n"
	"  -j, --json             one JSON object per event (perf stat --json's fields)\n"
	"  -o, --output <file>    write the counts there instead of stderr\n"
	"  -h, --help             this text\n"
	"\n"
	"The counts go to stderr (as perf stat's do), so the command's stdout stays its own.\n";

static const char default_events[] =
	"task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions,branches,"
	"branch-misses";

struct stat_args {
	const char *events;
	int events_set;
	unsigned int repeat;
	const char *sep;
	int json;
	const char *output;
	char **argv;
};

static int parse_args(int argc, char **argv, struct stat_args *a)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "field-separator", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int opt;

	memset(a, 0, sizeof(*a));
	a->events = default_events;
	a->repeat = 1;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+e:r:x:jo:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			a->events = optarg;
			a->events_set = 1;
			break;
		case 'r':
			if (ppm_cmd__parse_u64(optarg, &v) || !v || v > 100000) {
				ppm_cmd__err("invalid repeat count '%s' (1 to 100000)", optarg);
				return -1;
			}
			a->repeat = (unsigned int)v;
			break;
		case 'x':
			if (!*optarg) {
				ppm_cmd__err("empty field separator");
				return -1;
			}
			a->sep = optarg;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'h':
			fputs(stat_usage, stdout);
			return 1;
		default:
			ppm_cmd__bad_option("stat", optopt, argv[optind - 1]);
			return -1;
		}
	}
	if (a->sep && a->json) {
		ppm_cmd__err("-x and --json exclude each other");
		return -1;
	}
	a->argv = argv + optind;
	if (!*a->argv) {
		ppm_cmd__err("no command to count (usage: pyperfmap stat [options] -- <command>)");
		return -1;
	}
	return 0;
}

struct counter {
	struct ppm_event *ev;
	int fd;
	bool supported;
	double *runs;            /* scaled value of each run */
	double ratio;            /* time_running / time_enabled of the last run */
	uint64_t running;        /* ns the counter ran, last run */
};

static int open_counters(struct counter *cs, int nr, pid_t pid)
{
	for (int i = 0; i < nr; i++) {
		struct perf_event_attr attr = cs[i].ev->attr;
		int g = cs[i].ev->group;
		int member = g >= 0 && g != i;
		long fd;

		cs[i].fd = -1;
		if (!cs[i].supported)
			continue;
		attr.size = sizeof(attr);
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		attr.inherit = 1;
		attr.exclude_hv = 1;
		attr.disabled = !member;
		attr.enable_on_exec = !member;
		fd = syscall(SYS_perf_event_open, &attr, pid, -1, member ? cs[g].fd : -1,
			     PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			int err = -errno;

			ppm_advice__open(cs[i].ev->name, NULL, err, NULL);
			return err;
		}
		cs[i].fd = (int)fd;
	}
	return 0;
}

static void read_counters(struct counter *cs, int nr, unsigned int run, int *multiplexed)
{
	for (int i = 0; i < nr; i++) {
		uint64_t v[3] = { 0, 0, 0 };

		if (cs[i].fd < 0)
			continue;
		if (read(cs[i].fd, v, sizeof(v)) != (ssize_t)sizeof(v))
			memset(v, 0, sizeof(v));
		close(cs[i].fd);
		cs[i].fd = -1;
		cs[i].running = v[2];
		cs[i].ratio = v[1] ? (double)v[2] / (double)v[1] : 0;
		cs[i].runs[run] = ppm_stat__scaled(v[0], v[1], v[2]);
		if (v[2] && v[2] < v[1])
			(*multiplexed)++;
	}
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* One stat's state: the events, their counters, the runs' times. */
struct counting {
	struct stat_args a;
	struct ppm_event *evs;
	int nr_ev;
	struct counter *cs;
	struct stat_run_times times;
	int status, multiplexed;
};

/* The events parsed and checked, one counter each (perf stat's defaults without a PMU). */
static int prepare(struct counting *c)
{
	char bad[256];
	int have_pmu;

	c->nr_ev = ppm_event__parse_list(c->a.events, &c->evs, bad, sizeof(bad));
	if (c->nr_ev < 0) {
		ppm_advice__unknown_event(bad);
		return 2;
	}
	c->cs = calloc((size_t)c->nr_ev, sizeof(*c->cs));
	c->times.elapsed = calloc(c->a.repeat, sizeof(double));
	c->times.user = calloc(c->a.repeat, sizeof(double));
	c->times.sys = calloc(c->a.repeat, sizeof(double));
	if (!c->cs || !c->times.elapsed || !c->times.user || !c->times.sys)
		return -ENOMEM;
	have_pmu = ppm_event__have_pmu();
	for (int i = 0; i < c->nr_ev; i++) {
		struct counter *k = &c->cs[i];

		k->ev = &c->evs[i];
		k->fd = -1;
		k->supported = true;
		k->runs = calloc(c->a.repeat, sizeof(double));
		if (!k->runs)
			return -ENOMEM;
		/* perf stat's defaults: the hardware ones print <not supported> without a PMU. */
		if (!c->a.events_set && ppm_event__is_hardware(k->ev) &&
		    (!have_pmu || ppm_event__probe(k->ev)))
			k->supported = false;
	}
	if (!c->a.events_set && !have_pmu)
		ppm_cmd__notice("no hardware PMU on this machine: cycles, instructions, branches and "
				"branch-misses are not counted");
	if (c->a.events_set && ppm_advice__check_events(c->evs, c->nr_ev))
		return 1;
	return 0;
}

/* Runs the command a.repeat times (fewer when interrupted), counting each run. */
static int run_all(struct counting *c)
{
	unsigned int run;
	int err;

	ppm_workload__signals();
	for (run = 0; run < c->a.repeat; run++) {
		struct workload wl = { 0, -1, -1, 0 };
		struct rusage ru;
		double t0;

		err = ppm_workload__prepare(&wl, c->a.argv, 0);
		if (err) {
			ppm_cmd__err("cannot run '%s': %s", c->a.argv[0], strerror(-err));
			return 1;
		}
		ppm_signals.child = wl.pid;
		if (open_counters(c->cs, c->nr_ev, wl.pid)) {
			ppm_workload__abort(&wl);
			return 1;
		}
		t0 = now_s();
		err = ppm_workload__start(&wl);
		if (err) {
			waitpid(wl.pid, NULL, 0);
			return ppm_advice__exec_failed(c->a.argv[0], err);
		}
		while (wait4(wl.pid, &c->status, 0, &ru) < 0 && errno == EINTR)
			;
		c->times.elapsed[run] = now_s() - t0;
		c->times.user[run] = tv_s(ru.ru_utime);
		c->times.sys[run] = tv_s(ru.ru_stime);
		ppm_signals.child = 0;
		read_counters(c->cs, c->nr_ev, run, &c->multiplexed);
		if (ppm_signals.stop)
			break; /* interrupted: print what was counted, as perf does */
	}
	c->times.runs = run < c->a.repeat ? run + 1 : c->a.repeat;
	return 0;
}

/* The counts in the format asked for. */
static int print_counts(const struct counting *c, FILE *out)
{
	struct stat_value *vals = calloc((size_t)c->nr_ev, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (int i = 0; i < c->nr_ev; i++) {
		vals[i].name = c->evs[i].name;
		vals[i].attr = &c->evs[i].attr;
		vals[i].supported = c->cs[i].supported;
		vals[i].runs = c->cs[i].runs;
		vals[i].ratio = c->cs[i].ratio;
		vals[i].running = c->cs[i].running;
	}
	if (c->a.json)
		ppm_stat__print_json(out, vals, c->nr_ev, &c->times, ppm_workload__exit_status(c->status));
	else if (c->a.sep)
		ppm_stat__print_csv(out, vals, c->nr_ev, &c->times, c->a.sep);
	else
		ppm_stat__print_text(out, vals, c->nr_ev, &c->times, c->a.argv);
	free(vals);
	return 0;
}

int ppm_cmd__stat(int argc, char **argv)
{
	struct counting c = { 0 };
	struct outfile of = { 0 };
	FILE *out = stderr;
	int ret;

	ret = parse_args(argc, argv, &c.a);
	if (ret)
		return ret > 0 ? 0 : 2;
	ppm_cmd__setup_log(0);
	ret = prepare(&c);
	/* Written beside it and renamed when complete: a failure never leaves half a file. */
	if (!ret && c.a.output && (ret = ppm_outfile__open(&of, c.a.output, PPM_OUTFILE_STREAM)) == 0)
		out = of.fp;
	if (!ret)
		ret = run_all(&c);
	if (!ret && c.multiplexed)
		ppm_cmd__notice("the kernel multiplexed %d counter(s): their counts are scaled by "
				"time enabled / time running (the %% column)", c.multiplexed);
	if (!ret)
		ret = print_counts(&c, out);
	if (!ret && (fflush(out) || ferror(out))) {
		ppm_cmd__err("cannot write the counts: %s", strerror(errno));
		ret = 1;
	}
	if (!ret && out != stderr) {
		out = stderr;
		ret = ppm_outfile__commit(&of) ? 1 : 0;
	}
	if (ret == -ENOMEM)
		ppm_cmd__err("out of memory");
	if (ret < 0)
		ret = 1;
	else if (!ret)
		ret = ppm_workload__exit_status(c.status);
	if (out != stderr)
		ppm_outfile__abort(&of);
	for (int i = 0; c.cs && i < c.nr_ev; i++) {
		if (c.cs[i].fd >= 0)
			close(c.cs[i].fd);
		free(c.cs[i].runs);
	}
	free(c.cs);
	free(c.times.elapsed);
	free(c.times.user);
	free(c.times.sys);
	ppm_event__free_list(c.evs, c.nr_ev > 0 ? c.nr_ev : 0);
	return ret;
}
