//! Random policies built from the grammar's constructs, driven by a string of bytes (a fuzzer's
//! input, or a seeded generator's output): every kind of declaration, expressions nested deep
//! and long (sometimes past the limits on purpose), comments, clause references with `#`, quoted
//! sentences and Chinese text in every position where the grammar allows them.
//!
//! Shared by the `policy_grammar` fuzz target, `tests/generated_policies.rs` and
//! `tests/mutants.rs` (which uses only [`exercise`]).
#![allow(dead_code, reason = "each user takes the part it needs")]

/// Reads choices off a string of bytes; past its end every choice is the first option.
pub struct Gen<'a> {
    bytes: &'a [u8],
    pos: usize,
    out: String,
    /// How many more levels an expression may nest.
    budget: u32,
    /// Names of the fields of the subject being written, by kind (counts with their unit).
    money: Vec<String>,
    flags: Vec<String>,
    counts: Vec<String>,
    count_units: Vec<&'static str>,
    /// The awards written so far (for stacking and pools).
    awards: Vec<String>,
    /// Anything goes (deep nesting, names that may not exist, units that disagree); otherwise
    /// the policy is written to check, so that evaluation is reached too.
    wild: bool,
}

/// Names a policy may give; Chinese, English and mixed.
const NAMES: &[&str] = &[
    "补贴",
    "金额甲",
    "费用",
    "收入",
    "数量",
    "a",
    "b_2",
    "营收",
    "合计值",
    "小计",
    "x",
    "奖励额",
];
const KINDS: &[&str] = &["企业", "县", "项目"];
const MONEY_UNITS: &[&str] = &["元", "万元", "亿元", "元/㎡", "千元"];
const COUNT_UNITS: &[&str] = &["家", "个", "人", "项", "%", "分", "年", "个百分点"];
const TAME_MONEY_UNITS: &[&str] = &["元", "万元", "千元"];
const TAME_COUNT_UNITS: &[&str] = &["家", "个", "人", "项", "分"];
const CMP: &[&str] =
    &["≥", ">", "<", "≤", "=", "≠", "不低于", "高于", "低于", "不高于", "等于", "不等于", "超过"];
const TEXTS: &[&str] = &[
    "对转化全县科技成果的按实际发生费用的30%进行补助",
    "最高不超过50万元#",
    "「嵌套」(一)",
    "",
    "// 不是注释",
    "按“就高不重复”原则执行",
];
const CLAUSES: &[&str] = &["二#二", "五(一)3", "附件1·四", "三(三)", "#", "//", "第一条", "4.2"];

