#!/usr/bin/env bash
# policy_evidence.sh — `vigil policy evidence`, the evidence a policy run
# reads (src/policy/detect.c, store_evidence.c), on documents vigil
# makes from the Alpine 3.10.9 minirootfs, on other tools' documents
# (tests/data) and on the official SPDX 3.0.1 examples:
# - a directory walked in the order a python walk gives, each file typed as
#   the hand-written table below says (kind, format, verified, collected),
#   its sha256 and size those of sha256sum and stat, its data the file as
#   jq reads it, or for attestations the payload as base64 -d decodes it;
# - attestations verified with either of two keys, not with a tampered
#   payload, another key or no key; SLSA provenance typed provenance;
# - YAML typed as PyYAML types it with the YAML 1.2 core schema
#   (tests/data/policy/types.yaml, the firewall export, real pnpm lock files);
# - KIND=PATH; bad input of every kind: exit 1, the file and the problem
#   named, nothing printed;
# - --store: the assets, latest snapshots and open findings with their
#   first-seen times that the store's tables hold (sqlite3), the digest of
#   the canonical JSON (python), a PostgreSQL URL's password left out.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/nvd/cve
need_shared schemas/spdx/examples-3.0.1
need_cmd jq
need_cmd python3
need_cmd sqlite3
need_cmd sha256sum
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (run ./setup.sh --test)"
cd "$TMP"
unset VIGIL_PASSWORD
ROOTFS=$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
DATA=$VIGIL_SRC/tests/data
pe() { "$VIGIL" policy evidence "$@"; }
# rows FILE: "path kind format verified collected" of each document, in order
rows() { jq -r '.[] | [.path, .kind, .format, (if has("verified") then (.verified | tostring) else "-" end), .collected] | @tsv' "$1"; }

# ---- evidence made by vigil and by other tools --------------------------------
# the secdb, and NVD's records of its CVEs for scores (floats in the inventory)
"$VIGIL" db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" --from "$VIGIL_SHARED/vulndata/nvd/cve" \
    --db db.sqlite >/dev/null 2>err ||
    { cat err >&2; fail "db build"; }
mkdir -p ev/sbom ev/att ev/other
"$VIGIL" sbom -q -o cyclonedx-json=ev/sbom/alpine.cdx.json -o spdx-json=ev/sbom/alpine.spdx.json "$ROOTFS" || fail "sbom"
"$VIGIL" scan -q --db db.sqlite --max-db-age 100000d -o json=ev/alpine.scan.json "$ROOTFS" || fail "scan"
# a VDR whose findings are all suppressed, each with an analysis: an SBOM
# still (components no vulnerability affects), not VEX
"$VIGIL" scan -q --db db.sqlite --max-db-age 100000d --vex "$DATA/vex/alpine-musl.openvex.json" \
    --vex "$DATA/vex/alpine-musl-utils-jan.openvex.json" \
    -o json=ev/trivy.scan.json -o cyclonedx-json=ev/trivy.vdr.json "$DATA/sbom/trivy-alpine.cdx.json" || fail "scan"
[ "$(jq -c '[(.vulnerabilities | length), ([.vulnerabilities[] | select(.analysis)] | length)]' ev/trivy.vdr.json)" = \
    "[2,2]" ] || fail "the VDR fixture changed"
setsid -w "$VIGIL" key generate --type ecdsa-p256 org </dev/null 2>/dev/null || fail "key generate"
setsid -w "$VIGIL" key generate --type ed25519 team </dev/null 2>/dev/null || fail "key generate"
"$VIGIL" attest --key org.key --type cyclonedx --predicate ev/sbom/alpine.cdx.json --subject ev/sbom/alpine.cdx.json \
    -o ev/att/sbom.sigstore.json || fail "attest"
"$VIGIL" attest --key team.key --type vuln --predicate ev/alpine.scan.json --subject ev/alpine.scan.json --format dsse \
    -o ev/att/scan.dsse.json || fail "attest"
