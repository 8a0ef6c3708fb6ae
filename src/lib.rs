//! zhengce (政策): a declarative rules engine for Chinese subsidy and demonstration-county documents.
//!
//! The pipeline, one module per phase: [`parser`] (pest grammar → typed [`ast`]) → `checker`
//! (names, types, units, cycles, consistency) → `eval` → `report` → `cli`.
//! Every phase reports through [`diagnostics`]. [`engine`] holds what a run needs beyond one
//! policy and one subject (imports, data loaded for a kind, parameters, stacking); [`api`] is
//! the front door for another Rust program: load, check, evaluate, read the awards.

pub mod api;
pub mod ast;
pub mod check;
pub mod checker;
pub mod cli;
pub mod compile;
pub mod data;
pub mod depth;
pub mod diagnostics;
pub mod diff;
pub mod engine;
pub mod eval;
pub mod format;
pub mod growth;
pub mod limits;
pub mod lsp;
pub mod memory;
pub mod parser;
pub mod register;
pub mod report;
pub mod serve;
pub mod simulate;
pub mod source;
pub mod sql;
pub mod synth;
pub mod units;
