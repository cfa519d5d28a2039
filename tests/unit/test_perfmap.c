/* Perf map parsing: a table of good and bad lines; a jitdump's names as a perf map. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../maps/jitdump.h"
#include "../../maps/perfmap.h"

struct lookup {
	uint64_t addr;
	const char *name; /* NULL: no symbol */
};

static const char good_and_bad[] =
	"7f0000001000 40 py::foo:/abs/path/script.py\n"
	"7f0000001040 40 py::with spaces:/a dir/my script.py\n"
	"0x7f0000001080 20 py::Klass.method:/x.py\n"         /* 0x tolerated */
	"7f00000010a0 10 name:with:many:colons\r\n"          /* CRLF */
	"zz00 10 bad_hex\n"
	"7f0000002000\n"                                     /* no size */
	"7f0000002000 10\n"                                  /* no name */
	"7f0000002000 0 zero_size\n"
	"fffffffffffffff0 100 overflows\n"
	"12345678901234567 10 too_many_digits\n"
	"\n"
	"7f0000003000 1000 last_line_no_newline";

static void perfmap_name_with_spaces(void **state)
{
	struct ppm_symtab t = { 0 };
	size_t bad = 0;
	static const struct lookup table[] = {
		{ 0x7f0000001000, "py::foo:/abs/path/script.py" },
		{ 0x7f000000103f, "py::foo:/abs/path/script.py" },
		{ 0x7f0000001040, "py::with spaces:/a dir/my script.py" },
		{ 0x7f0000001090, "py::Klass.method:/x.py" },
		{ 0x7f00000010a8, "name:with:many:colons" },
		{ 0x7f00000010b0, NULL },
		{ 0x7f0000002000, NULL },
		{ 0x7f0000003fff, "last_line_no_newline" },
		{ 0x7f0000004000, NULL },
	};

	assert_int_equal(ppm_perfmap__parse(&t, good_and_bad, strlen(good_and_bad), &bad), 0);
	ppm_symtab__finalize(&t, 0);
	assert_int_equal(t.nr, 5);
	assert_int_equal(bad, 6);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct ppm_symbol *s = ppm_symtab__find(&t, table[i].addr);

		if (!table[i].name) {
			assert_null(s);
			continue;
		}
		assert_non_null(s);
		assert_string_equal(s->name, table[i].name);
	}
	ppm_symtab__release(&t);
}

static void perfmap_refuses_symlink(void **state)
{
	char dir[] = "/tmp/ppm-test-XXXXXX", real[64], link[64];
	struct ppm_symtab t = { 0 };
	size_t bad;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(real, sizeof(real), "%s/real.map", dir);
	snprintf(link, sizeof(link), "%s/link.map", dir);
	f = fopen(real, "w");
	fputs("1000 10 sym\n", f);
	fclose(f);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(ppm_perfmap__load(&t, real, &bad), 0);
	assert_int_equal(t.nr, 1);
	assert_int_not_equal(ppm_perfmap__load(&t, link, &bad), 0);
	assert_int_equal(ppm_perfmap__load(&t, "/nonexistent/perf-1.map", &bad), -2);
	unlink(link);
	unlink(real);
	rmdir(dir);
	ppm_symtab__release(&t);
}

/* A JIT_CODE_LOAD record at off: header, pid/tid, vma, code_addr, size, index, name. */
static size_t code_load(unsigned char *buf, size_t off, uint64_t addr, uint64_t size,
			const char *name, uint32_t total_cut)
{
	size_t nlen = strlen(name) + 1;
	uint32_t h[6] = { 0, (uint32_t)(56 + nlen + size), 0, 0, 9, 9 };
	uint64_t v[4] = { addr, addr, size, 0 };

	if (total_cut)
		h[1] = total_cut;
	memcpy(buf + off, h, 24);
	memcpy(buf + off + 24, v, 32);
	memcpy(buf + off + 56, name, nlen);
	memset(buf + off + 56 + nlen, 0x90, size);
	return off + 56 + nlen + size;
}

static void jitdump_names_as_perfmap(void **state)
{
	unsigned char buf[1024];
	uint32_t hdr[10] = { 0x4A695444u, 1, 40, 62, 0, 9 };
	size_t off = 40, len, cut;
	char *text;

	(void)state;
	memcpy(buf, hdr, 40);
	off = code_load(buf, off, 0x7f0000001000, 12, "py::foo:/x.py", 0);
	off = code_load(buf, off, 0x7f0000001020, 12, "py::two\nlines:/y.py", 0);
	cut = off;
	off = code_load(buf, off, 0x7f0000001040, 12, "py::cut:/z.py", 4000); /* runs past the end */
	assert_int_equal(ppm_jitdump__perfmap_text(buf, off, &text, &len), 0);
	assert_non_null(text);
	assert_string_equal(text, "7f0000001000 c py::foo:/x.py\n7f0000001020 c py::two lines:/y.py\n");
	assert_int_equal(len, strlen(text));
	free(text);
	/* not a jitdump: the magic is checked */
	buf[0] ^= 1;
	assert_int_equal(ppm_jitdump__perfmap_text(buf, cut, &text, &len), -EINVAL);
	assert_int_equal(ppm_jitdump__perfmap_text(buf, 10, &text, &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(perfmap_name_with_spaces),
		cmocka_unit_test(perfmap_refuses_symlink),
		cmocka_unit_test(jitdump_names_as_perfmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
