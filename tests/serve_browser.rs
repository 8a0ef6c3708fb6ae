//! The workbench in a real browser: Debian's headless Chromium driven over the W3C WebDriver
//! protocol (chromedriver, spoken to with the HTTP client of `serve_common`), through the
//! journeys the page serves today: the list of policies, opening one, an error introduced while
//! typing and shown at its line, the English switch, formatting, running a policy's tests (a
//! failure with its expected and obtained values) and blessing its snapshot. Each journey's last page is
//! written as a screenshot under `target/serve-screens/`, and the test asserts on the page's
//! content.
//!
//! Without `chromium` and `chromedriver` the test prints SKIP and passes, unless
//! `ZHENGCE_REQUIRE_BROWSER=1` (as `.ci/run` sets it), which makes it fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod serve_common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use serve_common::serve;

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process and one browser session; both ended when dropped.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = driver_http(&self.addr, "DELETE", &format!("/session/{}", self.session), b"");
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One request to chromedriver: the status and body of its answer, read to its
/// `Content-Length` (chromedriver says it closes the connection but may keep it open).
fn driver_http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut len = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap();
        }
    }
    let mut buf = vec![0; len];
    r.read_exact(&mut buf).unwrap();
    (status, String::from_utf8(buf).unwrap())
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session.
    fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(DRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=zh-CN"]
        }}}});
        let mut b = Browser { driver, addr, session: String::new() };
        let v = b.call("POST", "/session", &caps);
        b.session = v["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).into();
        b
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        let body = if method == "GET" { String::new() } else { body.to_string() };
        let (status, text) = driver_http(&self.addr, method, path, body.as_bytes());
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: {status}: {e}: {text}"));
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.call("POST", &format!("/session/{}/url", self.session), &json!({ "url": url }));
    }

    /// Runs `script` in the page (its `arguments` are `args`) and returns its value.
    fn run(&self, script: &str, args: &[Value]) -> Value {
        let path = format!("/session/{}/execute/sync", self.session);
        self.call("POST", &path, &json!({ "script": script, "args": args }))
    }

    /// Waits until `script` returns true in the page (the page's requests are asynchronous).
    fn until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.run(script, &[]) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "never came: {what}: {}", self.body_text());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn body_text(&self) -> String {
        self.run("return document.body.innerText;", &[]).as_str().unwrap_or("").to_string()
    }

    /// Writes the page as a PNG under `target/serve-screens/`.
    fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.call("GET", &format!("/session/{}/screenshot", self.session), &json!({}));
        let png = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("serve-screens");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}.png"));
        std::fs::write(&file, png).unwrap();
        file
    }
}

fn present() -> bool {
    if Path::new(CHROMIUM).exists() && Path::new(DRIVER).exists() {
        return true;
    }
    assert_ne!(
        std::env::var("ZHENGCE_REQUIRE_BROWSER").as_deref(),
        Ok("1"),
        "ZHENGCE_REQUIRE_BROWSER=1 but {CHROMIUM} or {DRIVER} is missing"
    );
    println!("SKIP: {CHROMIUM} and {DRIVER} (Debian's chromium, chromium-driver) not found");
    false
}

