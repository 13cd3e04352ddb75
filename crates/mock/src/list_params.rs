//! What a list's `search`, `filter` and `q` parameters mean, operation by operation, as Okta documents them: only
//! the `search`/`filter` parameters Okta describes as filter expressions take the expression grammar
//! ([`crate::query`]); a keyword `search` (group rules) and the `q` quick searches match words against the fields
//! Okta names for each list, ignoring case.
//!
//! The spec the mock serves from has no prose (the build strips it), so the decision is made from what it keeps:
//! a `search`/`filter` is an expression unless its schema is an enum (it then names an attribute, as the YubiKey
//! token list's `filter` does) or the operation is in [`KEYWORD_SEARCH`], whose entries Okta's parameter
//! descriptions call a keyword.

use serde_json::Value;

use crate::spec::{Api, Operation};

/// How a keyword parameter matches a field's text (both lowercased).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matching {
    /// The field starts with the keyword: Okta's `q` ("a `startsWith` match").
    StartsWith,
    /// The field contains the keyword anywhere.
    Contains,
}

/// A keyword parameter: the fields (dotted paths) its value is matched against, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keyword {
    pub fields: &'static [&'static str],
    pub matching: Matching,
}

impl Keyword {
    /// Whether any of the fields `field` reads matches `needle` (lowercase); array fields match by any element.
    pub fn matches(&self, needle: &str, field: &dyn Fn(&str) -> Vec<Value>) -> bool {
        self.fields.iter().flat_map(|f| field(f)).any(|v| text_matches(&v, needle, self.matching))
    }
}

fn text_matches(value: &Value, needle: &str, matching: Matching) -> bool {
    match value {
        Value::String(s) => {
            let s = s.to_lowercase();
            match matching {
                Matching::StartsWith => s.starts_with(needle),
                Matching::Contains => s.contains(needle),
            }
        }
        Value::Array(items) => items.iter().any(|v| text_matches(v, needle, matching)),
        _ => false,
    }
}

/// Operations whose `search` Okta documents as a keyword, not an expression ("Specifies the keyword to search
/// rules for": Groups API, List all group rules). A keyword finds the rules whose name contains it.
pub(crate) const KEYWORD_SEARCH: &[(&str, Keyword)] =
    &[("listGroupRules", Keyword { fields: &["name"], matching: Matching::Contains })];

/// The fields each list's `q` is matched against, from the parameter's description in Okta's API reference.
const QUICK_SEARCH: &[(&str, Keyword)] = &[
    // "matched against the beginning of … `userName`, `firstName`, `lastName`, and `email`" (Applications API).
    (
        "listApplicationUsers",
        Keyword {
            fields: &[
                "credentials.userName",
                "profile.userName",
                "profile.firstName",
                "profile.lastName",
                "profile.email",
            ],
            matching: Matching::StartsWith,
        },
    ),
    // "Searches the `name` and `audiences` of authorization servers".
    ("listAuthorizationServers", Keyword { fields: &["name", "audiences"], matching: Matching::StartsWith }),
    ("listAssociatedServersByTrustedType", Keyword { fields: &["name", "audiences"], matching: Matching::StartsWith }),
    // "A search string that prefix matches against the `name` and `origin`" (Trusted Origins API).
    ("listTrustedOrigins", Keyword { fields: &["name", "origin"], matching: Matching::StartsWith }),
];

/// `q` where Okta names no fields of its own: the object's name, as the apps, groups, IdPs, policies and scopes
/// lists document it (a prefix of `name`, or of the app's `label`).
const DEFAULT_QUICK_SEARCH: Keyword =
    Keyword { fields: &["name", "label", "displayName", "profile.name"], matching: Matching::StartsWith };

/// The query parameters of `op` that Okta parses as its filter-expression language.
pub(crate) fn expression_params(api: &Api, op: &Operation) -> Vec<&'static str> {
    ["search", "filter"]
        .into_iter()
        .filter(|name| {
            let Some(param) = op.query_param(name) else { return false };
            let names_an_attribute = api.resolve(&param.schema).get("enum").is_some();
            let keyword = *name == "search" && keyword_search(op).is_some();
            !names_an_attribute && !keyword
        })
        .collect()
}

/// The keyword parameters of `op` (`search` where it is a keyword, `q`), each with how it matches.
pub(crate) fn keyword_params(op: &Operation) -> Vec<(&'static str, Keyword)> {
    let mut out = Vec::new();
    if let Some(keyword) = keyword_search(op).filter(|_| op.query_param("search").is_some()) {
        out.push(("search", keyword));
    }
    if op.query_param("q").is_some() {
        let quick = QUICK_SEARCH.iter().find(|(id, _)| *id == op.id).map_or(DEFAULT_QUICK_SEARCH, |(_, k)| *k);
        out.push(("q", quick));
    }
    out
}

fn keyword_search(op: &Operation) -> Option<Keyword> {
    KEYWORD_SEARCH.iter().find(|(id, _)| *id == op.id).map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query;
    use serde_json::json;

    fn json_fields(item: &Value) -> impl Fn(&str) -> Vec<Value> + '_ {
        move |path| query::json_field(item, path)
    }

    fn op(api: &Api, id: &str) -> Operation {
        api.operations.iter().find(|o| o.id == id).cloned().unwrap_or_else(|| unreachable!("no operation {id}"))
    }

    fn api() -> std::sync::Arc<Api> {
        Api::get().unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn okta_s_expression_parameters_take_the_grammar() {
        let api = api();
        for (id, want) in [
            ("listDevices", vec!["search"]),
            ("listRealms", vec!["search"]),
            ("listGroupOwners", vec!["search"]),
            ("listLogStreams", vec!["filter"]),
            ("listNetworkZones", vec!["filter"]),
            ("listTrustedOrigins", vec!["filter"]),
            ("listOAuth2Scopes", vec!["filter"]),
            // A keyword search, and a filter naming an attribute: neither is an expression.
            ("listGroupRules", vec![]),
            ("listYubikeyOtpTokens", vec![]),
            ("listPolicies", vec![]),
        ] {
            assert_eq!(expression_params(&api, &op(&api, id)), want, "{id}");
        }
    }

    #[test]
    fn keyword_parameters_match_the_fields_okta_names() {
        let api = api();
        let rules = keyword_params(&op(&api, "listGroupRules"));
        assert_eq!(rules.iter().map(|(p, _)| *p).collect::<Vec<_>>(), ["search"]);
        let rule = json!({"name": "Engineering RULE_ABC rule"});
        let (_, keyword) = rules[0];
        assert!(keyword.matches("rule_abc", &json_fields(&rule)));
        assert!(!keyword.matches("sales", &json_fields(&rule)));

        let origins = keyword_params(&op(&api, "listTrustedOrigins"));
        let (_, q) = origins.iter().find(|(p, _)| *p == "q").copied().unwrap_or_else(|| unreachable!());
        let origin = json!({"name": "Portal", "origin": "https://portal.example.com"});
        assert!(q.matches("https://por", &json_fields(&origin)));
        assert!(!q.matches("example", &json_fields(&origin)), "a prefix match, not a contains");

        let servers = keyword_params(&op(&api, "listAuthorizationServers"));
        let (_, q) = servers[0];
        assert!(q.matches("api://", &json_fields(&json!({"name": "Default", "audiences": ["api://default"]}))));
    }
}
