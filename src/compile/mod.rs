//! The compiled form of a policy: one subject kind's rules lowered once into a flat program over
//! numbered registers, run for each of many subjects (a register of a million enterprises).
//!
//! [`compile`] resolves every name to a register, folds units and constants into exact
//! fixed-point numbers (an `i64` mantissa at a scale fixed when compiling, see [`fixed`]), and
//! turns enumeration values into their positions. Running a [`Machine`] then does no hashing, no
//! string work and no allocation per subject. Numbers never become floats: each operation is
//! checked, and any value a [`rust_decimal::Decimal`] could not hold exactly stops the run with
//! [`Fallback`], after which the caller evaluates that subject with the interpreter
//! ([`crate::eval::Evaluator`]), which computes the same value or reports the problem.
//!
//! What compiles: fields, parameters, `令` with exceptions, conditions and their groups, awards
//! (`当`, `金额` with exceptions, `最高不超过`, `核减`), statuses, budgets and stated values;
//! arithmetic (a quotient held as an exact decimal), score sheets, comparisons, logic,
//! `若 … 则 … 否则`, `分档`, `最小`, `最大`, `合计`, `绝对值` and rounding to a constant step. Yearly fields and parameters compile for an
//! evaluation year known when compiling: read in that year, or in a year written as a constant
//! from it (`收入[当年 - 1年]`, `收入[2023年]`), each year of a field its own register, and a
//! definition read in another year compiled again for that year. Years are numbers, with the
//! interpreter's arithmetic; a text field compared with texts the policy writes is its value's
//! position among them; a definition that reads no subject's data is worked out once by the
//! interpreter and enters as a constant. Indicator tables, grades, dates (as
//! `year × 10,000 + month × 100 + day`), `上年`, `累计(x)` and `累计(x, 起)` (from a year of the
//! subject's), `连续年数` and `增长率` compared with a threshold (decided by multiplying out,
//! exactly as the interpreter's 28-place quotient decides it, else the subject goes to the
//! interpreter) compile for a year known when compiling; the totals and streaks need the data's
//! first year ([`compile_for_data`]). Instructions whose operands are constants are worked out
//! when compiling, and one instruction made twice is kept once, so that the same test
//! written for several years costs little. Anything else (a growth rate as a value, years that depend on
//! the data, texts as values, parts of definitions, aggregations over members) makes
//! [`compile`] return the reason, naming the definition, and callers use the interpreter for
//! the whole policy. Aggregations over members compile for a caller that gives the program
//! each owner's members ([`compile_with_members`]: the register runner, the SQL output).
//! The results equal the interpreter's: `tests/compile_differential.rs` checks it on random
//! subjects for the benchmark policy and every bundled policy that compiles.

pub mod fixed;
mod lower;
mod machine;
mod missing;

use std::collections::BTreeMap;

use crate::ast::{CmpOp, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, SubjectId};
use crate::checker::types::EnumId;
use crate::data::Value;
use crate::units::Dim;

pub use machine::{LANES, MISSING, Machine, date_code, text_position};

/// The register an instruction writes (for [`crate::sql`]).
pub(crate) fn dst(op: &Op) -> Reg {
    machine::dst_of(op)
}

/// The registers an instruction reads (for [`crate::sql`]).
pub(crate) fn operands(op: &Op, lists: &[Reg]) -> Vec<Reg> {
    machine::operands(op, lists)
}

/// A register of the compiled program.
pub type Reg = u32;

/// A value in a register; which kind it holds, and for a number its scale, is fixed when
/// compiling ([`Ty`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cv {
    /// No value: an empty optional datum, propagated as the interpreter does.
    Missing,
    /// A number: the mantissa at the register's scale, in base units.
    Num(i64),
    Bool(bool),
    /// The position of a value in its enumeration.
    Enum(u32),
}

/// The static type of a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// A number at this scale.
    Num(u32),
    Bool,
    Enum(EnumId),
    /// A calendar year, held as its number.
    Year,
    /// A calendar date, held as `year × 10,000 + month × 100 + day`, which orders dates as
    /// the interpreter does.
    Date,
    /// A growth rate `n / b − 1` (`增长率`) that is only compared: the register says whether
    /// it has a value; the comparison reads the two numbers it divides (see [`Op::CmpRatio`]).
    Ratio,
    /// A text field's value as a position among the texts the policy compares it with (the
    /// field's place among the subject's fields): only equal or not to one of them.
    Text(u32),
    /// A number held as the interpreter holds it, an exact decimal of up to 28 places (a
    /// quotient, `实际到位 / 计划到位`, and what is worked out from it): the register says
    /// whether it has a value (0, or missing), the machine's decimal lanes hold the value.
    Dec,
}

