// jschema_ajv.mjs — the reference side of tests/e2e/jschema_ajv.sh: ajv 8
// (with ajv-formats) and JavaScript's own RegExp on the same inputs as
// tests/tools/jschema_check.c, with the same output, so that the test can
// compare vigil's JSON Schema validator with them line by line.
//
//   node jschema_ajv.mjs validate DIR SCHEMA FILE...
//       every *.json of DIR and of its immediate subdirectories written for
//       SCHEMA's draft (draft-07: Ajv; 2020-12: Ajv2020) is added, under its
//       $id or else its file name; SCHEMA (a $id or file name) is compiled
//       and each FILE validated: one JSON line each, {"file", "valid",
//       "errors": [{"instance", "keyword", "message"}]} (allErrors).
//   node jschema_ajv.mjs regex CASES      new RegExp(pattern, "u").test()
//   node jschema_ajv.mjs format CASES     ajv-formats' full formats
// CASES is a JSON array of {"pattern"|"format": ..., "subjects": [...]}.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";

const DRAFT07 = "http://json-schema.org/draft-07/schema#";
const DRAFT2020 = "https://json-schema.org/draft/2020-12/schema";

// RFC 3987 and RFC 6531 formats are not in ajv-formats.  The tests take
// them as tests/tools/validate.mjs does: an IRI is a URI whose non-ASCII
// characters stand where a percent-encoded octet may; an internationalised
// address is an address whose non-ASCII characters stand where a letter may.
const NON_ASCII = /[^\x00-\x7f]/gu;
const formats = {
  ...fullFormats,
  "iri-reference": (s) => fullFormats["uri-reference"].test(s.replace(NON_ASCII, "%C2")),
  iri: (s) => fullFormats.uri(s.replace(NON_ASCII, "%C2")),
  "idn-email": (s) => fullFormats.email.test(s.replace(NON_ASCII, "a")),
};

function checkFormat(name, s) {
  const f = formats[name];
  const fn = typeof f === "function" ? f : f instanceof RegExp ? (x) => f.test(x) : f.validate;
  return fn instanceof RegExp ? fn.test(s) : fn(s);
}

function schemaFiles(dir, depth = 0) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory() && depth === 0) out.push(...schemaFiles(path, 1));
    else if (st.isFile() && name.endsWith(".json")) out.push({ name, json: JSON.parse(readFileSync(path, "utf8")) });
  }
  return out;
}

function validate(dir, schemaName, files) {
  const all = schemaFiles(dir);
  const main = all.find((f) => f.json.$id === schemaName || f.name === schemaName);
  if (!main) throw new Error(`no schema ${schemaName} in ${dir}`);
  const draft = main.json.$schema;
  const opts = { strict: false, allErrors: true, validateFormats: true };
  const ajv = draft === DRAFT2020 ? new Ajv2020(opts) : new Ajv(opts);
  addFormats(ajv);
  ajv.addFormat("iri-reference", formats["iri-reference"]);
  ajv.addFormat("iri", formats.iri);
  ajv.addFormat("idn-email", formats["idn-email"]);
  for (const f of all) {
    if (f.json.$schema !== draft && !(draft === DRAFT07 && f.json.$schema === DRAFT07.slice(0, -1))) continue;
    ajv.addSchema(f.json, f.json.$id ? undefined : f.name);
  }
  const v = ajv.getSchema(main.json.$id || main.name);
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const valid = v(doc);
    const errors = (v.errors || []).map((e) => ({ instance: e.instancePath, keyword: e.schemaPath, message: e.message }));
    process.stdout.write(JSON.stringify({ file, valid, errors }) + "\n");
  }
}

function cases(path, what, check) {
  const out = JSON.parse(readFileSync(path, "utf8")).map((c) => check(c[what], c.subjects));
  process.stdout.write(JSON.stringify(out) + "\n");
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "validate" && args.length >= 3) {
  validate(args[0], args[1], args.slice(2));
} else if (cmd === "regex" && args.length === 1) {
  cases(args[0], "pattern", (p, subjects) => {
    let re;
    try {
      re = new RegExp(p, "u");
    } catch (e) {
      return e.message;
    }
    return subjects.map((s) => re.test(s));
  });
} else if (cmd === "format" && args.length === 1) {
  cases(args[0], "format", (f, subjects) => subjects.map((s) => checkFormat(f, s)));
} else {
  process.stderr.write("usage: node jschema_ajv.mjs validate DIR SCHEMA FILE... | regex CASES | format CASES\n");
  process.exit(2);
}
