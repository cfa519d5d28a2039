/* Library logging: lib/ never prints; it hands messages to one callback set by cmd/. */
#ifndef PPM_LOG_H
#define PPM_LOG_H

enum ppm_log_level { PPM_LOG_WARN, PPM_LOG_INFO, PPM_LOG_DEBUG };

typedef void (*ppm_log_fn)(enum ppm_log_level level, const char *msg);

/* NULL restores the default, which drops every message. */
void ppm_log__set(ppm_log_fn fn);
void ppm_log__say(enum ppm_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_warn(...) ppm_log__say(PPM_LOG_WARN, __VA_ARGS__)
#define pr_info(...) ppm_log__say(PPM_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) ppm_log__say(PPM_LOG_DEBUG, __VA_ARGS__)

#endif
