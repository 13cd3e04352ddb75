//! `.pages()`, `.stream()` and `.resume_from(cursor)` on the builder of every paged list operation: the generator
//! writes those three methods for each, and they call [`pages`] and [`resume`] here.

use crate::error::Error;
use crate::generated;
use crate::pagination::{Cursor, Page, Pages};
use crate::transport::Built;
use okta_management_runtime::pagination::ListBody as RuntimeListBody;
use okta_management_runtime::pagination::paginate_body;
use progenitor_client::ClientInfo;
use reqwest::header::{ACCEPT, HeaderValue};
use serde::de::DeserializeOwned;
use std::future::Future;
use url::Url;

/// The body of a paged list operation of the generated API: an array, or a model that wraps the items
/// (`listRoles`' `{"roles": [...], "_links": {"next": …}}`; the generator implements this trait for each).
///
/// A trait of this crate rather than the runtime's [`RuntimeListBody`]: the wrapper models are defined in
/// `okta-management-types`, and Rust allows implementing a trait for a type only in the crate of one of them; a
/// private wrapper bridges the two.
pub(crate) trait ListBody: DeserializeOwned + okta_management_types::Lenient {
    /// The listed item.
    type Item;
    /// The items, and the next page's link when the body carries one.
    fn into_page_parts(self) -> (Vec<Self::Item>, Option<String>);
}

impl<T: DeserializeOwned + okta_management_types::Lenient> ListBody for Vec<T> {
    type Item = T;
    fn into_page_parts(self) -> (Vec<T>, Option<String>) {
        (self, None)
    }
}

/// A generated list body, as the runtime's pagination sees it.
#[derive(serde::Deserialize)]
#[serde(transparent)]
struct Generated<B>(B);

impl<B: ListBody> RuntimeListBody for Generated<B> {
    type Item = B::Item;
    fn into_page_parts(self) -> (Vec<B::Item>, Option<String>) {
        self.0.into_page_parts()
    }
    fn decode(
        operation: &'static str,
        status: reqwest::StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        decoding: crate::decode::Decoding,
    ) -> Result<Self, Error> {
        crate::decode::model::<B>(operation, status, headers, body, decoding).map(Generated)
    }
}

/// Every page of a listing whose first request a builder describes; each page knows its URL and its cursor.
pub(crate) fn pages<'a, B>(request: Built<'a>, operation: &'static str) -> Pages<'a, B::Item>
where
    B: ListBody + Send + 'a,
    B::Item: Send + 'a,
{
    match request {
        Ok((client, request)) => listing::<B>(client, operation, crate::transport::send(client, request, operation)),
        Err(error) => Pages::failed(error),
    }
}

/// A listing continued from a saved [`Cursor`], which must be on the client's org.
pub(crate) fn resume<'a, B>(
    client: &'a generated::Client,
    cursor: &Cursor,
    operation: &'static str,
) -> Pages<'a, B::Item>
where
    B: ListBody + Send + 'a,
    B::Item: Send + 'a,
{
    let url = Url::parse(client.baseurl())
        .map_err(|e| Error::InvalidRequest(format!("invalid org URL: {e}")))
        .and_then(|org| cursor.resolve(&org).map_err(Error::from));
    match url {
        Ok(url) => listing::<B>(client, operation, fetch_page(client, url, operation)),
        Err(error) => Pages::failed(error),
    }
}

/// The pages from a first response on: each decoded as `B`, the next ones fetched by following their links.
fn listing<'a, B>(
    client: &'a generated::Client,
    operation: &'static str,
    first: impl Future<Output = Result<reqwest::Response, Error>> + Send + 'a,
) -> Pages<'a, B::Item>
where
    B: ListBody + Send + 'a,
    B::Item: Send + 'a,
{
    let first = async move { Page::from_list_response::<Generated<B>>(first.await?, operation).await };
    Pages::new(paginate_body::<Generated<B>, _, _, _>(operation, first, move |url| fetch_page(client, url, operation)))
}

/// `GET` of a next link through the same retry and auth path as every operation.
pub(crate) async fn fetch_page(
    client: &generated::Client,
    url: Url,
    operation: &'static str,
) -> Result<reqwest::Response, Error> {
    let request = client
        .client()
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .build()
        .map_err(crate::transport::unbuildable_request)?;
    crate::transport::send(client, request, operation).await
}
