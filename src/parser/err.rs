//! Syntax errors as diagnostics, with grammar rules renamed to the words a user would type.

use std::sync::Arc;

use pest::error::{ErrorVariant, InputLocation};

use super::grammar::Rule;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, SourceFile, Span};

/// How many expected tokens a message lists before saying "and N more".
const MAX_LISTED: usize = 8;

/// Converts a pest error found in the text starting at byte `base` of `file`.
pub(super) fn syntax_error(
    file: &Arc<SourceFile>,
    base: usize,
    e: &pest::error::Error<Rule>,
) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    } + base;
    let pos = pos.min(file.text.len());
    let found = token_at(&file.text, pos);
    let span = Span::new(pos, pos + found.len());
    let (found_zh, found_en) = if found.is_empty() {
        ("文件结尾".to_string(), "end of file".to_string())
    } else {
        (format!("`{found}`"), format!("`{found}`"))
    };
    let (expected_zh, expected_en) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        ErrorVariant::CustomError { message } => (message.clone(), message.clone()),
    };
    // What was expected goes in the message, so that the plain format, which shows no labels,
    // says it too.
    let (message, label) = match (expected_en.is_empty(), found.is_empty()) {
        (true, _) => (
            Text::new(format!("不应出现 {found_zh}"), format!("unexpected {found_en}")),
            Text::new("此处无法理解", "not understood here"),
        ),
        (false, true) => (
            Text::new(
                format!("{}，文件却已结束", zh_join("此处应为", "", &expected_zh)),
                format!("expected {expected_en}, found the end of the file"),
            ),
            Text::new("文件在此结束", "the file ends here"),
        ),
        (false, false) => (
            Text::new(
                format!("{}，却出现了 {found_zh}", zh_join("此处应为", "", &expected_zh)),
                format!("expected {expected_en}, found {found_en}"),
            ),
            Text::new("不应出现在此处", "not expected here"),
        ),
    };
    match help_near(&file.text, pos, found) {
        // The mistake lies before where the parser stopped: point at it, and at the stop.
        Some((help, Some(at))) => Diagnostic::new(Code::Syntax, message)
            .at(Loc::new(file, at), Text::new("问题在这里", "the mistake is here"))
            .also(Loc::new(file, span), label)
            .help(help),
        Some((help, None)) => {
            Diagnostic::new(Code::Syntax, message).at(Loc::new(file, span), label).help(help)
        }
        None => Diagnostic::new(Code::Syntax, message)
            .at(Loc::new(file, span), label)
            .help(help_for(found)),
    }
}

/// Units a number may carry after `万`, `亿` or `千`.
const AFTER_MULTIPLIER: [char; 8] = ['元', '人', '家', '户', '个', '平', '亩', '吨'];
/// Unit words that, written after a space, were meant to be glued to the number before them.
const UNIT_WORDS: [&str; 14] = [
    "万元",
    "亿元",
    "千元",
    "元",
    "%",
    "％",
    "万人",
    "万家",
    "家",
    "人",
    "个百分点",
    "项",
    "分",
    "㎡",
];

