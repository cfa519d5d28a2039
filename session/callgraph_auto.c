/*
 * --call-graph auto: frame pointers when the build keeps them, DWARF otherwise. A
 * build that keeps frame pointers starts its functions with push %rbp; mov %rsp,%rbp,
 * so the question is answered by disassembling prologues with capstone: of the
 * interpreter loop (_PyEval_EvalFrameDefault, in the executable or its libpython), or
 * of main() for other programs, and of the other functions of that file. One
 * prologue is not enough: Debian's 3.14 sets up rbp in its eval loop alone, and a
 * stack walked by frame pointers stops at the first function that does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "../maps/disasm.h"
#include "../maps/elf_symbols.h"

/* 1: the code at buf sets up a frame pointer in its first instructions (-1: cannot tell). */
static int keeps_frame_pointer(const unsigned char *buf, size_t len)
{
	struct ppm_insn *insn;
	long n = ppm_disasm__x86_64(buf, len, 0, 12, PPM_DISASM_INTEL, &insn);
	int push = 0, yes = 0;

	if (n < 0)
		return -1;
	for (long i = 0; i < n && !yes; i++) {
		if (!strcmp(insn[i].mnemonic, "push") && !strcmp(insn[i].op_str, "rbp"))
			push = 1;
		else if (push && !strcmp(insn[i].mnemonic, "mov") && !strcmp(insn[i].op_str, "rbp, rsp"))
			yes = 1;
	}
	free(insn);
	return yes;
}

/* argv[0] as exec would find it; a "#!" script names its interpreter. */
static int resolve_program(const char *arg, char *out, size_t len)
{
	char line[512], *p, *cmd;
	FILE *f;

	if (strchr(arg, '/')) {
		snprintf(out, len, "%s", arg);
	} else {
		const char *path = getenv("PATH");
		char *copy = strdup(path ? path : "/usr/bin:/bin"), *save = NULL, *dir;
		int found = 0;

		for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
			snprintf(out, len, "%s/%s", dir, arg);
			found = access(out, X_OK) == 0;
		}
		free(copy);
		if (!found)
			return -ENOENT;
	}
	f = fopen(out, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "#!", 2)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	p = line + 2 + strspn(line + 2, " \t");
	cmd = strsep(&p, " \t");
	if (cmd && !strcmp(cmd, "/usr/bin/env") && p) {
		p += strspn(p, " \t");
		cmd = strsep(&p, " \t");
	}
	return cmd && *cmd ? resolve_program(cmd, out, len) : -ENOENT;
}

/* How many of a file's functions set up a frame pointer. */
struct fp_census {
	int with, total;
};

#define CENSUS_MAX 400

static int census_one(void *arg, const char *name, uint64_t size, const unsigned char *code,
		      size_t len)
{
	struct fp_census *c = arg;

	/* Leading underscores: compiler, libc start-up and internal helpers; tiny
	 * functions may need no frame at all. */
	if (name[0] == '_' || size < 32)
		return 0;
	c->total++;
	c->with += keeps_frame_pointer(code, len) > 0;
	return c->total >= CENSUS_MAX;
}

int ppm_callgraph__auto(const char *program, char *why, size_t len)
{
	char exe[4096], lib[4096];
	unsigned char code[64];
	const char *where = exe, *func = "_PyEval_EvalFrameDefault";
	struct fp_census census = { 0, 0 };
	int n, fp;

	if (resolve_program(program, exe, sizeof(exe))) {
		snprintf(why, len, "'%s' not found to inspect", program);
		return 0;
	}
	n = ppm_elf__function_code(exe, func, code, sizeof(code));
	if (n == -ENOENT && ppm_elf__find_needed(exe, "libpython", lib, sizeof(lib)) == 0) {
		where = lib;
		n = ppm_elf__function_code(lib, func, code, sizeof(code));
	}
	if (n == -ENOENT) {
		func = "main";
		where = exe;
		n = ppm_elf__function_code(exe, func, code, sizeof(code));
	}
	if (n <= 0) {
		snprintf(why, len, "%s has no symbol to inspect", exe);
		return 0;
	}
	fp = keeps_frame_pointer(code, (size_t)n) > 0;
	if (!fp) {
		snprintf(why, len, "%s in %s does not keep a frame pointer", func, where);
		return 0;
	}
	ppm_elf__each_function(where, census_one, &census);
	/* A file of a few functions (a test program, say) is judged by its main. */
	if (census.total < 10) {
		snprintf(why, len, "%s in %s keeps a frame pointer", func, where);
		return 1;
	}
	fp = census.with * 10 >= census.total * 6;
	if (fp)
		snprintf(why, len, "%s in %s keeps a frame pointer, and so do %d of %d other functions",
			 func, where, census.with, census.total);
	else
		snprintf(why, len, "%s in %s keeps a frame pointer, but only %d of %d other functions "
			 "do: the build omits them", func, where, census.with, census.total);
	return fp;
}
