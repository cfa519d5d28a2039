/*
 * Names as each output writes them. A profiled program chooses its function, file and
 * process names, and the reader is often root: a name must never reach a terminal as
 * control bytes (escape sequences can retitle a window, redraw what is shown, write
 * the clipboard). One rule for every terminal output (the text report, script,
 * annotate, stat, list, top, and messages that echo a name): control characters (C0,
 * DEL, and C1, U+0080 to U+009F) and bytes that are not UTF-8 print as \xNN; valid
 * UTF-8 prints as it is. Machine formats keep names exact and well-formed by their
 * own rules.
 */
#ifndef PPM_REPORT_ESCAPE_H
#define PPM_REPORT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* s as a JSON string, quoted and escaped: '"', '\\', C0 and '<' (safe inside an HTML
 * <script>) as JSON escapes, a byte that is not UTF-8 as \u00NN, the rest as it is. */
void ppm_json__string(FILE *out, const char *s);

/* s for a terminal: itself when it is harmless, else an escaped copy in buf (cut to
 * len with "..." when it does not fit). */
const char *ppm_term__name(const char *s, char *buf, size_t len);
/* The same, written to out whole. */
void ppm_term__fputs(const char *s, FILE *out);

/* s in folded stacks: as for a terminal, and ';' (the frame separator) as \x3b, so a
 * sample stays one line and one stack. */
void ppm_folded__fputs(const char *s, FILE *out);

#endif
