/*
 * rpmdb.c — reads the header blobs out of RPM package databases held in
 * memory, without librpm and without touching the disk (rpm.h).
 *
 * Formats:
 *  - SQLite (rpm >= 4.16, "rpmdb.sqlite"): table Packages(hnum, blob), read
 *    with sqlite3_deserialize() from a copy whose file-format bytes 18/19 are
 *    set to 1 (legacy journal) when the file is in WAL mode, because an
 *    in-memory database cannot use a write-ahead log (SQLite file format,
 *    sqlite.org/fileformat2.html, 1.3 "The Database Header").
 *  - ndb (rpm lib/backend/ndb/rpmpkg.c, "Packages.db"): a 32-byte header
 *    'RpmP' version 0, slot pages of 16-byte slots {'Slot', pkgidx, blkoff,
 *    blkcnt}, and blobs in 16-byte blocks framed by a 16-byte head {'BlbS',
 *    pkgidx, timestamp, length} and a 12-byte tail {adler32, length, 'BlbE'}
 *    at the end of the blob's blocks.  All little-endian.
 *  - Berkeley DB hash (Berkeley DB 4.x/5.x on-disk format, "Packages"): a
 *    hash metadata page (magic 0x061561, either byte order), hash pages
 *    (P_HASH 13, P_HASH_UNSORTED 2) of key/data item pairs, with big items
 *    in chains of overflow pages (P_OVERFLOW 7).  Key = 4-byte hnum, data =
 *    header blob.
 *
 * Left out: the ndb and BDB index files (Name, Basenames, ...), rpm's
 * legacy compressed ndb blobs (RPMPKG_LZO, never enabled in distributions),
 * the ndb adler32 checksum (rpm does not check it when reading either),
 * Berkeley DB btree files, duplicate-data and encrypted Berkeley DB files
 * (rpm never writes them) and the write-ahead log of an SQLite database
 * (the -wal file is a separate file; committed data is in the main file
 * after a checkpoint, which rpm performs when it closes the database).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/rpm.h"
#include "vigil/buf.h"

/* ---- SQLite ---------------------------------------------------------------- */

static const char sqlite_magic[16] = "SQLite format 3";

int vg_rpmdb_read_sqlite(vg_ctx *ctx, const char *path, const unsigned char *data, size_t size,
                         vg_rpmdb_blob_fn fn, void *arg)
{
    if (size < 100 || memcmp(data, sqlite_magic, sizeof sqlite_magic) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "not an SQLite 3 database");
    if ((uint64_t)size > (uint64_t)INT64_MAX)
        return vg_error(ctx, VG_ERR_LIMIT, "database too large");

    /* sqlite3_deserialize wants a buffer it may own; copy, and turn WAL mode
     * (bytes 18/19 = 2) into rollback mode so the memory VFS can open it. */
    unsigned char *copy = sqlite3_malloc64(size);
    if (!copy)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    memcpy(copy, data, size);
    if (copy[18] == 2)
        copy[18] = 1;
    if (copy[19] == 2)
        copy[19] = 1;

    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_free(copy);
        sqlite3_close(db);
        return vg_error(ctx, VG_ERR_NOMEM, "cannot open an in-memory SQLite database");
    }
    /* The file is hostile: no triggers or views from its schema may run,
     * and cell sizes are checked as pages are read. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_exec(db, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);
    int src = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)size, (sqlite3_int64)size,
                                  SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (src != SQLITE_OK) {
        /* On failure sqlite3_deserialize frees copy itself (FREEONCLOSE). */
        sqlite3_close(db);
        return src == SQLITE_NOMEM ? vg_error(ctx, VG_ERR_NOMEM, "out of memory")
                                   : vg_error(ctx, VG_ERR_FORMAT, "not a readable SQLite database");
    }

    sqlite3_stmt *stmt = NULL;
    int rc = VG_OK;
    if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &stmt, NULL) != SQLITE_OK) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "no readable Packages table: %s", sqlite3_errmsg(db));
        goto done;
    }
    for (;;) {
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            if (step == SQLITE_NOMEM)
                rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
            else
                vg_warn(ctx, path, "reading the Packages table stopped: %s", sqlite3_errmsg(db));
            break;
        }
        sqlite3_int64 hnum = sqlite3_column_int64(stmt, 0);
        if (sqlite3_column_type(stmt, 1) != SQLITE_BLOB) {
            vg_warn(ctx, path, "record %lld: blob is not a BLOB", (long long)hnum);
            continue;
        }
        const unsigned char *blob = sqlite3_column_blob(stmt, 1);
        int len = sqlite3_column_bytes(stmt, 1);
        if (!blob || len <= 0) {
            vg_warn(ctx, path, "record %lld: empty header blob", (long long)hnum);
            continue;
        }
        if ((rc = fn(arg, (uint32_t)hnum, blob, (size_t)len)) != VG_OK)
            break;
    }
done:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rc;
}

/* ---- ndb ------------------------------------------------------------------- */

#define NDB_HEADER_SIZE 32
#define NDB_SLOT_SIZE 16
#define NDB_BLK_SIZE 16
#define NDB_PAGE_SIZE 4096
#define NDB_BLOBHEAD_SIZE 16
#define NDB_BLOBTAIL_SIZE 12

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int vg_rpmdb_read_ndb(vg_ctx *ctx, const char *path, const unsigned char *data, size_t size,
                      vg_rpmdb_blob_fn fn, void *arg)
{
    if (size < NDB_HEADER_SIZE || memcmp(data, "RpmP", 4) != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "not an rpm ndb database (no 'RpmP' magic)");
    uint32_t version = le32(data + 4);
    if (version != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "ndb version %u is not 0", version);
    uint32_t slotnpages = le32(data + 12);
    if (slotnpages == 0 || (uint64_t)slotnpages * NDB_PAGE_SIZE > size)
        return vg_error(ctx, VG_ERR_FORMAT, "%u slot pages do not fit in %zu bytes", slotnpages, size);
    uint64_t fileblks = size / NDB_BLK_SIZE;
    uint64_t minblkoff = (uint64_t)slotnpages * (NDB_PAGE_SIZE / NDB_BLK_SIZE);
    size_t slots_end = (size_t)slotnpages * NDB_PAGE_SIZE;

    /* Like rpm, a slot without its magic makes the whole slot table (and so
     * the database) untrustworthy. */
    for (size_t o = NDB_HEADER_SIZE; o < slots_end; o += NDB_SLOT_SIZE)
        if (memcmp(data + o, "Slot", 4) != 0)
            return vg_error(ctx, VG_ERR_FORMAT, "slot %zu has no 'Slot' magic", o / NDB_SLOT_SIZE);

    if (size % NDB_BLK_SIZE)
        vg_warn(ctx, path, "size %zu is not a multiple of %d: truncated?", size, NDB_BLK_SIZE);
    for (size_t o = NDB_HEADER_SIZE; o < slots_end; o += NDB_SLOT_SIZE) {
        uint32_t pkgidx = le32(data + o + 4), blkoff = le32(data + o + 8), blkcnt = le32(data + o + 12);
        if (blkoff == 0)
            continue; /* free slot */
        if (pkgidx == 0 || blkoff < minblkoff) {
            vg_warn(ctx, path, "slot %zu: invalid entry (package %u at block %u)", o / NDB_SLOT_SIZE,
                    pkgidx, blkoff);
            continue;
        }
        if ((uint64_t)blkoff + blkcnt > fileblks) {
            vg_warn(ctx, path, "record %u: blob at block %u (%u blocks) lies past the end of the file",
                    pkgidx, blkoff, blkcnt);
            continue;
        }
        if ((uint64_t)blkcnt * NDB_BLK_SIZE < NDB_BLOBHEAD_SIZE + NDB_BLOBTAIL_SIZE) {
            vg_warn(ctx, path, "record %u: blob of %u blocks is too short", pkgidx, blkcnt);
            continue;
        }
        const unsigned char *head = data + (size_t)blkoff * NDB_BLK_SIZE;
        size_t area = (size_t)blkcnt * NDB_BLK_SIZE;
        const unsigned char *tail = head + area - NDB_BLOBTAIL_SIZE;
        uint32_t bloblen = le32(head + 12);
        if (memcmp(head, "BlbS", 4) != 0 || le32(head + 4) != pkgidx) {
            vg_warn(ctx, path, "record %u: no blob header at block %u", pkgidx, blkoff);
            continue;
        }
        if ((uint64_t)NDB_BLOBHEAD_SIZE + bloblen + NDB_BLOBTAIL_SIZE > area ||
            ((uint64_t)NDB_BLOBHEAD_SIZE + bloblen + NDB_BLOBTAIL_SIZE + NDB_BLK_SIZE - 1) / NDB_BLK_SIZE != blkcnt) {
            vg_warn(ctx, path, "record %u: blob length %u does not match its %u blocks", pkgidx,
                    bloblen, blkcnt);
            continue;
        }
        if (memcmp(tail + 8, "BlbE", 4) != 0 || le32(tail + 4) != bloblen) {
            vg_warn(ctx, path, "record %u: blob trailer is missing or does not match", pkgidx);
            continue;
        }
        int rc = fn(arg, pkgidx, head + NDB_BLOBHEAD_SIZE, bloblen);
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

/* ---- Berkeley DB hash ------------------------------------------------------ */

#define BDB_HASH_MAGIC 0x061561u
#define BDB_BTREE_MAGIC 0x053162u
#define BDB_PAGE_HEADER 26
#define BDB_P_HASH_UNSORTED 2
#define BDB_P_OVERFLOW 7
#define BDB_P_HASHMETA 8
#define BDB_P_HASH 13
#define BDB_H_KEYDATA 1
#define BDB_H_DUPLICATE 2
#define BDB_H_OFFPAGE 3
#define BDB_H_OFFDUP 4

typedef struct bdb_file {
    vg_ctx *ctx;
    const char *path;
    const unsigned char *data;
    size_t pagesize;
    size_t npages;  /* whole pages in data */
    int big_endian; /* byte order of the file's own fields */
} bdb_file;

static uint32_t bdb32(const bdb_file *f, const unsigned char *p)
{
    return f->big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                         : le32(p);
}

static uint16_t bdb16(const bdb_file *f, const unsigned char *p)
{
    return f->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

/* Collects an item of tlen bytes from the chain of overflow pages that
 * starts at pgno into buf.  Returns VG_OK, VG_ERR_NOMEM, or VG_ERR_FORMAT
 * with ctx->message set. */
static int bdb_read_overflow(const bdb_file *f, uint32_t pgno, uint32_t tlen, vg_buf *buf)
{
    vg_buf_reset(buf);
    /* Each page visited must add bytes, so the chain cannot loop longer
     * than there are pages. */
    for (size_t hops = 0; buf->len < tlen; hops++) {
        if (pgno == 0 || pgno >= f->npages || hops >= f->npages)
            return vg_error(f->ctx, VG_ERR_FORMAT, "overflow chain leads to page %u of %zu", pgno, f->npages);
        const unsigned char *page = f->data + (size_t)pgno * f->pagesize;
        if (page[25] != BDB_P_OVERFLOW)
            return vg_error(f->ctx, VG_ERR_FORMAT, "page %u is of type %u, not an overflow page", pgno, page[25]);
        size_t used = bdb16(f, page + 22); /* hf_offset: bytes of data on this page */
        if (used == 0 || used > f->pagesize - BDB_PAGE_HEADER || used > tlen - buf->len)
            return vg_error(f->ctx, VG_ERR_FORMAT, "overflow page %u holds %zu bytes, which does not fit", pgno, used);
        int rc = vg_buf_add(buf, page + BDB_PAGE_HEADER, used);
        if (rc != VG_OK)
            return rc == VG_ERR_NOMEM ? vg_error(f->ctx, rc, "out of memory")
                                      : vg_error(f->ctx, rc, "overflow item larger than %u bytes", tlen);
        pgno = bdb32(f, page + 16); /* next_pgno */
    }
    return VG_OK;
}

/* Reads the key/data pairs of one hash page. */
static int bdb_read_hash_page(const bdb_file *f, size_t pgno, vg_buf *buf, vg_rpmdb_blob_fn fn, void *arg)
{
    const unsigned char *page = f->data + pgno * f->pagesize;
    size_t entries = bdb16(f, page + 20);
    if (BDB_PAGE_HEADER + 2 * entries > f->pagesize) {
        vg_warn(f->ctx, f->path, "hash page %zu claims %zu entries, more than fit", pgno, entries);
        return VG_OK;
    }
    size_t index_end = BDB_PAGE_HEADER + 2 * entries;
    /* Items are packed from the end of the page downwards: item i ends where
     * item i-1 starts (item 0 ends at the end of the page). */
    size_t prev = f->pagesize;
    for (size_t i = 0; i + 1 < entries; i += 2) {
        size_t koff = bdb16(f, page + BDB_PAGE_HEADER + 2 * i);
        size_t doff = bdb16(f, page + BDB_PAGE_HEADER + 2 * (i + 1));
        size_t kend = prev, dend = koff;
        prev = doff;
        if (koff < index_end || koff >= kend || doff < index_end || doff >= dend) {
            vg_warn(f->ctx, f->path, "hash page %zu: item %zu lies outside its page", pgno, i / 2);
            return VG_OK; /* later offsets of this page cannot be trusted */
        }
        const unsigned char *key = page + koff, *item = page + doff;
        size_t klen = kend - koff, dlen = dend - doff;
        if (key[0] != BDB_H_KEYDATA || klen != 5) {
            vg_warn(f->ctx, f->path, "hash page %zu: item %zu has no 4-byte package number key", pgno, i / 2);
            continue;
        }
        uint32_t hnum = bdb32(f, key + 1);
        if (hnum == 0)
            continue; /* rpm's record 0 holds the next package number, not a header */
        int rc;
        if (item[0] == BDB_H_KEYDATA) {
            rc = fn(arg, hnum, item + 1, dlen - 1);
        } else if (item[0] == BDB_H_OFFPAGE && dlen >= 12) {
            uint32_t opgno = bdb32(f, item + 4), tlen = bdb32(f, item + 8);
            if (tlen > 8 + (uint64_t)VG_RPM_HEADER_MAX_TAGS * 16 + VG_RPM_HEADER_MAX_DATA) {
                vg_warn(f->ctx, f->path, "record %u: item of %u bytes is larger than any header", hnum, tlen);
                continue;
            }
            buf->max = tlen;
            rc = bdb_read_overflow(f, opgno, tlen, buf);
            if (rc == VG_ERR_FORMAT) {
                vg_warn(f->ctx, f->path, "record %u: %s", hnum, f->ctx->message);
                continue;
            }
            if (rc != VG_OK)
                return rc;
            rc = fn(arg, hnum, (const unsigned char *)buf->data, buf->len);
        } else {
            vg_warn(f->ctx, f->path, "record %u: unsupported item type %u", hnum, item[0]);
            continue;
        }
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

int vg_rpmdb_read_bdb(vg_ctx *ctx, const char *path, const unsigned char *data, size_t size,
                      vg_rpmdb_blob_fn fn, void *arg)
{
    if (size < 512)
        return vg_error(ctx, VG_ERR_FORMAT, "too short for a Berkeley DB file");
    bdb_file f = {ctx, path, data, 0, 0, 0};
    if (le32(data + 12) == BDB_HASH_MAGIC)
        f.big_endian = 0;
    else if (bdb32(&(bdb_file){.big_endian = 1}, data + 12) == BDB_HASH_MAGIC)
        f.big_endian = 1;
    else if (le32(data + 12) == BDB_BTREE_MAGIC)
        return vg_error(ctx, VG_ERR_FORMAT, "a Berkeley DB btree, not the hash database rpm writes");
    else
        return vg_error(ctx, VG_ERR_FORMAT, "not a Berkeley DB hash database (no magic)");
    f.pagesize = bdb32(&f, data + 20);
    if (f.pagesize < 512 || f.pagesize > 65536 || (f.pagesize & (f.pagesize - 1)))
        return vg_error(ctx, VG_ERR_FORMAT, "page size %zu is not a power of two in 512..65536", f.pagesize);
    if (data[25] != BDB_P_HASHMETA)
        return vg_error(ctx, VG_ERR_FORMAT, "page 0 is of type %u, not hash metadata", data[25]);
    if (data[24] != 0)
        return vg_error(ctx, VG_ERR_FORMAT, "encrypted Berkeley DB files are not supported");
    f.npages = size / f.pagesize;
    uint32_t last_pgno = bdb32(&f, data + 32);
    if (size % f.pagesize || last_pgno >= f.npages)
        vg_warn(ctx, path, "truncated: %zu bytes, but the last page is %u of %zu bytes", size,
                last_pgno, f.pagesize);

    vg_buf buf;
    vg_buf_init(&buf, 0);
    int rc = VG_OK;
    for (size_t pgno = 1; pgno < f.npages && rc == VG_OK; pgno++) {
        unsigned char type = data[pgno * f.pagesize + 25];
        if (type == BDB_P_HASH || type == BDB_P_HASH_UNSORTED)
            rc = bdb_read_hash_page(&f, pgno, &buf, fn, arg);
    }
    vg_buf_free(&buf);
    return rc;
}
