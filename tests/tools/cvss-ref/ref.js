// ref.js — scores CVSS vectors with ae-cvss-calculator (metaeffekt), an
// implementation independent of vigil, for tests/e2e/cvss_reference.sh.
// Reads one vector a line on standard input; prints "VECTOR<TAB>SCORE"
// with the overall score (v2/v3: environmental, else temporal, else base;
// v4.0: the score of all metrics given) to one decimal, or
// "VECTOR<TAB>invalid" when the library refuses the vector.
'use strict';
const cvss = require('ae-cvss-calculator');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
const out = [];
for (const v of lines) {
  let x;
  try {
    if (v.startsWith('CVSS:4.0/')) x = new cvss.Cvss4P0(v);
    else if (v.startsWith('CVSS:3.1/')) x = new cvss.Cvss3P1(v);
    else if (v.startsWith('CVSS:3.0/')) x = new cvss.Cvss3P0(v);
    else x = new cvss.Cvss2(v);
    out.push(`${v}\t${x.calculateScores().overall.toFixed(1)}`);
  } catch (e) {
    out.push(`${v}\tinvalid`);
  }
}
process.stdout.write(out.join('\n') + '\n');
