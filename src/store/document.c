/*
 * document.c — documents kept content-addressed: the exact bytes of an SBOM
 * or attestation, compressed with zstd (RFC 8878 frames, level 3: fast to
 * write, about a tenth of the size of CycloneDX JSON), stored once under
 * "sha256:" + the SHA-256 of the uncompressed bytes, and checked against
 * that digest whenever they are read back.
 *
 * Leaves out: dictionaries, other compressions.
 */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "store/store_internal.h"
#include "vigil/digest.h"

#define DOCUMENT_ZSTD_LEVEL 3

int store_document_put(vg_ctx *ctx, vg_store *store, const char *data, size_t len, const char *media_type,
                       char digest[72])
{
    if (len > VG_STORE_MAX_DOCUMENT)
        return vg_error(ctx, VG_ERR_LIMIT, "document of %zu bytes: larger than the %zu bytes a store keeps", len,
                        (size_t)VG_STORE_MAX_DOCUMENT);
    vg_file_digest d;
    int rc = vg_digest_memory(ctx, data, len, VG_DIGEST_SHA256, &d);
    if (rc)
        return rc;
    snprintf(digest, 72, "sha256:%s", d.sha256);

    vg_db_stmt *st;
    if ((rc = store_prepare_cached(ctx, store, "SELECT 1 FROM document WHERE digest = ?", &st)) != VG_OK)
        return rc;
    vg_db_bind_text(st, 1, digest);
    rc = vg_db_step(ctx, st);
    vg_db_reset(st);
    if (rc == VG_DB_ROW)
        return VG_OK; /* kept already */
    if (rc != VG_DB_DONE)
        return rc;

    size_t bound = ZSTD_compressBound(len);
    void *z = malloc(bound ? bound : 1);
    if (!z)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory compressing a document of %zu bytes", len);
    size_t zlen = ZSTD_compress(z, bound, data, len, DOCUMENT_ZSTD_LEVEL);
    if (ZSTD_isError(zlen)) {
        free(z);
        return vg_error(ctx, VG_ERR_NOMEM, "compressing a document: %s", ZSTD_getErrorName(zlen));
    }
    rc = store_prepare_cached(ctx, store,
                       "INSERT INTO document(digest, media_type, size, compression, data) VALUES (?, ?, ?, 'zstd', ?)"
                       " ON CONFLICT(digest) DO NOTHING",
                       &st);
    if (rc == VG_OK) {
        vg_db_bind_text(st, 1, digest);
        vg_db_bind_text(st, 2, media_type ? media_type : "application/octet-stream");
        vg_db_bind_int(st, 3, (int64_t)len);
        vg_db_bind_blob(st, 4, z, zlen);
        rc = store_run(ctx, st);
        vg_db_reset(st);
    }
    free(z);
    return rc;
}

int store_document_get(vg_ctx *ctx, vg_store *store, const char *digest, vg_buf *out, char *media_type,
                       size_t media_type_size)
{
    vg_buf_init(out, VG_STORE_MAX_DOCUMENT);
    vg_db_stmt *st;
    int rc = store_prepare(ctx, store, "SELECT media_type, size, compression, data FROM document WHERE digest = ?", &st);
    if (rc)
        return rc;
    vg_db_bind_text(st, 1, digest);
    rc = vg_db_step(ctx, st);
    if (rc != VG_DB_ROW) {
        vg_db_finalize(st);
        return rc == VG_DB_DONE ? vg_error(ctx, VG_ERR_NOT_FOUND, "%s: document %s is not in the store",
                                           vg_db_name(store->db), digest)
                                : rc;
    }
    if (media_type)
        snprintf(media_type, media_type_size, "%s", vg_db_column_text(st, 0));
    int64_t size = vg_db_column_int(st, 1);
    const char *compression = vg_db_column_text(st, 2);
    size_t zlen;
    const void *z = vg_db_column_blob(st, 3, &zlen);
    /* The row may have been altered: check what it says before trusting it
     * with an allocation; a frame that states its size (ZSTD_compress()
     * always does) must state this one. */
    unsigned long long framed = z && zlen ? ZSTD_getFrameContentSize(z, zlen) : ZSTD_CONTENTSIZE_ERROR;
    rc = VG_OK;
    if (size < 0 || (uint64_t)size > VG_STORE_MAX_DOCUMENT)
        rc = vg_error(ctx, VG_ERR_FORMAT,
                      "%s: document %s: its recorded size, %lld bytes, is impossible: the store was altered",
                      vg_db_name(store->db), digest, (long long)size);
    else if (!compression || strcmp(compression, "zstd") != 0)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: document %s: compression %s is not one this vigil reads (zstd)",
                      vg_db_name(store->db), digest, compression ? compression : "(none)");
    else if (framed == ZSTD_CONTENTSIZE_ERROR || (framed != ZSTD_CONTENTSIZE_UNKNOWN && framed != (uint64_t)size))
        rc = vg_error(ctx, VG_ERR_DIGEST, "%s: document %s is damaged: its data is not the zstd frame of %lld bytes "
                      "it should be: the store was altered", vg_db_name(store->db), digest, (long long)size);
    else if ((rc = vg_buf_reserve(out, (size_t)size)) != VG_OK)
        rc = vg_error(ctx, rc, "out of memory reading document %s", digest);
    if (rc == VG_OK) {
        size_t got = ZSTD_decompress(out->data, (size_t)size, z, zlen);
        if (ZSTD_isError(got) || got != (size_t)size)
            rc = vg_error(ctx, VG_ERR_DIGEST, "%s: document %s is damaged (%s)", vg_db_name(store->db), digest,
                          ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong size");
        else
            out->len = got, out->data[got] = '\0';
    }
    vg_db_finalize(st);
    if (rc == VG_OK) {
        vg_file_digest d;
        if ((rc = vg_digest_memory(ctx, out->data, out->len, VG_DIGEST_SHA256, &d)) == VG_OK &&
            (strncmp(digest, "sha256:", 7) != 0 || strcmp(digest + 7, d.sha256) != 0))
            rc = vg_error(ctx, VG_ERR_DIGEST, "%s: document %s does not match its digest (sha256:%s): the store was "
                          "altered", vg_db_name(store->db), digest, d.sha256);
    }
    if (rc)
        vg_buf_free(out);
    return rc;
}
