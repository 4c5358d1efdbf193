/*
 * fuzz_collect_elf.c — the ELF hardening reader of `vigil collect binaries`
 * (vg_collect_binary(), src/collect/binaries.c, over src/catalog/binfmt.c)
 * on arbitrary bytes read through read_at, as the source hands it a file:
 * the program and section headers, the dynamic section, the dynamic
 * symbols and their strings, the notes and the RPATH/RUNPATH strings.
 * Seeds (corpus/collect_elf/): binfmt's crafted 32-bit big-endian ELF,
 * and small executables and shared objects of a function calling the
 * undefined __memcpy_chk, strcpy and __stack_chk_fail, made by
 *   L=-Wl,-z,max-page-size=0x10,-z,common-page-size=0x10,-z,noseparate-code,--build-id=none
 *   gcc -fno-builtin -shared -fPIC -nostdlib -O2 $L -Wl,-rpath,/opt/x:\$ORIGIN/lib \
 *       -Wl,--disable-new-dtags -Wl,-z,ibt,-z,shstk,-z,now,-z,relro       (then strip)
 *   gcc ... -Wl,-rpath,/opt/y -Wl,--enable-new-dtags -z execstack
 *   gcc -m32 ...;  gcc -static / -static-pie -nostdlib of an empty _start
 *   clang --target=aarch64-linux-gnu -mbranch-protection=standard, ld.lld -shared -z now
 */
#include <stdlib.h>

#include "binary_fuzz.h"
#include "vigil/collect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_file backing = {.path = "usr/lib/libx.so.1", .data = data, .size = size, .layer = -1};
    vg_file file = {.path = "usr/lib/libx.so.1", .size = size, .layer = -1, .mode = 0644,
                    .read_at = fuzz_read_backing, .handle = &backing};
    json_t *entry = NULL;
    if (vg_collect_binary(&ctx, &file, &entry) == VG_OK && !entry)
        abort(); /* VG_OK always comes with an entry */
    json_decref(entry);
    vg_ctx_free(&ctx);
    return 0;
}
