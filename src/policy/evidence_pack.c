/*
 * evidence_pack.c — the evidence pack of a policy run
 * (include/vigil/policy_report.h; docs/policy.md, "The evidence pack"):
 *
 *   index.html                  the report (pack_report.c)
 *   results.json                the results document, as `-o json` writes it
 *   evidence/SHA256-NAME        each evidence file, byte for byte; a document
 *                               that has no file (from the store) as the
 *                               canonical JSON of its data (compact, keys
 *                               sorted); NAME is the file's name (or the
 *                               document's id and kind), the SHA-256 prefix
 *                               keeps two files of one name apart
 *   SHA256SUMS                  every file above, as sha256sum(1) -c reads it
 *   attestation.sigstore.json   with a key: an in-toto Statement v1 whose
 *                               subjects are every file above with its
 *                               SHA-256, predicate type
 *                               VG_EVIDENCE_PACK_PREDICATE, in a Sigstore
 *                               bundle (src/attest)
 *
 * written as a directory (made beside it, renamed into place) or a zip
 * archive (libarchive; deterministic: entries in name order, dated at the
 * run's time, mode 0644).  Verifying a pack reads the directory or the zip
 * archive (its central directory, as unzip does), checks the bundle and then
 * that the pack holds exactly the statement's subjects with their digests.
 *
 * Leaves out: streaming (a pack is made in memory, each file at most
 * VG_EVIDENCE_PACK_MAX_FILE bytes), zip64 output past 4 GiB, and packs
 * whose files are links (a link is reported, never followed).
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/pack_internal.h"
#include "source/input_file.h"
#include "vigil/digest.h"
#include "vigil/io.h"
#include "vigil/policy.h"
#include "vigil/policy_report.h"

#define PACK_MAX_NAME 1024  /* bytes of a file's name in the pack */
#define PACK_MAX_DEPTH 16   /* directories in a pack's directory */
#define PACK_MAX_BASENAME 100

typedef struct pack_file {
    char *name;
    vg_buf data;
    char sha256[VG_SHA256_HEX_LEN + 1];
} pack_file;

struct vg_evidence_pack {
    pack_file *files;
    size_t n, cap;
    size_t total; /* bytes of all files */
    int64_t time; /* the run's time */
};

