/*
 * A stand-in for a debugger's or a library's PEP 523 hook, for the tests: it counts
 * the frames it evaluates. install(), uninstall(), count(), is_installed().
 */
#include <Python.h>

#include "../../trampoline/core_access.h"

#if PY_VERSION_HEX >= 0x030b0000
typedef struct _PyInterpreterFrame frame_t;
#else
#include <frameobject.h>
typedef PyFrameObject frame_t;
#endif

static ppm_eval_fn prev, saved;
static long frames;

#if PY_VERSION_HEX >= 0x03090000
static PyObject *counting(PyThreadState *ts, frame_t *f, int throwflag)
{
	frames++;
	return ((PyObject * (*)(PyThreadState *, frame_t *, int)) prev)(ts, f, throwflag);
}
#else
static PyObject *counting(frame_t *f, int throwflag)
{
	frames++;
	return ((PyObject * (*)(frame_t *, int)) prev)(f, throwflag);
}
#endif

static PyObject *install(PyObject *self, PyObject *unused)
{
	saved = ppm_get_eval_frame();
	prev = saved ? saved : ppm_default_eval_frame();
	ppm_set_eval_frame((ppm_eval_fn)counting);
	Py_RETURN_NONE;
}

static PyObject *uninstall(PyObject *self, PyObject *unused)
{
	ppm_set_eval_frame(saved);
	Py_RETURN_NONE;
}

static PyObject *count(PyObject *self, PyObject *unused)
{
	return PyLong_FromLong(frames);
}

static PyObject *is_installed(PyObject *self, PyObject *unused)
{
	return PyBool_FromLong(ppm_get_eval_frame() == (ppm_eval_fn)counting);
}

static PyMethodDef methods[] = {
	{ "install", install, METH_NOARGS, NULL },
	{ "uninstall", uninstall, METH_NOARGS, NULL },
	{ "count", count, METH_NOARGS, NULL },
	{ "is_installed", is_installed, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = { PyModuleDef_HEAD_INIT, "ppm_testhook", NULL, -1, methods,
				     NULL, NULL, NULL, NULL };

__attribute__((visibility("default"))) PyMODINIT_FUNC PyInit_ppm_testhook(void)
{
	return PyModule_Create(&module);
}
