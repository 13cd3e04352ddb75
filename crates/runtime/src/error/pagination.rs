//! Why a listing could not go on: a malformed `Link` header, or a next link that must not be followed.

use url::Url;

/// Why pagination could not continue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// A `Link` header is not valid RFC 8288.
    #[error("malformed Link header ({reason} at byte {offset}): {excerpt}")]
    MalformedLink {
        /// What was wrong.
        reason: LinkSyntaxError,
        /// Byte offset in the header value where parsing stopped.
        offset: usize,
        /// Bounded excerpt of the header value.
        excerpt: String,
    },
    /// The `next` link is not a valid URL reference.
    #[error("invalid next link {target:?}")]
    InvalidNextLink {
        /// Bounded excerpt of the link target.
        target: String,
        /// Why it did not parse.
        #[source]
        source: url::ParseError,
    },
    /// The `next` link points to another origin than the org's; following it could send credentials there.
    #[error("refusing to follow a next link to {found} (expected {expected})")]
    CrossOrigin {
        /// The org's origin (scheme://host:port).
        expected: String,
        /// The next link's origin.
        found: String,
    },
    /// The `next` link carries a user name or password.
    #[error("refusing to follow a next link that carries credentials")]
    CredentialsInNextLink,
    /// The `next` link points back to a page already fetched, which would loop forever.
    #[error("next link points back to a page already fetched ({url}); stopping to avoid a loop")]
    Loop {
        /// The repeated URL.
        url: Url,
    },
    /// A System Log polling page with events had no `next` link to continue from.
    #[error("the polling response has no next link; cannot continue tailing")]
    MissingNextLink,
}

/// What was wrong in a malformed `Link` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkSyntaxError {
    /// The header holds bytes other than visible ASCII, spaces and tabs.
    NotAscii,
    /// A link does not start with `<`.
    ExpectedTarget,
    /// A `<` has no matching `>`.
    UnterminatedTarget,
    /// The target contains whitespace, a control character or `<`.
    InvalidTarget,
    /// A `;` is not followed by a parameter name.
    ExpectedParamName,
    /// A `=` is not followed by a value.
    ExpectedParamValue,
    /// A quoted string has no closing quote.
    UnterminatedQuotedString,
    /// Something other than `;` or `,` follows a link or a parameter.
    UnexpectedCharacter,
}

impl std::fmt::Display for LinkSyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LinkSyntaxError::NotAscii => "not visible ASCII",
            LinkSyntaxError::ExpectedTarget => "expected '<'",
            LinkSyntaxError::UnterminatedTarget => "missing '>'",
            LinkSyntaxError::InvalidTarget => "invalid character in link target",
            LinkSyntaxError::ExpectedParamName => "expected a parameter name",
            LinkSyntaxError::ExpectedParamValue => "expected a parameter value",
            LinkSyntaxError::UnterminatedQuotedString => "unterminated quoted string",
            LinkSyntaxError::UnexpectedCharacter => "expected ';' or ','",
        })
    }
}
