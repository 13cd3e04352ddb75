// Lists every user of the org with the official Okta Node SDK, unchanged: the org URL and token come from the
// environment (as okta-mock prints them); the mock speaks http, so the SDK's https check is switched off.
const expected = Number(process.env.EXPECTED_USERS);
const okta = require('@okta/okta-sdk-nodejs');
const client = new okta.Client({
  orgUrl: process.env.OKTA_CLIENT_ORGURL,
  token: process.env.OKTA_CLIENT_TOKEN,
  testing: { disableHttpsCheck: true },
});
(async () => {
  const logins = [];
  const collection = await client.userApi.listUsers({ limit: 50 });
  await collection.each(user => { logins.push(user.profile.login); });
  const unique = new Set(logins);
  console.log(`listed ${logins.length} users (${unique.size} distinct), first ${logins[0]}, last ${logins[logins.length - 1]}`);
  if (logins.length !== expected || unique.size !== expected) throw new Error(`expected ${expected} distinct users`);
  const group = await client.groupApi.createGroup({ group: { profile: { name: 'Node SDK group' } } });
  await client.groupApi.assignUserToGroup({ groupId: group.id, userId: (await client.userApi.getUser({ userId: logins[0] })).id });
  const members = [];
  await (await client.groupApi.listGroupUsers({ groupId: group.id })).each(u => { members.push(u.profile.login); });
  console.log(`group ${group.profile.name} has ${members.join(', ')}`);
  if (members.length !== 1 || members[0] !== logins[0]) throw new Error('the group should hold exactly the first user');
  const server = await client.authorizationServerApi.createAuthorizationServer({ authorizationServer: { name: 'Node API', audiences: ['api://node'] } });
  const scope = await client.authorizationServerApi.createOAuth2Scope({ authServerId: server.id, oAuth2Scope: { name: 'node:read' } });
  const scopes = await client.authorizationServerApi.listOAuth2Scopes({ authServerId: server.id });
  const names = []; await scopes.each(s => { names.push(s.name); });
  console.log(`authorization server ${server.name} (${server.status}) has scopes ${names.join(', ')}; created ${scope.id}`);
  if (names.join() !== 'node:read' || server.status !== 'ACTIVE') throw new Error('the scope or the server status is wrong');
  console.log('node SDK check passed');
})().catch(e => { console.error('FAILED', e.status || '', e.message); process.exit(1); });
