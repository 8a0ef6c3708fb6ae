//! A short unified diff between a file and its formatted text, for `zhengce fmt --check`.

/// How many unchanged lines are shown around a change.
const CONTEXT: usize = 2;
/// Beyond this many line pairs the diff is not computed (the quadratic table would be large);
/// the file is still reported as needing formatting.
const MAX_CELLS: usize = 16_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Add,
}

/// The unified diff of `old` and `new` (by lines) under the headers `--- name` and
/// `+++ name (formatted)`, or `None` when the files are too large to compare line by line.
pub fn unified(name: &str, old: &str, new: &str) -> Option<String> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    if n.checked_mul(m).is_none_or(|cells| cells > MAX_CELLS) {
        return None;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], in one flat table.
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if a.get(i) == b.get(j) {
                lcs.get((i + 1) * width + j + 1).map_or(0, |x| x + 1)
            } else {
                let down = lcs.get((i + 1) * width + j).copied().unwrap_or(0);
                let right = lcs.get(i * width + j + 1).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = lcs.get_mut(i * width + j) {
                *cell = v;
            }
        }
    }
    let at = |i: usize, j: usize| lcs.get(i * width + j).copied().unwrap_or(0);
    let mut ops: Vec<(Op, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a.get(i) == b.get(j) {
            ops.push((Op::Same, i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || at(i + 1, j) >= at(i, j + 1)) {
            ops.push((Op::Del, i, j));
            i += 1;
        } else {
            ops.push((Op::Add, i, j));
            j += 1;
        }
    }
    let mut out = format!("--- {name}\n+++ {name} (formatted)\n");
    let changed: Vec<usize> =
        ops.iter().enumerate().filter(|(_, (op, ..))| *op != Op::Same).map(|(k, _)| k).collect();
    let mut k = 0;
    while let Some(&first) = changed.get(k) {
        // A hunk: changes less than 2 × CONTEXT unchanged lines apart, with context around.
        let mut last = first;
        while let Some(&next) = changed.get(k + 1) {
            if next - last > 2 * CONTEXT + 1 {
                break;
            }
            last = next;
            k += 1;
        }
        k += 1;
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(ops.len());
        let hunk = ops.get(start..end).unwrap_or(&[]);
        let (old_len, new_len) = hunk.iter().fold((0, 0), |(o, n), (op, ..)| match op {
            Op::Same => (o + 1, n + 1),
            Op::Del => (o + 1, n),
            Op::Add => (o, n + 1),
        });
        let (oi, nj) = hunk.first().map_or((0, 0), |(_, i, j)| (*i, *j));
        out.push_str(&format!("@@ -{},{old_len} +{},{new_len} @@\n", oi + 1, nj + 1));
        for (op, i, j) in hunk {
            let (mark, line) = match op {
                Op::Same => (' ', a.get(*i)),
                Op::Del => ('-', a.get(*i)),
                Op::Add => ('+', b.get(*j)),
            };
            out.push(mark);
            out.push_str(line.copied().unwrap_or(""));
            out.push('\n');
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\n";
        let d = unified("x.zc", old, new).unwrap_or_default();
        assert_eq!(d, "--- x.zc\n+++ x.zc (formatted)\n@@ -2,5 +2,5 @@\n b\n c\n-d\n+D\n e\n f\n");
    }

    #[test]
    fn an_added_line_at_the_end() {
        let d = unified("x.zc", "a\n", "a\nb\n").unwrap_or_default();
        assert_eq!(d, "--- x.zc\n+++ x.zc (formatted)\n@@ -1,1 +1,2 @@\n a\n+b\n");
    }
}
