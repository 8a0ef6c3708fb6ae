//! `cargo run --release --bin bench-register -- N [--runs R] [--threads T] [--gen PATH]
//! [--eval-only]`: the register-scale benchmark (BENCHMARKS.md).
//!
//! Generates (once) a register of N enterprises with `gen_register.py` (found by `--gen`, the
//! `ZHENGCE_GEN_REGISTER` variable, or `../shared/bench/gen_register.py` beside the
//! repository), then runs, alternating, R times each: a hand-written single-threaded Rust
//! program of the four rules with `rust_decimal`, and `zhengce eval benches/register.zc --data
//! REGISTER --format csv --columns total --out OUT`, both as child processes (this binary run
//! again), end to end (read the CSV, evaluate, write `id,total` per enterprise). Prints the
//! median wall time of each, their ratio, records per second, each child's peak memory
//! (`VmHWM`), the compiled evaluation alone per record, `zhengce check policies`, and checks
//! that both give the same grand total and number of recipients, and the known exact answer
//! for N = 100,000 and 1,000,000.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::str::FromStr;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;

const POLICY: &str = "benches/register.zc";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--child-hand") => child_hand(args.get(1..).unwrap_or_default()),
        Some("--child-zhengce") => {
            let rest = args.get(1..).unwrap_or_default();
            let env = zhengce::cli::Env::from_process();
            let argv = std::iter::once("zhengce".to_string()).chain(rest.iter().cloned());
            let status =
                zhengce::cli::run(argv, &env, &mut std::io::stdout(), &mut std::io::stderr());
            eprintln!("VmHWM {}", peak_kb());
            eprintln!("CPU {}", process_cpu_ms());
            status.into()
        }
        _ => match bench(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench-register: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// The CPU time (user and system, all threads) of this process in milliseconds.
fn process_cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are the 14th and 15th fields (the 12th and 13th after the name), in
    // ticks of 10 ms.
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    (tick(11) + tick(12)) * 10
}

/// This process's peak resident memory in KiB, from `/proc/self/status`.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// The hand-written program: read, evaluate the four rules, write `id,total`.
fn child_hand(args: &[String]) -> ExitCode {
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else { return ExitCode::FAILURE };
    match hand(Path::new(input), Path::new(output)) {
        Ok((grand, recipients)) => {
            println!("{grand} {recipients}");
            eprintln!("VmHWM {}", peak_kb());
            eprintln!("CPU {}", process_cpu_ms());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn hand(input: &Path, output: &Path) -> Result<(Decimal, u64), String> {
    let file = std::fs::File::open(input).map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let out = std::fs::File::create(output).map_err(|e| e.to_string())?;
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let (r30, r20, r50) = (Decimal::new(3, 1), Decimal::new(2, 1), Decimal::new(5, 1));
    let (cap50, cap30) = (Decimal::from(500_000), Decimal::from(300_000));
    let (d20, d10, ht) = (Decimal::from(20), Decimal::from(10), Decimal::from(150_000));
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    w.write_all(b"id,total\n").map_err(|e| e.to_string())?;
    let (mut grand, mut recipients) = (Decimal::ZERO, 0u64);
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        let mut f = line.trim_end().split(',');
        let mut next = || f.next().ok_or("short line");
        let id = next()?;
        let cost = Decimal::from_str(next()?).map_err(|e| e.to_string())?;
        let county = next()? == "county";
        let interest = Decimal::from_str(next()?).map_err(|e| e.to_string())?;
        let key = next()? == "true";
        let area = Decimal::from_str(next()?).map_err(|e| e.to_string())?;
        let level = next()?;
        let first = next()? == "true";
        let tech = if county { (cost * r30).min(cap50) } else { (cost * r20).min(cap30) };
        let loan = if key { (interest * r50).min(cap50) } else { Decimal::ZERO };
        let mut inc = Decimal::ZERO;
        if level != "none" {
            inc += area * d20;
        }
        if level == "provincial" || level == "national" {
            inc += area * d10;
        }
        let total = tech + loan + inc + if first { ht } else { Decimal::ZERO };
        if total > Decimal::ZERO {
            recipients += 1;
        }
        grand += total;
        writeln!(w, "{id},{}", total.normalize()).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    Ok((grand, recipients))
}

struct Opts {
    n: u64,
    runs: usize,
    threads: Option<usize>,
    gen_script: Option<PathBuf>,
    /// Only the compiled evaluation alone (no end-to-end runs).
    eval_only: bool,
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts { n: 1_000_000, runs: 5, threads: None, gen_script: None, eval_only: false };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => o.runs = it.next().and_then(|v| v.parse().ok()).ok_or("--runs N")?,
            "--threads" => o.threads = it.next().and_then(|v| v.parse().ok()),
            "--gen" => o.gen_script = it.next().map(PathBuf::from),
            "--eval-only" => o.eval_only = true,
            n => o.n = n.replace('_', "").parse().map_err(|_| format!("not a number: {n}"))?,
        }
    }
    Ok(o)
}

fn generator(o: &Opts) -> Result<PathBuf, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        o.gen_script.clone(),
        std::env::var_os("ZHENGCE_GEN_REGISTER").map(PathBuf::from),
        Some(manifest.join("../shared/bench/gen_register.py")),
        Some(manifest.join("../../shared/bench/gen_register.py")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file()).ok_or_else(|| {
        "gen_register.py not found: give --gen PATH or set ZHENGCE_GEN_REGISTER".to_string()
    })
}

