/*
 * repo.c — `vigil collect repo GIT_DIR` (include/vigil/collect.h,
 * docs/collect.md "repo"): whether the tags and recent commits of a git
 * checkout or bare repository are signed, and whether the signatures
 * verify, with the semantics of `git verify-tag` and `git verify-commit`
 * (git-verify-tag(1); gitformat-signature(5)).  vigil runs git itself for
 * that: `git` from PATH, with a fixed argv (never a shell), standard input
 * /dev/null, each command bounded to REPO_GIT_TIMEOUT_MS and its output to
 * REPO_GIT_MAX_OUTPUT (past either it is killed and what it was asked
 * goes to "unchecked").  Verification uses the caller's git configuration
 * and keys (GNUPGHOME, gpg.ssh.allowedSignersFile): the document records
 * what this user's git says.  Reads nothing of the objects itself: loose
 * and packed objects, reftables and alternates are git's business.
 * With --github it reads a GitHub REST API export instead (branch
 * protection, src/collect/repo_github.c) and runs nothing.
 * Leaves out: signatures of other
 * branches than HEAD's, commits older than the last --commits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "repo_internal.h"
#include "vigil/buf.h"
#include "vigil/collect.h"
#include "vigil/io.h"

extern char **environ;

#define REPO_GIT_MAX_OUTPUT ((size_t)16 << 20)

typedef struct git_run {
    int status;      /* the exit status; -1: killed, timed out or could not run */
    const char *why; /* why status is -1 */
    vg_buf out;      /* standard output (bounded); standard error is discarded */
} git_run;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs `git -C dir ARGS...` (args NULL-terminated) into r; VG_OK unless
 * out of memory (a git that fails, times out or cannot start is
 * r->status -1 with r->why). */
static int git(const char *dir, const char *const *args, int timeout_ms, git_run *r)
{
    const char *argv[16] = {"git", "-C", dir};
    size_t n = 3;
    for (; args[n - 3] && n < sizeof argv / sizeof argv[0] - 1; n++)
        argv[n] = args[n - 3];
    argv[n] = NULL;
    vg_buf_reset(&r->out);
    r->status = -1;
    r->why = NULL;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        r->why = "cannot make a pipe";
        return VG_OK;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int e = posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (e != 0) {
        close(pipefd[0]);
        r->why = "git cannot be run (is it installed and on PATH?)";
        return VG_OK;
    }
    int64_t deadline = now_ms() + timeout_ms;
    int rc = VG_OK;
    char chunk[65536];
    for (;;) {
        int64_t left = deadline - now_ms();
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            r->why = "git did not finish in time: killed";
            break;
        }
        ssize_t got = read(pipefd[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        int added = vg_buf_add(&r->out, chunk, (size_t)got);
        if (added == VG_ERR_NOMEM) {
            rc = VG_ERR_NOMEM;
            break;
        }
        if (added != VG_OK) {
            r->why = "git printed more than 16 MiB: killed";
            break;
        }
    }
    close(pipefd[0]);
    if (r->why || rc != VG_OK)
        kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!r->why && rc == VG_OK) {
        if (WIFEXITED(st))
            r->status = WEXITSTATUS(st);
        else
            r->why = "git was killed by a signal";
    }
    return rc;
}

static int nomem(vg_ctx *ctx)
{
    return vg_error(ctx, VG_ERR_NOMEM, "collect repo: out of memory");
}

/* Adds "signature" and "verified" to each tag of tags. */
static int judge_tags(vg_ctx *ctx, const vg_collect_repo_options *o, json_t *doc, json_t *tags, git_run *r)
{
    size_t i;
    json_t *t;
    json_array_foreach (tags, i, t) {
        const char *id = json_string_value(json_object_get(t, "object"));
        const char *name = json_string_value(json_object_get(t, "name"));
        const char *kind = NULL;
        json_t *verified = json_false();
        if (json_is_true(json_object_get(t, "annotated"))) {
            const char *cat[] = {"cat-file", "tag", id, NULL};
            if (git(o->git_dir, cat, o->timeout_ms, r) != VG_OK)
                return nomem(ctx);
            if (r->status == 0)
                kind = repo_signature_kind(r->out.data, r->out.len, 0);
            const char *verify[] = {"verify-tag", id, NULL};
            if (r->status == 0 && kind && git(o->git_dir, verify, o->timeout_ms, r) != VG_OK)
                return nomem(ctx);
            if (r->status < 0) {
                char what[REPO_MAX_NAME + 16];
                snprintf(what, sizeof what, "refs/tags/%s", name);
                if (vg_collect_unchecked(ctx, doc, what, r->why) != VG_OK)
                    return VG_ERR_NOMEM;
                verified = json_null();
            } else if (kind) {
                verified = json_boolean(r->status == 0);
            }
        }
        if (json_object_set_new(t, "signature", kind ? json_string(kind) : json_null()) != 0 ||
            json_object_set_new(t, "verified", verified) != 0)
            return nomem(ctx);
    }
    return VG_OK;
}

