//! Okta's `search` and `filter` expressions, built from parts instead of pasted together: values are quoted and
//! escaped, attribute names are checked, and `and`/`or`/`not` are grouped as written. A value taken from a form or
//! a CSV cannot change what the expression asks (`x" or status eq "ACTIVE` is searched for as that string).
//!
//! ```
//! use okta_management::filter::{self, user};
//!
//! let email = r#"pat"o'brien@example.com"#;
//! let search = user::EMAIL.eq(email).and(user::STATUS.eq("ACTIVE").or(user::STATUS.eq("PROVISIONED")));
//! assert_eq!(
//!     search.to_string(),
//!     r#"profile.email eq "pat\"o'brien@example.com" and (status eq "ACTIVE" or status eq "PROVISIONED")"#
//! );
//! // Custom attributes by name (a name that could carry an operator is refused):
//! let nickname = filter::profile("nickName")?.sw("Ed");
//! assert_eq!(nickname.to_string(), r#"profile.nickName sw "Ed""#);
//! assert!(filter::attr(r#"status eq "ACTIVE" or id"#).is_err());
//! # Ok::<(), filter::FilterError>(())
//! ```
//!
//! Every generated `search` / `filter` setter takes a [`Filter`] as it takes a string
//! (`client.list_users().search(search)`); raw strings still work. Okta compares string values ignoring case in a
//! `search` and exactly in a `filter`.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

/// An attribute name that cannot be one: empty, or with a character outside `[A-Za-z0-9_.$]` (so that a name
/// cannot carry an operator, a quote or a parenthesis), or an empty path segment (`profile..x`, `.x`, `x.`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// The attribute name is not one.
    #[error("`{name}` is not an attribute name: {reason}")]
    BadAttribute {
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A number that Okta's expressions cannot hold (NaN or infinite).
    #[error("{0} is not a number a filter can compare with")]
    BadNumber(f64),
}

/// An attribute of the resource searched (`status`, `profile.login`, `target.id`): build comparisons from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attr(Cow<'static, str>);

/// An attribute of the resource searched, by name: `attr("profile.department")`. The name is checked (see
/// [`FilterError::BadAttribute`]).
pub fn attr(name: impl Into<String>) -> Result<Attr, FilterError> {
    let name = name.into();
    match attribute_problem(&name) {
        None => Ok(Attr(Cow::Owned(name))),
        Some(reason) => Err(FilterError::BadAttribute { name, reason }),
    }
}

/// A profile attribute, custom ones included: `profile("employeeNumber")` is `profile.employeeNumber`.
pub fn profile(name: &str) -> Result<Attr, FilterError> {
    attr(format!("profile.{name}"))
}

/// Why `name` cannot be an attribute name, if it cannot.
const fn attribute_problem(name: &str) -> Option<&'static str> {
    let mut rest = name.as_bytes();
    if rest.is_empty() {
        return Some("it is empty");
    }
    let mut segment_len = 0;
    while let [b, tail @ ..] = rest {
        let b = *b;
        rest = tail;
        if b == b'.' {
            if segment_len == 0 {
                return Some("a path segment is empty");
            }
            segment_len = 0;
        } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' {
            segment_len += 1;
        } else {
            return Some("only letters, digits, `_`, `$` and `.` may be used");
        }
    }
    if segment_len == 0 {
        return Some("a path segment is empty");
    }
    None
}

impl Attr {
    /// A well-known attribute; checked when the constant is compiled.
    const fn known(name: &'static str) -> Attr {
        assert!(attribute_problem(name).is_none(), "a well-known attribute name is not one");
        Attr(Cow::Borrowed(name))
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.0
    }

    fn compare(&self, op: Op, value: impl Into<FilterValue>) -> Filter {
        Filter(Node::Compare(self.clone(), op, value.into()))
    }

    /// `attr eq value`.
    pub fn eq(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Eq, value)
    }
    /// `attr ne value`.
    pub fn ne(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Ne, value)
    }
    /// `attr sw value`: starts with.
    pub fn sw(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Sw, value)
    }
    /// `attr co value`: contains.
    pub fn co(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Co, value)
    }
    /// `attr ew value`: ends with.
    pub fn ew(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Ew, value)
    }
    /// `attr gt value`.
    pub fn gt(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Gt, value)
    }
    /// `attr ge value`.
    pub fn ge(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Ge, value)
    }
    /// `attr lt value`.
    pub fn lt(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Lt, value)
    }
    /// `attr le value`.
    pub fn le(&self, value: impl Into<FilterValue>) -> Filter {
        self.compare(Op::Le, value)
    }
    /// `attr pr`: the attribute has a value.
    pub fn pr(&self) -> Filter {
        Filter(Node::Present(self.clone()))
    }
}

