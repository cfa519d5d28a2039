/*
 * A user-space stack unwinder for sampled register/stack copies (x86-64): DWARF CFI
 * through libdw, compiled once per address into a cached rule, and the trampoline
 * stubs of pyperfmap and of CPython's -X perf / -X perf_jit, which have no CFI but a
 * fixed frame (recognized by their code bytes).
 *
 * It never reads outside the stack copy, requires the stack pointer to grow at
 * every step (so it cannot loop), and stops at a depth limit.
 */
#ifndef PPM_UNWIND_H
#define PPM_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "machine.h"

enum ppm_unwind_end {
	PPM_UNWIND_COMPLETE,   /* reached the outermost frame */
	PPM_UNWIND_TRUNCATED,  /* the stack copy ended first */
	PPM_UNWIND_NO_CFI,     /* code without unwind information (or not mapped) */
	PPM_UNWIND_BAD,        /* the values found make no sense */
	PPM_UNWIND_DEPTH,      /* the depth limit */
};

/* Reads len bytes of the target's code at addr; 0 on success. */
typedef int (*ppm_read_code_fn)(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len);

struct ppm_unwinder;

struct ppm_unwinder *ppm_unwinder__new(struct ppm_machine *m, ppm_read_code_fn read_code,
				       void *ctx);
void ppm_unwinder__free(struct ppm_unwinder *u);

/*
 * Unwinds from the sampled registers through the stack copy (which starts at sp).
 * Writes the frames' instruction pointers to ips (ips[0] = ip; callers' entries are
 * return addresses) and returns how many; *end says why it stopped.
 */
int ppm_unwinder__unwind(struct ppm_unwinder *u, pid_t pid, uint64_t ip, uint64_t sp, uint64_t bp,
			 const unsigned char *stack, size_t stack_len, uint64_t *ips, int max,
			 enum ppm_unwind_end *end);

/* The 8 code bytes of a pyperfmap stub, for recognizing one in a process. */
extern const unsigned char ppm_stub_signature[8];

#endif
