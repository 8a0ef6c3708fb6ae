//! `cargo run --release --bin bench-policies -- [--rows 100000,1000000] [--formats csv,json]
//! [--only POLICY:KIND,...] [--dir DIR]`: every bundled subject kind at register scale
//! (BENCHMARKS.md, "The bundled policies at register scale").
//!
//! For each subject kind of each policy in `policies/` (or those `--only` names), writes a
//! register of each size with `zhengce gen` (seed 5), then runs `zhengce eval POLICY --kind KIND
//! --data REGISTER --format F --out OUT` as a child process for each format, with the
//! parameters the kind's sample data gives (a yearly parameter: its latest year). Prints one
//! Markdown table row per kind, format and size: wall time, CPU time, records per second, peak
//! memory (the child's `VmHWM`), and for the largest size the ratio to the smallest (a linear
//! engine gives the ratio of the sizes), with the targets: CSV at the largest size
//! ≤ 2 s and ≤ 64 MiB, JSON ≤ 128 MiB, time ratio ≤ 1.2 × the size ratio. A register `gen`
//! cannot write (a kind whose ids are a fixed list) is skipped, saying why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    match bench(&std::env::args().skip(1).collect::<Vec<_>>()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("bench-policies: {e}");
            ExitCode::from(2)
        }
    }
}

/// One child run: wall and CPU seconds, peak memory in MiB.
struct Run {
    wall: f64,
    cpu: f64,
    mib: f64,
}

/// The options taken, each followed by its value.
const OPTIONS: [&str; 4] = ["--rows", "--formats", "--only", "--dir"];

fn bench(args: &[String]) -> Result<bool, String> {
    // An argument that is no option (`--help` too) says how to run, rather than run everything.
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        if !OPTIONS.contains(&a.as_str()) || rest.next().is_none() {
            return Err(format!(
                "unexpected `{a}`; usage: bench-policies [--rows 100000,1000000] \
                 [--formats csv,json] [--only POLICY:KIND,...] [--dir DIR]"
            ));
        }
    }
    let opt = |name: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
    };
    let rows: Vec<u64> = opt("--rows")
        .unwrap_or("100000,1000000")
        .split(',')
        .map(|n| n.trim().replace('_', "").parse().map_err(|_| format!("bad size `{n}`")))
        .collect::<Result<_, _>>()?;
    let formats: Vec<&str> = opt("--formats").unwrap_or("csv,json").split(',').collect();
    let only: Vec<&str> = opt("--only").map(|o| o.split(',').collect()).unwrap_or_default();
    let dir = opt("--dir").map_or_else(
        || std::env::temp_dir().join(format!("zhengce-bench-policies-{}", std::process::id())),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let zhengce = exe.with_file_name("zhengce");
    if !zhengce.is_file() {
        return Err(format!("{} not found: cargo build --release first", zhengce.display()));
    }
    let (small, large) = match (rows.iter().min(), rows.iter().max()) {
        (Some(s), Some(l)) => (*s, *l),
        _ => return Err("no sizes".into()),
    };
    println!(
        "| policy | kind | format | rows | wall s | CPU s | records/s | peak MiB | × smallest | targets |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|---:|---|");
    let mut all_ok = true;
    for (policy, kind) in kinds(&zhengce)? {
        let name = format!("{}:{kind}", stem(&policy));
        if !only.is_empty() && !only.contains(&name.as_str()) {
            continue;
        }
        let params = sample_params(&policy, &kind);
        let mut times: BTreeMap<(&str, u64), f64> = BTreeMap::new();
        for &n in &rows {
            let register = dir.join(format!("{}-{kind}-{n}.csv", stem(&policy)));
            if !register.is_file() {
                let g = Command::new(&zhengce)
                    .args(["gen", &path_str(&policy), "--kind", &kind, "--rows", &n.to_string()])
                    .args(["--seed", "5", "--out", &path_str(&register)])
                    .output()
                    .map_err(|e| e.to_string())?;
                if !g.status.success() {
                    let why = String::from_utf8_lossy(&g.stderr);
                    let why = why.lines().find(|l| l.contains('×')).unwrap_or("").trim();
                    println!(
                        "| {} | {kind} | – | {n} | | | | | | skipped: gen: {why} |",
                        stem(&policy)
                    );
                    break;
                }
            }
            for &format in &formats {
                let out = dir.join(format!("out.{format}"));
                let run = eval(&zhengce, &policy, &kind, &register, format, &out, &params)?;
                let _ = std::fs::remove_file(&out);
                times.insert((format, n), run.wall);
                let ratio = (n == large && large > small)
                    .then(|| times.get(&(format, small)).map(|s| run.wall / s.max(0.01)))
                    .flatten();
                let mut verdict = String::new();
                if n == large {
                    let mem_bound = if format == "csv" { 64.0 } else { 128.0 };
                    let mut short = Vec::new();
                    if format == "csv" && n >= 1_000_000 && run.wall > 2.0 {
                        short.push("> 2 s");
                    }
                    if run.mib > mem_bound {
                        short.push(if format == "csv" { "> 64 MiB" } else { "> 128 MiB" });
                    }
                    if ratio.is_some_and(|r| r > 1.2 * large as f64 / small as f64) {
                        short.push("not linear");
                    }
                    all_ok &= short.is_empty();
                    verdict = if short.is_empty() { "ok".into() } else { short.join(", ") };
                }
                println!(
                    "| {} | {kind} | {format} | {n} | {:.2} | {:.2} | {:.0} | {:.0} | {} | {verdict} |",
                    stem(&policy),
                    run.wall,
                    run.cpu,
                    n as f64 / run.wall.max(0.001),
                    run.mib,
                    ratio.map_or(String::new(), |r| format!("{r:.1}")),
                );
            }
        }
    }
    Ok(all_ok)
}

