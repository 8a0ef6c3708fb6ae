//! Evaluating expressions and definitions.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};

use super::coverage::Branch;
use super::value::V;
use super::{Evaluator, Frame, MAX_DEPTH, R, Stop};
use crate::ast::{BinOp, CmpOp, Expr, ExprKind, LogicOp, Pattern};
use crate::checker::Builtin;
use crate::checker::scope::{DefId, DefSource};
use crate::data::Value;
use crate::diagnostics::{Code, Text};
use crate::limits::MAX_EVAL_STEPS;
use crate::source::Span;
use crate::units::{AddSub, Dim, add_sub, parse_unit};

/// How many years back `累计` and `连续年数` look at most.
const MAX_YEARS: u16 = 200;

impl Evaluator<'_, '_> {
    /// The value of a definition in `year`, memoised.
    pub(super) fn def_at(&self, frame: &mut Frame<'_>, def: DefId, year: u16) -> R<V> {
        // A field is read from the record again rather than kept: reading it costs less.
        let field =
            matches!(self.checked.scope.defs.get(def).map(|d| d.source), Some(DefSource::Field(_)));
        if field {
            return crate::depth::with_stack(|| self.compute_def(frame, def, year));
        }
        if let Some(v) = frame.memo.get(&(def, year)) {
            return Ok(v.clone());
        }
        frame.depth += 1;
        let outer = frame.current;
        if !matches!(self.checked.scope.defs.get(def).map(|d| d.source), Some(DefSource::Field(_)))
        {
            frame.current = Some(def);
        }
        let result = if frame.depth > MAX_DEPTH {
            let span = self.checked.scope.defs.get(def).map(|d| d.span).unwrap_or_default();
            Err(self.fail(
                frame,
                Code::EvalLimit,
                span,
                Text::new(
                    format!("引用层次超过 {MAX_DEPTH} 层"),
                    format!("references nest more than {MAX_DEPTH} deep"),
                ),
                Text::new(
                    "检查是否有按年份的递归引用",
                    "check for a yearly reference that never ends",
                ),
            ))
        } else {
            crate::depth::with_stack(|| self.compute_def(frame, def, year))
        };
        frame.current = outer;
        frame.depth -= 1;
        let v = result?;
        frame.memo.insert((def, year), v.clone());
        Ok(v)
    }

    /// Evaluates an expression in `year`, counting the step against [`MAX_EVAL_STEPS`].
    pub(super) fn eval(&self, frame: &mut Frame<'_>, e: &Expr, year: u16) -> R<V> {
        crate::depth::with_stack(|| self.eval_node(frame, e, year))
    }

