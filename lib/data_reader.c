#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data_reader.h"

static int in_file(const struct ppm_data *d, uint64_t off, uint64_t len)
{
	return off <= d->size && len <= d->size - off;
}

const char *ppm_data__generic_name(uint32_t type, uint64_t config)
{
	static const char *const hw[] = {
		"cycles", "instructions", "cache-references", "cache-misses",
		"branches", "branch-misses", "bus-cycles", "stalled-cycles-frontend",
		"stalled-cycles-backend", "ref-cycles",
	};
	static const char *const sw[] = {
		"cpu-clock", "task-clock", "page-faults", "context-switches",
		"cpu-migrations", "minor-faults", "major-faults", "alignment-faults",
		"emulation-faults", "dummy", "bpf-output", "cgroup-switches",
	};

	if (type == PERF_TYPE_HARDWARE && config < sizeof(hw) / sizeof(hw[0]))
		return hw[config];
	if (type == PERF_TYPE_SOFTWARE && config < sizeof(sw) / sizeof(sw[0]))
		return sw[config];
	return NULL;
}

/* HEADER_EVENT_DESC gives the names the user typed; match them to attrs by position. */
static void read_event_names(struct ppm_data *d)
{
	size_t size, off = 8;
	const unsigned char *p = ppm_data__feature(d, PPM_FEAT_EVENT_DESC, &size);
	uint32_t nr, asz;

	if (!p || size < 8)
		return;
	memcpy(&nr, p, 4);
	memcpy(&asz, p + 4, 4);
	for (uint32_t i = 0; i < nr && (int)i < d->nr_attrs; i++) {
		uint32_t nids, slen;

		if (off + asz + 8 > size)
			return;
		off += asz;
		memcpy(&nids, p + off, 4);
		memcpy(&slen, p + off + 4, 4);
		off += 8;
		if (slen == 0 || slen > size - off)
			return;
		d->attrs[i].name = strndup((const char *)p + off, slen);
		off += slen;
		if ((uint64_t)nids * 8 > size - off)
			return;
		off += (size_t)nids * 8;
	}
}

static int read_attrs(struct ppm_data *d, const struct ppm_file_header *h, struct ppm_err *err)
{
	uint64_t asz = h->attr_size;

	if (asz < PERF_ATTR_SIZE_VER0 + sizeof(struct ppm_file_section) || asz > 4096 ||
	    h->attrs.size % asz || !in_file(d, h->attrs.offset, h->attrs.size))
		return ppm_err__set(err, -EINVAL, "corrupt attribute section");
	d->nr_attrs = (int)(h->attrs.size / asz);
	if (d->nr_attrs < 1 || d->nr_attrs > 4096)
		return ppm_err__set(err, -EINVAL, "file has %d events", d->nr_attrs);
	d->attrs = calloc((size_t)d->nr_attrs, sizeof(*d->attrs));
	if (!d->attrs)
		return ppm_err__set(err, -ENOMEM, "out of memory");
	for (int i = 0; i < d->nr_attrs; i++) {
		const unsigned char *e = d->map + h->attrs.offset + (uint64_t)i * asz;
		size_t alen = asz - sizeof(struct ppm_file_section);
		struct ppm_file_section ids;

		memcpy(&d->attrs[i].attr, e,
		       alen < sizeof(d->attrs[i].attr) ? alen : sizeof(d->attrs[i].attr));
		memcpy(&ids, e + alen, sizeof(ids));
		if (ids.size % 8 || !in_file(d, ids.offset, ids.size) || ids.offset % 8)
			return ppm_err__set(err, -EINVAL, "corrupt sample id list of event %d", i);
		d->attrs[i].ids = (const uint64_t *)(d->map + ids.offset);
		d->attrs[i].nr_ids = ids.size / 8;
		if (i && d->attrs[i].attr.sample_id_all != d->attrs[0].attr.sample_id_all)
			return ppm_err__set(err, -EINVAL, "events disagree on sample_id_all");
	}
	return 0;
}

/* Where the event id sits, so records of several events can be told apart. */
/*
 * Where a sample's time and call chain are, in u64 words after its header, when every
 * event puts them at the same place: -1 where they differ or are absent (samples are
 * then parsed whole). Reading in time order asks every sample's time, and the kernel
 * addresses gathered first need only the chain: both without a full parse.
 */
