//! `zhengce gen POLICY --rows N --out FILE`: a synthetic register for one subject kind of a
//! policy, deterministic for a seed (see [`crate::synth`]).
//!
//! A CSV register is streamed to its file (or to standard output), and a Parquet register
//! (`--out X.parquet`, [`crate::synth::parquet`]) a batch of rows at a time, so their size is not limited
//! by memory; an xlsx register holds at most Excel's 1,048,576 rows, header included, and its
//! parameters on a sheet `参数`. A register for a policy whose stacking rules import another
//! policy also carries the imported policy's columns for the same kind.

use std::io::Write;
use std::path::Path;

use super::args::GenArgs;
use super::output::{AtomicFile, cannot_write, write_out};
use super::{Settings, Status, emit, eval, schema, stack};
use crate::data::Schema;
use crate::data::csv_cell;
use crate::diagnostics::render::render;
use crate::diagnostics::{Diagnostics, Text};
use crate::synth::{Cell, Plan, XLSX_MAX_ROWS};

/// Runs `gen`.
pub fn run(
    args: &GenArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let fail = |d: Diagnostics, status: Status, err: &mut dyn Write| {
        emit(err, &render(&d.sorted(), settings.lang, settings.format, &settings.style));
        status
    };
    let xlsx = args
        .out
        .as_deref()
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx && args.rows >= XLSX_MAX_ROWS {
        let d = eval::bad_options(
            "--rows",
            Text::new(
                format!(
                    "xlsx 工作表最多 {XLSX_MAX_ROWS} 行（含表头），容不下 {} 个主体",
                    args.rows
                ),
                format!(
                    "an xlsx sheet holds at most {XLSX_MAX_ROWS} rows, header included, not {} subjects",
                    args.rows
                ),
            ),
            Text::new("更大的登记簿请写成 `.csv`", "write a larger register as `.csv`"),
        );
        return fail(d, Status::Usage, err);
    }
    let (policy, schemas) = match schema::schemas(&args.policy, args.kind.as_deref()) {
        Ok(s) => s,
        Err(d) => return fail(d, Status::Usage, err),
    };
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
        return fail(d, Status::Usage, err);
    };
    let schema = with_imported(&policy, schema);
    let years = if args.years.is_empty() {
        crate::engine::validity::years_in_force(&policy).unwrap_or_else(|| vec![2022, 2023, 2024])
    } else {
        args.years.clone()
    };
    let plan = Plan::new(&schema, &years, args.seed)
        .avoid_zero_divisors(&policy.file.text)
        .named_texts(&policy.file.text)
        .rows(args.rows);
    if let Some(max) = plan.max_rows()
        && args.rows > max
    {
        let key = schema.key.and_then(|k| schema.fields.get(k)).map_or("", |f| f.name.as_str());
        let d = eval::bad_options(
            "--rows",
            Text::new(
                format!(
                    "标识字段 `{key}` 只有 {max} 个取值，登记簿最多 {max} 行，不能生成 {} 行",
                    args.rows
                ),
                format!(
                    "the key field `{key}` has {max} values: the register holds at most {max} rows, not {}",
                    args.rows
                ),
            ),
            Text::new(format!("用 `--rows {max}` 或更少"), format!("use `--rows {max}` or fewer")),
        );
        return fail(d, Status::Usage, err);
    }
    let inputs = std::slice::from_ref(&args.policy);
    // The member kinds of the kind: written beside a CSV register, grouped by owner.
    let members = match member_plans(&policy, &schema, &years, args) {
        Ok(m) => m,
        Err(d) => return fail(d, Status::Usage, err),
    };
    if !members.is_empty() {
        return match &args.out {
            Some(path) => match write_with_members(&plan, &members, args, path, inputs) {
                Ok(()) => Status::Ok,
                Err(d) => fail(vec![*d].into(), Status::Usage, err),
            },
            // `member_plans` refuses a kind with members without a CSV `--out`.
            None => Status::Usage,
        };
    }
    let written = match (&args.out, xlsx) {
        (Some(path), true) => xlsx_book(&plan, args.rows)
            .map_err(|e| Box::new(cannot_write(Some(path), &e)))
            .and_then(|bytes| write_out(path, &bytes, inputs)),
        (Some(path), false) => AtomicFile::create(path, inputs)
            .and_then(|mut file| {
                let written = if is_parquet(path) {
                    crate::synth::parquet::write(&plan, args.rows, &mut file)
                } else {
                    write_csv(&plan, args.rows, &mut file).map_err(|e| e.to_string())
                };
                written.map_err(|e| Box::new(cannot_write(Some(path), &e)))?;
                file.commit()
            })
            .and_then(|()| params_beside(&plan, path, inputs))
            .map(|note| {
                if let Some(note) = note {
                    emit(
                        err,
                        &render(&note.sorted(), settings.lang, settings.format, &settings.style),
                    );
                }
            }),
        (None, _) => {
            let mut buffered = std::io::BufWriter::new(out);
            let _ = write_csv(&plan, args.rows, &mut buffered).and_then(|()| buffered.flush());
            Ok(())
        }
    };
    match written {
        Ok(()) => Status::Ok,
        Err(d) => fail(vec![*d].into(), Status::Usage, err),
    }
}

