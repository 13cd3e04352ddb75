//! Pagination: following Okta's `Link: <...>; rel="next"` headers, lazily, as `Stream`s.
//!
//! Every paged list operation's builder has `.stream()` (the items, [`Items`]), `.pages()` (the pages, [`Pages`],
//! each knowing its URL and [`Page::next_cursor`]) and `.resume_from(&cursor)`; both streams are `Unpin` with an
//! inherent `try_next`, so no trait import or `pin!` is needed. The machinery ([`Page`], [`paginate`], [`tail`],
//! ...) is the runtime's (`okta_management_runtime::pagination`).

pub use okta_management_runtime::pagination::*;
