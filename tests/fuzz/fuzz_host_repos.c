/*
 * fuzz_host_repos.c — libFuzzer target for the package manager
 * configuration parsers of the host collector (src/collect/host_repos.c):
 * each input is read as an APT one-line sources list, a deb822 .sources
 * file, a yum .repo file (and dnf.conf's [main]), apk's repositories file
 * and apt.conf.  Every repository must say whether it is signed.  Seeds
 * in corpus/host_repos/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "collect/host_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    int bad = 0, truncated = 0;
    json_t *repos = json_array(), *values = json_object();
    if (!repos || !values)
        abort();
    host_repos_apt_list("/etc/apt/sources.list", text, size, repos, &bad, &truncated);
    host_repos_apt_deb822("/etc/apt/sources.list.d/x.sources", text, size, repos, &bad, &truncated);
    int gpgcheck = host_repos_yum_main_gpgcheck(text, size);
    host_repos_yum("/etc/yum.repos.d/x.repo", text, size, gpgcheck, repos, &bad, &truncated);
    host_repos_apk("/etc/apk/repositories", text, size, 1, repos, &bad, &truncated);
    host_aptconf_parse(text, size, values, &bad, &truncated);
    size_t i;
    json_t *r;
    json_array_foreach(repos, i, r) if (!json_is_boolean(json_object_get(r, "signed"))) abort();
    json_decref(repos);
    json_decref(values);
    return 0;
}
