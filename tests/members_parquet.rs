//! Members read from a Parquet file beside a Parquet register (`d.企业.parquet` with
//! `d.合同.parquet`), streamed: each block's members are the rows of the member batches that
//! belong to its owners, read by the worker that takes the block from their columns. The
//! report equals the CSV twin's byte for byte; a cell the CSV text would quote is read by the
//! loader as that text; a bad cell is reported at its row's line and column; members out of
//! their owners' order are read whole when the file is small and refused with `ZC0715` at their
//! row when it is large; a member without an owner is `ZC0712`. Money figures checked by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod members_common;
mod sim_common;

use std::sync::Arc;

use arrow_array::builder::{Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use members_common::{Contract, POLICY, csv_text, register};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use sim_common::{TempDir, zhengce};
use zhengce::cli::Status;

/// Writes the owners and their contracts as Parquet files (`d.企业.parquet`, `d.合同.parquet`:
/// row groups of `group` rows, the amounts an `INT64` column unless one is not a whole number,
/// then text) and as their CSV twins (`c.企业.csv`, `c.合同.csv`, a cell quoted when it must be);
/// the policy, the Parquet register and the CSV one.
fn write(
    dir: &TempDir,
    owners: &[String],
    contracts: &[Contract],
    group: usize,
) -> (String, String, String) {
    let p = dir.write("m.zc", &std::fs::read_to_string(POLICY).unwrap());
    let props = || {
        WriterProperties::builder()
            .set_max_row_group_size(group)
            .set_compression(Compression::SNAPPY)
            .build()
    };
    let text = |name: &str, values: &mut dyn Iterator<Item = &str>| -> (Field, ArrayRef) {
        let mut b = StringBuilder::new();
        for v in values {
            b.append_value(v);
        }
        (Field::new(name, DataType::Utf8, true), Arc::new(b.finish()))
    };
    let write_file = |path: &std::path::Path, columns: Vec<(Field, ArrayRef)>| {
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = columns.into_iter().unzip();
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
        let file = std::fs::File::create(path).unwrap();
        let mut w = ArrowWriter::try_new(file, schema, Some(props())).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    };
    let data = dir.path("d.企业.parquet");
    write_file(&data, vec![text("企业名称", &mut owners.iter().map(String::as_str))]);
    let whole = contracts.iter().all(|c| c.2.parse::<i64>().is_ok());
    let amounts = if whole {
        let mut b = Int64Builder::new();
        for c in contracts {
            b.append_value(c.2.parse().unwrap());
        }
        (Field::new("金额(元)", DataType::Int64, true), Arc::new(b.finish()) as ArrayRef)
    } else {
        text("金额(元)", &mut contracts.iter().map(|c| c.2.as_str()))
    };
    write_file(
        &dir.path("d.合同.parquet"),
        vec![
            text("合同编号", &mut contracts.iter().map(|c| c.0.as_str())),
            text("企业名称", &mut contracts.iter().map(|c| c.1.as_str())),
            amounts,
            text("类型", &mut contracts.iter().map(|c| c.3.as_str())),
        ],
    );
    let (o, m) = csv_text(owners, contracts);
    let csv = dir.write("c.企业.csv", &o);
    dir.write("c.合同.csv", &m);
    (p.display().to_string(), data.display().to_string(), csv.display().to_string())
}

/// `eval --format csv` of `data`, streamed into a file (`--out`) or in memory (standard
/// output): the status, the report and the diagnostics (English).
fn eval(dir: &TempDir, p: &str, data: &str, streamed: bool) -> (Status, String, String) {
    let mut args = vec!["eval", p, "--data", data, "--format", "csv", "--lang", "en"];
    let out = dir.path("out.csv");
    let out = out.to_str().unwrap().to_string();
    let _ = std::fs::remove_file(&out);
    if streamed {
        args.extend(["--out", &out]);
    }
    let (status, stdout, err) = zhengce(&args);
    let report = if streamed { std::fs::read_to_string(&out).unwrap_or_default() } else { stdout };
    (status, report, err)
}

/// 30,000 owners with 45,000 contracts in row groups of 5,000 (a block's members span batches
/// and row groups): the streamed report from Parquet is the CSV twin's and the in-memory one,
/// byte for byte, and an owner's figures are those worked out by hand.
#[test]
fn parquet_members_give_the_csv_report() {
    let dir = TempDir::new("members-parquet");
    let (owners, contracts) = register(30_000);
    assert_eq!(contracts.len(), 45_000);
    let (p, data, csv) = write(&dir, &owners, &contracts, 5_000);
    let (status, streamed, err) = eval(&dir, &p, &data, true);
    assert_eq!(status, Status::Ok, "{err}");
    // Streamed, not read whole by the in-memory path.
    assert!(!err.contains("ZC0713"), "{err}");
    let (status, twin, err) = eval(&dir, &p, &csv, true);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(streamed, twin);
    let (status, memory, err) = eval(&dir, &p, &data, false);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(streamed, memory);
    // E0000003 has three contracts (j = 0, 1, 2): amounts 1000 + (3·7919 + j·104729) mod
    // 9,000,000 = 24,757, 129,486, 234,215; kinds by (3 + j) mod 3: 进口, 国产, 国产. Domestic
    // sum 363,701; award 10% of each domestic one, 12,948.6 + 23,421.5 = 36,370.1 元.
    let row = streamed.lines().find(|l| l.starts_with("E0000003,")).unwrap();
    assert_eq!(row, "E0000003,363701,3,234215,true,36370.1,36370.1");
    // E0029999 (29,999 mod 4 = 3 contracts, in the last row group): 29,999·7919 mod 9,000,000
    // = 237,562,081 − 234,000,000 = 3,562,081, so j = 0, 1, 2 give 3,563,081, 3,667,810,
    // 3,772,539; kinds by (29,999 + j) mod 3 = 2, 0, 1: 国产, 进口, 国产. Domestic sum
    // 7,335,620; 10% of each domestic one is 356,308.1 + 377,253.9 = 733,562 元, over the
    // cap: 50万元 = 500,000.
    let row = streamed.lines().find(|l| l.starts_with("E0029999,")).unwrap();
    assert_eq!(row, "E0029999,7335620,3,3772539,true,500000,500000");
}

/// Cells the CSV text of the file would quote (a comma in an id, a space before a kind, an
/// amount in text with a thousands comma): those members are read by the loader from that
/// text, with the same report as the CSV twin's.
#[test]
fn a_cell_the_text_would_quote_is_read_as_that_text() {
    let dir = TempDir::new("members-parquet-quoted");
    let (owners, mut contracts) = register(3_000);
    contracts[10].0 = "C,10".to_string();
    contracts[20].3 = " 国产".to_string();
    contracts[30].2 = "12,345".to_string();
    let (p, data, csv) = write(&dir, &owners, &contracts, 1_000);
    let (status, streamed, err) = eval(&dir, &p, &data, true);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, twin, err) = eval(&dir, &p, &csv, true);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(streamed, twin);
    // The owner of the amount written with a comma: its domestic sum and its count, from the
    // data as written (the comma a thousands separator).
    let owner = &contracts[30].1;
    let theirs: Vec<&Contract> = contracts.iter().filter(|c| &c.1 == owner).collect();
    let domestic: i64 = theirs
        .iter()
        .filter(|c| c.3.trim() == "国产")
        .map(|c| c.2.replace(',', "").parse::<i64>().unwrap())
        .sum();
    let row = streamed.lines().find(|l| l.starts_with(&format!("{owner},"))).unwrap();
    assert!(row.starts_with(&format!("{owner},{domestic},{},", theirs.len())), "{row}");
}

