//! The launcher: the process between the governor and an agent.
//!
//! The governor starts `agov-launcher __sandbox SPEC [--arg0 NAME] --
//! PROGRAM ARGS…` ([`BINARY`], or the governor's own binary where it is not
//! installed; see [`crate::Sandbox::command`]), handing it the Landlock
//! ruleset it built as an inherited descriptor named in `SPEC`. The
//! launcher
//!
//! 1. dies with the governor (its parent-death signal is SIGTERM),
//! 2. becomes a child subreaper, so nothing the agent forks escapes it,
//! 3. compiles the seccomp filter (`seccomp.rs`) and starts the agent,
//!    which, between fork and exec, starts a session of its
//!    own, sets its resource limits, drops every capability, sets
//!    `no_new_privs`, restricts itself with both and marks inherited
//!    descriptors close-on-exec: from its first instruction the agent and
//!    all it forks are confined, and scoped so that they cannot signal the
//!    launcher or the governor,
//! 4. waits. When the agent ends, or on SIGTERM/SIGINT/SIGHUP (revocation,
//!    an interrupted governor), it kills every descendant left and exits
//!    with the agent's status (128 + N for a signal).
//!
//! The launcher itself stays unconfined and single-threaded; it runs only
//! agov's code.

use std::ffi::OsString;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::FdFlags;
use rustix::process::{Pid, Resource, Rlimit, Signal, WaitStatus, getpid, getppid, setrlimit};
use serde::{Deserialize, Serialize};

use crate::confine::{Built, Confinement};
use crate::profile::{Limits, Network};
use crate::tree;

/// The first argument that makes a binary act as the launcher.
pub const ARG: &str = "__sandbox";

/// The dedicated launcher program, installed beside `pipeline`.
pub const BINARY: &str = "agov-launcher";

/// What the launcher is told: the confinement but its paths, whose ruleset
/// it inherits already built.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Spec {
    /// [`PROTOCOL`]: an `agov-launcher` left from another build of agov
    /// refuses to run rather than misread what it is told.
    protocol: u32,
    tier: u8,
    network: Network,
    limits: Limits,
    best_effort: bool,
    /// The inherited descriptor of the ruleset; `None` only for a
    /// best-effort confinement on a kernel without Landlock.
    ruleset_fd: Option<i32>,
}

/// The version of [`Spec`]: raised whenever it changes meaning.
const PROTOCOL: u32 = 1;

impl Spec {
    pub(crate) fn new(c: &Confinement, built: &Built) -> Spec {
        Spec {
            protocol: PROTOCOL,
            tier: c.tier,
            network: c.network.clone(),
            limits: c.limits,
            best_effort: c.best_effort,
            ruleset_fd: match built {
                Built::Landlock(fd) => Some(fd.as_raw_fd()),
                Built::No | Built::Unavailable => None,
            },
        }
    }
}

/// Makes `fd` (close-on-exec in the governor, so that no other child gets
/// it) inheritable by the launcher `cmd` starts, and only by it; `cmd`
/// keeps it open until it is dropped.
pub(crate) fn inherit(cmd: &mut Command, fd: Arc<OwnedFd>) {
    #[allow(unsafe_code)]
    // SAFETY: the closure runs in the child between fork and exec, where
    // only async-signal-safe calls are allowed: it makes one fcntl(2) call
    // on a descriptor the closure keeps open, and allocates nothing.
    unsafe {
        cmd.pre_exec(move || Ok(rustix::io::fcntl_setfd(fd.as_fd(), FdFlags::empty())?));
    }
}

/// Takes the ruleset descriptor the governor left open for this process.
fn inherited(fd: i32) -> Result<OwnedFd, String> {
    #[allow(unsafe_code)]
    // SAFETY: fcntl(F_GETFD) only reads the flags of descriptor `fd`, if open.
    let open = fd > 2 && unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1;
    if !open {
        return Err(format!("the ruleset descriptor {fd} is not open"));
    }
    #[allow(unsafe_code)]
    // SAFETY: `fd` is open, and nothing else in this process owns it: the
    // governor made it inheritable for this process alone, to be taken here
    // once (a descriptor that is not a Landlock ruleset makes the agent's
    // landlock_restrict_self fail, and then the agent does not start).
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    rustix::io::fcntl_setfd(&fd, FdFlags::CLOEXEC).map_err(|e| e.to_string())?;
    Ok(fd)
}

