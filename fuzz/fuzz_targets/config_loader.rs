//! The configuration loader: an `okta.yaml` file and `OKTA_CLIENT_*` variables, merged and validated.
//!
//! Input: YAML text, a 0x00 byte, then environment lines `<selector byte><value>` separated by
//! `\n`; the selector picks one of the loader's variables (or, for selector 0xff, the line is a
//! raw `NAME=VALUE`). The YAML part is written to a per-process temp file, since the loader reads
//! files by path. Besides "no panic", checks that a distinctive API token given in the environment
//! appears in no `Display`/`Debug` of the outcome.
#![no_main]

use libfuzzer_sys::fuzz_target;
use okta_management_runtime::config::ConfigLoader;

const VARS: [&str; 15] = [
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_CLIENT_AUTHORIZATIONMODE",
    "OKTA_CLIENT_CLIENTID",
    "OKTA_CLIENT_SCOPES",
    "OKTA_CLIENT_PRIVATEKEY",
    "OKTA_CLIENT_KID",
    "OKTA_CLIENT_CONNECTIONTIMEOUT",
    "OKTA_CLIENT_REQUESTTIMEOUT",
    "OKTA_CLIENT_RATELIMIT_MAXRETRIES",
    "OKTA_CLIENT_PROXY_HOST",
    "OKTA_CLIENT_PROXY_PORT",
    "OKTA_CLIENT_PROXY_USERNAME",
    "OKTA_CLIENT_PROXY_PASSWORD",
    "OKTA_TESTING_DISABLEHTTPSCHECK",
];

fuzz_target!(|data: &[u8]| {
    let (yaml, env) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let mut vars: Vec<(String, String)> = Vec::new();
    for line in env.split(|b| *b == b'\n').take(32) {
        let Some((selector, value)) = line.split_first() else {
            continue;
        };
        let value = String::from_utf8_lossy(value).into_owned();
        if *selector == 0xff {
            if let Some((name, value)) = value.split_once('=') {
                vars.push((name.to_owned(), value.to_owned()));
            }
        } else {
            vars.push((VARS[usize::from(*selector) % VARS.len()].to_owned(), value));
        }
    }
    let path = std::env::temp_dir().join(format!("okta-fuzz-{}.yaml", std::process::id()));
    if std::fs::write(&path, yaml).is_err() {
        return;
    }
    // The loader collects the variables into a map: of a repeated name, the last value wins.
    let token = vars.iter().rev().find(|(k, _)| k == "OKTA_CLIENT_TOKEN").map(|(_, v)| v.clone());
    let outcome = ConfigLoader::empty().env(vars.clone()).local_file(&path).load();
    let shown = match &outcome {
        Ok(config) => format!("{config:?} {:?} {}", config.proxy().map(|p| p.url()), config.org_url()),
        Err(error) => format!("{error} {error:?}"),
    };
    // Only a token that is distinctive (long, alphanumeric, nowhere else in the input) can be
    // looked for without false alarms.
    if let Some(token) = token.map(|t| t.trim().to_owned()) {
        let elsewhere = yaml.windows(token.len().max(1)).any(|w| w == token.as_bytes())
            || vars.iter().any(|(k, v)| k.contains(&token) || (k != "OKTA_CLIENT_TOKEN" && v.contains(&token)))
            || path.to_string_lossy().contains(&token);
        if token.len() >= 16 && token.bytes().all(|b| b.is_ascii_alphanumeric()) && !elsewhere {
            assert!(!shown.contains(&token), "the API token leaked: {shown}");
        }
    }
});
