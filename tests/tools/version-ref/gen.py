#!/usr/bin/env python3
"""gen.py — generated version pairs for the differential tests of vigil's
version comparators (tests/e2e/version_*.sh).

usage: gen.py SCHEME COUNT SEED > pairs.tsv
Prints COUNT lines "A<TAB>B".  Versions are realistic and adversarial for
the scheme: epochs, tildes, carets, leading zeros, numbers longer than 64
bits, letters, separators, empty parts, invalid strings.  Pairs are drawn
so that many share a prefix (the interesting comparisons).  The seed is
fixed by the caller so that a failure reproduces.  For SCHEME "npm-range"
the lines are "RANGE<TAB>VERSION".
"""
import random
import sys


def num(r, big=True):
    k = r.random()
    if k < 0.5:
        return str(r.randint(0, 12))
    if k < 0.7:
        return "0" * r.randint(1, 3) + str(r.randint(0, 99))
    if k < 0.85 or not big:
        return str(r.randint(0, 99999))
    return str(r.randint(10**19, 10**30))  # beyond 64 bits


def pick(r, items):
    return items[r.randrange(len(items))]


def mutate(r, v, alphabet):
    """A near neighbour of v: one character changed, added or removed."""
    if not v:
        return pick(r, alphabet)
    i = r.randrange(len(v) + 1)
    k = r.random()
    if k < 0.4:
        return v[:i] + pick(r, alphabet) + v[i:]
    if k < 0.7 and i < len(v):
        return v[:i] + v[i + 1:]
    if i < len(v):
        return v[:i] + pick(r, alphabet) + v[i + 1:]
    return v + pick(r, alphabet)


def dpkg(r):
    up = num(r)
    for _ in range(r.randint(0, 3)):
        up += pick(r, [".", ".", "+", "~", "", "-", ":"]) + pick(r, [num(r), "a", "rc1", "beta", "dfsg", "b", "", "~", "+really"])
    v = up
    if r.random() < 0.5:
        v += "-" + pick(r, ["1", "0", "2ubuntu1", "1+deb12u1", "1~bpo11+1", "10", "0.1", "1build1", "a", "~1", ""])
    if r.random() < 0.25:
        v = pick(r, ["0", "1", "2", "10", "007", "1", "2", "0", "1", "2147483647"]) + ":" + v
    elif r.random() < 0.005:
        v = pick(r, ["", "a", "2147483648", "99999999999"]) + ":" + v
    return v


def rpm(r):
    v = num(r)
    for _ in range(r.randint(0, 3)):
        v += pick(r, [".", ".", "_", "+", "~", "^", ""]) + pick(r, [num(r), "a", "rc1", "git20240101", "beta", "~", "^", "el9"])
    if r.random() < 0.6:
        v += "-" + pick(r, ["1", "1.el9", "1.el9_2.1", "0.rc1.fc39", "2.module+el8.1", "1~pre", "1^post", "10", "a", num(r)])
    if r.random() < 0.2:
        v = pick(r, ["0", "1", "2", "12345678901234567890123", "007"]) + ":" + v
    return v


APK_SUFFIXES = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p", "foo", ""]


def apk(r):
    v = num(r)
    for _ in range(r.randint(0, 3)):
        v += "." + num(r)
    if r.random() < 0.3:
        v += pick(r, "abcxyz")
    for _ in range(r.randint(0, 2)):
        v += "_" + pick(r, APK_SUFFIXES) + pick(r, ["", "1", "2", "20240101", num(r)])
    if r.random() < 0.15:
        v += "~" + pick(r, ["1234abcd", "deadbeef", "0", "ABC", "x"])
    if r.random() < 0.6:
        v += "-r" + pick(r, ["0", "1", "2", "10", num(r), ""])
    return v


def semver_core(r, big=False):
    def n():
        k = r.random()
        if k < 0.7:
            return str(r.randint(0, 3))
        return num(r, big) if k < 0.8 else str(r.randint(0, 99999))
    v = "%s.%s.%s" % (n(), n(), n())
    if r.random() < 0.5:
        ids = [pick(r, ["alpha", "beta", "rc", "0", "1", "2", "11", "x", "pre-1", "alpha", "a1", "-", "A", str(r.randint(0, 10**15))]) for _ in range(r.randint(1, 3))]
        if r.random() < 0.03:
            ids.append(pick(r, ["01", "", "a b"]))
        v += "-" + ".".join(ids)
    if r.random() < 0.2:
        v += "+" + pick(r, ["build.1", "sha.5114f85", "001", "exp.sha.5114f85", "20130313144700"] + ([""] if r.random() < 0.1 else []))
    return v


def npm(r):
    v = semver_core(r, big=r.random() < 0.1)
    k = r.random()
    if k < 0.05:
        v = "v" + v
    elif k < 0.08:
        v = " " + v + " "
    elif k < 0.1:
        v = pick(r, ["=", "vv", "V"]) + v
    return v


def golang(r):
    v = semver_core(r, big=True)
    k = r.random()
    if k < 0.1:
        v = "v%d.%d.%d-%s-%s" % (r.randint(0, 2), r.randint(0, 3), r.randint(0, 3),
                                 pick(r, ["", "0.", "pre.0."]) + "2019%010d" % r.randint(0, 10**9),
                                 "%012x" % r.randrange(16**12))
        return v.replace("--", "-")
    if k < 0.2:
        v = "v%d" % r.randint(0, 3) + pick(r, ["", ".%d" % r.randint(0, 3)])
    elif k < 0.25:
        v = v + "+incompatible"
    if not v.startswith("v") and r.random() < 0.9:
        v = "v" + v
    return v


