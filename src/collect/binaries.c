/*
 * binaries.c — `vigil collect binaries`: how each ELF executable and shared
 * object of a target was built (docs/collect.md, "binaries").
 *
 * The target is read as vigil sbom reads it (src/source/): a directory or
 * mounted root filesystem, a root filesystem tarball, a `docker save`
 * archive or an OCI image layout, with a table of one cataloger that is
 * offered every regular file with an executable bit and every file named
 * like a shared object (*.so, *.so.*); symlinks are never followed, and a
 * directory walk stays on the target's file system.  Each file is read
 * through vg_file.read_at by the bounded ELF reader of src/catalog/binfmt.c
 * (ELF header, program and section headers), then here: the dynamic section
 * PT_DYNAMIC, the dynamic symbol table .dynsym and the string table it
 * links to, the notes of the PT_NOTE segments, and the DT_RPATH/DT_RUNPATH
 * strings.  Never code or data; every size is checked against the file and
 * against the limits below.
 *
 * Specs: System V ABI gABI 4.1 (ELF header, program headers, dynamic
 * section, symbol table, notes); the GNU extensions as binutils
 * include/elf/common.h defines them (PT_GNU_STACK, PT_GNU_RELRO, DT_FLAGS_1
 * DF_1_NOW, NT_GNU_PROPERTY_TYPE_0) and "Linux Extensions to gABI" 0.1
 * (program properties); x86-64 psABI 1.0 section 2.1
 * (GNU_PROPERTY_X86_FEATURE_1_AND: IBT, SHSTK); "ELF for the Arm 64-bit
 * Architecture" 2023Q3 (GNU_PROPERTY_AARCH64_FEATURE_1_AND: BTI, PAC).
 *
 * The facts are those Debian's hardening-check (devscripts 2.23) decides,
 * from the same data readelf shows it; docs/collect.md says where vigil's
 * definitions differ and why.  Left out: Mach-O and PE binaries; ELF
 * relocatable objects, core files and separate debug-information files;
 * stack clash protection (hardening-check looks for it in the
 * disassembly); which level of _FORTIFY_SOURCE (the binary does not say).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/binfmt.h"
#include "format/format_internal.h"
#include "vigil/collect.h"
#include "vigil/source.h"

#define BINARIES_SCHEMA 1
/* Largest file read.  Only its headers are read, so in a directory any
 * size goes; an archive's files are copied out to be read, and there the
 * source's limit (vg_scan_options.max_file_size, 512 MiB) applies. */
#define BINARIES_MAX_FILE ((size_t)1 << 40)
#define BINARIES_MAX_COUNT 200000             /* binaries listed, by default */
#define ELF_DYNAMIC_MAX ((size_t)1 << 20)     /* bytes of PT_DYNAMIC */
#define ELF_DYNSYM_MAX ((size_t)64 << 20)     /* bytes of .dynsym */
#define ELF_DYNSTR_MAX ((size_t)64 << 20)     /* bytes of its string table */
#define ELF_NOTES_MAX ((size_t)1 << 16)       /* bytes of one PT_NOTE segment */
#define ELF_NOTE_SEGMENTS_MAX 64
#define ELF_PATHS_MAX 64                      /* DT_RPATH and DT_RUNPATH entries, each */
#define ELF_PATH_MAX 4096                     /* bytes of one of their strings */
#define ELF_FORTIFIED_MAX 256                 /* distinct __*_chk functions listed */

enum {
    ET_EXEC = 2,
    ET_DYN = 3,
    EM_386 = 3,
    EM_X86_64 = 62,
    EM_AARCH64 = 183,
    PT_DYNAMIC = 2,
    PT_INTERP = 3,
    PT_NOTE = 4,
    PT_GNU_STACK = 0x6474e551,
    PT_GNU_RELRO = 0x6474e552,
    PF_X = 1,
    SHT_SYMTAB = 2,
    SHT_NOBITS = 8,
    SHT_DYNSYM = 11,
    SHN_UNDEF = 0,
    STT_NOTYPE = 0,
    STT_FUNC = 2,
    STT_GNU_IFUNC = 10,
    NT_GNU_PROPERTY_TYPE_0 = 5,
};