/// Whether `path` names a Parquet file.
fn is_parquet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// The schema with the fields of the policies its stacking rules import for the same kind
/// appended (a register kept for several policies carries all their columns).
fn with_imported(policy: &crate::ast::Policy, schema: &Schema) -> Schema {
    let mut out = schema.clone();
    let Ok(imported) = stack::imports(policy, &schema.subject) else { return out };
    for imp in imported {
        let Ok(other) = Schema::from_policy(&imp.policy, &schema.subject) else { continue };
        for f in other.fields {
            if !out.fields.iter().any(|x| x.name == f.name) {
                out.fields.push(f);
            }
        }
        for p in other.params {
            if !out.params.iter().any(|x| x.name == p.name) {
                out.params.push(p);
            }
        }
    }
    out
}

/// Writes the header and `rows` rows as CSV.
fn write_csv(plan: &Plan, rows: u64, out: &mut dyn Write) -> std::io::Result<()> {
    let line = |cells: Vec<String>| {
        let mut l = cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
        l.push('\n');
        l
    };
    out.write_all(line(plan.headers().into_iter().map(str::to_string).collect()).as_bytes())?;
    for n in 0..rows {
        let cells = plan.row(n).iter().map(Cell::csv_text).collect();
        out.write_all(line(cells).as_bytes())?;
    }
    Ok(())
}

/// The parameters of a CSV register, written beside it as the file `eval`, `simulate` and
/// `diff` read with it (`登记簿.参数.csv` for `登记簿.csv`: a header `参数,值`, then each
/// parameter's name with its unit, and a generated value), and the note `ZC0914` saying so.
/// For a policy without parameters, nothing; a parameters file beside a register of that name
/// belonged to the register `gen` replaces, and is removed (else `eval` would read another
/// policy's parameters with the new register).
fn params_beside(
    plan: &Plan,
    register: &Path,
    inputs: &[std::path::PathBuf],
) -> Result<Option<Diagnostics>, Box<crate::diagnostics::Diagnostic>> {
    let params = plan.params();
    let Some(stem) = register.file_stem().and_then(|s| s.to_str()) else { return Ok(None) };
    let path = register.with_file_name(crate::engine::load::params_file_name(stem));
    if params.is_empty() {
        if path.is_file() {
            std::fs::remove_file(&path)
                .map_err(|e| Box::new(super::output::cannot_write(Some(&path), &e.to_string())))?;
        }
        return Ok(None);
    }
    let mut text = String::from("参数,值\n");
    for (name, value) in &params {
        text.push_str(&format!("{},{}\n", csv_cell(name), csv_cell(&value.csv_text())));
    }
    write_out(&path, text.as_bytes(), inputs)?;
    let names: Vec<String> = params.iter().map(|(n, _)| n.clone()).collect();
    Ok(Some(written_beside(&path, register, &names, true)))
}

