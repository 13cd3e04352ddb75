//! The objects every Okta org has before anyone calls its API, seeded when the org starts into the stores the
//! handlers read (the apps with `apps.rs`'s, the rest where `generic.rs` keeps its collections, by path with real
//! ids): the org's settings and logo, its API token, the `default` custom authorization server with its reserved
//! scopes and default policy and rule, the Okta Dashboard and Admin Console apps with the Admin Console's settings,
//! the default brand with its theme and email templates, the standard roles' notification subscriptions, and the
//! system policies (one of each type an org starts with) with their default rules.
//!
//! And the few answers about them that Okta gives and an object of the API's own would not get: the token a
//! request was made with (`GET /api/v1/api-tokens/current`), Okta's refusal to delete the default brand or a reserved
//! scope, linked-object definitions by either of their names, a role's subscription switched on and off.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::respond::{ApiError, empty, json_response};
use crate::state::{ADMIN_USER_ID, Store};
use crate::support::{random_alnum, ts};

/// Okta's logo, where an org without one of its own shows it (the org's logo link, the default theme's logo).
const OKTA_LOGO: &str = "/assets/img/logos/okta-logo.47066819ac7db5c13f4c431b2687cef6.png";

/// The scopes every custom authorization server has (Okta's reserved OpenID Connect scopes), with what each grants.
const RESERVED_SCOPES: [(&str, &str); 7] = [
    ("openid", "Signals that a request is an OpenID request."),
    ("profile", "Allows access to the end user's default profile claims."),
    ("email", "Allows access to the email and email_verified claims."),
    ("address", "Allows access to the address claim."),
    ("phone", "Allows access to the phone_number and phone_number_verified claims."),
    ("offline_access", "Allows access to refresh tokens."),
    ("device_sso", "Allows access to a device secret."),
];

/// The standard roles (the spec's `RoleType` but `CUSTOM`), each of which has its admins' notification subscriptions.
const STANDARD_ROLES: [&str; 12] = [
    "ACCESS_CERTIFICATIONS_ADMIN",
    "ACCESS_REQUESTS_ADMIN",
    "API_ACCESS_MANAGEMENT_ADMIN",
    "APP_ADMIN",
    "GROUP_MEMBERSHIP_ADMIN",
    "HELP_DESK_ADMIN",
    "ORG_ADMIN",
    "READ_ONLY_ADMIN",
    "REPORT_ADMIN",
    "SUPER_ADMIN",
    "USER_ADMIN",
    "WORKFLOWS_ADMIN",
];

/// The notifications a role's admins can subscribe to (the spec's `NotificationType`).
const NOTIFICATION_TYPES: [&str; 13] = [
    "AD_AGENT",
    "AGENT_AUTO_UPDATE_NOTIFICATION",
    "AGENT_AUTO_UPDATE_NOTIFICATION_LDAP",
    "APP_IMPORT",
    "CONNECTOR_AGENT",
    "IWA_AGENT",
    "LDAP_AGENT",
    "OKTA_ANNOUNCEMENT",
    "OKTA_UPDATE",
    "RATELIMIT_NOTIFICATION",
    "REPORT_SUSPICIOUS_ACTIVITY",
    "USER_DEPROVISION",
    "USER_LOCKED_OUT",
];

/// The email templates every brand has, by the names the API knows them by.
const EMAIL_TEMPLATES: [&str; 31] = [
    "ADForgotPassword",
    "ADForgotPasswordDenied",
    "ADSelfServiceUnlock",
    "ADUserActivation",
    "AccountLockout",
    "AuthenticatorEnrolled",
    "AuthenticatorReset",
    "ChangeEmailConfirmation",
    "EmailChallenge",
    "EmailChangeConfirmation",
    "EmailFactorVerification",
    "ForgotPassword",
    "ForgotPasswordDenied",
    "IGAReviewerEndNotification",
    "IGAReviewerNotification",
    "IGAReviewerPendingNotification",
    "IGAReviewerReassigned",
    "LDAPForgotPassword",
    "LDAPForgotPasswordDenied",
    "LDAPSelfServiceUnlock",
    "LDAPUserActivation",
    "MyAccountChangeConfirmation",
    "NewSignOnNotification",
    "OktaVerifyActivation",
    "PasswordChanged",
    "PasswordResetByAdmin",
    "PendingEmailChange",
    "RegistrationActivation",
    "RegistrationEmailVerification",
    "SelfServiceUnlock",
    "UserActivation",
];

