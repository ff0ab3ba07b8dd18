//! Who drives a pipeline: the process holding its lease, and whether that
//! process still exists. A driver killed on this host (kill -9, a closed
//! terminal) leaves its lease behind until it lapses; it is recognised as
//! gone at once, so `pipeline status` can say so and `pipeline continue`
//! can take over without waiting.

use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;

use crate::error::PipelineError;

/// Who drives a pipeline, as far as this host can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Driver {
    /// A process holds the lease (one on another host is taken to be alive
    /// until its lease lapses).
    Alive(String),
    /// The lease names a process of this host that has exited.
    Gone(String),
    /// Nobody holds the lease.
    Nobody,
}

impl Driver {
    /// The lease holder's description (`pid N on HOST (tag)`), if any.
    pub fn holder(&self) -> Option<&str> {
        match self {
            Driver::Alive(h) | Driver::Gone(h) => Some(h),
            Driver::Nobody => None,
        }
    }

    /// `alive`, `gone` or `none`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Driver::Alive(_) => "alive",
            Driver::Gone(_) => "gone",
            Driver::Nobody => "none",
        }
    }
}

/// Who drives pipeline `id`.
pub fn driver(store: &dyn RuntimeStore, k: &Keyspace, id: &str) -> Result<Driver, PipelineError> {
    Ok(match store.lock_owner(&k.pipeline(id, "lease"))? {
        None => Driver::Nobody,
        Some(h) if holder_gone(&h) => Driver::Gone(h),
        Some(h) => Driver::Alive(h),
    })
}

/// The lease owner's text for this process.
pub(crate) fn this_process() -> String {
    format!(
        "pid {} on {} ({})",
        std::process::id(),
        hostname(),
        agov_core::ids::random_hex::<3>()
    )
}

/// True when `holder` (`pid N on HOST (tag)`) is a process of this host
/// that no longer runs (exited, or a zombie nobody reaped).
pub(crate) fn holder_gone(holder: &str) -> bool {
    let Some((pid, host)) = parse(holder) else {
        return false;
    };
    if host != hostname() {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name, which is in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => true,
    }
}

fn parse(holder: &str) -> Option<(u32, &str)> {
    let rest = holder.strip_prefix("pid ")?;
    let (pid, rest) = rest.split_once(" on ")?;
    let host = rest.rsplit_once(" (").map_or(rest, |(h, _)| h);
    Some((pid.parse().ok()?, host))
}

pub(crate) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_of_this_host_is_gone_once_its_process_is() {
        let me = this_process();
        assert!(!holder_gone(&me), "{me}");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let dead = format!("pid {pid} on {} (abcdef)", hostname());
        assert!(holder_gone(&dead), "{dead}");
        // Another host's process is not ours to judge; nor is nonsense.
        assert!(!holder_gone(&format!(
            "pid {pid} on elsewhere-host (abcdef)"
        )));
        assert!(!holder_gone("another process"));
    }

    #[test]
    fn an_unreaped_child_is_gone() {
        let child = std::process::Command::new("true").spawn().unwrap();
        let holder = format!("pid {} on {} (abcdef)", child.id(), hostname());
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(holder_gone(&holder), "a zombie still counted as a driver");
        drop(child);
    }
}
