//! The stream types a listing returns: [`Pages`] and [`Items`], plain `Unpin` structs with inherent `try_next`,
//! so a listing needs neither a trait import nor `pin!`; and [`Cursor`], where a listing can be resumed.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use url::Url;

use super::Page;
use crate::error::{Error, PaginationError, Result};

/// Every page of a listing, fetched lazily: the next page is requested only when this one has been taken.
///
/// A `Stream` of `Result<Page<T>>` that is `Unpin` and `Send`: `pages.try_next().await?` works with no import,
/// and so do `futures`' combinators.
#[must_use = "a listing does nothing until its pages are polled"]
pub struct Pages<'a, T> {
    inner: BoxStream<'a, Result<Page<T>>>,
}

impl<'a, T: Send + 'a> Pages<'a, T> {
    /// Wraps a stream of pages (e.g. [`super::paginate`]'s).
    pub fn new(pages: impl Stream<Item = Result<Page<T>>> + Send + 'a) -> Self {
        Pages { inner: pages.boxed() }
    }

    /// A listing that fails at once with `error` (a request that could not be built, say).
    pub fn failed(error: Error) -> Self {
        Pages::new(futures::stream::iter([Err(error)]))
    }

    /// The next page; `Ok(None)` after the last one. After an error the listing is over.
    pub async fn try_next(&mut self) -> Result<Option<Page<T>>> {
        self.inner.try_next().await
    }

    /// The items of every page, in order, as one stream.
    pub fn items(self) -> Items<'a, T> {
        Items::new(self.inner.map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok))).try_flatten())
    }
}

impl<T> Stream for Pages<'_, T> {
    type Item = Result<Page<T>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> fmt::Debug for Pages<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

/// Every item of a listing, in order; memory holds one page at a time.
///
/// A `Stream` of `Result<T>` that is `Unpin` and `Send`: `items.try_next().await?` works with no import.
#[must_use = "a listing does nothing until its items are polled"]
pub struct Items<'a, T> {
    inner: BoxStream<'a, Result<T>>,
}

impl<'a, T: Send + 'a> Items<'a, T> {
    /// Wraps a stream of items.
    pub fn new(items: impl Stream<Item = Result<T>> + Send + 'a) -> Self {
        Items { inner: items.boxed() }
    }

    /// The next item; `Ok(None)` after the last one. After an error the listing is over.
    pub async fn try_next(&mut self) -> Result<Option<T>> {
        self.inner.try_next().await
    }

    /// Every remaining item, in a `Vec` (the whole listing in memory: for small listings).
    pub async fn collect_all(self) -> Result<Vec<T>> {
        self.inner.try_collect().await
    }
}

impl<T> Stream for Items<'_, T> {
    type Item = Result<T>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for Items<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

/// Where a listing goes on: the next page's link as Okta gave it (its `after` cursor and every other query
/// parameter of the listing). Save it as a string ([`Cursor::as_str`], `Display`, serde) and give it back to the
/// same operation's `resume_from` to continue, in this process or another.
///
/// A cursor is only good for the org it came from: resuming refuses one on another origin.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor as text, to be stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL to fetch, checked against the org's base URL: the same origin, no credentials.
    pub fn resolve(&self, org: &Url) -> Result<Url, PaginationError> {
        super::check_next(org, &self.0, &org.origin())
    }
}

impl From<Url> for Cursor {
    fn from(url: Url) -> Self {
        Cursor(url.into())
    }
}

impl From<String> for Cursor {
    fn from(text: String) -> Self {
        Cursor(text)
    }
}

impl From<&str> for Cursor {
    fn from(text: &str) -> Self {
        Cursor(text.to_owned())
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({:?})", crate::excerpt::excerpt(self.0.as_bytes(), super::MAX_URL_EXCERPT))
    }
}
