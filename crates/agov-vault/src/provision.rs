//! Bringing a Vault to the state agov needs, idempotently: the policies of
//! `policies/`, per tier an orphan token role (`agov-tN`), a child token role
//! (`agov-child-tN`), both with the tier's TTL as their explicit maximum, and
//! a pipeline token role (`agov-pipeline-tN`, whose tokens may issue children
//! of tiers 0..=N only), the KV v2 mount, and the AppRole identity `agov`
//! with the governor policy, and a policy `agov-tenant-<tenant>` for every
//! tenant the configuration names. Each step reads first and writes only what differs, so a second
//! run reports no changes.

use agov_core::{Secret, Tier};
use serde_json::{Value, json};

use crate::client::{Method, Vault};
use crate::error::VaultError;
use crate::policies;

/// The AppRole role agov logs in as.
pub const APPROLE_ROLE: &str = "agov";

/// Longest life of a pipeline's token, renewals included (a tier token's is
/// its tier's TTL: [`tier_max_ttl_secs`]).
pub const PIPELINE_MAX_TTL_SECS: u64 = 24 * 3600;

/// The AppRole login token's life (agov's own identity)…
pub const GOVERNOR_TTL_SECS: u64 = 15 * 60;

/// …and renewals included.
pub const GOVERNOR_MAX_TTL_SECS: u64 = 3600;

/// How long an AppRole secret id of the `agov` role is valid: a week.
pub const SECRET_ID_TTL_SECS: u64 = 7 * 24 * 3600;

/// How many logins one secret id allows. agov reuses a login while it is
/// valid (one per 15 min and data folder), so a week takes at most 672.
pub const SECRET_ID_NUM_USES: u64 = 1000;

/// What to provision beyond what `policies/` fixes.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The AppRole mount (default `approle`).
    pub approle_mount: String,
    /// KV paths (under the mount, e.g. `services/dragonfly`) of the service
    /// credentials agov reads: the governor may read exactly these.
    pub service_secrets: Vec<String>,
    /// CIDR blocks the secret ids and login tokens are bound to (none: any).
    pub bound_cidrs: Vec<String>,
    /// The tenants the configuration names: each gets its policy
    /// `agov-tenant-<tenant>` ([`policies::tenant_policy`]).
    pub tenants: Vec<String>,
}

impl Options {
    /// Defaults with `approle_mount`.
    pub fn new(approle_mount: &str) -> Options {
        Options {
            approle_mount: approle_mount.to_string(),
            ..Options::default()
        }
    }
}

/// The governor's policy: `policies/governor.hcl` (for `mount`) plus a
/// read-only rule for each service secret, by exact path.
pub fn governor_policy(mount: &str, service_secrets: &[String]) -> String {
    let mut hcl = policies::for_mount(policies::GOVERNOR.hcl, mount);
    let mut paths: Vec<&String> = service_secrets.iter().collect();
    paths.sort();
    paths.dedup();
    for p in paths {
        let p = p.trim_matches('/');
        if p.is_empty() || p == "agov/llm" {
            continue;
        }
        hcl.push_str(&format!(
            "\npath \"{mount}/data/{p}\" {{\n  capabilities = [\"read\"]\n}}\n"
        ));
    }
    hcl
}

/// Longest life of a tier token (agent, manual or child), renewals included:
/// the tier's TTL (`policies/tiers.toml`), so no renewal outlives it.
pub fn tier_max_ttl_secs(tier: Tier) -> u64 {
    tier.default_ttl().as_secs()
}

/// Installs everything; returns one line per change made (empty when none).
pub fn provision(vault: &Vault, approle_mount: &str) -> Result<Vec<String>, VaultError> {
    run(vault, &Options::new(approle_mount), true)
}

/// What [`provision`] would change, without changing anything (empty when in sync).
pub fn plan(vault: &Vault, approle_mount: &str) -> Result<Vec<String>, VaultError> {
    run(vault, &Options::new(approle_mount), false)
}

/// [`provision`] with [`Options`].
pub fn provision_with(vault: &Vault, options: &Options) -> Result<Vec<String>, VaultError> {
    run(vault, options, true)
}

/// [`plan`] with [`Options`].
pub fn plan_with(vault: &Vault, options: &Options) -> Result<Vec<String>, VaultError> {
    run(vault, options, false)
}

