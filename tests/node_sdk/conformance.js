// The official Okta Node SDK, unchanged, through the lifecycle of each resource family against an org (okta-mock:
// the org URL and token come from the environment as it prints them). Each SDK call is a counted check of what Okta's
// Management API reference says a real org answers; failures name the request made and the answer got.
//
//   NODE_SDK_FAMILIES=users,groups  run only these families (default: all)
//   NODE_SDK_PENDING=sessions       skip these, listed as pending (families the mock does not support yet)
//   NODE_SDK_REPORT=file.json       also write every failure, with all its HTTP exchanges, to this file
const fs = require('fs');
const okta = require('@okta/okta-sdk-nodejs');
const { RecordingExecutor, FamilyRun, Abort, summarize } = require('./harness');
const directory = require('./families_directory');
const security = require('./families_security');
const platform = require('./families_platform');

const FAMILIES = {
  users: directory.users,
  groups: directory.groups,
  apps: directory.apps,
  schemas: directory.schemas,
  authorization_servers: security.authorizationServers,
  policies: security.policies,
  idps: security.identityProviders,
  hooks: platform.hooks,
  brands: platform.brands,
  roles: security.roles,
  sessions: platform.sessions,
  logs: platform.logs,
};

function listFromEnv(name) {
  return (process.env[name] || '').split(',').map(s => s.trim()).filter(Boolean);
}

async function main() {
  const chosen = listFromEnv('NODE_SDK_FAMILIES');
  const pending = listFromEnv('NODE_SDK_PENDING');
  for (const name of [...chosen, ...pending]) {
    if (!FAMILIES[name]) throw new Error(`unknown family ${name}; families: ${Object.keys(FAMILIES).join(', ')}`);
  }
  const names = (chosen.length ? chosen : Object.keys(FAMILIES)).filter(n => !pending.includes(n));

  const recorder = new RecordingExecutor();
  const orgUrl = process.env.OKTA_CLIENT_ORGURL.replace(/\/$/, '');
  const client = new okta.Client({
    orgUrl,
    token: process.env.OKTA_CLIENT_TOKEN,
    requestExecutor: recorder,
    testing: { disableHttpsCheck: true },
  });
  let counter = 0;
  const run = Date.now().toString(36);
  const ctx = { client, orgUrl, recorder, unique: tag => `${tag}-${run}-${++counter}` };
  const results = { calls: 0, passed: 0, failures: [], perFamily: [] };

  for (const name of names) {
    const callsBefore = results.calls;
    const failuresBefore = results.failures.length;
    const t = new FamilyRun(name, results, recorder);
    let aborted;
    try {
      await FAMILIES[name](t, ctx);
    } catch (error) {
      aborted = error instanceof Abort ? error.message : `${error.name}: ${error.message}`;
      if (!(error instanceof Abort)) t.fail('(the family itself)', error, recorder.exchanges.length);
    }
    results.perFamily.push({ name, calls: results.calls - callsBefore, failed: results.failures.length - failuresBefore, aborted });
  }

  summarize(results, names, pending);
  if (process.env.NODE_SDK_REPORT) fs.writeFileSync(process.env.NODE_SDK_REPORT, JSON.stringify(results.failures, null, 2));
  process.exit(results.failures.length ? 1 : 0);
}

main().catch(e => { console.error('conformance run failed:', e); process.exit(2); });
