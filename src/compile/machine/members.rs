//! Aggregations over members worked out by the compiled form: each member kind's program run
//! over a block's members, [`LANES`] at a time, its values folded per owner as `eval::members`
//! folds them ([`Acc`]), and each owner's aggregates set in its lane as it is loaded
//! ([`Machine::load_members`]).

use super::{LANES, MISSING, Machine};
use crate::checker::scope::SubjectId;
use crate::compile::{AggOp, Cv, Fallback, MemberAgg};
use crate::data::Record;

/// One owner's aggregates over the members of one kind, in the order of the program's
/// aggregations of that kind; [`Fallback`] when a member's value left the compiled form's
/// range (the owner then goes to the interpreter, with its members).
pub(super) type Owners = foldhash::HashMap<String, Result<Vec<Cv>, Fallback>>;

/// One aggregation's running value over an owner's members.
#[derive(Clone, Copy, Debug)]
struct Acc {
    op: AggOp,
    /// A member whose condition, or whose value while its condition holds, is missing.
    unknown: bool,
    count: i128,
    /// The sum, or the highest or lowest value, of the members counted so far.
    value: Option<i128>,
    any: bool,
    all: bool,
}

impl Acc {
    fn new(op: AggOp) -> Acc {
        Acc { op, unknown: false, count: 0, value: None, any: false, all: true }
    }

    /// One member: its condition (true when the aggregation has none) and its value (for a
    /// count, anything: a count reads no value).
    fn member(&mut self, cond: Cv, value: Cv) {
        match cond {
            Cv::Bool(false) => return,
            Cv::Bool(true) => {}
            _ => {
                self.unknown = true;
                return;
            }
        }
        match (self.op, value) {
            (AggOp::Count, _) => self.count += 1,
            (AggOp::Any | AggOp::All, Cv::Bool(b)) => {
                self.any |= b;
                self.all &= b;
            }
            (AggOp::Sum | AggOp::Max | AggOp::Min, Cv::Num(n)) => {
                let n = i128::from(n);
                self.value = Some(match (self.value, self.op) {
                    (None, _) => n,
                    (Some(a), AggOp::Max) => a.max(n),
                    (Some(a), AggOp::Min) => a.min(n),
                    (Some(a), _) => a.saturating_add(n),
                });
            }
            _ => self.unknown = true,
        }
    }

    /// The aggregate, as `eval::members` gives it: `任一` met by one member that meets it and
    /// `全部` failed by one that fails it, else missing once a member was unknown; over no
    /// counted members a sum and a count 0, a maximum and a minimum missing, `任一` false and
    /// `全部` true. A sum or a count past the compiled form's range falls back.
    fn finish(&self) -> Result<Cv, Fallback> {
        let num =
            |n: i128| i64::try_from(n).ok().filter(|n| *n != MISSING).map(Cv::Num).ok_or(Fallback);
        Ok(match self.op {
            AggOp::Any if self.any => Cv::Bool(true),
            AggOp::All if !self.all => Cv::Bool(false),
            _ if self.unknown => Cv::Missing,
            AggOp::Any => Cv::Bool(false),
            AggOp::All => Cv::Bool(true),
            AggOp::Count => num(self.count)?,
            AggOp::Sum => num(self.value.unwrap_or(0))?,
            AggOp::Max | AggOp::Min => match self.value {
                Some(n) => num(n)?,
                None => Cv::Missing,
            },
        })
    }
}

/// Runs the members loaded in `lanes` (the owner of each) and folds their values into their
/// owners' aggregates; a member that needs the interpreter sends its owner there.
fn fold(
    member: &mut Machine<'_>,
    aggs: &[&MemberAgg],
    lanes: &mut Vec<usize>,
    accs: &mut [Vec<Acc>],
    failed: &mut [bool],
) {
    member.run_lanes(lanes.len());
    for (lane, &o) in lanes.iter().enumerate() {
        if member.failed(lane) {
            if let Some(f) = failed.get_mut(o) {
                *f = true;
            }
            continue;
        }
        let Some(acc) = accs.get_mut(o) else { continue };
        for (acc, a) in acc.iter_mut().zip(aggs) {
            let cond = a.cond.map_or(Cv::Bool(true), |r| member.value_at(lane, r));
            let value = a.value.map_or(Cv::Missing, |r| member.value_at(lane, r));
            acc.member(cond, value);
        }
    }
    lanes.clear();
}

/// An aggregation over no members.
fn over_none(op: AggOp) -> Cv {
    match op {
        AggOp::Sum | AggOp::Count => Cv::Num(0),
        AggOp::Max | AggOp::Min => Cv::Missing,
        AggOp::Any => Cv::Bool(false),
        AggOp::All => Cv::Bool(true),
    }
}