#[test]
fn an_officer_opens_a_policy_breaks_it_sees_the_line_and_formats_it() {
    if !present() {
        return;
    }
    let s = serve("127.0.0.1");
    let b = Browser::start();
    b.go(&s.url);

    // The list of policies, with their document numbers.
    b.until("the list", "return document.querySelectorAll('.policy').length >= 5;");
    let text = b.body_text();
    assert!(text.contains("泽发改发〔2022〕43号"), "{text}");
    assert!(text.contains("zezhou.zc"), "{text}");
    b.screenshot("1-policies");

    // One policy: its text in the editor and no error.
    b.run("document.querySelector('[data-path=\"zezhou.zc\"]').click();", &[]);
    b.until("zezhou's text", "return document.getElementById('text').value.includes('主体 企业');");
    b.until(
        "its diagnostics",
        "return document.getElementById('diags').innerText.trim().length > 0;",
    );
    let diags = b.run("return document.getElementById('diags').innerText;", &[]);
    assert!(!diags.as_str().unwrap().contains("error"), "{diags}");
    // Highlighted as written: the keywords of the grammar, the quoted clauses, the comments,
    // over the very text being edited.
    let same = b.run(
        "return document.getElementById('hl').textContent === document.getElementById('text').value + '\\n';",
        &[],
    );
    assert_eq!(same, json!(true));
    let marked = b.run(
        "const hl = document.getElementById('hl');
         return [hl.querySelectorAll('.k').length, hl.querySelectorAll('.q').length,
                 hl.querySelectorAll('.c').length,
                 [...hl.querySelectorAll('.k')].some((k) => k.textContent === '主体')];",
        &[],
    );
    assert!(marked[0].as_u64().unwrap() > 100, "{marked}");
    assert!(marked[1].as_u64().unwrap() > 20 && marked[2].as_u64().unwrap() > 20, "{marked}");
    assert_eq!(marked[3], json!(true), "{marked}");
    b.screenshot("2-policy");

    // Its outline: a clause with its text and the rule that cites it; a click goes to the rule.
    b.until(
        "the outline",
        "return /二\\(二\\)6/.test(document.getElementById('clauses').textContent);",
    );
    b.run("document.getElementById('outline').open = true;", &[]);
    let outline = b.run("return document.getElementById('outline').innerText;", &[]);
    let outline = outline.as_str().unwrap();
    // 二(二)6: each project's 项目补助, the enterprise's sum, the project's cost among its fields.
    assert!(outline.contains("奖励 项目补助（转化项目）"), "{outline}");
    assert!(outline.contains("奖励 科技成果转化补助（转化企业）"), "{outline}");
    assert!(outline.contains("主体 转化项目") && outline.contains("实际发生费用"), "{outline}");
    b.screenshot("2b-outline");
    b.run("document.getElementById('outline').open = false;", &[]);

    // An error typed on line 3: the diagnostic names the line, with check's code.
    let line = b.run(
        "const t = document.getElementById('text');
         const lines = t.value.split('\\n');
         lines.splice(2, 0, '主体 {');
         t.value = lines.join('\\n');
         t.dispatchEvent(new Event('input'));
         return 3;",
        &[],
    );
    assert_eq!(line, json!(3));
    b.until("the error", "return /ZC01\\d\\d/.test(document.getElementById('diags').innerText);");
    let diags = b.run("return document.getElementById('diags').innerText;", &[]);
    let diags = diags.as_str().unwrap();
    assert!(diags.contains("第 3 行") || diags.contains("第 4 行"), "{diags}");
    assert!(diags.contains("ZC01"), "{diags}");
    // Clicking it puts the cursor on that line.
    b.run("document.querySelector('#diags li').click();", &[]);
    let at = b.run(
        "const t = document.getElementById('text');
         return t.value.slice(0, t.selectionStart).split('\\n').length;",
        &[],
    );
    let at = at.as_u64().unwrap();
    assert!((3..=4).contains(&at), "cursor on line {at}: {diags}");
    b.screenshot("3-error-at-its-line");

    // The same in English.
    b.run("document.getElementById('lang').click();", &[]);
    b.until("English", "return document.getElementById('diags').innerText.includes('line ');");
    assert!(b.body_text().contains("Diagnostics"), "{}", b.body_text());
    b.screenshot("4-english");

    // The error taken out again, and the text formatted: no diagnostic, nothing saved.
    let on_disk = std::fs::read_to_string(s.dir.path().join("zezhou.zc")).unwrap();
    b.run(
        "const t = document.getElementById('text');
         t.value = t.value.split('\\n').filter((l, i) => i !== 2).join('\\n');
         t.dispatchEvent(new Event('input'));",
        &[],
    );
    b.until("no error", "return !/ZC01/.test(document.getElementById('diags').innerText);");
    b.run("document.getElementById('fmt').click();", &[]);
    b.until(
        "formatted",
        "return /formatted|已格式化/.test(document.getElementById('status').innerText);",
    );
    let after = std::fs::read_to_string(s.dir.path().join("zezhou.zc")).unwrap();
    assert_eq!(after, on_disk, "formatting does not save");
    let shot = b.screenshot("5-formatted");
    assert!(std::fs::metadata(shot).unwrap().len() > 1000);
}

