//! What the org keeps to sign users in (the Authn and Sessions APIs: `authn.rs`, `sessions.rs`): each user's
//! password (a salted SHA-256, never the value: the API never returns it either), the failed attempts counting
//! towards a lockout, the one-time tokens not yet redeemed, and the open sessions.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_lc_rs::digest::{SHA256, digest};

use crate::support::random_alnum;

/// How long a `sessionToken` (and an authentication transaction's `stateToken`) can be redeemed: Okta's are
/// short-lived, minutes.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// How long a session lasts without a refresh (Okta's default global session policy: two hours idle).
pub(crate) const SESSION_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);
/// Failed sign-ins in a row that lock a user out (Okta's default password policy: 10).
pub(crate) const LOCKOUT_ATTEMPTS: u32 = 10;

/// What a one-time token lets its bearer do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A `sessionToken`: exchanged once for a session.
    Session,
    /// A `stateToken`: continues an authentication transaction (an expired password to change).
    State,
}

/// An issued one-time token.
#[derive(Debug, Clone)]
struct TokenRec {
    kind: TokenKind,
    user_id: String,
    /// Epoch time after which it is refused.
    expires: Duration,
}

/// An open session.
#[derive(Debug, Clone)]
pub(crate) struct SessionRec {
    pub id: String,
    pub user_id: String,
    /// Epoch times.
    pub created: Duration,
    pub expires: Duration,
    pub last_password_verification: Duration,
}

/// The org's passwords, tokens and sessions (kept in the [`Store`](crate::state::Store), under its lock).
#[derive(Debug, Default)]
pub(crate) struct Credentials {
    /// Salted SHA-256 of each user's password, by user id.
    passwords: HashMap<String, Vec<u8>>,
    /// Failed sign-ins in a row, by user id.
    failures: HashMap<String, u32>,
    /// One-time tokens by the SHA-256 of their value.
    tokens: HashMap<Vec<u8>, TokenRec>,
    /// Open sessions by id.
    pub sessions: BTreeMap<String, SessionRec>,
}

fn sha256(parts: &[&str]) -> Vec<u8> {
    digest(&SHA256, parts.join("\u{0}").as_bytes()).as_ref().to_vec()
}

impl Credentials {
    /// Keeps a user's new password.
    pub fn set_password(&mut self, user_id: &str, password: &str) {
        self.passwords.insert(user_id.to_string(), sha256(&[user_id, password]));
    }

    /// Whether the user has a password the org can check.
    pub fn has_password(&self, user_id: &str) -> bool {
        self.passwords.contains_key(user_id)
    }

    /// Whether `password` is the user's password.
    pub fn password_matches(&self, user_id: &str, password: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.passwords.get(user_id).is_some_and(|kept| bool::from(kept.ct_eq(&sha256(&[user_id, password]))))
    }

    /// Counts a failed sign-in; whether the user is now to be locked out.
    pub fn failed_attempt(&mut self, user_id: &str) -> bool {
        let n = self.failures.entry(user_id.to_string()).or_default();
        *n += 1;
        *n >= LOCKOUT_ATTEMPTS
    }

    /// Forgets the failed sign-ins (after a success or an unlock).
    pub fn clear_failures(&mut self, user_id: &str) {
        self.failures.remove(user_id);
    }

    /// A new one-time token for the user, redeemable until `now` + [`TOKEN_LIFETIME`]; returns its value.
    pub fn issue_token(&mut self, kind: TokenKind, user_id: &str, now: Duration) -> String {
        self.tokens.retain(|_, t| t.expires > now);
        // Shaped like Okta's: digits, then URL-safe characters.
        let token = format!("20111{}", random_alnum(50));
        let rec = TokenRec { kind, user_id: user_id.to_string(), expires: now + TOKEN_LIFETIME };
        self.tokens.insert(sha256(&[&token]), rec);
        token
    }

    /// The user a token was issued to, if it is of `kind`, unused and unexpired; it cannot be redeemed again.
    pub fn redeem_token(&mut self, kind: TokenKind, token: &str, now: Duration) -> Option<String> {
        let key = sha256(&[token]);
        let rec = self.tokens.get(&key).filter(|t| t.kind == kind)?.clone();
        self.tokens.remove(&key);
        (rec.expires > now).then_some(rec.user_id)
    }

    /// The user of a live token of `kind`, without redeeming it.
    pub fn token_user(&self, kind: TokenKind, token: &str, now: Duration) -> Option<String> {
        self.tokens.get(&sha256(&[token])).filter(|t| t.kind == kind && t.expires > now).map(|t| t.user_id.clone())
    }

    /// Opens a session for the user.
    pub fn open_session(&mut self, user_id: &str, now: Duration) -> SessionRec {
        // Okta's session ids: `102` and 22 more characters.
        let rec = SessionRec {
            id: format!("102{}", random_alnum(22)),
            user_id: user_id.to_string(),
            created: now,
            expires: now + SESSION_LIFETIME,
            last_password_verification: now,
        };
        self.sessions.insert(rec.id.clone(), rec.clone());
        rec
    }

    /// An open, unexpired session (an expired one is forgotten).
    pub fn session(&mut self, id: &str, now: Duration) -> Option<&mut SessionRec> {
        if self.sessions.get(id).is_some_and(|s| s.expires <= now) {
            self.sessions.remove(id);
        }
        self.sessions.get_mut(id)
    }

    /// Closes every session of a user; the sessions closed.
    pub fn end_sessions_of(&mut self, user_id: &str) -> Vec<SessionRec> {
        let ids: Vec<String> = self.sessions.values().filter(|s| s.user_id == user_id).map(|s| s.id.clone()).collect();
        ids.iter().filter_map(|id| self.sessions.remove(id)).collect()
    }

    /// Forgets everything about a deleted user.
    pub fn forget_user(&mut self, user_id: &str) {
        self.passwords.remove(user_id);
        self.failures.remove(user_id);
        self.tokens.retain(|_, t| t.user_id != user_id);
        self.end_sessions_of(user_id);
    }
}

/// Okta's timestamp of an epoch time.
pub(crate) fn timestamp(t: Duration) -> String {
    let secs = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, t.subsec_nanos()).map(crate::support::ts).unwrap_or_default()
}
