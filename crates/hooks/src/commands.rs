//! Inline hook responses: commands, JSON Patch operations, the error object and `debugContext`.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::common::{Extra, present};
use super::response::HookResponse;

/// The command types Okta accepts in inline hook responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandType {
    /// `com.okta.user.profile.update`: set Okta user profile attributes (registration SSR,
    /// user import).
    UserProfileUpdate,
    /// `com.okta.user.progressive.profile.update`: set progressive profile attributes
    /// (registration, progressive profile).
    ProgressiveProfileUpdate,
    /// `com.okta.appUser.profile.update`: set app user profile attributes (user import).
    AppUserProfileUpdate,
    /// `com.okta.action.update`: allow/deny registration, verify a password, create/link an
    /// imported user.
    ActionUpdate,
    /// `com.okta.user.update`: the existing user an imported user links to (user import).
    UserUpdate,
    /// `com.okta.identity.patch`: patch the ID token (token hook).
    IdentityPatch,
    /// `com.okta.access.patch`: patch the access token (token hook).
    AccessPatch,
    /// `com.okta.assertion.patch`: patch the SAML assertion (SAML hook).
    AssertionPatch,
    /// `com.okta.telephony.action`: report OTP delivery (telephony hook).
    TelephonyAction,
}

impl CommandType {
    /// All command types.
    pub const ALL: [Self; 9] = [
        Self::UserProfileUpdate,
        Self::ProgressiveProfileUpdate,
        Self::AppUserProfileUpdate,
        Self::ActionUpdate,
        Self::UserUpdate,
        Self::IdentityPatch,
        Self::AccessPatch,
        Self::AssertionPatch,
        Self::TelephonyAction,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserProfileUpdate => "com.okta.user.profile.update",
            Self::ProgressiveProfileUpdate => "com.okta.user.progressive.profile.update",
            Self::AppUserProfileUpdate => "com.okta.appUser.profile.update",
            Self::ActionUpdate => "com.okta.action.update",
            Self::UserUpdate => "com.okta.user.update",
            Self::IdentityPatch => "com.okta.identity.patch",
            Self::AccessPatch => "com.okta.access.patch",
            Self::AssertionPatch => "com.okta.assertion.patch",
            Self::TelephonyAction => "com.okta.telephony.action",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl std::fmt::Display for CommandType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Registration verdict for `com.okta.action.update` (`{"registration": ...}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationVerdict {
    /// `ALLOW` (Okta's default).
    Allow,
    /// `DENY`; add an [`InlineHookError`] to tell the user why.
    Deny,
}

impl RegistrationVerdict {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "ALLOW",
            Self::Deny => "DENY",
        }
    }
}

/// Password import verdict for `com.okta.action.update` (`{"credential": ...}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialVerdict {
    /// `VERIFIED`: the password is correct; Okta stores it.
    Verified,
    /// `UNVERIFIED`: the password is wrong (Okta's default).
    Unverified,
}

impl CredentialVerdict {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "VERIFIED",
            Self::Unverified => "UNVERIFIED",
        }
    }
}

/// User import result for `com.okta.action.update` (`{"result": ...}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportResult {
    /// `CREATE_USER`: create a new Okta user.
    CreateUser,
    /// `LINK_USER`: link to the existing user given by a [`Command::user_update`] command.
    LinkUser,
}

impl ImportResult {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateUser => "CREATE_USER",
            Self::LinkUser => "LINK_USER",
        }
    }
}

/// Delivery status for `com.okta.telephony.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelephonyStatus {
    /// `SUCCESSFUL`: the provider delivered the OTP.
    Successful,
    /// `PENDING`: delivery could not be confirmed.
    Pending,
    /// `FAILED`: delivery failed.
    Failed,
}

impl TelephonyStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Successful => "SUCCESSFUL",
            Self::Pending => "PENDING",
            Self::Failed => "FAILED",
        }
    }
}

/// One entry of a `com.okta.telephony.action` command value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelephonyActionValue {
    /// Delivery status.
    pub status: TelephonyStatus,
    /// Provider name, e.g. `VONAGE`.
    pub provider: String,
    /// Provider's transaction id.
    pub transaction_id: Option<String>,
    /// Free-form metadata, e.g. `Duration=300ms`.
    pub transaction_metadata: Option<String>,
}

impl TelephonyActionValue {
    /// A value with status and provider.
    pub fn new(status: TelephonyStatus, provider: impl Into<String>) -> Self {
        Self { status, provider: provider.into(), transaction_id: None, transaction_metadata: None }
    }

    /// Sets the transaction id.
    #[must_use]
    pub fn transaction_id(mut self, id: impl Into<String>) -> Self {
        self.transaction_id = Some(id.into());
        self
    }

    /// Sets the transaction metadata.
    #[must_use]
    pub fn transaction_metadata(mut self, metadata: impl Into<String>) -> Self {
        self.transaction_metadata = Some(metadata.into());
        self
    }

    fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("status".into(), self.status.as_str().into());
        map.insert("provider".into(), self.provider.clone().into());
        if let Some(id) = &self.transaction_id {
            map.insert("transactionId".into(), id.clone().into());
        }
        if let Some(meta) = &self.transaction_metadata {
            map.insert("transactionMetadata".into(), meta.clone().into());
        }
        Value::Object(map)
    }
}

/// JSON Patch operation name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PatchOperation {
    /// `add`: add a claim / member / array element (replaces an existing value).
    Add,
    /// `replace`: replace an existing value.
    Replace,
    /// `remove`: remove a claim / member / array element.
    Remove,
    /// Any other operation name, kept verbatim.
    Other(String),
}

impl PatchOperation {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Add => "add",
            Self::Replace => "replace",
            Self::Remove => "remove",
            Self::Other(other) => other,
        }
    }
}

