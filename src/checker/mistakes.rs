//! The mistakes officers make that still check: rules that are well formed and well typed but
//! almost certainly not what the document says. Each is a warning at the place, with the fix.

use rust_decimal::Decimal;

use super::Checker;
use crate::ast::{AwardClause, BinOp, Expr, ExprKind, ItemKind, Node};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Span;
use crate::units::parse_unit;

/// Unit words as the documents write them after a number, longest first.
const UNIT_WORDS: [&str; 32] = [
    "个百分点",
    "万平方米",
    "平方米",
    "万元",
    "亿元",
    "千元",
    "元",
    "万人",
    "人次",
    "人",
    "名",
    "万家",
    "万户",
    "万个",
    "家",
    "户",
    "个",
    "项",
    "件",
    "份",
    "次",
    "所",
    "座",
    "台",
    "套",
    "㎡",
    "m²",
    "年",
    "分",
    "%",
    "％",
    "倍",
];

/// The value in base units of a number followed by the unit word `unit` (`50`, `万元`:
/// 500,000), or `None` for a unit zhengce does not know.
fn base_value(number: Decimal, unit: &str) -> Option<Decimal> {
    parse_unit(unit).ok()?.to_base(number).ok().map(|v| v.normalize())
}

/// The figures a quoted sentence states: each number with the unit word after it (spaces and
/// thousands separators allowed, as documents write them: `50 万元`, `27,521户`), in base units.
fn quoted_figures(quote: &str) -> Vec<Decimal> {
    let chars: Vec<char> = quote.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars.get(i).is_some_and(char::is_ascii_digit)
            || (i > 0 && chars.get(i - 1).is_some_and(|c| c.is_ascii_digit() || *c == '.'))
        {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        let mut j = i;
        while let Some(c) = chars.get(j) {
            if c.is_ascii_digit() || *c == '.' {
                digits.push(*c);
            } else if *c != ',' || !chars.get(j + 1).is_some_and(char::is_ascii_digit) {
                break;
            }
            j += 1;
        }
        let mut k = j;
        while chars.get(k).is_some_and(|c| *c == ' ' || *c == '\u{3000}') {
            k += 1;
        }
        let rest: String = chars.get(k..).unwrap_or_default().iter().take(4).collect();
        if let (Ok(n), Some(unit)) =
            (digits.parse::<Decimal>(), UNIT_WORDS.iter().find(|u| rest.starts_with(**u)))
            && let Some(v) = base_value(n, unit)
        {
            out.push(v);
        }
        i = j.max(i + 1);
    }
    quoted_chinese_figures(quote, &mut out);
    out
}

/// The value of a Chinese numeral below ten thousand (`三`, `十二`, `两百五十`), if `s` is one.
fn chinese_number(s: &str) -> Option<Decimal> {
    let digit =
        |c: char| "零一二三四五六七八九".chars().position(|d| d == c).or((c == '两').then_some(2));
    let (mut total, mut current) = (0u32, None::<u32>);
    for c in s.chars() {
        let place = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                current = Some(u32::try_from(digit(c)?).ok()?);
                continue;
            }
        };
        total += current.unwrap_or(1) * place;
        current = None;
    }
    Some(Decimal::from(total + current.unwrap_or(0)))
}

/// Figures written in Chinese numerals: `连续三年`, `两年`, `十万元`.
fn quoted_chinese_figures(quote: &str, out: &mut Vec<Decimal>) {
    let chars: Vec<char> = quote.chars().collect();
    let numeral = |c: &char| "零一二两三四五六七八九十百千".contains(*c);
    let mut i = 0;
    while i < chars.len() {
        if !chars.get(i).is_some_and(numeral) {
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j).is_some_and(numeral) {
            j += 1;
        }
        let word: String = chars.get(i..j).unwrap_or_default().iter().collect();
        let rest: String = chars.get(j..).unwrap_or_default().iter().take(4).collect();
        if let (Some(n), Some(unit)) =
            (chinese_number(&word), UNIT_WORDS.iter().find(|u| rest.starts_with(**u)))
            && let Some(v) = base_value(n, unit)
        {
            out.push(v);
        }
        i = j;
    }
}

