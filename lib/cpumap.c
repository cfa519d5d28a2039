#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumap.h"

#define MAX_CPUS 8192

struct ppm_cpumap *ppm_cpumap__parse(const char *list)
{
	struct ppm_cpumap *map;
	const char *p = list;
	int nr = 0;

	map = calloc(1, sizeof(*map) + MAX_CPUS * sizeof(map->cpus[0]));
	if (!map)
		return NULL;
	while (*p && *p != '\n') {
		char *end;
		long first = strtol(p, &end, 10), last;

		if (end == p || first < 0 || first >= MAX_CPUS)
			goto invalid;
		last = first;
		p = end;
		if (*p == '-') {
			last = strtol(p + 1, &end, 10);
			if (end == p + 1 || last < first || last >= MAX_CPUS)
				goto invalid;
			p = end;
		}
		for (long c = first; c <= last; c++) {
			if (nr && map->cpus[nr - 1].cpu >= c)
				goto invalid;
			map->cpus[nr++].cpu = (int)c;
		}
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto invalid;
	}
	if (!nr)
		goto invalid;
	map->nr = nr;
	return map;
invalid:
	free(map);
	errno = EINVAL;
	return NULL;
}

struct ppm_cpumap *ppm_cpumap__new_online(void)
{
	char buf[4096];
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return ppm_cpumap__parse(buf);
}

void ppm_cpumap__free(struct ppm_cpumap *map)
{
	free(map);
}
