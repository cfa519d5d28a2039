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
#include "tracepoint.h"
#include "../util/array.h"
#include "../util/array.h"
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

/*
 * perf's generic names from perf_event.h, for when libpfm4 does not know them: when
 * it could not be loaded, or knows only the PMU that LIBPFM_FORCE_PMU forces.
 */
static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} generic[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "idle-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "idle-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "cgroup-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CGROUP_SWITCHES },
};

/* perf's cache names: CACHE-OP-misses, or CACHE-OPs for the accesses. */
static const char *const caches[] = { "L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB",
				      "branch", "node" };
static const char *const ops[][2] = { { "load", "loads" }, { "store", "stores" },
				       { "prefetch", "prefetches" } };

static int encode_cache(const char *name, struct perf_event_attr *attr)
{
	for (size_t c = 0; c < sizeof(caches) / sizeof(caches[0]); c++) {
		size_t n = strlen(caches[c]);

		if (strncasecmp(name, caches[c], n) || name[n] != '-')
			continue;
		for (size_t o = 0; o < 3; o++) {
			const char *rest = name + n + 1;
			size_t m = strlen(ops[o][0]);
			int result = -1;

			if (!strcasecmp(rest, ops[o][1]))
				result = PERF_COUNT_HW_CACHE_RESULT_ACCESS;
			else if (!strncasecmp(rest, ops[o][0], m) && !strcasecmp(rest + m, "-misses"))
				result = PERF_COUNT_HW_CACHE_RESULT_MISS;
			if (result < 0)
				continue;
			attr->type = PERF_TYPE_HW_CACHE;
			attr->config = c | o << 8 | (uint64_t)result << 16;
			return 0;
		}
	}
	return -ENOENT;
}

static int encode_generic(const char *name, struct perf_event_attr *attr)
{
	/* rNNN: a raw event, its hex code as the PMU takes it */
	if ((name[0] == 'r' || name[0] == 'R') && name[1] && strspn(name + 1, "0123456789abcdefABCDEF") ==
								     strlen(name + 1) && strlen(name + 1) <= 16) {
		attr->type = PERF_TYPE_RAW;
		attr->config = strtoull(name + 1, NULL, 16);
		return 0;
	}
	for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++) {
		if (!strcasecmp(name, generic[i].name)) {
			attr->type = generic[i].type;
			attr->config = generic[i].config;
			return 0;
		}
	}
	return encode_cache(name, attr);
}

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
	if (err && encode_generic(name, attr) == 0)
		return 0;
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
	/* "subsys:name": a kernel tracepoint, every hit a sample (perf's period 1) */
	if (err && strchr(name, ':')) {
		uint64_t id;
		int terr = ppm_tracepoint__id(name, &id);

		if (terr == 0) {
			memset(&ev->attr, 0, sizeof(ev->attr));
			ev->attr.type = PERF_TYPE_TRACEPOINT;
			ev->attr.config = id;
			err = 0;
		} else if (terr == -EACCES) {
			err = -EACCES;
		}
	}
	if (err)
		return err;
	ev->name = strdup(name);
	return ev->name ? 0 : -ENOMEM;
}

