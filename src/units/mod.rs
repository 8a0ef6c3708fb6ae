//! Units and dimensions: `万元`, `元/㎡/年`, `%`, `个百分点`, ...
//!
//! The checker types every quantity by its [`Dim`] (what it measures); the evaluator carries
//! every value in base units (元, ㎡, 年, 人, 个, 分; a percentage as its fraction). A [`Unit`]
//! is what a document writes next to a number: a dimension, the exact scale from the unit to the
//! base (`万元` → 10000) and the text as written, for display. [`Unit::to_base`] and
//! [`Unit::from_base`] convert values exactly, with checked decimal arithmetic.
//!
//! - [`dims`]: dimensions and the rules for `×`, `÷`, `+`, `−` and comparison;
//! - [`catalog`]: the one table of unit names, also used for "did you mean";
//! - [`parse`]: unit text such as `元/㎡/年` or `万元/(户·年)` into a [`Unit`].
//!
//! Every operation returns a [`UnitError`] instead of panicking; the error names both operands
//! and renders as a bilingual message ([`UnitError::message`]).

pub mod catalog;
pub mod dims;
pub mod parse;

use std::fmt;

use rust_decimal::Decimal;

use crate::diagnostics::{Code, Lang, Text};
pub use catalog::known_atoms;
pub use dims::{Base, Dim, Kind, add_sub, compare};
pub use parse::parse_unit;

/// An operation on two quantities, as named in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `+`
    Add,
    /// `−`
    Sub,
    /// `×`
    Mul,
    /// `÷` (also `/` inside unit text)
    Div,
    /// `<`, `<=`, `=`, `>=`, `>`, `≠`
    Compare,
}

/// Addition or subtraction, the two operations [`add_sub`] types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddSub {
    /// `+`
    Add,
    /// `−`
    Sub,
}

impl From<AddSub> for Op {
    fn from(op: AddSub) -> Op {
        match op {
            AddSub::Add => Op::Add,
            AddSub::Sub => Op::Sub,
        }
    }
}

/// One side of a failed operation: its dimension and, when known, the unit as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    /// The dimension of this side.
    pub dim: Dim,
    /// The unit as the document wrote it (`万元`); `None` shows the canonical [`Dim::display`].
    pub written: Option<String>,
}

impl Operand {
    /// The unit as written, or the canonical display of the dimension.
    pub fn display(&self, lang: Lang) -> String {
        match &self.written {
            Some(w) => w.clone(),
            None => self.dim.display(lang),
        }
    }
}

impl From<Dim> for Operand {
    fn from(dim: Dim) -> Operand {
        Operand { dim, written: None }
    }
}

impl From<&Unit> for Operand {
    fn from(unit: &Unit) -> Operand {
        Operand { dim: unit.dim, written: unit.text.clone() }
    }
}

/// What is wrong with the shape of a unit text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Malformed {
    /// Nothing but white space.
    Empty,
    /// An operator or parenthesis with no unit on one side (`元/`, `/年`, `()`).
    MissingUnit,
    /// Two units with no operator between them (`元 年`).
    MissingOperator,
    /// Parentheses that do not pair up.
    Unbalanced,
    /// A product after a quotient without parentheses (`元/㎡·年`): per ㎡ per year, or
    /// yuan-years per ㎡?
    Ambiguous,
    /// Parentheses nested deeper than any unit needs.
    TooDeep,
}

/// Which way a value was being converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the unit to base units ([`Unit::to_base`]).
    ToBase,
    /// From base units to the unit ([`Unit::from_base`]).
    FromBase,
}

