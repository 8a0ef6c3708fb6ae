//! Synthetic registers: a deterministic generator of subject data for a policy's subject kind,
//! one row per subject, with the columns the subject declares (`zhengce gen`).
//!
//! Every value comes from [`rng::Rng`], seeded with the seed and the row number, so that the
//! same seed gives the same bytes on every platform, and the first `n` rows of a register are
//! the register of `n` rows. The distributions are meant to look like a county's register:
//! money over three orders of magnitude (a field in 元: 1,000元 to 99.9万元, most often 1万 to
//! 10万元, a quarter of it 0; one in 万元 or 亿元 the same figures in its unit), areas of tens
//! to a few thousand ㎡, counts of a few to a few thousand, yes/no fields true for one subject in
//! five, enumerations skewed toward their first value, years and dates within the six years
//! ending with the register's last (the evaluation year by default), so that a once-only award
//! keyed to a recognition year (`认定年份 = 当年`, `当年 - 认定年份 = 1年`) fires for about one
//! subject in six, yearly fields growing a little each year. Values respect the ranges the
//! policy declares.

pub mod parquet;
pub mod rng;

use rust_decimal::Decimal;

use crate::data::header::header_text;
use crate::data::{FieldKind, FieldSpec, Schema};
use crate::units::{Base, Dim, Unit};
use rng::Rng;

/// The most rows an Excel worksheet holds, the header included.
pub const XLSX_MAX_ROWS: u64 = 1_048_576;

/// One cell of a generated register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Left empty (an optional field).
    Empty,
    /// A number in the column's unit.
    Number(Decimal),
    /// `是` or `否`.
    Bool(bool),
    /// Text, an enumeration value or a date.
    Text(String),
}

impl Cell {
    /// The cell as written in a CSV file.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => n.normalize().to_string(),
            Cell::Bool(true) => "是".into(),
            Cell::Bool(false) => "否".into(),
            Cell::Text(t) => t.clone(),
        }
    }
}

/// One column: a field, and for a yearly field the year.
#[derive(Clone, Debug)]
struct Column {
    header: String,
    field: usize,
    year: Option<usize>,
}

/// What to generate for a subject kind.
#[derive(Clone, Debug)]
pub struct Plan {
    schema: Schema,
    years: Vec<u16>,
    seed: u64,
    columns: Vec<Column>,
    /// Fields never left at 0: divisors and the arguments of growth rates.
    nonzero: Vec<bool>,
    /// Deductions a score sheet takes from a field within a range (`虚列套取 4-7分: 虚列套取扣分`):
    /// 0, or a whole number of points in the range.
    deductions: Vec<Option<(i64, i64)>>,
    /// The texts the policy compares a text field with (`企业名称 = "山西威祥瑞达石材有限公司"`),
    /// in the order it writes them: row `i` takes the `i`-th, so that an award to a named
    /// recipient finds it in the register.
    texts: Vec<Vec<String>>,
    /// The rows of the register (for the ids named texts take at its end).
    rows: u64,
    /// When the policy names ids: the places (in the order written) of those on the first
    /// rows and of those on the last ([`Plan::place_ids`]).
    ids: Option<(Vec<usize>, Vec<usize>)>,
}

impl Plan {
    /// The plan for `schema`: one column per field, and for a yearly field one column per year
    /// in `years` (`营业收入[2023](万元)`).
    pub fn new(schema: &Schema, years: &[u16], seed: u64) -> Plan {
        let mut columns = Vec::new();
        for (i, f) in schema.fields.iter().enumerate() {
            let unit = f.unit_text();
            if f.by_year {
                for (y, year) in years.iter().enumerate() {
                    let header = header_text(&f.name, Some(*year), unit.as_deref());
                    columns.push(Column { header, field: i, year: Some(y) });
                }
            } else {
                let header = header_text(&f.name, None, unit.as_deref());
                columns.push(Column { header, field: i, year: None });
            }
        }
        let nonzero = vec![false; schema.fields.len()];
        let deductions = vec![None; schema.fields.len()];
        let texts = vec![Vec::new(); schema.fields.len()];
        Plan {
            schema: schema.clone(),
            years: years.to_vec(),
            seed,
            columns,
            nonzero,
            deductions,
            texts,
            rows: 0,
            ids: None,
        }
    }

