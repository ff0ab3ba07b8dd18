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
    /// Tiers the operator runs with best effort under an enforced sandbox
    /// (`sandbox_best_effort`).
    pub best_effort: Vec<u8>,
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
    /// Its command line.
    pub argv: &'p [String],
}

/// A PATH folder such as `/root/.cargo/bin` or `/root/.pyenv/shims` stands
/// for its toolchain's folder (`/root/.cargo`), whose programs it runs.
fn toolchain_root(dir: PathBuf) -> PathBuf {
    let named =
        |p: &Path, f: &dyn Fn(&str) -> bool| p.file_name().and_then(|n| n.to_str()).is_some_and(f);
    match dir.parent() {
        Some(parent)
            if named(&dir, &|n| n == "bin" || n == "shims")
                && named(parent, &|n| n.starts_with('.') && n.len() > 1) =>
        {
            parent.to_path_buf()
        }
        _ => dir,
    }
}

/// The folders of the program and of the existing files `argv` names,
/// relative to `work` (the program also through PATH), and the folders of
/// PATH itself, so that the operator's tools run: a PATH folder inside the
/// operator's HOME counts as its top folder there (`~/.pyenv/shims` is
/// `~/.pyenv`, whose shims run what it holds), one elsewhere as its
/// [`toolchain_root`].
fn program_folders(argv: &[String], work: &Path, operator_home: Option<&Path>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).filter_map(|d| d.canonicalize().ok()) {
        let dir = match operator_home.and_then(|h| dir.strip_prefix(h).ok().map(|rest| (h, rest))) {
            Some((home, rest)) => match rest.components().next() {
                Some(top) => home.join(top),
                // HOME itself on PATH is not a toolchain.
                None => continue,
            },
            None => toolchain_root(dir),
        };
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    // The program as execvp finds it (the rules resolve it the same way).
    let ctx = agov_governance::action::Context::new(work, std::env::var_os("PATH"));
    let program = argv
        .first()
        .and_then(|argv0| agov_governance::action::resolve(argv0, &ctx));
    let named = argv
        .iter()
        .take(16)
        .filter(|a| a.contains('/'))
        .filter_map(|a| work.join(a).canonicalize().ok())
        .filter(|f| f.is_file());
    for dir in program
        .into_iter()
        .chain(named)
        .filter_map(|f| f.parent().map(Path::to_path_buf))
    {
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

impl Containment {
    /// Containment with the built-in profiles, launched through the running binary.
    pub fn new(mode: Mode, agov: Vec<PathBuf>) -> Result<Containment, SandboxError> {
        Ok(Containment {
            sandbox: Sandbox::new(mode)?,
            agov,
            operator_home: std::env::var_os("HOME").map(PathBuf::from),
            best_effort: Vec::new(),
        })
    }

    /// The same, with these tiers run with best effort when the mode is
    /// `enforce`.
    pub fn with_best_effort(mut self, tiers: &[u8]) -> Containment {
        self.best_effort = tiers.to_vec();
        self
    }

    /// The sandbox a tier-`tier` agent runs in: best effort for the tiers
    /// the operator named, the configured mode otherwise.
    pub fn sandbox_for(&self, tier: u8) -> Sandbox {
        let mut sandbox = self.sandbox.clone();
        if sandbox.mode == Mode::Enforce && self.best_effort.contains(&tier) {
            sandbox.mode = Mode::BestEffort;
        }
        sandbox
    }

    /// The confinement of a tier-`tier` agent (checked against this kernel),
    /// or `None` when the sandbox is off.
    pub fn confine(
        &self,
        tier: u8,
        at: &AgentPlaces<'_>,
    ) -> Result<Option<(Sandbox, Confinement)>, SandboxError> {
        let work = std::path::absolute(at.work).unwrap_or_else(|_| at.work.to_path_buf());
        let places = Places {
            program: program_folders(at.argv, &work, self.operator_home.as_deref()),
            work,
            out: at.out.to_path_buf(),
            home: at.home.to_path_buf(),
            packet: at.packet.map(Path::to_path_buf),
            operator_home: self.operator_home.clone(),
            agov: self.agov.clone(),
        };
        let sandbox = self.sandbox_for(tier);
        Ok(sandbox.prepare(tier, &places)?.map(|c| (sandbox, c)))
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.sandbox.mode
    }
}
