//! Lowering a checked policy's definitions and expressions into [`Op`]s over registers.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;

use super::fixed::{MAX_SCALE, from_decimal, pow10};
use super::{
    AggOp, Column, Cv, DecFn, FieldIn, MemberAgg, NotCompiled, Op, Program, Reg, RoundMode, Scalar,
    Ty,
};
use crate::ast::{
    AwardClause, AwardDecl, BinOp, CmpOp, CondBody, CondGroup, Exception, Expr, ExprKind,
    GroupKind, IndicatorsDecl, Item, ItemKind, LogicOp, Node, Pattern, Policy, TargetKind, YearSel,
};
use crate::checker::scope::{DefId, DefSource, SubjectId};
use crate::checker::types::Ty as CheckTy;
use crate::checker::{Builtin, Checked};
use crate::data::Value;
use crate::eval::Evaluator;
use crate::eval::value::{V, shift_year, whole};
use crate::source::Span;
use crate::units::{Dim, Kind, parse_unit};

mod decimal;
mod members;
mod score;

type Res<T> = Result<T, String>;

/// The scale numbers of a field are read at: enough for fen and for shares written to four
/// places; a cell with more places is evaluated by the interpreter.
const FIELD_SCALE: u32 = 4;
const SHARE_SCALE: u32 = 6;

pub(super) struct Lower<'a, 'c, 'p> {
    policy: &'p Policy,
    checked: &'c Checked<'p>,
    subject: SubjectId,
    params: &'a BTreeMap<String, Value>,
    prog: Program,
    /// The year being compiled for: the evaluation year (none when there is none), or the year
    /// an index names.
    at: Option<u16>,
    /// The registers of the fields that are not yearly, whatever the year.
    fields: BTreeMap<DefId, (Reg, Ty)>,
    /// The text fields: their place among the fields. A text is read only where the policy
    /// compares it with texts it writes.
    texts: BTreeMap<DefId, usize>,
    /// The yearly fields: their place among the fields and how a value is read.
    yearly: BTreeMap<DefId, (usize, Scalar, Ty)>,
    /// Definitions compiled, by the year they were compiled for.
    defs: BTreeMap<(DefId, Option<u16>), (Reg, Ty)>,
    busy: BTreeSet<(DefId, Option<u16>)>,
    /// The innermost definition that had no compiled form, once one has failed.
    failed_in: Option<DefId>,
    /// The interpreter, for the definitions that read no subject's data: each is worked out
    /// once, exactly, when compiling, and enters the program as a constant.
    interpreter: Evaluator<'c, 'p>,
    /// The number constants, by register: rescaled when compiling, not when running.
    consts: BTreeMap<Reg, i64>,
    /// Per field of the subject, in order: whether it is optional.
    optional: Vec<bool>,
    /// The earliest year the data gives yearly values for, when known.
    first_year: Option<u16>,
    /// The growth rates (`增长率`), by the register saying whether each has a value: the
    /// numbers it divides, at one scale.
    ratios: BTreeMap<Reg, (Reg, Reg)>,
    /// The constant registers, by their encoded values.
    known: BTreeMap<Reg, i64>,
    /// The instructions made, each once: the register of its result.
    made: HashMap<Same, (Reg, Ty)>,
    /// The constant registers, by value and type.
    interned: HashMap<(i64, Ty), Reg>,
    /// Whether aggregations over members compile ([`Lower::with_members`]).
    aggregating: bool,
    /// The member kinds aggregated over, each lowered in its own scope: the values and
    /// conditions the aggregations read of every member.
    members: Vec<(SubjectId, Lower<'a, 'c, 'p>)>,
}

/// An instruction as it is compared with those made before (its destination left out; a
/// group by the registers it counts).
#[derive(PartialEq, Eq, Hash)]
enum Same {
    Op(Op),
    Group(Vec<Reg>, u32),
}

impl<'a, 'c, 'p> Lower<'a, 'c, 'p> {
    pub(super) fn new(
        policy: &'p Policy,
        checked: &'c Checked<'p>,
        subject: SubjectId,
        params: &'a BTreeMap<String, Value>,
        year: Option<u16>,
        first_year: Option<u16>,
    ) -> Res<Self> {
        let mut l = Lower {
            policy,
            checked,
            subject,
            params,
            prog: Program {
                ops: Vec::new(),
                init: Vec::new(),
                types: Vec::new(),
                lists: Vec::new(),
                fields: Vec::new(),
                columns: Vec::new(),
                may_miss: Vec::new(),
                total: Vec::new(),
                first_year: None,
                aggregates: Vec::new(),
                members: Vec::new(),
            },
            at: year,
            fields: BTreeMap::new(),
            texts: BTreeMap::new(),
            yearly: BTreeMap::new(),
            defs: BTreeMap::new(),
            busy: BTreeSet::new(),
            failed_in: None,
            interpreter: Evaluator::new(policy, checked, Some(subject), params.clone()),
            consts: BTreeMap::new(),
            optional: Vec::new(),
            first_year,
            ratios: BTreeMap::new(),
            known: BTreeMap::new(),
            made: HashMap::new(),
            interned: HashMap::new(),
            aggregating: false,
            members: Vec::new(),
        };
        let info = checked.scope.subjects.get(subject).ok_or("no such subject")?;
        for &def in &info.fields {
            let Some(DefSource::Field(f)) = checked.scope.defs.get(def).map(|d| d.source) else {
                return Err("a field without its declaration".into());
            };
            // An empty cell takes the default: the interpreter's reading, not compiled.
            if f.node.default.is_some() {
                return Err(format!("field `{}` has a default", f.node.name.node));
            }
            let scalar = match checked.types.get(def).map(|t| t.ty) {
                Some(CheckTy::Num(dim)) => {
                    let scale = if dim.kind() == Kind::Plain { FIELD_SCALE } else { SHARE_SCALE };
                    Some((Scalar::Num { scale }, Ty::Num(scale)))
                }
                Some(CheckTy::Bool) => Some((Scalar::Bool, Ty::Bool)),
                Some(CheckTy::Year) => Some((Scalar::Year, Ty::Year)),
                Some(CheckTy::Date) => Some((Scalar::Date, Ty::Date)),
                Some(CheckTy::Enum(e)) => {
                    let values =
                        checked.scope.enums.get(e).map(|i| i.values.clone()).unwrap_or_default();
                    Some((Scalar::Enum { values }, Ty::Enum(e)))
                }
                _ => None,
            };
            let field = match scalar {
                // The registers of the years read are made as the rules read them.
                Some((scalar, ty)) if f.node.by_year => {
                    l.yearly.insert(def, (l.prog.fields.len(), scalar.clone(), ty));
                    FieldIn::Yearly { scalar, years: Vec::new() }
                }
                Some((scalar, ty)) => {
                    let reg = l.reg(Some(ty), Cv::Missing);
                    l.fields.insert(def, (reg, ty));
                    scalar.at(reg)
                }
                None => {
                    if checked.types.get(def).map(|t| t.ty) == Some(CheckTy::Text)
                        && !f.node.by_year
                    {
                        l.texts.insert(def, l.prog.fields.len());
                    }
                    FieldIn::Unused
                }
            };
            l.prog.fields.push(field);
            l.optional.push(f.node.optional);
        }
        Ok(l)
    }

    /// Lowers every rule reported for the subject (and the top-level ones, which the
    /// interpreter evaluates for every subject too). Returns the program and, per field, whether
    /// it is optional.
    pub(super) fn finish(mut self) -> Result<(Program, Vec<bool>), NotCompiled> {
        match self.lower_rules() {
            Ok(()) => {}
            Err(message) => return Err(NotCompiled { rule: self.failed_in, message }),
        }
        for (kind, member) in std::mem::take(&mut self.members) {
            let program = super::checked_program(member.prog, &member.optional)?;
            self.prog.members.push(super::MemberProgram { kind, program });
        }
        Ok((self.prog, self.optional))
    }

