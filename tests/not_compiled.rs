//! A register evaluated by the interpreter says so, and why (`ZC0710`): the results are the
//! compiled form's, the time is not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use std::fs;

use sim_common::{TempDir, s, zhengce};
use zhengce::cli::Status;

/// A growth rate reported as a value has no compiled form: the streamed CSV report is written
/// by the interpreter, with the note at the rule; a growth rate compared with a threshold
/// compiles, and the same report has no note.
#[test]
fn a_register_evaluated_by_the_interpreter_says_which_rule_and_why() {
    let t = TempDir::new("not-compiled");
    let reported = "主体 企业 { 标识 名称\n 名称: 文本\n 收入: 万元 按年 }\n对于 企业 {\n § 一 「x」\n 令 增: % = 增长率(收入)\n}\n";
    let compared =
        reported.replace("令 增: % = 增长率(收入)", "条件 增 全部 { 快: 增长率(收入) ≥ 5% }");
    let data = t.write("r.csv", "名称,收入[2023](万元),收入[2024](万元)\na,100,110\nb,200,150\n");
    for (name, text, noted) in
        [("reported.zc", reported, true), ("compared.zc", compared.as_str(), false)]
    {
        let policy = t.write(name, text);
        let out = t.path("o.csv");
        let args = [
            "--lang",
            "en",
            "--error-format",
            "plain",
            "eval",
            s(&policy),
            "--data",
            s(&data),
            "--out",
            s(&out),
        ];
        let (status, _, err) = zhengce(&args);
        assert_eq!(status, Status::Ok, "{err}");
        let report = fs::read_to_string(&out).unwrap();
        if noted {
            assert!(
                err.contains(&format!("{}:6:4: note[ZC0710]: the rules of `企业` were evaluated by the interpreter, not the compiled form (the same results, more slowly): `增` is a growth rate, which the compiled form only compares", s(&policy))),
                "{err}"
            );
            // 110 / 100 − 1 and 150 / 200 − 1.
            assert_eq!(report, "名称,增\na,0.1\nb,-0.25\n");
        } else {
            assert!(!err.contains("ZC0710"), "{err}");
            assert_eq!(report, "名称,增\na,true\nb,false\n");
        }
    }
}
