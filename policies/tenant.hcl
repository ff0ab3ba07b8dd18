# Acting for one tenant (policy `agov-tenant-TENANT`, one per tenant, which
# `validate-phases --apply` installs for every tenant the config file names:
# `tenant =` and each `[tenants.NAME]`). TENANT below is replaced by the
# tenant's name. With Vault configured, agov acts for a tenant other than
# the installation's own (the config file's `tenant =`, else `default`;
# with no AppRole credentials, every tenant) only
# when the token in VAULT_TOKEN holds `update` on `agov/tenant/TENANT`,
# which agov asks Vault with `sys/capabilities-self` before it reads or
# writes anything; `--tenant` and the tenant variable alone name a tenant but grant
# nothing. The path lies outside every mount and grants nothing else.
#
# A token for one tenant: `bao token create -policy=agov-tenant-TENANT
# -display-name=NAME` (add -policy=agov-operator for its privileged acts).
# Its display name is recorded in the ledger as the actor, `vault:NAME`.

path "agov/tenant/TENANT" {
  capabilities = ["update"]
}

# Who acts (its display name is recorded in the ledger), and the check itself.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "sys/capabilities-self" {
  capabilities = ["update"]
}
