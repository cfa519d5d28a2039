/*
 * Event names to perf_event_attr, checked against the encodings documented outside
 * libpfm4: perf_event.h for the generic and cache events; for the PMU events, the
 * Intel SDM (vol. 3B, Skylake event tables; IA32_PERFEVTSELx: event bits 0-7, umask
 * 8-15, inv 23, cmask 24-31) and AMD's Processor Programming Reference for family 19h
 * (Zen 3; Core::X86::Msr::PERF_CTL: EventSelect[7:0] bits 0-7, UnitMask 8-15, Inv 23,
 * CntMask 24-31, EventSelect[11:8] bits 32-35). libpfm4 is told which PMU to assume
 * (LIBPFM_FORCE_PMU=skl, =amd64_fam19h_zen3), so this runs the same on any CPU, with
 * or without the hardware.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/event.h"
#include "../../lib/log.h"

static void print_log(enum ppm_log_level level, const char *msg)
{
	(void)level;
	fprintf(stderr, "%s\n", msg);
}

static struct perf_event_attr enc(const char *name)
{
	struct ppm_event ev;
	struct perf_event_attr a;
	int err = ppm_event__parse(&ev, name);

	if (err)
		fail_msg("'%s' did not parse: %d", name, err);
	a = ev.attr;
	ppm_event__release(&ev);
	return a;
}

static void test_generic(void **state)
{
	static const struct {
		const char *name;
		uint32_t type;
		uint64_t config;
	} cases[] = {
		{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
		{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
		{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
		{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
		{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
		{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
		{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
		{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
		{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
		{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
		{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
		{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
		{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
		{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
		{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
		{ "alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
		{ "emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
		/* cache id | op << 8 | result << 16 */
		{ "L1-dcache-load-misses", PERF_TYPE_HW_CACHE,
		  PERF_COUNT_HW_CACHE_L1D | PERF_COUNT_HW_CACHE_OP_READ << 8 |
			  PERF_COUNT_HW_CACHE_RESULT_MISS << 16 },
		{ "LLC-load-misses", PERF_TYPE_HW_CACHE,
		  PERF_COUNT_HW_CACHE_LL | PERF_COUNT_HW_CACHE_OP_READ << 8 |
			  PERF_COUNT_HW_CACHE_RESULT_MISS << 16 },
		{ "LLC-loads", PERF_TYPE_HW_CACHE,
		  PERF_COUNT_HW_CACHE_LL | PERF_COUNT_HW_CACHE_OP_READ << 8 |
			  PERF_COUNT_HW_CACHE_RESULT_ACCESS << 16 },
		{ "dTLB-load-misses", PERF_TYPE_HW_CACHE,
		  PERF_COUNT_HW_CACHE_DTLB | PERF_COUNT_HW_CACHE_OP_READ << 8 |
			  PERF_COUNT_HW_CACHE_RESULT_MISS << 16 },
		{ "iTLB-loads", PERF_TYPE_HW_CACHE,
		  PERF_COUNT_HW_CACHE_ITLB | PERF_COUNT_HW_CACHE_OP_READ << 8 |
			  PERF_COUNT_HW_CACHE_RESULT_ACCESS << 16 },
		{ "L1-dcache-stores", PERF_TYPE_HW_CACHE,
		  PERF_COUNT_HW_CACHE_L1D | PERF_COUNT_HW_CACHE_OP_WRITE << 8 |
			  PERF_COUNT_HW_CACHE_RESULT_ACCESS << 16 },
		{ "r01c0", PERF_TYPE_RAW, 0x1c0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct perf_event_attr a = enc(cases[i].name);

		if (a.type != cases[i].type || a.config != cases[i].config)
			fail_msg("%s: type %u config %#llx, want %u %#llx", cases[i].name, a.type,
				 (unsigned long long)a.config, cases[i].type,
				 (unsigned long long)cases[i].config);
	}
}

struct pmu_case {
	const char *name;
	uint64_t config;
};

static void check_pmu_cases(const struct pmu_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct perf_event_attr a = enc(cases[i].name);

		if (a.type != PERF_TYPE_RAW || a.config != cases[i].config)
			fail_msg("%s: type %u config %#llx, want raw %#llx", cases[i].name, a.type,
				 (unsigned long long)a.config, (unsigned long long)cases[i].config);
	}
}

/* A umask the event does not have is an error, and not because the event is unknown. */
static void check_bad_umask(const char *good, const char *bad)
{
	struct ppm_event ev;

	assert_int_equal(ppm_event__parse(&ev, good), 0);
	ppm_event__release(&ev);
	assert_true(ppm_event__parse(&ev, bad) < 0);
}

