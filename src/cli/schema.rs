//! `zhengce schema POLICY` and `zhengce template POLICY`: what data a policy expects.

use std::io::Write;

use serde_json::json;

use super::args::{SchemaArgs, SchemaFormat, TemplateArgs, TemplateFormat};
use super::{Settings, Status, emit, eval, files, output};
use crate::ast::Policy;
use crate::data::{FieldKind, FieldSpec, Schema, template, workbook};
use crate::diagnostics::render::render;
use crate::diagnostics::{Diagnostics, Lang, Text};

/// Parses a policy and builds the schema of each of its subject kinds (or of `kind`).
pub fn schemas(
    path: &std::path::Path,
    kind: Option<&str>,
) -> Result<(Policy, Vec<Schema>), Diagnostics> {
    let loaded = files::load(&[path.to_path_buf()]);
    if !loaded.diagnostics.is_empty() {
        return Err(loaded.diagnostics);
    }
    let Some(source) = loaded.sources.first() else { return Err(Diagnostics::new()) };
    let (policy, diags) = crate::parser::parse(source);
    let Some(policy) = policy.filter(|_| !diags.has_errors()) else { return Err(diags) };
    let kinds: Vec<String> = policy
        .subject_names()
        .into_iter()
        .filter(|k| kind.is_none_or(|want| want == *k))
        .map(str::to_string)
        .collect();
    if kinds.is_empty() {
        let name = kind.unwrap_or("");
        return Err(eval::usage(
            &source.name,
            Text::new(
                format!("政策中没有主体 `{name}`"),
                format!("the policy declares no subject `{name}`"),
            ),
            Text::new(
                "用 `主体 名称 { … }` 声明主体",
                "declare subjects with `subject NAME { … }`",
            ),
        ));
    }
    let mut out = Vec::new();
    for k in kinds {
        out.push(Schema::from_policy(&policy, &k)?);
    }
    Ok((policy, out))
}

fn type_text(f: &FieldSpec, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match &f.kind {
        FieldKind::Number { unit, share: true } => {
            format!("{} ({})", if zh { "占比" } else { "share" }, unit.display(lang))
        }
        FieldKind::Number { unit, .. } => unit.display(lang),
        FieldKind::Bool => (if zh { "是否" } else { "bool" }).into(),
        FieldKind::Text => (if zh { "文本" } else { "text" }).into(),
        FieldKind::Date => (if zh { "日期" } else { "date" }).into(),
        FieldKind::Year => (if zh { "年份" } else { "year" }).into(),
        FieldKind::Enum { name, values } => format!("{name}: {}", values.join(" | ")),
    }
}

