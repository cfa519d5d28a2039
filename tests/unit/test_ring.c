/* Ring buffer parsing over a fake kernel mapping: records in order, wrapping, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/ring.h"

#define PAGE 4096
#define DATA 4096

struct fake {
	unsigned char *mem;
	struct ppm_ring ring;
};

static struct fake *fake_new(uint64_t tail)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct perf_event_mmap_page *meta;

	f->mem = aligned_alloc(PAGE, PAGE + DATA);
	memset(f->mem, 0, PAGE + DATA);
	meta = (void *)f->mem;
	meta->data_tail = tail;
	meta->data_head = tail;
	assert_int_equal(ppm_ring__init_buffer(&f->ring, f->mem, PAGE, DATA), 0);
	return f;
}

static void fake_free(struct fake *f)
{
	ppm_ring__release(&f->ring);
	free(f->mem);
	free(f);
}

/* Writes a record of 'size' bytes whose body bytes are 'fill', as the kernel would. */
static void put_record(struct fake *f, uint16_t type, uint16_t size, unsigned char fill)
{
	struct perf_event_mmap_page *meta = (void *)f->mem;
	unsigned char rec[1024];
	struct perf_event_header h = { type, 0, size };
	uint64_t head = meta->data_head;

	memset(rec, fill, size);
	memcpy(rec, &h, sizeof(h));
	for (uint16_t i = 0; i < size; i++)
		f->mem[PAGE + ((head + i) & (DATA - 1))] = rec[i];
	meta->data_head = head + size;
}

static void ring_records_in_order(void **state)
{
	struct fake *f = fake_new(0);
	const struct perf_event_header *h;

	assert_int_equal(ppm_ring__read_init(&f->ring), -11 /* EAGAIN */);
	put_record(f, 9, 40, 0xaa);
	put_record(f, 3, 24, 0xbb);
	assert_int_equal(ppm_ring__read_init(&f->ring), 0);
	h = ppm_ring__read_event(&f->ring);
	assert_non_null(h);
	assert_int_equal(h->type, 9);
	assert_int_equal(h->size, 40);
	h = ppm_ring__read_event(&f->ring);
	assert_non_null(h);
	assert_int_equal(h->type, 3);
	assert_null(ppm_ring__read_event(&f->ring));
	ppm_ring__read_done(&f->ring);
	assert_int_equal(((struct perf_event_mmap_page *)f->mem)->data_tail, 64);
	fake_free(f);
}

static void ring_record_straddles_end(void **state)
{
	/* Start 16 bytes before the end: a 48-byte record wraps to the beginning. */
	struct fake *f = fake_new(DATA - 16);
	const struct perf_event_header *h;
	const unsigned char *body;

	put_record(f, 9, 48, 0x5c);
	put_record(f, 4, 16, 0x11);
	assert_int_equal(ppm_ring__read_init(&f->ring), 0);
	h = ppm_ring__read_event(&f->ring);
	assert_non_null(h);
	assert_int_equal(h->type, 9);
	assert_int_equal(h->size, 48);
	body = (const unsigned char *)(h + 1);
	for (int i = 0; i < 40; i++)
		assert_int_equal(body[i], 0x5c);
	/* The wrapped record was copied out of the ring, not read in place. */
	assert_ptr_equal((const void *)h, (const void *)f->ring.scratch);
	h = ppm_ring__read_event(&f->ring);
	assert_non_null(h);
	assert_int_equal(h->type, 4);
	ppm_ring__read_done(&f->ring);
	assert_int_equal(((struct perf_event_mmap_page *)f->mem)->data_tail, DATA - 16 + 64);
	fake_free(f);
}

static void ring_head_wraps_many_times(void **state)
{
	struct fake *f = fake_new(0);
	int seen = 0;

	for (int round = 0; round < 500; round++) {
		const struct perf_event_header *h;

		put_record(f, 9, 56, (unsigned char)round);
		put_record(f, 9, 72, (unsigned char)round);
		assert_int_equal(ppm_ring__read_init(&f->ring), 0);
		while ((h = ppm_ring__read_event(&f->ring))) {
			assert_int_equal(((const unsigned char *)h)[8], (unsigned char)round);
			seen++;
		}
		ppm_ring__read_done(&f->ring);
	}
	assert_int_equal(seen, 1000);
	fake_free(f);
}

static void ring_impossible_header_is_skipped(void **state)
{
	struct fake *f = fake_new(0);
	struct perf_event_mmap_page *meta = (void *)f->mem;

	/* A zero-sized header would loop forever if trusted. */
	meta->data_head = 64;
	assert_int_equal(ppm_ring__read_init(&f->ring), 0);
	assert_null(ppm_ring__read_event(&f->ring));
	assert_int_equal(f->ring.corrupt, 1);
	ppm_ring__read_done(&f->ring);
	assert_int_equal(meta->data_tail, 64);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_records_in_order),
		cmocka_unit_test(ring_record_straddles_end),
		cmocka_unit_test(ring_head_wraps_many_times),
		cmocka_unit_test(ring_impossible_header_is_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
