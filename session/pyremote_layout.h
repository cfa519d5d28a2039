/*
 * Where _Py_DebugOffsets keeps each offset pyremote.c uses, per CPython minor version:
 * byte positions inside the struct (every field after the 8-byte cookie is a uint64_t),
 * counted from that version's Include/internal/pycore_debug_offsets.h. The struct
 * gained fields in 3.15 before debugger_support, so the positions differ.
 * tests/unit/test_pyremote_layout.c checks every one against the headers with
 * offsetof when the build finds them. Private to session/.
 */
#ifndef PPM_SESSION_PYREMOTE_LAYOUT_H
#define PPM_SESSION_PYREMOTE_LAYOUT_H

#include <stdint.h>

struct ppm_pyremote_layout {
	int minor;                      /* 3.minor */
	uint32_t size;                  /* sizeof(_Py_DebugOffsets) */
	uint32_t runtime_size, runtime_finalizing, runtime_interpreters_head;
	uint32_t interp_size, interp_id, interp_next, interp_threads_head, interp_threads_main;
	uint32_t tstate_size, tstate_next, tstate_interp;
	/* debugger_support */
	uint32_t eval_breaker, remote_debugger_support, remote_debugging_enabled;
	uint32_t debugger_pending_call, debugger_script_path, debugger_script_path_size;
	/* _PY_EVAL_PLEASE_STOP_BIT of Include/internal/pycore_ceval.h: not in the struct */
	uint32_t please_stop_bit;
};

/* The layout of CPython 3.minor, NULL when none is verified. */
const struct ppm_pyremote_layout *ppm_pyremote__layout(int minor);

#endif
