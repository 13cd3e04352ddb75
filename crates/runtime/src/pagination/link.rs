//! RFC 8288 `Link` header parsing.
//!
//! Grammar (RFC 8288 §3, with RFC 9110 list rules):
//! `Link = #link-value`, `link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )`,
//! `link-param = token BWS [ "=" BWS ( token / quoted-string ) ]`.
//!
//! The parser accepts several links in one header value and several `Link` header fields, empty list
//! elements, quoted and unquoted parameter values (unquoted values are accepted a little more liberally than
//! `token`, e.g. `type=text/html`), and optional whitespace. Anything else is a typed
//! [`PaginationError::MalformedLink`]; it never panics.

use http::HeaderMap;

use crate::error::{LinkSyntaxError, PaginationError};
use crate::excerpt::excerpt;

/// Longest excerpt of a malformed header kept in an error.
const MAX_HEADER_EXCERPT: usize = 200;

/// One link of a `Link` header: a target and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target URI reference, as written between `<` and `>` (may be relative).
    pub target: String,
    /// Parameters in order, names lower-cased, values unquoted (`None` for a parameter without a value).
    pub params: Vec<(String, Option<String>)>,
}

impl Link {
    /// The value of the first parameter called `name` (case-insensitive); RFC 8288 says later occurrences
    /// are ignored.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_deref())
    }

    /// The relation types of the link (`rel` may hold several, separated by whitespace).
    pub fn rels(&self) -> impl Iterator<Item = &str> {
        self.param("rel").unwrap_or_default().split_ascii_whitespace()
    }

    /// Whether the link has relation type `rel` (case-insensitive).
    pub fn has_rel(&self, rel: &str) -> bool {
        self.rels().any(|r| r.eq_ignore_ascii_case(rel))
    }
}

/// Parses every `Link` header field of `headers`, in order.
pub fn parse_links(headers: &HeaderMap) -> Result<Vec<Link>, PaginationError> {
    let mut links = Vec::new();
    for value in headers.get_all(http::header::LINK) {
        let text = value.to_str().map_err(|_| PaginationError::MalformedLink {
            reason: LinkSyntaxError::NotAscii,
            offset: 0,
            excerpt: excerpt(value.as_bytes(), MAX_HEADER_EXCERPT),
        })?;
        links.extend(parse_link_header(text)?);
    }
    Ok(links)
}

