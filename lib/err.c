#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int ppm_err__clear(struct ppm_err *e)
{
	memset(e, 0, sizeof(*e));
	e->event = -1;
	e->cpu = -1;
	return 0;
}

int ppm_err__set(struct ppm_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}
