/*
 * pyperfmap-python: CPython with the trampoline built in and switched on before the
 * main module runs. It takes every option python takes (they are parsed by CPython
 * itself), and works where the environment is ignored (-I, -E) or site is off (-S).
 */
#include <Python.h>
#include <stdio.h>

int ppm_trampoline_activate(void);
PyMODINIT_FUNC PyInit_pyperfmap(void);

int main(int argc, char **argv)
{
	PyStatus status;
	PyConfig config;

	/* `import pyperfmap` gives this built-in copy, whatever sys.path says. */
	if (PyImport_AppendInittab("pyperfmap", PyInit_pyperfmap) < 0) {
		fprintf(stderr, "pyperfmap-python: cannot register the trampoline module\n");
		return 1;
	}
	PyConfig_InitPythonConfig(&config);
	/*
	 * CPython finds its standard library from the program's path: name the real
	 * interpreter this launcher was built for, so sys.prefix and sys.executable are
	 * what they would be (child processes run that interpreter).
	 */
	status = PyConfig_SetBytesString(&config, &config.program_name, PPM_REAL_PYTHON);
	if (PyStatus_Exception(status))
		goto fail;
	status = PyConfig_SetBytesArgv(&config, argc, argv);
	if (PyStatus_Exception(status))
		goto fail;
	status = Py_InitializeFromConfig(&config);
	if (PyStatus_Exception(status))
		goto fail;
	PyConfig_Clear(&config);
	ppm_trampoline_activate();
	return Py_RunMain();
fail:
	PyConfig_Clear(&config);
	if (PyStatus_IsExit(status))
		return status.exitcode;
	Py_ExitStatusException(status);
}
