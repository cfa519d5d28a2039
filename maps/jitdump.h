/* The JIT code a jitdump file (/tmp/jit-PID.dump) describes, as perf-map text. */
#ifndef PPM_MAPS_JITDUMP_H
#define PPM_MAPS_JITDUMP_H

#include <stddef.h>
#include <stdint.h>

/*
 * "START SIZE NAME" lines for the JIT_CODE_LOAD records of a jitdump image, up to the
 * first record cut off. *text is malloc'd (NULL when there are none). 0 or -errno
 * (-EINVAL: not a jitdump).
 */
int ppm_jitdump__perfmap_text(const unsigned char *buf, size_t size, char **text, size_t *len);
/* A jitdump larger than this (the code of every stub is in it) is not read. */
#define PPM_JITDUMP_MAX (256ULL << 20)
/* The same, of a file: a regular file (never through a symlink) of at most max_size. */
int ppm_jitdump__load_text(const char *path, uint64_t max_size, char **text, size_t *len);

#endif