static const char *member(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void vg_evidence_pack_free(vg_evidence_pack *pack)
{
    if (!pack)
        return;
    for (size_t i = 0; i < pack->n; i++) {
        free(pack->files[i].name);
        vg_buf_free(&pack->files[i].data);
    }
    free(pack->files);
    free(pack);
}

static pack_file *find_file(const vg_evidence_pack *pack, const char *name)
{
    for (size_t i = 0; i < pack->n; i++)
        if (strcmp(pack->files[i].name, name) == 0)
            return &pack->files[i];
    return NULL;
}

/* Adds the file name with the bytes in *data (taken over: *data is emptied). */
static int add_file(vg_ctx *ctx, vg_evidence_pack *pack, const char *name, vg_buf *data)
{
    if (pack->n >= VG_EVIDENCE_PACK_MAX_FILES)
        return vg_error(ctx, VG_ERR_LIMIT, "more than %d files in the evidence pack", VG_EVIDENCE_PACK_MAX_FILES);
    if (data->len > VG_EVIDENCE_PACK_MAX_TOTAL - pack->total)
        return vg_error(ctx, VG_ERR_LIMIT, "the evidence pack would be larger than %zu bytes",
                        (size_t)VG_EVIDENCE_PACK_MAX_TOTAL);
    if (pack->n == pack->cap) {
        size_t cap = pack->cap ? 2 * pack->cap : 16;
        pack_file *f = realloc(pack->files, cap * sizeof *f);
        if (!f)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        pack->files = f;
        pack->cap = cap;
    }
    pack_file *f = &pack->files[pack->n];
    vg_file_digest d;
    int rc = vg_digest_memory(ctx, data->data ? data->data : "", data->len, VG_DIGEST_SHA256, &d);
    if (rc)
        return rc;
    if (!(f->name = strdup(name)))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    memcpy(f->sha256, d.sha256, sizeof f->sha256);
    f->data = *data;
    vg_buf_init(data, 0);
    pack->total += f->data.len;
    pack->n++;
    return VG_OK;
}

/* The part of a pack file's name that comes from its source: the
 * characters [A-Za-z0-9._-] of s, others as '_', at most
 * PACK_MAX_BASENAME, never starting with '.'. */
static void safe_name(char *out, size_t size, const char *s)
{
    size_t n = 0;
    if (*s == '.' && n + 1 < size)
        out[n++] = '_';
    for (; *s && n + 1 < size && n < PACK_MAX_BASENAME; s++) {
        char c = *s;
        out[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || c == '-'
                       ? c
                       : '_';
    }
    out[n] = '\0';
}

static const json_t *document_of(const json_t *documents, const char *id)
{
    size_t i;
    json_t *d;
    json_array_foreach((json_t *)documents, i, d) if (member(d, "id") && strcmp(member(d, "id"), id) == 0) return d;
    return NULL;
}

/* The bytes of one evidence document into *bytes and the name its file gets
 * in the pack into name. */
static int evidence_bytes(vg_ctx *ctx, const json_t *ev, const json_t *documents, vg_buf *bytes, char *name,
                          size_t size)
{
    const char *id = member(ev, "id") ? member(ev, "id") : "?", *path = member(ev, "path");
    const char *recorded = member(ev, "sha256");
    char base[PACK_MAX_BASENAME + 2];
    vg_file_digest d;
    int rc;
    if (path && *path) {
        if ((rc = vg_input_read_file(ctx, path, "evidence file", VG_EVIDENCE_PACK_MAX_FILE, bytes)))
            return vg_error(ctx, rc, "%s (evidence %s)", ctx->message, id);
        if ((rc = vg_digest_memory(ctx, bytes->data ? bytes->data : "", bytes->len, VG_DIGEST_SHA256, &d)))
            return rc;
        if (recorded && strcmp(recorded, d.sha256) != 0)
            return vg_error(ctx, VG_ERR_DIGEST, "%s: the evidence file changed since the run read it (sha256 %s, "
                            "the results record %s): run vigil policy eval again", path, d.sha256, recorded);
        const char *slash = strrchr(path, '/');
        safe_name(base, sizeof base, slash ? slash + 1 : path);
    } else {
        const json_t *doc = document_of(documents, id), *data = json_object_get(doc, "data");
        if (!data)
            return vg_error(ctx, VG_ERR_USAGE, "evidence %s (kind %s) has no file, and its data was not given to "
                            "the evidence pack", id, member(ev, "kind") ? member(ev, "kind") : "?");
        char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        vg_buf_init(bytes, VG_EVIDENCE_PACK_MAX_FILE);
        rc = text ? vg_buf_addstr(bytes, text) : VG_ERR_NOMEM;
        free(text);
        if (rc)
            return vg_error(ctx, rc, "evidence %s: %s", id, rc == VG_ERR_LIMIT ? "too large" : "out of memory");
        if ((rc = vg_digest_memory(ctx, bytes->data, bytes->len, VG_DIGEST_SHA256, &d)))
            return rc;
        char label[200];
        snprintf(label, sizeof label, "%s-%s.json", id, member(ev, "kind") ? member(ev, "kind") : "document");
        safe_name(base, sizeof base, label);
    }
    snprintf(name, size, "evidence/%s-%s", d.sha256, *base ? base : "document");
    return VG_OK;
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const pack_file *)a)->name, ((const pack_file *)b)->name);
}

