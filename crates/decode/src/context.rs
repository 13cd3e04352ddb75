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
            with_context(|context| context.path.pop());
        }
    }
}

fn enter(step: impl FnOnce() -> Step) -> Inside {
    if !TRACKING.with(Cell::get) {
        return Inside(false);
    }
    Inside(with_context(|context| context.path.push(step())).is_some())
}

/// Whether the current decode keeps its path (a mismatch may fail it: [`Mode::Strict`], [`Mode::FailAt`]).
pub fn keeps_path() -> bool {
    TRACKING.with(Cell::get)
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

impl Context {
    /// Whether one of the next `mismatches` values that do not fit fails the decode (always in strict mode, the one
    /// [`Mode::FailAt`] names otherwise); the first one to fail records where the decode is.
    fn fails_on(&mut self, mismatches: usize) -> bool {
        let fails = match self.mode {
            Mode::Lenient => false,
            Mode::Strict => true,
            Mode::FailAt(n) => (self.count..self.count + mismatches).contains(&n),
        };
        if fails && !self.failed {
            self.failed = true;
            self.failed_at = Some(render(&self.path));
        }
        fails
    }

    /// Counts `count` mismatches and keeps the first of them, up to [`MAX_KEPT`] in all.
    fn keep(&mut self, mismatches: impl IntoIterator<Item = Mismatch>, count: usize) {
        let room = MAX_KEPT.saturating_sub(self.found.len());
        self.found.extend(mismatches.into_iter().take(room));
        self.count += count;
    }
}

/// Runs `f` on the current context, if there is one.
fn with_context<R>(f: impl FnOnce(&mut Context) -> R) -> Option<R> {
    CONTEXT.with(|c| c.borrow_mut().as_mut().map(f))
}

/// Records that member `member` of `owner` holds a `found` where `expected` was declared (the value is kept). A
/// mismatch that fails the decode never gets here: the decoder raises it at the value ([`fails_now`]).
pub fn report(owner: &'static str, member: &str, expected: &'static str, found: &'static str) {
    with_context(|context| context.keep([Mismatch { owner, member: member.to_owned(), expected, found }], 1));
}

/// Whether a mismatch has failed the current decode: a decoder that would otherwise keep a value it could not
/// decode (a tagged union's variant) passes the error on instead.
pub fn failed() -> bool {
    with_context(|context| context.failed).unwrap_or(false)
}

/// Whether the value that does not fit, met now, fails the decode (strict mode, or the mismatch [`Mode::FailAt`]
/// names); marks the decode failed when it does. The decoder then raises the error right there, at the value.
pub fn fails_now() -> bool {
    with_context(|context| context.fails_on(1)).unwrap_or(false)
}

/// Takes in what a nested decode (in a context of its own) met; `true` when one of its mismatches must fail this
/// decode, and the caller then treats its whole value as not fitting (which fails here, naming that value).
pub fn absorb(inner: Report) -> bool {
    if inner.count == 0 {
        return false;
    }
    with_context(|context| {
        let fails = context.fails_on(inner.count);
        if !fails {
            context.keep(inner.mismatches, inner.count);
        }
        fails
    })
    .unwrap_or(false)
}