/// Parses one `Link` header value (which may hold several comma-separated links).
pub fn parse_link_header(value: &str) -> Result<Vec<Link>, PaginationError> {
    let mut p = Parser { s: value, pos: 0 };
    p.links()
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl Parser<'_> {
    fn err(&self, reason: LinkSyntaxError) -> PaginationError {
        PaginationError::MalformedLink {
            reason,
            offset: self.pos,
            excerpt: excerpt(self.s.as_bytes(), MAX_HEADER_EXCERPT),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Consumes bytes while `pred` holds and returns them (ASCII-only predicates keep char boundaries).
    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        self.s.get(start..self.pos).unwrap_or_default()
    }

    fn links(&mut self) -> Result<Vec<Link>, PaginationError> {
        let mut links = Vec::new();
        loop {
            self.skip_ows();
            match self.peek() {
                None => return Ok(links),
                // Empty list elements are allowed by the list rule.
                Some(b',') => self.pos += 1,
                Some(b'<') => {
                    links.push(self.link()?);
                    // `link` stops at ',' or the end.
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    }
                }
                Some(_) => return Err(self.err(LinkSyntaxError::ExpectedTarget)),
            }
        }
    }

    fn link(&mut self) -> Result<Link, PaginationError> {
        self.pos += 1; // '<'
        let target = self.take_while(|b| b != b'>' && b > b' ' && b != b'<' && b != 0x7f).to_owned();
        match self.peek() {
            Some(b'>') => self.pos += 1,
            None => return Err(self.err(LinkSyntaxError::UnterminatedTarget)),
            Some(_) => return Err(self.err(LinkSyntaxError::InvalidTarget)),
        }
        let mut params = Vec::new();
        loop {
            self.skip_ows();
            match self.peek() {
                None | Some(b',') => return Ok(Link { target, params }),
                Some(b';') => {
                    self.pos += 1;
                    self.skip_ows();
                    // Tolerate a trailing ';' (`<a>; , <b>`).
                    if matches!(self.peek(), None | Some(b',' | b';')) {
                        continue;
                    }
                    params.push(self.param()?);
                }
                Some(_) => return Err(self.err(LinkSyntaxError::UnexpectedCharacter)),
            }
        }
    }

    fn param(&mut self) -> Result<(String, Option<String>), PaginationError> {
        let name = self.take_while(is_tchar).to_ascii_lowercase();
        if name.is_empty() {
            return Err(self.err(LinkSyntaxError::ExpectedParamName));
        }
        self.skip_ows();
        if self.peek() != Some(b'=') {
            return Ok((name, None));
        }
        self.pos += 1;
        self.skip_ows();
        let value = if self.peek() == Some(b'"') {
            self.quoted()?
        } else {
            let v = self.take_while(|b| b > b' ' && b != 0x7f && !b";,\"".contains(&b));
            if v.is_empty() {
                return Err(self.err(LinkSyntaxError::ExpectedParamValue));
            }
            v.to_owned()
        };
        Ok((name, Some(value)))
    }

    fn quoted(&mut self) -> Result<String, PaginationError> {
        let start = self.pos;
        let rest = self.s.get(start + 1..).unwrap_or_default();
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos = start + 1 + i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => out.push(escaped),
                    None => break,
                },
                c => out.push(c),
            }
        }
        self.pos = self.s.len();
        Err(self.err(LinkSyntaxError::UnterminatedQuotedString))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn one(s: &str) -> Link {
        let mut v = parse_link_header(s).unwrap();
        assert_eq!(v.len(), 1, "{s}");
        v.remove(0)
    }

    #[test]
    fn okta_style_links() {
        let v = parse_link_header(
            r#"<https://x.okta.com/api/v1/users?limit=2>; rel="self", <https://x.okta.com/api/v1/users?after=00u2&limit=2>; rel="next""#,
        )
        .unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[0].has_rel("self"));
        assert!(v[1].has_rel("next"));
        assert_eq!(v[1].target, "https://x.okta.com/api/v1/users?after=00u2&limit=2");
    }

    #[test]
    fn param_forms() {
        let l = one(r#"<a>;rel=next"#);
        assert!(l.has_rel("next"));
        let l = one("<a> ;\trel = \"prev  NEXT\" ; title=\"a, b; c\" ; type=text/html; crossorigin");
        assert!(l.has_rel("next") && l.has_rel("prev"));
        assert_eq!(l.param("title"), Some("a, b; c"));
        assert_eq!(l.param("TYPE"), Some("text/html"));
        assert_eq!(l.params[3], ("crossorigin".to_owned(), None));
        let l = one(r#"<a>; REL="next"; rel="prev""#);
        assert!(l.has_rel("next") && !l.has_rel("prev"), "later rel ignored");
        let l = one(r#"<a>; title="say \"hi\" \\ ok""#);
        assert_eq!(l.param("title"), Some(r#"say "hi" \ ok"#));
        let l = one(r#"<a>; title="é""#);
        assert_eq!(l.param("title"), Some("é"));
        let l = one("<a>; rel=\"\"");
        assert_eq!(l.rels().count(), 0);
    }

    #[test]
    fn lists_and_whitespace() {
        assert!(parse_link_header("").unwrap().is_empty());
        assert!(parse_link_header(" , ,, ").unwrap().is_empty());
        let v = parse_link_header(" <a>; rel=self ,, <b>;rel=next,<c>  ").unwrap();
        let targets: Vec<_> = v.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["a", "b", "c"]);
        let v = parse_link_header("<a>;, <b>;;rel=next;").unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[1].has_rel("next"));
        // A comma inside the target or a quoted value does not split links.
        let v = parse_link_header(r#"<https://h/p?a=1,2>; rel="next, x""#).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].target, "https://h/p?a=1,2");
    }

    #[test]
    fn several_header_fields() {
        let mut h = HeaderMap::new();
        h.append("link", "<a>; rel=self".parse().unwrap());
        h.append("link", "<b>; rel=next, <c>; rel=prev".parse().unwrap());
        let v = parse_links(&h).unwrap();
        assert_eq!(v.len(), 3);
        assert!(v[1].has_rel("next"));
        assert!(parse_links(&HeaderMap::new()).unwrap().is_empty());
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let cases: &[(&str, LinkSyntaxError)] = &[
            ("garbage", LinkSyntaxError::ExpectedTarget),
            ("https://a; rel=next", LinkSyntaxError::ExpectedTarget),
            ("<a", LinkSyntaxError::UnterminatedTarget),
            ("<", LinkSyntaxError::UnterminatedTarget),
            ("<a b>; rel=next", LinkSyntaxError::InvalidTarget),
            ("<a<b>", LinkSyntaxError::InvalidTarget),
            ("<a> rel=next", LinkSyntaxError::UnexpectedCharacter),
            ("<a>; rel=next garbage", LinkSyntaxError::UnexpectedCharacter),
            ("<a>; rel=\"next\"x", LinkSyntaxError::UnexpectedCharacter),
            ("<a>>", LinkSyntaxError::UnexpectedCharacter),
            ("<a>; =next", LinkSyntaxError::ExpectedParamName),
            ("<a>; (rel)=next", LinkSyntaxError::ExpectedParamName),
            ("<a>; rel=", LinkSyntaxError::ExpectedParamValue),
            ("<a>; rel= ;", LinkSyntaxError::ExpectedParamValue),
            ("<a>; rel=\"next", LinkSyntaxError::UnterminatedQuotedString),
            ("<a>; rel=\"next\\", LinkSyntaxError::UnterminatedQuotedString),
            ("<a>; rel=\"", LinkSyntaxError::UnterminatedQuotedString),
            ("<a>, junk", LinkSyntaxError::ExpectedTarget),
            ("\"<a>\"", LinkSyntaxError::ExpectedTarget),
        ];
        for (input, expected) in cases {
            match parse_link_header(input) {
                Err(PaginationError::MalformedLink { reason, offset, .. }) => {
                    assert_eq!(reason, *expected, "{input}");
                    assert!(offset <= input.len(), "{input}");
                }
                other => panic!("{input}: {other:?}"),
            }
        }
    }

    #[test]
    fn non_ascii_header_is_an_error() {
        let mut h = HeaderMap::new();
        h.insert("link", http::HeaderValue::from_bytes(b"<https://h/\xe9>; rel=next").unwrap());
        assert!(matches!(
            parse_links(&h),
            Err(PaginationError::MalformedLink { reason: LinkSyntaxError::NotAscii, .. })
        ));
    }

    #[test]
    fn random_inputs_never_panic() {
        use rand::Rng;
        let alphabet: Vec<char> = "<>;,=\" \t\\abcrelnext/:?é\u{1}".chars().collect();
        let mut rng = rand::rng();
        for _ in 0..5000 {
            let len = rng.random_range(0..40);
            let s: String = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
            let _ = parse_link_header(&s);
        }
    }
}
