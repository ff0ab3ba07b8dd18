//! `bugs`: the bug log.

fn main() -> std::process::ExitCode {
    agov_commands::bugs::main()
}
