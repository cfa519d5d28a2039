#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "cfi.h"
#include "elf_symbols.h"
#include "unwind.h"
#include "../util/array.h"

/*
 * Trampoline stubs have no CFI but a fixed frame, so the unwinder recognizes them by
 * their code bytes, read once per address from the live process. Two shapes exist:
 *
 *   frame pointer: [endbr64] push %rbp; mov %rsp,%rbp; call *%rcx; pop %rbp; ret
 *     pyperfmap's stubs (16-byte slots, trampoline/stub.h) and CPython's -X perf and
 *     -X perf_jit stubs on builds that keep frame pointers (Debian's 3.14, 3.15);
 *   no frame pointer: [endbr64] sub $8,%rsp; call *%rcx; add $8,%rsp; ret
 *     CPython's stubs elsewhere (3.12 packs them 11 bytes apart, 3.13 16).
 *
 * Inside either, from the call on, CFA = rsp + 16 with the return address at
 * CFA - 8; the first shape keeps the caller's rbp at CFA - 16.
 */
const unsigned char ppm_stub_signature[8] = { 0x55, 0x48, 0x89, 0xe5, 0xff, 0xd1, 0x5d, 0xc3 };
static const unsigned char stub_noframe[11] = { 0x48, 0x83, 0xec, 0x08, 0xff, 0xd1,
						0x48, 0x83, 0xc4, 0x08, 0xc3 };
static const unsigned char endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };

enum stub_rule {
	STUB_NONE = 1,      /* not a stub (0 is an empty cache entry) */
	STUB_CFA8,          /* at the entry or the ret: CFA = rsp + 8 */
	STUB_CFA16,         /* CFA = rsp + 16 */
	STUB_CFA16_RBP,     /* CFA = rsp + 16, the caller's rbp at CFA - 16 */
};

struct rule_slot {
	const struct ppm_dso *dso;
	uint64_t vaddr;
	struct ppm_cfi_rule rule;
};

/* What the code at an address of anonymous memory is, asked once per address. */
struct stub_slot {
	uint64_t addr;     /* a return address, or a sampled ip | 1 << 63 */
	pid_t pid;
	int8_t rule;       /* enum stub_rule; 0: empty */
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
	for (size_t i = 0; i < u->cfis_nr; i++)
		if (u->cfis[i].dso == dso)
			return u->cfis[i].cfi;
	if (ppm_array__reserve((void **)&u->cfis, &u->cfis_cap, u->cfis_nr + 1, sizeof(*u->cfis)))
		return NULL;
	u->cfis[u->cfis_nr].dso = dso;
	if (dso->kind == PPM_DSO_VDSO) {
		/* the kernel's vdso is the same image in every process: read ours */
		const void *img = (const void *)getauxval(AT_SYSINFO_EHDR);
		size_t size = img ? ppm_elf__image_size(img) : 0;

		u->cfis[u->cfis_nr].cfi = size ? ppm_cfi__open_mem(img, size) : NULL;
	} else {
		u->cfis[u->cfis_nr].cfi = ppm_cfi__open(dso->file);
	}
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

/*
 * The rule inside a stub for a sampled ip: the stub is found among the bytes around
 * it (ip's page only: a stub that straddles a page is not recognized, which costs
 * that one rare sample its callers).
 */
static enum stub_rule leaf_rule(struct ppm_unwinder *u, pid_t pid, uint64_t ip)
{
	unsigned char code[40];
	uint64_t lo = ip - 16 > (ip & ~4095ULL) ? ip - 16 : ip & ~4095ULL;
	uint64_t hi = ip + 16 < (ip | 4095) + 1 ? ip + 16 : (ip | 4095) + 1;

