//! Dimensions: what a quantity measures, independent of the unit it is written in.
//!
//! A [`Dim`] is a vector of exponents over the six [`Base`] quantities plus a [`Kind`]. `元/㎡/年`
//! is money¹·area⁻¹·time⁻¹; `万元` and `元` have the same dimension. Percentages and percentage
//! points are dimensionless but of their own kind, so that the checker can tell `30%` from `0.3`
//! and from `2个百分点`. A dimension of kind [`Kind::Percent`] or [`Kind::Points`] always has all
//! exponents zero; the operations here keep it so.

use std::fmt;

use super::{AddSub, Op, Operand, UnitError};
use crate::diagnostics::Lang;

/// The base quantities, in the order dimensions are displayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Base {
    /// Money; base unit 元.
    Money,
    /// Area; base unit ㎡.
    Area,
    /// Time; base unit 年.
    Time,
    /// People; base unit 人.
    People,
    /// Things counted: enterprises, households, projects, items; base unit 个.
    Things,
    /// Assessment score; base unit 分.
    Score,
}

impl Base {
    /// Every base quantity, in display order.
    pub const ALL: [Base; 6] =
        [Base::Money, Base::Area, Base::Time, Base::People, Base::Things, Base::Score];

    /// The name of the base unit in one language, as used in canonical displays.
    pub fn symbol(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Base::Money, Lang::Zh) => "元",
            (Base::Money, Lang::En) => "yuan",
            (Base::Area, _) => "㎡",
            (Base::Time, Lang::Zh) => "年",
            (Base::Time, Lang::En) => "year",
            (Base::People, Lang::Zh) => "人",
            (Base::People, Lang::En) => "person",
            (Base::Things, Lang::Zh) => "个",
            (Base::Things, Lang::En) => "item",
            (Base::Score, Lang::Zh) => "分",
            (Base::Score, Lang::En) => "score",
        }
    }
}

/// Whether a dimensionless quantity is a plain number, a percentage or a difference of
/// percentages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An ordinary quantity (money, area, a plain number, ...).
    Plain,
    /// A percentage (`%`): a share. Its value in base units is the fraction, `30%` → `0.30`.
    Percent,
    /// Percentage points (`个百分点`): the difference of two percentages, `2个百分点` → `0.02`.
    /// Points can be added and subtracted but never used as a factor.
    Points,
}

/// The dimension of a quantity: exponents over the [`Base`] quantities and a [`Kind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dim {
    exps: [i8; 6],
    kind: Kind,
}

impl Dim {
    /// A plain number: no unit at all (also the dimension of `倍`).
    pub const NUMBER: Dim = Dim { exps: [0; 6], kind: Kind::Plain };
    /// A percentage.
    pub const PERCENT: Dim = Dim { exps: [0; 6], kind: Kind::Percent };
    /// Percentage points.
    pub const POINTS: Dim = Dim { exps: [0; 6], kind: Kind::Points };
    /// Money (元).
    pub const MONEY: Dim = Dim::base(Base::Money);
    /// Area (㎡).
    pub const AREA: Dim = Dim::base(Base::Area);
    /// Time (年).
    pub const TIME: Dim = Dim::base(Base::Time);
    /// People (人).
    pub const PEOPLE: Dim = Dim::base(Base::People);
    /// Things counted (个).
    pub const THINGS: Dim = Dim::base(Base::Things);
    /// Score (分).
    pub const SCORE: Dim = Dim::base(Base::Score);

    /// The dimension of one base quantity, e.g. money.
    pub const fn base(base: Base) -> Dim {
        let exps = match base {
            Base::Money => [1, 0, 0, 0, 0, 0],
            Base::Area => [0, 1, 0, 0, 0, 0],
            Base::Time => [0, 0, 1, 0, 0, 0],
            Base::People => [0, 0, 0, 1, 0, 0],
            Base::Things => [0, 0, 0, 0, 1, 0],
            Base::Score => [0, 0, 0, 0, 0, 1],
        };
        Dim { exps, kind: Kind::Plain }
    }

