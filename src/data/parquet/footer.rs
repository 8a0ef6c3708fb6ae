//! A Parquet file's footer, and the headers of its pages, checked before the Parquet reader
//! decodes them.
//!
//! The footer is the file's metadata in Thrift's compact encoding. The reader trusts the sizes
//! it states: a list that claims four billion elements makes it ask for their memory at once
//! (34 GB from a 7 KB file found by fuzzing), and a failed allocation ends the process. This
//! pass walks the encoding without building anything and refuses a footer in which any list,
//! set, map or byte string claims more elements or bytes than the footer has left to hold them,
//! or that nests deeper than any real footer: what the reader then allocates is bounded by the
//! footer's own size. The footer also places each column chunk ([`Chunk`]), whose page headers
//! ([`page_header`]) are then checked the same way (the caller, `super::pages`, holds each page
//! within its chunk and its decompressed size within what the codec can make). A file that
//! passes can still be refused by the reader, with its own reason.

/// The largest footer read (real footers are kilobytes; a register of thousands of row groups a
/// few megabytes).
pub const MAX_FOOTER: u64 = 64 << 20;

/// Nesting deeper than any footer Parquet's format defines (about ten levels).
const MAX_DEPTH: u32 = 64;

/// Checks the footer of a Parquet file of `len` bytes whose last bytes `tail(start, length)`
/// reads; `Err` with the reason when the file cannot be a Parquet file or its footer claims
/// more than it holds. A footer that is not plain (an encrypted file's `PARE`) is left to the
/// reader, which refuses it.
pub fn check(
    len: u64,
    tail: impl FnOnce(u64, usize) -> Result<Vec<u8>, String>,
    last8: [u8; 8],
) -> Result<Vec<Chunk>, String> {
    let [a, b, c, d, m0, m1, m2, m3] = last8;
    if [m0, m1, m2, m3] != *b"PAR1" {
        return Ok(Vec::new());
    }
    let footer = u64::from(u32::from_le_bytes([a, b, c, d]));
    // The leading `PAR1`, the footer, its length and the trailing `PAR1`.
    if footer.saturating_add(12) > len {
        return Err(format!("the footer claims {footer} bytes, more than the file holds"));
    }
    if footer > MAX_FOOTER {
        return Err(format!("the footer claims {footer} bytes, more than {MAX_FOOTER}"));
    }
    let start = len - 8 - footer;
    let bytes = tail(start, usize::try_from(footer).map_err(|e| e.to_string())?)?;
    let mut walk = Walk { bytes: &bytes, at: 0 };
    walk.value(STRUCT, 0)?;
    // Walked whole: now the column chunks' places, read again.
    let mut walk = Walk { bytes: &bytes, at: 0 };
    let mut chunks = Vec::new();
    walk.fields(0, |w, id, ty| match (id, ty) {
        (4, LIST) => w.structs(1, |w| row_group(w, &mut chunks)),
        _ => w.value(ty, 1),
    })?;
    Ok(chunks)
}

/// A column chunk as the footer places it: its codec, first byte and compressed size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Chunk {
    pub codec: i64,
    pub start: i64,
    pub size: i64,
}

/// The column chunks of a row group (`RowGroup.columns`, field 1).
fn row_group(w: &mut Walk<'_>, chunks: &mut Vec<Chunk>) -> Result<(), String> {
    w.fields(2, |w, id, ty| match (id, ty) {
        (1, LIST) => w.structs(3, |w| column_chunk(w, chunks)),
        _ => w.value(ty, 3),
    })
}

/// A column chunk's metadata (`ColumnChunk.meta_data`, field 3).
fn column_chunk(w: &mut Walk<'_>, chunks: &mut Vec<Chunk>) -> Result<(), String> {
    w.fields(4, |w, id, ty| match (id, ty) {
        (3, STRUCT) => {
            let (mut chunk, mut data, mut dict) = (Chunk::default(), 0, 0);
            w.fields(5, |w, id, ty| match (id, ty) {
                (4, I32) => w.int().map(|v| chunk.codec = v),
                (7, I64) => w.int().map(|v| chunk.size = v),
                (9, I64) => w.int().map(|v| data = v),
                (11, I64) => w.int().map(|v| dict = v),
                _ => w.value(ty, 6),
            })?;
            // The dictionary page comes first, when there is one.
            chunk.start = if dict > 0 && dict < data { dict } else { data };
            chunks.push(chunk);
            Ok(())
        }
        _ => w.value(ty, 5),
    })
}

/// What a page header (`PageHeader`) states: its header's own length, and its sizes compressed
/// and not; `Err` when it cannot be a page header within `bytes`.
pub fn page_header(bytes: &[u8]) -> Result<(usize, i64, i64), String> {
    let mut w = Walk { bytes, at: 0 };
    let (mut plain, mut packed) = (-1, -1);
    w.fields(0, |w, id, ty| match (id, ty) {
        (2, I32) => w.int().map(|v| plain = v),
        (3, I32) => w.int().map(|v| packed = v),
        _ => w.value(ty, 1),
    })?;
    Ok((w.at, plain, packed))
}

