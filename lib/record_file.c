/*
 * What a recording's file holds besides the rings' records (see record_priv.h): the
 * records synthesized for what ran before it, the header's features, and the kernel
 * addresses its samples hold, for the kernel symbols embedded at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cpumap.h"
#include "data_writer.h"
#include "perf_file.h"
#include "proctree.h"
#include "record_priv.h"
#include "tracepoint.h"

static size_t put_trailer(const struct ppm_record *rec, unsigned char *p, uint32_t pid,
			  uint32_t tid)
{
	uint64_t v[4];
	size_t n = 0;

	v[n++] = (uint64_t)pid | ((uint64_t)tid << 32);
	v[n++] = 0; /* time: synthesized records come before everything */
	if (!rec->opts.no_sample_cpu)
		v[n++] = 0; /* cpu */
	if (rec->opts.nr_events > 1)
		v[n++] = rec->nr_ids[0] ? rec->ids[0][0] : 0;
	memcpy(p, v, n * 8);
	return n * 8;
}

int ppm_record__put(struct ppm_record *rec, const struct perf_event_header *h)
{
	int err = rec->opts.observe ? rec->opts.observe(rec->opts.observe_ctx, h) : 0;

	return err ? err : rec->w ? ppm_data_writer__write(rec->w, h, h->size) : 0;
}

static int emit(void *ctx, struct perf_event_header *h, uint32_t pid, uint32_t tid)
{
	struct ppm_record *rec = ctx;

	h->size = (uint16_t)(h->size + put_trailer(rec, (unsigned char *)h + h->size, pid, tid));
	/* The transform keeps an address-space model: it must see the synthesized maps too. */
	if (rec->opts.transform)
		rec->opts.transform(rec->opts.transform_ctx, h, rec->xbuf, sizeof(rec->xbuf));
	return ppm_record__put(rec, h);
}

/* The formats of the tracepoints recorded, without which perf reads none of the file. */
static int add_tracing_data(struct ppm_record *rec)
{
	const char **names = malloc((size_t)rec->opts.nr_events * sizeof(*names));
	void *data;
	size_t len;
	int nr = 0, err;

	if (!names)
		return -ENOMEM;
	for (int e = 0; e < rec->opts.nr_events; e++)
		if (rec->opts.events[e].attr.type == PERF_TYPE_TRACEPOINT)
			names[nr++] = rec->opts.events[e].name;
	err = nr ? ppm_tracepoint__tracing_data(names, nr, &data, &len) : 0;
	free(names);
	if (!nr || err)
		return err;
	err = ppm_data_writer__add_feature(rec->w, PPM_FEAT_TRACING_DATA, data, len);
	free(data);
	return err;
}

static int add_header_features(struct ppm_record *rec)
{
	struct utsname u;
	uint32_t nrcpus[2];
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	char host[256];
	int err = 0;

	if (uname(&u) == 0) {
		err = err ?: ppm_data_writer__add_string(rec->w, PPM_FEAT_OSRELEASE, u.release);
		err = err ?: ppm_data_writer__add_string(rec->w, PPM_FEAT_ARCH, u.machine);
	}
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		err = err ?: ppm_data_writer__add_string(rec->w, PPM_FEAT_HOSTNAME, host);
	}
	err = err ?: ppm_data_writer__add_string(rec->w, PPM_FEAT_VERSION, "pyperfmap " PPM_VERSION);
	nrcpus[0] = (uint32_t)(conf > 0 ? conf : rec->cpus->nr);
	nrcpus[1] = (uint32_t)rec->cpus->nr;
	err = err ?: ppm_data_writer__add_feature(rec->w, PPM_FEAT_NRCPUS, nrcpus, sizeof(nrcpus));
	if (rec->opts.cmdline_nr)
		err = err ?: ppm_data_writer__add_strings(rec->w, PPM_FEAT_CMDLINE, rec->opts.cmdline,
							 rec->opts.cmdline_nr);
	return err;
}

/*
 * What the kernel would have told about the attached processes had it seen them
 * start: each one's lineage as FORK records (ancestors first, so a worker's inherited
 * stubs are named by its parent's map, embedded with it), then every thread's COMM
 * and every executable mapping.
 */