/// Everything that can go wrong with units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitError {
    /// A unit name the catalog does not know, with the nearest known ones.
    Unknown {
        /// The unknown name.
        atom: String,
        /// Known names close to it, best first; may be empty.
        suggestions: Vec<String>,
    },
    /// A unit text that is not a well-formed combination of names.
    Malformed {
        /// The whole unit text.
        text: String,
        /// What is wrong with it.
        problem: Malformed,
    },
    /// Two quantities of different dimensions added, subtracted or compared (`万元 + 项`).
    Incompatible {
        /// The operation.
        op: Op,
        /// The left operand.
        left: Operand,
        /// The right operand.
        right: Operand,
    },
    /// A percentage compared with percentage points (`增长率 > 2个百分点` where the rate is a
    /// `%`), or percentage points minus a percentage.
    PercentVsPoints {
        /// The operation.
        op: Op,
        /// The left operand.
        left: Operand,
        /// The right operand.
        right: Operand,
    },
    /// Percentage points used as a factor or divisor: they are a difference, not a share.
    PointsAsFactor {
        /// The operation ([`Op::Mul`] or [`Op::Div`]).
        op: Op,
        /// The left operand.
        left: Operand,
        /// The right operand.
        right: Operand,
    },
    /// A product or quotient whose dimension has an exponent beyond ±127.
    TooComplex {
        /// The operation ([`Op::Mul`] or [`Op::Div`]).
        op: Op,
        /// The left operand.
        left: Operand,
        /// The right operand.
        right: Operand,
    },
    /// A compound unit whose scale to the base cannot be represented (`亿元·亿元·亿元·亿元`).
    ScaleOverflow {
        /// The unit text.
        text: String,
    },
    /// A value out of the decimal range after conversion (`Decimal::MAX` 亿元 to 元).
    Overflow {
        /// The value before conversion.
        value: Decimal,
        /// The unit converted to or from.
        unit: Unit,
        /// The direction of the conversion.
        direction: Direction,
    },
    /// A value that would need more than 28 decimal places after conversion.
    Inexact {
        /// The value before conversion.
        value: Decimal,
        /// The unit converted to or from.
        unit: Unit,
        /// The direction of the conversion.
        direction: Direction,
    },
}

impl UnitError {
    /// Replaces the names of both operands by the units as written, for the variants that have
    /// operands; a `None` keeps that side as it is.
    pub fn written_as(mut self, left_text: Option<&str>, right_text: Option<&str>) -> UnitError {
        if let UnitError::Incompatible { left, right, .. }
        | UnitError::PercentVsPoints { left, right, .. }
        | UnitError::PointsAsFactor { left, right, .. }
        | UnitError::TooComplex { left, right, .. } = &mut self
        {
            if let Some(t) = left_text {
                left.written = Some(t.to_string());
            }
            if let Some(t) = right_text {
                right.written = Some(t.to_string());
            }
        }
        self
    }

    /// The diagnostic code this error is reported under.
    pub fn code(&self) -> Code {
        match self {
            UnitError::Unknown { .. } | UnitError::Malformed { .. } => Code::UnknownUnit,
            UnitError::Incompatible { .. }
            | UnitError::PointsAsFactor { .. }
            | UnitError::TooComplex { .. } => Code::UnitMismatch,
            UnitError::PercentVsPoints { .. } => Code::PercentVsPoints,
            UnitError::ScaleOverflow { .. }
            | UnitError::Overflow { .. }
            | UnitError::Inexact { .. } => Code::NumberLiteral,
        }
    }

