//! Policies compiled to SQL (`zhengce sql`): one query computing every per-subject rule of a
//! subject kind from a table of the register, for DuckDB, PostgreSQL or Spark SQL.
//!
//! The input is the compiled program ([`crate::compile`]): names, units, years and parameters
//! are already resolved, every number has a fixed scale, and each instruction has the
//! machine's exact meaning. The query holds every number as the machine does, an exact integer
//! mantissa at the register's scale (a 128-bit or unbounded integer, so where the machine would
//! hand a subject to the interpreter on an `i64` overflow the query still computes exactly),
//! and divides by the scale once, in the output. [`dialect`] holds what differs between
//! engines, [`expr`] one instruction, [`decimal`] an exact decimal's (a quotient to 28 places,
//! rounded as `rust_decimal` rounds), [`query`] the whole query, [`err`] the `ZC10xx`
//! diagnostics. Instructions with no exact SQL form in a dialect (a quotient in Spark SQL) are
//! refused with `ZC1002`, never approximated; where the machine hands a subject to the
//! interpreter, the query stops at that subject with `ZC1004`.

mod decimal;
pub mod dialect;
mod err;
pub(crate) mod expr;
pub mod query;

use std::collections::BTreeMap;

use crate::ast::Policy;
use crate::checker::Checked;
use crate::data::{Schema, Value};
use crate::diagnostics::Diagnostics;

use crate::eval::stack::{Source, Stacking};
pub use dialect::Dialect;
pub use query::Header;
use query::{Beside, Members, Part, Refusal, StackColumn};

/// A policy the stacking rules import (`引用 "zezhou.zc" 为 泽州`), computed beside the policy
/// on the same rows: its alias, the policy checked, its subject kind for the rows, and the
/// parameters and year it is evaluated with (as `eval` takes them).
pub struct Import<'a> {
    pub alias: &'a str,
    pub policy: &'a Policy,
    pub checked: &'a Checked<'a>,
    pub kind: &'a str,
    pub params: &'a BTreeMap<String, Value>,
    pub year: Option<u16>,
}

/// The query [`to_sql`] writes, and what it was given and did not read.
#[derive(Debug)]
pub struct Query {
    /// The SQL text.
    pub text: String,
    /// The member kinds given a table (`member_tables`) that no aggregation reads: the query
    /// reads no such table, which the caller says rather than ignoring it.
    pub unread_member_tables: Vec<String>,
}

