//! `/api/v1/groups/rules`: a group rule is created `INACTIVE` (`createGroupRule`) and changed only while it is
//! `INACTIVE` (`replaceGroupRule`), as Okta documents; everything else about rules is served from the spec
//! (`generic.rs`).

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::generic;
use crate::respond::ApiError;
use crate::state::OrgState;

/// Where the org keeps its group rules (`generic.rs`'s collection of `createGroupRule`).
const RULES: &str = "/api/v1/groups/rules";

/// `POST /api/v1/groups/rules`: the new rule is `INACTIVE` whatever the request says, until activated.
pub(crate) async fn create(State(org): State<Arc<OrgState>>, mut req: Request) -> Response {
    if let Some(generic::JsonBody(Value::Object(rule))) = req.extensions_mut().get_mut::<generic::JsonBody>() {
        rule.insert("status".into(), json!("INACTIVE"));
    }
    generic::serve(State(org), req).await
}

/// `PUT /api/v1/groups/rules/{ruleId}`: refused while the rule is `ACTIVE`, else replaced as any object.
pub(crate) async fn replace(State(org): State<Arc<OrgState>>, Path(rule_id): Path<String>, req: Request) -> Response {
    let active = org.with_store(|store| {
        store.generic.item(RULES, &rule_id).and_then(|r| r.get("status")).and_then(Value::as_str) == Some("ACTIVE")
    });
    if active {
        return ApiError::validation("status: Cannot update a group rule that is ACTIVE; deactivate it first")
            .into_response();
    }
    generic::serve(State(org), req).await
}
