// ref.js — the reference for vigil.license_valid, license_ids and
// license_allowed (tests/e2e/policy_stdlib_license.sh): spdx-expression-parse
// 3.0.1 and spdx-satisfies 6.0.0 from the npm registry, which npm's own
// tooling uses for package.json licences.
//
//   node ref.js --ids    prints the licence ids (not the deprecated ones) and
//                        the exception ids this version of the packages knows,
//                        one a line, for gen.py to draw from
//   node ref.js          reads gen.py's cases (JSON) on standard input and
//                        prints one line a case, as
//                        tests/data/policy/stdlib/license.lua does for vigil:
//   VALID <TAB> IDS <TAB> EXCEPTIONS <TAB> ALLOWED
// VALID is 1 or 0; IDS and EXCEPTIONS the licence ids (with "+") and the
// exception ids the expression names, each once, in the order written,
// joined by spaces; ALLOWED is 1 or 0 from spdx-satisfies, "invalid" for an
// invalid expression, "error" when an allow-list entry is not one licence
// term, and "skip" where spdx-satisfies 6.0.0 is known to be wrong:
//  - its endsWith() is `indexOf(s) === length - s.length`, true when s is
//    absent and the id is one byte shorter than s, so that an id of 8 bytes
//    ("CDDL-1.0") is read as "-or-later" and one of 4 bytes loses its "+";
//    that changes an answer only for the ids of spdx-ranges' families;
//  - it throws when it compares an "or later" term with an id it has
//    stripped of "-only" / "-or-later" that is no listed id of its own
//    ("GFDL-1.3-no-invariants-only" becomes "GFDL-1.3-no-invariants").
// The test counts the skipped cases.
'use strict';
const parse = require('spdx-expression-parse');
const satisfies = require('spdx-satisfies');
const ranges = require('spdx-ranges').flat(2);

if (process.argv[2] === '--ids') {
  const ids = require('spdx-license-ids').concat(require('spdx-exceptions'));
  process.stdout.write(ids.join('\n') + '\n');
  process.exit(0);
}

function terms(node, out) {
  if (node.conjunction) {
    terms(node.left, out);
    terms(node.right, out);
  } else {
    out.push(node);
  }
  return out;
}

function name(t) {
  return t.license + (t.plus ? '+' : '');
}

function unique(list) {
  return [...new Set(list)].join(' ');
}

function hitsEndsWith(t) {
  return (t.license.length === 8 || (t.license.length === 4 && t.plus)) && ranges.includes(t.license);
}

const cases = JSON.parse(require('fs').readFileSync(0, 'utf8')).cases;
const out = [];
for (const c of cases) {
  let tree;
  try {
    tree = parse(c.expression);
  } catch (e) {
    out.push('0\t\t\tinvalid');
    continue;
  }
  const all = terms(tree, []);
  const ids = unique(all.map(name));
  const exceptions = unique(all.filter((t) => t.exception).map((t) => t.exception));
  let allowed;
  let entries;
  try {
    entries = c.allowed.map((a) => parse(a));
  } catch (e) {
    entries = null;
  }
  if (!entries || entries.some((e) => e.conjunction)) {
    allowed = 'error';
  } else if (all.some(hitsEndsWith) || entries.some(hitsEndsWith)) {
    allowed = 'skip';
  } else {
    try {
      allowed = satisfies(c.expression, c.allowed) ? '1' : '0';
    } catch (e) {
      allowed = 'skip';
    }
  }
  out.push(`1\t${ids}\t${exceptions}\t${allowed}`);
}
process.stdout.write(out.join('\n') + '\n');