"$VIGIL" provenance --no-env --builder-id https://ci.example.org/builder --build-type https://ci.example.org/build/v1 \
    -o prov.json || fail "provenance"
"$VIGIL" attest --key org.key --type slsa-provenance --predicate prov.json --subject ev/sbom/alpine.cdx.json \
    -o ev/att/build.provenance.json || fail "attest"
"$VIGIL" evidence attest --requirement ir2024-2690:2.1.1 --statement "The board approved the security policy." \
    --expires 2099-01-01 --key org.key -o ev/att/policy-approval.manual.json || fail "evidence attest"
# the predicate type changed in the signed payload
jq '.dsseEnvelope.payload |= (@base64d | sub("https://cyclonedx.org/bom"; "https://example.org/forged") | @base64)' \
    ev/att/sbom.sigstore.json >ev/att/tampered.sigstore.json
# the statement alone, unsigned
jq -r .dsseEnvelope.payload ev/att/sbom.sigstore.json | base64 -d >ev/att/sbom.intoto.json
cp "$DATA/sbom/syft-debian.cdx.json" "$DATA/sbom/trivy-alpine.spdx.json" "$DATA/sbom/cdxgen-npm.cdx.json" \
    "$DATA/vex/alpine-musl.openvex.json" "$DATA/vex/alpine-musl-utils.cdx-vex.json" "$DATA/policy/firewall.yaml" ev/other/
# CycloneDX VEX without its analyses: vulnerabilities alone are no VEX
jq 'del(.vulnerabilities[].analysis)' "$DATA/vex/alpine-musl-utils.cdx-vex.json" >ev/other/musl-utils-vdr.cdx.json
cp "$DATA/policy/tls-collected.json" ev/
# not read: other names, hidden files (this one is not even JSON), links
echo "notes" >ev/README.txt
echo "{not json" >ev/.hidden.json
ln -s sbom/alpine.cdx.json ev/link.json
find ev -exec touch -h -d @1600000000 {} +
M=2020-09-13T12:26:40Z # that modification time
V=2023-11-14T22:13:20Z # SOURCE_DATE_EPOCH, the time vigil writes into its documents

cat >expected.tsv <<EOF
ev/alpine.scan.json	scan	vigil	-	$V
ev/att/build.provenance.json	provenance	sigstore-bundle	true	$M
ev/att/policy-approval.manual.json	manual	sigstore-bundle	true	$M
ev/att/sbom.intoto.json	attestation	in-toto	false	$M
ev/att/sbom.sigstore.json	attestation	sigstore-bundle	true	$M
ev/att/scan.dsse.json	attestation	dsse	true	$M
ev/att/tampered.sigstore.json	attestation	sigstore-bundle	false	$M
ev/other/alpine-musl-utils.cdx-vex.json	vex	cyclonedx	-	2024-03-05T10:00:00Z
ev/other/alpine-musl.openvex.json	vex	openvex	-	2024-01-10T09:00:00Z
ev/other/cdxgen-npm.cdx.json	sbom	cyclonedx	-	2024-05-02T08:30:00Z
ev/other/firewall.yaml	document	yaml	-	$M
ev/other/musl-utils-vdr.cdx.json	sbom	cyclonedx	-	2024-03-05T10:00:00Z
ev/other/syft-debian.cdx.json	sbom	cyclonedx	-	2024-03-01T10:00:00Z
ev/other/trivy-alpine.spdx.json	sbom	spdx	-	2024-03-01T10:00:00Z
ev/sbom/alpine.cdx.json	sbom	cyclonedx	-	$V
ev/sbom/alpine.spdx.json	sbom	spdx	-	$V
ev/tls-collected.json	tls	vigil	-	2026-11-30T09:15:00Z
ev/trivy.scan.json	scan	vigil	-	$V
ev/trivy.vdr.json	sbom	cyclonedx	-	$V
EOF
expect_status 0 pe --evidence ev --key org.pub --key team.pub --data
mv "$TMP/stdout" all.json
rows all.json >got.tsv
diff expected.tsv got.tsv >&2 || fail "types, verification or times differ (< expected, > vigil)"
[ "$(jq -r '[.[].id] | join(" ")' all.json)" = "$(seq -f e%g 1 19 | tr '\n' ' ' | sed 's/ $//')" ] || fail "ids"
# the order and the set of files: a python walk, depth first, names in byte order
python3 - ev >walk.txt <<'PY'
import os, sys
def walk(d):
    for name in sorted(os.listdir(d), key=lambda n: n.encode()):
        p = os.path.join(d, name)
        if name.startswith(".") or os.path.islink(p):
            continue
        if os.path.isdir(p):
            walk(p)
        elif name.lower().endswith((".json", ".yaml", ".yml")):
            print(p)
