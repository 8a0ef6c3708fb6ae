//! The catalog of unit atoms: every unit name a policy may write, in one table.
//!
//! Compound units (`元/㎡/年`) are built from these atoms by [`super::parse_unit`]. The table is
//! also what "did you mean" suggestions are drawn from, so a new atom added here is at once
//! parsed, checked and suggested.

use rust_decimal::Decimal;

use super::dims::Dim;

/// One unit name and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atom {
    /// The name as documents write it, e.g. `万元`.
    pub text: &'static str,
    /// The dimension it measures.
    pub dim: Dim,
    /// How many base units one of it is (`万元` → 10000).
    pub scale: Decimal,
}

const ONE: Decimal = Decimal::ONE;
const THOUSAND: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);
const WAN: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);
const YI: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);
const HUNDREDTH: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

const fn atom(text: &'static str, dim: Dim, scale: Decimal) -> Atom {
    Atom { text, dim, scale }
}

/// Every atom. The things counted by 家, 户, 项, 件, ... are one dimension: documents use these
/// nouns interchangeably for enterprises, households, projects and items.
const ATOMS: &[Atom] = &[
    // money
    atom("元", Dim::MONEY, ONE),
    atom("千元", Dim::MONEY, THOUSAND),
    atom("万元", Dim::MONEY, WAN),
    atom("亿元", Dim::MONEY, YI),
    atom("yuan", Dim::MONEY, ONE),
    // area
    atom("㎡", Dim::AREA, ONE),
    atom("平方米", Dim::AREA, ONE),
    atom("m2", Dim::AREA, ONE),
    atom("m²", Dim::AREA, ONE),
    atom("万平方米", Dim::AREA, WAN),
    // time
    atom("年", Dim::TIME, ONE),
    atom("year", Dim::TIME, ONE),
    atom("years", Dim::TIME, ONE),
    // people
    atom("人", Dim::PEOPLE, ONE),
    atom("万人", Dim::PEOPLE, WAN),
    atom("名", Dim::PEOPLE, ONE),
    atom("人次", Dim::PEOPLE, ONE),
    // things counted
    atom("个", Dim::THINGS, ONE),
    atom("家", Dim::THINGS, ONE),
    atom("户", Dim::THINGS, ONE),
    atom("项", Dim::THINGS, ONE),
    atom("件", Dim::THINGS, ONE),
    atom("份", Dim::THINGS, ONE),
    atom("次", Dim::THINGS, ONE),
    atom("所", Dim::THINGS, ONE),
    atom("座", Dim::THINGS, ONE),
    atom("台", Dim::THINGS, ONE),
    atom("套", Dim::THINGS, ONE),
    atom("万家", Dim::THINGS, WAN),
    atom("万户", Dim::THINGS, WAN),
    atom("万个", Dim::THINGS, WAN),
    // score
    atom("分", Dim::SCORE, ONE),
    // percentages and percentage points
    atom("%", Dim::PERCENT, HUNDREDTH),
    atom("％", Dim::PERCENT, HUNDREDTH),
    atom("个百分点", Dim::POINTS, HUNDREDTH),
    atom("pp", Dim::POINTS, HUNDREDTH),
    // plain numbers
    atom("倍", Dim::NUMBER, ONE),
];

/// Every atom name the catalog knows, in catalog order.
pub fn known_atoms() -> impl Iterator<Item = &'static str> {
    ATOMS.iter().map(|a| a.text)
}

/// Every atom, in catalog order.
pub fn atoms() -> impl Iterator<Item = &'static Atom> {
    ATOMS.iter()
}

/// The atom written `text`; ASCII aliases match regardless of case (`Yuan`, `PP`).
pub fn lookup(text: &str) -> Option<&'static Atom> {
    ATOMS
        .iter()
        .find(|a| a.text == text)
        .or_else(|| ATOMS.iter().find(|a| a.text.is_ascii() && a.text.eq_ignore_ascii_case(text)))
}

