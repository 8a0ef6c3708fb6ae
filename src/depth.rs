//! Recursion over input: every pass that recurses over a policy's expressions or definitions,
//! or over nested data, is bounded twice.
//!
//! - **A depth limit, reported.** The parser refuses brackets, `若` and prefix operators nested
//!   deeper than [`parser::MAX_NESTING`](crate::parser::MAX_NESTING) and expression trees deeper
//!   than [`parser::MAX_EXPR_DEPTH`](crate::parser::MAX_EXPR_DEPTH); the checker refuses
//!   definitions that refer to each other in a chain deeper than [`MAX_REFERENCE_DEPTH`]; the
//!   evaluator stops past the same depth (`ZC0706`); the data loaders refuse nesting past their
//!   own limits. Each is a coded diagnostic at the place.
//! - **Stack on demand.** Within those limits a recursion can still be deep (a chain of 256
//!   definitions, each an expression 256 levels deep) and a thread's stack small (2 MiB for a
//!   test thread). Each recursive pass calls [`with_stack`] on the way down, which continues on a
//!   fresh stack segment from the heap when the current one runs low, so no input within the
//!   limits can overflow the stack.

/// How long a chain of definitions referring to each other may be (`令 b = a + 1`, `令 c = b +
/// 1`, ...), in the checker and the evaluator alike.
pub const MAX_REFERENCE_DEPTH: usize = 256;

/// When less stack than this remains, a recursive pass continues on a new segment.
const RED_ZONE: usize = 256 * 1024;
/// The size of each new stack segment.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs one level of a recursive pass with enough stack under it.
#[inline]
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down(n: u64) -> u64 {
        // A frame large enough that 100,000 of them overflow any thread's default stack.
        let pad = [n; 64];
        if n == 0 { 0 } else { with_stack(|| down(n - 1)) + pad.iter().sum::<u64>() / 64 }
    }

    #[test]
    fn deep_recursion_runs_on_a_small_thread_stack() {
        let t = std::thread::Builder::new().stack_size(256 * 1024).spawn(|| down(100_000));
        let r = t.map(|h| h.join().ok());
        assert_eq!(r.ok().flatten(), Some((1..=100_000).sum::<u64>()));
    }
}
