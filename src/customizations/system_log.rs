//! Tailing the System Log from the client: [`crate::Client::tail_system_log`].
//!
//! Okta's System Log has a polling mode: a `GET /api/v1/logs` without `until` always answers with a `next`
//! link, even on an empty page, and following that link returns the events published since. The stream here
//! is [`crate::pagination::tail`] over that link, with every poll sent through the client's retry and auth
//! path like any other operation.

use chrono::{DateTime, SecondsFormat, Utc};
use progenitor_client::ClientInfo;
use url::Url;

use crate::error::Error;
use crate::pagination::{Cursor, Items, Pages, TailOptions, tail};

/// Operation name used in errors and traces (the generated method that lists log events).
const OPERATION: &str = "list_log_events";

impl crate::Client {
    /// Tails the System Log: an endless stream of events, oldest first, starting at `since` (Okta's default,
    /// seven days ago, when `None`) and restricted by `filter` (Okta's System Log filter expression, e.g.
    /// `eventType eq "user.lifecycle.create"`).
    ///
    /// The stream follows Okta's polling `next` link; after an empty poll it waits
    /// [`TailOptions::poll_interval`] before polling again, and after a page with events it polls at once to
    /// catch up. It ends only when dropped, or after yielding an error (resume with a new tail `since` the
    /// last event's `published` time). Each poll goes through the client's retry policy, so rate limits are
    /// waited out rather than ending the tail.
    ///
    /// ```no_run
    /// # async fn run(client: okta_management::Client) -> Result<(), okta_management::Error> {
    /// use okta_management::pagination::TailOptions;
    ///
    /// let mut events = client.tail_system_log(None, None, TailOptions::default());
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{:?} {:?}", event.published, event.event_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn tail_system_log(
        &self,
        since: Option<DateTime<Utc>>,
        filter: Option<String>,
        options: TailOptions,
    ) -> Items<'static, crate::types::LogEvent> {
        let api = self.api.clone();
        let first = match first_url(api.baseurl(), since, filter.as_deref()) {
            Ok(url) => url,
            Err(e) => return Pages::failed(e).items(),
        };
        let fetch = move |url: Url| {
            let api = api.clone();
            // The `next` link is fetched as an opaque URL (never rebuilt), like every paged listing.
            async move { crate::customizations::paginated::fetch_page(&api, url, OPERATION).await }
        };
        Pages::new(tail::<crate::types::LogEvent, _, _>(OPERATION, first, fetch, options)).items()
    }

    /// [`tail_system_log`](Self::tail_system_log) page by page, empty polls included (each page's
    /// [`next_cursor`](crate::pagination::Page::next_cursor) is where to resume after handling it).
    pub fn tail_system_log_pages(
        &self,
        since: Option<DateTime<Utc>>,
        filter: Option<String>,
        options: TailOptions,
    ) -> Pages<'static, crate::types::LogEvent> {
        match first_url(self.api.baseurl(), since, filter.as_deref()) {
            Ok(first) => self.tail_system_log_at(first, options),
            Err(e) => Pages::failed(e),
        }
    }

    /// Resumes a System Log tail at `cursor`: a polling `next` link saved earlier
    /// ([`Page::next_cursor`](crate::pagination::Page::next_cursor)), with the `since` and `filter` it carries.
    /// A cursor of another org is refused.
    pub fn tail_system_log_from(
        &self,
        cursor: &Cursor,
        options: TailOptions,
    ) -> Pages<'static, crate::types::LogEvent> {
        let org = match Url::parse(self.api.baseurl()) {
            Ok(org) => org,
            Err(e) => return Pages::failed(Error::InvalidRequest(format!("invalid org URL: {e}"))),
        };
        match cursor.resolve(&org) {
            Ok(first) => self.tail_system_log_at(first, options),
            Err(e) => Pages::failed(Error::Pagination(e)),
        }
    }

    fn tail_system_log_at(&self, first: Url, options: TailOptions) -> Pages<'static, crate::types::LogEvent> {
        let api = self.api.clone();
        let fetch = move |url: Url| {
            let api = api.clone();
            async move { crate::customizations::paginated::fetch_page(&api, url, OPERATION).await }
        };
        Pages::new(tail::<crate::types::LogEvent, _, _>(OPERATION, first, fetch, options))
    }
}

/// `<org>/api/v1/logs?since=...&filter=...`, without `until` so that Okta answers in polling mode.
pub(crate) fn first_url(base: &str, since: Option<DateTime<Utc>>, filter: Option<&str>) -> Result<Url, Error> {
    let mut url = Url::parse(&format!("{}/api/v1/logs", base.trim_end_matches('/')))
        .map_err(|e| Error::InvalidRequest(format!("invalid org URL: {e}")))?;
    {
        let mut query = url.query_pairs_mut();
        if let Some(since) = since {
            query.append_pair("since", &since.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
        if let Some(filter) = filter.filter(|f| !f.trim().is_empty()) {
            query.append_pair("filter", filter);
        }
    }
    // `query_pairs_mut` leaves an empty `?` behind when nothing was appended.
    if url.query() == Some("") {
        url.set_query(None);
    }
    Ok(url)
}