/// Characters documents sometimes write for the ones the catalog uses: the formal 圆 for 元 and
/// traditional forms.
const VARIANTS: &[(char, char)] = &[
    ('圆', '元'),
    ('萬', '万'),
    ('億', '亿'),
    ('個', '个'),
    ('項', '项'),
    ('戶', '户'),
    ('臺', '台'),
    ('點', '点'),
];

/// Known atoms close to an unknown one, best first (at most three).
///
/// An unknown name that is a known one written with variant characters (`万圆`, `萬元`) gets
/// exactly that one. Otherwise distance is Levenshtein over characters (`个百份点` is one edit
/// from `个百分点`). A candidate must keep at least one character of the unknown name: every
/// one-character atom is one edit from every other one-character name, and suggesting all of
/// them would help nobody.
pub fn suggest(unknown: &str) -> Vec<String> {
    let unknown: String = unknown
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            VARIANTS.iter().find(|(v, _)| *v == c).map_or(c, |(_, known)| *known)
        })
        .collect();
    if let Some(atom) = lookup(&unknown) {
        return vec![atom.text.to_string()];
    }
    crate::diagnostics::suggest::did_you_mean(&unknown, ATOMS.iter().map(|a| a.text))
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for name in known_atoms() {
            assert!(seen.insert(name), "{name} twice");
            assert!(lookup(name).is_some());
        }
    }

    /// Value conversion is exact because every scale is a power of ten (see `Unit::to_base`).
    #[test]
    fn scales_are_powers_of_ten() {
        for a in atoms() {
            let mut s = a.scale.normalize();
            while s > Decimal::ONE {
                s /= Decimal::TEN;
            }
            while s < Decimal::ONE {
                s *= Decimal::TEN;
            }
            assert_eq!(s, Decimal::ONE, "{}", a.text);
        }
    }

    #[test]
    fn scales() {
        let scale = |t: &str| lookup(t).unwrap().scale;
        assert_eq!(scale("万元"), Decimal::from(10_000));
        assert_eq!(scale("亿元"), Decimal::from(100_000_000));
        assert_eq!(scale("千元"), Decimal::from(1_000));
        assert_eq!(scale("万人"), Decimal::from(10_000));
        assert_eq!(scale("万户"), Decimal::from(10_000));
        assert_eq!(scale("万平方米"), Decimal::from(10_000));
        assert_eq!(scale("%"), Decimal::new(1, 2));
        assert_eq!(scale("个百分点"), Decimal::new(1, 2));
        assert_eq!(scale("倍"), Decimal::ONE);
        assert_eq!(lookup("项").unwrap().dim, lookup("家").unwrap().dim);
    }

    #[test]
    fn ascii_aliases_ignore_case() {
        assert_eq!(lookup("Yuan").unwrap().dim, Dim::MONEY);
        assert_eq!(lookup("PP").unwrap().dim, Dim::POINTS);
        assert_eq!(lookup("M2").unwrap().dim, Dim::AREA);
        assert!(lookup("元元").is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("万圆"), ["万元"]);
        assert_eq!(suggest("萬元"), ["万元"]);
        assert_eq!(suggest("億圆"), ["亿元"]);
        assert_eq!(suggest("平米"), ["平方米"]);
        assert_eq!(suggest("yaun")[0], "yuan");
        assert_eq!(suggest("Yeer"), ["year"]);
        assert_eq!(suggest("个百份点"), ["个百分点"]);
        assert_eq!(suggest("圆"), ["元"]);
        // one-character names are all one edit apart: no noise
        assert!(suggest("斤").is_empty());
        assert!(suggest("公顷").is_empty());
        assert!(suggest("").is_empty());
        // at most three, nearest first, in character order on ties
        assert_eq!(suggest("万园"), ["万个", "万人", "万元"]);
    }
}
