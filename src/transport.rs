//! Where every request goes through: progenitor's `ClientHooks::exec` for the generated client.

use crate::generated;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

/// Shared runtime state of a client (auth, retry policy, ...), the generated client's inner part.
#[derive(Debug, Default)]
pub struct Runtime {}

impl ClientHooks<std::sync::Arc<Runtime>> for generated::Client {
    async fn exec(&self, mut request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        // progenitor adds an `api-version` header Okta does not define.
        request.headers_mut().remove("api-version");
        if let Some(media) = crate::manifest::raw_body_media_type(info.operation_id) {
            if let Ok(value) = reqwest::header::HeaderValue::from_str(media) {
                request.headers_mut().insert(reqwest::header::CONTENT_TYPE, value);
            }
        }
        self.client().execute(request).await
    }
}
