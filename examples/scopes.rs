//! Prints the least set of OAuth 2.0 scopes a program needs for the operations it calls: grant these to the
//! service app and pass them to the client (`OKTA_CLIENT_SCOPES`, or `ClientBuilder::scopes`).
//!
//! ```sh
//! cargo run --example scopes -- list_users create_user list_groups
//! # okta.groups.read okta.users.manage
//! ```
//!
//! Operations are Rust method names (`list_users`) or Okta's operationIds (`listUsers`). An unknown name is an
//! error (exit status 2); operations no access token can call (an API token only) are listed on stderr.

use std::process::ExitCode;

fn main() -> ExitCode {
    let names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        eprintln!("usage: scopes <operation>... (e.g. `scopes list_users create_user`)");
        return ExitCode::from(2);
    }
    match okta_management::scopes::for_operations(&names) {
        Ok(needed) => {
            println!("{needed}");
            if !needed.api_token_only().is_empty() {
                eprintln!(
                    "no access token can call {}: they take an API token (SSWS) only",
                    needed.api_token_only().join(", ")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scopes: {e}");
            ExitCode::from(2)
        }
    }
}
