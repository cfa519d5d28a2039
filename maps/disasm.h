/*
 * x86-64 machine code as instructions, for annotate and for --call-graph auto's
 * look at prologues. The one file that includes capstone.
 */
#ifndef PPM_DISASM_H
#define PPM_DISASM_H

#include <stddef.h>
#include <stdint.h>

struct ppm_insn {
	uint64_t address;
	char mnemonic[32];
	char op_str[160];
};

enum ppm_disasm_syntax { PPM_DISASM_INTEL, PPM_DISASM_ATT };

/*
 * The instructions of code (len bytes, the first at address), at most max of them
 * (0: all), into *out (free() it). The number decoded (0 when the first byte is no
 * instruction), or -ENOMEM, or -ENOTSUP when capstone cannot decode x86-64.
 */
long ppm_disasm__x86_64(const unsigned char *code, size_t len, uint64_t address, size_t max,
			enum ppm_disasm_syntax syntax, struct ppm_insn **out);

#endif
