//! The cells of one CSV line without quotes, split at commas by a plain byte loop: cells of a
//! register are a few bytes long, where a general substring search costs more to start than
//! to run.

/// The cells of `line`, in order (an empty line is one empty cell, as `str::split` gives).
pub(super) fn cells(line: &str) -> Cells<'_> {
    Cells { line, at: 0, done: false }
}

pub(super) struct Cells<'a> {
    line: &'a str,
    at: usize,
    done: bool,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let rest = self.line.as_bytes().get(self.at..).unwrap_or_default();
        let start = self.at;
        match rest.iter().position(|b| *b == b',') {
            Some(i) => {
                self.at = start + i + 1;
                // A comma is ASCII: both ends lie on character boundaries.
                self.line.get(start..start + i)
            }
            None => {
                self.done = true;
                self.line.get(start..)
            }
        }
    }
}

/// A cell read as a plain decimal while it is split off: the sign, at most 18 digits as one
/// whole number and the number of places (what `fixed::Reading::of_digits` takes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Digits {
    pub neg: bool,
    pub acc: u64,
    pub places: u32,
}

impl<'a> Cells<'a> {
    /// The next cell, and its number when it is a plain decimal (`-`, digits, at most one `.`
    /// with digits on both sides, at most 18 digits): one pass over the bytes for the cells of
    /// a register's number columns, which would otherwise be scanned once for the comma and
    /// again for the digits. Any other cell is returned without a number, for the general
    /// reading.
    #[inline]
    pub(super) fn next_number(&mut self) -> Option<(&'a str, Option<Digits>)> {
        if self.done {
            return None;
        }
        let bytes = self.line.as_bytes();
        let start = self.at;
        let neg = bytes.get(start) == Some(&b'-');
        let mut i = start + usize::from(neg);
        let mut acc: u64 = 0;
        let mut n = 0u32;
        let mut dot: Option<u32> = None;
        loop {
            match bytes.get(i) {
                Some(&b) if b.is_ascii_digit() => {
                    acc = acc.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                    n += 1;
                }
                Some(b'.') if dot.is_none() => dot = Some(n),
                Some(b',') => {
                    self.at = i + 1;
                    break;
                }
                None => {
                    self.done = true;
                    break;
                }
                Some(_) => return self.next().map(|cell| (cell, None)),
            }
            i += 1;
        }
        // A comma is ASCII: both ends lie on character boundaries.
        let cell = self.line.get(start..i)?;
        let int_digits = dot.unwrap_or(n);
        let places = n - int_digits;
        let plain = n <= 18 && int_digits > 0 && (dot.is_none() || places > 0);
        Some((cell, plain.then_some(Digits { neg, acc, places })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_str_split() {
        for line in ["", ",", "a", "a,b", ",a,", "甲,乙丙,,", "1,2.5,county,,true", "a,,"] {
            let want: Vec<&str> = line.split(',').collect();
            assert_eq!(cells(line).collect::<Vec<_>>(), want, "{line:?}");
        }
    }

    #[test]
    fn numbers_split_like_cells_and_read_like_the_general_parser() {
        let lines = [
            "",
            ",",
            "12,-3.5,0.25,,x,1.,.5,-,--1,1.2.3,2024-01-02,甲,1234567890123456789,123456789012345678",
            "7",
            "-0.0001,5 , 5,+5,1e3",
        ];
        for line in lines {
            let want: Vec<&str> = line.split(',').collect();
            let mut cells = cells(line);
            let mut got = Vec::new();
            while let Some((cell, digits)) = cells.next_number() {
                // A number is given exactly when the general parser reads one, and the same.
                let general = crate::compile::fixed::parse(cell.as_bytes(), 1, 0, 4);
                let fused = digits.and_then(|d| {
                    crate::compile::fixed::Reading::new(1, 0, 4).of_digits(d.neg, d.acc, d.places)
                });
                assert_eq!(fused, general, "{cell:?} in {line:?}");
                got.push(cell);
            }
            assert_eq!(got, want, "{line:?}");
        }
        // Mixed with the plain splitting, cell by cell.
        let mut c = cells("a,1.5,b,2");
        assert_eq!(c.next(), Some("a"));
        assert_eq!(c.next_number().map(|(t, d)| (t, d.map(|d| d.acc))), Some(("1.5", Some(15))));
        assert_eq!(c.next(), Some("b"));
        assert_eq!(c.next_number().map(|(t, d)| (t, d.map(|d| d.places))), Some(("2", Some(0))));
        assert_eq!(c.next_number(), None);
    }
}