/// Bad amounts in two blocks of the Parquet members (its amounts a text column): each
/// reported at its row's line (the header line 1) and column, in the order of the file, and
/// nothing written.
#[test]
fn a_bad_member_cell_is_reported_at_its_row() {
    let dir = TempDir::new("members-parquet-bad");
    let (owners, mut contracts) = register(20_000);
    contracts[25_000].2 = "一百".to_string();
    contracts[3_000].2 = "三十".to_string();
    let (p, data, _) = write(&dir, &owners, &contracts, 4_096);
    let (status, report, err) = eval(&dir, &p, &data, true);
    assert_ne!(status, Status::Ok);
    assert!(report.is_empty());
    let (early, late) = (err.find("d.合同.parquet:3002:"), err.find("d.合同.parquet:25002:"));
    assert!(early.is_some() && late.is_some() && early < late, "{err}");
}

/// Members out of their owners' order: a small file is read whole, with the report of the
/// ordered one; a large one (over 16 MiB) is refused with `ZC0715` at the row; a member whose
/// owner is not in the data is `ZC0712`.
#[test]
fn parquet_members_out_of_order_and_without_owner() {
    let dir = TempDir::new("members-parquet-unordered");
    let (owners, contracts) = register(3_000);
    let (p, data, _) = write(&dir, &owners, &contracts, 1_000);
    let (status, ordered, err) = eval(&dir, &p, &data, true);
    assert_eq!(status, Status::Ok, "{err}");
    let mut reversed = contracts.clone();
    reversed.reverse();
    let (p, data, _) = write(&dir, &owners, &reversed, 1_000);
    let (status, streamed, err) = eval(&dir, &p, &data, true);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(streamed, ordered);

    let mut orphan = contracts.clone();
    orphan.push(("C99999999".into(), "F0000001".into(), "5".into(), "国产".into()));
    let (p, data, _) = write(&dir, &owners, &orphan, 1_000);
    let (status, _, err) = eval(&dir, &p, &data, true);
    assert_ne!(status, Status::Ok);
    assert!(err.contains("ZC0712") && err.contains("F0000001"), "{err}");

    // Over 16 MiB of Parquet: ids that do not repeat, so that neither the dictionary nor the
    // codec makes the file small.
    let (owners, _) = register(1_000);
    let mut large = vec![
        ("C1".to_string(), "E0000005".to_string(), "100".to_string(), "国产".to_string()),
        ("C2".to_string(), "E0000001".to_string(), "100".to_string(), "国产".to_string()),
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for k in 0..900_000u32 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        large.push((format!("C{k}-{state:016x}"), "E0000900".into(), "100".into(), "国产".into()));
    }
    let (p, data, _) = write(&dir, &owners, &large, 100_000);
    let size = std::fs::metadata(dir.path("d.合同.parquet")).unwrap().len();
    assert!(size > 16 << 20, "{size}");
    let (status, _, err) = eval(&dir, &p, &data, true);
    assert_ne!(status, Status::Ok);
    assert!(err.contains("ZC0715"), "{err}");
    assert!(err.contains("d.合同.parquet:3:"), "{err}");
    assert!(err.contains("E0000001") && err.contains("sort"), "{err}");
}
