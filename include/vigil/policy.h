/*
 * policy.h — the policy rule engine: one Lua 5.4 rule run in a sandbox.
 *
 * A rule is Lua source text.  vg_policy_rule_compile() gives it a Lua state
 * of its own (nothing is shared between rules), with only the safe parts of
 * the standard library, and runs the file's top level; vg_policy_rule_run()
 * then calls one of the functions it defined with the evidence, handed over
 * as read-only tables, and converts the value it returns to JSON.  Every
 * call into the rule is bounded by the limits below; a rule that exceeds
 * one, raises an error or returns something JSON cannot hold gives an error
 * status with a message naming the rule file, the line and the cause — it
 * never aborts the process and never affects another rule.
 * docs/policy.md ("The sandbox") is the user's description.
 * The evidence documents a run hands to its rules are loaded, typed and
 * verified by the functions of the last section.
 */
#ifndef VIGIL_POLICY_H
#define VIGIL_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vigil/error.h"
#include "vigil/jtree.h"

/* Defaults of vg_policy_limits; docs/policy.md says why these values. */
#define VG_POLICY_DEFAULT_MEMORY (64u * 1024 * 1024)      /* bytes of the rule's Lua state */
#define VG_POLICY_DEFAULT_INSTRUCTIONS 100000000ull      /* VM instructions per call */
#define VG_POLICY_DEFAULT_CALL_DEPTH 200                 /* nested calls */

#define VG_POLICY_MAX_SOURCE (1024u * 1024)     /* bytes of rule text */
#define VG_POLICY_RESULT_MAX_DEPTH 64           /* nesting of a returned value */
#define VG_POLICY_RESULT_MAX_VALUES 1000000     /* JSON values in a returned value */
#define VG_POLICY_MAX_ARGS 8                    /* arguments of vg_policy_rule_call() */

typedef struct vg_policy_limits {
    size_t memory;         /* bytes the rule's whole Lua state may hold */
    uint64_t instructions; /* VM instructions per call into the rule (top level, each run),
                              with the work of library functions charged to it */
    unsigned call_depth;   /* nested function calls */
} vg_policy_limits;

/* Fills out with the VG_POLICY_DEFAULT_* values. */
void vg_policy_limits_default(vg_policy_limits *out);

/* One compiled rule in its own sandbox. */
typedef struct vg_policy_rule vg_policy_rule;

/* Compiles the rule text (len bytes, at most VG_POLICY_MAX_SOURCE; Lua
 * source only: precompiled chunks are refused) and runs its top level.
 * file names the rule in every message.  limits may be NULL for the
 * defaults; a zero member is an error (there is no "unlimited").
 * On VG_OK, *out is the rule, to be freed with vg_policy_rule_free();
 * on error *out is NULL and ctx says why:
 *   VG_ERR_FORMAT  the text does not compile, or is bytecode
 *   VG_ERR_LIMIT   the top level exceeded a limit
 *   VG_ERR_RULE    the top level raised an error
 *   VG_ERR_NOMEM, VG_ERR_USAGE */
int vg_policy_rule_compile(vg_ctx *ctx, const char *file, const char *text, size_t len,
                           const vg_policy_limits *limits, vg_policy_rule **out);

/* Calls the rule's global function `function` with one argument, the
 * evidence (read-only; borrowed: it must not change or be freed during the
 * call, and the rule cannot keep it past the call), and converts the first
 * value it returns to JSON: nil -> null, vigil.null -> null, booleans,
 * integers -> JSON integers, other numbers -> JSON reals (not NaN or
 * infinite), UTF-8 strings, a table with the keys 1..n -> array (an empty
 * table -> []), a table with string keys -> object (members sorted by key),
 * evidence tables -> the evidence value itself.
 * On VG_OK *out is a new reference owned by the caller; on error *out is
 * NULL and the message names the rule file and the cause:
 *   VG_ERR_LIMIT   instruction, memory or call-depth limit exceeded
 *   VG_ERR_RULE    a runtime error, no such function, or a value JSON
 *                  cannot hold (functions, cycles, mixed keys, ...)
 *   VG_ERR_NOMEM
 * The rule stays usable after an error: the next run starts with fresh
 * counters (its memory is what it still holds). */
