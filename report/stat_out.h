/* pyperfmap stat's output: perf stat's text, its -x CSV and its --json lines. */
#ifndef PPM_STAT_OUT_H
#define PPM_STAT_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/perf_event.h>

struct stat_value {
	const char *name;
	const struct perf_event_attr *attr;
	bool supported;
	const double *runs;   /* scaled count of each run */
	double ratio;         /* time running / time enabled (1: never multiplexed) */
	uint64_t running;     /* ns counted */
};

struct stat_run_times {
	double *elapsed, *user, *sys; /* seconds, per run */
	unsigned int runs;
};

void ppm_stat__print_text(FILE *out, const struct stat_value *v, int nr, const struct stat_run_times *t,
		     char **argv);
void ppm_stat__print_csv(FILE *out, const struct stat_value *v, int nr, const struct stat_run_times *t,
		    const char *sep);
void ppm_stat__print_json(FILE *out, const struct stat_value *v, int nr, const struct stat_run_times *t,
		     int exit_status);

/*
 * A count the kernel took only while the counter was on the PMU (running < enabled,
 * multiplexing): the estimate for the whole time, value * enabled / running, as perf
 * does. 0 when it never ran.
 */
double ppm_stat__scaled(uint64_t value, uint64_t enabled, uint64_t running);

/* Mean and the relative spread of the mean (percent), as perf stat -r prints them. */
double ppm_stat__mean(const double *x, unsigned int n, double *spread_pct);

#endif
