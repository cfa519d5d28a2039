/* What differs between CPython 3.8 and 3.13 for a PEP 523 hook, in one place. */
#ifndef PPM_TRAMPOLINE_CORE_ACCESS_H
#define PPM_TRAMPOLINE_CORE_ACCESS_H

#include <Python.h>

#ifdef Py_GIL_DISABLED
#error "free-threaded CPython is not supported: the stub cache relies on the GIL"
#endif
#if PY_VERSION_HEX < 0x03080000 || PY_VERSION_HEX >= 0x030e0000
#error "pyperfmap's trampoline supports CPython 3.8 to 3.13"
#endif

/*
 * The eval function, as a generic pointer. Its real type:
 *   3.8:        PyObject *(PyFrameObject *, int throwflag)
 *   3.9-3.10:   PyObject *(PyThreadState *, PyFrameObject *, int)
 *   3.11-3.13:  PyObject *(PyThreadState *, struct _PyInterpreterFrame *, int)
 */
typedef void (*ppm_eval_fn)(void);

/* The interpreter's eval slot as stored (NULL may mean "the default"). */
ppm_eval_fn ppm_get_eval_frame(void);
/* Stores fn; NULL restores the default. */
void ppm_set_eval_frame(ppm_eval_fn fn);
ppm_eval_fn ppm_default_eval_frame(void);

/*
 * Where the code object sits in an interpreter frame (3.11+): f_code (3.11: after
 * four pointers; 3.12: first) or f_executable (3.13: first). core_access.c checks
 * these against the internal headers at build time.
 */
#if PY_VERSION_HEX >= 0x030c0000
#define PPM_FRAME_CODE_OFFSET 0
#elif PY_VERSION_HEX >= 0x030b0000
#define PPM_FRAME_CODE_OFFSET (4 * sizeof(void *))
#endif

#endif
