//! `agov-launcher`: the kernel sandbox's launcher, between a governor and
//! each agent it starts (see `agov_sandbox::launcher`). Not for people: a
//! governor starts it as `agov-launcher __sandbox SPEC -- PROGRAM …`.

fn main() -> std::process::ExitCode {
    agov_sandbox::launcher::dispatch().unwrap_or_else(|| {
        eprintln!("agov-launcher: started by agov's governors only (`pipeline agent run`, `pipeline agent exec`)");
        std::process::ExitCode::from(64)
    })
}
