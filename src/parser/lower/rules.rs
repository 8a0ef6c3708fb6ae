//! Lowering of rules: conditions, indicator tables, score sheets, grades and awards.

use pest::iterators::Pair;

use super::expr::{infix_cmp, postfix_cmp};
use super::{Cursor, Lower, R, unexpected};
use crate::ast::{
    AwardClause, AwardDecl, CondBody, CondGroup, CondItem, ConditionDecl, Criterion, Deduction,
    DeductionPoints, Exception, Expr, ExprKind, GradeBand, GradeDecl, GroupKind, Indicator,
    IndicatorsDecl, Node, ScoreDecl, ScoreItem, ScorePart, Scoring, Section, Target, TargetKind,
    YearSel,
};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::parser::grammar::Rule;
use crate::source::Span;

impl Lower {
    pub(super) fn condition(&self, p: Pair<'_, Rule>) -> R<ConditionDecl> {
        let mut c = Cursor::new(p, "condition");
        c.expect(Rule::kw_condition)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let group = self.cond_group(c.expect(Rule::cond_group)?)?;
        Ok(ConditionDecl { name, group })
    }

    fn cond_group(&self, p: Pair<'_, Rule>) -> R<Node<CondGroup>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "condition group");
        let mut kc = Cursor::new(c.expect(Rule::group_kind)?, "group kind");
        let kind = match kc.next()?.as_rule() {
            Rule::kw_all => GroupKind::All,
            Rule::kw_any => GroupKind::Any,
            Rule::kw_at_least => GroupKind::AtLeast(self.integer(kc.expect(Rule::integer)?)?),
            _ => return Err(kc.malformed()),
        };
        let mut items = Vec::new();
        for it in c.eat_all(Rule::cond_item) {
            let s = self.span(&it);
            let mut ic = Cursor::new(it, "condition item");
            let citations = self.citations(&mut ic)?;
            let name = self.ident(ic.expect(Rule::ident)?)?;
            let body = match ic.peek() {
                Some(Rule::cond_group) => CondBody::Group(self.cond_group(ic.next()?)?),
                Some(Rule::expr) => {
                    let expr = self.expr(ic.next()?)?;
                    CondBody::Expr { expr, exceptions: self.exceptions(&mut ic)? }
                }
                _ => return Err(ic.malformed()),
            };
            items.push(Node::new(CondItem { citations, name, body }, s));
        }
        Ok(Node::new(CondGroup { kind, items }, whole))
    }

    pub(super) fn indicators(&self, p: Pair<'_, Rule>) -> R<IndicatorsDecl> {
        let mut c = Cursor::new(p, "indicator table");
        c.expect(Rule::kw_indicators)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let from = match c.eat(Rule::kw_from) {
            Some(_) => Some(self.arith(c.expect(Rule::arith)?)?),
            None => None,
        };
        let mut indicators = Vec::new();
        let mut gates = Vec::new();
        for q in c.inner.by_ref() {
            match q.as_rule() {
                Rule::indicator => indicators.push(self.indicator(q)?),
                Rule::gate => {
                    let mut gc = Cursor::new(q, "gate");
                    gc.expect(Rule::kw_gate)?;
                    gc.expect(Rule::kw_at_least)?;
                    gates.push(self.integer(gc.expect(Rule::integer)?)?);
                }
                r if super::is_punct(r) => {}
                _ => return Err(unexpected(&q, "indicator")),
            }
        }
        Ok(IndicatorsDecl { name, from, indicators, gates })
    }

    fn indicator(&self, p: Pair<'_, Rule>) -> R<Node<Indicator>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "indicator");
        let citations = self.citations(&mut c)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let value = self.arith(c.expect(Rule::arith)?)?;
        let mut targets = Vec::new();
        for t in c.eat_all(Rule::target) {
            let ts = self.span(&t);
            let mut tc = Cursor::new(t, "target");
            let ys = tc.expect(Rule::year_sel)?;
            let year = self.year_sel(ys)?;
            let kind = match tc.peek() {
                Some(Rule::kw_grows) => {
                    tc.next()?;
                    TargetKind::Growth(self.arith(tc.expect(Rule::arith)?)?)
                }
                Some(Rule::infix_cmp) => {
                    let cmp = infix_cmp(tc.next()?)?;
                    TargetKind::Compare(cmp, self.arith(tc.expect(Rule::arith)?)?)
                }
                Some(Rule::arith) => {
                    let v = self.arith(tc.next()?)?;
                    TargetKind::Compare(postfix_cmp(tc.expect(Rule::postfix_cmp)?)?, v)
                }
                _ => return Err(tc.malformed()),
            };
            targets.push(Node::new(Target { year, kind }, ts));
        }
        Ok(Node::new(Indicator { citations, name, value, targets }, whole))
    }

