/*
 * Call-frame information (.eh_frame, else .debug_frame) through elfutils libdw,
 * reduced to the rule an x86-64 unwinder needs at one address.
 */
#ifndef PPM_CFI_H
#define PPM_CFI_H

#include <stddef.h>
#include <stdint.h>

enum { PPM_REG_RBP = 6, PPM_REG_RSP = 7 };

enum ppm_cfi_kind {
	PPM_CFI_NONE,      /* no CFI covers the address */
	PPM_CFI_RULE,      /* CFA = reg + off, RA and maybe rbp saved at CFA offsets */
	PPM_CFI_OUTERMOST, /* the return address is undefined: the stack's first frame */
	PPM_CFI_PLT,       /* a PLT entry: CFA = rsp + 8, or + 16 past its push */
};

struct ppm_cfi_rule {
	uint8_t kind;
	uint8_t cfa_reg;     /* PPM_REG_RSP or PPM_REG_RBP */
	uint8_t rbp_saved;   /* 1: the caller's rbp is at CFA + rbp_off; 0: unchanged */
	int32_t cfa_off;
	int32_t rbp_off;
	int32_t ra_off;
};

struct ppm_cfi;

/* Opens the CFI of an ELF file; NULL (errno set) when it has none. */
struct ppm_cfi *ppm_cfi__open(const char *path);
/* The CFI of an ELF image in memory (this kernel's vdso, which is every process's). */
struct ppm_cfi *ppm_cfi__open_mem(const void *image, size_t size);
void ppm_cfi__close(struct ppm_cfi *cfi);
/* The rule at an ELF virtual address. */
void ppm_cfi__rule(struct ppm_cfi *cfi, uint64_t vaddr, struct ppm_cfi_rule *rule);

#endif