/// Ids for the standing objects: Okta-shaped (`prefix` + 17 characters) like [`Store::new_id`]'s, but from a
/// sequence of their own, all zeros where `new_id` puts its sequence, so they sort before every object made later
/// (the standing objects list first, in the order they were made) and leave the store's sequence, which names the
/// seeded users (`user1@example.com`), where it was.
struct StandingIds {
    next: u32,
}

impl StandingIds {
    fn id(&mut self, prefix: &str) -> String {
        const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let n = self.next as usize;
        self.next += 1;
        let digit = |i: usize| DIGITS.get(i % 36).map_or('z', |b| char::from(*b));
        format!("{prefix}0000000000{}{}{}", digit(n / 36), digit(n), random_alnum(5))
    }
}

/// What the seeding writes: the store and the fields every object shares.
struct Seeder<'a> {
    store: &'a mut Store,
    ids: StandingIds,
    base: String,
    now: String,
}

impl Seeder<'_> {
    /// Keeps `object` under `key` in the collection at `collection` (a path with real ids), which from then on
    /// holds what the org has rather than the spec's example of it.
    fn put(&mut self, collection: &str, key: &str, object: Value) {
        let generic = &mut self.store.generic;
        generic.seeded.insert(collection.to_string());
        generic.collections.entry(collection.to_string()).or_default().insert(key.to_string(), object);
    }

    fn href(&self, path: &str) -> Value {
        json!({ "href": format!("{}{path}", self.base) })
    }

    /// A link with the methods it allows, as Okta writes them (`hints.allow`).
    fn link(&self, path: &str, allow: &[&str]) -> Value {
        json!({ "href": format!("{}{path}", self.base), "hints": { "allow": allow } })
    }
}

/// Seeds the org's standing objects (once, when the org starts).
pub(crate) fn seed(store: &mut Store) {
    let base = store.base.clone();
    let mut s = Seeder { store, ids: StandingIds { next: 0 }, base, now: ts(Utc::now()) };
    org_settings(&mut s);
    api_token(&mut s);
    default_authorization_server(&mut s);
    let dashboard = first_party_apps(&mut s);
    default_brand(&mut s, &dashboard);
    role_subscriptions(&mut s);
    group_schema(&mut s);
    default_policies(&mut s);
}

/// `GET /api/v1/org`: the org's settings, with the link to its logo (Okta's, until the org uploads its own).
fn org_settings(s: &mut Seeder<'_>) {
    let id = s.ids.id("00o");
    let org = json!({
        "id": id,
        "companyName": "Okta Mock Org",
        "subdomain": "mock",
        "status": "ACTIVE",
        "created": s.now,
        "lastUpdated": s.now,
        "expiresAt": null,
        "website": null,
        "phoneNumber": null,
        "endUserSupportHelpURL": null,
        "supportPhoneNumber": null,
        "address1": null,
        "address2": null,
        "city": null,
        "state": null,
        "postalCode": null,
        "country": null,
        "_links": {
            "preferences": s.href("/api/v1/org/preferences"),
            "uploadLogo": s.link("/api/v1/org/logo", &["POST"]),
            "oktaCommunication": s.href("/api/v1/org/privacy/oktaCommunication"),
            "logo": s.href(OKTA_LOGO),
            "oktaSupport": s.href("/api/v1/org/privacy/oktaSupport"),
            "contacts": s.href("/api/v1/org/contacts"),
        }
    });
    s.store.generic.singletons.insert("/api/v1/org".into(), org);
}

