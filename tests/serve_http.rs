//! `zhengce serve` over plain HTTP (no browser): the safety rules. A path with `..` or an
//! absolute path, a huge upload, a malformed policy and a request without the token each get a
//! coded message, and the server goes on serving after each.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly on a broken expectation"
)]

mod serve_common;

use serve_common::{folder, get, http, serve};

fn still_serving(addr: &str) {
    let (status, body) = get(addr, "/api/policies");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("taiyuan.zc"), "{body}");
}

#[test]
fn the_page_and_the_list_of_policies() {
    let s = serve("127.0.0.1");
    assert!(s.token.is_none(), "no token on a loopback address");
    let (status, page) = get(&s.addr, "/");
    assert_eq!(status, 200);
    assert!(page.contains("政策工作台"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    let (status, list) = get(&s.addr, "/api/policies");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let policies = v["policies"].as_array().unwrap();
    assert!(policies.len() >= 2);
    let taiyuan = policies.iter().find(|p| p["path"] == "taiyuan.zc").unwrap();
    assert!(taiyuan["title"].as_str().is_some_and(|t| !t.is_empty()), "{taiyuan}");
}

#[test]
fn paths_outside_the_folder_are_refused_and_serving_goes_on() {
    let s = serve("127.0.0.1");
    for bad in [
        "../x.zc",
        "%2e%2e/%2e%2e/etc/passwd",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "a/../../b.zc",
        "taiyuan.txt",
    ] {
        let (status, body) = get(&s.addr, &format!("/api/policy?path={bad}"));
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("ZC0930"), "{bad}: {body}");
        let (status, body) = http(
            &s.addr,
            "POST",
            &format!("/api/save?path={bad}"),
            &[],
            "政策 \"x\" {\n}\n".as_bytes(),
        );
        assert_eq!(status, 400, "{bad}: {body}");
        still_serving(&s.addr);
    }
    assert!(!folder(&s).parent().unwrap().join("b.zc").exists());
}

#[test]
fn a_huge_upload_names_the_limit_and_the_command() {
    let s = serve("127.0.0.1");
    let huge = vec![b'a'; 17 * 1024 * 1024];
    let (status, body) = http(&s.addr, "POST", "/api/check?path=taiyuan.zc", &[], &huge);
    assert_eq!(status, 413, "{body}");
    assert!(
        body.contains("ZC0931") && body.contains("16 MiB") && body.contains("zhengce eval"),
        "{body}"
    );
    still_serving(&s.addr);
}

#[test]
fn a_corrupt_upload_and_a_malformed_policy_get_messages() {
    let s = serve("127.0.0.1");
    // Bytes of a broken xlsx (a zip that is not one) as a policy's text: diagnostics, no crash.
    let corrupt = b"PK\x03\x04\xff\xfe\x00\x00garbage\x00\x01";
    let (status, body) = http(&s.addr, "POST", "/api/check?path=taiyuan.zc", &[], corrupt);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("ZC01"), "{body}");
    still_serving(&s.addr);
    let malformed = "政策 \"x\" {\n  发文机关: \n";
    let (status, body) =
        http(&s.addr, "POST", "/api/check?path=taiyuan.zc", &[], malformed.as_bytes());
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let d = &v["diagnostics"][0];
    assert!(d["code"].as_str().unwrap().starts_with("ZC01"), "{body}");
    assert!(
        d["line"].as_u64().unwrap() >= 1
            && !d["zh"].as_str().unwrap().is_empty()
            && !d["en"].as_str().unwrap().is_empty()
    );
    // Saving a malformed policy writes nothing.
    let before = std::fs::read_to_string(folder(&s).join("taiyuan.zc")).unwrap();
    let (status, _) = http(&s.addr, "POST", "/api/save?path=taiyuan.zc", &[], malformed.as_bytes());
    assert_eq!(status, 422);
    assert_eq!(std::fs::read_to_string(folder(&s).join("taiyuan.zc")).unwrap(), before);
    // A request line that is not HTTP.
    {
        use std::io::Write;
        let mut t = std::net::TcpStream::connect(&s.addr).unwrap();
        let _ = t.write_all(b"\x00\x01\x02 nonsense\r\n\r\n");
    }
    still_serving(&s.addr);
}