/* SHA256SUMS: "HEX  NAME" per file, as sha256sum(1) writes it. */
static int add_sums(vg_ctx *ctx, vg_evidence_pack *pack)
{
    vg_buf sums;
    vg_buf_init(&sums, VG_EVIDENCE_PACK_MAX_FILE);
    int rc = VG_OK;
    for (size_t i = 0; rc == VG_OK && i < pack->n; i++)
        rc = vg_buf_addf(&sums, "%s  %s\n", pack->files[i].sha256, pack->files[i].name);
    if (rc == VG_OK)
        rc = add_file(ctx, pack, "SHA256SUMS", &sums);
    else
        rc = vg_error(ctx, rc, "out of memory writing SHA256SUMS");
    vg_buf_free(&sums);
    return rc;
}

/* The statement's predicate: what the pack is and which file is what. */
static int add_attestation(vg_ctx *ctx, vg_evidence_pack *pack, const json_t *doc, const json_t *files,
                           const vg_key *key)
{
    json_t *summary = json_object_get(doc, "summary"), *reqs = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "requirements"), i, r) {
        if (reqs && member(r, "id"))
            json_array_append_new(reqs, json_pack("{ssss}", "id", member(r, "id"), "status",
                                                  member(r, "status") ? member(r, "status") : ""));
    }
    json_t *predicate = json_pack("{s{ssss}sssssssssOsOsO}", "tool", "name", "vigil", "version",
                                  member(json_object_get(doc, "tool"), "version")
                                      ? member(json_object_get(doc, "tool"), "version")
                                      : "",
                                  "time", member(doc, "time") ? member(doc, "time") : "", "results", "results.json",
                                  "report", "index.html", "manifest", "SHA256SUMS", "summary",
                                  summary ? summary : json_null(), "requirements", reqs ? reqs : json_null(), "files",
                                  files);
    json_decref(reqs);
    char *text = predicate ? json_dumps(predicate, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(predicate);
    vg_attest_subject *subjects = calloc(pack->n ? pack->n : 1, sizeof *subjects);
    if (!text || !subjects) {
        free(text);
        free(subjects);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < pack->n; i++)
        subjects[i] = (vg_attest_subject){pack->files[i].name, pack->files[i].sha256, NULL};
    vg_buf bundle;
    vg_buf_init(&bundle, VG_ATTEST_MAX_DOCUMENT);
    int rc = vg_attest_bundle(ctx, key, VG_EVIDENCE_PACK_PREDICATE, text, strlen(text), subjects, pack->n,
                              VG_ATTEST_BUNDLE, &bundle);
    if (rc == VG_OK)
        rc = add_file(ctx, pack, VG_EVIDENCE_PACK_BUNDLE, &bundle);
    vg_buf_free(&bundle);
    free(text);
    free(subjects);
    return rc;
}

