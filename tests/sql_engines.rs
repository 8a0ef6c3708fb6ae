//! `zhengce sql` against real engines: for every bundled subject kind that compiles, a `gen`
//! register is loaded into DuckDB (the Python wheel, driven by `python3`) and PostgreSQL (a
//! throwaway cluster started here from Debian's binaries), the generated query runs, and every
//! cell of every column `zhengce eval --format csv` reports for a rule equals the query's.
//! Spark's query is parsed by sqlglot's Spark dialect. Kinds that have no query in a dialect
//! assert their exact diagnostic, so the test fails when that set changes.
//!
//! Normalisation before comparing (the only one): a number is compared as its decimal text
//! with trailing zeros after the point removed (`620.0000` = `620`, the query keeps the
//! register's scale, `eval` writes the shortest form); `缺数据` (eval's missing value) is the
//! empty cell (SQL `NULL`).
//!
//! A test whose engine is absent prints SKIP and passes, unless `ZHENGCE_REQUIRE_SQL=1`, which
//! makes it fail. `ZHENGCE_SQL_ROWS` sets the register's size (2,000 by default; 100,000 for
//! the target run).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

const Z: &str = env!("CARGO_BIN_EXE_zhengce");

/// The bundled kinds whose query runs, with the rows `gen` can make (a kind keyed by an
/// enumeration has at most as many subjects as it has values).
const COMPILED: &[(&str, &str, u64)] = &[
    ("zezhou", "企业", u64::MAX),
    ("zezhou", "担保业务", u64::MAX),
    ("zezhou", "担保机构", u64::MAX),
    ("zezhou", "县", u64::MAX),
    ("provincial", "县", u64::MAX),
    ("taiyuan", "市", u64::MAX),
    ("taiyuan", "基金", u64::MAX),
    ("taiyuan", "贷款", u64::MAX),
    ("xinjiang", "企业", u64::MAX),
    ("xinjiang", "县", u64::MAX),
    ("xinjiang", "项目", u64::MAX),
    // Scored with a quotient (到位率: 实际到位 / 计划到位, to 28 places).
    ("xinjiang", "考核项目", u64::MAX),
    ("yangcheng", "支出", u64::MAX),
    // With its stacking rule: zezhou's 专精特新奖励 computed beside it, the higher paid.
    ("yangcheng", "企业", u64::MAX),
    ("taiyuan", "区县", 14),
    // Aggregations over its 转化项目 (a count and two sums, each with a condition), the members
    // read from their own table.
    ("zezhou", "转化企业", u64::MAX),
    // The member kind on its own: its rules over a register of projects.
    ("zezhou", "转化项目", u64::MAX),
];

/// The member kinds each kind's rules aggregate over, read from the file `gen` writes beside
/// the register (`NAME.转化项目.csv`).
const MEMBERS: &[(&str, &str, &[&str])] = &[("zezhou", "转化企业", &["转化项目"])];

/// The member kinds `kind` aggregates over, each with the file beside `csv` that holds them.
fn members_of(p: &str, kind: &str, csv: &Path) -> Vec<(&'static str, PathBuf)> {
    let stem = csv.file_stem().unwrap().to_string_lossy().into_owned();
    MEMBERS
        .iter()
        .filter(|(mp, mk, _)| *mp == p && *mk == kind)
        .flat_map(|(_, _, ms)| ms.iter())
        .map(|m| (*m, csv.with_file_name(format!("{stem}.{m}.csv"))))
        .collect()
}

fn require() -> bool {
    std::env::var("ZHENGCE_REQUIRE_SQL").is_ok_and(|v| v == "1")
}

fn skip(what: &str) {
    assert!(!require(), "FAIL: {what} is absent and ZHENGCE_REQUIRE_SQL=1");
    println!("SKIP: {what} is absent");
}

