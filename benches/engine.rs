//! Criterion benchmarks of the engine's phases: parsing and checking a policy, compiling it,
//! and evaluating one subject with the interpreter and with the compiled form. The register
//! end to end is `cargo run --release --bin bench-register` (BENCHMARKS.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;
use zhengce::compile::{Cv, FieldIn, LANES, Machine, compile};
use zhengce::data::{Record, Value};
use zhengce::eval::Evaluator;
use zhengce::source::SourceFile;
use zhengce::units::Dim;

fn source(path: &str) -> std::sync::Arc<SourceFile> {
    SourceFile::new(path, std::fs::read_to_string(path).unwrap())
}

fn parse_check(c: &mut Criterion) {
    for path in ["benches/register.zc", "policies/zezhou.zc", "policies/provincial.zc"] {
        let file = source(path);
        c.bench_function(&format!("parse+check {path}"), |b| {
            b.iter(|| {
                let (p, _) = zhengce::parser::parse(black_box(&file));
                let p = p.unwrap();
                let (checked, d) = zhengce::checker::check(&p);
                black_box((checked.types.len(), d.len()))
            })
        });
    }
}

fn record(i: i64) -> Record {
    let money = |v: i64| Value::Number { value: Decimal::new(v, 2), dim: Dim::MONEY };
    Record {
        key: i.to_string(),
        fields: vec![
            Value::Text(i.to_string()),
            money(i * 7919 % 500_000_000),
            Value::Enum { enum_name: "origin".into(), index: (i % 2) as usize },
            money(i * 31 % 200_000_000),
            Value::Bool(i % 7 == 0),
            Value::Number { value: Decimal::from(i * 11 % 20_000), dim: Dim::AREA },
            Value::Enum { enum_name: "level".into(), index: (i % 4) as usize },
            Value::Bool(i % 25 == 0),
        ],
    }
}

fn per_record(c: &mut Criterion) {
    let file = source("benches/register.zc");
    let policy = zhengce::parser::parse(&file).0.unwrap();
    let (checked, _) = zhengce::checker::check(&policy);
    let sid = checked.scope.subject_names["enterprise"];
    c.bench_function("compile benches/register.zc", |b| {
        b.iter(|| {
            black_box(
                compile(&policy, &checked, sid, &BTreeMap::new(), None).unwrap().columns.len(),
            )
        })
    });
    let records: Vec<Record> = (0..LANES as i64).map(record).collect();
    let ev = Evaluator::new(&policy, &checked, Some(sid), BTreeMap::new());
    let mut g = c.benchmark_group("evaluate one subject");
    g.throughput(Throughput::Elements(1));
    g.bench_function("interpreter", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % records.len();
            black_box(ev.evaluate(&records[i], None).0.rules.len())
        })
    });
    g.finish();
    let prog = compile(&policy, &checked, sid, &BTreeMap::new(), None).unwrap();
    let mut m = Machine::new(&prog);
    // The registers of 64 subjects, read once; each iteration evaluates all of them.
    for (lane, r) in records.iter().enumerate() {
        m.load_lane(lane, r).unwrap();
    }
    let regs: Vec<u32> = prog
        .fields
        .iter()
        .filter_map(|f| match f {
            FieldIn::Num { reg, .. } | FieldIn::Bool { reg } | FieldIn::Enum { reg, .. } => {
                Some(*reg)
            }
            FieldIn::Year { .. }
            | FieldIn::Date { .. }
            | FieldIn::Text { .. }
            | FieldIn::Yearly { .. }
            | FieldIn::Unused => None,
        })
        .collect();
    let cells: Vec<(usize, u32, Cv)> = (0..LANES)
        .flat_map(|lane| regs.iter().map(move |reg| (lane, *reg)))
        .map(|(lane, reg)| (lane, reg, m.value_at(lane, reg)))
        .collect();
    let columns: Vec<Vec<i64>> = regs.iter().map(|r| m.column(*r).to_vec()).collect();
    let total = prog.columns.last().unwrap().reg;
    let mut g = c.benchmark_group("evaluate 64 subjects");
    g.throughput(Throughput::Elements(LANES as u64));
    g.bench_function("compiled, setting each field", |b| {
        b.iter(|| {
            for (lane, reg, v) in &cells {
                m.set_lane(*lane, *reg, *v);
            }
            m.run_lanes(LANES);
            black_box(m.value_at(LANES - 1, total))
        })
    });
    g.bench_function("compiled, from encoded columns", |b| {
        b.iter(|| {
            for (reg, column) in regs.iter().zip(&columns) {
                m.set_column(*reg, column);
            }
            m.run_lanes(LANES);
            black_box(m.column(total).last().copied())
        })
    });
    g.finish();
}

/// What `zhengce lsp` does on each change of a document: parse and check the whole text (its
/// imports read from disk) and convert every diagnostic, for the largest bundled policy with one
/// character added (target: 50 ms).
fn lsp_diagnostics(c: &mut Criterion) {
    let path = std::fs::canonicalize("policies/xinjiang.zc").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = lsp_types::Url::from_file_path(&path).unwrap();
    let changed = SourceFile::new(path.to_string_lossy(), format!("{text}\n#"));
    c.bench_function("lsp diagnostics after a change policies/xinjiang.zc", |b| {
        b.iter(|| {
            let d = zhengce::lsp::diagnostics_of(
                black_box(&changed),
                &uri,
                zhengce::diagnostics::Lang::En,
                None,
            );
            black_box(d.len())
        })
    });
}

criterion_group!(benches, parse_check, per_record, lsp_diagnostics);
criterion_main!(benches);
