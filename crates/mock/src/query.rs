//! A subset of Okta's filter/search expression language.
//!
//! Grammar: `expr := term ("or" term)*`, `term := factor ("and" factor)*`,
//! `factor := "not" factor | "(" expr ")" | ATTR "pr" | ATTR OP VALUE`, with OP one of
//! `eq ne sw co ew gt ge lt le` and VALUE a double-quoted string (`\"` escapes), a number,
//! `true`, `false` or `null`. String values compare as [`Case`] says: ignoring case in a `search` (Okta's
//! listUsers docs: "operators … and string values are case insensitive"), exactly in a `filter` ("Filtering is
//! case-sensitive for property names and query values"). Property names are case-sensitive in both.

use std::borrow::Cow;

use serde_json::Value;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Sw,
    Co,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

/// How string values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// `search`: `"ann"` finds `Ann`.
    Insensitive,
    /// `filter`: `"ann"` does not find `Ann`.
    Sensitive,
}

/// A parsed expression.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Present(String),
    Cmp(String, Op, Value),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    LParen,
    RParen,
}

/// Why an expression was rejected (becomes Okta's E0000031).
#[derive(Debug, Clone)]
pub(crate) struct QueryError(pub String);

fn tokenize(s: &str) -> Result<Vec<Tok>, QueryError> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(&c) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if c == '(' {
            it.next();
            out.push(Tok::LParen);
        } else if c == ')' {
            it.next();
            out.push(Tok::RParen);
        } else if c == '"' {
            it.next();
            let mut v = String::new();
            let mut closed = false;
            while let Some(ch) = it.next() {
                match ch {
                    '\\' => match it.next() {
                        Some(e) => v.push(e),
                        None => break,
                    },
                    '"' => {
                        closed = true;
                        break;
                    }
                    other => v.push(other),
                }
            }
            if !closed {
                return Err(QueryError("unterminated string literal".into()));
            }
            out.push(Tok::Str(v));
        } else {
            let mut w = String::new();
            while let Some(&ch) = it.peek() {
                if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                    break;
                }
                w.push(ch);
                it.next();
            }
            out.push(Tok::Word(w));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }
    fn expr(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.term()?;
        while self.is_kw("or") {
            self.pos += 1;
            let right = self.term()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn term(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.factor()?;
        while self.is_kw("and") {
            self.pos += 1;
            let right = self.factor()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn factor(&mut self) -> Result<Expr, QueryError> {
        // Bounded nesting: a hostile expression cannot overflow the stack.
        self.depth += 1;
        if self.depth > 64 {
            return Err(QueryError("expression nested too deeply".into()));
        }
        let r = self.factor_inner();
        self.depth -= 1;
        r
    }
    fn factor_inner(&mut self) -> Result<Expr, QueryError> {
        if self.is_kw("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.factor()?)));
        }
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.expr()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err(QueryError("missing ')'".into())),
                }
            }
            Some(Tok::Word(attr)) => {
                let op = match self.next() {
                    Some(Tok::Word(op)) => op.to_ascii_lowercase(),
                    _ => return Err(QueryError(format!("missing operator after '{attr}'"))),
                };
                let op = match op.as_str() {
                    "pr" => return Ok(Expr::Present(attr)),
                    "eq" => Op::Eq,
                    "ne" => Op::Ne,
                    "sw" => Op::Sw,
                    "co" => Op::Co,
                    "ew" => Op::Ew,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    other => return Err(QueryError(format!("unsupported operator '{other}'"))),
                };
                let val = match self.next() {
                    Some(Tok::Str(s)) => Value::String(s),
                    Some(Tok::Word(w)) => match w.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        n => match n.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                            Some(num) => Value::Number(num),
                            None => return Err(QueryError(format!("invalid value '{n}'"))),
                        },
                    },
                    _ => return Err(QueryError(format!("missing value after '{attr}'"))),
                };
                Ok(Expr::Cmp(attr, op, val))
            }
            _ => Err(QueryError("expected an attribute or '('".into())),
        }
    }
}

