/*
 * cli.h — the vigil command: one cmd_NAME() per subcommand (cli/cmd_NAME.c),
 * listed in the table in cli/main.c.  Only cli/ prints and exits.
 *
 * Exit statuses, the same for every command (docs/vigil.1):
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdio.h>
#include "vigil/vigil.h"
#include "vigil/attest.h"

enum {
    EXIT_OK = 0,         /* done, complete */
    EXIT_FAILURE_ = 1,   /* the job failed; nothing was written */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INCOMPLETE = 3, /* output written, but parts of the input could not be read */
    EXIT_VERIFY = 4,     /* verification failed (verify, verify-blob) */
    EXIT_POLICY = 5,     /* a gate failed (scan --fail-on) */
};

/* 1 in the sanitizer builds, where a command frees everything it made
 * before it returns so that the leak checker can see what was not; 0
 * otherwise, where a command whose process ends may leave large
 * structures to the kernel (policy eval). */
#if defined(__SANITIZE_ADDRESS__)
#define CLI_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLI_FREE_AT_EXIT 1
#endif
#endif
#ifndef CLI_FREE_AT_EXIT
#define CLI_FREE_AT_EXIT 0
#endif

/* Subcommands.  argv[0] is the subcommand name. */
int cmd_sbom(int argc, char **argv);
int cmd_sbom_check(int argc, char **argv); /* `vigil sbom check`: cmd_sbom_check.c */
int cmd_scan(int argc, char **argv);       /* cmd_scan.c */
int cmd_convert(int argc, char **argv);    /* cmd_convert.c */
int cmd_key(int argc, char **argv);         /* cmd_key.c */
int cmd_attest(int argc, char **argv);      /* cmd_attest.c */
int cmd_verify(int argc, char **argv);      /* cmd_verify.c */
int cmd_provenance(int argc, char **argv);  /* cmd_provenance.c */
int cmd_sign_blob(int argc, char **argv);   /* cmd_blob.c */
int cmd_verify_blob(int argc, char **argv); /* cmd_blob.c */
int cmd_db(int argc, char **argv);          /* cmd_db.c */
int cmd_monitor(int argc, char **argv);     /* cmd_monitor.c */
int cmd_store(int argc, char **argv);       /* cmd_store.c */
int cmd_inventory(int argc, char **argv);   /* cmd_inventory.c */
int cmd_worker(int argc, char **argv);      /* cmd_worker.c */
int cmd_policy(int argc, char **argv);      /* cmd_policy.c */
int cmd_evidence(int argc, char **argv);    /* cmd_evidence.c */
int cmd_controls(int argc, char **argv);    /* cmd_controls.c */
int cmd_collect(int argc, char **argv);     /* cmd_collect.c */
int cmd_incident(int argc, char **argv);    /* cmd_incident.c */
int cmd_supplier(int argc, char **argv);    /* cmd_supplier.c: the table of supplier subcommands */
/* collect kinds in their own files (cli/collect_KIND.c); argv[0] is the kind */
int cli_collect_binaries(int argc, char **argv); /* collect_binaries.c */
int cli_collect_tls(int argc, char **argv); /* collect_tls.c */
int cli_collect_host(int argc, char **argv); /* collect_host.c */
int cli_collect_securitytxt(int argc, char **argv); /* collect_securitytxt.c */
int cli_collect_image(int argc, char **argv); /* collect_image.c */
int cli_collect_backup(int argc, char **argv); /* collect_backup.c */
int cli_collect_identity(int argc, char **argv); /* collect_identity.c */
int cli_collect_repo(int argc, char **argv); /* collect_repo.c */
int cli_collect_iac(int argc, char **argv);         /* collect_iac.c */
/* --timeout SECONDS of a collector as milliseconds; -1, with the error printed, when not a number from
 * 0.001 to 600 (cmd_collect.c). */
