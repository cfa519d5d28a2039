#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "stub.h"

/* 1 MiB holds 65,536 stubs: most programs never need a second arena. */
#define ARENA_SIZE (1u << 20)

static unsigned char *cur, *end;
static size_t mapped, stride = PPM_STUB_SIZE;

/*
 * A new arena is filled with copies of the stub while writable, then flipped to
 * read+execute in one mprotect: it is never writable and executable at once. The
 * kernel reports the flip to perf as an executable anonymous mapping, which is what
 * makes perf look in /tmp/perf-PID.map.
 */
static int new_arena(void)
{
	unsigned char *mem = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return -errno;
	for (size_t off = 0; off + PPM_STUB_SIZE <= ARENA_SIZE; off += PPM_STUB_SIZE)
		memcpy(mem + off, ppm_stub_code, PPM_STUB_SIZE);
	if (mprotect(mem, ARENA_SIZE, PROT_READ | PROT_EXEC) < 0) {
		int err = -errno;

		munmap(mem, ARENA_SIZE);
		return err;
	}
	__builtin___clear_cache((char *)mem, (char *)mem + ARENA_SIZE);
	cur = mem;
	end = mem + ARENA_SIZE;
	mapped += ARENA_SIZE;
	return 0;
}

void *ppm_arena_alloc_stub(void)
{
	void *stub;

	if ((size_t)(end - cur) < PPM_STUB_SIZE) {
		int err = new_arena();

		if (err) {
			errno = -err;
			return NULL;
		}
	}
	stub = cur;
	cur += (size_t)(end - cur) < stride ? (size_t)(end - cur) : stride;
	return stub;
}

void ppm_arena_set_stride(size_t bytes)
{
	/* every PPM_STUB_SIZE bytes of an arena hold a stub: any multiple is one */
	stride = (bytes + PPM_STUB_SIZE - 1) / PPM_STUB_SIZE * PPM_STUB_SIZE;
}

size_t ppm_arena_mapped(void)
{
	return mapped;
}
