/* ELF symbols through libelf, at a load address other than the link address. */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../maps/elf_symbols.h"
#include "../../maps/machine.h"

static const struct ppm_symbol *by_name(const struct ppm_symtab *t, const char *name)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->syms[i].name, name))
			return &t->syms[i];
	return NULL;
}

static void elf_reads_symtab_and_loads(void **state)
{
	struct ppm_symtab t = { 0 };
	struct ppm_elf_info info;

	assert_int_equal(ppm_elf__load(FIXTURE_PATH, &t, &info), 0);
	ppm_symtab__finalize(&t, 0);
	assert_non_null(by_name(&t, "fixture_alpha"));
	assert_non_null(by_name(&t, "fixture_beta"));
	assert_true(info.nr_loads >= 2);
	assert_false(info.is_exec);
	assert_int_equal(info.build_id_size, 20);
	ppm_symtab__release(&t);
}

/* A label without a type names the code from it to the next symbol, as perf reads it. */
static void elf_code_label_runs_to_next_symbol(void **state)
{
	struct ppm_symtab t = { 0 };
	struct ppm_elf_info info;
	const struct ppm_symbol *label, *after, *found;

	(void)state;
	assert_int_equal(ppm_elf__load(FIXTURE_PATH, &t, &info), 0);
	ppm_symtab__finalize(&t, 0);
	label = by_name(&t, "fixture_label");
	after = by_name(&t, "fixture_after_label");
	assert_non_null(label);
	assert_non_null(after);
	assert_int_equal(label->end, after->start);
	found = ppm_symtab__find(&t, label->start + 3);
	assert_non_null(found);
	assert_string_equal(found->name, "fixture_label");
	/* data labels stay out: only code is named */
	assert_null(by_name(&t, "fixture_runtime"));
	ppm_symtab__release(&t);
}

/* Feed the machine the fixture's real mapping in this process and resolve through it. */
static void elf_nonzero_load_bias(void **state)
{
	void *h = dlopen(FIXTURE_PATH, RTLD_NOW);
	void *beta, *alpha;
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;
	char line[4096];
	FILE *maps;
	int mapped = 0;

	assert_non_null(h);
	beta = dlsym(h, "fixture_beta");
	alpha = dlsym(h, "fixture_alpha");
	assert_non_null(beta);
	maps = fopen("/proc/self/maps", "r");
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long s, e, off;
		char perms[8], path[4096] = "";

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095s", &s, &e, perms, &off, path) < 4)
			continue;
		if (perms[2] != 'x' || !strstr(path, "libppm_fixture"))
			continue;
		assert_int_equal(ppm_machine__mmap(m, 4242, s, e - s, off, path, 0), 0);
		mapped = 1;
	}
	fclose(maps);
	assert_true(mapped);
	/* The library is loaded far from its link address 0: a real load bias. */
	assert_true((uintptr_t)beta > 0x10000);
	ppm_machine__resolve(m, 4242, (uintptr_t)beta + 3, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "fixture_beta");
	ppm_machine__resolve(m, 4242, (uintptr_t)alpha, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "fixture_alpha");
	assert_string_equal(r.dso->short_name, "libppm_fixture.so");
	/* Another pid knows nothing of it. */
	ppm_machine__resolve(m, 4243, (uintptr_t)beta, 0, &r);
	assert_null(r.sym);
	ppm_machine__free(m);
	dlclose(h);
}

/*
 * A section's address in this process from the fixture's own mappings: every mapping
 * of the file that names one segment gives the same load bias (one mapped from the
 * page below its segment's offset too), and the object in the section is where dlsym
 * says. A page shared by two segments is not guessed at.
 */
static void elf_section_through_each_mapping(void **state)
{
	void *h = dlopen(FIXTURE_PATH, RTLD_NOW);
	uint64_t vaddr, size, ovaddr, osize, bias = 0;
	struct ppm_elf_info info;
	char line[4096];
	FILE *maps;
	int seen = 0;
	int *runtime;

	assert_non_null(h);
	runtime = dlsym(h, "fixture_runtime");
	assert_non_null(runtime);
	assert_int_equal(ppm_elf__section(FIXTURE_PATH, ".ppm_runtime", &vaddr, &size), 0);
	assert_true(size >= sizeof(int) * 64);
	assert_int_equal(ppm_elf__object(FIXTURE_PATH, "fixture_runtime", &ovaddr, &osize), 0);
	assert_int_equal(ovaddr, vaddr);
	assert_int_equal(osize, sizeof(int) * 64);
	assert_int_equal(ppm_elf__read_info(FIXTURE_PATH, &info), 0);
	maps = fopen("/proc/self/maps", "r");
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long s, e, off;
		char path[4096] = "";
		uint64_t start_vaddr;
		int err;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095s", &s, &e, &off, path) < 4 ||
		    !strstr(path, "libppm_fixture"))
			continue;
		err = ppm_elf__mapping_vaddr(&info, off, 4096, &start_vaddr);
		if (err == -ENOTUNIQ)
			continue;
		assert_int_equal(err, 0);
		if (seen++)
			assert_int_equal(s - start_vaddr, bias);
		bias = s - start_vaddr;
	}
	fclose(maps);
	assert_true(seen >= 2);
	assert_int_equal(bias + vaddr, (uintptr_t)runtime);
	assert_int_equal(*(int *)(uintptr_t)(bias + vaddr), 42);
	dlclose(h);
}

static void elf_section_and_object_missing(void **state)
{
	uint64_t v, n;

	assert_int_equal(ppm_elf__section(FIXTURE_PATH, ".PyRuntime", &v, &n), -2 /* ENOENT */);
	assert_int_equal(ppm_elf__object(FIXTURE_PATH, "_PyRuntime", &v, &n), -2);
	/* A function is not a data object. */
	assert_int_equal(ppm_elf__object(FIXTURE_PATH, "fixture_alpha", &v, &n), -2);
	assert_int_equal(ppm_elf__section("/proc/self/status", ".data", &v, &n), -8 /* ENOEXEC */);
	assert_int_equal(ppm_elf__section("/nonexistent/lib.so", ".data", &v, &n), -2);
}

static void elf_missing_file_is_an_error(void **state)
{
	struct ppm_symtab t = { 0 };
	struct ppm_elf_info info;

	assert_int_equal(ppm_elf__load("/nonexistent/lib.so", &t, &info), -2);
	assert_int_equal(ppm_elf__load("/proc/self/status", &t, &info), -8 /* ENOEXEC */);
	ppm_symtab__release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_reads_symtab_and_loads),
		cmocka_unit_test(elf_code_label_runs_to_next_symbol),
		cmocka_unit_test(elf_nonzero_load_bias),
		cmocka_unit_test(elf_section_through_each_mapping),
		cmocka_unit_test(elf_section_and_object_missing),
		cmocka_unit_test(elf_missing_file_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
