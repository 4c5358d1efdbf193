/*
 * registry_attach.c — attestations attached to an image in a registry.
 *
 * Pushing (OCI distribution spec v1.1, spec.md "Push": POST then PUT of
 * /v2/<name>/blobs/uploads/, PUT /v2/<name>/manifests/<reference>):
 *  - cosign's tag scheme (sigstore/cosign specs/SIGNATURE_SPEC.md and the
 *    attestation tags of `cosign attest`): the manifest tagged
 *    "sha256-<hex>.att" is an OCI image manifest whose layers are DSSE
 *    envelopes (application/vnd.dsse.envelope.v1+json) annotated with their
 *    "predicateType"; its config is an image config whose rootfs.diff_ids
 *    are the layers' digests.  A layer already there is kept.
 *  - an OCI 1.1 referrer: an image manifest with artifactType
 *    application/vnd.dev.sigstore.bundle.v0.3+json, the empty config, the
 *    Sigstore bundle as its one layer and the image as its subject (as
 *    cosign --new-bundle-format does).  A registry that does not answer
 *    with OCI-Subject has no referrers API: the index tagged
 *    "sha256-<hex>" gets the referrer's descriptor (the referrers tag
 *    schema, spec.md "Referrers Tag Schema").
 * Reading: the DSSE layers of the .att manifest, and the bundles of the
 * referrers the API (GET /v2/<name>/referrers/<digest>) or, when it
 * answers 404, the tag schema index lists.
 * Leaves out: signatures (.sig), Rekor entries, deleting stale referrers.
 */
#include <stdlib.h>
#include <string.h>

#include "source/registry_internal.h"
#include "vigil/attest.h"

#define REG_MAX_ATTESTATION ((size_t)256 << 20)
#define REG_MAX_ATTACHED 64
#define EMPTY_DIGEST "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"

/* Uploads data as a blob unless the registry has it; digest_out: its digest. */
static int push_blob(reg_client *c, const void *data, size_t len, char digest_out[72])
{
    const reg_ref *ref = reg_client_ref(c);
    reg_sha256(data, len, digest_out);
    char path[1024];
    snprintf(path, sizeof path, "/v2/%s/blobs/%s", ref->repo, digest_out);
    reg_response resp;
    int rc = reg_request(c, "HEAD", path, NULL, NULL, 0, NULL, NULL, &resp);
    if (rc || resp.status == 200)
        return rc;
    snprintf(path, sizeof path, "/v2/%s/blobs/uploads/", ref->repo);
    rc = reg_request(c, "POST", path, NULL, NULL, 0, NULL, NULL, &resp);
    if (rc == VG_OK && (resp.status != 202 || !resp.location[0]))
        return reg_status_error(c, "starting a blob upload", &resp);
    if (rc)
        return rc;
    vg_buf url;
    vg_buf_init(&url, 8192);
    if (resp.location[0] == '/')
        rc = vg_buf_addf(&url, "https://%s", ref->host);
    if (rc == VG_OK)
        rc = vg_buf_addf(&url, "%s%cdigest=%s", resp.location, strchr(resp.location, '?') ? '&' : '?', digest_out);
    if (rc == VG_OK)
        rc = reg_request(c, "PUT", url.data, NULL, data, len, "application/octet-stream", NULL, &resp);
    vg_buf_free(&url);
    if (rc == VG_OK && resp.status != 201)
        rc = reg_status_error(c, "uploading a blob", &resp);
    return rc;
}

/* PUTs j as the manifest reference; digest/size out for descriptors. */
static int push_manifest(reg_client *c, const char *reference, json_t *j, const char *mt, char digest_out[72],
                         size_t *size_out, reg_response *resp)
{
    const reg_ref *ref = reg_client_ref(c);
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        return vg_error(reg_client_ctx(c), VG_ERR_NOMEM, "out of memory");
    reg_sha256(text, strlen(text), digest_out);
    *size_out = strlen(text);
    char path[1024];
    snprintf(path, sizeof path, "/v2/%s/manifests/%s", ref->repo, reference ? reference : digest_out);
    int rc = reg_request(c, "PUT", path, NULL, text, strlen(text), mt, NULL, resp);
    free(text);
    if (rc == VG_OK && resp->status != 201) {
        char what[600];
        snprintf(what, sizeof what, "pushing manifest %s:%s", ref->repo, reference ? reference : digest_out);
        rc = reg_status_error(c, what, resp);
    }
    return rc;
}

/* GETs /v2/REPO/KIND/REF as a JSON object into *out; a 404 is VG_OK
 * with *out NULL (and *missing set). */