static void test_skylake_events(void **state)
{
	static const struct pmu_case cases[] = {
		{ "INST_RETIRED:ANY_P", 0xc0 },
		{ "skl::INST_RETIRED:ANY_P", 0xc0 },
		{ "BR_MISP_RETIRED:ALL_BRANCHES", 0xc5 },
		{ "MEM_LOAD_RETIRED:L3_MISS", 0x20d1 },
		{ "CPU_CLK_UNHALTED:THREAD_P", 0x3c },
		{ "INST_RETIRED:ANY_P:c=1:i=1", 0x18000c0 },
	};
	struct perf_event_attr a;

	(void)state;
	check_pmu_cases(cases, sizeof(cases) / sizeof(cases[0]));
	a = enc("INST_RETIRED:ANY_P:u");
	assert_int_equal(a.config, 0xc0);
	assert_int_equal(a.exclude_kernel, 1);
	a = enc("INST_RETIRED:ANY_P:pp");
	assert_int_equal(a.config, 0xc0);
	assert_int_equal(a.precise_ip, 2);
	check_bad_umask("INST_RETIRED:ANY_P", "INST_RETIRED:NOSUCHUMASK");
}

static void test_zen3_events(void **state)
{
	static const struct pmu_case cases[] = {
		{ "RETIRED_INSTRUCTIONS", 0xc0 },                 /* PMCx0C0 */
		{ "amd64_fam19h_zen3::RETIRED_INSTRUCTIONS", 0xc0 },
		{ "RETIRED_OPS", 0xc1 },                          /* PMCx0C1 */
		{ "RETIRED_BRANCH_INSTRUCTIONS", 0xc2 },          /* PMCx0C2 */
		{ "RETIRED_BRANCH_INSTRUCTIONS_MISPREDICTED", 0xc3 }, /* PMCx0C3 */
		{ "CYCLES_NOT_IN_HALT", 0x76 },                   /* PMCx076 */
		/* PMCx18E, UnitMask 0x07 hits, 0x18 misses: EventSelect[11:8] = 1 at bit 32 */
		{ "IC_TAG_HIT_MISS:IC_HIT", 0x10000078e },
		{ "IC_TAG_HIT_MISS:IC_MISS", 0x10000188e },
		{ "RETIRED_INSTRUCTIONS:c=1:i=1", 0x18000c0 },
	};
	struct perf_event_attr a;

	(void)state;
	check_pmu_cases(cases, sizeof(cases) / sizeof(cases[0]));
	a = enc("RETIRED_INSTRUCTIONS:u");
	assert_int_equal(a.config, 0xc0);
	assert_int_equal(a.exclude_kernel, 1);
	check_bad_umask("IC_TAG_HIT_MISS:IC_HIT", "IC_TAG_HIT_MISS:NOSUCHUMASK");
}

static void test_modifiers(void **state)
{
	struct perf_event_attr a;

	(void)state;
	a = enc("cycles:u");
	assert_int_equal(a.exclude_kernel, 1);
	assert_int_equal(a.exclude_user, 0);
	a = enc("cycles:k");
	assert_int_equal(a.exclude_user, 1);
	assert_int_equal(a.exclude_kernel, 0);
	a = enc("cycles:p");
	assert_int_equal(a.precise_ip, 1);
	a = enc("cycles:pp");
	assert_int_equal(a.precise_ip, 2);
	assert_int_equal(a.config, PERF_COUNT_HW_CPU_CYCLES);
	a = enc("instructions:upp");
	assert_int_equal(a.precise_ip, 2);
	assert_int_equal(a.exclude_kernel, 1);
	assert_int_equal(a.exclude_user, 0);
	assert_int_equal(a.config, PERF_COUNT_HW_INSTRUCTIONS);
	a = enc("r01c0");
	assert_int_equal(a.type, PERF_TYPE_RAW);
	assert_int_equal(a.config, 0x1c0);
	a = enc("r3c:u");
	assert_int_equal(a.type, PERF_TYPE_RAW);
	assert_int_equal(a.config, 0x3c);
	assert_int_equal(a.exclude_kernel, 1);
	a = enc("task-clock:k");
	assert_int_equal(a.exclude_user, 1);
	assert_int_equal(a.type, PERF_TYPE_SOFTWARE);
	a = enc("alignment-faults:u");
	assert_int_equal(a.exclude_kernel, 1);
	assert_int_equal(a.config, PERF_COUNT_SW_ALIGNMENT_FAULTS);
}