/// Exit status when the sandbox could not be set up (the agent never ran).
pub const SETUP_FAILED: u8 = 69;

/// Acts as the launcher when the process was started as one (its first
/// argument is [`ARG`]); returns the exit code, or `None` otherwise.
pub fn dispatch() -> Option<std::process::ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() != Some(std::ffi::OsStr::new(ARG)) {
        return None;
    }
    let rest: Vec<OsString> = args.collect();
    Some(std::process::ExitCode::from(main(rest)))
}

fn fail(message: &str) -> u8 {
    eprintln!("agov sandbox: {message}");
    SETUP_FAILED
}

fn main(args: Vec<OsString>) -> u8 {
    let Some((spec, mut rest)) = args.split_first() else {
        return fail("no confinement given");
    };
    let mut arg0 = None;
    if rest.first().is_some_and(|a| a == "--arg0") {
        arg0 = rest.get(1).cloned();
        rest = rest.get(2..).unwrap_or_default();
    }
    let Some(argv) = rest.strip_prefix(&[OsString::from("--")][..]) else {
        return fail("expected `--` before the program");
    };
    let Some((program, program_args)) = argv.split_first() else {
        return fail("no program to run");
    };
    let spec: Spec = match spec.to_str().map(serde_json::from_str) {
        Some(Ok(
            s @ Spec {
                protocol: PROTOCOL, ..
            },
        )) => s,
        _ => {
            return fail(
                "this launcher does not understand its governor (another build of agov?): \
                 install agov-launcher with the rest (cargo install --locked --path bin)",
            );
        }
    };
    let ruleset = match spec.ruleset_fd.map(inherited).transpose() {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if ruleset.is_none() && !spec.best_effort {
        return fail("no Landlock ruleset to confine the agent with");
    }
    // Die with the governor; if it is already gone, run nothing.
    if rustix::process::set_parent_process_death_signal(Some(Signal::TERM)).is_err()
        || getppid().is_none_or(|p| p.as_raw_nonzero().get() == 1)
    {
        return fail("the governor is gone");
    }
    if let Err(e) = rustix::process::set_child_subreaper(Some(getpid())) {
        return fail(&format!("cannot become a subreaper: {e}"));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let Ok((wake_rx, wake_tx)) = UnixStream::pair() else {
        return fail("cannot make a wake-up pipe");
    };
    let _ = wake_rx.set_nonblocking(true);
    for sig in [
        signal_hook::consts::SIGCHLD,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        let registered = wake_tx
            .try_clone()
            .map_err(|e| e.to_string())
            .and_then(|tx| {
                signal_hook::low_level::pipe::register(sig, tx).map_err(|e| e.to_string())
            });
        if let Err(e) = registered {
            return fail(&format!("cannot watch signal {sig}: {e}"));
        }
        if sig != signal_hook::consts::SIGCHLD
            && signal_hook::flag::register(sig, Arc::clone(&stop)).is_err()
        {
            return fail(&format!("cannot watch signal {sig}"));
        }
    }
    let syscalls = match crate::seccomp::filter(spec.tier, &spec.network) {
        Ok(f) => f,
        Err(e) => return fail(&e.to_string()),
    };
    // Before the agent is started: it will be the first process (init) of
    // a PID namespace of its own, whose processes the kernel kills, all of
    // them, when it ends or is killed.
    if let Err(e) = own_pid_namespace() {
        return fail(&e);
    }
    let mut cmd = Command::new(program);
    cmd.args(program_args);
    if let Some(name) = &arg0 {
        cmd.arg0(name);
    }
    let limits = spec.limits;
    #[allow(unsafe_code)]
    // SAFETY: the closure runs in the child between fork and exec. The
    // launcher is single-threaded (signal-hook's registrations start no
    // thread), so no lock can be held by another thread at fork; the closure
    // makes system calls (prctl, setrlimit, landlock_restrict_self) and
    // touches only values it owns.
    unsafe {
        cmd.pre_exec(move || confine_self(ruleset.as_ref(), &syscalls, &limits));
    }
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                std::io::ErrorKind::NotFound => 127,
                std::io::ErrorKind::PermissionDenied => 126,
                _ => SETUP_FAILED,
            };
            eprintln!(
                "agov sandbox: cannot start `{}`: {e}",
                program.to_string_lossy()
            );
            return code;
        }
    };
    let agent = i32::try_from(child.id()).unwrap_or(0);
    // The status is read with waitpid below, not through `child`.
    drop(child);
    let status = supervise(agent, &stop, &wake_rx);
    let _ = tree::kill_all(None, Duration::from_secs(5));
    match status {
        Some(s) => code_of(s),
        // Stopped from outside before the agent ended.
        None => 128 + 15,
    }
}

