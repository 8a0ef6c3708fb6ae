//! Random policies built from the grammar's constructs (the generator of
//! `tests/grammar_gen/mod.rs`, driven by the fuzzer's bytes): deep nesting, long chains,
//! comments, clause references with `#` and Chinese text in every position. Checking,
//! rendering, formatting and evaluating them never panics, overflows the stack or ends in an
//! internal error.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/grammar_gen/mod.rs"]
mod grammar_gen;

fuzz_target!(|data: &[u8]| {
    let text = grammar_gen::Gen::new(data).policy();
    if let Err(e) = grammar_gen::exercise(&text) {
        panic!("{e}\n{text}");
    }
});
