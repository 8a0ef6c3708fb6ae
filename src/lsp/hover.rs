//! Hover: on a name, its kind, type and unit, the subject it belongs to and the clauses it cites
//! with their quoted source sentences; on a unit word, its dimension and factor; on a comparison
//! word, what it means (`以上` includes the number, 民法典 第1259条).

use crate::ast::{Citation, ItemKind, Node, Policy, TypeExpr};
use crate::checker::Checked;
use crate::checker::scope::DefSource;
use crate::diagnostics::Lang;
use crate::units::Dim;

use super::names::{Local, Resolver, Word};

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The name of a kind of declaration.
pub fn kind_name(kind: Option<&ItemKind>, lang: Lang) -> String {
    let (zh, en) = match kind {
        None => ("数据项", "field"),
        Some(k) => match k {
            ItemKind::Import(_) => ("引用的政策", "imported policy"),
            ItemKind::Enum(_) => ("枚举", "enumeration"),
            ItemKind::Subject(_) => ("主体", "subject"),
            ItemKind::For(_) => ("规则块", "rule block"),
            ItemKind::Param(_) => ("参数", "parameter"),
            ItemKind::Let(_) => ("值", "value"),
            ItemKind::Condition(_) => ("条件", "condition"),
            ItemKind::Indicators(_) => ("指标表", "indicators"),
            ItemKind::Score(_) => ("评分表", "score sheet"),
            ItemKind::Grade(_) => ("等级", "grade"),
            ItemKind::Award(_) => ("奖励", "award"),
            ItemKind::Status(_) => ("状态", "status"),
            ItemKind::Stack(_) => ("叠加规则", "stacking rule"),
            ItemKind::Budget(_) => ("预算", "budget"),
            ItemKind::Matching(_) => ("配套", "matching"),
            ItemKind::Stated(_) => ("声明的数字", "stated figure"),
            ItemKind::Share(_) => ("分担", "share"),
            ItemKind::Pool(_) => ("资金池", "pool"),
            ItemKind::WrittenDate(_) => ("原文日期", "written date"),
            ItemKind::Averages(_) => ("平均数", "averages"),
        },
    };
    pick(lang, zh, en)
}

fn type_written(ty: &TypeExpr, lang: Lang) -> String {
    match ty {
        TypeExpr::Bool => pick(lang, "是否", "bool"),
        TypeExpr::Text => pick(lang, "文本", "text"),
        TypeExpr::Date => pick(lang, "日期", "date"),
        TypeExpr::Year => pick(lang, "年份", "year"),
        TypeExpr::Number => pick(lang, "数", "number"),
        TypeExpr::Share => pick(lang, "占比", "share"),
        TypeExpr::Unit(u) | TypeExpr::Named(u) => u.clone(),
    }
}

fn citations_md(citations: &[Node<Citation>], out: &mut String) {
    for c in citations {
        out.push_str(&format!("\n\n§ {}", c.node.clause.node));
        if let Some(q) = &c.node.quote {
            out.push_str(&format!(" 「{}」", q.node));
        }
    }
}

/// What hover says about a name of the policy (Markdown).
pub fn describe(checked: &Checked, local: Local, lang: Lang) -> String {
    let scope = &checked.scope;
    let mut out = String::new();
    match local {
        Local::Def(id) => {
            let Some(def) = scope.defs.get(id) else { return out };
            out.push_str(&format!("**{}** `{}`", kind_name(def.kind(), lang), def.name));
            if let Some(s) = def.subject.and_then(|s| scope.subjects.get(s)) {
                out.push_str(&pick(lang, "（主体 ", " (subject "));
                out.push_str(&format!("`{}`{}", s.decl.name.node, pick(lang, "）", ")")));
            }
            if let Some(t) = checked.types.get(id) {
                let ty = t.ty.describe(&scope.enums);
                out.push_str(&format!("\n\n{}{}", pick(lang, "类型：", "type: "), ty.get(lang)));
                if t.yearly {
                    out.push_str(&pick(lang, "，按年", ", by year"));
                }
            }
            let (written, citations) = match def.source {
                DefSource::Field(f) => (Some(&f.node.ty.node), f.node.citations.as_slice()),
                DefSource::Item(item) => {
                    let ty = match &item.node.kind {
                        ItemKind::Param(p) => Some(&p.ty.node),
                        ItemKind::Let(l) => l.ty.as_ref().map(|t| &t.node),
                        _ => None,
                    };
                    if let ItemKind::Import(i) = &item.node.kind {
                        out.push_str(&format!(
                            "\n\n{} `{}`",
                            pick(lang, "文件", "file"),
                            i.path.node
                        ));
                    }
                    (ty, item.node.citations.as_slice())
                }
            };
            if let Some(ty) = written {
                out.push_str(&format!(
                    "\n\n{}`{}`",
                    pick(lang, "写作：", "written: "),
                    type_written(ty, lang)
                ));
            }
            citations_md(citations, &mut out);
        }
        Local::Enum(id) => {
            if let Some(e) = scope.enums.get(id) {
                let order = if e.ordered { pick(lang, "有序", "ordered") } else { String::new() };
                out.push_str(&format!(
                    "**{}** `{}` {order}\n\n",
                    pick(lang, "枚举", "enumeration"),
                    e.name
                ));
                let sep = if e.ordered { " < ".to_string() } else { pick(lang, "、", ", ") };
                out.push_str(
                    &e.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(&sep),
                );
            }
        }
        Local::Subject(id) => {
            if let Some(s) = scope.subjects.get(id) {
                out.push_str(&format!(
                    "**{}** `{}`",
                    pick(lang, "主体", "subject"),
                    s.decl.name.node
                ));
                if let Some(key) = &s.decl.key {
                    out.push_str(&format!("\n\n{}`{}`", pick(lang, "标识：", "key: "), key.node));
                }
                out.push_str(&format!(
                    "\n\n{}{}",
                    pick(lang, "数据项：", "fields: "),
                    s.fields.len()
                ));
            }
        }
        Local::Value(e, i) => {
            if let Some(info) = scope.enums.get(e) {
                let v = info.values.get(i).map_or("", String::as_str);
                out.push_str(&format!(
                    "**{}** `{v}` {} `{}`",
                    pick(lang, "枚举值", "enumeration value"),
                    pick(lang, "属于", "of"),
                    info.name
                ));
                if info.ordered {
                    out.push_str(&format!(
                        "\n\n{}{} / {}",
                        pick(lang, "次序：第 ", "rank: "),
                        i + 1,
                        info.values.len()
                    ));
                }
            }
        }
    }
    out
}