fn run(vault: &Vault, options: &Options, apply: bool) -> Result<Vec<String>, VaultError> {
    let approle_mount = options.approle_mount.as_str();
    let mut c = Changes {
        list: Vec::new(),
        apply,
    };
    ensure_kv_mount(vault, &mut c)?;
    for p in policies::all() {
        let hcl = if p.name == policies::GOVERNOR.name {
            governor_policy(vault.kv_mount(), &options.service_secrets)
        } else {
            policies::for_mount(p.hcl, vault.kv_mount())
        };
        ensure_policy(vault, p.name, &hcl, &mut c)?;
    }
    for tenant in &options.tenants {
        let (name, hcl) = policies::tenant_policy(tenant);
        ensure_policy(vault, &name, &hcl, &mut c)?;
    }
    for tier in Tier::ALL {
        let tier_policy = policies::tier_policy(tier).name;
        let max = tier_max_ttl_secs(tier);
        ensure_token_role(
            vault,
            &policies::tier_role(tier),
            &[tier_policy],
            true,
            max,
            &mut c,
        )?;
        ensure_token_role(
            vault,
            &policies::child_role(tier),
            &[tier_policy],
            false,
            max,
            &mut c,
        )?;
        ensure_token_role(
            vault,
            &policies::pipeline_role(tier),
            &[policies::pipeline_policy(tier).name],
            true,
            PIPELINE_MAX_TTL_SECS,
            &mut c,
        )?;
    }
    ensure_approle(vault, approle_mount, &options.bound_cidrs, &mut c)?;
    Ok(c.list)
}

/// The changes found, and whether to make them.
struct Changes {
    list: Vec<String>,
    apply: bool,
}

impl Changes {
    /// Records a change (made, or that would be made in a dry run).
    fn push(&mut self, done: String) {
        self.list.push(if self.apply {
            done
        } else {
            format!("would have {done}")
        });
    }
}

/// A fresh AppRole secret id for the `agov` role, with its role id, so an
/// operator (or a test) can log in as agov.
pub fn approle_credentials(vault: &Vault, mount: &str) -> Result<(String, Secret), VaultError> {
    let what = "reading agov's AppRole role id";
    let role = vault.send(
        what,
        Method::GET,
        &format!("auth/{mount}/role/{APPROLE_ROLE}/role-id"),
        None,
    )?;
    let role_id = field(what, &role, "/data/role_id")?;
    let what = "generating an AppRole secret id";
    let secret = vault.send(
        what,
        Method::POST,
        &format!("auth/{mount}/role/{APPROLE_ROLE}/secret-id"),
        Some(json!({})),
    )?;
    Ok((
        role_id,
        Secret::new(field(what, &secret, "/data/secret_id")?),
    ))
}

/// The string at `pointer` in `answer` (Vault's answer to `what`).
fn field(what: &str, answer: &Value, pointer: &str) -> Result<String, VaultError> {
    answer
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| VaultError::Api {
            what: what.to_string(),
            code: 200,
            detail: format!("the answer has no {}", &pointer[1..]),
        })
}

