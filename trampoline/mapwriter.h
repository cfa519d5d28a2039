/*
 * The files perf reads about the stubs, written from inside CPython:
 * - /tmp/perf-PID.map: "START SIZE py::QUALNAME:FILENAME" lines, exactly CPython's format;
 * - with jitdump on, /tmp/jit-PID.dump too: each stub's code and unwinding information
 *   (jitdump.h), its first page mapped executable so perf record notes the file.
 * Both are batched, not flushed one entry at a time: CPython's fflush per line cost a
 * large fleet 1.5% CPU. A batch goes out when it is 100 ms old or 60 KB big, before
 * fork, at exit and at deactivation.
 *
 * Usage: ppm_mapwriter_add(); ppm_mapwriter_tick() from time to time; _flush().
 */
#ifndef PPM_TRAMPOLINE_MAPWRITER_H
#define PPM_TRAMPOLINE_MAPWRITER_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0, or -errno when a file cannot be opened (symlink, not ours, no /tmp). */
int ppm_mapwriter_add(uintptr_t start, unsigned int size, const char *qualname,
		      const char *filename);
/* Flushes a batch that has waited long enough. Cheap when there is none. */
void ppm_mapwriter_tick(void);
int ppm_mapwriter_flush(void);
/* The path of this process's map (or of the file that failed last), for messages. */
const char *ppm_mapwriter_path(void);
/* Lines written so far and their bytes. */
void ppm_mapwriter_stats(uint64_t *lines, uint64_t *bytes);
/* Registers the fork and exit handlers once; jitdump: also write /tmp/jit-PID.dump. */
void ppm_mapwriter_init(int jitdump);
/* The jitdump's path, when it is on. */
const char *ppm_mapwriter_jitdump_path(void);

#endif