walk(sys.argv[1])
PY
diff walk.txt <(cut -f1 got.tsv) >&2 || fail "the walk differs from python's (< python, > vigil)"
# warnings: the link, the untyped export, the unsigned and the tampered attestations; nothing about the rest
expect_stderr "ev/link.json: a symbolic link in an evidence directory is not followed"
expect_stderr "ev/other/firewall.yaml: untyped: "
expect_stderr "ev/att/sbom.intoto.json: an in-toto statement: not verified: an in-toto statement by itself carries no signature"
expect_stderr "ev/att/tampered.sigstore.json: a Sigstore bundle: key [0-9a-f]{12}\.\.\.: signature check failed: signature does not verify with key [0-9a-f]{64} \(ecdsa-p256\): the payload or its type was changed, or another key signed it; key [0-9a-f]{12}"
! grep -E "README|hidden|alpine.scan.json|build.provenance" "$TMP/stderr" || fail "warned about a file it should not"

# bytes, digests, data
n=0
while IFS=$'\t' read -r path kind format; do
    n=$((n + 1))
    doc=$(jq -c --arg p "$path" '.[] | select(.path == $p) | {sha256, size}' all.json)
    [ "$doc" = "{\"sha256\":\"$(sha256sum "$path" | cut -d' ' -f1)\",\"size\":$(stat -c %s "$path")}" ] ||
        fail "$path: $doc is not what sha256sum and stat say"
    jq -S --arg p "$path" '.[] | select(.path == $p) | .data' all.json >data.json
    case $format in
    sigstore-bundle) jq -r .dsseEnvelope.payload "$path" | base64 -d | jq -S . >ref.json ;;
    dsse) jq -r .payload "$path" | base64 -d | jq -S . >ref.json ;;
    yaml) continue ;; # compared with PyYAML below
    *) jq -S . "$path" >ref.json ;;
    esac
    cmp -s data.json ref.json || { diff data.json ref.json | head >&2; fail "$path: data is not the document as jq reads it"; }