/// Parses an expression.
pub(crate) fn parse(s: &str) -> Result<Expr, QueryError> {
    if s.len() > 4096 {
        return Err(QueryError("expression too long".into()));
    }
    let toks = tokenize(s)?;
    if toks.is_empty() {
        return Err(QueryError("empty expression".into()));
    }
    let mut p = Parser { toks, pos: 0, depth: 0 };
    let e = p.expr()?;
    if p.pos < p.toks.len() {
        return Err(QueryError("unexpected trailing input".into()));
    }
    Ok(e)
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn cmp_one(field: &Value, op: Op, lit: &Value, case: Case) -> bool {
    match (field, lit) {
        (Value::String(a), Value::String(b)) => {
            let (a, b): (Cow<'_, str>, Cow<'_, str>) = match case {
                Case::Insensitive => (a.to_lowercase().into(), b.to_lowercase().into()),
                Case::Sensitive => (a.into(), b.into()),
            };
            match op {
                Op::Eq => a == b,
                Op::Ne => a != b,
                Op::Sw => a.starts_with(b.as_ref()),
                Op::Co => a.contains(b.as_ref()),
                Op::Ew => a.ends_with(b.as_ref()),
                Op::Gt => a > b,
                Op::Ge => a >= b,
                Op::Lt => a < b,
                Op::Le => a <= b,
            }
        }
        (Value::Array(items), _) => items.iter().any(|i| cmp_one(i, op, lit, case)),
        (f, Value::Number(_)) => match (as_f64(f), as_f64(lit)) {
            (Some(a), Some(b)) => match op {
                Op::Eq => a == b,
                Op::Ne => a != b,
                Op::Gt => a > b,
                Op::Ge => a >= b,
                Op::Lt => a < b,
                Op::Le => a <= b,
                _ => false,
            },
            _ => false,
        },
        (f, l) => match op {
            Op::Eq => f == l,
            Op::Ne => f != l,
            _ => false,
        },
    }
}

impl Expr {
    /// Evaluates against an object whose fields `get` returns (several values for arrays).
    pub fn matches(&self, get: &dyn Fn(&str) -> Vec<Value>, case: Case) -> bool {
        match self {
            Expr::And(a, b) => a.matches(get, case) && b.matches(get, case),
            Expr::Or(a, b) => a.matches(get, case) || b.matches(get, case),
            Expr::Not(a) => !a.matches(get, case),
            Expr::Present(p) => get(p).iter().any(|v| !v.is_null()),
            Expr::Cmp(p, op, lit) => {
                let vals = get(p);
                if vals.is_empty() {
                    // An absent attribute equals null and differs from everything else.
                    return match op {
                        Op::Eq => lit.is_null(),
                        Op::Ne => !lit.is_null(),
                        _ => false,
                    };
                }
                vals.iter().any(|v| cmp_one(v, *op, lit, case))
            }
        }
    }
}

/// Field access by dotted path into JSON; arrays fan out (any element may match).
pub(crate) fn json_field(v: &Value, path: &str) -> Vec<Value> {
    let mut cur = vec![v];
    for seg in path.split('.') {
        let mut next = Vec::new();
        for c in cur {
            match c {
                Value::Object(m) => {
                    if let Some(x) = m.get(seg) {
                        next.push(x);
                    }
                }
                Value::Array(items) => {
                    for i in items {
                        if let Some(x) = i.get(seg) {
                            next.push(x);
                        }
                    }
                }
                _ => {}
            }
        }
        cur = next;
    }
    cur.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_evaluates() {
        let v = json!({"status": "ACTIVE", "profile": {"login": "Ann@x.com", "n": 3}, "target": [{"id": "a"}, {"id": "b"}]});
        let get = |p: &str| json_field(&v, p);
        for (q, want) in [
            (r#"status eq "ACTIVE""#, true),
            (r#"profile.login sw "ann" and status eq "ACTIVE""#, true),
            (r#"(status eq "X" or profile.n gt 2) and not status eq "Y""#, true),
            (r#"target.id eq "b""#, true),
            (r#"profile.missing pr"#, false),
            (r#"profile.login co "@X.""#, true),
        ] {
            assert_eq!(parse(q).map(|e| e.matches(&get, Case::Insensitive)).ok(), Some(want), "{q}");
        }
        // A filter compares string values exactly; property names are exact in both.
        for (q, insensitive, sensitive) in [
            (r#"profile.login eq "ann@x.com""#, true, false),
            (r#"profile.login eq "Ann@x.com""#, true, true),
            (r#"profile.login sw "ANN""#, true, false),
            (r#"profile.login co "@x.""#, true, true),
            (r#"STATUS eq "ACTIVE""#, false, false),
            (r#"status EQ "ACTIVE""#, true, true),
        ] {
            let e = parse(q).unwrap();
            assert_eq!(
                (e.matches(&get, Case::Insensitive), e.matches(&get, Case::Sensitive)),
                (insensitive, sensitive),
                "{q}"
            );
        }
        for bad in ["", "status", "status eq", "status zz \"a\"", "(status eq \"a\"", "a eq \"x"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