    /// Gives the first rows the texts the policy compares its text fields with (`text` is the
    /// policy's source): row `i` takes the `i`-th text written for each field, so that the
    /// rules for named recipients (`当 实施单位 = "…"` and `当 项目名称 = "…"`, written in the
    /// same order) fire for the first rows; ids are placed where they keep the register's ids
    /// increasing ([`Plan::rows`]).
    pub fn named_texts(mut self, text: &str) -> Plan {
        for (i, f) in self.schema.fields.iter().enumerate() {
            if !matches!(f.kind, FieldKind::Text) {
                continue;
            }
            let found = compared_texts(text, &f.name);
            if let Some(t) = self.texts.get_mut(i) {
                *t = found;
            }
        }
        self.place_ids();
        self
    }

    /// The register has `rows` rows: the named ids ([`Plan::named_texts`]) that sort after
    /// every generated id (`企业0000001` …) go to its last rows, those that sort before them to
    /// its first, so that the ids increase down the register, as a register streamed in
    /// bounded memory must have them.
    pub fn rows(mut self, rows: u64) -> Plan {
        self.rows = rows;
        self.place_ids();
        self
    }

    /// Places the ids the policy names ([`Plan::named_texts`]) for a register of
    /// [`Plan::rows`] rows: those that sort before every generated id on the first rows, those
    /// after it on the last, each in order, each id once (at its first place in the order the
    /// policy writes them); worked out once, not per row.
    fn place_ids(&mut self) {
        let named_ids = self
            .schema
            .key
            .and_then(|i| Some((self.schema.fields.get(i)?, self.texts.get(i)?)))
            .filter(|(f, t)| !t.is_empty() && matches!(f.kind, FieldKind::Text));
        let Some((f, named)) = named_ids else {
            self.ids = None;
            return;
        };
        let id = |n: u64| match key(f, &self.schema.subject, n) {
            Cell::Text(t) => t,
            _ => String::new(),
        };
        let (first, last) = (id(0), id(self.rows.saturating_sub(1)));
        let places = |keep: &dyn Fn(&String) -> bool| {
            let mut found: Vec<(&String, usize)> = Vec::new();
            for (j, t) in named.iter().enumerate() {
                if keep(t) && !found.iter().any(|(u, _)| *u == t) {
                    found.push((t, j));
                }
            }
            found.sort();
            found.into_iter().map(|(_, j)| j).collect::<Vec<usize>>()
        };
        self.ids = Some((places(&|t| *t < first), places(&|t| *t > last)));
    }

    /// Which of the texts written for each field row `n` takes (their place in the order the
    /// policy writes them), if any: the `n`-th for the first rows, or, when the policy names
    /// ids, the place of the id row `n` has ([`Plan::place_ids`]), so that a named id and the
    /// other texts written with it stay on one row.
    fn named_index(&self, n: u64) -> Option<usize> {
        let Some((before, after)) = &self.ids else { return usize::try_from(n).ok() };
        if let Some(j) = usize::try_from(n).ok().and_then(|n| before.get(n)) {
            return Some(*j);
        }
        let from_end = usize::try_from(self.rows.checked_sub(n.saturating_add(1))?).ok()?;
        let at = after.len().checked_sub(from_end.saturating_add(1))?;
        after.get(at).copied()
    }

    /// Keeps the fields a policy divides by (`/ 计划到位`, `÷ 计划到位`) or takes the growth
    /// rate of (`增长率(营业收入)`) away from 0, so that a generated register evaluates
    /// without a division by zero. `text` is the policy's source.
    pub fn avoid_zero_divisors(mut self, text: &str) -> Plan {
        let squeezed: String =
            text.chars().filter(|c| !matches!(c, ' ' | '\t' | '\u{3000}')).collect();
        for (i, f) in self.schema.fields.iter().enumerate() {
            let n = &f.name;
            let divides = ["/", "÷", "增长率(", "growth("].iter().any(|op| {
                squeezed.match_indices(&format!("{op}{n}")).any(|(at, m)| {
                    let next = squeezed.get(at + m.len()..).and_then(|t| t.chars().next());
                    next.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                })
            });
            if let Some(z) = self.nonzero.get_mut(i) {
                *z = divides;
            }
            if let Some(d) = self.deductions.get_mut(i) {
                *d = deduction_range(&squeezed, n);
            }
        }
        self
    }