impl<'a> Gen<'a> {
    pub fn new(bytes: &'a [u8]) -> Gen<'a> {
        Gen {
            bytes,
            pos: 0,
            out: String::new(),
            budget: 12,
            money: Vec::new(),
            flags: Vec::new(),
            counts: Vec::new(),
            count_units: Vec::new(),
            awards: Vec::new(),
            wild: false,
        }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A choice among `n` options.
    fn pick(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::from(self.byte()) % n }
    }

    /// True with probability about `pct` percent.
    fn chance(&mut self, pct: u8) -> bool {
        u16::from(self.byte()) * 100 < u16::from(pct) * 256
    }

    fn one<'s>(&mut self, options: &[&'s str]) -> &'s str {
        let i = self.pick(options.len());
        options.get(i).copied().unwrap_or("")
    }

    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// What may stand between two tokens: a space, and sometimes a comment, a line break or a
    /// full-width space.
    fn gap(&mut self) {
        match self.pick(16) {
            0 => self.w(" # 注：「(#\n"),
            1 => self.w(" // 解读：{ 若\n"),
            2 => self.w("\n  "),
            3 => self.w("\u{3000}"),
            _ => self.w(" "),
        }
    }

    fn number(&mut self) -> String {
        match self.pick(8) {
            0 => "0".into(),
            1 => "99999999999999999999999999".into(),
            2 => format!("{}.{}", self.byte(), self.byte()),
            3 => "0.01".into(),
            _ => format!("{}", u16::from(self.byte()) * 10),
        }
    }

    fn name(&mut self) -> String {
        self.one(NAMES).to_string()
    }

    /// A name the expression may read: a field of the subject, or any name (which may be
    /// undefined, and is then a diagnostic).
    fn operand(&mut self) -> String {
        let pools = [self.money.clone(), self.counts.clone(), self.flags.clone()];
        let pool = pools.get(self.pick(3)).cloned().unwrap_or_default();
        if pool.is_empty() || self.chance(10) {
            self.name()
        } else {
            pool.get(self.pick(pool.len())).cloned().unwrap_or_default()
        }
    }

    fn quantity(&mut self) -> String {
        let n = self.number();
        let unit = match self.pick(3) {
            0 => self.one(MONEY_UNITS),
            1 => self.one(COUNT_UNITS),
            _ => "",
        };
        format!("{n}{unit}")
    }

    /// An expression, nesting while the budget lasts; now and then far past the parser's limits.
    fn expr(&mut self) -> String {
        if self.budget == 0 {
            return if self.chance(50) { self.operand() } else { self.quantity() };
        }
        self.budget -= 1;
        let e = match self.pick(18) {
            0 | 1 => self.operand(),
            2 => self.quantity(),
            3 => format!("({})", self.expr()),
            4 => format!("{} + {}", self.expr(), self.expr()),
            5 => format!("{} - {}", self.expr(), self.expr()),
            6 => format!("{} × {}", self.expr(), self.expr()),
            7 => format!("{} ÷ {}", self.expr(), self.expr()),
            8 => {
                let c = self.one(CMP);
                format!("{} {c} {}", self.expr(), self.expr())
            }
            9 => format!("若 {} 则 {} 否则 {}", self.expr(), self.expr(), self.expr()),
            10 => format!("{} 且 {}", self.expr(), self.expr()),
            11 => format!("{} 或 {}", self.expr(), self.expr()),
            12 => format!("非 {}", self.expr()),
            13 => format!("-{}", self.expr()),
            14 => {
                let f = self.one(&["取整", "向下取整", "向上取整", "最大", "最小", "绝对值"]);
                format!("{f}({}, {})", self.expr(), self.quantity())
            }
            15 => {
                let f = self.one(&["累计", "上年", "增长率", "连续年数"]);
                format!("{f}({})", self.expr())
            }
            16 => {
                let arms = 1 + self.pick(3);
                let mut s = format!("分档 {} {{ ", self.expr());
                for _ in 0..arms {
                    let q = self.quantity();
                    let v = self.expr();
                    s.push_str(&format!("{q}以上: {v}; "));
                }
                s.push_str(&format!("其他: {} }}", self.quantity()));
                s
            }
            _ => self.deep(),
        };
        self.budget += 1;
        e
    }

    /// Something nested deeper or chained longer than usual: just within or past a limit.
    fn deep(&mut self) -> String {
        let n = [10, 63, 65, 200, 257, 2_000][self.pick(6)];
        let inner = self.operand();
        match self.pick(5) {
            0 => format!("{}{inner}{}", "(".repeat(n), ")".repeat(n)),
            1 => format!("{}{inner}{}", "若 是 则 ".repeat(n), " 否则 0".repeat(n)),
            2 => format!("{}{inner}", "- ".repeat(n)),
            3 => vec![inner.as_str(); n].join(" + "),
            _ => format!("{}0元", "若 否 则 1元 否则 ".repeat(n)),
        }
    }

    fn citation(&mut self) {
        let kw = if self.chance(80) { "§" } else { "条款" };
        let clause = if self.wild { self.one(CLAUSES) } else { self.one(&CLAUSES[..4]) };
        self.w(kw);
        self.gap();
        self.w(clause);
        if self.chance(70) {
            let q = if self.wild { self.one(TEXTS) } else { self.one(&TEXTS[..2]) };
            if self.chance(50) {
                self.w(&format!(" 「{q}」"));
            } else {
                self.w(&format!(" 『{q}』"));
            }
        }
        self.w("\n  ");
    }

    fn header(&mut self) {
        let title = self.one(TEXTS);
        self.w(&format!(
            "政策 \"{title}\" {{\n  发文机关: \"某县人民政府\"; 文号: \"某政发〔2024〕1号\"\n"
        ));
        if self.chance(50) {
            self.w("  日期: 2024-09-19; 有效期: 2024-01-01 至 2025-12-31\n");
        }
        self.w("}\n");
    }

    fn subject(&mut self, kind: &str) {
        self.money.clear();
        self.flags.clear();
        self.counts.clear();
        self.count_units.clear();
        self.w(&format!("主体 {kind} {{\n  标识 名称; 名称: 文本\n"));
        let fields = 1 + self.pick(6);
        for i in 0..fields {
            let yearly = if self.chance(20) { " 按年" } else { "" };
            let optional = if self.chance(20) { " 可选" } else { "" };
            match self.pick(3) {
                0 => {
                    let n = format!("金额{i}");
                    let u =
                        if self.wild { self.one(MONEY_UNITS) } else { self.one(TAME_MONEY_UNITS) };
                    self.w(&format!("  {n}: {u}{yearly}{optional}\n"));
                    self.money.push(n);
                }
                1 => {
                    let n = format!("标志{i}");
                    self.w(&format!("  {n}: 是否{optional}\n"));
                    self.flags.push(n);
                }
                _ => {
                    let n = format!("数{i}");
                    let u =
                        if self.wild { self.one(COUNT_UNITS) } else { self.one(TAME_COUNT_UNITS) };
                    self.w(&format!("  {n}: {u}{yearly}{optional}\n"));
                    self.counts.push(n);
                    self.count_units.push(u);
                }
            }
        }
        // A money field and a flag are always there, so that tame rules have something to read.
        self.w("  费用: 元\n  认定: 是否\n");
        self.money.push("费用".into());
        self.flags.push("认定".into());
        self.w("}\n");
    }

    /// A money amount, well typed.
    fn money_expr(&mut self) -> String {
        if self.budget == 0 {
            let m = self.money.clone();
            return m.get(self.pick(m.len())).cloned().unwrap_or_else(|| "0元".into());
        }
        self.budget -= 1;
        let m = self.money.clone();
        let field = m.get(self.pick(m.len())).cloned().unwrap_or_else(|| "费用".into());
        let e = match self.pick(9) {
            0 | 1 => field,
            2 => format!("{field} × {}%", self.pick(101)),
            3 => format!("{}{}", self.number(), self.one(TAME_MONEY_UNITS)),
            4 => format!("{} + {}", self.money_expr(), self.money_expr()),
            5 => format!(
                "若 {} 则 {} 否则 {}",
                self.cond_expr(),
                self.money_expr(),
                self.money_expr()
            ),
            6 => format!("最小({}, {})", self.money_expr(), self.money_expr()),
            7 => format!("取整({}, 1元)", self.money_expr()),
            _ => format!("({} - {})", self.money_expr(), self.money_expr()),
        };
        self.budget += 1;
        e
    }

    /// A condition, well typed.
    fn cond_expr(&mut self) -> String {
        if self.budget == 0 {
            let f = self.flags.clone();
            return f.get(self.pick(f.len())).cloned().unwrap_or_else(|| "是".into());
        }
        self.budget -= 1;
        let e = match self.pick(7) {
            0 | 1 => {
                let f = self.flags.clone();
                f.get(self.pick(f.len())).cloned().unwrap_or_else(|| "是".into())
            }
            2 if !self.counts.is_empty() => {
                let i = self.pick(self.counts.len());
                let (c, u) = (self.counts.get(i).cloned(), self.count_units.get(i).copied());
                let op = self.one(CMP);
                format!("{} {op} {}{}", c.unwrap_or_default(), self.byte(), u.unwrap_or(""))
            }
            3 => format!("{} > {}元", self.money_expr(), self.number()),
            4 => format!("{} 且 {}", self.cond_expr(), self.cond_expr()),
            5 => format!("{} 或 {}", self.cond_expr(), self.cond_expr()),
            _ => format!("非 ({})", self.cond_expr()),
        };
        self.budget += 1;
        e
    }

    fn rule(&mut self, i: usize) {
        if self.chance(80) {
            self.citation();
        }
        if !self.wild {
            return self.tame_rule(i);
        }
        match self.pick(7) {
            0 | 1 => {
                let word = self.one(&["补助", "补贴", "奖励", "资助"]);
                let cond = self.expr();
                let amount = self.expr();
                self.w(&format!("{word} 奖{i} {{"));
                self.gap();
                if self.chance(70) {
                    self.w(&format!("当 {cond};"));
                    self.gap();
                }
                self.w(&format!("金额 {amount}"));
                if self.chance(30) {
                    let c = self.expr();
                    let v = self.expr();
                    self.w(&format!(" 例外 若 {c} 则 {v}"));
                }
                self.w(";");
                self.gap();
                if self.chance(40) {
                    let cap = self.quantity();
                    self.w(&format!("最高不超过 {cap};"));
                }
                let when = self.one(&["一次性", "每年", "每年 连续 3年", ""]);
                self.w(&format!(" {when} }}\n  "));
            }
            2 => {
                let (n, e) = (self.name(), self.expr());
                self.w(&format!("令 {n}{i} = {e}\n  "));
            }
            3 => {
                let group = self.one(&["全部", "任一", "至少 2 项"]);
                let (a, b) = (self.expr(), self.expr());
                self.w(&format!("条件 条件{i} {group} {{ 甲: {a}; 乙: {b} }}\n  "));
            }
            4 => {
                let e = self.expr();
                self.w(&format!("状态 状态{i}: {e}\n  "));
            }
            5 => {
                let e = self.expr();
                let (q1, q2) = (self.quantity(), self.quantity());
                self.w(&format!("等级 等级{i}: {e} {{ 优: ≥ {q1}; 良: {q2}以上; 差: 其他 }}\n  "));
            }
            _ => {
                let how = self.one(&["累加", "就高不重复"]);
                self.w(&format!("叠加 叠{i} {how} {{ 奖{}, 奖{} }}\n  ", i.saturating_sub(1), i));
            }
        }
    }

    fn tame_rule(&mut self, i: usize) {
        match self.pick(5) {
            0..=2 => {
                let word = self.one(&["补助", "补贴", "奖励"]);
                let name = format!("奖{i}");
                let (cond, amount) = (self.cond_expr(), self.money_expr());
                self.w(&format!("{word} {name} {{"));
                self.gap();
                self.w(&format!("当 {cond};"));
                self.gap();
                self.w(&format!("金额 {amount}"));
                if self.chance(30) {
                    let (c, v) = (self.cond_expr(), self.money_expr());
                    self.w(&format!(" 例外 若 {c} 则 {v}"));
                }
                self.w(";");
                if self.chance(50) {
                    let cap = format!("{}{}", self.number(), self.one(TAME_MONEY_UNITS));
                    self.w(&format!(" 最高不超过 {cap};"));
                }
                self.w(" 一次性 }\n  ");
                self.awards.push(name);
            }
            3 => {
                let e = self.cond_expr();
                self.w(&format!("状态 状态{i}: {e}\n  "));
            }
            _ if self.awards.len() >= 2 => {
                let how = self.one(&["累加", "就高不重复"]);
                let a = self.awards.clone();
                let (x, y) = (a.get(a.len() - 2).cloned(), a.last().cloned());
                // 就高不重复 against what was already received: every kind has `费用` in 元.
                let less = if how == "就高不重复" { " 扣除 费用" } else { "" };
                self.w(&format!(
                    "叠加 叠{i} {how} {{ {}, {} }}{less}\n  ",
                    x.unwrap_or_default(),
                    y.unwrap_or_default()
                ));
            }
            _ => {
                let e = self.money_expr();
                self.w(&format!("令 值{i}: 元 = {e}\n  "));
            }
        }
    }

    fn document_fact(&mut self, i: usize) {
        if self.chance(60) {
            self.citation();
        }
        match self.pick(6) {
            0 => {
                let (a, b, c) = (self.quantity(), self.quantity(), self.quantity());
                self.w(&format!("预算 预算{i} {a} {{ 一 {b}; 二 {c} }}\n"));
            }
            1 => {
                let (a, b) = (self.quantity(), self.expr());
                let how = if self.chance(30) { "约等于" } else { "应等于" };
                self.w(&format!("声明 声明{i} {a} {how} {b}\n"));
            }
            2 => {
                let q = self.quantity();
                if self.chance(30) {
                    let (n, d) = (self.quantity(), self.quantity());
                    self.w(&format!("占比 占比{i} {q} 约等于 {n} ÷ {d}\n"));
                } else {
                    self.w(&format!("占比 占比{i} {q}\n"));
                }
                if self.chance(20) {
                    let day = |g: &mut Self| {
                        let (m, d) = (g.pick(14), g.pick(33));
                        match g.pick(3) {
                            0 => format!("当年{m}月{d}日"),
                            1 => format!("2021年{m}月{d}日"),
                            _ => format!("{m}月{d}日"),
                        }
                    };
                    let (w, r) = (day(self), day(self));
                    self.w(&format!("原文日期 日期{i} {w} 解读为 {r}\n"));
                }
                if self.chance(20) {
                    let rows: Vec<String> = (0..self.pick(4))
                        .map(|j| {
                            let (t, a) = (self.quantity(), self.quantity());
                            format!("行{j} {t} 平均 {a}")
                        })
                        .collect();
                    self.w(&format!("平均数 平均数{i} {{ {} }}\n", rows.join("; ")));
                }
            }
            3 => {
                let (n, e) = (self.name(), self.expr());
                self.w(&format!("令 {n}{i} = {e}\n"));
            }
            4 => {
                let u = self.one(MONEY_UNITS);
                self.w(&format!("参数 参数{i}: {u}\n"));
            }
            _ => {
                let q = self.quantity();
                self.w(&format!("资金池 池{i} {q} 支付 {{ 奖{i} }} 按比例核减 0.01元\n"));
            }
        }
    }

    /// A whole policy.
    pub fn policy(mut self) -> String {
        self.wild = self.chance(35);
        self.budget = if self.wild { 12 } else { 3 };
        if self.chance(85) {
            self.header();
        }
        if self.chance(30) {
            self.w("枚举 级别 有序 { 市级 < 省级 < 国家级 }\n");
        }
        let kind = self.one(KINDS);
        self.subject(kind);
        if self.wild {
            for i in 0..self.pick(4) {
                self.document_fact(i);
            }
        }
        self.w(&format!("对于 {kind} {{\n  "));
        let rules = 1 + self.pick(8);
        for i in 0..rules {
            self.rule(i);
        }
        self.w("}\n");
        self.out
    }

    /// The names of the subject's fields written so far (for data).
    pub fn kind_of(text: &str) -> Option<&str> {
        KINDS.iter().copied().find(|k| text.contains(&format!("主体 {k} {{")))
    }
}

