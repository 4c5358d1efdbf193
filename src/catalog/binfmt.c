/*
 * binfmt.c — bounded ELF / Mach-O / PE header reader (binfmt.h).
 *
 * Specs: System V gABI (ELF, 4.1) and the ELF-64 Object File Format 1.5;
 * Apple <mach-o/loader.h> and <mach-o/fat.h>; Microsoft "PE Format"
 * (PE32/PE32+ optional header, section table, COFF string table).  Only
 * what locating a section or a virtual address needs is read; see
 * binfmt.h for what is left out.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/binfmt.h"

#define HEADER_TABLE_MAX ((size_t)4 << 20) /* bytes of one header table read at once */
#define NAME_TABLE_MAX ((size_t)1 << 20)   /* ELF .shstrtab / COFF string table read */
#define MACHO_FAT_MAX_ARCH 32              /* more: not a universal binary (Java class files share the magic) */

/* --- reading ----------------------------------------------------------- */

int vg_file_read_exact(const vg_file *file, uint64_t offset, void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len) {
        long n = file->read_at(file, offset, p, len);
        if (n < 0)
            return VG_ERR_IO;
        if (n == 0)
            return VG_ERR_FORMAT;
        if ((size_t)n > len)
            return VG_ERR_IO; /* a broken read_at */
        p += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return VG_OK;
}

int vg_file_load(const vg_file *file, size_t max, const unsigned char **out, size_t *outlen,
                 void **to_free)
{
    *out = NULL;
    *outlen = 0;
    *to_free = NULL;
    if (file->size > max)
        return VG_ERR_LIMIT;
    if (file->data) {
        *out = file->data;
        *outlen = file->size;
        return VG_OK;
    }
    unsigned char *buf = malloc(file->size + 1);
    if (!buf)
        return VG_ERR_NOMEM;
    int rc = vg_file_read_exact(file, 0, buf, file->size);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[file->size] = '\0';
    *out = buf;
    *outlen = file->size;
    *to_free = buf;
    return VG_OK;
}

/* --- integers in either byte order (binfmt.h) ---------------------------- */

#define get16 vg_binfmt_get16
#define get32 vg_binfmt_get32
#define get64 vg_binfmt_get64
#define getword vg_binfmt_getword

/* off + len lies inside a file of size bytes (no overflow). */
static int in_file(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* Reads a table of count entries of entsize bytes at off into a malloc'd
 * buffer, after checking it against the file and HEADER_TABLE_MAX. */
static int read_table(vg_ctx *ctx, const vg_file *file, uint64_t off, uint64_t count, uint64_t entsize,
                      const char *what, unsigned char **out)
{
    *out = NULL;
    if (entsize && count > HEADER_TABLE_MAX / entsize)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: %s: %llu entries is more than vigil reads", file->path, what,
                        (unsigned long long)count);
    size_t len = (size_t)(count * entsize);
    if (!in_file(file->size, off, len))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: %s lies outside the file (offset %llu, %zu bytes, file %zu)",
                        file->path, what, (unsigned long long)off, len, file->size);
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    int rc = vg_file_read_exact(file, off, buf, len);
    if (rc) {
        free(buf);
        return vg_error(ctx, rc, "%s: cannot read the %s", file->path, what);
    }
    *out = buf;
    return VG_OK;
}

/* Appends a zeroed region to *list (n entries, *cap allocated), growing it
 * by doubling up to VG_BINFMT_MAX_REGIONS; NULL past that or on OOM. */
