// semver.js — reference for the npm comparator and ranges: the npm
// "semver" package pinned in package.json.  usage:
//   node semver.js compare FILE   "A<TAB>B" -> "<", "=", ">" or "invalid"
//   node semver.js range FILE     "RANGE<TAB>VERSION" -> "1", "0" or "invalid"
'use strict'
const fs = require('fs')
const path = require('path')
const semver = require(path.join(__dirname, 'node_modules', 'semver'))

const [mode, file] = process.argv.slice(2)
const lines = fs.readFileSync(file, 'utf8').split('\n')
if (lines[lines.length - 1] === '') lines.pop()
const out = []
for (const line of lines) {
  const tab = line.indexOf('\t')
  const a = line.slice(0, tab)
  const b = line.slice(tab + 1)
  if (mode === 'compare') {
    let va, vb
    try { va = new semver.SemVer(a); vb = new semver.SemVer(b) } catch (e) { out.push('invalid'); continue }
    const r = va.compare(vb)
    out.push(r < 0 ? '<' : r > 0 ? '>' : '=')
  } else {
    let range, v
    try { range = new semver.Range(a); v = new semver.SemVer(b) } catch (e) { out.push('invalid'); continue }
    out.push(range.test(v) ? '1' : '0')
  }
}
process.stdout.write(out.join('\n') + '\n')
