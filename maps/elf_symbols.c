#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elf_symbols.h"

static int elf_ready;

int ppm_elf__init(void)
{
	if (!elf_ready) {
		if (elf_version(EV_CURRENT) == EV_NONE)
			return -ENOSYS;
		elf_ready = 1;
	}
	return 0;
}

static void read_loads(Elf *elf, struct ppm_elf_info *info)
{
	size_t n;

	if (elf_getphdrnum(elf, &n) != 0)
		return;
	for (size_t i = 0; i < n && info->nr_loads < PPM_ELF_MAX_LOADS; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		info->loads[info->nr_loads].offset = ph.p_offset;
		info->loads[info->nr_loads].vaddr = ph.p_vaddr;
		info->loads[info->nr_loads].filesz = ph.p_filesz;
		info->nr_loads++;
	}
}

static void read_build_id(Elf *elf, struct ppm_elf_info *info)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + name_off, "GNU", 4) && nh.n_descsz <= 20) {
				memcpy(info->build_id, (char *)data->d_buf + desc_off, nh.n_descsz);
				info->build_id_size = (int)nh.n_descsz;
				return;
			}
		}
	}
}

static uint64_t section_end(Elf *elf, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(elf, shndx);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh))
		return 0;
	return sh.sh_addr + sh.sh_size;
}

/*
 * A label in code (an assembly symbol without a type: ld.so's _start, the entry
 * point every program's first samples fall in): perf names addresses by these too,
 * when they are visible and in an executable section.
 */
static int is_code_label(Elf *elf, const GElf_Sym *sym)
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	int vis = GELF_ST_VISIBILITY(sym->st_other);

	if (vis == STV_HIDDEN || vis == STV_INTERNAL || sym->st_shndx == SHN_UNDEF ||
	    sym->st_shndx >= SHN_LORESERVE)
		return 0;
	scn = elf_getscn(elf, sym->st_shndx);
	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static int read_symbols(Elf *elf, Elf64_Word want, struct ppm_symtab *syms)
{
	Elf_Scn *scn = NULL;
	int found = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t count;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != want || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		count = sh.sh_size / sh.sh_entsize;
		found = 1;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			const char *name;
			uint64_t size;
			int type, bind, label;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			type = GELF_ST_TYPE(sym.st_info);
			bind = GELF_ST_BIND(sym.st_info);
			label = type == STT_NOTYPE && is_code_label(elf, &sym);
			if ((type != STT_FUNC && type != STT_GNU_IFUNC && !label) ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE || !sym.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			size = sym.st_size;
			if (!size && label) {
				/* a label runs to the next symbol (symtab.c), as perf reads it */
			} else if (!size) {
				/* No size (assembly, _init): it may not run past its section. */
				uint64_t end = section_end(elf, sym.st_shndx);

				size = end > sym.st_value ? end - sym.st_value : 1;
			}
			/* Of aliases at one address, perf prefers a global name, then a local
			 * one, then a weak one (symtab.c breaks the remaining ties). */
			if (ppm_symtab__add(syms, sym.st_value, size, name, strlen(name),
					    bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 0 : 1))
				return -ENOMEM;
		}
	}
	return found;
}

static Elf_Scn *find_section(Elf *elf, const char *want, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, out))
			continue;
		name = elf_strptr(elf, shstrndx, out->sh_name);
		if (name && !strcmp(name, want))
			return scn;
	}
	return NULL;
}

/*
 * Names PLT entries "func@plt", as perf does: entry i of .rela.plt jumps through
 * slot i of .plt.sec when the binary has one (IBT), else slot i+1 of .plt (slot 0
 * is the resolver). Only x86-64's 16-byte layout is known here.
 */
