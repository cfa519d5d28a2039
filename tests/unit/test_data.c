/* perf.data: what the writer writes, the reader reads back. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/data_reader.h"
#include "../../lib/data_writer.h"
#include "../gen/perfgen.h"

static void data_round_trip(void **state)
{
	char path[] = "/tmp/ppm-data-XXXXXX";
	struct perfgen_simple_spec spec = { .nr_events = 2, .nr_samples = 100, .callchain = 1 };
	struct ppm_data *d;
	struct ppm_err err;
	const struct perf_event_header *h;
	uint64_t pos = 0;
	int fd = mkstemp(path), rc, samples = 0, mmaps = 0, comms = 0;
	int per_event[2] = { 0, 0 };
	size_t size;
	const char *maps;

	assert_true(fd >= 0);
	assert_int_equal(perfgen_simple(fd, &spec), 0);
	close(fd);
	assert_int_equal(ppm_data__open(&d, path, &err), 0);
	assert_int_equal(d->nr_attrs, 2);
	assert_string_equal(d->attrs[0].name, "cpu-clock");
	assert_string_equal(d->attrs[1].name, "task-clock:u");
	assert_int_equal(d->attrs[0].nr_ids, 2);
	assert_true(d->attrs[1].attr.exclude_kernel);
	while ((h = ppm_data__next(d, &pos, &rc))) {
		if (h->type == PERF_RECORD_SAMPLE) {
			struct ppm_sample s;

			assert_int_equal(ppm_data__parse_sample(d, h, &s), 0);
			assert_int_equal(s.pid, 1000);
			assert_int_equal(s.tid, 1000 + samples % 3);
			assert_int_equal(s.time, 1000000 + 10 * (uint64_t)samples);
			assert_int_equal(s.cpu, samples % 2);
			assert_int_equal(s.period, 250000);
			assert_int_equal(s.nr_callchain, 1 + 1 + samples % 4);
			assert_true(s.callchain[0] == PERF_CONTEXT_USER);
			assert_int_equal(s.ip, s.callchain[1]);
			per_event[s.attr]++;
			samples++;
		} else if (h->type == PERF_RECORD_MMAP2) {
			struct ppm_sample_id id;

			assert_int_equal(ppm_data__parse_id(d, h, &id), 0);
			assert_int_equal(id.pid, 1000);
			assert_true(id.has_time);
			mmaps++;
		} else if (h->type == PERF_RECORD_COMM) {
			comms++;
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(samples, 100);
	assert_int_equal(per_event[0], 50);
	assert_int_equal(per_event[1], 50);
	assert_int_equal(mmaps, 1);
	assert_int_equal(comms, 1);
	maps = ppm_data__feature(d, PPM_FEAT_PERFMAPS, &size);
	assert_non_null(maps);
	assert_true(size > 8);
	assert_non_null(memmem(maps, size, "py::hot_function", 16));
	ppm_data__close(d);
	unlink(path);
}

static void data_truncated_files_fail_cleanly(void **state)
{
	char path[] = "/tmp/ppm-data-XXXXXX";
	struct perfgen_simple_spec spec = { .nr_events = 1, .nr_samples = 50, .callchain = 1 };
	struct ppm_err err;
	struct ppm_data *d;
	off_t full;
	int fd = mkstemp(path), opened = 0;

	assert_int_equal(perfgen_simple(fd, &spec), 0);
	full = lseek(fd, 0, SEEK_END);
	for (off_t len = full - 1; len >= 0; len -= 97) {
		assert_int_equal(ftruncate(fd, len), 0);
		if (ppm_data__open(&d, path, &err) == 0) {
			/* Cut within its private sections: the rest reads, never all of it. */
			opened++;
			assert_true(d->cut_short || !ppm_data__feature(d, PPM_FEAT_PERFMAPS, &(size_t){ 0 }));
			ppm_data__close(d);
		} else {
			assert_true(strlen(err.msg) > 0);
			assert_null(strchr(err.msg, '\n'));
		}
	}
	assert_true(opened < 5);
	close(fd);
	unlink(path);
}

static void data_empty_and_foreign_files(void **state)
{
	struct ppm_err err;
	struct ppm_data *d;
	char path[] = "/tmp/ppm-data-XXXXXX";
	int fd = mkstemp(path);

	assert_int_equal(ppm_data__open(&d, path, &err), -22);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(write(fd, "not a perf.data file at all, just text..................................................................................................", 130), 130);
	assert_int_equal(ppm_data__open(&d, path, &err), -22);
	assert_non_null(strstr(err.msg, "bad magic"));
	assert_int_not_equal(ppm_data__open(&d, "/nonexistent/perf.data", &err), 0);
	assert_non_null(strstr(err.msg, "No such file"));
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_round_trip),
		cmocka_unit_test(data_truncated_files_fail_cleanly),
		cmocka_unit_test(data_empty_and_foreign_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
