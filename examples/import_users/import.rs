//! The import itself: CSV rows in, one `create_user` per row through one shared `Client`, `concurrency` at a
//! time, an [`Outcome`] per row out (in completion order). Shared by `main.rs` and `benches/import_users.rs`.

use std::io::Read;

use futures::StreamExt;
use okta_management::types::{CreateUserRequest, UserProfile};
use okta_management::{Client, Error};

/// The columns the header line must name (in any order; no others).
pub const COLUMNS: [&str; 4] = ["login", "email", "firstName", "lastName"];

/// One user to create, and the line of the CSV it came from.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub login: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// What became of one row.
#[derive(Debug)]
pub enum Outcome {
    Created {
        id: String,
        login: String,
    },
    /// The row could not be read, or Okta refused it (`reason` carries Okta's error and causes).
    Failed {
        line: u64,
        login: Option<String>,
        reason: String,
    },
}

/// A file that cannot be imported at all (unreadable, or no usable header line).
#[derive(Debug)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads the header line, then yields each data row (or why it is unusable, naming its line) lazily.
pub fn read_rows(input: impl Read) -> Result<impl Iterator<Item = Result<Row, Outcome>>, FileError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let header = reader.headers().map_err(|e| FileError(format!("cannot read the header line: {e}")))?.clone();
    let mut index = [0usize; 4];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = header.iter().position(|h| h == column).ok_or_else(|| {
            FileError(format!(
                "line 1: the header has no `{column}` column (want {}; found {})",
                COLUMNS.join(","),
                header.iter().collect::<Vec<_>>().join(",")
            ))
        })?;
    }
    if let Some(extra) = header.iter().find(|h| !COLUMNS.contains(h)) {
        return Err(FileError(format!("line 1: unknown column `{extra}` (want {})", COLUMNS.join(","))));
    }
    let width = header.len();
    let [login_at, email_at, first_name_at, last_name_at] = index;
    Ok(reader.into_records().map(move |record| {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            Outcome::Failed { line, login: None, reason: format!("unreadable row: {e}") }
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let failed = |login: Option<&str>, reason: String| Outcome::Failed {
            line,
            login: login.filter(|l| !l.is_empty()).map(str::to_owned),
            reason,
        };
        if record.len() != width {
            return Err(failed(record.get(login_at), format!("expected {width} fields, found {}", record.len())));
        }
        let field = |at: usize| record.get(at).unwrap_or_default().to_owned();
        let row = Row {
            line,
            login: field(login_at),
            email: field(email_at),
            first_name: field(first_name_at),
            last_name: field(last_name_at),
        };
        for (value, column) in [&row.login, &row.email, &row.first_name, &row.last_name].into_iter().zip(COLUMNS) {
            if value.is_empty() {
                return Err(failed(Some(&row.login), format!("`{column}` is empty")));
            }
        }
        Ok(row)
    }))
}

/// Creates the users of `rows`, `concurrency` requests at a time, calling `on_outcome` for each row (rows that
/// could not be read included) as it completes.
pub async fn import(
    client: &Client,
    rows: impl Iterator<Item = Result<Row, Outcome>>,
    concurrency: usize,
    activate: bool,
    mut on_outcome: impl FnMut(Outcome),
) {
    let mut outcomes = futures::stream::iter(rows)
        .map(|row| async move {
            match row {
                Ok(row) => create(client, row, activate).await,
                Err(unreadable) => unreadable,
            }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some(outcome) = outcomes.next().await {
        on_outcome(outcome);
    }
}

async fn create(client: &Client, row: Row, activate: bool) -> Outcome {
    let profile = UserProfile {
        login: Some(row.login.clone()),
        email: Some(row.email),
        first_name: row.first_name.into(),
        last_name: row.last_name.into(),
        ..Default::default()
    };
    let body = CreateUserRequest { profile: Some(profile), ..Default::default() };
    match client.create_user().activate(activate).body(body).send().await {
        Ok(user) => Outcome::Created { id: user.id.unwrap_or_default(), login: row.login },
        Err(e) => Outcome::Failed { line: row.line, login: Some(row.login), reason: explain(&e) },
    }
}

/// Okta's error as is; for a create whose outcome is unknown (timed out, connection lost, 5xx), what to check.
fn explain(e: &Error) -> String {
    let unknown = match e {
        Error::Timeout { .. } | Error::Transport(_) => true,
        Error::Api(api) => api.status().is_server_error(),
        _ => false,
    };
    if unknown {
        format!("{e} (the user may have been created: look it up before running this row again)")
    } else {
        e.to_string()
    }
}
