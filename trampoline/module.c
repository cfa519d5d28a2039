/*
 * pyperfmap's trampoline: a PEP 523 eval-frame hook that runs every Python frame
 * through a stub of machine code owned by its code object, and names the stub in
 * /tmp/perf-PID.map. Python API: activate(), deactivate(), is_active().
 *
 * The call path, per Python call:
 *	hook(tstate, frame, throw)
 *	  -> stub = code->co_extra[index]          (made on the first call: arena + map line)
 *	  -> stub(tstate, frame, throw, prev_eval)  (machine code at the function's own address)
 *	       -> prev_eval(tstate, frame, throw)   (CPython's eval loop, or a hook we chain to)
 *
 * Anything that goes wrong makes the trampoline step aside with one warning: the
 * program always runs on (DESIGN.md, decision 4).
 */
#include <Python.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "core_access.h"
#include "jitdump.h"
#include "mapwriter.h"
#include "stub.h"

#if PY_VERSION_HEX >= 0x030b0000
typedef struct _PyInterpreterFrame ppm_frame;
#else
#include <frameobject.h>
typedef PyFrameObject ppm_frame;
#endif

#if PY_VERSION_HEX >= 0x030c0000
#define GET_EXTRA PyUnstable_Code_GetExtra
#define SET_EXTRA PyUnstable_Code_SetExtra
#define REQUEST_EXTRA PyUnstable_Eval_RequestCodeExtraIndex
#else
#define GET_EXTRA _PyCode_GetExtra
#define SET_EXTRA _PyCode_SetExtra
#define REQUEST_EXTRA _PyEval_RequestCodeExtraIndex
#endif

/* The layout of co_extra, private to CPython's codeobject.c since 3.6. */
typedef struct {
	Py_ssize_t ce_size;
	void *ce_extras[1];
} code_extra;

static Py_ssize_t extra_index = -1;
static int fast_extra;          /* the direct co_extra read agrees with the API */
static int active;
static int failed;              /* stepped aside after an error: no new stubs */
static int jitdump_on;          /* PYPERFMAP_JITDUMP=1: /tmp/jit-PID.dump too */
static int specialize;          /* PYPERFMAP_SPECIALIZE=1 (3.15+): see activate() */
static ppm_eval_fn prev_eval;   /* what the stubs call: CPython's loop or a chained hook */
static ppm_eval_fn saved_eval;  /* the slot's value before us, put back by deactivate() */
static unsigned long calls;     /* hook calls, for the batched map writer's clock */
static Py_ssize_t nr_stubs;

typedef PyObject *(*stub_fn)(void *, void *, long, ppm_eval_fn);

int ppm_trampoline_activate(void);
void ppm_trampoline_deactivate(void);

/* What every warning ends with: what the user gets when the trampoline steps aside. */
#define NOT_NAMED "Python functions will not be named (the program runs normally)"
#define NOT_NAMED_NOW \
	"Python functions first called from now on will not be named (the program runs normally)"

static int env_on(const char *name)
{
	const char *v = getenv(name);

	return v && !strcmp(v, "1");
}

static PyCodeObject *frame_code(ppm_frame *frame)
{
#if PY_VERSION_HEX >= 0x030b0000
	return (PyCodeObject *)ppm_frame_code(frame);
#else
	return frame->f_code;
#endif
}

static void *cached_stub(PyCodeObject *co)
{
	void *stub = NULL;

	if (fast_extra) {
		code_extra *ce = (code_extra *)co->co_extra;

		return ce && extra_index < ce->ce_size ? ce->ce_extras[extra_index] : NULL;
	}
	if (GET_EXTRA((PyObject *)co, extra_index, &stub) < 0) {
		PyErr_Clear();
		return NULL;
	}
	return stub;
}

static void step_aside(const char *what, int err)
{
	if (failed)
		return;
	failed = 1;
	fprintf(stderr, "pyperfmap: %s: %s: %s\n", what, strerror(err),
		nr_stubs ? NOT_NAMED_NOW : NOT_NAMED);
}

/*
 * The working directory when the trampoline was first switched on: a relative
 * co_filename (CPython 3.8's main script, a module found through a relative sys.path
 * entry) is named against it, so one script has one name on every version.
 */
static char start_cwd[4096];

