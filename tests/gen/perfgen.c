/*
 * The record builder and the ELF writer of perfgen (perfgen.h). Record layouts from
 * include/uapi/linux/perf_event.h; the ELF layout from the System V gABI.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "perfgen.h"
#include "../../lib/data_writer.h"
#include "../../lib/perf_file.h"

#define MAX_EVENTS 8
#define MAX_CPUS 8
#define REC_MAX 8192

struct perfgen {
	struct ppm_data_writer *w;
	int nr_events, nr_cpus;
	uint64_t sample_type;
	uint64_t ids[MAX_EVENTS][MAX_CPUS];
	uint64_t time, step;
	unsigned char rec[REC_MAX];
	char *perfmaps;              /* the PERFMAPS section as it grows */
	size_t perfmaps_len;
	char *ksyms;
};

static size_t put(unsigned char *p, size_t off, const void *v, size_t n)
{
	memcpy(p + off, v, n);
	return off + n;
}

static size_t put_u64(unsigned char *p, size_t off, uint64_t v)
{
	return put(p, off, &v, 8);
}

static size_t put_u32x2(unsigned char *p, size_t off, uint32_t a, uint32_t b)
{
	uint32_t v[2] = { a, b };

	return put(p, off, v, 8);
}

struct perfgen *perfgen__new(int fd, const struct perfgen_event *events, int nr_events,
			     unsigned flags, int nr_cpus)
{
	struct ppm_writer_attr wa[MAX_EVENTS];
	struct perfgen *g;

	if (nr_events < 1 || nr_events > MAX_EVENTS || nr_cpus < 1 || nr_cpus > MAX_CPUS) {
		errno = EINVAL;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->nr_events = nr_events;
	g->nr_cpus = nr_cpus;
	g->time = 1000;
	g->step = 10;
	g->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_PERIOD;
	if (flags & PERFGEN_CPU)
		g->sample_type |= PERF_SAMPLE_CPU;
	if (flags & PERFGEN_CALLCHAIN)
		g->sample_type |= PERF_SAMPLE_CALLCHAIN;
	if (flags & PERFGEN_DWARF)
		g->sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	if (nr_events > 1)
		g->sample_type |= PERF_SAMPLE_IDENTIFIER;
	memset(wa, 0, sizeof(wa));
	for (int e = 0; e < nr_events; e++) {
		struct perf_event_attr *a = &wa[e].attr;

		a->type = events[e].type;
		a->config = events[e].config;
		a->size = sizeof(*a);
		if (events[e].period) {
			a->sample_period = events[e].period;
		} else {
			a->freq = 1;
			a->sample_freq = 4000;
		}
		a->sample_type = g->sample_type;
		if (flags & PERFGEN_DWARF) {
			a->sample_regs_user = (1ULL << 6) | (1ULL << 7) | (1ULL << 8);
			a->sample_stack_user = PERFGEN_STACK;
			a->exclude_callchain_user = 1;
		}
		a->sample_id_all = 1;
		a->exclude_kernel = events[e].exclude_kernel;
		a->exclude_hv = 1;
		for (int c = 0; c < nr_cpus; c++)
			g->ids[e][c] = 100 + 10 * (uint64_t)e + (uint64_t)c;
		wa[e].name = events[e].name;
		wa[e].ids = g->ids[e];
		wa[e].nr_ids = (size_t)nr_cpus;
	}
	g->w = ppm_data_writer__new(fd, wa, (size_t)nr_events);
	if (!g->w) {
		free(g);
		return NULL;
	}
	return g;
}

void perfgen__set_clock(struct perfgen *g, uint64_t time, uint64_t step)
{
	g->time = time;
	g->step = step;
}

/* The sample_id trailer of a side-band record (sample_id_all), as the first event's. */
static size_t trailer(struct perfgen *g, size_t off, uint32_t pid, uint32_t tid)
{
	off = put_u32x2(g->rec, off, pid, tid);
	off = put_u64(g->rec, off, g->time);
	if (g->sample_type & PERF_SAMPLE_CPU)
		off = put_u32x2(g->rec, off, 0, 0);
	if (g->sample_type & PERF_SAMPLE_IDENTIFIER)
		off = put_u64(g->rec, off, g->ids[0][0]);
	g->time += g->step;
	return off;
}

static int emit(struct perfgen *g, uint32_t type, uint16_t misc, size_t off)
{
	struct perf_event_header h = { type, misc, (uint16_t)off };

	memcpy(g->rec, &h, sizeof(h));
	return ppm_data_writer__write(g->w, g->rec, off);
}

int perfgen__comm(struct perfgen *g, uint32_t pid, uint32_t tid, const char *comm, bool exec)
{
	char name[16] = { 0 };
	size_t off;

	strncpy(name, comm, sizeof(name) - 1);
	off = put_u32x2(g->rec, sizeof(struct perf_event_header), pid, tid);
	off = put(g->rec, off, name, sizeof(name));
	off = trailer(g, off, pid, tid);
	return emit(g, PERF_RECORD_COMM, exec ? PERF_RECORD_MISC_COMM_EXEC : 0, off);
}

int perfgen__mmap(struct perfgen *g, uint32_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		  const char *path)
{
	size_t nlen = strlen(path) + 1, padded = (nlen + 7) & ~(size_t)7, off;

	if (padded > 4096)
		return -ENAMETOOLONG;
	off = put_u32x2(g->rec, sizeof(struct perf_event_header), pid, pid);
	off = put_u64(g->rec, off, start);
	off = put_u64(g->rec, off, len);
	off = put_u64(g->rec, off, pgoff);
	off = put(g->rec, off, (uint64_t[3]){ 0, 0, 0 }, 24);   /* maj, min, ino, ino_generation */
	off = put_u32x2(g->rec, off, 5 /* PROT_READ | PROT_EXEC */, 2 /* MAP_PRIVATE */);
	memset(g->rec + off, 0, padded);
	memcpy(g->rec + off, path, nlen);
	off = trailer(g, off + padded, pid, pid);
	return emit(g, PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER, off);
}

int perfgen__fork(struct perfgen *g, uint32_t pid, uint32_t ppid, uint32_t tid, uint32_t ptid)
{
	size_t off = put_u32x2(g->rec, sizeof(struct perf_event_header), pid, ppid);

	off = put_u32x2(g->rec, off, tid, ptid);
	off = put_u64(g->rec, off, g->time);
	off = trailer(g, off, pid, tid);
	return emit(g, PERF_RECORD_FORK, 0, off);
}

int perfgen__sample(struct perfgen *g, const struct perfgen_sample *s)
{
	size_t off = sizeof(struct perf_event_header), nr;
	uint64_t ip = s->nr_kernel ? s->kernel[0] : s->nr_user ? s->user[0] : s->regs[2];

	if (s->ev < 0 || s->ev >= g->nr_events || s->cpu >= (uint32_t)g->nr_cpus)
		return -EINVAL;
	nr = (s->nr_kernel ? 1 + s->nr_kernel : 0) + (s->nr_user ? 1 + s->nr_user : 0);
	if (off + 8 * (8 + nr) > REC_MAX)
		return -E2BIG;
	if (g->sample_type & PERF_SAMPLE_IDENTIFIER)
		off = put_u64(g->rec, off, g->ids[s->ev][s->cpu]);
	off = put_u64(g->rec, off, ip);
	off = put_u32x2(g->rec, off, s->pid, s->tid);
	off = put_u64(g->rec, off, g->time);
	g->time += g->step;
	if (g->sample_type & PERF_SAMPLE_CPU)
		off = put_u32x2(g->rec, off, s->cpu, 0);
	off = put_u64(g->rec, off, s->period);
	if (g->sample_type & PERF_SAMPLE_CALLCHAIN) {
		off = put_u64(g->rec, off, nr);
		if (s->nr_kernel) {
			off = put_u64(g->rec, off, PERF_CONTEXT_KERNEL);
			off = put(g->rec, off, s->kernel, 8 * s->nr_kernel);
		}
		if (s->nr_user) {
			off = put_u64(g->rec, off, PERF_CONTEXT_USER);
			off = put(g->rec, off, s->user, 8 * s->nr_user);
		}
	}
	if (g->sample_type & PERF_SAMPLE_REGS_USER) {
		/* the ABI, then the registers in bit order: bp (6), sp (7), ip (8) */
		off = put_u64(g->rec, off, PERF_SAMPLE_REGS_ABI_64);
		off = put(g->rec, off, s->regs, sizeof(s->regs));
	}
	if (g->sample_type & PERF_SAMPLE_STACK_USER) {
		unsigned char copy[PERFGEN_STACK] = { 0 };
		size_t n = s->stack_len < PERFGEN_STACK ? s->stack_len : PERFGEN_STACK;

		if (off + PERFGEN_STACK + 16 > REC_MAX)
			return -E2BIG;
		memcpy(copy, s->stack, n);
		off = put_u64(g->rec, off, PERFGEN_STACK);
		off = put(g->rec, off, copy, PERFGEN_STACK);
		off = put_u64(g->rec, off, n); /* dyn_size: the bytes that are stack */
	}
	return emit(g, PERF_RECORD_SAMPLE, s->nr_kernel ? PERF_RECORD_MISC_KERNEL : PERF_RECORD_MISC_USER,
		    off);
}

int perfgen__lost(struct perfgen *g, uint64_t n)
{
	size_t off = put_u64(g->rec, sizeof(struct perf_event_header), 1 /* id */);

	off = put_u64(g->rec, off, n);
	off = trailer(g, off, 0, 0);
	return emit(g, PERF_RECORD_LOST, 0, off);
}

int perfgen__throttle(struct perfgen *g)
{
	size_t off = put_u64(g->rec, sizeof(struct perf_event_header), g->time);

	off = put_u64(g->rec, off, g->ids[0][0]);
	off = put_u64(g->rec, off, g->ids[0][0]);  /* stream_id */
	off = trailer(g, off, 0, 0);
	return emit(g, PERF_RECORD_THROTTLE, 0, off);
}

int perfgen__round(struct perfgen *g)
{
	return emit(g, PPM_RECORD_FINISHED_ROUND, 0, sizeof(struct perf_event_header));
}

int perfgen__checkpoint(struct perfgen *g)
{
	return ppm_data_writer__checkpoint(g->w);
}

int perfgen__flush(struct perfgen *g)
{
	return ppm_data_writer__flush(g->w);
}

/* PERFMAPS payload: repeated { u32 pid; u32 len; char text[len]; pad to 8 }. */
int perfgen__perfmap(struct perfgen *g, uint32_t pid, const char *text)
{
	size_t len = strlen(text), n = 8 + ((len + 7) & ~(size_t)7);
	char *p = realloc(g->perfmaps, g->perfmaps_len + n);
	uint32_t hdr[2] = { pid, (uint32_t)len };

	if (!p)
		return -ENOMEM;
	memset(p + g->perfmaps_len, 0, n);
	memcpy(p + g->perfmaps_len, hdr, 8);
	memcpy(p + g->perfmaps_len + 8, text, len);
	g->perfmaps = p;
	g->perfmaps_len += n;
	return 0;
}

int perfgen__ksyms(struct perfgen *g, const char *text)
{
	free(g->ksyms);
	g->ksyms = strdup(text);
	return g->ksyms ? 0 : -ENOMEM;
}

int perfgen__finish(struct perfgen *g)
{
	int err = 0;

	if (g->perfmaps_len)
		err = ppm_data_writer__add_feature(g->w, PPM_FEAT_PERFMAPS, g->perfmaps, g->perfmaps_len);
	if (!err && g->ksyms)
		err = ppm_data_writer__add_feature(g->w, PPM_FEAT_KSYMS, g->ksyms, strlen(g->ksyms));
	return err ? err : ppm_data_writer__finish(g->w);
}

void perfgen__free(struct perfgen *g)
{
	if (!g)
		return;
	ppm_data_writer__free(g->w);
	free(g->perfmaps);
	free(g->ksyms);
	free(g);
}

/*
 * The ELF: one PT_LOAD (r-x) mapping the whole file at virtual address 0, as a PIE
 * or shared object is; .text from 0x1000 holding the functions back to back, each
 * "push %rbp; mov %rsp,%rbp; nop...; pop %rbp; ret"; then .symtab, .strtab and
 * .shstrtab (not loaded) and the section headers.
 */
#define TEXT_OFF 0x1000

uint64_t perfgen_elf_addr(const struct perfgen_func *funcs, size_t i)
{
	uint64_t a = TEXT_OFF;

	for (size_t k = 0; k < i; k++)
		a += funcs[k].size;
	return a;
}

int perfgen_elf(const char *path, const struct perfgen_func *funcs, size_t n)
{
	static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	uint64_t text_len = perfgen_elf_addr(funcs, n) - TEXT_OFF, strtab_len = 1;
	size_t symtab_off, strtab_off, shstr_off, sh_off, total;
	unsigned char *img;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	Elf64_Shdr *sh;
	Elf64_Sym *sym;
	int fd, err = 0;

	for (size_t i = 0; i < n; i++)
		strtab_len += funcs[i].name ? strlen(funcs[i].name) + 1 : 0;
	symtab_off = (TEXT_OFF + text_len + 7) & ~(size_t)7;
	strtab_off = symtab_off + (n + 1) * sizeof(Elf64_Sym);
	shstr_off = strtab_off + strtab_len;
	sh_off = (shstr_off + sizeof(shstr) + 7) & ~(size_t)7;
	total = sh_off + 5 * sizeof(Elf64_Shdr);
	img = calloc(1, total);
	if (!img)
		return -ENOMEM;
	eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = sh_off;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 5;
	eh->e_shstrndx = 4;
	ph = (Elf64_Phdr *)(img + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_filesz = ph->p_memsz = TEXT_OFF + text_len;
	ph->p_align = 0x1000;
	sym = (Elf64_Sym *)(img + symtab_off);
	for (size_t i = 0, name = 1; i < n; i++) {
		unsigned char *code = img + perfgen_elf_addr(funcs, i);
		uint32_t size = funcs[i].size;

		memset(code, 0x90, size);
		if (size >= 6) {
			memcpy(code, "\x55\x48\x89\xe5", 4);
			memcpy(code + size - 2, "\x5d\xc3", 2);
		}
		if (!funcs[i].name)
			continue;   /* code without a symbol: the entry stays null (undefined) */
		sym[i + 1].st_name = (uint32_t)name;
		sym[i + 1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
		sym[i + 1].st_shndx = 1;
		sym[i + 1].st_value = perfgen_elf_addr(funcs, i);
		sym[i + 1].st_size = size;
		memcpy(img + strtab_off + name, funcs[i].name, strlen(funcs[i].name));
		name += strlen(funcs[i].name) + 1;
	}
	memcpy(img + shstr_off, shstr, sizeof(shstr));
	sh = (Elf64_Shdr *)(img + sh_off);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			      .sh_addr = TEXT_OFF, .sh_offset = TEXT_OFF, .sh_size = text_len,
			      .sh_addralign = 16 };
	sh[2] = (Elf64_Shdr){ .sh_name = 7, .sh_type = SHT_SYMTAB, .sh_offset = symtab_off,
			      .sh_size = (n + 1) * sizeof(Elf64_Sym), .sh_link = 3, .sh_info = 1,
			      .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym) };
	sh[3] = (Elf64_Shdr){ .sh_name = 15, .sh_type = SHT_STRTAB, .sh_offset = strtab_off,
			      .sh_size = strtab_len, .sh_addralign = 1 };
	sh[4] = (Elf64_Shdr){ .sh_name = 23, .sh_type = SHT_STRTAB, .sh_offset = shstr_off,
			      .sh_size = sizeof(shstr), .sh_addralign = 1 };
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, img, total) != (ssize_t)total)
		err = -errno;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	free(img);
	return err;
}