static int synth_attached(struct ppm_record *rec)
{
	size_t n = rec->pids.cap;
	pid_t *procs = malloc((n ? n : 1) * sizeof(*procs));
	int nr = 0, err = 0;

	if (!procs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (rec->pids.slots[i])
			procs[nr++] = rec->pids.slots[i];
	for (int i = 0; i < nr && !err; i++) {
		pid_t up[8];
		int k = ppm_proctree__ancestors(procs[i], up, 8);

		for (int j = k - 1; j >= 0 && !err; j--) {
			err = ppm_synth__fork(j ? up[j - 1] : procs[i], up[j], emit, rec);
			if (!err && ppm_pidset__add(&rec->pids, up[j]) < 0)
				err = -ENOMEM;
		}
	}
	for (int i = 0; i < nr && !err; i++) {
		int rc = ppm_synth__process(procs[i], emit, rec);

		if (rc && rc != -ENOENT && rc != -ESRCH)
			err = rc; /* one that is gone is no error */
	}
	free(procs);
	return err;
}

int ppm_record__synth(struct ppm_record *rec)
{
	int err = ppm_synth__kernel_mmap(emit, rec);

	if (err && err != -ENOENT)
		return err;
	if (rec->opts.system_wide)
		return ppm_synth__all(emit, rec, &rec->pids);
	return rec->opts.attach ? synth_attached(rec) : 0;
}

int ppm_record__write_head(struct ppm_record *rec)
{
	int err = add_header_features(rec);

	return err ? err : add_tracing_data(rec);
}

static void kip_add(struct ppm_record *rec, uint64_t ip)
{
	size_t i;

	if ((rec->kips.nr + 1) * 2 > rec->kips.cap) {
		size_t cap = rec->kips.cap ? rec->kips.cap * 2 : 1024;
		uint64_t *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return; /* a missing kernel name is not worth failing the recording */
		for (i = 0; i < rec->kips.cap; i++) {
			uint64_t v = rec->kips.slots[i];
			size_t j;

			if (!v)
				continue;
			for (j = (v >> 4) * 0x9E3779B97F4A7C15ULL % cap; slots[j]; j = (j + 1) % cap)
				;
			slots[j] = v;
		}
		free(rec->kips.slots);
		rec->kips.slots = slots;
		rec->kips.cap = cap;
	}
	for (i = (ip >> 4) * 0x9E3779B97F4A7C15ULL % rec->kips.cap; rec->kips.slots[i];
	     i = (i + 1) % rec->kips.cap)
		if (rec->kips.slots[i] == ip)
			return;
	rec->kips.slots[i] = ip;
	rec->kips.nr++;
}

/* Kernel addresses of a sample: its ip, or the kernel part of its callchain. */
void ppm_record__note_kernel_ips(struct ppm_record *rec, const struct perf_event_header *h)
{
	const uint64_t *u = (const uint64_t *)(h + 1);
	size_t words = (h->size - sizeof(*h)) / 8;
	int ip_pos = rec->opts.nr_events > 1;

	if (rec->callchain_pos < 0 || (size_t)rec->callchain_pos >= words) {
		if ((h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL &&
		    (size_t)ip_pos < words)
			kip_add(rec, u[ip_pos]);
		return;
	}
	{
		uint64_t nr = u[rec->callchain_pos];
		const uint64_t *ips = u + rec->callchain_pos + 1;
		int kernel = 0;

		if (nr > words - (size_t)rec->callchain_pos - 1)
			return;
		for (uint64_t i = 0; i < nr; i++) {
			if (ips[i] >= PERF_CONTEXT_MAX) {
				kernel = ips[i] == PERF_CONTEXT_KERNEL;
				if (!kernel)
					return; /* the user part follows the kernel part */
				continue;
			}
			if (kernel)
				kip_add(rec, ips[i]);
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

const uint64_t *ppm_record__kernel_ips(struct ppm_record *rec, size_t *nr)
{
	size_t n = 0;

	/* Compact the hash set in place into a sorted array; no more adds after stop. */
	for (size_t i = 0; i < rec->kips.cap; i++)
		if (rec->kips.slots[i])
			rec->kips.slots[n++] = rec->kips.slots[i];
	rec->kips.cap = n;
	rec->kips.nr = n;
	if (n)
		qsort(rec->kips.slots, n, sizeof(uint64_t), cmp_u64);
	*nr = n;
	return rec->kips.slots;
}