    /// The kind: plain, percent or percentage points.
    pub fn kind(self) -> Kind {
        self.kind
    }

    /// The exponent of one base quantity (`元/㎡/年` has money 1, area −1, time −1).
    pub fn exponent(self, base: Base) -> i8 {
        Base::ALL.iter().zip(self.exps).find(|(b, _)| **b == base).map_or(0, |(_, e)| e)
    }

    /// True for a plain number without any unit.
    pub fn is_number(self) -> bool {
        self == Dim::NUMBER
    }

    /// True if every exponent is zero (plain numbers, percentages and percentage points).
    pub fn is_dimensionless(self) -> bool {
        self.exps.iter().all(|e| *e == 0)
    }

    fn plain(exps: [i8; 6]) -> Dim {
        Dim { exps, kind: Kind::Plain }
    }

    /// Exponent-wise combination of two plain dimensions; `None` if an exponent leaves `i8`.
    fn combine(self, other: Dim, f: fn(i8, i8) -> Option<i8>) -> Option<Dim> {
        let mut exps = [0i8; 6];
        for (out, (a, b)) in exps.iter_mut().zip(self.exps.iter().zip(other.exps.iter())) {
            *out = f(*a, *b)?;
        }
        Some(Dim::plain(exps))
    }

    fn negated(self) -> Option<Dim> {
        Dim::NUMBER.combine(self, i8::checked_sub)
    }

    /// The dimension of a product.
    ///
    /// Exponents add. A percentage times a plain number stays a percentage (`30% × 2 = 60%`);
    /// a percentage times any other quantity is that quantity (`30% × 万元` is money, the share
    /// being accounted for in the value); a percentage times a percentage is a percentage.
    /// Percentage points are a difference, not a factor: multiplying them is
    /// [`UnitError::PointsAsFactor`].
    #[expect(clippy::should_implement_trait, reason = "fallible, so not `std::ops::Mul`")]
    pub fn mul(self, other: Dim) -> Result<Dim, UnitError> {
        self.mul_div(other, Op::Mul)
    }

    /// The dimension of a quotient.
    ///
    /// Exponents subtract. A percentage over a percentage is a plain number (`30% / 10% = 3`);
    /// a percentage over a plain number stays a percentage; a percentage over another quantity
    /// is a plain rate (`%/年`, the share being accounted for in the value); a quantity over a
    /// percentage is that quantity (`100万元 / 20%` is money). Dividing with percentage points
    /// on either side is [`UnitError::PointsAsFactor`].
    #[expect(clippy::should_implement_trait, reason = "fallible, so not `std::ops::Div`")]
    pub fn div(self, other: Dim) -> Result<Dim, UnitError> {
        self.mul_div(other, Op::Div)
    }

    fn mul_div(self, other: Dim, op: Op) -> Result<Dim, UnitError> {
        let err = |make: fn(Op, Operand, Operand) -> UnitError| make(op, self.into(), other.into());
        if self.kind == Kind::Points || other.kind == Kind::Points {
            return Err(err(|op, left, right| UnitError::PointsAsFactor { op, left, right }));
        }
        let result = match (self.kind, other.kind, op) {
            (Kind::Percent, Kind::Percent, Op::Mul) => Some(Dim::PERCENT),
            (Kind::Percent, Kind::Percent, _) => Some(Dim::NUMBER),
            (Kind::Percent, _, Op::Mul) | (Kind::Percent, _, Op::Div) if other.is_number() => {
                Some(Dim::PERCENT)
            }
            (Kind::Percent, _, Op::Mul) => Some(other),
            (Kind::Percent, _, _) => other.negated(),
            (_, Kind::Percent, Op::Mul) if self.is_number() => Some(Dim::PERCENT),
            (_, Kind::Percent, _) => Some(self),
            (_, _, Op::Mul) => self.combine(other, i8::checked_add),
            (_, _, _) => self.combine(other, i8::checked_sub),
        };
        result.ok_or_else(|| err(|op, left, right| UnitError::TooComplex { op, left, right }))
    }

