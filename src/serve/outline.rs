//! One policy's outline for the workbench: each clause cited, with its text and the rules that
//! cite it (kind, name, line), in the order written; and each subject kind's fields with their
//! units and the parameters, as `zhengce schema --format json` gives them.

use std::path::Path;

use serde_json::{Value, json};

use crate::ast::{Item, ItemKind, Node, Policy};
use crate::cli::Settings;
use crate::cli::args::{SchemaArgs, SchemaFormat};
use crate::diagnostics::Lang;
use crate::diagnostics::render::{Format, HumanStyle};
use crate::source::SourceFile;

/// The word a kind of rule is written with, in Chinese and English.
fn kind_word(kind: &ItemKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        ItemKind::Param(_) => ("参数", "parameter"),
        ItemKind::Let(_) => ("令", "value"),
        ItemKind::Condition(_) => ("条件", "condition"),
        ItemKind::Indicators(_) => ("指标表", "indicators"),
        ItemKind::Score(_) => ("评分", "score"),
        ItemKind::Grade(_) => ("等级", "grade"),
        ItemKind::Award(_) => ("奖励", "award"),
        ItemKind::Status(_) => ("状态", "status"),
        ItemKind::Stack(_) => ("叠加", "stacking"),
        ItemKind::Budget(_) => ("预算", "budget"),
        ItemKind::Matching(_) => ("配套", "matching"),
        ItemKind::Stated(_) => ("声明", "stated"),
        ItemKind::Share(_) => ("占比", "share"),
        ItemKind::Pool(_) => ("资金池", "pool"),
        ItemKind::Averages(_) => ("平均数", "averages"),
        ItemKind::WrittenDate(_) => ("原文日期", "date as written"),
        ItemKind::Import(_) | ItemKind::Enum(_) | ItemKind::Subject(_) | ItemKind::For(_) => {
            return None;
        }
    })
}

/// Each cited clause in the order first cited: its text and the rules that cite it.
fn clauses(policy: &Policy, file: &SourceFile) -> Vec<Value> {
    let mut out: Vec<(String, String, Vec<Value>)> = Vec::new();
    let mut walk: Vec<(&Node<Item>, Option<&str>)> =
        policy.items.iter().rev().map(|i| (i, None)).collect();
    while let Some((item, subject)) = walk.pop() {
        if let ItemKind::For(f) = &item.node.kind {
            walk.extend(f.items.iter().rev().map(|i| (i, Some(f.subject.node.as_str()))));
            continue;
        }
        let (Some((zh, en)), Some(name)) = (kind_word(&item.node.kind), item.node.kind.name())
        else {
            continue;
        };
        let (line, _) = file.line_col(name.span.start);
        let rule = json!({
            "kind_zh": zh, "kind_en": en, "name": name.node, "subject": subject, "line": line,
        });
        for c in &item.node.citations {
            let quote = c.node.quote.as_ref().map(|q| q.node.clone()).unwrap_or_default();
            match out.iter_mut().find(|(clause, ..)| *clause == c.node.clause.node) {
                Some((_, q, rules)) => {
                    if q.is_empty() {
                        *q = quote;
                    }
                    rules.push(rule.clone());
                }
                None => out.push((c.node.clause.node.clone(), quote, vec![rule.clone()])),
            }
        }
    }
    out.into_iter()
        .map(|(clause, quote, rules)| json!({ "clause": clause, "quote": quote, "rules": rules }))
        .collect()
}

/// The outline of the policy at `path`.
pub fn outline(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let file = SourceFile::new(path.display().to_string(), text);
    let (policy, _) = crate::parser::parse(&file);
    let Some(policy) = policy else { return json!({ "clauses": [], "kinds": [] }) };
    let args = SchemaArgs { policy: path.to_path_buf(), kind: None, format: SchemaFormat::Json };
    let settings = Settings {
        lang: Lang::Zh,
        format: Format::Plain,
        style: HumanStyle::default(),
        progress: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    crate::cli::schema::run_schema(&args, &settings, &mut out, &mut err);
    let kinds: Value = serde_json::from_slice(&out).unwrap_or(Value::Array(Vec::new()));
    json!({ "clauses": clauses(&policy, &file), "kinds": kinds })
}