    /// The message in both languages, naming the units involved.
    pub fn message(&self) -> Text {
        match self {
            UnitError::Unknown { atom, .. } => {
                Text::new(format!("未知单位 `{atom}`"), format!("unknown unit `{atom}`"))
            }
            UnitError::Malformed { problem: Malformed::Empty, .. } => {
                Text::new("单位为空", "empty unit")
            }
            UnitError::Malformed { text, problem } => {
                let (zh, en) = match problem {
                    Malformed::Empty | Malformed::MissingUnit => {
                        ("运算符或括号的一侧没有单位", "an operator or parenthesis has no unit")
                    }
                    Malformed::MissingOperator => {
                        ("两个单位之间缺少 `/` 或 `·`", "two units with no `/` or `·` between them")
                    }
                    Malformed::Unbalanced => ("括号不成对", "unbalanced parentheses"),
                    Malformed::Ambiguous => ("`/` 后面的 `·` 有歧义", "`·` after `/` is ambiguous"),
                    Malformed::TooDeep => ("括号嵌套过深", "parentheses nested too deeply"),
                };
                Text::new(
                    format!("单位 `{text}` 写法有误：{zh}"),
                    format!("malformed unit `{text}`: {en}"),
                )
            }
            UnitError::Incompatible { op, left, right } => {
                cannot(*op, left, right, "单位不相容", "incompatible units")
            }
            UnitError::PercentVsPoints { op, left, right } => cannot(
                *op,
                left,
                right,
                "一个是百分比，一个是百分点",
                "one is a percentage, the other percentage points",
            ),
            UnitError::PointsAsFactor { op, left, right } => {
                let en = cannot(
                    *op,
                    left,
                    right,
                    "",
                    "percentage points are a difference, not a factor",
                )
                .en;
                let (lz, rz) = (left.display(Lang::Zh), right.display(Lang::Zh));
                let verb = zh_verb(*op);
                // The reason is a sentence of its own, so it follows the verb.
                Text::new(
                    format!("`{lz}` 与 `{rz}` 不能{verb}：百分点是两个百分比之差，不是比例"),
                    en,
                )
            }
            UnitError::TooComplex { op, left, right } => {
                cannot(*op, left, right, "结果的单位过于复杂", "the resulting unit is too complex")
            }
            UnitError::ScaleOverflow { text } => Text::new(
                format!("单位 `{text}` 的换算系数超出可表示范围"),
                format!("the conversion factor of unit `{text}` is out of range"),
            ),
            UnitError::Overflow { value, unit, direction } => {
                let (zh_unit, en_unit) = (unit.display(Lang::Zh), unit.display(Lang::En));
                match direction {
                    Direction::ToBase => Text::new(
                        format!("数值 `{value}{zh_unit}` 换算为基本单位时超出可表示范围"),
                        format!("`{value}{en_unit}` is out of range when converted to base units"),
                    ),
                    Direction::FromBase => Text::new(
                        format!("数值 `{value}`（基本单位）换算为 `{zh_unit}` 时超出可表示范围"),
                        format!(
                            "`{value}` (in base units) is out of range when converted to `{en_unit}`"
                        ),
                    ),
                }
            }
            UnitError::Inexact { value, unit, direction } => {
                let (zh_unit, en_unit) = (unit.display(Lang::Zh), unit.display(Lang::En));
                let (zh, en) = match direction {
                    Direction::ToBase => (
                        format!("数值 `{value}{zh_unit}` 换算为基本单位"),
                        format!("`{value}{en_unit}` cannot be converted to base units exactly"),
                    ),
                    Direction::FromBase => (
                        format!("数值 `{value}`（基本单位）换算为 `{zh_unit}`"),
                        format!(
                            "`{value}` (in base units) cannot be converted to `{en_unit}` exactly"
                        ),
                    ),
                };
                Text::new(
                    format!("{zh}后小数位过多，无法精确表示"),
                    format!("{en}: too many decimal places"),
                )
            }
        }
    }

    /// Help in both languages, when there is something useful to say.
    pub fn help(&self) -> Option<Text> {
        match self {
            UnitError::Unknown { suggestions, .. } if !suggestions.is_empty() => {
                crate::diagnostics::suggest::help_text(suggestions)
            }
            UnitError::Malformed { problem: Malformed::Ambiguous, .. } => Some(Text::new(
                "写成 `元/(㎡·年)` 或 `元/㎡/年` 表示每平方米每年",
                "write `元/(㎡·年)` or `元/㎡/年` for per square metre per year",
            )),
            UnitError::Incompatible { left, right, .. } => {
                let percent_vs_number =
                    |a: &Operand, b: &Operand| a.dim.kind() != Kind::Plain && b.dim.is_number();
                if percent_vs_number(left, right) || percent_vs_number(right, left) {
                    return Some(Text::new(
                        "把纯数写成百分比或百分点，例如 0.3 写作 30%",
                        "write the plain number as a percentage, e.g. `30%` for 0.3",
                    ));
                }
                // Name the dimension of each side written in a unit of its own (`万元`, `家`);
                // a side shown as its dimension already says it.
                let sides = |lang| -> Vec<(String, String)> {
                    [left, right]
                        .into_iter()
                        .filter_map(|o| {
                            let w = o.written.clone()?;
                            let d = o.dim.display(lang);
                            (w != d).then_some((w, d))
                        })
                        .collect()
                };
                let (zh, en) = (sides(Lang::Zh), sides(Lang::En));
                if zh.is_empty() || en.is_empty() {
                    return None;
                }
                let zh: Vec<String> =
                    zh.iter().map(|(w, d)| format!("`{w}` 的量纲是 `{d}`")).collect();
                let en: Vec<String> = en
                    .iter()
                    .enumerate()
                    .map(|(i, (w, d))| {
                        if i == 0 {
                            format!("`{w}` is measured in `{d}`")
                        } else {
                            format!("`{w}` in `{d}`")
                        }
                    })
                    .collect();
                Some(Text::new(zh.join("，"), en.join(", ")))
            }
            UnitError::PercentVsPoints { .. } => Some(Text::new(
                "百分点是两个百分比之差（30% − 28% = 2个百分点），请把两边写成同一种",
                "percentage points are the difference of two percentages \
                 (30% − 28% = 2 percentage points); state both sides the same way",
            )),
            UnitError::PointsAsFactor { .. } => Some(Text::new(
                "要按比例计算，请用百分比（%）",
                "to take a share, use a percentage (`%`)",
            )),
            _ => None,
        }
    }
}