impl fmt::Display for Attr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value to compare an attribute with: a string (quoted, `"` and `\` escaped), an integer, a number, a boolean,
/// or a timestamp (Okta's form: `"2026-12-07T15:00:00.000Z"`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FilterValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A finite number ([`FilterValue::number`]).
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A time, sent in UTC with milliseconds.
    Timestamp(DateTime<Utc>),
}

impl FilterValue {
    /// A number that is not an integer; NaN and infinities are refused.
    pub fn number(n: f64) -> Result<FilterValue, FilterError> {
        if n.is_finite() { Ok(FilterValue::Number(n)) } else { Err(FilterError::BadNumber(n)) }
    }
}

impl From<&str> for FilterValue {
    fn from(s: &str) -> Self {
        FilterValue::String(s.to_owned())
    }
}
impl From<String> for FilterValue {
    fn from(s: String) -> Self {
        FilterValue::String(s)
    }
}
impl From<&String> for FilterValue {
    fn from(s: &String) -> Self {
        FilterValue::String(s.clone())
    }
}
impl From<bool> for FilterValue {
    fn from(b: bool) -> Self {
        FilterValue::Bool(b)
    }
}
impl From<DateTime<Utc>> for FilterValue {
    fn from(t: DateTime<Utc>) -> Self {
        FilterValue::Timestamp(t)
    }
}
macro_rules! integer_values {
    ($($t:ty),*) => {$(
        impl From<$t> for FilterValue {
            fn from(n: $t) -> Self {
                FilterValue::Integer(i64::from(n))
            }
        }
    )*};
}
integer_values!(i8, i16, i32, i64, u8, u16, u32);

impl fmt::Display for FilterValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterValue::String(s) => write_quoted(f, s),
            FilterValue::Integer(n) => write!(f, "{n}"),
            FilterValue::Number(n) => write!(f, "{n}"),
            FilterValue::Bool(b) => write!(f, "{b}"),
            FilterValue::Timestamp(t) => write_quoted(f, &t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        }
    }
}

/// `"…"` with `\` and `"` escaped by a backslash, as Okta's expression language reads strings.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Sw,
    Co,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Sw => "sw",
            Op::Co => "co",
            Op::Ew => "ew",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::Lt => "lt",
            Op::Le => "le",
        }
    }
}

/// An expression for a `search` or `filter` parameter. Build it from an [`Attr`]'s comparisons and combine with
/// [`and`](Self::and), [`or`](Self::or) and [`not`](Self::not) (or [`all`](Self::all) / [`any`](Self::any));
/// it is written out with the grouping it was built with. `Display` (and `String::from`) give the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(Node);

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Compare(Attr, Op, FilterValue),
    Present(Attr),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

impl Filter {
    /// Both: `self and other` (grouped as built: `a.and(b.or(c))` is `a and (b or c)`).
    #[must_use]
    pub fn and(self, other: Filter) -> Filter {
        Filter(match self.0 {
            Node::And(mut items) => {
                items.push(other.0);
                Node::And(items)
            }
            node => Node::And(vec![node, other.0]),
        })
    }

    /// Either: `self or other`.
    #[must_use]
    pub fn or(self, other: Filter) -> Filter {
        Filter(match self.0 {
            Node::Or(mut items) => {
                items.push(other.0);
                Node::Or(items)
            }
            node => Node::Or(vec![node, other.0]),
        })
    }

