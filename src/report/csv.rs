//! The CSV report: one row per subject, `id` then one column per rule (or the rules asked for,
//! `eval --columns`), values exact in base units (money in 元, a percentage as a ratio),
//! conditions `true`/`false`, grades by name.

use super::Report;
use super::show::show;
use crate::diagnostics::Lang;
use crate::eval::value::V;

/// Renders the report as CSV: every rule reported per subject, or only the rules named in
/// `only`, in that order (names that are not such rules are left out; `eval --columns` refuses
/// them first).
pub fn render(r: &Report<'_, '_>, only: &[String]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let all = r.subject_columns();
    let defs: Vec<_> = if only.is_empty() {
        all
    } else {
        only.iter().filter_map(|n| all.iter().copied().find(|d| r.name(*d) == n)).collect()
    };
    let mut header = vec!["id".to_string()];
    header.extend(defs.iter().map(|d| r.name(*d).to_string()));
    let _ = w.write_record(&header);
    for o in r.outcomes {
        let mut row = vec![o.key.clone()];
        for d in &defs {
            let v = o.rules.iter().find(|x| x.def == *d).map(|x| &x.value);
            row.push(match v {
                Some(V::Num(n, _)) => n.normalize().to_string(),
                Some(V::Bool(b)) => b.to_string(),
                Some(V::Missing) | None => String::new(),
                Some(other) => show(other, &r.checked.scope, Lang::Zh),
            });
        }
        let _ = w.write_record(&row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