fn rows() -> u64 {
    std::env::var("ZHENGCE_SQL_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sql_engines").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let o = cmd.output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn policy(p: &str) -> String {
    // A path: a test policy where it lies.
    if p.contains('/') {
        return format!("{}/{p}", env!("CARGO_MANIFEST_DIR"));
    }
    // `zezhou_flat`: the frozen flat copy of zezhou in tests/fixtures.
    let dir = if p.ends_with("_flat") { "tests/fixtures" } else { "policies" };
    format!("{}/{dir}/{p}.zc", env!("CARGO_MANIFEST_DIR"))
}

/// A register of `n` rows for the kind, and `eval --format csv`'s report of it.
fn register(d: &Path, p: &str, kind: &str, n: u64) -> (PathBuf, String) {
    let csv = d.join(format!("{p}_{kind}.csv"));
    let n = n.to_string();
    let (ok, _, err) = run(Command::new(Z)
        .args(["gen", &policy(p), "--kind", kind, "--rows", &n, "--out"])
        .arg(&csv));
    assert!(ok, "gen {p} {kind}: {err}");
    let (ok, out, err) = run(Command::new(Z)
        .args(["eval", &policy(p), "--kind", kind, "--format", "csv", "--data"])
        .arg(&csv));
    assert!(!out.is_empty(), "eval {p} {kind}: {ok} {err}");
    (csv, out)
}

fn sql(p: &str, kind: &str, dialect: &str, table: &str, data: &Path) -> Result<String, String> {
    sql_with(p, kind, dialect, table, data, &[])
}

/// [`sql`] with the members' tables (`--member-table KIND=TABLE`).
fn sql_with(
    p: &str,
    kind: &str,
    dialect: &str,
    table: &str,
    data: &Path,
    members: &[(&str, String)],
) -> Result<String, String> {
    let mut cmd = Command::new(Z);
    cmd.args(["sql", &policy(p), "--kind", kind, "--dialect", dialect, "--table", table]);
    for (m, t) in members {
        cmd.arg("--member-table").arg(format!("{m}={t}"));
    }
    let (ok, out, err) =
        run(cmd.args(["--error-format", "plain", "--lang", "en", "--data"]).arg(data));
    if ok { Ok(out) } else { Err(err) }
}

/// DuckDB's reading of a CSV file as a table of texts.
fn duck_table(csv: &Path) -> String {
    format!("read_csv('{}', all_varchar = true, header = true)", csv.display())
}

fn norm(cell: &str) -> String {
    let c = cell.trim();
    if c == "缺数据" || c == "missing" {
        return String::new();
    }
    let numeric = !c.is_empty()
        && c.trim_start_matches('-').chars().all(|ch| ch.is_ascii_digit() || ch == '.');
    if numeric && c.contains('.') {
        return c.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    c.to_string()
}

fn table(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
}

/// Every column of `eval`'s report that the query also has, cell for cell; returns how many
/// cells were compared.
fn compare(what: &str, eval: &str, got: &str) -> usize {
    // eval's last row is the column totals (`合计`), which the query does not compute.
    let mut e = table(eval);
    if e.last().is_some_and(|r| r[0].starts_with("合计")) {
        e.pop();
    }
    let mut g = table(got);
    // The query orders by the id's text, eval keeps the register's order.
    e[1..].sort();
    g[1..].sort();
    assert_eq!(e.len(), g.len(), "{what}: rows");
    let (eh, gh) = (&e[0], &g[0]);
    let mut cells = 0;
    let mut shared = 0;
    for (ei, name) in eh.iter().enumerate() {
        let Some(gi) = gh.iter().position(|h| h == name) else { continue };
        shared += 1;
        for (row, (er, gr)) in e.iter().zip(&g).enumerate().skip(1) {
            assert_eq!(
                norm(&er[ei]),
                norm(&gr[gi]),
                "{what}: row {row} ({}), column `{name}`",
                er[0]
            );
            cells += 1;
        }
    }
    assert!(shared >= 2, "{what}: only {shared} shared columns: {eh:?} / {gh:?}");
    cells
}

const DUCK: &str = r#"
import sys, csv, decimal, duckdb
res = duckdb.connect().execute(open(sys.argv[1], encoding="utf-8").read())
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow([d[0] for d in res.description])
for row in res.fetchall():
    w.writerow(["" if v is None else format(v, "f") if isinstance(v, decimal.Decimal) else str(v) for v in row])
"#;

fn duckdb_present() -> bool {
    Command::new("python3").args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn duckdb_gives_evals_cells_for_every_compiled_kind() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("duckdb");
    let script = d.join("run.py");
    std::fs::write(&script, DUCK).unwrap();
    for &(p, kind, max) in COMPILED {
        let (csv, eval) = register(&d, p, kind, rows().min(max));
        let members: Vec<(&str, String)> =
            members_of(p, kind, &csv).into_iter().map(|(m, f)| (m, duck_table(&f))).collect();
        let q = sql_with(p, kind, "duckdb", &duck_table(&csv), &csv, &members)
            .unwrap_or_else(|e| panic!("{p} {kind}: {e}"));
        let file = d.join(format!("{p}_{kind}.sql"));
        std::fs::write(&file, &q).unwrap();
        let (ok, out, err) = run(Command::new("python3").arg(&script).arg(&file));
        assert!(ok, "duckdb {p} {kind}: {err}");
        let n = compare(&format!("duckdb {p} {kind}"), &eval, &out);
        println!("duckdb {p} {kind}: {n} cells equal");
    }
}

/// A PostgreSQL cluster in a temporary directory, on a socket there; stopped when dropped.
struct Pg {
    bin: PathBuf,
    dir: PathBuf,
    /// A port of its own (its socket's name): a cluster already running on the machine, on
    /// the default port, would keep this one from starting.
    port: String,
}

impl Pg {
    fn start(dir: &Path) -> Option<Pg> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists())?;
        let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
        let port = (20_000 + std::process::id() % 20_000).to_string();
        let pg = Pg { bin, dir: dir.to_path_buf(), port };
        if root {
            Command::new("chown").args(["-R", "postgres"]).arg(dir).status().ok()?;
        }
        let data = dir.join("data");
        let ok =
            pg.as_owner(root, "initdb", &["-A", "trust", "-U", "postgres", "-D", data.to_str()?]);
        let sock = format!("-k {} -c listen_addresses='' -p {}", dir.display(), pg.port);
        let log = dir.join("log");
        let (d, l) = (data.to_str()?, log.to_str()?);
        let started =
            ok && pg.as_owner(root, "pg_ctl", &["-D", d, "-o", &sock, "-l", l, "-w", "start"]);
        started.then_some(pg)
    }

    fn as_owner(&self, root: bool, tool: &str, args: &[&str]) -> bool {
        let exe = self.bin.join(tool);
        let mut cmd = if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        cmd.args(args).output().is_ok_and(|o| o.status.success())
    }

    /// A table `t` of texts holding the CSV file `csv`, its columns named by its header.
    fn load(&self, t: &str, csv: &Path) {
        let header = table(&std::fs::read_to_string(csv).unwrap()).remove(0);
        let cols: Vec<String> =
            header.iter().map(|h| format!("\"{}\" text", h.replace('"', "\"\""))).collect();
        let create = format!("DROP TABLE IF EXISTS {t}; CREATE TABLE {t} ({});", cols.join(", "));
        let (ok, _, err) = self.psql(&["-c", &create]);
        assert!(ok, "{err}");
        let copy = format!("\\copy {t} FROM '{}' WITH (FORMAT csv, HEADER true)", csv.display());
        let (ok, _, err) = self.psql(&["-c", &copy]);
        assert!(ok, "{err}");
    }

    fn psql(&self, args: &[&str]) -> (bool, String, String) {
        run(Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-p", &self.port, "-h"])
            .arg(&self.dir)
            .args(args))
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
        let data = self.dir.join("data");
        self.as_owner(root, "pg_ctl", &["-D", &data.to_string_lossy(), "-m", "fast", "stop"]);
    }
}

