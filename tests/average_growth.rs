//! `年均增长率(终值, 初值, 年数, 精度)`: the average yearly growth (an nth root) exact to the
//! precision written (issue 19). The figures are checked by hand: 4549 ÷ 3347 = 1.359127…
//! lies between 1.10765³ = 1.358963… and 1.10775³ = 1.359331…, so the growth is 10.77% at 0.01%.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

fn write(name: &str, policy: &str, data: Option<&str>) -> (String, String) {
    let dir = temp_dir(name);
    let p = dir.join("p.zc");
    std::fs::write(&p, policy).unwrap();
    let d = dir.join("p.企业.csv");
    if let Some(data) = data {
        std::fs::write(&d, data).unwrap();
    }
    (p.to_str().unwrap().to_string(), d.to_str().unwrap().to_string())
}

#[test]
fn a_stated_growth_the_root_disagrees_with_is_reported() {
    // The comment of an earlier taiyuan.zc said 10.76%: the root says 10.77%.
    let (p, _) = write(
        "growth-stated",
        "令 终值: 亿元 = 4549亿元\n令 初值: 亿元 = 3347亿元\n\
         声明 写错的增长率 10.76% 应等于 年均增长率(终值, 初值, 3年, 0.01%)\n\
         声明 年均增长 11% 应等于 average_growth(终值, 初值, 3, 1%)\n",
        None,
    );
    let r = zhengce(&["check", &p]);
    let all = format!("{}{}", r.out, r.err);
    assert!(all.contains("ZC0502"), "{all}");
    assert!(all.contains("`写错的增长率` 写明 10.76%，按公式计算却是 10.77%"), "{all}");
    assert!(!all.contains("`年均增长`"), "{all}");
    let r = zhengce(&["explain", &p, "写错的增长率", "--format", "json"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(j["figures"]["computed"]["value"], "0.1077");
    assert_eq!(j["figures"]["difference"]["value"], "-0.0001");
    assert_eq!(j["consistent"], false);
}

#[test]
fn the_growth_of_each_subject_and_a_first_value_of_zero() {
    // 甲: 121 ÷ 100 = 1.1², exactly 10%. 乙: 133.1 ÷ 100 = 1.1³ over 2 years = 1.1537…:
    // 15.37% at 0.01% (1.15365² = 1.330908… < 1.331 < 1.15375² = 1.331139…). 丙: 初值 0.
    let (p, d) = write(
        "growth-eval",
        "主体 企业 {\n  标识 名称\n  名称: 文本\n  初值: 元\n  终值: 元\n  年数: 年\n}\n\
         对于 企业 {\n  令 年均增速: % = 年均增长率(终值, 初值, 年数, 0.01%)\n}\n",
        Some("名称,初值(元),终值(元),年数(年)\n甲,100,121,2\n乙,100,133.1,2\n丙,0,5,2\n"),
    );
    let r = zhengce(&["eval", &p, "--data", &d, "--format", "json", "--subject", "甲"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("\"number\": \"0.1\""), "{}", r.out);
    let r = zhengce(&["eval", &p, "--data", &d, "--format", "json", "--subject", "乙"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("\"number\": \"0.1537\""), "{}", r.out);
    let r = zhengce(&["eval", &p, "--data", &d, "--subject", "丙"]);
    assert!(r.err.contains("ZC0714"), "{}", r.err);
}

#[test]
fn the_arguments_are_typed() {
    let (p, _) = write("growth-types", "令 g: % = 年均增长率(2元, 1元, 3元, 1%)\n", None);
    let r = zhengce(&["check", &p]);
    let all = format!("{}{}", r.out, r.err);
    assert_eq!(r.status, Status::Errors, "{all}");
    assert!(all.contains("ZC0302") && all.contains("此处应为年数（如 `3年`）"), "{all}");
}