/// Runs `cmd` confined with this process as its launcher, without starting
/// one (a program start saved): for a one-shot governor that waits for the
/// agent on the thread that starts it (`pipeline agent exec`). The agent,
/// confined as the launcher confines it, is the first process of a new PID
/// namespace, whose other processes the kernel kills when it ends, and dies
/// with this thread (its parent-death signal is SIGKILL). `Ok(None)` where a
/// PID namespace needs a user namespace (not root): this process's own
/// would change, so the agent is left to a launcher.
pub(crate) fn run_here(
    c: &Confinement,
    ruleset: Option<Arc<OwnedFd>>,
    cmd: &mut Command,
) -> Result<Option<std::io::Result<std::process::ExitStatus>>, crate::SandboxError> {
    use rustix::thread::{LinkNameSpaceType, UnshareFlags};
    if ruleset.is_none() && !c.best_effort {
        return Err(crate::SandboxError::Launcher(
            "no Landlock ruleset to confine the agent with".into(),
        ));
    }
    let syscalls = crate::seccomp::filter(c.tier, &c.network)?;
    // This thread's PID namespace, for its later children.
    let Ok(own) = std::fs::File::open("/proc/thread-self/ns/pid") else {
        return Ok(None);
    };
    #[allow(unsafe_code)]
    // SAFETY: unshare is unsafe only for CLONE_FILES (threads sharing a
    // descriptor table); CLONE_NEWPID changes only which PID namespace this
    // thread's next children start in.
    if unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWPID) }.is_err() {
        return Ok(None);
    }
    let limits = c.limits;
    #[allow(unsafe_code)]
    // SAFETY: the closure runs in the child between fork and exec and makes
    // only system calls (prctl, setrlimit, capset, landlock_restrict_self,
    // seccomp, close_range) on values it owns; it allocates only to report
    // an error, as `confine_self` in the launcher.
    unsafe {
        cmd.pre_exec(move || confine_self(ruleset.as_deref(), &syscalls, &limits));
    }
    let child = cmd.spawn();
    // Later children start in this process's namespace again (that one's
    // init may have ended: no process could start in it).
    let _ =
        rustix::thread::move_into_link_name_space(own.as_fd(), Some(LinkNameSpaceType::ProcessID));
    let status = child.and_then(|mut c| c.wait());
    // Nothing is left of the namespace once its init is reaped; anything
    // else this process started and left is not the agent's.
    Ok(Some(status))
}

/// Makes the next child the init of a new PID namespace: as root directly,
/// otherwise inside a user namespace that maps the user's own ids. Where
/// neither is allowed (some distributions restrict user namespaces) the
/// agent runs in the launcher's namespace and the subreaper's chase of
/// `/proc` (`tree::kill_all`) is what kills its tree.
fn own_pid_namespace() -> Result<(), String> {
    use rustix::thread::UnshareFlags;
    #[allow(unsafe_code)]
    // SAFETY: unshare is unsafe only for CLONE_FILES (threads sharing a
    // descriptor table); these flags are namespaces, and the launcher is
    // single-threaded.
    let unshare = |flags| unsafe { rustix::thread::unshare_unsafe(flags) };
    if unshare(UnshareFlags::NEWPID).is_ok() {
        return Ok(());
    }
    let (uid, gid) = (rustix::process::getuid(), rustix::process::getgid());
    if unshare(UnshareFlags::NEWUSER | UnshareFlags::NEWPID).is_err() {
        return Ok(());
    }
    // In the new user namespace the same ids, or none would be mapped.
    let map = |file: &str, text: String| {
        std::fs::write(file, text).map_err(|e| format!("cannot write {file}: {e}"))
    };
    map("/proc/self/setgroups", "deny".into())?;
    map("/proc/self/uid_map", format!("{0} {0} 1", uid.as_raw()))?;
    map("/proc/self/gid_map", format!("{0} {0} 1", gid.as_raw()))
}

