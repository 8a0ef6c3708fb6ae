//! Per-subject results as the CSV report writes them (`report::csv`): `id`, then each rule
//! reported per subject, numbers exact and normalised in base units (money in 元, as many
//! decimals as the exact value needs), conditions `true`/`false`, enumeration values by name,
//! missing values empty.

use crate::checker::scope::Scope;
use crate::compile::{Cv, Ty, fixed};
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::report::show::show;

/// Appends one CSV field, quoted when it holds a comma, a quote or a line break.
pub fn field(out: &mut Vec<u8>, text: &str) {
    if text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in text.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends an interpreter value.
pub fn value(out: &mut Vec<u8>, v: &V, scope: &Scope<'_>) {
    match v {
        V::Num(n, _) => out.extend_from_slice(n.normalize().to_string().as_bytes()),
        V::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        V::Missing => {}
        other => field(out, &show(other, scope, Lang::Zh)),
    }
}

/// Appends a compiled value of type `ty`.
pub fn compiled(out: &mut Vec<u8>, v: Cv, ty: Ty, scope: &Scope<'_>) {
    match (v, ty) {
        (Cv::Num(m), Ty::Num(s)) => fixed::write(out, i128::from(m), s),
        (Cv::Bool(b), _) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        (Cv::Enum(i), Ty::Enum(e)) => value(out, &V::Enum(e, i as usize), scope),
        (Cv::Num(y), Ty::Year) => {
            if let Ok(y) = u16::try_from(y) {
                value(out, &V::Year(y), scope);
            }
        }
        _ => {}
    }
}

/// The header line.
pub fn header(names: &[String]) -> Vec<u8> {
    let mut out = b"id".to_vec();
    for n in names {
        out.push(b',');
        field(&mut out, n);
    }
    out.push(b'\n');
    out
}
