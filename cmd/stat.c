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

int ppm_cmd__stat(int argc, char **argv)
{
	struct stat_args a;
	struct ppm_event *evs = NULL;
	struct counter *cs = NULL;
	struct stat_run_times times = { 0 };
	FILE *out = stderr;
	struct outfile of = { 0 };
	char bad[256];
	int nr_ev, err, ret = 1, status = 0, multiplexed = 0, have_pmu;
	unsigned int run;

	err = parse_args(argc, argv, &a);
	if (err)
		return err > 0 ? 0 : 2;
	ppm_cmd__setup_log(0);
	nr_ev = ppm_event__parse_list(a.events, &evs, bad, sizeof(bad));
	if (nr_ev < 0) {
		ppm_advice__unknown_event(bad);
		return 2;
	}
	cs = calloc((size_t)nr_ev, sizeof(*cs));
	times.elapsed = calloc(a.repeat, sizeof(double));
	times.user = calloc(a.repeat, sizeof(double));
	times.sys = calloc(a.repeat, sizeof(double));
	if (!cs || !times.elapsed || !times.user || !times.sys)
		goto nomem;
	have_pmu = ppm_event__have_pmu();
	for (int i = 0; i < nr_ev; i++) {
		cs[i].ev = &evs[i];
		cs[i].fd = -1;
		cs[i].supported = true;
		cs[i].runs = calloc(a.repeat, sizeof(double));
		if (!cs[i].runs)
			goto nomem;
		/* perf stat's defaults: the hardware ones print <not supported> without a PMU. */
		if (!a.events_set && ppm_event__is_hardware(&evs[i]) &&
		    (!have_pmu || ppm_event__probe(&evs[i])))
			cs[i].supported = false;
	}
	if (!a.events_set && !have_pmu)
		ppm_cmd__notice("no hardware PMU on this machine: cycles, instructions, branches and "
				"branch-misses are not counted");
	if (a.events_set && ppm_advice__check_events(evs, nr_ev))
		goto out;
	if (a.output) {
		/* Written beside it and renamed when complete: a failure never leaves half a file. */
		if (ppm_outfile__open(&of, a.output, PPM_OUTFILE_STREAM))
			goto out;
		out = of.fp;
	}
	ppm_workload__signals();
	for (run = 0; run < a.repeat; run++) {
		struct workload wl = { 0, -1, -1 };
		struct rusage ru;
		double t0;

		err = ppm_workload__prepare(&wl, a.argv, 0);
		if (err) {
			ppm_cmd__err("cannot run '%s': %s", a.argv[0], strerror(-err));
			goto out;
		}
		ppm_signals.child = wl.pid;
		err = open_counters(cs, nr_ev, wl.pid);
		if (err) {
			ppm_workload__abort(&wl);
			goto out;
		}
		t0 = now_s();
		err = ppm_workload__start(&wl);
		if (err) {
			waitpid(wl.pid, NULL, 0);
			ret = ppm_advice__exec_failed(a.argv[0], err);
			goto out;
		}
		while (wait4(wl.pid, &status, 0, &ru) < 0 && errno == EINTR)
			;
		times.elapsed[run] = now_s() - t0;
		times.user[run] = tv_s(ru.ru_utime);
		times.sys[run] = tv_s(ru.ru_stime);
		ppm_signals.child = 0;
		read_counters(cs, nr_ev, run, &multiplexed);
		if (ppm_signals.stop)
			break; /* interrupted: print what was counted, as perf does */
	}
	times.runs = run < a.repeat ? run + 1 : a.repeat;
	if (multiplexed)
		ppm_cmd__notice("the kernel multiplexed %d counter(s): their counts are scaled by "
				"time enabled / time running (the %% column)", multiplexed);
	{
		struct stat_value *vals = calloc((size_t)nr_ev, sizeof(*vals));

		if (!vals)
			goto nomem;
		for (int i = 0; i < nr_ev; i++) {
			vals[i].name = evs[i].name;
			vals[i].attr = &evs[i].attr;
			vals[i].supported = cs[i].supported;
			vals[i].runs = cs[i].runs;
			vals[i].ratio = cs[i].ratio;
			vals[i].running = cs[i].running;
		}
		if (a.json)
			ppm_stat__print_json(out, vals, nr_ev, &times, ppm_workload__exit_status(status));
		else if (a.sep)
			ppm_stat__print_csv(out, vals, nr_ev, &times, a.sep);
		else
			ppm_stat__print_text(out, vals, nr_ev, &times, a.argv);
		free(vals);
	}
	if (fflush(out) || ferror(out)) {
		ppm_cmd__err("cannot write the counts: %s", strerror(errno));
		goto out;
	}
	if (out != stderr) {
		out = stderr;
		if (ppm_outfile__commit(&of))
			goto out;
	}
	ret = ppm_workload__exit_status(status);
	goto out;
nomem:
	ppm_cmd__err("out of memory");
out:
	if (out != stderr)
		ppm_outfile__abort(&of);
	for (int i = 0; cs && i < nr_ev; i++) {
		if (cs[i].fd >= 0)
			close(cs[i].fd);
		free(cs[i].runs);
	}
	free(cs);
	free(times.elapsed);
	free(times.user);
	free(times.sys);
	ppm_event__free_list(evs, nr_ev > 0 ? nr_ev : 0);
	return ret;
}
