/*
 * PEP 768 remote execution: asks a running CPython 3.14+ to run a Python script at
 * its next eval-breaker check, as sys.remote_exec(pid, path) does, from C and from
 * any interpreter version (or none) on this side. Only the target's memory is used
 * (process_vm_readv/writev); nothing is stopped, injected or ptrace-attached.
 *
 * Usage:
 *	struct ppm_pyremote_info info;
 *	char why[512];
 *	int err = ppm_pyremote__exec(pid, "/abs/or/relative/script.py", &info, why, sizeof(why));
 *	if (err)
 *		... why is one line: "process 42: not a CPython (...)"
 *
 * The script runs later, asynchronously, in the target's main thread; the caller keeps
 * the file in place until it has seen the script's effect.
 */
#ifndef PPM_SESSION_PYREMOTE_H
#define PPM_SESSION_PYREMOTE_H

#include <stddef.h>
#include <sys/types.h>

/* What ppm_pyremote__probe/exec learned about a process (as far as they got). */
struct ppm_pyremote_info {
	int major, minor, micro;     /* the target's CPython version (from _Py_DebugOffsets) */
	int free_threaded;
	int remote_debugging_enabled;
	int threads;                 /* thread states seen */
	char runtime_file[4096];     /* the ELF that holds .PyRuntime (executable or libpython) */
};

/*
 * Is pid a CPython that can be asked to run a script (3.14+, remote debugging on)?
 * 0 or -errno, *why filled (one line, no trailing period) on failure:
 *   -ESRCH            no such process, it has exited, or its CPython is shutting down
 *   -EPERM            not allowed to read its memory (CAP_SYS_PTRACE, ptrace_scope)
 *   -ENOENT           not a CPython
 *   -EPROTONOSUPPORT  a CPython without a layout verified here: before 3.14, newer
 *                     than 3.15, a pre-release, or free-threaded
 *   -ENOTSUP          remote debugging disabled in the target
 *   -EAGAIN           no main interpreter, or no thread running __main__ (starting
 *                     up, shutting down, embedded)
 *   -EPROTO           its _Py_DebugOffsets are inconsistent
 *   -EFAULT, ...      a read failed for another reason
 */
int ppm_pyremote__probe(pid_t pid, struct ppm_pyremote_info *info, char *why, size_t len);

/*
 * Asks pid to run the Python script at script_path at its next eval-breaker check, as
 * sys.remote_exec(pid, path) does. 0 when the request is planted; -errno and *why
 * otherwise: those of ppm_pyremote__probe, and
 *   -EINVAL           script_path is not an existing regular file (made absolute here,
 *                     since the target opens it from its own working directory)
 *   -ENAMETOOLONG     its absolute path does not fit the target's buffer
 *   -EBUSY            an earlier request to that thread has not run yet
 */
int ppm_pyremote__exec(pid_t pid, const char *script_path, struct ppm_pyremote_info *info,
		       char *why, size_t len);

#endif
