/* pyperfmap record: run a command (or attach to a process) and sample it into perf.data. */
#include <errno.h>
#include <fcntl.h>
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
#include "outfile.h"
#include "recording.h"
#include "../util/mapfile.h"
#include "../session/dwarf_record.h"
#include "../session/session.h"
#include "workload.h"
#include "../lib/event.h"
#include "../lib/record.h"
#include "../lib/perf_file.h"
#include "../lib/proctree.h"
#include "../maps/jitdump.h"
#include "../session/attach.h"

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
		ppm_cmd__notice("-F %llu is above the kernel's limit of %llu Hz "
				"(kernel.perf_event_max_sample_rate): sampling at %llu Hz",
				(unsigned long long)freq, max, max);
		return max;
	}
	return freq;
}

/* A recording's file (cmd/outfile.h): private, synced, the old one kept as .old. */
#define RECORDING_FILE (PPM_OUTFILE_KEEP_OLD | PPM_OUTFILE_PRIVATE | PPM_OUTFILE_SYNC)

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
	if (lstat(path, &st) || !S_ISREG(st.st_mode) || st.st_mtime < since - 1 ||
	    !ppm_mapfile__trusted(&st, pid, (uid_t)-1))
		return -ENOENT;
	return ppm_jitdump__load_text(path, PPM_JITDUMP_MAX, text, len);
}

/* pyperfmap's exit status when the recording failed while the command ran on (the
 * command's own status cannot then be passed through): EX_IOERR of sysexits.h. */
#define EXIT_RECORDING_FAILED 74

static int attaching(const struct recording *r)
{
	return r->a.nr_pids > 0;
}

/* fp or dwarf for --call-graph auto (and -g), and a warning for fp forced on a build
 * without frame pointers. */
static void choose_call_graph(struct recording *r)
{
	struct record_args *a = &r->a;
	char why[4200], exe[64];
	int fp;

	if (a->graph_set && !(a->callchain && !a->dwarf))
		return;
	if (a->system_wide) {
		/* Which program? Every one (a command given to -a mostly times it), and most
		 * Python interpreters keep no frame pointers: without DWARF, no Python
		 * function would be named. */
		if (!a->graph_set) {
			a->callchain = 0;
			a->dwarf = 65528;
			ppm_cmd__notice("call graph: dwarf (system-wide: most interpreters keep no frame "
					"pointers; --call-graph fp costs less)");
		}
		return;
	}
	snprintf(exe, sizeof(exe), "/proc/%d/exe", attaching(r) ? a->pids[0] : 0);
	fp = ppm_callgraph__auto(attaching(r) ? exe : a->argv[0], why, sizeof(why));
	if (!a->graph_set) {
		a->callchain = fp;
		a->dwarf = fp ? 0 : 65528;
		ppm_cmd__notice("call graph: %s (%s)", fp ? "fp" : "dwarf", why);
	} else if (!fp) {
		ppm_cmd__notice("--call-graph fp: %s; stacks stop at the first function without "
				"one (-g picks dwarf here)", why);
	}
}

/* What the command asks of CPython that changes what the profile can name. */
static void say_python_modes(const struct recording *r)
{
	const char *asked;

	if (!r->has_command || attaching(r))
		return;
	asked = r->a.no_trampoline ? NULL : ppm_python__own_trampoline_asked(r->a.argv);
	if (asked)
		/* Said here: the Python processes step aside silently. */
		ppm_cmd__notice("%s: CPython's own perf trampoline names the Python functions; "
				"pyperfmap's stays off", asked);
	if (ppm_python__jit_asked())
		ppm_cmd__notice("PYTHON_JIT=1: the JIT's machine code has no names and no unwind "
				"information: its samples show as [unknown], and %s",
				r->a.dwarf ? "DWARF stacks end where they meet it (frame pointers go "
					"through it where the interpreter keeps them: 3.15)" :
					"stacks go through it by its frame pointers");
}

