//! A structural check of legacy `.xls` containers (OLE compound files) before
//! calamine reads them.
//!
//! calamine follows sector chains without looking for loops, and indexes its
//! allocation table with ids read from the file: a 6 KB file whose directory chain
//! loops makes it allocate until the process dies, and an id past the table's end
//! makes it panic (both found by fuzzing). Every chain is checked here first: ids
//! in range, no loops. calamine also reserves memory for the cell count a sheet's
//! DIMENSIONS record claims, so those records are read and bounded too.

const FREE_OR_SPECIAL: u32 = 0xFFFF_FFFA;

/// Why a compound file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken(pub &'static str);

/// The most cells one sheet may claim; real forms use a few thousand.
const MAX_CELLS: u64 = 2_000_000;

/// Checks the header, the allocation tables, that no chain loops, and that no sheet
/// claims more cells than `MAX_CELLS`.
pub fn check(data: &[u8]) -> Result<(), Broken> {
    if data.len() < 512 {
        return Err(Broken("the file is shorter than its header"));
    }
    let shift = u16_at(data, 0x1E).ok_or(Broken("no sector size"))?;
    if shift != 9 && shift != 12 {
        return Err(Broken("unknown sector size"));
    }
    let sector_size = 1usize << shift;
    let sectors = data.len() / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
        data.get(start..start.checked_add(sector_size)?)
    };
    // The DIFAT: 109 ids in the header, then a chain of DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(data, 0x4C + 4 * i))
        .collect();
    let mut next = u32_at(data, 0x44).ok_or(Broken("no DIFAT start"))?;
    let mut steps = 0;
    while next < FREE_OR_SPECIAL {
        steps += 1;
        if steps > sectors {
            return Err(Broken("the DIFAT chain loops"));
        }
        let s = sector(next).ok_or(Broken("a DIFAT sector lies past the end"))?;
        let ids: Vec<u32> = s.chunks_exact(4).map(le32).collect();
        let (last, rest) = ids.split_last().ok_or(Broken("an empty DIFAT sector"))?;
        fat_sectors.extend_from_slice(rest);
        next = *last;
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_sectors.into_iter().filter(|id| *id < FREE_OR_SPECIAL) {
        let s = sector(id).ok_or(Broken("a FAT sector lies past the end"))?;
        fat.extend(s.chunks_exact(4).map(le32));
        if fat.len() > sectors.saturating_mul(sector_size / 4) + sector_size {
            return Err(Broken("the FAT is larger than the file"));
        }
    }
    check_table(&fat)?;
    // The mini FAT is itself a chain in the FAT (checked above for loops).
    let mut mini: Vec<u32> = Vec::new();
    let mut id = u32_at(data, 0x3C).ok_or(Broken("no mini FAT start"))?;
    while id < FREE_OR_SPECIAL {
        let s = sector(id).ok_or(Broken("a mini FAT sector lies past the end"))?;
        mini.extend(s.chunks_exact(4).map(le32));
        id = *fat
            .get(id as usize)
            .ok_or(Broken("a mini FAT id lies past the FAT"))?;
    }
    check_table(&mini)?;
    let dir_start = u32_at(data, 0x30).ok_or(Broken("no directory start"))?;
    let directory = chain(&fat, dir_start, &sector, sector_size)?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let root = entries.first().ok_or(Broken("no root directory entry"))?;
    let wide = shift == 12;
    let mini_stream = chain(&fat, le32(&root[116..120]), &sector, sector_size)?;
    let Some(book) = entries.iter().find(|e| {
        matches!(
            entry_name(e).to_ascii_lowercase().as_str(),
            "workbook" | "book"
        )
    }) else {
        return Ok(());
    };
    let start = le32(&book[116..120]);
    let len = if wide {
        u64::from_le_bytes(book[120..128].try_into().unwrap_or([0; 8]))
    } else {
        u64::from(le32(&book[120..124]))
    };
    let stream = if len < 4096 {
        let mini_sector = |id: u32| -> Option<&[u8]> {
            let at = (id as usize).checked_mul(64)?;
            mini_stream.get(at..at.checked_add(64)?)
        };
        chain(&mini, start, &mini_sector, 64)?
    } else {
        chain(&fat, start, &sector, sector_size)?
    };
    let len = usize::try_from(len).unwrap_or(usize::MAX).min(stream.len());
    check_dimensions(&stream[..len])
}

/// Reads a chain of sectors; `table` has been checked, so the walk ends.
fn chain<'a>(
    table: &[u32],
    start: u32,
    sector: &dyn Fn(u32) -> Option<&'a [u8]>,
    size: usize,
) -> Result<Vec<u8>, Broken> {
    let mut out = Vec::new();
    let mut id = start;
    while id < FREE_OR_SPECIAL {
        let s = sector(id).ok_or(Broken("a sector lies past the end"))?;
        out.extend_from_slice(s);
        id = *table
            .get(id as usize)
            .ok_or(Broken("a chain leaves its table"))?;
        if out.len() > table.len().saturating_mul(size) {
            return Err(Broken("a chain is longer than its table"));
        }
    }
    Ok(out)
}

