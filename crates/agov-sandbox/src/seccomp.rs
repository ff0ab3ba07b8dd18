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
//!
//! The filter is a binary search over the syscall numbers it names (about
//! 85 instructions), not one test per syscall in a row (260): the kernel runs a
//! new filter once for every syscall number when it is installed (to cache
//! which ones it always allows), so a long linear filter costs a third of a
//! millisecond at every agent start, this one a few microseconds. On x86-64
//! the x32 ABI's numbers (bit 30 set), which would name the same calls by
//! other numbers, are refused outright.

use std::collections::BTreeMap;

use seccompiler::{BpfProgram, sock_filter};

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
const IPPROTO_MPTCP: u32 = 262;

/// The x32 ABI's bit in a syscall number (x86-64).
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// This machine's `AUDIT_ARCH_*`, what a filter checks first.
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 62 | 0x8000_0000 | 0x4000_0000;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 183 | 0x8000_0000 | 0x4000_0000;
#[cfg(target_arch = "riscv64")]
const AUDIT_ARCH: u32 = 243 | 0x8000_0000 | 0x4000_0000;

/// A test on the low 32 bits of an argument (an int, a mode, an ioctl
/// command: what the kernel reads of them).
#[derive(Clone, Copy, Debug)]
enum Test {
    /// Refused when equal.
    Eq(u32),
    /// Refused when not equal.
    Ne(u32),
    /// Refused when any of these bits is set.
    AnyBit(u32),
}

/// What happens to one syscall number the filter names.
#[derive(Clone, Debug)]
enum Rule {
    /// Always refused.
    Refused,
    /// Refused when any of these tests on its arguments holds.
    When(Vec<(u8, Test)>),
}

/// Which syscalls a tier with `network` refuses, and when.
fn rules(network: &Network) -> BTreeMap<u32, Rule> {
    let nr = |s: i64| u32::try_from(s).expect("syscall numbers are small");
    let mut rules: BTreeMap<u32, Rule> = REFUSED.iter().map(|s| (nr(*s), Rule::Refused)).collect();
    // The cast is to the width the kernel compares: an ioctl command is an
    // unsigned int.
    #[allow(clippy::cast_possible_truncation)]
    let (tiocsti, tioclinux) = (libc::TIOCSTI as u32, libc::TIOCLINUX as u32);
    rules.insert(
        nr(libc::SYS_ioctl),
        Rule::When(vec![(1, Test::Eq(tiocsti)), (1, Test::Eq(tioclinux))]),
    );
    // The mode argument of each chmod: set-user-ID or set-group-ID refused.
    for (call, mode_arg) in [
        (libc::SYS_chmod, 1),
        (libc::SYS_fchmod, 1),
        (libc::SYS_fchmodat, 2),
        (libc::SYS_fchmodat2, 2),
    ] {
        rules.insert(nr(call), Rule::When(vec![(mode_arg, Test::AnyBit(0o6000))]));
    }
    match network {
        Network::None => {
            rules.insert(
                nr(libc::SYS_socket),
                Rule::When(vec![(0, Test::Ne(libc::AF_UNIX as u32))]),
            );
            rules.insert(nr(libc::SYS_io_uring_setup), Rule::Refused);
        }
        Network::Ports(_) => {
            rules.insert(
                nr(libc::SYS_socket),
                Rule::When(vec![(2, Test::Eq(IPPROTO_MPTCP))]),
            );
        }
        Network::Any => {}
    }
    rules
}

// Classic BPF (<linux/bpf_common.h>): BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K,
// BPF_JMP|BPF_JGE|BPF_K, BPF_JMP|BPF_JSET|BPF_K and BPF_RET|BPF_K.
const LD_W_ABS: u16 = 0x20;
const JEQ: u16 = 0x15;
const JGE: u16 = 0x35;
const JSET: u16 = 0x45;
const RET: u16 = 0x06;
const NR_OFFSET: u32 = 0;
const ARCH_OFFSET: u32 = 4;
const ARGS_OFFSET: u32 = 16;

/// A jump target in a program being assembled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Label(usize);

enum Ins {
    Stmt(u16, u32),
    Jump(u16, u32, Target, Target),
    Here(Label),
}

/// Where a conditional jump goes.
#[derive(Clone, Copy, Debug)]
enum Target {
    Next,
    To(Label),
}

#[derive(Default)]
struct Asm {
    ins: Vec<Ins>,
    labels: usize,
}

