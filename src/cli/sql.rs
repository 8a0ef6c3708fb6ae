//! `zhengce sql POLICY --kind K --dialect D`: the query of [`crate::sql`], on standard output.

use std::collections::BTreeSet;
use std::io::Write;

use super::args::{SqlArgs, SqlDialect};
use super::{Settings, Status, emit, eval, files};
use crate::data::{Dataset, Schema};
use crate::diagnostics::Diagnostics;
use crate::diagnostics::render::render;
use crate::sql::Dialect;

fn fail(err: &mut dyn Write, settings: &Settings, d: Diagnostics) -> Status {
    emit(err, &render(&d.sorted(), settings.lang, settings.format, &settings.style));
    Status::Errors
}

/// Runs `sql`.
pub fn run(
    args: &SqlArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let loaded = files::load(std::slice::from_ref(&args.policy));
    if !loaded.diagnostics.is_empty() {
        return fail(err, settings, loaded.diagnostics);
    }
    let Some(source) = loaded.sources.first() else { return Status::Errors };
    let (policy, diags) = crate::parser::parse(source);
    let Some(policy) = policy.filter(|_| !diags.has_errors()) else {
        return fail(err, settings, diags);
    };
    let (checked, diags) = crate::checker::check(&policy);
    if diags.has_errors() {
        return fail(err, settings, diags);
    }
    let kind = args.kind.as_str();
    let schema = match Schema::from_policy(&policy, kind) {
        Ok(s) => s,
        Err(d) => return fail(err, settings, d),
    };
    let member_tables = match member_tables(&checked, kind, &args.member_tables) {
        Ok(t) => t,
        Err(d) => return fail(err, settings, d),
    };
    // The policies the stacking rules import, computed beside it; their columns and
    // parameters are known in the register.
    let imported = match crate::engine::imports::imports(&policy, kind) {
        Ok(i) => i,
        Err(d) => return fail(err, settings, d),
    };
    let others = crate::engine::imports::imported_names(&policy, kind);
    // The parameters and year as `eval` takes them: from the register's sample when given.
    let (params, year) = match params_and_year(&policy, &checked, kind, args, &others) {
        Ok(p) => p,
        Err(d) => return fail(err, settings, d),
    };
    let dialect = match args.dialect {
        SqlDialect::Duckdb => Dialect::DuckDb,
        SqlDialect::Postgres => Dialect::Postgres,
        SqlDialect::Spark => Dialect::Spark,
    };
    let name =
        args.policy.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let yearly = args.data.as_deref().map(|p| yearly_columns(p, &schema)).unwrap_or_default();
    let ichecked: Vec<_> = imported.iter().map(|i| crate::checker::check(&i.policy).0).collect();
    let mut known = crate::engine::imports::data_names(&policy, kind);
    known.extend(others.iter().cloned());
    let mut inputs = Vec::new();
    for (imp, ic) in imported.iter().zip(&ichecked) {
        // Its kind of the same name, or its only kind (as `eval` evaluates it).
        let kinds = imp.policy.subject_names();
        let ikind = match (kinds.iter().find(|k| **k == kind), kinds.as_slice()) {
            (Some(k), _) | (None, [k]) => (*k).to_string(),
            (None, _) => continue,
        };
        let (iparams, iyear) = match params_and_year(&imp.policy, ic, &ikind, args, &known) {
            Ok(p) => p,
            Err(d) => return fail(err, settings, d),
        };
        inputs.push((imp, ic, ikind, iparams, iyear));
    }
    let imports: Vec<crate::sql::Import<'_>> = inputs
        .iter()
        .map(|(imp, ic, ikind, iparams, iyear)| crate::sql::Import {
            alias: &imp.alias,
            policy: &imp.policy,
            checked: ic,
            kind: ikind,
            params: iparams,
            year: *iyear,
        })
        .collect();
    match crate::sql::to_sql(
        &policy,
        &checked,
        kind,
        dialect,
        &args.table,
        year,
        &params,
        &name,
        &yearly,
        &imports,
        &member_tables,
    ) {
        Ok(q) => {
            // A member table no aggregation reads is said, not silently passed over.
            let unread = unread_tables(kind, &q.unread_member_tables, &member_tables);
            if !unread.is_empty() {
                emit(
                    err,
                    &render(&unread.sorted(), settings.lang, settings.format, &settings.style),
                );
            }
            match &args.out {
                Some(path) => {
                    let mut inputs = vec![args.policy.clone()];
                    inputs.extend(args.data.clone());
                    match super::output::write_out(path, q.text.as_bytes(), &inputs) {
                        Ok(()) => Status::Ok,
                        Err(d) => fail(err, settings, Diagnostics::from(vec![*d])),
                    }
                }
                None => {
                    emit(out, &q.text);
                    Status::Ok
                }
            }
        }
        Err(d) => fail(err, settings, d),
    }
}

