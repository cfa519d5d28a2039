/*
 * pyperfmap top: a live view of where the time goes, Python functions named. It
 * samples as record does (cmd/recording.h: the same events, trampoline, attach and
 * call graphs), and every record goes, on the recorder's own thread, through the
 * session's resolver into the report's live counts (report/live.h); the screen is
 * drawn from them every -d seconds, with ncurses, or as plain snapshots (--stdio).
 */
#include <errno.h>
#include <locale.h>
#include <ncurses.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "recording.h"
#include "../lib/proctree.h"
#include "../report/live.h"
#include "../report/metrics.h"
#include "../report/report_out.h"
#include "../session/resolve.h"
#include "../session/tally.h"

const char ppm_top_usage[] =
	"usage: pyperfmap top [options] [-p <pid>[,<pid>...] | -a | -- <command> [<args>...]]\n"
	"\n"
	"A live view of the hottest functions, Python ones named, refreshed every -d seconds:\n"
	"self and total shares, samples, the kind of code. Without -p or a command it\n"
	"watches the whole system (-a), as perf top does.\n"
	"\n"
	"  -e, --event <events>   events to sample (default cycles, cpu-clock without a PMU);\n"
	"                         several give a column each, with IPC and miss ratios\n"
	"  -F, --freq <hz>        samples per second per CPU (default 4000)\n"
	"  -d, --delay <seconds>  between refreshes (default 1)\n"
	"  -g, --call-graph <mode> as record's: auto (the default), fp, dwarf[,SIZE], none;\n"
	"                         stacks give the total column and the callers view\n"
	"  -p, --pid <pid>        watch running processes and their children\n"
	"  -a, --all-cpus         every process\n"
	"  -o, --output <file>    also write the samples to a perf.data file\n"
	"      --stdio            a plain snapshot every refresh instead of the full screen\n"
	"                         (what top does without a terminal)\n"
	"      --no-trampoline    do not switch pyperfmap's trampoline on in the command\n"
	"  -h, --help             this text\n"
	"\n"
	"Counts decay as perf top's do: each refresh multiplies them by 7/8, so a row shows\n"
	"the last few seconds, the latest weighing most; z zeroes them.\n"
	"Keys: q quit, s/S next/previous sort key (self, total, per event), p pause,\n"
	"/ filter by a regular expression, arrows or j/k move, Enter the callers and callees\n"
	"of a row, t rows per symbol, process or thread, z zero the counts.\n"
	"A command's output is dropped in the full-screen view (it would draw over it).\n";

