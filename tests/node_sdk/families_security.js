// Authorization servers (scopes, claims, policies and rules, keys, the `default` server), org policies and their
// rules, identity providers, and admin roles with custom roles and resource sets: lifecycles through the Node SDK.
const { expect } = require('./harness');
const { newUser } = require('./families_directory');

async function authorizationServers(t, ctx) {
  const api = ctx.client.authorizationServerApi;
  await t.step('getAuthorizationServer default', () => api.getAuthorizationServer({ authServerId: 'default' }), s => {
    expect.eq(s.id, 'default', 'id');
    expect.eq(s.issuer, `${ctx.orgUrl}/oauth2/default`, 'issuer');
    expect.eq(s.status, 'ACTIVE', 'status');
  });
  await t.step('listOAuth2Scopes default (the system scopes)', () => t.all(api.listOAuth2Scopes({ authServerId: 'default' })),
    list => expect.includes(list, s => s.name === 'openid' && s.system === true, 'the openid system scope'));
  await t.step('listAuthorizationServerPolicies default (the Default Policy)', () => t.all(api.listAuthorizationServerPolicies({ authServerId: 'default' })),
    list => expect.includes(list, p => p.name === 'Default Policy', 'the Default Policy'));

  const name = ctx.unique('Node AS');
  const server = t.need(await t.step('createAuthorizationServer', () => api.createAuthorizationServer({
    authorizationServer: { name, description: 'Node SDK', audiences: ['api://node'] },
  }), (s, raw) => {
    expect.eq(s.status, 'ACTIVE', 'status');
    expect.eq(s.issuer, `${ctx.orgUrl}/oauth2/${s.id}`, 'issuer');
    expect.eq(s.audiences, ['api://node'], 'audiences');
    expect.eq(raw.credentials && raw.credentials.signing && raw.credentials.signing.rotationMode, 'AUTO', 'credentials.signing.rotationMode');
    expect.link(raw, 'self', `${ctx.orgUrl}/api/v1/authorizationServers/${s.id}`);
  }), 'the created server');
  const id = server.id;
  await t.step('getAuthorizationServer', () => api.getAuthorizationServer({ authServerId: id }), s => expect.eq(s.name, name, 'name'));
  await t.step('listAuthorizationServers has default and the new one', () => t.all(api.listAuthorizationServers({})), list => {
    expect.includes(list, s => s.id === 'default', 'default');
    expect.includes(list, s => s.id === id, 'the new server');
  });
  await t.step('replaceAuthorizationServer', () => api.replaceAuthorizationServer({
    authServerId: id, authorizationServer: { name, description: 'replaced', audiences: ['api://node'] },
  }), s => expect.eq(s.description, 'replaced', 'description'));
  await t.step('listAuthorizationServerKeys', () => t.all(api.listAuthorizationServerKeys({ authServerId: id })),
    list => expect.includes(list, k => k.status === 'ACTIVE' && k.use === 'sig', 'an ACTIVE signing key'));

  const scope = t.need(await t.step('createOAuth2Scope', () => api.createOAuth2Scope({ authServerId: id, oAuth2Scope: { name: 'node:read', description: 'read', consent: 'IMPLICIT' } }),
    s => { expect.eq(s.name, 'node:read', 'name'); expect.present(s.id, 'id'); }), 'the scope');
  await t.step('getOAuth2Scope', () => api.getOAuth2Scope({ authServerId: id, scopeId: scope.id }), s => expect.eq(s.consent, 'IMPLICIT', 'consent'));
  // Okta fills what the request leaves out with its defaults, never with someone else's values.
  const minimal = await t.step('createOAuth2Scope (name only: defaults)', () => api.createOAuth2Scope({ authServerId: id, oAuth2Scope: { name: 'node:minimal' } }),
    (s, raw) => {
      expect.absent(raw.description, 'description');
      expect.absent(raw.displayName, 'displayName');
      expect.eq(raw.consent, 'IMPLICIT', 'consent (the default)');
      expect.eq(raw.system, false, 'system');
    });
  if (minimal) await t.step('deleteOAuth2Scope (minimal)', () => api.deleteOAuth2Scope({ authServerId: id, scopeId: minimal.id }));
  await t.step('replaceOAuth2Scope', () => api.replaceOAuth2Scope({ authServerId: id, scopeId: scope.id, oAuth2Scope: { name: 'node:read', description: 'changed' } }),
    s => expect.eq(s.description, 'changed', 'description'));
  await t.step('listOAuth2Scopes', () => t.all(api.listOAuth2Scopes({ authServerId: id })), list => expect.includes(list, s => s.id === scope.id, 'the scope'));
  await t.fails('createOAuth2Scope duplicate name', () => api.createOAuth2Scope({ authServerId: id, oAuth2Scope: { name: 'node:read' } }), 400, 'E0000001');

  const claim = t.need(await t.step('createOAuth2Claim', () => api.createOAuth2Claim({
    authServerId: id, oAuth2Claim: { name: 'node_dept', status: 'ACTIVE', claimType: 'RESOURCE', valueType: 'EXPRESSION', value: 'user.department', alwaysIncludeInToken: true, conditions: { scopes: [] } },
  }), c => { expect.eq(c.name, 'node_dept', 'name'); expect.eq(c.claimType, 'RESOURCE', 'claimType'); }), 'the claim');
  await t.step('getOAuth2Claim', () => api.getOAuth2Claim({ authServerId: id, claimId: claim.id }), c => expect.eq(c.value, 'user.department', 'value'));
  await t.step('listOAuth2Claims', () => t.all(api.listOAuth2Claims({ authServerId: id })), list => expect.includes(list, c => c.id === claim.id, 'the claim'));
  await t.step('deleteOAuth2Claim', () => api.deleteOAuth2Claim({ authServerId: id, claimId: claim.id }));
  await t.fails('getOAuth2Claim after delete', () => api.getOAuth2Claim({ authServerId: id, claimId: claim.id }), 404, 'E0000007');

  const policy = t.need(await t.step('createAuthorizationServerPolicy', () => api.createAuthorizationServerPolicy({
    authServerId: id,
    policy: { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Node policy', description: 'all clients', priority: 1, conditions: { clients: { include: ['ALL_CLIENTS'] } } },
  }), p => { expect.eq(p.status, 'ACTIVE', 'status'); expect.eq(p.type, 'OAUTH_AUTHORIZATION_POLICY', 'type'); }), 'the policy');
  const rule = t.need(await t.step('createAuthorizationServerPolicyRule', () => api.createAuthorizationServerPolicyRule({
    authServerId: id, policyId: policy.id,
    policyRule: {
      type: 'RESOURCE_ACCESS', name: 'Node rule', priority: 1,
      conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['authorization_code'] }, scopes: { include: ['*'] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    },
  }), r => { expect.eq(r.status, 'ACTIVE', 'status'); expect.eq(r.name, 'Node rule', 'name'); }), 'the rule');
  await t.step('listAuthorizationServerPolicyRules', () => t.all(api.listAuthorizationServerPolicyRules({ authServerId: id, policyId: policy.id })),
    list => expect.eq(list.map(r => r.id), [rule.id], 'rules'));
  await t.step('deactivateAuthorizationServerPolicyRule', () => api.deactivateAuthorizationServerPolicyRule({ authServerId: id, policyId: policy.id, ruleId: rule.id }));
  await t.step('getAuthorizationServerPolicyRule after deactivate', () => api.getAuthorizationServerPolicyRule({ authServerId: id, policyId: policy.id, ruleId: rule.id }),
    r => expect.eq(r.status, 'INACTIVE', 'status'));
  await t.step('activateAuthorizationServerPolicyRule', () => api.activateAuthorizationServerPolicyRule({ authServerId: id, policyId: policy.id, ruleId: rule.id }));
  await t.step('getAuthorizationServerPolicyRule after activate', () => api.getAuthorizationServerPolicyRule({ authServerId: id, policyId: policy.id, ruleId: rule.id }),
    r => expect.eq(r.status, 'ACTIVE', 'status'));
  await t.step('deactivateAuthorizationServerPolicy', () => api.deactivateAuthorizationServerPolicy({ authServerId: id, policyId: policy.id }));
  await t.step('getAuthorizationServerPolicy after deactivate', () => api.getAuthorizationServerPolicy({ authServerId: id, policyId: policy.id }),
    p => expect.eq(p.status, 'INACTIVE', 'status'));
  await t.step('activateAuthorizationServerPolicy', () => api.activateAuthorizationServerPolicy({ authServerId: id, policyId: policy.id }));
  await t.step('deleteAuthorizationServerPolicyRule', () => api.deleteAuthorizationServerPolicyRule({ authServerId: id, policyId: policy.id, ruleId: rule.id }));
  await t.fails('getAuthorizationServerPolicyRule after delete', () => api.getAuthorizationServerPolicyRule({ authServerId: id, policyId: policy.id, ruleId: rule.id }), 404, 'E0000007');
  await t.step('deleteAuthorizationServerPolicy', () => api.deleteAuthorizationServerPolicy({ authServerId: id, policyId: policy.id }));
  await t.fails('getAuthorizationServerPolicy after delete', () => api.getAuthorizationServerPolicy({ authServerId: id, policyId: policy.id }), 404, 'E0000007');

  await t.step('deleteOAuth2Scope', () => api.deleteOAuth2Scope({ authServerId: id, scopeId: scope.id }));
  await t.fails('getOAuth2Scope after delete', () => api.getOAuth2Scope({ authServerId: id, scopeId: scope.id }), 404, 'E0000007');
  await t.step('deactivateAuthorizationServer', () => api.deactivateAuthorizationServer({ authServerId: id }));
  await t.step('getAuthorizationServer after deactivate', () => api.getAuthorizationServer({ authServerId: id }), s => expect.eq(s.status, 'INACTIVE', 'status'));
  await t.step('activateAuthorizationServer', () => api.activateAuthorizationServer({ authServerId: id }));
  await t.step('getAuthorizationServer after activate', () => api.getAuthorizationServer({ authServerId: id }), s => expect.eq(s.status, 'ACTIVE', 'status'));
  await t.step('deactivateAuthorizationServer again', () => api.deactivateAuthorizationServer({ authServerId: id }));
  await t.step('deleteAuthorizationServer', () => api.deleteAuthorizationServer({ authServerId: id }));
  await t.fails('getAuthorizationServer after delete', () => api.getAuthorizationServer({ authServerId: id }), 404, 'E0000007');
}

async function policies(t, ctx) {
  const api = ctx.client.policyApi;
  await t.step('listPolicies type=OKTA_SIGN_ON (the default policy)', () => t.all(api.listPolicies({ type: 'OKTA_SIGN_ON' })), list => {
    expect.includes(list, p => p.system === true && p.type === 'OKTA_SIGN_ON', 'the system (default) sign-on policy');
    expect.excludes(list, p => p.type !== 'OKTA_SIGN_ON', 'only OKTA_SIGN_ON policies');
  });
  await t.step('listPolicies type=PASSWORD (the default policy)', () => t.all(api.listPolicies({ type: 'PASSWORD' })),
    list => expect.includes(list, p => p.system === true && p.name === 'Default Policy', 'the Default Policy'));
  // The SDK refuses to send this one (type is required), so it goes through the SDK's own http facility.
  await t.fails('GET /api/v1/policies without type', () => ctx.client.http.getJson(`${ctx.orgUrl}/api/v1/policies`), 400, null);

  const group = t.need(await t.step('createGroup (policy audience)', () => ctx.client.groupApi.createGroup({ group: { profile: { name: ctx.unique('Node policy group') } } })), 'a group');
  const name = ctx.unique('Node sign-on');
  const policy = t.need(await t.step('createPolicy OKTA_SIGN_ON', () => api.createPolicy({
    policy: { type: 'OKTA_SIGN_ON', name, description: 'Node SDK', priority: 1, conditions: { people: { groups: { include: [group.id] } } } },
  }), (p, raw) => {
    expect.eq(p.status, 'ACTIVE', 'status');
    expect.eq(p.system, false, 'system');
    expect.eq(raw.conditions && raw.conditions.people && raw.conditions.people.groups, { include: [group.id] }, 'conditions.people.groups');
    expect.link(raw, 'self', `${ctx.orgUrl}/api/v1/policies/${p.id}`);
    expect.link(raw, 'rules', `${ctx.orgUrl}/api/v1/policies/${p.id}/rules`);
  }), 'the policy');
  await t.step('getPolicy', () => api.getPolicy({ policyId: policy.id }), p => expect.eq(p.name, name, 'name'));
  await t.step('listPolicies q (name) ', () => t.all(api.listPolicies({ type: 'OKTA_SIGN_ON', q: name })),
    list => expect.eq(list.map(p => p.id), [policy.id], 'ids found'));
  await t.step('replacePolicy', () => api.replacePolicy({
    policyId: policy.id,
    policy: { type: 'OKTA_SIGN_ON', name, description: 'replaced', priority: 1, conditions: { people: { groups: { include: [group.id] } } } },
  }), p => expect.eq(p.description, 'replaced', 'description'));

  const rule = t.need(await t.step('createPolicyRule (SIGN_ON)', () => api.createPolicyRule({
    policyId: policy.id,
    policyRule: {
      type: 'SIGN_ON', name: 'Node rule',
      conditions: { network: { connection: 'ANYWHERE' }, authContext: { authType: 'ANY' } },
      actions: { signon: { access: 'ALLOW', requireFactor: false, session: { usePersistentCookie: false, maxSessionIdleMinutes: 120, maxSessionLifetimeMinutes: 0 } } },
    },
  }), r => { expect.eq(r.status, 'ACTIVE', 'status'); expect.eq(r.type, 'SIGN_ON', 'type'); }), 'the rule');
  await t.step('getPolicyRule', () => api.getPolicyRule({ policyId: policy.id, ruleId: rule.id }), r => expect.eq(r.name, 'Node rule', 'name'));
  await t.step('listPolicyRules', () => t.all(api.listPolicyRules({ policyId: policy.id })),
    list => expect.includes(list, r => r.id === rule.id, 'the rule'));
  await t.step('replacePolicyRule', () => api.replacePolicyRule({
    policyId: policy.id, ruleId: rule.id,
    policyRule: {
      type: 'SIGN_ON', name: 'Node rule v2',
      conditions: { network: { connection: 'ANYWHERE' }, authContext: { authType: 'ANY' } },
      actions: { signon: { access: 'DENY', requireFactor: false } },
    },
  }), r => expect.eq(r.name, 'Node rule v2', 'name'));
  await t.step('deactivatePolicyRule', () => api.deactivatePolicyRule({ policyId: policy.id, ruleId: rule.id }));
  await t.step('getPolicyRule after deactivate', () => api.getPolicyRule({ policyId: policy.id, ruleId: rule.id }), r => expect.eq(r.status, 'INACTIVE', 'status'));
  await t.step('activatePolicyRule', () => api.activatePolicyRule({ policyId: policy.id, ruleId: rule.id }));
  await t.step('getPolicyRule after activate', () => api.getPolicyRule({ policyId: policy.id, ruleId: rule.id }), r => expect.eq(r.status, 'ACTIVE', 'status'));
  await t.step('deletePolicyRule', () => api.deletePolicyRule({ policyId: policy.id, ruleId: rule.id }));
  await t.fails('getPolicyRule after delete', () => api.getPolicyRule({ policyId: policy.id, ruleId: rule.id }), 404, 'E0000007');

  await t.step('deactivatePolicy', () => api.deactivatePolicy({ policyId: policy.id }));
  await t.step('getPolicy after deactivate', () => api.getPolicy({ policyId: policy.id }), p => expect.eq(p.status, 'INACTIVE', 'status'));
  await t.step('listPolicies status=INACTIVE', () => t.all(api.listPolicies({ type: 'OKTA_SIGN_ON', status: 'INACTIVE' })),
    list => expect.includes(list, p => p.id === policy.id, 'the deactivated policy'));
  await t.step('activatePolicy', () => api.activatePolicy({ policyId: policy.id }));
  await t.step('getPolicy after activate', () => api.getPolicy({ policyId: policy.id }), p => expect.eq(p.status, 'ACTIVE', 'status'));
  await t.step('deletePolicy', () => api.deletePolicy({ policyId: policy.id }));
  await t.fails('getPolicy after delete', () => api.getPolicy({ policyId: policy.id }), 404, 'E0000007');
}

async function identityProviders(t, ctx) {
  const api = ctx.client.identityProviderApi;
  const name = ctx.unique('Node Google');
  const body = label => ({
    type: 'GOOGLE', name: label,
    protocol: { type: 'OIDC', scopes: ['openid', 'email', 'profile'], credentials: { client: { client_id: 'node-client-id', client_secret: 'node-client-secret' } } },
    policy: {
      provisioning: { action: 'AUTO', profileMaster: false, groups: { action: 'NONE' } },
      accountLink: { action: 'AUTO', filter: null },
      subject: { userNameTemplate: { template: 'idpuser.email' }, matchType: 'USERNAME' },
      maxClockSkew: 0,
    },
  });
  const idp = t.need(await t.step('createIdentityProvider (GOOGLE)', () => api.createIdentityProvider({ identityProvider: body(name) }), (i, raw) => {
    expect.eq(i.status, 'ACTIVE', 'status');
    expect.eq(i.type, 'GOOGLE', 'type');
    expect.eq(raw.protocol && raw.protocol.type, 'OIDC', 'protocol.type');
    expect.present(raw.created, 'created');
    expect.link(raw, 'users', `${ctx.orgUrl}/api/v1/idps/${i.id}/users`);
    expect.link(raw, 'deactivate', `${ctx.orgUrl}/api/v1/idps/${i.id}/lifecycle/deactivate`);
  }), 'the IdP');
  await t.step('getIdentityProvider', () => api.getIdentityProvider({ idpId: idp.id }), i => expect.eq(i.name, name, 'name'));
  await t.step('listIdentityProviders q', () => t.all(api.listIdentityProviders({ q: name })), list => expect.eq(list.map(i => i.id), [idp.id], 'ids found'));
  await t.step('listIdentityProviders type=GOOGLE', () => t.all(api.listIdentityProviders({ type: 'GOOGLE' })), list => {
    expect.includes(list, i => i.id === idp.id, 'the IdP');
    expect.excludes(list, i => i.type !== 'GOOGLE', 'only GOOGLE IdPs');
  });
  await t.step('replaceIdentityProvider', () => api.replaceIdentityProvider({ idpId: idp.id, identityProvider: body(`${name} v2`) }),
    i => expect.eq(i.name, `${name} v2`, 'name'));
  await t.step('deactivateIdentityProvider', () => api.deactivateIdentityProvider({ idpId: idp.id }), i => expect.eq(i.status, 'INACTIVE', 'status'));
  await t.step('getIdentityProvider after deactivate', () => api.getIdentityProvider({ idpId: idp.id }), i => expect.eq(i.status, 'INACTIVE', 'status'));
  await t.step('activateIdentityProvider', () => api.activateIdentityProvider({ idpId: idp.id }), i => expect.eq(i.status, 'ACTIVE', 'status'));
  await t.step('listIdentityProviderApplicationUsers (none linked)', () => t.all(api.listIdentityProviderApplicationUsers({ idpId: idp.id })),
    list => expect.eq(list.length, 0, 'linked users'));
  await t.step('deleteIdentityProvider', () => api.deleteIdentityProvider({ idpId: idp.id }));
  await t.fails('getIdentityProvider after delete', () => api.getIdentityProvider({ idpId: idp.id }), 404, 'E0000007');
}

async function roles(t, ctx) {
  const assign = ctx.client.roleAssignmentApi;
  const targets = ctx.client.roleTargetApi;
  const user = t.need(await newUser(t, ctx, 'admin'), 'a user');
  const group = t.need(await t.step('createGroup (role target)', () => ctx.client.groupApi.createGroup({ group: { profile: { name: ctx.unique('Node target') } } })), 'a group');

  const role = t.need(await t.step('assignRoleToUser GROUP_MEMBERSHIP_ADMIN', () => assign.assignRoleToUser({ userId: user.id, assignRoleRequest: { type: 'GROUP_MEMBERSHIP_ADMIN' } }),
    (r, raw) => {
      expect.eq(r.type, 'GROUP_MEMBERSHIP_ADMIN', 'type');
      expect.eq(r.status, 'ACTIVE', 'status');
      expect.eq(r.assignmentType, 'USER', 'assignmentType');
      expect.present(r.id, 'id');
      expect.present(r.label, 'label');
      expect.link(raw, 'assignee', `${ctx.orgUrl}/api/v1/users/${user.id}`);
    }), 'the role assignment');
  await t.step('getUserAssignedRole', () => assign.getUserAssignedRole({ userId: user.id, roleId: role.id }), r => expect.eq(r.type, 'GROUP_MEMBERSHIP_ADMIN', 'type'));
  await t.step('listAssignedRolesForUser', () => t.all(assign.listAssignedRolesForUser({ userId: user.id })),
    list => expect.eq(list.map(r => r.id), [role.id], 'roles'));
  await t.step('assignGroupTargetToUserRole', () => targets.assignGroupTargetToUserRole({ userId: user.id, roleId: role.id, groupId: group.id }));
  await t.step('listGroupTargetsForRole', () => t.all(targets.listGroupTargetsForRole({ userId: user.id, roleId: role.id })),
    list => expect.eq(list.map(g => g.id), [group.id], 'target groups'));
  await t.step('listUsersWithRoleAssignments', () => assign.listUsersWithRoleAssignments({}),
    (r, raw) => expect.includes(raw.value, u => u.id === user.id, 'the admin user in value'));
  await t.step('unassignRoleFromUser', () => assign.unassignRoleFromUser({ userId: user.id, roleId: role.id }));
  await t.fails('getUserAssignedRole after unassign', () => assign.getUserAssignedRole({ userId: user.id, roleId: role.id }), 404, 'E0000007');

  const groupRole = await t.step('assignRoleToGroup READ_ONLY_ADMIN', () => assign.assignRoleToGroup({ groupId: group.id, assignRoleRequest: { type: 'READ_ONLY_ADMIN' } }),
    r => { expect.eq(r.assignmentType, 'GROUP', 'assignmentType'); expect.eq(r.type, 'READ_ONLY_ADMIN', 'type'); });
  if (groupRole) {
    await t.step('listGroupAssignedRoles', () => t.all(assign.listGroupAssignedRoles({ groupId: group.id })), list => expect.eq(list.map(r => r.id), [groupRole.id], 'roles'));
    await t.step('unassignRoleFromGroup', () => assign.unassignRoleFromGroup({ groupId: group.id, roleId: groupRole.id }));
  }

  // A custom role, a resource set, and a binding of the two to a member.
  const label = ctx.unique('Node role');
  const custom = t.need(await t.step('createRole (custom)', () => ctx.client.customRoleApi.createRole({
    instance: { label, description: 'Node SDK role', permissions: ['okta.users.read', 'okta.groups.read'] },
  }), r => { expect.eq(r.label, label, 'label'); expect.present(r.id, 'id'); }), 'the custom role');
  await t.step('getRole', () => ctx.client.customRoleApi.getRole({ roleIdOrLabel: custom.id }), r => expect.eq(r.description, 'Node SDK role', 'description'));
  await t.step('listRolePermissions', () => ctx.client.customRoleApi.listRolePermissions({ roleIdOrLabel: custom.id }),
    (p, raw) => expect.eq((raw.permissions || []).map(x => x.label).sort(), ['okta.groups.read', 'okta.users.read'], 'permission labels'));
  await t.step('createRolePermission', () => ctx.client.customRoleApi.createRolePermission({ roleIdOrLabel: custom.id, permissionType: 'okta.apps.read' }));
  await t.step('getRolePermission', () => ctx.client.customRoleApi.getRolePermission({ roleIdOrLabel: custom.id, permissionType: 'okta.apps.read' }),
    p => expect.eq(p.label, 'okta.apps.read', 'label'));

  const rs = ctx.client.resourceSetApi;
  const groupsHref = `${ctx.orgUrl}/api/v1/groups/${group.id}`;
  const set = t.need(await t.step('createResourceSet', () => rs.createResourceSet({
    instance: { label: ctx.unique('Node set'), description: 'Node SDK set', resources: [groupsHref] },
  }), s => expect.present(s.id, 'id')), 'the resource set');
  await t.step('getResourceSet', () => rs.getResourceSet({ resourceSetId: set.id }), s => expect.eq(s.description, 'Node SDK set', 'description'));
  await t.step('listResourceSetResources', () => rs.listResourceSetResources({ resourceSetId: set.id }),
    (r, raw) => expect.includes(raw.resources, x => x._links && x._links.self && x._links.self.href === groupsHref, 'the group resource'));
  await t.step('listResourceSets', () => rs.listResourceSets({}), (r, raw) => expect.includes(raw['resource-sets'], x => x.id === set.id, 'the set'));
  const binding = await t.step('createResourceSetBinding', () => rs.createResourceSetBinding({
    resourceSetId: set.id, instance: { role: custom.id, members: [`${ctx.orgUrl}/api/v1/users/${user.id}`] },
  }), (b, raw) => expect.link(raw, 'bindings', `${ctx.orgUrl}/api/v1/iam/resource-sets/${set.id}/bindings`));
  if (binding) {
    await t.step('getBinding', () => rs.getBinding({ resourceSetId: set.id, roleIdOrLabel: custom.id }), (b, raw) => expect.eq(raw.id, custom.id, 'id (the role)'));
    await t.step('listBindings', () => rs.listBindings({ resourceSetId: set.id }), (b, raw) => expect.includes(raw.roles, x => x.id === custom.id, 'the role'));
    await t.step('listMembersOfBinding', () => rs.listMembersOfBinding({ resourceSetId: set.id, roleIdOrLabel: custom.id }),
      (m, raw) => expect.includes(raw.members, x => x._links && x._links.self && x._links.self.href === `${ctx.orgUrl}/api/v1/users/${user.id}`, 'the user member'));
    await t.step('deleteBinding', () => rs.deleteBinding({ resourceSetId: set.id, roleIdOrLabel: custom.id }));
    await t.fails('getBinding after delete', () => rs.getBinding({ resourceSetId: set.id, roleIdOrLabel: custom.id }), 404, 'E0000007');
  }
  await t.step('deleteResourceSet', () => rs.deleteResourceSet({ resourceSetId: set.id }));
  await t.fails('getResourceSet after delete', () => rs.getResourceSet({ resourceSetId: set.id }), 404, 'E0000007');
  await t.step('deleteRole (custom)', () => ctx.client.customRoleApi.deleteRole({ roleIdOrLabel: custom.id }));
  await t.fails('getRole after delete', () => ctx.client.customRoleApi.getRole({ roleIdOrLabel: custom.id }), 404, 'E0000007');
}

module.exports = { authorizationServers, policies, identityProviders, roles };
