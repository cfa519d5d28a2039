/* pyperfmap list: the events -e takes on this machine, by kind, like perf list. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "../lib/event.h"

static const char list_usage[] =
	"usage: pyperfmap list [--all] [FILTER]\n"
	"\n"
	"Prints the events this machine can count, by kind (hardware, software, hardware\n"
	"cache, the CPU's own PMU events as libpfm4 names them, raw rNNN). Any of them,\n"
	"with perf's modifiers (:u :k :p :pp), a comma-separated list or a {group}, goes\n"
	"to -e of record and stat. FILTER keeps the lines that contain it.\n"
	"\n"
	"  -a, --all    also the events libpfm4 knows that this machine cannot count\n"
	"  -h, --help   this text\n";

/* perf list's layout: a line per event with its kind, then the CPU's PMU events. */
static void print_list(FILE *out, const struct ppm_event_list *l, bool all, const char *filter)
{
	static const char *const kind_names[PPM_EVENT_KINDS] = {
		"Hardware event", "Software event", "Hardware cache event", "", "Tracepoint event"
	};
	int printed = 0;

	fprintf(out, "List of pre-defined events (to be used in -e):\n\n");
	for (int k = 0; k < PPM_EVENT_TRACEPOINT; k++) {
		int any = 0;

		for (size_t i = 0; i < l->nr; i++) {
			const struct ppm_event_entry *e = &l->v[i];
			const char *na = e->ok ? "" : " (not available here)";

			if (e->kind != (enum ppm_event_kind)k)
				continue;
			if (k == PPM_EVENT_PMU && !any)
				fprintf(out, "%s%s:\n", printed ? "\n" : "", l->pmu_desc);
			any = 1;
			printed++;
			if (k == PPM_EVENT_PMU)
				fprintf(out, "  %-48s %s%s\n", ppm_cmd__safe(e->name), ppm_cmd__safe(e->desc), na);
			else
				fprintf(out, "  %-48s [%s]%s\n", ppm_cmd__safe(e->name), kind_names[k], na);
		}
	}
	if (!filter || strcasestr("rNNN", filter))
		fprintf(out, "  %-48s [Raw hardware event descriptor]%s\n", "rNNN",
			l->have_pmu ? "" : " (not available here)");
	for (size_t i = 0; i < l->nr; i++)
		if (l->v[i].kind == PPM_EVENT_TRACEPOINT)
			fprintf(out, "  %-48s [%s]\n", ppm_cmd__safe(l->v[i].name),
				kind_names[PPM_EVENT_TRACEPOINT]);
	if (!l->have_pmu)
		fprintf(out, "\nThis machine exposes no hardware PMU (a virtual machine?): hardware, "
			     "cache and raw events cannot be counted%s%s%s; 'cycles' falls back to "
			     "'cpu-clock'.%s\n",
			l->pmu_events ? ", nor the events libpfm4 knows for this CPU (" : "",
			l->pmu_events ? l->pmu_desc : "", l->pmu_events ? ")" : "",
			all ? "" : " 'pyperfmap list --all' shows every event libpfm4 knows.");
}

int ppm_cmd__list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ppm_event_list l;
	const char *filter;
	bool all = false;
	int opt, err;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "ah", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			all = true;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return 0;
		default:
			ppm_cmd__bad_option("list", optopt, argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind > 1) {
		ppm_cmd__err("unexpected argument '%s' (see 'pyperfmap list --help')", argv[optind + 1]);
		return 2;
	}
	ppm_cmd__setup_log(0);
	filter = optind < argc ? argv[optind] : NULL;
	err = ppm_event__list(&l, all, filter);
	if (err) {
		ppm_cmd__err("cannot list the events: %s", strerror(-err));
		return 1;
	}
	print_list(stdout, &l, all, filter);
	ppm_event_list__release(&l);
	if (fflush(stdout) || ferror(stdout)) {
		ppm_cmd__err("cannot write: %s", strerror(errno));
		return 1;
	}
	return 0;
}
