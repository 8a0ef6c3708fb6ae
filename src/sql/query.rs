//! The whole query: the register's cells read into mantissas (`src`), the instructions in
//! layers of common table expressions (each layer's columns read only earlier layers'), and
//! the reported rules, each a column commented with the rule and the line that states it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::checker::Checked;
use crate::checker::scope::SubjectId;
use crate::compile::{AggOp, Cv, FieldIn, MemberAgg, Op, Program, Scalar, Ty};
use crate::data::{FieldKind, Schema, header::header_text};

use super::decimal;
use super::dialect::Dialect;
use super::expr::{Sql, expr};

/// What the header comment says about the query.
pub struct Header<'a> {
    pub policy: &'a str,
    pub kind: &'a str,
    pub table: &'a str,
    pub year: Option<u16>,
    pub params: &'a BTreeMap<String, crate::data::Value>,
    /// The register's columns of yearly fields, as written, with their years.
    pub yearly: &'a [(String, u16)],
}

/// An instruction that has no exact SQL form: what it is, and the column (rule) it feeds.
pub struct Refusal {
    pub what: (&'static str, &'static str),
    pub column: Option<usize>,
}

/// The mantissa of one cell of a number field: the cell in the header's unit, times the unit's
/// base scale and 10^scale; a cell with more places than that is refused by the engine (a cast
/// of a text naming the cell fails) rather than rounded.
fn number_cell(d: Dialect, col: &str, factor: rust_decimal::Decimal) -> String {
    let v = format!("CAST(NULLIF(TRIM({col}), '') AS {})", d.cell_decimal());
    // The factor at its own scale (0 for a whole number), so that the product keeps the
    // cell's 18 places and no more: DECIMAL(38,18) × DECIMAL(38,k) has k + 18 places.
    let m = format!("({v} * CAST('{factor}' AS DECIMAL(38,{})))", factor.scale());
    let stop = d.stop(&format!("'ZC1003 more places than kept: ' || {col}"));
    format!("(CASE WHEN {m} <> floor({m}) THEN {stop} ELSE CAST({m} AS {}) END)", d.int_type())
}

fn list_case(d: Dialect, col: &str, values: &[String], other: Option<usize>) -> String {
    let mut s = format!("(CASE TRIM({col})");
    for (i, v) in values.iter().enumerate() {
        let _ = write!(s, " WHEN {} THEN {i}", d.text(v));
    }
    if let Some(n) = other {
        let _ = write!(s, " WHEN '' THEN NULL ELSE {n}");
    }
    s.push_str(" END)");
    s
}

fn scalar_cell(d: Dialect, col: &str, s: &Scalar, kind: &FieldKind) -> String {
    match s {
        Scalar::Num { scale } => {
            let unit = match kind {
                FieldKind::Number { unit, .. } => unit.scale(),
                _ => rust_decimal::Decimal::ONE,
            };
            let factor = unit * rust_decimal::Decimal::from(10i64.pow((*scale).min(18)));
            number_cell(d, col, factor.normalize())
        }
        Scalar::Bool => format!(
            "(CASE WHEN lower(TRIM({col})) IN ('是', '1', 'true') THEN 1 \
             WHEN lower(TRIM({col})) IN ('否', '0', 'false') THEN 0 END)"
        ),
        Scalar::Enum { values } => list_case(d, col, values, None),
        Scalar::Year => {
            format!("CAST(NULLIF(replace(TRIM({col}), '年', ''), '') AS {})", d.int_type())
        }
        Scalar::Date => {
            format!("CAST(NULLIF(replace(TRIM({col}), '-', ''), '') AS {})", d.int_type())
        }
    }
}

fn cv_literal(d: Dialect, v: Cv) -> String {
    match v {
        Cv::Missing => format!("CAST(NULL AS {})", d.int_type()),
        Cv::Num(m) => d.int(m),
        Cv::Bool(b) => d.int(i64::from(b)),
        Cv::Enum(i) => d.int(i64::from(i)),
    }
}

