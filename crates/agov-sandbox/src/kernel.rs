//! A [`Confinement`] as a Landlock ruleset: filesystem rights on the granted
//! paths, TCP bind/connect rules, and scoping (no signals to, no abstract
//! sockets of, processes outside the sandbox). Built once, by the governor:
//! building it is how it finds out, before starting anything, whether this
//! kernel can enforce the profile; the launcher inherits the ruleset's
//! descriptor and applies it ([`restrict_self`]) to the agent.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::Arc;

use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath,
    Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr, Scope,
};
use rustix::fs::{Mode, OFlags, ResolveFlags};

use crate::confine::{Access as Grants, Built, Confinement};
use crate::error::SandboxError;
use crate::profile::Network;

/// The filesystem rights agov handles: those of ABI 5 (including truncate,
/// ABI 3, and device ioctls, ABI 5).
const FS_ABI: ABI = ABI::V5;

fn unsupported(c: &Confinement, what: &str, e: impl std::fmt::Display) -> SandboxError {
    // The landlock crate names the refused rights as a bit-flag dump; a
    // person needs to know only that this kernel lacks the feature.
    let detail = e.to_string();
    let why = if detail.contains("BitFlags") || detail.contains("incompatible") {
        "this kernel does not provide it".to_string()
    } else {
        detail
    };
    SandboxError::Unsupported {
        tier: c.tier,
        missing: format!("{what}: {why}"),
    }
}

/// The ruleset for `c`, created and filled but not applied.
pub fn ruleset(c: &Confinement) -> Result<RulesetCreated, SandboxError> {
    let level = if c.best_effort {
        CompatLevel::BestEffort
    } else {
        CompatLevel::HardRequirement
    };
    let all = AccessFs::from_all(FS_ABI);
    let mut rs = Ruleset::default()
        .set_compatibility(level)
        .handle_access(all)
        .map_err(|e| unsupported(c, "Landlock filesystem rules (ABI 5)", e))?;
    if c.network != Network::Any {
        rs = rs
            .handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp)
            .map_err(|e| unsupported(c, "Landlock TCP rules (ABI 4)", e))?;
    }
    rs = rs
        .scope(Scope::Signal | Scope::AbstractUnixSocket)
        .map_err(|e| unsupported(c, "Landlock signal and socket scoping (ABI 6)", e))?;
    let mut created = rs.create().map_err(|e| unsupported(c, "Landlock", e))?;
    for g in &c.grants {
        let Some(fd) = open_as_checked(&g.path) else {
            continue;
        };
        let mut access: BitFlags<AccessFs> = match g.access {
            Grants::Write => all,
            Grants::Read => AccessFs::from_read(FS_ABI),
            Grants::List => AccessFs::ReadDir.into(),
        };
        // Of the descriptor just opened: one lookup of the path, not two.
        if rustix::fs::fstat(fd.as_fd()).is_ok_and(|m| {
            rustix::fs::FileType::from_raw_mode(m.st_mode) != rustix::fs::FileType::Directory
        }) {
            access &= AccessFs::from_file(FS_ABI);
        }
        created = created
            .add_rule(PathBeneath::new(fd, access))
            .map_err(|e| unsupported(c, &format!("a rule for {}", g.path.display()), e))?;
    }
    if let Network::Ports(ports) = &c.network {
        for p in ports {
            created = created
                .add_rule(NetPort::new(*p, AccessNet::ConnectTcp))
                .map_err(|e| unsupported(c, &format!("a rule for TCP port {p}"), e))?;
        }
    }
    Ok(created)
}

/// `path`, a grant's resolved path (it holds no link), opened for a rule
/// without following any link: a link put in it since it was checked (an
/// agent swapping a folder it may write for a link to agov's data between
/// the check and this open) makes the open fail instead of being followed.
/// `None` for a path gone or changed so since: it is granted nothing.
fn open_as_checked(path: &std::path::Path) -> Option<OwnedFd> {
    rustix::fs::openat2(
        rustix::fs::CWD,
        path,
        OFlags::PATH | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::NO_SYMLINKS,
    )
    .ok()
}

/// The seccomp filter `c` needs besides Landlock.
pub fn syscall_filter(c: &Confinement) -> Result<seccompiler::BpfProgram, SandboxError> {
    crate::seccomp::filter(c.tier, &c.network)
}

/// Builds `c`'s ruleset, failing when this kernel cannot enforce `c`
/// (unless it is best effort). The seccomp filter is compiled again by the
/// launcher; this finds out now whether it can be.
pub(crate) fn built(c: &Confinement) -> Result<Built, SandboxError> {
    let fd: Option<OwnedFd> = ruleset(c)?.into();
    syscall_filter(c)?;
    Ok(match fd {
        Some(fd) => Built::Landlock(Arc::new(fd)),
        None => Built::Unavailable,
    })
}

/// Restricts the calling thread, and everything it will execute, with the
/// built ruleset `fd` (after setting `no_new_privs`, which Landlock and
/// seccomp both require).
pub fn restrict_self(fd: BorrowedFd<'_>) -> std::io::Result<()> {
    rustix::thread::set_no_new_privs(true)?;
    #[allow(unsafe_code)]
    // SAFETY: landlock_restrict_self(2) takes a descriptor and flags by
    // value and touches no memory of this process; a descriptor that is
    // not a Landlock ruleset makes it fail (EBADFD), and then the agent
    // does not start.
    let r = unsafe { libc::syscall(libc::SYS_landlock_restrict_self, fd.as_raw_fd(), 0u32) };
    if r != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::open_as_checked;

    #[test]
    fn a_grant_is_opened_only_as_it_was_checked_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("f"), "x").unwrap();
        assert!(open_as_checked(&real).is_some());
        assert!(open_as_checked(&real.join("f")).is_some());
        // The folder checked swapped for a link (to somewhere it may not
        // reach): anywhere in the path, the open fails.
        let swapped = real.with_file_name("swapped");
        std::os::unix::fs::symlink(&real, &swapped).unwrap();
        assert!(open_as_checked(&swapped).is_none());
        assert!(open_as_checked(&swapped.join("f")).is_none());
        assert!(open_as_checked(&real.with_file_name("gone")).is_none());
    }
}