PEP_PRE = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "A", "RC"]


def pep440(r):
    v = ".".join(num(r) for _ in range(r.randint(1, 4)))
    if r.random() < 0.15:
        v = num(r, False) + "!" + v
    if r.random() < 0.3:
        v += pick(r, ["", ".", "-", "_"]) + pick(r, PEP_PRE) + pick(r, ["", "0", "1", "2", num(r)])
    if r.random() < 0.25:
        v += pick(r, ["-" + num(r), ".post" + num(r), "post", "-r1", ".rev", "_post_2"])
    if r.random() < 0.25:
        v += pick(r, [".dev", ".dev0", "dev1", "-dev" + num(r), "_dev_3"])
    if r.random() < 0.15:
        v += "+" + pick(r, ["abc", "5", "abc.5", "ubuntu-1", "1.2_3", "", "a..b", "007"])
    if r.random() < 0.05:
        v = pick(r, ["v", "V", " "]) + v
    return v


MAVEN_WORDS = ["alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final", "release",
               "sp", "a", "b", "m", "foo", "RC", "SNAPSHOT", "Final", "jre", "android", ""]


def maven(r):
    v = num(r)
    for _ in range(r.randint(0, 4)):
        v += pick(r, [".", "-", "", "."]) + pick(r, [num(r), pick(r, MAVEN_WORDS), "0", ""])
    return v or "1"


def rubygems(r):
    v = num(r)
    for _ in range(r.randint(0, 4)):
        v += "." + pick(r, [num(r), "a", "b", "pre", "rc", "beta", "0", "a1", "1a", "A", "x"])
    if r.random() < 0.15:
        v += "-" + pick(r, ["1", "a", "pre", "b.2", "a-b"])
    if r.random() < 0.05:
        v = pick(r, [" ", "", ""]) + v + pick(r, [" ", "\n".replace("\n", " ")])
    return v


def composer(r):
    v = pick(r, ["", "", "v"]) + str(r.randint(0, 12)) if r.random() < 0.9 else str(r.randint(0, 99999))
    for _ in range(r.randint(0, 3)):
        v += "." + num(r, False)[:8]
    if r.random() < 0.4:
        v += pick(r, ["", "-", ".", "_"]) + pick(r, ["alpha", "a", "beta", "b", "RC", "rc", "patch", "pl", "p", "stable"]) + pick(r, ["", "1", "2", ".3", "-4", "10"])
    if r.random() < 0.15:
        v += pick(r, ["-dev", ".dev", "dev"])
    if r.random() < 0.05:
        v += "+build" + str(r.randint(0, 9))
    return v


GENERATORS = {
    "dpkg": (dpkg, "0123456789.:~+-abz"),
    "rpm": (rpm, "0123456789.~^_+-:aZ"),
    "apk": (apk, "0123456789._~-rabp"),
    "npm": (npm, "0123456789.-+av"),
    "go": (golang, "0123456789.-+v"),
    "pep440": (pep440, "0123456789.-_!+abcrpostdev"),
    "maven": (maven, "0123456789.-abr"),
    "rubygems": (rubygems, "0123456789.-ab"),
    "composer": (composer, "0123456789.-abRCpv"),
}


def version_pair(r, gen, alphabet):
    a = gen(r)
    k = r.random()
    if k < 0.35:
        b = mutate(r, a, alphabet)
    elif k < 0.5:
        b = a
    else:
        b = gen(r)
    if r.random() < 0.03:
        a = mutate(r, a, alphabet + "\x01 /@é")
    return a, b


# ---- npm ranges ---------------------------------------------------------

def xpart(r):
    return pick(r, ["x", "X", "*", str(r.randint(0, 3)), str(r.randint(0, 3)), str(r.randint(0, 12))])


def partial(r):
    k = r.random()
    if k < 0.5:
        return semver_core(r)
    if k < 0.7:
        return "%d.%s" % (r.randint(0, 3), xpart(r))
    if k < 0.85:
        return "%d.%d.%s" % (r.randint(0, 3), r.randint(0, 3), xpart(r))
    return pick(r, ["%d" % r.randint(0, 3), "*", "x", "1.x.3", "v1.2.3", "=1.2.3", "0.0.x"])


def comparator(r):
    k = r.random()
    if k < 0.15:
        return "^" + partial(r)
    if k < 0.3:
        return pick(r, ["~", "~>", "~ "]) + partial(r)
    if k < 0.8:
        return pick(r, ["", ">", ">=", "<", "<=", "=", "> ", ">= ", "<= "]) + partial(r)
    if k < 0.9:
        return partial(r) + " - " + partial(r)
    if k < 0.95:
        return pick(r, ["", "*", ">=*", "<*", "~1.2.3-beta.2", "^0.0.1-0", "1.2.3-alpha.7", ">1.2.3-alpha.3", "~0", "^0.0.x"])
    return pick(r, ["1.2.3*", "-", "^", "||", "1.2.3.4", "==1.2.3", "vv1.2"])


def npm_range(r):
    sets = []
    for _ in range(r.randint(1, 3)):
        sets.append(" ".join(comparator(r) for _ in range(r.randint(1, 3))))
    return pick(r, ["||", " || ", " ||"]).join(sets)


def main():
    scheme, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    out = []
    if scheme == "npm-range":
        for _ in range(count):
            out.append("%s\t%s" % (npm_range(r), semver_core(r)))
    else:
        gen, alphabet = GENERATORS[scheme]
        for _ in range(count):
            a, b = version_pair(r, gen, alphabet)
            out.append("%s\t%s" % (a.replace("\t", " ").replace("\n", " "), b.replace("\t", " ").replace("\n", " ")))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
