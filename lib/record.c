/* A recording: the events opened per CPU and their rings drained into the file (record.h;
 * what else the file holds: record_file.c). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cpumap.h"
#include "data_writer.h"
#include "log.h"
#include "perf_file.h"
#include "proctree.h"
#include "data_reader.h"
#include "record.h"
#include "record_priv.h"
#include "ring.h"
#include "synth.h"

static int fd_index(const struct ppm_record *rec, int cpu_idx, int ev, int t)
{
	return (cpu_idx * rec->opts.nr_events + ev) * rec->nr_tids + t;
}

struct ppm_record *ppm_record__new(const struct ppm_record_opts *opts)
{
	struct ppm_record *rec = calloc(1, sizeof(*rec));

	if (!rec)
		return NULL;
	rec->opts = *opts;
	if (!rec->opts.mmap_pages)
		rec->opts.mmap_pages = 256;
	rec->cpus = ppm_cpumap__new_online();
	if (!rec->cpus) {
		free(rec);
		return NULL;
	}
	return rec;
}

static void build_attr(const struct ppm_record *rec, int ev, struct perf_event_attr *attr)
{
	const struct ppm_record_opts *o = &rec->opts;

	*attr = o->events[ev].attr;
	attr->size = sizeof(*attr);
	attr->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			    PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	if (o->no_sample_cpu)
		attr->sample_type &= ~(uint64_t)PERF_SAMPLE_CPU;
	if (o->nr_events > 1)
		attr->sample_type |= PERF_SAMPLE_IDENTIFIER;
	if (o->callchain)
		attr->sample_type |= PERF_SAMPLE_CALLCHAIN;
	/* the off-CPU event also asks for PERF_RECORD_SWITCH: when threads run again */
	if (ev + 1 == o->off_cpu)
		attr->context_switch = 1;
	/* a tracepoint's fields, which perf reads (and needs: perf report does) */
	if (attr->type == PERF_TYPE_TRACEPOINT)
		attr->sample_type |= PERF_SAMPLE_RAW;
	if (o->dwarf_stack) {
		/* The kernel's part of the chain, and what a user-space unwinder needs. */
		attr->sample_type |= PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER |
				     PERF_SAMPLE_STACK_USER;
		attr->exclude_callchain_user = 1;
		attr->sample_regs_user = PPM_DWARF_REGS;
		attr->sample_stack_user = o->dwarf_stack;
	}
	attr->read_format = PERF_FORMAT_ID;
	if (attr->type == PERF_TYPE_TRACEPOINT || o->events[ev].every_hit) {
		/* each hit a sample (tracepoints, as perf; the off-CPU event) */
		attr->sample_period = 1;
	} else if (o->freq) {
		attr->freq = 1;
		attr->sample_freq = o->freq;
	} else {
		attr->sample_period = o->period;
	}
	attr->disabled = 1;
	attr->enable_on_exec = !o->attach && !o->system_wide;
	if (o->events[ev].group >= 0 && o->events[ev].group != ev) {
		/* A group member runs when its leader does: the leader is what gets enabled. */
		attr->disabled = 0;
		attr->enable_on_exec = 0;
	}
	/* Children and threads started while recording are followed; a CPU-wide event
	 * sees them anyway (and the kernel takes no inherit there). */
	attr->inherit = !o->system_wide && !o->no_inherit;
	attr->exclude_hv = 1;
	attr->exclude_guest = 1;
	attr->sample_id_all = 1;
	if (o->clock_monotonic) {
		attr->use_clockid = 1;
		attr->clockid = CLOCK_MONOTONIC;
	}
	/* Side-band records (maps, names, forks) come from the first event only. */
	if (ev == 0) {
		attr->mmap = 1;
		attr->mmap2 = 1;
		attr->comm = 1;
		attr->comm_exec = 1;
		attr->task = 1;
	}
	/* Wake the reader when a quarter of the ring is full, not per sample. */
	attr->watermark = 1;
	attr->wakeup_watermark = (uint32_t)(rec->opts.mmap_pages * (size_t)sysconf(_SC_PAGESIZE) / 4);
}

static int add_tid(struct ppm_record *rec, pid_t tid)
{
	pid_t *grown = realloc(rec->tids, (size_t)(rec->nr_tids + 1) * sizeof(pid_t));

	if (!grown)
		return -ENOMEM;
	rec->tids = grown;
	rec->tids[rec->nr_tids++] = tid;
	return 0;
}

