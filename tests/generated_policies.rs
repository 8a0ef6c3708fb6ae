//! Random policies built from the grammar's constructs (`grammar_gen`): deep nesting, long
//! chains, comments, clause references with `#` and Chinese text in every position. None may
//! crash, hang, or end in an internal error; the `policy_grammar` fuzz target runs the same
//! generator for as long as it is given.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod grammar_gen;

/// SplitMix64: the bytes a generated policy is built from, for one seed.
fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

#[test]
fn generated_policies_never_crash() {
    let mut evaluated = 0;
    for seed in 0..300 {
        let text = grammar_gen::Gen::new(&bytes(seed, 4096)).policy();
        if let Err(e) = grammar_gen::exercise(&text) {
            panic!("seed {seed}: {e}\n{text}");
        }
        let file = zhengce::source::SourceFile::new("gen.zc", text.as_str());
        if !zhengce::check::check_sources(&[file]).has_errors() {
            evaluated += 1;
        }
    }
    // The generator reaches past the checker often enough to exercise evaluation too.
    eprintln!("{evaluated} of 300 generated policies checked without errors and were evaluated");
    assert!(evaluated >= 100, "only {evaluated} of 300 generated policies checked without errors");
}

#[test]
fn expressions_at_the_nesting_limit_in_every_position_fit_a_test_threads_stack() {
    // Found by the policy_grammar fuzz target: a 48 KB policy whose statement nests `若 … 否则`
    // to the limit inside a call. Finding where each construct's last token ends walked down the
    // parse tree by recursion, thousands of grammar levels deep, and overflowed a 2 MiB stack
    // (the fuzzer's process died of SIGSEGV; this test aborted in the release build, whose frames
    // are larger; the debug build's recursion happened to fit).
    let input: &[u8] = b"\x18\xdd\x1b\xdb\x00\xe5\xb8\x00\x8d\x89\xef\xe5\x90\x8d\xe7\xa7\xb0\xbc\x9e\xef\xdb\x62\xd7\xd7\xd7\x24\x76\x75\x7c";
    let text = grammar_gen::Gen::new(input).policy();
    assert!(text.contains("否则 若 否 则 1元 否则"), "{text}");
    assert!(text.len() > 40_000, "{}", text.len());
    if let Err(e) = grammar_gen::exercise(&text) {
        panic!("{e}\n{text}");
    }
}

#[test]
fn a_syntax_error_after_long_if_else_chains_stops_the_parser_with_a_diagnostic() {
    // Found by the policy_grammar fuzz target (a libFuzzer timeout): chains of 250 `若 … 否则`
    // followed by text that does not parse. Each level of a chain tried the text after it
    // again, itself a chain, and a 14 KB policy took 1.5 s to parse; the parser now stops
    // after its budget of calls with ZC0104 rather than reporting 20 syntax errors later.
    let input: &[u8] = &[
        63, 253, 0, 66, 0, 38, 227, 255, 22, 72, 46, 73, 104, 102, 105, 108, 101, 255, 255, 255,
        255, 61, 125, 10, 125, 255, 10, 104, 61, 255, 255, 255, 61, 125, 10, 125, 255, 10, 104, 61,
        156, 128, 233, 171, 152, 255, 105, 245, 42, 11, 131, 10, 255, 65, 156, 128, 233, 171, 152,
        255, 105, 245, 42, 11, 131, 10, 255, 65, 119, 0, 163, 46, 255, 248, 11, 124, 10, 255, 157,
        153,
    ];
    let text = grammar_gen::Gen::new(input).policy();
    assert!(text.matches("若 否 则 1元 否则").count() > 400, "{text}");
    // On a large stack, so that the parser's stack guard (which a debug build's larger frames
    // reach first on a test thread's 2 MiB) leaves the call budget to stop it.
    let checked = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn({
            let text = text.clone();
            move || {
                let file = zhengce::source::SourceFile::new("gen.zc", text.as_str());
                zhengce::check::check_sources(std::slice::from_ref(&file)).sorted()
            }
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(checked.len(), 1, "{checked:?}");
    assert_eq!(checked[0].code, zhengce::diagnostics::Code::NestingTooDeep);
    assert!(checked[0].message.en.contains("too complex"), "{:?}", checked[0].message);
    if let Err(e) = grammar_gen::exercise(&text) {
        panic!("{e}\n{text}");
    }
}
