//! "Did you mean ...?": the one helper every phase uses to suggest a close name.
//!
//! Names, units, data fields, functions, enumeration values and diagnostic codes are all matched
//! the same way: by edit distance over characters (`chars()`, never bytes), so that a Chinese
//! name one character off (`营业收人` for `营业收入`) is found just like an ASCII typo.

use std::collections::BTreeSet;

use super::Text;

/// At most this many suggestions are returned.
pub const MAX_SUGGESTIONS: usize = 3;

/// The largest edit distance accepted for a wanted name of `len` characters.
///
/// Short names need a closer match: one character off is accepted from two characters on,
/// two from six, three from nine (one more per three characters). A single character never
/// gets a suggestion: any other single character would be "one edit away".
fn max_distance(len: usize) -> usize {
    if len < 2 { 0 } else { len.max(3) / 3 }
}

/// The candidates closest to `wanted`, best first, at most [`MAX_SUGGESTIONS`].
///
/// The distance is the optimal-string-alignment edit distance over characters (an insertion,
/// deletion, substitution or swap of two neighbouring characters each count one). A candidate
/// is kept when its distance is within a threshold that grows with the length of `wanted`
/// (see the module documentation) and smaller than the length of both names, so a name is
/// never "corrected" into an unrelated short one. A candidate that differs from `wanted` only
/// in ASCII case ranks first. Ties are broken by the candidate text, so the result never
/// depends on the order candidates come in. `wanted` itself and duplicates are never returned.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let wanted_len = wanted.chars().count();
    let limit = max_distance(wanted_len);
    let unique: BTreeSet<&'a str> = candidates.into_iter().collect();
    let mut scored: Vec<(usize, usize, &'a str)> = unique
        .into_iter()
        .filter(|c| *c != wanted)
        .filter_map(|c| {
            if c.eq_ignore_ascii_case(wanted) {
                return Some((0, 0, c));
            }
            let distance = strsim::osa_distance(wanted, c);
            let shorter = wanted_len.min(c.chars().count());
            (distance <= limit && distance < shorter).then_some((1, distance, c))
        })
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(MAX_SUGGESTIONS).map(|(_, _, c)| c).collect()
}

/// The help text for a list of suggestions: ``你是不是想写 `营业收入`？`` /
/// ``did you mean `营业收入`?``; `None` when there is nothing to suggest.
///
/// Several suggestions are listed best first: ``你是不是想写 `甲`、`乙` 或 `丙`？`` /
/// ``did you mean `甲`, `乙` or `丙`?``.
pub fn help_text<S: AsRef<str>>(suggestions: &[S]) -> Option<Text> {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    let (last, rest) = quoted.split_last()?;
    let (zh, en) = if rest.is_empty() {
        (last.clone(), last.clone())
    } else {
        (format!("{} 或 {last}", rest.join("、")), format!("{} or {last}", rest.join(", ")))
    };
    Some(Text::new(format!("你是不是想写 {zh}？"), format!("did you mean {en}?")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_name_one_character_off() {
        let names = ["营业收入", "营业成本", "利润总额"];
        assert_eq!(did_you_mean("营业收人", names), vec!["营业收入"]);
    }

    #[test]
    fn ascii_typo_and_swapped_letters() {
        let names = ["revenue", "reserve", "cost"];
        assert_eq!(did_you_mean("revenu", names), vec!["revenue"]);
        assert_eq!(did_you_mean("cots", names), vec!["cost"]);
    }

    #[test]
    fn nothing_when_too_far() {
        let names = ["营业收入", "利润总额", "revenue"];
        assert!(did_you_mean("研发费用", names).is_empty());
        assert!(did_you_mean("xyz", names).is_empty());
    }

    #[test]
    fn short_names_need_a_close_match() {
        assert!(did_you_mean("甲", ["乙"]).is_empty());
        assert_eq!(did_you_mean("补贴", ["补助", "奖励"]), vec!["补助"]);
        // Two edits on a five-character name is too many.
        assert!(did_you_mean("营业总收入", ["营业收入额"]).is_empty());
        // A name is not corrected into a much shorter unrelated one.
        assert!(did_you_mean("ab", ["a"]).is_empty());
    }

    #[test]
    fn best_first_at_most_three_deterministic_ties() {
        let names = ["ZC0209", "ZC0201", "ZC0202", "ZC0203", "ZC0210"];
        let forward = did_you_mean("ZC0200", names);
        let mut reversed_input = names;
        reversed_input.reverse();
        assert_eq!(forward, did_you_mean("ZC0200", reversed_input));
        assert_eq!(forward, vec!["ZC0201", "ZC0202", "ZC0203"]);
        assert_eq!(did_you_mean("zc0201", names), vec!["ZC0201"]);
    }

    #[test]
    fn case_only_difference_ranks_first() {
        assert_eq!(did_you_mean("Cost", ["Cast", "cost"]), vec!["cost", "Cast"]);
    }

    #[test]
    fn the_wanted_name_and_duplicates_are_not_suggested() {
        assert_eq!(
            did_you_mean("营业收入", ["营业收入", "营业收人", "营业收人"]),
            vec!["营业收人"]
        );
    }

    #[test]
    fn help_text_in_both_languages() {
        assert_eq!(help_text::<&str>(&[]), None);
        let one = help_text(&["营业收入"]).unwrap();
        assert_eq!(one.zh, "你是不是想写 `营业收入`？");
        assert_eq!(one.en, "did you mean `营业收入`?");
        let three = help_text(&["甲", "乙", "丙"]).unwrap();
        assert_eq!(three.zh, "你是不是想写 `甲`、`乙` 或 `丙`？");
        assert_eq!(three.en, "did you mean `甲`, `乙` or `丙`?");
    }
}