static int synthesize_plt(Elf *elf, struct ppm_symtab *syms)
{
	GElf_Shdr plt, rela, dynsym;
	Elf_Scn *plt_scn, *rela_scn, *dynsym_scn;
	Elf_Data *rdata, *sdata;
	GElf_Ehdr eh;
	uint64_t first;
	char name[512];

	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64)
		return 0;
	rela_scn = find_section(elf, ".rela.plt", &rela);
	plt_scn = find_section(elf, ".plt.sec", &plt);
	first = 0;
	if (!plt_scn) {
		plt_scn = find_section(elf, ".plt", &plt);
		first = 16;
	}
	if (!rela_scn || !plt_scn || rela.sh_type != SHT_RELA || !rela.sh_entsize)
		return 0;
	dynsym_scn = elf_getscn(elf, rela.sh_link);
	if (!dynsym_scn || !gelf_getshdr(dynsym_scn, &dynsym))
		return 0;
	rdata = elf_getdata(rela_scn, NULL);
	sdata = elf_getdata(dynsym_scn, NULL);
	if (!rdata || !sdata)
		return 0;
	for (size_t i = 0; i < rela.sh_size / rela.sh_entsize; i++) {
		uint64_t addr = plt.sh_addr + first + 16 * i;
		GElf_Rela r;
		GElf_Sym sym;
		const char *sname;

		if (addr + 16 > plt.sh_addr + plt.sh_size)
			break;
		if (!gelf_getrela(rdata, (int)i, &r) || !GELF_R_SYM(r.r_info) ||
		    !gelf_getsym(sdata, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		sname = elf_strptr(elf, dynsym.sh_link, sym.st_name);
		if (!sname || !*sname)
			continue;
		snprintf(name, sizeof(name), "%s@plt", sname);
		if (ppm_symtab__add(syms, addr, 16, name, strlen(name), 0))
			return -ENOMEM;
	}
	return 0;
}

static int load_elf(Elf *elf, struct ppm_symtab *syms, struct ppm_elf_info *info, int want_info)
{
	GElf_Ehdr eh;
	int rc;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return -ENOEXEC;
	if (want_info) {
		memset(info, 0, sizeof(*info));
		info->is_exec = eh.e_type == ET_EXEC;
		read_loads(elf, info);
		read_build_id(elf, info);
	}
	if (want_info && synthesize_plt(elf, syms))
		return -ENOMEM;
	rc = read_symbols(elf, SHT_SYMTAB, syms);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		if (want_info)
			info->has_symtab = 1;
		return 0;
	}
	return want_info ? (read_symbols(elf, SHT_DYNSYM, syms) < 0 ? -ENOMEM : 0) : -ENOENT;
}

/* Debian's -dbgsym packages keep .symtab under /usr/lib/debug/.build-id/xx/yyyy.debug. */
static void load_debug_file(struct ppm_elf_info *info, struct ppm_symtab *syms)
{
	char path[128];
	size_t off;
	int fd;
	Elf *elf;

	if (info->build_id_size < 2)
		return;
	off = (size_t)snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%02x/",
			       info->build_id[0]);
	for (int i = 1; i < info->build_id_size; i++)
		off += (size_t)snprintf(path + off, sizeof(path) - off, "%02x", info->build_id[i]);
	snprintf(path + off, sizeof(path) - off, ".debug");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	/* Its symbols join the stripped file's; finalize keeps one name per address. */
	if (elf && load_elf(elf, syms, NULL, 0) == 0)
		info->has_debug_file = 1;
	if (elf)
		elf_end(elf);
	close(fd);
}

int ppm_elf__load(const char *path, struct ppm_symtab *syms, struct ppm_elf_info *info)
{
	Elf *elf;
	int fd, err;

	err = ppm_elf__init();
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		return -ENOEXEC;
	}
	err = load_elf(elf, syms, info, 1);
	elf_end(elf);
	close(fd);
	if (!err && !info->has_symtab)
		load_debug_file(info, syms);
	return err;
}

int ppm_elf__load_mem(const void *image, size_t size, struct ppm_symtab *syms,
		      struct ppm_elf_info *info)
{
	Elf *elf;
	int err = ppm_elf__init();

	if (err)
		return err;
	elf = elf_memory((char *)image, size);
	if (!elf)
		return -ENOEXEC;
	err = load_elf(elf, syms, info, 1);
	elf_end(elf);
	return err;
}