/// One compiled program's share of the query: its cells read from the table, its instructions
/// in layers, and where it hands a subject to the interpreter; its registers are named
/// `{prefix}r{n}`, so that the programs of imported policies sit beside the policy's.
pub struct Part<'a> {
    prog: &'a Program,
    prefix: String,
    /// The layer a register is computed in: 0 for cells, none for constants.
    layer: Vec<Option<usize>>,
    src_cols: Vec<(u32, String)>,
    /// Each layer's columns: name and expression.
    layers: Vec<Vec<(String, String)>>,
    /// The scale of each exact decimal's mantissa ([`Ty::Dec`], `decimal.rs`).
    dec_scale: Vec<Option<u32>>,
    /// Where the machine hands a subject to the interpreter (a yearly function it follows back
    /// through the years, a growth rate the quotient decides): the query stops there, naming
    /// the subject and why, rather than guess.
    handed: Vec<(String, &'static str)>,
    d: Dialect,
}

impl<'a> Part<'a> {
    /// The compiled program.
    pub fn program(&self) -> &'a Program {
        self.prog
    }

    fn name(&self, r: u32) -> String {
        format!("{}r{r}", self.prefix)
    }

    /// A register as an operand: its column, or the constant it holds.
    fn operand(&self, r: u32) -> String {
        match self.layer.get(r as usize).copied().flatten() {
            Some(_) => self.name(r),
            None => {
                cv_literal(self.d, self.prog.init.get(r as usize).copied().unwrap_or(Cv::Missing))
            }
        }
    }

    /// The program's share of the query, or the instructions that have no exact SQL form;
    /// `yearly` is the register's columns of yearly fields, as written, with their years.
    pub fn lower(
        d: Dialect,
        prog: &'a Program,
        schema: &Schema,
        yearly: &[(String, u16)],
        prefix: &str,
    ) -> Result<Part<'a>, Vec<Refusal>> {
        let n = prog.types.len().max(prog.init.len());
        let mut part = Part {
            prog,
            prefix: prefix.to_string(),
            layer: vec![None; n],
            src_cols: Vec::new(),
            layers: Vec::new(),
            handed: Vec::new(),
            dec_scale: vec![None; n],
            d,
        };
        part.cells(schema, yearly);
        let mut refused: Vec<(u32, (&'static str, &'static str))> = Vec::new();
        let mut deps: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for op in &prog.ops {
            let dst = crate::compile::dst(op);
            let ops = crate::compile::operands(op, &prog.lists);
            deps.insert(dst, ops.clone());
            let at = 1 + ops
                .iter()
                .filter_map(|r| part.layer.get(*r as usize).copied().flatten())
                .max()
                .unwrap_or(0);
            let text = if matches!(op, Op::ToDec(..) | Op::Dec(..) | Op::DecCmp(..)) {
                let scale = |r: u32| part.dec_scale.get(r as usize).copied().flatten();
                match decimal::lower(d, op, &scale, &|r| part.operand(r), &part.name(dst)) {
                    Ok(l) => {
                        if let Some(s) = part.dec_scale.get_mut(dst as usize) {
                            *s = Some(l.scale);
                        }
                        l.sql
                    }
                    Err((zh, en)) => Sql::Refused(zh, en),
                }
            } else {
                expr(d, op, &prog.lists, &|r| part.operand(r))
            };
            let (steps, e) = match text {
                Sql::Handed { expr, when, why } => {
                    part.handed.push((when, why));
                    (Vec::new(), expr)
                }
                Sql::Staged { steps, expr, handed } => {
                    part.handed.extend(handed);
                    (steps, expr)
                }
                Sql::Expr(e) => (Vec::new(), e),
                Sql::Refused(zh, en) => {
                    refused.push((dst, (zh, en)));
                    continue;
                }
            };
            // Helper columns a layer each, the result in the layer after them.
            let name = part.name(dst);
            let mut at = at;
            for step in steps {
                let cols = step.into_iter().map(|(s, e)| (format!("{name}_{s}"), e)).collect();
                part.put(at, cols);
                at += 1;
            }
            part.put(at, vec![(name, e)]);
            if let Some(l) = part.layer.get_mut(dst as usize) {
                *l = Some(at);
            }
        }
        if refused.is_empty() {
            return Ok(part);
        }
        // The first column that reads each refused instruction.
        let reaches = |col: u32, target: u32| {
            let mut stack = vec![col];
            let mut seen = std::collections::BTreeSet::new();
            while let Some(r) = stack.pop() {
                if r == target {
                    return true;
                }
                if seen.insert(r) {
                    stack.extend(deps.get(&r).into_iter().flatten().copied());
                }
            }
            false
        };
        Err(refused
            .into_iter()
            .map(|(dst, what)| Refusal {
                what,
                column: prog.columns.iter().position(|c| reaches(c.reg, dst)),
            })
            .collect())
    }

    /// The cells the program reads, and the subject's own first year of data.
    fn cells(&mut self, schema: &Schema, yearly: &[(String, u16)]) {
        let d = self.d;
        for (i, f) in self.prog.fields.iter().enumerate() {
            let Some(spec) = schema.fields.get(i) else { continue };
            let unit = spec.unit_text();
            let col = |year: Option<u16>| d.ident(&header_text(&spec.name, year, unit.as_deref()));
            let mut read: Vec<(u32, String)> = Vec::new();
            let mut one = |reg: u32, s: Scalar, year: Option<u16>| {
                read.push((reg, scalar_cell(d, &col(year), &s, &spec.kind)));
            };
            match f {
                FieldIn::Num { reg, scale } => one(*reg, Scalar::Num { scale: *scale }, None),
                FieldIn::Bool { reg } => one(*reg, Scalar::Bool, None),
                FieldIn::Year { reg } => one(*reg, Scalar::Year, None),
                FieldIn::Date { reg } => one(*reg, Scalar::Date, None),
                FieldIn::Enum { reg, values } => {
                    one(*reg, Scalar::Enum { values: values.clone() }, None)
                }
                FieldIn::Text { reg, values } => {
                    read.push((*reg, list_case(d, &col(None), values, Some(values.len()))));
                }
                FieldIn::Yearly { scalar, years } => {
                    for (y, reg) in years {
                        one(*reg, scalar.clone(), Some(*y));
                    }
                }
                FieldIn::Unused => {}
            }
            for (reg, e) in read {
                self.cell(reg, e);
            }
        }
        // Each aggregation over members: its value grouped by owner (`m{k}_agg`, joined to the
        // register by the owner's id), or its value over no members where the owner has none.
        for a in &self.prog.aggregates {
            let Some(k) = self.prog.members.iter().position(|m| m.kind == a.kind) else { continue };
            let p = format!("m{}_", k + 1);
            let none = match a.op {
                AggOp::Sum | AggOp::Count | AggOp::Any => d.int(0),
                AggOp::All => d.int(1),
                AggOp::Max | AggOp::Min => format!("CAST(NULL AS {})", d.int_type()),
            };
            self.cell(
                a.reg,
                format!("(CASE WHEN {p}n IS NULL THEN {none} ELSE {p}a{} END)", a.reg),
            );
        }
        // The subject's own first year of data: the earliest year of a yearly column it gives
        // a value in (missing when it gives none), as the register runner notes it.
        if let Some(r) = self.prog.first_year {
            let mut years: Vec<&(String, u16)> = yearly.iter().collect();
            years.sort_by_key(|(col, y)| (*y, col.clone()));
            let mut e = String::from("(CASE");
            for (col, y) in &years {
                let _ = write!(
                    e,
                    " WHEN NULLIF(TRIM({}), '') IS NOT NULL THEN {}",
                    d.ident(col),
                    d.int(i64::from(*y))
                );
            }
            let _ = write!(e, " ELSE CAST(NULL AS {}) END)", d.int_type());
            self.cell(r, e);
        }
    }

    /// Columns in the layer `at` (from 1).
    fn put(&mut self, at: usize, cols: Vec<(String, String)>) {
        while self.layers.len() < at {
            self.layers.push(Vec::new());
        }
        if let Some(v) = self.layers.get_mut(at - 1) {
            v.extend(cols);
        }
    }

    fn cell(&mut self, reg: u32, e: String) {
        self.src_cols.push((reg, e));
        if let Some(l) = self.layer.get_mut(reg as usize) {
            *l = Some(0);
        }
    }

    /// A column's value in the output: a number divided by its scale once, a condition
    /// `true`/`false`, a grade or an enumeration value its name.
    fn output(&self, c: &crate::compile::Column, checked: &Checked<'_>) -> String {
        let v = self.operand(c.reg);
        match c.ty {
            Ty::Num(s) => scaled_out(&v, s),
            Ty::Bool => format!("(CASE {v} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)"),
            Ty::Enum(e) => {
                let values =
                    checked.scope.enums.get(e).map(|e| e.values.clone()).unwrap_or_default();
                list_out(self.d, &v, &values)
            }
            Ty::Dec => match self.dec_scale.get(c.reg as usize).copied().flatten() {
                Some(s) => scaled_out(&v, s),
                None => v,
            },
            Ty::Year | Ty::Date | Ty::Text(_) | Ty::Ratio => v,
        }
    }
}

