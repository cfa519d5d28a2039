/*
 * perf's DWARF samples (perf record --call-graph dwarf) unwound for the resolver: each
 * sample's user stack copy walked from its registers by maps/unwind.c, the code of the
 * trampoline stubs it meets read from their perf-map entries (see resolve.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "../maps/unwind.h"

/* x86-64 perf_regs numbers */
enum { REG_BP = 6, REG_SP = 7, REG_IP = 8 };

/*
 * The code of a trampoline stub, from its perf-map entry: the process is gone, but an
 * entry's size says which of the two stub shapes maps/unwind.c knows its code is: 8
 * (pyperfmap's, or CPython's on a build that keeps frame pointers) or 11 (CPython's
 * elsewhere), 4 more each when it starts with endbr64. Anything else reads as int3.
 */
static const unsigned char fp_stub[12] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5,
					   0xff, 0xd1, 0x5d, 0xc3 };
static const unsigned char nofp_stub[15] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x48, 0x83, 0xec, 0x08,
					     0xff, 0xd1, 0x48, 0x83, 0xc4, 0x08, 0xc3 };

static const unsigned char *stub_code(uint64_t size)
{
	switch (size) {
	case 8:
	case 12:
		return fp_stub + 12 - size;
	case 11:
	case 15:
		return nofp_stub + 15 - size;
	default:
		return NULL;
	}
}

static int read_stub_code(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct ppm_resolver *r = ctx;
	unsigned char *out = buf;
	size_t i = 0;

	memset(out, 0xcc, len);
	while (i < len) {
		struct ppm_resolved res;
		const unsigned char *code;
		uint64_t a = addr + i;

		ppm_machine__resolve(r->m, pid, a, 0, &res);
		if (!res.sym || !res.dso || res.dso->kind == PPM_DSO_ELF || res.sym->end <= a ||
		    !(code = stub_code(res.sym->end - res.sym->start))) {
			i++;
			continue;
		}
		for (; i < len && addr + i < res.sym->end; i++)
			out[i] = code[addr + i - res.sym->start];
	}
	return 0;
}

int ppm_resolver__unwind_dwarf(struct ppm_resolver *r)
{
	if (r->unwinder)
		return 0;
	r->unwound = malloc(PPM_RESOLVE_MAX_FRAMES * sizeof(*r->unwound));
	r->unwinder = r->unwound ? ppm_unwinder__new(r->m, read_stub_code, r) : NULL;
	return r->unwinder ? 0 : -ENOMEM;
}

/*
 * A DWARF sample's call chain: its kernel part as recorded, then the user stack
 * unwound from the registers and the stack copy, ending in a 0 frame ([unknown], as
 * the recorder writes it) when the unwinder could not finish.
 */
int ppm_resolver__unwind_sample(struct ppm_resolver *r, const struct ppm_sample *s,
				struct ppm_sample *out)
{
	uint64_t ip, sp, bp = 0;
	size_t n = 0;
	enum ppm_unwind_end end;
	int frames;

	if (!s->stack || !s->regs_abi || ppm_sample__user_reg(s, REG_IP, &ip) ||
	    ppm_sample__user_reg(s, REG_SP, &sp))
		return 0;
	ppm_sample__user_reg(s, REG_BP, &bp);
	for (uint64_t i = 0; s->callchain && i < s->nr_callchain && n < PPM_RESOLVE_MAX_FRAMES / 2; i++) {
		if (s->callchain[i] == PERF_CONTEXT_USER)
			break;
		r->unwound[n++] = s->callchain[i];
	}
	r->unwound[n++] = PERF_CONTEXT_USER;
	frames = ppm_unwinder__unwind(r->unwinder, (pid_t)s->pid, ip, sp, bp, s->stack,
				      (size_t)s->stack_size, r->unwound + n,
				      (int)(PPM_RESOLVE_MAX_FRAMES - n - 1), &end);
	n += (size_t)frames;
	if (end != PPM_UNWIND_COMPLETE)
		r->unwound[n++] = 0;
	r->stats.unwound++;
	r->stats.unwound_complete += end == PPM_UNWIND_COMPLETE;
	*out = *s;
	out->callchain = r->unwound;
	out->nr_callchain = n;
	return 1;
}
