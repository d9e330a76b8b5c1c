//! `stage-images completions SHELL` and `stage-images man`: documents generated from the
//! command-line definition, so they always match the arguments the binary accepts.

use std::path::Path;

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

/// Prints the main manual page in roff, the format `man` reads, or with `out_dir` writes it and
/// one page per command there, which the main page's list of commands refers to.
pub fn man_pages(out_dir: Option<&Path>) -> Result<(), Failure> {
    let Some(dir) = out_dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(Args::command())
            .render(&mut page)
            .map_err(|error| Failure::Runtime(format!("cannot render the manual page: {error}")))?;
        return write_stdout(&String::from_utf8_lossy(&page));
    };
    if !dir.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is not a folder; create it first or pick another --out-dir",
            dir.display()
        )));
    }
    clap_mangen::generate_to(Args::command(), dir).map_err(|error| {
        Failure::Runtime(format!(
            "cannot write the manual pages to {}: {error}",
            dir.display()
        ))
    })?;
    let mut written: Vec<String> = std::fs::read_dir(dir)
        .map_err(|error| Failure::Runtime(format!("cannot list {}: {error}", dir.display())))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("stage-images") && name.ends_with(".1"))
        .collect();
    written.sort();
    write_stdout(&format!(
        "wrote {} pages to {}: {}\n",
        written.len(),
        dir.display(),
        written.join(", ")
    ))
}
