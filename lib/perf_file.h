/*
 * The perf.data (PERFILE2) on-disk format, as tools/perf reads it.
 * Facts from tools/perf/Documentation/perf.data-file-format.txt.
 */
#ifndef PPM_PERF_FILE_H
#define PPM_PERF_FILE_H

#include <stdint.h>
#include <linux/perf_event.h>

#define PPM_PERF_MAGIC 0x32454c4946524550ULL     /* "PERFILE2" read as a little-endian u64 */
#define PPM_PERF_MAGIC_SWAPPED 0x50455246494c4532ULL

struct ppm_file_section {
	uint64_t offset;
	uint64_t size;
};

#define PPM_FEAT_BITS 256

struct ppm_file_header {
	uint64_t magic;
	uint64_t size;        /* sizeof(struct ppm_file_header) */
	uint64_t attr_size;   /* sizeof one entry of the attrs section */
	struct ppm_file_section attrs;
	struct ppm_file_section data;
	struct ppm_file_section event_types; /* unused since 2012, kept zero */
	uint64_t features[PPM_FEAT_BITS / 64];
};

/* One entry of the attrs section: the attr, then where its sample ids are. */
struct ppm_file_attr {
	struct perf_event_attr attr;
	struct ppm_file_section ids;
};

/* Feature bits that perf defines and that pyperfmap writes or reads. */
enum {
	PPM_FEAT_TRACING_DATA = 1, /* perf's: tracepoint formats, needed to read their events */
	PPM_FEAT_BUILD_ID = 2,     /* perf's: the build ids of the binaries samples fell in */
	PPM_FEAT_HOSTNAME = 3,
	PPM_FEAT_OSRELEASE = 4,
	PPM_FEAT_VERSION = 5,
	PPM_FEAT_ARCH = 6,
	PPM_FEAT_NRCPUS = 7,
	PPM_FEAT_CMDLINE = 11,
	PPM_FEAT_EVENT_DESC = 12,
	/*
	 * pyperfmap's own sections (ids from PPM_FEAT_PRIVATE up). perf report and perf
	 * script skip feature bits they do not know, but perf inject crashes on them, so
	 * these are not feature bits: they sit after perf's sections, found through the
	 * trailer at the very end of the file (struct ppm_private_trailer), where no perf
	 * tool looks. Files of older pyperfmap versions flagged them as bits; still read.
	 *
	 * Copies of /tmp/perf-PID.map.
	 * Payload: repeated { u32 pid; u32 len; char text[len]; pad to 8 }.
	 */
	PPM_FEAT_PERFMAPS = 240,
	/*
	 * The kernel symbols the recorded samples hit, in perf-map text ("START SIZE
	 * NAME" lines), so a report needs no /proc/kallsyms and survives a reboot or
	 * another machine. perf copies kallsyms into its build-id cache for the same reason.
	 */
	PPM_FEAT_KSYMS = 241,
	/*
	 * The processes pyperfmap switched a trampoline on in while recording (attach,
	 * PEP 768): u32 pids. Their Python frames entered before that have no stub, so
	 * the report shows them as Python time without a name.
	 */
	PPM_FEAT_ACTIVATED = 242,
	/*
	 * Where the recording stands: u64 flags, PPM_STATE_COMPLETE once finished. Every
	 * checkpoint while recording writes it without: a file whose recorder died says so.
	 */
	PPM_FEAT_STATE = 243,
};
#define PPM_STATE_COMPLETE 1ULL
#define PPM_FEAT_PRIVATE 240

/* The end of a file with private sections: n entries { id, offset, size }, then this. */
struct ppm_private_entry {
	uint64_t feat, offset, size;
};
struct ppm_private_trailer {
	uint64_t nr;
	uint64_t magic;
};
#define PPM_PRIVATE_MAGIC 0x3156495250505050ULL /* "PPPPRIV1" */

/* Records that perf itself puts in the data section (user types, >= 64). */
enum {
	PPM_RECORD_FINISHED_ROUND = 68,
	PPM_RECORD_COMPRESSED = 81,
};

#endif
