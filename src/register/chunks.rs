//! Cutting a CSV file into blocks of whole records, in file order, each with the line it starts
//! at.

use std::io::Read;

/// A block of whole records and the 1-based line of its first byte; or, from a Parquet file, a
/// batch of rows (`bytes` empty) and the line of its first row.
pub struct Block {
    pub seq: u64,
    pub first_line: u64,
    pub bytes: Vec<u8>,
    pub batch: Option<super::batches::Spent>,
    /// The members of its owners, one per member kind ([`super::members`]).
    pub members: Vec<super::members::Raw>,
}

/// Reads whole records from `input`, about `size` bytes at a time.
pub struct Blocks<R> {
    input: R,
    size: usize,
    carry: Vec<u8>,
    line: u64,
    seq: u64,
    done: bool,
    max_line: u64,
}

/// A record longer than the line limit: its first bytes (about the limit) and its line.
#[derive(Debug)]
pub struct TooLong {
    pub head: Vec<u8>,
    pub line: u64,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} is too long", self.line)
    }
}

impl std::error::Error for TooLong {}

/// The record and line of a [`TooLong`] error.
pub fn overlong(e: &std::io::Error) -> Option<(&[u8], u64)> {
    let t = e.get_ref()?.downcast_ref::<TooLong>()?;
    Some((&t.head, t.line))
}

impl<R: Read> Blocks<R> {
    /// Blocks of `input` whose first line is `first_line`; a record longer than `max_line`
    /// bytes is an error ([`TooLong`]), raised once about that many bytes of it are read.
    pub fn new(input: R, size: usize, carry: Vec<u8>, first_line: u64, max_line: u64) -> Self {
        Blocks {
            input,
            size: size.max(1024),
            carry,
            line: first_line,
            seq: 0,
            done: false,
            max_line,
        }
    }

    /// The next block, or `None` at the end of the file.
    pub fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        loop {
            if !self.done && self.carry.len() < self.size {
                let start = self.carry.len();
                self.carry.resize(start + self.size, 0);
                let mut filled = start;
                while filled < self.carry.len() {
                    let n = self.input.read(self.carry.get_mut(filled..).unwrap_or_default())?;
                    if n == 0 {
                        self.done = true;
                        break;
                    }
                    filled += n;
                }
                self.carry.truncate(filled);
            }
            if self.carry.is_empty() {
                return Ok(None);
            }
            let cut = if self.done { Some(self.carry.len()) } else { record_end(&self.carry) };
            let Some(cut) = cut else {
                if u64::try_from(self.carry.len()).unwrap_or(u64::MAX) > self.max_line {
                    let mut head = std::mem::take(&mut self.carry);
                    head.truncate(usize::try_from(self.max_line).unwrap_or(usize::MAX));
                    return Err(std::io::Error::other(TooLong { head, line: self.line }));
                }
                // One record longer than a block: read on, up to the line limit.
                let room = usize::try_from(self.max_line).unwrap_or(usize::MAX);
                self.size = self.size.saturating_mul(2).min(room.saturating_add(1)).max(self.size);
                continue;
            };
            let rest = self.carry.split_off(cut);
            let bytes = std::mem::replace(&mut self.carry, rest);
            let lines = count_lines(&bytes);
            let block = Block {
                seq: self.seq,
                first_line: self.line,
                bytes,
                batch: None,
                members: Vec::new(),
            };
            self.seq += 1;
            self.line += lines;
            return Ok(Some(block));
        }
    }
}

/// The number of line breaks in a block.
pub fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// Just past the last line break that ends a record (outside quotes), if any.
pub fn record_end(bytes: &[u8]) -> Option<usize> {
    if !bytes.contains(&b'"') {
        return bytes.iter().rposition(|b| *b == b'\n').map(|i| i + 1);
    }
    let mut quoted = false;
    let mut last = None;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => last = Some(i + 1),
            _ => {}
        }
    }
    last
}

/// The header record: its bytes without the line break, and the bytes after it.
pub fn split_header(bytes: &[u8]) -> (&[u8], &[u8]) {
    let mut quoted = false;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                let head = bytes.get(..i).unwrap_or_default();
                let head = head.strip_suffix(b"\r").unwrap_or(head);
                return (head, bytes.get(i + 1..).unwrap_or_default());
            }
            _ => {}
        }
    }
    (bytes, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_records_and_count_lines() {
        let text = b"a,1\nb,\"x\ny\"\nc,3\nd,4";
        let mut blocks = Blocks::new(&text[..], 1024, Vec::new(), 2, 1 << 20);
        let b = blocks.next_block().unwrap().unwrap();
        assert_eq!(b.first_line, 2);
        assert_eq!(b.bytes, text.to_vec());
        assert!(blocks.next_block().unwrap().is_none());
        assert_eq!(record_end(b"a,\"x\ny\nz"), None);
        assert_eq!(record_end(b"a,\"x\ny\"\nz"), Some(8));
        let (h, rest) = split_header(b"id,\"a\nb\"\r\n1,2\n");
        assert_eq!(h, b"id,\"a\nb\"");
        assert_eq!(rest, b"1,2\n");
    }

    #[test]
    fn small_blocks_cut_between_lines() {
        let text: Vec<u8> = (0..500).flat_map(|i| format!("{i},x\n").into_bytes()).collect();
        let mut blocks = Blocks::new(&text[..], 1024, Vec::new(), 2, 1 << 20);
        let mut all = Vec::new();
        let mut line = 2;
        while let Some(b) = blocks.next_block().unwrap() {
            assert_eq!(b.first_line, line);
            assert!(b.bytes.ends_with(b"\n"));
            line += count_lines(&b.bytes);
            all.extend(b.bytes);
        }
        assert_eq!(all, text);
    }
}
