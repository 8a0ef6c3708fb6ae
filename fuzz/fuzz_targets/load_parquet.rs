//! Any bytes as an `.parquet` file: loading ends in raw data or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (raw, diags) = zhengce::data::load("fuzz.parquet", data);
    let _ =
        zhengce::diagnostics::render::render_plain(&diags.sorted(), zhengce::diagnostics::Lang::En);
    if let Some(raw) = raw {
        common::validate_all(&raw);
    }
});
