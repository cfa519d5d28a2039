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

#include "escape.h"
#include "export.h"

static const char *comm_of(const struct hist_stack *s)
{
	return s->comm ? s->comm : "[unknown]";
}

static int collect(struct ppm_names *nm, const struct counter_event *ev, int nr)
{
	const struct ppm_frames *fr = ev[0].h->frames;

	if (ppm_names__init(nm, fr))
		return -ENOMEM;
	for (int e = 0; e < nr; e++) {
		const struct hist *h = ev[e].h;

		for (size_t i = 0; i < h->nr_stacks; i++) {
			const struct hist_stack *s = &h->stacks[i];

			if (ppm_names__intern(nm, comm_of(s), EXPORT_ROOT) < 0)
				return -ENOMEM;
			for (uint32_t k = 0; k < s->nr; k++)
				if (ppm_names__frame(nm, fr, h->arena[s->off + k]) < 0)
					return -ENOMEM;
		}
	}
	return 0;
}

static void put_profile(FILE *out, struct ppm_names *nm, const struct counter_event *ev,
			const struct ppm_progress *pr)
{
	const struct hist *h = ev->h;
	const char *unit = ppm_export__event_unit(ev);
	uint64_t total = 0;

	fputs("{\"type\":\"sampled\",\"name\":", out);
	ppm_json__string(out, ev->name);
	fprintf(out, ",\"unit\":\"%s\",\"startValue\":0,", strcmp(unit, "count") ? unit : "none");
	fputs("\"samples\":[", out);
	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct hist_stack *s = &h->stacks[i];

		/* Interned by collect(): these lookups cannot fail. */
		fprintf(out, "%s[%" PRId64, i ? "," : "",
			ppm_strtab__intern(&nm->str, comm_of(s)) - 1);
		for (uint32_t k = 0; k < s->nr; k++)
			fprintf(out, ",%" PRId64, nm->of_frame[h->arena[s->off + k]] - 1);
		fputc(']', out);
		total += s->period;
		ppm_progress__update(pr, i, h->nr_stacks);
	}
	fputs("],\"weights\":[", out);
	for (size_t i = 0; i < h->nr_stacks; i++)
		fprintf(out, "%s%" PRIu64, i ? "," : "", h->stacks[i].period);
	fprintf(out, "],\"endValue\":%" PRIu64 "}", total);
}

int ppm_export__speedscope(FILE *out, const struct counter_event *ev, int nr, int active,
		      const struct ppm_export_opts *o)
{
	struct ppm_names nm = { 0 };
	int err;

	err = collect(&nm, ev, nr);
	if (err)
		goto out;
	fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
	      "\"exporter\":\"pyperfmap\",\"name\":", out);
	ppm_json__string(out, o->input);
	fprintf(out, ",\"activeProfileIndex\":%d,\"shared\":{\"frames\":[", active);
	for (size_t i = 1; i < nm.str.nr; i++) {
		const char *file = ppm_export__python_file(nm.str.v[i]);

		fputs(i > 1 ? ",{\"name\":" : "{\"name\":", out);
		ppm_json__string(out, nm.str.v[i]);
		if (file) {
			fputs(",\"file\":", out);
			ppm_json__string(out, file);
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
	ppm_names__release(&nm);
	return err;
}