/// A child's wall time, standard output, peak memory (KiB) and CPU time (ms).
type ChildRun = (Duration, String, u64, u64);

/// Runs a child of this binary.
fn child(args: &[&str]) -> Result<ChildRun, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let t = Instant::now();
    let out = Command::new(exe).args(args).output().map_err(|e| e.to_string())?;
    let wall = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{args:?} failed: {stderr}"));
    }
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM ").and_then(|n| n.trim().parse().ok()))
        .unwrap_or(0);
    let cpu = stderr
        .lines()
        .find_map(|l| l.strip_prefix("CPU ").and_then(|n| n.trim().parse().ok()))
        .unwrap_or(0);
    Ok((wall, String::from_utf8_lossy(&out.stdout).into_owned(), peak, cpu))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The grand total and the recipients of zhengce's report: the last column, `total`, of each
/// subject's row (the report's last row, `合计`, adds them up and is not a subject).
fn report_totals(path: &Path) -> Result<(Decimal, u64), String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut grand = Decimal::ZERO;
    let mut recipients = 0u64;
    for line in BufReader::new(file).lines().skip(1) {
        let line = line.map_err(|e| e.to_string())?;
        if line.starts_with("合计,") {
            continue;
        }
        let total = line.rsplit(',').next().ok_or("empty line")?;
        let t = Decimal::from_str(total).map_err(|e| e.to_string())?;
        grand += t;
        if t > Decimal::ZERO {
            recipients += 1;
        }
    }
    Ok((grand, recipients))
}

