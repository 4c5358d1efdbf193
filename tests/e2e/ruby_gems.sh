#!/bin/bash
# ruby_gems.sh — installed gem specifications and Gemfile.lock, against
# RubyGems and Bundler themselves:
#  1. real Debian ruby-* packages staged into a root (with their dpkg
#     records): vigil's gems == Gem::Specification over the staged gem
#     directory, each contained by the deb that ships its gemspec;
#  2. every gem directory of this machine (default gems included) against
#     Gem::Specification, with runtime-dependency edges;
#  3. Gemfile.lock fixtures (tests/data/ruby/) and the real lockfiles that
#     ship inside installed gems, against Bundler::LockfileParser: specs,
#     platforms, sources, dependency edges, the PATH "." application root.
. "$(dirname "$0")/lib.sh"
need_cmd ruby
need_cmd python3
ruby -rbundler -e 'Bundler::LockfileParser' 2>/dev/null || skip "Bundler is not installed (Debian ruby / bundler)"

# vigil's gems in a CycloneDX + SPDX pair: "C name version platform source deps"
# lines, then "R root direct-deps" for application roots.  With a prefix
# (ONLY), the gems found under it, whose source is then "installed" even when
# the same gem was also locked elsewhere (one component per package carries
# the facts of both copies).
vigil_gems() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys, urllib.parse, posixpath
cdx = json.load(open(sys.argv[1])); spdx = json.load(open(sys.argv[2])); only = sys.argv[3]
byref, name_of = {}, {}
for c in cdx.get("components", []):
    if not c.get("purl", "").startswith("pkg:gem/"):
        continue
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if only and not any(o["location"].startswith(only) for o in c["evidence"]["occurrences"]):
        continue
    q = dict(urllib.parse.parse_qsl(c["purl"].partition("?")[2]))
    byref[c["purl"]] = (c, props, q.get("platform", "ruby"))
deps = {}
ids = {}
for p in spdx["packages"]:
    for r in p.get("externalRefs", []):
        if r["referenceType"] == "purl":
            ids[p["SPDXID"]] = r["referenceLocator"]
for r in spdx.get("relationships", []):
    a, b = ids.get(r["spdxElementId"]), ids.get(r["relatedSpdxElement"])
    if a in byref and b in byref and r["relationshipType"] == "DEPENDS_ON":
        deps.setdefault(a, set()).add(byref[b][0]["name"])
for purl, (c, props, platform) in byref.items():
    src = "installed" if only else props.get("vigil:gem:source-type", "installed")
    print("C", c["name"], c["version"], platform, src, ",".join(sorted(deps.get(purl, ()))) if c["type"] != "application" else "-")
    if c["type"] == "application":
        print("R", c["name"], ",".join(sorted(deps.get(purl, ()))))
    if "vigil:gem:bundler-version" in props and not only:
        print("B", props["vigil:gem:bundler-version"])
PY
}

# RubyGems' view of one gem directory (GEM_HOME=GEM_PATH=dir; Ruby's own
# default gems are always added by RubyGems: keep the ones loaded from dir)
rubygems_view() {
    ruby -e '
home = ARGV[0]
Gem.paths = { "GEM_HOME" => home, "GEM_PATH" => home }
Gem::Specification.reset
specs = Gem::Specification.select { |s| s.loaded_from.start_with?(home + "/") }
names = specs.map(&:name)
specs.each do |s|
  deps = s.runtime_dependencies.map(&:name).select { |n| names.include?(n) && n != s.name }.uniq.sort
  puts ["C", s.name, s.version.to_s, s.platform.to_s, "installed", deps.join(",")].join(" ")
end' "$1"
}