static vg_binfmt_region *add_region(vg_binfmt_region **list, size_t *n, size_t *cap)
{
    if (*n >= VG_BINFMT_MAX_REGIONS)
        return NULL;
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 32;
        vg_binfmt_region *p = realloc(*list, grown * sizeof *p);
        if (!p)
            return NULL;
        *list = p;
        *cap = grown;
    }
    vg_binfmt_region *r = &(*list)[(*n)++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Copies a name of at most len bytes (NUL-padded or NUL-terminated) into
 * dst of dstsize; a name that does not fit is stored empty. */
static void set_name(char *dst, size_t dstsize, const char *src, size_t len)
{
    size_t n = 0;
    while (n < len && src[n])
        n++;
    if (n >= dstsize)
        n = 0;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* --- sniffing ------------------------------------------------------------ */

vg_binfmt_kind vg_binfmt_sniff(const unsigned char *h, size_t len)
{
    if (len >= 4 && memcmp(h, "\177ELF", 4) == 0)
        return VG_BINFMT_ELF;
    if (len >= 2 && h[0] == 'M' && h[1] == 'Z')
        return VG_BINFMT_PE;
    if (len >= 4) {
        uint32_t be = get32(h, 1);
        if (be == 0xfeedface || be == 0xfeedfacf || be == 0xcefaedfe || be == 0xcffaedfe)
            return VG_BINFMT_MACHO;
        if ((be == 0xcafebabe || be == 0xcafebabf) && len >= 8 && get32(h + 4, 1) > 0 &&
            get32(h + 4, 1) <= MACHO_FAT_MAX_ARCH)
            return VG_BINFMT_MACHO;
    }
    return 0;
}

/* --- ELF ------------------------------------------------------------------ */

enum { PT_LOAD = 1, SHT_NOBITS = 8, SHN_XINDEX = 0xffff };

static int open_elf(vg_ctx *ctx, vg_binfmt *bf, const vg_file *file)
{
    unsigned char eh[64];
    const char *path = file->path;
    if (file->size < 52 || vg_file_read_exact(file, 0, eh, file->size < 64 ? 52 : 64))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: truncated ELF header", path);
    if ((eh[4] != 1 && eh[4] != 2) || (eh[5] != 1 && eh[5] != 2))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: ELF header with unknown class %u or data encoding %u", path,
                        eh[4], eh[5]);
    int w = eh[4] == 2 ? 8 : 4, big = eh[5] == 2;
    if (w == 8 && file->size < 64)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: truncated ELF header", path);
    bf->big_endian = big;
    bf->ptr_size = w;
    bf->elf_type = get16(eh + 16, big);
    bf->elf_machine = get16(eh + 18, big);
    /* e_phoff, e_shoff and the counts, at class-dependent offsets */
    uint64_t phoff = getword(eh + (w == 8 ? 32 : 28), big, w);
    uint64_t shoff = getword(eh + (w == 8 ? 40 : 32), big, w);
    const unsigned char *tail = eh + (w == 8 ? 54 : 42); /* e_phentsize */
    uint64_t phentsize = get16(tail, big), phnum = get16(tail + 2, big);
    uint64_t shentsize = get16(tail + 4, big), shnum = get16(tail + 6, big), shstrndx = get16(tail + 8, big);
    size_t phmin = w == 8 ? 56 : 32, shmin = w == 8 ? 64 : 40;
    int rc;

    if (phnum) {
        if (phentsize < phmin)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: ELF program header entries of %llu bytes", path,
                            (unsigned long long)phentsize);
        unsigned char *ph;
        if ((rc = read_table(ctx, file, phoff, phnum, phentsize, "ELF program header table", &ph)))
            return rc;
        for (uint64_t i = 0; i < phnum; i++) {
            const unsigned char *p = ph + i * phentsize;
            vg_binfmt_region *r = add_region(&bf->programs, &bf->nprograms, &bf->programs_cap);
            if (!r) {
                free(ph);
                return vg_error(ctx, VG_ERR_LIMIT, "%s: too many ELF program headers", path);
            }
            r->type = get32(p, big);
            if (w == 8) {
                r->flags = get32(p + 4, big);
                r->offset = get64(p + 8, big);
                r->addr = get64(p + 16, big);
                r->file_size = get64(p + 32, big);
                r->size = get64(p + 40, big);
                r->align = get64(p + 48, big);
            } else {
                r->offset = get32(p + 4, big);
                r->addr = get32(p + 8, big);
                r->file_size = get32(p + 16, big);
                r->size = get32(p + 20, big);
                r->flags = get32(p + 24, big);
                r->align = get32(p + 28, big);
            }
            if (r->type != PT_LOAD)
                continue;
            vg_binfmt_region *seg = add_region(&bf->segments, &bf->nsegments, &bf->segments_cap);
            if (!seg) {
                free(ph);
                return vg_error(ctx, VG_ERR_LIMIT, "%s: too many ELF segments", path);
            }
            *seg = *r;
        }
        free(ph);
    }

    if (!shoff)
        return VG_OK; /* no section table (stripped of it): segments only */
    if (shentsize < shmin)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: ELF section header entries of %llu bytes", path,
                        (unsigned long long)shentsize);
    /* Extended numbering: section 0 holds the real count and string index. */
    if (shnum == 0 || shstrndx == SHN_XINDEX) {
        unsigned char s0[64];
        if (!in_file(file->size, shoff, shmin) || vg_file_read_exact(file, shoff, s0, shmin))
            return vg_error(ctx, VG_ERR_FORMAT, "%s: ELF section header 0 lies outside the file", path);
        if (shnum == 0)
            shnum = getword(s0 + (w == 8 ? 32 : 20), big, w);
        if (shstrndx == SHN_XINDEX)
            shstrndx = get32(s0 + (w == 8 ? 40 : 24), big);
    }
    if (shnum > VG_BINFMT_MAX_REGIONS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: %llu ELF sections is more than vigil reads", path,
                        (unsigned long long)shnum);
    unsigned char *sh;
    if ((rc = read_table(ctx, file, shoff, shnum, shentsize, "ELF section header table", &sh)))
        return rc;
    /* The section name string table, bounded. */
    char *names = NULL;
    size_t names_len = 0;
    if (shstrndx < shnum) {
        const unsigned char *s = sh + shstrndx * shentsize;
        uint64_t off = getword(s + (w == 8 ? 24 : 16), big, w);
        uint64_t size = getword(s + (w == 8 ? 32 : 20), big, w);
        if (size > NAME_TABLE_MAX)
            size = NAME_TABLE_MAX;
        if (!in_file(file->size, off, size)) {
            free(sh);
            return vg_error(ctx, VG_ERR_FORMAT, "%s: ELF section name table lies outside the file", path);
        }
        names = malloc((size_t)size + 1);
        if (!names) {
            free(sh);
            return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
        }
        if (vg_file_read_exact(file, off, names, (size_t)size)) {
            free(names);
            free(sh);
            return vg_error(ctx, VG_ERR_FORMAT, "%s: cannot read the ELF section name table", path);
        }
        names[size] = '\0';
        names_len = (size_t)size;
    }
    for (uint64_t i = 0; i < shnum; i++) {
        const unsigned char *s = sh + i * shentsize;
        vg_binfmt_region *r = add_region(&bf->sections, &bf->nsections, &bf->sections_cap);
        if (!r)
            break; /* cannot happen: shnum was checked */
        uint32_t name = get32(s, big), type = get32(s + 4, big);
        if (names && name < names_len)
            set_name(r->name, sizeof r->name, names + name, names_len - name);
        r->type = type;
        r->flags = (uint32_t)getword(s + 8, big, w);
        r->addr = getword(s + (w == 8 ? 16 : 12), big, w);
        r->offset = getword(s + (w == 8 ? 24 : 16), big, w);
        r->size = getword(s + (w == 8 ? 32 : 20), big, w);
        r->file_size = type == SHT_NOBITS ? 0 : r->size;
        r->link = get32(s + (w == 8 ? 40 : 24), big);
        r->align = getword(s + (w == 8 ? 48 : 32), big, w);
        r->entsize = getword(s + (w == 8 ? 56 : 36), big, w);
    }
    free(names);
    free(sh);
    return VG_OK;
}