static void fill_opts(struct recording *r)
{
	struct record_args *a = &r->a;
	struct ppm_record_opts *o = &r->opts;

	memset(o, 0, sizeof(*o));
	o->events = r->evs;
	o->nr_events = r->nr_ev;
	o->freq = a->freq;
	o->period = a->period;
	o->callchain = a->callchain;
	o->no_sample_cpu = a->no_sample_cpu;
	o->clock_monotonic = a->jitdump;
	if (r->dw) {
		o->dwarf_stack = a->dwarf;
		o->transform = ppm_dwarf__transform;
		o->transform_ctx = r->dw;
		/* 64 KB a sample: room for a few hundred between two drains. */
		if (!a->pages_set)
			a->pages = 4096;
	}
	o->mmap_pages = (unsigned int)a->pages;
	o->attach = attaching(r);
	o->pids = a->pids;
	o->nr_pids = a->nr_pids;
	o->no_inherit = a->no_inherit;
	o->system_wide = a->system_wide;
	o->pid = attaching(r) || a->system_wide ? 0 : r->wl.pid;
	o->perfmap_text = jitdump_names;
	if (a->off_cpu) {
		o->off_cpu = r->nr_ev; /* the last event, index + 1 */
		o->off_cpu_thresh_ns = (uint64_t)(a->off_cpu_thresh * 1e6);
	}
}

/* The DWARF transform steps over the fields tracepoint samples carry: which ones do. */
static int tell_unwinder_raw(struct recording *r)
{
	size_t total = 0, n = 0;
	int tracepoints = 0;

	for (int e = 0; e < r->nr_ev; e++)
		if (ppm_event__is_tracepoint(&r->evs[e])) {
			size_t k;

			ppm_record__event_ids(r->rec, e, &k);
			total += k;
			tracepoints++;
		}
	if (!tracepoints)
		return 0;
	if (r->nr_ev == 1) {
		ppm_dwarf__set_raw(r->dw, 1, NULL, 0);
		return 0;
	}
	r->raw_ids = malloc(total * sizeof(*r->raw_ids) + 1);
	if (!r->raw_ids) {
		ppm_cmd__err("out of memory");
		return -1;
	}
	for (int e = 0; e < r->nr_ev; e++)
		if (ppm_event__is_tracepoint(&r->evs[e])) {
			size_t k;
			const uint64_t *ids = ppm_record__event_ids(r->rec, e, &k);

			memcpy(r->raw_ids + n, ids, k * sizeof(*ids));
			n += k;
		}
	ppm_dwarf__set_raw(r->dw, 0, r->raw_ids, n);
	return 0;
}

/* Opens the events; an unprivileged user's locked-memory allowance shrinks the rings. */
static int open_events(struct recording *r)
{
	struct ppm_target t = { r->a.pids, r->a.nr_pids, r->a.system_wide };
	struct ppm_err perr;
	int err;

	for (;;) {
		r->rec = ppm_record__new(&r->opts);
		if (!r->rec) {
			ppm_cmd__err("cannot read the online CPUs: %s", strerror(errno));
			return -1;
		}
		err = ppm_record__open(r->rec, &perr);
		if (err == -EPERM && perr.mmap && !r->a.pages_set && r->opts.mmap_pages > 8) {
			r->opts.mmap_pages /= 2;
			ppm_record__free(r->rec);
			r->rec = NULL;
			continue;
		}
		break;
	}
	if (err) {
		ppm_advice__open(perr.event >= 0 ? r->evs[perr.event].name : r->evs[0].name, &perr,
				 err, attaching(r) || r->a.system_wide ? &t : NULL);
		return -1;
	}
	if (r->opts.mmap_pages != r->a.pages)
		ppm_cmd__notice("ring buffers reduced to %u pages per CPU (the locked-memory allowance)",
				r->opts.mmap_pages);
	return r->dw ? tell_unwinder_raw(r) : 0;
}

/*
 * -p: each Python process of the tree that runs no trampoline is asked to switch one
 * on (CPython 3.14+); what could and could not be named is said once.
 */
static void name_attached_pythons(struct recording *r)
{
	char pydir[4096];
	pid_t *procs;
	int n, named = 0, activated = 0, unnamed = 0;
	const char *why = NULL;

	if (ppm_python__dir(pydir, sizeof(pydir)))
		pydir[0] = '\0';
	ppm_attach__init(&r->at, pydir[0] ? strdup(pydir) : NULL);
	if (ppm_proctree__collect(r->a.pids, r->a.nr_pids, !r->a.no_inherit, &procs, &n))
		return;
	ppm_attach__activate(&r->at, procs, n);
	free(procs);
	for (int i = 0; i < r->at.nr; i++) {
		const struct ppm_pyproc *p = &r->at.procs[i];

		named += p->state == PPM_PY_NAMED;
		activated += p->state == PPM_PY_ACTIVATED;
		if (p->state == PPM_PY_UNNAMED) {
			unnamed++;
			why = why ? why : p->why;
		}
	}
	if (!r->at.nr)
		return;
	if (activated) {
		uint32_t pids[256];
		size_t k = 0;

		for (int i = 0; i < r->at.nr && k < 256; i++)
			if (r->at.procs[i].state == PPM_PY_ACTIVATED)
				pids[k++] = (uint32_t)r->at.procs[i].pid;
		ppm_record__add_feature(r->rec, PPM_FEAT_ACTIVATED, pids, k * sizeof(pids[0]));
	}
	if (!unnamed && !activated)
		return; /* all named already: nothing to say */
	if (!unnamed)
		ppm_cmd__notice("%d Python process%s switched on to name %s functions (PEP 768)%s", activated,
				activated == 1 ? "" : "es", activated == 1 ? "its" : "their",
				named ? ", the others named already" : "");
	else
		ppm_cmd__notice("%d of %d Python process%s cannot be named (%s)%s", unnamed, r->at.nr,
				r->at.nr == 1 ? "" : "es", why, activated ? "; the others can" : "");
}

