//! A tier's profile filled in with one agent's places: the concrete list of
//! paths it may read and write ([`Confinement`]), with agov's own folders and
//! the protected paths carved out of every root that contains them.
//!
//! Landlock only grants, it cannot subtract: a rule on `/work` opens all of
//! it. So a root that contains a hidden path is granted entry by entry (as
//! the entries are at start), recursively down to the hidden path, which is
//! left out. Entries are resolved (symlinks followed) before they become
//! rules, so a link in the working tree to agov's data folder grants nothing.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;
use crate::profile::{Limits, Network, Profiles};

/// Where one agent runs.
#[derive(Clone, Debug, Default)]
pub struct Places {
    /// The working tree (`{work}`): the folder it runs in.
    pub work: PathBuf,
    /// Its output folder (`{out}`).
    pub out: PathBuf,
    /// Its private HOME and TMPDIR (`{home}`).
    pub home: PathBuf,
    /// Its packet (`{packet}`), if it has one.
    pub packet: Option<PathBuf>,
    /// The folders of its program and of the files its command line names
    /// (`{program}`): a script outside the working tree stays readable.
    pub program: Vec<PathBuf>,
    /// The operator's HOME, which `~` in the profiles stands for.
    pub operator_home: Option<PathBuf>,
    /// agov's own folders and files (config, data, ledger, seals): never reachable.
    pub agov: Vec<PathBuf>,
}

/// One path an agent may reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The path (resolved).
    pub path: PathBuf,
    /// What it may do there.
    pub access: Access,
}

/// What an agent may do beneath a granted path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// List directories only: a folder carved around a hidden path stays
    /// listable (its entries' names), though the hidden path's contents are not.
    List,
    /// Read and execute.
    Read,
    /// Also write, create, remove, truncate.
    Write,
}

/// Everything the launcher needs to confine one agent.
#[derive(Clone, Debug)]
pub struct Confinement {
    /// The tier.
    pub tier: u8,
    /// The paths it may reach.
    pub grants: Vec<Grant>,
    /// Its network.
    pub network: Network,
    /// Its limits.
    pub limits: Limits,
    /// Run with what the kernel can enforce instead of failing (operator's choice).
    pub best_effort: bool,
    /// Its Landlock ruleset, once built ([`crate::Sandbox::prepare`]).
    pub(crate) ruleset: Built,
}

/// Whether a confinement's Landlock ruleset was built, and its descriptor:
/// built once by the governor, inherited by the launcher, shared by clones
/// (a built ruleset no longer changes).
#[derive(Clone, Debug, Default)]
pub(crate) enum Built {
    /// Not built yet.
    #[default]
    No,
    /// Built: its descriptor.
    Landlock(Arc<OwnedFd>),
    /// A best-effort confinement on a kernel without Landlock.
    Unavailable,
}

impl Profiles {
    /// Fills in tier `tier`'s profile for an agent running at `places`.
    pub fn confinement(
        &self,
        tier: u8,
        places: &Places,
        best_effort: bool,
    ) -> Result<Confinement, SandboxError> {
        let profile = self.tier(tier);
        let tilde = |p: &str| -> Option<PathBuf> {
            match p.strip_prefix("~/") {
                Some(rest) => places.operator_home.as_ref().map(|h| h.join(rest)),
                None => Some(PathBuf::from(p)),
            }
        };
        let mut hidden: Vec<PathBuf> = places.agov.clone();
        hidden.extend(self.protected.iter().filter_map(|p| tilde(p)));
        if tier < 4 {
            hidden.extend(self.credentials.iter().filter_map(|p| tilde(p)));
        }
        let hidden: Vec<PathBuf> = hidden.iter().map(|h| normal(&resolve(h))).collect();
        for own in [&places.out, &places.home] {
            if let Some(h) = hidden.iter().find(|h| h.starts_with(own)) {
                return Err(SandboxError::Places(format!(
                    "the agent's folder {} holds {}, which no agent may reach",
                    own.display(),
                    h.display()
                )));
            }
        }
        let mut grants = Grants::default();
        for (roots, access) in [
            (&profile.read, Access::Read),
            (&profile.write, Access::Write),
        ] {
            for root in roots {
                for path in self.expand(root, places)? {
                    match path {
                        // The agent's own places are granted as they are,
                        // also when they lie inside agov's data folder.
                        Place::Own(p) => grants.push(resolve(&p), access),
                        Place::Shared(p) => carve_out(&p, &hidden, access, &mut grants),
                        Place::Repository(p) => {
                            carve_out(&p, &hidden, access.min(Access::Read), &mut grants);
                        }
                    }
                }
            }
        }
        for (devices, access) in [
            (&self.devices_rw, Access::Write),
            (&self.devices_ro, Access::Read),
        ] {
            for d in devices {
                let p = PathBuf::from(d);
                if p.exists() {
                    grants.push(p, access);
                }
            }
        }
        Ok(Confinement {
            tier,
            grants: grants.list,
            network: profile.network.clone(),
            limits: profile.limits,
            best_effort,
            ruleset: Built::No,
        })
    }

