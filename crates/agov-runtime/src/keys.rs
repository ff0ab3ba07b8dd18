//! The runtime keyspace (docs/architecture.md), with the tenant in every key.
//!
//! ```text
//! t:{tenant}:agent:{id}:packet|state|errors|heartbeat|lock
//! t:{tenant}:task:{id}:active_agent|artifacts
//! t:{tenant}:blackboard:{task}:{section}
//! t:{tenant}:msg:{task}:{agent}
//! t:{tenant}:revocations:ledger
//! t:{tenant}:handoff:{task}:latest
//! t:{tenant}:pipeline:{id}:state|lease|vault_token
//! ```
//! The store adds its namespace (`agov:`) in front of all of these.
//!
//! Every key expires: locks, leases and heartbeats have short TTLs; an
//! ended agent's packet, state and handoff, and everything of an ended
//! pipeline (`agov_pipeline::retention`), expire after [`crate::RETENTION`]
//! (`AGOV_RETENTION`); a pipeline's sealed token is deleted when it ends.
//! The one exception is `revocations:ledger`: an agent stays revoked until
//! a person reinstates it.

/// Builds keys for one tenant.
#[derive(Clone, Debug)]
pub struct Keyspace {
    prefix: String,
}

impl Keyspace {
    /// Keys of `tenant`.
    pub fn new(tenant: &str) -> Keyspace {
        Keyspace {
            prefix: format!("t:{tenant}:"),
        }
    }

    /// The prefix every key of this tenant starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `agent:{id}:{part}` (packet, state, errors, heartbeat, lock).
    pub fn agent(&self, id: &str, part: &str) -> String {
        format!("{}agent:{id}:{part}", self.prefix)
    }

    /// `task:{id}:{part}` (active_agent, artifacts).
    pub fn task(&self, id: &str, part: &str) -> String {
        format!("{}task:{id}:{part}", self.prefix)
    }

    /// `blackboard:{task}:{section}` (problem, solutions, progress, consensus).
    pub fn blackboard(&self, task: &str, section: &str) -> String {
        format!("{}blackboard:{task}:{section}", self.prefix)
    }

    /// `msg:{task}:{agent}`.
    pub fn messages(&self, task: &str, agent: &str) -> String {
        format!("{}msg:{task}:{agent}", self.prefix)
    }

    /// `revocations:ledger`.
    pub fn revocations(&self) -> String {
        format!("{}revocations:ledger", self.prefix)
    }

    /// `handoff:{task}:latest`.
    pub fn handoff(&self, task: &str) -> String {
        format!("{}handoff:{task}:latest", self.prefix)
    }

    /// `changes:pipelines`: a counter bumped whenever a pipeline's state is
    /// written, and the channel its new value is published on, so that a
    /// dashboard redraws on a change (subscribed, or polling the counter).
    pub fn changes(&self) -> String {
        format!("{}changes:pipelines", self.prefix)
    }

    /// `pipeline:{id}:{part}` (state, lease, vault_token).
    pub fn pipeline(&self, id: &str, part: &str) -> String {
        format!("{}pipeline:{id}:{part}", self.prefix)
    }
}

/// The one key outside every tenant's keyspace: which tenant owns pipeline
/// `id` (pipeline ids are global), so that another tenant's request for it
/// is told "another tenant's" (denied) rather than "no such pipeline".
pub fn pipeline_owner(id: &str) -> String {
    format!("g:pipeline:{id}:tenant")
}

#[cfg(test)]
mod tests {
    use super::Keyspace;

    #[test]
    fn keys_follow_the_design_and_carry_the_tenant() {
        let k = Keyspace::new("acme");
        assert_eq!(k.agent("a1", "lock"), "t:acme:agent:a1:lock");
        assert_eq!(
            k.blackboard("t9", "consensus"),
            "t:acme:blackboard:t9:consensus"
        );
        assert_eq!(k.pipeline("p1", "lease"), "t:acme:pipeline:p1:lease");
        assert!(k.revocations().starts_with(k.prefix()));
    }
}
