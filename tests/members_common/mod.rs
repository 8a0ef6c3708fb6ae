//! The register of owners and contracts the members tests share (`tests/members/member.zc`):
//! owners `E0000000…` in increasing order, each with `n % 4` contracts whose amounts and kinds
//! follow from its number, so that a test can work an owner's figures out by hand.
#![allow(dead_code, reason = "each test file uses part of it")]

/// The policy the members tests evaluate: contracts' awards, summed per owner with a cap.
pub const POLICY: &str = "tests/members/member.zc";

/// A contract: its id, its owner, its amount in 元 (the text of the cell), its kind.
pub type Contract = (String, String, String, String);

/// The owners' ids and their contracts, in the owners' order: owner `i` has `i % 4` contracts,
/// the `j`-th of 1000 + (i·7919 + j·104,729) mod 9,000,000 元, 进口 when (i + j) mod 3 = 0,
/// else 国产, numbered `C00000001…` across the register.
pub fn register(owners: u32) -> (Vec<String>, Vec<Contract>) {
    let mut ids = Vec::new();
    let mut contracts = Vec::new();
    let mut c = 0;
    for i in 0..owners {
        ids.push(format!("E{i:07}"));
        for j in 0..i % 4 {
            c += 1;
            let kind = if (i + j) % 3 == 0 { "进口" } else { "国产" };
            let amount = 1000 + (i * 7919 + j * 104_729) % 9_000_000;
            contracts.push((
                format!("C{c:08}"),
                format!("E{i:07}"),
                amount.to_string(),
                kind.to_string(),
            ));
        }
    }
    (ids, contracts)
}

/// The CSV text of the owners (`企业名称`) and of their contracts, a cell quoted where CSV must
/// quote it (a comma or a quote in it, a space at either end).
pub fn csv_text(owners: &[String], contracts: &[Contract]) -> (String, String) {
    let quoted = |s: &str| {
        if s.contains([',', '"']) || s.starts_with(' ') || s.ends_with(' ') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut o = String::from("企业名称\n");
    for id in owners {
        o.push_str(&quoted(id));
        o.push('\n');
    }
    let mut m = String::from("合同编号,企业名称,金额(元),类型\n");
    for (id, owner, amount, kind) in contracts {
        let cells = [id, owner, amount, kind].map(|s| quoted(s));
        m.push_str(&cells.join(","));
        m.push('\n');
    }
    (o, m)
}
