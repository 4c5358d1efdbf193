#!/usr/bin/env python3
"""collect_binaries_ref.py — what readelf and Debian's hardening-check say
about the binaries of a `vigil collect binaries` document, compared with
what the document says, fact by fact (tests/e2e/collect_binaries.sh).

    collect_binaries_ref.py files ROOT            the ELF executables and shared
                                                  objects find -xdev lists under ROOT
    collect_binaries_ref.py readelf DOC ROOT      every binary of DOC against readelf
    collect_binaries_ref.py hardening-check DOC ROOT PATH...
                                                  the binaries PATH... of DOC against
                                                  hardening-check (and the documented
                                                  differences against readelf)

A binary's path in DOC is its path under ROOT.  Mismatches go to stderr,
one a line; the exit status is 1 when there is one, or when nothing was
compared.  The expected facts come from readelf -W -h -l -S -d -n
--dyn-syms and from hardening-check, parsed here; none from vigil.
"""
import os
import re
import subprocess
import sys

MACHINES = {"Advanced Micro Devices X86-64": "x86-64", "Intel 80386": "i386", "AArch64": "aarch64", "ARM": "arm",
            "RISC-V": "riscv", "IBM S/390": "s390", "PowerPC64": "ppc64", "PowerPC": "ppc", "MIPS R3000": "mips"}


def hardening_check_list():
    """The functions hardening-check calls fortifiable: its %libc."""
    text = open(subprocess.run(["sh", "-c", "command -v hardening-check"], capture_output=True, text=True,
                               check=True).stdout.strip()).read()
    names = set(re.findall(r"^\s+'(\w+)'\s+=> 1,$", text, re.M))
    assert len(names) > 50, "hardening-check's list of libc functions was not found"
    return names


def readelf(path):
    """The facts readelf shows about path, as vigil's document names them."""
    out = subprocess.run(["readelf", "-W", "-h", "-l", "-S", "-d", "-n", "--dyn-syms", path], capture_output=True,
                         text=True, errors="replace").stdout
    f = {}
    m = re.search(r"^\s+Type:\s+(\w+)", out, re.M)
    etype = m.group(1) if m else ""
    m = re.search(r"^\s+Machine:\s+(.+?)\s*$", out, re.M)
    f["machine"] = MACHINES.get(m.group(1), m.group(1)) if m else None
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+"
                       r"([RWE ]+?)\s+(?:0x[0-9a-f]+|\d+)$", out, re.M)
    types = [t for t, _ in phdrs]
    flags_1 = re.search(r"\(FLAGS_1\)\s+Flags:(.*)$", out, re.M)
    flags_1 = flags_1.group(1).split() if flags_1 else []
    flags = re.search(r"\(FLAGS\)\s+(.*)$", out, re.M)
    flags = flags.group(1).split() if flags else []
    f["phdr"] = "PHDR" in types
    f["interp"] = "INTERP" in types
    f["pie_flag"] = "PIE" in flags_1
    f["type"] = ("executable" if etype == "EXEC" else "pie-executable" if f["interp"] or f["pie_flag"]
                 else "shared-object")
    f["pie"] = etype == "DYN"
    f["bind_now"] = bool(re.search(r"^\s*0x[0-9a-f]+\s+\(BIND_NOW\)", out, re.M)) or "BIND_NOW" in flags \
        or "NOW" in flags_1
    f["relro"] = "none" if "GNU_RELRO" not in types else "full" if f["bind_now"] else "partial"
    stack = [fl for t, fl in phdrs if t == "GNU_STACK"]
    f["nx"] = bool(stack) and "E" not in stack[0]
    sections = re.findall(r"^\s+\[\s*\d+\]\s+(\S*)\s+([A-Z_0-9]+)\s+[0-9a-f]{8}", out, re.M)
    f["stripped"] = not any(t == "SYMTAB" for _, t in sections)
    f["dynamic_symbols"] = any(t == "DYNSYM" for _, t in sections)
    f["debug_only"] = any(n == ".text" and t == "NOBITS" for n, t in sections)
    paths = {}
    for tag in ("RPATH", "RUNPATH"):
        paths[tag] = []
        for v in re.findall(r"\(%s\)\s+Library %s: \[(.*)\]$" % (tag, tag.lower()), out, re.M):
            paths[tag] += v.split(":")
    f["rpath"], f["runpath"] = paths["RPATH"], paths["RUNPATH"]
    x86 = re.findall(r"x86 feature: ([A-Z0-9_, ]+)", out)
    arm = re.findall(r"AArch64 feature: ([A-Z0-9_, ]+)", out)
    x86 = {w.strip() for v in x86 for w in v.split(",")}
    arm = {w.strip() for v in arm for w in v.split(",")}
    is_x86, is_arm = f["machine"] in ("x86-64", "i386"), f["machine"] == "aarch64"
    f["ibt"] = "IBT" in x86 if is_x86 else None
    f["shstk"] = "SHSTK" in x86 if is_x86 else None
    f["bti"] = "BTI" in arm if is_arm else None
    f["pac"] = "PAC" in arm if is_arm else None
    # the undefined dynamic symbols: Num: Value Size Type Bind Vis Ndx Name
    und = []
    part = out.split("Symbol table '.dynsym'", 1)
    if len(part) == 2:
        for line in part[1].splitlines()[2:]:
            cols = line.split()
            if len(cols) < 8 or not cols[0].endswith(":"):
                if not line.strip():
                    break
                continue
            if cols[6] == "UND":
                und.append((cols[3], cols[7].split("@")[0]))
    f["und"] = und
    funcs = [n for t, n in und if t in ("FUNC", "IFUNC", "NOTYPE")]
    f["static"] = f["type"] != "shared-object" and not f["interp"]
    symbols = f["dynamic_symbols"] and not f["static"]
    f["canary"] = any(n in ("__stack_chk_fail", "__stack_chk_guard") for _, n in und) if symbols else None
    chk = sorted({n[2:-4] for n in funcs if re.fullmatch(r"__.+_chk", n) and n != "__stack_chk_fail"})
    f["fortified"] = chk
    plain = [n for n in funcs if n in LIBC]
    f["fortify"] = (True if chk else False if plain else None) if symbols else None
    return f, out