int vg_evidence_pack_build(vg_ctx *ctx, const json_t *doc, const vg_evidence_pack_options *o,
                           vg_evidence_pack **out)
{
    *out = NULL;
    if (!json_is_object(doc) || !json_is_array(json_object_get(doc, "results")))
        return vg_error(ctx, VG_ERR_USAGE, "the evidence pack needs a policy results document");
    vg_evidence_pack *pack = calloc(1, sizeof *pack);
    json_t *files = json_array();
    if (!pack || !files) {
        free(pack);
        json_decref(files);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    int rc = VG_OK;
    if (!member(doc, "time") || vg_policy_parse_time(member(doc, "time"), &pack->time) != 0)
        pack->time = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(doc, "evidence"), i, ev) {
        char name[PACK_MAX_NAME];
        vg_buf bytes;
        vg_buf_init(&bytes, 0);
        if (rc || (rc = evidence_bytes(ctx, ev, o ? o->documents : NULL, &bytes, name, sizeof name))) {
            vg_buf_free(&bytes);
            break;
        }
        /* The same bytes under the same name are one file. */
        if (!find_file(pack, name))
            rc = add_file(ctx, pack, name, &bytes);
        const pack_file *f = rc ? NULL : find_file(pack, name);
        vg_buf_free(&bytes);
        if (f && json_array_append_new(files, json_pack("{sssssIssssssss*ss*}", "path", f->name, "sha256", f->sha256,
                                                        "size", (json_int_t)f->data.len, "role", "evidence",
                                                        "evidence", member(ev, "id") ? member(ev, "id") : "",
                                                        "kind", member(ev, "kind") ? member(ev, "kind") : "",
                                                        "source", member(ev, "path"), "recorded_sha256",
                                                        member(ev, "sha256"))))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    char *results = rc ? NULL : json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (rc == VG_OK && !results)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK) {
        size_t len = strlen(results);
        vg_buf b;
        vg_buf_init(&b, VG_EVIDENCE_PACK_MAX_FILE);
        rc = vg_buf_add(&b, results, len) || vg_buf_addc(&b, '\n') ? vg_error(ctx, VG_ERR_LIMIT, "results.json "
                                                                              "is too large")
                                                                   : add_file(ctx, pack, "results.json", &b);
        vg_buf_free(&b);
    }
    free(results);
    if (rc == VG_OK) {
        vg_buf html;
        vg_buf_init(&html, VG_EVIDENCE_PACK_MAX_FILE);
        rc = pack_report_html(ctx, doc, files, &html);
        if (rc == VG_OK)
            rc = add_file(ctx, pack, "index.html", &html);
        vg_buf_free(&html);
    }
    if (rc == VG_OK) {
        qsort(pack->files, pack->n, sizeof *pack->files, cmp_files);
        rc = add_sums(ctx, pack);
    }
    if (rc == VG_OK && o && o->key) {
        qsort(pack->files, pack->n, sizeof *pack->files, cmp_files);
        rc = add_attestation(ctx, pack, doc, files, o->key);
    }
    json_decref(files);
    if (rc) {
        vg_evidence_pack_free(pack);
        return rc;
    }
    qsort(pack->files, pack->n, sizeof *pack->files, cmp_files);
    *out = pack;
    return VG_OK;
}

/* ---- writing ------------------------------------------------------------------- */

static la_ssize_t zip_append(struct archive *a, void *arg, const void *data, size_t len)
{
    (void)a;
    return vg_buf_add(arg, data, len) == VG_OK ? (la_ssize_t)len : -1;
}

int vg_evidence_pack_zip(vg_ctx *ctx, const vg_evidence_pack *pack, vg_buf *out)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    if (!a || !e) {
        archive_write_free(a);
        archive_entry_free(e);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    int rc = VG_OK;
    if (archive_write_set_format_zip(a) != ARCHIVE_OK || archive_write_zip_set_compression_deflate(a) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open2(a, out, NULL, zip_append, NULL, NULL) != ARCHIVE_OK)
        rc = vg_error(ctx, VG_ERR_IO, "cannot start the zip archive: %s", archive_error_string(a));
    for (size_t i = 0; rc == VG_OK && i < pack->n; i++) {
        const pack_file *f = &pack->files[i];
        archive_entry_clear(e);
        archive_entry_set_pathname(e, f->name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)f->data.len);
        archive_entry_set_mtime(e, (time_t)pack->time, 0);
        if (archive_write_header(a, e) != ARCHIVE_OK) {
            rc = vg_error(ctx, VG_ERR_IO, "zip archive: %s: %s", f->name, archive_error_string(a));
            break;
        }
        for (size_t done = 0; rc == VG_OK && done < f->data.len;) {
            la_ssize_t w = archive_write_data(a, f->data.data + done, f->data.len - done);
            if (w <= 0)
                rc = vg_error(ctx, out->len >= out->max ? VG_ERR_LIMIT : VG_ERR_IO, "zip archive: %s: %s", f->name,
                              archive_error_string(a) ? archive_error_string(a) : "write failed");
            else
                done += (size_t)w;
        }
    }
    if (rc == VG_OK && archive_write_close(a) != ARCHIVE_OK)
        rc = vg_error(ctx, VG_ERR_IO, "zip archive: %s", archive_error_string(a));
    archive_entry_free(e);
    archive_write_free(a);
    return rc;
}