fn bench(args: &[String]) -> Result<(), String> {
    let o = parse_opts(args)?;
    let dir = std::env::temp_dir().join("zhengce-bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let register = dir.join(format!("register-{}.csv", o.n));
    if !register.is_file() {
        let script = generator(&o)?;
        eprintln!("generating {} with {}", register.display(), script.display());
        let st = Command::new("python3")
            .arg(&script)
            .arg(o.n.to_string())
            .arg(&register)
            .status()
            .map_err(|e| format!("python3: {e}"))?;
        if !st.success() {
            return Err("gen_register.py failed".into());
        }
    }
    if o.eval_only {
        return eval_alone(&register, o.n.min(1_000_000));
    }
    let reg = register.to_str().ok_or("path")?;
    let hand_out = dir.join("hand.csv");
    let zc_out = dir.join("zhengce.csv");
    let (hand_out_s, zc_out_s) = (hand_out.to_str().ok_or("path")?, zc_out.to_str().ok_or("path")?);
    let mut zc_args = vec![
        "--child-zhengce",
        "eval",
        POLICY,
        "--data",
        reg,
        "--format",
        "csv",
        "--out",
        zc_out_s,
        "--columns",
        "total",
    ];
    let threads = o.threads.map(|t| t.to_string());
    if let Some(t) = &threads {
        zc_args.push("--threads");
        zc_args.push(t);
    }
    let (mut hand_t, mut zc_t) = (Vec::new(), Vec::new());
    let (mut hand_cpu, mut zc_cpu) = (Vec::new(), Vec::new());
    let (mut hand_peak, mut zc_peak) = (0, 0);
    let mut hand_result = String::new();
    for _ in 0..o.runs.max(1) {
        let (t, out, peak, cpu) = child(&["--child-hand", reg, hand_out_s])?;
        hand_t.push(t);
        hand_cpu.push(Duration::from_millis(cpu));
        hand_peak = hand_peak.max(peak);
        hand_result = out;
        let (t, _, peak, cpu) = child(&zc_args)?;
        zc_t.push(t);
        zc_cpu.push(Duration::from_millis(cpu));
        zc_peak = zc_peak.max(peak);
    }
    let (hand_m, zc_m) = (median(hand_t), median(zc_t));
    let (hand_c, zc_c) = (median(hand_cpu), median(zc_cpu));
    let mut parts = hand_result.split_whitespace();
    let hand_grand = parts.next().and_then(|g| Decimal::from_str(g).ok()).ok_or("hand output")?;
    let hand_rec: u64 = parts.next().and_then(|r| r.parse().ok()).ok_or("hand output")?;
    let (zc_grand, zc_rec) = report_totals(&zc_out)?;
    let per_sec = |d: Duration| o.n as f64 / d.as_secs_f64();
    println!("register: {} rows ({})", o.n, register.display());
    println!(
        "hand-written rust_decimal: median {:.3} s, {:.0} records/s, peak {:.1} MiB",
        hand_m.as_secs_f64(),
        per_sec(hand_m),
        hand_peak as f64 / 1024.0
    );
    println!(
        "zhengce eval (streamed):   median {:.3} s, {:.0} records/s, peak {:.1} MiB",
        zc_m.as_secs_f64(),
        per_sec(zc_m),
        zc_peak as f64 / 1024.0
    );
    println!(
        "ratio zhengce / hand-written (wall): {:.2}",
        zc_m.as_secs_f64() / hand_m.as_secs_f64()
    );
    println!(
        "CPU time (all threads): hand-written {:.3} s, zhengce {:.3} s",
        hand_c.as_secs_f64(),
        zc_c.as_secs_f64()
    );
    println!("grand total {} yuan, {} recipients", zc_grand.normalize(), zc_rec);
    let mut ok = zc_grand == hand_grand && zc_rec == hand_rec;
    if !ok {
        println!("MISMATCH: hand-written gives {hand_grand} yuan, {hand_rec} recipients");
    }
    let known = match o.n {
        1_000_000 => Some(("91608639903.226", 538_795)),
        100_000 => Some(("9125924479.077", 53_749)),
        _ => None,
    };
    if let Some((g, r)) = known {
        let exact = Decimal::from_str(g).map_err(|e| e.to_string())? == zc_grand && r == zc_rec;
        println!(
            "exact answer {g} yuan, {r} recipients: {}",
            if exact { "matches" } else { "DIFFERS" }
        );
        ok &= exact;
    }
    eval_alone(&register, o.n.min(1_000_000))?;
    let mut check_t = Vec::new();
    for _ in 0..5 {
        check_t.push(child(&["--child-zhengce", "check", "policies"])?.0);
    }
    println!("zhengce check policies: median {:.1} ms", median(check_t).as_secs_f64() * 1000.0);
    if ok { Ok(()) } else { Err("the totals differ".into()) }
}

/// The compiled evaluation alone, on rows already read into registers.
fn eval_alone(register: &Path, rows: u64) -> Result<(), String> {
    use zhengce::compile::{Cv, FieldIn, LANES, Machine, compile, fixed};
    let text = std::fs::read_to_string(POLICY).map_err(|e| e.to_string())?;
    let (policy, _) = zhengce::parser::parse(&zhengce::source::SourceFile::new(POLICY, text));
    let policy = policy.ok_or("policy")?;
    let (checked, _) = zhengce::checker::check(&policy);
    let sid = *checked.scope.subject_names.get("enterprise").ok_or("subject")?;
    let prog = compile(&policy, &checked, sid, &Default::default(), None).map_err(|e| e.message)?;
    // The register's numbers, enumeration positions and conditions, read once into columns of
    // encoded values (one per field the program reads), as a columnar engine holds them.
    let file = std::fs::File::open(register).map_err(|e| e.to_string())?;
    let reads: Vec<u32> = prog
        .fields
        .iter()
        .filter_map(|f| match f {
            FieldIn::Num { reg, .. } | FieldIn::Bool { reg } | FieldIn::Enum { reg, .. } => {
                Some(*reg)
            }
            // The benchmark policy has no yearly fields (compiled without a year).
            FieldIn::Year { .. }
            | FieldIn::Date { .. }
            | FieldIn::Text { .. }
            | FieldIn::Yearly { .. }
            | FieldIn::Unused => None,
        })
        .collect();
    let mut columns: Vec<Vec<i64>> = vec![Vec::new(); reads.len()];
    for line in BufReader::new(file).lines().skip(1).take(usize::try_from(rows).unwrap_or(0)) {
        let line = line.map_err(|e| e.to_string())?;
        let cells = line.split(',').zip(&prog.fields).filter(|(_, f)| {
            !matches!(
                f,
                FieldIn::Unused
                    | FieldIn::Year { .. }
                    | FieldIn::Date { .. }
                    | FieldIn::Text { .. }
                    | FieldIn::Yearly { .. }
            )
        });
        for ((cell, field), column) in cells.zip(columns.iter_mut()) {
            column.push(Cv::encoded(match field {
                FieldIn::Num { scale, .. } => {
                    let m = fixed::parse(cell.as_bytes(), 1, 0, *scale).ok_or("number")?;
                    Cv::Num(i64::try_from(m).map_err(|_| "number")?)
                }
                FieldIn::Bool { .. } => Cv::Bool(cell == "true"),
                FieldIn::Enum { values, .. } => {
                    Cv::Enum(values.iter().position(|v| v == cell).ok_or("value")? as u32)
                }
                FieldIn::Year { .. }
                | FieldIn::Date { .. }
                | FieldIn::Text { .. }
                | FieldIn::Yearly { .. }
                | FieldIn::Unused => Cv::Missing,
            }));
        }
    }
    let mut m = Machine::new(&prog);
    let total_col = prog.columns.len().saturating_sub(1);
    let total_reg = prog.columns.get(total_col).map(|c| c.reg).ok_or("column")?;
    let records = columns.first().map_or(0, Vec::len);
    let mut sum: i128 = 0;
    // The fastest of ten passes, in wall time on this one thread: a pass that was interrupted
    // says more about other work on the machine than about this one. (The thread's CPU time as
    // `/proc` gives it is counted in scheduler ticks, too coarse for a pass of a few
    // milliseconds.)
    let mut el = Duration::MAX;
    for pass in 0..10 {
        let t = Instant::now();
        let mut pass_sum: i128 = 0;
        for start in (0..records).step_by(LANES) {
            let end = (start + LANES).min(records);
            for (reg, column) in reads.iter().zip(&columns) {
                m.set_column(*reg, column.get(start..end).unwrap_or_default());
            }
            m.run_lanes(end - start);
            if (0..end - start).any(|lane| m.failed(lane)) {
                return Err("fallback".into());
            }
            // The total: a number in every lane (every field of the register is required).
            let totals = m.column(total_reg).get(..end - start).unwrap_or_default();
            if totals.contains(&zhengce::compile::MISSING) {
                return Err("a missing total".into());
            }
            pass_sum += totals.iter().map(|x| i128::from(*x)).sum::<i128>();
        }
        el = el.min(t.elapsed());
        if pass == 0 {
            sum = pass_sum;
        }
    }
    println!(
        "compiled evaluation alone: {:.1} ns/record over {rows} records (fastest of 10 passes), {} instructions (checksum {sum})",
        el.as_nanos() as f64 / rows.max(1) as f64,
        prog.instructions()
    );
    Ok(())
}
