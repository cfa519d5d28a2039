/* Executable memory for stubs: filled, then made executable, never unmapped or reused. */
#ifndef PPM_TRAMPOLINE_ARENA_H
#define PPM_TRAMPOLINE_ARENA_H

#include <stddef.h>

/* The next unused stub, or NULL (errno set) when no memory can be had. */
void *ppm_arena_alloc_stub(void);
/* Bytes of arena memory mapped so far. */
size_t ppm_arena_mapped(void);

#endif
