# Given to the token of a tier-1 pipeline (token role agov-pipeline-t1), and
# nothing else: it may issue its agents' tokens as its children, from the
# child roles of tiers 0 to 1 only (agov-child-t0 … agov-child-t1), so Vault
# itself refuses a child above the pipeline's tier, and revoking the
# pipeline's token revokes every agent token under it. It holds no tier's
# secrets: a pipeline token outlives its agents' tier TTLs.

path "auth/token/create/agov-child-t0" {
  capabilities = ["update"]
}
path "auth/token/create/agov-child-t1" {
  capabilities = ["update"]
}

path "auth/token/lookup-self" {
  capabilities = ["read"]
}
