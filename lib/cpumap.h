/* Online CPUs. A CPU number is its own type so it is never confused with an index. */
#ifndef PPM_CPUMAP_H
#define PPM_CPUMAP_H

struct ppm_cpu {
	int cpu;
};

struct ppm_cpumap {
	int nr;
	struct ppm_cpu cpus[];
};

/* Parses a list like "0-3,5,7-8". Returns NULL and sets errno on failure. */
struct ppm_cpumap *ppm_cpumap__parse(const char *list);
/* The CPUs in /sys/devices/system/cpu/online; offline ones are simply absent. */
struct ppm_cpumap *ppm_cpumap__new_online(void);
void ppm_cpumap__free(struct ppm_cpumap *map);

#define ppm_cpumap__for_each(cpu, idx, map) \
	for ((idx) = 0; (idx) < (map)->nr && ((cpu) = (map)->cpus[idx], 1); (idx)++)

#endif