#[test]
fn an_officer_runs_a_policys_tests_and_blesses_its_snapshot() {
    if !present() {
        return;
    }
    let s = serve("127.0.0.1");
    serve_common::tested_policy(s.dir.path());
    let b = Browser::start();
    b.go(&s.url);
    b.until("the list", "return document.querySelector('[data-path=\"试行.zc\"]') !== null;");
    b.run("document.querySelector('[data-path=\"试行.zc\"]').click();", &[]);
    b.until("the policy", "return !document.getElementById('test').disabled;");

    // The tests: one case passes, one fails with the expected value beside the obtained one.
    b.run("document.getElementById('test').click();", &[]);
    b.until("the tally", "return /项通过/.test(document.getElementById('tally').innerText);");
    let tally = b.run("return document.getElementById('tally').innerText;", &[]);
    assert_eq!(tally, json!("1 项通过，1 项未通过"));
    let lines = b.run("return document.getElementById('tests').innerText;", &[]);
    let lines = lines.as_str().unwrap();
    assert!(lines.contains("乙 投资补助: 期望 1 元，得到 20,000 元"), "{lines}");
    let red = b.run("return document.querySelectorAll('#tests li.failed').length;", &[]);
    assert_eq!(red, json!(2), "the failed case and its values: {lines}");
    b.run("document.getElementById('tally').scrollIntoView();", &[]);
    b.screenshot("6-tests");

    // Blessed after the confirmation: the snapshot is written beside the policy.
    assert!(!s.dir.path().join("试行.snap.json").exists());
    b.run("window.confirm = () => true; document.getElementById('bless').click();", &[]);
    b.until("blessed", "return /快照已更新/.test(document.getElementById('tally').innerText);");
    assert!(s.dir.path().join("试行.snap.json").exists());
    b.screenshot("7-blessed");
}