# Bundler's view of a lockfile
bundler_view() {
    (cd "$(dirname "$1")" && touch Gemfile && BUNDLE_GEMFILE=$PWD/Gemfile ruby -rbundler -e '
l = Bundler::LockfileParser.new(File.read(ARGV[0]))
names = l.specs.map(&:name)
l.specs.each do |s|
  kind = case s.source
         when Bundler::Source::Git then "git"
         when Bundler::Source::Path then "path"
         else "rubygems" end
  root = kind == "path" && s.source.options["path"] == "."
  deps = s.dependencies.map(&:name).select { |n| names.include?(n) }
  if root
    direct = (deps + l.dependencies.keys.select { |n| names.include?(n) }).uniq.reject { |n| n == s.name }.sort
    puts ["C", s.name, s.version.to_s, s.platform.to_s, kind, "-"].join(" ")
    puts ["R", s.name, direct.join(",")].join(" ")
  else
    puts ["C", s.name, s.version.to_s, s.platform.to_s, kind, deps.uniq.reject { |n| n == s.name }.sort.join(",")].join(" ")
  end
  puts ["B", l.bundler_version.to_s].join(" ") if l.bundler_version
end' "$(basename "$1")")
}

# 1. Debian ruby-* packages in a staging root
ROOT=$TMP/root
mkdir -p "$ROOT/var/lib/dpkg/info" "$TMP/debs"
: >"$ROOT/var/lib/dpkg/status"
if (cd "$TMP/debs" && apt-get download ruby-rack ruby-concurrent ruby-i18n ruby-tzinfo ruby-minitest >/dev/null 2>&1); then
    for deb in "$TMP"/debs/*.deb; do
        pkg=$(dpkg-deb -f "$deb" Package)
        dpkg-deb -x "$deb" "$ROOT"
        { dpkg-deb -f "$deb" | sed '1a Status: install ok installed'; echo; } >>"$ROOT/var/lib/dpkg/status"
        dpkg-deb -c "$deb" | awk '{ $1=$2=$3=$4=$5=""; sub(/^ +/, ""); sub(/ -> .*/, ""); sub(/^\./, ""); if ($0 == "/") $0 = "/."; sub(/\/$/, ""); print }' \
            >"$ROOT/var/lib/dpkg/info/$pkg.list"
    done
    HOME_DIR=usr/share/rubygems-integration/all
    "$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/deb.cdx.json" -o spdx-json="$TMP/deb.spdx.json" 2>"$TMP/warnings" \
        || { cat "$TMP/warnings" >&2; fail "vigil sbom on the staged ruby packages"; }
    [ -s "$TMP/warnings" ] && { cat "$TMP/warnings" >&2; fail "warnings on real Debian ruby packages"; }
    validate_cyclonedx "$TMP/deb.cdx.json"
    validate_spdx "$TMP/deb.spdx.json"
    vigil_gems "$TMP/deb.cdx.json" "$TMP/deb.spdx.json" "$HOME_DIR/" >"$TMP/deb.vigil"
    rubygems_view "$ROOT/$HOME_DIR" >"$TMP/deb.ref"
    [ "$(wc -l <"$TMP/deb.ref")" -ge 4 ] || fail "RubyGems sees too few gems in the staged root"
    same_lines "$TMP/deb.vigil" "$TMP/deb.ref" "gems of the Debian packages"
    # each gem is contained by the deb that ships its gemspec
    python3 - "$TMP/deb.spdx.json" "$ROOT" <<'PY' || fail "deb CONTAINS gem"
import json, os, sys
doc = json.load(open(sys.argv[1])); root = sys.argv[2]
purl = {p["SPDXID"]: r["referenceLocator"] for p in doc["packages"] for r in p.get("externalRefs", []) if r["referenceType"] == "purl"}
contains = {(purl.get(r["spdxElementId"]), purl.get(r["relatedSpdxElement"])) for r in doc["relationships"] if r["relationshipType"] == "CONTAINS"}
owner = {}
info = os.path.join(root, "var/lib/dpkg/info")
for f in os.listdir(info):
    for line in open(os.path.join(info, f)):
        owner[line.strip()] = f[:-5]
gems = [p for p in doc["packages"] if purl.get(p["SPDXID"], "").startswith("pkg:gem/")]
bad = 0
for p in gems:
    gem = purl[p["SPDXID"]]
    spec = [f for f, o in owner.items() if f.endswith(".gemspec") and os.path.basename(f).startswith(p["name"] + "-" + p["versionInfo"])]
    deb = owner[spec[0]] if spec else None
    if not deb or not any(a and a.startswith(f"pkg:deb/debian/{deb}@") and b == gem for a, b in contains):
        print("no CONTAINS from", deb, "to", gem); bad += 1
sys.exit(bad != 0)
PY
else
    skip_part "the staged Debian ruby packages (apt-get download failed: no network or no apt lists)"
fi