/* --- Mach-O --------------------------------------------------------------- */

enum {
    LC_SEGMENT = 0x1,
    LC_SEGMENT_64 = 0x19,
    MACHO_MAX_COMMANDS = 4096,
    S_ZEROFILL = 0x1,
    S_GB_ZEROFILL = 0xc,
    S_THREAD_LOCAL_ZEROFILL = 0x12,
};

/* Parses one Mach-O image starting at base (a whole file or a fat slice of
 * slice_size bytes). */
static int open_macho_at(vg_ctx *ctx, vg_binfmt *bf, const vg_file *file, uint64_t base, uint64_t slice_size)
{
    const char *path = file->path;
    unsigned char mh[32];
    if (slice_size < 28 || vg_file_read_exact(file, base, mh, 28))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: truncated Mach-O header", path);
    uint32_t magic = get32(mh, 1);
    int big = magic == 0xfeedface || magic == 0xfeedfacf;
    int w = magic == 0xfeedfacf || magic == 0xcffaedfe ? 8 : 4;
    if (magic != 0xfeedface && magic != 0xfeedfacf && magic != 0xcefaedfe && magic != 0xcffaedfe)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a Mach-O image at offset %llu", path, (unsigned long long)base);
    bf->big_endian = big;
    bf->ptr_size = w;
    uint64_t ncmds = get32(mh + 16, big), sizeofcmds = get32(mh + 20, big);
    uint64_t hdr = w == 8 ? 32 : 28;
    if (ncmds > MACHO_MAX_COMMANDS)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: %llu Mach-O load commands is more than vigil reads", path,
                        (unsigned long long)ncmds);
    if (!in_file(slice_size, hdr, sizeofcmds))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O load commands (%llu bytes) lie outside the file", path,
                        (unsigned long long)sizeofcmds);
    unsigned char *cmds;
    int rc = read_table(ctx, file, base + hdr, sizeofcmds, 1, "Mach-O load commands", &cmds);
    if (rc)
        return rc;
    uint64_t pos = 0;
    for (uint64_t i = 0; i < ncmds; i++) {
        if (sizeofcmds - pos < 8) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O load command %llu runs past sizeofcmds", path,
                          (unsigned long long)i);
            break;
        }
        const unsigned char *c = cmds + pos;
        uint32_t cmd = get32(c, big), cmdsize = get32(c + 4, big);
        if (cmdsize < 8 || cmdsize > sizeofcmds - pos) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O load command %llu has size %u", path,
                          (unsigned long long)i, cmdsize);
            break;
        }
        pos += cmdsize;
        if (cmd != LC_SEGMENT && cmd != LC_SEGMENT_64)
            continue;
        int w64 = cmd == LC_SEGMENT_64;
        size_t seghdr = w64 ? 72 : 56, secsize = w64 ? 80 : 68;
        if (cmdsize < seghdr) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: short Mach-O segment command", path);
            break;
        }
        vg_binfmt_region *seg = add_region(&bf->segments, &bf->nsegments, &bf->segments_cap);
        if (!seg) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: too many Mach-O segments", path);
            break;
        }
        set_name(seg->name, sizeof seg->name, (const char *)c + 8, 16);
        uint64_t nsects;
        if (w64) {
            seg->addr = get64(c + 24, big);
            seg->size = get64(c + 32, big);
            seg->offset = get64(c + 40, big);
            seg->file_size = get64(c + 48, big);
            seg->flags = get32(c + 60, big) | get32(c + 56, big) << 8; /* initprot | maxprot << 8 */
            nsects = get32(c + 64, big);
        } else {
            seg->addr = get32(c + 24, big);
            seg->size = get32(c + 28, big);
            seg->offset = get32(c + 32, big);
            seg->file_size = get32(c + 36, big);
            seg->flags = get32(c + 44, big) | get32(c + 40, big) << 8;
            nsects = get32(c + 48, big);
        }
        if (!in_file(slice_size, seg->offset, seg->file_size)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O segment %s lies outside the file", path, seg->name);
            break;
        }
        seg->offset += base;
        if (nsects > (cmdsize - seghdr) / secsize) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O segment %s claims %llu sections", path, seg->name,
                          (unsigned long long)nsects);
            break;
        }
        for (uint64_t k = 0; k < nsects; k++) {
            const unsigned char *s = c + seghdr + k * secsize;
            vg_binfmt_region *r = add_region(&bf->sections, &bf->nsections, &bf->sections_cap);
            if (!r) {
                rc = vg_error(ctx, VG_ERR_LIMIT, "%s: too many Mach-O sections", path);
                break;
            }
            set_name(r->name, sizeof r->name, (const char *)s, 16);
            set_name(r->segment, sizeof r->segment, (const char *)s + 16, 16);
            uint32_t flags;
            if (w64) {
                r->addr = get64(s + 32, big);
                r->size = get64(s + 40, big);
                r->offset = get32(s + 48, big);
                flags = get32(s + 64, big);
            } else {
                r->addr = get32(s + 32, big);
                r->size = get32(s + 36, big);
                r->offset = get32(s + 40, big);
                flags = get32(s + 56, big);
            }
            r->flags = flags;
            uint32_t type = flags & 0xff;
            int zerofill = type == S_ZEROFILL || type == S_GB_ZEROFILL || type == S_THREAD_LOCAL_ZEROFILL;
            r->file_size = zerofill ? 0 : r->size;
            if (!zerofill && !in_file(slice_size, r->offset, r->file_size)) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O section %s,%s lies outside the file", path,
                              r->segment, r->name);
                break;
            }
            r->offset += base;
        }
        if (rc)
            break;
    }
    free(cmds);
    return rc;
}