/// Help for the mistakes officers make most, found in the text just before the error (its
/// line and the one before): `80万` without `元`, a space between a number and its unit, a
/// full-width punctuation mark where the grammar takes none. With the help, the span of the
/// mistake when it is not where the parser stopped.
fn help_near(text: &str, pos: usize, found: &str) -> Option<(Text, Option<Span>)> {
    if let Some(c) = found.chars().next().filter(|c| "，：；、（）【】。".contains(*c)) {
        let help = Text::new(
            format!("全角标点 `{c}` 只用在条目之间或列举处；规则内部请改为空格或半角符号"),
            format!(
                "the full-width `{c}` only separates items; inside a rule write a space or the half-width character"
            ),
        );
        return Some((help, None));
    }
    let before = text.get(..pos)?;
    // The window runs through the token where the parser stopped (`50 万元`: it stops at `万元`).
    let pos = pos + found.len();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let from = before.get(..line_start.saturating_sub(1))?.rfind('\n').map_or(0, |i| i + 1);
    // Only code counts: comments, texts and quoted sentences are blanked out, byte for byte.
    let mut window = String::with_capacity(pos.saturating_sub(from));
    for t in super::lexer::tokens(text) {
        let (a, b) = (t.span.start.max(from), t.span.end.min(pos));
        if a >= b {
            continue;
        }
        let piece = text.get(a..b).unwrap_or("");
        let blank = matches!(
            t.kind,
            super::lexer::TokenKind::Comment
                | super::lexer::TokenKind::Text
                | super::lexer::TokenKind::Quote
                | super::lexer::TokenKind::ClauseRef
        );
        if blank {
            window.extend(std::iter::repeat_n(' ', piece.len()));
        } else {
            window.push_str(piece);
        }
    }
    let window = window.as_str();
    let chars: Vec<(usize, char)> = window.char_indices().collect();
    // The number that ends at character `k` of the window, and where it starts.
    let number_ending = |k: usize| {
        let mut first = k;
        while first > 0
            && chars.get(first - 1).is_some_and(|(_, c)| c.is_ascii_digit() || *c == '.')
        {
            first -= 1;
        }
        let start = chars.get(first).map_or(0, |(b, _)| *b);
        let end = chars.get(k + 1).map_or(window.len(), |(b, _)| *b);
        (start, window.get(start..end).unwrap_or(""))
    };
    for k in 0..chars.len() {
        let (Some((_, d)), Some((mb, m))) = (chars.get(k), chars.get(k + 1)) else { continue };
        if !d.is_ascii_digit() || !matches!(m, '万' | '亿' | '千') {
            continue;
        }
        if chars.get(k + 2).is_some_and(|(_, n)| AFTER_MULTIPLIER.contains(n)) {
            continue;
        }
        let (start, number) = number_ending(k);
        let end = mb + m.len_utf8();
        let help = Text::new(
            format!("`{number}{m}` 缺少单位：金额写 `{number}{m}元`（人数写 `{number}{m}人`）"),
            format!(
                "`{number}{m}` lacks its unit: write money as `{number}{m}元` (people as `{number}{m}人`)"
            ),
        );
        return Some((help, Some(Span::new(from + start, from + end))));
    }
    for k in 0..chars.len() {
        let Some((b, d)) = chars.get(k) else { continue };
        if !d.is_ascii_digit()
            || chars.get(k + 1).is_some_and(|(_, c)| c.is_ascii_digit() || *c == '.')
        {
            continue;
        }
        let rest = window.get(b + 1..).unwrap_or("");
        let spaced = rest.trim_start_matches([' ', '\t', '\u{3000}']);
        if spaced.len() == rest.len() {
            continue;
        }
        if let Some(unit) = UNIT_WORDS.iter().find(|u| spaced.starts_with(**u)) {
            let (start, number) = number_ending(k);
            let end = window.len() - spaced.len() + unit.len();
            let help = Text::new(
                format!("数字与单位之间不留空格：写 `{number}{unit}` 而不是 `{number} {unit}`"),
                format!(
                    "no space between a number and its unit: write `{number}{unit}`, not `{number} {unit}`"
                ),
            );
            return Some((help, Some(Span::new(from + start, from + end))));
        }
    }
    None
}

/// Help that fits what was found.
fn help_for(found: &str) -> Text {
    let cmp_words = ["以上", "以下", "以内", "不低于", "不少于", "不超过", "超过", "低于"];
    // Words that contain a comparison word but are words of their own.
    let whole_words =
        ["最高不超过", "不超过", "以上", "以下", "以内", "不低于", "不少于", "超过", "低于"];
    let glued = cmp_words.iter().any(|w| found.contains(w)) && !whole_words.contains(&found);
    if glued {
        return Text::new(
            "名称与比较词之间要用空格隔开，例如 `市场主体数量 不低于 2万家`",
            "separate names from comparison words with a space, e.g. `市场主体数量 不低于 2万家`",
        );
    }
    Text::new(
        "关键字与名称之间留空格（`令 补贴`），数字与单位之间不留空格（`50万元`）；详见语言参考",
        "put a space between a keyword and a name (`let 补贴`) but none between a number and its unit (`50万元`); see the language reference",
    )
}

