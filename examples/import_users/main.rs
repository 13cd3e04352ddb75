//! Creates users from a CSV file, several at a time through one `Client`.
//!
//! ```text
//! OKTA_CLIENT_ORGURL=https://dev-123.okta.com OKTA_CLIENT_TOKEN=00abc... \
//!     cargo run --example import_users -- users.csv --concurrency 16 [--activate]
//! ```
//!
//! The file has a header line naming the columns `login,email,firstName,lastName` (any order), then one user
//! per line (RFC 4180 quoting). For each user created, `ID LOGIN` is printed on stdout; each row that fails (a
//! malformed line, or Okta's refusal with its error causes) is reported on stderr with its line number, and the
//! run goes on. Exits 1 if any row failed, 2 on bad arguments or an unusable file. On a terminal, stderr shows
//! the progress.
//!
//! The client paces itself from Okta's rate-limit headers; `OKTA_CLIENT_RATELIMIT_MAXCONCURRENCY` (or
//! `okta.client.rateLimit.maxConcurrency` in okta.yaml) caps the requests in flight below the org's limit, and
//! `OKTA_CLIENT_RATELIMIT_MAXCAPACITY` leaves a share of each bucket to other integrations. Users are created
//! `STAGED` unless `--activate` is given (activation sends Okta's welcome emails). `--log info` shows the client's
//! retries and rate-limit waits on stderr (`debug`: every request).
//!
//! Several imports at once (one file each, on one machine or several) share the org's budget through Redis with
//! `--redis redis://host:6379/0` (built with `--features redis`): together they stay within each bucket and
//! within `maxConcurrency`, which then counts the requests in flight of all of them.

mod import;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use okta_management::Client;

use import::Outcome;

const USAGE: &str = "usage: import_users FILE.csv [--concurrency N] [--activate] [--redis URL] [--log LEVEL]";

struct Args {
    file: String,
    concurrency: usize,
    activate: bool,
    /// Where the processes importing into one org share its rate limits.
    redis: Option<String>,
    /// The client's log on stderr (its retries, rate-limit waits), at this level and above.
    log: Option<tracing::Level>,
}

fn parse_args() -> Result<Args, String> {
    let mut file = None;
    let mut concurrency = 8;
    let mut activate = false;
    let mut redis = None;
    let mut log = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--concurrency" => {
                let value = args.next().ok_or("--concurrency needs a number")?;
                concurrency = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--concurrency: `{value}` is not a positive whole number"))?;
            }
            "--activate" => activate = true,
            "--redis" => redis = Some(args.next().ok_or("--redis needs a URL (redis://host:6379/0)")?),
            "--log" => {
                let value = args.next().ok_or("--log needs a level (error, warn, info, debug, trace)")?;
                log = Some(value.parse().map_err(|_| format!("--log: `{value}` is not a level"))?);
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other if file.is_none() => file = Some(other.to_owned()),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Args { file: file.ok_or("no CSV file given")?, concurrency, activate, redis, log })
}

/// A one-line progress report on stderr, when stderr is a terminal; at most ten updates a second.
struct Progress {
    shown: bool,
    last: Option<Instant>,
}

impl Progress {
    fn update(&mut self, created: u64, failed: u64, force: bool) {
        if !self.shown {
            return;
        }
        let due = self.last.is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if due || force {
            eprint!("\r\x1b[2Kimported {created}, failed {failed}");
            self.last = Some(Instant::now());
        }
    }

    /// Clears the line so a message or the summary starts clean.
    fn clear(&self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

/// The client of `OKTA_CLIENT_*` (and okta.yaml), sharing its rate limits through Redis when `redis` is given.
fn client(redis: Option<&str>) -> Result<Client, String> {
    let builder = Client::builder().with_environment();
    let builder = match redis {
        None => builder,
        #[cfg(feature = "redis")]
        Some(url) => {
            let store =
                okta_management::rate_limit::RedisRateLimitStore::new(url).map_err(|e| format!("--redis: {e}"))?;
            builder.rate_limit_store(std::sync::Arc::new(store))
        }
        #[cfg(not(feature = "redis"))]
        Some(_) => return Err("--redis: this build has no Redis support (cargo run --features redis ...)".to_owned()),
    };
    builder.build().map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("import_users: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(level) = args.log {
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .init();
    }
    let client = match client(args.redis.as_deref()) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("import_users: {e}");
            return ExitCode::from(2);
        }
    };
    let file = match std::fs::File::open(&args.file) {
        Ok(f) => std::io::BufReader::new(f),
        Err(e) => {
            eprintln!("import_users: cannot open {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    let rows = match import::read_rows(file) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("import_users: {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };

    let started = Instant::now();
    let (mut created, mut failed) = (0u64, 0u64);
    let mut progress = Progress { shown: std::io::stderr().is_terminal(), last: None };
    let mut out = std::io::stdout().lock();
    import::import(&client, rows, args.concurrency, args.activate, |outcome| {
        match outcome {
            Outcome::Created { id, login, .. } => {
                created += 1;
                // A closed stdout (piped into `head`) must not stop the import.
                let _ = writeln!(out, "{id} {login}");
            }
            Outcome::Failed { line, login, reason } => {
                failed += 1;
                progress.clear();
                match login {
                    Some(login) => eprintln!("{}:{line}: {login}: {reason}", args.file),
                    None => eprintln!("{}:{line}: {reason}", args.file),
                }
            }
        }
        progress.update(created, failed, false);
    })
    .await;
    let _ = out.flush();
    progress.clear();
    eprintln!("imported {created}, failed {failed} in {:.1} s", started.elapsed().as_secs_f64());
    if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
