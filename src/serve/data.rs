//! Data in, results out: a filled register uploaded from the page (CSV in UTF-8 or GBK, a
//! workbook, TOML or JSON, as `--data` reads them) evaluated as `zhengce eval` evaluates it, and
//! one amount explained as `zhengce explain` explains it. The upload is held in memory and
//! written, for the loader, to a hidden folder inside the folder served (never outside it),
//! removed as soon as the answer is made. A file whose cells are bad gets each bad cell named
//! with its row, column and message, and nothing is evaluated.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cli::args::{DiffArgs, ExplainArgs, ExplainFormat, SimFormat};
use crate::cli::{Settings, Status};
use crate::diagnostics::render::{Format, HumanStyle, render_plain};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Lang, Severity, Text};
use crate::engine::{Options, evaluate};
use crate::report::Report;

/// The folder, inside the one served, where an upload waits while it is read.
const UPLOADS: &str = ".zhengce-uploads";

/// The extensions an upload may have: what `--data` reads.
const READ: [&str; 5] = ["csv", "xlsx", "xlsm", "toml", "json"];

/// An upload from the page: the folder served, the policy, the file's name as the officer
/// chose it, the subject kind (when chosen), its bytes and the language of the answer.
pub struct Upload<'a> {
    pub dir: &'a Path,
    pub policy: &'a Path,
    pub name: &'a str,
    pub kind: Option<String>,
    pub bytes: &'a [u8],
    pub lang: Lang,
}

/// An upload written for the loader; removed when dropped (with the uploads' folder, when
/// `folder` and nothing else waits there).
struct Written {
    path: PathBuf,
    folder: bool,
}