#[test]
fn postgres_gives_evals_cells_for_every_compiled_kind() {
    let d = dir("postgres");
    let Some(pg) = Pg::start(&d) else { return skip("PostgreSQL (/usr/lib/postgresql/*/bin)") };
    for &(p, kind, max) in COMPILED {
        let (csv, eval) = register(&d, p, kind, rows().min(max));
        let t = format!("reg_{}", COMPILED.iter().position(|c| c.0 == p && c.1 == kind).unwrap());
        pg.load(&t, &csv);
        let mut members = Vec::new();
        for (i, (m, file)) in members_of(p, kind, &csv).into_iter().enumerate() {
            let mt = format!("{t}_m{i}");
            pg.load(&mt, &file);
            members.push((m, mt));
        }
        let q = sql_with(p, kind, "postgres", &t, &csv, &members)
            .unwrap_or_else(|e| panic!("{p} {kind}: {e}"));
        let file = d.join(format!("{p}_{kind}.sql"));
        std::fs::write(&file, &q).unwrap();
        let (ok, out, err) = pg.psql(&["--csv", "-f", file.to_str().unwrap()]);
        assert!(ok, "postgres {p} {kind}: {err}");
        let n = compare(&format!("postgres {p} {kind}"), &eval, &out);
        println!("postgres {p} {kind}: {n} cells equal");
    }
}

#[test]
fn spark_sql_parses_with_sqlglot_spark_dialect() {
    let present = Command::new("python3")
        .args(["-c", "import sqlglot"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        return skip("sqlglot (python3 -c 'import sqlglot')");
    }
    let d = dir("spark");
    for &(p, kind, max) in COMPILED {
        if SPARK_REFUSED.contains(&(p, kind)) {
            continue;
        }
        let (csv, _) = register(&d, p, kind, 20.min(max));
        let q =
            sql(p, kind, "spark", "register", &csv).unwrap_or_else(|e| panic!("{p} {kind}: {e}"));
        let file = d.join(format!("{p}_{kind}.sql"));
        std::fs::write(&file, &q).unwrap();
        let check = "import sys, sqlglot; sqlglot.parse_one(open(sys.argv[1], encoding='utf-8').read(), read='spark', error_level=sqlglot.ErrorLevel.RAISE)";
        let (ok, _, err) = run(Command::new("python3").args(["-c", check]).arg(&file));
        assert!(ok, "spark {p} {kind}: {err}");
    }
}

/// The kinds that have no Spark query: a quotient's 28 places need exact integer division
/// beyond 19 digits, which Spark's `div` (a `BIGINT`) does not give.
const SPARK_REFUSED: &[(&str, &str)] = &[("xinjiang", "考核项目")];

/// The kinds that have no query in a dialect: the exact diagnostic, so that the set is known.
/// xinjiang's 考核项目 scores with a division (a quotient to 28 places): DuckDB and PostgreSQL
/// compute it exactly, Spark SQL is refused.
#[test]
fn kinds_without_a_query_say_why() {
    let d = dir("refused");
    let (csv, _) = register(&d, "xinjiang", "考核项目", 50);
    for &(p, kind) in SPARK_REFUSED {
        let err = sql(p, kind, "spark", "register", &csv)
            .err()
            .unwrap_or_else(|| panic!("{p} {kind} has a Spark query"));
        assert!(
            err.contains(
                "error[ZC1002]: the rule `绩效评价` uses a division (a quotient to 28 places), \
                 which Spark SQL cannot compute exactly"
            ),
            "{err}"
        );
        for dialect in ["duckdb", "postgres"] {
            let q = sql(p, kind, dialect, "register", &csv);
            assert!(q.is_ok(), "{p} {kind} {dialect}: {q:?}");
        }
    }
}

/// A register of xinjiang's 考核项目 in which every item but 到位率 (3分 × 实际到位 / 计划到位,
/// the ratio taken between 0 and 1) and 到位时效 (1分 for 不及时但未影响进度) scores 0 unless
/// a row says otherwise: the header `gen` writes, each row its overrides of these defaults.
fn scoring_register(d: &Path, rows: &[(&str, &[(&str, &str)])]) -> PathBuf {
    let (gen_csv, _) = register(d, "xinjiang", "考核项目", 2);
    let header = table(&std::fs::read_to_string(&gen_csv).unwrap()).remove(0);
    let default = |h: &str| -> String {
        let name = h.split('(').next().unwrap_or(h);
        match name {
            "到位时效" => "不及时但未影响进度".into(),
            // 资金使用 7分 less a 7分 deduction: 0.
            "虚列套取扣分" => "7".into(),
            n if h.contains("(%)") || h.contains("(分)") || n.ends_with("到位") => "0".into(),
            _ => "否".into(),
        }
    };
    let csv = d.join("hand.csv");
    let mut w = csv::Writer::from_path(&csv).unwrap();
    w.write_record(&header).unwrap();
    for (id, over) in rows {
        let cells: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let name = h.split('(').next().unwrap_or(h);
                match over.iter().find(|(k, _)| *k == name) {
                    _ if i == 0 => (*id).to_string(),
                    Some((_, v)) => (*v).to_string(),
                    None => default(h),
                }
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
    csv
}

/// The quotient to rust_decimal's last place, worked out by hand, in DuckDB: 1/3 is
/// 0.3333333333333333333333333333 (28 places), ×3分 0.9999999999999999999999999999, +1分;
/// 2/3 rounds up at the 28th place (…6667), so 3 × it is 2.0000000000000000000000000001;
/// 1/2^29 = 0.00000000186264514923095703125 has 29 places and its tie rounds to the even
/// …0312, 3/2^29 = …37109375 to the even …0938 (×3: …0936 and …2814); 5/2 is taken as 1
/// (3分); with 项目决策's 20分 first, 20 + 1.9999999999999999999999999999 needs 30 digits,
/// more than 96 bits hold, and rounds at the 27th place to 22. Each is eval's cell too.
#[test]
fn duckdb_hand_computed_quotients() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("quotients");
    let all_yes: &[(&str, &str)] = &[
        ("实际到位", "1"),
        ("计划到位", "3"),
        ("设有目标", "是"),
        ("目标明确", "是"),
        ("目标细化", "是"),
        ("目标量化", "是"),
        ("有资金管理办法", "是"),
        ("办法健全规范", "是"),
        ("因素全面合理", "是"),
        ("符合分配办法", "是"),
        ("分配公平合理", "是"),
    ];
    let rows: &[(&str, &[(&str, &str)])] = &[
        ("三分之一", &[("实际到位", "1"), ("计划到位", "3")]),
        ("三分之二", &[("实际到位", "2"), ("计划到位", "3")]),
        ("偶数舍入", &[("实际到位", "0.000001"), ("计划到位", "536.870912")]),
        ("奇数进位", &[("实际到位", "0.000003"), ("计划到位", "536.870912")]),
        ("超过计划", &[("实际到位", "5"), ("计划到位", "2")]),
        ("未到位", &[("实际到位", "0"), ("计划到位", "2")]),
        ("加满决策", all_yes),
    ];
    let csv = scoring_register(&d, rows);
    let table = format!("read_csv('{}', all_varchar = true, header = true)", csv.display());
    let q = sql("xinjiang", "考核项目", "duckdb", &table, &csv).unwrap();
    let (ok, out, err) = duckdb_query(&d, &q);
    assert!(ok, "{err}");
    let t = table_of(&out);
    let cell = |id: &str| norm(&t[&(id.to_string(), "绩效评价".to_string())]);
    assert_eq!(cell("三分之一"), "1.9999999999999999999999999999");
    assert_eq!(cell("三分之二"), "3.0000000000000000000000000001");
    assert_eq!(cell("偶数舍入"), "1.0000000055879354476928710936");
    assert_eq!(cell("奇数进位"), "1.0000000167638063430786132814");
    assert_eq!(cell("超过计划"), "4");
    assert_eq!(cell("未到位"), "1");
    assert_eq!(cell("加满决策"), "22");
    assert_eq!(norm(&t[&("加满决策".to_string(), "绩效档次".to_string())]), "差");
    let (_, eval, err) = run(Command::new(Z)
        .args(["eval", &policy("xinjiang"), "--kind", "考核项目", "--format", "csv", "--data"])
        .arg(&csv));
    assert!(!eval.is_empty(), "{err}");
    assert_eq!(compare("duckdb hand-made xinjiang 考核项目", &eval, &out), 7 * 3);
}

/// A divisor of 0, which `eval` reports (`ZC0701`), stops the query with `ZC1004` and the
/// subject's id, never a cell of its own.
#[test]
fn duckdb_stops_at_a_division_by_zero() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("divide-by-zero");
    let csv = scoring_register(
        &d,
        &[("有计划", &[("实际到位", "1"), ("计划到位", "4")]), ("零计划", &[("实际到位", "1")])],
    );
    let table = format!("read_csv('{}', all_varchar = true, header = true)", csv.display());
    let q = sql("xinjiang", "考核项目", "duckdb", &table, &csv).unwrap();
    let (ok, out, err) = duckdb_query(&d, &q);
    assert!(!ok, "{out}");
    assert!(err.contains("ZC1004 subject 零计划: a division by zero"), "{err}");
}