    fn eval_node(&self, frame: &mut Frame<'_>, e: &Expr, year: u16) -> R<V> {
        frame.steps += 1;
        if frame.steps > MAX_EVAL_STEPS {
            return Err(self.fail(
                frame,
                Code::EvalLimit,
                e.span,
                Text::new(
                    format!("计算超过 {MAX_EVAL_STEPS} 步"),
                    format!("more than {MAX_EVAL_STEPS} steps were taken"),
                ),
                Text::new(
                    "按年份的函数相互嵌套时计算量成倍增长；把中间结果用 `令` 定义",
                    "nested yearly functions multiply the work; name intermediate results with `let`",
                ),
            ));
        }
        match &e.node {
            ExprKind::Quantity(q) => {
                let Some(u) = &q.unit else { return Ok(V::Num(q.value, Dim::NUMBER)) };
                let parsed;
                let unit = match self.units.get(u.node.as_str()) {
                    Some(unit) => unit,
                    None => {
                        parsed = parse_unit(&u.node).map_err(|_| self.internal(frame, e.span))?;
                        &parsed
                    }
                };
                let v = unit.to_base(q.value).map_err(|_| self.overflow(frame, e.span))?;
                Ok(V::Num(v, unit.dim()))
            }
            ExprKind::Text(t) => Ok(V::Text(t.clone())),
            ExprKind::Bool(b) => Ok(V::Bool(*b)),
            ExprKind::Date(d) => Ok(V::Date(*d)),
            ExprKind::Name(n) => self.name(frame, n, e.span, year, None),
            ExprKind::Paren(inner) => self.eval(frame, inner, year),
            ExprKind::Neg(inner) => match self.eval(frame, inner, year)? {
                V::Num(n, d) => Ok(V::Num(-n, d)),
                other => Ok(other),
            },
            ExprKind::Binary(op, l, r) => {
                let a = self.eval(frame, l, year)?;
                let b = self.eval(frame, r, year)?;
                self.binary(frame, *op, a, b, e.span)
            }
            ExprKind::Compare(cmp, l, r) => {
                let a = self.eval(frame, l, year)?;
                let b = self.eval_hinted(frame, r, year, &a)?;
                Ok(match compare(&a, &b) {
                    Some(ord) => V::Bool(cmp.op.holds(ord)),
                    None => V::Missing,
                })
            }
            ExprKind::Logic(op, l, r) => {
                let a = self.eval(frame, l, year)?.as_bool();
                // Short-circuit, but a missing side only decides when the other cannot.
                match (op, a) {
                    (LogicOp::And, Some(false)) => return Ok(V::Bool(false)),
                    (LogicOp::Or, Some(true)) => return Ok(V::Bool(true)),
                    _ => {}
                }
                let b = self.eval(frame, r, year)?.as_bool();
                Ok(match (op, a, b) {
                    (_, Some(x), Some(y)) => {
                        V::Bool(if *op == LogicOp::And { x && y } else { x || y })
                    }
                    (LogicOp::And, _, Some(false)) => V::Bool(false),
                    (LogicOp::Or, _, Some(true)) => V::Bool(true),
                    _ => V::Missing,
                })
            }
            // Only an aggregation reads its condition; the checker refuses one anywhere else.
            ExprKind::Where(_) => Err(self.internal(frame, e.span)),
            ExprKind::Not(inner) => Ok(match self.eval(frame, inner, year)?.as_bool() {
                Some(b) => V::Bool(!b),
                None => V::Missing,
            }),
            ExprKind::If(c, t, f) => match self.eval(frame, c, year)?.as_bool() {
                Some(true) => {
                    frame.hit(e.span, Branch::Then);
                    self.eval(frame, t, year)
                }
                Some(false) => {
                    frame.hit(e.span, Branch::Else);
                    self.eval(frame, f, year)
                }
                None => Ok(V::Missing),
            },
            ExprKind::Call(func, args) => self.call(frame, &func.node, args, e.span, year),
            ExprKind::Index(base, index) => {
                let y = self.eval(frame, index, year)?;
                match y.as_year() {
                    Some(y) => self.eval(frame, base, y),
                    None => Ok(V::Missing),
                }
            }
            ExprKind::Member(base, member) => self.member(frame, base, &member.node, year),
            ExprKind::Tier(scrutinee, arms) => {
                let s = self.eval(frame, scrutinee, year)?;
                if s == V::Missing {
                    return Ok(V::Missing);
                }
                for arm in arms {
                    if self.matches(frame, &arm.node.pattern.node, &s, year)? {
                        frame.hit(arm.span, Branch::Chosen);
                        return self.eval(frame, &arm.node.value, year);
                    }
                }
                Ok(V::Missing)
            }
        }
    }

    /// Evaluates `e`, resolving an enumeration value name shared by several enumerations to the
    /// one `like` belongs to.
    pub(super) fn eval_hinted(&self, frame: &mut Frame<'_>, e: &Expr, year: u16, like: &V) -> R<V> {
        match (&e.node, like) {
            (ExprKind::Name(n), V::Enum(eid, _)) => self.name(frame, n, e.span, year, Some(*eid)),
            _ => self.eval(frame, e, year),
        }
    }