    /// The opposite: `not (self)`.
    #[must_use]
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter(Node::Not(Box::new(self.0)))
    }

    /// Every one of `filters` (`None` when there are none: there is nothing to ask).
    pub fn all(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::and)
    }

    /// Any one of `filters` (`None` when there are none).
    pub fn any(filters: impl IntoIterator<Item = Filter>) -> Option<Filter> {
        filters.into_iter().reduce(Filter::or)
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        Filter::not(self)
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A child of another kind of junction is parenthesised; `not` always parenthesises its operand.
        let join = |f: &mut fmt::Formatter<'_>, items: &[Node], word: &str, parent_is_and: bool| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {word} ")?;
                }
                let group = matches!((item, parent_is_and), (Node::Or(_), true) | (Node::And(_), false));
                if group { write!(f, "({item})")? } else { write!(f, "{item}")? }
            }
            Ok(())
        };
        match self {
            Node::Compare(attr, op, value) => write!(f, "{attr} {} {value}", op.as_str()),
            Node::Present(attr) => write!(f, "{attr} pr"),
            Node::And(items) => join(f, items, "and", true),
            Node::Or(items) => join(f, items, "or", false),
            Node::Not(inner) => write!(f, "not ({inner})"),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Filter> for String {
    fn from(filter: Filter) -> String {
        filter.to_string()
    }
}

impl From<&Filter> for String {
    fn from(filter: &Filter) -> String {
        filter.to_string()
    }
}

/// Users' attributes (`list_users().search(…)`).
pub mod user {
    use super::Attr;
    /// `id`.
    pub const ID: Attr = Attr::known("id");
    /// `status` (`ACTIVE`, `STAGED`, `PROVISIONED`, `DEPROVISIONED`, `SUSPENDED`, ...).
    pub const STATUS: Attr = Attr::known("status");
    /// `created`.
    pub const CREATED: Attr = Attr::known("created");
    /// `activated`.
    pub const ACTIVATED: Attr = Attr::known("activated");
    /// `lastUpdated`.
    pub const LAST_UPDATED: Attr = Attr::known("lastUpdated");
    /// `lastLogin`.
    pub const LAST_LOGIN: Attr = Attr::known("lastLogin");
    /// `statusChanged`.
    pub const STATUS_CHANGED: Attr = Attr::known("statusChanged");
    /// `type.id`: the user type.
    pub const TYPE_ID: Attr = Attr::known("type.id");
    /// `profile.login`.
    pub const LOGIN: Attr = Attr::known("profile.login");
    /// `profile.email`.
    pub const EMAIL: Attr = Attr::known("profile.email");
    /// `profile.firstName`.
    pub const FIRST_NAME: Attr = Attr::known("profile.firstName");
    /// `profile.lastName`.
    pub const LAST_NAME: Attr = Attr::known("profile.lastName");
    /// `profile.department`.
    pub const DEPARTMENT: Attr = Attr::known("profile.department");
    /// `profile.employeeNumber`.
    pub const EMPLOYEE_NUMBER: Attr = Attr::known("profile.employeeNumber");
}

/// Groups' attributes (`list_groups().search(…)`).
pub mod group {
    use super::Attr;
    /// `id`.
    pub const ID: Attr = Attr::known("id");
    /// `type` (`OKTA_GROUP`, `APP_GROUP`, `BUILT_IN`).
    pub const TYPE: Attr = Attr::known("type");
    /// `created`.
    pub const CREATED: Attr = Attr::known("created");
    /// `lastUpdated`.
    pub const LAST_UPDATED: Attr = Attr::known("lastUpdated");
    /// `lastMembershipUpdated`.
    pub const LAST_MEMBERSHIP_UPDATED: Attr = Attr::known("lastMembershipUpdated");
    /// `profile.name`.
    pub const NAME: Attr = Attr::known("profile.name");
    /// `profile.description`.
    pub const DESCRIPTION: Attr = Attr::known("profile.description");
}

/// Apps' attributes (`list_applications().filter(…)`).
pub mod app {
    use super::Attr;
    /// `id`.
    pub const ID: Attr = Attr::known("id");
    /// `name`: the app's key (`bookmark`, `oidc_client`, ...).
    pub const NAME: Attr = Attr::known("name");
    /// `status` (`ACTIVE`, `INACTIVE`).
    pub const STATUS: Attr = Attr::known("status");
    /// `user.id`: apps assigned to a user.
    pub const USER_ID: Attr = Attr::known("user.id");
    /// `group.id`: apps assigned to a group.
    pub const GROUP_ID: Attr = Attr::known("group.id");
    /// `credentials.signing.kid`.
    pub const SIGNING_KID: Attr = Attr::known("credentials.signing.kid");
}

/// System Log events' attributes (`list_log_events().filter(…)`, `tail_system_log`).
pub mod log {
    use super::Attr;
    /// `eventType` (`user.lifecycle.create`, ...).
    pub const EVENT_TYPE: Attr = Attr::known("eventType");
    /// `uuid`.
    pub const UUID: Attr = Attr::known("uuid");
    /// `severity` (`DEBUG`, `INFO`, `WARN`, `ERROR`).
    pub const SEVERITY: Attr = Attr::known("severity");
    /// `published`.
    pub const PUBLISHED: Attr = Attr::known("published");
    /// `actor.id`.
    pub const ACTOR_ID: Attr = Attr::known("actor.id");
    /// `actor.alternateId`.
    pub const ACTOR_ALTERNATE_ID: Attr = Attr::known("actor.alternateId");
    /// `target.id`.
    pub const TARGET_ID: Attr = Attr::known("target.id");
    /// `target.type`.
    pub const TARGET_TYPE: Attr = Attr::known("target.type");
    /// `outcome.result` (`SUCCESS`, `FAILURE`, ...).
    pub const OUTCOME_RESULT: Attr = Attr::known("outcome.result");
    /// `client.ipAddress`.
    pub const CLIENT_IP_ADDRESS: Attr = Attr::known("client.ipAddress");
    /// `transaction.id`.
    pub const TRANSACTION_ID: Attr = Attr::known("transaction.id");
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_escaped_and_grouping_is_kept() {
        let f = user::LOGIN.eq(r#"x" or status eq "ACTIVE"#);
        assert_eq!(f.to_string(), r#"profile.login eq "x\" or status eq \"ACTIVE""#);
        assert_eq!(user::LAST_NAME.eq(r"back\slash").to_string(), r#"profile.lastName eq "back\\slash""#);
        let a = user::STATUS.eq("ACTIVE");
        let b = user::STATUS.eq("STAGED");
        let c = user::DEPARTMENT.pr();
        assert_eq!(
            a.clone().and(b.clone().or(c.clone())).to_string(),
            r#"status eq "ACTIVE" and (status eq "STAGED" or profile.department pr)"#
        );
        assert_eq!(
            a.clone().or(b.clone()).and(c.clone()).to_string(),
            r#"(status eq "ACTIVE" or status eq "STAGED") and profile.department pr"#
        );
        assert_eq!(
            a.clone().and(b.clone()).and(c.clone()).to_string(),
            r#"status eq "ACTIVE" and status eq "STAGED" and profile.department pr"#
        );
        assert_eq!((!a.clone()).to_string(), r#"not (status eq "ACTIVE")"#);
        assert_eq!(Filter::any([a, b]).unwrap().to_string(), r#"status eq "ACTIVE" or status eq "STAGED""#);
        assert_eq!(Filter::all([]), None);
    }

    #[test]
    fn numbers_booleans_and_timestamps_are_written_as_okta_reads_them() {
        let t = DateTime::parse_from_rfc3339("2026-12-07T15:04:05.5+01:00").unwrap().with_timezone(&Utc);
        assert_eq!(user::LAST_UPDATED.gt(t).to_string(), r#"lastUpdated gt "2026-12-07T14:04:05.500Z""#);
        assert_eq!(profile("age").unwrap().ge(42).to_string(), "profile.age ge 42");
        assert_eq!(profile("vip").unwrap().eq(true).to_string(), "profile.vip eq true");
        assert_eq!(profile("score").unwrap().lt(FilterValue::number(2.5).unwrap()).to_string(), "profile.score lt 2.5");
        assert!(matches!(FilterValue::number(f64::NAN), Err(FilterError::BadNumber(n)) if n.is_nan()));
        assert!(FilterValue::number(f64::INFINITY).is_err());
    }

    #[test]
    fn attribute_names_cannot_carry_operators_quotes_or_spaces() {
        for bad in ["", "a b", "status eq \"x\"", "a\"", "a)", "(a", ".a", "a.", "a..b", "profile.é", "a\nb", "a-b"] {
            assert!(matches!(attr(bad), Err(FilterError::BadAttribute { .. })), "{bad:?}");
        }
        for good in ["status", "profile.login", "profile.$custom_1", "credentials.signing.kid"] {
            assert_eq!(attr(good).unwrap().name(), good);
        }
        assert_eq!(profile("nickName").unwrap().name(), "profile.nickName");
        assert!(profile("a or b").is_err());
        let err = attr("a b").unwrap_err().to_string();
        assert!(err.contains("`a b` is not an attribute name"), "{err}");
    }

    #[test]
    fn a_filter_is_a_string_for_every_setter() {
        let s: String = user::STATUS.eq("ACTIVE").into();
        assert_eq!(s, r#"status eq "ACTIVE""#);
        let f = log::EVENT_TYPE.eq("user.lifecycle.create");
        let s: String = (&f).into();
        assert_eq!(s, r#"eventType eq "user.lifecycle.create""#);
    }
}
