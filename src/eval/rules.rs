//! Evaluating each kind of definition: values, conditions, indicators, score sheets, grades,
//! awards and statuses, recording why each has its value.

use rust_decimal::Decimal;

use super::coverage::Branch;
use super::expr::{compare, holds};
use super::outcome::{
    AwardResult, Comparison, Detail, GroupResult, IndicatorResult, IndicatorsResult, ItemResult,
    NotThisYear, PartResult,
};
use super::value::V;
use super::{Evaluator, Frame, R};
use crate::ast::{
    AwardClause, AwardDecl, CmpOp, CondBody, CondGroup, DeductionPoints, Exception, Expr, ExprKind,
    GroupKind, IndicatorsDecl, ItemKind, Node, Quantity, ScorePart, Scoring, TargetKind, YearSel,
};
use crate::checker::scope::{DefId, DefSource};
use crate::diagnostics::{Code, Text};
use crate::source::Span;
use crate::units::{Dim, parse_unit};

impl Evaluator<'_, '_> {
    pub(super) fn compute_def(&self, frame: &mut Frame<'_>, def: DefId, year: u16) -> R<V> {
        let Some(d) = self.checked.scope.defs.get(def) else { return Ok(V::Missing) };
        let span = d.span;
        let item = match d.source {
            DefSource::Field(f) => {
                let slot = self.slots.get(def).copied().flatten();
                let v = match slot.and_then(|s| frame.record.fields.get(s)) {
                    Some(value) => self.data_value(frame, value, year, span)?,
                    None => V::Missing,
                };
                // An empty cell of a field with a default takes the default.
                return match (&v, &f.node.default) {
                    (V::Missing, Some(e)) => self.eval(frame, e, year),
                    _ => Ok(v),
                };
            }
            DefSource::Item(item) => item,
        };
        if item.node.kind.is_rule() {
            frame.hit(span, Branch::Reached);
        }
        let at_year = frame.year.is_none_or(|y| y == year);
        match &item.node.kind {
            ItemKind::Param(p) => {
                let given = self.params.get(&p.name.node).filter(|v| !v.is_missing());
                // A value per year without the year asked for is missing too.
                let lacks_year = match given {
                    Some(crate::data::Value::Series(by_year)) => {
                        frame.year.is_some()
                            && by_year.get(&year).is_none_or(crate::data::Value::is_missing)
                    }
                    _ => false,
                };
                if let Some(v) = given
                    && !lacks_year
                {
                    return self.data_value(frame, v, year, span);
                }
                match &p.default {
                    Some(e) => self.eval(frame, e, year),
                    None if p.optional => Ok(V::Missing),
                    None => Err(self.missing_param(frame, p, lacks_year.then_some(year))),
                }
            }
            ItemKind::Let(l) => {
                let v =
                    self.with_exceptions(frame, &l.value, &l.exceptions, year).map(|(v, _)| v)?;
                // A ratio of like quantities declared a percentage (`令 裁员率: % = 裁员人数 ÷
                // 参保人数`) is that percentage: the same fraction, shown with `%`.
                Ok(match (v, self.checked.types.get(def).map(|t| t.ty)) {
                    (V::Num(n, d), Some(crate::checker::types::Ty::Num(want)))
                        if d == crate::units::Dim::NUMBER
                            && want.kind() == crate::units::Kind::Percent =>
                    {
                        V::Num(n, want)
                    }
                    (v, _) => v,
                })
            }
            ItemKind::Condition(c) => {
                let g = self.group(frame, &c.group.node, year)?;
                let v = V::Bool(g.met);
                if at_year {
                    frame.details.insert(def, Detail::Condition(g));
                }
                Ok(v)
            }
            ItemKind::Indicators(t) => {
                let r = self.indicators(frame, t, year)?;
                let v = V::Bool(r.passed);
                if at_year {
                    frame.details.insert(def, Detail::Indicators(r));
                }
                Ok(v)
            }
            ItemKind::Score(s) => {
                let parts = self.score_parts(frame, &s.parts, year)?;
                let total = sum_points(&parts);
                if at_year {
                    frame.details.insert(def, Detail::Score(parts));
                }
                Ok(total)
            }
            ItemKind::Grade(g) => {
                let v = self.eval(frame, &g.value, year)?;
                let mut chosen = None;
                if v != V::Missing {
                    for band in &g.bands {
                        if self.matches(frame, &band.node.pattern.node, &v, year)? {
                            frame.hit(band.span, Branch::Chosen);
                            chosen = Some(band.node.name.node.clone());
                            break;
                        }
                    }
                }
                let eid = self.checked.scope.grade_enums.get(&def).copied();
                let value = match (&chosen, eid) {
                    (Some(name), Some(e)) => self
                        .checked
                        .scope
                        .enums
                        .get(e)
                        .and_then(|info| info.index_of(name))
                        .map_or(V::Missing, |i| V::Enum(e, i)),
                    _ => V::Missing,
                };
                if at_year {
                    frame.details.insert(def, Detail::Grade { band: chosen });
                }
                Ok(value)
            }
            ItemKind::Award(a) => {
                let r = self.award(frame, a, year)?;
                let v = r.amount.clone();
                if at_year {
                    frame.details.insert(def, Detail::Award(r));
                }
                Ok(v)
            }
            ItemKind::Status(s) => {
                let v = self.eval(frame, &s.cond, year)?;
                Ok(if v == V::Missing { V::Bool(false) } else { v })
            }
            ItemKind::Budget(b) => self.eval(frame, &b.total, year),
            ItemKind::Stated(s) => self.eval(frame, &s.stated, year),
            ItemKind::Share(s) => self.eval(frame, &s.value, year),
            ItemKind::Pool(p) => self.eval(frame, &p.total, year),
            ItemKind::Stack(s) => self.stack_value(frame, s, span, year),
            _ => Ok(V::Missing),
        }
    }