LIBC = set()


def compare_readelf(doc, root):
    bad, n = [], 0
    for b in doc["binaries"]:
        f, _ = readelf(os.path.join(root, b["path"].lstrip("/")))
        n += 1
        if f["debug_only"]:
            bad.append(f"{b['path']}: a separate debug-information file is listed")
        for key in ("type", "machine", "pie", "relro", "bind_now", "nx", "static", "dynamic_symbols", "canary", "fortify",
                    "fortified", "ibt", "shstk", "bti", "pac", "rpath", "runpath", "stripped"):
            if b[key] != f[key]:
                bad.append(f"{b['path']}: {key}: vigil {b[key]!r}, readelf {f[key]!r}")
        if b["size"] != os.lstat(os.path.join(root, b["path"].lstrip("/"))).st_size:
            bad.append(f"{b['path']}: size {b['size']}")
    return bad, n


def parse_hardening_check(text):
    """{path: {check: answer}} from hardening-check's report."""
    out, cur = {}, None
    for line in text.splitlines():
        if not line.startswith(" ") and line.endswith(":"):
            cur = out.setdefault(line[:-1], {})
        elif cur is not None and ": " in line:
            k, v = line.strip().split(": ", 1)
            cur[k] = v
    return out


def compare_hardening_check(doc, root, paths):
    by_path = {b["path"]: b for b in doc["binaries"]}
    files = [os.path.join(root, p.lstrip("/")) for p in paths]
    # one run for all: hardening-check exits 1 when any check fails
    text = subprocess.run(["hardening-check"] + files, capture_output=True, text=True, errors="replace",
                          env=dict(os.environ, LANG="C")).stdout
    hc = parse_hardening_check(text)
    bad, n, differ = [], 0, []
    for p, file in zip(paths, files):
        b, h = by_path.get(p), hc.get(file)
        if not b or not h:
            bad.append(f"{p}: {'not in the document' if not b else 'not in hardening-check report'}")
            continue
        n += 1
        f, _ = readelf(file)
        # PIE: hardening-check calls ET_DYN with a PHDR header an executable;
        # vigil, ET_DYN with an interpreter or DF_1_PIE.
        pie = h["Position Independent Executable"]
        want = "executable" if pie.startswith("no, normal") else "pie-executable" if pie == "yes" else \
            "shared-object" if pie.startswith("no, regular shared") else pie
        if b["type"] != want:
            explained = (want == "pie-executable" and f["phdr"] and not f["interp"] and not f["pie_flag"]) or \
                        (want == "shared-object" and not f["phdr"] and (f["interp"] or f["pie_flag"]))
            if not explained:
                bad.append(f"{p}: type {b['type']}, hardening-check: {pie}")
            differ.append(f"{p}: type {b['type']}, hardening-check: {pie}")
        # Stack protector: the same, but for binaries without dynamic symbols,
        # which vigil cannot tell (null), and __stack_chk_guard alone.
        sp = h["Stack protected"]
        want = True if sp == "yes" else False if sp.startswith("no") else None
        if b["canary"] != want:
            explained = (b["canary"] is None and (f["static"] or not f["dynamic_symbols"])) or \
                        (b["canary"] and any(n == "__stack_chk_guard" for _, n in f["und"]))
            if not explained:
                bad.append(f"{p}: canary {b['canary']}, hardening-check: {sp}")
            differ.append(f"{p}: canary {b['canary']}, hardening-check: {sp}")
        fs = h["Fortify Source functions"]
        want = True if fs.startswith("yes") else False if fs.startswith("no") else None
        if b["fortify"] != want:
            explained = b["fortify"] is True and b["fortified"] and not set(b["fortified"]) & LIBC
            if not explained:
                bad.append(f"{p}: fortify {b['fortify']} {b['fortified']}, hardening-check: {fs}")
            differ.append(f"{p}: fortify {b['fortify']} {b['fortified']}, hardening-check: {fs}")
        if (b["relro"] != "none") != (h["Read-only relocations"] == "yes"):
            bad.append(f"{p}: relro {b['relro']}, hardening-check: {h['Read-only relocations']}")
        if b["bind_now"] != (h["Immediate binding"] == "yes"):
            bad.append(f"{p}: bind_now {b['bind_now']}, hardening-check: {h['Immediate binding']}")
        if bool(b["ibt"] and b["shstk"]) != (h["Control flow integrity"] == "yes"):
            bad.append(f"{p}: ibt {b['ibt']} shstk {b['shstk']}, hardening-check: {h['Control flow integrity']}")
    for d in differ:
        print("documented difference: " + d)
    return bad, n


