//! An award's arithmetic with the numbers filled in, from its working
//! ([`crate::eval::working`]): which exception applied, base × rate = amount, the cap and
//! whether it was reached, the cut, what is paid. For the 计算依据 and `explain`.

use rust_decimal::Decimal;

use super::show::show;
use crate::checker::scope::Scope;
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::eval::working::Named;

/// The steps of award `name` for one subject, from its working `values`:
/// `["1,500,000 元 × 20% = 300,000 元", "上限 300,000 元，恰好达到上限", "金额 300,000 元"]`.
/// Empty when the working has no value for the award.
pub fn steps(name: &str, values: &[Named], scope: &Scope<'_>, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let get = |part: &str| {
        let full = format!("{name}.{part}");
        values.iter().find(|v| v.name == full)
    };
    let s = |v: &V| show(v, scope, lang);
    let Some(amount) = get("金额") else { return Vec::new() };
    let mut out = Vec::new();
    if let Some(e) = get("符合条件")
        && e.value == V::Bool(false)
    {
        let failed: Vec<String> = (1..)
            .map_while(|n| get(&format!("条件{n}")).map(|c| (n, c)))
            .filter(|(_, c)| c.value != V::Bool(true))
            .map(|(n, c)| {
                let missing = c.value == V::Missing;
                match (zh, missing) {
                    (true, false) => format!("第 {n} 个条件不成立"),
                    (true, true) => format!("第 {n} 个条件缺数据"),
                    (false, false) => format!("condition {n} does not hold"),
                    (false, true) => format!("condition {n} lacks data"),
                }
            })
            .collect();
        let sep = if zh { "、" } else { ", " };
        out.push(if zh {
            format!("不符合条件（{}），金额 {}", failed.join(sep), s(&amount.value))
        } else {
            format!("not eligible ({}): {}", failed.join(sep), s(&amount.value))
        });
        return out;
    }
    if let Some(first) = get("首次符合年份") {
        let y = s(&first.value);
        out.push(if zh {
            format!("自 {y} 起符合条件，本年不发放，金额 {}", s(&amount.value))
        } else {
            format!("eligible since {y}, not paid this year: {}", s(&amount.value))
        });
        return out;
    }
    if let Some(e) = get("例外")
        && let Some(n) = e.value.as_num()
        && n > Decimal::ZERO
    {
        out.push(if zh {
            format!("适用第 {n} 个例外")
        } else {
            format!("exception {n} applies")
        });
    }
    let computed = get("计算金额").map(|c| c.value.clone()).unwrap_or(V::Missing);
    if let (Some(base), Some(rate)) = (get("基数"), get("比例")) {
        let product = match (&base.value, &rate.value) {
            (V::Num(b, _), V::Num(r, _)) => b.checked_mul(*r),
            _ => None,
        };
        let line = format!("{} × {}", s(&base.value), s(&rate.value));
        let same = matches!((&computed, product), (V::Num(c, _), Some(p)) if *c == p);
        out.push(match (same, product, &computed) {
            (true, _, c) => format!("{line} = {}", s(c)),
            (false, Some(p), V::Num(_, d)) => {
                let p = s(&V::Num(p, *d));
                if zh {
                    format!("{line} = {p}，取整为 {}", s(&computed))
                } else {
                    format!("{line} = {p}, rounded to {}", s(&computed))
                }
            }
            _ => format!("{line} → {}", s(&computed)),
        });
    } else if computed != V::Missing {
        out.push(format!("{} {}", if zh { "计算金额" } else { "computed" }, s(&computed)));
    }
    if let Some(cap) = get("上限") {
        let reached = get("达到上限");
        let gap = reached.and_then(|r| r.margin.clone());
        let gap_num = gap.as_ref().and_then(V::as_num);
        let by = |g: &V| match g {
            V::Num(n, d) => s(&V::Num(n.abs(), *d)),
            other => s(other),
        };
        let c = s(&cap.value);
        out.push(match (reached.map(|r| &r.value), gap_num, zh) {
            (Some(V::Bool(true)), Some(g), true) if g.is_zero() => {
                format!("上限 {c}，恰好达到上限")
            }
            (Some(V::Bool(true)), Some(g), false) if g.is_zero() => {
                format!("cap {c}, reached exactly")
            }
            (Some(V::Bool(true)), _, true) => format!(
                "上限 {c}，已达上限（超出 {}），按上限",
                gap.as_ref().map(by).unwrap_or_default()
            ),
            (Some(V::Bool(true)), _, false) => format!(
                "cap {c}, reached ({} over it): the cap is paid",
                gap.as_ref().map(by).unwrap_or_default()
            ),
            (_, Some(_), true) => {
                format!("上限 {c}，未达上限（差 {}）", gap.as_ref().map(by).unwrap_or_default())
            }
            (_, Some(_), false) => format!(
                "cap {c}, not reached ({} below it)",
                gap.as_ref().map(by).unwrap_or_default()
            ),
            (_, None, true) => format!("上限 {c}"),
            (_, None, false) => format!("cap {c}"),
        });
    }
    if let Some(cut) = get("核减")
        && cut.value.as_num().is_some_and(|n| !n.is_zero())
    {
        out.push(format!("{} {}", if zh { "核减" } else { "cut by" }, s(&cut.value)));
    }
    out.push(format!("{} {}", if zh { "金额" } else { "amount" }, s(&amount.value)));
    out
}
