/*
 * registry_parse.c — what the registry client parses without I/O: image
 * references, WWW-Authenticate challenges and docker config.json.
 *
 * References: "registry:HOST[:PORT]/REPO[:TAG][@sha256:HEX]"; REPO as the
 * OCI distribution spec (spec.md, "Pulling manifests") restricts <name>:
 * lowercase alphanumerics separated by ".", "_", "__", "-" runs and "/";
 * TAG as [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.  Only sha256 digests.
 *
 * Challenges: RFC 7235 section 4.1 with the auth-params of the registry
 * token spec (docker distribution docs/spec/auth/token.md): realm, service,
 * scope; quoted-string values with backslash escapes.  The first challenge
 * of a header is used.  Leaves out token68 and several challenges in one
 * header (none that registries send).
 *
 * docker config.json: "auths": {KEY: {"auth": base64("user:password")}} or
 * "username"/"password"; KEY is "host", "https://host" or such a URL with
 * a path.  "credsStore"/"credHelpers" are not run (VG_ERR_UNSUPPORTED).
 */
#include <ctype.h>
#include <string.h>

#include "source/registry_internal.h"
#include "vigil/base64.h"

int reg_valid_digest(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64)
        return 0;
    for (const char *p = d + 7; *p; p++)
        if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
            return 0;
    return 1;
}

static int valid_host(const char *h)
{
    if (!*h)
        return 0;
    for (const char *p = h; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
            return 0;
    return 1;
}

static int valid_repo(const char *r)
{
    /* components of [a-z0-9]+ joined by separators; no separator first or
     * last, none doubled except "__" and "-" runs */
    if (!*r)
        return 0;
    char prev = '/';
    for (const char *p = r; *p; p++) {
        int alnum = (*p >= 'a' && *p <= 'z') || isdigit((unsigned char)*p);
        if (alnum) {
            prev = 'a';
            continue;
        }
        if (!strchr("._-/", *p) || prev == '/' || (prev != 'a' && !(prev == *p && (*p == '_' || *p == '-'))))
            return 0;
        prev = *p;
    }
    return prev == 'a';
}

static int valid_tag(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
        return 0;
    for (const char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
            return 0;
    return 1;
}

int reg_ref_parse(vg_ctx *ctx, const char *target, reg_ref *out)
{
    memset(out, 0, sizeof *out);
    const char *s = target;
    if (strncmp(s, VG_REGISTRY_PREFIX, strlen(VG_REGISTRY_PREFIX)) == 0)
        s += strlen(VG_REGISTRY_PREFIX);
    size_t len = strlen(s);
    if (len == 0 || len >= REG_MAX_REFERENCE)
        return vg_error(ctx, VG_ERR_USAGE, "%s: not an image reference (registry:HOST/REPO:TAG or @sha256:DIGEST)",
                        target);
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= sizeof out->host)
        return vg_error(ctx, VG_ERR_USAGE, "%s: give the registry host first: registry:HOST[:PORT]/REPO[:TAG]", target);
    memcpy(out->host, s, (size_t)(slash - s));
    if (!valid_host(out->host))
        return vg_error(ctx, VG_ERR_USAGE, "%s: '%s' is not a registry host name", target, out->host);
    const char *rest = slash + 1;
    const char *at = strchr(rest, '@');
    size_t rlen = at ? (size_t)(at - rest) : strlen(rest);
    if (at) {
        if (!reg_valid_digest(at + 1))
            return vg_error(ctx, VG_ERR_USAGE, "%s: the digest after '@' must be sha256: and 64 lowercase hex digits",
                            target);
        snprintf(out->digest, sizeof out->digest, "%s", at + 1);
    }
    /* A ':' after the last '/' of the name starts the tag. */
    const char *colon = NULL;
    for (const char *p = rest; p < rest + rlen; p++)
        if (*p == ':')
            colon = p;
        else if (*p == '/')
            colon = NULL;
    size_t nlen = colon ? (size_t)(colon - rest) : rlen;
    if (nlen >= sizeof out->repo - 8)
        return vg_error(ctx, VG_ERR_USAGE, "%s: repository name too long", target);
    memcpy(out->repo, rest, nlen);
    if (colon) {
        size_t tlen = rlen - nlen - 1;
        if (tlen >= sizeof out->tag)
            return vg_error(ctx, VG_ERR_USAGE, "%s: tag longer than 128 characters", target);
        memcpy(out->tag, colon + 1, tlen);
        if (!valid_tag(out->tag))
            return vg_error(ctx, VG_ERR_USAGE, "%s: '%s' is not a tag ([A-Za-z0-9_][A-Za-z0-9._-]*)", target, out->tag);
    } else if (!at) {
        strcpy(out->tag, "latest");
    }
    if (!valid_repo(out->repo))
        return vg_error(ctx, VG_ERR_USAGE,
                        "%s: '%s' is not a repository name (lowercase letters and digits, separated by '.', '_', "
                        "'-' or '/')", target, out->repo);
    snprintf(out->auth_host, sizeof out->auth_host, "%s", out->host);
    if (!strcmp(out->host, "docker.io") || !strcmp(out->host, "index.docker.io")) {
        strcpy(out->host, "registry-1.docker.io");
        strcpy(out->auth_host, "https://index.docker.io/v1/");
        if (!strchr(out->repo, '/')) {
            char tmp[sizeof out->repo + 8];
            snprintf(tmp, sizeof tmp, "library/%s", out->repo);
            memcpy(out->repo, tmp, sizeof out->repo - 1); /* fits: the name is shorter by 8 */
        }
    }
    snprintf(out->reference, sizeof out->reference, "%s", out->digest[0] ? out->digest : out->tag);
    return VG_OK;
}

/* ---- WWW-Authenticate ---------------------------------------------------- */

static size_t skip_ws(const char *h, size_t i, size_t len)
{
    while (i < len && (h[i] == ' ' || h[i] == '\t'))
        i++;
    return i;
}

static int is_token_char(char c)
{
    return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c);
}

