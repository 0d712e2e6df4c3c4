//! CSV as Central writes it (csv-stringify with no options): UTF-8 without a BOM, commas,
//! LF after every row including the last, a value quoted only when it needs to be, inner
//! quotes doubled, empty values never quoted.
//!
//! One departure: a value holding a CR is quoted too. RFC 4180 asks for it, and a reader
//! that splits lines on CR would otherwise cut the row; every reader gets the same value.

use std::borrow::Cow;
use std::io::{self, Write};

/// Writes one row.
pub fn write_row<W: Write + ?Sized, S: AsRef<str>>(out: &mut W, cells: &[S]) -> io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_cell(out, cell.as_ref())?;
    }
    out.write_all(b"\n")
}

fn write_cell<W: Write + ?Sized>(out: &mut W, value: &str) -> io::Result<()> {
    if !value.contains([',', '"', '\n', '\r']) {
        return out.write_all(value.as_bytes());
    }
    out.write_all(b"\"")?;
    let escaped: Cow<str> = if value.contains('"') {
        Cow::Owned(value.replace('"', "\"\""))
    } else {
        Cow::Borrowed(value)
    };
    out.write_all(escaped.as_bytes())?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> String {
        let mut out = Vec::new();
        write_row(&mut out, cells).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(row(&["a", "", "5", "Київ"]), "a,,5,Київ\n");
        assert_eq!(
            row(&["a,b", "say \"hi\"", "two\nlines"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
        );
        assert_eq!(row(&["cr\r"]), "\"cr\r\"\n");
        assert_eq!(row(&[" padded "]), " padded \n");
        assert_eq!(row(&["=1+1"]), "=1+1\n");
    }
}
