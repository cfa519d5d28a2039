/*
 * DWARF call graphs, unwound while recording: each sample arrives with the user
 * registers and a copy of the user stack; the stack is unwound here, at once, and
 * the sample is written as an ordinary callchain sample. The file stays at
 * frame-pointer size and perf reads it as it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "session.h"
#include "dwarf_record.h"
#include "../maps/machine.h"
#include "../maps/unwind.h"

#define MAX_FRAMES 1024

struct ppm_dwarf {
	struct ppm_machine *m;
	struct ppm_unwinder *u;
	int multi;        /* PERF_SAMPLE_IDENTIFIER first */
	int has_cpu;
	int all_raw;      /* every sample carries PERF_SAMPLE_RAW (a lone tracepoint) */
	const uint64_t *raw_ids; /* else the sample ids of the events that do */
	size_t nr_raw_ids;
	struct ppm_dwarf_stats stats;
	uint64_t ips[MAX_FRAMES];
};

/* Stubs are recognized by their code: read it from the live process. */
static int read_code(void *ctx, pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };

	(void)ctx;
	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

struct ppm_dwarf *ppm_dwarf__new(int multi, int has_cpu)
{
	struct ppm_dwarf *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->multi = multi;
	d->has_cpu = has_cpu;
	d->m = ppm_machine__new();
	d->u = d->m ? ppm_unwinder__new(d->m, read_code, d) : NULL;
	if (!d->u) {
		ppm_dwarf__free(d);
		return NULL;
	}
	ppm_machine__set_disk_perfmaps(d->m, 0);
	return d;
}

void ppm_dwarf__free(struct ppm_dwarf *d)
{
	if (!d)
		return;
	ppm_unwinder__free(d->u);
	ppm_machine__free(d->m);
	free(d);
}

void ppm_dwarf__set_raw(struct ppm_dwarf *d, int all, const uint64_t *ids, size_t nr)
{
	d->all_raw = all;
	d->raw_ids = ids;
	d->nr_raw_ids = nr;
}

static int has_raw(const struct ppm_dwarf *d, uint64_t id)
{
	if (d->all_raw)
		return 1;
	for (size_t i = 0; i < d->nr_raw_ids; i++)
		if (d->raw_ids[i] == id)
			return 1;
	return 0;
}

const struct ppm_dwarf_stats *ppm_dwarf__stats(const struct ppm_dwarf *d)
{
	return &d->stats;
}

const struct perf_event_header *ppm_dwarf__transform(void *ctx, const struct perf_event_header *in,
						     void *out, size_t out_cap)
{
	struct ppm_dwarf *d = ctx;
	const uint64_t *w = (const uint64_t *)(in + 1);
	size_t words = (in->size - sizeof(*in)) / 8, i = 0, head, knr, n, raw_at = 0, raw_words = 0;
	uint64_t abi, regs[3] = { 0, 0, 0 }, ssize = 0, dyn = 0, *o;
	const unsigned char *stack = NULL;
	uint32_t pid;
	enum ppm_unwind_end end = PPM_UNWIND_NO_CFI;
	int frames = 0;

	if (in->type != PERF_RECORD_SAMPLE) {
		if (ppm_sideband__apply(d->m, in) == -ENOMEM)
			d->stats.errors++;
		return in;
	}
	/* [id] ip tid time [cpu] period | callchain | regs | stack */
	head = (size_t)d->multi + 4 + (size_t)d->has_cpu;
	if (words < head + 1)
		return in;
	pid = (uint32_t)w[d->multi + 1];
	i = head;
	knr = w[i++];
	if (knr > words - i)
		return in;
	i += knr;
	if (i < words && has_raw(d, d->multi ? w[0] : 0)) {
		uint32_t rsize;

		/* a tracepoint's fields: a u32 size, the bytes, padded to 8; kept as they are */
		memcpy(&rsize, w + i, 4);
		raw_at = i;
		raw_words = (4 + (size_t)rsize + 7) / 8;
		if (raw_words > words - i)
			return in;
		i += raw_words;
	}
	if (i >= words)
		return in;
	abi = w[i++];
	if (abi) {
		if (words - i < 3)
			return in;
		memcpy(regs, w + i, sizeof(regs)); /* bp, sp, ip: the PPM_DWARF_REGS order */
		i += 3;
	}
	if (i < words) {
		ssize = w[i++];
		if (ssize > (words - i) * 8)
			return in;
		stack = (const unsigned char *)(w + i);
		i += (ssize + 7) / 8;
		dyn = i < words ? w[i] : 0;
		if (dyn > ssize)
			dyn = ssize;
	}
	d->stats.samples++;
	if (abi && regs[2]) {
		frames = ppm_unwinder__unwind(d->u, (pid_t)pid, regs[2], regs[1], regs[0], stack,
					      (size_t)dyn, d->ips, MAX_FRAMES, &end);
		d->stats.ends[end]++;
	}
	/* The sample as it would be with a plain callchain: kernel part, then ours. */
	n = head + 1 + knr + (frames ? 1 + (size_t)frames + (end != PPM_UNWIND_COMPLETE) : 0) +
	    raw_words;
	if (sizeof(*in) + n * 8 > out_cap || sizeof(*in) + n * 8 > 65535)
		return in;
	memcpy(out, in, sizeof(*in));
	o = (uint64_t *)((struct perf_event_header *)out + 1);
	memcpy(o, w, head * 8);
	o[head] = knr + (frames ? 1 + (uint64_t)frames + (end != PPM_UNWIND_COMPLETE) : 0);
	memcpy(o + head + 1, w + head + 1, knr * 8);
	if (frames) {
		uint64_t *u = o + head + 1 + knr;

		*u++ = PERF_CONTEXT_USER;
		memcpy(u, d->ips, (size_t)frames * 8);
		/* A stack the unwinder could not finish ends in a frame at 0: [unknown]. */
		if (end != PPM_UNWIND_COMPLETE)
			u[frames] = 0;
	}
	if (raw_words)
		memcpy(o + n - raw_words, w + raw_at, raw_words * 8);
	((struct perf_event_header *)out)->size = (uint16_t)(sizeof(*in) + n * 8);
	return out;
}
