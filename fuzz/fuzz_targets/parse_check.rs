//! Any text as a policy: parsing and checking end in diagnostics, never a panic, a hang or an
//! internal error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhengce::diagnostics::{Code, Lang};
use zhengce::diagnostics::render::{Format, HumanStyle, render};
use zhengce::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new("fuzz.zc", text.as_ref());
    let diags = zhengce::check::check_sources(&[file]);
    if let Some(d) = diags.iter().find(|d| d.code == Code::Internal) {
        panic!("internal error: {d:?}\n{text}");
    }
    // Rendering reaches every span: a span that is not on a character boundary would panic.
    let sorted = diags.sorted();
    for format in [Format::Plain, Format::Human] {
        let _ = render(&sorted, Lang::Zh, format, &HumanStyle::default());
    }
});
