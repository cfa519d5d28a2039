/*
 * The frames a reading resolves: each distinct (object, symbol or address, kernel)
 * once, named by a small id, so samples and the tables built from them carry ids.
 */
#ifndef PPM_SESSION_FRAMES_H
#define PPM_SESSION_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "../maps/machine.h"

struct ppm_frame {
	struct ppm_dso *dso;
	const struct ppm_symbol *sym;
	uint64_t rel;   /* address in the dso when sym is NULL */
	int kernel;
};

struct ppm_frames {
	struct ppm_frame *v;
	size_t nr, cap;
	uint32_t *slots;         /* open addressing into v, +1 (0 is empty) */
	size_t nslots;
};

/* The id of fr, added when new. 0 or -ENOMEM. */
int ppm_frames__intern(struct ppm_frames *f, const struct ppm_frame *fr, uint32_t *id);
void ppm_frames__release(struct ppm_frames *f);

/* What a frame is, for folding and for the pictures. */
enum ppm_frame_kind { PPM_FRAME_NATIVE, PPM_FRAME_PYTHON, PPM_FRAME_GLUE, PPM_FRAME_KERNEL };
/*
 * A Python function (a perf-map symbol "py::..."), the interpreter's own code (the
 * python executable, libpython or the trampoline's module: the glue between Python
 * frames), kernel code, or other native code. The one place that decides it.
 */
enum ppm_frame_kind ppm_frame__kind(const struct ppm_frame *f);
int ppm_frame__is_python(const struct ppm_frame *f);
/* A Python function's name: "py::QUALNAME:FILE" (the trampoline's and CPython's maps). */
int ppm_name__is_python(const char *name);

#endif
