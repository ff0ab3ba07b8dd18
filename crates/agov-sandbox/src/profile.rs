//! Per-tier sandbox profiles: the roots an agent of each tier may read and
//! write, its network and its resource limits. Data, not code: loaded from
//! `policies/sandbox.toml` (built in).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;

/// The profiles agov ships with.
pub const BUILT_IN: &str = include_str!("../../../policies/sandbox.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    system: Vec<String>,
    devices_rw: Vec<String>,
    devices_ro: Vec<String>,
    protected: Vec<String>,
    credentials: Vec<String>,
    tier: BTreeMap<String, TierFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFile {
    read: Vec<String>,
    write: Vec<String>,
    network: NetworkFile,
    limits: LimitsFile,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum NetworkFile {
    Word(String),
    Ports(Vec<u16>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    processes: Option<u64>,
    file_size: Option<String>,
    open_files: Option<u64>,
}

/// What an agent may reach over the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// No TCP connection and no TCP listener.
    None,
    /// TCP connections to these ports only; no listener.
    Ports(Vec<u16>),
    /// Unrestricted.
    Any,
}

/// Resource limits of an agent's processes (`None`: inherited).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Processes of the user (RLIMIT_NPROC; root is exempt from it).
    pub processes: Option<u64>,
    /// Largest file it may write, in bytes (RLIMIT_FSIZE).
    pub file_size: Option<u64>,
    /// Open files (RLIMIT_NOFILE).
    pub open_files: Option<u64>,
}

/// One tier's profile, with its places not yet filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierProfile {
    /// Roots it may read and execute.
    pub read: Vec<String>,
    /// Roots it may also write.
    pub write: Vec<String>,
    /// Its network.
    pub network: Network,
    /// Its limits.
    pub limits: Limits,
}

/// Every tier's profile and the paths shared by all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profiles {
    /// What `{system}` stands for.
    pub system: Vec<String>,
    /// Device files every agent may read and write.
    pub devices_rw: Vec<String>,
    /// Device files every agent may read.
    pub devices_ro: Vec<String>,
    /// Never reachable, at any tier.
    pub protected: Vec<String>,
    /// The operator's credentials, unreachable below T4.
    pub credentials: Vec<String>,
    /// T0 to T4.
    pub tiers: Vec<TierProfile>,
}

impl Profiles {
    /// The built-in profiles.
    pub fn built_in() -> Profiles {
        Profiles::parse(BUILT_IN).expect("policies/sandbox.toml is valid")
    }

    /// Reads profiles from the text of a `sandbox.toml`.
    pub fn parse(text: &str) -> Result<Profiles, SandboxError> {
        let file: File = toml::from_str(text).map_err(|e| SandboxError::Profile(e.to_string()))?;
        let mut tiers = Vec::new();
        for n in 0..=4 {
            let key = format!("t{n}");
            let t = file
                .tier
                .get(&key)
                .ok_or_else(|| SandboxError::Profile(format!("no [tier.{key}] profile")))?;
            tiers.push(TierProfile {
                read: t.read.clone(),
                write: t.write.clone(),
                network: match &t.network {
                    NetworkFile::Word(w) if w == "none" => Network::None,
                    NetworkFile::Word(w) if w == "any" => Network::Any,
                    NetworkFile::Word(w) => {
                        return Err(SandboxError::Profile(format!(
                            "tier.{key}.network is `{w}`: use \"none\", \"any\" or a list of TCP ports"
                        )));
                    }
                    NetworkFile::Ports(p) => Network::Ports(p.clone()),
                },
                limits: Limits {
                    processes: t.limits.processes,
                    file_size: t
                        .limits
                        .file_size
                        .as_deref()
                        .map(|s| size(s).map_err(|e| SandboxError::Profile(format!("tier.{key}.limits.file_size: {e}"))))
                        .transpose()?,
                    open_files: t.limits.open_files,
                },
            });
        }
        if let Some(extra) = file
            .tier
            .keys()
            .find(|k| !matches!(k.as_str(), "t0" | "t1" | "t2" | "t3" | "t4"))
        {
            return Err(SandboxError::Profile(format!(
                "[tier.{extra}] is not a tier: use t0 … t4"
            )));
        }
        Ok(Profiles {
            system: file.system,
            devices_rw: file.devices_rw,
            devices_ro: file.devices_ro,
            protected: file.protected,
            credentials: file.credentials,
            tiers,
        })
    }

    /// The profile of tier `n` (0 to 4; higher numbers get T4's).
    pub fn tier(&self, n: u8) -> &TierProfile {
        &self.tiers[usize::from(n.min(4))]
    }
}

/// `256MiB`, `1GiB`, `4096` (bytes).
fn size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 256MiB"))?;
    let mult: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        other => return Err(format!("unknown unit `{other}` (B, KiB, MiB, GiB)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_parse_and_grow_with_the_tier() {
        let p = Profiles::built_in();
        assert_eq!(p.tiers.len(), 5);
        assert_eq!(p.tier(0).network, Network::None);
        assert_eq!(p.tier(1).network, Network::None);
        assert!(matches!(p.tier(2).network, Network::Ports(_)));
        assert!(!p.tier(0).write.contains(&"{work}".to_string()));
        assert!(p.tier(1).write.contains(&"{sandbox}".to_string()));
        assert!(p.tier(2).write.contains(&"{work}".to_string()));
        assert_eq!(p.tier(0).limits.file_size, Some(256 << 20));
    }

    #[test]
    fn bad_profiles_say_what_is_wrong() {
        let bad = BUILT_IN.replace("network = \"none\"", "network = \"some\"");
        let e = Profiles::parse(&bad).unwrap_err().to_string();
        assert!(e.contains("tier.t0.network is `some`"), "{e}");
        let bad = BUILT_IN.replace("\"256MiB\"", "\"256PB\"");
        let e = Profiles::parse(&bad).unwrap_err().to_string();
        assert!(e.contains("unknown unit `PB`"), "{e}");
    }
}
