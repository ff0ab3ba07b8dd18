# agov tier 0, Observer: read and plan. Token TTL 1h.
# Reads shared, non-sensitive planning material; writes nothing.

path "secret/data/agov/observe/*" {
  capabilities = ["read"]
}
path "secret/metadata/agov/observe/*" {
  capabilities = ["read", "list"]
}

# Every tier may look after its own token, and nothing else's.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}
