//! The facts a document states, checked against each other (DESIGN point 13): totals against
//! their parts, stated amounts against their computation, matching ratios, shares, the points
//! of score sections, and caps against the budget line that pays them. Each disagreement is a
//! warning with both places and both figures; every one is reported.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::Checker;
use super::consteval::{Val, show};
use crate::ast::{AwardClause, BudgetKind, Expr, ItemKind, Node, Quantity, ScorePart, Scoring};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Span;
use crate::units::{Dim, parse_unit};

/// The help shared by consistency warnings: the policy states what the document states.
fn document_help() -> Text {
    Text::new(
        "政策文件照原文书写；若这是原文自身的不一致，保留原文数字并在注释中说明采用的理解，否则更正录入错误",
        "a policy states what the document states: if the document itself disagrees, keep its figures and note the reading chosen in a comment; otherwise correct the typing mistake",
    )
}

impl Checker<'_> {
    pub(super) fn consistency(&mut self) {
        let items = self.scope.items.clone();
        let mut lines: BTreeMap<(String, String), Vec<(Span, Val)>> = BTreeMap::new();
        for (item, _) in &items {
            match &item.node.kind {
                ItemKind::Budget(b) => {
                    let parts: Vec<&Expr> = b.parts.iter().map(|p| &p.node.value).collect();
                    let what = match b.kind {
                        BudgetKind::Budget => Text::new("预算", "budget"),
                        BudgetKind::Breakdown => Text::new("分解", "breakdown"),
                    };
                    self.total(&b.name.node, &what, &b.total, &parts);
                }
                ItemKind::Matching(m) => self.matching(m),
                ItemKind::Stated(s) => self.stated(&s.name.node, &s.stated, &s.computed),
                ItemKind::Share(s) => self.share(&s.name.node, &s.value),
                ItemKind::Score(s) => {
                    self.section_points(&s.name.node, &s.max, &s.parts);
                }
                ItemKind::Award(a) => {
                    let source = a.clauses.iter().find_map(|c| match &c.node {
                        AwardClause::Source(p) => Some(p),
                        _ => None,
                    });
                    let (Some(path), Some(max)) = (source, self.award_max(&a.clauses)) else {
                        continue;
                    };
                    if let [budget, part] = path.node.as_slice() {
                        lines
                            .entry((budget.node.clone(), part.node.clone()))
                            .or_default()
                            .push(max);
                    }
                }
                _ => {}
            }
        }
        for ((budget, part), awards) in lines {
            self.caps_against_line(&budget, &part, &awards);
        }
    }

    fn total(&mut self, name: &str, what: &Text, total: &Expr, parts: &[&Expr]) {
        let Some(t) = self.const_value(total) else { return };
        let mut sum: Option<Val> = None;
        for p in parts {
            let v = match self.const_value(p) {
                Some(v) if v.dim == t.dim => v,
                _ => return,
            };
            sum = Some(match sum {
                None => v,
                Some(s) => Val {
                    value: match s.value.checked_add(v.value) {
                        Some(x) => x,
                        None => return,
                    },
                    dim: s.dim,
                },
            });
        }
        let (Some(sum), Some(first), Some(last)) = (sum, parts.first(), parts.last()) else {
            return;
        };
        if sum.value == t.value {
            return;
        }
        let (tz, te) = show(t, Some(total));
        let (sz, se) = show(sum, Some(total));
        let d = Diagnostic::new(
            Code::TotalMismatch,
            Text::new(
                format!("{} `{name}` 写明合计 {tz}，各项之和却是 {sz}", what.zh),
                format!(
                    "the {} `{name}` states a total of {te} but its parts add up to {se}",
                    what.en
                ),
            ),
        )
        .at(
            self.loc(total.span),
            Text::new(format!("写明的合计 {tz}"), format!("stated total {te}")),
        )
        .also(
            self.loc(first.span.join(last.span)),
            Text::new(format!("各项之和 {sz}"), format!("parts add up to {se}")),
        )
        .help(document_help());
        self.push(d);
    }

    fn matching(&mut self, m: &crate::ast::MatchingDecl) {
        let [a, b] = m.parts.as_slice() else { return };
        let (Some(va), Some(vb)) =
            (self.const_value(&a.node.value), self.const_value(&b.node.value))
        else {
            return;
        };
        let (l, r) = m.ratio.node;
        let (Some(x), Some(y)) = (va.value.checked_mul(r), vb.value.checked_mul(l)) else { return };
        if x == y {
            return;
        }
        let (az, ae) = show(va, Some(&a.node.value));
        let (bz, be) = show(vb, Some(&b.node.value));
        let ratio = format!("{}:{}", l.normalize(), r.normalize());
        let d = Diagnostic::new(
            Code::MatchingRatioMismatch,
            Text::new(
                format!("配套 `{}` 规定比例 {ratio}，而 {az} 与 {bz} 不成此比例", m.name.node),
                format!(
                    "the matching `{}` states {ratio}, but {ae} and {be} are not in that ratio",
                    m.name.node
                ),
            ),
        )
        .at(self.loc(m.ratio.span), Text::new(format!("比例 {ratio}"), format!("ratio {ratio}")))
        .also(
            self.loc(a.node.value.span),
            Text::new(
                format!("`{}` {az}", a.node.name.node),
                format!("`{}` {ae}", a.node.name.node),
            ),
        )
        .also(
            self.loc(b.node.value.span),
            Text::new(
                format!("`{}` {bz}", b.node.name.node),
                format!("`{}` {be}", b.node.name.node),
            ),
        )
        .help(document_help());
        self.push(d);
    }

    fn stated(&mut self, name: &str, stated: &Expr, computed: &Expr) {
        let (Some(s), Some(c)) = (self.const_value(stated), self.const_value(computed)) else {
            return;
        };
        if s.dim != c.dim || s.value == c.value {
            return;
        }
        let (sz, se) = show(s, Some(stated));
        let (cz, ce) = show(c, Some(stated));
        let d = Diagnostic::new(
            Code::StatedAmountMismatch,
            Text::new(
                format!("`{name}` 写明 {sz}，按公式计算却是 {cz}"),
                format!("`{name}` is stated as {se} but computes to {ce}"),
            ),
        )
        .at(self.loc(stated.span), Text::new(format!("写明 {sz}"), format!("stated {se}")))
        .also(self.loc(computed.span), Text::new(format!("计算得 {cz}"), format!("computes to {ce}")))
        .help(Text::new(
            "若原文对计算结果做了取整，把取整写进公式，如 `取整(48元/㎡ × 1700㎡, 1万元)`；否则核对原文",
            "if the document rounded the result, write the rounding in the formula, e.g. `round(48元/㎡ × 1700㎡, 1万元)`; otherwise check the document",
        ));
        self.push(d);
    }

    fn share(&mut self, name: &str, value: &Expr) {
        let Some(v) = self.const_value(value) else { return };
        if v.value <= Decimal::ONE && v.value >= Decimal::ZERO {
            return;
        }
        let (z, e) = show(v, Some(value));
        let d = Diagnostic::new(
            Code::ShareAbove100,
            Text::new(
                format!("占比 `{name}` 为 {z}，超出 0 至 100%"),
                format!("the share `{name}` is {e}, outside 0 to 100%"),
            ),
        )
        .at(self.loc(value.span), Text::new(format!("占比 {z}"), format!("share {e}")))
        .help(document_help());
        self.push(d);
    }

    /// A section's (or sheet's) stated points against the sum of its parts, recursively; an
    /// item's points against its criteria or the full mark its criterion text states.
    fn section_points(&mut self, name: &str, points: &Node<Quantity>, parts: &[Node<ScorePart>]) {
        let mut sum = Decimal::ZERO;
        let mut all_known = true;
        for p in parts {
            let (pname, pts, pspan) = match &p.node {
                ScorePart::Section(s) => {
                    self.section_points(&s.name.node, &s.points, &s.parts);
                    (&s.name.node, &s.points, s.name.span)
                }
                ScorePart::Item(i) => {
                    self.item_points(&i.name.node, &i.points, &i.scoring.node);
                    (&i.name.node, &i.points, i.name.span)
                }
            };
            let _ = (pname, pspan);
            match score_of(pts).and_then(|v| sum.checked_add(v)) {
                Some(s) => sum = s,
                None => all_known = false,
            }
        }
        let Some(stated) = score_of(points) else { return };
        if !all_known || parts.is_empty() || stated == sum {
            return;
        }
        let (first, last) = match (parts.first(), parts.last()) {
            (Some(f), Some(l)) => (f.span, l.span),
            _ => return,
        };
        let span = first.join(last);
        let message = Text::new("所含各项合计", "its parts add up to");
        let label = Text::new("各项合计", "parts add up to");
        self.points_mismatch(name, stated, points.span, sum, span, &message, &label);
    }

    fn item_points(&mut self, name: &str, points: &Node<Quantity>, scoring: &Scoring) {
        let Some(stated) = score_of(points) else { return };
        let (other, other_span, what) = match scoring {
            Scoring::Criteria(cs) => {
                let mut sum = Decimal::ZERO;
                for c in cs {
                    match score_of(&c.node.points).and_then(|v| sum.checked_add(v)) {
                        Some(s) => sum = s,
                        None => return,
                    }
                }
                let (Some(f), Some(l)) = (cs.first(), cs.last()) else { return };
                (sum, f.span.join(l.span), Text::new("各条件分值合计", "the criteria add up to"))
            }
            Scoring::Ratio { stated: Some(s), .. } | Scoring::Given { stated: Some(s), .. } => {
                let Some(v) = score_of(s) else { return };
                (v, s.span, Text::new("评分标准写明", "the scoring criterion states"))
            }
            _ => return,
        };
        if other == stated {
            return;
        }
        self.points_mismatch(name, stated, points.span, other, other_span, &what, &what);
    }

    /// `name` states `stated` points (at `at`) but the other side says `other` (at `other_at`):
    /// `what` words the other side in the message, `label` on its span.
    #[expect(
        clippy::too_many_arguments,
        reason = "both sides of a disagreement, each with its span and wording"
    )]
    fn points_mismatch(
        &mut self,
        name: &str,
        stated: Decimal,
        at: Span,
        other: Decimal,
        other_at: Span,
        what: &Text,
        label: &Text,
    ) {
        let (stated, other) = (stated.normalize(), other.normalize());
        let d = Diagnostic::new(
            Code::SectionPointsMismatch,
            Text::new(
                format!("`{name}` 写明 {stated}分，{} {other}分", what.zh),
                format!("`{name}` states {stated} points but {} {other}", what.en),
            ),
        )
        .at(self.loc(at), Text::new(format!("写明 {stated}分"), format!("stated {stated} points")))
        .also(
            self.loc(other_at),
            Text::new(format!("{} {other}分", label.zh), format!("{} {other}", label.en)),
        )
        .help(document_help());
        self.push(d);
    }

    /// The most an award can pay, when it is a constant: its cap, or else its amount.
    fn award_max(&self, clauses: &[Node<AwardClause>]) -> Option<(Span, Val)> {
        let cap = clauses.iter().find_map(|c| match &c.node {
            AwardClause::Cap(e) => Some(e),
            _ => None,
        });
        let amount = clauses.iter().find_map(|c| match &c.node {
            AwardClause::Amount { value, exceptions } if exceptions.is_empty() => Some(value),
            _ => None,
        });
        let e = cap.or(amount)?;
        let v = self.const_value(e)?;
        (v.dim == Dim::MONEY).then_some((e.span, v))
    }

    fn caps_against_line(&mut self, budget: &str, part: &str, awards: &[(Span, Val)]) {
        let Some(&id) = self.scope.globals.get(budget) else { return };
        let Some(ItemKind::Budget(b)) = self.scope.defs.get(id).and_then(|d| d.kind()) else {
            return;
        };
        let Some(p) = b.parts.iter().find(|p| p.node.name.node == part) else { return };
        let Some(line) = self.const_value(&p.node.value) else { return };
        let mut sum = Decimal::ZERO;
        for (_, v) in awards {
            match sum.checked_add(v.value) {
                Some(s) => sum = s,
                None => return,
            }
        }
        if sum <= line.value {
            return;
        }
        let total = Val { value: sum, dim: Dim::MONEY };
        let (lz, le) = show(line, Some(&p.node.value));
        let (sz, se) = show(total, Some(&p.node.value));
        let mut d = Diagnostic::new(
            Code::CapsExceedBudget,
            Text::new(
                format!("由 `{budget}.{part}`（{lz}）支付的 {} 项奖励最高可达 {sz}，超过预算", awards.len()),
                format!("the {} awards paid from `{budget}.{part}` ({le}) can reach {se}, more than the budget line", awards.len()),
            ),
        )
        .at(self.loc(p.node.value.span), Text::new(format!("预算 {lz}"), format!("budget line {le}")));
        for (span, v) in awards {
            let (z, e) = show(*v, Some(&p.node.value));
            d = d.also(self.loc(*span), Text::new(format!("最高 {z}"), format!("up to {e}")));
        }
        let d = d.help(Text::new(
            "若各项并非都会足额支付，这是原文允许的；可用 `资金池 … 按比例核减` 写明超出时的处理",
            "this is allowed when not every award is paid in full; a `pool … prorata` states what happens when claims exceed the line",
        ));
        self.push(d);
    }
}

/// Points written as `4分` or `4`.
fn score_of(q: &Node<Quantity>) -> Option<Decimal> {
    match &q.node.unit {
        None => Some(q.node.value),
        Some(u) => {
            let unit = parse_unit(&u.node).ok()?;
            (unit.dim() == Dim::SCORE).then(|| unit.to_base(q.node.value).ok()).flatten()
        }
    }
}
