//! Showing values to people and to programs.

use rust_decimal::Decimal;

use crate::checker::scope::Scope;
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::units::{Dim, Kind};

/// A number with thousands separators (`1,500,000.5`), exact.
pub fn grouped(n: Decimal) -> String {
    let s = n.normalize().to_string();
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// The unit a dimension is shown in, and the factor from base units.
fn display_unit(dim: Dim, lang: Lang) -> (String, Decimal) {
    match dim.kind() {
        Kind::Percent => ("%".to_string(), Decimal::ONE_HUNDRED),
        Kind::Points => {
            (if lang == Lang::Zh { "个百分点" } else { " pp" }.to_string(), Decimal::ONE_HUNDRED)
        }
        Kind::Plain if dim.is_number() => (String::new(), Decimal::ONE),
        Kind::Plain => (format!(" {}", dim.display(lang)), Decimal::ONE),
    }
}

/// In English, the simple units that take a plural: `1 year`, `3 years`, `600 items`,
/// `90 points`, `5 people`. Chinese has no plural; compound units keep their symbols.
fn english_plural(dim: Dim, n: Decimal, lang: Lang) -> Option<&'static str> {
    if lang != Lang::En {
        return None;
    }
    let one = n.abs() == Decimal::ONE;
    Some(match dim {
        d if d == Dim::TIME => {
            if one {
                "year"
            } else {
                "years"
            }
        }
        d if d == Dim::PEOPLE => {
            if one {
                "person"
            } else {
                "people"
            }
        }
        d if d == Dim::THINGS => {
            if one {
                "item"
            } else {
                "items"
            }
        }
        d if d == Dim::SCORE => {
            if one {
                "point"
            } else {
                "points"
            }
        }
        _ => return None,
    })
}

/// Decimal places shown to people before a value is abbreviated (marked `≈`).
const SHOWN_PLACES: u32 = 8;

/// A value as a person reads it: `150,000 元`, `35%`, `是`, `优秀`, `2022年`. A number with more
/// than eight decimal places (a ratio from a division) is cut to eight, toward zero, and marked
/// `≈`: cut, not rounded, so that 2.99997% is never shown as reaching a 3% threshold it misses.
/// Reports for programs (JSON, CSV) always carry the exact value.
pub fn show(v: &V, scope: &Scope<'_>, lang: Lang) -> String {
    match v {
        V::Num(n, dim) => {
            let (unit, factor) = display_unit(*dim, lang);
            let shown = n.checked_mul(factor).unwrap_or(*n).normalize();
            if shown.scale() > SHOWN_PLACES {
                let short = shown
                    .round_dp_with_strategy(SHOWN_PLACES, rust_decimal::RoundingStrategy::ToZero);
                return format!("≈{}{unit}", grouped(short));
            }
            let unit = english_plural(*dim, shown, lang).map_or(unit, |u| format!(" {u}"));
            format!("{}{unit}", grouped(shown))
        }
        V::Bool(b) => match (lang, b) {
            (Lang::Zh, true) => "是".into(),
            (Lang::Zh, false) => "否".into(),
            (Lang::En, true) => "yes".into(),
            (Lang::En, false) => "no".into(),
        },
        V::Text(t) => t.clone(),
        V::Enum(e, i) => {
            scope.enums.get(*e).and_then(|info| info.values.get(*i)).cloned().unwrap_or_default()
        }
        V::Year(y) => {
            if lang == Lang::Zh {
                format!("{y}年")
            } else {
                y.to_string()
            }
        }
        V::Date(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        V::Missing => if lang == Lang::Zh { "（缺数据）" } else { "(missing)" }.into(),
    }
}

/// The unit a value is written in, as the document writes it (`元`, `%`, `个百分点`, `年`,
/// `元/㎡/年`); `None` for a plain number and for what is not a number.
pub fn unit_word(v: &V) -> Option<String> {
    match v {
        V::Num(_, dim) => {
            let (unit, _) = display_unit(*dim, Lang::Zh);
            let unit = unit.trim();
            (!unit.is_empty()).then(|| unit.to_string())
        }
        V::Year(_) => Some("年".to_string()),
        _ => None,
    }
}

/// A value for JSON: numbers as exact decimal strings in base units with the unit's name.
pub fn json(v: &V, scope: &Scope<'_>) -> serde_json::Value {
    use serde_json::json;
    match v {
        V::Num(n, dim) => {
            let unit = match dim.kind() {
                Kind::Percent => "ratio".to_string(),
                Kind::Points => "ratio_points".to_string(),
                Kind::Plain if dim.is_number() => String::new(),
                Kind::Plain => dim.display(Lang::Zh),
            };
            json!({ "number": n.normalize().to_string(), "unit": unit })
        }
        V::Bool(b) => json!(b),
        V::Text(t) => json!(t),
        V::Enum(..) => json!(show(v, scope, Lang::Zh)),
        V::Year(y) => json!(y),
        V::Date(_) => json!(show(v, scope, Lang::Zh)),
        V::Missing => serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ratios_are_abbreviated_and_marked() {
        let scope = Scope::default();
        let v = V::Num("0.0610050736892969316259966175".parse().unwrap(), Dim::PERCENT);
        assert_eq!(show(&v, &scope, Lang::Zh), "≈6.10050736%");
        // Just under a threshold stays visibly under it.
        let v = V::Num("0.029999700002999970000299997".parse().unwrap(), Dim::PERCENT);
        assert_eq!(show(&v, &scope, Lang::Zh), "≈2.99997%");
        let exact = V::Num("370.371".parse().unwrap(), Dim::MONEY);
        assert_eq!(show(&exact, &scope, Lang::Zh), "370.371 元");
    }

    #[test]
    fn thousands_separators_keep_every_digit() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(grouped(d("1500000")), "1,500,000");
        assert_eq!(grouped(d("91608639903.226")), "91,608,639,903.226");
        assert_eq!(grouped(d("-1234.50")), "-1,234.5");
        assert_eq!(grouped(d("999")), "999");
        assert_eq!(grouped(d("0.001")), "0.001");
    }
}
