//! The workbench's requests: the page, the list of policies, one policy, checking, formatting
//! and saving a policy's text. Each answer is JSON (or the page); each refusal is a coded
//! diagnostic in both languages, and the server goes on serving.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
use tiny_http::{Header, Method, Request, Response};

use super::data::Upload;
use super::safety::{self, BODY_LIMIT, Guard};
use crate::diagnostics::{Diagnostic, Lang};
use crate::source::SourceFile;

/// The page, compiled in.
const PAGE: &str = include_str!("page.html");

/// What every request needs: the folder and the token.
pub struct State {
    /// The folder of policies, canonical.
    pub dir: PathBuf,
    /// The token rule.
    pub guard: Guard,
}

/// An answer: status, content type, body, and the file name a download is saved under.
struct Answer {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    download: Option<String>,
}

impl Answer {
    fn json(status: u16, value: &Value) -> Answer {
        Answer {
            status,
            kind: "application/json; charset=utf-8",
            body: value.to_string().into_bytes(),
            download: None,
        }
    }
}

/// A refusal: the diagnostic, in both languages.
fn refused(status: u16, d: &Diagnostic) -> Answer {
    Answer::json(
        status,
        &json!({
            "error": {
                "code": d.code.id(),
                "zh": d.message.get(Lang::Zh),
                "en": d.message.get(Lang::En),
                "help_zh": d.help.as_ref().map(|h| h.get(Lang::Zh)),
                "help_en": d.help.as_ref().map(|h| h.get(Lang::En)),
            }
        }),
    )
}

/// Answers one request; a failure to send (the browser went away) is dropped.
pub fn answer(state: &State, mut request: Request) {
    let answer = route(state, &mut request);
    let header = Header::from_bytes(&b"Content-Type"[..], answer.kind.as_bytes());
    let mut response = Response::from_data(answer.body).with_status_code(answer.status);
    if let Ok(h) = header {
        response = response.with_header(h);
    }
    // A download's name, percent-encoded (RFC 5987) so that a Chinese name survives.
    if let Some(name) = &answer.download {
        let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        let value = format!("attachment; filename*=UTF-8''{encoded}");
        if let Ok(h) = Header::from_bytes(&b"Content-Disposition"[..], value.as_bytes()) {
            response = response.with_header(h);
        }
    }
    if let Ok(h) = Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]) {
        response = response.with_header(h);
    }
    let _ = request.respond(response);
}

/// The value of `key` in the query of `url`, percent-decoded.
fn query(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| decode(v))
    })
}

