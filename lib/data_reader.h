/*
 * Reads a perf.data file (PERFILE2) written by pyperfmap or by perf record.
 *
 * Usage:
 *	struct ppm_err err;
 *	if (ppm_data__open(&d, path, &err) < 0) { puts(err.msg); ... }
 *	for (pos = 0; (h = ppm_data__next(d, &pos, &rc)); ) {
 *		if (h->type == PERF_RECORD_SAMPLE) ppm_data__parse_sample(d, h, &s);
 *		else ppm_data__parse_id(d, h, &id);
 *	}
 *	ppm_data__close(d);
 */
#ifndef PPM_DATA_READER_H
#define PPM_DATA_READER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

#include "err.h"
#include "perf_file.h"


struct ppm_evsel_desc {
	struct perf_event_attr attr;
	char *name;
	const uint64_t *ids;   /* points into the mapped file */
	size_t nr_ids;
};

struct ppm_data {
	int fd;
	const unsigned char *map;
	size_t size;
	struct ppm_evsel_desc *attrs;
	int nr_attrs;
	const unsigned char *data;
	uint64_t data_size;
	struct ppm_file_section feat[PPM_FEAT_BITS];
	int cut_short;          /* its recorder stopped before finishing it (SIGKILL, a crash):
				 * the records up to its last flush are there */
	int sample_id_pos;      /* u64 index of the id in a sample, -1 when absent */
	int trailer_id_pos;     /* u64 index of the id counted from a trailer's end, -1 when absent */
	int time_pos, chain_pos; /* u64 index of a sample's time, call chain; -1: it varies */
};

/* The sample_id fields every record carries when sample_id_all is set. */
struct ppm_sample_id {
	int attr;               /* index into d->attrs */
	uint32_t pid, tid, cpu;
	uint64_t time;
	int has_time;
};

struct ppm_sample {
	int attr;
	uint16_t misc;
	uint64_t ip, time, addr, period, id;
	uint32_t pid, tid, cpu;
	uint64_t nr_callchain;
	const uint64_t *callchain; /* unaligned-safe: records are 8-byte aligned in the file */
	/* DWARF mode (perf record --call-graph dwarf): the user registers and stack copy */
	uint64_t regs_abi;          /* PERF_SAMPLE_REGS_ABI_*, 0: none (a kernel thread) */
	const uint64_t *regs;       /* one per bit of regs_mask, in bit order */
	uint64_t regs_mask;
	const unsigned char *stack; /* the copy, from the sampled sp up; NULL when none */
	uint64_t stack_size;        /* the bytes of it that hold the stack (dyn_size) */
};

int ppm_data__open(struct ppm_data **out, const char *path, struct ppm_err *err);
/*
 * A description of records that come from elsewhere (a live recording's rings):
 * their attrs, names and ids (kept by the caller), so they parse as a file's do.
 */
void ppm_data__describe(struct ppm_data *d, struct ppm_evsel_desc *attrs, int nr);
void ppm_data__close(struct ppm_data *d);

/* The next record of the data section, or NULL at its end (*rc < 0 when the file is corrupt). */
const struct perf_event_header *ppm_data__next(const struct ppm_data *d, uint64_t *pos, int *rc);
int ppm_data__parse_sample(const struct ppm_data *d, const struct perf_event_header *h,
			   struct ppm_sample *s);
/* A sample's time alone (fast where every event puts it at one place). 0 or -errno. */
int ppm_data__sample_time(const struct ppm_data *d, const struct perf_event_header *h,
			  uint64_t *time);
/* A sample's ip and call chain alone (likewise). 0 or -errno. */
int ppm_data__sample_chain(const struct ppm_data *d, const struct perf_event_header *h,
			   uint64_t *ip, const uint64_t **chain, uint64_t *nr);
int ppm_data__parse_id(const struct ppm_data *d, const struct perf_event_header *h,
		       struct ppm_sample_id *id);
/* A user register of a DWARF sample by its perf_regs number (x86-64: 6 bp, 7 sp, 8 ip). */
int ppm_sample__user_reg(const struct ppm_sample *s, int reg, uint64_t *value);
/*
 * The kernel's build id as perf record noted it (its BUILD_ID section, the entry of
 * [kernel.kallsyms]), in lower-case hex: 0, or -ENOENT when the file has none.
 */
int ppm_data__kernel_build_id(const struct ppm_data *d, char *hex, size_t len);
/* A feature section's bytes, or NULL when the file has none. */
const void *ppm_data__feature(const struct ppm_data *d, int feat, size_t *size);

/* perf's name for a generic event ("cpu-clock"), or NULL. */
const char *ppm_data__generic_name(uint32_t type, uint64_t config);

#endif
