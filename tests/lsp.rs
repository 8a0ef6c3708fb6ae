//! `zhengce lsp` driven over stdio by a JSON-RPC client, as an editor drives it: Content-Length
//! framed messages written to the built binary's stdin, responses and notifications read from
//! its stdout.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

impl Client {
    fn start(lang: &str) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhengce"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut c = Client { child, stdin, stdout, next_id: 1, notifications: Vec::new() };
        let caps = c.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {},
                    "initializationOptions": { "lang": lang } }),
        );
        assert_eq!(caps["result"]["capabilities"]["hoverProvider"], json!(true), "{caps}");
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = Some(n.parse::<usize>().unwrap());
            }
        }
        let mut body = vec![0; length.unwrap()];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (keeping the notifications on the way).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.read();
            if m.get("id") == Some(&json!(id)) {
                return m;
            }
            self.notifications.push(m);
        }
    }

    /// The result of a request, which must not be an error.
    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// Waits for the diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            if let Some(i) = self.notifications.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                let n = self.notifications.remove(i);
                return n["params"]["diagnostics"].as_array().unwrap().clone();
            }
            let m = self.read();
            self.notifications.push(m);
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "zhengce", "version": 1, "text": text } }),
        );
        self.diagnostics(uri)
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", json!(null));
        assert_eq!(r["result"], Value::Null);
        self.notify("exit", json!(null));
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn policy(name: &str) -> (PathBuf, String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = format!("file://{}", path.display());
    (path, text, uri)
}

/// The LSP position (line, UTF-16 column) of the `nth` occurrence of `needle` in `text`.
fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize =
        before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": col })
}

fn at(uri: &str, p: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": p })
}

#[test]
fn a_session_on_zezhou() {
    let (_, text, uri) = policy("zezhou.zc");
    let mut c = Client::start("en");
    let diags = c.open(&uri, &text);
    assert!(diags.iter().all(|d| d["severity"] != 1), "a bundled policy has no error: {diags:?}");

    // Hover on a use of the field 省市孵化载体补助额 (line 168): its kind, unit, clause and
    // source sentence.
    let name = "省市孵化载体补助额";
    let use_at = pos(&text, name, 1);
    assert_eq!(use_at["line"], 167);
    let hover = c.result("textDocument/hover", at(&uri, use_at.clone()));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("**field** `省市孵化载体补助额` (subject `企业`)"), "{md}");
    assert!(md.contains("written: `元`"), "{md}");
    assert!(md.contains("by year"), "{md}");
    assert!(md.contains("§ 二(一)3 「在省、市分别补助的基础上」"), "{md}");
    insta::assert_snapshot!("hover_field_en", md);

    // Definition: the field's declaration, line 45 of the file (44 from 0), columns 2 to 11.
    let def = c.result("textDocument/definition", at(&uri, use_at.clone()));
    assert_eq!(def["uri"], uri.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 44, "character": 2 }));
    assert_eq!(def["range"]["end"], json!({ "line": 44, "character": 11 }));

    // References: the declaration and the two uses (lines 45, 168, 169).
    let refs = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri }, "position": use_at, "context": { "includeDeclaration": true } }),
    );
    let lines: Vec<u64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![44, 167, 168]);

    // Rename: the same three places.
    let edit = c.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": pos(&text, name, 0), "newName": "上级孵化补助额" }),
    );
    let edits = edit["changes"][uri.as_str()].as_array().unwrap();
    assert_eq!(edits.len(), 3);
    assert!(edits.iter().all(|e| e["newText"] == "上级孵化补助额"));
    // A new name that is not one word is refused.
    let bad = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": pos(&text, name, 0), "newName": "孵化 面积" }),
    );
    assert!(bad.get("error").is_some(), "{bad}");

    // Hover on a unit word and on a comparison word.
    let nth = text
        .match_indices("万元")
        .position(|(i, _)| {
            let line = text[..i].rsplit('\n').next().unwrap();
            !line.contains('#') && !line.contains('「') && !line.contains('"')
        })
        .unwrap();
    let unit = c.result("textDocument/hover", at(&uri, pos(&text, "万元", nth)));
    let unit = unit["contents"]["value"].as_str().unwrap();
    assert!(unit.contains("1 万元 = 10000 yuan"), "{unit}");
    assert!(unit.contains("money"), "{unit}");

    // Formatting: the bundled policy is already in the canonical layout.
    let fmt = c.result("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(fmt, json!([]));

    // Completion: names, enumeration values, units and keywords in both languages, at the end of
    // 孵化载体补助's `金额 20元/㎡/年 × 孵化面积 × 1年` (line 157).
    let items = c.result("textDocument/completion", at(&uri, use_at_line_end(&text, 156)));
    let labels: Vec<&str> =
        items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    for want in ["孵化面积", "国家级", "万元", "以上", "主体", "subject", "最高不超过", "by year"]
    {
        assert!(labels.contains(&want), "{want} not among {} items", labels.len());
    }

    // Outline: subjects, each 对于 block with its awards.
    let symbols =
        c.result("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let names: Vec<&str> =
        symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"企业") && names.contains(&"for 企业"), "{names:?}");
    let for_block = symbols.as_array().unwrap().iter().find(|s| s["name"] == "for 企业").unwrap();
    let awards: Vec<&str> = for_block["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(awards.contains(&"孵化载体补助"), "{awards:?}");

    // A change with a misspelt name: an error with its code, page and a quick fix.
    let changed = text.replacen("× 孵化面积 × 1年", "× 孵化面基 × 1年", 1);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": changed }] }),
    );
    let diags = c.diagnostics(&uri);
    let err = diags.iter().find(|d| d["severity"] == 1).expect("an error");
    assert_eq!(err["code"], "ZC0201");
    assert!(err["codeDescription"]["href"].as_str().unwrap().ends_with("docs/codes/ZC0201.md"));
    assert_eq!(err["range"]["start"], pos(&changed, "孵化面基", 0));
    assert!(err["message"].as_str().unwrap().contains("did you mean `孵化面积`?"), "{err}");
    let actions = c.result(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": err["range"], "context": { "diagnostics": [] } }),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["edit"]["changes"][uri.as_str()][0]["newText"], "孵化面积");
    assert_eq!(fix["edit"]["changes"][uri.as_str()][0]["range"], err["range"]);
    c.shutdown();
}