impl Asm {
    fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels)
    }

    /// The instructions, every jump resolved (all of them go forward).
    fn finish(self) -> Result<BpfProgram, String> {
        let mut at = BTreeMap::new();
        let mut n = 0;
        for i in &self.ins {
            match i {
                Ins::Here(l) => {
                    at.insert(l.0, n);
                }
                _ => n += 1,
            }
        }
        let mut out = Vec::with_capacity(n);
        for i in self.ins {
            let here = out.len();
            let offset = |t: Target| -> Result<u8, String> {
                match t {
                    Target::Next => Ok(0),
                    Target::To(l) => {
                        let to = at[&l.0];
                        u8::try_from(to - here - 1).map_err(|_| "a jump too far".to_string())
                    }
                }
            };
            match i {
                Ins::Here(_) => {}
                Ins::Stmt(code, k) => out.push(sock_filter {
                    code,
                    jt: 0,
                    jf: 0,
                    k,
                }),
                Ins::Jump(code, k, jt, jf) => out.push(sock_filter {
                    code,
                    jt: offset(jt)?,
                    jf: offset(jf)?,
                    k,
                }),
            }
        }
        Ok(out)
    }

    /// Jumps to the handler of `keys`' syscall number (in the accumulator),
    /// or to `allow`: a binary search, a few comparisons deep.
    fn search(&mut self, keys: &[(u32, Label)], allow: Label) {
        if keys.len() <= 3 {
            for (i, (nr, to)) in keys.iter().enumerate() {
                let otherwise = if i + 1 == keys.len() {
                    Target::To(allow)
                } else {
                    Target::Next
                };
                self.ins
                    .push(Ins::Jump(JEQ, *nr, Target::To(*to), otherwise));
            }
            return;
        }
        let (low, high) = keys.split_at(keys.len() / 2);
        let upper = self.label();
        self.ins
            .push(Ins::Jump(JGE, high[0].0, Target::To(upper), Target::Next));
        self.search(low, allow);
        self.ins.push(Ins::Here(upper));
        self.search(high, allow);
    }
}

/// The filter for a tier with `network`, for this machine's architecture.
pub fn filter(tier: u8, network: &Network) -> Result<BpfProgram, SandboxError> {
    program(&rules(network)).map_err(|e| SandboxError::Unsupported {
        tier,
        missing: format!("a seccomp filter ({e})"),
    })
}

fn program(rules: &BTreeMap<u32, Rule>) -> Result<BpfProgram, String> {
    let deny_ret = libc::SECCOMP_RET_ERRNO | (libc::EACCES as u32 & libc::SECCOMP_RET_DATA);
    let mut asm = Asm::default();
    let (allow, deny) = (asm.label(), asm.label());
    // Another ABI's calls (int 0x80 on x86-64) kill the process, as
    // seccompiler's filters do.
    let checked = asm.label();
    asm.ins.push(Ins::Stmt(LD_W_ABS, ARCH_OFFSET));
    asm.ins.push(Ins::Jump(
        JEQ,
        AUDIT_ARCH,
        Target::To(checked),
        Target::Next,
    ));
    asm.ins.push(Ins::Stmt(RET, libc::SECCOMP_RET_KILL_PROCESS));
    asm.ins.push(Ins::Here(checked));
    asm.ins.push(Ins::Stmt(LD_W_ABS, NR_OFFSET));
    if cfg!(target_arch = "x86_64") {
        asm.ins.push(Ins::Jump(
            JGE,
            X32_SYSCALL_BIT,
            Target::To(deny),
            Target::Next,
        ));
    }
    let mut handlers = Vec::new();
    let keys: Vec<(u32, Label)> = rules
        .iter()
        .map(|(nr, rule)| match rule {
            Rule::Refused => (*nr, deny),
            Rule::When(tests) => {
                let l = asm.label();
                handlers.push((l, tests));
                (*nr, l)
            }
        })
        .collect();
    asm.search(&keys, allow);
    for (l, tests) in handlers {
        asm.ins.push(Ins::Here(l));
        for (arg, test) in tests {
            asm.ins
                .push(Ins::Stmt(LD_W_ABS, ARGS_OFFSET + 8 * u32::from(*arg)));
            asm.ins.push(match *test {
                Test::Eq(v) => Ins::Jump(JEQ, v, Target::To(deny), Target::Next),
                Test::Ne(v) => Ins::Jump(JEQ, v, Target::Next, Target::To(deny)),
                Test::AnyBit(m) => Ins::Jump(JSET, m, Target::To(deny), Target::Next),
            });
        }
        asm.ins.push(Ins::Stmt(RET, libc::SECCOMP_RET_ALLOW));
    }
    asm.ins.push(Ins::Here(allow));
    asm.ins.push(Ins::Stmt(RET, libc::SECCOMP_RET_ALLOW));
    asm.ins.push(Ins::Here(deny));
    asm.ins.push(Ins::Stmt(RET, deny_ret));
    asm.finish()
}

#[cfg(test)]
mod tests {
    use seccompiler::{
        SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    };

    use super::*;