int vg_policy_rule_run(vg_ctx *ctx, vg_policy_rule *rule, const char *function, json_t *evidence,
                       json_t **out);

/* As vg_policy_rule_run() with nargs arguments (at most VG_POLICY_MAX_ARGS;
 * a NULL member is nil), each borrowed for the call as the evidence is. */
int vg_policy_rule_call(vg_ctx *ctx, vg_policy_rule *rule, const char *function, json_t *const *args,
                        size_t nargs, json_t **out);

/* The value of the rule's global `name`, converted to JSON by the rules of
 * vg_policy_rule_run() (an absent global is JSON null).  Runs no rule code:
 * the global table is a plain table.  Used to read the rule's declaration. */
int vg_policy_rule_global(vg_ctx *ctx, vg_policy_rule *rule, const char *name, json_t **out);

void vg_policy_rule_free(vg_policy_rule *rule);

/* ---- Running rules (engine.c) ----------------------------------------------------
 * A vg_policy holds the rules of a run: rule files added one by one or a
 * pack (a directory of *.lua files, in name order) at a time.  Each rule
 * file defines a table `rule` (its declaration) and check(evidence,
 * params, run); docs/policy.md describes both ("Rule files") and the
 * results document ("The results document", whose JSON Schema is
 * docs/policy-results.schema.json). */

#define VG_POLICY_MAX_JOBS 16
#define VG_POLICY_RESULTS_VERSION 1 /* "vigil-policy-results" of the results document */

typedef struct vg_policy vg_policy;

/* limits may be NULL for the defaults; they apply to every rule added. */
int vg_policy_new(vg_ctx *ctx, const vg_policy_limits *limits, vg_policy **out);
void vg_policy_free(vg_policy *p);

/* The directory of the built-in packs and the catalogue: $VIGIL_POLICY_DIR
 * when set, else where vigil was installed them (the source tree's policy/
 * for a build that was not installed). */
const char *vg_policy_data_dir(void);

/* Adds the rule file at path, compiled and its declaration checked, as a
 * member of the pack named pack (may be NULL).  VG_ERR_RULE (bad
 * declaration), VG_ERR_FORMAT / VG_ERR_LIMIT (does not compile), VG_ERR_USAGE
 * (an id already in the run), VG_ERR_NOT_FOUND, VG_ERR_IO, VG_ERR_NOMEM. */
int vg_policy_add_rule(vg_ctx *ctx, vg_policy *p, const char *path, const char *pack);

/* Adds every rule file of a pack: a built-in pack's name (no '/') or a
 * directory. */
int vg_policy_add_pack(vg_ctx *ctx, vg_policy *p, const char *pack);

size_t vg_policy_rule_count(const vg_policy *p);

/* The declaration of rule i (in the order added) as the results document
 * gives it: id, title, severity, requirements, evidence, optional,
 * rationale, pack, file, sha256.  Borrowed; NULL past the end. */
const json_t *vg_policy_rule_declaration(const vg_policy *p, size_t i);

/* Checks a policy configuration (vigil-policy.yaml as JSON: packs,
 * parameters, rules.ID.{enabled,severity,params}) against the rules added:
 * an unknown rule id, parameter name or a value of another type than the
 * default is VG_ERR_USAGE.  vg_policy_evaluate() checks it again. */
int vg_policy_configure(vg_ctx *ctx, vg_policy *p, const json_t *config);

/* An RFC 3339 date-time or a date (00:00 UTC), or the ISO 8601 forms
 * docs/policy.md lists for vigil.time, into whole seconds since the epoch
 * (rounded down); -1 when s is none of them. */
int vg_policy_parse_time(const char *s, int64_t *out);