static int open_macho(vg_ctx *ctx, vg_binfmt *bf, const vg_file *file, const unsigned char *head)
{
    uint32_t magic = get32(head, 1);
    if (magic != 0xcafebabe && magic != 0xcafebabf)
        return open_macho_at(ctx, bf, file, 0, file->size);
    /* Universal file: big-endian fat_header, then fat_arch or fat_arch_64
     * entries; the first architecture is read. */
    int w64 = magic == 0xcafebabf;
    unsigned char arch[32];
    if (vg_file_read_exact(file, 8, arch, w64 ? 32 : 20))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: truncated Mach-O universal header", file->path);
    uint64_t off = w64 ? get64(arch + 8, 1) : get32(arch + 8, 1);
    uint64_t size = w64 ? get64(arch + 16, 1) : get32(arch + 12, 1);
    if (!in_file(file->size, off, size))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: Mach-O universal slice lies outside the file", file->path);
    return open_macho_at(ctx, bf, file, off, size);
}

/* --- PE ------------------------------------------------------------------- */

enum { PE_MAX_SECTIONS = 96 }; /* the loader's limit (PE Format, "COFF File Header") */

static int open_pe(vg_ctx *ctx, vg_binfmt *bf, const vg_file *file)
{
    const char *path = file->path;
    unsigned char b[4];
    if (file->size < 64 || vg_file_read_exact(file, 0x3c, b, 4))
        return VG_ERR_UNSUPPORTED; /* "MZ" alone: not worth a warning */
    uint64_t pe = get32(b, 0);
    unsigned char coff[24];
    if (!in_file(file->size, pe, 24) || vg_file_read_exact(file, pe, coff, 24) || memcmp(coff, "PE\0\0", 4) != 0)
        return VG_ERR_UNSUPPORTED; /* an MS-DOS program or another "MZ" file */
    uint64_t nsections = get16(coff + 6, 0), symtab = get32(coff + 12, 0), nsyms = get32(coff + 16, 0);
    uint64_t opt_size = get16(coff + 20, 0);
    if (nsections > PE_MAX_SECTIONS)
        return vg_error(ctx, VG_ERR_FORMAT, "%s: PE header claims %llu sections", path,
                        (unsigned long long)nsections);
    unsigned char opt[32];
    if (opt_size < 32 || !in_file(file->size, pe + 24, opt_size) || vg_file_read_exact(file, pe + 24, opt, 32))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: truncated PE optional header", path);
    uint16_t opt_magic = get16(opt, 0);
    uint64_t image_base;
    if (opt_magic == 0x10b) {
        bf->ptr_size = 4;
        image_base = get32(opt + 28, 0);
    } else if (opt_magic == 0x20b) {
        bf->ptr_size = 8;
        image_base = get64(opt + 24, 0);
    } else {
        return vg_error(ctx, VG_ERR_FORMAT, "%s: PE optional header magic 0x%x", path, opt_magic);
    }
    bf->big_endian = 0;
    unsigned char *sh;
    int rc = read_table(ctx, file, pe + 24 + opt_size, nsections, 40, "PE section table", &sh);
    if (rc)
        return rc;
    /* Long names "/N" are offsets into the COFF string table, which follows
     * the symbol table (18-byte records); its first 4 bytes are its size. */
    char *strtab = NULL;
    size_t strtab_len = 0;
    uint64_t stroff = symtab + nsyms * 18;
    if (symtab && nsyms <= UINT32_MAX && in_file(file->size, stroff, 4)) {
        unsigned char sz[4];
        if (vg_file_read_exact(file, stroff, sz, 4) == VG_OK) {
            uint64_t len = get32(sz, 0);
            if (len > NAME_TABLE_MAX)
                len = NAME_TABLE_MAX;
            if (len > 4 && in_file(file->size, stroff, len) && (strtab = malloc((size_t)len + 1)) != NULL) {
                if (vg_file_read_exact(file, stroff, strtab, (size_t)len) == VG_OK) {
                    strtab[len] = '\0';
                    strtab_len = (size_t)len;
                } else {
                    free(strtab);
                    strtab = NULL;
                }
            }
        }
    }
    for (uint64_t i = 0; i < nsections; i++) {
        const unsigned char *s = sh + i * 40;
        vg_binfmt_region *r = add_region(&bf->sections, &bf->nsections, &bf->sections_cap);
        if (!r)
            break;
        if (s[0] == '/' && strtab) {
            unsigned long idx = 0;
            int digits = 0;
            for (int k = 1; k < 8 && s[k] >= '0' && s[k] <= '9'; k++, digits++)
                idx = idx * 10 + (unsigned long)(s[k] - '0');
            if (digits && idx >= 4 && idx < strtab_len)
                set_name(r->name, sizeof r->name, strtab + idx, strtab_len - idx);
        } else {
            set_name(r->name, sizeof r->name, (const char *)s, 8);
        }
        uint64_t vsize = get32(s + 8, 0), va = get32(s + 12, 0);
        r->addr = image_base + va;
        r->size = vsize;
        r->file_size = get32(s + 16, 0);
        r->offset = get32(s + 20, 0);
        r->flags = get32(s + 36, 0);
        if (!in_file(file->size, r->offset, r->file_size)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: PE section %s lies outside the file", path, r->name);
            break;
        }
    }
    free(strtab);
    free(sh);
    return rc;
}

