/*
 * The address spaces of the recorded processes, rebuilt from MMAP/MMAP2, COMM, FORK
 * and EXIT records, and the lookup (pid, address) -> (dso, symbol).
 *
 * Usage:
 *	m = ppm_machine__new();
 *	ppm_machine__add_perfmap_text(m, pid, text, len);   // copies embedded in perf.data
 *	... feed records in time order: __mmap, __comm, __fork, __exit ...
 *	ppm_machine__resolve(m, pid, ip, kernel, &res);
 *	ppm_machine__free(m);
 */
#ifndef PPM_MACHINE_H
#define PPM_MACHINE_H

#include <stdint.h>
#include <sys/types.h>

#include "dso.h"

struct ppm_machine;

struct ppm_resolved {
	struct ppm_dso *dso;           /* NULL when no mapping covers the address */
	const struct ppm_symbol *sym;  /* NULL when the dso has no symbol there */
	uint64_t rel;                  /* address inside the dso (for "[unknown]" frames) */
	int kernel;
};

struct ppm_machine_stats {
	size_t perfmap_bad_lines;   /* garbage lines skipped in perf maps */
	int perfmap_foreign;        /* maps on disk not believed: not their process's user's */
	uint64_t perfmap_cut_bytes; /* bytes of maps past the bound, not read */
	int kernel_hidden;          /* kallsyms unreadable or zeroed */
};

struct ppm_machine *ppm_machine__new(void);
void ppm_machine__free(struct ppm_machine *m);

/*
 * The only kernel addresses that will be looked up (sorted, kept by the caller): the
 * kernel's symbols are then read for them alone (ppm_kallsyms__load_needed).
 */
void ppm_machine__set_kernel_addrs(struct ppm_machine *m, const uint64_t *addrs, size_t nr);
/*
 * For a live view: the perf maps on disk of running processes are read again where
 * they grew (new functions), and those not found before are looked for again. The
 * number of symbols added (callers drop cached answers when it is not 0), or -errno.
 */
int ppm_machine__refresh_perfmaps(struct ppm_machine *m);
/* Read kernel symbols from this file instead of /proc/kallsyms. */
void ppm_machine__set_kallsyms(struct ppm_machine *m, const char *path);
/* Kernel symbols from perf-map text (embedded in the file) instead of kallsyms. */
void ppm_machine__set_kernel_symbols(struct ppm_machine *m, const char *text, size_t len);
/* ELF files are read under DIR (perf's --symfs); before the first mapping is added. */
void ppm_machine__set_symfs(struct ppm_machine *m, const char *dir);
/* Do not read /tmp/perf-PID.map from disk (only embedded copies). */
void ppm_machine__set_disk_perfmaps(struct ppm_machine *m, int on);
int ppm_machine__add_perfmap_text(struct ppm_machine *m, pid_t pid, const char *text, size_t len);

int ppm_machine__mmap(struct ppm_machine *m, pid_t pid, uint64_t start, uint64_t len,
		      uint64_t pgoff, const char *filename, int kernel);
int ppm_machine__comm(struct ppm_machine *m, pid_t pid, pid_t tid, const char *comm, int exec);
int ppm_machine__fork(struct ppm_machine *m, pid_t pid, pid_t ppid, pid_t tid);
void ppm_machine__exit(struct ppm_machine *m, pid_t pid, pid_t tid);

/* The mapping at addr: its dso and the file offset (0 and *dso NULL when unmapped). */
int ppm_machine__find_map(struct ppm_machine *m, pid_t pid, uint64_t addr, struct ppm_dso **dso,
			  uint64_t *file_off);
void ppm_machine__resolve(struct ppm_machine *m, pid_t pid, uint64_t addr, int kernel,
			  struct ppm_resolved *res);
/* The thread's name (interned: equal names are the same pointer), "pid" when unknown. */
const char *ppm_machine__comm_of(struct ppm_machine *m, pid_t pid, pid_t tid);
const struct ppm_machine_stats *ppm_machine__stats(const struct ppm_machine *m);

#endif
