//! Checking each definition: the types of its parts and the rules of its kind.

use super::infer::Ctx;
use super::scope::{DefId, DefSource, duplicates_in};
use super::types::Ty;
use super::{Checker, Typed, err};
use crate::ast::{
    AwardClause, AwardDecl, CondBody, CondGroup, DeductionPoints, Expr, GroupKind, Ident,
    IndicatorsDecl, ItemKind, Node, Quantity, ScorePart, Scoring, TargetKind, TypeExpr, YearSel,
};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Text};
use crate::units::{Dim, parse_unit};

fn typed(ty: Ty) -> Typed {
    Typed { ty, yearly: false }
}

impl Checker<'_> {
    /// Checks one definition and returns its type.
    pub(super) fn check_def(&mut self, id: DefId) -> Typed {
        let Some(def) = self.scope.defs.get(id) else { return typed(Ty::Unknown) };
        let ctx = Ctx { subject: def.subject };
        let item = match def.source {
            DefSource::Field(f) => {
                let ty = self.type_expr(&f.node.ty);
                if let Some((lo, hi)) = &f.node.range {
                    for bound in [lo, hi] {
                        let t = self.infer(bound, ctx, Some(ty));
                        self.unify(ty, t.ty, bound, bound);
                    }
                }
                if let Some(d) = &f.node.default {
                    let t = self.infer(d, ctx, Some(ty));
                    self.unify(ty, t.ty, d, d);
                }
                return Typed { ty, yearly: f.node.by_year };
            }
            DefSource::Item(item) => item,
        };
        match &item.node.kind {
            ItemKind::Param(p) => {
                let ty = self.type_expr(&p.ty);
                if let Some(d) = &p.default {
                    let t = self.infer(d, ctx, Some(ty));
                    self.unify(ty, t.ty, d, d);
                }
                Typed { ty, yearly: p.by_year }
            }
            ItemKind::Let(l) => {
                let v = self.infer(&l.value, ctx, None);
                let mut ty = v.ty;
                let mut yearly = v.yearly;
                for ex in &l.exceptions {
                    let c = self.infer(&ex.node.cond, ctx, None);
                    self.expect_bool(&ex.node.cond, c.ty);
                    let e = self.infer(&ex.node.value, ctx, Some(ty));
                    ty = self.unify(ty, e.ty, &l.value, &ex.node.value);
                    yearly |= c.yearly || e.yearly;
                }
                if let Some(declared) = &l.ty {
                    let want = self.type_expr(declared);
                    self.declared(want, ty, declared.span, &l.value);
                    ty = want;
                }
                Typed { ty, yearly }
            }
            ItemKind::Condition(c) => {
                self.group(&c.group.node, ctx);
                typed(Ty::Bool)
            }
            ItemKind::Indicators(t) => {
                self.indicators(t, ctx);
                typed(Ty::Bool)
            }
            ItemKind::Score(s) => {
                self.points(&s.max);
                self.score_parts(&s.parts, ctx);
                typed(Ty::Num(Dim::SCORE))
            }
            ItemKind::Grade(g) => {
                let v = self.infer(&g.value, ctx, None);
                for b in &g.bands {
                    self.pattern(&b.node.pattern, v.ty, &g.value, ctx);
                }
                self.tier_coverage(g.bands.iter().map(|b| &b.node.pattern), v.ty, g.value.span);
                for (again, first) in duplicates_in(g.bands.iter().map(|b| &b.node.name)) {
                    let d = err::duplicate(self.loc(again.span), self.loc(first.span), &again.node);
                    self.push(d);
                }
                let ty = self.scope.grade_enums.get(&id).map_or(Ty::Unknown, |e| Ty::Enum(*e));
                Typed { ty, yearly: v.yearly }
            }
            ItemKind::Award(a) => {
                // An award worked out from yearly values is one: it can be read at another year
                // (`分期奖励[2023年]`) and summed over years (`累计(分期奖励)`).
                let yearly = self.award(a, ctx);
                Typed { ty: Ty::Num(Dim::MONEY), yearly }
            }
            ItemKind::Status(s) => {
                let t = self.infer(&s.cond, ctx, None);
                self.expect_bool(&s.cond, t.ty);
                typed(Ty::Bool)
            }
            ItemKind::Stack(s) => {
                let mut local = true;
                for m in &s.members {
                    local &= self.award_path(m, ctx);
                }
                if let Some(received) = &s.received {
                    self.stack_received(s, received, ctx);
                }
                // Of this policy's awards alone, its total is an amount a rule may read (a
                // member's, added up by its owner: `合计(项目.就高)`).
                typed(if local { Ty::Num(Dim::MONEY) } else { Ty::Unknown })
            }
            ItemKind::Budget(b) => {
                let total = self.infer(&b.total, ctx, None);
                self.expect_num(&b.total, total.ty);
                if b.kind == crate::ast::BudgetKind::Budget {
                    self.expect_dim(&b.total, total.ty, Dim::MONEY);
                }
                for p in &b.parts {
                    let t = self.infer(&p.node.value, ctx, None);
                    self.unify(total.ty, t.ty, &b.total, &p.node.value);
                }
                self.duplicate_parts(b.parts.iter().map(|p| &p.node.name));
                typed(total.ty)
            }
            ItemKind::Matching(m) => {
                for p in &m.parts {
                    let t = self.infer(&p.node.value, ctx, None);
                    self.expect_num(&p.node.value, t.ty);
                }
                if m.parts.len() != 2 {
                    self.push(err::simple(
                        Code::MatchingRatioMismatch,
                        self.loc(m.name.span),
                        Text::new(
                            format!("配套 `{}` 应列出两项资金，这里有 {} 项", m.name.node, m.parts.len()),
                            format!("the matching `{}` needs exactly two parts, it has {}", m.name.node, m.parts.len()),
                        ),
                        Text::new("配套比例的两方", "the two sides of the ratio"),
                        Text::new(
                            "按比例顺序写出两项，如 `配套 X 1:1 { 省级资金 400万元; 县级配套 400万元 }`",
                            "list the two sides in the ratio's order, e.g. `matching X 1:1 { province 400万元; county 400万元 }`",
                        ),
                    ));
                }
                self.duplicate_parts(m.parts.iter().map(|p| &p.node.name));
                typed(Ty::Unknown)
            }
            ItemKind::Stated(s) => {
                let a = self.infer(&s.stated, ctx, None);
                let b = self.infer(&s.computed, ctx, Some(a.ty));
                if !(s.approx && both_dimensionless(a.ty, b.ty)) {
                    self.unify(a.ty, b.ty, &s.stated, &s.computed);
                }
                typed(a.ty)
            }
            ItemKind::Averages(a) => {
                for row in &a.rows {
                    let t = self.infer(&row.node.total, ctx, None);
                    let v = self.infer(&row.node.average, ctx, Some(t.ty));
                    self.unify(t.ty, v.ty, &row.node.total, &row.node.average);
                }
                typed(Ty::Unknown)
            }
            ItemKind::Share(s) => {
                let t = self.infer(&s.value, ctx, None);
                self.expect_dim(&s.value, t.ty, Dim::PERCENT);
                if let Some(of) = &s.of {
                    // A share against a ratio of counts (`27521户 ÷ 67699户`): both are plain
                    // proportions, whether written in percent or not.
                    let o = self.infer(of, ctx, Some(t.ty));
                    if !both_dimensionless(t.ty, o.ty) {
                        self.unify(t.ty, o.ty, &s.value, of);
                    }
                }
                typed(Ty::Num(Dim::PERCENT))
            }
            ItemKind::Pool(p) => {
                let t = self.infer(&p.total, ctx, None);
                self.expect_dim(&p.total, t.ty, Dim::MONEY);
                for m in &p.pays {
                    self.award_path(m, ctx);
                }
                if let Some(step) = &p.prorata {
                    self.points_dim(step, Dim::MONEY);
                }
                typed(Ty::Num(Dim::MONEY))
            }
            ItemKind::Import(_) | ItemKind::WrittenDate(_) => typed(Ty::Unknown),
            ItemKind::Enum(_) | ItemKind::Subject(_) | ItemKind::For(_) => typed(Ty::Unknown),
        }
    }

    /// The type a type expression names.
    pub(super) fn type_expr(&mut self, t: &Node<TypeExpr>) -> Ty {
        match &t.node {
            TypeExpr::Bool => Ty::Bool,
            TypeExpr::Text => Ty::Text,
            TypeExpr::Date => Ty::Date,
            TypeExpr::Year => Ty::Year,
            TypeExpr::Number => Ty::Num(Dim::NUMBER),
            TypeExpr::Share => Ty::Num(Dim::PERCENT),
            TypeExpr::Unit(u) => match parse_unit(u) {
                Ok(unit) => Ty::Num(unit.dim()),
                Err(e) => {
                    self.push(err::unit_error(&e, self.loc(t.span), None, None));
                    Ty::Unknown
                }
            },
            TypeExpr::Named(n) => match self.scope.enum_names.get(n) {
                Some(&id) => {
                    self.used_enums.insert(id);
                    Ty::Enum(id)
                }
                None => {
                    // A unit the grammar does not list (e.g. `斤`) arrives here as a name.
                    if let Err(e @ crate::units::UnitError::Unknown { .. }) = parse_unit(n)
                        && e.help().is_some()
                    {
                        self.push(err::unit_error(&e, self.loc(t.span), None, None));
                        return Ty::Unknown;
                    }
                    let names: Vec<&str> =
                        self.scope.enum_names.keys().map(String::as_str).collect();
                    let mut d = err::unknown_name(self.loc(t.span), n, names);
                    d.help = d.help.filter(|h| !h.en.starts_with("define")).or(Some(Text::new(
                        "类型应为单位（如 `万元`）、`是否`、`文本`、`日期`、`年份`、`数`、`占比` 或已声明的枚举",
                        "a type is a unit (e.g. `万元`), `bool`, `text`, `date`, `year`, `number`, `share` or a declared enumeration",
                    )));
                    self.push(d);
                    Ty::Unknown
                }
            },
        }
    }

    /// A declared type must match the computed one (a quotient of like quantities may be
    /// declared a percentage, [`is_quotient`]).
    fn declared(&mut self, want: Ty, got: Ty, at: crate::source::Span, value: &Expr) {
        match (want, got) {
            (_, Ty::Unknown) | (Ty::Unknown, _) => {}
            (Ty::Num(a), Ty::Num(b)) if a == b => {}
            // A ratio of two quantities of one kind (裁员人数 ÷ 参保人数) declared `%` or `占比`:
            // a percentage is held as its fraction, so the quotient is that percentage.
            (Ty::Num(a), Ty::Num(b))
                if a.kind() == crate::units::Kind::Percent
                    && b == Dim::NUMBER
                    && is_quotient(value) => {}
            (Ty::Num(a), Ty::Num(b)) => {
                // The declared unit as written (`万元`), the computed one as its dimension.
                let written = self.file.slice(at).trim().to_string();
                let (az, ae) = if written.is_empty() {
                    (
                        a.display(crate::diagnostics::Lang::Zh),
                        a.display(crate::diagnostics::Lang::En),
                    )
                } else {
                    (written.clone(), written)
                };
                let d = err::simple(
                    Code::DeclaredUnit,
                    self.loc(at),
                    Text::new(
                        format!(
                            "声明的单位是 `{az}`，计算结果的单位是 `{}`",
                            b.display(crate::diagnostics::Lang::Zh)
                        ),
                        format!(
                            "declared in `{ae}` but computed in `{}`",
                            b.display(crate::diagnostics::Lang::En)
                        ),
                    ),
                    Text::new("声明的单位", "declared unit"),
                    Text::new(
                        "修改声明的单位或计算公式，使两者量纲一致",
                        "make the declared unit and the formula agree",
                    ),
                )
                .also(self.loc(value.span), Text::new("计算结果", "computed value"));
                self.push(d);
            }
            (a, b) if a == b => {}
            (a, b) => {
                let expected = a.describe(&self.scope.enums);
                let found = b.describe(&self.scope.enums);
                self.push(err::type_mismatch(self.loc(value.span), &expected, &found));
            }
        }
    }

    fn group(&mut self, g: &CondGroup, ctx: Ctx) {
        if let GroupKind::AtLeast(n) = &g.kind {
            self.at_least(n, g.items.len());
        }
        for (again, first) in duplicates_in(g.items.iter().map(|i| &i.node.name)) {
            let d = err::duplicate(self.loc(again.span), self.loc(first.span), &again.node);
            self.push(d);
        }
        for item in &g.items {
            match &item.node.body {
                CondBody::Group(inner) => self.group(&inner.node, ctx),
                CondBody::Expr { expr, exceptions } => {
                    let t = self.infer(expr, ctx, None);
                    self.expect_bool(expr, t.ty);
                    for ex in exceptions {
                        let c = self.infer(&ex.node.cond, ctx, None);
                        self.expect_bool(&ex.node.cond, c.ty);
                        let v = self.infer(&ex.node.value, ctx, None);
                        self.expect_bool(&ex.node.value, v.ty);
                    }
                }
            }
        }
    }

    /// `至少 N 项` with fewer than N items can never hold.
    fn at_least(&mut self, n: &Node<u32>, count: usize) {
        if usize::try_from(n.node).map_or(true, |n| n > count) {
            self.push(err::simple(
                Code::AtLeastTooMany,
                self.loc(n.span),
                Text::new(
                    format!("要求至少 {} 项，但只列出了 {count} 项", n.node),
                    format!("at least {} are required but only {count} are listed", n.node),
                ),
                Text::new("永远无法满足", "can never hold"),
                Text::new("核对要求的项数与列出的条目", "check the count against the items listed"),
            ));
        }
    }

    fn indicators(&mut self, t: &IndicatorsDecl, ctx: Ctx) {
        if let Some(from) = &t.from {
            let f = self.infer(from, ctx, None);
            if !matches!(f.ty, Ty::Year | Ty::Unknown) && f.ty != Ty::Num(Dim::NUMBER) {
                let expected = Text::new("年份", "a year");
                let found = f.ty.describe(&self.scope.enums);
                self.push(err::type_mismatch(self.loc(from.span), &expected, &found));
            }
        }
        for (again, first) in duplicates_in(t.indicators.iter().map(|i| &i.node.name)) {
            let d = err::duplicate(self.loc(again.span), self.loc(first.span), &again.node);
            self.push(d);
        }
        // A table without `起算` is reported once, at its first `第N年` target.
        let mut missing_from_reported = false;
        for ind in &t.indicators {
            let v = self.infer(&ind.node.value, ctx, None);
            for target in &ind.node.targets {
                if let YearSel::Creation(_) = target.node.year.node
                    && t.from.is_none()
                    && !missing_from_reported
                {
                    missing_from_reported = true;
                    self.push(err::simple(
                            Code::TypeMismatch,
                            self.loc(target.node.year.span),
                            Text::new(
                                "`第N年` 的目标需要指标表写明起算年份",
                                "a `year N` target needs the table to say which year the scheme starts",
                            ),
                            Text::new("无法确定是哪一年", "which year is this?"),
                            Text::new(
                                "在指标表名称后加 `起算 批复年份`（第1年即起算年份的次年）",
                                "add `from approval_year` after the table's name (year 1 is the year after it)",
                            ),
                        ));
                }
                match &target.node.kind {
                    TargetKind::Compare(cmp, value) => {
                        let tt = self.infer(value, ctx, Some(v.ty));
                        self.comparable(cmp.op, target.span, v.ty, tt.ty, &ind.node.value, value);
                    }
                    TargetKind::Growth(g) => {
                        let gt = self.infer(g, ctx, None);
                        self.expect_dim(g, gt.ty, Dim::PERCENT);
                        self.expect_num(&ind.node.value, v.ty);
                    }
                }
            }
        }
        for g in &t.gates {
            self.at_least(g, t.indicators.len());
        }
        if t.gates.len() > 1
            && let Some(g) = t.gates.get(1)
        {
            self.push(err::simple(
                Code::DuplicateDefinition,
                self.loc(g.span),
                Text::new("指标表的门槛写了多次", "the table's gate is given more than once"),
                Text::new("再次给出门槛", "gate given again"),
                Text::new("只保留一个 `门槛`", "keep one `gate`"),
            ));
        }
    }

    /// A score quantity is in 分 (or has no unit).
    fn points(&mut self, q: &Node<Quantity>) {
        self.points_dim(q, Dim::SCORE);
    }

    fn points_dim(&mut self, q: &Node<Quantity>, want: Dim) {
        let Some(u) = &q.node.unit else {
            if want == Dim::SCORE {
                return;
            }
            let expected = Ty::Num(want).describe(&self.scope.enums);
            self.push(err::type_mismatch(
                self.loc(q.span),
                &expected,
                &Text::new("不带单位的数", "a number without a unit"),
            ));
            return;
        };
        match parse_unit(&u.node) {
            Ok(unit) if unit.dim() == want => {}
            Ok(unit) => {
                let expected = Ty::Num(want).describe(&self.scope.enums);
                let found = Ty::Num(unit.dim()).describe(&self.scope.enums);
                self.push(err::type_mismatch(self.loc(q.span), &expected, &found));
            }
            Err(e) => self.push(err::unit_error(&e, self.loc(u.span), None, None)),
        }
    }

    fn score_parts(&mut self, parts: &[Node<ScorePart>], ctx: Ctx) {
        let names = parts.iter().map(|p| match &p.node {
            ScorePart::Section(s) => &s.name,
            ScorePart::Item(i) => &i.name,
        });
        for (again, first) in duplicates_in(names) {
            let d = err::duplicate(self.loc(again.span), self.loc(first.span), &again.node);
            self.push(d);
        }
        for p in parts {
            match &p.node {
                ScorePart::Section(s) => {
                    self.points(&s.points);
                    self.score_parts(&s.parts, ctx);
                }
                ScorePart::Item(item) => {
                    self.points(&item.points);
                    match &item.scoring.node {
                        Scoring::Criteria(cs) => {
                            for c in cs {
                                self.points(&c.node.points);
                                let t = self.infer(&c.node.cond, ctx, None);
                                self.expect_bool(&c.node.cond, t.ty);
                            }
                        }
                        Scoring::Ratio { stated, value } => {
                            if let Some(s) = stated {
                                self.points(s);
                            }
                            let t = self.infer(value, ctx, None);
                            self.expect_dim(value, t.ty, Dim::NUMBER);
                        }
                        Scoring::Given { stated, value } => {
                            if let Some(s) = stated {
                                self.points(s);
                            }
                            let t = self.infer(value, ctx, None);
                            self.score_value(value, t.ty);
                        }
                        Scoring::Deductions(ds) => {
                            for d in ds {
                                let t = self.infer(&d.node.value, ctx, None);
                                match &d.node.points.node {
                                    DeductionPoints::Fixed(q) => {
                                        self.points(&Node::new(q.clone(), d.node.points.span));
                                        self.expect_bool(&d.node.value, t.ty);
                                    }
                                    DeductionPoints::Range { unit, .. } => {
                                        if let Some(u) = unit {
                                            let q = Quantity {
                                                value: rust_decimal::Decimal::ZERO,
                                                unit: Some(u.clone()),
                                            };
                                            self.points(&Node::new(q, u.span));
                                        }
                                        self.score_value(&d.node.value, t.ty);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Points given as data: 分 or a plain number.
    fn score_value(&mut self, e: &Expr, t: Ty) {
        if t != Ty::Num(Dim::NUMBER) {
            self.expect_dim(e, t, Dim::SCORE);
        }
    }

    /// Checks an award's clauses; gives whether a value they read is yearly.
    fn award(&mut self, a: &AwardDecl, ctx: Ctx) -> bool {
        let mut yearly = false;
        let mut amounts = 0;
        let mut first_amount = None;
        for clause in &a.clauses {
            match &clause.node {
                AwardClause::Citation(_) | AwardClause::Once => {}
                AwardClause::When(c) => {
                    let t = self.infer(c, ctx, None);
                    self.expect_bool(c, t.ty);
                    yearly |= t.yearly;
                }
                AwardClause::Amount { value, exceptions } => {
                    amounts += 1;
                    // From `金额` to the end of its value or last exception.
                    let end = exceptions.last().map_or(value.span.end, |e| e.span.end);
                    let here = crate::source::Span::new(clause.span.start, end);
                    let first = *first_amount.get_or_insert(here);
                    if amounts > 1 {
                        self.push(
                            err::simple(
                                Code::DuplicateDefinition,
                                self.loc(here),
                                Text::new(
                                    format!("奖励 `{}` 的金额写了多次", a.name.node),
                                    format!(
                                        "the award `{}` states its amount more than once",
                                        a.name.node
                                    ),
                                ),
                                Text::new("再次给出金额", "amount given again"),
                                Text::new(
                                    "只保留一个 `金额`；不同情形用 `例外 若 … 则 …`",
                                    "keep one `amount`; use `except if … then …` for other cases",
                                ),
                            )
                            .also(self.loc(first), Text::new("第一次给出金额", "first given here")),
                        );
                    }
                    let t = self.infer(value, ctx, None);
                    self.expect_dim(value, t.ty, Dim::MONEY);
                    yearly |= t.yearly;
                    for ex in exceptions {
                        let c = self.infer(&ex.node.cond, ctx, None);
                        self.expect_bool(&ex.node.cond, c.ty);
                        let v = self.infer(&ex.node.value, ctx, None);
                        self.expect_dim(&ex.node.value, v.ty, Dim::MONEY);
                        yearly |= c.yearly || v.yearly;
                    }
                }
                AwardClause::Cap(c) => {
                    let t = self.infer(c, ctx, None);
                    self.expect_dim(c, t.ty, Dim::MONEY);
                    yearly |= t.yearly;
                }
                AwardClause::Reduce(r) => {
                    let t = self.infer(r, ctx, None);
                    self.expect_dim(r, t.ty, Dim::PERCENT);
                    yearly |= t.yearly;
                }
                AwardClause::Yearly { during } => {
                    if let Some(q) = during {
                        self.points_dim(q, Dim::TIME);
                    }
                }
                AwardClause::Source(path) => self.budget_path(path, ctx),
            }
        }
        if amounts == 0 {
            self.push(err::simple(
                Code::TypeMismatch,
                self.loc(a.name.span),
                Text::new(
                    format!("奖励 `{}` 没有写金额", a.name.node),
                    format!("the award `{}` has no amount", a.name.node),
                ),
                Text::new("缺少 `金额`", "no `amount`"),
                Text::new(
                    "加上 `金额 …`，如 `金额 10万元`",
                    "add `amount …`, e.g. `amount 10万元`",
                ),
            ));
        }
        yearly
    }

    /// Resolves a path naming an award: `奖励名` in any scope, or `引用名.奖励名`.
    /// Checks an award a stacking rule names; whether it is one of this policy's awards.
    fn award_path(&mut self, path: &Node<Vec<Ident>>, ctx: Ctx) -> bool {
        let Some(first) = path.node.first() else { return false };
        let found = self
            .scope
            .lookup(&first.node, ctx.subject)
            .or_else(|| self.scope.locals.iter().find_map(|l| l.get(&first.node).copied()));
        let Some(id) = found else {
            let mut names: Vec<&str> = self.scope.visible_names(ctx.subject);
            for l in &self.scope.locals {
                names.extend(l.keys().map(String::as_str));
            }
            let d = err::unknown_name(self.loc(first.span), &first.node, names);
            self.push(d);
            return false;
        };
        self.mark_used(id);
        match self.scope.defs.get(id).and_then(|d| d.kind()) {
            Some(ItemKind::Import(_)) => false,
            Some(ItemKind::Award(_)) if path.node.len() == 1 => true,
            _ => {
                let expected = Text::new("奖励或补贴的名称", "the name of an award");
                let found = Text::new(format!("`{}`", first.node), format!("`{}`", first.node));
                self.push(err::type_mismatch(self.loc(path.span), &expected, &found));
                false
            }
        }
    }

    /// `扣除 FIELD` after a stacking rule: only under `就高不重复` (`ZC0212`), and `FIELD` is an
    /// amount of money among the fields of each subject kind the rule applies to (its `对于`
    /// block's, else its own awards' kinds, else every kind): an unknown name is `ZC0201` with
    /// the kind's fields to choose from, another kind of value `ZC0302`. One diagnostic for
    /// the field at most.
    fn stack_received(&mut self, s: &crate::ast::StackDecl, received: &Ident, ctx: Ctx) {
        if s.mode == crate::ast::StackMode::Additive {
            let rule = &s.name.node;
            self.push(err::simple(
                Code::LessWithAdditive,
                self.loc(received.span),
                Text::new(
                    format!("叠加规则 `{rule}` 是 `累加`，不能 `扣除` 已获金额"),
                    format!("the stacking rule `{rule}` is `additive`: it cannot deduct with `less`"),
                ),
                Text::new("只有就高不重复才扣除已获金额", "only an exclusive rule deducts what was received"),
                Text::new(
                    "`扣除` 只用于 `就高不重复`（最高的一项只发超出已获金额的部分）；文件说“在已获支持的基础上再给予”时去掉 `扣除 …`，说“就高不重复”时把 `累加` 改为 `就高不重复`",
                    "`less` goes with `exclusive` only (the highest award pays what it adds to the amount received); where the document gives on top of what was received, remove `less …`; where it says 就高不重复, write `exclusive` instead of `additive`",
                ),
            ));
        }
        let kinds: Vec<crate::checker::scope::SubjectId> = match ctx.subject {
            Some(k) => vec![k],
            None => {
                let mut own: Vec<crate::checker::scope::SubjectId> = s
                    .members
                    .iter()
                    .filter_map(|m| match m.node.as_slice() {
                        [one] => self
                            .scope
                            .locals
                            .iter()
                            .find_map(|l| l.get(&one.node).copied())
                            .and_then(|id| self.scope.defs.get(id)?.subject),
                        _ => None,
                    })
                    .collect();
                own.sort_unstable();
                own.dedup();
                if own.is_empty() { (0..self.scope.subjects.len()).collect() } else { own }
            }
        };
        for k in kinds {
            let Some(info) = self.scope.subjects.get(k) else { continue };
            let kind = info.decl.name.node.clone();
            let field = info
                .fields
                .iter()
                .copied()
                .find(|id| self.scope.defs.get(*id).is_some_and(|d| d.name == received.node));
            let Some(id) = field else {
                let other = self.scope.lookup(&received.node, Some(k));
                let d = match other {
                    Some(_) => err::type_mismatch(
                        self.loc(received.span),
                        &Text::new(
                            format!("主体 `{kind}` 的金额字段"),
                            format!("a money field of `{kind}`"),
                        ),
                        &Text::new(
                            format!("`{}`，不是字段", received.node),
                            format!("`{}`, which is not a field", received.node),
                        ),
                    ),
                    None => {
                        let names: Vec<&str> = info
                            .fields
                            .iter()
                            .filter_map(|id| self.scope.defs.get(*id).map(|d| d.name.as_str()))
                            .collect();
                        let close = !did_you_mean(&received.node, names.iter().copied()).is_empty();
                        let d = err::unknown_name(self.loc(received.span), &received.node, names);
                        if close {
                            d
                        } else {
                            d.help(Text::new(
                                format!(
                                    "在 `主体 {kind}` 中声明这个字段（单位 元），数据中填写已获得的金额"
                                ),
                                format!(
                                    "declare the field in `subject {kind}` (in 元), the data giving the amount already received"
                                ),
                            ))
                        }
                    }
                };
                self.push(d);
                return;
            };
            self.mark_used(id);
            let t = self.def_type(id, received.span);
            match t.ty {
                Ty::Unknown => {}
                Ty::Num(d) if d == Dim::MONEY => {}
                other => {
                    let expected = Ty::Num(Dim::MONEY).describe(&self.scope.enums);
                    let found = other.describe(&self.scope.enums);
                    self.push(err::type_mismatch(self.loc(received.span), &expected, &found));
                    return;
                }
            }
        }
    }

    /// Resolves `预算名.分项名`.
    fn budget_path(&mut self, path: &Node<Vec<Ident>>, ctx: Ctx) {
        let (Some(first), second) = (path.node.first(), path.node.get(1)) else { return };
        let found = self.scope.lookup(&first.node, ctx.subject);
        let Some(id) = found else {
            let names = self.scope.visible_names(ctx.subject);
            let d = err::unknown_name(self.loc(first.span), &first.node, names);
            self.push(d);
            return;
        };
        self.mark_used(id);
        let parts: Option<Vec<&str>> = match self.scope.defs.get(id).and_then(|d| d.kind()) {
            Some(ItemKind::Budget(b)) => {
                Some(b.parts.iter().map(|p| p.node.name.node.as_str()).collect())
            }
            Some(ItemKind::Matching(m)) => {
                Some(m.parts.iter().map(|p| p.node.name.node.as_str()).collect())
            }
            Some(ItemKind::Pool(_)) if second.is_none() => None,
            _ => {
                let expected = Text::new("预算或资金池的名称", "the name of a budget or pool");
                let found = Text::new(format!("`{}`", first.node), format!("`{}`", first.node));
                self.push(err::type_mismatch(self.loc(first.span), &expected, &found));
                return;
            }
        };
        if let (Some(parts), Some(second)) = (parts, second)
            && !parts.contains(&second.node.as_str())
        {
            let suggestions = did_you_mean(&second.node, parts);
            let help = crate::diagnostics::suggest::help_text(&suggestions)
                .unwrap_or_else(|| Text::new("检查分项名称", "check the part's name"));
            self.push(err::simple(
                Code::UnknownName,
                self.loc(second.span),
                Text::new(
                    format!("`{}` 中没有 `{}`", first.node, second.node),
                    format!("`{}` has no `{}`", first.node, second.node),
                ),
                Text::new("未找到", "not found"),
                help,
            ));
        }
    }

    fn duplicate_parts<'a>(&mut self, names: impl Iterator<Item = &'a Ident>) {
        for (again, first) in duplicates_in(names) {
            let d = err::duplicate(self.loc(again.span), self.loc(first.span), &again.node);
            self.push(d);
        }
    }
}

/// Whether both types are numbers without a physical unit (plain numbers or percentages), which
/// a figure written to a precision may be compared across.
fn both_dimensionless(a: Ty, b: Ty) -> bool {
    matches!((a, b), (Ty::Num(x), Ty::Num(y)) if x.is_dimensionless() && y.is_dimensionless())
}

/// Whether `e` is a division (`a ÷ b`), in parentheses or not.
fn is_quotient(e: &Expr) -> bool {
    match &e.node {
        crate::ast::ExprKind::Binary(crate::ast::BinOp::Div, _, _) => true,
        crate::ast::ExprKind::Paren(inner) => is_quotient(inner),
        _ => false,
    }
}