/* The "head" member: HEAD's branch and commit, its signature and whether
 * `git verify-commit` accepts it; null members when HEAD has no commit. */
static json_t *head_member(const vg_collect_repo_options *o, git_run *r, int *rc)
{
    const char *symref[] = {"symbolic-ref", "-q", "HEAD", NULL};
    const char *revparse[] = {"rev-parse", "-q", "--verify", "HEAD^{commit}", NULL};
    json_t *ref = json_null(), *commit = json_null(), *kind = json_null(), *verified = json_null();
    if ((*rc = git(o->git_dir, symref, o->timeout_ms, r)) == VG_OK && r->status == 0 && r->out.len > 1 &&
        r->out.len <= REPO_MAX_NAME)
        ref = json_stringn(r->out.data, r->out.len - 1);
    if (*rc == VG_OK && (*rc = git(o->git_dir, revparse, o->timeout_ms, r)) == VG_OK && r->status == 0 &&
        (r->out.len == 41 || r->out.len == 65)) {
        commit = json_stringn(r->out.data, r->out.len - 1);
        const char *cat[] = {"cat-file", "commit", json_string_value(commit), NULL};
        const char *verify[] = {"verify-commit", json_string_value(commit), NULL};
        if ((*rc = git(o->git_dir, cat, o->timeout_ms, r)) == VG_OK && r->status == 0) {
            const char *k = repo_signature_kind(r->out.data, r->out.len, 1);
            kind = k ? json_string(k) : json_null();
            verified = json_false();
            if (k && (*rc = git(o->git_dir, verify, o->timeout_ms, r)) == VG_OK && r->status >= 0)
                verified = json_boolean(r->status == 0);
        }
    }
    json_t *head = json_pack("{s:o?, s:o?, s:o?, s:o?}", "ref", ref ? ref : json_null(), "commit", commit,
                             "signature", kind, "verified", verified);
    if (!head)
        *rc = VG_ERR_NOMEM;
    return head;
}

/* The "commits" member: the %G? letters of the last o->commits commits
 * of HEAD. */
static int commits_member(vg_ctx *ctx, const vg_collect_repo_options *o, json_t *doc, git_run *r)
{
    char max[32];
    snprintf(max, sizeof max, "--max-count=%d", o->commits);
    const char *log[] = {"log", max, "--format=%G?", "HEAD", "--", NULL};
    json_t *commits = NULL;
    size_t total = 0, bad = 0;
    if (o->commits > 0) {
        if (git(o->git_dir, log, o->timeout_ms, r) != VG_OK)
            return nomem(ctx);
        if (r->status < 0 && vg_collect_unchecked(ctx, doc, "commits of HEAD", r->why) != VG_OK)
            return VG_ERR_NOMEM;
        if (r->status == 0 && !(commits = repo_parse_log_status(r->out.data, r->out.len, &total, &bad)))
            return nomem(ctx);
        if (bad && vg_collect_unchecked(ctx, doc, "commits of HEAD", "git log printed a line that is no %G? letter") !=
                       VG_OK) {
            json_decref(commits);
            return VG_ERR_NOMEM;
        }
    }
    json_t *member = json_pack("{s:i, s:i, s:o?}", "requested", (json_int_t)o->commits, "examined",
                               (json_int_t)total, "status", commits);
    if (!member || json_object_set_new(doc, "commits", member) != 0)
        return nomem(ctx);
    return VG_OK;
}

static int summary(vg_ctx *ctx, json_t *doc, json_t *tags)
{
    json_int_t annotated = 0, signed_ = 0, verified = 0;
    size_t i;
    json_t *t;
    json_array_foreach (tags, i, t) {
        annotated += json_is_true(json_object_get(t, "annotated"));
        signed_ += json_is_string(json_object_get(t, "signature"));
        verified += json_is_true(json_object_get(t, "verified"));
    }
    json_t *s = json_pack("{s:I, s:I, s:I, s:I}", "tags", (json_int_t)json_array_size(tags), "annotated", annotated,
                          "signed", signed_, "verified", verified);
    if (!s || json_object_set_new(doc, "summary", s) != 0)
        return nomem(ctx);
    return VG_OK;
}

