//! What evaluating a policy for one subject yields: each rule's value and why.

use crate::ast::CmpOp;
use crate::checker::scope::DefId;

use super::value::V;

/// The outcome of every rule for one subject in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectOutcome {
    /// The subject's id.
    pub key: String,
    /// The evaluation year, when the policy uses yearly data.
    pub year: Option<u16>,
    /// One entry per rule and named value, in declaration order.
    pub rules: Vec<RuleOutcome>,
    /// The working, by name, when asked for ([`super::Evaluator::show_working`]); else empty.
    pub values: Vec<super::working::Named>,
    /// For a kind with member kinds (`主体 合同 属于 企业`): each member kind's members of this
    /// subject, each with its own rules' outcomes, in the order of the data; empty otherwise.
    pub members: Vec<MemberOutcomes>,
}

/// The members of one member kind of a subject, with their outcomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberOutcomes {
    /// The member kind's name.
    pub kind: String,
    /// Each member's outcome: its rules (those of `对于 KIND`), in the order of the data.
    pub outcomes: Vec<SubjectOutcome>,
}

/// One rule's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOutcome {
    pub def: DefId,
    pub value: V,
    pub detail: Detail,
}

/// Why a rule has its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// A named value: nothing more to say than its formula.
    Value,
    /// A condition group: which items held.
    Condition(GroupResult),
    /// An indicator table: each indicator and the gate.
    Indicators(IndicatorsResult),
    /// A score sheet: the points of each part.
    Score(Vec<PartResult>),
    /// An award: eligibility, the amount before and after cap and cut.
    Award(AwardResult),
    /// A grade: the band chosen.
    Grade { band: Option<String> },
    /// An error was reported for this rule; its value is unknown.
    Failed,
}

/// The result of a condition group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupResult {
    /// How many items must hold.
    pub need: usize,
    pub met: bool,
    pub items: Vec<ItemResult>,
}

/// The result of one named condition item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemResult {
    pub name: String,
    /// `None` when the data needed was missing.
    pub met: Option<bool>,
    /// For a comparison: both sides and the operator, so a report can say by how much.
    pub comparison: Option<Comparison>,
    /// The exception applied, by position, if any.
    pub exception: Option<usize>,
    /// A nested group.
    pub group: Option<GroupResult>,
}

/// Both sides of a comparison as evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub left: V,
    pub op: CmpOp,
    pub right: V,
}

/// The result of an indicator table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorsResult {
    pub indicators: Vec<IndicatorResult>,
    pub met: usize,
    pub gate: Option<u32>,
    pub passed: bool,
}

/// One indicator: its value and the targets that applied this year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorResult {
    pub name: String,
    pub value: V,
    /// `None` when the data was missing.
    pub met: Option<bool>,
    /// Each applicable target: the threshold and whether it held.
    pub targets: Vec<(Comparison, Option<bool>)>,
}

/// The points of one section or item of a score sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartResult {
    pub name: String,
    pub max: V,
    pub points: V,
    pub parts: Vec<PartResult>,
}

/// How an award's amount came about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardResult {
    pub eligible: bool,
    /// The positions of the `当` clauses that did not hold.
    pub failed: Vec<usize>,
    /// Those of `failed` that could not be decided (a value the data leaves empty): they do not
    /// hold, and the reports say that missing data decided it.
    pub undecided: Vec<usize>,
    pub base: V,
    pub cap: Option<V>,
    /// Whether the cap was reached: the computed amount at the cap or over it (then the cap is
    /// the amount).
    pub capped: bool,
    pub reduce: Option<V>,
    pub amount: V,
    /// Eligible, but not paid this year: a one-off award already due in an earlier year, or a
    /// yearly award past the years it runs.
    pub not_this_year: Option<NotThisYear>,
    /// The pool that pays it, when the policy declares one ([`super::pool::apply`]): `amount`
    /// is then the amount after the pool's cut, and the share keeps the amount claimed.
    pub pool: Option<super::pool::PoolShare>,
}

/// Why an eligible award pays nothing in the evaluation year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotThisYear {
    /// `一次性`: it was first due in this earlier year.
    PaidIn(u16),
    /// `每年 连续 N年`: it ran from `first` for `years` years.
    Ended { first: u16, years: rust_decimal::Decimal },
}
