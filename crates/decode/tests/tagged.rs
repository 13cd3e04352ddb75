//! `tagged`: a discriminated object decoded in one pass (members before the discriminator held, then replayed) is
//! the same as the object decoded directly, wherever the discriminator is; strict errors still name the path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use okta_management_decode::FieldLocation;
use okta_management_decode::context::{self, Mode};
use okta_management_decode::tagged::{self, Replay};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value, json};

#[derive(Debug, Default, Clone, PartialEq)]
struct Saml {
    kind: Option<String>,
    label: Option<String>,
    active: Option<bool>,
    settings: Option<Settings>,
    extra: Map<String, Value>,
}
okta_management_decode::object!(Saml, extra { kind: "kind", label: "label", active: "active", settings: "settings" });

#[derive(Debug, Default, Clone, PartialEq)]
struct Settings {
    sso: Option<String>,
    count: Option<i64>,
    extra: Map<String, Value>,
}
okta_management_decode::object!(Settings, extra { sso: "sso", count: "count" });

/// A two-case union as `tagged_union!` writes it: `kind: "SAML"` is [`Saml`], anything else kept whole.
#[derive(Debug, PartialEq)]
enum App {
    Saml(Saml),
    Unknown(Map<String, Value>),
}

impl<'de> serde::Deserialize<'de> for App {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = App;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an App")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<App, A::Error> {
                let location = FieldLocation { owner: "App", member: "(top level)" };
                let (tag, object): (Option<std::borrow::Cow<str>>, Replay<A>) = tagged::until_tag(map, "kind")?;
                match tag.as_deref() {
                    Some("SAML") => {
                        Ok(tagged::variant::<Saml, _>(object, location)?.map_or_else(App::Unknown, App::Saml))
                    }
                    _ => Ok(App::Unknown(tagged::keep(object)?)),
                }
            }
        }
        deserializer.deserialize_map(V)
    }
}

fn saml(json: &str) -> Saml {
    match serde_json::from_str::<App>(json).unwrap() {
        App::Saml(saml) => saml,
        other => panic!("not SAML: {other:?}"),
    }
}

#[test]
fn the_discriminator_first_last_or_in_the_middle_gives_the_same_variant() {
    let direct: Saml =
        serde_json::from_str(r#"{"kind":"SAML","label":"HR","active":true,"settings":{"sso":"x","count":2},"z":[1]}"#)
            .unwrap();
    for json in [
        r#"{"kind":"SAML","label":"HR","active":true,"settings":{"sso":"x","count":2},"z":[1]}"#,
        r#"{"label":"HR","active":true,"kind":"SAML","settings":{"sso":"x","count":2},"z":[1]}"#,
        r#"{"label":"HR","active":true,"settings":{"sso":"x","count":2},"z":[1],"kind":"SAML"}"#,
    ] {
        assert_eq!(saml(json), direct, "{json}");
    }
    assert_eq!(direct.extra, json!({"z": [1]}).as_object().unwrap().clone());
}

#[test]
fn a_held_member_of_the_wrong_type_is_kept_and_written_back() {
    let json = json!({"active": "yes", "settings": {"count": "two"}, "kind": "SAML", "label": "HR"});
    let decoded = saml(&json.to_string());
    assert_eq!(decoded.active, None);
    assert_eq!(decoded.settings.as_ref().and_then(|s| s.count), None);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), json);
}

#[test]
fn an_unmapped_or_missing_or_non_string_discriminator_keeps_the_object_whole() {
    for json in [
        json!({"label": "HR", "kind": "OIDC", "settings": {"sso": "x"}}),
        json!({"label": "HR", "settings": {"sso": "x"}}),
        json!({"label": "HR", "kind": 7, "settings": {"sso": "x"}}),
    ] {
        let decoded: App = serde_json::from_str(&json.to_string()).unwrap();
        assert_eq!(decoded, App::Unknown(json.as_object().unwrap().clone()), "{json}");
    }
}

#[test]
fn strict_mode_names_the_path_inside_a_held_member_and_after_the_discriminator() {
    for (json, path) in [
        (r#"{"settings":{"count":"two"},"kind":"SAML"}"#, "settings.count"),
        (r#"{"kind":"SAML","settings":{"count":"two"}}"#, "settings.count"),
        (r#"{"active":"yes","kind":"SAML"}"#, "active"),
    ] {
        let (result, report) = context::decode_with(Mode::Strict, || serde_json::from_str::<App>(json));
        let error = result.unwrap_err().to_string();
        assert_eq!(report.failed_at.as_deref(), Some(path), "{json}: {error}");
        assert!(error.contains("expected"), "{error}");
    }
}

#[test]
fn a_truncated_object_fails_wherever_it_is_cut() {
    let json = r#"{"label":"HR","kind":"SAML","settings":{"sso":"x"}}"#;
    for cut in 1..json.len() {
        assert!(serde_json::from_str::<App>(&json[..cut]).is_err(), "{}", &json[..cut]);
    }
}

#[test]
fn every_serde_json_input_gives_the_same_union() {
    let json = r#"{"label":"HR","active":true,"settings":{"sso":"x","count":2},"kind":"SAML","z":[1,{"a":null}]}"#;
    let from_str: App = serde_json::from_str(json).unwrap();
    let from_slice: App = serde_json::from_slice(json.as_bytes()).unwrap();
    let from_reader: App = serde_json::from_reader(json.as_bytes()).unwrap();
    let from_value: App = serde_json::from_value(serde_json::from_str::<Value>(json).unwrap()).unwrap();
    assert_eq!(from_str, from_slice);
    assert_eq!(from_str, from_reader);
    assert_eq!(from_str, from_value);
    assert_eq!(serde_json::to_value(saml(json)).unwrap(), serde_json::from_str::<Value>(json).unwrap());
}
