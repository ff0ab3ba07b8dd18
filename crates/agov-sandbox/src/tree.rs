//! A process's descendants, from `/proc`, and killing all of them.
//!
//! The launcher is a child subreaper, so whatever the agent forks stays
//! below it even after `setsid` or a double fork: its descendants are
//! exactly the processes whose parent chain reaches it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, WaitIdOptions, WaitOptions, kill_process, wait, waitid};

/// The parent of every process, as `/proc/*/stat` says.
fn parents() -> BTreeMap<i32, i32> {
    let mut map = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return map;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            map.insert(pid, ppid);
        }
    }
    map
}

/// Every live descendant of `root`.
pub fn descendants(root: i32) -> BTreeSet<i32> {
    let parents = parents();
    let mut found = BTreeSet::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (&child, _) in parents.iter().filter(|(_, pp)| **pp == p) {
            if found.insert(child) {
                frontier.push(child);
            }
        }
    }
    found
}

/// Reaps every child that has ended; returns the status of `watch` if it was among them.
pub fn reap(watch: Option<i32>) -> Option<rustix::process::WaitStatus> {
    let mut seen = None;
    // Any child (waitpid(-1)): one that changed its process group too.
    while let Ok(Some((pid, status))) = wait(WaitOptions::NOHANG) {
        if Some(pid.as_raw_nonzero().get()) == watch {
            seen = Some(status);
        }
    }
    seen
}

/// Whether this process has a child, running or ended but not reaped. A
/// subreaper without one has no descendant at all: whatever its children
/// forked would have been handed to it.
fn has_children() -> bool {
    // ECHILD is the only error of a WNOHANG waitid on P_ALL.
    waitid(
        rustix::process::WaitId::All,
        WaitIdOptions::EXITED
            | WaitIdOptions::STOPPED
            | WaitIdOptions::NOHANG
            | WaitIdOptions::NOWAIT,
    )
    .is_ok()
}

/// Kills every descendant of this process with SIGKILL until none is left
/// (or `limit` has passed), reaping them; returns the status of `watch`
/// if it was reaped meanwhile.
pub fn kill_all(watch: Option<i32>, limit: Duration) -> Option<rustix::process::WaitStatus> {
    let me = rustix::process::getpid().as_raw_nonzero().get();
    let start = Instant::now();
    let mut status = None;
    loop {
        // Without a child there is no descendant: no need to read /proc.
        if !has_children() {
            break;
        }
        let left = descendants(me);
        if left.is_empty() || start.elapsed() > limit {
            break;
        }
        for pid in left {
            if let Some(p) = Pid::from_raw(pid) {
                // Gone already is fine.
                let _ = kill_process(p, Signal::KILL);
            }
        }
        status = status.or(reap(watch));
        std::thread::sleep(Duration::from_millis(1));
    }
    status.or(reap(watch))
}