struct top {
	struct recording r;
	struct ppm_machine *m;
	struct ppm_resolver res;
	struct ppm_tally tally;             /* samples counted by raw chain until read */
	struct ppm_live live;
	struct ppm_live_query q;
	regex_t re;
	char filter[128];
	int have_re;
	int tui, paused, detail;
	size_t selected, first;
	struct ppm_live_row *rows;
	size_t nr_rows;
	uint64_t tot[PPM_LIVE_MAX_EVENTS];  /* each event's total when the rows were taken */
	uint64_t samples, lost_seen, lost;  /* in the last interval */
	int procs, threads;
	char ended[160];                    /* why the target is gone, once it is */
	char message[160];                  /* a one-refresh note (a bad regex) */
	double interval;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Every record the recorder writes, on its thread: a sample into the tally (its chain
 * resolved once per refresh, not once per sample), side band into the model.
 */
static int observe(void *ctx, const struct perf_event_header *h)
{
	struct top *t = ctx;
	const struct ppm_data *d = ppm_record__data(t->r.rec);
	int err;

	if (h->type == PERF_RECORD_SAMPLE) {
		struct ppm_tally_item it;

		ppm_tally__prepare(d, h, &it);
		return ppm_tally__add(&t->tally, &it);
	}
	if (ppm_tally__before(h) && (err = ppm_tally__flush(&t->tally)))
		return err;
	return ppm_resolver__record(&t->res, d, h);
}

/* The samples held, into the live counts: before they are read, zeroed or renamed. */
static void settle(struct top *t)
{
	if (ppm_tally__flush(&t->tally))
		snprintf(t->message, sizeof(t->message), "out of memory");
}

/* The target's processes and threads now: the tree of -p or of the command, or all. */
static void count_tasks(struct top *t)
{
	pid_t root = t->r.has_command && t->r.wl.pid > 0 ? t->r.wl.pid : 0;
	const pid_t *roots = t->r.a.nr_pids ? t->r.a.pids : &root;
	int nroots = t->r.a.nr_pids ? t->r.a.nr_pids : 1;
	pid_t *procs;
	int n;

	t->procs = t->threads = 0;
	if (t->r.a.system_wide) {
		t->procs = ppm_proctree__count(&t->threads);
		return;
	}
	if (!t->r.a.nr_pids && root <= 0)
		return;
	if (ppm_proctree__collect(roots, nroots, !t->r.a.no_inherit, &procs, &n))
		return;
	t->procs = n;
	for (int i = 0; i < n; i++)
		t->threads += ppm_proctree__nr_threads(procs[i]);
	free(procs);
}

static const char *kind_name(const struct ppm_frame *f)
{
	switch (ppm_frame__kind(f)) {
	case PPM_FRAME_PYTHON:
		return "python";
	case PPM_FRAME_KERNEL:
		return "kernel";
	default:
		return "native";
	}
}

static double pct(uint64_t v, uint64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0.0;
}

/* The sort key's name: "self", "total", or "EVENT self" with several events. */
static void sort_name(const struct top *t, char *buf, size_t len)
{
	const char *what = t->q.sort_total ? "total" : "self";

	if (t->live.nev > 1)
		snprintf(buf, len, "%s %s", t->r.evs[t->q.sort_event].name, what);
	else
		snprintf(buf, len, "%s", what);
}

static const char *view_name(enum ppm_live_view v)
{
	return v == PPM_LIVE_SYMBOLS ? "symbols" : v == PPM_LIVE_PROCESSES ? "processes" : "threads";
}

/* The header lines, into buf (two lines). */
static void header(const struct top *t, char *l1, size_t n1, char *l2, size_t n2)
{
	const char *mode = t->r.a.callchain ? "fp stacks" : t->r.a.dwarf ? "dwarf stacks" :
										 "no stacks";
	char sort[96], evs[128] = "";
	size_t used = 0;

	for (int e = 0; e < t->r.nr_ev && used < sizeof(evs); e++)
		used += (size_t)snprintf(evs + used, sizeof(evs) - used, "%s%s", e ? "," : "",
					 t->r.evs[e].name);
	sort_name(t, sort, sizeof(sort));
	snprintf(l1, n1, "pyperfmap top: %s at %llu Hz, %s | %d process%s, %d thread%s | %llu samples, "
		 "%llu lost in the last %.1f s%s", evs, (unsigned long long)t->r.a.freq, mode, t->procs,
		 t->procs == 1 ? "" : "es", t->threads, t->threads == 1 ? "" : "s",
		 (unsigned long long)t->samples, (unsigned long long)t->lost, t->interval,
		 t->paused ? " | PAUSED" : "");
	snprintf(l2, n2, "view: %s  sort: %s  filter: %s%s%s", view_name(t->q.view), sort,
		 t->have_re ? t->filter : "-", *t->ended ? "  | " : "", t->ended);
}

static int has_total(const struct top *t)
{
	return t->r.a.callchain || t->r.a.dwarf;
}

/* The metrics the events allow (IPC, miss ratios), as the counter report has them. */
static void metrics_possible(const struct top *t, bool *show, int *at)
{
	bool have[ME_NR] = { 0 };

	for (int k = 0; k < ME_NR; k++)
		at[k] = -1;
	for (int e = 0; e < t->live.nev; e++) {
		enum metric_event me = ppm_metric__event_of(&t->r.evs[e].attr);

		if (me != ME_OTHER && at[me] < 0) {
			at[me] = e;
			have[me] = true;
		}
	}
	for (int k = 0; k < MK_NR; k++)
		show[k] = t->live.nev > 1 && ppm_metric__possible(have, (enum metric_kind)k);
}

/* The column titles, then each row's text: the same for the screen and --stdio. */
static void column_titles(const struct top *t, char *buf, size_t len)
{
	size_t used = 0;
	bool show[MK_NR];
	int at[ME_NR];

	if (t->q.view != PPM_LIVE_SYMBOLS) {
		snprintf(buf, len, "%8s %9s  %-8s %s", "Share", "Samples", "Pid", "Command");
		return;
	}
	if (t->live.nev == 1) {
		snprintf(buf, len, "%8s %8s %9s  %-7s %s", "Self", has_total(t) ? "Total" : "",
			 "Samples", "Kind", "Symbol");
		return;
	}
	for (int e = 0; e < t->live.nev; e++)
		used += (size_t)snprintf(buf + used, len - used, "%12.12s %6s ", t->r.evs[e].name,
					 "share");
	metrics_possible(t, show, at);
	for (int k = 0; k < MK_NR; k++)
		if (show[k] && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%10s ",
						 ppm_metric__name((enum metric_kind)k));
	if (used < len)
		snprintf(buf + used, len - used, " %-7s %s", "Kind", "Symbol");
}

static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T" };
	double d = (double)v;
	int i = 0;

