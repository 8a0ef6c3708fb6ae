//! `--chart FILE`: the distribution and the award totals as a self-contained SVG picture or an
//! HTML page holding it. No script, no external font or style; the same simulation gives the
//! same bytes.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::Simulation;
use super::quantile::Quantile;
use super::render::{Meta, band_label, yuan};
use crate::report::show::grouped;

/// Escapes text for XML and HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const WIDTH: u32 = 760;
const LABEL: u32 = 180;
const BAR: u32 = 440;
const ROW: u32 = 22;

/// The length of a bar of `v` out of `max`, in pixels, to a tenth (drawing only; figures are
/// written exactly beside the bars).
fn length(v: Decimal, max: Decimal) -> String {
    if max <= Decimal::ZERO {
        return "0".into();
    }
    let px = v
        .checked_mul(Decimal::from(BAR))
        .and_then(|x| x.checked_div(max))
        .unwrap_or_default()
        .round_dp(1);
    px.normalize().to_string()
}

/// The chart as an SVG document.
pub fn svg(sim: &Simulation, meta: &Meta) -> String {
    let bands = sim.histogram.len() as u32;
    let awards = sim.awards.len() as u32;
    let height = 70 + bands * ROW + 50 + awards * ROW + 20;
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let title = meta.title.clone().unwrap_or_else(|| meta.policy.clone());
    let _ = writeln!(
        o,
        r#"<text x="10" y="22" font-size="16" font-weight="bold">{}</text>"#,
        esc(&title)
    );
    let _ = writeln!(
        o,
        r#"<text x="10" y="42">{}</text>"#,
        esc(&format!(
            "{} × {}：主体 {}，获得者 {}，合计 {}",
            meta.policy,
            meta.data,
            grouped(Decimal::from(sim.subjects)),
            grouped(Decimal::from(sim.recipients)),
            yuan(sim.total)
        ))
    );
    let _ =
        writeln!(o, r#"<text x="10" y="62" font-weight="bold">每个获得者所得合计的分布</text>"#);
    let max = sim.histogram.iter().map(|b| b.count).max().unwrap_or(0);
    let mut y = 70;
    for b in &sim.histogram {
        let _ = writeln!(
            o,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="#4477aa"/><text x="{}" y="{}">{}</text>"##,
            LABEL - 6,
            y + 15,
            esc(&band_label(b)),
            LABEL,
            y + 3,
            length(Decimal::from(b.count), Decimal::from(max)),
            ROW - 6,
            LABEL + BAR + 6,
            y + 15,
            grouped(Decimal::from(b.count))
        );
        y += ROW;
    }
    y += 30;
    let _ = writeln!(o, r#"<text x="10" y="{y}" font-weight="bold">各项奖励合计</text>"#);
    y += 8;
    let amax = sim.awards.iter().map(|a| a.total).max().unwrap_or_default();
    for a in &sim.awards {
        let _ = writeln!(
            o,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="#228833"/><text x="{}" y="{}">{}</text>"##,
            LABEL - 6,
            y + 15,
            esc(&a.name),
            LABEL,
            y + 3,
            length(a.total, amax),
            ROW - 6,
            LABEL + BAR + 6,
            y + 15,
            esc(&yuan(a.total))
        );
        y += ROW;
    }
    o.push_str("</svg>\n");
    o
}

/// The chart as an HTML page: the SVG and a table of the quantiles.
pub fn html(sim: &Simulation, meta: &Meta) -> String {
    let title = meta.title.clone().unwrap_or_else(|| meta.policy.clone());
    let mut rows = String::new();
    if let (Some(min), Some(max)) = (sim.min, sim.max) {
        let _ = writeln!(rows, "<tr><td>最小</td><td>{}</td></tr>", esc(&yuan(min)));
        for (name, q) in &sim.quantiles {
            let v = match q {
                Quantile::Exact(v) => yuan(*v),
                Quantile::Between(lo, hi) => format!("≈ {}–{}", grouped(*lo), yuan(*hi)),
            };
            let _ = writeln!(rows, "<tr><td>{name}</td><td>{}</td></tr>", esc(&v));
        }
        let _ = writeln!(rows, "<tr><td>最大</td><td>{}</td></tr>", esc(&yuan(max)));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td{{border:1px solid #ccc;padding:2px 8px}}td+td{{text-align:right}}</style>\n</head>\n<body>\n{}<table>\n{}</table>\n</body>\n</html>\n",
        esc(&title),
        svg(sim, meta),
        rows
    )
}