    fn year_sel(&self, p: Pair<'_, Rule>) -> R<Node<YearSel>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "year");
        let y = c.next()?;
        let text = y.as_str();
        let sel = match y.as_rule() {
            Rule::kw_every_year => YearSel::Every,
            Rule::year_lit => {
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                YearSel::Calendar(digits.parse().map_err(|_| unexpected(&y, "year"))?)
            }
            Rule::creation_year => {
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                let n = if digits.is_empty() {
                    zh_numeral(text).ok_or_else(|| unexpected(&y, "year"))?
                } else {
                    match digits.parse() {
                        Ok(n) => n,
                        Err(_) => {
                            self.report(
                                Diagnostic::new(
                                    Code::NumberLiteral,
                                    Text::new(
                                        format!("`{text}` 的年数过大"),
                                        format!("the year count in `{text}` is too large"),
                                    ),
                                )
                                .at(self.loc(self.span(&y)), Text::new("此年数", "this year count"))
                                .help(Text::new(
                                    "创建年度是从批复起算的第几年，如 `第1年`、`第3年`",
                                    "a creation year counts from the approval: `第1年`, `第3年`",
                                )),
                            );
                            0
                        }
                    }
                };
                YearSel::Creation(n)
            }
            _ => return Err(unexpected(&y, "year")),
        };
        Ok(Node::new(sel, whole))
    }

    pub(super) fn score(&self, p: Pair<'_, Rule>) -> R<ScoreDecl> {
        let mut c = Cursor::new(p, "score sheet");
        c.expect(Rule::kw_score)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        c.expect(Rule::kw_max)?;
        let max = self.quantity(c.expect(Rule::quantity)?)?;
        let parts = self.score_parts(&mut c)?;
        Ok(ScoreDecl { name, max, parts })
    }

    fn score_parts(&self, c: &mut Cursor<'_>) -> R<Vec<Node<ScorePart>>> {
        let mut parts = Vec::new();
        for sp in c.eat_all(Rule::score_part) {
            let whole = self.span(&sp);
            let mut spc = Cursor::new(sp, "score part");
            let q = spc.next()?;
            let part = match q.as_rule() {
                Rule::section => {
                    let mut sc = Cursor::new(q, "section");
                    let citations = self.citations(&mut sc)?;
                    sc.expect(Rule::kw_section)?;
                    let name = self.ident(sc.expect(Rule::ident)?)?;
                    let points = self.quantity(sc.expect(Rule::quantity)?)?;
                    let parts = self.score_parts(&mut sc)?;
                    ScorePart::Section(Section { citations, name, points, parts })
                }
                Rule::score_item => ScorePart::Item(self.score_item(q)?),
                _ => return Err(unexpected(&q, "score part")),
            };
            parts.push(Node::new(part, whole));
        }
        Ok(parts)
    }

