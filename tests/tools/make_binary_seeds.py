#!/usr/bin/env python3
"""make_binary_seeds.py — writes the small crafted executables used as fuzz
seeds for tests/fuzz/fuzz_gobuildinfo.c and fuzz_binfmt.c: ELF (64-bit LE,
32-bit BE), Mach-O (64-bit, and a universal file around it) and PE32+
images holding Go build info in the 1.18+ inline layout or the pre-1.18
pointer layout, laid out as Go's debug/buildinfo reads them.  They are a few
hundred bytes each; real Go binaries are megabytes.

usage: make_binary_seeds.py OUTDIR
"""
import os
import struct
import sys

SENT_A = bytes(range(16))
SENT_B = bytes(range(16, 32))
MODINFO = (b"path\texample.com/cmd/tool\nmod\texample.com/tool\tv1.2.0\th1:aaaa=\n"
           b"dep\tgithub.com/pkg/errors\tv0.9.1\th1:bbbb=\n"
           b"dep\tgolang.org/x/sys\tv0.1.0\n=>\tgolang.org/x/sys\tv0.2.0\th1:cccc=\n"
           b"build\tGOOS=linux\nbuild\t-ldflags=\"-s -w\"\n")


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def inline_blob(version, mod):
    mod = SENT_A + mod + SENT_B
    return (b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16 +
            uvarint(len(version)) + version + uvarint(len(mod)) + mod)


def pointer_blob(base, ps, big, version, mod):
    e = ">" if big else "<"
    w = "Q" if ps == 8 else "I"
    mod = SENT_A + mod + SENT_B
    hdr = base + 32
    ver = hdr + 4 * ps
    m = ver + len(version)
    head = b"\xff Go buildinf:" + bytes([ps, 1 if big else 0])
    head += struct.pack(e + w + w, hdr, hdr + 2 * ps).ljust(16, b"\0")
    return head + struct.pack(e + w + w, ver, len(version)) + struct.pack(e + w + w, m, len(mod)) + version + mod


def elf(bits, big, blob_for):
    e = ">" if big else "<"
    base, off = 0x400000, 0x100
    blob = blob_for(base + off)
    shstr = b"\0.go.buildinfo\0.shstrtab\0"
    ehsize, phsize, shsize = (64, 56, 64) if bits == 64 else (52, 32, 40)
    shstr_off = off + len(blob)
    sh_off = (shstr_off + len(shstr) + 7) & ~7
    size = sh_off + 3 * shsize
    out = bytearray(size)
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 2 if big else 1, 1, 0]) + b"\0" * 8
    if bits == 64:
        out[0:64] = ident + struct.pack(e + "HHIQQQIHHHHHH", 2, 62, 1, base, ehsize, sh_off, 0, ehsize, phsize, 1, shsize, 3, 2)
        out[64:120] = struct.pack(e + "IIQQQQQQ", 1, 6, 0, base, base, size, size, 0x1000)
        sec = lambda n, t, f, a, o, s: struct.pack(e + "IIQQQQIIQQ", n, t, f, a, o, s, 0, 0, 1, 0)
    else:
        out[0:52] = ident + struct.pack(e + "HHIIIIIHHHHHH", 2, 8, 1, base, ehsize, sh_off, 0, ehsize, phsize, 1, shsize, 3, 2)
        out[52:84] = struct.pack(e + "IIIIIIII", 1, 0, base, base, size, size, 6, 0x1000)
        sec = lambda n, t, f, a, o, s: struct.pack(e + "IIIIIIIIII", n, t, f, a, o, s, 0, 0, 1, 0)
    out[off:off + len(blob)] = blob
    out[shstr_off:shstr_off + len(shstr)] = shstr
    secs = sec(0, 0, 0, 0, 0, 0) + sec(1, 1, 3, base + off, off, 32) + sec(15, 3, 0, 0, shstr_off, len(shstr))
    out[sh_off:sh_off + len(secs)] = secs
    return bytes(out)


def macho64(blob):
    # header, one LC_SEGMENT_64 "__DATA" with one section "__go_buildinfo"
    base, off = 0x100000000, 0x200
    blob += b"\0" * 16  # Go's reader wants bytes after the last string
    cmdsize = 72 + 80
    hdr = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x0100000C, 0, 2, 1, cmdsize, 0, 0)
    seg = struct.pack("<II16sQQQQiiII", 0x19, cmdsize, b"__DATA", base, 0x1000, off, len(blob), 3, 3, 1, 0)
    sect = struct.pack("<16s16sQQIIIIIIII", b"__go_buildinfo", b"__DATA", base, len(blob), off, 4, 0, 0, 0, 0, 0, 0)
    out = bytearray(off + len(blob))
    body = hdr + seg + sect
    out[0:len(body)] = body
    out[off:] = blob
    return bytes(out)


def fat(image):
    off = 0x1000
    head = struct.pack(">II", 0xCAFEBABE, 1) + struct.pack(">iiIII", 0x0100000C, 0, off, len(image), 12)
    return head.ljust(off, b"\0") + image


def pe64(blob):
    blob += b"\0" * 16
    image_base, va, raw = 0x140000000, 0x1000, 0x200
    mz = bytearray(0x80)
    mz[0:2] = b"MZ"
    struct.pack_into("<I", mz, 0x3C, 0x80)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x22)
    opt = bytearray(240)
    struct.pack_into("<H", opt, 0, 0x20B)
    struct.pack_into("<Q", opt, 24, image_base)
    sect = struct.pack("<8sIIIIIIHHI", b".data", len(blob), va, len(blob), raw, 0, 0, 0, 0, 0xC0000040)
    head = bytes(mz) + coff + bytes(opt) + sect
    return head.ljust(raw, b"\0") + blob


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "elf64le-inline": elf(64, False, lambda a: inline_blob(b"go1.21.5", MODINFO)),
        "elf32be-pointer": elf(32, True, lambda a: pointer_blob(a, 4, True, b"go1.16.15", MODINFO)),
        "elf64le-pointer": elf(64, False, lambda a: pointer_blob(a, 8, False, b"go1.17rc1", MODINFO)),
        "macho64-inline": macho64(inline_blob(b"go1.22.0", MODINFO)),
        "macho-fat-inline": fat(macho64(inline_blob(b"go1.22.0", MODINFO))),
        "pe64-inline": pe64(inline_blob(b"go1.20.14 X:boringcrypto", MODINFO)),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