/* Removes what vg_evidence_pack_write_dir() made in tmp: the first made
 * files, evidence/ and tmp itself. */
static void remove_partial(const char *tmp, int fd, int evfd, const vg_evidence_pack *pack, size_t made)
{
    for (size_t i = 0; i < made; i++) {
        int in_evidence = strncmp(pack->files[i].name, "evidence/", 9) == 0;
        unlinkat(in_evidence ? evfd : fd, pack->files[i].name + (in_evidence ? 9 : 0), 0);
    }
    if (fd >= 0)
        unlinkat(fd, "evidence", AT_REMOVEDIR);
    rmdir(tmp);
}

static int write_file_at(int dirfd, const char *name, const vg_buf *data)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    int failed = vg_write_all(fd, data->data ? data->data : "", data->len) != 0 || fsync(fd) != 0;
    int e = errno;
    if (close(fd) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    errno = e;
    return failed ? -1 : 0;
}

int vg_evidence_pack_write_dir(vg_ctx *ctx, const vg_evidence_pack *pack, const char *dir)
{
    char target[PATH_MAX], tmp[PATH_MAX + 16];
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0 || len + 16 >= sizeof target)
        return vg_error(ctx, VG_ERR_USAGE, "%s: not a directory name for the evidence pack", dir);
    memcpy(target, dir, len);
    target[len] = '\0';
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", target);
    if (!mkdtemp(tmp))
        return vg_error(ctx, errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO, "%s: cannot make a directory beside "
                        "it: %s", target, strerror(errno));
    int rc = VG_OK;
    size_t made = 0;
    int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC), evfd = -1;
    if (fd < 0 || mkdirat(fd, "evidence", 0755) != 0 ||
        (evfd = openat(fd, "evidence", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        rc = vg_error(ctx, VG_ERR_IO, "%s: %s", tmp, strerror(errno));
    for (; rc == VG_OK && made < pack->n; made++) {
        const pack_file *f = &pack->files[made];
        int in_evidence = strncmp(f->name, "evidence/", 9) == 0;
        if (write_file_at(in_evidence ? evfd : fd, in_evidence ? f->name + 9 : f->name, &f->data) != 0) {
            rc = vg_error(ctx, errno == ENOSPC ? VG_ERR_LIMIT : VG_ERR_IO, "%s/%s: %s", tmp, f->name,
                          strerror(errno));
            made++; /* may exist in part */
            break;
        }
    }
    if (rc == VG_OK && (fsync(evfd) != 0 || fsync(fd) != 0))
        rc = vg_error(ctx, VG_ERR_IO, "%s: %s", tmp, strerror(errno));
    /* rename(2) replaces an empty directory and nothing else. */
    if (rc == VG_OK && rename(tmp, target) != 0) {
        int e = errno;
        rc = e == ENOTEMPTY || e == EEXIST
                 ? vg_error(ctx, VG_ERR_USAGE, "%s already holds files: name a new or empty directory", target)
             : e == ENOTDIR || e == EISDIR
                 ? vg_error(ctx, VG_ERR_USAGE, "%s exists and is not a directory", target)
                 : vg_error(ctx, VG_ERR_IO, "%s: cannot put the evidence pack in place: %s", target, strerror(e));
    }
    if (rc != VG_OK)
        remove_partial(tmp, fd, evfd, pack, made);
    if (evfd >= 0)
        close(evfd);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* ---- reading and verifying -------------------------------------------------------- */

/* 1 when name is a relative path a pack may hold: components of printable
 * ASCII other than '\\', none empty, "." or "..", at most PACK_MAX_NAME. */
static int pack_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= PACK_MAX_NAME || name[0] == '/' || name[n - 1] == '/')
        return 0;
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || *c == '\\')
            return 0;
    for (const char *c = name; c;) {
        const char *slash = strchr(c, '/');
        size_t len = slash ? (size_t)(slash - c) : strlen(c);
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c = slash ? slash + 1 : NULL;
    }
    return 1;
}