/// Figures worked out by hand from zezhou's 二(一)3 and 二(二)6, in DuckDB: 20 元/㎡ for a
/// 市级 incubator or above, 10 元/㎡ more from 省级; 30% of the cost of a 全县 transfer capped at
/// 50万元, 20% of a 市及市外 one capped at 30万元; a missing cost gives no amount (NULL).
#[test]
fn duckdb_hand_computed_zezhou_rows() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("hand");
    // The frozen flat copy of zezhou, whose 企业 row holds 二(二)6's project (the bundled policy
    // now pays it per 转化项目, a member kind). The parameters file `gen` writes beside its
    // register.
    let (gen_csv, _) = register(&d, "zezhou_flat", "企业", 3);
    let header = std::fs::read_to_string(&gen_csv).unwrap().lines().next().unwrap().to_string();
    let csv = d.join("hand.csv");
    let rows = [
        "甲,国家级,,,31,0,0,0,是,市及市外,53500.61,市级专精特新,2022,0,,0",
        "乙,市级,,,953,0,0,0,是,全县,2000000,市级专精特新,2022,0,,0",
        "丙,省级,,,100,0,0,0,是,市及市外,2000000,市级专精特新,2022,0,,0",
        "丁,省级,,,100.5,0,0,0,是,全县,,市级专精特新,2022,0,,0",
        "戊,市级,,,0,0,0,0,否,全县,1000,市级专精特新,2022,0,,0",
    ];
    std::fs::write(&csv, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    std::fs::copy(d.join("zezhou_flat_企业.参数.csv"), d.join("hand.参数.csv")).unwrap();
    let table = format!("read_csv('{}', all_varchar = true, header = true)", csv.display());
    let q = sql("zezhou_flat", "企业", "duckdb", &table, &csv).unwrap();
    let (ok, out, err) = duckdb_query(&d, &q);
    assert!(ok, "{err}");
    let t = table_of(&out);
    let cell = |id: &str, col: &str| norm(&t[&(id.to_string(), col.to_string())]);
    // 二(一)3: 20 × area, and 10 × area more from 省级.
    assert_eq!(cell("甲", "孵化载体补助"), "620");
    assert_eq!(cell("甲", "孵化载体省级以上补助"), "310");
    assert_eq!(cell("乙", "孵化载体补助"), "19060");
    assert_eq!(cell("乙", "孵化载体省级以上补助"), "0");
    assert_eq!(cell("丁", "孵化载体补助"), "2010");
    assert_eq!(cell("丁", "孵化载体省级以上补助"), "1005");
    // 二(二)6: 53,500.61 × 20% = 10,700.122 (no rounding written); 2,000,000 × 30% = 600,000
    // capped at 500,000; 2,000,000 × 20% = 400,000 capped at 300,000; no cost, no amount;
    // a project that does not qualify, 0.
    assert_eq!(cell("甲", "科技成果转化补助"), "10700.122");
    assert_eq!(cell("乙", "科技成果转化补助"), "500000");
    assert_eq!(cell("丙", "科技成果转化补助"), "300000");
    assert_eq!(cell("丁", "科技成果转化补助"), "");
    assert_eq!(cell("戊", "科技成果转化补助"), "0");
    // And eval agrees cell for cell.
    let (_, eval, err) = run(Command::new(Z)
        .args(["eval", &policy("zezhou_flat"), "--kind", "企业", "--format", "csv", "--data"])
        .arg(&csv));
    assert!(!eval.is_empty(), "{err}");
    compare("duckdb hand-made zezhou 企业", &eval, &out);
}