#[test]
fn the_diagnostics_are_those_of_check() {
    let s = serve("127.0.0.1");
    let text = std::fs::read_to_string(folder(&s).join("taiyuan.zc")).unwrap();
    let broken = text.replacen("政策", "政策X", 1);
    let (_, body) = http(&s.addr, "POST", "/api/check?path=taiyuan.zc", &[], broken.as_bytes());
    let file = zhengce::source::SourceFile::new("taiyuan.zc", broken.as_str());
    let codes: Vec<String> = zhengce::check::check_sources(&[file])
        .sorted()
        .iter()
        .map(|d| d.code.id().to_string())
        .collect();
    assert!(!codes.is_empty());
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let served: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(served, codes);
}

#[test]
fn saving_formats_writes_atomically_and_keeps_the_previous_version() {
    let s = serve("127.0.0.1");
    let path = folder(&s).join("taiyuan.zc");
    let original = std::fs::read_to_string(&path).unwrap();
    // The same policy laid out badly: saved in the canonical layout, the old file kept as .bak.
    let messy = original.replace("\n  ", "\n      ");
    let (status, body) = http(&s.addr, "POST", "/api/save?path=taiyuan.zc", &[], messy.as_bytes());
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "fmt of the bundled file is itself"
    );
    assert_eq!(std::fs::read_to_string(folder(&s).join("taiyuan.zc.bak")).unwrap(), original);
    let (status, body) = http(&s.addr, "POST", "/api/fmt?path=taiyuan.zc", &[], messy.as_bytes());
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["text"].as_str().unwrap(), original);
}

#[test]
fn off_this_machine_every_request_needs_the_token() {
    let s = serve("0.0.0.0");
    let token = s.token.clone().expect("a token is printed for a non-loopback address");
    let port = s.addr.rsplit(':').next().unwrap();
    let local = format!("127.0.0.1:{port}");
    let (status, body) = get(&local, "/api/policies");
    assert_eq!(status, 403);
    assert!(body.contains("ZC0932"), "{body}");
    let (status, _) = get(&local, "/?token=wrong");
    assert_eq!(status, 403);
    let (status, _) = get(&local, &format!("/?token={token}"));
    assert_eq!(status, 200);
    let (status, _) = http(&local, "GET", "/api/policies", &[("X-Zhengce-Token", &token)], b"");
    assert_eq!(status, 200);
}

/// A policy's tests run from the page as `zhengce test` runs them: the passes and failures,
/// the failure with the expected value beside the obtained one; blessing writes the snapshot
/// beside the policy, which then passes.
#[test]
fn the_tests_run_and_the_snapshot_is_blessed() {
    let s = serve("127.0.0.1");
    serve_common::tested_policy(&folder(&s));
    let path = "/api/test?path=%E8%AF%95%E8%A1%8C.zc";
    let (status, body) = http(&s.addr, "POST", path, &[], b"");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["passed"].as_u64(), v["failed"].as_u64()), (Some(1), Some(1)), "{v}");
    assert_eq!(v["ok"], false);
    let lines: Vec<&str> =
        v["lines"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    let failed = lines.iter().find(|l| l.starts_with("FAILED")).unwrap();
    assert!(failed.starts_with("FAILED  试行.zc 用例 “乙"), "{lines:?}");
    let all = lines.join("\n");
    assert!(all.contains("20,000") || all.contains("20000"), "the obtained value: {all}");
    // No snapshot yet; blessed, it is written beside the policy.
    assert!(!folder(&s).join("试行.snap.json").exists());
    let (status, body) = http(&s.addr, "POST", &format!("{path}&bless=1"), &[], b"");
    assert_eq!(status, 200, "{body}");
    let snap = std::fs::read_to_string(folder(&s).join("试行.snap.json")).unwrap();
    assert!(snap.contains("投资补助"), "{snap}");
    // A path outside the folder is refused here too.
    let (status, body) = http(&s.addr, "POST", "/api/test?path=../x.zc", &[], b"");
    assert_eq!(status, 400, "{body}");
    still_serving(&s.addr);
}