/// A figure written in a rule: a number with a unit, in base units under its first unit word
/// (`48元/㎡` is 48 元 per square metre; the document writes `48元/㎡` or `每平米48元`).
fn rule_figure(e: &Expr) -> Option<(Decimal, Span)> {
    let ExprKind::Quantity(q) = &e.node else { return None };
    let unit = q.unit.as_ref()?;
    let first = unit.node.split('/').next()?;
    // `× 1年` turns a yearly rate into an amount, and `> 0元` says "any at all": arithmetic,
    // not figures of the document.
    if (first == "年" && q.value == Decimal::ONE) || q.value.is_zero() {
        return None;
    }
    Some((base_value(q.value, first)?, e.span))
}

/// Whether a quoted sentence states a percentage.
fn states_percent(quote: &str) -> bool {
    quote.contains('%') || quote.contains('％') || quote.contains("百分之")
}

/// Whether an expression is a number written with `%`.
fn is_percent(e: &Expr) -> bool {
    matches!(&e.node, ExprKind::Quantity(q) if q.unit.as_ref().is_some_and(|u| matches!(u.node.as_str(), "%" | "％")))
}

/// A number written without a unit, 1 or more: `25` in `费用 × 25`.
fn bare_number(e: &Expr) -> Option<Decimal> {
    match &e.node {
        ExprKind::Quantity(q) if q.unit.is_none() && q.value >= Decimal::ONE => Some(q.value),
        _ => None,
    }
}

/// Every expression inside `roots`, walked with a stack of its own.
fn all<'a>(roots: &[&'a Expr]) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    let mut stack: Vec<&Expr> = roots.to_vec();
    while let Some(e) = stack.pop() {
        out.push(e);
        stack.extend(e.node.children());
    }
    out
}

