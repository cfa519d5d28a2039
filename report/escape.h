/* Names as each output format must write them. */
#ifndef PPM_REPORT_ESCAPE_H
#define PPM_REPORT_ESCAPE_H

#include <stdio.h>

/* s as a JSON string, quoted and escaped ('<' too: safe inside an HTML <script>). */
void ppm_json__string(FILE *out, const char *s);

#endif