/// A CSV report as a map from (id, column) to cell.
/// Runs query `q` in DuckDB (written to a file in `d`, run by the Python script [`DUCK`]).
fn duckdb_query(d: &Path, q: &str) -> (bool, String, String) {
    let file = d.join("q.sql");
    std::fs::write(&file, q).unwrap();
    let script = d.join("run.py");
    std::fs::write(&script, DUCK).unwrap();
    run(Command::new("python3").arg(&script).arg(&file))
}

fn table_of(text: &str) -> std::collections::BTreeMap<(String, String), String> {
    let t = table(text);
    let mut m = std::collections::BTreeMap::new();
    for row in &t[1..] {
        for (h, c) in t[0].iter().zip(row) {
            m.insert((row[0].clone(), h.clone()), c.clone());
        }
    }
    m
}

/// A subject the interpreter follows back through the years stops the query with `ZC1004`
/// and its id, never a guessed cell: zezhou's 县 counts a streak (`连续年数`) from the
/// county's own first year of data, and in the table the query runs on 县0000002 gives no
/// yearly value at all (the register `--data` samples for the query's columns gives them).
/// With every county giving some year, the same query runs.
#[test]
fn duckdb_stops_at_a_subject_without_yearly_values() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("followed-back");
    let (csv, _) = register(&d, "zezhou", "县", 3);
    let text = std::fs::read_to_string(&csv).unwrap();
    let t = table(&text);
    let yearly: Vec<bool> = t[0].iter().map(|h| h.contains('[')).collect();
    assert!(yearly.iter().any(|y| *y), "zezhou 县 has yearly columns: {:?}", t[0]);
    let blank = d.join("blank.csv");
    let mut w = csv::Writer::from_path(&blank).unwrap();
    for (i, row) in t.iter().enumerate() {
        let cells: Vec<&str> = row
            .iter()
            .zip(&yearly)
            .map(|(c, y)| if i == 2 && *y { "" } else { c.as_str() })
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
    std::fs::copy(d.join("zezhou_县.参数.csv"), d.join("blank.参数.csv")).unwrap();
    let script = d.join("run.py");
    std::fs::write(&script, DUCK).unwrap();
    for (data, stops) in [(&csv, false), (&blank, true)] {
        let from = format!("read_csv('{}', all_varchar = true, header = true)", data.display());
        let q = sql("zezhou", "县", "duckdb", &from, &csv).unwrap();
        let file = d.join("q.sql");
        std::fs::write(&file, &q).unwrap();
        let (ok, out, err) = run(Command::new("python3").arg(&script).arg(&file));
        if stops {
            assert!(!ok, "{out}");
            assert!(err.contains(&format!("ZC1004 subject {}", t[2][0])), "{err}");
        } else {
            assert!(ok, "{err}");
            assert_eq!(table(&out).len(), 4, "{out}");
        }
    }
}

/// A Parquet register: `--data` reads its columns' names from the file (zezhou's 县 needs its
/// yearly columns for the counties' first years), DuckDB reads the file with every column as
/// text, and the cells are `eval`'s of the same file.
#[test]
fn duckdb_runs_a_query_over_a_parquet_register() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("parquet");
    let file = d.join("县.parquet");
    let (ok, _, err) = run(Command::new(Z)
        .args(["gen", &policy("zezhou"), "--kind", "县", "--rows", "300", "--out"])
        .arg(&file));
    assert!(ok, "{err}");
    let from = format!("(SELECT COLUMNS(*)::VARCHAR FROM read_parquet('{}'))", file.display());
    let q = sql("zezhou", "县", "duckdb", &from, &file).unwrap();
    let (ok, out, err) = duckdb_query(&d, &q);
    assert!(ok, "{err}");
    let (_, eval, err) = run(Command::new(Z)
        .args(["eval", &policy("zezhou"), "--kind", "县", "--format", "csv", "--data"])
        .arg(&file));
    assert!(!eval.is_empty(), "{err}");
    // The id and 发展目标 of 300 counties.
    assert_eq!(compare("duckdb zezhou 县 from Parquet", &eval, &out), 600);
}