/// `ZC0916` for each `--member-table` of a member kind of `kind` that no rule aggregates over:
/// the query reads no such table.
fn unread_tables(
    kind: &str,
    unread: &[String],
    given: &std::collections::BTreeMap<String, String>,
) -> Diagnostics {
    use crate::diagnostics::Text;
    let mut out = Diagnostics::new();
    for m in unread {
        let table = given.get(m).map_or("", String::as_str);
        out.extend(eval::about_option(
            "--member-table",
            crate::diagnostics::Code::UnreadOption,
            Text::new(
                format!("`--member-table {m}={table}` 没有被用到：`{kind}` 的规则不汇总 `{m}`，查询不读表 `{table}`"),
                format!("`--member-table {m}={table}` is not used: no rule of `{kind}` aggregates over `{m}`, and the query reads no table `{table}`"),
            ),
            Text::new(
                "去掉这个选项；若规则本应汇总这些成员，检查规则中的 `合计`、`计数` 等是否写了这个成员类别".to_string(),
                "drop the option; if a rule should aggregate over these members, check that its `合计`, `计数` … names the member kind".to_string(),
            ),
        ));
    }
    out
}

/// `--member-table KIND=TABLE`, by kind: each a member kind of `kind` (`属于 kind`), named once.
fn member_tables(
    checked: &crate::checker::Checked<'_>,
    kind: &str,
    given: &[String],
) -> Result<std::collections::BTreeMap<String, String>, Diagnostics> {
    use crate::diagnostics::Text;
    let scope = &checked.scope;
    let members: Vec<&str> = scope
        .subject_names
        .get(kind)
        .map(|&sid| scope.member_kinds(sid))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| scope.subjects.get(m).map(|s| s.decl.name.node.as_str()))
        .collect();
    let mut out = std::collections::BTreeMap::new();
    let mut bad = Diagnostics::new();
    for g in given {
        let split = g.split_once('=').map(|(k, t)| (k.trim(), t.trim()));
        let known = match split {
            Some((k, t)) if members.contains(&k) && !t.is_empty() => {
                out.insert(k.to_string(), t.to_string()).is_none()
            }
            _ => false,
        };
        if known {
            continue;
        }
        let listed = if members.is_empty() {
            Text::new(
                format!("`{kind}` 没有成员类别（`属于 {kind}` 的主体）"),
                format!("`{kind}` has no member kinds (subjects declared `属于 {kind}`)"),
            )
        } else {
            Text::new(
                format!("`{kind}` 的成员类别：{}；每个类别只写一次", members.join("、")),
                format!("the member kinds of `{kind}`: {}; each named once", members.join(", ")),
            )
        };
        bad.extend(eval::bad_options(
            "--member-table",
            Text::new(
                format!("`--member-table {g}` 不是 `成员类别=表名`"),
                format!("`--member-table {g}` is not `MEMBER_KIND=TABLE`"),
            ),
            listed,
        ));
    }
    if bad.is_empty() { Ok(out) } else { Err(bad) }
}

/// A policy's parameters and year for the kind, as `eval` takes them: from the register's
/// sample (`--data`) and the command line; `known` are the other policies' names the register
/// may carry.
fn params_and_year(
    policy: &crate::ast::Policy,
    checked: &crate::checker::Checked<'_>,
    kind: &str,
    args: &SqlArgs,
    known: &BTreeSet<String>,
) -> Result<(std::collections::BTreeMap<String, crate::data::Value>, Option<u16>), Diagnostics> {
    if let Some(data) = &args.data {
        let l = eval::load(policy, checked, data, Some(kind), args.year, &args.params, known)?;
        // A parameter the register's table leaves without a value is not given (as without
        // `--data`): not listed in the header as a value.
        let given = l.params.into_iter().filter(|(_, v)| *v != crate::data::Value::Missing);
        return Ok((given.collect(), l.year));
    }
    let mut schema = Schema::from_policy(policy, kind)?;
    schema.also_known = known.clone();
    let ds = Dataset {
        subject: kind.to_string(),
        fields: Vec::new(),
        records: Vec::new(),
        param_names: schema.params.iter().map(|p| p.name.clone()).collect(),
        params: vec![crate::data::Value::Missing; schema.params.len()],
        param_gaps: Vec::new(),
    };
    let p = eval::params(&ds, &schema, &args.params)?;
    Ok((p.into_iter().filter(|(_, v)| *v != crate::data::Value::Missing).collect(), args.year))
}

/// A CSV register's columns of yearly fields, as written, with their years: the earliest is
/// the year a total over the years from the subject's first starts from (as the register
/// runner finds it), and a subject's own first year is the earliest of them it gives a value in.
fn yearly_columns(data: &std::path::Path, schema: &Schema) -> Vec<(String, u16)> {
    let Some(header) = header_line(data) else { return Vec::new() };
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(header.as_bytes());
    let Some(Ok(record)) = reader.records().next() else { return Vec::new() };
    record
        .iter()
        .filter_map(|col| {
            let h = crate::data::header::parse_header(col);
            let yearly = |name: &str| schema.fields.iter().any(|f| f.name == name && f.by_year);
            h.year_forms.iter().find(|(base, _)| yearly(base)).map(|(_, y)| (col.to_string(), *y))
        })
        .collect()
}

/// The header of a CSV register, or of the CSV text a Parquet register stands for.
fn header_line(data: &std::path::Path) -> Option<String> {
    use std::io::BufRead as _;
    let file = std::fs::File::open(data).ok()?;
    if crate::register::is_parquet(data) {
        let name = data.display().to_string();
        let b = crate::data::parquet::Batches::new(&name, file, 1).ok()?;
        return String::from_utf8(b.header()).ok();
    }
    let mut line = String::new();
    std::io::BufReader::new(file).read_line(&mut line).ok()?;
    Some(line)
}
