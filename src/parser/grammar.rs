//! The pest parser generated from `grammar/zhengce.pest`.

/// The generated parser. Its `Pair`s never leave [`crate::parser`].
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/zhengce.pest"]
pub struct PolicyParser;