static const char *absolute_file(const char *file, char *buf, size_t len)
{
	if (!*file || *file == '/' || *file == '<' || !start_cwd[0])
		return file;
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	if ((size_t)snprintf(buf, len, "%s/%s", start_cwd, file) >= len)
		return file;
	return buf;
}

/* A new stub for co, named in the perf map. NULL when that is not possible. */
static void *make_stub(PyCodeObject *co)
{
	const char *name, *file;
	char path[4352];
	void *stub;
	int err;

	if (failed || !active)
		return NULL;
#if PY_VERSION_HEX >= 0x030b0000
	name = PyUnicode_AsUTF8(co->co_qualname);
#else
	name = PyUnicode_AsUTF8(co->co_name);
#endif
	file = PyUnicode_AsUTF8(co->co_filename);
	if (!name || !file) {
		PyErr_Clear();
		return NULL;
	}
	file = absolute_file(file, path, sizeof(path));
	stub = ppm_arena_alloc_stub();
	if (!stub) {
		step_aside("cannot map memory for trampolines", errno);
		return NULL;
	}
	err = ppm_mapwriter_add((uintptr_t)stub, PPM_STUB_CODE_SIZE, name, file);
	if (err) {
		char what[128];

		snprintf(what, sizeof(what), "cannot write '%s'", ppm_mapwriter_path());
		step_aside(what, -err);
		return NULL;
	}
	if (SET_EXTRA((PyObject *)co, extra_index, stub) < 0) {
		PyErr_Clear();
		return NULL;
	}
	nr_stubs++;
	return stub;
}

#if PY_VERSION_HEX >= 0x03090000
static PyObject *hook(PyThreadState *ts, ppm_frame *frame, int throwflag)
#else
static PyObject *hook(ppm_frame *frame, int throwflag)
#define ts NULL
#endif
{
	PyCodeObject *co = frame_code(frame);
	void *stub;

#if PY_VERSION_HEX >= 0x030d0000
	if (!PyCode_Check((PyObject *)co))
		goto plain;
#endif
	stub = cached_stub(co);
	if (!stub) {
		stub = make_stub(co);
		if (!stub)
			goto plain;
	}
	/* Deactivated while another hook sits on top of ours: pass through. */
	if (!active)
		goto plain;
	/*
	 * The batched map lines reach the file within ~100 ms of the 1024th call after
	 * them: a profiler attaching to a long-running process finds them there (one
	 * coarse clock read per 1024 calls costs nothing measurable).
	 */
	if (!(++calls & 0x3ff))
		ppm_mapwriter_tick();
#if PY_VERSION_HEX >= 0x03090000
	return ((stub_fn)stub)(ts, frame, throwflag, prev_eval);
plain:
	return ((PyObject * (*)(PyThreadState *, ppm_frame *, int)) prev_eval)(ts, frame, throwflag);
#else
	return ((stub_fn)stub)(frame, (void *)(long)throwflag, 0, prev_eval);
plain:
	return ((PyObject * (*)(ppm_frame *, int)) prev_eval)(frame, throwflag);
#undef ts
#endif
}

/* Stubs outlive their code objects: nothing to free (DESIGN.md, decision 2). */
static void free_extra(void *extra)
{
	(void)extra;
}

/* Checks the direct co_extra read against the API on a live code object. */
static void check_fast_extra(void)
{
	PyObject *co = Py_CompileString("0", "<pyperfmap-check>", Py_eval_input);
	void *mark = (void *)&extra_index;

	fast_extra = 0;
	if (!co) {
		PyErr_Clear();
		return;
	}
	if (SET_EXTRA(co, extra_index, mark) == 0) {
		fast_extra = 1;
		fast_extra = cached_stub((PyCodeObject *)co) == mark;
		SET_EXTRA(co, extra_index, NULL);
	}
	PyErr_Clear();
	Py_DECREF(co);
}

/* CPython's own perf trampoline (3.12+): two writers would fight over one map. */
static int cpython_trampoline_active(void)
{
#if PY_VERSION_HEX >= 0x030c0000
	PyObject *sys = PyImport_ImportModule("sys"), *r;
	int on = 0;

	if (sys) {
		r = PyObject_CallMethod(sys, "is_stack_trampoline_active", NULL);
		on = r && PyObject_IsTrue(r) == 1;
		Py_XDECREF(r);
		Py_DECREF(sys);
	}
	PyErr_Clear();
	return on;
#else
	return 0;
#endif
}

