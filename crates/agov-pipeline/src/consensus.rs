//! Votes and the tally: consensus when every required agent has voted,
//! accepts outnumber rejects and no required agent rejects. The tally is a
//! pure function of the votes, so any process computes the same result.

use std::collections::BTreeMap;

use agov_governance::protocol::VoteChoice;
use serde::{Deserialize, Serialize};

use crate::plan::Role;

/// One vote, as stored in the blackboard's consensus section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(title = "A vote")]
pub struct Vote {
    /// The voter's role.
    pub role: Role,
    /// The voter's agent id.
    pub agent_id: String,
    /// The vote.
    pub vote: VoteChoice,
    /// Why.
    pub reasoning: String,
    /// The accessor of the token the voter held when it voted.
    pub token_accessor: String,
    /// The run that voted.
    pub run_id: String,
    /// The pipeline round, from 1 (fallbacks that rerun start a new one).
    #[schemars(range(min = 1))]
    pub round: u32,
    /// When (µs).
    pub at_us: i64,
    /// The proposal it judges: a solutions post's id (alpha-r1-1), if it
    /// names one.
    #[serde(default)]
    pub proposal: Option<String>,
}

/// The result of counting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tally {
    /// The round counted.
    pub round: u32,
    /// ACCEPT votes.
    pub accepts: u32,
    /// REJECT votes.
    pub rejects: u32,
    /// ABSTAIN votes.
    pub abstains: u32,
    /// The roles whose votes were required.
    pub required: Vec<Role>,
    /// Required roles that have not voted.
    pub missing: Vec<Role>,
    /// Required roles that rejected.
    pub rejected_by: Vec<Role>,
    /// Whether consensus is reached.
    pub reached: bool,
    /// Why (or why not), in words.
    pub reason: String,
}

/// Counts `votes` (one per role: the latest) against the `required` roles.
pub fn tally(round: u32, required: &[Role], votes: &BTreeMap<Role, Vote>) -> Tally {
    let mut required: Vec<Role> = required.to_vec();
    required.sort();
    required.dedup();
    let count = |c: VoteChoice| votes.values().filter(|v| v.vote == c).count() as u32;
    let (accepts, rejects, abstains) = (
        count(VoteChoice::Accept),
        count(VoteChoice::Reject),
        count(VoteChoice::Abstain),
    );
    let missing: Vec<Role> = required
        .iter()
        .copied()
        .filter(|r| !votes.contains_key(r))
        .collect();
    let rejected_by: Vec<Role> = required
        .iter()
        .copied()
        .filter(|r| votes.get(r).is_some_and(|v| v.vote == VoteChoice::Reject))
        .collect();
    let names = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let (reached, reason) = if !missing.is_empty() {
        (false, format!("no vote yet from {}", names(&missing)))
    } else if !rejected_by.is_empty() {
        (false, format!("rejected by {}", names(&rejected_by)))
    } else if accepts <= rejects {
        (
            false,
            format!("{accepts} accept(s) do not outnumber {rejects} reject(s)"),
        )
    } else {
        (true, "every required agent voted".to_string())
    };
    Tally {
        round,
        accepts,
        rejects,
        abstains,
        required,
        missing,
        rejected_by,
        reached,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(list: &[(Role, VoteChoice)]) -> BTreeMap<Role, Vote> {
        list.iter()
            .map(|(r, v)| {
                (
                    *r,
                    Vote {
                        role: *r,
                        agent_id: format!("a-{r}"),
                        vote: *v,
                        reasoning: "because".into(),
                        token_accessor: "acc".into(),
                        run_id: "r1".into(),
                        round: 1,
                        at_us: 0,
                        proposal: None,
                    },
                )
            })
            .collect()
    }

    use Role::{Alpha, Beta, Gamma};
    use VoteChoice::{Abstain, Accept, Reject};

    #[test]
    fn consensus_needs_every_required_vote_a_majority_and_no_required_reject() {
        let req = [Alpha, Beta];
        assert!(tally(1, &req, &votes(&[(Alpha, Accept), (Beta, Accept)])).reached);
        let t = tally(1, &req, &votes(&[(Alpha, Accept)]));
        assert!(!t.reached);
        assert_eq!(t.missing, vec![Beta]);
        let t = tally(1, &req, &votes(&[(Alpha, Accept), (Beta, Reject)]));
        assert_eq!((t.reached, t.rejected_by.clone()), (false, vec![Beta]));
        // Abstentions count as voting but not as accepting.
        let t = tally(1, &req, &votes(&[(Alpha, Abstain), (Beta, Abstain)]));
        assert!(!t.reached, "{}", t.reason);
        assert!(tally(1, &req, &votes(&[(Alpha, Accept), (Beta, Abstain)])).reached);
        // A non-required reject counts against the majority but is no veto.
        let t = tally(
            1,
            &[Alpha],
            &votes(&[(Alpha, Accept), (Beta, Reject), (Gamma, Accept)]),
        );
        assert!(t.reached);
        let t = tally(1, &[Alpha], &votes(&[(Alpha, Accept), (Beta, Reject)]));
        assert!(!t.reached, "one accept does not outnumber one reject");
    }

    #[test]
    fn the_tally_does_not_depend_on_order() {
        let a = votes(&[(Beta, Accept), (Alpha, Accept), (Gamma, Abstain)]);
        let b = votes(&[(Gamma, Abstain), (Alpha, Accept), (Beta, Accept)]);
        assert_eq!(tally(2, &[Beta, Alpha], &a), tally(2, &[Alpha, Beta], &b));
    }
}

/// The best-supported proposal among `proposals` (a round's `solutions`
/// ids, oldest first): the one most ACCEPT votes name, the newest on a tie;
/// with no vote naming one, the newest. `None` when nothing was proposed.
pub fn best_proposal(proposals: &[String], votes: &BTreeMap<Role, Vote>) -> Option<(String, u32)> {
    proposals
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let accepts = votes
                .values()
                .filter(|v| v.vote == VoteChoice::Accept && v.proposal.as_deref() == Some(p))
                .count() as u32;
            (accepts, i, p)
        })
        .max()
        .map(|(accepts, _, p)| (p.clone(), accepts))
}

#[cfg(test)]
mod proposal_tests {
    use super::*;

    fn vote(role: Role, choice: VoteChoice, proposal: Option<&str>) -> (Role, Vote) {
        (
            role,
            Vote {
                role,
                agent_id: role.as_str().into(),
                vote: choice,
                reasoning: "r".into(),
                token_accessor: String::new(),
                run_id: String::new(),
                round: 1,
                at_us: 0,
                proposal: proposal.map(str::to_string),
            },
        )
    }

    #[test]
    fn the_most_accepted_proposal_wins_and_the_newest_breaks_ties() {
        let ids = vec!["alpha-r1-1".to_string(), "beta-r1-1".to_string()];
        assert_eq!(best_proposal(&[], &BTreeMap::new()), None);
        assert_eq!(
            best_proposal(&ids, &BTreeMap::new()),
            Some(("beta-r1-1".into(), 0))
        );
        let votes: BTreeMap<_, _> = [
            vote(Role::Alpha, VoteChoice::Accept, Some("alpha-r1-1")),
            vote(Role::Gamma, VoteChoice::Accept, Some("alpha-r1-1")),
            vote(Role::Beta, VoteChoice::Reject, Some("alpha-r1-1")),
        ]
        .into_iter()
        .collect();
        assert_eq!(best_proposal(&ids, &votes), Some(("alpha-r1-1".into(), 2)));
    }
}
