//! Inline hook requests: `InlineHookReceiver::receive::<T>` for each of the six request types, and
//! the accessors callers use on them.
//!
//! Input: the first byte picks the request type (and whether the request is authenticated), the
//! rest is the body.
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use okta_management_hooks::{
    InlineHookReceiver, PasswordImportInlineHookRequest, RegistrationInlineHookRequest, SamlInlineHookRequest,
    TelephonyInlineHookRequest, TokenInlineHookRequest, UserImportInlineHookRequest,
};
use okta_management_runtime::secret::SecretString;

const SECRET: &str = "fuzz-inline-secret-0123456789";

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let receiver = InlineHookReceiver::new(HeaderName::from_static("x-hook-auth"), SecretString::from(SECRET))
        .max_body_bytes(64 * 1024);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let authenticated = selector & 0x80 == 0;
    if authenticated {
        headers.insert("x-hook-auth", HeaderValue::from_static(SECRET));
    } else {
        headers.insert("x-hook-auth", HeaderValue::from_static("fuzz-inline-secret-012345678X"));
    }
    let accepted = match selector % 6 {
        0 => receiver.receive::<TokenInlineHookRequest>(&headers, body).map(|r| {
            let _ = r.hook_type();
            let _ = r.token_data().map(|d| format!("{d:?}"));
        }),
        1 => receiver.receive::<SamlInlineHookRequest>(&headers, body).map(|r| {
            let _ = format!("{:?}", r.data());
        }),
        2 => receiver.receive::<RegistrationInlineHookRequest>(&headers, body).map(|r| {
            if let Some(data) = r.data() {
                let _ = data.email();
                let _ = data.attribute("login");
            }
        }),
        3 => receiver.receive::<PasswordImportInlineHookRequest>(&headers, body).map(|r| {
            let _ = format!("{r:?}");
        }),
        4 => receiver.receive::<UserImportInlineHookRequest>(&headers, body).map(|r| {
            let _ = format!("{r:?}");
        }),
        _ => receiver.receive::<TelephonyInlineHookRequest>(&headers, body).map(|r| {
            let _ = format!("{r:?}");
        }),
    };
    match accepted {
        Ok(()) => assert!(authenticated, "accepted a request without the right secret"),
        Err(error) => {
            let _ = error.to_response();
            let _ = error.to_string();
        }
    }
});
