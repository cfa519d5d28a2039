#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
	"usage: pyperfmap [--version] [--help] <command> [<args>]\n"
	"\n"
	"A perf_event_open profiler that names Python functions.\n"
	"\n"
	"commands:\n"
	"  record    run a command (or attach with -p) and sample it into perf.data\n"
	"  report    read perf.data and print where the time went\n"
	"  top       a live view of the hottest functions, Python ones named\n"
	"  exec      run a Python program with pyperfmap's trampoline, like python -X perf\n"
	"  stat      run a command and count events, like perf stat\n"
	"  list      the events this machine offers\n"
	"  annotate  a function's instructions with their share of the samples\n"
	"  script    every sample as text, in perf script's layout\n"
	"  install-python    PYPERFMAP=1 switches the trampoline on in that interpreter\n"
	"  uninstall-python  removes what install-python put there\n"
	"\n"
	"'pyperfmap <command> --help' describes a command's options.\n";

struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct subcmd subcmds[] = {
	{ "record", ppm_cmd__record },
	{ "report", ppm_cmd__report },
	{ "top", ppm_cmd__top },
	{ "exec", ppm_cmd__exec },
	{ "stat", ppm_cmd__stat },
	{ "list", ppm_cmd__list },
	{ "annotate", ppm_cmd__annotate },
	{ "script", ppm_cmd__script },
	{ "install-python", ppm_cmd__install_python },
	{ "uninstall-python", ppm_cmd__uninstall_python },
};

int main(int argc, char **argv)
{
	/*
	 * Large arrays from the heap, and the heap kept when they are freed: an array
	 * that grows then takes the memory the one before it left instead of fresh pages,
	 * which the kernel must fault in and zero (on a VM, microseconds a page: a quarter
	 * of a report's time on a million samples). Memory is not given back to the system
	 * before exit past 256 MiB of it.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *sub[] = { argv[2], "--help", NULL };

			for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
				if (!strcmp(argv[2], subcmds[i].name))
					return subcmds[i].fn(2, sub);
		}
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("pyperfmap %s\n", PPM_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			return subcmds[i].fn(argc - 1, argv + 1);
	ppm_cmd__err("unknown command '%s' (see 'pyperfmap --help')", argv[1]);
	return 2;
}
