#!/usr/bin/env python3
"""ctest_summary.py — the counts of one ctest run, from the JUnit XML that
ctest itself writes (ctest --output-junit FILE), used by setup.sh --test.

usage: ctest_summary.py LABEL JUNIT_XML

Prints "ctest (LABEL): P passed, F failed, S skipped", then one line per
skipped test with its reason.  ctest writes status="run" for a test that
passed, "fail" for one that failed, "notrun" for one that was skipped (exit
status 77, or a missing REQUIRED_FILES) and "disabled" for a disabled one;
the last two count as skipped.  Any other status, a report with no test, or
counts that disagree with the report's own "tests" attribute are an error.

Exit status: 0; 1 when a test failed, or when one was skipped and the
environment variable CI is set (to anything but "", "0" or "false": in CI
nothing may be skipped, see tests/e2e/lib.sh); 2 when the report is
missing or not what ctest writes.
"""
import os
import sys
import xml.etree.ElementTree as ET


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ctest_summary.py LABEL JUNIT_XML")
    label, path = sys.argv[1:]
    try:
        suite = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"ctest ({label}): no readable JUnit report: {e}", file=sys.stderr)
        return 2
    cases = suite.findall("testcase")
    counts = {"run": 0, "fail": 0, "notrun": 0, "disabled": 0}
    skipped = []
    for case in cases:
        status = case.get("status")
        if status not in counts:
            print(f"ctest ({label}): {case.get('name')}: unknown status {status!r}", file=sys.stderr)
            return 2
        counts[status] += 1
        if status in ("notrun", "disabled"):
            why = (case.findtext("system-out") or "").strip().splitlines()
            reason = next((line for line in reversed(why) if line.startswith(("SKIP", "FAIL"))), None)
            node = case.find("skipped")
            skipped.append((case.get("name"), reason or (node.get("message") if node is not None else status)))
    if suite.tag != "testsuite" or not cases or str(len(cases)) != suite.get("tests"):
        print(f"ctest ({label}): {path} lists {len(cases)} tests, its header says {suite.get('tests')}",
              file=sys.stderr)
        return 2
    passed, failed, nskipped = counts["run"], counts["fail"], counts["notrun"] + counts["disabled"]
    print(f"ctest ({label}): {passed} passed, {failed} failed, {nskipped} skipped")
    for name, reason in skipped:
        print(f"  skipped: {name}: {reason}")
    ci = os.environ.get("CI", "")
    if nskipped and ci.lower() not in ("", "0", "false"):
        print(f"ctest ({label}): {nskipped} skipped, and CI={ci}: nothing may be skipped in CI",
              file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
