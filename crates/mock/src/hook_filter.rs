//! Event hook filters, as Okta has them: an event hook's `events.filter` maps event types to a condition in the Okta
//! Expression Language (`{"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [{"event": "<type>", "condition":
//! {"expression": "<EL>", "version": null}}]}`), and an event whose condition is not `true` is not delivered to that
//! hook (it is in the System Log as always).
//!
//! The language is the part of the Okta Expression Language (itself a subset of SpEL) that Okta's pages on hook
//! filters use ("Okta Expression Language and event hooks", "Event hook filtering", the spec's
//! `CreateAnEventHookWithFilter`): the event as `event` and its fields as `event.<a>.<b>`, the selection of a list's
//! entries `event.target.?[<condition over the entry's fields>]` and its `.size()`, `eq`, `ne`, `&&`, `||` and
//! single-quoted strings; around those, what the Okta Expression Language overview gives every expression:
//! double-quoted strings, numbers, `true`/`false`/`null`, `==`, `!=`, `gt`/`lt`/`ge`/`le` and `>`/`<`/`>=`/`<=`,
//! `and`/`or`, `!`/`not`, parentheses, `cond ? a : b`, `[index]`, and the `String.*` functions that only read strings
//! (`stringContains`, `len`, `toLowerCase`, `toUpperCase`, `substringBefore`, `substringAfter`, `append`,
//! `removeSpaces`). Anything else (arithmetic, projections, other functions or variables, `matches`...) is refused
//! when the hook is saved, by a [`FilterError`] naming it and where it is.
//!
//! Evaluation never fails loudly: where Okta's evaluator would throw (a `&&` over a string, `.size()` of a missing
//! list, a string compared with a number by order), the condition is simply not `true` and the event not delivered.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Map, Value};

/// The only filter type Okta has.
pub(crate) const FILTER_TYPE: &str = "EXPRESSION_LANGUAGE";

/// Longest expression accepted, in tokens: far beyond any filter a person writes, and it bounds the syntax tree's
/// depth (so its evaluation's recursion) whatever the input.
const MAX_TOKENS: usize = 2048;

/// Deepest nesting of parentheses, selections, calls and unary operators accepted (bounds the parser's recursion).
const MAX_NESTING: usize = 64;

/// Why an expression was refused: what, and the column (1-based, in characters) where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at column {})", self.message, self.column)
    }
}

// ----- tokens -----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// `.`, or SpEL's null-safe `?.` (every property read here is null-safe already).
    Dot,
    /// `.?[`: the start of a selection.
    Select,
    Question,
    Colon,
    EqEq,
    NotEq,
    Gt,
    Lt,
    Ge,
    Le,
    AndAnd,
    OrOr,
    Bang,
    Minus,
}

impl Tok {
    fn describe(&self) -> String {
        let symbol = match self {
            Tok::Ident(s) => return format!("`{s}`"),
            Tok::Str(s) => return format!("the string '{s}'"),
            Tok::Num(n) => return format!("the number {n}"),
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Select => ".?[",
            Tok::Question => "?",
            Tok::Colon => ":",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Gt => ">",
            Tok::Lt => "<",
            Tok::Ge => ">=",
            Tok::Le => "<=",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::Bang => "!",
            Tok::Minus => "-",
        };
        format!("`{symbol}`")
    }
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based column of its first character.
    column: usize,
}

fn error<T>(column: usize, message: impl Into<String>) -> Result<T, FilterError> {
    Err(FilterError { column, message: message.into() })
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Splits an expression into tokens; symbols the language has no use for are refused here, by name.
fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = at(i) {
        let column = i + 1;
        let mut push = |tok: Tok, len: usize, i: &mut usize| {
            out.push(Token { tok, column });
            *i += len;
        };
        match c {
            c if c.is_whitespace() => i += 1,
            '\'' | '"' => {
                // SpEL strings: the quote itself is written twice inside; no backslash escapes.
                let mut value = String::new();
                let mut j = i + 1;
                loop {
                    match at(j) {
                        None => return error(column, "a string is not closed"),
                        Some(q) if q == c && at(j + 1) == Some(c) => {
                            value.push(c);
                            j += 2;
                        }
                        Some(q) if q == c => break,
                        Some(other) => {
                            value.push(other);
                            j += 1;
                        }
                    }
                }
                push(Tok::Str(value), j + 1 - i, &mut i);
            }
            c if c.is_ascii_digit() => {
                let mut j = i;
                while at(j).is_some_and(|d| d.is_ascii_digit()) {
                    j += 1;
                }
                if at(j) == Some('.') && at(j + 1).is_some_and(|d| d.is_ascii_digit()) {
                    j += 1;
                    while at(j).is_some_and(|d| d.is_ascii_digit()) {
                        j += 1;
                    }
                }
                let literal: String = chars.get(i..j).unwrap_or_default().iter().collect();
                match literal.parse::<f64>() {
                    Ok(n) if n.is_finite() => push(Tok::Num(n), j - i, &mut i),
                    _ => return error(column, format!("`{literal}` is not a number this language can hold")),
                }
                if at(i).is_some_and(is_ident_start) {
                    return error(i + 1, "a number runs into a name: separate them");
                }
            }
            c if is_ident_start(c) => {
                let mut j = i;
                while at(j).is_some_and(is_ident_char) {
                    j += 1;
                }
                let name: String = chars.get(i..j).unwrap_or_default().iter().collect();
                push(Tok::Ident(name), j - i, &mut i);
            }
            '.' => match (at(i + 1), at(i + 2)) {
                (Some('?'), Some('[')) => push(Tok::Select, 3, &mut i),
                (Some('!'), Some('[')) => return error(column, "collection projection `.![...]` is not supported"),
                (Some('^'), Some('[')) => return error(column, "first-match selection `.^[...]` is not supported"),
                (Some('$'), Some('[')) => return error(column, "last-match selection `.$[...]` is not supported"),
                _ => push(Tok::Dot, 1, &mut i),
            },
            '?' if at(i + 1) == Some('.') => push(Tok::Dot, 2, &mut i),
            '?' if at(i + 1) == Some(':') => return error(column, "the Elvis operator `?:` is not supported"),
            '?' => push(Tok::Question, 1, &mut i),
            ':' => push(Tok::Colon, 1, &mut i),
            '(' => push(Tok::LParen, 1, &mut i),
            ')' => push(Tok::RParen, 1, &mut i),
            '[' => push(Tok::LBracket, 1, &mut i),
            ']' => push(Tok::RBracket, 1, &mut i),
            ',' => push(Tok::Comma, 1, &mut i),
            '=' if at(i + 1) == Some('=') => push(Tok::EqEq, 2, &mut i),
            '=' => return error(column, "`=` assigns, which a filter cannot: compare with `eq` or `==`"),
            '!' if at(i + 1) == Some('=') => push(Tok::NotEq, 2, &mut i),
            '!' => push(Tok::Bang, 1, &mut i),
            '>' if at(i + 1) == Some('=') => push(Tok::Ge, 2, &mut i),
            '>' => push(Tok::Gt, 1, &mut i),
            '<' if at(i + 1) == Some('=') => push(Tok::Le, 2, &mut i),
            '<' => push(Tok::Lt, 1, &mut i),
            '&' if at(i + 1) == Some('&') => push(Tok::AndAnd, 2, &mut i),
            '|' if at(i + 1) == Some('|') => push(Tok::OrOr, 2, &mut i),
            '&' | '|' => return error(column, format!("`{c}` alone is not an operator: use `{c}{c}`")),
            '-' => push(Tok::Minus, 1, &mut i),
            '+' | '*' | '/' | '%' | '^' => {
                return error(column, format!("arithmetic (`{c}`) is not supported in event hook filters"));
            }
            '#' => return error(column, "variables and `#this` are not supported: inside `.?[...]` name the field"),
            '@' => return error(column, "bean references (`@`) are not supported"),
            '{' | '}' => return error(column, "inline lists and maps (`{...}`) are not supported"),
            other => return error(column, format!("unexpected character `{other}`")),
        }
        if out.len() > MAX_TOKENS {
            return error(column, format!("the expression is too long (more than {MAX_TOKENS} tokens)"));
        }
    }
    Ok(out)
}

