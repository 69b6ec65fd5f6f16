/*
 * test_dlopen.c - pam_kinde.so as libpam sees it, and the HTTPS plugin as
 * the module sees it.
 *
 * - dlopen(RTLD_NOW | RTLD_LOCAL) succeeds: no undefined symbol is left
 *   for the host process to provide (sshd, sudo, a display manager);
 * - the PAM entry points are there, and nothing else is exported: the
 *   core (kinde_*, jansson and OpenSSL helpers, the pk_* glue) stays
 *   private, so it cannot clash with another copy in the host process.
 *   Read from the module's own .dynsym (an ELF reader below, no binutils
 *   needed), not only probed with dlsym;
 * - the module does not need libcurl, directly (DT_NEEDED) or through its
 *   dependencies (nothing named libcurl is mapped after the dlopen): the
 *   design keeps libcurl out of warm logins, it comes with kinde-net.so;
 * - kinde-net.so exports exactly kinde_net_v1 and loads on its own;
 * - the hardening the build asks for is in the file: non-executable
 *   stack, RELRO, BIND_NOW.
 *
 * Paths: $top_builddir/pam/.libs/pam_kinde.so and
 * $top_builddir/.libs/kinde-net.so (make check sets top_builddir);
 * KINDE_PAM_MODULE and KINDE_NET_PLUGIN override them.
 */
#include "kinde-build.h"

#include "../unit/tap.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if __SIZEOF_POINTER__ == 8
#define NATIVE_CLASS ELFCLASS64
#else
#define NATIVE_CLASS ELFCLASS32
#endif

#define MAX_NAMES 256
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct elf_facts {
	bool ok;			/* the file parsed */
	const char *why;		/* why not */
	char *exported[MAX_NAMES];	/* defined global/weak dynamic symbols */
	size_t n_exported;
	char *needed[64];		/* DT_NEEDED */
	size_t n_needed;
	bool has_dynsym, has_dynamic;
	bool stack_exec, has_stack_hdr, relro, bind_now;
};

static void
facts_free(struct elf_facts *f)
{
	size_t i;

	for (i = 0; i < f->n_exported; i++)
		free(f->exported[i]);
	for (i = 0; i < f->n_needed; i++)
		free(f->needed[i]);
	memset(f, 0, sizeof(*f));
}

/* A NUL-terminated string at off in a string table, or NULL. */
static const char *
strtab_at(const unsigned char *map, size_t size, const ElfW(Shdr) *strtab,
	  size_t off)
{
	const char *s;

	if (strtab->sh_offset > size || strtab->sh_size > size - strtab->sh_offset ||
	    off >= strtab->sh_size)
		return NULL;
	s = (const char *)map + strtab->sh_offset + off;
	if (memchr(s, '\0', strtab->sh_size - off) == NULL)
		return NULL;
	return s;
}

static bool
in_file(size_t size, size_t off, size_t len)
{
	return off <= size && len <= size - off;
}

static void
parse_dynsym(const unsigned char *map, size_t size, const ElfW(Shdr) *sh,
	     size_t nsh, const ElfW(Shdr) *sec, struct elf_facts *f)
{
	const ElfW(Sym) *sym;
	const char *name;
	size_t i, n;

	if (sec->sh_link >= nsh || sec->sh_entsize != sizeof(ElfW(Sym)) ||
	    !in_file(size, sec->sh_offset, sec->sh_size)) {
		f->why = "bad .dynsym";
		return;
	}
	f->has_dynsym = true;
	sym = (const ElfW(Sym) *)(map + sec->sh_offset);
	n = sec->sh_size / sizeof(*sym);
	for (i = 1; i < n; i++) {
		unsigned bind = ELF64_ST_BIND(sym[i].st_info);
		unsigned vis = ELF64_ST_VISIBILITY(sym[i].st_other);

		if (sym[i].st_shndx == SHN_UNDEF)
			continue;
		if (bind != STB_GLOBAL && bind != STB_WEAK &&
		    bind != STB_GNU_UNIQUE)
			continue;
		if (vis != STV_DEFAULT && vis != STV_PROTECTED)
			continue;
		name = strtab_at(map, size, &sh[sec->sh_link], sym[i].st_name);
		if (name == NULL || f->n_exported == MAX_NAMES)
			continue;
		f->exported[f->n_exported++] = strdup(name);
	}
}

