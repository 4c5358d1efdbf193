/*
 * fuzz_dpkg_status.c — libFuzzer target for the dpkg cataloger: each input
 * is handed to it as var/lib/dpkg/status (deb-control(5) paragraphs), as a
 * distroless status.d file, as an info/PKG.list and as a DEP-5
 * usr/share/doc/PKG/copyright, then finish() joins them.  Seeds in
 * corpus/dpkg_status/.
 */
#include "cataloger_fuzz.h"

extern const vg_cataloger vg_cataloger_dpkg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {
        "var/lib/dpkg/status",
        "var/lib/dpkg/status.d/base-files",
        "var/lib/dpkg/info/adduser.list",
        "usr/share/doc/adduser/copyright",
    };
    return fuzz_one_cataloger(&vg_cataloger_dpkg, paths, sizeof paths / sizeof paths[0], data, size);
}
