//! Member kinds (`主体 合同 属于 企业 按 企业名称 { … }`) and aggregation over an owner's
//! members (`合计`, `计数`, `最大`, `最小`, `任一`, `全部`, with `当`), checked against figures
//! worked out by hand; a member whose owner is not in the data (`ZC0712`); what the checker
//! says of aggregations written wrong.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use rust_decimal::Decimal;
use serde_json::Value as J;
use sim_common::{TempDir, d, zhengce};
use zhengce::check::check_sources;
use zhengce::cli::Status;
use zhengce::source::SourceFile;

const POLICY: &str = "tests/members/member.zc";
const DATA: &str = "tests/members/member.企业.csv";

fn num(v: &J) -> Decimal {
    d(v["number"].as_str().unwrap())
}

/// The rule named `name` of the subject `id` in a JSON report.
fn rule<'j>(j: &'j J, id: &str, name: &str) -> &'j J {
    let s = j["subjects"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap();
    s["rules"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()
}

fn report() -> J {
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", DATA, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// 甲公司 has three contracts: H1 1,000,000 国产, H2 2,500,000 国产, H3 800,000 进口. The
/// domestic ones sum to 3,500,000 元 (H3 is left out by the condition); the award is 10% of
/// each domestic contract, 100,000 + 250,000 = 350,000 元, under the 500,000 元 cap.
#[test]
fn an_enterprise_with_three_contracts_one_left_out_by_the_condition() {
    let j = report();
    assert_eq!(num(&rule(&j, "甲公司", "国产合同额")["value"]), d("3500000"));
    assert_eq!(rule(&j, "甲公司", "国产合同额")["value"]["unit"], "元");
    assert_eq!(num(&rule(&j, "甲公司", "合同数")["value"]), d("3"));
    assert_eq!(rule(&j, "甲公司", "合同数")["value"]["unit"], "个");
    assert_eq!(num(&rule(&j, "甲公司", "最大合同")["value"]), d("2500000"));
    assert_eq!(rule(&j, "甲公司", "有进口")["value"], true);
    assert_eq!(num(&rule(&j, "甲公司", "设备补助")["value"]), d("350000"));
}

/// 乙公司's one domestic contract of 6,000,000 元 earns 600,000 元, cut to the 500,000 元
/// cap; 丙公司 has no contracts: a sum and a count of 0, no maximum, `任一` not met, no award.
#[test]
fn a_capped_owner_and_an_owner_without_members() {
    let j = report();
    let award = rule(&j, "乙公司", "设备补助");
    assert_eq!(num(&award["detail"]["computed"]), d("600000"));
    assert_eq!(num(&award["value"]), d("500000"));
    assert_eq!(award["detail"]["capped"], true);
    assert_eq!(rule(&j, "乙公司", "有进口")["value"], false);
    assert_eq!(num(&rule(&j, "丙公司", "国产合同额")["value"]), d("0"));
    assert_eq!(rule(&j, "丙公司", "国产合同额")["value"]["unit"], "元");
    assert_eq!(num(&rule(&j, "丙公司", "合同数")["value"]), d("0"));
    assert!(rule(&j, "丙公司", "最大合同")["value"].is_null(), "no maximum over no members");
    assert_eq!(rule(&j, "丙公司", "有进口")["value"], false);
    assert_eq!(num(&rule(&j, "丙公司", "设备补助")["value"]), d("0"));
}

/// The JSON report lists each subject's members with their own rules (`对于 合同`): 10% of
/// each contract, 进口 ones too (the owner's award sums only the 国产 ones).
#[test]
fn each_member_with_its_own_rules_in_the_json_report() {
    let j = report();
    let members = |id: &str| -> Vec<(String, String, Decimal)> {
        let s = j["subjects"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap();
        s["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let r = m["rules"].as_array().unwrap();
                assert_eq!(r.len(), 1, "{m}");
                assert_eq!(r[0]["name"], "合同补助");
                assert_eq!(r[0]["citation"]["clause"], "一");
                let kind = m["kind"].as_str().unwrap().to_string();
                (kind, m["id"].as_str().unwrap().to_string(), num(&r[0]["value"]))
            })
            .collect()
    };
    let c = |id: &str, n: &str| ("合同".to_string(), id.to_string(), d(n));
    // 1,000,000 × 10%, 2,500,000 × 10%, 800,000 × 10%.
    assert_eq!(members("甲公司"), [c("H1", "100000"), c("H2", "250000"), c("H3", "80000")]);
    assert_eq!(members("乙公司"), [c("H4", "600000")]);
    assert_eq!(members("丙公司"), []);
    assert_eq!(j["schema_version"], 5);
}

/// A maximum over no members is missing, not 0, and the warning says so: there is no field
/// to fill, and the policy writes what the document says it is then.
#[test]
fn a_maximum_over_no_members_is_explained_in_the_warning() {
    let (status, _, flat) =
        zhengce(&["eval", POLICY, "--data", DATA, "--lang", "en", "--error-format", "plain"]);
    assert_eq!(status, Status::Ok, "{flat}");
    assert!(flat.contains("member.zc:28:5: warning[ZC0708]"), "{flat}");
    assert!(flat.contains("over members is missing for a subject without any (never 0)"), "{flat}");
    assert!(flat.contains("若 计数(合同) = 0个 则 0元 否则 最大(合同.金额)"), "{flat}");
    // Where no maximum or minimum is missing, the warning does not say it.
    let dir = TempDir::new("members-no-extreme");
    let policy = std::fs::read_to_string(POLICY).unwrap().replace(
        "令 最大合同 = 最大(合同.金额)",
        "令 最大合同 = 若 计数(合同) = 0个 则 0元 否则 最大(合同.金额)",
    );
    let p = dir.write("m.zc", &policy);
    let data = dir.write("m.企业.csv", &std::fs::read_to_string(DATA).unwrap());
    dir.write("m.合同.csv", &std::fs::read_to_string("tests/members/member.合同.csv").unwrap());
    let (status, out, err) =
        zhengce(&["eval", p.to_str().unwrap(), "--data", data.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(!err.contains("never 0"), "{err}");
    assert!(out.contains("value 最大合同: 0 yuan"), "{out}");
}

/// The text report gives the same figures, with the eval total 350,000 + 500,000 = 850,000 元.
#[test]
fn the_text_report() {
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", DATA, "--lang", "zh"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("国产合同额: 3,500,000 元"), "{out}");
    assert!(out.contains("设备补助: 850,000 元，2 个主体获得"), "{out}");
    // Each member on a line of its owner's, with its own rules.
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("  合同 ")).collect();
    assert_eq!(
        lines,
        [
            "  合同 H1: 合同补助 100,000 元",
            "  合同 H2: 合同补助 250,000 元",
            "  合同 H3: 合同补助 80,000 元",
            "  合同 H4: 合同补助 600,000 元",
        ]
    );
}

/// The CSV report has one row per owner with the aggregated figures.
#[test]
fn the_csv_report() {
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", DATA, "--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err}");
    let row = out.lines().find(|l| l.contains("乙公司")).unwrap();
    assert!(row.contains("6000000"), "{row}");
    assert!(row.contains("500000"), "{row}");
}

fn write_case(dir: &TempDir, contracts: &str) -> (String, String) {
    let policy = std::fs::read_to_string(POLICY).unwrap();
    let p = dir.write("m.zc", &policy);
    let data = dir.write("d.企业.csv", "企业名称\n甲公司\n乙公司\n");
    dir.write("d.合同.csv", contracts);
    (p.display().to_string(), data.display().to_string())
}

/// A contract naming an enterprise that is not in the enterprise data is `ZC0712` at its cell,
/// and nothing is evaluated.
#[test]
fn a_member_whose_owner_is_missing_is_reported_at_its_cell() {
    let dir = TempDir::new("members-orphan");
    let (p, data) = write_case(
        &dir,
        "合同编号,企业名称,金额(元),类型\nH1,甲公司,1000000,国产\nH2,丁公司,5,国产\n",
    );
    let (status, out, err) = zhengce(&["eval", &p, "--data", &data, "--lang", "en"]);
    assert_ne!(status, Status::Ok, "{out}");
    assert!(err.contains("ZC0712"), "{err}");
    assert!(err.contains("丁公司"), "{err}");
    assert!(err.contains("d.合同.csv:3:4"), "{err}");
}

/// A member kind's data file that is not there is an error, never an owner without members.
#[test]
fn a_missing_member_file_is_an_error() {
    let dir = TempDir::new("members-nofile");
    let policy = std::fs::read_to_string(POLICY).unwrap();
    let p = dir.write("m.zc", &policy);
    let data = dir.write("d.企业.csv", "企业名称\n甲公司\n");
    let (status, out, err) =
        zhengce(&["eval", &p.display().to_string(), "--data", &data.display().to_string()]);
    assert_ne!(status, Status::Ok, "{out}");
    assert!(err.contains("d.合同.csv"), "{err}");
}

/// A contract whose amount is unknown makes the sum unknown (an unknown never becomes a
/// number), and the award with it; a contract left out by the condition does not.
#[test]
fn an_unknown_member_value_makes_the_sum_unknown() {
    let dir = TempDir::new("members-missing");
    let policy =
        std::fs::read_to_string(POLICY).unwrap().replace("  金额: 元\n", "  金额: 元 可选\n");
    let p = dir.write("m.zc", &policy);
    let data = dir.write("d.企业.csv", "企业名称\n甲公司\n乙公司\n");
    dir.write(
        "d.合同.csv",
        "合同编号,企业名称,金额(元),类型\nH1,甲公司,1000000,国产\nH2,甲公司,,国产\nH3,乙公司,,进口\nH4,乙公司,200000,国产\n",
    );
    let args =
        ["eval", &p.display().to_string(), "--data", &data.display().to_string()].map(String::from);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.extend(["--format", "json"]);
    let (_, out, err) = zhengce(&args);
    let j: J = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}\n{err}"));
    assert!(rule(&j, "甲公司", "国产合同额")["value"].is_null());
    assert!(rule(&j, "甲公司", "设备补助")["value"].is_null());
    // 乙公司: H3 is imported, so its missing amount is never read: 200,000 × 10% = 20,000 元.
    assert_eq!(num(&rule(&j, "乙公司", "国产合同额")["value"]), d("200000"));
    assert_eq!(num(&rule(&j, "乙公司", "设备补助")["value"]), d("20000"));
    // The cell to fill is the contract's: `ZC0950` names H2's `金额` at the member kind's
    // declaration, not H3's (left out by the condition), in memory and streamed alike.
    let at = |err: &str| {
        let line = err.lines().find(|l| l.contains("ZC0950")).unwrap_or_else(|| panic!("{err}"));
        line.to_string()
    };
    let warned = "warning[ZC0950]: field `合同.金额` is empty for 1 member (`合同`), and results that use it are missing: `设备补助`";
    let (_, _, err) = zhengce(&[&args[..4], &["--lang", "en", "--error-format", "plain"]].concat());
    assert!(at(&err).ends_with(&format!("m.zc:16:3: {warned}")), "{err}");
    assert!(err.contains("fill in `合同.金额` for `H2` in the data file"), "{err}");
    let out = dir.path("out.csv");
    let streamed = [
        &args[..4],
        &[
            "--lang",
            "en",
            "--error-format",
            "plain",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
    ]
    .concat();
    let (_, _, err) = zhengce(&streamed);
    assert!(!err.contains("ZC0713"), "{err}");
    assert!(at(&err).ends_with(&format!("m.zc:16:3: {warned}")), "{err}");
}

const HEAD: &str = "主体 企业 { 标识 企业名称; 企业名称: 文本 }\n\
    主体 合同 属于 企业 按 企业名称 { 标识 合同编号; 合同编号: 文本; 企业名称: 文本; 金额: 元 }\n";

fn codes(body: &str) -> Vec<(String, String)> {
    let file = SourceFile::new("t.zc", format!("{HEAD}{body}"));
    check_sources(&[file])
        .iter()
        .filter(|d| d.code.id() != "ZC0207" && d.code.id() != "ZC0401")
        .map(|d| (d.code.id().to_string(), format!("{} {:?}", d.message.en, d.help)))
        .collect()
}

#[test]
fn the_checker_on_aggregations() {
    // Well written: no error.
    assert_eq!(codes("对于 企业 { 令 a = 合计(合同.金额, 当 合同.金额 > 5元) }"), vec![]);
    // A misspelt member field: did you mean, through the member's scope.
    let c = codes("对于 企业 { 令 a = 合计(合同.金頞) }");
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].0, "ZC0201");
    assert!(c[0].1.contains("金额"), "{c:?}");
    // A sum of 元 is 元, a count is 个: adding them is a unit error.
    let c = codes("对于 企业 { 令 a = 合计(合同.金额) + 计数(合同) }");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0301"], "{c:?}");
    // `当` outside an aggregation.
    let c = codes("对于 企业 { 令 a = 最大(1元, 当 是) }");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0101"], "{c:?}");
    // `计数` over nothing that is a member.
    let c = codes("对于 企业 { 令 a = 计数(企业名称) }");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0302"], "{c:?}");
}