    fn score_item(&self, p: Pair<'_, Rule>) -> R<ScoreItem> {
        let mut c = Cursor::new(p, "score item");
        let citations = self.citations(&mut c)?;
        c.expect(Rule::kw_item)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let points = self.quantity(c.expect(Rule::quantity)?)?;
        let sp = c.expect(Rule::scoring)?;
        let ss = self.span(&sp);
        let mut sc = Cursor::new(sp, "scoring");
        let m = sc.next()?;
        let scoring = match m.as_rule() {
            Rule::by_criteria => {
                let mut mc = Cursor::new(m, "criteria");
                mc.expect(Rule::kw_by_criteria)?;
                let mut out = Vec::new();
                for cr in mc.eat_all(Rule::criterion) {
                    let s = self.span(&cr);
                    let mut cc = Cursor::new(cr, "criterion");
                    let citations = self.citations(&mut cc)?;
                    let name = self.ident(cc.expect(Rule::ident)?)?;
                    let points = self.quantity(cc.expect(Rule::quantity)?)?;
                    let cond = self.expr(cc.expect(Rule::expr)?)?;
                    out.push(Node::new(Criterion { citations, name, points, cond }, s));
                }
                Scoring::Criteria(out)
            }
            Rule::by_ratio | Rule::given => {
                let is_ratio = m.as_rule() == Rule::by_ratio;
                let mut mc = Cursor::new(m, "scoring");
                mc.next()?;
                let stated = mc.eat(Rule::quantity).map(|q| self.quantity(q)).transpose()?;
                let value = self.arith(mc.expect(Rule::arith)?)?;
                if is_ratio {
                    Scoring::Ratio { stated, value }
                } else {
                    Scoring::Given { stated, value }
                }
            }
            Rule::deductions => {
                let mut mc = Cursor::new(m, "deductions");
                mc.expect(Rule::kw_deduct)?;
                let mut out = Vec::new();
                for d in mc.eat_all(Rule::deduction) {
                    let s = self.span(&d);
                    let mut dc = Cursor::new(d, "deduction");
                    let citations = self.citations(&mut dc)?;
                    let name = self.ident(dc.expect(Rule::ident)?)?;
                    let pts = dc.next()?;
                    let points = match pts.as_rule() {
                        Rule::quantity => self.quantity(pts)?.map(DeductionPoints::Fixed),
                        Rule::point_range => {
                            let ps = self.span(&pts);
                            let mut nums = Vec::new();
                            let mut unit = None;
                            for q in pts.into_inner() {
                                match q.as_rule() {
                                    Rule::number => nums.push(self.decimal(&q)?),
                                    Rule::unit => {
                                        unit =
                                            Some(Node::new(q.as_str().to_string(), self.span(&q)))
                                    }
                                    _ => {}
                                }
                            }
                            let [min, max] = nums.as_slice() else {
                                return Err(dc.malformed());
                            };
                            Node::new(DeductionPoints::Range { min: *min, max: *max, unit }, ps)
                        }
                        _ => return Err(unexpected(&pts, "deduction")),
                    };
                    let value = self.expr(dc.expect(Rule::expr)?)?;
                    out.push(Node::new(Deduction { citations, name, points, value }, s));
                }
                Scoring::Deductions(out)
            }
            _ => return Err(unexpected(&m, "scoring")),
        };
        Ok(ScoreItem { citations, name, points, scoring: Node::new(scoring, ss) })
    }

    pub(super) fn grade(&self, p: Pair<'_, Rule>) -> R<GradeDecl> {
        let mut c = Cursor::new(p, "grade");
        c.expect(Rule::kw_grade)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let value = self.arith(c.expect(Rule::arith)?)?;
        let mut bands = Vec::new();
        for b in c.eat_all(Rule::grade_band) {
            let s = self.span(&b);
            let mut bc = Cursor::new(b, "grade band");
            let name = self.ident(bc.expect(Rule::ident)?)?;
            let pattern = self.pattern(bc.expect(Rule::pattern)?)?;
            bands.push(Node::new(GradeBand { name, pattern }, s));
        }
        Ok(GradeDecl { name, value, bands })
    }

    pub(super) fn award(&self, p: Pair<'_, Rule>) -> R<AwardDecl> {
        let mut c = Cursor::new(p, "award");
        let word = c.expect(Rule::kw_award)?.as_str().trim().to_string();
        let name = self.ident(c.expect(Rule::ident)?)?;
        let mut clauses = Vec::new();
        for cl in c.eat_all(Rule::award_clause) {
            let s = self.span(&cl);
            let mut cc = Cursor::new(cl, "award clause");
            let first = cc.next()?;
            let clause = match first.as_rule() {
                Rule::citation => AwardClause::Citation(self.citation(first)?.node),
                Rule::kw_when => {
                    let cond = self.expr(cc.expect(Rule::expr)?)?;
                    match self.split_cap(cond) {
                        (cond, Some(cap)) => {
                            let cs = s.join(cond.span);
                            clauses.push(Node::new(AwardClause::When(cond), cs));
                            let cap_span = cap.span;
                            clauses.push(Node::new(AwardClause::Cap(cap), cap_span));
                            continue;
                        }
                        (cond, None) => AwardClause::When(cond),
                    }
                }
                Rule::kw_amount => {
                    // An amount's exceptions take amounts (the grammar's `amount_exception`), so a
                    // `最高不超过` on the next line is already the cap clause.
                    let value = self.arith(cc.expect(Rule::arith)?)?;
                    let mut exceptions = self.exceptions(&mut cc)?;
                    // ... unless the amount ends in a `若 … 否则`, which reads on: split it.
                    let (value, cap) = match exceptions.pop() {
                        None => self.split_cap(value),
                        Some(last) => {
                            let (v, cap) = self.split_cap(last.node.value.clone());
                            let end = v.span.end;
                            let kept = Exception { cond: last.node.cond.clone(), value: v };
                            exceptions.push(Node::new(kept, Span::new(last.span.start, end)));
                            (value, cap)
                        }
                    };
                    let amount = AwardClause::Amount { value, exceptions };
                    if let Some(cap) = self.cap_after(&mut clauses, amount, s, cap) {
                        clauses.push(cap);
                    }
                    continue;
                }
                Rule::kw_cap | Rule::kw_reduce => {
                    let (v, cap) = self.split_cap(self.arith(cc.expect(Rule::arith)?)?);
                    let clause = match first.as_rule() {
                        Rule::kw_cap => AwardClause::Cap(v),
                        _ => AwardClause::Reduce(v),
                    };
                    if let Some(cap) = self.cap_after(&mut clauses, clause, s, cap) {
                        clauses.push(cap);
                    }
                    continue;
                }
                Rule::kw_once => AwardClause::Once,
                Rule::kw_yearly => {
                    let during = match cc.eat(Rule::kw_during) {
                        Some(_) => Some(self.quantity(cc.expect(Rule::quantity)?)?),
                        None => None,
                    };
                    AwardClause::Yearly { during }
                }
                Rule::kw_source => AwardClause::Source(self.path(cc.expect(Rule::path)?)?),
                _ => return Err(unexpected(&first, "award clause")),
            };
            clauses.push(Node::new(clause, s));
        }
        Ok(AwardDecl { word, name, clauses })
    }
}

