//! Rendering an explanation: the derivation tree of one value.

use std::fmt::Write as _;

use serde_json::{Value as J, json};

use super::basis::one_line;
use super::show::{json as jv, show};
use crate::checker::scope::Scope;
use crate::diagnostics::Lang;
use crate::eval::explain::{Source, Step};

/// The derivation as an indented tree for the terminal.
pub fn text(step: &Step, scope: &Scope<'_>, lang: Lang) -> String {
    let mut out = String::new();
    node(&mut out, step, scope, lang, "", "");
    out
}

fn node(out: &mut String, s: &Step, scope: &Scope<'_>, lang: Lang, first: &str, rest: &str) {
    let zh = lang == Lang::Zh;
    let origin = match (s.source, zh) {
        (Source::Input, true) => "  （输入数据）",
        (Source::Input, false) => "  (input data)",
        (Source::Default, true) => "  （数据空白，取声明的缺省值）",
        (Source::Default, false) => "  (left empty in the data: the declared default)",
        (Source::Param, true) => "  （参数）",
        (Source::Param, false) => "  (parameter)",
        (Source::Rule, _) => "",
    };
    // A value read in another year than the one evaluated: that year, as the policy writes it.
    let at = s.year.map(|y| format!("[{y}年]")).unwrap_or_default();
    let _ = writeln!(out, "{first}{}{at} = {}{origin}", s.name, show(&s.value, scope, lang));
    let inner = if s.children.is_empty() { format!("{rest}    ") } else { format!("{rest}│   ") };
    if let Some(c) = &s.clause {
        // A quote written over several lines is shown on one, so the tree stays drawn.
        let quote = s.quote.as_ref().map(|q| format!(" 「{}」", one_line(q))).unwrap_or_default();
        let _ = writeln!(out, "{inner}§ {c}{quote}");
    }
    if let Some(f) = &s.formula {
        for line in f.lines() {
            let _ = writeln!(out, "{inner}  {}", line.trim());
        }
    }
    let n = s.children.len();
    for (i, c) in s.children.iter().enumerate() {
        let last = i + 1 == n;
        let (f, r) = if last { ("└── ", "    ") } else { ("├── ", "│   ") };
        node(out, c, scope, lang, &format!("{rest}{f}"), &format!("{rest}{r}"));
    }
}

/// The derivation as JSON: `{ "name", "value", "source", "formula", "clause", "quote", "inputs":
/// [...], "values": [...] }`, `values` the working named under the value explained, each as the
/// eval report's (docs/json.md).
pub fn json(step: &Step, values: &[crate::eval::working::Named], scope: &Scope<'_>) -> String {
    let mut root = tree(step, scope);
    if let J::Object(map) = &mut root {
        let named: Vec<J> = values.iter().map(|v| super::json::named_value(v, scope)).collect();
        map.insert("values".to_string(), J::Array(named));
    }
    let mut s = serde_json::to_string_pretty(&root).unwrap_or_default();
    s.push('\n');
    s
}

fn tree(s: &Step, scope: &Scope<'_>) -> J {
    let source = match s.source {
        Source::Input => "input",
        Source::Default => "default",
        Source::Param => "param",
        Source::Rule => "rule",
    };
    let inputs: Vec<J> = s.children.iter().map(|c| tree(c, scope)).collect();
    let mut j = json!({
        "name": s.name,
        "value": jv(&s.value, scope),
        "source": source,
        "formula": s.formula,
        "clause": s.clause,
        "quote": s.quote,
        "inputs": inputs,
    });
    // `year` only for a value read in another year than the one evaluated.
    if let (Some(y), J::Object(m)) = (s.year, &mut j) {
        m.insert("year".into(), json!(y));
    }
    j
}