    /// A stacking rule read as a value (the checker lets only one of this policy's own awards
    /// be read, `ZC0213`): what it pays the subject, worked out as the reports work it out
    /// ([`super::stack::combine`]). Missing when one of its awards is, or the amount received
    /// that it deducts (`扣除 FIELD`) is.
    fn stack_value(
        &self,
        frame: &mut Frame<'_>,
        s: &crate::ast::StackDecl,
        span: crate::source::Span,
        year: u16,
    ) -> R<V> {
        let read = |frame: &mut Frame<'_>, name: &str| -> R<Option<rust_decimal::Decimal>> {
            match self.lookup(name) {
                Some(d) => Ok(super::stack::money(&self.def_at(frame, d, year)?)),
                None => Ok(None),
            }
        };
        let mut amounts = Vec::new();
        for m in &s.members {
            let [one] = m.node.as_slice() else { return Ok(V::Missing) };
            let Some(amount) = read(frame, &one.node)? else { return Ok(V::Missing) };
            amounts.push((one.node.clone(), Some(amount)));
        }
        let received = match &s.received {
            Some(f) => Some(super::stack::Received {
                field: f.node.clone(),
                amount: read(frame, &f.node)?,
            }),
            None => None,
        };
        let out = super::stack::combine(&s.name.node, s.mode, amounts, received);
        match out.total {
            Some(t) => Ok(V::Num(t, crate::units::Dim::MONEY)),
            None if out.missing() => Ok(V::Missing),
            None => Err(self.overflow(frame, span)),
        }
    }

    /// The value of `default`, or of the first exception whose condition holds (with its index).
    fn with_exceptions(
        &self,
        frame: &mut Frame<'_>,
        default: &Expr,
        exceptions: &[Node<Exception>],
        year: u16,
    ) -> R<(V, Option<usize>)> {
        for (i, ex) in exceptions.iter().enumerate() {
            if self.eval(frame, &ex.node.cond, year)?.as_bool() == Some(true) {
                frame.hit(ex.span, Branch::Chosen);
                return Ok((self.eval(frame, &ex.node.value, year)?, Some(i)));
            }
        }
        if !exceptions.is_empty() {
            frame.hit(default.span, Branch::Default);
        }
        Ok((self.eval(frame, default, year)?, None))
    }

    fn group(&self, frame: &mut Frame<'_>, g: &CondGroup, year: u16) -> R<GroupResult> {
        let mut items = Vec::new();
        for item in &g.items {
            let r = match &item.node.body {
                CondBody::Group(inner) => {
                    let gr = self.group(frame, &inner.node, year)?;
                    ItemResult {
                        name: item.node.name.node.clone(),
                        met: Some(gr.met),
                        comparison: None,
                        exception: None,
                        group: Some(gr),
                    }
                }
                CondBody::Expr { expr, exceptions } => {
                    let mut chosen = expr;
                    let mut exception = None;
                    for (i, ex) in exceptions.iter().enumerate() {
                        if self.eval(frame, &ex.node.cond, year)?.as_bool() == Some(true) {
                            frame.hit(ex.span, Branch::Chosen);
                            chosen = &ex.node.value;
                            exception = Some(i);
                            break;
                        }
                    }
                    if exception.is_none() && !exceptions.is_empty() {
                        frame.hit(expr.span, Branch::Default);
                    }
                    let met = self.eval(frame, chosen, year)?.as_bool();
                    match met {
                        Some(true) => frame.hit(item.node.name.span, Branch::Held),
                        Some(false) => frame.hit(item.node.name.span, Branch::NotHeld),
                        None => {}
                    }
                    let comparison = self.comparison(frame, chosen, year)?;
                    ItemResult {
                        name: item.node.name.node.clone(),
                        met,
                        comparison,
                        exception,
                        group: None,
                    }
                }
            };
            items.push(r);
        }
        let held = items.iter().filter(|i| i.met == Some(true)).count();
        let need = match &g.kind {
            GroupKind::All => items.len(),
            GroupKind::Any => 1.min(items.len()),
            GroupKind::AtLeast(n) => usize::try_from(n.node).unwrap_or(usize::MAX),
        };
        Ok(GroupResult { need, met: held >= need, items })
    }

    /// Both sides of a top-level comparison, for reporting margins.
    fn comparison(&self, frame: &mut Frame<'_>, e: &Expr, year: u16) -> R<Option<Comparison>> {
        let mut e = e;
        while let ExprKind::Paren(inner) = &e.node {
            e = inner;
        }
        let ExprKind::Compare(cmp, l, r) = &e.node else { return Ok(None) };
        let left = self.eval(frame, l, year)?;
        let right = self.eval_hinted(frame, r, year, &left)?;
        Ok(Some(Comparison { left, op: cmp.op, right }))
    }

    fn indicators(
        &self,
        frame: &mut Frame<'_>,
        t: &IndicatorsDecl,
        year: u16,
    ) -> R<IndicatorsResult> {
        let start = match &t.from {
            Some(e) => self.eval(frame, e, year)?.as_year(),
            None => None,
        };
        let mut out = Vec::new();
        for ind in &t.indicators {
            let value = self.eval(frame, &ind.node.value, year)?;
            let mut targets = Vec::new();
            for target in &ind.node.targets {
                let applies = match target.node.year.node {
                    YearSel::Every => true,
                    YearSel::Calendar(y) => y == year,
                    YearSel::Creation(n) => {
                        start.is_some_and(|s| u32::from(s) + n == u32::from(year))
                    }
                };
                if !applies {
                    continue;
                }
                let (op, threshold) = match &target.node.kind {
                    TargetKind::Compare(cmp, e) => {
                        (cmp.op, self.eval_hinted(frame, e, year, &value)?)
                    }
                    TargetKind::Growth(g) => {
                        let g = self.eval(frame, g, year)?;
                        let before = self.eval(frame, &ind.node.value, year.saturating_sub(1))?;
                        let threshold = match (before, g) {
                            (V::Num(b, d), V::Num(rate, _)) => Decimal::ONE
                                .checked_add(rate)
                                .and_then(|f| b.checked_mul(f))
                                .map_or(V::Missing, |t| V::Num(t, d)),
                            _ => V::Missing,
                        };
                        (CmpOp::Ge, threshold)
                    }
                };
                let met = holds(&value, op, &threshold);
                targets.push((Comparison { left: value.clone(), op, right: threshold }, met));
            }
            // No target this year: nothing is required of the indicator, so it counts as met.
            let met = targets.iter().try_fold(true, |acc, (_, m)| m.map(|m| acc && m));
            match met {
                Some(true) => frame.hit(ind.node.name.span, Branch::Held),
                Some(false) => frame.hit(ind.node.name.span, Branch::NotHeld),
                None => {}
            }
            out.push(IndicatorResult { name: ind.node.name.node.clone(), value, met, targets });
        }
        let met = out.iter().filter(|i| i.met == Some(true)).count();
        let gate = t.gates.first().map(|g| g.node);
        let passed = match gate {
            Some(n) => u32::try_from(met).is_ok_and(|m| m >= n),
            None => met == out.len(),
        };
        Ok(IndicatorsResult { indicators: out, met, gate, passed })
    }

    fn score_parts(
        &self,
        frame: &mut Frame<'_>,
        parts: &[Node<ScorePart>],
        year: u16,
    ) -> R<Vec<PartResult>> {
        let mut out = Vec::new();
        for p in parts {
            out.push(match &p.node {
                ScorePart::Section(s) => {
                    let inner = self.score_parts(frame, &s.parts, year)?;
                    PartResult {
                        name: s.name.node.clone(),
                        max: points(&s.points.node),
                        points: sum_points(&inner),
                        parts: inner,
                    }
                }
                ScorePart::Item(i) => {
                    let max = points(&i.points.node);
                    let got = self.item_points(frame, &i.scoring.node, &max, year)?;
                    PartResult { name: i.name.node.clone(), max, points: got, parts: Vec::new() }
                }
            });
        }
        Ok(out)
    }

    fn item_points(&self, frame: &mut Frame<'_>, scoring: &Scoring, max: &V, year: u16) -> R<V> {
        let Some(max_n) = max.as_num() else { return Ok(V::Missing) };
        let clamp = |n: Decimal| V::Num(n.max(Decimal::ZERO).min(max_n), Dim::SCORE);
        Ok(match scoring {
            Scoring::Criteria(cs) => {
                let mut total = Decimal::ZERO;
                for c in cs {
                    let held = self.eval(frame, &c.node.cond, year)?.as_bool() == Some(true);
                    let branch = if held { Branch::Held } else { Branch::NotHeld };
                    frame.hit(c.node.name.span, branch);
                    if held {
                        total = total
                            .checked_add(points_value(&c.node.points.node))
                            .ok_or_else(|| self.overflow(frame, c.span))?;
                    }
                }
                clamp(total)
            }
            Scoring::Ratio { value, .. } => match self.eval(frame, value, year)? {
                V::Num(r, _) => {
                    let r = r.max(Decimal::ZERO).min(Decimal::ONE);
                    clamp(max_n.checked_mul(r).ok_or_else(|| self.overflow(frame, value.span))?)
                }
                _ => V::Missing,
            },
            Scoring::Given { value, .. } => match self.eval(frame, value, year)? {
                V::Num(n, _) => clamp(n),
                _ => V::Missing,
            },
            Scoring::Deductions(ds) => {
                let mut total = Decimal::ZERO;
                let mut unknown = false;
                for d in ds {
                    let v = self.eval(frame, &d.node.value, year)?;
                    let taken = match (&d.node.points.node, v) {
                        (DeductionPoints::Fixed(q), V::Bool(true)) => points_value(q),
                        (DeductionPoints::Fixed(_), _) => Decimal::ZERO,
                        (DeductionPoints::Range { min, max, .. }, V::Num(n, _)) => {
                            if !n.is_zero() && (n < *min || n > *max) {
                                return Err(self.deduction_range(
                                    frame,
                                    d.node.value.span,
                                    n,
                                    *min,
                                    *max,
                                ));
                            }
                            n
                        }
                        // A deduction of points the data leaves empty: the item's points are
                        // unknown, never full marks.
                        (DeductionPoints::Range { .. }, V::Missing) => {
                            unknown = true;
                            Decimal::ZERO
                        }
                        (DeductionPoints::Range { .. }, _) => Decimal::ZERO,
                    };
                    total = total.checked_add(taken).ok_or_else(|| self.overflow(frame, d.span))?;
                }
                if unknown {
                    return Ok(V::Missing);
                }
                clamp(max_n.checked_sub(total).unwrap_or(Decimal::ZERO))
            }
        })
    }

    fn deduction_range(
        &self,
        frame: &mut Frame<'_>,
        span: Span,
        n: Decimal,
        min: Decimal,
        max: Decimal,
    ) -> super::Stop {
        let (n, min, max) = (n.normalize(), min.normalize(), max.normalize());
        self.fail(
            frame,
            Code::DeductionRange,
            span,
            Text::new(
                format!("扣分 {n}分 不在规定的 {min}-{max}分 之内"),
                format!("a deduction of {n} points is outside the range {min}-{max}"),
            ),
            Text::new(
                format!("给出 0（未发生）或 {min} 至 {max} 分"),
                format!("give 0 (did not happen) or {min} to {max} points"),
            ),
        )
    }

    /// The positions of the `当` clauses of an award that do not hold in `year`, and of those
    /// among them that could not be decided (missing data).
    fn failed_when(
        &self,
        frame: &mut Frame<'_>,
        a: &AwardDecl,
        year: u16,
    ) -> R<(Vec<usize>, Vec<usize>)> {
        let mut failed = Vec::new();
        let mut undecided = Vec::new();
        for (i, c) in a.clauses.iter().enumerate() {
            if let AwardClause::When(cond) = &c.node {
                let held = self.eval(frame, cond, year)?.as_bool();
                if held == Some(true) {
                    frame.hit(c.span, Branch::Held);
                } else {
                    frame.hit(c.span, Branch::NotHeld);
                    failed.push(i);
                    if held.is_none() {
                        undecided.push(i);
                    }
                }
            }
        }
        Ok((failed, undecided))
    }

    /// For an award eligible in `year`: whether `一次性` or `每年 连续 N年` keeps it from paying this
    /// year, judged from the earlier years of the subject's data.
    fn not_this_year(
        &self,
        frame: &mut Frame<'_>,
        a: &AwardDecl,
        year: u16,
    ) -> R<Option<NotThisYear>> {
        let (Some(_), Some(first_data)) = (frame.year, frame.first_year) else { return Ok(None) };
        let once = a.clauses.iter().any(|c| matches!(c.node, AwardClause::Once));
        let during = a.clauses.iter().find_map(|c| match &c.node {
            AwardClause::Yearly { during: Some(q) } => Some(points_value(&q.node)),
            _ => None,
        });
        if !once && during.is_none() {
            return Ok(None);
        }
        // Conditions that read no yearly data hold alike in every year: the data cannot tell
        // when the award was first due, so it is due in the year evaluated.
        let conds = a.conditions();
        if !self.depends_on_year(&conds) {
            return Ok(None);
        }
        let mut first_eligible = year;
        for t in first_data..year {
            if self.failed_when(frame, a, t)?.0.is_empty() {
                first_eligible = t;
                break;
            }
        }
        if once && first_eligible < year {
            return Ok(Some(NotThisYear::PaidIn(first_eligible)));
        }
        if let Some(n) = during
            && Decimal::from(year - first_eligible) >= n
        {
            return Ok(Some(NotThisYear::Ended { first: first_eligible, years: n }));
        }
        Ok(None)
    }

    fn award(&self, frame: &mut Frame<'_>, a: &AwardDecl, year: u16) -> R<AwardResult> {
        let (failed, undecided) = self.failed_when(frame, a, year)?;
        let eligible = failed.is_empty();
        let zero = V::money(Decimal::ZERO);
        let not_this_year = if eligible { self.not_this_year(frame, a, year)? } else { None };
        if !eligible || not_this_year.is_some() {
            frame.hit(a.name.span, Branch::NotPaid);
            return Ok(AwardResult {
                eligible,
                failed,
                undecided,
                base: zero.clone(),
                cap: None,
                capped: false,
                reduce: None,
                amount: zero,
                not_this_year,
                pool: None,
            });
        }
        let mut base = zero.clone();
        let mut cap = None;
        let mut cap_at = a.name.span;
        let mut reduce = None;
        for c in &a.clauses {
            match &c.node {
                AwardClause::Amount { value, exceptions } => {
                    base = self.with_exceptions(frame, value, exceptions, year)?.0;
                }
                AwardClause::Cap(e) => {
                    cap = Some(self.eval(frame, e, year)?);
                    cap_at = c.span;
                }
                AwardClause::Reduce(e) => reduce = Some(self.eval(frame, e, year)?),
                _ => {}
            }
        }
        let mut amount = base.clone();
        let mut capped = false;
        // A cap or a cut without a value leaves the amount unknown: never the amount uncapped
        // or uncut.
        if matches!(cap, Some(V::Missing)) || matches!(reduce, Some(V::Missing)) {
            amount = V::Missing;
        }
        // The cap is reached when the computed amount is at it or over it (at it exactly, the
        // amount is the cap either way): an officer reads "reached" for both.
        if let (V::Num(x, d), Some(V::Num(c, _))) = (&amount, &cap)
            && let Some(order) = compare(&V::Num(*x, *d), &V::Num(*c, *d))
            && order != std::cmp::Ordering::Less
        {
            amount = V::Num(*c, *d);
            capped = true;
        }
        if matches!((&base, &cap), (V::Num(..), Some(V::Num(..)))) {
            frame.hit(cap_at, if capped { Branch::Capped } else { Branch::Uncapped });
        }
        if let (V::Num(x, d), Some(V::Num(r, _))) = (&amount, &reduce) {
            let kept = Decimal::ONE.checked_sub(*r).and_then(|k| x.checked_mul(k));
            amount = V::Num(kept.ok_or_else(|| self.overflow(frame, a.name.span))?.normalize(), *d);
        }
        if let V::Num(x, d) = &amount {
            amount = V::Num(x.normalize(), *d);
        }
        let paid = amount.as_num().is_some_and(|x| x > Decimal::ZERO);
        frame.hit(a.name.span, if paid { Branch::Paid } else { Branch::NotPaid });
        Ok(AwardResult {
            eligible,
            failed,
            undecided,
            base,
            cap,
            capped,
            reduce,
            amount,
            not_this_year: None,
            pool: None,
        })
    }

    /// A part of a definition: a condition's item, a score's part, a budget's part, an indicator.
    pub(super) fn member_value(
        &self,
        frame: &mut Frame<'_>,
        def: DefId,
        member: &str,
        year: u16,
        span: Span,
    ) -> R<V> {
        let Some(kind) = self.checked.scope.defs.get(def).and_then(|d| d.kind()) else {
            return Err(self.internal(frame, span));
        };
        match kind {
            ItemKind::Condition(c) => {
                let g = self.group(frame, &c.group.node, year)?;
                Ok(find_item(&g, member).map_or(V::Missing, |m| m.map_or(V::Missing, V::Bool)))
            }
            ItemKind::Indicators(t) => {
                let r = self.indicators(frame, t, year)?;
                Ok(r.indicators
                    .iter()
                    .find(|i| i.name == member)
                    .and_then(|i| i.met)
                    .map_or(V::Missing, V::Bool))
            }
            ItemKind::Score(s) => {
                let parts = self.score_parts(frame, &s.parts, year)?;
                Ok(find_part(&parts, member).unwrap_or(V::Missing))
            }
            ItemKind::Budget(b) => match b.parts.iter().find(|p| p.node.name.node == member) {
                Some(p) => self.eval(frame, &p.node.value, year),
                None => Ok(V::Missing),
            },
            ItemKind::Matching(m) => match m.parts.iter().find(|p| p.node.name.node == member) {
                Some(p) => self.eval(frame, &p.node.value, year),
                None => Ok(V::Missing),
            },
            _ => Ok(V::Missing),
        }
    }
}