static int add_entry(vg_ctx *ctx, json_t *entries, const char *name, const char *sha256, int regular,
                     const char *where)
{
    if (json_object_size(entries) >= VG_EVIDENCE_PACK_MAX_FILES)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d files", where, VG_EVIDENCE_PACK_MAX_FILES);
    if (json_object_get(entries, name))
        return vg_error(ctx, VG_ERR_FORMAT, "%s: the archive holds %.300s twice", where, name);
    json_t *e = json_pack("{sssb}", "sha256", sha256 ? sha256 : "", "regular", regular);
    if (!e || json_object_set_new(entries, name, e))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    return VG_OK;
}

int pack_zip_entries(vg_ctx *ctx, const void *data, size_t len, const char *where, json_t **out, vg_buf *bundle)
{
    *out = NULL;
    struct archive *a = archive_read_new();
    json_t *entries = json_object();
    if (!a || !entries) {
        archive_read_free(a);
        json_decref(entries);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    int rc = VG_OK;
    if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
        archive_read_open_memory(a, data ? data : "", len) != ARCHIVE_OK)
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: not a zip archive: %s", where,
                      archive_error_string(a) ? archive_error_string(a) : "unreadable");
    size_t total = 0;
    struct archive_entry *e;
    vg_buf content;
    vg_buf_init(&content, VG_EVIDENCE_PACK_MAX_FILE);
    while (rc == VG_OK) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %s", where, archive_error_string(a) ? archive_error_string(a)
                                                                                         : "unreadable entry");
            break;
        }
        const char *name = archive_entry_pathname(e);
        mode_t type = archive_entry_filetype(e);
        if (!name) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: an entry has no name", where);
            break;
        }
        if (type == AE_IFDIR)
            continue;
        if (type != AE_IFREG) {
            rc = add_entry(ctx, entries, name, NULL, 0, where);
            continue;
        }
        vg_buf_reset(&content);
        for (;;) {
            char chunk[65536];
            la_ssize_t got = archive_read_data(a, chunk, sizeof chunk);
            if (got == 0)
                break;
            if (got < 0) {
                rc = vg_error(ctx, VG_ERR_FORMAT, "%s: %.300s: %s", where, name,
                              archive_error_string(a) ? archive_error_string(a) : "unreadable data");
                break;
            }
            total += (size_t)got;
            if (total > VG_EVIDENCE_PACK_MAX_TOTAL || vg_buf_add(&content, chunk, (size_t)got) != VG_OK) {
                rc = vg_error(ctx, VG_ERR_LIMIT, "%s: %.300s: larger than a pack's files may be (%zu bytes each, "
                              "%zu in all)", where, name, (size_t)VG_EVIDENCE_PACK_MAX_FILE,
                              (size_t)VG_EVIDENCE_PACK_MAX_TOTAL);
                vg_buf_init(&content, VG_EVIDENCE_PACK_MAX_FILE); /* vg_buf_add freed it */
                break;
            }
        }
        vg_file_digest d;
        if (rc == VG_OK)
            rc = vg_digest_memory(ctx, content.data ? content.data : "", content.len, VG_DIGEST_SHA256, &d);
        if (rc == VG_OK)
            rc = add_entry(ctx, entries, name, d.sha256, 1, where);
        if (rc == VG_OK && bundle && strcmp(name, VG_EVIDENCE_PACK_BUNDLE) == 0 &&
            vg_buf_add(bundle, content.data ? content.data : "", content.len) != VG_OK)
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: %s is too large", where, VG_EVIDENCE_PACK_BUNDLE);
    }
    vg_buf_free(&content);
    archive_read_free(a);
    if (rc) {
        json_decref(entries);
        return rc;
    }
    *out = entries;
    return VG_OK;
}

