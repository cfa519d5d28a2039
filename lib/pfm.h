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

#endif
