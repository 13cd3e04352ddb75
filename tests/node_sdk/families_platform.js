// Event and inline hooks (with a loopback receiver the org calls), brands with their themes and email templates,
// sessions (from a primary-authentication session token) and System Log polling: lifecycles through the Node SDK.
const http = require('http');
const { expect } = require('./harness');
const { newUser, PASSWORD } = require('./families_directory');

/** A loopback HTTP endpoint for the org's hook calls: answers verification challenges and inline hook requests. */
function startReceiver(inlineReply) {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => { body += chunk; });
    req.on('end', () => {
      received.push({ method: req.method, headers: req.headers, body });
      const challenge = req.headers['x-okta-verification-challenge'];
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && challenge) return res.end(JSON.stringify({ verification: challenge }));
      if (req.url.startsWith('/inline')) return res.end(JSON.stringify(inlineReply));
      res.statusCode = 200;
      return res.end();
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({
    url: path => `http://127.0.0.1:${server.address().port}${path}`,
    received,
    close: () => new Promise(done => server.close(done)),
  })));
}

async function waitFor(condition, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise(r => setTimeout(r, 50));
  }
  return condition();
}

async function hooks(t, ctx) {
  const inlineReply = { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/node', value: 'yes' }] }] };
  const receiver = await startReceiver(inlineReply);
  try {
    await eventHooks(t, ctx, receiver);
    await inlineHooks(t, ctx, receiver, inlineReply);
  } finally {
    await receiver.close();
  }
}

async function eventHooks(t, ctx, receiver) {
  const api = ctx.client.eventHookApi;
  const body = (name, uri) => ({
    name,
    events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create', 'user.lifecycle.activate'] },
    channel: { type: 'HTTP', version: '1.0.0', config: { uri, headers: [{ key: 'X-Node', value: 'conformance' }], authScheme: { type: 'HEADER', key: 'Authorization', value: 'node-secret' } } },
  });
  const name = ctx.unique('Node event hook');
  const hook = t.need(await t.step('createEventHook', () => api.createEventHook({ eventHook: body(name, receiver.url('/events')) }), (h, raw) => {
    expect.eq(h.status, 'ACTIVE', 'status');
    expect.eq(h.verificationStatus, 'UNVERIFIED', 'verificationStatus');
    expect.absent(raw.channel && raw.channel.config && raw.channel.config.authScheme && raw.channel.config.authScheme.value, 'channel.config.authScheme.value (never echoed)');
    expect.link(raw, 'verify', `${ctx.orgUrl}/api/v1/eventHooks/${h.id}/lifecycle/verify`);
  }), 'the event hook');
  await t.step('getEventHook', () => api.getEventHook({ eventHookId: hook.id }), h => expect.eq(h.name, name, 'name'));
  await t.step('listEventHooks', () => t.all(api.listEventHooks({})), list => expect.includes(list, h => h.id === hook.id, 'the hook'));
  await t.step('verifyEventHook (the endpoint answers the challenge)', () => api.verifyEventHook({ eventHookId: hook.id }),
    h => expect.eq(h.verificationStatus, 'VERIFIED', 'verificationStatus'));
  await t.step('the verification request carried the challenge', () => receiver.received.find(r => r.method === 'GET'),
    r => expect.present(r && r.headers['x-okta-verification-challenge'], 'X-Okta-Verification-Challenge'));

  // A subscribed event makes a delivery to the verified hook: a POST with data.events and the configured headers.
  const before = receiver.received.length;
  await newUser(t, ctx, 'hooked', { activate: false });
  await t.step('event delivered for user.lifecycle.create', async () => {
    await waitFor(() => receiver.received.slice(before).some(r => r.method === 'POST'), 10000);
    return receiver.received.slice(before).find(r => r.method === 'POST');
  }, delivery => {
    expect.present(delivery, 'a POST to the hook');
    const payload = JSON.parse(delivery.body || '{}');
    expect.includes(payload.data && payload.data.events, e => e.eventType === 'user.lifecycle.create', 'a user.lifecycle.create event');
    expect.eq(delivery.headers['x-node'], 'conformance', 'the configured header');
    expect.eq(delivery.headers.authorization, 'node-secret', 'the authScheme header');
  });

  await t.step('replaceEventHook', () => api.replaceEventHook({ eventHookId: hook.id, eventHook: body(`${name} v2`, receiver.url('/events')) }),
    h => expect.eq(h.name, `${name} v2`, 'name'));
  await t.fails('deleteEventHook while ACTIVE', () => api.deleteEventHook({ eventHookId: hook.id }), 403, null);
  await t.step('deactivateEventHook', () => api.deactivateEventHook({ eventHookId: hook.id }), h => expect.eq(h.status, 'INACTIVE', 'status'));
  await t.step('activateEventHook', () => api.activateEventHook({ eventHookId: hook.id }), h => expect.eq(h.status, 'ACTIVE', 'status'));
  await t.step('deactivateEventHook again', () => api.deactivateEventHook({ eventHookId: hook.id }));
  await t.step('deleteEventHook', () => api.deleteEventHook({ eventHookId: hook.id }));
  await t.fails('getEventHook after delete', () => api.getEventHook({ eventHookId: hook.id }), 404, 'E0000007');
}

async function inlineHooks(t, ctx, receiver, inlineReply) {
  const api = ctx.client.inlineHookApi;
  const body = name => ({
    name, version: '1.0.0', type: 'com.okta.oauth2.tokens.transform',
    channel: { type: 'HTTP', version: '1.0.0', config: { uri: receiver.url('/inline'), method: 'POST', headers: [{ key: 'X-Node', value: 'inline' }], authScheme: { type: 'HEADER', key: 'Authorization', value: 'inline-secret' } } },
  });
  const name = ctx.unique('Node inline hook');
  const hook = t.need(await t.step('createInlineHook', () => api.createInlineHook({ inlineHook: body(name) }), h => {
    expect.eq(h.status, 'ACTIVE', 'status');
    expect.eq(h.type, 'com.okta.oauth2.tokens.transform', 'type');
  }), 'the inline hook');
  await t.step('getInlineHook', () => api.getInlineHook({ inlineHookId: hook.id }), h => expect.eq(h.name, name, 'name'));
  await t.step('listInlineHooks type=com.okta.oauth2.tokens.transform', () => t.all(api.listInlineHooks({ type: 'com.okta.oauth2.tokens.transform' })),
    list => expect.includes(list, h => h.id === hook.id, 'the hook'));
  await t.step('listInlineHooks type=com.okta.saml.tokens.transform', () => t.all(api.listInlineHooks({ type: 'com.okta.saml.tokens.transform' })),
    list => expect.excludes(list, h => h.id === hook.id, 'the token hook'));
  await t.step('executeInlineHook (the endpoint\'s answer comes back)', () => api.executeInlineHook({ inlineHookId: hook.id, payloadData: { data: { context: { node: true } } } }),
    (r, raw) => expect.eq(raw, inlineReply, 'the response body'));
  await t.step('replaceInlineHook', () => api.replaceInlineHook({ inlineHookId: hook.id, inlineHook: body(`${name} v2`) }),
    h => expect.eq(h.name, `${name} v2`, 'name'));
  await t.step('deactivateInlineHook', () => api.deactivateInlineHook({ inlineHookId: hook.id }), h => expect.eq(h.status, 'INACTIVE', 'status'));
  await t.step('activateInlineHook', () => api.activateInlineHook({ inlineHookId: hook.id }), h => expect.eq(h.status, 'ACTIVE', 'status'));
  await t.step('deactivateInlineHook again', () => api.deactivateInlineHook({ inlineHookId: hook.id }));
  await t.step('deleteInlineHook', () => api.deleteInlineHook({ inlineHookId: hook.id }));
  await t.fails('getInlineHook after delete', () => api.getInlineHook({ inlineHookId: hook.id }), 404, 'E0000007');
}

async function brands(t, ctx) {
  const api = ctx.client.customizationApi;
  const brandsList = await t.step('listBrands (the default brand)', () => t.all(api.listBrands({})),
    list => expect.includes(list, b => b.isDefault === true, 'a brand with isDefault true'));
  // Without the org's default brand, a created one carries the rest of the lifecycle (its failure is recorded).
  const standing = brandsList && brandsList.find(b => b.isDefault);
  const brand = standing || t.need(await t.step('createBrand (standing in for the default brand)', () => api.createBrand({ CreateBrandRequest: { name: ctx.unique('Node stand-in brand') } })), 'a brand');
  await t.step('getBrand', () => api.getBrand({ brandId: brand.id }), (b, raw) => {
    expect.eq(b.id, brand.id, 'id');
    expect.link(raw, 'themes', `${ctx.orgUrl}/api/v1/brands/${brand.id}/themes`);
  });
  await t.step('replaceBrand', () => api.replaceBrand({ brandId: brand.id, brand: { name: brand.name, agreeToCustomPrivacyPolicy: true, customPrivacyPolicyUrl: 'https://example.com/privacy', removePoweredByOkta: true } }),
    b => expect.eq(b.customPrivacyPolicyUrl, 'https://example.com/privacy', 'customPrivacyPolicyUrl'));
  await t.step('getBrand after replace', () => api.getBrand({ brandId: brand.id }), b => expect.eq(b.removePoweredByOkta, true, 'removePoweredByOkta'));

  const themes = await t.step('listBrandThemes (one theme)', () => t.all(api.listBrandThemes({ brandId: brand.id })), list => expect.eq(list.length, 1, 'themes'));
  const theme = themes && themes[0];
  if (theme) {
    await t.step('getBrandTheme', () => api.getBrandTheme({ brandId: brand.id, themeId: theme.id }), th => expect.present(th.primaryColorHex, 'primaryColorHex'));
    await t.step('replaceBrandTheme', () => api.replaceBrandTheme({
      brandId: brand.id, themeId: theme.id,
      theme: { primaryColorHex: '#1662dd', secondaryColorHex: '#ebebed', signInPageTouchPointVariant: 'OKTA_DEFAULT', endUserDashboardTouchPointVariant: 'OKTA_DEFAULT', errorPageTouchPointVariant: 'OKTA_DEFAULT', emailTemplateTouchPointVariant: 'OKTA_DEFAULT' },
    }), th => expect.eq(th.primaryColorHex, '#1662dd', 'primaryColorHex'));
    await t.step('getBrandTheme after replace', () => api.getBrandTheme({ brandId: brand.id, themeId: theme.id }), th => expect.eq(th.primaryColorHex, '#1662dd', 'primaryColorHex'));
  }

  await t.step('listEmailTemplates', () => t.all(api.listEmailTemplates({ brandId: brand.id })),
    list => expect.includes(list, e => e.name === 'UserActivation', 'UserActivation'));
  await t.step('getEmailTemplate UserActivation', () => api.getEmailTemplate({ brandId: brand.id, templateName: 'UserActivation' }),
    e => expect.eq(e.name, 'UserActivation', 'name'));
  await t.step('getEmailDefaultContent', () => api.getEmailDefaultContent({ brandId: brand.id, templateName: 'UserActivation' }),
    c => { expect.present(c.subject, 'subject'); expect.present(c.body, 'body'); });
  const custom = t.need(await t.step('createEmailCustomization (en, default)', () => api.createEmailCustomization({
    brandId: brand.id, templateName: 'UserActivation',
    instance: { language: 'en', isDefault: true, subject: 'Welcome to ${org.name}', body: '<html><body>Hi ${user.profile.firstName}, ${activationLink}</body></html>' },
  }), c => { expect.eq(c.language, 'en', 'language'); expect.eq(c.isDefault, true, 'isDefault'); expect.present(c.id, 'id'); }), 'the customization');
  await t.step('getEmailCustomization', () => api.getEmailCustomization({ brandId: brand.id, templateName: 'UserActivation', customizationId: custom.id }),
    c => expect.eq(c.subject, 'Welcome to ${org.name}', 'subject'));
  await t.fails('createEmailCustomization (en again: conflict)', () => api.createEmailCustomization({
    brandId: brand.id, templateName: 'UserActivation', instance: { language: 'en', isDefault: false, subject: 'x', body: '<p>${activationLink}</p>' },
  }), 409, 'E0000183');
  await t.step('replaceEmailCustomization', () => api.replaceEmailCustomization({
    brandId: brand.id, templateName: 'UserActivation', customizationId: custom.id,
    instance: { language: 'en', isDefault: true, subject: 'Hello again', body: '<html><body>${activationLink}</body></html>' },
  }), c => expect.eq(c.subject, 'Hello again', 'subject'));
  await t.step('listEmailCustomizations', () => t.all(api.listEmailCustomizations({ brandId: brand.id, templateName: 'UserActivation' })),
    list => expect.eq(list.map(c => c.id), [custom.id], 'customizations'));
  await t.step('deleteAllCustomizations', () => api.deleteAllCustomizations({ brandId: brand.id, templateName: 'UserActivation' }));
  await t.fails('getEmailCustomization after delete', () => api.getEmailCustomization({ brandId: brand.id, templateName: 'UserActivation', customizationId: custom.id }), 404, 'E0000007');

  const extra = await t.step('createBrand', () => api.createBrand({ CreateBrandRequest: { name: ctx.unique('Node brand') } }),
    b => expect.eq(b.isDefault, false, 'isDefault'));
  if (extra) {
    await t.step('deleteBrand', () => api.deleteBrand({ brandId: extra.id }));
    await t.fails('getBrand after delete', () => api.getBrand({ brandId: extra.id }), 404, 'E0000007');
  }
  if (standing) await t.fails('deleteBrand (the default brand)', () => api.deleteBrand({ brandId: brand.id }), 409, 'E0000200');
}

/** Primary authentication: the one call the SDK has no client for, made with the SDK's own `http` facility. */
function authn(ctx, username, password) {
  return ctx.client.http.postJson(`${ctx.orgUrl}/api/v1/authn`, { body: { username, password } });
}

async function sessions(t, ctx) {
  await t.fails('getSession (unknown id)', () => ctx.client.sessionApi.getSession({ sessionId: '102NoSuchSession00000000' }), 404, 'E0000007');
  const user = t.need(await newUser(t, ctx, 'session'), 'a user with a password');
  await t.fails('POST /api/v1/authn with a wrong password', () => authn(ctx, user.profile.login, 'wrong-password'), 401, 'E0000004');
  const tx = t.need(await t.step('POST /api/v1/authn (username and password)', () => authn(ctx, user.profile.login, PASSWORD), tx => {
    expect.eq(tx.status, 'SUCCESS', 'status');
    expect.present(tx.sessionToken, 'sessionToken');
    expect.eq(tx._embedded && tx._embedded.user && tx._embedded.user.id, user.id, '_embedded.user.id');
  }), 'a session token');
  const api = ctx.client.sessionApi;
  const session = t.need(await t.step('createSession (sessionToken)', () => api.createSession({ createSessionRequest: { sessionToken: tx.sessionToken } }), (s, raw) => {
    expect.eq(s.userId, user.id, 'userId');
    expect.eq(s.login, user.profile.login, 'login');
    expect.eq(s.status, 'ACTIVE', 'status');
    expect.includes(s.amr, a => a === 'pwd', 'amr pwd');
    expect.present(s.expiresAt, 'expiresAt');
    expect.link(raw, 'self', `${ctx.orgUrl}/api/v1/sessions/${s.id}`);
  }), 'the session');
  // Okta's Sessions API reference: an invalid `sessionToken` (a one-time token already redeemed) is a 401.
  await t.fails('createSession with the same token again', () => api.createSession({ createSessionRequest: { sessionToken: tx.sessionToken } }), 401, 'E0000004');
  await t.step('getSession', () => api.getSession({ sessionId: session.id }), s => expect.eq(s.userId, user.id, 'userId'));
  await t.step('refreshSession', () => api.refreshSession({ sessionId: session.id }), s => expect.eq(s.id, session.id, 'id'));
  await t.step('revokeSession', () => api.revokeSession({ sessionId: session.id }));
  await t.fails('getSession after revoke', () => api.getSession({ sessionId: session.id }), 404, 'E0000007');
  // All of a user's sessions at once.
  const again = await t.step('POST /api/v1/authn (second session)', () => authn(ctx, user.profile.login, PASSWORD));
  const second = again && await t.step('createSession (second)', () => api.createSession({ createSessionRequest: { sessionToken: again.sessionToken } }));
  await t.step('revokeUserSessions', () => ctx.client.userApi.revokeUserSessions({ userId: user.id }));
  if (second) await t.fails('getSession after revokeUserSessions', () => api.getSession({ sessionId: second.id }), 404, 'E0000007');
}

async function logs(t, ctx) {
  const api = ctx.client.systemLogApi;
  const since = new Date().toISOString();
  const user = t.need(await newUser(t, ctx, 'logged'), 'a user whose creation is logged');
  await t.step('listLogEvents filter eventType and target.id', () => t.all(api.listLogEvents({
    since, filter: `eventType eq "user.lifecycle.create" and target.id eq "${user.id}"`,
  })), list => {
    expect.eq(list.length, 1, 'events');
    expect.eq(list[0].eventType, 'user.lifecycle.create', 'eventType');
    expect.includes(list[0].target, x => x.id === user.id && x.type === 'User', 'the user as a target');
    expect.eq(list[0].outcome && list[0].outcome.result, 'SUCCESS', 'outcome.result');
    expect.present(list[0].uuid, 'uuid');
  });
  for (let i = 0; i < 6; i += 1) await newUser(t, ctx, `logged${i}`, { activate: false });
  // Polling: with `since` and no `until`, Okta always answers with a `next` link, so `.each` only ends when the
  // client stops; stopping after N events must end the iteration after ceil(N / limit) pages.
  const pagesBefore = ctx.recorder.exchanges.length;
  await t.step('listLogEvents polling (limit=2, stop after 5 events)', async () => {
    const seen = [];
    const collection = await api.listLogEvents({ since, limit: 2 });
    await collection.each(event => { seen.push(event); return seen.length < 5; });
    return seen;
  }, seen => {
    expect.eq(seen.length, 5, 'events read');
    const requests = ctx.recorder.exchanges.slice(pagesBefore);
    expect.eq(requests.length, 3, 'pages fetched');
    expect.truthy(requests.every(r => r.link && r.link.includes('rel="next"')), 'every polling page has a next link', requests.map(r => r.link));
    const times = seen.map(e => Date.parse(e.published));
    expect.truthy(times.every((v, i) => i === 0 || v >= times[i - 1]), 'published in ascending order', seen.map(e => e.published));
  });
  await t.step('listLogEvents sortOrder DESCENDING with until (bounded: ends)', () => t.all(api.listLogEvents({
    since, until: new Date(Date.now() + 1000).toISOString(), sortOrder: 'DESCENDING', filter: 'eventType eq "user.lifecycle.create"', limit: 3,
  })), list => {
    expect.eq(list.length, 7, 'user.lifecycle.create events since the start (7 users created)');
    expect.truthy(Date.parse(list[0].published) >= Date.parse(list[list.length - 1].published), 'newest first', list.map(e => e.published));
  });
  await t.fails('listLogEvents with a bad filter', () => t.all(api.listLogEvents({ filter: 'eventType zz "x"' })), 400, null);
}

module.exports = { hooks, brands, sessions, logs };