/// "`l` 与 `r` {reason}，不能{verb}" / "cannot {verb} `l` ... `r`: {reason}".
fn cannot(op: Op, left: &Operand, right: &Operand, zh_reason: &str, en_reason: &str) -> Text {
    let (lz, rz) = (left.display(Lang::Zh), right.display(Lang::Zh));
    let (le, re) = (left.display(Lang::En), right.display(Lang::En));
    let zh_verb = zh_verb(op);
    let en = match op {
        Op::Add => format!("cannot add `{le}` and `{re}`"),
        Op::Sub => format!("cannot subtract `{re}` from `{le}`"),
        Op::Mul => format!("cannot multiply `{le}` by `{re}`"),
        Op::Div => format!("cannot divide `{le}` by `{re}`"),
        Op::Compare => format!("cannot compare `{le}` with `{re}`"),
    };
    Text::new(format!("`{lz}` 与 `{rz}` {zh_reason}，不能{zh_verb}"), format!("{en}: {en_reason}"))
}

/// The Chinese verb of an operation: `相加`, `比较` ...
fn zh_verb(op: Op) -> &'static str {
    match op {
        Op::Add => "相加",
        Op::Sub => "相减",
        Op::Mul => "相乘",
        Op::Div => "相除",
        Op::Compare => "比较",
    }
}

impl fmt::Display for UnitError {
    /// The English message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for UnitError {}

/// A unit as a document writes it: a dimension, the exact scale to the base unit, and the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    dim: Dim,
    scale: Decimal,
    text: Option<String>,
}

impl Unit {
    /// The unit values of a dimension are shown in when nothing else is said: the base unit
    /// (`元`, `元/㎡/年`), or `%` and `个百分点` (scale 0.01) for percentages and points.
    pub fn canonical(dim: Dim) -> Unit {
        let scale = match dim.kind() {
            Kind::Plain => Decimal::ONE,
            Kind::Percent | Kind::Points => Decimal::new(1, 2),
        };
        Unit { dim, scale, text: None }
    }

    /// A unit from its parts; only the parser builds written units.
    pub(crate) fn new(dim: Dim, scale: Decimal, text: Option<String>) -> Unit {
        Unit { dim, scale, text }
    }

    /// The dimension.
    pub fn dim(&self) -> Dim {
        self.dim
    }

    /// How many base units one of this unit is (`万元` → 10000, `%` → 0.01).
    pub fn scale(&self) -> Decimal {
        self.scale
    }

    /// The text as written, or `None` for a [`Unit::canonical`] unit.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The unit as written, or the canonical display of its dimension.
    pub fn display(&self, lang: Lang) -> String {
        match &self.text {
            Some(t) => t.clone(),
            None => self.dim.display(lang),
        }
    }

    /// True if both units have the same dimension and scale, however they are written
    /// (`㎡` and `平方米`; `家` and `户`).
    pub fn is_equivalent(&self, other: &Unit) -> bool {
        self.dim == other.dim && self.scale == other.scale
    }