/// The metadata of the org's API token (the one [`crate::MockOrg::token`] gives), owned by the org's admin.
fn api_token(s: &mut Seeder<'_>) {
    let id = s.ids.id("00T");
    let path = format!("/api/v1/api-tokens/{id}");
    let expires = ts(Utc::now() + Duration::days(30));
    let token = json!({
        "id": id,
        "name": "okta-mock",
        "userId": ADMIN_USER_ID,
        "clientName": "Okta API",
        "tokenWindow": "P30D",
        "network": { "connection": "ANYWHERE" },
        "created": s.now,
        "lastUpdated": s.now,
        "expiresAt": expires,
        "_links": {
            "self": s.link(&path, &["GET", "DELETE"]),
            "user": s.link(&format!("/api/v1/users/{ADMIN_USER_ID}"), &["GET"]),
        }
    });
    s.put("/api/v1/api-tokens", &id, token);
    s.store.generic.current_api_token = Some(id);
}

/// The `default` custom authorization server (id `default`, issuer `{org}/oauth2/default`), with Okta's reserved
/// scopes and its default access policy and rule.
fn default_authorization_server(s: &mut Seeder<'_>) {
    let path = "/api/v1/authorizationServers/default";
    let next_rotation = ts(Utc::now() + Duration::days(90));
    let server = json!({
        "id": "default",
        "name": "default",
        "description": "Default Authorization Server for your Applications",
        "audiences": ["api://default"],
        "issuer": format!("{}/oauth2/default", s.base),
        "issuerMode": "ORG_URL",
        "status": "ACTIVE",
        "created": s.now,
        "lastUpdated": s.now,
        "credentials": {
            "signing": { "rotationMode": "AUTO", "lastRotated": s.now, "nextRotation": next_rotation,
                         "kid": random_alnum(43) }
        },
        "_links": {
            "scopes": s.link(&format!("{path}/scopes"), &["GET"]),
            "claims": s.link(&format!("{path}/claims"), &["GET"]),
            "policies": s.link(&format!("{path}/policies"), &["GET"]),
            "self": s.link(path, &["GET", "DELETE", "PUT"]),
            "metadata": [
                { "name": "oauth-authorization-server", "hints": { "allow": ["GET"] },
                  "href": format!("{}/oauth2/default/.well-known/oauth-authorization-server", s.base) },
                { "name": "openid-configuration", "hints": { "allow": ["GET"] },
                  "href": format!("{}/oauth2/default/.well-known/openid-configuration", s.base) },
            ],
            "rotateKey": s.link(&format!("{path}/credentials/lifecycle/keyRotate"), &["POST"]),
            "deactivate": s.link(&format!("{path}/lifecycle/deactivate"), &["POST"]),
        }
    });
    s.put("/api/v1/authorizationServers", "default", server);
    for (name, description) in RESERVED_SCOPES {
        let id = s.ids.id("scp");
        let scope = json!({
            "id": id,
            "name": name,
            "description": description,
            "system": true,
            "default": false,
            "consent": "IMPLICIT",
            "optional": false,
            "metadataPublish": "ALL_CLIENTS",
            "_links": { "self": s.link(&format!("{path}/scopes/{id}"), &["GET", "PUT"]) }
        });
        s.put(&format!("{path}/scopes"), &id, scope);
    }
    let policy_id = s.ids.id("00p");
    let policy_path = format!("{path}/policies/{policy_id}");
    let policy = json!({
        "type": "OAUTH_AUTHORIZATION_POLICY",
        "id": policy_id,
        "status": "ACTIVE",
        "name": "Default Policy",
        "description": "Default policy description",
        "priority": 1,
        "system": false,
        "conditions": { "clients": { "include": ["ALL_CLIENTS"] } },
        "created": s.now,
        "lastUpdated": s.now,
        "_links": {
            "self": s.link(&policy_path, &["GET", "PUT", "DELETE"]),
            "deactivate": s.link(&format!("{policy_path}/lifecycle/deactivate"), &["POST"]),
            "rules": s.link(&format!("{policy_path}/rules"), &["GET"]),
        }
    });
    s.put(&format!("{path}/policies"), &policy_id, policy);
    let rule_id = s.ids.id("0pr");
    let rule_path = format!("{policy_path}/rules/{rule_id}");
    let rule = json!({
        "type": "RESOURCE_ACCESS",
        "id": rule_id,
        "status": "ACTIVE",
        "name": "Default Policy Rule",
        "priority": 1,
        "system": false,
        "created": s.now,
        "lastUpdated": s.now,
        "conditions": {
            "people": { "users": { "include": [], "exclude": [] }, "groups": { "include": ["EVERYONE"], "exclude": [] } },
            "grantTypes": { "include": ["implicit", "client_credentials", "authorization_code", "password"] },
            "scopes": { "include": ["*"] }
        },
        "actions": {
            "token": { "accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0,
                       "refreshTokenWindowMinutes": 10080 }
        },
        "_links": {
            "self": s.link(&rule_path, &["GET", "PUT", "DELETE"]),
            "deactivate": s.link(&format!("{rule_path}/lifecycle/deactivate"), &["POST"]),
        }
    });
    s.put(&format!("{policy_path}/rules"), &rule_id, rule);
}

