/*
 * session/pyremote.c's table of _Py_DebugOffsets positions against the struct in one
 * CPython's own headers (built once per 3.14+ version found, with its include dir):
 * the table is what lets pyremote read a target without this CPython's headers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define Py_BUILD_CORE 1
#define _Py_NONSTRING
#include "internal/pycore_debug_offsets.h"

#include "../../session/pyremote_layout.h"

#define AT(f) offsetof(_Py_DebugOffsets, f)

static void pyremote_layout_matches_headers(void **state)
{
	const struct ppm_pyremote_layout *l = ppm_pyremote__layout(PPM_LAYOUT_MINOR);

	assert_non_null(l);
	assert_int_equal(l->size, sizeof(_Py_DebugOffsets));
	assert_int_equal(AT(version), 8);
	assert_int_equal(AT(free_threaded), 16);
	assert_int_equal(l->runtime_size, AT(runtime_state.size));
	assert_int_equal(l->runtime_finalizing, AT(runtime_state.finalizing));
	assert_int_equal(l->runtime_interpreters_head, AT(runtime_state.interpreters_head));
	assert_int_equal(l->interp_size, AT(interpreter_state.size));
	assert_int_equal(l->interp_id, AT(interpreter_state.id));
	assert_int_equal(l->interp_next, AT(interpreter_state.next));
	assert_int_equal(l->interp_threads_head, AT(interpreter_state.threads_head));
	assert_int_equal(l->interp_threads_main, AT(interpreter_state.threads_main));
	assert_int_equal(l->tstate_size, AT(thread_state.size));
	assert_int_equal(l->tstate_next, AT(thread_state.next));
	assert_int_equal(l->tstate_interp, AT(thread_state.interp));
	assert_int_equal(l->eval_breaker, AT(debugger_support.eval_breaker));
	assert_int_equal(l->remote_debugger_support, AT(debugger_support.remote_debugger_support));
	assert_int_equal(l->remote_debugging_enabled, AT(debugger_support.remote_debugging_enabled));
	assert_int_equal(l->debugger_pending_call, AT(debugger_support.debugger_pending_call));
	assert_int_equal(l->debugger_script_path, AT(debugger_support.debugger_script_path));
	assert_int_equal(l->debugger_script_path_size, AT(debugger_support.debugger_script_path_size));
}

/* pycore_ceval.h's values, which cmake read out of the header (it cannot be included
 * alone): the bit, and the byte that pyremote rewrites holding every event bit. */
static void pyremote_layout_stop_bit_in_low_byte(void **state)
{
	const struct ppm_pyremote_layout *l = ppm_pyremote__layout(PPM_LAYOUT_MINOR);

	assert_int_equal(l->please_stop_bit, HDR_PLEASE_STOP_BIT);
	assert_true(HDR_EVENTS_BITS <= 8);
}

static void pyremote_layout_unverified_versions(void **state)
{
	assert_null(ppm_pyremote__layout(13));
	assert_null(ppm_pyremote__layout(16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pyremote_layout_matches_headers),
		cmocka_unit_test(pyremote_layout_stop_bit_in_low_byte),
		cmocka_unit_test(pyremote_layout_unverified_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
