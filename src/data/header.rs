//! Column headers: a field name, optionally a year, optionally a unit.
//!
//! | header                  | field      | year   | unit   |
//! | ----------------------- | ---------- | ------ | ------ |
//! | `营业收入`              | `营业收入` | –      | –      |
//! | `营业收入(万元)`        | `营业收入` | –      | `万元` |
//! | `营业收入（万元）`      | `营业收入` | –      | `万元` |
//! | `营业收入[2020]`        | `营业收入` | 2020   | –      |
//! | `营业收入[2020年](万元)`| `营业收入` | 2020   | `万元` |
//! | `营业收入_2020`         | `营业收入` | 2020   | –      |
//! | `营业收入2020年`        | `营业收入` | 2020   | –      |
//! | `2020年营业收入(万元)`  | `营业收入` | 2020   | `万元` |
//!
//! The unit is the last bracketed group, half- or full-width parentheses, and may itself contain
//! parentheses (`补贴标准(元/(㎡·年))`). A year is four digits, optionally followed by `年`; it is
//! written in square brackets after the name (the policy language's own `营业收入[2020年]`, and
//! what templates write), after an underscore (`营业收入_2020`), or as `2020年` directly before
//! or after the name (`2020年营业收入`, `营业收入2020年`). A header is read
//! as a year form only when its text is not itself a field name, so fields whose names contain
//! digits (`5G基站数`) keep working.

/// A header split into its parts; the name is not yet matched against any field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// The header without its unit, trimmed: a field name, or a field name with a year.
    pub name: &'a str,
    /// The unit text, trimmed, if the header ends with one in parentheses.
    pub unit: Option<&'a str>,
    /// The ways `name` reads as a field name and a year, in the order they are tried.
    pub year_forms: Vec<(&'a str, u16)>,
}

/// Splits a header into name, unit and year forms.
pub fn parse_header(text: &str) -> Header<'_> {
    let text = text.trim();
    let (name, unit) = split_unit(text);
    Header { name, unit, year_forms: year_forms(name) }
}

/// `营业收入[2020](万元)` for a field, an optional year and an optional unit: the form templates
/// write.
pub fn header_text(name: &str, year: Option<u16>, unit: Option<&str>) -> String {
    let mut out = name.to_string();
    if let Some(y) = year {
        out.push_str(&format!("[{y}]"));
    }
    if let Some(u) = unit {
        out.push_str(&format!("({u})"));
    }
    out
}

/// A year written `2020` or `2020年` (four ASCII digits, surrounding white space allowed).
pub fn parse_year(text: &str) -> Option<u16> {
    let t = text.trim();
    let t = t.strip_suffix('年').unwrap_or(t);
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// A year in a cell: as [`parse_year`], or a whole number written with zero decimals, as a
/// database or pandas exports a year column typed as a decimal or a float (`2023.0`,
/// `2023.000000`; DuckDB's `COPY … TO 'x.csv'` of a `DECIMAL` column), the same year a
/// spreadsheet's number 2023.0 is read as.
pub fn parse_year_cell(text: &str) -> Option<u16> {
    let t = text.trim();
    match t.split_once('.') {
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => {
            parse_year(whole).filter(|_| whole.len() == 4)
        }
        _ => parse_year(t),
    }
}

/// Whether a header names the long-form year column: `年份`, `年度` or `year`.
pub fn is_year_column(name: &str) -> bool {
    let n = name.trim();
    n == "年份" || n == "年度" || n.eq_ignore_ascii_case("year")
}

fn is_open(c: char) -> bool {
    matches!(c, '(' | '（')
}

fn is_close(c: char) -> bool {
    matches!(c, ')' | '）')
}

/// Splits `name(unit)` at the parenthesis that opens the last group; a header that is nothing
/// but a bracketed group, or whose brackets do not pair, has no unit.
fn split_unit(text: &str) -> (&str, Option<&str>) {
    if !text.ends_with(is_close) {
        return (text, None);
    }
    let mut depth = 0usize;
    for (i, c) in text.char_indices().rev() {
        if is_close(c) {
            depth += 1;
        } else if is_open(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                let name = text.get(..i).unwrap_or("").trim_end();
                let inner = text.get(i + c.len_utf8()..text.len().saturating_sub(close_len(text)));
                return match inner {
                    Some(unit) if !name.is_empty() => (name, Some(unit.trim())),
                    _ => (text, None),
                };
            }
        }
    }
    (text, None)
}

fn close_len(text: &str) -> usize {
    text.chars().next_back().map_or(0, char::len_utf8)
}