/* Whether s has the form of a requirement id of the catalogue,
 * FRAMEWORK:REF (letters, digits, '.', '-'); not whether the catalogue
 * holds it. */
int vg_policy_requirement_valid(const char *s);

/* The predicate type of a manual attestation (`vigil evidence attest`;
 * docs/policy.md "Manual attestations"), and its evidence kind. */
#define VG_POLICY_MANUAL_PREDICATE "https://vigil.dev/attestations/manual/v1"
#define VG_POLICY_MANUAL_KIND "manual"

/* 0 (info) .. 4 (critical), or -1 for anything else. */
int vg_policy_severity_rank(const char *severity);

typedef struct vg_policy_run_options {
    int64_t now;              /* the run's time, seconds since the epoch (UTC) */
    const json_t *config;     /* the policy configuration, or NULL */
    const char *config_path;
    const json_t *waivers;    /* list of waivers, or NULL */
    const char *waivers_path;
    const json_t *baseline;   /* a previous results document, or NULL */
    const char *baseline_path;
    const char *tool_version;
    unsigned jobs;            /* rules run at once; 0: one per processor, at most VG_POLICY_MAX_JOBS */
    int last;                 /* 1: p's last run; each rule's Lua state is closed as soon as the rule has
                                 run, which gives its memory back at once (a later run of p fails) */
} vg_policy_run_options;

typedef struct vg_policy_evidence vg_policy_evidence;

/* Runs every enabled rule over the evidence documents of ev (NULL: none;
 * borrowed) and makes the results document in *out.  A rule that fails
 * gives `error` results; only a problem of the run itself (bad
 * configuration, waivers or baseline: the message names the file; memory)
 * is an error of this function. */
int vg_policy_evaluate(vg_ctx *ctx, vg_policy *p, const vg_policy_evidence *ev, const vg_policy_run_options *o,
                       json_t **out);

/* ---- Rule tests (testing.c) ------------------------------------------------------ */

/* Loads the evidence file an entry of a test case names ("path", "kind",
 * maybe "format"): the caller decides where paths are relative to.  n is
 * the entry's number, for the document's id ("e" n). */
typedef int (*vg_policy_test_loader)(vg_ctx *ctx, void *arg, const json_t *entry, const char *where, size_t n,
                                     json_t **doc);

typedef struct vg_policy_test_options {
    vg_policy_test_loader load; /* NULL: only documents written in the case */
    void *load_arg;
    const char *tool_version;
} vg_policy_test_options;

/* Runs one test case (a JSON object: name, now, evidence, config, waivers,
 * expect; docs/policy.md "Testing rules") with the rules of p it expects
 * results of.  where names the case in messages ("FILE: test N").  On
 * VG_OK *report is {name, where, passed, failures: [text], and the run's
 * results, requirements and manual attestations}; a
 * malformed case or evidence that cannot be loaded is an error. */
int vg_policy_test_case(vg_ctx *ctx, vg_policy *p, const json_t *tc, const char *where,
                        const vg_policy_test_options *o, json_t **report);

/* Applies a JSON Patch (RFC 6902: add, remove, replace, test) to *doc,
 * which it may replace.  where names the patch in messages. */
int vg_json_patch(vg_ctx *ctx, json_t **doc, const json_t *patch, const char *where);

/* ---- The control catalogue ------------------------------------------------
 *
 * The catalogue (policy/catalogue.json; policy/README.md is its format,
 * docs/controls.md the user's description) is the tree of legal
 * requirements rules declare they evidence: NIS2 Art. 21, the annex of
 * Implementing Regulation (EU) 2024/2690 and CRA Annex I.  It is data that
 * ships with vigil, in vg_policy_data_dir(): the source tree's policy/ for
 * the vigil of a build tree, ${datadir}/vigil/policy for the one
 * `cmake --install` installs (CMakeLists.txt compiles the file that
 * defines it once for each), unless $VIGIL_POLICY_DIR says otherwise. */

