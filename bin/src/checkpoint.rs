//! `checkpoint`: snapshots of the governance state, and the briefing after a reset.

fn main() -> std::process::ExitCode {
    agov_commands::checkpoint::main()
}
