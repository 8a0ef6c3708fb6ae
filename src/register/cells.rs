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
}