static int get_json(reg_client *c, const char *kind, const char *reference, const char *accept, json_t **out,
                    int *missing)
{
    const reg_ref *ref = reg_client_ref(c);
    *out = NULL;
    *missing = 0;
    char path[1024];
    snprintf(path, sizeof path, "/v2/%s/%s/%s", ref->repo, kind, reference);
    vg_buf body;
    vg_buf_init(&body, REG_MAX_MANIFEST);
    reg_sink sink = {.buf = &body, .max = REG_MAX_MANIFEST};
    reg_response resp;
    int rc = reg_request(c, "GET", path, accept, NULL, 0, NULL, &sink, &resp);
    char what[600];
    snprintf(what, sizeof what, "%s %s:%s", kind, ref->repo, reference);
    if (rc == VG_OK && resp.status == 200) {
        *out = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
        if (!json_is_object(*out)) {
            json_decref(*out);
            *out = NULL;
            rc = vg_error(reg_client_ctx(c), VG_ERR_FORMAT, "registry %s: %s is not a JSON object", ref->host, what);
        }
    } else if (rc == VG_OK && resp.status == 404) {
        *missing = 1;
    } else if (rc == VG_OK) {
        rc = reg_status_error(c, what, &resp);
    }
    vg_buf_free(&body);
    return rc;
}

/* The manifest tagged tag, or NULL with VG_OK when there is none. */
static int get_tagged(reg_client *c, const char *tag, json_t **out)
{
    int missing;
    return get_json(c, "manifests", tag, REG_MT_OCI_MANIFEST ", " REG_MT_OCI_INDEX, out, &missing);
}

static int push_att_tag(reg_client *c, const char *hex, const vg_registry_attestation *att)
{
    vg_ctx *ctx = reg_client_ctx(c);
    char tag[96], digest[72], cdigest[72], mdigest[72];
    snprintf(tag, sizeof tag, "sha256-%s.att", hex);
    json_t *old = NULL;
    int rc = get_tagged(c, tag, &old);
    if (rc == VG_OK)
        rc = push_blob(c, att->dsse, att->dsse_len, digest);
    if (rc) {
        json_decref(old);
        return rc;
    }
    json_t *layers = json_array(), *diff_ids = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(old, "layers"), i, l) {
        const char *d = json_string_value(json_object_get(l, "digest"));
        if (d && strcmp(d, digest) != 0 && json_array_size(layers) < REG_MAX_ATTACHED) {
            json_array_append(layers, l);
            json_array_append_new(diff_ids, json_string(d));
        }
    }
    json_decref(old);
    json_array_append_new(layers, json_pack("{s:s, s:I, s:s, s:{s:s}}", "mediaType", REG_MT_DSSE, "size",
                                            (json_int_t)att->dsse_len, "digest", digest, "annotations",
                                            "predicateType", att->predicate_type));
    json_array_append_new(diff_ids, json_string(digest));
    json_t *config = json_pack("{s:s, s:s, s:{}, s:{s:s, s:o}}", "architecture", "", "os", "", "config", "rootfs",
                               "type", "layers", "diff_ids", diff_ids);
    char *ctext = config ? json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(config);
    size_t msize = 0;
    if (!ctext)
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc == VG_OK)
        rc = push_blob(c, ctext, strlen(ctext), cdigest);
    if (rc == VG_OK) {
        json_t *m = json_pack("{s:i, s:s, s:{s:s, s:I, s:s}, s:O}", "schemaVersion", 2, "mediaType",
                              REG_MT_OCI_MANIFEST, "config", "mediaType", MT_CONFIG, "size",
                              (json_int_t)strlen(ctext), "digest", cdigest, "layers", layers);
        reg_response resp;
        rc = m ? push_manifest(c, tag, m, REG_MT_OCI_MANIFEST, mdigest, &msize, &resp)
               : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        json_decref(m);
    }
    free(ctext);
    json_decref(layers);
    return rc;
}

