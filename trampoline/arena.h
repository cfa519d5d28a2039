/* Executable memory for stubs: filled, then made executable, never unmapped or reused. */
#ifndef PPM_TRAMPOLINE_ARENA_H
#define PPM_TRAMPOLINE_ARENA_H

#include <stddef.h>

/* The next unused stub, or NULL (errno set) when no memory can be had. */
void *ppm_arena_alloc_stub(void);
/* Space stubs this far apart (rounded up to whole stubs) from the next one on. */
void ppm_arena_set_stride(size_t bytes);
/* Bytes of arena memory mapped so far. */
size_t ppm_arena_mapped(void);

#endif
