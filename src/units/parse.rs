//! Unit text into a [`Unit`].
//!
//! ```text
//! unit   = term
//! term   = factor { ("/" | "·") factor }     left to right: 元/㎡/年 = 元 / (㎡·年)
//! factor = atom | "(" term ")"
//! ```
//!
//! `/` may also be written `／`; `·` may be written `*`, `⋅` or `・`; parentheses may be
//! full-width. White space between tokens is ignored. A `·` after a `/` in the same term
//! (`元/㎡·年`) is rejected as ambiguous: documents mean both "per ㎡-year" and "yuan-years per
//! ㎡" by it; `元/(㎡·年)` and `元/㎡/年` say which.

use rust_decimal::Decimal;

use super::catalog;
use super::dims::Dim;
use super::{Malformed, Unit, UnitError, exact_div, exact_mul};

/// Parentheses nest at most this deep.
const MAX_DEPTH: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    Atom(&'a str),
    Div,
    Mul,
    Open,
    Close,
}

/// A token and the byte range of the text it came from.
type Spanned<'a> = (Tok<'a>, usize, usize);

fn is_div(c: char) -> bool {
    matches!(c, '/' | '／')
}

fn is_mul(c: char) -> bool {
    matches!(c, '·' | '*' | '⋅' | '・')
}

fn is_special(c: char) -> bool {
    is_div(c) || is_mul(c) || matches!(c, '(' | ')' | '（' | '）') || c.is_whitespace()
}

fn tokenize(text: &str) -> Vec<Spanned<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let end = start + c.len_utf8();
        let tok = match c {
            _ if c.is_whitespace() => continue,
            _ if is_div(c) => Tok::Div,
            _ if is_mul(c) => Tok::Mul,
            '(' | '（' => Tok::Open,
            ')' | '）' => Tok::Close,
            _ => {
                let mut end = end;
                while let Some(&(i, c)) = chars.peek() {
                    if is_special(c) {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                out.push((Tok::Atom(text.get(start..end).unwrap_or_default()), start, end));
                continue;
            }
        };
        out.push((tok, start, end));
    }
    out
}

/// A parsed (sub)unit: dimension, scale and the byte range it covers.
#[derive(Clone, Copy)]
struct Part {
    dim: Dim,
    scale: Decimal,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Spanned<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn malformed(&self, problem: Malformed) -> UnitError {
        UnitError::Malformed { text: self.text.to_string(), problem }
    }

    fn peek(&self) -> Option<Spanned<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn term(&mut self, depth: usize) -> Result<Part, UnitError> {
        let mut acc = self.factor(depth)?;
        let mut seen_div = false;
        while let Some((tok, _, _)) = self.peek() {
            let is_div = match tok {
                Tok::Div => true,
                Tok::Mul if seen_div => return Err(self.malformed(Malformed::Ambiguous)),
                Tok::Mul => false,
                Tok::Close => break,
                Tok::Atom(_) | Tok::Open => {
                    return Err(self.malformed(Malformed::MissingOperator));
                }
            };
            self.pos += 1;
            seen_div |= is_div;
            let rhs = self.factor(depth)?;
            acc = self.combine(acc, rhs, is_div)?;
        }
        Ok(acc)
    }

    fn factor(&mut self, depth: usize) -> Result<Part, UnitError> {
        let Some((tok, start, end)) = self.peek() else {
            return Err(self.malformed(Malformed::MissingUnit));
        };
        match tok {
            Tok::Atom(name) => {
                self.pos += 1;
                let atom = catalog::lookup(name).ok_or_else(|| UnitError::Unknown {
                    atom: name.to_string(),
                    suggestions: catalog::suggest(name),
                })?;
                Ok(Part { dim: atom.dim, scale: atom.scale, start, end })
            }
            Tok::Open if depth >= MAX_DEPTH => Err(self.malformed(Malformed::TooDeep)),
            Tok::Open => {
                self.pos += 1;
                let inner = self.term(depth + 1)?;
                match self.peek() {
                    Some((Tok::Close, _, close_end)) => {
                        self.pos += 1;
                        Ok(Part { start, end: close_end, ..inner })
                    }
                    _ => Err(self.malformed(Malformed::Unbalanced)),
                }
            }
            Tok::Close if self.pos == 0 => Err(self.malformed(Malformed::Unbalanced)),
            Tok::Div | Tok::Mul | Tok::Close => Err(self.malformed(Malformed::MissingUnit)),
        }
    }

    fn combine(&self, left: Part, right: Part, is_div: bool) -> Result<Part, UnitError> {
        let slice = |p: &Part| self.text.get(p.start..p.end);
        let (dim, scale) = if is_div {
            (left.dim.div(right.dim), exact_div(left.scale, right.scale))
        } else {
            (left.dim.mul(right.dim), exact_mul(left.scale, right.scale))
        };
        let dim = dim.map_err(|e| e.written_as(slice(&left), slice(&right)))?;
        // Overflow or rounding alike: the factor cannot be represented exactly.
        let scale = scale.map_err(|_| UnitError::ScaleOverflow { text: self.text.to_string() })?;
        Ok(Part { dim, scale, start: left.start, end: right.end })
    }
}

