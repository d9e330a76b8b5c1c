//! The `stage-images` binary; all the work is in the library.

fn main() -> std::process::ExitCode {
    stage_images::cli::main()
}