fn entry_name(entry: &[u8]) -> String {
    let units: Vec<u16> = entry[..64]
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .take_while(|u| *u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// BIFF records of the workbook stream: every DIMENSIONS record must describe a
/// sheet of at most `MAX_CELLS` cells, read the way calamine reads it.
fn check_dimensions(stream: &[u8]) -> Result<(), Broken> {
    let mut at = 0;
    // calamine also builds each sheet as a dense grid spanning its cells, from the
    // first row and column used to the last: bound that span per sheet (BOF 0x0809
    // starts one). Found by fuzzing: cells at column 0 and 65535 of 65536 rows.
    let mut span = CellSpan::default();
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = stream.get(at + 4..at + 4 + len).unwrap_or(&[]);
        at += 4 + len;
        match typ {
            0x0809 => span = CellSpan::default(),
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA: row, column.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    span.add(r, c, c)?;
                }
            }
            // MULRK: row, first column, ..., last column.
            0x00BD => {
                if let (Some(r), Some(c), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                ) {
                    span.add(r, c, last.max(c))?;
                }
            }
            _ => {}
        }
        if typ != 0x0200 {
            continue;
        }
        let (first_row, last_row, mut first_col, last_col) = match data.len() {
            10 => (
                u64::from(u16_at(data, 0).unwrap_or(0)),
                u64::from(u16_at(data, 2).unwrap_or(0)),
                u64::from(u16_at(data, 4).unwrap_or(0)),
                u64::from(u16_at(data, 6).unwrap_or(0)),
            ),
            14 | 16 => (
                u64::from(u32_at(data, 0).unwrap_or(0)),
                u64::from(u32_at(data, 4).unwrap_or(0)),
                u64::from(u16_at(data, 8).unwrap_or(0)),
                u64::from(u16_at(data, 10).unwrap_or(0)),
            ),
            _ => continue,
        };
        if first_col > 0xFF || last_col < first_col {
            first_col = 0;
        }
        if last_row == 0 || last_col == 0 {
            continue;
        }
        if last_row - 1 < first_row || last_col - 1 < first_col {
            return Err(Broken("a sheet's dimensions end before they start"));
        }
        let cells = (last_row - first_row).saturating_mul(last_col - first_col);
        if cells > MAX_CELLS {
            return Err(Broken("a sheet claims more cells than a form can have"));
        }
    }
    Ok(())
}

/// The rows and columns a sheet's cells span so far.
#[derive(Default)]
struct CellSpan {
    rows: Option<(u16, u16)>,
    cols: Option<(u16, u16)>,
}

impl CellSpan {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) -> Result<(), Broken> {
        let widen = |span: Option<(u16, u16)>, lo: u16, hi: u16| {
            Some(span.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))))
        };
        self.rows = widen(self.rows, row, row);
        self.cols = widen(self.cols, first_col, last_col);
        let width = |s: Option<(u16, u16)>| s.map_or(0, |(a, b)| u64::from(b - a) + 1);
        if width(self.rows).saturating_mul(width(self.cols)) > MAX_CELLS {
            return Err(Broken(
                "a sheet's cells span more rows and columns than a form can have",
            ));
        }
        Ok(())
    }
}

/// Every id in range, and following `next` from any sector ends.
fn check_table(table: &[u32]) -> Result<(), Broken> {
    if table
        .iter()
        .any(|&n| n < FREE_OR_SPECIAL && n as usize >= table.len())
    {
        return Err(Broken("a sector chain points past its table"));
    }
    // Colours: 0 unseen, 1 on the current walk, 2 known to end.
    let mut colour = vec![0u8; table.len()];
    for start in 0..table.len() {
        let mut walk = Vec::new();
        let mut at = start;
        loop {
            match colour[at] {
                2 => break,
                1 => return Err(Broken("a sector chain loops")),
                _ => {}
            }
            colour[at] = 1;
            walk.push(at);
            let n = table[at];
            if n >= FREE_OR_SPECIAL {
                break;
            }
            at = n as usize;
        }
        for w in walk {
            colour[w] = 2;
        }
    }
    Ok(())
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4).map(le32)
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_that_loops_is_refused() {
        assert_eq!(check_table(&[1, 0]), Err(Broken("a sector chain loops")));
        assert_eq!(check_table(&[1, 0xFFFF_FFFE, 0xFFFF_FFFF]), Ok(()));
        assert_eq!(
            check_table(&[7]),
            Err(Broken("a sector chain points past its table"))
        );
    }

    #[test]
    fn a_real_xls_passes() {
        assert_eq!(
            check(include_bytes!("../../tests/fixtures/form.xls")),
            Ok(())
        );
    }
}