#define VG_CATALOGUE_MAX_SIZE (8u * 1024 * 1024) /* bytes of a catalogue file */
#define VG_CATALOGUE_MAX_ENTRIES 10000           /* requirements */
#define VG_CATALOGUE_MAX_DEPTH 8                 /* levels below a framework's top */
#define VG_CATALOGUE_MAX_ID 64                   /* bytes of an id */
#define VG_CATALOGUE_MAX_REF 64                  /* bytes of a ref */
#define VG_CATALOGUE_MAX_TITLE 160               /* characters of a title */

/* One requirement.  Every pointer is borrowed from the catalogue and
 * lives as long as it. */
typedef struct vg_control {
    const char *id;                   /* "ir2024-2690:6.10.2": FRAMEWORK:NUMBER */
    const char *framework;            /* "nis2", "ir2024-2690" or "cra" */
    const char *ref;                  /* "Annex, 6.10.2", as a lawyer cites it */
    const char *title;                /* a short paraphrase, never the legal text */
    const struct vg_control *parent;  /* the enclosing entry; NULL at a framework's top */
    const struct vg_control *first_child, *next_sibling; /* NULL when none, in document order */
    const struct vg_control *const *nis2; /* ir2024-2690 only: the NIS2 Art. 21(2) points
                                             it implements (never empty there) */
    size_t nnis2;
    size_t index;                     /* position in document order, from 0 */
    unsigned depth;                   /* 0 at a framework's top */
} vg_control;

/* The legal text a framework's entries come from. */
typedef struct vg_catalogue_source {
    const char *framework, *title, *celex, *oj, *url;
} vg_catalogue_source;

typedef struct vg_catalogue vg_catalogue;

/* The frameworks a catalogue may hold, in document order, NULL-terminated:
 * "nis2", "ir2024-2690", "cra". */
extern const char *const vg_catalogue_frameworks[];

/* Reads and validates the catalogue in data[0..len) (at most
 * VG_CATALOGUE_MAX_SIZE bytes); name names it in every message.  Strict:
 * members the format does not have, a version that is not YYYY.MM.N, an
 * unknown framework, an id that is not FRAMEWORK:NUMBER of its own
 * framework or is not unique, a parent that is not an earlier entry of the
 * same framework, a title that is empty, longer than
 * VG_CATALOGUE_MAX_TITLE characters or holds control characters, an
 * annex entry without its NIS2 points, a framework without its source:
 * each is VG_ERR_FORMAT naming the entry; VG_ERR_LIMIT past the limits
 * above; VG_ERR_NOMEM.  On VG_OK *out is the catalogue, freed with
 * vg_catalogue_free(); on error *out is NULL. */
int vg_catalogue_parse(vg_ctx *ctx, const char *name, const char *data, size_t len, vg_catalogue **out);

/* As vg_catalogue_parse() on the file at path, or on
 * vg_policy_data_dir()/catalogue.json when path is NULL.  Also
 * VG_ERR_NOT_FOUND, VG_ERR_PERMISSION, VG_ERR_IO naming the file. */
int vg_catalogue_load(vg_ctx *ctx, const char *path, vg_catalogue **out);

void vg_catalogue_free(vg_catalogue *cat);

/* The catalogue's version ("2026.12.1") and the file it was read from
 * (the name given to vg_catalogue_parse()). */
const char *vg_catalogue_version(const vg_catalogue *cat);
const char *vg_catalogue_path(const vg_catalogue *cat);

/* The number of requirements, and the i-th in document order (NULL past
 * the end): a parent always comes before its children. */
size_t vg_catalogue_count(const vg_catalogue *cat);
const vg_control *vg_catalogue_at(const vg_catalogue *cat, size_t i);

/* The requirement with this id, or NULL. */
const vg_control *vg_catalogue_find(const vg_catalogue *cat, const char *id);

/* The first child of parent, or with parent NULL the first top-level
 * requirement of any framework; walk on with ->next_sibling.  NULL when
 * there is none. */