#[test]
fn the_checker_on_member_kinds() {
    let c = codes("主体 专利 属于 公司 按 公司名称 { 公司名称: 文本 }\n");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0209"], "{c:?}");
    let c = codes("主体 专利 属于 企业 按 企业明称 { 企业名称: 文本 }\n");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0201"], "{c:?}");
    assert!(c[0].1.contains("企业名称"), "{c:?}");
}

/// The English keywords: `subject … belongs to … by …`, `sum(…, when …)`.
#[test]
fn english_keywords() {
    let text = "subject 企业 { key 企业名称; 企业名称: text }\n\
        subject 合同 belongs to 企业 by 企业名称 { key 合同编号; 合同编号: text; 企业名称: text; 金额: 元 }\n\
        for 企业 {\n let a = sum(合同.金额, when 合同.金额 > 5元) + 0元\n let n = count(合同)\n }\n";
    let file = SourceFile::new("t.zc", text);
    let errors: Vec<String> = check_sources(&[file])
        .iter()
        .filter(|d| d.severity == zhengce::diagnostics::Severity::Error)
        .map(|d| d.message.en.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

const ALLOCATION: &str = "tests/members/allocation.zc";
const ALLOCATION_DATA: &str = "tests/members/allocation.企业.csv";

/// Two levels, each with a per-enterprise cap of 1,000,000 元, a contract paid at one level
/// only, the higher, in signing order. 甲公司: B (signed 2024-05-01, 4,000,000 元) is written
/// first, A (2024-01-15, 5,000,000 元) second; A goes first: district 20% = 1,000,000 against
/// 1,000,000 left, city 10% = 500,000 → the district pays 1,000,000 (nothing left); then B:
/// district min(800,000, 0) = 0, city min(400,000, 1,000,000) = 400,000 → the city pays
/// 400,000. Total 1,400,000 元 (in the order written it would be 800,000 + 500,000 =
/// 1,300,000 元). The district alone: min(1,000,000 + 800,000, 1,000,000) = 1,000,000 元.
/// 乙公司: one contract of 3,000,000 元: district 600,000 beats city 300,000.
#[test]
fn allocation_in_signing_order_at_two_capped_levels() {
    let (status, out, err) =
        zhengce(&["eval", ALLOCATION, "--data", ALLOCATION_DATA, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(num(&rule(&j, "甲公司", "合同补助")["value"]), d("1400000"));
    assert_eq!(num(&rule(&j, "甲公司", "仅区级")["value"]), d("1000000"));
    assert_eq!(num(&rule(&j, "乙公司", "合同补助")["value"]), d("600000"));
    assert_eq!(num(&rule(&j, "乙公司", "仅区级")["value"]), d("600000"));
}

/// `explain` shows each contract's turn: its amount at each level, what was left of each cap
/// before it, what it was paid and the level that paid it.
#[test]
fn explain_shows_each_members_turn() {
    let (status, out, err) =
        zhengce(&["eval", ALLOCATION, "--data", ALLOCATION_DATA, "--lang", "zh"]);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, out2, err) = zhengce(&[
        "explain",
        ALLOCATION,
        "--data",
        ALLOCATION_DATA,
        "--subject",
        "甲公司",
        "合同补助",
        "--lang",
        "zh",
    ]);
    assert_eq!(status, Status::Ok, "{err}\n{out}");
    let lines: Vec<&str> = out2.lines().map(str::trim).collect();
    let at = |s: &str| {
        lines.iter().position(|l| l.starts_with(s)).unwrap_or_else(|| panic!("{s}\n{out2}"))
    };
    for (line, value) in [
        ("合同补助.合同 A.应付(区级补助)", "1,000,000 元"),
        ("合同补助.合同 A.余额(区级补助)", "1,000,000 元"),
        ("合同补助.合同 A.支付", "1,000,000 元"),
        ("合同补助.合同 A.支付级别", "区级补助"),
        ("合同补助.合同 B.余额(区级补助)", "0 元"),
        ("合同补助.合同 B.余额(市级补助)", "1,000,000 元"),
        ("合同补助.合同 B.支付", "400,000 元"),
        ("合同补助.合同 B.支付级别", "市级补助"),
    ] {
        let l = lines[at(&format!("{line} ="))];
        assert!(l.contains(&format!("= {value}")), "{l}");
    }
    // A, signed first, is taken first although written second.
    assert!(at("合同补助.合同 A.支付 =") < at("合同补助.合同 B.支付 ="));
}

#[test]
fn the_checker_on_allocations() {
    assert_eq!(
        codes("对于 企业 { 令 a = 依次分配(合同.合同编号, 合同.金额, 5元) }")
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        ["ZC0302"]
    );
    assert_eq!(
        codes("对于 企业 { 令 a = 依次分配(合同.金额, 合同.金额) }")
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        ["ZC0204"]
    );
    // A cap in another unit than the amounts.
    assert_eq!(
        codes("对于 企业 { 令 a = 依次分配(合同.金额, 合同.金额, 5个) }")
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        ["ZC0301"]
    );
}

/// One workbook with a sheet for each kind, `企业` and `合同`: the same figures as the CSV files.
#[test]
fn a_workbook_with_a_sheet_for_each_kind() {
    use rust_xlsxwriter::Workbook;
    let dir = TempDir::new("members-xlsx");
    let policy = std::fs::read_to_string(POLICY).unwrap();
    let p = dir.write("m.zc", &policy);
    let mut wb = Workbook::new();
    for (sheet, csv) in [
        ("企业", std::fs::read_to_string(DATA).unwrap()),
        ("合同", std::fs::read_to_string("tests/members/member.合同.csv").unwrap()),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (r, line) in csv.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let book = dir.path("d.xlsx");
    wb.save(&book).unwrap();
    let (status, out, err) = zhengce(&[
        "eval",
        &p.display().to_string(),
        "--data",
        &book.display().to_string(),
        "--kind",
        "企业",
        "--format",
        "json",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(num(&rule(&j, "甲公司", "国产合同额")["value"]), d("3500000"));
    assert_eq!(num(&rule(&j, "甲公司", "设备补助")["value"]), d("350000"));
    assert_eq!(num(&rule(&j, "乙公司", "设备补助")["value"]), d("500000"));
}

/// `schema` shows both kinds and the link, in text and JSON.
#[test]
fn schema_shows_the_link() {
    let (status, out, err) = zhengce(&["schema", POLICY, "--lang", "zh"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("主体 企业\n"), "{out}");
    assert!(out.contains("主体 合同 属于 企业 按 企业名称\n"), "{out}");
    let (status, out, err) = zhengce(&["schema", POLICY, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert!(j[0].get("owner").is_none());
    assert_eq!(j[1]["subject"], "合同");
    assert_eq!(j[1]["owner"]["subject"], "企业");
    assert_eq!(j[1]["owner"]["by"], "企业名称");
}

/// A member's rules read its owner's fields: each contract is paid its enterprise's rate.
/// 甲公司 at 10%: 1,000,000 + 2,500,000 → 350,000 元; 乙公司 at 20%: 6,000,000 → 1,200,000 元.
#[test]
fn a_member_reads_its_owners_fields() {
    let dir = TempDir::new("members-owner");
    let p = dir.write(
        "m.zc",
        "主体 企业 {\n  标识 企业名称\n  企业名称: 文本\n  比例: 占比\n}\n\n\
         主体 合同 属于 企业 按 企业名称 {\n  标识 合同编号\n  合同编号: 文本\n  企业名称: 文本\n  金额: 元\n}\n\n\
         对于 合同 {\n  令 合同补助 = 合同.金额 × 企业.比例\n}\n\n\
         对于 企业 {\n  令 补助合计 = 合计(合同.合同补助)\n}\n",
    );
    let data = dir.write("d.企业.csv", "企业名称,比例\n甲公司,10%\n乙公司,20%\n");
    dir.write(
        "d.合同.csv",
        "合同编号,企业名称,金额(元)\nH1,甲公司,1000000\nH2,甲公司,2500000\nH4,乙公司,6000000\n",
    );
    let (status, out, err) = zhengce(&[
        "eval",
        &p.display().to_string(),
        "--data",
        &data.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(num(&rule(&j, "甲公司", "补助合计")["value"]), d("350000"));
    assert_eq!(num(&rule(&j, "乙公司", "补助合计")["value"]), d("1200000"));
}

#[test]
fn the_checker_on_owner_fields() {
    // A misspelt owner field: did you mean, among the owner's fields.
    let c = codes("对于 合同 { 令 a = 企业.企业明称 }");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0201"], "{c:?}");
    assert!(c[0].1.contains("企业名称"), "{c:?}");
    // An owner's rule is not read from its members.
    let c = codes("对于 企业 { 令 r = 1元 }\n对于 合同 { 令 a = 企业.r }");
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["ZC0201"], "{c:?}");
    assert!(c[0].1.contains("not its rules"), "{c:?}");
}

/// `diff` reads the members beside the register for both versions (it answered `ZC0713` for
/// every subject before). The new version pays 12% of each contract under a 400,000 元 cap:
/// 甲公司 (3,500,000 元 domestic) 420,000 cut to 400,000, was 350,000, +50,000; 乙公司
/// (6,000,000 元) 720,000 cut to 400,000, was 500,000, −100,000; 丙公司 0 both times. Total
/// 850,000 → 800,000 元, −50,000.
#[test]
fn diff_with_members() {
    let dir = TempDir::new("members-diff");
    let policy = std::fs::read_to_string(POLICY).unwrap();
    let changed = policy
        .replace("金额 × 10%", "金额 × 12%")
        .replace("最高不超过 50万元", "最高不超过 40万元");
    assert_ne!(changed, policy);
    let new = dir.write("new.zc", &changed);
    let new = new.display().to_string();
    let (status, out, err) =
        zhengce(&["diff", POLICY, &new, "--data", DATA, "--format", "json", "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(!err.contains("ZC0713"), "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    let award = &j["awards"][0];
    assert_eq!(award["award"], "设备补助");
    assert_eq!(d(award["before"].as_str().unwrap()), d("850000"));
    assert_eq!(d(award["after"].as_str().unwrap()), d("800000"));
    assert_eq!(d(award["delta"].as_str().unwrap()), d("-50000"));
    assert_eq!(j["changed_subjects"], 2);
    let change = |id: &str| {
        let c = j["changes"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
        (d(c["before"].as_str().unwrap()), d(c["after"].as_str().unwrap()))
    };
    assert_eq!(change("甲公司"), (d("350000"), d("400000")));
    assert_eq!(change("乙公司"), (d("500000"), d("400000")));

    // One subject's values under both versions, members read as well.
    let (status, out, err) =
        zhengce(&["diff", POLICY, &new, "--data", DATA, "--explain", "乙公司", "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(!err.contains("ZC0713"), "{err}");
    assert!(out.contains("500,000"), "{out}");
    assert!(out.contains("400,000"), "{out}");
}

/// `zhengce test` evaluates a case over an owner register with its members: 甲公司's award
/// is 10% of its domestic contracts, 100,000 + 250,000 = 350,000 元; a wrong expectation fails.
#[test]
fn test_cases_with_members() {
    let dir = TempDir::new("members-test");
    for f in ["member.zc", "member.企业.csv", "member.合同.csv"] {
        dir.write(f, &std::fs::read_to_string(format!("tests/members/{f}")).unwrap());
    }
    let case = |amount: &str| {
        format!(
            "[[case]]\nname = \"甲公司\"\ndata = \"member.企业.csv\"\nsubject = \"甲公司\"\n\
             [case.expect]\n\"设备补助\" = \"{amount}\"\n\"合同数\" = \"3个\"\n"
        )
    };
    let policy = dir.path("member.zc").display().to_string();
    let good = dir.write("good.test.toml", &case("350000元")).display().to_string();
    let (status, out, err) = zhengce(&["test", &policy, "--tests", &good, "--lang", "en"]);
    assert!(out.contains("1 passed, 0 failed"), "{out}{err}");
    assert!(!err.contains("ZC0713"), "{err}");
    assert_eq!(status, Status::Ok, "{out}{err}");
    let bad = dir.write("bad.test.toml", &case("360000元")).display().to_string();
    let (status, out, err) = zhengce(&["test", &policy, "--tests", &bad, "--lang", "en"]);
    assert_ne!(status, Status::Ok, "{out}{err}");
    assert!(out.contains("0 passed, 1 failed"), "{out}{err}");
}

/// `template --format csv --out` of an owner kind writes each member kind's template beside it
/// (`t.转化项目.csv` beside `t.转化企业.csv`, as `eval` looks for it), the link filled with the
/// owner's example id: the two files, and the nested TOML template, evaluate as written (the
/// example project does not qualify: 0 元).
#[test]
fn the_templates_of_an_owner_and_its_members_evaluate_as_written() {
    let dir = TempDir::new("members-template");
    let policy = "policies/zezhou.zc";
    let owners = dir.path("t.转化企业.csv");
    let owners = owners.to_str().unwrap();
    let args = ["template", policy, "--kind", "转化企业", "--format", "csv", "--out", owners];
    let (status, _, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{err}");
    let members = std::fs::read_to_string(dir.path("t.转化项目.csv")).unwrap();
    assert_eq!(members, "项目名称,企业名称,符合条件,来源,实际发生费用(元)\n示例,示例,否,全县,0\n");
    let (status, out, err) = zhengce(&["eval", policy, "--data", owners, "--lang", "zh"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("  转化项目 示例: 项目补助 0 元\n"), "{out}");
    let nested = dir.path("n.转化企业.toml");
    let nested = nested.to_str().unwrap();
    let args = ["template", policy, "--kind", "转化企业", "--format", "toml", "--out", nested];
    let (status, _, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, out, err) = zhengce(&["eval", policy, "--data", nested, "--lang", "zh"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("  转化项目 示例: 项目补助 0 元\n"), "{out}");
}