fn find_item(g: &GroupResult, name: &str) -> Option<Option<bool>> {
    for i in &g.items {
        if i.name == name {
            return Some(i.met);
        }
        if let Some(inner) = &i.group
            && let Some(found) = find_item(inner, name)
        {
            return Some(found);
        }
    }
    None
}

fn find_part(parts: &[PartResult], name: &str) -> Option<V> {
    for p in parts {
        if p.name == name {
            return Some(p.points.clone());
        }
        if let Some(v) = find_part(&p.parts, name) {
            return Some(v);
        }
    }
    None
}

/// A quantity in its unit's base (`3年` in years), or its number when it has no unit.
pub(crate) fn points_value(q: &Quantity) -> Decimal {
    match &q.unit {
        Some(u) => {
            parse_unit(&u.node).ok().and_then(|unit| unit.to_base(q.value).ok()).unwrap_or(q.value)
        }
        None => q.value,
    }
}

fn points(q: &Quantity) -> V {
    V::Num(points_value(q), Dim::SCORE)
}

fn sum_points(parts: &[PartResult]) -> V {
    let mut total = Decimal::ZERO;
    for p in parts {
        match p.points.as_num().and_then(|n| total.checked_add(n)) {
            Some(t) => total = t,
            None => return V::Missing,
        }
    }
    V::Num(total, Dim::SCORE)
}
