//! The types the checker gives names and expressions.

use crate::diagnostics::{Lang, Text};
use crate::units::Dim;

/// Index of an enumeration in [`super::Scope::enums`].
pub type EnumId = usize;

/// The type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// A number of some dimension: money, a count, a percentage, a plain number ...
    Num(Dim),
    Bool,
    Text,
    Date,
    /// A calendar year.
    Year,
    /// A value of an enumeration (declared, or the bands of a grade).
    Enum(EnumId),
    /// The type of an expression that already had an error, or that cannot be known statically
    /// (a value of an imported policy). It is compatible with everything, so one mistake is
    /// reported once.
    Unknown,
}

impl Ty {
    /// The type's name for diagnostics.
    pub fn describe(self, enums: &[EnumInfo]) -> Text {
        match self {
            Ty::Num(d) => {
                if d.is_number() {
                    Text::new("数", "a number")
                } else {
                    Text::new(
                        format!("以 `{}` 计的量", d.display(Lang::Zh)),
                        format!("a quantity in `{}`", d.display(Lang::En)),
                    )
                }
            }
            Ty::Bool => Text::new("条件（是/否）", "a yes/no condition"),
            Ty::Text => Text::new("文本", "a text"),
            Ty::Date => Text::new("日期", "a date"),
            Ty::Year => Text::new("年份", "a year"),
            Ty::Enum(id) => {
                let name = enums.get(id).map_or("?", |e| e.name.as_str());
                Text::new(format!("枚举 `{name}` 的值"), format!("a value of `{name}`"))
            }
            Ty::Unknown => Text::new("未知", "unknown"),
        }
    }

    pub fn is_num(self) -> bool {
        matches!(self, Ty::Num(_) | Ty::Unknown)
    }

    pub fn is_bool(self) -> bool {
        matches!(self, Ty::Bool | Ty::Unknown)
    }
}

/// An enumeration: declared with `枚举`, or made by a grade from its band names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumInfo {
    pub name: String,
    pub ordered: bool,
    pub values: Vec<String>,
}

impl EnumInfo {
    pub fn index_of(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v == value)
    }
}
