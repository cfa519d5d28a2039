/*
 * How the commands that read a recording (report, annotate, script) open it and
 * read it through session/reader.c, saying what goes wrong in one way.
 */
#include <errno.h>
#include <stdio.h>

#include "cmd.h"
#include "progress.h"
#include "../maps/machine.h"
#include "../session/reader.h"

struct ppm_reader *ppm_cmd__open(const struct ppm_source *src, int show_interpreter,
				 struct ppm_progress_line *pl)
{
	struct ppm_reader_opts o = { src->input, src->kallsyms, src->symfs, show_interpreter,
				     &pl->iface };
	struct ppm_reader *r;
	struct ppm_err err;
	char what[128];

	snprintf(what, sizeof(what), "reading %s", src->input);
	ppm_progress_line__init(pl, what);
	if (ppm_reader__open(&r, &o, &err)) {
		ppm_cmd__err("%s", err.msg);
		return NULL;
	}
	if (r->data->cut_short)
		ppm_cmd__notice("'%s' was cut short: its recorder stopped before finishing it; read up to "
				"its last flush", src->input);
	if (r->perfmaps_damaged)
		ppm_cmd__notice("'%s': its embedded perf maps are damaged; Python functions after the "
				"damage have no names", src->input);
	return r;
}

int ppm_cmd__read(struct ppm_reader *r, ppm_sample_sink sink, void *arg,
		  struct ppm_progress_line *pl)
{
	struct ppm_err err;

	const struct ppm_machine_stats *ms;

	if (ppm_reader__run(r, sink, arg, &err)) {
		ppm_progress_line__end(pl);
		ppm_cmd__err("%s", err.msg);
		return -1;
	}
	ms = ppm_machine__stats(r->machine);
	if (ms->perfmap_foreign)
		ppm_cmd__notice("%d perf map(s) in /tmp not read: not owned by their process's user or "
				"root: a map someone else wrote is not believed", ms->perfmap_foreign);
	if (ms->perfmap_cut_bytes)
		ppm_cmd__notice("perf maps past 1 GiB or a million lines were cut: %llu bytes not read",
				(unsigned long long)ms->perfmap_cut_bytes);
	return 0;
}

int ppm_cmd__find_event(const struct ppm_data *d, const char *name, const char *opt)
{
	struct ppm_err err;
	int i = ppm_reader__find_event(d, name, &err);

	if (i < 0)
		ppm_cmd__err("%s: %s", opt, err.msg);
	return i;
}
