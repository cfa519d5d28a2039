/* The address-space model: overlapping maps, fork, exec, perf maps across fork. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/cpumap.h"
#include "../../maps/kallsyms.h"
#include "../../maps/machine.h"
#include "../../maps/symtab.h"

static const char map_1000[] = "7f0000001000 100 py::parent_func:/p.py\n"
			       "garbage line\n";
static const char map_1001[] = "7f0000002000 100 py::child_func:/c.py\n";

static void machine_overlapping_mmap_trims(void **state)
{
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;

	assert_int_equal(ppm_machine__mmap(m, 1, 0x1000, 0x9000, 0, "/big.so", 0), 0);
	/* A new mapping in the middle splits the old one in two. */
	assert_int_equal(ppm_machine__mmap(m, 1, 0x4000, 0x1000, 0, "/small.so", 0), 0);
	ppm_machine__resolve(m, 1, 0x2000, 0, &r);
	assert_string_equal(r.dso->short_name, "big.so");
	assert_int_equal(r.rel, 0x1000);
	ppm_machine__resolve(m, 1, 0x4800, 0, &r);
	assert_string_equal(r.dso->short_name, "small.so");
	ppm_machine__resolve(m, 1, 0x6000, 0, &r);
	assert_string_equal(r.dso->short_name, "big.so");
	assert_int_equal(r.rel, 0x5000); /* the right part keeps its file offset */
	ppm_machine__resolve(m, 1, 0xa000, 0, &r);
	assert_null(r.dso);
	ppm_machine__free(m);
}

static void machine_fork_inherits_and_exec_clears(void **state)
{
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;

	assert_int_equal(ppm_machine__comm(m, 10, 10, "parent", 1), 0);
	assert_int_equal(ppm_machine__mmap(m, 10, 0x1000, 0x1000, 0, "/lib.so", 0), 0);
	assert_int_equal(ppm_machine__fork(m, 11, 10, 11), 0);
	assert_string_equal(ppm_machine__comm_of(m, 11, 11), "parent");
	ppm_machine__resolve(m, 11, 0x1800, 0, &r);
	assert_non_null(r.dso);
	assert_int_equal(ppm_machine__comm(m, 11, 11, "child", 1), 0);
	ppm_machine__resolve(m, 11, 0x1800, 0, &r);
	assert_null(r.dso);
	assert_string_equal(ppm_machine__comm_of(m, 11, 11), "child");
	ppm_machine__resolve(m, 10, 0x1800, 0, &r);
	assert_non_null(r.dso);
	/* A thread takes its process's name; names are interned. */
	assert_int_equal(ppm_machine__fork(m, 10, 10, 12), 0);
	assert_ptr_equal(ppm_machine__comm_of(m, 10, 12), ppm_machine__comm_of(m, 10, 10));
	ppm_machine__free(m);
}

static void machine_perfmap_stub_inherited_across_fork(void **state)
{
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;

	ppm_machine__set_disk_perfmaps(m, 0);
	ppm_machine__add_perfmap_text(m, 1000, map_1000, strlen(map_1000));
	ppm_machine__add_perfmap_text(m, 1001, map_1001, strlen(map_1001));
	assert_int_equal(ppm_machine__mmap(m, 1000, 0x7f0000000000, 0x10000, 0, "//anon", 0), 0);
	assert_int_equal(ppm_machine__fork(m, 1001, 1000, 1001), 0);
	assert_int_equal(ppm_machine__mmap(m, 1001, 0x7f0000002000, 0x1000, 0, "//anon", 0), 0);
	/* The child's own stub: its own map. */
	ppm_machine__resolve(m, 1001, 0x7f0000002010, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "py::child_func:/c.py");
	/* A stub the child inherited: only the parent's map names it. */
	ppm_machine__resolve(m, 1001, 0x7f0000001010, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "py::parent_func:/p.py");
	assert_string_equal(r.dso->short_name, "perf-1000.map");
	ppm_machine__resolve(m, 1000, 0x7f0000003000, 0, &r);
	assert_null(r.sym);
	assert_int_equal(ppm_machine__stats(m)->perfmap_bad_lines, 1);
	ppm_machine__free(m);
}

/* Writes text into a new file named after the template path. */
static void write_temp(char *path, const char *text, size_t len)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Data symbols are not code: helper runs up to unused. */
static const char kallsyms_text[] = "ffffffff81000000 T _text\n"
				    "ffffffff81001000 T do_syscall_64\n"
				    "ffffffff81002000 t helper\n"
				    "ffffffff81003000 D some_data\n"
				    "ffffffff81003800 T unused\n"
				    "ffffffff81004000 T last\n"
				    "ffffffffc0000000 t mod_func\t[mymod]\n";

