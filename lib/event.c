#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "event.h"
#include "pfm.h"

/* perf's software events that libpfm4 (4.13) does not know. */
static const struct {
	const char *name;
	uint64_t config;
} extra_sw[] = {
	{ "alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy", PERF_COUNT_SW_DUMMY },
};

static int encode_base(const char *name, struct perf_event_attr *attr)
{
	struct ppm_pfm_encoding enc;
	int err;

	for (size_t i = 0; i < sizeof(extra_sw) / sizeof(extra_sw[0]); i++) {
		if (!strcasecmp(name, extra_sw[i].name)) {
			attr->type = PERF_TYPE_SOFTWARE;
			attr->config = extra_sw[i].config;
			return 0;
		}
	}
	err = ppm_pfm__encode(name, &enc);
	if (err)
		return err;
	attr->type = enc.type;
	attr->config = enc.config;
	attr->config1 = enc.config1;
	attr->config2 = enc.config2;
	attr->exclude_user = enc.exclude_user;
	attr->exclude_kernel = enc.exclude_kernel;
	attr->exclude_hv = enc.exclude_hv;
	attr->precise_ip = enc.precise_ip;
	return 0;
}

/* A suffix of perf's modifier letters only: "u", "k", "upp", "ppp", "G", "D", ... */
static bool is_modifier(const char *m)
{
	if (!*m)
		return false;
	for (; *m; m++)
		if (!strchr("ukhpGHD", *m))
			return false;
	return true;
}

/* Applies perf's modifiers: u/k/h keep only the levels named; each p asks more precision. */
static int apply_modifiers(struct perf_event_attr *attr, const char *m)
{
	bool u = strchr(m, 'u'), k = strchr(m, 'k'), h = strchr(m, 'h');
	int p = 0;

	for (const char *c = m; *c; c++)
		p += *c == 'p';
	if (p > 3)
		return -EINVAL;
	if (u || k || h) {
		attr->exclude_user = !u;
		attr->exclude_kernel = !k;
		attr->exclude_hv = !h;
	}
	if (p)
		attr->precise_ip = (unsigned int)p;
	if (strchr(m, 'G'))
		attr->exclude_host = 1;
	if (strchr(m, 'H'))
		attr->exclude_guest = 1;
	if (strchr(m, 'D'))
		attr->pinned = 1;
	return 0;
}

int ppm_event__parse(struct ppm_event *ev, const char *name)
{
	const char *colon;
	int err;

	memset(ev, 0, sizeof(*ev));
	ev->group = -1;
	if (!name || !*name || strpbrk(name, ",{} \t"))
		return -EINVAL;
	/* The whole name first: libpfm4 knows ":u", ":k" and its own unit masks. */
	err = encode_base(name, &ev->attr);
	colon = strrchr(name, ':');
	if (err && colon && is_modifier(colon + 1)) {
		char *base = strndup(name, (size_t)(colon - name));

		if (!base)
			return -ENOMEM;
		memset(&ev->attr, 0, sizeof(ev->attr));
		err = *base ? encode_base(base, &ev->attr) : -EINVAL;
		free(base);
		if (!err)
			err = apply_modifiers(&ev->attr, colon + 1);
	}
	if (err)
		return err;
	ev->name = strdup(name);
	return ev->name ? 0 : -ENOMEM;
}

void ppm_event__release(struct ppm_event *ev)
{
	free(ev->name);
	ev->name = NULL;
}

static int list_add(struct ppm_event **arr, int *nr, const char *name, int group)
{
	struct ppm_event *grown = realloc(*arr, (size_t)(*nr + 1) * sizeof(**arr));
	int err;

	if (!grown)
		return -ENOMEM;
	*arr = grown;
	err = ppm_event__parse(&grown[*nr], name);
	if (err)
		return err;
	grown[*nr].group = group;
	(*nr)++;
	return 0;
}

/*
 * "a,b,{c,d}:u": top-level commas separate events; braces make a group, whose
 * modifiers after the closing brace apply to every member (appended to each name).
 */