/// The subject could not be evaluated exactly by the compiled program (a value out of the
/// fixed-point range, a cell with more places than kept): evaluate it with the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fallback;

/// How one field of the subject enters the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldIn {
    /// A number read at this scale (base units).
    Num {
        reg: Reg,
        scale: u32,
    },
    Bool {
        reg: Reg,
    },
    /// A year (`年份`), as its number.
    Year {
        reg: Reg,
    },
    /// A date (`日期`), as `year × 10,000 + month × 100 + day`.
    Date {
        reg: Reg,
    },
    /// An enumeration value; the value names, in order.
    Enum {
        reg: Reg,
        values: Vec<String>,
    },
    /// A text compared with texts written in the policy (`企业名称 = "…"`): the position of its
    /// value among `values`, or `values.len()` for any other text.
    Text {
        reg: Reg,
        values: Vec<String>,
    },
    /// A field with a value per year (`按年`): one register for each year the program reads,
    /// each read as `scalar` says. The years it does not read are only validated.
    Yearly {
        scalar: Scalar,
        years: Vec<(u16, Reg)>,
    },
    /// A field no compiled rule reads (a text such as the id): only validated.
    Unused,
}

/// How one value of a yearly field is read, whatever its year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// A number read at this scale (base units).
    Num {
        scale: u32,
    },
    Bool,
    /// An enumeration value; the value names, in order.
    Enum {
        values: Vec<String>,
    },
    /// A year (`年份`).
    Year,
    /// A date (`日期`).
    Date,
}

impl Scalar {
    /// The field input reading one year's value into `reg`.
    pub fn at(&self, reg: Reg) -> FieldIn {
        match self {
            Scalar::Num { scale } => FieldIn::Num { reg, scale: *scale },
            Scalar::Bool => FieldIn::Bool { reg },
            Scalar::Enum { values } => FieldIn::Enum { reg, values: values.clone() },
            Scalar::Year => FieldIn::Year { reg },
            Scalar::Date => FieldIn::Date { reg },
        }
    }
}

impl FieldIn {
    /// The register a yearly field's value of `year` is read into, when the program reads it.
    pub fn year_reg(&self, year: u16) -> Option<Reg> {
        match self {
            FieldIn::Yearly { years, .. } => {
                years.iter().find(|(y, _)| *y == year).map(|(_, r)| *r)
            }
            _ => None,
        }
    }
}

/// One reported rule: a column of the per-subject reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub def: DefId,
    pub name: String,
    pub reg: Reg,
    pub ty: Ty,
    /// The dimension of a number.
    pub dim: Dim,
    /// True for an award (`奖励`).
    pub award: bool,
}

