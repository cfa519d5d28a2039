/* What differs between CPython 3.8 and 3.15 for a PEP 523 hook, in one place. */
#ifndef PPM_TRAMPOLINE_CORE_ACCESS_H
#define PPM_TRAMPOLINE_CORE_ACCESS_H

#include <Python.h>

#ifdef Py_GIL_DISABLED
#error "free-threaded CPython is not supported: the stub cache relies on the GIL"
#endif
#if PY_VERSION_HEX < 0x03080000 || PY_VERSION_HEX >= 0x03100000
#error "pyperfmap's trampoline supports CPython 3.8 to 3.15"
#endif
#include <stdint.h>

/*
 * The eval function, as a generic pointer. Its real type:
 *   3.8:        PyObject *(PyFrameObject *, int throwflag)
 *   3.9-3.10:   PyObject *(PyThreadState *, PyFrameObject *, int)
 *   3.11-3.15:  PyObject *(PyThreadState *, struct _PyInterpreterFrame *, int)
 */
typedef void (*ppm_eval_fn)(void);

/* The interpreter's eval slot as stored (NULL may mean "the default"). */
ppm_eval_fn ppm_get_eval_frame(void);
/* Stores fn; NULL restores the default. */
void ppm_set_eval_frame(ppm_eval_fn fn);
ppm_eval_fn ppm_default_eval_frame(void);

/*
 * 3.15 lets a hook keep the specializer on (_PyInterpreterState_SetEvalFrameAllowSpecialization,
 * gh-146031); _PyInterpreterState_SetEvalFrameFunc() turns it off again, so this is
 * called after ppm_set_eval_frame(). No-op before 3.15.
 */
void ppm_set_eval_frame_allow_specialization(int allow);

/*
 * Where the code object sits in an interpreter frame (3.11+): f_code (3.11: after
 * four pointers; 3.12: first) or f_executable (3.13+: first). From 3.14 f_executable
 * is a _PyStackRef: the object's address with Py_TAG_REFCNT (bit 0) set when the
 * reference is deferred or immortal; CPython's PyStackRef_AsPyObjectBorrow() clears
 * that bit in the GIL builds of 3.14 and 3.15 (3.15 gives the other tag values to
 * tagged ints and invalid refs, which f_executable never holds). core_access.c checks
 * these against the internal headers at build time, and ppm_check_frame_code() on a
 * live frame at activation.
 */
#if PY_VERSION_HEX >= 0x030c0000
#define PPM_FRAME_CODE_OFFSET 0
#elif PY_VERSION_HEX >= 0x030b0000
#define PPM_FRAME_CODE_OFFSET (4 * sizeof(void *))
#endif
#if PY_VERSION_HEX >= 0x030e0000
#define PPM_STACKREF_TAG ((uintptr_t)1)
#else
#define PPM_STACKREF_TAG ((uintptr_t)0)
#endif

#if PY_VERSION_HEX >= 0x030b0000
struct _PyInterpreterFrame;

/* The frame's code object (or, 3.13+, whatever else f_executable holds), borrowed. */
static inline PyObject *ppm_frame_code(struct _PyInterpreterFrame *frame)
{
	uintptr_t bits = *(uintptr_t *)((char *)frame + PPM_FRAME_CODE_OFFSET);

	return (PyObject *)(bits & ~PPM_STACKREF_TAG);
}

/*
 * ppm_frame_code() against CPython's own accessor on the caller's frame: 1 when they
 * agree, 0 when there is no Python frame to check, -1 when they differ.
 */
int ppm_check_frame_code(void);
#endif

#endif