/// The token at `pos`: up to the next space or bracket, at most 12 characters.
fn token_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    let mut end = 0;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        let stop = c.is_whitespace() || (n > 0 && matches!(c, '(' | ')' | '{' | '}' | '[' | ']'));
        if stop || n >= 12 {
            break;
        }
        end = i + c.len_utf8();
    }
    rest.get(..end).unwrap_or("")
}

/// The expected rules as two readable lists (Chinese, English).
fn expected_list(rules: &[Rule]) -> (String, String) {
    let mut names: Vec<(String, String)> = Vec::new();
    for r in rules {
        let Some(n) = describe(*r) else { continue };
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.sort();
    let more = names.len().saturating_sub(MAX_LISTED);
    names.truncate(MAX_LISTED);
    let zh: Vec<&str> = names.iter().map(|(z, _)| z.as_str()).collect();
    let en: Vec<&str> = names.iter().map(|(_, e)| e.as_str()).collect();
    if more > 0 {
        return (
            format!("{} 等（另有 {more} 种）", zh.join("、")),
            format!("{} or {more} more", en.join(", ")),
        );
    }
    let zh = match zh.split_last() {
        Some((last, rest)) if !rest.is_empty() => zh_join(&rest.join("、"), "或", last),
        _ => zh.join("、"),
    };
    let en = match en.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => en.join(", "),
    };
    (zh, en)
}

/// Chinese words joined, with a space where one side is in backticks (`` `)` 或运算符 ``).
fn zh_join(left: &str, word: &str, right: &str) -> String {
    let before = if left.ends_with('`') { " " } else { "" };
    let after = if right.starts_with('`') { " " } else { "" };
    format!("{left}{before}{word}{after}{right}")
}