impl Lower {
    /// Pushes `clause` (written at `s`); with a cap split off its end, the clause ends where
    /// its own text does and the cap clause follows.
    fn cap_after(
        &self,
        clauses: &mut Vec<Node<AwardClause>>,
        clause: AwardClause,
        s: Span,
        cap: Option<Expr>,
    ) -> Option<Node<AwardClause>> {
        let Some(cap) = cap else {
            clauses.push(Node::new(clause, s));
            return None;
        };
        let end = match &clause {
            AwardClause::Amount { value, exceptions } => {
                exceptions.last().map_or(value.span.end, |e| e.span.end)
            }
            AwardClause::Cap(v) | AwardClause::Reduce(v) => v.span.end,
            _ => s.end,
        };
        clauses.push(Node::new(clause, Span::new(s.start, end)));
        let cap_span = cap.span;
        Some(Node::new(AwardClause::Cap(cap), cap_span))
    }

    /// `当 贫困县` followed on the next line by `最高不超过 50万元` parses as one comparison;
    /// a line break before `最高不超过` means the author started the cap clause, so split it.
    /// The split looks at the last comparison: `当 a 且 b` then `最高不超过 50万元` on the next line
    /// is `当 a 且 b` and the cap.
    fn split_cap(&self, cond: Expr) -> (Expr, Option<Expr>) {
        if let ExprKind::Compare(cmp, left, right) = &cond.node {
            let gap = self.file.text.get(left.span.end..right.span.start).unwrap_or("");
            if cmp.word == "最高不超过" && gap.contains('\n') {
                return ((**left).clone(), Some((**right).clone()));
            }
        }
        // The operand the expression ends with, which a comparison after it would extend: the
        // right side of an operator, and the `否则` of a `若` (`若 a 则 b 否则 c` then
        // `最高不超过 5万元` on the next line is the `若` and the cap).
        let last = match &cond.node {
            ExprKind::Compare(_, _, r)
            | ExprKind::Logic(_, _, r)
            | ExprKind::Binary(_, _, r)
            | ExprKind::If(_, _, r)
            | ExprKind::Neg(r)
            | ExprKind::Not(r) => (**r).clone(),
            _ => return (cond, None),
        };
        let (last, Some(cap)) = self.split_cap(last) else { return (cond, None) };
        let span = Span::new(cond.span.start, last.span.end);
        let last = Box::new(last);
        let kind = match cond.node {
            ExprKind::Compare(c, l, _) => ExprKind::Compare(c, l, last),
            ExprKind::Logic(o, l, _) => ExprKind::Logic(o, l, last),
            ExprKind::Binary(o, l, _) => ExprKind::Binary(o, l, last),
            ExprKind::If(c, t, _) => ExprKind::If(c, t, last),
            ExprKind::Neg(_) => ExprKind::Neg(last),
            ExprKind::Not(_) => ExprKind::Not(last),
            other => other,
        };
        (Node::new(kind, span), Some(cap))
    }
}

/// `第三年` → 3.
fn zh_numeral(text: &str) -> Option<u32> {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let c = text.chars().find(|c| *c != '第' && *c != '年')?;
    if c == '十' {
        return Some(10);
    }
    DIGITS.iter().position(|d| *d == c).and_then(|n| u32::try_from(n).ok())
}
