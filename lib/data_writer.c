#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "data_writer.h"
#include "perf_file.h"

/*
 * The file is readable from the start and after every checkpoint, so a recording
 * survives its recorder (SIGKILL, a crash, a full disk):
 *
 *	header | sample ids | attrs | data ... | perf feature index | feature sections |
 *	pyperfmap's private sections | private index | trailer
 *
 * The header, ids and attrs are written when the writer is made; records are gathered
 * in user space and appended in large blocks; a checkpoint writes everything after the
 * data (the tail), then the header that points at it. Before data goes where a tail
 * was, the header first says "no features" with the data size of what is on disk, so
 * at every moment the header describes bytes that are there: a file cut off anywhere
 * reads as a valid perf.data with the data up to the last block written.
 */
#define WBUF_SIZE (512 * 1024)

struct feature {
	int feat;
	void *buf;
	size_t size;
};

struct ppm_data_writer {
	int fd;
	struct ppm_writer_attr *attrs;
	size_t nr_attrs;
	unsigned char *buf;
	size_t used;
	uint64_t data_offset;     /* where the data section starts */
	uint64_t data_size;       /* bytes of data on disk */
	uint64_t file_size;
	int tail_valid;           /* the header points at a tail that is on disk */
	struct feature feats[PPM_FEAT_BITS];
	int nr_feats;
	int failed;
	long test_pause_ms;       /* PPM_TEST_CHECKPOINT_PAUSE_MS: see the checkpoint */
};

