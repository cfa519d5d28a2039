/*
 * A perf.data file (pyperfmap's or perf record's) read as a report reads it: its
 * records in time order through a resolver (resolve.h), so each sample reaches the
 * sink with its frames resolved. Library code: errors come back as -errno with the
 * detail in a struct ppm_err; nothing is printed.
 *
 * Usage:
 *	struct ppm_reader *r;
 *	if (ppm_reader__open(&r, &opts, &err)) { puts(err.msg); ... }
 *	if (r->data->cut_short) ... say so
 *	if (ppm_reader__run(r, sink, arg, &err)) { puts(err.msg); ... }
 *	... r->res.frames, r->res.stats, r->machine, r->data stay valid until
 *	ppm_reader__close(r);
 */
#ifndef PPM_SESSION_READER_H
#define PPM_SESSION_READER_H

#include "resolve.h"
#include "tally.h"
#include "../lib/data_reader.h"
#include "../lib/progress.h"

struct ppm_reader_opts {
	const char *input;
	const char *kallsyms;  /* kernel symbols from this file (else embedded, else perf's
				* build-id cache copy, else /proc/kallsyms) */
	const char *symfs;     /* binaries under this directory (perf's --symfs) */
	int show_interpreter;  /* keep the interpreter's frames between Python frames */
	const struct ppm_progress *progress; /* told how much of the file is read */
};

struct ppm_reader {
	struct ppm_data *data;
	struct ppm_machine *machine;
	struct ppm_resolver res;
	int perfmaps_damaged;  /* the embedded perf maps were read up to damage */
	int gather_kernel;     /* kernel symbols come from kallsyms: for these addresses */
	uint64_t *kaddrs;
	size_t nr_kaddrs;
	char kallsyms[4096];   /* perf's build-id cache copy of the kernel's symbols, if used */
	const char *path;
	const struct ppm_progress *progress;
	/* Set before ppm_reader__run by a sink that counts: samples of one raw call chain
	 * between two changes of the model reach it once, with rs->samples (tally.h) */
	int counted;
	struct ppm_tally tally;
};

/* Opens the file and its address-space model. 0, or -errno with err filled. */
int ppm_reader__open(struct ppm_reader **rp, const struct ppm_reader_opts *o, struct ppm_err *err);
/*
 * Reads every record in time order, each sample to sink(arg, ...). 0, or -errno with
 * err filled: -ENOTSUP (compressed), -EINVAL (corrupt, with the offset), -ENOMEM, or
 * the sink's own error (err then says only that the reading stopped).
 */
int ppm_reader__run(struct ppm_reader *r, ppm_sample_sink sink, void *arg, struct ppm_err *err);
void ppm_reader__close(struct ppm_reader *r);

/*
 * The perf maps a recording embeds (PPM_FEAT_PERFMAPS: per process a u32 pid, a u32
 * length, that much map text, padded to 8 bytes) added to m. 0, -EINVAL when the
 * section is damaged (what comes before the damage is added), or -ENOMEM.
 */
int ppm_reader__perfmaps(const void *section, size_t size, struct ppm_machine *m);

/*
 * The index of an event of d by the name a user gives: exactly, in any case, or
 * without the modifiers the file's name carries ("cycles" for "cycles:u"). -ENOENT
 * with err naming the file's events when there is none.
 */
int ppm_reader__find_event(const struct ppm_data *d, const char *name, struct ppm_err *err);

#endif
