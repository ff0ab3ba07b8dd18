# agov's own identity (the AppRole `agov`): issues, renews, looks up and
# revokes tier tokens, and keeps its ledger HMAC key and seals in KV.
# It cannot read any tier's secrets. Its login tokens live 15 min (1 h at
# most); a process that does not hand its token on revokes it (revoke-self).
#
# Vault cannot confine revoking and looking up by accessor to the tokens a
# token role issued: run agov in its own OpenBao namespace (VAULT_NAMESPACE),
# and these paths reach only the tokens of that namespace.

path "auth/token/create/agov-t*" {
  capabilities = ["update"]
}
path "auth/token/create/agov-pipeline-t*" {
  capabilities = ["update"]
}
path "auth/token/lookup" {
  capabilities = ["update"]
}
path "auth/token/lookup-accessor" {
  capabilities = ["update"]
}
path "auth/token/renew" {
  capabilities = ["update"]
}
path "auth/token/revoke" {
  capabilities = ["update"]
}
path "auth/token/revoke-accessor" {
  capabilities = ["update"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}

# The ledger's HMAC key: created once (check-and-set 0), then only read.
path "secret/data/agov/ledger/hmac-key" {
  capabilities = ["create", "read"]
}
# The single seal older versions kept: read, never written.
path "secret/data/agov/ledger/seal" {
  capabilities = ["read"]
}

# Seals, one key per sealed event under the ledger's id
# (agov/ledger-seals/<id>/<seq>): created once, read and listed, never
# updated or deleted, so not even agov can rewrite what it sealed.
path "secret/data/agov/ledger-seals/*" {
  capabilities = ["create", "read"]
}
path "secret/metadata/agov/ledger-seals/*" {
  capabilities = ["list", "read"]
}
path "secret/metadata/agov/ledger-seals" {
  capabilities = ["list"]
}

# The API key of the `llm` agent driver at its default path (agov/llm).
# Credentials of other services agov uses (runtime.password_secret, another
# AGOV_LLM_KEY_PATH) are added below this file by `validate-phases --apply`,
# each by its exact path, read-only: nothing else under the mount.
path "secret/data/agov/llm" {
  capabilities = ["read"]
}

# Read-only views of how agov is installed, so that `validate-phases` can
# check an installation under this identity (from cron). Changing any of it
# (`validate-phases --apply`) needs an operator's token.
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
path "sys/policies/acl/agov-*" {
  capabilities = ["read"]
}
path "auth/token/roles/agov-*" {
  capabilities = ["read"]
}
path "auth/+/role/agov" {
  capabilities = ["read"]
}