    fn expand(&self, root: &str, places: &Places) -> Result<Vec<Place>, SandboxError> {
        Ok(match root {
            "{system}" => self
                .system
                .iter()
                .map(|s| Place::Shared(s.into()))
                .collect(),
            // A linked git worktree's repository lives outside it: read
            // only, whatever the tier may do in the working tree (its config
            // and hooks would run code in every other worktree, and for the
            // operator).
            "{work}" => std::iter::once(Place::Shared(places.work.clone()))
                .chain(
                    crate::worktree::linked(&places.work)
                        .into_iter()
                        .flatten()
                        .map(Place::Repository),
                )
                .collect(),
            // Only a real folder inside the working tree: a `sandbox` link
            // (an earlier agent may have planted one) grants nothing.
            "{sandbox}" => {
                let sandbox = places.work.join("sandbox");
                let inside = match (sandbox.canonicalize(), places.work.canonicalize()) {
                    (Ok(s), Ok(w)) => s.starts_with(&w) && s != w,
                    _ => false,
                };
                let linked = std::fs::symlink_metadata(&sandbox).is_ok_and(|m| m.is_symlink());
                if inside && !linked {
                    vec![Place::Shared(sandbox)]
                } else {
                    Vec::new()
                }
            }
            "{out}" => vec![Place::Own(places.out.clone())],
            "{home}" => vec![Place::Own(places.home.clone())],
            "{packet}" => places.packet.iter().cloned().map(Place::Own).collect(),
            "{program}" => places.program.iter().cloned().map(Place::Shared).collect(),
            other if other.starts_with('{') => {
                return Err(SandboxError::Profile(format!(
                    "unknown place `{other}`: use {{work}}, {{out}}, {{home}}, {{sandbox}}, {{system}}, {{packet}} or {{program}}"
                )));
            }
            other => vec![Place::Shared(other.into())],
        })
    }
}

enum Place {
    Own(PathBuf),
    Shared(PathBuf),
    /// A linked worktree's folders in its repository's `.git`: never
    /// written, whatever the root's access.
    Repository(PathBuf),
}

