# A person who decides for agov (policy `agov-operator`): promoting, demoting
# and reinstating agents, approving an agent's action, approving or rejecting
# a pipeline's gate, choosing a consensus fallback, revoking (a pipeline, an
# agent, a token) and revealing a token. agov asks Vault, with
# `sys/capabilities-self`, whether the token in VAULT_TOKEN has `update` on
# `agov/operator/<act>`; the paths lie outside every mount and grant nothing
# else. To grant only some acts, name them instead of `*`: promote, demote,
# reinstate, approve-action, decide-gate, fallback, revoke, reveal.
#
# An operator's token: `bao token create -policy=agov-operator
# -display-name=NAME`; a gate's `approvers` name NAME. With AppRole
# credentials configured agov does its own work as its governor identity and
# uses this token only to know who decides; without them agov acts with the
# token itself, which then also needs `agov-governor`.

path "agov/operator/*" {
  capabilities = ["update"]
}

# Who the operator is (its display name is recorded in the ledger), and the
# check itself.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "sys/capabilities-self" {
  capabilities = ["update"]
}
