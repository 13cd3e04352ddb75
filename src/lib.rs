//! Okta Management API client.
#![warn(missing_docs)]

pub mod generated;
pub mod manifest;
#[doc(hidden)]
pub mod open_enum;
pub mod query;
#[doc(hidden)]
pub mod tagged_union;
pub mod transport;

/// The spec's models: typify's structs plus the open enums and tagged unions that replace its enums.
pub mod types {
    pub use crate::generated::models::*;
    pub use crate::generated::types::*;
}
