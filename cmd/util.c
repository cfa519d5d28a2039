#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "../lib/log.h"
#include "../report/escape.h"

static int log_verbose;

const char *ppm_cmd__safe(const char *s)
{
	static char bufs[8][1024];
	static unsigned int next;
	char *b = bufs[next++ % 8];

	return s ? ppm_term__name(s, b, sizeof(bufs[0])) : s;
}

/* Messages echo names from files and programs: their control bytes are escaped. */
static void vprint(const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fputs("pyperfmap: ", stderr);
	ppm_term__fputs(msg, stderr);
	fputc('\n', stderr);
}

void ppm_cmd__err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

static int quiet;

void ppm_cmd__quiet(int on)
{
	quiet = on;
}

void ppm_cmd__notice(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

static void log_to_stderr(enum ppm_log_level level, const char *msg)
{
	if ((level == PPM_LOG_DEBUG && !log_verbose) || (level != PPM_LOG_WARN && quiet))
		return;
	fprintf(stderr, "pyperfmap: %s", level == PPM_LOG_WARN ? "warning: " : "");
	ppm_term__fputs(msg, stderr);
	fputc('\n', stderr);
}

void ppm_cmd__setup_log(int verbose)
{
	log_verbose = verbose;
	ppm_log__set(log_to_stderr);
}

void ppm_cmd__bad_option(const char *cmd, int optopt_char, const char *arg)
{
	if (optopt_char)
		ppm_cmd__err("unknown or incomplete option '-%c' (see 'pyperfmap %s --help')", optopt_char, cmd);
	else
		ppm_cmd__err("unknown option '%s' (see 'pyperfmap %s --help')", arg, cmd);
}

/*
 * An option getopt did not take: perf's own (named in longs, or one of letters) is
 * said to be perf's and not supported here, anything else unknown.
 */
void ppm_cmd__bad_perf_option(const char *cmd, const char *const *longs, const char *letters,
			      int optopt_char, const char *arg)
{
	if (optopt_char && strchr(letters, optopt_char)) {
		ppm_cmd__err("'-%c' is an option of perf %s that pyperfmap %s does not support (see "
			     "'pyperfmap %s --help')", optopt_char, cmd, cmd, cmd);
		return;
	}
	if (!optopt_char && arg && !strncmp(arg, "--", 2)) {
		size_t len = strcspn(arg + 2, "=");

		for (size_t i = 0; longs[i]; i++)
			if (strlen(longs[i]) == len && !strncmp(longs[i], arg + 2, len)) {
				ppm_cmd__err("'--%s' is an option of perf %s that pyperfmap %s does not "
					     "support (see 'pyperfmap %s --help')", longs[i], cmd, cmd, cmd);
				return;
			}
	}
	ppm_cmd__bad_option(cmd, optopt_char, arg);
}

int ppm_cmd__parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

const char *ppm_cmd__human_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= 10ULL << 20)
		snprintf(buf, len, "%.1f MB", (double)bytes / (1 << 20));
	else if (bytes >= 10ULL << 10)
		snprintf(buf, len, "%.1f KB", (double)bytes / (1 << 10));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
	return buf;
}

/*
 * Where the trampoline's Python files are: beside the executable in a build tree
 * (build/python), or under the install prefix (lib/pyperfmap/python).
 */
int ppm_python__dir(char *buf, size_t len)
{
	char exe[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("PYPERFMAP_PYTHONDIR");
	const char *tails[] = { "/python", "/../lib/pyperfmap/python" };
	struct stat st;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return stat(buf, &st) == 0 ? 0 : -ENOENT;
	}
	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		char path[4200];

		snprintf(path, sizeof(path), "%s%s/pyperfmap.py", exe, tails[i]);
		if (stat(path, &st) == 0) {
			snprintf(buf, len, "%s%s", exe, tails[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/* A positive integer, as CPython reads PYTHONPERFSUPPORT and PYTHON_JIT. */
static int env_on(const char *name)
{
	const char *v = getenv(name);
	char *end;

	return v && *v && strtol(v, &end, 10) > 0 && !*end;
}

const char *ppm_python__own_trampoline_asked(char *const *argv)
{
	const char *prog = argv[0] ? strrchr(argv[0], '/') : NULL;

	prog = prog ? prog + 1 : argv[0];
	if (!prog || strncmp(prog, "python", 6))
		return NULL;
	/* Interpreter options come before the script, -c or -m. */
	for (int i = 1; argv[i] && argv[i][0] == '-'; i++) {
		const char *x = !strcmp(argv[i], "-X") ? argv[i + 1] :
				!strncmp(argv[i], "-X", 2) ? argv[i] + 2 : NULL;

		if (x && (!strcmp(x, "perf") || !strcmp(x, "perf_jit")))
			return !strcmp(x, "perf") ? "-X perf" : "-X perf_jit";
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "-m"))
			break;
		if (!strcmp(argv[i], "-X") && argv[i + 1])
			i++;
	}
	if (env_on("PYTHONPERFSUPPORT"))
		return "PYTHONPERFSUPPORT";
	if (env_on("PYTHON_PERF_JIT_SUPPORT"))
		return "PYTHON_PERF_JIT_SUPPORT";
	return NULL;
}

int ppm_python__jit_asked(void)
{
	return env_on("PYTHON_JIT");
}

int ppm_python__trampoline_env(void)
{
	char dir[4096], *joined;
	const char *old = getenv("PYTHONPATH");
	size_t len;

	if (ppm_python__dir(dir, sizeof(dir)))
		return -ENOENT;
	len = strlen(dir) + (old ? strlen(old) : 0) + 2;
	joined = malloc(len);
	if (!joined)
		return -ENOMEM;
	snprintf(joined, len, "%s%s%s", dir, old && *old ? ":" : "", old && *old ? old : "");
	setenv("PYTHONPATH", joined, 1);
	free(joined);
	setenv("PYPERFMAP", "1", 1);
	return 0;
}


