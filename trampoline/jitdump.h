/*
 * perf's jitdump format (tools/perf/Documentation/jitdump-specification.txt), for
 * /tmp/jit-PID.dump: what `perf inject --jit` turns into one small ELF per stub, with
 * the stub's code and the unwinding information a DWARF unwinder needs to step
 * through it, as CPython 3.13's -X perf_jit does.
 *
 * Only the encoding is here (records into a caller's buffer); mapwriter.c owns the
 * file, its batching and its first-page mapping.
 */
#ifndef PPM_TRAMPOLINE_JITDUMP_H
#define PPM_TRAMPOLINE_JITDUMP_H

#include <stddef.h>
#include <stdint.h>

/* Bytes after each stub that the injected ELF covers (eh_frame + its header), 16-aligned:
 * stubs are spaced by PPM_STUB_SIZE + this so those ELFs' mappings never overlap. */
#define PPM_JITDUMP_UNWIND_SPAN 80

/* The file header (40 bytes). */
size_t ppm_jitdump_header(unsigned char *out, uint32_t pid, uint64_t time_us);
/* The largest record pair ppm_jitdump_stub writes for a name of name_len bytes. */
size_t ppm_jitdump_stub_room(size_t name_len);
/*
 * An UNWINDING_INFO record, then the CODE_LOAD record of the stub at addr (index:
 * 1, 2, ...). The code written is the stub's, with its never-executed padding replaced
 * by marker: perf gives each injected ELF a build-id from its bytes and merges ELFs
 * whose build-ids agree, so identical stubs would all take the first one's name.
 * Returns the bytes written at out (ppm_jitdump_stub_room of them at most).
 */
size_t ppm_jitdump_stub(unsigned char *out, uint64_t addr, uint64_t index, uint64_t marker,
			uint32_t pid, uint32_t tid, uint64_t time_ns, const char *name,
			size_t name_len);

#endif