static void find_fixed_positions(struct ppm_data *d)
{
	const uint64_t before_time = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID;
	const uint64_t before_chain = before_time | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR |
				      PERF_SAMPLE_ID | PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU |
				      PERF_SAMPLE_PERIOD | PERF_SAMPLE_READ;
	uint64_t st = d->nr_attrs ? d->attrs[0].attr.sample_type : 0;

	d->time_pos = d->chain_pos = -1;
	for (int i = 1; i < d->nr_attrs; i++)
		if (d->attrs[i].attr.sample_type != st)
			return;
	if (st & PERF_SAMPLE_TIME)
		d->time_pos = __builtin_popcountll(st & before_time);
	if ((st & PERF_SAMPLE_CALLCHAIN) && !(st & PERF_SAMPLE_READ))
		d->chain_pos = __builtin_popcountll(st & before_chain);
}

int ppm_data__sample_time(const struct ppm_data *d, const struct perf_event_header *h,
			  uint64_t *time)
{
	struct ppm_sample s;

	if (d->time_pos >= 0) {
		if (h->size < sizeof(*h) + 8 * ((size_t)d->time_pos + 1))
			return -EINVAL;
		memcpy(time, (const unsigned char *)(h + 1) + 8 * (size_t)d->time_pos, 8);
		return 0;
	}
	if (ppm_data__parse_sample(d, h, &s) || !(d->attrs[s.attr].attr.sample_type & PERF_SAMPLE_TIME))
		return -ENOENT;
	*time = s.time;
	return 0;
}

int ppm_data__sample_chain(const struct ppm_data *d, const struct perf_event_header *h,
			   uint64_t *ip, const uint64_t **chain, uint64_t *nr)
{
	const uint64_t *p = (const uint64_t *)(h + 1);
	size_t words = (h->size - sizeof(*h)) / 8;
	struct ppm_sample s;

	if (d->chain_pos >= 0) {
		if (words < (size_t)d->chain_pos + 1)
			return -EINVAL;
		*ip = (d->attrs[0].attr.sample_type & PERF_SAMPLE_IP) ?
			      p[!!(d->attrs[0].attr.sample_type & PERF_SAMPLE_IDENTIFIER)] : 0;
		*nr = p[d->chain_pos];
		if (*nr > words - (size_t)d->chain_pos - 1)
			return -EINVAL;
		*chain = p + d->chain_pos + 1;
		return 0;
	}
	if (ppm_data__parse_sample(d, h, &s))
		return -EINVAL;
	*ip = s.ip;
	*chain = s.callchain;
	*nr = s.nr_callchain;
	return 0;
}

static void find_id_positions(struct ppm_data *d)
{
	uint64_t st = d->attrs[0].attr.sample_type;
	int pos = 0;

	find_fixed_positions(d);

	d->sample_id_pos = d->trailer_id_pos = -1;
	if (st & PERF_SAMPLE_IDENTIFIER) {
		d->sample_id_pos = 0;
		d->trailer_id_pos = 0;
		return;
	}
	if (!(st & PERF_SAMPLE_ID))
		return;
	pos += !!(st & PERF_SAMPLE_IP) + !!(st & PERF_SAMPLE_TID) + !!(st & PERF_SAMPLE_TIME) +
	       !!(st & PERF_SAMPLE_ADDR);
	d->sample_id_pos = pos;
	/* Trailer order: tid, time, id, stream_id, cpu, identifier; counted from the end. */
	d->trailer_id_pos = !!(st & PERF_SAMPLE_CPU) + !!(st & PERF_SAMPLE_STREAM_ID);
}

void ppm_data__describe(struct ppm_data *d, struct ppm_evsel_desc *attrs, int nr)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->attrs = attrs;
	d->nr_attrs = nr;
	find_id_positions(d);
}

/*
 * pyperfmap's private sections, indexed by the trailer at the very end (perf_file.h).
 * Files of pyperfmap before 0.2 wrote the attrs last: there, bytes after the attrs
 * must be that trailer, and anything else is a file cut short. Returns 0 or -EINVAL.
 */
