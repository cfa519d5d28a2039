/*
 * Does this machine count hardware events? The tests ask the kernel, not /sys or the
 * CPU vendor: open 'instructions' (user space only, so perf_event_paranoid up to 2
 * allows it) on this process and see.
 *
 * Exit 0 and "pmu" when it opens; 1 and "no PMU: REASON" when the kernel has no such
 * event (ENOENT, EOPNOTSUPP, ENODEV: a VM without a virtual PMU); 2 and the error
 * when something else stops it, so a test neither runs nor skips on a guess.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd >= 0) {
		close((int)fd);
		puts("pmu");
		return 0;
	}
	if (errno == ENOENT || errno == EOPNOTSUPP || errno == ENODEV) {
		printf("no PMU: 'instructions' does not open (%s)\n", strerror(errno));
		return 1;
	}
	printf("cannot tell: 'instructions' fails with %s\n", strerror(errno));
	return 2;
}