fn use_at_line_end(text: &str, line: usize) -> Value {
    let l = text.lines().nth(line).unwrap();
    json!({ "line": line, "character": l.chars().map(char::len_utf16).sum::<usize>() })
}

#[test]
fn diagnostics_in_chinese_and_a_name_defined_in_an_imported_policy() {
    let (_, text, uri) = policy("yangcheng.zc");
    let (_, _, zezhou_uri) = policy("zezhou.zc");
    let zezhou =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/zezhou.zc"))
            .unwrap();
    let mut c = Client::start("zh");
    c.open(&uri, &text);
    // `泽州.专精特新奖励`: defined in zezhou.zc (not open: read from disk).
    let use_at = pos(&text, "泽州.专精特新奖励", 0);
    let mut p = use_at.clone();
    p["character"] = json!(use_at["character"].as_u64().unwrap() + 3);
    let def = c.result("textDocument/definition", at(&uri, p.clone()));
    assert_eq!(def["uri"], zezhou_uri.as_str());
    let decl = pos(&zezhou, "奖励 专精特新奖励", 0);
    assert_eq!(def["range"]["start"]["line"], decl["line"]);
    let hover = c.result("textDocument/hover", at(&uri, p));
    assert!(
        hover["contents"]["value"].as_str().unwrap().starts_with("**奖励** `专精特新奖励`"),
        "{hover}"
    );
    // A comparison word, in Chinese.
    let broken = "主体 企业 {\n  名称: 文本\n  人数: 人\n}\n对于 企业 {\n  条件 大 全部 { 多: 人数 不满 5人 }\n  奖励 奖 { 金额 5万圆 }\n}\n";
    let diags = c.open("file:///tmp/zhengce-lsp-test/broken.zc", broken);
    assert!(
        diags.iter().any(|d| d["severity"] == 1 && d["message"].as_str().unwrap().contains("提示")),
        "{diags:?}"
    );
    let cmp = c.result(
        "textDocument/hover",
        at("file:///tmp/zhengce-lsp-test/broken.zc", pos(broken, "不满", 0)),
    );
    let cmp = cmp["contents"]["value"].as_str().unwrap();
    assert!(cmp.contains("不包括本数") && cmp.contains("第1259条"), "{cmp}");
    insta::assert_snapshot!("hover_comparison_zh", cmp);
    c.shutdown();
}

