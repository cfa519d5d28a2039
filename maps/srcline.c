#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "elf_symbols.h"
#include "srcline.h"

struct ppm_srcline {
	int fd;
	Dwarf *dw;
};

struct ppm_srcline *ppm_srcline__open(const char *path)
{
	struct ppm_srcline *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = ppm_elf__init() ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	s->dw = s->fd >= 0 ? dwarf_begin(s->fd, DWARF_C_READ) : NULL;
	if (!s->dw) {
		ppm_srcline__close(s);
		return NULL;
	}
	return s;
}

void ppm_srcline__close(struct ppm_srcline *s)
{
	if (!s)
		return;
	if (s->dw)
		dwarf_end(s->dw);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

int ppm_srcline__find(struct ppm_srcline *s, uint64_t vaddr, const char **file, int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *l;

	if (!s || !dwarf_addrdie(s->dw, (Dwarf_Addr)vaddr, &cu))
		return -ENOENT;
	l = dwarf_getsrc_die(&cu, (Dwarf_Addr)vaddr);
	if (!l || dwarf_lineno(l, line) != 0)
		return -ENOENT;
	*file = dwarf_linesrc(l, NULL, NULL);
	return *file ? 0 : -ENOENT;
}