/// Waits for the agent to end or for a stop; then kills whatever is left
/// of its tree. Returns its status if it ended by itself.
fn supervise(agent: i32, stop: &AtomicBool, wake: &UnixStream) -> Option<WaitStatus> {
    let every = Timespec {
        tv_sec: 0,
        tv_nsec: 200_000_000,
    };
    loop {
        if let Some(status) = tree::reap(Some(agent)) {
            return tree::kill_all(None, Duration::from_secs(5)).or(Some(status));
        }
        if stop.load(Ordering::Relaxed) {
            if let Some(p) = Pid::from_raw(agent) {
                let _ = rustix::process::kill_process(p, Signal::KILL);
            }
            return tree::kill_all(Some(agent), Duration::from_secs(5));
        }
        let mut fds = [PollFd::new(wake, PollFlags::IN)];
        let _ = poll(&mut fds, Some(&every));
        let mut buf = [0u8; 64];
        while matches!((&*wake).read(&mut buf), Ok(n) if n > 0) {}
    }
}

fn code_of(s: WaitStatus) -> u8 {
    if let Some(code) = s.exit_status() {
        u8::try_from(code).unwrap_or(1)
    } else if let Some(sig) = s.terminating_signal() {
        u8::try_from(128 + sig).unwrap_or(255)
    } else {
        1
    }
}

/// In the child, before exec: death with the launcher, a session of its own
/// (no controlling terminal to type into), limits, no capabilities, then
/// Landlock (which also sets `no_new_privs`) and the seccomp filter, and no
/// file descriptor inherited past the standard three.
fn confine_self(
    ruleset: Option<&OwnedFd>,
    syscalls: &[seccompiler::sock_filter],
    limits: &Limits,
) -> std::io::Result<()> {
    rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
    rustix::process::setsid()?;
    let limit = |r: Resource, v: Option<u64>| -> std::io::Result<()> {
        if let Some(v) = v {
            setrlimit(
                r,
                Rlimit {
                    current: Some(v),
                    maximum: Some(v),
                },
            )?;
        }
        Ok(())
    };
    limit(Resource::Nproc, limits.processes)?;
    limit(Resource::Fsize, limits.file_size)?;
    limit(Resource::Nofile, limits.open_files)?;
    limit(Resource::Core, Some(0))?;
    drop_capabilities()?;
    // The ruleset was built with every right of the profile a hard
    // requirement (unless best effort): applying it enforces all of them.
    match ruleset {
        Some(fd) => crate::kernel::restrict_self(fd.as_fd())?,
        // Best effort on a kernel without Landlock (checked in `main`).
        None => rustix::thread::set_no_new_privs(true)?,
    }
    // After no_new_privs, as seccomp requires.
    seccompiler::apply_filter(syscalls).map_err(std::io::Error::other)?;
    close_inherited_descriptors()
}

/// Every capability gone (root's included): the bounding set (what an exec
/// could give back), the ambient set, and the effective, permitted and
/// inheritable sets. Without CAP_SETPCAP (not root) the bounding set cannot
/// shrink, and there is nothing in it to use either.
fn drop_capabilities() -> std::io::Result<()> {
    use rustix::thread::{CapabilitySet, CapabilitySets};
    for bit in 0..64 {
        let cap = CapabilitySet::from_bits_retain(1 << bit);
        // Unknown capabilities and a missing CAP_SETPCAP are not errors here.
        let _ = rustix::thread::remove_capability_from_bounding_set(cap);
    }
    let _ = rustix::thread::clear_ambient_capability_set();
    rustix::thread::set_capabilities(
        None,
        CapabilitySets {
            effective: CapabilitySet::empty(),
            permitted: CapabilitySet::empty(),
            inheritable: CapabilitySet::empty(),
        },
    )?;
    Ok(())
}

/// Marks every descriptor above stderr close-on-exec, so that files the
/// operator's shell left open (`7<secret`) do not reach the agent.
fn close_inherited_descriptors() -> std::io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: close_range with CLOSE_RANGE_CLOEXEC only sets a flag on open
    // descriptors; it touches no memory and closes nothing before the exec.
    let r = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    };
    if r != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