/// `ZC0914`, a note that the parameters of the CSV file `register` (a register `gen` wrote, or a
/// template) are written beside it in `path`: their names, and whether they hold generated
/// values or are left for the officer to fill in.
pub(super) fn written_beside(
    path: &Path,
    register: &Path,
    names: &[String],
    generated: bool,
) -> Diagnostics {
    let (p, r) = (path.display().to_string(), register.display().to_string());
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let (what_zh, what_en) = if generated {
        ("生成的取值", "generated values")
    } else {
        ("值待填写", "values to fill in")
    };
    let (help_zh, help_en) = if generated {
        (
            format!("按本县实际改 `{p}` 中的值，或用 `--param` 临时改写"),
            format!(
                "change the values in `{p}` to the county's own, or override one with `--param`"
            ),
        )
    } else {
        (
            format!(
                "在 `{p}` 的 `值` 一列填写各参数：按名称后括号里的单位写数字（`高新奖励(万元)` 填 `5` 即 5万元）"
            ),
            format!(
                "fill in each parameter in the `值` column of `{p}`: a number in the unit in brackets after its name (`5` for `高新奖励(万元)` is 5万元)"
            ),
        )
    };
    let mut note = eval::usage(
        &p,
        Text::new(
            format!(
                "`{r}` 的参数写在旁边的 `{p}`（{}，{what_zh}）：`eval`、`simulate`、`diff` 读 `{r}` 时一并读取",
                names.join("、")
            ),
            format!(
                "the parameters of `{r}` are written beside it in `{p}` ({}, {what_en}): `eval`, `simulate` and `diff` read them with `{r}`",
                names.join(", ")
            ),
        ),
        Text::new(help_zh, help_en),
    )
    .sorted();
    for d in &mut note {
        d.code = crate::diagnostics::Code::ParamsBeside;
        d.severity = crate::diagnostics::Code::ParamsBeside.severity();
    }
    note.into()
}

