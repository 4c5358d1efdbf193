/*
 * output.c — writing the documents a command makes (-o FORMAT=PATH, -o FILE,
 * PATH.sigstore.json) without damaging what is already at PATH.  The rules,
 * documented in docs/vigil.1 (OUTPUT FILES):
 *
 * - "-" (or no path), /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and
 *   /proc/self/fd/N name a descriptor vigil already has: it is written where
 *   it stands, as a shell's redirection left it.
 * - A character device or a FIFO is opened for writing without O_CREAT or
 *   O_TRUNC, a socket is connected to; fstat() on what was opened must show
 *   the object that was examined.  Block devices and directories are refused.
 * - A regular file is replaced atomically: a temporary file in the same
 *   directory is written, given the old file's permission bits (and owner and
 *   group, where vigil may set them: as root), synced, and renamed over it.
 * - A symbolic link is followed: to a regular file, that file is replaced in
 *   its own directory and the link keeps pointing at it; to a device, FIFO or
 *   socket, that is written in place.  A link to nothing is refused: vigil
 *   never creates a file through a link.
 * - A new file gets mode 0666 minus the umask, and is renamed into place
 *   with RENAME_NOREPLACE, so that nothing created meanwhile is replaced.
 * - Everything is resolved once, from one descriptor of the parent directory
 *   (the *at() calls), so no name is looked up twice between a check and its
 *   use.
 *
 * Several outputs (cli_write_files) are all or nothing for files: every
 * temporary file is written first, then standard output, devices and pipes,
 * then the temporary files are renamed into place, each file replaced kept
 * as a hard link (NAME.old.XXXXXX) until every rename has succeeded.  A
 * failure before the renames changes no file; a failed rename puts back
 * what was already renamed.  What went to a pipe or device cannot be taken
 * back.  Left out: extended attributes and ACLs of a replaced file are not
 * copied; set-user-ID/set-group-ID bits are dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "vigil/io.h"

#define OUT_MAX_FILES 32

typedef enum { OUT_STREAM = 1, OUT_NEW, OUT_REPLACE } out_kind;

typedef struct out_file {
    const char *path;          /* as the user gave it, for messages */
    const void *data;
    size_t len;
    out_kind kind;
    int fd;                    /* STREAM: the descriptor to write; else -1 */
    int own_fd;                /* fd was opened here and is closed here */
    int dirfd;                 /* NEW, REPLACE: the directory holding name */
    char name[NAME_MAX + 1];   /* the file's name in dirfd (symlinks followed) */
    char tmp[NAME_MAX + 1];    /* the temporary file in dirfd; "" when gone */
    char backup[NAME_MAX + 1]; /* REPLACE: hard link to the old file; "" when none */
    struct stat old;           /* REPLACE: the file being replaced */
    struct stat made;          /* NEW, REPLACE: the temporary file */
    int placed;                /* renamed into place */
} out_file;

static int out_fail(const out_file *o, const char *what, int err)
{
    if (err)
        cli_error("%s: %s: %s", o->path, what, strerror(err));
    else
        cli_error("%s: %s", o->path, what);
    return -1;
}

/* The descriptor path names when it is one of the aliases of an open
 * descriptor (/dev/stdout, /dev/fd/N, ...), else -1. */
static int descriptor_alias(const char *path)
{
    static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    for (int i = 0; i < 3; i++)
        if (strcmp(path, std[i]) == 0)
            return i;
    const char *digits = strncmp(path, "/dev/fd/", 8) == 0          ? path + 8
                         : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14
                                                                    : NULL;
    if (!digits || !*digits || strlen(digits) > 9 || strspn(digits, "0123456789") != strlen(digits))
        return -1;
    return atoi(digits);
}