# 2. this machine's gem directories
homes=$(ls -d "$VIGIL_SRC/tests/data/ruby/gemhome" /usr/lib/ruby/gems/* /var/lib/gems/* /usr/share/rubygems-integration/* 2>/dev/null || true)
compared=0
for home in $homes; do
    [ -d "$home/specifications" ] || continue
    "$VIGIL" sbom "$home" -o cyclonedx-json="$TMP/home.cdx.json" -o spdx-json="$TMP/home.spdx.json" 2>/dev/null || [ $? = 3 ] \
        || fail "vigil sbom $home"
    vigil_gems "$TMP/home.cdx.json" "$TMP/home.spdx.json" "specifications/" >"$TMP/home.vigil"
    rubygems_view "$home" >"$TMP/home.ref"
    same_lines "$TMP/home.vigil" "$TMP/home.ref" "gems in $home"
    compared=$((compared + $(wc -l <"$TMP/home.ref")))
    # summary, licences and authors as RubyGems evaluates them
    ruby -rjson -e '
home = ARGV[0]
Gem.paths = { "GEM_HOME" => home, "GEM_PATH" => home }
Gem::Specification.reset
puts JSON.generate(Gem::Specification.select { |s| s.loaded_from.start_with?(home + "/") }.map { |s|
  [s.name, s.version.to_s, s.summary, s.licenses, s.authors, s.homepage] })' "$home" >"$TMP/home.meta"
    python3 - "$TMP/home.cdx.json" "$TMP/home.meta" <<'PY' || fail "gem metadata in $home"
import json, sys
cdx = {(c["name"], c["version"]): c for c in json.load(open(sys.argv[1]))["components"] if c.get("purl", "").startswith("pkg:gem/")}
bad = 0
for name, version, summary, licenses, authors, homepage in json.load(open(sys.argv[2])):
    c = cdx.get((name, version))
    lic = c.get("licenses", [{}])[0] if c else {}
    got_lic = lic.get("expression") or lic.get("license", {}).get("id") or lic.get("license", {}).get("name")
    want = (summary or None, " OR ".join(licenses) or None, ", ".join(a for a in authors if a) or None, homepage or None)
    got = (c.get("description"), got_lic, c.get("supplier", {}).get("name"),
           next((r["url"] for r in c.get("externalReferences", []) if r["type"] == "website"), None)) if c else None
    # the writers map licence names to SPDX ids case-insensitively ("ruby" -> "Ruby")
    low = lambda t: t and (t[0], t[1] and t[1].lower(), t[2], t[3])
    if low(got) != low(want):
        print(name, version, "vigil", got, "RubyGems", want); bad += 1
sys.exit(bad != 0)
PY
done

# 3. lockfiles: the fixtures and the real ones shipped inside installed gems
n=0
for lock in "$VIGIL_SRC"/tests/data/ruby/*/Gemfile.lock $(find /usr/lib/ruby/gems /var/lib/gems -name Gemfile.lock 2>/dev/null); do
    n=$((n + 1))
    mkdir -p "$TMP/lock$n"
    cp "$lock" "$TMP/lock$n/Gemfile.lock"
    "$VIGIL" sbom "$TMP/lock$n" -o cyclonedx-json="$TMP/lock$n.cdx.json" -o spdx-json="$TMP/lock$n.spdx.json" 2>"$TMP/warnings" \
        || { cat "$TMP/warnings" >&2; fail "vigil sbom on $lock"; }
    [ -s "$TMP/warnings" ] && { cat "$TMP/warnings" >&2; fail "warnings on $lock"; }
    validate_cyclonedx "$TMP/lock$n.cdx.json"
    vigil_gems "$TMP/lock$n.cdx.json" "$TMP/lock$n.spdx.json" "" | sort -u >"$TMP/lock$n.vigil"
    bundler_view "$TMP/lock$n/Gemfile.lock" | sort -u >"$TMP/lock$n.ref"
    [ -s "$TMP/lock$n.ref" ] || fail "Bundler found nothing in $lock"
    same_lines "$TMP/lock$n.vigil" "$TMP/lock$n.ref" "specs of $lock"
done

# git and alternative-remote identities in the fixture's purls
python3 - "$TMP/lock1.cdx.json" <<'PY' || fail "purls of the app fixture"
import json, sys, urllib.parse
purls = {c["purl"] for c in json.load(open(sys.argv[1]))["components"]}
want = {"pkg:gem/private_gem@0.4.2?vcs_url=git%2Bhttps://github.com/example/private_gem.git%403f1c2b9e8a7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
        "pkg:gem/nokogiri@1.16.2?platform=x86_64-linux", "pkg:gem/nokogiri@1.16.2", "pkg:gem/demo_app", "pkg:gem/billing"}
dec = {urllib.parse.unquote(p) for p in purls}
missing = {urllib.parse.unquote(w) for w in want} - dec
if missing:
    print("missing", missing, "in", sorted(dec)); sys.exit(1)
PY
python3 - "$TMP/lock2.cdx.json" <<'PY' || fail "a GEM section with one remote other than rubygems.org"
import json, sys, urllib.parse
purls = {urllib.parse.unquote(c["purl"]) for c in json.load(open(sys.argv[1]))["components"]}
assert "pkg:gem/internal_auth@2.1.0?repository_url=https://gems.example.com/" in purls, purls
assert "pkg:gem/rack@2.2.8" in purls, purls
PY

# A lockfile with a malformed spec: warning with the line, the rest kept.
mkdir -p "$TMP/bad"
printf 'GEM\n  remote: https://rubygems.org/\n  specs:\n    good (1.0)\n    bad spec\n\nDEPENDENCIES\n  good\n' >"$TMP/bad/Gemfile.lock"
expect_status 3 "$VIGIL" sbom "$TMP/bad" -o cyclonedx-json="$TMP/bad.json"
expect_stderr 'Gemfile.lock.*line 5'
grep -q '"pkg:gem/good@1.0"' "$TMP/bad.json" || fail "the good spec next to a bad one"
[ "$compared" -gt 0 ] || fail "no gem found in the gem directories: $homes"
echo "ruby_gems: $compared installed gems compared, $n lockfiles"
