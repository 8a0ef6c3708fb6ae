//! The header, declarations and their blocks.

use super::expr::{ANY, ARITH};
use super::printer::{Printer, Sep};
use crate::ast::{
    AwardClause, AwardDecl, Citation, CondBody, CondGroup, DeductionPoints, Exception, GroupKind,
    Header, Ident, IndicatorsDecl, Item, ItemKind, Node, Quantity, ScorePart, Scoring, StackMode,
    TargetKind, TypeExpr, Validity, ValidityEnd, YearSel,
};
use crate::source::Span;

impl Printer<'_> {
    /// A block's declarations, each on its own line (the grammar has no separator for them).
    pub(super) fn items(&mut self, items: &[Node<Item>]) {
        for item in items {
            self.statement(item.span.start);
            self.item(item);
        }
    }

    pub(super) fn header(&mut self, h: &Node<Header>) {
        self.statement(h.span.start);
        let word = self.k("政策", "policy");
        self.w(word);
        self.text_at(&h.title);
        enum Field<'h> {
            Issuer(&'h Node<String>),
            Docno(&'h Node<String>),
            Date(Span),
            Valid(&'h Node<Validity>),
            Basis(&'h [Node<String>]),
        }
        let mut fields: Vec<(Span, Field<'_>)> = Vec::new();
        if let Some(s) = &h.issuer {
            fields.push((s.span, Field::Issuer(s)));
        }
        if let Some(s) = &h.docno {
            fields.push((s.span, Field::Docno(s)));
        }
        if let Some(d) = &h.date {
            fields.push((d.span, Field::Date(d.span)));
        }
        if let Some(v) = &h.valid {
            fields.push((v.span, Field::Valid(v)));
        }
        if let (Some(first), Some(last)) = (h.basis.first(), h.basis.last()) {
            fields.push((first.span.join(last.span), Field::Basis(&h.basis)));
        }
        fields.sort_by_key(|(s, _)| s.start);
        let spans: Vec<Span> = fields.iter().map(|(s, _)| *s).collect();
        let from = spans.last().map_or(h.title.span.end, |s| s.end);
        let close = self.close_brace(from, h.span.end);
        self.block(h.title.span.end, close, &spans, Sep::Semi, |p, i| {
            let Some((span, field)) = fields.get(i) else { return };
            let key = match field {
                Field::Issuer(_) => p.k("发文机关", "issuer"),
                Field::Docno(_) => p.k("文号", "docno"),
                Field::Date(_) => p.k("日期", "date"),
                Field::Valid(_) => p.k("有效期", "valid"),
                Field::Basis(_) => p.k("依据", "basis"),
            };
            p.w(key);
            p.lead(span.start);
            p.g(":");
            match field {
                Field::Issuer(s) | Field::Docno(s) => p.text_at(s),
                Field::Date(d) => p.leaf(*d),
                Field::Valid(v) => match &v.node {
                    Validity::Text(_) => p.leaf(v.span),
                    Validity::Range { from, to } => {
                        p.leaf(from.span);
                        let to_span = match to {
                            ValidityEnd::Date(d) => d.span,
                            ValidityEnd::Text(t) => t.span,
                        };
                        p.key("至", "to", to_span.start);
                        p.leaf(to_span);
                    }
                },
                Field::Basis(list) => {
                    for (j, s) in list.iter().enumerate() {
                        if j > 0 {
                            p.comma(s.span.start);
                        }
                        p.text_at(s);
                    }
                }
            }
        });
    }

    /// A child printed as its source text: a number with its unit, a date, a text, a ratio.
    pub(super) fn leaf(&mut self, span: Span) {
        self.child(span.start);
        let text = self.slice(span);
        self.w(text);
        self.done(span.end);
    }

    fn text_at(&mut self, s: &Node<String>) {
        self.leaf(s.span);
    }

    fn name(&mut self, id: &Ident) {
        self.child(id.span.start);
        self.w(&id.node);
        self.done(id.span.end);
    }

    fn quantity(&mut self, q: &Node<Quantity>) {
        self.leaf(q.span);
    }

    /// `:` before the child written at `next`.
    fn colon(&mut self, next: usize) {
        self.token(":", &[":", "："], next, true);
    }

    /// `,` before the child written at `next`.
    fn comma(&mut self, next: usize) {
        self.token(",", &[",", "，", "、"], next, true);
    }

    /// `=` before the child written at `next`.
    fn assign(&mut self, next: usize) {
        self.token("=", &["=", "＝"], next, false);
    }

    /// The citations before a declaration, each group of them on the lines the author wrote
    /// them on, then a new line for the declaration, whose first child is written at `body`.
    fn cited(&mut self, citations: &[Node<Citation>], body: usize) {
        for (i, c) in citations.iter().enumerate() {
            if i > 0 {
                self.same_level(c.span.start, false);
            }
            self.citation(c);
        }
        if !citations.is_empty() {
            self.line_before(body);
        }
    }

    /// `§ 五(三) 「原文」`: the clause as written; the quote as written, a quote over several
    /// lines with its later lines indented one space more than the line it starts on.
    fn citation(&mut self, c: &Node<Citation>) {
        let sign = self.gap_word(c.span.start, c.node.clause.span.start);
        let sign = match sign.as_str() {
            "条款" | "clause" => sign,
            _ => "§".to_string(),
        };
        self.w(&sign);
        self.leaf(c.node.clause.span);
        if let Some(q) = &c.node.quote {
            self.same_level(q.span.start, false);
            let text = self.slice(q.span);
            self.quote(text);
            self.done(q.span.end);
        }
    }

    /// Opens the new line a declaration starts on after its citations.
    fn line_before(&mut self, body: usize) {
        self.same_level(body, true);
    }

    pub(super) fn item(&mut self, item: &Node<Item>) {
        let body = match &item.node.kind {
            ItemKind::For(f) => f.subject.span.start,
            kind => kind.name().map_or(item.span.start, |n| n.span.start),
        };
        self.cited(&item.node.citations, body);
        let end = item.span.end;
        let k = |p: &Self, zh, en| p.k(zh, en);
        match &item.node.kind {
            ItemKind::Import(d) => {
                let w = k(self, "引用", "import");
                self.w(w);
                self.text_at(&d.path);
                self.key("为", "as", d.alias.span.start);
                self.name(&d.alias);
            }
            ItemKind::Enum(d) => {
                let w = k(self, "枚举", "enum");
                self.w(w);
                self.name(&d.name);
                if d.ordered {
                    let next = d.values.first().map_or(end, |v| v.span.start);
                    self.key("有序", "ordered", next);
                }
                let spans: Vec<Span> = d.values.iter().map(|v| v.span).collect();
                let from = spans.last().map_or(d.name.span.end, |s| s.end);
                let close = self.close_brace(from, end);
                let sep = if d.ordered { Sep::Less } else { Sep::Comma };
                self.block(d.name.span.end, close, &spans, sep, |p, i| {
                    if let Some(v) = d.values.get(i) {
                        p.name(v);
                    }
                });
            }
            ItemKind::Subject(d) => {
                let w = k(self, "主体", "subject");
                self.w(w);
                self.name(&d.name);
                let mut open = d.name.span.end;
                if let Some((owner, link)) = &d.owner {
                    let w = k(self, "属于", "belongs to");
                    self.w(w);
                    self.name(owner);
                    let w = k(self, "按", "by");
                    self.w(w);
                    self.name(link);
                    open = link.span.end;
                }
                let mut members: Vec<(Span, Option<usize>)> =
                    d.fields.iter().enumerate().map(|(i, f)| (f.span, Some(i))).collect();
                if let Some(key) = &d.key {
                    members.push((key.span, None));
                }
                members.sort_by_key(|(s, _)| s.start);
                let spans: Vec<Span> = members.iter().map(|(s, _)| *s).collect();
                let from = spans.last().map_or(open, |s| s.end);
                let close = self.close_brace(from, end);
                self.block(open, close, &spans, Sep::Semi, |p, i| {
                    match members.get(i).map(|(_, m)| *m) {
                        Some(Some(f)) => {
                            if let Some(f) = d.fields.get(f) {
                                p.field(&f.node, f.span.end);
                            }
                        }
                        Some(None) => {
                            if let Some(key) = &d.key {
                                let w = p.k("标识", "key");
                                p.w(w);
                                p.name(key);
                            }
                        }
                        None => {}
                    }
                });
            }
            ItemKind::For(f) => {
                let w = k(self, "对于", "for");
                self.w(w);
                self.name(&f.subject);
                let spans: Vec<Span> = f.items.iter().map(|i| i.span).collect();
                let from = spans.last().map_or(f.subject.span.end, |s| s.end);
                let close = self.close_brace(from, end);
                self.block(f.subject.span.end, close, &spans, Sep::Line, |p, i| {
                    if let Some(it) = f.items.get(i) {
                        p.item(it);
                    }
                });
            }
            ItemKind::Param(d) => {
                let w = k(self, "参数", "param");
                self.w(w);
                self.name(&d.name);
                self.colon(d.ty.span.start);
                self.type_expr(&d.ty);
                let next = d.default.as_ref().map_or(end, |v| v.span.start);
                self.modifiers(d.by_year, d.optional, d.range.as_ref(), next);
                if let Some(v) = &d.default {
                    self.assign(v.span.start);
                    self.sub(v, ANY);
                }
            }
            ItemKind::Let(d) => {
                let w = k(self, "令", "let");
                self.w(w);
                self.name(&d.name);
                if let Some(ty) = &d.ty {
                    self.colon(ty.span.start);
                    self.type_expr(ty);
                }
                self.assign(d.value.span.start);
                self.sub(&d.value, ANY);
                self.exceptions(&d.exceptions, ANY);
            }
            ItemKind::Condition(d) => {
                let w = k(self, "条件", "condition");
                self.w(w);
                self.name(&d.name);
                self.cond_group(&d.group);
            }
            ItemKind::Indicators(d) => self.indicators(d, end),
            ItemKind::Score(d) => {
                let w = k(self, "评分", "score");
                self.w(w);
                self.name(&d.name);
                self.key("满分", "max", d.max.span.start);
                self.quantity(&d.max);
                self.score_parts(d.max.span.end, end, &d.parts);
            }
            ItemKind::Grade(d) => {
                let w = k(self, "等级", "grade");
                self.w(w);
                self.name(&d.name);
                self.colon(d.value.span.start);
                self.sub(&d.value, ARITH);
                let spans: Vec<Span> = d.bands.iter().map(|b| b.span).collect();
                let from = spans.last().map_or(d.value.span.end, |s| s.end);
                let close = self.close_brace(from, end);
                self.block(d.value.span.end, close, &spans, Sep::Semi, |p, i| {
                    if let Some(b) = d.bands.get(i) {
                        p.name(&b.name);
                        p.colon(b.pattern.span.start);
                        p.pattern(&b.pattern.node, b.pattern.span);
                    }
                });
            }
            ItemKind::Award(d) => self.award(d, end),
            ItemKind::Status(d) => {
                let w = k(self, "状态", "status");
                self.w(w);
                self.name(&d.name);
                self.colon(d.cond.span.start);
                self.sub(&d.cond, ANY);
            }
            ItemKind::Stack(d) => {
                let w = k(self, "叠加", "stack");
                self.w(w);
                self.name(&d.name);
                let next = d.members.first().map_or(end, |m| m.span.start);
                match d.mode {
                    StackMode::Exclusive => self.key("就高不重复", "exclusive", next),
                    StackMode::Additive => self.key("累加", "additive", next),
                }
                let close_limit = d.received.as_ref().map_or(end, |r| r.span.start);
                self.paths(d.name.span.end, close_limit, &d.members);
                if let Some(r) = &d.received {
                    self.key("扣除", "less", r.span.start);
                    self.name(r);
                }
            }
            ItemKind::Budget(d) => {
                let w = match d.kind {
                    crate::ast::BudgetKind::Budget => k(self, "预算", "budget"),
                    crate::ast::BudgetKind::Breakdown => k(self, "分解", "breakdown"),
                };
                self.w(w);
                self.name(&d.name);
                self.sub(&d.total, ARITH);
                self.parts(d.total.span.end, end, &d.parts);
            }
            ItemKind::Matching(d) => {
                let w = k(self, "配套", "matching");
                self.w(w);
                self.name(&d.name);
                self.leaf(d.ratio.span);
                self.parts(d.ratio.span.end, end, &d.parts);
            }
            ItemKind::Stated(d) => {
                let w = k(self, "声明", "stated");
                self.w(w);
                self.name(&d.name);
                self.sub(&d.stated, ARITH);
                if d.approx {
                    self.key("约等于", "approx", d.computed.span.start);
                } else {
                    self.key("应等于", "equals", d.computed.span.start);
                }
                self.sub(&d.computed, ANY);
            }
            ItemKind::Share(d) => {
                let w = k(self, "占比", "share");
                self.w(w);
                self.name(&d.name);
                self.sub(&d.value, ARITH);
                if let Some(of) = &d.of {
                    self.key("约等于", "approx", of.span.start);
                    self.sub(of, ANY);
                }
            }
            ItemKind::WrittenDate(d) => {
                let w = k(self, "原文日期", "written date");
                self.w(w);
                self.name(&d.name);
                self.leaf(d.written.span);
                self.key("解读为", "read as", d.reading.span.start);
                self.leaf(d.reading.span);
            }
            ItemKind::Averages(d) => {
                let w = k(self, "平均数", "averages");
                self.w(w);
                self.name(&d.name);
                self.average_rows(d.name.span.end, end, &d.rows);
            }
            ItemKind::Pool(d) => {
                let w = k(self, "资金池", "pool");
                self.w(w);
                self.name(&d.name);
                self.sub(&d.total, ARITH);
                let first = d.pays.first().map_or(end, |p| p.span.start);
                self.key("支付", "pays", first);
                let close_limit = d.prorata.as_ref().map_or(end, |q| q.span.start);
                self.paths(d.total.span.end, close_limit, &d.pays);
                if let Some(q) = &d.prorata {
                    self.key("按比例核减", "prorata", q.span.start);
                    self.quantity(q);
                }
            }
        }
        self.done(end);
    }

    fn type_expr(&mut self, ty: &Node<TypeExpr>) {
        self.child(ty.span.start);
        let word = match &ty.node {
            TypeExpr::Bool => self.k("是否", "bool"),
            TypeExpr::Text => self.k("文本", "text"),
            TypeExpr::Date => self.k("日期", "date"),
            TypeExpr::Year => self.k("年份", "year"),
            TypeExpr::Number => self.k("数", "number"),
            TypeExpr::Share => self.k("占比", "share"),
            TypeExpr::Unit(u) | TypeExpr::Named(u) => u.as_str(),
        };
        self.w(word);
        self.done(ty.span.end);
    }

    /// `按年 可选 范围 a 至 b`, before what is written at `next`.
    fn modifiers(
        &mut self,
        by_year: bool,
        optional: bool,
        range: Option<&(crate::ast::Expr, crate::ast::Expr)>,
        next: usize,
    ) {
        let next = range.map_or(next, |(lo, _)| lo.span.start);
        if by_year {
            self.key("按年", "by year", next);
        }
        if optional {
            self.key("可选", "optional", next);
        }
        if let Some((lo, hi)) = range {
            self.key("范围", "range", lo.span.start);
            self.sub(lo, ARITH);
            self.key("至", "to", hi.span.start);
            self.sub(hi, ARITH);
        }
    }

    fn field(&mut self, f: &crate::ast::FieldDecl, end: usize) {
        self.cited(&f.citations, f.name.span.start);
        self.name(&f.name);
        self.colon(f.ty.span.start);
        self.type_expr(&f.ty);
        let next = f.default.as_ref().map_or(end, |v| v.span.start);
        self.modifiers(f.by_year, f.optional, f.range.as_ref(), next);
        if let Some(v) = &f.default {
            self.assign(v.span.start);
            self.sub(v, ANY);
        }
    }

    /// `例外 若 c 则 v`, each where the author wrote it.
    fn exceptions(&mut self, exceptions: &[Node<Exception>], min: u8) {
        for x in exceptions {
            self.key("例外", "except", x.node.cond.span.start);
            self.key("若", "if", x.node.cond.span.start);
            self.sub(&x.node.cond, ANY);
            self.key("则", "then", x.node.value.span.start);
            self.sub(&x.node.value, min);
            self.done(x.span.end);
        }
    }

    fn cond_group(&mut self, g: &Node<CondGroup>) {
        self.child(g.span.start);
        let first = g.node.items.first().map_or(g.span.end, |i| i.span.start);
        match &g.node.kind {
            GroupKind::All => self.key("全部", "all", first),
            GroupKind::Any => self.key("任一", "any", first),
            GroupKind::AtLeast(n) => {
                self.key("至少", "at least", n.span.start);
                self.child(n.span.start);
                self.w(&n.node.to_string());
                self.done(n.span.end);
                self.key("项", "of", first);
            }
        }
        let open = match &g.node.kind {
            GroupKind::AtLeast(n) => n.span.end,
            _ => g.span.start,
        };
        let items = &g.node.items;
        let spans: Vec<Span> = items.iter().map(|i| i.span).collect();
        let from = spans.last().map_or(open, |s| s.end);
        let close = self.close_brace(from, g.span.end);
        self.block(open, close, &spans, Sep::Semi, |p, i| {
            let Some(it) = items.get(i) else { return };
            p.cited(&it.node.citations, it.node.name.span.start);
            p.name(&it.node.name);
            match &it.node.body {
                CondBody::Expr { expr, exceptions } => {
                    p.colon(expr.span.start);
                    p.sub(expr, ANY);
                    p.exceptions(exceptions, ANY);
                }
                CondBody::Group(g) => {
                    p.colon(g.span.start);
                    p.cond_group(g);
                }
            }
        });
        self.done(g.span.end);
    }

    fn indicators(&mut self, d: &IndicatorsDecl, end: usize) {
        let w = self.k("指标表", "indicators");
        self.w(w);
        self.name(&d.name);
        let mut open = d.name.span.end;
        if let Some(from) = &d.from {
            self.key("起算", "from", from.span.start);
            self.sub(from, ARITH);
            open = from.span.end;
        }
        // Indicators and gates, in the order written.
        let mut members: Vec<(Span, Result<usize, usize>)> =
            d.indicators.iter().enumerate().map(|(i, x)| (x.span, Ok(i))).collect();
        members.extend(d.gates.iter().enumerate().map(|(i, g)| (g.span, Err(i))));
        members.sort_by_key(|(s, _)| s.start);
        let spans: Vec<Span> = members.iter().map(|(s, _)| *s).collect();
        let from = spans.last().map_or(open, |s| s.end);
        let close = self.close_brace(from, end);
        self.block(open, close, &spans, Sep::Semi, |p, i| match members.get(i).map(|(_, m)| *m) {
            Some(Ok(x)) => {
                let Some(ind) = d.indicators.get(x) else { return };
                let ind = &ind.node;
                p.cited(&ind.citations, ind.name.span.start);
                p.name(&ind.name);
                p.colon(ind.value.span.start);
                p.sub(&ind.value, ARITH);
                let spans: Vec<Span> = ind.targets.iter().map(|t| t.span).collect();
                let end = spans.last().map_or(ind.value.span.end, |s| s.end);
                let close = p.close_brace(end, p.src.len());
                p.block(ind.value.span.end, close, &spans, Sep::Semi, |p, j| {
                    let Some(t) = ind.targets.get(j) else { return };
                    match t.node.year.node {
                        YearSel::Every => {
                            let w = p.k("每年", "every year");
                            p.child(t.node.year.span.start);
                            p.w(w);
                            p.done(t.node.year.span.end);
                        }
                        YearSel::Calendar(_) | YearSel::Creation(_) => p.leaf(t.node.year.span),
                    }
                    match &t.node.kind {
                        TargetKind::Growth(v) => {
                            p.key("年增", "grows", v.span.start);
                            p.sub(v, ARITH);
                        }
                        TargetKind::Compare(cmp, v) => p.compared(cmp, v, t.span.end),
                    }
                });
            }
            Some(Err(g)) => {
                let Some(n) = d.gates.get(g) else { return };
                let of = p.k("项", "of");
                p.key("门槛", "gate", n.span.start);
                p.key("至少", "at least", n.span.start);
                p.child(n.span.start);
                p.w(&n.node.to_string());
                p.done(n.span.end);
                p.w(of);
            }
            None => {}
        });
    }

    fn score_parts(&mut self, open: usize, end: usize, parts: &[Node<ScorePart>]) {
        let spans: Vec<Span> = parts.iter().map(|p| p.span).collect();
        let from = spans.last().map_or(open, |s| s.end);
        let close = self.close_brace(from, end);
        self.block(open, close, &spans, Sep::Semi, |p, i| {
            let Some(part) = parts.get(i) else { return };
            match &part.node {
                ScorePart::Section(s) => {
                    p.cited(&s.citations, s.name.span.start);
                    let w = p.k("部分", "section");
                    p.w(w);
                    p.name(&s.name);
                    p.quantity(&s.points);
                    p.score_parts(s.points.span.end, part.span.end, &s.parts);
                }
                ScorePart::Item(it) => {
                    p.cited(&it.citations, it.name.span.start);
                    let w = p.k("项", "item");
                    p.w(w);
                    p.name(&it.name);
                    p.quantity(&it.points);
                    p.scoring(&it.scoring);
                }
            }
        });
    }

    fn scoring(&mut self, s: &Node<Scoring>) {
        self.lead(s.span.start);
        match &s.node {
            Scoring::Criteria(list) => {
                let first = list.first().map_or(s.span.end, |c| c.span.start);
                self.key("按条件", "by criteria", first);
                let spans: Vec<Span> = list.iter().map(|c| c.span).collect();
                let from = spans.last().map_or(s.span.start, |x| x.end);
                let close = self.close_brace(from, s.span.end);
                self.block(s.span.start, close, &spans, Sep::Semi, |p, i| {
                    let Some(c) = list.get(i) else { return };
                    p.cited(&c.node.citations, c.node.name.span.start);
                    p.name(&c.node.name);
                    p.quantity(&c.node.points);
                    p.colon(c.node.cond.span.start);
                    p.sub(&c.node.cond, ANY);
                });
            }
            Scoring::Ratio { stated, value } | Scoring::Given { stated, value } => {
                let next = stated.as_ref().map_or(value.span.start, |q| q.span.start);
                match &s.node {
                    Scoring::Ratio { .. } => self.key("按比例", "by ratio", next),
                    _ => self.key("取值", "given", next),
                }
                if let Some(q) = stated {
                    self.lead(q.span.start);
                    self.open("(", false);
                    self.quantity(q);
                    self.lead(value.span.start);
                    self.g(")");
                }
                self.sub(value, ARITH);
            }
            Scoring::Deductions(list) => {
                let first = list.first().map_or(s.span.end, |c| c.span.start);
                self.key("扣分", "deduct", first);
                let spans: Vec<Span> = list.iter().map(|c| c.span).collect();
                let from = spans.last().map_or(s.span.start, |x| x.end);
                let close = self.close_brace(from, s.span.end);
                self.block(s.span.start, close, &spans, Sep::Semi, |p, i| {
                    let Some(d) = list.get(i) else { return };
                    p.cited(&d.node.citations, d.node.name.span.start);
                    p.name(&d.node.name);
                    match &d.node.points.node {
                        DeductionPoints::Fixed(_) | DeductionPoints::Range { .. } => {
                            p.leaf(d.node.points.span);
                        }
                    }
                    p.colon(d.node.value.span.start);
                    p.sub(&d.node.value, ANY);
                });
            }
        }
        self.done(s.span.end);
    }

    fn award(&mut self, d: &AwardDecl, end: usize) {
        let word = match d.word.as_str() {
            "奖励" | "补贴" | "补助" | "资助" | "award" | "subsidy" => d.word.as_str(),
            _ => self.k("奖励", "award"),
        };
        self.w(word);
        self.name(&d.name);
        // A `当` clause whose cap was written on the next line ends where its condition does.
        let spans: Vec<Span> = d
            .clauses
            .iter()
            .map(|c| match &c.node {
                AwardClause::When(e) => Span::new(c.span.start, e.span.end),
                _ => c.span,
            })
            .collect();
        let from = spans.iter().map(|s| s.end).max().unwrap_or(d.name.span.end);
        let close = self.close_brace(from, end);
        self.block(d.name.span.end, close, &spans, Sep::Semi, |p, i| {
            let Some(c) = d.clauses.get(i) else { return };
            match &c.node {
                AwardClause::Citation(cit) => {
                    p.citation(&Node::new(cit.clone(), c.span));
                }
                AwardClause::When(e) => {
                    let w = p.k("当", "when");
                    p.w(w);
                    p.sub(e, ANY);
                }
                AwardClause::Amount { value, exceptions } => {
                    let w = p.k("金额", "amount");
                    p.w(w);
                    p.sub(value, ARITH);
                    p.exceptions(exceptions, ARITH);
                }
                AwardClause::Cap(v) => {
                    let written = p.gap_word(c.span.start, v.span.start);
                    let w = match written.as_str() {
                        "最高不超过" | "封顶" | "cap" => written,
                        _ => p.k("最高不超过", "cap").to_string(),
                    };
                    p.w(&w);
                    p.sub(v, ARITH);
                }
                AwardClause::Reduce(v) => {
                    let w = p.k("核减", "reduce");
                    p.w(w);
                    p.sub(v, ARITH);
                }
                AwardClause::Once => {
                    let w = p.k("一次性", "once");
                    p.w(w);
                }
                AwardClause::Yearly { during } => {
                    let w = p.k("每年", "yearly");
                    p.w(w);
                    if let Some(q) = during {
                        p.key("连续", "during", q.span.start);
                        p.quantity(q);
                    }
                }
                AwardClause::Source(path) => {
                    let w = p.k("来源", "paid from");
                    p.w(w);
                    p.path(path);
                }
            }
        });
    }

    fn path(&mut self, path: &Node<Vec<Ident>>) {
        for (i, id) in path.node.iter().enumerate() {
            if i == 0 {
                self.name(id);
            } else {
                self.lead(id.span.start);
                self.open(".", false);
                self.child(id.span.start);
                self.g(&id.node);
                self.done(id.span.end);
            }
        }
        self.done(path.span.end);
    }

    fn paths(&mut self, open: usize, end: usize, paths: &[Node<Vec<Ident>>]) {
        let spans: Vec<Span> = paths.iter().map(|p| p.span).collect();
        let from = spans.last().map_or(open, |s| s.end);
        let close = self.close_brace(from, end);
        self.block(open, close, &spans, Sep::Comma, |p, i| {
            if let Some(path) = paths.get(i) {
                p.path(path);
            }
        });
    }

    fn average_rows(&mut self, open: usize, end: usize, rows: &[Node<crate::ast::AverageRow>]) {
        let spans: Vec<Span> = rows.iter().map(|r| r.span).collect();
        let from = spans.last().map_or(open, |s| s.end);
        let close = self.close_brace(from, end);
        self.block(open, close, &spans, Sep::Semi, |p, i| {
            let Some(row) = rows.get(i) else { return };
            p.cited(&row.node.citations, row.node.name.span.start);
            p.name(&row.node.name);
            p.sub(&row.node.total, ARITH);
            p.key("平均", "average", row.node.average.span.start);
            p.sub(&row.node.average, ARITH);
        });
    }

    fn parts(&mut self, open: usize, end: usize, parts: &[Node<crate::ast::Part>]) {
        let spans: Vec<Span> = parts.iter().map(|p| p.span).collect();
        let from = spans.last().map_or(open, |s| s.end);
        let close = self.close_brace(from, end);
        self.block(open, close, &spans, Sep::Semi, |p, i| {
            let Some(part) = parts.get(i) else { return };
            p.cited(&part.node.citations, part.node.name.span.start);
            p.name(&part.node.name);
            p.sub(&part.node.value, ARITH);
        });
    }
}