/// A policy whose definitions are a quotient and what is worked out from it, with operands
/// of either sign and up to 4 places (what the query reads of a `数` cell).
const QUOTIENTS: &str = r#"政策 "商的精确位数" {
  发文机关: "测试"; 文号: "测〔2024〕1号"; 日期: 2024-01-01
}
主体 账 {
  标识 名称; 名称: 文本
  甲: 数 范围 -100000000000000 至 100000000000000
  乙: 数 范围 -100000000000000 至 100000000000000
}
对于 账 {
  令 商: 数 = 甲 ÷ 乙
  令 和: 数 = 商 + 7
  令 积: 数 = 商 × 3
  令 差: 数 = 商 - 甲
}
"#;

/// Rows for [`QUOTIENTS`]: dividends from 0.0001 to 10^9 and divisors from 0.0001 to 10^7
/// (every quotient below 10^9, within DuckDB's range at 28 places), of either sign, from
/// a fixed sequence; and quotients chosen by hand: 1/3, 100/3 (27 places), 1/2^29 and 3/2^29
/// (ties at the 29th place), a quotient that is whole, and a zero dividend.
fn quotient_rows() -> String {
    let mut s = String::from("名称,甲,乙\n");
    let hand = [
        ("1", "3"),
        ("100", "3"),
        ("1", "536870912"),
        ("3", "536870912"),
        ("-7.5", "2.5"),
        ("0", "7"),
        ("99999.9999", "0.0001"),
    ];
    for (i, (a, b)) in hand.iter().enumerate() {
        s.push_str(&format!("h{i},{a},{b}\n"));
    }
    // xorshift64: the same rows every run.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let text = |m: u64, negative: bool| {
        format!("{}{}.{:04}", if negative { "-" } else { "" }, m / 10_000, m % 10_000)
    };
    let mut rows = 0;
    while rows < 2_000 {
        // Mantissas at 4 places, of 1 to 13 digits and 1 to 11: 甲 below 10^9, so that
        // 商 - 甲 at 28 places stays within DuckDB's 38 digits.
        let (da, db) = (next(13) as u32 + 1, next(11) as u32 + 1);
        let a = next(10u64.pow(da));
        let b = next(10u64.pow(db)).max(1);
        if a / b >= 1_000_000_000 {
            continue;
        }
        let (sa, sb) = (next(2) == 0, next(2) == 0);
        s.push_str(&format!("r{rows},{},{}\n", text(a, sa), text(b, sb)));
        rows += 1;
    }
    s
}

