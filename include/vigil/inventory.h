/*
 * inventory.h — what a scan found: the target, its OS, its layers and its
 * components.  All strings and arrays live in inv->arena.
 *
 * Catalogers add components with vg_inventory_add(), one per place a
 * package was found; vg_inventory_finalize() merges the copies of one
 * package into one component carrying every location, sorts them and
 * assigns stable bom-refs, so that every writer sees the same
 * deterministic order.
 */
#ifndef VIGIL_INVENTORY_H
#define VIGIL_INVENTORY_H

#include <stddef.h>
#include <stdint.h>
#include "vigil/arena.h"
#include "vigil/error.h"
#include "vigil/map.h"

typedef enum vg_target_kind {
    VG_TARGET_DIRECTORY = 1,     /* a directory or mounted root filesystem */
    VG_TARGET_ROOTFS_ARCHIVE,    /* a tarball of a root filesystem */
    VG_TARGET_DOCKER_ARCHIVE,    /* `docker save` output */
    VG_TARGET_OCI_LAYOUT,        /* OCI image layout, directory or tar */
    VG_TARGET_SBOM,              /* an existing SBOM file read by sbomread.h */
} vg_target_kind;

typedef struct vg_layer {
    const char *digest;      /* compressed blob digest "sha256:..." or NULL */
    const char *diff_id;     /* digest of the uncompressed tar "sha256:..." */
    const char *media_type;  /* may be NULL */
    const char *created_by;  /* history entry from the image config, or NULL */
    uint64_t size;           /* blob size in bytes */
} vg_layer;

typedef struct vg_target {
    vg_target_kind kind;
    const char *path;         /* as given by the user */
    const char *name;         /* display name: image tag, or the path */
    const char *digest;       /* image manifest digest, or sha256 of an archive; may be NULL */
    const char *image_id;     /* config digest of an image, or NULL */
    const char **tags;        /* repo tags of an image */
    size_t ntags;
    const char *architecture; /* from the image config, or NULL */
    const char *os;           /* from the image config, or NULL */
    vg_layer *layers;         /* in order of application */
    size_t nlayers;
    const char *config;       /* an image's config (OCI config.md), as compact
                                 JSON re-serialised from the blob read; NULL
                                 for other targets (vigil collect image) */
} vg_target;

/* Operating system from os-release (freedesktop.org os-release(5)). */
typedef struct vg_os {
    const char *id;               /* ID, e.g. "debian", "alpine", "rhel" */
    const char *id_like;          /* ID_LIKE, space separated */
    const char *version_id;       /* VERSION_ID, e.g. "12", "3.10.9" */
    const char *version_codename; /* VERSION_CODENAME, e.g. "bookworm" */
    const char *name;             /* NAME */
    const char *pretty_name;      /* PRETTY_NAME */
    const char *cpe_name;         /* CPE_NAME as given */
    const char *home_url;         /* HOME_URL */
} vg_os;

typedef struct vg_property {
    const char *name;  /* "vigil:..." namespaced; see docs/vigil-sbom.1 */
    const char *value;
    struct vg_property *next;
} vg_property;

/* How a component is used, where its metadata says (lock files, manifests). */
typedef enum vg_scope {
    VG_SCOPE_UNKNOWN = 0,  /* not recorded: installed packages */
    VG_SCOPE_REQUIRED,     /* a runtime dependency */
    VG_SCOPE_OPTIONAL,     /* optional / peer dependency */
    VG_SCOPE_DEV,          /* development or test only: not shipped */
} vg_scope;

/* What kind of file a copy of a component was found in.  When copies are
 * merged, the facts (licence, supplier, description ...) of the lowest
 * kind win. */
typedef enum vg_evidence {
    VG_EVIDENCE_INSTALLED = 0, /* installed metadata, a package database, a
                                  binary or an archive: what is on disk */
    VG_EVIDENCE_LOCK,          /* a lock file: what a project resolved */
    VG_EVIDENCE_MANIFEST,      /* a manifest's declaration (go.mod, pom.xml,
                                  requirements.txt, a .csproj) */
} vg_evidence;

/* The widest of two scopes: required over optional over dev; unknown (not
 * recorded) only when both are. */
vg_scope vg_scope_wider(vg_scope a, vg_scope b);

/* One file of a component as it is on disk in the target, hashed when the
 * scan was asked to (vg_scan_options.hash_files, for the BSI TR-03183-2
 * profile, docs/bsi-tr-03183-2.md): the SHA-512 of its bytes and what kind
 * of file it is, from its mode and its first bytes. */
typedef struct vg_file_hash {
    const char *path;     /* relative to the root, without a leading "/" */
    char sha512[129];     /* lowercase hex */
    uint64_t size;        /* bytes hashed */
    unsigned executable;  /* an executable bit is set, or an ELF / PE / Mach-O header */
    unsigned archive;     /* a container of files: zip (jar, wheel), tar, ar (deb),
                             cpio, rpm, 7z, or a compressed tar by its name */
} vg_file_hash;

