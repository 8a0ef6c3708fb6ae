//! The pools of a report ([`crate::eval::pool`]) in words, for the text, Markdown, xlsx and
//! basis reports: each pool's figures, and what a pooled award's line says of it.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::Report;
use crate::diagnostics::Lang;
use crate::eval::outcome::Detail;
use crate::eval::pool::{PoolResult, PoolShare, ratio_text};

/// An amount as the reports show money (`2,000,000 元`, `2,000,000 yuan`).
fn yuan(d: Decimal, lang: Lang) -> String {
    let v = crate::eval::value::V::Num(d, crate::units::Dim::MONEY);
    super::show::show(&v, &crate::checker::scope::Scope::default(), lang)
}

impl Report<'_, '_> {
    /// The pools applied to the report's subjects, in the order the policy declares them.
    pub fn pools(&self) -> Vec<Arc<PoolResult>> {
        let mut out: Vec<Arc<PoolResult>> = Vec::new();
        for o in self.outcomes {
            for r in &o.rules {
                if let Detail::Award(a) = &r.detail
                    && let Some(s) = &a.pool
                    && !out.iter().any(|p| Arc::ptr_eq(p, &s.pool))
                {
                    out.push(Arc::clone(&s.pool));
                }
            }
        }
        out
    }
}

/// One pool's figures on one line: `区级专项资金：总额 …；申领 …；…`.
pub fn line(p: &PoolResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut parts = Vec::new();
    let sep = if zh { "；" } else { "; " };
    if zh {
        parts.push(format!("总额 {}", yuan(p.total, lang)));
        parts.push(format!("申领 {}", yuan(p.claims, lang)));
    } else {
        parts.push(format!("pool {}", yuan(p.total, lang)));
        parts.push(format!("claims {}", yuan(p.claims, lang)));
    }
    if p.cut {
        let step = p.step.map(|x| yuan(x, lang)).unwrap_or_default();
        let ratio = ratio_text(p);
        let rem = yuan(p.remainder.unwrap_or_default(), lang);
        if zh {
            parts.push(format!("按比例 {ratio} 核减，向下舍到 {step}"));
            parts.push(format!("实发 {}", yuan(p.paid, lang)));
            parts.push(format!("舍入余额 {rem}"));
            parts.push(format!("{} 个主体被核减", p.subjects_cut));
        } else {
            parts.push(format!("cut by the ratio {ratio}, rounded down to {step}"));
            parts.push(format!("paid {}", yuan(p.paid, lang)));
            parts.push(format!("left unpaid by rounding {rem}"));
            let s = if p.subjects_cut == 1 { "" } else { "s" };
            parts.push(format!("{} subject{s} cut", p.subjects_cut));
        }
    } else if p.claims > p.total {
        let over = yuan(p.claims.checked_sub(p.total).unwrap_or_default(), lang);
        parts.push(if zh {
            format!("超出 {over}，政策未写核减，按申领全额列出（实发 {}）", yuan(p.paid, lang))
        } else {
            format!(
                "{over} over, and the policy writes no cut: claims shown in full (paid {})",
                yuan(p.paid, lang)
            )
        });
    } else if zh {
        parts.push(format!("未超出，不核减（实发 {}）", yuan(p.paid, lang)));
    } else {
        parts.push(format!("within the pool, nothing cut (paid {})", yuan(p.paid, lang)));
    }
    if p.missing > 0 {
        parts.push(if zh {
            format!("{} 项申领缺数据，未计入", p.missing)
        } else {
            format!("{} claims missing data, not counted", p.missing)
        });
    }
    if !p.foreign.is_empty() {
        parts.push(if zh {
            format!("不含未在此评估的 {}", p.foreign.join("、"))
        } else {
            format!("not counting {}, not evaluated here", p.foreign.join(", "))
        });
    }
    format!("{}: {}", p.name, parts.join(sep))
}

/// What a pooled award's line says: `资金池 区级专项资金：申领 2,000,000 元，按比例 … 核减后
/// 1,666,666.66 元`.
pub fn share(s: &PoolShare, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let p = &s.pool;
    let claimed = s
        .claimed
        .map_or_else(|| if zh { "缺数据".into() } else { "missing".into() }, |x| yuan(x, lang));
    match (p.cut, zh) {
        (true, true) => format!("资金池 {}：申领 {claimed}，按比例 {} 核减", p.name, ratio_text(p)),
        (true, false) => {
            format!("pool {}: claimed {claimed}, cut by the ratio {}", p.name, ratio_text(p))
        }
        (false, true) => format!("资金池 {}：申领 {claimed}，未核减", p.name),
        (false, false) => format!("pool {}: claimed {claimed}, not cut", p.name),
    }
}

/// A pooled award of one subject as JSON (`explain --format json`): the pool, the amount
/// claimed and after the cut, and the pool's figures.
pub fn share_json(s: &PoolShare, after: &crate::eval::value::V) -> serde_json::Value {
    let money =
        |n: Decimal| serde_json::json!({ "number": n.normalize().to_string(), "unit": "元" });
    let p = &s.pool;
    serde_json::json!({
        "pool": p.name,
        "claimed": s.claimed.map(money),
        "after_cut": after.as_num().map(money),
        "cut": p.cut,
        "ratio": p.ratio.map(|r| r.normalize().to_string()),
        "total": money(p.total),
        "claims": money(p.claims),
        "paid": money(p.paid),
        "remainder": p.remainder.map(money),
    })
}