/// One instruction: `dst` is always the first register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    /// Multiply by a constant: a power of ten bringing a number to a larger scale, or a
    /// constant factor written in the policy (`× 30%`, `× 20元/㎡`).
    Scale(Reg, Reg, i64),
    Add(Reg, Reg, Reg),
    Sub(Reg, Reg, Reg),
    Mul(Reg, Reg, Reg),
    Neg(Reg, Reg),
    Abs(Reg, Reg),
    Min(Reg, Reg, Reg),
    Max(Reg, Reg, Reg),
    /// Round to a multiple of the step (a positive mantissa at the same scale).
    Round(Reg, Reg, i64, RoundMode),
    Cmp(Reg, Reg, Reg, CmpOp),
    And(Reg, Reg, Reg),
    Or(Reg, Reg, Reg),
    Not(Reg, Reg),
    /// `若 c 则 t 否则 f`: missing when `c` is.
    If(Reg, Reg, Reg, Reg),
    /// `t` when `c` holds, else `f` (an exception, an award's eligibility).
    WhenTrue(Reg, Reg, Reg, Reg),
    /// A status: a missing condition does not hold.
    MissingFalse(Reg, Reg),
    /// Whether at least `need` of the registers `lists[start..start + len]` hold.
    Group {
        dst: Reg,
        start: u32,
        len: u32,
        need: u32,
    },
    /// `最高不超过`: the cap when the amount is above it.
    Cap(Reg, Reg, Reg),
    /// `核减`: the amount times what is kept, when both are numbers.
    Keep(Reg, Reg, Reg),
    /// The whole part (towards zero) of a number, dividing its mantissa by the constant (a
    /// power of ten): a number of years added to a year.
    Trunc(Reg, Reg, i64),
    /// A year: the value when it is one (0 to 65,535, what a year holds), else missing.
    InYear(Reg, Reg),
    /// `增长率(x)` from this year's value `n` and last year's `b` (one scale): whether the
    /// rate has a value (1), missing when either is; last year's zero, which the interpreter
    /// reports, sends the subject to it.
    Ratio(Reg, Reg, Reg),
    /// Whether `op` holds between the rate `n / b − 1` (`rate` says whether it has a value)
    /// and `t` (at `shift` more places than `n` and `b`): decided exactly by multiplying out,
    /// as the interpreter's 28-place quotient decides it; where that quotient's rounding could
    /// decide otherwise, the subject goes to the interpreter.
    CmpRatio {
        dst: Reg,
        rate: Reg,
        n: Reg,
        b: Reg,
        t: Reg,
        op: CmpOp,
        shift: u8,
    },
    /// Sends the subject to the interpreter where the condition holds (a streak of a subject
    /// without any yearly value, which the interpreter follows back through the years); the
    /// result is the condition.
    FallbackIf(Reg, Reg),
    /// A number (its mantissa at this scale) as an exact decimal ([`Ty::Dec`]).
    ToDec(Reg, Reg, u32),
    /// Decimal arithmetic, the interpreter's own: an overflow or a division by zero (which the
    /// interpreter reports) sends the subject to it.
    Dec(Reg, Reg, Reg, DecFn),
    /// Whether `op` holds between two decimals.
    DecCmp(Reg, Reg, Reg, CmpOp),
}

/// An operation on two exact decimals ([`Op::Dec`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum DecFn {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
}

/// `取整`, `向下取整`, `向上取整`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RoundMode {
    HalfAwayFromZero,
    Down,
    Up,
}

/// A policy's rules for one subject kind, compiled.
#[derive(Clone, Debug)]
pub struct Program {
    pub(crate) ops: Vec<Op>,
    pub(crate) init: Vec<Cv>,
    pub(crate) types: Vec<Option<Ty>>,
    pub(crate) lists: Vec<Reg>,
    /// Per register: whether it can be missing (an optional field, or a result passing one on).
    pub(crate) may_miss: Vec<bool>,
    /// Per instruction: whether none of its operands can be missing, so that it runs without
    /// checking for missing values.
    pub(crate) total: Vec<bool>,
    /// One entry per field of the subject, in declaration order (the slots of a record).
    pub fields: Vec<FieldIn>,
    /// The rules reported per subject, in declaration order.
    pub columns: Vec<Column>,
    /// The register of the subject's first year of data (the earliest year any yearly field
    /// has a value; missing when none has), when the program reads it (`连续年数` stops there,
    /// as the interpreter's does).
    pub first_year: Option<Reg>,
    /// The aggregations over the subject's members, each an input register like a field's
    /// (only from [`compile_with_members`]; empty otherwise).
    pub aggregates: Vec<MemberAgg>,
    /// The programs of the member kinds aggregated over: each computes, per member, the values
    /// and conditions the aggregations read.
    pub members: Vec<MemberProgram>,
}

/// An aggregation over an owner's members, an input of the owner's program: `reg` holds, for
/// each owner, `op` over those of its members whose condition (`cond`, a register of the
/// member kind's program; every member when none) holds, of the member program's `value`
/// (none for a count). As `eval::members` aggregates: a member whose condition is missing, or
/// whose value is missing while its condition holds, makes the aggregate missing, except that
/// `任一` is met by one member that meets it and `全部` fails on one that fails it; over no
/// members a sum and a count are 0, a maximum and a minimum missing, `任一` false and `全部`
/// true. A sum or a maximum keeps the value's scale; a count is a whole number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberAgg {
    /// The member kind.
    pub kind: SubjectId,
    /// The owner's register it fills.
    pub reg: Reg,
    pub op: AggOp,
    pub value: Option<Reg>,
    pub cond: Option<Reg>,
}

/// What an aggregation over members computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggOp {
    /// `合计`.
    Sum,
    /// `计数`.
    Count,
    /// `最大`.
    Max,
    /// `最小`.
    Min,
    /// `任一`.
    Any,
    /// `全部`.
    All,
}

