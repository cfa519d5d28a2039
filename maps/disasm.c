/* Instructions through capstone (see disasm.h). */
#include <capstone/capstone.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"

long ppm_disasm__x86_64(const unsigned char *code, size_t len, uint64_t address, size_t max,
			enum ppm_disasm_syntax syntax, struct ppm_insn **out)
{
	struct ppm_insn *v = NULL;
	cs_insn *insn = NULL;
	size_t n;
	csh cs;

	*out = NULL;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -ENOTSUP;
	if (syntax == PPM_DISASM_ATT)
		cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n = cs_disasm(cs, code, len, address, max, &insn);
	if (n) {
		v = calloc(n, sizeof(*v));
		for (size_t i = 0; v && i < n; i++) {
			v[i].address = insn[i].address;
			snprintf(v[i].mnemonic, sizeof(v[i].mnemonic), "%s", insn[i].mnemonic);
			snprintf(v[i].op_str, sizeof(v[i].op_str), "%s", insn[i].op_str);
		}
		cs_free(insn, n);
	}
	cs_close(&cs);
	if (n && !v)
		return -ENOMEM;
	*out = v;
	return (long)n;
}
