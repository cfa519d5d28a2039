/*
 * Kernel tracepoints by name ("sched:sched_switch"), as perf opens them: their id is
 * read from tracefs (events/SUBSYS/NAME/id) and becomes a PERF_TYPE_TRACEPOINT attr.
 * tracefs is looked for where it is mounted (/proc/mounts), then at its usual places;
 * root gets it mounted at /sys/kernel/tracing when it is nowhere, as perf does.
 */
#ifndef PPM_TRACEPOINT_H
#define PPM_TRACEPOINT_H

#include <stdint.h>

/* The tracefs folder that holds events/, or NULL (errno: ENOENT none, EACCES not ours). */
const char *ppm_tracefs__dir(void);
/* The id of SUBSYS:NAME: 0, -ENOENT (no such tracepoint, or no tracefs), -EACCES. */
int ppm_tracepoint__id(const char *name, uint64_t *id);
/* Calls fn for each tracepoint "subsys:name" matching pattern (fnmatch; NULL: all), in
 * name order; stops at fn's nonzero result, which it returns. -errno without tracefs. */
int ppm_tracepoint__each(const char *pattern, int (*fn)(void *ctx, const char *name), void *ctx);

/*
 * perf's tracing data (its HEADER_TRACING_DATA section, version 0.6), which perf
 * report needs before it reads a file with tracepoint events: the page and event
 * headers and the format of each tracepoint named (names[i] "subsys:name"), from
 * tracefs. *buf is malloc'd. 0 or -errno.
 */
int ppm_tracepoint__tracing_data(const char *const *names, int nr, void **buf, size_t *len);

#endif
