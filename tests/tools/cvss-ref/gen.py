#!/usr/bin/env python3
"""gen.py — random CVSS vectors for the differential test (tests/e2e/cvss_reference.sh).

usage: gen.py SEED COUNT
Prints COUNT vectors per version (v2, v3.0, v3.1, v4.0), one a line, every
metric in the order of its specification's vector-string table.  Base
metrics are always present; each optional metric is present with
probability 1/2 and then takes any of its values, X / ND included
(v2: no environmental metrics, see V2_OPT).
"""
import random
import sys

V2 = [("AV", "LAN"), ("AC", "HML"), ("Au", "MSN"), ("C", "NPC"), ("I", "NPC"), ("A", "NPC")]
# v2: temporal metrics only.  ae-cvss-calculator computes the v2
# environmental score from the unrounded adjusted temporal score, where the
# v2 guide (section 3.2.3) rounds it; tests/unit/cvss.c checks the guide's
# own environmental examples instead.
V2_OPT = [("E", ["U", "POC", "F", "H", "ND"]), ("RL", ["OF", "TF", "W", "U", "ND"]), ("RC", ["UC", "UR", "C", "ND"])]
V3 = [("AV", "NALP"), ("AC", "LH"), ("PR", "NLH"), ("UI", "NR"), ("S", "UC"), ("C", "HLN"), ("I", "HLN"), ("A", "HLN")]
V3_OPT = [("E", "XHFPU"), ("RL", "XUWTO"), ("RC", "XCRU"), ("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"),
          ("MAV", "XNALP"), ("MAC", "XLH"), ("MPR", "XNLH"), ("MUI", "XNR"), ("MS", "XUC"),
          ("MC", "XHLN"), ("MI", "XHLN"), ("MA", "XHLN")]
V4 = [("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"), ("VC", "HLN"), ("VI", "HLN"),
      ("VA", "HLN"), ("SC", "HLN"), ("SI", "HLN"), ("SA", "HLN")]
V4_OPT = [("E", "XAPU"), ("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"), ("MAV", "XNALP"), ("MAC", "XLH"),
          ("MAT", "XNP"), ("MPR", "XNLH"), ("MUI", "XNPA"), ("MVC", "XHLN"), ("MVI", "XHLN"), ("MVA", "XHLN"),
          ("MSC", "XHLN"), ("MSI", "XSHLN"), ("MSA", "XSHLN"), ("S", "XNP"), ("AU", "XNY"), ("R", "XAUI"),
          ("V", "XDC"), ("RE", "XLMH"), ("U", ["X", "Clear", "Green", "Amber", "Red"])]


def vector(rng, prefix, base, opt):
    parts = [f"{m}:{rng.choice(list(vals))}" for m, vals in base]
    parts += [f"{m}:{rng.choice(list(vals))}" for m, vals in opt if rng.random() < 0.5]
    return prefix + "/".join(parts)


def main():
    rng = random.Random(int(sys.argv[1]))
    count = int(sys.argv[2])
    for _ in range(count):
        print(vector(rng, "", V2, V2_OPT))
        print(vector(rng, "CVSS:3.0/", V3, V3_OPT))
        print(vector(rng, "CVSS:3.1/", V3, V3_OPT))
        print(vector(rng, "CVSS:4.0/", V4, V4_OPT))


main()
