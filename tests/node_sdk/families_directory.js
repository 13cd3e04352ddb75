// Users, groups (memberships, group rules), apps (user and group assignments) and schemas: each a lifecycle driven
// through the Node SDK's own API classes, checked against what Okta's Management API reference says a real org answers.
const { expect } = require('./harness');

const PASSWORD = 'Xk9!mQ2#vLp7';

/** A user for a family's own use (an ACTIVE user with a password unless `activate` is false). */
async function newUser(t, ctx, tag, { activate = true, password = true, profile = {} } = {}) {
  const login = `${ctx.unique(tag)}@example.com`;
  const body = { profile: { firstName: 'Node', lastName: tag, email: login, login, ...profile } };
  if (password) body.credentials = { password: { value: PASSWORD } };
  return t.step(`createUser ${tag} (activate=${activate}, password=${password})`,
    () => ctx.client.userApi.createUser({ body, activate }),
    u => expect.eq(u.profile.login, login, 'profile.login'));
}

async function users(t, ctx) {
  const api = ctx.client.userApi;
  const self = id => `${ctx.orgUrl}/api/v1/users/${id}`;
  const login = `${ctx.unique('ada')}@example.com`;
  const user = t.need(await t.step('createUser with a password, activate=true', () => api.createUser({
    body: {
      profile: { firstName: 'Ada', lastName: 'Lovelace', email: login, login, department: 'Engineering' },
      credentials: { password: { value: PASSWORD } },
    },
    activate: true,
  }), (u, raw) => {
    expect.eq(u.status, 'ACTIVE', 'status');
    for (const f of ['id', 'created', 'activated', 'statusChanged', 'lastUpdated', 'passwordChanged']) expect.present(u[f], f);
    expect.eq(raw.credentials && raw.credentials.provider, { type: 'OKTA', name: 'OKTA' }, 'credentials.provider');
    expect.eq(raw.credentials && raw.credentials.password, {}, 'credentials.password (the value is never echoed)');
    expect.present(raw.type && raw.type.id, 'type.id (the default user type)');
    expect.link(raw, 'self', self(u.id));
  }), 'the created user');

  await t.step('getUser by id', () => api.getUser({ userId: user.id }), u => {
    expect.eq(u.profile.department, 'Engineering', 'profile.department');
    expect.eq(u.status, 'ACTIVE', 'status');
  });
  await t.step('getUser by login', () => api.getUser({ userId: login }), u => expect.eq(u.id, user.id, 'id'));
  await t.step('getUser by login shortname', () => api.getUser({ userId: login.split('@')[0] }),
    u => expect.eq(u.id, user.id, 'id'));
  await t.step('listUsers search profile.login eq', () => t.all(api.listUsers({ search: `profile.login eq "${login}"` })),
    list => expect.eq(list.map(u => u.id), [user.id], 'ids found'));
  await t.step('listUsers filter by id', () => t.all(api.listUsers({ filter: `id eq "${user.id}"` })),
    list => expect.eq(list.map(u => u.id), [user.id], 'ids found'));
  await t.step('listUsers q (name prefix)', () => t.all(api.listUsers({ q: login.slice(0, 12) })),
    list => expect.includes(list, u => u.id === user.id, 'the user among q matches'));

  await t.step('updateUser (POST, partial profile)', () => api.updateUser({ userId: user.id, user: { profile: { nickName: 'Countess' } } }),
    u => {
      expect.eq(u.profile.nickName, 'Countess', 'profile.nickName');
      expect.eq(u.profile.department, 'Engineering', 'profile.department kept by a partial update');
    });
  await t.step('replaceUser (PUT, whole profile)', () => api.replaceUser({
    userId: user.id,
    user: { profile: { firstName: 'Ada', lastName: 'King', email: login, login } },
  }), u => {
    expect.eq(u.profile.lastName, 'King', 'profile.lastName');
    expect.absent(u.profile.nickName, 'profile.nickName (dropped by a full replace)');
  });
  await t.step('listUserGroups (Everyone)', () => t.all(api.listUserGroups({ userId: user.id })),
    list => expect.includes(list, g => g.type === 'BUILT_IN' && g.profile.name === 'Everyone', 'the Everyone group'));

  await t.step('suspendUser', () => api.suspendUser({ userId: user.id }));
  await t.step('getUser after suspend', () => api.getUser({ userId: user.id }), u => expect.eq(u.status, 'SUSPENDED', 'status'));
  await t.fails('suspendUser when already SUSPENDED', () => api.suspendUser({ userId: user.id }), 400, 'E0000001');
  await t.step('unsuspendUser', () => api.unsuspendUser({ userId: user.id }));
  await t.step('getUser after unsuspend', () => api.getUser({ userId: user.id }), u => expect.eq(u.status, 'ACTIVE', 'status'));
  await t.step('expirePassword', () => api.expirePassword({ userId: user.id }), u => expect.eq(u.status, 'PASSWORD_EXPIRED', 'status'));
  await t.step('changePassword', () => api.changePassword({
    userId: user.id,
    changePasswordRequest: { oldPassword: { value: PASSWORD }, newPassword: { value: 'Zq8$wNe4!tRb' } },
  }), (c, raw) => expect.eq(raw.provider, { type: 'OKTA', name: 'OKTA' }, 'credentials.provider'));
  await t.step('generateResetPasswordToken (sendEmail=false)', () => api.generateResetPasswordToken({ userId: user.id, sendEmail: false }),
    (r, raw) => expect.present(raw.resetPasswordUrl, 'resetPasswordUrl'));
  await t.step('getUser after reset', () => api.getUser({ userId: user.id }), u => expect.eq(u.status, 'RECOVERY', 'status'));

  // A staged user without a password: activation makes it PROVISIONED and hands back the activation link.
  const staged = t.need(await newUser(t, ctx, 'staged', { activate: false, password: false }), 'a staged user');
  await t.step('staged user status', () => api.getUser({ userId: staged.id }), u => {
    expect.eq(u.status, 'STAGED', 'status');
    expect.absent(u.activated, 'activated');
  });
  await t.step('listUsers filter status eq "STAGED"', () => t.all(api.listUsers({ filter: 'status eq "STAGED"' })),
    list => {
      expect.includes(list, u => u.id === staged.id, 'the staged user');
      expect.excludes(list, u => u.status !== 'STAGED', 'only STAGED users');
    });
  await t.step('activateUser (sendEmail=false)', () => api.activateUser({ userId: staged.id, sendEmail: false }), (r, raw) => {
    expect.present(raw.activationToken, 'activationToken');
    expect.present(raw.activationUrl, 'activationUrl');
  });
  await t.step('getUser after activate (no password)', () => api.getUser({ userId: staged.id }),
    u => expect.eq(u.status, 'PROVISIONED', 'status'));
  await t.step('reactivateUser (sendEmail=false)', () => api.reactivateUser({ userId: staged.id, sendEmail: false }),
    (r, raw) => expect.present(raw.activationToken, 'activationToken'));

  await t.step('deactivateUser', () => api.deactivateUser({ userId: user.id }));
  await t.step('getUser after deactivate', () => api.getUser({ userId: user.id }), u => expect.eq(u.status, 'DEPROVISIONED', 'status'));
  await t.step('deleteUser (DEPROVISIONED: deletes)', () => api.deleteUser({ userId: user.id }));
  await t.fails('getUser after delete', () => api.getUser({ userId: user.id }), 404, 'E0000007');
  // An undeleted user: the first delete deactivates, the second deletes.
  await t.step('deleteUser (PROVISIONED: deactivates)', () => api.deleteUser({ userId: staged.id }));
  await t.step('getUser after the first delete', () => api.getUser({ userId: staged.id }),
    u => expect.eq(u.status, 'DEPROVISIONED', 'status'));
  await t.step('deleteUser again', () => api.deleteUser({ userId: staged.id }));
  await t.fails('getUser after the second delete', () => api.getUser({ userId: staged.id }), 404, 'E0000007');
  await t.fails('createUser without profile.login', () => api.createUser({ body: { profile: { firstName: 'No', lastName: 'Login' } } }),
    400, 'E0000001');
}