impl Drop for Written {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        if self.folder
            && let Some(dir) = self.path.parent()
        {
            // Only when empty: another upload may be waiting there.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// What the page gets when an upload cannot be read: one message per problem, its place
/// (row and column, or the workbook's cell) in the file as the officer named it.
fn problems(diags: Diagnostics, upload: &Path, name: &str, lang: Lang) -> Vec<String> {
    let shown = upload.display().to_string();
    render_plain(&diags.sorted(), lang)
        .split("\n\n")
        .flat_map(|block| block.split_inclusive('\n').collect::<Vec<_>>())
        .fold(Vec::<String>::new(), |mut out, line| {
            let line = line.trim_end().replace(&shown, name);
            if line.is_empty() {
                return out;
            }
            // A block's help and notes go with its message.
            match out.last_mut() {
                Some(last) if line.starts_with(' ') => {
                    last.push('\n');
                    last.push_str(&line);
                }
                _ => out.push(line),
            }
            out
        })
}

/// Writes `bytes` (the file the officer named `name`) for the loader, inside `dir`.
fn write_upload(dir: &Path, name: &str, bytes: &[u8]) -> Result<Written, String> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| READ.contains(&e.as_str()))
        .ok_or_else(|| format!("`{name}`"))?;
    let folder = dir.join(UPLOADS);
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = folder.join(format!("upload-{}-{nanos}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    Ok(Written { path, folder: true })
}

/// The refusal of a file of another kind (`ZC0933`).
fn not_data(name: &str) -> Value {
    let d = Diagnostic::new(
        Code::ServeNotData,
        Text::new(
            format!("`{name}` 不是可以读入的数据文件"),
            format!("`{name}` is not a data file zhengce reads"),
        ),
    )
    .help(Text::new(
        "上传 CSV（UTF-8 或 GBK）、xlsx、TOML 或 JSON 文件；可先下载模板填写",
        "upload a CSV (UTF-8 or GBK), xlsx, TOML or JSON file; the template is a good start",
    ));
    json!({ "error": {
        "code": d.code.id(),
        "zh": d.message.get(Lang::Zh),
        "en": d.message.get(Lang::En),
        "help_zh": d.help.as_ref().map(|h| h.get(Lang::Zh)),
        "help_en": d.help.as_ref().map(|h| h.get(Lang::En)),
    }})
}

/// Evaluates the upload under its policy: the JSON report of `zhengce eval --format json` and
/// its warnings, or the upload's problems.
pub fn evaluate_upload(u: &Upload<'_>) -> Value {
    let (name, lang, policy_path) = (u.name, u.lang, u.policy);
    let Ok(upload) = write_upload(u.dir, name, u.bytes) else { return not_data(name) };
    let text = std::fs::read_to_string(policy_path).unwrap_or_default();
    let source = crate::source::SourceFile::new(policy_path.display().to_string(), text);
    let (policy, d) = crate::parser::parse(&source);
    let Some(policy) = policy.filter(|_| !d.has_errors()) else {
        return json!({ "problems": problems(d, &upload.path, name, lang) });
    };
    let (checked, d) = crate::checker::check(&policy);
    if d.has_errors() {
        return json!({ "problems": problems(d, &upload.path, name, lang) });
    }
    let opts = Options { kind: u.kind.clone(), ..Options::default() };
    match evaluate(&policy, &checked, &upload.path, &opts, false, None) {
        Err(d) => json!({ "problems": problems(d, &upload.path, name, lang) }),
        Ok((outcomes, stacks, _, d)) => {
            let report =
                Report { policy: &policy, checked: &checked, outcomes: &outcomes, stacks: &stacks };
            let warnings: Diagnostics = d
                .sorted()
                .into_iter()
                .filter(|x| x.severity != Severity::Error)
                .collect::<Vec<_>>()
                .into();
            let mut table = results_table(&report);
            if let Some(o) = table.as_object_mut() {
                o.insert("warnings".into(), json!(problems(warnings, &upload.path, name, lang)));
            }
            table
        }
    }
}

/// Explains rule `rule` of subject `subject` on the upload, as `zhengce explain` does: the
/// derivation with its clauses, or the problems.
pub fn explain_upload(u: &Upload<'_>, subject: &str, rule: &str) -> Value {
    let (name, lang) = (u.name, u.lang);
    let Ok(upload) = write_upload(u.dir, name, u.bytes) else { return not_data(name) };
    let args = ExplainArgs {
        policy: u.policy.to_path_buf(),
        data: Some(upload.path.clone()),
        subject: Some(subject.to_string()),
        name: rule.to_string(),
        kind: u.kind.clone(),
        year: None,
        params: Vec::new(),
        format: ExplainFormat::Text,
    };
    let settings =
        Settings { lang, format: Format::Plain, style: HumanStyle::default(), progress: false };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = crate::cli::explain::run(&args, &settings, &mut out, &mut err);
    let shown = upload.path.display().to_string();
    json!({
        "ok": status == Status::Ok,
        "text": String::from_utf8_lossy(&out).replace(&shown, name),
        "problems": String::from_utf8_lossy(&err).replace(&shown, name),
    })
}

/// A report of the upload to download: the xlsx workbook of `eval --format xlsx`, or the
/// Markdown 计算依据 of `eval --format basis`, and the name to save it under; else the
/// problems, as [`evaluate_upload`] gives them.
pub fn report_upload(u: &Upload<'_>, xlsx: bool) -> Result<(Vec<u8>, String), Value> {
    let (name, lang) = (u.name, u.lang);
    let Ok(upload) = write_upload(u.dir, name, u.bytes) else { return Err(not_data(name)) };
    let text = std::fs::read_to_string(u.policy).unwrap_or_default();
    let source = crate::source::SourceFile::new(u.policy.display().to_string(), text);
    let (policy, d) = crate::parser::parse(&source);
    let Some(policy) = policy.filter(|_| !d.has_errors()) else {
        return Err(json!({ "problems": problems(d, &upload.path, name, lang) }));
    };
    let (checked, d) = crate::checker::check(&policy);
    if d.has_errors() {
        return Err(json!({ "problems": problems(d, &upload.path, name, lang) }));
    }
    let opts = Options { kind: u.kind.clone(), ..Options::default() };
    let (outcomes, stacks, rows, _) = evaluate(&policy, &checked, &upload.path, &opts, true, None)
        .map_err(|d| json!({ "problems": problems(d, &upload.path, name, lang) }))?;
    let report =
        Report { policy: &policy, checked: &checked, outcomes: &outcomes, stacks: &stacks };
    let stem = Path::new(name).file_stem().and_then(|s| s.to_str()).unwrap_or("结果");
    if xlsx {
        let bytes = crate::report::xlsx(&report, &rows, lang).map_err(|e| {
            let d = crate::cli::eval::xlsx_failure(&e, &upload.path, None);
            json!({ "problems": problems(vec![d].into(), &upload.path, name, lang) })
        })?;
        return Ok((bytes, format!("{stem}.结果.xlsx")));
    }
    let md = crate::report::basis::markdown(&report, &rows, lang);
    Ok((md.into_bytes(), format!("{stem}.计算依据.md")))
}

/// A version's name in what the page shows, for the edited text.
fn edited_name(lang: Lang) -> &'static str {
    if lang == Lang::Zh { "（编辑中的版本）" } else { "(the edited version)" }
}

/// Compares the policy on disk with `edited`, its text in the editor, over the upload, as
/// `zhengce diff` compares two versions: the diff's JSON and text, and the chart of each
/// award's total before and after; with `explain`, that subject's working in both versions
/// side by side instead (`diff --explain`). The edited text is written beside the policy (a
/// hidden file, so that its imports are found as the policy's are), removed once read.
pub fn compare_upload(u: &Upload<'_>, edited: &str, explain: Option<String>) -> Value {
    let (name, lang) = (u.name, u.lang);
    let Ok(upload) = write_upload(u.dir, name, u.bytes) else { return not_data(name) };
    let stem = u.policy.file_stem().and_then(|s| s.to_str()).unwrap_or("policy");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let new_path =
        u.policy.with_file_name(format!(".{stem}.edited-{}-{nanos}.zc", std::process::id()));
    if std::fs::write(&new_path, edited).is_err() {
        return json!({ "problems": [edited_name(lang)] });
    }
    let new = Written { path: new_path, folder: false };
    let settings =
        Settings { lang, format: Format::Plain, style: HumanStyle::default(), progress: false };
    let run = |format: SimFormat, explain: Option<String>| {
        let args = DiffArgs {
            old: u.policy.to_path_buf(),
            new: new.path.clone(),
            data: upload.path.clone(),
            kind: u.kind.clone(),
            year: None,
            params: Vec::new(),
            format,
            out: None,
            explain,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = crate::cli::diff::run(&args, &settings, &mut out, &mut err);
        let shown = |b: Vec<u8>| {
            String::from_utf8_lossy(&b)
                .replace(&upload.path.display().to_string(), name)
                .replace(&new.path.display().to_string(), edited_name(lang))
                .replace(&format!("{}/", u.dir.display()), "")
        };
        (status, shown(out), shown(err))
    };
    // One subject's change, its working in both versions side by side (`diff --explain`).
    if let Some(id) = explain {
        let (status, text, problems) = run(SimFormat::Text, Some(id));
        return if status == Status::Ok {
            json!({ "explained": text })
        } else {
            json!({ "problems": [problems] })
        };
    }
    let (status, json_text, problems) = run(SimFormat::Json, None);
    if status != Status::Ok {
        return json!({ "problems": [problems] });
    }
    let (_, text, _) = run(SimFormat::Text, None);
    let diff: Value = serde_json::from_str(&json_text).unwrap_or(Value::Null);
    let number = |v: Option<&Value>| {
        v.and_then(Value::as_str).and_then(|t| t.parse::<rust_decimal::Decimal>().ok())
    };
    let pairs: Vec<super::chart::Pair> = diff
        .get("awards")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| {
            Some(super::chart::Pair {
                name: a.get("award")?.as_str()?.to_string(),
                before: number(a.get("before"))?,
                after: number(a.get("after"))?,
            })
        })
        .collect();
    let count = |k: &str, inner: Option<&str>| {
        let v = diff.get(k);
        let v = match inner {
            Some(i) => v.and_then(|v| v.get(i)),
            None => v,
        };
        v.and_then(Value::as_u64).unwrap_or(0)
    };
    let moved = super::chart::winners_and_losers(
        count("winners", Some("count")),
        count("unchanged_subjects", None),
        count("losers", Some("count")),
        lang,
    );
    json!({
        "diff": diff,
        "text": text,
        "svg": format!("{}{moved}", super::chart::before_after(&pairs, lang)),
        "warnings": problems,
    })
}

/// The results as the page's table shows them: each award of money (a column), each subject's
/// amounts (a row, values as the JSON report writes them: `{ "number", "unit" }`, `null` when
/// missing) and each award's total as paid (the lower side of `就高不重复` counts 0, a pooled
/// award after the cut), as `eval --format json` gives its `totals`. Only what the table shows:
/// the report of a large register in full is the `eval` command's.
fn results_table(r: &Report<'_, '_>) -> Value {
    let scope = &r.checked.scope;
    let awards: Vec<crate::checker::scope::DefId> = r
        .outcomes
        .first()
        .map(|o| o.rules.iter().map(|x| x.def).filter(|d| r.money_award(*d)).collect())
        .unwrap_or_default();
    let rows: Vec<Value> = r
        .outcomes
        .iter()
        .map(|o| {
            let values: Vec<Value> = awards
                .iter()
                .map(|d| {
                    o.rules
                        .iter()
                        .find(|x| x.def == *d)
                        .map_or(Value::Null, |x| crate::report::show::json(&x.value, scope))
                })
                .collect();
            json!({ "id": o.key, "values": values })
        })
        .collect();
    let totals: Vec<Value> = r
        .totals()
        .iter()
        .map(|t| {
            json!({
                "award": r.name(t.def),
                "total": crate::report::show::json(&crate::eval::value::V::money(t.amount), scope),
                "recipients": t.recipients,
            })
        })
        .collect();
    let names: Vec<&str> = awards.iter().map(|d| r.name(*d)).collect();
    json!({ "awards": names, "rows": rows, "totals": totals })
}
