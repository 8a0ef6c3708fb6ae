//! The library's front door: load a policy, check it, evaluate it on a data file, read the
//! outcomes, as the command line does, without it.
//!
//! A [`Workspace`] owns a policy file's text and syntax tree. [`Workspace::check`] runs the
//! checker and hands back a [`CheckedPolicy`] (or every error found); its
//! [`CheckedPolicy::evaluate`] loads a data file for one subject kind, evaluates every subject,
//! applies the stacking rules (the policies they import are loaded and evaluated on the same
//! data) and returns an [`Evaluation`]: each subject's outcome with its reasons and citations,
//! the stacked totals, and the evaluation's diagnostics. Money is exact
//! ([`rust_decimal::Decimal`], in 元).
//!
//! ```
//! use zhengce::api::{Options, Workspace};
//!
//! let dir = std::env::temp_dir().join(format!("zhengce-api-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let policy = dir.join("demo.zc");
//! std::fs::write(&policy, r#"政策 "示例" {
//! }
//! 主体 企业 {
//!   标识 名称
//!   名称: 文本
//!   转化费用: 元
//! }
//! 对于 企业 {
//!   § 二 「按技术合同成交额的30%给予补助，最高不超过50万元」
//!   补助 转化补助 { 金额 转化费用 × 30% 最高不超过 50万元 }
//! }
//! "#)?;
//! let data = dir.join("demo.企业.csv");
//! std::fs::write(&data, "名称,转化费用(万元)\n甲,100\n乙,300\n")?;
//!
//! let workspace = Workspace::load(&policy).map_err(|d| format!("{d:?}"))?;
//! let checked = workspace.check().map_err(|d| format!("{d:?}"))?;
//! let evaluation = checked.evaluate(&data, &Options::default()).map_err(|d| format!("{d:?}"))?;
//! // 100万元 × 30% = 30万元; 300万元 × 30% = 90万元, capped at 50万元.
//! assert_eq!(evaluation.award("甲", "转化补助"), Some(rust_decimal::Decimal::from(300_000)));
//! assert_eq!(evaluation.award("乙", "转化补助"), Some(rust_decimal::Decimal::from(500_000)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

use std::path::Path;

use rust_decimal::Decimal;

use crate::ast::Policy;
use crate::checker::Checked;
use crate::diagnostics::{Diagnostics, Severity};
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::StackOutcome;
use crate::eval::value::V;
use crate::units::Dim;

pub use crate::engine::Options;

/// A policy file read and parsed: its text and syntax tree.
#[derive(Debug)]
pub struct Workspace {
    policy: Policy,
}

impl Workspace {
    /// Reads and parses the policy file at `path` (within the size limit). Its imports are read
    /// when it is evaluated, relative to its folder.
    pub fn load(path: &Path) -> Result<Workspace, Diagnostics> {
        let mut loaded = crate::engine::files::load(&[path.to_path_buf()]);
        match loaded.sources.pop() {
            Some(file) if loaded.diagnostics.is_empty() => Workspace::parse(&file),
            _ => Err(loaded.diagnostics),
        }
    }

    /// Parses a policy given as text, named `name` in diagnostics (and imports resolved
    /// relative to that name's folder).
    pub fn from_text(name: &str, text: &str) -> Result<Workspace, Diagnostics> {
        Workspace::parse(&crate::source::SourceFile::new(name, text))
    }

    fn parse(file: &std::sync::Arc<crate::source::SourceFile>) -> Result<Workspace, Diagnostics> {
        match crate::parser::parse(file) {
            (Some(policy), d) if !d.has_errors() => Ok(Workspace { policy }),
            (_, d) => Err(d),
        }
    }

    /// The syntax tree.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Checks the policy: names, types and units, cycles, rules, the facts the document states.
    /// Every error when there is one; else the checked policy, its warnings kept.
    pub fn check(&self) -> Result<CheckedPolicy<'_>, Diagnostics> {
        let (checked, diags) = crate::checker::check(&self.policy);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(CheckedPolicy { policy: &self.policy, checked, warnings: diags })
    }
}

/// A policy that passed the checker, ready to evaluate.
pub struct CheckedPolicy<'w> {
    policy: &'w Policy,
    checked: Checked<'w>,
    warnings: Diagnostics,
}

impl CheckedPolicy<'_> {
    /// The checker's warnings (a policy with warnings evaluates).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// What the checker learnt: the symbol table and every definition's type.
    pub fn checked(&self) -> &Checked<'_> {
        &self.checked
    }

    /// Evaluates every subject of the data file at `data` (TOML, JSON, CSV or xlsx) for the
    /// subject kind, year and parameters of `options`, with the stacking rules applied. The data's
    /// errors (every one, at its row and column) when it has any: nothing is evaluated from
    /// invalid data.
    pub fn evaluate(&self, data: &Path, options: &Options) -> Result<Evaluation, Diagnostics> {
        let (outcomes, stacks, _, diagnostics) =
            crate::engine::evaluate(self.policy, &self.checked, data, options, false, None)?;
        let names = outcomes
            .iter()
            .map(|o| {
                o.rules
                    .iter()
                    .map(|r| self.checked.scope.defs.get(r.def).map(|d| d.name.clone()))
                    .collect()
            })
            .collect();
        Ok(Evaluation { outcomes, stacks, diagnostics, names })
    }
}

/// The result of evaluating a policy on a data file.
#[derive(Debug)]
pub struct Evaluation {
    /// Each subject's outcome, in the data's order: every rule's value with its reasons and
    /// the clauses it cites.
    pub outcomes: Vec<SubjectOutcome>,
    /// For each subject (in the same order), the stacking rules applied to its awards.
    pub stacks: Vec<Vec<StackOutcome>>,
    /// The evaluation's diagnostics (a division by zero, a parameter without a value ...).
    pub diagnostics: Diagnostics,
    /// The name of each rule of each outcome, in the same order.
    names: Vec<Vec<Option<String>>>,
}

impl Evaluation {
    /// The amount of the award (or any money-valued rule) named `rule` for the subject with id
    /// `subject`, in 元; `None` when there is no such subject or rule, or it gives no amount.
    pub fn award(&self, subject: &str, rule: &str) -> Option<Decimal> {
        let (o, names) = self.outcomes.iter().zip(&self.names).find(|(o, _)| o.key == subject)?;
        o.rules.iter().zip(names).find(|(_, n)| n.as_deref() == Some(rule)).and_then(|(r, _)| {
            match r.value {
                V::Num(n, d) if d == Dim::MONEY => Some(n),
                _ => None,
            }
        })
    }

    /// Whether the evaluation reported an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}