	if (ip < 16 || !u->read_code || u->read_code(u->ctx, pid, lo, code, (size_t)(hi - lo)))
		return STUB_NONE;
	for (uint64_t s = lo; s <= ip; s++) {
		const unsigned char *p = code + (s - lo);
		size_t avail = (size_t)(hi - s), e = 0;
		uint64_t o;

		if (avail >= 4 && !memcmp(p, endbr64, 4))
			e = 4;
		o = ip - s;
		/* o: ip's offset in the stub; only instruction starts count */
		if (avail >= e + 8 && !memcmp(p + e, ppm_stub_signature, 8) && o < e + 8) {
			if (o <= e || o == e + 7)          /* endbr64, push, ret */
				return STUB_CFA8;
			if (o == e + 1 || o == e + 4 || o == e + 6) /* mov, call, pop */
				return STUB_CFA16_RBP;
		}
		if (avail >= e + 11 && !memcmp(p + e, stub_noframe, 11) && o < e + 11) {
			if (o <= e || o == e + 10)         /* endbr64, sub, ret */
				return STUB_CFA8;
			if (o == e + 4 || o == e + 6)      /* call, add */
				return STUB_CFA16;
		}
	}
	return STUB_NONE;
}

/* The rule for a return address into a stub: the 6 bytes before it end in the call. */
static enum stub_rule return_rule(struct ppm_unwinder *u, pid_t pid, uint64_t ra)
{
	unsigned char code[6];

	if (ra < 6 || !u->read_code || u->read_code(u->ctx, pid, ra - 6, code, sizeof(code)))
		return STUB_NONE;
	if (!memcmp(code, ppm_stub_signature, 6))
		return STUB_CFA16_RBP;
	if (!memcmp(code, stub_noframe, 6))
		return STUB_CFA16;
	return STUB_NONE;
}

/* The stub rule at a sampled ip (leaf) or a return address, cached per address. */
static enum stub_rule stub_rule(struct ppm_unwinder *u, pid_t pid, uint64_t addr, int leaf)
{
	uint64_t key = leaf ? addr | 1ULL << 63 : addr;
	size_t i;

	if ((u->stubs_nr + 1) * 2 > u->stubs_cap) {
		size_t cap = u->stubs_cap ? u->stubs_cap * 2 : 1024;
		struct stub_slot *s = calloc(cap, sizeof(*s));

		if (!s)
			return STUB_NONE;
		for (size_t k = 0; k < u->stubs_cap; k++) {
			if (!u->stubs[k].rule)
				continue;
			i = mix(u->stubs[k].addr, (uint64_t)u->stubs[k].pid) & (cap - 1);
			while (s[i].rule)
				i = (i + 1) & (cap - 1);
			s[i] = u->stubs[k];
		}
		free(u->stubs);
		u->stubs = s;
		u->stubs_cap = cap;
	}
	for (i = mix(key, (uint64_t)pid) & (u->stubs_cap - 1); u->stubs[i].rule;
	     i = (i + 1) & (u->stubs_cap - 1))
		if (u->stubs[i].addr == key && u->stubs[i].pid == pid)
			return (enum stub_rule)u->stubs[i].rule;
	u->stubs[i].addr = key;
	u->stubs[i].pid = pid;
	u->stubs[i].rule = (int8_t)(leaf ? leaf_rule(u, pid, addr) : return_rule(u, pid, addr));
	u->stubs_nr++;
	return (enum stub_rule)u->stubs[i].rule;
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
		uint64_t pc = n ? ip - 1 : ip, cfa, ra, new_bp = bp, off;
		struct ppm_dso *dso;
		struct ppm_cfi_rule rule;

		ips[n++] = ip;
		if (ppm_machine__find_map(u->m, pid, pc, &dso, &off) || !dso) {
			*end = PPM_UNWIND_NO_CFI;
			return n;
		}
		if (dso->kind == PPM_DSO_ANON) {
			enum stub_rule sr = stub_rule(u, pid, ip, n == 1);

			if (sr == STUB_NONE) {
				*end = PPM_UNWIND_NO_CFI;
				return n;
			}
			memset(&rule, 0, sizeof(rule));
			rule.kind = PPM_CFI_RULE;
			rule.cfa_reg = PPM_REG_RSP;
			rule.ra_off = -8;
			rule.cfa_off = sr == STUB_CFA8 ? 8 : 16;
			if (sr == STUB_CFA16_RBP) {
				rule.rbp_saved = 1;
				rule.rbp_off = -16;
			}
		} else {
			uint64_t vaddr = off;
			const struct ppm_cfi_rule *r;

			if ((dso->kind != PPM_DSO_ELF && dso->kind != PPM_DSO_VDSO) ||
			    ppm_dso__file_vaddr(dso, off, &vaddr)) {
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