/* Any of the named processes still running. */
static int any_alive(const struct recording *r)
{
	for (int i = 0; i < r->a.nr_pids; i++)
		if (ppm_process__alive(r->a.pids[i]))
			return 1;
	return 0;
}

/* Sleeps until a signal or ms pass (the recording has failed; the command runs on). */
static void pause_until_signal(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * One step of the drain: until the end, the command's exit (recorded, or timing an
 * attach or -a), the attached processes' exit, or a signal to pyperfmap (SIGINT,
 * SIGTERM, SIGHUP alike); a second signal ends it at once. After a write error it only
 * waits for the command.
 */
int ppm_recording__step(struct recording *r, int ms)
{
	int err;

	if (!r->write_failed) {
		err = ppm_record__poll(r->rec, ms);
		if (err < 0) {
			/* The recording stops; the program it watches does not. */
			r->write_failed = err;
			ppm_record__abandon(r->rec);
			if (r->has_command && !attaching(r))
				ppm_cmd__err("cannot write '%s': %s: the recording stops here (the file keeps "
					     "what was written before), '%s' runs on", r->a.output,
					     strerror(-err), r->a.argv[0]);
			else
				ppm_cmd__err("cannot write '%s': %s: the recording stops here (the file keeps "
					     "what was written before)", r->a.output, strerror(-err));
			if (!r->has_command || attaching(r))
				return 1;
		}
	} else {
		pause_until_signal(ms);
	}
	if (ppm_signals.stops > 1)
		return 1; /* a second signal: stop at once */
	if (ppm_signals.sigchld || ppm_signals.stop) {
		ppm_signals.sigchld = 0;
		if (r->has_command && r->wl.pid > 0 &&
		    wait4(r->wl.pid, &r->status, WNOHANG, &r->ru) == r->wl.pid) {
			r->exited = 1;
			r->wl.pid = -r->wl.pid; /* reaped */
		}
	}
	if (r->has_command && attaching(r) && !any_alive(r))
		r->exited = 1; /* the command only times the recording: its targets are gone */
	else if (!r->has_command && attaching(r) && !any_alive(r))
		r->exited = 1;
	return r->exited || (!r->has_command && ppm_signals.stop) ||
	       (r->a.mode == PPM_TOP && ppm_signals.stop);
}