int cli_collect_timeout(const char *text);
struct json_t;
/* Writes the collector document doc (include/vigil/collect.h) to output
 * (NULL or "-": standard output) as the other outputs are written, prints
 * ctx's warnings and each "unchecked" item, and returns the exit status:
 * EXIT_OK, EXIT_INCOMPLETE when something was not checked, EXIT_FAILURE_
 * (message printed) when nothing could be written. */
int cli_collect_write(vg_ctx *ctx, struct json_t *doc, const char *output);
/* The end of a collector's command: the error of rc, or doc written to output
 * (cli_collect_write); frees doc and ctx; the exit status (cmd_collect.c). */
int cli_collect_finish(vg_ctx *ctx, int rc, struct json_t *doc, const char *output);
/* inventory subcommands in their own files; argv[0] is the subcommand */
int cmd_inventory_diff(int argc, char **argv);     /* cmd_inventory_diff.c */
int cmd_inventory_affected(int argc, char **argv); /* cmd_inventory_affected.c */
int cmd_inventory_maintain(int argc, char **argv); /* rescan, sla, prune: cmd_inventory_rescan.c */
/* supplier subcommands in their own files; argv[0] is the subcommand */
int cmd_supplier_unmapped(int argc, char **argv); /* cmd_supplier_risk.c */
int cmd_supplier_risk(int argc, char **argv);     /* cmd_supplier_risk.c */
int cmd_supplier_diligence(int argc, char **argv); /* cmd_supplier_diligence.c */
/* policy subcommands in their own files; argv[0] is the subcommand */
int cmd_policy_evidence(int argc, char **argv);    /* cmd_policy_evidence.c */
int cmd_policy_history(int argc, char **argv);     /* cmd_policy_history.c */
/* The documents of ev as a new array, with their content ("data") for
 * all, none, or those that have no file (cmd_policy_evidence.c); NULL when
 * out of memory. */
enum { CLI_DATA_NONE, CLI_DATA_ALL, CLI_DATA_NO_FILE };
struct vg_policy_evidence;
struct json_t *cli_policy_documents(const struct vg_policy_evidence *ev, int which);
/* `vigil policy eval --scope NAME` (cmd_policy_history.c):
 * cli_policy_scope_ok() checks NAME (0, or -1 with the message printed);
 * cli_policy_keep() keeps the results document doc, as `-o json` writes
 * it, as the next run of the scope in the store url (NULL: $VIGIL_STORE,
 * else the default), and returns status, or EXIT_FAILURE_ with the
 * message printed when it could not be kept. */
int cli_policy_scope_ok(const char *scope);
struct json_t;
int cli_policy_keep(const char *url, const char *scope, const struct json_t *doc, int status);

/* Attestation helpers (cmd_key.c).  attest_cli_load_private_key() loads a
 * signing key, taking the passphrase of an encrypted key from VIGIL_PASSWORD
 * or a no-echo prompt on /dev/tty (never from the command line); use it for
 * `--attest KEY`.  attest_cli_read_file() reads a whole file (or "-" for
 * stdin) of at most max bytes into out (initialised by the call). */
int attest_cli_load_private_key(vg_ctx *ctx, const char *path, vg_key **out);
int attest_cli_read_file(vg_ctx *ctx, const char *path, size_t max, vg_buf *out);

/* vigil.toml (cli/product.c): the text of --config FILE (given) or, when
 * given is NULL, of ./vigil.toml into *text (initialised by the call; no
 * data when there is no ./vigil.toml, which is no error), the path read
 * in *path.  EXIT_OK, or EXIT_USAGE with the message printed. */
#define CLI_CONFIG_MAX ((size_t)1 << 20)
int cli_config_read(const char *given, vg_buf *text, const char **path);

/* Prints "vigil: MESSAGE\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the warnings recorded in ctx to stderr, one per line. */
void cli_print_warnings(const vg_ctx *ctx);
/* One -o FORMAT[=FILE] of a command. */
typedef struct cli_output {
    int format;       /* the command's format enum */
    const char *path; /* NULL: standard output */
} cli_output;

