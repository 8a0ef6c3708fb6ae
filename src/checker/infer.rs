//! Typing expressions: names, units, operators, comparisons, functions, tiers.

use super::builtins::{self, Builtin, CURRENT_YEAR};
use super::err;
use super::scope::{DefSource, SubjectId};
use super::types::{EnumId, Ty};
use super::{Checker, Typed};
use crate::ast::{BinOp, CmpOp, Expr, ExprKind, ItemKind, Pattern, ScorePart, TierArm, TypeExpr};
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Lang, Text};
use crate::source::Span;
use crate::units::{self, AddSub, Dim, UnitError, parse_unit};

/// Where an expression is typed: the subject whose fields are in scope.
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    pub subject: Option<SubjectId>,
}

fn plain(ty: Ty) -> Typed {
    Typed { ty, yearly: false }
}

impl Checker<'_> {
    /// The type of an expression. `hint` is the type the context expects, used only to pick
    /// between enumerations that share a value name.
    pub(super) fn infer(&mut self, e: &Expr, ctx: Ctx, hint: Option<Ty>) -> Typed {
        crate::depth::with_stack(|| self.infer_node(e, ctx, hint))
    }

    fn infer_node(&mut self, e: &Expr, ctx: Ctx, hint: Option<Ty>) -> Typed {
        match &e.node {
            ExprKind::Quantity(q) => match &q.unit {
                None => plain(Ty::Num(Dim::NUMBER)),
                Some(u) => match parse_unit(&u.node) {
                    Ok(unit) => plain(Ty::Num(unit.dim())),
                    Err(err) => {
                        self.push(err::unit_error(&err, self.loc(u.span), None, None));
                        plain(Ty::Unknown)
                    }
                },
            },
            ExprKind::Text(_) => plain(Ty::Text),
            ExprKind::Bool(_) => plain(Ty::Bool),
            ExprKind::Date(_) => plain(Ty::Date),
            ExprKind::Name(n) => self.resolve(n, e.span, ctx, hint),
            ExprKind::Paren(inner) => self.infer(inner, ctx, hint),
            ExprKind::Neg(inner) => {
                let t = self.infer(inner, ctx, None);
                self.expect_num(inner, t.ty);
                t
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, e, l, r, ctx),
            ExprKind::Compare(cmp, l, r) => {
                let yearly = self.compare(cmp.op, e.span, l, r, ctx);
                Typed { ty: Ty::Bool, yearly }
            }
            ExprKind::Logic(_, l, r) => {
                let a = self.infer(l, ctx, None);
                let b = self.infer(r, ctx, None);
                self.expect_bool(l, a.ty);
                self.expect_bool(r, b.ty);
                Typed { ty: Ty::Bool, yearly: a.yearly || b.yearly }
            }
            ExprKind::Not(inner) => {
                let a = self.infer(inner, ctx, None);
                self.expect_bool(inner, a.ty);
                Typed { ty: Ty::Bool, yearly: a.yearly }
            }
            ExprKind::If(c, t, f) => {
                let ct = self.infer(c, ctx, None);
                self.expect_bool(c, ct.ty);
                let a = self.infer(t, ctx, hint);
                let b = self.infer(f, ctx, hint.or(Some(a.ty)));
                let ty = self.unify(a.ty, b.ty, t, f);
                Typed { ty, yearly: ct.yearly || a.yearly || b.yearly }
            }
            ExprKind::Call(func, args) => self.call(func, args, e.span, ctx),
            ExprKind::Index(base, index) => {
                let b = self.infer(base, ctx, None);
                let i = self.infer(index, ctx, None);
                if !matches!(i.ty, Ty::Year | Ty::Unknown | Ty::Num(_)) || !is_year_like(i.ty) {
                    let expected = Text::new("年份（如 `2020年`）", "a year such as `2020年`");
                    let found = i.ty.describe(&self.scope.enums);
                    self.push(err::type_mismatch(self.loc(index.span), &expected, &found));
                }
                if !b.yearly && b.ty != Ty::Unknown {
                    self.push(not_yearly(self.loc(base.span)));
                }
                plain(b.ty)
            }
            ExprKind::Member(base, member) => self.member(base, member, ctx, hint),
            ExprKind::Tier(scrutinee, arms) => self.tier(scrutinee, arms, ctx, hint),
            ExprKind::Where(inner) => {
                self.push(err::simple(
                    Code::Syntax,
                    self.loc(e.span),
                    Text::new(
                        "`当` 条件只能写在对成员的汇总中",
                        "a `when` condition belongs only in an aggregation over members",
                    ),
                    Text::new("这里不能写 `当`", "`when` not allowed here"),
                    Text::new(
                        "写成最后一个参数，如 `合计(合同.金额, 当 合同.类型 = 国产)`",
                        "write it as the last argument, e.g. `sum(合同.金额, when 合同.类型 = 国产)`",
                    ),
                ));
                let t = self.infer(inner, ctx, None);
                self.expect_bool(inner, t.ty);
                plain(Ty::Unknown)
            }
        }
    }

    /// A name: a definition, an enumeration value, or the evaluation year.
    /// `ZC0213`: a stacking rule read as a value, one of whose awards is another policy's
    /// (its amount is known only when the reports apply the rule).
    fn stack_not_a_value(&mut self, s: &crate::ast::StackDecl, span: Span) {
        let rule = &s.name.node;
        let others: Vec<String> = s
            .members
            .iter()
            .filter(|m| m.node.len() > 1)
            .map(|m| {
                format!(
                    "`{}`",
                    m.node.iter().map(|i| i.node.as_str()).collect::<Vec<_>>().join(".")
                )
            })
            .collect();
        self.push(err::simple(
            Code::StackNotAValue,
            self.loc(span),
            Text::new(
                format!("叠加规则 `{rule}` 含有其他政策的奖励（{}），不能作为数值读取", others.join("、")),
                format!(
                    "the stacking rule `{rule}` takes awards of another policy ({}): it cannot be read as a value",
                    others.join(", ")
                ),
            ),
            Text::new("在这里读取", "read here"),
            Text::new(
                "只含本政策奖励的叠加规则才能作为数值读取（如成员的 `就高` 由所属主体 `合计(项目.就高)`）；含其他政策奖励的叠加规则由报告按主体执行",
                "only a stacking rule of this policy's own awards can be read as a value (a member's, added up by its owner: `合计(项目.就高)`); one with another policy's awards is applied by the reports to each subject",
            ),
        ));
    }

    fn resolve(&mut self, name: &str, span: Span, ctx: Ctx, hint: Option<Ty>) -> Typed {
        if let Some(id) = self.scope.lookup(name, ctx.subject) {
            self.mark_used(id);
            let t = self.def_type(id, span);
            // A stacking rule with another policy's award has no value a rule can read (one
            // naming something else is reported where it names it).
            if let Some(ItemKind::Stack(s)) = self.scope.defs.get(id).and_then(|d| d.kind())
                && t.ty == Ty::Unknown
                && s.members.iter().any(|m| m.node.len() > 1)
            {
                self.stack_not_a_value(s, span);
            }
            return t;
        }
        if CURRENT_YEAR.contains(&name) {
            return Typed { ty: Ty::Year, yearly: true };
        }
        if let Some(values) = self.scope.enum_values.get(name) {
            let chosen = match (values.as_slice(), hint) {
                ([(e, _)], _) => Some(*e),
                (many, Some(Ty::Enum(h))) => many.iter().find(|(e, _)| *e == h).map(|(e, _)| *e),
                _ => None,
            };
            match chosen {
                Some(e) => {
                    self.used_enums.insert(e);
                    return plain(Ty::Enum(e));
                }
                None => {
                    let names: Vec<String> = values
                        .iter()
                        .filter_map(|(e, _)| self.scope.enums.get(*e).map(|i| i.name.clone()))
                        .collect();
                    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    let first = names.first().cloned().unwrap_or_default();
                    self.push(err::simple(
                        Code::EnumMismatch,
                        self.loc(span),
                        Text::new(
                            format!(
                                "`{name}` 是多个枚举（{}）的值，无法确定是哪一个",
                                quoted.join("、")
                            ),
                            format!(
                                "`{name}` is a value of several enumerations ({})",
                                quoted.join(", ")
                            ),
                        ),
                        Text::new("指代不明", "ambiguous"),
                        Text::new(
                            format!("写出枚举名，如 `{first}.{name}`"),
                            format!("name the enumeration, e.g. `{first}.{name}`"),
                        ),
                    ));
                    return plain(Ty::Unknown);
                }
            }
        }
        // Where a value of an enumeration is expected, a name close to one of its values (or
        // close to no other name) is taken for a misspelt value.
        if let Some(Ty::Enum(e)) = hint {
            let values: Vec<&str> = self
                .scope
                .enums
                .get(e)
                .map(|i| i.values.iter().map(String::as_str).collect())
                .unwrap_or_default();
            // Suggestions come from this enumeration alone (a value of another one would not
            // compare); a defined name close to the word is offered besides, in case a name
            // was meant.
            let other_values: Vec<&str> =
                self.scope.enum_values.keys().map(String::as_str).collect();
            let near_names: Vec<&str> = did_you_mean(name, self.scope.visible_names(ctx.subject))
                .into_iter()
                .filter(|n| !other_values.contains(n))
                .collect();
            let mut d = unknown_enum_value(self.loc(span), name, &self.enum_name(e), values);
            if let (Some(n), Some(h)) = (near_names.first(), d.help.clone()) {
                d = d.help(Text::new(
                    format!("{}；若要写的是名称而不是值，是不是 `{n}`？", h.zh),
                    format!("{}; if a name was meant rather than a value, `{n}`?", h.en),
                ));
            }
            self.push(d);
            return plain(Ty::Unknown);
        }
        let candidates = self.scope.visible_names(ctx.subject);
        let mut d = err::unknown_name(self.loc(span), name, candidates);
        if ctx.subject.is_none()
            && let Some(sub) = self.scope.locals.iter().position(|l| l.contains_key(name))
        {
            let sname = self.scope.subjects.get(sub).map_or("", |s| s.decl.name.node.as_str());
            d = d.help(Text::new(
                format!("`{name}` 属于主体 `{sname}`，只能在 `对于 {sname}` 中使用"),
                format!("`{name}` belongs to the subject `{sname}`: use it inside `for {sname}`"),
            ));
        }
        self.push(d);
        plain(Ty::Unknown)
    }

    fn binary(&mut self, op: BinOp, e: &Expr, l: &Expr, r: &Expr, ctx: Ctx) -> Typed {
        let a = self.infer(l, ctx, None);
        let b = self.infer(r, ctx, None);
        let yearly = a.yearly || b.yearly;
        let ty = match (a.ty, b.ty) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => Ty::Unknown,
            (Ty::Num(x), Ty::Num(y)) => {
                let result = match op {
                    // `1 + 20%`: a growth factor, a plain number.
                    BinOp::Add | BinOp::Sub if ratio_and_percent(x, y) => Ok(Dim::NUMBER),
                    BinOp::Add => units::add_sub(x, y, AddSub::Add),
                    BinOp::Sub => units::add_sub(x, y, AddSub::Sub),
                    BinOp::Mul => x.mul(y),
                    BinOp::Div => x.div(y),
                };
                match result {
                    Ok(d) => Ty::Num(d),
                    Err(error) => {
                        let error = error
                            .written_as(self.unit_text(l).as_deref(), self.unit_text(r).as_deref());
                        let d = err::unit_error(
                            &error,
                            self.loc(e.span),
                            Some(self.loc(l.span)),
                            Some(self.loc(r.span)),
                        );
                        self.push(d);
                        Ty::Unknown
                    }
                }
            }
            // Years: 2025 − 2020 is 5年; a year plus or minus 年 is a year.
            (Ty::Year, Ty::Year) if op == BinOp::Sub => Ty::Num(Dim::TIME),
            (Ty::Year, Ty::Num(d)) if matches!(op, BinOp::Add | BinOp::Sub) && year_offset(d) => {
                Ty::Year
            }
            (Ty::Num(d), Ty::Year) if op == BinOp::Add && year_offset(d) => Ty::Year,
            (x, y) => {
                let bad = if x.is_num() { r } else { l };
                let found = if x.is_num() { y } else { x };
                let expected = Text::new("数", "a number");
                let found = found.describe(&self.scope.enums);
                self.push(err::type_mismatch(self.loc(bad.span), &expected, &found));
                Ty::Unknown
            }
        };
        Typed { ty, yearly }
    }

    /// Checks that two sides can be compared with `op`; returns whether either is yearly.
    pub(super) fn compare(&mut self, op: CmpOp, at: Span, l: &Expr, r: &Expr, ctx: Ctx) -> bool {
        let a = self.infer(l, ctx, None);
        let b = self.infer(r, ctx, Some(a.ty));
        self.comparable(op, at, a.ty, b.ty, l, r);
        a.yearly || b.yearly
    }

    /// Whether values of types `a` and `b` can be compared with `op`; reports if not.
    pub(super) fn comparable(&mut self, op: CmpOp, at: Span, a: Ty, b: Ty, l: &Expr, r: &Expr) {
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        match (a, b) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => {}
            // A computed ratio (`研发投入 / 营业收入`) compares with a percentage; a bare number
            // (`增长率 > 20`) does not: it is the classic slip for 20%.
            (Ty::Num(x), Ty::Num(y))
                if ratio_and_percent(x, y)
                    && !bare_number(if x == Dim::NUMBER { l } else { r }) => {}
            (Ty::Num(x), Ty::Num(y)) => {
                if let Err(error) = units::compare(x, y) {
                    let error = error
                        .written_as(self.unit_text(l).as_deref(), self.unit_text(r).as_deref());
                    let d = err::unit_error(
                        &error,
                        self.loc(at),
                        Some(self.loc(l.span)),
                        Some(self.loc(r.span)),
                    );
                    self.push(d);
                }
            }
            (Ty::Enum(x), Ty::Enum(y)) => {
                if x != y {
                    let (xn, yn) = (self.enum_name(x), self.enum_name(y));
                    self.push(err::simple(
                        Code::EnumMismatch,
                        self.loc(at),
                        Text::new(
                            format!("枚举 `{xn}` 的值不能与枚举 `{yn}` 的值比较"),
                            format!("a value of `{xn}` is compared with a value of `{yn}`"),
                        ),
                        Text::new(
                            "两边属于不同的枚举",
                            "the sides belong to different enumerations",
                        ),
                        Text::new("比较同一枚举的值", "compare values of the same enumeration"),
                    ));
                } else if ordered && !self.scope.enums.get(x).is_some_and(|e| e.ordered) {
                    let n = self.enum_name(x);
                    self.push(err::simple(
                        Code::UnorderedEnum,
                        self.loc(at),
                        Text::new(
                            format!("枚举 `{n}` 无序，不能比较大小"),
                            format!("`{n}` is not ordered, so its values cannot be compared by size"),
                        ),
                        Text::new("比较大小", "compared by order"),
                        Text::new(
                            format!("若 `{n}` 的值有高低之分，声明为 `枚举 {n} 有序 {{ 低 < 高 }}`"),
                            format!("if `{n}` has an order, declare it `enum {n} ordered {{ low < high }}`"),
                        ),
                    ));
                }
            }
            (Ty::Year, Ty::Year) | (Ty::Date, Ty::Date) => {}
            (Ty::Year, Ty::Num(d)) | (Ty::Num(d), Ty::Year) if is_year_like(Ty::Num(d)) => {}
            (Ty::Bool, Ty::Bool) | (Ty::Text, Ty::Text) if !ordered => {}
            (x, y) => {
                let expected = x.describe(&self.scope.enums);
                let found = y.describe(&self.scope.enums);
                let mut d = err::type_mismatch(self.loc(r.span), &expected, &found);
                if x == y {
                    d.message = Text::new(
                        format!("{}不能比较大小", found.zh),
                        format!("{} cannot be compared by size", found.en),
                    );
                    d.help = Some(Text::new(
                        "文本和条件（是/否）只能用 `=` 或 `≠` 比较",
                        "texts and yes/no conditions can only be compared with `=` or `≠`",
                    ));
                }
                self.push(d);
            }
        }
    }

    fn call(&mut self, func: &crate::ast::Ident, args: &[Expr], span: Span, ctx: Ctx) -> Typed {
        let Some((builtin, min, max)) = builtins::lookup(&func.node) else {
            let suggestions = did_you_mean(&func.node, builtins::names());
            let help = help_text(&suggestions).unwrap_or_else(|| {
                let names = |english: bool| -> Vec<String> {
                    builtins::BUILTINS
                        .iter()
                        .map(|b| format!("`{}`", if english { b.2 } else { b.1 }))
                        .collect()
                };
                Text::new(
                    format!("可用的函数有 {}", names(false).join("、")),
                    format!("the functions are {}", names(true).join(", ")),
                )
            });
            self.push(err::simple(
                Code::UnknownFunction,
                self.loc(func.span),
                Text::new(
                    format!("未知函数 `{}`", func.node),
                    format!("unknown function `{}`", func.node),
                ),
                Text::new("没有这个函数", "no such function"),
                help,
            ));
            for a in args {
                self.infer(a, ctx, None);
            }
            return plain(Ty::Unknown);
        };
        if builtin.aggregates()
            && let Some(kind) = self.scope.aggregated_kind(ctx.subject, args)
        {
            self.aggregations.insert(span, (kind, builtin));
            return self.aggregate(builtin, func, args, span, ctx, kind);
        }
        if builtin.aggregates_only() {
            let kinds: Vec<String> = ctx
                .subject
                .map(|s| self.scope.member_kinds(s))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|k| {
                    self.scope.subjects.get(k).map(|s| format!("`{}`", s.decl.name.node))
                })
                .collect();
            self.push(err::simple(
                Code::TypeMismatch,
                self.loc(span),
                Text::new(
                    format!("函数 `{}` 汇总一个主体的成员，这里没有读到成员", func.node),
                    format!("`{}` aggregates over a subject's members, and reads none here", func.node),
                ),
                Text::new("没有成员", "no members"),
                if kinds.is_empty() {
                    Text::new(
                        "先声明成员主体，如 `主体 合同 属于 企业 按 企业名称 { … }`，在 `对于 企业` 中汇总",
                        "declare a member kind first, e.g. `subject 合同 belongs to 企业 by 企业名称 { … }`, and aggregate inside `for 企业`",
                    )
                } else {
                    Text::new(
                        format!("成员主体有 {}，如 `计数({})`", kinds.join("、"), kinds.first().map_or("", |k| k.trim_matches('`'))),
                        format!("the member kinds are {}", kinds.join(", ")),
                    )
                },
            ));
            for a in args {
                self.infer(a, ctx, None);
            }
            return plain(Ty::Unknown);
        }
        if args.len() < min || args.len() > max {
            let wanted = if min == max {
                Text::new(format!(" {min} 个"), format!("{min}"))
            } else if max == usize::MAX {
                Text::new(format!("至少 {min} 个"), format!("at least {min}"))
            } else {
                Text::new(format!(" {min} 至 {max} 个"), format!("{min} to {max}"))
            };
            self.push(err::simple(
                Code::ArgumentCount,
                self.loc(span),
                Text::new(
                    format!(
                        "函数 `{}` 需要{}参数，这里给了 {} 个",
                        func.node,
                        wanted.zh,
                        args.len()
                    ),
                    format!("`{}` takes {} arguments, {} given", func.node, wanted.en, args.len()),
                ),
                Text::new("参数个数不对", "wrong number of arguments"),
                Text::new(
                    "对照语言参考中该函数的写法",
                    "see the function in the language reference",
                ),
            ));
        }
        let typed: Vec<Typed> = args.iter().map(|a| self.infer(a, ctx, None)).collect();
        let yearly = typed.iter().any(|t| t.yearly);
        let first = typed.first().map_or(Ty::Unknown, |t| t.ty);
        let ty = match builtin {
            Builtin::Min | Builtin::Max | Builtin::Sum => {
                let mut ty = first;
                for (t, a) in typed.iter().zip(args).skip(1) {
                    if let Some(f) = args.first() {
                        ty = self.unify(ty, t.ty, f, a);
                    }
                }
                if let Some(a) = args.first() {
                    self.expect_num(a, ty);
                }
                ty
            }
            Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
                if let (Some(x), Some(step), Some(tx), Some(ts)) =
                    (args.first(), args.get(1), typed.first(), typed.get(1))
                {
                    self.expect_num(x, tx.ty);
                    self.comparable(CmpOp::Eq, span, tx.ty, ts.ty, x, step);
                }
                first
            }
            Builtin::Abs => {
                if let Some(a) = args.first() {
                    self.expect_num(a, first);
                }
                first
            }
            Builtin::Cumulative => {
                if let (Some(a), Some(t)) = (args.first(), typed.first()) {
                    self.expect_num(a, t.ty);
                    if !t.yearly && t.ty != Ty::Unknown {
                        self.push(not_yearly(self.loc(a.span)));
                    }
                }
                if let (Some(a), Some(t)) = (args.get(1), typed.get(1))
                    && !is_year_like(t.ty)
                {
                    let expected = Text::new("年份", "a year");
                    let found = t.ty.describe(&self.scope.enums);
                    self.push(err::type_mismatch(self.loc(a.span), &expected, &found));
                }
                first
            }
            Builtin::Previous => first,
            Builtin::Growth => {
                if let Some(a) = args.first() {
                    self.expect_num(a, first);
                }
                Ty::Num(Dim::PERCENT)
            }
            Builtin::ConsecutiveYears => {
                if let Some(a) = args.first() {
                    self.expect_bool(a, first);
                }
                Ty::Num(Dim::TIME)
            }
            Builtin::Count | Builtin::Any | Builtin::All | Builtin::Allocate => Ty::Unknown,
            Builtin::AverageGrowth => {
                // The last and first values alike; a count of years; a step in percent.
                if let (Some(l), Some(f), Some(tf)) = (args.first(), args.get(1), typed.get(1)) {
                    self.expect_num(l, first);
                    let ty = self.unify(first, tf.ty, l, f);
                    self.expect_num(f, ty);
                }
                let want = [
                    (
                        2,
                        Dim::TIME,
                        Text::new("年数（如 `3年`）", "a number of years (such as `3年`)"),
                    ),
                    (
                        3,
                        Dim::PERCENT,
                        Text::new(
                            "百分比精度（如 `0.01%`）",
                            "a precision in percent (such as `0.01%`)",
                        ),
                    ),
                ];
                for (i, dim, expected) in want {
                    if let (Some(a), Some(t)) = (args.get(i), typed.get(i))
                        && !matches!(t.ty, Ty::Unknown)
                        && t.ty != Ty::Num(dim)
                        && !(i == 2 && t.ty == Ty::Num(Dim::NUMBER))
                    {
                        let found = t.ty.describe(&self.scope.enums);
                        self.push(err::type_mismatch(self.loc(a.span), &expected, &found));
                    }
                }
                Ty::Num(Dim::PERCENT)
            }
        };
        Typed { ty, yearly }
    }

    /// `依次分配(合同.签订日期, 合同.区级补助, 100万元, 合同.市级补助, 200万元)`: the order is
    /// read from each member, each level's amount from each member and its cap from the owner;
    /// every amount and cap in one unit, which the total paid has.
    fn allocation(
        &mut self,
        func: &crate::ast::Ident,
        values: &[Expr],
        span: Span,
        ctx: Ctx,
        mctx: Ctx,
    ) -> Typed {
        let Some((order, levels)) = values.split_first() else { return plain(Ty::Unknown) };
        let t = self.infer(order, mctx, None);
        if matches!(t.ty, Ty::Bool | Ty::Text) {
            let expected = Text::new("日期、年份或数", "a date, a year or a number");
            let found = t.ty.describe(&self.scope.enums);
            self.push(err::type_mismatch(self.loc(order.span), &expected, &found));
        }
        if levels.is_empty() || levels.len() % 2 != 0 {
            self.push(err::simple(
                Code::ArgumentCount,
                self.loc(span),
                Text::new(
                    format!("`{}` 先写顺序，再写每一级的金额与封顶，成对给出", func.node),
                    format!("`{}` takes the order, then each level's amount and cap, in pairs", func.node),
                ),
                Text::new("参数个数不对", "wrong number of arguments"),
                Text::new(
                    "如 `依次分配(合同.签订日期, 合同.区级补助, 100万元, 合同.市级补助, 200万元)`",
                    "e.g. `allocate(合同.签订日期, 合同.区级补助, 100万元, 合同.市级补助, 200万元)`",
                ),
            ));
        }
        let mut ty = Ty::Unknown;
        let mut first: Option<&Expr> = None;
        for pair in levels.chunks(2) {
            if let Some(amount) = pair.first() {
                let ta = self.infer(amount, mctx, None);
                self.expect_num(amount, ta.ty);
                ty = match first {
                    None => ta.ty,
                    Some(f) => self.unify(ty, ta.ty, f, amount),
                };
                first = first.or(Some(amount));
            }
            if let (Some(cap), Some(f)) = (pair.get(1), first) {
                let tc = self.infer(cap, ctx, None);
                ty = self.unify(ty, tc.ty, f, cap);
            }
        }
        plain(ty)
    }

    /// An aggregation over the members of kind `kind`: `合计(合同.金额, 当 合同.类型 = 国产)`.
    /// Its arguments are typed in the member's scope; the value summed keeps its unit, a count
    /// is in 个.
    fn aggregate(
        &mut self,
        builtin: Builtin,
        func: &crate::ast::Ident,
        args: &[Expr],
        span: Span,
        ctx: Ctx,
        kind: SubjectId,
    ) -> Typed {
        let mctx = Ctx { subject: Some(kind) };
        let kind_name =
            self.scope.subjects.get(kind).map(|s| s.decl.name.node.clone()).unwrap_or_default();
        let (values, cond) = match args.split_last() {
            Some((last, rest)) if matches!(last.node, ExprKind::Where(_)) => (rest, Some(last)),
            _ => (args, None),
        };
        if let Some(c) = cond
            && let ExprKind::Where(inner) = &c.node
        {
            let t = self.infer(inner, mctx, None);
            self.expect_bool(inner, t.ty);
        }
        if builtin == Builtin::Allocate {
            return self.allocation(func, values, span, ctx, mctx);
        }
        let [value] = values else {
            self.push(err::simple(
                Code::ArgumentCount,
                self.loc(span),
                Text::new(
                    format!("对成员的汇总 `{}` 只取一个值，外加可选的 `当` 条件", func.node),
                    format!(
                        "an aggregation over members, `{}`, takes one value and an optional `when` condition",
                        func.node
                    ),
                ),
                Text::new("参数个数不对", "wrong number of arguments"),
                Text::new(
                    format!("如 `合计({kind_name}.金额, 当 {kind_name}.类型 = 国产)`"),
                    format!("e.g. `sum({kind_name}.金额, when {kind_name}.类型 = 国产)`"),
                ),
            ));
            for a in values {
                self.infer(a, mctx, None);
            }
            return plain(Ty::Unknown);
        };
        if builtin == Builtin::Count {
            // `计数(合同)`: the kind itself is what is counted.
            if !matches!(&value.node, ExprKind::Name(n) if *n == kind_name) {
                self.push(err::simple(
                    Code::TypeMismatch,
                    self.loc(value.span),
                    Text::new(
                        format!("`{}` 数的是成员本身：写成员主体的名称", func.node),
                        format!(
                            "`{}` counts the members themselves: write the member kind's name",
                            func.node
                        ),
                    ),
                    Text::new("应为成员主体名", "a member kind expected"),
                    Text::new(
                        format!("写 `{}({kind_name}, 当 …)`", func.node),
                        format!("write `{}({kind_name}, when …)`", func.node),
                    ),
                ));
            }
            return plain(Ty::Num(Dim::THINGS));
        }
        let t = self.infer(value, mctx, None);
        let ty = match builtin {
            Builtin::Any | Builtin::All => {
                self.expect_bool(value, t.ty);
                Ty::Bool
            }
            _ => {
                self.expect_num(value, t.ty);
                t.ty
            }
        };
        Typed { ty, yearly: t.yearly }
    }

    fn member(
        &mut self,
        base: &Expr,
        member: &crate::ast::Ident,
        ctx: Ctx,
        hint: Option<Ty>,
    ) -> Typed {
        let ExprKind::Name(base_name) = &base.node else {
            self.infer(base, ctx, None);
            self.push(no_members(self.loc(base.span)));
            return plain(Ty::Unknown);
        };
        // `企业.营业收入` in a member's rules: a field of its owner.
        if let Some(s) = ctx.subject
            && self.scope.lookup(base_name, ctx.subject).is_none()
            && let Some(owner) = self.scope.owner_of(s)
            && self.scope.subjects.get(owner).is_some_and(|i| i.decl.name.node == *base_name)
        {
            return self.owner_field(owner, base_name, member);
        }
        // `合同.金额` where `合同` is the kind in scope (inside an aggregation over members):
        // the member's own field or rule.
        if let Some(s) = ctx.subject
            && self.scope.subjects.get(s).is_some_and(|i| i.decl.name.node == *base_name)
            && self.scope.lookup(base_name, ctx.subject).is_none()
        {
            return self.resolve(&member.node, member.span, ctx, hint);
        }
        // `级别.省级`: a value of a named enumeration.
        if self.scope.lookup(base_name, ctx.subject).is_none()
            && let Some(&eid) = self.scope.enum_names.get(base_name)
        {
            self.used_enums.insert(eid);
            let info = self.scope.enums.get(eid);
            if info.is_some_and(|i| i.index_of(&member.node).is_some()) {
                return plain(Ty::Enum(eid));
            }
            let values: Vec<&str> =
                info.map(|i| i.values.iter().map(String::as_str).collect()).unwrap_or_default();
            self.push(unknown_enum_value(self.loc(member.span), &member.node, base_name, values));
            return plain(Ty::Unknown);
        }
        let _ = hint;
        let Some(id) = self.scope.lookup(base_name, ctx.subject) else {
            return self.resolve(base_name, base.span, ctx, None);
        };
        self.mark_used(id);
        self.def_type(id, base.span);
        let kind = self.scope.defs.get(id).and_then(|d| d.kind());
        let members: Vec<(String, Ty)> = match kind {
            Some(ItemKind::Import(_)) => return plain(Ty::Unknown),
            Some(ItemKind::Condition(c)) => {
                let mut out = Vec::new();
                collect_cond_names(&c.group.node, &mut out);
                out.into_iter().map(|n| (n, Ty::Bool)).collect()
            }
            Some(ItemKind::Indicators(t)) => {
                t.indicators.iter().map(|i| (i.node.name.node.clone(), Ty::Bool)).collect()
            }
            Some(ItemKind::Score(s)) => {
                let mut out = Vec::new();
                collect_score_names(&s.parts, &mut out);
                out.into_iter().map(|n| (n, Ty::Num(Dim::SCORE))).collect()
            }
            Some(ItemKind::Budget(b)) => {
                let parts: Vec<_> = b.parts.iter().collect();
                let mut out = Vec::new();
                for p in parts {
                    let t = self.infer(&p.node.value, ctx, None).ty;
                    out.push((p.node.name.node.clone(), t));
                }
                out
            }
            Some(ItemKind::Matching(m)) => {
                let mut out = Vec::new();
                for p in &m.parts {
                    let t = self.infer(&p.node.value, ctx, None).ty;
                    out.push((p.node.name.node.clone(), t));
                }
                out
            }
            _ => {
                self.push(no_members(self.loc(base.span)));
                return plain(Ty::Unknown);
            }
        };
        match members.iter().find(|(n, _)| *n == member.node) {
            Some((_, t)) => plain(*t),
            None => {
                let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
                self.push(unknown_member(self.loc(member.span), &member.node, base_name, names));
                plain(Ty::Unknown)
            }
        }
    }

    /// A field of a member's owner, read from the member's rules; the owner's rules are not
    /// read from its members (they may aggregate over them).
    fn owner_field(
        &mut self,
        owner: SubjectId,
        owner_name: &str,
        member: &crate::ast::Ident,
    ) -> Typed {
        let fields: Vec<usize> =
            self.scope.subjects.get(owner).map(|i| i.fields.clone()).unwrap_or_default();
        if let Some(&id) =
            fields.iter().find(|&&d| self.scope.defs.get(d).is_some_and(|d| d.name == member.node))
        {
            self.mark_used(id);
            return self.def_type(id, member.span);
        }
        let names: Vec<String> =
            fields.iter().filter_map(|&d| self.scope.defs.get(d).map(|d| d.name.clone())).collect();
        let mut d = err::unknown_name(
            self.loc(member.span),
            &member.node,
            names.iter().map(String::as_str),
        );
        if self.scope.lookup(&member.node, Some(owner)).is_some() {
            d = d.help(Text::new(
                format!("成员只能读所属 `{owner_name}` 的字段，不能读它的规则：`{}` 是规则", member.node),
                format!("a member reads its owner `{owner_name}`'s fields, not its rules: `{}` is a rule", member.node),
            ));
        }
        self.push(d);
        plain(Ty::Unknown)
    }

    fn tier(
        &mut self,
        scrutinee: &Expr,
        arms: &[crate::ast::Node<TierArm>],
        ctx: Ctx,
        hint: Option<Ty>,
    ) -> Typed {
        let s = self.infer(scrutinee, ctx, None);
        let mut yearly = s.yearly;
        let mut result: Option<(Ty, &Expr)> = None;
        for arm in arms {
            self.pattern(&arm.node.pattern, s.ty, scrutinee, ctx);
            let v = self.infer(&arm.node.value, ctx, hint.or(result.map(|r| r.0)));
            yearly |= v.yearly;
            result = Some(match result {
                None => (v.ty, &arm.node.value),
                Some((t, first)) => (self.unify(t, v.ty, first, &arm.node.value), first),
            });
        }
        self.tier_coverage(arms.iter().map(|a| &a.node.pattern), s.ty, scrutinee.span);
        Typed { ty: result.map_or(Ty::Unknown, |r| r.0), yearly }
    }

    /// Checks a tier or grade pattern against the scrutinee's type.
    pub(super) fn pattern(
        &mut self,
        p: &crate::ast::Node<Pattern>,
        scrutinee: Ty,
        s: &Expr,
        ctx: Ctx,
    ) {
        match &p.node {
            Pattern::Otherwise => {}
            Pattern::Compare(cmp, v) => {
                let t = self.infer(v, ctx, Some(scrutinee));
                self.comparable(cmp.op, p.span, scrutinee, t.ty, s, v);
            }
            Pattern::Equals(v) => {
                let t = self.infer(v, ctx, Some(scrutinee));
                self.comparable(CmpOp::Eq, p.span, scrutinee, t.ty, s, v);
            }
        }
    }

    /// Two branches that must have one type: numbers of compatible dimensions, or equal types.
    pub(super) fn unify(&mut self, a: Ty, b: Ty, ea: &Expr, eb: &Expr) -> Ty {
        match (a, b) {
            (Ty::Unknown, t) | (t, Ty::Unknown) => t,
            (Ty::Num(x), Ty::Num(y)) => match units::add_sub(x, y, AddSub::Add) {
                Ok(d) => Ty::Num(d),
                Err(error) => {
                    let error = error
                        .written_as(self.unit_text(ea).as_deref(), self.unit_text(eb).as_deref());
                    let d = self.alternatives_error(&error, ea, eb);
                    self.push(d);
                    Ty::Unknown
                }
            },
            (x, y) if x == y => x,
            (x, y) => {
                let expected = x.describe(&self.scope.enums);
                let found = y.describe(&self.scope.enums);
                self.push(err::type_mismatch(self.loc(eb.span), &expected, &found));
                Ty::Unknown
            }
        }
    }

    pub(super) fn expect_bool(&mut self, e: &Expr, t: Ty) {
        if !t.is_bool() {
            let expected = Ty::Bool.describe(&self.scope.enums);
            let found = t.describe(&self.scope.enums);
            self.push(err::type_mismatch(self.loc(e.span), &expected, &found));
        }
    }

    pub(super) fn expect_num(&mut self, e: &Expr, t: Ty) {
        if !t.is_num() {
            let expected = Text::new("数", "a number");
            let found = t.describe(&self.scope.enums);
            self.push(err::type_mismatch(self.loc(e.span), &expected, &found));
        }
    }

    /// Checks a number has dimension `want` (percent or points count as plain for `NUMBER`).
    pub(super) fn expect_dim(&mut self, e: &Expr, t: Ty, want: Dim) {
        match t {
            Ty::Unknown => {}
            Ty::Num(d) if d == want => {}
            Ty::Num(d) if want == Dim::NUMBER && d == Dim::PERCENT => {}
            other => {
                let expected = Ty::Num(want).describe(&self.scope.enums);
                let found = other.describe(&self.scope.enums);
                self.push(err::type_mismatch(self.loc(e.span), &expected, &found));
            }
        }
    }

    /// The unit a value is written in, to name it in a unit error: the unit on a literal, or
    /// the unit a field, parameter or `令` was declared in.
    fn unit_text(&self, e: &Expr) -> Option<String> {
        match &e.node {
            ExprKind::Quantity(q) => q.unit.as_ref().map(|u| u.node.clone()),
            ExprKind::Paren(inner) => self.unit_text(inner),
            ExprKind::Name(n) => {
                let subject = self.stack.last().and_then(|id| self.scope.defs.get(*id)?.subject);
                let def = self.scope.defs.get(self.scope.lookup(n, subject)?)?;
                let ty = match def.source {
                    DefSource::Field(f) => &f.node.ty,
                    DefSource::Item(item) => match &item.node.kind {
                        ItemKind::Param(p) => &p.ty,
                        ItemKind::Let(l) => l.ty.as_ref()?,
                        _ => return None,
                    },
                };
                match &ty.node {
                    TypeExpr::Unit(u) => Some(u.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Two values that must be the same kind of quantity (the branches of an `若`, a default and
    /// its exception, tiers, a stated figure and its formula) but have units that do not agree.
    fn alternatives_error(&self, error: &UnitError, ea: &Expr, eb: &Expr) -> Diagnostic {
        let (UnitError::Incompatible { left, right, .. }
        | UnitError::PercentVsPoints { left, right, .. }) = error
        else {
            return err::unit_error(error, self.loc(eb.span), None, None);
        };
        let (lz, le) = (left.display(Lang::Zh), left.display(Lang::En));
        let (rz, re) = (right.display(Lang::Zh), right.display(Lang::En));
        let (reason_zh, reason_en) = match error {
            UnitError::PercentVsPoints { .. } => {
                ("一个是百分比，一个是百分点", "are a percentage and percentage points")
            }
            _ => ("单位不相容", "have incompatible units"),
        };
        Diagnostic::new(
            error.code(),
            Text::new(
                format!("`{lz}` 与 `{rz}` {reason_zh}，而这两处应是同一种量"),
                format!(
                    "`{le}` and `{re}` {reason_en}, but both must be the same kind of quantity"
                ),
            ),
        )
        .at(self.loc(eb.span), Text::new(format!("此处为 `{rz}`"), format!("this is `{re}`")))
        .also(self.loc(ea.span), Text::new(format!("此处为 `{lz}`"), format!("this is `{le}`")))
        .help(error.help().unwrap_or_else(err::unit_help))
    }

    pub(super) fn enum_name(&self, id: EnumId) -> String {
        self.scope.enums.get(id).map(|e| e.name.clone()).unwrap_or_default()
    }
}

/// A plain number or a number of years can stand for a year (`2020`, `2020年`).
fn is_year_like(t: Ty) -> bool {
    matches!(t, Ty::Year | Ty::Unknown) || t == Ty::Num(Dim::NUMBER) || t == Ty::Num(Dim::TIME)
}

fn year_offset(d: Dim) -> bool {
    d == Dim::TIME || d == Dim::NUMBER
}

fn collect_cond_names(g: &crate::ast::CondGroup, out: &mut Vec<String>) {
    for item in &g.items {
        out.push(item.node.name.node.clone());
        if let crate::ast::CondBody::Group(inner) = &item.node.body {
            collect_cond_names(&inner.node, out);
        }
    }
}

fn collect_score_names(parts: &[crate::ast::Node<ScorePart>], out: &mut Vec<String>) {
    for p in parts {
        match &p.node {
            ScorePart::Section(s) => {
                out.push(s.name.node.clone());
                collect_score_names(&s.parts, out);
            }
            ScorePart::Item(i) => out.push(i.name.node.clone()),
        }
    }
}

fn not_yearly(loc: crate::source::Loc) -> Diagnostic {
    err::simple(
        Code::TypeMismatch,
        loc,
        Text::new("此值不是按年的数据", "this value is not yearly"),
        Text::new("不按年", "not yearly"),
        Text::new(
            "只有声明为 `按年` 的字段或参数（及由它们算出的值）才能按年份取值或累计",
            "only fields and parameters declared `by year` (and values computed from them) have a value per year",
        ),
    )
}

fn no_members(loc: crate::source::Loc) -> Diagnostic {
    err::simple(
        Code::TypeMismatch,
        loc,
        Text::new("此名称没有可用 `.` 取出的组成部分", "this name has no parts to take with `.`"),
        Text::new("没有组成部分", "no parts"),
        Text::new(
            "`.` 用于条件的条目、评分的部分、预算的分项、指标表的指标、枚举的值或引用的政策",
            "`.` takes a condition's item, a score's part, a budget's part, an indicator, an enumeration value or a name from an imported policy",
        ),
    )
}

/// `小微型` where a value of `企业规模` is expected.
fn unknown_enum_value(
    loc: crate::source::Loc,
    value: &str,
    enum_name: &str,
    values: Vec<&str>,
) -> Diagnostic {
    let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    let all = Text::new(
        format!("`{enum_name}` 的值有 {}", listed.join("、")),
        format!("the values of `{enum_name}` are {}", listed.join(", ")),
    );
    let help = match help_text(&did_you_mean(value, values)) {
        Some(near) => {
            Text::new(format!("{}{}", near.zh, all.zh), format!("{} {}", near.en, all.en))
        }
        None => all,
    };
    err::simple(
        Code::UnknownEnumValue,
        loc,
        Text::new(
            format!("`{value}` 不是枚举 `{enum_name}` 的值"),
            format!("`{value}` is not a value of `{enum_name}`"),
        ),
        Text::new("没有这个值", "no such value"),
        help,
    )
}

fn unknown_member(
    loc: crate::source::Loc,
    member: &str,
    base: &str,
    names: Vec<&str>,
) -> Diagnostic {
    let suggestions = did_you_mean(member, names);
    let help = help_text(&suggestions)
        .unwrap_or_else(|| Text::new("检查名称是否写错", "check the spelling"));
    err::simple(
        Code::UnknownName,
        loc,
        Text::new(format!("`{base}` 中没有 `{member}`"), format!("`{base}` has no `{member}`")),
        Text::new("未找到", "not found"),
        help,
    )
}

/// One side a plain number and the other a percentage.
fn ratio_and_percent(x: Dim, y: Dim) -> bool {
    (x == Dim::NUMBER && y == Dim::PERCENT) || (x == Dim::PERCENT && y == Dim::NUMBER)
}

/// A number written without a unit (`20`, `(20)`, `-20`).
fn bare_number(e: &Expr) -> bool {
    match &e.node {
        ExprKind::Quantity(q) => q.unit.is_none(),
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => bare_number(inner),
        _ => false,
    }
}