static void
parse_dynamic(const unsigned char *map, size_t size, const ElfW(Shdr) *sh,
	      size_t nsh, const ElfW(Shdr) *sec, struct elf_facts *f)
{
	const ElfW(Dyn) *d;
	const char *name;
	size_t i, n;

	if (sec->sh_link >= nsh || !in_file(size, sec->sh_offset, sec->sh_size)) {
		f->why = "bad .dynamic";
		return;
	}
	f->has_dynamic = true;
	d = (const ElfW(Dyn) *)(map + sec->sh_offset);
	n = sec->sh_size / sizeof(*d);
	for (i = 0; i < n && d[i].d_tag != DT_NULL; i++) {
		switch (d[i].d_tag) {
		case DT_NEEDED:
			name = strtab_at(map, size, &sh[sec->sh_link],
					 d[i].d_un.d_val);
			if (name != NULL && f->n_needed < 64)
				f->needed[f->n_needed++] = strdup(name);
			break;
		case DT_BIND_NOW:
			f->bind_now = true;
			break;
		case DT_FLAGS:
			if (d[i].d_un.d_val & DF_BIND_NOW)
				f->bind_now = true;
			break;
		case DT_FLAGS_1:
			if (d[i].d_un.d_val & DF_1_NOW)
				f->bind_now = true;
			break;
		default:
			break;
		}
	}
}

/* Reads what the tests below need from an ELF shared object. */
static void
elf_read(const char *path, struct elf_facts *f)
{
	const unsigned char *map = MAP_FAILED;
	const ElfW(Ehdr) *eh;
	const ElfW(Shdr) *sh;
	const ElfW(Phdr) *ph;
	struct stat st;
	size_t size = 0, i;
	int fd;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		f->why = "cannot open";
		goto out;
	}
	size = (size_t)st.st_size;
	if (size < sizeof(*eh)) {
		f->why = "too small";
		goto out;
	}
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		f->why = "mmap failed";
		goto out;
	}
	eh = (const ElfW(Ehdr) *)map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != NATIVE_CLASS || eh->e_type != ET_DYN) {
		f->why = "not a native ELF shared object";
		goto out;
	}
	if (eh->e_shentsize != sizeof(ElfW(Shdr)) ||
	    !in_file(size, eh->e_shoff, (size_t)eh->e_shnum * sizeof(*sh)) ||
	    eh->e_phentsize != sizeof(ElfW(Phdr)) ||
	    !in_file(size, eh->e_phoff, (size_t)eh->e_phnum * sizeof(*ph))) {
		f->why = "bad header tables";
		goto out;
	}
	sh = (const ElfW(Shdr) *)(map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_DYNSYM)
			parse_dynsym(map, size, sh, eh->e_shnum, &sh[i], f);
		else if (sh[i].sh_type == SHT_DYNAMIC)
			parse_dynamic(map, size, sh, eh->e_shnum, &sh[i], f);
	}
	ph = (const ElfW(Phdr) *)(map + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_GNU_STACK) {
			f->has_stack_hdr = true;
			f->stack_exec = (ph[i].p_flags & PF_X) != 0;
		} else if (ph[i].p_type == PT_GNU_RELRO) {
			f->relro = true;
		}
	}
	f->ok = f->why == NULL && f->has_dynsym && f->has_dynamic;
	if (!f->ok && f->why == NULL)
		f->why = "no .dynsym or .dynamic";
out:
	if (map != MAP_FAILED)
		munmap((void *)map, size);
	if (fd >= 0)
		close(fd);
}

static bool
has_name(char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static bool
any_contains(char *const *names, size_t n, const char *part)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(names[i], part) != NULL)
			return true;
	return false;
}

/* Exactly the names in want[] are exported; the rest is diagnosed. */
static void
check_exports(const char *what, const struct elf_facts *f,
	      const char *const *want, size_t nwant)
{
	size_t i, extra = 0;

	for (i = 0; i < nwant; i++)
		ok(has_name(f->exported, f->n_exported, want[i]),
		   "%s: exports %s", what, want[i]);
	for (i = 0; i < f->n_exported; i++) {
		size_t j;
		bool wanted = false;

		for (j = 0; j < nwant; j++)
			if (strcmp(f->exported[i], want[j]) == 0)
				wanted = true;
		if (!wanted) {
			extra++;
			if (extra <= 20)
				diag("  %s also exports %s", what, f->exported[i]);
		}
	}
	ok(extra == 0 && f->n_exported == nwant,
	   "%s: exports nothing else (%zu defined global symbols, %zu unexpected)",
	   what, f->n_exported, extra);
}

static void
check_hardening(const char *what, const struct elf_facts *f)
{
	ok(f->has_stack_hdr && !f->stack_exec, "%s: non-executable stack",
	   what);
	ok(f->relro, "%s: RELRO segment", what);
	ok(f->bind_now, "%s: BIND_NOW", what);
}

static int
find_curl(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	if (info->dlpi_name != NULL && strstr(info->dlpi_name, "libcurl") != NULL) {
		*(const char **)data = strdup(info->dlpi_name);
		return 1;
	}
	return 0;
}

