//! Writing command output to standard output.

use std::io::{self, Write};

use super::Failure;

/// Writes to standard output; a closed pipe (`| head`) ends the output quietly.
pub fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::Runtime(format!(
            "cannot write to standard output: {error}"
        ))),
    }
}
