/*
 * fuzz_hsts.c — libFuzzer target for what `vigil collect tls` reads from
 * a server's answer to HEAD / (src/collect/tls_http.c): the HTTP/1.x
 * response head parser and the Strict-Transport-Security parser (RFC
 * 6797, 6.1), both on the input as it comes.  Beyond memory safety it
 * checks their contracts: a whole head ends inside the input and the limit,
 * its STS value lies inside the head, a prefix of a whole head is never
 * refused, a valid STS value has a max-age in range and no problem, an
 * invalid one a problem and no max-age.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/tls_internal.h"

static void check_hsts(const char *value, size_t len)
{
    tls_hsts h;
    tls_hsts_parse(value, len, &h);
    if (h.valid ? (h.problem || h.max_age < 0 || h.max_age > TLS_HSTS_MAX_AGE)
                : (!h.problem || h.max_age != -1 || h.include_subdomains || h.preload))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    check_hsts(text, size);
    tls_http_head head;
    const char *why = NULL;
    int r = tls_http_parse_head(text, size, &head, &why);
    if (r == 1) {
        if (head.head_len == 0 || head.head_len > size || head.head_len > TLS_HTTP_MAX_HEAD ||
            head.status_code < 100 || head.status_code > 999 || (head.sts_fields == 0) != (head.sts == NULL))
            abort();
        if (head.sts && (head.sts < text || head.sts + head.sts_len > text + head.head_len))
            abort();
        if (head.sts)
            check_hsts(head.sts, head.sts_len);
        /* every shorter prefix of a whole head is incomplete, not refused */
        tls_http_head again;
        for (size_t cut = 0; cut < head.head_len; cut += 1 + cut / 8)
            if (tls_http_parse_head(text, cut, &again, &why) != 0)
                abort();
    } else if (r == -1 ? why == NULL : r != 0) {
        abort();
    }
    return 0;
}
