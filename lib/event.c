#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "event.h"
#include "pfm.h"

int ppm_event__parse(struct ppm_event *ev, const char *name)
{
	struct ppm_pfm_encoding enc;
	int err;

	memset(ev, 0, sizeof(*ev));
	if (!name || !*name || strchr(name, ','))
		return -EINVAL;
	err = ppm_pfm__encode(name, &enc);
	if (err)
		return err;
	ev->name = strdup(name);
	if (!ev->name)
		return -ENOMEM;
	ev->attr.type = enc.type;
	ev->attr.config = enc.config;
	ev->attr.config1 = enc.config1;
	ev->attr.config2 = enc.config2;
	ev->attr.exclude_user = enc.exclude_user;
	ev->attr.exclude_kernel = enc.exclude_kernel;
	ev->attr.exclude_hv = enc.exclude_hv;
	ev->attr.precise_ip = enc.precise_ip;
	return 0;
}

void ppm_event__release(struct ppm_event *ev)
{
	free(ev->name);
	ev->name = NULL;
}

int ppm_event__parse_list(const char *list, struct ppm_event **evs, char *bad, size_t badlen)
{
	char *copy = strdup(list), *tok, *save = NULL;
	struct ppm_event *arr = NULL;
	int nr = 0, err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct ppm_event *grown = realloc(arr, (nr + 1) * sizeof(*arr));

		if (!grown) {
			err = -ENOMEM;
			break;
		}
		arr = grown;
		err = ppm_event__parse(&arr[nr], tok);
		if (err) {
			snprintf(bad, badlen, "%s", tok);
			break;
		}
		nr++;
	}
	if (!err && !nr) {
		snprintf(bad, badlen, "%s", list);
		err = -EINVAL;
	}
	free(copy);
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

bool ppm_event__have_pmu(void)
{
	return access("/sys/bus/event_source/devices/cpu", F_OK) == 0 ||
	       access("/sys/bus/event_source/devices/cpu_core", F_OK) == 0;
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
