/*
 * stat's arithmetic and layout where this machine cannot produce the case: counts
 * scaled after multiplexing (software events are never multiplexed), hardware
 * ratios (no PMU here), the spread of -r runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../report/metrics.h"
#include "../../report/stat_out.h"

static void test_scaling(void **state)
{
	(void)state;
	assert_float_equal(ppm_stat__scaled(1000, 100, 100), 1000.0, 1e-9);
	/* On the PMU a quarter of the time: four times the count seen. */
	assert_float_equal(ppm_stat__scaled(1000, 400, 100), 4000.0, 1e-9);
	assert_float_equal(ppm_stat__scaled(1000, 400, 0), 0.0, 1e-9);
	assert_float_equal(ppm_stat__scaled(0, 400, 200), 0.0, 1e-9);
}

static void test_spread(void **state)
{
	double x[4] = { 10, 12, 14, 16 }, spread;
	double mean = ppm_stat__mean(x, 4, &spread);

	(void)state;
	assert_float_equal(mean, 13.0, 1e-9);
	/* sample stddev sqrt(20/3) = 2.582, of the mean / sqrt(4) = 1.291, of 13 = 9.93% */
	assert_float_equal(spread, 9.93, 0.01);
	ppm_stat__mean(x, 1, &spread);
	assert_float_equal(spread, 0.0, 1e-9);
}

static char *render(const struct stat_value *v, int nr, struct stat_run_times *t)
{
	char *buf = NULL, *argv[] = { "prog", NULL };
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ppm_stat__print_text(f, v, nr, t, argv);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	struct perf_event_attr cyc = { .type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_CPU_CYCLES };
	struct perf_event_attr ins = { .type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_INSTRUCTIONS };
	struct perf_event_attr tc = { .type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_TASK_CLOCK };
	struct perf_event_attr br = { .type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_BRANCH_INSTRUCTIONS };
	struct perf_event_attr bm = { .type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_BRANCH_MISSES };
	double r_tc[1] = { 2e9 }, r_cyc[1] = { 6e9 }, r_ins[1] = { 9e9 }, r_br[1] = { 1e9 },
	       r_bm[1] = { 2.5e7 }, el[1] = { 1.0 }, us[1] = { 2.0 }, sy[1] = { 0 };
	struct stat_value v[] = {
		{ "task-clock", &tc, true, r_tc, 1.0, 2000000000 },
		{ "cycles", &cyc, true, r_cyc, 0.5, 1000000000 },
		{ "instructions", &ins, true, r_ins, 0.5, 1000000000 },
		{ "branches", &br, true, r_br, 1.0, 2000000000 },
		{ "branch-misses", &bm, true, r_bm, 1.0, 2000000000 },
	};
	struct stat_run_times t = { el, us, sy, 1 };
	char *out = render(v, 5, &t);

	(void)state;
	assert_non_null(strstr(out, "2000.00 msec task-clock"));
	assert_non_null(strstr(out, "2.000 CPUs utilized"));
	assert_non_null(strstr(out, "3.000 GHz"));
	assert_non_null(strstr(out, "1.500 insn per cycle"));
	assert_non_null(strstr(out, "2.500 % of all branches"));
	/* Multiplexed counters say how much of the time they ran. */
	assert_non_null(strstr(out, "(50.00%)"));
	free(out);
}

static void test_metrics(void **state)
{
	struct metric_inputs in = { 0 };
	double x;

	(void)state;
	assert_false(ppm_metric__value(&in, MK_IPC, &x));
	in.have[ME_CYCLES] = in.have[ME_INSTRUCTIONS] = true;
	in.v[ME_CYCLES] = 200;
	in.v[ME_INSTRUCTIONS] = 300;
	assert_true(ppm_metric__value(&in, MK_IPC, &x));
	assert_float_equal(x, 1.5, 1e-9);
	in.have[ME_CACHE_MISSES] = true;
	in.v[ME_CACHE_MISSES] = 3;
	assert_false(ppm_metric__value(&in, MK_CACHE_MISS_PCT, &x)); /* no references */
	assert_true(ppm_metric__value(&in, MK_CACHE_MISS_PKI, &x));
	assert_float_equal(x, 10.0, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scaling),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