/// Runs one evaluation as a child process, with its peak memory and CPU time.
fn eval(
    zhengce: &Path,
    policy: &Path,
    kind: &str,
    register: &Path,
    format: &str,
    out: &Path,
    params: &[String],
) -> Result<Run, String> {
    let start = Instant::now();
    let o = Command::new(zhengce)
        .args(["eval", &path_str(policy), "--kind", kind, "--data", &path_str(register)])
        .args(["--format", format, "--out", &path_str(out)])
        .args(params.iter().flat_map(|p| ["--param".to_string(), p.clone()]))
        .env("ZHENGCE_PEAK_MEMORY", "1")
        .output()
        .map_err(|e| e.to_string())?;
    let wall = start.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr);
    let value = |key: &str| {
        err.lines().find_map(|l| l.strip_prefix(key)).and_then(|v| v.trim().parse::<f64>().ok())
    };
    if !o.status.success() {
        let why = err.lines().find(|l| l.contains('×')).unwrap_or("").trim();
        eprintln!("{} {kind} {format}: exit {:?}: {why}", policy.display(), o.status.code());
    }
    Ok(Run {
        wall,
        cpu: value("zhengce-cpu-ms: ").unwrap_or(0.0) / 1000.0,
        mib: value("zhengce-peak-memory-kib: ").unwrap_or(0.0) / 1024.0,
    })
}

/// Every bundled policy and subject kind, from `zhengce schema --format json`.
fn kinds(zhengce: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut policies: Vec<PathBuf> = std::fs::read_dir("policies")
        .map_err(|e| format!("policies/: {e} (run from the project root)"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "zc"))
        .collect();
    policies.sort();
    let mut out = Vec::new();
    for p in policies {
        let o = Command::new(zhengce)
            .args(["schema", &path_str(&p), "--format", "json"])
            .output()
            .map_err(|e| e.to_string())?;
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        let list = json.get("kinds").or_else(|| json.get("subjects")).cloned().unwrap_or(json);
        let names: Vec<String> = match list {
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|k| k.get("subject").or_else(|| k.get("name")).and_then(|n| n.as_str()))
                .map(str::to_string)
                .collect(),
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        out.extend(names.into_iter().map(|k| (p.clone(), k)));
    }
    Ok(out)
}

/// The parameters the kind's sample data (`NAME.KIND.toml`) gives, as `--param` values in the
/// data files' form (`名称(单位)=值`); a yearly parameter gives its latest year's value.
fn sample_params(policy: &Path, kind: &str) -> Vec<String> {
    let file = policy.with_file_name(format!("{}.{kind}.toml", stem(policy)));
    let Ok(text) = std::fs::read_to_string(file) else { return Vec::new() };
    let Ok(doc) = text.parse::<toml::Table>() else { return Vec::new() };
    let Some(params) = doc.get("params").and_then(|p| p.as_table()) else { return Vec::new() };
    let mut out = Vec::new();
    for (key, value) in params {
        let value = match value {
            toml::Value::Table(years) => match years.iter().max_by(|a, b| a.0.cmp(b.0)) {
                Some((_, v)) => v.clone(),
                None => continue,
            },
            v => v.clone(),
        };
        let shown = match value {
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::String(s) => s,
            toml::Value::Boolean(b) => b.to_string(),
            _ => continue,
        };
        // The data files' own form, `名称(单位)=值`, which `--param` reads.
        out.push(format!("{key}={shown}"));
    }
    out
}

fn stem(p: &Path) -> String {
    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}
