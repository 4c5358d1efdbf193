// verify.js — checks the deliveries recorded by tests/e2e/webhook_server.py
// with the Standard Webhooks reference library (standardwebhooks on npm,
// from github.com/standard-webhooks/standard-webhooks), an implementation
// independent of vigil and of the Python receiver, for
// tests/e2e/notify_webhook.sh.
//
//     node verify.js DIR SECRET_FILE...
//
// Prints "N<TAB>INDEX" for each recorded request N that carries a
// webhook-signature: INDEX is the position of the first secret the library
// accepts it with (a "whsec_" secret as the library reads it, any other
// as raw bytes), or "none".  A request the library also accepts with one
// byte of its body changed prints "N<TAB>tampered-accepted".
'use strict';
const fs = require('fs');
const path = require('path');
const { Webhook } = require('standardwebhooks');

const [dir, ...secretFiles] = process.argv.slice(2);
const hooks = secretFiles.map((f) => {
  const secret = fs.readFileSync(f);
  const text = secret.toString('latin1');
  return text.startsWith('whsec_') ? new Webhook(text) : new Webhook(new Uint8Array(secret), { format: 'raw' });
});

// The signature alone decides (jsonParse off: a tampered body need not be JSON).
function accepts(hook, body, headers) {
  try {
    hook.verify(body, headers, { jsonParse: false });
    return true;
  } catch (e) {
    return false;
  }
}

const lines = fs.readFileSync(path.join(dir, 'log.ndjson'), 'utf8').split('\n').filter((l) => l);
for (const line of lines) {
  const rec = JSON.parse(line);
  if (!rec.headers['webhook-signature']) continue;
  const body = fs.readFileSync(path.join(dir, `body.${rec.n}`));
  const index = hooks.findIndex((h) => accepts(h, body, rec.headers));
  console.log(`${rec.n}\t${index < 0 ? 'none' : index}`);
  if (index >= 0) {
    const tampered = Buffer.from(body);
    tampered[tampered.length - 1] ^= 1;
    if (accepts(hooks[index], tampered, rec.headers)) console.log(`${rec.n}\ttampered-accepted`);
  }
}
