//! The commands of an inline hook response: [`Command`] (`{"type": ..., "value": ...}`), its [`CommandType`], and
//! the values the typed commands take (verdicts, JSON Patch operations, telephony delivery reports).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Extra, present, to_json};

wire_enum! {
    /// The command types Okta accepts in inline hook responses.
    #[non_exhaustive]
    pub enum CommandType {
        /// Set Okta user profile attributes (registration SSR, user import).
        UserProfileUpdate = "com.okta.user.profile.update",
        /// Set progressive profile attributes (registration, progressive profile).
        ProgressiveProfileUpdate = "com.okta.user.progressive.profile.update",
        /// Set app user profile attributes (user import).
        AppUserProfileUpdate = "com.okta.appUser.profile.update",
        /// Allow/deny registration, verify a password, create/link an imported user.
        ActionUpdate = "com.okta.action.update",
        /// The existing user an imported user links to (user import).
        UserUpdate = "com.okta.user.update",
        /// Patch the ID token (token hook).
        IdentityPatch = "com.okta.identity.patch",
        /// Patch the access token (token hook).
        AccessPatch = "com.okta.access.patch",
        /// Patch the SAML assertion (SAML hook).
        AssertionPatch = "com.okta.assertion.patch",
        /// Report OTP delivery (telephony hook).
        TelephonyAction = "com.okta.telephony.action",
    }
}

wire_enum! {
    /// Registration verdict for `com.okta.action.update` (`{"registration": ...}`).
    pub enum RegistrationVerdict {
        /// Okta's default.
        Allow = "ALLOW",
        /// Add an [`InlineHookError`](crate::InlineHookError) to tell the user why.
        Deny = "DENY",
    }
}

wire_enum! {
    /// Password import verdict for `com.okta.action.update` (`{"credential": ...}`).
    pub enum CredentialVerdict {
        /// The password is correct; Okta stores it.
        Verified = "VERIFIED",
        /// The password is wrong (Okta's default).
        Unverified = "UNVERIFIED",
    }
}

wire_enum! {
    /// User import result for `com.okta.action.update` (`{"result": ...}`).
    pub enum ImportResult {
        /// Create a new Okta user.
        CreateUser = "CREATE_USER",
        /// Link to the existing user given by a [`Command::user_update`] command.
        LinkUser = "LINK_USER",
    }
}

wire_enum! {
    /// Delivery status for `com.okta.telephony.action`.
    pub enum TelephonyStatus {
        /// The provider delivered the OTP.
        Successful = "SUCCESSFUL",
        /// Delivery could not be confirmed.
        Pending = "PENDING",
        /// Delivery failed.
        Failed = "FAILED",
    }
}

wire_enum! {
    /// JSON Patch operation name.
    pub enum PatchOperation {
        /// Add a claim / member / array element (replaces an existing value).
        Add = "add",
        /// Replace an existing value.
        Replace = "replace",
        /// Remove a claim / member / array element.
        Remove = "remove",
        _ => Other,
    }
}

/// One entry of a `com.okta.telephony.action` command value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TelephonyActionValue {
    /// Delivery status.
    pub status: TelephonyStatus,
    /// Provider name, e.g. `VONAGE`.
    pub provider: String,
    /// Provider's transaction id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Free-form metadata, e.g. `Duration=300ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_metadata: Option<String>,
}

impl TelephonyActionValue {
    /// A value with status and provider.
    pub fn new(status: TelephonyStatus, provider: impl Into<String>) -> Self {
        Self { status, provider: provider.into(), transaction_id: None, transaction_metadata: None }
    }
}

string_setters!(TelephonyActionValue {
    /// Sets the transaction id.
    transaction_id,
    /// Sets the transaction metadata.
    transaction_metadata,
});