    /// A value in this unit, in base units: `5` 万元 → `50000`, `30` % → `0.30`.
    ///
    /// Exact: an out-of-range result is [`UnitError::Overflow`], one needing more than 28
    /// decimal places is [`UnitError::Inexact`]. (The exactness check relies on every scale
    /// being a power of ten, which every catalog atom and so every compound unit is.)
    pub fn to_base(&self, value: Decimal) -> Result<Decimal, UnitError> {
        exact_mul(value, self.scale).map_err(|e| self.conversion_error(e, value, Direction::ToBase))
    }

    /// A value in base units, in this unit: `50000` (元) → `5` 万元, `0.30` → `30` %.
    /// Errors as for [`Unit::to_base`].
    pub fn from_base(&self, value: Decimal) -> Result<Decimal, UnitError> {
        exact_div(value, self.scale)
            .map_err(|e| self.conversion_error(e, value, Direction::FromBase))
    }

    fn conversion_error(&self, e: Inexactness, value: Decimal, direction: Direction) -> UnitError {
        let unit = self.clone();
        match e {
            Inexactness::Overflow => UnitError::Overflow { value, unit, direction },
            Inexactness::Rounded => UnitError::Inexact { value, unit, direction },
        }
    }

    fn operands<T>(&self, other: &Unit, r: Result<T, UnitError>) -> Result<T, UnitError> {
        r.map_err(|e| e.written_as(self.text(), other.text()))
    }

    /// The dimension of a value in `self` times a value in `other` (values multiply in base
    /// units); see [`Dim::mul`]. Errors name both units as written.
    pub fn mul(&self, other: &Unit) -> Result<Dim, UnitError> {
        self.operands(other, self.dim.mul(other.dim))
    }

    /// The dimension of a value in `self` divided by one in `other`; see [`Dim::div`].
    pub fn div(&self, other: &Unit) -> Result<Dim, UnitError> {
        self.operands(other, self.dim.div(other.dim))
    }

    /// The dimension of a sum or difference; see [`add_sub`]. Errors name both units as written.
    pub fn add_sub(&self, other: &Unit, op: AddSub) -> Result<Dim, UnitError> {
        self.operands(other, add_sub(self.dim, other.dim, op))
    }

    /// Whether values in these units can be compared; see [`compare`].
    pub fn compare(&self, other: &Unit) -> Result<(), UnitError> {
        self.operands(other, compare(self.dim, other.dim))
    }
}

impl fmt::Display for Unit {
    /// The unit as written (canonical units in Chinese).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(Lang::Zh))
    }
}

/// Why an exact decimal operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inexactness {
    /// The result is out of range.
    Overflow,
    /// The result would have been rounded.
    Rounded,
}

/// `a × b`, failing rather than rounding. Checked by dividing back, which is exact when `b` is
/// a power of ten.
pub(crate) fn exact_mul(a: Decimal, b: Decimal) -> Result<Decimal, Inexactness> {
    let product = a.checked_mul(b).ok_or(Inexactness::Overflow)?;
    if b.is_zero() || product.checked_div(b) == Some(a) {
        Ok(product)
    } else {
        Err(Inexactness::Rounded)
    }
}