async function groups(t, ctx) {
  const api = ctx.client.groupApi;
  const name = ctx.unique('Node Engineers');
  const group = t.need(await t.step('createGroup', () => api.createGroup({ group: { profile: { name, description: 'from the Node SDK' } } }),
    (g, raw) => {
      expect.eq(g.type, 'OKTA_GROUP', 'type');
      expect.eq(g.profile.name, name, 'profile.name');
      for (const f of ['id', 'created', 'lastUpdated', 'lastMembershipUpdated']) expect.present(g[f], f);
      expect.link(raw, 'self', `${ctx.orgUrl}/api/v1/groups/${g.id}`);
      expect.link(raw, 'users', `${ctx.orgUrl}/api/v1/groups/${g.id}/users`);
      expect.link(raw, 'apps', `${ctx.orgUrl}/api/v1/groups/${g.id}/apps`);
    }), 'the created group');
  await t.step('getGroup', () => api.getGroup({ groupId: group.id }), g => expect.eq(g.profile.description, 'from the Node SDK', 'profile.description'));
  await t.step('listGroups q (name prefix)', () => t.all(api.listGroups({ q: name })),
    list => expect.eq(list.map(g => g.id), [group.id], 'ids found'));
  await t.step('listGroups search profile.name eq', () => t.all(api.listGroups({ search: `profile.name eq "${name}"` })),
    list => expect.eq(list.map(g => g.id), [group.id], 'ids found'));
  await t.step('listGroups filter type eq "BUILT_IN"', () => t.all(api.listGroups({ filter: 'type eq "BUILT_IN"' })),
    list => expect.eq(list.map(g => g.profile.name), ['Everyone'], 'built-in groups'));
  await t.step('replaceGroup', () => api.replaceGroup({ groupId: group.id, group: { profile: { name, description: 'renamed' } } }),
    g => expect.eq(g.profile.description, 'renamed', 'profile.description'));
  await t.step('getGroup after replace', () => api.getGroup({ groupId: group.id }),
    g => expect.eq(g.profile.description, 'renamed', 'profile.description'));

  const member = t.need(await newUser(t, ctx, 'member'), 'a member');
  await t.step('assignUserToGroup', () => api.assignUserToGroup({ groupId: group.id, userId: member.id }));
  await t.step('listGroupUsers', () => t.all(api.listGroupUsers({ groupId: group.id })),
    list => expect.eq(list.map(u => u.id), [member.id], 'members'));
  await t.step('listUserGroups has the group', () => t.all(ctx.client.userApi.listUserGroups({ userId: member.id })),
    list => expect.includes(list, g => g.id === group.id, 'the group'));
  await t.step('unassignUserFromGroup', () => api.unassignUserFromGroup({ groupId: group.id, userId: member.id }));
  await t.step('listGroupUsers after unassign', () => t.all(api.listGroupUsers({ groupId: group.id })),
    list => expect.eq(list.length, 0, 'member count'));

  // Group rules: created INACTIVE, found by keyword search, only changed while inactive.
  const ruleName = ctx.unique('node rule');
  const ruleBody = expression => ({
    type: 'group_rule',
    name: ruleName,
    conditions: { expression: { type: 'urn:okta:expression:1.0', value: expression } },
    actions: { assignUserToGroups: { groupIds: [group.id] } },
  });
  const rule = t.need(await t.step('createGroupRule', () => api.createGroupRule({ groupRule: ruleBody('user.department=="Engineering"') }),
    r => {
      expect.eq(r.status, 'INACTIVE', 'status');
      expect.eq(r.name, ruleName, 'name');
      expect.eq(r.actions.assignUserToGroups.groupIds, [group.id], 'actions.assignUserToGroups.groupIds');
    }), 'the group rule');
  await t.step('getGroupRule', () => api.getGroupRule({ ruleId: rule.id }), r => expect.eq(r.conditions.expression.value, 'user.department=="Engineering"', 'expression'));
  await t.step('listGroupRules search (keyword)', () => t.all(api.listGroupRules({ search: ruleName.split(' ').slice(0, 2).join(' ') })),
    list => expect.includes(list, r => r.id === rule.id, 'the rule'));
  await t.step('listGroupRules search (no match)', () => t.all(api.listGroupRules({ search: 'zz-no-such-rule' })),
    list => expect.eq(list.length, 0, 'rules found'));
  await t.step('replaceGroupRule (INACTIVE)', () => api.replaceGroupRule({ ruleId: rule.id, groupRule: ruleBody('user.department=="Research"') }),
    r => expect.eq(r.conditions.expression.value, 'user.department=="Research"', 'expression'));
  await t.step('activateGroupRule', () => api.activateGroupRule({ ruleId: rule.id }));
  await t.step('getGroupRule after activate', () => api.getGroupRule({ ruleId: rule.id }), r => expect.eq(r.status, 'ACTIVE', 'status'));
  await t.fails('replaceGroupRule while ACTIVE', () => api.replaceGroupRule({ ruleId: rule.id, groupRule: ruleBody('user.department=="X"') }),
    400, null);
  await t.step('deactivateGroupRule', () => api.deactivateGroupRule({ ruleId: rule.id }));
  await t.step('getGroupRule after deactivate', () => api.getGroupRule({ ruleId: rule.id }), r => expect.eq(r.status, 'INACTIVE', 'status'));
  await t.step('deleteGroupRule', () => api.deleteGroupRule({ ruleId: rule.id }));
  await t.fails('getGroupRule after delete', () => api.getGroupRule({ ruleId: rule.id }), 404, 'E0000007');

  await t.step('deleteGroup', () => api.deleteGroup({ groupId: group.id }));
  await t.fails('getGroup after delete', () => api.getGroup({ groupId: group.id }), 404, 'E0000007');
  await t.fails('createGroup without a name', () => api.createGroup({ group: { profile: { description: 'no name' } } }), 400, 'E0000001');
}

