//! Okta's rules for request bodies where its spec's schemas say otherwise, or cannot say it: each entry names the
//! page of Okta's API reference it follows. [`crate::validate`] applies them with the spec's schemas.

use serde_json::{Value, json};

/// The schema to check a value against instead of the spec's component `name` (`spec_schema`, resolved), where
/// Okta accepts what the component refuses.
pub(crate) fn corrected_schema(name: &str, spec_schema: &Value) -> Option<Value> {
    match name {
        // Roles API, custom role permissions: Okta's documented requests give each condition attribute a list of
        // values (`"okta:ResourceAttribute/User/Profile": ["city", "state"]`); the spec declares an object there.
        "PermissionConditions" => {
            let mut fixed = spec_schema.clone();
            let values = json!({"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]});
            for side in ["include", "exclude"] {
                if let Some(Value::Object(m)) = fixed.pointer_mut(&format!("/properties/{side}")) {
                    m.insert("additionalProperties".into(), values.clone());
                }
            }
            Some(fixed)
        }
        // Identity Providers API: `properties.inquiryTemplateId` "applies to the `IDV_PERSONA` IdP type" (required
        // there: see [`body_causes`]); the spec requires it of every IdP, and its own SAML and smart card examples
        // have none.
        "IdentityProviderProperties" => {
            let mut fixed = spec_schema.clone();
            if let Value::Object(m) = &mut fixed {
                m.remove("required");
            }
            Some(fixed)
        }
        _ => None,
    }
}

/// Base schemas whose discriminator is not followed: Okta's documented requests for them omit what the schemas
/// their mappings pick require (Applications API: replacing a `BASIC_AUTH` app without `name`, an OIDC app without
/// `settings`, a 3-field SWA app without `buttonField`; Policies API: rules whose `constraints` is one object), so
/// Okta checks them by the base's own rules.
pub(crate) const NOT_CHECKED_BY_SUBTYPE: [&str; 2] = ["Application", "PolicyRule"];

/// The SMS template operations that send a whole template (not `updateSmsTemplate`, a partial update).
const WHOLE_SMS_TEMPLATE: [&str; 2] = ["createSmsTemplate", "replaceSmsTemplate"];
/// The IdP operations that send a whole IdP.
const WHOLE_IDP: [&str; 2] = ["createIdentityProvider", "replaceIdentityProvider"];

/// Causes for the rules of operation `op_id` that a schema cannot express, for a body the schema accepted.
pub(crate) fn body_causes(op_id: &str, body: &Value) -> Vec<String> {
    let mut causes = Vec::new();
    let blank = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v.as_str().is_some_and(str::is_empty));
    if WHOLE_SMS_TEMPLATE.contains(&op_id) {
        // Templates API: a template has a name, a type and a text, and "all custom Templates must have the
        // variable ${code} as part of the text".
        for field in ["name", "type", "template"] {
            if blank(body.get(field)) {
                causes.push(format!("{field}: The field cannot be left blank"));
            }
        }
        if let Some(text) = body.get("template").and_then(Value::as_str).filter(|t| !t.is_empty()) {
            if !text.contains("${code}") {
                causes.push("template: The template must contain the ${code} variable".to_string());
            }
        }
    }
    if WHOLE_IDP.contains(&op_id) && body.get("type").and_then(Value::as_str) == Some("IDV_PERSONA") {
        if blank(body.pointer("/properties/inquiryTemplateId")) {
            causes.push("properties.inquiryTemplateId: The field cannot be left blank".to_string());
        }
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_sms_template_needs_its_fields_and_the_code_variable() {
        let ok = json!({"name": "Custom", "type": "SMS_VERIFY_CODE", "template": "${org.name}: code ${code}"});
        assert!(body_causes("createSmsTemplate", &ok).is_empty());
        assert_eq!(
            body_causes("replaceSmsTemplate", &json!({"name": "Custom", "template": "no code here"})),
            ["type: The field cannot be left blank", "template: The template must contain the ${code} variable"]
        );
        // A partial update sends only what changes.
        assert!(body_causes("updateSmsTemplate", &json!({"translations": {"de": "${code}"}})).is_empty());
    }

    #[test]
    fn only_a_persona_idp_needs_an_inquiry_template() {
        assert!(body_causes("createIdentityProvider", &json!({"type": "X509", "properties": {}})).is_empty());
        assert_eq!(
            body_causes("createIdentityProvider", &json!({"type": "IDV_PERSONA", "properties": {}})),
            ["properties.inquiryTemplateId: The field cannot be left blank"]
        );
    }

    #[test]
    fn permission_conditions_take_lists_of_values() {
        let spec = json!({"type": "object", "properties": {
            "include": {"type": "object", "additionalProperties": {"type": "object"}},
            "exclude": {"type": "object", "additionalProperties": {"type": "object"}}}});
        let fixed = corrected_schema("PermissionConditions", &spec).unwrap_or_default();
        assert_eq!(fixed.pointer("/properties/include/additionalProperties/anyOf/0/type"), Some(&json!("array")));
        assert_eq!(corrected_schema("User", &spec), None);
    }
}