static int collect(vg_ctx *ctx, const vg_collect_repo_options *o, json_t *doc, git_run *r)
{
    const char *gitdir[] = {"rev-parse", "--absolute-git-dir", NULL};
    if (git(o->git_dir, gitdir, o->timeout_ms, r) != VG_OK)
        return nomem(ctx);
    if (r->status != 0)
        return vg_error(ctx, r->why ? VG_ERR_UNSUPPORTED : VG_ERR_NOT_FOUND, "%s: %s", o->git_dir,
                        r->why ? r->why : "not a git repository (git rev-parse --absolute-git-dir failed)");
    json_t *abs = r->out.len > 1 ? json_stringn(r->out.data, r->out.len - 1) : NULL;
    if (!abs || json_object_set_new(doc, "git_dir", abs) != 0)
        return nomem(ctx);

    int rc;
    json_t *head = head_member(o, r, &rc);
    if (rc != VG_OK || json_object_set_new(doc, "head", head) != 0)
        return nomem(ctx);
    if ((rc = commits_member(ctx, o, doc, r)) != VG_OK)
        return rc;

    const char *refs[] = {"for-each-ref", "--format=%(objecttype) %(objectname) %(refname)", "refs/tags", NULL};
    if (git(o->git_dir, refs, o->timeout_ms, r) != VG_OK)
        return nomem(ctx);
    if (r->status != 0)
        return vg_error(ctx, VG_ERR_IO, "%s: git for-each-ref refs/tags: %s", o->git_dir,
                        r->why ? r->why : "failed");
    size_t more, bad;
    json_t *tags = repo_parse_tags(r->out.data, r->out.len, &more, &bad);
    if (!tags || json_object_set_new(doc, "tags", tags) != 0)
        return nomem(ctx);
    char why[128];
    if (more) {
        snprintf(why, sizeof why, "%zu more tags, not examined (only the first %d are)", more, REPO_MAX_TAGS);
        if (vg_collect_unchecked(ctx, doc, "refs/tags", why) != VG_OK)
            return VG_ERR_NOMEM;
    }
    if (bad) {
        snprintf(why, sizeof why, "%zu tags with a name that is not UTF-8 or longer than %d bytes", bad,
                 REPO_MAX_NAME);
        if (vg_collect_unchecked(ctx, doc, "refs/tags", why) != VG_OK)
            return VG_ERR_NOMEM;
    }
    if ((rc = judge_tags(ctx, o, doc, tags, r)) != VG_OK)
        return rc;
    return summary(ctx, doc, tags);
}

/* The document of the --github export o->github. */
static int collect_github(vg_ctx *ctx, const vg_collect_repo_options *o, json_t **out)
{
    vg_buf text;
    vg_buf_init(&text, REPO_GITHUB_MAX_FILE);
    int rc = VG_OK, exported = 0, fd = open(o->github, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        rc = vg_error(ctx, errno == ENOENT ? VG_ERR_NOT_FOUND : VG_ERR_IO, "%s: %s", o->github, strerror(errno));
    if (fd >= 0 && (rc = vg_read_all(fd, &text)) != VG_OK)
        rc = rc == VG_ERR_LIMIT ? vg_error(ctx, rc, "%s: larger than %d MiB", o->github, REPO_GITHUB_MAX_FILE >> 20)
             : rc == VG_ERR_NOMEM ? nomem(ctx)
                                  : vg_error(ctx, VG_ERR_IO, "%s: %s", o->github, strerror(errno));
    if (fd >= 0)
        close(fd);
    json_t *gh = NULL, *doc = NULL;
    if (rc == VG_OK)
        rc = repo_github_parse(ctx, o->github, text.data ? text.data : "", text.len, &gh, &exported);
    vg_buf_free(&text);
    if (rc == VG_OK && !(doc = vg_collect_document(ctx, "repo", 1, o->collected, o->github)))
        rc = VG_ERR_NOMEM;
    if (rc == VG_OK && json_object_set(doc, "github", gh) != 0)
        rc = nomem(ctx);
    if (rc == VG_OK && !exported) {
        char what[REPO_GITHUB_MAX_STRING + 32];
        snprintf(what, sizeof what, "protection of branch %s",
                 json_string_value(json_object_get(gh, "default_branch")));
        rc = vg_collect_unchecked(ctx, doc, what, "the export has no \"protection\" member");
    }
    json_decref(gh);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}

int vg_collect_repo(vg_ctx *ctx, const vg_collect_repo_options *o, json_t **out)
{
    *out = NULL;
    if (o->github && o->git_dir)
        return vg_error(ctx, VG_ERR_USAGE, "collect repo: name a git repository or --github FILE, not both");
    if (o->github)
        return collect_github(ctx, o, out);
    if (!o->git_dir || !o->git_dir[0])
        return vg_error(ctx, VG_ERR_USAGE, "collect repo: name a git repository");
    if (o->timeout_ms < 1 || o->timeout_ms > 600000)
        return vg_error(ctx, VG_ERR_USAGE, "collect repo: timeout %d ms out of range", o->timeout_ms);
    if (o->commits < 0 || o->commits > REPO_MAX_COMMITS)
        return vg_error(ctx, VG_ERR_USAGE, "collect repo: --commits %d out of range (0 to %d)", o->commits,
                        REPO_MAX_COMMITS);
    json_t *doc = vg_collect_document(ctx, "repo", 1, o->collected, o->git_dir);
    if (!doc)
        return VG_ERR_USAGE; /* the message is in ctx */
    git_run r;
    vg_buf_init(&r.out, REPO_GIT_MAX_OUTPUT);
    int rc = collect(ctx, o, doc, &r);
    vg_buf_free(&r.out);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}