/// Data in, results out: the template downloads as CSV and as a workbook; an upload with a bad
/// cell gets the cell named with its row and column and nothing evaluated; a good one (GBK, as
/// Excel saves a CSV on a Chinese Windows) gives the results of `eval --format json`, and an
/// amount explained with its clause; a file of another kind is refused (ZC0933). The upload is
/// not left behind in the folder.
#[test]
fn a_filled_register_uploaded_gives_results_and_explanations() {
    let s = serve("127.0.0.1");
    serve_common::tested_policy(&folder(&s));
    let policy = "path=%E8%AF%95%E8%A1%8C.zc";
    let (status, csv) = get(&s.addr, &format!("/api/template?{policy}"));
    assert_eq!(status, 200, "{csv}");
    assert!(csv.starts_with("名称,投资(元)\n"), "{csv}");
    let (status, book) = get(&s.addr, &format!("/api/template?{policy}&format=xlsx"));
    assert_eq!(status, 200);
    assert!(book.starts_with("PK"), "a zip archive");

    let bad = "名称,投资(元)\n甲,100000\n乙,十万\n";
    let (status, body) =
        http(&s.addr, "POST", &format!("/api/evaluate?{policy}&name=bad.csv"), &[], bad.as_bytes());
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v}");
    let p = problems[0].as_str().unwrap();
    assert!(p.starts_with("bad.csv:3:3: error[ZC0603]: 字段 `投资` 的值 `十万` 不是数字"), "{p}");
    assert!(v.get("rows").is_none(), "nothing evaluated: {v}");

    let (gbk, _, _) = encoding_rs::GBK.encode("名称,投资(元)\n甲,100000\n乙,200000\n");
    let (status, body) =
        http(&s.addr, "POST", &format!("/api/evaluate?{policy}&name=good.csv"), &[], &gbk);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["awards"], serde_json::json!(["投资补助"]));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows[1]["id"], "乙");
    assert_eq!(rows[1]["values"][0]["number"], "20000");
    // 10,000 + 20,000 paid.
    assert_eq!(v["totals"][0]["total"]["number"], "30000");
    assert_eq!(v["totals"][0]["recipients"], 2);

    let (status, body) = http(
        &s.addr,
        "POST",
        &format!(
            "/api/explain?{policy}&name=good.csv&subject=%E4%B9%99&rule=%E6%8A%95%E8%B5%84%E8%A1%A5%E5%8A%A9"
        ),
        &[],
        &gbk,
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let text = v["text"].as_str().unwrap();
    assert!(text.starts_with("投资补助 = 20,000 元\n"), "{text}");
    assert!(text.contains("§ 一 「按投资的 10% 给予补助」"), "{text}");
    assert!(text.contains("200,000 元 × 10% = 20,000 元"), "{text}");

    // The results to download: the workbook of `eval --format xlsx`, the 计算依据 in Markdown.
    let (status, book) = http(
        &s.addr,
        "POST",
        &format!("/api/report?{policy}&name=good.csv&format=xlsx"),
        &[],
        &gbk,
    );
    assert_eq!(status, 200);
    assert!(book.starts_with("PK"), "a zip archive");
    let (status, md) = http(
        &s.addr,
        "POST",
        &format!("/api/report?{policy}&name=good.csv&format=basis"),
        &[],
        &gbk,
    );
    assert_eq!(status, 200, "{md}");
    assert!(md.contains("乙") && md.contains("20,000"), "{md}");
    assert!(md.contains("按投资的 10% 给予补助"), "the clause: {md}");
    let (status, body) = http(
        &s.addr,
        "POST",
        &format!("/api/report?{policy}&name=bad.csv&format=xlsx"),
        &[],
        bad.as_bytes(),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("ZC0603"), "{body}");
    let (status, body) =
        http(&s.addr, "POST", &format!("/api/evaluate?{policy}&name=a.xls"), &[], b"\xd0\xcf");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("ZC0933"), "{body}");
    // A corrupt workbook: a message, and the server goes on.
    let (status, body) =
        http(&s.addr, "POST", &format!("/api/evaluate?{policy}&name=a.xlsx"), &[], b"PK\x03\x04x");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("problems"), "{body}");
    assert!(!folder(&s).join(".zhengce-uploads").exists());
    still_serving(&s.addr);
}

