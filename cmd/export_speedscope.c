/*
 * speedscope's file format (https://www.speedscope.app/file-format-schema.json): one
 * "sampled" profile per event over shared frames; a sample is a stack root first
 * (the command's name, then its frames) and its weight is the event's count
 * (nanoseconds for the clocks).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "export.h"

/* Name ids of frames, filled on first use: frame ids are shared by every event's hist. */
struct name_map {
	struct strtab names;
	int64_t *of_frame;
	size_t nr;
};

static int64_t frame_name_id(struct name_map *nm, const struct hist_frames *fr, uint32_t id)
{
	char buf[64];

	if (nm->of_frame[id] < 0)
		nm->of_frame[id] = strtab__intern(&nm->names, export_frame_name(&fr->v[id], buf, sizeof(buf)));
	return nm->of_frame[id];
}

static int collect(struct name_map *nm, const struct counter_event *ev, int nr)
{
	const struct hist_frames *fr = ev[0].h->frames;

	nm->nr = fr->nr;
	nm->of_frame = malloc((fr->nr + 1) * sizeof(*nm->of_frame));
	if (!nm->of_frame || strtab__init(&nm->names))
		return -ENOMEM;
	for (size_t i = 0; i < fr->nr; i++)
		nm->of_frame[i] = -1;
	for (int e = 0; e < nr; e++) {
		const struct hist *h = ev[e].h;

		for (size_t i = 0; i < h->nr_stacks; i++) {
			const struct hist_stack *s = &h->stacks[i];

			if (strtab__intern(&nm->names, s->comm ? s->comm : "[unknown]") < 0)
				return -ENOMEM;
			for (uint32_t k = 0; k < s->nr; k++)
				if (frame_name_id(nm, fr, h->arena[s->off + k]) < 0)
					return -ENOMEM;
		}
	}
	return 0;
}

static void put_profile(FILE *out, struct name_map *nm, const struct counter_event *ev,
			struct progress *pr)
{
	const struct hist *h = ev->h;
	const char *unit = export_event_unit(ev);
	uint64_t total = 0;

	fputs("{\"type\":\"sampled\",\"name\":", out);
	ppm_json_string(out, ev->name);
	fprintf(out, ",\"unit\":\"%s\",\"startValue\":0,", strcmp(unit, "count") ? unit : "none");
	fputs("\"samples\":[", out);
	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct hist_stack *s = &h->stacks[i];

		/* Interned by collect(): these lookups cannot fail. */
		fprintf(out, "%s[%" PRId64, i ? "," : "",
			strtab__intern(&nm->names, s->comm ? s->comm : "[unknown]") - 1);
		for (uint32_t k = 0; k < s->nr; k++)
			fprintf(out, ",%" PRId64, nm->of_frame[h->arena[s->off + k]] - 1);
		fputc(']', out);
		total += s->period;
		progress__update(pr, i, h->nr_stacks);
	}
	fputs("],\"weights\":[", out);
	for (size_t i = 0; i < h->nr_stacks; i++)
		fprintf(out, "%s%" PRIu64, i ? "," : "", h->stacks[i].period);
	fprintf(out, "],\"endValue\":%" PRIu64 "}", total);
}

int export_speedscope(FILE *out, const struct counter_event *ev, int nr, int active,
		      const struct export_opts *o)
{
	struct name_map nm = { 0 };
	int err;

	err = collect(&nm, ev, nr);
	if (err)
		goto out;
	fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
	      "\"exporter\":\"pyperfmap\",\"name\":", out);
	ppm_json_string(out, o->input);
	fprintf(out, ",\"activeProfileIndex\":%d,\"shared\":{\"frames\":[", active);
	for (size_t i = 1; i < nm.names.nr; i++) {
		const char *file = export_python_file(nm.names.v[i]);

		fputs(i > 1 ? ",{\"name\":" : "{\"name\":", out);
		ppm_json_string(out, nm.names.v[i]);
		if (file) {
			fputs(",\"file\":", out);
			ppm_json_string(out, file);
		}
		fputc('}', out);
	}
	fputs("]},\"profiles\":[", out);
	for (int e = 0; e < nr; e++) {
		if (e)
			fputc(',', out);
		put_profile(out, &nm, &ev[e], o->progress);
	}
	fputs("]}\n", out);
out:
	free(nm.of_frame);
	strtab__release(&nm.names);
	return err;
}
