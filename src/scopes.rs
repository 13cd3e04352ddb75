//! Which OAuth 2.0 scopes a program needs: the least set that covers the operations it calls, from the scopes
//! Okta's spec gives each operation (in [`manifest::OPERATIONS`](crate::manifest::OPERATIONS)). Grant exactly
//! these to the service app and ask for them in the client (`ClientBuilder::scopes`), instead of every
//! `okta.*.manage`. A call the token's scopes do not cover fails with
//! [`Error::InsufficientScope`](crate::Error::InsufficientScope), naming the operation and what it needs.
//!
//! ```
//! let needed = okta_management::scopes::for_operations(["list_users", "create_user", "list_groups"])?;
//! // `okta.users.manage` includes `okta.users.read`.
//! assert_eq!(needed.to_string(), "okta.groups.read okta.users.manage");
//! # Ok::<(), okta_management::scopes::UnknownOperation>(())
//! ```
//!
//! `cargo run --example scopes -- list_users create_user` prints the same for any list of operations.

use std::collections::BTreeSet;
use std::fmt;

use crate::manifest::{OPERATIONS, Operation};

/// An operation name that is none of this build's operations (Rust method names such as `list_users`, or
/// Okta's operationIds such as `listUsers`; an operation of an API group whose feature is off is not in the build).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an operation of this build (a Rust method name such as `list_users`, or an operationId)")]
pub struct UnknownOperation(pub String);

/// The operation named `name`: a Rust method name (`list_users`) or an operationId (`listUsers`).
pub fn operation(name: &str) -> Option<&'static Operation> {
    let name = name.trim();
    OPERATIONS.iter().find(|op| op.rust_method == name || op.operation_id == name)
}

/// The scopes an access token needs for the operation named `name` (all of them); an empty slice when an
/// access token cannot call it (an API token only, or no authentication); `None` for an unknown name.
pub fn required_for(name: &str) -> Option<&'static [&'static str]> {
    operation(name).map(|op| op.oauth_scopes)
}

/// The least set of scopes that covers every operation named (a `.manage` scope covers its `.read`), and the
/// operations no access token can call.
pub fn for_operations<I, S>(names: I) -> Result<RequiredScopes, UnknownOperation>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut scopes = BTreeSet::new();
    let mut api_token_only = Vec::new();
    for name in names {
        let name = name.as_ref();
        let op = operation(name).ok_or_else(|| UnknownOperation(name.to_owned()))?;
        if op.oauth_scopes.is_empty() && !api_token_only.contains(&op.rust_method) {
            api_token_only.push(op.rust_method);
        }
        scopes.extend(op.oauth_scopes.iter().map(|s| (*s).to_owned()));
    }
    // A `.read` scope whose `.manage` is in the set is covered by it.
    let all = scopes.clone();
    scopes.retain(|s| !s.strip_suffix(".read").is_some_and(|stem| all.contains(&format!("{stem}.manage"))));
    Ok(RequiredScopes { scopes, api_token_only })
}

/// What [`for_operations`] found: the scopes (sorted), and the operations an access token cannot call at all.
/// `Display` gives the scopes space-separated, as a token request's `scope` parameter takes them;
/// `ClientBuilder::scopes(&needed)` takes them as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequiredScopes {
    scopes: BTreeSet<String>,
    api_token_only: Vec<&'static str>,
}

impl RequiredScopes {
    /// The scopes, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter().map(String::as_str)
    }

    /// How many scopes.
    pub fn len(&self) -> usize {
        self.scopes.len()
    }

    /// Whether no scope is needed.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Whether `scope` is one of them.
    pub fn contains(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// Operations named that no access token can call (Okta's spec gives them no OAuth scope: an API token only,
    /// such as `revoke_current_api_token`, or no authentication at all).
    pub fn api_token_only(&self) -> &[&'static str] {
        &self.api_token_only
    }
}

impl fmt::Display for RequiredScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.scopes.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope)?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a RequiredScopes {
    type Item = &'a str;
    type IntoIter = std::iter::Map<std::collections::btree_set::Iter<'a, String>, fn(&'a String) -> &'a str>;
    fn into_iter(self) -> Self::IntoIter {
        self.scopes.iter().map(String::as_str)
    }
}
