/*
 * Records pyperfmap writes itself rather than the kernel: the kernel's text mapping,
 * the state of a process attached with -p, and copies of the perf maps.
 */
#ifndef PPM_SYNTH_H
#define PPM_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <linux/perf_event.h>

/* Receives a record with room for a 32-byte sample_id trailer after h->size. */
typedef int (*ppm_emit_fn)(void *ctx, struct perf_event_header *h, uint32_t pid, uint32_t tid);

struct ppm_pidset {
	pid_t *slots;
	uid_t *uids;       /* beside each pid: its user when it was added (its maps' owner) */
	size_t cap, nr;
};

/* 1 when added, 0 when it was there already, -ENOMEM. */
int ppm_pidset__add(struct ppm_pidset *set, pid_t pid);
void ppm_pidset__release(struct ppm_pidset *set);

/* PERF_RECORD_MMAP "[kernel.kallsyms]_text", as perf writes it. -ENOENT when hidden. */
int ppm_synth__kernel_mmap(ppm_emit_fn emit, void *ctx);
/* COMM of every thread and MMAP2 of every executable mapping of a running process. */
int ppm_synth__process(pid_t pid, ppm_emit_fn emit, void *ctx);
/* FORK of pid from ppid, as the kernel would have written it (an attached worker's
 * lineage: the stubs it inherited are named by its parent's map). */
int ppm_synth__fork(pid_t pid, pid_t ppid, ppm_emit_fn emit, void *ctx);
/* ppm_synth__process for every process of the system (-a); each one is added to seen. */
int ppm_synth__all(ppm_emit_fn emit, void *ctx, struct ppm_pidset *seen);
/*
 * Reads /tmp/perf-PID.map of every pid in the set into one buffer in the
 * PPM_FEAT_PERFMAPS layout (a map older than its process, or than 'since' for a process
 * that is gone, is an earlier process's); for a pid without one, the text that
 * fallback gives, when it gives any (a jitdump's names, for instance).
 */
typedef int (*ppm_perfmap_text_fn)(void *ctx, pid_t pid, time_t since, char **text, size_t *len);
/* What collecting left out: maps of another user's making (util/mapfile.h), bytes cut. */
struct ppm_perfmap_skips {
	int foreign;
	uint64_t cut_bytes;
};
int ppm_synth__collect_perfmaps(const struct ppm_pidset *set, time_t since,
				ppm_perfmap_text_fn fallback, void *fallback_ctx, void **buf,
				size_t *size, int *nr_maps, struct ppm_perfmap_skips *skips);

#endif
