#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfi.h"
#include "unwind.h"

/*
 * The stub's code, a format shared with trampoline/stub.h (the two never share code):
 * 16-byte slots in anonymous executable memory, each
 *	+0 push %rbp   +1 mov %rsp,%rbp   +4 call *%rcx   +6 pop %rbp   +7 ret
 * so between +1 and +6 the caller's rbp is at [rsp] and the return address at [rsp+8].
 */
const unsigned char ppm_stub_signature[8] = { 0x55, 0x48, 0x89, 0xe5, 0xff, 0xd1, 0x5d, 0xc3 };
#define STUB_SLOT 16

struct rule_slot {
	const struct ppm_dso *dso;
	uint64_t vaddr;
	struct ppm_cfi_rule rule;
};

struct stub_slot {
	uint64_t addr;     /* slot address | 1 when verified, | 0 when checked and not a stub */
	pid_t pid;
	int8_t is_stub;
	int8_t used;
};

struct cfi_slot {
	const struct ppm_dso *dso;
	struct ppm_cfi *cfi;   /* NULL: the file has none */
};

struct ppm_unwinder {
	struct ppm_machine *m;
	ppm_read_code_fn read_code;
	void *ctx;
	struct rule_slot *rules;
	size_t rules_cap, rules_nr;
	struct stub_slot *stubs;
	size_t stubs_cap, stubs_nr;
	struct cfi_slot *cfis;
	size_t cfis_nr, cfis_cap;
};

struct ppm_unwinder *ppm_unwinder__new(struct ppm_machine *m, ppm_read_code_fn read_code,
				       void *ctx)
{
	struct ppm_unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->m = m;
	u->read_code = read_code;
	u->ctx = ctx;
	return u;
}

void ppm_unwinder__free(struct ppm_unwinder *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->cfis_nr; i++)
		ppm_cfi__close(u->cfis[i].cfi);
	free(u->cfis);
	free(u->rules);
	free(u->stubs);
	free(u);
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	return (a ^ (b * 0x9E3779B97F4A7C15ULL)) * 0xff51afd7ed558ccdULL;
}

static struct ppm_cfi *cfi_of(struct ppm_unwinder *u, const struct ppm_dso *dso)
{
	struct cfi_slot *grown;

	for (size_t i = 0; i < u->cfis_nr; i++)
		if (u->cfis[i].dso == dso)
			return u->cfis[i].cfi;
	if (u->cfis_nr == u->cfis_cap) {
		u->cfis_cap = u->cfis_cap ? u->cfis_cap * 2 : 32;
		grown = realloc(u->cfis, u->cfis_cap * sizeof(*grown));
		if (!grown)
			return NULL;
		u->cfis = grown;
	}
	u->cfis[u->cfis_nr].dso = dso;
	u->cfis[u->cfis_nr].cfi = ppm_cfi__open(dso->file);
	return u->cfis[u->cfis_nr++].cfi;
}

/* The compiled rule at (dso, vaddr), computed once. */
static const struct ppm_cfi_rule *rule_of(struct ppm_unwinder *u, const struct ppm_dso *dso,
					  uint64_t vaddr)
{
	size_t i;

	if ((u->rules_nr + 1) * 2 > u->rules_cap) {
		size_t cap = u->rules_cap ? u->rules_cap * 2 : 4096;
		struct rule_slot *r = calloc(cap, sizeof(*r));

		if (!r)
			return NULL;
		for (size_t k = 0; k < u->rules_cap; k++) {
			if (!u->rules[k].dso)
				continue;
			i = mix((uintptr_t)u->rules[k].dso, u->rules[k].vaddr) & (cap - 1);
			while (r[i].dso)
				i = (i + 1) & (cap - 1);
			r[i] = u->rules[k];
		}
		free(u->rules);
		u->rules = r;
		u->rules_cap = cap;
	}
	for (i = mix((uintptr_t)dso, vaddr) & (u->rules_cap - 1); u->rules[i].dso;
	     i = (i + 1) & (u->rules_cap - 1))
		if (u->rules[i].dso == dso && u->rules[i].vaddr == vaddr)
			return &u->rules[i].rule;
	u->rules[i].dso = dso;
	u->rules[i].vaddr = vaddr;
	{
		struct ppm_cfi *cfi = cfi_of(u, dso);

		if (cfi)
			ppm_cfi__rule(cfi, vaddr, &u->rules[i].rule);
		else
			u->rules[i].rule.kind = PPM_CFI_NONE;
	}
	u->rules_nr++;
	return &u->rules[i].rule;
}