done < <(cut -f1-3 got.tsv)
[ "$n" = 19 ] || fail "checked $n documents"
[ "$(jq -r '.[] | select(.path == "ev/att/tampered.sigstore.json") | .data.predicateType' all.json)" = \
    https://example.org/forged ] || fail "the tampered statement is not what rules see"
[ "$(jq -r '.[] | select(.path == "ev/att/build.provenance.json") | .data.predicate.runDetails.builder.id' all.json)" = \
    https://ci.example.org/builder ] || fail "provenance data"
jq -r '.[] | select(.verified == true) | .verification' all.json >verifications.txt
grep -c "^verified with key $(jq -r '.verificationMaterial.publicKey.hint' ev/att/sbom.sigstore.json) (ecdsa-p256)$" \
    verifications.txt | grep -qx 3 || fail "org key verifications: $(cat verifications.txt)"
grep -qx "verified with key [0-9a-f]\{64\} (ed25519)" verifications.txt || fail "team key verification"
# A document of 1 MiB or more is hashed on a thread of its own while it is
# parsed: the same digest, and the same data, as for the small ones.
jq '.components = [range(60) as $i | .components[] | .["bom-ref"] += "-\($i)"]' ev/sbom/alpine.cdx.json >big.cdx.json
[ "$(stat -c %s big.cdx.json)" -ge 1048576 ] || fail "big.cdx.json is not 1 MiB: $(stat -c %s big.cdx.json)"
expect_status 0 pe --evidence big.cdx.json --data
[ "$(jq -c '.[0] | {kind, sha256, size}' "$TMP/stdout")" = \
    "{\"kind\":\"sbom\",\"sha256\":\"$(sha256sum big.cdx.json | cut -d' ' -f1)\",\"size\":$(stat -c %s big.cdx.json)}" ] ||
    fail "big.cdx.json: $(jq -c '.[0] | {kind, sha256, size}' "$TMP/stdout") is not what sha256sum and stat say"
cmp -s <(jq -S '.[0].data' "$TMP/stdout") <(jq -S . big.cdx.json) || fail "big.cdx.json: data is not the document"

# one key only: the team's envelope no longer verifies; no key: nothing does
expect_status 0 pe --evidence ev/att --key org.pub
jq -r '.[] | [.path, .verified] | @tsv' "$TMP/stdout" >got.tsv
printf '%s\n' "ev/att/build.provenance.json	true" "ev/att/policy-approval.manual.json	true" \
    "ev/att/sbom.intoto.json	false" "ev/att/sbom.sigstore.json	true" \
    "ev/att/scan.dsse.json	false" "ev/att/tampered.sigstore.json	false" | diff - got.tsv >&2 || fail "with the org key"
jq -r '.[] | select(.path == "ev/att/scan.dsse.json") | .verification' "$TMP/stdout" | grep -q "^signature check failed: " ||
    fail "another key's envelope: $(cat "$TMP/stdout")"
expect_status 0 pe --evidence ev/att
[ "$(jq '[.[] | select(.verified == false and (.verification | startswith("not verified: no public key")))] | length' \
    "$TMP/stdout")" = 5 ] || fail "without a key: $(cat "$TMP/stdout")"
# a file named anything is read when given itself
cp ev/att/sbom.sigstore.json sbom.bundle
expect_status 0 pe --evidence sbom.bundle --key org.pub
[ "$(jq -r '.[0] | .kind, .verified' "$TMP/stdout" | tr '\n' ' ')" = "attestation true " ] || fail "sbom.bundle"
# a key that is no key
expect_status 1 pe --evidence ev/att --key ev/alpine.scan.json
expect_stderr "ev/alpine.scan.json"

# ---- SPDX 3: the official examples ---------------------------------------------
expect_status 0 pe --evidence "$VIGIL_SHARED/schemas/spdx/examples-3.0.1"
jq -r '.[] | [(.path | split("/") | last), .kind, .format, .collected] | @tsv' "$TMP/stdout" >got.tsv
python3 - "$VIGIL_SHARED/schemas/spdx/examples-3.0.1" >ref.tsv <<'PY'
import datetime, json, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    graph = json.load(open(os.path.join(d, name)))["@graph"]
    doc = next(e for e in graph if e.get("type") == "SpdxDocument")
    info = doc["creationInfo"]
    if isinstance(info, str):
        info = next(e for e in graph if e.get("@id") == info)
    t = datetime.datetime.fromisoformat(info["created"].replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    print(f"{name}\tsbom\tspdx\t{t:%Y-%m-%dT%H:%M:%SZ}")
PY
[ "$(wc -l <ref.tsv)" = 27 ] || fail "the SPDX 3 examples changed"
diff ref.tsv got.tsv >&2 || fail "SPDX 3 examples (< python, > vigil)"
# another element's creationInfo first in the graph: still the SpdxDocument's time
jq '."@graph" = [{"@id": "_:other", "type": "CreationInfo", "created": "1999-01-01T00:00:00Z", "createdBy": [],
    "specVersion": "3.0.1"}] + ."@graph"' "$VIGIL_SHARED/schemas/spdx/examples-3.0.1/ai_example02_sbom.spdx3.json" >spdx3.json
expect_status 0 pe --evidence spdx3.json
[ "$(jq -r '.[0].collected' "$TMP/stdout")" = 2024-06-24T05:30:00Z ] || fail "SPDX 3 with two CreationInfo: $(cat "$TMP/stdout")"

# ---- YAML as PyYAML reads it ----------------------------------------------------
# vg_yaml_read() (src/core/yaml.c) types plain scalars by the YAML 1.2 core
# schema: PyYAML's loader with the core schema's resolvers (YAML 1.2.2
# §10.3.2) is the reference; keys are the text written in both.
cat >pyyaml.py <<'PY'
import json, re, sys, yaml
class Resolver(yaml.resolver.BaseResolver):
    pass
for tag, regexp, first in (
        ("null", r"~|null|Null|NULL|", "~nN"),
        ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
        ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
        ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
         "-+0123456789.")):
    Resolver.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(f"^(?:{regexp})$"), list(first) + [""] * (tag == "null"))
class Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
             yaml.constructor.SafeConstructor, Resolver):
    def __init__(self, stream):
        for base in Loader.__bases__:
            base.__init__(self, *([stream] if base is yaml.reader.Reader else []))
def core_int(loader, node):
    v = loader.construct_scalar(node)
    return int(v[2:], 8) if v.startswith("0o") else int(v[2:], 16) if v.startswith("0x") else int(v)
Loader.add_constructor("tag:yaml.org,2002:int", core_int)
Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: float(loader.construct_scalar(node)))
Loader.add_constructor("tag:yaml.org,2002:map",
                       lambda loader, node: {k.value: loader.construct_object(v, deep=True) for k, v in node.value})
for doc in json.load(open(sys.argv[1])):
    ref = yaml.load(open(doc["path"], "rb"), Loader=Loader)
    a, b = json.dumps(doc["data"], sort_keys=True), json.dumps(ref, sort_keys=True)
    if a != b or type(ref) is not dict:
        sys.exit(f"{doc['path']}: vigil read\n{a}\nPyYAML read\n{b}")
    print(doc["path"], len(a))
PY
yamls=("$DATA/policy/types.yaml" "$DATA/policy/firewall.yaml" "$DATA"/npm/pnpm-v*/pnpm-lock.yaml)
args=()
for y in "${yamls[@]}"; do args+=(--evidence "$y"); done
expect_status 0 pe --data "${args[@]}"
python3 pyyaml.py "$TMP/stdout" >yaml.txt || fail "YAML differs from PyYAML's reading"
[ "$(wc -l <yaml.txt)" = "${#yamls[@]}" ] || fail "YAML files compared: $(cat yaml.txt)"
# the cases types.yaml is there for (so that PyYAML cannot agree by reading nothing)
python3 - "$TMP/stdout" >cases.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))[0]["data"]
print(json.dumps([d["integers"][3], d["integers"][4], d["integers"][7], d["floats"][6], d["booleans"][0],
                  d["yaml11_words"][0], d["not_integers"][3], d["on"], d["uses_alias"]["name"], d["timestamps"][0]]))
PY
[ "$(cat cases.json)" = '[17, 15, 9223372036854775807, 1000.0, true, "yes", "1_000", "the key on stays \"on\"", "base", "2001-12-14"]' ] ||
    fail "types.yaml: $(cat cases.json)"

# ---- KIND=PATH ------------------------------------------------------------------
expect_status 0 pe --evidence firewall=ev/other/firewall.yaml --evidence scan=ev/alpine.scan.json \
    --evidence tls=ev/tls-collected.json