// ----- syntax -----

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

/// The `String.*` functions of the Okta Expression Language that only read strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    StringContains,
    Len,
    ToLowerCase,
    ToUpperCase,
    SubstringBefore,
    SubstringAfter,
    Append,
    RemoveSpaces,
}

impl Func {
    fn named(name: &str) -> Option<Func> {
        Some(match name {
            "stringContains" => Func::StringContains,
            "len" => Func::Len,
            "toLowerCase" => Func::ToLowerCase,
            "toUpperCase" => Func::ToUpperCase,
            "substringBefore" => Func::SubstringBefore,
            "substringAfter" => Func::SubstringAfter,
            "append" => Func::Append,
            "removeSpaces" => Func::RemoveSpaces,
            _ => return None,
        })
    }

    fn arity(self) -> usize {
        match self {
            Func::Len | Func::ToLowerCase | Func::ToUpperCase | Func::RemoveSpaces => 1,
            Func::StringContains | Func::SubstringBefore | Func::SubstringAfter | Func::Append => 2,
        }
    }
}

const FUNCTIONS: &str =
    "stringContains, len, toLowerCase, toUpperCase, substringBefore, substringAfter, append, removeSpaces";

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Lit(Value),
    /// `event`.
    Event,
    /// The entry a selection's condition is about.
    Entry,
    Prop(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    /// `list.?[condition]`.
    Select(Box<Expr>, Box<Expr>),
    /// `list.size()`.
    Size(Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `condition ? then : otherwise`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// What a sub-expression yields, as far as its form tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Boolean,
    NotBoolean,
    /// A field read: whatever the event holds.
    Unknown,
}

fn kind(e: &Expr) -> Kind {
    match e {
        Expr::Lit(Value::Bool(_)) | Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) => Kind::Boolean,
        Expr::Call(Func::StringContains, _) => Kind::Boolean,
        Expr::Lit(_) | Expr::Event | Expr::Select(..) | Expr::Size(_) | Expr::Neg(_) | Expr::Call(..) => {
            Kind::NotBoolean
        }
        Expr::Cond(_, a, b) => match (kind(a), kind(b)) {
            (Kind::Boolean, Kind::Boolean) => Kind::Boolean,
            (Kind::NotBoolean, _) | (_, Kind::NotBoolean) => Kind::NotBoolean,
            _ => Kind::Unknown,
        },
        Expr::Entry | Expr::Prop(..) | Expr::Index(..) => Kind::Unknown,
    }
}

/// Refuses a sub-expression that cannot be a Boolean where one is needed (Okta: "ensure that your expression
/// evaluates to a Boolean").
fn want_boolean(e: &Expr, column: usize, what: &str) -> Result<(), FilterError> {
    if kind(e) == Kind::NotBoolean {
        return error(column, format!("{what} must be a Boolean (a comparison, `&&`, `||`, `!`...)"));
    }
    Ok(())
}

/// A recursive-descent parser, loosest binding first: `? :`, `||`/`or`, `&&`/`and`, comparisons, `!`/`not`/`-`,
/// then property reads, selections, indexes and `.size()` on a value.
struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Column just past the expression's end, for errors at the end.
    end: usize,
    nesting: usize,
    /// Inside a selection's condition, bare names are the entry's fields.
    selections: usize,
}