/*
 * os._exit() skips atexit, and multiprocessing's forked workers leave through it:
 * the wrapper writes the batched map lines first, then calls the real one.
 */
static PyObject *real_os_exit;

static PyObject *exit_flushing(PyObject *self, PyObject *args)
{
	ppm_mapwriter_flush();
	return PyObject_Call(real_os_exit, args, NULL);
}

static PyMethodDef exit_def = { "_exit", exit_flushing, METH_VARARGS,
				"os._exit, writing pyperfmap's pending perf map lines first." };

static void wrap_os_exit(void)
{
	PyObject *os = PyImport_ImportModule("os"), *wrapper;

	if (!os) {
		PyErr_Clear();
		return;
	}
	real_os_exit = PyObject_GetAttrString(os, "_exit");
	wrapper = real_os_exit ? PyCFunction_New(&exit_def, NULL) : NULL;
	if (!wrapper || PyObject_SetAttrString(os, "_exit", wrapper) < 0)
		Py_CLEAR(real_os_exit);
	Py_XDECREF(wrapper);
	Py_DECREF(os);
	PyErr_Clear();
}

#if PY_VERSION_HEX >= 0x030f0000
/*
 * 3.15's sys.activate_stack_trampoline() no longer refuses while another eval hook is
 * set: it chains to it, so every frame would pass two stubs, both named, and show
 * twice in a stack. Asked for while ours is on, CPython's takes over: ours steps
 * aside first (and comes back if CPython's call fails).
 */
static PyObject *real_activate_st;

static PyObject *activate_st_taking_over(PyObject *self, PyObject *args, PyObject *kwargs)
{
	PyObject *r;
	int was_active = active;

	if (was_active)
		ppm_trampoline_deactivate();
	r = PyObject_Call(real_activate_st, args, kwargs);
	/* Silent when it works: the functions stay named, by CPython's trampoline now,
	 * and the program's stderr is its own (pyperfmap.is_active() tells). */
	if (!r && was_active) {
		PyObject *exc = PyErr_GetRaisedException();

		ppm_trampoline_activate();
		PyErr_SetRaisedException(exc);
	}
	return r;
}

static PyMethodDef activate_st_def = {
	"activate_stack_trampoline", (PyCFunction)(void (*)(void))activate_st_taking_over,
	METH_VARARGS | METH_KEYWORDS,
	"sys.activate_stack_trampoline, switching pyperfmap's trampoline off first."
};

static void wrap_activate_stack_trampoline(void)
{
	PyObject *sys = PyImport_ImportModule("sys"), *wrapper;

	if (!sys) {
		PyErr_Clear();
		return;
	}
	real_activate_st = PyObject_GetAttrString(sys, "activate_stack_trampoline");
	wrapper = real_activate_st ? PyCFunction_New(&activate_st_def, NULL) : NULL;
	if (!wrapper || PyObject_SetAttrString(sys, "activate_stack_trampoline", wrapper) < 0)
		Py_CLEAR(real_activate_st);
	Py_XDECREF(wrapper);
	Py_DECREF(sys);
	PyErr_Clear();
}
#endif

/* Returns 1 when active, 0 when it stepped aside (CPython's own trampoline is on, or
 * after an error, which it warned about), -1 on error. */