impl From<String> for PatchOperation {
    fn from(value: String) -> Self {
        match value.as_str() {
            "add" => Self::Add,
            "replace" => Self::Replace,
            "remove" => Self::Remove,
            _ => Self::Other(value),
        }
    }
}

impl From<PatchOperation> for String {
    fn from(value: PatchOperation) -> Self {
        value.as_str().to_owned()
    }
}

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

    fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("op".into(), self.op.as_str().into());
        map.insert("path".into(), self.path.clone().into());
        if let Some(value) = &self.value {
            map.insert("value".into(), value.clone());
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
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
        Self::typed(command_type, Value::Array(ops.into_iter().map(|op| op.to_json()).collect()))
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
        Self::typed(CommandType::TelephonyAction, Value::Array(values.into_iter().map(|v| v.to_json()).collect()))
    }

    /// The parsed command type, if it is a known one.
    pub fn kind(&self) -> Option<CommandType> {
        self.command_type.as_deref().and_then(CommandType::parse)
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

/// One entry of `error.errorCauses`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCause {
    /// Message shown to the user (e.g. inline next to the form field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<String>,
    /// Machine-readable reason, e.g. `INVALID_EMAIL_DOMAIN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where `location` points, e.g. `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_type: Option<String>,
    /// The offending attribute, e.g. `data.userProfile.email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Audience of the message, e.g. `end-user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ErrorCause {
    /// A cause with its summary.
    pub fn new(error_summary: impl Into<String>) -> Self {
        Self { error_summary: Some(error_summary.into()), ..Self::default() }
    }

    /// Sets `reason`.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets `locationType`.
    #[must_use]
    pub fn location_type(mut self, location_type: impl Into<String>) -> Self {
        self.location_type = Some(location_type.into());
        self
    }

    /// Sets `location`.
    #[must_use]
    pub fn location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// Sets `domain`.
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
}

/// The `error` object of an inline hook response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineHookError {
    /// Summary, shown to the end user and recorded in the System Log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<String>,
    /// Details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_causes: Option<Vec<ErrorCause>>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl InlineHookError {
    /// An error with its summary.
    pub fn new(error_summary: impl Into<String>) -> Self {
        Self { error_summary: Some(error_summary.into()), ..Self::default() }
    }

    /// Appends a cause.
    #[must_use]
    pub fn cause(mut self, cause: ErrorCause) -> Self {
        self.error_causes.get_or_insert_with(Vec::new).push(cause);
        self
    }
}

/// An inline hook response body: `commands`, `error` and `debugContext`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineHookResponse {
    /// Commands, applied in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<Vec<Command>>,
    /// Error to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<InlineHookError>,
    /// Free-form details recorded in the System Log (not shown to users).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_context: Option<Extra>,
    /// Members not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

impl InlineHookResponse {
    /// An empty response (`{}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a command.
    #[must_use]
    pub fn command(mut self, command: Command) -> Self {
        self.commands.get_or_insert_with(Vec::new).push(command);
        self
    }

    /// Sets the error object.
    #[must_use]
    pub fn error(mut self, error: InlineHookError) -> Self {
        self.error = Some(error);
        self
    }

    /// Adds a `debugContext` entry.
    #[must_use]
    pub fn debug_context(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.debug_context.get_or_insert_with(Extra::new).insert(key.into(), value.into());
        self
    }

    /// Registration allowed.
    pub fn allow_registration() -> Self {
        Self::new().command(Command::registration(RegistrationVerdict::Allow))
    }

    /// Registration denied, with the error shown to the user.
    pub fn deny_registration(error: InlineHookError) -> Self {
        Self::new().command(Command::registration(RegistrationVerdict::Deny)).error(error)
    }

    /// The commands (empty when absent).
    pub fn commands(&self) -> &[Command] {
        self.commands.as_deref().unwrap_or(&[])
    }

    /// The JSON body.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        if let Some(commands) = &self.commands {
            let commands = commands.iter().map(Command::to_json_value).collect();
            map.insert("commands".into(), Value::Array(commands));
        }
        if let Some(error) = &self.error {
            map.insert("error".into(), error.to_json_value());
        }
        if let Some(debug) = &self.debug_context {
            map.insert("debugContext".into(), Value::Object(debug.clone()));
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }

    /// `200` with the JSON body.
    pub fn to_hook_response(&self) -> HookResponse {
        HookResponse::json(StatusCode::OK, &self.to_json())
    }
}

impl From<InlineHookResponse> for HookResponse {
    fn from(value: InlineHookResponse) -> Self {
        value.to_hook_response()
    }
}

// Manual JSON rendering (mirroring the serde attributes) keeps response building infallible:
// `serde_json::to_value` returns a `Result` even though these types cannot fail.
impl Command {
    fn to_json_value(&self) -> Value {
        let mut map = Map::new();
        if let Some(t) = &self.command_type {
            map.insert("type".into(), t.clone().into());
        }
        if let Some(v) = &self.value {
            map.insert("value".into(), v.clone());
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }
}

impl InlineHookError {
    fn to_json_value(&self) -> Value {
        let mut map = Map::new();
        if let Some(s) = &self.error_summary {
            map.insert("errorSummary".into(), s.clone().into());
        }
        if let Some(causes) = &self.error_causes {
            let causes = causes.iter().map(ErrorCause::to_json_value).collect();
            map.insert("errorCauses".into(), Value::Array(causes));
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }
}

impl ErrorCause {
    fn to_json_value(&self) -> Value {
        let mut map = Map::new();
        let fields = [
            ("errorSummary", &self.error_summary),
            ("reason", &self.reason),
            ("locationType", &self.location_type),
            ("location", &self.location),
            ("domain", &self.domain),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                map.insert(name.into(), v.clone().into());
            }
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }
}
