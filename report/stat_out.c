#include <math.h>
#include <string.h>

#include "escape.h"
#include "metrics.h"
#include "stat_out.h"

double ppm_stat__scaled(uint64_t value, uint64_t enabled, uint64_t running)
{
	if (!running)
		return 0;
	return running >= enabled ? (double)value : (double)value * ((double)enabled / (double)running);
}

double ppm_stat__mean(const double *x, unsigned int n, double *spread_pct)
{
	double sum = 0, sq = 0, mean;

	for (unsigned int i = 0; i < n; i++)
		sum += x[i];
	mean = n ? sum / n : 0;
	for (unsigned int i = 0; i < n; i++)
		sq += (x[i] - mean) * (x[i] - mean);
	if (spread_pct)
		*spread_pct = n > 1 && mean != 0 ? 100.0 * sqrt(sq / (n - 1) / n) / fabs(mean) : 0;
	return mean;
}

static bool is_clock(const struct stat_value *v)
{
	enum metric_event e = ppm_metric__event_of(v->attr);

	return e == ME_TASK_CLOCK || e == ME_CPU_CLOCK;
}

struct metric_text {
	double value;
	char unit[40];
	bool have;
};

/* What perf prints after '#' for an event, given every event's mean. */
static struct metric_text metric_for(const struct stat_value *v, int nr, int i,
				     const struct stat_run_times *t)
{
	struct metric_inputs in = { 0 };
	struct metric_text m = { 0 };
	double mean = ppm_stat__mean(v[i].runs, t->runs, NULL), secs, elapsed;
	enum metric_event e = ppm_metric__event_of(v[i].attr);

	for (int k = 0; k < nr; k++) {
		enum metric_event ek = ppm_metric__event_of(v[k].attr);

		if (ek != ME_OTHER && v[k].supported && !in.have[ek]) {
			in.have[ek] = true;
			in.v[ek] = ppm_stat__mean(v[k].runs, t->runs, NULL);
		}
	}
	elapsed = ppm_stat__mean(t->elapsed, t->runs, NULL);
	secs = in.have[ME_TASK_CLOCK] ? in.v[ME_TASK_CLOCK] / 1e9 :
	       in.have[ME_CPU_CLOCK]  ? in.v[ME_CPU_CLOCK] / 1e9 :
					elapsed;
	m.have = true;
	switch (e) {
	case ME_TASK_CLOCK:
	case ME_CPU_CLOCK:
		m.value = elapsed > 0 ? mean / 1e9 / elapsed : 0;
		snprintf(m.unit, sizeof(m.unit), "CPUs utilized");
		return m;
	case ME_CYCLES:
		if (secs > 0) {
			m.value = mean / (secs * 1e9);
			snprintf(m.unit, sizeof(m.unit), "GHz");
			return m;
		}
		break;
	case ME_INSTRUCTIONS:
		if (ppm_metric__value(&in, MK_IPC, &m.value)) {
			snprintf(m.unit, sizeof(m.unit), "insn per cycle");
			return m;
		}
		break;
	case ME_BRANCH_MISSES:
		if (ppm_metric__value(&in, MK_BRANCH_MISS_PCT, &m.value)) {
			snprintf(m.unit, sizeof(m.unit), "%% of all branches");
			return m;
		}
		break;
	case ME_CACHE_MISSES:
		if (ppm_metric__value(&in, MK_CACHE_MISS_PCT, &m.value)) {
			snprintf(m.unit, sizeof(m.unit), "%% of all cache refs");
			return m;
		}
		if (ppm_metric__value(&in, MK_CACHE_MISS_PKI, &m.value)) {
			snprintf(m.unit, sizeof(m.unit), "per 1k instructions");
			return m;
		}
		break;
	default:
		break;
	}
	/* Anything else: a rate per second of CPU time, scaled like perf's K/sec. */
	if (secs <= 0) {
		m.have = false;
		return m;
	}
	m.value = mean / secs;
	{
		static const char *const units[] = { "/sec", "K/sec", "M/sec", "G/sec" };
		int u = 0;

		while (u < 3 && m.value >= 1000) {
			m.value /= 1000;
			u++;
		}
		snprintf(m.unit, sizeof(m.unit), "%s", units[u]);
	}
	return m;
}

