/*
 * What joins lib/ (recording) to maps/ (symbols) outside the reader: the side-band
 * records applied to the address-space model, the kernel symbols a recording embeds,
 * and the choice --call-graph auto makes. Library code: -errno, never prints.
 */
#ifndef PPM_SESSION_H
#define PPM_SESSION_H

#include <stddef.h>
#include <linux/perf_event.h>

struct ppm_machine;
struct ppm_record;

/* Applies a MMAP/MMAP2/COMM/FORK/EXIT record: 1 when the model changed, 0, or -errno. */
int ppm_sideband__apply(struct ppm_machine *m, const struct perf_event_header *h);
/* Adds the kernel symbols the recording's samples hit to its file (PPM_FEAT_KSYMS). */
int ppm_ksyms__embed(struct ppm_record *rec);
/*
 * --call-graph auto for program (a path, a name on PATH, or a "#!" script): 1 for
 * frame pointers, 0 for DWARF; why says which code decided, in words for the user.
 */
int ppm_callgraph__auto(const char *program, char *why, size_t len);

#endif
