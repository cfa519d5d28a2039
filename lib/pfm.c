#include <errno.h>
#include <string.h>
#include <perfmon/pfmlib_perf_event.h>

#include "log.h"
#include "pfm.h"

static int pfm_ready;

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
	err = pfm_initialize();
	if (err != PFM_SUCCESS) {
		pr_warn("libpfm4 failed to initialize: %s", pfm_strerror(err));
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
	err = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
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
