/*
 * PEP 768 remote execution from C. The protocol is CPython's "Remote debugging
 * attachment protocol" (Doc/howto/remote_debugging.rst): find _PyRuntime through the
 * .PyRuntime section of the executable or libpython, check the _Py_DebugOffsets at
 * its start, pick a thread state, then write debugger_script_path, set
 * debugger_pending_call and _PY_EVAL_PLEASE_STOP_BIT in eval_breaker. The target's
 * eval loop clears the pending flag, copies the path and runs the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../maps/elf_symbols.h"
#include "pyremote.h"
#include "pyremote_layout.h"

/*
 * Positions in _Py_DebugOffsets (see pyremote_layout.h). 3.14: the struct is 94
 * uint64_t after the cookie; 3.15 adds 3+4 thread_state fields, err_stackitem (1),
 * 2 type_object fields, heap_type_object (2), 1 unicode and 3 gc fields: 16 more.
 */
static const struct ppm_pyremote_layout layouts[] = {
	{
		.minor = 14, .size = 760,
		.runtime_size = 24, .runtime_finalizing = 32, .runtime_interpreters_head = 40,
		.interp_size = 48, .interp_id = 56, .interp_next = 64, .interp_threads_head = 72,
		.interp_threads_main = 80,
		.tstate_size = 176, .tstate_next = 192, .tstate_interp = 200,
		.eval_breaker = 712, .remote_debugger_support = 720, .remote_debugging_enabled = 728,
		.debugger_pending_call = 736, .debugger_script_path = 744,
		.debugger_script_path_size = 752,
		.please_stop_bit = 1u << 5,
	},
	{
		.minor = 15, .size = 888,
		.runtime_size = 24, .runtime_finalizing = 32, .runtime_interpreters_head = 40,
		.interp_size = 48, .interp_id = 56, .interp_next = 64, .interp_threads_head = 72,
		.interp_threads_main = 80,
		.tstate_size = 176, .tstate_next = 192, .tstate_interp = 200,
		.eval_breaker = 840, .remote_debugger_support = 848, .remote_debugging_enabled = 856,
		.debugger_pending_call = 864, .debugger_script_path = 872,
		.debugger_script_path_size = 880,
		.please_stop_bit = 1u << 5,
	},
};

#define COOKIE "xdebugpy"
#define MAX_DEBUG_OFFSETS 4096
/* Walk limits: a list longer than this is taken for garbage (or a loop). */
#define MAX_INTERPRETERS 4096
#define MAX_THREADS 65536

const struct ppm_pyremote_layout *ppm_pyremote__layout(int minor)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].minor == minor)
			return &layouts[i];
	return NULL;
}

struct target {
	pid_t pid;
	struct ppm_pyremote_info *info;
	char *why;
	size_t len;
	const struct ppm_pyremote_layout *lay;
	unsigned char off[MAX_DEBUG_OFFSETS]; /* the target's _Py_DebugOffsets */
	uint64_t bias, runtime, runtime_size;
	char elf_path[4200];                  /* where this process opens runtime_file */
	uint64_t interp, tstate, path_size;
	char ver[32];                         /* "3.14", for messages */
};

static int say(struct target *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(struct target *t, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->len)
		return err;
	n = snprintf(t->why, t->len, "process %d: ", (int)t->pid);
	if (n < 0 || (size_t)n >= t->len)
		return err;
	va_start(ap, fmt);
	vsnprintf(t->why + n, t->len - n, fmt, ap);
	va_end(ap);
	return err;
}

static uint64_t field(const struct target *t, uint32_t pos)
{
	uint64_t v;

	memcpy(&v, t->off + pos, sizeof(v));
	return v;
}

/* 1 when the process is gone for good (no /proc entry, or a zombie), else 0. */
static int has_exited(pid_t pid, int *zombie)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	*zombie = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	/* The state follows the command, which may itself hold ") ". */
	p = strrchr(buf, ')');
	if (p && (p[2] == 'Z' || p[2] == 'X')) {
		*zombie = 1;
		return 1;
	}
	return 0;
}

static int gone(struct target *t)
{
	int zombie;

	if (!has_exited(t->pid, &zombie))
		return 0;
	return zombie ? say(t, -ESRCH, "has exited (not yet reaped by its parent)")
		      : say(t, -ESRCH, "no such process");
}

