//! Pagination: following Okta's `Link: <...>; rel="next"` headers, lazily, as `Stream`s.
//!
//! Okta pages list results with cursors and tells the client where the next page is in an RFC 8288 `Link`
//! header. The next URL is followed **as is** (never rebuilt from parameters), so `expand`, `search`, `filter`
//! and any other query parameters carry over; it is resolved against the page's URL and refused if it points
//! to another origin (scheme, host and port) than the first page's.
//!
//! * [`paginate`] / [`paginate_url`]: a stream of [`Page`]s; [`Pages`] boxes it (`Unpin`, inherent
//!   `try_next`) and [`Pages::items`] flattens it into [`Items`]; [`Cursor`] resumes a listing.
//!   A page is requested only when the consumer has used up the previous one, and each page is dropped once
//!   consumed, so memory stays flat however many items are listed.
//! * [`tail`]: the System Log's polling mode, an endless stream that follows Okta's polling `next` link and
//!   waits [`TailOptions::poll_interval`] after an empty page.
//!
//! Each page body is decoded once, straight from the response bytes into `Vec<T>`.

mod link;
mod streams;

use std::future::Future;
use std::time::Duration;

use futures::stream::{self, Stream};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use url::{Origin, Url};

pub use crate::error::{LinkSyntaxError, PaginationError};
pub use link::{Link, parse_link_header, parse_links};
pub use streams::{Cursor, Items, Pages};

use crate::error::{ApiError, Error, Result};
use crate::excerpt::excerpt;
use crate::retry::RateLimitInfo;

/// Longest excerpt of a URL kept in an error.
const MAX_URL_EXCERPT: usize = 200;

/// Finds the `rel="next"` link in the `Link` headers, resolves it against `base` (the URL of the request
/// that returned the headers) and checks it points to the same origin as `base`.
///
/// `Ok(None)` when there is no next link (the last page).
pub fn next_link(headers: &HeaderMap, base: &Url) -> Result<Option<Url>, PaginationError> {
    resolve_next(headers, base, &base.origin())
}

fn resolve_next(headers: &HeaderMap, base: &Url, origin: &Origin) -> Result<Option<Url>, PaginationError> {
    let links = parse_links(headers)?;
    let Some(next) = links.iter().find(|l| l.has_rel("next")) else {
        return Ok(None);
    };
    check_next(base, &next.target, origin).map(Some)
}