/// The path with symlinks resolved when it exists, else as given.
fn resolve(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// `p` spelt with single separators and no trailing one (as a resolved
/// path is), so that [`within`] can compare it byte by byte.
fn normal(p: &Path) -> PathBuf {
    p.components().collect()
}

/// `path` is `base` or lies beneath it: [`Path::starts_with`] for paths
/// spelt as [`normal`] makes them, without splitting them into components.
fn within(path: &Path, base: &Path) -> bool {
    let (p, b) = (path.as_os_str().as_bytes(), base.as_os_str().as_bytes());
    p.starts_with(b) && (p.len() == b.len() || p[b.len()] == b'/' || b == b"/")
}

/// The grants made so far, each path once.
#[derive(Default)]
struct Grants {
    list: Vec<Grant>,
    index: HashMap<PathBuf, usize>,
}

impl Grants {
    /// A grant on `path`; the wider access wins when the path is granted twice.
    fn push(&mut self, path: PathBuf, access: Access) {
        match self.index.get(&path) {
            Some(&i) => self.list[i].access = self.list[i].access.max(access),
            None => {
                self.index.insert(path.clone(), self.list.len());
                self.list.push(Grant { path, access });
            }
        }
    }
}

/// Grants `root`, resolved, without the `hidden` paths; nothing when it
/// does not exist.
fn carve_out(root: &Path, hidden: &[PathBuf], access: Access, grants: &mut Grants) {
    let Ok(real) = root.canonicalize() else {
        return;
    };
    let inside: Vec<&Path> = hidden.iter().map(PathBuf::as_path).collect();
    carve(&real, &inside, access, grants, 0);
}

/// Grants `root` (resolved) without the `hidden` paths inside it (`normal`,
/// none of them above `root`'s parent).
fn carve(root: &Path, hidden: &[&Path], access: Access, grants: &mut Grants, depth: u32) {
    if hidden.iter().any(|h| within(root, h)) {
        return;
    }
    // Only what lies inside `root` matters below it.
    let inside: Vec<&Path> = hidden.iter().copied().filter(|h| within(h, root)).collect();
    if inside.is_empty() {
        grants.push(root.to_path_buf(), access);
        return;
    }
    // The folder stays listable; what it holds is granted entry by entry.
    grants.push(root.to_path_buf(), Access::List);
    // Some hidden path lies inside: grant the entries beside it. Deep
    // nesting is not followed (a hostile tree of links could loop).
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    if depth > 16 {
        return;
    }
    for entry in entries.flatten() {
        // `root` is resolved already: only a link needs resolving, and a
        // link that leads out of `root` grants nothing (an earlier agent may
        // have planted it).
        let real = if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            match entry.path().canonicalize() {
                Ok(r) if r.starts_with(root) => r,
                _ => continue,
            }
        } else {
            entry.path()
        };
        carve(&real, &inside, access, grants, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(dir: &Path) -> Places {
        let work = dir.join("work");
        let data = dir.join("work/.agov/data");
        let out = data.join("pipelines/p1/alpha");
        let home = data.join("pipelines/p1/alpha.home");
        for d in [&work.join("src"), &out, &home, &dir.join("op/.ssh")] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(work.join("README.md"), "hi").unwrap();
        std::os::unix::fs::symlink(&data, work.join("link-to-data")).unwrap();
        Places {
            work,
            out,
            home,
            packet: None,
            program: Vec::new(),
            operator_home: Some(dir.join("op")),
            agov: vec![dir.join("work/.agov")],
        }
    }

    #[test]
    fn agov_folders_are_carved_out_of_the_working_tree() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        let p = places(&dir);
        let c = Profiles::built_in().confinement(0, &p, false).unwrap();
        let paths: Vec<_> = c.grants.iter().map(|g| g.path.clone()).collect();
        // The working tree is granted entry by entry, without .agov or the link to it.
        assert!(c.grants.contains(&Grant {
            path: p.work.clone(),
            access: Access::List
        }));
        assert!(paths.contains(&p.work.join("src")));
        assert!(paths.contains(&p.work.join("README.md")));
        assert!(
            !paths.iter().any(|g| g.starts_with(dir.join("work/.agov"))
                && !g.starts_with(&p.out)
                && !g.starts_with(&p.home)),
            "{paths:?}"
        );
        // Its own folders are granted for writing, though they lie in agov's data.
        assert!(c.grants.contains(&Grant {
            path: p.out.clone(),
            access: Access::Write
        }));
        assert!(c.grants.contains(&Grant {
            path: p.home.clone(),
            access: Access::Write
        }));
        // /etc is there, without /etc/shadow.
        assert!(!paths.contains(&PathBuf::from("/etc/shadow")));
        assert!(c.grants.contains(&Grant {
            path: "/etc".into(),
            access: Access::List
        }));
        assert!(paths.iter().any(|g| g.starts_with("/etc")));
    }

    #[test]
    fn a_tier_writes_only_its_roots() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        let mut p = places(&dir);
        p.agov = vec![dir.join("elsewhere")];
        let t0 = Profiles::built_in().confinement(0, &p, false).unwrap();
        assert!(t0.grants.contains(&Grant {
            path: p.work.clone(),
            access: Access::Read
        }));
        let t2 = Profiles::built_in().confinement(2, &p, false).unwrap();
        assert!(t2.grants.contains(&Grant {
            path: p.work.clone(),
            access: Access::Write
        }));
    }

    #[test]
    fn links_out_of_the_working_tree_grant_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        let p = places(&dir);
        let outside = dir.join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, p.work.join("sandbox")).unwrap();
        std::os::unix::fs::symlink(&outside, p.work.join("escape")).unwrap();
        let c = Profiles::built_in().confinement(1, &p, false).unwrap();
        assert!(
            !c.grants.iter().any(|g| g.path.starts_with(&outside)),
            "{:?}",
            c.grants
        );
    }

    #[test]
    fn within_is_starts_with_for_normal_paths() {
        for (path, base) in [
            ("/etc/shadow", "/etc"),
            ("/etc", "/etc"),
            ("/etcx", "/etc"),
            ("/etc", "/etc/shadow"),
            ("/etc", "/"),
            ("/", "/"),
            ("/work/.agov2/x", "/work/.agov"),
            ("/work/.agov/x", "/work/.agov"),
        ] {
            let (path, base) = (Path::new(path), Path::new(base));
            assert_eq!(
                within(path, base),
                path.starts_with(base),
                "{path:?} {base:?}"
            );
        }
        assert_eq!(normal(Path::new("/tmp//x/")), Path::new("/tmp/x"));
        assert_eq!(normal(Path::new("/tmp//x/")).as_os_str(), "/tmp/x");
    }

    #[test]
    fn a_sibling_that_shares_a_hidden_path_s_prefix_is_granted() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        let p = places(&dir);
        std::fs::create_dir_all(p.work.join(".agov2")).unwrap();
        let c = Profiles::built_in().confinement(0, &p, false).unwrap();
        assert!(c.grants.contains(&Grant {
            path: p.work.join(".agov2"),
            access: Access::Read
        }));
        assert!(!c.grants.iter().any(|g| g.path == dir.join("work/.agov")));
    }

    #[test]
    fn an_agent_folder_holding_agov_data_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        let mut p = places(&dir);
        p.out = dir.join("work");
        let e = Profiles::built_in().confinement(0, &p, false).unwrap_err();
        assert!(e.to_string().contains("which no agent may reach"), "{e}");
    }
}