/*
 * What each CPU's events are opened on: the command; -1 for every task (-a); or, when
 * attaching, every thread of the named processes and, unless no_inherit, of their
 * descendants (the workers a pre-fork server started before the attach: what they
 * fork later is followed through inherit).
 */
static int list_threads(struct ppm_record *rec)
{
	pid_t *procs = NULL;
	int nprocs = 0, err;

	if (rec->opts.system_wide)
		return add_tid(rec, -1);
	if (!rec->opts.attach)
		return add_tid(rec, rec->opts.pid);
	err = ppm_proctree__collect(rec->opts.pids, rec->opts.nr_pids, !rec->opts.no_inherit,
				    &procs, &nprocs);
	for (int i = 0; !err && i < nprocs; i++) {
		pid_t *tids;
		int n;

		if (ppm_proctree__threads(procs[i], &tids, &n))
			continue; /* gone since it was found */
		for (int k = 0; k < n && !err; k++)
			err = add_tid(rec, tids[k]);
		free(tids);
		if (!err && ppm_pidset__add(&rec->pids, procs[i]) < 0)
			err = -ENOMEM;
	}
	free(procs);
	if (err)
		return err;
	return rec->nr_tids ? 0 : -ESRCH;
}

int ppm_record__open(struct ppm_record *rec, struct ppm_err *perr)
{
	int ncpu = rec->cpus->nr, nev = rec->opts.nr_events, err, i;

	ppm_err__clear(perr);
	err = list_threads(rec);
	if (err)
		return err;
	rec->nr_fds = ncpu * nev * rec->nr_tids;
	rec->fds = malloc((size_t)rec->nr_fds * sizeof(int));
	rec->rings = calloc((size_t)ncpu, sizeof(*rec->rings));
	rec->pfds = calloc((size_t)ncpu, sizeof(*rec->pfds));
	rec->pending = calloc((size_t)ncpu, sizeof(*rec->pending));
	rec->pending_time = calloc((size_t)ncpu, sizeof(*rec->pending_time));
	rec->attrs = calloc((size_t)nev, sizeof(*rec->attrs));
	rec->ids = calloc((size_t)nev, sizeof(*rec->ids));
	rec->nr_ids = calloc((size_t)nev, sizeof(*rec->nr_ids));
	if (!rec->fds || !rec->rings || !rec->pfds || !rec->pending || !rec->pending_time || !rec->attrs || !rec->ids || !rec->nr_ids)
		return -ENOMEM;
	for (i = 0; i < rec->nr_fds; i++)
		rec->fds[i] = -1;
	/* Where the callchain sits in our samples: after id?, ip, tid, time, cpu?, period. */
	rec->callchain_pos = -1;
	if (rec->opts.callchain || rec->opts.dwarf_stack)
		rec->callchain_pos = (nev > 1) + 3 + !rec->opts.no_sample_cpu + 1;
	for (int e = 0; e < nev; e++) {
		build_attr(rec, e, &rec->attrs[e]);
		rec->ids[e] = calloc((size_t)(ncpu * rec->nr_tids), sizeof(uint64_t));
		if (!rec->ids[e])
			return -ENOMEM;
	}
	for (int c = 0; c < ncpu; c++) {
		struct ppm_cpu cpu = rec->cpus->cpus[c];
		int leader = -1;

		for (int e = 0; e < nev; e++) {
			for (int t = 0; t < rec->nr_tids; t++) {
				int g = rec->opts.events[e].group;
				int group_fd = g >= 0 && g != e ? rec->fds[fd_index(rec, c, g, t)] : -1;
				long fd = syscall(SYS_perf_event_open, &rec->attrs[e], rec->tids[t],
						  cpu.cpu, group_fd, PERF_FLAG_FD_CLOEXEC);
				uint64_t id = 0;

				if (fd < 0) {
					/* A thread that exited since we listed it is not an error. */
					if (errno == ESRCH && rec->opts.attach) {
						rec->gone++;
						continue;
					}
					perr->event = e;
					perr->cpu = cpu.cpu;
					return -errno;
				}
				rec->fds[fd_index(rec, c, e, t)] = (int)fd;
				if (ioctl((int)fd, PERF_EVENT_IOC_ID, &id) == 0)
					rec->ids[e][rec->nr_ids[e]++] = id;
				if (leader < 0) {
					leader = (int)fd;
					err = ppm_ring__mmap(&rec->rings[c], leader, rec->opts.mmap_pages);
					if (err) {
						perr->event = e;
						perr->cpu = cpu.cpu;
						perr->mmap = 1;
						return err;
					}
					rec->pfds[c].fd = leader;
					rec->pfds[c].events = POLLIN;
				} else if (ioctl((int)fd, PERF_EVENT_IOC_SET_OUTPUT, leader) < 0) {
					perr->event = e;
					perr->cpu = cpu.cpu;
					return -errno;
				}
			}
		}
		if (leader < 0)
			rec->pfds[c].fd = -1;  /* every thread gone: nothing to poll here */
	}
	/* Attached processes that all exited while the events were being opened. */
	if (rec->opts.attach && rec->gone == nev * ncpu * rec->nr_tids)
		return -ESRCH;
	return 0;
}

