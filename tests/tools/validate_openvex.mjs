// validate_openvex.mjs — validates an OpenVEX document against the official
// OpenVEX 0.2.0 JSON schema ($VIGIL_SHARED/schemas/openvex/
// openvex_json_schema.json, JSON Schema draft 2020-12) with ajv's 2020
// validator and ajv-formats; used by tests/e2e/scan_vex.sh so that the VEX
// fixtures vigil is tested on are real OpenVEX.
// Usage: node tests/tools/validate_openvex.mjs FILE...
// Exit status: 0 all valid, 1 one is invalid (errors on stderr), 2 usage.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.VIGIL_SHARED || resolve(here, "../../../shared");
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate_openvex.mjs FILE...");
  process.exit(2);
}
const schema = JSON.parse(readFileSync(join(shared, "schemas/openvex/openvex_json_schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
// ajv-formats has no "iri": RFC 3987 requires an absolute IRI to start with
// a scheme, which is what this checks (pkg:..., https://...).
ajv.addFormat("iri", (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/u.test(s));
const validate = ajv.compile(schema);
let bad = 0;
for (const f of files) {
  if (!validate(JSON.parse(readFileSync(f, "utf8")))) {
    console.error(`${f}: not valid OpenVEX 0.2.0:`, JSON.stringify(validate.errors, null, 1));
    bad++;
  } else {
    console.log(`${f}: valid openvex-0.2.0`);
  }
}
process.exit(bad ? 1 : 0);