const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const UUID: u8 = 13;

/// A position in the footer's bytes.
struct Walk<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Walk<'_> {
    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = self.bytes.get(self.at).copied().ok_or("the metadata ends inside a value")?;
        self.at += 1;
        Ok(b)
    }

    fn skip(&mut self, n: usize) -> Result<(), String> {
        if n > self.left() {
            return Err(format!(
                "a value of the metadata claims {n} bytes; {} are left",
                self.left()
            ));
        }
        self.at += n;
        Ok(())
    }

    /// An unsigned variable-length integer (at most ten bytes).
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number of the metadata runs past ten bytes".to_string())
    }

    /// A zigzag-encoded integer.
    fn int(&mut self) -> Result<i64, String> {
        let n = self.varint()?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    /// The fields of a struct at nesting `depth`, each handed to `f` with its id and type (a
    /// boolean field's value is its type, already read).
    fn fields(
        &mut self,
        depth: u32,
        mut f: impl FnMut(&mut Self, i64, u8) -> Result<(), String>,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("the metadata nests deeper than any Parquet file's".to_string());
        }
        let mut id = 0i64;
        loop {
            let head = self.byte()?;
            if head == 0 {
                return Ok(());
            }
            id = match head >> 4 {
                0 => self.int()?,
                delta => id + i64::from(delta),
            };
            match head & 0x0f {
                BOOL_TRUE | BOOL_FALSE => {}
                t => f(self, id, t)?,
            }
        }
    }

    /// The elements of a list of structs, each handed to `f` (a list of another type skipped).
    fn structs(
        &mut self,
        depth: u32,
        mut f: impl FnMut(&mut Self) -> Result<(), String>,
    ) -> Result<(), String> {
        let head = self.byte()?;
        let n = match head >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        let n = self.count(n, 1, "list")?;
        for _ in 0..n {
            if head & 0x0f == STRUCT {
                f(self)?;
            } else {
                self.value(head & 0x0f, depth)?;
            }
        }
        Ok(())
    }

    /// A count of `min` bytes or more per element, which the rest of the footer must hold.
    fn count(&mut self, n: u64, min: usize, what: &str) -> Result<usize, String> {
        let n = usize::try_from(n).map_err(|e| e.to_string())?;
        if n.saturating_mul(min) > self.left() {
            return Err(format!(
                "a {what} of the metadata claims {n} elements; {} bytes are left",
                self.left()
            ));
        }
        Ok(n)
    }

    /// Skips one value of Thrift compact type `ty` at nesting `depth`.
    fn value(&mut self, ty: u8, depth: u32) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("the metadata nests deeper than any Parquet file's".to_string());
        }
        match ty {
            BOOL_TRUE | BOOL_FALSE | BYTE => self.skip(1),
            I16 | I32 | I64 => self.varint().map(|_| ()),
            DOUBLE => self.skip(8),
            UUID => self.skip(16),
            BINARY => {
                let n = self.varint()?;
                self.skip(usize::try_from(n).map_err(|e| e.to_string())?)
            }
            LIST | SET => {
                let head = self.byte()?;
                let n = match head >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                let elem = head & 0x0f;
                let min = if elem == DOUBLE { 8 } else { 1 };
                for _ in 0..self.count(n, min, "list")? {
                    // A boolean element is a byte of its own.
                    if elem == BOOL_TRUE || elem == BOOL_FALSE {
                        self.skip(1)?;
                    } else {
                        self.value(elem, depth + 1)?;
                    }
                }
                Ok(())
            }
            MAP => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                for _ in 0..self.count(n, 2, "map")? {
                    self.value(types >> 4, depth + 1)?;
                    self.value(types & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            STRUCT => self.fields(depth, |w, _, t| w.value(t, depth + 1)),
            other => Err(format!("the metadata holds a value of unknown type {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(bytes: &[u8]) -> Result<(), String> {
        Walk { bytes, at: 0 }.value(STRUCT, 0)
    }

    #[test]
    fn a_list_that_claims_more_than_the_footer_holds_is_refused() {
        // Field 1, a list of i64 whose size is the varint 2^32 - 1.
        let huge = [0x19, 0xf6, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00];
        let e = walk(&huge).unwrap_err();
        assert!(e.contains("4294967295 elements"), "{e}");
        // The same list with two elements, then the struct's end.
        assert_eq!(walk(&[0x19, 0x26, 0x02, 0x04, 0x00]), Ok(()));
    }

    #[test]
    fn strings_maps_and_nesting_are_bounded() {
        // Field 1, a binary of 100 bytes with 2 left.
        assert!(walk(&[0x18, 100, b'a', b'b']).unwrap_err().contains("100 bytes"));
        // A map that claims a million entries.
        assert!(walk(&[0x1b, 0xc0, 0x84, 0x3d, 0x88]).unwrap_err().contains("map"));
        // Structs nested past the limit.
        let deep = vec![0x1c; 200];
        assert!(walk(&deep).unwrap_err().contains("deeper"));
        // A boolean field, a long field id, a double.
        assert_eq!(walk(&[0x11, 0x07, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 0x00]), Ok(()));
    }
}