/* Cuts arg, the FORMAT[=FILE] of -o, at '=' so that arg names the format;
 * returns FILE, or NULL when there is no '='. */
const char *cli_output_cut(char *arg);
/* Adds (format, file) to outputs[*n]; file is what cli_output_cut returned,
 * NULL or "-" meaning standard output.  -1, with a message naming
 * format_name, past max outputs, for an empty file name, or when that file
 * (or standard output) already has an output. */
int cli_output_add(cli_output *outputs, size_t *n, size_t max, const char *format_name, int format,
                   const char *file);
/* The SBOM format named by name, FORMAT[@VERSION] (vg_format_from_name);
 * 0, with a message naming known (the formats the command writes) or the
 * versions accepted, when it is unknown. */
vg_format cli_sbom_format(const char *name, const char *known);
/* --exclude GLOB of sbom and scan: checks pattern (vg_scan_exclude_check)
 * and adds it to opts, whose exclude array is excludes[CLI_MAX_EXCLUDES].
 * -1, with a message, for a bad pattern or one too many. */
#define CLI_MAX_EXCLUDES 256
int cli_exclude_add(vg_scan_options *opts, const char **excludes, const char *pattern);
/* Writes docs[i] to outputs[i].path and, when bundles[i] holds an
 * attestation, that to PATH.sigstore.json, all together (cli_write_files).
 * 0, or -1 with a message. */
int cli_write_documents(const cli_output *outputs, const vg_buf *docs, const vg_buf *bundles, size_t n);
/* The in-toto subject naming the scanned target by its sha256 digest (an
 * image's manifest digest, an archive's own).  VG_ERR_USAGE, with the
 * message in ctx, for a target that has none: a directory. */
int cli_target_subject(vg_ctx *ctx, const vg_inventory *inv, vg_attest_subject *out);

/* Registry targets (registry_cli.c, include/vigil/registry.h): the long
 * options --registry-auth USER:PASSWORD|@FILE, --registry-ca FILE and
 * --registry-timeout SECONDS, shared by sbom, scan and verify. */
#define CLI_OPT_REGISTRY_AUTH 0x1101
#define CLI_OPT_REGISTRY_CA 0x1102
#define CLI_OPT_REGISTRY_TIMEOUT 0x1103
#define CLI_REGISTRY_LONGOPTS                                                                    \
    {"registry-auth", required_argument, NULL, CLI_OPT_REGISTRY_AUTH},                           \
        {"registry-ca", required_argument, NULL, CLI_OPT_REGISTRY_CA},                           \
        {"registry-timeout", required_argument, NULL, CLI_OPT_REGISTRY_TIMEOUT}
/* The switch cases of getopt_long() for them, into the options o. */
#define CLI_REGISTRY_CASES(o)                                                                    \
    case CLI_OPT_REGISTRY_AUTH:                                                                  \
    case CLI_OPT_REGISTRY_CA:                                                                    \
    case CLI_OPT_REGISTRY_TIMEOUT:                                                               \
        if (cli_registry_option(&(o), c, optarg) != 0)                                           \
            return EXIT_USAGE;                                                                   \
        break
struct vg_registry_options;
/* Takes option c with arg into o; -1 with a message for a bad value. */
int cli_registry_option(struct vg_registry_options *o, int c, const char *arg);
/* Completes o: VIGIL_REGISTRY_TIMEOUT when no --registry-timeout, and a
 * progress line on stderr when it is a terminal and not quiet. */
void cli_registry_finish(struct vg_registry_options *o, int quiet);
/* --push of sbom --attest: attaches doc's attestation (bundle, and a DSSE
 * envelope signed here) to the registry image inv was scanned from.  0, or
 * -1 with a message. */
