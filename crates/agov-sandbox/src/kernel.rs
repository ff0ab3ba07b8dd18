//! A [`Confinement`] as a Landlock ruleset: filesystem rights on the granted
//! paths, TCP bind/connect rules, and scoping (no signals to, no abstract
//! sockets of, processes outside the sandbox). Built the same way by the
//! governor, to find out before starting anything whether this kernel can
//! enforce it, and by the launcher, which applies it.

use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath,
    PathFd, Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr, Scope,
};

use crate::confine::{Access as Grants, Confinement};
use crate::error::SandboxError;
use crate::profile::Network;

/// The filesystem rights agov handles: those of ABI 5 (including truncate,
/// ABI 3, and device ioctls, ABI 5).
const FS_ABI: ABI = ABI::V5;

fn unsupported(c: &Confinement, what: &str, e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Unsupported {
        tier: c.tier,
        missing: format!("{what} ({e})"),
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
        let Ok(fd) = PathFd::new(&g.path) else {
            // Gone since the confinement was made: nothing to grant.
            continue;
        };
        let mut access: BitFlags<AccessFs> = match g.access {
            Grants::Write => all,
            Grants::Read => AccessFs::from_read(FS_ABI),
            Grants::List => AccessFs::ReadDir.into(),
        };
        if std::fs::metadata(&g.path).is_ok_and(|m| !m.is_dir()) {
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

/// The seccomp filter `c` needs besides Landlock.
pub fn syscall_filter(c: &Confinement) -> Result<seccompiler::BpfProgram, SandboxError> {
    crate::seccomp::filter(c.tier, &c.network)
}

/// Fails when this kernel cannot enforce `c` (unless it is best effort).
pub fn check(c: &Confinement) -> Result<(), SandboxError> {
    ruleset(c)?;
    syscall_filter(c).map(drop)
}