/// Percent-decoding (and `+` as a space), invalid UTF-8 replaced.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (c, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(state: &State, request: &mut Request) -> Answer {
    let url = request.url().to_string();
    let header_token = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("X-Zhengce-Token"))
        .map(|h| h.value.as_str().to_string());
    let token = header_token.or_else(|| query(&url, "token"));
    if !state.guard.admits(token.as_deref()) {
        return refused(403, &safety::no_token());
    }
    let path = url.split('?').next().unwrap_or("");
    match (request.method(), path) {
        (Method::Get, "/") => Answer {
            status: 200,
            kind: "text/html; charset=utf-8",
            // The grammar's keywords, for the editor's highlighting.
            body: PAGE
                .replace(
                    "\"__KEYWORDS__\"",
                    &serde_json::to_string(&crate::lsp::completion::keywords()).unwrap_or_default(),
                )
                .into_bytes(),
            download: None,
        },
        (Method::Get, "/api/outline") => {
            with_path(state, &url, |file| Answer::json(200, &super::outline::outline(file)))
        }
        (Method::Get, "/api/template") => {
            let kind = query(&url, "kind");
            let xlsx = query(&url, "format").as_deref() == Some("xlsx");
            with_path(state, &url, |file| template(file, kind.as_deref(), xlsx))
        }
        (Method::Post, "/api/evaluate") => upload_route(state, request, &url, |u| {
            json_answer(super::data::evaluate_upload(u), 200)
        }),
        (Method::Post, "/api/report") => {
            let xlsx = query(&url, "format").as_deref() == Some("xlsx");
            upload_route(state, request, &url, |u| match super::data::report_upload(u, xlsx) {
                Ok((body, saved)) => Answer {
                    status: 200,
                    kind: if xlsx {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    } else {
                        "text/markdown; charset=utf-8"
                    },
                    body,
                    download: Some(saved),
                },
                Err(v) => json_answer(v, 422),
            })
        }
        (Method::Post, "/api/compare") => {
            let explain = query(&url, "explain").filter(|id| !id.is_empty());
            upload_route(state, request, &url, |u| {
                let Some((edited, data)) = split_compare(u.bytes) else {
                    return Answer::json(
                        400,
                        &json!({"error": {"code": "", "zh": "请求的格式不对", "en": "a malformed request"}}),
                    );
                };
                let u = Upload { bytes: data, kind: u.kind.clone(), ..*u };
                json_answer(super::data::compare_upload(&u, &edited, explain), 200)
            })
        }
        (Method::Post, "/api/explain") => {
            let subject = query(&url, "subject").unwrap_or_default();
            let rule = query(&url, "rule").unwrap_or_default();
            upload_route(state, request, &url, |u| {
                json_answer(super::data::explain_upload(u, &subject, &rule), 200)
            })
        }
        (Method::Get, "/api/policies") => list(&state.dir),
        (Method::Get, "/api/policy") => with_path(state, &url, open),
        (Method::Post, "/api/check") => match body(request) {
            Ok(text) => with_path(state, &url, |file| Answer::json(200, &check(file, &text))),
            Err(a) => a,
        },
        (Method::Post, "/api/fmt") => match body(request) {
            Ok(text) => with_path(state, &url, |file| format(file, &text)),
            Err(a) => a,
        },
        (Method::Post, "/api/save") => match body(request) {
            Ok(text) => with_path(state, &url, |file| save(file, &text)),
            Err(a) => a,
        },
        (Method::Post, "/api/test") => {
            let bless = query(&url, "bless").as_deref() == Some("1");
            let lang =
                if query(&url, "lang").as_deref() == Some("en") { Lang::En } else { Lang::Zh };
            with_path(state, &url, |file| run_tests(&state.dir, file, bless, lang))
        }
        _ => Answer::json(
            404,
            &json!({"error": {"code": "", "zh": "没有这一页", "en": "no such page"}}),
        ),
    }
}

/// Runs `f` on the policy file the query's `path` names, or refuses the path.
fn with_path(state: &State, url: &str, f: impl FnOnce(&Path) -> Answer) -> Answer {
    let rel = query(url, "path").unwrap_or_default();
    match safety::resolve(&state.dir, &rel, true) {
        Ok(file) => f(&file),
        Err(d) => refused(400, &d),
    }
}

/// The body of a comparison: the length in bytes of the edited policy's text on a first line,
/// the text, then the register's bytes.
fn split_compare(bytes: &[u8]) -> Option<(String, &[u8])> {
    let nl = bytes.iter().position(|b| *b == b'\n')?;
    let len: usize = std::str::from_utf8(bytes.get(..nl)?).ok()?.trim().parse().ok()?;
    let text = bytes.get(nl + 1..nl + 1 + len)?;
    Some((String::from_utf8_lossy(text).into_owned(), bytes.get(nl + 1 + len..)?))
}

