//! The blackboard, direct messages, conflicts and votes of one pipeline,
//! in the runtime store.
//!
//! Every item is a field of a hash, keyed by round, author and the author's
//! own count (`0001/alpha/0003`): an agent that is run again after its
//! orchestrator died writes the same fields again instead of adding
//! duplicates, and a vote replaces the voter's earlier vote of the round.
//!
//! ```text
//! blackboard:{id}:problem|solutions|progress   {round}/{role}/{n}  -> Entry
//! blackboard:{id}:consensus                     {round}/{role}      -> Vote
//! msg:{id}:{to}                                 {round}/{from}/{n}  -> Mail
//! pipeline:{id}:conflicts                       {round}/{role}-{n}  -> Conflict
//! ```

use std::collections::BTreeMap;
use std::sync::Mutex;

use agov_agent::collab::Collab;
use agov_agent::{AgentError, Run};
use agov_governance::protocol::{Message, MessageKind, ReadWhat};
use agov_runtime::keys::Keyspace;
use agov_runtime::{Op, RuntimeStore};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::consensus::Vote;
use crate::error::PipelineError;
use crate::plan::Role;

/// The sections agents write, in display order.
pub const SECTIONS: [&str; 4] = ["problem", "solutions", "progress", "final"];

/// One blackboard item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entry {
    /// The section.
    #[schemars(extend("enum" = ["problem", "solutions", "progress", "final"]))]
    pub section: String,
    /// Who wrote it.
    pub by: Role,
    /// The round.
    pub round: u32,
    /// The author's count in this section and round (0: the
    /// orchestrator's note).
    pub n: u32,
    /// When (µs).
    pub at_us: i64,
    /// Text or any JSON, as the agent posted it.
    pub content: Value,
}

/// A blackboard item as shown: the entry and its id.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A blackboard entry",
    description = "One blackboard post. `final` holds the orchestrator's record of how a round ended: outcome, reason, tally and the best-supported proposal."
)]
pub struct Posted {
    /// The entry.
    #[serde(flatten)]
    pub entry: Entry,
    /// `{by}-r{round}-{n}`, e.g. alpha-r1-1: what a vote names as the
    /// proposal it judges (for solutions).
    pub id: String,
}

/// One round of the board (`pipeline blackboard --json`, and an agent's
/// read): only the sections asked for are present.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A pipeline's blackboard, one round",
    description = "`pipeline blackboard ID [--section S] [--round N] --json`; only the sections asked for are present."
)]
pub struct Snapshot {
    /// The pipeline.
    pub pipeline: String,
    /// The round.
    #[schemars(range(min = 1))]
    pub round: u32,
    /// The problem section.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Posted>")]
    pub problem: Option<Vec<Posted>>,
    /// The solutions section.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Posted>")]
    pub solutions: Option<Vec<Posted>>,
    /// The progress section.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Posted>")]
    pub progress: Option<Vec<Posted>>,
    /// How the round ended (written by the orchestrator when it settles).
    #[serde(rename = "final", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Posted>")]
    pub final_: Option<Vec<Posted>>,
    /// The round's conflicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Conflict>")]
    pub conflicts: Option<Vec<Conflict>>,
    /// The round's votes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<Vote>")]
    pub consensus: Option<Vec<Vote>>,
}

impl Entry {
    /// Its id, `{by}-r{round}-{n}` (`alpha-r1-1`): what a vote names as the
    /// proposal it judges.
    pub fn id(&self) -> String {
        format!("{}-r{}-{}", self.by.as_str(), self.round, self.n)
    }
}

/// One direct message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Mail {
    /// From.
    pub from: Role,
    /// To.
    pub to: Role,
    /// PROPOSAL, FEEDBACK or HANDOFF.
    pub kind: MessageKind,
    /// The round.
    pub round: u32,
    /// The sender's count in this round, from 1.
    pub n: u32,
    /// When (µs).
    pub at_us: i64,
    /// Text or any JSON.
    pub body: Value,
}

/// A disagreement to be mediated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Conflict {
    /// role-n, e.g. alpha-1: the raiser's role and count in the round.
    pub id: String,
    /// The round.
    pub round: u32,
    /// Who raised it.
    pub by: Role,
    /// Whom it is with.
    #[serde(default)]
    pub with: Option<String>,
    /// What it is about.
    pub about: String,
    /// When (µs).
    pub at_us: i64,
    /// Who settled it.
    #[serde(default)]
    pub resolved_by: Option<Role>,
    /// How.
    #[serde(default)]
    pub resolution: Option<String>,
}

