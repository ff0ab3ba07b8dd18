//! The kernel sandbox around every process an agent causes to run.
//!
//! An agent is untrusted code, so its tier is enforced by the kernel and
//! not only by agov's rules: [`Profiles`] (from `policies/sandbox.toml`) say
//! per tier which roots it may read and write, its TCP ports and its limits;
//! [`Profiles::confinement`] fills a profile in with one agent's places,
//! carving agov's own folders and the operator's credentials out of every
//! root; [`Sandbox::command`] starts the agent through the [`launcher`],
//! which confines it with Landlock before its first instruction and kills
//! its whole process tree when it ends or is stopped.
//!
//! A kernel that cannot enforce a profile is an error ([`SandboxError::Unsupported`])
//! unless the operator chose [`Mode::BestEffort`] or [`Mode::Off`]; callers
//! record every run that is not fully confined.

mod confine;
mod error;
pub mod kernel;
pub mod launcher;
pub mod profile;
mod seccomp;
mod tree;
mod worktree;

use std::path::PathBuf;
use std::process::Command;

pub use confine::{Access, Confinement, Grant, Places};
pub use error::SandboxError;
pub use profile::{Limits, Network, Profiles};

/// How strictly agents are confined (the `sandbox` setting).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every right of the profile enforced, or the agent does not start.
    #[default]
    Enforce,
    /// What this kernel can enforce; the rest is recorded as missing.
    BestEffort,
    /// No sandbox: agents run unconfined (recorded on every run).
    Off,
}

impl Mode {
    /// `enforce`, `best-effort` or `off`.
    pub fn parse(text: &str) -> Option<Mode> {
        match text {
            "enforce" => Some(Mode::Enforce),
            "best-effort" => Some(Mode::BestEffort),
            "off" => Some(Mode::Off),
            _ => None,
        }
    }

    /// The setting's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::BestEffort => "best-effort",
            Mode::Off => "off",
        }
    }
}

/// The governor's side: how to confine the agents it starts.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The mode.
    pub mode: Mode,
    /// The binary that acts as the [`launcher`]: [`launcher::BINARY`] beside
    /// the running one, else the running binary itself.
    pub launcher: PathBuf,
    /// The per-tier profiles.
    pub profiles: Profiles,
}

impl Sandbox {
    /// The built-in profiles, launched through [`launcher::BINARY`] beside
    /// the running binary (a small program, quick to start), or through the
    /// running binary where it is not installed.
    pub fn new(mode: Mode) -> Result<Sandbox, SandboxError> {
        let exe = std::env::current_exe()
            .map_err(|e| SandboxError::Launcher(format!("cannot find the running binary: {e}")))?;
        let beside = exe.with_file_name(launcher::BINARY);
        Ok(Sandbox {
            mode,
            launcher: if beside.is_file() { beside } else { exe },
            profiles: Profiles::built_in(),
        })
    }

    /// The confinement of a tier-`tier` agent at `places`, its ruleset built
    /// (which is how this kernel is checked: one it cannot enforce is
    /// [`SandboxError::Unsupported`]); `None` when the sandbox is off.
    pub fn prepare(&self, tier: u8, places: &Places) -> Result<Option<Confinement>, SandboxError> {
        if self.mode == Mode::Off {
            return Ok(None);
        }
        let mut c = self
            .profiles
            .confinement(tier, places, self.mode == Mode::BestEffort)?;
        c.ruleset = kernel::built(&c)?;
        Ok(Some(c))
    }

    /// A command that runs `argv` confined by `c`. The caller sets its
    /// environment, working directory and standard streams.
    pub fn command(&self, c: &Confinement, argv: &[String]) -> Result<Command, SandboxError> {
        self.command_as(c, None, argv)
    }

    /// Runs `cmd` (the agent's program, its environment, folder and streams
    /// set) confined by `c`, with this process as its launcher: one program
    /// start fewer than [`Sandbox::command`]. Only for a one-shot governor
    /// that waits for the agent on the thread that starts it. `Ok(None)`
    /// where this process cannot be the launcher (a PID namespace needs a
    /// user namespace): then start it with [`Sandbox::command`]; otherwise
    /// the outcome of starting and waiting for it.
    pub fn run_here(
        &self,
        c: &Confinement,
        cmd: &mut Command,
    ) -> Result<Option<std::io::Result<std::process::ExitStatus>>, SandboxError> {
        let ruleset = match built(c)? {
            confine::Built::Landlock(fd) => Some(fd),
            confine::Built::No | confine::Built::Unavailable => None,
        };
        launcher::run_here(c, ruleset, cmd)
    }

    /// [`Sandbox::command`], with the program's own `argv[0]` set to
    /// `arg0` (what a multi-call program reads). The launcher inherits the
    /// ruleset [`Sandbox::prepare`] built (built now if it was not).
    pub fn command_as(
        &self,
        c: &Confinement,
        arg0: Option<&str>,
        argv: &[String],
    ) -> Result<Command, SandboxError> {
        let built = built(c)?;
        let mut cmd = Command::new(&self.launcher);
        let spec = launcher::Spec::new(c, &built);
        cmd.arg(launcher::ARG)
            .arg(serde_json::to_string(&spec).expect("a launch spec always serialises"));
        if let Some(name) = arg0 {
            cmd.arg("--arg0").arg(name);
        }
        cmd.arg("--").args(argv);
        if let confine::Built::Landlock(fd) = built {
            launcher::inherit(&mut cmd, fd);
        }
        Ok(cmd)
    }
}

/// `c`'s ruleset, built now if [`Sandbox::prepare`] did not.
fn built(c: &Confinement) -> Result<confine::Built, SandboxError> {
    Ok(match &c.ruleset {
        confine::Built::No => kernel::built(c)?,
        b => b.clone(),
    })
}
