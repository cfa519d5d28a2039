/* Encoding of jitdump records for the stubs (see jitdump.h). */
#include <string.h>

#include "jitdump.h"
#include "stub.h"

enum { JIT_CODE_LOAD = 0, JIT_CODE_UNWINDING_INFO = 4 };
#define JITDUMP_MAGIC 0x4A695444u  /* "JiTD" */
#define EM_X86_64 62

/*
 * The stub's call frame information, in .eh_frame form. A CIE: code alignment 1,
 * data alignment -8, return address in column 16 (rip), FDE addresses pc-relative
 * 4-byte; on entry CFA = rsp+8, rip at CFA-8. Then one FDE over the stub:
 *
 *	offset 0  push %rbp        after it: CFA = rsp+16, rbp saved at CFA-16
 *	offset 1  mov %rsp,%rbp    after it: CFA = rbp+16
 *	offset 4  call *%rcx
 *	offset 6  pop %rbp         after it: CFA = rsp+8, rbp restored
 *	offset 7  ret
 *
 * perf inject lays each stub out as [code, 8-aligned][.eh_frame][.eh_frame_hdr], so
 * the FDE's pc-relative start and the header's offsets are fixed distances.
 */
static const unsigned char cie[24] = {
	20, 0, 0, 0,             /* length */
	0, 0, 0, 0,              /* CIE id */
	1, 'z', 'R', 0,          /* version, augmentation "zR" */
	1, 0x78, 16,             /* code align 1, data align -8, return address column 16 */
	1, 0x1b,                 /* augmentation data: FDE pointers pcrel|sdata4 */
	0x0c, 7, 8,              /* DW_CFA_def_cfa rsp+8 */
	0x90, 1,                 /* DW_CFA_offset rip at CFA-8 */
	0, 0,                    /* DW_CFA_nop padding */
};
static const unsigned char fde_insns[] = {
	0x41,                    /* advance 1 */
	0x0e, 16,                /* DW_CFA_def_cfa_offset 16 */
	0x86, 2,                 /* DW_CFA_offset rbp at CFA-16 */
	0x43,                    /* advance 3 */
	0x0d, 6,                 /* DW_CFA_def_cfa_register rbp */
	0x43,                    /* advance 3 (past call and pop) */
	0x0c, 7, 8,              /* DW_CFA_def_cfa rsp+8 */
	0xc6,                    /* DW_CFA_restore rbp */
};
#define FDE_SIZE 32              /* 4 length + 4 CIE pointer + 4 start + 4 range + 1 aug + insns, padded */
#define EH_FRAME_SIZE (sizeof(cie) + FDE_SIZE)
#define EH_HDR_SIZE 20
#define UNWIND_SIZE (EH_FRAME_SIZE + EH_HDR_SIZE)
#define CODE_SPAN ((PPM_STUB_SIZE + 7) & ~7)

_Static_assert(PPM_STUB_SIZE - PPM_STUB_CODE_SIZE == sizeof(uint64_t), "the marker fills the padding");
_Static_assert(16 + 1 + sizeof(fde_insns) <= FDE_SIZE, "FDE instructions overflow");
_Static_assert(((UNWIND_SIZE + 15) & ~15) <= PPM_JITDUMP_UNWIND_SPAN, "unwind span too small");

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return p + 4;
}

static unsigned char *put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
	return p + 8;
}

size_t ppm_jitdump_header(unsigned char *out, uint32_t pid, uint64_t time_us)
{
	unsigned char *p = out;

	p = put32(p, JITDUMP_MAGIC);
	p = put32(p, 1);          /* version */
	p = put32(p, 40);         /* header size */
	p = put32(p, EM_X86_64);
	p = put32(p, 0);
	p = put32(p, pid);
	p = put64(p, time_us);
	p = put64(p, 0);          /* flags: timestamps are CLOCK_MONOTONIC, as perf record -k 1 */
	return (size_t)(p - out);
}

size_t ppm_jitdump_stub_room(size_t name_len)
{
	return 40 + ((UNWIND_SIZE + 7) & ~7u) + 56 + name_len + 1 + PPM_STUB_SIZE;
}

static unsigned char *put_unwind(unsigned char *p, uint64_t time_ns)
{
	size_t rec = 40 + ((UNWIND_SIZE + 7) & ~7u);
	unsigned char *eh = p + 40, *fde = eh + sizeof(cie), *hdr = eh + EH_FRAME_SIZE;

	memset(p, 0, rec);
	put32(p, JIT_CODE_UNWINDING_INFO);
	put32(p + 4, (uint32_t)rec);
	put64(p + 8, time_ns);
	put64(p + 16, UNWIND_SIZE);
	put64(p + 24, EH_HDR_SIZE);
	put64(p + 32, (UNWIND_SIZE + 15) & ~15u);   /* mapped size */
	memcpy(eh, cie, sizeof(cie));
	put32(fde, FDE_SIZE - 4);
	put32(fde + 4, (uint32_t)(fde + 4 - eh));   /* back to the CIE */
	/* start: pc-relative, from this field back to the code before .eh_frame */
	put32(fde + 8, (uint32_t)-(int32_t)(CODE_SPAN + (size_t)(fde + 8 - eh)));
	put32(fde + 12, PPM_STUB_SIZE);
	fde[16] = 0;                                 /* no augmentation data */
	memcpy(fde + 17, fde_insns, sizeof(fde_insns)); /* the rest stays DW_CFA_nop */
	hdr[0] = 1;                                  /* .eh_frame_hdr version */
	hdr[1] = 0x1b;                               /* eh_frame_ptr: pcrel|sdata4 */
	hdr[2] = 0x03;                               /* fde_count: udata4 */
	hdr[3] = 0x3b;                               /* table: datarel|sdata4 */
	put32(hdr + 4, (uint32_t)-(int32_t)(EH_FRAME_SIZE + 4));
	put32(hdr + 8, 1);
	put32(hdr + 12, (uint32_t)-(int32_t)(EH_FRAME_SIZE + CODE_SPAN)); /* the code */
	put32(hdr + 16, (uint32_t)-(int32_t)(EH_FRAME_SIZE - sizeof(cie))); /* the FDE */
	return p + rec;
}

size_t ppm_jitdump_stub(unsigned char *out, uint64_t addr, uint64_t index, uint64_t marker,
			uint32_t pid, uint32_t tid, uint64_t time_ns, const char *name,
			size_t name_len)
{
	unsigned char *p = put_unwind(out, time_ns);
	size_t size = 56 + name_len + 1 + PPM_STUB_SIZE;

	p = put32(p, JIT_CODE_LOAD);
	p = put32(p, (uint32_t)size);
	p = put64(p, time_ns);
	p = put32(p, pid);
	p = put32(p, tid);
	p = put64(p, addr);       /* vma */
	p = put64(p, addr);       /* code address */
	p = put64(p, PPM_STUB_SIZE);
	p = put64(p, index);
	memcpy(p, name, name_len);
	p[name_len] = '\0';
	p += name_len + 1;
	memcpy(p, ppm_stub_code, PPM_STUB_CODE_SIZE);
	memcpy(p + PPM_STUB_CODE_SIZE, &marker, PPM_STUB_SIZE - PPM_STUB_CODE_SIZE);
	p += PPM_STUB_SIZE;
	return (size_t)(p - out);
}
