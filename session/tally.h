/*
 * Samples counted before they are resolved. Between two changes of the address-space
 * model, samples with the same raw call chain (and process, thread, event and cpu
 * mode) resolve alike: each distinct one is kept once, with its count and total
 * period, and resolved once, when the model is about to change or the reading ends.
 * Entries go to the resolver in the order each was first seen, so whatever a sink
 * builds is made in the order it would be sample by sample, and its output is the
 * same byte for byte. Library code: -errno, never prints.
 *
 * Usage:
 *	struct ppm_tally t;
 *	ppm_tally__init(&t);
 *	ppm_tally__prepare(d, h, &item);  (a few records ahead: parses and hashes)
 *	ppm_tally__prefetch(&t, &item, 0, 1, 2 as its turn nears: its slot, entry, chain)
 *	ppm_tally__add(&t, &item);        (in its turn; may resolve what is held: 0 or -errno)
 *	ppm_tally__quiesce(&t);           (before any other record reaches the resolver)
 *	ppm_tally__flush(&t);             (before a record changes the model: ppm_tally__before,
 *	                                   before the counts are read, and at the end)
 *	ppm_tally__release(&t);
 */
#ifndef PPM_SESSION_TALLY_H
#define PPM_SESSION_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "resolve.h"
#include "../lib/data_reader.h"

/* One sample, parsed and hashed ahead of its turn. */
struct ppm_tally_item {
	struct ppm_sample s;
	uint64_t hash;
	int rc;             /* the parse's: -EINVAL for a malformed record */
	int with_ip;        /* the key holds the ip (no call chain, or one without a frame) */
};

struct ppm_tally_entry;

struct ppm_tally {
	struct ppm_resolver *res;   /* not owned: where flushes resolve to */
	struct ppm_tally_entry *v;
	size_t nr, cap;
	uint32_t *slots;
	size_t nslots;
	uint64_t *words;            /* the keys' call chains */
	size_t nr_words, cap_words;
	/* Set by the reader when the kernel's symbols are to be read for the samples'
	 * addresses: those of each new chain are gathered here (unsorted, repeated) */
	int gather_kernel;
	/* Entries are resolved on a second thread as they are made, while counting goes
	 * on (tally.c): 1, or -1 for one thread; the reader sets it by the cpus when 0 */
	int early;
	uint64_t *kaddrs;
	size_t nr_kaddrs, cap_kaddrs;
	/* What a full tally calls to be flushed (the reader's flush, which reads the kernel's
	 * symbols first); ppm_tally__flush when NULL. 0 or -errno. */
	int (*on_full)(void *arg);
	void *on_full_arg;
	/* private */
	struct tally_worker *worker;
	int tried;
	size_t kernel_from;         /* the first entry with kernel addresses still to be read */
};

void ppm_tally__init(struct ppm_tally *t, struct ppm_resolver *res);
void ppm_tally__release(struct ppm_tally *t);
void ppm_tally__prepare(const struct ppm_data *d, const struct perf_event_header *h,
			struct ppm_tally_item *it);
/* Brings the item's slot (stage 0), then its entry (1), then its chain (2) closer. */
void ppm_tally__prefetch(const struct ppm_tally *t, const struct ppm_tally_item *it, int stage);
/* Counts the item's sample. 0, its parse's -EINVAL, or -errno of a flush it needed. */
int ppm_tally__add(struct ppm_tally *t, const struct ppm_tally_item *it);
/* Whether a record changes the model: what the tally holds is resolved before it. */
static inline int ppm_tally__before(const struct perf_event_header *h)
{
	return h->type == PERF_RECORD_MMAP || h->type == PERF_RECORD_MMAP2 ||
	       h->type == PERF_RECORD_COMM || h->type == PERF_RECORD_FORK;
}

/* Resolves every entry held, in the order first seen, and empties the tally. 0 or -errno. */
int ppm_tally__flush(struct ppm_tally *t);
/*
 * Waits until nothing is being resolved beside the caller: before the resolver or the
 * model is used otherwise (a record, the kernel's symbols). 0, or the resolving's -errno.
 */
int ppm_tally__quiesce(struct ppm_tally *t);

#endif
