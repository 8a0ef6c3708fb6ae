//! Any text as a policy for `fmt`: a file that parses formats to text that parses to the same
//! policy (the formatter's own check, `ZC0190`, never fires), and formatting is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhengce::diagnostics::Code;
use zhengce::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new("fuzz.zc", text.as_ref());
    match zhengce::format::format(&file) {
        Ok(formatted) => {
            let again = SourceFile::new("fuzz.zc", formatted.as_str());
            match zhengce::format::format(&again) {
                Ok(twice) => assert_eq!(twice, formatted, "formatting is not idempotent"),
                Err(d) => panic!("formatted text does not format again: {d:?}"),
            }
        }
        Err(diags) => {
            assert!(
                !diags.iter().any(|d| d.code == Code::FormatCheck),
                "the formatter failed its own check"
            );
        }
    }
});