/// Checks, renders, formats and (when it checks without errors) evaluates a policy on a few
/// synthetic subjects. `Err` names an internal error or a broken promise: a label outside the
/// text, a formatter that fails its own check or is not idempotent, a report that fails.
pub fn exercise(text: &str) -> Result<(), String> {
    use std::collections::BTreeMap;
    use zhengce::diagnostics::render::{Format, HumanStyle, render};
    use zhengce::diagnostics::{Code, Lang};
    use zhengce::source::SourceFile;

    let file = SourceFile::new("gen.zc", text);
    let diags = zhengce::check::check_sources(std::slice::from_ref(&file));
    for d in diags.iter() {
        if d.code == Code::Internal {
            return Err(format!("internal error: {d:?}"));
        }
        for l in &d.labels {
            let s = l.loc.span;
            if l.loc.file.name == "gen.zc"
                && (s.start > s.end
                    || s.end > text.len()
                    || !text.is_char_boundary(s.start)
                    || !text.is_char_boundary(s.end))
            {
                return Err(format!("label {s:?} outside the text: {d:?}"));
            }
        }
    }
    let has_errors = diags.has_errors();
    let sorted = diags.sorted();
    for (format, lang) in
        [(Format::Plain, Lang::Zh), (Format::Human, Lang::En), (Format::Json, Lang::Zh)]
    {
        let _ = render(&sorted, lang, format, &HumanStyle::default());
    }
    match zhengce::format::format(&file) {
        Ok(formatted) => {
            let again = SourceFile::new("gen.zc", formatted.as_str());
            match zhengce::format::format(&again) {
                Ok(twice) if twice == formatted => {}
                Ok(_) => return Err("formatting is not idempotent".into()),
                Err(d) => return Err(format!("formatted text does not format again: {d:?}")),
            }
        }
        Err(d) if d.iter().any(|d| d.code == Code::FormatCheck) => {
            return Err(format!("the formatter failed its own check: {d:?}"));
        }
        Err(_) => {}
    }
    if has_errors {
        return Ok(());
    }
    let (Some(policy), _) = zhengce::parser::parse(&file) else {
        return Err("a policy without errors does not parse".into());
    };
    let Some(kind) = Gen::kind_of(text) else { return Ok(()) };
    let Ok(schema) = zhengce::data::Schema::from_policy(&policy, kind) else { return Ok(()) };
    let plan = zhengce::synth::Plan::new(&schema, &[2023, 2024], 7);
    let mut csv = plan.headers().join(",");
    csv.push('\n');
    for n in 0..8 {
        let row: Vec<String> = plan.row(n).iter().map(zhengce::synth::Cell::csv_text).collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    let ds = match zhengce::data::load_dataset("gen.csv", csv.as_bytes(), &schema) {
        Ok(ds) => ds,
        Err(d) if d.iter().any(|d| d.code == Code::Internal) => {
            return Err(format!("internal error loading: {d:?}"));
        }
        Err(_) => return Ok(()),
    };
    let (checked, _) = zhengce::checker::check(&policy);
    let params: BTreeMap<_, _> =
        ds.param_names.iter().cloned().zip(ds.params.iter().cloned()).collect();
    let year = zhengce::eval::latest_year(&ds.records, &params).or(Some(2024));
    let subject = checked.scope.subject_names.get(kind).copied();
    let ev = zhengce::eval::Evaluator::new(&policy, &checked, subject, params);
    let mut outcomes = Vec::new();
    for record in &ds.records {
        let (o, d) = ev.evaluate(record, year);
        if let Some(d) = d.iter().find(|d| d.code == Code::Internal) {
            return Err(format!("internal error evaluating: {d:?}"));
        }
        let _ = render(&d.sorted(), Lang::Zh, Format::Human, &HumanStyle::default());
        outcomes.push(o);
    }
    let r = zhengce::report::Report {
        policy: &policy,
        checked: &checked,
        outcomes: &outcomes,
        stacks: &[],
    };
    let _ = r.overflows();
    let _ = zhengce::report::json(&r);
    let _ = zhengce::report::text(&r, Lang::Zh);
    let _ = zhengce::report::markdown(&r, Lang::En);
    let _ = zhengce::report::csv(&r, &[]);
    Ok(())
}
