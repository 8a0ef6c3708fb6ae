//! What the data targets share: a fixed policy (`policies/zezhou.zc`, four subject kinds), the
//! validation of loaded data against each of its subjects, and evaluation.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use zhengce::ast::Policy;
use zhengce::checker::check;
use zhengce::data::{Dataset, RawData, Schema, validate};
use zhengce::diagnostics::Lang;
use zhengce::diagnostics::render::render_plain;
use zhengce::eval::{Evaluator, latest_year};
use zhengce::report::{self, Report};
use zhengce::source::SourceFile;

const POLICY: &str = include_str!("../../policies/zezhou.zc");

/// The fixed policy, parsed once.
pub fn policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let (p, d) = zhengce::parser::parse(&SourceFile::new("policies/zezhou.zc", POLICY));
        assert!(!d.has_errors(), "the fixed policy parses");
        p.expect("the fixed policy parses")
    })
}

/// Validates raw data against every subject of the policy.
#[allow(dead_code)]
pub fn validate_all(raw: &RawData) {
    let p = policy();
    for kind in p.subject_names() {
        let schema = Schema::from_policy(p, kind).expect("the fixed policy's schemas");
        if let Err(d) = validate(raw, &schema) {
            let _ = render_plain(&d.sorted(), Lang::En);
        }
    }
}

/// Loads `bytes` as the data of subject `kind` and evaluates every subject, rendering the
/// reports.
#[allow(dead_code)]
pub fn evaluate(name: &str, bytes: &[u8], kind: &str) {
    let p = policy();
    let schema = Schema::from_policy(p, kind).expect("the fixed policy's schemas");
    let ds: Dataset = match zhengce::data::load_dataset(name, bytes, &schema) {
        Ok(ds) => ds,
        Err(d) => {
            let _ = render_plain(&d.sorted(), Lang::En);
            return;
        }
    };
    let (checked, _) = check(p);
    let params: BTreeMap<_, _> =
        ds.param_names.iter().cloned().zip(ds.params.iter().cloned()).collect();
    let year = latest_year(&ds.records, &params);
    let subject = checked.scope.subject_names.get(kind).copied();
    let ev = Evaluator::new(p, &checked, subject, params);
    let mut outcomes = Vec::new();
    for record in &ds.records {
        let (o, d) = ev.evaluate(record, year);
        let _ = render_plain(&d.sorted(), Lang::Zh);
        outcomes.push(o);
    }
    let r = Report { policy: p, checked: &checked, outcomes: &outcomes, stacks: &[] };
    let _ = report::json(&r);
    let _ = report::text(&r, Lang::Zh);
    let _ = report::csv(&r, &[]);
}