/// What a rule looks like to a user, in Chinese and English; `None` for rules never worth naming.
fn describe(rule: Rule) -> Option<(String, String)> {
    let kw = |zh: &str, en: &str| Some((format!("`{zh}`"), format!("`{en}`")));
    let p = |s: &str| Some((format!("`{s}`"), format!("`{s}`")));
    let d = |zh: &str, en: &str| Some((zh.to_string(), en.to_string()));
    match rule {
        Rule::EOI => d("文件结尾", "end of file"),
        Rule::ident => d("名称", "a name"),
        Rule::number | Rule::integer | Rule::quantity => d("数字", "a number"),
        Rule::unit | Rule::unit_atom => d("单位", "a unit"),
        Rule::ratio => d("比例（如 `1:1`）", "a ratio such as `1:1`"),
        Rule::string => d("带引号的文本", "a quoted text"),
        Rule::date => d("日期", "a date"),
        Rule::year_lit => d("年份（如 `2020年`）", "a year such as `2020年`"),
        Rule::creation_year => d("`第N年`", "`year N`"),
        Rule::citation => d("条款引用 `§`", "a clause citation `§`"),
        Rule::clause_ref => d("条款编号", "a clause number"),
        Rule::quote => d("「原文」", "a quoted source sentence 「…」"),
        Rule::bool_lit => d("`是` 或 `否`", "`true` or `false`"),
        Rule::expr
        | Rule::comparison
        | Rule::arith
        | Rule::postfix_expr
        | Rule::primary
        | Rule::paren
        | Rule::call
        | Rule::if_expr
        | Rule::tier_expr => d("表达式", "an expression"),
        Rule::infix_cmp
        | Rule::postfix_cmp
        | Rule::cmp_ge
        | Rule::cmp_le
        | Rule::cmp_gt
        | Rule::cmp_lt
        | Rule::cmp_eq
        | Rule::cmp_ne => d("比较词（如 `不低于`、`以上`）", "a comparison word such as `≥`"),
        Rule::op_add | Rule::op_sub | Rule::op_mul | Rule::op_div | Rule::op_neg => {
            d("运算符", "an operator")
        }
        Rule::item => d("声明（如 `令`、`条件`、`奖励`）", "a declaration such as `let`"),
        Rule::header => kw("政策", "policy"),
        Rule::header_field => d("文件头字段", "a header field"),
        Rule::validity => d("有效期", "a validity"),
        Rule::type_expr => d("类型或单位", "a type or unit"),
        Rule::field_decl | Rule::subject_member => d("字段", "a field"),
        Rule::field_modifier => d("字段修饰（`按年`、`可选`、`范围`）", "a field modifier"),
        Rule::cond_group | Rule::group_kind => {
            d("`全部`、`任一` 或 `至少`", "`all`, `any` or `at least`")
        }
        Rule::cond_item => d("条件项（`名称: 条件`）", "a condition item (`name: condition`)"),
        Rule::indicator => d("指标（`名称: 值 { 目标 }`）", "an indicator"),
        Rule::gate => kw("门槛", "gate"),
        Rule::target => d("目标（如 `2020年 ≥ 1000家`）", "a target such as `2020 ≥ 1000家`"),
        Rule::year_sel => d("年份、`第N年` 或 `每年`", "a year, `year N` or `every year`"),
        Rule::score_part | Rule::section | Rule::score_item => {
            d("`部分` 或 `项`", "`section` or `item`")
        }
        Rule::scoring => d(
            "评分方式（`按条件`、`按比例`、`扣分`、`取值`）",
            "a scoring method (`by criteria`, `by ratio`, `deduct`, `given`)",
        ),
        Rule::criterion => d("评分条件", "a criterion"),
        Rule::deduction => d("扣分项", "a deduction"),
        Rule::point_range => d("分值范围（如 `4-7分`）", "a point range such as `4-7分`"),
        Rule::grade_band => d("等级档次（`优: 90分以上`）", "a grade band"),
        Rule::tier_arm | Rule::pattern => d("分档条件", "a tier pattern"),
        Rule::award_clause => d(
            "奖励条款（`当`、`金额`、`最高不超过` 等）",
            "an award clause (`when`, `amount`, `cap` ...)",
        ),
        Rule::exception | Rule::amount_exception => kw("例外", "except"),
        Rule::path => d("名称", "a name"),
        Rule::part => d("分项（`名称 金额`）", "a part (`name amount`)"),
        Rule::enum_values => d("枚举值", "an enumeration value"),
        Rule::index => p("["),
        Rule::member => p("."),
        Rule::p_section => p("§"),
        Rule::p_colon => p(":"),
        Rule::p_comma => p(","),
        Rule::p_semi => p(";"),
        Rule::p_lparen => p("("),
        Rule::p_rparen => p(")"),
        Rule::p_lbrace => p("{"),
        Rule::p_rbrace => p("}"),
        Rule::p_lbracket => p("["),
        Rule::p_rbracket => p("]"),
        Rule::p_assign => p("="),
        Rule::p_dot => p("."),
        other => keyword(other).map(|(zh, en)| (format!("`{zh}`"), format!("`{en}`"))),
    }
}