/* Appends the sample_id trailer our attrs promise on every non-sample record. */
static int checkpoint(struct ppm_record *rec, int complete);
static int write_offcpu(void *ctx, const struct perf_event_header *h);

int ppm_record__start(struct ppm_record *rec, int out_fd)
{
	struct ppm_writer_attr *wa;
	int err;

	clock_gettime(CLOCK_REALTIME, &rec->start);
	wa = calloc((size_t)rec->opts.nr_events, sizeof(*wa));
	if (!wa)
		return -ENOMEM;
	for (int e = 0; e < rec->opts.nr_events; e++) {
		wa[e].attr = rec->attrs[e];
		if (rec->opts.dwarf_stack) {
			/* What is written: plain callchains, unwound while recording. */
			wa[e].attr.sample_type &= ~(uint64_t)(PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER);
			wa[e].attr.exclude_callchain_user = 0;
			wa[e].attr.sample_regs_user = 0;
			wa[e].attr.sample_stack_user = 0;
		}
		wa[e].name = rec->opts.events[e].name;
		wa[e].ids = rec->ids[e];
		wa[e].nr_ids = rec->nr_ids[e];
	}
	rec->desc = calloc((size_t)rec->opts.nr_events, sizeof(*rec->desc));
	if (!rec->desc) {
		free(wa);
		return -ENOMEM;
	}
	for (int e = 0; e < rec->opts.nr_events; e++) {
		rec->desc[e].attr = wa[e].attr;
		rec->desc[e].name = (char *)rec->opts.events[e].name;
		rec->desc[e].ids = rec->ids[e];
		rec->desc[e].nr_ids = rec->nr_ids[e];
	}
	ppm_data__describe(&rec->live, rec->desc, rec->opts.nr_events);
	if (rec->opts.off_cpu) {
		int multi = rec->opts.nr_events > 1;
		struct ppm_offcpu_layout l = { multi + 2, multi + 3 + !rec->opts.no_sample_cpu };

		rec->offcpu = ppm_offcpu__new(rec->opts.off_cpu_thresh_ns, &l, write_offcpu, rec);
		if (!rec->offcpu) {
			free(wa);
			return -ENOMEM;
		}
	}
	rec->w = out_fd >= 0 ? ppm_data_writer__new(out_fd, wa, (size_t)rec->opts.nr_events) : NULL;
	free(wa);
	if (out_fd >= 0 && !rec->w)
		return -errno;
	err = ppm_record__synth(rec);
	if (err)
		return err;
	if (rec->opts.attach || rec->opts.system_wide) {
		for (int i = 0; i < rec->nr_fds; i++)
			if (rec->fds[i] >= 0 && ioctl(rec->fds[i], PERF_EVENT_IOC_ENABLE, 0) < 0 &&
			    errno != ESRCH)
				return -errno;
	}
	/* The file is whole from here on: a recorder that dies leaves it readable. */
	err = rec->w ? ppm_record__write_head(rec) : 0;
	return err ? err : checkpoint(rec, 0);
}