#[test]
fn a_document_that_does_not_parse_gets_diagnostics_and_an_outline() {
    let text =
        "主体 企业 {\n  名称: 文本\n}\n对于 企业 {\n  令 甲 = (1 +\n  奖励 乙 { 金额 5元 }\n";
    let uri = "file:///tmp/zhengce-lsp-test/unparsed.zc";
    let mut c = Client::start("en");
    let diags = c.open(uri, text);
    assert!(!diags.is_empty());
    let symbols =
        c.result("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let names: Vec<&str> =
        symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["企业", "企业", "甲", "乙"]);
    // Every request still answers.
    for p in [pos(text, "名称", 0), pos(text, "甲", 0), json!({ "line": 99, "character": 99 })] {
        c.result("textDocument/hover", at(uri, p.clone()));
        c.result("textDocument/definition", at(uri, p.clone()));
        let items = c.result("textDocument/completion", at(uri, p));
        assert!(items.as_array().unwrap().iter().any(|i| i["label"] == "企业"));
    }
    assert_eq!(c.result("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } })), json!([]));
    c.shutdown();
}

#[test]
fn every_request_answers_on_every_bundled_policy() {
    let mut c = Client::start("en");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".zc"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    for name in names {
        let (_, text, uri) = policy(&name);
        let diags = c.open(&uri, &text);
        assert!(diags.iter().all(|d| d["severity"] != 1), "{name}: {diags:?}");
        let symbols =
            c.result("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
        assert!(symbols.as_array().unwrap().len() > 3, "{name}");
        let fmt = c.result("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
        assert_eq!(fmt, json!([]), "{name}");
        // Every line's first and middle positions: hover, definition, completion; every 10th
        // line: references and rename.
        let mut resolved = 0;
        for (i, line) in text.lines().enumerate().step_by(3) {
            let width: usize = line.chars().map(char::len_utf16).sum();
            for col in [width / 3, width / 2] {
                let p = json!({ "line": i, "character": col });
                c.result("textDocument/hover", at(&uri, p.clone()));
                if !c.result("textDocument/definition", at(&uri, p.clone())).is_null() {
                    resolved += 1;
                }
                if i % 10 == 0 {
                    c.result("textDocument/references", json!({ "textDocument": { "uri": uri }, "position": p, "context": { "includeDeclaration": true } }));
                    c.result(
                        "textDocument/rename",
                        json!({ "textDocument": { "uri": uri }, "position": p, "newName": "新名" }),
                    );
                    c.result("textDocument/completion", at(&uri, p.clone()));
                    c.result("textDocument/codeAction", json!({ "textDocument": { "uri": uri }, "range": { "start": p, "end": p }, "context": { "diagnostics": [] } }));
                }
            }
        }
        assert!(resolved > 20, "{name}: {resolved} names resolved");
    }
    c.shutdown();
}

#[test]
fn references_and_rename_reach_a_closed_file_that_imports_the_policy() {
    // zezhou.zc open; yangcheng.zc, closed, imports it as `泽州` and names `泽州.专精特新奖励` on
    // its line 146.
    let (_, text, uri) = policy("zezhou.zc");
    let (_, yangcheng, yangcheng_uri) = policy("yangcheng.zc");
    let mut c = Client::start("en");
    c.open(&uri, &text);
    let decl = pos(&text, "奖励 专精特新奖励", 0);
    let mut p = decl.clone();
    p["character"] = json!(decl["character"].as_u64().unwrap() + 3);
    let refs = c.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri }, "position": p, "context": { "includeDeclaration": true } }),
    );
    let refs = refs.as_array().unwrap();
    let theirs: Vec<u64> = refs
        .iter()
        .filter(|r| r["uri"] == yangcheng_uri.as_str())
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    let used = pos(&yangcheng, "泽州.专精特新奖励", 0)["line"].as_u64().unwrap();
    assert_eq!(used, 145);
    assert!(theirs.contains(&used), "{refs:?}");
    // Not a word of yangcheng's own that is spelt the same without the alias.
    assert!(refs.iter().any(|r| r["uri"] == uri.as_str()));
    let edit = c.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": p, "newName": "专精特新一次性奖励" }),
    );
    let theirs = edit["changes"][yangcheng_uri.as_str()].as_array().unwrap();
    assert_eq!(theirs.len(), refs.iter().filter(|r| r["uri"] == yangcheng_uri.as_str()).count());
    assert!(theirs.iter().all(|e| e["newText"] == "专精特新一次性奖励"));
    c.shutdown();
}
