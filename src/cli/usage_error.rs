//! A command line clap cannot parse, reported as the usage diagnostic `ZC0904` in the chosen
//! language and error format, like every other problem (clap's own text is English only).
//!
//! The language and format come from the arguments as written (`--lang zh`, `--error-format
//! plain`), read without clap since the line did not parse, else from the environment.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::args::Cli;
use crate::diagnostics::render::Format;
use crate::diagnostics::{Diagnostics, Lang, Text};

/// The value of `--NAME VALUE` or `--NAME=VALUE` in `args`, the last one written.
fn option_value(args: &[OsString], name: &str) -> Option<String> {
    let long = format!("--{name}");
    let eq = format!("--{name}=");
    let mut found = None;
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned()).peekable();
    while let Some(a) = it.next() {
        if a == long {
            found = it.peek().cloned();
        } else if let Some(v) = a.strip_prefix(&eq) {
            found = Some(v.to_string());
        }
    }
    found
}

/// The language `--lang` asks for, if it names one.
pub(super) fn lang_arg(args: &[OsString]) -> Option<Lang> {
    match option_value(args, "lang")?.as_str() {
        "zh" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The error format `--error-format` asks for, else human.
pub(super) fn format_arg(args: &[OsString]) -> Format {
    match option_value(args, "error-format").as_deref() {
        Some("plain") => Format::Plain,
        Some("json") => Format::Json,
        _ => Format::Human,
    }
}

/// A context value as text: `--format`, `x`, `a, b`.
fn context(e: &clap::Error, kind: ContextKind) -> Option<Vec<String>> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(vec![s.clone()]),
        ContextValue::Strings(v) => Some(v.clone()),
        ContextValue::StyledStr(s) => Some(vec![s.to_string()]),
        ContextValue::StyledStrs(v) => Some(v.iter().map(ToString::to_string).collect()),
        ContextValue::Number(n) => Some(vec![n.to_string()]),
        _ => None,
    }
}

fn first(e: &clap::Error, kind: ContextKind) -> String {
    context(e, kind).and_then(|v| v.into_iter().next()).unwrap_or_default()
}

/// `ZC0904` for a command line clap refused: what is wrong and what to write, in both languages.
pub(super) fn diagnostic(e: &clap::Error) -> Diagnostics {
    // `--format <FORMAT>` is written `--format`.
    let arg = first(e, ContextKind::InvalidArg);
    let arg = arg.split(' ').next().unwrap_or_default().to_string();
    let value = first(e, ContextKind::InvalidValue);
    let usage = first(e, ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim().to_string();
    let suggested: Vec<String> = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .unwrap_or_default();
    let did_you_mean = (!suggested.is_empty()).then(|| {
        let list = suggested.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>();
        Text::new(
            format!("你是不是想写 {}？", list.join(" 或 ")),
            format!("did you mean {}?", list.join(" or ")),
        )
    });
    let with_usage = |zh: String, en: String| {
        if usage.is_empty() {
            Text::new(zh, en)
        } else {
            Text::new(format!("{zh}；用法：`{usage}`"), format!("{en}; usage: `{usage}`"))
        }
    };
    let (option, message, help) = match e.kind() {
        ErrorKind::UnknownArgument => (
            arg.clone(),
            Text::new(format!("没有选项 `{arg}`"), format!("there is no option `{arg}`")),
            did_you_mean.unwrap_or_else(|| {
                with_usage(
                    "`zhengce 子命令 --help` 列出可用的选项".into(),
                    "`zhengce COMMAND --help` lists the options".into(),
                )
            }),
        ),
        ErrorKind::InvalidSubcommand => {
            let arg = first(e, ContextKind::InvalidSubcommand);
            let names: Vec<String> = <Cli as clap::CommandFactory>::command()
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            (
                arg.clone(),
                Text::new(format!("没有子命令 `{arg}`"), format!("there is no command `{arg}`")),
                did_you_mean.unwrap_or_else(|| {
                    Text::new(
                        format!("子命令有：{}", names.join("、")),
                        format!("the commands are: {}", names.join(", ")),
                    )
                }),
            )
        }
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue).unwrap_or_default();
            let help = did_you_mean.unwrap_or_else(|| {
                let list = valid.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>();
                if list.is_empty() {
                    Text::new("给出一个取值", "give a value")
                } else {
                    Text::new(
                        format!("可选的取值：{}", list.join("、")),
                        format!("the values are: {}", list.join(", ")),
                    )
                }
            });
            let message = if value.is_empty() {
                Text::new(format!("`{arg}` 需要一个取值"), format!("`{arg}` needs a value"))
            } else {
                Text::new(
                    format!("`{arg}` 不接受取值 `{value}`"),
                    format!("`{arg}` does not take the value `{value}`"),
                )
            };
            (arg.clone(), message, help)
        }
        ErrorKind::ValueValidation => (
            arg.clone(),
            Text::new(
                format!("`{arg}` 的取值 `{value}` 无效"),
                format!("`{value}` is not a valid value of `{arg}`"),
            ),
            with_usage(
                "按选项说明的形式写（如年份写 `2024`，百分比写 `90`）".into(),
                "write it as the option's help says (a year as `2024`, a percentage as `90`)"
                    .into(),
            ),
        ),
        ErrorKind::MissingRequiredArgument => {
            let missing = context(e, ContextKind::InvalidArg).unwrap_or_default().join(" ");
            (
                missing.clone(),
                Text::new(format!("缺少 `{missing}`"), format!("`{missing}` is missing")),
                with_usage("补上它".into(), "add it".into()),
            )
        }
        ErrorKind::ArgumentConflict => {
            let other = first(e, ContextKind::PriorArg);
            (
                arg.clone(),
                Text::new(
                    format!("`{arg}` 不能与 `{other}` 同用"),
                    format!("`{arg}` cannot be used with `{other}`"),
                ),
                Text::new("去掉其中一个", "drop one of them"),
            )
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => (
            arg.clone(),
            Text::new(
                format!("`{arg}` 的取值个数不对"),
                format!("`{arg}` has the wrong number of values"),
            ),
            with_usage("按用法给出取值".into(), "give the values as the usage shows".into()),
        ),
        _ => {
            // Any other refusal: clap's sentence, which names the option.
            let text = e.render().to_string();
            let line = text.lines().next().unwrap_or_default().trim_start_matches("error: ");
            (
                "zhengce".to_string(),
                Text::new(format!("命令行有误：{line}"), line.to_string()),
                with_usage(
                    "`zhengce --help` 列出子命令和选项".into(),
                    "`zhengce --help` lists the commands and options".into(),
                ),
            )
        }
    };
    let option = if option.is_empty() { "zhengce".to_string() } else { option };
    super::eval::bad_options(&option, message, help)
}