static void note_record(struct ppm_record *rec, const struct perf_event_header *h)
{
	const uint64_t *u = (const uint64_t *)(h + 1);
	const uint32_t *w = (const uint32_t *)(h + 1);

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		rec->stats.samples++;
		ppm_record__note_kernel_ips(rec, h);
		break;
	case PERF_RECORD_LOST:
		rec->stats.lost += u[1];
		break;
	case PERF_RECORD_LOST_SAMPLES:
		rec->stats.lost += u[0];
		break;
	case PERF_RECORD_THROTTLE:
		rec->stats.throttled++;
		break;
	case PERF_RECORD_COMM:
	case PERF_RECORD_FORK:
		ppm_pidset__add(&rec->pids, (pid_t)w[0]);
		break;
	}
}

/*
 * A record's time: samples carry it after [identifier] ip tid; other kernel records
 * in the sample_id trailer, tid time [cpu] [identifier].
 */
static uint64_t record_time(const struct ppm_record *rec, const struct perf_event_header *h)
{
	const uint64_t *u = (const uint64_t *)(h + 1);
	size_t words = (h->size - sizeof(*h)) / 8;
	size_t multi = rec->opts.nr_events > 1, trailer = 2 + !rec->opts.no_sample_cpu + multi;

	if (h->type == PERF_RECORD_SAMPLE)
		return words > multi + 2 ? u[multi + 2] : 0;
	return words >= trailer ? u[words - trailer + 1] : 0;
}

/* Whether a sample is the off-CPU event's (by its id when there are several events). */
static int is_offcpu_sample(const struct ppm_record *rec, const struct perf_event_header *h)
{
	int ev = rec->opts.off_cpu - 1;
	uint64_t id;

	if (rec->opts.nr_events == 1)
		return 1;
	memcpy(&id, h + 1, 8); /* PERF_SAMPLE_IDENTIFIER comes first */
	for (size_t i = 0; i < rec->nr_ids[ev]; i++)
		if (rec->ids[ev][i] == id)
			return 1;
	return 0;
}

/* A thread's tid from a sample ([id] ip pid|tid) or a record's trailer (pid|tid time ...). */
static pid_t record_tid(const struct ppm_record *rec, const struct perf_event_header *h)
{
	const uint32_t *w = (const uint32_t *)(h + 1);
	size_t words = (h->size - sizeof(*h)) / 8;
	size_t multi = rec->opts.nr_events > 1, trailer = 2 + !rec->opts.no_sample_cpu + multi;

	if (h->type == PERF_RECORD_SAMPLE)
		return words > multi + 1 ? (pid_t)w[2 * (multi + 1) + 1] : -1;
	return words >= trailer ? (pid_t)w[2 * (words - trailer) + 1] : -1;
}

/*
 * Off-CPU: a switch-out sample is held, not written; a thread seen running (its
 * switch-in, or any sample of it) completes the one it left. The switch records
 * themselves only tell that: they are not kept. 1 when h was taken here.
 */
static int offcpu_record(struct ppm_record *rec, const struct perf_event_header *h, int *err)
{
	uint64_t t = record_time(rec, h);
	pid_t tid = record_tid(rec, h);

	if (h->type == PERF_RECORD_SWITCH) {
		if (!(h->misc & PERF_RECORD_MISC_SWITCH_OUT))
			*err = ppm_offcpu__in(rec->offcpu, tid, t);
		return 1;
	}
	if (h->type == PERF_RECORD_COMM && h->size > sizeof(*h) + 8) { /* pid tid comm[] */
		size_t room = h->size - sizeof(*h) - 8;
		char comm[17] = "";

		memcpy(comm, (const char *)(h + 1) + 8, room < 16 ? room : 16);
		*err = ppm_offcpu__comm(rec->offcpu, ((const pid_t *)(h + 1))[1], comm);
		return 0;
	}
	if (h->type != PERF_RECORD_SAMPLE)
		return 0;
	if (t > rec->last_time)
		rec->last_time = t;
	if (is_offcpu_sample(rec, h)) {
		*err = ppm_offcpu__out(rec->offcpu, h, tid, t);
		return 1;
	}
	*err = ppm_offcpu__in(rec->offcpu, tid, t);
	return 0;
}