    /// Whether a tier or grade pattern matches `s`.
    pub(super) fn matches(&self, frame: &mut Frame<'_>, p: &Pattern, s: &V, year: u16) -> R<bool> {
        Ok(match p {
            Pattern::Otherwise => true,
            Pattern::Compare(cmp, v) => {
                let v = self.eval_hinted(frame, v, year, s)?;
                compare(s, &v).is_some_and(|o| cmp.op.holds(o))
            }
            Pattern::Equals(v) => {
                let v = self.eval_hinted(frame, v, year, s)?;
                compare(s, &v) == Some(Ordering::Equal)
            }
        })
    }

    fn name(
        &self,
        frame: &mut Frame<'_>,
        n: &str,
        span: Span,
        year: u16,
        hint: Option<usize>,
    ) -> R<V> {
        let scope = &self.checked.scope;
        if let Some(def) = self.lookup(n) {
            return self.def_at(frame, def, year);
        }
        if crate::checker::CURRENT_YEAR.contains(&n) {
            return self.need_year(frame, span).map(|_| V::Year(year));
        }
        if let Some(values) = scope.enum_values.get(n) {
            let chosen = values.iter().find(|(e, _)| Some(*e) == hint).or(values.first());
            if let Some((e, i)) = chosen {
                return Ok(V::Enum(*e, *i));
            }
        }
        Err(self.internal(frame, span))
    }

    fn member(&self, frame: &mut Frame<'_>, base: &Expr, member: &str, year: u16) -> R<V> {
        let ExprKind::Name(b) = &base.node else { return Err(self.internal(frame, base.span)) };
        let scope = &self.checked.scope;
        let named = self.lookup(b);
        // `合同.金额` evaluated for a 合同 (inside an aggregation over members): its own field.
        // Looked at first: it is what an aggregation reads of every member.
        if named.is_none()
            && let Some(s) = self.subject
            && scope.subjects.get(s).is_some_and(|i| i.decl.name.node == *b)
            && let Some(def) = self.lookup(member)
        {
            return self.def_at(frame, def, year);
        }
        // `企业.营业收入` evaluated for a member: its owner's field.
        if named.is_none()
            && let Some(s) = self.subject
            && let Some(owner) = scope.owner_of(s)
            && let Some(info) = scope.subjects.get(owner)
            && info.decl.name.node == *b
        {
            let slot = info
                .fields
                .iter()
                .position(|&d| scope.defs.get(d).is_some_and(|d| d.name == member));
            let value = slot.and_then(|i| frame.owner.and_then(|o| o.fields.get(i)));
            let Some(value) = value.cloned() else { return Err(self.internal(frame, base.span)) };
            return self.data_value(frame, &value, year, base.span);
        }
        if named.is_none()
            && let Some(&eid) = scope.enum_names.get(b)
        {
            let idx = scope.enums.get(eid).and_then(|e| e.index_of(member));
            return idx.map(|i| V::Enum(eid, i)).ok_or_else(|| self.internal(frame, base.span));
        }
        let Some(def) = named else {
            return Err(self.internal(frame, base.span));
        };
        self.def_at(frame, def, year)?;
        self.member_value(frame, def, member, year, base.span)
    }

    /// A field, a parameter or a definition's value.
    pub(super) fn data_value(
        &self,
        frame: &mut Frame<'_>,
        v: &Value,
        year: u16,
        span: Span,
    ) -> R<V> {
        Ok(match v {
            Value::Series(map) => {
                self.need_year(frame, span)?;
                match map.get(&year) {
                    Some(inner) => self.data_value(frame, inner, year, span)?,
                    None => V::Missing,
                }
            }
            Value::Number { value, dim } => V::Num(*value, *dim),
            Value::Bool(b) => V::Bool(*b),
            Value::Text(t) => V::Text(t.clone()),
            Value::Enum { enum_name, index } => {
                match self.checked.scope.enum_names.get(enum_name) {
                    Some(e) => V::Enum(*e, *index),
                    None => V::Missing,
                }
            }
            Value::Year(y) => V::Year(*y),
            Value::Date(d) => V::Date(*d),
            Value::Missing => V::Missing,
        })
    }

