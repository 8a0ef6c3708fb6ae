//! The memory of a simulation does not grow with the register: `simulate` over a synthetic
//! source of N subjects (amounts drawn as in `zhengce gen`, no data file, no evaluation), with a
//! pool cut in proportion and quantiles narrowed down over several passes, for N = 100,000 and
//! 1,000,000. Prints the time and the peak resident memory of each run; run each size in its
//! own process:
//!
//! ```text
//! cargo bench --bench simulate_memory -- 100000
//! cargo bench --bench simulate_memory -- 1000000
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::time::Instant;

use rust_decimal::Decimal;
use zhengce::diagnostics::Diagnostics;
use zhengce::simulate::pools::Pool;
use zhengce::simulate::quantile::DEFAULT_BOUND;
use zhengce::simulate::{Cell, Column, Row, Source, simulate};
use zhengce::synth::rng::Rng;
use zhengce::units::Dim;

/// N subjects with three awards each, amounts to the cent spread over four orders of magnitude.
struct Synthetic {
    n: u64,
    columns: Vec<Column>,
}

impl Source for Synthetic {
    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn len_hint(&self) -> Option<u64> {
        Some(self.n)
    }

    fn pass(&mut self, visit: &mut dyn FnMut(Row<'_>)) -> Diagnostics {
        let mut cells = vec![Cell::Missing; self.columns.len()];
        for i in 0..self.n {
            let mut rng = Rng::for_row(1, i);
            let id = format!("企业{i:07}");
            for c in &mut cells {
                let amount = if rng.chance(30) {
                    Decimal::ZERO
                } else {
                    let whole = Decimal::from(rng.between(100, 999_999));
                    whole * Decimal::from(10u32.pow(rng.binomial(3)))
                        + Decimal::new(rng.between(0, 99), 2)
                };
                *c = Cell::Num(amount, Dim::MONEY);
            }
            visit(Row { id: &id, cells: &cells });
        }
        Diagnostics::new()
    }
}

/// Peak resident memory of this process, in KB (Linux).
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let n: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let columns = ["甲", "乙", "丙"]
        .iter()
        .map(|name| Column { name: (*name).to_string(), award: true })
        .collect();
    let mut source = Synthetic { n, columns };
    // A pool far below the claims, cut in proportion: a second pass.
    let pool = Pool {
        name: "资金池".into(),
        total: Decimal::from(1_000_000u64),
        awards: vec![0, 1],
        foreign: Vec::new(),
        step: Some(Decimal::new(1, 2)),
    };
    let start = Instant::now();
    let (sim, _) = simulate(&mut source, &[pool], &[], DEFAULT_BOUND);
    println!(
        "{n} subjects: {} passes, {:.2?}, peak memory {} KB; total {} 元, P50 {:?}",
        sim.passes,
        start.elapsed(),
        peak_kb().map_or_else(|| "?".into(), |k| k.to_string()),
        sim.total,
        sim.quantiles.get(2).map(|q| &q.1),
    );
}
