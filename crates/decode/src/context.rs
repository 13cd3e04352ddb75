//! The context of one decode: whether a value that does not fit its field is collected (to warn about) or an error.
//!
//! Decoding is synchronous, so the context is per thread; [`decode_with`] sets it around one decode and restores the
//! one before (a decode inside a decode keeps its own). With no context, such values are kept silently.

use std::cell::RefCell;

/// What a value that does not fit its field does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// It is kept in the model's `extra` map and collected as a [`Mismatch`].
    Lenient,
    /// It fails the decode, with an error naming the model, the member and the two kinds.
    Strict,
    /// Like [`Mode::Lenient`], except the mismatch numbered `n` (from 0) fails the decode: decoding again this way
    /// finds where the `n`th mismatch is (the error's position names its JSON path).
    FailAt(usize),
}

/// A value that did not fit its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The model (`UserSchemaAttribute`).
    pub owner: &'static str,
    /// The member, as named in JSON (`unique`).
    pub member: String,
    /// What the spec declares (`boolean`).
    pub expected: &'static str,
    /// What came (`string`).
    pub found: &'static str,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}.{}`: expected {}, found {}", self.owner, self.member, self.expected, self.found)
    }
}

/// At most this many mismatches are kept per decode (a page of 200 users with the same wrong field gives 200).
pub const MAX_KEPT: usize = 64;

struct Context {
    mode: Mode,
    found: Vec<Mismatch>,
    count: usize,
    failed: bool,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// What one decode met: the first [`MAX_KEPT`] mismatches, and how many there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The mismatches kept, in the order met.
    pub mismatches: Vec<Mismatch>,
    /// How many there were in all.
    pub count: usize,
}

/// Runs `decode` in a context of `mode`; gives its result and what it met.
pub fn decode_with<R>(mode: Mode, decode: impl FnOnce() -> R) -> (R, Report) {
    /// Puts the outer context back, even if `decode` unwinds.
    struct Restore(Option<Option<Context>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                CONTEXT.with(|c| *c.borrow_mut() = outer);
            }
        }
    }
    let outer = CONTEXT.with(|c| c.borrow_mut().replace(Context { mode, found: Vec::new(), count: 0, failed: false }));
    let mut restore = Restore(Some(outer));
    let result = decode();
    let mine = CONTEXT.with(|c| {
        let mut current = c.borrow_mut();
        let mine = current.take();
        *current = restore.0.take().flatten();
        mine
    });
    let report = mine.map(|c| Report { mismatches: c.found, count: c.count }).unwrap_or_default();
    (result, report)
}

/// Reports that member `member` of `owner` holds a `found` where `expected` was declared: `Err` with the message
/// when the context says so, `Ok` otherwise (the caller keeps the value).
pub fn report(owner: &'static str, member: &str, expected: &'static str, found: &'static str) -> Result<(), String> {
    CONTEXT.with(|c| {
        let mut current = c.borrow_mut();
        let Some(context) = current.as_mut() else { return Ok(()) };
        let mismatch = || Mismatch { owner, member: member.to_owned(), expected, found };
        let fail = match context.mode {
            Mode::Lenient => false,
            Mode::Strict => true,
            Mode::FailAt(n) => n == context.count,
        };
        if fail {
            context.failed = true;
            return Err(mismatch().to_string());
        }
        if context.found.len() < MAX_KEPT {
            context.found.push(mismatch());
        }
        context.count += 1;
        Ok(())
    })
}

/// Whether a mismatch has failed the current decode: a decoder that would otherwise keep a value it could not
/// decode (a tagged union's variant) passes the error on instead.
pub fn failed() -> bool {
    CONTEXT.with(|c| c.borrow().as_ref().is_some_and(|context| context.failed))
}