/// The register as an xlsx workbook: the subjects on the first sheet, parameters on `参数`.
fn xlsx_book(plan: &Plan, rows: u64) -> Result<Vec<u8>, String> {
    use rust_decimal::prelude::ToPrimitive;
    let mut book = rust_xlsxwriter::Workbook::new();
    // A fixed creation date, so that the same seed gives the same bytes.
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1980, 1, 1).map_err(|e| e.to_string())?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&date));
    let write = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, cell: &Cell| {
        match cell {
            Cell::Empty => Ok(sheet),
            Cell::Number(n) => sheet.write_number(row, col, n.to_f64().unwrap_or(0.0)),
            other => sheet.write_string(row, col, other.csv_text()),
        }
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    {
        let sheet = book.add_worksheet_with_constant_memory().map_err(|e| e.to_string())?;
        sheet.set_name("登记簿").map_err(|e| e.to_string())?;
        for (col, h) in plan.headers().iter().enumerate() {
            let col = u16::try_from(col).map_err(|e| e.to_string())?;
            sheet.write_string(0, col, *h).map_err(|e| e.to_string())?;
        }
        for n in 0..rows {
            let row = u32::try_from(n.saturating_add(1)).map_err(|e| e.to_string())?;
            for (col, cell) in plan.row(n).iter().enumerate() {
                let col = u16::try_from(col).map_err(|e| e.to_string())?;
                write(sheet, row, col, cell)?;
            }
        }
    }
    let params = plan.params();
    if !params.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("参数").map_err(|e| e.to_string())?;
        sheet.write_string(0, 0, "参数").map_err(|e| e.to_string())?;
        sheet.write_string(0, 1, "值").map_err(|e| e.to_string())?;
        for (i, (name, value)) in params.iter().enumerate() {
            let row = u32::try_from(i.saturating_add(1)).map_err(|e| e.to_string())?;
            sheet.write_string(row, 0, name).map_err(|e| e.to_string())?;
            write(sheet, row, 1, value)?;
        }
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// A member kind's generator: its plan, the column of its link to the owner, and its name.
struct MemberPlan {
    name: String,
    plan: Plan,
    link: usize,
}

/// The generators of the member kinds of `schema`'s kind; for such a kind the register must be
/// a CSV file (`--out NAME.企业.csv`), beside which the members are written.
fn member_plans(
    policy: &crate::ast::Policy,
    schema: &Schema,
    years: &[u16],
    args: &GenArgs,
) -> Result<Vec<MemberPlan>, Diagnostics> {
    let (checked, _) = crate::checker::check(policy);
    let scope = &checked.scope;
    let Some(&owner) = scope.subject_names.get(&schema.subject) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (i, kind) in scope.member_kinds(owner).into_iter().enumerate() {
        let Some(info) = scope.subjects.get(kind) else { continue };
        let name = info.decl.name.node.clone();
        let Some((_, link)) = &info.decl.owner else { continue };
        let member = Schema::from_policy(policy, &name)?;
        let seed = args.seed.wrapping_add(0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(i as u64 + 1));
        let plan = Plan::new(&member, years, seed)
            .named_texts(&policy.file.text)
            .rows(args.rows.saturating_mul(per_owner(args).saturating_mul(2).max(1)));
        let Some(col) = plan
            .headers()
            .iter()
            .position(|h| crate::data::header::parse_header(h).name == link.node)
        else {
            continue;
        };
        out.push(MemberPlan { name, plan, link: col });
    }
    if out.is_empty() && args.members.is_some() {
        return Err(eval::bad_options(
            "--members",
            Text::new(
                format!("`{}` 没有成员主体：`--members` 无从使用", schema.subject),
                format!(
                    "`{}` has no member kinds: `--members` has nothing to apply to",
                    schema.subject
                ),
            ),
            Text::new(
                "去掉 `--members`，或用 `--kind` 选择有成员的主体（`主体 合同 属于 企业 …` 中的 `企业`）",
                "drop `--members`, or choose with `--kind` a kind that has members (`企业` in `subject 合同 belongs to 企业 …`)",
            ),
        ));
    }
    let csv = args.out.as_deref().is_some_and(|p| {
        is_parquet(p)
            || p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    });
    if !out.is_empty() && !csv {
        let kinds: Vec<&str> = out.iter().map(|m| m.name.as_str()).collect();
        return Err(eval::bad_options(
            "--out",
            Text::new(
                format!(
                    "`{}` 有成员主体（{}）：成员写在 CSV 或 Parquet 登记簿旁，须用 `--out 名称.{}.csv`（或 `.parquet`）",
                    schema.subject,
                    kinds.join("、"),
                    schema.subject
                ),
                format!(
                    "`{}` has member kinds ({}): they are written beside a CSV or Parquet register, so give `--out NAME.{}.csv` (or `.parquet`)",
                    schema.subject,
                    kinds.join(", "),
                    schema.subject
                ),
            ),
            Text::new(
                format!("例如 `--out 登记簿.{}.csv`", schema.subject),
                format!("e.g. `--out register.{}.csv`", schema.subject),
            ),
        ));
    }
    Ok(out)
}

/// The average number of members per owner: `--members`, else 3.
fn per_owner(args: &GenArgs) -> u64 {
    args.members.unwrap_or(3)
}

/// Writes the register and, beside it, each member kind's file (`NAME.合同.csv`, or
/// `NAME.合同.parquet` beside a Parquet register): each owner `0..=2×--members` members (the
/// average `--members`), grouped by owner in the register's order, each member's link the
/// owner's id.
fn write_with_members(
    plan: &Plan,
    members: &[MemberPlan],
    args: &GenArgs,
    path: &Path,
    inputs: &[std::path::PathBuf],
) -> Result<(), Box<crate::diagnostics::Diagnostic>> {
    let owner = plan.schema_name();
    let key = plan.key_column();
    let parquet = is_parquet(path);
    let mut paths = vec![path.to_path_buf()];
    paths
        .extend(members.iter().map(|m| crate::engine::members::members_path(path, owner, &m.name)));
    let mut files = Vec::new();
    for p in &paths {
        files.push(AtomicFile::create(p, inputs)?);
    }
    let failed = |p: &Path, e: String| Box::new(cannot_write(Some(p), &e));
    {
        let plans = std::iter::once(plan).chain(members.iter().map(|m| &m.plan));
        let mut sinks = Vec::new();
        for ((p, f), pl) in paths.iter().zip(files.iter_mut()).zip(plans) {
            sinks.push(Sink::new(pl, f, parquet).map_err(|e| failed(p, e))?);
        }
        let (own, theirs) = sinks.split_first_mut().ok_or_else(|| failed(path, String::new()))?;
        let mut next = vec![0u64; members.len()];
        for n in 0..args.rows {
            let cells = plan.row(n);
            let id = key.and_then(|k| cells.get(k)).cloned().unwrap_or(Cell::Empty);
            own.push(cells).map_err(|e| failed(path, e))?;
            for (((p, sink), m), at) in
                paths.iter().skip(1).zip(theirs.iter_mut()).zip(members).zip(&mut next)
            {
                let mut rng = crate::synth::rng::Rng::for_row(args.seed ^ 0x5EED, n);
                let count = rng.below(per_owner(args).saturating_mul(2).saturating_add(1));
                for _ in 0..count {
                    let mut cells = m.plan.row(*at);
                    if let Some(c) = cells.get_mut(m.link) {
                        c.clone_from(&id);
                    }
                    sink.push(cells).map_err(|e| failed(p, e))?;
                    *at += 1;
                }
            }
        }
        for (p, sink) in paths.iter().zip(sinks) {
            sink.finish().map_err(|e| failed(p, e))?;
        }
    }
    for f in files {
        f.commit()?;
    }
    Ok(())
}

/// A file of generated rows: CSV lines, or a Parquet file's batches.
enum Sink<'f> {
    Csv(std::io::BufWriter<&'f mut AtomicFile>),
    Parquet(Box<crate::synth::parquet::Rows<&'f mut AtomicFile>>),
}

impl<'f> Sink<'f> {
    /// The file `out` of `plan`'s columns, its header written (a CSV file's first line).
    fn new(plan: &Plan, out: &'f mut AtomicFile, parquet: bool) -> Result<Sink<'f>, String> {
        if parquet {
            return crate::synth::parquet::Rows::new(plan, out).map(|r| Sink::Parquet(Box::new(r)));
        }
        let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
        let headers: Vec<String> = plan.headers().into_iter().map(csv_cell).collect();
        writeln!(w, "{}", headers.join(",")).map_err(|e| e.to_string())?;
        Ok(Sink::Csv(w))
    }

    /// Adds a row.
    fn push(&mut self, cells: Vec<Cell>) -> Result<(), String> {
        match self {
            Sink::Csv(w) => {
                let line: Vec<String> = cells.iter().map(|c| csv_cell(&c.csv_text())).collect();
                writeln!(w, "{}", line.join(",")).map_err(|e| e.to_string())
            }
            Sink::Parquet(rows) => rows.push(cells),
        }
    }

    /// Writes what is left.
    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Csv(mut w) => w.flush().map_err(|e| e.to_string()),
            Sink::Parquet(rows) => rows.finish(),
        }
    }
}