static int push_referrer(reg_client *c, const char *subject_digest, const vg_registry_attestation *att)
{
    vg_ctx *ctx = reg_client_ctx(c);
    char bdigest[72] = "", edigest[72] = "", rdigest[72] = "", sdigest[72] = "";
    vg_buf subject;
    vg_buf_init(&subject, REG_MAX_MANIFEST);
    char *smt = NULL;
    int rc = reg_get_manifest(c, subject_digest, &subject, sdigest, &smt);
    if (rc == VG_OK)
        rc = push_blob(c, "{}", 2, edigest);
    if (rc == VG_OK)
        rc = push_blob(c, att->bundle, att->bundle_len, bdigest);
    json_t *annotations = json_pack("{s:s, s:s}", "dev.sigstore.bundle.content", "dsse-envelope",
                                    "dev.sigstore.bundle.predicateType", att->predicate_type);
    size_t rsize = 0;
    reg_response resp;
    char title[96];
    snprintf(title, sizeof title, "sha256-%s.sigstore.json", bdigest + 7);
    if (rc == VG_OK) {
        json_t *m = json_pack("{s:i, s:s, s:s, s:{s:s, s:i, s:s}, s:[{s:s, s:I, s:s, s:{s:s}}], s:{s:s, s:I, s:s}, s:O}",
                              "schemaVersion", 2, "mediaType", REG_MT_OCI_MANIFEST, "artifactType",
                              VG_SIGSTORE_BUNDLE_V03, "config", "mediaType", REG_MT_EMPTY, "size", 2, "digest",
                              edigest, "layers", "mediaType", VG_SIGSTORE_BUNDLE_V03, "size",
                              (json_int_t)att->bundle_len, "digest", bdigest, "annotations",
                              "org.opencontainers.image.title", title, "subject", "mediaType", smt, "size",
                              (json_int_t)subject.len, "digest", subject_digest, "annotations", annotations);
        rc = m ? push_manifest(c, NULL, m, REG_MT_OCI_MANIFEST, rdigest, &rsize, &resp)
               : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        json_decref(m);
    }
    free(smt);
    vg_buf_free(&subject);
    if (rc || resp.oci_subject) {
        json_decref(annotations);
        return rc;
    }
    /* No referrers API: the referrers tag schema. */
    char tag[96], idigest[72];
    snprintf(tag, sizeof tag, "sha256-%s", subject_digest + 7);
    json_t *index = NULL;
    rc = get_tagged(c, tag, &index);
    if (rc == VG_OK && !index)
        index = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", REG_MT_OCI_INDEX, "manifests");
    json_t *manifests = json_object_get(index, "manifests");
    if (rc == VG_OK && !json_is_array(manifests))
        rc = vg_error(ctx, VG_ERR_FORMAT, "registry: the referrers tag %s is not an image index", tag);
    if (rc == VG_OK && json_array_size(manifests) >= REG_MAX_ATTACHED)
        rc = vg_error(ctx, VG_ERR_LIMIT, "registry: the referrers tag %s lists %d referrers already", tag,
                      REG_MAX_ATTACHED);
    if (rc == VG_OK) {
        json_array_append_new(manifests,
                              json_pack("{s:s, s:I, s:s, s:s, s:O}", "mediaType", REG_MT_OCI_MANIFEST, "size",
                                        (json_int_t)rsize, "digest", rdigest, "artifactType", VG_SIGSTORE_BUNDLE_V03,
                                        "annotations", annotations));
        size_t isize;
        rc = push_manifest(c, tag, index, REG_MT_OCI_INDEX, idigest, &isize, &resp);
    }
    json_decref(index);
    json_decref(annotations);
    return rc;
}

int vg_registry_attach(vg_ctx *ctx, const char *target, const char *manifest_digest,
                       const vg_registry_attestation *att, const vg_registry_options *opts)
{
    reg_ref ref;
    int rc = reg_ref_parse(ctx, target, &ref);
    if (rc)
        return rc;
    if (!reg_valid_digest(manifest_digest))
        return vg_error(ctx, VG_ERR_USAGE, "%s: no sha256 manifest digest to attach to", target);
    reg_client *c;
    if ((rc = reg_client_open(ctx, &ref, opts, 1, &c)) != VG_OK)
        return rc;
    rc = push_att_tag(c, manifest_digest + 7, att);
    if (rc == VG_OK)
        rc = push_referrer(c, manifest_digest, att);
    reg_client_close(c);
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

static int get_blob(reg_client *c, const char *digest, size_t max, vg_buf *out)
{
    const reg_ref *ref = reg_client_ref(c);
    char path[1024], got[72];
    snprintf(path, sizeof path, "/v2/%s/blobs/%s", ref->repo, digest);
    vg_buf_init(out, max);
    reg_sink sink = {.buf = out, .max = max};
    reg_response resp;
    int rc = reg_request(c, "GET", path, NULL, NULL, 0, NULL, &sink, &resp);
    if (rc == VG_OK && resp.status != 200) {
        char what[600];
        snprintf(what, sizeof what, "blob %s of %s", digest, ref->repo);
        rc = reg_status_error(c, what, &resp);
    }
    if (rc == VG_OK) {
        reg_sha256(out->data ? out->data : "", out->len, got);
        if (strcmp(got, digest) != 0)
            rc = vg_error(reg_client_ctx(c), VG_ERR_DIGEST, "registry %s: blob %s of %s has digest %s; refused",
                          ref->host, digest, ref->repo, got);
    }
    if (rc)
        vg_buf_free(out);
    return rc;
}

typedef struct found {
    vg_buf *docs;
    size_t n;
} found;

static int add_layers(reg_client *c, json_t *manifest, const char *mt, found *f)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(manifest, "layers"), i, l) {
        const char *lmt = json_string_value(json_object_get(l, "mediaType"));
        const char *d = json_string_value(json_object_get(l, "digest"));
        if (!lmt || strcmp(lmt, mt) != 0 || !reg_valid_digest(d))
            continue;
        if (f->n == REG_MAX_ATTACHED)
            return vg_error(reg_client_ctx(c), VG_ERR_LIMIT, "more than %d attestations attached", REG_MAX_ATTACHED);
        vg_buf *docs = realloc(f->docs, (f->n + 1) * sizeof *docs);
        if (!docs)
            return vg_error(reg_client_ctx(c), VG_ERR_NOMEM, "out of memory");
        f->docs = docs;
        int rc = get_blob(c, d, REG_MAX_ATTESTATION, &f->docs[f->n]);
        if (rc)
            return rc;
        f->n++;
    }
    return VG_OK;
}