int ppm_event__parse_list(const char *list, struct ppm_event **evs, char *bad, size_t badlen)
{
	struct ppm_event *arr = NULL;
	const char *p = list;
	int nr = 0, err = 0;
	char tok[512];

	*bad = '\0';
	while (!err && *p) {
		if (*p == '{') {
			const char *close = strchr(p, '}'), *mods, *q;
			size_t mlen;
			int leader = nr;

			if (!close || close == p + 1) {
				snprintf(bad, badlen, "%s", p);
				err = -EINVAL;
				break;
			}
			mods = close + 1;
			if (*mods == ':')
				mods++;
			else if (*mods && *mods != ',') {
				snprintf(bad, badlen, "%s", p);
				err = -EINVAL;
				break;
			}
			mlen = strcspn(mods, ",");
			for (q = p + 1; !err && q < close;) {
				size_t len = strcspn(q, ",}");

				if (len == 0 || len + mlen + 2 > sizeof(tok)) {
					err = -EINVAL;
				} else {
					snprintf(tok, sizeof(tok), "%.*s%s%.*s", (int)len, q,
						 mlen ? ":" : "", (int)mlen, mods);
					err = list_add(&arr, &nr, tok, leader);
				}
				if (err)
					snprintf(bad, badlen, "%.*s", (int)len, q);
				q += len + (q[len] == ',');
			}
			p = mods + mlen;
		} else {
			size_t len = strcspn(p, ",");

			if (len == 0 || len >= sizeof(tok)) {
				snprintf(bad, badlen, "%s", p);
				err = -EINVAL;
				break;
			}
			snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
			err = list_add(&arr, &nr, tok, -1);
			if (err)
				snprintf(bad, badlen, "%s", tok);
			p += len;
		}
		if (!err && *p == ',') {
			p++;
			if (!*p) {
				snprintf(bad, badlen, "%s", list);
				err = -EINVAL;
			}
		}
	}
	if (!err && !nr) {
		snprintf(bad, badlen, "%s", list);
		err = -EINVAL;
	}
	if (err) {
		ppm_event__free_list(arr, nr);
		return err;
	}
	*evs = arr;
	return nr;
}

void ppm_event__free_list(struct ppm_event *evs, int nr)
{
	for (int i = 0; i < nr; i++)
		ppm_event__release(&evs[i]);
	free(evs);
}

bool ppm_event__is_hardware(const struct ppm_event *ev)
{
	return ev->attr.type == PERF_TYPE_HARDWARE || ev->attr.type == PERF_TYPE_HW_CACHE ||
	       ev->attr.type == PERF_TYPE_RAW;
}

/*
 * Whether the kernel counts hardware events here, asked of the kernel: 'instructions'
 * (user space only, which perf_event_paranoid 2 allows) is opened on this process.
 * Not from /sys PMU names, which differ by vendor and kernel, nor from the CPU model:
 * a VM can have the CPU without its PMU. Only "no such event" answers no; any other
 * failure (EACCES under a strict paranoid setting, EMFILE) leaves the question to the
 * real open, whose error then says what is wrong.
 */
bool ppm_event__have_pmu(void)
{
	static int known = -1;
	struct perf_event_attr attr;
	long fd;

	if (known >= 0)
		return known;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0)
		close((int)fd);
	known = fd >= 0 || !(errno == ENOENT || errno == EOPNOTSUPP || errno == ENODEV);
	return known;
}

