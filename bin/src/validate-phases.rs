//! `validate-phases`: a live, phase-by-phase conformance check of an installation.

fn main() -> std::process::ExitCode {
    agov_commands::validate::main()
}