/*
 * Access to another process's memory is the ptrace access check: CAP_SYS_PTRACE, or
 * the same user, narrowed by Yama's ptrace_scope where that module is on.
 */
static int denied(struct target *t, const char *what)
{
	char buf[16] = "";
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			scope = atoi(buf);
		fclose(f);
	}
	switch (scope) {
	case -1:
		return say(t, -EPERM, "not allowed to %s (needs CAP_SYS_PTRACE or to run as its user)", what);
	case 0:
		return say(t, -EPERM, "not allowed to %s (needs CAP_SYS_PTRACE or to run as its user; "
			   "kernel.yama.ptrace_scope is 0)", what);
	case 1:
		return say(t, -EPERM, "not allowed to %s (needs CAP_SYS_PTRACE; kernel.yama.ptrace_scope "
			   "is 1, so its own user may only as its ancestor)", what);
	case 3:
		return say(t, -EPERM, "not allowed to %s (kernel.yama.ptrace_scope is 3: not even "
			   "CAP_SYS_PTRACE allows it until reboot)", what);
	default:
		return say(t, -EPERM, "not allowed to %s (needs CAP_SYS_PTRACE; "
			   "kernel.yama.ptrace_scope is %d)", what, scope);
	}
}

/*
 * Turns a failed access to the target into the caller's error and line: its end
 * first (an exited process fails every way), then permission, then the access.
 */
static int access_error(struct target *t, int err, const char *what, uint64_t addr, int writing)
{
	int g = gone(t);

	if (g)
		return g;
	if (err == -EPERM || err == -EACCES)
		return denied(t, writing ? "write its memory" : "read its memory");
	if (err == -ESRCH)
		return say(t, -ESRCH, "no such process");
	return say(t, err, "cannot %s at 0x%llx: %s", what, (unsigned long long)addr, strerror(-err));
}

static int rd(struct target *t, uint64_t addr, void *buf, size_t n, const char *what)
{
	struct iovec local = { buf, n }, remote = { (void *)(uintptr_t)addr, n };
	ssize_t got = process_vm_readv(t->pid, &local, 1, &remote, 1, 0);

	if (got == (ssize_t)n)
		return 0;
	return access_error(t, got < 0 ? -errno : -EFAULT, what, addr, 0);
}

static int wr(struct target *t, uint64_t addr, const void *buf, size_t n, const char *what)
{
	struct iovec local = { (void *)buf, n }, remote = { (void *)(uintptr_t)addr, n };
	ssize_t put = process_vm_writev(t->pid, &local, 1, &remote, 1, 0);

	if (put == (ssize_t)n)
		return 0;
	return access_error(t, put < 0 ? -errno : -EFAULT, what, addr, 1);
}

static int rd_u64(struct target *t, uint64_t addr, uint64_t *v, const char *what)
{
	return rd(t, addr, v, sizeof(*v), what);
}

/*
 * A path this process can open for a file the target maps: the very inode through
 * map_files (right across mount namespaces and after the file is replaced; needs
 * privilege), then through the target's root, then as named. Only regular files:
 * opening a mapped device can have effects of its own.
 */
