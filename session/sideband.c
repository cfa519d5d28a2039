/* Side-band records (MMAP/MMAP2, COMM, FORK, EXIT) applied to an address-space model. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/perf_event.h>

#include "session.h"
#include "../maps/machine.h"

int ppm_sideband__apply(struct ppm_machine *m, const struct perf_event_header *h)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	size_t body = h->size - sizeof(*h);
	uint32_t ids[4];
	uint64_t v[3];

	switch (h->type) {
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2: {
		size_t fixed = h->type == PERF_RECORD_MMAP ? 32 : 32 + 24 + 8;
		uint32_t prot = 0;
		char name[4096];
		size_t nlen;
		int err;

		if (body < fixed + 1)
			return -EINVAL;
		memcpy(ids, p, 8);
		memcpy(v, p + 8, 24);
		if (h->type == PERF_RECORD_MMAP2) {
			memcpy(&prot, p + 56, 4);
			if (!(prot & PROT_EXEC))
				return 0;
		} else if (h->misc & PERF_RECORD_MISC_MMAP_DATA) {
			return 0;
		}
		nlen = strnlen((const char *)p + fixed, body - fixed);
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, p + fixed, nlen);
		name[nlen] = '\0';
		err = ppm_machine__mmap(m, (pid_t)ids[0], v[0], v[1], v[2], name,
					(h->misc & PERF_RECORD_MISC_CPUMODE_MASK) ==
						PERF_RECORD_MISC_KERNEL);
		return err == -ENOMEM ? err : 1;
	}
	case PERF_RECORD_COMM: {
		char comm[64];
		size_t nlen;
		int err;

		if (body < 9)
			return -EINVAL;
		memcpy(ids, p, 8);
		nlen = strnlen((const char *)p + 8, body - 8);
		if (nlen >= sizeof(comm))
			nlen = sizeof(comm) - 1;
		memcpy(comm, p + 8, nlen);
		comm[nlen] = '\0';
		err = ppm_machine__comm(m, (pid_t)ids[0], (pid_t)ids[1], comm,
					!!(h->misc & PERF_RECORD_MISC_COMM_EXEC));
		return err ? err : 1;
	}
	case PERF_RECORD_FORK: {
		int err;

		if (body < 16)
			return -EINVAL;
		memcpy(ids, p, 16);
		err = ppm_machine__fork(m, (pid_t)ids[0], (pid_t)ids[1], (pid_t)ids[2]);
		return err ? err : 1;
	}
	case PERF_RECORD_EXIT:
		if (body < 16)
			return -EINVAL;
		memcpy(ids, p, 16);
		ppm_machine__exit(m, (pid_t)ids[0], (pid_t)ids[2]);
		return 0;
	default:
		return 0;
	}
}
