//! Gathering a snapshot of the governance state as it is now.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use agov_bugs::{Bugs, ListQuery, Severity, Status};
use agov_checkpoint::{
    BugBrief, BugsPart, DirBrief, Git, MemoryBrief, MemoryPart, RuntimeEntry, RuntimePart,
    Snapshot, StatusPart, Workdir,
};
use agov_cli::{CliError, Ctx};
use agov_config::Settings;
use agov_ledger::Ledger;
use agov_runtime::{RuntimeError, RuntimeStore, keys::Keyspace};
use agov_status::SweepOptions;

use crate::backends;

/// Most items kept per list in a snapshot.
const CAP: usize = 50;

/// What to leave out.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Options {
    /// Do not sweep STATUS.md files.
    pub no_sweep: bool,
}

/// Opens the ledger and collects a snapshot of the state now, for `now` and `report`.
pub(super) fn current(
    ctx: &mut Ctx,
    opts: Options,
) -> Result<(Settings, Ledger, Snapshot), CliError> {
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let snapshot = snapshot(ctx, &settings, &mut ledger, opts)?;
    Ok((settings, ledger, snapshot))
}

/// Collects a snapshot. Parts whose backend is unavailable are recorded as such, not fatal.
pub(super) fn snapshot(
    ctx: &Ctx,
    settings: &Settings,
    ledger: &mut Ledger,
    opts: Options,
) -> Result<Snapshot, CliError> {
    let tenant = settings.tenant.value.clone();
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::io("cannot read the current directory", e))?;
    let bugs = bugs_part(&mut Bugs::new(ledger, tenant.clone(), backends::actor()))?;
    let recent = ledger
        .tail(Some(&tenant), 10)?
        .iter()
        .map(agov_checkpoint::describe)
        .collect();
    Ok(Snapshot {
        workdir: Some(Workdir {
            path: cwd.display().to_string(),
            git: git(&cwd),
        }),
        bugs,
        status: if opts.no_sweep {
            None
        } else {
            status_part(ctx, &cwd)
        },
        runtime: runtime_part(settings),
        memory: memory_part(ledger, &tenant)?,
        recent,
    })
}

/// `git -C dir ARGS`, without running a program the repository's config
/// names: an agent that may write a working tree may write its `.git/config`,
/// and `core.fsmonitor` there would run its code here, outside any sandbox
/// (`-c` also reaches the git processes of submodules).
fn run_git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

fn git(dir: &Path) -> Option<Git> {
    let head = run_git(dir, &["rev-parse", "HEAD"])?;
    Some(Git {
        branch: run_git(dir, &["rev-parse", "--abbrev-ref", "HEAD"]).unwrap_or_default(),
        head,
        changed_files: run_git(dir, &["status", "--porcelain"])
            .map_or(0, |s| s.lines().count() as u64),
    })
}

pub(super) fn bugs_part(bugs: &mut Bugs<'_>) -> Result<BugsPart, CliError> {
    let active = bugs.list(&ListQuery {
        statuses: vec![Status::Open, Status::InProgress],
        ..ListQuery::default()
    })?;
    let brief = |b: &agov_bugs::Bug| BugBrief {
        id: b.id.clone(),
        severity: b.severity.to_string(),
        title: b.title.clone(),
        assignee: b.assignee.clone(),
    };
    let mut open_by_severity: BTreeMap<String, u64> =
        Severity::ALL.iter().map(|s| (s.to_string(), 0)).collect();
    for b in active.iter().filter(|b| b.status == Status::Open) {
        *open_by_severity.entry(b.severity.to_string()).or_default() += 1;
    }
    Ok(BugsPart {
        active: active.len() as u64,
        open_by_severity,
        in_progress: active
            .iter()
            .filter(|b| b.status == Status::InProgress)
            .take(CAP)
            .map(brief)
            .collect(),
        urgent: active
            .iter()
            .filter(|b| b.status == Status::Open && b.severity >= Severity::High)
            .take(CAP)
            .map(brief)
            .collect(),
    })
}

