//! Lists a few users with OAuth 2.0 client credentials (`private_key_jwt`) instead of an API token.
//!
//! Configuration from the environment or `okta.yaml`, as Okta's SDKs: `OKTA_CLIENT_ORGURL`,
//! `OKTA_CLIENT_CLIENTID`, `OKTA_CLIENT_SCOPES` (e.g. `okta.users.read`), `OKTA_CLIENT_PRIVATEKEY` (PEM text,
//! JWK JSON, or a path to either) and optionally `OKTA_CLIENT_KID`. The mode is set to `PrivateKey` here, so
//! `OKTA_CLIENT_AUTHORIZATIONMODE` is not needed. The service app must be granted `okta.users.read`.
//!
//! ```text
//! OKTA_CLIENT_ORGURL=https://dev-123.okta.com OKTA_CLIENT_CLIENTID=0oa... OKTA_CLIENT_SCOPES=okta.users.read \
//!   OKTA_CLIENT_PRIVATEKEY=/path/to/key.pem cargo run --example private_key_auth -- 5
//! ```

use std::process::ExitCode;

use okta_management::config::AuthorizationMode;
use okta_management::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let count = match std::env::args().nth(1).map(|a| a.parse::<i32>()) {
        None => 5,
        Some(Ok(n)) if (1..=200).contains(&n) => n,
        Some(_) => {
            eprintln!("usage: private_key_auth [COUNT (1-200, default 5)]");
            return ExitCode::from(2);
        }
    };
    match run(count).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("private_key_auth: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(count: i32) -> Result<(), Error> {
    let client = Client::builder().with_environment().authorization_mode(AuthorizationMode::PrivateKey).build()?;
    // The first call fetches the access token (one token request); the client caches and refreshes it.
    let users = client.list_users().limit(count).send().await?;
    for user in &users {
        let login = user.profile.as_ref().and_then(|p| p.login.as_deref()).unwrap_or_default();
        println!("{} {login}", user.id.as_deref().unwrap_or_default());
    }
    eprintln!("listed {} user(s) with {} authorization", users.len(), client.authorization_mode());
    Ok(())
}