/// A mantissa at scale `s` as the exact decimal it stands for.
fn scaled_out(v: &str, s: u32) -> String {
    if s == 0 {
        format!("CAST({v} AS DECIMAL(38,0))")
    } else {
        format!("(CAST({v} AS DECIMAL(38,0)) * CAST('1e-{s}' AS DECIMAL(38,{s})))")
    }
}

/// A member kind's share of the query: its program over the members' table (`m{k}_src` and its
/// layers), and the owner's aggregations over them grouped by owner (`m{k}_agg`), which the
/// register's rows are joined to by the owner's id.
pub struct Members<'a> {
    /// The member kind.
    pub sid: SubjectId,
    /// Its name, for the header.
    pub kind: String,
    /// Its program's share, its registers named `m{k}_r{n}`.
    pub part: Part<'a>,
    /// The members' table (as given, or the kind's name).
    pub table: String,
    /// The column naming each member's owner (`按 企业名称`), an identifier.
    pub link: String,
    /// The column of each member's id, an identifier.
    pub id: String,
}

/// One aggregation over the members of a group (an owner), as `eval::members` aggregates: a
/// member whose condition is missing, or whose value is missing while its condition holds,
/// makes the result missing, except that `任一` is met by one member that meets it and `全部`
/// fails on one that fails it; a sum over members none of whom is counted is 0.
fn aggregate(d: Dialect, a: &MemberAgg, part: &Part<'_>) -> String {
    let c = a.cond.map_or_else(|| d.int(1), |r| part.operand(r));
    let v = a.value.map(|r| part.operand(r));
    let unknown = match &v {
        Some(v) => format!(
            "MAX(CASE WHEN {c} IS NULL THEN 1 WHEN {c} = 1 AND {v} IS NULL THEN 1 ELSE 0 END) = 1"
        ),
        None => format!("MAX(CASE WHEN {c} IS NULL THEN 1 ELSE 0 END) = 1"),
    };
    let v = v.unwrap_or_else(|| d.int(1));
    let e = match a.op {
        AggOp::Count => {
            format!(
                "CASE WHEN {unknown} THEN NULL ELSE SUM(CASE WHEN {c} = 1 THEN 1 ELSE 0 END) END"
            )
        }
        AggOp::Sum => format!(
            "CASE WHEN {unknown} THEN NULL ELSE coalesce(SUM(CASE WHEN {c} = 1 THEN {v} END), 0) END"
        ),
        AggOp::Max => {
            format!("CASE WHEN {unknown} THEN NULL ELSE MAX(CASE WHEN {c} = 1 THEN {v} END) END")
        }
        AggOp::Min => {
            format!("CASE WHEN {unknown} THEN NULL ELSE MIN(CASE WHEN {c} = 1 THEN {v} END) END")
        }
        AggOp::Any => format!(
            "CASE WHEN MAX(CASE WHEN {c} = 1 AND {v} = 1 THEN 1 ELSE 0 END) = 1 THEN 1 \
             WHEN {unknown} THEN NULL ELSE 0 END"
        ),
        AggOp::All => format!(
            "CASE WHEN MAX(CASE WHEN {c} = 1 AND {v} = 0 THEN 1 ELSE 0 END) = 1 THEN 0 \
             WHEN {unknown} THEN NULL ELSE 1 END"
        ),
    };
    format!("CAST(({e}) AS {})", d.int_type())
}

