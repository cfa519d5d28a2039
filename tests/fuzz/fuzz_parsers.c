/*
 * Fuzz targets for every parser: the perf.data reader (header, attrs, features,
 * records, samples), the session's reading of it (side-band records applied to the
 * address-space model, the embedded PERFMAPS section, samples resolved), perf maps,
 * kallsyms-format files and jitdump files.
 *
 * Built two ways: with -fsanitize=fuzzer (clang) LLVMFuzzerTestOneInput is the
 * libFuzzer entry; otherwise main() is a deterministic driver for ctest that
 * mutates a valid file (bit flips, truncations, spliced garbage) a fixed number
 * of times. A crash or sanitizer report fails the test.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/data_reader.h"
#include "../../session/reader.h"
#include "../../maps/jitdump.h"
#include "../../maps/kallsyms.h"
#include "../../maps/perfmap.h"
#include "../gen/perfgen.h"

static uint64_t checksum; /* keeps the reads from being optimized away */
static unsigned long read_whole, with_perfmaps; /* inputs the report reader read through */

static void read_everything(const char *path)
{
	struct ppm_data *d;
	struct ppm_err err;
	const struct perf_event_header *h;
	uint64_t pos = 0;
	int rc;

	if (ppm_data__open(&d, path, &err))
		return;
	while ((h = ppm_data__next(d, &pos, &rc))) {
		if (h->type == PERF_RECORD_SAMPLE) {
			struct ppm_sample s;

			if (ppm_data__parse_sample(d, h, &s) == 0)
				for (uint64_t i = 0; i < s.nr_callchain; i++)
					checksum += s.callchain[i];
		} else {
			struct ppm_sample_id id;

			if (ppm_data__parse_id(d, h, &id) == 0)
				checksum += id.time;
		}
	}
	for (int f = 1; f < PPM_FEAT_BITS; f++) {
		size_t size;
		const unsigned char *p = ppm_data__feature(d, f, &size);

		if (p && size)
			checksum += p[size - 1];
	}
	ppm_data__close(d);
}

static int count_sample(void *arg, const struct ppm_resolved_sample *rs)
{
	(void)arg;
	for (size_t i = 0; i < rs->nr; i++)
		checksum += rs->chain[i];
	return 0;
}

/* As report reads it: time order, side-band into the model, samples resolved. */
static void read_as_report(const char *path)
{
	struct ppm_reader_opts o = { path, "/dev/null", NULL, 0, NULL };
	struct ppm_reader *r;
	struct ppm_err err;

	if (ppm_reader__open(&r, &o, &err))
		return;
	if (ppm_reader__run(r, count_sample, NULL, &err) == 0) {
		size_t size;

		read_whole++;
		with_perfmaps += ppm_data__feature(r->data, PPM_FEAT_PERFMAPS, &size) != NULL;
	}
	checksum += r->res.frames.nr + r->res.stats.lost;
	ppm_reader__close(r);
}

static void parse_text(const uint8_t *data, size_t size)
{
	struct ppm_symtab t = { 0 };
	size_t bad;

	ppm_perfmap__parse(&t, (const char *)data, size, &bad);
	ppm_symtab__finalize(&t, 0);
	for (size_t i = 0; i < 64; i++)
		checksum += ppm_symtab__find(&t, (uint64_t)i * 0x1000) != NULL;
	ppm_symtab__release(&t);
}

