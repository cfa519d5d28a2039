/* pyperfmap record: run a command (or attach to a process) and sample it into perf.data. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "dwarf_record.h"
#include "workload.h"
#include "../lib/event.h"
#include "../lib/record.h"
#include "../maps/jitdump.h"

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

static uint64_t limit_freq(uint64_t freq)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "r");
	unsigned long long max = 0;

	if (!f)
		return freq;
	if (fscanf(f, "%llu", &max) != 1)
		max = 0;
	fclose(f);
	if (max && freq > max) {
		ppm_notice("-F %llu is above the kernel's limit of %llu Hz "
			   "(kernel.perf_event_max_sample_rate): sampling at %llu Hz",
			   (unsigned long long)freq, max, max);
		return max;
	}
	return freq;
}

struct output {
	char path[PATH_MAX];
	char tmp[PATH_MAX];
	int fd;
};

static int output_create(struct output *out, const char *path)
{
	snprintf(out->path, sizeof(out->path), "%s", path);
	if (snprintf(out->tmp, sizeof(out->tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(out->tmp))
		return -ENAMETOOLONG;
	out->fd = mkostemp(out->tmp, O_CLOEXEC);
	if (out->fd < 0)
		return -errno;
	fchmod(out->fd, 0600);
	return 0;
}

static void output_discard(struct output *out)
{
	if (out->fd >= 0) {
		close(out->fd);
		unlink(out->tmp);
		out->fd = -1;
	}
}

/* The old file survives as <path>.old; the new one appears only complete. */
static int output_commit(struct output *out)
{
	struct stat st;
	char old[PATH_MAX + 8];

	if (fsync(out->fd) < 0 && errno != EINVAL)
		return -errno;
	close(out->fd);
	out->fd = -1;
	if (stat(out->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		snprintf(old, sizeof(old), "%s.old", out->path);
		if (rename(out->path, old) < 0)
			return -errno;
	}
	if (rename(out->tmp, out->path) < 0)
		return -errno;
	return 0;
}

struct record_args {
	const char *events;
	const char *output;
	uint64_t freq, period;
	uint64_t pages;
	pid_t pid;
	int callchain, quiet, verbose, pages_set, no_sample_cpu, no_trampoline, graph_set;
	int jitdump;
	unsigned int dwarf;
	char **argv;
};

static int parse_args(int argc, char **argv, struct record_args *a)
{
	static const struct option longopts[] = {
		{ "freq", required_argument, NULL, 'F' },
		{ "count", required_argument, NULL, 'c' },
		{ "event", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "mmap-pages", required_argument, NULL, 'm' },
		{ "pid", required_argument, NULL, 'p' },
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

	memset(a, 0, sizeof(*a));
	a->events = "cycles";
	a->output = "perf.data";
	a->freq = 4000;
	a->pages = 256;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+F:c:ge:o:m:p:qvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'F':
			if (ppm_parse_u64(optarg, &a->freq) || !a->freq) {
				ppm_err("invalid frequency '%s' (want a number of Hz above 0)", optarg);
				return -1;
			}
			have_f = 1;
			break;
		case 'c':
			if (ppm_parse_u64(optarg, &a->period) || !a->period) {
				ppm_err("invalid period '%s' (want a count above 0)", optarg);
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
				if (optarg[5] == ',' && (ppm_parse_u64(optarg + 6, &v) || v < 64 || v > 65528)) {
					ppm_err("invalid stack size in '%s' (64 to 65528 bytes)", optarg);
					return -1;
				}
				if (optarg[5] == ',')
					a->dwarf = (unsigned int)(v & ~7ULL);
			} else if (strcmp(optarg, "none")) {
				ppm_err("unknown call graph mode '%s' (use fp, dwarf[,SIZE] or none)", optarg);
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
			if (ppm_parse_u64(optarg, &v) || !v || (v & (v - 1)) || v > (1u << 20)) {
				ppm_err("invalid ring size '%s' (want a power of two number of pages)",
					optarg);
				return -1;
			}
			a->pages = v;
			a->pages_set = 1;
			break;
		case 'p':
			if (ppm_parse_u64(optarg, &v) || !v || v > INT_MAX) {
				ppm_err("invalid pid '%s'", optarg);
				return -1;
			}
			a->pid = (pid_t)v;
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
			fputs(record_usage, stdout);
			return 1;
		default:
			ppm_bad_option("record", optopt, argv[optind - 1]);
			return -1;
		}
	}
	if (have_f && have_c) {
		ppm_err("-F and -c exclude each other");
		return -1;
	}
	if (have_c)
		a->freq = 0;
	a->argv = argv + optind;
	if (!a->pid && !*a->argv) {
		ppm_err("no command to record (usage: pyperfmap record [options] -- <command>)");
		return -1;
	}
	if (a->pid && *a->argv) {
		ppm_err("give either -p or a command, not both");
		return -1;
	}
	if (a->jitdump && (a->pid || a->no_trampoline)) {
		ppm_err("--jitdump is written by the trampoline of a command pyperfmap starts "
			"(not with %s)", a->pid ? "-p" : "--no-trampoline");
		return -1;
	}
	return 0;
}

static long read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	long v = 2;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 2;
		fclose(f);
	}
	return v;
}

