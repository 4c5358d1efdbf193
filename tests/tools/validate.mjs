// validate.mjs — validates a document vigil wrote against the official JSON
// schema of its format, so that no test can pass on a malformed document.
//
// Formats: CycloneDX 1.6 and 1.7 (bom-1.6/1.7.schema.json with the
// spdx.schema.json and jsf-0.82.schema.json they reference) and SPDX 2.3
// (spdx-2.3-schema.json), JSON Schema draft-07, checked with ajv's draft-07
// validator, with ajv-formats for "format" (date-time, uri, iri-reference,
// email, ...); SPDX 3.0.1 (spdx-3.0.1.schema.json, the JSON-LD
// serialisation's schema, draft 2020-12), checked with ajv's 2020-12
// validator.
// It checks the schema only: rules a schema cannot express (bom-ref
// uniqueness, SPDXID references in relationships) are left to the tests.
//
// SARIF 2.1.0: the OASIS schema (sarif-2.1.0-rtm.5, draft-04) as shipped in
// the npm package @microsoft/jest-sarif, checked with ajv-draft-04 (with
// unicodeRegExp off: one pattern of that schema is not a valid /u regexp);
// sarif-2.1.0-errata01 is the OASIS standard's final schema (Errata 01,
// draft-04) from ../shared/schemas/sarif, checked the same way.
//
// vigil's own documents, against the schemas in docs/ (draft-07):
// vigil-controls (docs/controls.schema.json, `vigil controls -o json`),
// vigil-incident-report (docs/incident-report.schema.json, draft 2020-12,
// checked with ajv's 2020-12 validator: `vigil incident report --format json`),
// vigil-policy-results (docs/policy-results.schema.json, `vigil policy eval -o json`),
// vigil-supplier-risk (docs/supplier-risk.schema.json, draft 2020-12: `vigil supplier risk -o json`),
// vigil-sbom-check (docs/sbom-check.schema.json, `vigil sbom check -o json`) and
// vigil-collect-KIND (docs/collect-KIND.schema.json, `vigil collect KIND`)
// for each KIND of COLLECT_KINDS below.
//
// Usage: node tests/tools/validate.mjs NAME FILE..., NAME one of the names above.
// The schemas come from $VIGIL_SHARED/schemas, or ../shared/schemas beside
// the repository.  Exit status: 0 valid, 1 invalid (errors on stderr),
// 2 usage or unreadable input.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import AjvDraft04 from "ajv-draft-04";
import { fullFormats } from "ajv-formats/dist/formats.js";

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.VIGIL_SHARED || resolve(here, "../../../shared");
const schemaDir = join(shared, "schemas");