/// The memory store: counts and the five newest entries.
fn memory_part(ledger: &Ledger, tenant: &str) -> Result<MemoryPart, CliError> {
    let (entries, bytes, recent) = agov_memory::overview(ledger, tenant, 5)?;
    Ok(MemoryPart {
        entries,
        bytes,
        recent: recent
            .into_iter()
            .map(|e| MemoryBrief {
                id: e.id,
                title: e.title,
                bytes: e.bytes,
                lines: e.lines,
                tags: e.tags,
                created: e.created,
            })
            .collect(),
    })
}

fn status_part(ctx: &Ctx, cwd: &Path) -> Option<StatusPart> {
    let opts = SweepOptions {
        stale_after: Duration::from_secs(7 * 86_400),
        now_us: agov_core::time::now_us(),
    };
    let sweep = match agov_status::sweep(cwd, opts) {
        Ok(s) => s,
        Err(e) => {
            ctx.warn(&format!("status sweep skipped: {e}"));
            return None;
        }
    };
    let dirs: Vec<DirBrief> = sweep
        .dirs
        .into_iter()
        .filter(|d| d.state != "missing")
        .take(CAP * 10)
        .map(|d| DirBrief {
            path: d.path,
            phase: d.phase.map(|p| p.to_string()),
            state: d.state,
            tasks_done: d.tasks_done as u64,
            tasks_total: d.tasks_total as u64,
        })
        .collect();
    (!dirs.is_empty()).then(|| StatusPart {
        root: cwd.display().to_string(),
        dirs,
    })
}

/// A human gate waiting for `pipeline approve`; its keys in the order
/// they always had (alphabetical).
#[derive(Clone, Debug, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct PendingGate {
    /// Who may approve (empty: anyone).
    pub(crate) approvers: Vec<String>,
    /// When it times out.
    #[schemars(extend("format" = "date-time"))]
    pub(crate) deadline: String,
    /// The command that approves it (add --reject to reject).
    pub(crate) decide: String,
    /// Of what is to be approved now.
    pub(crate) digest: String,
    /// Its pipeline.
    pub(crate) pipeline: String,
    /// Its stage.
    pub(crate) stage: String,
}

/// Human gates waiting for a decision, in the tenant's unsettled
/// pipelines, each with the command that decides it.
pub(super) fn pending_gates(settings: &Settings) -> Result<Vec<PendingGate>, String> {
    let store = backends::runtime_store(settings).map_err(|e| e.message().to_string())?;
    let ks = Keyspace::new(&settings.tenant.value);
    let all = agov_pipeline::state::list(store.as_ref(), &ks).map_err(|e| e.to_string())?;
    Ok(all
        .iter()
        .filter(|p| !p.status.is_settled())
        .flat_map(|p| {
            p.pending_gates().filter_map(|r| {
                let g = r.gate.as_ref()?;
                Some(PendingGate {
                    pipeline: p.id.clone(),
                    stage: r.name.clone(),
                    digest: g.digest.clone(),
                    approvers: g.approvers.clone(),
                    deadline: agov_core::time::format_us(g.deadline_us),
                    decide: format!(
                        "pipeline approve {} --stage {} --digest {}",
                        p.id, r.name, g.digest
                    ),
                })
            })
        })
        .collect())
}

