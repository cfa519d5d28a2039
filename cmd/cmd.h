/* The pyperfmap command line: one entry point per subcommand, shared helpers. */
#ifndef PPM_CMD_H
#define PPM_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_annotate(int argc, char **argv);
int cmd_script(int argc, char **argv);

/* The folder with pyperfmap.py, sitecustomize.py and _builds/ (build tree or install). */
int ppm_python_dir(char *buf, size_t len);
/* PYPERFMAP=1 and that folder in front of PYTHONPATH, for the programs we start. */
int ppm_trampoline_env(void);
/* How a Python command asks for CPython's own perf trampoline ("-X perf", ...), or NULL. */
const char *ppm_cpython_trampoline_asked(char *const *argv);
/* PYTHON_JIT=1: CPython 3.13+'s JIT is on in the command. */
int ppm_python_jit_asked(void);

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
struct ppm_reader *ppm_cmd_open(const struct ppm_source *src, int show_interpreter,
				struct ppm_progress_line *pl);
/* Every sample of r to sink; 0, or -1 with the error said. */
int ppm_cmd_read(struct ppm_reader *r, int (*sink)(void *arg, const struct ppm_resolved_sample *rs),
		 void *arg, struct ppm_progress_line *pl);
/* The index of d's event named name, or -1 with the error said, naming the option. */
int ppm_cmd_find_event(const struct ppm_data *d, const char *name, const char *opt);

/* "pyperfmap: <msg>" on stderr. Messages are lowercase with the subject quoted. */
void ppm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ppm_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Routes library log messages to stderr (warnings always, debug with -v). */
void ppm_cmd_setup_log(int verbose);

/* Why opening an event failed, with what to do about it (EACCES, EMFILE, no PMU). */
void ppm_advice_open_error(char *buf, size_t len, const char *event, int cpu, int err, int mmap);
/* "<what>: too many open files (limit N; ... 'ulimit -n')". */
void ppm_advice_emfile(char *buf, size_t len, const char *what);
/* -q: notices are dropped; errors and warnings still print. */
void ppm_set_quiet(int on);
/* Raises the soft open-file limit to the hard one (one fd per CPU per event). */
void ppm_raise_nofile(void);

/* getopt's complaint, in our words: the option and where its help is. */
void ppm_bad_option(const char *cmd, int optopt_char, const char *arg);
int ppm_parse_u64(const char *s, uint64_t *out);
const char *ppm_human_size(uint64_t bytes, char *buf, size_t len);

#endif
