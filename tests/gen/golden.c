/*
 * The golden recording (perfgen_golden): a small service as pyperfmap would record
 * it with call graphs, made of every kind of frame the report names, so that the
 * expected outputs under tests/golden/ cover each rule:
 *
 *   pid 1000 "golden-app": /opt/ppm-golden/bin/python3.99 (its eval loop is the glue
 *     folded between Python frames), /opt/ppm-golden/lib/libnative.so (a C
 *     extension), anonymous memory with the trampoline's stubs (named by an embedded
 *     perf map), kernel frames (named by the embedded kernel symbols);
 *   tid 1001 of it, renamed "worker";
 *   pid 1002 forked from it, naming the stubs it inherited by the parent's map and
 *     one of its own by its own map;
 *   frames that resolve to nothing: an address between two symbols, an address in
 *     no mapping, and a stack that ends in 0 (the unwinder could not finish);
 *   losses the report must count: a PERF_RECORD_LOST of 7 samples, two throttles.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "perfgen.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define PY_BASE 0x555555554000ULL
#define LIB_BASE 0x7f3a11200000ULL
#define STUB_BASE 0x7f3a10000000ULL
#define KBASE 0xffffffff81000000ULL

static const struct perfgen_func py_funcs[] = {
	{ "_start", 64 },  { "main", 64 },	  { "Py_RunMain", 128 },
	{ "_PyEval_EvalFrameDefault", 1024 },	  { "_PyFunction_Vectorcall", 128 },
	{ "PyObject_Call", 128 },		  { "_PyObject_Malloc", 256 },
};
enum { PY_START, PY_MAIN, PY_RUNMAIN, PY_EVAL, PY_VCALL, PY_CALL, PY_MALLOC };

static const struct perfgen_func lib_funcs[] = {
	{ "native_checksum", 256 }, { "native_compress", 512 }, { "native_read", 64 },
	{ NULL, 64 } /* code without a symbol */, { "native_last", 64 },
};
enum { LIB_CHECKSUM, LIB_COMPRESS, LIB_READ, LIB_GAP, LIB_LAST };

/* Stubs, 16 bytes apart; the map names each (and the child's map one more). */
enum { S_MODULE, S_MAIN, S_HANDLE, S_PARSE, S_TOKEN, S_COMPUTE, S_CHILD };
static const char perfmap_parent[] =
	"7f3a10000000 10 py::<module>:/srv/app.py\n"
	"7f3a10000010 10 py::main:/srv/app.py\n"
	"7f3a10000020 10 py::Handler.handle:/srv/app.py\n"
	"7f3a10000030 10 py::parse:/srv/lib/parse.py\n"
	"7f3a10000040 10 py::Parser.token:/srv/lib/parse.py\n"
	"7f3a10000050 10 py::compute:/srv/app.py\n";
static const char perfmap_child[] = "7f3a10000060 10 py::child_work:/srv/app.py\n";

static const char ksyms[] =
	"ffffffff81000100 80 entry_SYSCALL_64\n"
	"ffffffff81000200 100 do_syscall_64\n"
	"ffffffff81000300 80 __x64_sys_read\n"
	"ffffffff81000400 100 vfs_read\n"
	"ffffffff81000500 40 asm_exc_page_fault\n"
	"ffffffff81000600 80 exc_page_fault\n"
	"ffffffff81000700 100 handle_mm_fault\n"
	"ffffffff81000800 40 clear_page_erms\n";
enum { K_ENTRY, K_SYSCALL, K_READ, K_VFS, K_ASM_PF, K_PF, K_MM, K_CLEAR };

static uint64_t py(int f, unsigned off) { return PY_BASE + perfgen_elf_addr(py_funcs, (size_t)f) + off; }
static uint64_t lib(int f, unsigned off) { return LIB_BASE + perfgen_elf_addr(lib_funcs, (size_t)f) + off; }
static uint64_t stub(int s) { return STUB_BASE + 16 * (uint64_t)s + 5; /* after the call */ }
static uint64_t kern(int k, unsigned off) { return KBASE + 0x100 * (uint64_t)(k + 1) + off; }

/* The user stack of Python frames outer..inner (root first), leaf first, under ip. */
static size_t python_stack(uint64_t *out, uint64_t ip, const int *py_frames, size_t n, unsigned v)
{
	size_t k = 0;

	out[k++] = ip;
	for (size_t i = n; i-- > 0;) {
		/* each Python frame: its stub's return address, then the eval loop that called it */
		out[k++] = stub(py_frames[i]);
		out[k++] = py(PY_EVAL, 0x40 + 0x10 * ((unsigned)i + v) % 0x300);
	}
	out[k++] = py(PY_RUNMAIN, 0x20);
	out[k++] = py(PY_MAIN, 0x10);
	out[k++] = py(PY_START, 0x08);
	return k;
}

static int golden_binaries(const char *dir)
{
	char path[4096];
	int err;
	const char *const dirs[] = { "", "/opt", "/opt/ppm-golden", "/opt/ppm-golden/bin",
				     "/opt/ppm-golden/lib" };
	for (size_t i = 0; i < NELEM(dirs); i++) {
		snprintf(path, sizeof(path), "%s/root%s", dir, dirs[i]);
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
	}
	snprintf(path, sizeof(path), "%s/root/opt/ppm-golden/bin/python3.99", dir);
	err = perfgen_elf(path, py_funcs, NELEM(py_funcs));
	snprintf(path, sizeof(path), "%s/root/opt/ppm-golden/lib/libnative.so", dir);
	return err ? err : perfgen_elf(path, lib_funcs, NELEM(lib_funcs));
}

