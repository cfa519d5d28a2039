#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <perfmon/pfmlib_perf_event.h>

#include "log.h"
#include "pfm.h"

/*
 * libpfm4 is opened on first use rather than linked: its event tables are full of
 * pointers, and relocating them costs every process 2.2 MB of memory at startup,
 * 'pyperfmap report' included, which never encodes an event.
 */
static struct {
	void *handle;
	int (*initialize)(void);
	const char *(*strerror)(int);
	int (*encode)(const char *, int, pfm_os_t, void *);
	pfm_err_t (*pmu_info)(pfm_pmu_t, pfm_pmu_info_t *);
	int (*event_next)(int);
	pfm_err_t (*event_info)(int, pfm_os_t, pfm_event_info_t *);
	pfm_err_t (*attr_info)(int, int, pfm_os_t, pfm_event_attr_info_t *);
} lib;
static int pfm_ready;

static int pfm_load(void)
{
	if (lib.handle)
		return 0;
	lib.handle = dlopen(PPM_LIBPFM_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib.handle) {
		pr_warn("cannot load libpfm4 (%s): install the libpfm4 package", PPM_LIBPFM_SONAME);
		return -ENOENT;
	}
	lib.initialize = (int (*)(void))dlsym(lib.handle, "pfm_initialize");
	lib.strerror = (const char *(*)(int))dlsym(lib.handle, "pfm_strerror");
	lib.encode = (int (*)(const char *, int, pfm_os_t, void *))dlsym(lib.handle,
									"pfm_get_os_event_encoding");
	lib.pmu_info = (pfm_err_t(*)(pfm_pmu_t, pfm_pmu_info_t *))dlsym(lib.handle,
									   "pfm_get_pmu_info");
	lib.event_next = (int (*)(int))dlsym(lib.handle, "pfm_get_event_next");
	lib.event_info = (pfm_err_t(*)(int, pfm_os_t, pfm_event_info_t *))dlsym(lib.handle,
										 "pfm_get_event_info");
	lib.attr_info = (pfm_err_t(*)(int, int, pfm_os_t, pfm_event_attr_info_t *))dlsym(
		lib.handle, "pfm_get_event_attr_info");
	if (!lib.initialize || !lib.strerror || !lib.encode || !lib.pmu_info || !lib.event_next ||
	    !lib.event_info || !lib.attr_info) {
		pr_warn("%s lacks the functions pyperfmap needs", PPM_LIBPFM_SONAME);
		dlclose(lib.handle);
		lib.handle = NULL;
		return -ENOENT;
	}
	return 0;
}

/* libpfm4 codes become -errno here, the only file that includes its header. */
static int pfm_to_errno(int err)
{
	switch (err) {
	case PFM_SUCCESS:
		return 0;
	case PFM_ERR_NOTFOUND:
	case PFM_ERR_NOTSUPP:
		return -ENOENT;
	case PFM_ERR_NOMEM:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

static int pfm_init_once(void)
{
	int err;

	if (pfm_ready)
		return 0;
	err = pfm_load();
	if (err)
		return err;
	err = lib.initialize();
	if (err != PFM_SUCCESS) {
		pr_warn("libpfm4 failed to initialize: %s", lib.strerror(err));
		return pfm_to_errno(err);
	}
	pfm_ready = 1;
	return 0;
}

int ppm_pfm__encode(const char *name, struct ppm_pfm_encoding *enc)
{
	pfm_perf_encode_arg_t arg;
	struct perf_event_attr attr;
	int err = pfm_init_once();

	if (err)
		return err;
	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	err = lib.encode(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (err != PFM_SUCCESS)
		return pfm_to_errno(err);
	memset(enc, 0, sizeof(*enc));
	enc->type = attr.type;
	enc->config = attr.config;
	enc->config1 = attr.config1;
	enc->config2 = attr.config2;
	enc->exclude_user = attr.exclude_user;
	enc->exclude_kernel = attr.exclude_kernel;
	enc->exclude_hv = attr.exclude_hv;
	enc->precise_ip = attr.precise_ip;
	return 0;
}

int ppm_pfm__foreach_event(int (*fn)(const struct ppm_pfm_event *ev, void *ctx), void *ctx)
{
	const char *names[65], *descs[65];
	int err = pfm_init_once();

	if (err)
		return err;
	for (int p = 0; p < PFM_PMU_MAX; p++) {
		pfm_pmu_info_t pi;

		memset(&pi, 0, sizeof(pi));
		pi.size = sizeof(pi);
		if (lib.pmu_info((pfm_pmu_t)p, &pi) != PFM_SUCCESS || !pi.is_present)
			continue;
		for (int i = pi.first_event; i != -1; i = lib.event_next(i)) {
			struct ppm_pfm_event ev;
			pfm_event_info_t ei;
			int nu = 0;

			memset(&ei, 0, sizeof(ei));
			ei.size = sizeof(ei);
			if (lib.event_info(i, PFM_OS_PERF_EVENT_EXT, &ei) != PFM_SUCCESS)
				continue;
			for (int a = 0; a < ei.nattrs && nu < 64; a++) {
				pfm_event_attr_info_t ai;

				memset(&ai, 0, sizeof(ai));
				ai.size = sizeof(ai);
				if (lib.attr_info(i, a, PFM_OS_PERF_EVENT_EXT, &ai) != PFM_SUCCESS ||
				    ai.type != PFM_ATTR_UMASK)
					continue;
				descs[nu] = ai.desc ? ai.desc : "";
				names[nu++] = ai.name;
			}
			names[nu] = descs[nu] = NULL;
			ev.pmu = pi.name;
			ev.pmu_desc = pi.desc ? pi.desc : pi.name;
			ev.kind = pi.type == PFM_PMU_TYPE_CORE	 ? PPM_PFM_CORE :
				  pi.type == PFM_PMU_TYPE_UNCORE ? PPM_PFM_UNCORE :
								   PPM_PFM_GENERIC;
			ev.name = ei.name;
			ev.desc = ei.desc ? ei.desc : "";
			ev.equiv = ei.equiv;
			ev.umasks = names;
			ev.umask_descs = descs;
			err = fn(&ev, ctx);
			if (err)
				return err;
		}
	}
	return 0;
}
