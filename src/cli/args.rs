//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostics::Lang;
use crate::diagnostics::render::Format;

/// zhengce (政策): check policy files written in the zhengce policy language.
#[derive(Debug, Parser)]
#[command(name = "zhengce", version)]
pub struct Cli {
    /// Language of diagnostics and of reports (the words of eval, simulate, diff and test; rule
    /// names stay as the policy writes them) (诊断与报告的语言) [default: from LC_ALL,
    /// LC_MESSAGES or LANG, zh for C and POSIX; else zh]
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,

    /// How diagnostics are shown (输出格式)
    #[arg(long, global = true, value_enum, value_name = "FORMAT", default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,

    /// Change a size limit for this run (调整上限): `data-file=512MiB`, `line=4MiB` (a CSV line)
    /// or `workbook=4GiB` (an xlsx file inflated); see SECURITY.md
    #[arg(long = "limit", global = true, value_name = "NAME=SIZE")]
    pub limits: Vec<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policy files and report every problem found (检查政策文件)
    Check(CheckArgs),
    /// Explain a diagnostic code, e.g. `zhengce explain-code ZC0201` (解释诊断代码)
    ExplainCode(ExplainCodeArgs),
    /// Evaluate policies against subject data: every outcome, with reasons (按数据评估政策)
    Eval(EvalArgs),
    /// How one value of one subject was derived, as a tree (解释计算过程)
    Explain(ExplainArgs),
    /// What data a policy expects: each subject kind's fields, types, units and values (数据格式)
    Schema(SchemaArgs),
    /// Write an empty data file to fill in, with units in the headers (数据模板)
    Template(TemplateArgs),
    /// Run each policy's test cases and compare its outcome snapshots (运行测试用例并比对快照)
    Test(TestArgs),
    /// Write a synthetic register for a policy's subject kind, deterministic for a seed (生成测算用登记簿)
    Gen(GenArgs),
    /// A policy over a whole register: totals, recipients, distribution, budgets and pools (测算)
    Simulate(SimulateArgs),
    /// Two versions of a policy on the same register: what changes for whom, and the cost (政策对比)
    Diff(DiffArgs),
    /// Lay policy files out in the one canonical layout, keeping comments (格式化政策文件)
    Fmt(FmtArgs),
    /// A language server for editors, over stdin and stdout (编辑器语言服务)
    Lsp,
    /// One SQL query computing a subject kind's rules from a table of the register (生成 SQL 查询)
    Sql(SqlArgs),
    /// The officer's workbench: a web page on this machine over a folder of policies (政策工作台)
    Serve(ServeArgs),
}

/// Arguments of `zhengce sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The policy file (政策文件)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The subject kind (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: String,
    /// The SQL dialect (SQL 方言)
    #[arg(long, value_enum)]
    pub dialect: SqlDialect,
    /// The table holding the register, with the CSV register's columns (登记簿所在的表)
    #[arg(long, value_name = "NAME", default_value = "register")]
    pub table: String,
    /// The evaluation year [default: with --data, the latest year in the data] (评估年度)
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// A parameter the document leaves open, e.g. `--param 优秀分数线=90分` (参数取值)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// A register (or a sample of it) whose parameters and latest year the query takes, as `eval` would (样例登记簿)
    #[arg(long, value_name = "REGISTER")]
    pub data: Option<PathBuf>,
    /// The table of a member kind the rules aggregate over, e.g. `--member-table 转化项目=projects` [default: the kind's name] (成员数据所在的表)
    #[arg(long = "member-table", value_name = "KIND=TABLE")]
    pub member_tables: Vec<String>,
    /// Write the query to this file instead of standard output (输出文件)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--dialect` of `sql`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SqlDialect {
    /// DuckDB
    Duckdb,
    /// PostgreSQL
    Postgres,
    /// Spark SQL (Databricks, Hive)
    Spark,
}