    /// How many rows the register can have: the number of values of an enumeration used as the
    /// key (`区县: 区县名`), else no limit.
    pub fn max_rows(&self) -> Option<u64> {
        match &self.schema.fields.get(self.schema.key?)?.kind {
            FieldKind::Enum { values, .. } => Some(values.len() as u64),
            _ => None,
        }
    }

    /// The subject kind the register is of.
    pub fn schema_name(&self) -> &str {
        &self.schema.subject
    }

    /// The column of the id field, when the kind has one.
    pub fn key_column(&self) -> Option<usize> {
        let key = self.schema.key_field()?;
        self.columns
            .iter()
            .position(|c| crate::data::header::parse_header(&c.header).name == key.name)
    }

    /// The header of each column.
    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_str()).collect()
    }

    /// Row `n` (from 0) of the register.
    pub fn row(&self, n: u64) -> Vec<Cell> {
        let mut rng = Rng::for_row(self.seed, n);
        let values: Vec<Vec<Cell>> = self
            .schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let count = if f.by_year { self.years.len().max(1) } else { 1 };
                let named = self
                    .texts
                    .get(i)
                    .filter(|t| !t.is_empty())
                    .and_then(|t| t.get(self.named_index(n)?))
                    .map(|t| Cell::Text(t.clone()));
                if let Some(named) = named {
                    // The draws of the other fields stay those of the row.
                    let _ = value(f, false, self.last_year(), &mut rng);
                    return vec![named; count];
                }
                if self.schema.key == Some(i) {
                    return vec![key(f, &self.schema.subject, n)];
                }
                if let Some(Some((lo, hi))) = self.deductions.get(i) {
                    let points = if rng.chance(80) { 0 } else { rng.between(*lo, *hi) };
                    return vec![Cell::Number(Decimal::from(points)); count];
                }
                let nonzero = self.nonzero.get(i).copied().unwrap_or(false);
                series(f, count, nonzero, self.last_year(), &mut rng)
            })
            .collect();
        self.columns
            .iter()
            .map(|c| {
                values
                    .get(c.field)
                    .and_then(|v| v.get(c.year.unwrap_or(0)))
                    .cloned()
                    .unwrap_or(Cell::Empty)
            })
            .collect()
    }

    /// The register's last year: the evaluation year when none is given (2024 without years).
    fn last_year(&self) -> u16 {
        self.years.iter().copied().max().unwrap_or(2024)
    }

    /// The parameters, each with a generated value: (header, value), a yearly parameter once
    /// per year. Row `u64::MAX` of the generator is theirs.
    pub fn params(&self) -> Vec<(String, Cell)> {
        let mut rng = Rng::for_row(self.seed, u64::MAX);
        let mut out = Vec::new();
        let mut scores = 0;
        for p in &self.schema.params {
            let unit = p.unit_text();
            let count = if p.by_year { self.years.len().max(1) } else { 1 };
            let mut spec = p.clone();
            spec.optional = false;
            let figures: Option<Vec<Cell>> = (0..count)
                .map(|_| param_figure(&spec, scores, &mut rng).map(Cell::Number))
                .collect();
            let values = match figures {
                Some(v) => v,
                None => series(&spec, count, true, self.last_year(), &mut rng),
            };
            if matches!(&spec.kind, FieldKind::Number { unit, .. } if unit.dim() == Dim::base(Base::Score))
            {
                scores += 1;
            }
            for (y, v) in values.into_iter().enumerate() {
                let year = if p.by_year { self.years.get(y).copied() } else { None };
                out.push((header_text(&p.name, year, unit.as_deref()), v));
            }
        }
        out
    }
}