fn keyword(tok: Option<&Tok>, word: &str) -> bool {
    matches!(tok, Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(word))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|t| &t.tok)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.column)
    }

    fn found(&self) -> String {
        self.peek().map_or_else(|| "the end of the expression".to_string(), Tok::describe)
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        if keyword(self.peek(), word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), FilterError> {
        if self.eat(tok) {
            return Ok(());
        }
        error(self.column(), format!("expected {what}, found {}", self.found()))
    }

    fn nest(&mut self) -> Result<(), FilterError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return error(self.column(), format!("the expression nests deeper than {MAX_NESTING} levels"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        self.nest()?;
        let column = self.column();
        let condition = self.or()?;
        let e = if self.eat(&Tok::Question) {
            want_boolean(&condition, column, "the condition of `? :`")?;
            let then = self.expr()?;
            self.expect(&Tok::Colon, "`:` of `? :`")?;
            let otherwise = self.expr()?;
            Expr::Cond(Box::new(condition), Box::new(then), Box::new(otherwise))
        } else {
            condition
        };
        self.nesting -= 1;
        Ok(e)
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let column = self.column();
        let mut left = self.and()?;
        loop {
            if !(self.eat(&Tok::OrOr) || self.eat_keyword("or")) {
                return Ok(left);
            }
            want_boolean(&left, column, "the left side of `||`")?;
            let right_column = self.column();
            let right = self.and()?;
            want_boolean(&right, right_column, "the right side of `||`")?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let column = self.column();
        let mut left = self.comparison()?;
        loop {
            if !(self.eat(&Tok::AndAnd) || self.eat_keyword("and")) {
                return Ok(left);
            }
            want_boolean(&left, column, "the left side of `&&`")?;
            let right_column = self.column();
            let right = self.comparison()?;
            want_boolean(&right, right_column, "the right side of `&&`")?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
    }

    fn comparison_op(&mut self) -> Option<CmpOp> {
        let op = match self.peek()? {
            Tok::EqEq => CmpOp::Eq,
            Tok::NotEq => CmpOp::Ne,
            Tok::Gt => CmpOp::Gt,
            Tok::Lt => CmpOp::Lt,
            Tok::Ge => CmpOp::Ge,
            Tok::Le => CmpOp::Le,
            Tok::Ident(word) => match word.to_ascii_lowercase().as_str() {
                "eq" => CmpOp::Eq,
                "ne" => CmpOp::Ne,
                "gt" => CmpOp::Gt,
                "lt" => CmpOp::Lt,
                "ge" => CmpOp::Ge,
                "le" => CmpOp::Le,
                _ => return None,
            },
            _ => return None,
        };
        self.pos += 1;
        Some(op)
    }

    fn comparison(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        loop {
            if let Some(Tok::Ident(word)) = self.peek() {
                let lower = word.to_ascii_lowercase();
                if matches!(lower.as_str(), "matches" | "between" | "instanceof" | "div" | "mod") {
                    return error(
                        self.column(),
                        format!("the operator `{word}` is not supported in event hook filters"),
                    );
                }
            }
            let Some(op) = self.comparison_op() else { return Ok(left) };
            let right = self.unary()?;
            left = Expr::Cmp(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        let column = self.column();
        let negation = self.eat(&Tok::Bang) || self.eat_keyword("not");
        if negation || self.eat(&Tok::Minus) {
            self.nest()?;
            let operand_column = self.column();
            let operand = self.unary()?;
            self.nesting -= 1;
            if negation {
                want_boolean(&operand, operand_column, "the operand of `!`")?;
                return Ok(Expr::Not(Box::new(operand)));
            }
            if kind(&operand) == Kind::Boolean {
                return error(column, "`-` needs a number, not a Boolean");
            }
            return Ok(Expr::Neg(Box::new(operand)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.primary()?;
        loop {
            if self.eat(&Tok::Dot) {
                let column = self.column();
                let Some(Tok::Ident(name)) = self.peek().cloned() else {
                    return error(column, format!("expected a field name after `.`, found {}", self.found()));
                };
                self.pos += 1;
                if self.eat(&Tok::LParen) {
                    if name != "size" {
                        return error(column, format!("the method `{name}()` is not supported (only `size()`)"));
                    }
                    self.expect(&Tok::RParen, "`)`: `size()` takes no arguments")?;
                    e = Expr::Size(Box::new(e));
                } else {
                    e = Expr::Prop(Box::new(e), name);
                }
            } else if self.eat(&Tok::Select) {
                self.nest()?;
                self.selections += 1;
                let column = self.column();
                if self.peek() == Some(&Tok::RBracket) {
                    return error(column, "a selection `.?[...]` needs a condition");
                }
                let condition = self.expr()?;
                want_boolean(&condition, column, "a selection's condition")?;
                self.expect(&Tok::RBracket, "`]` closing the selection")?;
                self.selections -= 1;
                self.nesting -= 1;
                e = Expr::Select(Box::new(e), Box::new(condition));
            } else if self.eat(&Tok::LBracket) {
                self.nest()?;
                let index = self.expr()?;
                self.expect(&Tok::RBracket, "`]` closing the index")?;
                self.nesting -= 1;
                e = Expr::Index(Box::new(e), Box::new(index));
            } else {
                return Ok(e);
            }
        }
    }

    fn call(&mut self, class: &str, name: &str, column: usize) -> Result<Expr, FilterError> {
        let func = match (class, Func::named(name)) {
            ("String", Some(func)) => func,
            ("String", None) => {
                return error(
                    column,
                    format!("the function `String.{name}` is not supported (supported: {FUNCTIONS})"),
                );
            }
            _ => return error(column, format!("the function `{class}.{name}` is not supported in event hook filters")),
        };
        self.nest()?;
        let mut args = Vec::new();
        if !self.eat(&Tok::RParen) {
            loop {
                args.push(self.expr()?);
                if self.eat(&Tok::RParen) {
                    break;
                }
                self.expect(&Tok::Comma, "`,` or `)` in the function's arguments")?;
            }
        }
        self.nesting -= 1;
        if args.len() != func.arity() {
            let n = func.arity();
            return error(column, format!("`String.{name}` takes {n} argument{}", if n == 1 { "" } else { "s" }));
        }
        Ok(Expr::Call(func, args))
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        let column = self.column();
        let Some(tok) = self.peek().cloned() else {
            return error(column, "the expression ends where a value was expected");
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Lit(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))),
            Tok::Str(s) => Ok(Expr::Lit(Value::String(s))),
            Tok::LParen => {
                let e = self.expr()?;
                self.expect(&Tok::RParen, "`)`")?;
                Ok(e)
            }
            Tok::Ident(name) => {
                // `Class.function(`: a function call.
                let function = match (self.peek(), self.peek_at(1), self.peek_at(2)) {
                    (Some(Tok::Dot), Some(Tok::Ident(function)), Some(Tok::LParen)) => Some(function.clone()),
                    _ => None,
                };
                if let Some(function) = function.filter(|_| name.starts_with(|c: char| c.is_ascii_uppercase())) {
                    self.pos += 3;
                    return self.call(&name, &function, column);
                }
                if self.peek() == Some(&Tok::LParen) {
                    return error(column, format!("the function `{name}()` is not supported in event hook filters"));
                }
                match name.to_ascii_lowercase().as_str() {
                    "true" => return Ok(Expr::Lit(Value::Bool(true))),
                    "false" => return Ok(Expr::Lit(Value::Bool(false))),
                    "null" => return Ok(Expr::Lit(Value::Null)),
                    "eq" | "ne" | "gt" | "lt" | "ge" | "le" | "and" | "or" => {
                        return error(column, format!("expected a value, found the operator `{name}`"));
                    }
                    _ => {}
                }
                if self.selections > 0 {
                    Ok(Expr::Prop(Box::new(Expr::Entry), name))
                } else if name == "event" {
                    Ok(Expr::Event)
                } else {
                    error(
                        column,
                        format!("unknown name `{name}`: a filter reads the event as `event` (`event.{name}`?)"),
                    )
                }
            }
            other => error(column, format!("expected a value, found {}", other.describe())),
        }
    }
}

/// A parsed filter condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition(Expr);

/// Parses a filter condition, refusing what Okta's hook filters cannot hold.
pub(crate) fn parse(text: &str) -> Result<Condition, FilterError> {
    let e = parse_expression(text)?;
    want_boolean(&e, 1, "the expression")?;
    Ok(Condition(e))
}

/// Parses an expression of any type.
fn parse_expression(text: &str) -> Result<Expr, FilterError> {
    let tokens = tokenize(text)?;
    let end = text.chars().count() + 1;
    if tokens.is_empty() {
        return error(1, "the expression is empty");
    }
    let mut parser = Parser { tokens, pos: 0, end, nesting: 0, selections: 0 };
    let e = parser.expr()?;
    if parser.peek().is_some() {
        let found = parser.found();
        return error(parser.column(), format!("expected an operator or the end of the expression, found {found}"));
    }
    Ok(e)
}

// ----- evaluation -----

/// Why an evaluation did not give a value (the condition is then not `true`).
type Eval = Result<Value, String>;

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn boolean(v: Value, what: &str) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(b),
        other => Err(format!("{what} is {other}, not a Boolean")),
    }
}

fn string(v: Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(format!("{other} is not a string")),
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn order(a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).ok_or_else(|| "numbers without an order".to_string()),
            _ => Err(format!("{a} and {b} cannot be ordered")),
        },
    }
}

fn eval(e: &Expr, event: &Value, entry: Option<&Value>) -> Eval {
    Ok(match e {
        Expr::Lit(v) => v.clone(),
        Expr::Event => event.clone(),
        Expr::Entry => entry.cloned().unwrap_or(Value::Null),
        Expr::Prop(of, name) => match eval(of, event, entry)? {
            Value::Object(mut fields) => fields.remove(name).unwrap_or(Value::Null),
            _ => Value::Null,
        },
        Expr::Index(of, index) => match (eval(of, event, entry)?, eval(index, event, entry)?) {
            (Value::Array(items), i) => {
                let position = number(&i)
                    .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                    .ok_or_else(|| format!("{i} is not a list index"))?;
                items.into_iter().nth(position as usize).ok_or_else(|| format!("no entry at {position}"))?
            }
            (Value::Object(mut fields), Value::String(key)) => fields.remove(&key).unwrap_or(Value::Null),
            (other, _) => return Err(format!("{other} cannot be indexed")),
        },
        Expr::Select(of, condition) => match eval(of, event, entry)? {
            Value::Array(items) => {
                let mut selected = Vec::new();
                for item in items {
                    if boolean(eval(condition, event, Some(&item))?, "a selection's condition")? {
                        selected.push(item);
                    }
                }
                Value::Array(selected)
            }
            other => return Err(format!("{other} is not a list to select from")),
        },
        Expr::Size(of) => match eval(of, event, entry)? {
            Value::Array(items) => Value::from(items.len()),
            other => return Err(format!("{other} has no size()")),
        },
        Expr::Not(operand) => Value::Bool(!boolean(eval(operand, event, entry)?, "the operand of `!`")?),
        Expr::Neg(operand) => {
            let v = eval(operand, event, entry)?;
            let n = number(&v).ok_or_else(|| format!("{v} is not a number"))?;
            serde_json::Number::from_f64(-n).map_or(Value::Null, Value::Number)
        }
        Expr::Cmp(op, left, right) => {
            let (a, b) = (eval(left, event, entry)?, eval(right, event, entry)?);
            Value::Bool(match op {
                CmpOp::Eq => equal(&a, &b),
                CmpOp::Ne => !equal(&a, &b),
                CmpOp::Gt => order(&a, &b)?.is_gt(),
                CmpOp::Lt => order(&a, &b)?.is_lt(),
                CmpOp::Ge => order(&a, &b)?.is_ge(),
                CmpOp::Le => order(&a, &b)?.is_le(),
            })
        }
        Expr::And(left, right) => Value::Bool(
            boolean(eval(left, event, entry)?, "the left side of `&&`")?
                && boolean(eval(right, event, entry)?, "the right side of `&&`")?,
        ),
        Expr::Or(left, right) => Value::Bool(
            boolean(eval(left, event, entry)?, "the left side of `||`")?
                || boolean(eval(right, event, entry)?, "the right side of `||`")?,
        ),
        Expr::Cond(condition, then, otherwise) => {
            if boolean(eval(condition, event, entry)?, "the condition of `? :`")? {
                eval(then, event, entry)?
            } else {
                eval(otherwise, event, entry)?
            }
        }
        Expr::Call(func, args) => {
            let mut strings = Vec::with_capacity(args.len());
            for arg in args {
                strings.push(string(eval(arg, event, entry)?)?);
            }
            let mut strings = strings.into_iter();
            let mut next = || strings.next().unwrap_or_default();
            match func {
                Func::StringContains => {
                    let (s, part) = (next(), next());
                    Value::Bool(s.contains(&part))
                }
                Func::Len => Value::from(next().chars().count()),
                Func::ToLowerCase => Value::String(next().to_lowercase()),
                Func::ToUpperCase => Value::String(next().to_uppercase()),
                // As Apache Commons' `StringUtils`, which Okta's functions follow: the whole input when the
                // separator is absent (before), nothing (after); an empty separator gives nothing (before) or the
                // whole input (after).
                Func::SubstringBefore => {
                    let (s, separator) = (next(), next());
                    if separator.is_empty() {
                        Value::String(String::new())
                    } else {
                        Value::String(
                            s.split_once(separator.as_str()).map_or_else(|| s.clone(), |(before, _)| before.into()),
                        )
                    }
                }
                Func::SubstringAfter => {
                    let (s, separator) = (next(), next());
                    if separator.is_empty() {
                        Value::String(s)
                    } else {
                        Value::String(s.split_once(separator.as_str()).map_or(String::new(), |(_, after)| after.into()))
                    }
                }
                Func::Append => {
                    let (s, suffix) = (next(), next());
                    Value::String(s + &suffix)
                }
                Func::RemoveSpaces => Value::String(next().replace(' ', "")),
            }
        }
    })
}

impl Condition {
    /// Whether the condition is `true` for a LogEvent (anything else, an evaluation error included, is not).
    pub(crate) fn accepts(&self, event: &Value) -> bool {
        matches!(self.evaluate(event), Ok(Value::Bool(true)))
    }

    /// The condition's value for a LogEvent, or why it has none.
    fn evaluate(&self, event: &Value) -> Eval {
        eval(&self.0, event, None)
    }
}

// ----- the hook's `events.filter` -----

/// The problems of an event hook's `events.filter` (absent or `null`: no filter), as E0000001 causes: a filter type
/// other than `EXPRESSION_LANGUAGE`, an `eventFilterMap` entry whose `event` is not among `events.items` or is
/// filtered twice, an expression that is blank or does not parse.
pub(crate) fn filter_causes(events: &Value) -> Vec<String> {
    let mut causes = Vec::new();
    let filter = match events.get("filter") {
        None | Some(Value::Null) => return causes,
        Some(Value::Object(filter)) => filter,
        Some(_) => return vec!["events.filter: must be an object".to_string()],
    };
    match filter.get("type") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if t == FILTER_TYPE => {}
        Some(_) => causes.push(format!("events.filter.type: The filter type must be {FILTER_TYPE}")),
    }
    let Some(map) = filter.get("eventFilterMap").and_then(Value::as_array) else {
        causes.push("events.filter.eventFilterMap: The field cannot be left blank".to_string());
        return causes;
    };
    let items: Vec<&str> =
        events.get("items").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let mut filtered: Vec<&str> = Vec::new();
    for (i, entry) in map.iter().enumerate() {
        let at = format!("events.filter.eventFilterMap[{i}]");
        match entry.get("event").and_then(Value::as_str).filter(|e| !e.trim().is_empty()) {
            None => causes.push(format!("{at}.event: The field cannot be left blank")),
            Some(event) if !items.contains(&event) => {
                causes.push(format!("{at}.event: '{event}' is not one of the event hook's events.items"));
            }
            Some(event) if filtered.contains(&event) => {
                causes.push(format!("{at}.event: '{event}' has a filter already: one condition per event type"));
            }
            Some(event) => filtered.push(event),
        }
        match entry.pointer("/condition/expression").and_then(Value::as_str).filter(|e| !e.trim().is_empty()) {
            None => causes.push(format!("{at}.condition.expression: The field cannot be left blank")),
            Some(expression) => {
                if let Err(e) = parse(expression) {
                    causes.push(format!("{at}.condition.expression: Invalid expression: {e}"));
                }
            }
        }
    }
    causes
}

/// Fills in what Okta sets on a filter it keeps (a valid one, see [`filter_causes`]): its `type` and each
/// condition's read-only `version` (`null`), when the request left them out.
pub(crate) fn complete_filter(events: &mut Map<String, Value>) {
    let Some(Value::Object(filter)) = events.get_mut("filter") else { return };
    filter.entry("type").or_insert_with(|| Value::String(FILTER_TYPE.to_string()));
    if let Some(Value::Array(map)) = filter.get_mut("eventFilterMap") {
        for entry in map {
            if let Some(Value::Object(condition)) = entry.get_mut("condition") {
                condition.entry("version").or_insert(Value::Null);
            }
        }
    }
}

/// Whether a hook's filter lets an event through: yes when the hook has no condition for the event's type; else
/// when the condition is `true` for it.
pub(crate) fn hook_accepts(hook: &Value, event: &Value) -> bool {
    let Some(map) = hook.pointer("/events/filter/eventFilterMap").and_then(Value::as_array) else { return true };
    let event_type = event.get("eventType").and_then(Value::as_str);
    let Some(entry) = map.iter().find(|entry| entry.get("event").and_then(Value::as_str) == event_type) else {
        return true;
    };
    match entry.pointer("/condition/expression").and_then(Value::as_str).map(parse) {
        Some(Ok(condition)) => condition.accepts(event),
        // Refused when the hook was saved; should one slip through, nothing passes it.
        Some(Err(_)) | None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A `group.user_membership.add` event as Okta records it (the spec's and Okta's docs' shape).
    fn membership_event(group: &str) -> Value {
        json!({
            "uuid": "2ba5f2a0-1111-11ee-8000-000000000001",
            "eventType": "group.user_membership.add",
            "displayMessage": "Add user to group membership",
            "actor": {"id": "00uadmin", "type": "User", "alternateId": "admin@example.com", "displayName": "Admin"},
            "outcome": {"result": "SUCCESS", "reason": null},
            "target": [
                {"id": "00uuser", "type": "User", "alternateId": "ada@example.com", "displayName": "Ada Lovelace"},
                {"id": "00ggroup", "type": "UserGroup", "alternateId": "unknown", "displayName": group},
            ],
            "debugContext": {"debugData": {"requestId": "abc", "risk": 3}},
        })
    }

    /// The value of an expression of any type.
    fn eval_on(expression: &str, event: &Value) -> Eval {
        eval(&parse_expression(expression).map_err(|e| e.to_string())?, event, None)
    }

    fn value(expression: &str) -> Value {
        eval_on(expression, &membership_event("Engineering")).unwrap()
    }

    fn yes(expression: &str) -> bool {
        let condition = parse(expression).unwrap_or_else(|e| panic!("{expression}: {e}"));
        condition.accepts(&membership_event("Engineering"))
    }

    fn refused(expression: &str) -> FilterError {
        match parse(expression) {
            Ok(c) => panic!("{expression} parsed as {c:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_documented_group_condition() {
        let engineering = "event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0";
        assert!(parse(engineering).unwrap().accepts(&membership_event("Engineering")));
        assert!(!parse(engineering).unwrap().accepts(&membership_event("Sales")));
        // The spec's own example, with Okta's spacing (`.size()>0`).
        let spec = "event.target.?[type eq 'UserGroup'].size()>0 && event.target.?[displayName eq 'Sales'].size()>0";
        assert!(parse(spec).unwrap().accepts(&membership_event("Sales")));
        assert!(!parse(spec).unwrap().accepts(&membership_event("Engineering")));
    }

    #[test]
    fn property_paths() {
        assert_eq!(value("event.actor.alternateId"), "admin@example.com");
        assert_eq!(value("event.outcome.result"), "SUCCESS");
        assert_eq!(value("event.debugContext.debugData.risk"), 3);
        assert_eq!(value("event.target").as_array().map(Vec::len), Some(2));
        // Missing fields, and fields of null, read as null.
        assert_eq!(value("event.nothing.here"), Value::Null);
        assert_eq!(value("event.outcome.reason"), Value::Null);
        // A keyword is a field name after `.`.
        assert_eq!(eval_on("event.and", &json!({"and": 1})).unwrap(), 1);
    }

    #[test]
    fn selection_and_size() {
        assert_eq!(value("event.target.?[type eq 'User'].size()"), 1);
        assert_eq!(value("event.target.?[type eq 'Device'].size()"), 0);
        assert_eq!(value("event.target.?[true].size()"), 2);
        assert_eq!(value("event.target.?[type eq 'User']")[0]["id"], "00uuser");
        // Nested: a selection inside a selection's condition reads the inner entries.
        let nested = json!({"target": [{"tags": [{"k": "a"}, {"k": "b"}]}, {"tags": []}]});
        assert_eq!(eval_on("event.target.?[tags.?[k eq 'b'].size() > 0].size()", &nested).unwrap(), 1);
        // Not a list: no value, so no delivery.
        assert!(eval_on("event.actor.?[true].size() > 0", &membership_event("x")).is_err());
        assert!(eval_on("event.missing.size() > 0", &membership_event("x")).is_err());
        assert!(eval_on("event.target.?[displayName].size() > 0", &membership_event("x")).is_err());
    }

    #[test]
    fn index() {
        assert_eq!(value("event.target[1].displayName"), "Engineering");
        assert_eq!(value("event.debugContext.debugData['requestId']"), "abc");
        assert!(eval_on("event.target[2].id eq 'x'", &membership_event("x")).is_err());
        assert!(eval_on("event.target[-1].id eq 'x'", &membership_event("x")).is_err());
    }

    #[test]
    fn literals() {
        assert_eq!(value("'single'"), "single");
        assert_eq!(value("\"double\""), "double");
        assert_eq!(value("'it''s'"), "it's");
        assert_eq!(value("\"say \"\"hi\"\"\""), "say \"hi\"");
        assert_eq!(value("42"), 42.0);
        assert_eq!(value("1.5"), 1.5);
        assert_eq!(value("-2"), -2.0);
        assert_eq!(value("true"), true);
        assert_eq!(value("FALSE"), false);
        assert_eq!(value("null"), Value::Null);
    }

    #[test]
    fn equality() {
        assert!(yes("event.eventType eq 'group.user_membership.add'"));
        assert!(yes("event.eventType EQ 'group.user_membership.add'"));
        assert!(yes("event.eventType == \"group.user_membership.add\""));
        assert!(!yes("event.eventType eq 'user.lifecycle.create'"));
        assert!(yes("event.eventType ne 'user.lifecycle.create'"));
        assert!(yes("event.eventType != 'user.lifecycle.create'"));
        assert!(!yes("event.eventType ne 'group.user_membership.add'"));
        // Strings compare case-sensitively, numbers by value, null only with null.
        assert!(!yes("event.outcome.result eq 'success'"));
        assert!(yes("event.debugContext.debugData.risk == 3.0"));
        assert!(yes("event.outcome.reason eq null"));
        assert!(yes("event.outcome.result ne null"));
        assert!(!yes("event.debugContext.debugData.risk eq '3'"));
    }

    #[test]
    fn ordering() {
        assert!(yes("event.target.size() gt 1"));
        assert!(yes("event.target.size() > 1"));
        assert!(!yes("event.target.size() gt 2"));
        assert!(yes("event.target.size() lt 3"));
        assert!(yes("event.target.size() < 3"));
        assert!(!yes("event.target.size() < 2"));
        assert!(yes("event.target.size() ge 2"));
        assert!(yes("event.target.size() >= 2"));
        assert!(!yes("event.target.size() >= 3"));
        assert!(yes("event.target.size() le 2"));
        assert!(yes("event.target.size() <= 2"));
        assert!(!yes("event.target.size() <= 1"));
        // Strings order lexicographically; a string and a number have no order.
        assert!(yes("event.actor.displayName > 'Aardvark'"));
        assert!(!yes("event.actor.displayName > 3"));
        assert!(!yes("event.outcome.reason < 3"));
    }

    #[test]
    fn boolean_operators() {
        let t = "event.outcome.result eq 'SUCCESS'";
        let f = "event.outcome.result eq 'FAILURE'";
        for (expression, expected) in [
            (format!("{t} && {t}"), true),
            (format!("{t} && {f}"), false),
            (format!("{t} and {t}"), true),
            (format!("{f} AND {t}"), false),
            (format!("{f} || {t}"), true),
            (format!("{f} || {f}"), false),
            (format!("{f} or {t}"), true),
            (format!("{f} OR {f}"), false),
            (format!("!({f})"), true),
            (format!("!({t})"), false),
            (format!("not ({t})"), false),
            (format!("!!({t})"), true),
            // `&&` binds tighter than `||`.
            (format!("{t} || {f} && {f}"), true),
            (format!("({t} || {f}) && {f}"), false),
        ] {
            assert_eq!(yes(&expression), expected, "{expression}");
        }
        // Short-circuit: the right side is not evaluated when the left decides.
        assert!(yes(&format!("{t} || event.missing.size() > 0")));
        assert!(!yes(&format!("{f} && event.missing.size() > 0")));
        // A non-Boolean operand read from the event: no value, no delivery.
        assert!(!yes("event.eventType && true"));
    }

    #[test]
    fn conditional() {
        assert_eq!(value("event.target.size() > 1 ? 'many' : 'one'"), "many");
        assert!(yes("(event.outcome.result eq 'SUCCESS' ? event.target.size() : 0) eq 2"));
    }

    #[test]
    fn string_functions() {
        assert!(yes("String.stringContains(event.actor.alternateId, '@example.com')"));
        assert!(!yes("String.stringContains(event.actor.alternateId, '@example.org')"));
        assert!(yes("event.target.?[String.stringContains(alternateId, 'ada')].size() eq 1"));
        assert_eq!(value("String.len('four')"), 4);
        assert_eq!(value("String.toLowerCase('MiXeD')"), "mixed");
        assert_eq!(value("String.toUpperCase('MiXeD')"), "MIXED");
        assert_eq!(value("String.substringBefore('ada@example.com', '@')"), "ada");
        assert_eq!(value("String.substringBefore('ada', '@')"), "ada");
        assert_eq!(value("String.substringAfter('ada@example.com', '@')"), "example.com");
        assert_eq!(value("String.substringAfter('ada', '@')"), "");
        assert_eq!(value("String.append('a', 'b')"), "ab");
        assert_eq!(value("String.removeSpaces('a b  c')"), "abc");
        // A missing field is no string: no value.
        assert!(!yes("String.stringContains(event.missing, 'x')"));
    }

    #[test]
    fn hook_filters_read_the_filter_of_the_events_type() {
        let condition =
            json!({"expression": "event.target.?[displayName eq 'Engineering'].size() > 0", "version": null});
        let hook = json!({"events": {
            "type": "EVENT_TYPE",
            "items": ["group.user_membership.add", "user.lifecycle.create"],
            "filter": {"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [
                {"event": "group.user_membership.add", "condition": condition},
            ]},
        }});
        assert!(hook_accepts(&hook, &membership_event("Engineering")));
        assert!(!hook_accepts(&hook, &membership_event("Sales")));
        // No condition for this type: delivered.
        assert!(hook_accepts(&hook, &json!({"eventType": "user.lifecycle.create"})));
        assert!(hook_accepts(&json!({"events": {"items": []}}), &membership_event("Sales")));
    }

    #[test]
    fn filter_objects_are_checked() {
        let events =
            |filter: Value| json!({"type": "EVENT_TYPE", "items": ["group.user_membership.add"], "filter": filter});
        let entry = |event: &str, expression: &str| json!({"event": event, "condition": {"expression": expression}});
        assert!(filter_causes(&events(Value::Null)).is_empty());
        assert!(filter_causes(&json!({"items": ["a"]})).is_empty());
        let good = entry("group.user_membership.add", "event.outcome.result eq 'SUCCESS'");
        assert!(filter_causes(&events(json!({"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [good]}))).is_empty());
        assert!(filter_causes(&events(json!({"eventFilterMap": []}))).is_empty());

        let causes = filter_causes(&events(json!({"eventFilterMap": [entry("user.lifecycle.create", "true")]})));
        assert_eq!(
            causes,
            ["events.filter.eventFilterMap[0].event: \
                 'user.lifecycle.create' is not one of the event hook's events.items"]
        );
        let causes =
            filter_causes(&events(json!({"eventFilterMap": [entry("group.user_membership.add", "event.x eq")]})));
        assert_eq!(causes.len(), 1);
        assert!(causes[0].starts_with("events.filter.eventFilterMap[0].condition.expression: Invalid expression"));
        let twice = entry("group.user_membership.add", "true");
        let causes = filter_causes(&events(json!({"eventFilterMap": [twice.clone(), twice]})));
        assert_eq!(causes.len(), 1, "{causes:?}");
        assert!(causes[0].contains("has a filter already"));
        assert_eq!(filter_causes(&events(json!({"type": "SCIM", "eventFilterMap": []}))).len(), 1);
        assert_eq!(filter_causes(&events(json!("event.x eq 1"))), ["events.filter: must be an object"]);
        assert_eq!(filter_causes(&events(json!({}))), ["events.filter.eventFilterMap: The field cannot be left blank"]);
        let blank = filter_causes(&events(json!({"eventFilterMap": [{"event": "", "condition": {}}]})));
        assert_eq!(blank.len(), 2, "{blank:?}");
    }

    #[test]
    fn complete_filter_adds_what_okta_sets() {
        let entry = json!({"event": "a", "condition": {"expression": "true"}});
        let mut events = json!({"items": ["a"], "filter": {"eventFilterMap": [entry]}});
        if let Value::Object(m) = &mut events {
            complete_filter(m);
        }
        assert_eq!(events["filter"]["type"], "EXPRESSION_LANGUAGE");
        assert_eq!(events["filter"]["eventFilterMap"][0]["condition"], json!({"expression": "true", "version": null}));
    }

    #[test]
    fn parse_errors_name_the_problem_and_where() {
        for (expression, column, words) in [
            ("", 1, "empty"),
            ("   ", 1, "empty"),
            ("event.eventType eq 'x", 20, "not closed"),
            ("event.eventType = 'x'", 17, "compare with `eq`"),
            ("event.eventType eq", 19, "ends where a value was expected"),
            ("event.eventType eq 'a' 'b'", 24, "found the string 'b'"),
            ("(event.eventType eq 'a'", 24, "expected `)`"),
            ("user.login eq 'a'", 1, "unknown name `user`"),
            ("event.target.![id]", 13, "projection"),
            ("event.target.^[true]", 13, "first-match"),
            ("event.target.$[true]", 13, "last-match"),
            ("event.target.?[]", 16, "needs a condition"),
            ("event.target.?[type eq 'User'.size() > 0", 41, "`]` closing the selection"),
            ("event.target.length() > 0", 14, "method `length()` is not supported"),
            ("event.target.size(1) > 0", 19, "takes no arguments"),
            ("String.startsWith(event.eventType, 'user')", 1, "`String.startsWith` is not supported"),
            ("Arrays.contains(event.target, 'x')", 1, "`Arrays.contains` is not supported"),
            ("isMemberOfGroup('x')", 1, "`isMemberOfGroup()` is not supported"),
            ("String.len('a', 'b') > 0", 1, "takes 1 argument"),
            ("String.stringContains('a') ", 1, "takes 2 arguments"),
            ("event.target.size() + 1 > 0", 21, "arithmetic"),
            ("#this.id eq 'a'", 1, "`#this`"),
            ("event.eventType matches 'user.*'", 17, "`matches` is not supported"),
            ("event.eventType & true", 17, "`&&`"),
            ("event.eventType eq eq", 20, "the operator `eq`"),
            ("event.outcome ?: 'x'", 15, "Elvis"),
            ("event.", 7, "field name after `.`"),
            ("{1, 2}.size() > 0", 1, "inline lists"),
            ("event.eventType eq 'a' ~", 24, "unexpected character `~`"),
            ("1e5 > 0", 2, "runs into a name"),
            // Okta wants a Boolean.
            ("event.eventType", 0, ""),
            ("'text'", 1, "must be a Boolean"),
            ("event.target.size()", 1, "must be a Boolean"),
            ("event", 1, "must be a Boolean"),
            ("!event.target.size()", 2, "operand of `!`"),
            ("event.target.size() && true", 1, "left side of `&&`"),
            ("true || 'x'", 9, "right side of `||`"),
            ("event.target.?['x'].size() > 0", 16, "selection's condition"),
            ("-true", 1, "needs a number"),
        ] {
            if column == 0 {
                // A field read may hold a Boolean: accepted, decided per event.
                assert!(parse(expression).is_ok(), "{expression}");
                continue;
            }
            let e = refused(expression);
            assert!(e.message.contains(words), "{expression}: {e}");
            assert_eq!(e.column, column, "{expression}: {e}");
        }
    }

    #[test]
    fn no_input_makes_it_panic_or_overflow() {
        let deep = format!("{}true{}", "(".repeat(100), ")".repeat(100));
        assert!(refused(&deep).message.contains("nests deeper"));
        assert!(parse(&format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000))).is_err());
        let negations = format!("{}true", "!".repeat(10_000));
        assert!(parse(&negations).is_err());
        let long = vec!["true"; 5_000].join(" && ");
        assert!(refused(&long).message.contains("too long"));
        let fine = vec!["true"; 500].join(" && ");
        assert!(yes(&fine));
        let selections = format!("{}true{}", "event.target.?[".repeat(100), "]".repeat(100));
        assert!(parse(&selections).is_err());
        // Every prefix of a valid expression, and odd characters anywhere, are answered (not a panic).
        let text = "event.target.?[type eq 'UserGroup' && String.stringContains(displayName, \"Eng\")].size() >= 1 \
            ? !false : null";
        let chars: Vec<char> = text.chars().collect();
        for end in 0..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let _ = parse(&prefix).map(|c| c.accepts(&membership_event("Eng")));
            for odd in ["é", "\u{0}", "\"", "'", "[", "]", ")", "(", ".?[", "9", "-", "?"] {
                let _ = parse(&format!("{prefix}{odd}")).map(|c| c.accepts(&membership_event("Eng")));
            }
        }
        assert!(parse("1e999999 > 0").is_err());
        assert!(parse("99999999999999999999999999999999999999 > 0").is_ok());
    }
}