/// Arguments of `zhengce serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder of policies; nothing outside it is read or written [default: policies] (政策目录)
    #[arg(value_name = "DIR", default_value = "policies")]
    pub dir: PathBuf,
    /// The port; 0 for any free one (端口)
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on; any but a loopback one needs the token printed at start (监听地址)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
}

/// Arguments of `zhengce diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The policy as it is (旧政策)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The policy as changed (新政策)
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// The register: a data file (CSV, xlsx, TOML or JSON) (登记簿)
    #[arg(long, value_name = "REGISTER")]
    pub data: PathBuf,
    /// The subject kind the data holds, when the policies have several (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// The evaluation year [default: the latest year in the data] (评估年度)
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// A parameter the documents leave open, e.g. `--param 优秀分数线=90分` (参数取值)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Report format (报告格式)
    #[arg(long, value_enum, default_value_t = SimFormat::Text)]
    pub format: SimFormat,
    /// Write the report to a file instead of standard output; required for xlsx (输出文件)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// One subject's working in both versions side by side, by id, each value that differs
    /// marked (text or JSON) (一个主体在两个版本下的计算过程对照)
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
}

/// Arguments of `zhengce simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The policy file (政策文件)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The register: a data file (CSV, xlsx, TOML or JSON) (登记簿)
    #[arg(long, value_name = "REGISTER")]
    pub data: PathBuf,
    /// The subject kind the data holds, when the policy has several (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// The evaluation year [default: the latest year in the data] (评估年度)
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// A parameter the document leaves open, e.g. `--param 优秀分数线=90分`; a number alone is read in the parameter's declared unit, a unit of another kind is refused (参数取值)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Report format (报告格式)
    #[arg(long, value_enum, default_value_t = SimFormat::Text)]
    pub format: SimFormat,
    /// Write the report to a file instead of standard output; required for xlsx (输出文件)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw the distribution and the award totals, `.svg` or `.html` (图表文件)
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// How many distinct totals a pass keeps exactly before quantiles are narrowed down over
    /// further passes (for tests)
    #[arg(long, hide = true, value_name = "N", default_value_t = crate::simulate::quantile::DEFAULT_BOUND)]
    pub distinct_bound: usize,
    /// Simulate a year outside the policy's validity period all the same (ZC0707); without it
    /// such a year is refused (ZC0711) (有效期外照算)
    #[arg(long)]
    pub outside_validity: bool,
}

/// `--format` of `simulate` and `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    /// For the terminal (终端)
    Text,
    /// JSON with a stable schema; money as exact decimal strings in 元
    Json,
    /// Markdown tables
    Markdown,
    /// Excel workbook (needs `--out FILE.xlsx`)
    Xlsx,
}

/// Arguments of `zhengce gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// The policy file (政策文件)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The subject kind, when the policy has several (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// How many subjects (主体个数)
    #[arg(long, value_name = "N")]
    pub rows: u64,
    /// The seed: the same seed gives the same register (随机种子)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Years to give a column each, for yearly fields [default: the last three years of the
    /// policy's validity period, else 2022,2023,2024] (按年字段的年份)
    #[arg(long, value_delimiter = ',', value_name = "YEARS")]
    pub years: Vec<u16>,
    /// The register to write, `.csv`, `.xlsx` or `.parquet` (an extension naming another format is refused) [default: CSV to standard output] (输出文件)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// For a kind with member kinds (`主体 合同 属于 企业`): the average number of members of
    /// each kind per subject, written beside the CSV register as `NAME.合同.csv`, grouped by
    /// owner in the register's order [default: 3] (每个主体的平均成员数)
    #[arg(long, value_name = "N")]
    pub members: Option<u64>,
}

/// Arguments of `zhengce fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Policy files, or directories searched recursively for `.zc` files (政策文件或目录)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing: name the files that would change, with a diff, and exit 1 if any would
    /// (只检查，不写入)
    #[arg(long)]
    pub check: bool,
}