/* The files under dir (relative names), each regular file with its digest. */
static int dir_entries(vg_ctx *ctx, const char *dir, const char *prefix, int depth, json_t *entries)
{
    if (depth > PACK_MAX_DEPTH)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: directories nested deeper than %d", dir, PACK_MAX_DEPTH);
    DIR *d = opendir(dir);
    if (!d)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : errno == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                        "%s: %s", dir, strerror(errno));
    int rc = VG_OK;
    struct dirent *e;
    while (rc == VG_OK && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[PATH_MAX], name[PACK_MAX_NAME];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
            (size_t)snprintf(name, sizeof name, "%s%s", prefix, e->d_name) >= sizeof name) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: a name in the pack is too long", dir);
            break;
        }
        struct stat st;
        if (lstat(path, &st) != 0) {
            rc = vg_error(ctx, VG_ERR_IO, "%s: %s", path, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            char sub[PACK_MAX_NAME + 2];
            snprintf(sub, sizeof sub, "%s/", name);
            rc = dir_entries(ctx, path, sub, depth + 1, entries);
        } else if (!S_ISREG(st.st_mode)) {
            rc = add_entry(ctx, entries, name, NULL, 0, dir);
        } else {
            vg_file_digest dg;
            if ((rc = vg_digest_file(ctx, path, VG_DIGEST_SHA256, &dg)) == VG_OK)
                rc = add_entry(ctx, entries, name, dg.sha256, 1, dir);
        }
    }
    closedir(d);
    return rc;
}