int ppm_trampoline_activate(void)
{
	ppm_eval_fn cur;

	if (active)
		return 1;
	if (failed)
		return 0;
	/*
	 * CPython's own trampoline names the functions: ours steps aside, silently, for
	 * nothing failed and the program's stderr is its own. pyperfmap record and exec
	 * say it once when the command asks for -X perf.
	 */
	if (cpython_trampoline_active())
		return 0;
	if (extra_index < 0) {
		extra_index = REQUEST_EXTRA(free_extra);
		if (extra_index < 0) {
			PyErr_Clear();
			fprintf(stderr, "pyperfmap: no code-object extra slot left: " NOT_NAMED "\n");
			failed = 1;
			return 0;
		}
#if PY_VERSION_HEX >= 0x030b0000
		if (ppm_check_frame_code() < 0) {
			fprintf(stderr, "pyperfmap: the trampoline built for Python " PY_VERSION
				" reads frames wrongly (another code object than CPython's "
				"accessor): " NOT_NAMED "\n");
			failed = 1;
			return 0;
		}
#endif
		check_fast_extra();
		if (!getcwd(start_cwd, sizeof(start_cwd)))
			start_cwd[0] = '\0';
		jitdump_on = env_on("PYPERFMAP_JITDUMP");
		specialize = env_on("PYPERFMAP_SPECIALIZE");
		/* perf inject maps each stub's ELF over the stub and its unwinding data:
		 * stubs spaced apart keep those mappings from overlapping one another */
		if (jitdump_on)
			ppm_arena_set_stride(PPM_STUB_SIZE + PPM_JITDUMP_UNWIND_SPAN);
		ppm_mapwriter_init(jitdump_on);
		wrap_os_exit();
#if PY_VERSION_HEX >= 0x030f0000
		wrap_activate_stack_trampoline();
#endif
	}
	cur = ppm_get_eval_frame();
	if (cur != (ppm_eval_fn)hook) {
		/* A debugger's or a library's hook stays in charge of evaluation: we chain to it. */
		saved_eval = cur;
		prev_eval = cur ? cur : ppm_default_eval_frame();
		ppm_set_eval_frame((ppm_eval_fn)hook);
		/*
		 * 3.15 can keep the specializer on under a hook (the setter above turns it
		 * off). Measured on 3.15.2, it gains nothing: every call still reaches the
		 * hook, and the cost is the hook's re-entry into the eval loop. So only on
		 * request, and never under a hook we chain to, which did not ask for it.
		 */
		if (specialize && !saved_eval)
			ppm_set_eval_frame_allow_specialization(1);
	}
	active = 1;
	return 1;
}

void ppm_trampoline_deactivate(void)
{
	if (!active)
		return;
	active = 0;
	/* Restore what was there, unless another hook has since put itself on top of us. */
	if (ppm_get_eval_frame() == (ppm_eval_fn)hook)
		ppm_set_eval_frame(saved_eval);
	ppm_mapwriter_flush();
}

static PyObject *py_activate(PyObject *self, PyObject *unused)
{
	int rc = ppm_trampoline_activate();

	if (rc < 0)
		return NULL;
	return PyBool_FromLong(rc);
}

static PyObject *py_deactivate(PyObject *self, PyObject *unused)
{
	ppm_trampoline_deactivate();
	Py_RETURN_NONE;
}

static PyObject *py_is_active(PyObject *self, PyObject *unused)
{
	return PyBool_FromLong(active && ppm_get_eval_frame() == (ppm_eval_fn)hook);
}

static PyObject *py_stats(PyObject *self, PyObject *unused)
{
	uint64_t lines, bytes;

	ppm_mapwriter_stats(&lines, &bytes);
	return Py_BuildValue("{s:n,s:K,s:K,s:n,s:i,s:s,s:z}", "stubs", nr_stubs,
			     "map_lines", (unsigned long long)lines, "map_bytes",
			     (unsigned long long)bytes, "arena_bytes",
			     (Py_ssize_t)ppm_arena_mapped(), "fast_extra", fast_extra,
			     "map_path", ppm_mapwriter_path(), "jitdump_path",
			     ppm_mapwriter_jitdump_path());
}

static PyObject *py_flush(PyObject *self, PyObject *unused)
{
	int err = ppm_mapwriter_flush();

	if (err) {
		errno = -err;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
	{ "activate", py_activate, METH_NOARGS,
	  "activate() -> bool\n\nGive every Python function called from now on its own "
	  "trampoline, named in /tmp/perf-PID.map. False when it stepped aside (a warning "
	  "says why)." },
	{ "deactivate", py_deactivate, METH_NOARGS,
	  "deactivate()\n\nStop making trampolines; functions on the stack run on safely." },
	{ "is_active", py_is_active, METH_NOARGS, "is_active() -> bool" },
	{ "flush", py_flush, METH_NOARGS, "flush()\n\nWrite pending perf map lines now." },
	{ "_stats", py_stats, METH_NOARGS, "Counters, for tests and benchmarks." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "pyperfmap",
	"pyperfmap's perf trampoline: per-function machine-code stubs for perf and pyperfmap.",
	-1, methods, NULL, NULL, NULL, NULL,
};

__attribute__((visibility("default"))) PyMODINIT_FUNC PyInit_pyperfmap(void)
{
	return PyModule_Create(&module);
}
