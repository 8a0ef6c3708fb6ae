//! Stacking between policies: several awards for the same subject, paid together (累加: "在市级
//! 奖励基础上，县里再给予") or only the highest (就高不重复).

use rust_decimal::Decimal;

use crate::ast::StackMode;

/// One award named by a stacking rule, with what it would pay on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The award as the rule names it (`泽州.专精特新奖励`).
    pub name: String,
    /// What it pays on its own, in 元; `None` when it could not be evaluated.
    pub amount: Option<Decimal>,
    /// What it pays under the rule.
    pub paid: Decimal,
}

/// A stacking rule applied to one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackOutcome {
    pub rule: String,
    pub mode: StackMode,
    pub members: Vec<Member>,
    /// What the subject receives from these awards together.
    pub total: Decimal,
}

/// Applies a rule to the members' own amounts. Under 就高不重复 the highest is paid in full and
/// the others nothing (on a tie, the first named); under 累加 each is paid in full.
pub fn combine(
    rule: &str,
    mode: StackMode,
    amounts: Vec<(String, Option<Decimal>)>,
) -> StackOutcome {
    let mut members: Vec<Member> = amounts
        .into_iter()
        .map(|(name, amount)| Member { name, amount, paid: Decimal::ZERO })
        .collect();
    match mode {
        StackMode::Additive => {
            for m in &mut members {
                m.paid = m.amount.unwrap_or(Decimal::ZERO);
            }
        }
        StackMode::Exclusive => {
            let mut best: Option<usize> = None;
            for (i, m) in members.iter().enumerate() {
                let a = m.amount.unwrap_or(Decimal::ZERO);
                if best
                    .and_then(|b| members.get(b))
                    .is_none_or(|b| a > b.amount.unwrap_or(Decimal::ZERO))
                {
                    best = Some(i);
                }
            }
            if let Some(m) = best.and_then(|b| members.get_mut(b)) {
                m.paid = m.amount.unwrap_or(Decimal::ZERO);
            }
        }
    }
    let total = members
        .iter()
        .try_fold(Decimal::ZERO, |s, m| s.checked_add(m.paid))
        .unwrap_or(Decimal::MAX);
    StackOutcome { rule: rule.to_string(), mode, members, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn exclusive_pays_only_the_highest() {
        let o = combine(
            "专精特新",
            StackMode::Exclusive,
            vec![("阳城.支持".into(), Some(d("30000"))), ("泽州.奖励".into(), Some(d("50000")))],
        );
        assert_eq!(o.total, d("50000"));
        assert_eq!(o.members[0].paid, d("0"));
        assert_eq!(o.members[1].paid, d("50000"));
    }

    #[test]
    fn exclusive_tie_pays_the_first_once() {
        let o = combine(
            "x",
            StackMode::Exclusive,
            vec![("a".into(), Some(d("5"))), ("b".into(), Some(d("5")))],
        );
        assert_eq!(o.total, d("5"));
        assert_eq!((o.members[0].paid, o.members[1].paid), (d("5"), d("0")));
    }

    #[test]
    fn additive_pays_both() {
        let o = combine(
            "上市",
            StackMode::Additive,
            vec![
                ("市级".into(), Some(d("500000"))),
                ("县级".into(), Some(d("300000"))),
                ("缺".into(), None),
            ],
        );
        assert_eq!(o.total, d("800000"));
    }
}