/// The query for the subject kind `kind`: parameters and the evaluation year inlined;
/// `yearly` is the register's columns of yearly fields (as written, with their years), when
/// known: the earliest year among them is the data's first (then `累计` and `连续年数`
/// compile), and a subject's own first year of data is the earliest it gives a value in.
/// The stacking rules for the kind are columns too, the imported policies' awards they name
/// computed beside the policy's (`imports`). An aggregation over members reads the member
/// kind's table: `member_tables` names it by kind (else the table is the kind's name); a kind
/// named there that no aggregation reads is listed in [`Query::unread_member_tables`].
#[expect(clippy::too_many_arguments, reason = "the command's options, each needed once")]
pub fn to_sql(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    dialect: Dialect,
    table: &str,
    year: Option<u16>,
    params: &BTreeMap<String, Value>,
    policy_name: &str,
    yearly: &[(String, u16)],
    imports: &[Import<'_>],
    member_tables: &BTreeMap<String, String>,
) -> Result<Query, Diagnostics> {
    let first_year = yearly.iter().map(|(_, y)| *y).min();
    let schema = Schema::from_policy(policy, kind)?;
    let Some(&sid) = checked.scope.subject_names.get(kind) else { return Err(Diagnostics::new()) };
    let not_compiled = |sid, kind: &str, why: &crate::compile::NotCompiled| {
        Diagnostics::from(vec![err::not_compiled(policy, checked, sid, kind, why)])
    };
    let prog = crate::compile::compile_with_members(policy, checked, sid, params, year, first_year)
        .map_err(|why| not_compiled(sid, kind, &why))?;
    let refused = |policy: &Policy, checked: &Checked<'_>, sid, prog, rs: Vec<Refusal>| {
        Diagnostics::from(
            rs.iter()
                .map(|r| err::refused(policy, checked, sid, prog, dialect, r))
                .collect::<Vec<_>>(),
        )
    };
    let main = Part::lower(dialect, &prog, &schema, yearly, "")
        .map_err(|rs| refused(policy, checked, sid, &prog, rs))?;
    let mut members = Vec::new();
    for (k, m) in prog.members.iter().enumerate() {
        let info = checked.scope.subjects.get(m.kind);
        let name = info.map(|i| i.decl.name.node.clone()).unwrap_or_default();
        let link = info.and_then(|i| i.decl.owner.as_ref()).map(|(_, by)| by.node.clone());
        let mschema = Schema::from_policy(policy, &name)?;
        let column = |field: Option<&crate::data::FieldSpec>| {
            field.map(|f| {
                dialect.ident(&crate::data::header::header_text(
                    &f.name,
                    None,
                    f.unit_text().as_deref(),
                ))
            })
        };
        let link = column(link.and_then(|l| mschema.fields.iter().find(|f| f.name == l)));
        let id = column(mschema.key_field());
        let yearly_read = m.program.first_year.is_some()
            || m.program.fields.iter().any(
                |f| matches!(f, crate::compile::FieldIn::Yearly { years, .. } if !years.is_empty()),
            );
        let (Some(link), Some(id), false) = (link, id, yearly_read) else {
            let why = crate::compile::NotCompiled::whole(format!(
                "the aggregations over `{name}` read a yearly field of it, or it has no id or link to its owner, which the query does not read from its table"
            ));
            return Err(not_compiled(sid, kind, &why));
        };
        let part = Part::lower(dialect, &m.program, &mschema, &[], &format!("m{}_", k + 1))
            .map_err(|rs| refused(policy, checked, m.kind, &m.program, rs))?;
        let table = member_tables.get(&name).cloned().unwrap_or_else(|| dialect.ident(&name));
        members.push(Members { sid: m.kind, kind: name, part, table, link, id });
    }
    let stacking = Stacking::new(policy, checked, kind);
    // A rule deducting an amount already received (`扣除 FIELD`) reads a field beside the
    // awards, which the query's stacking columns do not: refused rather than combined
    // otherwise than `eval` combines it.
    if let Some(h) = stacking.heads().into_iter().find(|h| h.received.is_some()) {
        let why = crate::compile::NotCompiled {
            rule: None,
            message: format!(
                "the stacking rule `{}` deducts `{}` (an amount already received), which the SQL output does not apply",
                h.name,
                h.received.unwrap_or_default()
            ),
        };
        return Err(Diagnostics::from(vec![err::not_compiled(policy, checked, sid, kind, &why)]));
    }
    // The imported policies the stacking rules take awards from, each compiled for its kind.
    let mut compiled = Vec::new();
    for imp in imports {
        if stacking.imported_awards(imp.alias).is_empty() {
            continue;
        }
        let ischema = Schema::from_policy(imp.policy, imp.kind)?;
        let Some(&isid) = imp.checked.scope.subject_names.get(imp.kind) else {
            return Err(Diagnostics::new());
        };
        let iprog = crate::compile::compile_for_data(
            imp.policy,
            imp.checked,
            isid,
            imp.params,
            imp.year,
            first_year,
        )
        .map_err(|why| {
            Diagnostics::from(vec![err::not_compiled(
                imp.policy,
                imp.checked,
                isid,
                imp.kind,
                &why,
            )])
        })?;
        compiled.push((imp, isid, iprog, ischema));
    }
    let mut beside = Vec::new();
    for (k, (imp, isid, iprog, ischema)) in compiled.iter().enumerate() {
        let part = Part::lower(dialect, iprog, ischema, yearly, &format!("i{}_", k + 1))
            .map_err(|rs| refused(imp.policy, imp.checked, *isid, iprog, rs))?;
        beside.push(Beside { alias: imp.alias, part });
    }
    let mut stacks = Vec::new();
    for (name, mode, members) in stacking.rules() {
        let mut cols = Vec::new();
        for (member, source) in members {
            let money = |c: &crate::compile::Column| {
                matches!(c.ty, crate::compile::Ty::Num(_)) && c.dim == crate::units::Dim::MONEY
            };
            // As `eval` reads an award's amount: the last of its rules with a money value.
            let found = match source {
                Source::Local(defs) => prog
                    .columns
                    .iter()
                    .rposition(|c| defs.contains(&c.def) && money(c))
                    .map(|i| (None, i)),
                Source::Imported(alias, award) => {
                    beside.iter().position(|b| b.alias == alias).and_then(|k| {
                        let cols = &beside.get(k)?.part.program().columns;
                        cols.iter()
                            .rposition(|c| c.name == *award && money(c))
                            .map(|i| (Some(k), i))
                    })
                }
                Source::Other => None,
            };
            let Some(found) = found else {
                let why = crate::compile::NotCompiled {
                    rule: None,
                    message: format!(
                        "the stacking rule `{name}` names `{member}`, which has no column"
                    ),
                };
                return Err(Diagnostics::from(vec![err::not_compiled(
                    policy, checked, sid, kind, &why,
                )]));
            };
            cols.push(found);
        }
        stacks.push(StackColumn {
            name: name.to_string(),
            exclusive: mode == crate::ast::StackMode::Exclusive,
            members: cols,
        });
    }
    let h = Header { policy: policy_name, kind, table, year, params, yearly };
    let unread_member_tables =
        member_tables.keys().filter(|k| !members.iter().any(|m| m.kind == **k)).cloned().collect();
    Ok(Query {
        text: query::write(
            &main,
            &beside,
            &members,
            &stacks,
            checked,
            &schema,
            &policy.file.text,
            &h,
        ),
        unread_member_tables,
    })
}