/// A request that uploads a register: its body, its query's file name, kind and language, and
/// the policy its `path` names, handed to `f`.
fn upload_route(
    state: &State,
    request: &mut Request,
    url: &str,
    f: impl FnOnce(&Upload<'_>) -> Answer,
) -> Answer {
    let bytes = match body_bytes(request) {
        Ok(b) => b,
        Err(a) => return a,
    };
    let (name, kind, lang) = upload_query(url);
    with_path(state, url, |file| {
        f(&Upload { dir: &state.dir, policy: file, name: &name, kind, bytes: &bytes, lang })
    })
}

/// `v` as the answer: 400 for a refusal (`error`), else `ok`.
fn json_answer(v: Value, ok: u16) -> Answer {
    Answer::json(if v.get("error").is_some() { 400 } else { ok }, &v)
}

/// An upload's query: the file's name as the officer chose it, the subject kind (when given)
/// and the language.
fn upload_query(url: &str) -> (String, Option<String>, Lang) {
    let name = query(url, "name").unwrap_or_default();
    let kind = query(url, "kind").filter(|k| !k.is_empty());
    let lang = if query(url, "lang").as_deref() == Some("en") { Lang::En } else { Lang::Zh };
    (name, kind, lang)
}

/// The template of the policy's subject kind `kind` (its only one when not given): CSV, or an
/// xlsx workbook (every kind, a sheet each, when no kind is given), units in the headers, as
/// `zhengce template` writes it.
fn template(path: &Path, kind: Option<&str>, xlsx: bool) -> Answer {
    let (_, schemas) = match crate::cli::schema::schemas(path, kind) {
        Ok(s) => s,
        Err(d) => {
            let first = d.sorted().into_iter().next();
            return match first {
                Some(d) => refused(400, &d),
                None => Answer::json(400, &json!({})),
            };
        }
    };
    let templates: Vec<_> = schemas.iter().map(|s| crate::data::template(s, &[])).collect();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("模板");
    let named = match schemas.as_slice() {
        [one] => format!("{stem}.{}", one.subject),
        _ => stem.to_string(),
    };
    if xlsx {
        return match crate::data::workbook(&templates) {
            Ok(bytes) => Answer {
                status: 200,
                kind: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                body: bytes,
                download: Some(format!("{named}.xlsx")),
            },
            Err(e) => Answer::json(
                500,
                &json!({"error": {"code": "ZC0901", "zh": format!("无法生成模板：{e}"), "en": format!("cannot make the template: {e}")}}),
            ),
        };
    }
    let [t] = templates.as_slice() else {
        return Answer::json(
            400,
            &json!({"error": {"code": "ZC0904", "zh": "政策有多类主体，请选择一类", "en": "the policy has several subject kinds: choose one"}}),
        );
    };
    Answer {
        status: 200,
        kind: "text/csv; charset=utf-8",
        body: t.to_csv().into_bytes(),
        download: Some(format!("{named}.csv")),
    }
}

/// The request's body as text, within the limit.
fn body(request: &mut Request) -> Result<String, Answer> {
    body_bytes(request).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The request's body, within the limit.
fn body_bytes(request: &mut Request) -> Result<Vec<u8>, Answer> {
    if let Some(len) = request.body_length().filter(|&n| n > BODY_LIMIT) {
        return Err(refused(413, &safety::too_large(len)));
    }
    let mut bytes = Vec::new();
    let limit = u64::try_from(BODY_LIMIT).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = request.as_reader().take(limit).read_to_end(&mut bytes) {
        return Err(Answer::json(
            400,
            &json!({"error": {"code": "", "zh": format!("读取请求失败：{e}"), "en": format!("cannot read the request: {e}")}}),
        ));
    }
    if bytes.len() > BODY_LIMIT {
        return Err(refused(413, &safety::too_large(bytes.len())));
    }
    Ok(bytes)
}

/// Every policy file of the folder (and its subfolders), with its document's facts.
fn list(dir: &Path) -> Answer {
    let mut files = Vec::new();
    collect(dir, dir, &mut files, 0);
    files.sort();
    let items: Vec<Value> = files
        .iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let mut item = facts(&SourceFile::new(rel, text));
            if let Some(o) = item.as_object_mut() {
                o.insert("path".into(), json!(rel));
            }
            item
        })
        .collect();
    Answer::json(200, &json!({ "policies": items }))
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>, depth: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && depth < 4 {
            collect(root, &p, out, depth + 1);
        } else if p.extension().is_some_and(|x| x == "zc")
            && let Ok(rel) = p.strip_prefix(root)
        {
            out.push((rel.to_string_lossy().replace('\\', "/"), p));
        }
    }
}

/// A policy's title, issuer, document number and validity, as its header states them.
fn facts(file: &Arc<SourceFile>) -> Value {
    let (policy, _) = crate::parser::parse(file);
    let Some(h) = policy.as_ref().and_then(|p| p.header.as_ref()) else {
        return json!({ "title": null });
    };
    let h = &h.node;
    let slice = |s: crate::source::Span| file.text.get(s.start..s.end).map(str::to_string);
    json!({
        "title": h.title.node,
        "issuer": h.issuer.as_ref().map(|n| &n.node),
        "docno": h.docno.as_ref().map(|n| &n.node),
        "valid": h.valid.as_ref().and_then(|n| slice(n.span)),
        "subjects": policy.as_ref().map(|p| p.subject_names()).unwrap_or_default(),
    })
}

/// One policy: its text, facts and diagnostics.
fn open(path: &Path) -> Answer {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let file = SourceFile::new(path.to_string_lossy().into_owned(), text.clone());
            Answer::json(
                200,
                &json!({ "text": text, "facts": facts(&file), "diagnostics": diagnostics(&file) }),
            )
        }
        Err(e) => Answer::json(
            404,
            &json!({"error": {"code": "ZC0901", "zh": format!("无法读取文件：{e}"), "en": format!("cannot read file: {e}")}}),
        ),
    }
}

