//! How the governor confines the agents it starts: the sandbox mode and
//! profiles, and what no agent may reach (agov's own folders, the
//! operator's HOME for `~`), turned into one agent's confinement.

use std::path::{Path, PathBuf};

use agov_sandbox::{Confinement, Mode, Places, Sandbox, SandboxError};

/// The governor's containment settings.
#[derive(Clone, Debug)]
pub struct Containment {
    /// The sandbox (mode, launcher, profiles).
    pub sandbox: Sandbox,
    /// agov's own folders and files: never reachable by an agent.
    pub agov: Vec<PathBuf>,
    /// The operator's HOME (what `~` means in the profiles).
    pub operator_home: Option<PathBuf>,
}

/// One agent's folders.
#[derive(Clone, Debug)]
pub struct AgentPlaces<'p> {
    /// The working tree it runs in.
    pub work: &'p Path,
    /// Its output folder.
    pub out: &'p Path,
    /// Its private HOME.
    pub home: &'p Path,
    /// Its packet file.
    pub packet: Option<&'p Path>,
}

impl Containment {
    /// Containment with the built-in profiles, launched through the running binary.
    pub fn new(mode: Mode, agov: Vec<PathBuf>) -> Result<Containment, SandboxError> {
        Ok(Containment {
            sandbox: Sandbox::new(mode)?,
            agov,
            operator_home: std::env::var_os("HOME").map(PathBuf::from),
        })
    }

    /// The confinement of a tier-`tier` agent (checked against this kernel),
    /// or `None` when the sandbox is off.
    pub fn confine(
        &self,
        tier: u8,
        at: &AgentPlaces<'_>,
    ) -> Result<Option<(Sandbox, Confinement)>, SandboxError> {
        let places = Places {
            work: std::path::absolute(at.work).unwrap_or_else(|_| at.work.to_path_buf()),
            out: at.out.to_path_buf(),
            home: at.home.to_path_buf(),
            packet: at.packet.map(Path::to_path_buf),
            operator_home: self.operator_home.clone(),
            agov: self.agov.clone(),
        };
        Ok(self
            .sandbox
            .prepare(tier, &places)?
            .map(|c| (self.sandbox.clone(), c)))
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.sandbox.mode
    }
}
