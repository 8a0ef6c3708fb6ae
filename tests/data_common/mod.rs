//! Shared helpers of the `data_*` integration tests: the test policy, loading, and where each
//! diagnostic points.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]
#![allow(dead_code, reason = "each test file uses some of the shared helpers")]

use std::sync::Arc;

use rust_decimal::Decimal;
use zhengce::data::{Dataset, Schema, Value, load, validate};
use zhengce::diagnostics::{Code, Diagnostic};
use zhengce::parser::parse;
use zhengce::source::SourceFile;
use zhengce::units::Dim;

/// The policy every data test validates against.
pub const POLICY: &str = "\
枚举 孵化器级别 有序 { 无 < 市级 < 省级 < 国家级 }
参数 优秀分数线: 分 = 90分
参数 全省增速: % 按年
主体 企业 {
  标识 名称
  名称: 文本
  转化费用: 元
  营业收入: 万元 按年
  级别: 孵化器级别
  重点企业: 是否
  占比: 占比 可选
  补贴上限: 万元 可选 范围 0 至 50
  成立年份: 年份 可选
  认定日期: 日期 可选
}
";

/// The schema of `企业` in [`POLICY`].
pub fn schema() -> Schema {
    let file = SourceFile::new("policy.zc", POLICY);
    let (policy, diags) = parse(&file);
    assert!(diags.is_empty(), "{:?}", diags.sorted());
    Schema::from_policy(&policy.unwrap(), "企业").unwrap()
}

/// Loads and validates a data file given by name and bytes.
pub fn run(name: &str, bytes: &[u8]) -> Result<Dataset, Vec<Diagnostic>> {
    let (raw, mut diags) = load(name, bytes);
    let Some(raw) = raw else {
        return Err(diags.sorted());
    };
    match validate(&raw, &schema()) {
        Ok(ds) if diags.is_empty() => Ok(ds),
        Ok(_) => Err(diags.sorted()),
        Err(e) => {
            diags.extend(e);
            Err(diags.sorted())
        }
    }
}

/// Validates data that must be valid.
pub fn ok(name: &str, bytes: &[u8]) -> Dataset {
    match run(name, bytes) {
        Ok(ds) => ds,
        Err(d) => panic!("{name}: {:#?}", d.iter().map(|d| &d.message.en).collect::<Vec<_>>()),
    }
}

/// Validates data that must be invalid.
pub fn errors(name: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    match run(name, bytes) {
        Ok(ds) => panic!("{name}: no error: {ds:?}"),
        Err(d) => d,
    }
}

/// Where a diagnostic about a text file points: (code, line, column, the text underlined).
pub fn at_text(d: &Diagnostic) -> (Code, usize, usize, String) {
    let loc = d.primary().expect("a primary label");
    let (line, col) = loc.file.line_col(loc.span.start);
    (d.code, line, col, loc.file.slice(loc.span).to_string())
}

/// Where a diagnostic about a spreadsheet points: (code, `工作表1!C5` or `工作表1!1:1`), read
/// from the message, which is the only place a spreadsheet location can be shown.
pub fn at_sheet(d: &Diagnostic) -> (Code, String) {
    let en = &d.message.en;
    let rest = en
        .strip_prefix("cell `")
        .or_else(|| en.strip_prefix("row `"))
        .unwrap_or_else(|| panic!("no location: {en}"));
    let r = rest.split('`').next().unwrap();
    assert!(d.message.zh.contains(&format!("`{r}`")), "{}", d.message.zh);
    (d.code, r.to_string())
}

/// The value of a field of a subject.
pub fn field<'a>(ds: &'a Dataset, key: &str, name: &str) -> &'a Value {
    let slot = ds.field_index(name).unwrap_or_else(|| panic!("no field {name}"));
    ds.record(key).unwrap_or_else(|| panic!("no subject {key}")).get(slot).unwrap()
}

/// A decimal from its text.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A money value in base units (元).
pub fn money(s: &str) -> Value {
    Value::Number { value: dec(s), dim: Dim::MONEY }
}

/// A share value (its fraction).
pub fn share(s: &str) -> Value {
    Value::Number { value: dec(s), dim: Dim::PERCENT }
}

/// The policy file, for tests that build their own schema.
pub fn policy_file() -> Arc<SourceFile> {
    SourceFile::new("policy.zc", POLICY)
}