static int read_private_sections(struct ppm_data *d, const struct ppm_file_header *h)
{
	uint64_t perf_end = h->attrs.offset + h->attrs.size;
	struct ppm_private_trailer tr;
	uint64_t at;

	if (d->size >= sizeof(tr))
		memcpy(&tr, d->map + d->size - sizeof(tr), sizeof(tr));
	if (d->size < sizeof(tr) || tr.magic != PPM_PRIVATE_MAGIC) {
		/* none; in the old layout, other bytes after the attrs are a cut */
		return h->attrs.offset > h->data.offset && d->size > perf_end ? -EINVAL : 0;
	}
	if (tr.nr > 64 || d->size - sizeof(tr) < tr.nr * sizeof(struct ppm_private_entry))
		return -EINVAL;
	at = d->size - sizeof(tr) - tr.nr * sizeof(struct ppm_private_entry);
	for (uint64_t i = 0; i < tr.nr; i++) {
		struct ppm_private_entry e;

		memcpy(&e, d->map + at + i * sizeof(e), sizeof(e));
		if (e.feat >= PPM_FEAT_PRIVATE && e.feat < PPM_FEAT_BITS && in_file(d, e.offset, e.size)) {
			d->feat[e.feat].offset = e.offset;
			d->feat[e.feat].size = e.size;
		}
	}
	return 0;
}