/// The Okta Dashboard (`okta_enduser`) and Okta Admin Console (`saasure`) apps, and the Admin Console's settings
/// (`GET /api/v1/first-party-app-settings/admin-console`: Okta's session defaults). Returns the dashboard's id.
fn first_party_apps(s: &mut Seeder<'_>) -> String {
    let dashboard = first_party_app(s, "okta_enduser", "Okta Dashboard", "/enduser/callback");
    first_party_app(s, "saasure", "Okta Admin Console", "/admin/sso/callback");
    let settings = json!({ "sessionIdleTimeoutMinutes": 15, "sessionMaxLifetimeMinutes": 720 });
    s.put("/api/v1/first-party-app-settings", "admin-console", settings);
    dashboard
}

/// One of Okta's own apps, an OpenID Connect browser client signing in at `callback` on the org.
fn first_party_app(s: &mut Seeder<'_>, name: &str, label: &str, callback: &str) -> String {
    let id = s.ids.id("0oa");
    let path = format!("/api/v1/apps/{id}");
    let app = json!({
        "id": id,
        "name": name,
        "label": label,
        "status": "ACTIVE",
        "created": s.now,
        "lastUpdated": s.now,
        "signOnMode": "OPENID_CONNECT",
        "features": [],
        "accessibility": { "selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null },
        "visibility": { "autoLaunch": false, "autoSubmitToolbar": false, "hide": { "iOS": false, "web": false },
                        "appLinks": {} },
        "credentials": {
            "userNameTemplate": { "template": "${source.login}", "type": "BUILT_IN" },
            "signing": { "kid": random_alnum(43) },
            "oauthClient": { "autoKeyRotation": true, "client_id": format!("okta.{}", crate::support::uuid()),
                             "token_endpoint_auth_method": "none" }
        },
        "settings": {
            "app": {},
            "notifications": { "vpn": { "network": { "connection": "DISABLED" }, "message": null, "helpUrl": null } },
            "notes": { "admin": null, "enduser": null },
            "oauthClient": {
                "client_uri": null,
                "logo_uri": null,
                "redirect_uris": [format!("{}{callback}", s.base)],
                "response_types": ["code"],
                "grant_types": ["authorization_code", "refresh_token"],
                "application_type": "browser",
                "consent_method": "TRUSTED",
                "issuer_mode": "ORG_URL"
            }
        },
        "_links": {
            "self": s.href(&path),
            "users": s.href(&format!("{path}/users")),
            "groups": s.href(&format!("{path}/groups")),
            "deactivate": s.href(&format!("{path}/lifecycle/deactivate")),
        }
    });
    s.store.apps.insert(id.clone(), app);
    id
}

/// The default brand (the one Okta will not delete), its theme and its email templates.
fn default_brand(s: &mut Seeder<'_>, dashboard: &str) {
    let id = s.ids.id("bnd");
    let path = format!("/api/v1/brands/{id}");
    let brand = json!({
        "id": id,
        "name": "Okta Default",
        "isDefault": true,
        "agreeToCustomPrivacyPolicy": false,
        "removePoweredByOkta": false,
        "customPrivacyPolicyUrl": null,
        "locale": "en",
        "emailDomainId": null,
        "defaultApp": { "appInstanceId": dashboard, "appLinkName": null, "classicApplicationUri": null },
        "_links": {
            "self": s.link(&path, &["GET", "PUT", "DELETE"]),
            "themes": s.link(&format!("{path}/themes"), &["GET"]),
        }
    });
    s.put("/api/v1/brands", &id, brand);
    let theme_id = s.ids.id("thd");
    let theme_path = format!("{path}/themes/{theme_id}");
    let theme = json!({
        "id": theme_id,
        "logo": format!("{}{OKTA_LOGO}", s.base),
        "favicon": format!("{}/favicon.ico", s.base),
        "backgroundImage": null,
        "primaryColorHex": "#1662dd",
        "primaryColorContrastHex": "#000000",
        "secondaryColorHex": "#ebebed",
        "secondaryColorContrastHex": "#000000",
        "signInPageTouchPointVariant": "OKTA_DEFAULT",
        "endUserDashboardTouchPointVariant": "OKTA_DEFAULT",
        "errorPageTouchPointVariant": "OKTA_DEFAULT",
        "emailTemplateTouchPointVariant": "OKTA_DEFAULT",
        "loadingPageTouchPointVariant": "OKTA_DEFAULT",
        "_links": {
            "self": s.link(&theme_path, &["GET", "PUT"]),
            "logo": s.link(&format!("{theme_path}/logo"), &["POST", "DELETE"]),
            "favicon": s.link(&format!("{theme_path}/favicon"), &["POST", "DELETE"]),
        }
    });
    s.put(&format!("{path}/themes"), &theme_id, theme);
    let templates = format!("{path}/templates/email");
    for name in EMAIL_TEMPLATES {
        let template_path = format!("{templates}/{name}");
        let template = json!({
            "name": name,
            "_links": {
                "self": s.link(&template_path, &["GET"]),
                "settings": s.link(&format!("{template_path}/settings"), &["GET", "PUT"]),
                "defaultContent": s.link(&format!("{template_path}/default-content"), &["GET"]),
                "customizations": s.link(&format!("{template_path}/customizations"), &["GET", "POST", "DELETE"]),
                "test": s.link(&format!("{template_path}/test"), &["POST"]),
            }
        });
        s.put(&templates, name, template);
    }
}

/// `GET /api/v1/meta/schemas/group/default`: the group profile's schema, whose base properties are a group's `name`
/// (required) and `description`, as Okta's Schemas API shows them; no custom property until the org adds one.
fn group_schema(s: &mut Seeder<'_>) {
    let path = "/api/v1/meta/schemas/group/default";
    let base_property = |title: &str, max: u32| {
        json!({
            "title": title, "type": "string", "maxLength": max,
            "mutability": "READ_WRITE", "scope": "NONE",
            "permissions": [{ "principal": "SELF", "action": "READ_ONLY" }],
            "master": { "type": "PROFILE_MASTER" }
        })
    };
    let schema = json!({
        "id": format!("{}/meta/schemas/group/default", s.base),
        "$schema": "http://json-schema.org/draft-04/schema#",
        "name": "group",
        "title": "Okta group",
        "description": "Okta group profile template",
        "lastUpdated": s.now,
        "created": s.now,
        "definitions": {
            "custom": { "id": "#custom", "type": "object", "properties": {}, "required": [] },
            "base": {
                "id": "#base", "type": "object",
                "properties": { "name": base_property("Name", 255), "description": base_property("Description", 1024) },
                "required": ["name"]
            }
        },
        "type": "object",
        "properties": { "profile": { "allOf": [{ "$ref": "#/definitions/custom" }, { "$ref": "#/definitions/base" }] } },
        "_links": { "self": { "href": format!("{}{path}", s.base), "method": "GET", "rel": "self" } }
    });
    s.store.generic.singletons.insert(path.into(), schema);
}

/// Every standard role's admins subscribed, by email, to every notification.
fn role_subscriptions(s: &mut Seeder<'_>) {
    for role in STANDARD_ROLES {
        let collection = format!("/api/v1/roles/{role}/subscriptions");
        for kind in NOTIFICATION_TYPES {
            let subscription = json!({
                "notificationType": kind,
                "channels": ["email"],
                "status": "subscribed",
                "_links": { "self": s.href(&format!("{collection}/{kind}")) }
            });
            s.put(&collection, kind, subscription);
        }
    }
}

/// One of the policies every org has: its type, name, conditions and settings, and its default rule's type, name,
/// conditions and actions.
struct DefaultPolicy {
    kind: &'static str,
    name: &'static str,
    conditions: Value,
    settings: Option<Value>,
    rule_kind: &'static str,
    rule_name: &'static str,
    rule_conditions: Value,
    rule_actions: Value,
}

/// The system policies of a new org, one of each type an org has from the start (global session, password,
/// authenticator enrollment, app sign-on, user profile, IdP discovery, entity risk, session protection), each with
/// the default rule Okta gives it, shaped as the Policies API's examples show them.
fn system_policies(everyone: &[String]) -> Vec<DefaultPolicy> {
    let people = json!({ "people": { "groups": { "include": everyone } } });
    let anywhere = json!({ "people": { "users": { "exclude": [] } }, "network": { "connection": "ANYWHERE" } });
    let catch_all = "Catch-all Rule";
    vec![
        DefaultPolicy {
            kind: "OKTA_SIGN_ON",
            name: "Default Policy",
            conditions: people.clone(),
            settings: None,
            rule_kind: "SIGN_ON",
            rule_name: "Default Rule",
            rule_conditions: json!({ "people": { "users": { "exclude": [] } }, "network": { "connection": "ANYWHERE" },
                                     "authContext": { "authType": "ANY" } }),
            rule_actions: json!({ "signon": { "access": "ALLOW", "requireFactor": false,
                                  "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
                                  "session": { "usePersistentCookie": false, "maxSessionIdleMinutes": 120,
                                               "maxSessionLifetimeMinutes": 0 } } }),
        },
        DefaultPolicy {
            kind: "PASSWORD",
            name: "Default Policy",
            conditions: json!({ "people": { "groups": { "include": everyone } },
                                "authProvider": { "provider": "OKTA" } }),
            settings: Some(json!({
                "password": {
                    "complexity": { "minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1,
                                    "minSymbol": 0, "excludeUsername": true,
                                    "dictionary": { "common": { "exclude": false } }, "excludeAttributes": [] },
                    "age": { "maxAgeDays": 0, "expireWarnDays": 0, "minAgeMinutes": 0, "historyCount": 4 },
                    "lockout": { "maxAttempts": 10, "autoUnlockMinutes": 0, "userLockoutNotificationChannels": [],
                                 "showLockoutFailures": false }
                },
                "recovery": { "factors": {
                    "recovery_question": { "status": "ACTIVE", "properties": { "complexity": { "minLength": 4 } } },
                    "okta_email": { "status": "ACTIVE", "properties": { "recoveryToken": { "tokenLifetimeMinutes": 60 } } },
                    "okta_sms": { "status": "INACTIVE" },
                    "okta_call": { "status": "INACTIVE" }
                } },
                "delegation": { "options": { "skipUnlock": false } }
            })),
            rule_kind: "PASSWORD",
            rule_name: "Default Rule",
            rule_conditions: anywhere.clone(),
            rule_actions: json!({ "passwordChange": { "access": "ALLOW" },
                                  "selfServicePasswordReset": { "access": "ALLOW" },
                                  "selfServiceUnlock": { "access": "DENY" } }),
        },
        DefaultPolicy {
            kind: "MFA_ENROLL",
            name: "Default Policy",
            conditions: people,
            settings: Some(json!({ "type": "AUTHENTICATORS", "authenticators": [
                { "key": "okta_email", "enroll": { "self": "REQUIRED" } },
                { "key": "okta_password", "enroll": { "self": "REQUIRED" } }
            ] })),
            rule_kind: "MFA_ENROLL",
            rule_name: "Default Rule",
            rule_conditions: anywhere,
            rule_actions: json!({ "enroll": { "self": "CHALLENGE" } }),
        },
        DefaultPolicy {
            kind: "ACCESS_POLICY",
            name: "Default Policy",
            conditions: Value::Null,
            settings: None,
            rule_kind: "ACCESS_POLICY",
            rule_name: catch_all,
            rule_conditions: Value::Null,
            rule_actions: json!({ "appSignOn": { "access": "ALLOW", "verificationMethod": {
                "factorMode": "1FA", "type": "ASSURANCE", "reauthenticateIn": "PT12H", "constraints": [] } } }),
        },
        DefaultPolicy {
            kind: "PROFILE_ENROLLMENT",
            name: "Default Policy",
            conditions: Value::Null,
            settings: None,
            rule_kind: "PROFILE_ENROLLMENT",
            rule_name: catch_all,
            rule_conditions: Value::Null,
            rule_actions: json!({ "profileEnrollment": {
                "access": "ALLOW", "preRegistrationInlineHooks": null, "targetGroupIds": null,
                "unknownUserAction": "DENY", "activationRequirements": { "emailVerification": true },
                "profileAttributes": [{ "name": "email", "label": "Email", "required": true }]
            } }),
        },
        DefaultPolicy {
            kind: "IDP_DISCOVERY",
            name: "Idp Discovery Policy",
            conditions: Value::Null,
            settings: None,
            rule_kind: "IDP_DISCOVERY",
            rule_name: "Default Rule",
            rule_conditions: Value::Null,
            rule_actions: json!({ "idp": { "providers": [{ "type": "OKTA" }] } }),
        },
        DefaultPolicy {
            kind: "ENTITY_RISK",
            name: "Default Policy",
            conditions: Value::Null,
            settings: None,
            rule_kind: "ENTITY_RISK",
            rule_name: catch_all,
            rule_conditions: Value::Null,
            rule_actions: json!({ "entityRisk": { "actions": [] } }),
        },
        DefaultPolicy {
            kind: "POST_AUTH_SESSION",
            name: "Default Policy",
            conditions: Value::Null,
            settings: None,
            rule_kind: "POST_AUTH_SESSION",
            rule_name: catch_all,
            rule_conditions: Value::Null,
            rule_actions: json!({ "postAuthSession": { "failureActions": [] } }),
        },
    ]
}

/// The org's system policies (`GET /api/v1/policies?type=…`), each with its default rule: Okta's, `system`, the
/// ones that apply when no policy of the org's own does (their audience: the Everyone group).
fn default_policies(s: &mut Seeder<'_>) {
    let everyone: Vec<String> = s
        .store
        .groups
        .values()
        .filter(|g| g.profile.get("name").and_then(Value::as_str) == Some("Everyone"))
        .map(|g| g.id.clone())
        .collect();
    for policy in system_policies(&everyone) {
        let id = s.ids.id("00p");
        let path = format!("/api/v1/policies/{id}");
        let mut object = json!({
            "id": id,
            "type": policy.kind,
            "status": "ACTIVE",
            "name": policy.name,
            "description": "The default policy applies in all situations if no other policy applies.",
            "priority": 1,
            "system": true,
            "conditions": policy.conditions,
            "created": s.now,
            "lastUpdated": s.now,
            "_links": {
                "self": s.link(&path, &["GET", "PUT"]),
                "rules": s.link(&format!("{path}/rules"), &["GET", "POST"]),
            }
        });
        if let (Some(settings), Value::Object(m)) = (policy.settings, &mut object) {
            m.insert("settings".into(), settings);
        }
        s.put("/api/v1/policies", &id, object);
        let rule_id = s.ids.id("0pr");
        let rule = json!({
            "id": rule_id,
            "type": policy.rule_kind,
            "status": "ACTIVE",
            "name": policy.rule_name,
            "priority": 1,
            "system": true,
            "conditions": policy.rule_conditions,
            "actions": policy.rule_actions,
            "created": s.now,
            "lastUpdated": s.now,
            "_links": { "self": s.link(&format!("{path}/rules/{rule_id}"), &["GET", "PUT"]) }
        });
        s.put(&format!("{path}/rules"), &rule_id, rule);
    }
}

// ----- answers -----

/// Okta's answer to a request about a standing object that the spec-served handler would answer otherwise, or
/// `None` to let it. `authorization` is the request's header (already accepted by the server's layer).
pub(crate) fn answer(store: &mut Store, method: &Method, path: &str, authorization: Option<&str>) -> Option<Response> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["api", "v1", "api-tokens", "current"]) => Some(current_api_token(store, authorization)),
        ("DELETE", ["api", "v1", "brands", brand]) => refuse_default_brand(store, brand),
        ("DELETE", ["api", "v1", "authorizationServers", server, "scopes", scope]) => {
            refuse_reserved_scope(store, server, scope)
        }
        (_, ["api", "v1", "meta", "schemas", "user", "linkedObjects", name]) => linked_object(store, method, name),
        ("POST", ["api", "v1", "roles", role, "subscriptions", kind, action]) => {
            switch_subscription(store, role, kind, action)
        }
        _ => None,
    }
}