/// Two versions compared over an uploaded register, as `zhengce diff` compares them: the
/// edited text (10% → 12%) beside the one on disk, the budget effect, the winners, and the
/// chart of each award's total before and after; the edited text is not left on disk.
#[test]
fn the_edited_version_is_compared_with_the_one_on_disk() {
    let s = serve("127.0.0.1");
    serve_common::tested_policy(&folder(&s));
    let edited = std::fs::read_to_string(folder(&s).join("试行.zc")).unwrap().replace("10%", "12%");
    let data = "名称,投资(元)\n甲,100000\n乙,200000\n";
    let mut body = format!("{}\n{edited}", edited.len()).into_bytes();
    body.extend_from_slice(data.as_bytes());
    let (status, answer) =
        http(&s.addr, "POST", "/api/compare?path=%E8%AF%95%E8%A1%8C.zc&name=r.csv", &[], &body);
    assert_eq!(status, 200, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    // 30,000 → 36,000: 甲 +2,000, 乙 +4,000.
    assert_eq!(v["diff"]["total"]["before"], "30000", "{v}");
    assert_eq!(v["diff"]["total"]["after"], "36000");
    assert_eq!(v["diff"]["winners"]["count"], 2);
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("合计 30,000 元 → 36,000 元（+6,000 元）"), "{text}");
    assert!(text.starts_with("== 试行.zc → （编辑中的版本）  ×  r.csv"), "{text}");
    let svg = v["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    // And the subjects by how the change moves them: 2 gain.
    assert!(svg.contains(">得益（所得增加）</text>"), "{svg}");
    assert!(
        svg.contains(">30,000 元<") && svg.contains(">36,000 元<") && svg.contains(">+6,000 元<"),
        "{svg}"
    );
    // One subject's change, its working in both versions side by side.
    let (status, answer) = http(
        &s.addr,
        "POST",
        "/api/compare?path=%E8%AF%95%E8%A1%8C.zc&name=r.csv&explain=%E4%B9%99",
        &[],
        &body,
    );
    assert_eq!(status, 200, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let why = v["explained"].as_str().unwrap();
    assert!(why.contains("≠ 投资补助: 20,000 元 → 24,000 元"), "{why}");
    assert!(why.contains("≠ 投资补助.比例: 10% → 12%"), "{why}");
    let hidden: Vec<_> = std::fs::read_dir(folder(&s))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    still_serving(&s.addr);
}

/// One policy's outline: each clause cited, with its text and the rules that cite it at their
/// lines; each subject kind's fields with their units, and the parameters.
#[test]
fn a_policys_clauses_rules_fields_and_parameters() {
    let s = serve("127.0.0.1");
    let (status, body) = get(&s.addr, "/api/outline?path=zezhou.zc");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let clauses = v["clauses"].as_array().unwrap();
    let transfer = clauses.iter().find(|c| c["clause"] == "二(二)6").unwrap();
    assert!(transfer["quote"].as_str().unwrap().contains("30%"), "{transfer}");
    let rule = transfer["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "科技成果转化补助")
        .unwrap();
    // 二(二)6 pays each project (转化项目's 项目补助) and the enterprise the sum (转化企业).
    assert_eq!(rule["kind_zh"], "奖励");
    assert_eq!(rule["subject"], "转化企业");
    let text = std::fs::read_to_string(folder(&s).join("zezhou.zc")).unwrap();
    let line = rule["line"].as_u64().unwrap() as usize;
    assert!(text.lines().nth(line - 1).unwrap().contains("科技成果转化补助"), "line {line}");
    let per_project =
        transfer["rules"].as_array().unwrap().iter().find(|r| r["name"] == "项目补助").unwrap();
    assert_eq!(per_project["subject"], "转化项目");
    let line = per_project["line"].as_u64().unwrap() as usize;
    assert!(text.lines().nth(line - 1).unwrap().contains("项目补助"), "line {line}");
    let kinds = v["kinds"].as_array().unwrap();
    let projects = kinds.iter().find(|k| k["subject"] == "转化项目").unwrap();
    let cost = projects["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "实际发生费用")
        .unwrap();
    assert_eq!(cost["unit"], "元");
    let firms = kinds.iter().find(|k| k["subject"] == "企业").unwrap();
    let params: Vec<&str> =
        firms["params"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert!(params.contains(&"高新奖励"), "{params:?}");
}