/* --- public -------------------------------------------------------------- */

int vg_binfmt_open(vg_ctx *ctx, vg_binfmt *bf, const vg_file *file)
{
    memset(bf, 0, sizeof *bf);
    bf->file = file;
    unsigned char head[16];
    size_t n = file->size < sizeof head ? file->size : sizeof head;
    if (n < 4 || vg_file_read_exact(file, 0, head, n))
        return VG_ERR_UNSUPPORTED;
    bf->kind = vg_binfmt_sniff(head, n);
    switch (bf->kind) {
    case VG_BINFMT_ELF: return open_elf(ctx, bf, file);
    case VG_BINFMT_MACHO: return open_macho(ctx, bf, file, head);
    case VG_BINFMT_PE: return open_pe(ctx, bf, file);
    default: return VG_ERR_UNSUPPORTED;
    }
}

void vg_binfmt_close(vg_binfmt *bf)
{
    free(bf->sections);
    free(bf->segments);
    free(bf->programs);
    bf->sections = bf->segments = bf->programs = NULL;
    bf->nsections = bf->nsegments = bf->nprograms = 0;
    bf->sections_cap = bf->segments_cap = bf->programs_cap = 0;
}

const vg_binfmt_region *vg_binfmt_section(const vg_binfmt *bf, const char *segment, const char *name)
{
    for (size_t i = 0; i < bf->nsections; i++) {
        const vg_binfmt_region *r = &bf->sections[i];
        if (strcmp(r->name, name) == 0 && (!segment || strcmp(r->segment, segment) == 0))
            return r;
    }
    return NULL;
}

