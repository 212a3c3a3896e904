//! Standard output for the commands' reports. A reader that closes the pipe early (`excalibur
//! sweep --list | head -1`) ends the command quietly with status 0, as a Unix filter does,
//! instead of the panic of `print!`.

use std::io::Write;

/// The reader of standard output has gone: the command stops quietly (exit 0).
#[derive(Debug, thiserror::Error)]
#[error("standard output was closed by its reader")]
pub struct Closed;

/// Writes `text` to standard output and flushes it.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(closed_or)
}

/// Writes lines to standard output as they come, through one buffer.
pub fn print_lines(lines: impl Iterator<Item = anyhow::Result<String>>) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in lines {
        writeln!(out, "{}", line?).map_err(closed_or)?;
    }
    out.flush().map_err(closed_or)
}

fn closed_or(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Closed.into()
    } else {
        anyhow::Error::from(e).context("cannot write to standard output")
    }
}

/// Whether an error is the closed pipe of [`Closed`].
pub fn is_closed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<Closed>())
}
