//! What Landlock cannot reach, refused with a seccomp filter (EACCES) at
//! every tier:
//!
//! - pushing input into a terminal (`ioctl` TIOCSTI, TIOCLINUX), which would
//!   let an agent type commands into the operator's shell;
//! - host-wide powers: BPF, perf events, kernel keyrings, modules, kexec,
//!   reboot, the clock, the host name, mounts and namespaces, swap;
//! - changing owners and extended attributes, and setting the set-user-ID or
//!   set-group-ID bit (Landlock does not control metadata);
//!
//! and, by network:
//!
//! - none: every socket but `AF_UNIX` (so no UDP, raw or netlink socket),
//!   and `io_uring_setup` (which could open sockets past that check);
//! - TCP ports: MPTCP sockets, which Landlock's TCP port rules do not cover.
//!
//! Applied after Landlock, which has already set `no_new_privs`.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

use crate::error::SandboxError;
use crate::profile::Network;

/// System calls refused outright.
const REFUSED: &[i64] = &[
    libc::SYS_bpf,
    libc::SYS_perf_event_open,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    libc::SYS_kexec_load,
    libc::SYS_kexec_file_load,
    libc::SYS_reboot,
    libc::SYS_settimeofday,
    libc::SYS_clock_settime,
    libc::SYS_clock_adjtime,
    libc::SYS_adjtimex,
    libc::SYS_sethostname,
    libc::SYS_setdomainname,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_unshare,
    libc::SYS_setns,
    libc::SYS_chown,
    libc::SYS_fchown,
    libc::SYS_lchown,
    libc::SYS_fchownat,
    libc::SYS_setxattr,
    libc::SYS_lsetxattr,
    libc::SYS_fsetxattr,
    libc::SYS_removexattr,
    libc::SYS_lremovexattr,
    libc::SYS_fremovexattr,
    libc::SYS_process_vm_writev,
];

/// `MPTCP`'s protocol number.
const IPPROTO_MPTCP: u64 = 262;

/// The filter for a tier with `network`, for this machine's architecture.
pub fn filter(tier: u8, network: &Network) -> Result<BpfProgram, SandboxError> {
    let unsupported = |e: &dyn std::fmt::Display| SandboxError::Unsupported {
        tier,
        missing: format!("a seccomp filter ({e})"),
    };
    let cond = |arg: u8, op: SeccompCmpOp, value: u64| {
        SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).map_err(|e| unsupported(&e))
    };
    let rule = |conds: Vec<SeccompCondition>| SeccompRule::new(conds).map_err(|e| unsupported(&e));
    let arch = std::env::consts::ARCH
        .try_into()
        .map_err(|e: seccompiler::BackendError| unsupported(&e))?;
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
        REFUSED.iter().map(|s| (*s, Vec::new())).collect();
    rules.insert(
        libc::SYS_ioctl,
        vec![
            rule(vec![cond(1, SeccompCmpOp::Eq, libc::TIOCSTI)?])?,
            rule(vec![cond(1, SeccompCmpOp::Eq, libc::TIOCLINUX)?])?,
        ],
    );
    // The mode argument of each chmod: set-user-ID or set-group-ID refused.
    for (call, mode_arg) in [
        (libc::SYS_chmod, 1),
        (libc::SYS_fchmod, 1),
        (libc::SYS_fchmodat, 2),
        (libc::SYS_fchmodat2, 2),
    ] {
        rules.insert(
            call,
            vec![
                rule(vec![cond(
                    mode_arg,
                    SeccompCmpOp::MaskedEq(0o4000),
                    0o4000,
                )?])?,
                rule(vec![cond(
                    mode_arg,
                    SeccompCmpOp::MaskedEq(0o2000),
                    0o2000,
                )?])?,
            ],
        );
    }
    match network {
        Network::None => {
            rules.insert(
                libc::SYS_socket,
                vec![rule(vec![cond(
                    0,
                    SeccompCmpOp::Ne,
                    libc::AF_UNIX as u64,
                )?])?],
            );
            rules.insert(libc::SYS_io_uring_setup, Vec::new());
        }
        Network::Ports(_) => {
            rules.insert(
                libc::SYS_socket,
                vec![rule(vec![cond(2, SeccompCmpOp::Eq, IPPROTO_MPTCP)?])?],
            );
        }
        Network::Any => {}
    }
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