impl Checker<'_> {
    /// Checks every award for the mistakes below.
    pub(super) fn mistakes(&mut self) {
        // The `# 解读：` comments, found once for the whole file.
        let readings: Vec<Span> = crate::parser::comments(&self.file.text)
            .into_iter()
            .filter(|c| self.file.text.get(c.start..c.end).is_some_and(|t| t.contains("解读")))
            .collect();
        let items = self.scope.items.clone();
        for (item, _) in items {
            let ItemKind::Award(a) = &item.node.kind else { continue };
            let mut quotes: Vec<&Node<String>> =
                item.node.citations.iter().filter_map(|c| c.node.quote.as_ref()).collect();
            for c in &a.clauses {
                if let AwardClause::Citation(c) = &c.node
                    && let Some(q) = &c.quote
                {
                    quotes.push(q);
                }
            }
            let mut amounts: Vec<&Expr> = Vec::new();
            for c in &a.clauses {
                if let AwardClause::Amount { value, exceptions } = &c.node {
                    amounts.push(value);
                    amounts.extend(exceptions.iter().map(|x| &x.node.value));
                }
            }
            self.rate_without_percent(&a.name.node, &amounts, &quotes);
            let mut figures: Vec<&Expr> = amounts.clone();
            for c in &a.clauses {
                if let AwardClause::When(e) | AwardClause::Cap(e) | AwardClause::Reduce(e) = &c.node
                {
                    figures.push(e);
                }
            }
            let explained =
                readings.iter().any(|c| c.start >= item.span.start && c.start <= item.span.end);
            if !explained {
                self.figures_not_quoted(&a.name.node, &figures, &quotes);
            }
        }
    }

    /// Every figure with a unit in a rule (rate, cap, threshold, amount) appears in the
    /// sentence it quotes (the caller skips a rule whose `# 解读：` comment explains the
    /// difference): a figure changed in the rule but not in its quote would print the old
    /// sentence beside the new amount in every 计算依据.
    fn figures_not_quoted(&mut self, award: &str, exprs: &[&Expr], quotes: &[&Node<String>]) {
        if quotes.is_empty() {
            return;
        }
        let quoted: Vec<Decimal> = quotes.iter().flat_map(|q| quoted_figures(&q.node)).collect();
        for e in all(exprs) {
            let Some((value, span)) = rule_figure(e) else { continue };
            if quoted.contains(&value) {
                continue;
            }
            let written = self.file.text.get(span.start..span.end).unwrap_or("").to_string();
            let Some(q) = quotes.first() else { continue };
            self.push(
                Diagnostic::new(
                    Code::FigureNotQuoted,
                    Text::new(
                        format!("`{award}` 中的 `{written}` 在所引原文中没有出现"),
                        format!("`{written}` in `{award}` does not appear in the quoted clause"),
                    ),
                )
                .at(self.loc(span), Text::new("规则中的数字", "the figure in the rule"))
                .also(self.loc(q.span), Text::new("所引原文", "the quoted clause"))
                .help(Text::new(
                    "若改了规则，请同时改引文；若原文与规则不同是有意为之，在规则内写 `# 解读：` 说明",
                    "if the rule was changed, change its quote too; if the difference is intended, explain it in a `# 解读：` comment inside the rule",
                )),
            );
        }
    }

    /// `金额 费用 × 25` where the document speaks of a percentage: the quote states one, or a
    /// sibling branch of the same amount multiplies by one.
    fn rate_without_percent(&mut self, award: &str, amounts: &[&Expr], quotes: &[&Node<String>]) {
        let exprs = all(amounts);
        let sibling = exprs.iter().find(|e| is_percent(e)).map(|e| e.span);
        let quoted = quotes.iter().find(|q| states_percent(&q.node)).map(|q| q.span);
        let Some(evidence) = sibling.or(quoted) else { return };
        for e in &exprs {
            let ExprKind::Binary(BinOp::Mul, l, r) = &e.node else { continue };
            // The bare number, and the operand it is.
            let (number, at) = match (bare_number(l), bare_number(r)) {
                (Some(n), None) => (n, l),
                (None, Some(n)) => (n, r),
                _ => continue,
            };
            let why = if sibling.is_some() {
                Text::new("同一金额的另一处写了百分号", "another branch of the amount has its `%`")
            } else {
                Text::new("引用的原文是百分比", "the quoted clause states a percentage")
            };
            self.push(
                Diagnostic::new(
                    Code::RateWithoutPercent,
                    Text::new(
                        format!("`{award}` 的金额乘以 `{number}`，像是漏写了 `%`"),
                        format!(
                            "the amount of `{award}` is multiplied by `{number}`, which looks like a rate without its `%`"
                        ),
                    ),
                )
                .at(self.loc(at.span), Text::new("这里没有单位", "no unit here"))
                .also(self.loc(evidence), why)
                .help(Text::new(
                    format!("比例写作 `{number}%`；若确实是 {number} 倍，写作 `{number}倍`"),
                    format!(
                        "write a rate as `{number}%`; if the amount really is {number} times its base, write `{number}倍`"
                    ),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Quantity;
    use crate::source::Span;

    fn q(value: i64, unit: Option<&str>) -> Expr {
        let unit = unit.map(|u| Node::new(u.to_string(), Span::default()));
        Node::new(
            ExprKind::Quantity(Quantity { value: Decimal::from(value), unit }),
            Span::default(),
        )
    }

    #[test]
    fn figures_are_read_off_a_quote_in_base_units() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        // 50 万元 = 500,000 元; 30% = 0.3; 27,521户 with a thousands separator; 48元/㎡ as 48.
        assert_eq!(
            quoted_figures(
                "按实际发生费用的 30% 进行补助，最高不超过 50 万元；共27,521户，每平米48元/㎡"
            ),
            [d("0.3"), d("500000"), d("27521"), d("48")]
        );
        // Chinese numerals: 连续三年, 两年, 十二万元.
        assert_eq!(
            quoted_figures("连续三年考核优秀；两年；奖励十二万元"),
            [d("3"), d("2"), d("120000")]
        );
        assert_eq!(chinese_number("两百五十"), Some(d("250")));
        assert_eq!(chinese_number("十"), Some(d("10")));
        // A clause number or a year without a unit is no figure.
        assert_eq!(quoted_figures("二(二)6 第3条 2024"), Vec::<Decimal>::new());
    }

    #[test]
    fn bare_numbers_and_percentages() {
        assert_eq!(bare_number(&q(25, None)), Some(Decimal::from(25)));
        assert_eq!(bare_number(&q(0, None)), None);
        assert_eq!(bare_number(&q(25, Some("%"))), None);
        assert!(is_percent(&q(25, Some("%"))));
        assert!(!is_percent(&q(25, Some("元"))));
        assert!(states_percent("按实际发生费用的30%进行补助"));
        assert!(!states_percent("给予一次性奖励50万元"));
    }
}