static void machine_kernel_symbols_from_file(void **state)
{
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;
	char path[] = "/tmp/ppm-kallsyms-XXXXXX";

	write_temp(path, kallsyms_text, sizeof(kallsyms_text) - 1);
	ppm_machine__set_kallsyms(m, path);
	ppm_machine__resolve(m, 1, 0xffffffff81001234, 1, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "do_syscall_64");
	assert_string_equal(r.dso->short_name, "[kernel.kallsyms]");
	ppm_machine__resolve(m, 1, 0xffffffffc0000010, 1, &r);
	assert_string_equal(r.sym->name, "mod_func");
	unlink(path);
	ppm_machine__free(m);
}

/*
 * The symbols embedded at record time must name every frame the report will look
 * up, including a return address at the very start of a function (looked up at
 * address - 1, in the function before it), and nothing else.
 */
static void kallsyms_subset_covers_return_addresses(void **state)
{
	struct ppm_symtab t = { 0 };
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;
	char path[] = "/tmp/ppm-kallsyms-XXXXXX";
	/* A return address at helper's first byte, one inside helper, one in last. */
	static const uint64_t ips[] = { 0xffffffff81002000, 0xffffffff81002010,
					0xffffffff81004100 };
	char *sub = NULL;
	size_t len = 0;
	FILE *out;

	write_temp(path, kallsyms_text, sizeof(kallsyms_text) - 1);
	assert_int_equal(ppm_kallsyms__load(&t, path), 0);
	unlink(path);
	out = open_memstream(&sub, &len);
	assert_non_null(out);
	assert_int_equal(ppm_kallsyms__write_subset(&t, ips, 3, out), 0);
	fclose(out);
	assert_string_equal(sub, "ffffffff81001000 1000 do_syscall_64\n"
				 "ffffffff81002000 1800 helper\n"
				 "ffffffff81004000 100000 last\n");
	ppm_machine__set_kernel_symbols(m, sub, len);
	ppm_machine__resolve(m, 1, 0xffffffff81002000 - 1, 1, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "do_syscall_64");
	ppm_machine__resolve(m, 1, 0xffffffff81004100 - 1, 1, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "last");
	ppm_machine__resolve(m, 1, 0xffffffff81003810, 1, &r); /* unused */
	assert_null(r.sym);
	free(sub);
	ppm_symtab__release(&t);
	ppm_machine__free(m);
}

/*
 * Reading only the symbols some addresses need names them as the whole table does:
 * aliases at one address, lines out of order (modules), the byte before a return
 * address, sizes up to the next symbol and at most 1 MiB.
 */
static const char kallsyms_mixed[] =
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 T startup_64\n"
	"ffffffff81000000 t __pfx_startup\n"
	"ffffffff81001000 T do_syscall_64\n"
	"ffffffff81001000 W __x64_sys_weak\n"
	"ffffffff81001800 d not_text\n"
	"ffffffff81002000 t helper\n"
	"ffffffffc0002000 t mod_func\t[mod]\n"
	"ffffffff81003000 T later_but_listed_after\n"
	"ffffffffc0001000 t mod_first\t[mod]\n"
	"ffffffff81004000 T last_core\n";

static void kallsyms_needed_names_as_whole(void **state)
{
	struct ppm_symtab whole = { 0 }, part = { 0 };
	char path[] = "/tmp/ppm-kallsyms-XXXXXX";
	static const uint64_t ips[] = { 0xffffffff81000010, 0xffffffff81001000, 0xffffffff81001900,
					0xffffffff81003004, 0xffffffff81104000, 0xffffffff81204000,
					0xffffffffc0001004, 0xffffffffc0002000 };
	size_t nr = sizeof(ips) / sizeof(ips[0]);

	(void)state;
	write_temp(path, kallsyms_mixed, sizeof(kallsyms_mixed) - 1);
	assert_int_equal(ppm_kallsyms__load(&whole, path), 0);
	assert_int_equal(ppm_kallsyms__load_needed(&part, path, ips, nr), 0);
	unlink(path);
	assert_true(part.nr < whole.nr);
	for (size_t i = 0; i < nr; i++) {
		for (int back = 0; back <= 1; back++) {
			const struct ppm_symbol *a = ppm_symtab__find(&whole, ips[i] - (uint64_t)back);
			const struct ppm_symbol *b = ppm_symtab__find(&part, ips[i] - (uint64_t)back);

			if (!a) {
				assert_null(b);
				continue;
			}
			assert_non_null(b);
			assert_string_equal(a->name, b->name);
			assert_int_equal(a->start, b->start);
			assert_int_equal(a->end, b->end);
		}
	}
	ppm_symtab__release(&whole);
	ppm_symtab__release(&part);
}

