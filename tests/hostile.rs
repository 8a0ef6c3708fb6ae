//! Hostile input files, generated here at run time (none is kept in the repository): zip
//! bombs, over-long cells and lines, too many rows and columns, deep nesting, an oversized
//! policy. Each must end in its coded diagnostic and exit status 1, with nothing written to
//! `--out`, and the process must stay within [`PEAK_BOUND_KIB`] of memory, measured by the
//! process itself: with `ZHENGCE_PEAK_MEMORY` set, zhengce writes its peak resident memory
//! (`VmHWM`, which the kernel keeps) to standard error as it ends.
//!
//! Times are printed (`cargo test --test hostile -- --nocapture`), never asserted: speed is
//! measured by benchmarks.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as it should be"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The memory any hostile input may cost, in KiB.
const PEAK_BOUND_KIB: u64 = 64 << 10;

/// A fresh folder under the target directory, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-{name}"));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs zhengce on a hostile input and holds it to the rules: exit status `status`, the
/// diagnostic `code`, nothing at `out`, peak memory within the bound. Returns the diagnostics.
fn refused(what: &str, args: &[&str], code: &str, status: i32, out: Option<&Path>) -> String {
    let start = Instant::now();
    let run = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .args(["--lang", "en", "--error-format", "plain"])
        .env("ZHENGCE_PEAK_MEMORY", "1")
        .output()
        .unwrap();
    let time = start.elapsed();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let peak: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("zhengce-peak-memory-kib: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{what}: no peak memory reported:\n{stderr}"));
    println!("{what}: {code} in {:.3} s, peak {:.1} MiB", time.as_secs_f64(), peak as f64 / 1024.0);
    assert_eq!(run.status.code(), Some(status), "{what}:\n{stderr}\n{stdout}");
    assert!(stderr.contains(code) || stdout.contains(code), "{what}: no {code}:\n{stderr}");
    assert!(peak <= PEAK_BOUND_KIB, "{what}: peak {peak} KiB is past {PEAK_BOUND_KIB} KiB");
    if let Some(out) = out {
        assert!(!out.exists(), "{what}: {} was written", out.display());
    }
    stderr
}

/// The register benchmark's policy, whose enterprises a CSV register streams.
fn policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/register.zc")
}

/// `eval` of the enterprises of [`policy`] on `data`, into `out` as CSV.
fn eval_into(what: &str, data: &Path, out: &Path, code: &str) -> String {
    let policy = policy();
    let args = [
        "eval",
        policy.to_str().unwrap(),
        "--kind",
        "enterprise",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ];
    refused(what, &args, code, 1, Some(out))
}

/// Both ways `eval` reads a data file: the CSV report, streamed for a CSV register, and the
/// JSON report, which loads the file into memory.
fn eval_both(what: &str, dir: &Dir, data: &Path, code: &str) -> String {
    let out = dir.path("out.csv");
    let text = eval_into(what, data, &out, code);
    let policy = policy();
    let json = dir.path("out.json");
    let args = [
        "eval",
        policy.to_str().unwrap(),
        "--kind",
        "enterprise",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        json.to_str().unwrap(),
    ];
    refused(&format!("{what} (in memory)"), &args, code, 1, Some(&json));
    text
}

// ---------------------------------------------------------------------------------------
// Writing workbooks by hand: a zip archive whose parts are stored, or deflated by a small
// encoder (fixed Huffman codes) that writes long repetitions as back-references, so that a
// part inflating to gigabytes is written in a fraction of a second.

/// CRC-32 (IEEE), by a table of bytes.
fn crc32(bytes: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| (0..8).fold(n, |c, _| if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 }))
        .collect();
    !bytes.iter().fold(!0u32, |crc, &b| table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8))
}

/// A deflate stream, least significant bit first.
#[derive(Default)]
struct Deflate {
    out: Vec<u8>,
    acc: u64,
    bits: u32,
    size: u64,
}