int reg_challenge_parse(const char *h, size_t len, reg_challenge *out)
{
    memset(out, 0, sizeof *out);
    if (len > REG_MAX_HEADER)
        return VG_ERR_LIMIT;
    size_t i = skip_ws(h, 0, len), start = i;
    while (i < len && is_token_char(h[i]))
        i++;
    size_t slen = i - start;
    if (slen == 6 && strncasecmp(h + start, "Bearer", 6) == 0)
        out->scheme = REG_AUTH_BEARER;
    else if (slen == 5 && strncasecmp(h + start, "Basic", 5) == 0)
        out->scheme = REG_AUTH_BASIC;
    else
        return VG_ERR_UNSUPPORTED;
    /* auth-param *( "," auth-param ), name = token / quoted-string */
    for (;;) {
        i = skip_ws(h, i, len);
        while (i < len && h[i] == ',')
            i = skip_ws(h, i + 1, len);
        if (i >= len)
            return VG_OK;
        size_t ns = i;
        while (i < len && is_token_char(h[i]))
            i++;
        size_t nl = i - ns;
        i = skip_ws(h, i, len);
        if (nl == 0 || i >= len || h[i] != '=')
            return VG_ERR_FORMAT;
        i = skip_ws(h, i + 1, len);
        char value[1024];
        size_t vl = 0;
        if (i < len && h[i] == '"') {
            for (i++;; i++) {
                if (i >= len)
                    return VG_ERR_FORMAT;
                if (h[i] == '"')
                    break;
                if (h[i] == '\\' && ++i >= len)
                    return VG_ERR_FORMAT;
                if (vl + 1 >= sizeof value)
                    return VG_ERR_LIMIT;
                value[vl++] = h[i];
            }
            i++;
        } else {
            while (i < len && is_token_char(h[i])) {
                if (vl + 1 >= sizeof value)
                    return VG_ERR_LIMIT;
                value[vl++] = h[i++];
            }
        }
        value[vl] = '\0';
        char *dst = NULL;
        size_t dsize = 0;
        if (nl == 5 && strncasecmp(h + ns, "realm", 5) == 0)
            dst = out->realm, dsize = sizeof out->realm;
        else if (nl == 7 && strncasecmp(h + ns, "service", 7) == 0)
            dst = out->service, dsize = sizeof out->service;
        else if (nl == 5 && strncasecmp(h + ns, "scope", 5) == 0)
            dst = out->scope, dsize = sizeof out->scope;
        if (dst) {
            if (vl >= dsize)
                return VG_ERR_LIMIT;
            memcpy(dst, value, vl + 1);
        }
        i = skip_ws(h, i, len);
        if (i < len && h[i] != ',')
            return VG_ERR_FORMAT;
    }
}