void ppm_stat__print_text(FILE *out, const struct stat_value *v, int nr, const struct stat_run_times *t,
		     char **argv)
{
	double spread, el;
	char tb[256];

	fprintf(out, "\n Performance counter stats for '");
	for (int i = 0; argv[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", argv[i]);
	fprintf(out, "'");
	if (t->runs > 1)
		fprintf(out, " (%u runs)", t->runs);
	fprintf(out, ":\n\n");
	for (int i = 0; i < nr; i++) {
		double mean = ppm_stat__mean(v[i].runs, t->runs, &spread);
		struct metric_text m;

		if (!v[i].supported) {
			fprintf(out, "   %15s      %s\n", "<not supported>", ppm_term__name(v[i].name, tb, sizeof(tb)));
			continue;
		}
		if (!v[i].running) {
			fprintf(out, "   %15s      %s\n", "<not counted>", ppm_term__name(v[i].name, tb, sizeof(tb)));
			continue;
		}
		if (is_clock(&v[i]))
			fprintf(out, "   %15.2f msec %-24s", mean / 1e6, ppm_term__name(v[i].name, tb, sizeof(tb)));
		else
			fprintf(out, "   %15.0f      %-24s", mean, ppm_term__name(v[i].name, tb, sizeof(tb)));
		m = metric_for(v, nr, i, t);
		if (m.have)
			fprintf(out, " #  %8.3f %-*s", m.value,
				t->runs > 1 || v[i].ratio < 1 ? 22 : 0, m.unit);
		if (t->runs > 1)
			fprintf(out, " ( +- %5.2f%% )", spread);
		if (v[i].ratio < 1)
			fprintf(out, "  (%.2f%%)", 100.0 * v[i].ratio);
		fputc('\n', out);
	}
	el = ppm_stat__mean(t->elapsed, t->runs, &spread);
	fprintf(out, "\n   %15.9f seconds time elapsed", el);
	if (t->runs > 1)
		fprintf(out, "  ( +- %5.2f%% )", spread);
	fprintf(out, "\n\n   %15.9f seconds user\n   %15.9f seconds sys\n\n",
		ppm_stat__mean(t->user, t->runs, NULL), ppm_stat__mean(t->sys, t->runs, NULL));
}

void ppm_stat__print_csv(FILE *out, const struct stat_value *v, int nr, const struct stat_run_times *t,
		    const char *sep)
{
	for (int i = 0; i < nr; i++) {
		double spread, mean = ppm_stat__mean(v[i].runs, t->runs, &spread);
		struct metric_text m = { 0 };
		const char *unit = is_clock(&v[i]) ? "msec" : "";

		if (!v[i].supported || !v[i].running)
			fprintf(out, "%s%s%s%s%s", v[i].supported ? "<not counted>" : "<not supported>",
				sep, unit, sep, v[i].name);
		else
			fprintf(out, is_clock(&v[i]) ? "%.2f%s%s%s%s" : "%.0f%s%s%s%s",
				is_clock(&v[i]) ? mean / 1e6 : mean, sep, unit, sep, v[i].name);
		if (t->runs > 1)
			fprintf(out, "%s%.2f%%", sep, spread);
		if (v[i].supported && v[i].running)
			m = metric_for(v, nr, i, t);
		fprintf(out, "%s%llu%s%.2f%s", sep, (unsigned long long)v[i].running, sep,
			100.0 * (v[i].running ? v[i].ratio : 1), sep);
		if (m.have)
			fprintf(out, "%.3f%s%s", m.value, sep, m.unit);
		else
			fprintf(out, "%s", sep);
		fputc('\n', out);
	}
}

void ppm_stat__print_json(FILE *out, const struct stat_value *v, int nr, const struct stat_run_times *t,
		     int exit_status)
{
	double spread;

	for (int i = 0; i < nr; i++) {
		double mean = ppm_stat__mean(v[i].runs, t->runs, &spread);
		struct metric_text m = { 0 };

		fprintf(out, "{\"counter-value\" : ");
		if (!v[i].supported || !v[i].running)
			ppm_json__string(out, v[i].supported ? "<not counted>" : "<not supported>");
		else
			fprintf(out, "\"%f\"", is_clock(&v[i]) ? mean / 1e6 : mean);
		fprintf(out, ", \"unit\" : \"%s\", \"event\" : ", is_clock(&v[i]) ? "msec" : "");
		ppm_json__string(out, v[i].name);
		if (t->runs > 1)
			fprintf(out, ", \"variance\" : %.2f", spread);
		fprintf(out, ", \"event-runtime\" : %llu, \"pcnt-running\" : %.2f",
			(unsigned long long)v[i].running, 100.0 * (v[i].running ? v[i].ratio : 1));
		if (v[i].supported && v[i].running)
			m = metric_for(v, nr, i, t);
		if (m.have) {
			fprintf(out, ", \"metric-value\" : \"%f\", \"metric-unit\" : ", m.value);
			ppm_json__string(out, m.unit);
		}
		fprintf(out, "}\n");
	}
	fprintf(out,
		"{\"elapsed-seconds\" : %.9f, \"user-seconds\" : %.6f, \"sys-seconds\" : %.6f, "
		"\"runs\" : %u, \"exit-status\" : %d}\n",
		ppm_stat__mean(t->elapsed, t->runs, NULL), ppm_stat__mean(t->user, t->runs, NULL),
		ppm_stat__mean(t->sys, t->runs, NULL), t->runs, exit_status);
}