/* "<what>: <strerror>", or the open-files advice when that is the reason. */
static void report_errno(const char *what, int err)
{
	char msg[512];

	if (err == -EMFILE || err == -ENFILE) {
		ppm_advice_emfile(msg, sizeof(msg), what);
		ppm_err("%s", msg);
	} else {
		ppm_err("%s: %s", what, strerror(-err));
	}
}

/* One fd per CPU per event (per thread with -p) plus a handful for pipes and the file. */
static int check_nofile(int nr_events)
{
	struct rlimit rl;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long need = (unsigned long long)(cpus > 0 ? cpus : 1) * nr_events + 8;
	char msg[512];

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < need) {
		ppm_advice_emfile(msg, sizeof(msg), "cannot record");
		ppm_err("%s", msg);
		return -1;
	}
	return 0;
}

/*
 * A recorded process that wrote no perf map but a jitdump (CPython's -X perf_jit):
 * its stubs' names from the dump, embedded as its map. Only a dump written during
 * this recording: an older one belongs to an earlier process with the same pid.
 */
static int jitdump_names(void *ctx, pid_t pid, time_t since, char **text, size_t *len)
{
	char path[64];
	struct stat st;

	(void)ctx;
	snprintf(path, sizeof(path), "/tmp/jit-%d.dump", pid);
	if (lstat(path, &st) || !S_ISREG(st.st_mode) || st.st_mtime < since - 1)
		return -ENOENT;
	return ppm_jitdump__load_text(path, PPM_JITDUMP_MAX, text, len);
}