static char *
path_of(const char *env, const char *rel)
{
	const char *over = getenv(env), *top = getenv("top_builddir");
	size_t len;
	char *p;

	if (over != NULL && over[0] != '\0')
		return strdup(over);
	if (top == NULL || top[0] == '\0')
		top = ".";
	len = strlen(top) + strlen(rel) + 2;
	p = malloc(len);
	if (p != NULL)
		snprintf(p, len, "%s/%s", top, rel);
	return p;
}

typedef int (*pam_sm_fn)(void *pamh, int flags, int argc, const char **argv);

int
main(void)
{
	static const char *const pam_syms[] = {
		"pam_sm_authenticate", "pam_sm_setcred", "pam_sm_acct_mgmt",
	};
	static const char *const private_syms[] = {
		"kinde_config_new", "kinde_validator_check", "kinde_strerror",
		"kinde_client_verify_apikey", "kinde_net_v1", "pk_config",
		"pk_log_decision", "b64url_decode",
	};
	static const char *const net_syms[] = { "kinde_net_v1" };
	char *module = path_of("KINDE_PAM_MODULE", "pam/.libs/pam_kinde.so");
	char *plugin = path_of("KINDE_NET_PLUGIN", ".libs/kinde-net.so");
	const char *curl = NULL;
	struct elf_facts f;
	void *h, *hn;
	size_t i;

	if (module == NULL || plugin == NULL)
		return 99;

	/* --- pam_kinde.so ------------------------------------------- */
	ok(access(module, R_OK) == 0, "module %s exists", module);
	dlerror();
	h = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	if (!ok(h != NULL, "dlopen(RTLD_NOW | RTLD_LOCAL) of the module"))
		diag("  dlerror: %s", dlerror());
	for (i = 0; i < ARRAY_SIZE(pam_syms); i++)
		ok(h != NULL && dlsym(h, pam_syms[i]) != NULL,
		   "dlsym finds %s", pam_syms[i]);
	for (i = 0; i < ARRAY_SIZE(private_syms); i++)
		ok(h != NULL && dlsym(h, private_syms[i]) == NULL,
		   "dlsym does not find the private %s", private_syms[i]);
	if (h != NULL) {
		pam_sm_fn setcred;

		*(void **)&setcred = dlsym(h, "pam_sm_setcred");
		/* setcred ignores its handle; PAM_SUCCESS is 0 */
		ok(setcred != NULL && setcred(NULL, 0, 0, NULL) == 0,
		   "pam_sm_setcred returns PAM_SUCCESS");
	} else {
		ok(0, "pam_sm_setcred returns PAM_SUCCESS");
	}
	dl_iterate_phdr(find_curl, &curl);
	if (!ok(curl == NULL, "no libcurl mapped after loading the module"))
		diag("  mapped: %s", curl);

	elf_read(module, &f);
	if (!ok(f.ok, "the module's ELF dynamic section and symbol table parse"))
		diag("  %s", f.why ? f.why : "?");
	check_exports("pam_kinde.so", &f, pam_syms, ARRAY_SIZE(pam_syms));
	for (i = 0; i < f.n_needed; i++)
		diag("  pam_kinde.so needs %s", f.needed[i]);
	ok(f.n_needed > 0 && has_name(f.needed, f.n_needed, "libpam.so.0"),
	   "pam_kinde.so: DT_NEEDED read (libpam.so.0 among them)");
	ok(!any_contains(f.needed, f.n_needed, "libcurl"),
	   "pam_kinde.so: no DT_NEEDED libcurl");
	check_hardening("pam_kinde.so", &f);
	facts_free(&f);

	/* --- kinde-net.so ------------------------------------------- */
	elf_read(plugin, &f);
	if (!ok(f.ok, "kinde-net.so's ELF dynamic section and symbol table parse"))
		diag("  %s: %s", plugin, f.why ? f.why : "?");
	check_exports("kinde-net.so", &f, net_syms, ARRAY_SIZE(net_syms));
	/* The positive control of the libcurl check above. */
	ok(any_contains(f.needed, f.n_needed, "libcurl"),
	   "kinde-net.so: DT_NEEDED libcurl (it is where libcurl lives)");
	check_hardening("kinde-net.so", &f);
	facts_free(&f);
	dlerror();
	hn = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
	if (!ok(hn != NULL, "dlopen(RTLD_NOW | RTLD_LOCAL) of kinde-net.so alone"))
		diag("  dlerror: %s", dlerror());
	ok(hn != NULL && dlsym(hn, "kinde_net_v1") != NULL,
	   "dlsym finds kinde_net_v1 in kinde-net.so");

	if (hn != NULL)
		dlclose(hn);
	if (h != NULL)
		dlclose(h);
	free((void *)curl);
	free(module);
	free(plugin);
	return done_testing();
}
