//! `memory`: the memory store.

fn main() -> std::process::ExitCode {
    agov_commands::memory::main()
}
