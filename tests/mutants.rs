//! Random mutants of the five bundled policies (characters deleted, duplicated, inserted,
//! lines swapped, deep nesting spliced in): checking and formatting each ends in diagnostics,
//! never a panic, a stack overflow or an internal error. `ZHENGCE_MUTANTS=N` sets how many per
//! policy (the default keeps the suite quick; the fuzz targets run the same idea for hours).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod grammar_gen;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Pieces spliced into a policy: the grammar's punctuation and keywords, and the shapes that
/// once crashed it.
const PIECES: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "「",
    "」",
    "#",
    "//",
    "§ 二#二 ",
    "若 ",
    " 则 ",
    " 否则 ",
    "非 ",
    "-",
    "\n",
    "\"",
    "“",
    "99999999999999999999999999999",
    "0.000000000000000000000000001",
    "万元",
    "%",
    " 且 ",
    " + ",
    " × ",
    " ÷ 0元",
    "令 x = ",
    "：",
    "，",
    "\u{3000}",
];

fn boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut t = text.to_string();
    for _ in 0..1 + rng.below(3) {
        let a = boundary(&t, rng.below(t.len() + 1));
        let b = boundary(&t, a + rng.below(40));
        match rng.below(6) {
            0 => t.replace_range(a..b, ""),
            1 => {
                let piece = t[a..b].to_string();
                t.insert_str(b, &piece);
            }
            2 => t.insert_str(a, PIECES[rng.below(PIECES.len())]),
            3 => {
                let mut lines: Vec<&str> = t.lines().collect();
                if lines.len() > 2 {
                    let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(i, j);
                }
                t = lines.join("\n");
            }
            4 => {
                let n = [30, 70, 300][rng.below(3)];
                let deep = match rng.below(3) {
                    0 => format!("{}1元{}", "(".repeat(n), ")".repeat(n)),
                    1 => format!("{}1元", "- ".repeat(n)),
                    _ => vec!["1元"; n].join(" + "),
                };
                t.insert_str(a, &deep);
            }
            _ => {
                let piece = PIECES[rng.below(PIECES.len())];
                t.replace_range(a..b, piece);
            }
        }
    }
    t
}

#[test]
fn mutants_of_the_bundled_policies_never_crash() {
    let per_policy: usize =
        std::env::var("ZHENGCE_MUTANTS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut policies: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zc"))
        .collect();
    policies.sort();
    assert_eq!(policies.len(), 5);
    let mut rng = Rng(2026);
    for path in &policies {
        let text = std::fs::read_to_string(path).unwrap();
        for n in 0..per_policy {
            let m = mutate(&text, &mut rng);
            if let Err(e) = grammar_gen::exercise(&m) {
                let out = std::env::temp_dir().join("zhengce-mutant.zc");
                std::fs::write(&out, &m).unwrap();
                panic!("{} mutant {n}: {e} (written to {})", path.display(), out.display());
            }
        }
    }
}
