# Added to a pipeline's own token: it may issue its agents' tokens as its
# children (roles agov-child-t0 … agov-child-t4), so revoking the pipeline's
# token revokes every agent token under it. agov refuses a child of a higher
# tier than its parent before asking Vault.

path "auth/token/create/agov-child-*" {
  capabilities = ["update"]
}