    fn need_year(&self, frame: &mut Frame<'_>, span: Span) -> R<()> {
        if frame.year.is_some() {
            return Ok(());
        }
        Err(self.fail(
            frame,
            Code::NoYear,
            span,
            Text::new(
                "需要按年的数据，但没有评估年度",
                "yearly data is needed but there is no evaluation year",
            ),
            Text::new(
                "用 `--year` 指定评估年度（数据所属的年份），或在数据中给出按年的取值",
                "give the year the data is for with `--year`, or yearly values in the data",
            ),
        ))
    }

    pub(super) fn binary(&self, frame: &mut Frame<'_>, op: BinOp, a: V, b: V, span: Span) -> R<V> {
        let (x, dx, y, dy) = match (&a, &b) {
            (V::Num(x, dx), V::Num(y, dy)) => (*x, *dx, *y, *dy),
            (V::Year(y1), V::Year(y2)) if op == BinOp::Sub => {
                return Ok(V::Num(Decimal::from(i32::from(*y1) - i32::from(*y2)), Dim::TIME));
            }
            // A year and a whole number of years make a year; anything else with a year, or a
            // year out of range, is no value.
            (V::Year(y1), V::Num(n, _)) if matches!(op, BinOp::Add | BinOp::Sub) => {
                let y = crate::eval::value::shift_year(*y1, *n, op == BinOp::Sub);
                return Ok(y.map_or(V::Missing, V::Year));
            }
            (V::Num(n, _), V::Year(y1)) if op == BinOp::Add => {
                return Ok(
                    crate::eval::value::shift_year(*y1, *n, false).map_or(V::Missing, V::Year)
                );
            }
            _ => return Ok(V::Missing),
        };
        let (value, dim) = match op {
            BinOp::Add => (x.checked_add(y), add_sub(dx, dy, AddSub::Add).ok()),
            BinOp::Sub => (x.checked_sub(y), add_sub(dx, dy, AddSub::Sub).ok()),
            BinOp::Mul => (x.checked_mul(y), dx.mul(dy).ok()),
            BinOp::Div => {
                if y.is_zero() {
                    return Err(self.fail(
                        frame,
                        Code::DivisionByZero,
                        span,
                        Text::new("除数为零", "a division by zero occurred"),
                        Text::new("用 `若 … 则 … 否则 …` 写明除数为零时的结果", "say what the result is when the divisor is zero, with `if … then … else …`"),
                    ));
                }
                (x.checked_div(y), dx.div(dy).ok())
            }
        };
        let value = value.ok_or_else(|| self.overflow(frame, span))?;
        Ok(V::Num(value, dim.unwrap_or(Dim::NUMBER)))
    }