[ "$(jq -r '[.[].kind] | join(" ")' "$TMP/stdout")" = "firewall scan tls" ] || fail "KIND=PATH: $(cat "$TMP/stdout")"
! grep -q untyped "$TMP/stderr" || fail "a document given a kind is still warned about as untyped"
mkdir eq && cp ev/alpine.scan.json eq/a=b.json
expect_status 0 pe --evidence ./eq/a=b.json
[ "$(jq -r '.[0].kind' "$TMP/stdout")" = scan ] || fail "./PATH with '='"
reject() { # reject STATUS PATTERN ARGS...: refused, with PATTERN in the message, nothing printed
    local status=$1 pattern=$2
    shift 2
    expect_status "$status" pe "$@"
    expect_stderr "$pattern"
    [ ! -s "$TMP/stdout" ] || fail "$*: something was printed"
}
reject 1 "ev/alpine.scan.json: is a vigil scan report \(kind scan\), not of kind custom" --evidence custom=ev/alpine.scan.json
reject 1 "ev/other/firewall.yaml: is an untyped document \(kind document\), not of kind sbom" \
    --evidence sbom=ev/other/firewall.yaml
reject 1 "ev/att/build.provenance.json: is a Sigstore bundle \(kind provenance\), not of kind attestation" \
    --evidence attestation=ev/att/build.provenance.json --key org.pub
reject 2 "'9x' is not a kind name" --evidence 9x=ev/alpine.scan.json
reject 2 "give --evidence PATH or --store URL"

# ---- bad input --------------------------------------------------------------------
mkdir bad
head -c 100 ev/sbom/alpine.cdx.json >bad/truncated.json
echo '{"a": 1, "a": 2}' >bad/dup.json
python3 -c 'print("[" * 3000 + "]" * 3000)' >bad/deep.json
echo '{"n": 9223372036854775808}' >bad/bigint.json
: >bad/empty.json
printf 'a: [1, 2\n' >bad/syntax.yaml
printf 'a: 1\nb: 2\na: 3\n' >bad/dup.yaml
python3 -c 'print("a: " + "[" * 300 + "]" * 300)' >bad/deep.yaml
python3 - >bad/bomb.yaml <<'PY'
print("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]")
for i in range(ord("b"), ord("j") + 1):
    p = chr(i - 1)
    print(f"{chr(i)}: &{chr(i)} [" + ", ".join([f"*{p}"] * 10) + "]")
PY
printf 'a: &x [1, *x]\n' >bad/recursive.yaml
printf 'a: *nope\n' >bad/undefined.yaml
printf 'a: 1\n---\nb: 2\n' >bad/two.yaml
printf '# nothing but a comment\n' >bad/nothing.yaml
printf 'a: "x\\0y"\n' >bad/nul.yaml
printf '? [a]\n: 1\n' >bad/complexkey.yaml
printf 'a: &x 1\nb: &x 2\n' >bad/anchor.yaml
printf 'a:\n  <<: {b: 1}\n' >bad/merge.yaml
echo '{"vigil-evidence": "TLS", "schema": 1}' >bad/collector-kind.json
echo '{"vigil-evidence": "attestation", "schema": 1}' >bad/collector-reserved.json
echo '{"vigil-evidence": "tls", "schema": "1"}' >bad/collector-schema.json
truncate -s 513M bad/big.json
mkfifo bad/fifo.json
while IFS='|' read -r file pattern; do
    reject 1 "bad/$file: $pattern" --evidence "bad/$file"
