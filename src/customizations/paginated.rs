//! `.pages()` and `.stream()` on the builders of every paged list operation (build.rs implements [`Paginated`]
//! for each operation with an `after` cursor).

use okta_management_runtime::pagination::{Page, PagesExt, paginate_body};
use okta_management_runtime::pagination::ListBody as RuntimeListBody;
use crate::error::Error;
use futures::Stream;
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::header::{ACCEPT, HeaderValue};
use serde::de::DeserializeOwned;
use std::future::Future;
use url::Url;

/// A list operation Okta pages with `Link: <…>; rel="next"` headers (or, for wrapper bodies, `_links.next`).
///
/// ```no_run
/// # async fn run(client: okta_management::Client) -> Result<(), okta_management::Error> {
/// use futures::TryStreamExt;
/// use okta_management::pagination::Paginated;
///
/// let mut users = std::pin::pin!(client.list_users().limit(200).stream());
/// while let Some(user) = users.try_next().await? {
///     println!("{:?}", user.id);
/// }
/// # Ok(()) }
/// ```
///
/// The futures and streams are `Send`, so a listing can run in `tokio::spawn`. The bounds are spelled out in the
/// signatures rather than left to auto-trait inference: with the builder's lifetime in the trait, rustc cannot
/// prove an inferred `Send` for `tokio::spawn` ("implementation of `Paginated` is not general enough",
/// rust-lang/rust#100013), so without them no paged listing could be spawned.
pub trait Paginated<'a>: Sized + Send + 'a {
    /// The type of the listed items.
    type Item: DeserializeOwned + Send + 'a;
    /// The response body: `Vec<Item>`, or the object wrapping the items (`listRoles`' `{"roles": [...]}`).
    type Body: ListBody<Item = Self::Item> + Send + 'a;
    /// The operation (Rust method name), for errors and traces.
    const OPERATION: &'static str;

    /// The client the builder was made from.
    fn api(&self) -> &'a crate::generated::Client;

    /// Sends the first request (the builder's own `send`).
    fn first_page(self) -> impl Future<Output = Result<ResponseValue<Self::Body>, Error>> + Send + 'a;

    /// Every page, fetched lazily one at a time by following the `next` link as an opaque URL (so `search`,
    /// `filter`, `expand`, … carry over); each page keeps its response headers.
    fn pages(self) -> impl Stream<Item = Result<Page<Self::Item>, Error>> + Send + 'a {
        let api = self.api();
        let first = async move {
            let base = Url::parse(api.baseurl()).map_err(|e| Error::InvalidRequest(format!("invalid org URL: {e}")))?;
            let response = self.first_page().await?;
            let headers = response.headers().clone();
            Ok(Page::from_body(Generated(response.into_inner()), headers, base))
        };
        paginate_body::<Generated<Self::Body>, _, _, _>(Self::OPERATION, first, move |url| fetch_page(api, url, Self::OPERATION))
    }

    /// Every item of every page, in order; memory holds one page at a time.
    fn stream(self) -> impl Stream<Item = Result<Self::Item, Error>> + Send + 'a {
        self.pages().into_items()
    }
}

/// The body of a paged list operation of the generated API: an array, or a model that wraps the items
/// (`listRoles`' `{"roles": [...], "_links": {"next": …}}`; the generator implements this trait for each).
///
/// A trait of this crate rather than the runtime's [`okta_management_runtime::pagination::ListBody`]: the
/// wrapper models are defined in `okta-management-types`, and Rust allows implementing a trait for a type only in
/// the crate of one of them; a private wrapper bridges the two.
pub trait ListBody: DeserializeOwned {
    /// The listed item.
    type Item;
    /// The items, and the next page's link when the body carries one.
    fn into_page_parts(self) -> (Vec<Self::Item>, Option<String>);
}

impl<T: DeserializeOwned> ListBody for Vec<T> {
    type Item = T;
    fn into_page_parts(self) -> (Vec<T>, Option<String>) {
        (self, None)
    }
}

/// A generated list body, as the runtime's pagination sees it.
#[derive(serde::Deserialize)]
#[serde(transparent)]
#[doc(hidden)]
pub struct Generated<B>(B);

impl<B: ListBody> RuntimeListBody for Generated<B> {
    type Item = B::Item;
    fn into_page_parts(self) -> (Vec<B::Item>, Option<String>) {
        self.0.into_page_parts()
    }
}

/// `GET` of a next link through the same retry and auth path as every operation.
pub(crate) async fn fetch_page(
    api: &crate::generated::Client,
    url: Url,
    operation: &'static str,
) -> Result<reqwest::Response, Error> {
    let request = api
        .client()
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .build()
        .map_err(Error::Transport)?;
    crate::transport::send(api, request, operation).await
}
