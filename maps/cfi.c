#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfi.h"
#include "elf_symbols.h"

struct ppm_cfi {
	int fd;
	Elf *elf;
	Dwarf *dwarf;          /* for .debug_frame, when there is no .eh_frame */
	char *copy;            /* an image read from memory (the vdso), kept while open */
	Dwarf_CFI *eh, *debug;
};

struct ppm_cfi *ppm_cfi__open(const char *path)
{
	struct ppm_cfi *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	if (ppm_elf__init())
		goto error;
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		goto error;
	c->elf = elf_begin(c->fd, ELF_C_READ_MMAP, NULL);
	if (!c->elf)
		goto error;
	c->eh = dwarf_getcfi_elf(c->elf);
	if (!c->eh) {
		c->dwarf = dwarf_begin_elf(c->elf, DWARF_C_READ, NULL);
		c->debug = c->dwarf ? dwarf_getcfi(c->dwarf) : NULL;
	}
	if (!c->eh && !c->debug) {
		errno = ENOENT;
		goto error;
	}
	return c;
error:
	ppm_cfi__close(c);
	return NULL;
}

struct ppm_cfi *ppm_cfi__open_mem(const void *image, size_t size)
{
	struct ppm_cfi *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	c->copy = malloc(size);
	if (!c->copy || ppm_elf__init())
		goto error;
	memcpy(c->copy, image, size);
	c->elf = elf_memory(c->copy, size);
	if (!c->elf)
		goto error;
	c->eh = dwarf_getcfi_elf(c->elf);
	if (!c->eh) {
		errno = ENOENT;
		goto error;
	}
	return c;
error:
	ppm_cfi__close(c);
	return NULL;
}

void ppm_cfi__close(struct ppm_cfi *c)
{
	if (!c)
		return;
	if (c->eh)
		dwarf_cfi_end(c->eh);
	if (c->dwarf)
		dwarf_end(c->dwarf);
	if (c->elf)
		elf_end(c->elf);
	if (c->fd >= 0)
		close(c->fd);
	free(c->copy);
	free(c);
}

/* "CFA = reg + off": DW_OP_bregN off, or DW_OP_bregx N off. */
static int cfa_of(const Dwarf_Op *ops, size_t n, uint8_t *reg, int32_t *off)
{
	if (n != 1)
		return -1;
	if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		*reg = (uint8_t)(ops[0].atom - DW_OP_breg0);
		*off = (int32_t)(int64_t)ops[0].number;
	} else if (ops[0].atom == DW_OP_bregx) {
		*reg = (uint8_t)ops[0].number;
		*off = (int32_t)(int64_t)ops[0].number2;
	} else {
		return -1;
	}
	return *reg == PPM_REG_RSP || *reg == PPM_REG_RBP ? 0 : -1;
}

/* "saved at CFA + off": DW_OP_call_frame_cfa, then DW_OP_plus_uconst or consts+plus. */
static int saved_at(const Dwarf_Op *ops, size_t n, int32_t *off)
{
	if (n == 1 && ops[0].atom == DW_OP_call_frame_cfa) {
		*off = 0;
		return 0;
	}
	if (n == 2 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom == DW_OP_plus_uconst) {
		*off = (int32_t)(int64_t)ops[1].number;
		return 0;
	}
	if (n == 3 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom == DW_OP_consts &&
	    ops[2].atom == DW_OP_plus) {
		*off = (int32_t)(int64_t)ops[1].number;
		return 0;
	}
	return -1;
}

void ppm_cfi__rule(struct ppm_cfi *c, uint64_t vaddr, struct ppm_cfi_rule *r)
{
	Dwarf_Frame *frame = NULL;
	Dwarf_Op mem[3], *ops;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->kind = PPM_CFI_NONE;
	if ((c->eh && dwarf_cfi_addrframe(c->eh, vaddr, &frame) == 0) ||
	    (c->debug && dwarf_cfi_addrframe(c->debug, vaddr, &frame) == 0)) {
		;
	} else {
		return;
	}
	if (dwarf_frame_register(frame, 16 /* return address */, mem, &ops, &n) != 0)
		goto out;
	if (n == 0 && ops == mem) {
		r->kind = PPM_CFI_OUTERMOST;
		goto out;
	}
	if (saved_at(ops, n, &r->ra_off))
		goto out;
	if (dwarf_frame_cfa(frame, &ops, &n) != 0)
		goto out;
	if (cfa_of(ops, n, &r->cfa_reg, &r->cfa_off)) {
		/* The one expression CFA common in code: the PLT's rsp + 8 + (pushed ? 8 : 0). */
		if (n > 1 && ops[0].atom == DW_OP_breg7 && ops[0].number == 8) {
			r->kind = PPM_CFI_PLT;
			r->ra_off = -8;
		}
		goto out;
	}
	if (dwarf_frame_register(frame, PPM_REG_RBP, mem, &ops, &n) != 0)
		goto out;
	if (n == 0) {
		r->rbp_saved = 0; /* same value (undefined rbp is treated alike) */
	} else if (saved_at(ops, n, &r->rbp_off) == 0) {
		r->rbp_saved = 1;
	} else {
		goto out;
	}
	r->kind = PPM_CFI_RULE;
out:
	free(frame);
}
