/* Output files that appear whole or not at all (see outfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "outfile.h"

int ppm_outfile__open(struct outfile *o, const char *path)
{
	int fd, n;

	memset(o, 0, sizeof(*o));
	o->fp = stdout;
	if (!path)
		return 0;
	o->path = path;
	n = snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-%d", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(o->tmp)) {
		ppm_err("cannot write '%s': name too long", path);
		return -ENAMETOOLONG;
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
		int err = errno;

		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		ppm_err("cannot write '%s': %s", path, strerror(err));
		o->fp = NULL;
		*o->tmp = '\0';
		return -err;
	}
	return 0;
}

int ppm_outfile__commit(struct outfile *o)
{
	int err = 0;

	if (!o->path) {
		if (fflush(o->fp) || ferror(o->fp)) {
			ppm_err("cannot write the output: %s", strerror(errno));
			return -EIO;
		}
		return 0;
	}
	if (ferror(o->fp))
		err = EIO;
	if (fclose(o->fp) && !err)
		err = errno;
	o->fp = NULL;
	if (!err && rename(o->tmp, o->path))
		err = errno;
	if (err) {
		unlink(o->tmp);
		ppm_err("cannot write '%s': %s", o->path, strerror(err));
		return -err;
	}
	*o->tmp = '\0';
	return 0;
}

void ppm_outfile__abort(struct outfile *o)
{
	if (!o->path)
		return;
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
	if (*o->tmp)
		unlink(o->tmp);
	*o->tmp = '\0';
}
