/* Names for terminals, folded stacks and JSON (see escape.h). */
#include <string.h>

#include "escape.h"

/*
 * The length of the UTF-8 sequence at p (of at most n bytes) when it is a valid one
 * and no control character, else 0. Overlong forms, surrogates and code points above
 * U+10FFFF are not valid.
 */
static size_t utf8_printable(const unsigned char *p, size_t n)
{
	unsigned int cp;
	size_t len;

	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] != 0x7f;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/* Writes s with the terminal rule, and ';' escaped too when folded: what may print as
 * it is goes out in runs, an escape at a time otherwise. */
static void put_escaped(const char *s, FILE *out, int folded)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n) {
		size_t run = 0, k;

		while (run < n && (k = utf8_printable(p + run, n - run)) && !(folded && p[run] == ';'))
			run += k;
		if (run) {
			fwrite(p, 1, run, out);
			p += run;
			n -= run;
			continue;
		}
		/* one byte as \xNN (a C1 character, two bytes in UTF-8: two escapes) */
		fprintf(out, "\\x%02x", *p);
		p++;
		n--;
	}
}

static int harmless(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n) {
		size_t k = utf8_printable(p, n);

		if (!k)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

const char *ppm_term__name(const char *s, char *buf, size_t len)
{
	FILE *f;

	if (!s || harmless(s) || len < 8)
		return s;
	f = fmemopen(buf, len, "w");
	if (!f)
		return "?";
	setvbuf(f, NULL, _IONBF, 0);
	put_escaped(s, f, 0);
	fclose(f);
	buf[len - 1] = '\0';
	/* cut: say so, on a character boundary of what was escaped (all ASCII there) */
	if (strlen(buf) == len - 1)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

void ppm_term__fputs(const char *s, FILE *out)
{
	put_escaped(s, out, 0);
}

void ppm_folded__fputs(const char *s, FILE *out)
{
	put_escaped(s, out, 1);
}

void ppm_json__string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	fputc('"', out);
	while (n) {
		size_t k = 1;

		if (*p == '"' || *p == '\\') {
			fprintf(out, "\\%c", *p);
		} else if (*p < 0x20 || *p == '<') {
			fprintf(out, "\\u%04x", *p); /* '<': safe inside HTML <script> */
		} else if (*p < 0x80) {
			fputc(*p, out);
		} else if ((k = utf8_printable(p, n)) || (k = (p[0] == 0xc2 && n >= 2 &&
							      p[1] >= 0x80 && p[1] <= 0x9f) ? 2 : 0)) {
			fwrite(p, 1, k, out); /* UTF-8, C1 characters included: JSON keeps them */
		} else {
			k = 1;
			fprintf(out, "\\u%04x", *p); /* not UTF-8: the byte as a code point */
		}
		p += k;
		n -= k;
	}
	fputc('"', out);
}