impl Machine<'_> {
    /// Works out the aggregations over the members of `kind` for the owners in `groups` (each
    /// owner's id and its members' records, validated), replacing those of the owners given
    /// before: the member kind's program runs over the members [`LANES`] at a time. An owner
    /// not in `groups` has no members of that kind.
    pub fn set_members(&mut self, kind: SubjectId, groups: &[(String, Vec<Record>)]) {
        let prog = self.prog;
        let Some(k) = prog.members.iter().position(|m| m.kind == kind) else { return };
        let (Some(member), Some(owners)) = (self.members.get_mut(k), self.owners.get_mut(k)) else {
            return;
        };
        owners.clear();
        let aggs: Vec<&MemberAgg> = prog.aggregates.iter().filter(|a| a.kind == kind).collect();
        let mut accs: Vec<Vec<Acc>> =
            groups.iter().map(|_| aggs.iter().map(|a| Acc::new(a.op)).collect()).collect();
        let mut failed = vec![false; groups.len()];
        // The owner of each lane loaded.
        let mut lanes: Vec<usize> = Vec::with_capacity(LANES);
        for (o, (_, records)) in groups.iter().enumerate() {
            for r in records {
                if member.load_lane(lanes.len(), r).is_err() {
                    // Its lane is loaded again by the next member.
                    if let Some(f) = failed.get_mut(o) {
                        *f = true;
                    }
                    continue;
                }
                lanes.push(o);
                if lanes.len() == LANES {
                    fold(member, &aggs, &mut lanes, &mut accs, &mut failed);
                }
            }
        }
        if !lanes.is_empty() {
            fold(member, &aggs, &mut lanes, &mut accs, &mut failed);
        }
        for (((owner, _), acc), failed) in groups.iter().zip(&accs).zip(&failed) {
            let values = match failed {
                true => Err(Fallback),
                false => acc.iter().map(Acc::finish).collect(),
            };
            owners.insert(owner.clone(), values);
        }
    }

    /// Sets the owner `key`'s aggregations over members in `lane` (of the members given by
    /// [`set_members`](Machine::set_members)); false when the owner goes to the interpreter.
    pub fn load_members(&mut self, lane: usize, key: &str) -> bool {
        let prog = self.prog;
        if prog.aggregates.is_empty() {
            return true;
        }
        // The owners' values read where they are while the registers are written (apart
        // fields of the machine): no copy of them for every owner row.
        let Machine { owners, regs, pending, .. } = self;
        for (k, m) in prog.members.iter().enumerate() {
            let values = match owners.get(k).and_then(|o| o.get(key)) {
                Some(Ok(values)) => Some(values),
                Some(Err(Fallback)) => return false,
                None => None,
            };
            let aggs = prog.aggregates.iter().filter(|a| a.kind == m.kind);
            for (j, a) in aggs.enumerate() {
                let v = match values {
                    Some(values) => values.get(j).copied().unwrap_or(Cv::Missing),
                    None => over_none(a.op),
                };
                super::put(prog, regs, pending, (lane, a.reg), v);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn over(op: AggOp, members: &[(Cv, Cv)]) -> Result<Cv, Fallback> {
        let mut acc = Acc::new(op);
        for (c, v) in members {
            acc.member(*c, *v);
        }
        acc.finish()
    }

    const T: Cv = Cv::Bool(true);
    const F: Cv = Cv::Bool(false);
    const M: Cv = Cv::Missing;

    #[test]
    fn folds_as_the_interpreter_aggregates() {
        let n = Cv::Num;
        assert_eq!(over(AggOp::Sum, &[(T, n(5)), (F, n(100)), (T, n(-2))]), Ok(n(3)));
        assert_eq!(over(AggOp::Sum, &[(F, n(100))]), Ok(n(0)));
        assert_eq!(over(AggOp::Sum, &[(T, n(5)), (T, M)]), Ok(M));
        // A member left out by its condition is not read: its missing value does not count.
        assert_eq!(over(AggOp::Sum, &[(T, n(5)), (F, M)]), Ok(n(5)));
        assert_eq!(over(AggOp::Count, &[(T, M), (F, n(1)), (T, n(1))]), Ok(n(2)));
        assert_eq!(over(AggOp::Count, &[(M, n(1)), (T, n(1))]), Ok(M));
        assert_eq!(over(AggOp::Max, &[(T, n(5)), (T, n(9)), (F, n(20))]), Ok(n(9)));
        assert_eq!(over(AggOp::Min, &[(T, n(5)), (T, n(-9))]), Ok(n(-9)));
        assert_eq!(over(AggOp::Max, &[(F, n(5))]), Ok(M));
        assert_eq!(over(AggOp::Any, &[(T, M), (T, T)]), Ok(T));
        assert_eq!(over(AggOp::Any, &[(T, M), (T, F)]), Ok(M));
        assert_eq!(over(AggOp::Any, &[]), Ok(F));
        assert_eq!(over(AggOp::All, &[(M, T), (T, F)]), Ok(F));
        assert_eq!(over(AggOp::All, &[(M, T), (T, T)]), Ok(M));
        assert_eq!(over(AggOp::All, &[]), Ok(T));
        // Past an i64's range: the interpreter's exact decimal takes it.
        assert_eq!(over(AggOp::Sum, &[(T, n(i64::MAX)), (T, n(1))]), Err(Fallback));
        assert_eq!(over(AggOp::Sum, &[(T, n(i64::MIN + 1)), (T, n(-1))]), Err(Fallback));
    }

    #[test]
    fn no_members_give_what_no_members_give_the_interpreter() {
        for op in [AggOp::Sum, AggOp::Count, AggOp::Max, AggOp::Min, AggOp::Any, AggOp::All] {
            assert_eq!(Ok(over_none(op)), over(op, &[]), "{op:?}");
        }
    }
}