static int openable(struct target *t, unsigned long long start, unsigned long long end,
		    const char *path, char *out, size_t outlen)
{
	const char *tries[3];
	char a[96], b[4200];
	int fd;

	snprintf(a, sizeof(a), "/proc/%d/map_files/%llx-%llx", (int)t->pid, start, end);
	snprintf(b, sizeof(b), "/proc/%d/root%s", (int)t->pid, path);
	tries[0] = a;
	tries[1] = b;
	tries[2] = path;
	for (int i = 0; i < 3; i++) {
		struct stat st;

		if (stat(tries[i], &st) || !S_ISREG(st.st_mode))
			continue;
		fd = open(tries[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			snprintf(out, outlen, "%s", tries[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/* "3.9" from a name like libpython3.9.so.1.0 or python3.9, "" when it has none. */
static void version_from_name(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *p = strstr(base, "python3.");
	int minor;

	out[0] = '\0';
	if (p && sscanf(p + 8, "%d", &minor) == 1)
		snprintf(out, outlen, "3.%d", minor);
}

static int too_old(struct target *t, const char *ver)
{
	if (*ver)
		return say(t, -EPROTONOSUPPORT, "CPython %s has no remote activation (PEP 768 needs "
			   "CPython 3.14 or later)", ver);
	return say(t, -EPROTONOSUPPORT, "a CPython older than 3.13 has no remote activation "
		   "(PEP 768 needs CPython 3.14 or later)");
}

/*
 * A CPython before 3.10 has no .PyRuntime section, but its executable or libpython
 * exports _PyRuntime: say which version it is rather than "not a CPython".
 */
static int find_old_runtime(struct target *t, FILE *maps)
{
	char line[4600], seen[4096] = "", ver[16];

	rewind(maps);
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, pgoff;
		char path[4096] = "", real[4200];
		uint64_t vaddr, size;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095[^\n]", &start, &end, &pgoff, path) < 4 ||
		    path[0] != '/' || !strcmp(seen, path))
			continue;
		snprintf(seen, sizeof(seen), "%s", path);
		if (openable(t, start, end, path, real, sizeof(real)) ||
		    ppm_elf__object(real, "_PyRuntime", &vaddr, &size))
			continue;
		snprintf(t->info->runtime_file, sizeof(t->info->runtime_file), "%s", path);
		version_from_name(path, ver, sizeof(ver));
		if (*ver) {
			t->info->major = 3;
			t->info->minor = atoi(ver + 2);
		}
		return too_old(t, ver);
	}
	return say(t, -ENOENT, "not a CPython (no mapped file has a .PyRuntime section or a "
		   "_PyRuntime symbol)");
}

/* Sets t->runtime from the first mapped ELF file with a .PyRuntime section. */
static int find_runtime(struct target *t)
{
	char path[64], line[4600], seen[4096] = "";
	long page = sysconf(_SC_PAGESIZE);
	struct ppm_elf_info elf;
	uint64_t vaddr = 0, size = 0;
	int err, is_runtime = 0;
	FILE *maps;

	err = gone(t);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)t->pid);
	maps = fopen(path, "re");
	if (!maps) {
		err = -errno;
		if (err == -ENOENT || err == -ESRCH)
			return gone(t) ? gone(t) : say(t, -ESRCH, "no such process");
		if (err == -EPERM || err == -EACCES)
			return denied(t, "read its memory maps");
		return say(t, err, "cannot read %s: %s", path, strerror(-err));
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end, pgoff;
		char file[4096] = "";
		uint64_t map_vaddr;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095[^\n]", &start, &end, &pgoff, file) < 4 ||
		    file[0] != '/')
			continue;
		/* Mappings of one file are adjacent: each file is looked at once. */
		if (strcmp(seen, file)) {
			snprintf(seen, sizeof(seen), "%s", file);
			is_runtime = !openable(t, start, end, file, t->elf_path, sizeof(t->elf_path)) &&
				     !ppm_elf__section(t->elf_path, ".PyRuntime", &vaddr, &size) &&
				     !ppm_elf__read_info(t->elf_path, &elf);
		}
		/* Any of its mappings that names one segment gives the load bias. */
		if (!is_runtime || ppm_elf__mapping_vaddr(&elf, pgoff, (uint64_t)page, &map_vaddr))
			continue;
		t->bias = start - map_vaddr;
		t->runtime = t->bias + vaddr;
		t->runtime_size = size;
		snprintf(t->info->runtime_file, sizeof(t->info->runtime_file), "%s", file);
		fclose(maps);
		return 0;
	}
	err = find_old_runtime(t, maps);
	fclose(maps);
	/* An empty map is a process between exit and reaping, or a kernel thread. */
	return err == -ENOENT && gone(t) ? gone(t) : err;
}

/* The .PyRuntime of 3.10-3.12 has no _Py_DebugOffsets: name the version if we can. */
static int no_debug_offsets(struct target *t)
{
	uint64_t vaddr, size, hex;
	char ver[16];

	/* Py_Version (3.11+) holds PY_VERSION_HEX. */
	if (!ppm_elf__object(t->elf_path, "Py_Version", &vaddr, &size) &&
	    !rd_u64(t, t->bias + vaddr, &hex, "read Py_Version") && (hex >> 24) == 3) {
		t->info->major = 3;
		t->info->minor = (int)((hex >> 16) & 0xff);
		t->info->micro = (int)((hex >> 8) & 0xff);
		snprintf(ver, sizeof(ver), "3.%d", t->info->minor);
		return too_old(t, ver);
	}
	version_from_name(t->info->runtime_file, ver, sizeof(ver));
	if (*ver) {
		t->info->major = 3;
		t->info->minor = atoi(ver + 2);
	}
	return too_old(t, ver);
}

/* Reads and checks _Py_DebugOffsets: a version verified here, offsets that fit. */
static int read_debug_offsets(struct target *t)
{
	const struct ppm_pyremote_layout *lay;
	uint64_t hex, tsize, isize;
	int err, level;

	err = rd(t, t->runtime, t->off, 24, "read _PyRuntime");
	if (err)
		return err;
	if (memcmp(t->off, COOKIE, 8))
		return no_debug_offsets(t);
	hex = field(t, 8);
	t->info->major = (int)(hex >> 24);
	t->info->minor = (int)((hex >> 16) & 0xff);
	t->info->micro = (int)((hex >> 8) & 0xff);
	t->info->free_threaded = field(t, 16) != 0;
	level = (int)((hex >> 4) & 0xf);
	snprintf(t->ver, sizeof(t->ver), "%d.%d", t->info->major, t->info->minor);
	if (t->info->major != 3)
		return say(t, -EPROTONOSUPPORT, "_PyRuntime has an unknown version 0x%llx",
			   (unsigned long long)hex);
	if (t->info->minor < 14)
		return too_old(t, t->ver);
	lay = ppm_pyremote__layout(t->info->minor);
	if (!lay)
		return say(t, -EPROTONOSUPPORT, "CPython %s is newer than the layouts pyperfmap has "
			   "verified (3.14, 3.15)", t->ver);
	/* Layouts may change until the final release: only finals are verified. */
	if (level != 0xf)
		return say(t, -EPROTONOSUPPORT, "CPython %s.%d%s%d is a pre-release, whose layout "
			   "pyperfmap has not verified", t->ver, t->info->micro,
			   level == 0xa ? "a" : level == 0xb ? "b" : "rc", (int)(hex & 0xf));
	if (t->info->free_threaded)
		return say(t, -EPROTONOSUPPORT, "CPython %s is a free-threaded build, whose remote "
			   "activation pyperfmap has not verified", t->ver);
	if (t->runtime_size < lay->size)
		return say(t, -EPROTO, "CPython %s has a .PyRuntime of %llu bytes, smaller than its "
			   "_Py_DebugOffsets", t->ver, (unsigned long long)t->runtime_size);
	err = rd(t, t->runtime, t->off, lay->size, "read _Py_DebugOffsets");
	if (err)
		return err;
	if (memcmp(t->off, COOKIE, 8))
		return say(t, -ESRCH, "its _PyRuntime changed while being read (did it exec?)");
	t->lay = lay;

	/* Offsets past their struct mean a layout other than the one verified. */
	isize = field(t, lay->interp_size);
	tsize = field(t, lay->tstate_size);
	t->path_size = field(t, lay->debugger_script_path_size);
	const struct {
		uint64_t at, width, in;
		const char *name;
	} fits[] = {
		{ field(t, lay->runtime_finalizing), 8, field(t, lay->runtime_size), "runtime_state.finalizing" },
		{ field(t, lay->runtime_interpreters_head), 8, field(t, lay->runtime_size), "runtime_state.interpreters_head" },
		{ field(t, lay->interp_id), 8, isize, "interpreter_state.id" },
		{ field(t, lay->interp_next), 8, isize, "interpreter_state.next" },
		{ field(t, lay->interp_threads_head), 8, isize, "interpreter_state.threads_head" },
		{ field(t, lay->interp_threads_main), 8, isize, "interpreter_state.threads_main" },
		{ field(t, lay->remote_debugging_enabled), 4, isize, "debugger_support.remote_debugging_enabled" },
		{ field(t, lay->tstate_next), 8, tsize, "thread_state.next" },
		{ field(t, lay->tstate_interp), 8, tsize, "thread_state.interp" },
		{ field(t, lay->eval_breaker), 8, tsize, "debugger_support.eval_breaker" },
		{ field(t, lay->remote_debugger_support) + field(t, lay->debugger_pending_call), 4, tsize,
		  "debugger_support.debugger_pending_call" },
		{ field(t, lay->remote_debugger_support) + field(t, lay->debugger_script_path),
		  t->path_size, tsize, "debugger_support.debugger_script_path" },
	};
	if (isize > (1u << 24) || tsize > (1u << 24) || t->path_size < 2 || t->path_size > 65536)
		return say(t, -EPROTO, "CPython %s has implausible _Py_DebugOffsets (interpreter %llu, "
			   "thread %llu, script path %llu bytes)", t->ver, (unsigned long long)isize,
			   (unsigned long long)tsize, (unsigned long long)t->path_size);
	for (size_t i = 0; i < sizeof(fits) / sizeof(fits[0]); i++)
		if (fits[i].at + fits[i].width > fits[i].in || fits[i].at + fits[i].width < fits[i].at)
			return say(t, -EPROTO, "CPython %s has inconsistent _Py_DebugOffsets (%s at %llu, "
				   "past its %llu-byte struct)", t->ver, fits[i].name,
				   (unsigned long long)fits[i].at, (unsigned long long)fits[i].in);
	return 0;
}

/* The main interpreter: id 0 (the list is newest first, its head a subinterpreter). */
static int find_main_interpreter(struct target *t)
{
	const struct ppm_pyremote_layout *lay = t->lay;
	uint64_t interp, id, finalizing;
	int err;

	err = rd_u64(t, t->runtime + field(t, lay->runtime_finalizing), &finalizing,
		     "read _PyRuntime._finalizing");
	if (err)
		return err;
	if (finalizing)
		return say(t, -ESRCH, "CPython %s is shutting down", t->ver);
	err = rd_u64(t, t->runtime + field(t, lay->runtime_interpreters_head), &interp,
		     "read the interpreter list");
	for (int n = 0; !err && interp && n < MAX_INTERPRETERS; n++) {
		err = rd_u64(t, interp + field(t, lay->interp_id), &id, "read an interpreter's id");
		if (!err && id == 0) {
			t->interp = interp;
			return 0;
		}
		if (!err)
			err = rd_u64(t, interp + field(t, lay->interp_next), &interp,
				     "read the interpreter list");
	}
	if (err)
		return err;
	return say(t, -EAGAIN, "CPython %s has no main interpreter (starting up or shut down)", t->ver);
}

/*
 * Picks the thread state to signal, as sys.remote_exec does: the one running __main__
 * (interpreter_state.threads_main), so the script runs in the main thread (its
 * docstring's promise). Without one the interpreter is starting up or past __main__
 * (finalizing, when a script would find its modules torn down) or embedded, and no
 * thread is safe to pick. Counts the thread states on the way.
 */
static int find_thread(struct target *t)
{
	const struct ppm_pyremote_layout *lay = t->lay;
	uint64_t ts, owner;
	int32_t enabled;
	int err, n = 0;

	err = rd(t, t->interp + field(t, lay->remote_debugging_enabled), &enabled, sizeof(enabled),
		 "read the interpreter's config");
	if (!err)
		err = rd_u64(t, t->interp + field(t, lay->interp_threads_main), &t->tstate,
			     "read the main thread state");
	if (!err)
		err = rd_u64(t, t->interp + field(t, lay->interp_threads_head), &ts,
			     "read the thread list");
	while (!err && ts) {
		if (++n > MAX_THREADS)
			return say(t, -EPROTO, "CPython %s has a thread list longer than %d (a loop?)",
				   t->ver, MAX_THREADS);
		err = rd_u64(t, ts + field(t, lay->tstate_next), &ts, "read the thread list");
	}
	if (err)
		return err;
	t->info->threads = n;
	t->info->remote_debugging_enabled = enabled == 1;
	/* The config is only complete once __main__ runs: before that, 0 is no answer. */
	if (!t->tstate)
		return say(t, -EAGAIN, "CPython %s has no thread running __main__ (it is starting "
			   "up or shutting down, or embeds Python without one)", t->ver);
	if (enabled != 1)
		return say(t, -ENOTSUP, "CPython %s has remote debugging disabled "
			   "(PYTHON_DISABLE_REMOTE_DEBUG or -X disable-remote-debug)", t->ver);
	err = rd_u64(t, t->tstate + field(t, lay->tstate_interp), &owner, "read a thread state");
	if (err)
		return err;
	if (owner != t->interp)
		return say(t, -EPROTO, "CPython %s: its main thread state belongs to another "
			   "interpreter (0x%llx)", t->ver, (unsigned long long)owner);
	return 0;
}

static int probe(struct target *t)
{
	int err;

	memset(t->info, 0, sizeof(*t->info));
	if (t->len)
		t->why[0] = '\0';
	err = find_runtime(t);
	if (!err)
		err = read_debug_offsets(t);
	if (!err)
		err = find_main_interpreter(t);
	if (!err)
		err = find_thread(t);
	return err;
}

int ppm_pyremote__probe(pid_t pid, struct ppm_pyremote_info *info, char *why, size_t len)
{
	struct target *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return -ENOMEM;
	t->pid = pid;
	t->info = info;
	t->why = why;
	t->len = len;
	err = probe(t);
	free(t);
	return err;
}

static int script_error(char *why, size_t len, const char *path, int err)
{
	if (len)
		snprintf(why, len, "script '%s': %s", path, strerror(err));
	return -EINVAL;
}

/*
 * The writes, in the order that keeps the target consistent: the path, then the
 * pending flag (the target only reads the path after seeing the flag, and clears the
 * flag before copying it), then the eval-breaker bit that makes it look.
 */
static int plant(struct target *t, const char *path)
{
	const struct ppm_pyremote_layout *lay = t->lay;
	uint64_t support = t->tstate + field(t, lay->remote_debugger_support);
	uint64_t pending_at = support + field(t, lay->debugger_pending_call);
	uint64_t breaker_at = t->tstate + field(t, lay->eval_breaker);
	int32_t pending, one = 1, zero = 0;
	unsigned char low;
	int err;

	err = rd(t, pending_at, &pending, sizeof(pending), "read debugger_pending_call");
	if (err)
		return err;
	/* Overwriting the path of a request not yet run could tear it or run ours twice. */
	if (pending)
		return say(t, -EBUSY, "an earlier remote script request to its main thread has "
			   "not run yet");
	err = wr(t, support + field(t, lay->debugger_script_path), path, strlen(path) + 1,
		 "write debugger_script_path");
	if (!err)
		err = wr(t, pending_at, &one, sizeof(one), "write debugger_pending_call");
	if (err)
		return err;
	/*
	 * The target changes eval_breaker with atomic ORs and ANDs that this side cannot
	 * join: read-modify-write only its low byte, which holds the event bits
	 * (_PY_EVAL_EVENTS_BITS is 8; the instrumentation version above it is never
	 * rewritten here). A bit the target changes in that byte between the two calls
	 * can still be lost, as with sys.remote_exec's own whole-word write.
	 */
	_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "eval_breaker's low byte comes first");
	err = rd(t, breaker_at, &low, 1, "read eval_breaker");
	if (!err) {
		low |= (unsigned char)lay->please_stop_bit;
		err = wr(t, breaker_at, &low, 1, "write eval_breaker");
	}
	if (err) {
		/* Not left for whatever sets the breaker next to run unasked-for later. */
		wr(t, pending_at, &zero, sizeof(zero), "write debugger_pending_call");
		return err;
	}
	return 0;
}

int ppm_pyremote__exec(pid_t pid, const char *script_path, struct ppm_pyremote_info *info,
		       char *why, size_t len)
{
	char abs_path[PATH_MAX];
	struct target *t;
	struct stat st;
	int err;

	if (len)
		why[0] = '\0';
	memset(info, 0, sizeof(*info));
	if (!realpath(script_path, abs_path))
		return script_error(why, len, script_path, errno);
	if (stat(abs_path, &st))
		return script_error(why, len, script_path, errno);
	if (!S_ISREG(st.st_mode))
		return script_error(why, len, script_path, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->pid = pid;
	t->info = info;
	t->why = why;
	t->len = len;
	err = probe(t);
	if (!err && strlen(abs_path) + 1 > t->path_size) {
		if (len)
			snprintf(why, len, "script '%s': its path is longer than the %llu bytes CPython "
				 "%s takes", abs_path, (unsigned long long)t->path_size - 1, t->ver);
		err = -ENAMETOOLONG;
	}
	if (!err)
		err = plant(t, abs_path);
	free(t);
	return err;
}
