#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static ppm_log_fn log_fn;

void ppm_log__set(ppm_log_fn fn)
{
	log_fn = fn;
}

void ppm_log__say(enum ppm_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_fn(level, buf);
}