    /// The canonical display in one language: `元`, `元/㎡/年`, `%`, `个百分点`, `无单位`.
    ///
    /// Quantities with a positive exponent come first, joined by `·`; each one with a negative
    /// exponent follows after its own `/`. Exponents above one are superscripts (`㎡²`).
    pub fn display(self, lang: Lang) -> String {
        match (self.kind, lang) {
            (Kind::Percent, _) => return "%".to_string(),
            (Kind::Points, Lang::Zh) => return "个百分点".to_string(),
            (Kind::Points, Lang::En) => return "percentage points".to_string(),
            (Kind::Plain, _) => {}
        }
        let mut numerator = Vec::new();
        let mut denominator = String::new();
        for (base, e) in Base::ALL.iter().zip(self.exps) {
            let symbol = base.symbol(lang);
            if e > 0 {
                numerator.push(format!("{symbol}{}", superscript(e.unsigned_abs())));
            } else if e < 0 {
                denominator.push('/');
                denominator.push_str(symbol);
                denominator.push_str(&superscript(e.unsigned_abs()));
            }
        }
        match (numerator.is_empty(), denominator.is_empty(), lang) {
            (true, true, Lang::Zh) => "无单位".to_string(),
            (true, true, Lang::En) => "number".to_string(),
            (true, false, _) => format!("1{denominator}"),
            (false, _, _) => format!("{}{denominator}", numerator.join("·")),
        }
    }
}