/// The metadata of the API token the request was made with; a request made with an OAuth 2.0 access token has
/// none (`404`).
fn current_api_token(store: &Store, authorization: Option<&str>) -> Response {
    let by_api_token = authorization.and_then(|a| a.get(..4)).is_some_and(|scheme| scheme.eq_ignore_ascii_case("SSWS"));
    let token = store
        .generic
        .current_api_token
        .as_deref()
        .filter(|_| by_api_token)
        .and_then(|id| store.generic.item("/api/v1/api-tokens", id));
    match token {
        Some(token) => json_response(StatusCode::OK, token),
        None => ApiError::not_found("current").into_response(),
    }
}

/// `409 E0000200`: Okta does not delete the default brand.
fn refuse_default_brand(store: &Store, brand: &str) -> Option<Response> {
    let is_default = store.generic.item("/api/v1/brands", brand)?.get("isDefault") == Some(&json!(true));
    is_default
        .then(|| ApiError::new(StatusCode::CONFLICT, "E0000200", "A default brand cannot be deleted").into_response())
}

/// `403 E0000006`: a reserved scope (`system`) is Okta's, not the org's to delete (the only refusal the spec
/// declares for `deleteOAuth2Scope`).
fn refuse_reserved_scope(store: &Store, server: &str, scope: &str) -> Option<Response> {
    let collection = format!("/api/v1/authorizationServers/{server}/scopes");
    let system = store.generic.item(&collection, scope)?.get("system") == Some(&json!(true));
    system.then(|| ApiError::forbidden().into_response())
}

