//! Pagination: following Okta's `Link: <...>; rel="next"` headers, lazily, as `Stream`s.
//!
//! The machinery ([`Page`], [`paginate`], [`tail`], ...) is the runtime's (`okta_management_runtime::pagination`);
//! [`Paginated`] adds `.pages()` and `.stream()` to the builder of every paged list operation.

pub use crate::customizations::paginated::{ListBody, Paginated};
pub use okta_management_runtime::pagination::*;
