//! `pipeline`: governed agents.

fn main() -> std::process::ExitCode {
    agov_commands::pipeline::main()
}
