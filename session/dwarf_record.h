/* Unwinding DWARF samples while recording (see dwarf_record.c). */
#ifndef PPM_DWARF_RECORD_H
#define PPM_DWARF_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

struct ppm_dwarf_stats {
	uint64_t samples;
	uint64_t ends[5];   /* by enum ppm_unwind_end */
	uint64_t errors;
};

struct ppm_dwarf;

struct ppm_dwarf *ppm_dwarf__new(int multi, int has_cpu);
void ppm_dwarf__free(struct ppm_dwarf *d);
/* Which samples carry PERF_SAMPLE_RAW (tracepoints) after their call chain: all, or
 * those with these ids (kept by the caller). */
void ppm_dwarf__set_raw(struct ppm_dwarf *d, int all, const uint64_t *ids, size_t nr);
/* A ppm_record_opts.transform. */
const struct perf_event_header *ppm_dwarf__transform(void *ctx, const struct perf_event_header *in,
						     void *out, size_t out_cap);
const struct ppm_dwarf_stats *ppm_dwarf__stats(const struct ppm_dwarf *d);

#endif