static int read_referrers(reg_client *c, const char *digest, found *f)
{
    json_t *index;
    int missing;
    int rc = get_json(c, "referrers", digest, REG_MT_OCI_INDEX, &index, &missing);
    if (rc == VG_OK && missing) { /* no referrers API: the tag schema */
        char tag[96];
        snprintf(tag, sizeof tag, "sha256-%s", digest + 7);
        rc = get_tagged(c, tag, &index);
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(index, "manifests"), i, d) {
        if (rc)
            break;
        const char *at = json_string_value(json_object_get(d, "artifactType"));
        const char *md = json_string_value(json_object_get(d, "digest"));
        if (!at || strcmp(at, VG_SIGSTORE_BUNDLE_V03) != 0 || !reg_valid_digest(md))
            continue;
        vg_buf m;
        vg_buf_init(&m, REG_MAX_MANIFEST);
        char got[72], *mt = NULL;
        rc = reg_get_manifest(c, md, &m, got, &mt);
        json_t *mj = rc ? NULL : json_loadb(m.data, m.len, 0, NULL);
        const char *subj = json_string_value(json_object_get(json_object_get(mj, "subject"), "digest"));
        if (rc == VG_OK && subj && !strcmp(subj, digest))
            rc = add_layers(c, mj, VG_SIGSTORE_BUNDLE_V03, f);
        json_decref(mj);
        free(mt);
        vg_buf_free(&m);
    }
    json_decref(index);
    return rc;
}

int vg_registry_attestations(vg_ctx *ctx, const char *target, const char *platform, const vg_registry_options *opts,
                             char **digest_out, vg_buf **docs_out, size_t *ndocs_out)
{
    *digest_out = NULL;
    *docs_out = NULL;
    *ndocs_out = 0;
    reg_ref ref;
    int rc = reg_ref_parse(ctx, target, &ref);
    if (rc)
        return rc;
    reg_client *c;
    if ((rc = reg_client_open(ctx, &ref, opts, 0, &c)) != VG_OK)
        return rc;
    reg_image img;
    found f = {0};
    rc = reg_resolve_image(c, platform, &img);
    json_t *att = NULL;
    if (rc == VG_OK) {
        char tag[96];
        snprintf(tag, sizeof tag, "sha256-%s.att", img.digest + 7);
        rc = get_tagged(c, tag, &att);
    }
    if (rc == VG_OK && att)
        rc = add_layers(c, att, REG_MT_DSSE, &f);
    json_decref(att);
    if (rc == VG_OK)
        rc = read_referrers(c, img.digest, &f);
    if (rc == VG_OK && f.n == 0)
        rc = vg_error(ctx, VG_ERR_NOT_FOUND,
                      "%s: no attestation attached to %s (no tag sha256-%s.att, no Sigstore bundle among its referrers)",
                      target, img.digest, img.digest + 7);
    if (rc == VG_OK && !(*digest_out = strdup(img.digest)))
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (rc) {
        for (size_t i = 0; i < f.n; i++)
            vg_buf_free(&f.docs[i]);
        free(f.docs);
    } else {
        *docs_out = f.docs;
        *ndocs_out = f.n;
    }
    reg_image_free(&img);
    reg_client_close(c);
    return rc;
}