/// The diagnostics of `check` on `text`, as if it were the file `path` (imports beside it).
fn check(path: &Path, text: &str) -> Value {
    let file = SourceFile::new(path.to_string_lossy().into_owned(), text);
    json!({ "diagnostics": diagnostics(&file), "facts": facts(&file) })
}

/// Parsing and checking's diagnostics of `file`, each with its code, severity, line and column
/// (1-based) and its text in both languages: the language server's conversion, so the same
/// codes, messages and spans as `check`.
fn diagnostics(file: &Arc<SourceFile>) -> Vec<Value> {
    let diags = crate::check::check_sources(std::slice::from_ref(file)).sorted();
    let lines = crate::lsp::position::Lines::new(&file.text);
    let Ok(uri) = lsp_types::Url::parse("file:///policy.zc") else { return Vec::new() };
    diags
        .iter()
        .map(|d| {
            let zh = crate::lsp::diagnostics::convert(d, file, &lines, &uri, Lang::Zh, None);
            let en = crate::lsp::diagnostics::convert(d, file, &lines, &uri, Lang::En, None);
            json!({
                "code": d.code.id(),
                "severity": format!("{:?}", d.severity).to_lowercase(),
                "line": zh.range.start.line + 1,
                "col": zh.range.start.character + 1,
                "end_line": zh.range.end.line + 1,
                "zh": zh.message,
                "en": en.message,
            })
        })
        .collect()
}

/// The formatted text (`fmt`), or the diagnostics that prevent formatting.
fn format(path: &Path, text: &str) -> Answer {
    let file = SourceFile::new(path.to_string_lossy().into_owned(), text);
    match crate::format::format(&file) {
        Ok(t) => Answer::json(200, &json!({ "text": t })),
        Err(_) => Answer::json(422, &json!({ "diagnostics": diagnostics(&file) })),
    }
}

/// Formats and saves the text, atomically, the previous version kept as `.bak`. A text that
/// does not parse is not saved.
fn save(path: &Path, text: &str) -> Answer {
    let file = SourceFile::new(path.to_string_lossy().into_owned(), text);
    let formatted = match crate::format::format(&file) {
        Ok(t) => t,
        Err(_) => return Answer::json(422, &json!({ "diagnostics": diagnostics(&file) })),
    };
    match safety::save_atomically(path, &formatted) {
        Ok(()) => Answer::json(200, &json!({ "text": formatted, "saved": true })),
        Err(e) => Answer::json(
            500,
            &json!({"error": {"code": "ZC0901", "zh": format!("无法写入文件：{e}"), "en": format!("cannot write file: {e}")}}),
        ),
    }
}

/// Runs the policy's test cases and snapshot, as `zhengce test` does (with `bless`, writes the
/// snapshot beside the policy, as `zhengce test --bless`): the tally, one line per case and
/// snapshot (a failure with the expected value beside the obtained one; paths within `dir`,
/// the folder served) and the diagnostics.
fn run_tests(dir: &Path, path: &Path, bless: bool, lang: Lang) -> Answer {
    let args = crate::cli::args::TestArgs {
        paths: vec![path.to_path_buf()],
        bless,
        coverage: false,
        min: None,
        against: None,
        tests: None,
    };
    let run = crate::cli::testing::run_files(&args, lang);
    let status = crate::cli::testing::status_of(run.tally, &run.diags);
    let diags: Vec<Value> = run
        .diags
        .sorted()
        .iter()
        .map(|d| {
            json!({
                "code": d.code.id(),
                "severity": format!("{:?}", d.severity).to_lowercase(),
                "zh": d.message.get(Lang::Zh),
                "en": d.message.get(Lang::En),
            })
        })
        .collect();
    Answer::json(
        200,
        &json!({
            "passed": run.tally.passed,
            "failed": run.tally.failed,
            "skipped": run.tally.skipped,
            "ok": status == crate::cli::Status::Ok,
            // Paths as the folder's list shows them.
            "lines": run
                .lines
                .replace(&format!("{}/", dir.display()), "")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>(),
            "diagnostics": diags,
            "blessed": bless,
        }),
    )
}
