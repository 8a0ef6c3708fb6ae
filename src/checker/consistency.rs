//! The facts a document states, checked against each other (DESIGN point 13): totals against
//! their parts, stated amounts against their computation, matching ratios, shares, the points
//! of score sections, and caps against the budget line that pays them. Each disagreement is a
//! warning with both places and both figures; every one is reported.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::Checker;
use super::builtins::Builtin;
use super::consteval::{Val, round_to, show};
use super::figures::{Figure, FigureKind, difference, scaled};
use crate::ast::{
    AverageRow, AveragesDecl, AwardClause, BinOp, BudgetKind, Expr, ExprKind, ItemKind, Node,
    Quantity, ScorePart, Scoring, WrittenDateDecl,
};
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
                ItemKind::Budget(b) => self.budget(b),
                ItemKind::Matching(m) => self.matching(m),
                ItemKind::WrittenDate(d) => self.written_date(d),
                ItemKind::Averages(a) => self.averages(a),
                ItemKind::Stated(s) => {
                    let (name, stated) = (&s.name.node, &s.stated);
                    let (found, rounded) = if s.approx {
                        match self.written_precision(name, stated, &s.computed) {
                            Some((v, c, r)) => (Some((v, c)), r),
                            None => (None, None),
                        }
                    } else {
                        (self.stated(name, stated, &s.computed), None)
                    };
                    self.record_stated(name, stated, found, rounded);
                }
                ItemKind::Share(s) => {
                    self.share(&s.name.node, &s.value);
                    if let Some(of) = &s.of {
                        let _ = self.written_precision(&s.name.node, &s.value, of);
                    }
                }
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

    /// A budget or breakdown: its total against its parts, and each part as a figure by name.
    fn budget(&mut self, b: &crate::ast::BudgetDecl) {
        let parts: Vec<&Expr> = b.parts.iter().map(|p| &p.node.value).collect();
        let (what, kind) = match b.kind {
            BudgetKind::Budget => (Text::new("预算", "budget"), FigureKind::Budget),
            BudgetKind::Breakdown => (Text::new("分解", "breakdown"), FigureKind::Breakdown),
        };
        let name = &b.name.node;
        let mut f = Figure::new(name.clone(), kind);
        if let Some(t) = self.const_value(&b.total) {
            f.line("stated", Text::new("写明合计", "stated total"), t, Some(&b.total));
        }
        let sum = self.total(name, &what, &b.total, &parts);
        if let Some((t, sum)) = sum {
            f.line("parts_sum", Text::new("各项之和", "sum of the parts"), sum, Some(&b.total));
            if let Some(d) = difference(t, sum) {
                f.line(
                    "difference",
                    Text::new("差额（写明合计 − 各项之和）", "difference (stated − parts)"),
                    d,
                    Some(&b.total),
                );
            }
            f.consistent = Some(t.value == sum.value);
        }
        let count = Val { value: Decimal::from(b.parts.len()), dim: Dim::NUMBER };
        f.line("part_count", Text::new("分项数", "number of parts"), count, None);
        self.figures.push(f);
        for p in &b.parts {
            let Some(v) = self.const_value(&p.node.value) else { continue };
            let mut part = Figure::new(format!("{name}.{}", p.node.name.node), FigureKind::Part);
            part.line("amount", Text::new("金额", "amount"), v, Some(&p.node.value));
            self.figures.push(part);
        }
    }

    /// A total against its parts: a warning when they disagree; the stated total and the sum of
    /// the parts when both are known.
    fn total(
        &mut self,
        name: &str,
        what: &Text,
        total: &Expr,
        parts: &[&Expr],
    ) -> Option<(Val, Val)> {
        let t = self.const_value(total)?;
        let mut sum: Option<Val> = None;
        for p in parts {
            let v = match self.const_value(p) {
                Some(v) if v.dim == t.dim => v,
                _ => return None,
            };
            sum = Some(match sum {
                None => v,
                Some(s) => Val { value: s.value.checked_add(v.value)?, dim: s.dim },
            });
        }
        let (Some(sum), Some(first), Some(last)) = (sum, parts.first(), parts.last()) else {
            return None;
        };
        if sum.value == t.value {
            return Some((t, sum));
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
        Some((t, sum))
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
        let mut f = Figure::new(m.name.node.clone(), FigureKind::Matching);
        let (an, bn) = (&a.node.name.node, &b.node.name.node);
        f.line("first", Text::new(format!("`{an}`"), format!("`{an}`")), va, Some(&a.node.value));
        f.line("second", Text::new(format!("`{bn}`"), format!("`{bn}`")), vb, Some(&b.node.value));
        if let Some(req) = scaled(va, r, l).filter(|v| v.dim == vb.dim) {
            let ratio = format!("{}:{}", l.normalize(), r.normalize());
            f.line(
                "second_required",
                Text::new(
                    format!("按 {ratio} 应有的 `{bn}`"),
                    format!("`{bn}` required at {ratio}"),
                ),
                req,
                Some(&b.node.value),
            );
            if let Some(d) = difference(vb, req) {
                f.line(
                    "difference",
                    Text::new("差额（写明 − 应有）", "difference (stated − required)"),
                    d,
                    Some(&b.node.value),
                );
            }
        }
        f.consistent = Some(x == y);
        self.figures.push(f);
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

    fn stated(&mut self, name: &str, stated: &Expr, computed: &Expr) -> Option<(Val, Val)> {
        let (s, c) = (self.const_value(stated)?, self.const_value(computed)?);
        if s.dim != c.dim {
            return None;
        }
        if s.value == c.value {
            return Some((s, c));
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
        .also(
            self.loc(computed.span),
            Text::new(format!("计算得 {cz}"), format!("computes to {ce}")),
        )
        .help(stated_help(s, c, stated, computed));
        self.push(d);
        Some((s, c))
    }

    /// A stated amount as a figure by name: the stated figure beside the computed one, their
    /// difference, and for `约等于` the computation at the written precision.
    fn record_stated(
        &mut self,
        name: &str,
        stated: &Expr,
        found: Option<(Val, Val)>,
        rounded: Option<Decimal>,
    ) {
        let mut f = Figure::new(name, FigureKind::Stated);
        let Some((s, c)) = found else {
            if let Some(s) = self.const_value(stated) {
                f.line("stated", Text::new("写明", "stated"), s, Some(stated));
            }
            self.figures.push(f);
            return;
        };
        f.line("stated", Text::new("写明", "stated"), s, Some(stated));
        f.line("computed", Text::new("计算", "computed"), c, Some(stated));
        if let Some(r) = rounded {
            let r = Val { value: r, dim: s.dim };
            f.line(
                "computed_at_precision",
                Text::new("计算值取到写明的精度", "computed, at the precision written"),
                r,
                Some(stated),
            );
        }
        if let Some(d) = difference(s, c) {
            f.line(
                "difference",
                Text::new("差额（写明 − 计算）", "difference (stated − computed)"),
                d,
                Some(stated),
            );
        }
        f.consistent = Some(match rounded {
            Some(r) => r == s.value.normalize(),
            None => s.value == c.value,
        });
        self.figures.push(f);
    }

    /// A date as the document writes it: a warning when it does not exist, with the reading the
    /// policy chose; an error when the reading does not exist either.
    fn written_date(&mut self, d: &WrittenDateDecl) {
        let name = &d.name.node;
        let (w, r) = (d.written.node, d.reading.node);
        let written = self.file.slice(d.written.span).to_string();
        let reading = self.file.slice(d.reading.span).to_string();
        if !r.exists() {
            let diag = Diagnostic::new(
                Code::DateLiteral,
                Text::new(
                    format!("`{name}` 解读为的 `{reading}` 不是有效日期"),
                    format!("`{name}` is read as `{reading}`, which is not a valid date"),
                ),
            )
            .at(self.loc(d.reading.span), Text::new("此日期", "this date"))
            .help(Text::new(
                "解读为的日期必须存在：月份为 1 至 12，日不超过当月天数",
                "the reading must be a date that exists: months run from 1 to 12 and days up to the length of the month",
            ));
            self.push(diag);
            return;
        }
        if w.exists() {
            return;
        }
        let why = match w.month_days() {
            0 => Text::new(format!("没有{}月", w.month), format!("there is no month {}", w.month)),
            n => Text::new(
                format!("{}月只有{n}日", w.month),
                format!("month {} has {n} days", w.month),
            ),
        };
        let diag = Diagnostic::new(
            Code::DateDoesNotExist,
            Text::new(
                format!("原文日期 `{name}` 写作 `{written}`，这一日期不存在（{}），采用的理解是 `{reading}`", why.zh),
                format!("the date `{name}` is written as `{written}`, which does not exist ({}); the reading chosen is `{reading}`", why.en),
            ),
        )
        .at(self.loc(d.written.span), Text::new("不存在的日期", "no such date"))
        .also(self.loc(d.reading.span), Text::new("采用的理解", "the reading chosen"))
        .help(Text::new(
            "政策照原文写日期；在 `# 解读：` 注释中说明为什么采用这一理解，规则中使用解读后的日期",
            "a policy writes the date as the document does: say in a `# 解读：` comment why this reading was chosen, and use the reading in rules",
        ));
        self.push(diag);
    }

    /// A figure written to a precision (`40.8%`, to 0.1%) against its computation: they agree
    /// when the computation rounded half up to that precision is the figure.
    /// Returns the stated figure, the computed one and the computed one at the written
    /// precision, when they are known.
    fn written_precision(
        &mut self,
        name: &str,
        stated: &Expr,
        computed: &Expr,
    ) -> Option<(Val, Val, Option<Decimal>)> {
        let (s, c) = (self.const_value(stated)?, self.const_value(computed)?);
        // A share in percent against a ratio of counts: both dimensionless.
        if s.dim != c.dim && !(s.dim.is_dimensionless() && c.dim.is_dimensionless()) {
            return None;
        }
        let c = Val { value: c.value, dim: s.dim };
        let Some(step) = written_step(stated) else {
            // Not a literal: no written precision, so the figures must be equal.
            if s.value != c.value {
                self.stated(name, stated, computed);
            }
            return Some((s, c, None));
        };
        let rounded = round_to(c.value, step, RoundingStrategy::MidpointAwayFromZero)?;
        let found = Some((s, c, Some(rounded)));
        if rounded == s.value.normalize() {
            return found;
        }
        let half = step.checked_div(Decimal::TWO)?;
        let (lo, hi) = (s.value.checked_sub(half)?, s.value.checked_add(half)?);
        let like = Some(stated);
        let at = |v: Decimal| show(Val { value: v, dim: s.dim }, like);
        let (sz, se) = show(s, like);
        let (pz, pe) = at(step);
        let (rz, re) = at(rounded);
        let (lz, le) = at(lo);
        let (hz, he) = at(hi);
        // The computation to two more digits than written; `≈` when that cuts it short.
        let fine = step.checked_div(Decimal::ONE_HUNDRED).unwrap_or(step);
        let shown =
            round_to(c.value, fine, RoundingStrategy::MidpointAwayFromZero).unwrap_or(c.value);
        let approx = if shown == c.value.normalize() { "" } else { "≈" };
        let (cz, ce) = at(shown);
        let d = Diagnostic::new(
            Code::WrittenPrecisionMismatch,
            Text::new(
                format!("`{name}` 写作 {sz}（精确到 {pz}），按公式计算是 {approx}{cz}，取到同一精度为 {rz}"),
                format!("`{name}` is written as {se} (to {pe}) but computes to {approx}{ce}, which is {re} at that precision"),
            ),
        )
        .at(self.loc(stated.span), Text::new(format!("写作 {sz}"), format!("written as {se}")))
        .also(
            self.loc(computed.span),
            Text::new(format!("计算得 {approx}{cz}"), format!("computes to {approx}{ce}")),
        )
        .help(Text::new(
            format!("写作 {sz} 的数字与 [{lz}, {hz}) 内的值相符；政策照原文书写，保留原文数字并在注释中说明采用的理解"),
            format!("a figure written as {se} agrees with values in [{le}, {he}): a policy states what the document states, so keep its figures and note the reading chosen in a comment"),
        ));
        self.push(d);
        found
    }

    /// A column of averages over one count the document does not state: the count most rows
    /// agree with (each at the precision its average is written to) is found, and every row that
    /// does not agree with it is reported. Nothing is reported when no count is shared by at least
    /// two rows, or when two counts are shared by equally many.
    fn averages(&mut self, a: &AveragesDecl) {
        let mut rows: Vec<(&AverageRow, Val, Val, Decimal, Vec<u64>)> = Vec::new();
        for row in &a.rows {
            let r = &row.node;
            let (Some(t), Some(v)) = (self.const_value(&r.total), self.const_value(&r.average))
            else {
                continue;
            };
            if t.dim != v.dim || t.value <= Decimal::ZERO || v.value <= Decimal::ZERO {
                continue;
            }
            let Some(step) = written_step(&r.average) else { continue };
            let counts = counts_giving(t.value, v.value, step);
            rows.push((r, t, v, step, counts));
        }
        let mut agree: BTreeMap<u64, usize> = BTreeMap::new();
        for (.., counts) in &rows {
            for n in counts {
                let e = agree.entry(*n).or_default();
                *e = e.saturating_add(1);
            }
        }
        let Some(most) = agree.values().copied().max() else { return };
        let mut best = agree.iter().filter(|(_, k)| **k == most).map(|(n, _)| *n);
        let (Some(n), None) = (best.next(), best.next()) else { return };
        if most < 2 || most == rows.len() {
            return;
        }
        let name = &a.name.node;
        let of = rows.len();
        for (r, t, v, step, counts) in &rows {
            if counts.contains(&n) {
                continue;
            }
            self.average_disagrees(name, r, (*t, *v, *step), counts, (n, most, of));
        }
    }

    fn average_disagrees(
        &mut self,
        name: &str,
        r: &AverageRow,
        (t, v, step): (Val, Val, Decimal),
        counts: &[u64],
        (n, most, of): (u64, usize, usize),
    ) {
        let Some(c) = t.value.checked_div(Decimal::from(n)) else { return };
        let Some(rounded) = round_to(c, step, RoundingStrategy::MidpointAwayFromZero) else {
            return;
        };
        let down = round_to(c, step, RoundingStrategy::ToNegativeInfinity);
        let fine = step.checked_div(Decimal::ONE_HUNDRED).unwrap_or(step);
        let shown = round_to(c, fine, RoundingStrategy::MidpointAwayFromZero).unwrap_or(c);
        let approx = if shown == c.normalize() { "" } else { "≈" };
        let eq = if approx.is_empty() { "=" } else { "≈" };
        let like = Some(&r.average);
        let at = |x: Decimal| show(Val { value: x, dim: v.dim }, like);
        let (vz, ve) = show(v, like);
        let (tz, te) = show(t, Some(&r.total));
        let (cz, ce) = at(shown);
        let (rz, re) = at(rounded);
        let (pz, pe) = at(step);
        let row = &r.name.node;
        let tail_zh = "政策照原文书写，保留原文数字，在 `# 解读：` 注释中说明采用的理解";
        let tail_en = "a policy states what the document states: keep its figures and note the reading chosen in a `# 解读：` comment";
        let help = if down == Some(v.value.normalize()) {
            Text::new(
                format!(
                    "{tz} ÷ {n} 向下取整到 {pz} 才是写明的 {vz}，但原文没有写明取整，政策不应添加：保留原文数字，在 `# 解读：` 注释中说明采用的理解"
                ),
                format!(
                    "{te} ÷ {n} rounded down to {pe} gives the {ve} written, but the document states no rounding and the policy adds none: keep its figures and note the reading chosen in a `# 解读：` comment"
                ),
            )
        } else {
            match (counts.first(), counts.last()) {
                (Some(lo), Some(hi)) if lo == hi => Text::new(
                    format!("写作 {vz} 的数字只与除数 {lo} 相符，不是 {n}；{tail_zh}"),
                    format!(
                        "a figure written as {ve} agrees only with a count of {lo}, not {n}; {tail_en}"
                    ),
                ),
                (Some(lo), Some(hi)) => Text::new(
                    format!("写作 {vz} 的数字与 {lo} 至 {hi} 之间的除数相符，不含 {n}；{tail_zh}"),
                    format!(
                        "a figure written as {ve} agrees with counts from {lo} to {hi}, not {n}; {tail_en}"
                    ),
                ),
                _ => Text::new(
                    format!("没有一个整数除数能得出写作 {vz} 的数字；{tail_zh}"),
                    format!("no whole count gives a figure written as {ve}; {tail_en}"),
                ),
            }
        };
        let d = Diagnostic::new(
            Code::AverageDisagrees,
            Text::new(
                format!("`{name}` 中 `{row}` 写作 {vz}，而 {most} 行（共 {of} 行）相符的除数是 {n}：{tz} ÷ {n} {eq} {cz}，取到同一精度为 {rz}"),
                format!("in `{name}`, `{row}` is written as {ve} but {te} ÷ {n} {eq} {ce}, which is {re} at that precision; {n} is the count {most} of the {of} rows agree with"),
            ),
        )
        .at(self.loc(r.average.span), Text::new(format!("写作 {vz}"), format!("written as {ve}")))
        .also(
            self.loc(r.total.span),
            Text::new(format!("÷ {n} 得 {approx}{cz}"), format!("÷ {n} gives {approx}{ce}")),
        )
        .help(help);
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
        let total = Val { value: sum, dim: Dim::MONEY };
        let name = format!("{budget}.{part}");
        if let Some(f) = self.figures.iter_mut().find(|f| f.name == name) {
            let like = Some(&p.node.value);
            let n = awards.len();
            f.line(
                "caps",
                Text::new(
                    format!("由此支付的 {n} 项奖励最高合计"),
                    format!("the {n} awards it pays, at most"),
                ),
                total,
                like,
            );
            if let Some(x) = sum.checked_sub(line.value) {
                let excess = Val { value: x.max(Decimal::ZERO), dim: Dim::MONEY };
                f.line(
                    "excess",
                    Text::new("最高合计超出预算", "excess over the line"),
                    excess,
                    like,
                );
            }
        }
        if sum <= line.value {
            return;
        }
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

/// The step a literal is written to, in base units: `40.8%` is written to 0.1% (0.001), `8万元`
/// to 1万元 (10000元); `None` when the figure is not a literal.
fn written_step(e: &Expr) -> Option<Decimal> {
    match &e.node {
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => written_step(inner),
        ExprKind::Quantity(q) => {
            let step = Decimal::new(1, q.value.scale());
            match &q.unit {
                None => Some(step),
                Some(u) => parse_unit(&u.node).ok()?.to_base(step).ok(),
            }
        }
        _ => None,
    }
}

/// The most whole counts tried for one row of averages.
const MAX_COUNTS: u64 = 100_000;

/// The whole counts `n` for which `total ÷ n`, rounded half up to `step`, is `average`, in order
/// (at most [`MAX_COUNTS`] of them are tried).
fn counts_giving(total: Decimal, average: Decimal, step: Decimal) -> Vec<u64> {
    use rust_decimal::prelude::ToPrimitive;
    let mut out = Vec::new();
    let Some(half) = step.checked_div(Decimal::TWO) else { return out };
    let (Some(lo), Some(hi)) = (average.checked_sub(half), average.checked_add(half)) else {
        return out;
    };
    // total ÷ n < hi, so n > total ÷ hi; total ÷ n ≥ lo, so n ≤ total ÷ lo.
    let Some(first) = total.checked_div(hi).and_then(|x| x.floor().to_u64()) else { return out };
    let last = if lo > Decimal::ZERO {
        total.checked_div(lo).and_then(|x| x.floor().to_u64()).unwrap_or(u64::MAX)
    } else {
        u64::MAX
    };
    let last = last.min(first.saturating_add(MAX_COUNTS));
    let target = average.normalize();
    for n in first.max(1)..=last {
        let Some(x) = total.checked_div(Decimal::from(n)) else { continue };
        if round_to(x, step, RoundingStrategy::MidpointAwayFromZero) == Some(target) {
            out.push(n);
        }
    }
    out
}

/// Whether an expression rounds (`取整`, `向下取整`, `向上取整`) anywhere.
fn rounds(e: &Expr) -> bool {
    match &e.node {
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => rounds(inner),
        ExprKind::Binary(_, l, r) => rounds(l) || rounds(r),
        ExprKind::Call(f, args) => {
            matches!(
                super::builtins::lookup(&f.node),
                Some((Builtin::Round | Builtin::RoundDown | Builtin::RoundUp, _, _))
            ) || args.iter().any(rounds)
        }
        _ => false,
    }
}

/// The ways of rounding, each with its Chinese and English wording.
type Mode = (RoundingStrategy, &'static str, &'static str);

const MODES: [Mode; 3] = [
    (RoundingStrategy::ToNegativeInfinity, "向下取整", "rounded down"),
    (RoundingStrategy::MidpointAwayFromZero, "四舍五入", "rounded half up"),
    (RoundingStrategy::ToPositiveInfinity, "向上取整", "rounded up"),
];

/// The smallest power of ten (from 0.0001 to 10¹² base units) to which rounding `computed` gives
/// `stated`, with every way of rounding that does.
fn rounding_that_agrees(stated: Decimal, computed: Decimal) -> Option<(Decimal, Vec<Mode>)> {
    let target = stated.normalize();
    (-4i32..=12).find_map(|k| {
        let step = if k < 0 {
            Decimal::new(1, k.unsigned_abs())
        } else {
            Decimal::from(10u64.pow(k.unsigned_abs()))
        };
        let fits: Vec<Mode> = MODES
            .iter()
            .copied()
            .filter(|m| round_to(computed, step, m.0) == Some(target))
            .collect();
        (!fits.is_empty()).then_some((step, fits))
    })
}

/// Whether an expression multiplies or divides anywhere.
fn multiplies(e: &Expr) -> bool {
    match &e.node {
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => multiplies(inner),
        ExprKind::Binary(BinOp::Mul | BinOp::Div, _, _) => true,
        ExprKind::Binary(_, l, r) => multiplies(l) || multiplies(r),
        ExprKind::Call(_, args) => args.iter().any(multiplies),
        _ => false,
    }
}

/// The help of a stated amount that differs from its computation. When the computation has no
/// rounding, it says which rounding of the computation (to the smallest power of ten that works)
/// would give the stated figure, without proposing to write it into the policy.
fn stated_help(s: Val, c: Val, stated: &Expr, computed: &Expr) -> Text {
    // A rounding explains a product or a quotient (a rate times a quantity), not a sum or a
    // figure copied from elsewhere.
    if rounds(computed) || !multiplies(computed) {
        return document_help();
    }
    let (sz, se) = show(s, Some(stated));
    if let Some((step, fits)) = rounding_that_agrees(s.value, c.value) {
        let (pz, pe) = show(Val { value: step, dim: s.dim }, Some(stated));
        let zh: Vec<&str> = fits.iter().map(|f| f.1).collect();
        let en: Vec<&str> = fits.iter().map(|f| f.2).collect();
        return Text::new(
            format!(
                "原文没有写明取整，政策不应添加；计算结果{}到 {pz} 才等于写明的 {sz}。保留原文数字和算式，在 `# 解读：` 注释中说明采用哪个数",
                zh.join("或")
            ),
            format!(
                "the document states no rounding, so the policy must not add one; the computation {} to {pe} would give the stated {se}: keep the document's figures and arithmetic and say in a `# 解读：` comment which figure is used",
                en.join(" or ")
            ),
        );
    }
    let diff = Val { value: c.value.checked_sub(s.value).unwrap_or_default().abs(), dim: s.dim };
    let (dz, de) = show(diff, Some(stated));
    Text::new(
        format!(
            "两者相差 {dz}；政策照原文书写，保留原文数字并在注释中说明采用的理解，否则更正录入错误"
        ),
        format!(
            "they differ by {de}: a policy states what the document states, so keep its figures and note the reading chosen in a comment; otherwise correct the typing mistake"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn words(r: Option<(Decimal, Vec<Mode>)>) -> Option<(Decimal, Vec<&'static str>)> {
        r.map(|(step, modes)| (step, modes.iter().map(|m| m.2).collect()))
    }

    #[test]
    fn the_whole_counts_that_give_a_written_average() {
        // 4780 ÷ 119 = 40.17, ÷ 120 = 39.83, ÷ 121 = 39.504 (40 half up); ÷ 118 = 40.508 (41),
        // ÷ 122 = 39.18 (39).
        assert_eq!(counts_giving(d("4780"), d("40"), d("1")), [119, 120, 121]);
        // 315 ÷ 141 = 2.234, ÷ 146 = 2.158; ÷ 140 = 2.25 exactly, 2.3 half up; ÷ 147 = 2.143.
        assert_eq!(counts_giving(d("315"), d("2.2"), d("0.1")), [141, 142, 143, 144, 145, 146]);
        // 1614 ÷ 119 = 13.563; ÷ 118 = 13.678, ÷ 120 = 13.45.
        assert_eq!(counts_giving(d("1614"), d("13.56"), d("0.01")), [119]);
        // 83 ÷ 119 = 0.6975, which is 0.70 half up: 0.69 needs 83 ÷ 120 = 0.6917 (up to 0.6950,
        // 83 ÷ 0.695 = 119.4, so from 120) down to 83 ÷ 0.685 = 121.2 (121).
        assert_eq!(counts_giving(d("83"), d("0.69"), d("0.01")), [120, 121]);
        // No count gives 0.4 written to 1: 1 ÷ n is 1 or 0 once rounded.
        let none = counts_giving(d("1"), d("0.4"), d("1"));
        assert!(none.is_empty(), "{none:?}");
        // 0 written to 1 is given by every count from 3 (1 ÷ 2 = 0.5 rounds half up to 1): the
        // counts tried stop after MAX_COUNTS.
        let small = counts_giving(d("1"), d("0"), d("1"));
        assert_eq!(small.first(), Some(&3));
        assert!(small.len() as u64 <= MAX_COUNTS.saturating_add(1));
    }

    #[test]
    fn the_rounding_that_would_make_a_stated_amount_agree() {
        // 48元/㎡ × 1700㎡ = 81600元, stated 8万元: down or half up to 10000元.
        assert_eq!(
            words(rounding_that_agrees(d("80000"), d("81600"))),
            Some((d("10000"), vec!["rounded down", "rounded half up"]))
        );
        // 72 × 1300 = 93600元, stated 9万元: the same.
        assert_eq!(
            words(rounding_that_agrees(d("90000"), d("93600"))),
            Some((d("10000"), vec!["rounded down", "rounded half up"]))
        );
        // 10 + 10 + 8.16 + 9.36 = 37.52万元, stated 37万元: half up gives 38万元, only down agrees.
        assert_eq!(
            words(rounding_that_agrees(d("370000"), d("375200"))),
            Some((d("10000"), vec!["rounded down"]))
        );
        // 81600元 stated as 82000元: up or half up to 1000元.
        assert_eq!(
            words(rounding_that_agrees(d("82000"), d("81600"))),
            Some((d("1000"), vec!["rounded half up", "rounded up"]))
        );
        // No power of ten takes 81600 to 70000.
        assert_eq!(words(rounding_that_agrees(d("70000"), d("81600"))), None);
    }
}