int ppm_event__probe(const struct ppm_event *ev)
{
	struct perf_event_attr attr = ev->attr;
	long fd;

	attr.size = sizeof(attr);
	attr.disabled = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

int ppm_event__fallback(struct ppm_event *ev)
{
	char *name;

	if (ev->attr.type != PERF_TYPE_HARDWARE || ev->attr.config != PERF_COUNT_HW_CPU_CYCLES)
		return -ENOENT;
	/* Keep the modifiers the user gave ("cycles:u" becomes "cpu-clock:u"). */
	const char *mods = strchr(ev->name, ':');
	size_t len = strlen("cpu-clock") + (mods ? strlen(mods) : 0) + 1;

	name = malloc(len);
	if (!name)
		return -ENOMEM;
	snprintf(name, len, "cpu-clock%s", mods ? mods : "");
	free(ev->name);
	ev->name = name;
	ev->attr.type = PERF_TYPE_SOFTWARE;
	ev->attr.config = PERF_COUNT_SW_CPU_CLOCK;
	ev->attr.precise_ip = 0;
	return 0;
}

int ppm_event__generic_hw(const struct perf_event_attr *attr)
{
	return attr->type == PERF_TYPE_HARDWARE && attr->config < PERF_COUNT_HW_MAX ?
		       (int)attr->config :
		       -1;
}

/*
 * 'pyperfmap list'. The generic events come from libpfm4's perf_events PMU: each
 * alias ("CYCLES", "CPU-CYCLES") is listed under perf's spelling, grouped with the
 * other names of the same event, and kept only if the kernel opens it (unless all).
 * The CPU's own PMU events are offered when the kernel exposes a core PMU.
 */
enum list_kind { LK_HW, LK_SW, LK_CACHE, LK_PMU, LK_NR };

struct list_line {
	enum list_kind kind;
	char *text;
	bool ok;
};

struct list_ctx {
	struct list_line *v;
	size_t nr, cap;
	bool all, have_pmu;
	const char *filter;
	size_t pmu_events;
	const char *pmu_desc;
	int err;
};

/* perf's spelling of a libpfm4 alias: lower case, with L1-, LLC-, dTLB-, iTLB- kept. */
static void perf_spelling(const char *in, char *out, size_t len)
{
	static const char *const keep[] = { "L1-", "LLC-", "dTLB-", "iTLB-" };
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
	for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
		if (!strncasecmp(out, keep[k], strlen(keep[k])))
			memcpy(out, keep[k], strlen(keep[k]));
}

static bool matches(const struct list_ctx *c, const char *text)
{
	return !c->filter || strcasestr(text, c->filter);
}

static int list_push(struct list_ctx *c, enum list_kind kind, const char *text, bool ok)
{
	if (!matches(c, text))
		return 0;
	if (c->nr == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct list_line *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->nr].text = strdup(text);
	if (!c->v[c->nr].text)
		return -ENOMEM;
	c->v[c->nr].kind = kind;
	c->v[c->nr].ok = ok;
	c->nr++;
	return 0;
}

/* Adds name to the line of its event (same equiv), or starts that line. */
static int list_alias(struct list_ctx *c, enum list_kind kind, const char *equiv, const char *name)
{
	struct ppm_event ev;
	char spelled[128], line[512];
	bool ok;

	if (!strncmp(name, "PERF_COUNT_", 11))
		return 0; /* libpfm4's own spelling: the aliases say it as perf does */
	perf_spelling(name, spelled, sizeof(spelled));
	for (size_t i = 0; i < c->nr; i++) {
		char *tag = strchr(c->v[i].text, '\t');

		if (tag && !strcmp(tag + 1, equiv)) {
			snprintf(line, sizeof(line), "%.*s OR %s\t%s", (int)(tag - c->v[i].text),
				 c->v[i].text, spelled, equiv);
			free(c->v[i].text);
			c->v[i].text = strdup(line);
			return c->v[i].text ? 0 : -ENOMEM;
		}
	}
	if (ppm_event__parse(&ev, spelled))
		return 0;
	ok = ppm_event__probe(&ev) == 0;
	ppm_event__release(&ev);
	if (!ok && !c->all)
		return 0;
	snprintf(line, sizeof(line), "%s\t%s", spelled, equiv);
	return list_push(c, kind, line, ok);
}

static int list_pfm_event(const struct ppm_pfm_event *e, void *ctx)
{
	struct list_ctx *c = ctx;
	char line[512];
	int err = 0;

	if (e->kind == PPM_PFM_GENERIC) {
		struct ppm_event ev;
		enum list_kind kind;

		if (!e->equiv || ppm_event__parse(&ev, e->name))
			return 0;
		kind = ev.attr.type == PERF_TYPE_HARDWARE ? LK_HW :
		       ev.attr.type == PERF_TYPE_SOFTWARE ? LK_SW :
		       ev.attr.type == PERF_TYPE_HW_CACHE ? LK_CACHE :
							    LK_NR;
		ppm_event__release(&ev);
		return kind == LK_NR ? 0 : list_alias(c, kind, e->equiv, e->name);
	}
	if (e->kind != PPM_PFM_CORE)
		return 0;
	c->pmu_events++;
	c->pmu_desc = e->pmu_desc;
	if (!c->have_pmu && !c->all)
		return 0;
	if (!e->umasks[0]) {
		snprintf(line, sizeof(line), "%s::%s\t%s", e->pmu, e->name, e->desc);
		return list_push(c, LK_PMU, line, c->have_pmu);
	}
	for (int i = 0; e->umasks[i] && !err; i++) {
		snprintf(line, sizeof(line), "%s::%s:%s\t%s", e->pmu, e->name, e->umasks[i],
			 e->umask_descs[i]);
		err = list_push(c, LK_PMU, line, c->have_pmu);
	}
	return err;
}

int ppm_event__print_list(FILE *out, bool all, const char *filter)
{
	static const char *const kind_names[LK_NR] = { "Hardware event", "Software event",
						       "Hardware cache event", "" };
	struct list_ctx c = { .all = all, .have_pmu = ppm_event__have_pmu(), .filter = filter };
	int err;

	err = ppm_pfm__foreach_event(list_pfm_event, &c);
	for (size_t i = 0; !err && i < sizeof(extra_sw) / sizeof(extra_sw[0]); i++) {
		struct ppm_event ev;
		char line[128];

		if (ppm_event__parse(&ev, extra_sw[i].name))
			continue;
		snprintf(line, sizeof(line), "%s\t%s", extra_sw[i].name, extra_sw[i].name);
		if (ppm_event__probe(&ev) == 0 || all)
			err = list_push(&c, LK_SW, line, ppm_event__probe(&ev) == 0);
		ppm_event__release(&ev);
	}
	if (err)
		goto out;
	fprintf(out, "List of pre-defined events (to be used in -e):\n\n");
	for (int k = 0, printed = 0; k < LK_NR; k++) {
		int any = 0;

		for (size_t i = 0; i < c.nr; i++) {
			struct list_line *l = &c.v[i];
			char *tab = strchr(l->text, '\t');

			if (l->kind != (enum list_kind)k)
				continue;
			if (k == LK_PMU && !any)
				fprintf(out, "%s%s:\n", printed ? "\n" : "", c.pmu_desc);
			any = 1;
			printed++;
			*tab = '\0';
			if (k == LK_PMU)
				fprintf(out, "  %-48s %s%s\n", l->text, tab + 1,
					l->ok ? "" : " (not available here)");
			else
				fprintf(out, "  %-48s [%s]%s\n", l->text, kind_names[k],
					l->ok ? "" : " (not available here)");
		}
	}
	if (matches(&c, "rNNN"))
		fprintf(out, "  %-48s [Raw hardware event descriptor]%s\n", "rNNN",
			c.have_pmu ? "" : " (not available here)");
	if (!c.have_pmu)
		fprintf(out, "\nThis machine exposes no hardware PMU (a virtual machine?): hardware, "
			     "cache and raw events cannot be counted%s%s%s; 'cycles' falls back to "
			     "'cpu-clock'.%s\n",
			c.pmu_events ? ", nor the events libpfm4 knows for this CPU (" : "",
			c.pmu_events ? c.pmu_desc : "", c.pmu_events ? ")" : "",
			all ? "" : " 'pyperfmap list --all' shows every event libpfm4 knows.");
out:
	for (size_t i = 0; i < c.nr; i++)
		free(c.v[i].text);
	free(c.v);
	if (err)
		return err;
	return ferror(out) ? -EIO : 0;
}
