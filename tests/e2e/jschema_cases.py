"""jschema_cases.py — the (schema, document) cases of jschema_ajv.sh: broken
(and a few still valid) variants of real SBOMs, each made by one edit that
one keyword of the official schema is about.  Nobody writes the expected
verdict: ajv gives it, and the test requires vigil to agree.

usage: python3 jschema_cases.py CDX SPDX23 SPDX3 OUTDIR
  CDX     a CycloneDX 1.6 SBOM written by vigil
  SPDX23  an SPDX 2.3 SBOM written by vigil
  SPDX3   an official SPDX 3.0.1 example (spdx-spec_package_sbom.json)
Writes OUTDIR/{cdx16,spdx23,spdx3}/NAME.json and prints how many it wrote.
"""
import copy
import json
import os
import sys

cdx_path, spdx_path, spdx3_path, out = sys.argv[1:5]
base = {
    "cdx16": json.load(open(cdx_path)),
    "spdx23": json.load(open(spdx_path)),
    "spdx3": json.load(open(spdx3_path)),
}


def lib(d):
    """The first library component of a CycloneDX document."""
    return next(c for c in d["components"] if c["type"] == "library")


def pkg(d):
    """The first package of an SPDX 2.3 document that is not the root."""
    return d["packages"][1]


def elem(d, kind):
    """The first element of type kind in an SPDX 3 @graph."""
    return next(e for e in d["@graph"] if e["type"] == kind)


def setp(obj, key, value):
    obj[key] = value