/// A JSON Patch operation (`op`, `path`, optional `value`) for the `*.patch` commands.
///
/// Paths are JSON Pointers: escape `/` in a claim name as `~1` and `~` as `~0`
/// (see [`PatchOp::escape_path_segment`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOp {
    /// The operation.
    pub op: PatchOperation,
    /// JSON Pointer to the target, e.g. `/claims/extPatientId`.
    pub path: String,
    /// The value; `None` omits it (as for `remove`), `Some(Value::Null)` sends `null`.
    #[serde(default = "Option::default", deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PatchOp {
    fn new(op: PatchOperation, path: impl Into<String>, value: Option<Value>) -> Self {
        Self { op, path: path.into(), value, extra: Extra::new() }
    }

    /// `add` `value` at `path`.
    pub fn add(path: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::new(PatchOperation::Add, path, Some(value.into()))
    }

    /// `replace` the value at `path` with `value`.
    pub fn replace(path: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::new(PatchOperation::Replace, path, Some(value.into()))
    }

    /// `remove` the value at `path` (no `value` member).
    pub fn remove(path: impl Into<String>) -> Self {
        Self::new(PatchOperation::Remove, path, None)
    }

    /// Sets (or replaces) the `value` member, e.g. an explicit `null` on `remove`.
    #[must_use]
    pub fn with_value(mut self, value: impl Into<Value>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Escapes one path segment per JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
    ///
    /// Needed for URI-style claim names such as
    /// `http://schemas.xmlsoap.org/ws/2005/05/identity/claims/foo`.
    pub fn escape_path_segment(segment: &str) -> String {
        segment.replace('~', "~0").replace('/', "~1")
    }
}

/// One command of an inline hook response (`{"type": ..., "value": ...}`).
///
/// Build with the typed constructors; decoding keeps any shape (unknown types, missing
/// members) so responses can be inspected, e.g. by a test double of Okta.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// The command type, see [`CommandType`].
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub command_type: Option<String>,
    /// The command operand.
    #[serde(default = "Option::default", deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

fn attributes<K, V>(attrs: impl IntoIterator<Item = (K, V)>) -> Value
where
    K: Into<String>,
    V: Into<Value>,
{
    Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
}

fn single(key: &str, value: &str) -> Value {
    let mut map = Map::new();
    map.insert(key.to_owned(), Value::String(value.to_owned()));
    Value::Object(map)
}

impl Command {
    /// A command of any type with any value.
    pub fn new(command_type: impl Into<String>, value: Value) -> Self {
        Self { command_type: Some(command_type.into()), value: Some(value), extra: Extra::new() }
    }

    fn typed(command_type: CommandType, value: Value) -> Self {
        Self::new(command_type.as_str(), value)
    }

    /// `com.okta.user.profile.update` with attribute name/value pairs.
    pub fn user_profile_update<K: Into<String>, V: Into<Value>>(attrs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self::typed(CommandType::UserProfileUpdate, attributes(attrs))
    }

    /// `com.okta.user.progressive.profile.update` with attribute name/value pairs.
    pub fn progressive_profile_update<K: Into<String>, V: Into<Value>>(
        attrs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self::typed(CommandType::ProgressiveProfileUpdate, attributes(attrs))
    }

    /// `com.okta.appUser.profile.update` with attribute name/value pairs (user import).
    pub fn app_user_profile_update<K: Into<String>, V: Into<Value>>(attrs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self::typed(CommandType::AppUserProfileUpdate, attributes(attrs))
    }

    /// `com.okta.action.update` `{"registration": "ALLOW"|"DENY"}` (registration hook).
    pub fn registration(verdict: RegistrationVerdict) -> Self {
        Self::typed(CommandType::ActionUpdate, single("registration", verdict.as_str()))
    }

    /// `com.okta.action.update` `{"credential": "VERIFIED"|"UNVERIFIED"}` (password import).
    pub fn password_import(verdict: CredentialVerdict) -> Self {
        Self::typed(CommandType::ActionUpdate, single("credential", verdict.as_str()))
    }

    /// `com.okta.action.update` `{"result": "CREATE_USER"|"LINK_USER"}` (user import).
    pub fn import_result(result: ImportResult) -> Self {
        Self::typed(CommandType::ActionUpdate, single("result", result.as_str()))
    }