/// The quotient and the sum, product and difference worked out from it, in DuckDB and
/// PostgreSQL, equal `eval`'s cell for cell, to the last of 28 places.
#[test]
fn engines_divide_as_eval_does() {
    let d = dir("quotients-random");
    let zc = d.join("quotients.zc");
    std::fs::write(&zc, QUOTIENTS).unwrap();
    let csv = d.join("quotients.csv");
    std::fs::write(&csv, quotient_rows()).unwrap();
    let (_, eval, err) = run(Command::new(Z)
        .args(["eval", zc.to_str().unwrap(), "--kind", "账", "--format", "csv", "--data"])
        .arg(&csv));
    assert!(!eval.is_empty(), "{err}");
    let query = |dialect: &str, table: &str| {
        let (ok, out, err) = run(Command::new(Z)
            .args(["sql", zc.to_str().unwrap(), "--kind", "账", "--dialect", dialect])
            .args(["--table", table, "--data"])
            .arg(&csv));
        assert!(ok, "{err}");
        out
    };
    // The id and four definitions of 2,007 rows.
    let cells = 2_007 * 5;
    if duckdb_present() {
        let table = format!("read_csv('{}', all_varchar = true, header = true)", csv.display());
        let file = d.join("q.duckdb.sql");
        std::fs::write(&file, query("duckdb", &table)).unwrap();
        let script = d.join("run.py");
        std::fs::write(&script, DUCK).unwrap();
        let (ok, out, err) = run(Command::new("python3").arg(&script).arg(&file));
        assert!(ok, "{err}");
        assert_eq!(compare("duckdb quotients", &eval, &out), cells);
    } else {
        skip("DuckDB (python3 -c 'import duckdb')");
    }
    let Some(pg) = Pg::start(&d) else { return skip("PostgreSQL (/usr/lib/postgresql/*/bin)") };
    let (ok, _, err) = pg.psql(&["-c", "CREATE TABLE q (\"名称\" text, \"甲\" text, \"乙\" text)"]);
    assert!(ok, "{err}");
    let copy = format!("\\copy q FROM '{}' WITH (FORMAT csv, HEADER true)", csv.display());
    let (ok, _, err) = pg.psql(&["-c", &copy]);
    assert!(ok, "{err}");
    let file = d.join("q.pg.sql");
    std::fs::write(&file, query("postgres", "q")).unwrap();
    let (ok, out, err) = pg.psql(&["--csv", "-f", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(compare("postgres quotients", &eval, &out), cells);
}

/// A product of two quotients (56 places before rounding) has no exact form in DuckDB, whose
/// `HUGEINT` holds 38 digits: `ZC1002` there, while PostgreSQL's query gives `eval`'s cells.
#[test]
fn duckdb_refuses_a_product_of_two_quotients() {
    let d = dir("quotient-squared");
    let zc = d.join("squared.zc");
    let policy = QUOTIENTS.replace("  令 差: 数 = 商 - 甲\n", "  令 商积: 数 = 商 × 商\n");
    std::fs::write(&zc, policy).unwrap();
    let csv = d.join("squared.csv");
    std::fs::write(&csv, "名称,甲,乙\na,1,3\nb,2,3\nc,-100,7\n").unwrap();
    let query = |dialect: &str| {
        run(Command::new(Z)
            .args(["sql", zc.to_str().unwrap(), "--kind", "账", "--dialect", dialect])
            .args(["--table", "q", "--error-format", "plain", "--lang", "en", "--data"])
            .arg(&csv))
    };
    let (ok, _, err) = query("duckdb");
    assert!(!ok);
    assert!(
        err.contains(
            "error[ZC1002]: the rule `商积` uses a product of two decimals with more than 38 \
             places between them, which DuckDB cannot compute exactly"
        ),
        "{err}"
    );
    let (ok, q, err) = query("postgres");
    assert!(ok, "{err}");
    let Some(pg) = Pg::start(&d) else { return skip("PostgreSQL (/usr/lib/postgresql/*/bin)") };
    let (ok, _, err) = pg.psql(&["-c", "CREATE TABLE q (\"名称\" text, \"甲\" text, \"乙\" text)"]);
    assert!(ok, "{err}");
    let copy = format!("\\copy q FROM '{}' WITH (FORMAT csv, HEADER true)", csv.display());
    let (ok, _, err) = pg.psql(&["-c", &copy]);
    assert!(ok, "{err}");
    let file = d.join("q.pg.sql");
    std::fs::write(&file, q).unwrap();
    let (ok, out, err) = pg.psql(&["--csv", "-f", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let t = table_of(&out);
    // (1/3)² = 0.3333333333333333333333333333², 56 places rounded to 28: …1111.
    assert_eq!(norm(&t[&("a".into(), "商积".into())]), "0.1111111111111111111111111111");
    // 0.6666666666666666666666666667² = 0.44444444444444444444444444448888…9 → …4445.
    assert_eq!(norm(&t[&("b".into(), "商积".into())]), "0.4444444444444444444444444445");
    let (_, eval, err) = run(Command::new(Z)
        .args(["eval", zc.to_str().unwrap(), "--kind", "账", "--format", "csv", "--data"])
        .arg(&csv));
    assert!(!eval.is_empty(), "{err}");
    assert_eq!(compare("postgres squared quotients", &eval, &out), 3 * 5);
}

/// zezhou's 二(二)6 paid per project and summed per enterprise, worked out by hand, in DuckDB:
/// 甲's 全县 project of 2,000,000 元 pays 30% capped at 50万元 (500,000), its 市及市外 one of
/// 1,000,000 元 20% (200,000), its third is not eligible (counted out, 0): two projects,
/// 700,000 元. 乙 has no projects: none counted, both sums 0, nothing paid. 丙: 30% of 123.45
/// is 37.035 (no rounding written), 20% of 1,500,001 is 300,000.2, capped at 30万元: 300,037.035.
/// Each is `eval`'s cell too.
#[test]
fn duckdb_hand_computed_projects_summed_per_enterprise() {
    if !duckdb_present() {
        return skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("members_hand");
    let owners = d.join("own.csv");
    std::fs::write(&owners, "企业名称\n甲\n乙\n丙\n").unwrap();
    let projects = d.join("own.转化项目.csv");
    std::fs::write(
        &projects,
        "项目名称,企业名称,符合条件,来源,实际发生费用(元)\n\
         P1,甲,是,全县,2000000\n\
         P2,甲,是,市及市外,1000000\n\
         P3,甲,否,全县,3000000\n\
         P4,丙,是,全县,123.45\n\
         P5,丙,是,市及市外,1500001\n",
    )
    .unwrap();
    let members = [("转化项目", duck_table(&projects))];
    let q =
        sql_with("zezhou", "转化企业", "duckdb", &duck_table(&owners), &owners, &members).unwrap();
    let (ok, out, err) = duckdb_query(&d, &q);
    assert!(ok, "{err}");
    let t = table_of(&out);
    let cell = |id: &str, col: &str| norm(&t[&(id.to_string(), col.to_string())]);
    let expect = [
        ("甲", ["700000", "2", "500000", "200000"]),
        ("乙", ["0", "0", "0", "0"]),
        ("丙", ["300037.035", "2", "37.035", "300000"]),
    ];
    for (id, cells) in expect {
        let cols = ["科技成果转化补助", "符合条件项目数", "全县成果补助", "市及市外成果补助"];
        for (col, want) in cols.iter().zip(cells) {
            assert_eq!(cell(id, col), want, "{id} {col}");
        }
    }
    let (ok, eval, err) = run(Command::new(Z)
        .args(["eval", &policy("zezhou"), "--kind", "转化企业", "--format", "csv", "--data"])
        .arg(&owners));
    assert!(ok, "{err}");
    assert_eq!(compare("duckdb hand 转化企业", &eval, &out), 15);
}

/// `--member-table` names a member kind of the kind, once; anything else is refused with
/// `ZC0904`, naming the member kinds there are.
#[test]
fn a_member_table_of_no_member_kind_is_refused() {
    let d = dir("member_table");
    let (csv, _) = register(&d, "zezhou", "转化企业", 3);
    let t = |m: &'static str| [(m, "t".to_string())];
    let err = sql_with("zezhou", "转化企业", "duckdb", "r", &csv, &t("合同")).unwrap_err();
    assert!(err.contains("ZC0904"), "{err}");
    assert!(err.contains("`--member-table 合同=t` is not `MEMBER_KIND=TABLE`"), "{err}");
    assert!(err.contains("the member kinds of `转化企业`: 转化项目"), "{err}");
    let err = sql_with("zezhou", "企业", "duckdb", "r", &csv, &t("转化项目")).unwrap_err();
    assert!(err.contains("`企业` has no member kinds"), "{err}");
    let twice = [("转化项目", "a".to_string()), ("转化项目", "b".to_string())];
    let err = sql_with("zezhou", "转化企业", "duckdb", "r", &csv, &twice).unwrap_err();
    assert!(err.contains("`--member-table 转化项目=b`"), "{err}");
    let q = sql_with("zezhou", "转化企业", "duckdb", "r", &csv, &t("转化项目")).unwrap();
    assert!(q.contains("FROM t\n"), "{q}");
    assert!(
        q.contains(
            "-- The members of `转化项目` from the table t, each linked to its owner by the column \"企业名称\": the aggregations over them are worked out per owner (m1_agg)"
        ),
        "{q}"
    );
}

/// A `--member-table` of a member kind that no rule aggregates over: the query is written (and
/// reads no such table), and the option is said to be unused (`ZC0916`, a warning: exit 0);
/// with a rule that aggregates over the kind, no warning.
#[test]
fn a_member_table_no_rule_reads_is_said_to_be_unused() {
    let d = dir("member_table_unread");
    let text = |rule: &str| {
        format!(
            "政策 \"合同\" {{\n  发文机关: \"某县\"\n}}\n\n主体 企业 {{\n  标识 名称; 名称: 文本\n  收入: 万元\n}}\n\n\
             主体 合同 属于 企业 按 企业名称 {{\n  标识 合同号; 合同号: 文本\n  企业名称: 文本\n  金额: 万元\n}}\n\n\
             对于 企业 {{\n  § 一 「奖励」\n  奖励 奖励金 {{ 金额 {rule} }}\n}}\n"
        )
    };
    let sql = |file: &str, rule: &str| {
        let p = d.join(file);
        std::fs::write(&p, text(rule)).unwrap();
        run(Command::new(Z).arg("sql").arg(&p).args([
            "--kind",
            "企业",
            "--dialect",
            "duckdb",
            "--member-table",
            "合同=contracts",
            "--lang",
            "en",
            "--error-format",
            "plain",
        ]))
    };
    let (ok, q, err) = sql("unread.zc", "取整(收入 × 1%, 1元)");
    assert!(ok, "{err}");
    assert!(!q.contains("contracts"), "{q}");
    assert!(q.contains("SELECT"), "{q}");
    assert!(err.contains("warning[ZC0916]"), "{err}");
    assert!(
        err.contains(
            "`--member-table 合同=contracts` is not used: no rule of `企业` aggregates over `合同`"
        ),
        "{err}"
    );
    let (ok, q, err) = sql("read.zc", "合计(合同.金额) × 1%");
    assert!(ok, "{err}");
    assert!(q.contains("FROM contracts"), "{q}");
    assert!(!err.contains("ZC0916"), "{err}");
}

/// Every aggregation over members (`合计`, `计数`, `最大`, `最小`, `任一`, `全部`, with and without
/// `当`) with empty optional values among the members, in DuckDB and PostgreSQL: the query's
/// missing-value rules are `eval`'s (a missing condition or value makes a sum unknown, `任一`
/// is met by one member that meets it, an owner without members has sums of 0 …), and a
/// contract of 9 × 10^15 元, past the compiled form's 64 bits, is computed exactly.
#[test]
fn engines_aggregate_members_with_missing_values_as_eval_does() {
    let duck = duckdb_present();
    if !duck {
        skip("DuckDB (python3 -c 'import duckdb')");
    }
    let d = dir("members_missing");
    let owners = d.join("d.企业.csv");
    let members = d.join("d.合同.csv");
    let mut o = String::from("企业名称\nA\nB\nC\nD\n");
    let mut m = String::from(
        "合同编号,企业名称,金额(元),类型,验收\n\
         c1,A,100,国产,是\nc2,A,,进口,是\nc3,B,600000,国产,是\nc4,B,200,,否\n\
         c5,D,9000000000000000,国产,是\n",
    );
    let mut state: u64 = 7;
    let mut next = |n: u64| {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut c = 10;
    for i in 0..2_000 {
        o.push_str(&format!("E{i:05}\n"));
        for _ in 0..next(5) {
            c += 1;
            let amount = if next(8) == 0 { String::new() } else { next(900_000).to_string() };
            let kind = ["", "国产", "进口"][next(3) as usize];
            let accepted = ["", "是", "否", "是"][next(4) as usize];
            m.push_str(&format!("c{c},E{i:05},{amount},{kind},{accepted}\n"));
        }
    }
    std::fs::write(&owners, o).unwrap();
    std::fs::write(&members, m).unwrap();
    let p = "tests/members/aggregates.zc";
    let (ok, eval, err) =
        run(Command::new(Z).args(["eval", &policy(p), "--format", "csv", "--data"]).arg(&owners));
    assert!(ok, "{err}");
    let hand = [
        "A,100,2,2,缺数据,缺数据,true,true,10,10",
        "D,9000000000000000,1,1,9000000000000000,缺数据,false,true,50000,50000",
    ];
    for row in hand {
        assert!(eval.lines().any(|l| l == row), "{row}");
    }
    if duck {
        let member_tables = [("合同", duck_table(&members))];
        let q =
            sql_with(p, "企业", "duckdb", &duck_table(&owners), &owners, &member_tables).unwrap();
        let (ok, out, err) = duckdb_query(&d, &q);
        assert!(ok, "{err}");
        assert_eq!(compare("duckdb members with missing values", &eval, &out), 2_004 * 9);
    }
    let Some(pg) = Pg::start(&d) else { return skip("PostgreSQL (/usr/lib/postgresql/*/bin)") };
    pg.load("owners", &owners);
    pg.load("contracts", &members);
    let q = sql_with(p, "企业", "postgres", "owners", &owners, &[("合同", "contracts".into())])
        .unwrap();
    let file = d.join("pg.sql");
    std::fs::write(&file, &q).unwrap();
    let (ok, out, err) = pg.psql(&["--csv", "-f", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(compare("postgres members with missing values", &eval, &out), 2_004 * 9);
}
