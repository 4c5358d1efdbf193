/*
 * detect.c — the evidence documents of a policy run (vigil/policy.h,
 * "Evidence documents"): reading files and directories (JSON with
 * vg_jtree_parse(), YAML with vg_yaml_read()), typing each document, verifying the signed
 * ones with the trusted keys, and the document objects the rules see.
 *
 * What is recognised, and by what (docs/policy.md, "Evidence kinds"):
 *  - CycloneDX JSON (bomFormat "CycloneDX"): sbom, or vex when it holds
 *    vulnerabilities, each with an analysis, and no component but those
 *    they affect (the CycloneDX VEX profile);
 *  - SPDX 2.x JSON (spdxVersion "SPDX-2.*") and SPDX 3 JSON-LD (@context
 *    https://spdx.org/rdf/3.*): sbom;
 *  - vigil's scan report (format "vigil-scan", docs/scan-json.md): scan;
 *  - OpenVEX (@context https://openvex.dev/ns*): vex;
 *  - Sigstore bundles (mediaType application/vnd.dev.sigstore.bundle*),
 *    DSSE envelopes of in-toto statements (payloadType
 *    application/vnd.in-toto+json) and in-toto statements themselves
 *    (_type https://in-toto.io/Statement/v0.1 or v1): attestation, or
 *    provenance when the predicate is SLSA provenance (v0.1, v0.2, v1),
 *    or manual for a manual attestation (VG_POLICY_MANUAL_PREDICATE);
 *    signatures are checked with vg_attest_verify() (attest.h);
 *  - collector documents {"vigil-evidence": KIND, "schema": N}: KIND;
 *  - anything else: document, with a warning.
 * Leaves out: XML and tag-value encodings; several documents in one file
 * (JSON Lines, YAML streams); what attest.h leaves out of verification
 * (keyless certificates, transparency logs).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attest/attest_internal.h"
#include "format/format_internal.h"
#include "policy/policy_internal.h"
#include "source/input_file.h"
#include "vex/vex_internal.h"
#include "vigil/attest.h"
#include "vigil/base64.h"
#include "vigil/digest.h"
#include "vigil/json.h"
#include "vigil/map.h"
#include "vigil/policy.h"
#include "vigil/yaml.h"

struct vg_policy_evidence {
    json_t *documents; /* what each document is, without its content */
    vg_jtree **data;   /* data[i]: the content of documents[i] */
    size_t data_cap;
    vg_key *keys[VG_POLICY_EVIDENCE_MAX_KEYS];
    size_t nkeys;
    int64_t now;
    size_t max_file;
    size_t total; /* bytes of the files read */
};

/* The kinds vigil gives documents itself: KIND=PATH cannot give them to a
 * document that is not one, nor can a collector document claim them. */
static const char *const vigil_kinds[] = {"sbom",      "scan",   "vex",      "attestation", "provenance",
                                          "inventory", "manual", "document", NULL};

