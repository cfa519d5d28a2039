#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data_writer.h"
#include "perf_file.h"

/* Records are gathered in user space and written in large blocks. */
#define WBUF_SIZE (512 * 1024)
#define DATA_OFFSET 256  /* the header fits with room; attrs go at the end */

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
	uint64_t data_size;
	uint64_t file_size;
	struct feature feats[PPM_FEAT_BITS];
	int nr_feats;
	int failed;
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

struct ppm_data_writer *ppm_data_writer__new(int fd, const struct ppm_writer_attr *attrs,
					     size_t nr_attrs)
{
	struct ppm_data_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->fd = fd;
	w->buf = malloc(WBUF_SIZE);
	w->attrs = calloc(nr_attrs, sizeof(*attrs));
	if (!w->buf || !w->attrs) {
		ppm_data_writer__free(w);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(w->attrs, attrs, nr_attrs * sizeof(*attrs));
	w->nr_attrs = nr_attrs;
	return w;
}

static int flush(struct ppm_data_writer *w)
{
	int err;

	if (!w->used)
		return 0;
	err = write_all(w->fd, w->buf, w->used, (off_t)(DATA_OFFSET + w->data_size));
	if (err) {
		w->failed = err;
		return err;
	}
	w->data_size += w->used;
	w->used = 0;
	return 0;
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
			err = write_all(w->fd, buf, size, (off_t)(DATA_OFFSET + w->data_size));
			if (err)
				return w->failed = err;
			w->data_size += size;
			return 0;
		}
	}
	memcpy(w->buf + w->used, buf, size);
	w->used += size;
	return 0;
}

int ppm_data_writer__add_feature(struct ppm_data_writer *w, int feat, const void *buf, size_t size)
{
	struct feature *f;

	if (feat <= 0 || feat >= PPM_FEAT_BITS || w->nr_feats == PPM_FEAT_BITS)
		return -EINVAL;
	for (int i = 0; i < w->nr_feats; i++)
		if (w->feats[i].feat == feat)
			return -EEXIST;
	f = &w->feats[w->nr_feats];
	f->buf = malloc(size ? size : 1);
	if (!f->buf)
		return -ENOMEM;
	memcpy(f->buf, buf, size);
	f->size = size;
	f->feat = feat;
	w->nr_feats++;
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

int ppm_data_writer__finish(struct ppm_data_writer *w)
{
	struct ppm_file_header hdr;
	struct ppm_file_section *index = NULL;
	struct ppm_private_entry *priv = NULL;
	uint64_t off;
	int err, nr_perf = 0;

	err = flush(w);
	if (err)
		return err;
	err = add_event_desc(w);
	if (err && err != -EEXIST)
		return err;
	memset(&hdr, 0, sizeof(hdr));
	/* perf expects the feature index right after the data, in bit order; private
	 * sections (sorted last) are written after perf's and indexed by the trailer. */
	qsort(w->feats, (size_t)w->nr_feats, sizeof(w->feats[0]), cmp_feat);
	while (nr_perf < w->nr_feats && w->feats[nr_perf].feat < PPM_FEAT_PRIVATE)
		nr_perf++;
	off = DATA_OFFSET + w->data_size;
	index = calloc((size_t)w->nr_feats + 1, sizeof(*index));
	priv = calloc((size_t)(w->nr_feats - nr_perf) + 1, sizeof(*priv));
	if (!index || !priv) {
		err = -ENOMEM;
		goto out;
	}
	off += (uint64_t)nr_perf * sizeof(*index);
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
	err = write_all(w->fd, index, (size_t)nr_perf * sizeof(*index),
			(off_t)(DATA_OFFSET + w->data_size));
	if (err)
		goto out;
	/* Sample ids, then the attrs that point at them. */
	off = (off + 7) & ~7ULL;
	hdr.attrs.offset = off;
	for (size_t i = 0; i < w->nr_attrs; i++)
		hdr.attrs.offset += 8 * w->attrs[i].nr_ids;
	hdr.attrs.size = w->nr_attrs * sizeof(struct ppm_file_attr);
	for (size_t i = 0; i < w->nr_attrs; i++) {
		struct ppm_file_attr fa;

		memset(&fa, 0, sizeof(fa));
		fa.attr = w->attrs[i].attr;
		fa.attr.size = sizeof(fa.attr);
		fa.ids.offset = off;
		fa.ids.size = 8 * w->attrs[i].nr_ids;
		err = write_all(w->fd, w->attrs[i].ids, fa.ids.size, (off_t)off);
		if (err)
			goto out;
		off += fa.ids.size;
		err = write_all(w->fd, &fa, sizeof(fa),
				(off_t)(hdr.attrs.offset + i * sizeof(fa)));
		if (err)
			goto out;
	}
	w->file_size = hdr.attrs.offset + hdr.attrs.size;
	if (nr_perf < w->nr_feats) {
		struct ppm_private_trailer tr = { (uint64_t)(w->nr_feats - nr_perf), PPM_PRIVATE_MAGIC };
		size_t len = (size_t)tr.nr * sizeof(*priv);

		err = write_all(w->fd, priv, len, (off_t)w->file_size);
		if (!err)
			err = write_all(w->fd, &tr, sizeof(tr), (off_t)(w->file_size + len));
		if (err)
			goto out;
		w->file_size += len + sizeof(tr);
	}
	hdr.magic = PPM_PERF_MAGIC;
	hdr.size = sizeof(hdr);
	hdr.attr_size = sizeof(struct ppm_file_attr);
	hdr.data.offset = DATA_OFFSET;
	hdr.data.size = w->data_size;
	err = write_all(w->fd, &hdr, sizeof(hdr), 0);
	if (!err && ftruncate(w->fd, (off_t)w->file_size) < 0)
		err = -errno;
out:
	free(index);
	free(priv);
	return err;
}

uint64_t ppm_data_writer__size(const struct ppm_data_writer *w)
{
	return w->file_size ? w->file_size : DATA_OFFSET + w->data_size + w->used;
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
