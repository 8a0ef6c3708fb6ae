//! The example on each code's page (`docs/codes/ZCxxxx.md`, printed by `zhengce explain-code`)
//! is real: the first ```` ```zc ```` block of the Chinese section and of the English section,
//! checked, reports that page's code and no other.
//!
//! Codes that `check` does not report about a policy's text have no runnable example: ZC0190 and
//! ZC0199 (internal errors of the formatter and the parser, which no policy should trigger), data and evaluation codes (ZC06xx,
//! ZC07xx) and file and usage codes (ZC09xx). Their pages mark policy examples
//! ```` ```zc-norun ```` (or show a shell command in ```` ```sh ````) and are skipped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeSet;

use zhengce::check::check_sources;
use zhengce::diagnostics::Code;
use zhengce::diagnostics::explain::explain;
use zhengce::source::SourceFile;

/// Whether `check` can report the code about a policy's text, so that its page's example runs.
fn runs(code: Code) -> bool {
    code.id() < "ZC0600" && !matches!(code, Code::Internal | Code::FormatCheck)
}

/// The Chinese and English sections of a page.
fn sections(page: &str) -> [(&'static str, &str); 2] {
    let zh = page.find("\n## 中文\n").expect("a `## 中文` section");
    let en = page.find("\n## English\n").expect("a `## English` section");
    assert!(zh < en, "the Chinese section comes first");
    [("中文", &page[zh..en]), ("English", &page[en..])]
}

/// The fenced blocks of a text: (info string, body).
fn blocks(text: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut open: Option<(&str, Vec<&str>)> = None;
    for line in text.lines() {
        match (line.strip_prefix("```"), open.take()) {
            (Some(info), None) => open = Some((info.trim(), Vec::new())),
            (Some(_), Some((info, body))) => out.push((info, body.join("\n") + "\n")),
            (None, Some((info, mut body))) => {
                body.push(line);
                open = Some((info, body));
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    out
}

/// The codes checking `text` reports.
fn codes_of(name: &str, text: &str) -> BTreeSet<String> {
    let file = SourceFile::new(name, text);
    check_sources(&[file]).iter().map(|d| d.code.id().to_string()).collect()
}

#[test]
fn each_page_example_reports_exactly_its_code() {
    let mut problems = Vec::new();
    for &code in Code::ALL {
        // Data codes are shown with a policy and a data file; `tests/data_code_pages.rs` runs them.
        if code.id().starts_with("ZC06") {
            continue;
        }
        let page = explain(code);
        for (lang, section) in sections(page) {
            let blocks = blocks(section);
            let first_policy = blocks.iter().find(|(info, _)| info.starts_with("zc"));
            if !runs(code) {
                if let Some((info, _)) = first_policy.filter(|(info, _)| *info == "zc") {
                    problems.push(format!(
                        "{} ({lang}): `check` does not report this code, so its example cannot \
                         run; mark the block `zc-norun` instead of `{info}`",
                        code.id()
                    ));
                }
                continue;
            }
            let Some((info, example)) = first_policy else {
                problems.push(format!("{} ({lang}): no ```zc example", code.id()));
                continue;
            };
            if *info != "zc" {
                problems.push(format!(
                    "{} ({lang}): the first example is `{info}`, not `zc`",
                    code.id()
                ));
                continue;
            }
            let mut got = codes_of(&format!("{}.md ({lang})", code.id()), example);
            // ZC0409 (an award that can carry fractions of a fen) comes with any example that
            // takes a percentage of an amount, as many pages' do: it is counted on its own page.
            if code != Code::FenFraction {
                got.remove(Code::FenFraction.id());
            }
            // ZC0213's example imports a policy beside it (`zezhou.zc`), which a page alone
            // does not have (ZC0210): the stacking rule it reads names that policy's award.
            if code == Code::StackNotAValue {
                got.remove(Code::ImportNotFound.id());
            }
            let want = BTreeSet::from([code.id().to_string()]);
            if got != want {
                problems.push(format!(
                    "{} ({lang}): the example reports {got:?}, not exactly {}:\n{example}",
                    code.id(),
                    code.id()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_block_reader_finds_the_first_example() {
    let page = "# ZC0000 x / x\n\n## 中文\n\n```sh\nzhengce check\n```\n\n```zc\n令 a = 1\n```\n\n## English\n\n```zc-norun\nlet a = 1\n```\n";
    let [(_, zh), (_, en)] = sections(page);
    assert_eq!(
        blocks(zh),
        [("sh", "zhengce check\n".to_string()), ("zc", "令 a = 1\n".to_string())]
    );
    assert_eq!(blocks(en), [("zc-norun", "let a = 1\n".to_string())]);
}
