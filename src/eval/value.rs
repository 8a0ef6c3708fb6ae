//! Values during evaluation.

use rust_decimal::Decimal;

use crate::ast::Date;
use crate::checker::types::EnumId;
use crate::units::Dim;

/// A value: exact numbers in base units with their dimension, or a condition, a text, an
/// enumeration value, a year or a date. `Missing` is an absent optional datum; it propagates
/// through arithmetic, and a condition that depends on it is not met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum V {
    Num(Decimal, Dim),
    Bool(bool),
    Text(String),
    Enum(EnumId, usize),
    Year(u16),
    Date(Date),
    Missing,
}

impl V {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            V::Num(n, _) => Some(*n),
            _ => None,
        }
    }

    /// A year, from a year value or a number such as `2020` or `2020年`.
    pub fn as_year(&self) -> Option<u16> {
        match self {
            V::Year(y) => Some(*y),
            V::Num(n, _) => whole(*n).and_then(|y| u16::try_from(y).ok()),
            _ => None,
        }
    }

    pub fn money(value: Decimal) -> V {
        V::Num(value, Dim::MONEY)
    }
}

/// The whole part of a number (towards zero), when it is within `i64`: a number of years, or
/// a year written as a number.
pub fn whole(n: Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    n.trunc().to_i64()
}

/// A year moved by a number of years (its whole part; back when `back`), when both the number
/// and the year reached are within range: `None` is no year. The interpreter's year arithmetic,
/// which the compiled form works out the same way for the years it reads.
pub fn shift_year(year: u16, years: Decimal, back: bool) -> Option<u16> {
    let n = whole(years)?;
    let y = if back { i64::from(year).checked_sub(n) } else { i64::from(year).checked_add(n) };
    y.and_then(|y| u16::try_from(y).ok())
}
