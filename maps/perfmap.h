/*
 * /tmp/perf-PID.map: one "START SIZE NAME" line per JIT symbol, START and SIZE in hex
 * without 0x, NAME to the end of the line (it may hold spaces and colons).
 */
#ifndef PPM_PERFMAP_H
#define PPM_PERFMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "symtab.h"

/* Adds every good line to t; lines that do not parse are skipped and counted in *bad. */
int ppm_perfmap__parse(struct ppm_symtab *t, const char *text, size_t len, size_t *bad);
/* -ENOENT when there is no such file. Refuses symlinks. */
int ppm_perfmap__load(struct ppm_symtab *t, const char *path, size_t *bad);
/*
 * The whole lines of process pid's map from byte from on (a map grows by appending
 * while its process runs); *end is where they stop, the start of the next read. A
 * map is believed only as util/mapfile.h says (-EPERM otherwise), and read to its
 * bound: *cut gets the bytes left out past it.
 */
int ppm_perfmap__load_from(struct ppm_symtab *t, const char *path, pid_t pid, uint64_t from,
			   uint64_t *end, size_t *bad, uint64_t *cut);

#endif
