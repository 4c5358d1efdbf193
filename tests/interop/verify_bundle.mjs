// verify_bundle.mjs BUNDLE PUBKEY.pem — verifies a Sigstore bundle with
// sigstore-js (@sigstore/bundle + @sigstore/verify), trusting exactly one
// public key and requiring no transparency-log entry or timestamp (the
// "public key" trust material of Sigstore, offline).  Prints the verified
// in-toto statement's predicateType and exits 0, or prints the error and
// exits 1.  Used by tests/e2e/attest_interop.sh.
import { readFileSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [bundlePath, keyPath] = process.argv.slice(2);
const json = JSON.parse(readFileSync(bundlePath, 'utf8'));
const pem = readFileSync(keyPath, 'utf8');
const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
// The hint vigil writes is the hex SHA-256 of the DER public key; register
// the key under that name only, so a wrong hint fails too.
const hint = createHash('sha256').update(der).digest('hex');

const emptyRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
const trust = toTrustMaterial(emptyRoot, { [hint]: { rawBytes: der } });
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 0 });
try {
  const bundle = bundleFromJSON(json);
  verifier.verify(toSignedEntity(bundle));
  const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8'));
  console.log(`sigstore-js: verified ${bundle.mediaType}, predicateType ${statement.predicateType}`);
} catch (e) {
  console.error(`sigstore-js: verification failed: ${e.code || ''} ${e.message}`);
  process.exit(1);
}