int ppm_elf__offset_to_vaddr(const struct ppm_elf_info *info, uint64_t off, uint64_t *vaddr)
{
	for (int i = 0; i < info->nr_loads; i++) {
		uint64_t o = info->loads[i].offset;

		if (off >= o && off < o + info->loads[i].filesz) {
			*vaddr = off - o + info->loads[i].vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

size_t ppm_elf__image_size(const void *image)
{
	const Elf64_Ehdr *eh = image;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64)
		return 0;
	return eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
}

int ppm_elf__function_code(const char *path, const char *name, unsigned char *buf, size_t len)
{
	struct ppm_symtab syms = { 0 };
	struct ppm_elf_info info;
	uint64_t off = 0, vaddr = 0, size = 0;
	int err, fd, found = 0;
	ssize_t n;

	err = ppm_elf__load(path, &syms, &info);
	if (err)
		return err;
	for (size_t i = 0; i < syms.nr; i++)
		if (!strcmp(syms.syms[i].name, name)) {
			vaddr = syms.syms[i].start;
			size = syms.syms[i].end - syms.syms[i].start;
			found = 1;
			break;
		}
	ppm_symtab__release(&syms);
	if (!found)
		return -ENOENT;
	for (int i = 0; i < info.nr_loads; i++)
		if (vaddr >= info.loads[i].vaddr && vaddr < info.loads[i].vaddr + info.loads[i].filesz)
			off = vaddr - info.loads[i].vaddr + info.loads[i].offset;
	if (!off)
		return -ENOENT;
	if (size && size < len)
		len = (size_t)size;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)off);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

/* The file offset of a virtual address, 0 when no load segment holds it. */
static uint64_t vaddr_to_offset(const struct ppm_elf_info *info, uint64_t vaddr)
{
	for (int i = 0; i < info->nr_loads; i++)
		if (vaddr >= info->loads[i].vaddr && vaddr < info->loads[i].vaddr + info->loads[i].filesz)
			return vaddr - info->loads[i].vaddr + info->loads[i].offset;
	return 0;
}

int ppm_elf__each_function(const char *path, ppm_elf_function_fn fn, void *arg)
{
	struct ppm_symtab syms = { 0 };
	struct ppm_elf_info info;
	int err, fd;

	err = ppm_elf__load(path, &syms, &info);
	if (err)
		return err;
	ppm_symtab__finalize(&syms, 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (size_t i = 0; i < syms.nr; i++) {
		const struct ppm_symbol *s = &syms.syms[i];
		uint64_t off = vaddr_to_offset(&info, s->start), size = s->end - s->start;
		unsigned char code[64];
		ssize_t n;

		if (!off)
			continue;
		n = pread(fd, code, size < sizeof(code) ? (size_t)size : sizeof(code), (off_t)off);
		if (n > 0 && fn(arg, s->name, size, code, (size_t)n))
			break;
	}
	close(fd);
out:
	ppm_symtab__release(&syms);
	return err;
}

static int try_dir(const char *dir, const char *origin, const char *lib, char *out, size_t outlen)
{
	char path[4096];

	if (!strncmp(dir, "$ORIGIN", 7))
		snprintf(path, sizeof(path), "%s%s/%s", origin, dir + 7, lib);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, lib);
	if (access(path, R_OK))
		return -1;
	snprintf(out, outlen, "%s", path);
	return 0;
}

int ppm_elf__find_needed(const char *path, const char *prefix, char *out, size_t outlen)
{
	static const char *const system_dirs[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/local/lib", "/lib", "/usr/lib",
	};
	char lib[256] = "", runpath[2048] = "", origin[4096];
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, err = -ENOENT;

	if (ppm_elf__init())
		return -ENOSYS;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *str;

			if (!gelf_getdyn(data, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH)
				continue;
			str = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (!str)
				continue;
			if (dyn.d_tag == DT_NEEDED && !lib[0] && !strncmp(str, prefix, strlen(prefix)))
				snprintf(lib, sizeof(lib), "%s", str);
			else if (dyn.d_tag != DT_NEEDED)
				snprintf(runpath, sizeof(runpath), "%s", str);
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	if (!lib[0])
		return -ENOENT;
	snprintf(origin, sizeof(origin), "%s", path);
	if (strrchr(origin, '/'))
		*strrchr(origin, '/') = '\0';
	for (char *save = NULL, *dir = strtok_r(runpath, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (!try_dir(dir, origin, lib, out, outlen))
			return 0;
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (!try_dir(system_dirs[i], origin, lib, out, outlen))
			return 0;
	return err;
}

int ppm_elf__mapping_vaddr(const struct ppm_elf_info *info, uint64_t pgoff, uint64_t page_size,
			   uint64_t *vaddr)
{
	int found = 0;

	for (int i = 0; i < info->nr_loads; i++) {
		uint64_t o = info->loads[i].offset;

		/* The kernel maps a segment from the page holding its first byte, at the
		 * same distance below its vaddr. */
		if (pgoff >= (o & ~(page_size - 1)) && pgoff < o + info->loads[i].filesz) {
			if (found++)
				return -ENOTUNIQ;
			*vaddr = info->loads[i].vaddr + pgoff - o;
		}
	}
	return found ? 0 : -ENOENT;
}

/* Opens path for libelf: 0 with *elf and *fd set, or -errno (-ENOEXEC: not an ELF). */
static int open_elf(const char *path, Elf **elf, int *fd)
{
	int err = ppm_elf__init();

	if (err)
		return err;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		if (*elf)
			elf_end(*elf);
		close(*fd);
		return -ENOEXEC;
	}
	return 0;
}

static void close_elf(Elf *elf, int fd)
{
	elf_end(elf);
	close(fd);
}

int ppm_elf__read_info(const char *path, struct ppm_elf_info *info)
{
	GElf_Ehdr eh;
	Elf *elf;
	int fd, err = open_elf(path, &elf, &fd);

	if (err)
		return err;
	memset(info, 0, sizeof(*info));
	if (gelf_getehdr(elf, &eh)) {
		info->is_exec = eh.e_type == ET_EXEC;
		read_loads(elf, info);
		read_build_id(elf, info);
	} else {
		err = -ENOEXEC;
	}
	close_elf(elf, fd);
	return err;
}

int ppm_elf__section(const char *path, const char *name, uint64_t *vaddr, uint64_t *size)
{
	GElf_Shdr sh;
	Elf *elf;
	int fd, err = open_elf(path, &elf, &fd);

	if (err)
		return err;
	if (find_section(elf, name, &sh)) {
		*vaddr = sh.sh_addr;
		*size = sh.sh_size;
	} else {
		err = -ENOENT;
	}
	close_elf(elf, fd);
	return err;
}

/* 1 when the symbol table of type want defines object name (in *out), else 0. */
static int find_object(Elf *elf, Elf64_Word want, const char *name, GElf_Sym *out)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != want || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *s;

			if (!gelf_getsym(data, (int)i, out))
				break;
			if (GELF_ST_TYPE(out->st_info) != STT_OBJECT || out->st_shndx == SHN_UNDEF ||
			    out->st_shndx >= SHN_LORESERVE)
				continue;
			s = elf_strptr(elf, sh.sh_link, out->st_name);
			if (s && !strcmp(s, name))
				return 1;
		}
	}
	return 0;
}

int ppm_elf__object(const char *path, const char *name, uint64_t *vaddr, uint64_t *size)
{
	GElf_Sym sym;
	Elf *elf;
	int fd, err = open_elf(path, &elf, &fd);

	if (err)
		return err;
	if (find_object(elf, SHT_DYNSYM, name, &sym) || find_object(elf, SHT_SYMTAB, name, &sym)) {
		*vaddr = sym.st_value;
		*size = sym.st_size;
	} else {
		err = -ENOENT;
	}
	close_elf(elf, fd);
	return err;
}
