#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "dso.h"
#include "../util/array.h"
#include "kallsyms.h"
#include "perfmap.h"

int ppm_dsos__init(struct ppm_dsos *dsos)
{
	memset(dsos, 0, sizeof(*dsos));
	dsos->nr_buckets = 256;
	dsos->buckets = calloc(dsos->nr_buckets, sizeof(*dsos->buckets));
	return dsos->buckets ? 0 : -ENOMEM;
}

struct ppm_dso *ppm_dsos__get(struct ppm_dsos *dsos, const char *path, enum ppm_dso_kind kind)
{
	size_t b = ppm_hash__str(path) % dsos->nr_buckets;
	struct ppm_dso *d;
	const char *slash;

	for (d = dsos->buckets[b]; d; d = d->next)
		if (!strcmp(d->path, path))
			return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->path = strdup(path);
	if (d->path && kind == PPM_DSO_ELF && dsos->symfs && path[0] == '/') {
		if (asprintf(&d->file, "%s%s", dsos->symfs, path) < 0)
			d->file = NULL;
	} else if (d->path) {
		d->file = d->path;
	}
	if (!d->path || !d->file) {
		free(d->path);
		free(d);
		return NULL;
	}
	slash = strrchr(d->path, '/');
	d->short_name = slash && path[0] != '[' ? slash + 1 : d->path;
	d->kind = kind;
	d->next = dsos->buckets[b];
	dsos->buckets[b] = d;
	dsos->nr++;
	return d;
}

void ppm_dsos__release(struct ppm_dsos *dsos)
{
	for (size_t b = 0; b < dsos->nr_buckets; b++) {
		struct ppm_dso *d = dsos->buckets[b];

		while (d) {
			struct ppm_dso *next = d->next;

			ppm_symtab__release(&d->syms);
			for (size_t i = 0; i < d->nr_more; i++)
				ppm_symtab__release(&d->more[i]);
			free(d->more);
			if (d->file != d->path)
				free(d->file);
			free(d->path);
			free(d);
			d = next;
		}
	}
	free(dsos->buckets);
	memset(dsos, 0, sizeof(*dsos));
}

static void dso_load(struct ppm_dsos *dsos, struct ppm_dso *d)
{
	d->loaded = 1;
	switch (d->kind) {
	case PPM_DSO_ELF:
		d->load_err = ppm_elf__load(d->file, &d->syms, &d->elf);
		break;
	case PPM_DSO_VDSO: {
		/* The vdso of this kernel is mapped into us too: read its symbols there. */
		const void *img = (const void *)getauxval(AT_SYSINFO_EHDR);
		size_t size = img ? ppm_elf__image_size(img) : 0;

		d->load_err = size ? ppm_elf__load_mem(img, size, &d->syms, &d->elf) : -ENOENT;
		break;
	}
	case PPM_DSO_KERNEL:
		if (dsos->kernel_text) {
			size_t bad;

			d->load_err = ppm_perfmap__parse(&d->syms, dsos->kernel_text,
							 dsos->kernel_text_len, &bad);
			break;
		}
		if (dsos->kernel_addrs)
			d->load_err = ppm_kallsyms__load_needed(&d->syms, dsos->kallsyms_path ?
						dsos->kallsyms_path : "/proc/kallsyms",
						dsos->kernel_addrs, dsos->nr_kernel_addrs);
		else
			d->load_err = ppm_kallsyms__load(&d->syms, dsos->kallsyms_path ?
						dsos->kallsyms_path : "/proc/kallsyms");
		return; /* finalized by the loader */
	default:
		d->load_err = -ENOENT;
		return;
	}
	ppm_symtab__finalize(&d->syms, 0);
}

int ppm_dso__file_vaddr(struct ppm_dso *dso, uint64_t file_off, uint64_t *vaddr)
{
	if (dso->kind != PPM_DSO_ELF && dso->kind != PPM_DSO_VDSO)
		return -EINVAL;
	if (!dso->loaded)
		dso_load(NULL, dso); /* ELF files need no dsos-wide settings */
	if (dso->load_err)
		return dso->load_err;
	return ppm_elf__offset_to_vaddr(&dso->elf, file_off, vaddr);
}

const struct ppm_symbol *ppm_dso__find(struct ppm_dsos *dsos, struct ppm_dso *dso,
				       uint64_t file_off, uint64_t *sym_addr)
{
	uint64_t addr = file_off;

	if (dso->kind == PPM_DSO_ELF || dso->kind == PPM_DSO_VDSO) {
		if (ppm_dso__file_vaddr(dso, file_off, &addr))
			return NULL;
	} else {
		if (!dso->loaded)
			dso_load(dsos, dso);
		if (dso->load_err)
			return NULL;
	}
	*sym_addr = addr;
	return ppm_symtab__find(&dso->syms, addr);
}
