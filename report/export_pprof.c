/*
 * pprof's gzipped profile.proto, packed by protobuf-c and compressed by zlib: one
 * sample type per event (its count; nanoseconds for the clocks), a location per
 * frame, a function per name, a mapping per object, and the command and pid of each
 * stack as labels. go tool pprof, Pyroscope and Parca read it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "export.h"
#include "../util/array.h"
#include "profile.pb-c.h"
#include "../maps/dso.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Mapping Mapping;
typedef Perftools__Profiles__ValueType ValueType;
typedef Perftools__Profiles__Label Label;

struct builder {
	Profile p;
	struct ppm_strtab str;      /* the profile's string table */
	struct ppm_strtab objs;     /* mapping identity: an object's path */
	ValueType *types, **type_ptrs;
	Sample *samples, **sample_ptrs;
	uint64_t *loc_ids;      /* every sample's locations, one block */
	int64_t *values;        /* every sample's values, one block */
	Label *labels, **label_ptrs;
	Location *locs, **loc_ptrs;
	Line *lines, **line_ptrs;
	uint32_t *loc_of_frame; /* frame id -> location id, 0 until used */
	Function *funcs, **func_ptrs;
	uint32_t *func_of_name; /* string id -> function id, 0 until used */
	size_t func_of_name_cap;
	Mapping *maps, **map_ptrs;
	size_t nr_maps, cap_maps;
};

static int64_t str_id(struct builder *b, const char *s)
{
	return ppm_strtab__intern(&b->str, s);
}

static int64_t mapping_id(struct builder *b, const struct ppm_frame *f)
{
	const char *path = f->dso ? f->dso->path : "[unknown]";
	int64_t id = ppm_strtab__intern(&b->objs, path);
	Mapping *m;

	if (id < 0)
		return id;
	if ((size_t)id <= b->nr_maps)
		return id;
	if (ppm_array__reserve_zeroed((void **)&b->maps, &b->cap_maps, (size_t)id, sizeof(*b->maps)))
		return -ENOMEM;
	m = &b->maps[id - 1];
	perftools__profiles__mapping__init(m);
	m->id = (uint64_t)id;
	m->filename = str_id(b, path);
	m->has_functions = 1;
	b->nr_maps = (size_t)id;
	return m->filename < 0 ? -ENOMEM : id;
}

static int64_t function_id(struct builder *b, const char *name)
{
	int64_t sid = str_id(b, name), fid;
	const char *file;
	Function *fn;

	if (sid < 0)
		return sid;
	if (ppm_array__reserve_zeroed((void **)&b->func_of_name, &b->func_of_name_cap, (size_t)sid + 1, sizeof(uint32_t)))
		return -ENOMEM;
	if (b->func_of_name[sid])
		return b->func_of_name[sid];
	fid = (int64_t)b->p.n_function + 1;
	fn = &b->funcs[b->p.n_function++];
	perftools__profiles__function__init(fn);
	fn->id = (uint64_t)fid;
	fn->name = sid;
	fn->system_name = sid;
	file = ppm_export__python_file(name);
	if (file && (fn->filename = str_id(b, file)) < 0)
		return -ENOMEM;
	b->func_of_name[sid] = (uint32_t)fid;
	return fid;
}

/* The location of a frame, made on first use (frames, and so locations, are shared). */
static int64_t location_id(struct builder *b, const struct ppm_frames *fr, uint32_t frame)
{
	const struct ppm_frame *f = &fr->v[frame];
	char buf[64];
	int64_t fid, mid;
	Location *l;
	size_t n;

	if (b->loc_of_frame[frame])
		return b->loc_of_frame[frame];
	fid = function_id(b, ppm_export__frame_name(f, buf, sizeof(buf)));
	mid = mapping_id(b, f);
	if (fid < 0 || mid < 0)
		return -ENOMEM;
	n = b->p.n_location++;
	l = &b->locs[n];
	perftools__profiles__location__init(l);
	perftools__profiles__line__init(&b->lines[n]);
	b->lines[n].function_id = (uint64_t)fid;
	b->line_ptrs[n] = &b->lines[n];
	l->id = n + 1;
	l->mapping_id = (uint64_t)mid;
	l->address = f->sym ? f->sym->start : f->rel;
	l->n_line = 1;
	l->line = &b->line_ptrs[n];
	b->loc_of_frame[frame] = (uint32_t)(n + 1);
	return (int64_t)(n + 1);
}

