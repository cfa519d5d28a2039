/*
 * pyperfmap install-python / uninstall-python: the trampoline always at hand in one
 * interpreter. Its site-packages gets a .pth whose line costs a dictionary lookup at
 * start-up (PYPERFMAP unset: nothing else happens), the loader module, and the build
 * for that interpreter's exact version; a manifest lists what was added, so
 * uninstall-python leaves site-packages as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

#define MANIFEST "pyperfmap-install.txt"
#define BUILDS "pyperfmap_builds"
/* The manifest's last line when site-packages itself (N folders up to it) was created. */
#define CREATED "created site-packages: "

static const char install_usage[] =
	"usage: pyperfmap install-python PYTHON\n"
	"   or: pyperfmap uninstall-python PYTHON\n"
	"\n"
	"install-python puts into PYTHON's site-packages what lets PYPERFMAP=1 switch the\n"
	"trampoline on in any process of that interpreter, started by anyone, without\n"
	"pyperfmap in its command line: pyperfmap.pth (with PYPERFMAP unset it costs one\n"
	"lookup at start-up), the loader (pyperfmap.py, pyperfmap_autostart.py) and the\n"
	"trampoline built for that interpreter (" BUILDS "/), listed in " MANIFEST ".\n"
	"uninstall-python removes exactly those. PYTHON is a path or a name on PATH; a\n"
	"virtual environment's python installs into the environment.\n";

/* What the interpreter says of itself. */
struct interp {
	char version[32];
	char tag[32]; /* sys.implementation.cache_tag: __pycache__/NAME.TAG.pyc */
	char purelib[4096];
};

/* python -I -c code args...: 0 when it exits 0, its output (cut to len) in out. */
static int run_python(const char *python, const char *code, const char *const *args,
		      char *out, size_t len)
{
	const char *argv[8] = { python, "-I", "-c", code };
	int fds[2], status, n_args = 4;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	for (; args && *args && n_args < 7; args++)
		argv[n_args++] = *args;
	argv[n_args] = NULL;
	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(python, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (n < len - 1 && (got = read(fds[0], out + n, len - 1 - n)) > 0)
		n += (size_t)got;
	close(fds[0]);
	out[n] = '\0';
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EINVAL;
	return 0;
}

static int ask_python(const char *python, struct interp *ip)
{
	static const char probe[] =
		"import sys, sysconfig; print('%d.%d.%d' % sys.version_info[:3]); "
		"print(sys.implementation.cache_tag); print(sysconfig.get_paths()['purelib'])";
	char out[8192];
	int err = run_python(python, probe, NULL, out, sizeof(out));

	if (err)
		return err;
	if (sscanf(out, "%31s\n%31s\n%4095[^\n]", ip->version, ip->tag, ip->purelib) != 3)
		return -EINVAL;
	return 0;
}

/* src to dst, whole, in place of nothing: a temporary renamed when complete. */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
	char tmp[4200], buf[65536];
	int in, out, err = 0;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.pyperfmap-tmp", dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	if (fchmod(out, mode)) /* readable by every user of the interpreter, whatever the umask */
		err = -errno;
	while (!err && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			err = -EIO;
	if (n < 0 && !err)
		err = -errno;
	close(in);
	if (close(out) && !err)
		err = -errno;
	if (!err && rename(tmp, dst))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/* The one extension built for version under the python folder (its name into so). */
static int find_build(const char *pydir, const char *version, char *so, size_t len)
{
	char path[4200];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/_builds/%s", pydir, version);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	*so = '\0';
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "pyperfmap", 9) && strstr(de->d_name, ".so"))
			snprintf(so, len, "%s", de->d_name);
	closedir(d);
	return *so ? 0 : -ENOENT;
}

static int by_name(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static void say_built(const char *pydir, const char *version)
{
	char path[4200], list[1024] = "";
	char *names[64];
	size_t used = 0, n = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/_builds", pydir);
	d = opendir(path);
	while (d && (de = readdir(d)) && n < 64)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		if (names[i] && used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 used ? ", " : "", names[i]);
		free(names[i]);
	}
	ppm_cmd__err("no trampoline is built for Python %s (this pyperfmap has builds for: %s)",
		     version, *list ? list : "none");
}

