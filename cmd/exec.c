/* pyperfmap exec: run a command with pyperfmap's trampoline in every Python it starts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char exec_usage[] =
	"usage: pyperfmap exec [--jitdump] [--] <command> [<args>...]\n"
	"\n"
	"Runs the command with pyperfmap's trampoline switched on in every CPython 3.8-3.13\n"
	"process it starts, so each Python function has its own code address named in\n"
	"/tmp/perf-PID.map: the drop-in for 'python -X perf', on versions without it too.\n"
	"\n"
	"  pyperfmap exec -- python script.py args     like python -X perf script.py args\n"
	"  pyperfmap exec -- python -m module          -m and -c work as usual\n"
	"\n"
	"It sets PYPERFMAP=1 and puts pyperfmap's Python folder in front of PYTHONPATH, then\n"
	"replaces itself with the command: stdin, stdout, stderr, arguments and exit status\n"
	"are the command's own. Interpreters that ignore the environment (-I, -E) or skip\n"
	"site (-S) need pyperfmap-python3.X instead.\n"
	"\n"
	"  --jitdump    also write /tmp/jit-PID.dump: each stub's code and unwinding data, for\n"
	"               perf record -k 1 --call-graph dwarf + perf inject --jit (as -X perf_jit)\n"
	"  -h, --help   this text\n";

int ppm_cmd__exec(int argc, char **argv)
{
	int first = 1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(exec_usage, stdout);
		return 0;
	}
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "--")) {
			first++;
			break;
		}
		if (strcmp(argv[first], "--jitdump")) {
			ppm_cmd__bad_option("exec", 0, argv[first]);
			return 2;
		}
		setenv("PYPERFMAP_JITDUMP", "1", 1);
		first++;
	}
	if (first >= argc) {
		ppm_cmd__err("no command to run (usage: pyperfmap exec -- python script.py)");
		return 2;
	}
	if (ppm_python__trampoline_env())
		ppm_cmd__notice("no trampoline build found next to this pyperfmap: running '%s' without it",
				argv[first]);
	else if (ppm_python__own_trampoline_asked(argv + first))
		ppm_cmd__notice("%s: CPython's own perf trampoline names the Python functions; "
				"pyperfmap's stays off", ppm_python__own_trampoline_asked(argv + first));
	execvp(argv[first], argv + first);
	return ppm_advice__exec_failed(argv[first], -errno);
}