/// The name of a dimension.
fn dim_name(dim: Dim, lang: Lang) -> String {
    let table = [
        (Dim::MONEY, "金额", "money"),
        (Dim::AREA, "面积", "area"),
        (Dim::TIME, "时间", "time"),
        (Dim::PEOPLE, "人数", "people"),
        (Dim::THINGS, "个数", "a count of things"),
        (Dim::SCORE, "分数", "score"),
        (Dim::PERCENT, "百分比", "percentage"),
        (Dim::POINTS, "百分点", "percentage points"),
        (Dim::NUMBER, "纯数", "plain number"),
    ];
    table
        .iter()
        .find(|(d, _, _)| *d == dim)
        .map_or_else(|| dim.display(lang), |(_, zh, en)| pick(lang, zh, en))
}

/// The unit word at the end of a quantity or written alone (`50万元`, `万元`), described.
pub fn unit_md(word: &str, lang: Lang) -> Option<String> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = COMPARISONS.iter().find_map(|(w, ..)| rest.strip_suffix(w)).unwrap_or(rest);
    let atom = crate::units::catalog::lookup(rest)?;
    let base = atom.dim.display(lang);
    Some(format!(
        "**{}** `{}`: {} (`{base}`)\n\n1 {} = {} {base}",
        pick(lang, "单位", "unit"),
        atom.text,
        dim_name(atom.dim, lang),
        atom.text,
        atom.scale.normalize()
    ))
}

/// Comparison words: the word, its symbol, and whether the number itself is included.
pub const COMPARISONS: &[(&str, &str, bool)] = &[
    ("以上", "≥", true),
    ("以下", "≤", true),
    ("以内", "≤", true),
    ("届满", "≥", true),
    ("不满", "<", false),
    ("未满", "<", false),
    ("超过", ">", false),
    ("不低于", "≥", true),
    ("不少于", "≥", true),
    ("达到", "≥", true),
    ("至少", "≥", true),
    ("最高不超过", "≤", true),
    ("不超过", "≤", true),
    ("不高于", "≤", true),
    ("不多于", "≤", true),
    ("高于", ">", false),
    ("突破", ">", false),
    ("多于", ">", false),
    ("快于", ">", false),
    ("大于", ">", false),
    ("低于", "<", false),
    ("少于", "<", false),
    ("不足", "<", false),
    ("小于", "<", false),
    ("等于", "=", true),
    ("不等于", "≠", false),
];

/// A comparison word (alone, or at the end of `5家以上`), explained.
pub fn comparison_md(word: &str, lang: Lang) -> Option<String> {
    let (w, symbol, includes) = COMPARISONS
        .iter()
        .filter(|(w, ..)| {
            word == *w || (word.ends_with(w) && word.starts_with(|c: char| c.is_ascii_digit()))
        })
        .max_by_key(|(w, ..)| w.len())?;
    let law = matches!(*w, "以上" | "以下" | "以内" | "届满" | "不满" | "超过");
    let mut out = format!("**{}** `{w}` = `{symbol}`\n\n", pick(lang, "比较词", "comparison word"));
    out.push_str(&match (includes, lang) {
        (true, Lang::Zh) => "包括本数".to_string(),
        (true, Lang::En) => "includes the number itself".to_string(),
        (false, Lang::Zh) => "不包括本数".to_string(),
        (false, Lang::En) => "excludes the number itself".to_string(),
    });
    if law {
        out.push_str(&pick(
            lang,
            "（《民法典》第1259条：民法所称的“以上”、“以下”、“以内”、“届满”，包括本数；所称的“不满”、“超过”、“以外”，不包括本数）",
            " (Civil Code of the PRC, art. 1259: 以上, 以下, 以内 and 届满 include the number; 不满, 超过 and 以外 exclude it)",
        ));
    }
    Some(out)
}

/// The hover text for the word: a name's description, else a unit's, a comparison's.
pub fn hover_md(
    resolver: &Resolver,
    parsed: Option<(&Policy, &Checked)>,
    word: &Word,
) -> Option<String> {
    if let Some((policy, checked)) = parsed
        && let Some(target) = resolver.target(policy, checked, word)
    {
        return Some(target.hover);
    }
    let lang = resolver.lang;
    let parts: Vec<String> =
        [unit_md(word.text, lang), comparison_md(word.text, lang)].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}
