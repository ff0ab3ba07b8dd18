# agov tier 3, Executor: everything T2 may, plus staging and a read-only view
# of production. Its actions need a recorded human approval. Token TTL 15m.

path "secret/data/agov/observe/*" {
  capabilities = ["read"]
}
path "secret/metadata/agov/observe/*" {
  capabilities = ["read", "list"]
}

path "secret/data/agov/sandbox/*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "secret/metadata/agov/sandbox/*" {
  capabilities = ["read", "list"]
}

path "secret/data/agov/build/*" {
  capabilities = ["read"]
}
path "secret/metadata/agov/build/*" {
  capabilities = ["read", "list"]
}

path "secret/data/agov/staging/*" {
  capabilities = ["create", "read", "update"]
}
path "secret/metadata/agov/staging/*" {
  capabilities = ["read", "list"]
}

path "secret/data/agov/production/readonly/*" {
  capabilities = ["read"]
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
