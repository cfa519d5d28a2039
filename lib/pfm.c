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
	if (!lib.initialize || !lib.strerror || !lib.encode) {
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