int cli_registry_push(const vg_key *key, const vg_inventory *inv, const char *type, const vg_buf *doc,
                      const vg_buf *bundle, const struct vg_registry_options *o);

/* The time to write into documents: SOURCE_DATE_EPOCH
 * (reproducible-builds.org) when set, else now.  -1 with a message printed
 * when SOURCE_DATE_EPOCH is not a number of seconds. */
int cli_document_time(int64_t *out);
/* The width a table on standard output should fit: the terminal's when it
 * is one, else $COLUMNS when set, else 0 (no limit: piped). */
int cli_terminal_width(void);
/* 1 when standard output is a terminal that may be coloured: not with
 * NO_COLOR set (no-color.org) or TERM=dumb. */
int cli_colour(void);
/* "90", "90s", "15m", "72h", "3d", "2w" in seconds; -1 when s is not one. */
int64_t cli_parse_duration(const char *s);
/* A severity level named as vg_severity_name() does, any case, of the
 * len bytes at s; -1 if not.  "none" (CVSS 0.0) is not a level users ask
 * for: it is never given. */
int cli_parse_level(const char *s, size_t len);
/* Maps a library status to an exit status (EXIT_FAILURE_ or EXIT_USAGE). */
int cli_exit_status(int status);
/* Output files (cli/output.c; the rules are at the top of that file and in
 * docs/vigil.1).  cli_write_files() writes every item or changes no file:
 * a regular file is replaced atomically with its mode (and owner, as root)
 * kept, a device, FIFO, socket or open descriptor (NULL or "-": standard
 * output, /dev/stdout, /dev/fd/N) is written in place, symlinks are followed
 * to an existing file.  Returns 0, or -1 with a message printed.
 * cli_write_output() is the same for one item. */
typedef struct cli_write_item {
    const char *path; /* NULL or "-": standard output */
    const void *data;
    size_t len;
} cli_write_item;
int cli_write_files(const cli_write_item *items, size_t n);
int cli_write_output(const char *path, const void *data, size_t len);

/* The store helpers (cmd_store.c).  cli_store_url(): the URL to use:
 * given (--store), else $VIGIL_STORE, else the default SQLite file;
 * scratch is initialised and holds it (free it after); NULL, with a
 * message printed, when there is none.  cli_store_open(): opens it with
 * vg_store_open() flags; an exit status, the message printed. */
struct vg_store;
/* Prints value as indented JSON with sorted keys to path (NULL: standard
 * output), atomically like every output (cmd_inventory.c). */
typedef struct json_t json_t;
int cli_print_json(const json_t *value, const char *path);
/* The same with json_dumps() flags of the caller's (cmd_supplier.c: the
 * record's own member order, not sorted). */
int cli_print_json_flags(const json_t *value, size_t flags, const char *path);
/* Prints value as the table print(value, f) writes, to path (NULL:
 * standard output), atomically like every output (cmd_inventory.c). */
int cli_print_table(const json_t *value, void (*print)(const json_t *value, FILE *f), const char *path);
/* What the read-only inventory subcommands in files of their own share
 * (cmd_inventory.c): their common options, and cli_inventory_read(), which
 * checks the output format ("table" or "json": else EXIT_USAGE), opens the
 * store read-only, runs query(ctx, store, arg, result) and prints *result
 * as JSON or as the table print writes.
 * *result (NULL when the query failed) is the caller's: json_decref it.
 * Returns the exit status. */
/* The string member key of o, or "-" when absent or empty; for tables
 * (cmd_inventory_diff.c). */
const char *cli_json_text(const json_t *o, const char *key);
/* The help lines of --store, --store-read, -o and -h of the inventory
 * subcommands. */
#define CLI_INVENTORY_OPTIONS_HELP                                                                                     \
    "      --store URL             sqlite:PATH or postgresql://... (default:\n"                                         \
    "                              $VIGIL_STORE, else sqlite:$XDG_DATA_HOME/vigil/store.sqlite)\n"                     \
    "      --store-read URL        read from this store instead, e.g. a PostgreSQL hot\n"                              \
    "                              standby (its answers may lag behind)\n"                                             \
    "  -o, --output FORMAT[=FILE]  table (default) or json\n"                                                           \
    "  -h, --help                  show this help\n"