/// Arguments of `zhengce test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy files, or directories searched recursively for `.zc` files [default: policies]
    /// (政策文件或目录)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write or update the outcome snapshots `NAME.snap.json` instead of comparing them (更新快照)
    #[arg(long)]
    pub bless: bool,
    /// Also list the rules and branches (each condition, cap, exception, tier) that no case or
    /// snapshot exercises (列出测试未覆盖的规则和分支)
    #[arg(long)]
    pub coverage: bool,
    /// With `--coverage`: fail when fewer than this percentage of the branches are exercised,
    /// e.g. `--min 90` (覆盖率下限，百分比)
    #[arg(long, value_name = "PCT", requires = "coverage")]
    pub min: Option<rust_decimal::Decimal>,
    /// Run the cases, snapshot and sample data of this version of the policy (`NAME.test.toml`,
    /// `NAME.snap.json` beside it) on the policies given: what a changed copy moves
    /// (用原版的用例和快照检验改过的副本)
    #[arg(long, value_name = "ORIGINAL", conflicts_with = "bless")]
    pub against: Option<PathBuf>,
    /// Run the cases of this test file instead of `NAME.test.toml` (its data paths relative to
    /// it): each expectation the policy no longer meets is listed, expected beside obtained
    /// (用这个用例文件检验政策)
    #[arg(long, value_name = "FILE")]
    pub tests: Option<PathBuf>,
}

/// Arguments of `zhengce schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The policy file (政策文件)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Only this subject kind (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// Output format (输出格式)
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    pub format: SchemaFormat,
}

/// `--format` of `schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    /// For the terminal (终端)
    Text,
    /// JSON
    Json,
}

/// Arguments of `zhengce template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The policy file (政策文件)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The subject kind, when the policy has several; without it, an xlsx template has a sheet
    /// per kind (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// Years to give a column each, for yearly fields; none means long form with a year column
    #[arg(long, value_delimiter = ',', value_name = "YEARS")]
    pub years: Vec<u16>,
    /// File format (文件格式)
    #[arg(long, value_enum, default_value_t = TemplateFormat::Csv)]
    pub format: TemplateFormat,
    /// Write the template to a file instead of standard output; required for xlsx (输出文件)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--format` of `template`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// CSV (UTF-8)
    Csv,
    /// TOML
    Toml,
    /// Excel workbook
    Xlsx,
}

/// Arguments of `zhengce explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The policy file (政策文件)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The data file [default: the sample data beside the policy] (数据文件)
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// The subject, by id; not needed for the document's own figures (budgets, their parts,
    /// stated amounts, matching) (主体标识)
    #[arg(long, value_name = "ID")]
    pub subject: Option<String>,
    /// The value to explain: a rule or named value of the policy, or one of the document's own
    /// figures (`省级专项资金.科技创新`) (要解释的名称)
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The subject kind the data holds, when the policy has several (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// The evaluation year [default: the latest year in the data] (评估年度)
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// A parameter the document leaves open (参数取值)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output format (输出格式)
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// `--format` of `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// An indented tree for the terminal (终端)
    Text,
    /// The same tree as JSON
    Json,
}

