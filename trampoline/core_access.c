/*
 * The only file that sees CPython's internal headers (Py_BUILD_CORE). It pins, at
 * build time, the struct offsets and tag bits the hook reads directly on the call
 * path, and reaches the interpreter's eval_frame slot on 3.8, which has no accessor.
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stddef.h>

#include "core_access.h"

#if PY_VERSION_HEX >= 0x030e0000
#include "internal/pycore_frame.h"
#include "internal/pycore_interpframe_structs.h"
#include "internal/pycore_stackref.h"
#ifdef Py_STACKREF_DEBUG
#error "Py_STACKREF_DEBUG builds keep stack references as table indexes: not supported"
#endif
_Static_assert(offsetof(struct _PyInterpreterFrame, f_executable) == PPM_FRAME_CODE_OFFSET,
	       "the code object's place in _PyInterpreterFrame moved");
_Static_assert(sizeof(_PyStackRef) == sizeof(uintptr_t), "_PyStackRef is no longer one word");
/* The bit PyStackRef_AsPyObjectBorrow() clears, and no other tag bit beside it. */
_Static_assert(Py_TAG_REFCNT == PPM_STACKREF_TAG, "the deferred-reference tag bit moved");
_Static_assert(Py_TAG_BITS == 3, "_PyStackRef has more tag bits than pyperfmap decodes");
#elif PY_VERSION_HEX >= 0x030b0000
#include "internal/pycore_frame.h"
#if PY_VERSION_HEX >= 0x030d0000
_Static_assert(offsetof(struct _PyInterpreterFrame, f_executable) == PPM_FRAME_CODE_OFFSET,
	       "the code object's place in _PyInterpreterFrame moved");
#else
_Static_assert(offsetof(struct _PyInterpreterFrame, f_code) == PPM_FRAME_CODE_OFFSET,
	       "the code object's place in _PyInterpreterFrame moved");
#endif
#endif

#if PY_VERSION_HEX >= 0x030b0000
int ppm_check_frame_code(void)
{
	PyFrameObject *f = PyEval_GetFrame();
	PyCodeObject *co;
	int same;

	if (!f)
		return 0;
	co = PyFrame_GetCode(f);
	same = ppm_frame_code(f->f_frame) == (PyObject *)co;
#if PY_VERSION_HEX >= 0x030e0000
	/* Both tag values, through CPython's own decoding. */
	for (uintptr_t tag = 0; tag <= Py_TAG_REFCNT; tag += Py_TAG_REFCNT) {
		_PyStackRef ref = { .bits = (uintptr_t)co | tag };

		same = same && PyStackRef_AsPyObjectBorrow(ref) ==
				       ppm_frame_code((struct _PyInterpreterFrame *)&ref);
	}
#endif
	Py_DECREF(co);
	return same ? 1 : -1;
}
#endif

/*
 * Up to 3.11 the raw slot is read and written, so deactivation puts back exactly
 * what was there (NULL included: 3.11 inlines Python-to-Python calls only while it
 * is NULL). From 3.12 the setter maps the default function to NULL itself and also
 * invalidates what the specializer cached, so the public calls are the right ones.
 */
#if PY_VERSION_HEX < 0x03090000
#include "internal/pycore_pystate.h"
#elif PY_VERSION_HEX < 0x030c0000
#include "internal/pycore_interp.h"
#endif

#if PY_VERSION_HEX < 0x030c0000
ppm_eval_fn ppm_get_eval_frame(void)
{
	return (ppm_eval_fn)PyThreadState_Get()->interp->eval_frame;
}

void ppm_set_eval_frame(ppm_eval_fn fn)
{
	PyThreadState_Get()->interp->eval_frame = (_PyFrameEvalFunction)fn;
}
#else
ppm_eval_fn ppm_get_eval_frame(void)
{
	return (ppm_eval_fn)_PyInterpreterState_GetEvalFrameFunc(PyThreadState_Get()->interp);
}

void ppm_set_eval_frame(ppm_eval_fn fn)
{
	_PyInterpreterState_SetEvalFrameFunc(PyThreadState_Get()->interp,
					     fn ? (_PyFrameEvalFunction)fn : _PyEval_EvalFrameDefault);
}
#endif

void ppm_set_eval_frame_allow_specialization(int allow)
{
#if PY_VERSION_HEX >= 0x030f0000
	_PyInterpreterState_SetEvalFrameAllowSpecialization(PyThreadState_Get()->interp, allow);
#else
	(void)allow;
#endif
}

ppm_eval_fn ppm_default_eval_frame(void)
{
	return (ppm_eval_fn)_PyEval_EvalFrameDefault;
}