static int is_vigil_kind(const char *kind)
{
    for (const char *const *k = vigil_kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return 1;
    return 0;
}

int vg_policy_kind_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > 0 && n <= VG_POLICY_KIND_MAX && name[0] >= 'a' && name[0] <= 'z' &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* ---- reading ---- */

/* The length of the valid UTF-8 at the start of s, up to its NUL. */
static size_t utf8_prefix(const char *s)
{
    size_t i = 0, n = strlen(s);
    while (i < n) {
        size_t k = (unsigned char)s[i] < 0x80 ? 1 : attest_utf8_sequence((const unsigned char *)s + i, n - i);
        if (k == 0)
            break;
        i += k;
    }
    return i;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int is_yaml_name(const char *path) { return ends_with(path, ".yaml") || ends_with(path, ".yml"); }

static int parse(vg_ctx *ctx, const char *path, const char *data, size_t len, vg_jtree **out)
{
    if (!is_yaml_name(path))
        return vg_jtree_parse(ctx, path, data, len, out);
    json_t *doc;
    int rc = vg_yaml_read(ctx, path, data, len, &doc);
    if (rc == VG_OK)
        rc = vg_jtree_from_json(ctx, doc, out);
    json_decref(doc);
    return rc;
}

/* ---- typing ---- */

typedef struct typing {
    const char *kind;        /* may point into the document (collector kinds) */
    const char *format;
    const char *what;        /* for messages: "a CycloneDX SBOM" */
    const vg_jval *time;     /* the document's own time, or NULL */
    const char *time_member; /* its name, for messages */
    int envelope;            /* a bundle or envelope: its signature is verified */
} typing;

static const char *str(const vg_jval *o, const char *key) { return vg_jval_member_str(o, key); }

static int starts_with(const char *s, const char *prefix) { return s && strncmp(s, prefix, strlen(prefix)) == 0; }

/* 1 when @context, a string or an array, names a URI starting with prefix. */
static int context_names(const vg_jval *doc, const char *prefix)
{
    const vg_jval *context = vg_jval_get(doc, "@context");
    if (vg_jval_is(context, VG_JSTRING))
        return starts_with(context->u.s, prefix);
    for (size_t i = 0; i < vg_jval_size(context) && context->type == VG_JARRAY; i++)
        if (starts_with(vg_jval_str(&context->u.items[i]), prefix))
            return 1;
    return 0;
}

/* The items of v when it is an array (else none): for (EACH(v, i, e)). */
#define EACH(v, i, e)                                                                                                 \
    size_t i = 0;                                                                                                     \
    vg_jval_is(v, VG_JARRAY) && i < (v)->n && ((e) = &(v)->u.items[i], 1);                                          \
    i++

/* CycloneDX VEX: vulnerabilities, each with an analysis, and no
 * component but those they affect (components there only for the
 * statements to name). */
static int cyclonedx_is_vex(const vg_jval *doc)
{
    const vg_jval *vulns = vg_jval_get(doc, "vulnerabilities"), *v, *a;
    if (!vg_jval_is(vulns, VG_JARRAY) || vulns->n == 0)
        return 0;
    vg_map affected;
    vg_map_init(&affected);
    int vex = 1;
    for (EACH(vulns, i, v)) {
        vex &= vg_jval_is(vg_jval_get(v, "analysis"), VG_JOBJECT);
        const vg_jval *affects = vg_jval_get(v, "affects");
        for (EACH(affects, j, a)) {
            const char *ref = str(a, "ref");
            if (ref && vg_map_put(&affected, ref, strlen(ref), (void *)ref) != VG_OK)
                vex = 0;
        }
    }
    const vg_jval *components = vg_jval_get(doc, "components");
    for (EACH(components, i, v)) {
        const char *ref = str(v, "bom-ref");
        vex &= ref && vg_map_get(&affected, ref, strlen(ref)) != NULL;
    }
    vg_map_free(&affected);
    return vex;
}

static int element_is(const vg_jval *e, const char *type)
{
    const char *t = str(e, "type") ? str(e, "type") : str(e, "@type");
    return t && strcmp(t, type) == 0;
}

/* The created time of an SPDX 3 document: its SpdxDocument element's
 * creationInfo, inline or named by its @id in the @graph. */
static const vg_jval *spdx3_created(const vg_jval *doc)
{
    const vg_jval *graph = vg_jval_get(doc, "@graph"), *info = NULL, *e;
    for (EACH(graph, i, e))
        if (element_is(e, "SpdxDocument")) {
            info = vg_jval_get(e, "creationInfo");
            break;
        }
    if (vg_jval_is(info, VG_JSTRING)) {
        const char *id = info->u.s;
        info = NULL;
        for (EACH(graph, i, e)) {
            const char *eid = str(e, "@id") ? str(e, "@id") : str(e, "spdxId");
            if (eid && strcmp(eid, id) == 0) {
                info = e;
                break;
            }
        }
    }
    return vg_jval_get(info, "created");
}

static int is_statement_type(const char *type)
{
    return type && (strcmp(type, VG_INTOTO_STATEMENT_V1) == 0 || strcmp(type, "https://in-toto.io/Statement/v0.1") == 0);
}

/* The kind of an in-toto statement, by its predicate type: provenance
 * for SLSA provenance, manual for vigil's manual attestations (`vigil
 * evidence attest`), else attestation. */
static const char *statement_kind(const vg_jval *statement)
{
    static const struct {
        const char *predicate_type, *kind;
    } kinds[] = {
        {"https://slsa.dev/provenance/v0.1", "provenance"},
        {"https://slsa.dev/provenance/v0.2", "provenance"},
        {VG_SLSA_PROVENANCE_V1, "provenance"},
        {VG_POLICY_MANUAL_PREDICATE, VG_POLICY_MANUAL_KIND},
    };
    const char *type = str(statement, "predicateType");
    for (size_t i = 0; type && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(type, kinds[i].predicate_type) == 0)
            return kinds[i].kind;
    return "attestation";
}

/* Types the document by its marker members.  Errors: a collector document
 * that is malformed. */
static int detect(vg_ctx *ctx, const char *path, const char *encoding, const vg_jval *doc, typing *t)
{
    *t = (typing){.kind = "document", .format = encoding, .what = "an untyped document"};
    const vg_jval *collector = vg_jval_get(doc, "vigil-evidence");
    if (collector) {
        const char *kind = vg_jval_str(collector);
        const vg_jval *schema = vg_jval_get(doc, "schema");
        if (!vg_policy_kind_valid(kind) || is_vigil_kind(kind))
            return vg_error(ctx, VG_ERR_FORMAT,
                            "%s: \"vigil-evidence\" must be the name of a collected kind ([a-z][a-z0-9_-]*, at most %d "
                            "bytes, none of sbom scan vex attestation provenance inventory manual document)",
                            path, VG_POLICY_KIND_MAX);
        if (!vg_jval_is(schema, VG_JINT) || schema->u.i < 1)
            return vg_error(ctx, VG_ERR_FORMAT, "%s: \"schema\" of a vigil-evidence document must be an integer from 1 up",
                            path);
        *t = (typing){kind, "vigil", "a collected evidence document", vg_jval_get(doc, "collected"), "collected", 0};
    } else if (starts_with(str(doc, "mediaType"), "application/vnd.dev.sigstore.bundle")) {
        *t = (typing){"attestation", "sigstore-bundle", "a Sigstore bundle", NULL, NULL, 1};
    } else if (str(doc, "payloadType") && strcmp(str(doc, "payloadType"), VG_INTOTO_PAYLOAD_TYPE) == 0) {
        *t = (typing){"attestation", "dsse", "a DSSE envelope", NULL, NULL, 1};
    } else if (is_statement_type(str(doc, "_type"))) {
        *t = (typing){statement_kind(doc), "in-toto", "an in-toto statement", NULL, NULL, 0};
    } else if (str(doc, "bomFormat") && strcmp(str(doc, "bomFormat"), "CycloneDX") == 0) {
        int vex = cyclonedx_is_vex(doc);
        *t = (typing){vex ? "vex" : "sbom", "cyclonedx", vex ? "a CycloneDX VEX document" : "a CycloneDX SBOM",
                      vg_jval_get(vg_jval_get(doc, "metadata"), "timestamp"), "metadata.timestamp", 0};
    } else if (starts_with(str(doc, "spdxVersion"), "SPDX-2.")) {
        *t = (typing){"sbom", "spdx", "an SPDX SBOM", vg_jval_get(vg_jval_get(doc, "creationInfo"), "created"),
                      "creationInfo.created", 0};
    } else if (context_names(doc, "https://spdx.org/rdf/3.")) {
        *t = (typing){"sbom", "spdx", "an SPDX SBOM", spdx3_created(doc), "the SpdxDocument's creationInfo.created", 0};
    } else if (context_names(doc, "https://openvex.dev/ns")) {
        *t = (typing){"vex", "openvex", "an OpenVEX document", vg_jval_get(doc, "timestamp"), "timestamp", 0};
    } else if (str(doc, "format") && strcmp(str(doc, "format"), "vigil-scan") == 0) {
        *t = (typing){"scan", "vigil", "a vigil scan report", vg_jval_get(doc, "timestamp"), "timestamp", 0};
    }
    return VG_OK;
}

/* ---- verification ---- */

/* The in-toto statement in the payload of a bundle or envelope whose
 * signature was not verified, decoded as it stands; NULL when the payload
 * is no in-toto statement. */
static vg_jtree *unverified_statement(const vg_jval *doc)
{
    const vg_jval *env = vg_jval_get(doc, "mediaType") ? vg_jval_get(doc, "dsseEnvelope") : doc;
    const vg_jval *payload = vg_jval_get(env, "payload");
    if (!vg_jval_is(payload, VG_JSTRING))
        return NULL;
    vg_buf raw;
    vg_buf_init(&raw, VG_ATTEST_MAX_DOCUMENT);
    vg_jtree *statement = NULL;
    vg_ctx scratch;
    vg_ctx_init(&scratch);
    if (vg_base64_decode(&raw, payload->u.s, payload->n) == VG_OK)
        vg_jtree_parse(&scratch, "payload", raw.data ? raw.data : "", raw.len, &statement);
    vg_ctx_free(&scratch);
    vg_buf_free(&raw);
    if (statement && !is_statement_type(str(statement->root, "_type"))) {
        vg_jtree_free(statement);
        return NULL;
    }
    return statement;
}

typedef struct verification {
    int verified;
    char why[1024];
    vg_jtree *statement; /* the statement data holds, or NULL */
} verification;

/* Verifies the bundle or envelope bytes[0..len) with each trusted key
 * until one verifies it; out->statement is the verified statement, or
 * else the payload as it stands. */
static void verify(const vg_policy_evidence *ev, const char *bytes, size_t len, const vg_jval *doc, verification *out)
{
    memset(out, 0, sizeof *out);
    if (ev->nkeys == 0)
        snprintf(out->why, sizeof out->why, "not verified: no public key was given to check its signature with");
    size_t used = 0;
    for (size_t i = 0; i < ev->nkeys && !out->verified; i++) {
        vg_ctx vctx;
        vg_ctx_init(&vctx);
        vg_verify_options opts = {.key = ev->keys[i]};
        vg_verify_result result;
        if (vg_attest_verify(&vctx, bytes, len, &opts, &result) == VG_OK) {
            vg_jtree_parse(&vctx, "the statement", result.statement.data, result.statement.len, &out->statement);
            if (out->statement && out->statement->root->type == VG_JOBJECT) {
                out->verified = 1;
                snprintf(out->why, sizeof out->why, "verified with key %s (%s)", vg_key_id(ev->keys[i]),
                         vg_key_type_name(vg_key_get_type(ev->keys[i])));
            } else {
                vg_jtree_free(out->statement);
                out->statement = NULL;
                snprintf(out->why, sizeof out->why, "the signature verifies, but %.900s", vctx.message);
            }
        } else if (used < sizeof out->why) {
            /* one key: what failed; several: what failed with each */
            int n = snprintf(out->why + used, sizeof out->why - used, "%s%s%.12s%s%s check failed: %s",
                             i ? "; " : "", ev->nkeys > 1 ? "key " : "", ev->nkeys > 1 ? vg_key_id(ev->keys[i]) : "",
                             ev->nkeys > 1 ? "...: " : "", vg_verify_check_name(result.failed), vctx.message);
            used += n > 0 ? (size_t)n : 0;
        }
        vg_buf_free(&result.statement);
        vg_ctx_free(&vctx);
    }
    out->why[utf8_prefix(out->why)] = '\0'; /* it may quote the document, cut short */
    if (!out->verified && !out->statement)
        out->statement = unverified_statement(doc);
}

/* ---- documents ---- */

static void set(json_t *doc, const char *key, json_t *value) { json_object_set_new(doc, key, value); }

/* Room for one more document's data; -1 when out of memory. */
static int grow(vg_policy_evidence *ev)
{
    if (json_array_size(ev->documents) < ev->data_cap)
        return 0;
    size_t cap = ev->data_cap ? ev->data_cap * 2 : 16;
    vg_jtree **grown = realloc(ev->data, cap * sizeof *grown);
    if (!grown)
        return -1;
    ev->data = grown;
    ev->data_cap = cap;
    return 0;
}

int policy_evidence_append(vg_ctx *ctx, vg_policy_evidence *ev, const policy_document *d, vg_jtree *data)
{
    size_t n = json_array_size(ev->documents);
    if (n >= VG_POLICY_EVIDENCE_MAX_DOCUMENTS) {
        vg_jtree_free(data);
        return vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d evidence documents", d->path,
                        VG_POLICY_EVIDENCE_MAX_DOCUMENTS);
    }
    if (d->path[utf8_prefix(d->path)]) {
        vg_jtree_free(data);
        return vg_error(ctx, VG_ERR_UNSUPPORTED, "%s: the name is not UTF-8, which the evidence record (JSON) needs: "
                        "rename the file", d->path);
    }
    if (!data && vg_jtree_from_json(ctx, NULL, &data))
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", d->path);
    if (grow(ev)) {
        vg_jtree_free(data);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", d->path);
    }
    char id[32], collected[32];
    snprintf(id, sizeof id, "e%zu", n + 1);
    json_t *doc = json_object();
    if (doc) {
        set(doc, "id", json_string(id));
        set(doc, "kind", json_string(d->kind));
        set(doc, "format", json_string(d->format));
        set(doc, "path", json_string(d->path));
        set(doc, "sha256", json_string(d->sha256));
        set(doc, "size", json_integer((json_int_t)d->size));
        set(doc, "collected", fmt_timestamp(d->collected, collected) == 0 ? json_string(collected) : json_null());
        if (d->verification) {
            set(doc, "verified", json_boolean(d->verified));
            set(doc, "verification", json_string(d->verification));
        }
    }
    if (!doc || json_object_size(doc) != (d->verification ? 9u : 7u) || json_array_append_new(ev->documents, doc)) {
        json_decref(doc);
        vg_jtree_free(data);
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", d->path);
    }
    ev->data[n] = data;
    return VG_OK;
}

int policy_evidence_append_json(vg_ctx *ctx, vg_policy_evidence *ev, const policy_document *d, json_t *data)
{
    vg_jtree *tree;
    int rc = vg_jtree_from_json(ctx, data, &tree);
    json_decref(data);
    return rc ? vg_error(ctx, rc, "%s: %s", d->path, ctx->message) : policy_evidence_append(ctx, ev, d, tree);
}

int vg_policy_evidence_add_document(vg_ctx *ctx, vg_policy_evidence *ev, const json_t *doc)
{
    if (!json_is_string(json_object_get(doc, "id")) || !json_is_string(json_object_get(doc, "kind")))
        return vg_error(ctx, VG_ERR_USAGE, "an evidence document needs an id and a kind");
    size_t n = json_array_size(ev->documents);
    if (n >= VG_POLICY_EVIDENCE_MAX_DOCUMENTS)
        return vg_error(ctx, VG_ERR_LIMIT, "more than %d evidence documents", VG_POLICY_EVIDENCE_MAX_DOCUMENTS);
    if (grow(ev))
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_t *meta = json_deep_copy(doc);
    if (!meta)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    json_object_del(meta, "data");
    int rc = vg_jtree_from_json(ctx, json_object_get(doc, "data"), &ev->data[n]);
    if (rc == VG_OK && json_array_append(ev->documents, meta)) {
        vg_jtree_free(ev->data[n]);
        rc = vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    json_decref(meta);
    return rc;
}

/* When the document says it was made: its own time when it has one that
 * is an RFC 3339 time, else the file's modification time. */
static int64_t collected_time(vg_ctx *ctx, const char *path, const typing *t, int64_t mtime)
{
    if (!t->time)
        return mtime;
    int64_t own;
    char check[32];
    const char *s = vg_jval_str(t->time);
    if (s && vex_parse_time(s, &own) == 0 && fmt_timestamp(own, check) == 0)
        return own;
    vg_warn(ctx, path, "%s is not an RFC 3339 time: the file's modification time is taken as when it was collected",
            t->time_member);
    return mtime;
}

/* Parses and types the document: *doc its tree (or, for a signed kind,
 * the statement it carries), t what it is, v whether it verified. */
static int typed_document(vg_ctx *ctx, const vg_policy_evidence *ev, const char *kind, const char *path,
                          const char *data, size_t len, vg_jtree **doc, typing *t, verification *v)
{
    int rc = parse(ctx, path, data, len, doc);
    if (rc)
        return rc;
    if ((rc = detect(ctx, path, is_yaml_name(path) ? "yaml" : "json", (*doc)->root, t))) {
        vg_jtree_free(*doc);
        return rc;
    }
    if (strcmp(t->kind, "attestation") == 0 || strcmp(t->kind, "provenance") == 0 ||
        strcmp(t->kind, VG_POLICY_MANUAL_KIND) == 0) {
        if (t->envelope) {
            verify(ev, data, len, (*doc)->root, v);
            vg_jtree_free(*doc);
            *doc = v->statement;
            t->kind = statement_kind(*doc ? (*doc)->root : NULL);
        } else {
            snprintf(v->why, sizeof v->why, "not verified: an in-toto statement by itself carries no signature");
        }
    }
    if (kind && strcmp(kind, t->kind) != 0 && (strcmp(t->kind, "document") != 0 || is_vigil_kind(kind))) {
        rc = vg_error(ctx, VG_ERR_FORMAT, "%s: is %s (kind %s), not of kind %s", path, t->what, t->kind, kind);
        vg_jtree_free(*doc); /* after the message: a collected kind is text of doc */
        return rc;
    }
    return VG_OK;
}

/* The SHA-256 of a document of DETECT_HASH_APART bytes or more is taken on
 * a thread of its own while the document is parsed: for the 16 MB scan
 * report of a large run, 10 ms of 50. */
#define DETECT_HASH_APART ((size_t)1 << 20)

typedef struct digest_job {
    vg_ctx ctx;
    const char *data;
    size_t len;
    vg_file_digest digest;
    int rc;
} digest_job;

static void *digest_run(void *arg)
{
    digest_job *j = arg;
    j->rc = vg_digest_memory(&j->ctx, j->data, j->len, VG_DIGEST_SHA256, &j->digest);
    return NULL;
}

static int add_document(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, const char *path, const char *data,
                        size_t len, int64_t mtime)
{
    if (kind && !vg_policy_kind_valid(kind))
        return vg_error(ctx, VG_ERR_USAGE, "%s=%s: '%s' is not a kind name ([a-z][a-z0-9_-]*, at most %d bytes)", kind,
                        path, kind, VG_POLICY_KIND_MAX);
    if (len > VG_POLICY_EVIDENCE_MAX_TOTAL - ev->total)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: the evidence read passes %zu bytes in all", path,
                        (size_t)VG_POLICY_EVIDENCE_MAX_TOTAL);
    if (len > ev->max_file)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: the evidence file is larger than %zu bytes", path, ev->max_file);
    ev->total += len;
    digest_job job = {.data = data, .len = len};
    vg_ctx_init(&job.ctx);
    pthread_t thread;
    int apart = len >= DETECT_HASH_APART && pthread_create(&thread, NULL, digest_run, &job) == 0;
    vg_jtree *doc = NULL;
    typing t;
    verification v = {.verified = 0};
    int rc = typed_document(ctx, ev, kind, path, data, len, &doc, &t, &v);
    if (apart)
        pthread_join(thread, NULL);
    else if (rc == VG_OK)
        digest_run(&job);
    if (rc == VG_OK && job.rc != VG_OK) {
        rc = vg_error(ctx, job.rc, "%s", job.ctx.message);
        vg_jtree_free(doc);
    }
    vg_ctx_free(&job.ctx);
    if (rc)
        return rc;
    if (v.why[0] && !v.verified)
        vg_warn(ctx, path, "%s: %s", t.what, v.why);
    if (kind)
        t.kind = kind;
    else if (strcmp(t.kind, "document") == 0)
        vg_warn(ctx, path,
                "untyped: not an SBOM, scan, VEX, attestation or collected evidence that vigil recognises; rules "
                "read it only when it is given as KIND=PATH");
    policy_document d = {.kind = t.kind,
                         .format = t.format,
                         .path = path,
                         .sha256 = job.digest.sha256,
                         .size = len,
                         .collected = collected_time(ctx, path, &t, mtime),
                         .verified = v.verified,
                         .verification = v.why[0] ? v.why : NULL};
    return policy_evidence_append(ctx, ev, &d, doc);
}

/* Takes the documents added since a failed call out again. */
static void roll_back(vg_policy_evidence *ev, size_t documents, size_t total)
{
    while (json_array_size(ev->documents) > documents) {
        size_t last = json_array_size(ev->documents) - 1;
        json_array_remove(ev->documents, last);
        vg_jtree_free(ev->data[last]);
    }
    ev->total = total;
}

int vg_policy_evidence_add_bytes(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, const char *path,
                                 const char *data, size_t len, int64_t mtime)
{
    size_t documents = json_array_size(ev->documents), total = ev->total;
    int rc = add_document(ctx, ev, kind, path, data ? data : "", len, mtime);
    if (rc)
        roll_back(ev, documents, total);
    return rc;
}

/* ---- files and directories ---- */

static int add_fd(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, int fd, const char *path)
{
    vg_buf buf;
    struct stat st;
    int rc = vg_input_read_fd(ctx, fd, path, "evidence file", ev->max_file, &buf, &st);
    if (rc == VG_OK)
        rc = add_document(ctx, ev, kind, path, buf.data ? buf.data : "", buf.len, (int64_t)st.st_mtim.tv_sec);
    vg_buf_free(&buf);
    return rc;
}

static int open_error(vg_ctx *ctx, const char *path)
{
    int e = errno;
    return vg_error(ctx, e == ENOENT || e == ENOTDIR ? VG_ERR_NOT_FOUND : e == EACCES ? VG_ERR_PERMISSION : VG_ERR_IO,
                    "%s: cannot open the evidence: %s", path, strerror(e));
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int is_evidence_name(const char *name)
{
    return ends_with(name, ".json") || is_yaml_name(name);
}

static int add_entry(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, int parent, const char *name,
                     const char *path, unsigned depth);

/* Adds the evidence files below the directory open at fd (taken). */
static int add_dir(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, int fd, const char *path,
                   unsigned depth)
{
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return open_error(ctx, path);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = VG_OK;
    struct dirent *e;
    errno = 0;
    while (rc == VG_OK && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == VG_POLICY_EVIDENCE_MAX_DOCUMENTS) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: more than %d entries in one directory", path,
                          VG_POLICY_EVIDENCE_MAX_DOCUMENTS);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            names = grown;
        }
        if (!(names[n++] = strdup(e->d_name)))
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
        errno = 0;
    }
    if (rc == VG_OK && errno)
        rc = vg_error(ctx, VG_ERR_IO, "%s: cannot list the directory: %s", path, strerror(errno));
    if (rc == VG_OK)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        size_t plen = strlen(path);
        int slash = plen > 0 && path[plen - 1] == '/';
        size_t size = plen + strlen(names[i]) + 2;
        char *child = malloc(size);
        if (!child) {
            rc = vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", path);
            break;
        }
        snprintf(child, size, "%s%s%s", path, slash ? "" : "/", names[i]);
        rc = add_entry(ctx, ev, kind, dirfd(dir), names[i], child, depth);
        free(child);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(dir);
    return rc;
}

