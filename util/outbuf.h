/*
 * Output gathered in a caller's buffer and written to a stream in large blocks: for
 * outputs of many small pieces (script's frame lines, folded stacks' frame texts),
 * where a stdio call per piece cost more than the copying. Header-only. A failed
 * write sets err (-errno); what follows is still attempted, as stdio does.
 *
 * Usage:
 *	static char buf[1 << 20];
 *	struct ppm_outbuf ob = { .f = stdout, .buf = buf, .cap = sizeof(buf) };  (cap >= 64)
 *	ppm_out__put(&ob, text, len); ppm_out__putc(&ob, '\n'); ppm_out__uint(&ob, v, 5, ' ', 0);
 *	ppm_out__flush(&ob);   (before the stream is written otherwise, and at the end)
 */
#ifndef PPM_UTIL_OUTBUF_H
#define PPM_UTIL_OUTBUF_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ppm_outbuf {
	FILE *f;
	char *buf;
	size_t len, cap;
	int err;
};

static inline void ppm_out__flush(struct ppm_outbuf *ob)
{
	if (ob->len && fwrite(ob->buf, 1, ob->len, ob->f) != ob->len)
		ob->err = errno ? -errno : -EIO;
	ob->len = 0;
}

static inline void ppm_out__put(struct ppm_outbuf *ob, const void *p, size_t n)
{
	if (ob->cap - ob->len < n) {
		ppm_out__flush(ob);
		if (n > ob->cap) {
			if (fwrite(p, 1, n, ob->f) != n)
				ob->err = errno ? -errno : -EIO;
			return;
		}
	}
	memcpy(ob->buf + ob->len, p, n);
	ob->len += n;
}

static inline void ppm_out__putc(struct ppm_outbuf *ob, char c)
{
	if (ob->len == ob->cap)
		ppm_out__flush(ob);
	ob->buf[ob->len++] = c;
}

/*
 * v in decimal, at least width (< 40) wide: padded with pad on the left, or with spaces
 * on the right (left-aligned), as printf's %*u, %0*u and %-*u.
 */
static inline void ppm_out__uint(struct ppm_outbuf *ob, uint64_t v, int width, char pad, int left)
{
	char d[20];
	int n = 0, fill;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	fill = width > n ? width - n : 0;
	if (ob->cap - ob->len < (size_t)(n + fill))
		ppm_out__flush(ob);
	if (!left) {
		memset(ob->buf + ob->len, pad, (size_t)fill);
		ob->len += (size_t)fill;
	}
	while (n)
		ob->buf[ob->len++] = d[--n];
	if (left) {
		memset(ob->buf + ob->len, ' ', (size_t)fill);
		ob->len += (size_t)fill;
	}
}

/* s right-aligned in width, as %*s. */
static inline void ppm_out__str(struct ppm_outbuf *ob, const char *s, int width)
{
	size_t n = strlen(s);

	for (size_t i = n; (int)i < width; i++)
		ppm_out__putc(ob, ' ');
	ppm_out__put(ob, s, n);
}

#endif