/* ---- docker config.json -------------------------------------------------- */

/* The host part of a config.json "auths" key: "https://h/v1/" -> "h". */
static void key_host(const char *key, char *out, size_t size)
{
    const char *p = strstr(key, "://");
    p = p ? p + 3 : key;
    size_t n = strcspn(p, "/");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static int copy_cred(const char *v, size_t n, char *dst, size_t size)
{
    if (n >= size || memchr(v, '\0', n))
        return -1;
    memcpy(dst, v, n);
    dst[n] = '\0';
    return 0;
}

int reg_docker_config_lookup(vg_ctx *ctx, const char *where, const char *text, size_t len, const char *host,
                             char *user, size_t usize, char *password, size_t psize)
{
    user[0] = password[0] = '\0';
    if (len > REG_MAX_DOCKER_CONFIG)
        return vg_error(ctx, VG_ERR_LIMIT, "%s: larger than %zu bytes", where, REG_MAX_DOCKER_CONFIG);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        return vg_error(ctx, VG_ERR_FORMAT, "%s: not a JSON object (line %d: %s)", where, jerr.line, jerr.text);
    }
    char want[256];
    key_host(host, want, sizeof want);
    json_t *auths = json_object_get(root, "auths");
    json_t *entry = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(auths, key, v) {
        char kh[256];
        key_host(key, kh, sizeof kh);
        if (!strcmp(kh, want) || !strcmp(key, host)) {
            entry = v;
            break;
        }
    }
    int rc = VG_OK;
    const char *a = json_string_value(json_object_get(entry, "auth"));
    const char *u = json_string_value(json_object_get(entry, "username"));
    const char *p = json_string_value(json_object_get(entry, "password"));
    if (a && *a) {
        vg_buf dec;
        vg_buf_init(&dec, 4096);
        const char *colon;
        if (vg_base64_decode(&dec, a, strlen(a)) != VG_OK || !dec.data ||
            !(colon = memchr(dec.data, ':', dec.len)) ||
            copy_cred(dec.data, (size_t)(colon - dec.data), user, usize) ||
            copy_cred(colon + 1, dec.len - (size_t)(colon - dec.data) - 1, password, psize))
            rc = vg_error(ctx, VG_ERR_FORMAT, "%s: the \"auth\" of %s is not base64 of USER:PASSWORD", where, host);
        vg_buf_free(&dec);
    } else if (u && p) {
        if (copy_cred(u, strlen(u), user, usize) || copy_cred(p, strlen(p), password, psize))
            rc = vg_error(ctx, VG_ERR_LIMIT, "%s: the credentials of %s are too long", where, host);
    } else {
        const char *helper = json_string_value(json_object_get(json_object_get(root, "credHelpers"), want));
        if (!helper)
            helper = json_string_value(json_object_get(root, "credsStore"));
        if (helper)
            rc = vg_error(ctx, VG_ERR_UNSUPPORTED,
                          "%s: the credentials of %s are in the credential helper docker-credential-%s, which vigil "
                          "does not run; give them with --registry-auth USER:PASSWORD (or @FILE)", where, host, helper);
    }
    if (rc)
        user[0] = password[0] = '\0';
    json_decref(root);
    return rc;
}