impl Deflate {
    /// One fixed-Huffman block, not the last.
    fn new() -> Self {
        let mut d = Deflate::default();
        d.put(0b010, 3); // BFINAL 0, BTYPE 01
        d
    }
    fn put(&mut self, value: u64, n: u32) {
        self.acc |= value << self.bits;
        self.bits += n;
        while self.bits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.bits -= 8;
        }
    }
    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u32, n: u32) {
        let rev = code.reverse_bits() >> (32 - n);
        self.put(u64::from(rev), n);
    }
    fn literals(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b < 144 {
                self.code(0x30 + u32::from(b), 8);
            } else {
                self.code(0x190 + u32::from(b) - 144, 9);
            }
        }
        self.size += bytes.len() as u64;
    }
    /// `count` copies of 258 bytes from `dist` bytes back (1 ≤ dist ≤ 32768).
    fn repeat(&mut self, dist: u32, count: u64) {
        // The length code of 258 (285), then the distance code and its extra bits.
        let d = dist - 1;
        let (dcode, extra, nextra) = if d < 4 {
            (d, 0, 0)
        } else {
            let n = 31 - d.leading_zeros() - 1;
            (2 * n + 2 + ((d >> n) & 1), d & ((1 << n) - 1), n)
        };
        let len_code = (285u32 - 280 + 0b1100_0000).reverse_bits() >> 24;
        let dist_code = dcode.reverse_bits() >> 27;
        let sym = u64::from(len_code) | u64::from(dist_code) << 8 | u64::from(extra) << 13;
        for _ in 0..count {
            self.put(sym, 13 + nextra);
        }
        self.size += 258 * count;
    }
    /// The end of the block, and an empty last block.
    fn finish(mut self) -> (Vec<u8>, u64) {
        self.code(0, 7);
        self.put(0b011, 3);
        self.code(0, 7);
        if self.bits > 0 {
            self.out.push(self.acc as u8);
        }
        (self.out, self.size)
    }
}

/// A part of a workbook: stored as it is, or deflated with the size it declares (the real
/// one, or a lie) and its checksum (0 where the part is refused before its end, where the
/// checksum is compared).
enum Part {
    Stored(Vec<u8>),
    Deflated { data: Vec<u8>, declared: u64, crc: u32 },
}

