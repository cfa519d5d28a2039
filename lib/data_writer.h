/*
 * Writes a perf.data file that is readable while it is written (data_writer.c says
 * how): cut off at any moment, it holds the records up to the last block written,
 * and everything else up to the last checkpoint.
 *
 * Usage:
 *	w = ppm_data_writer__new(fd, attrs, nr_attrs);     // header, ids, attrs on disk
 *	ppm_data_writer__write(w, record, size);            // any number of times
 *	ppm_data_writer__add_feature(w, PPM_FEAT_..., buf, len);  // added, or replaced
 *	ppm_data_writer__checkpoint(w);                     // now and then: a whole file
 *	ppm_data_writer__finish(w);                         // the last checkpoint
 *	ppm_data_writer__free(w);
 * A write error sticks: every later call returns it.
 */
#ifndef PPM_DATA_WRITER_H
#define PPM_DATA_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

struct ppm_data_writer;

struct ppm_writer_attr {
	struct perf_event_attr attr;
	const char *name;
	const uint64_t *ids;
	size_t nr_ids;
};

struct ppm_data_writer *ppm_data_writer__new(int fd, const struct ppm_writer_attr *attrs,
					     size_t nr_attrs);
int ppm_data_writer__write(struct ppm_data_writer *w, const void *buf, size_t size);
int ppm_data_writer__add_feature(struct ppm_data_writer *w, int feat, const void *buf, size_t size);
/* Helpers for perf's string features: u32 len, NUL-padded to 64. */
int ppm_data_writer__add_string(struct ppm_data_writer *w, int feat, const char *s);
int ppm_data_writer__add_strings(struct ppm_data_writer *w, int feat, const char *const *v, int n);
/* Writes the records gathered (the header counts them; no tail until a checkpoint). */
int ppm_data_writer__flush(struct ppm_data_writer *w);
/* Writes what is gathered, the sections and the header: a complete file. 0 or -errno. */
int ppm_data_writer__checkpoint(struct ppm_data_writer *w);
int ppm_data_writer__finish(struct ppm_data_writer *w);
uint64_t ppm_data_writer__size(const struct ppm_data_writer *w);
void ppm_data_writer__free(struct ppm_data_writer *w);

#endif
