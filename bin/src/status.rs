//! `status`: where work stands, directory by directory.

fn main() -> std::process::ExitCode {
    agov_commands::status::main()
}