/// A member kind's program: its fields read from the member's record, the values and
/// conditions of the aggregations computed (it reports no columns of its own).
#[derive(Clone, Debug)]
pub struct MemberProgram {
    pub kind: SubjectId,
    pub program: Program,
}

impl Program {
    /// How many instructions run per subject.
    pub fn instructions(&self) -> usize {
        self.ops.len()
    }

    /// The static type of a register.
    pub fn ty(&self, reg: Reg) -> Option<Ty> {
        self.types.get(reg as usize).copied().flatten()
    }
}

/// Why a subject kind's rules have no compiled form: the definition that has none (the
/// innermost, when one definition reads another), when the reason lies in one, and the
/// reason in words (naming that definition: ``in `增`: a yearly function, and there is no
/// evaluation year``).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCompiled {
    /// The definition without a compiled form; none when the reason is the subject kind's
    /// (a field with a default, a parameter without a value).
    pub rule: Option<DefId>,
    /// The reason, for a person.
    pub message: String,
}

impl std::fmt::Display for NotCompiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NotCompiled {}

impl NotCompiled {
    /// A reason that lies in no one definition.
    pub fn whole(message: impl Into<String>) -> Self {
        NotCompiled { rule: None, message: message.into() }
    }
}

/// Compiles the rules of `subject` in a checked policy, with the parameter values given
/// (by name; a parameter not given takes its default), for the evaluation year `year` (the
/// year yearly fields and parameters are read at; without one, a policy that reads yearly
/// data does not compile, as the interpreter then stops with `ZC0703`). Returns why, and
/// where, when some construct has no compiled form.
pub fn compile<'p>(
    policy: &'p Policy,
    checked: &Checked<'p>,
    subject: SubjectId,
    params: &BTreeMap<String, Value>,
    year: Option<u16>,
) -> Result<Program, NotCompiled> {
    compile_for_data(policy, checked, subject, params, year, None)
}

/// [`compile_for_data`] with the aggregations over members compiled too
/// ([`Program::aggregates`], [`Program::members`]): for a caller that gives the program each
/// owner's members, [`Machine::set_members`] (the register runner, which reads the member files
/// alongside the register), or works them out itself (the SQL output, `crate::sql`). A caller
/// that gives no members must use [`compile_for_data`], which refuses them.
pub fn compile_with_members<'p>(
    policy: &'p Policy,
    checked: &Checked<'p>,
    subject: SubjectId,
    params: &BTreeMap<String, Value>,
    year: Option<u16>,
    first_year: Option<u16>,
) -> Result<Program, NotCompiled> {
    compile_as(policy, checked, subject, params, (year, first_year), true)
}

/// [`compile`] for data whose yearly values begin in `first_year` at the earliest (a register
/// whose columns give the years from 2022 on): then a total over the years of a yearly field
/// from the subject's first year of data (`累计(x)`) compiles, as the sum of the years from
/// `first_year`, the years before a subject's own first year having no value.
pub fn compile_for_data<'p>(
    policy: &'p Policy,
    checked: &Checked<'p>,
    subject: SubjectId,
    params: &BTreeMap<String, Value>,
    year: Option<u16>,
    first_year: Option<u16>,
) -> Result<Program, NotCompiled> {
    compile_as(policy, checked, subject, params, (year, first_year), false)
}

/// The program of `subject`'s rules, the aggregations over members compiled when `members`
/// says so.
fn compile_as<'p>(
    policy: &'p Policy,
    checked: &Checked<'p>,
    subject: SubjectId,
    params: &BTreeMap<String, Value>,
    (year, first_year): (Option<u16>, Option<u16>),
    members: bool,
) -> Result<Program, NotCompiled> {
    let mut lower = lower::Lower::new(policy, checked, subject, params, year, first_year)
        .map_err(NotCompiled::whole)?;
    if members {
        lower = lower.with_members();
    }
    let (prog, optional) = lower.finish()?;
    checked_program(prog, &optional)
}

/// A lowered program (`optional`: per field, whether it is optional), checked for order and
/// analysed for missing values.
fn checked_program(mut prog: Program, optional: &[bool]) -> Result<Program, NotCompiled> {
    if !machine::ordered(&prog) {
        return Err(NotCompiled::whole("an instruction reads a register written after it"));
    }
    missing::analyse(&mut prog, optional);
    Ok(prog)
}
