//! The body of an inline hook response: [`InlineHookResponse`] (`commands`, `error`, `debugContext`) and its error
//! object.

use http::StatusCode;
use serde_json::Value;

use super::commands::{Command, RegistrationVerdict};
use crate::common::{Extra, to_json};
use crate::response::HookResponse;

payload_struct! {
    /// One entry of `error.errorCauses`.
    #[serde(rename_all = "camelCase")]
    pub struct ErrorCause {
        /// Message shown to the user (e.g. inline next to the form field).
        error_summary: String,
        /// Machine-readable reason, e.g. `INVALID_EMAIL_DOMAIN`.
        reason: String,
        /// Where `location` points, e.g. `body`.
        location_type: String,
        /// The offending attribute, e.g. `data.userProfile.email`.
        location: String,
        /// Audience of the message, e.g. `end-user`.
        domain: String,
    }
}

impl ErrorCause {
    /// A cause with its summary.
    pub fn new(error_summary: impl Into<String>) -> Self {
        Self { error_summary: Some(error_summary.into()), ..Self::default() }
    }
}

string_setters!(ErrorCause {
    /// Sets `reason`.
    reason,
    /// Sets `locationType`.
    location_type,
    /// Sets `location`.
    location,
    /// Sets `domain`.
    domain,
});

payload_struct! {
    /// The `error` object of an inline hook response.
    #[serde(rename_all = "camelCase")]
    pub struct InlineHookError {
        /// Summary, shown to the end user and recorded in the System Log.
        error_summary: String,
        /// Details.
        error_causes: Vec<ErrorCause>,
    }
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

payload_struct! {
    /// An inline hook response body: `commands`, `error` and `debugContext`.
    #[serde(rename_all = "camelCase")]
    pub struct InlineHookResponse {
        /// Commands, applied in order.
        commands: Vec<Command>,
        /// Error to report.
        error: InlineHookError,
        /// Free-form details recorded in the System Log (not shown to users).
        debug_context: Extra,
    }
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

    /// The JSON body (what `Serialize` writes).
    pub fn to_json(&self) -> Value {
        to_json(self)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::inline::commands::{CredentialVerdict, ImportResult, PatchOp, TelephonyActionValue, TelephonyStatus};

    /// Every builder and every optional member, with `extra` members (one colliding with a typed member's name).
    fn everything() -> InlineHookResponse {
        let mut custom = Command::new("com.example.custom", json!({"a": [1, null]}));
        custom.extra.insert("type".into(), json!("overridden"));
        custom.extra.insert("zeta".into(), json!(true));
        let mut op = PatchOp::replace("/claims/x", json!({"k": "v"}));
        op.extra.insert("from".into(), json!("/claims/y"));
        let mut cause =
            ErrorCause::new("summary").reason("R").location_type("body").location("data.x").domain("end-user");
        cause.extra.insert("extraCause".into(), json!(1));
        let mut error = InlineHookError::new("error summary").cause(cause).cause(ErrorCause::default());
        error.extra.insert("errorSummary".into(), json!("from extra"));
        let mut response = InlineHookResponse::new()
            .command(Command::user_profile_update([("firstName", json!("Stan")), ("age", json!(3))]))
            .command(Command::progressive_profile_update([("b", "1")]))
            .command(Command::app_user_profile_update(Vec::<(String, Value)>::new()))
            .command(Command::registration(RegistrationVerdict::Deny))
            .command(Command::password_import(CredentialVerdict::Unverified))
            .command(Command::import_result(ImportResult::LinkUser))
            .command(Command::user_update("00u1"))
            .command(Command::identity_patch([
                PatchOp::add("/claims/a", 1),
                PatchOp::remove("/claims/b"),
                PatchOp::remove("/claims/c").with_value(Value::Null),
                op,
            ]))
            .command(Command::access_patch([]))
            .command(Command::assertion_patch([PatchOp::add("/claims/s", "t")]))
            .command(Command::telephony_action([
                TelephonyActionValue::new(TelephonyStatus::Failed, "P").transaction_id("T").transaction_metadata("M"),
                TelephonyActionValue::new(TelephonyStatus::Pending, "Q"),
            ]))
            .command(custom)
            .command(Command { command_type: None, value: Some(Value::Null), extra: Extra::new() })
            .error(error)
            .debug_context("traceId", "abc");
        response.extra.insert("commands2".into(), json!([]));
        response
    }

    const EVERYTHING: &str = concat!(
        r#"{"commands":["#,
        r#"{"type":"com.okta.user.profile.update","value":{"age":3,"firstName":"Stan"}},"#,
        r#"{"type":"com.okta.user.progressive.profile.update","value":{"b":"1"}},"#,
        r#"{"type":"com.okta.appUser.profile.update","value":{}},"#,
        r#"{"type":"com.okta.action.update","value":{"registration":"DENY"}},"#,
        r#"{"type":"com.okta.action.update","value":{"credential":"UNVERIFIED"}},"#,
        r#"{"type":"com.okta.action.update","value":{"result":"LINK_USER"}},"#,
        r#"{"type":"com.okta.user.update","value":{"id":"00u1"}},"#,
        r#"{"type":"com.okta.identity.patch","value":[{"op":"add","path":"/claims/a","value":1},{"op":"remove","path":"/claims/b"},{"op":"remove","path":"/claims/c","value":null},{"from":"/claims/y","op":"replace","path":"/claims/x","value":{"k":"v"}}]},"#,
        r#"{"type":"com.okta.access.patch","value":[]},"#,
        r#"{"type":"com.okta.assertion.patch","value":[{"op":"add","path":"/claims/s","value":"t"}]},"#,
        r#"{"type":"com.okta.telephony.action","value":[{"provider":"P","status":"FAILED","transactionId":"T","transactionMetadata":"M"},{"provider":"Q","status":"PENDING"}]},"#,
        r#"{"type":"overridden","value":{"a":[1,null]},"zeta":true},"#,
        r#"{"value":null}"#,
        r#"],"commands2":[],"debugContext":{"traceId":"abc"},"error":{"errorCauses":[{"domain":"end-user","errorSummary":"summary","extraCause":1,"location":"data.x","locationType":"body","reason":"R"},{}],"errorSummary":"from extra"}}"#,
    );

    /// `EVERYTHING` is the body that the hand-written renderer (replaced by serde, the one description of this JSON)
    /// wrote for [`everything`]: serde writes the same bytes.
    #[test]
    fn the_body_is_byte_for_byte_what_the_hand_written_renderer_wrote() {
        let everything = everything();
        let body = everything.to_hook_response().body;
        assert_eq!(std::str::from_utf8(&body).unwrap(), EVERYTHING);
        assert_eq!(InlineHookResponse::new().to_hook_response().body, "{}");
        let empty_causes = InlineHookResponse::new()
            .error(InlineHookError { error_causes: Some(Vec::new()), ..InlineHookError::default() });
        assert_eq!(empty_causes.to_hook_response().body, r#"{"error":{"errorCauses":[]}}"#);
    }
}
