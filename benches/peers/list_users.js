// Lists every user of an org with the official Okta Node.js SDK (@okta/okta-sdk-nodejs), unchanged:
// client.userApi.listUsers({limit: 200}) and the SDK's Collection iteration (`for await`).
// Prints `<id> <login>` per user on stdout and `total: N` on stderr; the peer of examples/list_users.rs.
//
// Config from OKTA_CLIENT_ORGURL / OKTA_CLIENT_TOKEN. The SDK needs no switch for an http:// URL.
// Run (SDK installed in /tmp/peers/node by run.sh):
//   NODE_PATH=/tmp/peers/node/node_modules node benches/peers/list_users.js
// Measured by benches/peers/run.sh.
'use strict';
const okta = require('@okta/okta-sdk-nodejs');

async function main() {
  const client = new okta.Client({
    orgUrl: process.env.OKTA_CLIENT_ORGURL,
    token: process.env.OKTA_CLIENT_TOKEN,
  });
  const users = await client.userApi.listUsers({ limit: 200 });
  const out = [];
  let total = 0;
  for await (const user of users) {
    out.push(`${user.id} ${user.profile.login}\n`);
    total += 1;
    // Written in chunks, as the Rust example's BufWriter does.
    if (out.length === 1000) process.stdout.write(out.splice(0).join(''));
  }
  process.stdout.write(out.join(''));
  process.stderr.write(`total: ${total}\n`);
}

main().catch((e) => {
  process.stderr.write(`list_users.js: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
