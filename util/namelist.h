/*
 * A list of names from comma-separated option values (--comms a,b --comms c), and
 * whether a name is on it. Header-only, like array.h.
 */
#ifndef PPM_UTIL_NAMELIST_H
#define PPM_UTIL_NAMELIST_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ppm_name_list {
	char **v;
	size_t nr;
};

/* Adds each comma-separated name of list (empty ones skipped). 0 or -ENOMEM. */
static inline int ppm_name_list__parse(struct ppm_name_list *l, const char *list)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		char **grown;

		if (len) {
			grown = realloc(l->v, (l->nr + 1) * sizeof(*l->v));
			if (!grown)
				return -ENOMEM;
			l->v = grown;
			l->v[l->nr] = strndup(p, len);
			if (!l->v[l->nr])
				return -ENOMEM;
			l->nr++;
		}
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static inline int ppm_name_list__has(const struct ppm_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->v[i], name))
			return 1;
	return 0;
}

static inline void ppm_name_list__release(struct ppm_name_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->nr = 0;
}

#endif
