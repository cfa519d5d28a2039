/* Output files that appear whole, or in place once started (see outfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "outfile.h"

static int say(const char *verb, const char *path, int err)
{
	char what[PATH_MAX + 64];

	snprintf(what, sizeof(what), "cannot %s '%s'", verb, path);
	ppm_advice__errno(what, err);
	return err;
}

int ppm_outfile__open(struct outfile *o, const char *path, int flags)
{
	struct stat st;
	mode_t mask;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->flags = flags;
	if (!path) {
		o->fp = stdout;
		o->fd = STDOUT_FILENO;
		o->published = 1;
		return 0;
	}
	o->path = path;
	/* through a symbolic link: the file it names is the one replaced, not the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, o->real))
		path = o->real;
	/* a device, a pipe or a socket (/dev/null, /dev/stdout on a pipe) is written to as it
	 * is: renaming a file over it would put a regular file in its place */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		o->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (o->fd < 0)
			return say("open", o->path, -errno);
		o->published = 1;
		if ((flags & PPM_OUTFILE_STREAM) && !(o->fp = fdopen(o->fd, "w"))) {
			int err = -errno;

			close(o->fd);
			o->fd = -1;
			return say("open", o->path, err);
		}
		return 0;
	}
	if (snprintf(o->tmp, sizeof(o->tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(o->tmp))
		return say("create", path, -ENAMETOOLONG);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		*o->tmp = '\0';
		return say("create", path, -errno);
	}
	if (!(flags & PPM_OUTFILE_PRIVATE)) {
		mask = umask(0);
		umask(mask);
		fchmod(o->fd, 0666 & ~mask);
	}
	if ((flags & PPM_OUTFILE_STREAM) && !(o->fp = fdopen(o->fd, "w"))) {
		int err = -errno;

		ppm_outfile__abort(o);
		return say("create", path, err);
	}
	return 0;
}

int ppm_outfile__publish(struct outfile *o)
{
	char old[PATH_MAX + 8];
	struct stat st;

	if (o->published)
		return 0;
	const char *path = *o->real ? o->real : o->path;

	if ((o->flags & PPM_OUTFILE_KEEP_OLD) && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0) {
		snprintf(old, sizeof(old), "%s.old", path);
		if (rename(path, old) < 0)
			return say("keep the old file as", old, -errno);
	}
	if (rename(o->tmp, path) < 0)
		return say("rename the output to", o->path, -errno);
	o->published = 1;
	return 0;
}

int ppm_outfile__commit(struct outfile *o)
{
	int err = 0;

	if (o->fp && (fflush(o->fp) || ferror(o->fp)))
		err = -(errno ? errno : EIO);
	if (!o->path) {
		o->fp = NULL;
		return err ? say("write", "the output", err) : 0;
	}
	/* EINVAL: a file that cannot be synced (a pipe, /dev/null) is as durable as it gets */
	if (!err && (o->flags & PPM_OUTFILE_SYNC) && fsync(o->fd) < 0 && errno != EINVAL)
		err = -errno;
	if (o->fp ? fclose(o->fp) : close(o->fd))
		err = err ? err : -errno;
	o->fp = NULL;
	o->fd = -1;
	if (err) {
		ppm_outfile__abort(o);
		return say("write", o->path, err);
	}
	err = ppm_outfile__publish(o);
	if (err)
		ppm_outfile__abort(o);
	return err;
}

void ppm_outfile__abort(struct outfile *o)
{
	if (!o->path)
		return;
	if (o->fp)
		fclose(o->fp);
	else if (o->fd >= 0)
		close(o->fd);
	o->fp = NULL;
	o->fd = -1;
	if (!o->published && *o->tmp)
		unlink(o->tmp);
	*o->tmp = '\0';
}