    /// Lets aggregations over members compile: each becomes an input of the program
    /// ([`Program::aggregates`]), worked out from the member kind's own program
    /// ([`Program::members`]) by whoever runs it.
    pub(super) fn with_members(mut self) -> Self {
        self.aggregating = true;
        self
    }

    fn lower_rules(&mut self) -> Res<()> {
        let checked = self.checked;
        for (id, d) in checked.scope.defs.iter().enumerate() {
            let DefSource::Item(item) = d.source else { continue };
            if d.subject.is_some() && d.subject != Some(self.subject) {
                continue;
            }
            let shown = item.node.kind.is_rule();
            let reported = shown
                || matches!(
                    item.node.kind,
                    ItemKind::Budget(_) | ItemKind::Stated(_) | ItemKind::Share(_)
                );
            if !reported {
                continue;
            }
            let (reg, ty) = self.def(id)?;
            if d.subject.is_some() && shown {
                if matches!(ty, Ty::Text(_)) {
                    self.failed_in = Some(id);
                    return Err(format!(
                        "`{}` is a text, which the compiled form does not hold",
                        d.name
                    ));
                }
                if ty == Ty::Ratio {
                    self.failed_in = Some(id);
                    return Err(format!(
                        "`{}` is a growth rate, which the compiled form only compares",
                        d.name
                    ));
                }
                let dim = match checked.types.get(id).map(|t| t.ty) {
                    Some(CheckTy::Num(dim)) => dim,
                    _ => Dim::NUMBER,
                };
                self.prog.columns.push(Column {
                    def: id,
                    name: d.name.clone(),
                    reg,
                    ty,
                    dim,
                    award: matches!(item.node.kind, ItemKind::Award(_)),
                });
            }
        }
        Ok(())
    }

    fn reg(&mut self, ty: Option<Ty>, init: Cv) -> Reg {
        let r = Reg::try_from(self.prog.init.len()).unwrap_or(Reg::MAX);
        self.prog.init.push(init);
        self.prog.types.push(ty);
        r
    }

    /// The register of a constant, one per value and type.
    fn constant(&mut self, v: Cv, ty: Ty) -> (Reg, Ty) {
        if let Some(&r) = self.interned.get(&(v.encoded(), ty)) {
            return (r, ty);
        }
        let r = self.reg(Some(ty), v);
        self.known.insert(r, v.encoded());
        self.interned.insert((v.encoded(), ty), r);
        (r, ty)
    }

    /// The register holding what the instruction `make` gives: a constant when its operands
    /// are constants, the register of the same instruction made before, else a new one.
    fn op(&mut self, ty: Ty, make: impl FnOnce(Reg) -> Op) -> (Reg, Ty) {
        let op = make(Reg::MAX);
        let known = &self.known;
        // A decimal is never a constant register: its value lives in the decimal lanes.
        let folded = match ty {
            Ty::Dec => None,
            _ => super::machine::fold(&op, &self.prog.lists, |r| known.get(&r).copied()),
        };
        if let Some(x) = folded {
            let v = match ty {
                _ if x == super::MISSING => Cv::Missing,
                Ty::Num(_) | Ty::Year | Ty::Date | Ty::Dec => Cv::Num(x),
                Ty::Bool | Ty::Ratio => Cv::Bool(x != 0),
                Ty::Enum(_) | Ty::Text(_) => Cv::Enum(u32::try_from(x).unwrap_or(u32::MAX)),
            };
            let r = self.constant(v, ty);
            if let (Cv::Num(m), Ty::Num(_)) = (v, ty) {
                self.consts.insert(r.0, m);
            }
            return r;
        }
        let key = match op {
            Op::Group { start, len, need, .. } => {
                let list = self.prog.lists.get(start as usize..(start + len) as usize);
                Same::Group(list.unwrap_or_default().to_vec(), need)
            }
            other => Same::Op(other),
        };
        if let Some(&(r, t)) = self.made.get(&key)
            && t == ty
        {
            return (r, ty);
        }
        let dst = self.reg(Some(ty), Cv::Missing);
        self.prog.ops.push(super::machine::with_dst(op, dst));
        self.made.insert(key, (dst, ty));
        (dst, ty)
    }

    fn number(&mut self, d: Decimal) -> Res<(Reg, Ty)> {
        let d = d.normalize();
        let scale = d.scale();
        let m = from_decimal(d, scale).ok_or("a constant out of range")?;
        self.num_const(m, scale)
    }

    fn num_const(&mut self, m: i128, scale: u32) -> Res<(Reg, Ty)> {
        let m = i64::try_from(m)
            .ok()
            .filter(|m| *m != super::MISSING)
            .ok_or("a constant out of range")?;
        let r = self.constant(Cv::Num(m), Ty::Num(scale));
        self.consts.insert(r.0, m);
        Ok(r)
    }

    /// A number register at a scale at least its own.
    fn at_scale(&mut self, (r, ty): (Reg, Ty), to: u32) -> Res<Reg> {
        let Ty::Num(s) = ty else { return Err("a number was expected".into()) };
        if s == to {
            return Ok(r);
        }
        let f = to.checked_sub(s).and_then(pow10).ok_or("scales do not align")?;
        if let Some(&m) = self.consts.get(&r) {
            let m = super::fixed::mul(i128::from(m), f).ok_or("a constant out of range")?;
            return Ok(self.num_const(m, to)?.0);
        }
        let f = i64::try_from(f).map_err(|_| "scales too far apart")?;
        Ok(self.op(Ty::Num(to), |d| Op::Scale(d, r, f)).0)
    }

    /// The product of two numbers, at the sum of their scales.
    fn multiply(&mut self, a: (Reg, Ty), b: (Reg, Ty)) -> Res<(Reg, Ty)> {
        let (Ty::Num(sa), Ty::Num(sb)) = (a.1, b.1) else {
            return Err("arithmetic on something that is not a number".into());
        };
        let s = sa + sb;
        if s > MAX_SCALE {
            return Err("too many decimal places".into());
        }
        match (self.consts.get(&a.0).copied(), self.consts.get(&b.0).copied()) {
            (Some(x), Some(y)) => {
                let m = x.checked_mul(y).ok_or("a constant out of range")?;
                self.num_const(i128::from(m), s)
            }
            (Some(k), None) => Ok(self.op(Ty::Num(s), |d| Op::Scale(d, b.0, k))),
            (None, Some(k)) => Ok(self.op(Ty::Num(s), |d| Op::Scale(d, a.0, k))),
            (None, None) => Ok(self.op(Ty::Num(s), |d| Op::Mul(d, a.0, b.0))),
        }
    }

    /// Two values of one type, numbers brought to one scale.
    fn unify(&mut self, a: (Reg, Ty), b: (Reg, Ty)) -> Res<(Reg, Reg, Ty)> {
        match (a.1, b.1) {
            (Ty::Num(x), Ty::Num(y)) => {
                let s = x.max(y);
                Ok((self.at_scale(a, s)?, self.at_scale(b, s)?, Ty::Num(s)))
            }
            // A choice copies registers, not the decimal lanes.
            (Ty::Dec, _) | (_, Ty::Dec) => Err("a choice between exact decimals".into()),
            (x, y) if x == y => Ok((a.0, b.0, x)),
            _ => Err("values of different kinds".into()),
        }
    }