typedef struct cli_inventory_options {
    const char *store;       /* --store URL, or NULL */
    const char *store_read;  /* --store-read URL, or NULL: where the query reads */
    const char *output;      /* -o FORMAT: "table" (the default) or "json" */
    const char *output_path; /* -o FORMAT=FILE, or NULL: standard output */
} cli_inventory_options;
/* Takes getopt's c and optarg when they are --store (c 'S'), --store-read
 * (c 'R') or -o: 1, else 0. */
int cli_inventory_option(cli_inventory_options *o, int c, char *optarg);
int cli_inventory_read(const cli_inventory_options *o,
                       int (*query)(vg_ctx *ctx, struct vg_store *store, const void *arg, json_t **out),
                       const void *arg, void (*print)(const json_t *value, FILE *f), json_t **result);
/* 1 when target is a regular file that starts like JSON (or is named
 * *.json): an SBOM, not an image or root filesystem archive (cmd_scan.c). */
int cli_is_sbom_file(const char *target);
const char *cli_store_url(const char *given, vg_buf *scratch);
int cli_store_open(const char *given, int flags, struct vg_store **out);

/* The reports of `policy eval` made from its results document
 * (cli/policy_output.c).  cli_policy_pack_option(): checks -o
 * evidence-pack=PATH (file: what cli_output_cut returned; previous: an
 * earlier one, or NULL); -1 with a message.  cli_policy_report(): SARIF
 * (sarif 1) or JUnit into out; -1 with a message.  cli_policy_write_pack():
 * builds the pack from the results and the evidence documents (signed with
 * the private key at key_path when not NULL) and writes it to path, a
 * directory or, for a name ending in .zip, a zip archive; -1 with a
 * message. */
int cli_policy_pack_option(const char *file, const char *previous);
int cli_policy_report(const json_t *doc, int sarif, vg_buf *out);
int cli_policy_write_pack(const json_t *doc, const json_t *documents, const char *path, const char *key_path);

/* `db update` as the command runs it (cmd_db.c): vg_vulndb_update() of
 * the database at path, with the CA file from $SSL_CERT_FILE unless
 * opts->ca_cert is set, and the NVD API key from $NVD_API_KEY. */
struct vg_vulndb_update_opts;
struct vg_vulndb_report;
int cli_db_update(vg_ctx *ctx, const char *path, struct vg_vulndb_update_opts *opts, struct vg_vulndb_report *report);

/* Rescans (cmd_inventory_rescan.c).  cli_rescan(): vg_store_rescan() of
 * the assets named (all when nassets is 0) against the database at db_path
 * (NULL: the default), with a progress line on a terminal unless quiet;
 * an exit status, the messages printed; *out the result.
 * cli_print_rescan(): the result as a table.  cli_rescan_status(): the
 * exit status it calls for (3 unchecked or unreadable, 5 a new finding at
 * or above fail_on (a vg_severity, or -1)), the reason printed. */
int cli_rescan(struct vg_store *store, const char *db_path, const char *const *assets, size_t nassets, int quiet,
               json_t **out);
void cli_print_rescan(const json_t *result, FILE *f);
int cli_rescan_status(const json_t *result, int fail_on, int allow_unchecked);

/* The webhook secret in the file at path (--webhook-secret-file of vigil
 * monitor and vigil worker, cmd_monitor.c) into out (initialised by the
 * call, at most CLI_WEBHOOK_SECRET_MAX bytes), without one final line
 * break; -1 with a message printed. */
#define CLI_WEBHOOK_SECRET_MAX 4096
int cli_read_webhook_secret(const char *path, vg_buf *out);

#endif
