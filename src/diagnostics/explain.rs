//! The long explanation of each code, printed by `zhengce explain-code ZCxxxx`.
//!
//! Every code has a page `docs/codes/ZCxxxx.md`, bilingual (a Chinese section, then an English
//! one): what the code means, a minimal policy that triggers it, and how to fix it. The pages are
//! compiled in with `include_str!`, so a code without a page does not build.

use super::Code;

/// The documentation page of a code (Markdown, Chinese section first, then English).
pub fn explain(code: Code) -> &'static str {
    match code {
        Code::Syntax => include_str!("../../docs/codes/ZC0101.md"),
        Code::NumberLiteral => include_str!("../../docs/codes/ZC0102.md"),
        Code::DateLiteral => include_str!("../../docs/codes/ZC0103.md"),
        Code::NestingTooDeep => include_str!("../../docs/codes/ZC0104.md"),
        Code::DuplicateHeaderField => include_str!("../../docs/codes/ZC0105.md"),
        Code::UnclosedQuote => include_str!("../../docs/codes/ZC0106.md"),
        Code::FormatCheck => include_str!("../../docs/codes/ZC0190.md"),
        Code::Internal => include_str!("../../docs/codes/ZC0199.md"),
        Code::MissingField => include_str!("../../docs/codes/ZC0601.md"),
        Code::UnknownField => include_str!("../../docs/codes/ZC0602.md"),
        Code::WrongValue => include_str!("../../docs/codes/ZC0603.md"),
        Code::DataUnit => include_str!("../../docs/codes/ZC0604.md"),
        Code::OutOfRange => include_str!("../../docs/codes/ZC0605.md"),
        Code::DuplicateSubject => include_str!("../../docs/codes/ZC0606.md"),
        Code::DataFormat => include_str!("../../docs/codes/ZC0607.md"),
        Code::MissingParam => include_str!("../../docs/codes/ZC0608.md"),
        Code::EmptyValue => include_str!("../../docs/codes/ZC0609.md"),
        Code::ConflictingValues => include_str!("../../docs/codes/ZC0610.md"),
        Code::DuplicateColumn => include_str!("../../docs/codes/ZC0611.md"),
        Code::YearColumn => include_str!("../../docs/codes/ZC0612.md"),
        Code::DivisionByZero => include_str!("../../docs/codes/ZC0701.md"),
        Code::GrowthUndefined => include_str!("../../docs/codes/ZC0714.md"),
        Code::Overflow => include_str!("../../docs/codes/ZC0702.md"),
        Code::NoYear => include_str!("../../docs/codes/ZC0703.md"),
        Code::DeductionRange => include_str!("../../docs/codes/ZC0704.md"),
        Code::MissingParamValue => include_str!("../../docs/codes/ZC0705.md"),
        Code::FenOutcome => include_str!("../../docs/codes/ZC0709.md"),
        Code::Interpreted => include_str!("../../docs/codes/ZC0710.md"),
        Code::PoolCut => include_str!("../../docs/codes/ZC0720.md"),
        Code::PoolExceeded => include_str!("../../docs/codes/ZC0721.md"),
        Code::OutsideValidity => include_str!("../../docs/codes/ZC0707.md"),
        Code::OutsideValidityRefused => include_str!("../../docs/codes/ZC0711.md"),
        Code::MemberWithoutOwner => include_str!("../../docs/codes/ZC0712.md"),
        Code::MembersUnavailable => include_str!("../../docs/codes/ZC0713.md"),
        Code::MembersNotGrouped => include_str!("../../docs/codes/ZC0715.md"),
        Code::MemberOwnerDiffers => include_str!("../../docs/codes/ZC0716.md"),
        Code::MembersTwice => include_str!("../../docs/codes/ZC0717.md"),
        Code::OwnerRowsDisagree => include_str!("../../docs/codes/ZC0718.md"),
        Code::OwnerRowsApart => include_str!("../../docs/codes/ZC0719.md"),
        Code::MissingResults => include_str!("../../docs/codes/ZC0708.md"),
        Code::EmptyField => include_str!("../../docs/codes/ZC0950.md"),
        Code::ParamKind => include_str!("../../docs/codes/ZC0951.md"),
        Code::EvalLimit => include_str!("../../docs/codes/ZC0706.md"),
        Code::UnknownName => include_str!("../../docs/codes/ZC0201.md"),
        Code::DuplicateDefinition => include_str!("../../docs/codes/ZC0202.md"),
        Code::UnknownFunction => include_str!("../../docs/codes/ZC0203.md"),
        Code::ArgumentCount => include_str!("../../docs/codes/ZC0204.md"),
        Code::UnknownEnumValue => include_str!("../../docs/codes/ZC0205.md"),
        Code::DefinitionCycle => include_str!("../../docs/codes/ZC0206.md"),
        Code::Unused => include_str!("../../docs/codes/ZC0207.md"),
        Code::UnknownUnit => include_str!("../../docs/codes/ZC0208.md"),
        Code::UnknownSubject => include_str!("../../docs/codes/ZC0209.md"),
        Code::ImportNotFound => include_str!("../../docs/codes/ZC0210.md"),
        Code::ImportOutsideRoot => include_str!("../../docs/codes/ZC0211.md"),
        Code::LessWithAdditive => include_str!("../../docs/codes/ZC0212.md"),
        Code::StackNotAValue => include_str!("../../docs/codes/ZC0213.md"),
        Code::UnitMismatch => include_str!("../../docs/codes/ZC0301.md"),
        Code::TypeMismatch => include_str!("../../docs/codes/ZC0302.md"),
        Code::PercentVsPoints => include_str!("../../docs/codes/ZC0303.md"),
        Code::DeclaredUnit => include_str!("../../docs/codes/ZC0304.md"),
        Code::UnorderedEnum => include_str!("../../docs/codes/ZC0305.md"),
        Code::EnumMismatch => include_str!("../../docs/codes/ZC0306.md"),
        Code::MissingCitation => include_str!("../../docs/codes/ZC0401.md"),
        Code::ConflictingExceptions => include_str!("../../docs/codes/ZC0402.md"),
        Code::AtLeastTooMany => include_str!("../../docs/codes/ZC0403.md"),
        Code::TierUnreachable => include_str!("../../docs/codes/ZC0404.md"),
        Code::TierNoFallback => include_str!("../../docs/codes/ZC0405.md"),
        Code::UnroundedDivision => include_str!("../../docs/codes/ZC0406.md"),
        Code::FenFraction => include_str!("../../docs/codes/ZC0409.md"),
        Code::RateWithoutPercent => include_str!("../../docs/codes/ZC0407.md"),
        Code::FigureNotQuoted => include_str!("../../docs/codes/ZC0408.md"),
        Code::TotalMismatch => include_str!("../../docs/codes/ZC0501.md"),
        Code::StatedAmountMismatch => include_str!("../../docs/codes/ZC0502.md"),
        Code::ShareAbove100 => include_str!("../../docs/codes/ZC0503.md"),
        Code::SectionPointsMismatch => include_str!("../../docs/codes/ZC0504.md"),
        Code::MatchingRatioMismatch => include_str!("../../docs/codes/ZC0505.md"),
        Code::CapsExceedBudget => include_str!("../../docs/codes/ZC0506.md"),
        Code::WrittenPrecisionMismatch => include_str!("../../docs/codes/ZC0507.md"),
        Code::DateDoesNotExist => include_str!("../../docs/codes/ZC0508.md"),
        Code::AverageDisagrees => include_str!("../../docs/codes/ZC0509.md"),
        Code::TestFile => include_str!("../../docs/codes/ZC0801.md"),
        Code::BranchNoLongerTaken => include_str!("../../docs/codes/ZC0804.md"),
        Code::CoverageBelow => include_str!("../../docs/codes/ZC0805.md"),
        Code::NoTests => include_str!("../../docs/codes/ZC0803.md"),
        Code::TestCase => include_str!("../../docs/codes/ZC0802.md"),
        Code::Io => include_str!("../../docs/codes/ZC0901.md"),
        Code::NoPolicyFiles => include_str!("../../docs/codes/ZC0902.md"),
        Code::UnknownCode => include_str!("../../docs/codes/ZC0903.md"),
        Code::BadOptions => include_str!("../../docs/codes/ZC0904.md"),
        Code::FileTooLarge => include_str!("../../docs/codes/ZC0905.md"),
        Code::DataTooLarge => include_str!("../../docs/codes/ZC0906.md"),
        Code::CellTooLong => include_str!("../../docs/codes/ZC0907.md"),
        Code::SubjectsDiffer => include_str!("../../docs/codes/ZC0908.md"),
        Code::UnknownColumn => include_str!("../../docs/codes/ZC0909.md"),
        Code::LineTooLong => include_str!("../../docs/codes/ZC0910.md"),
        Code::WorkbookTooLarge => include_str!("../../docs/codes/ZC0911.md"),
        Code::UnknownParam => include_str!("../../docs/codes/ZC0912.md"),
        Code::ParamOverride => include_str!("../../docs/codes/ZC0913.md"),
        Code::ParamsBeside => include_str!("../../docs/codes/ZC0914.md"),
        Code::SheetFull => include_str!("../../docs/codes/ZC0915.md"),
        Code::UnreadOption => include_str!("../../docs/codes/ZC0916.md"),
        Code::ServePath => include_str!("../../docs/codes/ZC0930.md"),
        Code::ServeBodyTooLarge => include_str!("../../docs/codes/ZC0931.md"),
        Code::ServeToken => include_str!("../../docs/codes/ZC0932.md"),
        Code::ServeNotData => include_str!("../../docs/codes/ZC0933.md"),
        Code::SqlNotCompiled => include_str!("../../docs/codes/ZC1001.md"),
        Code::SqlInexact => include_str!("../../docs/codes/ZC1002.md"),
        Code::SqlMorePlaces => include_str!("../../docs/codes/ZC1003.md"),
        Code::SqlHanded => include_str!("../../docs/codes/ZC1004.md"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_starts_with_its_code_as_a_heading() {
        for code in Code::ALL {
            let page = explain(*code);
            let first = page.lines().next().unwrap_or("");
            assert!(first.starts_with(&format!("# {} ", code.id())), "{}: {first}", code.id());
        }
    }

    #[test]
    fn every_page_is_bilingual_and_has_an_example() {
        for code in Code::ALL {
            let page = explain(*code);
            let (zh, en) = code.title();
            assert!(
                page.lines().next().is_some_and(|l| l.contains(zh) && l.contains(en)),
                "{}",
                code.id()
            );
            let zh_at = page.find("\n## 中文\n");
            let en_at = page.find("\n## English\n");
            assert!(zh_at.is_some() && en_at.is_some() && zh_at < en_at, "{}", code.id());
            // An internal error has no policy that is meant to trigger it.
            if *code != Code::Internal {
                assert!(
                    page.matches("```").count() >= 4,
                    "{}: an example in each language",
                    code.id()
                );
            }
        }
    }
}