static int emit_record(struct ppm_record *rec, const struct perf_event_header *h)
{
	int err = 0;

	if (rec->opts.transform) {
		h = rec->opts.transform(rec->opts.transform_ctx, h, rec->xbuf, sizeof(rec->xbuf));
		if (!h)
			return 0;
	}
	if (rec->offcpu && offcpu_record(rec, h, &err))
		return err ? err : 1;
	if (err)
		return err;
	note_record(rec, h);
	return ppm_record__put(rec, h) ?: 1;
}

/* An off-CPU sample, weighed, on its way to the file (ppm_offcpu_write). */
static int write_offcpu(void *ctx, const struct perf_event_header *h)
{
	struct ppm_record *rec = ctx;

	note_record(rec, h);
	return ppm_record__put(rec, h);
}

/*
 * A transform keeps a model of the address spaces, so it must see the rings' records
 * in time order: an exec seen after the maps that follow it (the process moved to
 * another CPU in between) would wipe them. Merge the rings by time.
 */
static int drain_merged(struct ppm_record *rec)
{
	const struct perf_event_header **next = rec->pending;
	uint64_t *at = rec->pending_time;
	int written = 0, err = 0;

	for (int c = 0; c < rec->cpus->nr; c++) {
		next[c] = NULL;
		if (rec->rings[c].meta && ppm_ring__read_init(&rec->rings[c]) == 0)
			next[c] = ppm_ring__read_event(&rec->rings[c]);
		if (next[c])
			at[c] = record_time(rec, next[c]);
	}
	for (;;) {
		int best = -1;

		for (int c = 0; c < rec->cpus->nr; c++)
			if (next[c] && (best < 0 || at[c] < at[best]))
				best = c;
		if (best < 0 || err < 0)
			break;
		err = emit_record(rec, next[best]);
		written += err > 0;
		next[best] = ppm_ring__read_event(&rec->rings[best]);
		if (next[best])
			at[best] = record_time(rec, next[best]);
	}
	for (int c = 0; c < rec->cpus->nr; c++)
		if (rec->rings[c].meta)
			ppm_ring__read_done(&rec->rings[c]);
	return err < 0 ? err : written;
}

