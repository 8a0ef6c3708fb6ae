//! The charts of the workbench, drawn on the server as SVG (nothing from the network): each
//! award's total before and after a change, as `zhengce diff` gives them, two bars an award.
//! Bar lengths are drawing only; every figure written on the chart is the exact amount.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::diagnostics::Lang;

/// One award's totals before and after.
pub struct Pair {
    pub name: String,
    pub before: Decimal,
    pub after: Decimal,
}

/// Text for SVG: `&`, `<`, `>` and quotes escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// An amount as people read it: `36,000 元`.
fn yuan(n: Decimal) -> String {
    format!("{} 元", crate::report::show::grouped(n.normalize()))
}

/// The bar chart of `pairs`: per award, the total before (grey) and after (blue), each with
/// its amount, and the change.
pub fn before_after(pairs: &[Pair], lang: Lang) -> String {
    const WIDTH: f64 = 640.0;
    const LABEL: f64 = 180.0;
    const BAR: f64 = 16.0;
    let zh = lang == Lang::Zh;
    let max = pairs
        .iter()
        .flat_map(|p| [p.before.abs(), p.after.abs()])
        .max()
        .and_then(|m| m.to_f64())
        .filter(|m| *m > 0.0)
        .unwrap_or(1.0);
    let span = WIDTH - LABEL - 160.0;
    let height = 30.0 + pairs.len() as f64 * (2.0 * BAR + 22.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n<text x=\"0\" y=\"14\">{}</text>\n\
         <rect x=\"{LABEL}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#aaa\"/><text x=\"{}\" y=\"14\">{}</text>\n\
         <rect x=\"{}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#36c\"/><text x=\"{}\" y=\"14\">{}</text>\n",
        if zh { "各项奖励合计" } else { "Each award's total" },
        LABEL + 14.0,
        if zh { "变更前" } else { "before" },
        LABEL + 70.0,
        LABEL + 84.0,
        if zh { "变更后" } else { "after" },
    );
    for (i, p) in pairs.iter().enumerate() {
        let top = 30.0 + i as f64 * (2.0 * BAR + 22.0);
        let len = |n: Decimal| n.abs().to_f64().map_or(0.0, |v| (v / max * span).max(1.0));
        let delta = p.after - p.before;
        let change =
            if delta.is_sign_negative() { yuan(delta) } else { format!("+{}", yuan(delta)) };
        svg.push_str(&format!(
            "<g class=\"award\"><text x=\"0\" y=\"{}\">{}</text><text x=\"0\" y=\"{}\" fill=\"#555\">{}</text>\n\
             <rect class=\"before\" x=\"{LABEL}\" y=\"{top}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"#aaa\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>\n\
             <rect class=\"after\" x=\"{LABEL}\" y=\"{}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"#36c\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text></g>\n",
            top + 12.0,
            escape(&p.name),
            top + 28.0,
            escape(&change),
            len(p.before),
            LABEL + len(p.before) + 4.0,
            top + 12.0,
            escape(&yuan(p.before)),
            top + BAR,
            len(p.after),
            LABEL + len(p.after) + 4.0,
            top + BAR + 12.0,
            escape(&yuan(p.after)),
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

/// The subjects by how a change moves them: how many gain, keep the same, lose (the counts of
/// `zhengce diff`), a bar each.
pub fn winners_and_losers(gain: u64, same: u64, lose: u64, lang: Lang) -> String {
    const WIDTH: f64 = 640.0;
    const LABEL: f64 = 180.0;
    let zh = lang == Lang::Zh;
    let max = gain.max(same).max(lose).max(1) as f64;
    let span = WIDTH - LABEL - 80.0;
    let rows = [
        (if zh { "得益（所得增加）" } else { "gain" }, gain, "#2a2"),
        (if zh { "所得不变" } else { "unchanged" }, same, "#aaa"),
        (if zh { "受损（所得减少）" } else { "lose" }, lose, "#c33"),
    ];
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"100\" \
         font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n<text x=\"0\" y=\"14\">{}</text>\n",
        if zh { "主体数" } else { "Subjects" }
    );
    for (i, (label, n, colour)) in rows.iter().enumerate() {
        let top = 24.0 + i as f64 * 24.0;
        let len = if *n == 0 { 0.0 } else { (*n as f64 / max * span).max(1.0) };
        svg.push_str(&format!(
            "<g class=\"count\"><text x=\"0\" y=\"{}\">{label}</text>\
             <rect x=\"{LABEL}\" y=\"{top}\" width=\"{len:.1}\" height=\"16\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{}\">{n}</text></g>\n",
            top + 12.0,
            LABEL + len + 4.0,
            top + 12.0,
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::{Pair, before_after, yuan};
    use crate::diagnostics::Lang;
    use rust_decimal::Decimal;

    #[test]
    fn each_award_has_two_bars_with_its_exact_amounts() {
        let pairs = [
            Pair {
                name: "投资<补助>".into(),
                before: Decimal::new(30_000, 0),
                after: Decimal::new(36_000, 0),
            },
            Pair {
                name: "奖励".into(),
                before: Decimal::new(123_456_789, 2),
                after: Decimal::ZERO,
            },
        ];
        let svg = before_after(&pairs, Lang::Zh);
        assert_eq!(svg.matches("<rect class=\"before\"").count(), 2);
        assert_eq!(svg.matches("<rect class=\"after\"").count(), 2);
        assert!(svg.contains("投资&lt;补助&gt;"), "{svg}");
        assert!(svg.contains(">+6,000 元<"), "{svg}");
        assert!(svg.contains(">1,234,567.89 元<") && svg.contains(">-1,234,567.89 元<"), "{svg}");
        // The longest bar is the largest amount's.
        assert!(svg.contains("width=\"300.0\""), "{svg}");
    }

    #[test]
    fn the_subjects_are_counted_by_how_they_move() {
        let svg = super::winners_and_losers(6, 0, 3, Lang::Zh);
        assert_eq!(svg.matches("<g class=\"count\">").count(), 3);
        assert!(
            svg.contains(">得益（所得增加）<") && svg.contains(">6<") && svg.contains(">3<"),
            "{svg}"
        );
        // The most numerous has the longest bar; none, none.
        assert!(svg.contains("width=\"380.0\"") && svg.contains("width=\"190.0\""), "{svg}");
        assert!(svg.contains("width=\"0.0\""), "{svg}");
    }

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(yuan(Decimal::new(-1_200_005, 2)), "-12,000.05 元");
        assert_eq!(yuan(Decimal::new(999, 0)), "999 元");
    }
}