/* Says which directory of dir is missing (or is not a directory). */
static int parent_error(const out_file *o, const char *dir, int err)
{
    if (err == ENOENT || err == ENOTDIR) {
        /* The first prefix of dir that is not an existing directory. */
        char prefix[PATH_MAX];
        size_t len = strlen(dir) < sizeof prefix ? strlen(dir) : sizeof prefix - 1;
        for (size_t i = 1; i <= len; i++) {
            if (i < len && dir[i] != '/')
                continue;
            snprintf(prefix, sizeof prefix, "%.*s", (int)i, dir);
            struct stat st;
            int found = stat(prefix, &st) == 0;
            if (found && S_ISDIR(st.st_mode))
                continue;
            if (!found && errno != ENOENT)
                break;
            if (found)
                cli_error("%s: cannot write: %s is not a directory", o->path, prefix);
            else if (i == len)
                cli_error("%s: cannot write: the directory %s does not exist; create it first (mkdir -p %s)",
                          o->path, dir, dir);
            else
                cli_error("%s: cannot write: the directory %s does not exist (nor does %s); create it first "
                          "(mkdir -p %s)", o->path, dir, prefix, dir);
            return -1;
        }
    }
    cli_error("%s: cannot write: the directory %s: %s", o->path, dir, strerror(err));
    return -1;
}

/* Opens the directory part of path (as written, "." when there is none)
 * and puts the last component in name. */
static int open_parent(out_file *o, const char *path, int *dirfd, char name[NAME_MAX + 1])
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return out_fail(o, "cannot write: names a directory, not a file", 0);
    if (strlen(base) > NAME_MAX)
        return out_fail(o, "cannot write", ENAMETOOLONG);
    char dir[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) >= sizeof dir)
        return out_fail(o, "cannot write", ENAMETOOLONG);
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    *dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*dirfd < 0)
        return parent_error(o, dir, errno);
    snprintf(name, NAME_MAX + 1, "%s", base);
    return 0;
}

/* A device, FIFO or socket seen as *seen at name in dirfd (following a
 * final symlink when follow): opened for writing in place. */
static int plan_in_place(out_file *o, int dirfd, const char *name, int probe, const struct stat *seen, int follow)
{
    if (S_ISSOCK(seen->st_mode)) {
        /* Connect through the descriptor already examined: no second lookup. */
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d", probe);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            return out_fail(o, "cannot connect to the socket", e);
        }
        o->fd = fd;
    } else {
        /* No O_CREAT, no O_TRUNC: nothing is made or emptied.  A FIFO waits here for its reader. */
        int fd = openat(dirfd, name, O_WRONLY | O_NOCTTY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
        if (fd < 0)
            return out_fail(o, "cannot open for writing", errno);
        struct stat st;
        if (fstat(fd, &st) != 0 || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino ||
            (st.st_mode & S_IFMT) != (seen->st_mode & S_IFMT)) {
            close(fd);
            return out_fail(o, "cannot write: it was replaced while vigil opened it; nothing written", 0);
        }
        o->fd = fd;
    }
    o->own_fd = 1;
    o->kind = OUT_STREAM;
    return 0;
}

/* A symbolic link leading to the regular file *st: the directory entry of
 * that file, found from the resolved path and checked to be the same file. */
static int plan_link_target(out_file *o, const struct stat *st)
{
    char *real = realpath(o->path, NULL);
    if (!real)
        return out_fail(o, "cannot resolve the symbolic link", errno);
    int dirfd;
    char name[NAME_MAX + 1];
    out_file shown = *o;
    shown.path = real;
    int rc = open_parent(&shown, real, &dirfd, name);
    free(real);
    if (rc)
        return -1;
    struct stat now;
    if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) != 0 || now.st_dev != st->st_dev ||
        now.st_ino != st->st_ino) {
        close(dirfd);
        return out_fail(o, "cannot write: the symbolic link changed while vigil resolved it; nothing written", 0);
    }
    close(o->dirfd);
    o->dirfd = dirfd;
    snprintf(o->name, sizeof o->name, "%s", name);
    return 0;
}