/// The common table expressions of the `k`th member kind (from 1), each followed by a comma:
/// its cells, its layers, and the aggregations the owner's program reads, grouped by owner.
fn write_members(q: &mut String, main: &Part<'_>, k: usize, m: &Members<'_>) {
    let d = main.d;
    let cte = d.cte();
    let p = format!("m{k}_");
    let _ = write!(
        q,
        "{p}src {cte}
  SELECT TRIM({}) AS {p}owner, {} AS {p}id",
        m.link, m.id
    );
    for (r, e) in &m.part.src_cols {
        let _ = write!(
            q,
            ",
    {e} AS {}",
            m.part.name(*r)
        );
    }
    let _ = write!(
        q,
        "
  FROM {}
),
",
        m.table
    );
    let mut prev = format!("{p}src");
    for (i, layer) in m.part.layers.iter().enumerate() {
        let name = format!("{p}l{}", i + 1);
        let _ = write!(
            q,
            "{name} {cte}
  SELECT {prev}.*"
        );
        for (col, e) in layer {
            let _ = write!(
                q,
                ",
    {e} AS {col}"
            );
        }
        let _ = write!(
            q,
            "
  FROM {prev}
),
"
        );
        prev = name;
    }
    let _ = write!(
        q,
        "{p}agg {cte}
  SELECT {p}owner, COUNT(*) AS {p}n"
    );
    for a in main.prog.aggregates.iter().filter(|a| a.kind == m.sid) {
        let _ = write!(
            q,
            ",
    {} AS {p}a{}",
            aggregate(d, a, &m.part),
            a.reg
        );
    }
    let _ = write!(
        q,
        "
  FROM {prev}"
    );
    if !m.part.handed.is_empty() {
        let mut case = String::from("(CASE");
        for (when, why) in &m.part.handed {
            let stop = d.stop(&format!(
                "'ZC1004 member ' || coalesce({p}id, '') || {}",
                d.text(&format!(": {why}; evaluate it with zhengce eval"))
            ));
            let _ = write!(
                case,
                "
    WHEN {when} THEN {stop}"
            );
        }
        let _ = write!(
            q,
            "
  WHERE {case}
    ELSE 1 END) = 1"
        );
    }
    let _ = write!(
        q,
        "
  GROUP BY {p}owner
),
"
    );
}