/// Parses unit text such as `万元`, `元/㎡/年`, `万元/(户·年)` or `%`.
///
/// Unknown names are [`UnitError::Unknown`] with "did you mean" suggestions from the catalog;
/// badly formed text is [`UnitError::Malformed`]; combinations the algebra forbids
/// (`个百分点/年`) are the errors of [`Dim::mul`] and [`Dim::div`]. Never panics.
pub fn parse_unit(text: &str) -> Result<Unit, UnitError> {
    let text = text.trim();
    let mut parser = Parser { text, toks: tokenize(text), pos: 0 };
    if parser.toks.is_empty() {
        return Err(parser.malformed(Malformed::Empty));
    }
    let part = parser.term(0)?;
    if parser.peek().is_some() {
        // `term` only stops early at a `)` that no `(` opened
        return Err(parser.malformed(Malformed::Unbalanced));
    }
    Ok(Unit::new(part.dim, part.scale, Some(text.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{Base, Op};
    use proptest::prelude::*;

    fn dim(text: &str) -> Dim {
        parse_unit(text).unwrap().dim()
    }

    fn scale(text: &str) -> Decimal {
        parse_unit(text).unwrap().scale()
    }

    fn malformed(text: &str) -> Malformed {
        match parse_unit(text) {
            Err(UnitError::Malformed { problem, .. }) => problem,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn compound_units() {
        let rate = dim("元/㎡/年");
        assert_eq!(rate.to_string(), "元/㎡/年");
        assert_eq!(dim("元/(㎡·年)"), rate);
        assert_eq!(dim("元 / ㎡ / 年"), rate);
        assert_eq!(dim("yuan/m2/year"), rate);
        assert_eq!(dim("元／（㎡*年）"), rate);
        assert_eq!(dim("万元/家"), Dim::MONEY.div(Dim::THINGS).unwrap());
        assert_eq!(scale("万元/家"), Decimal::from(10_000));
        assert_eq!(dim("元·年/㎡").exponent(Base::Time), 1);
        assert_eq!(scale("万元/(户·年)"), Decimal::from(10_000));
    }

    #[test]
    fn cancelling_units() {
        assert_eq!(dim("人/万人"), Dim::NUMBER);
        assert_eq!(scale("人/万人"), Decimal::new(1, 4));
        assert_eq!(dim("万元/万元"), Dim::NUMBER);
        assert_eq!(scale("万元/万元"), Decimal::ONE);
        assert_eq!(dim("%/年"), Dim::NUMBER.div(Dim::TIME).unwrap());
        assert_eq!(scale("%/年"), Decimal::new(1, 2));
    }

    #[test]
    fn written_text_is_kept() {
        let u = parse_unit("  元/㎡/年 ").unwrap();
        assert_eq!(u.text(), Some("元/㎡/年"));
        assert_eq!(u.to_string(), "元/㎡/年");
    }

    #[test]
    fn malformed_text() {
        assert_eq!(malformed(""), Malformed::Empty);
        assert_eq!(malformed("   "), Malformed::Empty);
        assert_eq!(malformed("元/"), Malformed::MissingUnit);
        assert_eq!(malformed("/年"), Malformed::MissingUnit);
        assert_eq!(malformed("元//年"), Malformed::MissingUnit);
        assert_eq!(malformed("()"), Malformed::MissingUnit);
        assert_eq!(malformed("元 年"), Malformed::MissingOperator);
        assert_eq!(malformed("元(年)"), Malformed::MissingOperator);
        assert_eq!(malformed("(元"), Malformed::Unbalanced);
        assert_eq!(malformed("元)"), Malformed::Unbalanced);
        assert_eq!(malformed(")"), Malformed::Unbalanced);
        assert_eq!(malformed("元/㎡·年"), Malformed::Ambiguous);
        assert_eq!(malformed(&format!("{}元{}", "(".repeat(9), ")".repeat(9))), Malformed::TooDeep);
        assert!(parse_unit(&format!("{}元{}", "(".repeat(8), ")".repeat(8))).is_ok());
    }

    #[test]
    fn forbidden_combinations() {
        let err = parse_unit("个百分点/年").unwrap_err();
        assert!(matches!(err, UnitError::PointsAsFactor { op: Op::Div, .. }));
        assert_eq!(
            err.message().en,
            "cannot divide `个百分点` by `年`: percentage points are a difference, not a factor"
        );
        let err = parse_unit("万元/(万元·pp)").unwrap_err();
        assert_eq!(
            err.message().en,
            "cannot multiply `万元` by `pp`: percentage points are a difference, not a factor"
        );
    }

    #[test]
    fn unknown_atom_inside_compound() {
        assert_eq!(
            parse_unit("元/平方米/月"),
            Err(UnitError::Unknown { atom: "月".to_string(), suggestions: vec![] })
        );
        assert!(matches!(parse_unit("元年"), Err(UnitError::Unknown { .. })));
    }

    #[test]
    fn scale_overflow() {
        let err = parse_unit("亿元·亿元·亿元·亿元").unwrap_err();
        assert!(matches!(err, UnitError::ScaleOverflow { .. }), "{err:?}");
        let err = parse_unit("元/亿元/亿元/亿元/亿元").unwrap_err();
        assert!(matches!(err, UnitError::ScaleOverflow { .. }), "{err:?}");
        assert_eq!(scale("亿元·亿元·亿元"), Decimal::from_i128_with_scale(10i128.pow(24), 0));
    }

    #[test]
    fn exponent_overflow_in_text() {
        let text = vec!["㎡"; 128].join("·");
        assert!(matches!(parse_unit(&text), Err(UnitError::TooComplex { .. })));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_unit(&s);
        }

        #[test]
        fn never_panics_on_unit_like_text(
            s in "[元万亿千㎡平方米年人个家项%％百分点倍圆/·*()（） ]{0,40}"
        ) {
            if let Ok(u) = parse_unit(&s) {
                prop_assert!(!u.scale().is_zero());
                prop_assert_eq!(u.text(), Some(s.trim()));
            }
        }
    }
}