#define DT_NULL 0
#define DT_STRTAB 5
#define DT_STRSZ 10
#define DT_RPATH 15
#define DT_BIND_NOW 24
#define DT_RUNPATH 29
#define DT_FLAGS 30
#define DT_FLAGS_1 0x6ffffffbu
#define DF_BIND_NOW 0x8u
#define DF_1_NOW 0x1u
#define DF_1_PIE 0x08000000u
#define GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000u
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002u

/* The functions glibc 2.36 has a fortified __NAME_chk variant of, as
 * hardening-check lists them (its %libc; explicit_bzero, which glibc added
 * in 2.25, is not on it).  A binary that calls one of them directly, and
 * none through __*_chk, is not fortified.  Sorted for bsearch. */
static const char *const fortifiable[] = {
    "asprintf", "confstr", "dprintf", "fdelt", "fgets", "fgets_unlocked", "fgetws", "fgetws_unlocked",
    "fprintf", "fread", "fread_unlocked", "fwprintf", "getcwd", "getdomainname", "getgroups", "gethostname",
    "getlogin_r", "gets", "getwd", "longjmp", "mbsnrtowcs", "mbsrtowcs", "mbstowcs", "memcpy", "memmove",
    "mempcpy", "memset", "obstack_printf", "obstack_vprintf", "poll", "ppoll", "pread", "pread64", "printf",
    "ptsname_r", "read", "readlink", "readlinkat", "realpath", "recv", "recvfrom", "snprintf", "sprintf",
    "stpcpy", "stpncpy", "strcat", "strcpy", "strncat", "strncpy", "swprintf", "syslog", "ttyname_r",
    "vasprintf", "vdprintf", "vfprintf", "vfwprintf", "vprintf", "vsnprintf", "vsprintf", "vswprintf",
    "vsyslog", "vwprintf", "wcpcpy", "wcpncpy", "wcrtomb", "wcscat", "wcscpy", "wcsncat", "wcsncpy",
    "wcsnrtombs", "wcsrtombs", "wcstombs", "wctomb", "wmemcpy", "wmemmove", "wmempcpy", "wmemset", "wprintf",
};

/* Short names of the e_machine values of Linux architectures (the gABI's
 * EM_* without the prefix, x86-64 as its psABI spells it). */
static const struct {
    unsigned machine;
    const char *name;
} machines[] = {
    {2, "sparc"},   {3, "i386"},     {4, "m68k"},   {8, "mips"},      {15, "parisc"},  {18, "sparc32plus"},
    {20, "ppc"},    {21, "ppc64"},   {22, "s390"},  {40, "arm"},      {42, "sh"},      {43, "sparc64"},
    {50, "ia64"},   {62, "x86-64"},  {183, "aarch64"}, {243, "riscv"}, {247, "bpf"},   {258, "loongarch"},
};

/* What one ELF file says about its hardening. */
typedef struct elf_facts {
    const vg_binfmt *bf;
    vg_ctx *ctx;
    const char *path;
    /* program headers */
    int interp, gnu_stack, stack_exec, gnu_relro;
    const vg_binfmt_region *dynamic;
    /* the dynamic section */
    uint64_t strtab, strsz;
    int has_strtab, has_strsz, bind_now, pie_flag;
    uint64_t rpath[ELF_PATHS_MAX], runpath[ELF_PATHS_MAX];
    size_t nrpath, nrunpath;
    /* the dynamic symbols */
    int dynsym, canary, fortified_any, unfortified_any;
    char *fortified[ELF_FORTIFIED_MAX]; /* malloc'd, sorted, unique */
    size_t nfortified;
    /* notes */
    int x86_features, aarch64_features; /* -1: no such property */
} elf_facts;

