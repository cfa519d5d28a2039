/* The pyperfmap command line: one entry point per subcommand, shared helpers. */
#ifndef PPM_CMD_H
#define PPM_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int ppm_cmd__record(int argc, char **argv);
int ppm_cmd__report(int argc, char **argv);
int ppm_cmd__top(int argc, char **argv);
int ppm_cmd__exec(int argc, char **argv);
int ppm_cmd__stat(int argc, char **argv);
int ppm_cmd__list(int argc, char **argv);
int ppm_cmd__annotate(int argc, char **argv);
int ppm_cmd__script(int argc, char **argv);
int ppm_cmd__install_python(int argc, char **argv);
int ppm_cmd__uninstall_python(int argc, char **argv);

/* The folder with pyperfmap.py, sitecustomize.py and _builds/ (build tree or install). */
int ppm_python__dir(char *buf, size_t len);
/* PYPERFMAP=1 and that folder in front of PYTHONPATH, for the programs we start. */
int ppm_python__trampoline_env(void);
/* How a Python command asks for CPython's own perf trampoline ("-X perf", ...), or NULL. */
const char *ppm_python__own_trampoline_asked(char *const *argv);
/* PYTHON_JIT=1: CPython 3.13+'s JIT is on in the command. */
int ppm_python__jit_asked(void);

/* What report, annotate and script read: a file, and where its symbols come from. */
struct ppm_source {
	const char *input;
	const char *kallsyms;  /* kernel symbols from this file (else embedded, else /proc) */
	const char *symfs;     /* binaries under this directory (perf's --symfs) */
};

struct ppm_reader;
struct ppm_data;
struct ppm_progress_line;
struct ppm_resolved_sample;
/*
 * Opens src for reading, its progress line started in pl, with a notice when the file
 * was cut short or its perf maps are damaged. NULL when it cannot (the error said).
 */
struct ppm_reader *ppm_cmd__open(const struct ppm_source *src, int show_interpreter,
				 struct ppm_progress_line *pl);
/* Every sample of r to sink; 0, or -1 with the error said. */
int ppm_cmd__read(struct ppm_reader *r, int (*sink)(void *arg, const struct ppm_resolved_sample *rs),
		  void *arg, struct ppm_progress_line *pl);
/* The index of d's event named name, or -1 with the error said, naming the option. */
int ppm_cmd__find_event(const struct ppm_data *d, const char *name, const char *opt);

/*
 * A name from a file or a profiled program, fit for the terminal (report/escape.h's
 * rule): itself, or an escaped copy in one of 8 buffers used in turn (so up to 8 can
 * stand in one printf).
 */
const char *ppm_cmd__safe(const char *s);

/* "pyperfmap: <msg>" on stderr. Messages are lowercase with the subject quoted. */
void ppm_cmd__err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ppm_cmd__notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Routes library log messages to stderr (warnings always, debug with -v). */
void ppm_cmd__setup_log(int verbose);

/* -q: notices are dropped; errors and warnings still print. */
void ppm_cmd__quiet(int on);

/* Advice (cmd/advice.c): what a user can do about a failure, said in one place. */
struct ppm_err;
struct ppm_event;
/* What a recording was aimed at, for the permission advice. */
struct ppm_target {
	const int *pids;   /* -p */
	int nr_pids;
	int system_wide;   /* -a */
};
/* kernel.perf_event_paranoid (read once; 2 when it cannot be read). */
long ppm_advice__paranoid(void);
/* Why opening event failed (err, and where says the CPU and whether mmap failed). */
void ppm_advice__open(const char *event, const struct ppm_err *where, int err,
		      const struct ppm_target *t);
/* "<what>: <strerror>", or the open-files advice when that is the reason. */
void ppm_advice__errno(const char *what, int err);
void ppm_advice__unknown_event(const char *name);
/* "cannot run PROGRAM: ..." and the exit status a shell gives (127 not found, else 126). */
int ppm_advice__exec_failed(const char *program, int err);
/* Raises the soft open-file limit to the hard one (one fd per CPU per event). */
void ppm_advice__raise_nofile(void);
/* 0, or -1 with the advice said when the open-file limit is below what nr_events need. */
int ppm_advice__check_nofile(int nr_events);
/*
 * Probes every event; without a PMU, cycles falls back to cpu-clock (with a notice)
 * and any other hardware event is an error pointing at 'pyperfmap list'; without the
 * right to see the kernel, user space only. 0 or -1 (the error said).
 */
int ppm_advice__check_events(struct ppm_event *evs, int nr);

/* getopt's complaint, in our words: the option and where its help is. */
void ppm_cmd__bad_option(const char *cmd, int optopt_char, const char *arg);
/* The same for perf's options this command lacks (longs: NULL-terminated names). */
void ppm_cmd__bad_perf_option(const char *cmd, const char *const *longs, const char *letters,
			      int optopt_char, const char *arg);
int ppm_cmd__parse_u64(const char *s, uint64_t *out);
const char *ppm_cmd__human_size(uint64_t bytes, char *buf, size_t len);

#endif
