//! What Landlock cannot reach: sockets other than TCP. For a tier without
//! network, a seccomp filter refuses `socket()` for every address family but
//! `AF_UNIX` (so no UDP, raw or netlink sockets) and `io_uring_setup` (which
//! could open sockets past that check), with EACCES. Applied after Landlock,
//! which has already set `no_new_privs`.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

use crate::error::SandboxError;

/// The filter for a tier without network, for this machine's architecture.
pub fn no_network(tier: u8) -> Result<BpfProgram, SandboxError> {
    let unsupported = |e: &dyn std::fmt::Display| SandboxError::Unsupported {
        tier,
        missing: format!("a seccomp filter for sockets ({e})"),
    };
    let arch = std::env::consts::ARCH
        .try_into()
        .map_err(|e: seccompiler::BackendError| unsupported(&e))?;
    let not_unix = SeccompCondition::new(
        0,
        SeccompCmpArgLen::Dword,
        SeccompCmpOp::Ne,
        libc::AF_UNIX as u64,
    )
    .map_err(|e| unsupported(&e))?;
    let rules: BTreeMap<i64, Vec<SeccompRule>> = [
        (
            libc::SYS_socket,
            vec![SeccompRule::new(vec![not_unix]).map_err(|e| unsupported(&e))?],
        ),
        (libc::SYS_io_uring_setup, Vec::new()),
    ]
    .into_iter()
    .collect();
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EACCES as u32),
        arch,
    )
    .map_err(|e| unsupported(&e))?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| unsupported(&e))
}
