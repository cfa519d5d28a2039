/* record's and top's options (see recording.h): parsed, checked, said when wrong. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "recording.h"

static const char record_usage[] =
	"usage: pyperfmap record [options] -- <command> [<args>...]\n"
	"   or: pyperfmap record [options] -p <pid>\n"
	"\n"
	"Samples a command and every process it starts, on every online CPU, into a\n"
	"perf.data file that 'pyperfmap report' and 'perf report' both read.\n"
	"\n"
	"  -F, --freq <hz>        samples per second per CPU (default 4000)\n"
	"  -c, --count <n>        sample every n events instead of a frequency\n"
	"  -g                     call graphs, in the mode that works here (the default)\n"
	"      --call-graph <mode> auto (the default, and -g): fp when the program (for\n"
	"                         Python, its interpreter) keeps frame pointers, else dwarf;\n"
	"                         fp: the kernel's frame-pointer callchains, always;\n"
	"                         dwarf[,SIZE]: copy SIZE bytes of user stack per sample\n"
	"                         (default 65528) and unwind it with the binaries' CFI and\n"
	"                         the trampoline's stubs while recording, so the file keeps\n"
	"                         plain callchains, as small as fp's; none: no callchains\n"
	"  -e, --event <event>    event to sample (default cycles; falls back to cpu-clock\n"
	"                         without a hardware PMU): perf's names, libpfm4's PMU events,\n"
	"                         rNNN, modifiers (:u :k :pp); a comma-separated list samples\n"
	"                         several, {a,b} schedules a group together ('pyperfmap list')\n"
	"  -o, --output <file>    output file (default perf.data; an old one becomes <file>.old)\n"
	"      --off-cpu          also the time threads wait: event offcpu-time, a sample\n"
	"                         at each switch-out with its stack, weighing the ns until\n"
	"                         the thread runs again\n"
	"      --off-cpu-thresh <ms>  waits this long or longer are written one by one,\n"
	"                         shorter ones summed per thread and stack (default 500, as\n"
	"                         perf's)\n"
	"  -m, --mmap-pages <n>   ring buffer data pages per CPU, a power of two (default 256)\n"
	"  -p, --pid <pid>        attach to a running process and its threads until it exits\n"
	"                         or Ctrl-C\n"
	"      --no-sample-cpu    leave the CPU number out of samples (8 bytes less each,\n"
	"                         as perf records a command)\n"
	"      --no-trampoline    do not switch pyperfmap's trampoline on in the command's\n"
	"                         Python processes (it is on by default: PYPERFMAP=1)\n"
	"      --jitdump          the trampoline also writes /tmp/jit-PID.dump (stub code and\n"
	"                         unwinding data) and sample times use CLOCK_MONOTONIC, so\n"
	"                         'perf inject --jit' reads the file (as after perf record -k 1)\n"
	"  -q, --quiet            no summary line and no notices\n"
	"  -v, --verbose          more messages\n"
	"  -h, --help             this text\n"
	"\n"
	"The command's stdin, stdout, stderr and exit status pass through unchanged\n"
	"(128+N when it is killed by signal N). Ctrl-C reaches the command; the file is\n"
	"still completed. /tmp/perf-PID.map files of the recorded processes are copied\n"
	"into the output so Python frames stay named after the maps are gone.\n";

/* -p 12,34: every pid once. 0, or -1 with the error printed. */
static int parse_pids(const char *list, struct record_args *a)
{
	char *copy = strdup(list), *save = NULL, *tok;
	uint64_t v;
	int err = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (ppm_cmd__parse_u64(tok, &v) || !v || v > INT_MAX) {
			ppm_cmd__err("invalid pid '%s'", tok);
			err = -1;
		} else if (a->nr_pids == MAX_PIDS) {
			ppm_cmd__err("too many pids in '-p %s' (at most %d)", list, MAX_PIDS);
			err = -1;
		} else {
			a->pids[a->nr_pids++] = (pid_t)v;
		}
	}
	if (!err && !a->nr_pids) {
		ppm_cmd__err("invalid pid list '%s'", list);
		err = -1;
	}
	free(copy);
	return err;
}

