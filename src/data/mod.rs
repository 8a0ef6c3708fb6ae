//! Subject data: the values the evaluator reads for each subject.

pub mod value;