fn runtime_part(settings: &Settings) -> RuntimePart {
    let mut part = RuntimePart {
        backend: settings.runtime.value.to_string(),
        ..RuntimePart::default()
    };
    let store = match backends::runtime_store(settings) {
        Ok(s) => s,
        Err(e) => {
            part.error = Some(e.message().to_string());
            return part;
        }
    };
    part.backend = store.backend().to_string();
    let ks = Keyspace::new(&settings.tenant.value);
    let read = |kind: &str| -> Result<Vec<RuntimeEntry>, RuntimeError> {
        let prefix = format!("{}{kind}:", ks.prefix());
        let mut out = Vec::new();
        for key in store
            .scan(&prefix)?
            .into_iter()
            .filter(|k| k.ends_with(":state"))
            .take(CAP)
        {
            let id = key[prefix.len()..key.len() - ":state".len()].to_string();
            out.push(RuntimeEntry {
                id,
                fields: state_fields(store.as_ref(), &key)?,
            });
        }
        Ok(out)
    };
    let pipelines = || -> Result<Vec<RuntimeEntry>, RuntimeError> {
        let all = agov_pipeline::state::list(store.as_ref(), &ks)
            .map_err(|e| RuntimeError::Protocol(e.to_string()))?;
        Ok(all
            .into_iter()
            .take(CAP)
            .map(|p| {
                let lease = store
                    .lock_owner(&ks.pipeline(&p.id, "lease"))
                    .ok()
                    .flatten();
                RuntimeEntry {
                    id: p.id.clone(),
                    fields: pipeline_fields(&p, lease),
                }
            })
            .collect())
    };
    match (read("agent"), pipelines()) {
        (Ok(a), Ok(p)) => (part.agents, part.pipelines) = (a, p),
        (Err(e), _) | (_, Err(e)) => part.error = Some(e.to_string()),
    }
    part
}

/// What a recovery briefing needs of a pipeline, and what to do about it.
fn pipeline_fields(
    p: &agov_pipeline::PipelineState,
    lease: Option<String>,
) -> BTreeMap<String, String> {
    use agov_pipeline::Status;
    let mut f = BTreeMap::new();
    f.insert("status".into(), p.status.as_str().into());
    f.insert("plan".into(), p.plan.name.clone());
    f.insert("round".into(), p.round.to_string());
    f.insert("tier".into(), p.tier.to_string());
    f.insert("updated_us".into(), p.updated_us.to_string());
    f.insert(
        "agents".into(),
        p.agents
            .iter()
            .map(|(r, s)| format!("{r}:{}", s.status.as_str()))
            .collect::<Vec<_>>()
            .join(","),
    );
    if !p.stages.is_empty() {
        f.insert(
            "stages".into(),
            p.stages
                .iter()
                .map(|r| format!("{}:{}", r.name, r.slot.status.as_str()))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    let gates: Vec<String> = p
        .pending_gates()
        .map(|r| {
            let digest = r.gate.as_ref().map(|g| g.digest.as_str()).unwrap_or("");
            format!("{} (digest {digest})", r.name)
        })
        .collect();
    if !gates.is_empty() {
        f.insert("pending_gates".into(), gates.join(", "));
    }
    if let Some(failure) = &p.failure {
        f.insert("failure".into(), failure.clone());
    }
    let gate = p.pending_gates().next().map(|r| r.name.clone());
    let next = match (p.status, &lease) {
        (s, _) if !s.is_settled() && gate.is_some() => Some(format!(
            "a person decides its gate: pipeline approve {} --stage {} (or --reject)",
            p.id,
            gate.unwrap_or_default()
        )),
        (Status::ConsensusFailed, _) => Some(format!(
            "choose a fallback: pipeline consensus fallback {} --action …",
            p.id
        )),
        (s, None) if !s.is_settled() => {
            Some(format!("nobody drives it: pipeline continue {}", p.id))
        }
        _ => None,
    };
    if let Some(l) = lease {
        f.insert("driven_by".into(), l);
    }
    if let Some(n) = next {
        f.insert("next".into(), n);
    }
    f
}

fn state_fields(
    store: &dyn RuntimeStore,
    key: &str,
) -> Result<BTreeMap<String, String>, RuntimeError> {
    match store.hgetall(key) {
        Ok(h) => Ok(h
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect()),
        Err(RuntimeError::WrongType { .. }) => {
            let v = store.get(key)?.unwrap_or_default();
            Ok(BTreeMap::from([(
                "value".to_string(),
                String::from_utf8_lossy(&v).into_owned(),
            )]))
        }
        Err(e) => Err(e),
    }
}