typedef struct vg_component {
    const char *type;        /* purl type and ecosystem: "deb", "apk", "rpm", ... */
    const char *name;
    const char *version;     /* full version as the package manager shows it */
    const char *arch;        /* may be NULL */
    const char *purl;        /* package URL, set by the cataloger */
    const char *cpe;         /* CPE 2.3 formatted string, or NULL */
    const char *license;     /* declared licence, as found (SPDX or not) */
    const char *supplier;    /* maintainer, vendor or packager, or NULL */
    const char *description; /* one-line summary, or NULL */
    const char *homepage;    /* URL, or NULL */
    const char *source_name; /* source package (deb Source, rpm SOURCERPM, apk origin) */
    const char *source_version;
    /* Where it was found: paths of files relative to the root.  Catalogers
     * set location (and may add more with vg_component_add_location());
     * after vg_inventory_finalize(), locations holds every place any copy
     * of the package was found, sorted and unique, and location is
     * locations[0], the primary location that single-location readers show. */
    const char *location;
    const char **locations;
    size_t nlocations;
    vg_evidence evidence;    /* the kind of file location is (of the copy whose facts won) */
    const char *cataloger;   /* name of the cataloger that found it */
    const char **files;      /* files the package owns, absolute paths in the target */
    size_t nfiles;
    vg_property *properties; /* extra facts, any order; writers sort them */
    int layer;               /* index into target.layers of the layer that introduced it, or -1 */
    vg_scope scope;
    int application;         /* 1: an application root (the project a lock file or
                                manifest describes, a Go main module), not a library */
    const char *bom_ref;     /* assigned by vg_inventory_finalize() */
    /* The component's deployable files as hashed (vg_component_deployable()),
     * sorted by path; set by vg_inventory_finalize() from inv->file_hashes,
     * empty when the scan did not hash or none of them could be read. */
    const vg_file_hash **hashes;
    size_t nhashes;
} vg_component;

typedef enum vg_edge_kind {
    VG_EDGE_DEPENDS_ON = 1, /* from needs to (lock files, installed metadata) */
    VG_EDGE_CONTAINS,       /* from owns the files of to (an OS package that
                               installed a Python distribution; an application
                               root and its locked dependencies) */
} vg_edge_kind;

typedef struct vg_edge {
    vg_component *from, *to;
    vg_edge_kind kind;
} vg_edge;

typedef struct vg_inventory {
    vg_arena arena;
    vg_target target;
    vg_os os;
    int has_os;
    vg_component **components;
    size_t ncomponents;
    size_t components_cap;
    vg_edge *edges;   /* sorted and unique after vg_inventory_finalize() */
    size_t nedges;
    size_t edges_cap;
    int incomplete; /* set when warnings were recorded while building it */
    /* path (relative, no leading "/") -> vg_file_hash *, filled by the source
     * when vg_scan_options.hash_files is set, for the paths
     * vg_component_deployable() names; values live in arena. */
    vg_map file_hashes;
    int hashed;     /* the scan hashed the deployable files */
} vg_inventory;

void vg_inventory_init(vg_inventory *inv);
void vg_inventory_free(vg_inventory *inv);
/* A new zeroed component (layer = -1) appended to inv; NULL on OOM. */
vg_component *vg_inventory_add(vg_inventory *inv);
/* Adds property name=value to c (value copied into the arena).  VG_OK or VG_ERR_NOMEM. */
int vg_component_set_property(vg_inventory *inv, vg_component *c, const char *name, const char *value);
/* Adds path (copied into the arena) to the places c was found, beside
 * c->location.  VG_OK or VG_ERR_NOMEM. */
int vg_component_add_location(vg_inventory *inv, vg_component *c, const char *path);
/* Records that from relates to to.  VG_OK or VG_ERR_NOMEM. */
int vg_inventory_add_edge(vg_inventory *inv, vg_component *from, vg_component *to, vg_edge_kind kind);
/* Whether path (relative or absolute in the target) is a deployable file of
 * c, the file whose bytes are the component (BSI TR-03183-2 §5.2.2 "hash
 * value of the deployable component"): any file an OS package owns
 * (c->files), or, for a component without owned files found as installed
 * (evidence VG_EVIDENCE_INSTALLED), a location that is the artifact itself:
 * a Java archive (not one nested in another: vigil:java:path has "!/"), a wheel or egg, a .gem, an npm .tgz, a .nupkg, or the
 * binary a Go or Rust cataloger read build information from.  A package's
 * metadata file (dpkg status, METADATA, package.json, a lock file) is not. */
int vg_component_deployable(const vg_component *c, const char *path);

/* Call once, after all catalogers.  In order:
 *  1. adds a CONTAINS edge from every OS package (deb, apk, rpm) to each
 *     component with a location that is a file that package owns;
 *  2. merges the copies of one package into one component (docs/formats.md,
 *     "One component per package").  The identity of a copy is its purl
 *     (with a version) plus the first OS package that owns it, plus for
 *     maven its archive's content fingerprint (vigil:java:fingerprint) and
 *     for golang its module hash (vigil:go:sum); a copy without that digest
 *     joins the copies that have one when they all agree.  Components
 *     without a versioned purl merge only with exact duplicates (same type,
 *     name, version, arch, location and purl).  The merged component takes
 *     each fact from the first copy that has it, copies ordered by
 *     evidence then by sort order; locations, files and properties are the
 *     union; layer the lowest; scope the widest known one (required over
 *     optional over dev); application if any copy is one; edges of every
 *     copy move to it;
 *  3. sorts components by (type, name, version, arch, location) and edges
 *     by (from, kind, to) in component order, without repeats;
 *  4. assigns bom_ref: the purl when no other component has it, else the
 *     purl and what tells the copies apart (owner, digest or location);
 *  5. with inv->hashed, points each component's hashes at the entries of
 *     inv->file_hashes of its deployable files. */
int vg_inventory_finalize(vg_ctx *ctx, vg_inventory *inv);

#endif