/// A zip archive of `parts`, without a data descriptor or zip64 fields.
fn zip(parts: Vec<(&str, Part)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let n = parts.len();
    for (name, part) in parts {
        let (method, crc, data, size): (u16, u32, Vec<u8>, u64) = match part {
            Part::Stored(data) => (0, crc32(&data), data.clone(), data.len() as u64),
            Part::Deflated { data, declared, crc } => (8, crc, data, declared),
        };
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes());
            }
            h.extend(20u16.to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h.extend(method.to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h.extend(33u16.to_le_bytes());
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((size as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
            if central {
                h.extend([0u8; 10]);
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((n as u16).to_le_bytes());
    out.extend((n as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";
const SST_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
const SST_END: &str = "</t></si></sst>";

/// A workbook of one sheet and its shared strings, with the parts of the package around them.
fn workbook(sheet: Part, strings: Part) -> Vec<u8> {
    zip(vec![
        ("[Content_Types].xml", Part::Stored(CONTENT_TYPES.into())),
        ("_rels/.rels", Part::Stored(RELS.into())),
        ("xl/workbook.xml", Part::Stored(WORKBOOK.into())),
        ("xl/_rels/workbook.xml.rels", Part::Stored(WORKBOOK_RELS.into())),
        ("xl/sharedStrings.xml", strings),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

/// The header row: the shared string 0 (`id`) in `A1`.
const HEADER: &str = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;

fn stored(text: String) -> Part {
    Part::Stored(text.into_bytes())
}

/// `size` bytes of `x` between `start` and `end`, deflated, declaring `declared` (the real
/// size when `None`).
fn inflating(start: &str, size: u64, end: &str, declared: Option<u64>) -> Part {
    let mut d = Deflate::new();
    d.literals(start.as_bytes());
    d.literals(b"x");
    d.repeat(1, (size - 1) / 258);
    let rest = (size - 1) % 258;
    d.literals(&vec![b'x'; rest as usize]);
    d.literals(end.as_bytes());
    let (data, real) = d.finish();
    Part::Deflated { data, declared: declared.unwrap_or(real), crc: 0 }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::File::create(path).unwrap().write_all(bytes).unwrap();
}

const GB_1_5: u64 = 1_500_000_000;

#[test]
fn a_shared_string_inflating_to_gigabytes_is_refused() {
    let dir = Dir::new("shared-string");
    let sheet = stored(format!("{SHEET_START}{HEADER}{SHEET_END}"));
    // Declaring its size: refused before it is inflated.
    let book = dir.path("bomb.xlsx");
    write(&book, &workbook(sheet, inflating(SST_START, GB_1_5, SST_END, None)));
    println!("bomb.xlsx: {} bytes", std::fs::metadata(&book).unwrap().len());
    let err = eval_into("1.5 GB shared string, declared", &book, &dir.path("out.csv"), "ZC0911");
    assert!(err.contains("xl/sharedStrings.xml"), "{err}");
    // Declaring 100 MB (less than a hundredth of its inflated size): refused at the cell limit,
    // having inflated about that.
    let sheet = stored(format!("{SHEET_START}{HEADER}{SHEET_END}"));
    let lying = dir.path("lying.xlsx");
    write(&lying, &workbook(sheet, inflating(SST_START, GB_1_5, SST_END, Some(100_000_000))));
    let err =
        eval_into("1.5 GB shared string, declared 100 MB", &lying, &dir.path("o.csv"), "ZC0907");
    assert!(err.contains("xl/sharedStrings.xml") && err.contains("32767"), "{err}");
}

#[test]
fn an_inline_string_inflating_to_gigabytes_is_refused_at_its_cell() {
    let dir = Dir::new("inline-string");
    let start = format!(r#"{SHEET_START}{HEADER}<row r="2"><c r="B2" t="inlineStr"><is><t>"#);
    let end = format!("</t></is></c></row>{SHEET_END}");
    let strings = stored(format!("{SST_START}id{SST_END}"));
    let book = dir.path("inline.xlsx");
    write(&book, &workbook(inflating(&start, GB_1_5, &end, Some(100_000_000)), strings));
    let err = eval_into("1.5 GB inline string", &book, &dir.path("out.csv"), "ZC0907");
    assert!(err.contains("cell `B2`"), "{err}");
}

#[test]
fn a_cell_a_little_past_the_limit_is_refused_at_its_cell() {
    // 40,000 characters: within the scan's bytes, past Excel's characters.
    let dir = Dir::new("cell-chars");
    let sheet = format!(
        r#"{SHEET_START}{HEADER}<row r="2"><c r="A2" t="inlineStr"><is><t>{}</t></is></c></row>{SHEET_END}"#,
        "x".repeat(40_000)
    );
    let strings = stored(format!("{SST_START}id{SST_END}"));
    let book = dir.path("long.xlsx");
    write(&book, &workbook(stored(sheet), strings));
    let err = eval_into("40,000-character cell", &book, &dir.path("out.csv"), "ZC0907");
    assert!(err.contains("企业!A2") && err.contains("40000 characters"), "{err}");
}

#[test]
fn a_sheet_of_a_million_and_one_rows_is_refused_as_it_is_read() {
    let dir = Dir::new("rows");
    let row = "<row><c><v>1</v></c></row>";
    let strings = || stored(format!("{SST_START}id{SST_END}"));
    // Stored: the rows are counted.
    let text = format!("{SHEET_START}{HEADER}{}{SHEET_END}", row.repeat(1_000_001));
    let book = dir.path("rows.xlsx");
    write(&book, &workbook(stored(text), strings()));
    let err = eval_into("1,000,001 rows, stored", &book, &dir.path("out.csv"), "ZC0906");
    // Refused by the pass over the inflated sheet, not after the rows have been read.
    assert!(
        err.contains("worksheet `xl/worksheets/sheet1.xml`") && err.contains("1000000 rows"),
        "{err}"
    );
    // Deflated, as a file would come: far past the ratio of a sheet.
    let mut d = Deflate::new();
    d.literals(format!("{SHEET_START}{HEADER}").as_bytes());
    d.literals(row.as_bytes());
    let len = row.len() as u64;
    let total = len * 1_000_000;
    d.repeat(len as u32, total / 258);
    let rest = (total % 258) as usize;
    let tail: Vec<u8> =
        row.bytes().cycle().skip((total - total % 258) as usize % row.len()).take(rest).collect();
    d.literals(&tail);
    d.literals(SHEET_END.as_bytes());
    let (data, size) = d.finish();
    let sheet = Part::Deflated { data, declared: size, crc: 0 };
    let book = dir.path("rows-deflated.xlsx");
    write(&book, &workbook(sheet, strings()));
    eval_into("1,000,001 rows, deflated", &book, &dir.path("out.csv"), "ZC0911");
}

#[test]
fn a_row_of_a_million_columns_is_refused_as_it_is_read() {
    let dir = Dir::new("columns");
    let text = format!(
        "{SHEET_START}<row r=\"1\">{}</row>{SHEET_END}",
        "<c><v>1</v></c>".repeat(1_000_000)
    );
    let strings = stored(format!("{SST_START}id{SST_END}"));
    let book = dir.path("wide.xlsx");
    write(&book, &workbook(stored(text), strings));
    let err = eval_into("1,000,000 columns", &book, &dir.path("out.csv"), "ZC0906");
    assert!(
        err.contains("worksheet `xl/worksheets/sheet1.xml`")
            && err.contains("16384 columns")
            && err.contains("row 1"),
        "{err}"
    );
}

/// The header of a register of [`policy`] and one row.
const REGISTER_HEAD: &str = "id,transfer_cost_yuan(元),transfer_origin,loan_interest_yuan(元),key_enterprise,incubator_area_m2(㎡),incubator_level,high_tech_first_certified_last_year\n甲,0,county,0,否,0,none,否\n";

/// A register of [`policy`]: a header, one row, then `bad` `repeat` times.
fn register(path: &Path, bad: &[u8], repeat: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(REGISTER_HEAD.as_bytes()).unwrap();
    for _ in 0..repeat {
        f.write_all(bad).unwrap();
    }
    f.write_all(b"\n").unwrap();
    f.flush().unwrap();
}

#[test]
fn a_csv_cell_of_200_mb_is_refused_after_reading_about_the_limit() {
    let dir = Dir::new("csv-cell");
    let data = dir.path("cell.csv");
    let mut chunk = b"\"".to_vec();
    chunk.extend(vec![b'x'; 1 << 20]);
    let mut f = std::fs::File::create(&data).unwrap();
    f.write_all(format!("{REGISTER_HEAD}乙,").as_bytes()).unwrap();
    f.write_all(&chunk).unwrap();
    for _ in 0..199 {
        f.write_all(&chunk[1..]).unwrap();
    }
    f.write_all(b"\"\n").unwrap();
    drop(f);
    let err = eval_both("200 MB CSV cell", &dir, &data, "ZC0907");
    assert!(err.contains("cell.csv:3:3"), "{err}");
}

#[test]
fn a_csv_line_of_200_mb_is_refused_after_reading_about_the_limit() {
    let dir = Dir::new("csv-line");
    let data = dir.path("line.csv");
    register(&data, &b"1,".repeat(1 << 19), 200);
    let err = eval_both("200 MB CSV line", &dir, &data, "ZC0910");
    assert!(err.contains("line.csv:3:1"), "{err}");
    // The limit can be raised for a run: then the line is read, and its cells are past the
    // header's columns.
    let small = dir.path("small.csv");
    register(&small, &b"1,".repeat(1 << 19), 2);
    let policy = policy();
    let run = |limit: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_zhengce"))
            .args(["eval", policy.to_str().unwrap(), "--kind", "enterprise", "--data"])
            .arg(&small)
            .args(limit)
            .args(["--lang", "en", "--error-format", "plain"])
            .output()
            .unwrap()
    };
    let default = String::from_utf8_lossy(&run(&[]).stderr).into_owned();
    assert!(default.contains("ZC0910"), "{default}");
    let raised = String::from_utf8_lossy(&run(&["--limit", "line=4MiB"]).stderr).into_owned();
    assert!(!raised.contains("ZC0910") && raised.contains("ZC0607"), "{raised}");
    let bad = run(&["--limit", "line=lots"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ZC0904"));
}

#[test]
fn deeply_nested_json_and_toml_are_refused() {
    let dir = Dir::new("nested");
    let json = dir.path("deep.json");
    write(&json, format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000)).as_bytes());
    eval_into("JSON nested 1,000,000 deep", &json, &dir.path("out.csv"), "ZC0607");
    let toml = dir.path("deep.toml");
    write(&toml, format!("a = {}{}", "[".repeat(1_000_000), "]".repeat(1_000_000)).as_bytes());
    eval_into("TOML nested 1,000,000 deep", &toml, &dir.path("out.csv"), "ZC0607");
}

#[test]
fn a_policy_past_its_size_limit_is_refused() {
    let dir = Dir::new("policy");
    let policy = dir.path("big.zc");
    write(&policy, "# 注释\n".repeat(200_000).as_bytes());
    let out = dir.path("out.csv");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/zezhou.企业.toml");
    let args = [
        "eval",
        policy.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ];
    // A policy file that cannot be read is a file problem, exit status 2, like a missing one.
    refused("1.6 MB policy", &args, "ZC0905", 2, Some(&out));
}

#[test]
fn a_part_that_cannot_be_inflated_refuses_the_workbook() {
    // A small sheet whose checksum is wrong: the pass does not leave it to the reader.
    let dir = Dir::new("damaged");
    let sheet = inflating(
        &format!("{SHEET_START}{HEADER}<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>"),
        100,
        &format!("</t></is></c></row>{SHEET_END}"),
        None,
    );
    let strings = stored(format!("{SST_START}id{SST_END}"));
    let book = dir.path("damaged.xlsx");
    write(&book, &workbook(sheet, strings));
    let err = eval_into("damaged part", &book, &dir.path("out.csv"), "ZC0607");
    assert!(err.contains("part `xl/worksheets/sheet1.xml` cannot be inflated"), "{err}");
}
