//! Lists every user of an org, streaming page by page (memory holds one page at a time).
//!
//! Configuration as Okta's SDKs: `OKTA_CLIENT_ORGURL` and `OKTA_CLIENT_TOKEN` (SSWS), or `./okta.yaml` /
//! `~/.okta/okta.yaml`. Prints `<id> <login>` per user on stdout and `total: N` on stderr; on failure, prints
//! the error on stderr and exits with status 1.
//!
//! ```text
//! OKTA_CLIENT_ORGURL=https://dev-123.okta.com OKTA_CLIENT_TOKEN=00abc... cargo run --example list_users
//! ```

use std::io::Write;
use std::process::ExitCode;

use okta_management::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(total) => {
            eprintln!("total: {total}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("list_users: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<u64, Error> {
    let client = Client::from_env()?;
    // Okta's largest page for users: fewest requests against the rate limit.
    let mut users = client.list_users().limit(200).stream();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut total = 0u64;
    while let Some(user) = users.try_next().await? {
        let id = user.id.unwrap_or_default();
        let login = user.profile.and_then(|p| p.login).unwrap_or_default();
        // A closed stdout (e.g. piped into `head`) ends the listing quietly.
        if writeln!(out, "{id} {login}").is_err() {
            break;
        }
        total += 1;
    }
    let _ = out.flush();
    Ok(total)
}