    fn call(
        &self,
        frame: &mut Frame<'_>,
        name: &str,
        args: &[Expr],
        span: Span,
        year: u16,
    ) -> R<V> {
        let Some((builtin, _, _)) = crate::checker::lookup_builtin(name) else {
            return Err(self.internal(frame, span));
        };
        if builtin.aggregates()
            && let Some(&(kind, _)) = self.checked.aggregations.get(&span)
        {
            let Some(set) = self.members.iter().find(|m| m.kind == kind) else {
                let name =
                    self.checked.scope.subjects.get(kind).map_or("", |s| s.decl.name.node.as_str());
                return Err(self.fail(
                    frame,
                    Code::MembersUnavailable,
                    span,
                    Text::new(
                        format!("没有读入 `{name}` 的数据，无法汇总"),
                        format!("the `{name}` data is not read here, so nothing can be aggregated"),
                    ),
                    Text::new(
                        format!("用 `zhengce eval` 评估：它读入数据文件旁的 `{name}` 文件（`名称.{name}.csv`）"),
                        format!("evaluate with `zhengce eval`, which reads the `{name}` file beside the data file (`NAME.{name}.csv`)"),
                    ),
                ));
            };
            return self.aggregate(frame, set, builtin, args, span, year);
        }
        let arg = |i: usize| args.get(i);
        match builtin {
            Builtin::Min | Builtin::Max | Builtin::Sum => {
                let mut acc: Option<V> = None;
                for a in args {
                    let v = self.eval(frame, a, year)?;
                    let V::Num(n, d) = v else { return Ok(V::Missing) };
                    acc = Some(match acc {
                        None => V::Num(n, d),
                        Some(V::Num(m, dm)) => match builtin {
                            Builtin::Min => V::Num(m.min(n), dm),
                            Builtin::Max => V::Num(m.max(n), dm),
                            _ => V::Num(
                                m.checked_add(n).ok_or_else(|| self.overflow(frame, span))?,
                                dm,
                            ),
                        },
                        Some(other) => other,
                    });
                }
                Ok(acc.unwrap_or(V::Missing))
            }
            Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
                let (Some(x), Some(s)) = (arg(0), arg(1)) else {
                    return Err(self.internal(frame, span));
                };
                let (V::Num(x, d), V::Num(step, _)) =
                    (self.eval(frame, x, year)?, self.eval(frame, s, year)?)
                else {
                    return Ok(V::Missing);
                };
                let strategy = match builtin {
                    Builtin::Round => RoundingStrategy::MidpointAwayFromZero,
                    Builtin::RoundDown => RoundingStrategy::ToNegativeInfinity,
                    _ => RoundingStrategy::ToPositiveInfinity,
                };
                let r = crate::checker::round_to(x, step, strategy)
                    .ok_or_else(|| self.overflow(frame, span))?;
                Ok(V::Num(r, d))
            }
            Builtin::Abs => match arg(0).map(|a| self.eval(frame, a, year)).transpose()? {
                Some(V::Num(n, d)) => Ok(V::Num(n.abs(), d)),
                _ => Ok(V::Missing),
            },
            Builtin::Previous => {
                let Some(a) = arg(0) else { return Err(self.internal(frame, span)) };
                self.need_year(frame, span)?;
                self.eval(frame, a, year.saturating_sub(1))
            }
            Builtin::Growth => {
                let Some(a) = arg(0) else { return Err(self.internal(frame, span)) };
                self.need_year(frame, span)?;
                let now = self.eval(frame, a, year)?;
                let before = self.eval(frame, a, year.saturating_sub(1))?;
                let (V::Num(n, _), V::Num(b, _)) = (now, before) else { return Ok(V::Missing) };
                if b.is_zero() {
                    return Err(self.fail(
                        frame,
                        Code::DivisionByZero,
                        span,
                        Text::new(
                            "上年数为零，无法计算增长率",
                            "the growth rate is undefined: last year's value is zero",
                        ),
                        Text::new(
                            "用 `若 上年(x) = 0 则 … 否则 增长率(x)` 写明此情形",
                            "say what holds then, with `if previous(x) = 0 then … else growth(x)`",
                        ),
                    ));
                }
                let ratio = n.checked_div(b).and_then(|r| r.checked_sub(Decimal::ONE));
                Ok(V::Num(ratio.ok_or_else(|| self.overflow(frame, span))?, Dim::PERCENT))
            }
            Builtin::AverageGrowth => {
                let mut v = [Decimal::ZERO; 4];
                for (i, slot) in v.iter_mut().enumerate() {
                    let Some(a) = arg(i) else { return Err(self.internal(frame, span)) };
                    let V::Num(n, _) = self.eval(frame, a, year)? else { return Ok(V::Missing) };
                    *slot = n;
                }
                let [last, first, years, step] = v;
                match crate::growth::average_growth(last, first, years, step) {
                    Ok(g) => Ok(V::Num(g, Dim::PERCENT)),
                    Err(e) => Err(self.fail(
                        frame,
                        Code::GrowthUndefined,
                        span,
                        crate::growth::why(e),
                        Text::new(
                            "用 `若 … 则 … 否则 年均增长率(…)` 写明此情形，或改正数据",
                            "say what holds then with `if … then … else average_growth(…)`, or correct the data",
                        ),
                    )),
                }
            }
            Builtin::Cumulative => {
                let Some(a) = arg(0) else { return Err(self.internal(frame, span)) };
                self.need_year(frame, span)?;
                // A starting year without a value, or a year of the span without one, makes
                // the total unknown: never the total of the years that have one (a year left
                // out is not a year of 0).
                let from = match arg(1) {
                    Some(f) => match self.eval(frame, f, year)?.as_year() {
                        Some(y) => y,
                        None => return Ok(V::Missing),
                    },
                    None => frame.first_year.unwrap_or(year),
                };
                let from = from.max(year.saturating_sub(MAX_YEARS));
                let mut sum: Option<(Decimal, Dim)> = None;
                for y in from..=year {
                    let V::Num(n, d) = self.eval(frame, a, y)? else { return Ok(V::Missing) };
                    let total = sum.map_or(Some(n), |(s, _)| s.checked_add(n));
                    sum = Some((total.ok_or_else(|| self.overflow(frame, span))?, d));
                }
                Ok(sum.map_or(V::Missing, |(s, d)| V::Num(s, d)))
            }
            Builtin::Count | Builtin::Any | Builtin::All | Builtin::Allocate => {
                Err(self.internal(frame, span))
            }
            Builtin::ConsecutiveYears => {
                let Some(a) = arg(0) else { return Err(self.internal(frame, span)) };
                self.need_year(frame, span)?;
                let mut n: u16 = 0;
                while n < MAX_YEARS && year >= n {
                    // A year before the subject's first year of data ends the run: nothing
                    // shows that it continues (and nothing there is evaluated: a parameter
                    // given for the years of the data only is not asked for one before them).
                    if frame.first_year.is_some_and(|first| year - n < first) {
                        break;
                    }
                    match self.eval(frame, a, year - n)?.as_bool() {
                        Some(true) => n += 1,
                        _ => break,
                    }
                }
                Ok(V::Num(Decimal::from(n), Dim::TIME))
            }
        }
    }

    pub(super) fn overflow(&self, frame: &mut Frame<'_>, span: Span) -> Stop {
        self.fail(
            frame,
            Code::Overflow,
            span,
            Text::new(
                "数值超出可精确表示的范围",
                "a value grew beyond what can be represented exactly",
            ),
            Text::new("核对数据中的数字及其单位", "check the numbers in the data and their units"),
        )
    }

    /// Something the checker guarantees did not hold: a bug, reported, never a panic.
    pub(super) fn internal(&self, frame: &mut Frame<'_>, span: Span) -> Stop {
        self.fail(
            frame,
            Code::Internal,
            span,
            Text::new("出现内部错误", "an internal error occurred"),
            Text::new(
                "这是 zhengce 的缺陷，请附上政策文件和数据报告问题",
                "this is a bug in zhengce; please report it with the policy and the data",
            ),
        )
    }
}

/// How two values compare; `None` when either is missing or they are of different kinds.
pub(super) fn compare(a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Num(x, _), V::Num(y, _)) => Some(x.cmp(y)),
        (V::Year(x), V::Year(y)) => Some(x.cmp(y)),
        (V::Year(_), V::Num(..)) => Some(a.as_year()?.cmp(&b.as_year()?)),
        (V::Num(..), V::Year(_)) => Some(a.as_year()?.cmp(&b.as_year()?)),
        (V::Enum(e1, x), V::Enum(e2, y)) if e1 == e2 => Some(x.cmp(y)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        (V::Text(x), V::Text(y)) => Some(x.cmp(y)),
        (V::Date(x), V::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Whether `op` holds between two values; `None` when it cannot be decided.
pub(super) fn holds(a: &V, op: CmpOp, b: &V) -> Option<bool> {
    compare(a, b).map(|o| op.holds(o))
}