const formats = {
  "cyclonedx-1.6": {
    main: "cyclonedx/bom-1.6.schema.json",
    refs: ["cyclonedx/spdx.schema.json", "cyclonedx/jsf-0.82.schema.json"],
  },
  "cyclonedx-1.7": {
    main: "cyclonedx/bom-1.7.schema.json",
    refs: ["cyclonedx/spdx.schema.json", "cyclonedx/jsf-0.82.schema.json"],
  },
  "spdx-2.3": { main: "spdx/spdx-2.3-schema.json", refs: [] },
  "spdx-3.0.1": { main: "spdx/spdx-3.0.1.schema.json", refs: [], draft2020: true },
  "sarif-2.1.0": {
    main: join(here, "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
    refs: [],
    draft04: true,
  },
  "sarif-2.1.0-errata01": { main: "sarif/sarif-schema-2.1.0.json", refs: [], draft04: true },
  "vigil-controls": { main: join(here, "../../docs/controls.schema.json"), refs: [] },
  "vigil-policy-results": { main: join(here, "../../docs/policy-results.schema.json"), refs: [] },
  "vigil-sbom-check": { main: join(here, "../../docs/sbom-check.schema.json"), refs: [] },
  "vigil-incident-report": { main: join(here, "../../docs/incident-report.schema.json"), refs: [], draft2020: true },
  "vigil-supplier-risk": { main: join(here, "../../docs/supplier-risk.schema.json"), refs: [], draft2020: true },
};
// The kinds of `vigil collect`, one word each.
const COLLECT_KINDS = ["binaries", "host", "tls", "securitytxt", "image", "backup", "identity", "repo", "iac"];
for (const kind of COLLECT_KINDS) {
  formats[`vigil-collect-${kind}`] = { main: join(here, `../../docs/collect-${kind}.schema.json`), refs: [] };
}

function die(code, msg) {
  process.stderr.write(`validate.mjs: ${msg}\n`);
  process.exit(code);
}

function readJson(path, what) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    die(2, `cannot read ${what} ${path}: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // A document that is not JSON at all is invalid, not a usage error.
    die(what === "document" ? 1 : 2, `${path} is not JSON: ${e.message}`);
  }
}

const [format, ...files] = process.argv.slice(2);
if (!format || !files.length || !formats[format])
  die(2, `usage: node validate.mjs ${Object.keys(formats).join("|")} FILE...`);

// strict: false because the official schemas use annotation keywords ajv
// does not know ("meta:enum", "deprecated" in draft-07); they do not affect
// validation.  allErrors so that one run shows every problem.
const spec0 = formats[format];
const ajv = spec0.draft04
  ? new AjvDraft04({ strict: false, allErrors: true, validateFormats: true, unicodeRegExp: false })
  : spec0.draft2020
    ? new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
    : new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// ajv-formats has no RFC 3987 / RFC 6531 formats, which CycloneDX uses.  An
// IRI reference is a URI reference that may also hold non-ASCII characters
// (ucschar) wherever it may hold unreserved ones: percent-encode those and
// check the result as a URI reference.  An idn-email likewise is an email
// address whose labels may hold non-ASCII characters.  (The ucschar ranges
// that exclude private-use code points are not checked.)
const nonAscii = /[^\x00-\x7f]/gu;
ajv.addFormat("iri-reference", (s) => fullFormats["uri-reference"].test(s.replace(nonAscii, "%C2")));
ajv.addFormat("iri", (s) => fullFormats.uri(s.replace(nonAscii, "%C2")));
ajv.addFormat("idn-email", (s) => fullFormats.email.test(s.replace(nonAscii, "a")));
const spec = formats[format];
for (const ref of spec.refs) ajv.addSchema(readJson(join(schemaDir, ref), "schema"));
// bom-1.7 also references cryptography-defs.schema.json (the algorithm
// families and elliptic curves of cryptographic assets), which is not among
// the shared schemas: the official copy comes from the npm package
// @cyclonedx/cyclonedx-library (tests/tools/sbomgen), found by its $id.
if (format === "cyclonedx-1.7")
  ajv.addSchema(
    readJson(
      join(here, "sbomgen/node_modules/@cyclonedx/cyclonedx-library/res/schema/cryptography-defs.SNAPSHOT.schema.json"),
      "schema",
    ),
  );
const main = readJson(spec.main.startsWith("/") ? spec.main : join(schemaDir, spec.main), "schema");
let validate;
try {
  validate = ajv.compile(main);
} catch (e) {
  die(2, `cannot compile ${spec.main}: ${e.message}`);
}

// Each FILE in turn, the schema compiled once: 1 when any is invalid.
let invalid = 0;
for (const file of files) {
  const doc = readJson(file, "document");
  if (validate(doc)) {
    process.stdout.write(`${file}: valid ${format}\n`);
    continue;
  }
  invalid = 1;
  for (const err of validate.errors.slice(0, 50)) {
    const params = JSON.stringify(err.params);
    process.stderr.write(`${file}: ${err.instancePath || "/"}: ${err.message} ${params}\n`);
  }
  if (validate.errors.length > 50)
    process.stderr.write(`${file}: ${validate.errors.length - 50} more errors\n`);
}
process.exit(invalid);