/// The Chinese and English spelling of a keyword rule.
fn keyword(rule: Rule) -> Option<(&'static str, &'static str)> {
    Some(match rule {
        Rule::kw_policy => ("政策", "policy"),
        Rule::kw_issuer => ("发文机关", "issuer"),
        Rule::kw_docno => ("文号", "docno"),
        Rule::kw_date => ("日期", "date"),
        Rule::kw_valid => ("有效期", "valid"),
        Rule::kw_to => ("至", "to"),
        Rule::kw_basis => ("依据", "basis"),
        Rule::kw_clause => ("条款", "clause"),
        Rule::kw_import => ("引用", "import"),
        Rule::kw_as => ("为", "as"),
        Rule::kw_enum => ("枚举", "enum"),
        Rule::kw_ordered => ("有序", "ordered"),
        Rule::kw_subject => ("主体", "subject"),
        Rule::kw_key => ("标识", "key"),
        Rule::kw_by_year => ("按年", "by year"),
        Rule::kw_optional => ("可选", "optional"),
        Rule::kw_range => ("范围", "range"),
        Rule::kw_bool => ("是否", "bool"),
        Rule::kw_text => ("文本", "text"),
        Rule::kw_year => ("年份", "year"),
        Rule::kw_number => ("数", "number"),
        Rule::kw_share => ("占比", "share"),
        Rule::kw_for => ("对于", "for"),
        Rule::kw_param => ("参数", "param"),
        Rule::kw_let => ("令", "let"),
        Rule::kw_condition => ("条件", "condition"),
        Rule::kw_all => ("全部", "all"),
        Rule::kw_any => ("任一", "any"),
        Rule::kw_at_least => ("至少", "at least"),
        Rule::kw_of => ("项", "of"),
        Rule::kw_except => ("例外", "except"),
        Rule::kw_if => ("若", "if"),
        Rule::kw_then => ("则", "then"),
        Rule::kw_else => ("否则", "else"),
        Rule::kw_and => ("且", "and"),
        Rule::kw_or => ("或", "or"),
        Rule::kw_not => ("非", "not"),
        Rule::kw_otherwise => ("其他", "otherwise"),
        Rule::kw_tier => ("分档", "tier"),
        Rule::kw_indicators => ("指标表", "indicators"),
        Rule::kw_from => ("起算", "from"),
        Rule::kw_every_year => ("每年", "every year"),
        Rule::kw_grows => ("年增", "grows"),
        Rule::kw_gate => ("门槛", "gate"),
        Rule::kw_score => ("评分", "score"),
        Rule::kw_max => ("满分", "max"),
        Rule::kw_section => ("部分", "section"),
        Rule::kw_item => ("项", "item"),
        Rule::kw_by_criteria => ("按条件", "by criteria"),
        Rule::kw_by_ratio => ("按比例", "by ratio"),
        Rule::kw_deduct => ("扣分", "deduct"),
        Rule::kw_given => ("取值", "given"),
        Rule::kw_grade => ("等级", "grade"),
        Rule::kw_award => ("奖励", "award"),
        Rule::kw_when => ("当", "when"),
        Rule::kw_amount => ("金额", "amount"),
        Rule::kw_cap => ("最高不超过", "cap"),
        Rule::kw_reduce => ("核减", "reduce"),
        Rule::kw_once => ("一次性", "once"),
        Rule::kw_yearly => ("每年", "yearly"),
        Rule::kw_during => ("连续", "during"),
        Rule::kw_source => ("来源", "paid from"),
        Rule::kw_status => ("状态", "status"),
        Rule::kw_stack => ("叠加", "stack"),
        Rule::kw_exclusive => ("就高不重复", "exclusive"),
        Rule::kw_additive => ("累加", "additive"),
        Rule::kw_less => ("扣除", "less"),
        Rule::kw_budget => ("预算", "budget"),
        Rule::kw_breakdown => ("分解", "breakdown"),
        Rule::kw_matching => ("配套", "matching"),
        Rule::kw_stated => ("声明", "stated"),
        Rule::kw_equals => ("应等于", "equals"),
        Rule::kw_approx => ("约等于", "approx"),
        Rule::kw_written_date => ("原文日期", "written date"),
        Rule::kw_read_as => ("解读为", "read as"),
        Rule::kw_averages => ("平均数", "averages"),
        Rule::kw_average => ("平均", "average"),
        Rule::kw_pool => ("资金池", "pool"),
        Rule::kw_pays => ("支付", "pays"),
        Rule::kw_prorata => ("按比例核减", "prorata"),
        _ => return None,
    })
}

/// Whether a rule is a keyword (used to tell which language a file's keywords are in).
pub(super) fn is_keyword(rule: Rule) -> bool {
    keyword(rule).is_some()
}