/* Decides how o is written: as a stream, a new file or a replaced one. */
static int plan_output(out_file *o)
{
    o->fd = -1;
    o->dirfd = -1;
    int alias = !o->path ? 1 : strcmp(o->path, "-") == 0 ? 1 : descriptor_alias(o->path);
    if (alias >= 0) {
        int fl = fcntl(alias, F_GETFL);
        if (fl < 0)
            return out_fail(o, "cannot write: the descriptor is not open", 0);
        if ((fl & O_ACCMODE) == O_RDONLY)
            return out_fail(o, "cannot write: the descriptor is open for reading only", 0);
        o->kind = OUT_STREAM;
        o->fd = alias;
        return 0;
    }
    if (open_parent(o, o->path, &o->dirfd, o->name) != 0)
        return -1;
    int probe = openat(o->dirfd, o->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (probe < 0 && errno == ENOENT) {
        o->kind = OUT_NEW;
        return 0;
    }
    if (probe < 0)
        return out_fail(o, "cannot write", errno);
    struct stat st;
    int follow = 0, rc = 0;
    if (fstat(probe, &st) == 0 && S_ISLNK(st.st_mode)) {
        close(probe);
        follow = 1;
        probe = openat(o->dirfd, o->name, O_PATH | O_CLOEXEC);
        if (probe < 0 && errno == ENOENT)
            return out_fail(o, "cannot write: a symbolic link to nothing (vigil never creates a file through a link)", 0);
        if (probe < 0)
            return out_fail(o, "cannot follow the symbolic link", errno);
    }
    if (fstat(probe, &st) != 0)
        rc = out_fail(o, "cannot write", errno);
    else if (S_ISDIR(st.st_mode))
        rc = out_fail(o, "cannot write: is a directory", 0);
    else if (S_ISBLK(st.st_mode))
        rc = out_fail(o, "cannot write: is a block device (vigil does not write documents onto disks)", 0);
    else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        rc = plan_in_place(o, o->dirfd, o->name, probe, &st, follow);
    else if (!S_ISREG(st.st_mode))
        rc = out_fail(o, "cannot write: not a regular file, device, FIFO or socket", 0);
    else {
        o->kind = OUT_REPLACE;
        o->old = st;
        if (follow)
            rc = plan_link_target(o, &st);
    }
    close(probe);
    return rc;
}

/* Makes a name "BASE.TAG.XXXXXX" (BASE cut to fit) with random letters. */
static int random_name(char out[NAME_MAX + 1], const char *base, const char *tag)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[6];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        return -1;
    char suffix[7];
    for (int i = 0; i < 6; i++)
        suffix[i] = letters[r[i] % (sizeof letters - 1)];
    suffix[6] = '\0';
    snprintf(out, NAME_MAX + 1, "%.200s.%s.%s", base, tag, suffix);
    return 0;
}

/* Writes o's data to a new temporary file beside its target, with the
 * target's permissions, synced and closed. */
static int write_temporary(out_file *o)
{
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        if (random_name(o->tmp, o->name, "tmp") != 0)
            return out_fail(o, "cannot make a temporary file name", errno);
        fd = openat(o->dirfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            o->tmp[0] = '\0';
            return out_fail(o, "cannot create a temporary file beside it", errno);
        }
    }
    if (fd < 0) {
        o->tmp[0] = '\0';
        return out_fail(o, "cannot create a temporary file beside it", EEXIST);
    }
    mode_t mode;
    if (o->kind == OUT_REPLACE) {
        /* The owner first: fchown() clears set-ID bits, and may fail for a non-root user. */
        if ((o->old.st_uid != geteuid() || o->old.st_gid != getegid()) &&
            fchown(fd, o->old.st_uid, o->old.st_gid) != 0 && geteuid() == 0 && errno != EPERM && errno != EINVAL) {
            int e = errno;
            close(fd);
            return out_fail(o, "cannot give the new file the old one's owner", e);
        }
        mode = o->old.st_mode & 0777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (vg_write_all(fd, o->data, o->len) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0 ||
        fstat(fd, &o->made) != 0) {
        int e = errno;
        close(fd);
        return out_fail(o, "cannot write", e);
    }
    if (close(fd) != 0)
        return out_fail(o, "cannot write", errno);
    return 0;
}

