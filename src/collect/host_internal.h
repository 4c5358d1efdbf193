/*
 * host_internal.h — the parts of the host collector (`vigil collect host`,
 * docs/collect.md "host") that call each other: host.c reads the root
 * filesystem and builds the document; the parsers of the text formats
 * (host_sshd.c, host_accounts.c, host_sudoers.c, host_repos.c) take bytes
 * and fill JSON, never touching the disk, so that each can be fuzzed
 * alone (tests/fuzz/fuzz_host_*.c).
 *
 * Every parser is bounded: lines longer than HOST_MAX_LINE are cut (and
 * counted in the "truncated" flag the caller turns into "unchecked"), at
 * most HOST_MAX_ITEMS items of any list are kept, includes nest at most
 * HOST_MAX_DEPTH deep.  Parsers write strings through fmt_str() (invalid
 * UTF-8 replaced), and keep the first allocation failure in *bad.
 */
#ifndef VIGIL_COLLECT_HOST_INTERNAL_H
#define VIGIL_COLLECT_HOST_INTERNAL_H

#include <stddef.h>
#include <jansson.h>

#include "vigil/buf.h"
#include "vigil/error.h"

#define HOST_MAX_LINE 8192
#define HOST_MAX_ITEMS 10000
#define HOST_MAX_DEPTH 16
#define HOST_MAX_FILE ((size_t)16 << 20)

/* ---- lines (host_text.c) ---- */

/* An iterator over the lines of len bytes at text. */
typedef struct host_lines {
    const char *p, *end;
    size_t lineno;  /* of the line last returned, from 1 */
    int truncated;  /* a line was longer than HOST_MAX_LINE and was cut */
    char line[HOST_MAX_LINE + 1];
} host_lines;

void host_lines_init(host_lines *it, const char *text, size_t len);
/* The next line in it->line, NUL-terminated, without its "\n" or "\r\n";
 * a NUL byte inside ends what is seen of it.  0 at the end. */
int host_lines_next(host_lines *it);

/* s without leading and trailing blanks (space, tab, \f, \v, \r), in place. */
char *host_trim(char *s);

/* The next word of *s: runs of blanks end words; returns NULL when none is
 * left, else the word, NUL-terminated in place, with *s after it. */
char *host_word(char **s);

/* Appends string s to array (fmt_str), keeping at most HOST_MAX_ITEMS. */
void host_append_str(json_t *array, const char *s, int *bad);
/* Sets key of obj to the string s (fmt_str). */
void host_set_str(json_t *obj, const char *key, const char *s, int *bad);

/* "KEY VALUE" (sep 0: blanks; login.defs(5)) or "KEY = VALUE" (sep '=':
 * pwquality.conf(5), faillock.conf(5), systemd's timesyncd.conf without
 * sections) lines into obj: "#" starts a comment line, the last value of
 * a key wins, a key without a value (faillock's "silent") is "". */
void host_parse_keyvalue(const char *text, size_t len, int sep, json_t *obj, int *bad, int *truncated);

/* ---- sshd_config (host_sshd.c) ---- */

typedef struct host_sshd host_sshd;
/* Called for "Include PATTERN..." (each pattern as written: relative ones
 * are relative to /etc/ssh) while parsing file at depth: reads the files
 * and calls host_sshd_parse() on each at depth + 1.  Returns VG_OK or
 * VG_ERR_NOMEM. */
typedef int (*host_sshd_include_fn)(host_sshd *s, const char *pattern, int depth, void *arg);

/* A new parse; NULL when out of memory. */
host_sshd *host_sshd_new(host_sshd_include_fn include, void *arg);
void host_sshd_free(host_sshd *s);
/* Parses the configuration text of file (its path inside the root);
 * *truncated is set when a line of it was cut.  VG_OK or VG_ERR_NOMEM. */
int host_sshd_parse(host_sshd *s, const char *file, const char *text, size_t len, int depth, int *truncated);
/* The "sshd" member (docs/collect.md): effective global settings with the
 * defaults of OpenSSH 9.2 (Debian 12) for those not set, the Match blocks,
 * the files read.  NULL when out of memory. */
json_t *host_sshd_result(host_sshd *s);

/* ---- accounts (host_accounts.c) ---- */

/* The "accounts" member from /etc/passwd and /etc/shadow (shadow NULL: not
 * readable), as passwd(1) -S tells them: never a hash.  truncated[0] and
 * truncated[1] are set when a line of passwd or of shadow was cut. */
json_t *host_accounts_parse(const char *passwd, size_t plen, const char *shadow, size_t slen, int truncated[2]);

/* One PAM configuration file (pam.conf(5) syntax, without the service
 * column): its lines as [{"type", "control", "module", "arguments"}]. */
json_t *host_pam_parse(const char *text, size_t len, int *truncated);

/* ---- sudoers (host_sudoers.c) ---- */

typedef struct host_sudoers host_sudoers;
/* Called for "@include FILE" / "#include FILE" (dir 0) and "@includedir
 * DIR" / "#includedir DIR" (dir 1), the path as written (relative ones
 * are relative to the directory of the including file). */
typedef int (*host_sudoers_include_fn)(host_sudoers *s, const char *file, const char *path, int dir, int depth,
                                       void *arg);
host_sudoers *host_sudoers_new(host_sudoers_include_fn include, void *arg);
void host_sudoers_free(host_sudoers *s);
/* As host_sshd_parse(), for a sudoers file. */
int host_sudoers_parse(host_sudoers *s, const char *file, const char *text, size_t len, int depth, int *truncated);
/* The "sudoers" member; NULL when out of memory. */
json_t *host_sudoers_result(host_sudoers *s);

/* ---- package repositories (host_repos.c) ---- */

/* Each appends one object per repository to repos (docs/collect.md,
 * "repositories"); file is the path inside the root. */
void host_repos_apt_list(const char *file, const char *text, size_t len, json_t *repos, int *bad, int *truncated);
void host_repos_apt_deb822(const char *file, const char *text, size_t len, json_t *repos, int *bad, int *truncated);
/* gpgcheck: the [main] default of /etc/dnf/dnf.conf or /etc/yum.conf (-1:
 * none there). */
void host_repos_yum(const char *file, const char *text, size_t len, int gpgcheck, json_t *repos, int *bad,
                    int *truncated);
/* The gpgcheck of the [main] section of dnf.conf/yum.conf, or -1. */
int host_repos_yum_main_gpgcheck(const char *text, size_t len);
void host_repos_apk(const char *file, const char *text, size_t len, int keys, json_t *repos, int *bad,
                    int *truncated);
/* apt.conf(5) text: sets the string value of every "A::B::C" it assigns
 * in values (later assignments win; lists are left out). */
void host_aptconf_parse(const char *text, size_t len, json_t *values, int *bad, int *truncated);

/* ---- the file walk (host_walk.c) ---- */

/* The "fileModes" member: one walk of the root open at rootfd, as find
 * -xdev.  What could not be walked goes to doc's "unchecked".  NULL when
 * out of memory. */
json_t *host_walk(vg_ctx *ctx, int rootfd, json_t *doc);

#endif