fn year_forms(name: &str) -> Vec<(&str, u16)> {
    let mut out = Vec::new();
    // 营业收入[2020] / 营业收入[2020年]
    if let Some(rest) = name.strip_suffix(']')
        && let Some(open) = rest.rfind('[')
        && let Some(y) = rest.get(open + 1..).and_then(parse_year)
        && let Some(base) = rest.get(..open).map(str::trim_end)
        && !base.is_empty()
    {
        out.push((base, y));
    }
    // 营业收入_2020 / 营业收入_2020年
    if let Some((base, y)) = name.rsplit_once('_')
        && let Some(y) = parse_year(y)
        && !base.trim().is_empty()
    {
        out.push((base.trim_end(), y));
    }
    // 营业收入2020年
    if let Some(rest) = name.strip_suffix('年')
        && let cut = rest.len().saturating_sub(4)
        && let (Some(base), Some(y)) = (rest.get(..cut), rest.get(cut..).and_then(parse_year))
        && !base.trim().is_empty()
    {
        out.push((base.trim_end(), y));
    }
    // 2020年营业收入
    if let Some(y) = name.get(..4).and_then(parse_year)
        && let Some(base) = name.get(4..).and_then(|b| b.strip_prefix('年'))
        && !base.trim().is_empty()
    {
        out.push((base.trim_start(), y));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (String, Option<String>, Vec<(String, u16)>) {
        let h = parse_header(text);
        (
            h.name.to_string(),
            h.unit.map(str::to_string),
            h.year_forms.iter().map(|(b, y)| (b.to_string(), *y)).collect(),
        )
    }

    #[test]
    fn units_in_half_and_full_width_parentheses() {
        assert_eq!(parts("营业收入(万元)"), ("营业收入".into(), Some("万元".into()), vec![]));
        assert_eq!(parts(" 营业收入（万元） "), ("营业收入".into(), Some("万元".into()), vec![]));
        assert_eq!(parts("营业收入 ( 万元 )").1.as_deref(), Some("万元"));
        assert_eq!(parts("补贴标准(元/(㎡·年))").1.as_deref(), Some("元/(㎡·年)"));
        assert_eq!(parts("补贴标准(元/(㎡·年))").0, "补贴标准");
        assert_eq!(parts("名称"), ("名称".into(), None, vec![]));
        // not a unit: nothing before the brackets, or unpaired brackets
        assert_eq!(parts("(备注)"), ("(备注)".into(), None, vec![]));
        assert_eq!(parts("备注)"), ("备注)".into(), None, vec![]));
        assert_eq!(parts("营业收入()").1.as_deref(), Some(""));
    }

    #[test]
    fn year_forms_are_recognised() {
        let y = |t: &str| parts(t).2;
        assert_eq!(y("营业收入[2020]"), [("营业收入".to_string(), 2020)]);
        assert_eq!(y("营业收入[2020年]"), [("营业收入".to_string(), 2020)]);
        assert_eq!(y("营业收入_2021"), [("营业收入".to_string(), 2021)]);
        assert_eq!(y("2022年营业收入"), [("营业收入".to_string(), 2022)]);
        assert_eq!(y("营业收入2023年"), [("营业收入".to_string(), 2023)]);
        assert_eq!(parts("营业收入[2020](万元)").1.as_deref(), Some("万元"));
        assert_eq!(y("营业收入[2020](万元)"), [("营业收入".to_string(), 2020)]);
        assert_eq!(y("2020年营业收入（万元）"), [("营业收入".to_string(), 2020)]);
        // not years
        assert!(y("营业收入[20]").is_empty());
        assert!(y("营业收入_二〇二〇").is_empty());
        assert!(y("[2020]").is_empty());
        assert!(y("2020年").is_empty());
        assert!(y("5G基站数").is_empty());
        assert!(y("营业收入2020").is_empty());
    }

    #[test]
    fn years_and_year_columns() {
        assert_eq!(parse_year("2020"), Some(2020));
        assert_eq!(parse_year(" 2020年 "), Some(2020));
        assert_eq!(parse_year("20201"), None);
        assert_eq!(parse_year("２０２０"), None);
        assert_eq!(parse_year("-202"), None);
        assert!(is_year_column("年份"));
        assert!(is_year_column("Year"));
        assert!(!is_year_column("年份数"));
    }

    #[test]
    fn header_text_round_trips() {
        let t = header_text("营业收入", Some(2020), Some("万元"));
        assert_eq!(t, "营业收入[2020](万元)");
        let h = parse_header(&t);
        assert_eq!(h.unit, Some("万元"));
        assert_eq!(h.year_forms, vec![("营业收入", 2020)]);
        assert_eq!(header_text("名称", None, None), "名称");
    }
}
