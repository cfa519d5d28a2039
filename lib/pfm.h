/*
 * libpfm4, seen through plain integers. perfmon's headers carry their own copy of
 * the kernel's perf_event structs, which clashes with <linux/perf_event.h>, so only
 * pfm.c includes them.
 */
#ifndef PPM_PFM_H
#define PPM_PFM_H

#include <stdint.h>

struct ppm_pfm_encoding {
	uint32_t type;
	uint64_t config, config1, config2;
	unsigned int exclude_user : 1, exclude_kernel : 1, exclude_hv : 1;
	unsigned int precise_ip : 2;
};

/* Returns 0, -ENOENT for an unknown event, -EINVAL for bad syntax, -ENOMEM. */
int ppm_pfm__encode(const char *name, struct ppm_pfm_encoding *enc);

enum ppm_pfm_pmu_kind { PPM_PFM_GENERIC, PPM_PFM_CORE, PPM_PFM_UNCORE };

/* One event of a PMU libpfm4 finds present (by CPUID; the kernel may still lack it). */
struct ppm_pfm_event {
	const char *pmu, *pmu_desc;
	enum ppm_pfm_pmu_kind kind;
	const char *name, *desc;
	const char *equiv;          /* the event this one is another name of, or NULL */
	const char **umasks;        /* NULL-terminated unit masks (may be empty) */
	const char **umask_descs;
};

/* Calls fn for every event of every present PMU; stops when fn returns non-zero. */
int ppm_pfm__foreach_event(int (*fn)(const struct ppm_pfm_event *ev, void *ctx), void *ctx);

#endif