static int drain(struct ppm_record *rec)
{
	int written = 0, err;

	/* a transform or an observer keeps a model, off-CPU pairs a thread's switch-out with
	 * its switch-in on another CPU: the rings merged in time order */
	int merged = rec->opts.transform || rec->opts.observe || rec->offcpu;

	if (merged) {
		written = drain_merged(rec);
		if (written < 0)
			return written;
	}
	for (int c = 0; c < rec->cpus->nr && !merged; c++) {
		struct ppm_ring *ring = &rec->rings[c];
		const struct perf_event_header *h;

		if (!ring->meta || ppm_ring__read_init(ring))
			continue;
		while ((h = ppm_ring__read_event(ring))) {
			err = emit_record(rec, h);
			if (err < 0) {
				ppm_ring__read_done(ring);
				return err;
			}
			written += err;
		}
		ppm_ring__read_done(ring);
	}
	rec->stats.corrupt = 0;
	for (int c = 0; c < rec->cpus->nr; c++)
		rec->stats.corrupt += rec->rings[c].corrupt;
	if (written && rec->w) {
		/* perf sorts what lies between two round marks; give it the same hint. */
		struct perf_event_header round = { PPM_RECORD_FINISHED_ROUND, 0, sizeof(round) };

		err = ppm_data_writer__write(rec->w, &round, sizeof(round));
		if (err)
			return err;
	}
	return written;
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A whole file on disk: what is drained so far, the perf maps as they are now, and a
 * state that says whether the recording is finished. Every CHECKPOINT_MS while
 * recording, so a recorder that dies loses about that much: a second at most, at
 * 9999 Hz some 10,000 samples per CPU.
 */
#define CHECKPOINT_MS 1000

static int checkpoint(struct ppm_record *rec, int complete)
{
	uint64_t state = complete ? PPM_STATE_COMPLETE : 0;
	void *maps = NULL;
	size_t maps_size = 0;
	int err;

	/* the short waits summed since the last checkpoint, and at the end every wait */
	if (rec->offcpu) {
		err = ppm_offcpu__flush(rec->offcpu, rec->last_time, complete);
		if (err)
			return err;
	}
	if (!rec->w)
		return 0;

	err = ppm_synth__collect_perfmaps(&rec->pids, rec->start.tv_sec, rec->opts.perfmap_text,
					  rec->opts.perfmap_ctx, &maps, &maps_size,
					  &rec->stats.perfmaps, &rec->stats.perfmap_skips);
	if (!err && maps_size)
		err = ppm_data_writer__add_feature(rec->w, PPM_FEAT_PERFMAPS, maps, maps_size);
	free(maps);
	if (!err)
		err = ppm_data_writer__add_feature(rec->w, PPM_FEAT_STATE, &state, sizeof(state));
	if (!err)
		err = complete ? ppm_data_writer__finish(rec->w) : ppm_data_writer__checkpoint(rec->w);
	rec->last_checkpoint_ms = monotonic_ms();
	return err;
}

int ppm_record__poll(struct ppm_record *rec, int timeout_ms)
{
	int n = poll(rec->pfds, (nfds_t)rec->cpus->nr, timeout_ms), err;

	if (n < 0 && errno != EINTR)
		return -errno;
	n = drain(rec);
	if (n >= 0 && monotonic_ms() - rec->last_checkpoint_ms >= CHECKPOINT_MS) {
		err = checkpoint(rec, 0);
		if (err)
			return err;
	}
	return n;
}

int ppm_record__stop(struct ppm_record *rec)
{
	int err;

	if (rec->stopped)
		return 0;
	rec->stopped = 1;
	for (int i = 0; i < rec->nr_fds; i++)
		if (rec->fds[i] >= 0)
			ioctl(rec->fds[i], PERF_EVENT_IOC_DISABLE, 0);
	do {
		err = drain(rec);
	} while (err > 0);
	return err < 0 ? err : 0;
}

void ppm_record__abandon(struct ppm_record *rec)
{
	rec->stopped = 1;
	for (int i = 0; i < rec->nr_fds; i++)
		if (rec->fds[i] >= 0) {
			ioctl(rec->fds[i], PERF_EVENT_IOC_DISABLE, 0);
			close(rec->fds[i]);
			rec->fds[i] = -1;
		}
	for (int c = 0; c < rec->cpus->nr; c++) {
		ppm_ring__release(&rec->rings[c]);
		rec->pfds[c].fd = -1;
	}
}

int ppm_record__add_feature(struct ppm_record *rec, int feat, const void *buf, size_t size)
{
	return rec->w ? ppm_data_writer__add_feature(rec->w, feat, buf, size) : 0;
}

const uint64_t *ppm_record__event_ids(const struct ppm_record *rec, int ev, size_t *nr)
{
	*nr = rec->nr_ids[ev];
	return rec->ids[ev];
}

const struct ppm_data *ppm_record__data(const struct ppm_record *rec)
{
	return &rec->live;
}

int ppm_record__finish(struct ppm_record *rec)
{
	int err;

	err = ppm_record__stop(rec);
	if (!err)
		err = checkpoint(rec, 1);
	rec->stats.bytes = rec->w ? ppm_data_writer__size(rec->w) : 0;
	return err;
}

const struct ppm_offcpu_stats *ppm_record__offcpu_stats(const struct ppm_record *rec)
{
	return rec->offcpu ? ppm_offcpu__stats(rec->offcpu) : NULL;
}

const struct ppm_record_stats *ppm_record__stats(const struct ppm_record *rec)
{
	return &rec->stats;
}

void ppm_record__free(struct ppm_record *rec)
{
	if (!rec)
		return;
	if (rec->rings)
		for (int c = 0; c < rec->cpus->nr; c++)
			ppm_ring__release(&rec->rings[c]);
	for (int i = 0; rec->fds && i < rec->nr_fds; i++)
		if (rec->fds[i] >= 0)
			close(rec->fds[i]);
	for (int e = 0; rec->ids && e < rec->opts.nr_events; e++)
		free(rec->ids[e]);
	ppm_data_writer__free(rec->w);
	ppm_offcpu__free(rec->offcpu);
	free(rec->desc);
	ppm_pidset__release(&rec->pids);
	free(rec->kips.slots);
	ppm_cpumap__free(rec->cpus);
	free(rec->ids);
	free(rec->nr_ids);
	free(rec->attrs);
	free(rec->pfds);
	free(rec->rings);
	free(rec->pending);
	free(rec->pending_time);
	free(rec->fds);
	free(rec->tids);
	free(rec);
}
