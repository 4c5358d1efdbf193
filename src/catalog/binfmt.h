/*
 * binfmt.h — a bounded reader of the headers of executable files, shared by
 * the catalogers that look for build information inside binaries (golang.c:
 * Go build info; cargo.c: cargo-auditable's .dep-v0 section).
 *
 * Formats: ELF (System V ABI gABI 4.1 / ELF-64 Object File Format 1.5,
 * 32- and 64-bit, both byte orders, extended section numbering); Mach-O
 * (Apple <mach-o/loader.h>: 32- and 64-bit, both byte orders, LC_SEGMENT
 * and LC_SEGMENT_64 with their sections) and universal ("fat") files
 * (<mach-o/fat.h>, FAT_MAGIC and FAT_MAGIC_64: the first architecture is
 * read); PE/COFF (Microsoft PE Format: PE32 and PE32+, section table, long
 * section names "/N" from the COFF string table).
 *
 * Everything is read through vg_file.read_at: only the headers, the tables
 * and whatever section the caller then asks for; never the whole file.
 * For ELF the file type, the machine and every program header are kept as
 * well (the hardening collector, src/collect/binaries.c, reads the dynamic
 * section, the dynamic symbols and the notes they locate).
 * Every count, offset and size is checked against the file size and against
 * fixed limits before it is used.
 *
 * Left out: relocations; symbols and dynamic sections are located, not
 * read (src/collect/binaries.c reads them); compressed ELF sections
 * (SHF_COMPRESSED), Mach-O slices after the first of a universal file,
 * XCOFF and Plan 9 a.out (Go reads them; vigil does not).
 */
#ifndef VIGIL_CATALOG_BINFMT_H
#define VIGIL_CATALOG_BINFMT_H

#include <stddef.h>
#include <stdint.h>
#include "vigil/catalog.h"

#define VG_BINFMT_MAX_REGIONS 8192 /* sections (and segments) kept per file */

typedef enum vg_binfmt_kind {
    VG_BINFMT_ELF = 1,
    VG_BINFMT_MACHO,
    VG_BINFMT_PE,
} vg_binfmt_kind;

/* A section or a segment.  Names longer than the field are stored empty, so
 * that they never match a name looked up. */
typedef struct vg_binfmt_region {
    char segment[17];   /* Mach-O: the section's segment name; "" otherwise */
    char name[32];      /* section (or Mach-O segment) name */
    uint64_t addr;      /* virtual address; PE: ImageBase + VirtualAddress */
    uint64_t size;      /* bytes in memory */
    uint64_t offset;    /* where its bytes start in the file (absolute) */
    uint64_t file_size; /* bytes present in the file (0: NOBITS, zerofill) */
    uint32_t flags;     /* ELF: sh_flags / p_flags; Mach-O segment:
                           initprot | maxprot << 8; PE: Characteristics */
    uint32_t type;      /* ELF: sh_type / p_type; 0 otherwise */
    uint32_t link;      /* ELF sections: sh_link; 0 otherwise */
    uint64_t entsize;   /* ELF sections: sh_entsize; 0 otherwise */
    uint64_t align;     /* ELF: sh_addralign / p_align; 0 otherwise */
} vg_binfmt_region;

typedef struct vg_binfmt {
    vg_binfmt_kind kind;
    int big_endian;
    int ptr_size;                /* 4 or 8 */
    const vg_file *file;
    vg_binfmt_region *sections;  /* malloc'd; in file order */
    size_t nsections;
    vg_binfmt_region *segments;  /* ELF PT_LOAD, Mach-O segments; none for PE */
    size_t nsegments;
    vg_binfmt_region *programs;  /* ELF: every program header, in file order
                                    (PT_LOAD ones too); none otherwise */
    size_t nprograms;
    size_t sections_cap, segments_cap, programs_cap;
    uint16_t elf_type;           /* ELF: e_type (ET_EXEC 2, ET_DYN 3, ...) */
    uint16_t elf_machine;        /* ELF: e_machine (EM_X86_64 62, ...) */
} vg_binfmt;

/* Integers of the file's byte order (big: nonzero for big-endian) at p. */
static inline uint16_t vg_binfmt_get16(const unsigned char *p, int big)
{
    return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t vg_binfmt_get32(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t vg_binfmt_get64(const unsigned char *p, int big)
{
    return big ? (uint64_t)vg_binfmt_get32(p, 1) << 32 | vg_binfmt_get32(p + 4, 1)
               : (uint64_t)vg_binfmt_get32(p + 4, 0) << 32 | vg_binfmt_get32(p, 0);
}

/* A word of size bytes (4 or 8: the ELF class) at p. */
static inline uint64_t vg_binfmt_getword(const unsigned char *p, int big, int size)
{
    return size == 8 ? vg_binfmt_get64(p, big) : vg_binfmt_get32(p, big);
}

/* Cheap test of the first bytes: the kind of binary they start, or 0.
 * head holds the first len bytes of the file (16 are enough). */
vg_binfmt_kind vg_binfmt_sniff(const unsigned char *head, size_t len);

/* Reads the headers of file into *bf (which the caller provides).
 * Returns VG_OK; VG_ERR_UNSUPPORTED when the file is not ELF, Mach-O or PE
 * (nothing to report); VG_ERR_FORMAT or VG_ERR_LIMIT with ctx->message
 * "PATH: what is wrong" when the headers are truncated or lie; VG_ERR_IO;
 * VG_ERR_NOMEM.  On every status, vg_binfmt_close() may be called. */
int vg_binfmt_open(vg_ctx *ctx, vg_binfmt *bf, const vg_file *file);
void vg_binfmt_close(vg_binfmt *bf);

/* The first section called name (and, for Mach-O, in segment segment; NULL
 * matches any segment), or NULL.  Borrowed from bf. */
const vg_binfmt_region *vg_binfmt_section(const vg_binfmt *bf, const char *segment, const char *name);

/* Copies up to len bytes from virtual address addr into buf, stopping at
 * the end of the file data of the segment (ELF, Mach-O) or section (PE)
 * that holds addr; *got says how many.  VG_OK (also when *got < len),
 * VG_ERR_NOT_FOUND when no region holds addr, VG_ERR_FORMAT when the file
 * is shorter than its headers say, VG_ERR_IO. */
int vg_binfmt_read_addr(const vg_binfmt *bf, uint64_t addr, void *buf, size_t len, size_t *got);

/* The file data of section r (at most max bytes) in a malloc'd buffer the
 * caller frees.  VG_OK; VG_ERR_LIMIT when it is bigger than max;
 * VG_ERR_FORMAT when it lies outside the file; VG_ERR_IO; VG_ERR_NOMEM. */
int vg_binfmt_read_section(const vg_binfmt *bf, const vg_binfmt_region *r, size_t max, unsigned char **out,
                           size_t *outlen);

/* Exactly len bytes at offset of file: VG_OK, VG_ERR_FORMAT (the file
 * ends before) or VG_ERR_IO. */
int vg_file_read_exact(const vg_file *file, uint64_t offset, void *buf, size_t len);

/* The whole content of a small file (at most max bytes), NUL-terminated:
 * file->data when the source loaded it (*to_free = NULL), otherwise a copy
 * read through read_at that the caller frees with free(*to_free).
 * VG_OK, VG_ERR_LIMIT (bigger than max), VG_ERR_FORMAT/IO, VG_ERR_NOMEM. */
int vg_file_load(const vg_file *file, size_t max, const unsigned char **out, size_t *outlen,
                 void **to_free);

#endif