const vg_control *vg_catalogue_children(const vg_catalogue *cat, const vg_control *parent);

/* The source of framework, or NULL when the catalogue has none. */
const vg_catalogue_source *vg_catalogue_source_of(const vg_catalogue *cat, const char *framework);

/* The document `vigil controls -o json` writes (docs/controls.md; schema
 * docs/controls.schema.json): the requirements of the frameworks named
 * (nframeworks 0: all), in document order, each with its depth and, for
 * the parents, its number of numbered requirements (leaves).  With rules
 * (an array of rule declarations as vg_policy_rule_declaration() gives
 * them; id, requirements, pack and file are read), each requirement also
 * gets the ids of the rules that declare it and whether it is covered,
 * each parent how many of its leaves are, and the summary counts covered
 * leaves per framework; the document lists the rules too.
 * A rule that names a requirement the catalogue does not have is
 * VG_ERR_RULE naming the rule's file and the id; an unknown framework
 * VG_ERR_USAGE.  *out is a new reference. */
int vg_catalogue_report(vg_ctx *ctx, const vg_catalogue *cat, const char *const *frameworks, size_t nframeworks,
                        const json_t *rules, json_t **out);

/* ---- Evidence documents (detect.c, store_evidence.c) --------------------
 *
 * The documents a run reads: JSON and YAML files, typed by a detector or
 * by the user (KIND=PATH), signed ones verified with the trusted keys
 * before any rule sees them, and the inventory of a store.  Each is one
 * JSON object, in the order loaded:
 *   {"id": "e1", "kind", "format", "path", "sha256" (of the exact bytes
 *    read), "size", "collected" (RFC 3339 UTC), "verified" and
 *    "verification" (kinds attestation, provenance and manual)}
 * and its content ("data" to the rules), kept as a read-only tree
 * (vigil/jtree.h): a scan report of 20 000 findings is one arena, not
 * 600 000 jansson values.
 * docs/policy.md ("Evidence kinds") says how each kind is detected, what
 * its format values are, what data holds and which time is "collected".
 * Problems that do not stop a run (an untyped document, an attestation
 * that does not verify, a document time that is no RFC 3339 time) are
 * vg_warn()ed on the ctx of the call, with the file as path.
 */

#define VG_POLICY_EVIDENCE_MAX_FILE ((size_t)512 << 20)   /* default: bytes of one file */
#define VG_POLICY_EVIDENCE_MAX_TOTAL ((size_t)2 << 30)    /* bytes of all files of a set */
#define VG_POLICY_EVIDENCE_MAX_DOCUMENTS 100000           /* documents in a set */
#define VG_POLICY_EVIDENCE_MAX_DIR_DEPTH 32               /* directories below a given one */
#define VG_POLICY_EVIDENCE_MAX_KEYS 64                    /* trusted public keys */
#define VG_POLICY_KIND_MAX 32                             /* bytes of a kind name */

typedef struct vg_policy_evidence vg_policy_evidence;

typedef struct vg_policy_evidence_options {
    const char *const *keys; /* paths of the PEM public keys (Ed25519, ECDSA P-256)
                                signed evidence is verified with; any one may verify */
    size_t nkeys;
    int64_t now;             /* the run's time, Unix seconds: when the store was read */
    size_t max_file;         /* largest file read; 0: VG_POLICY_EVIDENCE_MAX_FILE */
} vg_policy_evidence_options;

/* A new, empty set of evidence documents in *out (free it with
 * vg_policy_evidence_free()); the keys are loaded now: VG_ERR_NOT_FOUND,
 * VG_ERR_FORMAT, VG_ERR_UNSUPPORTED ... naming a key file that cannot be
 * used, VG_ERR_USAGE for more than VG_POLICY_EVIDENCE_MAX_KEYS. */
int vg_policy_evidence_new(vg_ctx *ctx, const vg_policy_evidence_options *opts, vg_policy_evidence **out);