static int write_all(int fd, const void *buf, size_t size, off_t off)
{
	const unsigned char *p = buf;

	while (size) {
		ssize_t n = pwrite(fd, p, size, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		off += n;
		size -= (size_t)n;
	}
	return 0;
}

static void header_fill(const struct ppm_data_writer *w, struct ppm_file_header *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = PPM_PERF_MAGIC;
	hdr->size = sizeof(*hdr);
	hdr->attr_size = sizeof(struct ppm_file_attr);
	hdr->attrs.offset = w->data_offset - w->nr_attrs * sizeof(struct ppm_file_attr);
	hdr->attrs.size = w->nr_attrs * sizeof(struct ppm_file_attr);
	hdr->data.offset = w->data_offset;
	hdr->data.size = w->data_size;
}

/* The header without features: valid whatever lies after the data on disk. */
static int header_bare(struct ppm_data_writer *w)
{
	struct ppm_file_header hdr;

	header_fill(w, &hdr);
	return write_all(w->fd, &hdr, sizeof(hdr), 0);
}

/*
 * Before data goes where the tail is: the header stops pointing at it, and the tail
 * goes (a stale trailer at the end of the file would index sections that data is
 * about to overwrite).
 */
static int drop_tail(struct ppm_data_writer *w)
{
	int err;

	if (!w->tail_valid)
		return 0;
	err = header_bare(w);
	if (!err && ftruncate(w->fd, (off_t)(w->data_offset + w->data_size)) < 0)
		err = -errno;
	if (!err)
		w->tail_valid = 0;
	return err;
}

/* The header, the ids and the attrs, at the front: what every reader needs first. */
static int write_front(struct ppm_data_writer *w)
{
	uint64_t off = (sizeof(struct ppm_file_header) + 7) & ~7ULL;
	int err = 0;

	for (size_t i = 0; i < w->nr_attrs; i++)
		off += 8 * w->attrs[i].nr_ids;
	w->data_offset = off + w->nr_attrs * sizeof(struct ppm_file_attr);
	off = (sizeof(struct ppm_file_header) + 7) & ~7ULL;
	for (size_t i = 0; i < w->nr_attrs && !err; i++) {
		struct ppm_file_attr fa;

		memset(&fa, 0, sizeof(fa));
		fa.attr = w->attrs[i].attr;
		fa.attr.size = sizeof(fa.attr);
		fa.ids.offset = off;
		fa.ids.size = 8 * w->attrs[i].nr_ids;
		err = write_all(w->fd, w->attrs[i].ids, fa.ids.size, (off_t)off);
		if (!err)
			err = write_all(w->fd, &fa, sizeof(fa),
					(off_t)(w->data_offset - (w->nr_attrs - i) * sizeof(fa)));
		off += fa.ids.size;
	}
	w->file_size = w->data_offset;
	return err ? err : header_bare(w);
}

static int add_event_desc(struct ppm_data_writer *w);

struct ppm_data_writer *ppm_data_writer__new(int fd, const struct ppm_writer_attr *attrs,
					     size_t nr_attrs)
{
	struct ppm_data_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->fd = fd;
	w->buf = malloc(WBUF_SIZE);
	w->attrs = calloc(nr_attrs ? nr_attrs : 1, sizeof(*attrs));
	if (!w->buf || !w->attrs) {
		ppm_data_writer__free(w);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(w->attrs, attrs, nr_attrs * sizeof(*attrs));
	w->nr_attrs = nr_attrs;
	if (getenv("PPM_TEST_CHECKPOINT_PAUSE_MS"))
		w->test_pause_ms = atol(getenv("PPM_TEST_CHECKPOINT_PAUSE_MS"));
	err = write_front(w);
	if (!err)
		err = add_event_desc(w);
	if (err) {
		ppm_data_writer__free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

/* Appends the gathered records; the header keeps up with the data on disk. */
static int flush(struct ppm_data_writer *w)
{
	int err;

	if (!w->used)
		return 0;
	if ((err = drop_tail(w)))
		return w->failed = err;
	err = write_all(w->fd, w->buf, w->used, (off_t)(w->data_offset + w->data_size));
	if (err)
		return w->failed = err;
	w->data_size += w->used;
	w->used = 0;
	return header_bare(w);
}

int ppm_data_writer__flush(struct ppm_data_writer *w)
{
	return w->failed ? w->failed : flush(w);
}

int ppm_data_writer__write(struct ppm_data_writer *w, const void *buf, size_t size)
{
	if (w->failed)
		return w->failed;
	if (w->used + size > WBUF_SIZE) {
		int err = flush(w);

		if (err)
			return err;
		if (size > WBUF_SIZE) {
			err = drop_tail(w);
			if (!err)
				err = write_all(w->fd, buf, size, (off_t)(w->data_offset + w->data_size));
			if (err)
				return w->failed = err;
			w->data_size += size;
			return header_bare(w);
		}
	}
	memcpy(w->buf + w->used, buf, size);
	w->used += size;
	return 0;
}

int ppm_data_writer__add_feature(struct ppm_data_writer *w, int feat, const void *buf, size_t size)
{
	struct feature *f = NULL;
	void *copy;

	if (feat <= 0 || feat >= PPM_FEAT_BITS)
		return -EINVAL;
	for (int i = 0; i < w->nr_feats; i++)
		if (w->feats[i].feat == feat)
			f = &w->feats[i];
	if (!f && w->nr_feats == PPM_FEAT_BITS)
		return -EINVAL;
	copy = malloc(size ? size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, size);
	if (!f) {
		f = &w->feats[w->nr_feats++];
		f->feat = feat;
	} else {
		free(f->buf);   /* a later copy of a section replaces the earlier one */
	}
	f->buf = copy;
	f->size = size;
	return 0;
}

/* perf's string encoding: u32 length (NUL included, padded to 64), then the bytes. */
static size_t put_string(unsigned char *out, const char *s)
{
	uint32_t len = (uint32_t)((strlen(s) + 1 + 63) & ~63UL);

	if (out) {
		memcpy(out, &len, 4);
		memset(out + 4, 0, len);
		memcpy(out + 4, s, strlen(s));
	}
	return 4 + len;
}

int ppm_data_writer__add_string(struct ppm_data_writer *w, int feat, const char *s)
{
	size_t size = put_string(NULL, s);
	unsigned char *buf = malloc(size);
	int err;

	if (!buf)
		return -ENOMEM;
	put_string(buf, s);
	err = ppm_data_writer__add_feature(w, feat, buf, size);
	free(buf);
	return err;
}

int ppm_data_writer__add_strings(struct ppm_data_writer *w, int feat, const char *const *v, int n)
{
	size_t size = 4, off = 4;
	uint32_t nr = (uint32_t)n;
	unsigned char *buf;
	int err;

	for (int i = 0; i < n; i++)
		size += put_string(NULL, v[i]);
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &nr, 4);
	for (int i = 0; i < n; i++)
		off += put_string(buf + off, v[i]);
	err = ppm_data_writer__add_feature(w, feat, buf, size);
	free(buf);
	return err;
}

/* HEADER_EVENT_DESC: how perf learns the event names the user typed. */
static int add_event_desc(struct ppm_data_writer *w)
{
	size_t size = 8, off = 8;
	uint32_t nr = (uint32_t)w->nr_attrs, asz = sizeof(struct perf_event_attr);
	unsigned char *buf;
	int err;

	for (size_t i = 0; i < w->nr_attrs; i++)
		size += asz + 4 + put_string(NULL, w->attrs[i].name) + 8 * w->attrs[i].nr_ids;
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &nr, 4);
	memcpy(buf + 4, &asz, 4);
	for (size_t i = 0; i < w->nr_attrs; i++) {
		uint32_t nids = (uint32_t)w->attrs[i].nr_ids;

		memcpy(buf + off, &w->attrs[i].attr, asz);
		off += asz;
		memcpy(buf + off, &nids, 4);
		off += 4;
		off += put_string(buf + off, w->attrs[i].name);
		memcpy(buf + off, w->attrs[i].ids, 8 * nids);
		off += 8 * nids;
	}
	err = ppm_data_writer__add_feature(w, PPM_FEAT_EVENT_DESC, buf, size);
	free(buf);
	return err;
}

static int cmp_feat(const void *a, const void *b)
{
	return ((const struct feature *)a)->feat - ((const struct feature *)b)->feat;
}

int ppm_data_writer__checkpoint(struct ppm_data_writer *w)
{
	struct ppm_file_header hdr;
	struct ppm_file_section *index = NULL;
	struct ppm_private_entry *priv = NULL;
	uint64_t off, tail;
	int err, nr_perf = 0;

	if (w->failed)
		return w->failed;
	err = flush(w);
	if (!err)
		err = drop_tail(w);
	if (err)
		return w->failed = err;
	header_fill(w, &hdr);
	/* perf expects the feature index right after the data, in bit order; private
	 * sections (sorted last) are written after perf's and indexed by the trailer. */
	qsort(w->feats, (size_t)w->nr_feats, sizeof(w->feats[0]), cmp_feat);
	while (nr_perf < w->nr_feats && w->feats[nr_perf].feat < PPM_FEAT_PRIVATE)
		nr_perf++;
	tail = w->data_offset + w->data_size;
	index = calloc((size_t)w->nr_feats + 1, sizeof(*index));
	priv = calloc((size_t)(w->nr_feats - nr_perf) + 1, sizeof(*priv));
	if (!index || !priv) {
		err = -ENOMEM;
		goto out;
	}
	off = tail + (uint64_t)nr_perf * sizeof(*index);
	for (int i = 0; i < w->nr_feats; i++) {
		err = write_all(w->fd, w->feats[i].buf, w->feats[i].size, (off_t)off);
		if (err)
			goto out;
		if (i < nr_perf) {
			index[i].offset = off;
			index[i].size = w->feats[i].size;
			hdr.features[w->feats[i].feat / 64] |= 1ULL << (w->feats[i].feat % 64);
		} else {
			priv[i - nr_perf].feat = (uint64_t)w->feats[i].feat;
			priv[i - nr_perf].offset = off;
			priv[i - nr_perf].size = w->feats[i].size;
		}
		off += w->feats[i].size;
	}
	err = write_all(w->fd, index, (size_t)nr_perf * sizeof(*index), (off_t)tail);
	if (err)
		goto out;
	if (nr_perf < w->nr_feats) {
		struct ppm_private_trailer tr = { (uint64_t)(w->nr_feats - nr_perf), PPM_PRIVATE_MAGIC };
		size_t len = (size_t)tr.nr * sizeof(*priv);

		off = (off + 7) & ~7ULL;
		err = write_all(w->fd, priv, len, (off_t)off);
		if (!err)
			err = write_all(w->fd, &tr, sizeof(tr), (off_t)(off + len));
		if (err)
			goto out;
		off += len + sizeof(tr);
	}
	if (ftruncate(w->fd, (off_t)off) < 0) {
		err = -errno;
		goto out;
	}
	w->file_size = off;
	/* A test hook: a window in which a test kills the recorder mid-checkpoint. */
	if (w->test_pause_ms > 0) {
		struct timespec ts = { w->test_pause_ms / 1000, (w->test_pause_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	/* Last: the header that points at the tail now on disk. */
	err = write_all(w->fd, &hdr, sizeof(hdr), 0);
	w->tail_valid = !err;
out:
	if (err)
		w->failed = err;
	free(index);
	free(priv);
	return err;
}

int ppm_data_writer__finish(struct ppm_data_writer *w)
{
	return ppm_data_writer__checkpoint(w);
}

uint64_t ppm_data_writer__size(const struct ppm_data_writer *w)
{
	uint64_t data_end = w->data_offset + w->data_size + w->used;

	return w->file_size > data_end ? w->file_size : data_end;
}

void ppm_data_writer__free(struct ppm_data_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->nr_feats; i++)
		free(w->feats[i].buf);
	free(w->attrs);
	free(w->buf);
	free(w);
}