int cmd_record(int argc, char **argv)
{
	struct record_args a;
	struct ppm_record_opts opts;
	struct ppm_open_error oerr;
	struct ppm_record *rec = NULL;
	struct ppm_event *evs = NULL;
	struct ppm_dwarf *dw = NULL;
	struct workload wl = { 0, -1, -1 };
	struct output out = { .fd = -1 };
	struct rusage ru;
	char msg[512], bad[256] = "", size[32];
	int nr_ev, err, status = 0, ret = 1, exited = 0;

	err = parse_args(argc, argv, &a);
	if (err)
		return err > 0 ? 0 : 2;
	ppm_cmd_setup_log(a.verbose);
	ppm_set_quiet(a.quiet);
	nr_ev = ppm_event__parse_list(a.events, &evs, bad, sizeof(bad));
	if (nr_ev < 0) {
		ppm_err("unknown event '%s' (events are perf's names, e.g. cycles, cpu-clock, "
			"task-clock)", bad);
		return 2;
	}
	if (a.pid && !process_alive(a.pid)) {
		ppm_err("no such process: %d", a.pid);
		goto out;
	}
	if (check_events(evs, nr_ev))
		goto out;
	if (!a.graph_set || (a.callchain && !a.dwarf)) {
		char why[4200], exe[64];
		int fp;

		snprintf(exe, sizeof(exe), "/proc/%d/exe", a.pid);
		fp = ppm_callgraph_auto(a.pid ? exe : a.argv[0], why, sizeof(why));
		if (!a.graph_set) {
			a.callchain = fp;
			a.dwarf = fp ? 0 : 65528;
			ppm_notice("call graph: %s (%s)", fp ? "fp" : "dwarf", why);
		} else if (!fp) {
			ppm_notice("--call-graph fp: %s; stacks stop at the first function without "
				 "one (-g picks dwarf here)", why);
		}
	}
	if (!a.pid && !a.no_trampoline) {
		const char *asked = ppm_cpython_trampoline_asked(a.argv);

		if (asked) {
			/* Said here: the Python processes step aside silently. */
			ppm_notice("%s: CPython's own perf trampoline names the Python functions; "
				   "pyperfmap's stays off", asked);
		}
	}
	if (!a.pid && ppm_python_jit_asked())
		ppm_notice("PYTHON_JIT=1: the JIT's machine code has no names and no unwind "
			   "information: its samples show as [unknown], and %s",
			   a.dwarf ? "DWARF stacks end where they meet it (frame pointers go "
				     "through it where the interpreter keeps them: 3.15)" :
				     "stacks go through it by its frame pointers");
	if (a.freq)
		a.freq = limit_freq(a.freq);
	ppm_raise_nofile();
	if (check_nofile(nr_ev))
		goto out;
	err = output_create(&out, a.output);
	if (err) {
		snprintf(msg, sizeof(msg), "cannot create '%s'", a.output);
		report_errno(msg, err);
		goto out;
	}
	install_signals();
	if (!a.pid) {
		if (a.jitdump)
			setenv("PYPERFMAP_JITDUMP", "1", 1);
		err = workload_prepare(&wl, a.argv, !a.no_trampoline);
		if (err) {
			snprintf(msg, sizeof(msg), "cannot start '%s'", a.argv[0]);
			report_errno(msg, err);
			goto out;
		}
		child_pid = wl.pid;
	}
	memset(&opts, 0, sizeof(opts));
	opts.events = evs;
	opts.nr_events = nr_ev;
	opts.freq = a.freq;
	opts.period = a.period;
	opts.callchain = a.callchain;
	opts.no_sample_cpu = a.no_sample_cpu;
	opts.clock_monotonic = a.jitdump;
	if (a.dwarf && !a.callchain) {
		dw = ppm_dwarf__new(nr_ev > 1, !a.no_sample_cpu);
		if (!dw) {
			ppm_err("cannot set up the unwinder: %s", strerror(errno));
			goto out;
		}
		opts.dwarf_stack = a.dwarf;
		opts.transform = ppm_dwarf__transform;
		opts.transform_ctx = dw;
		/* 64 KB a sample: room for a few hundred between two drains. */
		if (!a.pages_set)
			opts.mmap_pages = a.pages = 4096;
	}
	opts.mmap_pages = (unsigned int)a.pages;
	opts.pid = a.pid ? a.pid : wl.pid;
	opts.attach = !!a.pid;
	opts.cmdline = (const char *const *)argv;
	opts.cmdline_nr = argc;
	opts.perfmap_text = jitdump_names;
	for (;;) {
		rec = ppm_record__new(&opts);
		if (!rec) {
			ppm_err("cannot read the online CPUs: %s", strerror(errno));
			goto out;
		}
		err = ppm_record__open(rec, &oerr);
		/* Unprivileged users may lock only perf_event_mlock_kb per CPU: shrink the rings. */
		if (err == -EPERM && oerr.mmap && !a.pages_set && opts.mmap_pages > 8) {
			opts.mmap_pages /= 2;
			ppm_record__free(rec);
			rec = NULL;
			continue;
		}
		break;
	}
	if (!err && opts.mmap_pages != a.pages)
		ppm_notice("ring buffers reduced to %u pages per CPU (the locked-memory allowance)",
			   opts.mmap_pages);
	if (err) {
		if (a.pid && (err == -ESRCH || err == -ENOENT) && !process_alive(a.pid))
			snprintf(msg, sizeof(msg), "no such process: %d", a.pid);
		else if (a.pid && (err == -EACCES || err == -EPERM))
			snprintf(msg, sizeof(msg), "cannot attach to process %d: permission denied "
				 "(it belongs to another user, and perf_event_paranoid is %ld; run as "
				 "root or with CAP_PERFMON)", a.pid, read_paranoid());
		else
			ppm_advice_open_error(msg, sizeof(msg), evs[oerr.event].name, oerr.cpu, err,
					      oerr.mmap);
		ppm_err("%s", msg);
		goto out;
	}
	err = ppm_record__start(rec, out.fd);
	if (err) {
		ppm_err("cannot write '%s': %s", a.output, strerror(-err));
		goto out;
	}
	if (!a.pid) {
		err = workload_start(&wl);
		if (err) {
			waitpid(wl.pid, NULL, 0);
			wl.pid = 0;
			ppm_err("cannot run '%s': %s", a.argv[0], strerror(-err));
			ret = err == -ENOENT ? 127 : 126;
			goto out;
		}
	}
	while (!exited) {
		err = ppm_record__poll(rec, 200);
		if (err < 0) {
			ppm_err("cannot write '%s': %s", a.output, strerror(-err));
			goto out;
		}
		if (a.pid) {
			exited = got_stop || !process_alive(a.pid);
			continue;
		}
		if (got_sigchld || got_stop) {
			got_sigchld = 0;
			if (wait4(wl.pid, &status, WNOHANG, &ru) == wl.pid)
				exited = 1;
		}
	}
	child_pid = 0;
	wl.pid = 0;
	err = ppm_record__stop(rec);
	if (!err)
		err = ppm_embed_kernel_symbols(rec);
	if (!err)
		err = ppm_record__finish(rec);
	if (!err)
		err = output_commit(&out);
	if (err) {
		ppm_err("cannot write '%s': %s", a.output, strerror(-err));
		goto out;
	}
	if (!a.quiet) {
		const struct ppm_record_stats *st = ppm_record__stats(rec);
		double cpu = a.pid ? 0 : (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
					 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		char rate[64] = "";

		if (cpu > 0.05 && a.freq)
			snprintf(rate, sizeof(rate), ", %.0f Hz per CPU-second",
				 (double)st->samples / cpu);
		char maps[48] = "";

		if (st->perfmaps)
			snprintf(maps, sizeof(maps), ", %d perf map%s embedded", st->perfmaps,
				 st->perfmaps == 1 ? "" : "s");
		fprintf(stderr, "pyperfmap: %llu samples written, %llu lost, %s to '%s'%s%s\n",
			(unsigned long long)st->samples, (unsigned long long)st->lost,
			ppm_human_size(st->bytes, size, sizeof(size)), a.output, rate, maps);
		if (dw) {
			const struct ppm_dwarf_stats *ds = ppm_dwarf__stats(dw);
			uint64_t bad = ds->samples - ds->ends[0];

			fprintf(stderr, "pyperfmap: %llu stacks unwound, %llu complete, %llu incomplete "
				"(%llu ran out of stack copy, %llu reached code without CFI, %llu hit bad "
				"values)\n", (unsigned long long)ds->samples,
				(unsigned long long)ds->ends[0], (unsigned long long)bad,
				(unsigned long long)ds->ends[1], (unsigned long long)ds->ends[2],
				(unsigned long long)ds->ends[3]);
		}
		if (st->throttled)
			ppm_notice("the kernel throttled sampling %llu times: fewer samples than -F "
				   "asked for (see kernel.perf_cpu_time_max_percent)",
				   (unsigned long long)st->throttled);
	}
	ret = a.pid ? 0 : exit_status_of(status);
out:
	if (wl.pid > 0)
		workload_abort(&wl);
	output_discard(&out);
	ppm_record__free(rec);
	ppm_dwarf__free(dw);
	ppm_event__free_list(evs, nr_ev > 0 ? nr_ev : 0);
	return ret;
}