# (set, name, keyword the edit is about, edit)
CASES = [
    # CycloneDX 1.6
    ("cdx16", "enum-component-type", "enum", lambda d: setp(lib(d), "type", "librarry")),
    ("cdx16", "type-name-number", "type", lambda d: setp(lib(d), "name", 42)),
    ("cdx16", "required-name", "required", lambda d: lib(d).pop("name")),
    ("cdx16", "additional-property", "additionalProperties", lambda d: setp(lib(d), "colour", "red")),
    ("cdx16", "additional-property-root", "additionalProperties", lambda d: setp(d, "extra", 1)),
    ("cdx16", "pattern-serial", "pattern", lambda d: setp(d, "serialNumber", "urn:uuid:not-a-uuid")),
    ("cdx16", "pattern-hash-content", "pattern",
     lambda d: setp(d["metadata"]["component"]["hashes"][0], "content", "0838ff1ce28bb6b1")),
    ("cdx16", "enum-hash-alg", "enum", lambda d: setp(d["metadata"]["component"]["hashes"][0], "alg", "SHA-999")),
    ("cdx16", "format-date-time-month", "format", lambda d: setp(d["metadata"], "timestamp", "2026-13-04T18:35:25Z")),
    ("cdx16", "format-date-time-no-offset", "format", lambda d: setp(d["metadata"], "timestamp", "2026-12-04T18:35:25")),
    ("cdx16", "format-date-time-leap-day", "format", lambda d: setp(d["metadata"], "timestamp", "2023-02-29T10:00:00Z")),
    ("cdx16", "format-date-time-offset-ok", "format",
     lambda d: setp(d["metadata"], "timestamp", "2024-02-29T23:59:60.5-00:00")),
    ("cdx16", "format-iri-space", "format",
     lambda d: setp(lib(d), "externalReferences", [{"type": "website", "url": "http://exa mple.org/"}])),
    ("cdx16", "format-iri-unicode-ok", "format",
     lambda d: setp(lib(d), "externalReferences", [{"type": "website", "url": "https://example.org/ü?q=é#f"}])),
    ("cdx16", "format-iri-bad-percent", "format",
     lambda d: setp(lib(d), "externalReferences", [{"type": "vcs", "url": "https://example.org/%zz"}])),
    ("cdx16", "format-idn-email", "format",
     lambda d: setp(lib(d), "supplier", {"name": "x", "contact": [{"email": "a@@example.org"}]})),
    ("cdx16", "format-idn-email-ok", "format",
     lambda d: setp(lib(d), "supplier", {"name": "x", "contact": [{"email": "jösé@exämple.org"}]})),
    ("cdx16", "oneOf-license-both", "oneOf",
     lambda d: setp(lib(d), "licenses", [{"license": {"id": "MIT", "name": "MIT"}}])),
    ("cdx16", "oneOf-license-none", "oneOf", lambda d: setp(lib(d), "licenses", [{"license": {"url": "https://x.org"}}])),
    ("cdx16", "ref-spdx-id-unknown", "$ref", lambda d: setp(lib(d), "licenses", [{"license": {"id": "NotALicence"}}])),
    ("cdx16", "ref-spdx-id-ok", "$ref", lambda d: setp(lib(d), "licenses", [{"license": {"id": "GPL-2.0-only"}}])),
    ("cdx16", "tuple-two-expressions", "additionalItems/maxItems",
     lambda d: setp(lib(d), "licenses", [{"expression": "MIT"}, {"expression": "GPL-2.0-only"}])),
    ("cdx16", "tuple-expression-ok", "items", lambda d: setp(lib(d), "licenses", [{"expression": "MIT OR Apache-2.0"}])),
    ("cdx16", "uniqueItems-components", "uniqueItems", lambda d: d["components"].append(copy.deepcopy(lib(d)))),
    ("cdx16", "uniqueItems-dependsOn", "uniqueItems",
     lambda d: d["dependencies"][0]["dependsOn"].append(d["dependencies"][0]["dependsOn"][0])),
    ("cdx16", "type-version-string", "type", lambda d: setp(d, "version", "1")),
    ("cdx16", "minimum-version", "minimum", lambda d: setp(d, "version", 0)),
    ("cdx16", "integer-version-real-ok", "type", lambda d: setp(d, "version", 2.0)),
    ("cdx16", "enum-bomformat", "enum", lambda d: setp(d, "bomFormat", "CycloneDx")),
    ("cdx16", "enum-scope", "enum", lambda d: setp(lib(d), "scope", "mandatory")),
    ("cdx16", "pattern-mime-type", "pattern", lambda d: setp(lib(d), "mime-type", "text")),
    ("cdx16", "type-properties-object", "type", lambda d: setp(lib(d), "properties", {})),
    ("cdx16", "ref-jsf-signature", "$ref", lambda d: setp(d, "signature", {"algorithm": "RS256", "value": 5})),
    ("cdx16", "ref-jsf-signature-if", "if/then",
     lambda d: setp(d, "signature", {"algorithm": "ES256", "value": "AAAA", "publicKey": {"kty": "EC"}})),
    ("cdx16", "type-dependency-ref", "type", lambda d: setp(d["dependencies"][0], "ref", 5)),
    ("cdx16", "two-errors", "required+enum", lambda d: (lib(d).pop("name"), setp(d, "bomFormat", "x"))),
    # SPDX 2.3
    ("spdx23", "required-spdxid", "required", lambda d: pkg(d).pop("SPDXID")),
    ("spdx23", "enum-purpose", "enum", lambda d: setp(pkg(d), "primaryPackagePurpose", "OS")),
    ("spdx23", "enum-relationship", "enum", lambda d: setp(d["relationships"][0], "relationshipType", "DESCRIBED")),
    ("spdx23", "minItems-creators", "minItems", lambda d: setp(d["creationInfo"], "creators", [])),
    ("spdx23", "type-files-analyzed", "type", lambda d: setp(pkg(d), "filesAnalyzed", "false")),
    ("spdx23", "additional-property", "additionalProperties", lambda d: setp(pkg(d), "colour", "red")),
    ("spdx23", "enum-checksum-alg", "enum",
     lambda d: setp(pkg(d), "checksums", [{"algorithm": "SHA3", "checksumValue": "00"}])),
    ("spdx23", "type-spdx-version", "type", lambda d: setp(d, "spdxVersion", 2.3)),
    ("spdx23", "type-root-array", "type", lambda d: d.clear()),
    # SPDX 3.0.1
    ("spdx3", "unknown-type", "anyOf/if", lambda d: setp(elem(d, "software_Package"), "type", "software_Pakage")),
    ("spdx3", "required-creation-info", "required", lambda d: elem(d, "software_Package").pop("creationInfo")),
    ("spdx3", "unevaluated-property", "unevaluatedProperties", lambda d: setp(elem(d, "software_Package"), "colour", 1)),
    ("spdx3", "enum-primary-purpose", "enum", lambda d: setp(elem(d, "software_File"), "software_primaryPurpose", "app")),
    ("spdx3", "const-context", "const", lambda d: setp(d, "@context", "https://example.org/context.jsonld")),
    ("spdx3", "pattern-spec-version", "pattern", lambda d: setp(elem(d, "CreationInfo"), "specVersion", "3.0")),
    ("spdx3", "pattern-created", "pattern", lambda d: setp(elem(d, "CreationInfo"), "created", "2024-03-06")),
    ("spdx3", "lookahead-blank-node-id", "pattern", lambda d: setp(elem(d, "software_Package"), "spdxId", "_:pkg1")),
    ("spdx3", "minItems-to", "minItems", lambda d: setp(elem(d, "Relationship"), "to", [])),
    ("spdx3", "enum-completeness", "enum", lambda d: setp(elem(d, "Relationship"), "completeness", "full")),
    ("spdx3", "type-graph-item", "type", lambda d: d["@graph"].append(5)),
    ("spdx3", "extra-valid-element", "anyOf",
     lambda d: d["@graph"].append({"type": "software_Package", "spdxId": "http://spdx.example.com/Package2",
                                   "creationInfo": "_:creationinfo", "name": "other"})),
]

written = 0
for kind, name, _keyword, edit in CASES:
    doc = copy.deepcopy(base[kind])
    edit(doc)
    os.makedirs(os.path.join(out, kind), exist_ok=True)
    with open(os.path.join(out, kind, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    written += 1
print(written)