/// `1` → ``, `2` → `²`, `12` → `¹²`.
fn superscript(n: u8) -> String {
    if n == 1 {
        return String::new();
    }
    n.to_string()
        .chars()
        .map(|c| match c {
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

impl fmt::Display for Dim {
    /// The Chinese canonical display.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(Lang::Zh))
    }
}

/// The dimension of a sum or difference.
///
/// - equal plain dimensions: that dimension (`5万元 + 3000元` is money);
/// - percent + percent: percent (shares add); percent − percent: percentage points;
/// - percent ± points: percent (`30% + 2个百分点 = 32%`); points + percent: percent;
/// - points ± points: points;
/// - points − percent: [`UnitError::PercentVsPoints`];
/// - anything else, including a percentage and a plain number (`30% + 0.1`), is
///   [`UnitError::Incompatible`]. A percentage and a plain number mix only in products and
///   quotients, where the meaning is unambiguous.
pub fn add_sub(left: Dim, right: Dim, op: AddSub) -> Result<Dim, UnitError> {
    let op_any = Op::from(op);
    match (left.kind, right.kind, op) {
        (Kind::Plain, Kind::Plain, _) if left == right => Ok(left),
        (Kind::Percent, Kind::Percent, AddSub::Add) => Ok(Dim::PERCENT),
        (Kind::Percent, Kind::Percent, AddSub::Sub) => Ok(Dim::POINTS),
        (Kind::Percent, Kind::Points, _) | (Kind::Points, Kind::Percent, AddSub::Add) => {
            Ok(Dim::PERCENT)
        }
        (Kind::Points, Kind::Points, _) => Ok(Dim::POINTS),
        (Kind::Points, Kind::Percent, AddSub::Sub) => {
            Err(UnitError::PercentVsPoints { op: op_any, left: left.into(), right: right.into() })
        }
        _ => Err(UnitError::Incompatible { op: op_any, left: left.into(), right: right.into() }),
    }
}

/// Whether two quantities can be compared (`<`, `>=`, `=`, ...).
///
/// They must have the same dimension and kind. A percentage compared with percentage points is
/// the classic mistake and gets its own error, [`UnitError::PercentVsPoints`]; every other
/// mismatch (including a percentage against a plain number) is [`UnitError::Incompatible`].
pub fn compare(left: Dim, right: Dim) -> Result<(), UnitError> {
    match (left.kind, right.kind) {
        _ if left == right => Ok(()),
        (Kind::Percent, Kind::Points) | (Kind::Points, Kind::Percent) => {
            Err(UnitError::PercentVsPoints {
                op: Op::Compare,
                left: left.into(),
                right: right.into(),
            })
        }
        _ => {
            Err(UnitError::Incompatible { op: Op::Compare, left: left.into(), right: right.into() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per(num: Dim, den: Dim) -> Dim {
        num.div(den).unwrap()
    }

    #[test]
    fn canonical_display() {
        let rate = per(per(Dim::MONEY, Dim::AREA), Dim::TIME);
        assert_eq!(rate.display(Lang::Zh), "元/㎡/年");
        assert_eq!(rate.display(Lang::En), "yuan/㎡/year");
        assert_eq!(Dim::MONEY.to_string(), "元");
        assert_eq!(Dim::THINGS.to_string(), "个");
        assert_eq!(Dim::PEOPLE.to_string(), "人");
        assert_eq!(Dim::SCORE.to_string(), "分");
        assert_eq!(Dim::PERCENT.display(Lang::En), "%");
        assert_eq!(Dim::POINTS.display(Lang::Zh), "个百分点");
        assert_eq!(Dim::POINTS.display(Lang::En), "percentage points");
        assert_eq!(Dim::NUMBER.display(Lang::Zh), "无单位");
        assert_eq!(Dim::NUMBER.display(Lang::En), "number");
        assert_eq!(per(Dim::NUMBER, Dim::TIME).to_string(), "1/年");
        let area2 = Dim::AREA.mul(Dim::AREA).unwrap();
        assert_eq!(Dim::MONEY.mul(area2).unwrap().to_string(), "元·㎡²");
        let mut big = Dim::AREA;
        for _ in 0..11 {
            big = big.mul(Dim::AREA).unwrap();
        }
        assert_eq!(big.to_string(), "㎡¹²");
    }

    #[test]
    fn rate_times_area_times_time_is_money() {
        let rate = per(per(Dim::MONEY, Dim::AREA), Dim::TIME);
        let total = rate.mul(Dim::AREA).unwrap().mul(Dim::TIME).unwrap();
        assert_eq!(total, Dim::MONEY);
        assert_eq!(rate.exponent(Base::Money), 1);
        assert_eq!(rate.exponent(Base::Area), -1);
        assert_eq!(rate.exponent(Base::Time), -1);
        assert_eq!(rate.exponent(Base::People), 0);
    }

    #[test]
    fn percent_in_products_and_quotients() {
        assert_eq!(Dim::PERCENT.mul(Dim::MONEY).unwrap(), Dim::MONEY);
        assert_eq!(Dim::MONEY.mul(Dim::PERCENT).unwrap(), Dim::MONEY);
        assert_eq!(Dim::PERCENT.mul(Dim::NUMBER).unwrap(), Dim::PERCENT);
        assert_eq!(Dim::NUMBER.mul(Dim::PERCENT).unwrap(), Dim::PERCENT);
        assert_eq!(Dim::PERCENT.mul(Dim::PERCENT).unwrap(), Dim::PERCENT);
        assert_eq!(Dim::PERCENT.div(Dim::PERCENT).unwrap(), Dim::NUMBER);
        assert_eq!(Dim::PERCENT.div(Dim::NUMBER).unwrap(), Dim::PERCENT);
        assert_eq!(Dim::PERCENT.div(Dim::TIME).unwrap(), per(Dim::NUMBER, Dim::TIME));
        assert_eq!(Dim::MONEY.div(Dim::PERCENT).unwrap(), Dim::MONEY);
        assert_eq!(Dim::NUMBER.div(Dim::PERCENT).unwrap(), Dim::NUMBER);
    }

    #[test]
    fn points_are_not_a_factor() {
        for other in [Dim::MONEY, Dim::NUMBER, Dim::PERCENT, Dim::POINTS] {
            for (a, b) in [(Dim::POINTS, other), (other, Dim::POINTS)] {
                assert!(matches!(a.mul(b), Err(UnitError::PointsAsFactor { op: Op::Mul, .. })));
                assert!(matches!(a.div(b), Err(UnitError::PointsAsFactor { op: Op::Div, .. })));
            }
        }
    }

    #[test]
    fn exponent_overflow_is_an_error() {
        let mut d = Dim::AREA;
        for _ in 0..126 {
            d = d.mul(Dim::AREA).unwrap();
        }
        assert_eq!(d.exponent(Base::Area), 127);
        assert!(matches!(d.mul(Dim::AREA), Err(UnitError::TooComplex { .. })));
        let lowest = Dim::NUMBER.div(d).unwrap().div(Dim::AREA).unwrap();
        assert_eq!(lowest.exponent(Base::Area), -128);
        assert!(matches!(Dim::NUMBER.div(lowest), Err(UnitError::TooComplex { op: Op::Div, .. })));
        assert!(matches!(Dim::PERCENT.div(lowest), Err(UnitError::TooComplex { .. })));
    }

    #[test]
    fn sums_and_differences() {
        use AddSub::{Add, Sub};
        assert_eq!(add_sub(Dim::MONEY, Dim::MONEY, Add).unwrap(), Dim::MONEY);
        assert_eq!(add_sub(Dim::PERCENT, Dim::PERCENT, Add).unwrap(), Dim::PERCENT);
        assert_eq!(add_sub(Dim::PERCENT, Dim::PERCENT, Sub).unwrap(), Dim::POINTS);
        assert_eq!(add_sub(Dim::PERCENT, Dim::POINTS, Add).unwrap(), Dim::PERCENT);
        assert_eq!(add_sub(Dim::PERCENT, Dim::POINTS, Sub).unwrap(), Dim::PERCENT);
        assert_eq!(add_sub(Dim::POINTS, Dim::PERCENT, Add).unwrap(), Dim::PERCENT);
        assert_eq!(add_sub(Dim::POINTS, Dim::POINTS, Sub).unwrap(), Dim::POINTS);
        assert!(matches!(
            add_sub(Dim::POINTS, Dim::PERCENT, Sub),
            Err(UnitError::PercentVsPoints { op: Op::Sub, .. })
        ));
        for (a, b) in [
            (Dim::MONEY, Dim::THINGS),
            (Dim::PERCENT, Dim::NUMBER),
            (Dim::NUMBER, Dim::POINTS),
            (Dim::MONEY, Dim::PERCENT),
        ] {
            let e = add_sub(a, b, Add).unwrap_err();
            assert_eq!(e, UnitError::Incompatible { op: Op::Add, left: a.into(), right: b.into() });
        }
    }

    #[test]
    fn comparisons() {
        assert_eq!(compare(Dim::MONEY, Dim::MONEY), Ok(()));
        assert_eq!(compare(Dim::PERCENT, Dim::PERCENT), Ok(()));
        assert_eq!(compare(Dim::POINTS, Dim::POINTS), Ok(()));
        for (a, b) in [(Dim::PERCENT, Dim::POINTS), (Dim::POINTS, Dim::PERCENT)] {
            assert!(matches!(compare(a, b), Err(UnitError::PercentVsPoints { .. })));
        }
        assert!(matches!(
            compare(Dim::PERCENT, Dim::NUMBER),
            Err(UnitError::Incompatible { op: Op::Compare, .. })
        ));
        assert!(matches!(compare(Dim::PEOPLE, Dim::THINGS), Err(UnitError::Incompatible { .. })));
    }
}