def elf_files(root):
    """What find -xdev -type f lists under root with an x bit or a shared
    object's name, that starts with an ELF header of type EXEC or DYN and is
    no separate debug-information file."""
    found = subprocess.run(["find", root, "-xdev", "-type", "f", "(", "-perm", "/111", "-o", "-name", "*.so", "-o",
                            "-name", "*.so.*", ")", "-print0"], capture_output=True, check=True).stdout
    out = []
    for p in found.split(b"\0"):
        if not p:
            continue
        try:
            with open(p, "rb") as fh:
                head = fh.read(20)
        except OSError:
            continue
        if len(head) < 20 or head[:4] != b"\x7fELF" or head[5] not in (1, 2):
            continue
        etype = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
        if etype in (2, 3):
            path = os.fsdecode(p)
            if not readelf(path)[0]["debug_only"]:
                out.append("/" + os.path.relpath(path, root))
    return out


def main():
    import json
    mode = sys.argv[1]
    if mode == "files":
        for p in sorted(elf_files(sys.argv[2])):
            print(p)
        return 0
    LIBC.update(hardening_check_list())
    doc = json.load(open(sys.argv[2]))
    root = sys.argv[3]
    if mode == "readelf":
        bad, n = compare_readelf(doc, root)
    else:
        bad, n = compare_hardening_check(doc, root, sys.argv[4:])
    for b in bad:
        print(b, file=sys.stderr)
    print(f"{mode}: {n} binaries compared, {len(bad)} mismatches")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