/* One entry of a directory: a directory walked, an evidence file read, a
 * symbolic link with an evidence file's name warned about, anything else
 * left out. */
static int add_entry(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, int parent, const char *name,
                     const char *path, unsigned depth)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return open_error(ctx, path);
    if (S_ISLNK(st.st_mode)) {
        if (is_evidence_name(name))
            vg_warn(ctx, path, "a symbolic link in an evidence directory is not followed");
        return VG_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        if (depth == VG_POLICY_EVIDENCE_MAX_DIR_DEPTH)
            return vg_error(ctx, VG_ERR_LIMIT, "%s: directories nested more than %d levels below the one given", path,
                            VG_POLICY_EVIDENCE_MAX_DIR_DEPTH);
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? open_error(ctx, path) : add_dir(ctx, ev, kind, fd, path, depth + 1);
    }
    if (!S_ISREG(st.st_mode) || !is_evidence_name(name))
        return VG_OK;
    int fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return open_error(ctx, path);
    int rc = add_fd(ctx, ev, kind, fd, path);
    close(fd);
    return rc;
}

int vg_policy_evidence_add(vg_ctx *ctx, vg_policy_evidence *ev, const char *spec)
{
    /* KIND=PATH when the text before the first '=' could be a kind */
    char kind[VG_POLICY_KIND_MAX + 2];
    const char *path = spec, *eq = strchr(spec, '=');
    size_t klen = eq ? (size_t)(eq - spec) : 0;
    int has_kind = klen > 0 && strspn(spec, "abcdefghijklmnopqrstuvwxyz0123456789_-") == klen;
    if (has_kind) {
        snprintf(kind, sizeof kind, "%.*s", (int)(klen < sizeof kind - 1 ? klen : sizeof kind - 1), spec);
        path = eq + 1;
        if (klen > VG_POLICY_KIND_MAX || !vg_policy_kind_valid(kind))
            return vg_error(ctx, VG_ERR_USAGE,
                            "%s: '%.*s' is not a kind name ([a-z][a-z0-9_-]*, at most %d bytes; write a path "
                            "that has an '=' as ./PATH)",
                            spec, (int)klen, spec, VG_POLICY_KIND_MAX);
    }
    if (!*path)
        return vg_error(ctx, VG_ERR_USAGE, "%s: no path given", spec);
    size_t documents = json_array_size(ev->documents), total = ev->total;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return open_error(ctx, path);
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0) {
        rc = open_error(ctx, path);
        close(fd);
    } else if (S_ISDIR(st.st_mode)) {
        rc = add_dir(ctx, ev, has_kind ? kind : NULL, fd, path, 0);
    } else {
        rc = add_fd(ctx, ev, has_kind ? kind : NULL, fd, path);
        close(fd);
    }
    if (rc)
        roll_back(ev, documents, total);
    return rc;
}