/// `a ÷ b`, failing rather than rounding (or dividing by zero, reported as overflow).
pub(crate) fn exact_div(a: Decimal, b: Decimal) -> Result<Decimal, Inexactness> {
    let quotient = a.checked_div(b).ok_or(Inexactness::Overflow)?;
    if quotient.checked_mul(b) == Some(a) { Ok(quotient) } else { Err(Inexactness::Rounded) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(text: &str) -> Unit {
        parse_unit(text).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rate_times_area_is_money_81600() {
        let rate = unit("元/㎡");
        let area = unit("㎡");
        let dim = rate.mul(&area).unwrap();
        assert_eq!(dim, Dim::MONEY);
        let value = rate.to_base(dec("48")).unwrap() * area.to_base(dec("1700")).unwrap();
        assert_eq!(Unit::canonical(dim).from_base(value).unwrap(), dec("81600"));
        assert_eq!(unit("万元").from_base(value).unwrap(), dec("8.16"));
        assert_eq!(Unit::canonical(dim).to_string(), "元");
    }

    #[test]
    fn yearly_rate_times_area_times_years_is_money() {
        let rate = unit("元/㎡/年");
        let per_year = rate.mul(&unit("平方米")).unwrap();
        assert_eq!(per_year, Dim::MONEY.div(Dim::TIME).unwrap());
        assert_eq!(per_year.mul(unit("年").dim()).unwrap(), Dim::MONEY);
        // 2 元/㎡/年 × 1500 ㎡ × 3 年 = 9000 元
        let v = rate.to_base(dec("2")).unwrap() * dec("1500") * dec("3");
        assert_eq!(v, dec("9000"));
    }

    #[test]
    fn money_plus_items_is_an_error_naming_both() {
        let err = unit("万元").add_sub(&unit("项"), AddSub::Add).unwrap_err();
        assert!(matches!(err, UnitError::Incompatible { op: Op::Add, .. }));
        assert_eq!(err.code(), Code::UnitMismatch);
        let m = err.message();
        assert_eq!(m.zh, "`万元` 与 `项` 单位不相容，不能相加");
        assert_eq!(m.en, "cannot add `万元` and `项`: incompatible units");
        let help = err.help().unwrap();
        assert_eq!(help.zh, "`万元` 的量纲是 `元`，`项` 的量纲是 `个`");
        assert_eq!(help.en, "`万元` is measured in `yuan`, `项` in `item`");
    }

    #[test]
    fn wan_yuan_plus_yuan_is_money() {
        let (wan, yuan) = (unit("万元"), unit("元"));
        assert_eq!(wan.add_sub(&yuan, AddSub::Add).unwrap(), Dim::MONEY);
        assert_eq!(wan.to_base(dec("5")).unwrap(), dec("50000"));
        assert_eq!(yuan.to_base(dec("3000")).unwrap(), dec("3000"));
        assert_eq!(unit("千元").to_base(dec("2.5")).unwrap(), dec("2500"));
    }

    #[test]
    fn large_scales() {
        assert_eq!(unit("亿元").to_base(Decimal::ONE).unwrap(), dec("100000000"));
        assert_eq!(unit("万人").to_base(Decimal::ONE).unwrap(), dec("10000"));
        assert_eq!(unit("万人").dim(), unit("人").dim());
        assert_eq!(unit("万户").to_base(dec("1.2")).unwrap(), dec("12000"));
        assert_eq!(unit("万平方米").to_base(dec("3")).unwrap(), dec("30000"));
    }

    #[test]
    fn percent_and_points_values() {
        assert_eq!(unit("%").to_base(dec("30")).unwrap(), dec("0.30"));
        assert_eq!(unit("％").to_base(dec("30")).unwrap(), dec("0.3"));
        assert_eq!(unit("个百分点").to_base(dec("2")).unwrap(), dec("0.02"));
        assert_eq!(Unit::canonical(Dim::PERCENT).from_base(dec("0.325")).unwrap(), dec("32.5"));
        assert_eq!(Unit::canonical(Dim::POINTS).to_string(), "个百分点");
        assert_eq!(Unit::canonical(Dim::POINTS).display(Lang::En), "percentage points");
    }

    #[test]
    fn percent_arithmetic() {
        let (pct, pts) = (unit("%"), unit("个百分点"));
        assert_eq!(pct.add_sub(&pct, AddSub::Sub).unwrap(), Dim::POINTS);
        assert_eq!(pct.add_sub(&pts, AddSub::Add).unwrap(), Dim::PERCENT);
        let err = pct.compare(&pts).unwrap_err();
        assert_eq!(err.code(), Code::PercentVsPoints);
        assert_eq!(
            err.message().en,
            "cannot compare `%` with `个百分点`: one is a percentage, the other percentage points"
        );
        assert_eq!(err.message().zh, "`%` 与 `个百分点` 一个是百分比，一个是百分点，不能比较");
        assert!(err.help().is_some());
    }

    #[test]
    fn points_times_money_is_an_error() {
        let err = unit("个百分点").mul(&unit("元")).unwrap_err();
        assert!(matches!(err, UnitError::PointsAsFactor { op: Op::Mul, .. }));
        assert_eq!(
            err.message().en,
            "cannot multiply `个百分点` by `元`: percentage points are a difference, not a factor"
        );
    }

    #[test]
    fn percent_and_plain_number_do_not_add() {
        let err = add_sub(Dim::PERCENT, Dim::NUMBER, AddSub::Add).unwrap_err();
        assert_eq!(err.message().zh, "`%` 与 `无单位` 单位不相容，不能相加");
        assert_eq!(err.message().en, "cannot add `%` and `number`: incompatible units");
        assert_eq!(
            err.help().unwrap().en,
            "write the plain number as a percentage, e.g. `30%` for 0.3"
        );
    }

    #[test]
    fn unknown_units_suggest() {
        let err = parse_unit("万圆").unwrap_err();
        assert_eq!(
            err,
            UnitError::Unknown {
                atom: "万圆".to_string(), suggestions: vec!["万元".to_string()]
            }
        );
        assert_eq!(err.code(), Code::UnknownUnit);
        assert_eq!(err.message().en, "unknown unit `万圆`");
        assert_eq!(err.help().unwrap().zh, "你是不是想写 `万元`？");
        let err = parse_unit("元/平米/年").unwrap_err();
        assert_eq!(err.help().unwrap().en, "did you mean `平方米`?");
        let err = parse_unit("万园").unwrap_err();
        assert_eq!(err.help().unwrap().zh, "你是不是想写 `万个`、`万人` 或 `万元`？");
        assert_eq!(parse_unit("公顷").unwrap_err().help(), None);
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let yi = unit("亿元");
        let err = yi.to_base(Decimal::MAX).unwrap_err();
        assert_eq!(
            err,
            UnitError::Overflow {
                value: Decimal::MAX,
                unit: yi.clone(),
                direction: Direction::ToBase
            }
        );
        assert_eq!(err.code(), Code::NumberLiteral);
        assert!(err.message().en.contains("亿元"), "{}", err.message().en);
        assert!(yi.to_base(Decimal::MIN).is_err());
        let pct = unit("%");
        assert!(matches!(
            pct.from_base(Decimal::MAX),
            Err(UnitError::Overflow { direction: Direction::FromBase, .. })
        ));
        // 28 decimal places in %, 30 in base units: would be rounded
        let tiny = Decimal::new(1, 28);
        assert!(matches!(pct.to_base(tiny), Err(UnitError::Inexact { .. })));
        assert!(matches!(yi.from_base(tiny), Err(UnitError::Inexact { .. })));
        assert_eq!(pct.to_base(Decimal::new(1, 26)).unwrap(), Decimal::new(1, 28));
    }

    #[test]
    fn exact_helpers() {
        assert_eq!(exact_div(Decimal::ONE, Decimal::ZERO), Err(Inexactness::Overflow));
        assert_eq!(exact_mul(dec("1.5"), Decimal::ZERO), Ok(Decimal::ZERO));
        assert_eq!(exact_div(dec("81600"), dec("10000")), Ok(dec("8.16")));
    }

    #[test]
    fn written_as_names_operands() {
        let err = compare(Dim::MONEY, Dim::PEOPLE).unwrap_err();
        assert_eq!(err.message().zh, "`元` 与 `人` 单位不相容，不能比较");
        assert_eq!(err.message().en, "cannot compare `yuan` with `person`: incompatible units");
        let err = err.written_as(Some("万元"), None);
        assert_eq!(err.message().zh, "`万元` 与 `人` 单位不相容，不能比较");
        assert_eq!(err.message().en, "cannot compare `万元` with `person`: incompatible units");
        assert_eq!(err.to_string(), err.message().en);
        let unknown = UnitError::Unknown { atom: "x".into(), suggestions: vec![] };
        assert_eq!(unknown.clone().written_as(Some("a"), Some("b")), unknown);
    }

    #[test]
    fn equivalence_ignores_spelling() {
        assert!(unit("㎡").is_equivalent(&unit("平方米")));
        assert!(unit("家").is_equivalent(&unit("户")));
        assert!(!unit("万元").is_equivalent(&unit("元")));
        assert_ne!(unit("㎡"), unit("平方米"));
        assert_eq!(unit("元/㎡/年").to_string(), "元/㎡/年");
    }
}