int vg_binfmt_read_addr(const vg_binfmt *bf, uint64_t addr, void *buf, size_t len, size_t *got)
{
    *got = 0;
    const vg_binfmt_region *list = bf->kind == VG_BINFMT_PE ? bf->sections : bf->segments;
    size_t n = bf->kind == VG_BINFMT_PE ? bf->nsections : bf->nsegments;
    for (size_t i = 0; i < n; i++) {
        const vg_binfmt_region *r = &list[i];
        if (!r->file_size || addr < r->addr || addr - r->addr >= r->file_size)
            continue;
        if (bf->kind == VG_BINFMT_MACHO && strcmp(r->name, "__PAGEZERO") == 0)
            continue;
        uint64_t rel = addr - r->addr, avail = r->file_size - rel;
        size_t want = avail < len ? (size_t)avail : len;
        if (!in_file(bf->file->size, r->offset, r->file_size))
            return VG_ERR_FORMAT;
        int rc = vg_file_read_exact(bf->file, r->offset + rel, buf, want);
        if (rc)
            return rc;
        *got = want;
        return VG_OK;
    }
    return VG_ERR_NOT_FOUND;
}

int vg_binfmt_read_section(const vg_binfmt *bf, const vg_binfmt_region *r, size_t max, unsigned char **out,
                           size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (r->file_size > max)
        return VG_ERR_LIMIT;
    if (!in_file(bf->file->size, r->offset, r->file_size))
        return VG_ERR_FORMAT;
    size_t len = (size_t)r->file_size;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf)
        return VG_ERR_NOMEM;
    int rc = vg_file_read_exact(bf->file, r->offset, buf, len);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = len;
    return VG_OK;
}