/// Runs `schema`.
pub fn run_schema(
    args: &SchemaArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let (policy, schemas) = match schemas(&args.policy, args.kind.as_deref()) {
        Ok(s) => s,
        Err(d) => {
            emit(err, &render(&d.sorted(), settings.lang, settings.format, &settings.style));
            return Status::Errors;
        }
    };
    let lang = settings.lang;
    let zh = lang == Lang::Zh;
    let body = match args.format {
        SchemaFormat::Text => {
            let mut s = String::new();
            for sc in &schemas {
                s.push_str(&format!("{} {}", if zh { "主体" } else { "subject" }, sc.subject));
                if let Some((owner, link)) = &sc.owner {
                    let (belongs, by) = if zh { ("属于", "按") } else { ("belongs to", "by") };
                    s.push_str(&format!(" {belongs} {owner} {by} {link}"));
                }
                s.push('\n');
                for (i, f) in sc.fields.iter().enumerate() {
                    let mut notes = Vec::new();
                    if sc.key == Some(i) {
                        notes.push(if zh { "标识" } else { "key" }.to_string());
                    }
                    if f.by_year {
                        notes.push(if zh { "按年" } else { "by year" }.to_string());
                    }
                    if f.optional {
                        notes.push(if zh { "可选" } else { "optional" }.to_string());
                    }
                    if let (Some(lo), Some(hi)) = (&f.min, &f.max) {
                        notes.push(format!(
                            "{} {} – {}",
                            if zh { "范围" } else { "range" },
                            lo.written,
                            hi.written
                        ));
                    }
                    let notes = if notes.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", notes.join(", "))
                    };
                    s.push_str(&format!("  {}: {}{notes}\n", f.name, type_text(f, lang)));
                }
                // An owner kind: where its members' data may be (docs/language.md §6).
                for m in members_of(&policy, &sc.subject) {
                    let key = m.key_field().map_or("", |f| f.name.as_str());
                    let kind = &m.subject;
                    s.push_str(&if zh {
                        format!(
                            "  成员 {kind}：旁边的 `名称.{kind}.csv`；或在 TOML、JSON 中写在每个主体之下（`[[subjects.\"{kind}\"]]`）；或一张长表，每行一个{kind}，加上 `{key}` 等列\n"
                        )
                    } else {
                        format!(
                            "  members {kind}: `NAME.{kind}.csv` beside the data; or nested under each subject in TOML or JSON (`[[subjects.\"{kind}\"]]`); or one long table, a {kind} a row, with `{key}` and its other columns\n"
                        )
                    });
                }
                if !sc.params.is_empty() {
                    s.push_str(&format!("  {}\n", if zh { "参数" } else { "parameters" }));
                    for p in &sc.params {
                        let by_year = if p.by_year {
                            if zh { "  [按年]" } else { "  [by year]" }
                        } else {
                            ""
                        };
                        s.push_str(&format!("    {}: {}{by_year}\n", p.name, type_text(p, lang)));
                    }
                }
            }
            s
        }
        SchemaFormat::Json => {
            let field = |f: &FieldSpec, key: bool| {
                let (ty, unit, values) = match &f.kind {
                    FieldKind::Number { unit, share } => (
                        if *share { "share" } else { "number" },
                        Some(unit.display(Lang::Zh)),
                        None,
                    ),
                    FieldKind::Bool => ("bool", None, None),
                    FieldKind::Text => ("text", None, None),
                    FieldKind::Date => ("date", None, None),
                    FieldKind::Year => ("year", None, None),
                    FieldKind::Enum { values, .. } => ("enum", None, Some(values.clone())),
                };
                json!({ "name": f.name, "type": ty, "unit": unit, "values": values, "by_year": f.by_year, "optional": f.optional, "key": key })
            };
            let doc: Vec<_> = schemas
                .iter()
                .map(|sc| {
                    let fields: Vec<_> = sc
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| field(f, sc.key == Some(i)))
                        .collect();
                    let params: Vec<_> = sc.params.iter().map(|p| field(p, false)).collect();
                    let mut one =
                        json!({ "subject": sc.subject, "fields": fields, "params": params });
                    // A member kind names its owner and the linking field (absent otherwise).
                    if let (Some((o, l)), Some(map)) = (&sc.owner, one.as_object_mut()) {
                        map.insert("owner".into(), json!({ "subject": o, "by": l }));
                    }
                    // An owner kind names its member kinds (absent otherwise): their data is
                    // beside, nested under each subject, or one long table with it.
                    let members: Vec<_> = members_of(&policy, &sc.subject)
                        .iter()
                        .map(|m| json!({ "subject": m.subject, "forms": ["beside", "nested", "long_table"] }))
                        .collect();
                    if let (false, Some(map)) = (members.is_empty(), one.as_object_mut()) {
                        map.insert("members".into(), json!(members));
                    }
                    one
                })
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default())
        }
    };
    emit(out, &body);
    Status::Ok
}

/// The schemas of the member kinds of the kind `owner` (`主体 合同 属于 企业`), in declaration
/// order.
fn members_of(policy: &Policy, owner: &str) -> Vec<Schema> {
    policy
        .subject_names()
        .into_iter()
        .filter_map(|k| Schema::from_policy(policy, k).ok())
        .filter(|s| s.owner.as_ref().is_some_and(|(o, _)| o == owner))
        .collect()
}