int pack_statement_subjects(vg_ctx *ctx, const char *statement, size_t len, json_t **out)
{
    *out = NULL;
    json_error_t err;
    json_t *st = json_loadb(statement, len, JSON_REJECT_DUPLICATES, &err), *subjects = json_object();
    json_t *list = json_object_get(st, "subject");
    int rc = subjects ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK && !json_is_array(list))
        rc = vg_error(ctx, VG_ERR_FORMAT, "the statement has no list of subjects%s%s", st ? "" : ": ",
                      st ? "" : err.text);
    if (rc == VG_OK && json_array_size(list) > VG_EVIDENCE_PACK_MAX_FILES)
        rc = vg_error(ctx, VG_ERR_LIMIT, "the statement has more than %d subjects", VG_EVIDENCE_PACK_MAX_FILES);
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        const char *name = member(s, "name"), *sha256 = member(json_object_get(s, "digest"), "sha256");
        if (rc)
            break;
        if (!name || !pack_name_ok(name) || !strcmp(name, VG_EVIDENCE_PACK_BUNDLE))
            rc = vg_error(ctx, VG_ERR_FORMAT, "subject %zu of the statement is not a file of an evidence pack", i + 1);
        else if (!sha256 || strlen(sha256) != VG_SHA256_HEX_LEN || !vg_is_hex(sha256, VG_SHA256_HEX_LEN))
            rc = vg_error(ctx, VG_ERR_FORMAT, "subject %.300s of the statement has no sha256 digest", name);
        else if (json_object_get(subjects, name))
            rc = vg_error(ctx, VG_ERR_FORMAT, "the statement names %.300s twice", name);
        else if (json_object_set_new(subjects, name, json_string(sha256)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(st);
    if (rc) {
        json_decref(subjects);
        return rc;
    }
    *out = subjects;
    return VG_OK;
}

static int problem(json_t *problems, const char *file, const char *what, const char *detail)
{
    return json_array_append_new(problems, json_pack("{ssssss}", "file", file, "problem", what, "detail", detail));
}

void vg_evidence_pack_check_free(vg_evidence_pack_check *check)
{
    vg_buf_free(&check->verify.statement);
    json_decref(check->problems);
    check->problems = NULL;
}

int vg_evidence_pack_verify(vg_ctx *ctx, const char *path, const char *bundle_path, const vg_key *key,
                            vg_evidence_pack_check *check)
{
    memset(check, 0, sizeof *check);
    vg_buf_init(&check->verify.statement, 0);
    if (!(check->problems = json_array()))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    struct stat st;
    if (stat(path, &st) != 0)
        return vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", path, strerror(errno));
    json_t *entries = NULL, *subjects = NULL;
    vg_buf bundle;
    vg_buf_init(&bundle, VG_ATTEST_MAX_DOCUMENT);
    int rc;
    if (S_ISDIR(st.st_mode)) {
        if ((entries = json_object()) == NULL)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        else
            rc = dir_entries(ctx, path, "", 0, entries);
        if (rc == VG_OK && !bundle_path) {
            char own[PATH_MAX];
            snprintf(own, sizeof own, "%s/%s", path, VG_EVIDENCE_PACK_BUNDLE);
            if (!json_object_get(entries, VG_EVIDENCE_PACK_BUNDLE))
                rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s has no %s (was it written with --attest?): give the bundle "
                              "with --bundle", path, VG_EVIDENCE_PACK_BUNDLE);
            else
                rc = vg_input_read_file(ctx, own, "attestation", VG_ATTEST_MAX_DOCUMENT, &bundle);
        }
    } else {
        vg_buf zip;
        rc = vg_input_read_file(ctx, path, "evidence pack", VG_EVIDENCE_PACK_MAX_TOTAL, &zip);
        if (rc == VG_OK)
            rc = pack_zip_entries(ctx, zip.data, zip.len, path, &entries, bundle_path ? NULL : &bundle);
        vg_buf_free(&zip);
        if (rc == VG_OK && !bundle_path && !json_object_get(entries, VG_EVIDENCE_PACK_BUNDLE))
            rc = vg_error(ctx, VG_ERR_NOT_FOUND, "%s holds no %s (was it written with --attest?): give the bundle "
                          "with --bundle", path, VG_EVIDENCE_PACK_BUNDLE);
    }
    if (rc == VG_OK && bundle_path)
        rc = vg_input_read_file(ctx, bundle_path, "attestation", VG_ATTEST_MAX_DOCUMENT, &bundle);
    if (rc == VG_OK) {
        vg_verify_options vo = {.key = key, .predicate_type = VG_EVIDENCE_PACK_PREDICATE};
        rc = vg_attest_verify(ctx, bundle.data ? bundle.data : "", bundle.len, &vo, &check->verify);
    }
    if (rc == VG_OK)
        rc = pack_statement_subjects(ctx, check->verify.statement.data, check->verify.statement.len, &subjects);
    const char *name;
    json_t *v;
    int failed = 0;
    if (rc == VG_OK) {
        check->files = json_object_size(subjects);
        json_object_foreach(subjects, name, v) {
            json_t *have = json_object_get(entries, name);
            char detail[256];
            if (!have) {
                failed |= problem(check->problems, name, "missing", "the statement names it; the pack does not hold it");
            } else if (!json_is_true(json_object_get(have, "regular"))) {
                failed |= problem(check->problems, name, "not-regular", "not a regular file");
            } else if (strcmp(member(have, "sha256"), json_string_value(v)) != 0) {
                snprintf(detail, sizeof detail, "sha256 %s, the statement says %s", member(have, "sha256"),
                         json_string_value(v));
                failed |= problem(check->problems, name, "changed", detail);
            }
        }
        json_object_foreach(entries, name, v) {
            if (json_object_get(subjects, name) || (!bundle_path && strcmp(name, VG_EVIDENCE_PACK_BUNDLE) == 0))
                continue;
            failed |= problem(check->problems, name, "added",
                              json_is_true(json_object_get(v, "regular")) ? "the statement does not name it"
                                                                          : "not a regular file, and the statement "
                                                                            "does not name it");
        }
        if (failed)
            rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        else if (json_array_size(check->problems))
            rc = vg_error(ctx, VG_ERR_DIGEST, "%s: %zu file%s differ%s from the signed statement", path,
                          json_array_size(check->problems), json_array_size(check->problems) == 1 ? "" : "s",
                          json_array_size(check->problems) == 1 ? "s" : "");
    }
    json_decref(entries);
    json_decref(subjects);
    vg_buf_free(&bundle);
    return rc;
}