static int run_one(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	char path[64];

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	read_everything(path);
	read_as_report(path);
	{
		struct ppm_symtab t = { 0 };

		if (ppm_kallsyms__load(&t, path) == 0)
			checksum += t.nr;
		ppm_symtab__release(&t);
	}
	close(fd);
	parse_text(data, size);
	{
		char *text;
		size_t len;

		if (ppm_jitdump__perfmap_text(data, size, &text, &len) == 0 && text) {
			parse_text((const uint8_t *)text, len);
			free(text);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return run_one(data, size);
}

#ifndef PPM_LIBFUZZER
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A jitdump with three code loads (a header, then JIT_CODE_LOAD records). */
static size_t jitdump_seed(uint8_t *buf, size_t cap)
{
	uint32_t hdr[10] = { 0x4A695444u, 1, 40, 62, 0, 77 };
	size_t off = 40;

	memcpy(buf, hdr, 40);
	for (int i = 0; i < 3 && off + 128 <= cap; i++) {
		uint32_t rec[6] = { 0, 0, 0, 0, 77, 77 };
		uint64_t v[4] = { 0x7f0000000000ULL + 16 * (uint64_t)i, 0x7f0000000000ULL + 16 * (uint64_t)i, 16,
				  (uint64_t)i };
		char name[32];
		size_t nlen = (size_t)snprintf(name, sizeof(name), "py::f%d:/x.py", i) + 1;
		uint32_t total = (uint32_t)(56 + nlen + 16);

		rec[1] = total;
		memcpy(buf + off, rec, 24);
		memcpy(buf + off + 24, v, 32);
		memcpy(buf + off + 56, name, nlen);
		memset(buf + off + 56 + nlen, 0xcc, 16);
		off += total;
	}
	return off;
}

int main(int argc, char **argv)
{
	struct perfgen_simple_spec spec = { .nr_events = 2, .nr_samples = 40, .callchain = 1 };
	int iterations = argc > 1 ? atoi(argv[1]) : 4000;
	int fd = memfd_create("seed", 0), cut = memfd_create("cut", 0);
	uint8_t *seed, *buf;
	off_t size;

	const char *seed_name = argc > 2 ? argv[2] : "simple";
	char elf_dir[] = "/tmp/ppm-fuzz-XXXXXX", elf[64] = "";

	if (fd < 0 || perfgen_simple(fd, &spec) || cut < 0 || perfgen_cut(cut)) {
		fprintf(stderr, "cannot make the seed files\n");
		return 1;
	}
	/* Other seeds: a file its recorder never finished, perf's DWARF samples. */
	if (!strcmp(seed_name, "cut")) {
		close(fd);
		fd = cut;
	} else if (!strcmp(seed_name, "dwarf")) {
		close(cut);
		close(fd);
		fd = memfd_create("dwarf", 0);
		if (!mkdtemp(elf_dir) || fd < 0 ||
		    (snprintf(elf, sizeof(elf), "%s/prog.so", elf_dir), perfgen_dwarf(fd, elf))) {
			fprintf(stderr, "cannot make the dwarf seed\n");
			return 1;
		}
	} else {
		close(cut);
	}
	size = lseek(fd, 0, SEEK_END);
	seed = malloc((size_t)size);
	buf = malloc((size_t)size + 4096);
	if (pread(fd, seed, (size_t)size, 0) != size)
		return 1;
	close(fd);
	for (int it = 0; it < iterations; it++) {
		size_t len = (size_t)size;
		int kind = it % 4;

		memcpy(buf, seed, len);
		if (kind == 0) {          /* flip a few bits */
			for (int k = 0; k < 1 + (int)(next_rand() % 8); k++)
				buf[next_rand() % len] ^= (uint8_t)(1u << (next_rand() % 8));
		} else if (kind == 1) {   /* truncate */
			len = (size_t)(next_rand() % len);
		} else if (kind == 2) {   /* overwrite a run with random bytes */
			size_t at = next_rand() % len, n = 1 + next_rand() % 64;

			for (size_t k = 0; k < n && at + k < len; k++)
				buf[at + k] = (uint8_t)next_rand();
		} else {                  /* random words where sizes and offsets live */
			size_t at = (next_rand() % (len / 8)) * 8;
			uint64_t v = next_rand() % 3 ? next_rand() : (uint64_t)-1;

			memcpy(buf + at, &v, 8);
		}
		run_one(buf, len);
	}
	/* Pure garbage of all sizes, and the seed itself. */
	for (size_t n = 0; n < 300; n++) {
		for (size_t k = 0; k < n * 7; k++)
			buf[k] = (uint8_t)next_rand();
		run_one(buf, n * 7);
	}
	run_one(seed, (size_t)size);
	/* The jitdump seed, mutated the same ways. */
	{
		uint8_t jd[1024], jbuf[1024 + 64];
		size_t jlen = jitdump_seed(jd, sizeof(jd));

		for (int it = 0; it < iterations / 4; it++) {
			size_t len = jlen;

			memcpy(jbuf, jd, jlen);
			if (it % 2)
				len = (size_t)(next_rand() % jlen);
			else
				for (int k = 0; k < 1 + (int)(next_rand() % 8); k++)
					jbuf[next_rand() % jlen] ^= (uint8_t)(1u << (next_rand() % 8));
			run_one(jbuf, len);
		}
		run_one(jd, jlen);
	}
	printf("fuzz: %d mutations survived (checksum %llx); %lu inputs read through as a "
	       "report, %lu of them with perf maps\n", iterations, (unsigned long long)checksum,
	       read_whole, with_perfmaps);
	free(seed);
	free(buf);
	if (*elf) {
		unlink(elf);
		rmdir(elf_dir);
	}
	/* The seeds are valid: a reader that rejects everything covers nothing. The cut
	 * seed has no sections (its recorder died before writing them). */
	if (!read_whole || (!with_perfmaps && strcmp(seed_name, "cut"))) {
		fprintf(stderr, "fuzz: the report reader read no input through\n");
		return 1;
	}
	return 0;
}
#endif