/// The TOML template of an owner kind: its subject, and under it one example member of each
/// member kind (`[[subjects."合同"]]`), the linking field left out (the owner's id fills it in).
fn nested_toml(policy: &Policy, owner: &str, t: &crate::data::Template, years: &[u16]) -> String {
    let mut out = t.to_toml();
    for m in members_of(policy, owner) {
        let link = m.owner.as_ref().map_or("", |(_, l)| l.as_str());
        let member = template(&m, years).to_toml();
        out.push('\n');
        out.push_str(&format!("[[subjects.{}]]", crate::data::toml_string(&m.subject)));
        for line in member.lines().skip(1) {
            // The linking field is the owner's id: not written under it.
            if line.starts_with(&format!("{} =", crate::data::toml_string(link))) {
                continue;
            }
            out.push('\n');
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Runs `template`.
pub fn run_template(
    args: &TemplateArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let fail = |d: Diagnostics, err: &mut dyn Write| {
        emit(err, &render(&d.sorted(), settings.lang, settings.format, &settings.style));
        Status::Errors
    };
    let (policy, schemas) = match schemas(&args.policy, args.kind.as_deref()) {
        Ok(s) => s,
        Err(d) => return fail(d, err),
    };
    // A workbook holds every kind, a sheet each; the other formats one kind.
    if args.format == TemplateFormat::Xlsx && schemas.len() > 1 {
        let templates: Vec<_> = schemas.iter().map(|s| template(s, &args.years)).collect();
        return write_template(args, settings, workbook(&templates), out, err);
    }
    let [schema] = schemas.as_slice() else {
        let kinds: Vec<&str> = schemas.iter().map(|s| s.subject.as_str()).collect();
        let d = eval::usage(
            &args.policy.display().to_string(),
            Text::new(
                format!("政策有多类主体（{}），请用 `--kind` 选择一类", kinds.join("、")),
                format!(
                    "the policy has several subject kinds ({}): choose one with `--kind`",
                    kinds.join(", ")
                ),
            ),
            Text::new("例如 `--kind 企业`", "e.g. `--kind 企业`"),
        );
        return fail(d, err);
    };
    let t = template(schema, &args.years);
    let body = match args.format {
        TemplateFormat::Csv => Ok(t.to_csv().into_bytes()),
        TemplateFormat::Toml => {
            Ok(nested_toml(&policy, &schema.subject, &t, &args.years).into_bytes())
        }
        TemplateFormat::Xlsx => t.to_xlsx(),
    };
    let status = write_template(args, settings, body, out, err);
    if status != Status::Ok || args.format != TemplateFormat::Csv {
        return status;
    }
    // A CSV file holds one kind: each member kind's template goes beside it, named as `eval`
    // looks for it (`NAME.合同.csv` beside `NAME.企业.csv`), its link filled with the owner's
    // example id.
    if let Some(path) = &args.out {
        for m in members_of(&policy, &schema.subject) {
            let beside = crate::engine::members::members_path(path, &schema.subject, &m.subject);
            let text = template(&m, &args.years).to_csv();
            if let Err(d) =
                output::write_out(&beside, text.as_bytes(), std::slice::from_ref(&args.policy))
            {
                emit(err, &render(&[*d], settings.lang, settings.format, &settings.style));
                return Status::Usage;
            }
        }
    }
    if t.params.is_empty() {
        return status;
    }
    // A CSV file has no room for the parameters: they go beside it, values to fill in, as a
    // workbook's `参数` sheet has them.
    let Some(path) = &args.out else { return status };
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { return status };
    let beside = path.with_file_name(crate::engine::load::params_file_name(stem));
    let mut text = String::from("参数,值\n");
    for p in &t.params {
        text.push_str(&crate::data::csv_cell(&p.header));
        text.push_str(",\n");
    }
    if let Err(d) = output::write_out(&beside, text.as_bytes(), std::slice::from_ref(&args.policy))
    {
        emit(err, &render(&[*d], settings.lang, settings.format, &settings.style));
        return Status::Usage;
    }
    let names: Vec<String> = t.params.iter().map(|p| p.header.clone()).collect();
    let note = super::generate::written_beside(&beside, path, &names, false);
    emit(err, &render(&note.sorted(), settings.lang, settings.format, &settings.style));
    status
}

/// Writes a template to `--out` (required for a workbook) or standard output.
fn write_template(
    args: &TemplateArgs,
    settings: &Settings,
    body: Result<Vec<u8>, rust_xlsxwriter::XlsxError>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let usage = |d: Diagnostics, err: &mut dyn Write| {
        emit(err, &render(&d.sorted(), settings.lang, settings.format, &settings.style));
        Status::Usage
    };
    if args.format == TemplateFormat::Xlsx && args.out.is_none() {
        let d = eval::bad_options(
            "--out",
            Text::new(
                "xlsx 模板需要用 `--out 文件.xlsx` 指定输出文件",
                "an xlsx template needs `--out FILE.xlsx`",
            ),
            Text::new("例如 `--out 企业数据.xlsx`", "e.g. `--out data.xlsx`"),
        );
        return usage(d, err);
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            let d = output::cannot_write(args.out.as_deref(), &e.to_string());
            return usage(vec![d].into(), err);
        }
    };
    match &args.out {
        // Written like a report: atomically, and never over the policy it describes.
        Some(path) => {
            if let Err(d) = output::write_out(path, &body, std::slice::from_ref(&args.policy)) {
                return usage(vec![*d].into(), err);
            }
        }
        None => emit(out, &String::from_utf8_lossy(&body)),
    }
    Status::Ok
}