    fn def(&mut self, id: DefId) -> Res<(Reg, Ty)> {
        if let Some(v) = self.fields.get(&id) {
            return Ok(*v);
        }
        if self.yearly.contains_key(&id) {
            return self.yearly_field(id);
        }
        if let Some(&slot) = self.texts.get(&id) {
            return self.text_field(slot);
        }
        let key = (id, self.at);
        if let Some(v) = self.defs.get(&key) {
            return Ok(*v);
        }
        let checked = self.checked;
        let d = checked.scope.defs.get(id).ok_or("unknown definition")?;
        if !self.busy.insert(key) {
            return Err("definitions refer to each other".into());
        }
        let DefSource::Item(item) = d.source else {
            return Err(format!("field `{}` is not read by the compiled form", d.name));
        };
        let folded = match &item.node.kind {
            ItemKind::Param(_) => None,
            _ => {
                self.interpreter.constant(id, self.at).and_then(|v| self.constant_value(id, v).ok())
            }
        };
        if let Some(v) = folded {
            self.busy.remove(&key);
            self.defs.insert(key, v);
            return Ok(v);
        }
        let v = self.item(id, item).map_err(|why| {
            // The innermost definition that has no compiled form names itself.
            if self.failed_in.is_some() {
                return why;
            }
            self.failed_in = Some(id);
            format!("in `{}`: {why}", d.name)
        })?;
        self.busy.remove(&key);
        self.defs.insert(key, v);
        Ok(v)
    }

    /// The value of definition `id`, declared by `item`, in the year being compiled for.
    fn item(&mut self, id: DefId, item: &Node<Item>) -> Res<(Reg, Ty)> {
        Ok(match &item.node.kind {
            ItemKind::Param(p) => match self.params.get(&p.name.node).filter(|v| !v.is_missing()) {
                Some(Value::Series(by_year)) => {
                    let Some(year) = self.at else {
                        return Err(format!(
                            "parameter `{}` has a value per year and there is no evaluation year",
                            p.name.node
                        ));
                    };
                    // A year without a value is as the interpreter takes it: the default,
                    // else missing when optional, else no value (`ZC0705`, the interpreter's).
                    match (by_year.get(&year).filter(|v| !v.is_missing()), &p.default) {
                        (Some(v), _) => self.data_constant(v)?,
                        (None, Some(e)) => self.expr(e, None)?,
                        (None, None) if p.optional => self.missing_of(id)?,
                        (None, None) => {
                            return Err(format!(
                                "parameter `{}` has no value for {year}",
                                p.name.node
                            ));
                        }
                    }
                }
                Some(v) => self.data_constant(v)?,
                None => match &p.default {
                    Some(e) => self.expr(e, None)?,
                    None => return Err(format!("parameter `{}` has no value", p.name.node)),
                },
            },
            ItemKind::Let(l) => self.with_exceptions(&l.value, &l.exceptions)?,
            ItemKind::Condition(c) => self.group(&c.group.node)?,
            ItemKind::Award(a) => self.award(a)?,
            ItemKind::Status(s) => {
                let c = self.expr(&s.cond, None)?;
                if c.1 != Ty::Bool {
                    return Err("a status that is not a condition".into());
                }
                self.op(Ty::Bool, |dst| Op::MissingFalse(dst, c.0))
            }
            ItemKind::Budget(b) => self.expr(&b.total, None)?,
            ItemKind::Stated(s) => self.expr(&s.stated, None)?,
            ItemKind::Share(s) => self.expr(&s.value, None)?,
            ItemKind::Pool(p) => self.expr(&p.total, None)?,
            ItemKind::Indicators(t) => self.indicators(t)?,
            ItemKind::Score(s) => self.score(s)?,
            ItemKind::Grade(g) => self.grade(id, g)?,
            ItemKind::Matching(_) => return Err("a matching line has no compiled form".into()),
            _ => return Err("a declaration of this kind has no compiled form".into()),
        })
    }

    /// A yearly field in the year being compiled for: its register for that year, made the
    /// first time the year is read.
    fn yearly_field(&mut self, id: DefId) -> Res<(Reg, Ty)> {
        let name = || self.checked.scope.defs.get(id).map_or("", |d| d.name.as_str()).to_string();
        let Some(year) = self.at else {
            return Err(format!(
                "field `{}` has a value per year and there is no evaluation year",
                name()
            ));
        };
        let (slot, _, ty) =
            self.yearly.get(&id).cloned().ok_or("a yearly field without its place")?;
        if self.first_year.is_some_and(|first| year < first) {
            // Before the data's first year: no value.
            return Ok(self.constant(Cv::Missing, ty));
        }
        if let Some(reg) = self.prog.fields.get(slot).and_then(|f| f.year_reg(year)) {
            return Ok((reg, ty));
        }
        let reg = self.reg(Some(ty), Cv::Missing);
        match self.prog.fields.get_mut(slot) {
            Some(FieldIn::Yearly { years, .. }) => years.push((year, reg)),
            _ => return Err("a yearly field without its place".into()),
        }
        Ok((reg, ty))
    }

    /// A value the interpreter worked out for definition `id`, as a constant.
    fn constant_value(&mut self, id: DefId, v: V) -> Res<(Reg, Ty)> {
        match v {
            V::Num(n, _) => self.number(n),
            V::Bool(b) => Ok(self.constant(Cv::Bool(b), Ty::Bool)),
            V::Year(y) => Ok(self.constant(Cv::Num(i64::from(y)), Ty::Year)),
            V::Enum(e, i) => {
                let i = u32::try_from(i).map_err(|_| "enumeration index")?;
                Ok(self.constant(Cv::Enum(i), Ty::Enum(e)))
            }
            V::Missing => self.missing_of(id),
            _ => Err("a value of a kind the compiled form does not hold".into()),
        }
    }

    /// `+` and `-` with a year, as the interpreter does them: a year and a whole number of
    /// years make a year (missing past what a year holds), two years their difference.
    fn year_arithmetic(&mut self, op: BinOp, a: (Reg, Ty), b: (Reg, Ty)) -> Res<(Reg, Ty)> {
        match (a.1, b.1, op) {
            (Ty::Year, Ty::Year, BinOp::Sub) => Ok(self.op(Ty::Num(0), |d| Op::Sub(d, a.0, b.0))),
            (Ty::Year, Ty::Num(_), BinOp::Add | BinOp::Sub)
            | (Ty::Num(_), Ty::Year, BinOp::Add) => {
                let (year, n) = if a.1 == Ty::Year { (a, b) } else { (b, a) };
                let n = self.whole(n)?;
                let sum = self.op(Ty::Num(0), |d| {
                    if op == BinOp::Sub { Op::Sub(d, year.0, n) } else { Op::Add(d, year.0, n) }
                });
                Ok(self.op(Ty::Year, |d| Op::InYear(d, sum.0)))
            }
            _ => Err("arithmetic on a year other than adding or taking years".into()),
        }
    }

    /// The whole part of a number (towards zero), at scale 0.
    fn whole(&mut self, (r, ty): (Reg, Ty)) -> Res<Reg> {
        let Ty::Num(s) = ty else { return Err("a number was expected".into()) };
        if s == 0 {
            return Ok(r);
        }
        let p = pow10(s).and_then(|p| i64::try_from(p).ok()).ok_or("scales too far apart")?;
        Ok(self.op(Ty::Num(0), |d| Op::Trunc(d, r, p)).0)
    }

    /// The year a number is (its whole part, when a year holds it), else missing.
    fn as_year(&mut self, n: (Reg, Ty)) -> Res<(Reg, Ty)> {
        let w = self.whole(n)?;
        Ok(self.op(Ty::Year, |d| Op::InYear(d, w)))
    }

    /// A text field, read as the position of its value among the texts it is compared with.
    fn text_field(&mut self, slot: usize) -> Res<(Reg, Ty)> {
        let ty = Ty::Text(u32::try_from(slot).map_err(|_| "too many fields")?);
        if let Some(FieldIn::Text { reg, .. }) = self.prog.fields.get(slot) {
            return Ok((*reg, ty));
        }
        let reg = self.reg(Some(ty), Cv::Missing);
        match self.prog.fields.get_mut(slot) {
            Some(f) => *f = FieldIn::Text { reg, values: Vec::new() },
            None => return Err("a text field without its place".into()),
        }
        Ok((reg, ty))
    }

