/*
 * repo_parse.c — reads what git prints for `vigil collect repo`
 * (repo_internal.h): the lines of `git for-each-ref` over refs/tags, the
 * `%G?` letters of `git log`, and the signature armour of a tag or commit
 * object (gitformat-signature(5)).  Never trusts a length or a count from
 * its input: every line is bounded by the text it lies in, names by
 * REPO_MAX_NAME, tags by REPO_MAX_TAGS.
 */
#include <string.h>

#include "repo_internal.h"

/* The line at *pos of text[0..len) (without its '\n') in *line, *n;
 * 0 at the end. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
    if (*pos >= len)
        return 0;
    const char *start = text + *pos, *nl = memchr(start, '\n', len - *pos);
    *line = start;
    *n = nl ? (size_t)(nl - start) : len - *pos;
    *pos += *n + (nl != NULL);
    return 1;
}

static int is_hex_id(const char *s, size_t n)
{
    if (n != 40 && n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* One "TYPE ID refs/tags/NAME" line as an entry; NULL when it is not one
 * (*nomem set when memory ran out). */
static json_t *tag_entry(const char *line, size_t n, int *nomem)
{
    const char *sp1 = memchr(line, ' ', n);
    if (!sp1)
        return NULL;
    size_t tlen = (size_t)(sp1 - line);
    const char *id = sp1 + 1, *sp2 = memchr(id, ' ', n - tlen - 1);
    if (!sp2 || !is_hex_id(id, (size_t)(sp2 - id)))
        return NULL;
    const char *ref = sp2 + 1;
    size_t rlen = n - (size_t)(ref - line);
    if (rlen <= 10 || rlen - 10 > REPO_MAX_NAME || memcmp(ref, "refs/tags/", 10) != 0 ||
        memchr(ref, '\0', rlen))
        return NULL;
    int annotated = tlen == 3 && memcmp(line, "tag", 3) == 0;
    json_t *name = json_stringn(ref + 10, rlen - 10);
    if (!name)
        return NULL; /* not UTF-8: git allows it, vigil cannot name it */
    json_t *e = json_pack("{s:o, s:s%, s:b}", "name", name, "object", id, (size_t)(sp2 - id), "annotated",
                          annotated);
    if (!e)
        *nomem = 1;
    return e;
}

json_t *repo_parse_tags(const char *text, size_t len, size_t *more, size_t *bad)
{
    json_t *tags = json_array();
    *more = *bad = 0;
    const char *line;
    size_t n, pos = 0;
    while (tags && next_line(text, len, &pos, &line, &n)) {
        if (n == 0)
            continue;
        if (json_array_size(tags) >= REPO_MAX_TAGS) {
            (*more)++;
            continue;
        }
        int nomem = 0;
        json_t *e = tag_entry(line, n, &nomem);
        if (nomem || (e && json_array_append_new(tags, e) != 0)) {
            json_decref(tags);
            return NULL;
        }
        if (!e)
            (*bad)++;
    }
    return tags;
}

static const struct {
    const char *armour;
    const char *kind;
} armours[] = {
    {"-----BEGIN PGP SIGNATURE-----", "openpgp"},
    {"-----BEGIN SSH SIGNATURE-----", "ssh"},
    {"-----BEGIN SIGNED MESSAGE-----", "x509"},
};

static const char *armour_kind(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof armours / sizeof armours[0]; i++) {
        size_t a = strlen(armours[i].armour);
        if (n >= a && memcmp(s, armours[i].armour, a) == 0)
            return armours[i].kind;
    }
    return NULL;
}

const char *repo_signature_kind(const char *text, size_t len, int commit)
{
    const char *line, *found = NULL;
    size_t n, pos = 0;
    while (next_line(text, len, &pos, &line, &n)) {
        if (commit) {
            if (n == 0)
                return NULL; /* the end of the headers */
            if (n > 7 && memcmp(line, "gpgsig ", 7) == 0)
                return armour_kind(line + 7, n - 7);
            if (n > 14 && memcmp(line, "gpgsig-sha256 ", 14) == 0)
                return armour_kind(line + 14, n - 14);
        } else if (!found) {
            found = armour_kind(line, n); /* git reads the first armour of the body */
        }
    }
    return found;
}

json_t *repo_parse_log_status(const char *text, size_t len, size_t *total, size_t *bad)
{
    static const char letters[] = "GBUXYREN";
    size_t counts[sizeof letters - 1] = {0};
    *total = *bad = 0;
    const char *line;
    size_t n, pos = 0;
    while (next_line(text, len, &pos, &line, &n)) {
        (*total)++;
        const char *at = n == 1 && line[0] ? strchr(letters, line[0]) : NULL;
        if (at)
            counts[at - letters]++;
        else
            (*bad)++;
    }
    json_t *out = json_object();
    for (size_t i = 0; out && i < sizeof counts / sizeof counts[0]; i++) {
        char key[2] = {letters[i], '\0'};
        if (json_object_set_new(out, key, json_integer((json_int_t)counts[i])) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