static int compile_modules(const char *python, const char *purelib)
{
	static const char code[] =
		"import os, py_compile, sys\n"
		"for name in ('pyperfmap.py', 'pyperfmap_autostart.py'):\n"
		"    out = py_compile.compile(os.path.join(sys.argv[1], name), doraise=True)\n"
		"    os.chmod(out, 0o644)\n";
	const char *args[] = { purelib, NULL };
	char out[256];

	return run_python(python, code, args, out, sizeof(out)) ? -EIO : 0;
}

/* mkdir -p, 0755 whatever the umask: how many folders it made, or -errno. */
static int make_dirs(const char *path)
{
	char buf[4200];
	int made = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, 0755) == 0) {
			chmod(buf, 0755);
			made++;
		} else if (errno != EEXIST) {
			return -errno;
		}
		*p = c;
		if (!c)
			return made;
	}
}

static int install(const char *python)
{
	struct interp ip;
	char pydir[4096], so[512], src[8700], dst[8700], manifest[8700];
	static const char *const modules[] = { "pyperfmap.py", "pyperfmap_autostart.py" };
	FILE *m;
	int err, created, had_cache;

	err = ask_python(python, &ip);
	if (err) {
		ppm_cmd__err("cannot ask '%s' what it is: %s", python,
			     err == -ENOENT ? "no such program" : "not a Python that answers");
		return 1;
	}
	if (ppm_python__dir(pydir, sizeof(pydir))) {
		ppm_cmd__err("cannot find pyperfmap's python folder next to this pyperfmap");
		return 1;
	}
	if (find_build(pydir, ip.version, so, sizeof(so))) {
		say_built(pydir, ip.version);
		return 1;
	}
	created = make_dirs(ip.purelib);
	if (created < 0 || access(ip.purelib, W_OK)) {
		ppm_cmd__err("cannot write '%s' (%s's site-packages): %s", ip.purelib, python,
			     strerror(created < 0 ? -created : errno));
		return 1;
	}
	snprintf(manifest, sizeof(manifest), "%s/" MANIFEST, ip.purelib);
	snprintf(dst, sizeof(dst), "%s/pyperfmap.py", ip.purelib);
	if (access(manifest, F_OK) && !access(dst, F_OK)) {
		ppm_cmd__err("'%s' is there and not pyperfmap's install: left as it is", dst);
		return 1;
	}
	snprintf(dst, sizeof(dst), "%s/__pycache__", ip.purelib);
	had_cache = !access(dst, F_OK);
	m = fopen(manifest, "w");
	if (!m) {
		ppm_cmd__err("cannot write '%s': %s", manifest, strerror(errno));
		return 1;
	}
	/* the manifest first, so a failure half way leaves what uninstall-python removes */
	fprintf(m, "pyperfmap.pth\n");
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		fprintf(m, "%s\n", modules[i]);
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		fprintf(m, "__pycache__/%.*s.%s.pyc\n", (int)strcspn(modules[i], "."), modules[i],
			ip.tag);
	fprintf(m, BUILDS "/%s/%s\n" BUILDS "/%s/\n" BUILDS "/\n", ip.version, so, ip.version);
	if (!had_cache)
		fprintf(m, "__pycache__/\n");
	if (created)
		fprintf(m, CREATED "%d\n", created);
	fchmod(fileno(m), 0644);
	if (fclose(m)) {
		ppm_cmd__err("cannot write '%s': %s", manifest, strerror(errno));
		return 1;
	}
	snprintf(dst, sizeof(dst), "%s/" BUILDS "/%s", ip.purelib, ip.version);
	created = make_dirs(dst);
	if (created < 0) {
		ppm_cmd__err("cannot create '%s': %s", dst, strerror(-created));
		return 1;
	}
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]) && !err; i++) {
		snprintf(src, sizeof(src), "%s/%s", pydir, modules[i]);
		snprintf(dst, sizeof(dst), "%s/%s", ip.purelib, modules[i]);
		err = copy_file(src, dst, 0644);
	}
	if (!err) {
		snprintf(src, sizeof(src), "%s/_builds/%s/%s", pydir, ip.version, so);
		snprintf(dst, sizeof(dst), "%s/" BUILDS "/%s/%s", ip.purelib, ip.version, so);
		err = copy_file(src, dst, 0755);
	}
	if (!err) /* byte-compiled now: a user who cannot write __pycache__ never compiles them */
		err = compile_modules(python, ip.purelib);
	snprintf(dst, sizeof(dst), "%s/__pycache__", ip.purelib);
	if (!err && !had_cache)
		chmod(dst, 0755);
	if (!err) { /* last: it is what switches anything on */
		snprintf(src, sizeof(src), "%s/pyperfmap.pth", pydir);
		snprintf(dst, sizeof(dst), "%s/pyperfmap.pth", ip.purelib);
		err = copy_file(src, dst, 0644);
	}
	if (err) {
		ppm_cmd__err("cannot install into '%s': %s ('pyperfmap uninstall-python %s' removes "
			     "what was put there)", ip.purelib, strerror(-err), python);
		return 1;
	}
	ppm_cmd__notice("installed into '%s' for Python %s: PYPERFMAP=1 switches the trampoline on "
			"in its processes", ip.purelib, ip.version);
	return 0;
}

