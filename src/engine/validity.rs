//! The document's validity period (`有效期: 2018-01-01 至 2019-12-31`) against the evaluation
//! year: a year in which the document is not in force is not evaluated (`ZC0711`, naming the
//! period), unless the officer asks for it anyway (`--outside-validity`): then it is evaluated
//! as asked, with a warning (`ZC0707`) and every outcome marked, never silently.

use crate::ast::{Policy, Validity, ValidityEnd};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Loc;

/// Whether `year` is outside the policy's validity period.
pub fn is_outside(policy: &Policy, year: Option<u16>) -> bool {
    outside(policy, year).is_some()
}

/// `ZC0711` when `year` is outside the policy's validity period and the run does not ask to
/// evaluate anyway (`anyway`); `ZC0707`, a warning, when it does; `None` in force.
pub fn check_year(policy: &Policy, year: Option<u16>, anyway: bool) -> Option<Diagnostic> {
    let d = outside(policy, year)?;
    if anyway {
        return Some(d);
    }
    let mut refused = Diagnostic::new(Code::OutsideValidityRefused, d.message.clone());
    refused.message.zh.push_str("：没有计算");
    refused.message.en.push_str(": nothing was evaluated");
    refused.labels = d.labels;
    Some(refused.help(Text::new(
        "用 `--year` 选择有效期内的年度；确需按原文计算有效期外的年度（如测算、追溯）时加 `--outside-validity`，每个结果都会标明“不在有效期内”",
        "choose a year in force with `--year`; to evaluate a year outside it all the same (a projection, a look back), add `--outside-validity`: every outcome is then marked as outside the period",
    )))
}

/// A warning when `year` is outside the policy's validity period: before the year it takes
/// effect, or after the year it ends (a period ending on a date; one ending with an event,
/// `"资金使用完结"`, has no last year). A year the period covers in part is in force.
pub fn outside(policy: &Policy, year: Option<u16>) -> Option<Diagnostic> {
    let year = year?;
    let header = policy.header.as_ref()?;
    let valid = header.node.valid.as_ref()?;
    let Validity::Range { from, to } = &valid.node else { return None };
    let last = match to {
        ValidityEnd::Date(d) => Some(d.node.year),
        ValidityEnd::Text(_) => None,
    };
    let first = from.node.year;
    if year >= first && last.is_none_or(|l| year <= l) {
        return None;
    }
    let shown = |d: &crate::ast::Date| format!("{}-{:02}-{:02}", d.year, d.month, d.day);
    let period = match to {
        ValidityEnd::Date(d) => format!("{} 至 {}", shown(&from.node), shown(&d.node)),
        ValidityEnd::Text(t) => format!("{} 至 {}", shown(&from.node), t.node),
    };
    let period_en = period.replace(" 至 ", " to ");
    let (zh, en) = if year < first {
        (
            format!("评估年度 {year} 年早于政策生效（有效期 {period}）"),
            format!(
                "the evaluation year {year} is before the policy takes effect (in force {period_en})"
            ),
        )
    } else {
        (
            format!("评估年度 {year} 年在政策有效期之后（有效期 {period}）"),
            format!(
                "the evaluation year {year} is after the policy's validity ends (in force {period_en})"
            ),
        )
    };
    Some(
        Diagnostic::new(Code::OutsideValidity, Text::new(zh, en))
            .at(Loc::new(&policy.file, valid.span), Text::new("有效期", "validity period"))
            .help(Text::new(
                "按 `--outside-validity` 照所问年度计算，每个结果都标明“不在有效期内”：原文在该年度不适用",
                "evaluated for the year asked as `--outside-validity` says, every outcome marked: the document does not apply in it",
            )),
    )
}

/// Three years for a register of the policy: the last three years of its validity period (a
/// period shorter than three years gives the years before it too, for `上年` and growth), or
/// the first three of a period that ends with an event; `None` when the header gives no dates.
pub fn years_in_force(policy: &Policy) -> Option<Vec<u16>> {
    let valid = policy.header.as_ref()?.node.valid.as_ref()?;
    let Validity::Range { from, to } = &valid.node else { return None };
    let last = match to {
        ValidityEnd::Date(d) => d.node.year,
        ValidityEnd::Text(_) => from.node.year.checked_add(2)?,
    };
    Some(vec![last.checked_sub(2)?, last.checked_sub(1)?, last])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn policy(valid: &str) -> Policy {
        let text = format!("政策 \"x\" {{\n  有效期: {valid}\n}}\n");
        let (p, d) = crate::parser::parse(&SourceFile::new("x.zc", text));
        assert!(d.is_empty(), "{d:?}");
        p.unwrap()
    }

    #[test]
    fn years_outside_the_period_are_warned() {
        let p = policy("2018-07-01 至 2019-12-31");
        assert!(outside(&p, Some(2018)).is_none(), "a year in force in part");
        assert!(outside(&p, Some(2019)).is_none());
        assert!(outside(&p, None).is_none());
        let after = outside(&p, Some(2020)).unwrap();
        assert_eq!(after.code, Code::OutsideValidity);
        assert_eq!(
            after.message.en,
            "the evaluation year 2020 is after the policy's validity ends (in force 2018-07-01 to 2019-12-31)"
        );
        let before = outside(&p, Some(2017)).unwrap();
        assert_eq!(
            before.message.zh,
            "评估年度 2017 年早于政策生效（有效期 2018-07-01 至 2019-12-31）"
        );
        // A period that ends with an event has no last year.
        assert_eq!(years_in_force(&p), Some(vec![2017, 2018, 2019]));
        let open = policy("2022-01-01 至 \"资金使用完结\"");
        assert_eq!(years_in_force(&open), Some(vec![2022, 2023, 2024]));
        assert_eq!(years_in_force(&policy("\"原文未规定\"")), None);
        assert!(outside(&open, Some(2030)).is_none());
        assert!(outside(&open, Some(2021)).is_some());
    }
}
