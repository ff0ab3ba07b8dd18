//! `ledger`: query, tail, export and verify the audit ledger.

fn main() -> std::process::ExitCode {
    agov_commands::ledger::main()
}