	while (d >= 10000 && i < 4) {
		d /= 1000;
		i++;
	}
	snprintf(buf, len, i ? "%.1f%s" : "%.0f%s", d, sfx[i]);
	return buf;
}

static void row_text(const struct top *t, const struct ppm_live_row *row, char *buf, size_t len)
{
	const struct ppm_frames *fr = &t->res.frames;
	const uint64_t *tot = t->tot;
	char name[512], num[32];
	size_t used = 0;

	if (t->q.view != PPM_LIVE_SYMBOLS) {
		snprintf(buf, len, "%7.2f%% %9llu  %-8d %s", pct(row->self[t->q.sort_event],
			 tot[t->q.sort_event]), (unsigned long long)row->samples, row->task->id,
			 row->task->comm ? ppm_cmd__safe(row->task->comm) : "");
		return;
	}
	snprintf(name, sizeof(name), "%s",
		 ppm_cmd__safe(ppm_report__frame_name(&fr->v[row->frame], num, sizeof(num))));
	if (t->live.nev == 1) {
		char total[16] = "";

		if (has_total(t))
			snprintf(total, sizeof(total), "%7.2f%%", pct(row->total[0], tot[0]));
		snprintf(buf, len, "%7.2f%% %8s %9llu  %-7s %s", pct(row->self[0], tot[0]), total,
			 (unsigned long long)row->samples, kind_name(&fr->v[row->frame]), name);
		return;
	}
	{
		bool show[MK_NR];
		int at[ME_NR];
		struct metric_inputs in = { 0 };
		const uint64_t *val = t->q.sort_total ? row->total : row->self;

		metrics_possible(t, show, at);
		for (int e = 0; e < t->live.nev && used < len; e++)
			used += (size_t)snprintf(buf + used, len - used, "%12s %5.1f%% ",
						 human(val[e], num, sizeof(num)), pct(val[e], tot[e]));
		for (int k = 0; k < ME_NR; k++) {
			in.have[k] = at[k] >= 0;
			in.v[k] = at[k] >= 0 ? (double)val[at[k]] : 0;
		}
		for (int k = 0; k < MK_NR && used < len; k++) {
			double x;

			if (!show[k])
				continue;
			if (ppm_metric__value(&in, (enum metric_kind)k, &x))
				used += (size_t)snprintf(buf + used, len - used, "%10.3f ", x);
			else
				used += (size_t)snprintf(buf + used, len - used, "%10s ", "-");
		}
		if (used < len)
			snprintf(buf + used, len - used, " %-7s %s", kind_name(&fr->v[row->frame]), name);
	}
}