/// A linked-object definition read or deleted by the name of either of its sides, as Okta finds it.
fn linked_object(store: &mut Store, method: &Method, name: &str) -> Option<Response> {
    let collection = "/api/v1/meta/schemas/user/linkedObjects";
    let named = |definition: &Value| {
        ["primary", "associated"].iter().any(|side| definition.pointer(&format!("/{side}/name")) == Some(&json!(name)))
    };
    let items = store.generic.collections.get_mut(collection)?;
    let key = items.iter().find(|(_, definition)| named(definition)).map(|(key, _)| key.clone())?;
    match *method {
        Method::GET => items.get(&key).map(|definition| json_response(StatusCode::OK, definition)),
        Method::DELETE => {
            items.remove(&key);
            Some(empty(StatusCode::NO_CONTENT))
        }
        _ => None,
    }
}

/// `…/subscribe` and `…/unsubscribe` of a role's subscription: its status changes, as a later read shows.
fn switch_subscription(store: &mut Store, role: &str, kind: &str, action: &str) -> Option<Response> {
    let status = match action {
        "subscribe" => "subscribed",
        "unsubscribe" => "unsubscribed",
        _ => return None,
    };
    let collection = format!("/api/v1/roles/{role}/subscriptions");
    let subscription = store.generic.collections.get_mut(&collection)?.get_mut(kind)?;
    if let Value::Object(m) = subscription {
        m.insert("status".into(), json!(status));
    }
    Some(empty(StatusCode::OK))
}
