/*
 * Fuzz target for the stack unwinder: random registers and stack bytes, seeded with
 * plausible values (addresses inside the mapped ELF and stub region, stack
 * addresses), against real CFI (this very executable and libc). The unwinder must
 * stay within the stack copy, stop, and never crash; ASan and UBSan watch.
 */
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../maps/machine.h"
#include "../../maps/unwind.h"

static uint64_t rng = 0x853c49e6748fea9bULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define STUBS 0x7f0000000000ULL

/* Every 16-byte slot of the fake stub region reads as a stub, except every 7th. */
static int fake_code(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	(void)pid;
	if (addr < STUBS || addr >= STUBS + 0x10000 || (addr / 16) % 7 == 0)
		return -1;
	memcpy(buf, ppm_stub_signature, len < 8 ? len : 8);
	return 0;
}

struct region {
	uint64_t start, end;
};

static struct region regions[16];
static int nr_regions;

static int add_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct ppm_machine *m = arg;
	const char *name = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";

	(void)size;
	for (int i = 0; i < info->dlpi_phnum && nr_regions < 16; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X) || !strstr(name, "/"))
			continue;
		if (!strcmp(name, "/proc/self/exe")) {
			static char exe[4096];
			ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

			if (n <= 0)
				continue;
			exe[n] = '\0';
			name = exe;
		}
		ppm_machine__mmap(m, 1, start, ph->p_memsz, ph->p_offset, name, 0);
		regions[nr_regions].start = start;
		regions[nr_regions++].end = start + ph->p_memsz;
	}
	return 0;
}

static uint64_t plausible(uint64_t stack_lo, size_t len)
{
	switch (next_rand() % 5) {
	case 0: {
		struct region *r = &regions[next_rand() % (uint64_t)nr_regions];

		return r->start + next_rand() % (r->end - r->start);
	}
	case 1:
		return STUBS + (next_rand() % 0x10000);
	case 2:
		return stack_lo + next_rand() % (len + 64);
	case 3:
		return 0;
	default:
		return next_rand();
	}
}

int main(int argc, char **argv)
{
	int iterations = argc > 1 ? atoi(argv[1]) : 20000;
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_unwinder *u;
	static unsigned char stack[16384];
	uint64_t ips[256], total = 0;
	int ends[5] = { 0 };

	dl_iterate_phdr(add_object, m);
	ppm_machine__mmap(m, 1, STUBS, 0x10000, 0, "//anon", 0);
	u = ppm_unwinder__new(m, fake_code, NULL);
	if (!u || !nr_regions) {
		fprintf(stderr, "fuzz_unwind: setup failed\n");
		return 1;
	}
	for (int it = 0; it < iterations; it++) {
		uint64_t sp = 0x7ffd00000000ULL + (next_rand() % 4096) * 8;
		size_t len = (size_t)(next_rand() % (sizeof(stack) + 1)) & ~(size_t)7;
		enum ppm_unwind_end end;
		int n;

		for (size_t k = 0; k + 8 <= len; k += 8) {
			uint64_t v = plausible(sp, len);

			memcpy(stack + k, &v, 8);
		}
		n = ppm_unwinder__unwind(u, 1, plausible(sp, len), sp, plausible(sp, len), stack, len, ips,
					 256, &end);
		if (n < 1 || n > 256 || (int)end < 0 || (int)end > 4) {
			fprintf(stderr, "fuzz_unwind: bad result n=%d end=%d\n", n, (int)end);
			return 1;
		}
		total += (uint64_t)n;
		ends[end]++;
	}
	printf("fuzz_unwind: %d random stacks, %llu frames; ends: complete %d truncated %d no-cfi %d "
	       "bad %d depth %d\n", iterations, (unsigned long long)total, ends[0], ends[1], ends[2],
	       ends[3], ends[4]);
	ppm_unwinder__free(u);
	ppm_machine__free(m);
	return 0;
}