/// Arguments of `zhengce eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Policy files, or directories of policies with their sample data (政策文件或目录)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A data file (CSV, xlsx, TOML or JSON) instead of the bundled sample data (数据文件)
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// The subject kind the data holds, when the policy has several (主体类别)
    #[arg(long, value_name = "SUBJECT")]
    pub kind: Option<String>,
    /// Only this subject, by id (只评估此主体)
    #[arg(long, value_name = "ID")]
    pub subject: Option<String>,
    /// The evaluation year [default: the latest year in the data] (评估年度)
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// A parameter the document leaves open, e.g. `--param 优秀分数线=90分`; a number alone is read in the parameter's declared unit, a unit of another kind is refused (参数取值)
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Report format (报告格式)
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to a file instead of standard output; required for xlsx (输出文件)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Worker threads for a CSV register streamed into `--out` [default: every core] (线程数)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Only these rules as columns of the CSV report, in this order, e.g. `--columns 补助,合计`,
    /// then the values of the working named (`科技成果转化补助.比例`, see docs/json.md)
    /// [default: every rule reported per subject] (只输出这些列)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Only the subjects that receive an amount above 0 from this award or stacking rule, e.g.
    /// `--only-paid 科技成果转化补助`; alone, those whose total (合计) is above 0 (只列获得者)
    #[arg(long, value_name = "AWARD", num_args = 0..=1, default_missing_value = "")]
    pub only_paid: Option<String>,
    /// The full working: every value the rules name or compute, by name, with margins and
    /// clauses, in the text report and in the JSON reports' `values` (计算过程)
    #[arg(long)]
    pub working: bool,
    /// Exit 1 when any result is 「缺数据」 (a value the data leaves empty left it
    /// undetermined; ZC0708 names the rules): without it such a report exits 0 with the warning
    /// (结果缺数据时以状态 1 退出)
    #[arg(long)]
    pub strict: bool,
    /// Evaluate a year outside the policy's validity period all the same, every outcome marked
    /// (ZC0707); without it such a year is refused (ZC0711) (有效期外照算)
    #[arg(long)]
    pub outside_validity: bool,
    /// Each award's amount in every year of a span and in all, e.g. `--years 2023..2025`
    /// (each year evaluated as `--year` evaluates it); text and JSON reports (分年金额)
    #[arg(long, value_name = "FROM..TO", conflicts_with = "year")]
    pub years: Option<String>,
}

/// `--format` of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For the terminal (终端)
    Text,
    /// JSON with a stable schema; money as exact decimal strings in 元
    Json,
    /// JSON Lines: one line per subject, the object the JSON report has in `subjects`
    Jsonl,
    /// Markdown tables
    Markdown,
    /// One row per subject, the rules as columns
    Csv,
    /// 计算依据: each award of each subject with its amount, clause, quoted sentence, formula
    /// and the values it used (Markdown table)
    Basis,
    /// Excel workbook with the sheets 结果, 合计 and 计算依据 (needs `--out FILE.xlsx`)
    Xlsx,
}

/// Arguments of `zhengce check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Policy files, or directories searched recursively for `.zc` files (政策文件或目录)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `zhengce explain-code`.
#[derive(Debug, Args)]
pub struct ExplainCodeArgs {
    /// A diagnostic code such as `ZC0201` (诊断代码)
    #[arg(value_name = "CODE")]
    pub code: String,
}

/// `--lang`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Chinese (中文)
    Zh,
    /// English (英文)
    En,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// `--error-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// Source snippets with underlined spans, for people (带源码片段，供人阅读)
    Human,
    /// One `FILE:LINE:COL: error[ZC0201]: message` block per diagnostic (每条一段纯文本)
    Plain,
    /// A JSON array, for editors and scripts (JSON 数组，供程序读取)
    Json,
}

impl From<ErrorFormat> for Format {
    fn from(arg: ErrorFormat) -> Format {
        match arg {
            ErrorFormat::Human => Format::Human,
            ErrorFormat::Plain => Format::Plain,
            ErrorFormat::Json => Format::Json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let cli = Cli::try_parse_from(["zhengce", "--lang", "en", "check", "a.zc"]).unwrap();
        assert_eq!(cli.lang, Some(LangArg::En));
        let cli = Cli::try_parse_from(["zhengce", "check", "a.zc", "b", "--error-format", "json"])
            .unwrap();
        assert_eq!(cli.error_format, ErrorFormat::Json);
        assert_eq!(cli.lang, None);
        match cli.command {
            Command::Check(args) => assert_eq!(args.paths, [PathBuf::from("a.zc"), "b".into()]),
            other => panic!("parsed as {other:?}"),
        }
    }
}