async function apps(t, ctx) {
  const api = ctx.client.applicationApi;
  const appUrl = id => `${ctx.orgUrl}/api/v1/apps/${id}`;
  const label = ctx.unique('Node Bookmark');
  const app = t.need(await t.step('createApplication (bookmark)', () => api.createApplication({
    application: { name: 'bookmark', label, signOnMode: 'BOOKMARK', settings: { app: { requestIntegration: false, url: 'https://example.com/bookmark.htm' } } },
  }), (a, raw) => {
    expect.eq(a.status, 'ACTIVE', 'status');
    expect.eq(a.label, label, 'label');
    expect.eq(raw.name, 'bookmark', 'name');
    expect.eq(raw.signOnMode, 'BOOKMARK', 'signOnMode');
    expect.link(raw, 'users', `${appUrl(a.id)}/users`);
    expect.link(raw, 'groups', `${appUrl(a.id)}/groups`);
    expect.link(raw, 'deactivate', `${appUrl(a.id)}/lifecycle/deactivate`);
  }), 'the created app');
  await t.step('getApplication', () => api.getApplication({ appId: app.id }), (a, raw) => {
    expect.eq(raw.settings && raw.settings.app && raw.settings.app.url, 'https://example.com/bookmark.htm', 'settings.app.url');
  });
  await t.step('listApplications q (label prefix)', () => t.all(api.listApplications({ q: label })),
    list => expect.eq(list.map(a => a.id), [app.id], 'ids found'));
  await t.step('listApplications filter status eq "ACTIVE"', () => t.all(api.listApplications({ filter: 'status eq "ACTIVE"' })),
    list => expect.includes(list, a => a.id === app.id, 'the app'));
  await t.step('replaceApplication (label)', () => api.replaceApplication({
    appId: app.id,
    application: { name: 'bookmark', label: `${label} v2`, signOnMode: 'BOOKMARK', settings: { app: { requestIntegration: false, url: 'https://example.com/v2.htm' } } },
  }), a => expect.eq(a.label, `${label} v2`, 'label'));

  const oidc = await t.step('createApplication (OIDC web app)', () => api.createApplication({
    application: {
      name: 'oidc_client', label: ctx.unique('Node OIDC'), signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
      settings: { oauthClient: { redirect_uris: ['https://example.com/cb'], response_types: ['code'], grant_types: ['authorization_code'], application_type: 'web' } },
    },
  }), (a, raw) => {
    const client = raw.credentials && raw.credentials.oauthClient;
    expect.eq(client && client.client_id, a.id, 'credentials.oauthClient.client_id (the app id)');
    expect.present(client && client.client_secret, 'credentials.oauthClient.client_secret');
  });

  // Assignments: a user directly, a group (whose members then reach the app with scope GROUP).
  const direct = t.need(await newUser(t, ctx, 'appuser'), 'a user to assign');
  await t.step('assignUserToApplication', () => api.assignUserToApplication({
    appId: app.id, appUser: { id: direct.id, scope: 'USER', credentials: { userName: direct.profile.login } },
  }), (u, raw) => {
    expect.eq(u.id, direct.id, 'id');
    expect.eq(u.scope, 'USER', 'scope');
    expect.eq(raw.credentials && raw.credentials.userName, direct.profile.login, 'credentials.userName');
    expect.link(raw, 'app', appUrl(app.id));
    expect.link(raw, 'user', `${ctx.orgUrl}/api/v1/users/${direct.id}`);
  });
  await t.step('getApplicationUser', () => api.getApplicationUser({ appId: app.id, userId: direct.id }), u => expect.eq(u.scope, 'USER', 'scope'));
  await t.step('updateApplicationUser (profile)', () => api.updateApplicationUser({
    appId: app.id, userId: direct.id, appUser: { credentials: { userName: direct.profile.login }, profile: { nickname: 'node' } },
  }), u => expect.eq(u.credentials.userName, direct.profile.login, 'credentials.userName'));
  await t.step('listAppLinks for the user', () => t.all(ctx.client.userApi.listAppLinks({ userId: direct.id })),
    list => expect.includes(list, l => l.appInstanceId === app.id, 'an app link to the app'));

  const group = t.need(await t.step('createGroup (for the app)', () => ctx.client.groupApi.createGroup({ group: { profile: { name: ctx.unique('Node app group') } } })), 'a group');
  const viaGroup = t.need(await newUser(t, ctx, 'viagroup'), 'a group member');
  await t.step('assignUserToGroup (for the app)', () => ctx.client.groupApi.assignUserToGroup({ groupId: group.id, userId: viaGroup.id }));
  await t.step('assignGroupToApplication', () => api.assignGroupToApplication({ appId: app.id, groupId: group.id, applicationGroupAssignment: { priority: 0 } }),
    (g, raw) => {
      expect.eq(g.id, group.id, 'id');
      expect.eq(g.priority, 0, 'priority');
      expect.link(raw, 'app', appUrl(app.id));
      expect.link(raw, 'group', `${ctx.orgUrl}/api/v1/groups/${group.id}`);
    });
  await t.step('getApplicationGroupAssignment', () => api.getApplicationGroupAssignment({ appId: app.id, groupId: group.id }), g => expect.eq(g.id, group.id, 'id'));
  await t.step('listApplicationGroupAssignments', () => t.all(api.listApplicationGroupAssignments({ appId: app.id })),
    list => expect.eq(list.map(g => g.id), [group.id], 'assigned groups'));
  await t.step('listAssignedApplicationsForGroup', () => t.all(ctx.client.groupApi.listAssignedApplicationsForGroup({ groupId: group.id })),
    list => expect.eq(list.map(a => a.id), [app.id], 'apps'));
  await t.step('listApplicationUsers (direct and via group)', () => t.all(api.listApplicationUsers({ appId: app.id })), list => {
    expect.includes(list, u => u.id === direct.id && u.scope === 'USER', 'the directly assigned user, scope USER');
    expect.includes(list, u => u.id === viaGroup.id && u.scope === 'GROUP', 'the group member, scope GROUP');
  });
  await t.step('unassignApplicationFromGroup', () => api.unassignApplicationFromGroup({ appId: app.id, groupId: group.id }));
  await t.fails('getApplicationGroupAssignment after unassign', () => api.getApplicationGroupAssignment({ appId: app.id, groupId: group.id }), 404, 'E0000007');
  await t.step('unassignUserFromApplication', () => api.unassignUserFromApplication({ appId: app.id, userId: direct.id }));
  await t.fails('getApplicationUser after unassign', () => api.getApplicationUser({ appId: app.id, userId: direct.id }), 404, 'E0000007');

  await t.fails('deleteApplication while ACTIVE', () => api.deleteApplication({ appId: app.id }), 403, 'E0000056');
  await t.step('deactivateApplication', () => api.deactivateApplication({ appId: app.id }));
  await t.step('getApplication after deactivate', () => api.getApplication({ appId: app.id }), a => expect.eq(a.status, 'INACTIVE', 'status'));
  await t.step('activateApplication', () => api.activateApplication({ appId: app.id }));
  await t.step('getApplication after activate', () => api.getApplication({ appId: app.id }), a => expect.eq(a.status, 'ACTIVE', 'status'));
  await t.step('deactivateApplication again', () => api.deactivateApplication({ appId: app.id }));
  await t.step('deleteApplication', () => api.deleteApplication({ appId: app.id }));
  await t.fails('getApplication after delete', () => api.getApplication({ appId: app.id }), 404, 'E0000007');
  if (oidc) {
    await t.step('deactivateApplication (OIDC)', () => api.deactivateApplication({ appId: oidc.id }));
    await t.step('deleteApplication (OIDC)', () => api.deleteApplication({ appId: oidc.id }));
  }
}

