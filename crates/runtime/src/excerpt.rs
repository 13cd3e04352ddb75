//! Bounded, one-line excerpts of bodies and headers, for errors and logs that must never carry a whole body.

use std::borrow::Cow;

/// A one-line, bounded (at most `max` bytes, ellipsis included), char-boundary-safe excerpt of a body.
///
/// Invalid UTF-8 is replaced, a multi-byte character cut by the byte limit is dropped, and control
/// characters and whitespace runs become single spaces so that the excerpt never breaks a log line. A cut
/// excerpt ends with `…`.
pub fn excerpt(body: &[u8], max: usize) -> String {
    const ELLIPSIS: char = '…';
    let end = body.len().min(max);
    let prefix = body.get(..end).unwrap_or_default();
    let text: Cow<'_, str> = match std::str::from_utf8(prefix) {
        Ok(s) => Cow::Borrowed(s),
        // Only the last character was cut by the limit: drop it.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(prefix.get(..e.valid_up_to()).unwrap_or_default()),
        Err(_) => String::from_utf8_lossy(prefix),
    };
    let (mut out, cut) = one_line(&text, max);
    if cut || body.len() > max {
        let mut limit = max.saturating_sub(ELLIPSIS.len_utf8()).min(out.len());
        while !out.is_char_boundary(limit) {
            limit = limit.saturating_sub(1);
        }
        out.truncate(limit);
        out.push(ELLIPSIS);
    }
    out
}

/// Collapses whitespace and control characters into single spaces, trims, and bounds the length to `max`
/// bytes at a char boundary; also says whether it had to cut.
pub(crate) fn one_line(s: &str, max: usize) -> (String, bool) {
    let mut out = String::with_capacity(s.len().min(max));
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        let extra = c.len_utf8() + usize::from(pending_space);
        if out.len() + extra > max {
            return (out, true);
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    (out, false)
}