static int parse_args(int argc, char **argv, struct record_args *a, enum ppm_recording_mode mode)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "off-cpu", no_argument, NULL, 'O' },
		{ "off-cpu-thresh", required_argument, NULL, 'H' },
		{ "stdio", no_argument, NULL, 'S' },
		{ "freq", required_argument, NULL, 'F' },
		{ "count", required_argument, NULL, 'c' },
		{ "event", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "mmap-pages", required_argument, NULL, 'm' },
		{ "pid", required_argument, NULL, 'p' },
		{ "all-cpus", no_argument, NULL, 'a' },
		{ "no-inherit", no_argument, NULL, 'I' },
		{ "call-graph", required_argument, NULL, 'G' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-sample-cpu", no_argument, NULL, 'C' },
		{ "no-trampoline", no_argument, NULL, 'T' },
		{ "jitdump", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, have_f = 0, have_c = 0;
	uint64_t v;

	const char *cmd = mode == PPM_TOP ? "top" : "record";
	char *end;

	memset(a, 0, sizeof(*a));
	a->mode = mode;
	a->events = "cycles";
	a->output = mode == PPM_TOP ? NULL : "perf.data";
	a->freq = 4000;
	a->pages = 256;
	a->delay = 1.0;
	a->off_cpu_thresh = 500; /* perf's default */
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, mode == PPM_TOP ? "+F:c:ge:o:m:p:aqvhd:" :
				  "+F:c:ge:o:m:p:aqvh", longopts, NULL)) != -1) {
		if ((opt == 'd' || opt == 'S') && mode != PPM_TOP)
			opt = '?'; /* top's */
		switch (opt) {
		case 'd':
			a->delay = strtod(optarg, &end);
			if (*end || a->delay < 0.1 || a->delay > 3600) {
				ppm_cmd__err("invalid delay '%s' (seconds between refreshes, 0.1 to 3600)",
					     optarg);
				return -1;
			}
			break;
		case 'S':
			a->stdio = 1;
			break;
		case 'O':
			a->off_cpu = 1;
			break;
		case 'H':
			a->off_cpu_thresh = strtod(optarg, &end);
			if (*end || a->off_cpu_thresh < 0 || a->off_cpu_thresh > 3.6e6) {
				ppm_cmd__err("invalid off-CPU threshold '%s' (milliseconds, as perf's)", optarg);
				return -1;
			}
			a->off_cpu = 1;
			break;
		case 'F':
			if (ppm_cmd__parse_u64(optarg, &a->freq) || !a->freq) {
				ppm_cmd__err("invalid frequency '%s' (want a number of Hz above 0)", optarg);
				return -1;
			}
			have_f = 1;
			break;
		case 'c':
			if (ppm_cmd__parse_u64(optarg, &a->period) || !a->period) {
				ppm_cmd__err("invalid period '%s' (want a count above 0)", optarg);
				return -1;
			}
			have_c = 1;
			break;
		case 'g':
			/* perf users mean "call graphs": the mode that works, as auto picks it */
			a->graph_set = 0;
			a->callchain = 0;
			a->dwarf = 0;
			break;
		case 'G':
			a->graph_set = 1;
			a->callchain = 0;
			a->dwarf = 0;
			if (!strcmp(optarg, "auto")) {
				a->graph_set = 0;
			} else if (!strcmp(optarg, "fp")) {
				a->callchain = 1;
			} else if (!strcmp(optarg, "dwarf") || !strncmp(optarg, "dwarf,", 6)) {
				a->dwarf = 65528;
				if (optarg[5] == ',' && (ppm_cmd__parse_u64(optarg + 6, &v) || v < 64 || v > 65528)) {
					ppm_cmd__err("invalid stack size in '%s' (64 to 65528 bytes)", optarg);
					return -1;
				}
				if (optarg[5] == ',')
					a->dwarf = (unsigned int)(v & ~7ULL);
			} else if (strcmp(optarg, "none")) {
				ppm_cmd__err("unknown call graph mode '%s' (use fp, dwarf[,SIZE] or none)", optarg);
				return -1;
			}
			break;
		case 'e':
			a->events = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'm':
			if (ppm_cmd__parse_u64(optarg, &v) || !v || (v & (v - 1)) || v > (1u << 20)) {
				ppm_cmd__err("invalid ring size '%s' (want a power of two number of pages)",
					     optarg);
				return -1;
			}
			a->pages = v;
			a->pages_set = 1;
			break;
		case 'p':
			if (parse_pids(optarg, a))
				return -1;
			break;
		case 'a':
			a->system_wide = 1;
			break;
		case 'I':
			a->no_inherit = 1;
			break;
		case 'q':
			a->quiet = 1;
			break;
		case 'C':
			a->no_sample_cpu = 1;
			break;
		case 'T':
			a->no_trampoline = 1;
			break;
		case 'J':
			a->jitdump = 1;
			break;
		case 'v':
			a->verbose = 1;
			break;
		case 'h':
			fputs(mode == PPM_TOP ? ppm_top_usage : record_usage, stdout);
			return 1;
		default:
			ppm_cmd__bad_option(cmd, optopt, argv[optind - 1]);
			return -1;
		}
	}
	if (have_f && have_c) {
		ppm_cmd__err("-F and -c exclude each other");
		return -1;
	}
	if (have_c)
		a->freq = 0;
	a->argv = argv + optind;
	/* top without a target watches the whole system, as perf top does */
	if (mode == PPM_TOP && !a->nr_pids && !*a->argv)
		a->system_wide = 1;
	if (!a->nr_pids && !a->system_wide && !*a->argv) {
		ppm_cmd__err("no command to record (usage: pyperfmap record [options] -- <command>)");
		return -1;
	}
	if (a->nr_pids && a->system_wide) {
		ppm_cmd__err("-p and -a exclude each other (-a records every process)");
		return -1;
	}
	if (a->no_inherit && a->system_wide) {
		ppm_cmd__err("--no-inherit does not apply to -a, which records every process");
		return -1;
	}
	if (a->jitdump && (a->nr_pids || a->system_wide || a->no_trampoline)) {
		ppm_cmd__err("--jitdump is written by the trampoline of a command pyperfmap starts "
			     "(not with %s)", a->nr_pids ? "-p" : a->system_wide ? "-a" : "--no-trampoline");
		return -1;
	}
	return 0;
}

int ppm_recording__parse(struct recording *r, int argc, char **argv, enum ppm_recording_mode mode)
{
	memset(r, 0, sizeof(*r));
	r->wl = (struct workload){ 0, -1, -1, 0 };
	r->out.fd = -1;
	return parse_args(argc, argv, &r->a, mode);
}