/// An imported policy's program beside the policy's, under the alias the stacking rules give it.
pub struct Beside<'a> {
    /// The alias (`泽州`).
    pub alias: &'a str,
    /// Its share of the query.
    pub part: Part<'a>,
}

/// A stacking rule (`叠加`) as a column: its name, whether only the highest is paid, and where
/// each member's amount is (the part, `None` for the policy's own, and the column).
pub struct StackColumn {
    pub name: String,
    pub exclusive: bool,
    pub members: Vec<(Option<usize>, usize)>,
}

/// Writes the query: the policy's part, the parts of the policies it imports, and the stacking
/// rules' columns.
#[expect(clippy::too_many_arguments, reason = "the parts of one query, each written once")]
pub fn write(
    main: &Part<'_>,
    beside: &[Beside<'_>],
    members: &[Members<'_>],
    stacks: &[StackColumn],
    checked: &Checked<'_>,
    schema: &Schema,
    source: &str,
    h: &Header<'_>,
) -> String {
    let d = main.d;
    let prog = main.prog;
    let mut q = String::new();
    let _ = writeln!(
        q,
        "-- zhengce sql: policy {}, subject kind {}, for {}",
        h.policy,
        h.kind,
        d.name()
    );
    let _ = writeln!(
        q,
        "-- Generated; every rule of the kind as one column per subject, from the table {}.",
        h.table
    );
    match h.year {
        Some(y) => {
            let _ = writeln!(
                q,
                "-- The evaluation year {y} is inlined as a constant: yearly fields are read from the columns of the years it needs."
            );
        }
        None => {
            let _ = writeln!(q, "-- No evaluation year: the policy reads no yearly field.");
        }
    }
    if h.params.is_empty() {
        let _ = writeln!(q, "-- Parameters: none given; defaults are inlined as constants.");
    } else {
        let _ = writeln!(
            q,
            "-- Parameters, inlined as constants (write the query again to change them):"
        );
        for (k, v) in h.params {
            let _ = writeln!(q, "--   {k} = {}", param_text(v));
        }
    }
    let _ = writeln!(
        q,
        "-- Arithmetic: every number is held as an exact integer mantissa ({}) at the scale the",
        d.int_type()
    );
    let _ = writeln!(
        q,
        "-- compiler fixed for it (r_n = value x 10^scale, in base units); the output divides once, exactly."
    );
    let _ = writeln!(
        q,
        "-- A missing value is NULL, with the policy language's one rule for missing values written out."
    );
    for b in beside {
        let _ = writeln!(
            q,
            "-- The imported policy `{}`'s rules beside these, for the stacking rules (registers {}r_n).",
            b.alias, b.part.prefix
        );
    }
    for (k, m) in members.iter().enumerate() {
        let _ = writeln!(
            q,
            "-- The members of `{}` from the table {}, each linked to its owner by the column {}: the aggregations over them are worked out per owner (m{}_agg) and joined to the register's rows.",
            m.kind,
            m.table,
            m.link,
            k + 1
        );
    }
    let parts: Vec<&Part<'_>> =
        std::iter::once(main).chain(beside.iter().map(|b| &b.part)).collect();
    let key =
        schema.key_field().map(|k| d.ident(&header_text(&k.name, None, k.unit_text().as_deref())));
    let key_sql = key.clone().unwrap_or_else(|| "NULL".into());
    let cte = d.cte();
    q.push_str("WITH ");
    for (k, m) in members.iter().enumerate() {
        write_members(&mut q, main, k + 1, m);
    }
    let _ = write!(q, "src {cte}\n  SELECT {key_sql} AS subject_id");
    for part in &parts {
        for (r, e) in &part.src_cols {
            let _ = write!(q, ",\n    {e} AS {}", part.name(*r));
        }
    }
    let _ = write!(q, "\n  FROM {}", h.table);
    for k in 1..=members.len() {
        let _ = write!(q, "\n  LEFT JOIN m{k}_agg ON m{k}_agg.m{k}_owner = TRIM({key_sql})");
    }
    q.push_str("\n)");
    let mut prev = "src".to_string();
    let depth = parts.iter().map(|p| p.layers.len()).max().unwrap_or(0);
    for i in 0..depth {
        let name = format!("l{}", i + 1);
        let _ = write!(q, ",\n{name} {cte}\n  SELECT {prev}.*");
        for part in &parts {
            for (name, e) in part.layers.get(i).into_iter().flatten() {
                let _ = write!(q, ",\n    {e} AS {name}");
            }
        }
        let _ = write!(q, "\n  FROM {prev}\n)");
        prev = name;
    }
    let _ = write!(q, "\nSELECT\n  subject_id AS {}", key.unwrap_or_else(|| d.ident("id")));
    for c in &prog.columns {
        let cell = main.output(c, checked);
        let def = checked.scope.defs.get(c.def);
        let line = def.map(|def| line_of(source, def.span.start)).unwrap_or(0);
        // The clauses the rule cites (`§ 五(三)`), as the policy writes them.
        let clauses: Vec<String> = match def.map(|d| &d.source) {
            Some(crate::checker::scope::DefSource::Item(item)) => item
                .node
                .citations
                .iter()
                .map(|c| format!("§ {}", c.node.clause.node.replace(['\n', '\r'], " ")))
                .collect(),
            _ => Vec::new(),
        };
        let cites =
            if clauses.is_empty() { String::new() } else { format!(" ({})", clauses.join(", ")) };
        let kind = if c.award { "award" } else { "rule" };
        let _ = write!(
            q,
            ",\n  -- {kind} `{}`{cites}, stated at {}:{line}\n  {cell} AS {}",
            c.name,
            h.policy,
            d.ident(&c.name)
        );
    }
    // Named as `eval --format csv` names a stacking rule's column.
    for s in stacks {
        let _ = write!(
            q,
            ",\n  -- stacking rule `{}` ({})\n  {} AS {}",
            s.name,
            if s.exclusive { "就高不重复: the highest, once" } else { "累加: each in full" },
            stacked(d, s, &parts),
            d.ident(&format!("叠加 {}", s.name))
        );
    }
    let _ = write!(q, "\nFROM {prev}");
    let handed: Vec<&(String, &str)> = parts.iter().flat_map(|p| &p.handed).collect();
    if !handed.is_empty() {
        let mut case = String::from("(CASE");
        for (when, why) in handed {
            let stop = d.stop(&format!(
                "'ZC1004 subject ' || coalesce(subject_id, '') || {}",
                d.text(&format!(": {why}; evaluate it with zhengce eval"))
            ));
            let _ = write!(case, "\n    WHEN {when} THEN {stop}");
        }
        let _ = write!(q, "\nWHERE {case}\n    ELSE 1 END) = 1");
    }
    let _ = writeln!(q, "\nORDER BY 1;");
    q
}

/// A stacking rule's total for the subject, as `eval` combines its members (an amount that is
/// missing counts 0): under 就高不重复 the highest, under 累加 the sum; each member's mantissa
/// brought to the largest scale among them first.
fn stacked(d: Dialect, s: &StackColumn, parts: &[&Part<'_>]) -> String {
    let members: Vec<(String, u32)> = s
        .members
        .iter()
        .filter_map(|(part, col)| {
            let part = parts.get(part.map_or(0, |p| p + 1))?;
            let c = part.prog.columns.get(*col)?;
            let Ty::Num(scale) = c.ty else { return None };
            Some((part.operand(c.reg), scale))
        })
        .collect();
    let top = members.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let terms: Vec<String> = members
        .iter()
        .map(|(v, scale)| {
            let zeros = top.saturating_sub(*scale) as usize;
            if zeros == 0 {
                format!("coalesce({v}, {})", d.int(0))
            } else {
                let up = format!("CAST('1{}' AS {})", "0".repeat(zeros), d.int_type());
                format!("(coalesce({v}, {}) * {up})", d.int(0))
            }
        })
        .collect();
    let total = match (terms.as_slice(), s.exclusive) {
        ([], _) => d.int(0),
        ([one], _) => one.clone(),
        (_, true) => format!("greatest({})", terms.join(", ")),
        (_, false) => format!("({})", terms.join(" + ")),
    };
    scaled_out(&total, top)
}

fn list_out(d: Dialect, v: &str, values: &[String]) -> String {
    let mut s = format!("(CASE {v}");
    for (i, t) in values.iter().enumerate() {
        let _ = write!(s, " WHEN {i} THEN {}", d.text(t));
    }
    s.push_str(" END)");
    s
}

fn line_of(source: &str, at: usize) -> usize {
    source.get(..at).map_or(0, |s| s.matches('\n').count() + 1)
}

/// A parameter's value for the header comment: a number in base units with its dimension.
fn param_text(v: &crate::data::Value) -> String {
    use crate::data::Value;
    match v {
        Value::Number { value, dim } => {
            format!("{} {}", value.normalize(), dim.display(crate::diagnostics::Lang::Zh))
        }
        Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        Value::Text(t) => format!("\"{t}\""),
        Value::Enum { enum_name, index } => format!("{enum_name} #{index}"),
        Value::Year(y) => format!("{y}年"),
        other => format!("{other:?}"),
    }
}