/// Resolves a next-link target against `base` and checks it stays on `origin` with no credentials.
fn check_next(base: &Url, target: &str, origin: &Origin) -> Result<Url, PaginationError> {
    let url = base.join(target).map_err(|source| PaginationError::InvalidNextLink {
        target: excerpt(target.as_bytes(), MAX_URL_EXCERPT),
        source,
    })?;
    let found = url.origin();
    if &found != origin {
        return Err(PaginationError::CrossOrigin {
            expected: origin.ascii_serialization(),
            found: found.ascii_serialization(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(PaginationError::CredentialsInNextLink);
    }
    Ok(url)
}

/// The body of a list response: a JSON array of items, or an object that wraps them and may carry the next
/// page's link (`{"roles": [...], "_links": {"next": {"href": "…"}}}`: `listRoles`, `listResourceSets`, …).
pub trait ListBody: DeserializeOwned {
    /// The listed item.
    type Item;
    /// The items, and the next page's link when the body carries one.
    fn into_page_parts(self) -> (Vec<Self::Item>, Option<String>);
    /// Decodes a page's body ([`crate::decode::json`]; the generated list bodies decode as models, leniently at
    /// the top too).
    fn decode(
        operation: &'static str,
        status: http::StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        decoding: crate::decode::Decoding,
    ) -> Result<Self> {
        crate::decode::json(operation, status, headers, body, decoding)
    }
}

impl<T: DeserializeOwned> ListBody for Vec<T> {
    type Item = T;
    fn into_page_parts(self) -> (Vec<T>, Option<String>) {
        (self, None)
    }
}

/// One page of a list operation.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of the page, in Okta's order.
    pub items: Vec<T>,
    /// The response headers (`Link`, `X-Rate-Limit-*`, `X-Okta-Request-Id`, ...).
    pub headers: HeaderMap,
    /// The URL the page was fetched from (keep it to resume a listing or a tail later).
    pub url: Url,
    /// The next link a wrapper body carried (`_links.next.href`), used when there is no `Link` header.
    next_in_body: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from its parts (e.g. from a response already decoded elsewhere).
    pub fn new(items: Vec<T>, headers: HeaderMap, url: Url) -> Self {
        Page { items, headers, url, next_in_body: None }
    }

    /// A page from a decoded list body (array or wrapper object).
    pub fn from_body<B: ListBody<Item = T>>(body: B, headers: HeaderMap, url: Url) -> Self {
        let (items, next_in_body) = body.into_page_parts();
        Page { items, headers, url, next_in_body }
    }

    /// The next page's URL (the `Link` header's `rel="next"`, else the body's `_links.next.href`), resolved
    /// against this page's URL and checked to be on the same origin.
    pub fn next_link(&self) -> Result<Option<Url>, PaginationError> {
        self.next_on(&self.url.origin())
    }

    fn next_on(&self, origin: &Origin) -> Result<Option<Url>, PaginationError> {
        match resolve_next(&self.headers, &self.url, origin)? {
            Some(url) => Ok(Some(url)),
            None => match &self.next_in_body {
                Some(target) => check_next(&self.url, target, origin).map(Some),
                None => Ok(None),
            },
        }
    }

    /// Where the listing goes on after this page, to save and give to the operation's `resume_from` later;
    /// `Ok(None)` on the last page.
    pub fn next_cursor(&self) -> Result<Option<Cursor>, PaginationError> {
        Ok(self.next_link()?.map(Cursor::from))
    }

    /// The rate-limit headers of this page's response.
    pub fn rate_limit(&self) -> RateLimitInfo {
        RateLimitInfo::from_headers(&self.headers)
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// Reads a list response: a non-success status becomes [`Error::Api`]; the body is decoded once, from
    /// its bytes, as `Vec<T>`; a decode failure becomes [`Error::Decode`] with an excerpt of the body, or
    /// [`Error::UnexpectedContentType`] when the response was not JSON (as on the first page).
    pub async fn from_response(resp: reqwest::Response, operation: &'static str) -> Result<Page<T>> {
        Self::from_list_response::<Vec<T>>(resp, operation).await
    }
}

impl<T> Page<T> {
    /// Like [`Page::from_response`], for any [`ListBody`] (array or wrapper object).
    pub async fn from_list_response<B: ListBody<Item = T>>(
        mut resp: reqwest::Response,
        operation: &'static str,
    ) -> Result<Page<T>> {
        let status = resp.status();
        if !status.is_success() {
            return Err(ApiError::from_response(resp).await);
        }
        let url = resp.url().clone();
        let decoding = crate::decode::Decoding::of(&resp);
        let headers = std::mem::take(resp.headers_mut());
        let body = resp.bytes().await.map_err(Error::Transport)?;
        let body = B::decode(operation, status, &headers, &body, decoding)?;
        Ok(Page::from_body(body, headers, url))
    }
}

/// Fetches and checks pages; shared by [`paginate`] and [`tail`].
struct Walker<F, B> {
    fetch: F,
    operation: &'static str,
    origin: Option<Origin>,
    body: std::marker::PhantomData<fn() -> B>,
}

impl<F, Fut, B> Walker<F, B>
where
    F: FnMut(Url) -> Fut,
    Fut: Future<Output = Result<reqwest::Response>>,
    B: ListBody,
{
    fn new(fetch: F, operation: &'static str, origin: Option<Origin>) -> Self {
        Walker { fetch, operation, origin, body: std::marker::PhantomData }
    }

    async fn fetch(&mut self, url: Url) -> Result<Page<B::Item>> {
        let resp = (self.fetch)(url).await?;
        Page::from_list_response::<B>(resp, self.operation).await
    }

    /// The next link of `page`, checked against the first page's origin.
    fn next_of(&mut self, page: &Page<B::Item>, requested: &Url) -> Result<Option<Url>, PaginationError> {
        let origin = self.origin.get_or_insert_with(|| requested.origin());
        page.next_on(origin)
    }
}

enum State<First, F, B> {
    First(First, Walker<F, B>),
    Fetch { url: Url, previous: Option<Url>, walker: Walker<F, B> },
    Failed(PaginationError),
    Done,
}

/// A lazy stream of pages: the first comes from `first` (e.g. a generated operation's response decoded with
/// [`Page::from_response`]), the following ones from `fetch_next(next_url)`, which should perform an
/// authenticated, retried `GET` of that exact URL.
///
/// The stream ends after the last page (no `next` link), or after yielding the first error. A `next` link to
/// another origin, with credentials, or pointing back to the current or previous page yields a
/// [`PaginationError`] (after the page that carried it).
pub fn paginate<T, First, F, Fut>(
    operation: &'static str,
    first: First,
    fetch_next: F,
) -> impl Stream<Item = Result<Page<T>>>
where
    T: DeserializeOwned,
    First: Future<Output = Result<Page<T>>>,
    F: FnMut(Url) -> Fut,
    Fut: Future<Output = Result<reqwest::Response>>,
{
    paginate_body::<Vec<T>, First, F, Fut>(operation, first, fetch_next)
}

/// Like [`paginate`], for list operations whose body is a [`ListBody`] other than an array (a wrapper object).
pub fn paginate_body<B, First, F, Fut>(
    operation: &'static str,
    first: First,
    fetch_next: F,
) -> impl Stream<Item = Result<Page<B::Item>>>
where
    B: ListBody,
    First: Future<Output = Result<Page<B::Item>>>,
    F: FnMut(Url) -> Fut,
    Fut: Future<Output = Result<reqwest::Response>>,
{
    walk(State::First(first, Walker::<F, B>::new(fetch_next, operation, None)))
}

/// Like [`paginate`], but the first page too is fetched with `fetch(first_url)`.
pub fn paginate_url<T, F, Fut>(operation: &'static str, first_url: Url, fetch: F) -> impl Stream<Item = Result<Page<T>>>
where
    T: DeserializeOwned,
    F: FnMut(Url) -> Fut,
    Fut: Future<Output = Result<reqwest::Response>>,
{
    let walker = Walker::<F, Vec<T>>::new(fetch, operation, Some(first_url.origin()));
    walk::<Vec<T>, std::future::Ready<Result<Page<T>>>, F, Fut>(State::Fetch { url: first_url, previous: None, walker })
}

fn walk<B, First, F, Fut>(initial: State<First, F, B>) -> impl Stream<Item = Result<Page<B::Item>>>
where
    B: ListBody,
    First: Future<Output = Result<Page<B::Item>>>,
    F: FnMut(Url) -> Fut,
    Fut: Future<Output = Result<reqwest::Response>>,
{
    stream::unfold(initial, |state| async move {
        let (page, requested, previous, mut walker) = match state {
            State::Done => return None,
            State::Failed(e) => return Some((Err(e.into()), State::Done)),
            State::First(first, walker) => match first.await {
                Ok(page) => {
                    let url = page.url.clone();
                    (page, url, None, walker)
                }
                Err(e) => return Some((Err(e), State::Done)),
            },
            State::Fetch { url, previous, mut walker } => match walker.fetch(url.clone()).await {
                Ok(page) => (page, url, previous, walker),
                Err(e) => return Some((Err(e), State::Done)),
            },
        };
        let next = match walker.next_of(&page, &requested) {
            Ok(Some(next)) if next == requested || next == page.url || Some(&next) == previous.as_ref() => {
                State::Failed(PaginationError::Loop { url: next })
            }
            Ok(Some(next)) => State::Fetch { url: next, previous: Some(requested), walker },
            Ok(None) => State::Done,
            Err(e) => State::Failed(e),
        };
        Some((Ok(page), next))
    })
}

/// Options of [`tail`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TailOptions {
    /// Wait after an empty page before polling again. Default 10 s: new events show up in the System Log
    /// within seconds, and six idle polls a minute stay far below the `/api/v1/logs` rate limit.
    pub poll_interval: Duration,
}

impl Default for TailOptions {
    fn default() -> Self {
        TailOptions { poll_interval: Duration::from_secs(10) }
    }
}

impl TailOptions {
    /// Sets [`TailOptions::poll_interval`].
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }
}

struct TailState<F, T> {
    url: Url,
    wait_first: bool,
    walker: Walker<F, Vec<T>>,
}

/// Tails the System Log (or any polling list): an endless stream of pages starting at `first_url` (e.g.
/// `/api/v1/logs?since=...`), following Okta's polling `next` link, which Okta returns even for an empty page.
///
/// After an empty page it waits `options.poll_interval` before polling again (only once the consumer asks
/// for more); after a page with items it fetches the next at once, to catch up. Empty pages are yielded too
/// (as heartbeats; [`Pages::items`] skips them). The stream ends only when dropped, or after yielding
/// an error. To resume after an error, tail again from the last page's `next` link (or [`Page::url`]).
pub fn tail<T, F, Fut>(
    operation: &'static str,
    first_url: Url,
    fetch: F,
    options: TailOptions,
) -> impl Stream<Item = Result<Page<T>>>
where
    T: DeserializeOwned,
    F: FnMut(Url) -> Fut,
    Fut: Future<Output = Result<reqwest::Response>>,
{
    let walker = Walker::<F, Vec<T>>::new(fetch, operation, Some(first_url.origin()));
    let initial = Some(Ok(TailState { url: first_url, wait_first: false, walker }));
    stream::unfold(initial, move |state| {
        let interval = options.poll_interval;
        async move {
            let TailState { url, wait_first, mut walker } = match state? {
                Ok(s) => s,
                Err(e) => return Some((Err(Error::Pagination(e)), None)),
            };
            if wait_first {
                tracing::debug!(wait_ms = crate::time::millis(interval), "system log tail: waiting before polling");
                tokio::time::sleep(interval).await;
            }
            let page: Page<T> = match walker.fetch(url.clone()).await {
                Ok(p) => p,
                Err(e) => return Some((Err(e), None)),
            };
            let next = match walker.next_of(&page, &url) {
                Err(e) => Err(e),
                // Nothing new: Okta's polling link may point to the same URL; poll it again later.
                Ok(next) if page.items.is_empty() => {
                    Ok(TailState { url: next.unwrap_or(url), wait_first: true, walker })
                }
                Ok(Some(next)) if next == url => Err(PaginationError::Loop { url: next }),
                Ok(Some(next)) => Ok(TailState { url: next, wait_first: false, walker }),
                Ok(None) => Err(PaginationError::MissingNextLink),
            };
            Some((Ok(page), Some(next)))
        }
    })
}