done <<'EOF'
truncated.json|not valid JSON \(line 4, column 3: a string without its closing quote\)
dup.json|not valid JSON \(line 1, column 10: the member name "a" given twice in one object\)
deep.json|not valid JSON \(line 1, column 2049: arrays and objects nested deeper than 2048 levels\)
bigint.json|not valid JSON \(line 1, column 7: an integer beyond 64 bits
empty.json|not valid JSON \(line 1, column 1: a value expected, found the end of the text\)
syntax.yaml|not valid YAML \(line 2, column 1: did not find expected ',' or ']'\)
dup.yaml|line 3, column 1: a key given twice in one mapping
deep.yaml|line 1, column [0-9]+: nested deeper than 64 levels
bomb.yaml|line 1, column [0-9]+: more than 2000000 values \(aliases expanding too far\?\)
recursive.yaml|line 1, column [0-9]+: nested deeper than 64 levels
undefined.yaml|not valid YAML \(line 1, column 4: found undefined alias\)
two.yaml|more than one YAML document in the file
nothing.yaml|the file holds no YAML document
nul.yaml|line 1, column 4: a string containing a NUL character
complexkey.yaml|line 1, column 1: a mapping key that is not a scalar
anchor.yaml|not valid YAML \(line 2, column 4: second occurrence\)
merge.yaml|line 2, column 3: merge keys \(<<\) are not supported
collector-kind.json|"vigil-evidence" must be the name of a collected kind
collector-reserved.json|"vigil-evidence" must be the name of a collected kind
collector-schema.json|"schema" of a vigil-evidence document must be an integer from 1 up
big.json|the evidence file is larger than 536870912 bytes
fifo.json|the evidence file is not a regular file
missing.json|cannot open the evidence: No such file or directory
EOF
# a file name JSON cannot hold
mkdir latin1 && cp ev/alpine.scan.json "latin1/caf"$'\xe9'".json"
reject 1 "\.json: the name is not UTF-8, which the evidence record \(JSON\) needs: rename the file" --evidence latin1
expect_stderr "latin1/caf"
# a bundle whose unknown media type the message quotes cut short, in the
# middle of a character: recorded as not verified, the message still UTF-8
python3 - ev/att/sbom.sigstore.json >odd.json <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["mediaType"] = "application/vnd.dev.sigstore.bundle.v9+json;x" + "\u00e9" * 200
print(json.dumps(b))
PY
expect_status 0 pe --evidence odd.json --key org.pub
jq -r '.[0] | [.kind, .verified, .verification] | @tsv' "$TMP/stdout" | grep -q "^attestation	false	media type check failed: unknown bundle media type 'application/vnd.dev.sigstore.bundle.v9+json;xéé" ||
    fail "odd media type: $(cat "$TMP/stdout")"
# one bad file makes the whole directory fail: nothing printed
mkdir mixed && cp ev/alpine.scan.json bad/dup.yaml mixed/
reject 1 "mixed/dup.yaml: line 3, column 1: a key given twice" --evidence mixed
# the bomb is YAML, and would be a billion values
python3 -c 'import yaml; yaml.compose(open("bad/bomb.yaml"))' || fail "PyYAML does not read the bomb as YAML"

# ---- the store ------------------------------------------------------------------
mkdir a b
tar xzf "$ROOTFS" -C a
tar xzf "$ROOTFS" -C b
grep -q '^V:1.1.22-r4$' b/lib/apk/db/installed || fail "fixture changed: musl is not 1.1.22-r4"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' b/lib/apk/db/installed
S=sqlite:$TMP/store.sqlite
add() { "$VIGIL" inventory add -q --db db.sqlite --store "$S" "$@" >/dev/null || fail "inventory add $*"; }
add a --asset web --kind image --owner ops --environment prod --tag tier=1 --version 1.0
add b --asset web --version 1.1
add b --asset api --owner dev --tag team=core --tag tier=2
expect_status 0 pe --store "$S" --data
mv "$TMP/stdout" inv.json
[ "$(jq -r '.[] | [length, .id, .kind, .format, .path, .collected, .data.store, .data.backend] | @tsv' inv.json)" = \
    "8	e1	inventory	vigil	$S	$V	$S	sqlite" ] || fail "inventory document: $(jq -c '.[] | del(.data)' inv.json)"
q() { sqlite3 -separator $'\t' store.sqlite "$1"; }
q "SELECT name, coalesce(kind, '-'), coalesce(owner, '-'), coalesce(environment, '-') FROM asset" >ref.tsv
jq -r '.[0].data.assets[] | [.name, .kind // "-", .owner // "-", .environment // "-"] | @tsv' inv.json >got.tsv
same_lines got.tsv ref.tsv "assets"
q "SELECT a.name, t.key, t.value FROM asset_tag t JOIN asset a ON a.id = t.asset_id" >ref.tsv
jq -r '.[0].data.assets[] | .name as $n | .tags | to_entries[] | [$n, .key, .value] | @tsv' inv.json >got.tsv
same_lines got.tsv ref.tsv "tags"
q "SELECT a.name, s.seq, coalesce(s.version_label, '-'), s.sbom_digest, s.components,
          strftime('%Y-%m-%dT%H:%M:%SZ', s.created_at, 'unixepoch')
   FROM asset a JOIN snapshot s ON s.id = a.latest_snapshot" >ref.tsv
jq -r '.[0].data.assets[] | .name as $n | .latest |
    [$n, .snapshot, .version // "-", .sbom_digest, .components, .created] | @tsv' inv.json >got.tsv
same_lines got.tsv ref.tsv "latest snapshots"
q "SELECT a.name, f.vuln, strftime('%Y-%m-%dT%H:%M:%SZ', f.first_seen, 'unixepoch')
   FROM finding f JOIN asset a ON a.id = f.asset_id WHERE f.fixed_at IS NULL" >ref.tsv
[ "$(grep -c CVE-2019-14697 ref.tsv)" = 4 ] || fail "the store fixture changed: $(cat ref.tsv)"
jq -r '.[0].data.assets[] | .name as $n | .findings[] | [$n, .id, .first_seen] | @tsv' inv.json >got.tsv
same_lines got.tsv ref.tsv "open findings and their first-seen times"
# sha256 and size: of data as compact JSON with sorted keys, written by python
# as jansson writes numbers (%.17g, ".0" when it reads as an integer, no '+' in exponents)
python3 - inv.json >ref.txt <<'PY'
import hashlib, json, re, sys
def enc(v):
    if v is None or isinstance(v, (bool, str)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", "%.17g" % v)
        return s if re.search(r"[.e]", s) else s + ".0"
    if isinstance(v, list):
        return "[" + ",".join(enc(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + enc(v[k]) for k in sorted(v)) + "}"
doc = json.load(open(sys.argv[1]))[0]
text = enc(doc["data"]).encode()
print(hashlib.sha256(text).hexdigest(), len(text))
PY
[ "$(jq -r '.[0] | "\(.sha256) \(.size)"' inv.json)" = "$(cat ref.txt)" ] || fail "inventory digest: $(cat ref.txt)"
jq -e '[.[0].data.assets[].findings[] | .score | numbers] | length > 0' inv.json >/dev/null ||
    fail "no finding has a score: the digest check covers no float"
# the same store read again: the same digest
expect_status 0 pe --store "$S" --evidence ev/alpine.scan.json
[ "$(jq -r '.[1].sha256' "$TMP/stdout")" = "$(jq -r '.[0].sha256' inv.json)" ] || fail "digest changed between reads"

# a PostgreSQL store named with a password: the path leaves it out
source "$VIGIL_SRC/tests/e2e/pg.sh"
pg_start
PW_URL=${PG_URL/vigil@/vigil:s3cret@}
"$VIGIL" inventory add -q --db db.sqlite --store "$PW_URL" a --asset web >/dev/null || fail "inventory add (PostgreSQL)"
expect_status 0 pe --store "$PW_URL"
[ "$(jq -r '.[0].path' "$TMP/stdout")" = "${PG_URL/vigil@/vigil:***@}" ] || fail "path: $(jq -r '.[0].path' "$TMP/stdout")"
! grep -q s3cret "$TMP/stdout" "$TMP/stderr" || fail "the password was printed"
expect_status 0 pe --store "$PW_URL" --data
[ "$(jq -r '.[0].data | [.backend, (.assets | length), .assets[0].name] | @tsv' "$TMP/stdout")" = "postgresql	1	web" ] ||
    fail "PostgreSQL inventory: $(cat "$TMP/stdout")"
echo "ok: evidence typed, verified, digested and read as the references read it"