static int alloc_all(struct builder *b, const struct counter_event *ev, int nr)
{
	const struct ppm_frames *fr = ev[0].h->frames;
	size_t nr_samples = 0, nr_locs = 0;

	for (int e = 0; e < nr; e++) {
		nr_samples += ev[e].h->nr_stacks;
		for (size_t i = 0; i < ev[e].h->nr_stacks; i++)
			nr_locs += ev[e].h->stacks[i].nr;
	}
	b->types = calloc((size_t)nr, sizeof(*b->types));
	b->type_ptrs = calloc((size_t)nr, sizeof(*b->type_ptrs));
	b->samples = calloc(nr_samples + 1, sizeof(*b->samples));
	b->sample_ptrs = calloc(nr_samples + 1, sizeof(*b->sample_ptrs));
	b->loc_ids = calloc(nr_locs + 1, sizeof(*b->loc_ids));
	b->values = calloc(nr_samples * (size_t)nr + 1, sizeof(*b->values));
	b->labels = calloc(2 * nr_samples + 1, sizeof(*b->labels));
	b->label_ptrs = calloc(2 * nr_samples + 1, sizeof(*b->label_ptrs));
	b->locs = calloc(fr->nr + 1, sizeof(*b->locs));
	b->loc_ptrs = calloc(fr->nr + 1, sizeof(*b->loc_ptrs));
	b->lines = calloc(fr->nr + 1, sizeof(*b->lines));
	b->line_ptrs = calloc(fr->nr + 1, sizeof(*b->line_ptrs));
	b->loc_of_frame = calloc(fr->nr + 1, sizeof(*b->loc_of_frame));
	b->funcs = calloc(fr->nr + 1, sizeof(*b->funcs));
	b->func_ptrs = calloc(fr->nr + 1, sizeof(*b->func_ptrs));
	if (!b->types || !b->type_ptrs || !b->samples || !b->sample_ptrs || !b->loc_ids ||
	    !b->values || !b->labels || !b->label_ptrs || !b->locs || !b->loc_ptrs ||
	    !b->lines || !b->line_ptrs || !b->loc_of_frame || !b->funcs || !b->func_ptrs)
		return -ENOMEM;
	return 0;
}

/*
 * When the profile was made: now, or SOURCE_DATE_EPOCH (the reproducible-builds
 * convention) when it is set, so that the same input gives the same bytes.
 */
static int64_t creation_time(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;

	if (sde && *sde) {
		long long t = strtoll(sde, &end, 10);

		if (!*end && t >= 0)
			return t;
	}
	return (int64_t)time(NULL);
}

