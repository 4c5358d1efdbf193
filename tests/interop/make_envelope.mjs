// make_envelope.mjs ed25519|ecdsa-p256 ARTIFACT OUTDIR — builds attestations
// about ARTIFACT with other implementations than vigil, for vigil to verify:
//  OUTDIR/node.pub         the signer's public key (SPKI PEM, Node crypto)
//  OUTDIR/envelope.json    a DSSE envelope written here from the DSSE spec
//                          (PAE + Node crypto signature)
//  OUTDIR/bundle.json      a Sigstore bundle made by sigstore-js's
//                          DSSEBundleBuilder with a Node crypto signer
// Both hold an in-toto Statement v1 with predicateType
// https://example.com/interop/v1 and ARTIFACT's sha256 as the subject.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DSSEBundleBuilder } = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');

const [type, artifact, outdir] = process.argv.slice(2);
const { publicKey, privateKey } = type === 'ed25519'
  ? generateKeyPairSync('ed25519')
  : generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pubPem = publicKey.export({ type: 'spki', format: 'pem' });
const keyid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
writeFileSync(join(outdir, 'node.pub'), pubPem);

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: basename(artifact), digest: { sha256: createHash('sha256').update(readFileSync(artifact)).digest('hex') } }],
  predicateType: 'https://example.com/interop/v1',
  predicate: { producer: 'node crypto', note: 'gr\u00fc\u00dfe \u2713' },
};
const payloadType = 'application/vnd.in-toto+json';
const body = Buffer.from(JSON.stringify(statement), 'utf8');

// DSSE protocol.md: PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
function pae(t, b) {
  const tb = Buffer.from(t, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${tb.length} `), tb, Buffer.from(` ${b.length} `), b]);
}
// Ed25519 signs the message; ECDSA signs SHA-256 of it (DER signature).
const signBytes = (data) => sign(type === 'ed25519' ? null : 'sha256', data, privateKey);

const envelope = {
  payloadType,
  payload: body.toString('base64'),
  signatures: [{ keyid, sig: signBytes(pae(payloadType, body)).toString('base64') }],
};
writeFileSync(join(outdir, 'envelope.json'), JSON.stringify(envelope, null, 2));

const signer = {
  sign: async (data) => ({ signature: signBytes(data), key: { $case: 'publicKey', publicKey: pubPem, hint: keyid } }),
};
const bundle = await new DSSEBundleBuilder({ signer, witnesses: [] }).create({ data: body, type: payloadType });
writeFileSync(join(outdir, 'bundle.json'), JSON.stringify(bundleToJSON(bundle), null, 2));