/// GET that maps 404 to `None`.
fn read(vault: &Vault, path: &str) -> Result<Option<Value>, VaultError> {
    match vault.raw(Method::GET, path, None, true) {
        Ok((_, body)) => Ok(Some(body)),
        Err(VaultError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// POSTs `body` to `path`, except in a dry run.
fn write(vault: &Vault, changes: &Changes, path: &str, body: Value) -> Result<(), VaultError> {
    if !changes.apply {
        return Ok(());
    }
    vault.raw(Method::POST, path, Some(body), true).map(|_| ())
}

fn ensure_kv_mount(vault: &Vault, changes: &mut Changes) -> Result<(), VaultError> {
    let mount = vault.kv_mount();
    let mounts = read(vault, "sys/mounts")?.unwrap_or(Value::Null);
    let entry = mounts
        .get("data")
        .unwrap_or(&mounts)
        .get(format!("{mount}/"));
    match entry {
        Some(m)
            if m["type"] == "kv"
                && m.pointer("/options/version").and_then(Value::as_str) == Some("2") =>
        {
            Ok(())
        }
        Some(m) => Err(VaultError::Api {
            what: format!("checking the mount {mount}/"),
            code: 200,
            detail: format!(
                "it is a `{}` engine, not KV version 2: set vault.kv_mount to a KV v2 mount",
                m["type"]
            ),
        }),
        None => {
            write(
                vault,
                changes,
                &format!("sys/mounts/{mount}"),
                json!({ "type": "kv", "options": { "version": "2" } }),
            )?;
            changes.push(format!("enabled the KV v2 engine at {mount}/"));
            Ok(())
        }
    }
}

fn ensure_policy(
    vault: &Vault,
    name: &str,
    wanted: &str,
    changes: &mut Changes,
) -> Result<(), VaultError> {
    let current = read(vault, &format!("sys/policies/acl/{name}"))?;
    let current_text = current
        .as_ref()
        .and_then(|b| b.pointer("/data/policy").or_else(|| b.get("policy")))
        .and_then(Value::as_str);
    if current_text.map(str::trim) == Some(wanted.trim()) {
        return Ok(());
    }
    if changes.apply {
        let hcl = wanted.to_string();
        vault.send(
            &format!("writing policy {name}"),
            Method::POST,
            &format!("sys/policy/{name}"),
            Some(json!({ "policy": hcl })),
        )?;
    }
    changes.push(format!(
        "{} policy {}",
        if current.is_some() {
            "updated"
        } else {
            "written"
        },
        name
    ));
    Ok(())
}

fn ensure_token_role(
    vault: &Vault,
    role: &str,
    allowed: &[&str],
    orphan: bool,
    max_ttl_secs: u64,
    changes: &mut Changes,
) -> Result<(), VaultError> {
    let current = read(vault, &format!("auth/token/roles/{role}"))?;
    let mut want_policies: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
    want_policies.sort();
    let matches = current
        .as_ref()
        .and_then(|b| b.get("data"))
        .is_some_and(|d| {
            let mut have: Vec<String> = d["allowed_policies"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            have.sort();
            have == want_policies
                && d["orphan"] == orphan
                && d["renewable"] == true
                && d["token_explicit_max_ttl"].as_u64() == Some(max_ttl_secs)
                && d["token_no_default_policy"] == true
        });
    if matches {
        return Ok(());
    }
    let body = json!({
        "allowed_policies": want_policies,
        "orphan": orphan,
        "renewable": true,
        "token_explicit_max_ttl": max_ttl_secs,
        "token_no_default_policy": true,
        "token_type": "service",
    });
    write(vault, changes, &format!("auth/token/roles/{role}"), body)?;
    changes.push(format!(
        "{} token role {role}",
        if current.is_some() {
            "updated"
        } else {
            "written"
        }
    ));
    Ok(())
}

fn ensure_approle(
    vault: &Vault,
    mount: &str,
    cidrs: &[String],
    changes: &mut Changes,
) -> Result<(), VaultError> {
    let auths = read(vault, "sys/auth")?.unwrap_or(Value::Null);
    let enabled = auths
        .get("data")
        .unwrap_or(&auths)
        .get(format!("{mount}/"))
        .is_some();
    if !enabled {
        write(
            vault,
            changes,
            &format!("sys/auth/{mount}"),
            json!({ "type": "approle" }),
        )?;
        changes.push(format!("enabled AppRole at auth/{mount}/"));
    }
    let path = format!("auth/{mount}/role/{APPROLE_ROLE}");
    let mut want_cidrs: Vec<String> = cidrs.iter().map(|c| single_host(c)).collect();
    want_cidrs.sort();
    let current = read(vault, &path)?;
    let matches = current
        .as_ref()
        .and_then(|b| b.get("data"))
        .is_some_and(|d| {
            d["token_policies"]
                .as_array()
                .is_some_and(|a| a.len() == 1 && a[0] == policies::GOVERNOR.name)
                && d["token_ttl"].as_u64() == Some(GOVERNOR_TTL_SECS)
                && d["token_max_ttl"].as_u64() == Some(GOVERNOR_MAX_TTL_SECS)
                && d["token_no_default_policy"] == true
                && d["secret_id_ttl"].as_u64() == Some(SECRET_ID_TTL_SECS)
                && d["secret_id_num_uses"].as_u64() == Some(SECRET_ID_NUM_USES)
                && strings(&d["secret_id_bound_cidrs"]) == want_cidrs
                && strings(&d["token_bound_cidrs"]) == want_cidrs
        });
    if !matches {
        let body = json!({
            "token_policies": [policies::GOVERNOR.name],
            "token_ttl": GOVERNOR_TTL_SECS,
            "token_max_ttl": GOVERNOR_MAX_TTL_SECS,
            "token_no_default_policy": true,
            "token_type": "service",
            "secret_id_ttl": SECRET_ID_TTL_SECS,
            "secret_id_num_uses": SECRET_ID_NUM_USES,
            "secret_id_bound_cidrs": cidrs,
            "token_bound_cidrs": cidrs,
        });
        write(vault, changes, &path, body)?;
        changes.push(format!(
            "{} AppRole role {APPROLE_ROLE}",
            if current.is_some() {
                "updated"
            } else {
                "written"
            }
        ));
    }
    Ok(())
}

/// A CIDR block as Vault may echo it: a single host without its `/32`.
fn single_host(cidr: &str) -> String {
    cidr.strip_suffix("/32")
        .or_else(|| cidr.strip_suffix("/128"))
        .unwrap_or(cidr)
        .to_string()
}

/// A JSON array of CIDR blocks (`null`: none), sorted, single hosts bare.
fn strings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(single_host)
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