static int build(struct builder *b, const struct counter_event *ev, int nr, int dflt,
		 const struct ppm_progress *pr)
{
	const struct ppm_frames *fr = ev[0].h->frames;
	int64_t k_comm = str_id(b, "comm"), k_pid = str_id(b, "pid");
	size_t used_locs = 0, ns = 0;

	if (k_comm < 0 || k_pid < 0 || alloc_all(b, ev, nr))
		return -ENOMEM;
	/* pprof names a profile after its first mapping: make it the program's, the root
	 * frame of the heaviest stack. */
	{
		const struct hist *h = ev[dflt].h;
		const struct hist_stack *top = NULL;

		for (size_t i = 0; i < h->nr_stacks; i++)
			if (h->stacks[i].nr && (!top || h->stacks[i].period > top->period))
				top = &h->stacks[i];
		if (top && mapping_id(b, &fr->v[h->arena[top->off]]) < 0)
			return -ENOMEM;
	}
	for (int e = 0; e < nr; e++) {
		ValueType *t = &b->types[e];

		perftools__profiles__value_type__init(t);
		t->type = str_id(b, ev[e].name);
		t->unit = str_id(b, ppm_export__event_unit(&ev[e]));
		if (t->type < 0 || t->unit < 0)
			return -ENOMEM;
		b->type_ptrs[e] = t;
	}
	for (int e = 0; e < nr; e++) {
		const struct hist *h = ev[e].h;

		for (size_t i = 0; i < h->nr_stacks; i++, ns++) {
			const struct hist_stack *st = &h->stacks[i];
			Sample *s = &b->samples[ns];
			Label *l = &b->labels[2 * ns];

			ppm_progress__update(pr, i, h->nr_stacks);
			perftools__profiles__sample__init(s);
			s->location_id = &b->loc_ids[used_locs];
			for (uint32_t k = st->nr; k-- > 0;) {
				int64_t id = location_id(b, fr, h->arena[st->off + k]);

				if (id < 0)
					return -ENOMEM;
				b->loc_ids[used_locs++] = (uint64_t)id;
			}
			s->n_location_id = st->nr;
			s->value = &b->values[ns * (size_t)nr];
			s->n_value = (size_t)nr;
			s->value[e] = (int64_t)st->period;
			perftools__profiles__label__init(&l[0]);
			perftools__profiles__label__init(&l[1]);
			l[0].key = k_comm;
			l[0].str = str_id(b, st->comm ? st->comm : "[unknown]");
			l[1].key = k_pid;
			l[1].num = st->pid;
			if (l[0].str < 0)
				return -ENOMEM;
			b->label_ptrs[2 * ns] = &l[0];
			b->label_ptrs[2 * ns + 1] = &l[1];
			s->label = &b->label_ptrs[2 * ns];
			s->n_label = 2;
			b->sample_ptrs[ns] = s;
		}
	}
	for (size_t i = 0; i < b->p.n_location; i++)
		b->loc_ptrs[i] = &b->locs[i];
	for (size_t i = 0; i < b->p.n_function; i++)
		b->func_ptrs[i] = &b->funcs[i];
	b->map_ptrs = calloc(b->nr_maps + 1, sizeof(*b->map_ptrs));
	if (!b->map_ptrs)
		return -ENOMEM;
	for (size_t i = 0; i < b->nr_maps; i++)
		b->map_ptrs[i] = &b->maps[i];
	b->p.sample_type = b->type_ptrs;
	b->p.n_sample_type = (size_t)nr;
	b->p.sample = b->sample_ptrs;
	b->p.n_sample = ns;
	b->p.location = b->loc_ptrs;
	b->p.function = b->func_ptrs;
	b->p.mapping = b->map_ptrs;
	b->p.n_mapping = b->nr_maps;
	b->p.default_sample_type = b->types[dflt].type;
	b->p.period_type = &b->types[dflt];
	if (ev[dflt].attr && !ev[dflt].attr->freq)
		b->p.period = (int64_t)ev[dflt].attr->sample_period;
	b->p.time_nanos = creation_time() * 1000000000;
	/* Last: every string is interned by now. */
	b->p.string_table = b->str.v;
	b->p.n_string_table = b->str.nr;
	return 0;
}

/* gzip (not raw zlib): pprof and the fleet profilers expect the gzip header. */
static int write_gzip(FILE *out, const uint8_t *buf, size_t len)
{
	unsigned char chunk[1 << 16];
	z_stream z;
	int zr;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len; /* packed profiles stay far below 4 GiB */
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = deflate(&z, Z_FINISH);
		if (zr == Z_STREAM_ERROR)
			break;
		if (fwrite(chunk, 1, sizeof(chunk) - z.avail_out, out) != sizeof(chunk) - z.avail_out) {
			zr = Z_ERRNO;
			break;
		}
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -EIO;
}

int ppm_export__pprof(FILE *out, const struct counter_event *ev, int nr, int dflt,
		 const struct ppm_export_opts *o)
{
	struct builder b;
	uint8_t *buf = NULL;
	size_t len;
	int err;

	memset(&b, 0, sizeof(b));
	perftools__profiles__profile__init(&b.p);
	err = ppm_strtab__init(&b.str);
	if (!err)
		err = ppm_strtab__init(&b.objs);
	if (!err)
		err = build(&b, ev, nr, dflt, o->progress);
	if (!err) {
		len = perftools__profiles__profile__get_packed_size(&b.p);
		buf = malloc(len + 1);
		err = buf ? 0 : -ENOMEM;
	}
	if (!err) {
		perftools__profiles__profile__pack(&b.p, buf);
		err = write_gzip(out, buf, len);
	}
	free(buf);
	free(b.types);
	free(b.type_ptrs);
	free(b.samples);
	free(b.sample_ptrs);
	free(b.loc_ids);
	free(b.values);
	free(b.labels);
	free(b.label_ptrs);
	free(b.locs);
	free(b.loc_ptrs);
	free(b.lines);
	free(b.line_ptrs);
	free(b.loc_of_frame);
	free(b.funcs);
	free(b.func_ptrs);
	free(b.func_of_name);
	free(b.maps);
	free(b.map_ptrs);
	ppm_strtab__release(&b.str);
	ppm_strtab__release(&b.objs);
	return err;
}