/* ---- the set ---- */

int vg_policy_evidence_new(vg_ctx *ctx, const vg_policy_evidence_options *opts, vg_policy_evidence **out)
{
    *out = NULL;
    if (opts && opts->nkeys > VG_POLICY_EVIDENCE_MAX_KEYS)
        return vg_error(ctx, VG_ERR_USAGE, "at most %d public keys", VG_POLICY_EVIDENCE_MAX_KEYS);
    vg_policy_evidence *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->documents = json_array())) {
        free(ev);
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    }
    ev->now = opts ? opts->now : 0;
    ev->max_file = opts && opts->max_file ? opts->max_file : VG_POLICY_EVIDENCE_MAX_FILE;
    for (size_t i = 0; opts && i < opts->nkeys; i++) {
        int rc = vg_key_load_public(ctx, opts->keys[i], &ev->keys[i]);
        if (rc) {
            vg_policy_evidence_free(ev);
            return rc;
        }
        ev->nkeys++;
    }
    *out = ev;
    return VG_OK;
}

const json_t *vg_policy_evidence_documents(const vg_policy_evidence *ev) { return ev->documents; }

const vg_jval *vg_policy_evidence_data(const vg_policy_evidence *ev, size_t i)
{
    return i < json_array_size(ev->documents) ? ev->data[i]->root : NULL;
}

int64_t policy_evidence_now(const vg_policy_evidence *ev) { return ev->now; }

void vg_policy_evidence_free(vg_policy_evidence *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->nkeys; i++)
        vg_key_free(ev->keys[i]);
    for (size_t i = 0; i < json_array_size(ev->documents); i++)
        vg_jtree_free(ev->data[i]);
    free(ev->data);
    json_decref(ev->documents);
    free(ev);
}