/* Is the 16-byte slot at addr a pyperfmap stub in this process? Asked once per slot. */
static int is_stub(struct ppm_unwinder *u, pid_t pid, uint64_t slot)
{
	unsigned char code[8];
	size_t i;
	int yes;

	if ((u->stubs_nr + 1) * 2 > u->stubs_cap) {
		size_t cap = u->stubs_cap ? u->stubs_cap * 2 : 1024;
		struct stub_slot *s = calloc(cap, sizeof(*s));

		if (!s)
			return 0;
		for (size_t k = 0; k < u->stubs_cap; k++) {
			if (!u->stubs[k].used)
				continue;
			i = mix(u->stubs[k].addr, (uint64_t)u->stubs[k].pid) & (cap - 1);
			while (s[i].used)
				i = (i + 1) & (cap - 1);
			s[i] = u->stubs[k];
		}
		free(u->stubs);
		u->stubs = s;
		u->stubs_cap = cap;
	}
	for (i = mix(slot, (uint64_t)pid) & (u->stubs_cap - 1); u->stubs[i].used;
	     i = (i + 1) & (u->stubs_cap - 1))
		if (u->stubs[i].addr == slot && u->stubs[i].pid == pid)
			return u->stubs[i].is_stub;
	yes = u->read_code && u->read_code(u->ctx, pid, slot, code, sizeof(code)) == 0 &&
	      !memcmp(code, ppm_stub_signature, sizeof(code));
	u->stubs[i].addr = slot;
	u->stubs[i].pid = pid;
	u->stubs[i].is_stub = (int8_t)yes;
	u->stubs[i].used = 1;
	u->stubs_nr++;
	return yes;
}

/* Reads a word of the stack copy, which starts at stack_lo. -1 outside it. */
static int read_word(const unsigned char *stack, size_t len, uint64_t stack_lo, uint64_t addr,
		     uint64_t *out)
{
	if (addr < stack_lo || addr - stack_lo > len || len - (addr - stack_lo) < 8)
		return -1;
	memcpy(out, stack + (addr - stack_lo), 8);
	return 0;
}

int ppm_unwinder__unwind(struct ppm_unwinder *u, pid_t pid, uint64_t ip, uint64_t sp, uint64_t bp,
			 const unsigned char *stack, size_t stack_len, uint64_t *ips, int max,
			 enum ppm_unwind_end *end)
{
	const uint64_t lo = sp;
	int n = 0;

	*end = PPM_UNWIND_DEPTH;
	while (n < max) {
		/* A return address points after its call: look the call itself up. */
		uint64_t pc = n ? ip - 1 : ip, cfa, ra, new_bp = bp, off, slot;
		struct ppm_dso *dso;
		struct ppm_cfi_rule rule;

		ips[n++] = ip;
		if (ppm_machine__find_map(u->m, pid, pc, &dso, &off) || !dso) {
			*end = PPM_UNWIND_NO_CFI;
			return n;
		}
		slot = pc & ~(uint64_t)(STUB_SLOT - 1);
		if (dso->kind == PPM_DSO_ANON) {
			unsigned int at = (unsigned int)(pc - slot);

			if (!is_stub(u, pid, slot)) {
				*end = PPM_UNWIND_NO_CFI;
				return n;
			}
			memset(&rule, 0, sizeof(rule));
			rule.kind = PPM_CFI_RULE;
			rule.cfa_reg = PPM_REG_RSP;
			rule.ra_off = -8;
			if (at >= 1 && at <= 6) {
				/* rbp pushed: [rsp] is the caller's rbp, [rsp+8] the return address. */
				rule.cfa_off = 16;
				rule.rbp_saved = 1;
				rule.rbp_off = -16;
			} else {
				rule.cfa_off = 8;
			}
		} else {
			uint64_t vaddr = off;
			const struct ppm_cfi_rule *r;

			if (dso->kind != PPM_DSO_ELF || ppm_dso__file_vaddr(dso, off, &vaddr)) {
				*end = PPM_UNWIND_NO_CFI;
				return n;
			}
			r = rule_of(u, dso, vaddr);
			if (!r || r->kind == PPM_CFI_NONE) {
				*end = PPM_UNWIND_NO_CFI;
				return n;
			}
			if (r->kind == PPM_CFI_OUTERMOST) {
				*end = PPM_UNWIND_COMPLETE;
				return n;
			}
			rule = *r;
			if (rule.kind == PPM_CFI_PLT) {
				rule.cfa_reg = PPM_REG_RSP;
				rule.cfa_off = ((pc & 15) >= 11) ? 16 : 8;
			}
		}
		cfa = (rule.cfa_reg == PPM_REG_RSP ? sp : bp) + (uint64_t)(int64_t)rule.cfa_off;
		if (read_word(stack, stack_len, lo, cfa + (uint64_t)(int64_t)rule.ra_off, &ra)) {
			*end = PPM_UNWIND_TRUNCATED;
			return n;
		}
		/*
		 * In an epilogue the CFI may still say "rbp saved at CFA-N" after the pop: a
		 * slot below the stack pointer has been restored already, the register holds it.
		 */
		if (rule.rbp_saved && cfa + (uint64_t)(int64_t)rule.rbp_off >= sp &&
		    read_word(stack, stack_len, lo, cfa + (uint64_t)(int64_t)rule.rbp_off, &new_bp)) {
			*end = PPM_UNWIND_TRUNCATED;
			return n;
		}
		if (ra == 0) {
			*end = PPM_UNWIND_COMPLETE;
			return n;
		}
		/* The stack only grows toward callers: anything else is garbage or a loop. */
		if (cfa <= sp) {
			*end = PPM_UNWIND_BAD;
			return n;
		}
		ip = ra;
		sp = cfa;
		bp = new_bp;
	}
	return n;
}
