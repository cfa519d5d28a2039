/*
 * The names in a jitdump file (/tmp/jit-PID.dump), as perf-map text, for processes
 * that describe their JIT code only there: CPython's -X perf_jit writes no perf map.
 * Format from tools/perf/Documentation/jitdump-specification.txt: a file header
 * (magic "JiTD" as a u32, version, header size, ...), then records, each
 * { u32 id; u32 total_size; u64 timestamp; ... }. JIT_CODE_LOAD (id 0) continues
 * { u32 pid, tid; u64 vma, code_addr, code_size, code_index; char name[]; code }.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jitdump.h"
#include "../util/array.h"

#define JITDUMP_MAGIC 0x4A695444u
#define JIT_CODE_LOAD 0
#define CODE_LOAD_FIXED 56   /* record header 16 + pid, tid 8 + four u64 32 */

static int append(char **out, size_t *len, size_t *cap, const char *line, size_t n)
{
	if (ppm_array__reserve((void **)out, cap, *len + n + 1, 1))
		return -ENOMEM;
	memcpy(*out + *len, line, n);
	*len += n;
	(*out)[*len] = '\0';
	return 0;
}

int ppm_jitdump__perfmap_text(const unsigned char *buf, size_t size, char **text, size_t *len)
{
	uint32_t magic, hdr_size;
	size_t pos, cap = 0;
	int err = 0;

	*text = NULL;
	*len = 0;
	if (size < 40)
		return -EINVAL;
	memcpy(&magic, buf, 4);
	memcpy(&hdr_size, buf + 8, 4);
	if (magic != JITDUMP_MAGIC || hdr_size < 40 || hdr_size > size)
		return -EINVAL;
	for (pos = hdr_size; pos + 16 <= size && !err;) {
		uint32_t id, total;

		memcpy(&id, buf + pos, 4);
		memcpy(&total, buf + pos + 4, 4);
		if (total < 16 || total > size - pos)
			break;          /* a record cut off (still being written): stop there */
		if (id == JIT_CODE_LOAD && total > CODE_LOAD_FIXED) {
			uint64_t addr, csize;
			const char *name = (const char *)buf + pos + CODE_LOAD_FIXED;
			size_t room = total - CODE_LOAD_FIXED, nlen = strnlen(name, room);
			char line[64];
			int n;

			memcpy(&addr, buf + pos + 32, 8);
			memcpy(&csize, buf + pos + 40, 8);
			if (nlen < room && nlen && csize) {
				n = snprintf(line, sizeof(line), "%llx %llx ", (unsigned long long)addr,
					     (unsigned long long)csize);
				err = append(text, len, &cap, line, (size_t)n);
				if (!err)
					err = append(text, len, &cap, name, nlen);
				/* one line per stub, whatever the name holds */
				for (size_t k = *len - nlen; !err && k < *len; k++)
					if ((*text)[k] == '\n' || (*text)[k] == '\r')
						(*text)[k] = ' ';
				if (!err)
					err = append(text, len, &cap, "\n", 1);
			}
		}
		pos += total;
	}
	if (err) {
		free(*text);
		*text = NULL;
		*len = 0;
	}
	return err;
}

int ppm_jitdump__load_text(const char *path, uint64_t max_size, char **text, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_size) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	n = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	err = n < 0 ? -errno : ppm_jitdump__perfmap_text(buf, (size_t)n, text, len);
	free(buf);
	return err;
}