/* A live view: the perf map of a running process grows; what is appended is found. */
static void machine_perfmap_grows(void **state)
{
	struct ppm_machine *m = ppm_machine__new();
	pid_t pid = 990000 + (getpid() % 9000);
	char path[64];
	struct ppm_resolved r;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", pid);
	unlink(path);
	assert_int_equal(ppm_machine__mmap(m, pid, 0x7f0000000000, 0x10000, 0, "//anon", 0), 0);
	/* no map yet: nothing, and asked again once it exists */
	ppm_machine__resolve(m, pid, 0x7f0000000010, 0, &r);
	assert_null(r.sym);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("7f0000000000 20 py::first:/x.py\n", f);
	fflush(f);
	assert_true(ppm_machine__refresh_perfmaps(m) > 0);
	ppm_machine__resolve(m, pid, 0x7f0000000010, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "py::first:/x.py");
	/* appended, and a line not finished yet (left for the next refresh) */
	fputs("7f0000000100 20 py::second:/x.py\n7f0000000200 20 py::thi", f);
	fflush(f);
	ppm_machine__resolve(m, pid, 0x7f0000000110, 0, &r);
	assert_null(r.sym);
	assert_int_equal(ppm_machine__refresh_perfmaps(m), 1);
	ppm_machine__resolve(m, pid, 0x7f0000000110, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "py::second:/x.py");
	ppm_machine__resolve(m, pid, 0x7f0000000210, 0, &r);
	assert_null(r.sym);
	fputs("rd:/x.py\n", f);
	fclose(f);
	assert_int_equal(ppm_machine__refresh_perfmaps(m), 1);
	ppm_machine__resolve(m, pid, 0x7f0000000210, 0, &r);
	assert_non_null(r.sym);
	assert_string_equal(r.sym->name, "py::third:/x.py");
	/* the first symbol handed out did not move */
	ppm_machine__resolve(m, pid, 0x7f0000000010, 0, &r);
	assert_string_equal(r.sym->name, "py::first:/x.py");
	unlink(path);
	ppm_machine__free(m);
}

static void machine_hidden_kallsyms(void **state)
{
	struct ppm_machine *m = ppm_machine__new();
	struct ppm_resolved r;
	char path[] = "/tmp/ppm-kallsyms-XXXXXX";
	static const char text[] = "0000000000000000 T _text\n0000000000000000 T do_syscall_64\n";

	write_temp(path, text, sizeof(text) - 1);
	ppm_machine__set_kallsyms(m, path);
	ppm_machine__resolve(m, 1, 0xffffffff81001234, 1, &r);
	assert_null(r.sym);
	assert_true(ppm_machine__stats(m)->kernel_hidden);
	unlink(path);
	ppm_machine__free(m);
}

static void symtab_aliases_and_zero_sizes(void **state)
{
	struct ppm_symtab t = { 0 };

	ppm_symtab__add(&t, 0x100, 0x10, "local_alias", 11, 0);
	ppm_symtab__add(&t, 0x100, 0x10, "global_name", 11, 2);
	ppm_symtab__add(&t, 0x200, 0, "asm_no_size", 11, 2);
	ppm_symtab__add(&t, 0x300, 0x20, "next", 4, 2);
	ppm_symtab__finalize(&t, 0);
	assert_int_equal(t.nr, 3);
	assert_string_equal(ppm_symtab__find(&t, 0x105)->name, "global_name");
	assert_null(ppm_symtab__find(&t, 0x110));
	assert_string_equal(ppm_symtab__find(&t, 0x2ff)->name, "asm_no_size");
	assert_string_equal(ppm_symtab__find(&t, 0x300)->name, "next");
	assert_null(ppm_symtab__find(&t, 0x320));
	ppm_symtab__release(&t);
}

static void cpumap_lists(void **state)
{
	struct ppm_cpumap *m = ppm_cpumap__parse("0-3,5,7-8\n");
	static const char *bad[] = { "", "a", "3-1", "1,1", "0-", "-1", "1;2" };

	assert_non_null(m);
	assert_int_equal(m->nr, 7);
	assert_int_equal(m->cpus[4].cpu, 5);
	assert_int_equal(m->cpus[6].cpu, 8);
	ppm_cpumap__free(m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(ppm_cpumap__parse(bad[i]));
	m = ppm_cpumap__new_online();
	assert_non_null(m);
	assert_true(m->nr >= 1);
	ppm_cpumap__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(machine_overlapping_mmap_trims),
		cmocka_unit_test(machine_fork_inherits_and_exec_clears),
		cmocka_unit_test(machine_perfmap_stub_inherited_across_fork),
		cmocka_unit_test(machine_kernel_symbols_from_file),
		cmocka_unit_test(kallsyms_subset_covers_return_addresses),
		cmocka_unit_test(kallsyms_needed_names_as_whole),
		cmocka_unit_test(machine_perfmap_grows),
		cmocka_unit_test(machine_hidden_kallsyms),
		cmocka_unit_test(symtab_aliases_and_zero_sizes),
		cmocka_unit_test(cpumap_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
