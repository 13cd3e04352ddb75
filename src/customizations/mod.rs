//! Hand-written operations and extensions on top of the generated client ("customizations"): what progenitor
//! cannot generate from the spec, or generates in a form users should not have to handle.
//!
//! * `paginated`: `.pages()` / `.stream()` on the builder of every paged list operation.
//! * `system_log`: tailing the System Log (Okta's polling `next` link).
//! * `uploads`: the multipart upload operations (logos, favicons, background images), taken out of progenitor's
//!   input by the generator.

pub(crate) mod paginated;
pub(crate) mod system_log;
pub(crate) mod uploads;
