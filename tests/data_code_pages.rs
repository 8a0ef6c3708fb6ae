//! Every data code (`ZC06xx`) has its page, and the example on the page triggers that code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use rust_xlsxwriter::Workbook;
use zhengce::data::{Schema, load, validate};
use zhengce::diagnostics::Code;
use zhengce::parser::parse;
use zhengce::source::SourceFile;

/// The text of the first fenced block of a language on a page.
fn block<'a>(page: &'a str, lang: &str) -> &'a str {
    let start = page.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
    let len = page[start..].find("```").unwrap();
    &page[start..start + len]
}

/// A workbook with one sheet `参数` holding the CSV rows.
fn params_sheet(csv: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("参数").unwrap();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn each_data_code_page_shows_an_example_that_triggers_it() {
    let data_codes: Vec<Code> =
        Code::ALL.iter().copied().filter(|c| c.id().starts_with("ZC06")).collect();
    assert_eq!(data_codes.len(), 12);
    for code in data_codes {
        // No longer reported: a missing parameter is ZC0705 wherever it is found (the page
        // says so).
        let retired = code == Code::MissingParam;
        let path = format!("{}/docs/codes/{}.md", env!("CARGO_MANIFEST_DIR"), code.id());
        let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (zh, en) = code.title();
        let first = page.lines().next().unwrap();
        assert_eq!(first, format!("# {} {zh} / {en}", code.id()));
        assert!(page.contains("\n## 中文\n") && page.contains("\n## English\n"), "{path}");
        let policy_file = SourceFile::new("p.zc", block(&page, "zc"));
        let (policy, d) = parse(&policy_file);
        assert!(d.is_empty(), "{path}: {:?}", d.sorted());
        let schema = Schema::from_policy(&policy.unwrap(), "企业").unwrap();
        let csv = block(&page, "csv");
        let (raw, mut diags) = if code == Code::MissingParam {
            load("p.xlsx", &params_sheet(csv))
        } else {
            load("p.csv", csv.as_bytes())
        };
        if let Some(raw) = raw
            && let Err(e) = validate(&raw, &schema)
        {
            diags.extend(e);
        }
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        if retired {
            assert!(page.contains("**不再报告。**") && page.contains("**No longer reported.**"));
            assert!(!codes.contains(&code), "{}: {codes:?}", code.id());
            continue;
        }
        assert!(codes.contains(&code), "{}: {codes:?}", code.id());
    }
}
