//! Follows an org's System Log, printing each event as it arrives (like `tail -f`).
//!
//! Configuration as Okta's SDKs (`OKTA_CLIENT_ORGURL`, `OKTA_CLIENT_TOKEN`, or `okta.yaml`); the token needs
//! `okta.logs.read`. Prints `<published> <eventType> <displayMessage>` per event on stdout.
//!
//! ```text
//! cargo run --example tail_system_log -- [--since 2024-08-01T00:00:00Z] [--filter 'eventType sw "user."']
//!     [--poll-seconds 10] [--max N]
//! ```
//! Runs until interrupted, or until `--max` events were printed.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use okta_management::pagination::TailOptions;
use okta_management::{Client, Error};

struct Args {
    since: Option<DateTime<Utc>>,
    filter: Option<String>,
    poll: Duration,
    max: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { since: None, filter: None, poll: Duration::from_secs(10), max: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--since" => {
                let v = value()?;
                let t = DateTime::parse_from_rfc3339(&v).map_err(|e| format!("--since {v}: {e}"))?;
                args.since = Some(t.with_timezone(&Utc));
            }
            "--filter" => args.filter = Some(value()?),
            "--poll-seconds" => {
                let v = value()?;
                args.poll = Duration::from_secs(v.parse().map_err(|_| format!("--poll-seconds {v}: not a number"))?);
            }
            "--max" => {
                let v = value()?;
                args.max = Some(v.parse().map_err(|_| format!("--max {v}: not a number"))?);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "tail_system_log: {e}\nusage: tail_system_log [--since RFC3339] [--filter EXPR] [--poll-seconds N] [--max N]"
            );
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(n) => {
            eprintln!("total: {n}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tail_system_log: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<u64, Error> {
    let client = Client::from_env()?;
    let options = TailOptions::default().with_poll_interval(args.poll);
    let mut events = std::pin::pin!(client.tail_system_log(args.since, args.filter, options));
    let mut out = std::io::stdout().lock();
    let mut printed = 0u64;
    while args.max.is_none_or(|max| printed < max) {
        let Some(event) = events.try_next().await? else { break };
        let published = event.published.map(|t| t.to_string()).unwrap_or_default();
        let kind = event.event_type.unwrap_or_default();
        let message = event.display_message.unwrap_or_default();
        // Flushed per event: a tail is read live.
        if writeln!(out, "{published} {kind} {message}").and_then(|()| out.flush()).is_err() {
            break;
        }
        printed += 1;
    }
    Ok(printed)
}