    /// `com.okta.user.update` `{"id": user_id}`: the user to link an import to.
    pub fn user_update(user_id: impl Into<String>) -> Self {
        Self::typed(CommandType::UserUpdate, single("id", &user_id.into()))
    }

    fn patch(command_type: CommandType, ops: impl IntoIterator<Item = PatchOp>) -> Self {
        Self::typed(command_type, to_json(&ops.into_iter().collect::<Vec<_>>()))
    }

    /// `com.okta.identity.patch`: patch the ID token.
    pub fn identity_patch(ops: impl IntoIterator<Item = PatchOp>) -> Self {
        Self::patch(CommandType::IdentityPatch, ops)
    }

    /// `com.okta.access.patch`: patch the access token.
    pub fn access_patch(ops: impl IntoIterator<Item = PatchOp>) -> Self {
        Self::patch(CommandType::AccessPatch, ops)
    }

    /// `com.okta.assertion.patch`: patch the SAML assertion.
    pub fn assertion_patch(ops: impl IntoIterator<Item = PatchOp>) -> Self {
        Self::patch(CommandType::AssertionPatch, ops)
    }

    /// `com.okta.telephony.action`: report the OTP delivery.
    pub fn telephony_action(values: impl IntoIterator<Item = TelephonyActionValue>) -> Self {
        Self::typed(CommandType::TelephonyAction, to_json(&values.into_iter().collect::<Vec<_>>()))
    }

    /// The parsed command type, if it is a known one.
    pub fn kind(&self) -> Option<CommandType> {
        self.command_type.as_deref()?.parse().ok()
    }

    /// For `com.okta.action.update`, the string member `key` of the value
    /// (`registration`, `credential` or `result`).
    pub fn action_value(&self, key: &str) -> Option<&str> {
        if self.kind() != Some(CommandType::ActionUpdate) {
            return None;
        }
        self.value.as_ref()?.get(key)?.as_str()
    }

    /// The patch operations of a `*.patch` command, if its value decodes as such.
    pub fn patch_ops(&self) -> Option<Vec<PatchOp>> {
        serde_json::from_value(self.value.clone()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::UnknownWireValue;

    #[test]
    fn every_wire_enum_parses_what_it_writes() {
        for kind in CommandType::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!(CommandType::from_str("com.okta.nope"), Err(UnknownWireValue::new("CommandType")));
        assert_eq!(RegistrationVerdict::ALL.map(RegistrationVerdict::as_str), ["ALLOW", "DENY"]);
        assert_eq!(CredentialVerdict::ALL.map(CredentialVerdict::as_str), ["VERIFIED", "UNVERIFIED"]);
        assert_eq!(ImportResult::ALL.map(ImportResult::as_str), ["CREATE_USER", "LINK_USER"]);
        assert_eq!(TelephonyStatus::ALL.map(TelephonyStatus::as_str), ["SUCCESSFUL", "PENDING", "FAILED"]);
        assert_eq!("DENY".parse(), Ok(RegistrationVerdict::Deny));
        assert_eq!(serde_json::to_value(TelephonyStatus::Pending).unwrap(), "PENDING");
        assert_eq!(serde_json::from_value::<ImportResult>("LINK_USER".into()).unwrap(), ImportResult::LinkUser);
        assert!(serde_json::from_value::<ImportResult>("LINK".into()).is_err());
    }

    #[test]
    fn an_open_wire_enum_keeps_any_other_value() {
        assert_eq!(PatchOperation::from("move".to_owned()), PatchOperation::Other("move".to_owned()));
        assert_eq!("remove".parse(), Ok(PatchOperation::Remove));
        assert_eq!(String::from(PatchOperation::Add), "add");
        assert_eq!(String::from(PatchOperation::Other("copy".to_owned())), "copy");
        assert_eq!(PatchOperation::Other("test".to_owned()).to_string(), "test");
        let op: PatchOp = serde_json::from_value(serde_json::json!({"op": "move", "path": "/a"})).unwrap();
        assert_eq!(op.op, PatchOperation::Other("move".to_owned()));
        assert_eq!(serde_json::to_value(&op).unwrap(), serde_json::json!({"op": "move", "path": "/a"}));
    }
}