    /// `text = "…"` or `≠`: the text's position compared with the written text's, which joins
    /// the texts the field is compared with.
    fn text_compare(&mut self, field: (Reg, Ty), text: &str, op: CmpOp) -> Res<(Reg, Ty)> {
        let Ty::Text(slot) = field.1 else { return Err("a text compared with a value".into()) };
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Err("a text compared by order".into());
        }
        let Some(FieldIn::Text { values, .. }) = self.prog.fields.get_mut(slot as usize) else {
            return Err("a text field without its place".into());
        };
        if !values.iter().any(|v| v == text) {
            values.push(text.to_string());
        }
        let i = super::machine::text_position(values, text);
        let c = self.constant(Cv::Enum(i), field.1);
        Ok(self.op(Ty::Bool, |d| Op::Cmp(d, field.0, c.0, op)))
    }

    /// A value that is missing, of the type the checker gave definition `id`.
    fn missing_of(&mut self, id: DefId) -> Res<(Reg, Ty)> {
        let ty = match self.checked.types.get(id).map(|t| t.ty) {
            Some(CheckTy::Num(_)) => Ty::Num(0),
            Some(CheckTy::Bool) => Ty::Bool,
            Some(CheckTy::Enum(e)) => Ty::Enum(e),
            Some(CheckTy::Year) => Ty::Year,
            _ => return Err("a missing value of a kind the compiled form does not read".into()),
        };
        Ok(self.constant(Cv::Missing, ty))
    }

    /// The year an index names (`当年 - 1年`, `2023年`), worked out when compiling: a year
    /// that depends on the data has no compiled form. `None` when it is no year (the value is
    /// then missing, as for the interpreter).
    fn index_year(&self, e: &Expr) -> Res<Option<u16>> {
        Ok(match self.year_value(e)? {
            YearValue::Year(y) => Some(y),
            YearValue::Num(n) => whole(n).and_then(|y| u16::try_from(y).ok()),
            YearValue::Missing => None,
        })
    }

    fn year_value(&self, e: &Expr) -> Res<YearValue> {
        let depends = || Err("a year that depends on the data".to_string());
        match &e.node {
            ExprKind::Paren(inner) => self.year_value(inner),
            ExprKind::Quantity(_) => Ok(YearValue::Num(self.constant_number(e)?)),
            ExprKind::Name(n) if self.checked.scope.lookup(n, Some(self.subject)).is_none() => {
                if crate::checker::CURRENT_YEAR.contains(&n.as_str()) {
                    self.at.map(YearValue::Year).ok_or_else(|| "the evaluation year".to_string())
                } else {
                    depends()
                }
            }
            // As the interpreter: a year and a number of years make a year, two years their
            // difference, anything else with a year nothing.
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub), l, r) => {
                let (a, b) = (self.year_value(l)?, self.year_value(r)?);
                let sub = *op == BinOp::Sub;
                let year = |y: Option<u16>| y.map_or(YearValue::Missing, YearValue::Year);
                Ok(match (a, b) {
                    (YearValue::Year(x), YearValue::Year(y)) if sub => {
                        YearValue::Num(Decimal::from(i32::from(x) - i32::from(y)))
                    }
                    (YearValue::Year(x), YearValue::Num(n)) => year(shift_year(x, n, sub)),
                    (YearValue::Num(n), YearValue::Year(y)) if !sub => {
                        year(shift_year(y, n, false))
                    }
                    (YearValue::Num(x), YearValue::Num(y)) => {
                        let v = if sub { x.checked_sub(y) } else { x.checked_add(y) };
                        v.map_or(YearValue::Missing, YearValue::Num)
                    }
                    _ => YearValue::Missing,
                })
            }
            _ => depends(),
        }
    }

    fn data_constant(&mut self, v: &Value) -> Res<(Reg, Ty)> {
        match v {
            Value::Number { value, .. } => self.number(*value),
            Value::Bool(b) => Ok(self.constant(Cv::Bool(*b), Ty::Bool)),
            Value::Year(y) => Ok(self.constant(Cv::Num(i64::from(*y)), Ty::Year)),
            Value::Enum { enum_name, index } => {
                let e =
                    *self.checked.scope.enum_names.get(enum_name).ok_or("unknown enumeration")?;
                let i = u32::try_from(*index).map_err(|_| "enumeration index")?;
                Ok(self.constant(Cv::Enum(i), Ty::Enum(e)))
            }
            _ => Err("a parameter of a kind the compiled form does not read".into()),
        }
    }

    /// The value of `default`, or of the first exception whose condition holds.
    fn with_exceptions(
        &mut self,
        default: &Expr,
        exceptions: &[Node<Exception>],
    ) -> Res<(Reg, Ty)> {
        let mut acc = self.expr(default, None)?;
        for ex in exceptions.iter().rev() {
            let c = self.expr(&ex.node.cond, None)?;
            let v = self.expr(&ex.node.value, None)?;
            let (t, f, ty) = self.unify(v, acc)?;
            acc = self.op(ty, |d| Op::WhenTrue(d, c.0, t, f));
        }
        Ok(acc)
    }

    fn group(&mut self, g: &CondGroup) -> Res<(Reg, Ty)> {
        let mut items = Vec::new();
        for item in &g.items {
            let r = match &item.node.body {
                CondBody::Group(inner) => self.group(&inner.node)?,
                CondBody::Expr { expr, exceptions } => self.with_exceptions(expr, exceptions)?,
            };
            if r.1 != Ty::Bool {
                return Err("a condition item that is not a condition".into());
            }
            items.push(r.0);
        }
        let need = match &g.kind {
            GroupKind::All => items.len(),
            GroupKind::Any => 1.min(items.len()),
            GroupKind::AtLeast(n) => usize::try_from(n.node).unwrap_or(usize::MAX),
        };
        let start = u32::try_from(self.prog.lists.len()).map_err(|_| "too many items")?;
        let len = u32::try_from(items.len()).map_err(|_| "too many items")?;
        let need = u32::try_from(need).unwrap_or(u32::MAX);
        self.prog.lists.extend(items);
        Ok(self.op(Ty::Bool, |dst| Op::Group { dst, start, len, need }))
    }

    fn award(&mut self, a: &AwardDecl) -> Res<(Reg, Ty)> {
        let mut conds = Vec::new();
        let mut base = None;
        let mut cap = None;
        let mut reduce = None;
        for c in &a.clauses {
            match &c.node {
                AwardClause::When(e) => {
                    let r = self.expr(e, None)?;
                    if r.1 != Ty::Bool {
                        return Err("an award condition that is not a condition".into());
                    }
                    conds.push(r.0);
                }
                AwardClause::Amount { value, exceptions } => {
                    base = Some(self.with_exceptions(value, exceptions)?);
                }
                AwardClause::Cap(e) => cap = Some(self.expr(e, None)?),
                AwardClause::Reduce(e) => reduce = Some(self.expr(e, None)?),
                AwardClause::Citation(_)
                | AwardClause::Once
                | AwardClause::Yearly { .. }
                | AwardClause::Source(_) => {}
            }
        }
        let mut amount = match base {
            Some(b) => b,
            None => self.number(Decimal::ZERO)?,
        };
        if let Some(c) = cap {
            let (x, c, ty) = self.unify(amount, c)?;
            amount = self.op(ty, |d| Op::Cap(d, x, c));
        }
        if let Some(r) = reduce {
            let one = self.number(Decimal::ONE)?;
            let (o, r, ty) = self.unify(one, r)?;
            let kept = self.op(ty, |d| Op::Sub(d, o, r));
            let (Ty::Num(sa), Ty::Num(sk)) = (amount.1, kept.1) else {
                return Err("a cut of something that is not an amount".into());
            };
            let s = sa + sk;
            if s > MAX_SCALE {
                return Err("too many decimal places".into());
            }
            let x = amount.0;
            amount = self.op(Ty::Num(s), |d| Op::Keep(d, x, kept.0));
        }
        if conds.is_empty() {
            // Always eligible: the amount itself.
            return Ok(amount);
        }
        let zero = self.number(Decimal::ZERO)?;
        let (x, z, ty) = self.unify(amount, zero)?;
        let mut eligible = self.all_held(conds)?;
        if let Some(before) = self.due_before(a)? {
            let not = self.op(Ty::Bool, |d| Op::Not(d, before.0));
            eligible = self.op(Ty::Bool, |d| Op::And(d, eligible.0, not.0));
        }
        Ok(self.op(ty, |d| Op::WhenTrue(d, eligible.0, x, z)))
    }

    /// Whether every one of `conds` holds (a missing one does not).
    fn all_held(&mut self, conds: Vec<Reg>) -> Res<(Reg, Ty)> {
        let start = u32::try_from(self.prog.lists.len()).map_err(|_| "too many items")?;
        let len = u32::try_from(conds.len()).map_err(|_| "too many items")?;
        self.prog.lists.extend(conds);
        Ok(self.op(Ty::Bool, |dst| Op::Group { dst, start, len, need: len }))
    }

    /// For an award paid once (`一次性`) or for so many years (`每年 连续 N年`) whose conditions
    /// read yearly data, as the interpreter judges it from the subject's earlier years: whether
    /// it was due in a year that keeps it from paying in the year being compiled for (any
    /// earlier year, once; a year at least N years back, for N years), each year counted from
    /// the subject's own first year of data. `None` when nothing keeps it.
    fn due_before(&mut self, a: &AwardDecl) -> Res<Option<(Reg, Ty)>> {
        const MAX_YEARS: u16 = 200;
        let once = a.clauses.iter().any(|c| matches!(c.node, AwardClause::Once));
        let during = a.clauses.iter().find_map(|c| match &c.node {
            AwardClause::Yearly { during: Some(q) } => Some(crate::eval::points_value(&q.node)),
            _ => None,
        });
        let when = a.conditions();
        if (!once && during.is_none())
            || !crate::eval::yearly::depends_on_year(self.checked, Some(self.subject), &when)
        {
            return Ok(None);
        }
        let year = self.at.ok_or("an award paid once, and there is no evaluation year")?;
        let first = self.first_year.ok_or("an award paid once from a first year unknown")?;
        if year.saturating_sub(first) > MAX_YEARS {
            return Err("an award paid once over more years than the interpreter follows".into());
        }
        // A subject without any yearly value has no earlier year that keeps the award.
        let own_first = self.first_year_reg();
        let mut before = self.constant(Cv::Bool(false), Ty::Bool);
        for t in first..year {
            let keeps = once || during.is_some_and(|n| Decimal::from(year - t) >= n);
            if !keeps {
                continue;
            }
            let outer = self.at.replace(t);
            let held: Res<Vec<Reg>> = when
                .iter()
                .map(|e| {
                    let r = self.expr(e, None)?;
                    if r.1 == Ty::Bool {
                        Ok(r.0)
                    } else {
                        Err("a condition that is not one".into())
                    }
                })
                .collect();
            self.at = outer;
            let due = self.all_held(held?)?;
            let at = self.constant(Cv::Num(i64::from(t)), Ty::Year);
            let counted = self.compare(own_first, at, CmpOp::Le)?;
            let counted = self.op(Ty::Bool, |d| Op::MissingFalse(d, counted.0));
            let due = self.op(Ty::Bool, |d| Op::And(d, due.0, counted.0));
            before = self.op(Ty::Bool, |d| Op::Or(d, before.0, due.0));
        }
        Ok(Some(before))
    }

    fn expr(&mut self, e: &Expr, hint: Option<usize>) -> Res<(Reg, Ty)> {
        crate::depth::with_stack(|| self.expr_node(e, hint))
    }

    fn expr_node(&mut self, e: &Expr, hint: Option<usize>) -> Res<(Reg, Ty)> {
        match &e.node {
            ExprKind::Quantity(q) => self.quantity(q),
            ExprKind::Bool(b) => Ok(self.constant(Cv::Bool(*b), Ty::Bool)),
            ExprKind::Name(n) => self.name(n, hint),
            ExprKind::Paren(inner) => self.expr(inner, None),
            ExprKind::Neg(inner) => {
                let a = self.expr(inner, None)?;
                match a.1 {
                    Ty::Num(_) => Ok(self.op(a.1, |d| Op::Neg(d, a.0))),
                    Ty::Dec => {
                        let zero = self.number(Decimal::ZERO)?;
                        self.arith(DecFn::Sub, zero, a)
                    }
                    _ => Ok(a),
                }
            }
            ExprKind::Binary(op, l, r) => {
                let a = self.expr(l, None)?;
                let b = self.expr(r, None)?;
                if a.1 == Ty::Year || b.1 == Ty::Year {
                    return self.year_arithmetic(*op, a, b);
                }
                let f = match op {
                    BinOp::Add => DecFn::Add,
                    BinOp::Sub => DecFn::Sub,
                    BinOp::Mul => DecFn::Mul,
                    // A quotient is held as the interpreter holds it, an exact decimal.
                    BinOp::Div => return self.arith(DecFn::Div, a, b),
                };
                if a.1 == Ty::Dec || b.1 == Ty::Dec {
                    return self.arith(f, a, b);
                }
                match op {
                    BinOp::Add | BinOp::Sub => {
                        let (x, y, ty) = self.unify(a, b)?;
                        if !matches!(ty, Ty::Num(_)) {
                            return Err("arithmetic on something that is not a number".into());
                        }
                        let add = *op == BinOp::Add;
                        Ok(self.op(ty, |d| if add { Op::Add(d, x, y) } else { Op::Sub(d, x, y) }))
                    }
                    _ => self.multiply(a, b),
                }
            }
            ExprKind::Compare(cmp, l, r) => {
                if let Some(t) = text_literal(r) {
                    let a = self.expr(l, None)?;
                    return self.text_compare(a, t, cmp.op);
                }
                if let Some(t) = text_literal(l) {
                    let b = self.expr(r, None)?;
                    return self.text_compare(b, t, cmp.op);
                }
                let a = self.expr(l, None)?;
                let b = self.expr(r, enum_of(a.1))?;
                self.compare(a, b, cmp.op)
            }
            ExprKind::Logic(op, l, r) => {
                let a = self.expr(l, None)?;
                let b = self.expr(r, None)?;
                if a.1 != Ty::Bool || b.1 != Ty::Bool {
                    return Err("logic on something that is not a condition".into());
                }
                let and = *op == LogicOp::And;
                Ok(self
                    .op(Ty::Bool, |d| if and { Op::And(d, a.0, b.0) } else { Op::Or(d, a.0, b.0) }))
            }
            ExprKind::Where(_) => Err("an aggregation over members".into()),
            ExprKind::Not(inner) => {
                let a = self.expr(inner, None)?;
                if a.1 != Ty::Bool {
                    return Err("negation of something that is not a condition".into());
                }
                Ok(self.op(Ty::Bool, |d| Op::Not(d, a.0)))
            }
            ExprKind::If(c, t, f) => {
                let c = self.expr(c, None)?;
                if c.1 != Ty::Bool {
                    return Err("a choice on something that is not a condition".into());
                }
                let t = self.expr(t, None)?;
                let f = self.expr(f, None)?;
                let (x, y, ty) = self.unify(t, f)?;
                Ok(self.op(ty, |d| Op::If(d, c.0, x, y)))
            }
            ExprKind::Call(func, args) => self.call(&func.node, args, e.span),
            ExprKind::Text(_) => Err("a text".into()),
            ExprKind::Date(d) => {
                Ok(self.constant(Cv::Num(super::machine::date_code(*d)), Ty::Date))
            }
            ExprKind::Index(base, index) => {
                let Some(year) = self.index_year(index)? else {
                    return Err("a year out of range".into());
                };
                let outer = self.at.replace(year);
                let v = self.expr(base, hint);
                self.at = outer;
                v
            }
            ExprKind::Member(base, part) => self.member_of(base, &part.node),
            ExprKind::Tier(scrutinee, arms) => self.tier(scrutinee, arms),
        }
    }

    /// `分档 s { p: v; … }`: the value of the first arm whose pattern `s` matches; missing when
    /// `s` is, or when no arm matches.
    fn tier(&mut self, scrutinee: &Expr, arms: &[Node<crate::ast::TierArm>]) -> Res<(Reg, Ty)> {
        let s = self.expr(scrutinee, None)?;
        let mut chosen = Vec::new();
        for arm in arms {
            let cond = self.matches(s, &arm.node.pattern.node)?;
            chosen.push((cond, self.expr(&arm.node.value, None)?));
        }
        self.first_chosen(chosen)
    }

    /// `等级 g: v { 名: 模式; … }` (declared as `id`): the first band whose pattern `v`
    /// matches, as a value of the grade's enumeration; missing when `v` is, or no band
    /// matches.
    fn grade(&mut self, id: DefId, g: &crate::ast::GradeDecl) -> Res<(Reg, Ty)> {
        let e = *self.checked.scope.grade_enums.get(&id).ok_or("a grade without its values")?;
        let info = self.checked.scope.enums.get(e).ok_or("a grade without its values")?;
        let v = self.expr(&g.value, None)?;
        let mut chosen = Vec::new();
        for band in &g.bands {
            let i = info.index_of(&band.node.name.node).ok_or("a band without its value")?;
            let i = u32::try_from(i).map_err(|_| "enumeration index")?;
            let cond = self.matches(v, &band.node.pattern.node)?;
            chosen.push((cond, self.constant(Cv::Enum(i), Ty::Enum(e))));
        }
        self.first_chosen(chosen)
    }

    /// Whether `s` matches a pattern of a tier or a grade: missing when `s` is (then no
    /// pattern matches).
    fn matches(&mut self, s: (Reg, Ty), pattern: &Pattern) -> Res<(Reg, Ty)> {
        let hint = enum_of(s.1);
        Ok(match pattern {
            // Holds whenever the scrutinee has a value.
            Pattern::Otherwise if s.1 == Ty::Dec => self.dec_compare(s, s, CmpOp::Eq)?,
            Pattern::Otherwise => {
                let (x, y, _) = self.unify(s, s)?;
                self.op(Ty::Bool, |d| Op::Cmp(d, x, y, CmpOp::Eq))
            }
            Pattern::Compare(cmp, v) => {
                let v = self.expr(v, hint)?;
                self.compare(s, v, cmp.op)?
            }
            Pattern::Equals(v) => {
                let v = self.expr(v, hint)?;
                self.compare(s, v, CmpOp::Eq)?
            }
        })
    }

    /// The value beside the first condition that holds, missing (of the values' type) when
    /// none does.
    fn first_chosen(&mut self, chosen: Vec<((Reg, Ty), (Reg, Ty))>) -> Res<(Reg, Ty)> {
        let first = chosen.first().ok_or("a choice without arms")?.1;
        let mut acc = self.constant(Cv::Missing, first.1);
        for (cond, value) in chosen.into_iter().rev() {
            let (t, f, ty) = self.unify(value, acc)?;
            acc = self.op(ty, |d| Op::WhenTrue(d, cond.0, t, f));
        }
        Ok(acc)
    }

    /// Whether `op` holds between two values, as the interpreter compares them: a year with a
    /// number compares with the year the number is; missing when either is.
    fn compare(&mut self, a: (Reg, Ty), b: (Reg, Ty), op: CmpOp) -> Res<(Reg, Ty)> {
        match (a.1, b.1) {
            (Ty::Ratio, Ty::Num(_)) => return self.compare_rate(a.0, b, op),
            (Ty::Num(_), Ty::Ratio) => return self.compare_rate(b.0, a, flipped(op)),
            (Ty::Ratio, _) | (_, Ty::Ratio) => {
                return Err("a growth rate compared with something other than a number".into());
            }
            _ => {}
        }
        if a.1 == Ty::Dec || b.1 == Ty::Dec {
            return self.dec_compare(a, b, op);
        }
        let (a, b) = match (a.1, b.1) {
            (Ty::Year, Ty::Num(_)) => (a, self.as_year(b)?),
            (Ty::Num(_), Ty::Year) => (self.as_year(a)?, b),
            _ => (a, b),
        };
        let (x, y, _) = self.unify(a, b)?;
        Ok(self.op(Ty::Bool, |d| Op::Cmp(d, x, y, op)))
    }

    /// Whether `op` holds between the growth rate `rate` and the number `t`.
    fn compare_rate(&mut self, rate: Reg, t: (Reg, Ty), op: CmpOp) -> Res<(Reg, Ty)> {
        let (n, b) = *self.ratios.get(&rate).ok_or("a growth rate used other than compared")?;
        let Ty::Num(shift) = t.1 else {
            return Err("a growth rate compared with a non-number".into());
        };
        let shift = u8::try_from(shift).map_err(|_| "too many decimal places")?;
        Ok(self.op(Ty::Bool, |dst| Op::CmpRatio { dst, rate, n, b, t: t.0, op, shift }))
    }

    /// `增长率(x)`: this year's value over last year's, less one, as a rate only compared.
    fn growth(&mut self, e: &Expr) -> Res<(Reg, Ty)> {
        self.at.ok_or("a yearly function, and there is no evaluation year")?;
        let now = self.expr(e, None)?;
        let before = self.year_before(e, None)?;
        let (n, b, ty) = self.unify(now, before)?;
        if !matches!(ty, Ty::Num(_)) {
            return Err("a growth rate of something that is not a number".into());
        }
        let rate = self.op(Ty::Ratio, |d| Op::Ratio(d, n, b));
        self.ratios.insert(rate.0, (n, b));
        Ok(rate)
    }

    /// `累计(x, 起)`: the values of `x` from the year `起` (a year of the subject's) to the
    /// year being compiled for, as the interpreter totals them: at most 200 years back;
    /// missing when `起` is no year or comes after this year, or when a year of the span has
    /// no value (a year left out is not a year of 0). Compiled over the years from the data's
    /// first; a subject whose `起` is before the data's first year (whose earlier years the
    /// interpreter reads) goes to the interpreter.
    fn cumulative_from(&mut self, e: &Expr, from: &Expr) -> Res<(Reg, Ty)> {
        const MAX_YEARS: u16 = 200;
        let year = self.at.ok_or("a yearly function, and there is no evaluation year")?;
        let first = self.first_year.ok_or("a total over the years from a first year unknown")?;
        let start = self.expr(from, None)?;
        let start = match start.1 {
            Ty::Year => start,
            Ty::Num(_) => self.as_year(start)?,
            _ => return Err("a total from something that is not a year".into()),
        };
        let lo = first.max(year.saturating_sub(MAX_YEARS));
        let sum = self.total_over(e, lo, year, start)?;
        let this = self.constant(Cv::Num(i64::from(year)), Ty::Year);
        let spans = self.compare(start, this, CmpOp::Le)?;
        let none = self.constant(Cv::Missing, sum.1);
        let mut total = self.op(sum.1, |d| Op::If(d, spans.0, sum.0, none.0));
        if first > year.saturating_sub(MAX_YEARS) {
            // From before the data's first year: a yearly field has no value there, so the
            // total is unknown; anything else the interpreter works out.
            let at = self.constant(Cv::Num(i64::from(first)), Ty::Year);
            let before = self.compare(start, at, CmpOp::Lt)?;
            if self.yearly_field_of(e).is_some() {
                let known = self.op(Ty::Bool, |d| Op::Not(d, before.0));
                total = self.op(sum.1, |d| Op::If(d, known.0, total.0, none.0));
            } else {
                self.op(Ty::Bool, |d| Op::FallbackIf(d, before.0));
            }
        }
        Ok(total)
    }

    /// The sum over the years `lo..=year` of `x`, each year counted when `from` is at or before
    /// it: missing where `from` is, or where a year counted has no value.
    fn total_over(&mut self, e: &Expr, lo: u16, year: u16, from: (Reg, Ty)) -> Res<(Reg, Ty)> {
        let mut sum: Option<(Reg, Ty)> = None;
        for y in lo..=year {
            let at = self.constant(Cv::Num(i64::from(y)), Ty::Year);
            let counted = self.compare(from, at, CmpOp::Le)?;
            let outer = self.at.replace(y);
            let v = self.expr(e, None);
            self.at = outer;
            let v = v?;
            if !matches!(v.1, Ty::Num(_)) {
                return Err("a total of something that is not a number".into());
            }
            let zero = self.number(Decimal::ZERO)?;
            let (x, z, ty) = self.unify(v, zero)?;
            let term = self.op(ty, |d| Op::If(d, counted.0, x, z));
            sum = Some(match sum {
                None => term,
                Some(acc) => {
                    let (x, y, ty) = self.unify(acc, term)?;
                    self.op(ty, |d| Op::Add(d, x, y))
                }
            });
        }
        match sum {
            Some(s) => Ok(s),
            // Every year is before the data's first: no value, of the type the values have.
            None => {
                let ty = self.expr(e, None)?.1;
                Ok(self.constant(Cv::Missing, ty))
            }
        }
    }

    /// The yearly field `e` names (in parentheses or not), if it is one.
    fn yearly_field_of(&self, e: &Expr) -> Option<DefId> {
        let mut inner = e;
        while let ExprKind::Paren(x) = &inner.node {
            inner = x;
        }
        let field = match &inner.node {
            ExprKind::Name(n) => self.checked.scope.lookup(n, Some(self.subject)),
            _ => None,
        };
        field.filter(|f| self.yearly.contains_key(f))
    }

    /// The register of the subject's own first year of data (missing when it has no yearly
    /// value), made the first time it is read; a subject without one goes to the interpreter,
    /// which follows its yearly functions back through the years.
    fn own_first_year(&mut self) -> (Reg, Ty) {
        let own_first = self.first_year_reg();
        let some = self.op(Ty::Bool, |d| Op::Cmp(d, own_first.0, own_first.0, CmpOp::Eq));
        let some = self.op(Ty::Bool, |d| Op::MissingFalse(d, some.0));
        let none = self.op(Ty::Bool, |d| Op::Not(d, some.0));
        self.op(Ty::Bool, |d| Op::FallbackIf(d, none.0));
        own_first
    }

    /// The register of the subject's own first year of data, missing for a subject without
    /// any yearly value.
    fn first_year_reg(&mut self) -> (Reg, Ty) {
        match self.prog.first_year {
            Some(r) => (r, Ty::Year),
            None => {
                let r = self.reg(Some(Ty::Year), Cv::Missing);
                self.prog.first_year = Some(r);
                (r, Ty::Year)
            }
        }
    }

    /// `连续年数(c)`: how many years in a row, back from the year being compiled for, `c`
    /// holds, as the interpreter counts them: a year before the subject's own first year of
    /// data ends the streak. A subject's data begins no earlier than the data's first year, so
    /// the streak is compiled over the years from there, forward: one more each year `c` holds
    /// from the subject's first, none after a year it does not. A subject without any yearly
    /// value (whose streak the interpreter follows back through the years) goes to the
    /// interpreter.
    fn streak(&mut self, c: &Expr) -> Res<(Reg, Ty)> {
        const MAX_YEARS: u16 = 200;
        let year = self.at.ok_or("a yearly function, and there is no evaluation year")?;
        let first = self.first_year.ok_or("a streak over years from a first year unknown")?;
        if year.saturating_sub(first) > MAX_YEARS {
            return Err("a streak over more years than the interpreter counts".into());
        }
        let own_first = self.own_first_year();
        let one = self.number(Decimal::ONE)?;
        let zero = self.number(Decimal::ZERO)?;
        let mut n = zero;
        for y in first..=year {
            let outer = self.at.replace(y);
            let held = self.expr(c, None);
            self.at = outer;
            let held = held?;
            if held.1 != Ty::Bool {
                return Err("a streak of something that is not a condition".into());
            }
            let at = self.constant(Cv::Num(i64::from(y)), Ty::Year);
            let from_first = self.compare(own_first, at, CmpOp::Le)?;
            let counted = self.op(Ty::Bool, |d| Op::And(d, held.0, from_first.0));
            let more = self.op(Ty::Num(0), |d| Op::Add(d, n.0, one.0));
            n = self.op(Ty::Num(0), |d| Op::WhenTrue(d, counted.0, more.0, zero.0));
        }
        Ok(n)
    }

    /// `累计(x)` of a yearly field `x`, as the interpreter totals it: the values of the years
    /// from the subject's first year of data (at most 200 years back) to the year being
    /// compiled for; missing when a year of the span has no value (a year left out is not a
    /// year of 0), or when the subject's data begins after this year. Compiled as the years from
    /// the data's first, each counted from the subject's own first.
    fn cumulative(&mut self, e: &Expr) -> Res<(Reg, Ty)> {
        const MAX_YEARS: u16 = 200;
        let year = self.at.ok_or("a yearly function, and there is no evaluation year")?;
        if self.yearly_field_of(e).is_none() {
            return Err("a total over the years of something other than a yearly field".into());
        }
        let first = self.first_year.ok_or("a total over the years from a first year unknown")?;
        let lo = first.max(year.saturating_sub(MAX_YEARS));
        let own_first = self.own_first_year();
        let sum = self.total_over(e, lo, year, own_first)?;
        let this = self.constant(Cv::Num(i64::from(year)), Ty::Year);
        let spans = self.compare(own_first, this, CmpOp::Le)?;
        let none = self.constant(Cv::Missing, sum.1);
        Ok(self.op(sum.1, |d| Op::If(d, spans.0, sum.0, none.0)))
    }

    /// `e` in the year before the one being compiled for (`上年`).
    fn year_before(&mut self, e: &Expr, hint: Option<usize>) -> Res<(Reg, Ty)> {
        let year = self.at.ok_or("a yearly function, and there is no evaluation year")?;
        let outer = self.at.replace(year.saturating_sub(1));
        let v = self.expr(e, hint);
        self.at = outer;
        v
    }

    /// An indicator table in the year being compiled for, as the interpreter decides it: an
    /// indicator is met when each of its targets for the year holds (one that cannot be decided
    /// is not met; without a target for the year it is met), and the table passes when every
    /// indicator is met, or with a gate (`门槛 至少 n 项`) when at least n are.
    fn indicators(&mut self, t: &IndicatorsDecl) -> Res<(Reg, Ty)> {
        let year = self.at.ok_or("an indicator table, and there is no evaluation year")?;
        let start = match &t.from {
            Some(e) => {
                let s = self.expr(e, None)?;
                Some(match s.1 {
                    Ty::Year => s,
                    Ty::Num(_) => self.as_year(s)?,
                    _ => return Err("a starting year that is not a year".into()),
                })
            }
            None => None,
        };
        let mut met = Vec::new();
        for ind in &t.indicators {
            let value = self.expr(&ind.node.value, None)?;
            let mut held = Vec::new();
            for target in &ind.node.targets {
                // Whether the target is for this year: fixed when compiling, except a year
                // counted from the starting year, which may be the subject's.
                let applies = match target.node.year.node {
                    YearSel::Every => None,
                    YearSel::Calendar(y) if y == year => None,
                    YearSel::Calendar(_) => continue,
                    YearSel::Creation(n) => {
                        let (Some(start), Some(first)) = (start, u32::from(year).checked_sub(n))
                        else {
                            continue;
                        };
                        let first = u16::try_from(first).map_err(|_| "a year out of range")?;
                        let at = self.constant(Cv::Num(i64::from(first)), Ty::Year);
                        let same = self.compare(start, at, CmpOp::Eq)?;
                        Some(self.op(Ty::Bool, |d| Op::MissingFalse(d, same.0)))
                    }
                };
                let h = match &target.node.kind {
                    TargetKind::Compare(cmp, e) => {
                        let threshold = self.expr(e, enum_of(value.1))?;
                        self.compare(value, threshold, cmp.op)?
                    }
                    TargetKind::Growth(g) => {
                        let rate = self.expr(g, None)?;
                        let before = self.year_before(&ind.node.value, None)?;
                        let one = self.number(Decimal::ONE)?;
                        let (x, y, ty) = self.unify(one, rate)?;
                        let factor = self.op(ty, |d| Op::Add(d, x, y));
                        let threshold = self.multiply(before, factor)?;
                        self.compare(value, threshold, CmpOp::Ge)?
                    }
                };
                held.push(match applies {
                    None => h.0,
                    Some(applies) => {
                        let yes = self.constant(Cv::Bool(true), Ty::Bool);
                        self.op(Ty::Bool, |d| Op::If(d, applies.0, h.0, yes.0)).0
                    }
                });
            }
            met.push(self.all_of(held, None)?);
        }
        let gate = t.gates.first().map(|g| g.node);
        Ok((self.all_of(met, gate)?, Ty::Bool))
    }

    /// Whether at least `need` of the conditions `items` hold (all of them without `need`); one
    /// that is missing does not hold.
    fn all_of(&mut self, items: Vec<Reg>, need: Option<u32>) -> Res<Reg> {
        let start = u32::try_from(self.prog.lists.len()).map_err(|_| "too many items")?;
        let len = u32::try_from(items.len()).map_err(|_| "too many items")?;
        let need = need.unwrap_or(len);
        self.prog.lists.extend(items);
        Ok(self.op(Ty::Bool, |dst| Op::Group { dst, start, len, need }).0)
    }

    fn name(&mut self, n: &str, hint: Option<usize>) -> Res<(Reg, Ty)> {
        let scope = &self.checked.scope;
        if let Some(def) = scope.lookup(n, Some(self.subject)) {
            return self.def(def);
        }
        if crate::checker::CURRENT_YEAR.contains(&n) {
            let year = self.at.ok_or("the evaluation year, and there is none")?;
            return Ok(self.constant(Cv::Num(i64::from(year)), Ty::Year));
        }
        if let Some(values) = scope.enum_values.get(n) {
            let chosen = values.iter().find(|(e, _)| Some(*e) == hint).or(values.first());
            if let Some(&(e, i)) = chosen {
                let i = u32::try_from(i).map_err(|_| "enumeration index")?;
                return Ok(self.constant(Cv::Enum(i), Ty::Enum(e)));
            }
        }
        Err(format!("unknown name `{n}`"))
    }

    fn call(&mut self, name: &str, args: &[Expr], span: Span) -> Res<(Reg, Ty)> {
        let (builtin, _, _) = crate::checker::lookup_builtin(name).ok_or("unknown function")?;
        if builtin.aggregates()
            && let Some(&(kind, _)) = self.checked.aggregations.get(&span)
        {
            return self.aggregate(kind, builtin, args);
        }
        if builtin.aggregates_only() {
            return Err("an aggregation over members".into());
        }
        match builtin {
            Builtin::Min | Builtin::Max | Builtin::Sum => {
                let mut acc: Option<(Reg, Ty)> = None;
                for a in args {
                    let v = self.expr(a, None)?;
                    if !matches!(v.1, Ty::Num(_)) {
                        return Err("a function of something that is not a number".into());
                    }
                    acc = Some(match acc {
                        None => v,
                        Some(prev) => {
                            let (x, y, ty) = self.unify(prev, v)?;
                            self.op(ty, |d| match builtin {
                                Builtin::Min => Op::Min(d, x, y),
                                Builtin::Max => Op::Max(d, x, y),
                                _ => Op::Add(d, x, y),
                            })
                        }
                    });
                }
                acc.ok_or_else(|| "a function without arguments".into())
            }
            Builtin::Abs => {
                let a = self.expr(args.first().ok_or("no argument")?, None)?;
                if !matches!(a.1, Ty::Num(_)) {
                    return Err("a function of something that is not a number".into());
                }
                Ok(self.op(a.1, |d| Op::Abs(d, a.0)))
            }
            Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
                let x = self.expr(args.first().ok_or("no argument")?, None)?;
                let step = self.constant_number(args.get(1).ok_or("no step")?)?;
                let Ty::Num(sx) = x.1 else { return Err("rounding a non-number".into()) };
                if step <= Decimal::ZERO {
                    return Err("a rounding step that is not positive".into());
                }
                let s = sx.max(step.normalize().scale());
                let m = from_decimal(step, s)
                    .and_then(|m| i64::try_from(m).ok())
                    .ok_or("a rounding step out of range")?;
                let x = self.at_scale(x, s)?;
                let mode = match builtin {
                    Builtin::Round => RoundMode::HalfAwayFromZero,
                    Builtin::RoundDown => RoundMode::Down,
                    _ => RoundMode::Up,
                };
                Ok(self.op(Ty::Num(s), |d| Op::Round(d, x, m, mode)))
            }
            Builtin::Previous => self.year_before(args.first().ok_or("no argument")?, None),
            Builtin::Cumulative => match args {
                [x] => self.cumulative(x),
                [x, from] => self.cumulative_from(x, from),
                _ => Err("a total with other arguments".into()),
            },
            Builtin::Growth => self.growth(args.first().ok_or("no argument")?),
            Builtin::ConsecutiveYears => self.streak(args.first().ok_or("no argument")?),
            Builtin::Count | Builtin::Any | Builtin::All | Builtin::Allocate => {
                Err("an aggregation over members".into())
            }
            Builtin::AverageGrowth => Err("an average yearly growth (an nth root)".into()),
        }
    }

    /// A rounding step: a number written in the policy.
    fn constant_number(&self, e: &Expr) -> Res<Decimal> {
        match &e.node {
            ExprKind::Quantity(q) => match &q.unit {
                None => Ok(q.value),
                Some(u) => parse_unit(&u.node)
                    .ok()
                    .and_then(|unit| unit.to_base(q.value).ok())
                    .ok_or_else(|| "a rounding step out of range".into()),
            },
            ExprKind::Paren(inner) => self.constant_number(inner),
            _ => Err("a rounding step that is not a constant".into()),
        }
    }
}

/// A year or a number, as an index is worked out when compiling.
#[derive(Clone, Copy)]
enum YearValue {
    Year(u16),
    Num(Decimal),
    Missing,
}

/// The enumeration of a value of type `ty`, which names in a value compared with it are read in.
fn enum_of(ty: Ty) -> Option<usize> {
    match ty {
        Ty::Enum(e) => Some(e),
        _ => None,
    }
}

/// The comparison with its sides swapped: `a op b` is `b flipped(op) a`.
fn flipped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Eq | CmpOp::Ne => op,
    }
}

/// The text an expression writes (`"山西大新传动技术有限公司"`), when it is one.
fn text_literal(e: &Expr) -> Option<&str> {
    match &e.node {
        ExprKind::Text(t) => Some(t),
        ExprKind::Paren(inner) => text_literal(inner),
        _ => None,
    }
}