#[test]
fn an_officer_uploads_a_register_sees_a_bad_cell_then_the_results_and_an_explanation() {
    if !present() {
        return;
    }
    let s = serve("127.0.0.1");
    serve_common::tested_policy(s.dir.path());
    let b = Browser::start();
    b.go(&s.url);
    b.until("the list", "return document.querySelector('[data-path=\"试行.zc\"]') !== null;");
    b.run("document.querySelector('[data-path=\"试行.zc\"]').click();", &[]);
    b.until("the policy", "return !document.getElementById('upload').disabled;");
    // A file chosen in the upload field, as the browser hands it over.
    let choose = "const dt = new DataTransfer();
         dt.items.add(new File([arguments[0]], arguments[1], { type: 'text/csv' }));
         const input = document.getElementById('upload');
         input.files = dt.files;
         input.dispatchEvent(new Event('change'));";

    // A workbook with one bad cell: named with its cell, nothing evaluated.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("企业").unwrap();
    for (col, head) in ["名称", "投资(元)"].iter().enumerate() {
        sheet.write_string(0, col as u16, *head).unwrap();
    }
    sheet.write_string(1, 0, "甲").unwrap();
    sheet.write_number(1, 1, 100_000).unwrap();
    sheet.write_string(2, 0, "乙").unwrap();
    sheet.write_string(2, 1, "十万").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    b.run(
        "const bin = atob(arguments[0]); const u = new Uint8Array(bin.length);
         for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
         const dt = new DataTransfer(); dt.items.add(new File([u], arguments[1]));
         const input = document.getElementById('upload');
         input.files = dt.files;
         input.dispatchEvent(new Event('change'));",
        &[json!(encoded), json!("申报.xlsx")],
    );
    b.until("the problem", "return /ZC0603/.test(document.getElementById('problems').innerText);");
    let problems = b.run("return document.getElementById('problems').innerText;", &[]);
    let problems = problems.as_str().unwrap();
    assert!(
        problems.contains(
            "申报.xlsx!企业!B3: error[ZC0603]: 单元格 `企业!B3`：字段 `投资` 的值 `十万` 不是数字"
        ),
        "{problems}"
    );
    let rows = b.run("return document.getElementById('results').rows.length;", &[]);
    assert_eq!(rows, json!(0));
    b.run("document.getElementById('problems').scrollIntoView();", &[]);
    b.screenshot("8-bad-cell");

    // The register mended: the results per subject and award, the total paid.
    b.run(choose, &[json!("名称,投资(元)\n甲,100000\n乙,200000\n"), json!("申报.csv")]);
    b.until("the results", "return document.getElementById('results').rows.length === 4;");
    let table = b.run("return document.getElementById('results').innerText;", &[]);
    let table = table.as_str().unwrap();
    assert!(table.contains("20,000 元"), "{table}");
    let grand = b.run("return document.getElementById('grand').innerText;", &[]);
    assert_eq!(grand, json!("总计：30,000 元"));

    // One amount explained: the arithmetic and the clause.
    b.run("document.getElementById('results').rows[2].cells[1].querySelector('a').click();", &[]);
    b.until("the explanation", "return /§ 一/.test(document.getElementById('explain').innerText);");
    let why = b.run("return document.getElementById('explain').innerText;", &[]);
    let why = why.as_str().unwrap();
    assert!(why.starts_with("投资补助 = 20,000 元"), "{why}");
    assert!(why.contains("200,000 元 × 10% = 20,000 元"), "{why}");
    b.run("document.getElementById('results').scrollIntoView();", &[]);
    b.screenshot("9-results-explained");

    // A change tried before it is issued: 10% becomes 12% in the editor, compared with the
    // version on disk over the same register: the chart and the budget effect.
    b.run(
        "const t = document.getElementById('text');
         t.value = t.value.replaceAll('10%', '12%');
         t.dispatchEvent(new Event('input'));
         document.getElementById('compare').click();",
        &[],
    );
    b.until("the chart", "return document.querySelectorAll('#chart rect.after').length === 1;");
    let effect = b.run("return document.getElementById('difftext').innerText;", &[]);
    assert!(
        effect.as_str().unwrap().contains("合计 30,000 元 → 36,000 元（+6,000 元）"),
        "{effect}"
    );
    let labels = b.run("return document.getElementById('chart').textContent;", &[]);
    assert!(labels.as_str().unwrap().contains("+6,000 元"), "{labels}");
    // One subject's change explained: the rate that moved, in both versions.
    b.run(
        "document.getElementById('whoid').value = '乙'; document.getElementById('why').click();",
        &[],
    );
    b.until(
        "the change explained",
        "return /12%/.test(document.getElementById('whytext').innerText);",
    );
    let why = b.run("return document.getElementById('whytext').innerText;", &[]);
    assert!(why.as_str().unwrap().contains("≠ 投资补助.比例: 10% → 12%"), "{why}");
    b.run("document.getElementById('chart').scrollIntoView();", &[]);
    b.screenshot("10-change-compared");

    // The results downloaded as a workbook, under the name the server gives it.
    b.run("document.getElementById('getxlsx').click();", &[]);
    b.until(
        "downloaded",
        "return /申报\\.结果\\.xlsx/.test(document.getElementById('status').innerText);",
    );
}
