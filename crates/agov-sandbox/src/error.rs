//! What can go wrong setting up a sandbox.

/// A sandbox that cannot be set up. Nothing was started.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// `sandbox.toml` is malformed.
    #[error("the sandbox profiles are invalid: {0}")]
    Profile(String),
    /// The kernel cannot enforce what the tier's profile needs.
    #[error("this kernel cannot enforce the tier {tier} sandbox: {missing}")]
    Unsupported {
        /// The tier.
        tier: u8,
        /// What is missing (Landlock, or a right of a newer Landlock ABI).
        missing: String,
    },
    /// The places the agent would run in cannot be confined as asked.
    #[error("cannot confine the agent: {0}")]
    Places(String),
    /// The launcher cannot be found or started.
    #[error("cannot start the sandbox launcher: {0}")]
    Launcher(String),
}

impl SandboxError {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            SandboxError::Profile(_) => "fix policies/sandbox.toml (or the file named by sandbox_profiles in the config)".into(),
            SandboxError::Unsupported { .. } => "agov needs Linux Landlock ABI 6 (Linux 6.12 or later, with landlock in the lsm= boot list); an operator who accepts less may set sandbox = \"best-effort\" or \"off\", or sandbox_best_effort = [TIERS] for some tiers only, in the config file; every such run is recorded".into(),
            SandboxError::Places(_) => "run the agent in a working tree that holds neither agov's data folder nor the operator's credentials".into(),
            SandboxError::Launcher(_) => "the `pipeline` binary starts agents through itself: reinstall it (`cargo install --locked --path bin`)".into(),
        }
    }
}