async function schemas(t, ctx) {
  const api = ctx.client.schemaApi;
  const prop = `node${ctx.unique('').replace(/\W/g, '')}`;
  await t.step('getUserSchema default', () => api.getUserSchema({ schemaId: 'default' }), (s, raw) => {
    expect.present(raw.definitions && raw.definitions.base && raw.definitions.base.properties && raw.definitions.base.properties.login, 'definitions.base.properties.login');
    expect.present(raw.definitions && raw.definitions.custom, 'definitions.custom');
  });
  await t.step('updateUserProfile (add a custom property)', () => api.updateUserProfile({
    schemaId: 'default',
    userSchema: { definitions: { custom: { id: '#custom', type: 'object', properties: { [prop]: { title: 'Node property', type: 'string', minLength: 1, maxLength: 20 } } } } },
  }), (s, raw) => expect.eq(raw.definitions.custom.properties[prop] && raw.definitions.custom.properties[prop].title, 'Node property', `custom.properties.${prop}.title`));
  await t.step('getUserSchema has the property', () => api.getUserSchema({ schemaId: 'default' }),
    (s, raw) => expect.present(raw.definitions.custom.properties[prop], `custom.properties.${prop}`));
  const user = await newUser(t, ctx, 'schema', { profile: { [prop]: 'hello' } });
  if (user) {
    await t.step('getUser keeps the custom property', () => ctx.client.userApi.getUser({ userId: user.id }),
      (u, raw) => expect.eq(raw.profile[prop], 'hello', `profile.${prop}`));
  }
  await t.step('updateUserProfile (remove the property: null)', () => api.updateUserProfile({
    schemaId: 'default',
    userSchema: { definitions: { custom: { id: '#custom', type: 'object', properties: { [prop]: null } } } },
  }), (s, raw) => expect.eq(Object.keys(raw.definitions.custom.properties).includes(prop), false, `custom.properties has ${prop}`));
  await t.step('getUserSchema after removal', () => api.getUserSchema({ schemaId: 'default' }),
    (s, raw) => expect.eq(Object.keys(raw.definitions.custom.properties).includes(prop), false, `custom.properties has ${prop}`));
  await t.step('getGroupSchema', () => api.getGroupSchema({}),
    (s, raw) => expect.present(raw.definitions && raw.definitions.base && raw.definitions.base.properties && raw.definitions.base.properties.name, 'definitions.base.properties.name'));

  const app = await t.step('createApplication (for its user schema)', () => ctx.client.applicationApi.createApplication({
    application: { name: 'bookmark', label: ctx.unique('Node schema app'), signOnMode: 'BOOKMARK', settings: { app: { requestIntegration: false, url: 'https://example.com/s' } } },
  }));
  if (!app) return;
  await t.step('getApplicationUserSchema', () => api.getApplicationUserSchema({ appInstanceId: app.id }),
    (s, raw) => expect.present(raw.definitions && raw.definitions.custom, 'definitions.custom'));
  await t.step('updateApplicationUserProfile (add a property)', () => api.updateApplicationUserProfile({
    appInstanceId: app.id,
    body: { definitions: { custom: { id: '#custom', type: 'object', properties: { nodeRole: { title: 'Node role', type: 'string' } } } } },
  }), (s, raw) => expect.eq(raw.definitions.custom.properties.nodeRole && raw.definitions.custom.properties.nodeRole.title, 'Node role', 'custom.properties.nodeRole.title'));
  await t.step('getApplicationUserSchema has it', () => api.getApplicationUserSchema({ appInstanceId: app.id }),
    (s, raw) => expect.present(raw.definitions.custom.properties.nodeRole, 'custom.properties.nodeRole'));
  await t.fails('getApplicationUserSchema (no such app)', () => api.getApplicationUserSchema({ appInstanceId: '0oaNoSuchApp000000000' }), 404, 'E0000007');
}

module.exports = { users, groups, apps, schemas, newUser, PASSWORD };
