//! The context of one decode: whether a value that does not fit its field is collected (to warn about) or an error.
//!
//! Decoding is synchronous, so the context is per thread; [`decode_with`] sets it around one decode and restores the
//! one before (a decode inside a decode keeps its own). With no context, such values are kept silently.

use std::cell::{Cell, RefCell};

/// What a value that does not fit its field does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// It is kept in the model's `extra` map and collected as a [`Mismatch`].
    Lenient,
    /// It fails the decode, with an error naming the model, the member and the two kinds.
    Strict,
    /// Like [`Mode::Lenient`], except the mismatch numbered `n` (from 0) fails the decode: decoding again this way
    /// finds where the `n`th mismatch is ([`Report::failed_at`] is its JSON path).
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
        let member = crate::printable(&self.member);
        write!(f, "`{}.{member}`: expected {}, found {}", self.owner, self.expected, self.found)
    }
}

/// At most this many mismatches are kept per decode (a page of 200 users with the same wrong field gives 200).
pub const MAX_KEPT: usize = 64;

struct Context {
    mode: Mode,
    found: Vec<Mismatch>,
    count: usize,
    failed: bool,
    /// Where the decode is (kept only when a mismatch may fail it: the lenient pass pays nothing for it).
    path: Vec<Step>,
    failed_at: Option<String>,
}

enum Step {
    Key(String),
    Index(usize),
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
    /// Whether the current context keeps the path (a cheap check per member for the common, lenient case).
    static TRACKING: Cell<bool> = const { Cell::new(false) };
}

/// What one decode met: the first [`MAX_KEPT`] mismatches, and how many there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The mismatches kept, in the order met.
    pub mismatches: Vec<Mismatch>,
    /// How many there were in all.
    pub count: usize,
    /// The JSON path (`[3].profile.login`) of the value that failed the decode, when one did ([`Mode::Strict`],
    /// [`Mode::FailAt`]); exact even inside values decoded from a buffer (discriminated unions).
    pub failed_at: Option<String>,
}

/// Runs `decode` in a context of `mode`; gives its result and what it met.
pub fn decode_with<R>(mode: Mode, decode: impl FnOnce() -> R) -> (R, Report) {
    /// Puts the outer context back, even if `decode` unwinds.
    struct Restore(Option<(Option<Context>, bool)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some((outer, tracking)) = self.0.take() {
                CONTEXT.with(|c| *c.borrow_mut() = outer);
                TRACKING.with(|t| t.set(tracking));
            }
        }
    }
    let context = Context { mode, found: Vec::new(), count: 0, failed: false, path: Vec::new(), failed_at: None };
    let outer = CONTEXT.with(|c| c.borrow_mut().replace(context));
    let tracking = TRACKING.with(|t| t.replace(mode != Mode::Lenient));
    let restore = Restore(Some((outer, tracking)));
    let result = decode();
    let mine = CONTEXT.with(|c| c.borrow_mut().take());
    drop(restore);
    let report =
        mine.map(|c| Report { mismatches: c.found, count: c.count, failed_at: c.failed_at }).unwrap_or_default();
    (result, report)
}

/// While alive, the decode is inside a member or an element (see [`enter_key`], [`enter_index`]).
#[must_use]
pub struct Inside(bool);

impl Drop for Inside {
    fn drop(&mut self) {
        if self.0 {
            CONTEXT.with(|c| {
                if let Some(context) = c.borrow_mut().as_mut() {
                    context.path.pop();
                }
            });
        }
    }
}

fn enter(step: impl FnOnce() -> Step) -> Inside {
    if !TRACKING.with(Cell::get) {
        return Inside(false);
    }
    CONTEXT.with(|c| match c.borrow_mut().as_mut() {
        Some(context) => {
            context.path.push(step());
            Inside(true)
        }
        None => Inside(false),
    })
}

/// The decode goes into member `key` of an object (kept for the path only when a mismatch may fail the decode).
pub fn enter_key(key: &str) -> Inside {
    enter(|| Step::Key(key.to_owned()))
}

/// The decode goes into element `index` of an array.
pub fn enter_index(index: usize) -> Inside {
    enter(|| Step::Index(index))
}

fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&crate::printable(key));
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
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
            if !context.failed {
                context.failed = true;
                context.failed_at = Some(render(&context.path));
            }
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

/// Whether the value that does not fit, met now, fails the decode (strict mode, or the mismatch [`Mode::FailAt`]
/// names); marks the decode failed when it does. The decoder then raises the error right there, at the value.
pub fn fails_now() -> bool {
    CONTEXT.with(|c| {
        let mut current = c.borrow_mut();
        let Some(context) = current.as_mut() else { return false };
        let fail = match context.mode {
            Mode::Lenient => false,
            Mode::Strict => true,
            Mode::FailAt(n) => n == context.count,
        };
        if fail && !context.failed {
            context.failed = true;
            context.failed_at = Some(render(&context.path));
        }
        fail
    })
}

/// Takes in what a nested decode (in a context of its own) met; `true` when one of its mismatches must fail this
/// decode, and the caller then treats its whole value as not fitting (which fails here, naming that value).
pub fn absorb(inner: Report) -> bool {
    if inner.count == 0 {
        return false;
    }
    CONTEXT.with(|c| {
        let mut current = c.borrow_mut();
        let Some(context) = current.as_mut() else { return false };
        let fails = match context.mode {
            Mode::Lenient => false,
            Mode::Strict => true,
            Mode::FailAt(n) => (context.count..context.count + inner.count).contains(&n),
        };
        if !fails {
            let room = MAX_KEPT.saturating_sub(context.found.len());
            context.found.extend(inner.mismatches.into_iter().take(room));
            context.count += inner.count;
        }
        fails
    })
}
