//! Lenient decoding of the largest responses (`decode::model`): users, groups, apps, system log events and policies
//! (the last three through discriminated unions and untagged unions), in both decoding modes.
//!
//! Input layout: 1 byte choosing the type, then the body. Checks the documented guarantees: no panic; a body that
//! decodes leniently is written back as the JSON it came as (exact: numbers keep their form, `null` stays `null`);
//! strict mode never accepts what lenient mode had to keep aside, and its errors are one line.
#![no_main]

use http::{HeaderMap, StatusCode};
use libfuzzer_sys::fuzz_target;
use okta_management_runtime::decode::{Decoding, Lenient, model};
use okta_management_types::types::{Application, Group, LogEvent, Policy, User};

fn check<T: Lenient>(body: &[u8]) {
    let headers = HeaderMap::new();
    let lenient = model::<T>("fuzz", StatusCode::OK, &headers, body, Decoding::Lenient);
    let strict = model::<T>("fuzz", StatusCode::OK, &headers, body, Decoding::Strict);
    if let Err(error) = &strict {
        let shown = error.to_string();
        assert!(!shown.contains(['\n', '\r']), "multi-line Display: {shown:?}");
    }
    let Ok(decoded) = lenient else {
        assert!(strict.is_err(), "strict mode decoded what lenient mode could not");
        return;
    };
    let written = serde_json::to_value(&decoded).expect("a decoded model encodes");
    let read: serde_json::Value = serde_json::from_slice(body).expect("a body that decodes is JSON");
    assert_eq!(written, read, "not written back as it came");
}

fuzz_target!(|data: &[u8]| {
    let [choice, body @ ..] = data else {
        return;
    };
    match choice % 5 {
        0 => check::<Vec<User>>(body),
        1 => check::<Vec<Group>>(body),
        2 => check::<Vec<Application>>(body),
        3 => check::<Vec<LogEvent>>(body),
        _ => check::<Vec<Policy>>(body),
    }
});