static void print_summary(const struct recording *r)
{
	const struct ppm_record_stats *st = ppm_record__stats(r->rec);
	int recorded_command = r->has_command && !attaching(r);
	double cpu = recorded_command ? (double)r->ru.ru_utime.tv_sec + r->ru.ru_utime.tv_usec / 1e6 +
					(double)r->ru.ru_stime.tv_sec + r->ru.ru_stime.tv_usec / 1e6 : 0;
	char rate[64] = "", maps[48] = "", size[32];

	if (cpu > 0.05 && r->a.freq && !r->a.system_wide)
		snprintf(rate, sizeof(rate), ", %.0f Hz per CPU-second", (double)st->samples / cpu);
	if (st->perfmaps)
		snprintf(maps, sizeof(maps), ", %d perf map%s embedded", st->perfmaps,
			 st->perfmaps == 1 ? "" : "s");
	fprintf(stderr, "pyperfmap: %llu samples written, %llu lost, %s to '%s'%s%s\n",
		(unsigned long long)st->samples, (unsigned long long)st->lost,
		ppm_cmd__human_size(st->bytes, size, sizeof(size)), r->a.output, rate, maps);
	if (r->dw) {
		const struct ppm_dwarf_stats *ds = ppm_dwarf__stats(r->dw);
		uint64_t bad = ds->samples - ds->ends[0];

		fprintf(stderr, "pyperfmap: %llu stacks unwound, %llu complete, %llu incomplete "
			"(%llu ran out of stack copy, %llu reached code without CFI, %llu hit bad "
			"values)\n", (unsigned long long)ds->samples,
			(unsigned long long)ds->ends[0], (unsigned long long)bad,
			(unsigned long long)ds->ends[1], (unsigned long long)ds->ends[2],
			(unsigned long long)ds->ends[3]);
	}
	if (ppm_record__offcpu_stats(r->rec)) {
		const struct ppm_offcpu_stats *os = ppm_record__offcpu_stats(r->rec);

		fprintf(stderr, "pyperfmap: off-CPU: %llu waits, %.3f s in all: %llu written one by one "
			"(%g ms or more), the rest in %llu sums per thread and stack\n",
			(unsigned long long)os->blocks, (double)os->ns / 1e9,
			(unsigned long long)os->direct, r->a.off_cpu_thresh,
			(unsigned long long)os->summed);
		if (os->own_waits)
			fprintf(stderr, "pyperfmap: off-CPU: %llu waits of the trampoline's own thread (%s, "
				"writing the perf map) left out\n", (unsigned long long)os->own_waits,
				PPM_OFFCPU_OWN_COMM);
	}
	if (st->perfmap_skips.foreign)
		ppm_cmd__notice("%d perf map(s) in /tmp not embedded: not owned by their process's user "
				"or root (a map planted by someone else is not believed)",
				st->perfmap_skips.foreign);
	if (st->perfmap_skips.cut_bytes)
		ppm_cmd__notice("perf maps over 64 MiB were cut: their last %llu bytes are not embedded",
				(unsigned long long)st->perfmap_skips.cut_bytes);
	if (st->throttled)
		ppm_cmd__notice("the kernel throttled sampling %llu times: fewer samples than -F "
				"asked for (see kernel.perf_cpu_time_max_percent)",
				(unsigned long long)st->throttled);
}

/*
 * Usage:
 *	parse -> events checked -> call graph chosen -> output created -> command held
 *	-> events opened -> started (attached processes synthesized, events enabled)
 *	-> command released -> drained until done -> finished, committed -> summary
 */
/*
 * --off-cpu: one more event, perf's offcpu-time, a sample at each context switch of a
 * recorded thread (lib/offcpu.h weighs it by the time until the thread runs again).
 */
static int add_offcpu_event(struct recording *r)
{
	struct ppm_event *grown = realloc(r->evs, (size_t)(r->nr_ev + 1) * sizeof(*grown));
	struct ppm_event *ev;

	if (!grown) {
		ppm_cmd__err("out of memory");
		return -1;
	}
	r->evs = grown;
	ev = &r->evs[r->nr_ev];
	if (ppm_event__parse(ev, "context-switches")) {
		ppm_cmd__err("this kernel has no context-switches event for --off-cpu");
		return -1;
	}
	free(ev->name);
	ev->name = strdup("offcpu-time");
	ev->every_hit = true;
	if (!ev->name) {
		ppm_cmd__err("out of memory");
		return -1;
	}
	r->nr_ev++;
	return 0;
}

/* Before anything is opened: the events checked, the output and the command made ready. */
int ppm_recording__prepare(struct recording *r)
{
	char msg[512], bad[256] = "";
	int err;

	r->has_command = *r->a.argv != NULL;
	ppm_cmd__setup_log(r->a.verbose);
	ppm_cmd__quiet(r->a.quiet);
	r->nr_ev = ppm_event__parse_list(r->a.events, &r->evs, bad, sizeof(bad));
	if (r->nr_ev < 0) {
		ppm_advice__unknown_event(bad);
		return 2;
	}
	if (r->a.off_cpu && add_offcpu_event(r))
		return 1;
	if (attaching(r) && !any_alive(r)) {
		struct ppm_target t = { r->a.pids, r->a.nr_pids, 0 };

		ppm_advice__open(r->evs[0].name, NULL, -ESRCH, &t);
		return 1;
	}
	if (ppm_advice__check_events(r->evs, r->nr_ev))
		return 1;
	choose_call_graph(r);
	say_python_modes(r);
	if (r->a.freq)
		r->a.freq = limit_freq(r->a.freq);
	ppm_advice__raise_nofile();
	if (ppm_advice__check_nofile(r->nr_ev) ||
	    (r->a.output && ppm_outfile__open(&r->out, r->a.output, RECORDING_FILE)))
		return 1;
	ppm_workload__signals();
	if (r->has_command) {
		/* A command that only times an attach is not profiled: no trampoline for it. */
		if (r->a.jitdump)
			setenv("PYPERFMAP_JITDUMP", "1", 1);
		/* the full-screen view owns the terminal: the command's output is dropped */
		r->wl.null_stdio = r->a.mode == PPM_TOP && !r->a.stdio;
		err = ppm_workload__prepare(&r->wl, r->a.argv, !r->a.no_trampoline && !attaching(r));
		if (err) {
			snprintf(msg, sizeof(msg), "cannot start '%s'", r->a.argv[0]);
			ppm_advice__errno(msg, err);
			return 1;
		}
		ppm_signals.child = r->wl.pid;
	}
	if (r->a.dwarf && !r->a.callchain) {
		r->dw = ppm_dwarf__new(r->nr_ev > 1, !r->a.no_sample_cpu);
		if (!r->dw) {
			ppm_cmd__err("cannot set up the unwinder: %s", strerror(errno));
			return 1;
		}
	}
	fill_opts(r);
	return 0;
}