/* Is the entry name in dirfd still the file *st? */
static int same_file(int dirfd, const char *name, const struct stat *st)
{
    struct stat now;
    return fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st->st_dev &&
           now.st_ino == st->st_ino;
}

/* Renames o's temporary file into place; keeps a hard link to the file it
 * replaces when keep_backup (another rename follows that may fail). */
static int place(out_file *o, int keep_backup)
{
    if (o->kind == OUT_REPLACE) {
        if (!same_file(o->dirfd, o->name, &o->old))
            return out_fail(o, "cannot write: it was replaced by another program while vigil wrote", 0);
        if (keep_backup) {
            int rc = -1;
            for (int tries = 0; rc != 0 && tries < 100; tries++) {
                if (random_name(o->backup, o->name, "old") != 0)
                    break;
                rc = linkat(o->dirfd, o->name, o->dirfd, o->backup, 0);
                if (rc != 0 && errno != EEXIST)
                    break;
            }
            if (rc != 0) {
                o->backup[0] = '\0';
                return out_fail(o, "cannot keep a hard link to the old file while the others are written "
                                   "(write one output at a time on a file system without hard links)", errno);
            }
            if (!same_file(o->dirfd, o->backup, &o->old))
                return out_fail(o, "cannot write: it was replaced by another program while vigil wrote", 0);
        }
        if (renameat(o->dirfd, o->tmp, o->dirfd, o->name) != 0)
            return out_fail(o, "cannot rename the new file into place", errno);
    } else {
        int rc = renameat2(o->dirfd, o->tmp, o->dirfd, o->name, RENAME_NOREPLACE);
        if (rc != 0 && errno == EINVAL) { /* a file system without RENAME_NOREPLACE */
            struct stat st;
            if (fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                errno = EEXIST;
            else
                rc = renameat(o->dirfd, o->tmp, o->dirfd, o->name);
        }
        if (rc != 0 && errno == EEXIST)
            return out_fail(o, "cannot write: another program created it while vigil wrote", 0);
        if (rc != 0)
            return out_fail(o, "cannot rename the new file into place", errno);
    }
    o->tmp[0] = '\0';
    o->placed = 1;
    return 0;
}

/* Puts back what o replaced (or removes what it created). */
static void take_back(out_file *o)
{
    if (o->kind == OUT_REPLACE && o->backup[0]) {
        if (renameat(o->dirfd, o->backup, o->dirfd, o->name) != 0)
            cli_error("%s: could not put the old file back: %s; it is kept as %s beside it", o->path,
                      strerror(errno), o->backup);
        o->backup[0] = '\0'; /* put back, or kept for the user: not removed */
    } else if (o->kind == OUT_NEW && same_file(o->dirfd, o->name, &o->made)) {
        unlinkat(o->dirfd, o->name, 0);
    }
    o->placed = 0;
}

static void release(out_file *o)
{
    if (o->tmp[0])
        unlinkat(o->dirfd, o->tmp, 0);
    if (o->backup[0])
        unlinkat(o->dirfd, o->backup, 0);
    if (o->own_fd && o->fd >= 0)
        close(o->fd);
    if (o->dirfd >= 0)
        close(o->dirfd);
}

/* Writes a stream output; closes what was opened for it. */
static int write_stream(out_file *o)
{
    if (o->fd == STDOUT_FILENO && fflush(stdout) != 0)
        return out_fail(o, "cannot write", errno);
    if (vg_write_all(o->fd, o->data, o->len) != 0)
        return out_fail(o, o->path ? "cannot write" : "cannot write to standard output", errno);
    if (o->own_fd) {
        int rc = close(o->fd);
        o->fd = -1;
        if (rc != 0)
            return out_fail(o, "cannot write", errno);
    }
    return 0;
}

int cli_write_files(const cli_write_item *items, size_t n)
{
    if (n > OUT_MAX_FILES) {
        cli_error("at most %d output files", OUT_MAX_FILES);
        return -1;
    }
    out_file files[OUT_MAX_FILES];
    memset(files, 0, sizeof files);
    for (size_t i = 0; i < n; i++)
        files[i] = (out_file){.path = items[i].path, .data = items[i].data ? items[i].data : "",
                              .len = items[i].len, .fd = -1, .dirfd = -1};
    int rc = 0;
    size_t planned = 0;
    for (; planned < n && rc == 0; planned++)
        rc = plan_output(&files[planned]);
    /* Two outputs to one file would replace each other. */
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct stat di, dj;
        if (files[i].kind == OUT_STREAM || fstat(files[i].dirfd, &di) != 0)
            continue;
        for (size_t j = i + 1; j < n && rc == 0; j++)
            if (files[j].kind != OUT_STREAM && fstat(files[j].dirfd, &dj) == 0 && di.st_dev == dj.st_dev &&
                di.st_ino == dj.st_ino && strcmp(files[i].name, files[j].name) == 0)
                rc = out_fail(&files[j], "cannot write: another output goes to the same file", 0);
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (files[i].kind != OUT_STREAM)
            rc = write_temporary(&files[i]);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (files[i].kind == OUT_STREAM)
            rc = write_stream(&files[i]);
    /* The renames, last: each but the last keeps the file it replaced until all succeeded. */
    size_t last = n;
    for (size_t i = 0; i < n; i++)
        if (files[i].kind != OUT_STREAM)
            last = i;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (files[i].kind != OUT_STREAM)
            rc = place(&files[i], i != last);
    if (rc) {
        for (size_t i = n; i-- > 0;)
            if (files[i].placed)
                take_back(&files[i]);
    } else {
        /* Make the renames durable; the data already is. */
        for (size_t i = 0; i < n; i++) {
            if (files[i].kind == OUT_STREAM)
                continue;
            int d = openat(files[i].dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (d >= 0) {
                if (fsync(d) != 0) {
                    /* Best effort: the files are in place and complete. */
                }
                close(d);
            }
        }
    }
    for (size_t i = 0; i < planned; i++)
        release(&files[i]);
    return rc;
}

int cli_write_output(const char *path, const void *data, size_t len)
{
    cli_write_item item = {path, data, len};
    return cli_write_files(&item, 1);
}

int cli_write_documents(const cli_output *outputs, const vg_buf *docs, const vg_buf *bundles, size_t n)
{
    cli_write_item items[OUT_MAX_FILES] = {{0}};
    char *bundle_paths[OUT_MAX_FILES / 2] = {0};
    size_t count = 0;
    int rc = 0;
    if (n > OUT_MAX_FILES / 2) {
        cli_error("at most %d outputs", OUT_MAX_FILES / 2);
        return -1;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *path = outputs[i].path;
        items[count++] = (cli_write_item){path, docs[i].data, docs[i].len};
        if (!bundles[i].len)
            continue;
        if (!path || strcmp(path, "-") == 0 || descriptor_alias(path) >= 0) {
            cli_error("%s: --attest writes the attestation beside the document, which must therefore go to a file",
                      path ? path : "standard output");
            rc = -1;
            break;
        }
        size_t len = strlen(path) + sizeof ".sigstore.json";
        if (!(bundle_paths[i] = malloc(len))) {
            cli_error("%s.sigstore.json: out of memory", path);
            rc = -1;
            break;
        }
        snprintf(bundle_paths[i], len, "%s.sigstore.json", path);
        items[count++] = (cli_write_item){bundle_paths[i], bundles[i].data, bundles[i].len};
    }
    if (rc == 0)
        rc = cli_write_files(items, count);
    for (size_t i = 0; i < n; i++)
        free(bundle_paths[i]);
    return rc;
}

vg_format cli_sbom_format(const char *name, const char *known)
{
    vg_format f = vg_format_from_name(name);
    const char *versions = vg_format_versions(name);
    if (f)
        return f;
    if (versions && strchr(name, '@'))
        cli_error("-o %s: unknown version of that format (accepted: %s)", name, versions);
    else
        cli_error("unknown output format '%s' (%s)", name, known);
    return 0;
}