/* The file open and mapped whole (read-only, private). */
static int map_file(struct ppm_data *d, const char *path, struct ppm_err *err)
{
	struct stat st;

	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		return ppm_err__set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(d->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return ppm_err__set(err, -EINVAL, "'%s' is not a regular file", path);
	d->size = (size_t)st.st_size;
	if (d->size < sizeof(struct ppm_file_header))
		return ppm_err__set(err, -EINVAL, "'%s' is %s, not a perf.data file", path,
				    d->size ? "truncated" : "empty");
	d->map = mmap(NULL, d->size, PROT_READ, MAP_PRIVATE, d->fd, 0);
	if (d->map == MAP_FAILED) {
		d->map = NULL;
		return ppm_err__set(err, -errno, "cannot map '%s': %s", path, strerror(errno));
	}
	return 0;
}

/* The header is PERFILE2's, of this byte order, with its data section in the file. */
static int check_header(struct ppm_data *d, const struct ppm_file_header *h, const char *path,
			struct ppm_err *err)
{
	if (h->magic == PPM_PERF_MAGIC_SWAPPED)
		return ppm_err__set(err, -ENOTSUP, "'%s' was written on a machine of the other byte "
				    "order", path);
	if (h->magic != PPM_PERF_MAGIC)
		return ppm_err__set(err, -EINVAL, "'%s' is not a perf.data file (bad magic)", path);
	if (h->size != sizeof(*h))
		return ppm_err__set(err, -ENOTSUP, h->size == 16 ?
				    "'%s' is in perf's pipe format; write it to a file with 'perf record -o'" :
				    "'%s' has an unknown header size", path);
	if (!in_file(d, h->data.offset, h->data.size) || h->data.offset % 8)
		return ppm_err__set(err, -EINVAL, "'%s' is truncated or corrupt (data section out of "
				    "bounds)", path);
	d->data = d->map + h->data.offset;
	d->data_size = h->data.size;
	return 0;
}

/* The feature index after the data: how many features the header announces, or -errno. */
static int read_features(struct ppm_data *d, const struct ppm_file_header *h, const char *path,
			 struct ppm_err *err)
{
	uint64_t idx = h->data.offset + h->data.size;
	int nfeat = 0, k = 0;

	for (int b = 0; b < PPM_FEAT_BITS; b++)
		nfeat += !!(h->features[b / 64] & (1ULL << (b % 64)));
	if (!nfeat)
		return 0;
	if (!in_file(d, idx, (uint64_t)nfeat * sizeof(struct ppm_file_section)))
		return ppm_err__set(err, -EINVAL, "'%s' is truncated (feature sections missing)", path);
	for (int b = 0; b < PPM_FEAT_BITS; b++) {
		struct ppm_file_section s;

		if (!(h->features[b / 64] & (1ULL << (b % 64))))
			continue;
		memcpy(&s, d->map + idx + (uint64_t)k++ * sizeof(s), sizeof(s));
		if (in_file(d, s.offset, s.size))
			d->feat[b] = s;  /* a bad one is ignored, like perf does */
	}
	return nfeat;
}

/*
 * Whether perf wrote the file (perf inject rewrites a pyperfmap recording and keeps
 * its VERSION, not its private sections): the first word of its CMDLINE is perf.
 */
static int rewritten_by_perf(const struct ppm_data *d)
{
	size_t size;
	const unsigned char *c = ppm_data__feature(d, PPM_FEAT_CMDLINE, &size);
	uint32_t nr, len;
	const char *argv0, *base;

	if (!c || size < 8)
		return 0;
	memcpy(&nr, c, 4);
	memcpy(&len, c + 4, 4);
	if (!nr || !len || len > size - 8)
		return 0;
	argv0 = (const char *)c + 8;
	if (!memchr(argv0, '\0', len))
		return 0;
	base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	return !strcmp(base, "perf") || !strncmp(base, "perf-", 5);
}

/*
 * A recording its recorder did not finish: the header without any feature (cut
 * while data was being added), a checkpoint's state saying "recording", or a
 * file of pyperfmap 0.2+ that lost its state (its private sections cut off; not
 * one perf rewrote, which keeps no private section).
 */
static int was_cut_short(const struct ppm_data *d, int nfeat)
{
	size_t ssize, vsize;
	const unsigned char *state = ppm_data__feature(d, PPM_FEAT_STATE, &ssize);
	const unsigned char *ver = ppm_data__feature(d, PPM_FEAT_VERSION, &vsize);
	uint64_t flags = 0;
	int ours = ver && vsize > 4 + 12 && !memcmp(ver + 4, "pyperfmap ", 10) &&
		   memcmp(ver + 14, "0.1.", 4) != 0;

	if (state && ssize >= 8)
		memcpy(&flags, state, 8);
	return !nfeat || (state && !(flags & PPM_STATE_COMPLETE)) ||
	       (ours && !state && !rewritten_by_perf(d));
}

/* Events the file does not name (perf's EVENT_DESC) get perf's generic name, or type:config. */
static int name_events(struct ppm_data *d)
{
	read_event_names(d);
	for (int i = 0; i < d->nr_attrs; i++) {
		const char *g = ppm_data__generic_name(d->attrs[i].attr.type, d->attrs[i].attr.config);
		char buf[64];

		if (d->attrs[i].name)
			continue;
		if (g)
			snprintf(buf, sizeof(buf), "%s", g);
		else
			snprintf(buf, sizeof(buf), "event-%u:%llx", d->attrs[i].attr.type,
				 (unsigned long long)d->attrs[i].attr.config);
		d->attrs[i].name = strdup(buf);
		if (!d->attrs[i].name)
			return -ENOMEM;
	}
	return 0;
}

int ppm_data__open(struct ppm_data **out, const char *path, struct ppm_err *err)
{
	struct ppm_file_header h;
	struct ppm_data *d;
	int rc, nfeat;

	d = calloc(1, sizeof(*d));
	if (!d)
		return ppm_err__set(err, -ENOMEM, "out of memory");
	d->fd = -1;
	rc = map_file(d, path, err);
	if (rc)
		goto error;
	memcpy(&h, d->map, sizeof(h));
	rc = check_header(d, &h, path, err);
	if (!rc)
		rc = read_attrs(d, &h, err);
	if (rc)
		goto error;
	nfeat = read_features(d, &h, path, err);
	if (nfeat < 0) {
		rc = nfeat;
		goto error;
	}
	if (read_private_sections(d, &h)) {
		rc = ppm_err__set(err, -EINVAL, "'%s' is truncated (its end is cut off)", path);
		goto error;
	}
	d->cut_short = was_cut_short(d, nfeat);
	if (name_events(d)) {
		rc = ppm_err__set(err, -ENOMEM, "out of memory");
		goto error;
	}
	find_id_positions(d);
	*out = d;
	return 0;
error:
	ppm_data__close(d);
	return rc;
}

void ppm_data__close(struct ppm_data *d)
{
	if (!d)
		return;
	if (d->map)
		munmap((void *)d->map, d->size);
	if (d->fd >= 0)
		close(d->fd);
	for (int i = 0; i < d->nr_attrs; i++)
		free(d->attrs[i].name);
	free(d->attrs);
	free(d);
}

const void *ppm_data__feature(const struct ppm_data *d, int feat, size_t *size)
{
	if (feat <= 0 || feat >= PPM_FEAT_BITS || !d->feat[feat].offset)
		return NULL;
	*size = d->feat[feat].size;
	return d->map + d->feat[feat].offset;
}

const struct perf_event_header *ppm_data__next(const struct ppm_data *d, uint64_t *pos, int *rc)
{
	const struct perf_event_header *h;

	*rc = 0;
	if (*pos + sizeof(*h) > d->data_size)
		return NULL;
	h = (const void *)(d->data + *pos);
	if (h->size < sizeof(*h) || h->size > d->data_size - *pos || (h->size & 7)) {
		*rc = -EINVAL;
		return NULL;
	}
	*pos += h->size;
	return h;
}

static int attr_of_id(const struct ppm_data *d, uint64_t id)
{
	for (int i = 0; i < d->nr_attrs; i++)
		for (size_t k = 0; k < d->attrs[i].nr_ids; k++)
			if (d->attrs[i].ids[k] == id)
				return i;
	return 0; /* perf also falls back to the first event */
}

int ppm_data__parse_sample(const struct ppm_data *d, const struct perf_event_header *h,
			   struct ppm_sample *s)
{
	const uint64_t *p = (const uint64_t *)(h + 1);
	const uint64_t *end = (const uint64_t *)((const unsigned char *)h + h->size);
	uint64_t st;

	memset(s, 0, sizeof(*s));
	s->misc = h->misc;
	if (d->nr_attrs > 1 && d->sample_id_pos >= 0) {
		if (p + d->sample_id_pos >= end)
			return -EINVAL;
		s->attr = attr_of_id(d, p[d->sample_id_pos]);
	}
	st = d->attrs[s->attr].attr.sample_type;
#define TAKE(v) do { if (p >= end) return -EINVAL; (v) = *p++; } while (0)
	if (st & PERF_SAMPLE_IDENTIFIER)
		TAKE(s->id);
	if (st & PERF_SAMPLE_IP)
		TAKE(s->ip);
	if (st & PERF_SAMPLE_TID) {
		uint64_t v;

		TAKE(v);
		s->pid = (uint32_t)v;
		s->tid = (uint32_t)(v >> 32);
	}
	if (st & PERF_SAMPLE_TIME)
		TAKE(s->time);
	if (st & PERF_SAMPLE_ADDR)
		TAKE(s->addr);
	if (st & PERF_SAMPLE_ID)
		TAKE(s->id);
	if (st & PERF_SAMPLE_STREAM_ID)
		p++;
	if (st & PERF_SAMPLE_CPU) {
		uint64_t v;

		TAKE(v);
		s->cpu = (uint32_t)v;
	}
	s->period = 1;
	if (st & PERF_SAMPLE_PERIOD)
		TAKE(s->period);
	if (st & PERF_SAMPLE_READ) {
		uint64_t rf = d->attrs[s->attr].attr.read_format, n = 1, per;

		per = 1 + !!(rf & PERF_FORMAT_ID) + !!(rf & PERF_FORMAT_LOST);
		if (rf & PERF_FORMAT_GROUP)
			TAKE(n);
		if (n > 4096)
			return -EINVAL;
		p += !!(rf & PERF_FORMAT_TOTAL_TIME_ENABLED) + !!(rf & PERF_FORMAT_TOTAL_TIME_RUNNING);
		p += n * per;
		if (p > end)
			return -EINVAL;
	}
	if (st & PERF_SAMPLE_CALLCHAIN) {
		TAKE(s->nr_callchain);
		if (s->nr_callchain > (uint64_t)(end - p))
			return -EINVAL;
		s->callchain = p;
		p += s->nr_callchain;
	}
	if (!(st & (PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER)))
		return 0;
	/* What lies between the call chain and the user registers, skipped. */
	if (st & PERF_SAMPLE_RAW) {
		uint32_t raw;

		if (p >= end)
			return -EINVAL;
		memcpy(&raw, p, 4);
		/* u32 size, then size bytes, padded so the whole is a multiple of 8 */
		if ((uint64_t)raw + 4 > (uint64_t)(end - p) * 8)
			return -EINVAL;
		p += ((uint64_t)raw + 4 + 7) / 8;
	}
	if (st & PERF_SAMPLE_BRANCH_STACK) {
		uint64_t nr;

		TAKE(nr);
		if (d->attrs[s->attr].attr.branch_sample_type & PERF_SAMPLE_BRANCH_HW_INDEX)
			p++;
		if (p > end || nr > (uint64_t)(end - p) / 3)
			return -EINVAL;
		p += nr * 3;
	}
	if (st & PERF_SAMPLE_REGS_USER) {
		uint64_t n = (uint64_t)__builtin_popcountll(d->attrs[s->attr].attr.sample_regs_user);

		TAKE(s->regs_abi);
		if (s->regs_abi) {
			if (n > (uint64_t)(end - p))
				return -EINVAL;
			s->regs = p;
			s->regs_mask = d->attrs[s->attr].attr.sample_regs_user;
			p += n;
		}
	}
	if (st & PERF_SAMPLE_STACK_USER) {
		uint64_t size, dyn = 0;

		TAKE(size);
		if (size > (uint64_t)(end - p) * 8)
			return -EINVAL;
		if (size) {
			const unsigned char *data = (const unsigned char *)p;

			p += (size + 7) / 8;
			TAKE(dyn);
			s->stack = data;
			s->stack_size = dyn < size ? dyn : size;
		}
	}
#undef TAKE
	return 0;
}

int ppm_data__kernel_build_id(const struct ppm_data *d, char *hex, size_t len)
{
	size_t size, off = 0;
	const unsigned char *p = ppm_data__feature(d, PPM_FEAT_BUILD_ID, &size);
	static const char kernel[] = "[kernel.kallsyms]";

	/* { perf_event_header; s32 pid; u8 build_id[24]; char filename[] } per binary;
	 * with PERF_RECORD_MISC_BUILD_ID_SIZE set, build_id[20] is the id's length */
	while (p && size - off >= 8 + 4 + 24 + sizeof(kernel)) {
		struct perf_event_header h;
		size_t n = 20;

		memcpy(&h, p + off, sizeof(h));
		if (h.size < 8 + 4 + 24 || h.size > size - off)
			break;
		if (h.misc & (1 << 15))
			n = p[off + 12 + 20] <= 20 ? p[off + 12 + 20] : 20;
		if (!memcmp(p + off + 36, kernel, sizeof(kernel)) && h.size >= 36 + sizeof(kernel)) {
			if (len < 2 * n + 1)
				return -ENOSPC;
			for (size_t i = 0; i < n; i++)
				snprintf(hex + 2 * i, 3, "%02x", p[off + 12 + i]);
			hex[2 * n] = '\0';
			return n ? 0 : -ENOENT;
		}
		off += h.size;
	}
	return -ENOENT;
}

int ppm_sample__user_reg(const struct ppm_sample *s, int reg, uint64_t *value)
{
	if (!s->regs || reg < 0 || reg > 63 || !(s->regs_mask & (1ULL << reg)))
		return -ENOENT;
	*value = s->regs[__builtin_popcountll(s->regs_mask & ((1ULL << reg) - 1))];
	return 0;
}

int ppm_data__parse_id(const struct ppm_data *d, const struct perf_event_header *h,
		       struct ppm_sample_id *id)
{
	const uint64_t *start = (const uint64_t *)(h + 1);
	const uint64_t *p = (const uint64_t *)((const unsigned char *)h + h->size);
	uint64_t st;

	memset(id, 0, sizeof(*id));
	if (!d->attrs[0].attr.sample_id_all || h->type >= 64)
		return 0;
	if (d->nr_attrs > 1 && d->trailer_id_pos >= 0) {
		if (p - 1 - d->trailer_id_pos < start)
			return -EINVAL;
		id->attr = attr_of_id(d, p[-1 - d->trailer_id_pos]);
	}
	st = d->attrs[id->attr].attr.sample_type;
	/* Walk the trailer backwards from the end of the record. */
#define BACK(v) do { if (p <= start) return -EINVAL; (v) = *--p; } while (0)
	{
		uint64_t v;

		if (st & PERF_SAMPLE_IDENTIFIER)
			BACK(v);
		if (st & PERF_SAMPLE_CPU) {
			BACK(v);
			id->cpu = (uint32_t)v;
		}
		if (st & PERF_SAMPLE_STREAM_ID)
			BACK(v);
		if (st & PERF_SAMPLE_ID)
			BACK(v);
		if (st & PERF_SAMPLE_TIME) {
			BACK(id->time);
			id->has_time = 1;
		}
		if (st & PERF_SAMPLE_TID) {
			BACK(v);
			id->pid = (uint32_t)v;
			id->tid = (uint32_t)(v >> 32);
		}
	}
#undef BACK
	return 0;
}
