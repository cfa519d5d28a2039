/*
 * What pyperfmap tells a user to do about a failure it cannot fix itself: the
 * permission (perf_event_paranoid), open-files (ulimit -n), locked-memory (ulimit -l)
 * and PMU hints, the unknown-event and cannot-run messages, and the event check of
 * record and stat. The one place that gives advice; libraries only return -errno and
 * a struct ppm_err saying which event and CPU (lib/err.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd.h"
#include "../lib/err.h"
#include "../lib/event.h"

long ppm_advice__paranoid(void)
{
	static long value = -100; /* not read yet */
	FILE *f;

	if (value != -100)
		return value;
	value = 2; /* the kernel's default when the file cannot be read */
	f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	if (f) {
		if (fscanf(f, "%ld", &value) != 1)
			value = 2;
		fclose(f);
	}
	return value;
}

static void say_emfile(const char *what)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	ppm_cmd__err("%s: too many open files (limit %llu; pyperfmap needs one per CPU per event and "
		     "a few more: raise it with 'ulimit -n')", what, (unsigned long long)rl.rlim_cur);
}

void ppm_advice__errno(const char *what, int err)
{
	if (err == -EMFILE || err == -ENFILE)
		say_emfile(what);
	else
		ppm_cmd__err("%s: %s", what, strerror(-err));
}

void ppm_advice__open(const char *event, const struct ppm_err *where, int err,
		      const struct ppm_target *t)
{
	int cpu = where ? where->cpu : -1, mmap = where && where->mmap;
	char at[32] = "", what[160];

	if (t && t->nr_pids && err == -ESRCH) {
		if (t->nr_pids == 1)
			ppm_cmd__err("no such process: %d", t->pids[0]);
		else
			ppm_cmd__err("none of the processes given to -p is running");
		return;
	}
	if (t && t->nr_pids && (err == -EACCES || err == -EPERM)) {
		ppm_cmd__err("cannot attach to process %d: permission denied (it belongs to another "
			     "user, and perf_event_paranoid is %ld; run as root or with CAP_PERFMON)",
			     t->pids[0], ppm_advice__paranoid());
		return;
	}
	if (t && t->system_wide && (err == -EACCES || err == -EPERM)) {
		ppm_cmd__err("cannot record system-wide (-a): permission denied (it needs CAP_PERFMON or "
			     "root, or kernel.perf_event_paranoid at 0 or below, which is %ld: sysctl "
			     "kernel.perf_event_paranoid=0)", ppm_advice__paranoid());
		return;
	}
	if (cpu >= 0)
		snprintf(at, sizeof(at), " on cpu %d", cpu);
	switch (-err) {
	case EPERM:
		if (mmap) {
			ppm_cmd__err("failed to map the ring buffer of '%s'%s: over the locked memory limit "
				     "(use a smaller -m, or raise 'ulimit -l')", event, at);
			return;
		}
		/* fall through */
	case EACCES:
		ppm_cmd__err("failed to open '%s'%s: permission denied (perf_event_paranoid is %ld; run "
			     "as root, or 'sysctl kernel.perf_event_paranoid=1' to profile your own "
			     "processes, -1 for everything)", event, at, ppm_advice__paranoid());
		return;
	case EMFILE:
	case ENFILE:
		snprintf(what, sizeof(what), "failed to open '%s'%s", event, at);
		say_emfile(what);
		return;
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		ppm_cmd__err("failed to open '%s'%s: no hardware PMU on this machine offers it (try -e "
			     "cpu-clock)", event, at);
		return;
	case ESRCH:
		ppm_cmd__err("failed to open '%s': the process is gone", event);
		return;
	default:
		ppm_cmd__err("failed to %s '%s'%s: %s", mmap ? "map the ring buffer of" : "open", event,
			     at, strerror(-err));
	}
}

void ppm_advice__unknown_event(const char *name)
{
	ppm_cmd__err("unknown event '%s' (events are perf's names, e.g. cycles, cpu-clock, "
		     "task-clock; 'pyperfmap list' shows the events this machine offers)", name);
}

int ppm_advice__exec_failed(const char *program, int err)
{
	ppm_cmd__err("cannot run '%s': %s", program, strerror(-err));
	return err == -ENOENT ? 127 : 126;
}

void ppm_advice__raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int ppm_advice__check_nofile(int nr_events)
{
	struct rlimit rl;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long need = (unsigned long long)(cpus > 0 ? cpus : 1) * nr_events + 8;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < need) {
		say_emfile("cannot record");
		return -1;
	}
	return 0;
}

static void say_needs_pmu(const char *event)
{
	ppm_cmd__err("event '%s' needs a hardware PMU, which this machine does not have: 'pyperfmap "
		     "list' shows the events it offers", event);
}

int ppm_advice__check_events(struct ppm_event *evs, int nr)
{
	int have_pmu = ppm_event__have_pmu();

	/* Errors first, so no fallback notice precedes them. */
	for (int i = 0; i < nr && !have_pmu; i++) {
		if (ppm_event__is_hardware(&evs[i]) &&
		    ppm_event__generic_hw(&evs[i].attr) != PERF_COUNT_HW_CPU_CYCLES &&
		    ppm_event__probe(&evs[i])) {
			say_needs_pmu(evs[i].name);
			return -1;
		}
	}
	for (int i = 0; i < nr; i++) {
		int err = ppm_event__probe(&evs[i]);

		if (err && ppm_event__is_hardware(&evs[i]) &&
		    (!have_pmu || err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV)) {
			char *old = strdup(evs[i].name);

			if (!old || ppm_event__fallback(&evs[i])) {
				free(old);
				say_needs_pmu(evs[i].name);
				return -1;
			}
			ppm_cmd__notice("no hardware PMU on this machine: '%s' falls back to '%s'", old,
					evs[i].name);
			free(old);
			err = ppm_event__probe(&evs[i]);
		}
		if ((err == -EACCES || err == -EPERM) && !evs[i].attr.exclude_kernel) {
			/* Like perf: without the right to see the kernel, sample user space. */
			evs[i].attr.exclude_kernel = 1;
			if (ppm_event__probe(&evs[i]) == 0) {
				ppm_cmd__notice("kernel profiling is not allowed here "
						"(perf_event_paranoid): sampling user space only");
				err = 0;
			} else {
				evs[i].attr.exclude_kernel = 0;
			}
		}
		if (err) {
			ppm_advice__open(evs[i].name, NULL, err, NULL);
			return -1;
		}
	}
	return 0;
}