/* Adds the documents of spec: "PATH" or "KIND=PATH" (KIND a kind name, see
 * vg_policy_kind_valid(); a PATH whose text before an '=' could be a kind
 * is written ./PATH).  PATH is a file, read whatever its name, or a
 * directory, walked depth first with the entries of each directory in
 * byte order of their names, reading the files named *.json, *.yaml and
 * *.yml and leaving out names that start with '.' and symbolic links
 * (warned about), at most VG_POLICY_EVIDENCE_MAX_DIR_DEPTH levels down.
 * A file named *.yaml or *.yml is YAML (read with vg_yaml_read(),
 * vigil/yaml.h), any other JSON (vg_json_parse(), vigil/json.h).  With KIND, each
 * document must be of that kind: an untyped document takes it unless it
 * is one of the kinds vigil detects (sbom, scan, vex, attestation,
 * provenance, inventory, manual, document).  All or nothing: on an error
 * the set is as it was, and the message names the file and the problem:
 *   VG_ERR_NOT_FOUND, VG_ERR_PERMISSION, VG_ERR_IO  a file that cannot be read
 *   VG_ERR_FORMAT  not JSON or YAML (as its name says), a document that is
 *                  not the KIND given, a malformed collector document
 *   VG_ERR_UNSUPPORTED  YAML vg_yaml_read() does not take (merge keys,
 *                  several documents), a file name that is not UTF-8
 *   VG_ERR_LIMIT   a file larger than opts->max_file, nesting past
 *                  vg_json_parse()'s or vg_yaml_read()'s bounds, YAML
 *                  aliases expanding too far, or past the set's bounds
 *                  (documents, total bytes, directory depth)
 *   VG_ERR_USAGE   a bad KIND, an empty PATH
 *   VG_ERR_NOMEM */
int vg_policy_evidence_add(vg_ctx *ctx, vg_policy_evidence *ev, const char *spec);

/* Adds one document from memory, as vg_policy_evidence_add() adds a file:
 * data[0..len) are the file's bytes, path names it (and says YAML or JSON
 * by its ending), mtime is its modification time (Unix seconds), kind is
 * the KIND given, or NULL. */
int vg_policy_evidence_add_bytes(vg_ctx *ctx, vg_policy_evidence *ev, const char *kind, const char *path,
                                 const char *data, size_t len, int64_t mtime);

/* Adds one document of kind "inventory" read from the open store: its
 * assets (name, kind, owner, environment, tags, snapshots, latest
 * snapshot) and each one's open findings with their first-seen times, as
 * vg_store_list() and vg_store_show() give them.  url names the store
 * (its passwords are left out of "path"); "sha256" and "size" are those of
 * data as compact JSON with sorted keys; "collected" is opts->now.
 * Errors: the store's. */
struct vg_store;
int vg_policy_evidence_add_store(vg_ctx *ctx, vg_policy_evidence *ev, struct vg_store *store, const char *url);

/* The documents, an array in load order, without their content (borrowed:
 * valid until the next add or the free; do not change it). */
const json_t *vg_policy_evidence_documents(const vg_policy_evidence *ev);

/* The content of document i (from 0), or NULL past the last; valid as
 * long as the set. */
const vg_jval *vg_policy_evidence_data(const vg_policy_evidence *ev, size_t i);

/* Adds a document made elsewhere (a test case's, a fuzzer's): an object
 * with the members the list above has, as given (at least "id" and
 * "kind"), and "data", its content.  VG_ERR_USAGE when it has no id or
 * kind, VG_ERR_LIMIT, VG_ERR_NOMEM. */
int vg_policy_evidence_add_document(vg_ctx *ctx, vg_policy_evidence *ev, const json_t *doc);

void vg_policy_evidence_free(vg_policy_evidence *ev);

/* 1 when name is a kind name: [a-z][a-z0-9_-]*, at most VG_POLICY_KIND_MAX bytes. */
int vg_policy_kind_valid(const char *name);

#endif
