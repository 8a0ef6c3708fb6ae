//! `zhengce explain-code CODE`: print the page that explains a diagnostic code.

use std::io::Write;

use super::args::ExplainCodeArgs;
use super::{Settings, Status, emit};
use crate::diagnostics::explain::explain;
use crate::diagnostics::render::render;
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Text};

/// Writes the page of the code to `out`; for an unknown code, writes a [`Code::UnknownCode`]
/// diagnostic (with the closest codes as suggestions) to `err` and returns [`Status::Usage`].
pub fn run(
    args: &ExplainCodeArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    match lookup(&args.code) {
        Some(code) => {
            emit(out, explain(code));
            Status::Ok
        }
        None => {
            let diagnostic = unknown_code(&args.code);
            let text = render(&[diagnostic], settings.lang, settings.format, &settings.style);
            emit(err, &text);
            Status::Usage
        }
    }
}

/// The code a user typed: `ZC0201`, `zc0201`, or just its digits (`0201`, `201`).
pub fn lookup(given: &str) -> Option<Code> {
    let given = given.trim();
    let digits_only =
        !given.is_empty() && given.len() <= 4 && given.bytes().all(|b| b.is_ascii_digit());
    if digits_only { Code::from_id(&format!("ZC{given:0>4}")) } else { Code::from_id(given) }
}

/// The diagnostic for a code that no diagnostic has.
pub fn unknown_code(given: &str) -> Diagnostic {
    let wanted = given.trim().to_ascii_uppercase();
    let suggestions = did_you_mean(&wanted, Code::ALL.iter().map(|c| c.id()));
    let help = help_text(&suggestions).unwrap_or_else(|| {
        Text::new(
            "诊断代码由 `ZC` 和四位数字组成，例如 `ZC0201`",
            "codes are `ZC` followed by four digits, such as `ZC0201`",
        )
    });
    Diagnostic::new(
        Code::UnknownCode,
        Text::new(
            format!("没有代码为 `{given}` 的诊断"),
            format!("no diagnostic has the code `{given}`"),
        ),
    )
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_in_any_case_or_by_their_digits() {
        assert_eq!(lookup("ZC0201"), Some(Code::UnknownName));
        assert_eq!(lookup(" zc0201 "), Some(Code::UnknownName));
        assert_eq!(lookup("0201"), Some(Code::UnknownName));
        assert_eq!(lookup("201"), Some(Code::UnknownName));
        assert_eq!(lookup("ZC0299"), None);
        assert_eq!(lookup(""), None);
        assert_eq!(lookup("12345"), None);
    }

    #[test]
    fn unknown_code_suggests_close_codes() {
        let d = unknown_code("zc0210");
        assert_eq!(d.code, Code::UnknownCode);
        assert!(d.labels.is_empty());
        assert_eq!(d.message.en, "no diagnostic has the code `zc0210`");
        let help = d.help.unwrap();
        assert_eq!(help.en, "did you mean `ZC0201`, `ZC0211` or `ZC0212`?");
        let far = unknown_code("hello");
        assert_eq!(far.help.unwrap().zh, "诊断代码由 `ZC` 和四位数字组成，例如 `ZC0201`");
    }
}
