# agov tier 2, Builder: everything T1 may, plus read build credentials
# (registries, CI). Token TTL 30m.

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

path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}