    /// The filter as seccompiler builds it (one test per syscall in a row):
    /// what `filter` must decide alike.
    fn reference(network: &Network) -> BpfProgram {
        let cond = |arg: u8, op: SeccompCmpOp, value: u64| {
            SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).unwrap()
        };
        let rule = |conds: Vec<SeccompCondition>| SeccompRule::new(conds).unwrap();
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
            REFUSED.iter().map(|s| (*s, Vec::new())).collect();
        rules.insert(
            libc::SYS_ioctl,
            vec![
                rule(vec![cond(1, SeccompCmpOp::Eq, libc::TIOCSTI)]),
                rule(vec![cond(1, SeccompCmpOp::Eq, libc::TIOCLINUX)]),
            ],
        );
        for (call, mode_arg) in [
            (libc::SYS_chmod, 1),
            (libc::SYS_fchmod, 1),
            (libc::SYS_fchmodat, 2),
            (libc::SYS_fchmodat2, 2),
        ] {
            rules.insert(
                call,
                vec![
                    rule(vec![cond(mode_arg, SeccompCmpOp::MaskedEq(0o4000), 0o4000)]),
                    rule(vec![cond(mode_arg, SeccompCmpOp::MaskedEq(0o2000), 0o2000)]),
                ],
            );
        }
        match network {
            Network::None => {
                rules.insert(
                    libc::SYS_socket,
                    vec![rule(vec![cond(0, SeccompCmpOp::Ne, libc::AF_UNIX as u64)])],
                );
                rules.insert(libc::SYS_io_uring_setup, Vec::new());
            }
            Network::Ports(_) => {
                rules.insert(
                    libc::SYS_socket,
                    vec![rule(vec![cond(
                        2,
                        SeccompCmpOp::Eq,
                        u64::from(IPPROTO_MPTCP),
                    )])],
                );
            }
            Network::Any => {}
        }
        SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(libc::EACCES as u32),
            std::env::consts::ARCH.try_into().unwrap(),
        )
        .unwrap()
        .try_into()
        .unwrap()
    }

    /// Runs a classic BPF program on `seccomp_data` (nr, arch, args) as the
    /// kernel would; panics on an instruction it does not know.
    fn run(prog: &[sock_filter], nr: u32, arch: u32, args: [u64; 6]) -> u32 {
        let word = |off: u32| -> u32 {
            match off {
                0 => nr,
                4 => arch,
                8 | 12 => 0,
                o => {
                    let i = ((o - 16) / 8) as usize;
                    let a = args[i];
                    if (o - 16) % 8 == 0 {
                        a as u32
                    } else {
                        (a >> 32) as u32
                    }
                }
            }
        };
        let (mut acc, mut pc) = (0u32, 0usize);
        loop {
            let i = &prog[pc];
            pc += 1;
            match i.code {
                0x20 => acc = word(i.k),
                0x54 => acc &= i.k,
                0x05 => pc += i.k as usize,
                0x15 | 0x25 | 0x35 | 0x45 => {
                    let hit = match i.code {
                        0x15 => acc == i.k,
                        0x25 => acc > i.k,
                        0x35 => acc >= i.k,
                        _ => acc & i.k != 0,
                    };
                    pc += usize::from(if hit { i.jt } else { i.jf });
                }
                0x06 => return i.k,
                other => panic!("unknown BPF instruction {other:#x}"),
            }
        }
    }

    #[test]
    fn the_search_decides_as_the_row_of_tests_did_and_is_short() {
        let values: [u64; 12] = [
            0,
            1,
            libc::AF_UNIX as u64,
            libc::AF_INET as u64,
            libc::AF_NETLINK as u64,
            libc::TIOCSTI,
            libc::TIOCLINUX,
            0o4755,
            0o2755,
            0o755,
            u64::from(IPPROTO_MPTCP),
            0xffff_ffff_0000_0000 | libc::TIOCSTI,
        ];
        for network in [Network::None, Network::Ports(vec![443]), Network::Any] {
            let new = filter(0, &network).unwrap();
            let old = reference(&network);
            assert!(
                new.len() < 100 && old.len() > 200,
                "{} and {} instructions",
                new.len(),
                old.len()
            );
            for nr in 0..520 {
                for arch in [AUDIT_ARCH, 0x4000_0003] {
                    for a in values {
                        for b in [0, 2] {
                            let mut args = [0u64; 6];
                            args[b] = a;
                            args[1] = a;
                            assert_eq!(
                                run(&new, nr, arch, args),
                                run(&old, nr, arch, args),
                                "{network:?} nr {nr} arch {arch:#x} args {args:?}"
                            );
                        }
                    }
                }
            }
            // x32 numbers of refused calls: refused (seccompiler let them through).
            if cfg!(target_arch = "x86_64") {
                let bpf = X32_SYSCALL_BIT | libc::SYS_bpf as u32;
                assert_eq!(
                    run(&new, bpf, AUDIT_ARCH, [0; 6]),
                    libc::SECCOMP_RET_ERRNO | libc::EACCES as u32
                );
            }
        }
    }
}
