//! The fixed policy `policies/zezhou.zc` evaluated on any data: the first byte chooses the
//! format (CSV, TOML or JSON) and the subject kind, the rest is the file. Loading, validation,
//! evaluation and the reports end in results or diagnostics, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let name = match selector % 3 {
        0 => "fuzz.csv",
        1 => "fuzz.toml",
        _ => "fuzz.json",
    };
    let kinds = common::policy().subject_names();
    let Some(kind) = kinds.get(usize::from(selector / 3) % kinds.len().max(1)) else { return };
    common::evaluate(name, bytes, kind);
});
