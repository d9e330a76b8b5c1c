//! `stage-images completions SHELL` and `stage-images man`: documents generated from the
//! command-line definition, so they always match the arguments the binary accepts.

use clap::CommandFactory;
use clap_complete::Shell;

use super::output::write_stdout;
use super::{Args, Failure};

/// Prints the completion script for `shell`.
pub fn print_completions(shell: Shell) -> Result<(), Failure> {
    let mut command = Args::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "stage-images", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

/// Prints the manual page in roff, the format `man` reads.
pub fn print_man_page() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Args::command())
        .render(&mut page)
        .map_err(|error| Failure::Runtime(format!("cannot render the manual page: {error}")))?;
    write_stdout(&String::from_utf8_lossy(&page))
}
