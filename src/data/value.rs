//! The value model: what the evaluator reads for each field of each subject.
//!
//! Values are exact. Quantities are kept in base units (元, ㎡, 人, 个, ...; a percentage as its
//! fraction, `30%` → `0.30`), together with their dimension, so the evaluator never needs to know
//! which unit a column was written in.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::ast::Date;
use crate::units::Dim;

/// One value of one field of one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A quantity in base units (`12.5万元` → `125000`, `30%` → `0.30`).
    Number {
        /// The value in base units.
        value: Decimal,
        /// What it measures.
        dim: Dim,
    },
    /// `是` / `否`.
    Bool(bool),
    /// A text, trimmed of surrounding white space.
    Text(String),
    /// A value of an enumeration: its position in the enumeration's declaration (`有序`
    /// enumerations compare by it).
    Enum {
        /// The enumeration's name.
        enum_name: String,
        /// The position of the value in the declaration, from 0.
        index: usize,
    },
    /// A calendar year.
    Year(u16),
    /// A calendar date.
    Date(Date),
    /// The values of a field declared `按年`, by year; years without data are absent (a yearly
    /// field with a column but no value in any year is an empty series).
    Series(BTreeMap<u16, Value>),
    /// No value: an empty cell of an optional field, an optional field the data has no column
    /// for, or a parameter the data does not give.
    Missing,
}

impl Value {
    /// True for [`Value::Missing`].
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    /// The value in base units, for a number.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The value of one year, for a series.
    pub fn year(&self, year: u16) -> Option<&Value> {
        match self {
            Value::Series(map) => map.get(&year),
            _ => None,
        }
    }
}

/// One subject (one enterprise, one county) and its field values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The subject's id: the value of its `标识` field.
    pub key: String,
    /// One value per field, in the order the subject declares its fields.
    pub fields: Vec<Value>,
}

impl Record {
    /// The subject's first year of data: the earliest year any yearly field has a value for
    /// (`连续年数` stops there); `None` when none has.
    pub fn first_year(&self) -> Option<u16> {
        self.fields
            .iter()
            .filter_map(|v| match v {
                Value::Series(m) => m.keys().next().copied(),
                _ => None,
            })
            .min()
    }

    /// The value in one slot (see [`Dataset::field_index`]).
    pub fn get(&self, slot: usize) -> Option<&Value> {
        self.fields.get(slot)
    }
}

/// Validated data for one kind of subject, ready for evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// The subject's name (`企业`).
    pub subject: String,
    /// The field names, in declaration order: the slots of [`Record::fields`].
    pub fields: Vec<String>,
    /// The subjects, in the order they first appear in the data.
    pub records: Vec<Record>,
    /// The parameter names, in the order the parameters were declared.
    pub param_names: Vec<String>,
    /// One value per parameter, in the order of [`Dataset::param_names`];
    /// [`Value::Missing`] for a parameter the data does not give.
    pub params: Vec<Value>,
    /// For each parameter without a default that the data's parameter table leaves out (by
    /// name): `ZC0705` at the place it should have been given (the empty cell, or the table),
    /// with what to write there, for the evaluation to report if a rule needs it.
    pub param_gaps: Vec<(String, crate::diagnostics::Diagnostic)>,
}

impl Dataset {
    /// The slot of a field.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// The subject with this id.
    pub fn record(&self, key: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.key == key)
    }

    /// The value of a parameter.
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.param_names.iter().position(|p| p == name).and_then(|i| self.params.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let series = Value::Series(BTreeMap::from([(
            2020,
            Value::Number { value: Decimal::from(125_000), dim: Dim::MONEY },
        )]));
        assert_eq!(series.year(2020).and_then(Value::as_number), Some(Decimal::from(125_000)));
        assert_eq!(series.year(2021), None);
        assert!(Value::Missing.is_missing());
        assert!(!Value::Bool(false).is_missing());
        let ds = Dataset {
            subject: "企业".into(),
            fields: vec!["名称".into(), "营业收入".into()],
            records: vec![Record {
                key: "甲".into(),
                fields: vec![Value::Text("甲".into()), series],
            }],
            param_gaps: Vec::new(),
            param_names: vec!["分数线".into()],
            params: vec![Value::Missing],
        };
        assert_eq!(ds.field_index("营业收入"), Some(1));
        assert_eq!(ds.field_index("营业收人"), None);
        let rec = ds.record("甲").unwrap();
        assert_eq!(rec.get(0), Some(&Value::Text("甲".into())));
        assert_eq!(ds.param("分数线"), Some(&Value::Missing));
        assert_eq!(ds.param("x"), None);
    }
}