static void test_lists_and_groups(void **state)
{
	struct ppm_event *evs;
	char bad[64];
	int nr;

	(void)state;
	nr = ppm_event__parse_list("cycles,instructions,cache-misses,branch-misses", &evs, bad,
				   sizeof(bad));
	assert_int_equal(nr, 4);
	assert_int_equal(evs[3].attr.config, PERF_COUNT_HW_BRANCH_MISSES);
	for (int i = 0; i < nr; i++)
		assert_int_equal(evs[i].group, -1);
	ppm_event__free_list(evs, nr);

	nr = ppm_event__parse_list("task-clock,{cycles,instructions}:u,page-faults", &evs, bad,
				   sizeof(bad));
	assert_int_equal(nr, 4);
	assert_int_equal(evs[0].group, -1);
	assert_int_equal(evs[1].group, 1);
	assert_int_equal(evs[2].group, 1);
	assert_int_equal(evs[3].group, -1);
	assert_string_equal(evs[2].name, "instructions:u");
	assert_int_equal(evs[2].attr.exclude_kernel, 1);
	assert_int_equal(evs[3].attr.config, PERF_COUNT_SW_PAGE_FAULTS);
	ppm_event__free_list(evs, nr);

	nr = ppm_event__parse_list("{cpu-clock,page-faults}", &evs, bad, sizeof(bad));
	assert_int_equal(nr, 2);
	assert_int_equal(evs[0].group, 0);
	assert_int_equal(evs[1].group, 0);
	ppm_event__free_list(evs, nr);
}

static void test_bad_names(void **state)
{
	static const char *const bad_lists[] = {
		"", ",", "cycles,", "nosuchevent", "cycles:zz", "cycles:pppp", "{cycles",
		"{}", "{cycles}x", "cycles,,instructions",
	};
	struct ppm_event *evs = NULL;
	char bad[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++) {
		int nr = ppm_event__parse_list(bad_lists[i], &evs, bad, sizeof(bad));

		if (nr >= 0)
			fail_msg("'%s' parsed as %d events", bad_lists[i], nr);
	}
	{
		int nr = ppm_event__parse_list("cycles,nosuchevent", &evs, bad, sizeof(bad));

		assert_true(nr < 0);
		assert_string_equal(bad, "nosuchevent");
	}
}

static void test_fallback(void **state)
{
	struct ppm_event ev;

	(void)state;
	assert_int_equal(ppm_event__parse(&ev, "cycles:u"), 0);
	assert_int_equal(ppm_event__fallback(&ev), 0);
	assert_string_equal(ev.name, "cpu-clock:u");
	assert_int_equal(ev.attr.type, PERF_TYPE_SOFTWARE);
	assert_int_equal(ev.attr.config, PERF_COUNT_SW_CPU_CLOCK);
	ppm_event__release(&ev);
	assert_int_equal(ppm_event__parse(&ev, "instructions"), 0);
	assert_true(ppm_event__fallback(&ev) < 0);
	ppm_event__release(&ev);
}

/*
 * libpfm4 reads LIBPFM_FORCE_PMU once and then knows only that PMU, so ctest runs
 * this three times: without it for perf's names, and with a forced Skylake and a
 * forced Zen 3 for the PMUs' own names.
 */
int main(void)
{
	const struct CMUnitTest generic[] = {
		cmocka_unit_test(test_generic),	       cmocka_unit_test(test_modifiers),
		cmocka_unit_test(test_lists_and_groups), cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_fallback),
	};
	/* perf's generic names hold with a forced PMU too (libpfm4 then knows only it). */
	const struct CMUnitTest skylake[] = {
		cmocka_unit_test(test_skylake_events),
		cmocka_unit_test(test_generic),
	};
	const struct CMUnitTest zen3[] = {
		cmocka_unit_test(test_zen3_events),
		cmocka_unit_test(test_generic),
	};
	const char *pmu = getenv("LIBPFM_FORCE_PMU");

	ppm_log__set(print_log);
	if (!pmu)
		return cmocka_run_group_tests_name("perf's events", generic, NULL, NULL);
	if (!strcmp(pmu, "skl"))
		return cmocka_run_group_tests_name("skylake PMU events", skylake, NULL, NULL);
	if (!strcmp(pmu, "amd64_fam19h_zen3"))
		return cmocka_run_group_tests_name("zen3 PMU events", zen3, NULL, NULL);
	fprintf(stderr, "no encoding table for LIBPFM_FORCE_PMU=%s\n", pmu);
	return 1;
}