/// A round figure for a parameter, in its unit: an amount of money 1 to 9 times 1万元 (a field
/// in 亿元: 1亿元), a percentage 1% to 10% in whole percents, the `k`-th score parameter in
/// declaration order 90 − 10k points (thresholds written from the highest: 90, 80, 70); each
/// within the range declared. `None` for another kind of parameter (drawn as a field is).
fn param_figure(spec: &FieldSpec, k: usize, rng: &mut Rng) -> Option<Decimal> {
    let FieldKind::Number { unit, .. } = &spec.kind else { return None };
    let dim = unit.dim();
    let base = if dim == Dim::MONEY {
        scaled(rng.between(1, 9), magnitude(unit).max(4))
    } else if dim == Dim::PERCENT {
        Decimal::new(rng.between(1, 10), 2)
    } else if dim == Dim::base(Base::Score) {
        let step = i64::try_from(k).unwrap_or(0).saturating_mul(10);
        Decimal::from(90i64.saturating_sub(step).max(10))
    } else {
        return None;
    };
    let base = within(spec, base, rng);
    Some(unit.from_base(base).unwrap_or(base).normalize())
}

/// The texts `text` (a policy's source) compares field `name` with, `name = "…"` (or `==`,
/// `≠`, `!=`), in the order written, each once.
fn compared_texts(text: &str, name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (at, m) in text.match_indices(name) {
        let before = text.get(..at).and_then(|t| t.chars().next_back());
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(rest) = text.get(at + m.len()..) else { continue };
        let rest = rest.trim_start_matches([' ', '\t', '\u{3000}']);
        let Some(rest) = ["==", "!=", "=", "≠"].iter().find_map(|op| rest.strip_prefix(op))
        else {
            continue;
        };
        let rest = rest.trim_start_matches([' ', '\t', '\u{3000}']);
        let Some(quoted) = rest.strip_prefix('"') else { continue };
        let Some((t, _)) = quoted.split_once('"') else { continue };
        if !t.is_empty() && !t.contains('\n') && !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// The range of a deduction taken from field `name`, as the squeezed policy text writes it:
/// `4-7分:虚列套取扣分`.
fn deduction_range(squeezed: &str, name: &str) -> Option<(i64, i64)> {
    let needle = format!("分:{name}");
    squeezed.match_indices(&needle).find_map(|(at, m)| {
        let next = squeezed.get(at + m.len()..).and_then(|t| t.chars().next());
        if next.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let before = squeezed.get(..at)?;
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '-')
            .last()
            .map(|(i, _)| i)?;
        let (lo, hi) = before.get(start..)?.split_once('-')?;
        Some((lo.parse().ok()?, hi.parse().ok()?))
    })
}

/// The id of row `n`: the subject's name and the row number (`企业0000001`).
fn key(f: &FieldSpec, subject: &str, n: u64) -> Cell {
    match &f.kind {
        FieldKind::Text => Cell::Text(format!("{subject}{:07}", n.saturating_add(1))),
        FieldKind::Enum { values, .. } => usize::try_from(n)
            .ok()
            .and_then(|i| values.get(i))
            .map_or(Cell::Empty, |v| Cell::Text(v.clone())),
        _ => Cell::Number(Decimal::from(n.saturating_add(1))),
    }
}

/// A field's values for `count` years (one for a field that is not yearly).
fn series(f: &FieldSpec, count: usize, nonzero: bool, year: u16, rng: &mut Rng) -> Vec<Cell> {
    let first = value(f, nonzero, year, rng);
    let mut out = vec![first.clone()];
    let mut last = first;
    for _ in 1..count {
        let next = match (&f.kind, &last) {
            // A quantity grows (or shrinks a little) from one year to the next.
            (FieldKind::Number { unit, .. }, Cell::Number(n)) => {
                let g = Decimal::from(rng.between(95, 115));
                let grown = n
                    .checked_mul(g)
                    .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                    .map_or(*n, |x| x.round_dp(n.scale()));
                let base = unit.to_base(grown).unwrap_or(grown);
                Cell::Number(unit.from_base(within(f, base, rng)).unwrap_or(grown))
            }
            _ => value(f, nonzero, year, rng),
        };
        out.push(next.clone());
        last = next;
    }
    out
}

/// The first of the six years a year or date field is drawn from: the five before `last`.
const YEARS_BACK: i64 = 5;

/// One generated value of a field; years and dates fall within the six years ending with `last`.
fn value(f: &FieldSpec, nonzero: bool, last: u16, rng: &mut Rng) -> Cell {
    let last = i64::from(last);
    if f.optional && !nonzero && rng.chance(10) {
        return Cell::Empty;
    }
    match &f.kind {
        FieldKind::Number { unit, share } => {
            let drawn = number(unit, *share, nonzero, rng);
            let base = within(f, drawn, rng);
            Cell::Number(unit.from_base(base).unwrap_or(base).normalize())
        }
        FieldKind::Bool => Cell::Bool(rng.chance(20)),
        FieldKind::Text => Cell::Text(format!("{}{:05}", f.name, rng.below(100_000))),
        FieldKind::Date => {
            let y = rng.between(last - YEARS_BACK, last);
            let (m, d) = (rng.between(1, 12), rng.between(1, 28));
            Cell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        FieldKind::Year => Cell::Number(Decimal::from(rng.between(last - YEARS_BACK, last))),
        FieldKind::Enum { values, .. } => {
            Cell::Text(values.get(skewed(values.len(), rng)).cloned().unwrap_or_default())
        }
    }
}

/// An index in `0..n`, each half as likely as the one before it (uniform beyond 6 values).
fn skewed(n: usize, rng: &mut Rng) -> usize {
    if n > 6 {
        return usize::try_from(rng.below(n as u64)).unwrap_or(0);
    }
    // Weights 2^(n-1), …, 2, 1.
    let total = (1u64 << n).saturating_sub(1);
    let mut r = rng.below(total);
    for i in 0..n {
        let w = 1u64 << (n - 1 - i);
        if r < w {
            return i;
        }
        r -= w;
    }
    0
}

/// `m × 10^e`, exactly.
fn scaled(m: i64, e: u32) -> Decimal {
    let mut d = Decimal::from(m);
    for _ in 0..e {
        d = d.checked_mul(Decimal::TEN).unwrap_or(d);
    }
    d
}

/// The power of ten of a unit's size in base units (4 for 万元, 8 for 亿元, 0 for 元).
fn magnitude(unit: &Unit) -> u32 {
    let digits = unit.scale().trunc().normalize().to_string().len();
    u32::try_from(digits.saturating_sub(1)).unwrap_or(0)
}

/// A value in base units for a quantity of `unit`.
fn number(unit: &Unit, share: bool, nonzero: bool, rng: &mut Rng) -> Decimal {
    let dim = unit.dim();
    let frac = |x: i64, places: u32| Decimal::new(x, places);
    if dim == Dim::MONEY {
        if rng.chance(25) && !nonzero {
            return Decimal::ZERO;
        }
        // Three significant figures, most often in the middle of three orders of magnitude
        // and one time in twenty an order higher: for a field in 元, 1,000元 to 999万元, about
        // half of it 1万 to 10万元 and one value in eighty above 100万元, with cents; in 万元,
        // 1万元 to 9,990万元; in 亿元, 1亿元 to 9,990亿元 (a county's figures).
        let m = magnitude(unit).max(3);
        let higher = u32::from(rng.chance(5));
        let whole = scaled(rng.between(100, 999), m - 2 + rng.binomial(2) + higher);
        let cents = if m < 8 { frac(rng.between(0, 99), 2) } else { Decimal::ZERO };
        return whole.checked_add(cents).unwrap_or(whole);
    }
    if dim == Dim::AREA {
        // 10㎡ to 9,900㎡, most often a few hundred.
        return scaled(rng.between(10, 99), rng.binomial(2));
    }
    if dim == Dim::base(Base::People) || dim == Dim::base(Base::Things) {
        let e = rng.binomial(3);
        let lo = scaled(1, e).to_string().parse::<i64>().unwrap_or(1);
        return Decimal::from(rng.between(lo, lo.saturating_mul(10).saturating_sub(1)));
    }
    if dim == Dim::PERCENT {
        // A share anywhere in 0–100%; a rate between −5% and 25%.
        return if share {
            frac(rng.between(0, 10_000), 4)
        } else {
            frac(rng.between(-500, 2500), 4)
        };
    }
    if dim == Dim::POINTS {
        return frac(rng.between(0, 1000), 4);
    }
    if dim == Dim::base(Base::Score) {
        return frac(rng.between(0, 1000), 1);
    }
    if dim == Dim::base(Base::Time) {
        return Decimal::from(rng.between(1, 10));
    }
    if dim.is_number() {
        return Decimal::from(rng.between(0, 100));
    }
    frac(rng.between(100, 10_000), 2)
}

/// A value moved inside the field's declared or implied range: a point drawn uniformly in
/// the range when the value falls outside one with both ends, else the nearest end.
fn within(f: &FieldSpec, v: Decimal, rng: &mut Rng) -> Decimal {
    match (&f.min, &f.max) {
        (Some(lo), Some(hi)) if v < lo.value || v > hi.value => {
            let width = hi.value.checked_sub(lo.value).unwrap_or_default();
            let k = Decimal::new(rng.between(0, 100), 2);
            let inside = width.checked_mul(k).and_then(|x| x.checked_add(lo.value));
            inside.map_or(lo.value, |x| x.round_dp(4).clamp(lo.value, hi.value))
        }
        (Some(lo), _) if v < lo.value => lo.value,
        (_, Some(hi)) if v > hi.value => hi.value,
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skew_favours_the_first_values() {
        let mut rng = Rng::for_row(1, 0);
        let mut counts = [0u32; 3];
        for _ in 0..7000 {
            counts[skewed(3, &mut rng)] += 1;
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[2], "{counts:?}");
    }

    #[test]
    fn deduction_ranges_are_read_from_the_policy() {
        assert_eq!(
            deduction_range("项资金使用7分扣分{\n虚列套取4-7分:虚列套取扣分\n依据", "虚列套取扣分"),
            Some((4, 7))
        );
        assert_eq!(deduction_range("虚列套取4-7分:虚列套取扣分二", "虚列套取扣分"), None);
        assert_eq!(deduction_range("依据不合规2分:依据不合规", "依据不合规"), None);
    }

    #[test]
    fn compared_texts_are_read_in_order() {
        let policy =
            "当 企业名称 = \"甲\"\n当 企业名称=\"乙\" 且 总企业名称 = \"丙\"\n当 企业名称 = \"甲\"";
        assert_eq!(compared_texts(policy, "企业名称"), vec!["甲".to_string(), "乙".to_string()]);
        assert!(compared_texts("令 企业名称: 文本", "企业名称").is_empty());
    }

    #[test]
    fn years_fall_in_the_six_years_ending_with_the_last() {
        let spec = FieldSpec {
            name: "认定年份".into(),
            span: crate::source::Span::default(),
            kind: FieldKind::Year,
            by_year: false,
            optional: false,
            min: None,
            max: None,
        };
        let mut rng = Rng::for_row(3, 0);
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..6000 {
            if let Cell::Number(y) = value(&spec, false, 2024, &mut rng) {
                *counts.entry(y.to_string()).or_insert(0) += 1;
            }
        }
        let years: Vec<&str> = counts.keys().map(String::as_str).collect();
        assert_eq!(years, ["2019", "2020", "2021", "2022", "2023", "2024"]);
        // About one in six each: the evaluation year and the one before it are frequent.
        assert!(counts["2024"] > 800 && counts["2023"] > 800, "{counts:?}");
    }

    #[test]
    fn money_is_exact_to_the_cent() {
        let mut rng = Rng::for_row(2, 0);
        for _ in 0..1000 {
            let v = number(&Unit::canonical(Dim::MONEY), false, false, &mut rng);
            assert!(v.scale() <= 2 && v >= Decimal::ZERO && v < Decimal::from(10_000_000));
        }
    }
}
