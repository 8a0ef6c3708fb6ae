//! zhengce (政策): a declarative rules engine for Chinese subsidy and demonstration-county documents.
//!
//! The pipeline, one module per phase: [`parser`] (pest grammar → typed [`ast`]) → `checker`
//! (names, types, units, cycles, consistency) → `eval` → `report` → `cli`.
//! Every phase reports through [`diagnostics`].

pub mod ast;
pub mod check;
pub mod checker;
pub mod cli;
pub mod compile;
pub mod data;
pub mod depth;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod format;
pub mod limits;
pub mod parser;
pub mod register;
pub mod report;
pub mod simulate;
pub mod source;
pub mod synth;
pub mod units;
