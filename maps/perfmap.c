#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perfmap.h"
#include "../util/mapfile.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses hex digits (an optional 0x is tolerated) up to a space. */
static const char *parse_hex(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; p < end && *p != ' '; p++, digits++) {
		int h = hexval(*p);

		if (h < 0 || digits >= 16)
			return NULL;
		v = v << 4 | (uint64_t)h;
	}
	if (!digits || p == end)
		return NULL;
	*out = v;
	return p + 1;
}

static int parse_line(struct ppm_symtab *t, const char *p, const char *end)
{
	uint64_t start, size;

	if (end > p && end[-1] == '\r')
		end--;
	p = parse_hex(p, end, &start);
	if (!p)
		return 1;
	p = parse_hex(p, end, &size);
	if (!p || p == end || !size || start + size < start)
		return 1;
	return ppm_symtab__add(t, start, size, p, (size_t)(end - p), 0) ? -ENOMEM : 0;
}

int ppm_perfmap__parse(struct ppm_symtab *t, const char *text, size_t len, size_t *bad)
{
	const char *p = text, *end = text + len;

	*bad = 0;
	while (p < end) {
		const char *nl = p;
		int rc;

		while (nl < end && *nl != '\n')
			nl++;
		if (nl > p) {
			rc = parse_line(t, p, nl);
			if (rc < 0)
				return rc;
			*bad += (size_t)rc;
		}
		p = nl + 1;
	}
	return 0;
}

int ppm_perfmap__load_from(struct ppm_symtab *t, const char *path, pid_t pid, uint64_t from,
			   uint64_t *end, size_t *bad, uint64_t *cut)
{
	struct stat st;
	const char *text, *last;
	void *map;
	size_t len, lines = 0;
	int fd, err;

	*bad = 0;
	*end = from;
	*cut = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (!ppm_mapfile__trusted(&st, pid, (uid_t)-1)) {
		close(fd);
		return -EPERM;
	}
	if ((uint64_t)st.st_size <= from) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	/* whole lines only (the writer may be in the middle of the last one), to the bound */
	text = (const char *)map + from;
	len = (size_t)((uint64_t)st.st_size - from);
	if (from + len > PPM_MAPFILE_MAX_BYTES)
		len = from < PPM_MAPFILE_MAX_BYTES ? (size_t)(PPM_MAPFILE_MAX_BYTES - from) : 0;
	for (const char *p = text; p < text + len && (p = memchr(p, '\n', (size_t)(text + len - p)));
	     p++)
		if (++lines == PPM_MAPFILE_MAX_LINES) {
			len = (size_t)(p - text) + 1;
			break;
		}
	last = len ? memrchr(text, '\n', len) : NULL;
	len = last ? (size_t)(last - text) + 1 : 0;
	err = len ? ppm_perfmap__parse(t, text, len, bad) : 0;
	*end = from + len;
	/* what is past the bound is cut, and said; what the writer has not finished is not */
	if (lines >= PPM_MAPFILE_MAX_LINES || (uint64_t)st.st_size > PPM_MAPFILE_MAX_BYTES) {
		*cut = (uint64_t)st.st_size - *end;
		*end = (uint64_t)st.st_size; /* nothing more is read of it */
	}
	munmap(map, (size_t)st.st_size);
	return err;
}

int ppm_perfmap__load(struct ppm_symtab *t, const char *path, size_t *bad)
{
	uint64_t end, cut;

	return ppm_perfmap__load_from(t, path, 0, 0, &end, bad, &cut);
}