int perfgen_golden(const char *dir)
{
	static const struct perfgen_event ev = { "cpu-clock", PERF_TYPE_SOFTWARE,
						 PERF_COUNT_SW_CPU_CLOCK, 0, false };
	static const int app[] = { S_MODULE, S_MAIN, S_HANDLE };
	char path[4096];
	struct perfgen *g;
	int fd, err = golden_binaries(dir);

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/golden.data", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	g = perfgen__new(fd, &ev, 1, PERFGEN_CALLCHAIN | PERFGEN_CPU, 2);
	if (!g) {
		close(fd);
		return -errno;
	}
	perfgen__set_clock(g, 5000000, 1000);
	err = perfgen__comm(g, 1000, 1000, "golden-app", true);
	err = err ? err : perfgen__mmap(g, 1000, PY_BASE, 0x2000, 0, "/opt/ppm-golden/bin/python3.99");
	err = err ? err : perfgen__mmap(g, 1000, LIB_BASE, 0x2000, 0, "/opt/ppm-golden/lib/libnative.so");
	err = err ? err : perfgen__mmap(g, 1000, STUB_BASE, 0x100000, 0, "//anon");
	err = err ? err : perfgen__fork(g, 1000, 1000, 1001, 1000);
	err = err ? err : perfgen__comm(g, 1000, 1001, "worker", false);
	err = err ? err : perfgen__fork(g, 1002, 1000, 1002, 1000);
	for (unsigned i = 0; i < 200 && !err; i++) {
		uint64_t user[64], kernel[8];
		int frames[8];
		size_t nu = 0, nk = 0, nf = 0;
		unsigned kind = (i * 7) % 20, v = i % 5;
		struct perfgen_sample s = { .pid = 1000, .tid = 1000, .cpu = i % 2,
					    .period = 240000 + (i * 7919) % 20000 };

		memcpy(frames, app, sizeof(app));
		nf = NELEM(app);
		if (kind < 6) {            /* compute(): the eval loop's own work, in Python */
			frames[nf++] = S_COMPUTE;
			nu = python_stack(user, py(PY_EVAL, 0x100 + 8 * v), frames, nf, v);
		} else if (kind < 9) {     /* compute() allocating: a native leaf in the interpreter */
			frames[nf++] = S_COMPUTE;
			nu = python_stack(user, py(PY_MALLOC, 0x30 + v), frames, nf, v);
		} else if (kind < 12) {    /* parse -> Parser.token -> a C extension */
			frames[nf++] = S_PARSE;
			frames[nf++] = S_TOKEN;
			nu = python_stack(user + 1, py(PY_CALL, 0x40), frames, nf, v) + 1;
			user[0] = lib(kind == 11 ? LIB_COMPRESS : LIB_CHECKSUM, 0x20 + 4 * v);
		} else if (kind < 14) {    /* a read() syscall from the extension */
			frames[nf++] = S_PARSE;
			nu = python_stack(user + 1, py(PY_CALL, 0x48), frames, nf, v) + 1;
			user[0] = lib(LIB_READ, 0x10);
			kernel[nk++] = kern(kind == 12 ? K_VFS : K_READ, 0x20);
			if (kind == 12)
				kernel[nk++] = kern(K_READ, 0x30);
			kernel[nk++] = kern(K_SYSCALL, 0x40);
			kernel[nk++] = kern(K_ENTRY, 0x50);
		} else if (kind == 14) {   /* a page fault in compute */
			frames[nf++] = S_COMPUTE;
			nu = python_stack(user, py(PY_EVAL, 0x200), frames, nf, v);
			kernel[nk++] = kern(K_CLEAR, 0x10);
			kernel[nk++] = kern(K_MM, 0x60);
			kernel[nk++] = kern(K_PF, 0x30);
			kernel[nk++] = kern(K_ASM_PF, 0x20);
		} else if (kind == 15) {   /* the worker thread */
			s.tid = 1001;
			frames[1] = S_TOKEN;
			nf = 2;
			nu = python_stack(user, py(PY_EVAL, 0x180), frames, nf, v);
		} else if (kind == 16) {   /* the forked child: inherited stubs and its own */
			s.pid = s.tid = 1002;
			frames[nf++] = S_CHILD;
			nu = python_stack(user, py(PY_EVAL, 0x140), frames, nf, v);
		} else if (kind == 17) {   /* no symbol: between two functions, and in no mapping */
			frames[nf++] = S_PARSE;
			nu = python_stack(user + 2, py(PY_CALL, 0x50), frames, nf, v) + 2;
			user[0] = lib(LIB_GAP, 0x10 + v);     /* between two symbols */
			user[1] = 0x7f3a12345678ULL;          /* in no mapping */
		} else {                   /* stacks the unwinder could not finish: end in 0 */
			nu = 0;
			user[nu++] = lib(LIB_CHECKSUM, 0x40);
			user[nu++] = stub(S_TOKEN);
			user[nu++] = py(PY_EVAL, 0x90);
			user[nu++] = 0;
		}
		s.user = user;
		s.nr_user = nu;
		s.kernel = kernel;
		s.nr_kernel = nk;
		err = perfgen__sample(g, &s);
		if (!err && (i == 50 || i == 150))
			err = perfgen__throttle(g);
		if (!err && i == 100)
			err = perfgen__lost(g, 7);
	}
	err = err ? err : perfgen__perfmap(g, 1000, perfmap_parent);
	err = err ? err : perfgen__perfmap(g, 1002, perfmap_child);
	err = err ? err : perfgen__ksyms(g, ksyms);
	err = err ? err : perfgen__finish(g);
	perfgen__free(g);
	if (close(fd) && !err)
		err = -errno;
	return err;
}