/* Every byte-compiled copy of our modules (-O runs write NAME.TAG.opt-1.pyc too). */
static void drop_bytecode(const char *purelib)
{
	char dir[4200], path[8500];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/__pycache__", purelib);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if ((!strncmp(de->d_name, "pyperfmap.", 10) ||
		     !strncmp(de->d_name, "pyperfmap_autostart.", 20)) &&
		    len > 4 && !strcmp(de->d_name + len - 4, ".pyc")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
}

static int uninstall(const char *python)
{
	struct interp ip;
	char manifest[4200], line[4096], path[8300];
	char *lines[64];
	int n = 0, err = 0, created = 0;
	FILE *m;

	if (ask_python(python, &ip)) {
		ppm_cmd__err("cannot ask '%s' what it is", python);
		return 1;
	}
	snprintf(manifest, sizeof(manifest), "%s/" MANIFEST, ip.purelib);
	m = fopen(manifest, "r");
	if (!m) {
		ppm_cmd__err("nothing of pyperfmap's is installed in '%s' (no %s there)", ip.purelib, MANIFEST);
		return 1;
	}
	while (n < 64 && fgets(line, sizeof(line), m)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, CREATED, strlen(CREATED))) {
			created = atoi(line + strlen(CREATED));
			continue;
		}
		/* only names inside site-packages: no "..", no absolute path */
		if (*line && line[0] != '/' && !strstr(line, ".."))
			lines[n++] = strdup(line);
	}
	fclose(m);
	drop_bytecode(ip.purelib);
	/* files first, then the folders (listed with a '/'), innermost first */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			size_t len = lines[i] ? strlen(lines[i]) : 0;
			int dir = len && lines[i][len - 1] == '/';

			if (!lines[i] || dir != pass)
				continue;
			snprintf(path, sizeof(path), "%s/%s", ip.purelib, lines[i]);
			if ((dir ? rmdir(path) : unlink(path)) && errno != ENOENT &&
			    !(dir && errno == ENOTEMPTY))
				err = -errno;
		}
	for (int i = 0; i < n; i++)
		free(lines[i]);
	if (!err && unlink(manifest))
		err = -errno;
	/* and the folders install-python made for site-packages, if they are empty */
	snprintf(path, sizeof(path), "%s", ip.purelib);
	for (char *slash; !err && created-- > 0 && (slash = strrchr(path, '/'));) {
		rmdir(path);
		*slash = '\0';
	}
	if (err) {
		ppm_cmd__err("cannot remove all of pyperfmap's install from '%s': %s", ip.purelib,
			     strerror(-err));
		return 1;
	}
	ppm_cmd__notice("removed from '%s'", ip.purelib);
	return 0;
}

static int run(int argc, char **argv, int installing)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(install_usage, stdout);
			return 0;
		}
		ppm_cmd__bad_option(installing ? "install-python" : "uninstall-python", optopt,
				    argv[optind - 1]);
		return 2;
	}
	if (argc - optind != 1) {
		ppm_cmd__err("which Python? (usage: pyperfmap %s PYTHON)",
			     installing ? "install-python" : "uninstall-python");
		return 2;
	}
	ppm_cmd__setup_log(0);
	return installing ? install(argv[optind]) : uninstall(argv[optind]);
}

int ppm_cmd__install_python(int argc, char **argv)
{
	return run(argc, argv, 1);
}

int ppm_cmd__uninstall_python(int argc, char **argv)
{
	return run(argc, argv, 0);
}