/* The events opened and enabled, the command let go, the file given its name. */
int ppm_recording__start(struct recording *r)
{
	int err;

	if (open_events(r))
		return 1;
	err = ppm_record__start(r->rec, r->out.fd);
	if (err) {
		ppm_cmd__err("cannot write '%s': %s", r->a.output, strerror(-err));
		return 1;
	}
	if (attaching(r))
		name_attached_pythons(r);
	if (r->has_command) {
		err = ppm_workload__start(&r->wl);
		if (err) {
			waitpid(r->wl.pid, NULL, 0);
			r->wl.pid = 0;
			return ppm_advice__exec_failed(r->a.argv[0], err);
		}
	}
	/* Started: the file takes its name now and is written in place. */
	return r->a.output && ppm_outfile__publish(&r->out) ? 1 : 0;
}

/* After the last drain: the command reaped, the file completed; the exit status. */
int ppm_recording__finish(struct recording *r)
{
	int err;

	ppm_attach__deactivate(&r->at);
	ppm_signals.child = 0;
	if (r->write_failed) {
		if (r->has_command && r->wl.pid > 0 && ppm_signals.stops < 2)
			waitpid(r->wl.pid, &r->status, 0);
		r->wl.pid = 0;
		return EXIT_RECORDING_FAILED;
	}
	if (r->has_command && r->wl.pid > 0 && ppm_signals.stops < 2 &&
	    waitpid(r->wl.pid, &r->status, WNOHANG) == 0) {
		/* The attached processes went first: the command that timed them is let go. */
		kill(r->wl.pid, SIGTERM);
		waitpid(r->wl.pid, NULL, 0);
		r->status = 0;
	}
	r->wl.pid = 0;
	err = ppm_record__stop(r->rec);
	if (!err && r->a.output)
		err = ppm_ksyms__embed(r->rec);
	if (!err)
		err = ppm_record__finish(r->rec);
	if (err) {
		ppm_cmd__err("cannot write '%s': %s", r->a.output, strerror(-err));
		return 1;
	}
	if (r->a.output && ppm_outfile__commit(&r->out))
		return 1;
	if (!r->a.quiet && r->a.output)
		print_summary(r);
	/* The command's status, as it passes through; an attach without one ends well;
	 * stopped at once by a second signal, that signal's status. */
	if (ppm_signals.stops > 1)
		return 128 + ppm_signals.stop;
	return r->has_command ? ppm_workload__exit_status(r->status) : 0;
}

void ppm_recording__release(struct recording *r)
{
	if (r->wl.pid > 0)
		ppm_workload__abort(&r->wl);
	if (r->a.output)
		ppm_outfile__abort(&r->out);
	free((char *)r->at.pydir);
	ppm_attach__release(&r->at);
	ppm_record__free(r->rec);
	ppm_dwarf__free(r->dw);
	free(r->raw_ids);
	ppm_event__free_list(r->evs, r->nr_ev > 0 ? r->nr_ev : 0);
}

int ppm_cmd__record(int argc, char **argv)
{
	struct recording r;
	int ret;

	ret = ppm_recording__parse(&r, argc, argv, PPM_RECORD);
	if (ret)
		return ret > 0 ? 0 : 2;
	ret = ppm_recording__prepare(&r);
	if (!ret) {
		r.opts.cmdline = (const char *const *)argv;
		r.opts.cmdline_nr = argc;
		ret = ppm_recording__start(&r);
	}
	if (!ret) {
		while (!ppm_recording__step(&r, 200))
			;
		ret = ppm_recording__finish(&r);
	}
	ppm_recording__release(&r);
	return ret;
}