/* The rows of the live counts as they are now, with the totals they are shares of. */
static void take_rows(struct top *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nr_rows = 0;
	for (int e = 0; e < t->live.nev; e++)
		t->tot[e] = t->live.hs.h[e].total_period;
	if (ppm_live__rows(&t->live, &t->q, &t->rows, &t->nr_rows))
		snprintf(t->message, sizeof(t->message), "out of memory");
	if (t->selected >= t->nr_rows)
		t->selected = t->nr_rows ? t->nr_rows - 1 : 0;
}

/* Rows from the live counts now, then the counts decayed for the next interval. */
static void refresh_rows(struct top *t)
{
	uint64_t lost = t->res.stats.lost;

	settle(t);
	t->samples = ppm_live__interval(&t->live);
	t->lost = lost - t->lost_seen;
	t->lost_seen = lost;
	count_tasks(t);
	take_rows(t);
	ppm_live__decay(&t->live);
}

static void print_snapshot(struct top *t, FILE *out)
{
	char l1[512], l2[512], line[1024];
	size_t n = t->nr_rows < 25 ? t->nr_rows : 25;

	header(t, l1, sizeof(l1), l2, sizeof(l2));
	fprintf(out, "%s\n%s\n", l1, l2);
	column_titles(t, line, sizeof(line));
	fprintf(out, "%s\n", line);
	for (size_t i = 0; i < n; i++) {
		row_text(t, &t->rows[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	fputc('\n', out);
	fflush(out);
}

/* ---- the full screen ---- */

static void draw_detail(struct top *t)
{
	const struct ppm_live_row *row = &t->rows[t->selected];
	struct ppm_live_link *callers, *callees;
	size_t nc, ne;
	char num[32];
	int y = 3, lines = LINES;
	uint64_t total;

	mvprintw(2, 0, "%s", ppm_cmd__safe(ppm_report__frame_name(&t->res.frames.v[row->frame], num,
								   sizeof(num))));
	clrtoeol();
	if (!has_total(t)) {
		mvprintw(y, 0, "no stacks in this recording: run top with -g for callers and callees");
		return;
	}
	settle(t);
	if (ppm_live__links(&t->live, t->q.sort_event, row->frame, &total, &callers, &nc, &callees,
			    &ne))
		return;
	total = total ? total : 1;
	mvprintw(y++, 0, "Callers (share of its total):");
	for (size_t i = 0; i < nc && y < lines / 2; i++)
		mvprintw(y++, 2, "%7.2f%%  %s", pct(callers[i].period, total),
			 ppm_cmd__safe(ppm_report__frame_name(&t->res.frames.v[callers[i].frame], num,
							      sizeof(num))));
	mvprintw(y++, 0, "Callees:");
	for (size_t i = 0; i < ne && y < lines - 1; i++)
		mvprintw(y++, 2, "%7.2f%%  %s", pct(callees[i].period, total),
			 ppm_cmd__safe(ppm_report__frame_name(&t->res.frames.v[callees[i].frame], num,
							      sizeof(num))));
	mvprintw(lines - 1, 0, "Enter or Esc: back   q: quit");
	free(callers);
	free(callees);
}

static void draw(struct top *t)
{
	char l1[512], l2[512], line[1024];
	int body = LINES - 5;

	erase();
	header(t, l1, sizeof(l1), l2, sizeof(l2));
	mvaddnstr(0, 0, l1, COLS);
	mvaddnstr(1, 0, l2, COLS);
	if (t->detail && t->nr_rows && t->q.view == PPM_LIVE_SYMBOLS) {
		draw_detail(t);
		refresh();
		return;
	}
	column_titles(t, line, sizeof(line));
	attron(A_BOLD);
	mvaddnstr(3, 0, line, COLS);
	attroff(A_BOLD);
	if (body < 1)
		body = 1;
	if (t->selected < t->first)
		t->first = t->selected;
	if (t->selected >= t->first + (size_t)body)
		t->first = t->selected - (size_t)body + 1;
	for (int i = 0; i < body && t->first + (size_t)i < t->nr_rows; i++) {
		size_t k = t->first + (size_t)i;

		row_text(t, &t->rows[k], line, sizeof(line));
		if (k == t->selected)
			attron(A_REVERSE);
		mvaddnstr(4 + i, 0, line, COLS);
		if (k == t->selected)
			attroff(A_REVERSE);
	}
	mvaddnstr(LINES - 1, 0, *t->message ? t->message :
		  "q quit  s/S sort  p pause  / filter  j/k move  Enter callers  t view  z zero",
		  COLS);
	*t->message = '\0';
	refresh();
}

/* The sort keys in order: each event's self, then its total when there are stacks. */
static void next_sort(struct top *t, int dir)
{
	int keys = t->live.nev * (has_total(t) ? 2 : 1);
	int k = t->q.sort_event * (has_total(t) ? 2 : 1) + t->q.sort_total;

	k = (k + dir + keys) % keys;
	t->q.sort_event = has_total(t) ? k / 2 : k;
	t->q.sort_total = has_total(t) ? k % 2 : 0;
}

static void ask_filter(struct top *t)
{
	char buf[128] = "";

	mvprintw(LINES - 1, 0, "filter (regular expression, empty for none): ");
	clrtoeol();
	echo();
	curs_set(1);
	timeout(-1);
	getnstr(buf, sizeof(buf) - 1);
	noecho();
	curs_set(0);
	timeout(0);
	if (t->have_re)
		regfree(&t->re);
	t->have_re = 0;
	t->q.filter = NULL;
	if (!*buf)
		return;
	if (regcomp(&t->re, buf, REG_EXTENDED | REG_NOSUB)) {
		snprintf(t->message, sizeof(t->message), "not a regular expression: %s", buf);
		return;
	}
	t->have_re = 1;
	t->q.filter = &t->re;
	snprintf(t->filter, sizeof(t->filter), "%s", buf);
}

/* A key: 1 to quit, else 0. What it changes shows at once. */
static int key(struct top *t, int c)
{
	switch (c) {
	case 'q':
		return 1;
	case 's':
	case 'S':
		next_sort(t, c == 's' ? 1 : -1);
		break;
	case 'p':
		t->paused = !t->paused;
		break;
	case '/':
		ask_filter(t);
		break;
	case KEY_DOWN:
	case 'j':
		if (t->selected + 1 < t->nr_rows)
			t->selected++;
		return 0;
	case KEY_UP:
	case 'k':
		if (t->selected)
			t->selected--;
		return 0;
	case KEY_NPAGE:
		t->selected = t->selected + (size_t)(LINES - 5) < t->nr_rows ?
				      t->selected + (size_t)(LINES - 5) : (t->nr_rows ? t->nr_rows - 1 : 0);
		return 0;
	case KEY_PPAGE:
		t->selected = t->selected > (size_t)(LINES - 5) ? t->selected - (size_t)(LINES - 5) : 0;
		return 0;
	case '\n':
	case KEY_ENTER:
		t->detail = !t->detail;
		return 0;
	case 27: /* Esc */
	case KEY_BACKSPACE:
		t->detail = 0;
		return 0;
	case 't':
		t->q.view = (enum ppm_live_view)((t->q.view + 1) % 3);
		t->selected = t->first = 0;
		t->detail = 0;
		break;
	case 'z':
		settle(t);
		ppm_live__zero(&t->live);
		break;
	case KEY_RESIZE:
		return 0;
	default:
		return 0;
	}
	/* the rows again with what changed (a refresh without its decay) */
	take_rows(t);
	return 0;
}

static void say_ended(struct top *t)
{
	const struct recording *r = &t->r;

	if (*t->ended)
		return;
	if (r->has_command && !r->a.nr_pids)
		snprintf(t->ended, sizeof(t->ended), "'%s' ended (exit status %d)%s", r->a.argv[0],
			 ppm_workload__exit_status(r->status), t->tui ? ": q quits" : "");
	else
		snprintf(t->ended, sizeof(t->ended), "the processes watched have exited%s",
			 t->tui ? ": q quits" : "");
}

/* Samples until q, a signal, or (with --stdio) the target's end. */
static void run(struct top *t)
{
	double next = now() + t->r.a.delay, last = now(), maps = now();
	int done = 0;

	while (!done) {
		int over = *t->ended ? 0 : ppm_recording__step(&t->r, t->tui ? 50 : 100);

		/* new Python functions reach the perf maps within ~100 ms: look 5 times a second */
		if (now() - maps >= 0.2) {
			maps = now();
			if (ppm_machine__refresh_perfmaps(t->m) > 0) {
				settle(t);
				ppm_resolver__invalidate(&t->res);
			}
		}
		if (over) {
			if (ppm_signals.stop || !t->r.exited)
				done = 1;              /* a signal to pyperfmap: leave at once */
			else
				say_ended(t);
		}
		if (*t->ended && !t->tui)
			done = 1;
		/* once the target has ended the last screen stays as it was */
		if ((now() >= next && !*t->ended) || over || done) {
			t->interval = now() - last;
			last = now();
			next = last + t->r.a.delay;
			if (!t->paused) {
				refresh_rows(t);
				if (t->tui)
					draw(t);
				else
					print_snapshot(t, stdout);
			}
		}
		if (t->tui) {
			int c;

			if (*t->ended)
				napms(50);
			while ((c = getch()) != ERR && !done) {
				if (key(t, c))
					done = 1;
				else
					draw(t);
			}
		}
	}
}

static int setup(struct top *t)
{
	t->m = ppm_machine__new();
	if (!t->m || ppm_resolver__init(&t->res, t->m, 0, ppm_live__add, &t->live) ||
	    ppm_live__init(&t->live, t->r.nr_ev, &t->res.frames))
		return -ENOMEM;
	t->res.python_self = 1;
	ppm_tally__init(&t->tally, &t->res);
	t->r.opts.observe = observe;
	t->r.opts.observe_ctx = t;
	return 0;
}

int ppm_cmd__top(int argc, char **argv)
{
	struct top *t = calloc(1, sizeof(*t));
	int ret;

	if (!t) {
		ppm_cmd__err("out of memory");
		return 1;
	}
	ret = ppm_recording__parse(&t->r, argc, argv, PPM_TOP);
	if (ret) {
		free(t);
		return ret > 0 ? 0 : 2;
	}
	t->tui = !t->r.a.stdio && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	t->r.a.stdio = !t->tui;
	ret = ppm_recording__prepare(&t->r);
	if (!ret && setup(t)) {
		ppm_cmd__err("out of memory");
		ret = 1;
	}
	if (!ret)
		ret = ppm_recording__start(&t->r);
	if (!ret) {
		if (t->tui) {
			setlocale(LC_ALL, "");
			initscr();
			cbreak();
			noecho();
			keypad(stdscr, TRUE);
			curs_set(0);
			timeout(0);
			set_escdelay(25);
		}
		run(t);
		if (t->tui)
			endwin();
		if (*t->ended)
			fprintf(stderr, "pyperfmap: %s\n", t->ended);
		/* a command top started is its own: finishing ends it (SIGTERM) */
		ret = ppm_recording__finish(&t->r);
		if (!t->r.exited)
			ret = ppm_signals.stop ? 128 + ppm_signals.stop : 0;
	}
	free(t->rows);
	if (t->have_re)
		regfree(&t->re);
	ppm_live__release(&t->live);
	ppm_tally__release(&t->tally);
	ppm_resolver__release(&t->res);
	ppm_machine__free(t->m);
	ppm_recording__release(&t->r);
	free(t);
	return ret;
}
