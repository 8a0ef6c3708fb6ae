//! Policies compiled to SQL (`zhengce sql`): one query computing every per-subject rule of a
//! subject kind from a table of the register, for DuckDB, PostgreSQL or Spark SQL.
//!
//! The input is the compiled program ([`crate::compile`]): names, units, years and parameters
//! are already resolved, every number has a fixed scale, and each instruction has the
//! machine's exact meaning. The query holds every number as the machine does, an exact integer
//! mantissa at the register's scale (a 128-bit or unbounded integer, so where the machine would
//! hand a subject to the interpreter on an `i64` overflow the query still computes exactly),
//! and divides by the scale once, in the output. [`dialect`] holds what differs between
//! engines, [`expr`] one instruction, [`query`] the whole query, [`err`] the `ZC10xx`
//! diagnostics. Instructions with no exact SQL form (a quotient to 28 places) are refused
//! with `ZC1002`, never approximated; where the machine hands a subject to the interpreter,
//! the query stops at that subject with `ZC1004`.

pub mod dialect;
mod err;
pub(crate) mod expr;
pub mod query;

use std::collections::BTreeMap;

use crate::ast::Policy;
use crate::checker::Checked;
use crate::data::{Schema, Value};
use crate::diagnostics::Diagnostics;

pub use dialect::Dialect;
pub use query::Header;

/// The query for the subject kind `kind`: parameters and the evaluation year inlined;
/// `yearly` is the register's columns of yearly fields (as written, with their years), when
/// known: the earliest year among them is the data's first (then `累计` and `连续年数`
/// compile), and a subject's own first year of data is the earliest it gives a value in.
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
) -> Result<String, Diagnostics> {
    let first_year = yearly.iter().map(|(_, y)| *y).min();
    let schema = Schema::from_policy(policy, kind)?;
    let Some(&sid) = checked.scope.subject_names.get(kind) else { return Err(Diagnostics::new()) };
    let prog = crate::compile::compile_for_data(policy, checked, sid, params, year, first_year)
        .map_err(|why| {
            Diagnostics::from(vec![err::not_compiled(policy, checked, sid, kind, &why)])
        })?;
    let h = Header { policy: policy_name, kind, table, year, params, yearly };
    query::write(dialect, &prog, &schema, checked, &policy.file.text, &h).map_err(|rs| {
        Diagnostics::from(
            rs.iter()
                .map(|r| err::refused(policy, checked, sid, &prog, dialect, r))
                .collect::<Vec<_>>(),
        )
    })
}