/// One pipeline's shared space.
pub struct Board<'a> {
    store: &'a dyn RuntimeStore,
    keys: Keyspace,
    id: String,
}

fn field(round: u32, rest: &str) -> String {
    format!("{round:04}/{rest}")
}

fn decode<T: for<'de> Deserialize<'de>>(raw: BTreeMap<String, Vec<u8>>) -> Vec<T> {
    raw.into_values()
        .filter_map(|v| serde_json::from_slice(&v).ok())
        .collect()
}

impl<'a> Board<'a> {
    /// The board of pipeline `id`.
    pub fn new(store: &'a dyn RuntimeStore, keys: Keyspace, id: &str) -> Board<'a> {
        Board {
            store,
            keys,
            id: id.to_string(),
        }
    }

    fn section_key(&self, section: &str) -> String {
        self.keys.blackboard(&self.id, section)
    }

    fn conflicts_key(&self) -> String {
        self.keys.pipeline(&self.id, "conflicts")
    }

    /// A section's entries, oldest first.
    pub fn entries(&self, section: &str) -> Result<Vec<Entry>, PipelineError> {
        let mut v: Vec<Entry> = decode(self.store.hgetall(&self.section_key(section))?);
        v.sort_by_key(|a| (a.at_us, a.round, a.by, a.n));
        Ok(v)
    }

    /// One entry: the `n`th that `by` wrote to `section` in `round`.
    pub fn entry(
        &self,
        section: &str,
        round: u32,
        by: Role,
        n: u32,
    ) -> Result<Option<Entry>, PipelineError> {
        Ok(self
            .store
            .hget(
                &self.section_key(section),
                &field(round, &format!("{by}/{n:04}")),
            )?
            .and_then(|raw| serde_json::from_slice(&raw).ok()))
    }

    /// The votes of `round`, one per role (the latest).
    pub fn votes(&self, round: u32) -> Result<BTreeMap<Role, Vote>, PipelineError> {
        let all: Vec<Vote> = decode(self.store.hgetall(&self.section_key("consensus"))?);
        Ok(all
            .into_iter()
            .filter(|v| v.round == round)
            .map(|v| (v.role, v))
            .collect())
    }

    /// Every vote of every round, oldest round first.
    pub fn all_votes(&self) -> Result<Vec<Vote>, PipelineError> {
        let mut all: Vec<Vote> = decode(self.store.hgetall(&self.section_key("consensus"))?);
        all.sort_by_key(|a| (a.round, a.role));
        Ok(all)
    }

    /// Messages to `to` (everyone's when `None`), oldest first.
    pub fn messages(&self, to: Option<Role>) -> Result<Vec<Mail>, PipelineError> {
        let roles = match to {
            Some(r) => vec![r],
            None => vec![Role::Alpha, Role::Beta, Role::Gamma],
        };
        let mut out: Vec<Mail> = Vec::new();
        for r in roles {
            out.extend(decode::<Mail>(
                self.store
                    .hgetall(&self.keys.messages(&self.id, r.as_str()))?,
            ));
        }
        out.sort_by_key(|a| (a.at_us, a.from, a.n));
        Ok(out)
    }

    /// The conflicts of `round` (every round with `None`), oldest first.
    pub fn conflicts(&self, round: Option<u32>) -> Result<Vec<Conflict>, PipelineError> {
        let mut v: Vec<Conflict> = decode(self.store.hgetall(&self.conflicts_key())?);
        v.retain(|c| round.is_none_or(|r| c.round == r));
        v.sort_by(|a, b| (a.round, a.at_us, &a.id).cmp(&(b.round, b.at_us, &b.id)));
        Ok(v)
    }

    /// How many conflicts of `round` are unresolved.
    pub fn unresolved(&self, round: u32) -> Result<u32, PipelineError> {
        Ok(self
            .conflicts(Some(round))?
            .iter()
            .filter(|c| c.resolved_by.is_none())
            .count() as u32)
    }

    /// The write that stores `entry`.
    fn entry_op(&self, entry: &Entry) -> Op {
        Op::HSet {
            key: self.section_key(&entry.section),
            field: field(entry.round, &format!("{}/{:04}", entry.by, entry.n)),
            value: serde_json::to_vec(entry).unwrap_or_default(),
        }
    }

    /// Writes an entry directly (the orchestrator's own notes).
    pub fn post(&self, entry: &Entry) -> Result<(), PipelineError> {
        self.store.apply(self.entry_op(entry))?;
        Ok(())
    }

    /// `round`'s board as JSON (`pipeline blackboard --json`, and an agent's
    /// read): `pipeline`, `round` and each section wanted (all with `None`).
    pub fn snapshot(&self, round: u32, section: Option<&str>) -> Result<Value, PipelineError> {
        Ok(serde_json::to_value(self.round_of(round, section)?).unwrap_or_default())
    }

    /// `round`'s board: each section wanted (all with `None`).
    pub fn round_of(&self, round: u32, section: Option<&str>) -> Result<Snapshot, PipelineError> {
        let wanted = |s: &str| section.is_none_or(|w| w == s);
        let posts = |s: &str| -> Result<Option<Vec<Posted>>, PipelineError> {
            if !wanted(s) {
                return Ok(None);
            }
            Ok(Some(
                self.entries(s)?
                    .into_iter()
                    .filter(|e| e.round == round)
                    .map(|e| Posted {
                        id: e.id(),
                        entry: e,
                    })
                    .collect(),
            ))
        };
        Ok(Snapshot {
            pipeline: self.id.clone(),
            round,
            problem: posts("problem")?,
            solutions: posts("solutions")?,
            progress: posts("progress")?,
            final_: posts("final")?,
            conflicts: if wanted("conflicts") {
                Some(self.conflicts(Some(round))?)
            } else {
                None
            },
            consensus: if wanted("consensus") {
                Some(self.votes(round)?.into_values().collect())
            } else {
                None
            },
        })
    }

    /// The pipeline's objective and what the board holds, as text for a
    /// model's prompt (at most about 8 KB).
    pub fn context(&self, objective: &str, round: u32) -> String {
        let mut s = format!("Pipeline objective: {objective}\n");
        for section in SECTIONS {
            for e in self.entries(section).unwrap_or_default() {
                if e.round != round {
                    continue;
                }
                let content = match &e.content {
                    Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                s.push_str(&format!("[{section}] {}: {content}\n", e.by));
            }
        }
        for c in self.conflicts(Some(round)).unwrap_or_default() {
            let state = match &c.resolved_by {
                Some(r) => format!("resolved by {r}"),
                None => "unresolved".into(),
            };
            s.push_str(&format!("[conflict {}] {} ({state})\n", c.id, c.about));
        }
        if s.len() > 8192 {
            let mut cut = 8192;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push_str("\n[…]");
        }
        s
    }
}

/// What the orchestrator learns from agents as they act.
#[derive(Debug, Default)]
pub struct Signals {
    /// The highest complexity reported.
    pub complexity: f64,
    /// Unresolved conflicts of the current round.
    pub unresolved: u32,
}

/// The pipeline as seen by one of its agents: carries out its pipeline
/// messages on the board and ledgers each through its run.
pub struct AgentDesk<'b, 'a> {
    /// The board.
    pub board: &'b Board<'a>,
    /// The agent's role.
    pub role: Role,
    /// The roles of the pipeline (messages may go only to them).
    pub roles: Vec<Role>,
    /// The round.
    pub round: u32,
    /// The pipeline's objective.
    pub objective: String,
    /// Shared with the orchestrator.
    pub signals: &'b Mutex<Signals>,
    /// Called with the agent's process id when it starts.
    pub on_start: Box<dyn FnMut(u32) + 'b>,
    /// A folder of its own for its files (`AGOV_OUTPUT_DIR`).
    pub output_dir: std::path::PathBuf,
    /// How many posts, messages and conflicts it made, by kind (start empty).
    pub counts: BTreeMap<&'static str, u32>,
}

impl<'b, 'a> AgentDesk<'b, 'a> {
    fn next(&mut self, what: &'static str) -> u32 {
        let n = self.counts.entry(what).or_insert(0);
        *n += 1;
        *n
    }

    fn event(&self, run: &Run<'_>, action: &str) -> agov_ledger::NewEvent {
        run.event(action)
            .with("role", self.role.as_str())
            .with("round", self.round)
    }

    fn signals(&self) -> std::sync::MutexGuard<'_, Signals> {
        self.signals.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn digest(v: &Value) -> (usize, String) {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    (bytes.len(), hex::encode(&Sha256::digest(&bytes)[..8]))
}

fn store_err(e: PipelineError) -> AgentError {
    match e {
        PipelineError::Runtime(r) => AgentError::Runtime(r),
        other => AgentError::Process(other.to_string()),
    }
}

impl Collab for AgentDesk<'_, '_> {
    fn act(&mut self, run: &mut Run<'_>, message: Message) -> Result<(), AgentError> {
        let now = agov_core::time::now_us();
        match message {
            Message::Post { section, content } => {
                let n = self.next(section.as_str());
                let entry = Entry {
                    section: section.as_str().into(),
                    by: self.role,
                    round: self.round,
                    n,
                    at_us: now,
                    content,
                };
                let (bytes, sha) = digest(&entry.content);
                self.board.post(&entry).map_err(store_err)?;
                let e = self
                    .event(run, "pipeline.post")
                    .with("section", section.as_str())
                    .with("n", n)
                    .with("bytes", bytes)
                    .with("sha256_prefix", sha);
                run.record(e)
            }
            Message::Send { to, kind, body } => {
                // `all` (GAMMA → ALL in the reference) reaches every other
                // agent of the pipeline.
                let recipients: Vec<Role> = if to.trim().eq_ignore_ascii_case("all") {
                    self.roles
                        .iter()
                        .copied()
                        .filter(|r| *r != self.role)
                        .collect()
                } else {
                    match Role::parse(&to).filter(|r| self.roles.contains(r)) {
                        Some(r) => vec![r],
                        None => {
                            let roles: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
                            return run.error(
                                "message-recipient",
                                &format!(
                                    "no agent `{to}` in this pipeline (it has {}, or `all`)",
                                    roles.join(", ")
                                ),
                            );
                        }
                    }
                };
                let n = self.next("mail");
                let (bytes, sha) = digest(&body);
                for to_role in &recipients {
                    let mail = Mail {
                        from: self.role,
                        to: *to_role,
                        kind,
                        round: self.round,
                        n,
                        at_us: now,
                        body: body.clone(),
                    };
                    self.board
                        .store
                        .hset(
                            &self.board.keys.messages(&self.board.id, to_role.as_str()),
                            &field(self.round, &format!("{}/{n:04}", self.role)),
                            &serde_json::to_vec(&mail).unwrap_or_default(),
                        )
                        .map_err(AgentError::Runtime)?;
                }
                let to_text = if recipients.len() == 1 && !to.trim().eq_ignore_ascii_case("all") {
                    recipients[0].as_str().to_string()
                } else {
                    "all".to_string()
                };
                let mut e = self
                    .event(run, "pipeline.message")
                    .with("to", to_text.as_str())
                    .with("kind", kind.as_str())
                    .with("bytes", bytes)
                    .with("sha256_prefix", sha);
                if to_text == "all" {
                    e = e.with(
                        "recipients",
                        recipients.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    );
                }
                run.record(e)
            }
            Message::Vote {
                vote,
                reasoning,
                proposal,
            } => {
                if let Some(p) = &proposal {
                    let known = self
                        .board
                        .entries("solutions")
                        .map_err(|e| AgentError::Process(e.to_string()))?
                        .iter()
                        .any(|e| e.round == self.round && e.id() == *p);
                    if !known {
                        return run.error(
                            "vote-proposal",
                            &format!(
                                "no proposal `{p}` in this round's solutions (ids look like alpha-r{}-1; read the blackboard)",
                                self.round
                            ),
                        );
                    }
                }
                let v = Vote {
                    proposal: proposal.clone(),
                    role: self.role,
                    agent_id: run.packet.agent_id.clone(),
                    vote,
                    reasoning: reasoning.clone(),
                    token_accessor: run.token().map(|t| t.accessor.clone()).unwrap_or_default(),
                    run_id: run.run_id.clone(),
                    round: self.round,
                    at_us: now,
                };
                self.board
                    .store
                    .hset(
                        &self.board.section_key("consensus"),
                        &field(self.round, self.role.as_str()),
                        &serde_json::to_vec(&v).unwrap_or_default(),
                    )
                    .map_err(AgentError::Runtime)?;
                let mut e = self
                    .event(run, "pipeline.vote")
                    .with("vote", vote.as_str())
                    .with("reasoning", reasoning)
                    .with("token_accessor", v.token_accessor);
                if let Some(p) = &proposal {
                    e = e.with("proposal", p.as_str());
                }
                run.record(e)
            }
            Message::Conflict { about, with } => {
                let n = self.next("conflict");
                let c = Conflict {
                    id: format!("{}-{n}", self.role),
                    round: self.round,
                    by: self.role,
                    with,
                    about,
                    at_us: now,
                    resolved_by: None,
                    resolution: None,
                };
                self.board
                    .store
                    .hset(
                        &self.board.conflicts_key(),
                        &field(self.round, &c.id),
                        &serde_json::to_vec(&c).unwrap_or_default(),
                    )
                    .map_err(AgentError::Runtime)?;
                let unresolved = self.board.unresolved(self.round).map_err(store_err)?;
                self.signals().unresolved = unresolved;
                let e = self
                    .event(run, "pipeline.conflict")
                    .with("conflict", c.id.as_str())
                    .with("about", c.about.as_str())
                    .with("unresolved", unresolved);
                run.record(e)
            }
            Message::Resolve { conflict, note } => {
                let key = self.board.conflicts_key();
                let f = field(self.round, &conflict);
                let found: Option<Conflict> = self
                    .board
                    .store
                    .hget(&key, &f)
                    .map_err(AgentError::Runtime)?
                    .and_then(|raw| serde_json::from_slice(&raw).ok());
                let Some(mut c) = found else {
                    return run.error(
                        "unknown-conflict",
                        &format!("there is no conflict `{conflict}` in round {}", self.round),
                    );
                };
                c.resolved_by = Some(self.role);
                c.resolution = note;
                self.board
                    .store
                    .hset(&key, &f, &serde_json::to_vec(&c).unwrap_or_default())
                    .map_err(AgentError::Runtime)?;
                let unresolved = self.board.unresolved(self.round).map_err(store_err)?;
                self.signals().unresolved = unresolved;
                let e = self
                    .event(run, "pipeline.resolve")
                    .with("conflict", conflict)
                    .with("unresolved", unresolved);
                run.record(e)
            }
            Message::Complexity { score } => {
                {
                    let mut s = self.signals();
                    s.complexity = s.complexity.max(score);
                }
                let e = self.event(run, "pipeline.complexity").with("score", score);
                run.record(e)
            }
            other => run.error("protocol", &format!("not a pipeline message: {other:?}")),
        }
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("AGOV_PIPELINE_ID".into(), self.board.id.clone()),
            ("AGOV_ROLE".into(), self.role.as_str().into()),
            ("AGOV_ROUND".into(), self.round.to_string()),
            (
                "AGOV_OUTPUT_DIR".into(),
                self.output_dir.display().to_string(),
            ),
        ]
    }

    fn read(&mut self, what: ReadWhat, section: Option<&str>) -> Result<Value, AgentError> {
        match what {
            ReadWhat::Blackboard => {
                if let Some(s) = section
                    .filter(|s| !SECTIONS.contains(s) && !matches!(*s, "conflicts" | "consensus"))
                {
                    return Ok(serde_json::json!({
                        "error": format!("there is no blackboard section `{s}` (problem, solutions, progress, conflicts, consensus)")
                    }));
                }
                let mut doc = self
                    .board
                    .snapshot(self.round, section)
                    .map_err(store_err)?;
                // Other agents' token accessors are none of its business.
                for v in doc["consensus"].as_array_mut().into_iter().flatten() {
                    if let Some(o) = v.as_object_mut() {
                        o.remove("token_accessor");
                    }
                }
                Ok(doc)
            }
            ReadWhat::Messages => {
                let mail = self.board.messages(Some(self.role)).map_err(store_err)?;
                Ok(serde_json::to_value(mail).unwrap_or_default())
            }
        }
    }

    fn context(&self) -> String {
        self.board.context(&self.objective, self.round)
    }

    fn started(&mut self, pid: u32) {
        (self.on_start)(pid);
    }
}
