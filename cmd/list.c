/* pyperfmap list: the events -e takes on this machine, by kind, like perf list. */
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

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
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
			ppm_bad_option("list", optopt, argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind > 1) {
		ppm_err("unexpected argument '%s' (see 'pyperfmap list --help')", argv[optind + 1]);
		return 2;
	}
	ppm_cmd_setup_log(0);
	err = ppm_event__print_list(stdout, all, optind < argc ? argv[optind] : NULL);
	if (!err && fflush(stdout))
		err = -1;
	if (err) {
		ppm_err("cannot list the events (libpfm4 missing or no memory)");
		return 1;
	}
	return 0;
}
