/*
 * Naming the Python functions of processes pyperfmap did not start (attach.h).
 *
 * CPython 3.14+ runs a script at the request of a debugger (PEP 768,
 * session/pyremote.c): pyperfmap asks each one to import its trampoline and switch it
 * on (or CPython's own, where no build matches), and at detach to switch it off. A
 * script lives in a folder of its own per target user, owned by that user, mode 0700,
 * so no one else can read, replace or write it; it deletes itself when it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "pyremote.h"

void ppm_attach__init(struct ppm_attach *at, const char *pydir)
{
	memset(at, 0, sizeof(*at));
	at->pydir = pydir;
}

/* CPython's version from the executable's or libpython's file name; 0 if not Python. */
static int python_version(pid_t pid, int *major, int *minor)
{
	char path[64], line[4096], exe[4096];
	ssize_t n;
	FILE *f;
	const char *base;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
		if (sscanf(base, "python%d.%d", major, minor) == 2)
			return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		const char *lib = strstr(line, "/libpython");

		if (lib && sscanf(lib, "/libpython%d.%d", major, minor) == 2) {
			fclose(f);
			return 1;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

/* A trampoline of its own: pyperfmap's module loaded, or a perf map written. */
static int named_already(pid_t pid)
{
	char path[64], line[4096];
	struct stat st;
	FILE *f;
	int yes = 0;

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", pid);
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && !yes && fgets(line, sizeof(line), f))
		yes = strstr(line, "/pyperfmap.cpython") != NULL;
	if (f)
		fclose(f);
	return yes;
}

/* s as a Python string literal: every byte but letters, digits and /._- escaped. */
static void py_literal(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("/._-", c))
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputc('\'', out);
}

/* The folder for the scripts of processes of uid: made on first use. */
static const char *dir_for(struct ppm_attach *at, uid_t uid)
{
	char tmpl[64] = "/tmp/pyperfmap-attach-XXXXXX";

	for (int i = 0; i < at->nr_dirs; i++)
		if (at->dir_uids[i] == uid)
			return at->dirs[i];
	if (at->nr_dirs == 8 || !mkdtemp(tmpl))
		return NULL;
	if (chown(tmpl, uid, (gid_t)-1) && geteuid() != uid) {
		rmdir(tmpl);
		return NULL;
	}
	snprintf(at->dirs[at->nr_dirs], sizeof(at->dirs[0]), "%s", tmpl);
	at->dir_uids[at->nr_dirs] = uid;
	return at->dirs[at->nr_dirs++];
}

static const char activate_body[] =
	"sys.path.insert(0, _d)\n"
	"try:\n"
	"    import pyperfmap\n"
	"    pyperfmap.activate()\n"
	"except Exception:\n"
	"    try:\n"
	"        sys.activate_stack_trampoline('perf')\n"
	"    except Exception:\n"
	"        pass\n"
	"finally:\n"
	"    if _d in sys.path:\n"
	"        sys.path.remove(_d)\n";

static const char deactivate_body[] =
	"_m = sys.modules.get('pyperfmap')\n"
	"if _m is not None and _m.is_active():\n"
	"    _m.deactivate()\n"
	"elif sys.is_stack_trampoline_active():\n"
	"    sys.deactivate_stack_trampoline()\n";

/* Writes the script (on or off) for pid into its user's folder; its path in out. */
static int write_script(struct ppm_attach *at, pid_t pid, int on, char *out, size_t len)
{
	char path[64];
	struct stat st;
	const char *dir;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (stat(path, &st))
		return -ESRCH;
	dir = dir_for(at, st.st_uid);
	if (!dir)
		return -EACCES;
	snprintf(out, len, "%s/%s-%d.py", dir, on ? "on" : "off", pid);
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(out);
		return -ENOMEM;
	}
	fputs("# pyperfmap: the perf trampoline switched ", f);
	fputs(on ? "on" : "off", f);
	fputs(" in this process (pyperfmap record -p)\nimport os, sys\n_p = ", f);
	py_literal(f, out);
	fputs("\n_d = ", f);
	py_literal(f, at->pydir ? at->pydir : "");
	fputs("\ntry:\n    os.unlink(_p)\nexcept OSError:\n    pass\n", f);
	fputs(on ? activate_body : deactivate_body, f);
	if (fchown(fd, st.st_uid, st.st_gid) && geteuid() != st.st_uid) {
		fclose(f);
		unlink(out);
		return -EACCES;
	}
	if (fclose(f)) {
		unlink(out);
		return -EIO;
	}
	return 0;
}

static int ask(struct ppm_attach *at, struct ppm_pyproc *p, int on)
{
	struct ppm_pyremote_info info;
	char script[128];
	int err = write_script(at, p->pid, on, script, sizeof(script));

	if (err) {
		snprintf(p->why, sizeof(p->why), "process %d: cannot write the script it would run: %s",
			 p->pid, strerror(-err));
		return err;
	}
	err = ppm_pyremote__exec(p->pid, script, &info, p->why, sizeof(p->why));
	if (err)
		unlink(script); /* never reached the target */
	return err;
}

int ppm_attach__activate(struct ppm_attach *at, const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		struct ppm_pyproc *p, *grown;
		int major, minor;

		if (!python_version(pids[i], &major, &minor) || major != 3)
			continue;
		grown = realloc(at->procs, (size_t)(at->nr + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		at->procs = grown;
		p = &at->procs[at->nr++];
		memset(p, 0, sizeof(*p));
		p->pid = pids[i];
		p->major = major;
		p->minor = minor;
		if (named_already(p->pid)) {
			p->state = PPM_PY_NAMED;
		} else if (minor < 14) {
			p->state = PPM_PY_UNNAMED;
			snprintf(p->why, sizeof(p->why), "CPython 3.%d runs no trampoline: start it "
				 "with PYPERFMAP=1 (pyperfmap exec) or python -X perf to name its "
				 "functions; 3.14 and later can be switched on from outside", minor);
		} else {
			p->state = ask(at, p, 1) ? PPM_PY_UNNAMED : PPM_PY_ACTIVATED;
		}
	}
	return 0;
}

void ppm_attach__deactivate(struct ppm_attach *at)
{
	for (int i = 0; i < at->nr; i++)
		if (at->procs[i].state == PPM_PY_ACTIVATED)
			ask(at, &at->procs[i], 0);
}

void ppm_attach__release(struct ppm_attach *at)
{
	/* A script not run yet stays (its process may still run it); an empty folder goes. */
	for (int i = 0; i < at->nr_dirs; i++)
		rmdir(at->dirs[i]);
	free(at->procs);
	memset(at, 0, sizeof(*at));
}
