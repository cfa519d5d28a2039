#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/data_writer.h"
#include "../../lib/perf_file.h"
#include "sample_file.h"

static size_t put(unsigned char *p, size_t off, const void *v, size_t n)
{
	memcpy(p + off, v, n);
	return off + n;
}

/* sample_id trailer for IP|TID|TIME|CPU|PERIOD [|IDENTIFIER] */
static size_t trailer(unsigned char *p, size_t off, uint32_t pid, uint32_t tid, uint64_t time,
		      int with_id, uint64_t id)
{
	uint32_t pt[2] = { pid, tid }, cpu[2] = { 0, 0 };

	off = put(p, off, pt, 8);
	off = put(p, off, &time, 8);
	off = put(p, off, cpu, 8);
	if (with_id)
		off = put(p, off, &id, 8);
	return off;
}

int sample_file_write(int fd, const struct sample_file_spec *spec)
{
	struct ppm_writer_attr wa[2];
	uint64_t ids[2][2] = { { 11, 12 }, { 21, 22 } };
	const char *names[2] = { "cpu-clock", "task-clock:u" };
	const char *bin = spec->binary ? spec->binary : "/usr/bin/true-fixture";
	uint64_t start = spec->map_start ? spec->map_start : 0x400000;
	uint64_t len = spec->map_len ? spec->map_len : 0x10000;
	struct ppm_data_writer *w;
	unsigned char rec[8192];
	int multi = spec->nr_events > 1, err;
	static const char perfmap[] = "7f0000001000 100 py::hot_function:/tmp/x.py\n";

	memset(wa, 0, sizeof(wa));
	for (int e = 0; e < spec->nr_events; e++) {
		struct perf_event_attr *a = &wa[e].attr;

		a->type = PERF_TYPE_SOFTWARE;
		a->config = e ? PERF_COUNT_SW_TASK_CLOCK : PERF_COUNT_SW_CPU_CLOCK;
		a->size = sizeof(*a);
		a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
				 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
		if (multi)
			a->sample_type |= PERF_SAMPLE_IDENTIFIER;
		if (spec->callchain)
			a->sample_type |= PERF_SAMPLE_CALLCHAIN;
		a->sample_id_all = 1;
		a->exclude_kernel = e == 1;
		wa[e].name = names[e];
		wa[e].ids = ids[e];
		wa[e].nr_ids = 2;
	}
	w = ppm_data_writer__new(fd, wa, (size_t)spec->nr_events);
	if (!w)
		return -errno;
	{
		/* COMM exec, then the binary's MMAP2. */
		struct perf_event_header h = { PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC, 0 };
		uint32_t pt[2] = { 1000, 1000 };
		char comm[16] = "fixture";
		size_t off = sizeof(h);

		off = put(rec, off, pt, 8);
		off = put(rec, off, comm, 16);
		off = trailer(rec, off, 1000, 1000, 100, multi, 11);
		h.size = (uint16_t)off;
		memcpy(rec, &h, sizeof(h));
		if ((err = ppm_data_writer__write(w, rec, off)))
			goto out;
	}
	{
		struct perf_event_header h = { PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER, 0 };
		uint32_t pt[2] = { 1000, 1000 }, prot[2] = { 5 /* r-x */, 2 };
		uint64_t range[3] = { start, len, spec->map_pgoff }, dev[3] = { 0, 0, 0 };
		size_t off = sizeof(h), nlen = strlen(bin) + 1;

		off = put(rec, off, pt, 8);
		off = put(rec, off, range, 24);
		off = put(rec, off, dev, 24);
		off = put(rec, off, prot, 8);
		memset(rec + off, 0, (nlen + 7) & ~7u);
		memcpy(rec + off, bin, nlen);
		off += (nlen + 7) & ~7u;
		off = trailer(rec, off, 1000, 1000, 200, multi, 11);
		h.size = (uint16_t)off;
		memcpy(rec, &h, sizeof(h));
		if ((err = ppm_data_writer__write(w, rec, off)))
			goto out;
	}
	for (uint64_t i = 0; i < spec->nr_samples; i++) {
		struct perf_event_header h = { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, 0 };
		uint64_t ev = multi ? i % 2 : 0, id = ids[ev][i % 2];
		uint64_t ip = start + 0x100 + (i * 64) % (len - 0x200);
		uint32_t pt[2] = { 1000, 1000 + (uint32_t)(i % 3) }, cpu[2] = { (uint32_t)(i % 2), 0 };
		uint64_t time = 1000000 + 10 * i, period = 250000;
		int depth = spec->depth ? spec->depth : 1 + (int)(i % 4);
		size_t off = sizeof(h);

		if (multi)
			off = put(rec, off, &id, 8);
		off = put(rec, off, &ip, 8);
		off = put(rec, off, pt, 8);
		off = put(rec, off, &time, 8);
		off = put(rec, off, cpu, 8);
		off = put(rec, off, &period, 8);
		if (spec->callchain) {
			uint64_t nr = 1 + (uint64_t)depth, marker = PERF_CONTEXT_USER;

			off = put(rec, off, &nr, 8);
			off = put(rec, off, &marker, 8);
			off = put(rec, off, &ip, 8);
			for (int k = 1; k < depth; k++) {
				/* Callers: alternate the binary and the Python stub. */
				uint64_t caller = k % 2 ? 0x7f0000001010 : start + 0x180 + 16 * (uint64_t)k;

				off = put(rec, off, &caller, 8);
			}
		}
		h.size = (uint16_t)off;
		memcpy(rec, &h, sizeof(h));
		if ((err = ppm_data_writer__write(w, rec, off)))
			goto out;
	}
	{
		unsigned char buf[8 + sizeof(perfmap) + 8];
		uint32_t hdr[2] = { 1000, sizeof(perfmap) - 1 };
		size_t n = 8 + ((sizeof(perfmap) - 1 + 7) & ~7u);

		memset(buf, 0, sizeof(buf));
		memcpy(buf, hdr, 8);
		memcpy(buf + 8, perfmap, sizeof(perfmap) - 1);
		if ((err = ppm_data_writer__add_feature(w, PPM_FEAT_PERFMAPS, buf, n)))
			goto out;
	}
	err = ppm_data_writer__finish(w);
out:
	ppm_data_writer__free(w);
	return err;
}