bool ppm_event__is_tracepoint(const struct ppm_event *ev)
{
	return ev->attr.type == PERF_TYPE_TRACEPOINT;
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

struct glob_ctx {
	struct ppm_event **arr;
	int *nr;
	int matched;
};

static int glob_add(void *ctx, const char *name)
{
	struct glob_ctx *g = ctx;

	g->matched++;
	return list_add(g->arr, g->nr, name, -1);
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
			if (strchr(tok, ':') && strpbrk(tok, "*?[")) {
				/* a pattern of tracepoints, 'sched:*': each one that matches */
				struct glob_ctx g = { &arr, &nr, 0 };

				err = ppm_tracepoint__each(tok, glob_add, &g);
				if (!err && !g.matched)
					err = -ENOENT;
			} else {
				err = list_add(&arr, &nr, tok, -1);
			}
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
 * An entry is built as "names\tequiv" (equiv groups aliases) and split at the end.
 */
struct list_ctx {
	struct ppm_event_list *l;
	size_t cap;
	bool all;
	const char *filter;
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

static int list_push(struct list_ctx *c, enum ppm_event_kind kind, const char *text, bool ok)
{
	struct ppm_event_list *l = c->l;

	if (c->filter && !strcasestr(text, c->filter))
		return 0;
	if (ppm_array__reserve((void **)&l->v, &c->cap, l->nr + 1, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->nr].name = strdup(text);
	if (!l->v[l->nr].name)
		return -ENOMEM;
	l->v[l->nr].desc = NULL;
	l->v[l->nr].kind = kind;
	l->v[l->nr].ok = ok;
	l->nr++;
	return 0;
}

/* Adds name to the line of its event (same equiv), or starts that line. */
static int list_alias(struct list_ctx *c, enum ppm_event_kind kind, const char *equiv, const char *name)
{
	struct ppm_event ev;
	char spelled[128], line[512];
	bool ok;

	if (!strncmp(name, "PERF_COUNT_", 11))
		return 0; /* libpfm4's own spelling: the aliases say it as perf does */
	perf_spelling(name, spelled, sizeof(spelled));
	for (size_t i = 0; i < c->l->nr; i++) {
		struct ppm_event_entry *e = &c->l->v[i];
		char *tag = strchr(e->name, '\t');

		if (tag && !strcmp(tag + 1, equiv)) {
			snprintf(line, sizeof(line), "%.*s OR %s\t%s", (int)(tag - e->name), e->name,
				 spelled, equiv);
			free(e->name);
			e->name = strdup(line);
			return e->name ? 0 : -ENOMEM;
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
		enum ppm_event_kind kind;

		if (!e->equiv || ppm_event__parse(&ev, e->name))
			return 0;
		kind = ev.attr.type == PERF_TYPE_HARDWARE ? PPM_EVENT_HW :
		       ev.attr.type == PERF_TYPE_SOFTWARE ? PPM_EVENT_SW :
		       ev.attr.type == PERF_TYPE_HW_CACHE ? PPM_EVENT_CACHE :
							    PPM_EVENT_KINDS;
		ppm_event__release(&ev);
		return kind == PPM_EVENT_KINDS ? 0 : list_alias(c, kind, e->equiv, e->name);
	}
	if (e->kind != PPM_PFM_CORE)
		return 0;
	c->l->pmu_events++;
	c->l->pmu_desc = e->pmu_desc;
	if (!c->l->have_pmu && !c->all)
		return 0;
	if (!e->umasks[0]) {
		snprintf(line, sizeof(line), "%s::%s\t%s", e->pmu, e->name, e->desc);
		return list_push(c, PPM_EVENT_PMU, line, c->l->have_pmu);
	}
	for (int i = 0; e->umasks[i] && !err; i++) {
		snprintf(line, sizeof(line), "%s::%s:%s\t%s", e->pmu, e->name, e->umasks[i],
			 e->umask_descs[i]);
		err = list_push(c, PPM_EVENT_PMU, line, c->l->have_pmu);
	}
	return err;
}

/* The generic events from perf_event.h, when libpfm4 listed none (see generic[]). */
static int list_generic(struct list_ctx *c)
{
	char equiv[32], name[64];
	int err = 0;

	for (size_t i = 0; i < c->l->nr; i++)
		if (c->l->v[i].kind == PPM_EVENT_HW || c->l->v[i].kind == PPM_EVENT_SW)
			return 0;
	for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]) && !err; i++) {
		snprintf(equiv, sizeof(equiv), "%u:%llu", generic[i].type,
			 (unsigned long long)generic[i].config);
		err = list_alias(c, generic[i].type == PERF_TYPE_HARDWARE ? PPM_EVENT_HW : PPM_EVENT_SW,
				 equiv, generic[i].name);
	}
	for (size_t k = 0; k < sizeof(caches) / sizeof(caches[0]) && !err; k++) {
		for (size_t o = 0; o < 3 && !err; o++) {
			snprintf(name, sizeof(name), "%s-%s", caches[k], ops[o][1]);
			err = list_alias(c, PPM_EVENT_CACHE, name, name);
			snprintf(name, sizeof(name), "%s-%s-misses", caches[k], ops[o][0]);
			if (!err)
				err = list_alias(c, PPM_EVENT_CACHE, name, name);
		}
	}
	return err;
}

static int list_tracepoint(void *ctx, const char *name)
{
	char line[640];

	snprintf(line, sizeof(line), "%s\t%s", name, name);
	return list_push(ctx, PPM_EVENT_TRACEPOINT, line, true);
}

int ppm_event__list(struct ppm_event_list *l, bool all, const char *filter)
{
	struct list_ctx c = { l, 0, all, filter };
	int err;

	memset(l, 0, sizeof(*l));
	l->have_pmu = ppm_event__have_pmu();
	err = ppm_pfm__foreach_event(list_pfm_event, &c);
	if (err == -ENOENT)
		err = 0; /* no libpfm4 (the log said so): perf's generic names still open */
	if (!err)
		err = list_generic(&c);
	for (size_t i = 0; !err && i < sizeof(extra_sw) / sizeof(extra_sw[0]); i++) {
		struct ppm_event ev;
		char line[128];
		bool ok;

		if (ppm_event__parse(&ev, extra_sw[i].name))
			continue;
		snprintf(line, sizeof(line), "%s\t%s", extra_sw[i].name, extra_sw[i].name);
		ok = ppm_event__probe(&ev) == 0;
		if (ok || all)
			err = list_push(&c, PPM_EVENT_SW, line, ok);
		ppm_event__release(&ev);
	}
	/* tracepoints last, as perf lists them; openable where tracefs lets us read ids */
	if (!err) {
		struct list_ctx *cp = &c;

		err = ppm_tracepoint__each(NULL, list_tracepoint, cp);
		if (err == -ENOENT || err == -EACCES)
			err = 0; /* no tracefs here: no tracepoints to offer */
	}
	/* "names\tequiv" becomes the names, and a PMU event's description */
	for (size_t i = 0; i < l->nr; i++) {
		char *tab = strchr(l->v[i].name, '\t');

		if (!tab)
			continue;
		*tab = '\0';
		if (l->v[i].kind == PPM_EVENT_PMU)
			l->v[i].desc = tab + 1;
	}
	if (err)
		ppm_event_list__release(l);
	return err;
}

void ppm_event_list__release(struct ppm_event_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->nr = 0;
}
