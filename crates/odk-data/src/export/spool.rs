//! Where repeat tables wait while the main table streams out.
//!
//! The crate opens no files itself: the caller supplies a factory, typically
//! `|| tempfile::tempfile()` on the server (an unnamed file the system deletes when it is
//! closed), or [`MemorySpools`] for small exports and tests.

use std::io::{self, Cursor, Read, Seek, Write};

/// A scratch stream: written once from the start, then read back from the start.
pub trait Spool: Read + Write + Seek + Send {}

impl<T: Read + Write + Seek + Send> Spool for T {}

/// Makes one spool per repeat table.
pub trait SpoolFactory {
    fn create(&mut self) -> io::Result<Box<dyn Spool>>;
}

impl<F, S> SpoolFactory for F
where
    F: FnMut() -> io::Result<S>,
    S: Spool + 'static,
{
    fn create(&mut self) -> io::Result<Box<dyn Spool>> {
        Ok(Box::new(self()?))
    }
}

/// Spools in memory: repeat tables then grow with the data, so only for small exports and
/// tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct MemorySpools;

impl SpoolFactory for MemorySpools {
    fn create(&mut self) -> io::Result<Box<dyn Spool>> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }
}