static void facts_free(elf_facts *f)
{
    for (size_t i = 0; i < f->nfortified; i++)
        free(f->fortified[i]);
    f->nfortified = 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* --- program headers ------------------------------------------------------ */

static void read_program_headers(elf_facts *f)
{
    const vg_binfmt *bf = f->bf;
    for (size_t i = 0; i < bf->nprograms; i++) {
        const vg_binfmt_region *p = &bf->programs[i];
        switch (p->type) {
        case PT_INTERP: f->interp = 1; break;
        case PT_GNU_RELRO: f->gnu_relro = 1; break;
        case PT_GNU_STACK:
            f->gnu_stack = 1;
            f->stack_exec = (p->flags & PF_X) != 0;
            break;
        case PT_DYNAMIC:
            if (!f->dynamic)
                f->dynamic = p;
            break;
        }
    }
}

/* --- the dynamic section -------------------------------------------------- */

static int read_dynamic(elf_facts *f)
{
    if (!f->dynamic)
        return VG_OK; /* statically linked */
    const vg_binfmt *bf = f->bf;
    unsigned char *dyn;
    size_t len;
    int rc = vg_binfmt_read_section(bf, f->dynamic, ELF_DYNAMIC_MAX, &dyn, &len);
    if (rc == VG_ERR_LIMIT)
        return vg_error(f->ctx, rc, "%s: dynamic section of %llu bytes is more than vigil reads", f->path,
                        (unsigned long long)f->dynamic->file_size);
    if (rc == VG_ERR_FORMAT)
        return vg_error(f->ctx, rc, "%s: the dynamic section lies outside the file", f->path);
    if (rc)
        return vg_error(f->ctx, rc, "%s: cannot read the dynamic section", f->path);
    int w = bf->ptr_size, big = bf->big_endian;
    for (size_t off = 0; off + 2 * (size_t)w <= len; off += 2 * (size_t)w) {
        uint64_t tag = vg_binfmt_getword(dyn + off, big, w), val = vg_binfmt_getword(dyn + off + w, big, w);
        if (tag == DT_NULL)
            break;
        switch (tag) {
        case DT_STRTAB: f->strtab = val; f->has_strtab = 1; break;
        case DT_STRSZ: f->strsz = val; f->has_strsz = 1; break;
        case DT_BIND_NOW: f->bind_now = 1; break;
        case DT_FLAGS: f->bind_now |= (val & DF_BIND_NOW) != 0; break;
        case DT_FLAGS_1:
            f->bind_now |= (val & DF_1_NOW) != 0;
            f->pie_flag = (val & DF_1_PIE) != 0;
            break;
        case DT_RPATH:
        case DT_RUNPATH: {
            uint64_t *list = tag == DT_RPATH ? f->rpath : f->runpath;
            size_t *n = tag == DT_RPATH ? &f->nrpath : &f->nrunpath;
            if (*n >= ELF_PATHS_MAX) {
                free(dyn);
                return vg_error(f->ctx, VG_ERR_LIMIT, "%s: more than %d %s entries", f->path, ELF_PATHS_MAX,
                                tag == DT_RPATH ? "DT_RPATH" : "DT_RUNPATH");
            }
            list[(*n)++] = val;
            break;
        }
        }
    }
    free(dyn);
    return VG_OK;
}

/* The string at offset off of the dynamic string table (DT_STRTAB, a
 * virtual address), split at ':' into arr. */
static int add_dynamic_string(elf_facts *f, uint64_t off, const char *what, json_t *arr)
{
    if (!f->has_strtab || (f->has_strsz && off >= f->strsz))
        return vg_error(f->ctx, VG_ERR_FORMAT, "%s: %s points outside the dynamic string table", f->path, what);
    char buf[ELF_PATH_MAX + 1];
    size_t got;
    buf[ELF_PATH_MAX] = '\0';
    int rc = vg_binfmt_read_addr(f->bf, f->strtab + off, buf, ELF_PATH_MAX, &got);
    if (rc == VG_ERR_NOT_FOUND || rc == VG_ERR_FORMAT)
        return vg_error(f->ctx, VG_ERR_FORMAT, "%s: %s lies outside the file", f->path, what);
    if (rc)
        return vg_error(f->ctx, rc, "%s: cannot read %s", f->path, what);
    const char *end = memchr(buf, '\0', got);
    if (!end)
        return vg_error(f->ctx, VG_ERR_LIMIT, "%s: %s is not a string of at most %d bytes", f->path, what,
                        ELF_PATH_MAX);
    for (char *p = buf; p <= end;) {
        char *stop = p + strcspn(p, ":");
        *stop = '\0';
        if (json_array_append_new(arr, fmt_str(p))) /* invalid UTF-8 as U+FFFD */
            return vg_error(f->ctx, VG_ERR_NOMEM, "%s: out of memory", f->path);
        p = stop + 1;
    }
    return VG_OK;
}

/* --- the dynamic symbols -------------------------------------------------- */

static int is_fortifiable(const char *name)
{
    return bsearch(&name, fortifiable, sizeof fortifiable / sizeof fortifiable[0], sizeof fortifiable[0],
                   cmp_name) != NULL;
}

/* Records NAME of an undefined __NAME_chk (the len bytes at name). */
static int add_fortified(elf_facts *f, const char *name, size_t len)
{
    f->fortified_any = 1;
    if (f->nfortified >= ELF_FORTIFIED_MAX)
        return VG_OK; /* listed up to the limit; fortify is decided */
    char *copy = strndup(name, len);
    if (!copy)
        return vg_error(f->ctx, VG_ERR_NOMEM, "%s: out of memory", f->path);
    size_t lo = 0, hi = f->nfortified;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(f->fortified[mid], copy);
        if (c == 0) {
            free(copy);
            return VG_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&f->fortified[lo + 1], &f->fortified[lo], (f->nfortified - lo) * sizeof *f->fortified);
    f->fortified[lo] = copy;
    f->nfortified++;
    return VG_OK;
}

/* One undefined symbol of the dynamic symbol table. */
static int undefined_symbol(elf_facts *f, const char *name, unsigned type)
{
    if (strcmp(name, "__stack_chk_fail") == 0 || strcmp(name, "__stack_chk_guard") == 0) {
        f->canary = 1;
        return VG_OK;
    }
    /* hardening-check reads functions only: FUNC, IFUNC, and NOTYPE */
    if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
        return VG_OK;
    size_t len = strlen(name);
    if (len > 6 && name[0] == '_' && name[1] == '_' && memcmp(name + len - 4, "_chk", 4) == 0)
        return add_fortified(f, name + 2, len - 6);
    if (is_fortifiable(name))
        f->unfortified_any = 1;
    return VG_OK;
}

/* The first section of type SHT_DYNSYM and the string table it links to. */
static int read_dynamic_symbols(elf_facts *f)
{
    const vg_binfmt *bf = f->bf;
    const vg_binfmt_region *sym = NULL;
    for (size_t i = 0; i < bf->nsections && !sym; i++)
        if (bf->sections[i].type == SHT_DYNSYM)
            sym = &bf->sections[i];
    if (!sym)
        return VG_OK; /* static, or no section table: nothing to tell from */
    size_t entsize = bf->ptr_size == 8 ? 24 : 16;
    if (sym->link >= bf->nsections || sym->link == (size_t)(sym - bf->sections))
        return vg_error(f->ctx, VG_ERR_FORMAT, "%s: .dynsym links to no string table (section %u)", f->path,
                        sym->link);
    const vg_binfmt_region *str = &bf->sections[sym->link];
    unsigned char *syms = NULL, *strs = NULL;
    size_t nsyms_bytes, nstrs;
    int rc = vg_binfmt_read_section(bf, sym, ELF_DYNSYM_MAX, &syms, &nsyms_bytes);
    if (rc == VG_OK)
        rc = vg_binfmt_read_section(bf, str, ELF_DYNSTR_MAX, &strs, &nstrs);
    if (rc) {
        free(syms);
        return vg_error(f->ctx, rc, "%s: %s the dynamic symbol table", f->path,
                        rc == VG_ERR_LIMIT    ? "more than vigil reads in"
                        : rc == VG_ERR_FORMAT ? "a section outside the file holds"
                                              : "cannot read");
    }
    f->dynsym = 1;
    int big = bf->big_endian;
    for (size_t off = 0; rc == VG_OK && off + entsize <= nsyms_bytes; off += entsize) {
        const unsigned char *s = syms + off;
        uint32_t name = vg_binfmt_get32(s, big);
        unsigned info = entsize == 24 ? s[4] : s[12];
        uint16_t shndx = vg_binfmt_get16(entsize == 24 ? s + 6 : s + 14, big);
        if (shndx != SHN_UNDEF || name == 0 || name >= nstrs)
            continue;
        const char *n = (const char *)strs + name;
        if (!memchr(n, '\0', nstrs - name))
            continue; /* runs off the table: no name to compare */
        rc = undefined_symbol(f, n, info & 0xf);
    }
    free(syms);
    free(strs);
    return rc;
}

/* --- notes ---------------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* The program properties in desc (a NT_GNU_PROPERTY_TYPE_0 note). */
static void read_properties(elf_facts *f, const unsigned char *desc, uint64_t len)
{
    int big = f->bf->big_endian;
    uint64_t pad = f->bf->ptr_size == 8 ? 8 : 4, pos = 0;
    while (len - pos >= 8) {
        uint32_t type = vg_binfmt_get32(desc + pos, big), size = vg_binfmt_get32(desc + pos + 4, big);
        pos += 8;
        if (size > len - pos)
            return;
        if (size >= 4 && type == GNU_PROPERTY_X86_FEATURE_1_AND)
            f->x86_features = (int)(vg_binfmt_get32(desc + pos, big) & 0x7fffffff);
        if (size >= 4 && type == GNU_PROPERTY_AARCH64_FEATURE_1_AND)
            f->aarch64_features = (int)(vg_binfmt_get32(desc + pos, big) & 0x7fffffff);
        uint64_t next = align_up((uint64_t)size, pad);
        if (next > len - pos)
            return;
        pos += next;
    }
}

/* The notes of one PT_NOTE segment of len bytes, aligned to align (4 or 8). */
static void read_notes(elf_facts *f, const unsigned char *p, uint64_t len, uint64_t align)
{
    int big = f->bf->big_endian;
    uint64_t pos = 0;
    while (len - pos >= 12) {
        uint64_t namesz = vg_binfmt_get32(p + pos, big), descsz = vg_binfmt_get32(p + pos + 4, big);
        uint32_t type = vg_binfmt_get32(p + pos + 8, big);
        uint64_t desc = align_up(pos + 12 + namesz, align);
        if (desc > len || descsz > len - desc)
            return;
        if (type == NT_GNU_PROPERTY_TYPE_0 && namesz == 4 && memcmp(p + pos + 12, "GNU", 4) == 0)
            read_properties(f, p + desc, descsz);
        pos = align_up(desc + descsz, align);
        if (pos > len)
            return;
    }
}

static int read_note_segments(elf_facts *f)
{
    const vg_binfmt *bf = f->bf;
    size_t seen = 0;
    for (size_t i = 0; i < bf->nprograms; i++) {
        const vg_binfmt_region *p = &bf->programs[i];
        if (p->type != PT_NOTE || !p->file_size)
            continue;
        if (++seen > ELF_NOTE_SEGMENTS_MAX)
            return vg_error(f->ctx, VG_ERR_LIMIT, "%s: more than %d note segments", f->path, ELF_NOTE_SEGMENTS_MAX);
        unsigned char *notes;
        size_t len;
        int rc = vg_binfmt_read_section(bf, p, ELF_NOTES_MAX, &notes, &len);
        if (rc)
            return vg_error(f->ctx, rc, "%s: %s", f->path,
                            rc == VG_ERR_LIMIT    ? "a note segment is bigger than vigil reads"
                            : rc == VG_ERR_FORMAT ? "a note segment lies outside the file"
                                                  : "cannot read a note segment");
        read_notes(f, notes, len, p->align == 8 ? 8 : 4);
        free(notes);
    }
    return VG_OK;
}

/* --- the entry -------------------------------------------------------------- */

static const char *machine_name(unsigned machine, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
        if (machines[i].machine == machine)
            return machines[i].name;
    snprintf(buf, size, "unknown:%u", machine);
    return buf;
}

/* true, false, or null when known is 0. */
static json_t *tristate(int known, int value)
{
    return known ? json_boolean(value) : json_null();
}

/* A separate debug-information file (objcopy --only-keep-debug): the
 * headers of the binary, none of its content. */
static int debug_info_only(const vg_binfmt *bf)
{
    const vg_binfmt_region *text = vg_binfmt_section(bf, NULL, ".text");
    return text && text->type == SHT_NOBITS;
}

static int build_entry(elf_facts *f, const vg_file *file, json_t **out)
{
    const vg_binfmt *bf = f->bf;
    char mbuf[32];
    int x86 = bf->elf_machine == EM_386 || bf->elf_machine == EM_X86_64, arm = bf->elf_machine == EM_AARCH64;
    int ibt = f->x86_features > 0 && (f->x86_features & 1), shstk = f->x86_features > 0 && (f->x86_features & 2);
    int bti = f->aarch64_features > 0 && (f->aarch64_features & 1);
    int pac = f->aarch64_features > 0 && (f->aarch64_features & 2);
    int stripped = 1;
    for (size_t i = 0; i < bf->nsections; i++)
        if (bf->sections[i].type == SHT_SYMTAB)
            stripped = 0;
    json_t *fortified = json_array(), *rpath = json_array(), *runpath = json_array();
    char *path = malloc(strlen(file->path) + 2);
    int rc = fortified && rpath && runpath && path ? VG_OK : VG_ERR_NOMEM;
    for (size_t i = 0; rc == VG_OK && i < f->nfortified; i++)
        if (json_array_append_new(fortified, json_string(f->fortified[i])))
            rc = VG_ERR_NOMEM;
    for (size_t i = 0; rc == VG_OK && i < f->nrpath; i++)
        rc = add_dynamic_string(f, f->rpath[i], "DT_RPATH", rpath);
    for (size_t i = 0; rc == VG_OK && i < f->nrunpath; i++)
        rc = add_dynamic_string(f, f->runpath[i], "DT_RUNPATH", runpath);
    json_t *entry = NULL;
    if (rc == VG_OK) {
        snprintf(path, strlen(file->path) + 2, "%s%s", file->path[0] == '/' ? "" : "/", file->path);
        /* an executable has an interpreter; one without (static-pie) the flag ld gives PIEs */
        const char *type = bf->elf_type == ET_EXEC              ? "executable"
                           : f->interp || f->pie_flag ? "pie-executable"
                                                                : "shared-object";
        /* A static executable carries libc's own __stack_chk_fail and
         * __*_chk, whether its code uses them or not: its imports tell
         * nothing, and neither do those of a binary without .dynsym. */
        int is_static = strcmp(type, "shared-object") != 0 && !f->interp;
        int symbols = f->dynsym && !is_static;
        int fortify_known = symbols && (f->fortified_any || f->unfortified_any);
        entry = json_pack("{s:o, s:s, s:s, s:I, s:b, s:s, s:b, s:b, s:b, s:b, s:o, s:o, s:O, s:o, s:o, s:o, s:o, "
                          "s:O, s:O, s:b}",
                          "path", fmt_str(path), "type", type, "machine",
                          machine_name(bf->elf_machine, mbuf, sizeof mbuf), "size", (json_int_t)file->size, "pie",
                          bf->elf_type == ET_DYN, "relro", !f->gnu_relro ? "none" : f->bind_now ? "full" : "partial",
                          "bind_now", f->bind_now, "nx", f->gnu_stack && !f->stack_exec, "static", is_static,
                          "dynamic_symbols", f->dynsym, "canary", tristate(symbols, f->canary), "fortify",
                          tristate(fortify_known, f->fortified_any), "fortified", fortified, "ibt",
                          tristate(x86, ibt), "shstk", tristate(x86, shstk), "bti", tristate(arm, bti), "pac",
                          tristate(arm, pac), "rpath", rpath, "runpath", runpath, "stripped", stripped);
        if (!entry)
            rc = vg_error(f->ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    } else if (rc == VG_ERR_NOMEM) {
        vg_error(f->ctx, rc, "%s: out of memory", file->path);
    }
    json_decref(fortified);
    json_decref(rpath);
    json_decref(runpath);
    free(path);
    *out = entry;
    return rc;
}

int vg_collect_binary(vg_ctx *ctx, const vg_file *file, json_t **out)
{
    *out = NULL;
    vg_binfmt bf;
    int rc = vg_binfmt_open(ctx, &bf, file);
    /* Not ELF (a broken PE or Mach-O file included), or an ELF file of
     * another type, as far as its header got read: not a binary of ours. */
    int other_type = bf.elf_type && bf.elf_type != ET_EXEC && bf.elf_type != ET_DYN;
    if (rc != VG_ERR_NOMEM && (bf.kind != VG_BINFMT_ELF || other_type || (rc == VG_OK && debug_info_only(&bf))))
        rc = VG_ERR_UNSUPPORTED;
    if (rc) {
        vg_binfmt_close(&bf);
        return rc;
    }
    elf_facts f = {.bf = &bf, .ctx = ctx, .path = file->path, .x86_features = -1, .aarch64_features = -1};
    read_program_headers(&f);
    rc = read_dynamic(&f);
    if (rc == VG_OK)
        rc = read_dynamic_symbols(&f);
    if (rc == VG_OK)
        rc = read_note_segments(&f);
    if (rc == VG_OK)
        rc = build_entry(&f, file, out);
    facts_free(&f);
    vg_binfmt_close(&bf);
    return rc;
}

/* --- the collector ---------------------------------------------------------- */

typedef struct binaries_run {
    json_t *list;     /* the entries, in the order the source hands the files */
    size_t max;       /* entries kept at most */
    size_t over;      /* binaries past max, counted only */
} binaries_run;

/* Files named like shared objects, whatever their mode: "*.so", "*.so.*". */
static int wants_shared_object(const char *path, size_t len, size_t base)
{
    const char *name = path + base;
    size_t n = len - base;
    for (const char *p = name; (p = memmem(p, n - (size_t)(p - name), ".so", 3)) != NULL; p += 3)
        if (p > name && (p + 3 == name + n || p[3] == '.'))
            return 1;
    return 0;
}

static void *binaries_begin(vg_catalog_run *run)
{
    return run->user;
}

/* A file that is no ELF executable or shared object is left out silently;
 * one that cannot be read, or whose headers lie, is a warning, which
 * vg_collect_binaries() turns into an "unchecked" entry. */
static int binaries_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    binaries_run *b = state;
    json_t *entry;
    int rc = vg_collect_binary(run->ctx, file, &entry);
    if (rc == VG_ERR_UNSUPPORTED)
        return VG_OK;
    if (rc == VG_ERR_NOMEM)
        return rc;
    if (rc) {
        /* the message is "PATH: problem"; the warning names the path itself */
        const char *m = run->ctx->message;
        size_t n = strlen(file->path);
        if (strncmp(m, file->path, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
            m += n + 2;
        vg_warn(run->ctx, file->path, "%s", m);
        return VG_OK;
    }
    if (json_array_size(b->list) >= b->max) {
        b->over++;
        json_decref(entry);
        return VG_OK;
    }
    if (json_array_append_new(b->list, entry))
        return vg_error(run->ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

static int binaries_finish(vg_catalog_run *run, void *state)
{
    return VG_OK; /* the entries are the caller's (run->user) */
}

static const vg_cataloger binaries_cataloger = {
    .name = "binaries",
    .wants = wants_shared_object,
    .max_size = BINARIES_MAX_FILE,
    .flags = VG_CATALOG_RANDOM_ACCESS | VG_CATALOG_EXECUTABLES,
    .begin = binaries_begin,
    .collect = binaries_collect,
    .finish = binaries_finish,
};

static const vg_cataloger *const binaries_table[] = {&binaries_cataloger, NULL};

static int cmp_entry_path(const void *a, const void *b)
{
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "path")),
                  json_string_value(json_object_get(*(json_t *const *)b, "path")));
}

/* Adds one to counts[key][bucket]. */
static int count(json_t *counts, const char *key, const char *bucket)
{
    json_t *o = json_object_get(counts, key);
    json_t *n = json_object_get(o, bucket);
    return json_object_set_new(o, bucket, json_integer(json_integer_value(n) + 1));
}

/* The summary: how many binaries, and for each fact how many have it
 * ("yes"), lack it ("no") or cannot tell ("unknown": null). */
static json_t *summarize(const json_t *list)
{
    static const char *const facts[] = {"pie", "bind_now", "nx", "static", "dynamic_symbols", "canary", "fortify",
                                        "ibt", "shstk", "bti", "pac", "rpath", "runpath", "stripped"};
    json_t *counts = json_pack("{s:I, s:{s:i, s:i, s:i}, s:{s:i, s:i, s:i}}", "binaries",
                               (json_int_t)json_array_size(list), "type", "executable", 0, "pie-executable", 0,
                               "shared-object", 0, "relro", "full", 0, "partial", 0, "none", 0);
    for (size_t i = 0; counts && i < sizeof facts / sizeof facts[0]; i++)
        if (json_object_set_new(counts, facts[i], json_pack("{s:i, s:i, s:i}", "yes", 0, "no", 0, "unknown", 0)))
            json_decref(counts), counts = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (!counts)
            break;
        int bad = count(counts, "type", json_string_value(json_object_get(e, "type"))) ||
                  count(counts, "relro", json_string_value(json_object_get(e, "relro")));
        for (size_t k = 0; !bad && k < sizeof facts / sizeof facts[0]; k++) {
            json_t *v = json_object_get(e, facts[k]);
            const char *bucket = json_is_array(v) ? (json_array_size(v) ? "yes" : "no")
                                 : json_is_null(v) ? "unknown"
                                 : json_is_true(v) ? "yes"
                                                   : "no";
            bad = count(counts, facts[k], bucket);
        }
        if (bad)
            json_decref(counts), counts = NULL;
    }
    return counts;
}

int vg_collect_binaries(vg_ctx *ctx, const char *target, const vg_collect_binaries_options *opts, int64_t collected,
                        json_t **out)
{
    *out = NULL;
    vg_collect_binaries_options defaults = {0};
    if (!opts)
        opts = &defaults;
    binaries_run b = {.list = json_array(), .max = opts->max_binaries ? opts->max_binaries : BINARIES_MAX_COUNT};
    json_t *doc = vg_collect_document(ctx, "binaries", BINARIES_SCHEMA, collected, target);
    if (!b.list || !doc) {
        json_decref(b.list);
        json_decref(doc);
        return doc ? vg_error(ctx, VG_ERR_NOMEM, "out of memory") : VG_ERR_NOMEM;
    }
    vg_scan_options scan = opts->scan;
    scan.table = binaries_table;
    scan.catalogers = 0;
    scan.user = &b;
    scan.one_filesystem = !opts->all_filesystems;
    scan.final_view_only = 1;
    vg_inventory inv;
    vg_inventory_init(&inv);
    int rc = vg_scan(ctx, target, &scan, &inv);
    /* the walk's order is the directory's, an image's the order of its layers */
    json_t *list = rc == VG_OK ? vg_collect_sorted(b.list, cmp_entry_path) : NULL;
    json_t *summary = list ? summarize(list) : NULL;
    if (rc == VG_OK && (!list || !summary))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && b.over) {
        char reason[160];
        snprintf(reason, sizeof reason, "%zu more binaries than the %zu listed", b.over, b.max);
        rc = vg_collect_unchecked(ctx, doc, target, reason);
    }
    if (rc == VG_OK)
        rc = vg_collect_take_warnings(ctx, doc, "/", target);
    if (rc == VG_OK) {
        /* each set takes its value, even when it fails */
        int bad = json_object_set_new(doc, "digest", inv.target.digest ? fmt_str(inv.target.digest) : json_null());
        bad |= json_object_set_new(doc, "summary", summary);
        bad |= json_object_set_new(doc, "binaries", list);
        summary = list = NULL;
        if (bad)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(summary);
    json_decref(list);
    json_decref(b.list);
    vg_inventory_free(&inv);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
